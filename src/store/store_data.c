/*
 * Keys and data: records, uniqueness keys, tenants and the small buckets
 * other modules keep (tokens). Every key starts with the tenant name and
 * a \0, so one tenant's data is one contiguous key range that no other
 * tenant's key can fall into (HARDENING.md promise 4), and deleting a
 * tenant is a range delete.
 *
 *   records    tenant \0 type \0 id                -> record bytes
 *   uniq       tenant \0 type \0 attr \0 valuepart  -> id
 *   tenants    tenant                               -> (empty)
 *   tokens     token hash                           -> auth's record
 *   token_ids  tenant \0 token id                   -> token hash
 *   edges      tenant \0 kind \0 from \0 to          -> value
 *   index      tenant \0 type \0 ikey                -> ids (store_index.c)
 *
 * Names and ids may not contain NUL, so the separators are unambiguous;
 * the unique value comes last and may hold any byte. Uniqueness is exact
 * byte equality: a caller that wants case-insensitive uniqueness (RFC
 * 7643 §2.4, caseExact false) folds the value before calling.
 *
 * All views handed out point into LMDB's map and die with the
 * transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/xmalloc.h"

/*
 * First byte of a hashed unique value: 0xff followed by SHA-256 of the
 * value. 0xff never starts UTF-8 text, and a raw value that does start
 * with it is hashed too, so a raw value can never equal a hashed one.
 * Equal hashes mean equal values (SHA-256 is collision resistant), so no
 * re-check of the full value is needed.
 */
#define UNIQ_HASHED 0xff
#define SHA256_LEN SECURE_SHA256_LEN

_Static_assert(
    STORE_TENANT_MAX + STORE_TYPE_MAX + STORE_ATTR_MAX + 3 + 1 + SHA256_LEN <=
	STORE_KEY_MAX,
    "a hashed uniqueness key always fits");

struct key {
	size_t len;
	char buf[STORE_KEY_MAX];
};

static MDB_val
key_val(const struct key *k)
{
	return (MDB_val){k->len, (void *)k->buf};
}

/* Appends part (1..max bytes, no NUL) and, unless last, a \0. */
static int
key_part(struct key *k, struct str part, size_t max, const char *what, int last,
    struct scim_err *err)
{
	if (part.ptr == NULL || part.len == 0 || part.len > max ||
	    memchr(part.ptr, '\0', part.len) != NULL ||
	    k->len + part.len + 1 > sizeof(k->buf))
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "the %s must be 1 to %zu bytes long and contain no NUL",
		    what, max);
	memcpy(k->buf + k->len, part.ptr, part.len);
	k->len += part.len;
	if (!last)
		k->buf[k->len++] = '\0';
	return 0;
}

/* tenant \0 type \0: the prefix of one tenant's records of one type. */
static int
rec_prefix(
    struct key *k, struct str tenant, struct str type, struct scim_err *err)
{
	int rc;

	k->len = 0;
	rc = key_part(k, tenant, STORE_TENANT_MAX, "tenant name", 0, err);
	if (rc == 0)
		rc = key_part(k, type, STORE_TYPE_MAX, "resource type", 0, err);
	return rc;
}

static int
rec_key(struct key *k, struct str tenant, struct str type, struct str id,
    struct scim_err *err)
{
	int rc;

	rc = rec_prefix(k, tenant, type, err);
	if (rc == 0)
		rc = key_part(k, id, STORE_ID_MAX, "id", 1, err);
	return rc;
}

static int
uniq_key(struct key *k, struct str tenant, struct str type, struct str attr,
    struct str value, struct scim_err *err)
{
	int rc;

	rc = rec_prefix(k, tenant, type, err);
	if (rc == 0)
		rc =
		    key_part(k, attr, STORE_ATTR_MAX, "attribute name", 0, err);
	if (rc != 0)
		goto out;
	if (value.ptr == NULL && value.len > 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE, "no value");
		goto out;
	}
	if (k->len + value.len <= sizeof(k->buf) &&
	    (value.len == 0 || (unsigned char)value.ptr[0] != UNIQ_HASHED)) {
		memcpy(k->buf + k->len, value.ptr, value.len);
		k->len += value.len;
		rc = 0;
		goto out;
	}
	k->buf[k->len++] = (char)UNIQ_HASHED;
	secure_sha256(value.ptr, value.len, (unsigned char *)k->buf + k->len);
	k->len += SHA256_LEN;
	rc = 0;
