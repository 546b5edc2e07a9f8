/*
 * RFC 7644 §3.5.2 PATCH, the request half: reads a PatchOp message into
 * a list of operations whose paths are resolved against one resource
 * type's schemas. patch_apply.h applies the list to a resource. Both are
 * pure: no store, no clock, everything in the caller's arena.
 *
 * The message (RFC 7644 §3.5.2):
 *   {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
 *    "Operations": [{"op": ..., "path": ..., "value": ...}, ...]}
 *  - `Operations` holds 1..PATCH_MAX_OPS objects with only op, path and
 *    value (names compared case-insensitively, like every SCIM name);
 *  - `op` is add, replace or remove in any letter case (Entra ID sends
 *    "Replace"); move, copy, test and anything else are invalidSyntax,
 *    as is any other deviation from this structure;
 *  - add and replace need a `value` (invalidValue without one); remove
 *    without a `path` is noTarget (RFC 7644 §3.5.2.2). A path of null
 *    or "" counts as no path.
 *
 * Paths (RFC 7644 §3.5.2, "PATH = attrPath / valuePath [subAttr]"), at
 * most PATCH_MAX_PATH bytes:
 *   attr            userName, emails, externalId
 *   attr.sub        name.givenName, status.status
 *   URN-qualified   urn:...:enterprise:2.0:User:employeeNumber,
 *                   urn:...:enterprise:2.0:User:manager.value
 *   an extension    urn:...:enterprise:2.0:User (the extension object)
 *   attr[filter]    emails[type eq "work"], members[value eq "42"]
 *   attr[filter].sub  emails[type eq "work"].value
 * Unknown attributes and malformed paths are invalidPath; a value filter
 * that does not parse or bind (filter/filter.h) is invalidFilter
 * (RFC 7644 §3.12 lists PATCH among the users of that code). A value
 * filter needs a multi-valued attribute; on a multi-valued attribute of
 * simple values its elements are compared as `value`
 * (tags[value eq "x"], RFC 7644 §3.5.2.2).
 *
 * Details name the operation (zero-based, as in the array) and the path:
 * Operations[2]: path 'emails[type eq "x"]': ... Client text in them is
 * bounded (scim/detail.h).
 */
#ifndef SCIM_PATCH_H
#define SCIM_PATCH_H

#include "filter/filter.h"
#include "json/json.h"
#include "scim/schema.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define PATCH_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define PATCH_MAX_OPS 1000 /* operations in one request */
#define PATCH_MAX_PATH 2048 /* bytes in one path */

enum patch_opcode {
	PATCH_ADD,
	PATCH_REPLACE,
	PATCH_REMOVE,
};

/* A path resolved against a resource type. Arena-owned; the schema
 * pointers are borrowed from the registry. */
struct patch_path {
	struct str text; /* as sent, for details */
	/* The extension schema the attribute belongs to (its values live
	 * under the extension's URN, RFC 7643 §3.3), or NULL for the core
	 * schema and the common attributes. */
	const struct schema *ext;
	/* NULL when the path names the extension object ext itself. */
	const struct schema_attr *attr;
	const struct schema_attr *sub; /* the sub-attribute, or NULL */
	/* The bound value filter (a FILTER_VALUEPATH node whose left is
	 * the element test), or NULL. */
	struct filter_node *filter;
};

struct patch_op {
	enum patch_opcode op;
	int has_path;
	struct patch_path path; /* when has_path */
	const struct json_value *value; /* NULL when absent */
};

struct patch_req {
	struct patch_op *ops; /* arena-owned */
	size_t nops;
};

/* The operation's name as RFC 7644 spells it ("add", ...). */
const char *patch_opcode_name(enum patch_opcode op);

/*
 * Reads a parsed PatchOp body. *out and everything in it are
 * arena-owned (values point into body). SCIM_E_INVALID_SYNTAX,
 * SCIM_E_INVALID_VALUE, SCIM_E_NO_TARGET, SCIM_E_INVALID_PATH or
 * SCIM_E_INVALID_FILTER with err filled.
 */
int patch_parse(struct arena *a, const struct schema_rtype *rt,
    const struct json_value *body, struct patch_req **out,
    struct scim_err *err);

/*
 * Resolves one path (text) against rt into *out. allow_filter 0 refuses
 * value filters (keys of a value object are plain paths).
 * SCIM_E_INVALID_PATH or SCIM_E_INVALID_FILTER; the detail does not
 * name the operation (callers add that).
 */
int patch_path_parse(struct arena *a, const struct schema_rtype *rt,
    struct str text, int allow_filter, struct patch_path *out,
    struct scim_err *err);

#endif
