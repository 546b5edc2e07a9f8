/* The schema registry: loading scim-schemas/, rejecting broken
 * directories, lookups and attribute path resolution. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "schema_engine_fixture.h"
#include "scim/schema.h"

static struct schema_registry *reg;

static void
setup_real(void)
{
	reg = fx_load_real();
}

static void
setup_ext(void)
{
	reg = fx_load_ext();
}

static void
teardown(void)
{
	schema_registry_free(reg);
	reg = NULL;
}

static const struct schema_attr *
resolve(const struct schema_rtype *rt, const char *urn, const char *attr,
    const char *sub, const struct schema **owner,
    const struct schema_attr **subp)
{
	struct filter_attrpath p = {
	    str_from(urn), str_from(attr), str_from(sub)};

	return schema_resolve(rt, &p, owner, subp);
}

TestSuite(schema_real, .init = setup_real, .fini = teardown);

Test(schema_real, loads_every_document)
{
	char names[64][128], path[4096];
	struct arena *a = arena_new();
	const struct json_value *doc;
	const struct schema *s;
	size_t n, i;

	n = fx_list_json("schemas", names, 64);
	cr_assert_geq(n, 4);
	cr_assert_eq(schema_count(reg), n);
	/* Files load in name order, so discovery lists are stable. */
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/schemas/%s", fx_schemas_dir(),
		    names[i]);
		doc = fx_json_file(a, path);
		cr_assert_str_eq(schema_at(reg, i)->id,
		    json_object_get_cstr(doc, "id")->u.string.ptr, "%s",
		    names[i]);
	}
	cr_assert_null(schema_at(reg, n));
	n = fx_list_json("resource-types", names, 64);
	cr_assert_eq(schema_rtype_count(reg), n);
	cr_assert_null(schema_rtype_at(reg, n));
	s = schema_find(reg, STR_LIT(FX_CRED_URN));
	cr_assert_str_eq(s->name, "Credential");
	cr_assert_eq(s->nattrs, 5);
	cr_assert_not_null(schema_find(reg,
	    STR_LIT("urn:ietf:params:scim:schemas:core:2.0:ResourceType")));
	cr_assert_not_null(schema_find(
	    reg, STR_LIT("urn:ietf:params:scim:schemas:core:2.0:Schema")));
	arena_free(a);
}

Test(schema_real, documents_carry_meta_resource_type)
{
	const struct json_value *m;

	m = json_object_get_cstr(schema_at(reg, 0)->doc, "meta");
	cr_assert_str_eq(
	    json_object_get_cstr(m, "resourceType")->u.string.ptr, "Schema");
	m = json_object_get_cstr(schema_rtype_at(reg, 0)->doc, "meta");
	cr_assert_str_eq(json_object_get_cstr(m, "resourceType")->u.string.ptr,
	    "ResourceType");
	m = json_object_get_cstr(schema_spc(reg), "meta");
	cr_assert_str_eq(json_object_get_cstr(m, "resourceType")->u.string.ptr,
	    "ServiceProviderConfig");
}

Test(schema_real, spc_is_truthful)
{
	const struct json_value *spc = schema_spc(reg), *v;

	v = json_object_get_cstr(
	    json_object_get_cstr(spc, "patch"), "supported");
	cr_assert(v->type == JSON_BOOL && v->u.boolean); /* op_patch.c */
	v = json_object_get_cstr(
	    json_object_get_cstr(spc, "bulk"), "supported");
	cr_assert(v->type == JSON_BOOL && !v->u.boolean);
	v = json_object_get_cstr(
	    json_object_get_cstr(spc, "filter"), "maxResults");
	cr_assert(v->type == JSON_INT && v->u.integer == 1000);
	v = json_object_get_cstr(spc, "authenticationSchemes");
	cr_assert_eq(v->u.array.len, 1);
	cr_assert_str_eq(
	    json_object_get_cstr(v->u.array.items[0], "type")->u.string.ptr,
	    "oauthbearertoken");
}

