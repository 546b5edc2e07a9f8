/*
 * Map growth (HARDENING.md, "Map full"): a write that fills the map is
 * rerun after the map doubles, a full map at its maximum answers
 * SCIM_E_STORAGE and keeps every earlier record, writes resume once space
 * is freed, readers keep working while another thread grows the map, and
 * a map grown by another process is adopted.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "store/store.h"
#include "store_fixture.h"

#define KIB ((size_t)1024)
#define MIB (KIB * KIB)
#define VAL_LEN 1500

static char *dir;

static void
setup(void)
{
	dir = fixture_dir_new();
}

static void
teardown(void)
{
	fixture_dir_free(dir);
	dir = NULL;
}

TestSuite(grow, .init = setup, .fini = teardown, .timeout = 120);

/* Record i's id and value: the value repeats a byte derived from i. */
static void
make_rec(size_t i, char id[32], char val[VAL_LEN])
{
	snprintf(id, 32, "id%06zu", i);
	memset(val, 'a' + (int)(i % 26), VAL_LEN);
	memcpy(val, id, strlen(id));
}

static int
put_rec(struct store *s, size_t i)
{
	char id[32], val[VAL_LEN];

	make_rec(i, id, val);
	return fixture_rec_put(
	    s, "t1", "Credential", id, str_make(val, VAL_LEN));
}

static int
rec_intact(struct store *s, size_t i)
{
	char id[32], val[VAL_LEN], *got;
	size_t len = 0;
	int ok;

	make_rec(i, id, val);
	got = fixture_rec_get(s, "t1", "Credential", id, &len);
	ok = got != NULL && len == VAL_LEN && memcmp(got, val, VAL_LEN) == 0;
	free(got);
	return ok;
}

struct big_put {
	int calls;
	size_t len;
};

static int
big_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct big_put *b = arg;
	char *val = malloc(b->len);
	int rc;

	b->calls++;
	memset(val, 'z', b->len);
	rc = store_rec_put(t, STR_LIT("t1"), STR_LIT("Blob"), STR_LIT("b1"),
	    str_make(val, b->len), err);
	free(val);
	return rc;
}

Test(grow, full_map_grows_and_reruns_the_write)
{
	struct store *s = fixture_store_open(dir, 256 * KIB, 16 * MIB);
	struct big_put b = {0, 2 * MIB};
	struct scim_err err = {0};
	size_t map = 0, used = 0, len = 0;
	char *got;

	cr_assert_eq(store_stat(s, &map, &used), 0);
	cr_expect_eq(map, 256 * KIB);
	cr_assert_eq(store_write(s, big_fn, &b, &err), 0, "%s", err.detail);
	cr_expect_geq(b.calls, 2, "fn ran again after growing");
	cr_assert_eq(store_stat(s, &map, &used), 0);
	cr_expect_geq(map, 4 * MIB);
	cr_expect_leq(map, 16 * MIB);
	got = fixture_rec_get(s, "t1", "Blob", "b1", &len);
	cr_expect_eq(len, 2 * MIB);
	free(got);
	store_close(s);
}

static int
del_range_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	size_t *range = arg, i;
	char id[32], val[VAL_LEN];
	int rc = 0;

	for (i = range[0]; i < range[1] && rc == 0; i++) {
		make_rec(i, id, val);
		rc = store_rec_del(
		    t, STR_LIT("t1"), STR_LIT("Credential"), str_from(id), err);
	}
	return rc;
}

