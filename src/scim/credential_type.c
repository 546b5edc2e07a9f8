/*
 * The CredentialType resource: reading and checking a type's definition
 * (credential_type.h lists the rules), loading a tenant's type for the
 * Credential rules, and the hooks that make /CredentialTypes behave:
 * the client chooses the id (the type code), a type in use keeps the
 * type and uniqueness of its definitions, and a type with credentials
 * cannot be deleted.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "filter/filter.h"
#include "scim/credential_keys.h"
#include "scim/credential_pattern.h"
#include "scim/credential_type.h"
#include "scim/detail.h"
#include "scim/record.h"

/* Credentials counted before a delete is refused, at most. */
#define COUNT_MAX 1000

static const char *const uniq_names[] = {
    [CREDENTIAL_TYPE_UNIQ_NONE] = "none",
    [CREDENTIAL_TYPE_UNIQ_TENANT] = "tenant",
    [CREDENTIAL_TYPE_UNIQ_OWNER] = "owner",
};

static struct str
str_member(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

static int
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int
is_alnum(char c)
{
	return is_upper(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int
credential_type_id_ok(struct str id)
{
	size_t i;
	int ok = id.len > 0 && id.len <= CREDENTIAL_TYPE_ID_MAX &&
	    is_upper(id.ptr[0]);

	for (i = 1; ok && i < id.len; i++)
		ok = is_upper(id.ptr[i]) ||
		    (id.ptr[i] >= '0' && id.ptr[i] <= '9') || id.ptr[i] == '_';
	return ok;
}

/* A definition's name: a letter, then letters, digits, '_', '.', '-'. */
static int
def_name_ok(struct str s)
{
	size_t i;
	int ok = s.len > 0 && s.len <= CREDENTIAL_TYPE_NAME_MAX &&
	    is_alnum(s.ptr[0]) && !(s.ptr[0] >= '0' && s.ptr[0] <= '9');

	for (i = 1; ok && i < s.len; i++)
		ok = is_alnum(s.ptr[i]) || s.ptr[i] == '_' || s.ptr[i] == '.' ||
		    s.ptr[i] == '-';
	return ok;
}

static const char *
def_label(struct arena *a, struct str name, const char *sub)
{
	return arena_printf(a, "attributes[name eq \"%.*s\"]%s%s",
	    STR_FMT(detail_quote(name)), sub[0] != '\0' ? "." : "", sub);
}

/* obj[key] as a boolean, false (and written so) when absent. */
static int
flag(struct arena *a, struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);
	int on = v != NULL && v->type == JSON_BOOL && v->u.boolean;

	json_object_set_cstr(a, obj, key, json_bool(a, on));
	return on;
}

/* ---------------------------------------------------------- source */

/* source: an attribute path of the User resource type (when the server
 * has one) that names a simple, readable attribute. */
static int
check_source(struct arena *a, const struct schema_registry *reg, struct str src,
    const char *label, struct scim_err *err)
{
	const struct schema_attr *at, *sub = NULL, *leaf;
	const struct schema_rtype *user;
	const struct schema *owner;
	struct filter_node *n = NULL;
	int rc = 0;

	if (src.len == 0 || src.len > FILTER_MAX_PATH ||
	    filter_parse(a, str_from(arena_printf(a, "%.*s pr", STR_FMT(src))),
		&n, NULL) != 0 ||
	    n->op != FILTER_PR) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: not a User attribute path such as userName or "
		    "name.givenName",
		    label);
		goto out;
	}
	user = schema_rtype_find(reg, STR_LIT("User"));
	if (user == NULL)
		goto out; /* no Users served: the syntax is all we know */
	at = schema_resolve(user, &n->path, &owner, &sub);
	leaf = sub != NULL ? sub : at;
	if (at == NULL)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: the User resource type has no attribute \"%.*s\"",
		    label, STR_FMT(detail_quote(src)));
	else if (leaf->type == FILTER_T_COMPLEX)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: \"%.*s\" is complex; name one of its "
		    "sub-attributes, such as name.givenName",
		    label, STR_FMT(detail_quote(src)));
	else if (leaf->mutability == SCHEMA_MUT_WRITE_ONLY ||
	    leaf->returned == SCHEMA_RET_NEVER)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: \"%.*s\" is never returned and cannot be copied "
		    "into a credential",
		    label, STR_FMT(detail_quote(src)));
out:
	return rc;
}

/* ------------------------------------------------------ definitions */