Test(schema_real, lookups_are_case_insensitive)
{
	const struct schema_rtype *rt;

	cr_assert_eq(schema_find(reg,
			 STR_LIT("URN:HID:SCIM:API:IDP:2.0:"
				 "CREDENTIAL")),
	    schema_find(reg, STR_LIT(FX_CRED_URN)));
	cr_assert_null(schema_find(reg, STR_LIT("urn:hid:scim:api:idp:2.0")));
	rt = schema_rtype_find(reg, STR_LIT("credential"));
	cr_assert_not_null(rt);
	cr_assert_str_eq(rt->name, "Credential");
	cr_assert_str_eq(rt->endpoint, "/Credential");
	cr_assert_eq(rt->core, schema_find(reg, STR_LIT(FX_CRED_URN)));
	cr_assert_eq(rt->nexts, 0);
	cr_assert_null(schema_rtype_find(reg, STR_LIT("Widget")));
}

Test(schema_real, credential_characteristics)
{
	const struct schema_rtype *rt = fx_rtype(reg, "Credential");
	const struct schema_attr *a, *s;
	const struct schema *o;

	a = resolve(rt, "", "type", "", &o, &s);
	cr_assert_not_null(a);
	cr_assert(a->required && a->case_exact && !a->multi_valued);
	cr_assert_eq(a->mutability, SCHEMA_MUT_IMMUTABLE);
	cr_assert_eq(a->type, FILTER_T_STRING);
	a = resolve(rt, "", "status", "status", &o, &s);
	cr_assert_eq(a->type, FILTER_T_COMPLEX);
	cr_assert_eq(s->ncanonical, 5);
	cr_assert_str_eq(s->canonical[0], "PENDING");
	cr_assert_str_eq(s->canonical[4], "TERMINATED");
	cr_assert(!s->case_exact);
	a = resolve(rt, "", "status", "active", &o, &s);
	cr_assert_eq(s->type, FILTER_T_BOOLEAN);
	cr_assert_eq(s->mutability, SCHEMA_MUT_READ_ONLY);
	a = resolve(rt, "", "attributes", "name", &o, &s);
	cr_assert(a->multi_valued && s->required && s->case_exact);
	a = resolve(rt, "", "owner", "$ref", &o, &s);
	cr_assert_eq(s->type, FILTER_T_REFERENCE);
	cr_assert_eq(s->mutability, SCHEMA_MUT_READ_ONLY);
	a = resolve(rt, "", "totalUsed", "", &o, &s);
	cr_assert_eq(a->type, FILTER_T_STRING);
	cr_assert_eq(a->mutability, SCHEMA_MUT_READ_ONLY);
}

Test(schema_real, resolve_forms)
{
	const struct schema_rtype *rt = fx_rtype(reg, "Credential");
	const struct schema_attr *a, *s;
	const struct schema *o;

	/* Case variants resolve to the schema's spelling. */
	a = resolve(rt, "", "STATUS", "STARTdate", &o, &s);
	cr_assert_not_null(a);
	cr_assert_str_eq(a->name, "status");
	cr_assert_str_eq(s->name, "startDate");
	cr_assert_eq(o, rt->core);
	/* URN-qualified, any case. */
	a = resolve(
	    rt, "urn:HID:scim:api:idp:2.0:credential", "Type", "", &o, &s);
	cr_assert_not_null(a);
	cr_assert_str_eq(a->name, "type");
	cr_assert_null(s);
	cr_assert_eq(o, rt->core);
	/* Common attributes, bare or under the core URN; owner NULL. */
	a = resolve(rt, "", "ID", "", &o, &s);
	cr_assert_str_eq(a->name, "id");
	cr_assert_null(o);
	a = resolve(rt, FX_CRED_URN, "externalid", "", &o, &s);
	cr_assert_str_eq(a->name, "externalId");
	cr_assert_null(o);
	a = resolve(rt, "", "meta", "LASTMODIFIED", &o, &s);
	cr_assert_str_eq(s->name, "lastModified");
	cr_assert_eq(s->type, FILTER_T_DATETIME);
}

