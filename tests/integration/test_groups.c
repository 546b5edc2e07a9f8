/*
 * Groups over HTTP, with the request shapes Okta and Entra ID send:
 * create with a foreign schema URN, member changes by PATCH (Okta's
 * add/remove by filter, Entra ID's value lists), excludedAttributes=
 * members, nested Groups and the Users' computed groups, the rules on
 * members, and the cascades of deleting a Group or a User.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dir_http.h"

TestSuite(groups, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 60);

#define PATCH_OPS(ops) \
	"{\"schemas\":[\"" DIR_PATCH_URN "\"],\"Operations\":[" ops "]}"

/* The groups of User id, as the server shows them. */
static void
user_groups(const char *id, struct harness_resp *r)
{
	dir_req("GET", dir_fmt("/Users/%s", id), NULL, r);
	EXPECT_STATUS(r, 200);
}

/* Okta's group push: create with its own URN, then PATCH members. */
ITEST(groups, okta_group_push)
{
	struct harness_resp r;
	char u[128], v[128], g[128];
	const struct json_value *m;

	dir_user("okta.one@example.com", u);
	dir_user("okta.two@example.com", v);
	dir_create("/Groups",
	    "{\"schemas\":[\"" DIR_GROUP_URN
	    "\",\"urn:okta:custom:group:1.0\"],"
	    "\"displayName\":\"Test SCIMv2\",\"members\":[]}",
	    g);
	dir_req("PATCH", dir_fmt("/Groups/%s", g),
	    dir_fmt(PATCH_OPS("{\"op\":\"add\",\"path\":\"members\",\"value\":"
			      "[{\"value\":\"%s\",\"display\":\"okta.one@"
			      "example.com\"},{\"value\":\"%s\","
			      "\"display\":\"okta.two@example.com\"}]}"),
		u, v),
	    &r);
	cr_expect(
	    r.status == 200 || r.status == 204, "%d %s", r.status, r.body);
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Groups/%s", g), NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(harness_jlen(harness_json(&r), "members"), 2);
	m = dir_elem(harness_json(&r), "members", "value", u);
	cr_assert_not_null(m, "%s", r.body);
	cr_expect_str_eq(harness_jstr(m, "type"), "User");
	cr_expect_not_null(strstr(
	    harness_jstr(m, "$ref"), dir_fmt("/scim/demo/v2/Users/%s", u)));
	harness_resp_free(&r);
	/* Okta removes one member by a value filter, without a value. */
	dir_req("PATCH", dir_fmt("/Groups/%s", g),
	    dir_fmt(PATCH_OPS("{\"op\":\"remove\",\"path\":"
			      "\"members[value eq \\\"%s\\\"]\"}"),
		u),
	    &r);
	cr_expect(
	    r.status == 200 || r.status == 204, "%d %s", r.status, r.body);
	harness_resp_free(&r);
	user_groups(u, &r);
	cr_expect_null(harness_jpath(harness_json(&r), "groups"), "%s", r.body);
	harness_resp_free(&r);
	user_groups(v, &r);
	m = dir_elem(harness_json(&r), "groups", "value", g);
	cr_assert_not_null(m, "%s", r.body);
	cr_expect_str_eq(harness_jstr(m, "display"), "Test SCIMv2");
	cr_expect_str_eq(harness_jstr(m, "type"), "direct");
	harness_resp_free(&r);
}

/* Entra ID: create with its ADSCIM schema, look up with
 * excludedAttributes=members, change members with value lists. */
