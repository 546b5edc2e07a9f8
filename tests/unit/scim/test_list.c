/*
 * Listing and searching (RFC 7644 §3.4.2, §3.4.3): filters from the HID
 * table, typed sorting with stable ties, paging edges, projection,
 * SearchRequest bodies and tenant isolation.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"

#define CRED(extra) \
	"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_ACODE\"" extra "}"

static struct ox_resp
list(const char *tenant, const char *query)
{
	struct ox_req r = {.tenant = tenant, .query = query};

	return ox_call(op_list, &r);
}

static struct ox_resp
search(const char *body)
{
	struct ox_req r = {.body = body};

	return ox_call(op_search, &r);
}

static int64_t
num(const struct json_value *v, const char *key)
{
	const struct json_value *n = json_object_get_cstr(v, key);

	cr_assert_not_null(n, "no %s in %s", key, ox_dump(v));
	cr_assert_eq(n->type, JSON_INT, "%s is not an integer", key);
	return n->u.integer;
}

/* externalIds of the page, joined with commas. */
static const char *
ext_ids(const struct json_value *l)
{
	static char out[1024];
	size_t i, n = 0;
	const char *e;

	out[0] = '\0';
	for (i = 0; i < ox_nres(l); i++) {
		e = ox_res_str(l, i, "externalId");
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
		    i ? "," : "", e != NULL ? e : "-");
	}
	return out;
}

/* Five credentials, e1..e5 created in that order. */
static void
five(void)
{
	char body[128];
	int i;

	for (i = 1; i <= 5; i++) {
		snprintf(
		    body, sizeof(body), CRED(",\"externalId\":\"e%d\""), i);
		ox_create("t1", body);
	}
}

static void
setup_small(void)
{
	ox_setup_counts(NULL, 3, 4);
	ox_ctype("t1", "CT_ACODE", OX_TEST_DEFS, NULL);
}

TestSuite(list, .init = ox_setup_creds, .fini = ox_teardown);
TestSuite(paging, .init = setup_small, .fini = ox_teardown);
TestSuite(filter, .init = ox_setup_creds, .fini = ox_teardown);
TestSuite(sort, .init = ox_setup_creds, .fini = ox_teardown);
TestSuite(search, .init = ox_setup_creds, .fini = ox_teardown);
TestSuite(typed_sort, .init = ox_setup_ext, .fini = ox_teardown);

/* ------------------------------------------------------------ list */

Test(list, empty_is_200_with_no_resources)
{
	struct ox_resp l = list("t1", NULL);
	const struct json_value *res;

	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	cr_expect_eq(l.status, 200);
	cr_expect_str_eq(json_object_get_cstr(l.json, "schemas")
			     ->u.array.items[0]
			     ->u.string.ptr,
	    "urn:ietf:params:scim:api:messages:2.0:ListResponse");
	cr_expect_eq(num(l.json, "totalResults"), 0);
	cr_expect_eq(num(l.json, "itemsPerPage"), 0);
	cr_expect_eq(num(l.json, "startIndex"), 1);
	res = json_object_get_cstr(l.json, "Resources");
	cr_assert_not_null(res);
	cr_expect_eq(res->type, JSON_ARRAY);
	cr_expect_eq(res->u.array.len, 0);
}

Test(list, resources_are_complete_and_in_id_order)
{
	struct ox_resp l;
	const char *prev = "";
	size_t i;

	five();
	l = list("t1", "api-version=2");
	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	cr_expect_eq(num(l.json, "totalResults"), 5);
	cr_expect_eq(num(l.json, "itemsPerPage"), 5);
	for (i = 0; i < 5; i++) {
		const char *id = ox_res_str(l.json, i, "id");
		cr_assert_not_null(id);
		cr_expect_gt(strcmp(id, prev), 0, "ids out of order");
		prev = id;
		cr_expect_not_null(ox_res_str(l.json, i, "meta.location"));
		cr_expect_str_eq(
		    ox_res_str(l.json, i, "meta.version"), "W/\"1\"");
		cr_expect_not_null(ox_res_str(l.json, i, "status.status"));
	}
}

