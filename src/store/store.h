/*
 * The LMDB store: one environment, every named database opened once at
 * start-up, default (durable) sync flags only. The store knows tenants,
 * resource-type names and ids as byte strings and records as opaque bytes;
 * it never sees yajl or libevent.
 *
 * Keys put the tenant first, so every tenant's data is a separate key
 * range: records are keyed tenant \0 type \0 id, uniqueness keys
 * tenant \0 type \0 attr \0 value. Tenant names, type names and ids are
 * bounded by the callers (tenant 63 bytes, type 64, id 64 bytes; a unique
 * value is hashed when the key would pass LMDB's 511-byte limit).
 *
 * Writes: store_write() runs a callback inside exactly one write
 * transaction and commits once with LMDB's durable default. When the map
 * is full (at put or at commit) it aborts, doubles the map up to the
 * configured maximum, and runs the callback again from the start, so a
 * callback must keep its effects inside the transaction (arena
 * allocations are fine). Past the maximum, or on ENOSPC/EIO, the answer is
 * SCIM_E_STORAGE; nothing is half-written.
 *
 * Memory returned by getters and iterators is borrowed from LMDB and dies
 * when the transaction ends: copy it into the arena first.
 *
 * Threads: any number of threads may use one struct store; each holds at
 * most one transaction at a time and never keeps one across a return to
 * the event loop.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util/scim_err.h"
#include "util/str.h"

/* 2 added the secondary indexes; a format-1 store is upgraded on open
 * (its indexes are built when the indexer is attached). */
#define STORE_FORMAT_VERSION 2
#define STORE_FORMAT_OLDEST 1

struct store;
struct store_txn;
struct store_iter;

struct store_opts {
	size_t map_size; /* initial map size in bytes (default 64 MiB) */
	size_t map_max; /* growth stops here (default 16 GiB) */
	unsigned max_readers; /* default 256 */
};

/*
 * Opens (creating if needed) the environment in dir, which must exist.
 * Refuses a format version it does not know, with a message naming both
 * versions. Runs mdb_reader_check. Caller frees with store_close().
 */
int store_open(const char *dir, const struct store_opts *opts,
    struct store **out, struct scim_err *err);
/* Accepts NULL. */
void store_close(struct store *s);
/* Clears stale reader slots left by dead processes; returns how many. */
int store_reader_check(struct store *s);

typedef int (*store_write_fn)(
    struct store_txn *txn, void *arg, struct scim_err *err);
/* One durable write transaction around fn; see above. Returns fn's error,
 * or SCIM_E_STORAGE / SCIM_E_UNAVAILABLE for storage failures. */
int store_write(
    struct store *s, store_write_fn fn, void *arg, struct scim_err *err);

/* Short read transaction. End it before returning to the event loop. */
int store_read_begin(
    struct store *s, struct store_txn **out, struct scim_err *err);
/* Accepts NULL. */
void store_read_end(struct store_txn *txn);

/* --- records: tenant/type/id -> bytes --- */

/* 0 and *val borrowed, or SCIM_E_NOT_FOUND (err untouched). */
int store_rec_get(struct store_txn *txn, struct str tenant, struct str type,
    struct str id, struct str *val);
/* Inserts or overwrites. */
int store_rec_put(struct store_txn *txn, struct str tenant, struct str type,
    struct str id, struct str val, struct scim_err *err);
/* Inserts; SCIM_E_CONFLICT if the id exists. */
int store_rec_add(struct store_txn *txn, struct str tenant, struct str type,
    struct str id, struct str val, struct scim_err *err);
/* 0, or SCIM_E_NOT_FOUND. */
int store_rec_del(struct store_txn *txn, struct str tenant, struct str type,
    struct str id, struct scim_err *err);
/* Number of records of one type in one tenant. */
int store_rec_count(struct store_txn *txn, struct str tenant, struct str type,
    size_t *out, struct scim_err *err);

/*
 * Records of one tenant and type in id order. iter_next returns 0 with a
 * borrowed id and value, 1 at the end, or a negative error. Free with
 * store_iter_free (accepts NULL) before the transaction ends.
 */
int store_iter_new(struct store_txn *txn, struct str tenant, struct str type,
    struct store_iter **out, struct scim_err *err);
int store_iter_next(struct store_iter *it, struct str *id, struct str *val);
void store_iter_free(struct store_iter *it);

/* --- uniqueness keys: tenant/type/attr/value -> id (MDB_NOOVERWRITE) --- */

/* SCIM_E_UNIQUENESS if (attr, value) is taken by another id; the caller
 * writes the detail, since only it knows how to name the attribute. */
int store_uniq_add(struct store_txn *txn, struct str tenant, struct str type,
    struct str attr, struct str value, struct str id, struct scim_err *err);
/* 0, or SCIM_E_NOT_FOUND; *id borrowed. */
int store_uniq_get(struct store_txn *txn, struct str tenant, struct str type,
    struct str attr, struct str value, struct str *id);
/* 0 whether or not the key existed. */
int store_uniq_del(struct store_txn *txn, struct str tenant, struct str type,
    struct str attr, struct str value, struct scim_err *err);

