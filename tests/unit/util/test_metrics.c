/* util/metrics.c: status slots, histogram buckets, concurrent updates. */
#include <pthread.h>

#include <criterion/criterion.h>

#include "util/metrics.h"

static void
reset(void)
{
	metrics_reset();
}

TestSuite(metrics, .init = reset);

/* The slot of code in metrics_status_code's numbering, or -1. */
static int
slot_of(int code, int want_class)
{
	unsigned i;
	int is_class;

	for (i = 0; i < METRICS_STATUS_SLOTS; i++)
		if (metrics_status_code(i, &is_class) == code &&
		    is_class == want_class)
			return (int)i;
	return -1;
}

Test(metrics, counts_by_slot_and_status)
{
	uint64_t c[METRICS_STATUS_SLOTS];

	metrics_request(5, 200, 10);
	metrics_request(5, 200, 10);
	metrics_request(5, 404, 10);
	metrics_request(6, 507, 10);
	metrics_read_requests(5, c);
	cr_assert_eq(c[slot_of(200, 0)], 2);
	cr_assert_eq(c[slot_of(404, 0)], 1);
	cr_assert_eq(c[slot_of(507, 0)], 0);
	metrics_read_requests(6, c);
	cr_assert_eq(c[slot_of(507, 0)], 1);
	cr_assert_eq(c[slot_of(200, 0)], 0);
}

Test(metrics, unlisted_codes_count_in_their_class)
{
	uint64_t c[METRICS_STATUS_SLOTS];

	metrics_request(1, 418, 1);
	metrics_request(1, 302, 1);
	metrics_request(1, 999, 1); /* nonsense goes with 5xx */
	metrics_read_requests(1, c);
	cr_assert_eq(c[slot_of(400, 1)], 1);
	cr_assert_eq(c[slot_of(300, 1)], 1);
	cr_assert_eq(c[slot_of(500, 1)], 1);
	cr_assert_eq(c[slot_of(400, 0)], 0, "418 is not a 400");
}

Test(metrics, slot_past_the_end_is_clamped)
{
	uint64_t c[METRICS_STATUS_SLOTS];

	metrics_request(METRICS_ROUTE_SLOTS + 7, 200, 1);
	metrics_read_requests(METRICS_ROUTE_SLOTS - 1, c);
	cr_assert_eq(c[slot_of(200, 0)], 1);
}

Test(metrics, bucket_bounds_are_inclusive)
{
	struct metrics_hist h;

	metrics_request(2, 200, metrics_bucket_usec[0]); /* le 0.0005 */
	metrics_request(2, 200, metrics_bucket_usec[0] + 1); /* next */
	metrics_request(2, 200, 60u * 1000000u); /* +Inf */
	metrics_read_latency(2, &h);
	cr_assert_eq(h.bucket[0], 1);
	cr_assert_eq(h.bucket[1], 1);
	cr_assert_eq(h.bucket[METRICS_BUCKETS - 1], 1);
	cr_assert_eq(h.count, 3);
	cr_assert_eq(
	    h.sum_usec, 2 * metrics_bucket_usec[0] + 1 + 60u * 1000000u);
}

Test(metrics, gauges_and_hooks)
{
	struct metrics_gauges g;

	metrics_conn_add(1);
	metrics_conn_add(1);
	metrics_conn_add(-1);
	metrics_inflight_add(1);
	metrics_sched_run();
	metrics_sched_run();
	metrics_read_gauges(&g);
	cr_assert_eq(g.connections_open, 1);
	cr_assert_eq(g.connections_total, 2);
	cr_assert_eq(g.requests_in_flight, 1);
	cr_assert_eq(g.sched_runs, 2);
	cr_assert_eq(g.staged_known, 0);
	metrics_staged_set(42);
	metrics_read_gauges(&g);
	cr_assert_eq(g.staged_changes, 42);
	cr_assert_eq(g.staged_known, 1);
}

#define THREADS 4
#define PER_THREAD 50000

static void *
bump(void *arg)
{
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		metrics_request(3, 201, 100);
		metrics_commit(7);
	}
	return NULL;
}

/* Lost updates would show as a short count. */
Test(metrics, concurrent_updates_are_all_counted)
{
	pthread_t t[THREADS];
	uint64_t c[METRICS_STATUS_SLOTS];
	struct metrics_hist h;
	int i;

	for (i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, bump, NULL), 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	metrics_read_requests(3, c);
	cr_assert_eq(c[slot_of(201, 0)], THREADS * PER_THREAD);
	metrics_read_commit(&h);
	cr_assert_eq(h.count, THREADS * PER_THREAD);
	cr_assert_eq(h.sum_usec, 7ull * THREADS * PER_THREAD);
	cr_assert_eq(h.bucket[0], THREADS * PER_THREAD);
}
