/*
 * PATCH over HTTP (RFC 7644 §3.5.2) against the real daemon: Credential
 * PATCH with the status machine, atomicity of a multi-operation request
 * (HARDENING.md promise 2), If-Match (412), the error bodies of §3.12,
 * the 204 answer and the route's permission; then the provisioning
 * clients' request shapes (Entra ID, Okta) replayed exactly against
 * /Users and /Groups, one test per bullet of issue 4's list.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define BASE "/scim/demo/v2"
#define PATCHOP "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define MSG(ops) "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[" ops "]}"
#define USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"
#define GROUP_URN "urn:ietf:params:scim:schemas:core:2.0:Group"
#define ENT_URN "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define CTYPE_URN "urn:scimcred:params:scim:schemas:core:2.0:CredentialType"
#define CRED(fields) \
	"{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"type\":\"CT_PT\"" fields "}"

TestSuite(patch_http, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 60);
TestSuite(patch_interop, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 60);

static const char *
tok(void)
{
	return harness_fx.admin_token;
}

static void
send_patch(const char *path, const char *body, const char *headers,
    struct harness_resp *r)
{
	struct harness_req rq = {.method = "PATCH",
	    .path = path,
	    .token = tok(),
	    .body = body,
	    .headers = headers};

	harness_send(&harness_fx, &rq, r);
}

/* POSTs body to BASE/<coll>, asserts 201 and copies the id. */
static void
post_ok(const char *coll, const char *body, char *id, size_t idlen)
{
	struct harness_resp r;
	char path[128];

	snprintf(path, sizeof(path), BASE "/%s", coll);
	harness_post(&harness_fx, tok(), path, body, &r);
	EXPECT_STATUS(&r, 201);
	snprintf(id, idlen, "%s", harness_jstr(harness_json(&r), "id"));
	harness_resp_free(&r);
}

/* A credential type with free attributes N and RW, and a credential of
 * it; *path gets the credential's URL path. */
static void
make_cred(const char *fields, char *path, size_t pathlen)
{
	char id[128], body[512];

	post_ok("CredentialTypes",
	    "{\"schemas\":[\"" CTYPE_URN "\"],\"id\":\"CT_PT\",\"name\":"
	    "\"PATCH\",\"attributes\":[{\"name\":\"N\"},{\"name\":\"RW\"}]}",
	    id, sizeof(id));
	snprintf(body, sizeof(body), "%s", fields);
	post_ok("Credential", body, id, sizeof(id));
	snprintf(path, pathlen, BASE "/Credential/%s", id);
}

static void
get_ok(const char *path, struct harness_resp *r)
{
	harness_get(&harness_fx, tok(), path, r);
	EXPECT_STATUS(r, 200);
	cr_assert_not_null(harness_json(r));
}

/* --------------------------------------------------------- Credential */

