/*
 * The Credential resource over HTTP: create (RFC 7644 §3.3), get with
 * attribute projection (§3.9), replace with HID's semantics (omitted
 * sections unchanged, only status.status and attributes updatable),
 * delete (§3.6), dates and media types. State and ETags are in
 * test_credential_state.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define BASE "/scim/demo/v2/Credential"
#define CRED(fields) "{\"schemas\":[\"" HARNESS_CRED_URN "\"]," fields "}"
#define ATTR(n, v, ro) \
	"{\"name\":\"" n "\",\"type\":\"STRING\",\"value\":\"" v \
	"\",\"readOnly\":" ro "}"

/* The types these tests use: the demo tenant's own CT_ACODE has rules
 * of its own (test_credential_types.c). */
#define TEST_DEFS \
	"[{\"name\":\"MY_ATTR0\"},{\"name\":\"MY_ATTR1\"}," \
	"{\"name\":\"MY_ATTR2\"},{\"name\":\"A\"},{\"name\":\"KEEP\"}," \
	"{\"name\":\"FREE\"},{\"name\":\"FIXED\",\"readOnly\":true}]"

static void
setup(void)
{
	harness_fx_setup();
	harness_ctype(&harness_fx, harness_fx.admin_token, "demo", "CT_TEST",
	    TEST_DEFS, NULL);
	harness_ctype(&harness_fx, harness_fx.admin_token, "demo", "CT_OTHER",
	    TEST_DEFS, NULL);
}

TestSuite(
    credential, .init = setup, .fini = harness_fx_teardown, .timeout = 60);

static const char *tok;

static void
setup_tok(void)
{
	tok = harness_fx.admin_token;
}

static char *
path_of(const char *id)
{
	static char p[512];

	snprintf(p, sizeof(p), BASE "/%s", id);
	return p;
}

static void
create(const char *body, char *id)
{
	setup_tok();
	harness_create(&harness_fx, tok, "demo", body, id, 128);
}

static void
get_ok(const char *id, struct harness_resp *r)
{
	harness_get(&harness_fx, tok, path_of(id), r);
	EXPECT_STATUS(r, 200);
	cr_assert_not_null(harness_json(r));
}

static int
put(const char *id, const char *body, struct harness_resp *r)
{
	harness_put(&harness_fx, tok, path_of(id), body, r);
	return r->status;
}

