/*
 * Private to src/store: the layouts and helpers shared by store.c (the
 * environment, transactions and map growth) and store_data.c (keys and
 * the record, uniqueness, tenant and bucket operations). Nothing outside
 * src/store includes this file.
 */
#ifndef STORE_STORE_INT_H
#define STORE_STORE_INT_H

#include <pthread.h>
#include <stddef.h>

#include <lmdb.h>

#include "store/store.h"

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
};

struct store_txn {
	struct store *s;
	MDB_txn *txn;
	int rdonly;
	int excl; /* begun under the exclusive lock (the reserve) */
	int wrote; /* something was put, not only deleted */
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

#endif