/* --- tenants --- */

/* SCIM_E_CONFLICT if it exists. */
int store_tenant_add(
    struct store_txn *txn, struct str name, struct scim_err *err);
/* 1 if the tenant exists, 0 if not. */
int store_tenant_exists(struct store_txn *txn, struct str name);
/* Deletes the tenant and every key under it (records, uniqueness keys,
 * tokens bound to it). SCIM_E_NOT_FOUND if absent. */
int store_tenant_del(
    struct store_txn *txn, struct str name, struct scim_err *err);
/* Calls fn for each tenant in name order; stops early if fn returns
 * non-zero and returns that value. */
int store_tenant_each(
    struct store_txn *txn, int (*fn)(void *arg, struct str name), void *arg);

/*
 * --- edges: tenant/kind/from/to -> small value ---
 *
 * Directed links between resources of one tenant, kept apart from the
 * records so that adding one link writes one key (a group's members are
 * edges, not an array rewritten in the group's record). kind names the
 * relation (1..STORE_EDGE_KIND_MAX bytes, e.g. "member"); from and to
 * are ids (1..64 bytes, no NUL). The edges from one resource are one key
 * range, listed in `to` order. A tenant's edges go with the tenant.
 */
#define STORE_EDGE_KIND_MAX 16

/* Inserts or overwrites. */
int store_edge_put(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, struct str to, struct str val, struct scim_err *err);
/* 0 and *val borrowed, or SCIM_E_NOT_FOUND (err untouched). */
int store_edge_get(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, struct str to, struct str *val);
/* 0 whether or not the edge existed. */
int store_edge_del(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, struct str to, struct scim_err *err);
/* Deletes every edge of this kind from `from`. */
int store_edge_del_from(struct store_txn *txn, struct str tenant,
    struct str kind, struct str from, struct scim_err *err);
/*
 * Calls fn with each edge from `from` (to and value borrowed), in `to`
 * order; stops at fn's first non-zero answer and returns it. fn must not
 * write edges: collect first, then change.
 */
int store_edge_each(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, int (*fn)(void *arg, struct str to, struct str val),
    void *arg, struct scim_err *err);
/* Number of edges of this kind from `from`. */
int store_edge_count(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, size_t *out, struct scim_err *err);

/* --- small key-value buckets for other modules (tokens, ...) --- */

enum store_bucket {
	STORE_BUCKET_TOKENS, /* key: token hash; value: auth's record */
	STORE_BUCKET_TOKEN_IDS, /* key: tenant \0 token id; value: hash */
};

int store_kv_get(struct store_txn *txn, enum store_bucket b, struct str key,
    struct str *val);
int store_kv_put(struct store_txn *txn, enum store_bucket b, struct str key,
    struct str val, struct scim_err *err);
int store_kv_del(struct store_txn *txn, enum store_bucket b, struct str key,
    struct scim_err *err);
/* Calls fn for each key with the given prefix, in key order. */
int store_kv_each_prefix(struct store_txn *txn, enum store_bucket b,
    struct str prefix, int (*fn)(void *arg, struct str key, struct str val),
    void *arg);

/*
 * --- secondary indexes (store_index.c) ---
 *
 * Index entries are keys tenant \0 type \0 ikey with the record's id as
 * the (sorted duplicate) value. The store does not know what a key
 * means: an indexer, attached once at start-up, turns a record's bytes
 * into its ikeys (each starting with the index's name and a \0, then an
 * order-preserving encoding of one value), and the store keeps them in
 * step in the same transaction as every record put, add and delete,
 * whoever makes it. An ikey longer than the room left in an LMDB key is
 * truncated to it; scans truncate their bounds the same way, so a scan
 * returns a superset and the caller re-checks every candidate.
 */
struct store_indexer {
	/* 1 if records of type have any index (others cost nothing). */
	int (*covers)(void *arg, struct str type);
	/* Calls emit(ectx, ikey) for each entry of record rec of type;
	 * duplicates are fine. 0, or an error (the write fails). */
	int (*keys)(void *arg, struct str type, struct str rec,
	    void (*emit)(void *ectx, struct str ikey), void *ectx);
	void *arg;
	/* Names the declaration and encoding (a hash): when it differs from
	 * the one the store was last indexed with, attach rebuilds. */
	struct str version;
};

/*
 * Attaches ix (copied; arg and version must outlive the store or the
 * next detach) and, when the store's indexes were built for another
 * version or never, rebuilds them in batches of write transactions
 * (crash-safe: the version is recorded only when the rebuild is done).
 * Records written by a process with no indexer attached mark the indexes
 * stale, so that the next attach rebuilds them.
 */
int store_index_attach(
    struct store *s, const struct store_indexer *ix, struct scim_err *err);
void store_index_detach(struct store *s);
/* 1 if an indexer is attached. */
int store_index_attached(const struct store *s);

/* The part of the index a scan visits: ikeys that start with `within`,
 * and are >= lo and <= hi when those are given (ptr NULL: open); with
 * hi_excl, < hi instead (only meaningful for an hi that was not cut). */
struct store_index_range {
	struct str within;
	struct str lo;
	struct str hi;
	int hi_excl;
};

