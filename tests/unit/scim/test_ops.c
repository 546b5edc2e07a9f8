/*
 * The Credential operations through the SCIM layer, without sockets:
 * create, get, replace and delete, their errors, ETags and tenant
 * isolation (RFC 7644 §3.3, §3.4.1, §3.5.1, §3.6, §3.12, §3.14).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"
#include "util/date.h"

#define CRED(extra) \
	"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_ACODE\"" extra "}"
#define CRED_T(type) "{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"" type "\"}"

/* A file under tests/data as compact JSON text (arena copy). */
static const char *
file_text(const char *rel)
{
	return arena_strdup(ox_arena(), ox_dump(ox_golden(rel)));
}

static struct ox_resp
get(const char *tenant, const char *id, const char *query)
{
	struct ox_req r = {.tenant = tenant, .id = id, .query = query};

	return ox_call(op_get, &r);
}

static struct ox_resp
put(const char *id, const char *body, const char *if_match)
{
	struct ox_req r = {.id = id, .body = body, .if_match = if_match};

	return ox_call(op_replace, &r);
}

static struct ox_resp
post(const char *tenant, const char *body)
{
	struct ox_req r = {.tenant = tenant, .body = body};

	return ox_call(op_create, &r);
}

static struct ox_resp
del(const char *tenant, const char *id, const char *if_match)
{
	struct ox_req r = {.tenant = tenant, .id = id, .if_match = if_match};

	return ox_call(op_delete, &r);
}

/* Replaces the server-chosen id and location with placeholders. */
static void
blank_ids(struct json_value *v)
{
	struct json_value *meta = json_object_get_cstr(v, "meta");

	json_object_set_cstr(
	    ox_arena(), v, "id", json_cstring(ox_arena(), "<ID>"));
	if (json_object_get_cstr(meta, "location") != NULL)
		json_object_set_cstr(ox_arena(), meta, "location",
		    json_cstring(ox_arena(), "<LOC>"));
}

static void
expect_golden(struct json_value *got, const char *rel)
{
	struct json_value *want = ox_golden(rel);
	char g[8192];

	blank_ids(got);
	snprintf(g, sizeof(g), "%s", ox_dump(got));
	cr_expect(json_equal(got, want), "got %s\nwant %s", g, ox_dump(want));
}

static void
set_clock(const char *text)
{
	int64_t ms;

	cr_assert_eq(date_parse(str_from(text), &ms), 0);
	date_set_now(ms);
}

TestSuite(create, .init = ox_setup_creds, .fini = ox_teardown);
TestSuite(get, .init = ox_setup_creds, .fini = ox_teardown);
TestSuite(replace, .init = ox_setup_creds, .fini = ox_teardown);
TestSuite(delete, .init = ox_setup_creds, .fini = ox_teardown);

/* ---------------------------------------------------------- create */

Test(create, minimal_body_gets_server_defaults)
{
	struct ox_resp p = post("t1", CRED(""));
	const char *id;
	char loc[256];

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(p.status, 201);
	id = ox_str(p.json, "id");
	cr_assert_not_null(id);
	cr_expect_eq(strlen(id), 36);
	cr_expect_str_eq(ox_str(p.json, "status.status"), "PENDING");
	cr_expect_eq(json_object_get_cstr(
			 json_object_get_cstr(p.json, "status"), "active")
			 ->u.boolean,
	    0);
	cr_expect_str_eq(ox_str(p.json, "totalUsed"), "0");
	cr_expect_str_eq(ox_str(p.json, "meta.resourceType"), "Credential");
	cr_expect_str_eq(ox_str(p.json, "meta.created"), OX_NOW_TEXT);
	cr_expect_str_eq(ox_str(p.json, "meta.lastModified"), OX_NOW_TEXT);
	cr_expect_str_eq(ox_str(p.json, "meta.version"), "W/\"1\"");
	cr_expect_str_eq(p.etag, "W/\"1\"");
	snprintf(loc, sizeof(loc), OX_BASE "/scim/t1/v2/Credential/%s", id);
	cr_expect_str_eq(ox_str(p.json, "meta.location"), loc);
	cr_assert_not_null(p.location);
	cr_expect_str_eq(p.location, loc);
}

