/*
 * String views: a pointer and a length. Views never own their bytes; the
 * owner is named where a view is returned. LMDB and yajl both speak
 * pointer-plus-length, so views let bytes cross modules without copies or
 * strlen, and make embedded NULs impossible to miss.
 */
#ifndef UTIL_STR_H
#define UTIL_STR_H

#include <stddef.h>
#include <string.h>

struct str {
	const char *ptr;
	size_t len;
};

#define STR_LIT(s) ((struct str){(s), sizeof(s) - 1})
#define STR_NULL ((struct str){NULL, 0})
/* printf("%.*s", STR_FMT(s)) */
#define STR_FMT(s) (int)(s).len, (s).ptr

static inline struct str
str_from(const char *s)
{
	return (struct str){s, s != NULL ? strlen(s) : 0};
}

static inline struct str
str_make(const char *p, size_t len)
{
	return (struct str){p, len};
}

int str_eq(struct str a, struct str b);
int str_eq_cstr(struct str a, const char *b);
/* ASCII case-insensitive equality: SCIM names compare this way (RFC 7643 §2.1). */
int str_caseeq(struct str a, struct str b);
int str_caseeq_cstr(struct str a, const char *b);
/* memcmp order, shorter first on a common prefix. */
int str_cmp(struct str a, struct str b);
/* ASCII case-folded order. */
int str_casecmp(struct str a, struct str b);
int str_has_prefix(struct str s, struct str prefix);
int str_case_has_prefix(struct str s, struct str prefix);
int str_has_suffix(struct str s, struct str suffix);
int str_case_has_suffix(struct str s, struct str suffix);
/* Position of needle in s, or -1; case-folded when fold is set. */
long str_find(struct str s, struct str needle, int fold);
/* 1 if s contains a NUL byte. */
int str_has_nul(struct str s);

#endif
