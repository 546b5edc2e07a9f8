/*
 * The SCIM operations, one file each (op_create.c, op_get.c, ...), and
 * the discovery endpoints. http/route.c's table points at these. All
 * have the scim_handler signature; req->rtype names the resource type.
 */
#ifndef SCIM_OPS_H
#define SCIM_OPS_H

#include "scim/scim.h"

/* POST /{rtype} */
int op_create(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/*
 * The server's own POST: creates one resource of type rtype in tenant
 * from body inside txn, with every rule of op_create (validation, the
 * type's hooks, uniqueness). For writes the server makes on its own,
 * such as the demo tenant's starter credential types. body is changed;
 * *out (may be NULL) is the stored form, arena-owned.
 */
int op_create_in(struct scim *s, struct store_txn *txn, struct str tenant,
    struct str rtype, struct arena *a, struct json_value *body,
    struct json_value **out, struct scim_err *err);
/*
 * `scimcred import` (scim/ndjson.h): op_create_in for one exported
 * resource `in` (not changed), which keeps its id and its meta.created,
 * meta.lastModified and meta.version (required, and checked) instead of
 * new ones. Validation, the type's hooks and uniqueness apply as for a
 * POST; an id already taken is 409 uniqueness.
 */
int op_create_import(struct scim *s, struct store_txn *txn, struct str tenant,
    struct str rtype, struct arena *a, const struct json_value *in,
    struct scim_err *err);
/* POST /.search at the tenant root (RFC 7644 §3.4.3), op_search_root.c */
int op_search_root(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/* The permission that lets the root search include rtype: 0 and *out,
 * or -1 when the root search never includes it. */
int op_search_root_perm(struct str rtype, enum perm *out);
/* GET /{rtype}/{id} */
int op_get(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/* GET /{rtype}?filter=... */
int op_list(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/* POST /{rtype}/.search */
int op_search(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/* PUT /{rtype}/{id} */
int op_replace(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/* PATCH /{rtype}/{id} (RFC 7644 §3.5.2) */
int op_patch(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/* DELETE /{rtype}/{id} */
int op_delete(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);

/* GET /ServiceProviderConfig */
int discovery_spc(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/* GET /ResourceTypes and /ResourceTypes/{id} (req->id) */
int discovery_rtypes(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
int discovery_rtype(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/* GET /Schemas and /Schemas/{urn} (req->id) */
int discovery_schemas(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
int discovery_schema(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);

#endif
