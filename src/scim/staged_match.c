/*
 * Matching a User against a rule and computing sourced attribute values;
 * see staged_match.h.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scim/group.h"
#include "scim/staged_match.h"
#include "scim/user.h"

static struct str
str_of(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

/* ----------------------------------------------------------------- plan */

static int
bind_sources(const struct resource_ctx *c, struct staged_plan *p)
{
	const struct credential_type_def *d;
	struct filter_node *n;
	size_t i;

	p->src = arena_allocarray(c->arena, p->type.ndefs + 1, sizeof(*p->src));
	for (i = 0; i < p->type.ndefs; i++) {
		d = &p->type.defs[i];
		if (d->source.len == 0 || p->user_rt == NULL)
			continue;
		/* Checked when the type was written; a source the schemas no
		 * longer resolve is left out rather than failing every write. */
		if (filter_parse(c->arena,
			str_from(arena_printf(
			    c->arena, "%.*s pr", STR_FMT(d->source))),
			&n, NULL) != 0 ||
		    n->op != FILTER_PR ||
		    filter_bind(n, schema_filter_resolve, (void *)p->user_rt,
			NULL) != 0)
			continue;
		p->src[p->nsrc].def = d;
		p->src[p->nsrc].path = n;
		p->nsrc++;
	}
	return 0;
}

int
staged_plan_make(const struct resource_ctx *c, const struct rule *r,
    struct staged_plan *p, struct scim_err *err)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->r = r;
	p->user_rt = schema_rtype_find(c->rt->reg, STR_LIT("User"));
	rc = credential_type_load(
	    c->txn, c->arena, c->tenant, r->ctype, &p->type, err);
	if (rc == SCIM_E_NOT_FOUND)
		return 0;
	if (rc != 0)
		return rc;
	p->type_ok = p->type.mode == CREDENTIAL_TYPE_AUTOMATED;
	return p->type_ok ? bind_sources(c, p) : 0;
}

/* ------------------------------------------------------------- matching */

static int
seen(const struct str *list, size_t n, struct str id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (str_eq(list[i], id))
			return 1;
	return 0;
}

struct up {
	struct arena *a;
	struct staged_subject *u;
	size_t cap;
};

static int
up_push(void *arg, struct str to, struct str val)
{
	struct up *w = arg;
	struct staged_subject *u = w->u;

	(void)val;
	if (u->ngroups >= STAGED_MATCH_GROUPS ||
	    seen(u->groups, u->ngroups, to))
		return 0;
	if (u->ngroups == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		u->groups = arena_realloc(w->a, u->groups,
		    u->ngroups * sizeof(*u->groups),
		    w->cap * sizeof(*u->groups));
	}
	u->groups[u->ngroups++] = arena_str(w->a, to);
	return 0;
}

/* Every Group the User is in, directly or through nesting: a walk up
 * the "memberOf" edges, each Group once (nesting has no cycles, but a
 * damaged store cannot loop this either). */
static int
user_groups(const struct resource_ctx *c, struct staged_subject *u,
    struct scim_err *err)
{
	struct up w = {.a = c->arena, .u = u};
	size_t k;
	int rc;

	u->have_groups = 1;
	rc = store_edge_each(
	    c->txn, c->tenant, STR_LIT(GROUP_EDGE_OF), u->id, up_push, &w, err);
	for (k = 0; rc == 0 && k < u->ngroups; k++)
		rc = store_edge_each(c->txn, c->tenant, STR_LIT(GROUP_EDGE_OF),
		    u->groups[k], up_push, &w, err);
	return rc;
}

/* The User as a filter sees it: a copy completed with the computed
 * attributes the filter names (user.h's to_output). */
static int
scim_match(const struct resource_ctx *c, const struct staged_plan *p,
    const struct staged_subject *u)
{
	struct json_value *copy = json_clone(c->arena, u->user);
	struct resource_ctx m = *c;

	m.rt = p->user_rt;
	m.root = STR_NULL;
	m.matching = 1;
	m.filter = p->r->scim;
	if (user_hooks.to_output != NULL)
		user_hooks.to_output(&m, copy);
	return filter_match(p->r->scim, copy);
}

