/*
 * Populations through the SCIM layer (scim/population.c): a name unique
 * per tenant whatever its case, and the rule that a Population with
 * Users can't be deleted (409 with the count), counted from the
 * Population-User edges.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "dir_fixture.h"

TestSuite(population, .init = ox_setup_real, .fini = ox_teardown);

#define POP(extra) "{\"schemas\":[\"" DX_POP_URN "\"]" extra "}"

static const char *
member_of(const char *user_name, const char *pop)
{
	return dx_create("User",
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_USER_URN "\"],\"userName\":\"%s\","
		"\"" DX_EXT_URN "\":{\"population\":{\"value\":\"%s\"}}}",
		user_name, pop));
}

Test(population, create_get_replace)
{
	struct ox_resp p = dx_call(op_create, "Population", NULL, NULL,
	    POP(",\"name\":\"Employees\",\"description\":\"Staff\""));
	const char *id;

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	id = ox_str(p.json, "id");
	cr_expect_str_eq(ox_str(p.json, "meta.resourceType"), "Population");
	cr_expect_not_null(strstr(p.location, "/scim/t1/v2/Populations/"));
	p = dx_call(
	    op_replace, "Population", id, NULL, POP(",\"name\":\"Employees\""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(ox_str(p.json, "description"), "PUT replaces");
	p = dx_call(op_create, "Population", NULL, NULL, POP(""));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "name is required");
}

Test(population, name_is_unique_without_regard_to_case)
{
	struct ox_resp p;

	dx_pop("Contractors");
	p = dx_call(op_create, "Population", NULL, NULL,
	    POP(",\"name\":\"CONTRACTORS\""));
	cr_expect_eq(p.rc, SCIM_E_UNIQUENESS);
	cr_expect_not_null(strstr(p.err.detail, "name"), "%s", p.err.detail);
	p = dx_call_t(op_create, "t2", "Population", NULL, NULL,
	    POP(",\"name\":\"contractors\""));
	cr_expect_eq(p.rc, 0, "another tenant may use the name");
	p = dx_call(op_list, "Population", NULL,
	    "filter=name eq \"contractors\"", NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(ox_nres(p.json), 1);
}

Test(population, delete_with_users_is_a_conflict)
{
	const char *pop = dx_pop("Interns"), *u1, *u2;
	struct ox_resp p;

	u1 = member_of("una", pop);
	u2 = member_of("vic", pop);
	p = dx_call(op_delete, "Population", pop, NULL, NULL);
	cr_expect_eq(p.rc, SCIM_E_CONFLICT);
	cr_expect_not_null(
	    strstr(p.err.detail, "still has 2 Users"), "%s", p.err.detail);
	cr_expect_not_null(strstr(p.err.detail, "Interns"));
	cr_expect_eq(dx_get("Population", pop, NULL).rc, 0, "not deleted");
	cr_assert_eq(dx_call(op_delete, "User", u1, NULL, NULL).rc, 0);
	p = dx_call(op_delete, "Population", pop, NULL, NULL);
	cr_expect_eq(p.rc, SCIM_E_CONFLICT);
	cr_expect_not_null(
	    strstr(p.err.detail, "still has 1 User;"), "%s", p.err.detail);
	p = dx_call(op_replace, "User", u2, NULL,
	    "{\"schemas\":[\"" DX_USER_URN "\"],\"userName\":\"vic\"}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = dx_call(op_delete, "Population", pop, NULL, NULL);
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(p.status, 204);
}

Test(population, rename_shows_in_users)
{
	const char *pop = dx_pop("Old name"), *u = member_of("wes", pop);
	struct ox_resp p;

	p = dx_call(op_patch, "Population", pop, NULL,
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[{\"op\":\"replace\",\"path\":\"name\","
	    "\"value\":\"New name\"}]}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = dx_get("User", u, NULL);
	cr_expect_str_eq(ox_str(json_object_get_cstr(p.json, DX_EXT_URN),
			     "population.display"),
	    "New name");
}