Test(schema_real, resolve_misses)
{
	const struct schema_rtype *rt = fx_rtype(reg, "Credential");
	const struct schema_attr *s = (void *)1;
	const struct schema *o = (void *)1;

	cr_assert_null(resolve(rt, "", "fooBar", "", &o, &s));
	cr_assert_null(o);
	cr_assert_null(s);
	cr_assert_null(resolve(rt, "", "status", "nope", &o, &s));
	cr_assert_null(resolve(rt, "", "type", "value", &o, &s));
	cr_assert_null(resolve(rt, "urn:example:other", "type", "", &o, &s));
	/* A meta-schema's attribute is not the Credential's. */
	cr_assert_null(
	    resolve(rt, "urn:ietf:params:scim:schemas:core:2.0:Schema",
		"attributes", "", &o, &s));
}

Test(schema_real, common_attributes)
{
	const struct schema_attr *a;

	a = schema_common_attr(STR_LIT("id"));
	cr_assert(a->case_exact);
	cr_assert_eq(a->mutability, SCHEMA_MUT_READ_ONLY);
	cr_assert_eq(a->returned, SCHEMA_RET_ALWAYS);
	cr_assert_eq(a->uniqueness, SCHEMA_UNIQ_SERVER);
	a = schema_common_attr(STR_LIT("EXTERNALID"));
	cr_assert(a->case_exact);
	cr_assert_eq(a->mutability, SCHEMA_MUT_READ_WRITE);
	a = schema_common_attr(STR_LIT("meta"));
	cr_assert_eq(a->type, FILTER_T_COMPLEX);
	cr_assert_eq(a->mutability, SCHEMA_MUT_READ_ONLY);
	cr_assert_eq(
	    schema_sub(a, STR_LIT("created"))->type, FILTER_T_DATETIME);
	cr_assert_eq(
	    schema_sub(a, STR_LIT("location"))->type, FILTER_T_REFERENCE);
	cr_assert(schema_sub(a, STR_LIT("version"))->case_exact);
	cr_assert_not_null(schema_sub(a, STR_LIT("resourcetype")));
	cr_assert_null(schema_sub(a, STR_LIT("owner")));
	cr_assert_null(schema_common_attr(STR_LIT("schemas")));
	cr_assert_null(
	    schema_sub(schema_common_attr(STR_LIT("id")), STR_LIT("x")));
}

Test(schema_real, filter_resolve_fills_info)
{
	const struct schema_rtype *rt = fx_rtype(reg, "Credential");
	struct filter_attrinfo info;
	struct filter_attrpath p = {
	    STR_NULL, STR_LIT("status"), STR_LIT("expiryDate")};

	memset(&info, 0xff, sizeof(info));
	cr_assert_eq(schema_filter_resolve((void *)rt, &p, &info), 0);
	cr_assert_eq(info.type, FILTER_T_DATETIME);
	cr_assert_eq(info.case_exact, 0);
	cr_assert_eq(info.multi_valued, 0);
	cr_assert_eq(info.sub_multi, 0);
	cr_assert_eq(info.ext_urn.len, 0);
	p = (struct filter_attrpath){
	    STR_NULL, STR_LIT("attributes"), STR_LIT("name")};
	cr_assert_eq(schema_filter_resolve((void *)rt, &p, &info), 0);
	cr_assert_eq(info.type, FILTER_T_STRING);
	cr_assert_eq(info.case_exact, 1);
	cr_assert_eq(info.multi_valued, 1);
	p = (struct filter_attrpath){STR_NULL, STR_LIT("id"), STR_NULL};
	cr_assert_eq(schema_filter_resolve((void *)rt, &p, &info), 0);
	cr_assert_eq(info.case_exact, 1);
	p = (struct filter_attrpath){STR_NULL, STR_LIT("status"), STR_NULL};
	cr_assert_eq(schema_filter_resolve((void *)rt, &p, &info), 0);
	cr_assert_eq(info.type, FILTER_T_COMPLEX);
	p = (struct filter_attrpath){STR_NULL, STR_LIT("nope"), STR_NULL};
	cr_assert_eq(schema_filter_resolve((void *)rt, &p, &info), -1);
}

