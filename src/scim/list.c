/*
 * The list/search engine; see list.h. One read transaction: candidates
 * are scanned (candidate generation sits behind cand_open so an index
 * planner can narrow it later, STYLE.md §6), each is decoded in a
 * scratch arena, completed with its computed attributes and matched
 * against the filter; matching records stay as views into LMDB memory,
 * are sorted, and only the requested page is decoded into the request
 * arena before the transaction ends.
 */
#include "config.h"

#include <stdlib.h>

#include "filter/filter.h"
#include "scim/cursor.h"
#include "scim/detail.h"
#include "scim/list.h"
#include "scim/projection.h"
#include "scim/plan.h"
#include "scim/record.h"
#include "util/date.h"
#include "util/log.h"
#include "util/num.h"

#define LIST_RESPONSE_URN "urn:ietf:params:scim:api:messages:2.0:ListResponse"

/* --------------------------------------------------------- sorting */

enum key_kind {
	KEY_INT, /* integers, dateTime instants, booleans */
	KEY_DOUBLE,
	KEY_STRING,
	KEY_MISSING, /* sorts last ascending, first descending (§3.4.2.3) */
};

struct sort_key {
	enum key_kind kind;
	int64_t i;
	double d;
	struct str s;
};

struct sort_spec {
	struct filter_attrpath path;
	struct filter_attrinfo info;
	int desc;
};

/* One resource type being listed: the root search has several. */
struct list_src {
	struct resource_type t;
	struct resource_ctx ctx;
	struct filter_node *filter; /* NULL: everything matches */
	struct sort_spec *sort; /* NULL: id order */
	struct projection *proj;
};

struct list_item {
	struct str id; /* borrowed from LMDB until the read txn ends */
	struct str val; /* likewise */
	struct sort_key key;
	const struct sort_spec *spec;
	const struct list_src *src;
};

/* A decoded RFC 9865 cursor, as a position to compare items with. */
struct list_pos {
	enum cursor_dir dir;
	struct sort_key key;
	struct str type;
	struct str id;
};

static int
sort_order(struct str order, int *desc, struct scim_err *err)
{
	int rc = 0;

	*desc = order.ptr != NULL && str_caseeq_cstr(order, "descending");
	if (order.ptr != NULL && !*desc && !str_caseeq_cstr(order, "ascending"))
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "sortOrder: must be \"ascending\" or \"descending\"");
	return rc;
}

/* Attribute path characters: ALPHA DIGIT "-" "_" "$" and URN ":" ".". */
static int
path_chars_ok(struct str s)
{
	size_t i;
	char c;
	int ok = s.len > 0 && s.len <= FILTER_MAX_PATH;

	for (i = 0; ok && i < s.len; i++) {
		c = s.ptr[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '$' || c == ':' || c == '.';
	}
	return ok;
}

/*
 * sortBy is an attribute path; the filter parser knows that grammar and
 * the binder the schema, so "<path> pr" is parsed and bound and its
 * path kept.
 */
static int
sort_parse(struct arena *a, const struct schema_rtype *rt,
    filter_resolve_fn resolve, const struct list_query *q,
    struct sort_spec **out, struct scim_err *err)
{
	struct filter_node *n = NULL;
	struct scim_err ignored;
	int desc, rc;

	*out = NULL;
	rc = sort_order(q->sort_order, &desc, err);
	if (rc != 0 || q->sort_by.ptr == NULL || q->sort_by.len == 0)
		goto out;
	if (!path_chars_ok(q->sort_by) ||
	    filter_parse(a,
		str_from(arena_printf(a, "%.*s pr", STR_FMT(q->sort_by))), &n,
		&ignored) != 0 ||
	    n->op != FILTER_PR ||
	    filter_bind(n, resolve, (void *)rt, &ignored) != 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "sortBy: \"%.*s\" is not an attribute of %s",
		    STR_FMT(
			path_chars_ok(q->sort_by) ? q->sort_by : STR_LIT("?")),
		    rt->name);
		goto out;
	}
	if (n->info.type == FILTER_T_COMPLEX) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "sortBy: \"%.*s\" is complex; name one of its "
		    "sub-attributes",
		    STR_FMT(q->sort_by));
		goto out;
	}
	*out = arena_alloc(a, sizeof(**out));
	(*out)->path = n->path;
	(*out)->info = n->info;
	(*out)->desc = desc;