Test(create, hid_sample_matches_golden)
{
	struct ox_resp p = post("t1", file_text("ops/credential-create.json"));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	expect_golden(p.json, "ops/credential-created.json");
}

Test(create, stored_form_is_what_get_returns)
{
	struct ox_resp p = post("t1", file_text("ops/credential-create.json"));
	struct ox_resp g;

	cr_assert_eq(p.rc, 0);
	g = get("t1", ox_str(p.json, "id"), NULL);
	cr_assert_eq(g.rc, 0, "%s", g.err.detail);
	cr_expect_eq(g.status, 200);
	cr_expect(json_equal(p.json, g.json), "%s", ox_dump(g.json));
	cr_expect_str_eq(g.etag, "W/\"1\"");
}

Test(create, may_start_active)
{
	struct ox_resp p =
	    post("t1", CRED(",\"status\":{\"status\":\"active\"}"));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "status.status"), "ACTIVE");
	cr_expect_eq(json_object_get_cstr(
			 json_object_get_cstr(p.json, "status"), "active")
			 ->u.boolean,
	    1);
}

Test(create, other_initial_statuses_are_mutability_errors)
{
	static const char *const st[] = {"SUSPENDED", "REVOKED", "TERMINATED"};
	char body[256];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(body, sizeof(body),
		    CRED(",\"status\":{\"status\":\"%s\"}"), st[i]);
		struct ox_resp p = post("t1", body);
		cr_expect_eq(p.rc, SCIM_E_MUTABILITY, "%s", st[i]);
		cr_expect(strstr(p.err.detail, "PENDING, ACTIVE") != NULL, "%s",
		    p.err.detail);
	}
}

Test(create, unknown_status_is_invalid_value)
{
	struct ox_resp p = post("t1", CRED(",\"status\":{\"status\":\"NEW\"}"));

	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(strstr(p.err.detail, "PENDING") != NULL, "%s", p.err.detail);
}

Test(create, type_is_required)
{
	struct ox_resp p = post(
	    "t1", "{\"schemas\":[\"" OX_CRED_URN "\"],\"externalId\":\"x\"}");

	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(strstr(p.err.detail, "type") != NULL, "%s", p.err.detail);
	p = post("t1", CRED_T(""));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(strstr(p.err.detail, "type") != NULL, "%s", p.err.detail);
}

Test(create, start_after_expiry_names_both)
{
	struct ox_resp p = post("t1",
	    CRED(",\"status\":{\"startDate\":\"2025-01-02T00:00:00Z\","
		 "\"expiryDate\":\"2025-01-01T00:00:00Z\"}"));

	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(strstr(p.err.detail, "startDate") != NULL &&
		strstr(p.err.detail, "expiryDate") != NULL,
	    "%s", p.err.detail);
}

Test(create, dates_are_normalised_and_bound_active)
{
	struct ox_resp p = post("t1",
	    CRED(",\"status\":{\"status\":\"ACTIVE\","
		 "\"startDate\":\"2024-01-01T02:00:00+02:00\","
		 "\"expiryDate\":\"2024-02-01T00:00:00.000Z\"}"));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(
	    ox_str(p.json, "status.startDate"), "2024-01-01T00:00:00Z");
	cr_expect_str_eq(
	    ox_str(p.json, "status.expiryDate"), "2024-02-01T00:00:00Z");
	/* the fixed clock (2024-03-01) is past the expiry */
	cr_expect_eq(json_object_get_cstr(
			 json_object_get_cstr(p.json, "status"), "active")
			 ->u.boolean,
	    0);
}

Test(create, duplicate_attribute_names_are_refused)
{
	struct ox_resp p = post("t1",
	    CRED(",\"attributes\":[{\"name\":\"A\"},{\"name\":\"B\"},"
		 "{\"name\":\"A\"}]"));

	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(strstr(p.err.detail, "\"A\"") != NULL, "%s", p.err.detail);
	/* names are case-sensitive */
	p = post(
	    "t1", CRED(",\"attributes\":[{\"name\":\"a\"},{\"name\":\"A\"}]"));
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
}

