/*
 * A resource type without rules of its own (the Widget fixture in
 * tests/data/schemas-ext) goes through the same operations with the
 * default hooks: schema uniqueness with case folding, RFC 7644 §3.5.1
 * replace, and extension attributes.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"
#include "scim/resource.h"

#define W_URN "urn:example:scimcred:test:2.0:Widget"
#define X_URN "urn:example:scimcred:test:2.0:Widget:Extra"

static struct ox_resp
call(scim_handler h, const char *tenant, const char *id, const char *body)
{
	struct ox_req r = {
	    .tenant = tenant, .rtype = "Widget", .id = id, .body = body};

	return ox_call(h, &r);
}

static const char *
body(const char *name, const char *extra)
{
	return arena_printf(ox_arena(),
	    "{\"schemas\":[\"" W_URN "\",\"" X_URN "\"],\"name\":\"%s\"%s,"
	    "\"" X_URN "\":{\"level\":1}}",
	    name, extra);
}

TestSuite(generic, .init = ox_setup_ext, .fini = ox_teardown);

Test(generic, uniqueness_folds_case_when_not_case_exact)
{
	struct ox_resp p = call(op_create, "t1", NULL, body("Foo", ""));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = call(op_create, "t1", NULL, body("fOO", ""));
	cr_expect_eq(p.rc, SCIM_E_UNIQUENESS);
	cr_expect(strstr(p.err.detail, "name") != NULL, "%s", p.err.detail);
	cr_expect_eq(call(op_create, "t2", NULL, body("foo", "")).rc, 0);
}

Test(generic, replace_is_a_full_replace)
{
	struct ox_resp p = call(
	    op_create, "t1", NULL, body("w", ",\"count\":3,\"serial\":\"S1\""));
	const char *id = ox_str(p.json, "id");

	cr_assert_not_null(id);
	p = call(op_replace, "t1", id, body("w", ",\"serial\":\"S1\""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(json_object_get_cstr(p.json, "count"));
	cr_expect_str_eq(ox_str(p.json, "meta.version"), "W/\"2\"");
	/* immutable */
	p = call(op_replace, "t1", id, body("w", ",\"serial\":\"S2\""));
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
}

Test(generic, renaming_moves_the_unique_key)
{
	struct ox_resp p = call(op_create, "t1", NULL, body("one", ""));
	const char *id = ox_str(p.json, "id");

	cr_assert_eq(call(op_create, "t1", NULL, body("two", "")).rc, 0);
	cr_expect_eq(
	    call(op_replace, "t1", id, body("TWO", "")).rc, SCIM_E_UNIQUENESS);
	cr_expect_eq(call(op_replace, "t1", id, body("three", "")).rc, 0);
	cr_expect_eq(call(op_create, "t1", NULL, body("One", "")).rc, 0);
	cr_expect_eq(call(op_delete, "t1", id, NULL).rc, 0);
	cr_expect_eq(call(op_create, "t1", NULL, body("Three", "")).rc, 0);
}

Test(generic, location_uses_the_endpoint)
{
	struct ox_resp p = call(op_create, "t1", NULL, body("w", ""));
	char want[256];

	cr_assert_eq(p.rc, 0);
	snprintf(want, sizeof(want), OX_BASE "/scim/t1/v2/Widgets/%s",
	    ox_str(p.json, "id"));
	cr_expect_str_eq(ox_str(p.json, "meta.location"), want);
	cr_expect_str_eq(ox_str(p.json, "meta.resourceType"), "Widget");
}

Test(generic, credential_is_not_served_without_its_schema)
{
	struct ox_req r = {.body = "{}"};

	cr_expect_eq(ox_call(op_create, &r).rc, SCIM_E_NOT_FOUND);
	r.rtype = "Credential";
	cr_expect_eq(ox_call(op_list, &r).rc, SCIM_E_NOT_FOUND);
}

/* The default PUT on its own, with the Credential schema because its
 * totalUsed is a readOnly top-level attribute (Widget has none). */
Test(default_hooks, replace_keeps_read_only_and_drops_the_rest,
    .init = ox_setup_real, .fini = ox_teardown)
{
	struct resource_ctx c = {.arena = ox_arena()};
	struct resource_put put = {0};
	struct json_value *out = NULL;
	struct scim_err err = {0};

	c.rt =
	    schema_rtype_find(scim_registry(ox_scim()), STR_LIT("Credential"));
	cr_assert_not_null(c.rt);
	put.cur = ox_json("{\"type\":\"T\",\"totalUsed\":\"5\","
			  "\"externalId\":\"e\"}");
	put.body = ox_json("{\"type\":\"U\",\"totalUsed\":\"9\"}");
	put.raw = put.body;
	cr_assert_eq(resource_replace_default(&c, &put, &out, &err), 0);
	cr_expect(
	    json_equal(out, ox_json("{\"type\":\"U\",\"totalUsed\":\"5\"}")),
	    "%s", ox_dump(out));
	put.body = ox_json("{\"type\":\"U\"}");
	cr_assert_eq(resource_replace_default(&c, &put, &out, &err), 0);
	cr_expect_str_eq(ox_str(out, "totalUsed"), "5");
	put.cur = ox_json("{\"type\":\"T\"}");
	put.body = ox_json("{\"type\":\"U\",\"totalUsed\":\"9\"}");
	cr_assert_eq(resource_replace_default(&c, &put, &out, &err), 0);
	cr_expect_null(json_object_get_cstr(out, "totalUsed"));
}
