/*
 * Partial representations (RFC 7644 §3.4.2.5, §3.9) and the `returned`
 * characteristic (RFC 7643 §2.4, §7), applied to a resource in place just
 * before it is written out.
 *
 * A parsed projection is a list of selections, each naming a schema level
 * (NULL for the common attributes), optionally an attribute of it, and
 * optionally a sub-attribute: "urn:...:Credential" selects every core
 * attribute, "status" one attribute, "status.startDate" one part of it.
 *
 * Decisions, per attribute:
 *  - returned "never" and writeOnly attributes are removed whatever was
 *    asked;
 *  - "always" attributes (and `id`, `schemas`) stay, even when excluded
 *    (§3.4.2.5: excludedAttributes SHALL have no effect on them);
 *  - "request" attributes appear only when named in `attributes`
 *    (naming the parent brings its default sub-attributes, not its
 *    "request" ones);
 *  - with `attributes`, naming only sub-attributes keeps just those parts
 *    (plus "always" ones) of the parent; parts left empty disappear.
 */
#include <string.h>

#include "scim/projection.h"

enum proj_mode {
	PROJ_NONE,
	PROJ_INCLUDE,
	PROJ_EXCLUDE,
};

struct proj_item {
	const struct schema *owner; /* NULL for common attributes */
	const struct schema_attr *attr; /* NULL: every attribute of owner */
	const struct schema_attr *sub; /* NULL: the whole attribute */
};

struct projection {
	enum proj_mode mode;
	struct proj_item *items;
	size_t nitems;
};

/* How one attribute (or part) was named by the request. */
enum proj_hit {
	HIT_NONE,
	HIT_WHOLE, /* the attribute itself, or its whole schema */
	HIT_PARTS, /* only some of its sub-attributes */
};

static struct str
trim(struct str s)
{
	while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
		s.ptr++;
		s.len--;
	}
	while (
	    s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
		s.len--;
	return s;
}

/* The longest schema URN of rt that prefixes name, followed by ':' or the
 * end (URNs themselves contain '.' and ':', so they can't be split). */
static const struct schema *
urn_prefix(const struct schema_rtype *rt, struct str name)
{
	const struct schema *best = NULL;
	size_t i;

	for (i = 0; i <= rt->nexts; i++) {
		const struct schema *s =
		    i == 0 ? rt->core : rt->exts[i - 1].schema;
		struct str id = str_from(s->id);

		if (!str_case_has_prefix(name, id) ||
		    (name.len > id.len && name.ptr[id.len] != ':'))
			continue;
		if (best == NULL || strlen(best->id) < id.len)
			best = s;
	}
	return best;
}

/* Turns one name into a selection; 0 if it names nothing (ignored). */
static int
parse_name(const struct schema_rtype *rt, struct str name, struct proj_item *it)
{
	struct filter_attrpath path = {STR_NULL, STR_NULL, STR_NULL};
	const struct schema *s = urn_prefix(rt, name);
	long dot;

	if (s != NULL) {
		path.urn = str_make(name.ptr, strlen(s->id));
		if (name.len == path.urn.len) {
			*it = (struct proj_item){s, NULL, NULL};
			return 1;
		}
		name.ptr += path.urn.len + 1;
		name.len -= path.urn.len + 1;
	}
	dot = str_find(name, STR_LIT("."), 0);
	if (dot < 0) {
		path.attr = name;
	} else {
		path.attr = str_make(name.ptr, (size_t)dot);
		path.sub = str_make(name.ptr + dot + 1, name.len - dot - 1);
	}
	it->attr = schema_resolve(rt, &path, &it->owner, &it->sub);
	return it->attr != NULL;
}

static int
parse_list(struct arena *a, const struct schema_rtype *rt, struct str list,
    struct projection *p)
{
	size_t i, start = 0, n = 1;

	for (i = 0; i < list.len; i++)
		n += list.ptr[i] == ',';
	p->items = arena_allocarray(a, n, sizeof(*p->items));
	for (i = 0; i <= list.len; i++) {
		struct str name;

		if (i < list.len && list.ptr[i] != ',')
			continue;
		name = trim(str_make(list.ptr + start, i - start));
		start = i + 1;
		if (name.len > 0 && parse_name(rt, name, &p->items[p->nitems]))
			p->nitems++;
	}
	return 0;
}

