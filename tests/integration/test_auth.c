/*
 * The tenant/token matrix over HTTP: missing or bad credentials are 401
 * with WWW-Authenticate: Bearer, a missing permission is 403, a token of
 * another tenant and an unknown tenant are both a plain 404 (tenants
 * can't be probed, HARDENING.md promise 4), and nothing crosses tenants.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "harness.h"

#define CRED(fields) "{\"schemas\":[\"" HARNESS_CRED_URN "\"]," fields "}"
#define P_READ "credentialsIssuance:read:credentials"
#define P_CREATE "credentialsIssuance:create:credentials"
#define P_UPDATE "credentialsIssuance:update:credentials"
#define P_DELETE "credentialsIssuance:delete:credentials"
#define P_SCHEMA "scim:read:schema"

/* Credentials need a type of the tenant: CT_TEST and CT_X, without
 * definitions. */
static void
setup(void)
{
	harness_fx_setup();
	harness_ctype(
	    &harness_fx, harness_fx.admin_token, "demo", "CT_TEST", NULL, NULL);
	harness_ctype(
	    &harness_fx, harness_fx.admin_token, "demo", "CT_X", NULL, NULL);
}

TestSuite(auth, .init = setup, .fini = harness_fx_teardown, .timeout = 60);

static void
token_with(const char *tenant, const char *perm, char *tok)
{
	const char *perms[] = {perm, NULL};

	cr_assert_eq(harness_token_create(
			 &harness_fx, tenant, perms, tok, HARNESS_TOKEN_MAX),
	    0, "token create --permission %s failed", perm);
}

static void
new_cred(char *id, char *path, size_t pathlen)
{
	harness_create(&harness_fx, harness_fx.admin_token, "demo",
	    CRED("\"type\":\"CT_TEST\""), id, 128);
	snprintf(path, pathlen, "/scim/demo/v2/Credential/%s", id);
}

static void
expect_401(struct harness_resp *r)
{
	const char *wa = harness_header(r, "WWW-Authenticate");

	EXPECT_ERROR(r, 401, NULL);
	cr_assert(wa != NULL && strncasecmp(wa, "Bearer", 6) == 0,
	    "401 without WWW-Authenticate: Bearer");
}

/* One request of each kind a client can make, with the given token. */
static void
each_route(const char *token, const char *id_path, int *statuses)
{
	struct harness_resp r;
	struct harness_req rq[] = {
	    {.method = "GET", .path = id_path},
	    {.method = "GET",
		.path = "/scim/demo/v2/Credential?filter="
			"type%20eq%20%22x%22"},
	    {.method = "POST",
		.path = "/scim/demo/v2/Credential/.search",
		.body = "{\"schemas\":[\"" HARNESS_SEARCH_URN "\"]}"},
	    {.method = "POST",
		.path = "/scim/demo/v2/Credential",
		.body = CRED("\"type\":\"CT_X\"")},
	    {.method = "PUT",
		.path = id_path,
		.body = CRED("\"type\":\"CT_TEST\"")},
	    {.method = "DELETE", .path = id_path},
	    {.method = "GET", .path = "/scim/demo/v2/Schemas"},
	    {.method = "GET", .path = "/scim/demo/v2/ServiceProviderConfig"},
	    {.method = "GET", .path = "/scim/demo/v2/ResourceTypes"},
	};
	size_t i;

	for (i = 0; i < sizeof(rq) / sizeof(rq[0]); i++) {
		rq[i].token = token;
		harness_send(&harness_fx, &rq[i], &r);
		statuses[i] = r.status;
		if (r.status == 401)
			expect_401(&r);
		harness_resp_free(&r);
	}
}

#define NROUTES 9

ITEST(auth, missing_authorization_is_401_everywhere)
{
	char id[128], path[256];
	int st[NROUTES], i;

	new_cred(id, path, sizeof(path));
	each_route(NULL, path, st);
	for (i = 0; i < NROUTES; i++)
		cr_expect_eq(st[i], 401, "route %d answered %d", i, st[i]);
}

ITEST(auth, unknown_token_is_401_everywhere)
{
	char id[128], path[256];
	int st[NROUTES], i;

	new_cred(id, path, sizeof(path));
	each_route(
	    "scimcred_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", path, st);
	for (i = 0; i < NROUTES; i++)
		cr_expect_eq(st[i], 401, "route %d answered %d", i, st[i]);
}

