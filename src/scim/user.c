/*
 * User rules: the password hash, the Population link, the computed
 * `groups`, and the cascades of a delete; see user.h.
 */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <string.h>

#include "auth/password.h"
#include "scim/credential.h"
#include "scim/detail.h"
#include "scim/group.h"
#include "scim/population.h"
#include "scim/record.h"
#include "scim/scim.h"
#include "scim/staged.h"
#include "scim/uniq.h"
#include "scim/user.h"
#include "util/log.h"
#include "util/secure.h"

static struct str
str_of(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

/* The population object of a User, or NULL. */
static struct json_value *
population_of(const struct json_value *user)
{
	struct json_value *p = json_object_get_cstr(
	    json_object_get_cstr(user, USER_EXT_URN), "population");

	return p != NULL && p->type == JSON_OBJECT ? p : NULL;
}

/* ------------------------------------------------------- password */

/* Replaces the cleartext at res.password with its hash, and wipes the
 * cleartext's copy in the arena. */
static int
hash_password(struct arena *a, struct json_value *res, struct scim_err *err)
{
	struct json_value *pw = json_object_get_cstr(res, "password");
	char hash[PASSWORD_HASH_MAX];
	int rc = 0;

	if (pw == NULL || pw->type != JSON_STRING)
		goto out;
	rc = password_hash(pw->u.string, NULL, hash, err);
	/* The tree's strings are arena copies owned by this request. */
	secure_wipe((char *)pw->u.string.ptr, pw->u.string.len);
	if (rc == 0)
		json_object_set_cstr(a, res, "password", json_cstring(a, hash));
	else
		json_object_remove(res, STR_LIT("password"));
out:
	secure_wipe(hash, sizeof(hash));
	return rc;
}

static int
user_prepare_create(
    const struct resource_ctx *c, struct json_value *res, struct scim_err *err)
{
	return hash_password(c->arena, res, err);
}

/*
 * PUT and PATCH: a password in the body is hashed, unless it is the
 * stored hash itself (PATCH starts from the stored resource); a
 * password left out keeps the stored hash; an explicit null clears it.
 */
static int
user_prepare_replace(const struct resource_ctx *c,
    const struct resource_put *put, struct json_value **out,
    struct scim_err *err)
{
	struct str stored = str_of(put->cur, "password");
	const struct json_value *b =
	    json_object_get_cstr(put->body, "password");
	const struct json_value *raw =
	    json_object_get_cstr(put->raw, "password");
	int rc;

	rc = resource_replace_default(c, put, out, err);
	if (rc != 0)
		goto out;
	if (b != NULL && b->type == JSON_STRING && stored.ptr != NULL &&
	    str_eq(b->u.string, stored))
		goto out;
	if (b != NULL)
		rc = hash_password(c->arena, *out, err);
	else if (stored.ptr != NULL && (raw == NULL || raw->type != JSON_NULL))
		json_object_set_cstr(
		    c->arena, *out, "password", json_string(c->arena, stored));
out:
	return rc;
}

/* --------------------------------------------------------- in_txn */

/* population.value must name a Population of the tenant; only the value
 * is stored (display and $ref are the server's, filled on output). */
static int
population_check(const struct resource_ctx *c, struct json_value *next,
    struct str *value, struct scim_err *err)
{
	struct json_value *p = population_of(next);
	struct str name, q;
	int rc = 0;

	*value = STR_NULL;
	if (p == NULL)
		goto out;
	*value = str_of(p, "value");
	rc = population_name(c->txn, c->arena, c->tenant, *value, &name, err);
	if (rc == SCIM_E_NOT_FOUND) {
		q = detail_quote(*value);
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s:population.value: no Population with id \"%.*s\" in "
		    "this tenant",
		    USER_EXT_URN, STR_FMT(q));
	}
	json_object_remove(p, STR_LIT("$ref"));
	json_object_remove(p, STR_LIT("display"));
out:
	return rc;
}

static int
user_in_txn(const struct resource_ctx *c, const struct json_value *cur,
    struct json_value *next, struct scim_err *err)
{
	struct str id = str_of(next, "id"), pop, was = STR_NULL;
	struct str display = group_user_display(next);
	int rc;

	/* Computed on output; never stored. */
	json_object_remove(next, STR_LIT("groups"));
	rc = population_check(c, next, &pop, err);
	if (cur != NULL)
		was = str_of(population_of(cur), "value");
	if (rc == 0)
		rc = population_move(c->txn, c->tenant, id, was, pop, err);
	/* Groups show a member by its display name: keep theirs in step. */
	if (rc == 0 && cur != NULL && !str_eq(display, group_user_display(cur)))
		rc = group_member_renamed(c, id, 'U', display, err);
	/* Issuance rules follow the User's data (staged.h). */
	if (rc == 0)
		rc = staged_user_changed(c, next, err);
	return rc;
}

/* ------------------------------------------------------ on_delete */

/* The ids of the tenant's Credentials owned by user. The raw record is
 * searched for the id first, so only candidates are parsed. */
