/*
 * CredentialTypes over HTTP: the demo tenant's starter types, the
 * resource's create/read/search/replace/patch/delete with its own
 * permissions, and the rules a type sets for Credentials as clients see
 * them: status codes, scimType and details that name the attribute, the
 * rule and the Nevis error kind; owners that must be Users of the
 * tenant; types in use that cannot be deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define TBASE "/scim/demo/v2/CredentialTypes"
#define CBASE "/scim/demo/v2/Credential"
#define CRED(fields) "{\"schemas\":[\"" HARNESS_CRED_URN "\"]," fields "}"
#define TYPE(fields) "{\"schemas\":[\"" HARNESS_CTYPE_URN "\"]," fields "}"
#define PATCH_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define P_CT_READ "credentialsIssuance:read:credentialType"
#define P_CT_CREATE "credentialsIssuance:create:credentialType"

TestSuite(ctypes, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 60);

static const char *
js(struct harness_resp *r, const char *path)
{
	return harness_jstr(harness_json(r), path);
}

static int
has(const char *s, const char *sub)
{
	return s != NULL && strstr(s, sub) != NULL;
}

/* POSTs a credential to demo, expecting status (and scimType for
 * errors) and a detail holding want (NULL: not checked). */
static void
post_cred(const char *body, int status, const char *type, const char *want)
{
	struct harness_resp r;

	harness_post(&harness_fx, harness_fx.admin_token, CBASE, body, &r);
	if (status < 300)
		EXPECT_STATUS(&r, status);
	else
		EXPECT_ERROR(&r, status, type);
	if (want != NULL)
		cr_expect(has(js(&r, "detail"), want), "want '%s' in: %s", want,
		    js(&r, "detail"));
	harness_resp_free(&r);
}

ITEST(ctypes, demo_starts_with_useful_types)
{
	static const char *const codes[] = {
	    "CT_ACODE", "CT_BADGE", "CT_OTP", "CT_PKI"};
	struct harness_resp r;
	char p[64];
	size_t i;

	harness_get(
	    &harness_fx, harness_fx.admin_token, TBASE "?sortBy=id", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_eq(harness_jlen(harness_json(&r), "Resources"), 4);
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "Resources.%zu.id", i);
		cr_expect_str_eq(js(&r, p), codes[i]);
	}
	cr_expect_str_eq(js(&r, "Resources.1.management.mode"), "AUTOMATED");
	cr_expect_str_eq(js(&r, "Resources.2.management.mode"), "MANAGED");
	harness_resp_free(&r);
	harness_get(&harness_fx, harness_fx.admin_token, TBASE "/CT_ACODE", &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(js(&r, "attributes.0.name"), "ACTIVATION_CODE");
	cr_expect_str_eq(js(&r, "meta.resourceType"), "CredentialType");
	cr_expect(has(js(&r, "meta.location"), TBASE "/CT_ACODE"));
	harness_resp_free(&r);
}

ITEST(ctypes, the_demo_activation_code_follows_its_rules)
{
	struct harness_resp r;

	post_cred(CRED("\"type\":\"CT_ACODE\""), 400, "invalidValue",
	    "attributes[name eq \"ACTIVATION_CODE\"]: required by credential "
	    "type CT_ACODE but has no value (mandatoryParameterMissing)");
	post_cred(CRED("\"type\":\"CT_ACODE\",\"attributes\":[{\"name\":"
		       "\"ACTIVATION_CODE\",\"value\":\"abcd\"}]"),
	    400, "invalidValue", "(stringregex)");
	post_cred(
	    CRED("\"type\":\"CT_ACODE\",\"attributes\":[{\"name\":"
		 "\"ACTIVATION_CODE\",\"value\":\"AAAA-BBBB-CCCC-DDDD-E\"}]"),
	    400, "invalidValue", "longer than maxLength 19 (stringmaxlen)");
	harness_post(&harness_fx, harness_fx.admin_token, CBASE,
	    CRED("\"type\":\"CT_ACODE\",\"attributes\":[{\"name\":"
		 "\"ACTIVATION_CODE\",\"value\":\"AB12-CD34\"}]"),
	    &r);
	EXPECT_STATUS(&r, 201);
	/* readOnly, a default added, PENDING, 30 days of validity */
	cr_expect_eq(
	    harness_jbool(harness_json(&r), "attributes.0.readOnly"), 1);
	cr_expect_str_eq(
	    js(&r, "attributes.1.name"), "EXPIRY_THRESHOLD_OF_ACTIVATION_CODE");
	cr_expect_str_eq(js(&r, "attributes.1.value"), "-1");
	cr_expect_str_eq(js(&r, "status.status"), "PENDING");
	cr_expect_not_null(js(&r, "status.expiryDate"));
	harness_resp_free(&r);
	post_cred(CRED("\"type\":\"CT_ACODE\",\"attributes\":[{\"name\":"
		       "\"ACTIVATION_CODE\",\"value\":\"AB12-CD34\"}]"),
	    409, "uniqueness", "(propertyUniquenessViolated)");
}

