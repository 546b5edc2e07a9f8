/*
 * Applying PATCH operations to a copy of a resource (RFC 7644 §3.5.2.1-3;
 * the rules and the compatibility choices are listed in patch_apply.h).
 * Operations run in order on one working copy, each on the result of
 * the one before; the first failure stops everything, and since the
 * stored resource is never touched, nothing of a failed request remains
 * (§3.5.2: a PATCH is atomic).
 *
 * New values are checked by type as they go in, through validate.h on
 * a small resource holding only the attribute, so a detail can name
 * the operation; the caller validates the whole result afterwards.
 * This file dispatches and handles single-valued attributes and
 * extensions; patch_multi.c handles multi-valued attributes.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scim/detail.h"
#include "scim/patch_int.h"
#include "scim/validate.h"

int
patch_apply_fail(struct papply *p, int code, const char *fmt, ...)
{
	char msg[SCIM_ERR_DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return scim_err_set(
	    p->err, code, "Operations[%zu]: %s: %s", p->idx, p->where, msg);
}

/* The attribute's name for details: URN-qualified in an extension. */
const char *
patch_apply_label(struct papply *p, const struct patch_path *pp,
    const struct schema_attr *sub)
{
	return arena_printf(p->a, "%s%s%s%s%s",
	    pp->ext != NULL ? pp->ext->id : "", pp->ext != NULL ? ":" : "",
	    pp->attr->name, sub != NULL ? "." : "",
	    sub != NULL ? sub->name : "");
}

/* Equal as the schema compares: ASCII case-insensitively for strings
 * that are not caseExact. */
int
patch_apply_same(const struct schema_attr *a, const struct json_value *x,
    const struct json_value *y)
{
	if (x == NULL || y == NULL)
		return x == y;
	if (a != NULL && !a->case_exact && x->type == JSON_STRING &&
	    y->type == JSON_STRING)
		return str_caseeq(x->u.string, y->u.string);
	return json_equal(x, y);
}

/* ------------------------------------------------- the attribute's slot */

/* The object holding pp's attribute: the resource, or the extension
 * object (RFC 7643 §3.3), created when create is set. */
static struct json_value *
holder(struct papply *p, const struct patch_path *pp, int create)
{
	struct json_value *h;

	if (pp->ext == NULL)
		return p->res;
	h = json_object_get_cstr(p->res, pp->ext->id);
	if ((h == NULL || h->type != JSON_OBJECT) && create) {
		h = json_object(p->a);
		json_object_set_cstr(p->a, p->res, pp->ext->id, h);
	}
	return h != NULL && h->type == JSON_OBJECT ? h : NULL;
}

/* The attribute's value; NULL when unassigned (absent or null). */
struct json_value *
patch_apply_get(struct papply *p, const struct patch_path *pp)
{
	struct json_value *v =
	    json_object_get_cstr(holder(p, pp, 0), pp->attr->name);

	return v != NULL && v->type != JSON_NULL ? v : NULL;
}

/* Sets the attribute, or unassigns it when v is NULL (an emptied
 * extension object goes too). */
void
patch_apply_set(
    struct papply *p, const struct patch_path *pp, struct json_value *v)
{
	struct json_value *h = holder(p, pp, v != NULL);

	if (v != NULL) {
		json_object_set_cstr(p->a, h, pp->attr->name, v);
		return;
	}
	if (h == NULL)
		return;
	json_object_remove(h, str_from(pp->attr->name));
	if (pp->ext != NULL && h->u.object.len == 0)
		json_object_remove(p->res, str_from(pp->ext->id));
}

/* ------------------------------------------------------------ values */

/*
 * Checks v as the whole value of pp's attribute through validate.h, on
 * a resource holding only it, and sets *out to the normalised value
 * (NULL when nothing is left: nulls, [] and empty objects unassign).
 */
