/*
 * Generic validation of a client's resource body against the schemas of
 * its resource type (see validate.h for the rules). The body is changed
 * in place so that what gets stored is normalised: attribute names in the
 * schema's spelling, canonical values in their canonical spelling,
 * dateTimes in UTC, readOnly attributes gone.
 *
 * Error codes follow the scimType table of RFC 7644 §3.12:
 *  - invalidSyntax when the structure does not fit the schema: an unknown
 *    attribute, an object where an array belongs or the reverse, a
 *    complex attribute that is not an object;
 *  - invalidValue when a value is wrong for its attribute: a wrong scalar
 *    type or format, a value outside canonicalValues, a required value
 *    missing, an unknown schema URN;
 *  - mutability when a replace changes an immutable attribute.
 *
 * A multi-valued attribute sent as a single object is refused, not
 * wrapped: RFC 7643 §2.4 says multi-valued attributes are JSON arrays,
 * and guessing would hide a client's mistake. A null value, and an empty
 * array, are the same as an unassigned attribute (RFC 7643 §2.5) and are
 * removed; a complex value left empty once readOnly sub-attributes are
 * dropped is removed too.
 */
#include <stdio.h>
#include <string.h>

#include "scim/validate.h"
#include "util/buf.h"
#include "util/date.h"

#define NAME_ECHO_MAX 64 /* bytes of a client's attribute name in errors */

struct vctx {
	struct arena *a;
	const struct schema_rtype *rt;
	const struct validate_opts *o;
	struct scim_err *err;
};

/*
 * An attribute's name for error details ("emails.value",
 * "urn:...:User:manager.value"), formatted only when a detail is
 * written: a PATCH of a large Group validates every member value, and
 * formatting "members.value" for each cost a quarter of its time.
 */
struct label {
	const struct label *up; /* the enclosing complex attribute, or NULL */
	const char *prefix; /* top level: "" or an extension URN and ':' */
	const char *name;
};

static const char *
label_text(struct vctx *c, const struct label *l)
{
	if (l->up == NULL)
		return arena_printf(c->a, "%s%s", l->prefix, l->name);
	return arena_printf(c->a, "%s.%s", label_text(c, l->up), l->name);
}

/* A printable, bounded copy of a client-supplied name for an error
 * detail: never echo control bytes or unbounded input. */
static const char *
echo(struct vctx *c, struct str s)
{
	size_t n = s.len < NAME_ECHO_MAX ? s.len : NAME_ECHO_MAX, i;
	char *out = arena_alloc(c->a, n + 4);

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s.ptr[i];

		out[i] =
		    (ch > 0x20 && ch < 0x7f && ch != '\'') ? (char)ch : '?';
	}
	if (n < s.len)
		memcpy(out + n, "...", 3);
	return out;
}

static int
is_base64(struct str s)
{
	size_t i, pad = 0;

	if (s.len % 4 != 0)
		return 0;
	for (i = 0; i < s.len; i++) {
		char ch = s.ptr[i];

		if (ch == '=') {
			pad++;
			continue;
		}
		if (pad > 0)
			return 0;
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			(ch >= '0' && ch <= '9') || ch == '+' || ch == '/'))
			return 0;
	}
	return pad <= 2;
}

/* RFC 7643 §7 canonicalValues: compared case-insensitively unless the
 * attribute is caseExact, and rewritten to the schema's spelling. */
static int
check_canonical(struct vctx *c, const struct schema_attr *a,
    const struct label *label, struct json_value *v)
{
	struct buf list;
	size_t i;
	int rc;

	for (i = 0; i < a->ncanonical; i++) {
		struct str cv = str_from(a->canonical[i]);

		if (a->case_exact ? str_eq(v->u.string, cv)
				  : str_caseeq(v->u.string, cv)) {
			v->u.string = arena_str(c->a, cv);
			return 0;
		}
	}
	buf_init(&list);
	for (i = 0; i < a->ncanonical; i++)
		buf_printf(&list, "%s%s", i > 0 ? ", " : "", a->canonical[i]);
	rc = scim_err_set(c->err, SCIM_E_INVALID_VALUE,
	    "attribute '%s' must be one of %s", label_text(c, label),
	    buf_cstr(&list));
	buf_free(&list);
	return rc;
}

static int check_value(struct vctx *c, const struct schema_attr *a,
    const struct label *label, struct json_value **vp, int *keep);

