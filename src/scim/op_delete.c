/*
 * DELETE /{type}/{id} (RFC 7644 §3.6): one write transaction that
 * re-reads the resource, honours If-Match (RFC 7644 §3.14), runs the
 * type's on_delete hook, releases its uniqueness keys and removes the
 * record. 204 with no body; the id is 404 afterwards.
 */
#include "config.h"

#include "scim/audit.h"
#include "scim/etag.h"
#include "scim/ops.h"
#include "scim/record.h"
#include "scim/uniq.h"
#include "util/date.h"

struct del {
	const struct scim_request *req;
	const struct resource_type *t;
	const struct resource_ctx *ctx;
};

static int
delete_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct del *d = arg;
	struct resource_ctx in =
	    resource_ctx_in_txn(d->ctx, txn, d->req->tenant);
	struct json_value *cur;
	struct uniq_set keys;
	int rc;

	rc = record_load(txn, d->ctx->arena, d->req->tenant, d->t->rt,
	    d->req->id, &cur, err);
	if (rc == 0)
		rc = etag_if_match(d->req->if_match, record_etag(cur), err);
	if (rc == 0)
		rc = etag_if_none_match_write(
		    d->req->if_none_match, record_etag(cur), err);
	if (rc == 0 && d->t->hooks->on_delete != NULL)
		rc = d->t->hooks->on_delete(&in, txn, cur, err);
	if (rc != 0)
		goto out;
	uniq_collect(d->ctx->arena, d->t->rt, cur, &keys);
	rc = uniq_update(
	    txn, d->req->tenant, d->t->rt, d->req->id, &keys, NULL, err);
	if (rc == 0)
		rc = store_rec_del(txn, d->req->tenant,
		    str_from(d->t->rt->name), d->req->id, err);
	/* One record for the request, cascades included (audit.h). */
	if (rc == 0)
		rc = audit_request(&in, d->req, str_from(d->t->rt->name),
		    d->req->id, "delete", err);
out:
	return rc;
}

int
op_delete(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct del d = {.req = req};
	struct resource_type t;
	struct resource_ctx ctx;
	int rc;

	rc = resource_find(scim_registry(s), req->rtype, &t, err);
	if (rc != 0)
		goto out;
	ctx = record_ctx(s, req, t.rt);
	d.t = &t;
	d.ctx = &ctx;
	rc = store_write(scim_store(s), delete_txn, &d, err);
	if (rc == 0) {
		buf_reset(&resp->body);
		resp->status = 204;
	}
out:
	if (rc != 0)
		audit_log_failure(req, "delete", req->id, rc);
	return rc;
}
