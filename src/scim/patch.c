/*
 * Reading a PatchOp message and its paths (RFC 7644 §3.5.2); see
 * patch.h for the accepted forms and the errors. Everything is checked
 * here, before a write transaction starts, so that a malformed request
 * costs no store work; patch_apply.c deals with values.
 */
#include "config.h"

#include <string.h>

#include "scim/detail.h"
#include "scim/patch.h"

#define OPS_KEY "Operations"

const char *
patch_opcode_name(enum patch_opcode op)
{
	switch (op) {
	case PATCH_ADD:
		return "add";
	case PATCH_REPLACE:
		return "replace";
	case PATCH_REMOVE:
		return "remove";
	}
	return "?";
}

/* ------------------------------------------------------------ paths */

/* Index of the ']' closing the '[' at open, skipping quoted strings;
 * 0 if there is none. */
static size_t
closing_bracket(struct str s, size_t open)
{
	size_t i;
	int quoted = 0;

	for (i = open + 1; i < s.len; i++) {
		char c = s.ptr[i];

		if (quoted && c == '\\')
			i++;
		else if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == ']')
			return i;
	}
	return 0;
}

static int
bad_path(struct str text, const char *why, struct scim_err *err)
{
	return scim_err_set(err, SCIM_E_INVALID_PATH, "path '%.*s' %s",
	    STR_FMT(detail_quote(text)), why);
}

/*
 * Resolver for value filters: the schema's, plus one rule for
 * multi-valued attributes of simple values, whose elements a filter
 * compares as `value` (RFC 7644 §3.5.2.2): the attribute itself reads
 * as complex and attr.value as the attribute's own type.
 */
static int
path_resolve(
    void *ctx, const struct filter_attrpath *p, struct filter_attrinfo *info)
{
	const struct schema_rtype *rt = ctx;
	struct filter_attrpath top = {p->urn, p->attr, STR_NULL};
	const struct schema_attr *a, *sub;
	const struct schema *owner;

	a = schema_resolve(rt, &top, &owner, &sub);
	if (a == NULL || !a->multi_valued || a->type == FILTER_T_COMPLEX)
		return schema_filter_resolve(ctx, p, info);
	if (p->sub.len > 0 && !str_caseeq_cstr(p->sub, "value"))
		return -1;
	info->type = p->sub.len == 0 ? FILTER_T_COMPLEX : a->type;
	info->case_exact = a->case_exact;
	info->multi_valued = 1;
	info->sub_multi = 0;
	info->ext_urn =
	    owner != NULL && owner != rt->core ? str_from(owner->id) : STR_NULL;
	return 0;
}

/* Elements of simple values are tested as themselves: drop the `value`
 * that path_resolve let through. */
static void
strip_value_subs(struct filter_node *n)
{
	if (n == NULL)
		return;
	if (n->op == FILTER_AND || n->op == FILTER_OR || n->op == FILTER_NOT) {
		strip_value_subs(n->left);
		strip_value_subs(n->right);
		return;
	}
	n->path.sub = STR_NULL;
}

/* attr[filter] at the start of text (close is the ']'): parses and binds
 * the filter, and fills the attribute path in *ap. */
static int
parse_value_filter(struct arena *a, const struct schema_rtype *rt,
    struct str text, size_t close, struct filter_attrpath *ap,
    struct filter_node **out, struct scim_err *err)
{
	struct filter_node *n = NULL;
	int rc;

	rc = filter_parse(a, str_make(text.ptr, close + 1), &n, err);
	if (rc == 0 && (n->op != FILTER_VALUEPATH || n->path.sub.len > 0))
		rc = bad_path(
		    text, "is not attr[filter] or attr[filter].sub", err);
	if (rc == 0)
		rc = filter_bind(n, path_resolve, (void *)rt, err);
	if (rc == 0) {
		*ap = n->path;
		*out = n;
	}
	return rc;
}

/* The path names an extension object (its URN alone). */
static const struct schema *
ext_by_urn(const struct schema_rtype *rt, struct str text)
{
	size_t i;

	for (i = 0; i < rt->nexts; i++)
		if (str_caseeq_cstr(text, rt->exts[i].schema->id))
			return rt->exts[i].schema;
	return NULL;
}

/* Splits text into the attribute path and, for a value filter, the
 * bound filter and the trailing sub-attribute. */
static int
split_path(struct arena *a, const struct schema_rtype *rt, struct str text,
    int allow_filter, struct filter_attrpath *ap, struct filter_node **filter,
    struct scim_err *err)
{
	const char *open = memchr(text.ptr, '[', text.len);
	size_t close, o;
	struct str tail;
	int rc;

