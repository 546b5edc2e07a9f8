/*
 * Listing and searching Credentials (RFC 7644 §3.4.2 and §3.4.3): the
 * filter language over GET ?filter= and POST /.search, paging
 * (startIndex, count), sorting, attribute projection, the ListResponse's
 * integer fields, and invalidFilter for filters that don't parse or bind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define BASE "/scim/demo/v2/Credential"
#define CRED(fields) "{\"schemas\":[\"" HARNESS_CRED_URN "\"]," fields "}"
#define ATTR(n, v) \
	"{\"name\":\"" n "\",\"type\":\"STRING\",\"value\":\"" v \
	"\",\"readOnly\":false}"

static char ids[5][128];
static char users[2][128];

/* Five credentials of types CT_A, CT_B and CT_C; c5 has no externalId;
 * alpha and beta belong to two Users. */
static void
seed(void)
{
	static const char *fields[] = {
	    "\"externalId\":\"alpha\",\"type\":\"CT_A\","
	    "\"status\":{\"status\":\"ACTIVE\"},"
	    "\"attributes\":[" ATTR("COLOR", "red") "]",
	    "\"externalId\":\"beta\",\"type\":\"CT_A\","
	    "\"attributes\":[" ATTR("COLOR", "blue") "]",
	    "\"externalId\":\"gamma\",\"type\":\"CT_B\","
	    "\"status\":{\"status\":\"ACTIVE\","
	    "\"expiryDate\":\"2030-01-01T00:00:00Z\"},"
	    "\"attributes\":[" ATTR("COLOR", "red") "]",
	    "\"externalId\":\"delta\",\"type\":\"CT_B\","
	    "\"status\":{\"expiryDate\":\"2020-06-01T00:00:00Z\"},"
	    "\"attributes\":[" ATTR("SIZE", "large") "]",
	    "\"type\":\"CT_C\"",
	};
	static const char *const types[] = {"CT_A", "CT_B", "CT_C"};
	const char *tok;
	char body[1024];
	size_t i;

	harness_fx_setup();
	tok = harness_fx.admin_token;
	for (i = 0; i < 3; i++)
		harness_ctype(&harness_fx, tok, "demo", types[i],
		    "[{\"name\":\"COLOR\"},{\"name\":\"SIZE\"}]", NULL);
	harness_user(&harness_fx, tok, "demo", "user-1", NULL, users[0],
	    sizeof(users[0]));
	harness_user(&harness_fx, tok, "demo", "user-2", NULL, users[1],
	    sizeof(users[1]));
	for (i = 0; i < 5; i++) {
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"" HARNESS_CRED_URN "\"],%s%s%s%s}",
		    fields[i], i < 2 ? ",\"owner\":{\"value\":\"" : "",
		    i < 2 ? users[i] : "", i < 2 ? "\"}" : "");
		harness_create(
		    &harness_fx, tok, "demo", body, ids[i], sizeof(ids[i]));
	}
}

TestSuite(search, .init = seed, .fini = harness_fx_teardown, .timeout = 60);

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, comma-joined externalIds of a ListResponse ("-" for none). */
static void
ext_ids(struct harness_resp *r, char *out, size_t outlen)
{
	const char *names[64];
	long i, n = harness_jlen(harness_json(r), "Resources");
	char p[64];
	size_t len = 0;

	if (n < 0)
		n = 0;
	for (i = 0; i < n && i < 64; i++) {
		snprintf(p, sizeof(p), "Resources.%ld.externalId", i);
		names[i] = harness_jstr(harness_json(r), p);
		if (names[i] == NULL)
			names[i] = "-";
	}
	qsort(names, (size_t)i, sizeof(names[0]), cmp_str);
	out[0] = '\0';
	for (n = i, i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, outlen - len, "%s%s",
		    i > 0 ? "," : "", names[i]);
}

static void
expect_list_fields(struct harness_resp *r)
{
	const struct json_value *v = harness_json(r);
	int64_t total, per, start;

	cr_assert_not_null(v);
	cr_assert_str_eq(harness_jstr(v, "schemas.0"), HARNESS_LIST_URN);
	cr_assert(harness_jint(v, "totalResults", &total),
	    "totalResults is not an integer");
	cr_assert(harness_jint(v, "itemsPerPage", &per),
	    "itemsPerPage is not an integer");
	cr_assert(harness_jint(v, "startIndex", &start),
	    "startIndex is not an integer");
	cr_assert_eq(per,
	    harness_jlen(v, "Resources") < 0 ? 0
					     : harness_jlen(v, "Resources"));
}