int
projection_parse(struct arena *a, const struct schema_rtype *rt,
    struct str attributes, struct str excluded, struct projection **out,
    struct scim_err *err)
{
	struct projection *p = arena_alloc(a, sizeof(*p));
	int rc = 0;

	attributes = trim(attributes);
	excluded = trim(excluded);
	if (attributes.len > 0 && excluded.len > 0) {
		/* RFC 7644 §3.9 calls them mutually exclusive without naming
		 * an error; a 400 shows the client its mistake. */
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "'attributes' and 'excludedAttributes' can't be used "
		    "together");
		goto out;
	}
	if (attributes.len > 0) {
		p->mode = PROJ_INCLUDE;
		rc = parse_list(a, rt, attributes, p);
	} else if (excluded.len > 0) {
		p->mode = PROJ_EXCLUDE;
		rc = parse_list(a, rt, excluded, p);
	}
out:
	*out = rc == 0 ? p : NULL;
	return rc;
}

/* Whether the whole of schema level owner was named ("urn:...:X"). */
static int
schema_hit(const struct projection *p, const struct schema *owner)
{
	size_t i;

	for (i = 0; p != NULL && i < p->nitems; i++)
		if (p->items[i].owner == owner && p->items[i].attr == NULL)
			return 1;
	return 0;
}

/* How attr itself was named: whole, or only through sub-attributes. */
static enum proj_hit
attr_hit(const struct projection *p, const struct schema *owner,
    const struct schema_attr *attr)
{
	enum proj_hit h = HIT_NONE;
	size_t i;

	for (i = 0; p != NULL && i < p->nitems; i++) {
		if (p->items[i].owner != owner || p->items[i].attr != attr)
			continue;
		if (p->items[i].sub == NULL)
			return HIT_WHOLE;
		h = HIT_PARTS;
	}
	return h;
}

static enum proj_hit
sub_hit(const struct projection *p, const struct schema *owner,
    const struct schema_attr *attr, const struct schema_attr *sub)
{
	size_t i;

	for (i = 0; p != NULL && i < p->nitems; i++)
		if (p->items[i].owner == owner && p->items[i].attr == attr &&
		    p->items[i].sub == sub)
			return HIT_WHOLE;
	return HIT_NONE;
}

/* Whether to keep one (sub-)attribute: named says how the request named
 * it, parent whether its enclosing attribute or schema was named whole. */
static int
keep(const struct projection *p, const struct schema_attr *a,
    enum proj_hit named, int parent)
{
	enum proj_mode mode = p != NULL ? p->mode : PROJ_NONE;

	/* RFC 7643 §2.2: writeOnly values SHALL NOT be returned, whatever
	 * their `returned` says. */
	if (a->returned == SCHEMA_RET_NEVER ||
	    a->mutability == SCHEMA_MUT_WRITE_ONLY)
		return 0;
	if (a->returned == SCHEMA_RET_ALWAYS)
		return 1;
	switch (mode) {
	case PROJ_INCLUDE:
		if (named != HIT_NONE)
			return 1;
		return parent && a->returned != SCHEMA_RET_REQUEST;
	case PROJ_EXCLUDE:
		return named != HIT_WHOLE && !parent &&
		    a->returned != SCHEMA_RET_REQUEST;
	default:
		return a->returned != SCHEMA_RET_REQUEST;
	}
}

/* Filters the sub-attributes of one complex value; 1 if anything is
 * left. Members the schema does not know are left alone unless the
 * client listed what it wants. */
static int
apply_subs(const struct projection *p, const struct schema *owner,
    const struct schema_attr *a, int parent, struct json_value *obj)
{
	size_t i, w = 0;

	if (obj->type != JSON_OBJECT)
		return 1;
	for (i = 0; i < obj->u.object.len; i++) {
		struct json_member *m = &obj->u.object.members[i];
		const struct schema_attr *s = schema_sub(a, m->key);
		int k;

		if (s == NULL)
			k = parent || p == NULL || p->mode != PROJ_INCLUDE;
		else
			k = keep(p, s, sub_hit(p, owner, a, s), parent);
		if (k)
			obj->u.object.members[w++] = *m;
	}
	obj->u.object.len = w;
	return w > 0;
}