out:
	return rc;
}

/* A bucket key: 1..STORE_KEY_MAX bytes of anything. */
static int
kv_key(struct key *k, struct str key, struct scim_err *err)
{
	if (key.ptr == NULL || key.len == 0 || key.len > sizeof(k->buf))
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "a key must be 1 to %d bytes long", STORE_KEY_MAX);
	memcpy(k->buf, key.ptr, key.len);
	k->len = key.len;
	return 0;
}

static int
bucket_dbi(enum store_bucket b, enum store_dbi *d)
{
	switch (b) {
	case STORE_BUCKET_TOKENS:
		*d = STORE_DBI_TOKENS;
		return 0;
	case STORE_BUCKET_TOKEN_IDS:
		*d = STORE_DBI_TOKEN_IDS;
		return 0;
	}
	log_error("unknown bucket %d", (int)b);
	return SCIM_E_INTERNAL;
}

/* 0 and a borrowed *val, SCIM_E_NOT_FOUND, or a storage error. */
static int
db_get(
    struct store_txn *t, enum store_dbi d, const struct key *k, struct str *val)
{
	MDB_val mk = key_val(k), mv;
	int mrc;

	mrc = mdb_get(t->txn, t->s->dbi[d], &mk, &mv);
	if (mrc == MDB_NOTFOUND)
		return SCIM_E_NOT_FOUND;
	if (mrc != 0)
		return store_lmdb_fail(t, mrc, NULL);
	*val = str_make(mv.mv_data, mv.mv_size);
	return 0;
}

/*
 * 0, or with MDB_NOOVERWRITE 1 and the borrowed existing value when the
 * key is taken, or a storage error.
 */
static int
db_put(struct store_txn *t, enum store_dbi d, const struct key *k,
    struct str val, unsigned int flags, struct str *existing,
    struct scim_err *err)
{
	MDB_val mk = key_val(k), mv = {val.len, (void *)val.ptr};
	int mrc, rc;

	if ((rc = store_writable(t, err)) != 0)
		return rc;
	t->wrote = 1;
	mrc = mdb_put(t->txn, t->s->dbi[d], &mk, &mv, flags);
	if (mrc == MDB_KEYEXIST) {
		if (existing != NULL)
			*existing = str_make(mv.mv_data, mv.mv_size);
		return 1;
	}
	if (mrc != 0)
		return store_lmdb_fail(t, mrc, err);
	return 0;
}

/* 0, SCIM_E_NOT_FOUND (err untouched), or a storage error. */
static int
db_del(struct store_txn *t, enum store_dbi d, const struct key *k,
    struct scim_err *err)
{
	MDB_val mk = key_val(k);
	int mrc, rc;

	if ((rc = store_writable(t, err)) != 0)
		return rc;
	mrc = mdb_del(t->txn, t->s->dbi[d], &mk, NULL);
	if (mrc == MDB_NOTFOUND)
		return SCIM_E_NOT_FOUND;
	if (mrc != 0)
		return store_lmdb_fail(t, mrc, err);
	return 0;
}

typedef int (*visit_fn)(void *arg, const MDB_val *key, const MDB_val *val);

static int
has_prefix(const MDB_val *k, const struct key *prefix)
{
	return k->mv_size >= prefix->len &&
	    memcmp(k->mv_data, prefix->buf, prefix->len) == 0;
}

/*
 * Calls fn for every key that starts with prefix (every key when the
 * prefix is empty), in key order; stops at fn's first non-zero answer
 * and returns it. fn must not write to database d.
 */
static int
prefix_each(struct store_txn *t, enum store_dbi d, const struct key *prefix,
    visit_fn fn, void *arg, struct scim_err *err)
{
	MDB_cursor *cur = NULL;
	MDB_val k = key_val(prefix), v;
	MDB_cursor_op op = prefix->len > 0 ? MDB_SET_RANGE : MDB_FIRST;
	int mrc, rc = 0;

	if ((mrc = mdb_cursor_open(t->txn, t->s->dbi[d], &cur)) != 0) {
		cur = NULL;
		rc = store_lmdb_fail(t, mrc, err);
		goto out;
	}
	for (;;) {
		mrc = mdb_cursor_get(cur, &k, &v, op);
		op = MDB_NEXT;
		if (mrc == MDB_NOTFOUND)
			break;
		if (mrc != 0) {
			rc = store_lmdb_fail(t, mrc, err);
			goto out;
		}
		if (!has_prefix(&k, prefix))
			break;
		if ((rc = fn(arg, &k, &v)) != 0)
			goto out;
	}
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	return rc;
}