out:
	return rc;
}

/* RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary
 * value, else its first. */
static const struct json_value *
pick(const struct json_value *v)
{
	const struct json_value *p, *chosen = v;
	size_t i;

	if (v != NULL && v->type == JSON_ARRAY) {
		chosen = NULL;
		for (i = 0; i < v->u.array.len && chosen == NULL; i++) {
			p = json_object_get_cstr(
			    v->u.array.items[i], "primary");
			if (p != NULL && p->type == JSON_BOOL && p->u.boolean)
				chosen = v->u.array.items[i];
		}
		if (chosen == NULL && v->u.array.len > 0)
			chosen = v->u.array.items[0];
	}
	return chosen;
}

static const struct json_value *
sort_value(const struct sort_spec *sp, const struct json_value *res)
{
	const struct json_value *v = res;

	if (sp->info.ext_urn.len > 0)
		v = json_object_get(v, sp->info.ext_urn);
	v = pick(json_object_get(v, sp->path.attr));
	if (sp->path.sub.len > 0)
		v = pick(json_object_get(v, sp->path.sub));
	return v;
}

/* The key of res; strings are copied to a so they outlive the scratch
 * arena the resource was decoded in. */
static void
sort_key_of(struct arena *a, const struct sort_spec *sp,
    const struct json_value *res, struct sort_key *k)
{
	const struct json_value *v = sort_value(sp, res);

	k->kind = KEY_MISSING;
	switch (v != NULL ? sp->info.type : FILTER_T_UNKNOWN) {
	case FILTER_T_UNKNOWN:
		break;
	case FILTER_T_DATETIME:
		if (v->type == JSON_STRING &&
		    date_parse(v->u.string, &k->i) == 0)
			k->kind = KEY_INT;
		break;
	case FILTER_T_INTEGER:
	case FILTER_T_BOOLEAN:
		if (v->type == JSON_INT || v->type == JSON_BOOL) {
			k->i =
			    v->type == JSON_INT ? v->u.integer : v->u.boolean;
			k->kind = KEY_INT;
		}
		break;
	case FILTER_T_DECIMAL:
		if (v->type == JSON_INT || v->type == JSON_DOUBLE) {
			k->d = v->type == JSON_INT ? (double)v->u.integer
						   : v->u.number;
			k->kind = KEY_DOUBLE;
		}
		break;
	default:
		if (v->type == JSON_STRING) {
			/* Strings sort by their first CURSOR_MAX_SKEY bytes,
			 * then by id: bounded memory per item, and a cursor
			 * can hold the whole key it continues from. */
			k->s = v->u.string;
			if (k->s.len > CURSOR_MAX_SKEY)
				k->s.len = CURSOR_MAX_SKEY;
			k->s = arena_str(a, k->s);
			k->kind = KEY_STRING;
		}
		break;
	}
}

static int
key_cmp(const struct sort_key *x, const struct sort_key *y, int case_exact)
{
	int c;

	/* Kinds differ only across types of a root search; missing last. */
	if (x->kind != y->kind)
		c = (x->kind > y->kind) - (x->kind < y->kind);
	else if (x->kind == KEY_MISSING)
		c = 0;
	else if (x->kind == KEY_INT)
		c = (x->i > y->i) - (x->i < y->i);
	else if (x->kind == KEY_DOUBLE)
		c = (x->d > y->d) - (x->d < y->d);
	else
		c = case_exact ? str_cmp(x->s, y->s) : str_casecmp(x->s, y->s);
	return c;
}

