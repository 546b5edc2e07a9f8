/*
 * The authentication configuration and the per-request gate (see
 * authconf.h). Configuration is parsed here, key files are loaded by
 * jwk.c, tokens are verified by jwt.c (JWTs) and token.c (opaque).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/authconf.h"
#include "auth/jwk.h"
#include "auth/jwt.h"
#include "auth/tenant.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/num.h"
#include "util/xmalloc.h"

/* The one detail a client gets for any refused bearer token, JWT or
 * opaque: the reason goes to the log only. */
#define INVALID_DETAIL "the bearer token is invalid or revoked"
#define AUTHZ_MAX (JWT_MAX + 64)

struct tenant_conf {
	char name[TENANT_NAME_MAX + 1];
	char *issuer; /* NULL until set */
	char *audience;
	unsigned leeway;
	int leeway_set;
	int require_tenant_claim;
	int has_jwt; /* any jwt.* setting */
	struct jwk_set *keys;
	struct role_table *roles; /* parent: authconf.roles */
};

struct authconf {
	struct role_table *roles; /* the global custom roles */
	struct tenant_conf **tenants;
	size_t n;
	char why[AUTHCONF_WHY_MAX];
};

struct authconf *
authconf_new(void)
{
	struct authconf *ac = xcalloc(1, sizeof(*ac));

	ac->roles = role_table_new(NULL);
	return ac;
}

void
authconf_free(struct authconf *ac)
{
	size_t i;

	if (ac == NULL)
		return;
	for (i = 0; i < ac->n; i++) {
		free(ac->tenants[i]->issuer);
		free(ac->tenants[i]->audience);
		jwk_set_free(ac->tenants[i]->keys);
		role_table_free(ac->tenants[i]->roles);
		free(ac->tenants[i]);
	}
	free(ac->tenants);
	role_table_free(ac->roles);
	free(ac);
}

const char *
authconf_error(const struct authconf *ac)
{
	return ac->why;
}

static struct tenant_conf *
tenant_find(const struct authconf *ac, struct str name)
{
	size_t i;

	if (ac == NULL)
		return NULL;
	for (i = 0; i < ac->n; i++)
		if (str_eq_cstr(name, ac->tenants[i]->name))
			return ac->tenants[i];
	return NULL;
}

/* The tenant's entry, made on first mention; NULL with why if the name
 * is malformed or there are too many. */
static struct tenant_conf *
tenant_get(struct authconf *ac, struct str name)
{
	struct tenant_conf *tc = tenant_find(ac, name);

	if (tc != NULL)
		return tc;
	if (!tenant_name_ok(name)) {
		snprintf(ac->why, sizeof(ac->why),
		    "malformed tenant name \"%.*s\" (1-63 of a-z, 0-9, '-')",
		    (int)(name.len > 64 ? 64 : name.len), name.ptr);
		return NULL;
	}
	if (ac->n == AUTHCONF_TENANTS_MAX) {
		snprintf(ac->why, sizeof(ac->why), "more than %d tenants",
		    AUTHCONF_TENANTS_MAX);
		return NULL;
	}
	tc = xcalloc(1, sizeof(*tc));
	memcpy(tc->name, name.ptr, name.len);
	tc->leeway = JWT_LEEWAY_DEFAULT;
	tc->keys = jwk_set_new();
	tc->roles = role_table_new(ac->roles);
	ac->tenants =
	    xreallocarray(ac->tenants, ac->n + 1, sizeof(*ac->tenants));
	ac->tenants[ac->n++] = tc;
	return tc;
}

static int
define_role(struct authconf *ac, struct tenant_conf *tc, struct str name,
    const char *value)
{
	size_t i;

	/* A global role must not clash with a tenant's own, whichever
	 * line came first. */
	for (i = 0; tc == NULL && i < ac->n; i++) {
		if (role_table_find(ac->tenants[i]->roles, name) != NULL &&
		    role_table_find(ac->roles, name) == NULL) {
			snprintf(ac->why, sizeof(ac->why),
			    "role \"%.*s\" is already defined for tenant %s",
			    (int)(name.len > 64 ? 64 : name.len), name.ptr,
			    ac->tenants[i]->name);
			return CONF_BAD_VALUE;
		}
	}
	if (role_table_define(tc != NULL ? tc->roles : ac->roles, name,
		str_from(value), ac->why, sizeof(ac->why)) != 0)
		return CONF_BAD_VALUE;
	return CONF_OK;
}

