/*
 * The typed custom attributes of a Credential, HID's "attributes" list
 * of {name, type, value, readOnly}:
 *  - name is required and unique within the credential (compared
 *    exactly: HID names such as MY_ATTR1 are case-sensitive);
 *  - type is one of STRING DATE INT LONG BOOLEAN, STRING when absent;
 *  - value is a string that must read as the type: DATE an ISO 8601
 *    date-time (stored in UTC), INT a 32-bit and LONG a 64-bit integer
 *    (stored in plain decimal), BOOLEAN true or false (stored lower-case);
 *  - readOnly defaults to false; a readOnly attribute cannot be removed
 *    or changed by PUT.
 * Failures are SCIM_E_INVALID_VALUE (or SCIM_E_MUTABILITY for readOnly)
 * with a detail naming the attribute, e.g.
 * attributes[name eq "MY_DATE"].value: "xyz" is not a DATE.
 */
#ifndef SCIM_CREDENTIAL_ATTRS_H
#define SCIM_CREDENTIAL_ATTRS_H

#include "json/json.h"
#include "scim/resource.h"
#include "util/arena.h"
#include "util/scim_err.h"

/* Checks one element and normalises it in place. */
int credential_attrs_check_one(
    struct arena *a, struct json_value *elem, struct scim_err *err);

/* Checks every element of a list in place, and that names are unique. */
int credential_attrs_check(
    struct arena *a, struct json_value *list, struct scim_err *err);

/*
 * PUT: when the body has an `attributes` section (even [] or null) it is
 * the new list, written into next; stored attributes it leaves out are
 * deleted unless readOnly, readOnly ones it keeps must not change, new
 * ones are added. Without the section, next is left alone.
 */
int credential_attrs_replace(struct arena *a, struct json_value *next,
    const struct resource_put *put, struct scim_err *err);

#endif
