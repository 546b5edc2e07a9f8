/*
 * The store's tenant isolation (HARDENING.md promise 4), tenants with
 * their cascading delete, and the buckets other modules keep.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "store/store.h"
#include "store_ops.h"

/* --- isolation --- */

TestSuite(isolation, .init = ops_setup, .fini = ops_teardown);

Test(isolation, tenants_with_identical_ids_and_values)
{
	cr_assert_eq(ops_put("acme", "Credential", "c1", "acme-data"), 0);
	cr_assert_eq(ops_put("globex", "Credential", "c1", "globex-data"), 0);
	cr_assert_eq(
	    ops_uniq_add("acme", "userName", STR_LIT("alice"), "u1"), 0);
	cr_expect_eq(ops_uniq_add("globex", "userName", STR_LIT("alice"), "u9"),
	    0, "the same value in another tenant is no conflict");
	ops_expect_rec("acme", "Credential", "c1", "acme-data");
	ops_expect_rec("globex", "Credential", "c1", "globex-data");
	ops_expect_owner("acme", "userName", STR_LIT("alice"), "u1");
	ops_expect_owner("globex", "userName", STR_LIT("alice"), "u9");
	cr_expect_eq(ops_count("acme", "Credential"), 1);

	cr_assert_eq(ops_run((struct op){.kind = OP_DEL,
			 .tenant = "acme",
			 .type = "Credential",
			 .id = "c1"}),
	    0);
	ops_expect_rec("globex", "Credential", "c1", "globex-data");
	cr_assert_eq(ops_run((struct op){.kind = OP_UNIQ_DEL,
			 .tenant = "acme",
			 .type = "User",
			 .attr = "userName",
			 .val = STR_LIT("alice")}),
	    0);
	ops_expect_owner("globex", "userName", STR_LIT("alice"), "u9");
	cr_expect_eq(ops_count("globex", "Credential"), 1);
}

/* --- tenants and buckets --- */

TestSuite(tenants, .init = ops_setup, .fini = ops_teardown);

static int
collect_tenant(void *arg, struct str name)
{
	char *buf = arg;

	strncat(buf, name.ptr, name.len);
	strcat(buf, ",");
	return strlen(buf) > 12 ? 7 : 0;
}

Test(tenants, add_exists_each)
{
	struct store_txn *t = NULL;
	char names[64] = "";

	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_ADD, .tenant = "beta"}), 0);
	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_ADD, .tenant = "alpha"}), 0);
	cr_expect_eq(
	    ops_run((struct op){.kind = OP_TENANT_ADD, .tenant = "beta"}),
	    SCIM_E_CONFLICT);
	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_expect_eq(store_tenant_exists(t, STR_LIT("alpha")), 1);
	cr_expect_eq(store_tenant_exists(t, STR_LIT("alph")), 0);
	cr_expect_eq(store_tenant_each(t, collect_tenant, names), 0);
	cr_expect_str_eq(names, "alpha,beta,");
	store_read_end(t);

	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_ADD, .tenant = "gamma"}), 0);
	names[0] = '\0';
	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_expect_eq(store_tenant_each(t, collect_tenant, names), 7,
	    "stops at the callback's first non-zero answer");
	cr_expect_str_eq(names, "alpha,beta,gamma,");
	store_read_end(t);
}

static int
kv_put(enum store_bucket b, struct str key, struct str val)
{
	return ops_run((struct op){
	    .kind = OP_KV_PUT, .bucket = b, .key = key, .val = val});
}

/* The bucket value as a malloc'd string, or NULL. */
static char *
kv_get(enum store_bucket b, struct str key)
{
	struct store_txn *t = NULL;
	struct str v;
	char *out = NULL;

	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	if (store_kv_get(t, b, key, &v) == 0)
		out = strndup(v.ptr, v.len);
	store_read_end(t);
	return out;
}

/* tenant \0 id, the TOKEN_IDS key layout. */
static struct str
id_key(char *buf, size_t size, const char *tenant, const char *id)
{
	size_t n = strlen(tenant) + 1;

	snprintf(buf, size, "%s", tenant);
	snprintf(buf + n, size - n, "%s", id);
	return str_make(buf, n + strlen(id));
}

/* Fills a tenant with one of everything, a token included. */
static void
populate(const char *tenant, const char *hash)
{
	char key[128];

	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_ADD, .tenant = tenant}), 0);
	cr_assert_eq(ops_put(tenant, "Credential", "c1", "x"), 0);
	cr_assert_eq(ops_put(tenant, "User", "u1", "x"), 0);
	cr_assert_eq(
	    ops_uniq_add(tenant, "userName", STR_LIT("alice"), "u1"), 0);
	cr_assert_eq(
	    kv_put(STORE_BUCKET_TOKENS, str_from(hash), STR_LIT("record")), 0);
	cr_assert_eq(kv_put(STORE_BUCKET_TOKEN_IDS,
			 id_key(key, sizeof(key), tenant, "0123456789abcdef"),
			 str_from(hash)),
	    0);
}