Test(list, tenants_are_isolated)
{
	struct ox_resp l;

	five();
	ox_create("t2", CRED(",\"externalId\":\"e1\""));
	l = list("t2", NULL);
	cr_assert_eq(l.rc, 0);
	cr_expect_eq(num(l.json, "totalResults"), 1);
	cr_expect_str_eq(ext_ids(l.json), "e1");
	l = list("t3", "filter=externalId eq \"e1\"");
	cr_assert_eq(l.rc, 0);
	cr_expect_eq(num(l.json, "totalResults"), 0);
}

Test(list, projection_applies_to_every_resource)
{
	struct ox_resp l;
	size_t i;

	five();
	l = list("t1", "attributes=externalId");
	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	for (i = 0; i < ox_nres(l.json); i++) {
		const struct json_value *r =
		    json_object_get_cstr(l.json, "Resources")->u.array.items[i];
		cr_expect_not_null(json_object_get_cstr(r, "id"));
		cr_expect_not_null(json_object_get_cstr(r, "externalId"));
		cr_expect_null(json_object_get_cstr(r, "type"));
		cr_expect_null(json_object_get_cstr(r, "status"));
	}
	l = list("t1", "excludedAttributes=status,meta");
	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	cr_expect_null(ox_res_str(l.json, 0, "status.status"));
	cr_expect_str_eq(ox_res_str(l.json, 0, "type"), "CT_ACODE");
}

/* ---------------------------------------------------------- paging */

Test(paging, defaults_and_caps_come_from_the_config)
{
	struct ox_resp l;

	five();
	l = list("t1", "sortBy=externalId"); /* default count 3 */
	cr_assert_eq(l.rc, 0);
	cr_expect_eq(num(l.json, "totalResults"), 5);
	cr_expect_eq(num(l.json, "itemsPerPage"), 3);
	cr_expect_str_eq(ext_ids(l.json), "e1,e2,e3");
	l = list("t1", "count=1000000"); /* capped at 4 */
	cr_expect_eq(num(l.json, "itemsPerPage"), 4);
}

Test(paging, start_index_below_one_means_one)
{
	struct ox_resp l;

	five();
	l = list("t1", "startIndex=0&count=2");
	cr_assert_eq(l.rc, 0);
	cr_expect_eq(num(l.json, "startIndex"), 1);
	cr_expect_eq(ox_nres(l.json), 2);
	l = list("t1", "startIndex=-5&count=2");
	cr_assert_eq(l.rc, 0);
	cr_expect_eq(num(l.json, "startIndex"), 1);
}

Test(paging, count_zero_or_negative_gives_only_the_total)
{
	struct ox_resp l;

	five();
	l = list("t1", "count=0");
	cr_assert_eq(l.rc, 0);
	cr_expect_eq(num(l.json, "totalResults"), 5);
	cr_expect_eq(num(l.json, "itemsPerPage"), 0);
	cr_expect_eq(ox_nres(l.json), 0);
	l = list("t1", "count=-1");
	cr_assert_eq(l.rc, 0);
	cr_expect_eq(num(l.json, "totalResults"), 5);
	cr_expect_eq(ox_nres(l.json), 0);
}

Test(paging, last_pages)
{
	struct ox_resp l;

	five();
	l = list("t1", "startIndex=4&count=2");
	cr_expect_eq(ox_nres(l.json), 2);
	l = list("t1", "startIndex=5&count=2");
	cr_expect_eq(ox_nres(l.json), 1);
	cr_expect_eq(num(l.json, "itemsPerPage"), 1);
	l = list("t1", "startIndex=6&count=2");
	cr_expect_eq(ox_nres(l.json), 0);
	cr_expect_eq(num(l.json, "totalResults"), 5);
	cr_expect_eq(num(l.json, "startIndex"), 6);
	l = list("t1", "startIndex=9223372036854775807&count=4");
	cr_assert_eq(l.rc, 0);
	cr_expect_eq(ox_nres(l.json), 0);
}

