/*
 * Exact plans (scim/plan.h): which filters the indexes answer exactly
 * (so totalResults is the candidate count and only the page is read),
 * and which must not be: a cut key, a number (keys are doubles), an
 * operator the keys cannot answer, a value path whose inner filter is
 * more than its key, a term the and could not apply. Also the page
 * plan_page() reads from an index walk, checked against the full path.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "filter/filter.h"
#include "ops_fixture.h"
#include "scim/plan.h"

TestSuite(plan_exact, .init = ox_setup_creds, .fini = ox_teardown);

#define CRED(extra) \
	"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_ACODE\"" extra "}"

static struct filter_node *
bound(const char *rtype, const char *text)
{
	const struct schema_rtype *rt =
	    schema_rtype_find(scim_registry(ox_scim()), str_from(rtype));
	struct filter_node *f = NULL;
	struct scim_err err = {0};

	cr_assert_eq(filter_parse(ox_arena(), str_from(text), &f, &err), 0,
	    "%s", err.detail);
	cr_assert_eq(
	    filter_bind(f, schema_filter_resolve, (void *)rt, &err), 0);
	return f;
}

/* The plan of text over t1's resources of rtype. */
static struct plan_ids
plan_of(const char *rtype, const char *text)
{
	const struct schema_rtype *rt =
	    schema_rtype_find(scim_registry(ox_scim()), str_from(rtype));
	struct filter_node *f = text != NULL ? bound(rtype, text) : NULL;
	struct store_txn *txn = NULL;
	struct plan_ids ids;
	struct scim_err err = {0};

	cr_assert_eq(store_read_begin(ox_store(), &txn, &err), 0);
	cr_assert_eq(plan_candidates(ox_arena(), txn, scim_indexes(ox_scim()),
			 STR_LIT("t1"), rt, f, &ids, &err),
	    0, "%s", err.detail);
	store_read_end(txn);
	return ids;
}

/* 1 exact with n candidates, 0 narrowed but not exact, -1 all. */
static int
exact(const char *text, size_t n)
{
	struct plan_ids p = plan_of("Credential", text);

	if (p.all)
		return -1;
	cr_expect_eq(p.n, n, "%s: %zu candidates", text, p.n);
	return p.exact;
}

static void
creds(void)
{
	ox_create("t1",
	    CRED(",\"owner\":{\"value\":\"u1\"},\"status\":{\"status\":"
		 "\"ACTIVE\",\"expiryDate\":\"2025-01-01T00:00:00Z\"},"
		 "\"attributes\":[{\"name\":\"K\",\"value\":\"v1\"},"
		 "{\"name\":\"L\",\"value\":\"w\"}]"));
	ox_create("t1",
	    CRED(",\"owner\":{\"value\":\"u2\"},\"status\":{\"status\":"
		 "\"PENDING\",\"expiryDate\":\"2026-01-01T00:00:00Z\"},"
		 "\"attributes\":[{\"name\":\"K\",\"value\":\"v2\"}]"));
	ox_create("t1",
	    CRED(",\"owner\":{\"value\":\"u1\"},\"status\":{\"status\":"
		 "\"Active\"},\"attributes\":[{\"name\":\"L\",\"value\":"
		 "\"v1\"}]"));
}

Test(plan_exact, comparisons_on_index_keys)
{
	creds();
	cr_expect_eq(exact("owner.value eq \"u1\"", 2), 1);
	/* caseExact false: folded in the key as the evaluator folds */
	cr_expect_eq(exact("status.status eq \"active\"", 2), 1);
	cr_expect_eq(exact("type sw \"CT_\"", 3), 1);
	cr_expect_eq(exact("status.expiryDate pr", 2), 1);
	/* strict bounds are exclusive in the key range */
	cr_expect_eq(
	    exact("status.expiryDate gt \"2025-01-01T00:00:00Z\"", 1), 1);
	cr_expect_eq(
	    exact("status.expiryDate lt \"2026-01-01T00:00:00Z\"", 1), 1);
	cr_expect_eq(
	    exact("status.expiryDate le \"2026-01-01T00:00:00Z\"", 2), 1);
	cr_expect_eq(
	    exact("status.expiryDate ge \"2025-01-01T00:00:00Z\"", 2), 1);
	cr_expect_eq(exact("owner.value gt \"u1\"", 1), 1);
	/* no candidate at all is exact whatever the reason */
	cr_expect_eq(exact("owner.value eq \"nobody\"", 0), 1);
}