/* Ties are broken by resource type (root search) and then id, ascending
 * either way, so pages are stable. */
static int
item_cmp(const void *a, const void *b)
{
	const struct list_item *x = a, *y = b;
	int c = 0;

	if (x->spec != NULL && y->spec != NULL) {
		c = key_cmp(&x->key, &y->key,
		    x->spec->info.case_exact && y->spec->info.case_exact);
		if (x->spec->desc)
			c = -c;
	}
	if (c == 0 && x->src != y->src)
		c = strcmp(x->src->t.rt->name, y->src->t.rt->name);
	return c != 0 ? c : str_cmp(x->id, y->id);
}

/* Where item x lies against a cursor position, in item_cmp's order. */
static int
pos_cmp(const struct list_item *x, const struct list_pos *p, int root)
{
	int c = 0;

	if (x->spec != NULL) {
		c = key_cmp(&x->key, &p->key, x->spec->info.case_exact);
		if (x->spec->desc)
			c = -c;
	}
	if (c == 0 && root)
		c = str_cmp(str_from(x->src->t.rt->name), p->type);
	return c != 0 ? c : str_cmp(x->id, p->id);
}

/* ------------------------------------------------------- the scan */

/* The type being scanned is in t..proj (copied from src); the rest is
 * the whole query's. */
struct list_run {
	const struct scim_request *req;
	const struct resource_type *t;
	struct resource_ctx ctx;
	struct filter_node *filter; /* NULL: everything matches */
	struct sort_spec *sort; /* NULL: id order */
	struct projection *proj;
	const struct list_src *src;
	int root; /* the root search (RFC 7644 §3.4.3) */
	int cursor; /* RFC 9865 paging */
	struct list_pos *pos; /* the decoded cursor; NULL: first page */
	struct cursor_scope scope;
	const unsigned char *key; /* the cursor MAC key */
	int64_t now_s;
	int64_t start; /* 1-based */
	int64_t count;
	size_t from, to; /* the page: items[from..to) */
	struct list_item *items;
	size_t n, cap;
	int paged; /* items are just the page, of total (plan_page) */
	size_t total;
};

static void
pos_from_cursor(struct list_pos *p, const struct cursor_pos *c)
{
	p->dir = c->dir;
	p->key.kind = c->kind == CURSOR_K_INT ? KEY_INT
	    : c->kind == CURSOR_K_DOUBLE      ? KEY_DOUBLE
	    : c->kind == CURSOR_K_STRING      ? KEY_STRING
					      : KEY_MISSING;
	p->key.i = c->i;
	p->key.d = c->d;
	p->key.s = c->s;
	p->type = c->type;
	p->id = c->id;
}

/* RFC 9865 §2: a cursor and a count of 1..maxPageSize; startIndex asks
 * for the other method, so both at once is refused. */
static int
cursor_paging(const struct scim_config *cfg, const struct list_query *q,
    struct list_run *r, struct scim_err *err)
{
	struct cursor_pos c;
	int rc = 0;

	if (q->has_start) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "startIndex and cursor select different pagination "
		    "methods (RFC 9865); send one of them");
	} else if (q->has_count &&
	    (q->count < 1 || q->count > (int64_t)cfg->max_count)) {
		rc = scim_err_set(err, SCIM_E_INVALID_COUNT,
		    "count: must be between 1 and %u with a cursor "
		    "(pagination.maxPageSize)",
		    cfg->max_count);
	} else if (q->cursor.len > 0) {
		rc = cursor_decode(r->req->arena, r->key, &r->scope, q->cursor,
		    r->now_s, &c, err);
		if (rc == 0) {
			r->pos = arena_alloc(r->req->arena, sizeof(*r->pos));
			pos_from_cursor(r->pos, &c);
		}
	}
	return rc;
}

