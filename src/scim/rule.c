/*
 * IssuanceRule rules and hooks; see rule.h. Shapes and canonical values
 * were checked by validate.c against scim-schemas/; what needs the store
 * (the credential type's mode, the Groups and Populations named) is
 * checked inside the write transaction, which then re-stages the rule's
 * changes (staged.h) before the record is written.
 */
#include "config.h"

#include <string.h>

#include "scim/credential_type.h"
#include "scim/detail.h"
#include "scim/record.h"
#include "scim/rule.h"
#include "scim/rule_usage.h"
#include "scim/staged.h"
#include "util/log.h"

static const char *const action_names[RULE_NACTIONS] = {
    [RULE_ISSUE] = "ISSUE",
    [RULE_UPDATE] = "UPDATE",
    [RULE_REVOKE] = "REVOKE",
};

/* automation's members, in enum rule_action order. */
static const char *const automation_keys[RULE_NACTIONS] = {
    [RULE_ISSUE] = "issue",
    [RULE_UPDATE] = "update",
    [RULE_REVOKE] = "revoke",
};

static struct str
str_of(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

const char *
rule_action_name(enum rule_action a)
{
	return (unsigned)a < RULE_NACTIONS ? action_names[a] : "?";
}

int
rule_action_parse(struct str s, enum rule_action *out)
{
	int i;

	for (i = 0; i < RULE_NACTIONS; i++) {
		if (str_eq_cstr(s, action_names[i])) {
			*out = (enum rule_action)i;
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------ reading */

/* A non-empty list of ids, or absent. */
static int
read_ids(struct arena *a, const struct json_value *v, const char *label,
    const struct str **ids, size_t *n, struct scim_err *err)
{
	struct str *out;
	size_t i;

	*ids = NULL;
	*n = 0;
	if (v == NULL || v->type != JSON_ARRAY || v->u.array.len == 0)
		return 0;
	if (v->u.array.len > RULE_MAX_IDS)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "filter.%s: at most %d ids", label, RULE_MAX_IDS);
	out = arena_allocarray(a, v->u.array.len, sizeof(*out));
	for (i = 0; i < v->u.array.len; i++) {
		if (v->u.array.items[i]->type != JSON_STRING)
			return scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "filter.%s: must be a list of ids", label);
		out[i] = v->u.array.items[i]->u.string;
	}
	*ids = out;
	*n = v->u.array.len;
	return 0;
}

static int
read_scim(struct arena *a, const struct schema_registry *reg, struct str text,
    struct rule *out, struct scim_err *err)
{
	const struct schema_rtype *user =
	    schema_rtype_find(reg, STR_LIT("User"));
	struct scim_err e = {0};
	int rc;

	if (user == NULL)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "filter.scim: this server has no User resource type");
	rc = filter_parse(a, text, &out->scim, &e);
	if (rc == 0)
		rc = filter_bind(
		    out->scim, schema_filter_resolve, (void *)user, &e);
	if (rc != 0)
		rc = scim_err_set(err, SCIM_E_INVALID_FILTER,
		    "filter.scim: not a valid filter over Users: %s", e.detail);
	return rc;
}

/* filter: exactly one of groupIds, populationIds, scim. */
static int
read_filter(struct arena *a, const struct schema_registry *reg,
    const struct json_value *f, struct rule *out, struct scim_err *err)
{
	const struct str *gids, *pids;
	size_t ng, np;
	struct str scim = str_of(f, "scim");
	int rc, count;

	rc = read_ids(a, json_object_get_cstr(f, "groupIds"), "groupIds", &gids,
	    &ng, err);
	if (rc == 0)
		rc = read_ids(a, json_object_get_cstr(f, "populationIds"),
		    "populationIds", &pids, &np, err);
	if (rc != 0)
		return rc;
	count = (ng > 0) + (np > 0) + (scim.len > 0);
	if (count != 1)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "filter: exactly one of groupIds, populationIds or scim is "
		    "required; %s",
		    count == 0 ? "none was given" : "several were given");
	out->by = ng > 0 ? RULE_BY_GROUP
	    : np > 0	 ? RULE_BY_POPULATION
			 : RULE_BY_SCIM;
	out->ids = ng > 0 ? gids : pids;
	out->nids = ng > 0 ? ng : np;
	if (out->by == RULE_BY_SCIM)
		rc = read_scim(a, reg, scim, out, err);
	return rc;
}