ITEST(auth, malformed_authorization_headers_are_401)
{
	static const char *hdrs[] = {
	    "Authorization: Basic dXNlcjpwYXNz\r\n",
	    "Authorization: Bearer\r\n",
	    "Authorization: Bearer \r\n",
	    "Authorization: scimcred_AAAA\r\n",
	    "Authorization: Bearer a b c\r\n",
	};
	struct harness_resp r;
	size_t i;

	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		struct harness_req rq = {.method = "GET",
		    .path = "/scim/demo/v2/Credential",
		    .headers = hdrs[i]};

		harness_send(&harness_fx, &rq, &r);
		expect_401(&r);
		harness_resp_free(&r);
	}
	EXPECT_ALIVE(&harness_fx);
}

ITEST(auth, bearer_scheme_is_case_insensitive)
{
	char hdr[256];
	struct harness_resp r;
	struct harness_req rq = {.method = "GET",
	    .path = "/scim/demo/v2/Credential",
	    .headers = hdr};

	snprintf(hdr, sizeof(hdr), "Authorization: bearer %s\r\n",
	    harness_fx.admin_token);
	harness_send(&harness_fx, &rq, &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
}

ITEST(auth, error_body_never_echoes_the_token)
{
	struct harness_resp r;
	const char *bogus = "scimcred_SECRETSECRETSECRETSECRETSECRETSECRETSECR";

	harness_get(&harness_fx, bogus, "/scim/demo/v2/Credential", &r);
	expect_401(&r);
	cr_assert_null(strstr(r.raw, "SECRETSECRET"));
	harness_resp_free(&r);
}

/* Which routes of each_route a permission opens. */
static void
check_only(const char *perm, const int *allowed)
{
	char tok[HARNESS_TOKEN_MAX], id[128], path[256];
	int st[NROUTES], i;

	token_with("demo", perm, tok);
	new_cred(id, path, sizeof(path));
	each_route(tok, path, st);
	for (i = 0; i < NROUTES; i++) {
		if (allowed[i])
			cr_expect(st[i] >= 200 && st[i] < 300,
			    "%s: route %d answered %d, expected 2xx", perm, i,
			    st[i]);
		else
			cr_expect_eq(st[i], 403, "%s: route %d answered %d",
			    perm, i, st[i]);
	}
}

/* route order: get, list, search, create, replace, delete, Schemas,
 * ServiceProviderConfig, ResourceTypes */
ITEST(auth, read_permission_opens_only_reads)
{
	static const int allowed[NROUTES] = {1, 1, 1, 0, 0, 0, 0, 0, 0};

	check_only(P_READ, allowed);
}

ITEST(auth, create_permission_opens_only_create)
{
	static const int allowed[NROUTES] = {0, 0, 0, 1, 0, 0, 0, 0, 0};

	check_only(P_CREATE, allowed);
}

ITEST(auth, update_permission_opens_only_replace)
{
	static const int allowed[NROUTES] = {0, 0, 0, 0, 1, 0, 0, 0, 0};

	check_only(P_UPDATE, allowed);
}

ITEST(auth, delete_permission_opens_only_delete)
{
	static const int allowed[NROUTES] = {0, 0, 0, 0, 0, 1, 0, 0, 0};

	check_only(P_DELETE, allowed);
}

ITEST(auth, schema_permission_opens_only_discovery)
{
	static const int allowed[NROUTES] = {0, 0, 0, 0, 0, 0, 1, 1, 1};

	check_only(P_SCHEMA, allowed);
}

ITEST(auth, forbidden_body_is_scim_error)
{
	char tok[HARNESS_TOKEN_MAX];
	struct harness_resp r;

	token_with("demo", P_READ, tok);
	harness_post(&harness_fx, tok, "/scim/demo/v2/Credential",
	    CRED("\"type\":\"CT_X\""), &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	/* and the refused create wrote nothing */
	harness_get(&harness_fx, tok, "/scim/demo/v2/Credential", &r);
	EXPECT_STATUS(&r, 200);
	{
		int64_t n = -1;

		cr_assert(harness_jint(harness_json(&r), "totalResults", &n));
		cr_assert_eq(n, 0);
	}
	harness_resp_free(&r);
}

ITEST(auth, other_tenants_token_is_404)
{
	char tok[HARNESS_TOKEN_MAX], id[128], path[256];
	int st[NROUTES], i;

	cr_assert_eq(harness_tenant_add(&harness_fx, "other"), 0);
	cr_assert_eq(
	    harness_token_create(&harness_fx, "other", NULL, tok, sizeof(tok)),
	    0);
	new_cred(id, path, sizeof(path));
	each_route(tok, path, st);
	for (i = 0; i < NROUTES; i++)
		cr_expect_eq(st[i], 404, "route %d answered %d", i, st[i]);
	/* the credential is untouched */
	{
		struct harness_resp r;

		harness_get(&harness_fx, harness_fx.admin_token, path, &r);
		EXPECT_STATUS(&r, 200);
		cr_assert_str_eq(
		    harness_jstr(harness_json(&r), "meta.version"), "W/\"1\"");
		harness_resp_free(&r);
	}
}

ITEST(auth, other_tenant_404_is_indistinguishable_from_unknown_tenant)
{
	char tok[HARNESS_TOKEN_MAX];
	struct harness_resp a, b;

	cr_assert_eq(harness_tenant_add(&harness_fx, "other"), 0);
	cr_assert_eq(
	    harness_token_create(&harness_fx, "other", NULL, tok, sizeof(tok)),
	    0);
	harness_get(&harness_fx, tok, "/scim/demo/v2/Credential", &a);
	harness_get(&harness_fx, tok, "/scim/nosuch/v2/Credential", &b);
	EXPECT_ERROR(&a, 404, NULL);
	EXPECT_ERROR(&b, 404, NULL);
	cr_assert_str_eq(
	    a.body, b.body, "404 bodies differ, so tenants can be probed");
	harness_resp_free(&a);
	harness_resp_free(&b);
}

ITEST(auth, unknown_tenant_is_404)
{
	struct harness_resp r;

	harness_get(&harness_fx, harness_fx.admin_token,
	    "/scim/nosuch/v2/Credential", &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	harness_get(&harness_fx, NULL, "/scim/nosuch/v2/Credential", &r);
	cr_assert(r.status == 401 || r.status == 404,
	    "unknown tenant without a token: %d", r.status);
	harness_resp_free(&r);
}

ITEST(auth, invalid_tenant_names_in_the_path_are_rejected)
{
	static const char *paths[] = {
	    "/scim/DEMO/v2/Credential",
	    "/scim/de_mo/v2/Credential",
	    "/scim/a234567890123456789012345678901234567890123456789012345678901234/v2/Credential",
	    "/scim//v2/Credential",
	    "/scim/demo%2e/v2/Credential",
	};
	struct harness_resp r;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		harness_get(&harness_fx, harness_fx.admin_token, paths[i], &r);
		cr_expect(r.status == 400 || r.status == 404, "%s answered %d",
		    paths[i], r.status);
		EXPECT_REJECTED(&r, 0);
		harness_resp_free(&r);
	}
	EXPECT_ALIVE(&harness_fx);
}

ITEST(auth, unknown_routes_are_404_scim_errors)
{
	static const char *paths[] = {
	    "/",
	    "/scim",
	    "/scim/demo",
	    "/scim/demo/v2",
	    "/scim/demo/v1/Credential",
	    "/scim/demo/v2/Bulk",
	    "/scim/demo/v2/users",
	    "/scim/demo/v2/Credential/a/b",
	};
	struct harness_resp r;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		harness_get(&harness_fx, harness_fx.admin_token, paths[i], &r);
		cr_expect(r.status == 404 || r.status == 400, "%s answered %d",
		    paths[i], r.status);
		EXPECT_REJECTED(&r, 0);
		harness_resp_free(&r);
	}
}

ITEST(auth, unsupported_method_is_a_scim_error)
{
	struct harness_resp r;
	struct harness_req rq = {.method = "PATCH",
	    .path = "/scim/demo/v2/Credential",
	    .token = harness_fx.admin_token,
	    .body = "{}"};

	harness_send(&harness_fx, &rq, &r);
	cr_expect(r.status == 405 || r.status == 404 || r.status == 501,
	    "PATCH on the collection answered %d", r.status);
	EXPECT_REJECTED(&r, 0);
	harness_resp_free(&r);
	EXPECT_ALIVE(&harness_fx);
}

ITEST(auth, tenants_do_not_see_each_others_data)
{
	char tok[HARNESS_TOKEN_MAX], id[128], path[256];
	struct harness_resp r;
	int64_t n = -1;

	cr_assert_eq(harness_tenant_add(&harness_fx, "t2"), 0);
	cr_assert_eq(
	    harness_token_create(&harness_fx, "t2", NULL, tok, sizeof(tok)), 0);
	harness_create(&harness_fx, harness_fx.admin_token, "demo",
	    CRED("\"type\":\"CT_TEST\",\"externalId\":\"shared\""), id,
	    sizeof(id));
	/* the same id under t2 is not found */
	snprintf(path, sizeof(path), "/scim/t2/v2/Credential/%s", id);
	harness_get(&harness_fx, tok, path, &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	harness_delete(&harness_fx, tok, path, &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	/* not listed, not counted */
	harness_get(&harness_fx, tok, "/scim/t2/v2/Credential", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &n));
	cr_assert_eq(n, 0);
	harness_resp_free(&r);
	harness_get(&harness_fx, tok,
	    "/scim/t2/v2/Credential?filter=externalId%20eq%20%22shared%22", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &n));
	cr_assert_eq(n, 0);
	harness_resp_free(&r);
}