ITEST(patch_http, credential_op_casing_and_etag)
{
	struct harness_resp r;
	char path[256];
	const char *etag;

	make_cred(
	    CRED(",\"status\":{\"status\":\"ACTIVE\"}"), path, sizeof(path));
	send_patch(path,
	    MSG("{\"op\":\"Replace\",\"path\":\"status.status\",\"value\":"
		"\"SUSPENDED\"}"),
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_str_eq(
	    harness_jstr(harness_json(&r), "status.status"), "SUSPENDED");
	etag = harness_header(&r, "ETag");
	cr_assert_not_null(etag);
	cr_assert_str_eq(etag, "W/\"2\"");
	cr_assert_str_eq(harness_jstr(harness_json(&r), "meta.version"), etag);
	harness_resp_free(&r);
	/* the status machine: SUSPENDED -> PENDING is not a move */
	send_patch(path,
	    MSG("{\"op\":\"replace\",\"path\":\"status.status\",\"value\":"
		"\"PENDING\"}"),
	    NULL, &r);
	EXPECT_ERROR(&r, 400, "mutability");
	harness_resp_free(&r);
}

ITEST(patch_http, a_failing_operation_changes_nothing)
{
	struct harness_resp r;
	char path[256], before[4096];

	make_cred(CRED(",\"externalId\":\"e1\",\"status\":{\"status\":"
		       "\"ACTIVE\"}"),
	    path, sizeof(path));
	get_ok(path, &r);
	snprintf(before, sizeof(before), "%s", r.body);
	harness_resp_free(&r);
	send_patch(path,
	    MSG("{\"op\":\"replace\",\"path\":\"externalId\",\"value\":\"e2\"},"
		"{\"op\":\"add\",\"path\":\"attributes\",\"value\":[{\"name\":"
		"\"N\",\"value\":\"v\"}]},"
		"{\"op\":\"replace\",\"path\":\"status.status\",\"value\":"
		"\"PENDING\"}"),
	    NULL, &r);
	EXPECT_ERROR(&r, 400, "mutability");
	harness_resp_free(&r);
	/* the same with a third operation the engine itself refuses: its
	 * detail names it */
	send_patch(path,
	    MSG("{\"op\":\"replace\",\"path\":\"externalId\",\"value\":\"e2\"},"
		"{\"op\":\"add\",\"path\":\"attributes\",\"value\":[{\"name\":"
		"\"N\",\"value\":\"v\"}]},"
		"{\"op\":\"replace\",\"path\":\"type\",\"value\":\"CT_X\"}"),
	    NULL, &r);
	EXPECT_ERROR(&r, 400, "mutability");
	cr_assert(
	    strstr(r.body, "Operations[2]: path 'type'") != NULL, "%s", r.body);
	harness_resp_free(&r);
	get_ok(path, &r);
	cr_assert_str_eq(r.body, before);
	cr_assert_str_eq(harness_header(&r, "ETag"), "W/\"1\"");
	harness_resp_free(&r);
}

ITEST(patch_http, if_match)
{
	struct harness_resp r;
	char path[256];
	const char *body = MSG("{\"op\":\"add\",\"path\":\"externalId\","
			       "\"value\":\"x\"}");

	make_cred(CRED(""), path, sizeof(path));
	send_patch(path, body, "If-Match: W/\"7\"\r\n", &r);
	EXPECT_ERROR(&r, 412, NULL);
	harness_resp_free(&r);
	send_patch(path, body, "If-Match: W/\"1\"\r\n", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_str_eq(harness_header(&r, "ETag"), "W/\"2\"");
	harness_resp_free(&r);
}

ITEST(patch_http, errors_carry_the_rfc_scim_types)
{
	static const struct {
		const char *body;
		const char *type;
	} cases[] = {
	    {MSG("{\"op\":\"move\",\"from\":\"externalId\",\"path\":\"x\"}"),
		"invalidSyntax"},
	    {"{\"Operations\":[]}", "invalidSyntax"},
	    {MSG("{\"op\":\"add\",\"path\":\"nosuch\",\"value\":1}"),
		"invalidPath"},
	    {MSG("{\"op\":\"remove\",\"path\":\"attributes[name eq \\\"zz\\\"]"
		 "\"}"),
		"noTarget"},
	    {MSG("{\"op\":\"remove\"}"), "noTarget"},
	    {MSG("{\"op\":\"remove\",\"path\":\"attributes[name zz 1]\"}"),
		"invalidFilter"},
	    {MSG("{\"op\":\"replace\",\"path\":\"status.startDate\","
		 "\"value\":\"soon\"}"),
		"invalidValue"},
	    {MSG("{\"op\":\"replace\",\"path\":\"meta.version\",\"value\":"
		 "\"x\"}"),
		"mutability"},
	};
	struct harness_resp r;
	char path[256];
	size_t i;

	make_cred(CRED(""), path, sizeof(path));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		send_patch(path, cases[i].body, NULL, &r);
		EXPECT_ERROR(&r, 400, cases[i].type);
		harness_resp_free(&r);
	}
	/* PATCH on the collection is still not a route */
	send_patch(BASE "/Credential", cases[0].body, NULL, &r);
	EXPECT_ERROR(&r, 405, NULL);
	harness_resp_free(&r);
	EXPECT_ALIVE(&harness_fx);
}

ITEST(patch_http, empty_attributes_gives_204)
{
	struct harness_resp r;
	char path[256], q[300];

	make_cred(CRED(""), path, sizeof(path));
	snprintf(q, sizeof(q), "%s?attributes=", path);
	send_patch(q,
	    MSG("{\"op\":\"add\",\"path\":\"externalId\",\"value\":\"x\"}"),
	    NULL, &r);
	cr_assert_eq(r.status, 204);
	cr_assert_eq(r.body_len, 0);
	cr_assert_str_eq(harness_header(&r, "ETag"), "W/\"2\"");
	harness_resp_free(&r);
}

ITEST(patch_http, needs_the_update_permission)
{
	static const char *const perms[] = {
	    "credentialsIssuance:read:credentials", NULL};
	char path[256], reader[HARNESS_TOKEN_MAX];
	struct harness_resp r;
	struct harness_req rq = {.method = "PATCH",
	    .body = MSG("{\"op\":\"add\",\"path\":\"externalId\",\"value\":"
			"\"x\"}")};

	make_cred(CRED(""), path, sizeof(path));
	cr_assert_eq(harness_token_create(
			 &harness_fx, "demo", perms, reader, sizeof(reader)),
	    0);
	rq.path = path;
	rq.token = reader;
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
}

/* ----------------------------------------------- interop: Users, Groups */

static void
patch_ok(const char *path, const char *body, struct harness_resp *r)
{
	send_patch(path, body, NULL, r);
	EXPECT_STATUS(r, 200);
	cr_assert_not_null(harness_json(r));
}

static void
make_user(const char *body, char *path, size_t pathlen)
{
	char id[128];

	post_ok("Users", body, id, sizeof(id));
	snprintf(path, pathlen, BASE "/Users/%s", id);
}

static const char *
last_seg(const char *path)
{
	return strrchr(path, '/') + 1;
}

/* Entra ID: "Replace", "Add", "Remove". */
ITEST(patch_interop, op_values_in_any_case)
{
	struct harness_resp r;
	char u[256];

	make_user("{\"schemas\":[\"" USER_URN "\"],\"userName\":"
		  "\"a@contoso.com\",\"nickName\":\"Al\"}",
	    u, sizeof(u));
	patch_ok(u,
	    MSG("{\"op\":\"Replace\",\"path\":\"displayName\",\"value\":"
		"\"Al B\"},{\"op\":\"Add\",\"path\":\"title\",\"value\":"
		"\"Engineer\"},{\"op\":\"Remove\",\"path\":\"nickName\"}"),
	    &r);
	cr_assert_str_eq(harness_jstr(harness_json(&r), "displayName"), "Al B");
	cr_assert_str_eq(harness_jstr(harness_json(&r), "title"), "Engineer");
	cr_assert_null(harness_jstr(harness_json(&r), "nickName"));
	harness_resp_free(&r);
}

/* Entra ID: "True"/"False" for booleans. */
ITEST(patch_interop, boolean_strings)
{
	struct harness_resp r;
	char u[256];

	make_user("{\"schemas\":[\"" USER_URN "\"],\"userName\":"
		  "\"b@contoso.com\",\"active\":true}",
	    u, sizeof(u));
	patch_ok(u,
	    MSG("{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}"),
	    &r);
	cr_assert_eq(harness_jbool(harness_json(&r), "active"), 0);
	harness_resp_free(&r);
}

/* Entra ID: no-path replace with plain, dotted and URN-qualified keys;
 * id and meta in the value are ignored. */
ITEST(patch_interop, no_path_replace_with_mixed_keys)
{
	struct harness_resp r;
	char u[256], body[1024];
	const struct json_value *j;

	make_user("{\"schemas\":[\"" USER_URN "\"],\"userName\":"
		  "\"c@contoso.com\",\"name\":{\"givenName\":\"C\","
		  "\"familyName\":\"D\"}}",
	    u, sizeof(u));
	snprintf(body, sizeof(body),
	    MSG("{\"op\":\"replace\",\"value\":{\"active\":false,"
		"\"displayName\":\"Cee Dee\",\"name.givenName\":\"Cee\",\"" ENT_URN
		":employeeNumber\":\"1234\",\"id\":\"not-%s\",\"meta\":{"
		"\"version\":\"W/\\\"42\\\"\"}}}"),
	    last_seg(u));
	patch_ok(u, body, &r);
	j = harness_json(&r);
	cr_assert_str_eq(harness_jstr(j, "id"), last_seg(u));
	cr_assert_str_eq(harness_jstr(j, "meta.version"), "W/\"2\"");
	cr_assert_str_eq(harness_jstr(j, "name.givenName"), "Cee");
	cr_assert_str_eq(harness_jstr(j, "name.familyName"), "D");
	cr_assert_str_eq(harness_jstr(j, "displayName"), "Cee Dee");
	cr_assert_str_eq(
	    harness_jstr(json_object_get_cstr(j, ENT_URN), "employeeNumber"),
	    "1234");
	harness_resp_free(&r);
}

/* Entra ID / Okta: emails[type eq "work"].value creates the email. */
ITEST(patch_interop, filtered_value_creates_the_element)
{
	struct harness_resp r;
	char u[256];
	const struct json_value *j;

	make_user("{\"schemas\":[\"" USER_URN "\"],\"userName\":"
		  "\"d@contoso.com\"}",
	    u, sizeof(u));
	patch_ok(u,
	    MSG("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"]"
		".value\",\"value\":\"d@contoso.com\"}"),
	    &r);
	j = harness_json(&r);
	cr_assert_eq(harness_jlen(j, "emails"), 1);
	cr_assert_str_eq(harness_jstr(j, "emails.0.type"), "work");
	cr_assert_str_eq(harness_jstr(j, "emails.0.value"), "d@contoso.com");
	harness_resp_free(&r);
	patch_ok(u,
	    MSG("{\"op\":\"Add\",\"path\":\"emails[type eq \\\"home\\\"]"
		".value\",\"value\":\"d@home.example\"}"),
	    &r);
	cr_assert_eq(harness_jlen(harness_json(&r), "emails"), 2);
	harness_resp_free(&r);
}

