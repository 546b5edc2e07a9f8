/* Evaluating bound filters against resources (filter/filter_match.c):
 * the HID Credential search table, typed comparisons, multi-valued and
 * missing attributes, value paths and extensions. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"
#include "schema_fixture.h"

static struct arena *A;
static struct json_value *CRED, *USER;

/* HID's sample credential (GET /Credential/{id}) plus an owner, meta
 * dates and a few typed fixture attributes. */
static const char cred_json[] =
    "{\"schemas\":[\"urn:hid:scim:api:idp:2.0:Credential\"],"
    "\"id\":\"11385\",\"externalId\":\"jdoeCT_ACODE\","
    "\"meta\":{\"resourceType\":\"Credential\","
    "\"created\":\"2017-11-21T13:58:40Z\","
    "\"location\":\"https://example.com/scim/t/v2/Credential/11385\","
    "\"version\":\"1\"},"
    "\"type\":\"CT_ACODE\","
    "\"status\":{\"status\":\"ACTIVE\",\"active\":true,"
    "\"expiryDate\":\"2018-11-21T14:14:59Z\","
    "\"startDate\":\"2017-11-21T13:58:40Z\"},"
    "\"attributes\":["
    "{\"name\":\"MY_ATTR0\",\"type\":\"string\",\"value\":\"value0\","
    "\"readOnly\":false},"
    "{\"name\":\"MY_ATTR1\",\"type\":\"string\",\"value\":\"value1\","
    "\"readOnly\":false},"
    "{\"name\":\"EXPIRY_THRESHOLD_OF_ACTIVATION_CODE\",\"type\":\"string\","
    "\"value\":\"-1\",\"readOnly\":false}],"
    "\"owner\":{\"value\":\"jdoe-0001\","
    "\"$ref\":\"https://example.com/scim/t/v2/Users/jdoe-0001\","
    "\"display\":\"John Doe\"},"
    "\"totalUsed\":\"0\",\"usageCount\":5,\"score\":2.5,"
    "\"certificate\":\"QUJDRA==\",\"tags\":[\"alpha\",\"Beta\"],"
    "\"keys\":[{\"value\":\"AAAA\",\"labels\":[\"signing\",\"primary\"]},"
    "{\"value\":\"BBBB\",\"labels\":[]}]}";