/* GET ?filter=f and compare the matched externalIds with want. */
static void
expect_filter(const char *filter, const char *want)
{
	char path[4096], got[1024];
	char *enc = harness_urlencode(filter);
	struct harness_resp r;
	int64_t total = -1;

	snprintf(path, sizeof(path), BASE "?filter=%s", enc);
	free(enc);
	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_STATUS(&r, 200);
	expect_list_fields(&r);
	ext_ids(&r, got, sizeof(got));
	cr_expect_str_eq(got, want, "filter %s", filter);
	harness_jint(harness_json(&r), "totalResults", &total);
	cr_expect_eq(total,
	    harness_jlen(harness_json(&r), "Resources") < 0
		? 0
		: harness_jlen(harness_json(&r), "Resources"),
	    "filter %s: totalResults %lld", filter, (long long)total);
	harness_resp_free(&r);
}

static void
expect_bad_filter(const char *filter)
{
	char path[16384];
	char *enc = harness_urlencode(filter);
	struct harness_resp r;

	snprintf(path, sizeof(path), BASE "?filter=%s", enc);
	free(enc);
	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_ERROR(&r, 400, "invalidFilter");
	harness_resp_free(&r);
}

ITEST(search, list_without_filter_returns_everything)
{
	struct harness_resp r;
	char got[512];
	int64_t v;

	harness_get(&harness_fx, harness_fx.admin_token, BASE, &r);
	EXPECT_STATUS(&r, 200);
	expect_list_fields(&r);
	ext_ids(&r, got, sizeof(got));
	cr_assert_str_eq(got, "-,alpha,beta,delta,gamma");
	cr_assert(harness_jint(harness_json(&r), "totalResults", &v));
	cr_assert_eq(v, 5);
	cr_assert(harness_jint(harness_json(&r), "startIndex", &v));
	cr_assert_eq(v, 1);
	harness_resp_free(&r);
}

ITEST(search, eq_on_each_indexed_attribute)
{
	char f[256];

	expect_filter("externalId eq \"alpha\"", "alpha");
	expect_filter("type eq \"CT_B\"", "delta,gamma");
	expect_filter("status.status eq \"ACTIVE\"", "alpha,gamma");
	snprintf(f, sizeof(f), "owner.value eq \"%s\"", users[1]);
	expect_filter(f, "beta");
	expect_filter("status.expiryDate eq \"2030-01-01T00:00:00Z\"", "gamma");
	snprintf(f, sizeof(f), "id eq \"%s\"", ids[3]);
	expect_filter(f, "delta");
}

ITEST(search, empty_result_is_200_with_zero_total)
{
	struct harness_resp r;
	int64_t v = -1;

	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "?filter=externalId%20eq%20%22nothing%22", &r);
	EXPECT_STATUS(&r, 200);
	expect_list_fields(&r);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &v));
	cr_assert_eq(v, 0);
	cr_assert_leq(harness_jlen(harness_json(&r), "Resources"), 0);
	harness_resp_free(&r);
}

ITEST(search, names_and_operators_are_case_insensitive)
{
	expect_filter("EXTERNALID EQ \"beta\"", "beta");
	expect_filter("Status.Status Eq \"ACTIVE\"", "alpha,gamma");
	expect_filter("type eq \"CT_A\" AND externalId Eq \"alpha\"", "alpha");
	expect_filter(HARNESS_CRED_URN ":type eq \"CT_A\"", "alpha,beta");
}

ITEST(search, string_operators)
{
	expect_filter("externalId ne \"alpha\"", "-,beta,delta,gamma");
	expect_filter("externalId sw \"al\"", "alpha");
	expect_filter("externalId ew \"ta\"", "beta,delta");
	expect_filter("externalId co \"amm\"", "gamma");
	expect_filter("externalId pr", "alpha,beta,delta,gamma");
	expect_filter("not (externalId pr)", "-");
	expect_filter("externalId gt \"beta\"", "delta,gamma");
	expect_filter("externalId le \"beta\"", "alpha,beta");
}

ITEST(search, date_comparisons)
{
	expect_filter("status.expiryDate gt \"2025-01-01T00:00:00Z\"", "gamma");
	expect_filter("status.expiryDate lt \"2025-01-01T00:00:00Z\"", "delta");
	expect_filter(
	    "status.expiryDate ge \"2020-06-01T00:00:00Z\"", "delta,gamma");
	expect_filter(
	    "status.expiryDate le \"2020-06-01T02:00:00+02:00\"", "delta");
	expect_filter("meta.created gt \"2000-01-01T00:00:00Z\"",
	    "-,alpha,beta,delta,gamma");
	expect_filter("meta.created lt \"2000-01-01T00:00:00Z\"", "");
}

