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
#include "scim/detail.h"
#include "scim/list.h"
#include "scim/projection.h"
#include "scim/record.h"
#include "scim/uniq.h"
#include "util/date.h"
#include "util/log.h"
#include "util/num.h"

#define SEARCH_REQUEST_URN "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
#define LIST_RESPONSE_URN "urn:ietf:params:scim:api:messages:2.0:ListResponse"

/* ------------------------------------------------------- the query */

static int
int_param(const struct scim_request *req, const char *name, int *has,
    int64_t *v, struct scim_err *err)
{
	struct str s = scim_param_get(req, name);
	int rc = 0;

	*has = s.ptr != NULL;
	if (*has && num_parse_i64(s, v) != 0)
		rc = scim_err_set(
		    err, SCIM_E_INVALID_VALUE, "%s: must be an integer", name);
	return rc;
}

int
list_query_params(
    const struct scim_request *req, struct list_query *q, struct scim_err *err)
{
	int rc;

	*q = (struct list_query){0};
	q->filter = scim_param_get(req, "filter");
	q->sort_by = scim_param_get(req, "sortBy");
	q->sort_order = scim_param_get(req, "sortOrder");
	q->attributes = scim_param_get(req, "attributes");
	q->excluded = scim_param_get(req, "excludedAttributes");
	rc = int_param(req, "startIndex", &q->has_start, &q->start_index, err);
	if (rc == 0)
		rc = int_param(req, "count", &q->has_count, &q->count, err);
	return rc;
}

static int
body_string(const struct json_member *m, struct str *out, struct scim_err *err)
{
	int rc = 0;

	if (m->value->type == JSON_STRING)
		*out = m->value->u.string;
	else if (m->value->type != JSON_NULL)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%.*s: must be a string", STR_FMT(m->key));
	return rc;
}

static int
body_int(
    const struct json_member *m, int *has, int64_t *out, struct scim_err *err)
{
	int rc = 0;

	if (m->value->type == JSON_INT) {
		*has = 1;
		*out = m->value->u.integer;
	} else if (m->value->type != JSON_NULL) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%.*s: must be an integer", STR_FMT(m->key));
	}
	return rc;
}

/* attributes / excludedAttributes: an array of names, or (leniently)
 * one comma-separated string as in the query form. */
static int
body_names(struct arena *a, const struct json_member *m, struct str *out,
    struct scim_err *err)
{
	const struct json_value *v = m->value;
	struct buf b;
	size_t i;
	int rc = 0;

	buf_init(&b);
	if (v->type != JSON_ARRAY) {
		rc = body_string(m, out, err);
		goto out;
	}
	for (i = 0; rc == 0 && i < v->u.array.len; i++) {
		if (v->u.array.items[i]->type != JSON_STRING) {
			rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "%.*s: must be an array of attribute names",
			    STR_FMT(m->key));
			goto out;
		}
		if (i > 0)
			buf_putc(&b, ',');
		buf_append_str(&b, v->u.array.items[i]->u.string);
	}
	*out = str_make(arena_memdup(a, buf_cstr(&b), b.len + 1), b.len);
out:
	buf_free(&b);
	return rc;
}

static int
body_schemas(const struct json_value *v, struct scim_err *err)
{
	size_t i;
	int found = 0, rc = 0;

	for (i = 0; v != NULL && v->type == JSON_ARRAY && i < v->u.array.len;
	     i++)
		found |= v->u.array.items[i]->type == JSON_STRING &&
		    str_caseeq_cstr(
			v->u.array.items[i]->u.string, SEARCH_REQUEST_URN);
	if (!found)
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "schemas: a SearchRequest must list \"%s\"",
		    SEARCH_REQUEST_URN);
	return rc;
}

static int
body_member(struct arena *a, const struct json_member *m, struct list_query *q,
    struct scim_err *err)
{
	struct str k = m->key;
	int rc = 0;

	if (str_caseeq_cstr(k, "schemas"))
		rc = 0; /* checked by body_schemas */
	else if (str_caseeq_cstr(k, "filter"))
		rc = body_string(m, &q->filter, err);
	else if (str_caseeq_cstr(k, "sortBy"))
		rc = body_string(m, &q->sort_by, err);
	else if (str_caseeq_cstr(k, "sortOrder"))
		rc = body_string(m, &q->sort_order, err);
	else if (str_caseeq_cstr(k, "attributes"))
		rc = body_names(a, m, &q->attributes, err);
	else if (str_caseeq_cstr(k, "excludedAttributes"))
		rc = body_names(a, m, &q->excluded, err);
	else if (str_caseeq_cstr(k, "startIndex"))
		rc = body_int(m, &q->has_start, &q->start_index, err);
	else if (str_caseeq_cstr(k, "count"))
		rc = body_int(m, &q->has_count, &q->count, err);
	else
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "SearchRequest has no member \"%.*s\"",
		    STR_FMT(detail_quote(k)));
	return rc;
}