Test(plan_exact, and_or_and_value_paths)
{
	creds();
	cr_expect_eq(exact("owner.value eq \"u1\" and status.status eq "
			   "\"ACTIVE\"",
			 2),
	    1);
	cr_expect_eq(
	    exact("owner.value eq \"u1\" or owner.value eq \"u2\"", 3), 1);
	cr_expect_eq(
	    exact("attributes[name eq \"K\" and value eq \"v1\"]", 1), 1);
	cr_expect_eq(exact("attributes[name eq \"K\"]", 2), 1);
	/* a term the keys cannot check leaves the rest to the evaluator */
	cr_expect_eq(
	    exact("owner.value eq \"u1\" and type co \"ACODE\"", 2), 0);
	cr_expect_eq(
	    exact("owner.value eq \"u1\" or type co \"ACODE\"", 0), -1);
	/* inner terms beyond the key: the same element must hold both */
	cr_expect_eq(
	    exact("attributes[name eq \"K\" and value sw \"v\"]", 2), 0);
	cr_expect_eq(
	    exact("attributes[name eq \"L\" and value eq \"w\"]", 1), 1);
	/* without the value-path key, plain indexes answer each term for
	 * any element, not one element holding both: not exact */
	cr_expect_eq(exact("attributes[value eq \"v1\" and name pr]", 3), 0);
}

Test(plan_exact, uniqueness_keys_and_ids)
{
	const char *id = ox_create("t1", CRED(",\"externalId\":\"E-1\""));
	char q[128];

	cr_expect_eq(exact("externalId eq \"E-1\"", 1), 1);
	/* externalId is caseExact: another case is another value */
	cr_expect_eq(exact("externalId eq \"e-1\"", 0), 1);
	snprintf(q, sizeof(q), "id eq \"%s\"", id);
	cr_expect_eq(exact(q, 1), 1);
	/* an id naming no record is dropped, not left to the caller */
	cr_expect_eq(exact("id eq \"no-such-id\"", 0), 1);
}

/* A literal past an LMDB key is cut in the key: two values share it. */
Test(plan_exact, cut_keys_are_not_exact)
{
	char a[800], b[800], body[2000], q[1000];
	struct plan_ids p;

	memset(a, 'v', 700);
	memcpy(b, a, 700);
	a[690] = 'a';
	b[690] = 'b';
	a[700] = b[700] = '\0';
	ox_user("t1", "ua", "ann", a);
	ox_user("t1", "ub", "bob", b);
	snprintf(q, sizeof(q), "displayName eq \"%s\"", a);
	p = plan_of("User", q);
	cr_expect(p.n == 2 && !p.exact, "eq: %zu %d", p.n, p.exact);
	snprintf(q, sizeof(q), "displayName lt \"%s\"", b);
	p = plan_of("User", q);
	cr_expect(p.n >= 2 && !p.exact, "lt: %zu %d", p.n, p.exact);
	snprintf(q, sizeof(q), "displayName gt \"%s\"", a);
	p = plan_of("User", q);
	cr_expect(p.n == 2 && !p.exact, "gt: %zu %d", p.n, p.exact);
	snprintf(q, sizeof(q), "displayName sw \"%.600s\"", a);
	p = plan_of("User", q);
	cr_expect(p.n == 2 && !p.exact, "sw: %zu %d", p.n, p.exact);
	/* a short bound is whole: the cut entries compare right */
	p = plan_of("User", "displayName gt \"vvv\"");
	cr_expect(p.n == 2 && p.exact);
	snprintf(body, sizeof(body),
	    CRED(",\"attributes\":[{\"name\":\"K\",\"value\":\"%s\"}]"), a);
	ox_create("t1", body);
	snprintf(body, sizeof(body),
	    CRED(",\"attributes\":[{\"name\":\"K\",\"value\":\"%s\"}]"), b);
	ox_create("t1", body);
	snprintf(
	    q, sizeof(q), "attributes[name eq \"K\" and value eq \"%s\"]", a);
	cr_expect_eq(exact(q, 2), 0);
}

