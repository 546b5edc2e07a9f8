/*
 * The LMDB store (store/store.c, store/store_data.c): opening and the
 * format version, records, uniqueness keys, tenants and buckets, and
 * tenant isolation (HARDENING.md promise 4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <lmdb.h>
#include <openssl/evp.h>

#include "store/store.h"
#include "store_fixture.h"
#include "store_ops.h"

/* --- opening --- */

TestSuite(store, .init = ops_setup, .fini = ops_teardown);

Test(store, reopen_keeps_data)
{
	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_ADD, .tenant = "t1"}), 0);
	cr_assert_eq(ops_put("t1", "Credential", "c1", "hello"), 0);
	store_close(ops_st);
	ops_st = fixture_store_open(ops_dir, 0, 0);
	ops_expect_rec("t1", "Credential", "c1", "hello");
	struct store_txn *t = NULL;
	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_expect_eq(store_tenant_exists(t, STR_LIT("t1")), 1);
	cr_expect_eq(store_tenant_exists(t, STR_LIT("t2")), 0);
	store_read_end(t);
}

/* Opens the environment with LMDB directly (the store must be closed). */
static void
raw_meta(const char *format_to_write, char *read_back, size_t n)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = {6, "format"}, v;

	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_set_maxdbs(env, 16), 0);
	cr_assert_eq(mdb_env_open(env, ops_dir, 0, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	if (read_back != NULL) {
		cr_assert_eq(mdb_get(txn, dbi, &k, &v), 0);
		snprintf(
		    read_back, n, "%.*s", (int)v.mv_size, (char *)v.mv_data);
	}
	if (format_to_write != NULL) {
		v.mv_size = strlen(format_to_write);
		v.mv_data = (void *)format_to_write;
		cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	}
	cr_assert_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

Test(store, fresh_store_records_format_version)
{
	char ver[16];

	store_close(ops_st);
	ops_st = NULL;
	raw_meta(NULL, ver, sizeof(ver));
	cr_expect_eq(atoi(ver), STORE_FORMAT_VERSION);
}

Test(store, other_format_version_refused)
{
	struct scim_err err = {0};
	struct store *s2 = (struct store *)1;

	store_close(ops_st);
	ops_st = NULL;
	char ver[16], ours[32];

	/* A newer format than this build knows (format 1 is upgraded, see
	 * tests/unit/scim/test_index.c). */
	raw_meta("99", NULL, 0);
	cr_assert_eq(store_open(ops_dir, NULL, &s2, &err), SCIM_E_STORAGE);
	cr_expect_null(s2);
	cr_expect(
	    strstr(err.detail, "format version 99") != NULL, "%s", err.detail);
	snprintf(ours, sizeof(ours), "format version %d", STORE_FORMAT_VERSION);
	cr_expect(strstr(err.detail, ours) != NULL, "%s", err.detail);
	/* The refusal changed nothing: the version is still 99. */
	raw_meta(NULL, ver, sizeof(ver));
	cr_expect_str_eq(ver, "99");
}

Test(store, foreign_lmdb_refused)
{
	char *other = fixture_dir_new();
	struct scim_err err = {0};
	struct store *s2 = NULL;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = {3, "key"}, v = {5, "value"};

	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_open(env, other, 0, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, NULL, 0, &dbi), 0);
	cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	cr_assert_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	cr_expect_eq(store_open(other, NULL, &s2, &err), SCIM_E_STORAGE);
	cr_expect_null(s2);
	cr_expect(strstr(err.detail, "not a complete scimcred") != NULL, "%s",
	    err.detail);
	fixture_dir_free(other);
}

Test(store, bad_options_and_missing_dir_refused)
{
	struct store_opts o = {1 << 20, 1 << 19, 0};
	struct scim_err err = {0};
	struct store *s2 = NULL;

	cr_expect_eq(store_open(ops_dir, &o, &s2, &err), SCIM_E_INVALID_VALUE);
	cr_expect_null(s2);
	cr_expect_eq(store_open("/nonexistent/scimcred-test", NULL, &s2, &err),
	    SCIM_E_STORAGE);
	cr_expect_null(s2);
}

Test(store, stat_and_reader_check)
{
	size_t map = 0, used = 0;

	cr_assert_eq(store_stat(ops_st, &map, &used), 0);
	cr_expect_eq(map, (size_t)64 << 20, "default map is 64 MiB");
	cr_expect(used > 0 && used < map);
	cr_expect_eq(store_reader_check(ops_st), 0);
}

/* --- records --- */

TestSuite(records, .init = ops_setup, .fini = ops_teardown);

Test(records, put_get_overwrite_delete)
{
	ops_expect_rec("t1", "Credential", "c1", NULL);
	cr_assert_eq(ops_put("t1", "Credential", "c1", "one"), 0);
	ops_expect_rec("t1", "Credential", "c1", "one");
	cr_assert_eq(ops_put("t1", "Credential", "c1", "two"), 0);
	ops_expect_rec("t1", "Credential", "c1", "two");
	cr_assert_eq(ops_run((struct op){.kind = OP_DEL,
			 .tenant = "t1",
			 .type = "Credential",
			 .id = "c1"}),
	    0);
	ops_expect_rec("t1", "Credential", "c1", NULL);
	cr_expect_eq(ops_run((struct op){.kind = OP_DEL,
			 .tenant = "t1",
			 .type = "Credential",
			 .id = "c1"}),
	    SCIM_E_NOT_FOUND);
}

Test(records, add_refuses_existing_id)
{
	struct op o = {.kind = OP_ADD,
	    .tenant = "t1",
	    .type = "Credential",
	    .id = "c1",
	    .val = STR_LIT("first")};

	cr_assert_eq(ops_run(o), 0);
	o.val = STR_LIT("second");
	cr_expect_eq(ops_run(o), SCIM_E_CONFLICT);
	ops_expect_rec("t1", "Credential", "c1", "first");
}

Test(records, empty_value_is_stored)
{
	size_t len = 99;
	char *v;

	cr_assert_eq(ops_put("t1", "Credential", "c1", ""), 0);
	v = fixture_rec_get(ops_st, "t1", "Credential", "c1", &len);
	cr_expect_not_null(v);
	cr_expect_eq(len, 0);
	free(v);
}

Test(records, count_and_iterate_in_id_order)
{
	static const char *ids[] = {"m", "b", "z", "a", "bb", "b0"};
	static const char *sorted[] = {"a", "b", "b0", "bb", "m", "z"};
	struct store_txn *t = NULL;
	struct store_iter *it = NULL;
	struct str id, val;
	size_t i;
	int rc;

	for (i = 0; i < 6; i++)
		cr_assert_eq(ops_put("t1", "Credential", ids[i], ids[i]), 0);
	/* Neighbours that share a byte prefix must not leak in. */
	cr_assert_eq(ops_put("t1", "CredentialX", "a", "x"), 0);
	cr_assert_eq(ops_put("t1", "Credentia", "zz", "x"), 0);
	cr_assert_eq(ops_put("t10", "Credential", "a", "x"), 0);
	cr_assert_eq(ops_put("t", "Credential", "a", "x"), 0);
	cr_expect_eq(ops_count("t1", "Credential"), 6);
	cr_expect_eq(ops_count("t1", "CredentialX"), 1);
	cr_expect_eq(ops_count("t2", "Credential"), 0);

	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_assert_eq(
	    store_iter_new(t, STR_LIT("t1"), STR_LIT("Credential"), &it, NULL),
	    0);
	for (i = 0; (rc = store_iter_next(it, &id, &val)) == 0; i++) {
		cr_assert_lt(i, 6, "iterator ran past the type");
		cr_expect(str_eq_cstr(id, sorted[i]), "id %zu is %.*s", i,
		    STR_FMT(id));
		cr_expect(str_eq(id, val));
	}
	cr_expect_eq(rc, 1);
	cr_expect_eq(i, 6);
	cr_expect_eq(store_iter_next(it, &id, &val), 1, "stays at the end");
	store_iter_free(it);
	/* An empty range ends at once. */
	cr_assert_eq(
	    store_iter_new(t, STR_LIT("t2"), STR_LIT("Credential"), &it, NULL),
	    0);
	cr_expect_eq(store_iter_next(it, &id, &val), 1);
	store_iter_free(it);
	store_iter_free(NULL);
	store_read_end(t);
}

/* A NUL inside a name would let one tenant's key pose as another's. */
static int
nul_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	return store_rec_put(t, STR_LIT("t1\0Credential"), STR_LIT("x"),
	    STR_LIT("c1"), STR_LIT("v"), err);
}