int
list_query_body(
    const struct scim_request *req, struct list_query *q, struct scim_err *err)
{
	struct json_value *body = NULL;
	size_t i;
	int rc;

	*q = (struct list_query){0};
	rc = record_parse_body(req, &body, err);
	if (rc == 0)
		rc = body_schemas(json_object_get_cstr(body, "schemas"), err);
	for (i = 0; rc == 0 && i < body->u.object.len; i++)
		rc =
		    body_member(req->arena, &body->u.object.members[i], q, err);
	return rc;
}

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

struct list_item {
	struct str id; /* borrowed from LMDB until the read txn ends */
	struct str val; /* likewise */
	struct sort_key key;
	const struct sort_spec *spec;
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
    const struct list_query *q, struct sort_spec **out, struct scim_err *err)
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
	    filter_bind(n, schema_filter_resolve, (void *)rt, &ignored) != 0) {
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
			k->s = arena_str(a, v->u.string);
			k->kind = KEY_STRING;
		}
		break;
	}
}

static int
key_cmp(const struct sort_key *x, const struct sort_key *y, int case_exact)
{
	int c;

	if (x->kind == KEY_MISSING || y->kind == KEY_MISSING)
		c = (x->kind == KEY_MISSING) - (y->kind == KEY_MISSING);
	else if (x->kind == KEY_INT)
		c = (x->i > y->i) - (x->i < y->i);
	else if (x->kind == KEY_DOUBLE)
		c = (x->d > y->d) - (x->d < y->d);
	else
		c = case_exact ? str_cmp(x->s, y->s) : str_casecmp(x->s, y->s);
	return c;
}

/* Ties are broken by id, ascending either way, so pages are stable. */
static int
item_cmp(const void *a, const void *b)
{
	const struct list_item *x = a, *y = b;
	int c = key_cmp(&x->key, &y->key, x->spec->info.case_exact);

	if (x->spec->desc)
		c = -c;
	return c != 0 ? c : str_cmp(x->id, y->id);
}

/* ------------------------------------------------------- the scan */

struct list_run {
	const struct scim_request *req;
	const struct resource_type *t;
	struct resource_ctx ctx;
	struct filter_node *filter; /* NULL: everything matches */
	struct sort_spec *sort; /* NULL: id order */
	struct projection *proj;
	int64_t start; /* 1-based */
	int64_t count;
	struct list_item *items;
	size_t n, cap;
};

/* RFC 7644 §3.4.2.4: startIndex < 1 means 1; a negative count means 0;
 * count is capped by the server's maximum. */
static void
paging(const struct scim_config *cfg, const struct list_query *q,
    struct list_run *r)
{
	r->start = q->has_start && q->start_index > 1 ? q->start_index : 1;
	r->count = q->has_count ? q->count : (int64_t)cfg->default_count;
	if (r->count < 0)
		r->count = 0;
	if (r->count > (int64_t)cfg->max_count)
		r->count = cfg->max_count;
}

static int
plan(struct scim *s, const struct list_query *q, struct list_run *r,
    struct scim_err *err)
{
	struct arena *a = r->req->arena;
	int rc = 0;

	paging(scim_config(s), q, r);
	if (q->filter.ptr != NULL && q->filter.len > 0) {
		rc = filter_parse(a, q->filter, &r->filter, err);
		if (rc == 0)
			rc = filter_bind(r->filter, schema_filter_resolve,
			    (void *)r->t->rt, err);
		if (rc != 0)
			goto out;
	}
	rc = sort_parse(a, r->t->rt, q, &r->sort, err);
	if (rc == 0)
		rc = projection_parse(
		    a, r->t->rt, q->attributes, q->excluded, &r->proj, err);
out:
	return rc;
}

/*
 * Candidates for the query (STYLE.md §6, back-mdb style): an index only
 * narrows them and the evaluator still decides every match. For now the
 * one index is the uniqueness keys: when the filter is, or is and-ed
 * with, `attr eq value` on a unique attribute (externalId, userName, ...)
 * or on id, the candidates are at most that one record — the lookup a
 * provisioning client makes all day. Otherwise every record of the
 * tenant and type, in id order.
 */
