/* Uniqueness keys for a resource and their upkeep; see uniq.h. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>

#include "scim/uniq.h"

/* Enough for the common attributes plus a schema's unique ones. */
#define UNIQ_MAX 64

static struct str
fold(struct arena *a, struct str s)
{
	char *p = arena_memdup(a, s.ptr, s.len);
	size_t i;

	for (i = 0; i < s.len; i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	return str_make(p, s.len);
}

/* The key for value v of attribute at (in extension urn, or NULL); 0 if
 * v can't be a key: booleans and empty strings never are. */
static int
make_key(struct arena *a, const char *urn, const struct schema_attr *at,
    const struct json_value *v, struct uniq_key *k)
{
	struct str value = STR_NULL;

	if (v != NULL && v->type == JSON_STRING)
		value = v->u.string;
	else if (v != NULL && v->type == JSON_INT)
		value = str_from(arena_printf(a, "%" PRId64, v->u.integer));
	if (value.len == 0)
		return 0;
	k->label = at->name;
	k->attr = fold(a,
	    str_from(urn != NULL ? arena_printf(a, "%s:%s", urn, at->name)
				 : at->name));
	k->value = at->case_exact ? value : fold(a, value);
	return 1;
}

static void
add_key(struct arena *a, struct uniq_set *set, const char *urn,
    const struct schema_attr *at, const struct json_value *v)
{
	if (set->n < UNIQ_MAX && make_key(a, urn, at, v, &set->keys[set->n]))
		set->n++;
}

static int
is_unique(const struct schema_attr *at)
{
	return at->uniqueness != SCHEMA_UNIQ_NONE && !at->multi_valued;
}

static void
collect_schema(struct arena *a, const struct schema *sc, const char *urn,
    const struct json_value *obj, struct uniq_set *set)
{
	size_t i;

	/* json_object_get_cstr() is NULL for anything but an object */
	for (i = 0; i < sc->nattrs; i++)
		if (is_unique(&sc->attrs[i]))
			add_key(a, set, urn, &sc->attrs[i],
			    json_object_get_cstr(obj, sc->attrs[i].name));
}

void
uniq_collect(struct arena *a, const struct schema_rtype *rt,
    const struct json_value *res, struct uniq_set *out)
{
	const struct schema_attr *ext_id;
	const struct schema *sc;
	size_t i;

	out->keys = arena_allocarray(a, UNIQ_MAX, sizeof(*out->keys));
	out->n = 0;
	ext_id = schema_common_attr(STR_LIT("externalId"));
	if (ext_id != NULL)
		add_key(a, out, NULL, ext_id,
		    json_object_get_cstr(res, "externalId"));
	collect_schema(a, rt->core, NULL, res, out);
	for (i = 0; i < rt->nexts; i++) {
		sc = rt->exts[i].schema;
		collect_schema(
		    a, sc, sc->id, json_object_get_cstr(res, sc->id), out);
	}
}

static int
has_key(const struct uniq_set *set, const struct uniq_key *k)
{
	size_t i;
	int hit = 0;

	for (i = 0; set != NULL && i < set->n && !hit; i++)
		hit = str_eq(set->keys[i].attr, k->attr) &&
		    str_eq(set->keys[i].value, k->value);
	return hit;
}

static int
release(struct store_txn *txn, struct str tenant, struct str type,
    struct str id, const struct uniq_key *k, struct scim_err *err)
{
	struct str owner;
	int rc = 0;

	/* Never drop a key another resource holds, whatever happened. */
	if (store_uniq_get(txn, tenant, type, k->attr, k->value, &owner) == 0 &&
	    str_eq(owner, id))
		rc = store_uniq_del(txn, tenant, type, k->attr, k->value, err);
	return rc;
}

int
uniq_update(struct store_txn *txn, struct str tenant,
    const struct schema_rtype *rt, struct str id, const struct uniq_set *old,
    const struct uniq_set *next, struct scim_err *err)
{
	struct str type = str_from(rt->name);
	const struct uniq_key *k;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && old != NULL && i < old->n; i++)
		if (!has_key(next, &old->keys[i]))
			rc = release(txn, tenant, type, id, &old->keys[i], err);
	for (i = 0; rc == 0 && next != NULL && i < next->n; i++) {
		k = &next->keys[i];
		if (has_key(old, k))
			continue;
		rc = store_uniq_add(
		    txn, tenant, type, k->attr, k->value, id, err);
		if (rc == SCIM_E_UNIQUENESS)
			scim_err_set(err, rc,
			    "%s: the value is already used by another %s",
			    k->label, rt->name);
	}
	return rc;
}

int
uniq_lookup(struct arena *a, struct store_txn *txn, struct str tenant,
    const struct schema_rtype *rt, const struct filter_node *cmp,
    struct str *id)
{
	const struct schema_attr *at, *sub;
	const struct schema *owner;
	struct uniq_key k;

	if (cmp->op != FILTER_EQ || cmp->path.sub.len > 0 || !cmp->bound)
		return 0;
	at = schema_resolve(rt, &cmp->path, &owner, &sub);
	if (at == NULL || sub != NULL)
		return 0;
	if (owner == NULL && str_caseeq_cstr(str_from(at->name), "id")) {
		/* ids are caseExact: the record key is the candidate */
		*id = cmp->value->type == JSON_STRING ? cmp->value->u.string
						      : STR_NULL;
		return 1;
	}
	if (owner == NULL ? !str_caseeq_cstr(str_from(at->name), "externalId")
			  : !is_unique(at))
		return 0;
	if (!make_key(a, owner != NULL && owner != rt->core ? owner->id : NULL,
		at, cmp->value, &k))
		return 0;
	if (store_uniq_get(
		txn, tenant, str_from(rt->name), k.attr, k.value, id) != 0)
		*id = STR_NULL;
	return 1;
}