/* notification.locale is a two-letter code; variables are name=value. */
static int
read_notification(const struct json_value *n, struct scim_err *err)
{
	const struct json_value *vars = json_object_get_cstr(n, "variables");
	struct str loc = str_of(n, "locale"), v;
	size_t i;

	if (n == NULL)
		return 0;
	if (loc.ptr != NULL &&
	    (loc.len != 2 || loc.ptr[0] < 'a' || loc.ptr[0] > 'z' ||
		loc.ptr[1] < 'a' || loc.ptr[1] > 'z'))
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "notification.locale: an ISO 639-1 code of two lower-case "
		    "letters, such as en");
	for (i = 0;
	     vars != NULL && vars->type == JSON_ARRAY && i < vars->u.array.len;
	     i++) {
		v = vars->u.array.items[i]->u.string;
		if (vars->u.array.items[i]->type != JSON_STRING || v.len < 2 ||
		    v.ptr[0] == '=' || memchr(v.ptr, '=', v.len) == NULL)
			return scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "notification.variables: each is name=value");
	}
	return 0;
}

int
rule_read(struct arena *a, const struct schema_registry *reg,
    const struct json_value *res, struct rule *out, struct scim_err *err)
{
	const struct json_value *au = json_object_get_cstr(res, "automation");
	struct str s;
	int i, rc;

	memset(out, 0, sizeof(*out));
	out->res = res;
	out->id = str_of(res, "id");
	out->ctype =
	    str_of(json_object_get_cstr(res, "credentialType"), "value");
	out->active = str_eq_cstr(str_of(res, "status"), "ACTIVE");
	if (out->ctype.len == 0)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "credentialType.value: required: the id of an AUTOMATED "
		    "CredentialType");
	for (i = 0; i < RULE_NACTIONS; i++) {
		s = str_of(au, automation_keys[i]);
		if (!str_eq_cstr(s, "PERIODIC") && !str_eq_cstr(s, "ON_DEMAND"))
			return scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "automation.%s: required: PERIODIC or ON_DEMAND",
			    automation_keys[i]);
		out->periodic[i] = str_eq_cstr(s, "PERIODIC");
	}
	rc = read_filter(a, reg, json_object_get_cstr(res, "filter"), out, err);
	if (rc == 0)
		rc = read_notification(
		    json_object_get_cstr(res, "notification"), err);
	return rc;
}

static int
load_as(struct store_txn *txn, struct arena *a,
    const struct schema_registry *reg, struct str tenant, struct str type,
    struct str id, struct rule *out, struct scim_err *err)
{
	struct json_value *res;
	struct str val;
	int rc;

	if (!record_id_ok(id))
		return SCIM_E_NOT_FOUND;
	rc = store_rec_get(txn, tenant, type, id, &val);
	if (rc == 0)
		rc = record_decode(a, val, &res, err);
	if (rc == 0)
		rc = rule_read(a, reg, res, out, err);
	return rc;
}

int
rule_load(struct store_txn *txn, struct arena *a,
    const struct schema_registry *reg, struct str tenant, struct str id,
    int gone_too, struct rule *out, struct scim_err *err)
{
	int rc;

	rc = load_as(txn, a, reg, tenant, STR_LIT(RULE_RTYPE), id, out, err);
	if (rc == SCIM_E_NOT_FOUND && gone_too) {
		rc = load_as(txn, a, reg, tenant, STR_LIT(RULE_GONE_RTYPE), id,
		    out, err);
		out->gone = rc == 0;
		out->active = 0;
	}
	return rc;
}

int
rule_all(struct store_txn *txn, struct arena *a,
    const struct schema_registry *reg, struct str tenant, struct rule **out,
    size_t *n, struct scim_err *err)
{
	struct store_iter *it = NULL;
	struct json_value *res;
	struct scim_err e;
	struct str id, val;
	size_t cap = 0;
	int rc, more = 0;

	*out = NULL;
	*n = 0;
	rc = store_iter_new(txn, tenant, STR_LIT(RULE_RTYPE), &it, err);
	while (rc == 0 && (more = store_iter_next(it, &id, &val)) == 0) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = arena_realloc(
			    a, *out, *n * sizeof(**out), cap * sizeof(**out));
		}
		if (record_decode(a, val, &res, &e) != 0 ||
		    rule_read(a, reg, res, &(*out)[*n], &e) != 0) {
			log_warn("issuance rule %.*s is skipped: %s",
			    STR_FMT(id), e.detail);
			continue;
		}
		(*n)++;
	}
	if (rc == 0 && more < 0)
		rc = scim_err_set(
		    err, more, "the issuance rules could not be read");
	store_iter_free(it);
	return rc;
}