/* A group with the given members (ids), into gpath. */
static void
make_group(
    const char *name, const char *const *ids, size_t n, char *gpath, size_t len)
{
	char body[2048], id[128];
	size_t i, o;

	o = (size_t)snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" GROUP_URN "\"],\"displayName\":\"%s\","
	    "\"members\":[",
	    name);
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(body + o, sizeof(body) - o,
		    "%s{\"value\":\"%s\"}", i > 0 ? "," : "", ids[i]);
	snprintf(body + o, sizeof(body) - o, "]}");
	post_ok("Groups", body, id, sizeof(id));
	snprintf(gpath, len, BASE "/Groups/%s", id);
}

static void
make_users(char ids[][128], size_t n)
{
	char body[256];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"" USER_URN "\"],\"userName\":\"m%zu\"}",
		    i);
		post_ok("Users", body, ids[i], sizeof(ids[i]));
	}
}

/* 1 if the group at path has exactly the members want (any order). */
static int
has_members(const char *path, const char *const *want, size_t n)
{
	struct harness_resp r;
	const struct json_value *m;
	size_t i, k, hits = 0;
	int ok;

	get_ok(path, &r);
	m = harness_jpath(harness_json(&r), "members");
	ok = (m == NULL ? 0 : m->u.array.len) == n;
	for (i = 0; ok && i < n; i++)
		for (k = 0; k < m->u.array.len; k++)
			if (strcmp(harness_jstr(m->u.array.items[k], "value"),
				want[i]) == 0)
				hits++;
	harness_resp_free(&r);
	return ok && hits == n;
}

