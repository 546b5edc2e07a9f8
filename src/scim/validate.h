/*
 * Checks a client's resource body against its resource type's schemas and
 * normalises it in place (RFC 7643 §2, RFC 7644 §3.3 and §3.5.1):
 *  - `schemas` must be present and list the core schema; unknown URNs are
 *    invalidValue, except that an unknown extension URN is tolerated
 *    when cfg allows it (Okta and Entra send such);
 *  - attribute names are matched case-insensitively and rewritten to the
 *    schema's spelling; unknown attributes are invalidSyntax naming them;
 *  - values must have the declared type (string, boolean, integer,
 *    decimal, dateTime, reference, complex), single vs multi-valued,
 *    canonicalValues where the schema lists them;
 *  - readOnly attributes (id, meta, ...) are removed silently, as RFC 7644
 *    §3.3 says they SHALL be ignored;
 *  - on create, required attributes must be present; on replace,
 *    immutable attributes must equal the stored value (mutability).
 * Resource-type-specific rules (the credential status machine, ...) are
 * not here; they live in the resource type's own file.
 */
#ifndef SCIM_VALIDATE_H
#define SCIM_VALIDATE_H

#include "json/json.h"
#include "scim/schema.h"
#include "util/arena.h"
#include "util/scim_err.h"

enum validate_mode {
	VALIDATE_CREATE,
	VALIDATE_REPLACE,
};

struct validate_opts {
	enum validate_mode mode;
	/* For REPLACE: the stored resource, to check immutable attributes. */
	const struct json_value *current;
	/* Accept "True"/"False" strings for booleans and rewrite them. */
	int bool_strings;
	/* Tolerate (and drop) unknown schema URNs in `schemas`. */
	int lenient_schemas;
};

int validate_resource(struct arena *a, const struct schema_rtype *rt,
    struct json_value *body, const struct validate_opts *opts,
    struct scim_err *err);

#endif
