/*
 * GET /{type}/{id} (RFC 7644 §3.4.1): one short read transaction, the
 * record copied into the request arena before it ends. If-None-Match
 * that matches the current version answers 304 (RFC 7644 §3.14).
 */
#include "config.h"

#include <stdio.h>

#include "scim/access.h"
#include "scim/etag.h"
#include "scim/ops.h"
#include "scim/record.h"
#include "util/date.h"

int
op_get(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct resource_type t;
	struct resource_ctx ctx;
	struct projection *proj = NULL;
	struct store_txn *txn = NULL;
	struct json_value *res = NULL;
	struct str tag;
	int rc;

	rc = resource_find(scim_registry(s), req->rtype, &t, err);
	if (rc == 0)
		rc = record_projection(req, t.rt, &proj, err);
	if (rc == 0)
		rc = store_read_begin(scim_store(s), &txn, err);
	if (rc == 0)
		rc = record_load(
		    txn, req->arena, req->tenant, t.rt, req->id, &res, err);
	store_read_end(txn);
	if (rc == 0)
		rc = access_visible(req, t.rt, res, err);
	if (rc != 0)
		goto out;
	tag = record_etag(res);
	if (etag_if_none_match(req->if_none_match, tag)) {
		resp->status = 304;
		snprintf(resp->etag, sizeof(resp->etag), "%.*s", STR_FMT(tag));
		goto out;
	}
	ctx = record_ctx(s, req, t.rt);
	record_reply(&ctx, &t, req, res, proj, 200, 0, resp);
out:
	return rc;
}
