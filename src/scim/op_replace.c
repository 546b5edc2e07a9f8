/*
 * PUT /{type}/{id} (RFC 7644 §3.5.1, with the type's own semantics
 * through prepare_replace: HID keeps sections a Credential body leaves
 * out). The body is parsed before the write transaction; inside it:
 * re-read, If-Match (RFC 7644 §3.14), then the tail shared with PATCH
 * (commit.h: validate, the type's rules, in_txn, uniqueness keys,
 * write). Validation runs inside because immutability and the status
 * machine depend on the state the transaction sees. store_write may run
 * the callback again; it only reads the parsed body.
 */
#include "config.h"

#include "scim/access.h"
#include "scim/audit.h"
#include "scim/commit.h"
#include "scim/etag.h"
#include "scim/ops.h"
#include "scim/record.h"
#include "util/date.h"

struct replace {
	struct scim *s;
	const struct scim_request *req;
	const struct resource_type *t;
	const struct resource_ctx *ctx;
	const struct json_value *body; /* as sent: parsed, not validated */
	struct json_value *out; /* the stored form written */
};

static int
replace_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct replace *r = arg;
	struct commit c = {.s = r->s,
	    .req = r->req,
	    .t = r->t,
	    .ctx = r->ctx,
	    .candidate = r->body,
	    .raw = r->body};
	struct json_value *cur;
	int rc;

	rc = record_load(txn, r->ctx->arena, r->req->tenant, r->t->rt,
	    r->req->id, &cur, err);
	if (rc == 0)
		rc = access_visible(r->req, r->t->rt, cur, err);
	if (rc == 0)
		rc = etag_if_match(r->req->if_match, record_etag(cur), err);
	if (rc == 0)
		rc = etag_if_none_match_write(
		    r->req->if_none_match, record_etag(cur), err);
	if (rc == 0) {
		c.cur = cur;
		rc = commit_replace(txn, &c, &r->out, err);
	}
	if (rc == 0)
		rc = commit_audit(txn, &c, "replace", err);
	return rc;
}

int
op_replace(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct replace r = {.s = s, .req = req};
	struct resource_type t;
	struct resource_ctx ctx;
	struct projection *proj = NULL;
	struct json_value *body = NULL;
	int rc;

	rc = resource_find(scim_registry(s), req->rtype, &t, err);
	if (rc == 0 && !record_id_ok(req->id))
		rc = record_not_found(t.rt, req->id, err);
	if (rc == 0)
		rc = record_projection(req, t.rt, &proj, err);
	if (rc == 0)
		rc = record_parse_body(req, &body, err);
	if (rc != 0)
		goto out;
	ctx = record_ctx(s, req, t.rt);
	r.t = &t;
	r.ctx = &ctx;
	r.body = body;
	rc = store_write(scim_store(s), replace_txn, &r, err);
	if (rc == 0)
		record_reply(&ctx, &t, req, r.out, proj, 200, 0, resp);
out:
	if (rc != 0)
		audit_log_failure(req, "replace", req->id, rc);
	return rc;
}
