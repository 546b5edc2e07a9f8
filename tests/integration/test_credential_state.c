/*
 * Credential state over HTTP: the HID status machine (every transition
 * from every state), status.active against the validity window, and
 * optimistic concurrency with ETags (RFC 7644 §3.14): If-Match,
 * If-None-Match, meta.version, and racing writers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define BASE "/scim/demo/v2/Credential"
#define CRED(fields) "{\"schemas\":[\"" HARNESS_CRED_URN "\"]," fields "}"
#define ATTR(n, v, ro) \
	"{\"name\":\"" n "\",\"type\":\"STRING\",\"value\":\"" v \
	"\",\"readOnly\":" ro "}"

static void
setup(void)
{
	harness_fx_setup();
	harness_ctype(&harness_fx, harness_fx.admin_token, "demo", "CT_TEST",
	    "[{\"name\":\"WHO\"},{\"name\":\"N\"}]", NULL);
}

TestSuite(state, .init = setup, .fini = harness_fx_teardown, .timeout = 60);

static const char *tok;

static void
setup_tok(void)
{
	tok = harness_fx.admin_token;
}

static char *
path_of(const char *id)
{
	static char p[512];

	snprintf(p, sizeof(p), BASE "/%s", id);
	return p;
}

static void
create(const char *body, char *id)
{
	setup_tok();
	harness_create(&harness_fx, tok, "demo", body, id, 128);
}

static void
get_ok(const char *id, struct harness_resp *r)
{
	harness_get(&harness_fx, tok, path_of(id), r);
	EXPECT_STATUS(r, 200);
	cr_assert_not_null(harness_json(r));
}

static int
put(const char *id, const char *body, struct harness_resp *r)
{
	harness_put(&harness_fx, tok, path_of(id), body, r);
	return r->status;
}

static const char *
js(struct harness_resp *r, const char *path)
{
	return harness_jstr(harness_json(r), path);
}

ITEST(state, stale_if_match_is_412_on_put_and_delete)
{
	struct harness_resp r;
	char id[128];
	struct harness_req rq = {.method = "PUT",
	    .token = NULL,
	    .body =
		CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"ACTIVE\"}"),
	    .headers = "If-Match: W/\"1\"\r\n"};

	create(CRED("\"type\":\"CT_TEST\""), id);
	rq.token = tok;
	rq.path = path_of(id);
	harness_send(&harness_fx, &rq, &r); /* current: applies */
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	harness_send(&harness_fx, &rq, &r); /* now stale */
	EXPECT_ERROR(&r, 412, NULL);
	harness_resp_free(&r);
	rq.method = "DELETE";
	rq.body = NULL;
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 412, NULL);
	harness_resp_free(&r);
	get_ok(id, &r); /* still there, unchanged */
	cr_assert_str_eq(js(&r, "meta.version"), "W/\"2\"");
	harness_resp_free(&r);
	rq.headers = "If-Match: W/\"2\"\r\n";
	harness_send(&harness_fx, &rq, &r);
	cr_assert_eq(r.status, 204);
	harness_resp_free(&r);
}

#define RACERS 8

struct racer {
	pthread_t thread;
	pthread_barrier_t *start;
	const char *path;
	int status;
};

static void *
race_put(void *arg)
{
	struct racer *rc = arg;
	struct harness_resp r;
	struct harness_req rq = {.method = "PUT",
	    .path = rc->path,
	    .token = harness_fx.admin_token,
	    .body = CRED("\"type\":\"CT_TEST\",\"attributes\":[" ATTR(
		"WHO", "racer", "false") "]"),
	    .headers = "If-Match: W/\"1\"\r\n"};

	pthread_barrier_wait(rc->start);
	harness_send(&harness_fx, &rq, &r);
	rc->status = r.status;
	harness_resp_free(&r);
	return NULL;
}

