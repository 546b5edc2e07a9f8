/* http/metrics.c and http/health.c: the exposition text and the probes. */
#include <string.h>

#include <criterion/criterion.h>

#include "http/health.h"
#include "http/metrics.h"
#include "http/route.h"
#include "util/metrics.h"

static void
reset(void)
{
	metrics_reset();
}

TestSuite(http_metrics, .init = reset);

Test(http_metrics, label_values_are_escaped)
{
	struct buf b;

	buf_init(&b);
	metrics_label_escape(&b, "a\\b\"c\nd{e}");
	cr_assert_str_eq(buf_cstr(&b), "a\\\\b\\\"c\\nd{e}");
	buf_free(&b);
}

/* The route slot of the first GET /Users/{id} row. */
static const struct route *
users_get(void)
{
	const struct route *t;
	size_t n, i;

	t = route_table(&n);
	for (i = 0; i < n; i++)
		if (t[i].method == SCIM_GET &&
		    strcmp(t[i].pattern, "Users/{id}") == 0)
			return &t[i];
	cr_assert_fail("no GET Users/{id} route");
	return NULL;
}

Test(http_metrics, route_slots_are_distinct_and_in_range)
{
	const struct route *t;
	size_t n;

	t = route_table(&n);
	cr_assert_eq(metrics_route_slot(&t[0]), METRICS_SLOT_ROUTE0);
	cr_assert_eq(metrics_route_slot(&t[n - 1]),
	    METRICS_SLOT_ROUTE0 + (unsigned)n - 1);
	cr_assert_lt(METRICS_SLOT_ROUTE0 + n, METRICS_ROUTE_SLOTS,
	    "the route table outgrew METRICS_ROUTE_SLOTS");
}

Test(http_metrics, render_has_requests_and_cumulative_buckets)
{
	unsigned slot = metrics_route_slot(users_get());
	struct buf b;
	const char *s;

	metrics_request(slot, 200, 300); /* le 0.0005 */
	metrics_request(slot, 200, 3000); /* le 0.005 */
	metrics_request(slot, 404, 3000);
	metrics_request(METRICS_SLOT_UNMATCHED, 400, 10);
	buf_init(&b);
	metrics_render(NULL, &b);
	s = buf_cstr(&b);
	cr_assert_not_null(strstr(s,
	    "\nscimcred_http_requests_total{method=\"GET\","
	    "route=\"/scim/{tenant}/v2/Users/{id}\",code=\"200\"} 2\n"));
	cr_assert_not_null(strstr(s, ",code=\"404\"} 1\n"));
	cr_assert_not_null(strstr(s,
	    "scimcred_http_requests_total{method=\"\",route=\"unmatched\","
	    "code=\"400\"} 1\n"));
	cr_assert_not_null(strstr(s,
	    "scimcred_http_request_duration_seconds_bucket{method=\"GET\","
	    "route=\"/scim/{tenant}/v2/Users/{id}\",le=\"0.0005\"} 1\n"));
	cr_assert_not_null(strstr(
	    s, "route=\"/scim/{tenant}/v2/Users/{id}\",le=\"0.0025\"} 1\n"));
	cr_assert_not_null(strstr(
	    s, "route=\"/scim/{tenant}/v2/Users/{id}\",le=\"0.005\"} 3\n"));
	cr_assert_not_null(strstr(
	    s, "route=\"/scim/{tenant}/v2/Users/{id}\",le=\"+Inf\"} 3\n"));
	cr_assert_not_null(strstr(s,
	    "scimcred_http_request_duration_seconds_count{method=\"GET\","
	    "route=\"/scim/{tenant}/v2/Users/{id}\"} 3\n"));
	cr_assert_not_null(strstr(
	    s, "# TYPE scimcred_store_commit_duration_seconds histogram\n"));
	cr_assert_not_null(strstr(s, "\nscimcred_scheduler_runs_total 0\n"));
	cr_assert_not_null(strstr(s, "\nscimcred_staged_changes 0\n"));
	/* Routes without requests are left out. */
	cr_assert_null(strstr(s, "v2/Groups"));
	buf_free(&b);
}

/* Text format 0.0.4: every line is a comment or "name{labels} value",
 * and every sample's family was declared with # TYPE before it. */
Test(http_metrics, every_line_is_well_formed)
{
	struct buf b;
	const char *p, *nl;
	char fam[128] = "";

	metrics_request(METRICS_SLOT_HEALTHZ, 200, 5);
	metrics_sched_run();
	metrics_staged_set(3);
	buf_init(&b);
	metrics_render(NULL, &b);
	for (p = buf_cstr(&b); *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		cr_assert_not_null(nl, "the text ends with a line feed");
		if (strncmp(p, "# TYPE ", 7) == 0) {
			size_t n = strcspn(p + 7, " ");
			cr_assert_lt(n, sizeof(fam));
			memcpy(fam, p + 7, n);
			fam[n] = '\0';
			continue;
		}
		if (p[0] == '#')
			continue;
		cr_assert_eq(strncmp(p, fam, strlen(fam)), 0,
		    "sample outside its family: %.*s", (int)(nl - p), p);
		cr_assert_neq(memchr(p, ' ', (size_t)(nl - p)), NULL);
		cr_assert(nl[-1] >= '0' && nl[-1] <= '9', "value: %.*s",
		    (int)(nl - p), p);
	}
	cr_assert_not_null(
	    strstr(buf_cstr(&b), "\nscimcred_staged_changes 3\n"));
	buf_free(&b);
}

Test(http_metrics, probe_paths_match_exactly)
{
	cr_assert_eq(health_match(str_from("/healthz")), HEALTH_LIVE);
	cr_assert_eq(health_match(str_from("/readyz")), HEALTH_READY);
	cr_assert_eq(health_match(str_from("/healthz/")), HEALTH_NONE);
	cr_assert_eq(health_match(str_from("/HEALTHZ")), HEALTH_NONE);
	cr_assert_eq(health_match(str_from("/scim/healthz")), HEALTH_NONE);
}
