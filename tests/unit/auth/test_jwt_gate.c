/*
 * The JWT attack suite, part 4: configuration and the gate. authconf_set
 * names the offending identifier, authconf_finish refuses incomplete or
 * ambiguous tenants, and authconf_authorize keeps the 401 -> 404 -> 403
 * order for JWTs (a tenant-A token on tenant B is a 404, as an opaque
 * one is). Opaque tokens carry a subject and the self-admin flag in
 * version 2 records, and version 1 records still load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../store/store_fixture.h"
#include "auth/authconf.h"
#include "jwt_fixture.h"
#include "util/conf.h"
#include "util/secure.h"

static char *dir;
static struct store *st;
static struct authconf *ac;
static struct jf_key ka, kb;
static char pem_a[600], pem_b[600];

static int
tenant_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	return tenant_add(t, str_from(arg), err);
}

static void
write_pem(const struct jf_key *k, char *path, size_t pathsz, const char *name)
{
	char *pem = jf_pub_pem(k);
	FILE *fp;

	snprintf(path, pathsz, "%s/%s", dir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs(pem, fp);
	fclose(fp);
	free(pem);
}

static void
set_ok(const char *key, const char *value)
{
	cr_assert_eq(authconf_set(ac, key, value), CONF_OK, "%s: %s", key,
	    authconf_error(ac));
}

/* Tenants acme and beta, each with its own ES256 key, issuer, audience. */
static void
setup(void)
{
	char v[700];

	dir = fixture_dir_new();
	st = fixture_store_open(dir, 0, 0);
	cr_assert_eq(fixture_write(st, tenant_fn, (void *)"acme"), 0);
	cr_assert_eq(fixture_write(st, tenant_fn, (void *)"beta"), 0);
	jf_key_gen(&ka, JWK_ALG_ES256, "ka");
	jf_key_gen(&kb, JWK_ALG_ES256, "kb");
	write_pem(&ka, pem_a, sizeof(pem_a), "a.pem");
	write_pem(&kb, pem_b, sizeof(pem_b), "b.pem");
	ac = authconf_new();
	set_ok("tenant.acme.jwt.issuer", JF_ISS);
	set_ok("tenant.acme.jwt.audience", JF_AUD);
	snprintf(v, sizeof(v), "ES256 ka %s", pem_a);
	set_ok("tenant.acme.jwt.key", v);
	set_ok("tenant.beta.jwt.issuer", JF_ISS);
	set_ok("tenant.beta.jwt.audience", "beta-api");
	snprintf(v, sizeof(v), "ES256   kb   %s", pem_b);
	set_ok("tenant.beta.jwt.key", v);
	set_ok("tenant.acme.jwt.leeway", "10");
	cr_assert_eq(authconf_finish(ac), 0, "%s", authconf_error(ac));
}

static void
teardown(void)
{
	authconf_free(ac);
	jf_key_free(&ka);
	jf_key_free(&kb);
	store_close(st);
	fixture_dir_free(dir);
}

TestSuite(gate, .init = setup, .fini = teardown);

static int
authorize(
    const char *tenant, const char *token, enum perm need, struct principal *p)
{
	struct store_txn *txn = NULL;
	struct scim_err err;
	char hdr[JWT_MAX + 16];
	int rc;

	snprintf(hdr, sizeof(hdr), "Bearer %s", token);
	cr_assert_eq(store_read_begin(st, &txn, &err), 0);
	rc = authconf_authorize(
	    ac, txn, str_from(tenant), str_from(hdr), need, JF_NOW, p, &err);
	store_read_end(txn);
	if (rc == SCIM_E_UNAUTHORIZED)
		cr_assert_str_eq(
		    err.detail, "the bearer token is invalid or revoked");
	return rc;
}

static char *
token_for(const struct jf_key *k, const char *aud, const char *extra)
{
	char claims[1024];

	snprintf(claims, sizeof(claims),
	    "{\"iss\":\"" JF_ISS "\",\"aud\":\"%s\",\"exp\":%lld,"
	    "\"sub\":\"u-7\",\"scope\":\"dir:read:user\"%s}",
	    aud, (long long)JF_NOW + 60, extra != NULL ? extra : "");
	return jf_token(k, jf_header(k), claims);
}