/* RFC 7644 §3.4.2.4: startIndex < 1 means 1; a negative count means 0;
 * count is capped by the server's maximum. */
static int
paging(const struct scim_config *cfg, const struct list_query *q,
    struct list_run *r, struct scim_err *err)
{
	r->start = q->has_start && q->start_index > 1 ? q->start_index : 1;
	r->count = q->has_count ? q->count : (int64_t)cfg->default_count;
	if (r->count < 0)
		r->count = 0;
	if (r->count > (int64_t)cfg->max_count)
		r->count = cfg->max_count;
	r->cursor = q->cursor.ptr != NULL;
	return r->cursor ? cursor_paging(cfg, q, r, err) : 0;
}

/* The page's items[from..to): by index, or after/before the cursor. */
static void
window(struct list_run *r)
{
	size_t i = 0, end, count = (size_t)r->count;

	if (r->paged) {
		r->from = 0;
		r->to = r->n;
	} else if (!r->cursor) {
		r->from = (uint64_t)r->start - 1 < r->n ? (size_t)(r->start - 1)
							: r->n;
	} else if (r->pos == NULL) {
		r->from = 0;
	} else if (r->pos->dir == CURSOR_NEXT) {
		while (i < r->n && pos_cmp(&r->items[i], r->pos, r->root) <= 0)
			i++;
		r->from = i;
	} else {
		/* The page before the position, full when there are enough
		 * items before it. */
		while (i < r->n && pos_cmp(&r->items[i], r->pos, r->root) < 0)
			i++;
		end = i;
		r->from = end > count ? end - count : 0;
	}
	r->to = r->n - r->from > count ? r->from + count : r->n;
}

/* A cursor that continues from items[i] in direction dir. */
static struct json_value *
cursor_of(const struct list_run *r, size_t i, enum cursor_dir dir)
{
	const struct list_item *x = &r->items[i];
	struct cursor_pos c = {.dir = dir, .kind = CURSOR_K_NONE};
	struct arena *a = r->req->arena;

	if (x->spec != NULL) {
		c.kind = x->key.kind == KEY_INT ? CURSOR_K_INT
		    : x->key.kind == KEY_DOUBLE ? CURSOR_K_DOUBLE
		    : x->key.kind == KEY_STRING ? CURSOR_K_STRING
						: CURSOR_K_MISSING;
		c.i = x->key.i;
		c.d = x->key.d;
		c.s = x->key.s;
	}
	c.type = r->root ? str_from(x->src->t.rt->name) : STR_LIT("");
	c.id = x->id;
	return json_string(
	    a, cursor_encode(a, r->key, &r->scope, &c, r->now_s));
}

/* x and y, both bound. */
static struct filter_node *
and_of(struct arena *a, struct filter_node *x, struct filter_node *y)
{
	struct filter_node *n = arena_alloc(a, sizeof(*n));

	*n = (struct filter_node){.op = FILTER_AND, .left = x, .right = y};
	n->bound = 1;
	return n;
}

/* A member name no validated resource has: where the root search puts
 * an attribute that the type being searched lacks. */
#define ABSENT_MEMBER "urn:scimcred:absent"

/*
 * The root search's resolver (RFC 7644 §3.4.3): an attribute of the
 * type resolves as usual; one only other types of the registry have is
 * bound as theirs but looked up under ABSENT_MEMBER, so it is absent
 * here (`pr` false, comparisons false) instead of failing the query.
 */
static int
root_resolve(
    void *ctx, const struct filter_attrpath *p, struct filter_attrinfo *info)
{
	const struct schema_rtype *rt = ctx, *other;
	size_t i;

	if (schema_filter_resolve(ctx, p, info) == 0)
		return 0;
	for (i = 0; rt->reg != NULL && i < schema_rtype_count(rt->reg); i++) {
		other = schema_rtype_at(rt->reg, i);
		if (schema_filter_resolve((void *)other, p, info) == 0) {
			info->ext_urn = STR_LIT(ABSENT_MEMBER);
			return 0;
		}
	}
	return -1;
}

