/*
 * GET /Me (RFC 7644 §3.11): the User the authenticated subject is.
 */
#ifndef SCIM_ME_H
#define SCIM_ME_H

#include "scim/scim.h"

/*
 * GET /Me: answers as GET /Users/{subject} would, with the Location
 * header naming /Users/{subject}, since §3.11 requires that "in any
 * response" the Location be the permanent location of the aliased
 * resource. A principal without a subject, or whose subject is no User
 * of the tenant, gets 404: the alias names no resource (§3.12, 404).
 * 501 is what §3.11 gives a server that does not support /Me, which
 * scimcred does. req->rtype is the User type's name.
 */
int me_get(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);

#endif