Test(paging, pages_concatenate_to_the_whole)
{
	char q[64], all[256] = "", want[256];
	struct ox_resp l;
	int start;

	five();
	/* by externalId, and by id (the default order) */
	for (start = 1; start <= 5; start += 2) {
		snprintf(q, sizeof(q),
		    "startIndex=%d&count=2&sortBy=externalId", start);
		l = list("t1", q);
		cr_assert_eq(l.rc, 0);
		strcat(all, ext_ids(l.json));
		strcat(all, ";");
	}
	cr_expect_str_eq(all, "e1,e2;e3,e4;e5;");
	all[0] = '\0';
	for (start = 1; start <= 5; start += 2) {
		snprintf(q, sizeof(q), "startIndex=%d&count=2", start);
		l = list("t1", q);
		strcat(all, ext_ids(l.json));
		strcat(all, start < 5 ? "," : "");
	}
	l = list("t1", "count=4");
	snprintf(want, sizeof(want), "%s,", ext_ids(l.json));
	l = list("t1", "startIndex=5");
	strcat(want, ext_ids(l.json));
	cr_expect_str_eq(all, want);
}

Test(paging, non_integers_are_invalid_value)
{
	static const char *const bad[] = {"count=abc", "count=1.5",
	    "startIndex=", "startIndex=1e3", "count=99999999999999999999"};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ox_resp l = list("t1", bad[i]);
		cr_expect_eq(l.rc, SCIM_E_INVALID_VALUE, "%s", bad[i]);
	}
}

/* ---------------------------------------------------------- filter */

/* Four credentials with something different each. */
static void
mixed(void)
{
	ox_create("t1",
	    "{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_ACODE\","
	    "\"externalId\":\"a\",\"owner\":{\"value\":\"u1\"},"
	    "\"status\":{\"status\":\"ACTIVE\","
	    "\"startDate\":\"2024-01-01T00:00:00Z\","
	    "\"expiryDate\":\"2024-06-01T00:00:00Z\"},"
	    "\"attributes\":[{\"name\":\"K\",\"value\":\"alpha-one\"}]}");
	ox_create("t1",
	    "{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_OTP\","
	    "\"externalId\":\"b\",\"owner\":{\"value\":\"u2\"},"
	    "\"status\":{\"status\":\"PENDING\","
	    "\"expiryDate\":\"2024-02-01T00:00:00Z\"},"
	    "\"attributes\":[{\"name\":\"K\",\"value\":\"beta-two\"}]}");
	ox_create("t1",
	    "{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_OTP\","
	    "\"externalId\":\"c\",\"owner\":{\"value\":\"u1\"},"
	    "\"status\":{\"status\":\"ACTIVE\"}}");
	ox_create("t1",
	    "{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_PKI\","
	    "\"externalId\":\"d\","
	    "\"attributes\":[{\"name\":\"K\",\"value\":\"gamma-one\"},"
	    "{\"name\":\"L\",\"value\":\"alpha-three\"}]}");
}

static const char *
matching(const char *filter)
{
	char q[512];
	struct ox_resp l;

	snprintf(q, sizeof(q), "filter=%s&sortBy=externalId", filter);
	l = list("t1", q);
	cr_assert_eq(l.rc, 0, "%s: %s", filter, l.err.detail);
	cr_expect_eq(num(l.json, "totalResults"), (int64_t)ox_nres(l.json));
	return ext_ids(l.json);
}

Test(filter, hid_table)
{
	mixed();
	cr_expect_str_eq(matching("type eq \"CT_OTP\""), "b,c");
	cr_expect_str_eq(matching("attributes.value eq \"beta-two\""), "b");
	cr_expect_str_eq(matching("attributes.value co \"one\""), "a,d");
	cr_expect_str_eq(matching("attributes.value sw \"alpha\""), "a,d");
	cr_expect_str_eq(matching("attributes.value ew \"-two\""), "b");
	cr_expect_str_eq(matching("externalid eq \"c\""), "c");
	cr_expect_str_eq(
	    matching("status.expiryDate eq \"2024-02-01T00:00:00Z\""), "b");
	cr_expect_str_eq(
	    matching("status.expiryDate gt \"2024-03-01T00:00:00Z\""), "a");
	cr_expect_str_eq(
	    matching("status.expiryDate lt \"2024-03-01T02:00:00+01:00\""),
	    "b");
	cr_expect_str_eq(
	    matching("status.startDate eq \"2024-01-01T00:00:00Z\""), "a");
	cr_expect_str_eq(matching("status.status eq \"ACTIVE\""), "a,c");
	cr_expect_str_eq(matching("owner.value eq \"u1\""), "a,c");
	cr_expect_str_eq(
	    matching("owner.value eq \"u1\" and type eq \"CT_OTP\""), "c");
	cr_expect_str_eq(matching("type eq \"none\""), "");
}

