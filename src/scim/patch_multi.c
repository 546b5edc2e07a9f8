/*
 * PATCH on multi-valued attributes (RFC 7644 §3.5.2.1-3): appending
 * without duplicates, replacing all values, value filters that pick
 * elements to change or remove, the eq-filter element creation clients
 * rely on, removal of listed values, and `primary` (see patch_apply.h
 * for the rules). Elements are tested against a filter one at a time in
 * a small resource that holds only that element.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "scim/patch_int.h"

/* The values v gives a multi-valued attribute: its items, or v itself
 * as the one new value (RFC 7644 §3.5.2.1: "a new value is added"). */
static struct json_value *
as_list(
    struct papply *p, const struct schema_attr *t, const struct json_value *v)
{
	struct json_value *list = json_array(p->a);
	size_t i;

	if (v->type != JSON_ARRAY) {
		json_array_append(p->a, list, patch_apply_coerce(p, t, v));
		return list;
	}
	for (i = 0; i < v->u.array.len; i++)
		json_array_append(
		    p->a, list, patch_apply_coerce(p, t, v->u.array.items[i]));
	return list;
}

/* `primary` true on a touched element makes it false on the others
 * (RFC 7644 §3.5.2); the last touched one wins. */
static void
fix_primary(struct papply *p, const struct schema_attr *t,
    struct json_value *arr, const unsigned char *touched)
{
	const struct schema_attr *ps = schema_sub(t, STR_LIT("primary"));
	const struct json_value *v;
	size_t i, keep = arr->u.array.len;

	if (ps == NULL || ps->type != FILTER_T_BOOLEAN)
		return;
	for (i = 0; i < arr->u.array.len; i++) {
		v = json_object_get_cstr(arr->u.array.items[i], "primary");
		if (touched[i] && v != NULL && v->type == JSON_BOOL &&
		    v->u.boolean)
			keep = i;
	}
	for (i = 0; keep < arr->u.array.len && i < arr->u.array.len; i++) {
		v = json_object_get_cstr(arr->u.array.items[i], "primary");
		if (i != keep && v != NULL && v->type == JSON_BOOL &&
		    v->u.boolean)
			json_object_set_cstr(p->a, arr->u.array.items[i],
			    "primary", json_bool(p->a, 0));
	}
}

/*
 * Tests elements against a value filter: in a small resource holding one
 * element at a time, or, for the common `sub eq "string"` (Okta's
 * members[value eq "..."]), by comparing the sub-attribute directly,
 * which is what filter_match would decide, several times faster.
 */
struct matcher {
	struct json_value *res;
	struct json_value *holder;
	const struct filter_node *eq; /* the fast case, or NULL */
};

static void
matcher_init(struct papply *p, const struct patch_path *pp, struct matcher *m)
{
	const struct filter_node *n =
	    pp->filter != NULL ? pp->filter->left : NULL;

	m->res = json_object(p->a);
	m->holder = m->res;
	if (pp->ext != NULL) {
		m->holder = json_object(p->a);
		json_object_set_cstr(p->a, m->res, pp->ext->id, m->holder);
	}
	json_object_set_cstr(p->a, m->holder, pp->attr->name, json_null(p->a));
	m->eq = NULL;
	if (n != NULL && n->op == FILTER_EQ && n->value != NULL &&
	    n->value->type == JSON_STRING && !n->info.sub_multi &&
	    (n->info.type == FILTER_T_STRING ||
		n->info.type == FILTER_T_REFERENCE))
		m->eq = n;
}

/* Without a filter (attr.sub), every element matches. */
static int
matches(const struct patch_path *pp, struct matcher *m, struct json_value *e)
{
	const struct json_value *v;

	if (pp->filter == NULL)
		return 1;
	if (m->eq != NULL) {
		v = m->eq->path.sub.len > 0
		    ? json_object_get(e, m->eq->path.sub)
		    : e;
		if (v == NULL || v->type != JSON_STRING)
			return 0;
		return m->eq->info.case_exact
		    ? str_eq(v->u.string, m->eq->value->u.string)
		    : str_caseeq(v->u.string, m->eq->value->u.string);
	}
	m->holder->u.object.members[0].value = e;
	return filter_match(pp->filter->left, m->res);
}

/* The element an `eq`-only filter describes (emails[type eq "work"]
 * gives {"type": "work"}); -1 for any other filter. */
