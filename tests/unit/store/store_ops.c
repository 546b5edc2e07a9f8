/* Helpers shared by the store unit tests; see store_ops.h. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "store_fixture.h"
#include "store_ops.h"

char *ops_dir;
struct store *ops_st;

void
ops_setup(void)
{
	ops_dir = fixture_dir_new();
	ops_st = fixture_store_open(ops_dir, 0, 0);
}

void
ops_teardown(void)
{
	store_close(ops_st);
	ops_st = NULL;
	fixture_dir_free(ops_dir);
	ops_dir = NULL;
}

int
ops_op_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	const struct op *o = arg;
	struct str tn = str_from(o->tenant), ty = str_from(o->type);
	struct str id = str_from(o->id), at = str_from(o->attr);

	switch (o->kind) {
	case OP_PUT:
		return store_rec_put(t, tn, ty, id, o->val, err);
	case OP_ADD:
		return store_rec_add(t, tn, ty, id, o->val, err);
	case OP_DEL:
		return store_rec_del(t, tn, ty, id, err);
	case OP_UNIQ_ADD:
		return store_uniq_add(t, tn, ty, at, o->val, id, err);
	case OP_UNIQ_DEL:
		return store_uniq_del(t, tn, ty, at, o->val, err);
	case OP_TENANT_ADD:
		return store_tenant_add(t, tn, err);
	case OP_TENANT_DEL:
		return store_tenant_del(t, tn, err);
	case OP_KV_PUT:
		return store_kv_put(t, o->bucket, o->key, o->val, err);
	case OP_KV_DEL:
		return store_kv_del(t, o->bucket, o->key, err);
	}
	return SCIM_E_INTERNAL;
}

int
ops_run(struct op o)
{
	return fixture_write(ops_st, ops_op_fn, &o);
}

int
ops_put(const char *tenant, const char *type, const char *id, const char *val)
{
	return ops_run((struct op){.kind = OP_PUT,
	    .tenant = tenant,
	    .type = type,
	    .id = id,
	    .val = str_from(val)});
}

char *
ops_get(const char *tenant, const char *type, const char *id)
{
	size_t len;

	return fixture_rec_get(ops_st, tenant, type, id, &len);
}

void
ops_expect_rec(
    const char *tenant, const char *type, const char *id, const char *want)
{
	char *v = ops_get(tenant, type, id);

	if (want == NULL) {
		cr_expect_null(
		    v, "%s/%s/%s should be absent", tenant, type, id);
	} else {
		cr_expect_not_null(v, "%s/%s/%s missing", tenant, type, id);
		if (v != NULL)
			cr_expect_str_eq(v, want);
	}
	free(v);
}

/* The id owning a unique value, as a malloc'd string, or NULL. */
char *
ops_uniq_owner(
    const char *tenant, const char *type, const char *attr, struct str value)
{
	struct store_txn *t = NULL;
	struct str id;
	char *out = NULL;

	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	if (store_uniq_get(t, str_from(tenant), str_from(type), str_from(attr),
		value, &id) == 0)
		out = strndup(id.ptr, id.len);
	store_read_end(t);
	return out;
}

size_t
ops_count(const char *tenant, const char *type)
{
	struct store_txn *t = NULL;
	size_t n = 99;

	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_assert_eq(
	    store_rec_count(t, str_from(tenant), str_from(type), &n, NULL), 0);
	store_read_end(t);
	return n;
}

int
ops_uniq_add(
    const char *tenant, const char *attr, struct str value, const char *id)
{
	return ops_run((struct op){.kind = OP_UNIQ_ADD,
	    .tenant = tenant,
	    .type = "User",
	    .id = id,
	    .attr = attr,
	    .val = value});
}

void
ops_expect_owner(
    const char *tenant, const char *attr, struct str value, const char *want)
{
	char *o = ops_uniq_owner(tenant, "User", attr, value);

	if (want == NULL)
		cr_expect_null(o, "value should be free");
	else
		cr_expect(o != NULL && strcmp(o, want) == 0, "owner %s, not %s",
		    o != NULL ? o : "(none)", want);
	free(o);
}

Test(uniq, conflict_and_release)
{
	cr_assert_eq(ops_uniq_add("t1", "userName", STR_LIT("alice"), "u1"), 0);
	cr_expect_eq(ops_uniq_add("t1", "userName", STR_LIT("alice"), "u2"),
	    SCIM_E_UNIQUENESS);
	cr_expect_eq(ops_uniq_add("t1", "userName", STR_LIT("alice"), "u1"), 0,
	    "the owner may add its own value again");
	/* Exact bytes: folding is the caller's business. */
	cr_expect_eq(ops_uniq_add("t1", "userName", STR_LIT("Alice"), "u2"), 0);
	/* Another attribute or type has its own space. */
	cr_expect_eq(
	    ops_uniq_add("t1", "externalId", STR_LIT("alice"), "u2"), 0);
	ops_expect_owner("t1", "userName", STR_LIT("alice"), "u1");
	cr_assert_eq(ops_run((struct op){.kind = OP_UNIQ_DEL,
			 .tenant = "t1",
			 .type = "User",
			 .attr = "userName",
			 .val = STR_LIT("alice")}),
	    0);
	ops_expect_owner("t1", "userName", STR_LIT("alice"), NULL);
	cr_expect_eq(ops_run((struct op){.kind = OP_UNIQ_DEL,
			 .tenant = "t1",
			 .type = "User",
			 .attr = "userName",
			 .val = STR_LIT("alice")}),
	    0, "deleting a free value is fine");
	cr_expect_eq(ops_uniq_add("t1", "userName", STR_LIT("alice"), "u2"), 0);
	ops_expect_owner("t1", "userName", STR_LIT("alice"), "u2");
	cr_expect_eq(ops_uniq_add("t1", "userName", STR_LIT("bob"), ""),
	    SCIM_E_INVALID_VALUE, "an owner id is required");
}
