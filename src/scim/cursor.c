/*
 * RFC 9865 cursors; see cursor.h. Payload layout (before base64url):
 *
 *   version(1) dir(1) kind(1) issued(8, big-endian seconds)
 *   [key: int64 8 bytes | double bits 8 bytes | string u16 len + bytes]
 *   type u8 len + bytes, id u8 len + bytes, then HMAC-SHA256(32)
 *
 * The MAC input is the scope (length-prefixed tenant, endpoint, filter,
 * sortBy, sortOrder) followed by the payload, so the scope never travels
 * in the cursor yet a cursor only verifies for the scope it was made for.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "scim/cursor.h"
#include "util/buf.h"
#include "util/secure.h"

#define CURSOR_VERSION 1
#define MAC_LEN 32
#define MAX_SKEW_S 60 /* a cursor "issued" this far ahead is forged */

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
b64_encode(struct buf *out, const unsigned char *p, size_t n)
{
	size_t i;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		buf_putc(out, b64url[v >> 18 & 63]);
		buf_putc(out, b64url[v >> 12 & 63]);
		buf_putc(out, b64url[v >> 6 & 63]);
		buf_putc(out, b64url[v & 63]);
	}
	if (n - i == 1) {
		v = (uint32_t)p[i] << 16;
		buf_putc(out, b64url[v >> 18 & 63]);
		buf_putc(out, b64url[v >> 12 & 63]);
	} else if (n - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		buf_putc(out, b64url[v >> 18 & 63]);
		buf_putc(out, b64url[v >> 12 & 63]);
		buf_putc(out, b64url[v >> 6 & 63]);
	}
}

static int
b64_val(char c)
{
	const char *p = c != '\0' ? strchr(b64url, c) : NULL;

	return p != NULL ? (int)(p - b64url) : -1;
}

/* Unpadded base64url into out (at least text.len bytes); -1 if malformed
 * (a character outside the alphabet, a length of 1 mod 4, or non-zero
 * trailing bits, so that every cursor has exactly one spelling). */