/* Deletes every key that starts with prefix (which is not empty). */
static int
prefix_delete(struct store_txn *t, enum store_dbi d, const struct key *prefix,
    struct scim_err *err)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int mrc, rc = 0;

	if ((mrc = mdb_cursor_open(t->txn, t->s->dbi[d], &cur)) != 0) {
		cur = NULL;
		rc = store_lmdb_fail(t, mrc, err);
		goto out;
	}
	for (;;) {
		/* Seek afresh each time rather than trust the cursor's
		 * position after a delete. */
		k = key_val(prefix);
		mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (mrc == MDB_NOTFOUND ||
		    (mrc == 0 && !has_prefix(&k, prefix)))
			break;
		if (mrc == 0)
			mrc = mdb_cursor_del(cur, 0);
		if (mrc != 0) {
			rc = store_lmdb_fail(t, mrc, err);
			goto out;
		}
	}
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	return rc;
}

/* --- records --- */

int
store_rec_get(struct store_txn *txn, struct str tenant, struct str type,
    struct str id, struct str *val)
{
	struct key k;

	/* An id that breaks the key rules can't have been stored. */
	if (rec_key(&k, tenant, type, id, NULL) != 0)
		return SCIM_E_NOT_FOUND;
	return db_get(txn, STORE_DBI_RECORDS, &k, val);
}

int
store_rec_put(struct store_txn *txn, struct str tenant, struct str type,
    struct str id, struct str val, struct scim_err *err)
{
	struct key k;
	int rc;

	rc = rec_key(&k, tenant, type, id, err);
	if (rc == 0)
		rc = store_index_rec(txn, tenant, type, id, 1, 1, val, err);
	if (rc == 0)
		rc = db_put(txn, STORE_DBI_RECORDS, &k, val, 0, NULL, err);
	return rc;
}

int
store_rec_add(struct store_txn *txn, struct str tenant, struct str type,
    struct str id, struct str val, struct scim_err *err)
{
	struct key k;
	int rc;

	rc = rec_key(&k, tenant, type, id, err);
	if (rc == 0)
		rc = db_put(txn, STORE_DBI_RECORDS, &k, val, MDB_NOOVERWRITE,
		    NULL, err);
	if (rc == 1)
		rc = scim_err_set(err, SCIM_E_CONFLICT,
		    "a resource with this id already exists");
	if (rc == 0)
		rc = store_index_rec(txn, tenant, type, id, 0, 1, val, err);
	return rc;
}

int
store_rec_del(struct store_txn *txn, struct str tenant, struct str type,
    struct str id, struct scim_err *err)
{
	struct key k;
	int rc;

	if (rec_key(&k, tenant, type, id, NULL) != 0)
		rc = SCIM_E_NOT_FOUND;
	else if ((rc = store_index_rec(
		      txn, tenant, type, id, 1, 0, STR_NULL, err)) == 0)
		rc = db_del(txn, STORE_DBI_RECORDS, &k, err);
	if (rc == 0)
		txn->deleted = 1;
	if (rc == SCIM_E_NOT_FOUND)
		scim_err_set(err, rc, "the resource was not found");
	return rc;
}

static int
count_one(void *arg, const MDB_val *key, const MDB_val *val)
{
	(*(size_t *)arg)++;
	return 0;
}

int
store_rec_count(struct store_txn *txn, struct str tenant, struct str type,
    size_t *out, struct scim_err *err)
{
	struct key p;
	size_t n = 0;
	int rc;

	rc = rec_prefix(&p, tenant, type, err);
	if (rc == 0)
		rc =
		    prefix_each(txn, STORE_DBI_RECORDS, &p, count_one, &n, err);
	*out = rc == 0 ? n : 0;
	return rc;
}

struct store_iter {
	struct store_txn *txn;
	MDB_cursor *cur;
	struct key prefix;
	int started;
	int done;
};

int
store_iter_new(struct store_txn *txn, struct str tenant, struct str type,
    struct store_iter **out, struct scim_err *err)
{
	struct store_iter *it = xcalloc(1, sizeof(*it));
	int mrc, rc;

