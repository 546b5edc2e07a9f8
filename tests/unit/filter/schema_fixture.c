/*
 * Fixture schemas and resolver for the filter tests and fuzzer (see
 * schema_fixture.h). Resolution follows what the scim layer promises:
 * common attributes, then the core schema, then the extension; a URN
 * picks the schema, and extension attributes carry ext_urn.
 */
#include <stdio.h>
#include <stdlib.h>

#include "schema_fixture.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SUBS(a) (a), N(a)

static const struct fixture_attr meta_subs[] = {
    {"resourceType", FILTER_T_STRING, 0, 1, NULL, 0},
    {"created", FILTER_T_DATETIME, 0, 0, NULL, 0},
    {"lastModified", FILTER_T_DATETIME, 0, 0, NULL, 0},
    {"location", FILTER_T_REFERENCE, 0, 1, NULL, 0},
    {"version", FILTER_T_STRING, 0, 1, NULL, 0},
};

/* RFC 7643 §3.1: id and externalId are caseExact. */
static const struct fixture_attr common_attrs[] = {
    {"id", FILTER_T_STRING, 0, 1, NULL, 0},
    {"externalId", FILTER_T_STRING, 0, 1, NULL, 0},
    {"meta", FILTER_T_COMPLEX, 0, 0, SUBS(meta_subs)},
};

static const struct fixture_schema common_schema = {
    NULL, common_attrs, N(common_attrs)};

static const struct fixture_attr status_subs[] = {
    {"status", FILTER_T_STRING, 0, 0, NULL, 0},
    {"active", FILTER_T_BOOLEAN, 0, 0, NULL, 0},
    {"expiryDate", FILTER_T_DATETIME, 0, 0, NULL, 0},
    {"startDate", FILTER_T_DATETIME, 0, 0, NULL, 0},
};

static const struct fixture_attr cattr_subs[] = {
    {"name", FILTER_T_STRING, 0, 1, NULL, 0},
    {"type", FILTER_T_STRING, 0, 0, NULL, 0},
    {"value", FILTER_T_STRING, 0, 0, NULL, 0},
    {"readOnly", FILTER_T_BOOLEAN, 0, 0, NULL, 0},
};

static const struct fixture_attr owner_subs[] = {
    {"value", FILTER_T_STRING, 0, 1, NULL, 0},
    {"$ref", FILTER_T_REFERENCE, 0, 1, NULL, 0},
    {"display", FILTER_T_STRING, 0, 0, NULL, 0},
};

static const struct fixture_attr key_subs[] = {
    {"value", FILTER_T_BINARY, 0, 1, NULL, 0},
    {"labels", FILTER_T_STRING, 1, 0, NULL, 0},
};

static const struct fixture_attr credential_attrs[] = {
    {"type", FILTER_T_STRING, 0, 0, NULL, 0},
    {"status", FILTER_T_COMPLEX, 0, 0, SUBS(status_subs)},
    {"attributes", FILTER_T_COMPLEX, 1, 0, SUBS(cattr_subs)},
    {"owner", FILTER_T_COMPLEX, 0, 0, SUBS(owner_subs)},
    {"totalUsed", FILTER_T_STRING, 0, 0, NULL, 0},
    {"usageCount", FILTER_T_INTEGER, 0, 0, NULL, 0},
    {"score", FILTER_T_DECIMAL, 0, 0, NULL, 0},
    {"certificate", FILTER_T_BINARY, 0, 0, NULL, 0},
    {"tags", FILTER_T_STRING, 1, 0, NULL, 0},
    {"keys", FILTER_T_COMPLEX, 1, 0, SUBS(key_subs)},
    {"not", FILTER_T_STRING, 0, 0, NULL, 0},
};

static const struct fixture_schema credential_schema = {
    FIXTURE_CREDENTIAL_URN, credential_attrs, N(credential_attrs)};

static const struct fixture_attr name_subs[] = {
    {"givenName", FILTER_T_STRING, 0, 0, NULL, 0},
    {"familyName", FILTER_T_STRING, 0, 0, NULL, 0},
};

static const struct fixture_attr email_subs[] = {
    {"value", FILTER_T_STRING, 0, 0, NULL, 0},
    {"type", FILTER_T_STRING, 0, 0, NULL, 0},
    {"primary", FILTER_T_BOOLEAN, 0, 0, NULL, 0},
};

static const struct fixture_attr user_attrs[] = {
    {"userName", FILTER_T_STRING, 0, 0, NULL, 0},
    {"nickName", FILTER_T_STRING, 0, 0, NULL, 0},
    {"name", FILTER_T_COMPLEX, 0, 0, SUBS(name_subs)},
    {"emails", FILTER_T_COMPLEX, 1, 0, SUBS(email_subs)},
    {"active", FILTER_T_BOOLEAN, 0, 0, NULL, 0},
    {"loginCount", FILTER_T_INTEGER, 0, 0, NULL, 0},
    {"weight", FILTER_T_DECIMAL, 0, 0, NULL, 0},
    {"lastLogin", FILTER_T_DATETIME, 0, 0, NULL, 0},
};

