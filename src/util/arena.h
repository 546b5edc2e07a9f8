/*
 * Per-request arena (h2o req->pool, slapd tmpmemctx). Everything a request
 * needs — parsed body, filter AST, scratch output — comes from one arena
 * that is freed once after the reply. Memory is zeroed. Aborts on
 * exhaustion like xmalloc. With ARENA_DEBUG (--enable-debug-arena, implied
 * by --enable-asan) every allocation is a separate malloc so ASan and
 * valgrind see each one.
 */
#ifndef UTIL_ARENA_H
#define UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "util/str.h"

struct arena;

/* Caller frees with arena_free(). */
struct arena *arena_new(void);
/* Accepts NULL. Frees every allocation made from the arena. */
void arena_free(struct arena *a);

/* Zeroed, aligned for any type. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_allocarray(struct arena *a, size_t nmemb, size_t size);
/* Grows an allocation of oldn bytes to newn bytes (copying). */
void *arena_realloc(struct arena *a, void *old, size_t oldn, size_t newn);
void *arena_memdup(struct arena *a, const void *p, size_t n);
/* NUL-terminated copy. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* A view of a NUL-terminated arena copy of s. */
struct str arena_str(struct arena *a, struct str s);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Bytes handed out so far (for limits and metrics). */
size_t arena_used(const struct arena *a);

#endif