ITEST(search, logical_operators_and_grouping)
{
	expect_filter(
	    "type eq \"CT_A\" and status.status eq \"ACTIVE\"", "alpha");
	expect_filter("externalId eq \"alpha\" or externalId eq \"gamma\"",
	    "alpha,gamma");
	expect_filter("not (type eq \"CT_A\")", "-,delta,gamma");
	expect_filter("(type eq \"CT_A\" or type eq \"CT_B\") and "
		      "status.status eq \"PENDING\"",
	    "beta,delta");
	expect_filter("type eq \"CT_A\" or type eq \"CT_B\" and "
		      "status.status eq \"PENDING\"",
	    "alpha,beta,delta");
	expect_filter("((externalId eq \"alpha\"))", "alpha");
}

ITEST(search, complex_multi_valued_attributes)
{
	expect_filter("attributes[name eq \"COLOR\" and value eq \"red\"]",
	    "alpha,gamma");
	expect_filter("attributes.value eq \"blue\"", "beta");
	expect_filter("attributes.name eq \"SIZE\"", "delta");
	expect_filter(
	    "attributes[value sw \"r\"] and type eq \"CT_B\"", "gamma");
	expect_filter("attributes pr", "alpha,beta,delta,gamma");
}

ITEST(search, paging_with_start_index_and_count)
{
	struct harness_resp r;
	int64_t total, per, start;

	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "?startIndex=2&count=2", &r);
	EXPECT_STATUS(&r, 200);
	expect_list_fields(&r);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &total));
	cr_assert(harness_jint(harness_json(&r), "itemsPerPage", &per));
	cr_assert(harness_jint(harness_json(&r), "startIndex", &start));
	cr_assert_eq(total, 5);
	cr_assert_eq(per, 2);
	cr_assert_eq(start, 2);
	harness_resp_free(&r);

	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "?startIndex=5&count=10", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_eq(harness_jlen(harness_json(&r), "Resources"), 1);
	harness_resp_free(&r);

	harness_get(
	    &harness_fx, harness_fx.admin_token, BASE "?startIndex=99", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &total));
	cr_assert_eq(total, 5);
	cr_assert_leq(harness_jlen(harness_json(&r), "Resources"), 0);
	harness_resp_free(&r);
}

ITEST(search, count_zero_and_out_of_range_values)
{
	struct harness_resp r;
	int64_t total, start;

	/* RFC 7644 §3.4.2.4: count 0 returns no resources, only the total */
	harness_get(&harness_fx, harness_fx.admin_token, BASE "?count=0", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &total));
	cr_assert_eq(total, 5);
	cr_assert_leq(harness_jlen(harness_json(&r), "Resources"), 0);
	harness_resp_free(&r);
	/* a startIndex below 1 is read as 1; a negative count as 0 */
	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "?startIndex=0&count=-3", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "startIndex", &start));
	cr_assert_eq(start, 1);
	cr_assert_leq(harness_jlen(harness_json(&r), "Resources"), 0);
	harness_resp_free(&r);
}

/* externalIds of a page in order, comma-joined. */
static void
ordered(struct harness_resp *r, char *out, size_t outlen)
{
	long i, n = harness_jlen(harness_json(r), "Resources");
	size_t len = 0;
	char p[64];
	const char *s;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "Resources.%ld.externalId", i);
		s = harness_jstr(harness_json(r), p);
		len += (size_t)snprintf(out + len, outlen - len, "%s%s",
		    i > 0 ? "," : "", s != NULL ? s : "-");
	}
}

ITEST(search, sort_by_and_sort_order)
{
	struct harness_resp r;
	char got[512];

	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "?filter=externalId%20pr&sortBy=externalId", &r);
	EXPECT_STATUS(&r, 200);
	ordered(&r, got, sizeof(got));
	cr_assert_str_eq(got, "alpha,beta,delta,gamma");
	harness_resp_free(&r);
	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "?filter=externalId%20pr&sortBy=externalId"
		 "&sortOrder=descending",
	    &r);
	EXPECT_STATUS(&r, 200);
	ordered(&r, got, sizeof(got));
	cr_assert_str_eq(got, "gamma,delta,beta,alpha");
	harness_resp_free(&r);
	/* paging walks the sorted order */
	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "?filter=externalId%20pr&sortBy=externalId"
		 "&startIndex=2&count=2",
	    &r);
	EXPECT_STATUS(&r, 200);
	ordered(&r, got, sizeof(got));
	cr_assert_str_eq(got, "beta,delta");
	harness_resp_free(&r);
}