static int
eq_template(struct arena *a, const struct filter_node *n, struct json_value *e)
{
	if (n == NULL)
		return -1;
	if (n->op == FILTER_AND)
		return eq_template(a, n->left, e) == 0 &&
			eq_template(a, n->right, e) == 0
		    ? 0
		    : -1;
	if (n->op != FILTER_EQ || n->path.sub.len == 0 || n->value == NULL ||
	    n->value->type == JSON_NULL)
		return -1;
	json_object_set(a, e, n->path.sub, json_clone(a, n->value));
	return 0;
}

static int
fail_no_match(struct papply *p)
{
	return patch_apply_fail(
	    p, SCIM_E_NO_TARGET, "the filter matched nothing");
}

/* ------------------------------------------------------------ index */

/*
 * Elements by a hash of their `value` (an element of simple values: by
 * itself), or of the whole element when it has none, so that adding or
 * removing many values stays linear: a 1 MiB body can name tens of
 * thousands of group members. Chains hold index + 1 (0 ends a chain).
 */
struct vindex {
	const struct schema_attr *t;
	const struct schema_attr *vs; /* how values compare */
	size_t mask; /* buckets - 1, a power of two minus one */
	size_t *head; /* bucket -> first index + 1 */
	size_t *next; /* index -> next index + 1 */
	size_t *hash; /* index -> its hash */
	size_t cap;
};

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t
hash_bytes(uint64_t h, struct str s, int fold)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < s.len; i++) {
		c = (unsigned char)s.ptr[i];
		if (fold && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + ('a' - 'A'));
		h = (h ^ c) * FNV_PRIME;
	}
	return h;
}

/* A hash that json_equal-equal values share (object keys are compared
 * case-insensitively, in any order). */
static uint64_t
hash_json(const struct json_value *v)
{
	uint64_t h = (FNV_OFFSET ^ (uint64_t)v->type) * FNV_PRIME, sum = 0;
	size_t i;

	switch (v->type) {
	case JSON_BOOL:
		return h ^ (uint64_t)(v->u.boolean != 0);
	case JSON_INT:
		return (h ^ (uint64_t)v->u.integer) * FNV_PRIME;
	case JSON_STRING:
		return hash_bytes(h, v->u.string, 0);
	case JSON_ARRAY:
		for (i = 0; i < v->u.array.len; i++)
			h = (h ^ hash_json(v->u.array.items[i])) * FNV_PRIME;
		return h;
	case JSON_OBJECT:
		for (i = 0; i < v->u.object.len; i++)
			sum += hash_bytes(
				   FNV_OFFSET, v->u.object.members[i].key, 1) *
				31 +
			    hash_json(v->u.object.members[i].value);
		return h ^ sum;
	default:
		return h; /* null, and doubles: equal ones share this */
	}
}

/* The string an element is compared by, if it has one. */
static const struct json_value *
value_of(const struct vindex *x, const struct json_value *e)
{
	const struct json_value *v = x->t->type == FILTER_T_COMPLEX
	    ? json_object_get_cstr(e, "value")
	    : e;

	return v != NULL && v->type == JSON_STRING ? v : NULL;
}

static int
value_key(const struct vindex *x, const struct json_value *e, struct str *k)
{
	const struct json_value *v =
	    x->t->type != FILTER_T_COMPLEX || x->vs != NULL ? value_of(x, e)
							    : NULL;

	if (v != NULL)
		*k = v->u.string;
	return v != NULL;
}

static size_t
key_hash(const struct vindex *x, const struct json_value *e)
{
	struct str k;

	if (value_key(x, e, &k))
		return (size_t)hash_bytes(
		    FNV_OFFSET, k, x->vs == NULL || !x->vs->case_exact);
	return (size_t)(hash_json(e) ^ 0x5bd1e995u);
}

/* Room for cap elements. */
static void
vindex_init(
    struct papply *p, struct vindex *x, const struct schema_attr *t, size_t cap)
{
	size_t nb = 16;

	while (nb < cap * 2)
		nb <<= 1;
	x->t = t;
	x->vs =
	    t->type == FILTER_T_COMPLEX ? schema_sub(t, STR_LIT("value")) : t;
	x->mask = nb - 1;
	x->cap = cap;
	x->head = arena_allocarray(p->a, nb, sizeof(*x->head));
	x->next = arena_allocarray(p->a, cap + 1, sizeof(*x->next));
	x->hash = arena_allocarray(p->a, cap + 1, sizeof(*x->hash));
}

/* Adds element e as index i (i < cap). */
static void
vindex_add(struct vindex *x, const struct json_value *e, size_t i)
{
	size_t h = key_hash(x, e), b = h & x->mask;

	x->hash[i] = h;
	x->next[i] = x->head[b];
	x->head[b] = i + 1;
}

