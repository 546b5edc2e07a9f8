/*
 * Credential rules (HID Authentication Service): the status machine,
 * status.active, and PUT that keeps whatever section the body leaves
 * out ("If any of the sections are removed from
 * the PUT, then that section will not be updated"). Shapes and types
 * were checked by validate.c against scim-schemas/ before these run; the
 * checks repeated here keep the rules safe on their own.
 *
 * Inside the write transaction (in_txn, on create, PUT and PATCH) come
 * the rules that read other records: the credential's type must be a
 * CredentialType of the tenant, whose definitions its attributes follow
 * and whose initial status and validity fill a new credential's status;
 * owner.value must name a User of the tenant, whose displayName (else
 * userName) is stored as owner.display. owner.$ref is not stored: the
 * base URL belongs to the request, so it is built on output.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "scim/credential.h"
#include "scim/credential_attrs.h"
#include "scim/credential_keys.h"
#include "scim/credential_type.h"
#include "scim/detail.h"
#include "scim/record.h"
#include "scim/staged.h"
#include "scim/uniq.h"
#include "util/date.h"
#include "util/num.h"

#define DAY_MS (24 * 60 * 60 * 1000LL)

static const char *const status_names[CREDENTIAL_NSTATUS] = {
    [CREDENTIAL_PENDING] = "PENDING",
    [CREDENTIAL_ACTIVE] = "ACTIVE",
    [CREDENTIAL_SUSPENDED] = "SUSPENDED",
    [CREDENTIAL_REVOKED] = "REVOKED",
    [CREDENTIAL_TERMINATED] = "TERMINATED",
};

/* Bit (1 << to) set when from -> to is allowed, besides staying put. */
static const unsigned status_next[CREDENTIAL_NSTATUS] = {
    [CREDENTIAL_PENDING] = 1u << CREDENTIAL_ACTIVE,
    [CREDENTIAL_ACTIVE] = 1u << CREDENTIAL_SUSPENDED | 1u << CREDENTIAL_REVOKED,
    [CREDENTIAL_SUSPENDED] = 1u << CREDENTIAL_ACTIVE | 1u << CREDENTIAL_REVOKED,
    [CREDENTIAL_REVOKED] = 1u << CREDENTIAL_TERMINATED,
    [CREDENTIAL_TERMINATED] = 0,
};

/* A new credential may only start in these. */
static const unsigned status_initial =
    1u << CREDENTIAL_PENDING | 1u << CREDENTIAL_ACTIVE;

static struct str
str_member(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

/* ------------------------------------------------------ status machine */

int
credential_status_parse(struct str s, enum credential_status *out)
{
	int i, rc = -1;

	for (i = 0; i < CREDENTIAL_NSTATUS && rc != 0; i++) {
		if (str_caseeq_cstr(s, status_names[i])) {
			*out = (enum credential_status)i;
			rc = 0;
		}
	}
	return rc;
}

const char *
credential_status_name(enum credential_status st)
{
	return (unsigned)st < CREDENTIAL_NSTATUS ? status_names[st] : "?";
}

int
credential_status_transition_ok(
    enum credential_status from, enum credential_status to)
{
	return (unsigned)from < CREDENTIAL_NSTATUS &&
	    (unsigned)to < CREDENTIAL_NSTATUS &&
	    (from == to || (status_next[from] & (1u << to)) != 0);
}

/* "A, B" for the statuses in mask, or "none (final)". */
static void
status_list(unsigned mask, char *out, size_t outsz)
{
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < CREDENTIAL_NSTATUS; i++) {
		if ((mask & (1u << i)) == 0)
			continue;
		n += (size_t)snprintf(out + n, outsz - n, "%s%s",
		    n > 0 ? ", " : "", status_names[i]);
		if (n >= outsz)
			break;
	}
	if (out[0] == '\0')
		snprintf(out, outsz, "none (%s)", "final");
}

static int
unknown_status(struct str s, struct scim_err *err)
{
	char all[128];

	status_list((1u << CREDENTIAL_NSTATUS) - 1, all, sizeof(all));
	return scim_err_set(err, SCIM_E_INVALID_VALUE,
	    "status.status: \"%.*s\" is not a valid status; valid: %s",
	    STR_FMT(detail_quote(s)), all);
}

