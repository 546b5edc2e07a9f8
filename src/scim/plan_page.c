/*
 * The page of an exact plan (plan.h), read from the indexes: when the
 * candidates are exactly the matches, totalResults is their number and
 * only the requested page's records need reading (RFC 7644 §3.4.2.4),
 * and a sortBy on an indexed attribute is the index's own order
 * (§3.4.2.3), so a page of it is a walk that stops after skip+count.
 * Whenever an answer could differ from list.c's load-and-sort, this
 * says so (returns 0) and the caller does the full work.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scim/plan.h"
#include "util/buf.h"

/* Reading a record and evaluating it costs about this many index steps:
 * a walk is chosen when it is expected to be cheaper than loading every
 * candidate. */
#define PAGE_LOAD_STEPS 64
/* Keys counted to learn how many records have a sort value (a
 * descending walk without a filter): past it, the full path. */
#define PAGE_COUNT_KEYS 65536

/*
 * The order of a sorted list is S = walk ++ missing (ascending) or
 * missing ++ reversed walk (descending), where walk is the index's
 * entries among the candidates (ids ascending under one key) and
 * missing the candidates without a sort value, in id order; the page is
 * S[skip, skip + count).
 */
struct walk {
	const struct plan_ids *cand; /* NULL: every record */
	unsigned char *seen; /* per candidate (cand only) */
	size_t room; /* an ikey this long may have been cut */
	size_t pos; /* members of S met so far */
	size_t skip, count;
	int to_end; /* walk every entry (no early stop) */
	int cut; /* met a key that may be cut: order unknown */
	struct plan_ids *page;
};

static int
id_cmp(const void *x, const void *y)
{
	return str_cmp(*(const struct str *)x, *(const struct str *)y);
}

/* Adds id, the next member of S; 1 once the page is complete. */
static int
page_add(struct walk *w, struct str id)
{
	if (w->pos >= w->skip && w->page->n < w->count)
		w->page->ids[w->page->n++] = id;
	w->pos++;
	return w->pos >= w->skip + w->count;
}

static int
walk_one(void *arg, struct str ikey, struct str id)
{
	struct walk *w = arg;
	const struct str *hit = NULL;
	int full;

	if (ikey.len >= w->room) {
		w->cut = 1;
		return 1;
	}
	if (w->cand != NULL) {
		hit = bsearch(&id, w->cand->ids, w->cand->n,
		    sizeof(*w->cand->ids), id_cmp);
		if (hit == NULL)
			return 0;
		w->seen[hit - w->cand->ids] = 1;
	}
	full = page_add(w, id);
	return full && !w->to_end;
}

static void
add_missing(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->cand->n && w->page->n < w->count; i++)
		if (!w->seen[i])
			page_add(w, w->cand->ids[i]);
}

/* The plain index whose order is the sort's exactly, or NULL. */
static const struct index_def *
sort_index(const struct index_set *set, const struct schema_rtype *rt,
    const struct plan_sort *sort)
{
	struct filter_node n = {.op = FILTER_PR, .bound = 1};
	const struct index_def *d;
	enum filter_type t = sort->info.type;

	/* one value per record (list.c's pick() is then that value), and
	 * key order is list.c's key_cmp: strings per caseExact as folded
	 * bytes, instants as milliseconds, decimals as doubles */
	if (sort->info.multi_valued ||
	    (sort->path.sub.len > 0 && sort->info.sub_multi) ||
	    (t != FILTER_T_STRING && t != FILTER_T_REFERENCE &&
		t != FILTER_T_DATETIME && t != FILTER_T_DECIMAL))
		return NULL;
	n.path = sort->path;
	n.info = sort->info;
	d = index_find(set, rt, &n);
	if (d == NULL || d->info.type != t ||
	    d->info.case_exact != sort->info.case_exact)
		return NULL;
	return d;
}

/* Ascending: walk, then (with candidates) the missing ones. */
static int
sorted_asc(struct store_txn *txn, struct str tenant, struct str type,
    struct str within, struct walk *w, size_t total, struct scim_err *err)
{
	int rc;

	rc = store_index_walk(txn, tenant, type, within, 0, walk_one, w, err);
	if (rc < 0 || w->cut)
		return rc < 0 ? rc : 0;
	if (w->page->n == w->count || w->pos >= w->skip + w->count)
		return 1;
	/* the walk ended short of the page: the rest have no value */
	if (w->cand == NULL)
		return w->pos == total; /* which ones: unknown here */
	add_missing(w);
	return 1;
}

/* Descending: the missing ones first, so their number comes first. */
static int
sorted_desc(struct store_txn *txn, struct str tenant, struct str type,
    struct store_index_range *r, struct walk *w, size_t total,
    struct scim_err *err)
{
	size_t valued = 0, skip = w->skip, count = w->count;
	int rc;

