/*
 * Secondary indexes (STYLE.md §6, after back-mdb's attribute indexes):
 * one DUPSORT database of keys tenant \0 type \0 ikey whose values are
 * the ids of the records holding that key. What an ikey means is the
 * attached indexer's business (src/scim/index.c); the store only keeps
 * the entries in step with the records, in the transaction that changes
 * them, so that no writer (an operation, a cascade, a rule) can forget.
 *
 * Truncation. An ikey that does not fit in what is left of an LMDB key
 * (HARDENING.md: 511 bytes) after tenant and type is cut to fit. Cutting
 * to a fixed length keeps order (a <= b implies cut(a) <= cut(b)), so a
 * scan whose bounds are cut the same way and taken inclusively returns a
 * superset of the exact answer; callers re-check every candidate.
 *
 * Staleness. The version of the declaration the entries were built for
 * is kept in the meta database. A record written while no indexer is
 * attached (a tool that opened only the store) removes it, so that the
 * next attach rebuilds instead of trusting entries that missed a write.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Records per write transaction while rebuilding: large enough to be
 * quick, small enough to stay far below LMDB's dirty-page limit. */
#define REBUILD_BATCH 2000
#define REBUILD_LOG_EVERY 100000

static const MDB_val meta_key = {
    sizeof(STORE_META_INDEX_KEY) - 1, (void *)STORE_META_INDEX_KEY};

/* A full key: tenant \0 type \0 then (part of) an ikey. */
struct ikey_buf {
	size_t len;
	size_t prefix; /* length of tenant \0 type \0 */
	char buf[STORE_KEY_MAX];
};

static int
prefix_set(struct ikey_buf *k, struct str tenant, struct str type)
{
	if (tenant.len == 0 || type.len == 0 || tenant.len > STORE_TENANT_MAX ||
	    type.len > STORE_TYPE_MAX)
		return -1;
	memcpy(k->buf, tenant.ptr, tenant.len);
	k->buf[tenant.len] = '\0';
	memcpy(k->buf + tenant.len + 1, type.ptr, type.len);
	k->buf[tenant.len + 1 + type.len] = '\0';
	k->prefix = k->len = tenant.len + type.len + 2;
	return 0;
}

/* Prefix plus ikey, cut to fit (see the file comment). */
static void
key_with(struct ikey_buf *k, struct str ikey)
{
	size_t n = ikey.len, room = sizeof(k->buf) - k->prefix;

	if (n > room)
		n = room;
	if (n > 0)
		memcpy(k->buf + k->prefix, ikey.ptr, n);
	k->len = k->prefix + n;
}

static void
emit(void *ectx, struct str ikey)
{
	struct store_ikeys *set = ectx;
	size_t n = ikey.len < set->room ? ikey.len : set->room;

	if (n == 0)
		return;
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->off = xreallocarray(set->off, set->cap, sizeof(*set->off));
	}
	set->off[set->n++] = set->bytes.len;
	buf_append(&set->bytes, &n, sizeof(n));
	buf_append(&set->bytes, ikey.ptr, n);
}

static int
str_order(const void *a, const void *b)
{
	return str_cmp(*(const struct str *)a, *(const struct str *)b);
}

int
store_ikeys_derive(const struct store_indexer *ix, struct str type,
    struct str rec, size_t room, struct store_ikeys *set)
{
	const char *base;
	size_t i, j = 0, n;
	int rc = 0;

	buf_reset(&set->bytes);
	set->n = 0;
	set->room = room;
	if (rec.ptr != NULL)
		rc = ix->keys(ix->arg, type, rec, emit, set);
	/* the store's own entry: every record of the type, for counting */
	if (rec.ptr != NULL && rc == 0)
		emit(set, STORE_IKEY_ALL);
	if (set->kcap < set->n + 1) {
		set->kcap = set->n + 1;
		set->keys =
		    xreallocarray(set->keys, set->kcap, sizeof(*set->keys));
	}
	base = set->bytes.data;
	for (i = 0; i < set->n; i++) {
		memcpy(&n, base + set->off[i], sizeof(n));
		set->keys[i] = str_make(base + set->off[i] + sizeof(n), n);
	}
	qsort(set->keys, set->n, sizeof(*set->keys), str_order);
	for (i = 0; i < set->n; i++)
		if (j == 0 || !str_eq(set->keys[j - 1], set->keys[i]))
			set->keys[j++] = set->keys[i];
	set->n = j;
	return rc;
}

