/*
 * `scimcred check` for the secondary indexes; see store_index_check.h.
 *
 * Three passes in one read transaction, so the answer is about one
 * commit even beside a running server:
 *   1. records -> entries: every record of an indexed type is run
 *      through the indexer and each entry it derives is looked up
 *      (MDB_GET_BOTH: this key with this id). The entries found are
 *      counted.
 *   2. entries -> records: every entry is well formed, is for a type
 *      the declaration indexes and names an existing record. Those that
 *      do are counted too.
 *   3. Only when pass 2 counted more entries naming records than pass 1
 *      found: some entry names a record that does not derive it. The
 *      entries are walked again, comparing each with its record's own
 *      entries, until that many have been named.
 * An entry is a (key, id) pair stored once (MDB_NODUPDATA) and one
 * record's entries are distinct, so the two counts are equal exactly
 * when no such entry exists, and the clean case decodes each record
 * once rather than once per entry.
 *
 * The entries are derived the way store_index.c stores them: an ikey is
 * cut to the room left after tenant \0 type \0 in a STORE_KEY_MAX key,
 * and an empty one is not stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_index_check.h"
#include "store/store_int.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define WHAT "index"

struct ixc {
	struct store_check_ctx c;
	const struct store_indexer *ix;
	MDB_cursor *icur; /* on the index, for pass 1's lookups */
	struct store_ikeys set;
	size_t entries; /* pass 2: all entries */
	size_t records; /* pass 1: records of indexed types */
	size_t found; /* pass 1: derived entries that exist */
	size_t named; /* pass 2: entries naming an indexed record */
	/* pass 3: the record whose ikeys `set` holds (its full key) */
	char cached[STORE_KEY_MAX];
	size_t cached_len;
	int cached_rc;
};

/* ------------------------------------------------------------ ikeys */

/* The entries the store writes for rec (store_ikeys_derive), into
 * x->set. */
static int
ikeys_of(struct ixc *x, struct str tenant, struct str type, struct str rec)
{
	return store_ikeys_derive(x->ix, type, rec,
	    STORE_KEY_MAX - tenant.len - type.len - 2, &x->set);
}

/* ---------------------------------------------------------- wording */

/* "name:\"escaped rest\"": the index's name, then its encoded value. */
static const char *
entry_text(char *out, size_t outsz, struct str ikey)
{
	const char *nul = memchr(ikey.ptr, '\0', ikey.len);
	size_t nlen = nul != NULL ? (size_t)(nul - ikey.ptr) : ikey.len;
	char name[256], rest[384];

	size_t skip = nul != NULL ? nlen + 1 : nlen;

	if (str_eq(ikey, STORE_IKEY_ALL)) {
		snprintf(out, outsz, "(every record)");
		return out;
	}
	log_escape(name, sizeof(name), ikey.ptr, nlen);
	log_escape(rest, sizeof(rest), ikey.ptr + skip, ikey.len - skip);
	snprintf(out, outsz, "%s:\"%s\"", name, rest);
	return out;
}

/* "tenant/type/id", escaped. */
static const char *
rec_text(
    char *out, size_t outsz, struct str tenant, struct str type, struct str id)
{
	char t[256], y[260], i[260];

	log_escape(t, sizeof(t), tenant.ptr, tenant.len);
	log_escape(y, sizeof(y), type.ptr, type.len);
	log_escape(i, sizeof(i), id.ptr, id.len);
	snprintf(out, outsz, "%s/%s/%s", t, y, i);
	return out;
}

/* ------------------------------------------------- pass 1: records */

/* Looks up each derived entry of one record; names it if any is gone. */
static void
record_entries(struct ixc *x, struct str tenant, struct str type, struct str id,
    struct str rec)
{
	char key[STORE_KEY_MAX], r[800], e[700];
	size_t pre = tenant.len + type.len + 2, i, missing = 0, first = 0;
	MDB_val k, v;
	int rc;

	x->records++;
	rc = ikeys_of(x, tenant, type, rec);
	if (rc != 0) {
		store_check_problem(&x->c, WHAT,
		    "%s: the indexer cannot read the record (%s)",
		    rec_text(r, sizeof(r), tenant, type, id),
		    scim_strerror(rc));
		return;
	}
	memcpy(key, tenant.ptr, tenant.len);
	key[tenant.len] = '\0';
	memcpy(key + tenant.len + 1, type.ptr, type.len);
	key[pre - 1] = '\0';
	for (i = 0; i < x->set.n; i++) {
		memcpy(key + pre, x->set.keys[i].ptr, x->set.keys[i].len);
		k = (MDB_val){pre + x->set.keys[i].len, key};
		v = (MDB_val){id.len, (void *)id.ptr};
		if (mdb_cursor_get(x->icur, &k, &v, MDB_GET_BOTH) == 0)
			x->found++;
		else if (missing++ == 0)
			first = i;
	}
	if (missing > 0)
		store_check_problem(&x->c, WHAT,
		    "%s: not indexed: %zu of its %zu entries missing, such "
		    "as %s",
		    rec_text(r, sizeof(r), tenant, type, id), missing, x->set.n,
		    entry_text(e, sizeof(e), x->set.keys[first]));
}

