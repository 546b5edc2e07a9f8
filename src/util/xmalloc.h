/*
 * Allocation that aborts on exhaustion and checks multiplication overflow.
 * Safe only because every input is bounded before anything is allocated
 * for it (HARDENING.md, "Bounded input"). Caller frees with free().
 */
#ifndef UTIL_XMALLOC_H
#define UTIL_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