int
store_ikeys_has(const struct store_ikeys *set, struct str k)
{
	return set->n > 0 &&
	    bsearch(&k, set->keys, set->n, sizeof(*set->keys), str_order) !=
	    NULL;
}

void
store_ikeys_free(struct store_ikeys *set)
{
	buf_free(&set->bytes);
	free(set->off);
	free(set->keys);
}

/* The ikeys of record bytes rec into set. */
static int
ikeys_of(struct store *s, struct str type, struct str rec, size_t room,
    struct store_ikeys *set, struct scim_err *err)
{
	int rc = store_ikeys_derive(&s->ix, type, rec, room, set);

	if (rc != 0 && err != NULL && err->detail[0] == '\0')
		scim_err_set(err, rc, "the record could not be indexed");
	return rc;
}

/* Puts (add) or deletes one entry. */
static int
entry_write(struct store_txn *t, struct ikey_buf *k, struct str ikey,
    struct str id, int add, struct scim_err *err)
{
	MDB_val mk, mv = {id.len, (void *)id.ptr};
	int mrc;

	key_with(k, ikey);
	mk = (MDB_val){k->len, k->buf};
	if (add) {
		t->wrote = 1;
		mrc = mdb_put(t->txn, t->s->dbi[STORE_DBI_INDEX], &mk, &mv,
		    MDB_NODUPDATA);
		if (mrc == MDB_KEYEXIST)
			mrc = 0;
	} else {
		mrc = mdb_del(t->txn, t->s->dbi[STORE_DBI_INDEX], &mk, &mv);
		if (mrc == MDB_NOTFOUND)
			mrc = 0;
	}
	return mrc != 0 ? store_lmdb_fail(t, mrc, err) : 0;
}

/* Deletes what old has and next lacks, puts what next adds: a replace
 * that leaves an indexed value alone writes nothing for it. */
static int
entries_apply(struct store_txn *t, struct ikey_buf *k, struct str id,
    const struct store_ikeys *old, const struct store_ikeys *next,
    struct scim_err *err)
{
	size_t i = 0, j = 0;
	int c, rc = 0;

	while (rc == 0 && (i < old->n || j < next->n)) {
		if (i == old->n)
			c = 1;
		else if (j == next->n)
			c = -1;
		else
			c = str_cmp(old->keys[i], next->keys[j]);
		if (c < 0)
			rc = entry_write(t, k, old->keys[i++], id, 0, err);
		else if (c > 0)
			rc = entry_write(t, k, next->keys[j++], id, 1, err);
		else
			i++, j++;
	}
	return rc;
}

/* No indexer: whatever the indexes held is no longer to be trusted. */
static int
mark_stale(struct store_txn *t, struct scim_err *err)
{
	int mrc;

	mrc = mdb_del(
	    t->txn, t->s->dbi[STORE_DBI_META], (MDB_val *)&meta_key, NULL);
	if (mrc == MDB_NOTFOUND)
		mrc = 0;
	return mrc != 0 ? store_lmdb_fail(t, mrc, err) : 0;
}

int
store_index_rec(struct store_txn *t, struct str tenant, struct str type,
    struct str id, int has_old, int has_new, struct str next,
    struct scim_err *err)
{
	struct store *s = t->s;
	struct store_ikeys old = {0}, nxt = {0};
	struct ikey_buf k;
	MDB_val rk, rv;
	struct str prev = STR_NULL;
	int mrc, rc = 0;

	if ((rc = store_writable(t, err)) != 0)
		return rc;
	if (s->ix.keys == NULL)
		return mark_stale(t, err);
	if (!s->ix.covers(s->ix.arg, type))
		return 0;
	buf_init(&old.bytes);
	buf_init(&nxt.bytes);
	if (prefix_set(&k, tenant, type) != 0 ||
	    k.len + id.len > sizeof(k.buf)) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE, "bad record key");
		goto out;
	}
	if (has_old) {
		memcpy(k.buf + k.len, id.ptr, id.len);
		rk = (MDB_val){k.len + id.len, k.buf};
		mrc = mdb_get(t->txn, s->dbi[STORE_DBI_RECORDS], &rk, &rv);
		if (mrc != 0 && mrc != MDB_NOTFOUND) {
			rc = store_lmdb_fail(t, mrc, err);
			goto out;
		}
		if (mrc == 0)
			prev = str_make(rv.mv_data, rv.mv_size);
	}
	rc = ikeys_of(s, type, prev, sizeof(k.buf) - k.prefix, &old, err);
	if (rc == 0)
		rc = ikeys_of(s, type, has_new ? next : STR_NULL,
		    sizeof(k.buf) - k.prefix, &nxt, err);
	if (rc == 0)
		rc = entries_apply(t, &k, id, &old, &nxt, err);