/* No filter: every record, exactly, unless the planner is off. */
Test(plan_exact, no_filter_and_switch)
{
	ox_user("t1", "ua", "ann", "Ann");
	cr_expect_eq(plan_of("User", "displayName eq \"ANN\"").n, 1);
	cr_expect_eq(plan_of("User", "displayName eq \"ANN\"").exact, 1);
	cr_expect_eq(plan_of("User", NULL).all, 1);
	cr_expect_eq(plan_of("User", NULL).exact, 1);
	plan_set_enabled(0);
	cr_expect_eq(plan_of("User", NULL).exact, 0);
	cr_expect_eq(plan_of("User", "displayName eq \"ann\"").exact, 0);
	plan_set_enabled(1);
}

/* The page plan_page() reads, with its total. */
static int
page_of(const char *text, const char *sort, int desc, size_t skip, size_t count,
    struct plan_ids *page, size_t *total)
{
	const struct schema_rtype *rt =
	    schema_rtype_find(scim_registry(ox_scim()), STR_LIT("Credential"));
	struct plan_ids cand = plan_of("Credential", text);
	struct filter_node *sn;
	struct plan_sort ps, *sp = NULL;
	struct store_txn *txn = NULL;
	struct scim_err err = {0};
	char q[128];
	int rc;

	if (sort != NULL) {
		snprintf(q, sizeof(q), "%s pr", sort);
		sn = bound("Credential", q);
		ps = (struct plan_sort){sn->path, sn->info, desc};
		sp = &ps;
	}
	cr_assert_eq(store_read_begin(ox_store(), &txn, &err), 0);
	rc = plan_page(ox_arena(), txn, scim_indexes(ox_scim()), STR_LIT("t1"),
	    rt, &cand, sp, skip, count, page, total, &err);
	store_read_end(txn);
	return rc;
}

Test(plan_exact, pages_walk_the_sort_index)
{
	struct plan_ids pg;
	size_t total;
	const char *id[6];
	int i;

	/* expiry dates 2025-01-0(6-i): descending creation order */
	for (i = 0; i < 6; i++) {
		char body[400];

		snprintf(body, sizeof(body),
		    CRED(",\"owner\":{\"value\":\"u%d\"},\"status\":{"
			 "\"status\":\"ACTIVE\",\"expiryDate\":"
			 "\"2025-01-0%dT00:00:00Z\"}"),
		    1 + i % 2, 6 - i);
		id[i] = ox_create("t1", body);
	}
	cr_assert_eq(
	    page_of(NULL, "status.expiryDate", 0, 1, 2, &pg, &total), 1);
	cr_expect_eq(total, 6);
	cr_assert_eq(pg.n, 2);
	cr_expect(str_eq(pg.ids[0], str_from(id[4])));
	cr_expect(str_eq(pg.ids[1], str_from(id[3])));
	cr_assert_eq(
	    page_of(NULL, "status.expiryDate", 1, 0, 3, &pg, &total), 1);
	cr_assert_eq(pg.n, 3);
	cr_expect(str_eq(pg.ids[0], str_from(id[0])));
	cr_expect(str_eq(pg.ids[2], str_from(id[2])));
	cr_assert_eq(page_of("owner.value eq \"u2\"", "status.expiryDate", 0, 0,
			 10, &pg, &total),
	    1);
	cr_expect_eq(total, 3);
	cr_assert_eq(pg.n, 3);
	cr_expect(str_eq(pg.ids[0], str_from(id[5])));
	cr_expect(str_eq(pg.ids[2], str_from(id[1])));
	/* a multi-valued sort attribute has no usable order */
	cr_expect_eq(
	    page_of(NULL, "attributes.name", 0, 0, 10, &pg, &total), 0);
	/* not exact: the full path */
	cr_expect_eq(page_of("type co \"A\"", NULL, 0, 0, 10, &pg, &total), 0);
	/* beyond the end: nothing, and the total */
	cr_assert_eq(
	    page_of("owner.value eq \"u1\"", NULL, 0, 5, 10, &pg, &total), 1);
	cr_expect_eq(pg.n, 0);
	cr_expect_eq(total, 3);
}

