/*
 * Strict bounded JSON reader (RFC 8259) on top of yajl's callback parser.
 *
 * HARDENING.md: yajl's tree parser accepts comments, stops at a NUL, keeps
 * duplicate keys and recursed to death on deep documents, and yajl's own
 * string checks let overlong UTF-8, encoded surrogates and lone \u
 * surrogates through. So:
 *  1. a pre-pass over the raw bytes rejects NUL, any invalid UTF-8
 *     (RFC 3629 §4 grammar) and bad \u escapes (RFC 8259 §7: surrogates
 *     only as high+low pairs; \u0000 would put a NUL in a decoded string);
 *  2. yajl then runs with comments, trailing garbage, multiple and partial
 *     values all off, over the explicit length, and our callbacks build the
 *     arena tree while counting depth, keys, items, tokens and string
 *     bytes, stopping at the first violation.
 * Positions in error details are 1-based byte counts into the body; input
 * bytes are never copied into a detail.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json/json.h"
#include "util/utf8.h"
#include "util/num.h"
#include "util/xmalloc.h"

#define JSON_ERR_PREFIX "request body is not valid JSON"

const struct json_limits json_limits_default = {
    .max_depth = 32,
    .max_keys = 256,
    .max_items = 10000,
    .max_tokens = 100000,
    .max_string = 1024 * 1024,
};

/* One open array or object. */
struct frame {
	struct json_value *v;
	struct str key; /* objects: key waiting for its value */
	/* objects: folded hash of each key, to find duplicates without
	 * comparing every pair of strings; kept across siblings */
	uint64_t *hashes;
	size_t hcap;
};

struct pstate {
	struct arena *a;
	const struct json_limits *lim;
	yajl_handle h;
	size_t len;
	int finishing; /* inside yajl_complete_parse */
	struct frame *stack;
	size_t depth, cap;
	struct json_value *root;
	size_t tokens;
	struct scim_err *err;
	int rc; /* set by the first callback that refuses */
};

static int fail_at(struct scim_err *err, size_t pos, const char *fmt,
    va_list ap) __attribute__((format(printf, 3, 0)));

static int
fail_at(struct scim_err *err, size_t pos, const char *fmt, va_list ap)
{
	char what[256];

	vsnprintf(what, sizeof(what), fmt, ap);
	return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
	    JSON_ERR_PREFIX ": %s at byte %zu", what, pos);
}

