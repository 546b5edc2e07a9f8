/*
 * The issuance-rule scheduler: applies the scheduled (PERIODIC, and not
 * unscheduled by errors) staged changes of every tenant once per
 * interval (--rules-interval, default 3600 s; PingOne applies PERIODIC
 * actions "at the end of the period", "every hour").
 *
 * Exactly one scheduler runs per daemon: one dedicated thread, started
 * by `serve` beside the HTTP workers, which has no event loop at all and
 * so never holds a transaction across an event-loop turn. A run reads
 * the due changes in one short read transaction per tenant, then
 * applies them in write transactions of at most SCHED_BATCH changes
 * each (apply.h), so writers are never blocked for long and a kill -9
 * mid-run leaves every change either applied once, with its staged
 * change consumed in the same commit, or still staged. Each change is
 * tried at most once per run.
 */
#ifndef SCIM_SCHED_H
#define SCIM_SCHED_H

#include <stddef.h>

#include "scim/scim.h"
#include "util/scim_err.h"

#define SCHED_BATCH 256 /* changes per write transaction */
#define SCHED_DEFAULT_INTERVAL 3600 /* seconds */

struct sched;

/* Counts of one run. */
struct sched_stats {
	size_t applied;
	size_t failed; /* errors recorded on staged changes */
	size_t staged; /* staged changes seen, scheduled or not */
};

/*
 * Starts the scheduler thread, first run one interval from now. The
 * thread blocks SIGTERM and SIGINT (the main thread takes them). scim
 * must outlive sched_stop(). 0, or -1 if the thread could not start.
 */
int sched_start(struct scim *s, unsigned interval_s, struct sched **out);
/* Stops and joins the thread (a run in progress ends after its current
 * batch) and frees it. Accepts NULL. */
void sched_stop(struct sched *sc);

/*
 * One run over every tenant, in the calling thread (the scheduler's
 * body; tests call it directly). stop, when not NULL, is polled between
 * batches. 0, or the error of a write that failed (the run stops).
 */
int sched_run_once(struct scim *s, const volatile int *stop,
    struct sched_stats *st, struct scim_err *err);

#endif