static int
def_type(struct arena *a, struct json_value *e, struct credential_type_def *d,
    struct scim_err *err)
{
	struct str s = str_member(e, "type");
	int rc = 0;

	d->type = CREDENTIAL_ATTR_STRING;
	if (s.ptr != NULL && credential_attr_type_parse(s, &d->type) != 0)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: must be one of STRING, DATE, INT, LONG, BOOLEAN",
		    def_label(a, d->name, "type"));
	json_object_set_cstr(
	    a, e, "type", json_cstring(a, credential_attr_type_name(d->type)));
	return rc;
}

static int
def_uniqueness(struct arena *a, struct json_value *e,
    struct credential_type_def *d, struct scim_err *err)
{
	struct str s = str_member(e, "uniqueness");
	size_t i;
	int rc = 0;

	d->uniqueness = CREDENTIAL_TYPE_UNIQ_NONE;
	if (s.ptr != NULL) {
		for (i = 0; i < 3 && !str_caseeq_cstr(s, uniq_names[i]); i++)
			;
		if (i == 3)
			rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "%s: must be one of none, tenant, owner",
			    def_label(a, d->name, "uniqueness"));
		else
			d->uniqueness = (enum credential_type_uniq)i;
	}
	json_object_set_cstr(
	    a, e, "uniqueness", json_cstring(a, uniq_names[d->uniqueness]));
	return rc;
}

/* maxLength and pattern: STRING only. */
static int
def_string_rules(struct arena *a, struct json_value *e,
    struct credential_type_def *d, const struct schema_registry *check,
    struct scim_err *err)
{
	const struct json_value *ml = json_object_get_cstr(e, "maxLength");
	int rc = 0;

	d->max_length = 0;
	d->pattern = str_member(e, "pattern");
	if (d->type != CREDENTIAL_ATTR_STRING &&
	    (ml != NULL || d->pattern.ptr != NULL)) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: maxLength and pattern apply to STRING attributes "
		    "only",
		    def_label(a, d->name, ""));
		goto out;
	}
	if (ml != NULL &&
	    (ml->type != JSON_INT || ml->u.integer < 1 ||
		ml->u.integer > CREDENTIAL_TYPE_MAX_LENGTH)) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: must be an integer from 1 to %d",
		    def_label(a, d->name, "maxLength"),
		    CREDENTIAL_TYPE_MAX_LENGTH);
		goto out;
	}
	if (ml != NULL)
		d->max_length = ml->u.integer;
	if (d->pattern.ptr != NULL && check != NULL)
		rc = credential_pattern_check(
		    d->pattern, def_label(a, d->name, "pattern"), err);
out:
	return rc;
}

/* defaultValue: canonical for the type and within maxLength and pattern,
 * and not on a unique attribute (every credential would share it). */
static int
def_default(struct arena *a, struct json_value *e,
    struct credential_type_def *d, struct scim_err *err)
{
	const char *label = def_label(a, d->name, "defaultValue");
	struct str v = str_member(e, "defaultValue");
	int rc = 0;

	d->default_value = STR_NULL;
	if (v.ptr == NULL)
		goto out;
	if (d->uniqueness != CREDENTIAL_TYPE_UNIQ_NONE) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: an attribute with uniqueness %s cannot have a "
		    "default: every credential would get the same value",
		    label, uniq_names[d->uniqueness]);
		goto out;
	}
	rc =
	    credential_attr_value(a, d->type, v, label, &d->default_value, err);
	if (rc == 0 && d->type == CREDENTIAL_ATTR_STRING)
		rc = credential_attrs_string_rules(
		    a, d, d->default_value, label, err);
	if (rc == 0)
		json_object_set_cstr(
		    a, e, "defaultValue", json_string(a, d->default_value));
out:
	return rc;
}

static int
read_def(struct arena *a, struct json_value *e, size_t i,
    const struct schema_registry *check, struct credential_type_def *d,
    struct scim_err *err)
{
	int rc;

	d->name = str_member(e, "name");
	if (!def_name_ok(d->name)) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "attributes[%zu].name: 1 to %d of A-Z, a-z, 0-9, '_', '.' "
		    "and '-', starting with a letter",
		    i, CREDENTIAL_TYPE_NAME_MAX);
		goto out;
	}
	d->required = flag(a, e, "required");
	d->read_only = flag(a, e, "readOnly");
	rc = def_type(a, e, d, err);
	if (rc == 0)
		rc = def_uniqueness(a, e, d, err);
	if (rc == 0)
		rc = def_string_rules(a, e, d, check, err);
	if (rc == 0)
		rc = def_default(a, e, d, err);
	if (rc != 0)
		goto out;
	d->source = str_member(e, "source");
	if (d->source.ptr != NULL && check != NULL)
		rc = check_source(
		    a, check, d->source, def_label(a, d->name, "source"), err);
