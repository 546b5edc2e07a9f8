/*
 * The metric cells behind util/metrics.h: static arrays of relaxed C11
 * atomics. Relaxed order is enough: each cell is an independent counter,
 * nothing is published through it, and a scrape only needs each value to
 * be one that existed.
 */
#include <stdatomic.h>
#include <string.h>

#include "util/metrics.h"

const uint64_t metrics_bucket_usec[METRICS_BUCKETS - 1] = {500, 1000, 2500,
    5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
    5000000, 10000000};

/* The codes with a slot of their own, then the classes 1xx..5xx. */
static const int status_codes[METRICS_STATUS_SLOTS - 5] = {200, 201, 204, 304,
    400, 401, 403, 404, 405, 406, 409, 412, 413, 414, 415, 429, 431, 500, 501,
    502, 503, 504, 507};
#define NCODES (sizeof(status_codes) / sizeof(status_codes[0]))

struct hist_cells {
	atomic_uint_fast64_t bucket[METRICS_BUCKETS];
	atomic_uint_fast64_t count;
	atomic_uint_fast64_t sum_usec;
};

static atomic_uint_fast64_t requests[METRICS_ROUTE_SLOTS][METRICS_STATUS_SLOTS];
static struct hist_cells latency[METRICS_ROUTE_SLOTS];
static struct hist_cells commit_time;
static atomic_int_fast64_t in_flight;
static atomic_int_fast64_t conns_open;
static atomic_uint_fast64_t conns_total;
static atomic_uint_fast64_t sched_runs;
static atomic_uint_fast64_t staged;
static atomic_int staged_known;

static unsigned
status_slot(int status)
{
	unsigned i;

	for (i = 0; i < NCODES; i++)
		if (status_codes[i] == status)
			return i;
	if (status >= 100 && status <= 599)
		return (unsigned)(NCODES + (unsigned)(status / 100 - 1));
	return (unsigned)(NCODES + 4); /* nonsense: with the 5xx */
}

static void
hist_add(struct hist_cells *h, uint64_t usec)
{
	unsigned i;

	for (i = 0; i < METRICS_BUCKETS - 1; i++)
		if (usec <= metrics_bucket_usec[i])
			break;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_usec, usec, memory_order_relaxed);
}

static void
hist_read(struct hist_cells *h, struct metrics_hist *out)
{
	unsigned i;

	for (i = 0; i < METRICS_BUCKETS; i++)
		out->bucket[i] =
		    atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
	out->count = atomic_load_explicit(&h->count, memory_order_relaxed);
	out->sum_usec =
	    atomic_load_explicit(&h->sum_usec, memory_order_relaxed);
}

void
metrics_request(unsigned slot, int status, uint64_t usec)
{
	if (slot >= METRICS_ROUTE_SLOTS)
		slot = METRICS_ROUTE_SLOTS - 1;
	atomic_fetch_add_explicit(
	    &requests[slot][status_slot(status)], 1, memory_order_relaxed);
	hist_add(&latency[slot], usec);
}

void
metrics_inflight_add(int delta)
{
	atomic_fetch_add_explicit(&in_flight, delta, memory_order_relaxed);
}

void
metrics_conn_add(int delta)
{
	atomic_fetch_add_explicit(&conns_open, delta, memory_order_relaxed);
	if (delta > 0)
		atomic_fetch_add_explicit(
		    &conns_total, (uint64_t)delta, memory_order_relaxed);
}

void
metrics_commit(uint64_t usec)
{
	hist_add(&commit_time, usec);
}

void
metrics_sched_run(void)
{
	atomic_fetch_add_explicit(&sched_runs, 1, memory_order_relaxed);
}

void
metrics_staged_set(uint64_t n)
{
	atomic_store_explicit(&staged, n, memory_order_relaxed);
	atomic_store_explicit(&staged_known, 1, memory_order_relaxed);
}

int
metrics_status_code(unsigned i, int *is_class)
{
	*is_class = i >= NCODES;
	if (i < NCODES)
		return status_codes[i];
	return (int)(i - NCODES + 1) * 100;
}

void
metrics_read_requests(unsigned slot, uint64_t counts[METRICS_STATUS_SLOTS])
{
	unsigned i;

	if (slot >= METRICS_ROUTE_SLOTS)
		slot = METRICS_ROUTE_SLOTS - 1;
	for (i = 0; i < METRICS_STATUS_SLOTS; i++)
		counts[i] = atomic_load_explicit(
		    &requests[slot][i], memory_order_relaxed);
}

void
metrics_read_latency(unsigned slot, struct metrics_hist *out)
{
	if (slot >= METRICS_ROUTE_SLOTS)
		slot = METRICS_ROUTE_SLOTS - 1;
	hist_read(&latency[slot], out);
}

void
metrics_read_commit(struct metrics_hist *out)
{
	hist_read(&commit_time, out);
}

void
metrics_read_gauges(struct metrics_gauges *out)
{
	memset(out, 0, sizeof(*out));
	out->requests_in_flight =
	    atomic_load_explicit(&in_flight, memory_order_relaxed);
	out->connections_open =
	    atomic_load_explicit(&conns_open, memory_order_relaxed);
	out->connections_total =
	    atomic_load_explicit(&conns_total, memory_order_relaxed);
	out->sched_runs =
	    atomic_load_explicit(&sched_runs, memory_order_relaxed);
	out->staged_changes =
	    atomic_load_explicit(&staged, memory_order_relaxed);
	out->staged_known =
	    atomic_load_explicit(&staged_known, memory_order_relaxed);
}

static void
hist_clear(struct hist_cells *h)
{
	unsigned i;

	for (i = 0; i < METRICS_BUCKETS; i++)
		atomic_store_explicit(&h->bucket[i], 0, memory_order_relaxed);
	atomic_store_explicit(&h->count, 0, memory_order_relaxed);
	atomic_store_explicit(&h->sum_usec, 0, memory_order_relaxed);
}

void
metrics_reset(void)
{
	unsigned s, i;

	for (s = 0; s < METRICS_ROUTE_SLOTS; s++) {
		for (i = 0; i < METRICS_STATUS_SLOTS; i++)
			atomic_store_explicit(
			    &requests[s][i], 0, memory_order_relaxed);
		hist_clear(&latency[s]);
	}
	hist_clear(&commit_time);
	atomic_store_explicit(&in_flight, 0, memory_order_relaxed);
	atomic_store_explicit(&conns_open, 0, memory_order_relaxed);
	atomic_store_explicit(&conns_total, 0, memory_order_relaxed);
	atomic_store_explicit(&sched_runs, 0, memory_order_relaxed);
	atomic_store_explicit(&staged, 0, memory_order_relaxed);
	atomic_store_explicit(&staged_known, 0, memory_order_relaxed);
}