int
patch_apply_normalize(struct papply *p, const struct patch_path *pp,
    struct json_value *v, struct json_value **out)
{
	struct json_value *w = json_object(p->a), *schemas = json_array(p->a);
	struct json_value *h = w;
	struct validate_opts vo = {
	    .mode = VALIDATE_REPLACE, .bool_strings = p->o->bool_strings};
	struct scim_err e;
	int rc;

	json_array_append(p->a, schemas, json_cstring(p->a, p->rt->core->id));
	json_object_set_cstr(p->a, w, "schemas", schemas);
	if (pp->ext != NULL) {
		json_array_append(
		    p->a, schemas, json_cstring(p->a, pp->ext->id));
		h = json_object(p->a);
		json_object_set_cstr(p->a, w, pp->ext->id, h);
	}
	json_object_set_cstr(p->a, h, pp->attr->name, v);
	scim_err_clear(&e);
	rc = validate_resource(p->a, p->rt, w, &vo, &e);
	if (rc != 0)
		return patch_apply_fail(p, rc, "%s", e.detail);
	if (pp->ext != NULL)
		h = json_object_get_cstr(w, pp->ext->id);
	*out = json_object_get_cstr(h, pp->attr->name);
	return 0;
}

/* A string for a complex attribute with a `value` sub-attribute means
 * {"value": string} (Entra ID sends manager as a bare id). A copy. */
struct json_value *
patch_apply_coerce(
    struct papply *p, const struct schema_attr *t, const struct json_value *v)
{
	struct json_value *o;

	if (t->type != FILTER_T_COMPLEX || v->type != JSON_STRING ||
	    schema_sub(t, STR_LIT("value")) == NULL)
		return json_clone(p->a, v);
	o = json_object(p->a);
	json_object_set_cstr(p->a, o, "value", json_clone(p->a, v));
	return o;
}

/* readOnly sub-attributes are the server's: a changed value keeps
 * the stored ones (validation drops what a client sends). */
void
patch_apply_keep_read_only_subs(struct papply *p, const struct schema_attr *t,
    const struct json_value *old, struct json_value *n)
{
	const struct json_value *ov;
	size_t i;

	for (i = 0; old != NULL && n != NULL && i < t->nsubs; i++) {
		if (t->subs[i].mutability != SCHEMA_MUT_READ_ONLY)
			continue;
		ov = json_object_get_cstr(old, t->subs[i].name);
		if (ov != NULL)
			json_object_set_cstr(
			    p->a, n, t->subs[i].name, json_clone(p->a, ov));
	}
}

/* ------------------------------------------------------------ checks */

static int
is_read_only(const struct patch_path *pp)
{
	return pp->attr != NULL &&
	    (pp->attr->mutability == SCHEMA_MUT_READ_ONLY ||
		(pp->sub != NULL &&
		    pp->sub->mutability == SCHEMA_MUT_READ_ONLY));
}

int
patch_apply_fail_immutable(struct papply *p, const struct patch_path *pp,
    const struct schema_attr *sub)
{
	return patch_apply_fail(p, SCIM_E_MUTABILITY,
	    "attribute '%s' is immutable and already has a value",
	    patch_apply_label(p, pp, sub));
}

int
patch_apply_fail_required(struct papply *p, const struct patch_path *pp,
    const struct schema_attr *sub)
{
	return patch_apply_fail(p, SCIM_E_MUTABILITY,
	    "attribute '%s' is required and cannot be removed",
	    patch_apply_label(p, pp, sub));
}

/* §3.5.2: an immutable attribute may only get a value it lacks. */
int
patch_apply_check_immutable(struct papply *p, const struct patch_path *pp,
    const struct json_value *old, const struct json_value *n)
{
	if (pp->attr->mutability == SCHEMA_MUT_IMMUTABLE && old != NULL &&
	    !patch_apply_same(pp->attr, old, n))
		return patch_apply_fail_immutable(p, pp, NULL);
	return 0;
}