/* A record without the sort value sorts last ascending, first
 * descending (RFC 7644 §3.4.2.3): with no filter the walk cannot list
 * those, so it declines where they would show. */
Test(plan_exact, missing_sort_values)
{
	struct plan_ids pg;
	size_t total;
	const char *a, *b;

	a = ox_create("t1",
	    CRED(",\"status\":{\"status\":\"ACTIVE\","
		 "\"expiryDate\":\"2025-01-01T00:00:00Z\"}"));
	b = ox_create("t1", CRED(",\"status\":{\"status\":\"ACTIVE\"}"));
	cr_expect_eq(
	    page_of(NULL, "status.expiryDate", 0, 0, 1, &pg, &total), 1);
	cr_expect(pg.n == 1 && str_eq(pg.ids[0], str_from(a)));
	cr_expect_eq(
	    page_of(NULL, "status.expiryDate", 0, 0, 2, &pg, &total), 0);
	cr_expect_eq(
	    page_of(NULL, "status.expiryDate", 1, 0, 1, &pg, &total), 0);
	/* with a filter the unseen candidates are the missing ones */
	cr_assert_eq(page_of("type eq \"CT_ACODE\"", "status.expiryDate", 1, 0,
			 2, &pg, &total),
	    1);
	cr_assert_eq(pg.n, 2);
	cr_expect(str_eq(pg.ids[0], str_from(b)));
	cr_expect(str_eq(pg.ids[1], str_from(a)));
}

/* The list through op_list with the planner on and off, which must
 * agree, and the planned one's ids joined by spaces. */
static const char *
both_ways(const char *tenant, const char *rtype, const char *query)
{
	struct ox_req r = {.tenant = tenant, .rtype = rtype, .query = query};
	struct ox_resp on, off;
	const char *a, *b;

	on = ox_call(op_list, &r);
	plan_set_enabled(0);
	off = ox_call(op_list, &r);
	plan_set_enabled(1);
	cr_assert_eq(on.rc, 0, "%s", on.err.detail);
	cr_assert_eq(off.rc, 0, "%s", off.err.detail);
	a = ox_dump(on.json);
	b = ox_dump(off.json);
	cr_assert_str_eq(a, b, "%s", query);
	return a;
}

static int
count_one(void *arg, struct str ikey, struct str id)
{
	(void)ikey;
	(void)id;
	(*(int *)arg)++;
	return 0;
}

/* Entries of t2's User index name.givenName, walked either way. */
static int
walked(int desc)
{
	struct store_txn *txn = NULL;
	struct scim_err err = {0};
	int n = 0;

	cr_assert_eq(store_read_begin(ox_store(), &txn, &err), 0);
	cr_assert_eq(store_index_walk(txn, STR_LIT("t2"), STR_LIT("User"),
			 str_make("name.givenName\0\x02", 16), desc, count_one,
			 &n, &err),
	    0);
	store_read_end(txn);
	return n;
}

/* Regression: a descending walk of the last keys in the database began
 * at MDB_LAST, whose end-of-data mark made the first key yield one id. */
Test(plan_exact, descending_walk_at_the_end_of_the_database)
{
	static const char *const names[] = {"Zed", "zed", "Ann", "zed", "Bo"};
	struct ox_req r = {.tenant = "t2", .rtype = "User"};
	char body[300];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:"
		    "User\"],\"userName\":\"z%zu\",\"name\":{\"givenName\":"
		    "\"%s\"}}",
		    i, names[i]);
		r.body = body;
		cr_assert_eq(ox_call(op_create, &r).rc, 0);
	}
	cr_expect_eq(walked(1), 5);
	cr_expect_eq(walked(0), 5);
	both_ways("t2", "User",
	    "filter=name.givenName pr&sortBy=name.givenName&"
	    "sortOrder=descending&startIndex=2&count=2&attributes=id");
	both_ways("t2", "User",
	    "filter=name.givenName sw \"z\"&sortBy=name.givenName&"
	    "sortOrder=descending&count=2&attributes=name.givenName");
}