static int
owned_credentials(const struct resource_ctx *c, struct str user,
    struct str **ids, struct json_value ***recs, size_t *n,
    struct scim_err *err)
{
	struct store_iter *it = NULL;
	struct json_value *rec;
	struct str id, val;
	size_t cap = 0;
	int rc, more;

	*n = 0;
	rc = store_iter_new(c->txn, c->tenant, STR_LIT("Credential"), &it, err);
	while (rc == 0 && (more = store_iter_next(it, &id, &val)) == 0) {
		if (memmem(val.ptr, val.len, user.ptr, user.len) == NULL)
			continue;
		rc = record_decode(c->arena, val, &rec, err);
		if (rc != 0 ||
		    !str_eq(str_of(json_object_get_cstr(rec, "owner"), "value"),
			user))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*ids = arena_realloc(c->arena, *ids, *n * sizeof(**ids),
			    cap * sizeof(**ids));
			*recs = arena_realloc(c->arena, *recs,
			    *n * sizeof(**recs), cap * sizeof(**recs));
		}
		(*ids)[*n] = arena_str(c->arena, id);
		(*recs)[(*n)++] = rec;
	}
	if (rc == 0 && more < 0)
		rc = scim_err_set(
		    err, more, "the credentials could not be read");
	store_iter_free(it);
	return rc;
}

/* Deletes what DELETE /Credential/{id} would: the type's own delete
 * rules, the uniqueness keys, the record. */
static int
delete_credentials(
    const struct resource_ctx *c, struct str user, struct scim_err *err)
{
	const struct schema_rtype *rt = NULL;
	struct resource_ctx in = *c;
	struct json_value **recs = NULL;
	struct str *ids = NULL;
	struct uniq_set keys;
	size_t n = 0, i;
	int rc;

	if (c->scim != NULL)
		rt = schema_rtype_find(
		    scim_registry(c->scim), str_from(credential_hooks.name));
	if (rt == NULL)
		return 0; /* Credentials are not served */
	in.rt = rt;
	rc = owned_credentials(c, user, &ids, &recs, &n, err);
	for (i = 0; rc == 0 && i < n; i++) {
		if (resource_hooks_of(rt)->on_delete != NULL)
			rc = resource_hooks_of(rt)->on_delete(
			    &in, c->txn, recs[i], err);
		uniq_collect(c->arena, rt, recs[i], &keys);
		if (rc == 0)
			rc = uniq_update(
			    c->txn, c->tenant, rt, ids[i], &keys, NULL, err);
		if (rc == 0)
			rc = store_rec_del(
			    c->txn, c->tenant, str_from(rt->name), ids[i], err);
	}
	return rc;
}

static int
user_on_delete(const struct resource_ctx *c, struct store_txn *txn,
    const struct json_value *cur, struct scim_err *err)
{
	struct str id = str_of(cur, "id");
	int rc;

	(void)txn; /* the same as c->txn */
	rc = group_drop_member(c, id, err);
	if (rc == 0)
		rc = population_move(c->txn, c->tenant, id,
		    str_of(population_of(cur), "value"), STR_NULL, err);
	if (rc == 0)
		rc = delete_credentials(c, id, err);
	if (rc == 0)
		rc = staged_user_deleted(c, id, err);
	return rc;
}

/* --------------------------------------------------------- output */

/* population.display and $ref from the Population. */
static void
population_output(
    const struct resource_ctx *c, struct store_txn *txn, struct json_value *p)
{
	struct str value = str_of(p, "value"), name;
	struct json_value *ref = resource_ref(c, "Population", value);

	if (population_name(txn, c->arena, c->tenant, value, &name, NULL) == 0)
		json_object_set_cstr(
		    c->arena, p, "display", json_string(c->arena, name));
	if (ref != NULL)
		json_object_set_cstr(c->arena, p, "$ref", ref);
}

static void
user_to_output(const struct resource_ctx *c, struct json_value *res)
{
	struct json_value *pop = population_of(res), *groups = NULL;
	int want_groups = resource_wants(c, "groups");
	int want_pop = pop != NULL && resource_wants(c, "population");
	struct store_txn *txn = NULL;
	struct scim_err err = {0};
	int own = 0;

	/* Never returned (projection drops it too) and never matched: a
	 * filter on the hash could tell its bytes one by one. */
	json_object_remove(res, STR_LIT("password"));
	if ((!want_groups && !want_pop) ||
	    resource_output_txn(c, &txn, &own) != 0)
		return;
	if (want_groups) {
		if (group_of(c, txn, str_of(res, "id"), &groups, &err) != 0)
			log_warn("the groups of a User could not be read: %s",
			    err.detail);
		else if (groups->u.array.len > 0)
			json_object_set_cstr(c->arena, res, "groups", groups);
	}
	if (want_pop)
		population_output(c, txn, pop);
	if (own)
		store_read_end(txn);
}

const struct resource_hooks user_hooks = {
    .name = "User",
    .prepare_create = user_prepare_create,
    .prepare_replace = user_prepare_replace,
    .in_txn = user_in_txn,
    .on_delete = user_on_delete,
    .to_output = user_to_output,
    /* Entra ID and Okta may list their own extension URNs. */
    .lenient_schemas = 1,
};
