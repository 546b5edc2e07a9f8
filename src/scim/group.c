/*
 * Group rules and membership edges (RFC 7643 §4.2); see group.h for the
 * storage design. Everything that changes edges runs inside the write
 * transaction of the request (c->txn), so a membership change, a cascade
 * and the record write commit or fail together.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scim/detail.h"
#include "scim/etag.h"
#include "scim/group.h"
#include "scim/record.h"
#include "scim/scim.h"
#include "scim/staged.h"
#include "util/date.h"
#include "util/log.h"

#define T_USER 'U'
#define T_GROUP 'G'
#define KIND_MEMBER STR_LIT(GROUP_EDGE_MEMBER)
#define KIND_OF STR_LIT(GROUP_EDGE_OF)

static struct str
str_of(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

struct str
group_user_display(const struct json_value *user)
{
	struct str d = str_of(user, "displayName");

	return d.len > 0 ? d : str_of(user, "userName");
}

/* The "member" edge value: the member's type letter, then its display. */
static struct str
member_val(struct arena *a, char type, struct str display)
{
	char *v = arena_alloc(a, display.len + 2);

	v[0] = type;
	if (display.len > 0)
		memcpy(v + 1, display.ptr, display.len);
	return str_make(v, display.len + 1);
}

/* ------------------------------------------------- small collections */

/* The `to` ends (and values) of edges, copied out of the transaction. */
struct edges {
	struct arena *a;
	struct str *to;
	struct str *val;
	size_t n, cap;
};

static int
edges_push(void *arg, struct str to, struct str val)
{
	struct edges *e = arg;
	size_t cap = e->cap ? e->cap * 2 : 16;

	if (e->n == e->cap) {
		e->to = arena_realloc(
		    e->a, e->to, e->n * sizeof(*e->to), cap * sizeof(*e->to));
		e->val = arena_realloc(e->a, e->val, e->n * sizeof(*e->val),
		    cap * sizeof(*e->val));
		e->cap = cap;
	}
	e->to[e->n] = arena_str(e->a, to);
	e->val[e->n] = arena_str(e->a, val);
	e->n++;
	return 0;
}

static int
edges_from(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str kind, struct str from, struct edges *out, struct scim_err *err)
{
	memset(out, 0, sizeof(*out));
	out->a = a;
	return store_edge_each(txn, tenant, kind, from, edges_push, out, err);
}

/* A set of ids (open addressing), for cycle-safe walks of nesting. */
struct idset {
	struct arena *a;
	struct str *slot;
	size_t cap, n;
};

static uint64_t
fnv1a(struct str s)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < s.len; i++)
		h = (h ^ (unsigned char)s.ptr[i]) * 1099511628211ULL;
	return h;
}

static struct str *
idset_slot(const struct idset *s, struct str id)
{
	size_t i = (size_t)fnv1a(id) & (s->cap - 1);

	while (s->slot[i].ptr != NULL && !str_eq(s->slot[i], id))
		i = (i + 1) & (s->cap - 1);
	return &s->slot[i];
}

/* 1 if id was added, 0 if it was there already. */
static int
idset_add(struct idset *s, struct str id)
{
	struct str *old = s->slot, *p;
	size_t oldcap = s->cap, i;

	if ((s->n + 1) * 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->slot = arena_allocarray(s->a, s->cap, sizeof(*s->slot));
		for (i = 0; i < oldcap; i++)
			if (old[i].ptr != NULL)
				*idset_slot(s, old[i]) = old[i];
	}
	p = idset_slot(s, id);
	if (p->ptr != NULL)
		return 0;
	*p = id;
	s->n++;
	return 1;
}

static int
idset_has(const struct idset *s, struct str id)
{
	return s->cap > 0 && idset_slot(s, id)->ptr != NULL;
}

/*
 * Walks "memberOf" edges up from the ids already in order[0..*n): every
 * Group reached is added to seen and appended to order, up to
 * GROUP_NEST_MAX. A Group reached twice is visited once.
 */
static int
walk_up(struct store_txn *txn, struct arena *a, struct str tenant,
    struct idset *seen, struct str **order, size_t *n, size_t *cap,
    struct scim_err *err)
{
	struct edges up;
	size_t k, j;
	int rc = 0;

