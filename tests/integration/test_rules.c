/*
 * Issuance rules end to end over HTTP (issue 5): rules by group (with
 * nesting), by population and by SCIM filter; staged changes following
 * users, memberships and rule edits; ON_DEMAND apply, repeated and
 * concurrent; PERIODIC runs and the three-errors rule; usage counts and
 * details; and the 400s of invalid rules.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dir_http.h"

#define RULE_URN "urn:scimcred:params:scim:schemas:core:2.0:IssuanceRule"
#define PATCH_OPS(ops) \
	"{\"schemas\":[\"" DIR_PATCH_URN "\"],\"Operations\":[" ops "]}"

TestSuite(rules, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 60);

/* An AUTOMATED type whose NAME comes from displayName (at most maxlen
 * characters) and LOGIN from userName; new credentials are ACTIVE. */
static void
auto_type(const char *code, int maxlen)
{
	struct harness_resp r;

	dir_req("POST", "/CredentialTypes",
	    dir_fmt("{\"schemas\":[\"" HARNESS_CTYPE_URN "\"],\"id\":\"%s\","
		    "\"name\":\"%s\",\"management\":{\"mode\":\"AUTOMATED\"},"
		    "\"initialStatus\":\"ACTIVE\",\"attributes\":["
		    "{\"name\":\"NAME\",\"maxLength\":%d,\"source\":"
		    "\"displayName\"},{\"name\":\"LOGIN\",\"source\":"
		    "\"userName\"}]}",
		code, code, maxlen),
	    &r);
	EXPECT_STATUS(&r, 201);
	harness_resp_free(&r);
}

static void
user_named(const char *user_name, const char *display, char *id)
{
	dir_create("/Users",
	    dir_fmt("{\"schemas\":[\"" DIR_USER_URN "\"],\"userName\":\"%s\","
		    "\"displayName\":\"%s\"}",
		user_name, display),
	    id);
}

/* A rule body: filter is the filter object's text, mode each action's. */
static const char *
rule_body(
    const char *ctype, const char *filter, const char *mode, const char *extra)
{
	return dir_fmt("{\"schemas\":[\"" RULE_URN "\"],"
		       "\"credentialType\":{\"value\":\"%s\"},\"filter\":%s,"
		       "\"automation\":{\"issue\":\"%s\",\"update\":\"%s\","
		       "\"revoke\":\"%s\"},\"status\":\"ACTIVE\"%s}",
	    ctype, filter, mode, mode, mode, extra != NULL ? extra : "");
}

static void
rule_create(const char *ctype, const char *filter, const char *mode, char *id)
{
	dir_create("/IssuanceRules", rule_body(ctype, filter, mode, NULL), id);
}

/* The staged changes matching filter; the response stays in r. */
static long
staged(const char *filter, struct harness_resp *r)
{
	char *q = harness_urlencode(filter);
	int64_t n = -1;

	dir_req("GET", dir_fmt("/StagedChanges?filter=%s", q), NULL, r);
	free(q);
	EXPECT_STATUS(r, 200);
	harness_jint(harness_json(r), "totalResults", &n);
	return (long)n;
}

static long
staged_n(const char *filter)
{
	struct harness_resp r;
	long n = staged(filter, &r);

	harness_resp_free(&r);
	return n;
}

static long
staged_for(const char *rule, const char *user, const char *action)
{
	return staged_n(dir_fmt("issuanceRule.value eq \"%s\" and user.value "
				"eq \"%s\" and action eq \"%s\"",
	    rule, user, action));
}

/* POST /IssuanceRules/{rule}/StagedChanges with {key: [user]}. */
static void
apply(
    const char *rule, const char *key, const char *user, struct harness_resp *r)
{
	dir_req("POST", dir_fmt("/IssuanceRules/%s/StagedChanges", rule),
	    dir_fmt("{\"%s\":[\"%s\"]}", key, user), r);
	EXPECT_STATUS(r, 200);
}

