/*
 * Users through the SCIM layer (scim/user.c): the RFC 7643 §4.1 schema
 * with the enterprise and scimcred extensions, userName uniqueness
 * without regard to case, the write-only password (hashed, never
 * returned, never matched), the Population link, and the cascades of a
 * delete (groups, Population, owned Credentials).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "auth/password.h"
#include "dir_fixture.h"

TestSuite(user, .init = ox_setup_real, .fini = ox_teardown);

#define USER(extra) "{\"schemas\":[\"" DX_USER_URN "\"]" extra "}"

static const char *
stored_password(const char *id)
{
	char *rec = dx_record("User", id);
	struct json_value *v;
	const char *pw;

	cr_assert_not_null(rec);
	v = ox_json(rec);
	pw = ox_str(v, "password");
	return pw;
}

Test(user, create_returns_the_rfc_shape)
{
	struct ox_resp p = dx_call(op_create, "User", NULL, NULL,
	    "{\"schemas\":[\"" DX_USER_URN "\",\"" DX_ENT_URN "\"],"
	    "\"userName\":\"bjensen@example.com\",\"externalId\":\"bjensen\","
	    "\"name\":{\"formatted\":\"Ms. Barbara J Jensen III\","
	    "\"familyName\":\"Jensen\",\"givenName\":\"Barbara\"},"
	    "\"displayName\":\"Babs Jensen\",\"active\":\"True\","
	    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"Work\","
	    "\"primary\":true}],"
	    "\"addresses\":[{\"streetAddress\":\"100 Universal City Plaza\","
	    "\"locality\":\"Hollywood\",\"type\":\"work\",\"primary\":true}],"
	    "\"x509Certificates\":[{\"value\":\"MIIDQzCCAqygAwIBAgICEAA=\"}],"
	    "\"" DX_ENT_URN "\":{\"employeeNumber\":\"701984\","
	    "\"department\":\"Tour Operations\","
	    "\"manager\":{\"value\":\"26118915-6090-4610-87e4-49d8ca9f808d\","
	    "\"displayName\":\"ignored: readOnly\"}}}");

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(p.status, 201);
	cr_expect_str_eq(ox_str(p.json, "userName"), "bjensen@example.com");
	cr_expect_str_eq(ox_str(p.json, "name.givenName"), "Barbara");
	cr_expect_str_eq(ox_str(p.json, "meta.resourceType"), "User");
	cr_expect_not_null(strstr(p.location, "/scim/t1/v2/Users/"));
	cr_expect_str_eq(
	    ox_str(dx_elem(p.json, "emails", "value", "bjensen@example.com"),
		"type"),
	    "work", "canonical values are rewritten to the schema's case");
	cr_expect_eq(json_object_get_cstr(p.json, "active")->u.boolean, 1);
	cr_expect_str_eq(
	    ox_str(json_object_get_cstr(p.json, DX_ENT_URN), "manager.value"),
	    "26118915-6090-4610-87e4-49d8ca9f808d");
	cr_expect_null(ox_str(json_object_get_cstr(p.json, DX_ENT_URN),
			   "manager.displayName"),
	    "readOnly values from the client are ignored");
	cr_expect_null(
	    json_object_get_cstr(p.json, "groups"), "no memberships yet");
}

/* RFC 7643 §4.1.1: userName is unique, and "caseExact" false means
 * Alice and ALICE are the same name; other tenants don't count. */
Test(user, user_name_is_unique_without_regard_to_case)
{
	struct ox_resp p;

	dx_user("Alice");
	p = dx_call(
	    op_create, "User", NULL, NULL, USER(",\"userName\":\"ALICE\""));
	cr_expect_eq(p.rc, SCIM_E_UNIQUENESS);
	cr_expect_not_null(
	    strstr(p.err.detail, "userName"), "%s", p.err.detail);
	p = dx_call_t(op_create, "t2", "User", NULL, NULL,
	    USER(",\"userName\":\"alice\""));
	cr_expect_eq(p.rc, 0, "another tenant may use the name");
	p = dx_call(op_create, "User", NULL, NULL, USER(""));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "userName is required");
}