static const char user_json[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\","
    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"],"
    "\"id\":\"2819c223-7f76-453a-919d-413861904646\","
    "\"externalId\":\"bjensen\","
    "\"meta\":{\"created\":\"2011-08-01T18:29:49.793Z\","
    "\"lastModified\":\"2011-08-01T20:31:02+02:00\"},"
    "\"userName\":\"bjensen@example.com\","
    "\"name\":{\"givenName\":\"Barbara\",\"familyName\":\"Jensen\"},"
    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\","
    "\"primary\":true},"
    "{\"value\":\"babs@jensen.org\",\"type\":\"home\"}],"
    "\"active\":true,\"loginCount\":9007199254740993,\"weight\":61.5,"
    "\"lastLogin\":\"2020-01-01T00:00:00+05:30\","
    "\"costCenter\":\"top-level-is-not-the-extension\","
    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{"
    "\"employeeNumber\":\"701984\","
    "\"manager\":{\"value\":\"26118915-6090-4610-87e4-49d8ca9f808d\","
    "\"displayName\":\"John Smith\"}}}";

static void
setup(void)
{
	A = arena_new();
	CRED = fixture_json(A, cred_json);
	USER = fixture_json(A, user_json);
}

static void
teardown(void)
{
	arena_free(A);
}

TestSuite(filter_match, .init = setup, .fini = teardown);

static int
matches(
    const struct fixture_rtype *rt, const struct json_value *res, const char *s)
{
	struct filter_node *n = NULL;
	struct scim_err err;

	cr_assert_eq(fixture_compile(A, rt, s, &n, &err), 0,
	    "rejected \"%s\": %s", s, err.detail);
	return filter_match(n, res);
}

#define C (&fixture_credential)
#define U (&fixture_user)
#define YES(rt, res, f) cr_expect(matches(rt, res, f), "should match: %s", f)
#define NO(rt, res, f) \
	cr_expect(!matches(rt, res, f), "should not match: %s", f)
#define CYES(f) YES(C, CRED, f)
#define CNO(f) NO(C, CRED, f)
#define UYES(f) YES(U, USER, f)
#define UNO(f) NO(U, USER, f)

/* ---- the HID Credential search table, one filter per row */

Test(filter_match, hid_type_eq)
{
	CYES("type eq \"CT_ACODE\"");
	CYES("type eq \"ct_acode\""); /* string, not caseExact */
	CNO("type eq \"CT_OTHER\"");
	CNO("type eq \"CT_ACOD\"");
}

Test(filter_match, hid_attributes_value)
{
	CYES("attributes.value eq \"value1\"");
	CYES("attributes.value eq \"-1\"");
	CNO("attributes.value eq \"value9\"");
	CYES("attributes.value co \"alue\"");
	CYES("attributes.value co \"LUE1\"");
	CNO("attributes.value co \"value2\"");
	CYES("attributes.value sw \"val\"");
	CNO("attributes.value sw \"alue\"");
	CYES("attributes.value ew \"ue0\"");
	CNO("attributes.value ew \"ue2\"");
}

Test(filter_match, hid_external_id_and_id)
{
	CYES("externalId eq \"jdoeCT_ACODE\"");
	CYES("externalid eq \"jdoeCT_ACODE\"");
	CNO("externalId eq \"JDOECT_ACODE\""); /* caseExact (RFC 7643 §3.1) */
	CYES("id eq \"11385\"");
	CNO("id eq \"11386\"");
}

Test(filter_match, hid_expiry_date)
{
	CYES("status.expiryDate eq \"2018-11-21T14:14:59Z\"");
	CYES("status.expiryDate eq \"2018-11-21T16:14:59+02:00\"");
	CYES("status.expiryDate eq \"2018-11-21T14:14:59.000Z\"");
	CNO("status.expiryDate eq \"2018-11-21T14:14:58Z\"");
	CYES("status.expiryDate gt \"2018-01-01T00:00:00Z\"");
	CNO("status.expiryDate gt \"2018-11-21T14:14:59Z\"");
	CYES("status.expiryDate lt \"2018-11-21T14:15:00Z\"");
	CNO("status.expiryDate lt \"2018-11-21T14:14:59Z\"");
	CYES("status.expiryDate ge \"2018-11-21T14:14:59Z\"");
	CYES("status.expiryDate le \"2018-11-21T14:14:59Z\"");
}

Test(filter_match, hid_start_date_status_owner)
{
	CYES("status.startDate eq \"2017-11-21T13:58:40Z\"");
	CNO("status.startDate eq \"2017-11-21T13:58:41Z\"");
	CYES("status.status eq \"ACTIVE\"");
	CNO("status.status eq \"REVOKED\"");
	CYES("urn:hid:scim:api:idp:2.0:Credential:status.status eq \"ACTIVE\"");
	CYES("owner.value eq \"jdoe-0001\"");
	CNO("owner.value eq \"JDOE-0001\""); /* fixture: owner.value caseExact */
	CNO("owner.value eq \"jdoe-0002\"");
}

Test(filter_match, hid_and_combinations)
{
	CYES("type eq \"CT_ACODE\" and status.status eq \"ACTIVE\"");
	CNO("type eq \"CT_ACODE\" and status.status eq \"REVOKED\"");
	CYES("owner.value eq \"jdoe-0001\" and status.expiryDate lt "
	     "\"2019-01-01T00:00:00Z\" and attributes.value sw \"value\"");
}

Test(filter_match, hid_value_path_is_one_element)
{
	CYES("attributes[name eq \"MY_ATTR1\" and value sw \"val\"]");
	CYES("attributes[name eq \"MY_ATTR1\" and value eq \"value1\"]");
	/* MY_ATTR0 holds value0: the two terms must hold on one element */
	CNO("attributes[name eq \"MY_ATTR0\" and value eq \"value1\"]");
	/* ...whereas separate terms may match different elements */
	CYES("attributes.name eq \"MY_ATTR0\" and attributes.value eq "
	     "\"value1\"");
	CNO("attributes[name eq \"my_attr1\"]"); /* name is caseExact here */
	CYES("attributes[name eq \"MY_ATTR1\"].value eq \"VALUE1\"");
	CNO("attributes[name eq \"MY_ATTR0\"].value eq \"value1\"");
}

/* ---- precedence, logic, missing attributes */

Test(filter_match, precedence_changes_results)
{
	/* or(a, and(b, c)): true; a left-to-right reading would be false */
	CYES("type eq \"CT_ACODE\" or id eq \"x\" and externalId eq \"y\"");
	CNO("(type eq \"CT_ACODE\" or id eq \"x\") and externalId eq \"y\"");
	CYES("not (id eq \"x\") and type pr");
	CNO("not (id eq \"11385\" or type eq \"x\")");
}

Test(filter_match, missing_attribute_comparisons_fail)
{
	UNO("nickName eq \"x\"");
	UNO("nickName co \"x\"");
	UNO("nickName sw \"\"");
	UNO("nickName gt \"a\"");
	UNO("nickName lt \"a\"");
	UNO("nickName pr");
	UNO("name.familyName eq \"x\" and nickName pr");
}

Test(filter_match, missing_attribute_ne_and_not_match)
{
	UYES("nickName ne \"x\"");
	UYES("not (nickName eq \"x\")");
	UYES("not (nickName gt \"a\")");
	UYES("not (nickName pr)");
	UYES("emails[not (primary eq true)]"); /* the home email has none */
	UNO("emails[primary ne true and type eq \"work\"]");
}

Test(filter_match, ne_is_the_complement_of_eq)
{
	UNO("userName ne \"BJENSEN@example.com\"");
	UYES("userName ne \"someone@example.com\"");
	/* multi-valued: ne holds only when no value is equal */
	UNO("emails.type ne \"work\"");
	UYES("emails.type ne \"other\"");
	CNO("tags ne \"alpha\"");
	CYES("tags ne \"gamma\"");
}

Test(filter_match, null_is_the_unassigned_state)
{
	struct json_value *r = fixture_json(A,
	    "{\"userName\":null,\"nickName\":\"\",\"emails\":[],"
	    "\"name\":{\"givenName\":null}}");

	YES(U, r, "userName eq null");
	YES(U, r, "nickName eq null");
	YES(U, r, "emails eq null");
	YES(U, r, "name eq null");
	YES(U, r, "active eq null"); /* absent */
	NO(U, r, "userName ne null");
	NO(U, r, "active ne null");
	UNO("userName eq null");
	UYES("userName ne null");
	UYES("manager ne null");
	UYES("emails.primary ne null");
	UYES("emails[primary eq null]");
}

Test(filter_match, presence)
{
	struct json_value *r = fixture_json(A,
	    "{\"userName\":\"\",\"nickName\":null,\"emails\":[{}],"
	    "\"name\":{\"givenName\":null,\"familyName\":\"\"},"
	    "\"active\":false,\"loginCount\":0,"
	    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":"
	    "{\"manager\":{}}}");

	NO(U, r, "userName pr");
	NO(U, r, "nickName pr");
	NO(U, r, "emails pr");
	NO(U, r, "emails.value pr");
	NO(U, r, "name pr");
	NO(U, r, "manager pr");
	NO(U, r, "externalId pr");
	YES(U, r, "active pr");
	YES(U, r, "loginCount pr");
	UYES("userName pr");
	UYES("emails pr");
	UYES("emails.primary pr");
	UYES("name pr");
	UYES("manager pr");
	UYES("meta.created pr");
}

/* ---- typed comparisons */

Test(filter_match, datetime_across_offsets)
{
	/* lastModified is 2011-08-01T18:31:02Z written with +02:00 */
	UYES("meta.lastModified eq \"2011-08-01T18:31:02Z\"");
	UYES("meta.lastModified eq \"2011-08-01T13:31:02-05:00\"");
	UYES("meta.lastModified gt \"2011-08-01T20:00:00+0300\"");
	UNO("meta.lastModified gt \"2011-08-01T20:00:00Z\"");
	/* milliseconds count */
	UYES("meta.created gt \"2011-08-01T18:29:49.792Z\"");
	UNO("meta.created gt \"2011-08-01T18:29:49.793Z\"");
	UYES("meta.created eq \"2011-08-01T18:29:49.793000Z\"");
	UYES("lastLogin eq \"2019-12-31T18:30:00Z\"");
	UYES("meta.created lt \"2011-08-01T18:31:02Z\"");
}

Test(filter_match, unparsable_resource_dates_do_not_match)
{
	struct json_value *r = fixture_json(
	    A, "{\"lastLogin\":\"yesterday\",\"meta\":{\"created\":42}}");

	NO(U, r, "lastLogin gt \"2000-01-01T00:00:00Z\"");
	NO(U, r, "lastLogin lt \"2100-01-01T00:00:00Z\"");
	NO(U, r, "meta.created lt \"2100-01-01T00:00:00Z\"");
	YES(U, r, "not (lastLogin gt \"2000-01-01T00:00:00Z\")");
	YES(U, r, "lastLogin pr");
}

Test(filter_match, integers_and_decimals_compare_numerically)
{
	CYES("usageCount eq 5");
	CYES("usageCount eq 5.0");
	CYES("usageCount eq 5e0");
	CYES("usageCount gt 4.5");
	CYES("usageCount lt 5.5");
	CNO("usageCount gt 5");
	CYES("usageCount ge 5");
	CYES("score eq 2.5");
	CYES("score gt 2");
	CYES("score lt 3");
	CNO("score gt 2.5");
	CYES("score ge 25e-1");
}

Test(filter_match, large_integers_are_exact)
{
	/* 9007199254740993 = 2^53 + 1 has no double; the nearest double
	 * literal is 2^53, which must compare smaller */
	UYES("loginCount eq 9007199254740993");
	UNO("loginCount eq 9007199254740992");
	UYES("loginCount gt 9007199254740992.0");
	UNO("loginCount eq 9007199254740992.0");
	UYES("loginCount lt 9.3e18");
	UYES("loginCount gt -9.3e18");
	UYES("weight gt 61");
	UYES("weight lt 62");
	UYES("weight eq 61.5");
}

Test(filter_match, numbers_of_the_wrong_json_type_do_not_match)
{
	struct json_value *r =
	    fixture_json(A, "{\"usageCount\":\"5\",\"score\":true}");

	NO(C, r, "usageCount eq 5");
	NO(C, r, "score eq 1");
	YES(C, r, "usageCount ne 5");
}

Test(filter_match, booleans)
{
	UYES("active eq true");
	UNO("active eq false");
	UYES("active ne false");
	CYES("status.active eq true");
	CYES("attributes.readOnly eq false");
	CNO("attributes.readOnly eq true");
	NO(U, fixture_json(A, "{\"active\":\"true\"}"), "active eq true");
	NO(U, fixture_json(A, "{\"active\":1}"), "active eq true");
}

Test(filter_match, case_exact_versus_not)
{
	UYES("userName eq \"BJensen@Example.COM\"");
	UYES("userName sw \"BJENSEN\"");
	UYES("userName ew \"EXAMPLE.com\"");
	UYES("userName co \"@EXAMPLE\"");
	UYES("externalId eq \"bjensen\"");
	UNO("externalId eq \"BJensen\"");
	UNO("externalId sw \"BJ\"");
	UNO("externalId co \"JENS\"");
	UYES("externalId co \"jens\"");
	UNO("id ew \"4646\" and id co \"7F76\"");
}

Test(filter_match, string_ordering)
{
	/* case-folded for userName, byte order for caseExact externalId */
	UYES("userName gt \"BJ\"");
	UYES("userName lt \"BK\"");
	UYES("userName ge \"bjensen@example.com\"");
	UYES("userName le \"BJENSEN@EXAMPLE.COM\"");
	UNO("userName gt \"bjensen@example.com\"");
	UYES("externalId gt \"B\""); /* 'b' (0x62) > 'B' (0x42) */
	UNO("externalId lt \"B\"");
	UYES("externalId lt \"c\"");
}

Test(filter_match, binary_and_reference)
{
	CYES("certificate eq \"QUJDRA==\"");
	CNO("certificate eq \"qujdra==\""); /* base64 is case-sensitive */
	CYES("owner.$ref sw \"https://example.com/\"");
	CNO("owner.$ref sw \"HTTPS://example.com/\""); /* caseExact */
	CYES("keys.value eq \"BBBB\"");
}

Test(filter_match, empty_literals)
{
	CYES("type co \"\"");
	CYES("type sw \"\"");
	CYES("type ew \"\"");
	CNO("type eq \"\"");
	NO(C, fixture_json(A, "{\"type\":\"\"}"), "type pr");
	YES(C, fixture_json(A, "{\"type\":\"\"}"), "type eq \"\"");
}

/* ---- multi-valued attributes, value paths, extensions */

Test(filter_match, multi_valued_any_value)
{
	UYES("emails.value eq \"babs@jensen.org\"");
	UYES("emails.type eq \"home\"");
	UYES("emails co \"jensen.org\""); /* emails.value by default */
	UNO("emails.value eq \"nobody@example.com\"");
	CYES("tags eq \"ALPHA\"");
	CYES("tags eq \"beta\"");
	CNO("tags eq \"gamma\"");
	/* multi-valued sub-attribute of a multi-valued attribute */
	CYES("keys.labels eq \"primary\"");
	CNO("keys.labels eq \"encryption\"");
	CYES("keys[labels eq \"signing\" and value eq \"AAAA\"]");
	CNO("keys[labels eq \"signing\" and value eq \"BBBB\"]");
}

Test(filter_match, value_paths)
{
	UYES("emails[type eq \"work\" and value co \"@example.com\"]");
	UNO("emails[type eq \"home\" and value co \"@example.com\"]");
	UYES("emails[type eq \"home\" or primary eq true]");
	UYES("emails[not (type eq \"work\")]");
	UYES("emails[type eq \"work\"].value eq \"bjensen@example.com\"");
	UNO("emails[type eq \"home\"].value eq \"bjensen@example.com\"");
	UYES("emails[type eq \"home\" or (type eq \"work\" and primary eq "
	     "true)]");
	UYES("emails[value pr and type pr] and not (emails[type eq \"x\"])");
	/* single-valued complex: the attribute is its own element */
	UYES("name[givenName eq \"barbara\" and familyName sw \"J\"]");
	UNO("name[givenName eq \"barbara\" and familyName sw \"X\"]");
	UYES(FIXTURE_USER_URN ":emails[type eq \"work\"]");
}

Test(filter_match, value_path_on_missing_or_odd_shapes)
{
	NO(U, fixture_json(A, "{}"), "emails[type eq \"work\"]");
	YES(U, fixture_json(A, "{}"), "not (emails[type eq \"work\"])");
	NO(U, fixture_json(A, "{\"emails\":\"work\"}"),
	    "emails[type eq \"work\"]");
	NO(U, fixture_json(A, "{\"emails\":[\"work\",null,3]}"),
	    "emails[type eq \"work\"]");
	YES(U, fixture_json(A, "{\"emails\":[null,{\"type\":\"work\"}]}"),
	    "emails[type eq \"work\"]");
	YES(U, fixture_json(A, "{\"emails\":{\"type\":\"work\"}}"),
	    "emails.type eq \"work\"");
}

Test(filter_match, extension_attributes_live_under_their_urn)
{
	UYES("employeeNumber eq \"701984\"");
	UYES(FIXTURE_ENTERPRISE_URN ":employeeNumber eq \"701984\"");
	UYES("manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\"");
	UYES(FIXTURE_ENTERPRISE_URN
	    ":manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\"");
	UYES("manager eq \"26118915-6090-4610-87e4-49d8ca9f808d\"");
	UYES("manager[displayName sw \"john\"]");
	/* a top-level member with the extension attribute's name is not it */
	UNO("costCenter pr");
	UNO("costCenter eq \"top-level-is-not-the-extension\"");
	UYES("userName sw \"bj\" and " FIXTURE_USER_URN ":name.givenName pr");
}

Test(filter_match, keys_compare_case_insensitively)
{
	struct json_value *r = fixture_json(A,
	    "{\"USERNAME\":\"x\",\"Emails\":[{\"TYPE\":\"work\"}],"
	    "\"URN:IETF:params:scim:schemas:extension:enterprise:2.0:USER\":"
	    "{\"EmployeeNumber\":\"7\"}}");

	YES(U, r, "userName eq \"x\"");
	YES(U, r, "emails[type eq \"WORK\"]");
	YES(U, r, "employeeNumber eq \"7\"");
}

/* ---- safety */

Test(filter_match, unbound_filters_never_match)
{
	struct filter_node *n = NULL;
	struct scim_err err;

	cr_assert_eq(
	    filter_parse(A, str_from("not (userName eq \"x\")"), &n, &err), 0);
	cr_expect_eq(filter_match(n, USER), 0);
	cr_expect_eq(filter_match(NULL, USER), 0);
	cr_assert_eq(filter_bind(n, fixture_resolve, (void *)U, &err), 0);
	cr_expect_eq(filter_match(n, USER), 1);
	cr_expect_eq(filter_match(n, NULL), 0);
	/* a non-object resource has no attributes */
	cr_expect_eq(filter_match(n, fixture_json(A, "[1,2]")), 1);
}

static unsigned
rnd(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % n;
}

/* co against a plain scan, on small alphabets where periodic needles
 * and near-misses are common. */
Test(filter_match, contains_agrees_with_a_plain_scan)
{
	struct filter_node *n = NULL;
	struct scim_err err;
	struct json_value *r = json_object(A);
	unsigned seed = 12345;
	char hay[48], lit[24], f[64];
	size_t i, k, hl, nl;

	for (i = 0; i < 20000; i++) {
		int exact = i % 2;
		hl = rnd(&seed, 40);
		nl = 1 + rnd(&seed, 8);
		for (k = 0; k < hl; k++)
			hay[k] = "abA"[rnd(&seed, 3)];
		for (k = 0; k < nl; k++)
			lit[k] = "abA"[rnd(&seed, 3)];
		snprintf(f, sizeof(f), "%s co \"%.*s\"",
		    exact ? "externalId" : "userName", (int)nl, lit);
		json_object_set_cstr(A, r, exact ? "externalId" : "userName",
		    json_string(A, str_make(hay, hl)));
		cr_assert_eq(fixture_compile(A, U, f, &n, &err), 0);
		cr_assert_eq(filter_match(n, r),
		    str_find(str_make(hay, hl), str_make(lit, nl), !exact) >= 0,
		    "%s on \"%.*s\"", f, (int)hl, hay);
	}
}

/* A quadratic scan would need ~10^10 steps here; Two-Way is linear. */
Test(filter_match, contains_is_linear, .timeout = 10)
{
	size_t hl = 1 << 20, nl = FILTER_MAX_LEN - 64;
	char *hay = malloc(hl), *f = malloc(nl + 32);
	struct json_value *r = json_object(A);
	struct filter_node *n = NULL;
	struct scim_err err;

	memset(hay, 'a', hl);
	memcpy(f, "userName co \"", 13);
	memset(f + 13, 'A', nl);
	memcpy(f + 13 + nl - 1, "b\"", 3);
	json_object_set_cstr(
	    A, r, "userName", json_string(A, str_make(hay, hl)));
	cr_assert_eq(fixture_compile(A, U, f, &n, &err), 0, "%s", err.detail);
	cr_expect_eq(filter_match(n, r), 0);
	f[13 + nl - 1] = 'a';
	cr_assert_eq(fixture_compile(A, U, f, &n, &err), 0, "%s", err.detail);
	cr_expect_eq(filter_match(n, r), 1);
	free(hay);
	free(f);
}
