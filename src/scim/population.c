/* Population rules and the Population-User edges; see population.h. */
#include "config.h"

#include "scim/detail.h"
#include "scim/population.h"
#include "scim/record.h"

#define KIND_USER STR_LIT(POPULATION_EDGE_USER)

int
population_name(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str id, struct str *name, struct scim_err *err)
{
	const struct json_value *n;
	struct json_value *p;
	struct str val;
	int rc;

	*name = STR_NULL;
	if (!record_id_ok(id))
		return SCIM_E_NOT_FOUND;
	rc = store_rec_get(txn, tenant, STR_LIT("Population"), id, &val);
	if (rc != 0 && rc != SCIM_E_NOT_FOUND)
		return scim_err_set(err, rc, "a Population could not be read");
	if (rc == 0)
		rc = record_decode(a, val, &p, err);
	if (rc == 0 && (n = json_object_get_cstr(p, "name")) != NULL &&
	    n->type == JSON_STRING)
		*name = n->u.string;
	return rc;
}

int
population_move(struct store_txn *txn, struct str tenant, struct str user,
    struct str from, struct str to, struct scim_err *err)
{
	int rc = 0;

	if (str_eq(from, to))
		return 0;
	if (from.len > 0)
		rc = store_edge_del(txn, tenant, KIND_USER, from, user, err);
	if (rc == 0 && to.len > 0)
		rc = store_edge_put(
		    txn, tenant, KIND_USER, to, user, STR_NULL, err);
	return rc;
}

/* A Population is deleted only once no User is in it: moving or
 * deleting them is the client's decision, not a cascade's. */
static int
population_on_delete(const struct resource_ctx *c, struct store_txn *txn,
    const struct json_value *cur, struct scim_err *err)
{
	const struct json_value *id = json_object_get_cstr(cur, "id");
	const struct json_value *name = json_object_get_cstr(cur, "name");
	struct str q = detail_quote(name != NULL && name->type == JSON_STRING
		? name->u.string
		: STR_LIT("?"));
	size_t n = 0;
	int rc;

	if (id == NULL || id->type != JSON_STRING)
		return 0;
	rc = store_edge_count(txn, c->tenant, KIND_USER, id->u.string, &n, err);
	if (rc == 0 && n > 0)
		rc = scim_err_set(err, SCIM_E_CONFLICT,
		    "Population \"%.*s\" still has %zu User%s; move %s to "
		    "another Population or delete %s first",
		    STR_FMT(q), n, n == 1 ? "" : "s", n == 1 ? "it" : "them",
		    n == 1 ? "it" : "them");
	return rc;
}

const struct resource_hooks population_hooks = {
    .name = "Population",
    .on_delete = population_on_delete,
};
