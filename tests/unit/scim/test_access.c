/*
 * Self-admin scoping through the SCIM layer (scim/access.h): the route
 * gate, list and search scoped to the caller's own credentials with the
 * right totalResults, 404 for other users' credentials, status-only
 * changes (validity dates 400 as in Nevis, anything else 403), and GET
 * /Me (RFC 7644 §3.11).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"
#include "scim/access.h"
#include "scim/me.h"

#define CRED(extra) \
	"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_ACODE\"" extra "}"
#define OWNER(id) ",\"owner\":{\"value\":\"" id "\"}"
#define ACTIVE ",\"status\":{\"status\":\"ACTIVE\"}"
#define PATCH_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define MSG(ops) "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[" ops "]}"
#define OP(op, path, value) \
	"{\"op\":\"" op "\",\"path\":\"" path "\",\"value\":" value "}"
#define SEARCH(filter) \
	"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:" \
	"SearchRequest\"]" filter "}"

static struct principal self, admin, nosubject;
static const char *mine1, *mine2, *theirs, *orphan;

static void
principal_init(struct principal *p, const char *subject, int self_admin)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->tenant, sizeof(p->tenant), "t1");
	snprintf(p->token_id, sizeof(p->token_id), "00112233445566aa");
	snprintf(p->subject, sizeof(p->subject), "%s", subject);
	p->self_admin = self_admin;
	perm_set_add(&p->perms, PERM_CRED_READ);
	perm_set_add(&p->perms, PERM_CRED_UPDATE);
	perm_set_add(&p->perms, PERM_USER_READ);
}

static void
setup(void)
{
	ox_setup_creds();
	principal_init(&self, "user-1", 1);
	principal_init(&admin, "", 0);
	admin.perms = perm_set_all();
	principal_init(&nosubject, "", 0);
	mine1 = ox_create("t1",
	    CRED(OWNER("user-1") ",\"status\":{\"status\":\"ACTIVE\","
				 "\"expiryDate\":\"2030-01-01T00:00:00Z\"}"));
	mine2 = ox_create("t1", CRED(OWNER("user-1") ",\"externalId\":\"m2\""));
	theirs = ox_create("t1", CRED(OWNER("user-2") ACTIVE));
	orphan = ox_create("t1", CRED(""));
	/* the same owner id in another tenant is another user */
	ox_create("t2", CRED(OWNER("user-1")));
}

TestSuite(access, .init = setup, .fini = ox_teardown);

static struct ox_resp
call(scim_handler h, const struct principal *who, const char *rtype,
    const char *id, const char *query, const char *body)
{
	struct ox_req r = {
	    .rtype = rtype, .id = id, .query = query, .body = body, .who = who};

	return ox_call(h, &r);
}

static int64_t
total(const struct ox_resp *p)
{
	cr_assert_eq(p->rc, 0, "%s", p->err.detail);
	return json_object_get_cstr(p->json, "totalResults")->u.integer;
}

Test(access, route_gate_allows_only_the_self_routes)
{
	struct scim_err err = {0};
	static const scim_handler allowed[] = {
	    op_list, op_search, op_get, op_replace, op_patch};
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		cr_expect_eq(access_route(&self, allowed[i],
				 STR_LIT("Credential"), &err),
		    0);
	cr_expect_eq(access_route(&self, me_get, STR_LIT("User"), &err), 0);
	cr_expect_eq(
	    access_route(&self, op_delete, STR_LIT("Credential"), &err),
	    SCIM_E_FORBIDDEN);
	cr_expect_eq(
	    access_route(&self, op_create, STR_LIT("Credential"), &err),
	    SCIM_E_FORBIDDEN);
	cr_expect_eq(access_route(&self, op_get, STR_LIT("User"), &err),
	    SCIM_E_FORBIDDEN);
	cr_expect_eq(access_route(&self, op_list, STR_LIT("AuditRecord"), &err),
	    SCIM_E_FORBIDDEN);
	cr_expect_eq(access_route(&self, discovery_spc,
			 STR_LIT("ServiceProviderConfig"), &err),
	    SCIM_E_FORBIDDEN);
	/* everyone else is limited by permissions alone */
	cr_expect_eq(access_route(&admin, op_delete, STR_LIT("User"), &err), 0);
	cr_expect_eq(access_route(NULL, op_delete, STR_LIT("User"), &err), 0);
}