/* Sub-attributes of one complex value (RFC 7643 §2.3.8). */
static int
check_complex(struct vctx *c, const struct schema_attr *a,
    const struct label *label, struct json_value *obj, int *keep)
{
	struct label sub = {.up = label};
	size_t i, w = 0;
	int rc = 0, k;

	if (obj->type != JSON_OBJECT)
		return scim_err_set(c->err, SCIM_E_INVALID_SYNTAX,
		    "attribute '%s' must be a JSON object",
		    label_text(c, label));
	for (i = 0; i < obj->u.object.len; i++) {
		struct json_member *m = &obj->u.object.members[i];
		const struct schema_attr *s = schema_sub(a, m->key);

		if (s == NULL)
			return scim_err_set(c->err, SCIM_E_INVALID_SYNTAX,
			    "unknown attribute '%s.%s' for resource type %s",
			    label_text(c, label), echo(c, m->key), c->rt->name);
		/* The schema's spelling; the registry outlives the request,
		 * so the name is borrowed, not copied per value. */
		m->key = str_from(s->name);
		sub.name = s->name;
		rc = check_value(c, s, &sub, &m->value, &k);
		if (rc != 0)
			return rc;
		if (k)
			obj->u.object.members[w++] = *m;
	}
	obj->u.object.len = w;
	/* Required sub-attributes, in every mode: a complex value is sent
	 * whole, so a missing part is a broken value. */
	for (i = 0; i < a->nsubs; i++)
		if (a->subs[i].required &&
		    a->subs[i].mutability != SCHEMA_MUT_READ_ONLY &&
		    json_object_get_cstr(obj, a->subs[i].name) == NULL)
			return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
			    "attribute '%s.%s' is required",
			    label_text(c, label), a->subs[i].name);
	*keep = w > 0;
	return 0;
}

/* One value of the attribute's type (RFC 7643 §2.3). */
static int
check_single(struct vctx *c, const struct schema_attr *a,
    const struct label *label, struct json_value **vp, int *keep)
{
	struct json_value *v = *vp;
	char buf[DATE_BUFSZ];
	int64_t ms;

	*keep = 1;
	if (a->type == FILTER_T_COMPLEX)
		return check_complex(c, a, label, v, keep);
	if (a->type == FILTER_T_BOOLEAN && v->type == JSON_STRING &&
	    c->o->bool_strings) {
		/* Entra ID sends "True"/"False" (validate_opts). */
		if (str_caseeq_cstr(v->u.string, "true"))
			*vp = json_bool(c->a, 1);
		else if (str_caseeq_cstr(v->u.string, "false"))
			*vp = json_bool(c->a, 0);
		v = *vp;
	}
	switch (a->type) {
	case FILTER_T_BOOLEAN:
		if (v->type == JSON_BOOL)
			return 0;
		return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
		    "attribute '%s' must be true or false",
		    label_text(c, label));
	case FILTER_T_INTEGER:
		if (v->type == JSON_INT)
			return 0;
		return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
		    "attribute '%s' must be an integer", label_text(c, label));
	case FILTER_T_DECIMAL:
		if (v->type == JSON_INT || v->type == JSON_DOUBLE)
			return 0;
		return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
		    "attribute '%s' must be a number", label_text(c, label));
	default:
		break;
	}
	if (v->type != JSON_STRING)
		return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
		    "attribute '%s' must be a %s", label_text(c, label),
		    a->type == FILTER_T_DATETIME
			? "dateTime string such as 2025-01-31T12:00:00Z"
			: a->type == FILTER_T_REFERENCE ? "string holding a URI"
			: a->type == FILTER_T_BINARY	? "base64 string"
							: "string");
	switch (a->type) {
	case FILTER_T_DATETIME:
		/* Stored and returned in UTC, so comparisons are plain. */
		if (date_parse(v->u.string, &ms) != 0)
			return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
			    "attribute '%s' must be a dateTime string such as "
			    "2025-01-31T12:00:00Z",
			    label_text(c, label));
		v->u.string =
		    arena_str(c->a, str_make(buf, date_format(ms, buf)));
		return 0;
	case FILTER_T_BINARY:
		if (is_base64(v->u.string))
			return 0;
		return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
		    "attribute '%s' must be a base64 string",
		    label_text(c, label));
	case FILTER_T_STRING:
		if (a->canonical != NULL)
			return check_canonical(c, a, label, v);
		return 0;
	default:
		return 0;
	}
}