/* Splits "WORD rest": *word is the first blank-separated word, *rest
 * the remainder with leading blanks skipped. */
static void
first_word(const char *v, struct str *word, const char **rest)
{
	size_t n = strcspn(v, " \t");

	*word = str_make(v, n);
	v += n;
	v += strspn(v, " \t");
	*rest = v;
}

static int
text_ok(const char *v)
{
	size_t n = strlen(v), i;

	if (n == 0 || n > JWT_CLAIM_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

static int
set_text(struct authconf *ac, char **dst, const char *what, const char *v)
{
	if (*dst != NULL) {
		snprintf(ac->why, sizeof(ac->why), "%s is set twice", what);
		return CONF_BAD_VALUE;
	}
	if (!text_ok(v)) {
		snprintf(ac->why, sizeof(ac->why),
		    "%s must be 1 to %d characters without control "
		    "characters",
		    what, JWT_CLAIM_MAX);
		return CONF_BAD_VALUE;
	}
	*dst = xstrdup(v);
	return CONF_OK;
}

/* tenant.T.jwt.key = ALG KID PATH */
static int
set_key(struct authconf *ac, struct tenant_conf *tc, const char *v)
{
	struct str alg_s, kid;
	const char *rest, *path;
	enum jwk_alg alg;

	first_word(v, &alg_s, &rest);
	first_word(rest, &kid, &path);
	if (jwk_alg_parse(alg_s, &alg) != 0 || alg == JWK_ALG_HS256) {
		snprintf(ac->why, sizeof(ac->why),
		    "expected \"ALG KID PEM-FILE\" with ALG one of RS256, "
		    "PS256, ES256, EdDSA");
		return CONF_BAD_VALUE;
	}
	if (kid.len == 0 || *path == '\0') {
		snprintf(
		    ac->why, sizeof(ac->why), "expected \"ALG KID PEM-FILE\"");
		return CONF_BAD_VALUE;
	}
	if (jwk_set_add_pem_file(
		tc->keys, alg, kid, path, ac->why, sizeof(ac->why)) != 0)
		return CONF_BAD_VALUE;
	return CONF_OK;
}

static int
set_secret(struct authconf *ac, struct tenant_conf *tc, const char *v)
{
	const char *path;
	struct str kid;

	first_word(v, &kid, &path);
	if (kid.len == 0 || *path == '\0') {
		snprintf(
		    ac->why, sizeof(ac->why), "expected \"KID SECRET-FILE\"");
		return CONF_BAD_VALUE;
	}
	if (jwk_set_add_secret_file(
		tc->keys, kid, path, ac->why, sizeof(ac->why)) != 0)
		return CONF_BAD_VALUE;
	return CONF_OK;
}

static int
set_flag(struct authconf *ac, int *dst, const char *v)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
		*dst = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
		*dst = 0;
	else {
		snprintf(ac->why, sizeof(ac->why), "expected yes or no");
		return CONF_BAD_VALUE;
	}
	return CONF_OK;
}

static int
set_leeway(struct authconf *ac, struct tenant_conf *tc, const char *v)
{
	int64_t n;

	if (num_parse_range(str_from(v), 0, JWT_LEEWAY_MAX, &n) != 0) {
		snprintf(ac->why, sizeof(ac->why),
		    "the leeway is 0 to %d seconds", JWT_LEEWAY_MAX);
		return CONF_BAD_VALUE;
	}
	tc->leeway = (unsigned)n;
	tc->leeway_set = 1;
	return CONF_OK;
}

static int
set_jwt(struct authconf *ac, struct tenant_conf *tc, const char *what,
    const char *v)
{
	int rc = CONF_UNKNOWN_KEY;

	if (strcmp(what, "issuer") == 0)
		rc = set_text(ac, &tc->issuer, "the issuer", v);
	else if (strcmp(what, "audience") == 0)
		rc = set_text(ac, &tc->audience, "the audience", v);
	else if (strcmp(what, "leeway") == 0)
		rc = set_leeway(ac, tc, v);
	else if (strcmp(what, "key") == 0)
		rc = set_key(ac, tc, v);
	else if (strcmp(what, "jwks") == 0)
		rc = jwk_set_add_jwks_file(
			 tc->keys, v, ac->why, sizeof(ac->why)) == 0
		    ? CONF_OK
		    : CONF_BAD_VALUE;
	else if (strcmp(what, "hs256-secret-file") == 0)
		rc = set_secret(ac, tc, v);
	else if (strcmp(what, "require-tenant-claim") == 0)
		rc = set_flag(ac, &tc->require_tenant_claim, v);
	if (rc != CONF_UNKNOWN_KEY)
		tc->has_jwt = 1;
	return rc;
}

int
authconf_set(struct authconf *ac, const char *key, const char *value)
{
	const char *rest, *dot;
	struct tenant_conf *tc;

	ac->why[0] = '\0';
	if (strncmp(key, "role.", 5) == 0)
		return define_role(ac, NULL, str_from(key + 5), value);
	if (strncmp(key, "tenant.", 7) != 0)
		return CONF_UNKNOWN_KEY;
	rest = key + 7;
	dot = strchr(rest, '.');
	if (dot == NULL ||
	    (strncmp(dot + 1, "role.", 5) != 0 &&
		strncmp(dot + 1, "jwt.", 4) != 0))
		return CONF_UNKNOWN_KEY;
	tc = tenant_get(ac, str_make(rest, (size_t)(dot - rest)));
	if (tc == NULL)
		return CONF_BAD_VALUE;
	if (strncmp(dot + 1, "role.", 5) == 0)
		return define_role(ac, tc, str_from(dot + 6), value);
	return set_jwt(ac, tc, dot + 5, value);
}

static int
finish_tenant(struct authconf *ac, const struct tenant_conf *tc)
{
	const char *missing = NULL;

	if (!tc->has_jwt)
		return 0;
	if (tc->issuer == NULL)
		missing = "jwt.issuer";
	else if (tc->audience == NULL)
		missing = "jwt.audience";
	else if (jwk_set_count(tc->keys) == 0)
		missing = "a jwt.key, jwt.jwks or jwt.hs256-secret-file";
	if (missing == NULL)
		return 0;
	snprintf(ac->why, sizeof(ac->why),
	    "tenant %s has JWT settings but no tenant.%s.%s", tc->name,
	    tc->name, missing);
	return -1;
}

int
authconf_finish(struct authconf *ac)
{
	const struct tenant_conf *a, *b;
	size_t i, j;

	ac->why[0] = '\0';
	for (i = 0; i < ac->n; i++)
		if (finish_tenant(ac, ac->tenants[i]) != 0)
			return -1;
	for (i = 0; i < ac->n; i++) {
		for (j = i + 1; j < ac->n; j++) {
			a = ac->tenants[i];
			b = ac->tenants[j];
			if (!a->has_jwt || !b->has_jwt ||
			    strcmp(a->issuer, b->issuer) != 0 ||
			    strcmp(a->audience, b->audience) != 0 ||
			    (a->require_tenant_claim &&
				b->require_tenant_claim))
				continue;
			snprintf(ac->why, sizeof(ac->why),
			    "tenants %s and %s accept the same issuer and "
			    "audience: give them distinct audiences or set "
			    "jwt.require-tenant-claim = yes for both",
			    a->name, b->name);
			return -1;
		}
	}
	return 0;
}

const struct role_table *
authconf_roles(const struct authconf *ac, struct str tenant)
{
	const struct tenant_conf *tc = tenant_find(ac, tenant);

	if (tc != NULL)
		return tc->roles;
	return ac != NULL ? ac->roles : NULL;
}

int
authconf_has_jwt(const struct authconf *ac)
{
	size_t i;

	for (i = 0; ac != NULL && i < ac->n; i++)
		if (ac->tenants[i]->has_jwt)
			return 1;
	return 0;
}

/* ----------------------------------------------------------------- gate */

/* The credentials of a "Bearer" header (RFC 6750 §2.1), if they look
 * like a JWS (three parts): 1 and *tok, else 0. */
static int
bearer_jwt(struct str a, struct str *tok)
{
	static const struct str scheme = STR_LIT("Bearer");
	size_t i;

	if (a.len > AUTHZ_MAX || a.len <= scheme.len + 1 ||
	    !str_case_has_prefix(a, scheme) || a.ptr[scheme.len] != ' ')
		return 0;
	for (i = scheme.len; i < a.len && a.ptr[i] == ' '; i++)
		;
	*tok = str_make(a.ptr + i, a.len - i);
	return memchr(tok->ptr, '.', tok->len) != NULL;
}

static void
policy_of(const struct tenant_conf *tc, struct jwt_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->keys = tc->keys;
	pol->issuer = str_from(tc->issuer);
	pol->audience = str_from(tc->audience);
	pol->leeway = tc->leeway;
	pol->tenant = str_from(tc->name);
	pol->require_tenant_claim = tc->require_tenant_claim;
	pol->roles = tc->roles;
}

static enum jwt_result
verify_for(const struct authconf *ac, const struct tenant_conf *tc,
    struct str token, int64_t now_s, struct jwt_identity *id, char *why,
    size_t whysz)
{
	struct jwt_policy pol;

	(void)ac;
	policy_of(tc, &pol);
	return jwt_verify(&pol, token, now_s, id, why, whysz);
}

/*
 * 1 if the token is fully valid for a tenant other than the path's: the
 * caller then answers 404 as for another tenant's opaque token. Only the
 * first tenant the token's own (unverified) iss, aud and tenant claims
 * point at is tried: authconf_finish makes that tenant unique, and so a
 * refused token costs at most one more signature check however many
 * tenants share keys, not one per tenant.
 */
static int
other_tenant(const struct authconf *ac, struct str tenant, struct str token,
    int64_t now_s)
{
	struct arena *a = arena_new();
	struct jwt_identity id;
	struct jwt_policy pol;
	struct jwt_aim aim;
	char why[JWT_WHY_MAX];
	int found = 0;
	size_t i;

	if (jwt_peek_aim(a, token, &aim) != 0)
		goto out;
	for (i = 0; i < ac->n; i++) {
		if (!ac->tenants[i]->has_jwt ||
		    str_eq_cstr(tenant, ac->tenants[i]->name))
			continue;
		policy_of(ac->tenants[i], &pol);
		if (!jwt_aim_matches(&aim, &pol))
			continue;
		found = verify_for(ac, ac->tenants[i], token, now_s, &id, why,
			    sizeof(why)) == JWT_OK;
		break;
	}
out:
	arena_free(a);
	return found;
}

/* Authenticates a JWT for tenant: 0 and *p, or 401/404 (err filled). */
static int
jwt_authenticate(const struct authconf *ac, struct store_txn *txn,
    struct str tenant, struct str token, int64_t now_s, struct principal *p,
    struct scim_err *err)
{
	const struct tenant_conf *tc = tenant_find(ac, tenant);
	struct jwt_identity id;
	char why[JWT_WHY_MAX] = "no JWT settings for this tenant", t[80];
	enum jwt_result r = JWT_E_KID;

	if (tc != NULL && tc->has_jwt)
		r = verify_for(ac, tc, token, now_s, &id, why, sizeof(why));
	log_escape(t, sizeof(t), tenant.ptr, tenant.len);
	if (r == JWT_E_OTHER_TENANT ||
	    (r != JWT_OK && ac != NULL &&
		other_tenant(ac, tenant, token, now_s))) {
		log_info("tenant %s: JWT of another tenant", t);
		return scim_err_set(err, SCIM_E_NOT_FOUND, "tenant not found");
	}
	if (r != JWT_OK) {
		log_info("tenant %s: JWT rejected: %s: %s", t,
		    jwt_result_name(r), why);
		return scim_err_set(err, SCIM_E_UNAUTHORIZED, INVALID_DETAIL);
	}
	/* Configured but not (or no longer) a tenant of this store. */
	if (!store_tenant_exists(txn, tenant))
		return scim_err_set(err, SCIM_E_NOT_FOUND, "tenant not found");
	memcpy(p->tenant, tenant.ptr, tenant.len);
	memcpy(p->subject, id.subject, sizeof(p->subject));
	p->perms = id.perms;
	p->self_admin = id.self_admin;
	return 0;
}

int
authconf_authorize(const struct authconf *ac, struct store_txn *txn,
    struct str tenant, struct str authorization, enum perm need, int64_t now_s,
    struct principal *p, struct scim_err *err)
{
	struct str tok;
	char t[80];
	int rc;

	memset(p, 0, sizeof(*p));
	if (!bearer_jwt(authorization, &tok)) {
		rc = token_authorize(txn, tenant, authorization, need, p, err);
		if (rc == SCIM_E_UNAUTHORIZED && authorization.len > 0) {
			log_escape(t, sizeof(t), tenant.ptr, tenant.len);
			log_info("tenant %s: opaque bearer token rejected", t);
		}
		return rc;
	}
	rc = jwt_authenticate(ac, txn, tenant, tok, now_s, p, err);
	if (rc != 0)
		goto out;
	rc = perm_require(&p->perms, need, err);
out:
	if (rc != 0)
		memset(p, 0, sizeof(*p));
	return rc;
}