ITEST(search, attributes_projection_in_lists)
{
	struct harness_resp r;
	const struct json_value *v;

	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "?filter=externalId%20eq%20%22alpha%22&attributes=externalId",
	    &r);
	EXPECT_STATUS(&r, 200);
	v = harness_json(&r);
	cr_assert_str_eq(harness_jstr(v, "Resources.0.externalId"), "alpha");
	cr_assert_str_eq(harness_jstr(v, "Resources.0.id"), ids[0]);
	cr_assert_null(harness_jpath(v, "Resources.0.type"));
	harness_resp_free(&r);
	harness_get(&harness_fx, harness_fx.admin_token,
	    BASE "?filter=externalId%20eq%20%22alpha%22"
		 "&excludedAttributes=attributes",
	    &r);
	EXPECT_STATUS(&r, 200);
	v = harness_json(&r);
	cr_assert_str_eq(harness_jstr(v, "Resources.0.type"), "CT_A");
	cr_assert_null(harness_jpath(v, "Resources.0.attributes"));
	harness_resp_free(&r);
}

static void
search(const char *body, struct harness_resp *r)
{
	harness_post(
	    &harness_fx, harness_fx.admin_token, BASE "/.search", body, r);
}

#define SEARCH(fields) "{\"schemas\":[\"" HARNESS_SEARCH_URN "\"]" fields "}"

ITEST(search, post_search_request)
{
	struct harness_resp r;
	char got[512];
	int64_t v;

	search(SEARCH(",\"filter\":\"type eq \\\"CT_A\\\" or type eq "
		      "\\\"CT_B\\\"\",\"startIndex\":1,\"count\":3,"
		      "\"sortBy\":\"externalId\",\"sortOrder\":\"ascending\","
		      "\"attributes\":[\"externalId\"]"),
	    &r);
	EXPECT_STATUS(&r, 200);
	expect_list_fields(&r);
	ordered(&r, got, sizeof(got));
	cr_assert_str_eq(got, "alpha,beta,delta");
	cr_assert(harness_jint(harness_json(&r), "totalResults", &v));
	cr_assert_eq(v, 4);
	cr_assert_null(harness_jpath(harness_json(&r), "Resources.0.type"));
	harness_resp_free(&r);
}

ITEST(search, post_search_without_filter_and_with_excluded_attributes)
{
	struct harness_resp r;
	int64_t v;

	search(SEARCH(",\"excludedAttributes\":[\"attributes\"]"), &r);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &v));
	cr_assert_eq(v, 5);
	cr_assert_null(
	    harness_jpath(harness_json(&r), "Resources.0.attributes"));
	harness_resp_free(&r);
}

ITEST(search, post_search_errors)
{
	struct harness_resp r;

	search(SEARCH(",\"filter\":\"type eq\""), &r);
	EXPECT_ERROR(&r, 400, "invalidFilter");
	harness_resp_free(&r);
	search(SEARCH(",\"filter\":42"), &r);
	EXPECT_ERROR(&r, 400, NULL);
	harness_resp_free(&r);
	search(SEARCH(",\"count\":\"ten\""), &r);
	EXPECT_ERROR(&r, 400, NULL);
	harness_resp_free(&r);
	search("not json", &r);
	EXPECT_ERROR(&r, 400, NULL);
	harness_resp_free(&r);
}

ITEST(search, bad_filters_are_invalid_filter)
{
	expect_bad_filter("type");
	expect_bad_filter("type eq");
	expect_bad_filter("type xx \"CT_A\"");
	expect_bad_filter("type eq \"CT_A");
	expect_bad_filter("type eq CT_A");
	expect_bad_filter("(type eq \"CT_A\"");
	expect_bad_filter("type eq \"CT_A\")");
	expect_bad_filter("type eq \"CT_A\" and");
	expect_bad_filter("nosuchattr eq \"x\"");
	expect_bad_filter("meta.created gt \"notadate\"");
	expect_bad_filter("status.active gt true");
	expect_bad_filter("attributes[name eq \"x\"");
	expect_bad_filter("not type eq \"x\"");
}

ITEST(search, filter_with_attributes_param_on_search_path)
{
	struct harness_resp r;

	/* GET on /.search is not a search (RFC 7644 §3.4.3 uses POST) */
	harness_get(&harness_fx, harness_fx.admin_token, BASE "/.search", &r);
	cr_assert(r.status == 404 || r.status == 405 || r.status == 400,
	    "GET /.search answered %d", r.status);
	EXPECT_REJECTED(&r, 0);
	harness_resp_free(&r);
}