/* Parses and binds the query for one type into src. */
static int
plan(struct scim *s, const struct list_query *q, struct list_run *r,
    const struct resource_type *t, struct list_src *src, struct scim_err *err)
{
	filter_resolve_fn resolve =
	    r->root ? root_resolve : schema_filter_resolve;
	struct arena *a = r->req->arena;
	int rc = 0;

	src->t = *t;
	src->ctx = record_ctx(s, r->req, t->rt);
	if (q->filter.ptr != NULL && q->filter.len > 0) {
		rc = filter_parse(a, q->filter, &src->filter, err);
		if (rc == 0)
			rc = filter_bind(
			    src->filter, resolve, (void *)t->rt, err);
		if (rc != 0)
			goto out;
	}
	if (q->scope != NULL)
		src->filter = src->filter == NULL
		    ? q->scope
		    : and_of(a, src->filter, q->scope);
	rc = sort_parse(a, t->rt, resolve, q, &src->sort, err);
	if (rc == 0)
		rc = projection_parse(
		    a, t->rt, q->attributes, q->excluded, &src->proj, err);
out:
	return rc;
}

/* Makes src the type being scanned. */
static void
use(struct list_run *r, const struct list_src *src)
{
	r->src = src;
	r->t = &src->t;
	r->ctx = src->ctx;
	r->filter = src->filter;
	r->sort = src->sort;
	r->proj = src->proj;
}

/*
 * Candidates for the query (STYLE.md §6, back-mdb style): the planner
 * (plan.h) narrows them with the secondary indexes and the uniqueness
 * keys, in id order, or answers "all" and every record of the tenant and
 * type is scanned in id order. The evaluator still decides every match.
 */
struct cand {
	struct store_iter *it; /* scanning; NULL when planned */
	struct store_txn *txn;
	struct str tenant, type;
	struct plan_ids ids;
	size_t next;
};

static int
cand_open(struct store_txn *txn, const struct list_run *r, struct cand *c,
    struct scim_err *err)
{
	int rc;

	c->txn = txn;
	c->tenant = r->req->tenant;
	c->type = str_from(r->t->rt->name);
	rc = plan_candidates(r->req->arena, txn, scim_indexes(r->ctx.scim),
	    c->tenant, r->t->rt, r->filter, &c->ids, err);
	if (rc == 0 && c->ids.all)
		rc = store_iter_new(txn, c->tenant, c->type, &c->it, err);
	return rc;
}

static int
cand_next(struct cand *c, struct str *id, struct str *val)
{
	int rc = 1;

	if (c->it != NULL)
		return store_iter_next(c->it, id, val);
	while (c->next < c->ids.n) {
		*id = c->ids.ids[c->next++];
		rc = store_rec_get(c->txn, c->tenant, c->type, *id, val);
		if (rc != SCIM_E_NOT_FOUND)
			break;
		rc = 1;
	}
	return rc;
}

static void
cand_close(struct cand *c)
{
	store_iter_free(c->it);
	c->it = NULL;
}

static void
push(
    struct list_run *r, struct str id, struct str val, const struct sort_key *k)
{
	struct list_item *it;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->items = arena_realloc(r->req->arena, r->items,
		    r->n * sizeof(*r->items), r->cap * sizeof(*r->items));
	}
	it = &r->items[r->n++];
	it->id = id;
	it->val = val;
	it->spec = r->sort;
	it->src = r->src;
	if (k != NULL)
		it->key = *k;
}

/* Decodes one candidate in a scratch arena, completes it with computed
 * attributes (a filter may name them) and keeps it if it matches. */
static int
consider(
    struct list_run *r, struct str id, struct str val, struct scim_err *err)
{
	struct arena *scratch = NULL;
	struct resource_ctx c = r->ctx;
	struct json_value *res;
	struct sort_key k;
	int rc = 0;

