/*
 * `scimcred check` over the secondary indexes (store/store_index_check.h)
 * and restore's format range (store_backup.c). Each test backs the
 * fixture's store up (a backup must pass check), damages the copy with
 * raw LMDB calls the way a bug or a crash could, and runs every check
 * the command runs, the way it runs them: the indexer loaded but not
 * attached, so nothing is rebuilt or written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>
#include <criterion/criterion.h>

#include "../store/store_fixture.h"
#include "ops_fixture.h"
#include "scim/check.h"
#include "scim/index.h"
#include "store/store.h"
#include "store/store_index_check.h"
#include "util/buf.h"

#define USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"

static char *copy;
static const char *ann, *bob;

static int
add_t1(struct store_txn *t, void *arg, struct scim_err *err)
{
	return store_tenant_add(t, STR_LIT("t1"), err);
}

static const char *
user(const char *name, const char *display)
{
	struct ox_req r = {.rtype = "User",
	    .body = arena_printf(ox_arena(),
		"{\"schemas\":[\"" USER_URN "\"],\"userName\":\"%s\","
		"\"displayName\":\"%s\",\"emails\":[{\"type\":\"work\","
		"\"value\":\"%s@example.com\"}]}",
		name, display, name)};
	struct ox_resp p = ox_call(op_create, &r);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	return ox_str(p.json, "id");
}

/* Two users written through the operations, then a backup of the store
 * into `copy`, which the tests damage. */
static void
setup(void)
{
	struct scim_err err = {0};

	ox_setup_real();
	cr_assert_eq(store_write(ox_store(), add_t1, NULL, &err), 0);
	ann = user("ann", "Ann Example");
	bob = user("bob", "Bob Example");
	copy = fixture_dir_new();
	cr_assert_eq(store_backup(ox_store(), copy, &err), 0, "%s", err.detail);
}

static void
teardown(void)
{
	fixture_dir_free(copy);
	copy = NULL;
	ox_teardown();
}

TestSuite(check_index, .init = setup, .fini = teardown);

/* ------------------------------------------------------- raw access */

struct raw {
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi index, meta;
};

static void
raw_open(struct raw *r, const char *dir)
{
	cr_assert_eq(mdb_env_create(&r->env), 0);
	mdb_env_set_maxdbs(r->env, 16);
	cr_assert_eq(mdb_env_open(r->env, dir, 0, 0600), 0);
	cr_assert_eq(mdb_txn_begin(r->env, NULL, 0, &r->txn), 0);
	cr_assert_eq(mdb_dbi_open(r->txn, "index", MDB_DUPSORT, &r->index), 0);
	cr_assert_eq(mdb_dbi_open(r->txn, "meta", 0, &r->meta), 0);
}

static void
raw_close(struct raw *r)
{
	cr_assert_eq(mdb_txn_commit(r->txn), 0);
	mdb_env_close(r->env);
}

/* Copies into key (length into *klen) the key of record id's value
 * entry (not its presence entry) in index `name` (tenant t1, type
 * User); fails the test if there is none. */
static void
raw_find(
    struct raw *r, const char *name, const char *id, char *key, size_t *klen)
{
	static const char pre[] = "t1\0User";
	MDB_cursor *cur;
	MDB_val k, v;
	size_t plen = sizeof(pre), nlen = strlen(name);
	int mrc;

	cr_assert_eq(mdb_cursor_open(r->txn, r->index, &cur), 0);
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (k.mv_size > plen + nlen + 1 &&
		    memcmp(k.mv_data, pre, plen) == 0 &&
		    memcmp((char *)k.mv_data + plen, name, nlen + 1) == 0 &&
		    ((char *)k.mv_data)[plen + nlen + 1] == 0x02 &&
		    v.mv_size == strlen(id) &&
		    memcmp(v.mv_data, id, v.mv_size) == 0)
			break;
	cr_assert_eq(mrc, 0, "no %s entry for %s", name, id);
	memcpy(key, k.mv_data, k.mv_size);
	*klen = k.mv_size;
	mdb_cursor_close(cur);
}

