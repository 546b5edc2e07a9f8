/*
 * Rate limits over HTTP: a token over its budget gets a SCIM 429 with an
 * integer Retry-After (RFC 6585 §4), other tokens keep their own budget
 * until the tenant's shared one runs out, and other tenants are never
 * affected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char spc[] = "/scim/demo/v2/ServiceProviderConfig";

/* Status of one GET of the ServiceProviderConfig with token. */
static int
get_status(struct harness_server *srv, const char *token, const char *path,
    char *retry_after, size_t rasz)
{
	struct harness_resp r;
	const char *ra;
	int st;

	cr_assert_eq(harness_get(srv, token, path, &r), 0);
	st = r.status;
	if (st == 429) {
		EXPECT_ERROR(&r, 429, NULL);
		ra = harness_header(&r, "Retry-After");
		cr_assert_not_null(ra, "429 without Retry-After");
		snprintf(retry_after, rasz, "%s", ra);
	}
	harness_resp_free(&r);
	return st;
}

Test(ratelimit, per_token_then_per_tenant, .timeout = 60)
{
	struct harness_server srv;
	char other[HARNESS_TOKEN_MAX], third[HARNESS_TOKEN_MAX],
	    foreign[HARNESS_TOKEN_MAX], ra[32] = "";
	int i, ok = 0, limited = 0;
	char *end;
	long secs;

	/* Slow refill (one per 20 s) so that the test's own pace can't
	 * refill a bucket between requests. */
	cr_assert(harness_start_args(&srv,
		      (const char *[]){"--rate-limit", "0.05/3",
			  "--tenant-rate-limit", "0.05/5", NULL}) == 0);
	cr_assert_eq(harness_tenant_add(&srv, "acme"), 0);
	cr_assert_eq(
	    harness_token_create(&srv, "demo", NULL, other, sizeof(other)), 0);
	cr_assert_eq(
	    harness_token_create(&srv, "demo", NULL, third, sizeof(third)), 0);
	cr_assert_eq(
	    harness_token_create(&srv, "acme", NULL, foreign, sizeof(foreign)),
	    0);
	for (i = 0; i < 4; i++) {
		int st = get_status(&srv, srv.admin_token, spc, ra, sizeof(ra));
		ok += st == 200;
		limited += st == 429;
	}
	cr_expect_eq(ok, 3, "burst of 3 for one token");
	cr_expect_eq(limited, 1);
	secs = strtol(ra, &end, 10);
	cr_expect(*end == '\0' && secs >= 1 && secs <= 20,
	    "Retry-After \"%s\" must be whole seconds within the refill time",
	    ra);
	/* The second token has its own bucket, but the tenant's (5) has
	 * two tokens left. */
	cr_expect_eq(get_status(&srv, other, spc, ra, sizeof(ra)), 200);
	cr_expect_eq(get_status(&srv, other, spc, ra, sizeof(ra)), 200);
	cr_expect_eq(get_status(&srv, third, spc, ra, sizeof(ra)), 429,
	    "the tenant's bucket is empty");
	/* Another tenant is unaffected. */
	cr_expect_eq(get_status(&srv, foreign,
			 "/scim/acme/v2/ServiceProviderConfig", ra, sizeof(ra)),
	    200);
	/* Unauthenticated requests are refused as before, not counted. */
	cr_expect_eq(
	    get_status(&srv, "scimcred_nope", spc, ra, sizeof(ra)), 401);
	harness_cleanup(&srv);
}
