/*
 * The typed custom attributes of a Credential (HID "attributes": name,
 * type, value, readOnly): their shape, the canonical spelling of each
 * type's values, and the rules of the credential's CredentialType. See
 * credential_attrs.h.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "scim/credential_attrs.h"
#include "scim/credential_pattern.h"
#include "scim/credential_type.h"
#include "scim/detail.h"
#include "util/date.h"
#include "util/num.h"

static const char *const type_names[CREDENTIAL_ATTR_NTYPES] = {
    [CREDENTIAL_ATTR_STRING] = "STRING",
    [CREDENTIAL_ATTR_DATE] = "DATE",
    [CREDENTIAL_ATTR_INT] = "INT",
    [CREDENTIAL_ATTR_LONG] = "LONG",
    [CREDENTIAL_ATTR_BOOLEAN] = "BOOLEAN",
};

/* What a value of each type looks like, for details. */
static const char *const type_hints[CREDENTIAL_ATTR_NTYPES] = {
    [CREDENTIAL_ATTR_STRING] = "a string (invalidData)",
    [CREDENTIAL_ATTR_DATE] =
	"a date-time such as 2018-11-21T14:14:59Z (invalidDate)",
    [CREDENTIAL_ATTR_INT] =
	"a whole number from -2147483648 to 2147483647 (invalidData)",
    [CREDENTIAL_ATTR_LONG] = "a 64-bit whole number (invalidData)",
    [CREDENTIAL_ATTR_BOOLEAN] = "true or false (invalidData)",
};

static struct str
str_member(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

int
credential_attr_type_parse(struct str s, enum credential_attr_type *out)
{
	int i, rc = -1;

	for (i = 0; i < CREDENTIAL_ATTR_NTYPES && rc != 0; i++) {
		if (str_caseeq_cstr(s, type_names[i])) {
			*out = (enum credential_attr_type)i;
			rc = 0;
		}
	}
	return rc;
}

const char *
credential_attr_type_name(enum credential_attr_type t)
{
	return (unsigned)t < CREDENTIAL_ATTR_NTYPES ? type_names[t] : "?";
}

/* The canonical text of s for t into buf (empty for STRING), or -1. */
static int
canon(enum credential_attr_type t, struct str s, char buf[DATE_BUFSZ])
{
	int64_t v;
	int rc = 0;

	buf[0] = '\0';
	if (t == CREDENTIAL_ATTR_DATE && (rc = date_parse(s, &v)) == 0)
		date_format(v, buf);
	else if ((t == CREDENTIAL_ATTR_INT || t == CREDENTIAL_ATTR_LONG) &&
	    (rc = num_parse_range(s,
		 t == CREDENTIAL_ATTR_INT ? INT32_MIN : INT64_MIN,
		 t == CREDENTIAL_ATTR_INT ? INT32_MAX : INT64_MAX, &v)) == 0)
		snprintf(buf, DATE_BUFSZ, "%" PRId64, v);
	else if (t == CREDENTIAL_ATTR_BOOLEAN && str_caseeq_cstr(s, "true"))
		snprintf(buf, DATE_BUFSZ, "true");
	else if (t == CREDENTIAL_ATTR_BOOLEAN && str_caseeq_cstr(s, "false"))
		snprintf(buf, DATE_BUFSZ, "false");
	else if (t == CREDENTIAL_ATTR_BOOLEAN)
		rc = -1;
	return rc;
}

int
credential_attr_value(struct arena *a, enum credential_attr_type t,
    struct str s, const char *label, struct str *out, struct scim_err *err)
{
	char buf[DATE_BUFSZ];
	int rc;

	rc = canon(t, s, buf);
	if (rc != 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: \"%.*s\" is not a%s %s, %s", label,
		    STR_FMT(detail_quote(s)),
		    t == CREDENTIAL_ATTR_INT ? "n" : "", type_names[t],
		    type_hints[t]);
		goto out;
	}
	*out = t == CREDENTIAL_ATTR_STRING ? s : str_from(arena_strdup(a, buf));
out:
	return rc;
}

