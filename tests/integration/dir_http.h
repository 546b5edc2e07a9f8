/*
 * Helpers for the Users and Groups integration tests (test_users.c,
 * test_groups.c): requests on the demo tenant with the admin token of
 * the common fixture, in the shapes provisioning clients send.
 */
#ifndef INTEGRATION_DIR_HTTP_H
#define INTEGRATION_DIR_HTTP_H

#include "harness.h"

#define DIR_BASE "/scim/demo/v2"
#define DIR_USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"
#define DIR_GROUP_URN "urn:ietf:params:scim:schemas:core:2.0:Group"
#define DIR_POP_URN "urn:scimcred:params:scim:schemas:core:2.0:Population"
#define DIR_ENT_URN "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define DIR_EXT_URN "urn:scimcred:params:scim:schemas:extension:2.0:User"
#define DIR_PATCH_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"

/* METHOD DIR_BASE/path with the admin token (body may be NULL). */
void dir_req(const char *method, const char *path, const char *body,
    struct harness_resp *r);
/* POSTs body to DIR_BASE/endpoint, asserts 201, copies the id (128
 * bytes at least) into id. */
void dir_create(const char *endpoint, const char *body, char *id);
/* A User with this userName; its id into id. */
void dir_user(const char *user_name, char *id);
/* printf into a static rotating buffer, for paths and bodies. */
const char *dir_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The element of the array at path whose `key` equals val, or NULL. */
const struct json_value *dir_elem(const struct json_value *v, const char *path,
    const char *key, const char *val);

#endif
