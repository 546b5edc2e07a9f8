/*
 * Crash test of the issuance-rule scheduler (issue 5): a PERIODIC rule
 * with a notification matches thousands of Users; the daemon is killed
 * with SIGKILL while a scheduled run applies their changes, again and
 * again, the rule alternating between ACTIVE (every User gets ISSUE)
 * and DISABLED (every holder gets REVOKE). After each restart, with the
 * scheduler idle, every change must be either fully applied once or
 * still staged:
 *   - no User holds two live credentials of the rule's type;
 *   - ACTIVE: each User has exactly one of a live credential or a staged
 *     ISSUE, and there is no REVOKE; DISABLED: there is no ISSUE, and
 *     each holder of a live credential has a staged REVOKE naming it;
 *   - usageCounts.issued equals the credentials of the type,
 *     usageCounts.revoked the REVOKED ones, and the outbox holds exactly
 *     one credential_issued and one credential_revoked event per count
 *     (written in the same transactions).
 * At least one kill must land inside a run (applied, and still staged).
 *
 * SCIMCRED_RULES_CRASH_USERS (default 3000), SCIMCRED_RULES_CRASH_CYCLES
 * (default 6), SCIMCRED_RULES_CRASH_SPREAD_MS (default 20: the most
 * the kill waits once its share of the run is applied) and
 * SCIMCRED_RULES_CRASH_SEED change the run.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define BASE "/scim/demo/v2"
#define RULE_URN "urn:scimcred:params:scim:schemas:core:2.0:IssuanceRule"
#define PATCH_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define PAGE 1000
#define RESTART_LIMIT_MS 2000
#define RUN_WAIT_MS 30000
#define KILL_SPREAD_MS 20

static struct harness_server srv;
static char interval[16];
static char rule_id[128];

struct user {
	char id[64];
	int live; /* live credentials */
	char live_cred[64];
	int issue, revoke; /* staged */
	char revoke_cred[64];
};

static struct user *users;
static size_t nusers;

static int
env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v != NULL && atoi(v) > 0 ? atoi(v) : def;
}

static int
user_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct user *)a)->id, ((const struct user *)b)->id);
}

static struct user *
user_find(const char *id)
{
	struct user key;

	if (id == NULL)
		return NULL;
	snprintf(key.id, sizeof(key.id), "%s", id);
	return bsearch(&key, users, nusers, sizeof(*users), user_cmp);
}

static void
post(const char *path, const char *body, char *id, size_t idlen)
{
	struct harness_resp r;
	const char *v;

	harness_post(&srv, srv.admin_token, path, body, &r);
	cr_assert_eq(r.status, 201, "POST %s: %d %s", path, r.status,
	    r.body ? r.body : "");
	v = harness_jstr(harness_json(&r), "id");
	cr_assert_not_null(v);
	if (id != NULL)
		snprintf(id, idlen, "%s", v);
	harness_resp_free(&r);
}

static void
seed_all(int n)
{
	char body[256];
	int i;

	post(BASE "/CredentialTypes",
	    "{\"schemas\":[\"" HARNESS_CTYPE_URN "\"],\"id\":\"CT_CRASH\","
	    "\"name\":\"Crash\",\"management\":{\"mode\":\"AUTOMATED\"},"
	    "\"initialStatus\":\"ACTIVE\",\"attributes\":[{\"name\":"
	    "\"NAME\",\"source\":\"userName\"}]}",
	    NULL, 0);
	users = calloc((size_t)n, sizeof(*users));
	for (i = 0; i < n; i++) {
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"" HARNESS_USER_URN "\"],"
		    "\"userName\":\"c-%05d\"}",
		    i);
		post(BASE "/Users", body, users[i].id, sizeof(users[i].id));
	}
	nusers = (size_t)n;
	qsort(users, nusers, sizeof(*users), user_cmp);
}

static void
set_status(const char *status)
{
	struct harness_req rq = {.method = "PATCH", .token = srv.admin_token};
	struct harness_resp r;
	char path[200], body[256];

	snprintf(path, sizeof(path), BASE "/IssuanceRules/%s", rule_id);
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
	    "\"replace\",\"path\":\"status\",\"value\":\"%s\"}]}",
	    status);
	rq.path = path;
	rq.body = body;
	harness_send(&srv, &rq, &r);
	cr_assert_eq(
	    r.status, 200, "PATCH rule: %d %s", r.status, r.body ? r.body : "");
	harness_resp_free(&r);
}

