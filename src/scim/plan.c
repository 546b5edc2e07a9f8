/*
 * Filter to candidate ids; see plan.h. Sets are sorted arrays of id
 * views: intersection and union are merges, and the result streams in id
 * order, which is the order a list without sortBy answers in, so paging
 * is the same as a scan's. Memory is bounded by PLAN_MAX_IDS per term:
 * a term past it stops scanning and counts as "every record".
 */
#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scim/plan.h"
#include "scim/uniq.h"
#include "util/buf.h"

/* and: stop narrowing once this few candidates are left, and do not
 * materialise a term with more than this many times the candidates it
 * would narrow (the evaluator rejects them more cheaply). */
#define PLAN_FEW 16
#define PLAN_RATIO 16
#define PLAN_MAX_CONJ 64

static atomic_int plan_on = 1;

void
plan_set_enabled(int on)
{
	atomic_store(&plan_on, on ? 1 : 0);
}

struct pctx {
	struct arena *a;
	struct store_txn *txn;
	const struct index_set *set;
	struct str tenant;
	const struct schema_rtype *rt;
	struct scim_err *err;
};

static const struct plan_ids all_ids = {1, NULL, 0};

/* ------------------------------------------------------- id sets */

struct collect {
	struct arena *a;
	struct plan_ids *s;
	size_t cap, limit;
	int over;
};

static int
collect_id(void *arg, struct str id)
{
	struct collect *c = arg;

	if (c->s->n >= c->limit) {
		c->over = 1;
		return 1;
	}
	if (c->s->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->s->ids = arena_realloc(c->a, c->s->ids,
		    c->s->n * sizeof(*c->s->ids), c->cap * sizeof(*c->s->ids));
	}
	c->s->ids[c->s->n++] = id;
	return 0;
}

static int
id_order(const void *x, const void *y)
{
	return str_cmp(*(const struct str *)x, *(const struct str *)y);
}

static void
sort_unique(struct plan_ids *s)
{
	size_t i, j = 0;

	for (i = 1; i < s->n && str_cmp(s->ids[i - 1], s->ids[i]) < 0; i++)
		;
	if (i < s->n)
		qsort(s->ids, s->n, sizeof(*s->ids), id_order);
	for (i = 0; i < s->n; i++)
		if (j == 0 || !str_eq(s->ids[j - 1], s->ids[i]))
			s->ids[j++] = s->ids[i];
	s->n = j;
}

/* Scans the ranges (n of them) into one set; *out is "all" when it
 * passes limit. */
static int
scan_ranges(struct pctx *c, const struct store_index_range *r, size_t nr,
    size_t limit, struct plan_ids *out)
{
	struct collect col = {.a = c->a, .s = out, .limit = limit};
	size_t i;
	int rc = 0;

	*out = (struct plan_ids){0};
	for (i = 0; rc == 0 && !col.over && i < nr; i++)
		rc = store_index_scan(c->txn, c->tenant, str_from(c->rt->name),
		    &r[i], collect_id, &col, c->err);
	if (rc == 1)
		rc = 0;
	if (rc == 0 && col.over)
		*out = all_ids;
	else if (rc == 0)
		sort_unique(out);
	return rc;
}

static void
intersect(struct plan_ids *x, const struct plan_ids *y)
{
	size_t i = 0, j = 0, k = 0;
	int c;

	while (i < x->n && j < y->n) {
		c = str_cmp(x->ids[i], y->ids[j]);
		if (c == 0)
			x->ids[k++] = x->ids[i];
		i += c <= 0;
		j += c >= 0;
	}
	x->n = k;
}

static void
unite(
    struct arena *a, struct plan_ids *x, const struct plan_ids *y, size_t limit)
{
	struct plan_ids u = {0};
	size_t i = 0, j = 0;
	int c;

	if (x->n + y->n > limit) {
		*x = all_ids;
		return;
	}
	u.ids = arena_allocarray(a, x->n + y->n + 1, sizeof(*u.ids));
	while (i < x->n || j < y->n) {
		c = i == x->n	? 1
		    : j == y->n ? -1
				: str_cmp(x->ids[i], y->ids[j]);
		u.ids[u.n++] = c <= 0 ? x->ids[i] : y->ids[j];
		i += c <= 0;
		j += c >= 0;
	}
	*x = u;
}

/* ------------------------------------------------------- terms */

