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
/* and: probe each id of the set so far against a term's keys when the
 * term holds at least this many times more entries (a probe is a B-tree
 * lookup, reading an entry of a set is a step along a page). */
#define PLAN_PROBE 8
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

static const struct plan_ids all_ids = {1, NULL, 0, 0};

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
	/* the candidates are a superset of the matches: none is exact */
	out->exact = !out->all && out->n == 0;
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
	u.exact = x->exact && y->exact;
	*x = u;
}

/* ------------------------------------------------------- terms */

/* Types whose index order and equality are the evaluator's exactly
 * (filter_match.c test_value): strings by folded bytes, instants by
 * milliseconds. Numbers are not: the key is a double. */
static int
exact_type(enum filter_type t)
{
	return t == FILTER_T_STRING || t == FILTER_T_REFERENCE ||
	    t == FILTER_T_BINARY || t == FILTER_T_DATETIME;
}

static size_t
room(const struct pctx *c)
{
	return store_index_room(c->tenant, str_from(c->rt->name));
}

/*
 * 1 if the entries range r of plain index d holds exactly the records
 * comparison n matches (see plan.h): the same type and folding as the
 * evaluator, an operator the keys answer exactly, and bounds not cut.
 */
static int
leaf_exact(const struct pctx *c, const struct index_def *d,
    const struct filter_node *n, const struct store_index_range *r)
{
	size_t max = room(c);

	if (n->op == FILTER_PR)
		return 1;
	if (d->info.type != n->info.type ||
	    d->info.case_exact != n->info.case_exact)
		return 0;
	if (d->info.type == FILTER_T_BOOLEAN)
		return n->op == FILTER_EQ && r->within.len <= max;
	if (!exact_type(d->info.type) ||
	    (n->op == FILTER_SW && d->info.type == FILTER_T_DATETIME))
		return 0;
	switch (n->op) {
	case FILTER_EQ:
	case FILTER_SW:
		return r->within.len <= max;
	case FILTER_GT:
	case FILTER_GE:
		return r->lo.len <= max;
	case FILTER_LT:
		return r->hi_excl;
	case FILTER_LE:
		return r->hi.len <= max;
	default:
		return 0;
	}
}

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
		/* Numbers are inclusive either way (int64 to double rounds,
		 * the evaluator drops the bound); for strings and instants
		 * key \0 is the least key above key, so gt is exact. */
		if (n->op == FILTER_GT && exact_type(d->info.type))
			buf_putc(&b, '\0');
		r->lo = arena_view(c->a, &b);
		break;
	case FILTER_LT:
	case FILTER_LE:
		r->hi = arena_view(c->a, &b);
		/* exclusive only when the bound is kept whole */
		r->hi_excl = n->op == FILTER_LT && exact_type(d->info.type) &&
		    r->hi.len <= room(c);
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
	struct str id, val;
	int k, rc;

	*out = all_ids;
	if (n->op == FILTER_EQ && n->value != NULL &&
	    n->value->type != JSON_NULL &&
	    uniq_lookup(c->a, c->txn, c->tenant, c->rt, n, &id)) {
		*out = (struct plan_ids){0};
		/* an `id eq` literal may name no record: drop it here */
		if (id.ptr != NULL &&
		    store_rec_get(c->txn, c->tenant, str_from(c->rt->name), id,
			&val) == 0) {
			out->ids = arena_alloc(c->a, sizeof(*out->ids));
			out->ids[out->n++] = id;
		}
		/* A string's uniqueness key folds as the evaluator does
		 * (uniq.c, ASCII); an integer's is its decimal text. */
		out->exact = out->n == 0 || n->value->type == JSON_STRING;
		return 0;
	}
	if ((n->op != FILTER_PR &&
		(n->value == NULL || n->value->type == JSON_NULL)) ||
	    (d = index_find(c->set, c->rt, n)) == NULL)
		return 0;
	k = term_range(c, d, n, &r);
	if (k < 0)
		*out = (struct plan_ids){.exact = 1};
	if (k != 0)
		return 0;
	rc = scan_ranges(c, &r, 1, limit, out);
	if (rc == 0 && !out->all)
		out->exact = out->n == 0 || leaf_exact(c, d, n, &r);
	return rc;
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

/* 1 if comparison t on component ci of d is answered exactly by its
 * key: the same type and folding, and eq on a type keys compare
 * exactly. */
static int
comp_exact(const struct index_def *d, size_t ci, const struct filter_node *t)
{
	const struct filter_attrinfo *ci_info = &d->comps[ci].info;

	return t->op == FILTER_EQ && ci_info->type == t->info.type &&
	    ci_info->case_exact == t->info.case_exact &&
	    (exact_type(ci_info->type) || ci_info->type == FILTER_T_BOOLEAN);
}

/* 1 if inner is an and of exactly nfixed comparisons, each the eq that
 * comp_eq chose for one of d's first nfixed components. */