Test(filter, id_eq)
{
	const char *id = ox_create("t1", CRED(",\"externalId\":\"x\""));
	char f[128];

	ox_create("t1", CRED(",\"externalId\":\"y\""));
	snprintf(f, sizeof(f), "id eq \"%s\"", id);
	cr_expect_str_eq(matching(f), "x");
}

/* An eq term on a unique attribute narrows the candidates to one record
 * through the uniqueness keys; the answers must stay those of a scan. */
Test(filter, unique_key_lookups_answer_like_a_scan)
{
	mixed();
	cr_expect_str_eq(matching("externalId eq \"b\""), "b");
	cr_expect_str_eq(matching("externalId eq \"B\""), ""); /* caseExact */
	cr_expect_str_eq(matching("externalId eq \"zz\""), "");
	cr_expect_str_eq(
	    matching("externalId eq \"b\" and type eq \"CT_OTP\""), "b");
	cr_expect_str_eq(
	    matching("type eq \"CT_PKI\" and externalId eq \"b\""), "");
	/* under or / not the term bounds nothing */
	cr_expect_str_eq(
	    matching("externalId eq \"b\" or type eq \"CT_PKI\""), "b,d");
	cr_expect_str_eq(matching("not (externalId eq \"b\")"), "a,c,d");
	cr_expect_str_eq(matching("(externalId eq \"a\" or externalId eq "
				  "\"c\") and status.status eq \"ACTIVE\""),
	    "a,c");
	cr_expect_str_eq(matching("id eq \"no-such-id\""), "");
}

/* What a client reads it can filter on: meta.location is added at output
 * time, not stored, and must still match. */
Test(filter, output_only_attributes_can_be_filtered)
{
	mixed();
	cr_expect_str_eq(matching("meta.location pr"), "a,b,c,d");
	cr_expect_str_eq(
	    matching("meta.location co \"/Credential/\""), "a,b,c,d");
	cr_expect_str_eq(matching("not (meta.location pr)"), "");
}

Test(filter, computed_active_can_be_filtered)
{
	mixed();
	/* at 2024-03-01 only c (ACTIVE, no dates) and a (in window) */
	cr_expect_str_eq(matching("status.active eq true"), "a,c");
	cr_expect_str_eq(matching("status.active eq false"), "b,d");
}

Test(filter, bad_filters_are_invalid_filter)
{
	static const char *const bad[] = {"type eq", "nope eq \"x\"",
	    "type eq \"x", "status.expiryDate gt \"notadate\"",
	    "((((type eq \"x\""};
	size_t i;
	char q[128];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(q, sizeof(q), "filter=%s", bad[i]);
		struct ox_resp l = list("t1", q);
		cr_expect_eq(
		    l.rc, SCIM_E_INVALID_FILTER, "%s: %d", bad[i], l.rc);
	}
}

/* ------------------------------------------------------------ sort */

Test(sort, dates_with_missing_last_then_first)
{
	struct ox_resp l;

	mixed();
	l = list("t1", "sortBy=status.expiryDate");
	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	/* b (Feb), a (Jun), then c and d without one, by id */
	cr_expect_str_eq(ox_res_str(l.json, 0, "externalId"), "b");
	cr_expect_str_eq(ox_res_str(l.json, 1, "externalId"), "a");
	l = list("t1", "sortBy=status.expiryDate&sortOrder=DESCENDING");
	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	cr_expect_str_eq(ox_res_str(l.json, 2, "externalId"), "a");
	cr_expect_str_eq(ox_res_str(l.json, 3, "externalId"), "b");
}

