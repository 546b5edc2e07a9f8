/*
 * The authentication configuration: custom roles and each tenant's JWT
 * settings, read from the configuration file's `key = value` lines
 * (util/conf.h), and the one gate every tenant route passes through.
 *
 * Keys (TENANT is a tenant name, ROLE a role name; see role.h, jwt.h):
 *   role.ROLE = PERM [PERM...]                  a role for every tenant
 *   tenant.TENANT.role.ROLE = PERM [PERM...]    a role for one tenant
 *   tenant.TENANT.jwt.issuer = ISS              required for JWTs
 *   tenant.TENANT.jwt.audience = AUD            required for JWTs
 *   tenant.TENANT.jwt.leeway = SECONDS          0-60, default 30
 *   tenant.TENANT.jwt.key = ALG KID PEM-FILE    repeatable
 *   tenant.TENANT.jwt.jwks = JWKS-FILE          repeatable
 *   tenant.TENANT.jwt.hs256-secret-file = KID FILE
 *   tenant.TENANT.jwt.require-tenant-claim = yes|no
 * Key files are read when their line is applied, so a bad one stops
 * start-up with the file and line of the setting. Nothing is ever
 * fetched from a URL.
 *
 * After loading, the configuration is read-only and shared by every
 * worker thread.
 */
#ifndef AUTH_AUTHCONF_H
#define AUTH_AUTHCONF_H

#include <stdint.h>

#include "auth/perm.h"
#include "auth/role.h"
#include "auth/token.h"
#include "store/store.h"
#include "util/scim_err.h"
#include "util/str.h"

#define AUTHCONF_TENANTS_MAX 1024
#define AUTHCONF_WHY_MAX 512

struct authconf;

/* An empty configuration (predefined roles only, no JWT). Caller frees
 * with authconf_free. */
struct authconf *authconf_new(void);
/* Accepts NULL; wipes secrets. */
void authconf_free(struct authconf *ac);

/*
 * Applies one `key = value` setting (a util/conf.h conf_fn body).
 * Returns CONF_OK, CONF_UNKNOWN_KEY for keys that are not
 * authentication's, or CONF_BAD_VALUE with the reason, naming the
 * offending identifier or file, in authconf_error().
 */
int authconf_set(struct authconf *ac, const char *key, const char *value);
/* Why the last authconf_set or authconf_finish failed; "" if none. */
const char *authconf_error(const struct authconf *ac);

/*
 * Checks the whole: every tenant with JWT settings has an issuer, an
 * audience and at least one key; two tenants that accept the same issuer
 * and audience both require the tenant claim (else one tenant's tokens
 * would pass at the other). 0, or -1 with the reason in authconf_error().
 */
int authconf_finish(struct authconf *ac);

/* The roles a token of tenant may name (tenant's own, the global ones,
 * the predefined ones). NULL when ac is NULL
 * (role_table_find then knows the predefined roles). Borrowed from ac. */
const struct role_table *authconf_roles(
    const struct authconf *ac, struct str tenant);

/* 1 if some tenant has JWT settings. */
int authconf_has_jwt(const struct authconf *ac);

/*
 * The gate for a tenant route, in this order (HARDENING.md promise 4):
 * authenticate (401), the caller must belong to the path's tenant (404,
 * as if the tenant did not exist), the permission must be held (403).
 * A bearer token of three dot-separated parts is a JWT checked against
 * the tenant's JWT settings at now_s; anything else goes to the opaque
 * tokens (token.h). ac may be NULL: opaque tokens only. The reason for a
 * 401 is logged at info level, never the token; the client gets a
 * generic detail. Returns 0 and fills *p, or a SCIM_E_* code.
 */
int authconf_authorize(const struct authconf *ac, struct store_txn *txn,
    struct str tenant, struct str authorization, enum perm need, int64_t now_s,
    struct principal *p, struct scim_err *err);

#endif
