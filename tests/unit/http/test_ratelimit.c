/*
 * Token buckets (http/ratelimit.h) on a controlled clock: bursts, refill,
 * the Retry-After figure, both buckets charged together or not at all,
 * and the configuration syntax.
 */
#include <stdio.h>

#include <criterion/criterion.h>

#include "http/ratelimit.h"

#define SEC 1000000000LL

Test(ratelimit, parse)
{
	struct ratelimit_rule r;

	cr_assert_eq(ratelimit_parse("10", &r), 0);
	cr_expect(r.rate == 10 && r.burst == 10);
	cr_assert_eq(ratelimit_parse("2.5/7", &r), 0);
	cr_expect(r.rate == 2.5 && r.burst == 7);
	cr_assert_eq(ratelimit_parse("0.5", &r), 0);
	cr_expect(r.burst == 1, "a slow rate still allows one request");
	cr_assert_eq(ratelimit_parse("0", &r), 0);
	cr_expect(r.rate == 0, "0 turns the limit off");
	cr_expect_eq(ratelimit_parse("", &r), -1);
	cr_expect_eq(ratelimit_parse("-1", &r), -1);
	cr_expect_eq(ratelimit_parse("1/0", &r), -1);
	cr_expect_eq(ratelimit_parse("1/", &r), -1);
	cr_expect_eq(ratelimit_parse("0/5", &r), -1);
	cr_expect_eq(ratelimit_parse("nan", &r), -1);
	cr_expect_eq(ratelimit_parse("inf", &r), -1);
	cr_expect_eq(ratelimit_parse("1e7", &r), -1);
	cr_expect_eq(ratelimit_parse("0.0001", &r), -1);
	cr_expect_eq(ratelimit_parse("5x", &r), -1);
	cr_expect_eq(ratelimit_parse(" 5", &r), -1);
}

Test(ratelimit, off_when_no_rule_limits)
{
	struct ratelimit_config cfg = {{0, 0}, {0, 0}};

	cr_expect_null(ratelimit_new(&cfg));
	cr_expect_eq(ratelimit_take(NULL, "t", "c", 0), 0);
}

Test(ratelimit, burst_then_refill_and_retry_after)
{
	struct ratelimit_config cfg = {{0.5, 3}, {0, 0}};
	struct ratelimit *rl = ratelimit_new(&cfg);
	int64_t t = 100 * SEC;
	int i;

	for (i = 0; i < 3; i++)
		cr_expect_eq(ratelimit_take(rl, "t", "a", t), 0, "burst %d", i);
	/* Empty: one token takes 2 s at 0.5/s. */
	cr_expect_eq(ratelimit_take(rl, "t", "a", t), 2);
	cr_expect_eq(ratelimit_take(rl, "t", "a", t + SEC), 1);
	cr_expect_eq(ratelimit_take(rl, "t", "a", t + 2 * SEC), 0);
	cr_expect_eq(ratelimit_take(rl, "t", "a", t + 2 * SEC), 2);
	/* Refill is capped at the burst. */
	for (i = 0; i < 3; i++)
		cr_expect_eq(ratelimit_take(rl, "t", "a", t + 1000 * SEC), 0);
	cr_expect_neq(ratelimit_take(rl, "t", "a", t + 1000 * SEC), 0);
	/* Callers and tenants are separate. */
	cr_expect_eq(ratelimit_take(rl, "t", "b", t), 0);
	cr_expect_eq(ratelimit_take(rl, "u", "a", t), 0);
	ratelimit_free(rl);
}

Test(ratelimit, tenant_bucket_is_shared_and_refusals_cost_nothing)
{
	struct ratelimit_config cfg = {{1, 2}, {1, 3}};
	struct ratelimit *rl = ratelimit_new(&cfg);
	int64_t t = 5 * SEC;

	cr_expect_eq(ratelimit_take(rl, "t", "a", t), 0);
	cr_expect_eq(ratelimit_take(rl, "t", "a", t), 0);
	/* a's bucket is empty; the refusal must not charge the tenant. */
	cr_expect_eq(ratelimit_take(rl, "t", "a", t), 1);
	cr_expect_eq(ratelimit_take(rl, "t", "a", t), 1);
	/* One token left in the tenant's bucket, for b. */
	cr_expect_eq(ratelimit_take(rl, "t", "b", t), 0);
	cr_expect_eq(ratelimit_take(rl, "t", "b", t), 1,
	    "the tenant bucket must refuse b's second request");
	/* Another tenant is untouched. */
	cr_expect_eq(ratelimit_take(rl, "other", "b", t), 0);
	ratelimit_free(rl);
}

Test(ratelimit, many_callers_never_refused_wrongly)
{
	struct ratelimit_config cfg = {{1, 1}, {0, 0}};
	struct ratelimit *rl = ratelimit_new(&cfg);
	char name[32];
	int i, refused = 0;

	/* More callers than slots: eviction forgets debts, but a caller's
	 * first request is never refused. */
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "caller-%d", i);
		refused += ratelimit_take(rl, "t", name, SEC) != 0;
	}
	cr_expect_eq(refused, 0);
	/* A recent caller is still remembered. */
	cr_expect_neq(ratelimit_take(rl, "t", "caller-99999", SEC), 0);
	ratelimit_free(rl);
}
