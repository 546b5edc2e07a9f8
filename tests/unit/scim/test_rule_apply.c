/*
 * Applying staged changes through the SCIM layer (scim/apply.c,
 * scim/sched.c): the edges and counters of an issue, a failed write that
 * leaves nothing but its recorded error, accepted credentials, the
 * withdrawal of a PENDING credential, and scheduled runs with the
 * three-errors rule.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "auth/tenant.h"
#include "dir_fixture.h"
#include "scim/apply.h"
#include "scim/rule.h"
#include "scim/rule_usage.h"
#include "scim/sched.h"
#include "scim/staged.h"

TestSuite(rule_apply, .init = ox_setup_real, .fini = ox_teardown);

#define PATCH(ops) \
	"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]," \
	"\"Operations\":[" ops "]}"

/* A rule of type ctype over users whose userName starts with prefix. */
static const char *
rule_new(const char *ctype, const char *prefix, const char *mode)
{
	return dx_create(RULE_RTYPE,
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" RULE_URN "\"],\"credentialType\":{\"value\":"
		"\"%s\"},\"filter\":{\"scim\":\"userName sw \\\"%s\\\"\"},"
		"\"automation\":{\"issue\":\"%s\",\"update\":\"%s\",\"revoke\":"
		"\"%s\"},\"status\":\"ACTIVE\"}",
		ctype, prefix, mode, mode, mode));
}

/* items[0].<path> of the list at key, as a string, or NULL. */
static const char *
first(const struct json_value *v, const char *key, const char *path)
{
	const struct json_value *l = json_object_get_cstr(v, key);

	if (l == NULL || l->type != JSON_ARRAY || l->u.array.len == 0)
		return NULL;
	return ox_str(l->u.array.items[0], path);
}

static struct ox_resp
apply_one(const char *rule, const char *key, const char *user)
{
	struct ox_resp p = dx_call(apply_staged, STAGED_RTYPE, rule, NULL,
	    arena_printf(ox_arena(), "{\"%s\":[\"%s\"]}", key, user));

	cr_assert_eq(p.rc, 0, "apply: %d %s", p.rc, p.err.detail);
	return p;
}

static int64_t
count_of(const char *rule, enum rule_usage_field f)
{
	struct store_txn *t = NULL;
	int64_t n[RULE_USAGE_NFIELDS];

	cr_assert_eq(store_read_begin(ox_store(), &t, NULL), 0);
	cr_assert_eq(rule_usage_read(
			 t, ox_arena(), STR_LIT("t1"), str_from(rule), n, NULL),
	    0);
	store_read_end(t);
	return n[f];
}

static size_t
records(const char *rtype)
{
	struct store_txn *t = NULL;
	size_t n = 0;

	cr_assert_eq(store_read_begin(ox_store(), &t, NULL), 0);
	cr_assert_eq(
	    store_rec_count(t, STR_LIT("t1"), str_from(rtype), &n, NULL), 0);
	store_read_end(t);
	return n;
}

static struct json_value *
staged_of(const char *rule, const char *user)
{
	char id[STAGED_ID_LEN + 1];
	char *rec;

	staged_id(str_from(rule), str_from(user), id);
	rec = dx_record(STAGED_RTYPE, id);
	return rec != NULL ? ox_json(rec) : NULL;
}

static const char *
user_titled(const char *name, const char *title)
{
	return dx_create("User",
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_USER_URN "\"],\"userName\":\"%s\","
		"\"title\":\"%s\"}",
		name, title));
}

Test(rule_apply, issue_writes_edges_usage_and_consumes_the_change)
{
	const char *u, *rule, *cred;
	struct ox_resp p;

	ox_ctype("t1", "CT_A", "[{\"name\":\"T\",\"source\":\"title\"}]",
	    ",\"management\":{\"mode\":\"AUTOMATED\"}");
	u = user_titled("a.one", "Engineer");
	rule = rule_new("CT_A", "a.", "ON_DEMAND");
	p = apply_one(rule, "issue", u);
	cred = first(p.json, "issue", "credential.id");
	cr_assert_not_null(cred, "%s", ox_dump(p.json));
	cr_expect_null(staged_of(rule, u), "consumed");
	cr_expect_eq(dx_edges(RULE_EDGE_USER, rule), 1);
	cr_expect_eq(dx_edges(RULE_EDGE_CRED, rule), 1);
	cr_expect_eq(dx_edges(RULE_EDGE_OF_CRED, cred), 1);
	cr_expect_eq(count_of(rule, RULE_USAGE_ISSUED), 1);
	cr_expect_str_eq(
	    ox_str(ox_json(dx_record("Credential", cred)), "status.status"),
	    "PENDING", "the type's initial status");
	/* The same request again: nothing staged, nothing written. */
	p = apply_one(rule, "issue", u);
	cr_expect_str_eq(first(p.json, "notStaged", "user.id"), u);
	cr_expect_eq(records("Credential"), 1);
	cr_expect_eq(count_of(rule, RULE_USAGE_ISSUED), 1);
	/* Accepted: PENDING -> ACTIVE by the client. */
	p = dx_call(op_patch, "Credential", cred, NULL,
	    PATCH("{\"op\":\"replace\",\"path\":\"status.status\","
		  "\"value\":\"ACTIVE\"}"));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(count_of(rule, RULE_USAGE_ACCEPTED), 1);
}