/* The first index whose key hash equals e's, or -1; vindex_next walks
 * on. Callers compare the candidates themselves. */
static long
vindex_first(const struct vindex *x, const struct json_value *e)
{
	size_t h = key_hash(x, e), j = x->head[h & x->mask];

	while (j != 0 && x->hash[j - 1] != h)
		j = x->next[j - 1];
	return (long)j - 1;
}

static long
vindex_next(const struct vindex *x, long i)
{
	size_t h = x->hash[i], j = x->next[i];

	while (j != 0 && x->hash[j - 1] != h)
		j = x->next[j - 1];
	return (long)j - 1;
}

/* item without its null members (a client's "$ref": null), so that it
 * compares as the stored elements, which hold no nulls. */
static const struct json_value *
without_nulls(struct papply *p, const struct json_value *item)
{
	struct json_value *o;
	size_t i;

	if (item->type != JSON_OBJECT)
		return item;
	o = json_object(p->a);
	for (i = 0; i < item->u.object.len; i++)
		if (item->u.object.members[i].value->type != JSON_NULL)
			json_object_set(p->a, o, item->u.object.members[i].key,
			    item->u.object.members[i].value);
	return o;
}

/* 1 if a listed item names element e: by `value` when both have one,
 * else by equality of the whole element. */
static int
selects(const struct vindex *x, const struct json_value *item,
    const struct json_value *e)
{
	struct str ik, ek;

	if (value_key(x, item, &ik) && value_key(x, e, &ek))
		return patch_apply_same(
		    x->vs, value_of(x, item), value_of(x, e));
	return json_equal(item, e);
}

/* remove with a path and a value: just the listed values (Entra ID
 * removes members so). Linear: the items are indexed. */
int
patch_multi_remove_listed(
    struct papply *p, const struct patch_path *pp, const struct json_value *v)
{
	struct json_value *arr = patch_apply_get(p, pp), *list, *e;
	struct vindex x;
	size_t i, w = 0;
	long j;

	if (arr == NULL || arr->type != JSON_ARRAY)
		return 0;
	list = as_list(p, pp->attr, v);
	vindex_init(p, &x, pp->attr, list->u.array.len);
	for (i = 0; i < list->u.array.len; i++) {
		list->u.array.items[i] = (struct json_value *)without_nulls(
		    p, list->u.array.items[i]);
		vindex_add(&x, list->u.array.items[i], i);
	}
	for (i = 0; i < arr->u.array.len; i++) {
		e = arr->u.array.items[i];
		for (j = vindex_first(&x, e); j >= 0; j = vindex_next(&x, j))
			if (selects(&x, list->u.array.items[j], e))
				break;
		if (j < 0)
			arr->u.array.items[w++] = e;
	}
	if (w == arr->u.array.len)
		return 0;
	if (pp->attr->mutability == SCHEMA_MUT_IMMUTABLE)
		return patch_apply_fail_immutable(p, pp, NULL);
	arr->u.array.len = w;
	return w == 0 ? patch_apply_unassign(p, pp) : 0;
}

/* remove on attr[filter], attr[filter].sub or (multi-valued) attr.sub. */
int
patch_multi_remove_elements(struct papply *p, const struct patch_path *pp)
{
	struct json_value *arr = patch_apply_get(p, pp), *e;
	const struct schema_attr *s = pp->sub;
	struct matcher m;
	size_t i, w = 0, hits = 0;

	if (arr == NULL || arr->type != JSON_ARRAY)
		return pp->filter != NULL ? fail_no_match(p) : 0;
	matcher_init(p, pp, &m);
	for (i = 0; i < arr->u.array.len; i++) {
		e = arr->u.array.items[i];
		if (!matches(pp, &m, e)) {
			arr->u.array.items[w++] = e;
			continue;
		}
		hits++;
		if (s == NULL)
			continue; /* the element goes */
		if (json_object_get_cstr(e, s->name) != NULL &&
		    (s->required || s->mutability == SCHEMA_MUT_IMMUTABLE))
			return s->required
			    ? patch_apply_fail_required(p, pp, s)
			    : patch_apply_fail_immutable(p, pp, s);
		json_object_remove(e, str_from(s->name));
		if (e->u.object.len > 0)
			arr->u.array.items[w++] = e;
	}
	if (hits == 0)
		return pp->filter != NULL ? fail_no_match(p) : 0;
	if (w < arr->u.array.len &&
	    pp->attr->mutability == SCHEMA_MUT_IMMUTABLE)
		return patch_apply_fail_immutable(p, pp, NULL);
	arr->u.array.len = w;
	return w == 0 ? patch_apply_unassign(p, pp) : 0;
}

