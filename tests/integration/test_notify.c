/*
 * Notifications end to end (issue 5): the daemon delivers the outbox's
 * events to a webhook receiver on loopback as signed JSON POSTs, retries
 * after failures with backoff, marks events delivered, and keeps pending
 * ones across restarts (clean and kill -9). Without a webhook, events
 * wait in the outbox. Events are written into the daemon's data
 * directory through scim/outbox.h from this process (LMDB is
 * multi-process), in one transaction as an apply would, so these tests
 * do not depend on how rules stage and apply changes; test_rules_notify
 * cases below drive the whole path over HTTP.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "harness.h"
#include "hook_recv.h"
#include "scim/outbox.h"
#include "store/store.h"
#include "util/date.h"
#include "util/secure.h"

#define SECRET "s3cret-for-tests"
#define RULE_JSON \
	"{\"id\":\"rule-n\",\"credentialType\":{\"value\":\"CT_N\"}," \
	"\"notification\":{\"methods\":[\"EMAIL\"],\"template\":" \
	"{\"locale\":\"fr\",\"variant\":\"welcome\",\"variables\":" \
	"{\"org\":\"ACME\"}}}}"
#define WAIT_MS 15000

static struct harness_server srv;
static struct hook_recv hook;
static char url[128];

struct ins {
	const char *tenant;
	int n;
	char first_id[32];
};

static int
ins_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct ins *in = arg;
	struct arena *a = arena_new();
	struct resource_ctx c = {.arena = a, .now_ms = date_now_ms()};
	struct json_value *rule;
	char user[32], cred[32];
	int i, rc;

	rc = json_parse(
	    a, RULE_JSON, strlen(RULE_JSON), &json_limits_default, &rule, err);
	for (i = 0; rc == 0 && i < in->n; i++) {
		snprintf(user, sizeof(user), "user-%d", i);
		snprintf(cred, sizeof(cred), "cred-%d", i);
		rc = outbox_record(&c, txn, str_from(in->tenant), rule,
		    OUTBOX_ISSUED, str_from(user), str_from(cred), err);
	}
	arena_free(a);
	return rc;
}

/* Records n events in tenant in one transaction, as an apply would. */
static void
insert(const char *tenant, int n)
{
	struct store_opts o = {.map_size = 64 << 20, .map_max = 1 << 30};
	struct ins in = {.tenant = tenant, .n = n};
	struct scim_err err = {0};
	struct store *st = NULL;

	cr_assert_eq(store_open(srv.data, &o, &st, &err), 0, "%s", err.detail);
	cr_assert_eq(store_write(st, ins_txn, &in, &err), 0, "%s", err.detail);
	store_close(st);
}

static struct json_value *
get_event(struct harness_resp *r, const char *id)
{
	char path[160];

	snprintf(path, sizeof(path), "/scim/demo/v2/NotificationEvents/%s", id);
	harness_get(&srv, srv.admin_token, path, r);
	EXPECT_STATUS(r, 200);
	return harness_json(r);
}

/* Waits until event id is in delivery state `state`. */
static void
wait_state(const char *id, const char *state)
{
	int64_t end = hook_now_ms() + WAIT_MS;
	struct harness_resp r;
	const char *s;
	char last[32] = "";

	for (;;) {
		s = harness_jstr(get_event(&r, id), "delivery.state");
		snprintf(last, sizeof(last), "%s", s ? s : "(none)");
		harness_resp_free(&r);
		if (strcmp(last, state) == 0)
			return;
		cr_assert(hook_now_ms() < end, "event %s is %s, not %s", id,
		    last, state);
		usleep(50000);
	}
}

static int64_t
attempts_of(const char *id)
{
	struct harness_resp r;
	int64_t n = -1;

	harness_jint(get_event(&r, id), "delivery.attempts", &n);
	harness_resp_free(&r);
	return n;
}