Test(gate, order_401_404_403)
{
	struct principal p;
	char *a = token_for(&ka, JF_AUD, NULL),
	     *b = token_for(&kb, "beta-api", NULL);

	cr_assert_eq(authorize("acme", a, PERM_USER_READ, &p), 0);
	cr_assert_str_eq(p.tenant, "acme");
	cr_assert_str_eq(p.subject, "u-7");
	cr_assert_str_eq(p.token_id, "");
	cr_assert_eq(p.self_admin, 0);
	cr_assert_eq(
	    authorize("acme", a, PERM_USER_UPDATE, &p), SCIM_E_FORBIDDEN);
	/* A tenant-A token on tenant B, and the other way round. */
	cr_assert_eq(
	    authorize("beta", a, PERM_USER_READ, &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(p.tenant[0], '\0');
	cr_assert_eq(
	    authorize("acme", b, PERM_USER_READ, &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(authorize("beta", b, PERM_USER_READ, &p), 0);
	/* A tenant with no JWT settings. */
	cr_assert_eq(
	    authorize("gamma", b, PERM_USER_READ, &p), SCIM_E_NOT_FOUND);
	/* Broken: 401 before anything else, even for a missing permission. */
	a[strlen(a) - 3] = a[strlen(a) - 3] == 'A' ? 'B' : 'A';
	cr_assert_eq(
	    authorize("acme", a, PERM_USER_UPDATE, &p), SCIM_E_UNAUTHORIZED);
	cr_assert_eq(
	    authorize("beta", a, PERM_USER_UPDATE, &p), SCIM_E_UNAUTHORIZED);
	free(a);
	free(b);
}

Test(gate, tenant_claim_and_unknown_tenant)
{
	struct principal p;
	char *t = token_for(&ka, JF_AUD, ",\"tenant\":\"beta\"");

	cr_assert_eq(
	    authorize("acme", t, PERM_USER_READ, &p), SCIM_E_NOT_FOUND);
	free(t);
	t = token_for(&ka, JF_AUD, ",\"tenant\":\"acme\"");
	cr_assert_eq(authorize("acme", t, PERM_USER_READ, &p), 0);
	free(t);
}

/* Configured but not a tenant of the store: like any unknown tenant. */
Test(gate, configured_tenant_not_in_store)
{
	struct principal p;
	char v[700], *t;
	struct jf_key kc;

	jf_key_gen(&kc, JWK_ALG_EDDSA, "kc");
	write_pem(&kc, v, sizeof(v), "c.pem");
	memmove(v + 10, v, strlen(v) + 1);
	memcpy(v, "EdDSA kc  ", 10);
	set_ok("tenant.gone.jwt.key", v);
	set_ok("tenant.gone.jwt.issuer", JF_ISS);
	set_ok("tenant.gone.jwt.audience", "gone");
	cr_assert_eq(authconf_finish(ac), 0, "%s", authconf_error(ac));
	t = token_for(&kc, "gone", NULL);
	cr_assert_eq(
	    authorize("gone", t, PERM_USER_READ, &p), SCIM_E_NOT_FOUND);
	free(t);
	jf_key_free(&kc);
}

Test(gate, leeway_from_config)
{
	struct principal p;
	char claims[256], *t;

	/* acme's leeway is 10 s: exp 10 s ago is too late, 9 s is not. */
	snprintf(claims, sizeof(claims),
	    "{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD "\",\"exp\":%lld,"
	    "\"scope\":\"dir:read:user\"}",
	    (long long)JF_NOW - 10);
	t = jf_token(&ka, jf_header(&ka), claims);
	cr_assert_eq(
	    authorize("acme", t, PERM_USER_READ, &p), SCIM_E_UNAUTHORIZED);
	free(t);
	snprintf(claims, sizeof(claims),
	    "{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD "\",\"exp\":%lld,"
	    "\"scope\":\"dir:read:user\"}",
	    (long long)JF_NOW - 9);
	t = jf_token(&ka, jf_header(&ka), claims);
	cr_assert_eq(authorize("acme", t, PERM_USER_READ, &p), 0);
	free(t);
}

Test(gate, tenant_roles)
{
	struct principal p;
	char *t;

	set_ok("role.groupReader", "dir:read:group");
	set_ok("tenant.acme.role.credWriter",
	    "credentialsIssuance:update:credentials");
	t = token_for(
	    &ka, JF_AUD, ",\"roles\":[\"groupReader\",\"credWriter\"]");
	cr_assert_eq(authorize("acme", t, PERM_GROUP_READ, &p), 0);
	cr_assert_eq(authorize("acme", t, PERM_CRED_UPDATE, &p), 0);
	cr_assert_eq(
	    authorize("acme", t, PERM_CRED_DELETE, &p), SCIM_E_FORBIDDEN);
	free(t);
	/* beta does not know acme's role. */
	t = token_for(&kb, "beta-api", ",\"roles\":[\"credWriter\"]");
	cr_assert_eq(
	    authorize("beta", t, PERM_CRED_UPDATE, &p), SCIM_E_FORBIDDEN);
	free(t);
	/* Names are unique across global and tenant roles, either order. */
	cr_assert_eq(authconf_set(ac, "role.credWriter", "dir:read:user"),
	    CONF_BAD_VALUE);
	cr_assert(strstr(authconf_error(ac), "acme") != NULL, "%s",
	    authconf_error(ac));
	cr_assert_eq(
	    authconf_set(ac, "tenant.beta.role.groupReader", "dir:read:user"),
	    CONF_BAD_VALUE);
}

Test(gate, config_errors_name_the_identifier)
{
	cr_assert_eq(authconf_set(ac, "listen", "x"), CONF_UNKNOWN_KEY);
	cr_assert_eq(
	    authconf_set(ac, "tenant.acme.jwt.nope", "x"), CONF_UNKNOWN_KEY);
	cr_assert_eq(
	    authconf_set(ac, "tenant.acme.other", "x"), CONF_UNKNOWN_KEY);
	cr_assert_eq(authconf_set(ac, "role.r", "dir:read:user dir:raed:user"),
	    CONF_BAD_VALUE);
	cr_assert(strstr(authconf_error(ac), "\"dir:raed:user\"") != NULL, "%s",
	    authconf_error(ac));
	cr_assert_eq(
	    authconf_set(ac, "role.r", "dir-read-user"), CONF_BAD_VALUE);
	cr_assert(strstr(authconf_error(ac), "malformed") != NULL, "%s",
	    authconf_error(ac));
	cr_assert_eq(authconf_set(ac, "tenant.Bad.role.r", "dir:read:user"),
	    CONF_BAD_VALUE);
	cr_assert(strstr(authconf_error(ac), "\"Bad\"") != NULL, "%s",
	    authconf_error(ac));
	cr_assert_eq(
	    authconf_set(ac, "tenant.acme.jwt.leeway", "61"), CONF_BAD_VALUE);
	cr_assert_eq(
	    authconf_set(ac, "tenant.acme.jwt.leeway", "-1"), CONF_BAD_VALUE);
	cr_assert_eq(authconf_set(ac, "tenant.acme.jwt.issuer", "again"),
	    CONF_BAD_VALUE);
	cr_assert_eq(authconf_set(ac, "tenant.acme.jwt.key", "none k /x"),
	    CONF_BAD_VALUE);
	cr_assert_eq(authconf_set(ac, "tenant.acme.jwt.key", "HS256 k /x"),
	    CONF_BAD_VALUE);
	cr_assert_eq(
	    authconf_set(ac, "tenant.acme.jwt.key", "ES256 k"), CONF_BAD_VALUE);
	cr_assert_eq(authconf_set(ac, "tenant.acme.jwt.key",
			 "ES256 k /nonexistent/k.pem"),
	    CONF_BAD_VALUE);
	cr_assert(strstr(authconf_error(ac), "/nonexistent/k.pem") != NULL,
	    "%s", authconf_error(ac));
	cr_assert_eq(authconf_set(ac, "tenant.acme.jwt.jwks", "/nonexistent"),
	    CONF_BAD_VALUE);
	cr_assert_eq(
	    authconf_set(ac, "tenant.acme.jwt.require-tenant-claim", "maybe"),
	    CONF_BAD_VALUE);
	cr_assert_eq(authconf_set(ac, "tenant.acme.jwt.hs256-secret-file", "k"),
	    CONF_BAD_VALUE);
}

Test(gate, finish_refuses_incomplete_and_ambiguous)
{
	struct authconf *c = authconf_new();
	char v[700];

	cr_assert_eq(authconf_set(c, "tenant.x.jwt.issuer", JF_ISS), CONF_OK);
	cr_assert_eq(authconf_finish(c), -1);
	cr_assert(strstr(authconf_error(c), "tenant.x.jwt.audience") != NULL,
	    "%s", authconf_error(c));
	cr_assert_eq(authconf_set(c, "tenant.x.jwt.audience", "a"), CONF_OK);
	cr_assert_eq(authconf_finish(c), -1);
	snprintf(v, sizeof(v), "ES256 ka %s", pem_a);
	cr_assert_eq(authconf_set(c, "tenant.x.jwt.key", v), CONF_OK);
	cr_assert_eq(authconf_finish(c), 0, "%s", authconf_error(c));
	/* y trusts the same key, issuer and audience: ambiguous. */
	cr_assert_eq(authconf_set(c, "tenant.y.jwt.issuer", JF_ISS), CONF_OK);
	cr_assert_eq(authconf_set(c, "tenant.y.jwt.audience", "a"), CONF_OK);
	cr_assert_eq(authconf_set(c, "tenant.y.jwt.key", v), CONF_OK);
	cr_assert_eq(authconf_finish(c), -1);
	cr_assert(strstr(authconf_error(c), "require-tenant-claim") != NULL);
	cr_assert_eq(
	    authconf_set(c, "tenant.x.jwt.require-tenant-claim", "yes"),
	    CONF_OK);
	cr_assert_eq(authconf_finish(c), -1);
	cr_assert_eq(
	    authconf_set(c, "tenant.y.jwt.require-tenant-claim", "yes"),
	    CONF_OK);
	cr_assert_eq(authconf_finish(c), 0, "%s", authconf_error(c));
	authconf_free(c);
}

/* ---------------------------------------------------- opaque tokens */

struct grant_op {
	struct token_grant g;
	char secret[TOKEN_STRLEN + 1];
	struct token_info info;
	int rc;
};

static int
grant_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct grant_op *op = arg;

	op->rc = token_create_grant(
	    t, STR_LIT("acme"), &op->g, op->secret, &op->info, err);
	return op->rc;
}

Test(gate, opaque_subject_and_self_admin)
{
	const struct role *self = role_predefined(STR_LIT(ROLE_SELF_ADMIN));
	struct grant_op op;
	struct principal p;

	memset(&op, 0, sizeof(op));
	op.g.perms = self->perms;
	op.g.self_admin = 1;
	op.g.roles = STR_LIT("selfAdmin");
	/* Self-admin needs a subject. */
	cr_assert_eq(fixture_write(st, grant_fn, &op), SCIM_E_INVALID_VALUE);
	op.g.subject = STR_LIT("user-42");
	cr_assert_eq(fixture_write(st, grant_fn, &op), 0);
	cr_assert_str_eq(op.info.roles, "selfAdmin");
	cr_assert_eq(authorize("acme", op.secret, PERM_CRED_READ, &p), 0);
	cr_assert_str_eq(p.subject, "user-42");
	cr_assert_eq(p.self_admin, 1);
	cr_assert_str_eq(p.token_id, op.info.id);
	cr_assert_eq(authorize("acme", op.secret, PERM_CRED_DELETE, &p),
	    SCIM_E_FORBIDDEN);
	cr_assert_eq(
	    authorize("beta", op.secret, PERM_CRED_READ, &p), SCIM_E_NOT_FOUND);
	op.g.subject = STR_LIT("bad\nsubject");
	cr_assert_eq(fixture_write(st, grant_fn, &op), SCIM_E_INVALID_VALUE);
}

struct v1_op {
	const char *secret;
};

/* Writes a version 1 record by hand, as scimcred before issue 6 did. */
static int
v1_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct v1_op *op = arg;
	unsigned char hash[32], rec[2 + 4 + 16 + 16];
	char key[4 + 1 + 16];
	int rc;

	secure_sha256(op->secret, TOKEN_STRLEN, hash);
	rec[0] = 1;
	rec[1] = 4;
	memcpy(rec + 2, "acme", 4);
	memcpy(rec + 6, "0123456789abcdef", 16);
	memset(rec + 22, 0, 16);
	/* The bitmap is a big-endian u64 at offset 22. */
	rec[22 + 7 - PERM_USER_READ / 8] =
	    (unsigned char)(1u << (PERM_USER_READ % 8));
	memcpy(key,
	    "acme\0"
	    "0123456789abcdef",
	    sizeof(key));
	rc = store_kv_put(t, STORE_BUCKET_TOKENS,
	    str_make((const char *)hash, 32),
	    str_make((const char *)rec, sizeof(rec)), err);
	if (rc == 0)
		rc = store_kv_put(t, STORE_BUCKET_TOKEN_IDS,
		    str_make(key, sizeof(key)),
		    str_make((const char *)hash, 32), err);
	return rc;
}

Test(gate, opaque_version1_records_still_load)
{
	char secret[TOKEN_STRLEN + 1];
	struct v1_op op = {secret};
	struct principal p;

	memcpy(secret, "scimcred_", 9);
	memset(secret + 9, 'A', TOKEN_STRLEN - 9);
	secret[TOKEN_STRLEN] = '\0';
	cr_assert_eq(fixture_write(st, v1_fn, &op), 0);
	cr_assert_eq(authorize("acme", op.secret, PERM_USER_READ, &p), 0);
	cr_assert_str_eq(p.token_id, "0123456789abcdef");
	cr_assert_str_eq(p.subject, "");
	cr_assert_eq(p.self_admin, 0);
	cr_assert_eq(authorize("acme", op.secret, PERM_USER_UPDATE, &p),
	    SCIM_E_FORBIDDEN);
}

Test(gate, no_credentials_and_garbage)
{
	struct principal p;
	struct store_txn *txn = NULL;
	struct scim_err err;

	cr_assert_eq(store_read_begin(st, &txn, &err), 0);
	cr_assert_eq(authconf_authorize(ac, txn, STR_LIT("acme"), STR_NULL,
			 PERM_USER_READ, JF_NOW, &p, &err),
	    SCIM_E_UNAUTHORIZED);
	cr_assert(strstr(err.detail, "required") != NULL);
	cr_assert_eq(
	    authconf_authorize(ac, txn, STR_LIT("acme"),
		STR_LIT("Bearer a.b.c"), PERM_USER_READ, JF_NOW, &p, &err),
	    SCIM_E_UNAUTHORIZED);
	cr_assert_eq(
	    authconf_authorize(NULL, txn, STR_LIT("acme"),
		STR_LIT("Bearer a.b.c"), PERM_USER_READ, JF_NOW, &p, &err),
	    SCIM_E_UNAUTHORIZED);
	cr_assert_eq(authconf_authorize(ac, txn, STR_LIT("acme"),
			 STR_LIT("Basic dXNlcjpwYXNz"), PERM_USER_READ, JF_NOW,
			 &p, &err),
	    SCIM_E_UNAUTHORIZED);
	store_read_end(txn);
}

/* Which other tenant a refused token is tried against comes from its own
 * (unverified) claims: one candidate at most, never every tenant. */
Test(gate, aim_picks_the_tenant_the_claims_name)
{
	struct arena *a = arena_new();
	struct jwt_policy acme, beta;
	struct jwt_aim aim;
	struct principal p;
	char *t = token_for(&kb, "beta-api", NULL),
	     *forged = token_for(&ka, "beta-api", NULL);

	memset(&acme, 0, sizeof(acme));
	acme.issuer = STR_LIT(JF_ISS);
	acme.audience = STR_LIT(JF_AUD);
	beta = acme;
	beta.audience = STR_LIT("beta-api");
	cr_assert_eq(jwt_peek_aim(a, str_from(t), &aim), 0);
	cr_expect(jwt_aim_matches(&aim, &beta));
	cr_expect(!jwt_aim_matches(&aim, &acme));
	beta.require_tenant_claim = 1;
	beta.tenant = STR_LIT("beta");
	cr_expect(!jwt_aim_matches(&aim, &beta), "no tenant claim");
	cr_expect_eq(jwt_peek_aim(a, STR_LIT("a.b"), &aim), -1);
	/* Aimed at beta but signed with acme's key: not valid anywhere. */
	cr_expect_eq(
	    authorize("acme", forged, PERM_USER_READ, &p), SCIM_E_UNAUTHORIZED);
	cr_expect_eq(
	    authorize("acme", t, PERM_USER_READ, &p), SCIM_E_NOT_FOUND);
	free(t);
	free(forged);
	arena_free(a);
}