/* Applies and asserts it was done; returns the credential id in cred. */
static void
apply_ok(const char *rule, const char *key, const char *user, char *cred)
{
	struct harness_resp r;
	const char *c;

	apply(rule, key, user, &r);
	cr_assert_eq(harness_jlen(harness_json(&r), key), 1, "%s", r.body);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), dir_fmt("%s.0.user.id", key)), user);
	c = harness_jstr(harness_json(&r), dir_fmt("%s.0.credential.id", key));
	cr_assert_not_null(c, "%s", r.body);
	if (cred != NULL)
		strcpy(cred, c);
	harness_resp_free(&r);
}

static void
usage(const char *rule, int64_t want[5])
{
	static const char *const names[] = {
	    "issued", "accepted", "updated", "revoked", "errors"};
	struct harness_resp r;
	int64_t v;
	int i;

	dir_req(
	    "GET", dir_fmt("/IssuanceRules/%s/usageCounts", rule), NULL, &r);
	EXPECT_STATUS(&r, 200);
	for (i = 0; i < 5; i++) {
		cr_assert(
		    harness_jint(harness_json(&r), names[i], &v), "%s", r.body);
		cr_expect_eq(v, want[i], "%s: %lld, want %lld (%s)", names[i],
		    (long long)v, (long long)want[i], r.body);
	}
	harness_resp_free(&r);
}

static const char *
cred_status(const char *cred, struct harness_resp *r)
{
	dir_req("GET", dir_fmt("/Credential/%s", cred), NULL, r);
	EXPECT_STATUS(r, 200);
	return harness_jstr(harness_json(r), "status.status");
}

/* ------------------------------------------------------------- by group */

ITEST(rules, by_group_with_nesting_join_and_leave)
{
	struct harness_resp r;
	char u1[128], u2[128], u3[128], g[128], sub[128], rule[128];
	char c1[128], c2[128];
	const struct json_value *a;
	int64_t want[5] = {2, 0, 0, 1, 0};

	auto_type("CT_RG", 64);
	user_named("rg.one", "One", u1);
	user_named("rg.two", "Two", u2);
	user_named("rg.three", "Three", u3);
	dir_create("/Groups",
	    dir_fmt("{\"schemas\":[\"" DIR_GROUP_URN "\"],\"displayName\":"
		    "\"sub\",\"members\":[{\"value\":\"%s\"}]}",
		u2),
	    sub);
	dir_create("/Groups",
	    dir_fmt("{\"schemas\":[\"" DIR_GROUP_URN "\"],\"displayName\":"
		    "\"top\",\"members\":[{\"value\":\"%s\"},{\"value\":\"%s\"}"
		    "]}",
		u1, sub),
	    g);
	rule_create(
	    "CT_RG", dir_fmt("{\"groupIds\":[\"%s\"]}", g), "ON_DEMAND", rule);
	/* u2 is in a Group nested in the rule's: it matches too. */
	cr_expect_eq(staged_n(dir_fmt("issuanceRule.value eq \"%s\" and "
				      "action eq \"ISSUE\"",
			 rule)),
	    2);
	cr_expect_eq(staged_for(rule, u3, "ISSUE"), 0);
	staged(dir_fmt("user.value eq \"%s\"", u1), &r);
	cr_expect_eq(harness_jbool(harness_json(&r), "Resources.0.scheduled"),
	    0, "ON_DEMAND is not scheduled");
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "Resources.0.credentialType.value"),
	    "CT_RG");
	harness_resp_free(&r);
	apply_ok(rule, "issue", u1, c1);
	apply_ok(rule, "issue", u2, c2);
	cr_expect_eq(
	    staged_n(dir_fmt("issuanceRule.value eq \"%s\"", rule)), 0);
	dir_req("GET", dir_fmt("/Credential/%s", c1), NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(harness_jstr(harness_json(&r), "type"), "CT_RG");
	cr_expect_str_eq(harness_jstr(harness_json(&r), "owner.value"), u1);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "status.status"), "ACTIVE");
	a = dir_elem(harness_json(&r), "attributes", "name", "LOGIN");
	cr_assert_not_null(a, "%s", r.body);
	cr_expect_str_eq(harness_jstr(a, "value"), "rg.one");
	harness_resp_free(&r);
	/* u3 joins the nested Group: ISSUE; u2 leaves it: REVOKE. */
	dir_req("PATCH", dir_fmt("/Groups/%s", sub),
	    dir_fmt(PATCH_OPS("{\"op\":\"add\",\"path\":\"members\",\"value\":"
			      "[{\"value\":\"%s\"}]},{\"op\":\"remove\","
			      "\"path\":\"members[value eq \\\"%s\\\"]\"}"),
		u3, u2),
	    &r);
	cr_expect(
	    r.status == 200 || r.status == 204, "%d %s", r.status, r.body);
	harness_resp_free(&r);
	cr_expect_eq(staged_for(rule, u3, "ISSUE"), 1);
	cr_expect_eq(staged_for(rule, u2, "REVOKE"), 1);
	staged(dir_fmt("user.value eq \"%s\"", u2), &r);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "Resources.0.credential.value"), c2);
	harness_resp_free(&r);
	apply_ok(rule, "revoke", u2, NULL);
	cr_expect_str_eq(cred_status(c2, &r), "REVOKED");
	harness_resp_free(&r);
	/* A change is applied once: asking again finds nothing staged. */
	apply(rule, "revoke", u2, &r);
	cr_expect_eq(harness_jlen(harness_json(&r), "revoke"), 0);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "notStaged.0.user.id"), u2);
	harness_resp_free(&r);
	usage(rule, want);
}