static void
start_with(const char *const *extra)
{
	const char *args[HARNESS_MAX_EXTRA_ARGS + 1];
	int i = 0, j;

	args[i++] = "--webhook-url";
	args[i++] = url;
	for (j = 0; extra != NULL && extra[j] != NULL; j++)
		args[i++] = extra[j];
	args[i] = NULL;
	cr_assert_eq(harness_start_args(&srv, args), 0, "daemon start");
}

static void
setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(hook_start(&hook, 0), 0);
	snprintf(
	    url, sizeof(url), "http://127.0.0.1:%d/hooks/scim?x=1", hook.port);
}

static void
teardown(void)
{
	harness_cleanup(&srv);
	hook_stop(&hook);
}

static void
finish(void)
{
	int st = harness_stop(&srv);

	if (st != 0)
		harness_dump_log(&srv);
	cr_assert_eq(st, 0, "daemon exit status %d", st);
}

TestSuite(notify, .init = setup, .fini = teardown, .timeout = 60);

Test(notify, delivers_signed_json)
{
	static const char *const extra[] = {"--webhook-secret", SECRET, NULL};
	unsigned char mac[EVP_MAX_MD_SIZE];
	char expect[2 * EVP_MAX_MD_SIZE + 8], *msg;
	unsigned maclen = 0;
	struct arena *a = arena_new();
	struct json_value *v;
	struct scim_err err = {0};
	struct hook_got *g;

	start_with(extra);
	insert("demo", 1);
	cr_assert_eq(hook_wait(&hook, 1, WAIT_MS), 0, "nothing delivered");
	g = &hook.got[0];
	cr_assert_str_eq(g->path, "/hooks/scim?x=1");
	cr_assert_str_eq(g->content_type, "application/json");
	cr_assert_str_eq(g->event, "0000000000000001");
	cr_assert_str_eq(g->tenant, "demo");
	cr_assert_eq(json_parse(a, g->body, strlen(g->body),
			 &json_limits_default, &v, &err),
	    0, "body is not JSON: %s", err.detail);
	cr_assert_str_eq(harness_jstr(v, "id"), "0000000000000001");
	cr_assert_str_eq(harness_jstr(v, "tenant"), "demo");
	cr_assert_str_eq(harness_jstr(v, "template"), "credential_issued");
	cr_assert_str_eq(harness_jstr(v, "methods.0"), "EMAIL");
	cr_assert_str_eq(harness_jstr(v, "locale"), "fr");
	cr_assert_str_eq(harness_jstr(v, "variant"), "welcome");
	cr_assert_str_eq(harness_jstr(v, "variables.0.name"), "org");
	cr_assert_str_eq(harness_jstr(v, "variables.0.value"), "ACME");
	cr_assert_str_eq(harness_jstr(v, "user.value"), "user-0");
	cr_assert_str_eq(harness_jstr(v, "credential.value"), "cred-0");
	cr_assert_str_eq(harness_jstr(v, "issuanceRule.value"), "rule-n");
	cr_assert_str_eq(harness_jstr(v, "schemas.0"), OUTBOX_SCHEMA);
	cr_assert_null(harness_jpath(v, "delivery"));
	/* HMAC-SHA256 of "<timestamp>.<body>" */
	cr_assert(g->timestamp[0] != '\0');
	msg = malloc(strlen(g->timestamp) + 1 + strlen(g->body) + 1);
	sprintf(msg, "%s.%s", g->timestamp, g->body);
	HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET),
	    (const unsigned char *)msg, strlen(msg), mac, &maclen);
	memcpy(expect, "sha256=", 7);
	secure_hex(mac, maclen, expect + 7);
	cr_assert_str_eq(g->signature, expect);
	free(msg);
	arena_free(a);
	wait_state("0000000000000001", "delivered");
	cr_assert_eq(attempts_of("0000000000000001"), 1);
	usleep(800000);
	cr_assert_eq(hook_count(&hook), 1, "a delivered event is not resent");
	finish();
}