static const char *
elem_label(struct arena *a, struct str name, const char *sub)
{
	return arena_printf(a, "attributes[name eq \"%.*s\"]%s%s",
	    STR_FMT(detail_quote(name)), sub[0] != '\0' ? "." : "", sub);
}

/* ------------------------------------------------------------- shape */

static int
shape_type(struct arena *a, struct json_value *e, struct str name,
    enum credential_attr_type *t, int *has, struct scim_err *err)
{
	struct json_value *v = json_object_get_cstr(e, "type");
	int rc = 0;

	*has = 0;
	if (v == NULL || v->type == JSON_NULL) {
		json_object_remove(e, STR_LIT("type"));
	} else if (v->type != JSON_STRING ||
	    credential_attr_type_parse(v->u.string, t) != 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: must be one of STRING, DATE, INT, LONG, BOOLEAN "
		    "(invalidData)",
		    elem_label(a, name, "type"));
	} else {
		json_object_set_cstr(
		    a, e, "type", json_cstring(a, type_names[*t]));
		*has = 1;
	}
	return rc;
}

/* The value, when given, is a string; with a type given it must read as
 * that type and is rewritten in its canonical form. */
static int
shape_value(struct arena *a, struct json_value *e, struct str name,
    const enum credential_attr_type *t, struct scim_err *err)
{
	struct json_value *v = json_object_get_cstr(e, "value");
	struct str c;
	int rc = 0;

	if (v == NULL)
		goto out;
	if (v->type == JSON_NULL) {
		json_object_remove(e, STR_LIT("value"));
		goto out;
	}
	if (v->type != JSON_STRING) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: must be a string (invalidData)",
		    elem_label(a, name, "value"));
		goto out;
	}
	if (t == NULL)
		goto out;
	rc = credential_attr_value(
	    a, *t, v->u.string, elem_label(a, name, "value"), &c, err);
	if (rc == 0 && c.ptr != v->u.string.ptr)
		json_object_set_cstr(a, e, "value", json_string(a, c));
out:
	return rc;
}

int
credential_attrs_check_one(
    struct arena *a, struct json_value *elem, struct scim_err *err)
{
	enum credential_attr_type t = CREDENTIAL_ATTR_STRING;
	struct json_value *ro;
	struct str name;
	int rc, has_type;

	if (elem == NULL || elem->type != JSON_OBJECT) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "attributes: every element must be an object");
		goto out;
	}
	name = str_member(elem, "name");
	if (name.len == 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "attributes: every element needs a non-empty name");
		goto out;
	}
	rc = shape_type(a, elem, name, &t, &has_type, err);
	if (rc == 0)
		rc = shape_value(a, elem, name, has_type ? &t : NULL, err);
	if (rc != 0)
		goto out;
	ro = json_object_get_cstr(elem, "readOnly");
	if (ro != NULL && ro->type == JSON_NULL)
		json_object_remove(elem, STR_LIT("readOnly"));
	else if (ro != NULL && ro->type != JSON_BOOL)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: must be a boolean", elem_label(a, name, "readOnly"));
out:
	return rc;
}

static int
name_cmp(const void *x, const void *y)
{
	const struct json_value *const *a = x, *const *b = y;

	return str_cmp(str_member(*a, "name"), str_member(*b, "name"));
}

int
credential_attrs_check(
    struct arena *a, struct json_value *list, struct scim_err *err)
{
	struct json_value **sorted;
	size_t i, n;
	int rc = 0;

	if (list->type != JSON_ARRAY) {
		rc = scim_err_set(
		    err, SCIM_E_INVALID_VALUE, "attributes: must be an array");
		goto out;
	}
	n = list->u.array.len;
	for (i = 0; rc == 0 && i < n; i++)
		rc = credential_attrs_check_one(a, list->u.array.items[i], err);
	if (rc != 0 || n < 2)
		goto out;
	/* Sorted, so duplicates are neighbours: O(n log n) for 10,000. */
	sorted = arena_allocarray(a, n, sizeof(*sorted));
	memcpy(sorted, list->u.array.items, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), name_cmp);
	for (i = 1; i < n && rc == 0; i++)
		if (name_cmp(&sorted[i - 1], &sorted[i]) == 0)
			rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "attributes: name \"%.*s\" appears more than once",
			    STR_FMT(
				detail_quote(str_member(sorted[i], "name"))));