	for (k = 0; rc == 0 && k < *n && *n < GROUP_NEST_MAX; k++) {
		rc = edges_from(txn, a, tenant, KIND_OF, (*order)[k], &up, err);
		for (j = 0; rc == 0 && j < up.n; j++) {
			if (*n >= GROUP_NEST_MAX || !idset_add(seen, up.to[j]))
				continue;
			if (*n == *cap) {
				*order = arena_realloc(a, *order,
				    *cap * sizeof(**order),
				    *cap * 2 * sizeof(**order));
				*cap *= 2;
			}
			(*order)[(*n)++] = up.to[j];
		}
	}
	return rc;
}

/* ------------------------------------------------------- group_of */

/* The displayName of Group id, or empty if it can't be read. */
static struct str
group_display(
    struct store_txn *txn, struct arena *a, struct str tenant, struct str id)
{
	struct json_value *g;
	struct str val;

	if (store_rec_get(txn, tenant, STR_LIT("Group"), id, &val) != 0 ||
	    record_decode(a, val, &g, NULL) != 0)
		return STR_NULL;
	return str_of(g, "displayName");
}

int
group_of(const struct resource_ctx *c, struct store_txn *txn, struct str id,
    struct json_value **out, struct scim_err *err)
{
	struct arena *a = c->arena;
	struct idset seen = {.a = a};
	struct edges direct;
	struct str *order = NULL;
	size_t n = 0, cap = 0, i;
	struct json_value *g, *ref;
	int rc;

	*out = json_array(a);
	rc = edges_from(txn, a, c->tenant, KIND_OF, id, &direct, err);
	if (rc != 0 || direct.n == 0)
		goto out;
	cap = direct.n * 2;
	order = arena_allocarray(a, cap, sizeof(*order));
	for (i = 0; i < direct.n && n < GROUP_NEST_MAX; i++)
		if (idset_add(&seen, direct.to[i]))
			order[n++] = direct.to[i];
	rc = walk_up(txn, a, c->tenant, &seen, &order, &n, &cap, err);
	for (i = 0; rc == 0 && i < n; i++) {
		g = json_object(a);
		json_object_set_cstr(a, g, "value", json_string(a, order[i]));
		if ((ref = resource_ref(c, "Group", order[i])) != NULL)
			json_object_set_cstr(a, g, "$ref", ref);
		json_object_set_cstr(a, g, "display",
		    json_string(a, group_display(txn, a, c->tenant, order[i])));
		json_object_set_cstr(a, g, "type",
		    json_cstring(a, i < direct.n ? "direct" : "indirect"));
		json_array_append(a, *out, g);
	}
out:
	return rc;
}

/* ------------------------------------------------ cascades, renames */

/* A new version and lastModified for Group id, whose members changed
 * without its record being written (RFC 7644 §3.14: the ETag changes). */
static int
touch(const struct resource_ctx *c, struct str id, struct scim_err *err)
{
	struct json_value *g, *meta;
	char tag[ETAG_MAX], now[DATE_BUFSZ];
	struct str val, bytes;
	int rc;

	rc = store_rec_get(c->txn, c->tenant, STR_LIT("Group"), id, &val);
	if (rc == SCIM_E_NOT_FOUND)
		return 0; /* it is being deleted itself */
	if (rc != 0)
		return scim_err_set(err, rc, "a Group could not be read");
	rc = record_decode(c->arena, val, &g, err);
	if (rc != 0)
		return rc;
	meta = json_object_get_cstr(g, "meta");
	if (meta == NULL || meta->type != JSON_OBJECT) {
		meta = json_object(c->arena);
		json_object_set_cstr(c->arena, g, "meta", meta);
	}
	etag_format(record_version(g) + 1, tag);
	date_format(c->now_ms, now);
	json_object_set_cstr(
	    c->arena, meta, "lastModified", json_cstring(c->arena, now));
	json_object_set_cstr(
	    c->arena, meta, "version", json_cstring(c->arena, tag));
	rc = record_encode(c->arena, g, &bytes, err);
	if (rc == 0)
		rc = store_rec_put(
		    c->txn, c->tenant, STR_LIT("Group"), id, bytes, err);
	return rc;
}