int
credential_status_change(struct str from, struct str to, struct scim_err *err)
{
	enum credential_status f, t;
	char next[128];
	int rc = 0;

	if (credential_status_parse(to, &t) != 0) {
		rc = unknown_status(to, err);
		goto out;
	}
	/* A stored status is always valid; treat damage as PENDING. */
	if (credential_status_parse(from, &f) != 0)
		f = CREDENTIAL_PENDING;
	if (credential_status_transition_ok(f, t))
		goto out;
	status_list(status_next[f], next, sizeof(next));
	rc = scim_err_set(err, SCIM_E_MUTABILITY,
	    "cannot change status from %s to %s; allowed from %s: %s",
	    status_names[f], status_names[t], status_names[f], next);
out:
	return rc;
}

/* ------------------------------------------------------------- dates */

/*
 * Normalises obj[key] (a date-time) to UTC; a JSON null removes it.
 * *ms is set and *has to 1 when a date remains.
 */
static int
date_member(struct arena *a, struct json_value *obj, const char *key,
    int64_t *ms, int *has, struct scim_err *err)
{
	struct json_value *v = json_object_get_cstr(obj, key);
	char buf[DATE_BUFSZ];
	int rc = 0;

	*has = 0;
	if (v == NULL)
		goto out;
	if (v->type == JSON_NULL) {
		json_object_remove(obj, str_from(key));
		goto out;
	}
	if (v->type != JSON_STRING || date_parse(v->u.string, ms) != 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "status.%s: not a date-time such as "
		    "2018-11-21T14:14:59Z (invalidDate)",
		    key);
		goto out;
	}
	date_format(*ms, buf);
	json_object_set_cstr(a, obj, key, json_cstring(a, buf));
	*has = 1;
out:
	return rc;
}

/* Normalises status.startDate/expiryDate and checks their order. */
static int
status_dates(struct arena *a, struct json_value *st, struct scim_err *err)
{
	int64_t start = 0, expiry = 0;
	int has_start, has_expiry, rc;

	rc = date_member(a, st, "startDate", &start, &has_start, err);
	if (rc == 0)
		rc =
		    date_member(a, st, "expiryDate", &expiry, &has_expiry, err);
	if (rc == 0 && has_start && has_expiry && start > expiry)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "status.startDate (%s) is after status.expiryDate (%s) "
		    "(invalidDateInterval)",
		    str_member(st, "startDate").ptr,
		    str_member(st, "expiryDate").ptr);
	return rc;
}

int
credential_is_active(const struct json_value *res, int64_t now_ms)
{
	const struct json_value *st = json_object_get_cstr(res, "status");
	struct str start = str_member(st, "startDate");
	struct str expiry = str_member(st, "expiryDate");
	int64_t from = INT64_MIN, until = INT64_MAX;
	int ok;

	ok = str_eq_cstr(
	    str_member(st, "status"), status_names[CREDENTIAL_ACTIVE]);
	/* a date that does not parse (never stored so) does not activate */
	if (start.ptr != NULL && date_parse(start, &from) != 0)
		ok = 0;
	if (expiry.ptr != NULL && date_parse(expiry, &until) != 0)
		ok = 0;
	return ok && now_ms >= from && now_ms < until;
}

/* ---------------------------------------------------------- create */

/* A status the body gives must be a valid initial one; without one,
 * in_txn fills the type's initialStatus. */
static int
status_create(struct arena *a, struct json_value *res, struct scim_err *err)
{
	struct json_value *st = json_object_get_cstr(res, "status"), *s;
	enum credential_status v = CREDENTIAL_PENDING;
	int rc = 0;

	if (st == NULL || st->type == JSON_NULL) {
		st = json_object(a);
		json_object_set_cstr(a, res, "status", st);
	}
	if (st->type != JSON_OBJECT) {
		rc = scim_err_set(
		    err, SCIM_E_INVALID_VALUE, "status: must be an object");
		goto out;
	}
	s = json_object_get_cstr(st, "status");
	if (s != NULL && s->type != JSON_NULL) {
		if (s->type != JSON_STRING ||
		    credential_status_parse(s->u.string, &v) != 0) {
			rc = unknown_status(s->type == JSON_STRING
				? s->u.string
				: STR_LIT("(not a string)"),
			    err);
			goto out;
		}
		if ((status_initial & (1u << v)) == 0) {
			rc = scim_err_set(err, SCIM_E_MUTABILITY,
			    "a new Credential cannot start as %s; allowed "
			    "initial statuses: PENDING, ACTIVE",
			    status_names[v]);
			goto out;
		}
		json_object_set_cstr(
		    a, st, "status", json_cstring(a, status_names[v]));
	} else {
		json_object_remove(st, STR_LIT("status"));
	}
	json_object_remove(st, STR_LIT("active")); /* computed on output */
	rc = status_dates(a, st, err);
out:
	return rc;
}