out:
	store_ikeys_free(&old);
	store_ikeys_free(&nxt);
	return rc;
}

/* ------------------------------------------------------- rebuilding */

struct rebuild {
	struct ikey_buf resume; /* next record key to visit; len 0: first */
	struct ikey_buf last; /* set by a batch: the last key it visited */
	size_t done; /* records indexed, over all batches */
	size_t batch; /* records indexed by the last batch */
	int end;
};

/* Splits a record key into tenant, type and id. */
static int
rec_key_split(
    const MDB_val *k, struct str *tenant, struct str *type, struct str *id)
{
	const char *p = k->mv_data, *e = p + k->mv_size, *z1, *z2;

	z1 = memchr(p, '\0', k->mv_size);
	z2 = z1 != NULL ? memchr(z1 + 1, '\0', (size_t)(e - z1 - 1)) : NULL;
	if (z2 == NULL)
		return -1;
	*tenant = str_make(p, (size_t)(z1 - p));
	*type = str_make(z1 + 1, (size_t)(z2 - z1 - 1));
	*id = str_make(z2 + 1, (size_t)(e - z2 - 1));
	return 0;
}

/* Indexes one record that has no entries yet. */
static int
rebuild_one(struct store_txn *t, const MDB_val *rk, const MDB_val *rv,
    struct scim_err *err)
{
	struct store_ikeys none = {0}, set = {0};
	struct str tenant, type, id;
	struct ikey_buf k;
	int rc = 0;

	if (rec_key_split(rk, &tenant, &type, &id) != 0 ||
	    !t->s->ix.covers(t->s->ix.arg, type) ||
	    prefix_set(&k, tenant, type) != 0)
		return 0;
	buf_init(&set.bytes);
	rc = ikeys_of(t->s, type, str_make(rv->mv_data, rv->mv_size),
	    sizeof(k.buf) - k.prefix, &set, err);
	if (rc == 0)
		rc = entries_apply(t, &k, id, &none, &set, err);
	store_ikeys_free(&set);
	return rc;
}

static int
rebuild_batch(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct rebuild *r = arg;
	MDB_cursor *cur = NULL;
	MDB_val k = {r->resume.len, r->resume.buf}, v;
	MDB_cursor_op op = r->resume.len > 0 ? MDB_SET_RANGE : MDB_FIRST;
	int mrc, rc = 0;

	r->batch = 0;
	r->end = 0;
	mrc = mdb_cursor_open(t->txn, t->s->dbi[STORE_DBI_RECORDS], &cur);
	if (mrc != 0) {
		cur = NULL;
		rc = store_lmdb_fail(t, mrc, err);
		goto out;
	}
	while (r->batch < REBUILD_BATCH) {
		mrc = mdb_cursor_get(cur, &k, &v, op);
		op = MDB_NEXT;
		if (mrc == MDB_NOTFOUND) {
			r->end = 1;
			break;
		}
		if (mrc != 0) {
			rc = store_lmdb_fail(t, mrc, err);
			goto out;
		}
		if (k.mv_size < sizeof(r->last.buf)) {
			memcpy(r->last.buf, k.mv_data, k.mv_size);
			r->last.len = k.mv_size;
		}
		if ((rc = rebuild_one(t, &k, &v, err)) != 0)
			goto out;
		r->batch++;
	}
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	return rc;
}

/* Empties the index and forgets the version, in one transaction. */
static int
rebuild_reset(struct store_txn *t, void *arg, struct scim_err *err)
{
	int mrc;

	(void)arg;
	t->wrote = 1;
	mrc = mdb_drop(t->txn, t->s->dbi[STORE_DBI_INDEX], 0);
	if (mrc != 0)
		return store_lmdb_fail(t, mrc, err);
	return mark_stale(t, err);
}