TestSuite(schema_ext, .init = setup_ext, .fini = teardown);

Test(schema_ext, extension_resolution)
{
	const struct schema_rtype *rt = fx_rtype(reg, "Widget");
	const struct schema_attr *a, *s;
	const struct schema *o;

	cr_assert_eq(rt->nexts, 1);
	cr_assert(rt->exts[0].required);
	cr_assert_str_eq(rt->exts[0].schema->id, FX_EXTRA_URN);
	/* Unqualified names fall through core to the extension. */
	a = resolve(rt, "", "LEVEL", "", &o, &s);
	cr_assert_str_eq(a->name, "level");
	cr_assert_eq(o, rt->exts[0].schema);
	/* The extension URN picks the extension only. */
	a = resolve(rt, FX_EXTRA_URN, "owner", "", &o, &s);
	cr_assert_eq(o, rt->exts[0].schema);
	cr_assert_null(resolve(rt, FX_EXTRA_URN, "name", "", &o, &s));
	cr_assert_null(resolve(rt, FX_WIDGET_URN, "level", "", &o, &s));
	a = resolve(rt, FX_WIDGET_URN, "part", "code", &o, &s);
	cr_assert_eq(s->mutability, SCHEMA_MUT_IMMUTABLE);
	cr_assert_eq(o, rt->core);
}

Test(schema_ext, filter_resolve_sets_ext_urn)
{
	const struct schema_rtype *rt = fx_rtype(reg, "Widget");
	struct filter_attrinfo info;
	struct filter_attrpath p = {STR_NULL, STR_LIT("level"), STR_NULL};

	cr_assert_eq(schema_filter_resolve((void *)rt, &p, &info), 0);
	cr_assert_eq(info.type, FILTER_T_INTEGER);
	cr_assert_eq(info.ext_urn.len, strlen(FX_EXTRA_URN));
	cr_assert_eq(
	    memcmp(info.ext_urn.ptr, FX_EXTRA_URN, info.ext_urn.len), 0);
	p = (struct filter_attrpath){
	    STR_NULL, STR_LIT("items"), STR_LIT("key")};
	cr_assert_eq(schema_filter_resolve((void *)rt, &p, &info), 0);
	cr_assert_eq(info.multi_valued, 1);
	cr_assert_eq(info.sub_multi, 0);
	cr_assert_eq(info.ext_urn.len, 0);
	p = (struct filter_attrpath){STR_NULL, STR_LIT("tags"), STR_NULL};
	cr_assert_eq(schema_filter_resolve((void *)rt, &p, &info), 0);
	cr_assert_eq(info.multi_valued, 1);
}

Test(schema_ext, characteristics_defaults)
{
	const struct schema_rtype *rt = fx_rtype(reg, "Widget");
	const struct schema_attr *a, *s;
	const struct schema *o;

	/* RFC 7643 §2.2 defaults for what a definition leaves out. */
	a = resolve(rt, "", "count", "", &o, &s);
	cr_assert_eq(a->type, FILTER_T_INTEGER);
	cr_assert(!a->required && !a->case_exact);
	cr_assert_eq(a->mutability, SCHEMA_MUT_READ_WRITE);
	cr_assert_eq(a->returned, SCHEMA_RET_DEFAULT);
	cr_assert_eq(a->uniqueness, SCHEMA_UNIQ_NONE);
	cr_assert_null(a->canonical);
	a = resolve(rt, "", "secret", "", &o, &s);
	cr_assert_eq(a->mutability, SCHEMA_MUT_WRITE_ONLY);
	cr_assert_eq(a->returned, SCHEMA_RET_NEVER);
	a = resolve(rt, "", "name", "", &o, &s);
	cr_assert_eq(a->uniqueness, SCHEMA_UNIQ_SERVER);
	a = resolve(rt, "", "audit", "", &o, &s);
	cr_assert_eq(a->returned, SCHEMA_RET_REQUEST);
}

