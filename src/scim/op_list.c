/* GET /{type}?filter=...&sortBy=...&startIndex=...&count=...
 * (RFC 7644 §3.4.2); the engine is list.c. */
#include "config.h"

#include "scim/access.h"
#include "scim/list.h"
#include "scim/ops.h"

int
op_list(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct resource_type t;
	struct list_query q;
	int rc;

	rc = resource_find(scim_registry(s), req->rtype, &t, err);
	if (rc == 0)
		rc = list_query_params(req, &q, err);
	/* A self-admin caller sees only its own credentials. */
	if (rc == 0)
		rc = access_scope(req, t.rt, &q.scope, err);
	if (rc == 0)
		rc = list_run(s, req, &t, &q, resp, err);
	return rc;
}