Test(grow, full_at_maximum_then_writes_resume_after_deletes)
{
	struct store *s = fixture_store_open(dir, 256 * KIB, 4 * MIB);
	struct scim_err err = {0};
	size_t n, i, map = 0, used = 0, range[2];
	char id[32], val[VAL_LEN];
	int rc = 0, bad = 0;

	for (n = 0; n < 100000; n++) {
		make_rec(n, id, val);
		rc = fixture_rec_put(
		    s, "t1", "Credential", id, str_make(val, VAL_LEN));
		if (rc != 0)
			break;
	}
	cr_assert_eq(rc, SCIM_E_STORAGE, "writes never filled the map");
	cr_assert_gt(n, 500, "only %zu records fit in 4 MiB", n);
	cr_assert_eq(store_stat(s, &map, &used), 0);
	cr_expect_eq(map, 4 * MIB, "the map stopped at its maximum");

	/* The refused write changed nothing and everything before it is
	 * intact. */
	for (i = 0; i < n; i++)
		bad += !rec_intact(s, i);
	cr_expect_eq(bad, 0, "%d of %zu records damaged", bad, n);
	make_rec(n, id, val);
	cr_expect_null(fixture_rec_get(s, "t1", "Credential", id, &i));
	cr_expect_eq(put_rec(s, n), SCIM_E_STORAGE, "still full");

	/* Freeing space lets writes succeed without reopening: a lone
	 * delete, then deletes in batches. */
	for (i = 0; i < n / 4; i = range[1]) {
		range[0] = i;
		range[1] = i == 0 ? 1 : i + 50 < n / 4 ? i + 50 : n / 4;
		rc = store_write(s, del_range_fn, range, &err);
		cr_assert_eq(rc, 0, "delete from %zu: %s", i, err.detail);
	}
	for (i = n; i < n + 20; i++)
		cr_expect_eq(put_rec(s, i), 0, "write %zu after deletes", i);
	for (i = n / 4; i < n + 20; i++)
		bad += !rec_intact(s, i);
	cr_expect_eq(bad, 0);
	store_close(s);
}

/* Fills a store of at most `max` bytes; returns how many records fit. */
static size_t
fill(struct store *s)
{
	size_t n;
	int rc = 0;

	for (n = 0; n < 100000 && rc == 0; n++)
		rc = put_rec(s, n);
	cr_assert_eq(rc, SCIM_E_STORAGE, "writes never filled the map");
	return n - 1;
}

Test(grow, a_full_store_can_still_delete_many_at_once)
{
	struct store *s = fixture_store_open(dir, 256 * KIB, 4 * MIB);
	struct scim_err err = {0};
	size_t n, range[2], i;
	int bad = 0;

	n = fill(s);
	/* Deleting copies every page it touches: this needs free pages the
	 * full map doesn't have, so it runs in the reserve. */
	range[0] = 0;
	range[1] = 150;
	cr_assert_eq(
	    store_write(s, del_range_fn, range, &err), 0, "%s", err.detail);
	cr_expect_null(fixture_rec_get(s, "t1", "Credential", "id000000", &i));
	for (i = 150; i < n; i++)
		bad += !rec_intact(s, i);
	cr_expect_eq(bad, 0);
	for (i = n; i < n + 50; i++)
		cr_expect_eq(put_rec(s, i), 0, "write %zu after the delete", i);
	store_close(s);
}

static int
one_put_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	char id[32], val[VAL_LEN];

	make_rec(*(size_t *)arg, id, val);
	return store_rec_put(t, STR_LIT("t1"), STR_LIT("Credential"),
	    str_from(id), str_make(val, VAL_LEN), err);
}

Test(grow, storage_full_detail_is_plain)
{
	struct store *s = fixture_store_open(dir, 64 * KIB, 128 * KIB);
	struct scim_err err = {0};
	size_t i;
	int rc = 0;

	for (i = 0; i < 1000 && rc == 0; i++)
		rc = store_write(s, one_put_fn, &i, &err);
	cr_assert_eq(rc, SCIM_E_STORAGE);
	cr_expect_str_eq(err.detail,
	    "storage is full: the database reached "
	    "its configured maximum size");
	cr_expect_null(strstr(err.detail, dir), "no path in the detail");
	store_close(s);
}

/* --- readers while another thread grows the map --- */

#define PRELOAD 50
#define WRITES 1500
#define READERS 4

