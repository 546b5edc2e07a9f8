/*
 * Groups through the SCIM layer (scim/group.c): members that must exist,
 * server-filled type, display and $ref, nesting and the cycle rule, the
 * computed `groups` of Users (direct and indirect, RFC 7643 §4.1.2),
 * cascades of a delete, and the storage design: memberships are edges,
 * so the Group's record does not grow with its members.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "dir_fixture.h"

TestSuite(group, .init = ox_setup_real, .fini = ox_teardown);

#define PATCH(ops) \
	"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]," \
	"\"Operations\":[" ops "]}"

static const char *
members1(const char *id)
{
	return arena_printf(ox_arena(), "[{\"value\":\"%s\"}]", id);
}

Test(group, members_are_filled_by_the_server)
{
	const char *u = dx_user("ann"), *v = dx_user("ben"), *g;
	const struct json_value *m;
	struct ox_resp p;

	p = dx_call(op_create, "Group", NULL, NULL,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"Staff\","
		"\"members\":[{\"value\":\"%s\",\"display\":\"ignored\"},"
		"{\"value\":\"%s\",\"type\":\"user\",\"$ref\":null},"
		"{\"value\":\"%s\"}]}",
		u, v, u));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	g = ox_str(p.json, "id");
	cr_expect_eq(dx_len(p.json, "members"), 2, "a repeated member once");
	m = dx_elem(p.json, "members", "value", u);
	cr_assert_not_null(m);
	cr_expect_str_eq(ox_str(m, "type"), "User");
	cr_expect_str_eq(ox_str(m, "display"), "ann");
	cr_expect_str_eq(ox_str(m, "$ref"),
	    arena_printf(ox_arena(), OX_BASE "/scim/t1/v2/Users/%s", u));
	p = dx_get("User", v, NULL);
	m = dx_elem(p.json, "groups", "value", g);
	cr_assert_not_null(m, "%s", ox_dump(p.json));
	cr_expect_str_eq(ox_str(m, "type"), "direct");
	cr_expect_str_eq(ox_str(m, "display"), "Staff");
	cr_expect_str_eq(ox_str(m, "$ref"),
	    arena_printf(ox_arena(), OX_BASE "/scim/t1/v2/Groups/%s", g));
}

Test(group, members_must_name_users_or_groups_of_the_tenant)
{
	const char *u = dx_user("cat"), *other;
	struct ox_resp p;

	p = dx_call(op_create, "Group", NULL, NULL,
	    "{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"X\","
	    "\"members\":[{\"value\":\"0000-missing\"}]}");
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect_not_null(
	    strstr(p.err.detail, "0000-missing"), "%s", p.err.detail);
	p = dx_call(op_create, "Group", NULL, NULL,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"X\","
		"\"members\":[{\"value\":\"%s\",\"type\":\"Group\"}]}",
		u));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "a User is not a Group");
	cr_expect_not_null(
	    strstr(p.err.detail, "is a User"), "%s", p.err.detail);
	p = dx_call(op_create, "Group", NULL, NULL,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"X\","
		"\"members\":[{\"value\":\"%s\",\"type\":\"Robot\"}]}",
		u));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "type is User or Group");
	other = ox_str(dx_call_t(op_create, "t2", "User", NULL, NULL,
			   "{\"schemas\":[\"" DX_USER_URN "\"],"
			   "\"userName\":\"cat\"}")
			   .json,
	    "id");
	p = dx_call(op_create, "Group", NULL, NULL,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"X\","
		"\"members\":[{\"value\":\"%s\"}]}",
		other));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "another tenant's User");
	p = dx_call(op_create, "Group", NULL, NULL,
	    "{\"schemas\":[\"" DX_GROUP_URN "\"]}");
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "displayName is required");
	/* Nothing was written by the failures. */
	p = dx_call(op_list, "Group", NULL, NULL, NULL);
	cr_expect_eq(ox_nres(p.json), 0);
	cr_expect_eq(dx_edges("memberOf", u), 0);
}