int
group_drop_member(
    const struct resource_ctx *c, struct str id, struct scim_err *err)
{
	struct edges up;
	size_t i;
	int rc;

	rc = edges_from(c->txn, c->arena, c->tenant, KIND_OF, id, &up, err);
	for (i = 0; rc == 0 && i < up.n; i++) {
		rc = store_edge_del(
		    c->txn, c->tenant, KIND_MEMBER, up.to[i], id, err);
		if (rc == 0)
			rc = touch(c, up.to[i], err);
	}
	if (rc == 0)
		rc = store_edge_del_from(c->txn, c->tenant, KIND_OF, id, err);
	return rc;
}

int
group_member_renamed(const struct resource_ctx *c, struct str id, char type,
    struct str display, struct scim_err *err)
{
	struct str val = member_val(c->arena, type, display);
	struct edges up;
	size_t i;
	int rc;

	rc = edges_from(c->txn, c->arena, c->tenant, KIND_OF, id, &up, err);
	for (i = 0; rc == 0 && i < up.n; i++)
		rc = store_edge_put(
		    c->txn, c->tenant, KIND_MEMBER, up.to[i], id, val, err);
	return rc;
}

/* ------------------------------------------------- members in_txn */

/* A member the request asks for. */
struct want {
	struct str id;
	char type; /* 0 when the request did not say */
};

static int
want_cmp(const void *x, const void *y)
{
	return str_cmp(
	    ((const struct want *)x)->id, ((const struct want *)y)->id);
}

/* next.members as a sorted list without repeats. */
static void
wanted(struct arena *a, const struct json_value *next, struct want **out,
    size_t *n)
{
	const struct json_value *m = json_object_get_cstr(next, "members");
	struct want *w = NULL;
	struct str t;
	size_t i, k = 0;

	*n = 0;
	if (m != NULL && m->type == JSON_ARRAY && m->u.array.len > 0) {
		w = arena_allocarray(a, m->u.array.len, sizeof(*w));
		for (i = 0; i < m->u.array.len; i++) {
			w[k].id = str_of(m->u.array.items[i], "value");
			t = str_of(m->u.array.items[i], "type");
			w[k].type = t.len == 0		  ? 0
			    : str_caseeq_cstr(t, "Group") ? T_GROUP
							  : T_USER;
			if (w[k].id.len > 0)
				k++;
		}
		qsort(w, k, sizeof(*w), want_cmp);
		for (i = 0, *n = 0; i < k; i++)
			if (*n == 0 || !str_eq(w[*n - 1].id, w[i].id))
				w[(*n)++] = w[i];
	}
	*out = w;
}

/* The Groups that contain group (itself included), for the cycle
 * check; computed once per request, on the first Group member. */
static int
ancestors(const struct resource_ctx *c, struct str group, struct idset *out,
    struct scim_err *err)
{
	size_t n = 1, cap = 16;
	struct str *order = arena_allocarray(c->arena, cap, sizeof(*order));

	memset(out, 0, sizeof(*out));
	out->a = c->arena;
	order[0] = group;
	idset_add(out, group);
	return walk_up(c->txn, c->arena, c->tenant, out, &order, &n, &cap, err);
}

/* Finds id among the tenant's Users, then Groups. SCIM_E_NOT_FOUND (err
 * untouched) when it is neither. */
static int
find_member(const struct resource_ctx *c, struct str id, char *type,
    struct str *display, struct scim_err *err)
{
	struct json_value *rec;
	struct str val;
	int rc = SCIM_E_NOT_FOUND;

	if (!record_id_ok(id))
		return rc;
	*type = T_USER;
	rc = store_rec_get(c->txn, c->tenant, STR_LIT("User"), id, &val);
	if (rc == SCIM_E_NOT_FOUND) {
		*type = T_GROUP;
		rc = store_rec_get(
		    c->txn, c->tenant, STR_LIT("Group"), id, &val);
	}
	if (rc == 0)
		rc = record_decode(c->arena, val, &rec, err);
	else if (rc != SCIM_E_NOT_FOUND)
		rc = scim_err_set(err, rc, "a member could not be read");
	if (rc == 0)
		*display = arena_str(c->arena,
		    *type == T_USER ? group_user_display(rec)
				    : str_of(rec, "displayName"));
	return rc;
}

struct members_run {
	const struct resource_ctx *c;
	struct str group;
	struct idset up; /* ancestors, once needed */
	int have_up;
};

/* Adds one member: it must exist, have the type asked for, and not
 * contain the group already (a cycle). */
