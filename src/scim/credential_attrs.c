/*
 * The typed custom attributes of a Credential (HID "attributes": name,
 * type, value, readOnly): each value must read as its declared type and
 * is stored in one canonical spelling, names are unique, and readOnly
 * ones survive a PUT unchanged. See credential_attrs.h.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "scim/credential_attrs.h"
#include "scim/detail.h"
#include "util/date.h"
#include "util/num.h"

enum attr_type {
	ATTR_STRING,
	ATTR_DATE,
	ATTR_INT,
	ATTR_LONG,
	ATTR_BOOLEAN,
	ATTR_NTYPES
};

static const char *const attr_type_names[ATTR_NTYPES] = {
    [ATTR_STRING] = "STRING",
    [ATTR_DATE] = "DATE",
    [ATTR_INT] = "INT",
    [ATTR_LONG] = "LONG",
    [ATTR_BOOLEAN] = "BOOLEAN",
};

static struct str
str_member(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

static int
attr_type_parse(struct str s, enum attr_type *out)
{
	int i, rc = -1;

	for (i = 0; i < ATTR_NTYPES && rc != 0; i++) {
		if (str_caseeq_cstr(s, attr_type_names[i])) {
			*out = (enum attr_type)i;
			rc = 0;
		}
	}
	return rc;
}

/*
 * The canonical text of value s for type t into out (arena), or -1 when
 * s does not fit t.
 */
static int
value_canon(struct arena *a, enum attr_type t, struct str s, struct str *out)
{
	char buf[DATE_BUFSZ];
	int64_t v;
	int rc = 0;

	buf[0] = '\0';
	if (t == ATTR_DATE && (rc = date_parse(s, &v)) == 0)
		date_format(v, buf);
	else if ((t == ATTR_INT || t == ATTR_LONG) &&
	    (rc = num_parse_range(s, t == ATTR_INT ? INT32_MIN : INT64_MIN,
		 t == ATTR_INT ? INT32_MAX : INT64_MAX, &v)) == 0)
		snprintf(buf, sizeof(buf), "%" PRId64, v);
	else if (t == ATTR_BOOLEAN && str_caseeq_cstr(s, "true"))
		snprintf(buf, sizeof(buf), "true");
	else if (t == ATTR_BOOLEAN && str_caseeq_cstr(s, "false"))
		snprintf(buf, sizeof(buf), "false");
	else if (t == ATTR_BOOLEAN)
		rc = -1;
	if (rc == 0)
		*out = t == ATTR_STRING ? s : str_from(arena_strdup(a, buf));
	return rc;
}

static int
attr_type_member(struct arena *a, struct json_value *e, struct str name,
    enum attr_type *t, struct scim_err *err)
{
	struct json_value *v = json_object_get_cstr(e, "type");
	int rc = 0;

	*t = ATTR_STRING;
	if (v != NULL && v->type != JSON_NULL &&
	    (v->type != JSON_STRING || attr_type_parse(v->u.string, t) != 0))
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "attributes[name eq \"%.*s\"].type: must be one of "
		    "STRING, DATE, INT, LONG, BOOLEAN",
		    STR_FMT(detail_quote(name)));
	else
		json_object_set_cstr(
		    a, e, "type", json_cstring(a, attr_type_names[*t]));
	return rc;
}

static int
attr_value_member(struct arena *a, struct json_value *e, struct str name,
    enum attr_type t, struct scim_err *err)
{
	struct json_value *v = json_object_get_cstr(e, "value");
	struct str canon;
	int rc = 0;

	if (v == NULL)
		goto out;
	if (v->type == JSON_NULL) {
		json_object_remove(e, STR_LIT("value"));
		goto out;
	}
	if (v->type != JSON_STRING) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "attributes[name eq \"%.*s\"].value: must be a string",
		    STR_FMT(detail_quote(name)));
		goto out;
	}
	if (value_canon(a, t, v->u.string, &canon) != 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "attributes[name eq \"%.*s\"].value: \"%.*s\" is not a %s",
		    STR_FMT(detail_quote(name)),
		    STR_FMT(detail_quote(v->u.string)), attr_type_names[t]);
		goto out;
	}
	if (canon.ptr != v->u.string.ptr)
		json_object_set_cstr(a, e, "value", json_string(a, canon));
out:
	return rc;
}

int
credential_attrs_check_one(
    struct arena *a, struct json_value *elem, struct scim_err *err)
{
	struct json_value *ro;
	struct str name;
	enum attr_type t;
	int rc;

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
	rc = attr_type_member(a, elem, name, &t, err);
	if (rc == 0)
		rc = attr_value_member(a, elem, name, t, err);
	if (rc != 0)
		goto out;
	ro = json_object_get_cstr(elem, "readOnly");
	if (ro != NULL && ro->type != JSON_BOOL && ro->type != JSON_NULL) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "attributes[name eq \"%.*s\"].readOnly: must be a boolean",
		    STR_FMT(detail_quote(name)));
		goto out;
	}
	if (ro == NULL || ro->type == JSON_NULL)
		json_object_set_cstr(a, elem, "readOnly", json_bool(a, 0));
out:
	return rc;
}

static int
elem_read_only(const struct json_value *e)
{
	const struct json_value *v = json_object_get_cstr(e, "readOnly");

	return v != NULL && v->type == JSON_BOOL && v->u.boolean;
}

/* Elements of an `attributes` list sorted by name, for lookups that stay
 * O(n log n) with 10,000 elements. */
struct name_index {
	struct str name;
	struct json_value *elem;
};

static int
name_cmp(const void *x, const void *y)
{
	const struct name_index *a = x, *b = y;

	return str_cmp(a->name, b->name);
}

