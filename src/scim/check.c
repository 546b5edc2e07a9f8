/*
 * Record-side consistency for `scimcred check`; see check.h. One read
 * transaction, one arena per record, so memory stays flat however large
 * the store is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scim/check.h"
#include "scim/credential_keys.h"
#include "scim/group.h"
#include "scim/record.h"
#include "scim/uniq.h"
#include "util/log.h"

struct check {
	struct store_txn *txn;
	store_check_report report;
	void *arg;
	size_t problems;
	size_t records;
	struct str tenant;
	const struct schema_rtype *rt;
	struct str id;
};

static void problem(struct check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "<tenant>/<Type>/<id>: <message>"; ids and tenants are checked names,
 * but the record may be damaged: everything is escaped. */
static void
problem(struct check *c, const char *fmt, ...)
{
	char msg[768], t[256], id[272], line[1400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_escape(t, sizeof(t), c->tenant.ptr, c->tenant.len);
	log_escape(id, sizeof(id), c->id.ptr, c->id.len);
	snprintf(line, sizeof(line), "%s/%s/%s: %s", t, c->rt->name, id, msg);
	c->problems++;
	c->report(c->arg, "records", line);
}

static void
check_uniq(struct check *c, struct arena *a, const struct json_value *res)
{
	struct uniq_set set;
	struct str owner;
	char v[256];
	size_t i;

	uniq_collect(a, c->rt, res, &set);
	for (i = 0; i < set.n; i++) {
		const struct uniq_key *k = &set.keys[i];

		log_escape(v, sizeof(v), k->value.ptr, k->value.len);
		if (store_uniq_get(c->txn, c->tenant, str_from(c->rt->name),
			k->attr, k->value, &owner) != 0)
			problem(
			    c, "no uniqueness key for %s \"%s\"", k->label, v);
		else if (!str_eq(owner, c->id))
			problem(c,
			    "the uniqueness key for %s \"%s\" names another "
			    "resource",
			    k->label, v);
	}
}

/* A Credential's edges from its type and its owner (credential_keys.h). */
static void
check_credential(struct check *c, const struct json_value *res)
{
	const struct json_value *type = json_object_get_cstr(res, "type");
	const struct json_value *owner = json_object_get_cstr(res, "owner");
	const struct json_value *ov = json_object_get_cstr(owner, "value");
	struct str val;

	if (type != NULL && type->type == JSON_STRING &&
	    type->u.string.len > 0 &&
	    store_edge_get(c->txn, c->tenant,
		STR_LIT(CREDENTIAL_KEYS_EDGE_TYPE), type->u.string, c->id,
		&val) != 0)
		problem(c, "no edge from its credential type");
	if (ov != NULL && ov->type == JSON_STRING && ov->u.string.len > 0 &&
	    store_edge_get(c->txn, c->tenant,
		STR_LIT(CREDENTIAL_KEYS_EDGE_OWNER), ov->u.string, c->id,
		&val) != 0)
		problem(c, "no edge from its owner");
}

static int
member_back(void *arg, struct str to, struct str val)
{
	struct check *c = arg;
	struct str v;
	char e[272];

	if (store_edge_get(c->txn, c->tenant, STR_LIT(GROUP_EDGE_OF), to, c->id,
		&v) != 0) {
		log_escape(e, sizeof(e), to.ptr, to.len);
		problem(c, "member %s has no memberOf edge back", e);
	}
	return 0;
}

static void
check_one(struct check *c, struct str id, struct str val)
{
	struct arena *a = arena_new();
	struct json_value *res = NULL;
	struct scim_err err;

	c->id = id;
	c->records++;
	scim_err_clear(&err);
	if (record_decode(a, val, &res, &err) != 0 || res == NULL ||
	    res->type != JSON_OBJECT) {
		problem(c, "the record is not a JSON object");
		goto out;
	}
	check_uniq(c, a, res);
	if (strcmp(c->rt->name, "Credential") == 0)
		check_credential(c, res);
	if (strcmp(c->rt->name, "Group") == 0)
		store_edge_each(c->txn, c->tenant, STR_LIT(GROUP_EDGE_MEMBER),
		    id, member_back, c, &err);
out:
	arena_free(a);
}

static int
check_type(struct check *c)
{
	struct store_iter *it = NULL;
	struct str id, val;
	struct scim_err err;
	int rc;

	scim_err_clear(&err);
	rc =
	    store_iter_new(c->txn, c->tenant, str_from(c->rt->name), &it, &err);
	while (rc == 0 && (rc = store_iter_next(it, &id, &val)) == 0)
		check_one(c, id, val);
	store_iter_free(it);
	return rc == 1 ? 0 : rc;
}

struct tenants {
	struct arena *a;
	struct str *names;
	size_t n, cap;
};

static int
collect_tenant(void *arg, struct str name)
{
	struct tenants *t = arg;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		t->names = arena_realloc(t->a, t->names,
		    t->cap * sizeof(*t->names), cap * sizeof(*t->names));
		t->cap = cap;
	}
	t->names[t->n++] = arena_str(t->a, name);
	return 0;
}

int
check_records(struct scim *s, store_check_report report, void *arg,
    size_t *problems, struct scim_err *err)
{
	const struct schema_registry *reg = scim_registry(s);
	struct tenants ts = {arena_new(), NULL, 0, 0};
	struct check c;
	char line[128];
	size_t i, j;
	int rc;

	memset(&c, 0, sizeof(c));
	c.report = report;
	c.arg = arg;
	*problems = 0;
	rc = store_read_begin(scim_store(s), &c.txn, err);
	if (rc != 0)
		goto out;
	store_tenant_each(c.txn, collect_tenant, &ts);
	for (i = 0; i < ts.n; i++) {
		c.tenant = ts.names[i];
		for (j = 0; j < schema_rtype_count(reg); j++) {
			c.rt = schema_rtype_at(reg, j);
			if ((rc = check_type(&c)) != 0) {
				rc = scim_err_set(err, rc,
				    "cannot read the records: %s",
				    scim_strerror(rc));
				goto out;
			}
		}
	}
	snprintf(line, sizeof(line),
	    "resources: %zu in %zu tenants, %zu problems", c.records, ts.n,
	    c.problems);
	report(arg, NULL, line);
	*problems = c.problems;
	rc = 0;
out:
	store_read_end(c.txn);
	arena_free(ts.a);
	return rc;
}