Test(sort, ties_are_broken_by_id_on_every_page)
{
	struct ox_resp l, p1, p2;
	char q[128];
	int i;

	for (i = 0; i < 6; i++)
		ox_create("t1", CRED(""));
	l = list("t1", NULL);
	for (i = 0; i < 6; i++) {
		snprintf(q, sizeof(q), "sortBy=type&sortOrder=%s",
		    i % 2 ? "descending" : "ascending");
		p1 = list("t1", q);
		cr_assert_eq(p1.rc, 0);
		cr_expect_str_eq(
		    ox_res_str(p1.json, i, "id"), ox_res_str(l.json, i, "id"));
	}
	p1 = list("t1", "sortBy=type&startIndex=1&count=3");
	p2 = list("t1", "sortBy=type&startIndex=4&count=3");
	for (i = 0; i < 3; i++) {
		cr_expect_str_eq(
		    ox_res_str(p1.json, i, "id"), ox_res_str(l.json, i, "id"));
		cr_expect_str_eq(ox_res_str(p2.json, i, "id"),
		    ox_res_str(l.json, i + 3, "id"));
	}
}

Test(sort, case_exact_strings_sort_by_bytes)
{
	struct ox_resp l;

	ox_create("t1", CRED(",\"externalId\":\"b\""));
	ox_create("t1", CRED(",\"externalId\":\"B\""));
	ox_create("t1", CRED(",\"externalId\":\"a\""));
	l = list("t1", "sortBy=externalId");
	cr_assert_eq(l.rc, 0);
	cr_expect_str_eq(ext_ids(l.json), "B,a,b");
	l = list("t1", "sortBy=externalId&sortOrder=descending");
	cr_expect_str_eq(ext_ids(l.json), "b,a,B");
}

Test(sort, multi_valued_sorts_by_first_value)
{
	struct ox_resp l;

	mixed();
	l = list("t1", "sortBy=attributes.value");
	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	/* alpha-one (a), beta-two (b), gamma-one (d), none (c) */
	cr_expect_str_eq(ext_ids(l.json), "a,b,d,c");
}

Test(sort, bad_sort_parameters)
{
	static const char *const bad[] = {"sortBy=nope", "sortBy=status",
	    "sortBy=type&sortOrder=up", "sortBy=type pr",
	    "sortBy=attributes[name eq \"K\"].value", "sortOrder=sideways"};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ox_resp l = list("t1", bad[i]);
		cr_expect_eq(l.rc, SCIM_E_INVALID_VALUE, "%s: %d %s", bad[i],
		    l.rc, l.err.detail);
	}
}

/* ---------------------------------------------------------- search */

#define SR \
	"\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"]"

Test(search, same_engine_as_list)
{
	struct ox_resp s;

	mixed();
	s = search("{" SR ",\"filter\":\"type eq \\\"CT_OTP\\\"\","
		   "\"sortBy\":\"externalId\",\"sortOrder\":\"descending\","
		   "\"startIndex\":1,\"count\":1,"
		   "\"attributes\":[\"externalId\",\"type\"]}");
	cr_assert_eq(s.rc, 0, "%s", s.err.detail);
	cr_expect_eq(s.status, 200);
	cr_expect_eq(num(s.json, "totalResults"), 2);
	cr_expect_eq(ox_nres(s.json), 1);
	cr_expect_str_eq(ext_ids(s.json), "c");
	cr_expect_null(ox_res_str(s.json, 0, "status.status"));
	s = search("{" SR ",\"excludedAttributes\":\"attributes,owner\"}");
	cr_assert_eq(s.rc, 0, "%s", s.err.detail);
	cr_expect_eq(num(s.json, "totalResults"), 4);
	cr_expect_null(ox_res_str(s.json, 0, "owner.value"));
}