Test(rule_apply, failed_write_leaves_only_its_error)
{
	const char *u1, *u2, *rule;
	struct json_value *s;
	struct ox_resp p;

	/* T is unique in the tenant and comes from title: the second User
	 * with the same title cannot get a credential. */
	ox_ctype("t1", "CT_U",
	    "[{\"name\":\"T\",\"source\":\"title\",\"uniqueness\":\"tenant\"},"
	    "{\"name\":\"L\",\"source\":\"userName\",\"uniqueness\":\"tenant\"}]",
	    ",\"management\":{\"mode\":\"AUTOMATED\"}");
	u1 = user_titled("u.one", "Same");
	u2 = user_titled("u.two", "Same");
	rule = rule_new("CT_U", "u.", "ON_DEMAND");
	apply_one(rule, "issue", u1);
	p = apply_one(rule, "issue", u2);
	cr_expect_eq(json_object_get_cstr(p.json, "issue")->u.array.len, 0);
	cr_expect_str_eq(first(p.json, "errors", "user.id"), u2);
	cr_expect_str_eq(first(p.json, "errors", "errorDetail.code"),
	    "CREDENTIAL_TYPE_INVALID");
	cr_expect_str_eq(first(p.json, "errors", "errorDetail.target"), "T");
	/* Nothing of the failed credential stays: no record, no key of its
	 * L (u.two), no owner edge; the error does. */
	cr_expect_eq(records("Credential"), 1);
	cr_expect_eq(dx_edges("cred.owner", u2), 0);
	s = staged_of(rule, u2);
	cr_assert_not_null(s);
	cr_expect_eq(json_object_get_cstr(s, "errors")->u.array.len, 1);
	cr_expect_eq(count_of(rule, RULE_USAGE_ERRORS), 1);
	p = dx_call(op_create, "Credential", NULL, NULL,
	    "{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_U\","
	    "\"attributes\":[{\"name\":\"L\",\"value\":\"u.two\"}]}");
	cr_expect_eq(
	    p.rc, 0, "u.two's L key was not left behind: %s", p.err.detail);
}

Test(rule_apply, revoking_a_pending_credential_withdraws_it)
{
	const char *u, *rule, *cred;
	struct ox_resp p;

	ox_ctype("t1", "CT_P", "[{\"name\":\"T\",\"source\":\"title\"}]",
	    ",\"management\":{\"mode\":\"AUTOMATED\"}");
	u = user_titled("p.one", "X");
	rule = rule_new("CT_P", "p.", "ON_DEMAND");
	p = apply_one(rule, "issue", u);
	cred = first(p.json, "issue", "credential.id");
	p = dx_call(op_patch, "User", u, NULL,
	    PATCH("{\"op\":\"replace\",\"path\":\"userName\","
		  "\"value\":\"q.one\"}"));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(staged_of(rule, u), "action"), "REVOKE");
	cr_expect_str_eq(ox_str(staged_of(rule, u), "credential.value"), cred);
	p = apply_one(rule, "revoke", u);
	cr_expect_str_eq(first(p.json, "revoke", "credential.id"), cred);
	cr_expect_null(dx_record("Credential", cred), "PENDING: withdrawn");
	cr_expect_null(staged_of(rule, u));
	cr_expect_eq(dx_edges(RULE_EDGE_USER, rule), 0);
	cr_expect_eq(count_of(rule, RULE_USAGE_REVOKED), 1);
}

static int
tenant_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	(void)arg;
	return tenant_add(txn, STR_LIT("t1"), err);
}

Test(rule_apply, scheduler_runs_and_unschedules_after_three_errors)
{
	const char *ok, *bad, *od, *rule, *odrule;
	struct sched_stats st;
	struct scim_err err = {0};
	struct json_value *s;
	int i;

	cr_assert_eq(store_write(ox_store(), tenant_fn, NULL, &err), 0, "%s",
	    err.detail);
	ox_ctype("t1", "CT_S",
	    "[{\"name\":\"T\",\"source\":\"title\",\"maxLength\":4}]",
	    ",\"management\":{\"mode\":\"AUTOMATED\"}");
	ok = user_titled("s.ok", "Dev");
	bad = user_titled("s.bad", "Developer");
	od = user_titled("o.one", "Dev");
	rule = rule_new("CT_S", "s.", "PERIODIC");
	odrule = rule_new("CT_S", "o.", "ON_DEMAND");
	cr_assert_eq(
	    sched_run_once(ox_scim(), NULL, &st, &err), 0, "%s", err.detail);
	cr_expect_eq(st.applied, 1);
	cr_expect_eq(st.failed, 1);
	cr_expect_null(staged_of(rule, ok));
	cr_expect_not_null(staged_of(odrule, od), "ON_DEMAND is left");
	for (i = 0; i < 5; i++)
		cr_assert_eq(sched_run_once(ox_scim(), NULL, &st, &err), 0);
	s = staged_of(rule, bad);
	cr_assert_not_null(s);
	cr_expect_eq(json_object_get_cstr(s, "errors")->u.array.len, 4,
	    "tried until more than 3 errors, then left alone");
	cr_expect_eq(json_object_get_cstr(s, "scheduled")->u.boolean, 0);
	cr_expect_str_eq(
	    ox_str(json_object_get_cstr(s, "errors")->u.array.items[0], "code"),
	    "CREDENTIAL_TOO_LARGE");
	cr_expect_eq(count_of(rule, RULE_USAGE_ERRORS), 4);
	cr_expect_eq(st.applied + st.failed, 0);
	cr_expect_eq(st.staged, 2);
}