/* ------------------------------------------------------- by population */

ITEST(rules, by_population_and_user_moves)
{
	struct harness_resp r;
	char p[128], q[128], u1[128], u2[128], rule[128];

	auto_type("CT_RP", 64);
	dir_create("/Populations",
	    "{\"schemas\":[\"" DIR_POP_URN "\"],\"name\":\"staff\"}", p);
	dir_create("/Populations",
	    "{\"schemas\":[\"" DIR_POP_URN "\"],\"name\":\"guests\"}", q);
	dir_create("/Users",
	    dir_fmt("{\"schemas\":[\"" DIR_USER_URN "\"],\"userName\":\"rp.1\","
		    "\"" DIR_EXT_URN "\":{\"population\":{\"value\":\"%s\"}}}",
		p),
	    u1);
	user_named("rp.2", "Two", u2);
	rule_create("CT_RP", dir_fmt("{\"populationIds\":[\"%s\"]}", p),
	    "ON_DEMAND", rule);
	cr_expect_eq(staged_for(rule, u1, "ISSUE"), 1);
	cr_expect_eq(staged_n(dir_fmt("user.value eq \"%s\"", u2)), 0);
	/* u2 joins the population; u1 moves out: its change disappears. */
	dir_req("PATCH", dir_fmt("/Users/%s", u2),
	    dir_fmt(PATCH_OPS("{\"op\":\"add\",\"path\":\"" DIR_EXT_URN
			      ":population\",\"value\":{\"value\":\"%s\"}}"),
		p),
	    &r);
	cr_expect(
	    r.status == 200 || r.status == 204, "%d %s", r.status, r.body);
	harness_resp_free(&r);
	dir_req("PATCH", dir_fmt("/Users/%s", u1),
	    dir_fmt(PATCH_OPS("{\"op\":\"replace\",\"path\":\"" DIR_EXT_URN
			      ":population\",\"value\":{\"value\":\"%s\"}}"),
		q),
	    &r);
	cr_expect(
	    r.status == 200 || r.status == 204, "%d %s", r.status, r.body);
	harness_resp_free(&r);
	cr_expect_eq(staged_for(rule, u2, "ISSUE"), 1);
	cr_expect_eq(staged_n(dir_fmt("user.value eq \"%s\"", u1)), 0);
	/* A deleted User takes its staged changes along. */
	dir_req("DELETE", dir_fmt("/Users/%s", u2), NULL, &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	cr_expect_eq(
	    staged_n(dir_fmt("issuanceRule.value eq \"%s\"", rule)), 0);
}

/* ---------------------------------------------------- by SCIM, updates */

ITEST(rules, by_scim_filter_update_and_details)
{
	struct harness_resp r;
	char u1[128], u2[128], rule[128], c1[128];
	const struct json_value *a;
	int64_t want[5] = {1, 0, 1, 0, 0};

	auto_type("CT_RS", 64);
	user_named("sc.ann", "Ann", u1);
	user_named("other.bob", "Bob", u2);
	rule_create("CT_RS", "{\"scim\":\"userName sw \\\"sc.\\\"\"}",
	    "ON_DEMAND", rule);
	cr_expect_eq(staged_for(rule, u1, "ISSUE"), 1);
	cr_expect_eq(staged_n(dir_fmt("user.value eq \"%s\"", u2)), 0);
	apply_ok(rule, "issue", u1, c1);
	/* The sourced attribute no longer holds the User's data: UPDATE. */
	dir_req("PATCH", dir_fmt("/Users/%s", u1),
	    PATCH_OPS("{\"op\":\"replace\",\"path\":\"displayName\","
		      "\"value\":\"Ann Smith\"}"),
	    &r);
	harness_resp_free(&r);
	cr_expect_eq(staged_for(rule, u1, "UPDATE"), 1);
	apply_ok(rule, "update", u1, NULL);
	dir_req("GET", dir_fmt("/Credential/%s", c1), NULL, &r);
	a = dir_elem(harness_json(&r), "attributes", "name", "NAME");
	cr_assert_not_null(a, "%s", r.body);
	cr_expect_str_eq(harness_jstr(a, "value"), "Ann Smith");
	harness_resp_free(&r);
	cr_expect_eq(
	    staged_n(dir_fmt("issuanceRule.value eq \"%s\"", rule)), 0);
	/* u2 is renamed into the filter: ISSUE. */
	dir_req("PATCH", dir_fmt("/Users/%s", u2),
	    PATCH_OPS("{\"op\":\"replace\",\"path\":\"userName\","
		      "\"value\":\"sc.bob\"}"),
	    &r);
	harness_resp_free(&r);
	cr_expect_eq(staged_for(rule, u2, "ISSUE"), 1);
	usage(rule, want);
	/* usageDetails, paged: the issue, then the update. */
	dir_req("GET",
	    dir_fmt(
		"/IssuanceRules/%s/usageDetails?startIndex=2&count=1", rule),
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(harness_jlen(harness_json(&r), "issued"), 0, "%s", r.body);
	cr_expect_eq(
	    harness_jlen(harness_json(&r), "updated"), 1, "%s", r.body);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "updated.0.credential.id"), c1);
	harness_resp_free(&r);
	dir_req(
	    "GET", dir_fmt("/IssuanceRules/%s/usageDetails", rule), NULL, &r);
	cr_expect_eq(harness_jlen(harness_json(&r), "issued"), 1, "%s", r.body);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "issued.0.user.id"), u1);
	harness_resp_free(&r);
}