/* ------------------------------------------------------ notification */

const struct json_value *
rule_notification_view(struct arena *a, const struct rule *r)
{
	const struct json_value *n =
	    json_object_get_cstr(r->res, "notification");
	const struct json_value *vars = json_object_get_cstr(n, "variables");
	struct json_value *out, *no, *t, *list, *kv, *v;
	struct str s;
	size_t i, eq;

	if (n == NULL)
		return r->res;
	out = json_object(a);
	no = json_object(a);
	t = json_object(a);
	list = json_array(a);
	json_object_set_cstr(a, out, "id", json_string(a, r->id));
	v = json_object(a);
	json_object_set_cstr(a, v, "value", json_string(a, r->ctype));
	json_object_set_cstr(a, out, "credentialType", v);
	if ((v = json_object_get_cstr(n, "methods")) != NULL)
		json_object_set_cstr(a, no, "methods", v);
	if ((v = json_object_get_cstr(n, "locale")) != NULL)
		json_object_set_cstr(a, t, "locale", v);
	if ((v = json_object_get_cstr(n, "variant")) != NULL)
		json_object_set_cstr(a, t, "variant", v);
	for (i = 0;
	     vars != NULL && vars->type == JSON_ARRAY && i < vars->u.array.len;
	     i++) {
		s = vars->u.array.items[i]->u.string;
		eq = (size_t)((const char *)memchr(s.ptr, '=', s.len) - s.ptr);
		kv = json_object(a);
		json_object_set_cstr(
		    a, kv, "name", json_string(a, str_make(s.ptr, eq)));
		json_object_set_cstr(a, kv, "value",
		    json_string(a, str_make(s.ptr + eq + 1, s.len - eq - 1)));
		json_array_append(a, list, kv);
	}
	json_object_set_cstr(a, t, "variables", list);
	json_object_set_cstr(a, no, "template", t);
	json_object_set_cstr(a, out, "notification", no);
	return out;
}

/* ------------------------------------------------------------- reaping */

/* Deletes the cred.rule edge of each credential the rule issued. */
static int
drop_cred_edges(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str id, struct scim_err *err)
{
	struct str *creds = NULL;
	size_t n = 0, i;
	int rc;

	rc = staged_edge_ends(
	    txn, a, tenant, STR_LIT(RULE_EDGE_CRED), id, &creds, NULL, &n, err);
	for (i = 0; rc == 0 && i < n; i++)
		rc = store_edge_del(
		    txn, tenant, STR_LIT(RULE_EDGE_OF_CRED), creds[i], id, err);
	if (rc == 0)
		rc = store_edge_del_from(
		    txn, tenant, STR_LIT(RULE_EDGE_CRED), id, err);
	return rc;
}

int
rule_reap(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str id, struct scim_err *err)
{
	size_t holders = 0, staged = 0;
	struct str val;
	int rc;

	if (store_rec_get(txn, tenant, STR_LIT(RULE_GONE_RTYPE), id, &val) != 0)
		return 0; /* not a deleted rule */
	rc = store_edge_count(
	    txn, tenant, STR_LIT(RULE_EDGE_USER), id, &holders, err);
	if (rc == 0)
		rc = store_edge_count(
		    txn, tenant, STR_LIT(RULE_EDGE_STAGED), id, &staged, err);
	if (rc != 0 || holders > 0 || staged > 0)
		return rc;
	rc = drop_cred_edges(txn, a, tenant, id, err);
	if (rc == 0)
		rc = rule_usage_drop(txn, tenant, id, err);
	if (rc == 0)
		rc = store_rec_del(
		    txn, tenant, STR_LIT(RULE_GONE_RTYPE), id, err);
	return rc;
}

/* --------------------------------------------------------------- hooks */

static int
rule_prepare_create(
    const struct resource_ctx *c, struct json_value *res, struct scim_err *err)
{
	struct rule r;

	return rule_read(c->arena, c->rt->reg, res, &r, err);
}

/*
 * PUT and PATCH: credentialType and notification are fixed at creation.
 * A body may repeat them or leave them out (RFC 7644 §3.5.1 lets a
 * server keep what a PUT does not assert); adding, changing (caught by
 * validation too) or clearing them is 400 mutability.
 */
