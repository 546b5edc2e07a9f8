/*
 * Issuance rules through the SCIM layer (scim/rule.c, scim/staged.c):
 * reading and checking a rule, the ids of staged changes, and staging
 * kept current by user, membership and rule writes.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "dir_fixture.h"
#include "scim/rule.h"
#include "scim/staged.h"

TestSuite(rule, .init = ox_setup_real, .fini = ox_teardown);

#define RULE(ctype, filter, mode, extra) \
	"{\"schemas\":[\"" RULE_URN \
	"\"],\"credentialType\":{\"value\":\"" ctype "\"},\"filter\":" filter \
	",\"automation\":{\"issue\":\"" mode "\",\"update\":\"" mode \
	"\",\"revoke\":\"" mode "\"},\"status\":" \
	"\"ACTIVE\"" extra "}"

static void
auto_type(const char *code)
{
	ox_ctype("t1", code, "[{\"name\":\"NAME\",\"source\":\"displayName\"}]",
	    ",\"management\":{\"mode\":\"AUTOMATED\"},"
	    "\"initialStatus\":\"ACTIVE\"");
}

/* Reads a rule body with rule_read. */
static int
read_rule(const char *body, struct rule *r, struct scim_err *err)
{
	return rule_read(
	    ox_arena(), scim_registry(ox_scim()), ox_json(body), r, err);
}