Test(create, attribute_value_must_fit_its_type)
{
	struct ox_resp p = post("t1",
	    CRED(",\"attributes\":[{\"name\":\"MY_DATE\",\"type\":\"DATE\","
		 "\"value\":\"xyz\"}]"));

	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect_str_eq(p.err.detail,
	    "attributes[name eq \"MY_DATE\"].value: \"xyz\" is not a DATE, "
	    "a date-time such as 2018-11-21T14:14:59Z (invalidDate)");
	p = post("t1",
	    CRED(",\"attributes\":[{\"name\":\"N\",\"type\":\"FLOAT\"}]"));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
}

Test(create, external_id_is_unique_per_tenant)
{
	struct ox_resp p;

	ox_create("t1", CRED(",\"externalId\":\"ext-1\""));
	p = post("t1", CRED(",\"externalId\":\"ext-1\""));
	cr_expect_eq(p.rc, SCIM_E_UNIQUENESS);
	cr_expect(
	    strstr(p.err.detail, "externalId") != NULL, "%s", p.err.detail);
	/* caseExact: a different case is a different value */
	p = post("t1", CRED(",\"externalId\":\"EXT-1\""));
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
	/* another tenant never conflicts */
	p = post("t2", CRED(",\"externalId\":\"ext-1\""));
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
}

Test(create, a_refused_create_writes_nothing)
{
	struct ox_req r = {.query = NULL};
	struct ox_resp l;

	ox_create("t1", CRED(",\"externalId\":\"ext-1\""));
	post("t1", CRED(",\"externalId\":\"ext-1\""));
	post("t1", CRED(",\"status\":{\"status\":\"REVOKED\"}"));
	l = ox_call(op_list, &r);
	cr_assert_eq(l.rc, 0);
	cr_expect_eq(
	    json_object_get_cstr(l.json, "totalResults")->u.integer, 1);
}

/* owner.display and owner.$ref are the server's: the client's are
 * ignored; display is the User's userName when it has no displayName. */
Test(create, owner_value_is_kept_and_readonly_parts_are_the_servers)
{
	struct ox_resp p = post("t1",
	    CRED(",\"owner\":{\"value\":\"u1\",\"$ref\":\"https://x/u1\","
		 "\"display\":\"Ann\"}"));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "owner.value"), "u1");
	cr_expect_str_eq(ox_str(p.json, "owner.display"), "u1");
	cr_expect_str_eq(
	    ox_str(p.json, "owner.$ref"), OX_BASE "/scim/t1/v2/Users/u1");
}

Test(create, malformed_bodies_are_invalid_syntax)
{
	static const char *const bad[] = {"", "{", "[]", "\"x\"",
	    "{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"T\",\"color\":1}"};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ox_resp p = post("t1", bad[i]);
		cr_expect_eq(p.rc, SCIM_E_INVALID_SYNTAX, "%s: %d %s", bad[i],
		    p.rc, p.err.detail);
	}
}

Test(create, missing_schemas_is_refused)
{
	struct ox_resp p = post("t1", "{\"type\":\"CT\"}");

	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "%s", p.err.detail);
}

Test(create, unknown_resource_type_is_not_found)
{
	struct ox_req r = {.rtype = "Nope", .body = CRED("")};
	struct ox_resp p = ox_call(op_create, &r);

	cr_expect_eq(p.rc, SCIM_E_NOT_FOUND);
}

Test(create, projection_applies_to_the_reply)
{
	struct ox_req r = {.body = CRED(",\"externalId\":\"e\""),
	    .query = "attributes=externalId&api-version=3"};
	struct ox_resp p = ox_call(op_create, &r);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "externalId"), "e");
	cr_expect_not_null(ox_str(p.json, "id"));
	cr_expect_null(json_object_get_cstr(p.json, "type"));
	cr_expect_str_eq(p.etag, "W/\"1\"");
}

/* ------------------------------------------------------------- get */

Test(get, unknown_id_is_a_scim_404)
{
	struct ox_resp g = get("t1", "nope", NULL);

	cr_expect_eq(g.rc, SCIM_E_NOT_FOUND);
	cr_expect_str_eq(g.err.detail, "Credential 'nope' not found");
}