/* RFC 7643 §4.1.2: a User in B, B in A: groups B direct, A indirect. */
Test(group, nested_groups_give_indirect_memberships)
{
	const char *u = dx_user("dan");
	const char *b = dx_group("B", members1(u));
	const char *a = dx_group("A", members1(b));
	const char *top = dx_group("Top", members1(a));
	const struct json_value *m;
	struct ox_resp p = dx_get("User", u, NULL);

	cr_expect_eq(dx_len(p.json, "groups"), 3, "%s", ox_dump(p.json));
	cr_expect_str_eq(
	    ox_str(dx_elem(p.json, "groups", "value", b), "type"), "direct");
	m = dx_elem(p.json, "groups", "value", a);
	cr_assert_not_null(m);
	cr_expect_str_eq(ox_str(m, "type"), "indirect");
	cr_expect_str_eq(ox_str(m, "display"), "A");
	cr_expect_str_eq(
	    ox_str(dx_elem(p.json, "groups", "value", top), "type"),
	    "indirect");
	p = dx_get("Group", a, NULL);
	m = dx_elem(p.json, "members", "value", b);
	cr_assert_not_null(m);
	cr_expect_str_eq(ox_str(m, "type"), "Group");
	cr_expect_str_eq(ox_str(m, "display"), "B");
	/* Direct and through nesting at once: shown once, as direct. */
	p = dx_call(op_replace, "Group", top, NULL,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"Top\","
		"\"members\":[{\"value\":\"%s\"},{\"value\":\"%s\"}]}",
		a, u));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = dx_get("User", u, NULL);
	cr_expect_eq(dx_len(p.json, "groups"), 3);
	cr_expect_str_eq(
	    ox_str(dx_elem(p.json, "groups", "value", top), "type"), "direct");
}

/* Decision: nesting may not form a cycle (400); reads are cycle-safe. */
Test(group, cycles_are_refused)
{
	const char *a = dx_group("A", NULL);
	const char *b = dx_group("B", members1(a));
	const char *c = dx_group("C", members1(b));
	struct ox_resp p;

	p = dx_call(op_replace, "Group", a, NULL,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"A\","
		"\"members\":[{\"value\":\"%s\"}]}",
		c));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect_not_null(strstr(p.err.detail, "cycle"), "%s", p.err.detail);
	p = dx_call(op_replace, "Group", a, NULL,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"A\","
		"\"members\":[{\"value\":\"%s\"}]}",
		a));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "itself");
	p = dx_call(op_patch, "Group", b, NULL,
	    arena_printf(ox_arena(),
		PATCH("{\"op\":\"add\",\"path\":\"members\","
		      "\"value\":[{\"value\":\"%s\"}]}"),
		c));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "through PATCH too");
	cr_expect_eq(dx_edges("member", a), 0, "nothing was written");
	cr_expect_eq(dx_edges("member", b), 1);
}

/* PUT replaces the member list; the Users' groups follow. */
Test(group, put_replaces_members)
{
	const char *u = dx_user("eve"), *v = dx_user("fox");
	const char *g = dx_group("G", members1(u));
	struct ox_resp p;

	p = dx_call(op_replace, "Group", g, NULL,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"G2\","
		"\"members\":[{\"value\":\"%s\"}]}",
		v));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(dx_len(p.json, "members"), 1);
	cr_expect_not_null(dx_elem(p.json, "members", "value", v));
	cr_expect_eq(dx_len(dx_get("User", u, NULL).json, "groups"), 0);
	cr_expect_str_eq(
	    ox_str(dx_elem(dx_get("User", v, NULL).json, "groups", "value", g),
		"display"),
	    "G2");
	p = dx_call(op_replace, "Group", g, NULL,
	    "{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"G2\"}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(json_object_get_cstr(p.json, "members"));
	cr_expect_eq(dx_edges("memberOf", v), 0);
}