ITEST(groups, entra_membership)
{
	struct harness_resp r;
	char u[128], g[128];

	dir_user("entra.user@contoso.com", u);
	dir_create("/Groups",
	    "{\"schemas\":[\"" DIR_GROUP_URN "\","
	    "\"http://schemas.microsoft.com/2006/11/ResourceManagement/"
	    "ADSCIM/Group\"],\"externalId\":\"8aa1a0c0-c4c3-4bc0-b4a5-"
	    "2ef676900159\",\"displayName\":\"displayName\","
	    "\"meta\":{\"resourceType\":\"Group\"}}",
	    g);
	dir_req("PATCH", dir_fmt("/Groups/%s", g),
	    dir_fmt(PATCH_OPS("{\"op\":\"Add\",\"path\":\"members\","
			      "\"value\":[{\"value\":\"%s\"}]}"),
		u),
	    &r);
	cr_expect(
	    r.status == 200 || r.status == 204, "%d %s", r.status, r.body);
	harness_resp_free(&r);
	dir_req("GET",
	    "/Groups?excludedAttributes=members&filter=displayName+eq+"
	    "%22displayName%22",
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(harness_jstr(harness_json(&r), "Resources.0.id"), g);
	cr_expect_null(harness_jpath(harness_json(&r), "Resources.0.members"),
	    "excludedAttributes=members is honoured: %s", r.body);
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Groups/%s?excludedAttributes=members", g),
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_null(harness_jpath(harness_json(&r), "members"));
	harness_resp_free(&r);
	dir_req("PATCH", dir_fmt("/Groups/%s", g),
	    dir_fmt(PATCH_OPS("{\"op\":\"Remove\",\"path\":\"members\","
			      "\"value\":[{\"value\":\"%s\"}]}"),
		u),
	    &r);
	cr_expect(
	    r.status == 200 || r.status == 204, "%d %s", r.status, r.body);
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Groups/%s", g), NULL, &r);
	cr_expect_null(
	    harness_jpath(harness_json(&r), "members"), "%s", r.body);
	harness_resp_free(&r);
}

ITEST(groups, member_rules)
{
	struct harness_resp r;
	char a[128], b[128];

	dir_req("POST", "/Groups",
	    "{\"schemas\":[\"" DIR_GROUP_URN "\"],\"displayName\":\"X\","
	    "\"members\":[{\"value\":\"6d0c7e1c-missing\"}]}",
	    &r);
	EXPECT_ERROR(&r, 400, "invalidValue");
	cr_expect_not_null(strstr(r.body, "6d0c7e1c-missing"), "%s", r.body);
	harness_resp_free(&r);
	dir_create("/Groups",
	    "{\"schemas\":[\"" DIR_GROUP_URN "\"],\"displayName\":\"A\"}", a);
	dir_create("/Groups",
	    dir_fmt(
		"{\"schemas\":[\"" DIR_GROUP_URN "\"],\"displayName\":"
		"\"B\",\"members\":[{\"value\":\"%s\",\"type\":\"Group\"}]}",
		a),
	    b);
	/* B holds A, so A may not hold B. */
	dir_req("PATCH", dir_fmt("/Groups/%s", a),
	    dir_fmt(PATCH_OPS("{\"op\":\"add\",\"path\":\"members\","
			      "\"value\":[{\"value\":\"%s\"}]}"),
		b),
	    &r);
	EXPECT_ERROR(&r, 400, "invalidValue");
	cr_expect_not_null(strstr(r.body, "cycle"), "%s", r.body);
	harness_resp_free(&r);
}

/* A User in B, B in A: B direct, A indirect; deleting B cascades. */
ITEST(groups, nesting_and_delete_cascade)
{
	struct harness_resp r;
	char u[128], a[128], b[128];
	const struct json_value *j;

	dir_user("nested.user", u);
	dir_create("/Groups",
	    dir_fmt("{\"schemas\":[\"" DIR_GROUP_URN "\"],\"displayName\":"
		    "\"B\",\"members\":[{\"value\":\"%s\"}]}",
		u),
	    b);
	dir_create("/Groups",
	    dir_fmt("{\"schemas\":[\"" DIR_GROUP_URN "\"],\"displayName\":"
		    "\"A\",\"members\":[{\"value\":\"%s\"}]}",
		b),
	    a);
	user_groups(u, &r);
	j = harness_json(&r);
	cr_expect_str_eq(
	    harness_jstr(dir_elem(j, "groups", "value", b), "type"), "direct");
	cr_expect_str_eq(
	    harness_jstr(dir_elem(j, "groups", "value", a), "type"),
	    "indirect");
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Users?filter=groups.value+eq+%%22%s%%22", a),
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(harness_jstr(harness_json(&r), "Resources.0.id"), u);
	harness_resp_free(&r);
	dir_req("DELETE", dir_fmt("/Groups/%s", b), NULL, &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	user_groups(u, &r);
	cr_expect_null(harness_jpath(harness_json(&r), "groups"), "%s", r.body);
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Groups/%s", a), NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_null(
	    harness_jpath(harness_json(&r), "members"), "%s", r.body);
	harness_resp_free(&r);
}

/* Deleting a User takes it out of its Groups. */
ITEST(groups, deleting_a_user_removes_it_from_groups)
{
	struct harness_resp r;
	char u[128], v[128], g[128];

	dir_user("leaving", u);
	dir_user("staying", v);
	dir_create("/Groups",
	    dir_fmt(
		"{\"schemas\":[\"" DIR_GROUP_URN "\"],\"displayName\":"
		"\"Team\",\"members\":[{\"value\":\"%s\"},{\"value\":\"%s\"}]}",
		u, v),
	    g);
	dir_req("DELETE", dir_fmt("/Users/%s", u), NULL, &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Groups/%s", g), NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(harness_jlen(harness_json(&r), "members"), 1);
	cr_expect_not_null(dir_elem(harness_json(&r), "members", "value", v));
	cr_expect_str_eq(harness_jstr(harness_json(&r), "meta.version"),
	    "W/\"2\"", "the Group has a new version");
	harness_resp_free(&r);
}
