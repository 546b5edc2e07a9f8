/*
 * attributes / excludedAttributes (RFC 7644 §3.4.2.5, §3.9) and the
 * schema's `returned` characteristic (RFC 7643 §2.4): removes from a
 * resource, in place, what the client should not see.
 *  - returned "never" is always removed; "always" is always kept;
 *  - with `attributes`, only the listed attributes (plus "always" ones,
 *    `id` and `schemas`) are kept; "request" attributes only when listed;
 *  - with `excludedAttributes`, the listed ones are removed unless
 *    "always"; both parameters at once is 400 invalidValue: RFC 7644
 *    §3.9 calls them mutually exclusive but names no error, and a 400
 *    lets clients see the mistake;
 *  - names may be sub-attributes ("name.givenName") or URN-qualified;
 *    unknown names are ignored.
 */
#ifndef SCIM_PROJECTION_H
#define SCIM_PROJECTION_H

#include "json/json.h"
#include "scim/schema.h"
#include "util/arena.h"
#include "util/scim_err.h"

struct projection;

/* Parses the two comma-separated parameters (either may be empty).
 * *out is arena-owned. */
int projection_parse(struct arena *a, const struct schema_rtype *rt,
    struct str attributes, struct str excluded, struct projection **out,
    struct scim_err *err);
/* 1 if projection_apply would keep top-level attribute name, or any part
 * of it (p may be NULL). For attributes that cost work to compute. */
int projection_wants(
    const struct projection *p, const struct schema_rtype *rt, struct str name);
/* Applies to one resource; p may be NULL (then only `returned` rules). */
void projection_apply(const struct projection *p, const struct schema_rtype *rt,
    struct json_value *resource);

#endif