/* Okta and Entra ID PATCH shapes for members (RFC 7644 §3.5.2). */
Test(group, patch_adds_and_removes_members)
{
	const char *u = dx_user("gus"), *v = dx_user("hil"),
		   *w = dx_user("ike");
	const char *g = dx_group("G", members1(u));
	struct ox_resp p;

	p = dx_call(op_patch, "Group", g, "excludedAttributes=members",
	    arena_printf(ox_arena(),
		PATCH("{\"op\":\"Add\",\"path\":\"members\",\"value\":["
		      "{\"value\":\"%s\",\"$ref\":null},{\"value\":\"%s\"}]}"),
		v, w));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(json_object_get_cstr(p.json, "members"),
	    "excludedAttributes=members is honoured");
	cr_expect_eq(dx_edges("member", g), 3);
	p = dx_call(op_patch, "Group", g, NULL,
	    arena_printf(ox_arena(),
		PATCH("{\"op\":\"Remove\",\"path\":\"members\",\"value\":["
		      "{\"value\":\"%s\"}]}"),
		u));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(dx_len(p.json, "members"), 2);
	p = dx_call(op_patch, "Group", g, NULL,
	    arena_printf(ox_arena(),
		PATCH("{\"op\":\"remove\","
		      "\"path\":\"members[value eq \\\"%s\\\"]\"}"),
		v));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(dx_len(p.json, "members"), 1);
	cr_expect_not_null(dx_elem(p.json, "members", "value", w));
	cr_expect_eq(dx_len(dx_get("User", v, NULL).json, "groups"), 0);
	cr_expect_eq(dx_len(dx_get("User", w, NULL).json, "groups"), 1);
}

/* Deleting a Group removes its memberships both ways; Groups that held
 * it get a new version. */
Test(group, delete_removes_memberships)
{
	const char *u = dx_user("jon");
	const char *b = dx_group("B", members1(u));
	const char *a = dx_group("A", members1(b));
	char before[72];
	struct ox_resp p;

	snprintf(before, sizeof(before), "%s", dx_get("Group", a, NULL).etag);
	p = dx_call(op_delete, "Group", b, NULL, NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = dx_get("User", u, NULL);
	cr_expect_null(
	    json_object_get_cstr(p.json, "groups"), "%s", ox_dump(p.json));
	p = dx_get("Group", a, NULL);
	cr_expect_null(json_object_get_cstr(p.json, "members"));
	cr_expect_str_neq(p.etag, before);
	cr_expect_eq(dx_edges("memberOf", u), 0);
	cr_expect_eq(dx_edges("member", b), 0);
	cr_expect_eq(dx_edges("memberOf", b), 0);
	cr_expect_eq(dx_get("User", u, NULL).rc, 0, "the member stays");
}

Test(group, rename_shows_in_users_and_parent_groups)
{
	const char *u = dx_user("kay");
	const char *b = dx_group("Before", members1(u));
	const char *a = dx_group("Parent", members1(b));
	struct ox_resp p;

	p = dx_call(op_patch, "Group", b, NULL,
	    PATCH(
		"{\"op\":\"replace\",\"value\":{\"displayName\":\"After\"}}"));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "displayName"), "After");
	cr_expect_eq(dx_len(p.json, "members"), 1, "members survive a PATCH");
	p = dx_get("Group", a, NULL);
	cr_expect_str_eq(
	    ox_str(dx_elem(p.json, "members", "value", b), "display"), "After");
	p = dx_get("User", u, NULL);
	cr_expect_str_eq(
	    ox_str(dx_elem(p.json, "groups", "value", b), "display"), "After");
}

/* Entra ID: GET /Groups?excludedAttributes=members&filter=displayName
 * eq "..."; Okta adds its own URN to POST /Groups. */
