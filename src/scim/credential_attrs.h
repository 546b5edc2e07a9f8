/*
 * The typed custom attributes of a Credential, HID's "attributes" list
 * of {name, type, value, readOnly}, and the rules its CredentialType
 * sets for them (Nevis-style property definitions).
 *
 * Shape, checked without the type (prepare_create, prepare_replace):
 *  - name is required and unique within the credential (compared
 *    exactly: HID names such as MY_ATTR1 are case-sensitive);
 *  - type, when given, is one of STRING DATE INT LONG BOOLEAN (any case;
 *    stored upper-case);
 *  - value, when given, is a string that must read as the given type:
 *    DATE an ISO 8601 date-time (stored in UTC), INT a 32-bit and LONG a
 *    64-bit integer (stored in plain decimal), BOOLEAN true or false
 *    (stored lower-case);
 *  - readOnly, when given, is a boolean.
 *
 * Against the type, inside the write transaction (credential_attrs_conform
 * from the Credential's in_txn hook, on create, PUT and PATCH): every name
 * must be defined by the type, values must fit the definition (type,
 * maxLength, pattern), required attributes must be present, defaults fill
 * absent ones, and readOnly comes from the definition; a readOnly value,
 * once stored, cannot change or be removed.
 *
 * Failures are 400s whose detail names the attribute and the rule, and
 * ends with the matching Nevis error kind in brackets, e.g.
 * attributes[name eq "PIN"].value: longer than maxLength 8 (stringmaxlen).
 */
#ifndef SCIM_CREDENTIAL_ATTRS_H
#define SCIM_CREDENTIAL_ATTRS_H

#include "json/json.h"
#include "scim/resource.h"
#include "util/arena.h"
#include "util/scim_err.h"

struct credential_type;
struct credential_type_def;

enum credential_attr_type {
	CREDENTIAL_ATTR_STRING,
	CREDENTIAL_ATTR_DATE,
	CREDENTIAL_ATTR_INT,
	CREDENTIAL_ATTR_LONG,
	CREDENTIAL_ATTR_BOOLEAN,
	CREDENTIAL_ATTR_NTYPES
};

/* Case-insensitive; 0, or -1 for an unknown name. */
int credential_attr_type_parse(struct str s, enum credential_attr_type *out);
/* Canonical upper-case name. */
const char *credential_attr_type_name(enum credential_attr_type t);

/*
 * The canonical text of value s for type t into *out (arena-owned, or s
 * itself for STRING). SCIM_E_INVALID_VALUE with a detail that starts with
 * label (e.g. `attributes[name eq "X"].value`) when s does not read as t.
 */
int credential_attr_value(struct arena *a, enum credential_attr_type t,
    struct str s, const char *label, struct str *out, struct scim_err *err);

/* Checks the shape of one element and normalises it in place. */
int credential_attrs_check_one(
    struct arena *a, struct json_value *elem, struct scim_err *err);

/* Checks every element of a list in place, and that names are unique. */
int credential_attrs_check(
    struct arena *a, struct json_value *list, struct scim_err *err);

/*
 * PUT: when the body has an `attributes` section (even [] or null) it is
 * the new list, shape-checked and written into next; without the
 * section, next keeps the stored list (HID: a section left out is not
 * updated). The type's rules follow in credential_attrs_conform.
 */
int credential_attrs_replace(struct arena *a, struct json_value *next,
    const struct resource_put *put, struct scim_err *err);

/*
 * A STRING value v against definition d: at most d->max_length
 * characters (Nevis stringmaxlen) and matching d->pattern (stringregex).
 * SCIM_E_INVALID_VALUE with a detail starting with label otherwise.
 */
int credential_attrs_string_rules(struct arena *a,
    const struct credential_type_def *d, struct str v, const char *label,
    struct scim_err *err);

/*
 * Makes next's `attributes` follow type t (see above), in place; cur is
 * the stored credential (NULL on create). SCIM_E_INVALID_VALUE, or
 * SCIM_E_MUTABILITY for a readOnly value changed or removed.
 */
int credential_attrs_conform(struct arena *a, const struct credential_type *t,
    const struct json_value *cur, struct json_value *next,
    struct scim_err *err);

#endif