/* 1 if element e already holds item: equal, or for complex values the
 * same `value` with no sub-attribute both set differing. */
static int
holds(const struct vindex *x, const struct json_value *e,
    const struct json_value *item)
{
	const struct schema_attr *t = x->t;
	const struct json_member *m;
	size_t k;

	if (patch_apply_same(t, e, item))
		return 1;
	if (t->type != FILTER_T_COMPLEX || x->vs == NULL ||
	    value_of(x, item) == NULL ||
	    !patch_apply_same(x->vs, value_of(x, item), value_of(x, e)))
		return 0;
	for (k = 0; k < item->u.object.len; k++) {
		m = &item->u.object.members[k];
		if (json_object_get(e, m->key) != NULL &&
		    !patch_apply_same(schema_sub(t, m->key), m->value,
			json_object_get(e, m->key)))
			return 0;
	}
	return 1;
}

/* Index of the element of arr (indexed in x) that holds item, or -1. */
static long
held(const struct vindex *x, const struct json_value *arr,
    const struct json_value *item)
{
	long j;

	for (j = vindex_first(x, item); j >= 0; j = vindex_next(x, j))
		if (holds(x, arr->u.array.items[j], item))
			return j;
	return -1;
}

/* add on a multi-valued attribute: new values are appended, held ones
 * get what they lack (§3.5.2.1: no change when already there). */
int
patch_multi_add(
    struct papply *p, const struct patch_path *pp, const struct json_value *v)
{
	struct json_value *n, *arr = patch_apply_get(p, pp), *item;
	unsigned char *touched;
	struct vindex x;
	size_t i, k;
	long at;
	int rc;

	rc = patch_apply_normalize(p, pp, as_list(p, pp->attr, v), &n);
	if (rc != 0 || n == NULL)
		return rc;
	if (arr != NULL && arr->type != JSON_ARRAY)
		arr = NULL;
	if (arr != NULL && pp->attr->mutability == SCHEMA_MUT_IMMUTABLE)
		return patch_apply_fail_immutable(p, pp, NULL);
	if (arr == NULL)
		arr = json_array(p->a);
	touched = arena_alloc(p->a, arr->u.array.len + n->u.array.len + 1);
	vindex_init(p, &x, pp->attr, arr->u.array.len + n->u.array.len);
	for (i = 0; i < arr->u.array.len; i++)
		vindex_add(&x, arr->u.array.items[i], i);
	for (i = 0; i < n->u.array.len; i++) {
		item = n->u.array.items[i];
		at = held(&x, arr, item);
		if (at < 0) {
			json_array_append(p->a, arr, item);
			at = (long)arr->u.array.len - 1;
			vindex_add(&x, item, (size_t)at);
		} else if (pp->attr->type == FILTER_T_COMPLEX) {
			for (k = 0; k < item->u.object.len; k++)
				if (json_object_get(arr->u.array.items[at],
					item->u.object.members[k].key) == NULL)
					json_object_set(p->a,
					    arr->u.array.items[at],
					    item->u.object.members[k].key,
					    item->u.object.members[k].value);
		}
		touched[at] = 1;
	}
	fix_primary(p, pp->attr, arr, touched);
	patch_apply_set(p, pp, arr);
	return 0;
}

/* replace on a multi-valued attribute without a filter: all values. */
int
patch_multi_replace(
    struct papply *p, const struct patch_path *pp, const struct json_value *v)
{
	struct json_value *n, *old = patch_apply_get(p, pp);
	unsigned char *touched;
	int rc;

	rc = patch_apply_normalize(p, pp, as_list(p, pp->attr, v), &n);
	if (rc != 0)
		return rc;
	if (n == NULL)
		return patch_apply_unassign(p, pp);
	if ((rc = patch_apply_check_immutable(p, pp, old, n)) != 0)
		return rc;
	touched = arena_alloc(p->a, n->u.array.len + 1);
	memset(touched, 1, n->u.array.len);
	fix_primary(p, pp->attr, n, touched);
	patch_apply_set(p, pp, n);
	return 0;
}

/* One matched element changed by add or replace, normalised into *out
 * (NULL when nothing is left of it). */
