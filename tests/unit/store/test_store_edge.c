/*
 * Edges (store_edge_*): directed links tenant/kind/from/to with a small
 * value, listed per `from` in `to` order, bounded keys, tenant isolation
 * and removal with the tenant; and an older store without the edges
 * database is upgraded in place on open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <lmdb.h>

#include "store/store.h"
#include "store_fixture.h"
#include "store_ops.h"

TestSuite(edges, .init = ops_setup, .fini = ops_teardown);

struct edge_op {
	const char *tenant, *kind, *from, *to, *val;
	int del; /* 1 one edge, 2 every edge from `from` */
};

static int
edge_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	const struct edge_op *o = arg;
	struct str tenant = str_from(o->tenant), kind = str_from(o->kind);
	struct str from = str_from(o->from), to = str_from(o->to);

	if (o->del == 2)
		return store_edge_del_from(t, tenant, kind, from, err);
	if (o->del == 1)
		return store_edge_del(t, tenant, kind, from, to, err);
	return store_edge_put(t, tenant, kind, from, to, str_from(o->val), err);
}

static int
edge_run(struct edge_op o)
{
	return fixture_write(ops_st, edge_fn, &o);
}

static int
put(const char *tenant, const char *kind, const char *from, const char *to,
    const char *val)
{
	return edge_run((struct edge_op){tenant, kind, from, to, val, 0});
}

static int
collect(void *arg, struct str to, struct str val)
{
	char *buf = arg;

	strncat(buf, to.ptr, to.len);
	strcat(buf, "=");
	strncat(buf, val.ptr, val.len);
	strcat(buf, ";");
	return 0;
}

/* "to=val;..." for the edges from `from`, and their count. */
static void
list(const char *tenant, const char *kind, const char *from, char *out,
    size_t *n)
{
	struct store_txn *t = NULL;
	struct scim_err err = {0};

	out[0] = '\0';
	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_assert_eq(store_edge_each(t, str_from(tenant), str_from(kind),
			 str_from(from), collect, out, &err),
	    0, "%s", err.detail);
	cr_assert_eq(store_edge_count(t, str_from(tenant), str_from(kind),
			 str_from(from), n, &err),
	    0);
	store_read_end(t);
}

Test(edges, put_list_get_overwrite_delete)
{
	struct store_txn *t = NULL;
	char seen[256];
	struct str v;
	size_t n;

	cr_assert_eq(put("t1", "member", "g1", "u2", "User\tbob"), 0);
	cr_assert_eq(put("t1", "member", "g1", "u1", "User\talice"), 0);
	cr_assert_eq(put("t1", "member", "g10", "u9", "x"), 0);
	cr_assert_eq(put("t1", "memberOf", "g1", "g0", ""), 0);
	list("t1", "member", "g1", seen, &n);
	/* g10 shares the bytes "g1" but is another `from`. */
	cr_expect_str_eq(seen, "u1=User\talice;u2=User\tbob;");
	cr_expect_eq(n, 2);
	cr_assert_eq(put("t1", "member", "g1", "u1", "User\tAlice"), 0);
	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_expect_eq(store_edge_get(t, STR_LIT("t1"), STR_LIT("member"),
			 STR_LIT("g1"), STR_LIT("u1"), &v),
	    0);
	cr_expect(str_eq_cstr(v, "User\tAlice"), "overwritten");
	cr_expect_eq(store_edge_get(t, STR_LIT("t1"), STR_LIT("member"),
			 STR_LIT("g1"), STR_LIT("u3"), &v),
	    SCIM_E_NOT_FOUND);
	cr_expect_eq(store_edge_get(t, STR_LIT("t1"), STR_LIT("memberOf"),
			 STR_LIT("g1"), STR_LIT("u1"), &v),
	    SCIM_E_NOT_FOUND, "kinds are separate");
	store_read_end(t);
	cr_assert_eq(
	    edge_run((struct edge_op){"t1", "member", "g1", "u1", NULL, 1}), 0);
	cr_assert_eq(
	    edge_run((struct edge_op){"t1", "member", "g1", "u1", NULL, 1}), 0,
	    "deleting a missing edge is not an error");
	list("t1", "member", "g1", seen, &n);
	cr_expect_str_eq(seen, "u2=User\tbob;");
	cr_assert_eq(
	    edge_run((struct edge_op){"t1", "member", "g1", NULL, NULL, 2}), 0);
	list("t1", "member", "g1", seen, &n);
	cr_expect_eq(n, 0);
	list("t1", "member", "g10", seen, &n);
	cr_expect_str_eq(seen, "u9=x;", "a longer `from` is left alone");
	list("t1", "memberOf", "g1", seen, &n);
	cr_expect_eq(n, 1);
}