static int
member_add(struct members_run *r, const struct want *w, struct scim_err *err)
{
	const struct resource_ctx *c = r->c;
	struct str display = STR_NULL, q = detail_quote(w->id);
	char type = 0;
	int rc;

	if (str_eq(w->id, r->group))
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "members: a Group cannot be a member of itself");
	rc = find_member(c, w->id, &type, &display, err);
	if (rc == SCIM_E_NOT_FOUND)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "members: no User or Group with id \"%.*s\" in this tenant",
		    STR_FMT(q));
	if (rc == 0 && w->type != 0 && w->type != type)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "members: \"%.*s\" is a %s, not a %s", STR_FMT(q),
		    type == T_USER ? "User" : "Group",
		    w->type == T_USER ? "User" : "Group");
	if (rc == 0 && type == T_GROUP && !r->have_up) {
		rc = ancestors(c, r->group, &r->up, err);
		r->have_up = 1;
	}
	if (rc == 0 && type == T_GROUP && idset_has(&r->up, w->id))
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "members: Group \"%.*s\" already contains this Group, "
		    "directly or through nested Groups; nesting may not form "
		    "a cycle",
		    STR_FMT(q));
	if (rc == 0)
		rc = store_edge_put(c->txn, c->tenant, KIND_MEMBER, r->group,
		    w->id, member_val(c->arena, type, display), err);
	if (rc == 0)
		rc = store_edge_put(
		    c->txn, c->tenant, KIND_OF, w->id, r->group, STR_NULL, err);
	return rc;
}

static int
member_remove(struct members_run *r, struct str id, struct scim_err *err)
{
	int rc;

	rc = store_edge_del(
	    r->c->txn, r->c->tenant, KIND_MEMBER, r->group, id, err);
	if (rc == 0)
		rc = store_edge_del(
		    r->c->txn, r->c->tenant, KIND_OF, id, r->group, err);
	return rc;
}

/* The merge of the wanted members (sorted) with the current ones (the
 * edges, met in the same order): what to add and what to remove. */
struct diff {
	struct arena *a;
	const struct want *w;
	size_t nw, i;
	const struct want **add; /* into w */
	size_t nadd;
	struct edges del; /* copied: the walk's views die with writes */
};

static int
diff_edge(void *arg, struct str to, struct str val)
{
	struct diff *d = arg;
	int cmp = 1;

	(void)val;
	while (d->i < d->nw && (cmp = str_cmp(d->w[d->i].id, to)) < 0)
		d->add[d->nadd++] = &d->w[d->i++];
	if (d->i < d->nw && cmp == 0)
		d->i++; /* kept as it is */
	else
		edges_push(&d->del, to, STR_NULL);
	return 0;
}

/*
 * Brings the edges of group in line with next.members: one walk of the
 * current members merged with the sorted request, copying only what
 * changes, then the writes.
 */
static int
members_sync(const struct resource_ctx *c, struct str group,
    const struct json_value *next, struct scim_err *err)
{
	struct members_run r = {.c = c, .group = group};
	struct diff d = {.a = c->arena};
	struct want *w;
	size_t i;
	int rc;

	wanted(c->arena, next, &w, &d.nw);
	d.w = w;
	d.add = arena_allocarray(c->arena, d.nw + 1, sizeof(*d.add));
	d.del.a = c->arena;
	rc = store_edge_each(
	    c->txn, c->tenant, KIND_MEMBER, group, diff_edge, &d, err);
	while (d.i < d.nw)
		d.add[d.nadd++] = &d.w[d.i++];
	for (i = 0; rc == 0 && i < d.del.n; i++)
		rc = member_remove(&r, d.del.to[i], err);
	for (i = 0; rc == 0 && i < d.nadd; i++)
		rc = member_add(&r, d.add[i], err);
	/* Issuance rules by group follow memberships (staged.h). */
	for (i = 0; rc == 0 && i < d.nadd; i++)
		edges_push(&d.del, d.add[i]->id, STR_NULL);
	if (rc == 0)
		rc = staged_members_changed(c, d.del.to, d.del.n, err);
	return rc;
}

/* ---------------------------------------------------------- hooks */

static int
group_in_txn(const struct resource_ctx *c, const struct json_value *cur,
    struct json_value *next, struct scim_err *err)
{
	struct str id = str_of(next, "id");
	struct str name = str_of(next, "displayName");
	int rc;