Test(get, odd_ids_are_not_echoed)
{
	char big[200];
	struct ox_resp g;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	g = get("t1", big, NULL);
	cr_expect_eq(g.rc, SCIM_E_NOT_FOUND);
	cr_expect_str_eq(g.err.detail, "Credential not found");
	g = get("t1", "a\"b<c>", NULL);
	cr_expect_eq(g.rc, SCIM_E_NOT_FOUND);
	cr_expect_str_eq(g.err.detail, "Credential not found");
	g = get("t1", "", NULL);
	cr_expect_eq(g.rc, SCIM_E_NOT_FOUND);
}

Test(get, other_tenants_cannot_see_it)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_resp g = get("t2", id, NULL);

	cr_expect_eq(g.rc, SCIM_E_NOT_FOUND);
	g = get("t1", id, NULL);
	cr_expect_eq(g.rc, 0);
}

Test(get, if_none_match_gives_304)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_req r = {.id = id, .if_none_match = "W/\"1\""};
	struct ox_resp g = ox_call(op_get, &r);

	cr_assert_eq(g.rc, 0);
	cr_expect_eq(g.status, 304);
	cr_expect_null(g.json);
	cr_expect_str_eq(g.etag, "W/\"1\"");
	r.if_none_match = "W/\"0\", W/\"2\"";
	g = ox_call(op_get, &r);
	cr_expect_eq(g.status, 200);
	cr_expect_not_null(g.json);
}

Test(get, projection_by_query)
{
	const char *id = ox_create("t1",
	    CRED(",\"externalId\":\"e1\",\"attributes\":[{\"name\":\"A\"}]"));
	struct ox_resp g = get("t1", id, "attributes=type,status.status");

	cr_assert_eq(g.rc, 0, "%s", g.err.detail);
	cr_expect_str_eq(ox_str(g.json, "type"), "CT_ACODE");
	cr_expect_str_eq(ox_str(g.json, "status.status"), "PENDING");
	cr_expect_null(json_object_get_cstr(g.json, "externalId"));
	cr_expect_null(json_object_get_cstr(g.json, "attributes"));
	cr_expect_str_eq(ox_str(g.json, "id"), id);
	cr_expect_str_eq(g.etag, "W/\"1\"");

	g = get("t1", id, "excludedAttributes=attributes");
	cr_assert_eq(g.rc, 0);
	cr_expect_null(json_object_get_cstr(g.json, "attributes"));
	cr_expect_str_eq(ox_str(g.json, "externalId"), "e1");
}

Test(get, unknown_query_parameters_are_ignored)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_resp g = get("t1", id, "api-version=2&frobnicate=yes");

	cr_expect_eq(g.rc, 0, "%s", g.err.detail);
}

Test(get, active_is_computed_at_read_time)
{
	const char *id = ox_create("t1",
	    CRED(",\"status\":{\"status\":\"ACTIVE\","
		 "\"startDate\":\"2024-04-01T00:00:00Z\"}"));
	struct ox_resp g = get("t1", id, NULL);

	cr_expect_eq(json_object_get_cstr(
			 json_object_get_cstr(g.json, "status"), "active")
			 ->u.boolean,
	    0);
	set_clock("2024-04-01T00:00:00Z");
	g = get("t1", id, NULL);
	cr_expect_eq(json_object_get_cstr(
			 json_object_get_cstr(g.json, "status"), "active")
			 ->u.boolean,
	    1);
}

/* --------------------------------------------------------- replace */

/* A credential from the HID sample; returns its id. */
static const char *
hid_sample(void)
{
	struct ox_resp p = post("t1", file_text("ops/credential-create.json"));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	return ox_str(p.json, "id");
}

static const struct json_value *
status_obj(const struct ox_resp *p)
{
	return json_object_get_cstr(p->json, "status");
}

Test(replace, hid_sample_matches_golden)
{
	const char *id = hid_sample();
	struct ox_resp p;

	set_clock("2024-03-02T08:30:00Z");
	p = put(id, file_text("ops/credential-replace.json"), "W/\"1\"");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(p.status, 200);
	cr_expect_str_eq(p.etag, "W/\"2\"");
	expect_golden(p.json, "ops/credential-replaced.json");
	p = get("t1", id, NULL);
	expect_golden(p.json, "ops/credential-replaced.json");
}