Test(rule, staged_ids_are_deterministic_and_distinct)
{
	char a[STAGED_ID_LEN + 1], b[STAGED_ID_LEN + 1], c[STAGED_ID_LEN + 1];

	staged_id(STR_LIT("rule-1"), STR_LIT("user-1"), a);
	staged_id(STR_LIT("rule-1"), STR_LIT("user-1"), b);
	cr_expect_str_eq(a, b);
	cr_expect_eq(strlen(a), 36);
	cr_expect(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
	/* The separator keeps ("ab", "c") apart from ("a", "bc"). */
	staged_id(STR_LIT("ab"), STR_LIT("c"), a);
	staged_id(STR_LIT("a"), STR_LIT("bc"), c);
	cr_expect_str_neq(a, c);
}

Test(rule, read_checks_filter_automation_and_notification)
{
	struct scim_err err = {0};
	struct rule r;

	cr_assert_eq(
	    read_rule(RULE("CT_X", "{\"scim\":\"userName sw \\\"a\\\"\"}",
			  "PERIODIC", ""),
		&r, &err),
	    0, "%s", err.detail);
	cr_expect_eq(r.by, RULE_BY_SCIM);
	cr_expect_not_null(r.scim);
	cr_expect(r.periodic[RULE_ISSUE] && r.periodic[RULE_REVOKE]);
	cr_expect(r.active);
	cr_assert_eq(read_rule(RULE("CT_X", "{\"groupIds\":[\"g1\",\"g2\"]}",
				   "ON_DEMAND", ""),
			 &r, &err),
	    0);
	cr_expect_eq(r.by, RULE_BY_GROUP);
	cr_expect_eq(r.nids, 2);
	cr_expect(!r.periodic[RULE_UPDATE]);
	cr_expect_eq(
	    read_rule(
		RULE("CT_X", "{\"groupIds\":[]}", "ON_DEMAND", ""), &r, &err),
	    SCIM_E_INVALID_VALUE, "an empty list is no filter");
	cr_expect_eq(
	    read_rule(
		RULE("CT_X", "{\"populationIds\":[\"p\"],\"scim\":\"a pr\"}",
		    "ON_DEMAND", ""),
		&r, &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect_eq(read_rule(RULE("CT_X", "{\"scim\":\"password pr and (\"}",
				   "ON_DEMAND", ""),
			 &r, &err),
	    SCIM_E_INVALID_FILTER);
	cr_expect_not_null(strstr(err.detail, "filter.scim"), "%s", err.detail);
	cr_expect_eq(
	    read_rule(RULE("CT_X", "{\"scim\":\"userName pr\"}", "ON_DEMAND",
			  ",\"notification\":{\"locale\":\"EN\"}"),
		&r, &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect_eq(
	    read_rule(RULE("CT_X", "{\"scim\":\"userName pr\"}", "ON_DEMAND",
			  ",\"notification\":{\"variables\":[\"x\"]}"),
		&r, &err),
	    SCIM_E_INVALID_VALUE);
}

Test(rule, notification_view_has_pingone_shape)
{
	struct scim_err err = {0};
	const struct json_value *v;
	struct rule r;

	cr_assert_eq(
	    read_rule(RULE("CT_X", "{\"scim\":\"userName pr\"}", "ON_DEMAND",
			  ",\"id\":\"r1\",\"notification\":{\"methods\":"
			  "[\"SMS\"],\"locale\":\"fr\",\"variant\":\"v2\","
			  "\"variables\":[\"a=b=c\",\"site=x\"]}"),
		&r, &err),
	    0, "%s", err.detail);
	v = rule_notification_view(ox_arena(), &r);
	cr_expect_str_eq(ox_str(v, "notification.template.locale"), "fr");
	cr_expect_str_eq(ox_str(v, "notification.template.variant"), "v2");
	cr_expect_str_eq(ox_str(v, "credentialType.value"), "CT_X");
	cr_expect_str_eq(
	    ox_dump(json_object_get_cstr(
		json_object_get_cstr(
		    json_object_get_cstr(v, "notification"), "template"),
		"variables")),
	    "[{\"name\":\"a\",\"value\":\"b=c\"},{\"name\":\"site\","
	    "\"value\":\"x\"}]");
}

Test(rule, managed_type_and_unknown_group_are_400)
{
	struct ox_resp p;

	ox_ctype("t1", "CT_M", NULL, NULL); /* MANAGED by default */
	auto_type("CT_A");
	p = dx_call(op_create, RULE_RTYPE, NULL, NULL,
	    RULE("CT_M", "{\"scim\":\"userName pr\"}", "ON_DEMAND", ""));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect_not_null(strstr(p.err.detail, "MANAGED"), "%s", p.err.detail);
	p = dx_call(op_create, RULE_RTYPE, NULL, NULL,
	    RULE("CT_A", "{\"groupIds\":[\"nope\"]}", "ON_DEMAND", ""));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect_not_null(strstr(p.err.detail, "nope"), "%s", p.err.detail);
	cr_expect_null(dx_record(STAGED_RTYPE, "x"));
}

/* The staged change of (rule, user), or NULL. */
static struct json_value *
staged_of(const char *rule, const char *user)
{
	char id[STAGED_ID_LEN + 1];
	char *rec;

	staged_id(str_from(rule), str_from(user), id);
	rec = dx_record(STAGED_RTYPE, id);
	return rec != NULL ? ox_json(rec) : NULL;
}

Test(rule, staging_follows_users_groups_and_rule_edits)
{
	struct json_value *s;
	const char *u1, *u2, *g, *rule;
	struct ox_resp p;

	auto_type("CT_A");
	u1 = dx_user("s.one");
	u2 = dx_user("s.two");
	g = dx_group("g", arena_printf(ox_arena(), "[{\"value\":\"%s\"}]", u1));
	rule = dx_create(RULE_RTYPE,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" RULE_URN "\"],\"credentialType\":{\"value\":"
		"\"CT_A\"},\"filter\":{\"groupIds\":[\"%s\"]},\"automation\":{"
		"\"issue\":\"ON_DEMAND\",\"update\":\"ON_DEMAND\",\"revoke\":"
		"\"ON_DEMAND\"},\"status\":\"ACTIVE\"}",
		g));
	s = staged_of(rule, u1);
	cr_assert_not_null(s);
	cr_expect_str_eq(ox_str(s, "action"), "ISSUE");
	cr_expect_str_eq(ox_str(s, "issuanceRule.value"), rule);
	cr_expect_null(staged_of(rule, u2));
	cr_expect_eq(dx_edges(RULE_EDGE_STAGED, rule), 1);
	/* u2 joins, u1 leaves: the changes follow in the same write. */
	p = dx_call(op_replace, "Group", g, NULL,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"g\","
		"\"members\":[{\"value\":\"%s\"}]}",
		u2));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(staged_of(rule, u1));
	cr_expect_not_null(staged_of(rule, u2));
	/* Automation PERIODIC: the change, kept, becomes scheduled. */
	p = dx_call(op_patch, RULE_RTYPE, rule, NULL,
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[{\"op\":\"replace\",\"path\":\"automation.issue\","
	    "\"value\":\"PERIODIC\"}]}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	s = staged_of(rule, u2);
	cr_assert_not_null(s);
	cr_expect_eq(json_object_get_cstr(s, "scheduled")->u.boolean, 1);
	cr_expect_str_eq(ox_str(s, "meta.version"), "W/\"2\"");
	/* Deleting the Group removes what it caused. */
	p = dx_call(op_delete, "Group", g, NULL, NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(staged_of(rule, u2));
	cr_expect_eq(dx_edges(RULE_EDGE_STAGED, rule), 0);
}

Test(rule, rule_delete_without_holders_leaves_nothing)
{
	const char *u, *rule;
	struct ox_resp p;

	auto_type("CT_A");
	u = dx_user("d.one");
	rule = dx_create(RULE_RTYPE,
	    RULE("CT_A", "{\"scim\":\"userName sw \\\"d.\\\"\"}", "ON_DEMAND",
		""));
	cr_expect_not_null(staged_of(rule, u));
	p = dx_call(op_delete, RULE_RTYPE, rule, NULL, NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(staged_of(rule, u));
	cr_expect_null(dx_record(RULE_GONE_RTYPE, rule), "nothing to revoke");
	cr_expect_eq(dx_edges(RULE_EDGE_STAGED, rule), 0);
}
