/*
 * Opaque API tokens: 256 random bits, shown once at creation, stored only
 * as their SHA-256 hash, bound to one tenant and carrying a permission
 * set. Looked up by hash (a keyed lookup leaks nothing useful in timing),
 * then the stored hash is compared with CRYPTO_memcmp. Secrets are wiped
 * after use and never logged.
 *
 * Wire form of a token: "scimcred_" followed by 43 base64url characters.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include "auth/perm.h"
#include "auth/tenant.h"
#include "store/store.h"
#include "util/scim_err.h"
#include "util/str.h"

#define TOKEN_MAX 128 /* longest Authorization value we look at */
#define TOKEN_STRLEN 52 /* "scimcred_" + 43 */
#define TOKEN_ID_LEN 16 /* hex: a public handle for list/revoke */

#define PRINCIPAL_SUBJECT_MAX 255

/* Who made a request: filled by token_authenticate (an opaque token) or
 * by the JWT verifier. */
struct principal {
	char tenant[TENANT_NAME_MAX + 1];
	/* An opaque token's public id; "" for a JWT. */
	char token_id[TOKEN_ID_LEN + 1];
	/* A JWT's `sub`, or the subject an opaque token was made for; ""
	 * when there is none. For audit records and self-admin. */
	char subject[PRINCIPAL_SUBJECT_MAX + 1];
	struct perm_set perms;
	/* The self-admin role: subject is a User id of the tenant, and the
	 * caller reaches only that user's credentials and /Me. */
	int self_admin;
};

#define TOKEN_ROLES_MAX 255 /* role names, space-separated */

struct token_info {
	char tenant[TENANT_NAME_MAX + 1];
	char id[TOKEN_ID_LEN + 1];
	struct perm_set perms;
	int64_t created_ms;
	/* Version 2 records; "" and 0 for version 1 ones. */
	char subject[PRINCIPAL_SUBJECT_MAX + 1];
	int self_admin;
	char roles[TOKEN_ROLES_MAX + 1]; /* for listing only */
};

/* What a new token grants. Roles are expanded into perms and self_admin
 * by the caller (role.h) when the token is made; roles keeps their names
 * for `token list`. */
struct token_grant {
	struct perm_set perms;
	struct str subject; /* 0..PRINCIPAL_SUBJECT_MAX bytes of text */
	int self_admin; /* needs a subject */
	struct str roles; /* 0..TOKEN_ROLES_MAX bytes */
};

/*
 * Creates a token for tenant with perms inside txn. Writes the secret
 * (NUL-terminated) into secret[TOKEN_STRLEN + 1] and the public id
 * into info. SCIM_E_NOT_FOUND if the tenant does not exist.
 */
int token_create(struct store_txn *txn, struct str tenant,
    const struct perm_set *perms, char *secret, struct token_info *info,
    struct scim_err *err);

/* token_create with a subject, the self-admin flag and role names.
 * SCIM_E_INVALID_VALUE if the subject or roles are malformed or
 * self_admin lacks a subject. */
int token_create_grant(struct store_txn *txn, struct str tenant,
    const struct token_grant *g, char *secret, struct token_info *info,
    struct scim_err *err);

/* Revokes a token by its public id. SCIM_E_NOT_FOUND if unknown. */
int token_revoke(struct store_txn *txn, struct str tenant, struct str id,
    struct scim_err *err);

/* Calls fn for each token of tenant. */
int token_each(struct store_txn *txn, struct str tenant,
    int (*fn)(void *arg, const struct token_info *info), void *arg);

/*
 * Checks an Authorization header value ("Bearer <token>", scheme
 * case-insensitive). Returns 0 and fills *p, or SCIM_E_UNAUTHORIZED with a
 * detail that does not reveal why beyond "missing" or "invalid".
 */
int token_authenticate(struct store_txn *txn, struct str authorization,
    struct principal *p, struct scim_err *err);

/*
 * The whole gate for a tenant route, in this order: authenticate (401),
 * the token's tenant must be the path's tenant (404, as if the tenant did
 * not exist: tenants can't be probed), the permission must be held (403).
 */
int token_authorize(struct store_txn *txn, struct str tenant,
    struct str authorization, enum perm need, struct principal *p,
    struct scim_err *err);

#endif
