/*
 * GET /Me (RFC 7644 §3.11), served directly (the third of §3.11's
 * choices) rather than by a 308 redirect: one short read transaction,
 * like GET /Users/{id} (op_get.c), for the User whose id is the
 * caller's subject. Not op_get itself: op_get answers a self-admin
 * caller only with its own credentials (access_visible), and /Me is
 * where such a caller reads its User. Only GET is routed; the other methods on /Me are
 * 405 (a self-admin caller changes nothing about its User).
 */
#include "config.h"

#include <stdio.h>

#include "scim/etag.h"
#include "scim/me.h"
#include "scim/record.h"

static int
no_user(struct scim_err *err)
{
	return scim_err_set(err, SCIM_E_NOT_FOUND,
	    "/Me: this token's subject is not a User of the tenant");
}

int
me_get(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct scim_request self = *req;
	struct resource_type t;
	struct resource_ctx ctx;
	struct projection *proj = NULL;
	struct store_txn *txn = NULL;
	struct json_value *res = NULL;
	struct str tag;
	int rc;

	self.id = req->who != NULL ? str_from(req->who->subject) : STR_NULL;
	rc = resource_find(scim_registry(s), req->rtype, &t, err);
	if (rc == 0 && !record_id_ok(self.id))
		rc = no_user(err);
	if (rc == 0)
		rc = record_projection(&self, t.rt, &proj, err);
	if (rc == 0)
		rc = store_read_begin(scim_store(s), &txn, err);
	if (rc == 0)
		rc = record_load(
		    txn, req->arena, req->tenant, t.rt, self.id, &res, err);
	if (rc == SCIM_E_NOT_FOUND)
		rc = no_user(err);
	store_read_end(txn);
	if (rc != 0)
		goto out;
	tag = record_etag(res);
	if (etag_if_none_match(req->if_none_match, tag)) {
		resp->status = 304;
		snprintf(resp->etag, sizeof(resp->etag), "%.*s", STR_FMT(tag));
		resp->location =
		    record_location(req->arena, &self, t.rt, self.id);
		goto out;
	}
	ctx = record_ctx(s, &self, t.rt);
	record_reply(&ctx, &t, &self, res, proj, 200, 1, resp);
out:
	return rc;
}
