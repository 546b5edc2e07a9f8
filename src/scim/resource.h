/*
 * Resource types: the const table that joins a ResourceType from the
 * schema registry (name, endpoint, schemas: scim-schemas/ is the source
 * of truth) with the hooks holding that type's own rules (STYLE.md §3,
 * after tmux cmd_entry and slapd BackendInfo). The operations in
 * op_*.c are generic; everything type-specific goes through a hook.
 * A registry type without a table entry gets the default hooks, which
 * implement plain RFC 7644 semantics.
 */
#ifndef SCIM_RESOURCE_H
#define SCIM_RESOURCE_H

#include <stdint.h>

#include "json/json.h"
#include "scim/schema.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"

struct scim;
struct projection;

/* What a hook may use; everything it allocates goes to arena. */
struct resource_ctx {
	struct arena *arena;
	const struct schema_rtype *rt;
	int64_t now_ms; /* one clock reading per request */
	/* Inside a transaction (in_txn, on_delete, load; to_output during
	 * a list scan): the transaction, else NULL. The tenant is set there
	 * and by record_ctx(), empty in a bare context. */
	struct store_txn *txn;
	struct str tenant;
	/* to_output from record_output: the service root
	 * {base_url}/scim/{tenant}/v2 that server-built $ref URIs start
	 * with (RFC 7643 §2.3.7). Empty elsewhere (filter matching in
	 * list.c), where a hook leaves such $ref values out. */
	struct str root;
	/* The server context (store, registry, configuration); set by
	 * record_ctx(), NULL in a bare context. to_output without c->txn
	 * may begin a short read transaction on scim_store(c->scim): its
	 * callers hold none then. A list scan sets c->txn to its read
	 * transaction instead. */
	struct scim *scim;
	/* What the caller will read, so that to_output can skip costly
	 * computed attributes nobody looks at (resource_wants): while a
	 * list matches candidates, `matching` is set and `filter` is the
	 * filter (NULL: none); for a reply, `proj` is the projection that
	 * follows (NULL: the default attributes). */
	int matching;
	const struct filter_node *filter;
	const struct projection *proj;
};

/* The inputs of a PUT. */
struct resource_put {
	const struct json_value *cur; /* the stored resource */
	const struct json_value *body; /* the body after validation */
	/* The body as sent: validation drops nulls and empty arrays
	 * (RFC 7643 §2.5), so only this tells an attribute the client
	 * cleared from one it left out. */
	const struct json_value *raw;
};

struct resource_hooks {
	const char *name; /* the ResourceType's name, e.g. "Credential" */
	/*
	 * POST: the id of the new resource, for a type whose ids are chosen
	 * by the client (a CredentialType's id is the type code that
	 * credentials name). body is the request body as sent: validation
	 * drops `id`, a readOnly attribute. Sets *id (arena-owned or
	 * borrowed from body) or fails with err filled. NULL: the server
	 * assigns a UUID (RFC 7644 §3.3). An id already taken is 409
	 * uniqueness.
	 */
	int (*client_id)(const struct resource_ctx *c,
	    const struct json_value *body, struct str *id,
	    struct scim_err *err);
	/*
	 * POST: res is the schema-validated body, without id and meta.
	 * Applies the type's rules and server-set defaults in place.
	 */
	int (*prepare_create)(const struct resource_ctx *c,
	    struct json_value *res, struct scim_err *err);
	/*
	 * PUT: builds the new resource (arena-owned) into *out from the
	 * stored one and the body; id and meta are set afterwards by the
	 * operation.
	 */
	int (*prepare_replace)(const struct resource_ctx *c,
	    const struct resource_put *put, struct json_value **out,
	    struct scim_err *err);
	/*
	 * Create, replace and patch: runs inside the write transaction,
	 * after the type's rules and before the record is written, with
	 * c->txn and c->tenant set; cur is NULL on create. For rules that
	 * read other records (a credential's owner must be a user of the
	 * tenant; its attributes follow its CredentialType) and for
	 * keeping other records in step (group memberships). May change
	 * next. store_write may rerun the transaction, so it must only
	 * write through c->txn. May be NULL.
	 */
	int (*in_txn)(const struct resource_ctx *c,
	    const struct json_value *cur, struct json_value *next,
	    struct scim_err *err);
	/* DELETE: runs inside the write transaction, before the record
	 * is removed, for cascades. May be NULL. */
	int (*on_delete)(const struct resource_ctx *c, struct store_txn *txn,
	    const struct json_value *cur, struct scim_err *err);
	/* Adds computed attributes to a resource about to be returned or
	 * matched against a filter. May be NULL. */
	void (*to_output)(const struct resource_ctx *c, struct json_value *res);
	/*
	 * Completes a resource read from its record with the attributes
	 * kept elsewhere in the store (a Group's members are edges, see
	 * group.h), so that PUT, PATCH and DELETE see the whole resource.
	 * record_load() calls it with c->txn and c->tenant set. May be
	 * NULL.
	 */
	int (*load)(const struct resource_ctx *c, struct json_value *res,
	    struct scim_err *err);
	/* Tolerate unknown schema URNs in a POST or PUT body, and drop
	 * them (validate_opts.lenient_schemas): provisioning clients such
	 * as Okta send their own extension URNs with Groups. */
	int lenient_schemas;
};