Test(access, list_counts_only_own_credentials)
{
	struct ox_resp p = call(op_list, &self, NULL, NULL, NULL, NULL);
	size_t i;

	cr_assert_eq(total(&p), 2);
	for (i = 0; i < ox_nres(p.json); i++)
		cr_expect_str_eq(
		    ox_res_str(p.json, i, "owner.value"), "user-1");
	p = call(op_list, &admin, NULL, NULL, NULL, NULL);
	cr_expect_eq(total(&p), 4);
}

Test(access, client_filter_cannot_widen_the_scope)
{
	struct ox_resp p;

	p = call(op_list, &self, NULL, NULL, "filter=owner.value eq \"user-2\"",
	    NULL);
	cr_expect_eq(total(&p), 0);
	p = call(op_list, &self, NULL, NULL, "filter=id pr or type pr", NULL);
	cr_expect_eq(total(&p), 2);
	p = call(op_list, &self, NULL, NULL,
	    "filter=externalId eq \"m2\"&count=1&startIndex=1", NULL);
	cr_expect_eq(total(&p), 1);
	cr_expect_str_eq(ox_res_str(p.json, 0, "id"), mine2);
	/* an id lookup through the uniqueness index is scoped too */
	p = call(op_list, &self, NULL, NULL,
	    arena_printf(ox_arena(), "filter=id eq \"%s\"", theirs), NULL);
	cr_expect_eq(total(&p), 0);
}

Test(access, search_is_scoped_and_pages_count_right)
{
	struct ox_resp p = call(op_search, &self, NULL, NULL, NULL,
	    SEARCH(",\"filter\":\"type eq \\\"CT_ACODE\\\"\",\"count\":1"));

	cr_expect_eq(total(&p), 2);
	cr_expect_eq(ox_nres(p.json), 1);
	p = call(op_search, &self, NULL, NULL, NULL,
	    SEARCH(",\"filter\":\"status.status eq \\\"ACTIVE\\\"\""));
	cr_expect_eq(total(&p), 1);
	cr_expect_str_eq(ox_res_str(p.json, 0, "id"), mine1);
}

Test(access, other_users_credentials_are_not_found)
{
	struct ox_resp own = call(op_get, &self, NULL, mine1, NULL, NULL);
	struct ox_resp other = call(op_get, &self, NULL, theirs, NULL, NULL);
	struct ox_resp none = call(op_get, &self, NULL, orphan, NULL, NULL);
	struct ox_resp missing =
	    call(op_get, &self, NULL, "no-such-id", NULL, NULL);
	char want[sizeof(missing.err.detail)];

	cr_expect_eq(own.rc, 0, "%s", own.err.detail);
	cr_expect_eq(other.rc, SCIM_E_NOT_FOUND);
	cr_expect_eq(none.rc, SCIM_E_NOT_FOUND);
	cr_expect_eq(missing.rc, SCIM_E_NOT_FOUND);
	/* the same words as a missing id: existence is not revealed */
	snprintf(want, sizeof(want), "%s", missing.err.detail);
	cr_expect(strstr(other.err.detail, theirs) != NULL);
	cr_expect_str_eq(strstr(want, "no-such-id") + strlen("no-such-id"),
	    strstr(other.err.detail, theirs) + strlen(theirs));
	other = call(op_replace, &self, NULL, theirs, NULL,
	    CRED(",\"status\":{\"status\":\"SUSPENDED\"}"));
	cr_expect_eq(other.rc, SCIM_E_NOT_FOUND);
	other = call(op_patch, &self, NULL, theirs, NULL,
	    MSG(OP("replace", "status.status", "\"SUSPENDED\"")));
	cr_expect_eq(other.rc, SCIM_E_NOT_FOUND);
	/* and nothing changed */
	other = call(op_get, &admin, NULL, theirs, NULL, NULL);
	cr_expect_str_eq(ox_str(other.json, "status.status"), "ACTIVE");
}