struct race {
	struct store *s;
	atomic_int writer_done;
	atomic_int failures;
	atomic_long reads;
};

static void *
reader_main(void *arg)
{
	struct race *r = arg;
	struct store_txn *t;
	struct str v;
	char id[32], val[VAL_LEN];
	size_t i, n;

	while (!atomic_load(&r->writer_done)) {
		t = NULL;
		if (store_read_begin(r->s, &t, NULL) != 0) {
			atomic_fetch_add(&r->failures, 1);
			continue;
		}
		for (i = 0; i < PRELOAD; i++) {
			make_rec(i, id, val);
			if (store_rec_get(t, STR_LIT("t1"),
				STR_LIT("Credential"), str_from(id), &v) != 0 ||
			    v.len != VAL_LEN ||
			    memcmp(v.ptr, val, VAL_LEN) != 0)
				atomic_fetch_add(&r->failures, 1);
		}
		if (store_rec_count(t, STR_LIT("t1"), STR_LIT("Credential"), &n,
			NULL) != 0 ||
		    n < PRELOAD)
			atomic_fetch_add(&r->failures, 1);
		store_read_end(t);
		atomic_fetch_add(&r->reads, 1);
	}
	return NULL;
}

static void *
writer_main(void *arg)
{
	struct race *r = arg;
	size_t i;

	for (i = PRELOAD; i < PRELOAD + WRITES; i++) {
		if (put_rec(r->s, i) != 0)
			atomic_fetch_add(&r->failures, 1);
	}
	atomic_store(&r->writer_done, 1);
	return NULL;
}

Test(grow, readers_keep_working_while_the_map_grows)
{
	struct race r = {0};
	pthread_t readers[READERS], writer;
	size_t i, map = 0, used = 0;
	int bad = 0;

	r.s = fixture_store_open(dir, 256 * KIB, 64 * MIB);
	for (i = 0; i < PRELOAD; i++)
		cr_assert_eq(put_rec(r.s, i), 0);
	for (i = 0; i < READERS; i++)
		cr_assert_eq(
		    pthread_create(&readers[i], NULL, reader_main, &r), 0);
	cr_assert_eq(pthread_create(&writer, NULL, writer_main, &r), 0);
	pthread_join(writer, NULL);
	for (i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	cr_expect_eq(atomic_load(&r.failures), 0);
	cr_expect_gt(atomic_load(&r.reads), 0);
	cr_assert_eq(store_stat(r.s, &map, &used), 0);
	cr_expect_geq(map, 2 * MIB, "the map grew (%zu)", map);
	for (i = 0; i < PRELOAD + WRITES; i++)
		bad += !rec_intact(r.s, i);
	cr_expect_eq(bad, 0);
	store_close(r.s);
}

/* --- a map grown by another process (the CLI) --- */

Test(grow, adopts_a_map_grown_by_another_process)
{
	struct store *s = fixture_store_open(dir, 256 * KIB, 64 * MIB);
	struct store *c;
	size_t i, map = 0, used = 0;
	pid_t pid;
	int status = -1;

	cr_assert_eq(put_rec(s, 0), 0);
	cr_assert(rec_intact(s, 0));
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		/* The child opens its own environment, never the parent's. */
		struct store_opts o = {8 * MIB, 64 * MIB, 0};
		int ok = store_open(dir, &o, &c, NULL) == 0;

		for (i = 1; ok && i < 1500; i++)
			ok = put_rec(c, i) == 0;
		store_close(c);
		_exit(ok ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(
	    WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed");
	/* The data now reaches past this process's 256 KiB map. */
	cr_expect(rec_intact(s, 1499));
	cr_expect(rec_intact(s, 0));
	cr_expect_eq(put_rec(s, 1500), 0);
	cr_expect(rec_intact(s, 1500));
	cr_assert_eq(store_stat(s, &map, &used), 0);
	cr_expect_geq(map, 2 * MIB);
	store_close(s);
}