/* ------------------------------------------------- disabling, deleting */

ITEST(rules, disabled_then_deleted_rule_revokes)
{
	struct harness_resp r;
	char u1[128], u2[128], rule[128], c1[128];

	auto_type("CT_RD", 64);
	user_named("rd.1", "One", u1);
	user_named("rd.2", "Two", u2);
	rule_create("CT_RD", "{\"scim\":\"userName sw \\\"rd.\\\"\"}",
	    "ON_DEMAND", rule);
	apply_ok(rule, "issue", u1, c1);
	dir_req("PATCH", dir_fmt("/IssuanceRules/%s", rule),
	    PATCH_OPS("{\"op\":\"replace\",\"path\":\"status\",\"value\":"
		      "\"DISABLED\"}"),
	    &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	/* Disabled: the holder gets REVOKE, the non-holder nothing. */
	cr_expect_eq(staged_for(rule, u1, "REVOKE"), 1);
	cr_expect_eq(staged_n(dir_fmt("user.value eq \"%s\"", u2)), 0);
	dir_req("PATCH", dir_fmt("/IssuanceRules/%s", rule),
	    PATCH_OPS("{\"op\":\"replace\",\"path\":\"status\",\"value\":"
		      "\"ACTIVE\"}"),
	    &r);
	harness_resp_free(&r);
	cr_expect_eq(staged_for(rule, u1, "REVOKE"), 0, "no longer needed");
	cr_expect_eq(staged_for(rule, u2, "ISSUE"), 1);
	/* Deleted: gone from /IssuanceRules, its holder staged REVOKE,
	 * which can still be applied. */
	dir_req("DELETE", dir_fmt("/IssuanceRules/%s", rule), NULL, &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/IssuanceRules/%s", rule), NULL, &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	cr_expect_eq(staged_for(rule, u1, "REVOKE"), 1);
	cr_expect_eq(staged_n(dir_fmt("user.value eq \"%s\"", u2)), 0);
	apply_ok(rule, "revoke", u1, NULL);
	cr_expect_str_eq(cred_status(c1, &r), "REVOKED");
	harness_resp_free(&r);
	cr_expect_eq(
	    staged_n(dir_fmt("issuanceRule.value eq \"%s\"", rule)), 0);
	/* Once nothing is left, the deleted rule is gone for good. */
	dir_req("POST", dir_fmt("/IssuanceRules/%s/StagedChanges", rule),
	    dir_fmt("{\"revoke\":[\"%s\"]}", u1), &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

/* -------------------------------------------------- concurrent applies */

struct racer {
	const char *rule, *user;
	int issued;
	int status;
};

static void *
race(void *arg)
{
	struct racer *x = arg;
	struct harness_resp r;

	dir_req("POST", dir_fmt("/IssuanceRules/%s/StagedChanges", x->rule),
	    dir_fmt("{\"issue\":[\"%s\"]}", x->user), &r);
	x->status = r.status;
	x->issued = (int)harness_jlen(harness_json(&r), "issue");
	harness_resp_free(&r);
	return NULL;
}

ITEST(rules, concurrent_apply_issues_once)
{
	struct racer x[4];
	pthread_t t[4];
	struct harness_resp r;
	char u[128], rule[128], *q;
	int i, total = 0;

	auto_type("CT_RC", 64);
	user_named("rc.1", "One", u);
	rule_create("CT_RC", "{\"scim\":\"userName eq \\\"rc.1\\\"\"}",
	    "ON_DEMAND", rule);
	for (i = 0; i < 4; i++) {
		x[i] = (struct racer){.rule = rule, .user = u};
		cr_assert_eq(pthread_create(&t[i], NULL, race, &x[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_expect_eq(x[i].status, 200);
		total += x[i].issued;
	}
	cr_expect_eq(total, 1, "one of the concurrent applies issues");
	q = harness_urlencode("type eq \"CT_RC\"");
	dir_req("GET", dir_fmt("/Credential?filter=%s", q), NULL, &r);
	free(q);
	cr_expect_eq(
	    harness_jlen(harness_json(&r), "Resources"), 1, "%s", r.body);
	harness_resp_free(&r);
}

/* ------------------------------------------------------------ validation */

static void
bad_rule(const char *body, const char *scim_type, const char *needle)
{
	struct harness_resp r;

	dir_req("POST", "/IssuanceRules", body, &r);
	EXPECT_ERROR(&r, 400, scim_type);
	cr_expect_not_null(
	    strstr(r.body, needle), "want \"%s\" in %s", needle, r.body);
	harness_resp_free(&r);
}

ITEST(rules, invalid_rules_are_400)
{
	struct harness_resp r;
	char g[128], rule[128];

	auto_type("CT_RV", 64);
	dir_create("/Groups",
	    "{\"schemas\":[\"" DIR_GROUP_URN "\"],\"displayName\":\"v\"}", g);
	bad_rule(rule_body("CT_RV", "{}", "ON_DEMAND", NULL), "invalidValue",
	    "none was given");
	bad_rule(
	    rule_body("CT_RV",
		dir_fmt("{\"groupIds\":[\"%s\"],\"scim\":\"userName pr\"}", g),
		"ON_DEMAND", NULL),
	    "invalidValue", "several were given");
	bad_rule(rule_body("CT_RV", "{\"groupIds\":[\"no-such-group\"]}",
		     "ON_DEMAND", NULL),
	    "invalidValue", "no-such-group");
	bad_rule(rule_body("CT_RV", "{\"populationIds\":[\"nope\"]}",
		     "ON_DEMAND", NULL),
	    "invalidValue", "nope");
	bad_rule(
	    rule_body("CT_RV", "{\"scim\":\"userName eq\"}", "ON_DEMAND", NULL),
	    "invalidFilter", "filter.scim");
	bad_rule(rule_body("CT_RV", "{\"scim\":\"noSuchAttr eq 1\"}",
		     "ON_DEMAND", NULL),
	    "invalidFilter", "filter.scim");
	/* The demo tenant's CT_ACODE is MANAGED. */
	bad_rule(rule_body("CT_ACODE", "{\"scim\":\"userName pr\"}",
		     "ON_DEMAND", NULL),
	    "invalidValue", "MANAGED");
	bad_rule(rule_body("CT_NOPE", "{\"scim\":\"userName pr\"}", "ON_DEMAND",
		     NULL),
	    "invalidValue", "CT_NOPE");
	bad_rule(
	    rule_body("CT_RV", "{\"scim\":\"userName pr\"}", "SOMETIMES", NULL),
	    NULL, "automation");
	bad_rule(
	    dir_fmt("{\"schemas\":[\"" RULE_URN "\"],\"credentialType\":"
		    "{\"value\":\"CT_RV\"},\"filter\":{\"scim\":\"userName "
		    "pr\"},\"automation\":{\"issue\":\"PERIODIC\","
		    "\"revoke\":\"PERIODIC\"},\"status\":\"ACTIVE\"}"),
	    NULL, "update");
	/* credentialType and notification are fixed at creation. */
	dir_create("/IssuanceRules",
	    rule_body("CT_RV", "{\"scim\":\"userName pr\"}", "ON_DEMAND",
		",\"notification\":{\"methods\":[\"EMAIL\"],\"locale\":\"en\","
		"\"variables\":[\"site=example\"]}"),
	    rule);
	dir_req("PATCH", dir_fmt("/IssuanceRules/%s", rule),
	    PATCH_OPS("{\"op\":\"replace\",\"path\":\"credentialType.value\","
		      "\"value\":\"CT_RG\"}"),
	    &r);
	EXPECT_ERROR(&r, 400, "mutability");
	harness_resp_free(&r);
	dir_req("PATCH", dir_fmt("/IssuanceRules/%s", rule),
	    PATCH_OPS("{\"op\":\"remove\",\"path\":\"notification\"}"), &r);
	EXPECT_ERROR(&r, 400, "mutability");
	harness_resp_free(&r);
	/* A PUT that leaves them out keeps them. */
	dir_req("PUT", dir_fmt("/IssuanceRules/%s", rule),
	    dir_fmt("{\"schemas\":[\"" RULE_URN "\"],\"filter\":{\"scim\":"
		    "\"userName pr\"},\"automation\":{\"issue\":\"PERIODIC\","
		    "\"update\":\"ON_DEMAND\",\"revoke\":\"ON_DEMAND\"},"
		    "\"status\":\"DISABLED\"}"),
	    &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "credentialType.value"), "CT_RV");
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "notification.locale"), "en");
	cr_expect_str_eq(harness_jstr(harness_json(&r), "status"), "DISABLED");
	harness_resp_free(&r);
	/* Staged changes are read-only. */
	dir_req("POST", "/StagedChanges", "{}", &r);
	EXPECT_ERROR(&r, 405, NULL);
	harness_resp_free(&r);
}

/* --------------------------------------------------- PERIODIC, 3 errors */

/* totalResults of /AuditRecords for filter. */
static int64_t
audit_n(const char *filter)
{
	struct harness_resp r;
	int64_t n = -1;
	char *q = harness_urlencode(filter);

	dir_req("GET", dir_fmt("/AuditRecords?filter=%s", q), NULL, &r);
	free(q);
	EXPECT_STATUS(&r, 200);
	harness_jint(harness_json(&r), "totalResults", &n);
	harness_resp_free(&r);
	return n;
}

static void
periodic_setup(void)
{
	static const char *const args[] = {"--rules-interval", "1", NULL};

	cr_assert(harness_start_args(&harness_fx, args) == 0,
	    "could not start the daemon (see stderr)");
}

TestSuite(rules_periodic, .init = periodic_setup, .fini = harness_fx_teardown,
    .timeout = 60);

/* Polls (up to 8 s) until the staged change of (rule, user) has at
 * least n errors; returns its errors count and scheduled flag. */
static long
wait_errors(const char *rule, const char *user, long n, int *scheduled)
{
	struct harness_resp r;
	int64_t deadline = harness_now_ms() + 8000;
	long got = -1;

	do {
		if (got >= 0)
			usleep(200 * 1000);
		staged(dir_fmt("issuanceRule.value eq \"%s\" and user.value eq "
			       "\"%s\"",
			   rule, user),
		    &r);
		got = harness_jlen(harness_json(&r), "Resources.0.errors");
		*scheduled =
		    harness_jbool(harness_json(&r), "Resources.0.scheduled");
		harness_resp_free(&r);
	} while (got < n && harness_now_ms() < deadline);
	return got;
}

ITEST(rules_periodic, scheduler_applies_and_unschedules_after_3_errors)
{
	struct harness_resp r;
	char ok[128], bad[128], rule[128], cred[128];
	int64_t deadline, want[5] = {2, 0, 0, 0, 4};
	int scheduled;
	long n;

	auto_type("CT_RT", 3);
	user_named("rt.ok", "Al", ok);
	user_named("rt.bad", "Too long", bad);
	rule_create("CT_RT", "{\"scim\":\"userName sw \\\"rt.\\\"\"}",
	    "PERIODIC", rule);
	/* The scheduler issues the good one on its own. */
	deadline = harness_now_ms() + 8000;
	while (staged_for(rule, ok, "ISSUE") > 0 && harness_now_ms() < deadline)
		usleep(200 * 1000);
	cr_expect_eq(staged_for(rule, ok, "ISSUE"), 0, "applied by schedule");
	/* Audited in the same transaction, as the scheduler's own write. */
	cr_expect_eq(audit_n("action eq \"issue\" and actor.type eq "
			     "\"system\" and actor.value eq \"scheduler\""),
	    1);
	/* The bad one fails each run, and after the 4th error is left. */
	n = wait_errors(rule, bad, 4, &scheduled);
	cr_assert_eq(n, 4, "errors: %ld", n);
	cr_expect_eq(scheduled, 0, "more than 3 errors: unscheduled");
	sleep(3);
	n = wait_errors(rule, bad, 4, &scheduled);
	cr_expect_eq(n, 4, "the scheduler leaves it alone (%ld)", n);
	staged(dir_fmt("user.value eq \"%s\"", bad), &r);
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "Resources.0.errors.0.code"),
	    "CREDENTIAL_TOO_LARGE");
	cr_expect_str_eq(
	    harness_jstr(harness_json(&r), "Resources.0.errors.0.target"),
	    "NAME");
	harness_resp_free(&r);
	dir_req(
	    "GET", dir_fmt("/IssuanceRules/%s/usageDetails", rule), NULL, &r);
	cr_expect_str_eq(harness_jstr(harness_json(&r),
			     "errors.0.errors.0.errorDetail.code"),
	    "CREDENTIAL_TOO_LARGE", "%s", r.body);
	harness_resp_free(&r);
	/* Errors are paged like the entries: count=0 gives only totals. */
	dir_req("GET", dir_fmt("/IssuanceRules/%s/usageDetails?count=0", rule),
	    NULL, &r);
	cr_expect_eq(harness_jlen(harness_json(&r), "errors"), 0, "%s", r.body);
	{
		int64_t nerr = -1;
		harness_jint(harness_json(&r), "totalErrors", &nerr);
		cr_expect_eq(nerr, 1, "%s", r.body);
	}
	harness_resp_free(&r);
	/* Fixed data and an ON_DEMAND apply: done, errors gone with it. */
	dir_req("PATCH", dir_fmt("/Users/%s", bad),
	    PATCH_OPS("{\"op\":\"replace\",\"path\":\"displayName\","
		      "\"value\":\"Bo\"}"),
	    &r);
	harness_resp_free(&r);
	apply_ok(rule, "issue", bad, cred);
	cr_expect_eq(
	    staged_n(dir_fmt("issuanceRule.value eq \"%s\"", rule)), 0);
	/* The on-demand apply is audited as the caller's, with the
	 * permission of the apply route. */
	cr_expect_eq(audit_n(dir_fmt("action eq \"issue\" and actor.type eq "
				     "\"token\" and resource.value eq "
				     "\"%s\" and permission eq "
				     "\"credentialsIssuance:update:"
				     "stagedChanges\"",
			 cred)),
	    1);
	usage(rule, want);
	dir_req(
	    "GET", dir_fmt("/IssuanceRules/%s/usageDetails", rule), NULL, &r);
	cr_expect_eq(harness_jlen(harness_json(&r), "errors"), 0, "%s", r.body);
	harness_resp_free(&r);
}