out:
	return rc;
}

int
credential_attrs_replace(struct arena *a, struct json_value *next,
    const struct resource_put *put, struct scim_err *err)
{
	const struct json_value *b =
	    json_object_get_cstr(put->body, "attributes");
	struct json_value *list;
	int rc = 0;

	if (b == NULL && json_object_get_cstr(put->raw, "attributes") == NULL)
		goto out; /* left out: kept */
	/* Present but dropped by validation: [] or null, an empty list. */
	list = b != NULL ? json_clone(a, b) : json_array(a);
	rc = credential_attrs_check(a, list, err);
	if (rc == 0 && list->u.array.len > 0)
		json_object_set_cstr(a, next, "attributes", list);
	else if (rc == 0)
		json_object_remove(next, STR_LIT("attributes"));
out:
	return rc;
}

/* ------------------------------------------------ the type's rules */

/* Characters (UTF-8 code points) in s; validated UTF-8 is assumed. */
static size_t
chars(struct str s)
{
	size_t i, n = 0;

	for (i = 0; i < s.len; i++)
		n += ((unsigned char)s.ptr[i] & 0xc0) != 0x80;
	return n;
}

int
credential_attrs_string_rules(struct arena *a,
    const struct credential_type_def *d, struct str v, const char *label,
    struct scim_err *err)
{
	int rc = 0, m;

	(void)a;
	if (d->max_length > 0 && chars(v) > (uint64_t)d->max_length) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: longer than maxLength %" PRId64 " (stringmaxlen)",
		    label, d->max_length);
		goto out;
	}
	if (d->pattern.ptr == NULL)
		goto out;
	m = credential_pattern_match(d->pattern, v);
	if (m != 1)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: does not match the pattern \"%.*s\"%s (stringregex)",
		    label, STR_FMT(detail_quote(d->pattern)),
		    v.len > CREDENTIAL_PATTERN_VALUE_MAX
			? ", which is checked against at most 1024 bytes"
			: "");
out:
	return rc;
}

/* One element against its definition: type, value, readOnly. */
static int
conform_one(struct arena *a, const struct credential_type *t,
    const struct credential_type_def *d, struct json_value *e,
    struct scim_err *err)
{
	struct str declared = str_member(e, "type"), v, c;
	enum credential_attr_type dt;
	int rc = 0;

	if (declared.ptr != NULL &&
	    (credential_attr_type_parse(declared, &dt) != 0 || dt != d->type)) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: credential type %.*s defines %.*s as %s, not %.*s "
		    "(invalidData)",
		    elem_label(a, d->name, "type"), STR_FMT(t->id),
		    STR_FMT(d->name), type_names[d->type],
		    STR_FMT(detail_quote(declared)));
		goto out;
	}
	json_object_set_cstr(
	    a, e, "type", json_cstring(a, type_names[d->type]));
	json_object_set_cstr(a, e, "readOnly", json_bool(a, d->read_only));
	v = str_member(e, "value");
	if (v.ptr == NULL)
		goto out;
	rc = credential_attr_value(
	    a, d->type, v, elem_label(a, d->name, "value"), &c, err);
	if (rc == 0 && d->type == CREDENTIAL_ATTR_STRING)
		rc = credential_attrs_string_rules(
		    a, d, c, elem_label(a, d->name, "value"), err);
	if (rc == 0 && c.ptr != v.ptr)
		json_object_set_cstr(a, e, "value", json_string(a, c));
out:
	return rc;
}

static struct json_value *
find_elem(const struct json_value *list, struct str name)
{
	size_t i;

	for (i = 0;
	     list != NULL && list->type == JSON_ARRAY && i < list->u.array.len;
	     i++)
		if (str_eq(str_member(list->u.array.items[i], "name"), name))
			return list->u.array.items[i];
	return NULL;
}