static int
b64_decode(struct str text, unsigned char *out, size_t *n)
{
	uint32_t acc = 0;
	size_t i, bits = 0, o = 0;
	int v;

	if (text.len % 4 == 1)
		return -1;
	for (i = 0; i < text.len; i++) {
		v = b64_val(text.ptr[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return -1;
	*n = o;
	return 0;
}

static void
put_u64(struct buf *b, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--)
		buf_putc(b, (char)(v >> (i * 8) & 0xff));
}

static void
put_lp(struct buf *b, struct str s, size_t lenbytes)
{
	if (lenbytes == 2)
		buf_putc(b, (char)(s.len >> 8 & 0xff));
	buf_putc(b, (char)(s.len & 0xff));
	buf_append(b, s.ptr, s.len);
}

/* HMAC-SHA256 over the scope, then payload[0..n). */
static void
mac(const unsigned char key[CURSOR_KEY_LEN], const struct cursor_scope *sc,
    const unsigned char *payload, size_t n, unsigned char out[MAC_LEN])
{
	const struct str parts[] = {
	    sc->tenant, sc->endpoint, sc->filter, sc->sort_by, sc->sort_order};
	unsigned int outlen = MAC_LEN;
	struct buf b;
	size_t i;

	buf_init(&b);
	buf_append_cstr(&b, "scimcred-cursor");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		put_u64(&b, parts[i].ptr != NULL ? parts[i].len : 0);
		if (parts[i].ptr != NULL)
			buf_append(&b, parts[i].ptr, parts[i].len);
	}
	buf_append(&b, payload, n);
	if (HMAC(EVP_sha256(), key, CURSOR_KEY_LEN,
		(const unsigned char *)b.data, b.len, out, &outlen) == NULL)
		abort(); /* like secure_sha256: nothing safe to do */
	buf_free(&b);
}

struct str
cursor_encode(struct arena *a, const unsigned char key[CURSOR_KEY_LEN],
    const struct cursor_scope *sc, const struct cursor_pos *p, int64_t now_s)
{
	unsigned char tag[MAC_LEN];
	struct buf b, t;
	uint64_t bits;
	struct str s = p->s, out;

	buf_init(&b);
	buf_init(&t);
	buf_putc(&b, CURSOR_VERSION);
	buf_putc(&b, (char)p->dir);
	buf_putc(&b, (char)p->kind);
	put_u64(&b, (uint64_t)now_s);
	if (p->kind == CURSOR_K_INT) {
		put_u64(&b, (uint64_t)p->i);
	} else if (p->kind == CURSOR_K_DOUBLE) {
		memcpy(&bits, &p->d, sizeof(bits));
		put_u64(&b, bits);
	} else if (p->kind == CURSOR_K_STRING) {
		if (s.len > CURSOR_MAX_SKEY)
			s.len = CURSOR_MAX_SKEY;
		put_lp(&b, s, 2);
	}
	put_lp(&b, p->type, 1);
	put_lp(&b, p->id, 1);
	mac(key, sc, (const unsigned char *)b.data, b.len, tag);
	buf_append(&b, tag, MAC_LEN);
	b64_encode(&t, (const unsigned char *)b.data, b.len);
	out = arena_str(a, buf_view(&t));
	buf_free(&b);
	buf_free(&t);
	return out;
}

/* A bounds-checked reader over the decoded payload. */
struct rd {
	const unsigned char *p;
	size_t n, at;
	int bad;
};

static uint64_t
get_u64(struct rd *r)
{
	uint64_t v = 0;
	int i;

	if (r->n - r->at < 8) {
		r->bad = 1;
		return 0;
	}
	for (i = 0; i < 8; i++)
		v = v << 8 | r->p[r->at++];
	return v;
}

static struct str
get_lp(struct arena *a, struct rd *r, size_t lenbytes)
{
	size_t len;

	if (r->n - r->at < lenbytes) {
		r->bad = 1;
		return STR_NULL;
	}
	len = r->p[r->at++];
	if (lenbytes == 2)
		len = len << 8 | r->p[r->at++];
	if (r->n - r->at < len) {
		r->bad = 1;
		return STR_NULL;
	}
	r->at += len;
	return str_make(arena_memdup(a, r->p + r->at - len, len + 1), len);
}

static int
parse_payload(
    struct arena *a, struct rd *r, struct cursor_pos *p, int64_t *issued)
{
	uint64_t bits;

	if (r->n < 3 || r->p[0] != CURSOR_VERSION || r->p[1] > CURSOR_PREV ||
	    r->p[2] > CURSOR_K_STRING)
		return -1;
	p->dir = (enum cursor_dir)r->p[1];
	p->kind = (enum cursor_kind)r->p[2];
	r->at = 3;
	*issued = (int64_t)get_u64(r);
	if (p->kind == CURSOR_K_INT) {
		p->i = (int64_t)get_u64(r);
	} else if (p->kind == CURSOR_K_DOUBLE) {
		bits = get_u64(r);
		memcpy(&p->d, &bits, sizeof(bits));
	} else if (p->kind == CURSOR_K_STRING) {
		p->s = get_lp(a, r, 2);
	}
	p->type = get_lp(a, r, 1);
	p->id = get_lp(a, r, 1);
	return r->bad || r->at != r->n || p->id.len == 0 ? -1 : 0;
}

int
cursor_decode(struct arena *a, const unsigned char key[CURSOR_KEY_LEN],
    const struct cursor_scope *sc, struct str text, int64_t now_s,
    struct cursor_pos *p, struct scim_err *err)
{
	unsigned char *raw, tag[MAC_LEN];
	struct rd r = {0};
	int64_t issued = 0;
	size_t n = 0;
	int rc = 0;

	*p = (struct cursor_pos){0};
	raw = arena_alloc(a, text.len + 1);
	if (text.len > CURSOR_MAX_TEXT || b64_decode(text, raw, &n) != 0 ||
	    n <= MAC_LEN) {
		rc = SCIM_E_INVALID_CURSOR;
		goto out;
	}
	mac(key, sc, raw, n - MAC_LEN, tag);
	r.p = raw;
	r.n = n - MAC_LEN;
	if (!secure_eq(tag, raw + n - MAC_LEN, MAC_LEN) ||
	    parse_payload(a, &r, p, &issued) != 0 ||
	    issued > now_s + MAX_SKEW_S) {
		rc = SCIM_E_INVALID_CURSOR;
		goto out;
	}
	if (now_s - issued > CURSOR_TIMEOUT_S)
		rc = SCIM_E_EXPIRED_CURSOR;
out:
	if (rc == SCIM_E_INVALID_CURSOR)
		scim_err_set(err, rc,
		    "cursor: not a cursor this server issued for this query; "
		    "send an empty cursor for the first page, then the "
		    "nextCursor or previousCursor of the previous page");
	else if (rc == SCIM_E_EXPIRED_CURSOR)
		scim_err_set(err, rc,
		    "cursor: expired; request the next page within %d "
		    "seconds (pagination.cursorTimeout)",
		    CURSOR_TIMEOUT_S);
	return rc;
}

/* Reads exactly CURSOR_KEY_LEN bytes from an existing key file. */
static int
key_read(
    const char *path, unsigned char key[CURSOR_KEY_LEN], struct scim_err *err)
{
	unsigned char extra;
	struct stat sb;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return scim_err_set(
		    err, SCIM_E_INTERNAL, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (sb.st_mode & 077) != 0) {
		rc = scim_err_set(err, SCIM_E_INTERNAL,
		    "%s: must be a regular file readable by its owner only",
		    path);
		goto out;
	}
	n = read(fd, key, CURSOR_KEY_LEN);
	if (n != CURSOR_KEY_LEN || read(fd, &extra, 1) != 0)
		rc = scim_err_set(err, SCIM_E_INTERNAL,
		    "%s: must hold exactly %d bytes", path, CURSOR_KEY_LEN);
out:
	close(fd);
	return rc;
}

int
cursor_key_load(
    const char *path, unsigned char key[CURSOR_KEY_LEN], struct scim_err *err)
{
	unsigned char fresh[CURSOR_KEY_LEN];
	ssize_t n;
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return key_read(path, key, err);
	if (fd < 0)
		return scim_err_set(
		    err, SCIM_E_INTERNAL, "%s: %s", path, strerror(errno));
	secure_random(fresh, sizeof(fresh));
	n = write(fd, fresh, sizeof(fresh));
	rc = n == (ssize_t)sizeof(fresh) && fsync(fd) == 0 ? 0 : -1;
	close(fd);
	if (rc != 0) {
		unlink(path);
		rc = scim_err_set(err, SCIM_E_INTERNAL,
		    "%s: could not write the cursor key", path);
	} else {
		memcpy(key, fresh, sizeof(fresh));
	}
	secure_wipe(fresh, sizeof(fresh));
	return rc;
}
