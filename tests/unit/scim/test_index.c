/*
 * Secondary indexes (scim/index.h, store/store_index.c, scim/plan.h):
 * entries follow every write path (create, replace, patch, delete,
 * tenant delete), values are case-folded per caseExact, long values are
 * truncated and re-checked, a store written without the indexer or with
 * another declaration is rebuilt on attach, a format-1 store is
 * upgraded, and the declaration refuses computed attributes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>
#include <criterion/criterion.h>

#include "../store/store_fixture.h"
#include "filter/filter.h"
#include "ops_fixture.h"
#include "scim/index.h"
#include "scim/plan.h"

TestSuite(index, .init = ox_setup_creds, .fini = ox_teardown);

/* Candidate count for filter text over tenant t1's Credentials, or -1
 * when the planner does not narrow it. */
static long
cands(const char *rtype, const char *text)
{
	const struct schema_rtype *rt =
	    schema_rtype_find(scim_registry(ox_scim()), str_from(rtype));
	struct filter_node *f = NULL;
	struct store_txn *txn = NULL;
	struct plan_ids ids;
	struct scim_err err = {0};
	long n;

	cr_assert_eq(filter_parse(ox_arena(), str_from(text), &f, &err), 0,
	    "%s", err.detail);
	cr_assert_eq(
	    filter_bind(f, schema_filter_resolve, (void *)rt, &err), 0);
	cr_assert_eq(store_read_begin(ox_store(), &txn, &err), 0);
	cr_assert_eq(plan_candidates(ox_arena(), txn, scim_indexes(ox_scim()),
			 STR_LIT("t1"), rt, f, &ids, &err),
	    0);
	n = ids.all ? -1 : (long)ids.n;
	store_read_end(txn);
	return n;
}

static long
total(const char *query)
{
	struct ox_req r = {.query = query};
	struct ox_resp p = ox_call(op_list, &r);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	return (long)json_object_get_cstr(p.json, "totalResults")->u.integer;
}

#define CRED(extra) \
	"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_ACODE\"" extra "}"

Test(index, follows_create_replace_patch_delete)
{
	const char *id = ox_create("t1",
	    CRED(",\"owner\":{\"value\":\"u1\"},\"status\":{\"status\":"
		 "\"ACTIVE\"},\"attributes\":[{\"name\":\"K\",\"value\":"
		 "\"v1\"}]"));
	struct ox_req r = {.id = id};
	struct ox_resp p;

	cr_expect_eq(cands("Credential", "owner.value eq \"u1\""), 1);
	cr_expect_eq(cands("Credential", "owner.value eq \"u2\""), 0);
	cr_expect_eq(cands("Credential", "status.status eq \"active\""), 1);
	cr_expect_eq(cands("Credential",
			 "attributes[name eq \"K\" and value eq \"v1\"]"),
	    1);
	cr_expect_eq(cands("Credential",
			 "attributes[name eq \"K\" and value eq \"v2\"]"),
	    0);

	r.body = CRED(",\"owner\":{\"value\":\"u1\"},\"status\":{\"status\":"
		      "\"ACTIVE\"},\"attributes\":[{\"name\":\"L\",\"value\":"
		      "\"v2\"}]");
	p = ox_call(op_replace, &r);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(cands("Credential", "attributes.name eq \"K\""), 0);
	cr_expect_eq(cands("Credential", "attributes.name eq \"L\""), 1);
	cr_expect_eq(cands("Credential", "owner.value eq \"u1\""), 1);
	cr_expect_eq(cands("Credential",
			 "attributes[name eq \"L\" and value eq \"v2\"]"),
	    1);

	r.body = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
		 "PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"path\":"
		 "\"status.status\",\"value\":\"SUSPENDED\"}]}";
	p = ox_call(op_patch, &r);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(cands("Credential", "status.status eq \"ACTIVE\""), 0);
	cr_expect_eq(cands("Credential", "status.status eq \"suspended\""), 1);

	r.body = NULL;
	p = ox_call(op_delete, &r);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(cands("Credential", "owner.value pr"), 0);
	cr_expect_eq(cands("Credential", "status.status sw \"S\""), 0);
}