/*
 * Calls fn for each record of an indexed type (malformed keys are
 * store_check's to report). An LMDB failure is reported as a problem.
 */
static void
each_record(struct ixc *x,
    void (*fn)(struct ixc *x, struct str tenant, struct str type, struct str id,
	struct str rec))
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	struct str p[3];
	int mrc;

	mrc = mdb_cursor_open(x->c.txn, x->c.s->dbi[STORE_DBI_RECORDS], &cur);
	if (mrc == 0) {
		for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
		     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
			if (store_check_split(k, p, 3) == 0 && p[2].len > 0 &&
			    p[0].len <= STORE_TENANT_MAX &&
			    p[1].len <= STORE_TYPE_MAX &&
			    x->ix->covers(x->ix->arg, p[1]))
				fn(x, p[0], p[1], p[2],
				    str_make(v.mv_data, v.mv_size));
		mdb_cursor_close(cur);
	}
	if (mrc != MDB_NOTFOUND)
		store_check_problem(&x->c, WHAT,
		    "reading the records stopped: %s", mdb_strerror(mrc));
}

/* ------------------------------------------- passes 2 and 3: entries */

struct entry {
	struct str tenant, type, ikey, id;
	MDB_val rk, rv; /* the record's key and bytes */
};

/* Splits k/v into e; 1 if it names an existing record of an indexed
 * type, else 0, after naming the problem when `say`. */
static int
entry_parse(
    struct ixc *x, MDB_val *k, MDB_val *v, struct entry *e, char *key, int say)
{
	struct str p[3];
	char r[800], t[700];
	const char *why = NULL;

	e->id = str_make(v->mv_data, v->mv_size);
	if (store_check_split(*k, p, 3) != 0 || p[0].len > STORE_TENANT_MAX ||
	    p[1].len > STORE_TYPE_MAX || p[2].len == 0 || e->id.len == 0 ||
	    e->id.len > STORE_ID_MAX ||
	    memchr(e->id.ptr, '\0', e->id.len) != NULL) {
		log_escape(t, sizeof(t), k->mv_data, k->mv_size);
		log_escape(r, sizeof(r), v->mv_data, v->mv_size);
		if (say)
			store_check_problem(&x->c, WHAT,
			    "malformed entry \"%s\" -> \"%s\"", t, r);
		return 0;
	}
	e->tenant = p[0];
	e->type = p[1];
	e->ikey = p[2];
	e->rk.mv_size = e->tenant.len + e->type.len + 2 + e->id.len;
	e->rk.mv_data = key;
	memcpy(key, k->mv_data, e->tenant.len + e->type.len + 2);
	memcpy(key + e->tenant.len + e->type.len + 2, e->id.ptr, e->id.len);
	if (!x->ix->covers(x->ix->arg, e->type))
		why = "is for a resource type that has no index";
	else if (mdb_get(x->c.txn, x->c.s->dbi[STORE_DBI_RECORDS], &e->rk,
		     &e->rv) != 0)
		why = "names a record that does not exist";
	if (why != NULL && say)
		store_check_problem(&x->c, WHAT, "%s: entry %s %s",
		    rec_text(r, sizeof(r), e->tenant, e->type, e->id),
		    entry_text(t, sizeof(t), e->ikey), why);
	return why == NULL;
}

/* Pass 3 for one entry: 1 if its record does not derive it (named). */
static int
entry_matches(struct ixc *x, struct entry *e)
{
	char r[800], t[700];

	if (x->cached_len != e->rk.mv_size ||
	    memcmp(x->cached, e->rk.mv_data, e->rk.mv_size) != 0) {
		memcpy(x->cached, e->rk.mv_data, e->rk.mv_size);
		x->cached_len = e->rk.mv_size;
		x->cached_rc = ikeys_of(x, e->tenant, e->type,
		    str_make(e->rv.mv_data, e->rv.mv_size));
	}
	/* A record the indexer cannot read was named by pass 1. */
	if (x->cached_rc != 0 || store_ikeys_has(&x->set, e->ikey))
		return 0;
	store_check_problem(&x->c, WHAT,
	    "%s: entry %s does not match the record (the indexer does not "
	    "derive it from the record's values)",
	    rec_text(r, sizeof(r), e->tenant, e->type, e->id),
	    entry_text(t, sizeof(t), e->ikey));
	return 1;
}