Test(group, list_filters_and_projection)
{
	const char *u = dx_user("lou");
	const char *g = dx_group("Engineering", members1(u));
	struct ox_resp p;

	dx_group("Sales", NULL);
	p = dx_call(op_list, "Group", NULL,
	    "excludedAttributes=members&filter=displayName eq "
	    "\"engineering\"",
	    NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_assert_eq(ox_nres(p.json), 1);
	cr_expect_str_eq(ox_res_str(p.json, 0, "id"), g);
	cr_expect_eq(
	    dx_len(json_object_get_cstr(p.json, "Resources")->u.array.items[0],
		"members"),
	    0);
	p = dx_call(op_list, "Group", NULL,
	    arena_printf(ox_arena(), "filter=members.value eq \"%s\"", u),
	    NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_assert_eq(ox_nres(p.json), 1, "a filter may name members");
	cr_expect_eq(
	    dx_len(json_object_get_cstr(p.json, "Resources")->u.array.items[0],
		"members"),
	    1);
	p = dx_get("Group", g, "excludedAttributes=members");
	cr_expect_null(json_object_get_cstr(p.json, "members"));
	cr_expect_str_eq(ox_str(p.json, "displayName"), "Engineering");
	p = dx_call(op_list, "User", NULL,
	    "filter=groups.display eq \"ENGINEERING\"", NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(ox_nres(p.json), 1, "a filter may name groups");
}

Test(group, unknown_schema_urns_are_tolerated)
{
	struct ox_resp p = dx_call(op_create, "Group", NULL, NULL,
	    "{\"schemas\":[\"" DX_GROUP_URN "\","
	    "\"http://schemas.microsoft.com/2006/11/ResourceManagement/"
	    "ADSCIM/Group\"],\"externalId\":\"8aa1a0c0\","
	    "\"displayName\":\"Entra\",\"meta\":{\"resourceType\":\"Group\"}}");

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(dx_len(p.json, "schemas"), 1);
	p = dx_call(op_create, "Group", NULL, NULL,
	    "{\"schemas\":[\"" DX_GROUP_URN "\",\"urn:okta:custom:group:1.0\"],"
	    "\"displayName\":\"Test SCIMv2\",\"members\":[]}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	/* Credentials stay strict. */
	p = dx_call(op_create, "Credential", NULL, NULL,
	    "{\"schemas\":[\"" OX_CRED_URN "\",\"urn:okta:custom:group:1.0\"],"
	    "\"type\":\"CT_ACODE\"}");
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect_not_null(
	    strstr(p.err.detail, "unknown schema"), "%s", p.err.detail);
}

/* The storage design the benchmark relies on: members are edges, so the
 * Group's record stays small however many members it has, and adding
 * one member leaves the others' records alone. */
Test(group, members_do_not_grow_the_group_record)
{
	char *rec, *urec;
	const char *ids[40], *g, *extra;
	struct ox_resp p;
	size_t i, small;
	char list[40 * 60] = "[";

	for (i = 0; i < 40; i++) {
		ids[i] = dx_user(arena_printf(ox_arena(), "user%zu", i));
		strcat(list,
		    arena_printf(ox_arena(), "%s{\"value\":\"%s\"}",
			i > 0 ? "," : "", ids[i]));
	}
	strcat(list, "]");
	g = dx_group("Big", list);
	rec = dx_record("Group", g);
	small = strlen(rec);
	cr_expect_lt(small, 400, "%s", rec);
	cr_expect_null(strstr(rec, ids[0]));
	urec = dx_record("User", ids[0]);
	extra = dx_user("extra");
	p = dx_call(op_patch, "Group", g, "attributes=id",
	    arena_printf(ox_arena(),
		PATCH("{\"op\":\"add\",\"path\":\"members\","
		      "\"value\":[{\"value\":\"%s\"}]}"),
		extra));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(dx_edges("member", g), 41);
	rec = dx_record("Group", g);
	cr_expect_lt(strlen(rec), small + 8, "only the version changed");
	rec = dx_record("User", ids[0]);
	cr_expect_str_eq(rec, urec, "other members' records are untouched");
	p = dx_get("Group", g, NULL);
	cr_expect_eq(dx_len(p.json, "members"), 41);
}

/* RFC 7644 §3.5.2.1: adding a member the Group already has changes
 * nothing, not even the version; Okta sends the member's display too. */
Test(group, adding_an_existing_member_keeps_the_version)
{
	const char *u = dx_user("max");
	const char *g = dx_group("G", members1(u));
	char before[72];
	struct ox_resp p;

	snprintf(before, sizeof(before), "%s", dx_get("Group", g, NULL).etag);
	p = dx_call(op_patch, "Group", g, NULL,
	    arena_printf(ox_arena(),
		PATCH("{\"op\":\"add\",\"path\":\"members\",\"value\":["
		      "{\"value\":\"%s\",\"display\":\"max@example.com\"}]}"),
		u));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(p.etag, before);
	cr_expect_str_eq(
	    ox_str(dx_elem(p.json, "members", "value", u), "display"), "max",
	    "display stays the server's");
	cr_expect_eq(dx_len(p.json, "members"), 1);
}
