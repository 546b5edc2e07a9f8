/*
 * The Population resource type (PingOne's populations): a named
 * partition of a tenant's Users. `name` is unique per tenant whatever its
 * letter case (the schema says so; uniq.h enforces it). A User belongs to
 * at most one Population through `population.value` in the scimcred User
 * extension (user.h); each such link is also a store edge
 *
 *   "populationUser"  population -> user   value: empty
 *
 * so the Users of a Population are counted from one key range without
 * reading any User. Deleting a Population that still has Users is 409
 * with a detail saying how many.
 */
#ifndef SCIM_POPULATION_H
#define SCIM_POPULATION_H

#include "json/json.h"
#include "scim/resource.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define POPULATION_EDGE_USER "populationUser"

extern const struct resource_hooks population_hooks;

/*
 * The name of Population id of tenant, copied into a: 0, or
 * SCIM_E_NOT_FOUND (err untouched) when the tenant has no such
 * Population, or another error with err filled.
 */
int population_name(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str id, struct str *name, struct scim_err *err);

/* Moves user from Population `from` to `to` (either may be empty: none),
 * in txn. */
int population_move(struct store_txn *txn, struct str tenant, struct str user,
    struct str from, struct str to, struct scim_err *err);

#endif
