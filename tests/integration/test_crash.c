/*
 * Crash test (HARDENING.md promises 1 and 3): writers create and replace
 * credentials while the daemon is killed with SIGKILL at a random moment,
 * again and again. Every write that got a 2xx must be there after the
 * restart, at the acknowledged version or, if a write was in flight at
 * the kill, exactly that write's version and content. The daemon must
 * answer within 2 s of each restart, with no manual steps.
 *
 * SCIMCRED_CRASH_SEED reproduces a run; SCIMCRED_CRASH_CYCLES changes the
 * number of kills (default 25).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define WRITERS 2
#define MAX_RECORDS 1200 /* per writer; past this, only replaces */
#define CREATE_PERCENT 35
#define RESTART_LIMIT_MS 2000

struct record {
	char id[72];
	long version; /* acknowledged */
	unsigned value;
	long pending_version; /* of the write in flight, 0 if none */
	unsigned pending_value;
};

struct writer {
	pthread_t thread;
	int index;
	unsigned seed;
	struct record *recs;
	size_t nrecs;
	unsigned next_value;
	long acks;
	long refused; /* answered, but not with a 2xx: a server bug */
	int failed; /* a write got no answer: the server is down */
	volatile int stop;
};

static struct harness_server srv;

static long
parse_version(const char *etag)
{
	const char *q = etag != NULL ? strchr(etag, '"') : NULL;

	return q != NULL ? strtol(q + 1, NULL, 10) : -1;
}

static void
body_for(char *out, size_t len, unsigned value, const char *ext)
{
	snprintf(out, len,
	    "{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"type\":\"CT_CRASH\","
	    "%s%s%s\"attributes\":[{\"name\":\"V\",\"type\":\"STRING\","
	    "\"value\":\"%u\",\"readOnly\":false}]}",
	    ext != NULL ? "\"externalId\":\"" : "", ext != NULL ? ext : "",
	    ext != NULL ? "\"," : "", value);
}

static void
do_create(struct writer *w)
{
	struct harness_resp r;
	struct record *rec = &w->recs[w->nrecs];
	char body[512], ext[64];
	const char *id;
	unsigned v = w->next_value++;

	snprintf(ext, sizeof(ext), "w%d-%u", w->index, v);
	body_for(body, sizeof(body), v, ext);
	harness_post(
	    &srv, srv.admin_token, "/scim/demo/v2/Credential", body, &r);
	id = harness_jstr(harness_json(&r), "id");
	if (r.status == 201 && id != NULL && strlen(id) < sizeof(rec->id)) {
		snprintf(rec->id, sizeof(rec->id), "%s", id);
		rec->version = parse_version(harness_header(&r, "ETag"));
		rec->value = v;
		rec->pending_version = 0;
		w->nrecs++;
		w->acks++;
	} else {
		w->failed = 1;
		w->refused += r.status != 0;
	}
	harness_resp_free(&r);
}

static void
do_replace(struct writer *w)
{
	struct harness_resp r;
	struct record *rec = &w->recs[(size_t)rand_r(&w->seed) % w->nrecs];
	char body[512], path[160];
	unsigned v = w->next_value++;

	body_for(body, sizeof(body), v, NULL);
	snprintf(path, sizeof(path), "/scim/demo/v2/Credential/%s", rec->id);
	rec->pending_version = rec->version + 1;
	rec->pending_value = v;
	harness_put(&srv, srv.admin_token, path, body, &r);
	if (r.status == 200) {
		rec->version = parse_version(harness_header(&r, "ETag"));
		rec->value = v;
		rec->pending_version = 0;
		w->acks++;
	} else {
		w->failed = 1;
		w->refused += r.status != 0;
	}
	harness_resp_free(&r);
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;

	/* After a write without an answer, stop until the restart: that
	 * write may or may not have committed, and it must stay the only
	 * one in flight for its record. */
	while (!w->stop && !w->failed) {
		if (w->nrecs == 0 ||
		    (w->nrecs < MAX_RECORDS &&
			(unsigned)rand_r(&w->seed) % 100 < CREATE_PERCENT))
			do_create(w);
		else
			do_replace(w);
	}
	return NULL;
}

/* Checks one record after a restart; adopts a committed in-flight write.
 * Returns NULL or what is wrong. */
