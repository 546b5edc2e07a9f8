/*
 * The tenant and permission matrix over HTTP (issue 6; HARDENING.md
 * promises 4, 5 and 6), walking the real route table: every route with
 * no token is 401, with a token lacking its permission 403, with another
 * tenant's token 404, and with a self-admin token either served (its
 * own routes, scoped to its own credentials) or 403. Then self-admin
 * scoping and the audit trail end to end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/perm.h"
#include "harness.h"
#include "http/route.h"

#define CRED(fields) "{\"schemas\":[\"" HARNESS_CRED_URN "\"]," fields "}"
#define PATCH_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define PATCH(path, value) \
	"{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":" \
	"\"replace\",\"path\":\"" path "\",\"value\":" value "}]}"
#define BASE "/scim/demo/v2/"

static char other_tok[HARNESS_TOKEN_MAX]; /* tenant "other", everything */
static char self_tok[HARNESS_TOKEN_MAX]; /* selfAdmin for user `me` */
static char me[128], you[128], mine[128], yours[128];

static void
cli_token(const char *const *args, char *out)
{
	cr_assert_eq(harness_cli(&harness_fx, args, out, HARNESS_TOKEN_MAX), 0,
	    "token create failed");
	cr_assert(strncmp(out, "scimcred_", 9) == 0, "no token: %s", out);
}

static void
setup(void)
{
	static const char *const other[] = {
	    "token", "create", "--tenant", "other", NULL};
	const char *self[] = {"token", "create", "--tenant", "demo", "--role",
	    "selfAdmin", "--subject", me, NULL};
	char body[256];

	harness_fx_setup();
	cr_assert_eq(harness_tenant_add(&harness_fx, "other"), 0);
	cli_token(other, other_tok);
	harness_ctype(
	    &harness_fx, harness_fx.admin_token, "demo", "CT_TEST", NULL, NULL);
	harness_user(&harness_fx, harness_fx.admin_token, "demo", "me", NULL,
	    me, sizeof(me));
	harness_user(&harness_fx, harness_fx.admin_token, "demo", "you", NULL,
	    you, sizeof(you));
	snprintf(body, sizeof(body),
	    CRED("\"type\":\"CT_TEST\",\"owner\":{\"value\":\"%s\"},"
		 "\"status\":{\"status\":\"ACTIVE\"}"),
	    me);
	harness_create(&harness_fx, harness_fx.admin_token, "demo", body, mine,
	    sizeof(mine));
	snprintf(body, sizeof(body),
	    CRED("\"type\":\"CT_TEST\",\"owner\":{\"value\":\"%s\"}"), you);
	harness_create(&harness_fx, harness_fx.admin_token, "demo", body, yours,
	    sizeof(yours));
	cli_token(self, self_tok);
}

TestSuite(access, .init = setup, .fini = harness_fx_teardown, .timeout = 120);

static const char *
method_of(enum scim_method m)
{
	return route_method_name(m);
}

/* A concrete path for a route pattern in tenant: {id} becomes an id the
 * route's type can hold (ours where one exists). */
static void
route_path(const struct route *r, const char *tenant, char *out, size_t n)
{
	const char *id = "no-such-id", *brace = strstr(r->pattern, "{id}");

	if (strcmp(r->rtype, "Credential") == 0)
		id = mine;
	else if (strcmp(r->rtype, "User") == 0)
		id = me;
	else if (strcmp(r->rtype, "ResourceTypes") == 0)
		id = "User";
	else if (strcmp(r->rtype, "Schemas") == 0)
		id = HARNESS_USER_URN;
	if (brace == NULL)
		snprintf(out, n, "/scim/%s/v2/%s", tenant, r->pattern);
	else
		snprintf(out, n, "/scim/%s/v2/%.*s%s%s", tenant,
		    (int)(brace - r->pattern), r->pattern, id, brace + 4);
}

/* The body a route's method gets: enough to pass the gate. */
static const char *
route_body(const struct route *r)
{
	if (r->method == SCIM_PATCH)
		return PATCH("status.status", "\"SUSPENDED\"");
	if (strstr(r->pattern, ".search") != NULL)
		return "{\"schemas\":[\"" HARNESS_SEARCH_URN "\"]}";
	if (r->method == SCIM_POST || r->method == SCIM_PUT)
		return CRED("\"type\":\"CT_TEST\"");
	return NULL;
}