static void
expect_tenant_whole(const char *tenant, const char *hash, int present)
{
	struct store_txn *t = NULL;
	char key[128], *v;

	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_expect_eq(
	    store_tenant_exists(t, str_from(tenant)), present, "%s", tenant);
	store_read_end(t);
	ops_expect_rec(tenant, "Credential", "c1", present ? "x" : NULL);
	ops_expect_rec(tenant, "User", "u1", present ? "x" : NULL);
	cr_expect_eq(ops_count(tenant, "User"), present ? 1u : 0u);
	ops_expect_owner(
	    tenant, "userName", STR_LIT("alice"), present ? "u1" : NULL);
	v = kv_get(STORE_BUCKET_TOKENS, str_from(hash));
	cr_expect_eq(v != NULL, present, "token record of %s", tenant);
	free(v);
	v = kv_get(STORE_BUCKET_TOKEN_IDS,
	    id_key(key, sizeof(key), tenant, "0123456789abcdef"));
	cr_expect_eq(v != NULL, present, "token id of %s", tenant);
	free(v);
}

Test(tenants, delete_removes_everything_of_that_tenant_only)
{
	populate("ab", "hash-of-ab");
	populate("a", "hash-of-a");
	populate("abc", "hash-of-abc");
	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_DEL, .tenant = "ab"}), 0);
	expect_tenant_whole("ab", "hash-of-ab", 0);
	expect_tenant_whole("a", "hash-of-a", 1);
	expect_tenant_whole("abc", "hash-of-abc", 1);
	cr_expect_eq(
	    ops_run((struct op){.kind = OP_TENANT_DEL, .tenant = "ab"}),
	    SCIM_E_NOT_FOUND);
	/* The name can be used again, starting empty. */
	cr_assert_eq(
	    ops_run((struct op){.kind = OP_TENANT_ADD, .tenant = "ab"}), 0);
	cr_expect_eq(ops_count("ab", "Credential"), 0);
}

static int
collect_kv(void *arg, struct str key, struct str val)
{
	char *buf = arg;

	strncat(buf, key.ptr, key.len);
	strcat(buf, "=");
	strncat(buf, val.ptr, val.len);
	strcat(buf, ";");
	return 0;
}

Test(tenants, buckets_put_get_delete_and_prefix)
{
	struct store_txn *t = NULL;
	char seen[256] = "";
	char *v;

	cr_assert_eq(
	    kv_put(STORE_BUCKET_TOKENS, STR_LIT("k2"), STR_LIT("b")), 0);
	cr_assert_eq(
	    kv_put(STORE_BUCKET_TOKENS, STR_LIT("k1"), STR_LIT("a")), 0);
	cr_assert_eq(
	    kv_put(STORE_BUCKET_TOKENS, STR_LIT("x1"), STR_LIT("c")), 0);
	cr_assert_eq(kv_put(STORE_BUCKET_TOKEN_IDS, STR_LIT("k3"),
			 STR_LIT("other bucket")),
	    0);
	cr_assert_eq(kv_put(STORE_BUCKET_TOKENS, STR_LIT("k1"), STR_LIT("A")),
	    0, "put overwrites");
	v = kv_get(STORE_BUCKET_TOKENS, STR_LIT("k1"));
	cr_expect(v != NULL && strcmp(v, "A") == 0);
	free(v);
	cr_assert_eq(store_read_begin(ops_st, &t, NULL), 0);
	cr_expect_eq(store_kv_each_prefix(t, STORE_BUCKET_TOKENS, STR_LIT("k"),
			 collect_kv, seen),
	    0);
	cr_expect_str_eq(seen, "k1=A;k2=b;");
	seen[0] = '\0';
	cr_expect_eq(store_kv_each_prefix(
			 t, STORE_BUCKET_TOKENS, STR_NULL, collect_kv, seen),
	    0);
	cr_expect_str_eq(seen, "k1=A;k2=b;x1=c;");
	store_read_end(t);
	cr_expect_eq(ops_run((struct op){.kind = OP_KV_DEL,
			 .bucket = STORE_BUCKET_TOKENS,
			 .key = STR_LIT("k1")}),
	    0);
	cr_expect_eq(ops_run((struct op){.kind = OP_KV_DEL,
			 .bucket = STORE_BUCKET_TOKENS,
			 .key = STR_LIT("k1")}),
	    SCIM_E_NOT_FOUND);
	v = kv_get(STORE_BUCKET_TOKENS, STR_LIT("k1"));
	cr_expect_null(v);
	free(v);
	cr_expect_eq(kv_put(STORE_BUCKET_TOKENS, STR_NULL, STR_LIT("x")),
	    SCIM_E_INVALID_VALUE, "keys are never empty");
}