static int
credential_prepare_create(
    const struct resource_ctx *c, struct json_value *res, struct scim_err *err)
{
	struct json_value *list = json_object_get_cstr(res, "attributes");
	int rc = 0;

	/* The schema makes type required; an empty one names nothing. */
	if (str_member(res, "type").len == 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "type: must name a credential type, such as CT_ACODE");
		goto out;
	}
	rc = status_create(c->arena, res, err);
	if (rc != 0)
		goto out;
	if (list != NULL && list->type == JSON_NULL)
		json_object_remove(res, STR_LIT("attributes"));
	else if (list != NULL &&
	    (rc = credential_attrs_check(c->arena, list, err)) != 0)
		goto out;
	/* Server-set: no use has been counted yet (HID sends a string). */
	json_object_set_cstr(
	    c->arena, res, "totalUsed", json_cstring(c->arena, "0"));
out:
	return rc;
}

/* --------------------------------------------------------- replace */

/* A status.startDate or expiryDate the body sets, or clears with null
 * (which validation drops, so the raw body tells). */
static void
date_replace(struct arena *a, struct json_value *st, const struct json_value *b,
    const struct json_value *raw, const char *key)
{
	const struct json_value *d = json_object_get_cstr(b, key);
	const struct json_value *r = json_object_get_cstr(raw, key);

	if (d != NULL)
		json_object_set_cstr(a, st, key, json_clone(a, d));
	else if (r != NULL && r->type == JSON_NULL)
		json_object_remove(st, str_from(key));
}

static int
status_replace(struct arena *a, struct json_value *next,
    const struct resource_put *put, struct scim_err *err)
{
	const struct json_value *b = json_object_get_cstr(put->body, "status");
	const struct json_value *raw = json_object_get_cstr(put->raw, "status");
	const struct json_value *s = json_object_get_cstr(b, "status");
	struct json_value *st = json_object_get_cstr(next, "status");
	enum credential_status v = CREDENTIAL_PENDING;
	int rc = 0;

	if (raw == NULL || raw->type != JSON_OBJECT)
		goto out; /* left out (or null): kept */
	if (st == NULL || st->type != JSON_OBJECT) {
		st = json_object(a);
		json_object_set_cstr(a, next, "status", st);
	}
	if (s != NULL) {
		rc = credential_status_change(
		    str_member(
			json_object_get_cstr(put->cur, "status"), "status"),
		    s->type == JSON_STRING ? s->u.string : STR_LIT("?"), err);
		if (rc != 0)
			goto out;
		credential_status_parse(s->u.string, &v);
		json_object_set_cstr(
		    a, st, "status", json_cstring(a, status_names[v]));
	}
	date_replace(a, st, b, raw, "startDate");
	date_replace(a, st, b, raw, "expiryDate");
	json_object_remove(st, STR_LIT("active"));
	rc = status_dates(a, st, err);
out:
	return rc;
}

/* 1 when the body changes the owner: another value, or an explicit
 * null (dropped by validation, so seen in the raw body) over one. */
static int
owner_changes(const struct resource_put *put)
{
	const struct json_value *o = json_object_get_cstr(put->body, "owner");
	const struct json_value *ro = json_object_get_cstr(put->raw, "owner");
	const struct json_value *co = json_object_get_cstr(put->cur, "owner");
	struct str x = str_member(o, "value"), y = str_member(co, "value");
	int changes;

	if (o == NULL)
		changes = ro != NULL && ro->type == JSON_NULL && co != NULL;
	else
		changes = (x.ptr == NULL) != (y.ptr == NULL) || !str_eq(x, y);
	return changes;
}

/* `type` and `owner` are fixed at creation; a body may repeat them. */
static int
fixed_sections(const struct resource_put *put, struct scim_err *err)
{
	const struct json_value *t = json_object_get_cstr(put->body, "type");
	struct str was = str_member(put->cur, "type");
	int rc = 0;

	if (t != NULL && (t->type != JSON_STRING || !str_eq(t->u.string, was)))
		rc = scim_err_set(err, SCIM_E_MUTABILITY,
		    "type cannot change; this Credential is of type \"%.*s\"",
		    STR_FMT(detail_quote(was)));
	else if (owner_changes(put))
		rc = scim_err_set(err, SCIM_E_MUTABILITY,
		    "owner cannot change; it is fixed when the Credential is "
		    "created");
	return rc;
}