Test(records, key_parts_are_bounded)
{
	char t64[65], id65[66], ty65[66];
	struct scim_err err = {0};
	struct store_txn *t = NULL;
	struct str v;

	memset(t64, 'a', 64);
	t64[64] = '\0';
	memset(id65, 'i', 65);
	id65[65] = '\0';
	memset(ty65, 'y', 65);
	ty65[65] = '\0';
	cr_expect_eq(
	    ops_put(t64, "Credential", "c1", "v"), SCIM_E_INVALID_VALUE);
	cr_expect_eq(
	    ops_put(t64 + 1, "Credential", "c1", "v"), 0, "63 is fine");
	cr_expect_eq(ops_put("t1", ty65, "c1", "v"), SCIM_E_INVALID_VALUE);
	cr_expect_eq(ops_put("t1", ty65 + 1, "c1", "v"), 0, "64 is fine");
	cr_expect_eq(
	    ops_put("t1", "Credential", id65, "v"), SCIM_E_INVALID_VALUE);
	cr_expect_eq(ops_put("t1", "Credential", id65 + 1, "v"), 0);
	cr_expect_eq(
	    ops_put("", "Credential", "c1", "v"), SCIM_E_INVALID_VALUE);
	cr_expect_eq(ops_put("t1", "", "c1", "v"), SCIM_E_INVALID_VALUE);
	cr_expect_eq(
	    ops_put("t1", "Credential", "", "v"), SCIM_E_INVALID_VALUE);

	cr_expect_eq(fixture_write(ops_st, nul_fn, NULL), SCIM_E_INVALID_VALUE);
	cr_assert_eq(store_read_begin(ops_st, &t, &err), 0);
	cr_expect_eq(store_rec_put(t, STR_LIT("t1"), STR_LIT("Credential"),
			 STR_LIT("c1"), STR_LIT("v"), &err),
	    SCIM_E_INTERNAL, "no writes in a read transaction");
	cr_expect_eq(store_rec_get(t, STR_LIT("t1"), STR_LIT("Cred\0x"),
			 STR_LIT("c1"), &v),
	    SCIM_E_NOT_FOUND);
	cr_expect_eq(store_rec_get(t, STR_LIT("t1"), STR_LIT("Credential"),
			 str_from(id65), &v),
	    SCIM_E_NOT_FOUND, "an overlong id is simply absent");
	store_read_end(t);
}

