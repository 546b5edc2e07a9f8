/*
 * The SCIM layer's face to http/: one server-wide context, a request and a
 * response that carry no sockets (so Criterion drives the layer directly),
 * and the handler type that http/route.c's table points at.
 *
 * http/ decodes and bounds everything before a handler runs: the tenant
 * name is valid and the caller is authorised for the route's permission;
 * path segments are percent-decoded once and free of NUL, '/' and "..";
 * the body is at most SCIM_MAX_BODY bytes. Handlers still treat every byte
 * as hostile: the body is unparsed, parameters are unvalidated.
 */
#ifndef SCIM_SCIM_H
#define SCIM_SCIM_H

#include "auth/token.h"
#include "json/json.h"
#include "scim/schema.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/scim_err.h"
#include "util/str.h"

#define SCIM_MAX_BODY (1024 * 1024) /* our limit; http's backstop is 2 MiB */
#define SCIM_MAX_ID 64 /* bytes in a resource id path segment */
#define SCIM_MEDIA_TYPE "application/scim+json"

struct scim;

struct scim_config {
	const char *schemas_dir; /* scim-schemas/ */
	unsigned default_count; /* page size when count is absent (100) */
	unsigned max_count; /* filter.maxResults (1000) */
	int compat_bool_strings; /* accept "True"/"False" (on) */
	/* Days an AuditRecord is kept (scim/audit.h); 0: the default. */
	unsigned audit_retention_days;
	/* The HMAC key of RFC 9865 cursors (scim/cursor.h). Unset, scim_new
	 * draws a random one: cursors then last as long as the process. */
	int has_cursor_key;
	unsigned char cursor_key[32];
	/* 1: load the index declaration (scim_indexes) but leave the store
	 * without an indexer, so scim_new never rebuilds the indexes: for
	 * `scimcred check`, which must not write. Such a context must not
	 * write records (they would mark the indexes stale). */
	int indexes_detached;
};

/* Loads and checks every schema and resource type in cfg->schemas_dir;
 * a bad file stops start-up with a message naming it. Caller frees with
 * scim_free(). The store is borrowed for the context's lifetime. */
int scim_new(struct store *st, const struct scim_config *cfg, struct scim **out,
    struct scim_err *err);
void scim_free(struct scim *s);

enum scim_method {
	SCIM_GET,
	SCIM_POST,
	SCIM_PUT,
	SCIM_PATCH,
	SCIM_DELETE,
};

/* One decoded query parameter. */
struct scim_param {
	struct str name;
	struct str value;
};

struct scim_request {
	struct arena *arena; /* everything the handler allocates */
	enum scim_method method;
	struct str tenant;
	struct str
	    rtype; /* resource type name from the route, e.g. "Credential" */
	struct str id; /* the {id} segment, or empty */
	const struct scim_param *params;
	size_t nparams;
	struct str body;
	struct str content_type; /* raw header value, may be empty */
	struct str if_match;
	struct str if_none_match;
	/* scheme://host[:port] for meta.location and Location. */
	struct str base_url;
	const struct principal *who;
	const char *request_id;
	/* The permission the route required (http/route.c), recorded in
	 * audit records; has_perm 0 when the request did not come through
	 * the route table (tests, the server's own writes). */
	int has_perm;
	enum perm perm;
};

struct scim_response {
	int status; /* 200, 201, 204 or 304 when a handler returns 0 */
	struct buf body; /* application/scim+json; empty for 204/304 */
	char etag[72]; /* the ETag header, e.g. W/"3", or "" */
	const char *location; /* Location header (arena-owned) or NULL */
};

/* Returns 0 with resp filled, or a SCIM_E_* code with err filled; http/
 * turns the code into the status and scimType of an RFC 7644 §3.12 body. */
typedef int (*scim_handler)(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);

/* What the context holds, for the operation and discovery files. */
const struct schema_registry *scim_registry(const struct scim *s);
struct store *scim_store(const struct scim *s);
const struct scim_config *scim_config(const struct scim *s);
/* The secondary indexes (scim/index.h), or NULL (no store). */
struct index_set;
const struct index_set *scim_indexes(const struct scim *s);

/* Serialises v as the body (application/scim+json) and sets the status. */
void scim_resp_json(
    struct scim_response *resp, int status, const struct json_value *v);

/* The value of a query parameter (first occurrence; names compare
 * case-insensitively), or STR_NULL. */
struct str scim_param_get(const struct scim_request *req, const char *name);

/* Writes an RFC 7644 §3.12 error body into out. status is sent as a
 * string; scim_type may be NULL. */
void scim_error_body(
    struct buf *out, int status, const char *scim_type, const char *detail);

#endif