/* HARDENING.md promise 15: concurrent writers on one version, one wins. */
ITEST(state, concurrent_if_match_exactly_one_wins)
{
	struct racer rc[RACERS];
	pthread_barrier_t start;
	struct harness_resp r;
	char id[128];
	int i, ok = 0, stale = 0;

	create(CRED("\"type\":\"CT_TEST\""), id);
	pthread_barrier_init(&start, NULL, RACERS);
	for (i = 0; i < RACERS; i++) {
		rc[i].start = &start;
		rc[i].path = path_of(id);
		pthread_create(&rc[i].thread, NULL, race_put, &rc[i]);
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(rc[i].thread, NULL);
		ok += rc[i].status == 200;
		stale += rc[i].status == 412;
	}
	pthread_barrier_destroy(&start);
	cr_assert_eq(ok, 1, "%d of %d racing writers won", ok, RACERS);
	cr_assert_eq(stale, RACERS - 1);
	get_ok(id, &r);
	cr_assert_str_eq(js(&r, "meta.version"), "W/\"2\"");
	harness_resp_free(&r);
}

ITEST(state, if_none_match_current_is_304)
{
	struct harness_resp r;
	char id[128];
	struct harness_req rq = {
	    .method = "GET", .headers = "If-None-Match: W/\"1\"\r\n"};

	create(CRED("\"type\":\"CT_TEST\""), id);
	rq.token = tok;
	rq.path = path_of(id);
	harness_send(&harness_fx, &rq, &r);
	cr_assert_eq(r.status, 304, "got %d", r.status);
	cr_assert_eq(r.body_len, 0);
	harness_resp_free(&r);
	rq.headers = "If-None-Match: W/\"7\"\r\n";
	harness_send(&harness_fx, &rq, &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
}

ITEST(state, etag_equals_meta_version_after_every_write)
{
	struct harness_resp r;
	char id[128], prev[64] = "";
	int i;

	create(CRED("\"type\":\"CT_TEST\""), id);
	for (i = 0; i < 4; i++) {
		put(id,
		    i % 2 ? CRED("\"type\":\"CT_TEST\",\"attributes\":[]")
			  : CRED("\"type\":\"CT_TEST\",\"attributes\":[" ATTR(
				"N", "v", "false") "]"),
		    &r);
		EXPECT_STATUS(&r, 200);
		cr_assert_str_eq(
		    harness_header(&r, "ETag"), js(&r, "meta.version"));
		cr_assert_str_neq(js(&r, "meta.version"), prev);
		snprintf(prev, sizeof(prev), "%s", js(&r, "meta.version"));
		harness_resp_free(&r);
		get_ok(id, &r);
		cr_assert_str_eq(harness_header(&r, "ETag"), prev);
		harness_resp_free(&r);
	}
}

/* Drives a fresh credential to `from` along legal moves, then tries each
 * target: legal ones succeed, illegal ones are 400 mutability naming the
 * current status and what is allowed. */
static void
transitions_from(const char *from, const char *path_to, const char *legal)
{
	static const char *all[] = {
	    "PENDING", "ACTIVE", "SUSPENDED", "REVOKED", "TERMINATED"};
	char id[128], body[256], step[32], *steps, *save = NULL, *s;
	struct harness_resp r;
	size_t i;

	for (i = 0; i < 5; i++) {
		create(CRED("\"type\":\"CT_TEST\""), id);
		steps = strdup(path_to);
		for (s = strtok_r(steps, ",", &save); s != NULL;
		     s = strtok_r(NULL, ",", &save)) {
			snprintf(body, sizeof(body),
			    CRED(
				"\"type\":\"CT_TEST\",\"status\":{\"status\":\"%s\"}"),
			    s);
			cr_assert_eq(put(id, body, &r), 200, "step to %s", s);
			harness_resp_free(&r);
		}
		free(steps);
		snprintf(body, sizeof(body),
		    CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"%s\"}"),
		    all[i]);
		snprintf(step, sizeof(step), ",%s,", all[i]);
		put(id, body, &r);
		if (strstr(legal, step) != NULL) {
			EXPECT_STATUS(&r, 200);
			cr_assert_str_eq(js(&r, "status.status"), all[i]);
		} else {
			EXPECT_ERROR(&r, 400, "mutability");
			cr_assert(js(&r, "detail") != NULL &&
				strstr(js(&r, "detail"), from) != NULL,
			    "%s -> %s: detail does not name the current status",
			    from, all[i]);
			harness_resp_free(&r);
			get_ok(id, &r);
			cr_assert_str_eq(js(&r, "status.status"), from);
		}
		harness_resp_free(&r);
	}
}

