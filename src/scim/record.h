/*
 * Stored and returned forms of a resource.
 *
 * Stored: the compact JSON of the resource, keyed tenant/type/id, with
 * meta {resourceType, created, lastModified, version} but without
 * meta.location and without computed attributes, which depend on the
 * request (base URL) and on the clock (status.active).
 *
 * Returned: the stored form plus meta.location (RFC 7643 §3.1), the
 * type's computed attributes and the projection of RFC 7644 §3.9.
 */
#ifndef SCIM_RECORD_H
#define SCIM_RECORD_H

#include <stdint.h>

#include "scim/projection.h"
#include "scim/resource.h"
#include "scim/scim.h"

/* 1 if id can name a resource: 1..SCIM_MAX_ID bytes of URI unreserved
 * characters ([A-Za-z0-9._~-]). Anything else is simply not found. */
int record_id_ok(struct str id);

/* SCIM_E_NOT_FOUND with "<Type> '<id>' not found" (the id is quoted only
 * when record_id_ok says it is plain). */
int record_not_found(
    const struct schema_rtype *rt, struct str id, struct scim_err *err);

/* The request body as a JSON object (arena-owned): SCIM_E_TOO_LARGE or
 * SCIM_E_INVALID_SYNTAX otherwise. */
int record_parse_body(const struct scim_request *req, struct json_value **out,
    struct scim_err *err);

/* Parses stored bytes into the arena (they may be borrowed from LMDB). */
int record_decode(struct arena *a, struct str bytes, struct json_value **out,
    struct scim_err *err);

/* Loads tenant/type/id into the arena; SCIM_E_NOT_FOUND as above. The
 * type's load hook completes it (a Group's members, kept as edges). */
int record_load(struct store_txn *txn, struct arena *a, struct str tenant,
    const struct schema_rtype *rt, struct str id, struct json_value **out,
    struct scim_err *err);

/* The hook context for one request: arena, type, one clock reading,
 * tenant and the server context (resource.h). */
struct resource_ctx record_ctx(struct scim *s, const struct scim_request *req,
    const struct schema_rtype *rt);

/* Compact JSON of res as an arena-owned view, for store_rec_*. */
int record_encode(struct arena *a, const struct json_value *res,
    struct str *out, struct scim_err *err);

/*
 * The stored form of a prepared resource: schemas, id, externalId, the
 * other attributes, then meta with created kept from prev (NULL on
 * create), lastModified now and version W/"<version>". Arena-owned.
 */
struct json_value *record_stamp(struct arena *a, const struct schema_rtype *rt,
    const struct json_value *res, struct str id, const struct json_value *prev,
    uint64_t version, int64_t now_ms);

/* meta.version as a counter (0 when missing), and as the ETag text. */
uint64_t record_version(const struct json_value *res);
struct str record_etag(const struct json_value *res);

/* base_url/scim/<tenant>/v2/<endpoint>/<id>, arena-owned. */
char *record_location(struct arena *a, const struct scim_request *req,
    const struct schema_rtype *rt, struct str id);

/* The projection the request's attributes and excludedAttributes
 * parameters ask for (RFC 7644 §3.9); *out arena-owned. */
int record_projection(const struct scim_request *req,
    const struct schema_rtype *rt, struct projection **out,
    struct scim_err *err);

/*
 * Turns a stored resource into what the client sees, in place:
 * meta.location, computed attributes (the type's to_output, with
 * resource_ctx.root set for $ref values), then projection p (may be
 * NULL).
 */
/*
 * Completes a stored resource into what a client sees, before any
 * projection: meta.location and the type's computed attributes ($ref
 * values, status.active, groups). Filters and sorting match against this
 * form, so an attribute a client can read is one it can filter on.
 */
void record_complete(const struct resource_ctx *c,
    const struct resource_type *t, const struct scim_request *req,
    struct json_value *res, const struct projection *p);
void record_output(const struct resource_ctx *c, const struct resource_type *t,
    const struct scim_request *req, struct json_value *res,
    const struct projection *p);

/*
 * Answers with one resource: status, body, ETag, and Location when
 * with_location (201 Created, RFC 7644 §3.3).
 */
void record_reply(const struct resource_ctx *c, const struct resource_type *t,
    const struct scim_request *req, struct json_value *res,
    const struct projection *p, int status, int with_location,
    struct scim_response *resp);

#endif
