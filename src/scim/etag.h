/*
 * Weak entity tags for SCIM resources (RFC 7644 §3.14, RFC 7232 §2.3).
 * A resource's version is a counter starting at 1 and incremented on
 * every write; its ETag is W/"<n>", and meta.version holds exactly the
 * same text, so a client may copy either into If-Match.
 */
#ifndef SCIM_ETAG_H
#define SCIM_ETAG_H

#include <stdint.h>

#include "util/scim_err.h"
#include "util/str.h"

#define ETAG_MAX 32 /* W/"18446744073709551615" and a NUL fit */

/* Writes W/"n" into out; returns its length. */
size_t etag_format(uint64_t version, char out[ETAG_MAX]);

/* Parses our own form W/"n" (n >= 1); 0, or -1 for anything else. */
int etag_parse(struct str tag, uint64_t *version);

/*
 * If-Match for PUT, PATCH and DELETE: header is the raw value (ptr NULL:
 * the header was not sent, no condition), current the resource's ETag.
 * "*" matches any existing resource; otherwise one listed tag must match
 * by weak comparison (RFC 7232 §2.3.2). Returns 0, SCIM_E_PRECONDITION
 * when nothing matches, or SCIM_E_BAD_REQUEST when header is not an
 * entity-tag list, an empty value included (RFC 9110 §13.1.1: the field
 * is "*" or one or more entity-tags).
 */
int etag_if_match(struct str header, struct str current, struct scim_err *err);

/*
 * If-None-Match for PUT, PATCH and DELETE of the existing resource whose
 * ETag is current (RFC 9110 §13.1.2): "*", or a listed tag matching by
 * weak comparison, makes the condition false and the answer 412
 * (SCIM_E_PRECONDITION). 0 when the header was not sent (ptr NULL) or
 * matches nothing; SCIM_E_BAD_REQUEST when it is not "*" or an
 * entity-tag list.
 */
int etag_if_none_match_write(
    struct str header, struct str current, struct scim_err *err);

/*
 * If-None-Match for GET: 1 when header ("*" or a list) matches current by
 * weak comparison, so the answer is 304; 0 otherwise, including for a
 * malformed header, which is ignored as if absent.
 */
int etag_if_none_match(struct str header, struct str current);

#endif