static const char *
js(struct harness_resp *r, const char *path)
{
	return harness_jstr(harness_json(r), path);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

ITEST(credential, create_minimal)
{
	struct harness_resp r;
	const char *loc, *id, *v;

	setup_tok();
	harness_post(&harness_fx, tok, BASE, CRED("\"type\":\"CT_TEST\""), &r);
	EXPECT_STATUS(&r, 201);
	id = js(&r, "id");
	cr_assert(id != NULL && *id != '\0');
	cr_assert_str_eq(js(&r, "type"), "CT_TEST");
	cr_assert_str_eq(js(&r, "status.status"), "PENDING");
	cr_assert_eq(harness_jbool(harness_json(&r), "status.active"), 0);
	cr_assert_str_eq(js(&r, "totalUsed"), "0");
	cr_assert_str_eq(js(&r, "meta.resourceType"), "Credential");
	cr_assert_str_eq(js(&r, "meta.version"), "W/\"1\"");
	cr_assert_str_eq(harness_header(&r, "ETag"), "W/\"1\"");
	v = js(&r, "meta.created");
	cr_assert(v != NULL && ends_with(v, "Z"), "meta.created %s", v);
	cr_assert_str_eq(js(&r, "meta.lastModified"), v);
	loc = harness_header(&r, "Location");
	cr_assert_not_null(loc);
	cr_assert_str_eq(js(&r, "meta.location"), loc);
	cr_assert(strncmp(loc, "http", 4) == 0 && ends_with(loc, path_of(id)),
	    "Location %s", loc);
	cr_assert_eq(harness_jlen(harness_json(&r), "schemas"), 1);
	cr_assert_str_eq(js(&r, "schemas.0"), HARNESS_CRED_URN);
	harness_resp_free(&r);
}

ITEST(credential, create_full_and_get_round_trip)
{
	struct harness_resp r;
	char id[128], user[128], body[1024], ref[300];

	setup_tok();
	harness_user(
	    &harness_fx, tok, "demo", "jdoe", "Jane Doe", user, sizeof(user));
	snprintf(body, sizeof(body),
	    CRED(
		"\"type\":\"CT_TEST\",\"externalId\":\"jdoe-1\","
		"\"status\":{\"status\":\"ACTIVE\","
		"\"startDate\":\"2018-11-21T14:14:59Z\","
		"\"expiryDate\":\"2099-11-21T14:14:59Z\"},"
		"\"attributes\":[" ATTR("MY_ATTR0", "value0", "false") "," ATTR(
		    "FIXED", "value1",
		    "false") "],"
			     "\"owner\":{\"value\":\"%s\",\"display\":\"J Doe\"}"),
	    user);
	create(body, id);
	get_ok(id, &r);
	cr_assert_str_eq(js(&r, "id"), id);
	cr_assert_str_eq(js(&r, "externalId"), "jdoe-1");
	cr_assert_str_eq(js(&r, "status.status"), "ACTIVE");
	cr_assert_eq(harness_jbool(harness_json(&r), "status.active"), 1);
	cr_assert_str_eq(js(&r, "status.startDate"), "2018-11-21T14:14:59Z");
	cr_assert_str_eq(js(&r, "status.expiryDate"), "2099-11-21T14:14:59Z");
	cr_assert_eq(harness_jlen(harness_json(&r), "attributes"), 2);
	cr_assert_str_eq(js(&r, "attributes.0.name"), "MY_ATTR0");
	cr_assert_str_eq(js(&r, "attributes.0.type"), "STRING");
	cr_assert_str_eq(js(&r, "attributes.0.value"), "value0");
	/* readOnly is the definition's, whatever the client said */
	cr_assert_eq(
	    harness_jbool(harness_json(&r), "attributes.0.readOnly"), 0);
	cr_assert_eq(
	    harness_jbool(harness_json(&r), "attributes.1.readOnly"), 1);
	cr_assert_str_eq(js(&r, "owner.value"), user);
	/* owner.display and $ref are the server's: the User's displayName
	 * and its URI */
	cr_assert_str_eq(js(&r, "owner.display"), "Jane Doe");
	snprintf(ref, sizeof(ref), "/scim/demo/v2/Users/%s", user);
	cr_assert(
	    ends_with(js(&r, "owner.$ref"), ref), "%s", js(&r, "owner.$ref"));
	cr_assert_str_eq(harness_header(&r, "ETag"), js(&r, "meta.version"));
	harness_resp_free(&r);
}

ITEST(credential, create_requires_type)
{
	struct harness_resp r;

	setup_tok();
	harness_post(&harness_fx, tok, BASE, CRED("\"externalId\":\"x\""), &r);
	EXPECT_ERROR(&r, 400, NULL);
	harness_resp_free(&r);
	harness_post(&harness_fx, tok, BASE, CRED("\"type\":null"), &r);
	EXPECT_ERROR(&r, 400, NULL);
	harness_resp_free(&r);
}

/* An empty credential type names nothing: it is as good as missing. */
ITEST(credential, create_rejects_an_empty_type)
{
	struct harness_resp r;

	setup_tok();
	harness_post(&harness_fx, tok, BASE, CRED("\"type\":\"\""), &r);
	EXPECT_ERROR(&r, 400, NULL);
	harness_resp_free(&r);
}

ITEST(credential, create_ignores_id_meta_active_and_total_used)
{
	struct harness_resp r;

	setup_tok();
	harness_post(&harness_fx, tok, BASE,
	    CRED("\"id\":\"chosen-by-client\",\"type\":\"CT_TEST\","
		 "\"meta\":{\"version\":\"W/\\\"77\\\"\","
		 "\"created\":\"2000-01-01T00:00:00Z\"},"
		 "\"status\":{\"status\":\"PENDING\",\"active\":true},"
		 "\"totalUsed\":\"42\""),
	    &r);
	EXPECT_STATUS(&r, 201);
	cr_assert_str_neq(js(&r, "id"), "chosen-by-client");
	cr_assert_str_eq(js(&r, "meta.version"), "W/\"1\"");
	cr_assert_str_neq(js(&r, "meta.created"), "2000-01-01T00:00:00Z");
	cr_assert_eq(harness_jbool(harness_json(&r), "status.active"), 0);
	cr_assert_str_eq(js(&r, "totalUsed"), "0");
	harness_resp_free(&r);
}

ITEST(credential, external_id_is_unique_per_tenant)
{
	char id[128], tok2[HARNESS_TOKEN_MAX];
	struct harness_resp r;

	create(CRED("\"type\":\"CT_TEST\",\"externalId\":\"dup\""), id);
	harness_post(&harness_fx, tok, BASE,
	    CRED("\"type\":\"CT_OTHER\",\"externalId\":\"dup\""), &r);
	EXPECT_ERROR(&r, 409, "uniqueness");
	harness_resp_free(&r);
	/* the same value in another tenant is fine */
	cr_assert_eq(harness_tenant_add(&harness_fx, "t2"), 0);
	cr_assert_eq(
	    harness_token_create(&harness_fx, "t2", NULL, tok2, sizeof(tok2)),
	    0);
	harness_ctype(&harness_fx, tok2, "t2", "CT_TEST", NULL, NULL);
	harness_post(&harness_fx, tok2, "/scim/t2/v2/Credential",
	    CRED("\"type\":\"CT_TEST\",\"externalId\":\"dup\""), &r);
	EXPECT_STATUS(&r, 201);
	harness_resp_free(&r);
	/* deleting the holder frees the value */
	harness_delete(&harness_fx, tok, path_of(id), &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	harness_post(&harness_fx, tok, BASE,
	    CRED("\"type\":\"CT_TEST\",\"externalId\":\"dup\""), &r);
	EXPECT_STATUS(&r, 201);
	harness_resp_free(&r);
}

ITEST(credential, start_after_expiry_is_400)
{
	struct harness_resp r;

	setup_tok();
	harness_post(&harness_fx, tok, BASE,
	    CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"ACTIVE\","
		 "\"startDate\":\"2030-01-01T00:00:00Z\","
		 "\"expiryDate\":\"2020-01-01T00:00:00Z\"}"),
	    &r);
	EXPECT_ERROR(&r, 400, NULL);
	harness_resp_free(&r);
}

ITEST(credential, invalid_dates_are_400)
{
	static const char *dates[] = {"notadate", "2018-13-01T00:00:00Z",
	    "2018-11-21", "2018-11-21T25:00:00Z", "2018-02-30T00:00:00Z"};
	struct harness_resp r;
	char body[512];
	size_t i;

	setup_tok();
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		snprintf(body, sizeof(body),
		    CRED("\"type\":\"CT_TEST\","
			 "\"status\":{\"expiryDate\":\"%s\"}"),
		    dates[i]);
		harness_post(&harness_fx, tok, BASE, body, &r);
		EXPECT_ERROR(&r, 400, NULL);
		harness_resp_free(&r);
	}
}

