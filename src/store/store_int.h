/*
 * Private to src/store: the layouts and helpers shared by store.c (the
 * environment, transactions and map growth) and store_data.c (keys and
 * the record, uniqueness, tenant and bucket operations). Nothing outside
 * src/store includes this file.
 */
#ifndef STORE_STORE_INT_H
#define STORE_STORE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include <lmdb.h>

#include "store/store.h"
#include "util/buf.h"

/*
 * Key bounds. STORE_KEY_MAX is part of the on-disk format, not read from
 * the library at run time: whether a uniqueness value is stored raw or
 * hashed must not change when the same file is opened by an LMDB built
 * with a larger key limit, or one value could own two keys.
 */
#define STORE_KEY_MAX 511
#define STORE_TENANT_MAX 63
#define STORE_TYPE_MAX 64
#define STORE_ID_MAX 64
#define STORE_ATTR_MAX 128

/* The named databases, all opened once in store_open(). */
enum store_dbi {
	STORE_DBI_META, /* "format" -> decimal format version */
	STORE_DBI_RECORDS, /* tenant \0 type \0 id -> record bytes */
	STORE_DBI_UNIQ, /* tenant \0 type \0 attr \0 value -> id */
	STORE_DBI_TENANTS, /* tenant name -> empty */
	STORE_DBI_TOKENS, /* token hash -> auth's token record */
	STORE_DBI_TOKEN_IDS, /* tenant \0 token id -> token hash */
	/* Added after format 1 first shipped: created on open when an
	 * older store lacks it (it starts empty, as it would have been). */
	STORE_DBI_EDGES, /* tenant \0 kind \0 from \0 to -> value */
	/* Format 2: secondary indexes (store_index.c), DUPSORT. */
	STORE_DBI_INDEX, /* tenant \0 type \0 index key -> id (dups) */
	STORE_DBI_COUNT
};

struct store {
	MDB_env *env;
	MDB_dbi dbi[STORE_DBI_COUNT];
	/*
	 * Every transaction holds this shared for its whole life; changing
	 * the map size holds it exclusive, because LMDB requires that no
	 * transaction of this process is active while the map is resized.
	 */
	pthread_rwlock_t lock;
	int lock_ready;
	size_t map_size; /* written only under the exclusive lock */
	size_t map_max;
	/* When the last write failed for lack of storage, in CLOCK_MONOTONIC
	 * seconds; 0 after a commit succeeds (store_ready). */
	atomic_llong write_failed_at;
	/* The attached indexer (store_index_attach); keys NULL: none. Set
	 * at start-up before any other thread uses the store. */
	struct store_indexer ix;
};

struct store_txn {
	struct store *s;
	MDB_txn *txn;
	int rdonly;
	int excl; /* begun under the exclusive lock (the reserve) */
	int wrote; /* something was put, not only deleted */
	int deleted; /* a record was deleted (the reserve admits it) */
	int map_full; /* a put hit MDB_MAP_FULL: store_write grows, reruns */
	int fail_mrc; /* first failed LMDB call: never commit after one */
	size_t map_seen; /* map size when the transaction began */
};

/*
 * Translates an LMDB error into SCIM_E_STORAGE or SCIM_E_UNAVAILABLE
 * with a short client-safe detail (no paths, no errno text), logs the
 * library's own message, and marks t (if not NULL) as failed so it is
 * never committed.
 */
int store_lmdb_fail(struct store_txn *t, int mrc, struct scim_err *err);

/* SCIM_E_INTERNAL unless t is a write transaction. */
int store_writable(struct store_txn *t, struct scim_err *err);

/*
 * store_index.c: keeps the secondary indexes of record tenant/type/id in
 * step with a change of its bytes. Called by the record writers before
 * the record changes (put, del: the old bytes are read from the records
 * database) or after (add: there are none); has_new 0 for a delete.
 */
int store_index_rec(struct store_txn *t, struct str tenant, struct str type,
    struct str id, int has_old, int has_new, struct str next,
    struct scim_err *err);
/* The meta key holding the attached declaration's version. */
#define STORE_META_INDEX_KEY "index"

/*
 * store_check.c: the state one check run shares with the checks of each
 * database. A database whose code lives elsewhere in src/store (the
 * secondary indexes of store_index.c) checks itself with a function of
 * this signature, added as one row to store_check.c's step table.
 */
struct store_check_ctx {
	struct store *s;
	MDB_txn *txn; /* one read transaction for the whole run */
	store_check_report report;
	void *arg;
	size_t problems;
};
typedef int (*store_check_step)(struct store_check_ctx *c);
/* Reports one problem (printf-style; the text is escaped first). */
void store_check_problem(struct store_check_ctx *c, const char *what,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports one summary line ("what: n keys"). */
void store_check_summary(
    struct store_check_ctx *c, const char *what, size_t n, size_t bad);
/* 1 if tenant exists. */
int store_check_tenant(struct store_check_ctx *c, struct str tenant);
/* 1 if the record tenant/type/id exists. */
int store_check_record(struct store_check_ctx *c, struct str tenant,
    struct str type, struct str id);
/* Splits key into nparts NUL-separated parts (the last takes the rest,
 * NULs included); 0, or -1 if there are fewer separators or a part
 * other than the last is empty. */
int store_check_split(MDB_val key, struct str *parts, size_t nparts);

/*
 * store_index.c: the index entries (ikeys: what follows tenant \0 type
 * \0 in an index key) of one record, as the store writes them and
 * store_index_check.c compares them: the indexer's, plus the store's own
 * entry for every record (STORE_IKEY_ALL), each cut to `room` bytes,
 * sorted and distinct. A set is reused across records; zero it first,
 * free it with store_ikeys_free.
 */
struct store_ikeys {
	struct buf bytes; /* each ikey as size_t length, then its bytes */
	size_t *off;
	size_t n, cap;
	struct str *keys; /* views into bytes, sorted, after derive */
	size_t kcap;
	size_t room; /* longest ikey that fits after the prefix */
};
/* No index name is empty, so no indexer's ikey starts with \0. */
#define STORE_IKEY_ALL ((struct str){"\0", 1})
/* Derives rec's ikeys (rec.ptr NULL: none) with ix into set; 0, or the
 * indexer's error (set then holds what it emitted). */
int store_ikeys_derive(const struct store_indexer *ix, struct str type,
    struct str rec, size_t room, struct store_ikeys *set);
/* 1 if set holds k. */
int store_ikeys_has(const struct store_ikeys *set, struct str k);
void store_ikeys_free(struct store_ikeys *set);

#endif