ITEST(ctypes, create_read_search_replace_patch_delete)
{
	struct harness_resp r;
	struct harness_req rq = {.method = "PATCH",
	    .path = TBASE "/CT_NEW",
	    .token = harness_fx.admin_token,
	    .body = "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
		    "\"replace\",\"path\":\"validityDays\",\"value\":90}]}"};

	harness_post(&harness_fx, harness_fx.admin_token, TBASE,
	    TYPE("\"id\":\"CT_NEW\",\"name\":\"New\",\"attributes\":["
		 "{\"name\":\"PIN\",\"maxLength\":8,\"pattern\":\"[0-9]+\"}]"),
	    &r);
	EXPECT_STATUS(&r, 201);
	cr_expect(has(harness_header(&r, "Location"), TBASE "/CT_NEW"));
	cr_expect_str_eq(harness_header(&r, "ETag"), "W/\"1\"");
	cr_expect_str_eq(js(&r, "initialStatus"), "PENDING");
	harness_resp_free(&r);
	harness_post(&harness_fx, harness_fx.admin_token, TBASE "/.search",
	    "{\"schemas\":[\"" HARNESS_SEARCH_URN "\"],"
	    "\"filter\":\"attributes.name eq \\\"PIN\\\"\"}",
	    &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(js(&r, "Resources.0.id"), "CT_NEW");
	cr_expect_eq(harness_jlen(harness_json(&r), "Resources"), 1);
	harness_resp_free(&r);
	harness_put(&harness_fx, harness_fx.admin_token, TBASE "/CT_NEW",
	    TYPE("\"name\":\"Renamed\",\"initialStatus\":\"ACTIVE\""), &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(js(&r, "name"), "Renamed");
	cr_expect_str_eq(js(&r, "id"), "CT_NEW");
	cr_expect_str_eq(harness_header(&r, "ETag"), "W/\"2\"");
	harness_resp_free(&r);
	harness_send(&harness_fx, &rq, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(js(&r, "name"), "Renamed");
	{
		int64_t days = 0;

		cr_expect(
		    harness_jint(harness_json(&r), "validityDays", &days));
		cr_expect_eq(days, 90);
	}
	harness_resp_free(&r);
	harness_delete(
	    &harness_fx, harness_fx.admin_token, TBASE "/CT_NEW", &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	harness_get(&harness_fx, harness_fx.admin_token, TBASE "/CT_NEW", &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(ctypes, bad_definitions_are_400)
{
	static const char *const bodies[][2] = {
	    {TYPE("\"name\":\"no id\""), "id: required"},
	    {TYPE("\"id\":\"ct-bad\",\"name\":\"n\""), "is not a type code"},
	    {TYPE("\"id\":\"CT_B\",\"name\":\"n\",\"attributes\":[{\"name\":"
		  "\"P\",\"pattern\":\"([a-z]\"}]"),
		"pattern is not a valid regular expression"},
	    {TYPE("\"id\":\"CT_B\",\"name\":\"n\",\"attributes\":[{\"name\":"
		  "\"P\",\"pattern\":\"([a-z]\"}]"),
		"(regexinv)"},
	    {TYPE("\"id\":\"CT_B\",\"name\":\"n\",\"attributes\":[{\"name\":"
		  "\"P\"},{\"name\":\"P\"}]"),
		"defined more than once"},
	    {TYPE("\"id\":\"CT_B\",\"name\":\"n\",\"attributes\":[{\"name\":"
		  "\"P\",\"maxLength\":0}]"),
		"maxLength"},
	    {TYPE("\"id\":\"CT_B\",\"name\":\"n\",\"attributes\":[{\"name\":"
		  "\"P\",\"type\":\"INT\",\"defaultValue\":\"x\"}]"),
		"defaultValue"},
	    {TYPE("\"id\":\"CT_B\",\"name\":\"n\",\"attributes\":[{\"name\":"
		  "\"P\",\"source\":\"password\"}]"),
		"never returned"},
	};
	struct harness_resp r;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		harness_post(&harness_fx, harness_fx.admin_token, TBASE,
		    bodies[i][0], &r);
		EXPECT_ERROR(&r, 400, "invalidValue");
		cr_expect(has(js(&r, "detail"), bodies[i][1]),
		    "want '%s' in: %s", bodies[i][1], js(&r, "detail"));
		harness_resp_free(&r);
	}
	harness_post(&harness_fx, harness_fx.admin_token, TBASE,
	    TYPE("\"id\":\"CT_OTP\",\"name\":\"again\""), &r);
	EXPECT_ERROR(&r, 409, "uniqueness");
	harness_resp_free(&r);
}

ITEST(ctypes, credential_rules_as_clients_see_them)
{
	harness_ctype(&harness_fx, harness_fx.admin_token, "demo", "CT_RULES",
	    "[{\"name\":\"PIN\",\"maxLength\":8,\"pattern\":\"[0-9]{4,8}\"},"
	    "{\"name\":\"ISSUED\",\"type\":\"DATE\"},"
	    "{\"name\":\"SERIAL\",\"required\":true,\"uniqueness\":\"tenant\"}]",
	    NULL);
	post_cred(CRED("\"type\":\"CT_NOPE\""), 400, "invalidValue",
	    "no credential type \"CT_NOPE\"");
	post_cred(CRED("\"type\":\"CT_RULES\",\"attributes\":["
		       "{\"name\":\"SERIAL\",\"value\":\"1\"},"
		       "{\"name\":\"PIN\",\"value\":\"123456789\"}]"),
	    400, "invalidValue",
	    "attributes[name eq \"PIN\"].value: longer than maxLength 8 "
	    "(stringmaxlen)");
	post_cred(CRED("\"type\":\"CT_RULES\",\"attributes\":["
		       "{\"name\":\"SERIAL\",\"value\":\"1\"},"
		       "{\"name\":\"PIN\",\"value\":\"12ab\"}]"),
	    400, "invalidValue", "(stringregex)");
	post_cred(
	    CRED("\"type\":\"CT_RULES\",\"attributes\":["
		 "{\"name\":\"SERIAL\",\"value\":\"1\"},"
		 "{\"name\":\"ISSUED\",\"value\":\"2024-13-01T00:00:00Z\"}]"),
	    400, "invalidValue", "(invalidDate)");
	post_cred(CRED("\"type\":\"CT_RULES\",\"attributes\":["
		       "{\"name\":\"SERIAL\",\"value\":\"1\"},"
		       "{\"name\":\"COLOR\",\"value\":\"red\"}]"),
	    400, "invalidValue", "(invalidParameter)");
	post_cred(CRED("\"type\":\"CT_RULES\""), 400, "invalidValue",
	    "(mandatoryParameterMissing)");
	post_cred(CRED("\"type\":\"CT_RULES\",\"attributes\":["
		       "{\"name\":\"SERIAL\",\"value\":\"1\"}]"),
	    201, NULL, NULL);
	post_cred(CRED("\"type\":\"CT_RULES\",\"attributes\":["
		       "{\"name\":\"SERIAL\",\"value\":\"1\"}]"),
	    409, "uniqueness", "(propertyUniquenessViolated)");
}

ITEST(ctypes, a_type_in_use_cannot_be_deleted)
{
	struct harness_resp r;
	char id[128], path[256];

	harness_ctype(
	    &harness_fx, harness_fx.admin_token, "demo", "CT_USED", NULL, NULL);
	harness_create(&harness_fx, harness_fx.admin_token, "demo",
	    CRED("\"type\":\"CT_USED\""), id, sizeof(id));
	harness_delete(
	    &harness_fx, harness_fx.admin_token, TBASE "/CT_USED", &r);
	EXPECT_ERROR(&r, 409, NULL);
	cr_expect(has(js(&r, "detail"), "still has 1 credential"), "%s",
	    js(&r, "detail"));
	harness_resp_free(&r);
	snprintf(path, sizeof(path), CBASE "/%s", id);
	harness_delete(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	harness_delete(
	    &harness_fx, harness_fx.admin_token, TBASE "/CT_USED", &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
}

ITEST(ctypes, owners_are_users_of_the_tenant)
{
	struct harness_resp r;
	char user[128], body[512], want[300];

	post_cred(CRED("\"type\":\"CT_OTP\",\"attributes\":[{\"name\":"
		       "\"SERIAL\",\"value\":\"T-1\"}],\"owner\":{\"value\":"
		       "\"nobody\"}"),
	    400, "invalidValue", "owner.value: no User \"nobody\"");
	harness_user(&harness_fx, harness_fx.admin_token, "demo", "kim",
	    "Kim Lee", user, sizeof(user));
	snprintf(body, sizeof(body),
	    CRED("\"type\":\"CT_OTP\",\"attributes\":[{\"name\":\"SERIAL\","
		 "\"value\":\"T-1\"}],\"owner\":{\"value\":\"%s\"}"),
	    user);
	harness_post(&harness_fx, harness_fx.admin_token, CBASE, body, &r);
	EXPECT_STATUS(&r, 201);
	cr_expect_str_eq(js(&r, "owner.display"), "Kim Lee");
	snprintf(want, sizeof(want), "/scim/demo/v2/Users/%s", user);
	cr_expect(has(js(&r, "owner.$ref"), want), "%s", js(&r, "owner.$ref"));
	cr_expect(strncmp(js(&r, "owner.$ref"), "http", 4) == 0);
	/* the demo OTP type starts ACTIVE and fills its defaults */
	cr_expect_str_eq(js(&r, "status.status"), "ACTIVE");
	cr_expect_eq(harness_jlen(harness_json(&r), "attributes"), 5);
	harness_resp_free(&r);
}

ITEST(ctypes, types_belong_to_their_tenant)
{
	char tok2[HARNESS_TOKEN_MAX];
	struct harness_resp r;

	cr_assert_eq(harness_tenant_add(&harness_fx, "t2"), 0);
	cr_assert_eq(
	    harness_token_create(&harness_fx, "t2", NULL, tok2, sizeof(tok2)),
	    0);
	/* a new tenant starts without types: only demo gets the starters */
	harness_get(&harness_fx, tok2, "/scim/t2/v2/CredentialTypes", &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(harness_jlen(harness_json(&r), "Resources"), 0);
	harness_resp_free(&r);
	harness_post(&harness_fx, tok2, "/scim/t2/v2/Credential",
	    CRED("\"type\":\"CT_OTP\""), &r);
	EXPECT_ERROR(&r, 400, "invalidValue");
	harness_resp_free(&r);
	/* the same code in two tenants */
	harness_ctype(&harness_fx, tok2, "t2", "CT_OTP", NULL, NULL);
	harness_post(&harness_fx, tok2, "/scim/t2/v2/Credential",
	    CRED("\"type\":\"CT_OTP\""), &r);
	EXPECT_STATUS(&r, 201);
	harness_resp_free(&r);
	harness_get(
	    &harness_fx, tok2, "/scim/t2/v2/CredentialTypes/CT_ACODE", &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(ctypes, routes_need_the_credential_type_permissions)
{
	const char *perms[] = {P_CT_READ, NULL};
	char tok[HARNESS_TOKEN_MAX];
	struct harness_resp r;

	cr_assert_eq(
	    harness_token_create(&harness_fx, "demo", perms, tok, sizeof(tok)),
	    0);
	harness_get(&harness_fx, tok, TBASE, &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	harness_post(&harness_fx, tok, TBASE,
	    TYPE("\"id\":\"CT_NO\",\"name\":\"n\""), &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	harness_delete(&harness_fx, tok, TBASE "/CT_OTP", &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	/* the credentials permission does not open types */
	perms[0] = "credentialsIssuance:read:credentials";
	cr_assert_eq(
	    harness_token_create(&harness_fx, "demo", perms, tok, sizeof(tok)),
	    0);
	harness_get(&harness_fx, tok, TBASE, &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	perms[0] = P_CT_CREATE;
	cr_assert_eq(
	    harness_token_create(&harness_fx, "demo", perms, tok, sizeof(tok)),
	    0);
	harness_post(&harness_fx, tok, TBASE,
	    TYPE("\"id\":\"CT_YES\",\"name\":\"n\""), &r);
	EXPECT_STATUS(&r, 201);
	harness_resp_free(&r);
}

ITEST(ctypes, discovery_serves_the_type)
{
	struct harness_resp r;

	harness_get(&harness_fx, harness_fx.admin_token,
	    "/scim/demo/v2/ResourceTypes/CredentialType", &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(js(&r, "endpoint"), "/CredentialTypes");
	cr_expect_str_eq(js(&r, "schema"), HARNESS_CTYPE_URN);
	harness_resp_free(&r);
	harness_get(&harness_fx, harness_fx.admin_token,
	    "/scim/demo/v2/Schemas/" HARNESS_CTYPE_URN, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(js(&r, "name"), "CredentialType");
	harness_resp_free(&r);
}