/* The same for the sub-attributes of one complex value. */
int
patch_apply_check_immutable_subs(struct papply *p, const struct patch_path *pp,
    const struct json_value *old, const struct json_value *n)
{
	const struct schema_attr *t = pp->attr, *s;
	const struct json_value *ov;
	size_t i;

	for (i = 0; old != NULL && i < t->nsubs; i++) {
		s = &t->subs[i];
		ov = json_object_get_cstr(old, s->name);
		if (s->mutability == SCHEMA_MUT_IMMUTABLE && ov != NULL &&
		    ov->type != JSON_NULL &&
		    !patch_apply_same(s, ov, json_object_get_cstr(n, s->name)))
			return patch_apply_fail_immutable(p, pp, s);
	}
	return 0;
}

/* The attribute becomes unassigned (§3.5.2.2). */
int
patch_apply_unassign(struct papply *p, const struct patch_path *pp)
{
	if (patch_apply_get(p, pp) == NULL)
		return 0;
	if (pp->attr->required)
		return patch_apply_fail_required(p, pp, NULL);
	if (pp->attr->mutability == SCHEMA_MUT_IMMUTABLE)
		return patch_apply_fail_immutable(p, pp, NULL);
	patch_apply_set(p, pp, NULL);
	return 0;
}

/* ----------------------------------------------------------- matching */

/* ------------------------------------------------------------ remove */

/* remove on attr.sub of a single-valued complex attribute. */
static int
remove_sub(struct papply *p, const struct patch_path *pp)
{
	struct json_value *obj = patch_apply_get(p, pp);
	const struct schema_attr *s = pp->sub;

	if (obj == NULL || obj->type != JSON_OBJECT ||
	    json_object_get_cstr(obj, s->name) == NULL)
		return 0;
	if (s->required)
		return patch_apply_fail_required(p, pp, s);
	if (s->mutability == SCHEMA_MUT_IMMUTABLE ||
	    pp->attr->mutability == SCHEMA_MUT_IMMUTABLE)
		return patch_apply_fail_immutable(p, pp, s);
	json_object_remove(obj, str_from(s->name));
	return obj->u.object.len == 0 ? patch_apply_unassign(p, pp) : 0;
}

/* remove on an extension's URN: the whole extension object. */
static int
remove_ext(struct papply *p, const struct patch_path *pp)
{
	size_t i;

	for (i = 0; i < p->rt->nexts; i++)
		if (p->rt->exts[i].schema == pp->ext && p->rt->exts[i].required)
			return patch_apply_fail(p, SCIM_E_MUTABILITY,
			    "extension %s is required and cannot be removed",
			    pp->ext->id);
	json_object_remove(p->res, str_from(pp->ext->id));
	return 0;
}

static int
do_remove(
    struct papply *p, const struct patch_path *pp, const struct json_value *v)
{
	if (pp->attr == NULL)
		return remove_ext(p, pp);
	if (pp->attr->multi_valued && (pp->filter != NULL || pp->sub != NULL))
		return patch_multi_remove_elements(p, pp);
	if (pp->sub != NULL)
		return remove_sub(p, pp);
	if (pp->attr->multi_valued && v != NULL && v->type != JSON_NULL)
		return patch_multi_remove_listed(p, pp, v);
	return patch_apply_unassign(p, pp);
}

/* ------------------------------------------------ add and replace */

/* A single-valued simple attribute. */
static int
set_simple(
    struct papply *p, const struct patch_path *pp, const struct json_value *v)
{
	struct json_value *n;
	int rc;

	rc = patch_apply_normalize(p, pp, json_clone(p->a, v), &n);
	if (rc == 0 && n == NULL)
		rc = patch_apply_unassign(p, pp);
	else if (rc == 0 &&
	    (rc = patch_apply_check_immutable(
		 p, pp, patch_apply_get(p, pp), n)) == 0)
		patch_apply_set(p, pp, n);
	return rc;
}

/* Merges the members of v into a copy of old (a null member removes). */
struct json_value *
patch_apply_merge(
    struct papply *p, const struct json_value *old, const struct json_value *v)
{
	struct json_value *m =
	    old != NULL ? json_clone(p->a, old) : json_object(p->a);
	const struct json_member *x;
	size_t i;