/* issued + updated + revoked of the rule, or -1 when not answered. */
static long
usage(int64_t *issued, int64_t *revoked)
{
	struct harness_resp r;
	struct json_value *v;
	char path[200];
	int64_t i = -1, u = 0, x = -1;

	snprintf(
	    path, sizeof(path), BASE "/IssuanceRules/%s/usageCounts", rule_id);
	harness_get(&srv, srv.admin_token, path, &r);
	v = r.status == 200 ? harness_json(&r) : NULL;
	if (v != NULL) {
		harness_jint(v, "issued", &i);
		harness_jint(v, "updated", &u);
		harness_jint(v, "revoked", &x);
	}
	harness_resp_free(&r);
	if (issued != NULL)
		*issued = i;
	if (revoked != NULL)
		*revoked = x;
	return i < 0 || x < 0 ? -1 : (long)(i + u + x);
}

/* Calls fn on each resource of a paged list. */
static void
each(const char *path_query,
    void (*fn)(const struct json_value *res, void *arg), void *arg)
{
	struct harness_resp r;
	struct json_value *v;
	const struct json_value *list;
	char path[1024];
	long start = 1, n;
	int64_t total = 0;
	size_t i;

	do {
		snprintf(path, sizeof(path), "%s%scount=%d&startIndex=%ld",
		    path_query, strchr(path_query, '?') ? "&" : "?", PAGE,
		    start);
		harness_get(&srv, srv.admin_token, path, &r);
		EXPECT_STATUS(&r, 200);
		v = harness_json(&r);
		harness_jint(v, "totalResults", &total);
		list = harness_jpath(v, "Resources");
		n = list != NULL ? (long)list->u.array.len : 0;
		for (i = 0; i < (size_t)n; i++)
			fn(list->u.array.items[i], arg);
		harness_resp_free(&r);
		start += n;
	} while (n > 0 && start <= total);
}

struct cred_count {
	long total, revoked;
};

static void
on_cred(const struct json_value *c, void *arg)
{
	struct cred_count *cc = arg;
	const char *st = harness_jstr(c, "status.status");
	struct user *u = user_find(harness_jstr(c, "owner.value"));

	cr_assert_not_null(u, "a credential of an unknown owner");
	cr_assert_not_null(st);
	cc->total++;
	if (strcmp(st, "REVOKED") == 0 || strcmp(st, "TERMINATED") == 0) {
		cc->revoked += strcmp(st, "REVOKED") == 0;
		return;
	}
	u->live++;
	snprintf(
	    u->live_cred, sizeof(u->live_cred), "%s", harness_jstr(c, "id"));
}

static void
on_staged(const struct json_value *s, void *arg)
{
	const char *action = harness_jstr(s, "action");
	const char *cred = harness_jstr(s, "credential.value");
	struct user *u = user_find(harness_jstr(s, "user.value"));
	long *n = arg;

	cr_assert_not_null(u, "a staged change for an unknown user");
	cr_assert_not_null(action);
	cr_assert_str_eq(harness_jstr(s, "issuanceRule.value"), rule_id);
	cr_assert_neq(harness_jbool(s, "scheduled"), 0,
	    "a PERIODIC change without errors stays scheduled");
	(*n)++;
	if (strcmp(action, "ISSUE") == 0) {
		u->issue++;
	} else if (strcmp(action, "REVOKE") == 0) {
		u->revoke++;
		snprintf(u->revoke_cred, sizeof(u->revoke_cred), "%s",
		    cred ? cred : "");
	} else {
		cr_assert_fail(
		    "unexpected %s (userName never changes)", action);
	}
}

static long
events(const char *tmpl)
{
	struct harness_resp r;
	char path[256];
	int64_t n = -1;

	snprintf(path, sizeof(path),
	    BASE "/NotificationEvents?count=0&filter=template%%20eq%%20%%22%s"
		 "%%22",
	    tmpl);
	harness_get(&srv, srv.admin_token, path, &r);
	EXPECT_STATUS(&r, 200);
	harness_jint(harness_json(&r), "totalResults", &n);
	harness_resp_free(&r);
	return (long)n;
}

/* The invariants of the header comment; the scheduler must be idle.
 * Returns the number of staged changes. */
static long
check(int active)
{
	struct cred_count cc = {0};
	int64_t issued, revoked;
	long staged = 0;
	size_t i;

	for (i = 0; i < nusers; i++) {
		users[i].live = users[i].issue = users[i].revoke = 0;
		users[i].live_cred[0] = users[i].revoke_cred[0] = '\0';
	}
	each(BASE "/Credential?filter=type%20eq%20%22CT_CRASH%22"
		  "&attributes=owner,status",
	    on_cred, &cc);
	each(BASE "/StagedChanges", on_staged, &staged);
	for (i = 0; i < nusers; i++) {
		struct user *u = &users[i];
		cr_assert(u->live <= 1, "user %s holds %d live credentials",
		    u->id, u->live);
		cr_assert(u->issue <= 1 && u->revoke <= 1);
		if (active) {
			cr_assert_eq(u->live + u->issue, 1,
			    "user %s: %d live, %d ISSUE staged", u->id, u->live,
			    u->issue);
			cr_assert_eq(u->revoke, 0);
		} else {
			cr_assert_eq(u->issue, 0, "ISSUE while disabled");
			cr_assert_eq(u->revoke, u->live,
			    "user %s: %d live, %d REVOKE staged", u->id,
			    u->live, u->revoke);
			if (u->revoke)
				cr_assert_str_eq(u->revoke_cred, u->live_cred);
		}
	}
	cr_assert(usage(&issued, &revoked) >= 0);
	cr_assert_eq(issued, cc.total, "issued %lld, credentials %ld",
	    (long long)issued, cc.total);
	cr_assert_eq(revoked, cc.revoked, "revoked %lld, REVOKED %ld",
	    (long long)revoked, cc.revoked);
	cr_assert_eq(events("credential_issued"), issued);
	cr_assert_eq(events("credential_revoked"), revoked);
	return staged;
}