Test(access, status_change_within_the_machine)
{
	struct ox_resp p = call(op_patch, &self, NULL, mine1, NULL,
	    MSG(OP("replace", "status.status", "\"SUSPENDED\"")));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "status.status"), "SUSPENDED");
	/* a PUT that repeats everything else unchanged is a status change */
	p = call(op_replace, &self, NULL, mine1, NULL,
	    CRED(OWNER("user-1") ",\"status\":{\"status\":\"ACTIVE\","
				 "\"expiryDate\":\"2030-01-01T00:00:00Z\"}"));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "status.status"), "ACTIVE");
	/* the status machine still applies */
	p = call(op_patch, &self, NULL, mine1, NULL,
	    MSG(OP("replace", "status.status", "\"PENDING\"")));
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
}

Test(access, validity_dates_are_400)
{
	struct ox_resp p;

	p = call(op_patch, &self, NULL, mine1, NULL,
	    MSG(OP(
		"replace", "status.expiryDate", "\"2031-01-01T00:00:00Z\"")));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(strstr(p.err.detail, "validity") != NULL, "%s", p.err.detail);
	p = call(op_patch, &self, NULL, mine2, NULL,
	    MSG(OP("add", "status.startDate", "\"2024-01-01T00:00:00Z\"")));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	p = call(op_replace, &self, NULL, mine1, NULL,
	    CRED(",\"status\":{\"status\":\"ACTIVE\",\"expiryDate\":null}"));
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	p = call(op_get, &admin, NULL, mine1, NULL, NULL);
	cr_expect_str_eq(
	    ox_str(p.json, "status.expiryDate"), "2030-01-01T00:00:00Z");
}

Test(access, other_attributes_are_403)
{
	struct ox_resp p;

	p = call(op_patch, &self, NULL, mine2, NULL,
	    MSG(OP("replace", "externalId", "\"x\"")));
	cr_expect_eq(p.rc, SCIM_E_FORBIDDEN);
	p = call(op_patch, &self, NULL, mine2, NULL,
	    MSG(OP("add", "attributes", "[{\"name\":\"A\",\"value\":\"1\"}]")));
	cr_expect_eq(p.rc, SCIM_E_FORBIDDEN);
	p = call(op_replace, &self, NULL, mine2, NULL,
	    CRED(",\"externalId\":\"other\""));
	cr_expect_eq(p.rc, SCIM_E_FORBIDDEN);
	/* an administrator may */
	p = call(op_patch, &admin, NULL, mine2, NULL,
	    MSG(OP("replace", "externalId", "\"x\"")));
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
}

Test(access, other_types_are_forbidden_in_depth)
{
	struct ox_resp p = call(op_list, &self, "User", NULL, NULL, NULL);

	cr_expect_eq(p.rc, SCIM_E_FORBIDDEN);
	p = call(op_get, &self, "User", "user-1", NULL, NULL);
	cr_expect_eq(p.rc, SCIM_E_NOT_FOUND);
}

Test(access, me_is_the_subjects_user)
{
	struct ox_resp p = call(me_get, &self, "User", NULL, NULL, NULL);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(p.status, 200);
	cr_expect_str_eq(ox_str(p.json, "id"), "user-1");
	cr_expect_str_eq(ox_str(p.json, "userName"), "ann");
	/* RFC 7644 §3.11: Location is the aliased resource's */
	cr_assert_not_null(p.location);
	cr_expect_str_eq(p.location, OX_BASE "/scim/t1/v2/Users/user-1");
	/* a non-self-admin principal with a user subject works too */
	principal_init(&admin, "user-2", 0);
	p = call(me_get, &admin, "User", NULL, NULL, NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "userName"), "bob");
}

Test(access, me_without_a_user_is_404)
{
	struct principal ghost;
	struct ox_resp p = call(me_get, &nosubject, "User", NULL, NULL, NULL);

	cr_expect_eq(p.rc, SCIM_E_NOT_FOUND);
	p = call(me_get, NULL, "User", NULL, NULL, NULL);
	cr_expect_eq(p.rc, SCIM_E_NOT_FOUND);
	principal_init(&ghost, "no-such-user", 1);
	p = call(me_get, &ghost, "User", NULL, NULL, NULL);
	cr_expect_eq(p.rc, SCIM_E_NOT_FOUND);
	principal_init(&ghost, "bad/../id", 1);
	p = call(me_get, &ghost, "User", NULL, NULL, NULL);
	cr_expect_eq(p.rc, SCIM_E_NOT_FOUND);
}