	*out = NULL;
	it->txn = txn;
	if ((rc = rec_prefix(&it->prefix, tenant, type, err)) != 0)
		goto out;
	mrc =
	    mdb_cursor_open(txn->txn, txn->s->dbi[STORE_DBI_RECORDS], &it->cur);
	if (mrc != 0) {
		it->cur = NULL;
		rc = store_lmdb_fail(txn, mrc, err);
		goto out;
	}
	*out = it;
	it = NULL;
	rc = 0;
out:
	store_iter_free(it);
	return rc;
}

int
store_iter_next(struct store_iter *it, struct str *id, struct str *val)
{
	MDB_val k = key_val(&it->prefix), v;
	int mrc;

	if (it->done)
		return 1;
	mrc = mdb_cursor_get(
	    it->cur, &k, &v, it->started ? MDB_NEXT : MDB_SET_RANGE);
	it->started = 1;
	if (mrc != 0 || k.mv_size <= it->prefix.len ||
	    !has_prefix(&k, &it->prefix)) {
		it->done = 1;
		if (mrc != 0 && mrc != MDB_NOTFOUND)
			return store_lmdb_fail(it->txn, mrc, NULL);
		return 1;
	}
	*id = str_make((const char *)k.mv_data + it->prefix.len,
	    k.mv_size - it->prefix.len);
	*val = str_make(v.mv_data, v.mv_size);
	return 0;
}

void
store_iter_free(struct store_iter *it)
{
	if (it == NULL)
		return;
	if (it->cur != NULL)
		mdb_cursor_close(it->cur);
	free(it);
}

/* --- uniqueness keys --- */

int
store_uniq_add(struct store_txn *txn, struct str tenant, struct str type,
    struct str attr, struct str value, struct str id, struct scim_err *err)
{
	struct key k, idk = {0};
	struct str owner;
	int rc;

	rc = uniq_key(&k, tenant, type, attr, value, err);
	if (rc == 0)
		rc = key_part(&idk, id, STORE_ID_MAX, "id", 1, err);
	if (rc == 0)
		rc = db_put(
		    txn, STORE_DBI_UNIQ, &k, id, MDB_NOOVERWRITE, &owner, err);
	if (rc == 1) {
		/* Re-adding one's own value is not a conflict. */
		rc = str_eq(owner, id) ? 0
				       : scim_err_set(err, SCIM_E_UNIQUENESS,
					     "a value that must be unique is "
					     "already in use");
	}
	return rc;
}

int
store_uniq_get(struct store_txn *txn, struct str tenant, struct str type,
    struct str attr, struct str value, struct str *id)
{
	struct key k;

	if (uniq_key(&k, tenant, type, attr, value, NULL) != 0)
		return SCIM_E_NOT_FOUND;
	return db_get(txn, STORE_DBI_UNIQ, &k, id);
}

int
store_uniq_del(struct store_txn *txn, struct str tenant, struct str type,
    struct str attr, struct str value, struct scim_err *err)
{
	struct key k;
	int rc;

	rc = uniq_key(&k, tenant, type, attr, value, err);
	if (rc == 0)
		rc = db_del(txn, STORE_DBI_UNIQ, &k, err);
	return rc == SCIM_E_NOT_FOUND ? 0 : rc;
}

/* --- edges --- */

/* tenant \0 kind \0 from \0, then to when given. */
static int
edge_key(struct key *k, struct str tenant, struct str kind, struct str from,
    struct str to, struct scim_err *err)
{
	int rc;

	k->len = 0;
	rc = key_part(k, tenant, STORE_TENANT_MAX, "tenant name", 0, err);
	if (rc == 0)
		rc =
		    key_part(k, kind, STORE_EDGE_KIND_MAX, "edge kind", 0, err);
	if (rc == 0)
		rc = key_part(k, from, STORE_ID_MAX, "id", 0, err);
	if (rc == 0 && to.ptr != NULL)
		rc = key_part(k, to, STORE_ID_MAX, "id", 1, err);
	return rc;
}

int
store_edge_put(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, struct str to, struct str val, struct scim_err *err)
{
	struct key k;
	int rc;

	rc = edge_key(&k, tenant, kind, from, to, err);
	if (rc == 0)
		rc = db_put(txn, STORE_DBI_EDGES, &k, val, 0, NULL, err);
	return rc;
}

