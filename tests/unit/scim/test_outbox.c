/*
 * The notification outbox (scim/outbox.h): events written inside the
 * caller's transaction and only then, their stored and returned form
 * (read through the generic list and get operations, as /NotificationEvents
 * serves them), first-in first-out order per tenant, and the delivery
 * bookkeeping the webhook deliverer relies on.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scim/outbox.h"
#include "ops_fixture.h"
#include "util/date.h"

#define RULE_NOTIFY \
	"{\"id\":\"rule-1\",\"credentialType\":{\"value\":\"CT_A\"}," \
	"\"notification\":{\"methods\":[\"EMAIL\",\"SMS\"]," \
	"\"template\":{\"locale\":\"en\",\"variant\":\"v1\"," \
	"\"variables\":{\"company\":\"ACME\",\"n\":3}}}}"
#define RULE_PLAIN "{\"id\":\"rule-2\",\"credentialType\":{\"value\":\"CT_A\"}}"

struct rec {
	const char *tenant;
	const char *rule;
	const char *tmpl;
	const char *user, *cred;
	int times; /* events to record */
	int fail; /* fail the transaction after recording */
	int64_t now_ms;
};

static int
rec_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct rec *r = arg;
	struct resource_ctx c = {.arena = ox_arena(), .now_ms = r->now_ms};
	int i, rc = 0;

	for (i = 0; rc == 0 && i < (r->times ? r->times : 1); i++)
		rc = outbox_record(&c, txn, str_from(r->tenant),
		    ox_json(r->rule), r->tmpl, str_from(r->user),
		    str_from(r->cred), err);
	if (rc == 0 && r->fail)
		rc = scim_err_set(err, SCIM_E_CONFLICT, "the change failed");
	return rc;
}

static int
record(struct rec r)
{
	struct scim_err err = {0};

	if (r.now_ms == 0)
		r.now_ms = date_now_ms();
	return store_write(ox_store(), rec_txn, &r, &err);
}

static int
tenants_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	int rc = store_tenant_add(txn, STR_LIT("t1"), err);

	return rc == 0 ? store_tenant_add(txn, STR_LIT("t2"), err) : rc;
}

static void
setup(void)
{
	struct scim_err err = {0};

	ox_setup_real();
	cr_assert_eq(store_write(ox_store(), tenants_txn, NULL, &err), 0);
}

static struct ox_resp
list(const char *tenant, const char *query)
{
	struct ox_req r = {
	    .tenant = tenant, .rtype = OUTBOX_RTYPE, .query = query};
	struct ox_resp p = ox_call(op_list, &r);

	cr_assert_eq(p.rc, 0, "list: %s", p.err.detail);
	return p;
}

static int64_t
total(const char *tenant, const char *query)
{
	struct ox_resp p = list(tenant, query);
	const struct json_value *v =
	    json_object_get_cstr(p.json, "totalResults");

	cr_assert(v != NULL && v->type == JSON_INT);
	return v->u.integer;
}

/* The due items now (at most 10). */
static size_t
due(int64_t now, struct outbox_item **items, int64_t *next)
{
	struct scim_err err = {0};
	size_t n = 0;

	cr_assert_eq(outbox_due(ox_store(), ox_arena(), now, 10, NULL, NULL,
			 items, &n, next, &err),
	    0, "%s", err.detail);
	return n;
}

TestSuite(outbox, .init = setup, .fini = ox_teardown);

Test(outbox, rule_without_notification_records_nothing)
{
	struct outbox_item *items;
	int64_t next;

	cr_assert_eq(record((struct rec){.tenant = "t1",
			 .rule = RULE_PLAIN,
			 .tmpl = OUTBOX_ISSUED,
			 .user = "u1",
			 .cred = "c1"}),
	    0);
	cr_assert_eq(total("t1", NULL), 0);
	cr_assert_eq(due(date_now_ms(), &items, &next), 0);
	cr_assert_eq(next, INT64_MAX);
}