static struct str
arena_view(struct arena *a, const struct buf *b)
{
	return str_make(arena_memdup(a, b->data, b->len), b->len);
}

/*
 * The index range of a comparison on plain index d into r; 0, or -1
 * when the literal can match no stored value (no candidates), or 1 when
 * the operator has no range (scan).
 */
static int
term_range(struct pctx *c, const struct index_def *d,
    const struct filter_node *n, struct store_index_range *r)
{
	struct buf b;
	struct str head;
	int rc = 0;

	buf_init(&b);
	*r = (struct store_index_range){0};
	index_put_head(
	    &b, d, n->op == FILTER_PR ? INDEX_TAG_PRESENT : INDEX_TAG_VALUE);
	head = arena_view(c->a, &b);
	r->within = head;
	if (n->op == FILTER_PR)
		goto out;
	if (index_put_literal(&b, &d->info, n, n->op == FILTER_SW) != 0) {
		rc = -1;
		goto out;
	}
	switch (n->op) {
	case FILTER_EQ:
	case FILTER_SW:
		r->within = arena_view(c->a, &b);
		break;
	case FILTER_GT:
	case FILTER_GE:
		/* inclusive either way: the evaluator drops the bound */
		r->lo = arena_view(c->a, &b);
		break;
	case FILTER_LT:
	case FILTER_LE:
		r->hi = arena_view(c->a, &b);
		break;
	default:
		rc = 1;
		break;
	}
out:
	buf_free(&b);
	return rc;
}

static int node(struct pctx *c, const struct filter_node *n, size_t limit,
    struct plan_ids *out);

static int
leaf(struct pctx *c, const struct filter_node *n, size_t limit,
    struct plan_ids *out)
{
	const struct index_def *d;
	struct store_index_range r;
	struct str id;
	int k;

	*out = all_ids;
	if (n->op == FILTER_EQ && n->value != NULL &&
	    n->value->type != JSON_NULL &&
	    uniq_lookup(c->a, c->txn, c->tenant, c->rt, n, &id)) {
		*out = (struct plan_ids){0};
		if (id.ptr != NULL) {
			out->ids = arena_alloc(c->a, sizeof(*out->ids));
			out->ids[out->n++] = id;
		}
		return 0;
	}
	if ((n->op != FILTER_PR &&
		(n->value == NULL || n->value->type == JSON_NULL)) ||
	    (d = index_find(c->set, c->rt, n)) == NULL)
		return 0;
	k = term_range(c, d, n, &r);
	if (k < 0)
		*out = (struct plan_ids){0};
	if (k != 0)
		return 0;
	return scan_ranges(c, &r, 1, limit, out);
}

/* The eq term of an and-chain inner filter on component sub, or NULL. */
static const struct filter_node *
comp_eq(const struct filter_node *n, struct str sub)
{
	const struct filter_node *l;

	if (n == NULL)
		return NULL;
	if (n->op == FILTER_AND)
		return (l = comp_eq(n->left, sub)) != NULL
		    ? l
		    : comp_eq(n->right, sub);
	if (n->op == FILTER_EQ && n->value != NULL &&
	    n->value->type != JSON_NULL && str_caseeq(n->path.sub, sub))
		return n;
	return NULL;
}

/* A value path: its index on the components fixed by eq (in order),
 * plus the elements the index could not describe. */
static int
valuepath(struct pctx *c, const struct filter_node *vp, size_t limit,
    struct plan_ids *out)
{
	const struct index_def *d = index_find_valuepath(c->set, c->rt, vp);
	const struct filter_node *t;
	struct store_index_range r[2];
	struct buf b;
	size_t i;
	int rc = 0, ok = 1;

	if (d == NULL || comp_eq(vp->left, d->comps[0].sub) == NULL)
		return node(c, vp->left, limit, out);
	memset(r, 0, sizeof(r));
	buf_init(&b);
	index_put_head(&b, d, INDEX_TAG_VALUE);
	for (i = 0; ok && i < d->ncomps; i++) {
		if ((t = comp_eq(vp->left, d->comps[i].sub)) == NULL)
			break;
		buf_putc(&b, INDEX_TAG_VALUE);
		ok = index_put_literal(&b, &d->comps[i].info, t, 0) == 0;
	}
	r[0].within = arena_view(c->a, &b);
	buf_reset(&b);
	index_put_head(&b, d, INDEX_TAG_UNSURE);
	r[1].within = arena_view(c->a, &b);
	buf_free(&b);
	/* a literal no value can equal leaves only the unsure elements */
	rc = ok ? scan_ranges(c, r, 2, limit, out)
		: scan_ranges(c, r + 1, 1, limit, out);
	return rc;
}

