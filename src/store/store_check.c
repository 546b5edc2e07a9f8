/*
 * `scimcred check`, store level (store.h): everything that can be
 * verified from the key layouts alone, in one read transaction, so it
 * can run beside a live server. What needs schemas (does every record
 * hold the uniqueness keys its attributes call for?) is scim/check.c's.
 *
 * Each database has one step in the table below; a step walks its
 * database once, reports every problem it finds and returns 0, or a
 * negative code when LMDB itself fails (a damaged page), which is
 * reported and does not stop the other steps.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/log.h"
#include "util/num.h"
#include "util/xmalloc.h"

/* Distinct record types remembered for the edge check. */
#define TYPES_MAX 64

struct run {
	struct store_check_ctx c; /* first: steps get &run->c */
	char types[TYPES_MAX][STORE_TYPE_MAX + 1];
	size_t ntypes;
};

/* --------------------------------------------------------- shared API */

void
store_check_problem(
    struct store_check_ctx *c, const char *what, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->problems++;
	c->report(c->arg, what, msg);
}

void
store_check_summary(
    struct store_check_ctx *c, const char *what, size_t n, size_t bad)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s: %zu keys, %zu problems", what, n, bad);
	c->report(c->arg, NULL, msg);
}

int
store_check_split(MDB_val key, struct str *parts, size_t nparts)
{
	const char *p = key.mv_data, *end = p + key.mv_size, *nul;
	size_t i;

	for (i = 0; i + 1 < nparts; i++) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (nul == NULL || nul == p)
			return -1;
		parts[i] = str_make(p, (size_t)(nul - p));
		p = nul + 1;
	}
	parts[i] = str_make(p, (size_t)(end - p));
	return 0;
}

int
store_check_tenant(struct store_check_ctx *c, struct str tenant)
{
	MDB_val k = {tenant.len, (void *)tenant.ptr}, v;

	return tenant.len > 0 &&
	    mdb_get(c->txn, c->s->dbi[STORE_DBI_TENANTS], &k, &v) == 0;
}

int
store_check_record(struct store_check_ctx *c, struct str tenant,
    struct str type, struct str id)
{
	char buf[STORE_KEY_MAX];
	MDB_val k, v;
	size_t n = tenant.len + type.len + id.len + 2;

	if (n > sizeof(buf) || tenant.len == 0 || type.len == 0 || id.len == 0)
		return 0;
	memcpy(buf, tenant.ptr, tenant.len);
	buf[tenant.len] = '\0';
	memcpy(buf + tenant.len + 1, type.ptr, type.len);
	buf[tenant.len + 1 + type.len] = '\0';
	memcpy(buf + tenant.len + type.len + 2, id.ptr, id.len);
	k.mv_size = n;
	k.mv_data = buf;
	return mdb_get(c->txn, c->s->dbi[STORE_DBI_RECORDS], &k, &v) == 0;
}

/* ------------------------------------------------------------ helpers */

/* Escaped copy of untrusted key bytes, for a message. */
static const char *
esc(char *out, size_t outsz, struct str s)
{
	log_escape(out, outsz, s.ptr, s.len);
	return out;
}

/* A name or id part: 1..max bytes, no NUL. */
static int
part_ok(struct str s, size_t max)
{
	return s.len > 0 && s.len <= max && memchr(s.ptr, '\0', s.len) == NULL;
}

/* Walks one database, calling fn per key; counts keys and problems. */
static int
walk(struct store_check_ctx *c, enum store_dbi dbi, const char *what,
    void (*fn)(struct run *r, MDB_val *k, MDB_val *v))
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	size_t n = 0, before = c->problems;
	int mrc;

	mrc = mdb_cursor_open(c->txn, c->s->dbi[dbi], &cur);
	if (mrc == 0) {
		for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
		     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			fn((struct run *)c, &k, &v);
			n++;
		}
		mdb_cursor_close(cur);
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND) {
		store_check_problem(
		    c, what, "reading stopped: %s", mdb_strerror(mrc));
		return SCIM_E_STORAGE;
	}
	store_check_summary(c, what, n, c->problems - before);
	return 0;
}

/* -------------------------------------------------------------- steps */