static void
raw_put(struct raw *r, const char *key, size_t klen, const char *id)
{
	MDB_val k = {klen, (void *)key}, v = {strlen(id), (void *)id};

	cr_assert_eq(mdb_put(r->txn, r->index, &k, &v, MDB_NODUPDATA), 0);
}

static size_t
raw_entries(const char *dir)
{
	struct raw r;
	MDB_stat st;

	raw_open(&r, dir);
	cr_assert_eq(mdb_stat(r.txn, r.index, &st), 0);
	raw_close(&r);
	return st.ms_entries;
}

/* 1 if the meta database holds the index declaration hash. */
static int
raw_has_hash(const char *dir)
{
	MDB_val k = {5, "index"}, v;
	struct raw r;
	int found;

	raw_open(&r, dir);
	found = mdb_get(r.txn, r.meta, &k, &v) == 0;
	raw_close(&r);
	return found;
}

static void
raw_meta(const char *dir, const char *key, const char *val)
{
	MDB_val k = {strlen(key), (void *)key}, v;
	struct raw r;

	raw_open(&r, dir);
	if (val == NULL) {
		cr_assert_eq(mdb_del(r.txn, r.meta, &k, NULL), 0);
	} else {
		v = (MDB_val){strlen(val), (void *)val};
		cr_assert_eq(mdb_put(r.txn, r.meta, &k, &v, 0), 0);
	}
	raw_close(&r);
}

/* ------------------------------------------------------ the checks */

static void
collect(void *arg, const char *what, const char *msg)
{
	if (what != NULL)
		buf_printf(arg, "problem: %s: %s\n", what, msg);
	else
		buf_printf(arg, "%s\n", msg);
}

/*
 * Every check `scimcred check` runs, as it runs them (main.c): the
 * store's, the records', then the indexes' with the declaration loaded
 * but not attached. Returns the problem count; text in b.
 */
static size_t
run(const char *dir, struct buf *b)
{
	struct scim_config cfg = {.default_count = 100, .max_count = 1000};
	struct store *st = fixture_store_open(dir, 0, 0);
	struct scim *s = NULL;
	struct scim_err err = {0};
	size_t n1 = 99, n2 = 99, n3 = 99;

	buf_init(b);
	cfg.schemas_dir = scim_config(ox_scim())->schemas_dir;
	cfg.indexes_detached = 1;
	cr_assert_eq(store_check(st, collect, b, &n1, &err), 0);
	cr_assert_eq(scim_new(st, &cfg, &s, &err), 0, "%s", err.detail);
	cr_assert_eq(check_records(s, collect, b, &n2, &err), 0);
	cr_assert_eq(store_index_check(st, index_set_indexer(scim_indexes(s)),
			 collect, b, &n3, &err),
	    0, "%s", err.detail);
	scim_free(s);
	store_close(st);
	return n1 + n2 + n3;
}

static int
has(struct buf *b, const char *text)
{
	return strstr(buf_cstr(b), text) != NULL;
}

/* ------------------------------------------------------------ tests */

Test(check_index, backup_of_a_clean_store_passes)
{
	size_t entries = raw_entries(copy);
	struct buf b;

	cr_assert_gt(entries, 4, "the users have indexed values");
	cr_assert_eq(run(copy, &b), 0, "%s", buf_cstr(&b));
	cr_expect(has(&b,
		      arena_printf(ox_arena(),
			  "index: %zu entries checked, 2 records, 0 problems",
			  entries)),
	    "%s", buf_cstr(&b));
	buf_free(&b);
}

Test(check_index, deleted_entry_names_the_record_not_indexed)
{
	char key[512];
	size_t klen;
	struct raw r;
	struct buf b;
	MDB_val k, v = {strlen(ann), (void *)ann};

	raw_open(&r, copy);
	raw_find(&r, "displayName", ann, key, &klen);
	k = (MDB_val){klen, key};
	cr_assert_eq(mdb_del(r.txn, r.index, &k, &v), 0);
	raw_close(&r);
	cr_assert_eq(run(copy, &b), 1, "%s", buf_cstr(&b));
	cr_expect(
	    has(&b,
		arena_printf(ox_arena(),
		    "problem: index: t1/User/%s: not indexed: 1 of its", ann)),
	    "%s", buf_cstr(&b));
	cr_expect(has(&b, "such as displayName:\"\\x02ann example"), "%s",
	    buf_cstr(&b));
	buf_free(&b);
}