ITEST(state, status_machine_from_pending)
{
	transitions_from("PENDING", "", ",PENDING,ACTIVE,");
}

ITEST(state, status_machine_from_active)
{
	transitions_from("ACTIVE", "ACTIVE", ",ACTIVE,SUSPENDED,REVOKED,");
}

ITEST(state, status_machine_from_suspended)
{
	transitions_from(
	    "SUSPENDED", "ACTIVE,SUSPENDED", ",SUSPENDED,ACTIVE,REVOKED,");
}

ITEST(state, status_machine_from_revoked)
{
	transitions_from("REVOKED", "ACTIVE,REVOKED", ",REVOKED,TERMINATED,");
}

ITEST(state, status_machine_terminated_is_final)
{
	transitions_from(
	    "TERMINATED", "ACTIVE,REVOKED,TERMINATED", ",TERMINATED,");
}

ITEST(state, illegal_transition_names_the_allowed_ones)
{
	struct harness_resp r;
	char id[128];
	const char *d;

	create(CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"ACTIVE\"}"),
	    id);
	put(id,
	    CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"REVOKED\"}"),
	    &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	put(id, CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"ACTIVE\"}"),
	    &r);
	EXPECT_ERROR(&r, 400, "mutability");
	d = js(&r, "detail");
	cr_assert(d != NULL && strstr(d, "REVOKED") != NULL &&
		strstr(d, "TERMINATED") != NULL,
	    "detail '%s' should name REVOKED and TERMINATED", d);
	harness_resp_free(&r);
}

ITEST(state, unknown_status_is_invalid_value)
{
	struct harness_resp r;
	char id[128];

	create(CRED("\"type\":\"CT_TEST\""), id);
	put(id, CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"BOGUS\"}"),
	    &r);
	EXPECT_ERROR(&r, 400, "invalidValue");
	harness_resp_free(&r);
	harness_post(&harness_fx, tok, BASE,
	    CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"BOGUS\"}"), &r);
	EXPECT_ERROR(&r, 400, "invalidValue");
	harness_resp_free(&r);
}

static int
active_for(const char *status, const char *dates)
{
	struct harness_resp r;
	char body[512], id[128];
	int a;

	snprintf(body, sizeof(body),
	    CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"%s\"%s}"),
	    status, dates);
	create(body, id);
	get_ok(id, &r);
	a = harness_jbool(harness_json(&r), "status.active");
	harness_resp_free(&r);
	return a;
}

ITEST(state, active_only_when_active_and_within_dates)
{
	const char *past = "2000-01-01T00:00:00Z",
		   *future = "2099-01-01T00:00:00Z";
	char d[256];

	cr_assert_eq(active_for("ACTIVE", ""), 1);
	cr_assert_eq(active_for("PENDING", ""), 0);
	snprintf(d, sizeof(d), ",\"startDate\":\"%s\",\"expiryDate\":\"%s\"",
	    past, future);
	cr_assert_eq(active_for("ACTIVE", d), 1);
	cr_assert_eq(active_for("PENDING", d), 0);
	snprintf(d, sizeof(d), ",\"startDate\":\"%s\"", future);
	cr_assert_eq(active_for("ACTIVE", d), 0, "not yet started");
	snprintf(d, sizeof(d), ",\"expiryDate\":\"%s\"", past);
	cr_assert_eq(active_for("ACTIVE", d), 0, "expired");
	snprintf(d, sizeof(d), ",\"startDate\":\"%s\",\"expiryDate\":\"%s\"",
	    past, "2001-01-01T00:00:00Z");
	cr_assert_eq(active_for("ACTIVE", d), 0, "window in the past");
}

ITEST(state, suspended_is_not_active)
{
	struct harness_resp r;
	char id[128];

	create(CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"ACTIVE\"}"),
	    id);
	put(id,
	    CRED("\"type\":\"CT_TEST\",\"status\":{\"status\":\"SUSPENDED\"}"),
	    &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_eq(harness_jbool(harness_json(&r), "status.active"), 0);
	harness_resp_free(&r);
}