/* The longest ikey stored whole under tenant and type; a longer one is
 * cut to this length (0 for a tenant or type the store refuses). */
size_t store_index_room(struct str tenant, struct str type);
/* The number of records of type in tenant into *out, from an entry the
 * store keeps for every record of an indexed type (cheap): 1, or 0
 * when the type has no indexes (use store_rec_count), or an error. */
int store_index_total(struct store_txn *txn, struct str tenant, struct str type,
    size_t *out, struct scim_err *err);
/* Sets hit[i] to 1 for each ids[i] that has an entry under exactly
 * ikey (others untouched); ids ascending is fastest. 0 or an error. */
int store_index_probe(struct store_txn *txn, struct str tenant, struct str type,
    struct str ikey, const struct str *ids, size_t n, unsigned char *hit,
    struct scim_err *err);
/*
 * Number of entries (not distinct ids) in r into *out, summing the
 * count of each key; 1 (and *out unset) when r holds more than max_keys
 * distinct keys, else 0, or a negative error.
 */
int store_index_count_range(struct store_txn *txn, struct str tenant,
    struct str type, const struct store_index_range *r, size_t max_keys,
    size_t *out, struct scim_err *err);
/*
 * Calls fn(arg, ikey, id) for each entry whose ikey starts with within,
 * in ikey order (desc: the reverse), and under one ikey always in
 * ascending id order; ikey and id borrowed until the transaction ends.
 * Stops at fn's first non-zero answer and returns it.
 */
int store_index_walk(struct store_txn *txn, struct str tenant, struct str type,
    struct str within, int desc,
    int (*fn)(void *arg, struct str ikey, struct str id), void *arg,
    struct scim_err *err);

/*
 * Calls fn(arg, id) for each entry in r, in key order and, under one
 * key, id order (id borrowed until the transaction ends); stops at fn's
 * first non-zero answer and returns it.
 */
int store_index_scan(struct store_txn *txn, struct str tenant, struct str type,
    const struct store_index_range *r, int (*fn)(void *arg, struct str id),
    void *arg, struct scim_err *err);
/* Number of ids under exactly one ikey (cheap: no scan). */
int store_index_count(struct store_txn *txn, struct str tenant, struct str type,
    struct str ikey, size_t *out, struct scim_err *err);

/* Map size and use, for logs and metrics. */
int store_stat(struct store *s, size_t *map_size, size_t *used_bytes);

/* --- operations: metrics, readiness, backup, restore, check --- */

/* Reader slots held by live threads of every process using the
 * directory, and the table's size. */
int store_readers(struct store *s, unsigned *used, unsigned *max);

/* What /readyz reports; see store_ready(). */
struct store_ready {
	int txn_ok; /* a read transaction began and saw the format */
	int writes_ok; /* no write failed for lack of storage in 10 s */
	int disk_ok; /* the file system is writable, with >= 1 MiB free */
	size_t map_size, used_bytes, map_max;
};
/* Fills out with cheap checks (no write); returns 1 if every check
 * passed, else 0. */
int store_ready(struct store *s, struct store_ready *out);

/*
 * store_backup.c. A consistent, compacted copy of the open store
 * (mdb_env_copyfd2 with MDB_CP_COMPACT inside one read transaction, so a
 * running server keeps writing) into outdir/data.mdb. outdir is created
 * (mode 0700) if missing and must not already hold a data.mdb; the copy
 * is written to a temporary name, synced, then renamed, so a data.mdb in
 * outdir is always a complete backup.
 */
int store_backup(struct store *s, const char *outdir, struct scim_err *err);

/*
 * The data-directory lock, dir/scimcred.lock (flock): `serve` holds it
 * shared for its life (store_lock_serve), restore and import hold it
 * exclusively (store_lock_exclusive), so they refuse while a server runs
 * and a server refuses to start during them. *fd is the descriptor to
 * close on exit (-1 on error).
 */
#define STORE_LOCK_FILE "scimcred.lock"
int store_lock_serve(const char *dir, int *fd, struct scim_err *err);
int store_lock_exclusive(const char *dir, int *fd, struct scim_err *err);

/*
 * Puts the backup in backup_dir (a store_backup directory) in place as
 * dir's database. Refuses while a server holds the lock or any other
 * process has a reader slot in dir's environment. Checks the backup's
 * format version on a copy inside dir, then renames it over dir/data.mdb
 * (atomic); the replaced file is kept as dir/data.mdb.before-restore.
 * dir is created if missing.
 */
int store_restore(
    const char *dir, const char *backup_dir, struct scim_err *err);

/*
 * store_check.c: store-level consistency of an open store (format
 * version; every key well formed; every record's, uniqueness key's,
 * edge's and token's tenant exists; every uniqueness key names an
 * existing record; token ids and tokens match one to one). report is
 * called once per problem (what: the database; msg: escaped text) and
 * once per summary line with what == NULL. *problems gets the count.
 */
typedef void (*store_check_report)(
    void *arg, const char *what, const char *msg);
int store_check(struct store *s, store_check_report report, void *arg,
    size_t *problems, struct scim_err *err);

#endif
