/*
 * Notifications through issuance rules, over HTTP (issue 5): applying a
 * rule's staged changes (on demand and by the scheduler) records one
 * NotificationEvent per change in the same transaction, with the rule's
 * notification, and the webhook receives them in order; a rule without
 * a notification records none.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "hook_recv.h"

#define WAIT_MS 15000
#define RULE_URN "urn:scimcred:params:scim:schemas:core:2.0:IssuanceRule"
#define BASE "/scim/demo/v2"

static struct harness_server srv;
static struct hook_recv hook;
static char url[128];

static void
setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(hook_start(&hook, 0), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/n", hook.port);
}

static void
teardown(void)
{
	harness_cleanup(&srv);
	hook_stop(&hook);
}

static void
start(const char *interval)
{
	const char *args[] = {
	    "--webhook-url", url, "--rules-interval", interval, NULL};

	cr_assert_eq(harness_start_args(&srv, args), 0);
}

static void
finish(void)
{
	int st = harness_stop(&srv);

	if (st != 0)
		harness_dump_log(&srv);
	cr_assert_eq(st, 0, "daemon exit status %d", st);
}

/* POSTs body to path, expects status, copies the "id" into id (if not
 * NULL). */
static void
post(const char *path, const char *body, int status, char *id, size_t idlen)
{
	struct harness_resp r;
	const char *v;

	harness_post(&srv, srv.admin_token, path, body, &r);
	cr_assert_eq(r.status, status, "POST %s: %d %s", path, r.status,
	    r.body ? r.body : "");
	if (id != NULL) {
		v = harness_jstr(harness_json(&r), "id");
		cr_assert_not_null(v);
		snprintf(id, idlen, "%s", v);
	}
	harness_resp_free(&r);
}

static void
ctype(void)
{
	post(BASE "/CredentialTypes",
	    "{\"schemas\":[\"" HARNESS_CTYPE_URN "\"],\"id\":\"CT_N\","
	    "\"name\":\"N\",\"management\":{\"mode\":\"AUTOMATED\"},"
	    "\"initialStatus\":\"ACTIVE\",\"attributes\":[{\"name\":"
	    "\"NAME\",\"source\":\"userName\"}]}",
	    201, NULL, 0);
}

static void
user(const char *name, char *id)
{
	char body[256];

	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" HARNESS_USER_URN "\"],\"userName\":\"%s\"}",
	    name);
	post(BASE "/Users", body, 201, id, 128);
}

static void
rename_user(const char *id, const char *name)
{
	struct harness_resp r;
	char path[200], body[256];

	snprintf(path, sizeof(path), BASE "/Users/%s", id);
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" HARNESS_USER_URN "\"],\"userName\":\"%s\"}",
	    name);
	harness_put(&srv, srv.admin_token, path, body, &r);
	cr_assert_eq(r.status, 200, "PUT user: %d", r.status);
	harness_resp_free(&r);
}

/* A rule over userName sw "n-", each action `mode`, with or without a
 * notification. */
static void
rule(const char *mode, int notify, char *id)
{
	char body[1024];

	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" RULE_URN "\"],\"credentialType\":"
	    "{\"value\":\"CT_N\"},\"filter\":{\"scim\":\"userName sw "
	    "\\\"n-\\\"\"},\"automation\":{\"issue\":\"%s\",\"update\":"
	    "\"%s\",\"revoke\":\"%s\"},\"status\":\"ACTIVE\"%s}",
	    mode, mode, mode,
	    notify ? ",\"notification\":{\"methods\":[\"EMAIL\",\"SMS\"],"
		     "\"locale\":\"de\",\"variant\":\"v2\",\"variables\":"
		     "[\"org=ACME\",\"help=https://x.example/?a=b\"]}"
		   : "");
	post(BASE "/IssuanceRules", body, 201, id, 128);
}

static void
apply(const char *rule_id, const char *action, const char *user_id)
{
	char path[200], body[256];

	snprintf(path, sizeof(path), BASE "/IssuanceRules/%s/StagedChanges",
	    rule_id);
	snprintf(body, sizeof(body), "{\"%s\":[\"%s\"]}", action, user_id);
	post(path, body, 200, NULL, 0);
}

static long
events(const char *filter)
{
	struct harness_resp r;
	char path[512], *f = harness_urlencode(filter);
	int64_t n = -1;

	snprintf(path, sizeof(path), BASE "/NotificationEvents?filter=%s", f);
	free(f);
	harness_get(&srv, srv.admin_token, path, &r);
	EXPECT_STATUS(&r, 200);
	harness_jint(harness_json(&r), "totalResults", &n);
	harness_resp_free(&r);
	return (long)n;
}