/* One broken directory under tests/data/schemas-bad/. */
static void
expect_bad(const char *name, int code, const char *needle)
{
	char rel[256], path[4096];
	struct schema_registry *r = (void *)1;
	struct scim_err err = {0};
	int rc;

	snprintf(rel, sizeof(rel), "schemas-bad/%s", name);
	fx_testdata(rel, path, sizeof(path));
	rc = schema_registry_load(path, &r, &err);
	cr_assert_eq(rc, code, "%s: rc %d (%s)", name, rc, err.detail);
	cr_assert_null(r);
	cr_assert_not_null(strstr(err.detail, needle),
	    "%s: detail '%s' lacks '%s'", name, err.detail, needle);
	/* Every detail names the file or directory at fault. */
	cr_assert_not_null(
	    strstr(err.detail, path), "%s: detail '%s'", name, err.detail);
}

Test(schema_bad, attribute_definitions)
{
	expect_bad("bad-type", SCIM_E_INVALID_SYNTAX, "unknown type 'strin'");
	expect_bad("no-name", SCIM_E_INVALID_SYNTAX, "'name' is required");
	expect_bad("sub-on-string", SCIM_E_INVALID_SYNTAX,
	    "subAttributes only applies to complex");
	expect_bad("canonical-not-string", SCIM_E_INVALID_SYNTAX,
	    "'canonicalValues' must hold only strings");
	expect_bad(
	    "typo-key", SCIM_E_INVALID_SYNTAX, "unknown key 'mutablity'");
	expect_bad(
	    "complex-no-subs", SCIM_E_INVALID_SYNTAX, "needs subAttributes");
	expect_bad("bad-mutability", SCIM_E_INVALID_SYNTAX,
	    "unknown value 'readonly'");
	expect_bad("no-multivalued", SCIM_E_INVALID_SYNTAX,
	    "'multiValued' is required");
	expect_bad(
	    "bad-attr-name", SCIM_E_INVALID_SYNTAX, "invalid attribute name");
	expect_bad("dup-attr", SCIM_E_INVALID_SYNTAX,
	    "attribute 'TITLE' is defined twice");
	expect_bad("nested-complex", SCIM_E_INVALID_SYNTAX,
	    "'box.inner' is complex inside complex");
}

Test(schema_bad, documents)
{
	expect_bad("bad-json", SCIM_E_INVALID_SYNTAX, "thing.json: ");
	expect_bad(
	    "not-object", SCIM_E_INVALID_SYNTAX, "must be a JSON object");
	expect_bad("dup-urn", SCIM_E_INVALID_SYNTAX, "is defined twice");
	expect_bad("wrong-schemas-urn", SCIM_E_INVALID_SYNTAX,
	    "urn:ietf:params:scim:schemas:core:2.0:Schema");
	expect_bad("no-schemas-dir", SCIM_E_INTERNAL, "schemas");
}

Test(schema_bad, resource_types)
{
	expect_bad("unknown-schema", SCIM_E_INVALID_SYNTAX,
	    "schema 'urn:example:nope' is not defined");
	expect_bad("dup-rtype", SCIM_E_INVALID_SYNTAX, "defined twice");
	expect_bad("bad-endpoint", SCIM_E_INVALID_SYNTAX, "endpoint 'Things'");
	expect_bad(
	    "ext-is-core", SCIM_E_INVALID_SYNTAX, "both core and extension");
}

Test(schema_bad, service_provider_config)
{
	expect_bad("no-spc", SCIM_E_INTERNAL, "service-provider-config.json");
	expect_bad("spc-no-filter", SCIM_E_INVALID_SYNTAX,
	    "'filter' must be an object");
}

Test(schema_bad, missing_directory)
{
	struct schema_registry *r = (void *)1;
	struct scim_err err = {0};

	cr_assert_eq(
	    schema_registry_load("/nonexistent/scim-schemas", &r, &err),
	    SCIM_E_INTERNAL);
	cr_assert_null(r);
	cr_assert_not_null(strstr(err.detail, "/nonexistent/scim-schemas"));
	schema_registry_free(NULL);
}
