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

/* What a hook may use; everything it allocates goes to arena. */
struct resource_ctx {
	struct arena *arena;
	const struct schema_rtype *rt;
	int64_t now_ms; /* one clock reading per request */
	/* Inside a write transaction (in_txn, on_delete): the transaction
	 * and the tenant. NULL/empty for hooks that run outside one. */
	struct store_txn *txn;
	struct str tenant;
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

/* A top-level attribute of rt by name: common (id, externalId, meta)
 * or core schema; NULL if none. */
const struct schema_attr *resource_attr(
    const struct schema_rtype *rt, struct str name);

#endif