	for (i = 0; i < v->u.object.len; i++) {
		x = &v->u.object.members[i];
		if (x->value->type == JSON_NULL)
			json_object_remove(m, x->key);
		else
			json_object_set(
			    p->a, m, x->key, json_clone(p->a, x->value));
	}
	return m;
}

int
patch_apply_fail_not_object(struct papply *p, const struct patch_path *pp)
{
	return patch_apply_fail(p, SCIM_E_INVALID_VALUE,
	    "attribute '%s' is complex: the value must be an object of its "
	    "sub-attributes",
	    patch_apply_label(p, pp, NULL));
}

/* A single-valued complex attribute: v's sub-attributes are merged in
 * (§3.5.2.3: those not given are left unchanged). */
static int
set_complex(
    struct papply *p, const struct patch_path *pp, const struct json_value *v)
{
	struct json_value *old = patch_apply_get(p, pp), *n;
	int rc;

	if (v->type != JSON_OBJECT)
		return patch_apply_fail_not_object(p, pp);
	if (old != NULL && old->type != JSON_OBJECT)
		old = NULL;
	rc = patch_apply_normalize(p, pp, patch_apply_merge(p, old, v), &n);
	if (rc != 0)
		return rc;
	if (n == NULL)
		return patch_apply_unassign(p, pp);
	patch_apply_keep_read_only_subs(p, pp->attr, old, n);
	rc = patch_apply_check_immutable(p, pp, old, n);
	if (rc == 0)
		rc = patch_apply_check_immutable_subs(p, pp, old, n);
	if (rc == 0)
		patch_apply_set(p, pp, n);
	return rc;
}

static int apply_key(struct papply *p, enum patch_opcode op, struct str key,
    const struct json_value *v);

/* add or replace on an extension's URN: each member as its own
 * operation on <urn>:<member>. */
static int
set_ext(struct papply *p, enum patch_opcode op, const struct patch_path *pp,
    const struct json_value *v)
{
	const struct json_member *m;
	size_t i;
	int rc = 0;

	if (v->type != JSON_OBJECT)
		return patch_apply_fail(p, SCIM_E_INVALID_VALUE,
		    "the value of extension %s must be an object", pp->ext->id);
	for (i = 0; i < v->u.object.len && rc == 0; i++) {
		m = &v->u.object.members[i];
		rc = apply_key(p, op,
		    str_from(arena_printf(
			p->a, "%s:%.*s", pp->ext->id, STR_FMT(m->key))),
		    m->value);
	}
	return rc;
}

static int
do_set(struct papply *p, enum patch_opcode op, const struct patch_path *pp,
    const struct json_value *v)
{
	const struct schema_attr *t = pp->attr;
	struct json_value *o;

	if (t == NULL)
		return set_ext(p, op, pp, v);
	if (t->multi_valued && (pp->filter != NULL || pp->sub != NULL))
		return patch_multi_set_elements(p, op, pp, v);
	if (t->multi_valued)
		return op == PATCH_ADD ? patch_multi_add(p, pp, v)
				       : patch_multi_replace(p, pp, v);
	if (t->type != FILTER_T_COMPLEX)
		return set_simple(p, pp, v);
	if (pp->sub == NULL)
		return set_complex(p, pp, patch_apply_coerce(p, t, v));
	o = json_object(p->a);
	json_object_set_cstr(p->a, o, pp->sub->name, json_clone(p->a, v));
	return set_complex(p, pp, o);
}

/* ---------------------------------------------------------- dispatch */

static int
apply_path(struct papply *p, enum patch_opcode op, const struct patch_path *pp,
    const struct json_value *v)
{
	if (is_read_only(pp))
		return patch_apply_fail(p, SCIM_E_MUTABILITY,
		    "attribute '%s' is readOnly",
		    patch_apply_label(p, pp, pp->sub));
	if (op == PATCH_REMOVE)
		return do_remove(p, pp, v);
	if (v->type == JSON_NULL) /* RFC 7643 §2.5: null is unassigned */
		return do_remove(p, pp, NULL);
	return do_set(p, op, pp, v);
}

