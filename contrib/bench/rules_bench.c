/*
 * Issuance-rule benchmark (issue 5): how long staging and applying take
 * for a rule that matches N Users (default 100,000).
 *
 * It runs the SCIM layer in process, without sockets, on a fresh data
 * directory: the Users are loaded by the server's own create pipeline
 * (op_create_in, every rule and hook, USERS_PER_TXN to a transaction,
 * since one durable commit per User would make loading, not rules, the
 * measurement); the rule is created with op_create, exactly the handler
 * POST /IssuanceRules runs; the scheduled changes are applied with
 * sched_run_once, the scheduler thread's body. Then the rule is
 * disabled (op_patch), which stages a REVOKE per holder, and the run is
 * repeated. Every step is a real durable LMDB transaction.
 *
 *   rules_bench [N [DATADIR]]
 *
 * SCHEMAS (environment) names the scim-schemas directory; default
 * ./scim-schemas.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/tenant.h"
#include "scim/ops.h"
#include "scim/outbox.h"
#include "scim/sched.h"
#include "scim/scim.h"
#include "scim/staged.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/log.h"

#define TENANT "bench"
#define USERS_PER_TXN 5000
#define BASE_URL "http://127.0.0.1:8080"

struct load {
	struct scim *s;
	int from, to;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, int rc, const struct scim_err *err)
{
	fprintf(stderr, "rules_bench: %s: %s\n", what,
	    err->detail[0] ? err->detail : scim_strerror(rc));
	exit(1);
}

static int
setup_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	static const char ctype[] =
	    "{\"schemas\":[\"urn:scimcred:params:scim:schemas:core:2.0:"
	    "CredentialType\"],\"id\":\"CT_BENCH\",\"name\":\"Bench badge\","
	    "\"management\":{\"mode\":\"AUTOMATED\"},\"initialStatus\":"
	    "\"ACTIVE\",\"attributes\":[{\"name\":\"NAME\",\"source\":"
	    "\"userName\"},{\"name\":\"TITLE\",\"source\":\"displayName\"},"
	    "{\"name\":\"LEVEL\",\"defaultValue\":\"1\"}]}";
	struct arena *a = arena_new();
	struct json_value *body;
	int rc;

	rc = tenant_add(txn, STR_LIT(TENANT), err);
	if (rc == 0)
		rc = json_parse(a, ctype, sizeof(ctype) - 1,
		    &json_limits_default, &body, err);
	if (rc == 0)
		rc = op_create_in(arg, txn, STR_LIT(TENANT),
		    STR_LIT("CredentialType"), a, body, NULL, err);
	arena_free(a);
	return rc;
}

static int
load_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct load *l = arg;
	struct arena *a = arena_new();
	struct json_value *body;
	char text[256];
	int i, n, rc = 0;

	for (i = l->from; rc == 0 && i < l->to; i++) {
		n = snprintf(text, sizeof(text),
		    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:"
		    "User\"],\"userName\":\"user-%06d@bench.example\","
		    "\"displayName\":\"Bench User %d\"}",
		    i, i);
		rc = json_parse(
		    a, text, (size_t)n, &json_limits_default, &body, err);
		if (rc == 0)
			rc = op_create_in(l->s, txn, STR_LIT(TENANT),
			    STR_LIT("User"), a, body, NULL, err);
	}
	arena_free(a);
	return rc;
}

/* Calls a handler the way http/ would, for tenant TENANT. */
static void
call(struct scim *s, scim_handler h, enum scim_method m, const char *rtype,
    const char *id, const char *body, int want, char *id_out)
{
	struct scim_request req;
	struct scim_response resp;
	struct scim_err err;
	struct json_value *v;
	int rc;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	scim_err_clear(&err);
	req.arena = arena_new();
	req.method = m;
	req.tenant = STR_LIT(TENANT);
	req.rtype = str_from(rtype);
	req.id = str_from(id != NULL ? id : "");
	req.body = str_from(body);
	req.content_type = STR_LIT("application/scim+json");
	req.base_url = STR_LIT(BASE_URL);
	req.request_id = "bench";
	buf_init(&resp.body);
	rc = h(s, &req, &resp, &err);
	if (rc != 0)
		die(rtype, rc, &err);
	if (resp.status != want) {
		fprintf(stderr, "rules_bench: %s answered %d\n", rtype,
		    resp.status);
		exit(1);
	}
	if (id_out != NULL) {
		rc = json_parse(req.arena, resp.body.data, resp.body.len,
		    &json_limits_default, &v, &err);
		if (rc != 0)
			die("reply", rc, &err);
		snprintf(id_out, 64, "%s",
		    json_object_get_cstr(v, "id")->u.string.ptr);
	}
	buf_free(&resp.body);
	arena_free(req.arena);
}

