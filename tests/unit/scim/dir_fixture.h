/*
 * Helpers for the Users, Groups and Populations tests (test_user.c,
 * test_group.c, test_population.c), on top of ops_fixture: requests by
 * resource type, short ways to make Users and Groups, and looks at what
 * the store holds (records and membership edges).
 */
#ifndef TESTS_UNIT_SCIM_DIR_FIXTURE_H
#define TESTS_UNIT_SCIM_DIR_FIXTURE_H

#include <stddef.h>

#include "ops_fixture.h"

#define DX_USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"
#define DX_GROUP_URN "urn:ietf:params:scim:schemas:core:2.0:Group"
#define DX_POP_URN "urn:scimcred:params:scim:schemas:core:2.0:Population"
#define DX_ENT_URN "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define DX_EXT_URN "urn:scimcred:params:scim:schemas:extension:2.0:User"

/* One request to tenant t1 (tenant NULL) for rtype. */
struct ox_resp dx_call(scim_handler h, const char *rtype, const char *id,
    const char *query, const char *body);
struct ox_resp dx_call_t(scim_handler h, const char *tenant, const char *rtype,
    const char *id, const char *query, const char *body);
struct ox_resp dx_get(const char *rtype, const char *id, const char *query);

/* POSTs body (asserts 201) and returns the new id. */
const char *dx_create(const char *rtype, const char *body);
/* A User with just this userName; a Group with this displayName and
 * members (a JSON array text, or NULL); a Population with this name. */
const char *dx_user(const char *user_name);
const char *dx_group(const char *name, const char *members);
const char *dx_pop(const char *name);

/* The element of the array at path in v whose `key` is val, or NULL. */
const struct json_value *dx_elem(const struct json_value *v, const char *path,
    const char *key, const char *val);
/* Items of the array at path, 0 when absent. */
size_t dx_len(const struct json_value *v, const char *path);

/* The stored record of tenant t1 (a test-arena copy), or NULL. */
char *dx_record(const char *rtype, const char *id);
/* Number of store edges of kind from `from` in tenant t1. */
size_t dx_edges(const char *kind, const char *from);
/* Writes a record as-is into tenant t1 (no SCIM rules), with the
 * uniqueness keys its resource type gives it. */
void dx_put_record(const char *rtype, const char *id, const char *json);

#endif