/* Sections with rules of their own; every other one is taken whole. */
static int
special_section(struct str key)
{
	static const char *const keys[] = {
	    "type", "owner", "status", "attributes", "id", "meta", "totalUsed"};
	size_t i;
	int hit = 0;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && !hit; i++)
		hit = str_caseeq_cstr(key, keys[i]);
	return hit;
}

/*
 * schemas, externalId and extensions: present means replaced; sent as
 * null (or []) means cleared (RFC 7643 §2.5), unless readOnly.
 */
static void
other_sections(const struct resource_ctx *c, struct json_value *next,
    const struct resource_put *put)
{
	const struct json_value *body = put->body, *raw = put->raw;
	const struct json_member *m;
	const struct schema_attr *at;
	size_t i;

	for (i = 0; i < body->u.object.len; i++) {
		m = &body->u.object.members[i];
		if (!special_section(m->key))
			json_object_set(c->arena, next, m->key,
			    json_clone(c->arena, m->value));
	}
	for (i = 0; raw != NULL && i < raw->u.object.len; i++) {
		m = &raw->u.object.members[i];
		at = resource_attr(c->rt, m->key);
		if (special_section(m->key) ||
		    json_object_get(body, m->key) != NULL ||
		    (at != NULL && at->mutability == SCHEMA_MUT_READ_ONLY) ||
		    (at == NULL &&
			!str_case_has_prefix(m->key, STR_LIT("urn:"))))
			continue;
		if (m->value->type == JSON_NULL ||
		    (m->value->type == JSON_ARRAY &&
			m->value->u.array.len == 0))
			json_object_remove(next, m->key);
	}
}

static int
credential_prepare_replace(const struct resource_ctx *c,
    const struct resource_put *put, struct json_value **out,
    struct scim_err *err)
{
	struct json_value *next = json_clone(c->arena, put->cur);
	int rc;

	rc = fixed_sections(put, err);
	if (rc == 0)
		rc = status_replace(c->arena, next, put, err);
	if (rc == 0)
		rc = credential_attrs_replace(c->arena, next, put, err);
	if (rc != 0)
		goto out;
	other_sections(c, next, put);
	*out = next;
out:
	return rc;
}

/* ------------------------------------------------------ transaction */

/* owner.value names a User of the tenant; owner.display is the server's:
 * the User's displayName, else its userName. */
static int
owner_check(
    const struct resource_ctx *c, struct json_value *next, struct scim_err *err)
{
	struct json_value *o = json_object_get_cstr(next, "owner"), *user;
	struct str v = str_member(o, "value"), val, display;
	int rc = 0;

	if (o == NULL)
		goto out;
	if (!record_id_ok(v) ||
	    store_rec_get(c->txn, c->tenant, STR_LIT("User"), v, &val) != 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "owner.value: no User \"%.*s\" in this tenant (noRecord)",
		    STR_FMT(detail_quote(v)));
		goto out;
	}
	rc = record_decode(c->arena, val, &user, err);
	if (rc != 0)
		goto out;
	display = str_member(user, "displayName");
	if (display.len == 0)
		display = str_member(user, "userName");
	json_object_remove(o, STR_LIT("$ref")); /* built on output */
	if (display.len > 0)
		json_object_set_cstr(
		    c->arena, o, "display", json_string(c->arena, display));
	else
		json_object_remove(o, STR_LIT("display"));
out:
	return rc;
}

/* A new credential's status from its type: the initial status when the
 * body gave none, and an expiry validityDays after the start (or after
 * now) when it gave no expiryDate. */
static void
type_defaults(const struct resource_ctx *c, const struct credential_type *t,
    struct json_value *next)
{
	struct json_value *st = json_object_get_cstr(next, "status");
	char buf[DATE_BUFSZ];
	int64_t from = c->now_ms;