Test(replace, sections_left_out_are_kept)
{
	const char *id = hid_sample();
	struct ox_resp p = put(id, "{\"schemas\":[\"" OX_CRED_URN "\"]}", NULL);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "type"), "CT_ACODE");
	cr_expect_str_eq(ox_str(p.json, "externalId"), "jdoeCT_ACODE");
	cr_expect_str_eq(ox_str(p.json, "status.status"), "ACTIVE");
	cr_expect_str_eq(
	    ox_str(p.json, "status.expiryDate"), "2030-11-21T14:14:59Z");
	cr_expect_eq(
	    json_object_get_cstr(p.json, "attributes")->u.array.len, 3);
	cr_expect_str_eq(ox_str(p.json, "owner.value"), "user-1");
	cr_expect_str_eq(ox_str(p.json, "meta.version"), "W/\"2\"");
}

Test(replace, type_cannot_change)
{
	const char *id = hid_sample();
	struct ox_resp p = put(id, CRED_T("CT_OTHER"), NULL);

	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
	p = put(id, CRED_T("CT_ACODE"), NULL);
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
}

Test(replace, owner_is_fixed_at_creation)
{
	const char *id = hid_sample();
	struct ox_resp p;

	p = put(id, CRED(",\"owner\":{\"value\":\"user-2\"}"), NULL);
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
	cr_expect(strstr(p.err.detail, "owner") != NULL, "%s", p.err.detail);
	p = put(id, CRED(",\"owner\":null"), NULL);
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
	p = put(id, CRED(",\"owner\":{\"value\":\"user-1\"}"), NULL);
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
	id = ox_create("t1", CRED(""));
	p = put(id, CRED(",\"owner\":{\"value\":\"user-1\"}"), NULL);
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
}

static int
move(const char *id, const char *to, struct ox_resp *out)
{
	char body[256];

	snprintf(
	    body, sizeof(body), CRED(",\"status\":{\"status\":\"%s\"}"), to);
	*out = put(id, body, NULL);
	return out->rc;
}

Test(replace, status_follows_the_machine)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_resp p;

	cr_expect_eq(move(id, "SUSPENDED", &p), SCIM_E_MUTABILITY);
	cr_expect_str_eq(p.err.detail,
	    "cannot change status from PENDING to SUSPENDED; allowed from "
	    "PENDING: ACTIVE");
	cr_expect_eq(move(id, "ACTIVE", &p), 0, "%s", p.err.detail);
	cr_expect_eq(move(id, "ACTIVE", &p), 0, "%s", p.err.detail);
	cr_expect_eq(move(id, "PENDING", &p), SCIM_E_MUTABILITY);
	cr_expect_eq(move(id, "suspended", &p), 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "status.status"), "SUSPENDED");
	cr_expect_eq(move(id, "ACTIVE", &p), 0, "%s", p.err.detail);
	cr_expect_eq(move(id, "REVOKED", &p), 0, "%s", p.err.detail);
	cr_expect_eq(move(id, "ACTIVE", &p), SCIM_E_MUTABILITY);
	cr_expect_str_eq(p.err.detail,
	    "cannot change status from REVOKED to ACTIVE; allowed from "
	    "REVOKED: TERMINATED");
	cr_expect_eq(move(id, "TERMINATED", &p), 0, "%s", p.err.detail);
	cr_expect_eq(move(id, "ACTIVE", &p), SCIM_E_MUTABILITY);
	cr_expect_eq(move(id, "GONE", &p), SCIM_E_INVALID_VALUE);
	p = get("t1", id, NULL);
	cr_expect_str_eq(ox_str(p.json, "status.status"), "TERMINATED");
	/* six accepted writes after the create; refusals wrote nothing */
	cr_expect_str_eq(p.etag, "W/\"7\"");
}