	*filter = NULL;
	if (open == NULL) {
		if (filter_path_split(text, ap) != 0)
			return bad_path(text, "is malformed", err);
		return 0;
	}
	o = (size_t)(open - text.ptr);
	if (!allow_filter)
		return bad_path(text, "may not hold a filter here", err);
	close = closing_bracket(text, o);
	if (close == 0)
		return bad_path(text, "has an unclosed '['", err);
	tail = str_make(text.ptr + close + 1, text.len - close - 1);
	if (tail.len > 0 &&
	    (tail.ptr[0] != '.' ||
		!filter_name_ok(str_make(tail.ptr + 1, tail.len - 1))))
		return bad_path(
		    text, "must end after ']' or with one .subAttribute", err);
	rc = parse_value_filter(a, rt, text, close, ap, filter, err);
	if (rc == 0 && tail.len > 0)
		ap->sub = str_make(tail.ptr + 1, tail.len - 1);
	return rc;
}

/* Shape rules once the attribute is known. */
static int
check_shape(const struct patch_path *pp, struct scim_err *err)
{
	const struct schema_attr *t = pp->attr;

	if (pp->filter != NULL && !t->multi_valued)
		return bad_path(pp->text,
		    "has a value filter, which needs a multi-valued "
		    "attribute",
		    err);
	if (pp->filter != NULL && pp->sub != NULL &&
	    t->type != FILTER_T_COMPLEX)
		return bad_path(
		    pp->text, "names a sub-attribute of simple values", err);
	return 0;
}

int
patch_path_parse(struct arena *a, const struct schema_rtype *rt,
    struct str text, int allow_filter, struct patch_path *out,
    struct scim_err *err)
{
	struct filter_attrpath ap;
	const struct schema *owner;
	int rc;

	memset(out, 0, sizeof(*out));
	out->text = text;
	if (text.len == 0)
		return bad_path(text, "is empty", err);
	if (text.len > PATCH_MAX_PATH)
		return scim_err_set(err, SCIM_E_INVALID_PATH,
		    "path is longer than %d bytes", PATCH_MAX_PATH);
	out->text = arena_str(a, text);
	if ((out->ext = ext_by_urn(rt, text)) != NULL)
		return 0;
	rc = split_path(a, rt, out->text, allow_filter, &ap, &out->filter, err);
	if (rc != 0)
		return rc;
	out->attr = schema_resolve(rt, &ap, &owner, &out->sub);
	if (out->attr == NULL)
		return scim_err_set(err, SCIM_E_INVALID_PATH,
		    "path '%.*s' names no attribute of resource type %s",
		    STR_FMT(detail_quote(text)), rt->name);
	out->ext = owner != NULL && owner != rt->core ? owner : NULL;
	if (out->filter != NULL && out->attr->multi_valued &&
	    out->attr->type != FILTER_T_COMPLEX)
		strip_value_subs(out->filter->left);
	return check_shape(out, err);
}

/* ------------------------------------------------------------ message */

/* err's detail with "Operations[i]: " in front. */
static int
op_fail(struct scim_err *err, size_t i, int rc)
{
	char inner[SCIM_ERR_DETAIL_MAX];

	memcpy(inner, err->detail, sizeof(inner));
	return scim_err_set(err, rc, "Operations[%zu]: %s", i, inner);
}

static int
parse_opname(const struct json_value *v, size_t i, enum patch_opcode *out,
    struct scim_err *err)
{
	static const enum patch_opcode all[] = {
	    PATCH_ADD, PATCH_REPLACE, PATCH_REMOVE};
	size_t k;

	if (v == NULL || v->type != JSON_STRING)
		return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "Operations[%zu]: 'op' must be a string: add, replace "
		    "or remove",
		    i);
	for (k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
		if (str_caseeq_cstr(v->u.string, patch_opcode_name(all[k]))) {
			*out = all[k];
			return 0;
		}
	}
	return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
	    "Operations[%zu]: op '%.*s' is not supported; SCIM PATCH has "
	    "add, replace and remove",
	    i, STR_FMT(detail_quote(v->u.string)));
}

/* Only op, path and value; each at most once (the JSON reader already
 * refuses case-variant duplicates). */