Test(user, filter_on_user_name_ignores_case)
{
	const char *id = dx_user("Bob.Smith@Example.com");
	struct ox_resp p;

	dx_user("carol@example.com");
	p = dx_call(op_list, "User", NULL,
	    "filter=userName eq \"bob.smith@example.com\"", NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_assert_eq(ox_nres(p.json), 1);
	cr_expect_str_eq(ox_res_str(p.json, 0, "id"), id);
	p = dx_call(op_list, "User", NULL,
	    "filter=userName sw \"BOB\"&startIndex=1&count=10&foo=bar", NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(ox_nres(p.json), 1, "unknown parameters are ignored");
}

/* The password is hashed on create, never returned (RFC 7643 §4.1.1,
 * "returned" never), not even when asked for, and a filter can't probe
 * the hash. */
Test(user, password_is_stored_hashed_and_never_returned)
{
	struct ox_resp p = dx_call(op_create, "User", NULL, NULL,
	    USER(",\"userName\":\"dave\",\"password\":\"t1meMa$heen\""));
	const char *id, *hash;

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	id = ox_str(p.json, "id");
	cr_expect_null(json_object_get_cstr(p.json, "password"));
	hash = stored_password(id);
	cr_assert_not_null(hash);
	cr_expect(strncmp(hash, "$scrypt$", 8) == 0, "%s", hash);
	cr_expect_null(strstr(hash, "t1meMa$heen"));
	cr_expect_eq(
	    password_verify(STR_LIT("t1meMa$heen"), str_from(hash)), 1);
	p = dx_get("User", id, "attributes=password,userName");
	cr_expect_null(json_object_get_cstr(p.json, "password"));
	cr_expect_str_eq(ox_str(p.json, "userName"), "dave");
	p = dx_call(
	    op_list, "User", NULL, "filter=password sw \"$scrypt\"", NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(ox_nres(p.json), 0, "the hash is not matchable");
	p = dx_call(op_list, "User", NULL, "filter=password pr", NULL);
	cr_expect_eq(ox_nres(p.json), 0);
}

/* PUT: a new password is hashed; one left out keeps the stored hash
 * (clients can't read it back); an explicit null clears it. */
Test(user, put_keeps_replaces_or_clears_the_password)
{
	const char *id = dx_create("User",
	    USER(",\"userName\":\"erin\",\"password\":\"first-secret\""));
	const char *h1 = arena_strdup(ox_arena(), stored_password(id));
	struct ox_resp p;

	p = dx_call(op_replace, "User", id, NULL,
	    USER(",\"userName\":\"erin\",\"displayName\":\"Erin\""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(stored_password(id), h1, "left out: kept");
	cr_expect_null(json_object_get_cstr(p.json, "password"));
	p = dx_call(op_replace, "User", id, NULL,
	    USER(",\"userName\":\"erin\",\"password\":\"second-secret\""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(password_verify(STR_LIT("second-secret"),
			 str_from(stored_password(id))),
	    1);
	cr_expect_eq(password_verify(STR_LIT("first-secret"),
			 str_from(stored_password(id))),
	    0);
	p = dx_call(op_replace, "User", id, NULL,
	    USER(",\"userName\":\"erin\",\"password\":null"));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(stored_password(id), "null: cleared");
	p = dx_call(op_replace, "User", id, NULL,
	    USER(",\"userName\":\"erin\",\"password\":\"\""));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "an empty password");
}

/* PATCH starts from the stored resource, which holds the hash: a PATCH
 * of another attribute must not hash the hash. */
Test(user, patch_of_another_attribute_keeps_the_password)
{
	const char *id = dx_create(
	    "User", USER(",\"userName\":\"fay\",\"password\":\"fay-secret\""));
	struct ox_resp p = dx_call(op_patch, "User", id, NULL,
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[{\"op\":\"Replace\",\"path\":\"displayName\","
	    "\"value\":\"Fay\"}]}");

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(password_verify(
			 STR_LIT("fay-secret"), str_from(stored_password(id))),
	    1);
	p = dx_call(op_patch, "User", id, NULL,
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[{\"op\":\"replace\",\"path\":\"password\","
	    "\"value\":\"fay-new\"}]}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(
	    password_verify(STR_LIT("fay-new"), str_from(stored_password(id))),
	    1);
	cr_expect_null(json_object_get_cstr(p.json, "password"));
}

Test(user, population_must_exist_and_is_shown_with_its_name)
{
	const char *pop = dx_pop("Contractors");
	struct ox_resp p;
	const char *id;

	p = dx_call(op_create, "User", NULL, NULL,
	    USER(",\"userName\":\"gil\",\"" DX_EXT_URN
		 "\":{\"population\":{\"value\":\"no-such-population\"}}"));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect_not_null(
	    strstr(p.err.detail, "no-such-population"), "%s", p.err.detail);
	cr_expect_not_null(strstr(p.err.detail, "population"));
	p = dx_call(op_create, "User", NULL, NULL,
	    arena_printf(ox_arena(),
		USER(",\"userName\":\"gil\",\"" DX_EXT_URN
		     "\":{\"population\":{\"value\":\"%s\","
		     "\"display\":\"client says\"}}"),
		pop));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	id = ox_str(p.json, "id");
	cr_expect_str_eq(ox_str(json_object_get_cstr(p.json, DX_EXT_URN),
			     "population.display"),
	    "Contractors");
	cr_expect_str_eq(
	    ox_str(json_object_get_cstr(p.json, DX_EXT_URN), "population.$ref"),
	    arena_printf(
		ox_arena(), OX_BASE "/scim/t1/v2/Populations/%s", pop));
	cr_expect_eq(dx_edges("populationUser", pop), 1);
	/* The stored record keeps only the id. */
	cr_expect_null(strstr(dx_record("User", id), "Contractors"));
	/* Another tenant's Population is not found either. */
	p = dx_call_t(op_create, "t2", "User", NULL, NULL,
	    arena_printf(ox_arena(),
		USER(",\"userName\":\"gil\",\"" DX_EXT_URN
		     "\":{\"population\":{\"value\":\"%s\"}}"),
		pop));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
}

Test(user, moving_between_populations_moves_the_count)
{
	const char *a = dx_pop("A"), *b = dx_pop("B");
	const char *id = dx_create("User",
	    arena_printf(ox_arena(),
		USER(",\"userName\":\"hal\",\"" DX_EXT_URN
		     "\":{\"population\":{\"value\":\"%s\"}}"),
		a));
	struct ox_resp p;

	p = dx_call(op_replace, "User", id, NULL,
	    arena_printf(ox_arena(),
		USER(",\"userName\":\"hal\",\"" DX_EXT_URN
		     "\":{\"population\":{\"value\":\"%s\"}}"),
		b));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(dx_edges("populationUser", a), 0);
	cr_expect_eq(dx_edges("populationUser", b), 1);
	p = dx_call(
	    op_replace, "User", id, NULL, USER(",\"userName\":\"hal\""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(dx_edges("populationUser", b), 0, "left out: none");
}

/* Okta and Entra ID send their own schema URNs and readOnly groups. */
Test(user, unknown_extension_urns_and_read_only_groups_are_ignored)
{
	struct ox_resp p = dx_call(op_create, "User", NULL, NULL,
	    "{\"schemas\":[\"" DX_USER_URN "\","
	    "\"urn:okta:custom:user:1.0\"],"
	    "\"userName\":\"test.user@okta.local\","
	    "\"name\":{\"givenName\":\"Test\",\"familyName\":\"User\"},"
	    "\"groups\":[],\"password\":\"1mz050nq\",\"active\":true,"
	    "\"urn:okta:custom:user:1.0\":{\"x\":1}}");

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(dx_len(p.json, "schemas"), 1);
	cr_expect_null(
	    json_object_get_cstr(p.json, "urn:okta:custom:user:1.0"));
}

/* Deleting a User deletes the Credentials it owns, with their
 * uniqueness keys, in the same transaction; others' stay. */
Test(user, delete_cascades_to_owned_credentials)
{
	const char *u = dx_user("ivy"), *v = dx_user("jay");
	struct ox_resp p;

	dx_put_record("Credential", "c-ivy",
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" OX_CRED_URN "\"],\"id\":\"c-ivy\","
		"\"externalId\":\"ext-ivy\",\"type\":\"CT_ACODE\","
		"\"owner\":{\"value\":\"%s\"}}",
		u));
	dx_put_record("Credential", "c-jay",
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" OX_CRED_URN "\"],\"id\":\"c-jay\","
		"\"type\":\"CT_ACODE\",\"owner\":{\"value\":\"%s\"},"
		"\"attributes\":[{\"name\":\"note\",\"value\":\"%s\"}]}",
		v, u));
	p = dx_call(op_delete, "User", u, NULL, NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(p.status, 204);
	cr_expect_null(dx_record("User", u));
	cr_expect_null(dx_record("Credential", "c-ivy"));
	cr_expect_not_null(dx_record("Credential", "c-jay"),
	    "mentioning the id is not owning");
	/* The externalId is free again. */
	dx_put_record("Credential", "c-new",
	    "{\"schemas\":[\"" OX_CRED_URN "\"],\"id\":\"c-new\","
	    "\"externalId\":\"ext-ivy\",\"type\":\"CT_ACODE\"}");
	p = dx_get("User", v, NULL);
	cr_expect_str_eq(ox_str(p.json, "userName"), "jay");
}

Test(user, delete_removes_memberships_and_population_link)
{
	const char *pop = dx_pop("P");
	const char *u = dx_create("User",
	    arena_printf(ox_arena(),
		USER(",\"userName\":\"kim\",\"" DX_EXT_URN
		     "\":{\"population\":{\"value\":\"%s\"}}"),
		pop));
	const char *g =
	    dx_group("G", arena_printf(ox_arena(), "[{\"value\":\"%s\"}]", u));
	const char *before =
	    arena_strdup(ox_arena(), dx_get("Group", g, NULL).etag);
	struct ox_resp p;

	cr_assert_eq(dx_call(op_delete, "User", u, NULL, NULL).rc, 0);
	p = dx_get("Group", g, NULL);
	cr_expect_eq(dx_len(p.json, "members"), 0);
	cr_expect_str_neq(p.etag, before, "the Group's version changed");
	cr_expect_eq(dx_edges("memberOf", u), 0);
	cr_expect_eq(dx_edges("member", g), 0);
	cr_expect_eq(dx_edges("populationUser", pop), 0);
	cr_expect_eq(dx_call(op_delete, "Population", pop, NULL, NULL).rc, 0,
	    "the Population is empty now");
}

/* A User's display name is what its Groups show; a rename follows. */
Test(user, rename_shows_in_group_members)
{
	const char *u = dx_user("lee");
	const char *g =
	    dx_group("G", arena_printf(ox_arena(), "[{\"value\":\"%s\"}]", u));
	struct ox_resp p = dx_get("Group", g, NULL);

	cr_expect_str_eq(
	    ox_str(dx_elem(p.json, "members", "value", u), "display"), "lee",
	    "no displayName: the userName");
	p = dx_call(op_replace, "User", u, NULL,
	    USER(",\"userName\":\"lee\",\"displayName\":\"Lee Adams\""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = dx_get("Group", g, NULL);
	cr_expect_str_eq(
	    ox_str(dx_elem(p.json, "members", "value", u), "display"),
	    "Lee Adams");
}

Test(user, search_and_projection)
{
	struct ox_resp p;

	dx_create("User",
	    USER(",\"userName\":\"mia\",\"emails\":[{\"type\":\"work\","
		 "\"value\":\"mia@example.com\"},{\"type\":\"home\","
		 "\"value\":\"mia@home.example\"}]"));
	dx_user("ned");
	p = dx_call(op_list, "User", NULL,
	    "filter=emails[type eq \"work\"].value eq \"mia@example.com\"",
	    NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_assert_eq(ox_nres(p.json), 1);
	cr_expect_str_eq(ox_res_str(p.json, 0, "userName"), "mia");
	p = dx_call(op_list, "User", NULL,
	    "filter=emails[type eq \"home\"].value eq \"mia@example.com\"",
	    NULL);
	cr_expect_eq(ox_nres(p.json), 0, "the element must match as a whole");
	p = dx_call(op_search, "User", NULL, NULL,
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
	    "SearchRequest\"],\"filter\":\"userName eq \\\"NED\\\"\","
	    "\"attributes\":[\"userName\"]}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_assert_eq(ox_nres(p.json), 1);
	cr_expect_null(ox_res_str(p.json, 0, "meta.created"));
}