Test(replace, dates_update_clear_and_stay_ordered)
{
	const char *id = hid_sample();
	struct ox_resp p;

	p = put(id,
	    CRED(",\"status\":{\"startDate\":\"2024-01-01T00:00:00Z\"}"), NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(
	    ox_str(p.json, "status.startDate"), "2024-01-01T00:00:00Z");
	cr_expect_str_eq(
	    ox_str(p.json, "status.expiryDate"), "2030-11-21T14:14:59Z");
	cr_expect_str_eq(ox_str(p.json, "status.status"), "ACTIVE");
	p = put(id,
	    CRED(",\"status\":{\"startDate\":\"2031-01-01T00:00:00Z\"}"), NULL);
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	p = put(id, CRED(",\"status\":{\"expiryDate\":null}"), NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(ox_str(p.json, "status.expiryDate"));
	cr_expect_str_eq(
	    ox_str(p.json, "status.startDate"), "2024-01-01T00:00:00Z");
}

Test(replace, attribute_list_replaces_but_readonly_stays)
{
	const char *id = hid_sample();
	struct ox_resp p;

	/* leaving out a readOnly attribute */
	p = put(id, CRED(",\"attributes\":[{\"name\":\"MY_ATTR0\"}]"), NULL);
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
	cr_expect(
	    strstr(p.err.detail, "EXPIRY_THRESHOLD_OF_ACTIVATION_CODE") != NULL,
	    "%s", p.err.detail);
	/* changing its value */
	p = put(id,
	    CRED(",\"attributes\":[{\"name\":"
		 "\"EXPIRY_THRESHOLD_OF_ACTIVATION_CODE\",\"type\":\"INT\","
		 "\"value\":\"5\"}]"),
	    NULL);
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
	cr_expect(strstr(p.err.detail, "(modifyReadonlyData)") != NULL, "%s",
	    p.err.detail);
	/* or declaring another type than the definition's */
	p = put(id,
	    CRED(",\"attributes\":[{\"name\":"
		 "\"EXPIRY_THRESHOLD_OF_ACTIVATION_CODE\",\"type\":\"LONG\","
		 "\"value\":\"-1\"}]"),
	    NULL);
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	/* the flag is the definition's: "readOnly": false changes nothing */
	p = put(id,
	    CRED(",\"attributes\":[{\"name\":"
		 "\"EXPIRY_THRESHOLD_OF_ACTIVATION_CODE\",\"type\":\"INT\","
		 "\"value\":\"-1\",\"readOnly\":false}]"),
	    NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(
	    json_object_get_cstr(
		json_object_get_cstr(p.json, "attributes")->u.array.items[0],
		"readOnly")
		->u.boolean,
	    1);
	/* kept as is (type left out), others dropped, one added */
	p = put(id,
	    CRED(",\"attributes\":[{\"name\":"
		 "\"EXPIRY_THRESHOLD_OF_ACTIVATION_CODE\",\"type\":\"int\","
		 "\"value\":\"-01\"},{\"name\":\"NEW\",\"type\":\"BOOLEAN\","
		 "\"value\":\"TRUE\"}]"),
	    NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(
	    json_object_get_cstr(p.json, "attributes")->u.array.len, 2);
	cr_expect_eq(
	    json_object_get_cstr(
		json_object_get_cstr(p.json, "attributes")->u.array.items[0],
		"readOnly")
		->u.boolean,
	    1);
	cr_expect_str_eq(
	    ox_str(json_object_get_cstr(p.json, "attributes")->u.array.items[1],
		"value"),
	    "true");
}

Test(replace, empty_attribute_list_removes_the_writable_ones)
{
	const char *id = ox_create(
	    "t1", CRED(",\"attributes\":[{\"name\":\"A\"},{\"name\":\"B\"}]"));
	struct ox_resp p = put(id, CRED(",\"attributes\":[]"), NULL);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(json_object_get_cstr(p.json, "attributes"));
	id = hid_sample();
	p = put(id, CRED(",\"attributes\":null"), NULL);
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
}

Test(replace, readonly_fields_in_the_body_are_ignored)
{
	const char *id = hid_sample();
	struct ox_resp p = put(id,
	    CRED(",\"id\":\"other\",\"totalUsed\":\"7\",\"meta\":{\"created\":"
		 "\"2000-01-01T00:00:00Z\"},\"status\":{\"active\":false}"),
	    NULL);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "id"), id);
	cr_expect_str_eq(ox_str(p.json, "totalUsed"), "0");
	cr_expect_str_eq(ox_str(p.json, "meta.created"), OX_NOW_TEXT);
	cr_expect_eq(
	    json_object_get_cstr(status_obj(&p), "active")->u.boolean, 1);
}

Test(replace, external_id_moves_its_uniqueness_key)
{
	const char *a = ox_create("t1", CRED(",\"externalId\":\"one\""));
	const char *b = ox_create("t1", CRED(",\"externalId\":\"two\""));
	struct ox_resp p;

	p = put(b, CRED(",\"externalId\":\"one\""), NULL);
	cr_expect_eq(p.rc, SCIM_E_UNIQUENESS);
	p = get("t1", b, NULL);
	cr_expect_str_eq(ox_str(p.json, "externalId"), "two");
	cr_expect_str_eq(p.etag, "W/\"1\"");
	p = put(a, CRED(",\"externalId\":\"three\""), NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = put(b, CRED(",\"externalId\":\"one\""), NULL);
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
	/* and "two" is free again */
	ox_create("t1", CRED(",\"externalId\":\"two\""));
	/* null clears it */
	p = put(b, CRED(",\"externalId\":null"), NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(ox_str(p.json, "externalId"));
	ox_create("t1", CRED(",\"externalId\":\"one\""));
}

Test(replace, if_match_guards_the_write)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_resp p;

	p = put(id, CRED(""), "W/\"2\"");
	cr_expect_eq(p.rc, SCIM_E_PRECONDITION);
	p = put(id, CRED(""), "nonsense");
	cr_expect_eq(p.rc, SCIM_E_BAD_REQUEST);
	p = put(id, CRED(""), "W/\"1\"");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(p.etag, "W/\"2\"");
	cr_expect_str_eq(ox_str(p.json, "meta.version"), "W/\"2\"");
	p = put(id, CRED(""), "W/\"1\"");
	cr_expect_eq(p.rc, SCIM_E_PRECONDITION);
	p = put(id, CRED(""), "*");
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(p.etag, "W/\"3\"");
}

/* RFC 9110 §13.1.1: an If-Match that was sent empty is malformed, not
 * "no condition"; §13.1.2: If-None-Match "*" (or the current tag) on a
 * write to an existing resource is 412, and nothing is written. */
Test(replace, empty_if_match_and_if_none_match_star)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_req r = {.id = id, .body = CRED(""), .if_none_match = "*"};
	struct ox_resp p;

	p = put(id, CRED(""), "");
	cr_expect_eq(p.rc, SCIM_E_BAD_REQUEST);
	p = ox_call(op_replace, &r);
	cr_expect_eq(p.rc, SCIM_E_PRECONDITION);
	r.if_none_match = "W/\"1\"";
	p = ox_call(op_replace, &r);
	cr_expect_eq(p.rc, SCIM_E_PRECONDITION);
	r.if_none_match = "W/\"9\"";
	p = ox_call(op_replace, &r);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(p.etag, "W/\"2\"");
}

Test(delete, if_none_match_star_is_412)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_req r = {.tenant = "t1", .id = id, .if_none_match = "*"};
	struct ox_resp d = ox_call(op_delete, &r);

	cr_expect_eq(d.rc, SCIM_E_PRECONDITION);
	d = del("t1", id, "");
	cr_expect_eq(d.rc, SCIM_E_BAD_REQUEST);
	d = get("t1", id, NULL);
	cr_expect_eq(d.rc, 0, "a refused DELETE removed the resource");
}

Test(replace, unknown_ids_and_tenants_are_404)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_req r = {.tenant = "t2", .id = id, .body = CRED("")};
	struct ox_resp p = ox_call(op_replace, &r);

	cr_expect_eq(p.rc, SCIM_E_NOT_FOUND);
	p = put("missing", CRED(""), NULL);
	cr_expect_eq(p.rc, SCIM_E_NOT_FOUND);
	cr_expect_str_eq(p.err.detail, "Credential 'missing' not found");
}

