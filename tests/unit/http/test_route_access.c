/*
 * Default deny and the self-admin gate over the whole route table
 * (HARDENING.md promises 5 and 6): every row names a valid permission,
 * a row without one is refused by route_permit (which dispatch.c asks
 * before anything else), a self-admin token passes the gate only on its
 * own routes, and the audit trail has no write route.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "http/route.h"
#include "scim/access.h"
#include "scim/me.h"
#include "scim/ops.h"

Test(route_access, every_row_is_permitted_by_a_valid_permission)
{
	struct scim_err err = {0};
	size_t n, i;
	const struct route *t = route_table(&n);

	for (i = 0; i < n; i++) {
		cr_expect_eq(route_permit(&t[i], &err), 0, "%s %s",
		    route_method_name(t[i].method), t[i].pattern);
		cr_expect_not_null(perm_name(t[i].need.perm));
	}
}

Test(route_access, a_row_without_permission_is_refused)
{
	struct scim_err err = {0};
	struct route r = {.method = SCIM_GET,
	    .pattern = "Credential",
	    .handler = op_list,
	    .rtype = "Credential",
	    .id_max = 64};

	/* need.set is 0: forgotten, though perm 0 is a real permission */
	cr_expect_eq(route_permit(&r, &err), SCIM_E_FORBIDDEN);
	r.need.set = 1;
	r.need.perm = PERM_COUNT;
	cr_expect_eq(route_permit(&r, &err), SCIM_E_FORBIDDEN);
	r.need.perm = (enum perm) - 1;
	cr_expect_eq(route_permit(&r, &err), SCIM_E_FORBIDDEN);
	cr_expect_eq(route_permit(NULL, &err), SCIM_E_FORBIDDEN);
	r.need.perm = PERM_CRED_READ;
	cr_expect_eq(route_permit(&r, &err), 0);
}

/* The routes a self-admin token may use, by method and pattern. */
static int
self_route(const struct route *r)
{
	static const struct {
		enum scim_method m;
		const char *pattern;
	} ok[] = {
	    {SCIM_GET, "Credential"},
	    {SCIM_POST, "Credential/.search"},
	    {SCIM_GET, "Credential/{id}"},
	    {SCIM_PUT, "Credential/{id}"},
	    {SCIM_PATCH, "Credential/{id}"},
	    {SCIM_GET, "Me"},
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (r->method == ok[i].m &&
		    strcmp(r->pattern, ok[i].pattern) == 0)
			return 1;
	return 0;
}

Test(route_access, self_admin_gate_over_the_table)
{
	struct principal self, other;
	struct scim_err err = {0};
	size_t n, i, allowed = 0;
	const struct route *t = route_table(&n);

	memset(&self, 0, sizeof(self));
	self.self_admin = 1;
	memcpy(self.subject, "user-1", 7);
	memset(&other, 0, sizeof(other));
	other.perms = perm_set_all();
	for (i = 0; i < n; i++) {
		int rc = access_route(
		    &self, t[i].handler, str_from(t[i].rtype), &err);
		cr_expect_eq(rc, self_route(&t[i]) ? 0 : SCIM_E_FORBIDDEN,
		    "%s %s", route_method_name(t[i].method), t[i].pattern);
		allowed += rc == 0;
		cr_expect_eq(access_route(&other, t[i].handler,
				 str_from(t[i].rtype), &err),
		    0);
	}
	cr_expect_eq(allowed, 6);
}

Test(route_access, the_audit_trail_is_read_only)
{
	size_t n, i, reads = 0;
	const struct route *t = route_table(&n);

	for (i = 0; i < n; i++) {
		if (strcmp(t[i].rtype, "AuditRecord") != 0)
			continue;
		cr_expect(t[i].handler == op_list ||
			t[i].handler == op_search || t[i].handler == op_get,
		    "%s %s", route_method_name(t[i].method), t[i].pattern);
		cr_expect_eq(t[i].need.perm, PERM_AUDIT_READ);
		reads++;
	}
	cr_expect_eq(reads, 3);
}