int
staged_matches(const struct resource_ctx *c, const struct staged_plan *p,
    struct staged_subject *u, int *match, struct scim_err *err)
{
	const struct json_value *pop;
	size_t i;
	int rc = 0;

	*match = 0;
	if (u->user == NULL || p->user_rt == NULL)
		return 0;
	switch (p->r->by) {
	case RULE_BY_GROUP:
		if (!u->have_groups)
			rc = user_groups(c, u, err);
		for (i = 0; rc == 0 && i < p->r->nids && !*match; i++)
			*match = seen(u->groups, u->ngroups, p->r->ids[i]);
		break;
	case RULE_BY_POPULATION:
		pop = json_object_get_cstr(
		    json_object_get_cstr(u->user, USER_EXT_URN), "population");
		*match = seen(p->r->ids, p->r->nids, str_of(pop, "value"));
		break;
	case RULE_BY_SCIM:
		*match = scim_match(c, p, u);
		break;
	}
	return rc;
}

/* -------------------------------------------------------------- sources */

/* A multi-valued attribute's primary value, else its first. */
static const struct json_value *
pick(const struct json_value *v)
{
	const struct json_value *p;
	size_t i;

	if (v == NULL || v->type != JSON_ARRAY)
		return v;
	for (i = 0; i < v->u.array.len; i++) {
		p = json_object_get_cstr(v->u.array.items[i], "primary");
		if (p != NULL && p->type == JSON_BOOL && p->u.boolean)
			return v->u.array.items[i];
	}
	return v->u.array.len > 0 ? v->u.array.items[0] : NULL;
}

/* The User's value at a bound path, as text. */
static int
source_text(struct arena *a, const struct filter_node *n,
    const struct json_value *user, struct str *out)
{
	const struct json_value *v = user;

	if (n->info.ext_urn.len > 0)
		v = json_object_get(v, n->info.ext_urn);
	v = pick(json_object_get(v, n->path.attr));
	if (n->path.sub.len > 0)
		v = pick(json_object_get(v, n->path.sub));
	if (v == NULL)
		return 0;
	switch (v->type) {
	case JSON_STRING:
		*out = v->u.string;
		return v->u.string.len > 0;
	case JSON_INT:
		*out = str_from(arena_printf(a, "%" PRId64, v->u.integer));
		return 1;
	case JSON_BOOL:
		*out = str_from(v->u.boolean ? "true" : "false");
		return 1;
	case JSON_DOUBLE:
		*out = str_from(arena_printf(a, "%.17g", v->u.number));
		return 1;
	default:
		return 0;
	}
}

void
staged_want(struct arena *a, const struct staged_plan *p, size_t i,
    const struct json_value *user, struct str *v, int *has)
{
	const struct credential_type_def *d = p->src[i].def;
	struct str raw, canon;

	*has = source_text(a, p->src[i].path, user, &raw);
	if (*has) {
		*v = credential_attr_value(a, d->type, raw, "", &canon, NULL) ==
			0
		    ? canon
		    : raw;
		return;
	}
	*has = d->default_value.ptr != NULL;
	*v = d->default_value;
}

struct json_value *
staged_cred_attr(const struct json_value *cred, struct str name)
{
	const struct json_value *l = json_object_get_cstr(cred, "attributes");
	size_t i;

	for (i = 0; l != NULL && l->type == JSON_ARRAY && i < l->u.array.len;
	     i++)
		if (str_eq(str_of(l->u.array.items[i], "name"), name))
			return l->u.array.items[i];
	return NULL;
}

int
staged_differs(struct arena *a, const struct staged_plan *p,
    const struct json_value *user, const struct json_value *cred)
{
	const struct json_value *e;
	struct str want, have;
	size_t i;
	int has;

	for (i = 0; i < p->nsrc; i++) {
		staged_want(a, p, i, user, &want, &has);
		e = staged_cred_attr(cred, p->src[i].def->name);
		have = str_of(e, "value");
		if (has != (have.ptr != NULL) || (has && !str_eq(want, have)))
			return 1;
	}
	return 0;
}
