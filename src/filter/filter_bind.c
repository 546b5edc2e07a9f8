/*
 * Binding a parsed filter to the schema: every attribute path is resolved
 * through the caller's resolver, and each comparison is checked against
 * the attribute's type (RFC 7643 §2.3) and the operator rules of RFC 7644
 * §3.4.2.2, so that filter_match never meets a question it cannot answer
 * and clients get a 400 invalidFilter instead of silently empty results.
 */
#include <stdio.h>

#include "filter/filter.h"
#include "util/date.h"

struct binder {
	filter_resolve_fn resolve;
	void *ctx;
	struct scim_err *err;
};

static const char *
type_name(enum filter_type t)
{
	static const char *const names[] = {
	    [FILTER_T_UNKNOWN] = "unknown",
	    [FILTER_T_STRING] = "string",
	    [FILTER_T_BOOLEAN] = "boolean",
	    [FILTER_T_DECIMAL] = "decimal",
	    [FILTER_T_INTEGER] = "integer",
	    [FILTER_T_DATETIME] = "dateTime",
	    [FILTER_T_BINARY] = "binary",
	    [FILTER_T_REFERENCE] = "reference",
	    [FILTER_T_COMPLEX] = "complex",
	};

	if ((unsigned)t >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[t];
}

/* The path as written, for details: attribute paths hold only
 * [A-Za-z0-9:._$-], so naming one echoes nothing dangerous. */
static const char *
path_text(char *out, size_t outsz, const struct filter_attrpath *p)
{
	snprintf(out, outsz, "%.*s%s%.*s%s%.*s", STR_FMT(p->urn),
	    p->urn.len > 0 ? ":" : "", STR_FMT(p->attr),
	    p->sub.len > 0 ? "." : "", STR_FMT(p->sub));
	return out;
}

/*
 * Operator rules (RFC 7644 §3.4.2.2): gt/ge/lt/le on boolean or binary
 * "SHALL cause a failed response"; co/sw/ew are substring operators, so
 * only strings and references take them; null (RFC 7643 §2.5, the
 * unassigned state) only makes sense with eq/ne.
 */
static int
check_op(struct binder *b, const struct filter_node *n, const char *path)
{
	enum filter_type t = n->info.type;
	const char *op = filter_op_name(n->op);

	switch (n->op) {
	case FILTER_GT:
	case FILTER_GE:
	case FILTER_LT:
	case FILTER_LE:
		if (t == FILTER_T_BOOLEAN || t == FILTER_T_BINARY ||
		    t == FILTER_T_COMPLEX)
			goto bad;
		break;
	case FILTER_CO:
	case FILTER_SW:
	case FILTER_EW:
		if (t != FILTER_T_STRING && t != FILTER_T_REFERENCE)
			goto bad;
		break;
	default:
		break;
	}
	if (n->value->type == JSON_NULL && n->op != FILTER_EQ &&
	    n->op != FILTER_NE)
		return scim_err_set(b->err, SCIM_E_INVALID_FILTER,
		    "null can only be compared with eq or ne (attribute "
		    "'%s')",
		    path);
	return 0;
bad:
	return scim_err_set(b->err, SCIM_E_INVALID_FILTER,
	    "operator '%s' cannot be used on %s attribute '%s'", op,
	    type_name(t), path);
}

/* The literal must have the attribute's type; dateTime literals are
 * parsed once here (value_ms) so matching never re-parses them. */
static int
check_literal(struct binder *b, struct filter_node *n, const char *path)
{
	const struct json_value *v = n->value;
	enum filter_type t = n->info.type;
	int ok;

	if (v->type == JSON_NULL)
		return 0;
	switch (t) {
	case FILTER_T_STRING:
	case FILTER_T_REFERENCE:
	case FILTER_T_BINARY:
		ok = v->type == JSON_STRING;
		break;
	case FILTER_T_BOOLEAN:
		ok = v->type == JSON_BOOL;
		break;
	case FILTER_T_INTEGER:
	case FILTER_T_DECIMAL:
		ok = v->type == JSON_INT || v->type == JSON_DOUBLE;
		break;
	case FILTER_T_DATETIME:
		if (v->type != JSON_STRING)
			ok = 0;
		else if (date_parse(v->u.string, &n->value_ms) != 0)
			return scim_err_set(b->err, SCIM_E_INVALID_FILTER,
			    "'%s' is a dateTime; the value is not an ISO "
			    "8601 date-time with offset",
			    path);
		else
			ok = 1;
		break;
	default:
		ok = 0;
		break;
	}
	if (!ok)
		return scim_err_set(b->err, SCIM_E_INVALID_FILTER,
		    "'%s' is %s %s attribute; the value has the wrong type",
		    path, t == FILTER_T_INTEGER ? "an" : "a", type_name(t));
	return 0;
}

/*
 * RFC 7644 §3.4.2.2 wants a sub-attribute for complex attributes; like
 * most servers (and RFC 7643 §2.4's "value" convention) we read a
 * comparison on a complex attribute that has a "value" sub-attribute as a
 * comparison on it: `manager eq "42"` is `manager.value eq "42"`.
 */
static int
complex_default(struct binder *b, struct filter_node *n, const char *path)
{
	struct filter_attrpath vp = n->path;
	struct filter_attrinfo info;

	vp.sub = STR_LIT("value");
	if (b->resolve(b->ctx, &vp, &info) != 0 ||
	    info.type == FILTER_T_COMPLEX)
		return scim_err_set(b->err, SCIM_E_INVALID_FILTER,
		    "'%s' is a complex attribute; name one of its "
		    "sub-attributes",
		    path);
	n->path = vp;
	n->info = info;
	return 0;
}

static int
bind_term(struct binder *b, struct filter_node *n)
{
	char path[FILTER_MAX_PATH * 2 + 8];
	int rc;

	path_text(path, sizeof(path), &n->path);
	if (b->resolve(b->ctx, &n->path, &n->info) != 0 ||
	    n->info.type == FILTER_T_UNKNOWN)
		return scim_err_set(b->err, SCIM_E_INVALID_FILTER,
		    "unknown attribute '%s' in filter", path);
	if (n->op == FILTER_PR)
		return 0;
	if (n->value == NULL)
		return scim_err_set(b->err, SCIM_E_INVALID_FILTER,
		    "no value to compare '%s' with", path);
	if (n->info.type == FILTER_T_COMPLEX && n->value->type != JSON_NULL) {
		if ((rc = complex_default(b, n, path)) != 0)
			return rc;
	}
	if ((rc = check_op(b, n, path)) != 0)
		return rc;
	return check_literal(b, n, path);
}

static int
bind_valuepath(struct binder *b, struct filter_node *n)
{
	char path[FILTER_MAX_PATH * 2 + 8];

	path_text(path, sizeof(path), &n->path);
	if (b->resolve(b->ctx, &n->path, &n->info) != 0)
		return scim_err_set(b->err, SCIM_E_INVALID_FILTER,
		    "unknown attribute '%s' in filter", path);
	if (n->info.type != FILTER_T_COMPLEX)
		return scim_err_set(b->err, SCIM_E_INVALID_FILTER,
		    "'%s' is not a complex attribute; a value filter "
		    "needs one",
		    path);
	return 0;
}

static int
bind_node(struct binder *b, struct filter_node *n)
{
	int rc = 0;

	if (n == NULL)
		return scim_err_set(
		    b->err, SCIM_E_INVALID_FILTER, "empty filter");
	switch (n->op) {
	case FILTER_AND:
	case FILTER_OR:
		rc = bind_node(b, n->left);
		if (rc == 0)
			rc = bind_node(b, n->right);
		break;
	case FILTER_NOT:
		rc = bind_node(b, n->left);
		break;
	case FILTER_VALUEPATH:
		rc = bind_valuepath(b, n);
		if (rc == 0)
			rc = bind_node(b, n->left);
		break;
	default:
		rc = bind_term(b, n);
		break;
	}
	if (rc == 0)
		n->bound = 1;
	return rc;
}

int
filter_bind(struct filter_node *root, filter_resolve_fn resolve, void *ctx,
    struct scim_err *err)
{
	struct binder b = {resolve, ctx, err};

	return bind_node(&b, root);
}