static int
send_route(const struct route *r, const char *tenant, const char *token,
    struct harness_resp *resp)
{
	char path[512];
	struct harness_req rq = {.method = method_of(r->method),
	    .path = path,
	    .token = token,
	    .body = route_body(r)};

	route_path(r, tenant, path, sizeof(path));
	return harness_send(&harness_fx, &rq, resp);
}

/* A token of tenant demo that holds one permission other than p. */
static const char *
token_without(enum perm p, char (*cache)[HARNESS_TOKEN_MAX])
{
	enum perm q =
	    p == PERM_SCHEMA_READ ? PERM_AUDIT_READ : PERM_SCHEMA_READ;
	const char *perms[] = {perm_name(q), NULL};

	if (cache[q][0] == '\0')
		cr_assert_eq(harness_token_create(&harness_fx, "demo", perms,
				 cache[q], HARNESS_TOKEN_MAX),
		    0);
	return cache[q];
}

ITEST(access, every_route_no_token_is_401)
{
	struct harness_resp r;
	size_t n, i;
	const struct route *t = route_table(&n);

	for (i = 0; i < n; i++) {
		send_route(&t[i], "demo", NULL, &r);
		cr_expect_eq(r.status, 401, "%s %s: %d", method_of(t[i].method),
		    t[i].pattern, r.status);
		harness_resp_free(&r);
	}
}

ITEST(access, every_route_without_its_permission_is_403)
{
	static char cache[PERM_COUNT][HARNESS_TOKEN_MAX];
	struct harness_resp r;
	size_t n, i;
	const struct route *t = route_table(&n);

	memset(cache, 0, sizeof(cache));
	for (i = 0; i < n; i++) {
		char want[192];

		send_route(
		    &t[i], "demo", token_without(t[i].need.perm, cache), &r);
		EXPECT_ERROR(&r, 403, NULL);
		/* RFC 6750 §3.1, naming the permission the route needs */
		snprintf(want, sizeof(want),
		    "Bearer realm=\"scimcred\", error=\"insufficient_scope\", "
		    "scope=\"%s\"",
		    perm_name(t[i].need.perm));
		cr_expect_str_eq(harness_header(&r, "WWW-Authenticate") != NULL
			? harness_header(&r, "WWW-Authenticate")
			: "(none)",
		    want, "%s %s", route_method_name(t[i].method),
		    t[i].pattern);
		harness_resp_free(&r);
	}
}

ITEST(access, every_route_with_another_tenants_token_is_404)
{
	struct harness_resp r;
	size_t n, i;
	const struct route *t = route_table(&n);

	for (i = 0; i < n; i++) {
		send_route(&t[i], "demo", other_tok, &r);
		cr_expect_eq(r.status, 404, "%s %s: %d", method_of(t[i].method),
		    t[i].pattern, r.status);
		/* the error never names the other tenant's data */
		cr_expect_null(r.body != NULL ? strstr(r.body, mine) : NULL);
		harness_resp_free(&r);
	}
}

/* The routes a self-admin token is served on. */
static int
self_route(const struct route *r)
{
	if (strcmp(r->pattern, "Me") == 0)
		return r->method == SCIM_GET;
	return strcmp(r->rtype, "Credential") == 0 &&
	    r->method != SCIM_DELETE &&
	    !(r->method == SCIM_POST && strcmp(r->pattern, "Credential") == 0);
}

ITEST(access, every_route_with_a_self_admin_token)
{
	struct harness_resp r;
	size_t n, i;
	const struct route *t = route_table(&n);

	for (i = 0; i < n; i++) {
		send_route(&t[i], "demo", self_tok, &r);
		if (self_route(&t[i]))
			cr_expect(r.status >= 200 && r.status < 300,
			    "%s %s: %d %s", method_of(t[i].method),
			    t[i].pattern, r.status, r.body ? r.body : "");
		else
			cr_expect_eq(r.status, 403, "%s %s: %d",
			    method_of(t[i].method), t[i].pattern, r.status);
		harness_resp_free(&r);
	}
}