static struct name_index *
index_build(struct arena *a, const struct json_value *list, size_t *n)
{
	struct name_index *ix;
	size_t i;

	*n = list != NULL && list->type == JSON_ARRAY ? list->u.array.len : 0;
	ix = arena_allocarray(a, *n + 1, sizeof(*ix));
	for (i = 0; i < *n; i++) {
		ix[i].elem = list->u.array.items[i];
		ix[i].name = str_member(ix[i].elem, "name");
	}
	if (*n > 1)
		qsort(ix, *n, sizeof(*ix), name_cmp);
	return ix;
}

static struct json_value *
index_find(const struct name_index *ix, size_t n, struct str name)
{
	struct name_index key = {.name = name};
	const struct name_index *hit = NULL;

	if (n > 0)
		hit = bsearch(&key, ix, n, sizeof(*ix), name_cmp);
	return hit != NULL ? hit->elem : NULL;
}

/*
 * Normalises every element of an `attributes` array and rejects
 * duplicate names (compared exactly: HID names such as MY_ATTR1 are
 * case-sensitive).
 */
int
credential_attrs_check(
    struct arena *a, struct json_value *list, struct scim_err *err)
{
	struct name_index *ix;
	size_t i, n;
	int rc = 0;

	if (list->type != JSON_ARRAY) {
		rc = scim_err_set(
		    err, SCIM_E_INVALID_VALUE, "attributes: must be an array");
		goto out;
	}
	for (i = 0; rc == 0 && i < list->u.array.len; i++)
		rc = credential_attrs_check_one(a, list->u.array.items[i], err);
	if (rc != 0)
		goto out;
	ix = index_build(a, list, &n);
	for (i = 1; i < n; i++) {
		if (str_eq(ix[i - 1].name, ix[i].name)) {
			rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "attributes: name \"%.*s\" appears more than once",
			    STR_FMT(detail_quote(ix[i].name)));
			goto out;
		}
	}
out:
	return rc;
}

static int
same_text(struct str x, struct str y)
{
	return (x.ptr == NULL) == (y.ptr == NULL) && str_eq(x, y);
}

/*
 * A readOnly attribute kept in a PUT: its type and value must not change
 * and it stays readOnly. Only an explicit "readOnly": false is refused;
 * leaving the flag out keeps it.
 */
static int
keep_read_only(struct arena *a, struct json_value *e,
    const struct json_value *old, int explicit_rw, struct scim_err *err)
{
	struct str name = str_member(e, "name");
	int rc = 0;

	if (!same_text(str_member(e, "type"), str_member(old, "type")) ||
	    !same_text(str_member(e, "value"), str_member(old, "value")))
		rc = scim_err_set(err, SCIM_E_MUTABILITY,
		    "attributes[name eq \"%.*s\"] is readOnly: its type and "
		    "value cannot change",
		    STR_FMT(detail_quote(name)));
	else if (explicit_rw)
		rc = scim_err_set(err, SCIM_E_MUTABILITY,
		    "attributes[name eq \"%.*s\"] is readOnly and stays so",
		    STR_FMT(detail_quote(name)));
	else
		json_object_set_cstr(a, e, "readOnly", json_bool(a, 1));
	return rc;
}

/* 1 for each element that says "readOnly": false in so many words. */
static unsigned char *
explicit_rw_flags(struct arena *a, const struct json_value *list)
{
	const struct json_value *v;
	unsigned char *f;
	size_t i;

	f = arena_alloc(a, list->u.array.len + 1);
	for (i = 0; i < list->u.array.len; i++) {
		v = json_object_get_cstr(list->u.array.items[i], "readOnly");
		f[i] = v != NULL && v->type == JSON_BOOL && !v->u.boolean;
	}
	return f;
}

/*
 * PUT with an `attributes` section: it is the new list. Stored
 * attributes missing from it are deleted unless readOnly; readOnly ones
 * that stay keep their type and value; new ones are added.
 */
int
credential_attrs_replace(struct arena *a, struct json_value *next,
    const struct resource_put *put, struct scim_err *err)
{
	const struct json_value *b =
	    json_object_get_cstr(put->body, "attributes");
	struct json_value *list, *old;
	struct name_index *oix, *nix;
	unsigned char *rw;
	size_t i, on, nn;
	int rc = 0;

	if (b == NULL && json_object_get_cstr(put->raw, "attributes") == NULL)
		goto out; /* left out: kept */
	/* Present but dropped by validation: [] or null, an empty list. */
	list = b != NULL ? json_clone(a, b) : json_array(a);
	rw = explicit_rw_flags(a, list);
	if ((rc = credential_attrs_check(a, list, err)) != 0)
		goto out;
	oix = index_build(a, json_object_get_cstr(put->cur, "attributes"), &on);
	for (i = 0; rc == 0 && i < list->u.array.len; i++) {
		struct json_value *e = list->u.array.items[i];
		old = index_find(oix, on, str_member(e, "name"));
		if (old != NULL && elem_read_only(old))
			rc = keep_read_only(a, e, old, rw[i], err);
	}
	nix = index_build(a, list, &nn);
	for (i = 0; rc == 0 && i < on; i++)
		if (elem_read_only(oix[i].elem) &&
		    index_find(nix, nn, oix[i].name) == NULL)
			rc = scim_err_set(err, SCIM_E_MUTABILITY,
			    "attributes[name eq \"%.*s\"] is readOnly and "
			    "cannot be removed",
			    STR_FMT(detail_quote(oix[i].name)));
	if (rc == 0 && list->u.array.len > 0)
		json_object_set_cstr(a, next, "attributes", list);
	else if (rc == 0)
		json_object_remove(next, STR_LIT("attributes"));
out:
	return rc;
}