Test(outbox, event_has_the_rule_s_notification)
{
	struct ox_resp p;
	const struct json_value *ev;

	cr_assert_eq(record((struct rec){.tenant = "t1",
			 .rule = RULE_NOTIFY,
			 .tmpl = OUTBOX_REVOKED,
			 .user = "u1",
			 .cred = "c9"}),
	    0);
	p = list("t1", NULL);
	ev = json_object_get_cstr(p.json, "Resources")->u.array.items[0];
	cr_assert_str_eq(ox_str(ev, "template"), "credential_revoked");
	cr_assert_str_eq(ox_str(ev, "locale"), "en");
	cr_assert_str_eq(ox_str(ev, "variant"), "v1");
	cr_assert_str_eq(ox_str(ev, "user.value"), "u1");
	cr_assert_str_eq(ox_str(ev, "credential.value"), "c9");
	cr_assert_str_eq(ox_str(ev, "issuanceRule.value"), "rule-1");
	cr_assert_str_eq(ox_str(ev, "credentialType.value"), "CT_A");
	cr_assert_str_eq(ox_str(ev, "delivery.state"), "pending");
	cr_assert_str_eq(ox_str(ev, "meta.resourceType"), OUTBOX_RTYPE);
	cr_assert_str_eq(ox_dump(json_object_get_cstr(ev, "methods")),
	    "[\"EMAIL\",\"SMS\"]");
	cr_assert_str_eq(ox_dump(json_object_get_cstr(ev, "variables")),
	    "[{\"name\":\"company\",\"value\":\"ACME\"},"
	    "{\"name\":\"n\",\"value\":\"3\"}]");
	cr_assert_str_eq(ox_str(ev, "meta.location"),
	    OX_BASE "/scim/t1/v2/NotificationEvents/0000000000000001");
}

Test(outbox, variables_as_name_value_pairs)
{
	struct ox_resp p;

	cr_assert_eq(
	    record((struct rec){.tenant = "t1",
		.rule = "{\"id\":\"r\",\"notification\":{\"template\":"
			"{\"variables\":[{\"name\":\"a\",\"value\":\"1\"},"
			"{\"b\":\"2\"}]}}}",
		.tmpl = OUTBOX_UPDATED,
		.user = "u1",
		.cred = "c1"}),
	    0);
	p = list("t1", NULL);
	cr_assert_str_eq(
	    ox_dump(json_object_get_cstr(
		json_object_get_cstr(p.json, "Resources")->u.array.items[0],
		"variables")),
	    "[{\"name\":\"a\",\"value\":\"1\"},{\"name\":\"b\",\"value\":"
	    "\"2\"}]");
}

Test(outbox, event_is_part_of_the_transaction)
{
	struct outbox_item *items;
	struct ox_req g = {.tenant = "t1", .rtype = OUTBOX_RTYPE};
	struct ox_resp p;
	int64_t next;

	cr_assert_eq(record((struct rec){.tenant = "t1",
			 .rule = RULE_NOTIFY,
			 .tmpl = OUTBOX_ISSUED,
			 .user = "u1",
			 .cred = "c1",
			 .fail = 1}),
	    SCIM_E_CONFLICT);
	cr_assert_eq(total("t1", NULL), 0);
	cr_assert_eq(due(date_now_ms(), &items, &next), 0);
	/* The aborted transaction did not use up a sequence number. */
	cr_assert_eq(record((struct rec){.tenant = "t1",
			 .rule = RULE_NOTIFY,
			 .tmpl = OUTBOX_ISSUED,
			 .user = "u1",
			 .cred = "c1"}),
	    0);
	g.id = "0000000000000001";
	p = ox_call(op_get, &g);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_assert_str_eq(ox_str(p.json, "template"), "credential_issued");
}

Test(outbox, filter_on_event_attributes)
{
	cr_assert_eq(record((struct rec){.tenant = "t1",
			 .rule = RULE_NOTIFY,
			 .tmpl = OUTBOX_ISSUED,
			 .user = "u1",
			 .cred = "c1"}),
	    0);
	cr_assert_eq(record((struct rec){.tenant = "t1",
			 .rule = RULE_NOTIFY,
			 .tmpl = OUTBOX_REVOKED,
			 .user = "u2",
			 .cred = "c2"}),
	    0);
	cr_assert_eq(
	    total("t1", "filter=template eq \"credential_revoked\""), 1);
	cr_assert_eq(total("t1",
			 "filter=user.value eq \"u1\" and "
			 "delivery.state eq \"pending\""),
	    1);
	cr_assert_eq(total("t2", NULL), 0);
}