/* An estimate for ordering the terms of an and: exact for an eq on one
 * index key, else unknown (large). */
static size_t
estimate(struct pctx *c, const struct filter_node *n)
{
	const struct index_def *d;
	struct store_index_range r;
	size_t cnt = SIZE_MAX / 2;

	if (n->op != FILTER_EQ || n->value == NULL ||
	    n->value->type == JSON_NULL)
		return SIZE_MAX / 2;
	if ((n->path.sub.len == 0 &&
		(str_caseeq_cstr(n->path.attr, "id") ||
		    str_caseeq_cstr(n->path.attr, "externalId"))))
		return 1;
	d = index_find(c->set, c->rt, n);
	if (d != NULL && term_range(c, d, n, &r) == 0 &&
	    store_index_count(c->txn, c->tenant, str_from(c->rt->name),
		r.within, &cnt, NULL) != 0)
		cnt = SIZE_MAX / 2;
	return cnt;
}

struct conj {
	const struct filter_node *n;
	size_t est;
};

static void
conjuncts(const struct filter_node *n, struct conj *v, size_t *nv)
{
	if (n->op == FILTER_AND) {
		conjuncts(n->left, v, nv);
		conjuncts(n->right, v, nv);
	} else if (*nv < PLAN_MAX_CONJ) {
		v[(*nv)++].n = n;
	}
}

static int
conj_order(const void *x, const void *y)
{
	const struct conj *a = x, *b = y;

	return (a->est > b->est) - (a->est < b->est);
}

static int
and_node(struct pctx *c, const struct filter_node *n, size_t limit,
    struct plan_ids *out)
{
	struct conj v[PLAN_MAX_CONJ];
	struct plan_ids s;
	size_t nv = 0, i, lim;
	int rc = 0;

	conjuncts(n, v, &nv);
	for (i = 0; i < nv; i++)
		v[i].est = estimate(c, v[i].n);
	qsort(v, nv, sizeof(*v), conj_order);
	*out = all_ids;
	for (i = 0; rc == 0 && i < nv; i++) {
		if (!out->all && out->n <= PLAN_FEW)
			break;
		lim = out->all || out->n > limit / PLAN_RATIO
		    ? limit
		    : out->n * PLAN_RATIO + 1024;
		if (!out->all && v[i].est != SIZE_MAX / 2 && v[i].est > lim)
			continue;
		rc = node(c, v[i].n, lim < limit ? lim : limit, &s);
		if (rc != 0 || s.all)
			continue;
		if (out->all)
			*out = s;
		else
			intersect(out, &s);
	}
	return rc;
}

static int
node(struct pctx *c, const struct filter_node *n, size_t limit,
    struct plan_ids *out)
{
	struct plan_ids r;
	int rc = 0;

	*out = all_ids;
	if (n == NULL || !n->bound)
		return 0;
	switch (n->op) {
	case FILTER_AND:
		return and_node(c, n, limit, out);
	case FILTER_OR:
		rc = node(c, n->left, limit, out);
		if (rc == 0 && !out->all)
			rc = node(c, n->right, limit, &r);
		if (rc == 0 && !out->all)
			r.all ? (void)(*out = all_ids)
			      : unite(c->a, out, &r, limit);
		return rc;
	case FILTER_NOT:
	case FILTER_NE:
	case FILTER_CO:
	case FILTER_EW:
		return 0;
	case FILTER_VALUEPATH:
		return valuepath(c, n, limit, out);
	default:
		return leaf(c, n, limit, out);
	}
}

int
plan_candidates(struct arena *a, struct store_txn *txn,
    const struct index_set *set, struct str tenant,
    const struct schema_rtype *rt, const struct filter_node *f,
    struct plan_ids *out, struct scim_err *err)
{
	struct pctx c = {a, txn, set, tenant, rt, err};

	*out = all_ids;
	if (f == NULL || !atomic_load(&plan_on))
		return 0;
	return node(&c, f, PLAN_MAX_IDS, out);
}