/* One attribute's value, single or multi-valued (RFC 7643 §2.4). */
static int
check_value(struct vctx *c, const struct schema_attr *a,
    const struct label *label, struct json_value **vp, int *keep)
{
	struct json_value *v = *vp;
	size_t i, w = 0;
	int rc, k;

	*keep = 0;
	/* RFC 7644 §3.3: readOnly values sent by a client SHALL be ignored. */
	if (a->mutability == SCHEMA_MUT_READ_ONLY || v->type == JSON_NULL)
		return 0;
	if (!a->multi_valued) {
		if (v->type == JSON_ARRAY)
			return scim_err_set(c->err, SCIM_E_INVALID_SYNTAX,
			    "attribute '%s' is single-valued and must not be "
			    "an array",
			    label_text(c, label));
		return check_single(c, a, label, vp, keep);
	}
	if (v->type != JSON_ARRAY)
		return scim_err_set(c->err, SCIM_E_INVALID_SYNTAX,
		    "attribute '%s' is multi-valued and must be an array",
		    label_text(c, label));
	for (i = 0; i < v->u.array.len; i++) {
		if (v->u.array.items[i]->type == JSON_NULL ||
		    v->u.array.items[i]->type == JSON_ARRAY)
			return scim_err_set(c->err, SCIM_E_INVALID_SYNTAX,
			    "attribute '%s' must not hold null or nested "
			    "arrays",
			    label_text(c, label));
		rc = check_single(c, a, label, &v->u.array.items[i], &k);
		if (rc != 0)
			return rc;
		if (k)
			v->u.array.items[w++] = v->u.array.items[i];
	}
	v->u.array.len = w;
	*keep = w > 0;
	return 0;
}

static const struct schema_ext *
find_ext(const struct schema_rtype *rt, struct str urn)
{
	size_t i;

	for (i = 0; i < rt->nexts; i++)
		if (str_caseeq_cstr(urn, rt->exts[i].schema->id))
			return &rt->exts[i];
	return NULL;
}

/* Keys at the top level that are not attributes of the core schema:
 * `schemas`, extension objects, and (when lenient) unknown URN keys. */
static int
top_level_other(struct vctx *c, struct str key)
{
	return str_caseeq_cstr(key, "schemas") ||
	    find_ext(c->rt, key) != NULL ||
	    (c->o->lenient_schemas &&
		str_case_has_prefix(key, STR_LIT("urn:")));
}

/* The attributes of one schema, at the top level (top set: common and
 * core attributes) or inside an extension object (RFC 7643 §3.3). */
static int
check_members(struct vctx *c, struct json_value *obj, const struct schema *s,
    int top, const char *prefix)
{
	size_t i, w = 0;
	int rc, k;

	for (i = 0; i < obj->u.object.len; i++) {
		struct json_member *m = &obj->u.object.members[i];
		const struct schema_attr *a = NULL;
		size_t j;

		if (top)
			a = schema_common_attr(m->key);
		for (j = 0; j < s->nattrs && a == NULL; j++)
			if (str_caseeq_cstr(m->key, s->attrs[j].name))
				a = &s->attrs[j];
		if (a == NULL && top && top_level_other(c, m->key)) {
			obj->u.object.members[w++] = *m;
			continue;
		}
		if (a == NULL)
			return scim_err_set(c->err, SCIM_E_INVALID_SYNTAX,
			    "unknown attribute '%s%s' for resource type %s",
			    prefix, echo(c, m->key), c->rt->name);
		m->key = str_from(a->name); /* borrowed, see check_complex */
		rc = check_value(c, a,
		    &(struct label){.prefix = prefix, .name = a->name},
		    &m->value, &k);
		if (rc != 0)
			return rc;
		if (k)
			obj->u.object.members[w++] = *m;
	}
	obj->u.object.len = w;
	return 0;
}

static int
listed(const struct json_value *schemas, size_t n, const char *urn)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (str_eq_cstr(schemas->u.array.items[i]->u.string, urn))
			return 1;
	return 0;
}

/* RFC 7643 §3: `schemas` lists the core schema and any extensions. URNs
 * are rewritten to the registry's spelling and duplicates dropped. */