/* Restarts with the scheduler every `secs` seconds. */
static void
restart(const char *secs)
{
	int64_t took;

	snprintf(interval, sizeof(interval), "%s", secs);
	cr_assert_eq(harness_restart(&srv), 0, "restart");
	took = srv.ready_ms - srv.started_ms;
	cr_assert(
	    took <= RESTART_LIMIT_MS, "ready after %lld ms", (long long)took);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until the scheduler has applied a random share of the `left`
 * staged changes (the usage counts move past `before`; at most half of
 * them and one, so a kill lands inside the run however fast the machine
 * applies),
 * then kills the daemon a random 0..KILL_SPREAD_MS later. A fixed delay
 * after the run's start would miss whole runs on a fast machine.
 */
static void
kill_during_run(long before, long left, unsigned *seed)
{
	int64_t end = mono_ms() + RUN_WAIT_MS;
	int spread = env_int("SCIMCRED_RULES_CRASH_SPREAD_MS", KILL_SPREAD_MS);
	long target =
	    before + 1 + (long)(rand_r(seed) % (unsigned)(left / 2 + 1));

	while (usage(NULL, NULL) < target) {
		cr_assert(mono_ms() < end, "the scheduler never ran");
		usleep(2000);
	}
	usleep((useconds_t)(rand_r(seed) % (unsigned)spread) * 1000);
	harness_kill(&srv);
}

static void
rule_create(void)
{
	post(BASE "/IssuanceRules",
	    "{\"schemas\":[\"" RULE_URN "\"],\"credentialType\":{\"value\":"
	    "\"CT_CRASH\"},\"filter\":{\"scim\":\"userName sw \\\"c-\\\"\"},"
	    "\"automation\":{\"issue\":\"PERIODIC\",\"update\":\"PERIODIC\","
	    "\"revoke\":\"PERIODIC\"},\"status\":\"ACTIVE\","
	    "\"notification\":{\"methods\":[\"EMAIL\"],\"locale\":\"en\"}}",
	    rule_id, sizeof(rule_id));
}

Test(rules_crash, kill_during_periodic_runs, .timeout = 900)
{
	const char *args[] = {"--rules-interval", interval, NULL};
	unsigned seed = (unsigned)env_int(
	    "SCIMCRED_RULES_CRASH_SEED", (int)(time(NULL) & 0x7fffffff));
	int n = env_int("SCIMCRED_RULES_CRASH_USERS", 3000);
	int cycles = env_int("SCIMCRED_RULES_CRASH_CYCLES", 6);
	int c, active = 1, mid = 0, st;
	long before, after, staged, left = n;

	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "rules_crash: seed %u, %d users, %d cycles\n", seed, n,
	    cycles);
	snprintf(interval, sizeof(interval), "3600");
	cr_assert_eq(harness_start_args(&srv, args), 0);
	seed_all(n);
	rule_create();
	before = usage(NULL, NULL);
	cr_assert_eq(check(active), n, "one ISSUE staged per user");
	for (c = 0; c < cycles; c++) {
		st = harness_stop(&srv);
		cr_assert_eq(st, 0, "clean stop: %d", st);
		restart("1");
		kill_during_run(before, left, &seed);
		restart("3600");
		staged = check(active);
		after = usage(NULL, NULL);
		mid += after > before && staged > 0;
		fprintf(stderr,
		    "rules_crash: cycle %d (%s): %ld changes applied, %ld "
		    "still staged\n",
		    c, active ? "ACTIVE" : "DISABLED", after - before, staged);
		before = after;
		left = staged;
		if (staged == 0) {
			active = !active;
			set_status(active ? "ACTIVE" : "DISABLED");
			before = usage(NULL, NULL);
			left = check(active);
		}
	}
	cr_assert(mid >= 1, "no kill landed inside a run");
	st = harness_stop(&srv);
	cr_assert_eq(st, 0, "clean stop: %d", st);
	harness_cleanup(&srv);
	free(users);
}