static int
inner_exact(
    const struct index_def *d, size_t nfixed, const struct filter_node *inner)
{
	struct conj_list {
		const struct filter_node *v[INDEX_MAX_COMPS + 1];
		size_t n;
	} l = {.n = 0};
	const struct filter_node *stack[2 * INDEX_MAX_COMPS + 2], *t;
	size_t sp = 0, i, j;
	int used[INDEX_MAX_COMPS] = {0}, ok = 1;

	stack[sp++] = inner;
	while (ok && sp > 0) {
		t = stack[--sp];
		if (t->op == FILTER_AND &&
		    sp + 2 <= sizeof(stack) / sizeof(*stack)) {
			stack[sp++] = t->left;
			stack[sp++] = t->right;
		} else if (t->op == FILTER_AND || l.n > INDEX_MAX_COMPS) {
			ok = 0;
		} else {
			l.v[l.n++] = t;
		}
	}
	if (!ok || l.n != nfixed)
		return 0;
	for (i = 0; i < l.n; i++) {
		for (j = 0; j < nfixed; j++)
			if (!used[j] &&
			    comp_eq(inner, d->comps[j].sub) == l.v[i])
				break;
		if (j == nfixed || !comp_exact(d, j, l.v[i]))
			return 0;
		used[j] = 1;
	}
	return 1;
}

/* The ranges of a value path on its index d: the components fixed by eq
 * (in order; r[0]), plus the elements the index could not describe
 * (r[1]). *nfixed: how many components r[0] fixes; 0 from the return:
 * a literal no value can equal (only r[1] then). */
static int
vp_ranges(struct pctx *c, const struct index_def *d,
    const struct filter_node *vp, struct store_index_range r[2], size_t *nfixed)
{
	const struct filter_node *t;
	struct buf b;
	size_t i;
	int ok = 1;

	memset(r, 0, 2 * sizeof(*r));
	buf_init(&b);
	index_put_head(&b, d, INDEX_TAG_VALUE);
	for (i = 0; ok && i < d->ncomps; i++) {
		if ((t = comp_eq(vp->left, d->comps[i].sub)) == NULL)
			break;
		buf_putc(&b, INDEX_TAG_VALUE);
		ok = index_put_literal(&b, &d->comps[i].info, t, 0) == 0;
	}
	*nfixed = i;
	r[0].within = arena_view(c->a, &b);
	buf_reset(&b);
	index_put_head(&b, d, INDEX_TAG_UNSURE);
	r[1].within = arena_view(c->a, &b);
	buf_free(&b);
	return ok;
}

/*
 * A value path: its value-path index when the inner filter fixes the
 * first component with eq, else its inner filter's plain indexes. Exact
 * (plan.h) when the inner filter is just the eq terms in the key, the
 * key is not cut and no element of any record is "unsure"; or, on plain
 * indexes, when the inner filter is a single comparison (an element
 * holds it iff some element's sub-attribute value does).
 */
static int
valuepath(struct pctx *c, const struct filter_node *vp, size_t limit,
    struct plan_ids *out)
{
	const struct index_def *d = index_find_valuepath(c->set, c->rt, vp);
	struct store_index_range r[2];
	size_t nfixed, unsure = 1;
	int rc = 0, ok;

	if (d == NULL || comp_eq(vp->left, d->comps[0].sub) == NULL) {
		rc = node(c, vp->left, limit, out);
		if (vp->left->op == FILTER_AND || vp->left->op == FILTER_OR ||
		    vp->left->op == FILTER_NOT)
			out->exact = !out->all && out->n == 0;
		return rc;
	}
	ok = vp_ranges(c, d, vp, r, &nfixed);
	/* a literal no value can equal leaves only the unsure elements */
	rc = ok ? scan_ranges(c, r, 2, limit, out)
		: scan_ranges(c, r + 1, 1, limit, out);
	if (rc == 0 && !out->all && out->n > 0)
		rc = store_index_count(c->txn, c->tenant, str_from(c->rt->name),
		    r[1].within, &unsure, c->err);
	if (rc == 0 && !out->all && out->n > 0)
		out->exact = ok && unsure == 0 && r[0].within.len <= room(c) &&
		    inner_exact(d, nfixed, vp->left);
	return rc;
}

/* ------------------------------------------------------------ and */

/* One term of an and: its estimated size and, when membership of one id
 * can be checked by key (an eq on a plain index, a value path fixing
 * every component), those keys. */
struct conj {
	const struct filter_node *n;
	size_t est;
	struct str keys[2];
	size_t nkeys;
	int exact;
};

/* Fills t's estimate (exact for an eq on one index key, else unknown:
 * large) and probe keys. */