	if (w->cand == NULL) {
		rc = store_index_count_range(
		    txn, tenant, type, r, PAGE_COUNT_KEYS, &valued, err);
		if (rc != 0 || valued != total)
			return rc < 0 ? rc : 0;
	} else {
		/* a first walk marks who has a value */
		w->to_end = 1;
		w->skip = w->count = 0;
		rc = store_index_walk(
		    txn, tenant, type, r->within, 1, walk_one, w, err);
		if (rc < 0 || w->cut)
			return rc < 0 ? rc : 0;
		w->to_end = 0;
		w->skip = skip;
		w->count = count;
		w->pos = 0;
		add_missing(w);
		if (w->pos >= skip + count)
			return 1;
	}
	rc =
	    store_index_walk(txn, tenant, type, r->within, 1, walk_one, w, err);
	return rc < 0 ? rc : !w->cut;
}

/* The page of a sorted list; total: the matches, of records. */
static int
page_sorted(struct arena *a, struct store_txn *txn, const struct index_def *d,
    struct str tenant, struct str type, const struct plan_sort *sort,
    struct walk *w, size_t total, size_t records, struct scim_err *err)
{
	struct store_index_range r = {0};
	double steps = (double)records;
	struct buf b;

	/* With a filter, the expected index steps (a walk meets the
	 * matches spread over every record's entry) against loading every
	 * match: the cheaper one. */
	if (w->cand != NULL && !sort->desc && w->skip + w->count < total)
		steps = steps * (double)(w->skip + w->count) / (double)total;
	if (w->cand != NULL && sort->desc)
		steps = 2 * steps;
	if (w->cand != NULL && steps > (double)total * PAGE_LOAD_STEPS)
		return 0;
	buf_init(&b);
	index_put_head(&b, d, INDEX_TAG_VALUE);
	r.within = str_make(arena_memdup(a, b.data, b.len), b.len);
	buf_free(&b);
	if (w->cand != NULL)
		w->seen = arena_alloc(a, w->cand->n + 1);
	return sort->desc
	    ? sorted_desc(txn, tenant, type, &r, w, total, err)
	    : sorted_asc(txn, tenant, type, r.within, w, total, err);
}

/* Every record, no sort: the page in id order. */
static int
page_all(struct store_txn *txn, struct str tenant, struct str type,
    struct walk *w, struct scim_err *err)
{
	struct store_iter *it = NULL;
	struct str id, val;
	int rc, more = 0;

	rc = store_iter_new(txn, tenant, type, &it, err);
	while (rc == 0 && w->pos < w->skip + w->count &&
	    (more = store_iter_next(it, &id, &val)) == 0)
		page_add(w, id);
	if (rc == 0 && more < 0)
		rc = scim_err_set(err, more, "the resources could not be read");
	store_iter_free(it);
	return rc < 0 ? rc : 1;
}

int
plan_page(struct arena *a, struct store_txn *txn, const struct index_set *set,
    struct str tenant, const struct schema_rtype *rt,
    const struct plan_ids *cand, const struct plan_sort *sort, size_t skip,
    size_t count, struct plan_ids *page, size_t *total, struct scim_err *err)
{
	struct str type = str_from(rt->name);
	const struct index_def *d = NULL;
	struct walk w = {.skip = skip, .count = count, .page = page};
	size_t records = 0;
	int rc = 0;

	*page = (struct plan_ids){.exact = 1};
	*total = 0;
	if (!cand->exact ||
	    (sort != NULL && (d = sort_index(set, rt, sort)) == NULL))
		return 0;
	w.cand = cand->all ? NULL : cand;
	w.room = store_index_room(tenant, type);
	if (cand->all || sort != NULL) {
		/* an indexed type counts its records cheaply */
		rc = store_index_total(txn, tenant, type, &records, err);
		if (rc == 0)
			rc = store_rec_count(txn, tenant, type, &records, err);
		else if (rc == 1)
			rc = 0;
	}
	if (rc != 0)
		return rc;
	*total = cand->all ? records : cand->n;
	if (count > *total)
		w.count = count = *total;
	page->ids = arena_allocarray(a, count + 1, sizeof(*page->ids));
	if (count == 0 || skip >= *total)
		return 1;
	if (sort != NULL)
		return page_sorted(
		    a, txn, d, tenant, type, sort, &w, *total, records, err);
	if (cand->all)
		return page_all(txn, tenant, type, &w, err);
	page->n = *total - skip < count ? *total - skip : count;
	memcpy(page->ids, cand->ids + skip, page->n * sizeof(*page->ids));
	return 1;
}