	rc = members_sync(c, id, next, err);
	if (rc == 0 && cur != NULL && !str_eq(name, str_of(cur, "displayName")))
		rc = group_member_renamed(c, id, T_GROUP, name, err);
	/* The stored form keeps no members: they are the edges. */
	json_object_remove(next, STR_LIT("members"));
	return rc;
}

static int
group_on_delete(const struct resource_ctx *c, struct store_txn *txn,
    const struct json_value *cur, struct scim_err *err)
{
	struct str id = str_of(cur, "id");
	struct edges down;
	size_t i;
	int rc;

	(void)txn; /* the same as c->txn */
	rc = edges_from(
	    c->txn, c->arena, c->tenant, KIND_MEMBER, id, &down, err);
	for (i = 0; rc == 0 && i < down.n; i++)
		rc = store_edge_del(
		    c->txn, c->tenant, KIND_OF, down.to[i], id, err);
	if (rc == 0)
		rc = store_edge_del_from(
		    c->txn, c->tenant, KIND_MEMBER, id, err);
	if (rc == 0)
		rc = group_drop_member(c, id, err);
	if (rc == 0)
		rc = staged_members_changed(c, down.to, down.n, err);
	return rc;
}

struct load {
	const struct resource_ctx *c;
	struct json_value *list;
	int output; /* display and $ref too */
};

/*
 * One "member" edge as a members value, built straight from the
 * transaction's bytes (json_string copies them): {value, type}, what a
 * membership is; on output also display and $ref.
 */
static int
load_member(void *arg, struct str to, struct str val)
{
	struct load *l = arg;
	struct arena *a = l->c->arena;
	struct json_value *m = json_object(a), *ref;
	int group = val.len > 0 && val.ptr[0] == T_GROUP;

	json_object_set_cstr(a, m, "value", json_string(a, to));
	if (l->output &&
	    (ref = resource_ref(l->c, group ? "Group" : "User", to)) != NULL)
		json_object_set_cstr(a, m, "$ref", ref);
	json_object_set_cstr(
	    a, m, "type", json_cstring(a, group ? "Group" : "User"));
	if (l->output && val.len > 1)
		json_object_set_cstr(a, m, "display",
		    json_string(a, str_make(val.ptr + 1, val.len - 1)));
	json_array_append(a, l->list, m);
	return 0;
}

/* members from the edges into res, in id order; none: no members. */
static int
members_read(const struct resource_ctx *c, struct store_txn *txn,
    struct json_value *res, int output, struct scim_err *err)
{
	struct load l = {
	    .c = c, .list = json_array(c->arena), .output = output};
	int rc;

	json_object_remove(res, STR_LIT("members"));
	rc = store_edge_each(txn, c->tenant, KIND_MEMBER, str_of(res, "id"),
	    load_member, &l, err);
	if (rc == 0 && l.list->u.array.len > 0)
		json_object_set_cstr(c->arena, res, "members", l.list);
	return rc;
}

/*
 * For PUT, PATCH and DELETE: members as {value, type} only. display is
 * an output decoration the server keeps (readOnly), so a PATCH that
 * changes nothing compares equal to this and keeps its version
 * (RFC 7644 §3.5.2.1).
 */
static int
group_load(
    const struct resource_ctx *c, struct json_value *res, struct scim_err *err)
{
	return members_read(c, c->txn, res, 0, err);
}

/* members, read from the edges (whatever res holds), with display and
 * $ref; skipped when the caller won't read them. */
static void
group_to_output(const struct resource_ctx *c, struct json_value *res)
{
	struct store_txn *txn = NULL;
	struct scim_err err = {0};
	int own = 0;

	if (!resource_wants(c, "members") ||
	    resource_output_txn(c, &txn, &own) != 0)
		return;
	if (members_read(c, txn, res, 1, &err) != 0)
		log_warn(
		    "the members of a Group could not be read: %s", err.detail);
	if (own)
		store_read_end(txn);
}

const struct resource_hooks group_hooks = {
    .name = "Group",
    .in_txn = group_in_txn,
    .on_delete = group_on_delete,
    .to_output = group_to_output,
    .load = group_load,
    /* Okta sends its own schema URNs with Groups (group.h). */
    .lenient_schemas = 1,
};
