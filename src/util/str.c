/* String view comparisons; ASCII case folding only, as SCIM names are ASCII. */
#include "util/str.h"

static int
fold(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int
str_eq(struct str a, struct str b)
{
	return a.len == b.len &&
	    (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

int
str_eq_cstr(struct str a, const char *b)
{
	return str_eq(a, str_from(b));
}

int
str_caseeq(struct str a, struct str b)
{
	size_t i;

	if (a.len != b.len)
		return 0;
	for (i = 0; i < a.len; i++)
		if (fold((unsigned char)a.ptr[i]) !=
		    fold((unsigned char)b.ptr[i]))
			return 0;
	return 1;
}

int
str_caseeq_cstr(struct str a, const char *b)
{
	return str_caseeq(a, str_from(b));
}

int
str_cmp(struct str a, struct str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.ptr, b.ptr, n) : 0;

	if (c != 0)
		return c;
	return a.len < b.len ? -1 : a.len > b.len;
}

int
str_casecmp(struct str a, struct str b)
{
	size_t i, n = a.len < b.len ? a.len : b.len;

	for (i = 0; i < n; i++) {
		int x = fold((unsigned char)a.ptr[i]);
		int y = fold((unsigned char)b.ptr[i]);
		if (x != y)
			return x - y;
	}
	return a.len < b.len ? -1 : a.len > b.len;
}

int
str_has_prefix(struct str s, struct str p)
{
	return s.len >= p.len && str_eq(str_make(s.ptr, p.len), p);
}

int
str_case_has_prefix(struct str s, struct str p)
{
	return s.len >= p.len && str_caseeq(str_make(s.ptr, p.len), p);
}

int
str_has_suffix(struct str s, struct str p)
{
	return s.len >= p.len &&
	    str_eq(str_make(s.ptr + s.len - p.len, p.len), p);
}

int
str_case_has_suffix(struct str s, struct str p)
{
	return s.len >= p.len &&
	    str_caseeq(str_make(s.ptr + s.len - p.len, p.len), p);
}

long
str_find(struct str s, struct str needle, int folded)
{
	size_t i;

	if (needle.len == 0)
		return 0;
	if (needle.len > s.len)
		return -1;
	for (i = 0; i + needle.len <= s.len; i++) {
		struct str w = str_make(s.ptr + i, needle.len);
		if (folded ? str_caseeq(w, needle) : str_eq(w, needle))
			return (long)i;
	}
	return -1;
}

int
str_has_nul(struct str s)
{
	return s.len > 0 && memchr(s.ptr, '\0', s.len) != NULL;
}