/* events(filter) once it reaches want, or its last value after
 * WAIT_MS: the deliverer marks an event delivered in its own write
 * after the receiver's 2xx, so the receiver may see the POST first. */
static long
events_reach(const char *filter, long want)
{
	int64_t deadline = harness_now_ms() + WAIT_MS;
	long n;

	while ((n = events(filter)) != want && harness_now_ms() < deadline)
		usleep(50 * 1000);
	return n;
}

static struct json_value *
got_json(struct arena *a, int i)
{
	struct json_value *v;
	struct scim_err err = {0};

	cr_assert_eq(json_parse(a, hook.got[i].body, strlen(hook.got[i].body),
			 &json_limits_default, &v, &err),
	    0, "%s", err.detail);
	return v;
}

TestSuite(notify_rules, .init = setup, .fini = teardown, .timeout = 90);

Test(notify_rules, issue_update_revoke_on_demand)
{
	struct arena *a = arena_new();
	struct json_value *v;
	char rid[128], uid[128], cred[128];

	start("3600");
	ctype();
	user("n-ann", uid);
	rule("ON_DEMAND", 1, rid);
	cr_assert_eq(events("template pr"), 0, "staging notifies nobody");
	apply(rid, "issue", uid);
	cr_assert_eq(hook_wait(&hook, 1, WAIT_MS), 0);
	v = got_json(a, 0);
	cr_assert_str_eq(harness_jstr(v, "template"), "credential_issued");
	cr_assert_str_eq(harness_jstr(v, "user.value"), uid);
	cr_assert_str_eq(harness_jstr(v, "issuanceRule.value"), rid);
	cr_assert_str_eq(harness_jstr(v, "credentialType.value"), "CT_N");
	cr_assert_str_eq(harness_jstr(v, "methods.1"), "SMS");
	cr_assert_str_eq(harness_jstr(v, "locale"), "de");
	cr_assert_str_eq(harness_jstr(v, "variant"), "v2");
	cr_assert_str_eq(harness_jstr(v, "variables.1.name"), "help");
	cr_assert_str_eq(
	    harness_jstr(v, "variables.1.value"), "https://x.example/?a=b");
	cr_assert_str_eq(harness_jstr(v, "tenant"), "demo");
	snprintf(cred, sizeof(cred), "%s", harness_jstr(v, "credential.value"));
	/* the sourced attribute changes: UPDATE */
	rename_user(uid, "n-anna");
	apply(rid, "update", uid);
	/* the user leaves the filter: REVOKE */
	rename_user(uid, "x-anna");
	apply(rid, "revoke", uid);
	cr_assert_eq(hook_wait(&hook, 3, WAIT_MS), 0);
	v = got_json(a, 1);
	cr_assert_str_eq(harness_jstr(v, "template"), "credential_updated");
	cr_assert_str_eq(harness_jstr(v, "credential.value"), cred);
	v = got_json(a, 2);
	cr_assert_str_eq(harness_jstr(v, "template"), "credential_revoked");
	cr_assert_str_eq(harness_jstr(v, "credential.value"), cred);
	cr_assert_str_eq(hook.got[0].event, "0000000000000001");
	cr_assert_str_eq(hook.got[2].event, "0000000000000003");
	cr_assert_eq(events_reach("delivery.state eq \"delivered\"", 3), 3);
	arena_free(a);
	finish();
}

Test(notify_rules, rule_without_notification_records_none)
{
	char rid[128], uid[128];

	start("3600");
	ctype();
	user("n-bob", uid);
	rule("ON_DEMAND", 0, rid);
	apply(rid, "issue", uid);
	usleep(700000);
	cr_assert_eq(events("template pr"), 0);
	cr_assert_eq(hook_count(&hook), 0);
	finish();
}

Test(notify_rules, periodic_run_notifies_each_change)
{
	char rid[128], uid[128], name[32], filter[256];
	int i;

	start("1");
	ctype();
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "n-u%02d", i);
		user(name, uid);
	}
	rule("PERIODIC", 1, rid);
	cr_assert_eq(hook_wait(&hook, 20, WAIT_MS), 0);
	snprintf(filter, sizeof(filter),
	    "template eq \"credential_issued\" and issuanceRule.value eq "
	    "\"%s\"",
	    rid);
	cr_assert_eq(events(filter), 20);
	usleep(1500000);
	cr_assert_eq(hook_count(&hook), 20, "each change notified once");
	finish();
}
