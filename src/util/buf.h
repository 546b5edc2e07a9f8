/*
 * Growable byte buffer for output (JSON bodies, log lines). A plain value
 * type: embed it, buf_init() it, buf_free() it. Storage comes from xmalloc,
 * so a buffer may outlive the request arena (the HTTP layer hands it to
 * libevent).
 */
#ifndef UTIL_BUF_H
#define UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/str.h"

struct buf {
	char *data; /* NUL-terminated when len > 0 or after buf_cstr() */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
/* Accepts NULL and a zeroed buf. */
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_append_str(struct buf *b, struct str s);
void buf_append_cstr(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Always NUL-terminated, never NULL. */
const char *buf_cstr(struct buf *b);
struct str buf_view(const struct buf *b);

#endif
