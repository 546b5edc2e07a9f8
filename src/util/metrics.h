/*
 * Process-wide counters, gauges and histograms that any layer bumps and
 * http/metrics.c renders in the Prometheus text format. A small fixed
 * table of C11 atomics, not a registry: adding a metric means adding a
 * field here and a line in the renderer. Every update is one or two
 * relaxed atomic operations, no lock and no allocation, so it is safe
 * from any thread at any time (also before anything is initialised).
 * A scrape reads each value separately: a histogram's count and its
 * buckets may differ by the requests that finished during the scrape,
 * which Prometheus tolerates.
 *
 * Requests are counted per slot (the renderer maps slots to route
 * patterns; this layer knows nothing of routes) and per status code.
 *
 * Hooks for other modules (documented contract):
 *   metrics_sched_run()       once per completed scheduler run
 *                             -> scimcred_scheduler_runs_total
 *   metrics_staged_set(n)     the number of staged changes waiting
 *                             -> scimcred_staged_changes
 */
#ifndef UTIL_METRICS_H
#define UTIL_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* Request slots: enough for the route table plus the renderer's fixed
 * slots; a slot past the end is counted in the last one. */
#define METRICS_ROUTE_SLOTS 160

/* Latency buckets (upper bounds in microseconds) and the +Inf bucket. */
#define METRICS_BUCKETS 15
extern const uint64_t metrics_bucket_usec[METRICS_BUCKETS - 1];

/* Status slots: the codes scimcred answers, then one per class (1xx..5xx)
 * for anything else. */
#define METRICS_STATUS_SLOTS 28

/* A histogram's contents, bucket counts not cumulative. */
struct metrics_hist {
	uint64_t bucket[METRICS_BUCKETS];
	uint64_t count;
	uint64_t sum_usec;
};

/* Scalar values at one moment. */
struct metrics_gauges {
	int64_t requests_in_flight;
	int64_t connections_open;
	uint64_t connections_total;
	uint64_t sched_runs;
	uint64_t staged_changes;
	int staged_known; /* metrics_staged_set was called at least once */
};

/* ---- updates (any thread) */

/* One finished request: slot, HTTP status, time from start to reply. */
void metrics_request(unsigned slot, int status, uint64_t usec);
/* +1 when a request starts being handled, -1 when it has been answered. */
void metrics_inflight_add(int delta);
/* +1 when a connection is accepted (also counts the total), -1 when it
 * closes. */
void metrics_conn_add(int delta);
/* The time one write transaction's commit took (mdb_txn_commit). */
void metrics_commit(uint64_t usec);
/* One scheduler run completed (issue 5's scheduler calls this). */
void metrics_sched_run(void);
/* The staged-change backlog is now n (issue 5's scheduler calls this). */
void metrics_staged_set(uint64_t n);

/* ---- reading (the renderer) */

/* The status code of slot i (200, 404, ...), or for the class slots the
 * class times 100 with *is_class set (500 for "5xx"). */
int metrics_status_code(unsigned i, int *is_class);
/* Requests of one slot per status slot. */
void metrics_read_requests(
    unsigned slot, uint64_t counts[METRICS_STATUS_SLOTS]);
void metrics_read_latency(unsigned slot, struct metrics_hist *out);
void metrics_read_commit(struct metrics_hist *out);
void metrics_read_gauges(struct metrics_gauges *out);

/* Clears everything (tests). */
void metrics_reset(void);

#endif