static int
change_element(struct papply *p, enum patch_opcode op,
    const struct patch_path *pp, const struct json_value *e,
    const struct json_value *v, struct json_value **out)
{
	const struct schema_attr *t = pp->attr;
	struct json_value *ne, *list = json_array(p->a), *n;
	int rc;

	*out = NULL;
	if (t->type != FILTER_T_COMPLEX) {
		ne = json_clone(p->a, v); /* tags[value eq "x"]: the value */
	} else if (pp->sub != NULL) {
		ne = json_clone(p->a, e);
		json_object_set_cstr(
		    p->a, ne, pp->sub->name, json_clone(p->a, v));
	} else {
		ne = patch_apply_coerce(p, t, v);
		if (ne->type != JSON_OBJECT)
			return patch_apply_fail_not_object(p, pp);
		if (op == PATCH_ADD)
			ne = patch_apply_merge(p, e, ne);
	}
	json_array_append(p->a, list, ne);
	rc = patch_apply_normalize(p, pp, list, &n);
	if (rc != 0)
		return rc;
	if (n != NULL)
		*out = n->u.array.items[0];
	if (t->type == FILTER_T_COMPLEX) {
		patch_apply_keep_read_only_subs(p, t, e, *out);
		rc = patch_apply_check_immutable_subs(p, pp, e, *out);
	}
	if (rc == 0 && t->mutability == SCHEMA_MUT_IMMUTABLE &&
	    !patch_apply_same(t, e, *out))
		rc = patch_apply_fail_immutable(p, pp, NULL);
	return rc;
}

/* No element matched: add the one an eq-only filter describes (the
 * Entra ID / Okta behaviour, see patch_apply.h), or noTarget. */
static int
create_element(struct papply *p, const struct patch_path *pp,
    struct json_value *arr, const struct json_value *v)
{
	struct json_value *e = json_object(p->a), *list = json_array(p->a);
	struct json_value *n, *x;
	int rc;

	if (pp->attr->type != FILTER_T_COMPLEX ||
	    (pp->filter != NULL && eq_template(p->a, pp->filter->left, e) != 0))
		return fail_no_match(p);
	if (arr->u.array.len > 0 &&
	    pp->attr->mutability == SCHEMA_MUT_IMMUTABLE)
		return patch_apply_fail_immutable(p, pp, NULL);
	if (pp->sub != NULL) {
		json_object_set_cstr(
		    p->a, e, pp->sub->name, json_clone(p->a, v));
	} else {
		x = patch_apply_coerce(p, pp->attr, v);
		if (x->type != JSON_OBJECT)
			return patch_apply_fail_not_object(p, pp);
		e = patch_apply_merge(p, e, x);
	}
	json_array_append(p->a, list, e);
	rc = patch_apply_normalize(p, pp, list, &n);
	if (rc == 0 && n != NULL)
		json_array_append(p->a, arr, n->u.array.items[0]);
	return rc;
}

/* add or replace on attr[filter], attr[filter].sub or (multi-valued)
 * attr.sub: the matching elements change in place (§3.5.2.3). */
int
patch_multi_set_elements(struct papply *p, enum patch_opcode op,
    const struct patch_path *pp, const struct json_value *v)
{
	struct json_value *arr = patch_apply_get(p, pp), *e, *ne;
	unsigned char *touched;
	struct matcher m;
	size_t i, w = 0, hits = 0, n0;
	int rc = 0;

	if (arr == NULL || arr->type != JSON_ARRAY)
		arr = json_array(p->a);
	n0 = arr->u.array.len;
	touched = arena_alloc(p->a, n0 + 2);
	matcher_init(p, pp, &m);
	for (i = 0; i < n0 && rc == 0; i++) {
		e = arr->u.array.items[i];
		if (!matches(pp, &m, e)) {
			arr->u.array.items[w++] = e;
			continue;
		}
		hits++;
		rc = change_element(p, op, pp, e, v, &ne);
		if (rc == 0 && ne != NULL) {
			touched[w] = 1;
			arr->u.array.items[w++] = ne;
		}
	}
	if (rc != 0)
		return rc;
	arr->u.array.len = w;
	if (hits == 0) {
		rc = create_element(p, pp, arr, v);
		if (rc == 0 && arr->u.array.len > w)
			touched[w] = 1;
	}
	if (rc != 0)
		return rc;
	if (arr->u.array.len == 0)
		return patch_apply_unassign(p, pp);
	if (pp->attr->type == FILTER_T_COMPLEX)
		fix_primary(p, pp->attr, arr, touched);
	patch_apply_set(p, pp, arr);
	return 0;
}