out:
	return rc;
}

static int
read_defs(struct arena *a, struct json_value *res,
    const struct schema_registry *check, struct credential_type *out,
    struct scim_err *err)
{
	struct json_value *l = json_object_get_cstr(res, "attributes");
	struct credential_type_def *defs;
	size_t i, j,
	    n = l != NULL && l->type == JSON_ARRAY ? l->u.array.len : 0;
	int rc = 0;

	if (n > CREDENTIAL_TYPE_MAX_DEFS) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "attributes: a credential type has at most %d",
		    CREDENTIAL_TYPE_MAX_DEFS);
		goto out;
	}
	defs = arena_allocarray(a, n + 1, sizeof(*defs));
	for (i = 0; i < n && rc == 0; i++) {
		rc = read_def(a, l->u.array.items[i], i, check, &defs[i], err);
		for (j = 0; j < i && rc == 0; j++)
			if (str_eq(defs[j].name, defs[i].name))
				rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
				    "attributes: name \"%.*s\" is defined "
				    "more than once",
				    STR_FMT(defs[i].name));
	}
	out->defs = defs;
	out->ndefs = n;
out:
	return rc;
}

/* management.mode, initialStatus and validityDays, defaults filled. */
static int
read_settings(struct arena *a, struct json_value *res,
    struct credential_type *out, struct scim_err *err)
{
	struct json_value *m = json_object_get_cstr(res, "management");
	const struct json_value *vd = json_object_get_cstr(res, "validityDays");
	struct str s;
	int rc = 0;

	if (m == NULL || m->type != JSON_OBJECT) {
		m = json_object(a);
		json_object_set_cstr(a, res, "management", m);
	}
	s = str_member(m, "mode");
	out->mode = str_caseeq_cstr(s, "AUTOMATED") ? CREDENTIAL_TYPE_AUTOMATED
						    : CREDENTIAL_TYPE_MANAGED;
	json_object_set_cstr(a, m, "mode",
	    json_cstring(a,
		out->mode == CREDENTIAL_TYPE_AUTOMATED ? "AUTOMATED"
						       : "MANAGED"));
	s = str_member(res, "initialStatus");
	out->initial_status = CREDENTIAL_PENDING;
	if (s.ptr != NULL &&
	    (credential_status_parse(s, &out->initial_status) != 0 ||
		(out->initial_status != CREDENTIAL_PENDING &&
		    out->initial_status != CREDENTIAL_ACTIVE)))
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "initialStatus: must be PENDING or ACTIVE");
	json_object_set_cstr(a, res, "initialStatus",
	    json_cstring(a, credential_status_name(out->initial_status)));
	out->validity_days =
	    vd != NULL && vd->type == JSON_INT ? vd->u.integer : -1;
	if (rc == 0 && out->validity_days != -1 &&
	    (out->validity_days < 1 ||
		out->validity_days > CREDENTIAL_TYPE_VALIDITY_MAX))
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "validityDays: -1 (never expires) or 1 to %d",
		    CREDENTIAL_TYPE_VALIDITY_MAX);
	json_object_set_cstr(
	    a, res, "validityDays", json_int(a, out->validity_days));
	return rc;
}

int
credential_type_read(struct arena *a, struct json_value *res,
    const struct schema_registry *check, struct credential_type *out,
    struct scim_err *err)
{
	int rc;

	out->id = str_member(res, "id");
	out->defs = NULL;
	out->ndefs = 0;
	rc = read_settings(a, res, out, err);
	if (rc == 0)
		rc = read_defs(a, res, check, out, err);
	return rc;
}

int
credential_type_load(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str code, struct credential_type *out, struct scim_err *err)
{
	struct json_value *res;
	struct str val;
	int rc;

	if (!credential_type_id_ok(code))
		return SCIM_E_NOT_FOUND;
	rc = store_rec_get(
	    txn, tenant, STR_LIT(CREDENTIAL_TYPE_RTYPE), code, &val);
	if (rc == 0)
		rc = record_decode(a, val, &res, err);
	if (rc == 0)
		rc = credential_type_read(a, res, NULL, out, err);
	return rc;
}