/* Defaults for absent attributes or values, then required ones. */
static int
fill_defaults(struct arena *a, const struct credential_type *t,
    struct json_value *list, struct scim_err *err)
{
	const struct credential_type_def *d;
	struct json_value *e;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->ndefs && rc == 0; i++) {
		d = &t->defs[i];
		e = find_elem(list, d->name);
		if (e == NULL && d->default_value.ptr != NULL) {
			e = json_object(a);
			json_object_set_cstr(
			    a, e, "name", json_string(a, d->name));
			json_object_set_cstr(
			    a, e, "type", json_cstring(a, type_names[d->type]));
			json_object_set_cstr(
			    a, e, "readOnly", json_bool(a, d->read_only));
			json_array_append(a, list, e);
		}
		if (e != NULL && str_member(e, "value").ptr == NULL &&
		    d->default_value.ptr != NULL)
			json_object_set_cstr(
			    a, e, "value", json_string(a, d->default_value));
		/* an empty string is no value either */
		if (d->required && str_member(e, "value").len == 0)
			rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "%s: required by credential type %.*s but has no "
			    "value (mandatoryParameterMissing)",
			    elem_label(a, d->name, ""), STR_FMT(t->id));
	}
	return rc;
}

/* A readOnly value, once stored, stays (Nevis modifyReadonlyData). */
static int
keep_read_only(struct arena *a, const struct credential_type *t,
    const struct json_value *cur, const struct json_value *list,
    struct scim_err *err)
{
	const struct json_value *old = json_object_get_cstr(cur, "attributes");
	const struct credential_type_def *d;
	const struct json_value *e;
	struct str name, was;
	size_t i;
	int rc = 0;

	for (i = 0; old != NULL && old->type == JSON_ARRAY &&
	     i < old->u.array.len && rc == 0;
	     i++) {
		name = str_member(old->u.array.items[i], "name");
		was = str_member(old->u.array.items[i], "value");
		d = credential_type_def_find(t, name);
		if (d == NULL || !d->read_only || was.ptr == NULL)
			continue;
		e = find_elem(list, name);
		if (e == NULL || str_member(e, "value").ptr == NULL)
			rc = scim_err_set(err, SCIM_E_MUTABILITY,
			    "%s is readOnly and cannot be removed "
			    "(modifyReadonlyData)",
			    elem_label(a, name, ""));
		else if (!str_eq(str_member(e, "value"), was))
			rc = scim_err_set(err, SCIM_E_MUTABILITY,
			    "%s is readOnly: its value cannot change "
			    "(modifyReadonlyData)",
			    elem_label(a, name, "value"));
	}
	return rc;
}

int
credential_attrs_conform(struct arena *a, const struct credential_type *t,
    const struct json_value *cur, struct json_value *next, struct scim_err *err)
{
	struct json_value *list = json_object_get_cstr(next, "attributes");
	const struct credential_type_def *d;
	struct json_value *e;
	struct str name;
	size_t i;
	int rc = 0;

	if (list == NULL || list->type != JSON_ARRAY)
		list = json_array(a);
	for (i = 0; i < list->u.array.len && rc == 0; i++) {
		e = list->u.array.items[i];
		name = str_member(e, "name");
		d = credential_type_def_find(t, name);
		if (d == NULL)
			rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "%s: credential type %.*s defines no attribute of "
			    "this name (invalidParameter)",
			    elem_label(a, name, ""), STR_FMT(t->id));
		else
			rc = conform_one(a, t, d, e, err);
	}
	if (rc == 0)
		rc = fill_defaults(a, t, list, err);
	if (rc == 0 && cur != NULL)
		rc = keep_read_only(a, t, cur, list, err);
	if (rc == 0 && list->u.array.len > 0)
		json_object_set_cstr(a, next, "attributes", list);
	else if (rc == 0)
		json_object_remove(next, STR_LIT("attributes"));
	return rc;
}