	if (r->filter == NULL && r->sort == NULL) {
		push(r, id, val, NULL);
		goto out;
	}
	scratch = arena_new();
	c.arena = scratch;
	c.matching = 1; /* computed attributes only if the filter names them */
	c.filter = r->filter;
	rc = record_decode(scratch, val, &res, err);
	if (rc != 0)
		goto out;
	record_complete(&c, r->t, r->req, res, NULL);
	if (r->filter != NULL && !filter_match(r->filter, res))
		goto out;
	if (r->sort != NULL)
		sort_key_of(r->req->arena, r->sort, res, &k);
	push(r, id, val, r->sort != NULL ? &k : NULL);
out:
	arena_free(scratch);
	return rc;
}

/*
 * An exact plan (plan.h) answers totalResults and the page from the
 * indexes (plan_page.c): only the page's records are read, and each is
 * still matched. One the evaluator rejects, or a page out of order, means
 * the plan was wrong: warn, and let scan() do the full work.
 */
static int
scan_page(struct store_txn *txn, struct list_run *r, const struct cand *c,
    struct scim_err *err)
{
	struct plan_sort ps, *sp = NULL;
	struct plan_ids pg;
	struct str val;
	size_t i;
	int rc, ok = 1;

	if (!c->ids.exact || r->root || r->cursor)
		return 0;
	if (r->sort != NULL) {
		ps = (struct plan_sort){
		    r->sort->path, r->sort->info, r->sort->desc};
		sp = &ps;
	}
	rc = plan_page(r->req->arena, txn, scim_indexes(r->ctx.scim), c->tenant,
	    r->t->rt, &c->ids, sp, (size_t)(r->start - 1), (size_t)r->count,
	    &pg, &r->total, err);
	for (i = 0; rc == 1 && ok && i < pg.n; i++) {
		ok = store_rec_get(txn, c->tenant, c->type, pg.ids[i], &val) ==
		    0;
		if (ok && (rc = consider(r, pg.ids[i], val, err)) == 0)
			rc = 1;
		ok = ok && r->n == i + 1 &&
		    (i == 0 || item_cmp(&r->items[i - 1], &r->items[i]) < 0);
	}
	if (rc == 1 && !ok) {
		log_warn("list: the index plan for %s disagreed with the "
			 "evaluator; reading every candidate",
		    r->t->rt->name);
		r->n = 0;
		rc = 0;
	}
	r->paged = rc == 1;
	return rc < 0 ? rc : r->paged;
}

static int
scan(struct store_txn *txn, struct list_run *r, struct scim_err *err)
{
	struct cand c = {0};
	struct str id, val;
	int rc, more = 0;

	rc = cand_open(txn, r, &c, err);
	if (rc == 0 && (rc = scan_page(txn, r, &c, err)) == 1)
		more = 1, rc = 0;
	while (rc == 0 && more == 0 && (more = cand_next(&c, &id, &val)) == 0)
		rc = consider(r, id, val, err);
	if (rc == 0 && more < 0)
		rc = scim_err_set(err, more, "the resources could not be read");
	cand_close(&c);
	return rc;
}

/* Decodes the requested page into the request arena (so it outlives
 * the transaction) and turns each resource into its output form. */
static int
page(struct list_run *r, struct json_value *resources, struct scim_err *err)
{
	const struct list_src *src;
	struct json_value *res;
	struct resource_ctx ctx;
	size_t i;
	int rc = 0;

	window(r);
	for (i = r->from; rc == 0 && i < r->to; i++) {
		src = r->items[i].src;
		ctx = src->ctx;
		rc = record_decode(r->req->arena, r->items[i].val, &res, err);
		if (rc == 0) {
			record_output(&ctx, &src->t, r->req, res, src->proj);
			json_array_append(r->req->arena, resources, res);
		}
	}
	return rc;
}