static int
version_put(struct store_txn *t, void *arg, struct scim_err *err)
{
	const struct str *ver = arg;
	MDB_val v = {ver->len, (void *)ver->ptr};
	int mrc;

	t->wrote = 1;
	mrc = mdb_put(
	    t->txn, t->s->dbi[STORE_DBI_META], (MDB_val *)&meta_key, &v, 0);
	return mrc != 0 ? store_lmdb_fail(t, mrc, err) : 0;
}

/* 1 if the store's entries were built for version. */
static int
version_current(struct store *s, struct str version, struct scim_err *err)
{
	struct store_txn *t = NULL;
	MDB_val v;
	int mrc, rc;

	if ((rc = store_read_begin(s, &t, err)) != 0)
		return rc;
	mrc = mdb_get(t->txn, s->dbi[STORE_DBI_META], (MDB_val *)&meta_key, &v);
	if (mrc == 0)
		rc = v.mv_size == version.len &&
		    memcmp(v.mv_data, version.ptr, version.len) == 0;
	else if (mrc == MDB_NOTFOUND)
		rc = 0;
	else
		rc = store_lmdb_fail(NULL, mrc, err);
	store_read_end(t);
	return rc;
}

static int
rebuild(struct store *s, struct scim_err *err)
{
	struct rebuild *r = xcalloc(1, sizeof(*r));
	int rc;

	log_info("building the secondary indexes");
	rc = store_write(s, rebuild_reset, NULL, err);
	while (rc == 0) {
		rc = store_write(s, rebuild_batch, r, err);
		if (rc != 0)
			break;
		r->done += r->batch;
		if (r->done / REBUILD_LOG_EVERY !=
		    (r->done - r->batch) / REBUILD_LOG_EVERY)
			log_info("indexed %zu records", r->done);
		if (r->end || r->batch == 0)
			break;
		/* The next batch starts just past the last key: key \0 is
		 * the least key greater than key. */
		memcpy(r->resume.buf, r->last.buf, r->last.len);
		r->resume.buf[r->last.len] = '\0';
		r->resume.len = r->last.len + 1;
	}
	if (rc == 0)
		rc = store_write(s, version_put, &s->ix.version, err);
	if (rc == 0)
		log_info("secondary indexes built over %zu records", r->done);
	free(r);
	return rc;
}

int
store_index_attach(
    struct store *s, const struct store_indexer *ix, struct scim_err *err)
{
	int rc;

	s->ix = *ix;
	rc = version_current(s, ix->version, err);
	if (rc == 0)
		rc = rebuild(s, err);
	else if (rc == 1)
		rc = 0;
	if (rc != 0)
		store_index_detach(s);
	return rc;
}

void
store_index_detach(struct store *s)
{
	if (s != NULL)
		memset(&s->ix, 0, sizeof(s->ix));
}

int
store_index_attached(const struct store *s)
{
	return s != NULL && s->ix.keys != NULL;
}

/* ----------------------------------------------------------- reading */

static int
key_cmp(const MDB_val *a, const struct ikey_buf *b)
{
	size_t n = a->mv_size < b->len ? a->mv_size : b->len;
	int c = memcmp(a->mv_data, b->buf, n);

	if (c != 0)
		return c;
	return a->mv_size < b->len ? -1 : a->mv_size > b->len;
}

/* 1 if key k starts with within and is below hi (NULL: open). */
static int
in_range(const MDB_val *k, const struct ikey_buf *within,
    const struct ikey_buf *hi, int hi_excl)
{
	int c;

	if (k->mv_size < within->len ||
	    memcmp(k->mv_data, within->buf, within->len) != 0)
		return 0;
	if (hi == NULL)
		return 1;
	c = key_cmp(k, hi);
	return c < 0 || (c == 0 && !hi_excl);
}

