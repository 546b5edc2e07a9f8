/*
 * Operations over the real daemon (issue 7): the probes, the request id
 * in replies and logs, the Prometheus listener, and a hot backup taken
 * under writes that `check` passes and `restore` puts back.
 */
#include <pthread.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define USERS "/scim/demo/v2/Users"

TestSuite(
    ops, .init = harness_fx_setup, .fini = harness_fx_teardown, .timeout = 60);

/* The daemon's stderr so far (malloc). */
static char *
daemon_log(const struct harness_server *srv)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/stderr", srv->root);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void
raw_get(int port, const char *method, const char *path, const char *extra,
    struct harness_resp *r)
{
	char req[1024];

	snprintf(req, sizeof(req),
	    "%s %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n", method,
	    path, extra != NULL ? extra : "");
	cr_assert_eq(harness_raw(port, req, strlen(req), HARNESS_TIMEOUT_MS, r),
	    0, "no answer for %s %s", method, path);
}

ITEST(ops, probes_answer_json_without_a_token)
{
	struct harness_resp r;

	raw_get(harness_fx.port, "GET", "/healthz", NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(
	    harness_header(&r, "Content-Type"), "application/json");
	cr_assert_str_eq(harness_jstr(harness_json(&r), "status"), "ok");
	harness_resp_free(&r);
	raw_get(harness_fx.port, "GET", "/readyz?x=1", NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(harness_jstr(harness_json(&r), "status"), "ready");
	cr_assert_str_eq(harness_jstr(harness_json(&r), "checks.disk"), "ok");
	cr_assert_str_eq(harness_jstr(harness_json(&r), "checks.writes"), "ok");
	harness_resp_free(&r);
	raw_get(harness_fx.port, "HEAD", "/readyz", NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(r.body_len, 0);
	harness_resp_free(&r);
	raw_get(harness_fx.port, "DELETE", "/healthz", NULL, &r);
	EXPECT_ERROR(&r, 405, NULL);
	cr_assert_str_eq(harness_header(&r, "Allow"), "GET, HEAD");
	harness_resp_free(&r);
	/* Only the exact paths: nothing else opens outside /scim. */
	raw_get(harness_fx.port, "GET", "/healthz/x", NULL, &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	raw_get(harness_fx.port, "GET", "/metrics", NULL, &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

ITEST(ops, request_id_is_returned_and_logged)
{
	struct harness_resp r;
	char hdr[200], *log;
	const char *id;

	/* The server's own id, in the reply and on the access line. */
	cr_assert_eq(harness_get(&harness_fx, harness_fx.admin_token,
			 USERS "?count=1", &r),
	    0);
	EXPECT_STATUS(&r, 200);
	id = harness_header(&r, "X-Request-Id");
	cr_assert(id != NULL && strlen(id) > 8);
	snprintf(hdr, sizeof(hdr), " access %s ", id);
	harness_resp_free(&r);
	/* A well-formed client id is adopted. */
	raw_get(harness_fx.port, "GET", "/healthz",
	    "X-Request-Id: edge-7f3a.b:c_d\r\n", &r);
	cr_assert_str_eq(harness_header(&r, "X-Request-Id"), "edge-7f3a.b:c_d");
	harness_resp_free(&r);
	/* A space, an over-long value, or two of them: ours instead. */
	raw_get(harness_fx.port, "GET", "/healthz",
	    "X-Request-Id: two words\r\n", &r);
	cr_assert_str_neq(harness_header(&r, "X-Request-Id"), "two words");
	harness_resp_free(&r);
	raw_get(harness_fx.port, "GET", "/healthz",
	    "X-Request-Id: "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\r\n",
	    &r);
	cr_assert_eq(strlen(harness_header(&r, "X-Request-Id")) < 65, 1);
	harness_resp_free(&r);
	raw_get(harness_fx.port, "GET", "/healthz",
	    "X-Request-Id: one\r\nX-Request-Id: two\r\n", &r);
	cr_assert_str_neq(harness_header(&r, "X-Request-Id"), "one");
	cr_assert_str_neq(harness_header(&r, "X-Request-Id"), "two");
	harness_resp_free(&r);
	cr_assert_eq(harness_stop(&harness_fx), 0);
	log = daemon_log(&harness_fx);
	cr_assert_not_null(strstr(log, hdr), "no access line for %s", hdr);
	cr_assert_not_null(strstr(log, " access edge-7f3a.b:c_d "));
	cr_assert_null(strstr(log, "two words"));
	free(log);
}

/* The port the daemon logged for its metrics listener. */
static int
metrics_port(const struct harness_server *srv)
{
	char *log = daemon_log(srv), *p;
	int port = 0;

	p = strstr(log, "metrics listening on 127.0.0.1:");
	if (p != NULL)
		port = atoi(p + strlen("metrics listening on 127.0.0.1:"));
	free(log);
	return port;
}

Test(ops, metrics_listener_exposes_the_counters, .timeout = 60)
{
	static const char *const args[] = {
	    "--metrics-listen", "127.0.0.1:0", NULL};
	struct harness_server srv;
	struct harness_resp r;
	int port;

	memset(&srv, 0, sizeof(srv));
	cr_assert_eq(harness_start_args(&srv, args), 0);
	port = metrics_port(&srv);
	cr_assert_gt(port, 0);
	cr_assert_eq(harness_get(&srv, srv.admin_token, USERS, &r), 0);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	cr_assert_eq(harness_get(&srv, srv.admin_token, USERS "/nope", &r), 0);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	raw_get(port, "GET", "/metrics", NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(harness_header(&r, "Content-Type"),
	    "text/plain; version=0.0.4; charset=utf-8");
	cr_assert_not_null(
	    strstr(r.body,
		"scimcred_http_requests_total{method=\"GET\","
		"route=\"/scim/{tenant}/v2/Users\",code=\"200\"} "
		"1\n"),
	    "%s", r.body);
	cr_assert_not_null(strstr(r.body,
	    "route=\"/scim/{tenant}/v2/Users/{id}\",code=\"404\"} 1\n"));
	cr_assert_not_null(strstr(r.body, "\nscimcred_store_map_size_bytes "));
	cr_assert_not_null(
	    strstr(r.body, "\nscimcred_store_readers_max 256\n"));
	/* The first start wrote the demo tenant: one commit at least. */
	cr_assert_null(strstr(
	    r.body, "\nscimcred_store_commit_duration_seconds_count 0\n"));
	cr_assert_not_null(strstr(r.body, "\nscimcred_http_connections_open "));
	harness_resp_free(&r);
	raw_get(port, "GET", "/readyz", NULL, &r);
	cr_assert_eq(r.status, 200);
	harness_resp_free(&r);
	raw_get(port, "GET", "/other", NULL, &r);
	cr_assert_eq(r.status, 404);
	harness_resp_free(&r);
	cr_assert_eq(harness_stop(&srv), 0);
	harness_cleanup(&srv);
}

/* 1 if the server closes fd within ms (read gives 0 or an error). */
static int
closed_within(int fd, int ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char b;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	return read(fd, &b, 1) <= 0;
}

/* The metrics listener has its own deadline and connection cap: slow
 * or idle clients can't hold it, or the process's descriptors. */
Test(ops, metrics_listener_cuts_off_slow_clients, .timeout = 60)
{
	static const char *const args[] = {
	    "--metrics-listen", "127.0.0.1:0", NULL};
	struct harness_server srv;
	struct harness_resp r;
	int port, fds[16], extra, i;
	int64_t t0;

	memset(&srv, 0, sizeof(srv));
	cr_assert_eq(harness_start_args(&srv, args), 0);
	port = metrics_port(&srv);
	cr_assert_gt(port, 0);
	for (i = 0; i < 16; i++) {
		fds[i] = harness_connect(port);
		cr_assert_geq(fds[i], 0);
		/* A request that never ends. */
		cr_assert_eq(
		    write(fds[i], "GET /metrics HTTP/1.1\r\n", 23), 23);
	}
	usleep(200 * 1000);
	/* Over the cap: closed at once. */
	extra = harness_connect(port);
	cr_assert_geq(extra, 0);
	cr_expect(closed_within(extra, 1000), "17th connection not refused");
	close(extra);
	/* The held ones are closed at the 5 s deadline, not later. */
	t0 = harness_now_ms();
	for (i = 0; i < 16; i++) {
		cr_expect(closed_within(fds[i], 8000), "connection %d held", i);
		close(fds[i]);
	}
	cr_expect_lt(harness_now_ms() - t0, 7000);
	raw_get(port, "GET", "/metrics", NULL, &r);
	cr_expect_eq(r.status, 200);
	cr_expect_str_eq(harness_header(&r, "Connection"), "close");
	harness_resp_free(&r);
	cr_assert_eq(harness_stop(&srv), 0);
	harness_cleanup(&srv);
}

/* ------------------------------------------------------------- backup */

#define MAX_USERS 600

struct writer {
	struct harness_server *srv;
	volatile int stop;
	volatile int acked; /* users w0..w<acked-1> got a 201 */
	int failed;
};

static void *
write_users(void *arg)
{
	struct writer *w = arg;
	struct harness_resp r;
	char body[256];
	int i;

	for (i = 0; i < MAX_USERS && !w->stop; i++) {
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"" HARNESS_USER_URN "\"],"
		    "\"userName\":\"w%d\"}",
		    i);
		if (harness_post(
			w->srv, w->srv->admin_token, USERS, body, &r) != 0 ||
		    r.status != 201) {
			w->failed = 1;
			harness_resp_free(&r);
			break;
		}
		harness_resp_free(&r);
		__atomic_store_n(&w->acked, i + 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/* The CLI on another data directory (harness_cli names srv->data). */
static int
cli_on(const struct harness_server *srv, const char *data,
    const char *const *args, char *out, size_t outlen)
{
	struct harness_server other = *srv;

	cr_assert_lt(strlen(data), sizeof(other.data));
	memcpy(other.data, data, strlen(data) + 1);
	return harness_cli(&other, args, out, outlen);
}

/* Number of users, and whether w0..w<upto-1> are all there. */
static int
count_users(struct harness_server *srv, int upto, int *all_there)
{
	struct harness_resp r;
	const struct json_value *v;
	int64_t total = -1;
	char name[16];
	int i;

	cr_assert_eq(harness_get(srv, srv->admin_token,
			 USERS "?count=1000&attributes=userName", &r),
	    0);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &total));
	*all_there = 1;
	for (i = 0; i < upto; i++) {
		long k, n = harness_jlen(harness_json(&r), "Resources");
		int hit = 0;

		snprintf(name, sizeof(name), "w%d", i);
		for (k = 0; k < n && !hit; k++) {
			char path[48];
			snprintf(path, sizeof(path), "Resources.%ld", k);
			v = harness_jpath(harness_json(&r), path);
			hit = harness_jstr(v, "userName") != NULL &&
			    strcmp(harness_jstr(v, "userName"), name) == 0;
		}
		*all_there &= hit;
	}
	harness_resp_free(&r);
	return (int)total;
}

Test(ops, backup_under_writes_then_restore, .timeout = 120)
{
	const char *schemas = getenv("SCIMCRED_SCHEMAS");
	struct harness_server srv;
	struct writer w;
	pthread_t t;
	char bk[400], out[512];
	const char *backup[] = {"backup", bk, NULL};
	const char *check[] = {"check", "--schemas-dir", schemas, NULL};
	const char *restore[] = {"restore", bk, NULL};
	int before, after, n, all;

	cr_assert_not_null(schemas);
	memset(&srv, 0, sizeof(srv));
	cr_assert_eq(harness_start(&srv), 0);
	snprintf(bk, sizeof(bk), "%s/backup", srv.root);
	memset(&w, 0, sizeof(w));
	w.srv = &srv;
	cr_assert_eq(pthread_create(&t, NULL, write_users, &w), 0);
	while (__atomic_load_n(&w.acked, __ATOMIC_SEQ_CST) < 50 && !w.failed)
		usleep(5000);
	before = __atomic_load_n(&w.acked, __ATOMIC_SEQ_CST);
	cr_assert_eq(harness_cli(&srv, backup, out, sizeof(out)), 0, "%s", out);
	after = __atomic_load_n(&w.acked, __ATOMIC_SEQ_CST);
	/* Keep writing past the backup, so the restore has work to undo. */
	while (__atomic_load_n(&w.acked, __ATOMIC_SEQ_CST) < after + 20 &&
	    !w.failed && after + 20 < MAX_USERS)
		usleep(5000);
	w.stop = 1;
	pthread_join(t, NULL);
	cr_assert_eq(w.failed, 0, "a write failed during the backup");
	/* The copy is a consistent store, checked without the server. */
	cr_assert_eq(cli_on(&srv, bk, check, out, sizeof(out)), 0, "%s", out);
	cr_assert_not_null(strstr(out, "0 problems"), "%s", out);
	cr_assert_eq(harness_cli(&srv, check, out, sizeof(out)), 0, "%s", out);
	/* Refused while the server runs, accepted once it is stopped. */
	cr_assert_eq(harness_cli(&srv, restore, out, sizeof(out)), 1);
	cr_assert_eq(harness_stop(&srv), 0);
	cr_assert_eq(harness_cli(&srv, restore, out, sizeof(out)), 0);
	cr_assert_eq(harness_restart(&srv), 0);
	n = count_users(&srv, before, &all);
	/* Everything acknowledged before the backup began, nothing written
	 * after it ended (at most the one write in flight then). */
	cr_assert(all, "a user acknowledged before the backup is missing");
	cr_assert(n >= before && n <= after + 1,
	    "restored %d users; %d were acknowledged before the backup and "
	    "%d after it",
	    n, before, after);
	cr_assert_eq(harness_stop(&srv), 0);
	harness_cleanup(&srv);
}
