/*
 * The LMDB environment: opening and checking it, transactions, and
 * growing the map when it fills (HARDENING.md, "LMDB"; STYLE.md §6).
 * The data operations live in store_data.c.
 *
 * Reader slots. The environment is opened without MDB_NOTLS: scimcred's
 * threads are long-lived OS threads (memcached-style workers) that each
 * hold at most one transaction at a time and end it on the thread that
 * began it, which is exactly LMDB's default model. A thread then keeps one
 * reader slot for its life instead of taking the reader-table mutex for
 * every read, and the slot is released by LMDB when the thread exits.
 * max_readers must therefore cover the worker threads of every process
 * using the directory (server and CLI).
 *
 * Map growth. LMDB may only resize the map while no transaction of this
 * process is active, so every transaction holds s->lock shared and the
 * grower takes it exclusive. The lock prefers writers, so a steady stream
 * of readers cannot starve a growth, and a thread holding one transaction
 * may not begin a second on the same store (it would wait on itself).
 */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/num.h"
#include "util/xmalloc.h"

#define DEFAULT_MAP_SIZE ((size_t)64 << 20)
#define DEFAULT_MAP_MAX ((size_t)16 << 30)
#define DEFAULT_MAX_READERS 256
/* Each retry either commits or doubles the map, so 64 is never reached
 * unless other threads keep taking the new space first. */
#define WRITE_ATTEMPTS 64
#define META_FORMAT_KEY "format"
/* Smallest reserve for deletes past the maximum; see write_in_reserve. */
#define RESERVE_MIN ((size_t)1 << 20)

static const char *const full_detail =
    "storage is full: the database reached its configured maximum size";

static uint64_t
usec_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (uint64_t)(t1.tv_sec - t0->tv_sec) * 1000000u +
	    (uint64_t)((t1.tv_nsec - t0->tv_nsec) / 1000);
}

/* Remembers a write refused for lack of storage, for store_ready. */
static void
write_failed(struct store *s)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	atomic_store(&s->write_failed_at, (long long)now.tv_sec + 1);
}

/* Only the default flags are durable (HARDENING.md); store_open checks
 * the environment's flags after opening and refuses any of these: */
static const unsigned int unsafe_flags =
    MDB_NOSYNC | /* refused: commits would not be synced */
    MDB_NOMETASYNC | /* refused: the meta page would not be synced */
    MDB_MAPASYNC | /* refused: asynchronous flushes of the map */
    MDB_WRITEMAP | /* refused: stray pointer writes reach the file */
    MDB_NOMEMINIT; /* refused: heap bytes could leak into the file */

static const char *const dbi_names[STORE_DBI_COUNT] = {
    [STORE_DBI_META] = "meta",
    [STORE_DBI_RECORDS] = "records",
    [STORE_DBI_UNIQ] = "uniq",
    [STORE_DBI_TENANTS] = "tenants",
    [STORE_DBI_TOKENS] = "tokens",
    [STORE_DBI_TOKEN_IDS] = "token_ids",
    [STORE_DBI_EDGES] = "edges",
    [STORE_DBI_INDEX] = "index",
};

/* The first database that format 1 did not always have: it and later
 * ones are created in an existing store instead of refusing it. */
#define DBI_FIRST_ADDED STORE_DBI_EDGES

/* The store whose transaction this thread holds, to turn a second begin
 * on the same store (a deadlock under growth) into an error. */
static _Thread_local const struct store *txn_holder;

int
store_lmdb_fail(struct store_txn *t, int mrc, struct scim_err *err)
{
	int code = SCIM_E_STORAGE;
	const char *detail;

	if (t != NULL && t->fail_mrc == 0)
		t->fail_mrc = mrc;
	switch (mrc) {
	case MDB_MAP_FULL:
		if (t != NULL)
			t->map_full = 1;
		detail = full_detail;
		break;
	case ENOSPC:
		detail = "storage is full: no space is left on the device";
		break;
	case EIO:
		detail = "storage failure: an I/O error occurred";
		break;
	case MDB_TXN_FULL:
		detail = "storage failure: the change is too large for one "
			 "transaction";
		break;
	case MDB_READERS_FULL:
	case ENOMEM:
		code = SCIM_E_UNAVAILABLE;
		detail = "the server is busy; retry later";
		break;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_PANIC:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		detail = "storage failure: the database is damaged";
		break;
	default:
		detail = "storage failure";
		break;
	}
	if (mrc == MDB_MAP_FULL)
		log_debug("lmdb: %s", mdb_strerror(mrc));
	else
		log_error("lmdb: %s", mdb_strerror(mrc));
	return scim_err_set(err, code, "%s", detail);
}

