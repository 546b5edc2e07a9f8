/*
 * Configuration files of `key = value` lines. Blank lines and lines whose
 * first non-blank character is '#' are skipped; spaces around keys and
 * values are trimmed; a '#' after a value is part of it. What the keys
 * mean is the caller's business: each setting goes to a callback, and the
 * first problem stops the load with a message naming file:line.
 */
#ifndef UTIL_CONF_H
#define UTIL_CONF_H

#include <stddef.h>

#define CONF_LINE_MAX 4200 /* longest line, newline included */

enum conf_result {
	CONF_OK = 0,
	CONF_UNKNOWN_KEY = -1,
	CONF_BAD_VALUE = -2,
};

/* Applies one setting; returns a conf_result. */
typedef int (*conf_fn)(void *arg, const char *key, const char *value);

/*
 * Reads path and calls fn for each setting in order. Returns 0, or -1
 * with a message such as "FILE:3: unknown key \"x\"" in err (always
 * NUL-terminated when errsz > 0).
 */
int conf_load(const char *path, conf_fn fn, void *arg, char *err, size_t errsz);

/*
 * A byte count: digits with an optional K, M, G or T suffix (powers of
 * 1024, either case). 0 and *out, or -1 if malformed, if it overflows
 * size_t or if it is below min.
 */
int conf_parse_size(const char *s, size_t min, size_t *out);

#endif
