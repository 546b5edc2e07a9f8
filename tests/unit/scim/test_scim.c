/* The context helpers: error bodies (RFC 7644 §3.12), parameters. */
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"

static struct json_value *
error_json(int status, const char *type, const char *detail)
{
	struct buf b;
	struct json_value *v;

	buf_init(&b);
	scim_error_body(&b, status, type, detail);
	v = ox_json(buf_cstr(&b));
	buf_free(&b);
	return v;
}

TestSuite(scim, .init = ox_setup_real, .fini = ox_teardown);

Test(scim, error_body_has_string_status_and_scim_type)
{
	struct json_value *v = error_json(409, "uniqueness", "taken");
	struct json_value *want = ox_json(
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],"
	    "\"status\":\"409\",\"scimType\":\"uniqueness\","
	    "\"detail\":\"taken\"}");

	cr_expect(json_equal(v, want), "%s", ox_dump(v));
}

Test(scim, error_body_without_type_or_detail)
{
	struct json_value *v = error_json(404, NULL, NULL);

	cr_expect_null(json_object_get_cstr(v, "scimType"));
	cr_expect_null(json_object_get_cstr(v, "detail"));
	cr_expect_str_eq(ox_str(v, "status"), "404");
}

Test(scim, error_body_never_carries_bad_text)
{
	/* invalid UTF-8, a control byte and quotes still give valid JSON */
	struct json_value *v =
	    error_json(400, "invalidValue", "bad \xff\xfe \x01 \"q\" \xe2\x82");

	cr_expect_str_eq(ox_str(v, "detail"), "bad ?? ? \"q\" ??");
}

Test(scim, params_are_case_insensitive_first_wins)
{
	struct scim_param p[] = {
	    {STR_LIT("Filter"), STR_LIT("a")},
	    {STR_LIT("filter"), STR_LIT("b")},
	};
	struct scim_request req = {.params = p, .nparams = 2};
	struct str v = scim_param_get(&req, "FILTER");

	cr_expect(str_eq_cstr(v, "a"));
	cr_expect_null(scim_param_get(&req, "count").ptr);
}

Test(scim, config_defaults_are_filled)
{
	struct scim_config cfg = {.schemas_dir = getenv("SCIMCRED_SCHEMAS")};
	struct scim_err err = {0};
	struct scim *s = NULL;

	cr_assert_eq(scim_new(NULL, &cfg, &s, &err), 0, "%s", err.detail);
	cr_expect_eq(scim_config(s)->default_count, 100);
	cr_expect_eq(scim_config(s)->max_count, 1000);
	cr_expect_not_null(scim_registry(s));
	scim_free(s);
}

Test(scim, bad_schemas_dir_stops_start_up)
{
	struct scim_config cfg = {.schemas_dir = "/nonexistent/scim-schemas"};
	struct scim_err err = {0};
	struct scim *s = NULL;

	cr_expect_neq(scim_new(NULL, &cfg, &s, &err), 0);
	cr_expect_null(s);
	cr_expect_neq(err.detail[0], '\0');
}

Test(scim, resp_json_sets_status_and_body)
{
	struct scim_response resp = {0};
	struct json_value *v = ox_json("{\"a\":[1,true,null]}");

	buf_init(&resp.body);
	scim_resp_json(&resp, 201, v);
	cr_expect_eq(resp.status, 201);
	cr_expect_str_eq(buf_cstr(&resp.body), "{\"a\":[1,true,null]}");
	buf_free(&resp.body);
}