static int
rule_prepare_replace(const struct resource_ctx *c,
    const struct resource_put *put, struct json_value **out,
    struct scim_err *err)
{
	static const char *const fixed[] = {"credentialType", "notification"};
	const struct json_value *was, *is, *raw;
	struct rule r;
	size_t i;
	int rc;

	rc = resource_replace_default(c, put, out, err);
	for (i = 0; rc == 0 && i < 2; i++) {
		was = json_object_get_cstr(put->cur, fixed[i]);
		is = json_object_get_cstr(put->body, fixed[i]);
		raw = json_object_get_cstr(put->raw, fixed[i]);
		if ((was == NULL && is != NULL) ||
		    (was != NULL && is != NULL && !json_equal(was, is)) ||
		    (was != NULL && raw != NULL && raw->type == JSON_NULL))
			rc = scim_err_set(err, SCIM_E_MUTABILITY,
			    "%s cannot change: it is fixed when the "
			    "IssuanceRule is created",
			    fixed[i]);
		else if (was != NULL)
			json_object_set_cstr(c->arena, *out, fixed[i],
			    json_clone(c->arena, was));
	}
	if (rc == 0)
		rc = rule_read(c->arena, c->rt->reg, *out, &r, err);
	return rc;
}

/* The credential type must exist and be AUTOMATED. */
static int
check_type(
    const struct resource_ctx *c, const struct rule *r, struct scim_err *err)
{
	struct credential_type t;
	struct str q = detail_quote(r->ctype);
	int rc;

	rc = credential_type_load(
	    c->txn, c->arena, c->tenant, r->ctype, &t, err);
	if (rc == SCIM_E_NOT_FOUND)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "credentialType.value: no CredentialType \"%.*s\" in this "
		    "tenant",
		    STR_FMT(q));
	if (rc == 0 && t.mode != CREDENTIAL_TYPE_AUTOMATED)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "credentialType.value: CredentialType \"%.*s\" is MANAGED; "
		    "issuance rules need management.mode AUTOMATED",
		    STR_FMT(q));
	return rc;
}

/* Every Group or Population the filter names exists. */
static int
check_ids(
    const struct resource_ctx *c, const struct rule *r, struct scim_err *err)
{
	const char *type = r->by == RULE_BY_GROUP ? "Group" : "Population";
	struct str val;
	size_t i;
	int rc = 0;

	for (i = 0; r->by != RULE_BY_SCIM && i < r->nids && rc == 0; i++)
		if (!record_id_ok(r->ids[i]) ||
		    store_rec_get(c->txn, c->tenant, str_from(type), r->ids[i],
			&val) != 0)
			rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "filter.%s: no %s \"%.*s\" in this tenant",
			    r->by == RULE_BY_GROUP ? "groupIds"
						   : "populationIds",
			    type, STR_FMT(detail_quote(r->ids[i])));
	return rc;
}

static int
rule_in_txn(const struct resource_ctx *c, const struct json_value *cur,
    struct json_value *next, struct scim_err *err)
{
	struct rule r;
	int rc;

	(void)cur;
	rc = rule_read(c->arena, c->rt->reg, next, &r, err);
	if (rc == 0)
		rc = check_type(c, &r, err);
	if (rc == 0)
		rc = check_ids(c, &r, err);
	if (rc == 0)
		rc = staged_rule_changed(c, &r, err);
	return rc;
}

static int
rule_on_delete(const struct resource_ctx *c, struct store_txn *txn,
    const struct json_value *cur, struct scim_err *err)
{
	struct rule r;
	int rc;

	(void)txn; /* the same as c->txn */
	rc = rule_read(c->arena, c->rt->reg, cur, &r, err);
	if (rc == 0)
		rc = staged_rule_deleted(c, &r, err);
	return rc;
}

static void
rule_to_output(const struct resource_ctx *c, struct json_value *res)
{
	struct json_value *ct = json_object_get_cstr(res, "credentialType");
	struct json_value *ref = NULL;
	struct str v = str_of(ct, "value");

	if (v.len > 0)
		ref = resource_ref(c, "CredentialType", v);
	if (ref != NULL)
		json_object_set_cstr(c->arena, ct, "$ref", ref);
}

const struct resource_hooks rule_hooks = {
    .name = RULE_RTYPE,
    .prepare_create = rule_prepare_create,
    .prepare_replace = rule_prepare_replace,
    .in_txn = rule_in_txn,
    .on_delete = rule_on_delete,
    .to_output = rule_to_output,
};