/* Entra ID: remove with a value array removes just those members. */
ITEST(patch_interop, remove_members_listed_in_value)
{
	char ids[3][128], g[256], body[1024];
	const char *all[3] = {ids[0], ids[1], ids[2]};
	struct harness_resp r;

	make_users(ids, 3);
	make_group("G1", all, 3, g, sizeof(g));
	snprintf(body, sizeof(body),
	    MSG("{\"op\":\"Remove\",\"path\":\"members\",\"value\":[{"
		"\"value\":\"%s\"},{\"value\":\"%s\"}]}"),
	    ids[0], ids[2]);
	patch_ok(g, body, &r);
	harness_resp_free(&r);
	cr_assert(has_members(g, &all[1], 1));
}

/* Okta: remove with a members[value eq "..."] path and no value. */
ITEST(patch_interop, remove_member_by_filter_without_value)
{
	char ids[2][128], g[256], body[1024];
	const char *all[2] = {ids[0], ids[1]};
	struct harness_resp r;

	make_users(ids, 2);
	make_group("G2", all, 2, g, sizeof(g));
	snprintf(body, sizeof(body),
	    MSG("{\"op\":\"remove\",\"path\":\"members[value eq \\\"%s\\\"]\"}"),
	    ids[1]);
	patch_ok(g, body, &r);
	harness_resp_free(&r);
	cr_assert(has_members(g, all, 1));
}

/* Entra ID: add members whose $ref is null. */
ITEST(patch_interop, add_members_with_null_ref)
{
	char ids[2][128], g[256], body[1024];
	const char *all[2] = {ids[0], ids[1]};
	struct harness_resp r;

	make_users(ids, 2);
	make_group("G3", all, 0, g, sizeof(g));
	snprintf(body, sizeof(body),
	    MSG("{\"op\":\"Add\",\"path\":\"members\",\"value\":[{\"$ref\":"
		"null,\"value\":\"%s\"},{\"$ref\":null,\"value\":\"%s\"}]}"),
	    ids[0], ids[1]);
	patch_ok(g, body, &r);
	harness_resp_free(&r);
	cr_assert(has_members(g, all, 2));
}

/* Entra ID: the manager as a bare id. */
ITEST(patch_interop, manager_as_a_bare_id)
{
	char ids[1][128], u[256], body[512];
	struct harness_resp r;
	const struct json_value *ent;

	make_users(ids, 1);
	make_user("{\"schemas\":[\"" USER_URN "\"],\"userName\":"
		  "\"worker@contoso.com\"}",
	    u, sizeof(u));
	snprintf(body, sizeof(body),
	    MSG("{\"op\":\"Add\",\"path\":\"" ENT_URN ":manager\",\"value\":"
		"\"%s\"}"),
	    ids[0]);
	patch_ok(u, body, &r);
	ent = json_object_get_cstr(harness_json(&r), ENT_URN);
	cr_assert_str_eq(harness_jstr(ent, "manager.value"), ids[0]);
	harness_resp_free(&r);
}