Test(index, ranges_presence_and_fallbacks)
{
	ox_create("t1",
	    CRED(",\"status\":{\"status\":\"ACTIVE\",\"expiryDate\":"
		 "\"2024-05-01T00:00:00Z\"}"));
	ox_create("t1",
	    CRED(",\"status\":{\"status\":\"ACTIVE\",\"expiryDate\":"
		 "\"2024-07-01T02:00:00+02:00\"}"));
	ox_create("t1", CRED(",\"status\":{\"status\":\"PENDING\"}"));
	cr_expect_eq(cands("Credential",
			 "status.expiryDate lt \"2024-06-01T00:00:00Z\""),
	    1);
	cr_expect_eq(cands("Credential",
			 "status.expiryDate ge \"2024-07-01T00:00:00Z\""),
	    1);
	cr_expect_eq(cands("Credential", "status.expiryDate pr"), 2);
	cr_expect_eq(
	    cands("Credential", "status.expiryDate pr or type eq \"none\""), 2);
	cr_expect_eq(cands("Credential",
			 "status.status eq \"ACTIVE\" and "
			 "status.expiryDate pr"),
	    2);
	/* not, ne, co, ew, eq null and unindexed attributes scan */
	cr_expect_eq(cands("Credential", "not (type eq \"CT_ACODE\")"), -1);
	cr_expect_eq(cands("Credential", "type ne \"CT_ACODE\""), -1);
	cr_expect_eq(cands("Credential", "type co \"ACO\""), -1);
	cr_expect_eq(cands("Credential", "type ew \"CODE\""), -1);
	cr_expect_eq(cands("Credential", "owner.value eq null"), -1);
	cr_expect_eq(cands("Credential", "owner.display eq \"x\""), -1);
	cr_expect_eq(
	    cands("Credential", "type eq \"x\" or totalUsed eq \"1\""), -1);
	/* and narrows when one side does */
	cr_expect_eq(cands("Credential",
			 "type co \"A\" and status.status eq \"PENDING\""),
	    1);
	cr_expect_eq(
	    total("filter=status.expiryDate lt \"2024-06-01T00:00:00Z\""), 1);
}

/* caseExact (type) is exact; caseExact false (status.status) folds. */
Test(index, case_folding_follows_case_exact)
{
	ox_create("t1", CRED(",\"status\":{\"status\":\"Active\"}"));
	cr_expect_eq(cands("Credential", "type eq \"CT_ACODE\""), 1);
	cr_expect_eq(cands("Credential", "type eq \"ct_acode\""), 0);
	cr_expect_eq(cands("Credential", "status.status eq \"ACTIVE\""), 1);
	cr_expect_eq(total("filter=status.status eq \"aCtIvE\""), 1);
}

/* Values past an LMDB key share a truncated entry; the evaluator keeps
 * only the exact match. */
Test(index, long_values_truncated_and_rechecked)
{
	char a[800], b[800], body[2000], q[1000];

	memset(a, 'v', 700);
	memcpy(b, a, 700);
	a[690] = 'a';
	b[690] = 'b';
	a[700] = b[700] = '\0';
	snprintf(body, sizeof(body),
	    CRED(",\"attributes\":[{\"name\":\"K\",\"value\":\"%s\"}]"), a);
	ox_create("t1", body);
	snprintf(body, sizeof(body),
	    CRED(",\"attributes\":[{\"name\":\"K\",\"value\":\"%s\"}]"), b);
	ox_create("t1", body);
	snprintf(
	    q, sizeof(q), "attributes[name eq \"K\" and value eq \"%s\"]", a);
	cr_expect_eq(cands("Credential", q), 2);
	snprintf(q, sizeof(q),
	    "filter=attributes[name eq \"K\" and value eq \"%s\"]", a);
	cr_expect_eq(total(q), 1);
}

/* Entries are per tenant: t2's credential is no candidate in t1. */
Test(index, tenants_apart)
{
	struct scim_err err = {0};
	struct store_txn *txn = NULL;
	size_t n = 9;

	ox_create("t2", CRED(",\"owner\":{\"value\":\"u1\"}"));
	cr_expect_eq(cands("Credential", "owner.value eq \"u1\""), 0);
	cr_assert_eq(store_read_begin(ox_store(), &txn, &err), 0);
	cr_expect_eq(
	    store_index_count(txn, STR_LIT("t2"), STR_LIT("Credential"),
		str_make("owner.value\0\2u1", 16), &n, &err),
	    0);
	store_read_end(txn);
	cr_expect_eq(n, 1);
}

