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