/* Creates with startDate given as `in`; the stored value must be `utc`
 * (prefix when the fraction may be kept or dropped). */
static void
check_date(const char *in, const char *utc_prefix)
{
	struct harness_resp r;
	char body[512], id[128];
	const char *got;

	snprintf(body, sizeof(body),
	    CRED("\"type\":\"CT_TEST\",\"status\":{\"startDate\":\"%s\"}"), in);
	create(body, id);
	get_ok(id, &r);
	got = js(&r, "status.startDate");
	cr_assert_not_null(got);
	cr_assert(strncmp(got, utc_prefix, strlen(utc_prefix)) == 0 &&
		ends_with(got, "Z"),
	    "%s was written back as %s, expected %s...Z", in, got, utc_prefix);
	harness_resp_free(&r);
}

ITEST(credential, dates_in_every_accepted_form_come_back_in_utc)
{
	check_date("2018-11-21T14:14:59Z", "2018-11-21T14:14:59");
	check_date("2018-11-21T14:14:59.123Z", "2018-11-21T14:14:59");
	check_date("2018-11-21T14:14:59+0200", "2018-11-21T12:14:59");
	check_date("2018-11-21T14:14:59+02:00", "2018-11-21T12:14:59");
	check_date("2018-11-21T00:14:59-01:30", "2018-11-21T01:44:59");
	check_date("2018-11-21T01:00:00+02:00", "2018-11-20T23:00:00");
}