Test(notify, unsigned_without_secret)
{
	start_with(NULL);
	insert("demo", 1);
	cr_assert_eq(hook_wait(&hook, 1, WAIT_MS), 0);
	cr_assert_str_eq(hook.got[0].signature, "");
	cr_assert_str_eq(hook.got[0].timestamp, "");
	wait_state("0000000000000001", "delivered");
	finish();
}

Test(notify, retries_after_500_with_backoff)
{
	static const int script[] = {500, 503};
	struct harness_resp r;
	struct json_value *v;
	int64_t gap;

	hook_script(&hook, script, 2);
	start_with(NULL);
	insert("demo", 1);
	cr_assert_eq(hook_wait(&hook, 2, WAIT_MS), 0);
	/* the 500, or the 503 if that is recorded already */
	v = get_event(&r, "0000000000000001");
	cr_assert(strncmp(harness_jstr(v, "delivery.lastError"),
		      "HTTP status 50", 14) == 0);
	harness_resp_free(&r);
	cr_assert_eq(hook_wait(&hook, 3, WAIT_MS), 0);
	wait_state("0000000000000001", "delivered");
	cr_assert_eq(attempts_of("0000000000000001"), 3);
	/* retry-min 1 s: the first retry waits 0.5-1 s, the second 1-2 s */
	gap = hook.got[1].at_ms - hook.got[0].at_ms;
	cr_assert(
	    gap >= 450 && gap < 3000, "first gap %lld ms", (long long)gap);
	gap = hook.got[2].at_ms - hook.got[1].at_ms;
	cr_assert(
	    gap >= 950 && gap < 4000, "second gap %lld ms", (long long)gap);
	cr_assert_str_eq(hook.got[0].body, hook.got[2].body, "same payload");
	finish();
}

Test(notify, fifo_within_a_tenant)
{
	static const int script[] = {500};
	char want[32];
	int i;

	hook_script(&hook, script, 1);
	start_with(NULL);
	insert("demo", 5);
	cr_assert_eq(hook_wait(&hook, 6, WAIT_MS), 0);
	/* the failed head is retried before anything behind it goes out */
	cr_assert_str_eq(hook.got[0].event, "0000000000000001");
	for (i = 1; i < 6; i++) {
		snprintf(want, sizeof(want), "%016x", i);
		cr_assert_str_eq(hook.got[i].event, want, "delivery %d", i);
	}
	wait_state("0000000000000005", "delivered");
	finish();
}

Test(notify, gives_up_after_max_attempts)
{
	static const char *const extra[] = {
	    "--webhook-max-attempts", "2", NULL};
	static const int script[] = {500, 500, 500};
	struct harness_resp r;
	struct json_value *v;

	hook_script(&hook, script, 3);
	start_with(extra);
	insert("demo", 2);
	wait_state("0000000000000001", "failed");
	v = get_event(&r, "0000000000000001");
	cr_assert_str_eq(
	    harness_jstr(v, "delivery.lastError"), "HTTP status 500");
	harness_resp_free(&r);
	/* the next one is not blocked by the failed head */
	cr_assert_eq(hook_wait(&hook, 3, WAIT_MS), 0);
	cr_assert_str_eq(hook.got[2].event, "0000000000000002");
	finish();
}

Test(notify, slow_receiver_times_out)
{
	static const char *const extra[] = {"--webhook-timeout", "1", NULL};
	struct harness_resp r;
	struct json_value *v;

	hook.silent = 1;
	start_with(extra);
	insert("demo", 1);
	cr_assert_eq(hook_wait(&hook, 1, WAIT_MS), 0);
	usleep(1500000);
	v = get_event(&r, "0000000000000001");
	cr_assert_str_eq(harness_jstr(v, "delivery.state"), "pending");
	cr_assert_str_eq(harness_jstr(v, "delivery.lastError"), "timed out");
	harness_resp_free(&r);
	hook.silent = 0;
	wait_state("0000000000000001", "delivered");
	finish();
}