/* One key of a no-path value, applied as an operation on that path;
 * readOnly attributes and `schemas` are ignored (RFC 7644 §3.5.1). */
static int
apply_key(struct papply *p, enum patch_opcode op, struct str key,
    const struct json_value *v)
{
	const char *saved = p->where;
	struct patch_path pp;
	struct scim_err e;
	int rc;

	if (str_caseeq_cstr(key, "schemas"))
		return 0;
	p->where =
	    arena_printf(p->a, "value key '%.*s'", STR_FMT(detail_quote(key)));
	scim_err_clear(&e);
	rc = patch_path_parse(p->a, p->rt, key, 0, &pp, &e);
	if (rc != 0)
		rc = patch_apply_fail(p, rc, "%s", e.detail);
	else if (!is_read_only(&pp))
		rc = apply_path(p, op, &pp, v);
	p->where = saved;
	return rc;
}

static int
apply_no_path(
    struct papply *p, enum patch_opcode op, const struct json_value *v)
{
	size_t i;
	int rc = 0;

	if (v->type != JSON_OBJECT)
		return patch_apply_fail(p, SCIM_E_INVALID_VALUE,
		    "without a path, the value must be an object of "
		    "attributes");
	for (i = 0; i < v->u.object.len && rc == 0; i++)
		rc = apply_key(p, op, v->u.object.members[i].key,
		    v->u.object.members[i].value);
	return rc;
}

/* `schemas` follows the extension objects (RFC 7644 §3.5.2). */
static void
fix_schemas(struct papply *p, const struct json_value *cur)
{
	struct json_value *s = json_object_get_cstr(p->res, "schemas"), *x;
	const char *id;
	size_t i, j, w;

	if (s == NULL || s->type != JSON_ARRAY)
		return;
	for (i = 0; i < p->rt->nexts; i++) {
		id = p->rt->exts[i].schema->id;
		x = json_object_get_cstr(p->res, id);
		if (x != NULL && x->type == JSON_OBJECT &&
		    x->u.object.len > 0) {
			for (j = 0; j < s->u.array.len; j++)
				if (s->u.array.items[j]->type == JSON_STRING &&
				    str_caseeq_cstr(
					s->u.array.items[j]->u.string, id))
					break;
			if (j == s->u.array.len)
				json_array_append(
				    p->a, s, json_cstring(p->a, id));
			continue;
		}
		if (json_object_get_cstr(cur, id) == NULL)
			continue; /* listed without data before: left alone */
		for (w = 0, j = 0; j < s->u.array.len; j++)
			if (s->u.array.items[j]->type != JSON_STRING ||
			    !str_caseeq_cstr(s->u.array.items[j]->u.string, id))
				s->u.array.items[w++] = s->u.array.items[j];
		s->u.array.len = w;
	}
}

int
patch_apply(struct arena *a, const struct schema_rtype *rt,
    const struct patch_req *req, const struct json_value *cur,
    const struct patch_opts *opts, struct json_value **out,
    struct scim_err *err)
{
	struct papply p = {.a = a, .rt = rt, .o = opts, .err = err};
	const struct patch_op *op;
	int rc = 0;

	*out = NULL;
	p.res = json_clone(a, cur);
	for (p.idx = 0; p.idx < req->nops && rc == 0; p.idx++) {
		op = &req->ops[p.idx];
		if (!op->has_path) {
			p.where = "no path";
			rc = apply_no_path(&p, op->op, op->value);
			continue;
		}
		p.where = arena_printf(
		    a, "path '%.*s'", STR_FMT(detail_quote(op->path.text)));
		rc = apply_path(&p, op->op, &op->path, op->value);
	}
	if (rc == 0) {
		fix_schemas(&p, cur);
		*out = p.res;
	}
	return rc;
}