static struct json_value *
list_response(
    struct arena *a, const struct list_run *r, struct json_value *resources)
{
	struct json_value *out = json_object(a), *schemas = json_array(a);

	json_array_append(a, schemas, json_cstring(a, LIST_RESPONSE_URN));
	json_object_set_cstr(a, out, "schemas", schemas);
	json_object_set_cstr(a, out, "totalResults",
	    json_int(a, (int64_t)(r->paged ? r->total : r->n)));
	json_object_set_cstr(a, out, "itemsPerPage",
	    json_int(a, (int64_t)resources->u.array.len));
	if (!r->cursor)
		json_object_set_cstr(
		    a, out, "startIndex", json_int(a, r->start));
	/* RFC 9865 §2: nextCursor on every page but the last;
	 * previousCursor (optional) on every page but the first. */
	if (r->cursor && r->to < r->n && r->to > r->from)
		json_object_set_cstr(
		    a, out, "nextCursor", cursor_of(r, r->to - 1, CURSOR_NEXT));
	if (r->cursor && r->from > 0 && r->from < r->n)
		json_object_set_cstr(a, out, "previousCursor",
		    cursor_of(r, r->from, CURSOR_PREV));
	/* Always present, [] when empty: simpler for clients than the
	 * "REQUIRED if totalResults is non-zero" of RFC 7644 §3.4.2. */
	json_object_set_cstr(a, out, "Resources", resources);
	return out;
}

/* The query over types[0..ntypes) (one type unless root). */
static int
run(struct scim *s, const struct scim_request *req,
    const struct resource_type *types, size_t ntypes, int root,
    const struct list_query *q, struct scim_response *resp,
    struct scim_err *err)
{
	struct list_run r = {.req = req, .root = root};
	struct json_value *resources = json_array(req->arena);
	struct list_src *srcs;
	struct store_txn *txn = NULL;
	struct filter_node *syntax;
	size_t i;
	int rc = 0;

	srcs = arena_allocarray(req->arena, ntypes + 1, sizeof(*srcs));
	r.key = scim_config(s)->cursor_key;
	r.now_s = date_now_ms() / 1000;
	r.scope = (struct cursor_scope){req->tenant,
	    root ? STR_LIT("/") : str_from(types[0].rt->name), q->filter,
	    q->sort_by, q->sort_order};
	/* A malformed filter is 400 even when no type is searched. */
	if (q->filter.ptr != NULL && q->filter.len > 0)
		rc = filter_parse(req->arena, q->filter, &syntax, err);
	if (rc == 0)
		rc = paging(scim_config(s), q, &r, err);
	for (i = 0; rc == 0 && i < ntypes; i++)
		rc = plan(s, q, &r, &types[i], &srcs[i], err);
	if (rc == 0)
		rc = store_read_begin(scim_store(s), &txn, err);
	for (i = 0; rc == 0 && i < ntypes; i++) {
		srcs[i].ctx.txn = txn; /* computed attributes read through it */
		use(&r, &srcs[i]);
		rc = scan(txn, &r, err);
	}
	if (rc != 0)
		goto out;
	if ((q->sort_by.len > 0 || ntypes > 1) && r.n > 1)
		qsort(r.items, r.n, sizeof(*r.items), item_cmp);
	rc = page(&r, resources, err);
	if (rc == 0)
		scim_resp_json(
		    resp, 200, list_response(req->arena, &r, resources));
out:
	store_read_end(txn);
	return rc;
}

int
list_run(struct scim *s, const struct scim_request *req,
    const struct resource_type *t, const struct list_query *q,
    struct scim_response *resp, struct scim_err *err)
{
	return run(s, req, t, 1, 0, q, resp, err);
}

int
list_run_root(struct scim *s, const struct scim_request *req,
    const struct resource_type *types, size_t ntypes,
    const struct list_query *q, struct scim_response *resp,
    struct scim_err *err)
{
	return run(s, req, types, ntypes, 1, q, resp, err);
}