/* Writes a record, then fails: nothing may remain (promise 9). */
static int
fail_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	int *calls = arg, rc;

	(*calls)++;
	rc = store_rec_put(t, STR_LIT("t1"), STR_LIT("Credential"),
	    STR_LIT("c9"), STR_LIT("half"), err);
	cr_assert_eq(rc, 0);
	rc = store_uniq_add(t, STR_LIT("t1"), STR_LIT("Credential"),
	    STR_LIT("externalId"), STR_LIT("e9"), STR_LIT("c9"), err);
	cr_assert_eq(rc, 0);
	return scim_err_set(err, SCIM_E_INVALID_VALUE, "third step failed");
}

Test(records, failing_fn_leaves_nothing_written)
{
	struct scim_err err = {0};
	size_t used_before, used_after, map;
	int calls = 0;
	char *o;

	cr_assert_eq(store_stat(ops_st, &map, &used_before), 0);
	cr_expect_eq(
	    store_write(ops_st, fail_fn, &calls, &err), SCIM_E_INVALID_VALUE);
	cr_expect_eq(calls, 1, "a plain error is not retried");
	cr_expect_str_eq(err.detail, "third step failed");
	ops_expect_rec("t1", "Credential", "c9", NULL);
	o = ops_uniq_owner("t1", "Credential", "externalId", STR_LIT("e9"));
	cr_expect_null(o);
	free(o);
	cr_assert_eq(store_stat(ops_st, &map, &used_after), 0);
	cr_expect_eq(used_after, used_before);
}

static int
nested_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	int *called = arg;

	*called = 1;
	return 0;
}

