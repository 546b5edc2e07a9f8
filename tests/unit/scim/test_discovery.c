/* The discovery endpoints (RFC 7644 §4), driven through a real SCIM
 * context over scim-schemas/ and compared with golden JSON in
 * tests/data/discovery/. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "schema_engine_fixture.h"
#include "scim/ops.h"

#define BASE "https://scim.example.com/scim/acme/v2"

static struct scim *ctx;
static struct arena *ar;
static struct scim_request req;
static struct scim_response resp;
static struct scim_err err;

static void
start(unsigned max_count)
{
	struct scim_config cfg = {
	    .schemas_dir = fx_schemas_dir(), .max_count = max_count};
	int rc;

	rc = scim_new(NULL, &cfg, &ctx, &err);
	cr_assert_eq(rc, 0, "%s", err.detail);
	ar = arena_new();
	memset(&req, 0, sizeof(req));
	req.arena = ar;
	req.method = SCIM_GET;
	req.tenant = STR_LIT("acme");
	req.base_url = STR_LIT("https://scim.example.com");
	buf_init(&resp.body);
	memset(&err, 0, sizeof(err));
}

static void
setup(void)
{
	start(0);
}

static void
teardown(void)
{
	buf_free(&resp.body);
	arena_free(ar);
	scim_free(ctx);
}

static struct json_value *
body(void)
{
	cr_assert_eq(resp.status, 200);
	return fx_json(
	    ar, arena_strndup(ar, buf_cstr(&resp.body), resp.body.len));
}

static void
expect_golden(const char *name)
{
	char rel[256], path[4096];
	struct json_value *got = body(), *want;

	snprintf(rel, sizeof(rel), "discovery/%s", name);
	want = fx_json_file(ar, fx_testdata(rel, path, sizeof(path)));
	cr_assert(
	    json_equal(got, want), "%s differs: got %s", name, fx_dump(got));
}

TestSuite(discovery, .init = setup, .fini = teardown);

Test(discovery, service_provider_config)
{
	cr_assert_eq(
	    discovery_spc(ctx, &req, &resp, &err), 0, "%s", err.detail);
	expect_golden("service-provider-config.json");
}

Test(discovery, spc_advertises_the_configured_page_size)
{
	struct json_value *v;

	teardown();
	start(250);
	cr_assert_eq(discovery_spc(ctx, &req, &resp, &err), 0);
	v = json_object_get_cstr(
	    json_object_get_cstr(body(), "filter"), "maxResults");
	cr_assert(v->type == JSON_INT && v->u.integer == 250);
}

Test(discovery, resource_types)
{
	cr_assert_eq(
	    discovery_rtypes(ctx, &req, &resp, &err), 0, "%s", err.detail);
	expect_golden("resource-types.json");
}

Test(discovery, one_resource_type)
{
	req.id = STR_LIT("credential");
	cr_assert_eq(
	    discovery_rtype(ctx, &req, &resp, &err), 0, "%s", err.detail);
	expect_golden("resource-type-credential.json");
}

Test(discovery, one_schema)
{
	req.id = STR_LIT(FX_CRED_URN);
	cr_assert_eq(
	    discovery_schema(ctx, &req, &resp, &err), 0, "%s", err.detail);
	expect_golden("schema-credential.json");
}

/* Every listed schema is its file plus meta: discovery serves exactly
 * the documents validation reads. */
Test(discovery, schemas_list_serves_the_files)
{
	static char files[64][128];
	struct json_value *got, *res, *want, *meta;
	char path[4096];
	size_t i, n = fx_list_json("schemas", files, 64);

	cr_assert_eq(
	    discovery_schemas(ctx, &req, &resp, &err), 0, "%s", err.detail);
	got = body();
	cr_assert_eq(
	    json_object_get_cstr(got, "totalResults")->u.integer, (int64_t)n);
	cr_assert_eq(
	    json_object_get_cstr(got, "itemsPerPage")->u.integer, (int64_t)n);
	cr_assert_eq(json_object_get_cstr(got, "startIndex")->u.integer, 1);
	cr_assert_str_eq(json_object_get_cstr(got, "schemas")
			     ->u.array.items[0]
			     ->u.string.ptr,
	    "urn:ietf:params:scim:api:messages:2.0:ListResponse");
	res = json_object_get_cstr(got, "Resources");
	cr_assert_eq(res->u.array.len, n);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/schemas/%s", fx_schemas_dir(),
		    files[i]);
		want = fx_json_file(ar, path);
		meta = json_object(ar);
		json_object_set_cstr(
		    ar, meta, "resourceType", json_cstring(ar, "Schema"));
		json_object_set_cstr(ar, meta, "location",
		    json_cstring(ar,
			arena_printf(ar, BASE "/Schemas/%s",
			    json_object_get_cstr(want, "id")->u.string.ptr)));
		json_object_set_cstr(ar, want, "meta", meta);
		cr_assert(json_equal(res->u.array.items[i], want), "%s: got %s",
		    files[i], fx_dump(res->u.array.items[i]));
	}
}

Test(discovery, unknown_names_are_not_found)
{
	req.id = STR_LIT("Widget");
	cr_assert_eq(discovery_rtype(ctx, &req, &resp, &err), SCIM_E_NOT_FOUND);
	cr_assert_str_eq(err.detail, "no resource type named 'Widget'");
	req.id = STR_LIT("urn:ietf:params:scim:schemas:core:2.0:Widget");
	cr_assert_eq(
	    discovery_schema(ctx, &req, &resp, &err), SCIM_E_NOT_FOUND);
	cr_assert_str_eq(err.detail,
	    "no schema with id "
	    "'urn:ietf:params:scim:schemas:core:2.0:"
	    "Widget'");
	req.id = STR_LIT("a\nb");
	cr_assert_eq(discovery_rtype(ctx, &req, &resp, &err), SCIM_E_NOT_FOUND);
	cr_assert_str_eq(err.detail, "no resource type named 'a?b'");
}

/* RFC 7644 §4: a filter SHOULD get 403, so clients can't assume it
 * matched; other query parameters are ignored. */
Test(discovery, filter_is_forbidden)
{
	static const scim_handler handlers[] = {discovery_spc, discovery_rtypes,
	    discovery_rtype, discovery_schemas, discovery_schema};
	struct scim_param params[] = {
	    {STR_LIT("count"), STR_LIT("0")},
	    {STR_LIT("Filter"), STR_LIT("name eq \"Credential\"")},
	};
	size_t i;

	req.id = STR_LIT("Credential");
	req.params = params;
	req.nparams = 2;
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		memset(&err, 0, sizeof(err));
		cr_assert_eq(handlers[i](ctx, &req, &resp, &err),
		    SCIM_E_FORBIDDEN, "handler %zu", i);
		cr_assert_not_null(strstr(err.detail, "filter"));
	}
	/* Without the filter, paging parameters change nothing. */
	req.nparams = 1;
	cr_assert_eq(discovery_rtypes(ctx, &req, &resp, &err), 0);
	expect_golden("resource-types.json");
}
