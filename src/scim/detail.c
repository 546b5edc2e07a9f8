/* Bounded quoting of client text in error details; see detail.h. */
#include "config.h"

#include "scim/detail.h"

struct str
detail_quote(struct str s)
{
	if (s.len > DETAIL_QUOTE_MAX) {
		s.len = DETAIL_QUOTE_MAX;
		/* back off continuation bytes: never split a character */
		while (
		    s.len > 0 && ((unsigned char)s.ptr[s.len] & 0xc0) == 0x80)
			s.len--;
	}
	return s;
}
