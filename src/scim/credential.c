/*
 * Credential rules (HID Authentication Service): the status machine,
 * status.active, and PUT that keeps whatever section the body leaves
 * out ("If any of the sections are removed from
 * the PUT, then that section will not be updated"). Shapes and types
 * were checked by validate.c against scim-schemas/ before these run; the
 * checks repeated here keep the rules safe on their own.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "scim/credential.h"
#include "scim/credential_attrs.h"
#include "scim/detail.h"
#include "util/date.h"
#include "util/num.h"

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
		    "2018-11-21T14:14:59Z",
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
		    "status.startDate (%s) is after status.expiryDate (%s)",
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
	}
	json_object_set_cstr(a, st, "status", json_cstring(a, status_names[v]));
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

/* ---------------------------------------------------------- output */

static void
credential_to_output(const struct resource_ctx *c, struct json_value *res)
{
	struct json_value *st = json_object_get_cstr(res, "status");

	if (st != NULL && st->type == JSON_OBJECT)
		json_object_set_cstr(c->arena, st, "active",
		    json_bool(c->arena, credential_is_active(res, c->now_ms)));
}

const struct resource_hooks credential_hooks = {
    .name = "Credential",
    .prepare_create = credential_prepare_create,
    .prepare_replace = credential_prepare_replace,
    .on_delete = NULL,
    .to_output = credential_to_output,
};
