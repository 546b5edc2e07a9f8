/*
 * Cursor paging (RFC 9865): the opaque `cursor` / `nextCursor` /
 * `previousCursor` strings. A cursor names a position in the sorted
 * result, not an offset: the sort key and id of the item it continues
 * from (and its resource type, for the root search). A page that starts
 * "after" that position keeps working across writes and, page after
 * page, returns every record that existed throughout exactly once in a
 * stable order (inserts and deletes elsewhere never shift it).
 *
 * Cursors are tamper-evident and bound to their query: the text is
 * base64url (RFC 4648 §5; only RFC 3986 unreserved characters, as RFC
 * 9865 §2 requires) of a small payload followed by an HMAC-SHA256 over
 * the tenant, the resource type, the filter, sortBy and sortOrder and the
 * payload, under a server key. A cursor from another tenant, endpoint or
 * query, or with one bit changed, is 400 invalidCursor; one older than
 * CURSOR_TIMEOUT_S seconds is 400 expiredCursor (RFC 9865 §2.1).
 */
#ifndef SCIM_CURSOR_H
#define SCIM_CURSOR_H

#include <stdint.h>

#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define CURSOR_KEY_LEN 32
#define CURSOR_TIMEOUT_S 3600 /* advertised as pagination.cursorTimeout */
#define CURSOR_MAX_TEXT 2048 /* longest cursor text accepted */
#define CURSOR_MAX_SKEY 512 /* bytes of a string sort key kept */

enum cursor_dir {
	CURSOR_NEXT, /* the page after the position */
	CURSOR_PREV, /* the page before it */
};

enum cursor_kind {
	CURSOR_K_NONE, /* no sortBy: order is (type, id) */
	CURSOR_K_MISSING, /* the item had no value for sortBy */
	CURSOR_K_INT,
	CURSOR_K_DOUBLE,
	CURSOR_K_STRING,
};

/* A position in a sorted result; views are arena-owned after decode. */
struct cursor_pos {
	enum cursor_dir dir;
	enum cursor_kind kind;
	int64_t i;
	double d;
	struct str s; /* at most CURSOR_MAX_SKEY bytes */
	struct str type; /* resource type name; empty unless root search */
	struct str id;
};

/* What a cursor is bound to: the MAC covers all of it. */
struct cursor_scope {
	struct str tenant;
	struct str endpoint; /* resource type name, or "/" for the root */
	struct str filter;
	struct str sort_by;
	struct str sort_order;
};

/* The text of p for scope sc, issued at now_s (Unix seconds), into a. */
struct str cursor_encode(struct arena *a,
    const unsigned char key[CURSOR_KEY_LEN], const struct cursor_scope *sc,
    const struct cursor_pos *p, int64_t now_s);

/* Checks and decodes text; SCIM_E_INVALID_CURSOR or SCIM_E_EXPIRED_CURSOR
 * with err filled. Views in *p are arena-owned. */
int cursor_decode(struct arena *a, const unsigned char key[CURSOR_KEY_LEN],
    const struct cursor_scope *sc, struct str text, int64_t now_s,
    struct cursor_pos *p, struct scim_err *err);

/*
 * The server key in file path: read when it exists (exactly
 * CURSOR_KEY_LEN bytes, not readable by group or others), else created
 * with fresh random bytes, mode 0600, without replacing a file another
 * process created first. SCIM_E_INTERNAL with err filled on failure.
 */
int cursor_key_load(
    const char *path, unsigned char key[CURSOR_KEY_LEN], struct scim_err *err);

#endif
