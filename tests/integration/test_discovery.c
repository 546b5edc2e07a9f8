/*
 * Discovery endpoints (RFC 7644 §4, RFC 7643 §5-7): ServiceProviderConfig,
 * ResourceTypes (list and one) and Schemas (list and one), as served by
 * the running daemon from scim-schemas/.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "harness.h"

#define BASE "/scim/demo/v2"
#define SPC_URN "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"

TestSuite(discovery, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 60);

static void
get_ok(const char *path, struct harness_resp *r)
{
	harness_get(&harness_fx, harness_fx.admin_token, path, r);
	EXPECT_STATUS(r, 200);
	cr_assert_not_null(harness_json(r), "%s: body is not JSON", path);
}

static int
schemas_contains(const struct json_value *v, const char *urn)
{
	long i, n = harness_jlen(v, "schemas");
	char p[32];

	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "schemas.%ld", i);
		if (strcmp(harness_jstr(v, p) ? harness_jstr(v, p) : "", urn) ==
		    0)
			return 1;
	}
	return 0;
}

/* The index of the Resources item whose key equals value, or -1. */
static long
find_resource(const struct json_value *list, const char *key, const char *value)
{
	long i, n = harness_jlen(list, "Resources");
	char p[64];
	const char *s;

	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "Resources.%ld.%s", i, key);
		s = harness_jstr(list, p);
		if (s != NULL && strcmp(s, value) == 0)
			return i;
	}
	return -1;
}

static void
expect_list(const struct json_value *v)
{
	int64_t total = -1;

	cr_assert(schemas_contains(v, HARNESS_LIST_URN));
	cr_assert(harness_jint(v, "totalResults", &total),
	    "totalResults is not an integer");
	cr_assert_geq(total, 1);
	cr_assert_geq(harness_jlen(v, "Resources"), 1);
}

ITEST(discovery, service_provider_config)
{
	static const char *features[] = {
	    "patch", "bulk", "filter", "changePassword", "sort", "etag"};
	struct harness_resp r;
	const struct json_value *v;
	char p[64];
	size_t i;

	get_ok(BASE "/ServiceProviderConfig", &r);
	v = harness_json(&r);
	cr_assert(schemas_contains(v, SPC_URN));
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		snprintf(p, sizeof(p), "%s.supported", features[i]);
		cr_expect_neq(harness_jbool(v, p), -1,
		    "%s is not a boolean (RFC 7643 §5)", p);
	}
	/* what this server does support */
	cr_expect_eq(harness_jbool(v, "filter.supported"), 1);
	cr_expect_eq(harness_jbool(v, "etag.supported"), 1);
	cr_expect_eq(harness_jbool(v, "sort.supported"), 1);
	cr_expect_eq(harness_jbool(v, "patch.supported"), 1);
	{
		int64_t max = 0;

		cr_expect(harness_jint(v, "filter.maxResults", &max) && max > 0,
		    "filter.maxResults must be a positive integer");
	}
	cr_expect_geq(harness_jlen(v, "authenticationSchemes"), 1);
	harness_resp_free(&r);
}

ITEST(discovery, resource_types_list_has_credential)
{
	struct harness_resp r;
	const struct json_value *v;
	char p[64];
	long i;

	get_ok(BASE "/ResourceTypes", &r);
	v = harness_json(&r);
	expect_list(v);
	i = find_resource(v, "name", "Credential");
	cr_assert_geq(i, 0, "no Credential resource type");
	snprintf(p, sizeof(p), "Resources.%ld.endpoint", i);
	cr_assert_str_eq(harness_jstr(v, p), "/Credential");
	snprintf(p, sizeof(p), "Resources.%ld.schema", i);
	cr_assert_str_eq(harness_jstr(v, p), HARNESS_CRED_URN);
	harness_resp_free(&r);
}