int
store_index_scan(struct store_txn *txn, struct str tenant, struct str type,
    const struct store_index_range *r, int (*fn)(void *arg, struct str id),
    void *arg, struct scim_err *err)
{
	struct ikey_buf within, lo, hi;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int mrc, rc = 0, first = 1;

	if (prefix_set(&within, tenant, type) != 0)
		goto out;
	lo = hi = within;
	key_with(&within, r->within);
	key_with(&lo, r->lo.ptr != NULL ? r->lo : r->within);
	key_with(&hi, r->hi);
	if (key_cmp(&(MDB_val){within.len, within.buf}, &lo) > 0)
		lo = within;
	mrc = mdb_cursor_open(txn->txn, txn->s->dbi[STORE_DBI_INDEX], &cur);
	if (mrc != 0) {
		cur = NULL;
		rc = store_lmdb_fail(txn, mrc, err);
		goto out;
	}
	k = (MDB_val){lo.len, lo.buf};
	for (;; first = 0) {
		mrc = mdb_cursor_get(
		    cur, &k, &v, first ? MDB_SET_RANGE : MDB_NEXT);
		if (mrc == MDB_NOTFOUND)
			break;
		if (mrc != 0) {
			rc = store_lmdb_fail(txn, mrc, err);
			goto out;
		}
		if (!in_range(&k, &within, r->hi.ptr != NULL ? &hi : NULL,
			r->hi_excl))
			break;
		rc = fn(arg, str_make(v.mv_data, v.mv_size));
		if (rc != 0)
			goto out;
	}
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	return rc;
}

int
store_index_count(struct store_txn *txn, struct str tenant, struct str type,
    struct str ikey, size_t *out, struct scim_err *err)
{
	struct ikey_buf k;
	MDB_cursor *cur = NULL;
	MDB_val mk, v;
	size_t n = 0;
	int mrc, rc = 0;

	*out = 0;
	if (prefix_set(&k, tenant, type) != 0)
		goto out;
	key_with(&k, ikey);
	mk = (MDB_val){k.len, k.buf};
	mrc = mdb_cursor_open(txn->txn, txn->s->dbi[STORE_DBI_INDEX], &cur);
	if (mrc == 0)
		mrc = mdb_cursor_get(cur, &mk, &v, MDB_SET);
	if (mrc == 0)
		mrc = mdb_cursor_count(cur, &n);
	if (mrc != 0 && mrc != MDB_NOTFOUND) {
		rc = store_lmdb_fail(txn, mrc, err);
		goto out;
	}
	*out = mrc == 0 ? n : 0;
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	return rc;
}

size_t
store_index_room(struct str tenant, struct str type)
{
	struct ikey_buf k;

	return prefix_set(&k, tenant, type) == 0 ? sizeof(k.buf) - k.prefix : 0;
}

static int
cursor_open(struct store_txn *txn, MDB_cursor **cur, struct scim_err *err)
{
	int mrc;

	mrc = mdb_cursor_open(txn->txn, txn->s->dbi[STORE_DBI_INDEX], cur);
	if (mrc != 0) {
		*cur = NULL;
		return store_lmdb_fail(txn, mrc, err);
	}
	return 0;
}

int
store_index_probe(struct store_txn *txn, struct str tenant, struct str type,
    struct str ikey, const struct str *ids, size_t n, unsigned char *hit,
    struct scim_err *err)
{
	struct ikey_buf k;
	MDB_cursor *cur = NULL;
	MDB_val mk, v;
	size_t i;
	int mrc, rc = 0;