Test(check_index, entry_for_a_missing_id_is_named)
{
	char key[512];
	size_t klen;
	struct raw r;
	struct buf b;

	raw_open(&r, copy);
	raw_find(&r, "displayName", ann, key, &klen);
	raw_put(&r, key, klen, "no-such-id");
	raw_close(&r);
	cr_assert_eq(run(copy, &b), 1, "%s", buf_cstr(&b));
	cr_expect(
	    has(&b, "problem: index: t1/User/no-such-id: entry displayName:"),
	    "%s", buf_cstr(&b));
	cr_expect(
	    has(&b, "names a record that does not exist"), "%s", buf_cstr(&b));
	buf_free(&b);
}

/* Ann's displayName entry naming Bob: Bob exists, but his displayName
 * does not derive it. */
Test(check_index, entry_whose_value_does_not_match_is_named)
{
	char key[512];
	size_t klen;
	struct raw r;
	struct buf b;

	raw_open(&r, copy);
	raw_find(&r, "displayName", ann, key, &klen);
	raw_put(&r, key, klen, bob);
	raw_close(&r);
	cr_assert_eq(run(copy, &b), 1, "%s", buf_cstr(&b));
	cr_expect(has(&b,
		      arena_printf(ox_arena(),
			  "problem: index: t1/User/%s: entry "
			  "displayName:\"\\x02ann example\\x00\" does not "
			  "match the record",
			  bob)),
	    "%s", buf_cstr(&b));
	buf_free(&b);
}

/* All three at once, and entries no declaration explains: each is
 * counted once. */
Test(check_index, every_kind_of_damage_counted_once)
{
	static const char unindexed[] = "t1\0Population\0name\0\x02x";
	char key[512];
	size_t klen;
	struct raw r;
	struct buf b;
	MDB_val k, v = {strlen(bob), (void *)bob};

	raw_open(&r, copy);
	raw_find(&r, "emails.value", bob, key, &klen);
	k = (MDB_val){klen, key};
	cr_assert_eq(mdb_del(r.txn, r.index, &k, &v), 0);
	raw_find(&r, "displayName", bob, key, &klen);
	raw_put(&r, key, klen, ann);
	raw_put(&r, key, klen, "gone");
	raw_put(&r, unindexed, sizeof(unindexed) - 1, "p1");
	raw_put(&r, "garbage", 7, "x");
	raw_close(&r);
	cr_assert_eq(run(copy, &b), 5, "%s", buf_cstr(&b));
	cr_expect(has(&b, arena_printf(ox_arena(), "%s: not indexed", bob)));
	cr_expect(has(&b,
	    arena_printf(ox_arena(),
		"%s: entry displayName:\"\\x02bob example\\x00\" "
		"does not match",
		ann)));
	cr_expect(has(&b, "t1/User/gone: entry displayName:"));
	cr_expect(has(&b,
	    "t1/Population/p1: entry name:\"\\x02x\" is for a "
	    "resource type that has no index"));
	cr_expect(has(&b, "malformed entry \"garbage\""), "%s", buf_cstr(&b));
	buf_free(&b);
}

/* A record written without the indexer removes the hash; check says so
 * once, and neither rebuilds nor writes the hash back (a server would,
 * at its next start). */
Test(check_index, missing_hash_reported_and_not_rebuilt)
{
	size_t entries = raw_entries(copy);
	struct buf b;

	raw_meta(copy, "index", NULL);
	cr_assert_eq(run(copy, &b), 1, "%s", buf_cstr(&b));
	cr_expect(has(&b,
		      "problem: index: no index declaration hash is "
		      "recorded"),
	    "%s", buf_cstr(&b));
	cr_expect(has(&b,
	    "the server rebuilds the indexes when it next "
	    "starts"));
	cr_expect(has(&b,
		      arena_printf(ox_arena(),
			  "index: %zu entries not compared, 2 records, 1 "
			  "problems",
			  entries)),
	    "%s", buf_cstr(&b));
	buf_free(&b);
	cr_expect_not(raw_has_hash(copy), "check wrote the hash");
	cr_expect_eq(raw_entries(copy), entries);
}