/* A resource type as the operations see it. */
struct resource_type {
	const struct schema_rtype *rt;
	const struct resource_hooks *hooks; /* never NULL */
};

/*
 * Finds the type a route names. SCIM_E_NOT_FOUND (err filled) when the
 * registry has no such type.
 */
int resource_find(const struct schema_registry *reg, struct str name,
    struct resource_type *out, struct scim_err *err);

/*
 * Start-up check: warns about table entries that name no ResourceType
 * of the registry (a schemas directory without them, as in tests, just
 * does not serve those types).
 */
void resource_check(const struct schema_registry *reg);

/* The default PUT (RFC 7644 §3.5.1): the body replaces the resource,
 * except that readOnly attributes keep their stored values. */
int resource_replace_default(const struct resource_ctx *c,
    const struct resource_put *put, struct json_value **out,
    struct scim_err *err);

/* c with the write transaction and tenant set, for in_txn and on_delete. */
struct resource_ctx resource_ctx_in_txn(
    const struct resource_ctx *c, struct store_txn *txn, struct str tenant);

/* Runs t's in_txn hook, if it has one, on next. */
int resource_in_txn(const struct resource_type *t, const struct resource_ctx *c,
    struct store_txn *txn, struct str tenant, const struct json_value *cur,
    struct json_value *next, struct scim_err *err);

/* The hooks of a resource type (the default ones when it has none). */
const struct resource_hooks *resource_hooks_of(const struct schema_rtype *rt);

/*
 * 1 if the caller will read top-level attribute name of a resource
 * (see resource_ctx): while matching, when the filter names it; for a
 * reply, when the projection keeps it. For computed attributes that
 * cost store reads.
 */
int resource_wants(const struct resource_ctx *c, const char *name);

/*
 * The URI of resource id of type (a ResourceType name) for a $ref value
 * (RFC 7643 §2.3.7): c->root, the type's endpoint, the id. NULL when c
 * has no root or no registry, or no such type is served.
 */
struct json_value *resource_ref(
    const struct resource_ctx *c, const char *type, struct str id);

/*
 * For to_output: the transaction to read through, c->txn when set, else
 * a short read transaction begun on c's store, and then *own is set and
 * the caller ends it with store_read_end(). SCIM_E_UNAVAILABLE when c has
 * neither (a bare context).
 */
int resource_output_txn(
    const struct resource_ctx *c, struct store_txn **txn, int *own);

/* A top-level attribute of rt by name: common (id, externalId, meta)
 * or core schema; NULL if none. */
const struct schema_attr *resource_attr(
    const struct schema_rtype *rt, struct str name);

#endif