Test(search, request_errors)
{
	cr_expect_eq(
	    search("{\"filter\":\"type pr\"}").rc, SCIM_E_INVALID_SYNTAX);
	cr_expect_eq(search("{" SR ",\"filters\":\"type pr\"}").rc,
	    SCIM_E_INVALID_SYNTAX);
	cr_expect_eq(
	    search("{" SR ",\"count\":\"10\"}").rc, SCIM_E_INVALID_VALUE);
	cr_expect_eq(search("{" SR ",\"count\":1.5}").rc, SCIM_E_INVALID_VALUE);
	cr_expect_eq(search("{" SR ",\"filter\":5}").rc, SCIM_E_INVALID_VALUE);
	cr_expect_eq(
	    search("{" SR ",\"attributes\":[1]}").rc, SCIM_E_INVALID_VALUE);
	cr_expect_eq(search("{" SR ",\"filter\":\"type eq\"}").rc,
	    SCIM_E_INVALID_FILTER);
	cr_expect_eq(search("[]").rc, SCIM_E_INVALID_SYNTAX);
	cr_expect_eq(search("").rc, SCIM_E_INVALID_SYNTAX);
}

Test(search, paging_edges_in_the_body)
{
	struct ox_resp s;

	mixed();
	s = search("{" SR ",\"startIndex\":-3,\"count\":-2}");
	cr_assert_eq(s.rc, 0, "%s", s.err.detail);
	cr_expect_eq(num(s.json, "startIndex"), 1);
	cr_expect_eq(num(s.json, "totalResults"), 4);
	cr_expect_eq(ox_nres(s.json), 0);
}

/* ------------------------------------------------ typed sort (Widget) */

static void
widget(const char *name, const char *extra, int level)
{
	char body[512];
	struct ox_req r = {.rtype = "Widget", .body = body};
	struct ox_resp p;

	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"urn:example:scimcred:test:2.0:Widget\","
	    "\"urn:example:scimcred:test:2.0:Widget:Extra\"],"
	    "\"name\":\"%s\"%s,"
	    "\"urn:example:scimcred:test:2.0:Widget:Extra\":{\"level\":%d}}",
	    name, extra, level);
	p = ox_call(op_create, &r);
	cr_assert_eq(p.rc, 0, "%s: %s", name, p.err.detail);
}

static const char *
widget_names(const char *query)
{
	static char out[256];
	struct ox_req r = {.rtype = "Widget", .query = query};
	struct ox_resp l = ox_call(op_list, &r);
	size_t i, n = 0;

	cr_assert_eq(l.rc, 0, "%s: %s", query, l.err.detail);
	out[0] = '\0';
	for (i = 0; i < ox_nres(l.json); i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
		    i ? "," : "", ox_res_str(l.json, i, "name"));
	return out;
}

Test(typed_sort, numbers_dates_booleans_and_strings)
{
	widget("b",
	    ",\"count\":10,\"ratio\":2.5,\"enabled\":true,"
	    "\"born\":\"2020-01-01T01:00:00+02:00\"",
	    1);
	widget("A",
	    ",\"count\":9,\"ratio\":-1,\"enabled\":false,"
	    "\"born\":\"2020-01-01T00:00:00Z\"",
	    1);
	widget("c", ",\"count\":-3,\"ratio\":2.25", 1);
	cr_expect_str_eq(widget_names("sortBy=count"), "c,A,b");
	cr_expect_str_eq(widget_names("sortBy=ratio"), "A,c,b");
	/* b was born at 23:00Z the day before */
	cr_expect_str_eq(widget_names("sortBy=born"), "b,A,c");
	cr_expect_str_eq(widget_names("sortBy=enabled"), "A,b,c");
	cr_expect_str_eq(
	    widget_names("sortBy=enabled&sortOrder=descending"), "c,b,A");
	/* name is not caseExact */
	cr_expect_str_eq(widget_names("sortBy=name"), "A,b,c");
	cr_expect_str_eq(
	    widget_names("sortBy=name&sortOrder=descending"), "c,b,A");
}

Test(typed_sort, extension_attributes)
{
	widget("x", "", 30);
	widget("y", "", -2);
	widget("z", "", 7);
	cr_expect_str_eq(
	    widget_names("sortBy=urn:example:scimcred:test:2.0:Widget:Extra:"
			 "level"),
	    "y,z,x");
	cr_expect_str_eq(
	    widget_names("sortBy=level&sortOrder=descending"), "x,z,y");
}
