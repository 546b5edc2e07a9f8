/*
 * The edges and attribute uniqueness keys of a Credential; see
 * credential_keys.h. Everything here runs inside the write transaction of
 * the credential's create, replace, patch or delete.
 */
#include "config.h"

#include <string.h>

#include "scim/credential_keys.h"
#include "scim/detail.h"

#define STORE_TYPE STR_LIT("Credential")
#define EDGE_TYPE STR_LIT(CREDENTIAL_KEYS_EDGE_TYPE)
#define EDGE_OWNER STR_LIT(CREDENTIAL_KEYS_EDGE_OWNER)

/* One attribute uniqueness key. */
struct akey {
	struct str attr;
	struct str value;
	struct str name; /* the attribute, for details */
	enum credential_type_uniq scope;
};

static struct str
str_member(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

static struct str
owner_of(const struct json_value *res)
{
	return str_member(json_object_get_cstr(res, "owner"), "value");
}

/* The key of attribute name = value of credential type code in scope;
 * 0 when there is none (owner scope without an owner). Callers skip
 * empty values: like uniq.c, an empty string is no value to collide. */
static int
make_key(struct arena *a, struct str code, struct str name, struct str value,
    struct str owner, enum credential_type_uniq scope, struct akey *k)
{
	char *v;

	if (scope == CREDENTIAL_TYPE_UNIQ_NONE ||
	    (scope == CREDENTIAL_TYPE_UNIQ_OWNER && owner.len == 0))
		return 0;
	k->name = name;
	k->scope = scope;
	k->attr = str_from(arena_printf(a, "%s:%.*s:%.*s",
	    scope == CREDENTIAL_TYPE_UNIQ_TENANT ? "ctype" : "ctype-owner",
	    STR_FMT(code), STR_FMT(name)));
	if (scope == CREDENTIAL_TYPE_UNIQ_TENANT) {
		k->value = value;
		return 1;
	}
	v = arena_alloc(a, owner.len + 1 + value.len + 1);
	memcpy(v, owner.ptr, owner.len);
	v[owner.len] = '\0';
	if (value.len > 0)
		memcpy(v + owner.len + 1, value.ptr, value.len);
	k->value = str_make(v, owner.len + 1 + value.len);
	return 1;
}

static const struct json_value *
attr_list(const struct json_value *res)
{
	const struct json_value *l = json_object_get_cstr(res, "attributes");

	return l != NULL && l->type == JSON_ARRAY ? l : NULL;
}

/* The keys next holds under its type's definitions. */
static size_t
next_keys(struct arena *a, const struct credential_type *t,
    const struct json_value *next, struct akey **out)
{
	const struct json_value *l = attr_list(next), *e;
	const struct credential_type_def *d;
	struct akey *keys;
	size_t i, n = 0;
	struct str v;

	keys = arena_allocarray(
	    a, (l != NULL ? l->u.array.len : 0) + 1, sizeof(*keys));
	for (i = 0; l != NULL && i < l->u.array.len; i++) {
		e = l->u.array.items[i];
		v = str_member(e, "value");
		d = credential_type_def_find(t, str_member(e, "name"));
		if (d != NULL && v.len > 0 &&
		    make_key(a, t->id, d->name, v, owner_of(next),
			d->uniqueness, &keys[n]))
			n++;
	}
	*out = keys;
	return n;
}

static int
held(const struct akey *keys, size_t n, const struct akey *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (str_eq(keys[i].attr, k->attr) &&
		    str_eq(keys[i].value, k->value))
			return 1;
	return 0;
}

/* Deletes k if credential id holds it; never another's. */
static int
release(struct store_txn *txn, struct str tenant, struct str id,
    const struct akey *k, struct scim_err *err)
{
	struct str holder;
	int rc = 0;

	if (store_uniq_get(
		txn, tenant, STORE_TYPE, k->attr, k->value, &holder) == 0 &&
	    str_eq(holder, id))
		rc = store_uniq_del(
		    txn, tenant, STORE_TYPE, k->attr, k->value, err);
	return rc;
}

/* Releases every key cur could hold, in both scopes, except those in
 * keep. */
static int
release_cur(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str id, const struct json_value *cur, const struct akey *keep,
    size_t nkeep, struct scim_err *err)
{
	static const enum credential_type_uniq scopes[] = {
	    CREDENTIAL_TYPE_UNIQ_TENANT, CREDENTIAL_TYPE_UNIQ_OWNER};
	const struct json_value *l = attr_list(cur), *e;
	struct str code = str_member(cur, "type"), v;
	struct akey k;
	size_t i, s;
	int rc = 0;

	for (i = 0; l != NULL && i < l->u.array.len && rc == 0; i++) {
		e = l->u.array.items[i];
		v = str_member(e, "value");
		for (s = 0; s < 2 && rc == 0 && v.len > 0; s++)
			if (make_key(a, code, str_member(e, "name"), v,
				owner_of(cur), scopes[s], &k) &&
			    !held(keep, nkeep, &k))
				rc = release(txn, tenant, id, &k, err);
	}
	return rc;
}

static int
claim(struct store_txn *txn, struct str tenant, struct str id,
    const struct credential_type *t, const struct akey *k, struct scim_err *err)
{
	int rc;

	rc =
	    store_uniq_add(txn, tenant, STORE_TYPE, k->attr, k->value, id, err);
	if (rc == SCIM_E_UNIQUENESS)
		scim_err_set(err, rc,
		    "attributes[name eq \"%.*s\"].value: already used by "
		    "another credential of type %.*s %s "
		    "(propertyUniquenessViolated)",
		    STR_FMT(detail_quote(k->name)), STR_FMT(t->id),
		    k->scope == CREDENTIAL_TYPE_UNIQ_TENANT
			? "in this tenant"
			: "of the same owner");
	return rc;
}

/* The edges a credential has from its type and its owner. */
static int
edges(struct store_txn *txn, struct str tenant, struct str id,
    const struct json_value *res, int add, struct scim_err *err)
{
	struct str code = str_member(res, "type"), owner = owner_of(res);
	int rc = 0;

	if (code.len > 0)
		rc = add
		    ? store_edge_put(
			  txn, tenant, EDGE_TYPE, code, id, STR_LIT(""), err)
		    : store_edge_del(txn, tenant, EDGE_TYPE, code, id, err);
	if (rc == 0 && owner.len > 0)
		rc = add
		    ? store_edge_put(
			  txn, tenant, EDGE_OWNER, owner, id, STR_LIT(""), err)
		    : store_edge_del(txn, tenant, EDGE_OWNER, owner, id, err);
	return rc;
}

int
credential_keys_update(struct store_txn *txn, struct arena *a,
    struct str tenant, struct str id, const struct credential_type *t,
    const struct json_value *cur, const struct json_value *next,
    struct scim_err *err)
{
	struct akey *keys = NULL;
	size_t i, n = 0;
	int rc = 0;

	if (next != NULL)
		n = next_keys(a, t, next, &keys);
	if (cur != NULL)
		rc = release_cur(txn, a, tenant, id, cur, keys, n, err);
	for (i = 0; i < n && rc == 0; i++)
		rc = claim(txn, tenant, id, t, &keys[i], err);
	/* type and owner never change (credential.c), so the edges are
	 * written once, on create, and removed on delete. */
	if (rc == 0 && cur == NULL && next != NULL)
		rc = edges(txn, tenant, id, next, 1, err);
	else if (rc == 0 && cur != NULL && next == NULL)
		rc = edges(txn, tenant, id, cur, 0, err);
	return rc;
}

struct counting {
	size_t n, max;
};

static int
count_one(void *arg, struct str to, struct str val)
{
	struct counting *c = arg;

	(void)to;
	(void)val;
	return ++c->n >= c->max;
}

int
credential_keys_count(struct store_txn *txn, struct str tenant, struct str code,
    size_t max, size_t *out, struct scim_err *err)
{
	struct counting c = {.n = 0, .max = max};
	int rc = 0;

	if (max > 0)
		rc = store_edge_each(
		    txn, tenant, EDGE_TYPE, code, count_one, &c, err);
	if (rc > 0)
		rc = 0; /* stopped at max */
	*out = c.n;
	return rc;
}

struct collect {
	struct arena *a;
	struct str *ids;
	size_t n, cap;
};

static int
collect_one(void *arg, struct str to, struct str val)
{
	struct collect *c = arg;
	size_t cap;

	(void)val;
	if (c->n == c->cap) {
		cap = c->cap > 0 ? c->cap * 2 : 16;
		c->ids = arena_realloc(c->a, c->ids, c->cap * sizeof(*c->ids),
		    cap * sizeof(*c->ids));
		c->cap = cap;
	}
	c->ids[c->n++] = arena_str(c->a, to);
	return 0;
}

int
credential_keys_owned(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str owner, struct str **ids, size_t *n, struct scim_err *err)
{
	struct collect c = {.a = a};
	int rc;

	rc = store_edge_each(
	    txn, tenant, EDGE_OWNER, owner, collect_one, &c, err);
	*ids = c.ids;
	*n = rc == 0 ? c.n : 0;
	return rc;
}
