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

#define STORE_FORMAT_VERSION 1

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

/* Map size and use, for logs and metrics. */
int store_stat(struct store *s, size_t *map_size, size_t *used_bytes);

#endif