static const char *
verify(struct record *rec)
{
	static char why[512];
	struct harness_resp r;
	char path[160];
	const char *val;
	long ver;
	unsigned got;

	snprintf(path, sizeof(path), "/scim/demo/v2/Credential/%s", rec->id);
	harness_get(&srv, srv.admin_token, path, &r);
	ver = parse_version(harness_header(&r, "ETag"));
	val = harness_jstr(harness_json(&r), "attributes.0.value");
	got = val != NULL ? (unsigned)strtoul(val, NULL, 10) : ~0u;
	why[0] = '\0';
	if (r.status != 200)
		snprintf(why, sizeof(why), "%s: acknowledged v%ld, GET gave %d",
		    rec->id, rec->version, r.status);
	else if (ver == rec->version && got != rec->value)
		snprintf(why, sizeof(why), "%s v%ld: value %u, acknowledged %u",
		    rec->id, ver, got, rec->value);
	else if (ver != rec->version &&
	    (ver != rec->pending_version || got != rec->pending_value))
		snprintf(why, sizeof(why),
		    "%s: version %ld value %u; acknowledged v%ld=%u, in flight "
		    "v%ld=%u",
		    rec->id, ver, got, rec->version, rec->value,
		    rec->pending_version, rec->pending_value);
	if (why[0] == '\0' && ver != rec->version) {
		rec->version = ver;
		rec->value = got;
	}
	rec->pending_version = 0;
	harness_resp_free(&r);
	return why[0] != '\0' ? why : NULL;
}

static void
run_writers(struct writer *w, unsigned *seed)
{
	int i, delay_ms = 30 + rand_r(seed) % 400;

	for (i = 0; i < WRITERS; i++) {
		w[i].stop = 0;
		w[i].failed = 0;
		pthread_create(&w[i].thread, NULL, writer_main, &w[i]);
	}
	usleep((useconds_t)delay_ms * 1000);
	harness_kill(&srv); /* SIGKILL mid-write */
	for (i = 0; i < WRITERS; i++)
		w[i].stop = 1;
	for (i = 0; i < WRITERS; i++)
		pthread_join(w[i].thread, NULL);
}

static int
env_int(const char *name, int dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? atoi(v) : dflt;
}

/* Also after a failed assertion: no daemon or temp dir is left behind. */
static void
crash_cleanup(void)
{
	harness_cleanup(&srv);
}

Test(crash, sigkill_loses_no_acknowledged_write, .fini = crash_cleanup,
    .timeout = 900)
{
	struct writer w[WRITERS];
	unsigned seed = (unsigned)env_int(
	    "SCIMCRED_CRASH_SEED", (int)(time(NULL) ^ getpid()));
	int cycles = env_int("SCIMCRED_CRASH_CYCLES", 25), c, i;
	long acks = 0, checked = 0;
	int64_t worst = 0;
	size_t k;
	const char *bad;

	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "crash: seed %u, %d cycles\n", seed, cycles);
	memset(w, 0, sizeof(w));
	for (i = 0; i < WRITERS; i++) {
		w[i].index = i;
		w[i].seed = seed + (unsigned)i * 7919u;
		w[i].recs = calloc(MAX_RECORDS, sizeof(struct record));
	}
	cr_assert_eq(harness_start(&srv), 0);
	harness_ctype(&srv, srv.admin_token, "demo", "CT_CRASH",
	    "[{\"name\":\"V\"}]", NULL);
	for (c = 0; c < cycles; c++) {
		run_writers(w, &seed);
		cr_assert_eq(
		    harness_restart(&srv), 0, "cycle %d: no restart", c);
		if (srv.ready_ms - srv.started_ms > worst)
			worst = srv.ready_ms - srv.started_ms;
		cr_expect_leq(srv.ready_ms - srv.started_ms, RESTART_LIMIT_MS,
		    "cycle %d: answered %lld ms after restart", c,
		    (long long)(srv.ready_ms - srv.started_ms));
		for (i = 0; i < WRITERS; i++)
			for (k = 0; k < w[i].nrecs; k++, checked++) {
				bad = verify(&w[i].recs[k]);
				if (bad != NULL)
					harness_dump_log(&srv);
				cr_assert_null(bad, "cycle %d (seed %u): %s", c,
				    seed, bad);
			}
	}
	for (i = 0; i < WRITERS; i++) {
		acks += w[i].acks;
		cr_expect_eq(w[i].refused, 0,
		    "writer %d: %ld valid writes were answered with an error",
		    i, w[i].refused);
	}
	fprintf(stderr,
	    "crash: %d kills, %ld acknowledged writes, %ld checks, slowest "
	    "restart %lld ms\n",
	    cycles, acks, checked, (long long)worst);
	cr_expect_gt(acks, (long)cycles * 5,
	    "too few writes were acknowledged to prove anything");
	cr_expect_eq(harness_stop(&srv), 0, "graceful exit after the test");
	harness_cleanup(&srv);
	for (i = 0; i < WRITERS; i++)
		free(w[i].recs);
}