Test(check_index, other_declaration_reported)
{
	struct buf b;

	raw_meta(copy, "index", "0123");
	cr_assert_eq(run(copy, &b), 1, "%s", buf_cstr(&b));
	cr_expect(has(&b, "built for another declaration"), "%s", buf_cstr(&b));
	buf_free(&b);
}

/* A store no server has started (no hash) with nothing to index is not
 * a problem. */
Test(check_index, never_started_empty_store_passes)
{
	char *dir = fixture_dir_new();
	struct store *st = fixture_store_open(dir, 0, 0);
	struct buf b;

	cr_assert_eq(fixture_write(st, add_t1, NULL), 0);
	store_close(st);
	cr_assert_not(raw_has_hash(dir));
	cr_assert_eq(run(dir, &b), 0, "%s", buf_cstr(&b));
	cr_expect(has(&b,
		      "index: 0 entries not compared, 0 records, 0 "
		      "problems"),
	    "%s", buf_cstr(&b));
	buf_free(&b);
	fixture_dir_free(dir);
}

/* --------------------------------------------------------- restore */

/* A format-1 backup (no index database, no hash) restores, is upgraded
 * on the way, and is indexed at the next start. */
Test(check_index, restore_accepts_a_format_1_backup)
{
	char *target = fixture_dir_new();
	struct scim_config cfg = {.default_count = 100, .max_count = 1000};
	struct scim_err err = {0};
	struct store *st;
	struct scim *s = NULL;
	struct raw r;
	struct buf b;
	MDB_val k = {5, "index"}, fk = {6, "format"}, fv = {1, "1"};

	raw_open(&r, copy);
	cr_assert_eq(mdb_drop(r.txn, r.index, 1), 0);
	cr_assert_eq(mdb_del(r.txn, r.meta, &k, NULL), 0);
	cr_assert_eq(mdb_put(r.txn, r.meta, &fk, &fv, 0), 0);
	cr_assert_eq(mdb_txn_commit(r.txn), 0);
	mdb_env_close(r.env);
	cr_assert_eq(store_restore(target, copy, &err), 0, "%s", err.detail);
	cr_assert_eq(run(target, &b), 1, "%s", buf_cstr(&b));
	cr_expect(has(&b, "no index declaration hash"), "%s", buf_cstr(&b));
	buf_free(&b);
	/* What the server's start does: attach, which rebuilds. */
	cfg.schemas_dir = scim_config(ox_scim())->schemas_dir;
	st = fixture_store_open(target, 0, 0);
	cr_assert_eq(scim_new(st, &cfg, &s, &err), 0, "%s", err.detail);
	scim_free(s);
	store_close(st);
	cr_assert_eq(run(target, &b), 0, "%s", buf_cstr(&b));
	cr_expect(has(&b, "2 records, 0 problems"), "%s", buf_cstr(&b));
	buf_free(&b);
	fixture_dir_free(target);
}

Test(check_index, restore_refuses_a_newer_format)
{
	char *target = fixture_dir_new();
	char path[600];
	struct scim_err err = {0};

	raw_meta(copy, "format", "3");
	cr_assert_neq(store_restore(target, copy, &err), 0);
	cr_expect(strstr(err.detail,
		      arena_printf(ox_arena(),
			  "the backup in %s has format version 3, and this "
			  "scimcred restores formats 1 to %d",
			  copy, STORE_FORMAT_VERSION)) != NULL,
	    "%s", err.detail);
	snprintf(path, sizeof(path), "%s/data.mdb", target);
	cr_expect_neq(access(path, F_OK), 0, "nothing was put in place");
	fixture_dir_free(target);
}
