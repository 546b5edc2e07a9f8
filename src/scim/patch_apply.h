/*
 * RFC 7644 §3.5.2 PATCH, the applying half: runs the operations of a
 * patch_req (scim/patch.h) in order on a copy of a resource, under its
 * resource type's schemas. Pure: no store, no clock. The caller still
 * validates the result as a whole (validate.h, VALIDATE_REPLACE) and
 * runs the type's rules; what is checked here is what only the
 * operations can tell: which attribute an operation touches and how.
 *
 * Semantics (RFC 7644 §3.5.2.1-3 unless noted):
 *  - add on a multi-valued attribute appends the values it does not
 *    already hold (a value is held when an element equals it, or for
 *    complex values when an element has the same `value` and no
 *    sub-attribute both set differs: then the missing sub-attributes
 *    are merged in); replace without a filter replaces all values;
 *  - add or replace on a complex attribute merges the given
 *    sub-attributes (a null one is removed); on a single-valued one the
 *    value is replaced;
 *  - with a value filter, add and replace change the matching elements
 *    in place (the sub-attribute, or the element: replace swaps it,
 *    add merges into it); remove drops the matching elements (or
 *    their sub-attribute). A filter that matches nothing is noTarget,
 *    except that add or replace through a filter made only of `and`ed
 *    `eq` terms creates the element those terms describe, as Entra ID
 *    and Okta expect: replace emails[type eq "work"].value on a user
 *    without a work email adds {"type": "work", "value": ...};
 *  - attr.sub on a multi-valued complex attribute addresses every
 *    element, and adds one when there is none;
 *  - no path: the value is an object whose keys are paths (plain,
 *    dotted or URN-qualified) or extension URNs holding objects of
 *    such keys; each key is applied as its own operation. Keys naming
 *    readOnly attributes (id, meta, ...) and `schemas` are ignored,
 *    like readOnly values in a PUT (RFC 7644 §3.5.1);
 *  - a path naming a readOnly attribute, or changing an immutable one
 *    that has a value (adding one that has none is allowed, §3.5.2),
 *    is mutability; so is removing a required attribute, or making it
 *    unassigned (§3.5.2.2);
 *  - remove on a multi-valued attribute with a value removes just the
 *    listed values (complex ones matched by `value`, or when an item
 *    has none, by being equal to the element; null members of an item
 *    are ignored): Entra ID removes group members so;
 *  - a null value, like [] for a multi-valued attribute, unassigns
 *    (RFC 7643 §2.5);
 *  - a string given for a complex attribute with a `value`
 *    sub-attribute means {"value": string} (Entra ID sends `manager`
 *    as a bare id);
 *  - adding and removing listed values is linear in the number of
 *    values (they are hashed), so a group of 10,000 members takes
 *    10,000 more in one operation;
 *  - values are checked by type per operation through validate.h, so
 *    "True"/"False" read as booleans when opts->bool_strings is set;
 *  - setting `primary` true on an element sets it false on the others;
 *  - an extension object is added to `schemas` when created, and
 *    dropped from it when removed (§3.5.2: adding a URN-qualified
 *    attribute adds its schema).
 */
#ifndef SCIM_PATCH_APPLY_H
#define SCIM_PATCH_APPLY_H

#include "json/json.h"
#include "scim/patch.h"
#include "scim/schema.h"
#include "util/arena.h"
#include "util/scim_err.h"

struct patch_opts {
	int bool_strings; /* accept "True"/"False" for booleans */
};

/*
 * Applies req to a copy of cur. *out is the new resource (arena-owned,
 * cur is not changed). SCIM_E_NO_TARGET, SCIM_E_INVALID_VALUE,
 * SCIM_E_INVALID_SYNTAX, SCIM_E_INVALID_PATH or SCIM_E_MUTABILITY with
 * a detail naming the operation and its path.
 */
int patch_apply(struct arena *a, const struct schema_rtype *rt,
    const struct patch_req *req, const struct json_value *cur,
    const struct patch_opts *opts, struct json_value **out,
    struct scim_err *err);

#endif