/* Applies the rules to one attribute's value; 0 if it should go. whole
 * is set when the attribute's schema was named as a whole. */
static int
apply_attr(const struct projection *p, const struct schema *owner, int whole,
    const struct schema_attr *a, struct json_value *v)
{
	enum proj_hit h = attr_hit(p, owner, a);
	int parent;
	size_t i, w = 0;

	if (!keep(p, a, h, whole))
		return 0;
	if (a->type != FILTER_T_COMPLEX)
		return 1;
	/* Sub-attributes inherit a whole naming of their parent, except
	 * that excluding an "always" parent leaves its parts alone. */
	parent = h == HIT_WHOLE || whole;
	if (p != NULL && p->mode == PROJ_EXCLUDE &&
	    a->returned == SCHEMA_RET_ALWAYS)
		parent = 0;
	if (v->type != JSON_ARRAY)
		return apply_subs(p, owner, a, parent, v);
	for (i = 0; i < v->u.array.len; i++)
		if (apply_subs(p, owner, a, parent, v->u.array.items[i]))
			v->u.array.items[w++] = v->u.array.items[i];
	v->u.array.len = w;
	return w > 0;
}

static const struct schema_attr *
find_in(const struct schema *s, struct str name)
{
	size_t i;

	for (i = 0; i < s->nattrs; i++)
		if (str_caseeq_cstr(name, s->attrs[i].name))
			return &s->attrs[i];
	return NULL;
}

/* One schema level: the top of the resource (top set), or one
 * extension's object. Members no schema knows are kept unless the client
 * listed what it wants. */
static void
apply_level(const struct projection *p, const struct schema_rtype *rt,
    const struct schema *s, int top, struct json_value *obj)
{
	size_t i, w = 0;

	for (i = 0; i < obj->u.object.len; i++) {
		struct json_member *m = &obj->u.object.members[i];
		const struct schema_attr *a = NULL;
		const struct schema *owner;
		size_t j;
		int k = p == NULL || p->mode != PROJ_INCLUDE;

		if (top && str_caseeq_cstr(m->key, "schemas")) {
			k = 1;
		} else if (top && (a = schema_common_attr(m->key)) != NULL) {
			/* The core URN covers the common attributes too. */
			k = apply_attr(
			    p, NULL, schema_hit(p, rt->core), a, m->value);
		} else if ((a = find_in(s, m->key)) != NULL) {
			k = apply_attr(p, s, schema_hit(p, s), a, m->value);
		} else if (top) {
			for (j = 0; j < rt->nexts; j++) {
				owner = rt->exts[j].schema;
				if (!str_caseeq_cstr(m->key, owner->id) ||
				    m->value->type != JSON_OBJECT)
					continue;
				apply_level(p, rt, owner, 0, m->value);
				k = m->value->u.object.len > 0;
			}
		}
		if (k)
			obj->u.object.members[w++] = *m;
	}
	obj->u.object.len = w;
}

int
projection_wants(
    const struct projection *p, const struct schema_rtype *rt, struct str name)
{
	struct filter_attrpath path = {STR_NULL, name, STR_NULL};
	const struct schema *owner = NULL;
	const struct schema_attr *sub = NULL;
	const struct schema_attr *a = schema_resolve(rt, &path, &owner, &sub);

	if (a == NULL)
		return p == NULL || p->mode != PROJ_INCLUDE;
	return keep(p, a, attr_hit(p, owner, a),
	    schema_hit(p, owner != NULL ? owner : rt->core));
}

void
projection_apply(const struct projection *p, const struct schema_rtype *rt,
    struct json_value *resource)
{
	if (resource == NULL || resource->type != JSON_OBJECT)
		return;
	apply_level(p, rt, rt->core, 1, resource);
}