static int fail_raw(struct scim_err *err, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail_raw(struct scim_err *err, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fail_at(err, pos, fmt, ap);
	va_end(ap);
	return rc;
}

/* Where yajl is: the end of the token being reported. During
 * yajl_complete_parse yajl counts within its own one-space buffer, and
 * the only token it can still report is one ending at the end of input. */
static size_t
cur_pos(const struct pstate *st)
{
	return st->finishing ? st->len : yajl_get_bytes_consumed(st->h);
}

/* Records the first violation and returns 0, which tells yajl to stop. */
static int fail(struct pstate *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct pstate *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st->rc = fail_at(st->err, cur_pos(st), fmt, ap);
	va_end(ap);
	return 0;
}

/* ---------------------------------------------------------------- raw */

/* Value of 4 hex digits at p (n bytes available), or -1. */
static long
hex4(const unsigned char *p, size_t n)
{
	long v = 0;
	size_t i;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * Checks the escape at p[0] == '\\' inside a string and sets *adv to the
 * bytes it spans. Escapes yajl itself rejects (bad letter, short hex) are
 * passed over so yajl reports them; what yajl would decode wrongly (it
 * substitutes or mis-combines bad surrogates) is refused here.
 */
static int
check_escape(const unsigned char *p, size_t n, size_t pos, size_t *adv,
    struct scim_err *err)
{
	long cp, lo;

	/* A control or non-ASCII byte after the backslash is left for the
	 * next round, so the NUL and UTF-8 checks still see it. */
	*adv = (n >= 2 && p[1] >= 0x20 && p[1] < 0x80) ? 2 : 1;
	if (*adv < 2 || p[1] != 'u' || (cp = hex4(p + 2, n - 2)) < 0)
		return 0;
	if (cp == 0)
		return fail_raw(err, pos, "\\u0000 (NUL) in a string");
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail_raw(err, pos,
		    "\\u escape is a low surrogate without a high one");
	*adv = 6;
	if (cp < 0xD800 || cp > 0xDBFF)
		return 0;
	/* RFC 8259 §7: a high surrogate must be followed by "\u" and a low
	 * surrogate. */
	lo = (n >= 12 && p[6] == '\\' && p[7] == 'u') ? hex4(p + 8, n - 8) : -1;
	if (lo < 0xDC00 || lo > 0xDFFF)
		return fail_raw(err, pos,
		    "\\u escape is a high surrogate without a low one");
	*adv = 12;
	return 0;
}

/*
 * 1 for a byte scan_raw has nothing to check: ASCII other than NUL, '"'
 * and '\\'. Runs of them are skipped first, eight bytes at a time while
 * the whole word is plain: a stored record is read on every GET, and
 * testing each byte against every case below was most of this pass's
 * cost (measured).
 */
static inline int
raw_plain(unsigned char c)
{
	return c != 0 && c < 0x80 && c != '"' && c != '\\';
}

#define RAW_ONES 0x0101010101010101ULL
#define RAW_HIGHS 0x8080808080808080ULL

/* Nonzero if some byte of w is zero (exact as a yes/no answer). */
static inline uint64_t
raw_has_zero(uint64_t w)
{
	return (w - RAW_ONES) & ~w & RAW_HIGHS;
}

/* Index of the first byte at or after i that is not raw_plain. */
static size_t
raw_skip(const unsigned char *p, size_t len, size_t i)
{
	uint64_t w;

	while (len - i >= 8) {
		memcpy(&w, p + i, 8);
		if (((w & RAW_HIGHS) | raw_has_zero(w) |
			raw_has_zero(w ^ (RAW_ONES * '"')) |
			raw_has_zero(w ^ (RAW_ONES * '\\'))) != 0)
			break;
		i += 8;
	}
	while (i < len && raw_plain(p[i]))
		i++;
	return i;
}

/* Pre-pass: NUL, UTF-8 and \u escapes over the whole body. */
static int
scan_raw(const unsigned char *p, size_t len, struct scim_err *err)
{
	size_t i = 0, n;
	int in_string = 0, rc = 0;

	while (i < len && rc == 0) {
		i = raw_skip(p, len, i);
		if (i == len)
			break;
		n = 1;
		if (p[i] == '\0') {
			rc = fail_raw(err, i + 1, "NUL byte");
		} else if (p[i] >= 0x80) {
			n = utf8_seq_len(p + i, len - i);
			if (n == 0)
				rc = fail_raw(err, i + 1, "invalid UTF-8");
		} else if (p[i] == '"') {
			in_string = !in_string;
		} else if (in_string && p[i] == '\\') {
			rc = check_escape(p + i, len - i, i + 1, &n, err);
		}
		i += n;
	}
	return rc;
}

/* ---------------------------------------------------------------- tree */

/* Counts one token against max_tokens. */
static int
count_token(struct pstate *st)
{
	if (++st->tokens > st->lim->max_tokens)
		return fail(st, "more than %u tokens", st->lim->max_tokens);
	return 1;
}

static struct frame *
top(struct pstate *st)
{
	return st->depth > 0 ? &st->stack[st->depth - 1] : NULL;
}

/* Checks that a value may start here: the token cap and, inside an array,
 * the item cap (checked before a nested value is read, not after). */
static int
begin_value(struct pstate *st)
{
	struct frame *f = top(st);

	if (!count_token(st))
		return 0;
	if (f != NULL && f->v->type == JSON_ARRAY &&
	    f->v->u.array.len >= st->lim->max_items)
		return fail(
		    st, "more than %u items in an array", st->lim->max_items);
	return 1;
}

/* Appends a member without json_object_set's lookup: the key was already
 * checked for duplicates when it arrived. */
static void
add_member(struct arena *a, struct json_value *obj, struct str key,
    struct json_value *v)
{
	size_t len = obj->u.object.len, cap = obj->u.object.cap;
	struct json_member *m = obj->u.object.members;

	if (len == cap) {
		cap = cap == 0 ? 4 : cap * 2;
		m = arena_allocarray(a, cap, sizeof(*m));
		if (len > 0)
			memcpy(m, obj->u.object.members, len * sizeof(*m));
		obj->u.object.members = m;
		obj->u.object.cap = cap;
	}
	m[len].key = key;
	m[len].value = v;
	obj->u.object.len = len + 1;
}

/* Hangs v under the open container (or makes it the root). */
static void
attach(struct pstate *st, struct json_value *v)
{
	struct frame *f = top(st);

	if (f == NULL)
		st->root = v;
	else if (f->v->type == JSON_ARRAY)
		json_array_append(st->a, f->v, v);
	else
		add_member(st->a, f->v, f->key, v);
}

static int
open_container(struct pstate *st, struct json_value *v)
{
	struct frame *f;

	if (!begin_value(st))
		return 0;
	if (st->depth >= st->lim->max_depth)
		return fail(
		    st, "nesting deeper than %u levels", st->lim->max_depth);
	attach(st, v);
	if (st->depth == st->cap) {
		/* Bounded by max_depth; frames keep their hash arrays. */
		size_t ncap = st->cap == 0 ? 8 : st->cap * 2;
		struct frame *ns = arena_allocarray(st->a, ncap, sizeof(*ns));

		if (st->cap > 0)
			memcpy(ns, st->stack, st->cap * sizeof(*ns));
		st->stack = ns;
		st->cap = ncap;
	}
	f = &st->stack[st->depth++];
	f->v = v;
	f->key = STR_NULL;
	return 1;
}

static int
close_container(struct pstate *st)
{
	if (!count_token(st))
		return 0;
	st->depth--;
	return 1;
}

static int
cb_start_map(void *ctx)
{
	struct pstate *st = ctx;

	return open_container(st, json_object(st->a));
}

static int
cb_start_array(void *ctx)
{
	struct pstate *st = ctx;

	return open_container(st, json_array(st->a));
}

static int
cb_end(void *ctx)
{
	return close_container(ctx);
}

static int
cb_null(void *ctx)
{
	struct pstate *st = ctx;

	if (!begin_value(st))
		return 0;
	attach(st, json_null(st->a));
	return 1;
}

static int
cb_boolean(void *ctx, int b)
{
	struct pstate *st = ctx;

	if (!begin_value(st))
		return 0;
	attach(st, json_bool(st->a, b));
	return 1;
}

/*
 * yajl hands over the number text (it has checked the RFC 8259 §6
 * grammar). Integer literals must fit int64; anything with a fraction or
 * exponent becomes a finite double.
 */
static int
cb_number(void *ctx, const char *s, size_t len)
{
	struct pstate *st = ctx;
	char small[64], *text, *end;
	int64_t i;
	double d;

	if (!begin_value(st))
		return 0;
	if (memchr(s, '.', len) == NULL && memchr(s, 'e', len) == NULL &&
	    memchr(s, 'E', len) == NULL) {
		if (num_parse_i64(str_make(s, len), &i) != 0)
			return fail(st,
			    "integer out of range (a whole number "
			    "must fit in a signed 64-bit integer)");
		attach(st, json_int(st->a, i));
		return 1;
	}
	if (len < sizeof(small)) {
		memcpy(small, s, len);
		small[len] = '\0';
		text = small;
	} else {
		text = arena_strndup(st->a, s, len);
	}
	/* Underflow to zero or a subnormal is a fine finite answer; only
	 * overflow to infinity is refused. */
	d = strtod(text, &end);
	if (end != text + len || !isfinite(d))
		return fail(st, "number out of range");
	attach(st, json_double(st->a, d));
	return 1;
}

/* Checks shared by strings and keys: length cap and no NUL. */
static int
check_string(struct pstate *st, const unsigned char *s, size_t len)
{
	if (len > st->lim->max_string)
		return fail(
		    st, "string longer than %zu bytes", st->lim->max_string);
	/* scan_raw already refused \u0000; this keeps the promise even if
	 * yajl ever decodes something else to NUL. */
	if (len > 0 && memchr(s, '\0', len) != NULL)
		return fail(st, "NUL in a string");
	return 1;
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct pstate *st = ctx;

	if (!begin_value(st) || !check_string(st, s, len))
		return 0;
	attach(st, json_string(st->a, str_make((const char *)s, len)));
	return 1;
}

/* FNV-1a over ASCII-folded bytes, matching str_caseeq. */
static uint64_t
fold_hash(const unsigned char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return h;
}

static int
cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct pstate *st = ctx;
	struct frame *f = top(st);
	struct json_value *obj = f->v;
	struct str key = str_make((const char *)s, len);
	size_t i, n = obj->u.object.len;
	uint64_t h;

	if (!count_token(st) || !check_string(st, s, len))
		return 0;
	if (n >= st->lim->max_keys)
		return fail(
		    st, "more than %u members in an object", st->lim->max_keys);
	/* SCIM attribute names are case-insensitive (RFC 7643 §2.1), so
	 * "userName" and "USERNAME" would be two writes to one attribute. */
	h = fold_hash(s, len);
	for (i = 0; i < n; i++)
		if (f->hashes[i] == h &&
		    str_caseeq(obj->u.object.members[i].key, key))
			return fail(st,
			    "duplicate member name (names are "
			    "compared case-insensitively)");
	if (n == f->hcap) {
		size_t ncap = f->hcap == 0 ? 8 : f->hcap * 2;
		uint64_t *nh = arena_allocarray(st->a, ncap, sizeof(*nh));

		if (f->hcap > 0)
			memcpy(nh, f->hashes, f->hcap * sizeof(*nh));
		f->hashes = nh;
		f->hcap = ncap;
	}
	f->hashes[n] = h;
	f->key = arena_str(st->a, key);
	return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = cb_null,
    .yajl_boolean = cb_boolean,
    .yajl_number = cb_number,
    .yajl_string = cb_string,
    .yajl_start_map = cb_start_map,
    .yajl_map_key = cb_map_key,
    .yajl_end_map = cb_end,
    .yajl_start_array = cb_start_array,
    .yajl_end_array = cb_end,
};

/* ---------------------------------------------------------------- yajl */

/*
 * yajl's own memory (its handle, lexer, stacks, and the 2 KiB buffer it
 * decodes escaped strings into) comes from the request arena, up to
 * YA_ARENA_MAX per block. From malloc, that 2 KiB block is past the
 * per-thread caches and made every parse of a stored record (its
 * meta.version has escaped quotes) consolidate malloc's fast bins first
 * (measured with perf). Larger blocks, which only big request strings
 * need, still come from malloc and go back to it on yajl_free. Each
 * block carries a header with its size, which realloc needs.
 */
#define YA_ARENA_MAX (64 * 1024)

struct ya_hdr {
	size_t size;
	int heap; /* from malloc, not the arena */
};

/* The header's size rounded up so blocks keep the arena's alignment. */
#define YA_HDR ((sizeof(struct ya_hdr) + 15) & ~(size_t)15)

static struct ya_hdr *
ya_hdr_of(void *p)
{
	return (struct ya_hdr *)(void *)((char *)p - YA_HDR);
}

/* (Re)allocates a heap block for n bytes after the header, counted in
 * header-sized units so the size can't overflow (xreallocarray checks
 * the product and aborts like every allocator here). */
static struct ya_hdr *
ya_heap(struct ya_hdr *old, size_t n)
{
	struct ya_hdr *h = xreallocarray(old, n / YA_HDR + 2, YA_HDR);

	h->heap = 1;
	h->size = n;
	return h;
}

static void *
ya_malloc(void *ctx, size_t n)
{
	struct ya_hdr *h;

	if (n > YA_ARENA_MAX) {
		h = ya_heap(NULL, n);
	} else {
		h = arena_alloc(ctx, YA_HDR + n);
		h->heap = 0;
		h->size = n;
	}
	return (char *)h + YA_HDR;
}

static void *
ya_realloc(void *ctx, void *p, size_t n)
{
	struct ya_hdr *h;
	void *q;

	if (p == NULL)
		return ya_malloc(ctx, n);
	h = ya_hdr_of(p);
	if (h->heap)
		return (char *)ya_heap(h, n) + YA_HDR;
	if (n <= h->size)
		return p;
	q = ya_malloc(ctx, n);
	memcpy(q, p, h->size);
	return q;
}

static void
ya_free(void *ctx, void *p)
{
	/* Arena blocks go with the arena. */
	if (p != NULL && ya_hdr_of(p)->heap)
		free(ya_hdr_of(p));
}

/* Reports a failure yajl found itself, in its short form only: the
 * verbose form quotes the input around the error. */
static int
yajl_failure(struct pstate *st, const unsigned char *buf)
{
	unsigned char *msg = yajl_get_error(st->h, 0, buf, st->len);
	const char *m = (const char *)msg, *p;
	size_t n;
	int rc;

	for (p = m; *p != '\0'; p++)
		if (p[0] == ':' && p[1] == ' ') {
			m = p + 2; /* drop "parse error: " and the like */
			break;
		}
	n = strlen(m);
	while (
	    n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' ' || m[n - 1] == '.'))
		n--;
	rc = scim_err_set(st->err, SCIM_E_INVALID_SYNTAX,
	    JSON_ERR_PREFIX ": %.*s at byte %zu", (int)n, m, cur_pos(st));
	yajl_free_error(st->h, msg);
	return rc;
}