int
store_writable(struct store_txn *t, struct scim_err *err)
{
	if (t == NULL || t->rdonly) {
		log_error("write attempted in a read transaction");
		return scim_err_set(err, SCIM_E_INTERNAL, "internal error");
	}
	return 0;
}

static size_t
map_size_now(struct store *s)
{
	MDB_envinfo info;

	if (mdb_env_info(s->env, &info) != 0)
		return s->map_size;
	return info.me_mapsize;
}

/* Defaults, page rounding and sanity of the options. */
static int
opts_resolve(
    const struct store_opts *in, struct store_opts *o, struct scim_err *err)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int rc = 0;

	o->map_size =
	    in != NULL && in->map_size ? in->map_size : DEFAULT_MAP_SIZE;
	o->map_max = in != NULL && in->map_max ? in->map_max : DEFAULT_MAP_MAX;
	o->max_readers = in != NULL && in->max_readers ? in->max_readers
						       : DEFAULT_MAX_READERS;
	if (o->map_size > SIZE_MAX - page) {
		rc = scim_err_set(
		    err, SCIM_E_INVALID_VALUE, "the map size is too large");
		goto out;
	}
	o->map_size = (o->map_size + page - 1) / page * page;
	o->map_max = o->map_max / page * page;
	if (o->map_max < o->map_size) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "the maximum map size (%zu bytes) is smaller than the "
		    "initial map size (%zu bytes)",
		    o->map_max, o->map_size);
		goto out;
	}
	rc = 0;
out:
	return rc;
}

static int
env_open(struct store *s, const char *dir, const struct store_opts *o,
    struct scim_err *err)
{
	unsigned int flags = 0;
	int mrc, dead = 0, rc = 0;

	mrc = mdb_env_create(&s->env);
	if (mrc != 0) {
		s->env = NULL;
		goto fail;
	}
	if ((mrc = mdb_env_set_maxreaders(s->env, o->max_readers)) != 0 ||
	    (mrc = mdb_env_set_maxdbs(s->env, STORE_DBI_COUNT)) != 0 ||
	    (mrc = mdb_env_set_mapsize(s->env, o->map_size)) != 0)
		goto fail;
	/* Default flags only: the durable configuration. */
	mrc = mdb_env_open(s->env, dir, 0, 0600);
	if (mrc != 0)
		goto fail;
	if ((mrc = mdb_env_get_flags(s->env, &flags)) != 0)
		goto fail;
	if ((flags & unsafe_flags) != 0) {
		rc = scim_err_set(err, SCIM_E_STORAGE,
		    "refusing to open %s: the environment has a flag that "
		    "gives up durability (0x%x)",
		    dir, flags & unsafe_flags);
		goto out;
	}
	if (mdb_env_get_maxkeysize(s->env) < STORE_KEY_MAX) {
		rc = scim_err_set(err, SCIM_E_STORAGE,
		    "refusing to open %s: this LMDB allows keys of %d bytes, "
		    "scimcred needs %d",
		    dir, mdb_env_get_maxkeysize(s->env), STORE_KEY_MAX);
		goto out;
	}
	if ((mrc = mdb_reader_check(s->env, &dead)) != 0)
		goto fail;
	if (dead > 0)
		log_warn("cleared %d stale reader slot(s)", dead);
	s->map_size = map_size_now(s);
	s->map_max = o->map_max;
	rc = 0;
	goto out;
fail:
	rc = scim_err_set(err, SCIM_E_STORAGE,
	    "cannot open the database in %s: %s", dir, mdb_strerror(mrc));
out:
	return rc;
}

/* Reads and checks the format version of an existing store; *upgrade
 * is set when it is an older format this one upgrades on open. */
static int
format_check(struct store *s, MDB_txn *txn, const char *dir, int *upgrade,
    struct scim_err *err)
{
	MDB_val k = {sizeof(META_FORMAT_KEY) - 1, META_FORMAT_KEY}, v;
	int64_t ver = 0;
	int mrc, rc = 0;