Test(outbox, fifo_heads_per_tenant)
{
	struct outbox_item *items;
	struct scim_err err = {0};
	int64_t next, now = date_now_ms();
	size_t n;

	cr_assert_eq(record((struct rec){.tenant = "t1",
			 .rule = RULE_NOTIFY,
			 .tmpl = OUTBOX_ISSUED,
			 .user = "u1",
			 .cred = "c1",
			 .times = 3}),
	    0);
	cr_assert_eq(record((struct rec){.tenant = "t2",
			 .rule = RULE_NOTIFY,
			 .tmpl = OUTBOX_ISSUED,
			 .user = "u9",
			 .cred = "c9"}),
	    0);
	n = due(now, &items, &next);
	cr_assert_eq(n, 2, "one head per tenant");
	cr_assert_str_eq(items[0].tenant.ptr, "t1");
	cr_assert_eq(strncmp(items[0].id.ptr, "0000000000000001", 16), 0);
	cr_assert_eq(items[0].attempts, 0);
	cr_assert_eq(outbox_delivered(ox_store(), STR_LIT("t1"),
			 STR_LIT("0000000000000001"), now, &err),
	    0);
	n = due(now, &items, &next);
	cr_assert_eq(n, 2);
	cr_assert_eq(strncmp(items[0].id.ptr, "0000000000000002", 16), 0);
	cr_assert_eq(total("t1", "filter=delivery.state eq \"delivered\""), 1);
}

Test(outbox, retry_waits_and_counts)
{
	struct outbox_item *items;
	struct scim_err err = {0};
	struct ox_req g = {
	    .tenant = "t1", .rtype = OUTBOX_RTYPE, .id = "0000000000000001"};
	struct ox_resp p;
	int64_t next, now = date_now_ms();
	int64_t attempts = 0;

	cr_assert_eq(record((struct rec){.tenant = "t1",
			 .rule = RULE_NOTIFY,
			 .tmpl = OUTBOX_ISSUED,
			 .user = "u1",
			 .cred = "c1"}),
	    0);
	cr_assert_eq(
	    outbox_retry(ox_store(), STR_LIT("t1"), STR_LIT("0000000000000001"),
		now, now + 5000, "HTTP status 500", 0, &err),
	    0);
	cr_assert_eq(due(now + 4999, &items, &next), 0);
	cr_assert_eq(next, now + 5000);
	cr_assert_eq(due(now + 5000, &items, &next), 1);
	cr_assert_eq(items[0].attempts, 1);
	p = ox_call(op_get, &g);
	cr_assert_str_eq(
	    ox_str(p.json, "delivery.lastError"), "HTTP status 500");
	cr_assert_str_eq(ox_str(p.json, "delivery.state"), "pending");
	cr_assert_str_eq(ox_str(p.json, "meta.version"), "W/\"2\"");
	cr_assert_eq(
	    outbox_retry(ox_store(), STR_LIT("t1"), STR_LIT("0000000000000001"),
		now, now, "HTTP status 400", 1, &err),
	    0);
	cr_assert_eq(due(now + 100000, &items, &next), 0, "failed: not due");
	p = ox_call(op_get, &g);
	cr_assert_str_eq(ox_str(p.json, "delivery.state"), "failed");
	attempts = json_object_get_cstr(
	    json_object_get_cstr(p.json, "delivery"), "attempts")
		       ->u.integer;
	cr_assert_eq(attempts, 2);
}

Test(outbox, payload_has_tenant_and_no_delivery_state)
{
	struct outbox_item *items;
	struct json_value *v;
	struct scim_err err = {0};
	int64_t next;

	cr_assert_eq(record((struct rec){.tenant = "t2",
			 .rule = RULE_NOTIFY,
			 .tmpl = OUTBOX_UPDATED,
			 .user = "u1",
			 .cred = "c1"}),
	    0);
	cr_assert_eq(due(date_now_ms(), &items, &next), 1);
	cr_assert_eq(json_parse(ox_arena(), items[0].body.ptr,
			 items[0].body.len, &json_limits_default, &v, &err),
	    0);
	cr_assert_str_eq(ox_str(v, "tenant"), "t2");
	cr_assert_str_eq(ox_str(v, "id"), "0000000000000001");
	cr_assert_str_eq(ox_str(v, "template"), "credential_updated");
	cr_assert_null(json_object_get_cstr(v, "delivery"));
}

Test(outbox, delivered_event_of_removed_tenant_is_not_found)
{
	struct scim_err err = {0};

	cr_assert_eq(outbox_delivered(ox_store(), STR_LIT("t1"),
			 STR_LIT("0000000000000042"), date_now_ms(), &err),
	    SCIM_E_NOT_FOUND);
}