const struct credential_type_def *
credential_type_def_find(const struct credential_type *t, struct str name)
{
	size_t i;

	for (i = 0; name.ptr != NULL && i < t->ndefs; i++)
		if (str_eq(t->defs[i].name, name))
			return &t->defs[i];
	return NULL;
}

/* ------------------------------------------------------------ hooks */

static int
ctype_client_id(const struct resource_ctx *c, const struct json_value *body,
    struct str *id, struct scim_err *err)
{
	const struct json_value *v = json_object_get_cstr(body, "id");
	int rc = 0;

	(void)c;
	if (v == NULL || v->type != JSON_STRING)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "id: required: the type code that credentials name, such "
		    "as CT_ACODE");
	else if (!credential_type_id_ok(v->u.string))
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "id: \"%.*s\" is not a type code: 1 to %d of A-Z, 0-9 and "
		    "'_', starting with a letter, such as CT_ACODE",
		    STR_FMT(detail_quote(v->u.string)), CREDENTIAL_TYPE_ID_MAX);
	else
		*id = v->u.string;
	return rc;
}

static int
ctype_prepare_create(
    const struct resource_ctx *c, struct json_value *res, struct scim_err *err)
{
	struct credential_type t;

	return credential_type_read(c->arena, res, c->rt->reg, &t, err);
}

static int
ctype_prepare_replace(const struct resource_ctx *c,
    const struct resource_put *put, struct json_value **out,
    struct scim_err *err)
{
	struct credential_type t;
	int rc;

	rc = resource_replace_default(c, put, out, err);
	if (rc == 0)
		rc = credential_type_read(c->arena, *out, c->rt->reg, &t, err);
	return rc;
}

/* The first definition in both whose type or uniqueness differs. */
static const struct credential_type_def *
changed_def(const struct credential_type *was, const struct credential_type *is)
{
	const struct credential_type_def *o;
	size_t i;

	for (i = 0; i < is->ndefs; i++) {
		o = credential_type_def_find(was, is->defs[i].name);
		if (o != NULL &&
		    (o->type != is->defs[i].type ||
			o->uniqueness != is->defs[i].uniqueness))
			return &is->defs[i];
	}
	return NULL;
}

/* Replace and patch: a definition's type and uniqueness stay while the
 * type has credentials, whose values and keys follow the old ones. */
static int
ctype_in_txn(const struct resource_ctx *c, const struct json_value *cur,
    struct json_value *next, struct scim_err *err)
{
	struct credential_type was, is;
	const struct credential_type_def *d;
	size_t n = 0;
	int rc;

	if (cur == NULL)
		return 0;
	rc = credential_type_read(
	    c->arena, json_clone(c->arena, cur), NULL, &was, err);
	if (rc == 0)
		rc = credential_type_read(c->arena, next, NULL, &is, err);
	if (rc != 0 || (d = changed_def(&was, &is)) == NULL)
		return rc;
	rc = credential_keys_count(c->txn, c->tenant, is.id, 1, &n, err);
	if (rc == 0 && n > 0)
		rc = scim_err_set(err, SCIM_E_MUTABILITY,
		    "%s: type and uniqueness cannot change while credentials "
		    "of type %.*s exist",
		    def_label(c->arena, d->name, ""), STR_FMT(is.id));
	return rc;
}

static int
ctype_on_delete(const struct resource_ctx *c, struct store_txn *txn,
    const struct json_value *cur, struct scim_err *err)
{
	struct str code = str_member(cur, "id");
	size_t n = 0;
	int rc;

	rc = credential_keys_count(txn, c->tenant, code, COUNT_MAX, &n, err);
	if (rc == 0 && n > 0)
		rc = scim_err_set(err, SCIM_E_CONFLICT,
		    "CredentialType %.*s still has %s%zu credential%s; delete "
		    "them first (undeletedDependencies)",
		    STR_FMT(code), n >= COUNT_MAX ? "at least " : "", n,
		    n == 1 ? "" : "s");
	return rc;
}

const struct resource_hooks credential_type_hooks = {
    .name = CREDENTIAL_TYPE_RTYPE,
    .client_id = ctype_client_id,
    .prepare_create = ctype_prepare_create,
    .prepare_replace = ctype_prepare_replace,
    .in_txn = ctype_in_txn,
    .on_delete = ctype_on_delete,
};