int
store_edge_get(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, struct str to, struct str *val)
{
	struct key k;

	if (to.ptr == NULL || edge_key(&k, tenant, kind, from, to, NULL) != 0)
		return SCIM_E_NOT_FOUND;
	return db_get(txn, STORE_DBI_EDGES, &k, val);
}

int
store_edge_del(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, struct str to, struct scim_err *err)
{
	struct key k;
	int rc;

	if (to.ptr == NULL || edge_key(&k, tenant, kind, from, to, NULL) != 0)
		return 0; /* no such key can exist */
	rc = db_del(txn, STORE_DBI_EDGES, &k, err);
	return rc == SCIM_E_NOT_FOUND ? 0 : rc;
}

int
store_edge_del_from(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, struct scim_err *err)
{
	struct key p;
	int rc;

	rc = edge_key(&p, tenant, kind, from, STR_NULL, err);
	if (rc == 0)
		rc = store_writable(txn, err);
	if (rc == 0)
		rc = prefix_delete(txn, STORE_DBI_EDGES, &p, err);
	return rc;
}

struct edge_each_ctx {
	int (*fn)(void *arg, struct str to, struct str val);
	void *arg;
	size_t skip; /* prefix length */
	size_t n;
};

static int
edge_visit(void *arg, const MDB_val *key, const MDB_val *val)
{
	struct edge_each_ctx *c = arg;

	c->n++;
	if (c->fn == NULL)
		return 0;
	return c->fn(c->arg,
	    str_make(
		(const char *)key->mv_data + c->skip, key->mv_size - c->skip),
	    str_make(val->mv_data, val->mv_size));
}

int
store_edge_each(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, int (*fn)(void *arg, struct str to, struct str val),
    void *arg, struct scim_err *err)
{
	struct edge_each_ctx c = {fn, arg, 0, 0};
	struct key p;
	int rc;

	rc = edge_key(&p, tenant, kind, from, STR_NULL, err);
	c.skip = p.len;
	if (rc == 0)
		rc = prefix_each(txn, STORE_DBI_EDGES, &p, edge_visit, &c, err);
	return rc;
}

int
store_edge_count(struct store_txn *txn, struct str tenant, struct str kind,
    struct str from, size_t *out, struct scim_err *err)
{
	struct edge_each_ctx c = {NULL, NULL, 0, 0};
	struct key p;
	int rc;

	rc = edge_key(&p, tenant, kind, from, STR_NULL, err);
	if (rc == 0)
		rc = prefix_each(txn, STORE_DBI_EDGES, &p, edge_visit, &c, err);
	*out = rc == 0 ? c.n : 0;
	return rc;
}

/* --- tenants --- */

static int
tenant_key(struct key *k, struct str name, int last, struct scim_err *err)
{
	k->len = 0;
	return key_part(k, name, STORE_TENANT_MAX, "tenant name", last, err);
}

int
store_tenant_add(struct store_txn *txn, struct str name, struct scim_err *err)
{
	struct key k;
	int rc;

	rc = tenant_key(&k, name, 1, err);
	if (rc == 0)
		rc = db_put(txn, STORE_DBI_TENANTS, &k, STR_LIT(""),
		    MDB_NOOVERWRITE, NULL, err);
	if (rc == 1)
		rc = scim_err_set(
		    err, SCIM_E_CONFLICT, "the tenant already exists");
	return rc;
}

int
store_tenant_exists(struct store_txn *txn, struct str name)
{
	struct key k;
	struct str v;

	if (tenant_key(&k, name, 1, NULL) != 0)
		return 0;
	return db_get(txn, STORE_DBI_TENANTS, &k, &v) == 0;
}

struct drop_ctx {
	struct store_txn *txn;
	struct scim_err *err;
};

/* For each token id of the tenant, delete the token it points to. */
static int
token_drop(void *arg, const MDB_val *key, const MDB_val *val)
{
	struct drop_ctx *c = arg;
	struct key hash;
	int rc;

	if (val->mv_size == 0 || val->mv_size > sizeof(hash.buf))
		return 0;
	/* Copy: the value may not survive a write to another database. */
	memcpy(hash.buf, val->mv_data, val->mv_size);
	hash.len = val->mv_size;
	rc = db_del(c->txn, STORE_DBI_TOKENS, &hash, c->err);
	return rc == SCIM_E_NOT_FOUND ? 0 : rc;
}

