/*
 * The PATCH request shapes real provisioning clients send (Entra ID,
 * Okta), replayed exactly through the SCIM layer, one test per bullet
 * of issue 4's list. They run against the fixture User and Group of
 * tests/data/schemas-patch (the RFC 7643 URNs), so they pin down the
 * engine and the operation whatever the real types add around them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"

#define USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"
#define GROUP_URN "urn:ietf:params:scim:schemas:core:2.0:Group"
#define ENT_URN "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define PATCHOP "urn:ietf:params:scim:api:messages:2.0:PatchOp"

static void
setup(void)
{
	ox_setup("schemas-patch");
}

TestSuite(interop, .init = setup, .fini = ox_teardown);

static const char *
create(const char *rtype, const char *body)
{
	struct ox_req r = {.rtype = rtype, .body = body};
	struct ox_resp p = ox_call(op_create, &r);

	cr_assert_eq(p.rc, 0, "create %s: %s", rtype, p.err.detail);
	return ox_str(p.json, "id");
}

static struct json_value *
patch_ok(const char *rtype, const char *id, const char *body)
{
	struct ox_req r = {.rtype = rtype, .id = id, .body = body};
	struct ox_resp p = ox_call(op_patch, &r);

	cr_assert_eq(p.rc, 0, "PATCH %s: %d %s", rtype, p.rc, p.err.detail);
	cr_assert_eq(p.status, 200);
	return p.json;
}

static struct json_value *
get(const char *rtype, const char *id)
{
	struct ox_req r = {.rtype = rtype, .id = id};
	struct ox_resp p = ox_call(op_get, &r);

	cr_assert_eq(p.rc, 0);
	return p.json;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The member values of a group, sorted (the order members come back in
 * is the server's), joined by ','. */
static const char *
members(const struct json_value *g)
{
	static char out[512];
	const struct json_value *m = json_object_get_cstr(g, "members");
	const char *v[8];
	size_t i, k = 0, n = 0;

	out[0] = '\0';
	for (i = 0; m != NULL && i < m->u.array.len && k < 8; i++)
		v[k++] = ox_str(m->u.array.items[i], "value");
	qsort(v, k, sizeof(v[0]), cmp_str);
	for (i = 0; i < k; i++)
		n += (size_t)snprintf(
		    out + n, sizeof(out) - n, "%s%s", i > 0 ? "," : "", v[i]);
	return out;
}

/* "a,b" for two ids, sorted like members(). */
static const char *
pair(const char *a, const char *b)
{
	static char out[256];

	if (strcmp(a, b) > 0)
		snprintf(out, sizeof(out), "%s,%s", b, a);
	else
		snprintf(out, sizeof(out), "%s,%s", a, b);
	return out;
}

static const char *
user(const char *name)
{
	char body[256];

	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" USER_URN "\"],\"userName\":\"%s\"}", name);
	return create("User", body);
}

/* Entra ID: "Replace", "Add", "Remove" with a capital letter. */
Test(interop, op_values_in_any_case)
{
	const char *id = create("User",
	    "{\"schemas\":[\"" USER_URN "\"],\"userName\":\"a@contoso.com\","
	    "\"nickName\":\"Al\"}");
	struct json_value *u;

	u = patch_ok("User", id,
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":["
	    "{\"op\":\"Replace\",\"path\":\"displayName\",\"value\":\"Al B\"},"
	    "{\"op\":\"Add\",\"path\":\"title\",\"value\":\"Engineer\"},"
	    "{\"op\":\"Remove\",\"path\":\"nickName\"}]}");
	cr_assert_str_eq(ox_str(u, "displayName"), "Al B");
	cr_assert_str_eq(ox_str(u, "title"), "Engineer");
	cr_assert_null(ox_str(u, "nickName"));
}

