/*
 * store_check on deliberately damaged stores: each kind of dangling key
 * is found and named, and a clean store has no problems.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "store/store.h"
#include "store_fixture.h"
#include "util/buf.h"

static char *dir;
static struct store *st;

static void
setup(void)
{
	dir = fixture_dir_new();
	st = fixture_store_open(dir, 0, 0);
}

static void
teardown(void)
{
	store_close(st);
	fixture_dir_free(dir);
}

TestSuite(store_check, .init = setup, .fini = teardown);

/* A tenant, two users, a unique key, an edge, a token pair. */
static int
populate(struct store_txn *t, void *arg, struct scim_err *err)
{
	int rc;

	if ((rc = store_tenant_add(t, STR_LIT("t1"), err)) != 0 ||
	    (rc = store_rec_put(t, STR_LIT("t1"), STR_LIT("User"),
		 STR_LIT("u1"), STR_LIT("{}"), err)) != 0 ||
	    (rc = store_rec_put(t, STR_LIT("t1"), STR_LIT("Group"),
		 STR_LIT("g1"), STR_LIT("{}"), err)) != 0 ||
	    (rc = store_uniq_add(t, STR_LIT("t1"), STR_LIT("User"),
		 STR_LIT("username"), STR_LIT("ann"), STR_LIT("u1"), err)) !=
		0 ||
	    (rc = store_edge_put(t, STR_LIT("t1"), STR_LIT("member"),
		 STR_LIT("g1"), STR_LIT("u1"), STR_LIT(""), err)) != 0 ||
	    (rc = store_kv_put(t, STORE_BUCKET_TOKENS, STR_LIT("HASH"),
		 STR_LIT("rec"), err)) != 0)
		return rc;
	return store_kv_put(t, STORE_BUCKET_TOKEN_IDS, str_make("t1\0id1", 6),
	    STR_LIT("HASH"), err);
}

struct findings {
	struct buf text;
	size_t lines;
};

static void
collect(void *arg, const char *what, const char *msg)
{
	struct findings *f = arg;

	if (what == NULL)
		return;
	buf_printf(&f->text, "%s: %s\n", what, msg);
	f->lines++;
}

/* Runs the check; returns the problem count, findings in f. */
static size_t
run(struct findings *f)
{
	struct scim_err err = {0};
	size_t n = 99;

	buf_init(&f->text);
	f->lines = 0;
	cr_assert_eq(
	    store_check(st, collect, f, &n, &err), 0, "%s", err.detail);
	cr_assert_eq(n, f->lines, "one report per problem");
	return n;
}

static int
del_rec(struct store_txn *t, void *arg, struct scim_err *err)
{
	const char **v = arg;

	return store_rec_del(
	    t, STR_LIT("t1"), str_from(v[0]), str_from(v[1]), err);
}

Test(store_check, clean_store_has_no_problems)
{
	struct findings f;

	cr_assert_eq(fixture_write(st, populate, NULL), 0);
	cr_assert_eq(run(&f), 0, "%s", buf_cstr(&f.text));
	buf_free(&f.text);
}

/* The record under a uniqueness key is gone: the key dangles, and so
 * does the edge that ended at it. */
Test(store_check, uniq_key_without_record)
{
	const char *v[] = {"User", "u1"};
	struct findings f;

	cr_assert_eq(fixture_write(st, populate, NULL), 0);
	cr_assert_eq(fixture_write(st, del_rec, v), 0);
	cr_assert_eq(run(&f), 2, "%s", buf_cstr(&f.text));
	cr_assert_not_null(strstr(buf_cstr(&f.text),
			       "uniq: key \"t1\\x00User\\x00username\\x00ann\" "
			       "names User \"u1\", which does not exist"),
	    "%s", buf_cstr(&f.text));
	cr_assert_not_null(strstr(buf_cstr(&f.text),
			       "edges: edge \"t1\\x00member\\x00g1"
			       "\\x00u1\" ends at no record"),
	    "%s", buf_cstr(&f.text));
	buf_free(&f.text);
}

Test(store_check, edge_from_a_missing_record)
{
	const char *v[] = {"Group", "g1"};
	struct findings f;

	cr_assert_eq(fixture_write(st, populate, NULL), 0);
	cr_assert_eq(fixture_write(st, del_rec, v), 0);
	cr_assert_eq(run(&f), 1, "%s", buf_cstr(&f.text));
	cr_assert_not_null(strstr(buf_cstr(&f.text), "starts at no record"));
	buf_free(&f.text);
}

static int
orphan_tenant(struct store_txn *t, void *arg, struct scim_err *err)
{
	return store_rec_put(t, STR_LIT("ghost"), STR_LIT("User"), STR_LIT("x"),
	    STR_LIT("{}"), err);
}

Test(store_check, record_of_a_missing_tenant)
{
	struct findings f;

	cr_assert_eq(fixture_write(st, populate, NULL), 0);
	cr_assert_eq(fixture_write(st, orphan_tenant, NULL), 0);
	cr_assert_eq(run(&f), 1, "%s", buf_cstr(&f.text));
	cr_assert_not_null(strstr(buf_cstr(&f.text),
	    "records: record \"ghost\\x00User\\x00x\" of a tenant that does "
	    "not exist"));
	buf_free(&f.text);
}

static int
drop_token(struct store_txn *t, void *arg, struct scim_err *err)
{
	return store_kv_del(t, STORE_BUCKET_TOKENS, STR_LIT("HASH"), err);
}

/* A token id whose token record is gone: named once, and the counts of
 * the two databases differ. */
Test(store_check, token_id_without_token)
{
	struct findings f;

	cr_assert_eq(fixture_write(st, populate, NULL), 0);
	cr_assert_eq(fixture_write(st, drop_token, NULL), 0);
	cr_assert_eq(run(&f), 2, "%s", buf_cstr(&f.text));
	cr_assert_not_null(strstr(buf_cstr(&f.text), "has no token record"));
	cr_assert_not_null(
	    strstr(buf_cstr(&f.text), "0 token records but 1 token ids"));
	buf_free(&f.text);
}

static void
summaries(void *arg, const char *what, const char *msg)
{
	struct buf *b = arg;

	if (what == NULL)
		buf_printf(b, "%s\n", msg);
}

Test(store_check, summary_lines_count_keys)
{
	struct scim_err err = {0};
	struct buf b;
	size_t n;

	cr_assert_eq(fixture_write(st, populate, NULL), 0);
	buf_init(&b);
	cr_assert_eq(store_check(st, summaries, &b, &n, &err), 0);
	cr_assert_not_null(strstr(buf_cstr(&b), "format: version matches\n"));
	cr_assert_not_null(
	    strstr(buf_cstr(&b), "records: 2 keys, 0 problems\n"));
	cr_assert_not_null(strstr(buf_cstr(&b), "uniq: 1 keys, 0 problems\n"));
	cr_assert_not_null(strstr(buf_cstr(&b), "edges: 1 keys, 0 problems\n"));
	buf_free(&b);
}