static size_t
count(struct store *st, const char *rtype)
{
	struct store_txn *txn = NULL;
	struct scim_err err;
	size_t n = 0;

	scim_err_clear(&err);
	if (store_read_begin(st, &txn, &err) == 0)
		store_rec_count(
		    txn, STR_LIT(TENANT), str_from(rtype), &n, &err);
	store_read_end(txn);
	return n;
}

static void
apply_all(struct scim *s, const char *what, int n)
{
	struct sched_stats stats;
	struct scim_err err;
	double t;
	int rc;

	scim_err_clear(&err);
	t = now_s();
	rc = sched_run_once(s, NULL, &stats, &err);
	t = now_s() - t;
	if (rc != 0)
		die("scheduled run", rc, &err);
	printf("%-34s %9.2f s  %8.0f changes/s  (%zu applied, %zu failed)\n",
	    what, t, (double)stats.applied / t, stats.applied, stats.failed);
	if ((int)stats.applied != n)
		fprintf(stderr, "rules_bench: expected %d changes\n", n);
}

int
main(int argc, char **argv)
{
	static const char rule_fmt[] =
	    "{\"schemas\":[\"urn:scimcred:params:scim:schemas:core:2.0:"
	    "IssuanceRule\"],\"credentialType\":{\"value\":\"CT_BENCH\"},"
	    "\"filter\":{\"scim\":\"userName ew \\\"@bench.example\\\"\"},"
	    "\"automation\":{\"issue\":\"PERIODIC\",\"update\":\"PERIODIC\","
	    "\"revoke\":\"PERIODIC\"},\"status\":\"ACTIVE\","
	    "\"notification\":{\"methods\":[\"EMAIL\"],\"locale\":\"en\"}}";
	static const char disable[] =
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[{\"op\":\"replace\",\"path\":\"status\","
	    "\"value\":\"DISABLED\"}]}";
	int n = argc > 1 ? atoi(argv[1]) : 100000;
	char dir[256], rule_id[64];
	const char *schemas = getenv("SCHEMAS");
	struct store_opts so = {
	    .map_size = (size_t)4 << 30, .map_max = (size_t)64 << 30};
	struct scim_config sc = {.default_count = 100, .max_count = 1000};
	struct store *st = NULL;
	struct scim *s = NULL;
	struct scim_err err;
	struct load l;
	double t;
	int rc;

	if (n <= 0) {
		fprintf(stderr, "usage: rules_bench [N [DATADIR]]\n");
		return 2;
	}
	log_init(LOG_LEVEL_WARN, 0);
	setvbuf(stdout, NULL, _IOLBF, 0); /* figures as they come */
	snprintf(dir, sizeof(dir), "%s",
	    argc > 2 ? argv[2] : "/tmp/scimcred-rules-bench-XXXXXX");
	if (argc > 2 ? mkdir(dir, 0700) != 0 : mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	sc.schemas_dir = schemas != NULL ? schemas : "scim-schemas";
	sc.compat_bool_strings = 1;
	scim_err_clear(&err);
	if ((rc = store_open(dir, &so, &st, &err)) != 0)
		die("store", rc, &err);
	if ((rc = scim_new(st, &sc, &s, &err)) != 0)
		die("schemas", rc, &err);
	if ((rc = store_write(st, setup_txn, s, &err)) != 0)
		die("tenant", rc, &err);

	printf("rules_bench: %d Users in %s\n", n, dir);
	t = now_s();
	l.s = s;
	for (l.from = 0; l.from < n; l.from = l.to) {
		l.to = l.from + USERS_PER_TXN < n ? l.from + USERS_PER_TXN : n;
		if ((rc = store_write(st, load_txn, &l, &err)) != 0)
			die("loading Users", rc, &err);
	}
	t = now_s() - t;
	printf("%-34s %9.2f s  %8.0f Users/s\n", "load Users (not rules)", t,
	    n / t);

	t = now_s();
	call(s, op_create, SCIM_POST, "IssuanceRule", NULL, rule_fmt, 201,
	    rule_id);
	t = now_s() - t;
	printf("%-34s %9.2f s  %8.0f changes/s  (%zu staged)\n",
	    "stage: POST rule (ISSUE each)", t, n / t, count(st, STAGED_RTYPE));
	apply_all(s, "apply: scheduled run (ISSUE)", n);
	printf("%-34s %9zu credentials, %zu notification events\n", "",
	    count(st, "Credential"), count(st, OUTBOX_RTYPE));

	t = now_s();
	call(s, op_patch, SCIM_PATCH, "IssuanceRule", rule_id, disable, 200,
	    NULL);
	t = now_s() - t;
	printf("%-34s %9.2f s  %8.0f changes/s  (%zu staged)\n",
	    "stage: PATCH rule DISABLED (REVOKE)", t, n / t,
	    count(st, STAGED_RTYPE));
	apply_all(s, "apply: scheduled run (REVOKE)", n);
	printf("%-34s %9zu staged left, %zu notification events\n", "",
	    count(st, STAGED_RTYPE), count(st, OUTBOX_RTYPE));

	scim_free(s);
	store_close(st);
	return 0;
}