ITEST(credential, get_unknown_is_404)
{
	struct harness_resp r;

	setup_tok();
	harness_get(&harness_fx, tok, path_of("does-not-exist"), &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(credential, get_with_attributes_and_excluded_attributes)
{
	struct harness_resp r;
	const struct json_value *v;
	char id[128], p[1024];

	create(CRED("\"type\":\"CT_TEST\",\"externalId\":\"proj\","
		    "\"attributes\":[" ATTR("A", "1", "false") "]"),
	    id);
	snprintf(p, sizeof(p), "%s?attributes=externalId", path_of(id));
	harness_get(&harness_fx, tok, p, &r);
	EXPECT_STATUS(&r, 200);
	v = harness_json(&r);
	cr_assert_str_eq(harness_jstr(v, "id"), id);
	cr_assert_str_eq(harness_jstr(v, "externalId"), "proj");
	cr_assert_null(harness_jpath(v, "type"));
	cr_assert_null(harness_jpath(v, "attributes"));
	harness_resp_free(&r);

	snprintf(p, sizeof(p), "%s?excludedAttributes=attributes,owner",
	    path_of(id));
	harness_get(&harness_fx, tok, p, &r);
	EXPECT_STATUS(&r, 200);
	v = harness_json(&r);
	cr_assert_str_eq(harness_jstr(v, "id"), id);
	cr_assert_str_eq(harness_jstr(v, "type"), "CT_TEST");
	cr_assert_null(harness_jpath(v, "attributes"));
	harness_resp_free(&r);

	snprintf(p, sizeof(p), "%s?attributes=status.status", path_of(id));
	harness_get(&harness_fx, tok, p, &r);
	EXPECT_STATUS(&r, 200);
	v = harness_json(&r);
	cr_assert_str_eq(harness_jstr(v, "status.status"), "PENDING");
	cr_assert_null(harness_jpath(v, "type"));
	harness_resp_free(&r);
}

ITEST(credential, api_version_and_unknown_parameters_are_accepted)
{
	struct harness_resp r;
	char id[128], p[1024];

	setup_tok();
	harness_post(&harness_fx, tok, BASE "?api-version=2&foo=bar",
	    CRED("\"type\":\"CT_TEST\""), &r);
	EXPECT_STATUS(&r, 201);
	snprintf(id, sizeof(id), "%s", js(&r, "id"));
	harness_resp_free(&r);
	snprintf(p, sizeof(p), "%s?api-version=3&unknown=1", path_of(id));
	harness_get(&harness_fx, tok, p, &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	harness_get(&harness_fx, tok, BASE "?api-version=1", &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
}

ITEST(credential, replace_updates_status_and_attributes)
{
	struct harness_resp r;
	char id[128];

	create(CRED("\"type\":\"CT_TEST\",\"externalId\":\"rep\","
		    "\"attributes\":[" ATTR("MY_ATTR0", "value0",
			"false") "," ATTR("MY_ATTR1", "value1", "false") "]"),
	    id);
	put(id,
	    CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"ACTIVE\"},"
		 "\"attributes\":[" ATTR("MY_ATTR1", "new value1",
		     "false") "," ATTR("MY_ATTR2", "two", "false") "]"),
	    &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_str_eq(js(&r, "status.status"), "ACTIVE");
	cr_assert_eq(harness_jlen(harness_json(&r), "attributes"), 2);
	cr_assert_str_eq(js(&r, "meta.version"), "W/\"2\"");
	cr_assert_str_eq(harness_header(&r, "ETag"), "W/\"2\"");
	harness_resp_free(&r);
	get_ok(id, &r);
	cr_assert_str_eq(js(&r, "externalId"), "rep");
	cr_assert_str_eq(js(&r, "status.status"), "ACTIVE");
	cr_assert_eq(harness_jlen(harness_json(&r), "attributes"), 2);
	{
		const char *a = js(&r, "attributes.0.name"),
			   *b = js(&r, "attributes.1.name");

		cr_assert(a != NULL && b != NULL);
		cr_assert(
		    strcmp(a, "MY_ATTR0") != 0 && strcmp(b, "MY_ATTR0") != 0,
		    "a removed attribute is still there");
	}
	cr_assert_str_eq(harness_header(&r, "ETag"), "W/\"2\"");
	cr_assert_not_null(js(&r, "meta.lastModified"));
	harness_resp_free(&r);
}

ITEST(credential, replace_leaves_omitted_sections_unchanged)
{
	struct harness_resp r;
	char id[128];

	create(CRED("\"type\":\"CT_TEST\","
		    "\"attributes\":[" ATTR("KEEP", "kept", "false") "]"),
	    id);
	/* no attributes: they stay */
	put(id, CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"ACTIVE\"}"),
	    &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	get_ok(id, &r);
	cr_assert_eq(harness_jlen(harness_json(&r), "attributes"), 1);
	cr_assert_str_eq(js(&r, "attributes.0.value"), "kept");
	cr_assert_str_eq(js(&r, "status.status"), "ACTIVE");
	harness_resp_free(&r);
	/* no status: it stays */
	put(id,
	    CRED("\"type\":\"CT_TEST\",\"attributes\":[" ATTR(
		"KEEP", "changed", "false") "]"),
	    &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	get_ok(id, &r);
	cr_assert_str_eq(js(&r, "status.status"), "ACTIVE");
	cr_assert_str_eq(js(&r, "attributes.0.value"), "changed");
	harness_resp_free(&r);
}

ITEST(credential, replace_cannot_change_type)
{
	struct harness_resp r;
	char id[128];

	create(CRED("\"type\":\"CT_TEST\""), id);
	put(id, CRED("\"type\":\"CT_OTHER\""), &r);
	EXPECT_ERROR(&r, 400, "mutability");
	harness_resp_free(&r);
	get_ok(id, &r);
	cr_assert_str_eq(js(&r, "type"), "CT_TEST");
	cr_assert_str_eq(js(&r, "meta.version"), "W/\"1\"");
	harness_resp_free(&r);
}

ITEST(credential, replace_cannot_remove_a_read_only_attribute)
{
	struct harness_resp r;
	char id[128];

	create(CRED("\"type\":\"CT_TEST\",\"attributes\":[" ATTR(
		   "FIXED", "f", "true") "," ATTR("FREE", "x", "false") "]"),
	    id);
	put(id,
	    CRED("\"type\":\"CT_TEST\",\"attributes\":[" ATTR(
		"FREE", "y", "false") "]"),
	    &r);
	EXPECT_ERROR(&r, 400, "mutability");
	harness_resp_free(&r);
	/* a rejected write changes nothing */
	get_ok(id, &r);
	cr_assert_eq(harness_jlen(harness_json(&r), "attributes"), 2);
	cr_assert_str_eq(js(&r, "meta.version"), "W/\"1\"");
	harness_resp_free(&r);
	/* keeping it while changing the other is fine */
	put(id,
	    CRED("\"type\":\"CT_TEST\",\"attributes\":[" ATTR(
		"FIXED", "f", "true") "," ATTR("FREE", "y", "false") "]"),
	    &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
}

ITEST(credential, replace_ignores_id_meta_active_and_total_used)
{
	struct harness_resp r;
	char id[128], created[64];

	create(CRED("\"type\":\"CT_TEST\""), id);
	get_ok(id, &r);
	snprintf(created, sizeof(created), "%s", js(&r, "meta.created"));
	harness_resp_free(&r);
	put(id,
	    CRED("\"id\":\"other-id\",\"type\":\"CT_TEST\","
		 "\"meta\":{\"created\":\"2000-01-01T00:00:00Z\","
		 "\"version\":\"W/\\\"99\\\"\",\"resourceType\":\"User\"},"
		 "\"status\":{\"status\":\"PENDING\",\"active\":true},"
		 "\"totalUsed\":\"42\""),
	    &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	get_ok(id, &r);
	cr_assert_str_eq(js(&r, "id"), id);
	cr_assert_str_eq(js(&r, "meta.created"), created);
	cr_assert_str_eq(js(&r, "meta.resourceType"), "Credential");
	cr_assert_str_neq(js(&r, "meta.version"), "W/\"99\"");
	cr_assert_eq(harness_jbool(harness_json(&r), "status.active"), 0);
	cr_assert_str_eq(js(&r, "totalUsed"), "0");
	harness_resp_free(&r);
	harness_get(&harness_fx, tok, path_of("other-id"), &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(credential, replace_unknown_is_404)
{
	struct harness_resp r;

	setup_tok();
	put("nope", CRED("\"type\":\"CT_TEST\""), &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(credential, delete_then_gone)
{
	struct harness_resp r;
	char id[128];

	create(CRED("\"type\":\"CT_TEST\""), id);
	harness_delete(&harness_fx, tok, path_of(id), &r);
	cr_assert_eq(r.status, 204);
	cr_assert_eq(r.body_len, 0);
	harness_resp_free(&r);
	harness_get(&harness_fx, tok, path_of(id), &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	harness_delete(&harness_fx, tok, path_of(id), &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	put(id, CRED("\"type\":\"CT_TEST\""), &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(credential, json_content_type_is_accepted_and_others_are_415)
{
	struct harness_resp r;
	struct harness_req rq = {.method = "POST",
	    .path = BASE,
	    .body = CRED("\"type\":\"CT_TEST\""),
	    .ctype = "application/json"};

	setup_tok();
	rq.token = tok;
	harness_send(&harness_fx, &rq, &r);
	EXPECT_STATUS(&r, 201);
	harness_resp_free(&r);
	rq.ctype = "text/plain";
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 415, NULL);
	harness_resp_free(&r);
	rq.ctype = "application/x-www-form-urlencoded";
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 415, NULL);
	harness_resp_free(&r);
}

ITEST(credential, put_with_wrong_content_type_is_415)
{
	struct harness_resp r;
	char id[128];
	struct harness_req rq = {.method = "PUT",
	    .body = CRED("\"type\":\"CT_TEST\""),
	    .ctype = "text/xml"};

	create(CRED("\"type\":\"CT_TEST\""), id);
	rq.token = tok;
	rq.path = path_of(id);
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 415, NULL);
	harness_resp_free(&r);
}

ITEST(credential, empty_and_non_object_bodies_are_400)
{
	static const char *bodies[] = {
	    "", "[]", "null", "\"x\"", "42", "{", "{}"};
	struct harness_resp r;
	size_t i;

	setup_tok();
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct harness_req rq = {.method = "POST",
		    .path = BASE,
		    .token = tok,
		    .body = bodies[i]};

		harness_send(&harness_fx, &rq, &r);
		EXPECT_ERROR(&r, 400, NULL);
		harness_resp_free(&r);
	}
}

ITEST(credential, keep_alive_serves_several_requests_on_one_connection)
{
	char req[2048], *all = NULL;
	size_t len = 0;
	int n;

	setup_tok();
	n = snprintf(req, sizeof(req),
	    "GET " BASE " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	    "\r\n"
	    "GET " BASE " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	    "Connection: close\r\n\r\n",
	    tok, tok);
	cr_assert_eq(harness_raw_all(harness_fx.port, req, (size_t)n,
			 HARNESS_TIMEOUT_MS, &all, &len),
	    0, "the server did not close after Connection: close");
	cr_assert(strncmp(all, "HTTP/1.1 200", 12) == 0);
	cr_assert_not_null(strstr(all + 12, "HTTP/1.1 200"),
	    "no second response on the same connection");
	free(all);
}