Test(edges, key_parts_are_bounded)
{
	char big[80];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_expect_eq(put("t1", "member", big, "u1", ""), SCIM_E_INVALID_VALUE);
	cr_expect_eq(put("t1", "member", "g1", big, ""), SCIM_E_INVALID_VALUE);
	cr_expect_eq(put("t1", "a-kind-longer-than-16", "g1", "u1", ""),
	    SCIM_E_INVALID_VALUE);
	cr_expect_eq(put("t1", "member", "", "u1", ""), SCIM_E_INVALID_VALUE);
	cr_expect_eq(put("t1", "", "g1", "u1", ""), SCIM_E_INVALID_VALUE);
}

static int
stop_at_first(void *arg, struct str to, struct str val)
{
	(void)to;
	(void)val;
	(*(int *)arg)++;
	return 7;
}

Test(edges, callback_stops_the_walk)
{
	struct store_txn *t = NULL;
	int calls = 0;

	cr_assert_eq(put("t1", "member", "g1", "u1", ""), 0);
	cr_assert_eq(put("t1", "member", "g1", "u2", ""), 0);
	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_expect_eq(store_edge_each(t, STR_LIT("t1"), STR_LIT("member"),
			 STR_LIT("g1"), stop_at_first, &calls, NULL),
	    7);
	cr_expect_eq(calls, 1);
	store_read_end(t);
}

Test(edges, tenants_are_isolated_and_deleted_with_their_edges)
{
	char seen[256];
	size_t n;

	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_ADD, .tenant = "ab"}), 0);
	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_ADD, .tenant = "a"}), 0);
	cr_assert_eq(put("ab", "member", "g1", "u1", "ab's"), 0);
	cr_assert_eq(put("a", "member", "g1", "u1", "a's"), 0);
	list("a", "member", "g1", seen, &n);
	cr_expect_str_eq(seen, "u1=a's;");
	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_DEL, .tenant = "ab"}), 0);
	list("ab", "member", "g1", seen, &n);
	cr_expect_eq(n, 0);
	list("a", "member", "g1", seen, &n);
	cr_expect_str_eq(seen, "u1=a's;", "the other tenant keeps its edges");
}

Test(edges, read_transactions_cannot_write)
{
	struct store_txn *t = NULL;
	struct scim_err err = {0};

	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_expect_neq(store_edge_put(t, STR_LIT("t1"), STR_LIT("member"),
			  STR_LIT("g1"), STR_LIT("u1"), STR_NULL, &err),
	    0);
	cr_expect_neq(store_edge_del_from(t, STR_LIT("t1"), STR_LIT("member"),
			  STR_LIT("g1"), &err),
	    0);
	store_read_end(t);
}

/* A store written before the edges database existed opens, gains the
 * database, and keeps its data. */
Test(edges, older_store_without_edges_is_upgraded)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	char seen[64];
	size_t n;

	cr_assert_eq(ops_put("t1", "Credential", "c1", "kept"), 0);
	store_close(ops_st);
	ops_st = NULL;
	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_set_maxdbs(env, 16), 0);
	cr_assert_eq(mdb_env_open(env, ops_dir, 0, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, "edges", 0, &dbi), 0);
	cr_assert_eq(mdb_drop(txn, dbi, 1), 0);
	cr_assert_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	ops_st = fixture_store_open(ops_dir, 0, 0);
	ops_expect_rec("t1", "Credential", "c1", "kept");
	cr_assert_eq(put("t1", "member", "g1", "u1", "v"), 0);
	list("t1", "member", "g1", seen, &n);
	cr_expect_str_eq(seen, "u1=v;");
}
