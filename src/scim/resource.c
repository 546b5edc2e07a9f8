/*
 * The resource-type table and the default hooks; see resource.h. Adding
 * a type with rules of its own (Users, Groups, issuance rules) means one
 * more entry here and a file of hooks like credential.c.
 */
#include "config.h"

#include "scim/credential.h"
#include "scim/credential_type.h"
#include "scim/group.h"
#include "scim/population.h"
#include "scim/projection.h"
#include "scim/resource.h"
#include "scim/rule.h"
#include "scim/scim.h"
#include "scim/staged.h"
#include "scim/user.h"
#include "util/log.h"

static const struct resource_hooks *const table[] = {
    &credential_hooks,
    &credential_type_hooks,
    &user_hooks,
    &group_hooks,
    &population_hooks,
    &rule_hooks,
    &staged_hooks,
};

/* Plain RFC 7644 behaviour for a type without an entry. */
static const struct resource_hooks default_hooks = {
    .name = NULL,
    .prepare_create = NULL,
    .prepare_replace = resource_replace_default,
    .on_delete = NULL,
    .to_output = NULL,
};

static const struct resource_hooks *
hooks_for(struct str name)
{
	const struct resource_hooks *h = &default_hooks;
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (str_caseeq_cstr(name, table[i]->name))
			h = table[i];
	return h;
}

const struct resource_hooks *
resource_hooks_of(const struct schema_rtype *rt)
{
	return hooks_for(str_from(rt->name));
}

/* 1 if a filter term anywhere in n is about top-level attribute name. */
static int
filter_names(const struct filter_node *n, struct str name)
{
	if (n == NULL)
		return 0;
	switch (n->op) {
	case FILTER_AND:
	case FILTER_OR:
	case FILTER_NOT:
		return filter_names(n->left, name) ||
		    filter_names(n->right, name);
	default:
		return str_caseeq(n->path.attr, name);
	}
}

int
resource_wants(const struct resource_ctx *c, const char *name)
{
	if (c->matching)
		return filter_names(c->filter, str_from(name));
	return projection_wants(c->proj, c->rt, str_from(name));
}

struct json_value *
resource_ref(const struct resource_ctx *c, const char *type, struct str id)
{
	const struct schema_rtype *rt = NULL;
	const char *ep;

	if (c->root.len > 0 && c->scim != NULL)
		rt = schema_rtype_find(scim_registry(c->scim), str_from(type));
	if (rt == NULL)
		return NULL;
	ep = rt->endpoint[0] == '/' ? rt->endpoint + 1 : rt->endpoint;
	return json_cstring(c->arena,
	    arena_printf(
		c->arena, "%.*s/%s/%.*s", STR_FMT(c->root), ep, STR_FMT(id)));
}

int
resource_output_txn(
    const struct resource_ctx *c, struct store_txn **txn, int *own)
{
	int rc = 0;

	*own = 0;
	*txn = c->txn;
	if (*txn == NULL && (c->scim == NULL || scim_store(c->scim) == NULL))
		rc = SCIM_E_UNAVAILABLE;
	else if (*txn == NULL &&
	    (rc = store_read_begin(scim_store(c->scim), txn, NULL)) == 0)
		*own = 1;
	return rc;
}

int
resource_find(const struct schema_registry *reg, struct str name,
    struct resource_type *out, struct scim_err *err)
{
	int rc = 0;

	out->rt = schema_rtype_find(reg, name);
	out->hooks = hooks_for(name);
	if (out->rt == NULL)
		rc = scim_err_set(err, SCIM_E_NOT_FOUND,
		    "no resource type is served at this endpoint");
	return rc;
}

void
resource_check(const struct schema_registry *reg)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (schema_rtype_find(reg, str_from(table[i]->name)) == NULL)
			log_warn(
			    "resource type %s has rules but no ResourceType "
			    "in the schemas directory; it is not served",
			    table[i]->name);
}

/* Copies the readOnly attributes of one schema from src into dst. */
static void
keep_read_only(struct arena *a, const struct schema *sc,
    const struct json_value *src, struct json_value *dst)
{
	const struct json_value *v;
	size_t i;

	for (i = 0; i < sc->nattrs; i++) {
		if (sc->attrs[i].mutability != SCHEMA_MUT_READ_ONLY)
			continue;
		json_object_remove(dst, str_from(sc->attrs[i].name));
		v = json_object_get_cstr(src, sc->attrs[i].name);
		if (v != NULL)
			json_object_set_cstr(
			    a, dst, sc->attrs[i].name, json_clone(a, v));
	}
}

const struct schema_attr *
resource_attr(const struct schema_rtype *rt, struct str name)
{
	const struct schema_attr *a = schema_common_attr(name);
	size_t i;

	for (i = 0; a == NULL && i < rt->core->nattrs; i++)
		if (str_caseeq_cstr(name, rt->core->attrs[i].name))
			a = &rt->core->attrs[i];
	return a;
}

int
resource_replace_default(const struct resource_ctx *c,
    const struct resource_put *put, struct json_value **out,
    struct scim_err *err)
{
	const struct json_value *cur = put->cur;
	struct json_value *next = json_clone(c->arena, put->body), *ext;
	const struct schema *sc;
	size_t i;

	/* RFC 7644 §3.5.1: readOnly values in the body SHALL be ignored,
	 * so the stored ones stay, extension by extension. */
	keep_read_only(c->arena, c->rt->core, cur, next);
	for (i = 0; i < c->rt->nexts; i++) {
		sc = c->rt->exts[i].schema;
		ext = json_object_get_cstr(next, sc->id);
		if (ext != NULL && ext->type == JSON_OBJECT)
			keep_read_only(c->arena, sc,
			    json_object_get_cstr(cur, sc->id), ext);
	}
	*out = next;
	return 0;
}

struct resource_ctx
resource_ctx_in_txn(
    const struct resource_ctx *c, struct store_txn *txn, struct str tenant)
{
	struct resource_ctx in = *c;

	in.txn = txn;
	in.tenant = tenant;
	return in;
}

int
resource_in_txn(const struct resource_type *t, const struct resource_ctx *c,
    struct store_txn *txn, struct str tenant, const struct json_value *cur,
    struct json_value *next, struct scim_err *err)
{
	struct resource_ctx in;

	if (t->hooks->in_txn == NULL)
		return 0;
	in = resource_ctx_in_txn(c, txn, tenant);
	return t->hooks->in_txn(&in, cur, next, err);
}
