/*
 * The audit trail (scim/audit.h): one record per committed write, in
 * the write's transaction; none for a failed write; records readable
 * and filterable as the AuditRecord resource type; retention by
 * bounded pruning; tenant isolation.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../store/store_fixture.h"
#include "ops_fixture.h"
#include "scim/audit.h"
#include "util/date.h"

#define CRED(extra) \
	"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_ACODE\"" extra "}"
#define PATCH_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define DAY_MS INT64_C(86400000)

static struct principal tok, jwt;

static void
setup(void)
{
	ox_setup_creds();
	memset(&tok, 0, sizeof(tok));
	snprintf(tok.tenant, sizeof(tok.tenant), "t1");
	snprintf(tok.token_id, sizeof(tok.token_id), "0123456789abcdef");
	memset(&jwt, 0, sizeof(jwt));
	snprintf(jwt.tenant, sizeof(jwt.tenant), "t1");
	snprintf(jwt.subject, sizeof(jwt.subject), "user-1");
}

TestSuite(audit, .init = setup, .fini = ox_teardown);

static struct ox_resp
list(const char *tenant, const char *filter)
{
	char *q = filter != NULL ? arena_printf(ox_arena(), "filter=%s", filter)
				 : NULL;
	struct ox_req r = {
	    .tenant = tenant, .rtype = "AuditRecord", .query = q};
	struct ox_resp p = ox_call(op_list, &r);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	return p;
}

static int64_t
total(const struct ox_resp *p)
{
	return json_object_get_cstr(p->json, "totalResults")->u.integer;
}

static struct ox_resp
call(scim_handler h, const struct principal *who, const char *id,
    const char *body)
{
	struct ox_req r = {.id = id, .body = body, .who = who};

	return ox_call(h, &r);
}

/* ox_setup_creds created five CredentialTypes in each tenant. */
#define SETUP_RECORDS 5

Test(audit, every_write_appends_one_record)
{
	struct ox_resp p = call(op_create, &tok, NULL, CRED(""));
	const char *id = ox_str(p.json, "id");

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = call(op_replace, &tok, id, CRED(",\"externalId\":\"e\""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = call(op_patch, &jwt, id,
	    "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
	    "\"replace\",\"path\":\"externalId\",\"value\":\"f\"}]}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	p = call(op_delete, &tok, id, NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);

	p = list("t1",
	    arena_printf(ox_arena(),
		"resource.value eq \"%s\"&sortBy=meta.created", id));
	cr_assert_eq(total(&p), 4);
	cr_expect_str_eq(ox_res_str(p.json, 0, "action"), "create");
	cr_expect_str_eq(ox_res_str(p.json, 1, "action"), "replace");
	cr_expect_str_eq(ox_res_str(p.json, 2, "action"), "patch");
	cr_expect_str_eq(ox_res_str(p.json, 3, "action"), "delete");
	cr_expect_str_eq(
	    ox_res_str(p.json, 0, "actor.value"), "0123456789abcdef");
	cr_expect_str_eq(ox_res_str(p.json, 0, "actor.type"), "token");
	cr_expect_str_eq(ox_res_str(p.json, 2, "actor.value"), "user-1");
	cr_expect_str_eq(ox_res_str(p.json, 2, "actor.type"), "jwt");
	cr_expect_str_eq(ox_res_str(p.json, 0, "resource.type"), "Credential");
	cr_expect_str_eq(ox_res_str(p.json, 0, "tenant"), "t1");
	cr_expect_str_eq(ox_res_str(p.json, 0, "result"), "success");
	cr_expect_str_eq(ox_res_str(p.json, 0, "requestId"), "test");
	cr_expect_str_eq(
	    ox_res_str(p.json, 0, "meta.resourceType"), "AuditRecord");
	cr_expect_str_eq(ox_res_str(p.json, 0, "meta.created"), OX_NOW_TEXT);
	/* the ops fixture has no route, so no permission to record */
	cr_expect_null(ox_res_str(p.json, 0, "permission"));
}

Test(audit, failed_writes_store_nothing)
{
	struct ox_resp p = call(op_create, &tok, NULL, CRED(",\"bogus\":1"));

	cr_assert_neq(p.rc, 0);
	p = call(op_patch, &tok, "no-such-id",
	    "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
	    "\"replace\",\"path\":\"externalId\",\"value\":\"f\"}]}");
	cr_assert_eq(p.rc, SCIM_E_NOT_FOUND);
	p = call(op_delete, &tok, "no-such-id", NULL);
	cr_assert_eq(p.rc, SCIM_E_NOT_FOUND);
	p = list("t1", NULL);
	cr_expect_eq(total(&p), SETUP_RECORDS);
}

Test(audit, filter_by_actor_time_and_resource)
{
	struct ox_resp p;

	call(op_create, &tok, NULL, CRED(""));
	call(op_create, &jwt, NULL, CRED(""));
	call(op_create, &jwt, NULL, CRED(""));
	p = list("t1", "actor.value eq \"user-1\"");
	cr_expect_eq(total(&p), 2);
	p = list("t1",
	    "meta.created ge \"" OX_NOW_TEXT
	    "\" and actor.value eq \"0123456789abcdef\"");
	cr_expect_eq(total(&p), 1);
	p = list("t1", "meta.created gt \"" OX_NOW_TEXT "\"");
	cr_expect_eq(total(&p), 0);
	p = list("t1", "resource.type eq \"CredentialType\"");
	cr_expect_eq(total(&p), SETUP_RECORDS);
	/* nothing crosses tenants */
	p = list("t2", "resource.type eq \"Credential\"");
	cr_expect_eq(total(&p), 0);
}

Test(audit, records_are_read_by_id)
{
	struct ox_resp p = list("t1", NULL);
	const char *id = ox_res_str(p.json, 0, "id");
	struct ox_req r = {.rtype = "AuditRecord", .id = id};

	cr_assert_not_null(id);
	cr_expect_eq(strlen(id), AUDIT_ID_LEN);
	p = ox_call(op_get, &r);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "id"), id);
	cr_assert_not_null(ox_str(p.json, "meta.location"));
	cr_expect(strstr(ox_str(p.json, "meta.location"),
		      "/scim/t1/v2/AuditRecords/") != NULL);
}

struct append_arg {
	struct str tenant;
	int64_t now;
	unsigned days;
	const char *permission;
	int n;
};

static int
append_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct append_arg *a = arg;
	struct audit_event ev = {.permission = a->permission,
	    .rtype = STR_LIT("Token"),
	    .id = STR_LIT("abc"),
	    .action = "create"};
	int i, rc = 0;

	for (i = 0; rc == 0 && i < a->n; i++)
		rc =
		    audit_append_txn(txn, a->tenant, a->now, a->days, &ev, err);
	return rc;
}