Test(notify, stop_while_in_flight)
{
	static const char *const extra[] = {"--webhook-timeout", "30", NULL};

	hook.silent = 1;
	start_with(extra);
	insert("demo", 1);
	cr_assert_eq(hook_wait(&hook, 1, WAIT_MS), 0);
	/* SIGTERM with a POST in flight: a clean exit (no leak under
	 * ASan), and the event is still pending for the next start */
	finish();
	hook.silent = 0;
	cr_assert_eq(harness_restart(&srv), 0);
	wait_state("0000000000000001", "delivered");
	cr_assert_eq(attempts_of("0000000000000001"), 1,
	    "an abandoned attempt is not counted");
	finish();
}

Test(notify, connection_refused_is_retried)
{
	struct hook_recv down;
	struct harness_resp r;
	struct json_value *v;

	/* a port nothing listens on any more */
	cr_assert_eq(hook_start(&down, 0), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", down.port);
	hook_stop(&down);
	start_with(NULL);
	insert("demo", 1);
	usleep(1500000);
	v = get_event(&r, "0000000000000001");
	cr_assert_str_eq(harness_jstr(v, "delivery.state"), "pending");
	cr_assert_not_null(harness_jstr(v, "delivery.lastError"));
	cr_assert_not_null(harness_jstr(v, "delivery.nextAttemptAt"));
	harness_resp_free(&r);
	cr_assert(attempts_of("0000000000000001") >= 1);
	finish();
}

Test(notify, backoff_survives_kill)
{
	static const int script[] = {500};
	static const char *const extra[] = {"--webhook-retry-min", "4", NULL};
	int64_t gap;

	hook_script(&hook, script, 1);
	start_with(extra);
	insert("demo", 1);
	cr_assert_eq(hook_wait(&hook, 1, WAIT_MS), 0);
	/* the failure is recorded right after the answer */
	while (attempts_of("0000000000000001") < 1)
		usleep(20000);
	harness_kill(&srv);
	cr_assert_eq(harness_restart(&srv), 0);
	cr_assert_eq(hook_wait(&hook, 2, WAIT_MS), 0);
	wait_state("0000000000000001", "delivered");
	/* the stored next attempt time (2-4 s later) held across the kill */
	gap = hook.got[1].at_ms - hook.got[0].at_ms;
	cr_assert(gap >= 1900, "retried after %lld ms", (long long)gap);
	finish();
}

Test(notify, pending_survives_kill)
{
	cr_assert_eq(harness_start(&srv), 0);
	/* recorded while no webhook is configured: the events wait */
	insert("demo", 3);
	usleep(700000);
	cr_assert_eq(attempts_of("0000000000000001"), 0);
	wait_state("0000000000000003", "pending");
	harness_kill(&srv);
	srv.extra_args[0] = "--webhook-url";
	srv.extra_args[1] = url;
	srv.extra_args[2] = NULL;
	cr_assert_eq(harness_restart(&srv), 0);
	cr_assert_eq(hook_wait(&hook, 3, WAIT_MS), 0);
	cr_assert_str_eq(hook.got[0].event, "0000000000000001");
	cr_assert_str_eq(hook.got[2].event, "0000000000000003");
	wait_state("0000000000000003", "delivered");
	finish();
}

Test(notify, outbox_is_read_only)
{
	struct harness_resp r;

	cr_assert_eq(harness_start(&srv), 0);
	insert("demo", 2);
	harness_get(&srv, srv.admin_token,
	    "/scim/demo/v2/NotificationEvents?filter=user.value%20eq%20%22"
	    "user-1%22",
	    &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_eq(harness_jlen(harness_json(&r), "Resources"), 1);
	harness_resp_free(&r);
	harness_post(&srv, srv.admin_token, "/scim/demo/v2/NotificationEvents",
	    "{}", &r);
	cr_assert(r.status == 405 || r.status == 404, "POST: %d", r.status);
	harness_resp_free(&r);
	harness_delete(&srv, srv.admin_token,
	    "/scim/demo/v2/NotificationEvents/0000000000000001", &r);
	cr_assert(r.status == 405 || r.status == 404, "DELETE: %d", r.status);
	harness_resp_free(&r);
	finish();
}

Test(notify, bad_webhook_url_stops_start_up)
{
	char out[256];
	const char *args[] = {"serve", "--webhook-url", "ftp://example.com/",
	    "--listen", "127.0.0.1:0", NULL};

	cr_assert_eq(harness_start(&srv), 0);
	finish();
	cr_assert_eq(harness_cli(&srv, args, out, sizeof(out)), 2);
}

/* ---- HTTPS: the receiver's certificate is verified, name included */

static char cert_dir[64], cert_pem[128], key_pem[128];

static void
tls_setup_for(const char *dns)
{
	signal(SIGPIPE, SIG_IGN);
	snprintf(cert_dir, sizeof(cert_dir), "/tmp/scimcred-hook-XXXXXX");
	cr_assert_not_null(mkdtemp(cert_dir));
	snprintf(cert_pem, sizeof(cert_pem), "%s/cert.pem", cert_dir);
	snprintf(key_pem, sizeof(key_pem), "%s/key.pem", cert_dir);
	cr_assert_eq(hook_make_cert(dns, cert_pem, key_pem), 0);
	cr_assert_eq(hook_start_tls(&hook, 0, cert_pem, key_pem), 0);
	snprintf(url, sizeof(url), "https://localhost:%d/tls-hook", hook.port);
}

static void
tls_teardown(void)
{
	teardown();
	unlink(cert_pem);
	unlink(key_pem);
	rmdir(cert_dir);
}

static void
tls_setup(void)
{
	tls_setup_for("localhost");
}

static void
tls_setup_wrong_name(void)
{
	tls_setup_for("other.example");
}

Test(notify_tls, delivers_over_https, .init = tls_setup, .fini = tls_teardown,
    .timeout = 60)
{
	const char *extra[] = {"--webhook-ca-file", cert_pem, NULL};

	start_with(extra);
	insert("demo", 2);
	cr_assert_eq(hook_wait(&hook, 2, WAIT_MS), 0);
	cr_assert_str_eq(hook.got[0].path, "/tls-hook");
	cr_assert_str_eq(hook.got[1].event, "0000000000000002");
	wait_state("0000000000000002", "delivered");
	finish();
}

/* A certificate for another name, or one the trust store does not
 * know: nothing is sent, the event stays pending with the reason. */
static void
expect_tls_refused(const char *const *extra)
{
	struct harness_resp r;
	struct json_value *v;
	const char *e;

	start_with(extra);
	insert("demo", 1);
	usleep(1500000);
	v = get_event(&r, "0000000000000001");
	cr_assert_str_eq(harness_jstr(v, "delivery.state"), "pending");
	e = harness_jstr(v, "delivery.lastError");
	cr_assert(e != NULL && strncmp(e, "TLS: ", 5) == 0, "lastError %s",
	    e ? e : "(none)");
	harness_resp_free(&r);
	cr_assert_eq(hook_count(&hook), 0, "nothing reached the receiver");
	finish();
}

Test(notify_tls, refuses_wrong_name, .init = tls_setup_wrong_name,
    .fini = tls_teardown, .timeout = 60)
{
	const char *extra[] = {"--webhook-ca-file", cert_pem, NULL};

	expect_tls_refused(extra);
}

Test(notify_tls, refuses_unknown_ca, .init = tls_setup, .fini = tls_teardown,
    .timeout = 60)
{
	expect_tls_refused(NULL);
}