Test(records, one_transaction_per_thread)
{
	struct store_txn *t = NULL, *t2 = NULL;
	struct scim_err err = {0};
	size_t map, used;
	int called = 0;

	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_expect_eq(store_stat(ops_st, &map, &used), 0, "stat is allowed");
	cr_expect_eq(store_read_begin(ops_st, &t2, &err), SCIM_E_INTERNAL);
	cr_expect_null(t2);
	cr_expect_eq(
	    store_write(ops_st, nested_fn, &called, &err), SCIM_E_INTERNAL);
	cr_expect_eq(called, 0);
	store_read_end(t);
	store_read_end(NULL);
	/* Once the first ended, both work again. */
	cr_expect_eq(store_write(ops_st, nested_fn, &called, &err), 0);
	cr_expect_eq(called, 1);
	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	store_read_end(t);
}

/* --- uniqueness --- */

TestSuite(uniq, .init = ops_setup, .fini = ops_teardown);

/* A value of n bytes, all c except the last byte, which is last. */
static struct str
long_value(char *buf, size_t n, char c, char last)
{
	memset(buf, c, n);
	buf[n - 1] = last;
	return str_make(buf, n);
}

Test(uniq, long_values_are_hashed_and_stay_unique)
{
	static char a[4096], b[4096], c[600];
	struct str va = long_value(a, sizeof(a), 'x', 'a');
	struct str vb = long_value(b, sizeof(b), 'x', 'b');
	struct str vc = long_value(c, sizeof(c), 'x', 'a');

	cr_assert_eq(ops_uniq_add("t1", "title", va, "u1"), 0);
	cr_expect_eq(ops_uniq_add("t1", "title", vb, "u2"), 0,
	    "values differing only past the key limit are distinct");
	cr_expect_eq(ops_uniq_add("t1", "title", vc, "u3"), 0);
	cr_expect_eq(ops_uniq_add("t1", "title", va, "u4"), SCIM_E_UNIQUENESS);
	cr_expect_eq(ops_uniq_add("t1", "title", vb, "u4"), SCIM_E_UNIQUENESS);
	ops_expect_owner("t1", "title", va, "u1");
	ops_expect_owner("t1", "title", vb, "u2");
	ops_expect_owner("t1", "title", vc, "u3");
	cr_assert_eq(ops_run((struct op){.kind = OP_UNIQ_DEL,
			 .tenant = "t1",
			 .type = "User",
			 .attr = "title",
			 .val = va}),
	    0);
	ops_expect_owner("t1", "title", va, NULL);
	ops_expect_owner("t1", "title", vb, "u2");
}

Test(uniq, raw_value_never_collides_with_a_hashed_one)
{
	static char big[1000];
	unsigned char forged[33];
	struct str vbig = long_value(big, sizeof(big), 'q', 'q');

	/* A raw value spelled like the hashed form of another value. */
	forged[0] = 0xff;
	cr_assert_eq(EVP_Digest(vbig.ptr, vbig.len, forged + 1, NULL,
			 EVP_sha256(), NULL),
	    1);
	cr_assert_eq(ops_uniq_add("t1", "title", vbig, "u1"), 0);
	cr_expect_eq(ops_uniq_add("t1", "title",
			 str_make((const char *)forged, sizeof(forged)), "u2"),
	    0);
	ops_expect_owner("t1", "title", vbig, "u1");
	ops_expect_owner("t1", "title",
	    str_make((const char *)forged, sizeof(forged)), "u2");
}

Test(uniq, values_may_hold_any_byte)
{
	cr_assert_eq(ops_uniq_add("t1", "title", STR_LIT("a\0b"), "u1"), 0);
	cr_expect_eq(ops_uniq_add("t1", "title", STR_LIT("a\0c"), "u2"), 0);
	cr_expect_eq(ops_uniq_add("t1", "title", STR_LIT("a"), "u3"), 0);
	cr_expect_eq(ops_uniq_add("t1", "title", STR_LIT(""), "u4"), 0);
	cr_expect_eq(
	    ops_uniq_add("t1", "title", STR_LIT(""), "u5"), SCIM_E_UNIQUENESS);
	ops_expect_owner("t1", "title", STR_LIT("a\0b"), "u1");
	ops_expect_owner("t1", "title", STR_LIT("a\0c"), "u2");
}