static int
drop_tenant(struct store_txn *txn, void *arg, struct scim_err *err)
{
	(void)arg;
	/* the fixture writes records without registering the tenant */
	if (!store_tenant_exists(txn, STR_LIT("t2")) &&
	    store_tenant_add(txn, STR_LIT("t2"), err) != 0)
		return SCIM_E_INTERNAL;
	return store_tenant_del(txn, STR_LIT("t2"), err);
}

Test(index, tenant_delete_removes_index_keys)
{
	struct scim_err err = {0};
	struct store_txn *txn = NULL;
	size_t n = 9;

	ox_create("t2", CRED(",\"owner\":{\"value\":\"u1\"}"));
	cr_assert_eq(store_write(ox_store(), drop_tenant, NULL, &err), 0, "%s",
	    err.detail);
	cr_assert_eq(store_read_begin(ox_store(), &txn, &err), 0);
	cr_expect_eq(
	    store_index_count(txn, STR_LIT("t2"), STR_LIT("Credential"),
		str_make("owner.value\0\2u1", 16), &n, &err),
	    0);
	store_read_end(txn);
	cr_expect_eq(n, 0);
}

static int
raw_put(struct store_txn *txn, void *arg, struct scim_err *err)
{
	return store_rec_put(txn, STR_LIT("t1"), STR_LIT("Credential"),
	    STR_LIT("raw-1"), str_from(arg), err);
}

/* A write with no indexer attached (a tool that opened only the store)
 * marks the indexes stale; the next attach rebuilds them. */
Test(index, detached_write_rebuilt_on_attach)
{
	struct scim_err err = {0};
	const char *rec =
	    "{\"schemas\":[\"" OX_CRED_URN "\"],\"id\":\"raw-1\",\"type\":"
	    "\"CT_OTP\",\"owner\":{\"value\":\"zz\"}}";

	store_index_detach(ox_store());
	cr_assert_eq(store_write(ox_store(), raw_put, (void *)rec, &err), 0);
	cr_assert_eq(store_index_attach(ox_store(),
			 index_set_indexer(scim_indexes(ox_scim())), &err),
	    0, "%s", err.detail);
	cr_expect_eq(cands("Credential", "owner.value eq \"zz\""), 1);
	cr_expect_eq(total("filter=owner.value eq \"zz\""), 1);
}

Test(index, declaration_refuses_computed_and_unknown)
{
	static const char *const bad[] = {"\"status.active\"", "\"owner.$ref\"",
	    "\"meta.location\"", "\"nope\"", "\"status\"",
	    "\"attributes[name,nope]\"", "\"type[a]\"", "7"};
	char dir[] = "/tmp/scimcred-idx-XXXXXX", path[256], text[256];
	const struct schema_registry *reg = scim_registry(ox_scim());
	struct index_set *set = NULL;
	struct scim_err err = {0};
	FILE *f;
	size_t i;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, INDEX_FILE);
	cr_expect_eq(index_set_load(reg, dir, &set, &err), 0);
	cr_expect_eq(
	    index_count(set, schema_rtype_find(reg, STR_LIT("Credential"))), 0);
	index_set_free(set);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
		    "{\"indexes\":{\"Credential\":[%s]}}", bad[i]);
		f = fopen(path, "w");
		cr_assert_not_null(f);
		fputs(text, f);
		fclose(f);
		set = NULL;
		cr_expect_neq(
		    index_set_load(reg, dir, &set, &err), 0, "%s", text);
		cr_expect_null(set);
	}
	unlink(path);
	rmdir(dir);
}

/* A format-1 store (before indexes) opens, is upgraded to the current
 * format, and gets its indexes built when the indexer is attached. */
Test(index, format_1_upgraded)
{
	char *dir = fixture_dir_new();
	struct store *st = fixture_store_open(dir, 0, 0), *st2 = NULL;
	struct scim_err err = {0};
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = {6, "format"}, v = {1, "1"};

	store_close(st);
	cr_assert_eq(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 16);
	cr_assert_eq(mdb_env_open(env, dir, 0, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	cr_assert_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	cr_assert_eq(store_open(dir, NULL, &st2, &err), 0, "%s", err.detail);
	store_close(st2);
	cr_assert_eq(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 16);
	cr_assert_eq(mdb_env_open(env, dir, MDB_RDONLY, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	cr_assert_eq(mdb_get(txn, dbi, &k, &v), 0);
	cr_expect_eq(v.mv_size, 1);
	cr_expect_eq(((char *)v.mv_data)[0], '0' + STORE_FORMAT_VERSION);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	fixture_dir_free(dir);
}