ITEST(access, self_admin_sees_only_its_own)
{
	struct harness_resp r;
	char path[256];
	int64_t total = -1;

	harness_get(&harness_fx, self_tok, BASE "Credential", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &total));
	cr_expect_eq(total, 1);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "Resources.0.id"), mine);
	harness_resp_free(&r);

	snprintf(path, sizeof(path), BASE "Credential/%s", yours);
	harness_get(&harness_fx, self_tok, path, &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	harness_delete(&harness_fx, self_tok, path, &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	snprintf(path, sizeof(path), BASE "Users/%s", me);
	harness_get(&harness_fx, self_tok, path, &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);

	harness_get(&harness_fx, self_tok, BASE "Me", &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(harness_jstr(harness_json(&r), "id"), me);
	cr_assert_not_null(harness_header(&r, "Location"));
	cr_expect(strstr(harness_header(&r, "Location"), path) != NULL);
	harness_resp_free(&r);
	/* an administrator token has no subject: /Me names nothing */
	harness_get(&harness_fx, harness_fx.admin_token, BASE "Me", &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(access, self_admin_changes_status_but_not_validity)
{
	struct harness_req rq = {.method = "PATCH", .token = self_tok};
	struct harness_resp r;
	char path[256];

	snprintf(path, sizeof(path), BASE "Credential/%s", mine);
	rq.path = path;
	rq.body = PATCH("status.expiryDate", "\"2031-01-01T00:00:00Z\"");
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 400, "invalidValue");
	cr_expect_not_null(strstr(r.body, "validity"));
	harness_resp_free(&r);
	rq.body = PATCH("externalId", "\"x\"");
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	rq.body = PATCH("status.status", "\"SUSPENDED\"");
	harness_send(&harness_fx, &rq, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "status.status"), "SUSPENDED");
	harness_resp_free(&r);
}

/* totalResults of GET /AuditRecords?filter=<filter> as the admin. */
static int64_t
audit_count(const char *filter)
{
	struct harness_resp r;
	char path[1024], *enc = harness_urlencode(filter);
	int64_t total = -1;

	snprintf(path, sizeof(path), BASE "AuditRecords?filter=%s", enc);
	free(enc);
	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &total));
	harness_resp_free(&r);
	return total;
}

ITEST(access, writes_leave_an_audit_trail)
{
	char filter[256], path[256];
	struct harness_resp r;
	const char *perms[] = {"scimcred:read:auditRecords", NULL};
	char tok[HARNESS_TOKEN_MAX];
	struct harness_req rq = {.method = "PATCH",
	    .path = path,
	    .token = self_tok,
	    .body = PATCH("status.status", "\"SUSPENDED\"")};

	snprintf(path, sizeof(path), BASE "Credential/%s", mine);
	harness_send(&harness_fx, &rq, &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);

	snprintf(filter, sizeof(filter),
	    "resource.value eq \"%s\" and action eq \"create\" and "
	    "permission eq \"credentialsIssuance:create:credentials\" and "
	    "actor.type eq \"token\"",
	    mine);
	cr_expect_eq(audit_count(filter), 1);
	/* the token and tenant administration of the command line */
	cr_expect_geq(audit_count("resource.type eq \"Token\" and "
				  "actor.value eq \"cli\""),
	    2);
	cr_expect_eq(audit_count("resource.type eq \"Tenant\""), 1);
	/* the self-admin status change names its subject */
	snprintf(filter, sizeof(filter), "actor.subject eq \"%s\"", me);
	cr_expect_eq(audit_count(filter), 1);
	/* read-only: no write method on the trail */
	harness_post(
	    &harness_fx, harness_fx.admin_token, BASE "AuditRecords", "{}", &r);
	EXPECT_ERROR(&r, 405, NULL);
	harness_resp_free(&r);
	/* a token with only the audit permission reads it, nothing else */
	cr_assert_eq(
	    harness_token_create(&harness_fx, "demo", perms, tok, sizeof(tok)),
	    0);
	harness_get(&harness_fx, tok, BASE "AuditRecords", &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	harness_get(&harness_fx, tok, BASE "Credential", &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
}

ITEST(access, audit_retention_is_validated)
{
	static const char *const bad[] = {
	    "serve", "--audit-retention", "0", NULL};

	cr_expect_eq(harness_cli(&harness_fx, bad, NULL, 0), 2);
}
