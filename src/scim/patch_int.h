/*
 * Private to the PATCH engine: the state one patch_apply() call works
 * on, and the helpers patch_apply.c (dispatch, single-valued
 * attributes, extensions, values) and patch_multi.c (multi-valued
 * attributes: value filters, appending, removing) share. Nothing but
 * those two files includes this header.
 */
#ifndef SCIM_PATCH_INT_H
#define SCIM_PATCH_INT_H

#include "json/json.h"
#include "scim/patch_apply.h"

struct papply {
	struct arena *a;
	const struct schema_rtype *rt;
	const struct patch_opts *o;
	struct json_value *res; /* the working copy */
	size_t idx; /* operation index, for details */
	const char *where; /* "path '...'" or "value key '...'" */
	struct scim_err *err;
};

/* ---- patch_apply.c */

/* Fills p->err with "Operations[i]: <where>: <message>"; returns code. */
int patch_apply_fail(struct papply *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The attribute (and sub-attribute) name for details, arena-owned. */
const char *patch_apply_label(struct papply *p, const struct patch_path *pp,
    const struct schema_attr *sub);
/* Equal as the schema compares (case-insensitively unless caseExact);
 * a may be NULL. */
int patch_apply_same(const struct schema_attr *a, const struct json_value *x,
    const struct json_value *y);
/* The attribute's value (NULL when unassigned); setting NULL unassigns. */
struct json_value *patch_apply_get(
    struct papply *p, const struct patch_path *pp);
void patch_apply_set(
    struct papply *p, const struct patch_path *pp, struct json_value *v);
/* v checked as the whole value of pp's attribute; *out normalised, NULL
 * when nothing is left. */
int patch_apply_normalize(struct papply *p, const struct patch_path *pp,
    struct json_value *v, struct json_value **out);
/* A copy of v, with a string for a complex attribute that has a `value`
 * sub-attribute turned into {"value": string}. */
struct json_value *patch_apply_coerce(
    struct papply *p, const struct schema_attr *t, const struct json_value *v);
/* A copy of old (or {}) with v's members set, null ones removed. */
struct json_value *patch_apply_merge(
    struct papply *p, const struct json_value *old, const struct json_value *v);
/* Copies old's readOnly sub-attributes of t into n. */
void patch_apply_keep_read_only_subs(struct papply *p,
    const struct schema_attr *t, const struct json_value *old,
    struct json_value *n);
/* Mutability of immutable attributes and sub-attributes (old -> n). */
int patch_apply_check_immutable(struct papply *p, const struct patch_path *pp,
    const struct json_value *old, const struct json_value *n);
int patch_apply_check_immutable_subs(struct papply *p,
    const struct patch_path *pp, const struct json_value *old,
    const struct json_value *n);
int patch_apply_fail_immutable(struct papply *p, const struct patch_path *pp,
    const struct schema_attr *sub);
int patch_apply_fail_required(struct papply *p, const struct patch_path *pp,
    const struct schema_attr *sub);
int patch_apply_fail_not_object(struct papply *p, const struct patch_path *pp);
/* Unassigns the attribute: required or immutable with a value is
 * mutability (RFC 7644 §3.5.2.2). */
int patch_apply_unassign(struct papply *p, const struct patch_path *pp);

/* ---- patch_multi.c: one operation on a multi-valued attribute */

/* add without a filter: appends what is not held yet. */
int patch_multi_add(
    struct papply *p, const struct patch_path *pp, const struct json_value *v);
/* replace without a filter: all values. */
int patch_multi_replace(
    struct papply *p, const struct patch_path *pp, const struct json_value *v);
/* add or replace through a filter or on attr.sub. */
int patch_multi_set_elements(struct papply *p, enum patch_opcode op,
    const struct patch_path *pp, const struct json_value *v);
/* remove with a value: the listed values. */
int patch_multi_remove_listed(
    struct papply *p, const struct patch_path *pp, const struct json_value *v);
/* remove through a filter or on attr.sub. */
int patch_multi_remove_elements(struct papply *p, const struct patch_path *pp);

#endif