int
store_tenant_del(struct store_txn *txn, struct str name, struct scim_err *err)
{
	struct drop_ctx c = {txn, err};
	struct key k, p;
	int rc;

	if (tenant_key(&k, name, 1, NULL) != 0)
		rc = SCIM_E_NOT_FOUND;
	else
		rc = db_del(txn, STORE_DBI_TENANTS, &k, err);
	if (rc == SCIM_E_NOT_FOUND)
		scim_err_set(err, rc, "tenant not found");
	if (rc != 0)
		goto out;
	tenant_key(&p, name, 0, NULL);
	if ((rc = prefix_each(
		 txn, STORE_DBI_TOKEN_IDS, &p, token_drop, &c, err)) != 0 ||
	    (rc = prefix_delete(txn, STORE_DBI_TOKEN_IDS, &p, err)) != 0 ||
	    (rc = prefix_delete(txn, STORE_DBI_UNIQ, &p, err)) != 0 ||
	    (rc = prefix_delete(txn, STORE_DBI_EDGES, &p, err)) != 0 ||
	    (rc = prefix_delete(txn, STORE_DBI_INDEX, &p, err)) != 0 ||
	    (rc = prefix_delete(txn, STORE_DBI_RECORDS, &p, err)) != 0)
		goto out;
	rc = 0;
out:
	return rc;
}

struct tenant_each_ctx {
	int (*fn)(void *arg, struct str name);
	void *arg;
};

static int
tenant_visit(void *arg, const MDB_val *key, const MDB_val *val)
{
	struct tenant_each_ctx *c = arg;

	return c->fn(c->arg, str_make(key->mv_data, key->mv_size));
}

int
store_tenant_each(
    struct store_txn *txn, int (*fn)(void *arg, struct str name), void *arg)
{
	struct tenant_each_ctx c = {fn, arg};
	struct key all = {0};

	return prefix_each(
	    txn, STORE_DBI_TENANTS, &all, tenant_visit, &c, NULL);
}

/* --- buckets --- */

int
store_kv_get(
    struct store_txn *txn, enum store_bucket b, struct str key, struct str *val)
{
	enum store_dbi d;
	struct key k;
	int rc;

	if ((rc = bucket_dbi(b, &d)) != 0)
		return rc;
	if (kv_key(&k, key, NULL) != 0)
		return SCIM_E_NOT_FOUND;
	return db_get(txn, d, &k, val);
}

int
store_kv_put(struct store_txn *txn, enum store_bucket b, struct str key,
    struct str val, struct scim_err *err)
{
	enum store_dbi d;
	struct key k;
	int rc;

	if ((rc = bucket_dbi(b, &d)) != 0)
		return scim_err_set(err, rc, "internal error");
	rc = kv_key(&k, key, err);
	if (rc == 0)
		rc = db_put(txn, d, &k, val, 0, NULL, err);
	return rc;
}

int
store_kv_del(struct store_txn *txn, enum store_bucket b, struct str key,
    struct scim_err *err)
{
	enum store_dbi d;
	struct key k;
	int rc;

	if ((rc = bucket_dbi(b, &d)) != 0)
		return scim_err_set(err, rc, "internal error");
	if (kv_key(&k, key, NULL) != 0)
		rc = SCIM_E_NOT_FOUND;
	else
		rc = db_del(txn, d, &k, err);
	if (rc == SCIM_E_NOT_FOUND)
		scim_err_set(err, rc, "not found");
	return rc;
}

struct kv_each_ctx {
	int (*fn)(void *arg, struct str key, struct str val);
	void *arg;
};

static int
kv_visit(void *arg, const MDB_val *key, const MDB_val *val)
{
	struct kv_each_ctx *c = arg;

	return c->fn(c->arg, str_make(key->mv_data, key->mv_size),
	    str_make(val->mv_data, val->mv_size));
}

int
store_kv_each_prefix(struct store_txn *txn, enum store_bucket b,
    struct str prefix, int (*fn)(void *arg, struct str key, struct str val),
    void *arg)
{
	struct kv_each_ctx c = {fn, arg};
	enum store_dbi d;
	struct key p = {0};
	int rc;

	if ((rc = bucket_dbi(b, &d)) != 0)
		return rc;
	if (prefix.len > 0 && kv_key(&p, prefix, NULL) != 0)
		return 0; /* longer than any key: nothing matches */
	return prefix_each(txn, d, &p, kv_visit, &c, NULL);
}