static int
estimate(struct pctx *c, struct conj *t)
{
	const struct filter_node *n = t->n;
	const struct index_def *d;
	struct store_index_range r[2];
	size_t cnt[2] = {0, 0}, nfixed, i;
	int rc = 0;

	t->est = SIZE_MAX / 2;
	if (n->op == FILTER_VALUEPATH) {
		d = index_find_valuepath(c->set, c->rt, n);
		if (d == NULL || comp_eq(n->left, d->comps[0].sub) == NULL ||
		    !vp_ranges(c, d, n, r, &nfixed) || nfixed != d->ncomps)
			return 0;
		t->nkeys = 2;
		t->exact = r[0].within.len <= room(c) &&
		    inner_exact(d, nfixed, n->left);
	} else if (n->op == FILTER_EQ && n->value != NULL &&
	    n->value->type != JSON_NULL) {
		if (n->path.sub.len == 0 &&
		    (str_caseeq_cstr(n->path.attr, "id") ||
			str_caseeq_cstr(n->path.attr, "externalId"))) {
			t->est = 1;
			return 0;
		}
		d = index_find(c->set, c->rt, n);
		if (d == NULL || term_range(c, d, n, &r[0]) != 0)
			return 0;
		t->nkeys = 1;
		t->exact = leaf_exact(c, d, n, &r[0]);
	} else {
		return 0;
	}
	for (i = 0; rc == 0 && i < t->nkeys; i++) {
		t->keys[i] = r[i].within;
		rc = store_index_count(c->txn, c->tenant, str_from(c->rt->name),
		    r[i].within, &cnt[i], c->err);
	}
	if (rc == 0)
		t->est = cnt[0] + cnt[1];
	if (n->op == FILTER_VALUEPATH && cnt[1] > 0)
		t->exact = 0;
	return rc;
}

/* Keeps the ids of s that have an entry under one of t's keys. */
static int
probe(struct pctx *c, const struct conj *t, struct plan_ids *s)
{
	unsigned char *hit = arena_alloc(c->a, s->n + 1);
	size_t i, j = 0;
	int rc = 0;

	for (i = 0; rc == 0 && i < t->nkeys; i++)
		rc = store_index_probe(c->txn, c->tenant, str_from(c->rt->name),
		    t->keys[i], s->ids, s->n, hit, c->err);
	for (i = 0; rc == 0 && i < s->n; i++)
		if (hit[i])
			s->ids[j++] = s->ids[i];
	if (rc == 0)
		s->n = j;
	return rc;
}

static void
conjuncts(const struct filter_node *n, struct conj *v, size_t *nv, int *dropped)
{
	if (n->op == FILTER_AND) {
		conjuncts(n->left, v, nv, dropped);
		conjuncts(n->right, v, nv, dropped);
	} else if (*nv < PLAN_MAX_CONJ) {
		v[*nv] = (struct conj){.n = n};
		(*nv)++;
	} else {
		*dropped = 1;
	}
}

static int
conj_order(const void *x, const void *y)
{
	const struct conj *a = x, *b = y;

	return (a->est > b->est) - (a->est < b->est);
}

/*
 * and: terms smallest first. The first set found is narrowed by each
 * further term: by probing its keys for each id when that is cheaper
 * than reading the term's whole set (PLAN_PROBE), else by intersecting
 * with the set, else (a term much larger than what it narrows, or no
 * cheap way once PLAN_FEW are left) not at all: the evaluator then
 * rejects the rest, and the plan is not exact.
 */
static int
and_node(struct pctx *c, const struct filter_node *n, size_t limit,
    struct plan_ids *out)
{
	struct conj v[PLAN_MAX_CONJ];
	struct plan_ids s;
	size_t nv = 0, i, lim;
	int rc = 0, dropped = 0, exact;

	conjuncts(n, v, &nv, &dropped);
	exact = !dropped;
	for (i = 0; rc == 0 && i < nv; i++)
		rc = estimate(c, &v[i]);
	qsort(v, nv, sizeof(*v), conj_order);
	*out = all_ids;
	for (i = 0; rc == 0 && i < nv; i++) {
		if (!out->all && out->n == 0)
			break;
		if (!out->all && v[i].nkeys > 0 &&
		    (out->n <= PLAN_FEW || out->n * PLAN_PROBE <= v[i].est)) {
			rc = probe(c, &v[i], out);
			exact &= v[i].exact;
			continue;
		}
		lim = out->all || out->n > limit / PLAN_RATIO
		    ? limit
		    : out->n * PLAN_RATIO + 1024;
		if (!out->all &&
		    (out->n <= PLAN_FEW ||
			(v[i].est != SIZE_MAX / 2 && v[i].est > lim))) {
			exact = 0;
			continue;
		}
		rc = node(c, v[i].n, lim < limit ? lim : limit, &s);
		if (rc != 0 || s.all) {
			exact = 0;
			continue;
		}
		exact &= s.exact;
		if (out->all)
			*out = s;
		else
			intersect(out, &s);
	}
	out->exact = !out->all && (exact || out->n == 0);
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
	if (!atomic_load(&plan_on))
		return 0;
	if (f == NULL) {
		out->exact = 1; /* every record, and every record matches */
		return 0;
	}
	return node(&c, f, PLAN_MAX_IDS, out);
}
