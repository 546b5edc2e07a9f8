/*
 * Optimistic concurrency under a real race (HARDENING.md promise 15,
 * RFC 7644 §3.14): 8 clients released together by a barrier send a PUT
 * (or PATCH) with If-Match on the same version of one resource. Exactly
 * one gets a 2xx, the other seven a 412 SCIM error, and the resource
 * ends at the winner's version and content. Repeated for Credentials,
 * Users and Groups, round after round on the winner's new version.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define BASE "/scim/demo/v2"
#define CLIENTS 8
#define ROUNDS 8
#define PATCH_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"

TestSuite(faults_race, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 300);

struct racer {
	pthread_t thread;
	pthread_barrier_t *go;
	const char *method;
	const char *path;
	char body[512];
	char hdr[64];
	int status;
	long version; /* from the ETag of a 2xx */
	int error_ok; /* a 412 carried a SCIM error body */
};

/* What one race writes: the body for a client's tag, and where the
 * tag shows in the resource. */
struct race_kind {
	const char *name;
	const char *method;
	const char *endpoint;
	const char *pre, *post; /* the body is pre, the tag, post */
	const char *field;
};

static const struct race_kind kinds[] = {
    {"Credential PUT", "PUT", "Credential",
	"{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"type\":\"CT_RACE\","
	"\"attributes\":[{\"name\":\"V\",\"value\":\"",
	"\"}]}", "attributes.0.value"},
    {"Credential PATCH", "PATCH", "Credential",
	"{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
	"\"replace\",\"path\":\"attributes[name eq \\\"V\\\"].value\","
	"\"value\":\"",
	"\"}]}", "attributes.0.value"},
    {"User PUT", "PUT", "Users",
	"{\"schemas\":[\"" HARNESS_USER_URN "\"],\"userName\":\"racer\","
	"\"displayName\":\"",
	"\"}", "displayName"},
    {"Group PUT", "PUT", "Groups",
	"{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
	"\"displayName\":\"",
	"\"}", "displayName"},
};

static long
etag_version(const struct harness_resp *r)
{
	const char *e = harness_header(r, "ETag");
	const char *q = e != NULL ? strchr(e, '"') : NULL;

	return q != NULL ? strtol(q + 1, NULL, 10) : -1;
}

static void *
racer_main(void *arg)
{
	struct racer *c = arg;
	struct harness_req rq = {.method = c->method,
	    .path = c->path,
	    .token = harness_fx.admin_token,
	    .body = c->body,
	    .headers = c->hdr};
	struct harness_resp r;

	pthread_barrier_wait(c->go);
	harness_send(&harness_fx, &rq, &r);
	c->status = r.status;
	c->version = etag_version(&r);
	c->error_ok = harness_check_error(&r, 412, NULL) == NULL;
	harness_resp_free(&r);
	return NULL;
}

/* One race on path at version; returns the winner's index. */
static int
race(const struct race_kind *k, const char *path, long version, int round)
{
	struct racer c[CLIENTS];
	pthread_barrier_t go;
	int i, winner = -1, lost = 0;
	char tag[32];

	pthread_barrier_init(&go, NULL, CLIENTS);
	for (i = 0; i < CLIENTS; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].go = &go;
		c[i].method = k->method;
		c[i].path = path;
		snprintf(tag, sizeof(tag), "r%d-c%d", round, i);
		snprintf(c[i].body, sizeof(c[i].body), "%s%s%s", k->pre, tag,
		    k->post);
		snprintf(c[i].hdr, sizeof(c[i].hdr), "If-Match: W/\"%ld\"\r\n",
		    version);
		cr_assert_eq(
		    pthread_create(&c[i].thread, NULL, racer_main, &c[i]), 0);
	}
	for (i = 0; i < CLIENTS; i++)
		pthread_join(c[i].thread, NULL);
	pthread_barrier_destroy(&go);
	for (i = 0; i < CLIENTS; i++) {
		if (c[i].status / 100 == 2) {
			cr_assert_eq(winner, -1,
			    "%s round %d: clients %d and %d both won", k->name,
			    round, winner, i);
			winner = i;
			cr_assert_eq(c[i].version, version + 1,
			    "%s round %d: the winner got version %ld", k->name,
			    round, c[i].version);
		} else {
			cr_assert_eq(c[i].status, 412,
			    "%s round %d: client %d got %d", k->name, round, i,
			    c[i].status);
			cr_assert(c[i].error_ok,
			    "%s round %d: a 412 without a SCIM error body",
			    k->name, round);
			lost++;
		}
	}
	cr_assert_neq(winner, -1, "%s round %d: nobody won", k->name, round);
	cr_assert_eq(lost, CLIENTS - 1);
	return winner;
}

/* The resource is at version and shows the winner's tag. */
static void
check_final(const struct race_kind *k, const char *path, long version,
    int round, int winner)
{
	struct harness_resp r;
	char tag[32];
	const char *got;

	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_STATUS(&r, 200);
	snprintf(tag, sizeof(tag), "r%d-c%d", round, winner);
	got = harness_jstr(harness_json(&r), k->field);
	cr_assert(got != NULL && strcmp(got, tag) == 0,
	    "%s round %d: final %s is %s, the winner wrote %s", k->name, round,
	    k->field, got != NULL ? got : "(none)", tag);
	cr_assert_eq(etag_version(&r), version,
	    "%s round %d: final version %ld, the winner's %ld", k->name, round,
	    etag_version(&r), version);
	harness_resp_free(&r);
}

static void
create_target(const struct race_kind *k, char *path, size_t len)
{
	char body[512], id[128];
	struct harness_resp r;
	const char *got;

	/* A PATCH race starts from a resource made by its PUT's body. */
	if (strcmp(k->method, "PATCH") == 0)
		k = &kinds[0];
	snprintf(body, sizeof(body), "%sstart%s", k->pre, k->post);
	snprintf(path, len, BASE "/%s", k->endpoint);
	harness_post(&harness_fx, harness_fx.admin_token, path, body, &r);
	EXPECT_STATUS(&r, 201);
	got = harness_jstr(harness_json(&r), "id");
	cr_assert(got != NULL && strlen(got) < sizeof(id));
	strcpy(id, got);
	harness_resp_free(&r);
	snprintf(path, len, BASE "/%s/%s", k->endpoint, id);
}

ITEST(faults_race, eight_writers_one_version_one_winner)
{
	char path[256];
	size_t i;
	long version;
	int round, winner, total = 0;

	signal(SIGPIPE, SIG_IGN);
	harness_ctype(&harness_fx, harness_fx.admin_token, "demo", "CT_RACE",
	    "[{\"name\":\"V\"}]", NULL);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		create_target(&kinds[i], path, sizeof(path));
		for (version = 1, round = 0; round < ROUNDS;
		     round++, version++, total++) {
			winner = race(&kinds[i], path, version, round);
			check_final(
			    &kinds[i], path, version + 1, round, winner);
		}
	}
	fprintf(stderr,
	    "race: %d rounds of %d clients: one 2xx and %d 412 each\n", total,
	    CLIENTS, CLIENTS - 1);
}
