/*
 * `scimcred export`: see ndjson.h. One read transaction (a consistent
 * snapshot of the tenant); each resource is loaded with its type's load
 * hook (a Group's members live in edges) into a scratch arena, stripped
 * of returned "never" attributes, and written as one compact line.
 */
#include "config.h"

#include <string.h>

#include "scim/ndjson.h"
#include "scim/record.h"
#include "scim/resource.h"

/* Export order: referenced types before the types that name them. */
static const char *const export_order[] = {
    "Population",
    "User",
    "Group",
    "CredentialType",
    "Credential",
    "IssuanceRule",
};

int
ndjson_type_ok(struct str name)
{
	size_t i;

	for (i = 0; i < sizeof(export_order) / sizeof(export_order[0]); i++)
		if (str_eq_cstr(name, export_order[i]))
			return 1;
	return 0;
}

struct exporter {
	struct scim *s;
	struct store_txn *txn;
	struct str tenant;
	FILE *out;
	struct buf line;
};

/* Removes what RFC 7643 §7 `returned: never` keeps from every reader. */
static void
strip_never(const struct schema *sc, struct json_value *obj)
{
	size_t i;

	for (i = 0; obj != NULL && i < sc->nattrs; i++)
		if (sc->attrs[i].returned == SCHEMA_RET_NEVER)
			json_object_remove(obj, str_from(sc->attrs[i].name));
}

static int
write_one(struct exporter *x, const struct schema_rtype *rt, struct str id,
    struct scim_err *err)
{
	struct arena *a = arena_new();
	struct json_value *res;
	size_t i;
	int rc;

	rc = record_load(x->txn, a, x->tenant, rt, id, &res, err);
	if (rc != 0)
		goto out;
	strip_never(rt->core, res);
	for (i = 0; i < rt->nexts; i++)
		strip_never(rt->exts[i].schema,
		    json_object_get_cstr(res, rt->exts[i].schema->id));
	buf_reset(&x->line);
	if (json_write(res, &x->line) != 0) {
		rc = scim_err_set(err, SCIM_E_INTERNAL,
		    "%s %.*s could not be written", rt->name, STR_FMT(id));
		goto out;
	}
	buf_putc(&x->line, '\n');
	if (fwrite(x->line.data, 1, x->line.len, x->out) != x->line.len)
		rc = scim_err_set(err, SCIM_E_INTERNAL, "write error");
out:
	arena_free(a);
	return rc;
}

/* Every id of one type, copied into a (the iterator's are borrowed). */
static int
ids_of(struct exporter *x, struct arena *a, const struct schema_rtype *rt,
    struct str **ids, size_t *n, struct scim_err *err)
{
	struct store_iter *it = NULL;
	struct str id, val;
	size_t cap = 0;
	int rc, more;

	*ids = NULL;
	*n = 0;
	rc = store_iter_new(x->txn, x->tenant, str_from(rt->name), &it, err);
	while (rc == 0 && (more = store_iter_next(it, &id, &val)) == 0) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*ids = arena_realloc(
			    a, *ids, *n * sizeof(**ids), cap * sizeof(**ids));
		}
		(*ids)[(*n)++] = arena_str(a, id);
	}
	if (rc == 0 && more < 0)
		rc = scim_err_set(err, more, "the records could not be read");
	store_iter_free(it);
	return rc;
}

/* Groups: every group after the groups it contains (nested groups are
 * acyclic, group.h), so that import finds each member. state: 0 new,
 * 1 being written, 2 written. */
static int
write_group(struct exporter *x, const struct schema_rtype *rt, struct str *ids,
    unsigned char *state, size_t n, size_t i, int depth, struct scim_err *err)
{
	struct arena *a = arena_new();
	const struct json_value *members, *m, *v;
	struct json_value *res;
	size_t j, k;
	int rc;

	state[i] = 1;
	rc = record_load(x->txn, a, x->tenant, rt, ids[i], &res, err);
	members = rc == 0 ? json_object_get_cstr(res, "members") : NULL;
	for (j = 0; rc == 0 && members != NULL && members->type == JSON_ARRAY &&
	     j < members->u.array.len;
	     j++) {
		m = members->u.array.items[j];
		v = json_object_get_cstr(m, "type");
		if (v != NULL && v->type == JSON_STRING &&
		    !str_eq_cstr(v->u.string, "Group"))
			continue;
		v = json_object_get_cstr(m, "value");
		if (v == NULL || v->type != JSON_STRING)
			continue;
		for (k = 0; k < n && !str_eq(ids[k], v->u.string); k++)
			;
		if (k < n && state[k] == 0 && depth < 1000)
			rc = write_group(
			    x, rt, ids, state, n, k, depth + 1, err);
	}
	arena_free(a);
	if (rc == 0)
		rc = write_one(x, rt, ids[i], err);
	state[i] = 2;
	return rc;
}

static int
write_type(
    struct exporter *x, const struct schema_rtype *rt, struct scim_err *err)
{
	struct arena *a = arena_new();
	unsigned char *state;
	struct str *ids;
	size_t i, n;
	int rc;

	rc = ids_of(x, a, rt, &ids, &n, err);
	if (rc != 0 || n == 0)
		goto out;
	state = arena_alloc(a, n);
	memset(state, 0, n);
	for (i = 0; rc == 0 && i < n; i++) {
		if (strcmp(rt->name, "Group") == 0 && state[i] == 0)
			rc = write_group(x, rt, ids, state, n, i, 0, err);
		else if (strcmp(rt->name, "Group") != 0)
			rc = write_one(x, rt, ids[i], err);
	}
out:
	arena_free(a);
	return rc;
}

int
ndjson_export(struct scim *s, struct str tenant, const char *type, FILE *out,
    struct scim_err *err)
{
	const struct schema_registry *reg = scim_registry(s);
	struct exporter x = {.s = s, .tenant = tenant, .out = out};
	const struct schema_rtype *rt;
	size_t i;
	int rc;

	buf_init(&x.line);
	rc = store_read_begin(scim_store(s), &x.txn, err);
	if (rc == 0 && !store_tenant_exists(x.txn, tenant))
		rc = scim_err_set(err, SCIM_E_NOT_FOUND, "no tenant \"%.*s\"",
		    STR_FMT(tenant));
	if (rc == 0 && type != NULL) {
		rt = schema_rtype_find(reg, str_from(type));
		rc = rt != NULL ? write_type(&x, rt, err)
				: scim_err_set(err, SCIM_E_NOT_FOUND,
				      "no resource type \"%s\"", type);
	}
	for (i = 0; rc == 0 && type == NULL &&
	     i < sizeof(export_order) / sizeof(export_order[0]);
	     i++) {
		rt = schema_rtype_find(reg, str_from(export_order[i]));
		if (rt != NULL)
			rc = write_type(&x, rt, err);
	}
	if (rc == 0 && fflush(out) != 0)
		rc = scim_err_set(err, SCIM_E_INTERNAL, "write error");
	store_read_end(x.txn);
	buf_free(&x.line);
	return rc;
}