Test(replace, invalid_bodies_change_nothing)
{
	const char *id = hid_sample();
	struct ox_resp p;

	p = put(id, "{", NULL);
	cr_expect_eq(p.rc, SCIM_E_INVALID_SYNTAX);
	p = put(id, "{\"type\":\"CT_ACODE\"}", NULL);
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	p = put(id,
	    CRED(",\"attributes\":[{\"name\":\"X\",\"type\":\"INT\","
		 "\"value\":\"x\"}]"),
	    NULL);
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	p = get("t1", id, NULL);
	cr_expect_str_eq(p.etag, "W/\"1\"");
}

/* ---------------------------------------------------------- delete */

Test(delete, then_404)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_resp p = del("t1", id, NULL);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(p.status, 204);
	cr_expect_null(p.json);
	cr_expect_eq(get("t1", id, NULL).rc, SCIM_E_NOT_FOUND);
	cr_expect_eq(del("t1", id, NULL).rc, SCIM_E_NOT_FOUND);
}

Test(delete, honours_if_match)
{
	const char *id = ox_create("t1", CRED(""));

	cr_expect_eq(del("t1", id, "W/\"9\"").rc, SCIM_E_PRECONDITION);
	cr_expect_eq(get("t1", id, NULL).rc, 0);
	cr_expect_eq(del("t1", id, "W/\"1\"").rc, 0);
}