static int
check_schemas(struct vctx *c, struct json_value *body)
{
	struct json_value *v = NULL;
	size_t i, n, w = 0;

	for (i = 0; i < body->u.object.len && v == NULL; i++) {
		struct json_member *m = &body->u.object.members[i];

		if (str_caseeq_cstr(m->key, "schemas")) {
			m->key = STR_LIT("schemas");
			v = m->value;
		}
	}
	if (v == NULL || v->type == JSON_NULL)
		return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
		    "'schemas' is required and must list %s", c->rt->core->id);
	if (v->type != JSON_ARRAY)
		return scim_err_set(c->err, SCIM_E_INVALID_SYNTAX,
		    "'schemas' must be an array of strings");
	n = v->u.array.len;
	for (i = 0; i < n; i++) {
		struct json_value *u = v->u.array.items[i];
		const struct schema_ext *e;
		const char *urn = NULL;

		if (u->type != JSON_STRING)
			return scim_err_set(c->err, SCIM_E_INVALID_SYNTAX,
			    "'schemas' must be an array of strings");
		if (str_caseeq_cstr(u->u.string, c->rt->core->id))
			urn = c->rt->core->id;
		else if ((e = find_ext(c->rt, u->u.string)) != NULL)
			urn = e->schema->id;
		else if (!c->o->lenient_schemas)
			return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
			    "unknown schema '%s' for resource type %s",
			    echo(c, u->u.string), c->rt->name);
		if (urn == NULL || listed(v, w, urn))
			continue;
		u->u.string = arena_str(c->a, str_from(urn));
		v->u.array.items[w++] = u;
	}
	v->u.array.len = w;
	if (!listed(v, w, c->rt->core->id))
		return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
		    "'schemas' must include %s", c->rt->core->id);
	return 0;
}

/* Extension objects keyed by their URN. One present but missing from
 * `schemas` is added there; unknown URN keys (lenient only) are dropped
 * like their URNs. */
static int
check_exts(struct vctx *c, struct json_value *body)
{
	struct json_value *schemas = json_object_get_cstr(body, "schemas");
	size_t i, w = 0;
	int rc;

	for (i = 0; i < body->u.object.len; i++) {
		struct json_member *m = &body->u.object.members[i];
		const struct schema_ext *e = find_ext(c->rt, m->key);

		if (e == NULL) {
			if (!str_case_has_prefix(m->key, STR_LIT("urn:")))
				body->u.object.members[w++] = *m;
			continue;
		}
		if (m->value->type == JSON_NULL)
			continue;
		if (m->value->type != JSON_OBJECT)
			return scim_err_set(c->err, SCIM_E_INVALID_SYNTAX,
			    "extension '%s' must be a JSON object",
			    e->schema->id);
		m->key = arena_str(c->a, str_from(e->schema->id));
		rc = check_members(c, m->value, e->schema, 0,
		    arena_printf(c->a, "%s:", e->schema->id));
		if (rc != 0)
			return rc;
		if (m->value->u.object.len == 0)
			continue;
		body->u.object.members[w++] = *m;
		if (!listed(schemas, schemas->u.array.len, e->schema->id))
			json_array_append(
			    c->a, schemas, json_cstring(c->a, e->schema->id));
	}
	body->u.object.len = w;
	return 0;
}

/* Required attributes of one schema level (RFC 7643 §2.2). readOnly ones
 * are the server's to set. */
static int
check_required(struct vctx *c, const struct json_value *obj,
    const struct schema *s, const char *prefix)
{
	size_t i;

	for (i = 0; i < s->nattrs; i++)
		if (s->attrs[i].required &&
		    s->attrs[i].mutability != SCHEMA_MUT_READ_ONLY &&
		    json_object_get_cstr(obj, s->attrs[i].name) == NULL)
			return scim_err_set(c->err, SCIM_E_INVALID_VALUE,
			    "attribute '%s%s' is required", prefix,
			    s->attrs[i].name);
	return 0;
}

static int
check_create(struct vctx *c, const struct json_value *body)
{
	size_t i;
	int rc;

	rc = check_required(c, body, c->rt->core, "");
	for (i = 0; i < c->rt->nexts && rc == 0; i++) {
		const struct schema *s = c->rt->exts[i].schema;
		const struct json_value *e = json_object_get_cstr(body, s->id);

		/* RFC 7643 §6: a required extension MUST be included. */
		if (e == NULL && c->rt->exts[i].required)
			rc = scim_err_set(c->err, SCIM_E_INVALID_VALUE,
			    "extension '%s' is required", s->id);
		else if (e != NULL)
			rc = check_required(
			    c, e, s, arena_printf(c->a, "%s:", s->id));
	}
	return rc;
}

/* Equal as the schema compares them: case-insensitively for strings
 * that are not caseExact, by sub-attribute for complex values. */