int
json_parse(struct arena *a, const char *buf, size_t len,
    const struct json_limits *lim, struct json_value **out,
    struct scim_err *err)
{
	yajl_alloc_funcs af = {ya_malloc, ya_realloc, ya_free, a};
	const unsigned char *p = (const unsigned char *)buf;
	struct pstate st;
	yajl_status ys;
	int rc;

	*out = NULL;
	memset(&st, 0, sizeof(st));
	st.a = a;
	st.lim = lim != NULL ? lim : &json_limits_default;
	st.len = len;
	st.err = err;
	if (len == 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    JSON_ERR_PREFIX ": the body is empty");
		goto out;
	}
	rc = scan_raw(p, len, err);
	if (rc != 0)
		goto out;
	st.h = yajl_alloc(&callbacks, &af, &st);
	/* All off by default; said out loud because each one matters. */
	yajl_config(st.h, yajl_allow_comments, 0);
	yajl_config(st.h, yajl_dont_validate_strings, 0);
	yajl_config(st.h, yajl_allow_trailing_garbage, 0);
	yajl_config(st.h, yajl_allow_multiple_values, 0);
	yajl_config(st.h, yajl_allow_partial_values, 0);
	ys = yajl_parse(st.h, p, len);
	if (ys == yajl_status_ok) {
		st.finishing = 1;
		ys = yajl_complete_parse(st.h);
	}
	if (ys != yajl_status_ok) {
		rc = st.rc != 0 ? st.rc : yajl_failure(&st, p);
		goto out;
	}
	*out = st.root;
	rc = 0;
out:
	if (st.h != NULL)
		yajl_free(st.h);
	return rc;
}