Test(delete, releases_uniqueness_keys)
{
	const char *id = ox_create("t1", CRED(",\"externalId\":\"e\""));

	cr_expect_eq(
	    post("t1", CRED(",\"externalId\":\"e\"")).rc, SCIM_E_UNIQUENESS);
	cr_assert_eq(del("t1", id, NULL).rc, 0);
	cr_expect_eq(post("t1", CRED(",\"externalId\":\"e\"")).rc, 0);
}

Test(delete, other_tenants_cannot_delete)
{
	const char *id = ox_create("t1", CRED(""));

	cr_expect_eq(del("t2", id, NULL).rc, SCIM_E_NOT_FOUND);
	cr_expect_eq(get("t1", id, NULL).rc, 0);
}

/* ----------------------------------------------------------- bounds */

/* A credential has at most one attribute per definition, and a type at
 * most 64 definitions: the largest list round trips; a list of 10,000
 * is refused at the first name the type does not define. */
Test(create, the_largest_attribute_list_round_trips)
{
	struct buf defs, b;
	struct ox_resp p;
	const char *id;
	int i;

	buf_init(&defs);
	buf_init(&b);
	buf_append_cstr(&defs, "[");
	for (i = 0; i < 64; i++)
		buf_printf(&defs, "%s{\"name\":\"A%05d\",\"maxLength\":1000}",
		    i ? "," : "", i);
	buf_append_cstr(&defs, "]");
	ox_ctype("t1", "CT_BIG", buf_cstr(&defs), NULL);
	buf_append_cstr(&b,
	    "{\"schemas\":[\"" OX_CRED_URN "\"],"
	    "\"type\":\"CT_BIG\",\"attributes\":[");
	for (i = 0; i < 64; i++)
		buf_printf(&b, "%s{\"name\":\"A%05d\",\"value\":\"%01000d\"}",
		    i ? "," : "", i, i);
	buf_append_cstr(&b, "]}");
	p = post("t1", buf_cstr(&b));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	id = ox_str(p.json, "id");
	p = get("t1", id, NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(
	    json_object_get_cstr(p.json, "attributes")->u.array.len, 64);
	p = put(id, buf_cstr(&b), NULL);
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
	buf_reset(&b);
	buf_append_cstr(&b,
	    "{\"schemas\":[\"" OX_CRED_URN "\"],"
	    "\"type\":\"CT_BIG\",\"attributes\":[");
	for (i = 0; i < 10000; i++)
		buf_printf(&b, "%s{\"name\":\"A%05d\"}", i ? "," : "", i);
	buf_append_cstr(&b, "]}");
	p = post("t1", buf_cstr(&b));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(strstr(p.err.detail, "A00064") != NULL, "%s", p.err.detail);
	buf_free(&b);
	buf_free(&defs);
}
