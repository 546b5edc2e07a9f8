/* Bump allocator in growing chunks; see arena.h for the contract. */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/xmalloc.h"

#define ARENA_ALIGN 16
/* 16 KiB: a GET's arena, yajl's 2 KiB decode buffer included
 * (json_parse.c), fits in one chunk, which the spare below recycles. */
#define ARENA_CHUNK 16384

struct chunk {
	struct chunk *next;
	size_t size;
	size_t used;
	/* Keeps data[] aligned for any type. */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct chunk *head;
	size_t used;
};

#ifndef ARENA_DEBUG
/*
 * One spare standard chunk per thread. A request's arena usually fits in
 * one chunk, and a 16 KiB block is past malloc's per-thread caches: each
 * request paid for a malloc that first consolidated the fast bins, then a
 * free (measured on GET). Keeping the last chunk a thread freed for its
 * next arena makes that a pointer swap. The key's destructor frees the
 * spare when a thread exits; nothing is cached with ARENA_DEBUG.
 */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static int spare_ok;

static void
spare_init(void)
{
	spare_ok = pthread_key_create(&spare_key, free) == 0;
}

/* The thread's spare chunk, now owned by the caller, or NULL. */
static struct chunk *
spare_take(void)
{
	struct chunk *c;

	pthread_once(&spare_once, spare_init);
	if (!spare_ok || (c = pthread_getspecific(spare_key)) == NULL)
		return NULL;
	pthread_setspecific(spare_key, NULL);
	return c;
}

/* Keeps c as the thread's spare if there is none yet; 0 if the caller
 * must free it. */
static int
spare_keep(struct chunk *c)
{
	pthread_once(&spare_once, spare_init);
	if (!spare_ok || c->size != ARENA_CHUNK ||
	    pthread_getspecific(spare_key) != NULL)
		return 0;
	return pthread_setspecific(spare_key, c) == 0;
}
#endif

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
#ifndef ARENA_DEBUG
		if (spare_keep(c))
			continue;
#endif
		free(c);
	}
	free(a);
}

static struct chunk *
chunk_new(size_t size)
{
	struct chunk *c = NULL;

#ifndef ARENA_DEBUG
	if (size == ARENA_CHUNK)
		c = spare_take();
#endif
	if (c == NULL)
		c = xmalloc(sizeof(*c) + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c;
	size_t need;

	if (n > SIZE_MAX - ARENA_ALIGN) {
		fprintf(stderr, "scimcred: arena request too large\n");
		abort();
	}
	need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	a->used += n;
#ifdef ARENA_DEBUG
	/* One chunk per allocation: sanitizers see every overrun. */
	c = chunk_new(n);
	c->used = n;
	c->next = a->head;
	a->head = c;
	memset(c->data, 0, n);
	return c->data;
#else
	c = a->head;
	if (c == NULL || c->size - c->used < need) {
		if (need > ARENA_CHUNK / 4) {
			/* Large blocks get their own chunk, behind the head. */
			struct chunk *big = chunk_new(need);
			big->used = need;
			if (c == NULL) {
				a->head = big;
			} else {
				big->next = c->next;
				c->next = big;
			}
			memset(big->data, 0, need);
			return big->data;
		}
		c = chunk_new(ARENA_CHUNK);
		c->next = a->head;
		a->head = c;
	}
	c->used += need;
	memset(c->data + c->used - need, 0, need);
	return c->data + c->used - need;
#endif
}

void *
arena_allocarray(struct arena *a, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size) {
		fprintf(stderr, "scimcred: arena array overflow\n");
		abort();
	}
	return arena_alloc(a, nmemb * size);
}

void *
arena_realloc(struct arena *a, void *old, size_t oldn, size_t newn)
{
	void *p;

	if (newn <= oldn && old != NULL)
		return old;
	p = arena_alloc(a, newn);
	if (old != NULL && oldn > 0)
		memcpy(p, old, oldn);
	return p;
}

void *
arena_memdup(struct arena *a, const void *src, size_t n)
{
	void *p = arena_alloc(a, n);

	if (n > 0)
		memcpy(p, src, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

struct str
arena_str(struct arena *a, struct str s)
{
	return str_make(arena_strndup(a, s.ptr, s.len), s.len);
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	char *p;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}