static int
check_op_keys(const struct json_value *o, size_t i, struct scim_err *err)
{
	size_t k;

	for (k = 0; k < o->u.object.len; k++) {
		struct str key = o->u.object.members[k].key;

		if (!str_caseeq_cstr(key, "op") &&
		    !str_caseeq_cstr(key, "path") &&
		    !str_caseeq_cstr(key, "value"))
			return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
			    "Operations[%zu]: unknown member '%.*s'; an "
			    "operation has op, path and value",
			    i, STR_FMT(detail_quote(key)));
	}
	return 0;
}

static int
parse_op(struct arena *a, const struct schema_rtype *rt,
    const struct json_value *o, size_t i, struct patch_op *op,
    struct scim_err *err)
{
	const struct json_value *path;
	int rc;

	if (o->type != JSON_OBJECT)
		return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "Operations[%zu] must be an object", i);
	if ((rc = check_op_keys(o, i, err)) != 0 ||
	    (rc = parse_opname(
		 json_object_get_cstr(o, "op"), i, &op->op, err)) != 0)
		return rc;
	path = json_object_get_cstr(o, "path");
	op->value = json_object_get_cstr(o, "value");
	if (path != NULL && path->type != JSON_NULL &&
	    path->type != JSON_STRING)
		return scim_err_set(err, SCIM_E_INVALID_PATH,
		    "Operations[%zu]: 'path' must be a string", i);
	op->has_path =
	    path != NULL && path->type == JSON_STRING && path->u.string.len > 0;
	if (op->op == PATCH_REMOVE && !op->has_path)
		return scim_err_set(err, SCIM_E_NO_TARGET,
		    "Operations[%zu]: remove needs a path (RFC 7644 "
		    "§3.5.2.2)",
		    i);
	if (op->op != PATCH_REMOVE && op->value == NULL)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "Operations[%zu]: %s needs a value", i,
		    patch_opcode_name(op->op));
	if (op->has_path &&
	    (rc = patch_path_parse(a, rt, path->u.string, 1, &op->path, err)) !=
		0)
		return op_fail(err, i, rc);
	return 0;
}

/* `schemas` must list the PatchOp URN and nothing else (RFC 7644
 * §3.5.2). */
static int
check_message_schemas(const struct json_value *s, struct scim_err *err)
{
	size_t i;
	int seen = 0;

	if (s == NULL || s->type != JSON_ARRAY)
		return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "'schemas' must be [\"%s\"]", PATCH_URN);
	for (i = 0; i < s->u.array.len; i++) {
		const struct json_value *u = s->u.array.items[i];

		if (u->type != JSON_STRING ||
		    !str_caseeq_cstr(u->u.string, PATCH_URN))
			return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
			    "'schemas' must be [\"%s\"]", PATCH_URN);
		seen = 1;
	}
	if (!seen)
		return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "'schemas' must be [\"%s\"]", PATCH_URN);
	return 0;
}

static int
check_message_keys(const struct json_value *body, struct scim_err *err)
{
	size_t k;

	for (k = 0; k < body->u.object.len; k++) {
		struct str key = body->u.object.members[k].key;

		if (!str_caseeq_cstr(key, "schemas") &&
		    !str_caseeq_cstr(key, OPS_KEY))
			return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
			    "unknown member '%.*s' in a PatchOp message; it "
			    "has schemas and Operations",
			    STR_FMT(detail_quote(key)));
	}
	return 0;
}

int
patch_parse(struct arena *a, const struct schema_rtype *rt,
    const struct json_value *body, struct patch_req **out, struct scim_err *err)
{
	const struct json_value *ops;
	struct patch_req *req;
	size_t i;
	int rc;

	*out = NULL;
	if (body == NULL || body->type != JSON_OBJECT) {
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "the body must be a PatchOp object");
		goto out;
	}
	rc = check_message_keys(body, err);
	if (rc == 0)
		rc = check_message_schemas(
		    json_object_get_cstr(body, "schemas"), err);
	if (rc != 0)
		goto out;
	ops = json_object_get_cstr(body, OPS_KEY);
	if (ops == NULL || ops->type != JSON_ARRAY || ops->u.array.len == 0 ||
	    ops->u.array.len > PATCH_MAX_OPS) {
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "'Operations' must be an array of 1 to %d operations",
		    PATCH_MAX_OPS);
		goto out;
	}
	req = arena_alloc(a, sizeof(*req));
	req->nops = ops->u.array.len;
	req->ops = arena_allocarray(a, req->nops, sizeof(*req->ops));
	for (i = 0; i < req->nops && rc == 0; i++)
		rc = parse_op(
		    a, rt, ops->u.array.items[i], i, &req->ops[i], err);
	if (rc == 0)
		*out = req;
out:
	return rc;
}