/*
 * Pass 2 (unmatched == 0): counts and classifies every entry. Pass 3
 * (unmatched > 0): names that many entries that do not match.
 */
static void
each_entry(struct ixc *x, size_t unmatched)
{
	char key[STORE_KEY_MAX + STORE_ID_MAX];
	MDB_cursor *cur = NULL;
	struct entry e;
	MDB_val k, v;
	int mrc;

	mrc = mdb_cursor_open(x->c.txn, x->c.s->dbi[STORE_DBI_INDEX], &cur);
	if (mrc == 0) {
		for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
		     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			if (unmatched == 0) {
				x->entries++;
				x->named += entry_parse(x, &k, &v, &e, key, 1);
			} else if (entry_parse(x, &k, &v, &e, key, 0) &&
			    entry_matches(x, &e) && --unmatched == 0)
				break;
		}
		mdb_cursor_close(cur);
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		store_check_problem(&x->c, WHAT,
		    "reading the index stopped: %s", mdb_strerror(mrc));
}

/* ------------------------------------------------- the declaration */

/* 1 if the entries were built for ix's version; 0 with *absent set if
 * no version is recorded. */
static int
version_current(struct ixc *x, int *absent)
{
	MDB_val k = {sizeof(STORE_META_INDEX_KEY) - 1, STORE_META_INDEX_KEY}, v;
	struct str ver = x->ix->version;

	*absent = mdb_get(x->c.txn, x->c.s->dbi[STORE_DBI_META], &k, &v) != 0;
	return !*absent && v.mv_size == ver.len &&
	    memcmp(v.mv_data, ver.ptr, ver.len) == 0;
}

static void
count_record(struct ixc *x, struct str tenant, struct str type, struct str id,
    struct str rec)
{
	(void)tenant, (void)type, (void)id, (void)rec;
	x->records++;
}

/*
 * Entries built for another declaration, or for none: comparing them
 * would name every difference, all of which the rebuild that the next
 * start makes (store_index_attach) mends. One problem says so, unless
 * there is nothing to build.
 */
static void
stale(struct ixc *x, int absent)
{
	MDB_stat st;

	if (mdb_stat(x->c.txn, x->c.s->dbi[STORE_DBI_INDEX], &st) == 0)
		x->entries = st.ms_entries;
	each_record(x, count_record);
	if (x->entries == 0 && x->records == 0)
		return;
	store_check_problem(&x->c, WHAT,
	    "%s, so the entries were not compared; the server rebuilds "
	    "the indexes when it next starts (a server already running "
	    "answers from these entries until then)",
	    absent ? "no index declaration hash is recorded (the indexes "
		     "were never built, or a record was written by a "
		     "process without the indexer)"
		   : "the indexes were built for another declaration "
		     "(indexes.json or the encoding changed)");
}

int
store_index_check(struct store *s, const struct store_indexer *ix,
    store_check_report report, void *arg, size_t *problems,
    struct scim_err *err)
{
	struct store_txn *txn = NULL;
	struct ixc *x = NULL;
	char line[160];
	int rc, absent = 0, mrc;

	*problems = 0;
	rc = store_read_begin(s, &txn, err);
	if (rc != 0)
		goto out;
	x = xcalloc(1, sizeof(*x));
	buf_init(&x->set.bytes);
	x->c.s = s;
	x->c.txn = txn->txn;
	x->c.report = report;
	x->c.arg = arg;
	x->ix = ix;
	if (!version_current(x, &absent)) {
		stale(x, absent);
		snprintf(line, sizeof(line),
		    WHAT
		    ": %zu entries not compared, %zu records, %zu problems",
		    x->entries, x->records, x->c.problems);
	} else {
		mrc = mdb_cursor_open(
		    txn->txn, s->dbi[STORE_DBI_INDEX], &x->icur);
		if (mrc != 0) {
			rc = store_lmdb_fail(txn, mrc, err);
			goto out;
		}
		each_record(x, record_entries);
		mdb_cursor_close(x->icur);
		each_entry(x, 0);
		if (x->named > x->found)
			each_entry(x, x->named - x->found);
		snprintf(line, sizeof(line),
		    WHAT ": %zu entries checked, %zu records, %zu problems",
		    x->entries, x->records, x->c.problems);
	}
	report(arg, NULL, line);
	*problems = x->c.problems;
	rc = 0;
out:
	if (x != NULL) {
		store_ikeys_free(&x->set);
		free(x);
	}
	store_read_end(txn);
	return rc;
}