static int
tenant_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	return store_tenant_add(txn, str_from(arg), err);
}

static size_t
count(const char *tenant)
{
	struct store_txn *txn = NULL;
	struct scim_err err = {0};
	size_t n = 0;

	cr_assert_eq(store_read_begin(ox_store(), &txn, &err), 0);
	cr_assert_eq(store_rec_count(
			 txn, str_from(tenant), STR_LIT(AUDIT_RTYPE), &n, &err),
	    0);
	store_read_end(txn);
	return n;
}

Test(audit, cli_records_name_the_cli)
{
	struct append_arg a = {.tenant = STR_LIT("t2"),
	    .now = date_now_ms(),
	    .permission = NULL,
	    .n = 1};
	struct ox_resp p;

	cr_assert_eq(fixture_write(ox_store(), append_fn, &a), 0);
	p = list("t2", "resource.type eq \"Token\"");
	cr_assert_eq(total(&p), 1);
	cr_expect_str_eq(ox_res_str(p.json, 0, "actor.value"), "cli");
	cr_expect_str_eq(ox_res_str(p.json, 0, "actor.type"), "cli");
	cr_expect_null(ox_res_str(p.json, 0, "actor.subject"));
	a.permission = "scim:read:schema";
	cr_assert_eq(fixture_write(ox_store(), append_fn, &a), 0);
	p = list("t2", "permission eq \"scim:read:schema\"");
	cr_expect_eq(total(&p), 1);
}

Test(audit, retention_prunes_in_bounded_batches)
{
	int64_t t0 = date_now_ms();
	struct append_arg a = {
	    .tenant = STR_LIT("t3"), .now = t0, .days = 90, .n = 40};
	struct scim_err err = {0};
	size_t removed = 0;

	cr_assert_eq(fixture_write(ox_store(), tenant_fn, "t3"), 0);
	cr_assert_eq(fixture_write(ox_store(), append_fn, &a), 0);
	cr_assert_eq(count("t3"), 40);
	/* 89 days on: nothing is old yet */
	a.now = t0 + 89 * DAY_MS;
	a.n = 1;
	cr_assert_eq(fixture_write(ox_store(), append_fn, &a), 0);
	cr_expect_eq(count("t3"), 41);
	/* 91 days on: each append removes at most AUDIT_PRUNE_BATCH */
	a.now = t0 + 91 * DAY_MS;
	cr_assert_eq(fixture_write(ox_store(), append_fn, &a), 0);
	cr_expect_eq(count("t3"), 42 - AUDIT_PRUNE_BATCH);
	/* start-up pruning removes the rest, 5 per transaction */
	cr_assert_eq(audit_prune(ox_store(), a.now, 90, 5, &removed, &err), 0,
	    "%s", err.detail);
	cr_expect_eq(removed, 40 - AUDIT_PRUNE_BATCH);
	cr_expect_eq(count("t3"), 2);
	/* other tenants' young records stay */
	cr_expect_eq(count("t1"), SETUP_RECORDS);
}

Test(audit, retention_zero_means_default)
{
	int64_t t0 = date_now_ms();
	struct append_arg a = {.tenant = STR_LIT("t3"), .now = t0, .n = 3};

	cr_assert_eq(fixture_write(ox_store(), append_fn, &a), 0);
	a.now = t0 + (AUDIT_RETENTION_DEFAULT - 1) * DAY_MS;
	a.n = 1;
	cr_assert_eq(fixture_write(ox_store(), append_fn, &a), 0);
	cr_expect_eq(count("t3"), 4);
	a.now = t0 + (AUDIT_RETENTION_DEFAULT + 1) * DAY_MS;
	cr_assert_eq(fixture_write(ox_store(), append_fn, &a), 0);
	cr_expect_eq(count("t3"), 2);
}
