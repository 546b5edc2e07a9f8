/*
 * The http side of issue 3: RFC 9865's error types in the error table,
 * the root /.search route, and the root search's per-type read
 * permissions agreeing with the route table.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "http/http_error.h"
#include "http/route.h"
#include "scim/ops.h"

Test(query_http, cursor_errors_are_400_with_their_scim_type)
{
	cr_expect_eq(http_error_status(SCIM_E_INVALID_CURSOR), 400);
	cr_expect_str_eq(
	    http_error_scim_type(SCIM_E_INVALID_CURSOR), "invalidCursor");
	cr_expect_eq(http_error_status(SCIM_E_EXPIRED_CURSOR), 400);
	cr_expect_str_eq(
	    http_error_scim_type(SCIM_E_EXPIRED_CURSOR), "expiredCursor");
	cr_expect_eq(http_error_status(SCIM_E_INVALID_COUNT), 400);
	cr_expect_str_eq(
	    http_error_scim_type(SCIM_E_INVALID_COUNT), "invalidCount");
	cr_expect(http_error_table_complete());
}

Test(query_http, root_search_route)
{
	struct str seg = STR_LIT(".search");
	struct route_match m;
	struct scim_err err;

	cr_assert_eq(route_match(ROUTE_POST, &seg, 1, &m, NULL, &err), 0);
	cr_expect(m.route->handler == op_search_root);
	cr_expect_eq(m.route->need.perm, PERM_SCHEMA_READ);
	cr_expect_eq(
	    route_match(ROUTE_GET, &seg, 1, &m, NULL, &err), SCIM_E_METHOD);
}

/* Every type with a GET /{endpoint} list route is in the root search,
 * behind the same permission. */
Test(query_http, root_perms_match_the_list_routes)
{
	const struct route *r;
	enum perm p;
	size_t n, i, checked = 0;

	r = route_table(&n);
	for (i = 0; i < n; i++) {
		if (r[i].method != SCIM_GET || r[i].handler != op_list)
			continue;
		cr_assert_eq(op_search_root_perm(str_from(r[i].rtype), &p), 0,
		    "%s is listed but the root search skips it", r[i].rtype);
		cr_expect_eq(p, r[i].need.perm, "%s", r[i].rtype);
		checked++;
	}
	cr_expect_geq(checked, 5);
	cr_expect_neq(op_search_root_perm(STR_LIT("Nothing"), &p), 0);
}