	mrc = mdb_get(txn, s->dbi[STORE_DBI_META], &k, &v);
	if (mrc != 0 ||
	    num_parse_range(
		str_make(v.mv_data, v.mv_size), 1, INT32_MAX, &ver) != 0) {
		rc = scim_err_set(err, SCIM_E_STORAGE,
		    "%s holds no readable scimcred format version; it is not "
		    "a scimcred database or it is damaged",
		    dir);
		goto out;
	}
	*upgrade = ver >= STORE_FORMAT_OLDEST && ver < STORE_FORMAT_VERSION;
	if (ver != STORE_FORMAT_VERSION && !*upgrade) {
		rc = scim_err_set(err, SCIM_E_STORAGE,
		    "the database in %s has format version %lld but this "
		    "scimcred uses format version %d: run a scimcred release "
		    "that uses format %lld, or export the data with it and "
		    "import it into a new, empty directory",
		    dir, (long long)ver, STORE_FORMAT_VERSION, (long long)ver);
		goto out;
	}
	rc = 0;
out:
	return rc;
}

/*
 * Opens every named database in one transaction. An environment with no
 * named databases yet is new: they are created and the format version is
 * written. Anything else must already be a complete scimcred store.
 */
static int
dbs_open(struct store *s, const char *dir, struct scim_err *err)
{
	MDB_txn *txn = NULL;
	MDB_dbi main_dbi;
	MDB_stat st;
	char ver[16];
	MDB_val k = {sizeof(META_FORMAT_KEY) - 1, META_FORMAT_KEY}, v;
	int mrc, rc = 0, i, fresh, upgrade = 0;

	if ((mrc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		goto fail;
	if ((mrc = mdb_dbi_open(txn, NULL, 0, &main_dbi)) != 0 ||
	    (mrc = mdb_stat(txn, main_dbi, &st)) != 0)
		goto fail;
	fresh = st.ms_entries == 0;
	for (i = 0; i < STORE_DBI_COUNT; i++) {
		mrc = mdb_dbi_open(txn, dbi_names[i],
		    (fresh || i >= DBI_FIRST_ADDED ? MDB_CREATE : 0) |
			(i == STORE_DBI_INDEX ? MDB_DUPSORT : 0),
		    &s->dbi[i]);
		if (mrc == MDB_NOTFOUND) {
			rc = scim_err_set(err, SCIM_E_STORAGE,
			    "%s is not a complete scimcred database (no "
			    "\"%s\" database)",
			    dir, dbi_names[i]);
			goto out;
		}
		if (mrc != 0)
			goto fail;
	}
	if (!fresh && (rc = format_check(s, txn, dir, &upgrade, err)) != 0)
		goto out;
	if (fresh || upgrade) {
		/* Format 1 -> 2 only adds the index database, created above
		 * and filled when the indexer is attached. */
		v.mv_size = (size_t)snprintf(
		    ver, sizeof(ver), "%d", STORE_FORMAT_VERSION);
		v.mv_data = ver;
		mrc = mdb_put(txn, s->dbi[STORE_DBI_META], &k, &v, 0);
		if (mrc != 0)
			goto fail;
		if (upgrade)
			log_info("%s upgraded to format version %d", dir,
			    STORE_FORMAT_VERSION);
	}
	mrc = mdb_txn_commit(txn);
	txn = NULL;
	if (mrc != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = scim_err_set(err, SCIM_E_STORAGE,
	    "cannot open the databases in %s: %s", dir, mdb_strerror(mrc));
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	return rc;
}

static int
lock_init(struct store *s, struct scim_err *err)
{
	pthread_rwlockattr_t attr;
	int rc = 0;

	if (pthread_rwlockattr_init(&attr) != 0)
		return scim_err_set(
		    err, SCIM_E_INTERNAL, "cannot create a lock");
	pthread_rwlockattr_setkind_np(
	    &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	if (pthread_rwlock_init(&s->lock, &attr) != 0)
		rc = scim_err_set(err, SCIM_E_INTERNAL, "cannot create a lock");
	else
		s->lock_ready = 1;
	pthread_rwlockattr_destroy(&attr);
	return rc;
}

int
store_open(const char *dir, const struct store_opts *opts, struct store **out,
    struct scim_err *err)
{
	struct store *s = NULL;
	struct store_opts o;
	int rc = 0;

	*out = NULL;
	if ((rc = opts_resolve(opts, &o, err)) != 0)
		goto out;
	s = xcalloc(1, sizeof(*s));
	if ((rc = lock_init(s, err)) != 0 ||
	    (rc = env_open(s, dir, &o, err)) != 0 ||
	    (rc = dbs_open(s, dir, err)) != 0)
		goto out;
	log_info("store opened: map %zu bytes, maximum %zu", s->map_size,
	    s->map_max);
	*out = s;
	s = NULL;
	rc = 0;
out:
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->env != NULL)
		mdb_env_close(s->env);
	if (s->lock_ready)
		pthread_rwlock_destroy(&s->lock);
	free(s);
}

int
store_reader_check(struct store *s)
{
	int dead = 0, mrc;

	mrc = mdb_reader_check(s->env, &dead);
	if (mrc != 0)
		return store_lmdb_fail(NULL, mrc, NULL);
	if (dead > 0)
		log_warn("cleared %d stale reader slot(s)", dead);
	return dead;
}

/* Another process grew the map past ours: adopt its size. */
static int
map_adopt(struct store *s, struct scim_err *err)
{
	size_t now = 0;
	int mrc;

	pthread_rwlock_wrlock(&s->lock);
	mrc = mdb_env_set_mapsize(s->env, 0);
	if (mrc == 0)
		s->map_size = now = map_size_now(s);
	pthread_rwlock_unlock(&s->lock);
	if (mrc != 0)
		return store_lmdb_fail(NULL, mrc, err);
	log_info("map size adopted from another process: %zu bytes", now);
	return 0;
}

/*
 * Doubles the map (capped at map_max) unless another thread already
 * changed it since `seen`, in which case the caller just retries.
 * Returns 0, 1 when the map is already at its maximum, or an error.
 */
static int
map_grow(struct store *s, size_t seen, struct scim_err *err)
{
	size_t want, before;
	int mrc, rc = 0;

	pthread_rwlock_wrlock(&s->lock);
	before = s->map_size;
	if (before != seen) {
		rc = 0;
		goto out;
	}
	if (before >= s->map_max) {
		rc = 1;
		goto out;
	}
	want = before > s->map_max / 2 ? s->map_max : before * 2;
	mrc = mdb_env_set_mapsize(s->env, want);
	if (mrc != 0) {
		rc = store_lmdb_fail(NULL, mrc, err);
		goto out;
	}
	s->map_size = map_size_now(s);
	log_info("map grown from %zu to %zu bytes", before, s->map_size);
	rc = 0;
out:
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

/*
 * Begins a transaction holding s->lock shared (see the file comment), or
 * with excl set under the exclusive lock the caller already holds.
 */
static int
txn_begin(struct store *s, unsigned int flags, int excl, struct store_txn *t,
    struct scim_err *err)
{
	int mrc, rc = 0, tries;

	memset(t, 0, sizeof(*t));
	if (txn_holder == s) {
		log_error("a thread began a second transaction on one store");
		rc = scim_err_set(err, SCIM_E_INTERNAL, "internal error");
		goto out;
	}
	for (tries = 0;; tries++) {
		if (!excl)
			pthread_rwlock_rdlock(&s->lock);
		mrc = mdb_txn_begin(s->env, NULL, flags, &t->txn);
		if (mrc == 0)
			break;
		if (!excl)
			pthread_rwlock_unlock(&s->lock);
		if (mrc != MDB_MAP_RESIZED || excl || tries >= 3) {
			rc = store_lmdb_fail(NULL, mrc, err);
			goto out;
		}
		if ((rc = map_adopt(s, err)) != 0)
			goto out;
	}
	t->s = s;
	t->rdonly = (flags & MDB_RDONLY) != 0;
	t->excl = excl;
	t->map_seen = s->map_size;
	if (txn_holder == NULL)
		txn_holder = s;
	rc = 0;
out:
	return rc;
}

/* After the LMDB transaction is committed or aborted. */
static void
txn_release(struct store_txn *t)
{
	t->txn = NULL;
	if (txn_holder == t->s)
		txn_holder = NULL;
	if (!t->excl)
		pthread_rwlock_unlock(&t->s->lock);
}

/*
 * One run of fn in one write transaction, committed only if fn succeeded
 * and no LMDB call failed. In the reserve (below), a caller's transaction
 * that put anything is not committed either, unless it also deleted a
 * record: only deletes may use it, with what they cause in the same
 * transaction (an audit record, Groups that lose a member).
 * t->map_full tells the caller that the map, not fn, was the problem.
 */
static int
write_once(struct store *s, int excl, int deletes_only, store_write_fn fn,
    void *arg, struct store_txn *t, struct scim_err *err)
{
	struct timespec t0;
	int rc, mrc = 0, refused;

	if ((rc = txn_begin(s, 0, excl, t, err)) != 0)
		return rc;
	rc = fn(t, arg, err);
	refused = deletes_only && t->wrote && !t->deleted;
	if (rc == 0 && t->fail_mrc == 0 && !refused) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		mrc = mdb_txn_commit(t->txn); /* frees t->txn, always */
		metrics_commit(usec_since(&t0));
		if (mrc == 0)
			atomic_store(&s->write_failed_at, 0);
		else
			write_failed(s);
	} else
		mdb_txn_abort(t->txn);
	txn_release(t);
	if (mrc == MDB_MAP_FULL || refused)
		t->map_full = 1;
	if (t->map_full)
		return SCIM_E_STORAGE;
	if (mrc != 0)
		return store_lmdb_fail(NULL, mrc, err);
	if (rc == 0 && t->fail_mrc != 0)
		/* fn ignored a failed call: report that call. */
		return store_lmdb_fail(NULL, t->fail_mrc, err);
	return rc;
}

/*
 * LMDB copies every page it changes, so even a delete needs free pages,
 * and a store that is full at its maximum could refuse the very deletes
 * that would make room. Such writes borrow a reserve past the maximum.
 * They run alone under the exclusive lock, so no other write of this
 * process can take the reserve, and afterwards the map goes back to the
 * maximum (LMDB keeps it at least at the used size).
 */
static int
write_in_reserve(struct store *s, int deletes_only, store_write_fn fn,
    void *arg, struct scim_err *err)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), cap, reserve;
	struct store_txn t;
	int rc, mrc;

	reserve = s->map_max / 64 / page * page;
	if (reserve < RESERVE_MIN)
		reserve = RESERVE_MIN;
	pthread_rwlock_wrlock(&s->lock);
	cap = s->map_size;
	mrc = mdb_env_set_mapsize(s->env, cap + reserve);
	if (mrc != 0) {
		rc = store_lmdb_fail(NULL, mrc, err);
		goto out;
	}
	rc = write_once(s, 1, deletes_only, fn, arg, &t, err);
	if ((mrc = mdb_env_set_mapsize(s->env, cap)) != 0)
		log_warn(
		    "the map stays past its maximum: %s", mdb_strerror(mrc));
	s->map_size = map_size_now(s);
	if (t.map_full)
		rc = scim_err_set(err, SCIM_E_STORAGE, "%s", full_detail);
out:
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

/*
 * Rewrites the format version unchanged, to make one commit. LMDB
 * reuses the pages a transaction N freed only from transaction N+2 on,
 * and a write that fails commits nothing: after deletes at N, a put that
 * needs their pages would stay N+1 and fail forever. This commit is N+1.
 */
static int
touch_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	char ver[16];
	MDB_val k = {sizeof(META_FORMAT_KEY) - 1, META_FORMAT_KEY}, v;
	int mrc;

	v.mv_size =
	    (size_t)snprintf(ver, sizeof(ver), "%d", STORE_FORMAT_VERSION);
	v.mv_data = ver;
	mrc = mdb_put(t->txn, t->s->dbi[STORE_DBI_META], &k, &v, 0);
	return mrc != 0 ? store_lmdb_fail(t, mrc, err) : 0;
}

int
store_write(struct store *s, store_write_fn fn, void *arg, struct scim_err *err)
{
	struct store_txn t;
	int attempt, rc = 0, touched = 0;

	for (attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
		rc = write_once(s, 0, 0, fn, arg, &t, err);
		if (!t.map_full)
			goto out;
		/* Nothing was written: make room and run fn again. */
		if ((rc = map_grow(s, t.map_seen, err)) != 1) {
			if (rc != 0)
				goto out;
			continue;
		}
		/* At the maximum. Deletes may use the reserve; anything else
		 * gets one more try once earlier deletes' pages are free. */
		if (!t.wrote || t.deleted) {
			rc = write_in_reserve(s, 1, fn, arg, err);
			goto out;
		}
		if (!touched++ &&
		    write_in_reserve(s, 0, touch_fn, NULL, NULL) == 0)
			continue;
		/* A delete that puts before it deletes (a cascade touching
		 * Groups first) is known only once run to the end: the
		 * reserve runs it and commits only if a record went. */
		if ((rc = write_in_reserve(s, 1, fn, arg, err)) !=
		    SCIM_E_STORAGE)
			goto out;
		log_warn("storage is full: the map reached its maximum of %zu "
			 "bytes",
		    s->map_max);
		write_failed(s);
		rc = scim_err_set(err, SCIM_E_STORAGE, "%s", full_detail);
		goto out;
	}
	log_warn("a write found no space after %d attempts", WRITE_ATTEMPTS);
	rc = scim_err_set(
	    err, SCIM_E_UNAVAILABLE, "the server is busy; retry later");
out:
	return rc;
}

int
store_read_begin(struct store *s, struct store_txn **out, struct scim_err *err)
{
	struct store_txn *t = xmalloc(sizeof(*t));
	int rc;

	*out = NULL;
	rc = txn_begin(s, MDB_RDONLY, 0, t, err);
	if (rc != 0) {
		free(t);
		goto out;
	}
	*out = t;
out:
	return rc;
}

void
store_read_end(struct store_txn *txn)
{
	if (txn == NULL)
		return;
	assert(txn->rdonly);
	mdb_txn_abort(txn->txn);
	txn_release(txn);
	free(txn);
}

int
store_stat(struct store *s, size_t *map_size, size_t *used_bytes)
{
	MDB_envinfo info;
	MDB_stat st;
	/* A thread inside a transaction already holds the lock shared;
	 * taking it again could wait behind a grower that waits on us. */
	int lock = txn_holder != s, mrc;

	if (lock)
		pthread_rwlock_rdlock(&s->lock);
	mrc = mdb_env_info(s->env, &info);
	if (mrc == 0)
		mrc = mdb_env_stat(s->env, &st);
	if (lock)
		pthread_rwlock_unlock(&s->lock);
	if (mrc != 0)
		return store_lmdb_fail(NULL, mrc, NULL);
	*map_size = info.me_mapsize;
	*used_bytes = (info.me_last_pgno + 1) * (size_t)st.ms_psize;
	return 0;
}

/* mdb_reader_list calls this with a header line, then one line per slot
 * a live reader holds ("(no active readers)" when none): the lines that
 * start with a pid are the slots. */
static int
count_reader(const char *msg, void *ctx)
{
	unsigned *n = ctx;

	while (*msg == ' ')
		msg++;
	if (*msg >= '0' && *msg <= '9')
		(*n)++;
	return 0;
}

int
store_readers(struct store *s, unsigned *used, unsigned *max)
{
	unsigned n = 0;
	int mrc;

	*used = *max = 0;
	mrc = mdb_reader_list(s->env, count_reader, &n);
	if (mrc < 0)
		return store_lmdb_fail(NULL, mrc, NULL);
	if ((mrc = mdb_env_get_maxreaders(s->env, max)) != 0)
		return store_lmdb_fail(NULL, mrc, NULL);
	*used = n;
	return 0;
}

/* Room on the data directory's file system: LMDB extends data.mdb as it
 * writes new pages, so a full disk fails writes (at commit) before the
 * map is full. */
static int
disk_ok(struct store *s)
{
	const char *path = NULL;
	struct statvfs v;

	if (mdb_env_get_path(s->env, &path) != 0 || path == NULL ||
	    statvfs(path, &v) != 0)
		return 0;
	if ((v.f_flag & ST_RDONLY) != 0)
		return 0;
	return (uint64_t)v.f_bavail * v.f_frsize >= ((uint64_t)1 << 20);
}

/*
 * A write refused for lack of storage makes the store unready for this
 * long. Not until the next successful commit: an unready instance may get
 * no writes at all (a load balancer takes it out), so readiness must come
 * back by itself once there is room, and the next refused write sets it
 * again.
 */
#define READY_FAIL_SECONDS 10

int
store_ready(struct store *s, struct store_ready *out)
{
	struct store_txn *txn = NULL;
	MDB_val k = {sizeof(META_FORMAT_KEY) - 1, META_FORMAT_KEY}, v;
	struct timespec now;
	long long failed;

	memset(out, 0, sizeof(*out));
	if (store_read_begin(s, &txn, NULL) == 0) {
		out->txn_ok =
		    mdb_get(txn->txn, s->dbi[STORE_DBI_META], &k, &v) == 0;
		store_read_end(txn);
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	failed = atomic_load(&s->write_failed_at);
	out->writes_ok =
	    failed == 0 || now.tv_sec + 1 - failed >= READY_FAIL_SECONDS;
	out->disk_ok = disk_ok(s);
	out->map_max = s->map_max;
	if (store_stat(s, &out->map_size, &out->used_bytes) != 0)
		out->txn_ok = 0;
	return out->txn_ok && out->writes_ok && out->disk_ok;
}