ITEST(discovery, resource_type_credential)
{
	struct harness_resp r;
	const struct json_value *v;

	get_ok(BASE "/ResourceTypes/Credential", &r);
	v = harness_json(&r);
	cr_assert_str_eq(harness_jstr(v, "name"), "Credential");
	cr_assert_str_eq(harness_jstr(v, "endpoint"), "/Credential");
	cr_assert_str_eq(harness_jstr(v, "schema"), HARNESS_CRED_URN);
	cr_assert(schemas_contains(
	    v, "urn:ietf:params:scim:schemas:core:2.0:ResourceType"));
	harness_resp_free(&r);
}

ITEST(discovery, unknown_resource_type_is_404)
{
	struct harness_resp r;

	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "/ResourceTypes/Nope", &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(discovery, schemas_list_has_credential)
{
	struct harness_resp r;
	const struct json_value *v;

	get_ok(BASE "/Schemas", &r);
	v = harness_json(&r);
	expect_list(v);
	cr_assert_geq(find_resource(v, "id", HARNESS_CRED_URN), 0,
	    "Schemas does not list %s", HARNESS_CRED_URN);
	harness_resp_free(&r);
}

/* The attribute definition named name in v's attributes, or -1. */
static long
find_attr(const struct json_value *v, const char *list, const char *name)
{
	long i, n = harness_jlen(v, list);
	char p[128];
	const char *s;

	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s.%ld.name", list, i);
		s = harness_jstr(v, p);
		if (s != NULL && strcasecmp(s, name) == 0)
			return i;
	}
	return -1;
}

ITEST(discovery, credential_schema)
{
	static const char *attrs[] = {
	    "type", "status", "attributes", "owner", "totalUsed"};
	static const char *status_subs[] = {
	    "status", "active", "startDate", "expiryDate"};
	struct harness_resp r;
	const struct json_value *v;
	char p[64];
	long i, st;
	size_t k;

	get_ok(BASE "/Schemas/" HARNESS_CRED_URN, &r);
	v = harness_json(&r);
	cr_assert_str_eq(harness_jstr(v, "id"), HARNESS_CRED_URN);
	for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++)
		cr_expect_geq(find_attr(v, "attributes", attrs[k]), 0,
		    "schema lacks %s", attrs[k]);
	st = find_attr(v, "attributes", "status");
	cr_assert_geq(st, 0);
	snprintf(p, sizeof(p), "attributes.%ld.subAttributes", st);
	for (k = 0; k < sizeof(status_subs) / sizeof(status_subs[0]); k++)
		cr_expect_geq(find_attr(v, p, status_subs[k]), 0,
		    "status lacks %s", status_subs[k]);
	/* type is required and immutable once set */
	i = find_attr(v, "attributes", "type");
	snprintf(p, sizeof(p), "attributes.%ld.required", i);
	cr_expect_eq(harness_jbool(v, p), 1);
	snprintf(p, sizeof(p), "attributes.%ld.mutability", i);
	cr_expect_str_eq(harness_jstr(v, p), "immutable");
	harness_resp_free(&r);
}

ITEST(discovery, unknown_schema_is_404)
{
	struct harness_resp r;

	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "/Schemas/urn:example:nope", &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(discovery, discovery_needs_a_token)
{
	static const char *paths[] = {BASE "/ServiceProviderConfig",
	    BASE "/ResourceTypes", BASE "/ResourceTypes/Credential",
	    BASE "/Schemas", BASE "/Schemas/" HARNESS_CRED_URN};
	struct harness_resp r;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		harness_get(&harness_fx, NULL, paths[i], &r);
		EXPECT_ERROR(&r, 401, NULL);
		harness_resp_free(&r);
	}
}

ITEST(discovery, discovery_is_per_tenant)
{
	char tok[HARNESS_TOKEN_MAX];
	struct harness_resp r;

	cr_assert_eq(harness_tenant_add(&harness_fx, "t2"), 0);
	cr_assert_eq(
	    harness_token_create(&harness_fx, "t2", NULL, tok, sizeof(tok)), 0);
	harness_get(&harness_fx, tok, "/scim/t2/v2/Schemas", &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	harness_get(&harness_fx, tok, "/scim/nosuch/v2/Schemas", &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}