static int
same_value(const struct schema_attr *a, const struct json_value *x,
    const struct json_value *y)
{
	size_t i;

	if (a->type == FILTER_T_STRING && !a->case_exact && !a->multi_valued &&
	    x->type == JSON_STRING && y->type == JSON_STRING)
		return str_caseeq(x->u.string, y->u.string);
	if (a->type != FILTER_T_COMPLEX || a->multi_valued ||
	    x->type != JSON_OBJECT || y->type != JSON_OBJECT)
		return json_equal(x, y);
	for (i = 0; i < a->nsubs; i++) {
		const struct schema_attr *s = &a->subs[i];
		const struct json_value *xs, *ys;

		if (s->mutability == SCHEMA_MUT_READ_ONLY)
			continue; /* stripped from x, kept in y */
		xs = json_object_get_cstr(x, s->name);
		ys = json_object_get_cstr(y, s->name);
		if ((xs == NULL) != (ys == NULL) ||
		    (xs != NULL && !same_value(s, xs, ys)))
			return 0;
	}
	return 1;
}

/*
 * RFC 7644 §3.5.1: an immutable attribute that already has a value must
 * be sent unchanged (or left out). Checked for top-level attributes and
 * for sub-attributes of single-valued complex ones; immutable parts of
 * multi-valued complex values have no stable identity to compare by.
 */
static int
check_immutable(struct vctx *c, const struct json_value *body,
    const struct json_value *cur, const struct schema *s, const char *prefix)
{
	size_t i, j;

	for (i = 0; i < s->nattrs; i++) {
		const struct schema_attr *a = &s->attrs[i];
		const struct json_value *x =
		    json_object_get_cstr(body, a->name);
		const struct json_value *y = json_object_get_cstr(cur, a->name);

		if (x == NULL || y == NULL || y->type == JSON_NULL)
			continue;
		if (a->mutability == SCHEMA_MUT_IMMUTABLE &&
		    !same_value(a, x, y))
			return scim_err_set(c->err, SCIM_E_MUTABILITY,
			    "attribute '%s%s' is immutable and differs from the "
			    "stored value",
			    prefix, a->name);
		if (a->type != FILTER_T_COMPLEX || a->multi_valued)
			continue;
		for (j = 0; j < a->nsubs; j++) {
			const struct schema_attr *sa = &a->subs[j];
			const struct json_value *xs, *ys;

			xs = json_object_get_cstr(x, sa->name);
			ys = json_object_get_cstr(y, sa->name);
			if (sa->mutability == SCHEMA_MUT_IMMUTABLE &&
			    xs != NULL && ys != NULL && ys->type != JSON_NULL &&
			    !same_value(sa, xs, ys))
				return scim_err_set(c->err, SCIM_E_MUTABILITY,
				    "attribute '%s%s.%s' is immutable and "
				    "differs from the stored value",
				    prefix, a->name, sa->name);
		}
	}
	return 0;
}

static int
check_replace(struct vctx *c, const struct json_value *body)
{
	const struct json_value *cur = c->o->current;
	size_t i;
	int rc;

	if (cur == NULL)
		return 0;
	rc = check_immutable(c, body, cur, c->rt->core, "");
	for (i = 0; i < c->rt->nexts && rc == 0; i++) {
		const struct schema *s = c->rt->exts[i].schema;
		const struct json_value *x = json_object_get_cstr(body, s->id);
		const struct json_value *y = json_object_get_cstr(cur, s->id);

		if (x != NULL && y != NULL)
			rc = check_immutable(
			    c, x, y, s, arena_printf(c->a, "%s:", s->id));
	}
	return rc;
}

int
validate_resource(struct arena *a, const struct schema_rtype *rt,
    struct json_value *body, const struct validate_opts *opts,
    struct scim_err *err)
{
	struct vctx c = {.a = a, .rt = rt, .o = opts, .err = err};
	int rc;

	if (body == NULL || body->type != JSON_OBJECT) {
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "the resource must be a JSON object");
		goto out;
	}
	rc = check_schemas(&c, body);
	if (rc != 0)
		goto out;
	rc = check_members(&c, body, rt->core, 1, "");
	if (rc != 0)
		goto out;
	rc = check_exts(&c, body);
	if (rc != 0)
		goto out;
	if (opts->mode == VALIDATE_CREATE)
		rc = check_create(&c, body);
	else
		rc = check_replace(&c, body);
out:
	return rc;
}
