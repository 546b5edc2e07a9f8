/*
 * The scheduler thread and one run of it; see sched.h.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "scim/apply.h"
#include "scim/record.h"
#include "scim/rule.h"
#include "scim/sched.h"
#include "scim/staged.h"
#include "util/date.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/xmalloc.h"

struct sched {
	struct scim *s;
	unsigned interval;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	volatile int stop;
};

/* One due change: its rule and its User. */
struct due {
	struct str rule, user;
};

struct due_list {
	struct arena *a;
	struct due *v;
	size_t n, cap;
};

static int
tenant_push(void *arg, struct str name)
{
	struct due_list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = arena_realloc(
		    l->a, l->v, l->n * sizeof(*l->v), l->cap * sizeof(*l->v));
	}
	l->v[l->n].rule = arena_str(l->a, name);
	l->v[l->n++].user = STR_NULL;
	return 0;
}

static struct str
ref_value(const struct json_value *res, const char *key)
{
	const struct json_value *v =
	    json_object_get_cstr(json_object_get_cstr(res, key), "value");

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

/* The tenant's scheduled changes, in one read transaction. */
static int
collect(struct scim *s, struct str tenant, struct due_list *out,
    struct sched_stats *st, struct scim_err *err)
{
	struct store_txn *txn = NULL;
	struct store_iter *it = NULL;
	const struct json_value *sch;
	struct json_value *res;
	struct arena *scratch;
	struct str id, val;
	int rc, more = 0;

	rc = store_read_begin(scim_store(s), &txn, err);
	if (rc == 0)
		rc = store_iter_new(
		    txn, tenant, STR_LIT(STAGED_RTYPE), &it, err);
	while (rc == 0 && (more = store_iter_next(it, &id, &val)) == 0) {
		st->staged++;
		scratch = arena_new();
		if (record_decode(scratch, val, &res, NULL) == 0 &&
		    (sch = json_object_get_cstr(res, "scheduled")) != NULL &&
		    sch->type == JSON_BOOL && sch->u.boolean) {
			tenant_push(out, ref_value(res, "issuanceRule"));
			out->v[out->n - 1].user =
			    arena_str(out->a, ref_value(res, "user"));
		}
		arena_free(scratch);
	}
	if (rc == 0 && more < 0)
		rc =
		    scim_err_set(err, more, "staged changes could not be read");
	store_iter_free(it);
	store_read_end(txn);
	return rc;
}

struct batch {
	struct scim *s;
	struct str tenant;
	const struct due *v;
	size_t n;
	size_t applied, failed;
};

static int
batch_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct batch *b = arg;
	struct arena *a = arena_new();
	int64_t now = date_now_ms();
	struct apply_one o;
	struct rule r;
	size_t i;
	int rc = 0, have = 0;

	b->applied = b->failed = 0;
	for (i = 0; i < b->n && rc == 0; i++) {
		if (!have || !str_eq(r.id, b->v[i].rule)) {
			rc = rule_load(txn, a, scim_registry(b->s), b->tenant,
			    b->v[i].rule, 1, &r, err);
			have = rc == 0;
			if (rc == SCIM_E_NOT_FOUND) {
				rc = 0; /* gone with its changes meanwhile */
				continue;
			}
		}
		memset(&o, 0, sizeof(o));
		o.action = -1;
		o.scheduled_only = 1;
		if (rc == 0)
			rc = apply_change(b->s, txn, a, b->tenant, now, &r,
			    b->v[i].user, &o, err);
		b->applied += rc == 0 && o.outcome == APPLY_DONE;
		b->failed += rc == 0 && o.outcome == APPLY_FAILED;
	}
	/* The rule views point into a; everything written is in txn. */
	arena_free(a);
	return rc;
}

static int
run_tenant(struct scim *s, struct str tenant, const volatile int *stop,
    struct sched_stats *st, struct scim_err *err)
{
	struct due_list l = {.a = arena_new()};
	struct batch b = {.s = s, .tenant = tenant};
	size_t i;
	int rc;

	rc = collect(s, tenant, &l, st, err);
	for (i = 0; rc == 0 && i < l.n && (stop == NULL || !*stop);
	     i += SCHED_BATCH) {
		b.v = l.v + i;
		b.n = l.n - i < SCHED_BATCH ? l.n - i : SCHED_BATCH;
		rc = store_write(scim_store(s), batch_txn, &b, err);
		st->applied += b.applied;
		st->failed += b.failed;
	}
	arena_free(l.a);
	return rc;
}

int
sched_run_once(struct scim *s, const volatile int *stop, struct sched_stats *st,
    struct scim_err *err)
{
	struct due_list tenants = {.a = arena_new()};
	struct store_txn *txn = NULL;
	size_t i;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = store_read_begin(scim_store(s), &txn, err);
	if (rc == 0)
		store_tenant_each(txn, tenant_push, &tenants);
	store_read_end(txn);
	for (i = 0; rc == 0 && i < tenants.n && (stop == NULL || !*stop); i++)
		rc = run_tenant(s, tenants.v[i].rule, stop, st, err);
	arena_free(tenants.a);
	if (rc == 0) {
		metrics_sched_run();
		metrics_staged_set(st->staged - st->applied);
	}
	return rc;
}

/* ------------------------------------------------------------- thread */

static void *
sched_main(void *arg)
{
	struct sched *sc = arg;
	struct sched_stats st;
	struct scim_err err;
	struct timespec until;
	int stop;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)sc->interval;
		pthread_mutex_lock(&sc->lock);
		while (!sc->stop &&
		    pthread_cond_timedwait(&sc->wake, &sc->lock, &until) !=
			ETIMEDOUT)
			;
		stop = sc->stop;
		pthread_mutex_unlock(&sc->lock);
		if (stop)
			break;
		scim_err_clear(&err);
		if (sched_run_once(sc->s, &sc->stop, &st, &err) != 0)
			log_error("issuance rules: a scheduled run failed: %s",
			    err.detail);
		else if (st.applied > 0 || st.failed > 0)
			log_info("issuance rules: applied %zu scheduled "
				 "change(s), %zu failed",
			    st.applied, st.failed);
	}
	return NULL;
}

int
sched_start(struct scim *s, unsigned interval_s, struct sched **out)
{
	struct sched *sc = xcalloc(1, sizeof(*sc));
	sigset_t set, old;
	int rc;

	sc->s = s;
	sc->interval = interval_s > 0 ? interval_s : SCHED_DEFAULT_INTERVAL;
	pthread_mutex_init(&sc->lock, NULL);
	pthread_cond_init(&sc->wake, NULL);
	/* The thread inherits this mask: signals stay with the main thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = pthread_create(&sc->thread, NULL, sched_main, sc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_error("cannot start the issuance rule scheduler");
		pthread_cond_destroy(&sc->wake);
		pthread_mutex_destroy(&sc->lock);
		free(sc);
		*out = NULL;
		return -1;
	}
	*out = sc;
	return 0;
}

void
sched_stop(struct sched *sc)
{
	if (sc == NULL)
		return;
	pthread_mutex_lock(&sc->lock);
	sc->stop = 1;
	pthread_cond_signal(&sc->wake);
	pthread_mutex_unlock(&sc->lock);
	pthread_join(sc->thread, NULL);
	pthread_cond_destroy(&sc->wake);
	pthread_mutex_destroy(&sc->lock);
	free(sc);
}