static int
check_format(struct store_check_ctx *c)
{
	MDB_val k = {6, "format"}, v;
	int64_t ver = 0;

	if (mdb_get(c->txn, c->s->dbi[STORE_DBI_META], &k, &v) != 0 ||
	    num_parse_range(
		str_make(v.mv_data, v.mv_size), 1, INT32_MAX, &ver) != 0)
		store_check_problem(c, "meta", "no readable format version");
	else if (ver != STORE_FORMAT_VERSION)
		store_check_problem(c, "meta",
		    "format version %lld, this scimcred uses %d",
		    (long long)ver, STORE_FORMAT_VERSION);
	else
		c->report(c->arg, NULL, "format: version matches");
	return 0;
}

static void
one_tenant(struct run *r, MDB_val *k, MDB_val *v)
{
	char e[256];

	if (!part_ok(str_make(k->mv_data, k->mv_size), STORE_TENANT_MAX))
		store_check_problem(&r->c, "tenants", "bad tenant name \"%s\"",
		    esc(e, sizeof(e), str_make(k->mv_data, k->mv_size)));
}

static int
check_tenants(struct store_check_ctx *c)
{
	return walk(c, STORE_DBI_TENANTS, "tenants", one_tenant);
}

static void
remember_type(struct run *r, struct str type)
{
	size_t i;

	for (i = 0; i < r->ntypes; i++)
		if (strlen(r->types[i]) == type.len &&
		    memcmp(r->types[i], type.ptr, type.len) == 0)
			return;
	if (r->ntypes < TYPES_MAX) {
		memcpy(r->types[r->ntypes], type.ptr, type.len);
		r->types[r->ntypes++][type.len] = '\0';
	}
}

static void
one_record(struct run *r, MDB_val *k, MDB_val *v)
{
	struct str p[3];
	char e[512];

	if (store_check_split(*k, p, 3) != 0 ||
	    !part_ok(p[0], STORE_TENANT_MAX) ||
	    !part_ok(p[1], STORE_TYPE_MAX) || !part_ok(p[2], STORE_ID_MAX)) {
		store_check_problem(&r->c, "records", "malformed key \"%s\"",
		    esc(e, sizeof(e), str_make(k->mv_data, k->mv_size)));
		return;
	}
	remember_type(r, p[1]);
	esc(e, sizeof(e), str_make(k->mv_data, k->mv_size));
	if (!store_check_tenant(&r->c, p[0]))
		store_check_problem(&r->c, "records",
		    "record \"%s\" of a tenant that does not exist", e);
	if (v->mv_size == 0)
		store_check_problem(
		    &r->c, "records", "record \"%s\" is empty", e);
}

static int
check_records(struct store_check_ctx *c)
{
	return walk(c, STORE_DBI_RECORDS, "records", one_record);
}

static void
one_uniq(struct run *r, MDB_val *k, MDB_val *v)
{
	struct str p[4], id = str_make(v->mv_data, v->mv_size);
	char e[512], et[272], ei[272];

	/* The value part may be empty or hold any byte. */
	if (store_check_split(*k, p, 4) != 0 ||
	    !part_ok(p[0], STORE_TENANT_MAX) ||
	    !part_ok(p[1], STORE_TYPE_MAX) || !part_ok(p[2], STORE_ATTR_MAX)) {
		store_check_problem(&r->c, "uniq", "malformed key \"%s\"",
		    esc(e, sizeof(e), str_make(k->mv_data, k->mv_size)));
		return;
	}
	esc(e, sizeof(e), str_make(k->mv_data, k->mv_size));
	if (!part_ok(id, STORE_ID_MAX))
		store_check_problem(&r->c, "uniq", "key \"%s\" holds no id", e);
	else if (!store_check_tenant(&r->c, p[0]))
		store_check_problem(&r->c, "uniq",
		    "key \"%s\" of a tenant that does not exist", e);
	else if (!store_check_record(&r->c, p[0], p[1], id))
		store_check_problem(&r->c, "uniq",
		    "key \"%s\" names %s \"%s\", which does not exist", e,
		    esc(et, sizeof(et), p[1]), esc(ei, sizeof(ei), id));
}

static int
check_uniq(struct store_check_ctx *c)
{
	return walk(c, STORE_DBI_UNIQ, "uniq", one_uniq);
}