/* Entra ID: booleans as the strings "True" and "False". */
Test(interop, boolean_strings)
{
	const char *id = create("User",
	    "{\"schemas\":[\"" USER_URN "\"],\"userName\":\"b@contoso.com\","
	    "\"active\":true}");
	const struct json_value *v;

	patch_ok("User", id,
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[{\"op\":"
	    "\"Replace\",\"path\":\"active\",\"value\":\"False\"}]}");
	v = json_object_get_cstr(get("User", id), "active");
	cr_assert(v != NULL && v->type == JSON_BOOL && !v->u.boolean);
	patch_ok("User", id,
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[{\"op\":"
	    "\"Replace\",\"path\":\"active\",\"value\":\"True\"}]}");
	v = json_object_get_cstr(get("User", id), "active");
	cr_assert(v != NULL && v->type == JSON_BOOL && v->u.boolean);
}

/* Entra ID: a replace without a path whose value mixes plain, dotted
 * and URN-qualified keys; id and meta in it are ignored. */
Test(interop, no_path_replace_with_mixed_keys)
{
	const char *id = create("User",
	    "{\"schemas\":[\"" USER_URN "\"],\"userName\":\"c@contoso.com\","
	    "\"name\":{\"givenName\":\"C\",\"familyName\":\"D\"}}");
	struct json_value *u;
	char body[1024];

	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[{\"op\":"
	    "\"replace\",\"value\":{\"active\":false,\"displayName\":"
	    "\"Cee Dee\",\"name.givenName\":\"Cee\",\"" ENT_URN
	    ":employeeNumber\":\"1234\",\"id\":\"%s-other\",\"meta\":{"
	    "\"resourceType\":\"Group\",\"version\":\"W/\\\"99\\\"\"}}}]}",
	    id);
	u = patch_ok("User", id, body);
	cr_assert_str_eq(ox_str(u, "id"), id);
	cr_assert_str_eq(ox_str(u, "meta.resourceType"), "User");
	cr_assert_str_eq(ox_str(u, "meta.version"), "W/\"2\"");
	cr_assert_str_eq(ox_str(u, "displayName"), "Cee Dee");
	cr_assert_str_eq(ox_str(u, "name.givenName"), "Cee");
	cr_assert_str_eq(ox_str(u, "name.familyName"), "D");
	cr_assert_str_eq(
	    ox_str(json_object_get_cstr(u, ENT_URN), "employeeNumber"), "1234");
	cr_assert(strstr(ox_dump(json_object_get_cstr(u, "schemas")),
		      ENT_URN) != NULL);
}

/* Entra ID and Okta: replace or add emails[type eq "work"].value on a
 * user who has no work email creates it. */
Test(interop, filtered_value_creates_the_element)
{
	const char *id = user("d@contoso.com");
	const struct json_value *e;
	struct json_value *u;

	u = patch_ok("User", id,
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[{\"op\":"
	    "\"Add\",\"path\":\"emails[type eq \\\"work\\\"].value\","
	    "\"value\":\"d@contoso.com\"}]}");
	e = json_object_get_cstr(u, "emails");
	cr_assert_eq(e->u.array.len, 1);
	cr_assert_str_eq(ox_str(e->u.array.items[0], "type"), "work");
	cr_assert_str_eq(ox_str(e->u.array.items[0], "value"), "d@contoso.com");
	u = patch_ok("User", id,
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[{\"op\":"
	    "\"Replace\",\"path\":\"emails[type eq \\\"work\\\"].value\","
	    "\"value\":\"dd@contoso.com\"},{\"op\":\"replace\",\"path\":"
	    "\"emails[type eq \\\"home\\\"].value\",\"value\":"
	    "\"d@home.example\"}]}");
	e = json_object_get_cstr(u, "emails");
	cr_assert_eq(e->u.array.len, 2);
	cr_assert_str_eq(
	    ox_str(e->u.array.items[0], "value"), "dd@contoso.com");
	cr_assert_str_eq(ox_str(e->u.array.items[1], "type"), "home");
}

/* Entra ID removes members with a value array. */
Test(interop, remove_members_listed_in_value)
{
	const char *a = user("ma"), *b = user("mb"), *c = user("mc");
	char body[1024];
	const char *g;

	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" GROUP_URN "\"],\"displayName\":\"G1\","
	    "\"members\":[{\"value\":\"%s\"},{\"value\":\"%s\"},{\"value\":"
	    "\"%s\"}]}",
	    a, b, c);
	g = create("Group", body);
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[{\"op\":"
	    "\"Remove\",\"path\":\"members\",\"value\":[{\"value\":\"%s\"},"
	    "{\"value\":\"%s\"}]}]}",
	    a, c);
	patch_ok("Group", g, body);
	cr_assert_str_eq(members(get("Group", g)), b);
}

/* Okta removes one member with a filter and no value. */
Test(interop, remove_member_by_filter_without_value)
{
	const char *a = user("fa"), *b = user("fb");
	char body[1024], want[256];
	const char *g;

	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" GROUP_URN "\"],\"displayName\":\"G2\","
	    "\"members\":[{\"value\":\"%s\"},{\"value\":\"%s\"}]}",
	    a, b);
	g = create("Group", body);
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[{\"op\":"
	    "\"remove\",\"path\":\"members[value eq \\\"%s\\\"]\"}]}",
	    a);
	patch_ok("Group", g, body);
	snprintf(want, sizeof(want), "%s", b);
	cr_assert_str_eq(members(get("Group", g)), want);
}

/* Entra ID adds members with "$ref": null. */
Test(interop, add_members_with_null_ref)
{
	const char *a = user("ra"), *b = user("rb");
	char body[1024], want[256];
	const char *g = create("Group",
	    "{\"schemas\":[\"" GROUP_URN "\"],\"displayName\":\"G3\"}");

	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[{\"op\":\"Add\","
	    "\"path\":\"members\",\"value\":[{\"$ref\":null,\"value\":"
	    "\"%s\"},{\"$ref\":null,\"value\":\"%s\"}]}]}",
	    a, b);
	patch_ok("Group", g, body);
	snprintf(want, sizeof(want), "%s", pair(a, b));
	cr_assert_str_eq(members(get("Group", g)), want);
}

/* Entra ID sends the manager as a bare id. */
Test(interop, manager_as_a_bare_id)
{
	const char *boss = user("boss"), *id = user("worker");
	const struct json_value *ent;
	char body[512];

	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" PATCHOP "\"],\"Operations\":[{\"op\":\"Add\","
	    "\"path\":\"" ENT_URN ":manager\",\"value\":\"%s\"}]}",
	    boss);
	patch_ok("User", id, body);
	ent = json_object_get_cstr(get("User", id), ENT_URN);
	cr_assert_str_eq(ox_str(ent, "manager.value"), boss);
}