struct cand {
	struct store_iter *it; /* scanning; NULL when single */
	struct store_txn *txn;
	struct str tenant, type, single; /* single.ptr NULL: none left */
};

/* An `eq` term that the uniqueness keys answer, reachable through and
 * only: under or/not the term does not bound the candidates. */
static int
unique_term(struct arena *a, struct store_txn *txn, const struct list_run *r,
    const struct filter_node *n, struct str *id)
{
	if (n == NULL)
		return 0;
	if (n->op == FILTER_AND)
		return unique_term(a, txn, r, n->left, id) ||
		    unique_term(a, txn, r, n->right, id);
	return uniq_lookup(a, txn, r->req->tenant, r->t->rt, n, id);
}

static int
cand_open(struct store_txn *txn, const struct list_run *r, struct cand *c,
    struct scim_err *err)
{
	c->txn = txn;
	c->tenant = r->req->tenant;
	c->type = str_from(r->t->rt->name);
	if (unique_term(r->req->arena, txn, r, r->filter, &c->single))
		return 0;
	return store_iter_new(txn, c->tenant, c->type, &c->it, err);
}

static int
cand_next(struct cand *c, struct str *id, struct str *val)
{
	int rc;

	if (c->it != NULL)
		return store_iter_next(c->it, id, val);
	if (c->single.ptr == NULL)
		return 1;
	*id = c->single;
	c->single = STR_NULL;
	rc = store_rec_get(c->txn, c->tenant, c->type, *id, val);
	return rc == SCIM_E_NOT_FOUND ? 1 : rc;
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

static int
scan(struct store_txn *txn, struct list_run *r, struct scim_err *err)
{
	struct cand c = {0};
	struct str id, val;
	int rc, more = 0;

	rc = cand_open(txn, r, &c, err);
	while (rc == 0 && (more = cand_next(&c, &id, &val)) == 0)
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
	struct json_value *res;
	uint64_t from = (uint64_t)r->start - 1, to, i;
	int rc = 0;

	if (from >= r->n)
		goto out;
	to =
	    from + (uint64_t)r->count < r->n ? from + (uint64_t)r->count : r->n;
	for (i = from; rc == 0 && i < to; i++) {
		rc = record_decode(r->req->arena, r->items[i].val, &res, err);
		if (rc == 0) {
			record_output(&r->ctx, r->t, r->req, res, r->proj);
			json_array_append(r->req->arena, resources, res);
		}
	}
out:
	return rc;
}

static struct json_value *
list_response(
    struct arena *a, const struct list_run *r, struct json_value *resources)
{
	struct json_value *out = json_object(a), *schemas = json_array(a);

	json_array_append(a, schemas, json_cstring(a, LIST_RESPONSE_URN));
	json_object_set_cstr(a, out, "schemas", schemas);
	json_object_set_cstr(
	    a, out, "totalResults", json_int(a, (int64_t)r->n));
	json_object_set_cstr(a, out, "itemsPerPage",
	    json_int(a, (int64_t)resources->u.array.len));
	json_object_set_cstr(a, out, "startIndex", json_int(a, r->start));
	/* Always present, [] when empty: simpler for clients than the
	 * "REQUIRED if totalResults is non-zero" of RFC 7644 §3.4.2. */
	json_object_set_cstr(a, out, "Resources", resources);
	return out;
}

int
list_run(struct scim *s, const struct scim_request *req,
    const struct resource_type *t, const struct list_query *q,
    struct scim_response *resp, struct scim_err *err)
{
	struct list_run r = {.req = req, .t = t};
	struct json_value *resources = json_array(req->arena);
	struct store_txn *txn = NULL;
	int rc;

	r.ctx = record_ctx(s, req, t->rt);
	rc = plan(s, q, &r, err);
	if (rc == 0)
		rc = store_read_begin(scim_store(s), &txn, err);
	r.ctx.txn = txn; /* computed attributes read through it */
	if (rc == 0)
		rc = scan(txn, &r, err);
	if (rc != 0)
		goto out;
	if (r.sort != NULL && r.n > 1)
		qsort(r.items, r.n, sizeof(*r.items), item_cmp);
	rc = page(&r, resources, err);
	if (rc == 0)
		scim_resp_json(
		    resp, 200, list_response(req->arena, &r, resources));
out:
	store_read_end(txn);
	return rc;
}