	if (st == NULL || st->type != JSON_OBJECT) {
		st = json_object(c->arena);
		json_object_set_cstr(c->arena, next, "status", st);
	}
	if (str_member(st, "status").ptr == NULL)
		json_object_set_cstr(c->arena, st, "status",
		    json_cstring(c->arena, status_names[t->initial_status]));
	if (t->validity_days < 1 || str_member(st, "expiryDate").ptr != NULL)
		return;
	if (str_member(st, "startDate").ptr != NULL &&
	    date_parse(str_member(st, "startDate"), &from) != 0)
		from = c->now_ms;
	date_format(from + t->validity_days * DAY_MS, buf);
	json_object_set_cstr(
	    c->arena, st, "expiryDate", json_cstring(c->arena, buf));
}

static int
credential_in_txn(const struct resource_ctx *c, const struct json_value *cur,
    struct json_value *next, struct scim_err *err)
{
	struct str code = str_member(next, "type");
	struct credential_type t;
	int rc;

	rc = credential_type_load(c->txn, c->arena, c->tenant, code, &t, err);
	if (rc == SCIM_E_NOT_FOUND)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "type: no credential type \"%.*s\" in this tenant; create "
		    "it at /CredentialTypes first "
		    "(unsupportedCredentialTypeToCreate)",
		    STR_FMT(detail_quote(code)));
	if (rc == 0)
		rc = owner_check(c, next, err);
	if (rc != 0)
		goto out;
	if (cur == NULL)
		type_defaults(c, &t, next);
	rc = credential_attrs_conform(c->arena, &t, cur, next, err);
	if (rc == 0)
		rc = credential_keys_update(c->txn, c->arena, c->tenant,
		    str_member(next, "id"), &t, cur, next, err);
	/* A credential an issuance rule issued (staged.h). */
	if (rc == 0)
		rc = staged_credential_changed(c, cur, next, err);
out:
	return rc;
}

static int
credential_on_delete(const struct resource_ctx *c, struct store_txn *txn,
    const struct json_value *cur, struct scim_err *err)
{
	int rc;

	rc = credential_keys_update(txn, c->arena, c->tenant,
	    str_member(cur, "id"), NULL, cur, NULL, err);
	if (rc == 0)
		rc = staged_credential_changed(c, cur, NULL, err);
	return rc;
}

int
credential_delete_owned(
    const struct resource_ctx *c, struct str owner, struct scim_err *err)
{
	const struct schema_rtype *rt =
	    schema_rtype_find(c->rt->reg, STR_LIT("Credential"));
	struct resource_ctx in = *c;
	struct json_value *cur;
	struct uniq_set keys;
	struct str *ids;
	size_t i, n = 0;
	int rc;

	if (rt == NULL)
		return 0; /* no Credentials served, none stored */
	in.rt = rt;
	rc = credential_keys_owned(
	    c->txn, c->arena, c->tenant, owner, &ids, &n, err);
	for (i = 0; i < n && rc == 0; i++) {
		rc = record_load(
		    c->txn, c->arena, c->tenant, rt, ids[i], &cur, err);
		if (rc == 0)
			rc = credential_on_delete(&in, c->txn, cur, err);
		if (rc != 0)
			break;
		uniq_collect(c->arena, rt, cur, &keys);
		rc = uniq_update(
		    c->txn, c->tenant, rt, ids[i], &keys, NULL, err);
		if (rc == 0)
			rc = store_rec_del(c->txn, c->tenant,
			    STR_LIT("Credential"), ids[i], err);
	}
	return rc;
}

/* ---------------------------------------------------------- output */

static void
credential_to_output(const struct resource_ctx *c, struct json_value *res)
{
	struct json_value *st = json_object_get_cstr(res, "status");
	struct json_value *o = json_object_get_cstr(res, "owner"), *ref;
	struct str v = str_member(o, "value");

	if (st != NULL && st->type == JSON_OBJECT)
		json_object_set_cstr(c->arena, st, "active",
		    json_bool(c->arena, credential_is_active(res, c->now_ms)));
	/* RFC 7643 §2.3.7: the owner's URI, on the request's base URL */
	ref = v.len > 0 ? resource_ref(c, "User", v) : NULL;
	if (ref != NULL)
		json_object_set_cstr(c->arena, o, "$ref", ref);
}

const struct resource_hooks credential_hooks = {
    .name = "Credential",
    .prepare_create = credential_prepare_create,
    .prepare_replace = credential_prepare_replace,
    .in_txn = credential_in_txn,
    .on_delete = credential_on_delete,
    .to_output = credential_to_output,
};