static const struct fixture_schema user_schema = {
    FIXTURE_USER_URN, user_attrs, N(user_attrs)};

static const struct fixture_attr manager_subs[] = {
    {"value", FILTER_T_STRING, 0, 0, NULL, 0},
    {"$ref", FILTER_T_REFERENCE, 0, 1, NULL, 0},
    {"displayName", FILTER_T_STRING, 0, 0, NULL, 0},
};

static const struct fixture_attr enterprise_attrs[] = {
    {"employeeNumber", FILTER_T_STRING, 0, 0, NULL, 0},
    {"costCenter", FILTER_T_STRING, 0, 0, NULL, 0},
    {"manager", FILTER_T_COMPLEX, 0, 0, SUBS(manager_subs)},
};

static const struct fixture_schema enterprise_schema = {
    FIXTURE_ENTERPRISE_URN, enterprise_attrs, N(enterprise_attrs)};

const struct fixture_rtype fixture_credential = {&credential_schema, NULL};
const struct fixture_rtype fixture_user = {&user_schema, &enterprise_schema};

static const struct fixture_attr *
find(const struct fixture_attr *attrs, size_t n, struct str name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (str_caseeq_cstr(name, attrs[i].name))
			return &attrs[i];
	return NULL;
}

/* Fills info from schema s; 0 or -1. */
static int
resolve_in(const struct fixture_schema *s, int is_ext,
    const struct filter_attrpath *p, struct filter_attrinfo *info)
{
	const struct fixture_attr *a = find(s->attrs, s->nattrs, p->attr);
	const struct fixture_attr *sub = NULL;

	if (a == NULL)
		return -1;
	if (p->sub.len > 0) {
		if (a->type != FILTER_T_COMPLEX)
			return -1;
		if ((sub = find(a->subs, a->nsubs, p->sub)) == NULL)
			return -1;
	}
	*info = (struct filter_attrinfo){0};
	info->type = sub != NULL ? sub->type : a->type;
	info->case_exact = sub != NULL ? sub->case_exact : a->case_exact;
	info->multi_valued = a->multi_valued;
	info->sub_multi = sub != NULL ? sub->multi_valued : 0;
	if (is_ext)
		info->ext_urn = str_from(s->urn);
	return 0;
}

int
fixture_resolve(
    void *ctx, const struct filter_attrpath *p, struct filter_attrinfo *info)
{
	const struct fixture_rtype *rt = ctx;

	if (p->urn.len > 0) {
		if (str_caseeq_cstr(p->urn, rt->core->urn))
			return resolve_in(&common_schema, 0, p, info) == 0
			    ? 0
			    : resolve_in(rt->core, 0, p, info);
		if (rt->ext != NULL && str_caseeq_cstr(p->urn, rt->ext->urn))
			return resolve_in(rt->ext, 1, p, info);
		return -1;
	}
	if (resolve_in(&common_schema, 0, p, info) == 0 ||
	    resolve_in(rt->core, 0, p, info) == 0)
		return 0;
	if (rt->ext != NULL)
		return resolve_in(rt->ext, 1, p, info);
	return -1;
}

int
fixture_compile(struct arena *a, const struct fixture_rtype *rt,
    const char *text, struct filter_node **out, struct scim_err *err)
{
	int rc;

	scim_err_clear(err);
	rc = filter_parse(a, str_from(text), out, err);
	if (rc == 0)
		rc = filter_bind(*out, fixture_resolve, (void *)rt, err);
	return rc;
}

struct json_value *
fixture_json(struct arena *a, const char *text)
{
	struct json_value *v = NULL;
	struct scim_err err;

	if (json_parse(a, text, strlen(text), &json_limits_default, &v, &err) !=
	    0) {
		fprintf(stderr, "fixture_json: %s\n", err.detail);
		abort();
	}
	return v;
}

static void
render_path(const struct filter_attrpath *p, struct buf *out)
{
	if (p->urn.len > 0)
		buf_printf(out, "%.*s:", STR_FMT(p->urn));
	buf_append_str(out, p->attr);
	if (p->sub.len > 0)
		buf_printf(out, ".%.*s", STR_FMT(p->sub));
}

void
fixture_render(const struct filter_node *n, struct buf *out)
{
	if (n == NULL) {
		buf_append_cstr(out, "NULL");
		return;
	}
	buf_putc(out, '(');
	switch (n->op) {
	case FILTER_AND:
	case FILTER_OR:
		buf_printf(out, "%s ", filter_op_name(n->op));
		fixture_render(n->left, out);
		buf_putc(out, ' ');
		fixture_render(n->right, out);
		break;
	case FILTER_NOT:
		buf_append_cstr(out, "not ");
		fixture_render(n->left, out);
		break;
	case FILTER_VALUEPATH:
		render_path(&n->path, out);
		buf_append_cstr(out, "[] ");
		fixture_render(n->left, out);
		break;
	default:
		buf_printf(out, "%s ", filter_op_name(n->op));
		render_path(&n->path, out);
		if (n->value != NULL) {
			buf_putc(out, ' ');
			json_write(n->value, out);
		}
		break;
	}
	buf_putc(out, ')');
}
