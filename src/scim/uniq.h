/*
 * Uniqueness (RFC 7643 §2.1 "uniqueness"): every single-valued top-level
 * attribute whose schema says "server" or "global" is unique per tenant
 * and resource type (tenants never meet, so "global" means the same),
 * and so is externalId, which HID treats as a per-tenant key. Values of
 * attributes that are not caseExact are compared ASCII case-folded.
 * Keys live in the store's uniqueness database (MDB_NOOVERWRITE), written
 * in the same transaction as the record.
 */
#ifndef SCIM_UNIQ_H
#define SCIM_UNIQ_H

#include "filter/filter.h"
#include "json/json.h"
#include "scim/schema.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"

struct uniq_key {
	struct str attr; /* key name: lower-case, URN-qualified in an
			      extension */
	const char *label; /* the schema's spelling, for details */
	struct str value; /* folded unless caseExact */
};

struct uniq_set {
	struct uniq_key *keys; /* arena-owned */
	size_t n;
};

/* The keys resource res holds; res may be NULL (no keys). */
void uniq_collect(struct arena *a, const struct schema_rtype *rt,
    const struct json_value *res, struct uniq_set *out);

/*
 * Moves resource id from the keys in old to those in next: releases keys
 * no longer held (only if id still owns them), then claims new ones.
 * SCIM_E_UNIQUENESS with a detail naming the attribute when a value is
 * taken by another resource of the tenant.
 */
int uniq_update(struct store_txn *txn, struct str tenant,
    const struct schema_rtype *rt, struct str id, const struct uniq_set *old,
    const struct uniq_set *next, struct scim_err *err);

/*
 * Index use for a filter term (STYLE.md §6: an index only narrows the
 * candidates). If cmp is `attr eq value` on an attribute with a
 * uniqueness key, or on `id`, at most one resource can match: returns 1
 * and sets *id to its id, or to STR_NULL when none holds the value.
 * Returns 0 when the term can't be answered this way. *id is borrowed
 * from the transaction or from cmp.
 */
int uniq_lookup(struct arena *a, struct store_txn *txn, struct str tenant,
    const struct schema_rtype *rt, const struct filter_node *cmp,
    struct str *id);

#endif
