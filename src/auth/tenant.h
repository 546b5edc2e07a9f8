/* Tenant names and tenant administration on top of the store. */
#ifndef AUTH_TENANT_H
#define AUTH_TENANT_H

#include "store/store.h"
#include "util/scim_err.h"
#include "util/str.h"

#define TENANT_NAME_MAX 63

/* 1 if name is 1..63 of [a-z0-9-]. */
int tenant_name_ok(struct str name);
/* Validates then adds: SCIM_E_INVALID_VALUE for a bad name,
 * SCIM_E_CONFLICT if it exists. */
int tenant_add(struct store_txn *txn, struct str name, struct scim_err *err);
/* Removes a tenant with all its data and tokens. */
int tenant_remove(struct store_txn *txn, struct str name, struct scim_err *err);

#endif