/* 1 if id is a record of any type seen in the records database. */
static int
any_record(struct run *r, struct str tenant, struct str id)
{
	size_t i;

	for (i = 0; i < r->ntypes; i++)
		if (store_check_record(
			&r->c, tenant, str_from(r->types[i]), id))
			return 1;
	return 0;
}

static void
one_edge(struct run *r, MDB_val *k, MDB_val *v)
{
	struct str p[4];
	char e[512];

	esc(e, sizeof(e), str_make(k->mv_data, k->mv_size));
	if (store_check_split(*k, p, 4) != 0 ||
	    !part_ok(p[0], STORE_TENANT_MAX) ||
	    !part_ok(p[1], STORE_EDGE_KIND_MAX) ||
	    !part_ok(p[2], STORE_ID_MAX) || !part_ok(p[3], STORE_ID_MAX)) {
		store_check_problem(&r->c, "edges", "malformed key \"%s\"", e);
		return;
	}
	if (!store_check_tenant(&r->c, p[0]))
		store_check_problem(&r->c, "edges",
		    "edge \"%s\" of a tenant that does not exist", e);
	else if (!any_record(r, p[0], p[2]))
		store_check_problem(
		    &r->c, "edges", "edge \"%s\" starts at no record", e);
	else if (!any_record(r, p[0], p[3]))
		store_check_problem(
		    &r->c, "edges", "edge \"%s\" ends at no record", e);
}

static int
check_edges(struct store_check_ctx *c)
{
	return walk(c, STORE_DBI_EDGES, "edges", one_edge);
}

static void
one_token_id(struct run *r, MDB_val *k, MDB_val *v)
{
	struct str p[2];
	MDB_val hv;
	char e[512];

	esc(e, sizeof(e), str_make(k->mv_data, k->mv_size));
	if (store_check_split(*k, p, 2) != 0 ||
	    !part_ok(p[0], STORE_TENANT_MAX) || p[1].len == 0) {
		store_check_problem(
		    &r->c, "token_ids", "malformed key \"%s\"", e);
		return;
	}
	if (!store_check_tenant(&r->c, p[0]))
		store_check_problem(&r->c, "token_ids",
		    "token \"%s\" of a tenant that does not exist", e);
	if (mdb_get(r->c.txn, r->c.s->dbi[STORE_DBI_TOKENS], v, &hv) != 0)
		store_check_problem(
		    &r->c, "token_ids", "token \"%s\" has no token record", e);
}

static int
check_tokens(struct store_check_ctx *c)
{
	MDB_stat a, b;
	int rc;

	rc = walk(c, STORE_DBI_TOKEN_IDS, "token_ids", one_token_id);
	/* Every id names a distinct token, so equal counts mean every
	 * token record is named by an id. */
	if (rc == 0 &&
	    mdb_stat(c->txn, c->s->dbi[STORE_DBI_TOKEN_IDS], &a) == 0 &&
	    mdb_stat(c->txn, c->s->dbi[STORE_DBI_TOKENS], &b) == 0 &&
	    a.ms_entries != b.ms_entries)
		store_check_problem(c, "tokens",
		    "%zu token records but %zu token ids", b.ms_entries,
		    a.ms_entries);
	return rc;
}

/*
 * The steps, in order. Tenants and records come first: later steps look
 * up what they name. Extension point: a database whose code lives in
 * another store file adds its row here, with a function of type
 * store_check_step declared in store_int.h (the secondary indexes of
 * store_index.c: every index entry must name an existing record).
 */
static const struct {
	const char *name;
	store_check_step fn;
} steps[] = {
    {"format", check_format},
    {"tenants", check_tenants},
    {"records", check_records},
    {"uniq", check_uniq},
    {"edges", check_edges},
    {"tokens", check_tokens},
};

int
store_check(struct store *s, store_check_report report, void *arg,
    size_t *problems, struct scim_err *err)
{
	struct store_txn *txn = NULL;
	struct run *r = NULL;
	size_t i;
	int rc;

	*problems = 0;
	rc = store_read_begin(s, &txn, err);
	if (rc != 0)
		goto out;
	r = xcalloc(1, sizeof(*r));
	r->c.s = s;
	r->c.txn = txn->txn;
	r->c.report = report;
	r->c.arg = arg;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		steps[i].fn(&r->c);
	*problems = r->c.problems;
	rc = 0;
out:
	free(r);
	store_read_end(txn);
	return rc;
}
