/*
 * The store keys a Credential holds besides its record and the
 * uniqueness keys of its schema (uniq.h), all written in the
 * transaction that writes the credential:
 *
 *   edge "cred.type"  <type code> -> <credential id>
 *       a CredentialType's credentials, so that deleting or changing the
 *       type finds them by one key range instead of a scan;
 *   edge "cred.owner" <user id> -> <credential id>
 *       a User's credentials, for the cascade when the User is deleted;
 *   uniqueness key "ctype:<TYPE>:<NAME>" = <value>
 *       for an attribute whose definition says uniqueness tenant: no two
 *       credentials of the type in the tenant share the value;
 *   uniqueness key "ctype-owner:<TYPE>:<NAME>" = <owner id> \0 <value>
 *       for uniqueness owner: no two credentials of the type and of the
 *       same owner share it. A credential without an owner has no owner
 *       scope, so owner uniqueness does not apply to it.
 *
 * Values are compared exactly, in their canonical form (a DATE in UTC,
 * an INT without leading zeros), so equal values always collide; an
 * empty value holds no key. Both
 * uniqueness names are under the "Credential" type in the store and
 * cannot meet a schema attribute's key (those are plain names or URNs).
 */
#ifndef SCIM_CREDENTIAL_KEYS_H
#define SCIM_CREDENTIAL_KEYS_H

#include <stddef.h>

#include "json/json.h"
#include "scim/credential_type.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define CREDENTIAL_KEYS_EDGE_TYPE "cred.type"
#define CREDENTIAL_KEYS_EDGE_OWNER "cred.owner"

/*
 * Moves credential id's keys from cur (NULL on create) to next (NULL on
 * delete); t is next's type (unused when next is NULL). Keys of cur that
 * next does not hold are released only while id still holds them, under
 * any definition cur's attributes could have had, so a definition
 * removed from the type since cur was written leaves nothing behind.
 * SCIM_E_UNIQUENESS naming the attribute when a value is taken.
 */
int credential_keys_update(struct store_txn *txn, struct arena *a,
    struct str tenant, struct str id, const struct credential_type *t,
    const struct json_value *cur, const struct json_value *next,
    struct scim_err *err);

/* How many credentials of type code the tenant has, counting no further
 * than max (a key range, bounded). */
int credential_keys_count(struct store_txn *txn, struct str tenant,
    struct str code, size_t max, size_t *out, struct scim_err *err);

/* The ids of the credentials owner owns (arena copies, *n of them). */
int credential_keys_owned(struct store_txn *txn, struct arena *a,
    struct str tenant, struct str owner, struct str **ids, size_t *n,
    struct scim_err *err);

#endif