	if (n == 0 || prefix_set(&k, tenant, type) != 0)
		goto out;
	key_with(&k, ikey);
	if ((rc = cursor_open(txn, &cur, err)) != 0)
		goto out;
	mk = (MDB_val){k.len, k.buf};
	mrc = mdb_cursor_get(cur, &mk, &v, MDB_SET);
	for (i = 0; mrc == 0 && i < n; i++) {
		/* one cursor: LMDB skips the descent while the key's page
		 * is the one it is on */
		mk = (MDB_val){k.len, k.buf};
		v = (MDB_val){ids[i].len, (void *)ids[i].ptr};
		mrc = mdb_cursor_get(cur, &mk, &v, MDB_GET_BOTH);
		if (mrc == 0)
			hit[i] = 1;
		else if (mrc == MDB_NOTFOUND)
			mrc = 0;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_lmdb_fail(txn, mrc, err);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	return rc;
}

int
store_index_count_range(struct store_txn *txn, struct str tenant,
    struct str type, const struct store_index_range *r, size_t max_keys,
    size_t *out, struct scim_err *err)
{
	struct ikey_buf within, lo, hi;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	MDB_cursor_op op = MDB_SET_RANGE;
	size_t sum = 0, keys = 0, n;
	int mrc, rc = 0;

	if (prefix_set(&within, tenant, type) != 0)
		goto done;
	lo = hi = within;
	key_with(&within, r->within);
	key_with(&lo, r->lo.ptr != NULL ? r->lo : r->within);
	key_with(&hi, r->hi);
	if (key_cmp(&(MDB_val){within.len, within.buf}, &lo) > 0)
		lo = within;
	if ((rc = cursor_open(txn, &cur, err)) != 0)
		goto out;
	k = (MDB_val){lo.len, lo.buf};
	for (;; op = MDB_NEXT_NODUP) {
		mrc = mdb_cursor_get(cur, &k, &v, op);
		if (mrc == MDB_NOTFOUND ||
		    (mrc == 0 &&
			!in_range(&k, &within, r->hi.ptr != NULL ? &hi : NULL,
			    r->hi_excl)))
			break;
		if (mrc == 0)
			mrc = mdb_cursor_count(cur, &n);
		if (mrc != 0) {
			rc = store_lmdb_fail(txn, mrc, err);
			goto out;
		}
		if (++keys > max_keys) {
			rc = 1;
			goto out;
		}
		sum += n;
	}
done:
	*out = sum;
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	return rc;
}

/* Positions cur on the last entry whose key starts with w (any dup),
 * or MDB_NOTFOUND. */
static int
walk_last(MDB_cursor *cur, const struct ikey_buf *w, MDB_val *k, MDB_val *v)
{
	struct ikey_buf next = *w;
	size_t i = next.len;
	int mrc;

	/* the least key above every key starting with w: w with its last
	 * byte below 0xff incremented and the rest dropped */
	while (i > 0 && (unsigned char)next.buf[i - 1] == 0xff)
		i--;
	if (i == 0)
		return mdb_cursor_get(cur, k, v, MDB_LAST);
	next.buf[i - 1] = (char)((unsigned char)next.buf[i - 1] + 1);
	*k = (MDB_val){i, next.buf};
	mrc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
	if (mrc == MDB_NOTFOUND)
		return mdb_cursor_get(cur, k, v, MDB_LAST);
	return mrc == 0 ? mdb_cursor_get(cur, k, v, MDB_PREV) : mrc;
}

int
store_index_walk(struct store_txn *txn, struct str tenant, struct str type,
    struct str within, int desc,
    int (*fn)(void *arg, struct str ikey, struct str id), void *arg,
    struct scim_err *err)
{
	struct ikey_buf w;
	MDB_cursor *cur = NULL;
	MDB_val k, v, key;
	int mrc, rc = 0;

	if (prefix_set(&w, tenant, type) != 0)
		goto out;
	key_with(&w, within);
	if ((rc = cursor_open(txn, &cur, err)) != 0)
		goto out;
	k = (MDB_val){w.len, w.buf};
	mrc = desc ? walk_last(cur, &w, &k, &v)
		   : mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (mrc == 0 && in_range(&k, &w, NULL, 0)) {
		key = k;
		/* ids ascending under each key, whichever way keys go; MDB_SET
		 * rather than MDB_FIRST_DUP, which keeps the end-of-data mark
		 * MDB_LAST left and makes MDB_NEXT_DUP stop at once */
		if (desc)
			mrc = mdb_cursor_get(cur, &key, &v, MDB_SET);
		while (mrc == 0) {
			rc = fn(arg,
			    str_make((const char *)key.mv_data + w.prefix,
				key.mv_size - w.prefix),
			    str_make(v.mv_data, v.mv_size));
			if (rc != 0)
				goto out;
			mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP);
		}
		if (mrc != MDB_NOTFOUND)
			break;
		k = key;
		mrc = desc ? mdb_cursor_get(cur, &k, &v, MDB_FIRST_DUP)
			   : mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP);
		if (desc && mrc == 0)
			mrc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_lmdb_fail(txn, mrc, err);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	return rc;
}

int
store_index_total(struct store_txn *txn, struct str tenant, struct str type,
    size_t *out, struct scim_err *err)
{
	int rc;

	*out = 0;
	if (txn->s->ix.keys == NULL || !txn->s->ix.covers(txn->s->ix.arg, type))
		return 0;
	rc = store_index_count(txn, tenant, type, STORE_IKEY_ALL, out, err);
	return rc != 0 ? rc : 1;
}
