/*
 * PUT /{type}/{id} (RFC 7644 §3.5.1, with the type's own semantics
 * through prepare_replace: HID keeps sections a Credential body leaves
 * out). The body is parsed before the write transaction; validation
 * runs inside it, against the state the transaction sees, because
 * immutability and the status machine depend on that state. Inside:
 * re-read, If-Match (RFC 7644 §3.14), validate, merge, the type's in_txn
 * hook, move uniqueness keys, write, commit once. The callback works on a fresh copy of the
 * body each time, as store_write may run it again.
 */
#include "config.h"

#include "scim/etag.h"
#include "scim/ops.h"
#include "scim/record.h"
#include "scim/uniq.h"
#include "scim/validate.h"
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
next_state(struct replace *r, const struct json_value *cur,
    struct json_value **next, struct scim_err *err)
{
	struct resource_put put = {.cur = cur, .raw = r->body};
	struct json_value *body = json_clone(r->ctx->arena, r->body);
	struct validate_opts vo = {
	    .mode = VALIDATE_REPLACE,
	    .current = cur,
	    .bool_strings = scim_config(r->s)->compat_bool_strings,
	};
	int rc;

	rc = validate_resource(r->ctx->arena, r->t->rt, body, &vo, err);
	put.body = body;
	if (rc == 0)
		rc = (r->t->hooks->prepare_replace != NULL
			? r->t->hooks->prepare_replace
			: resource_replace_default)(r->ctx, &put, next, err);
	if (rc == 0)
		*next = record_stamp(r->ctx->arena, r->t->rt, *next, r->req->id,
		    cur, record_version(cur) + 1, r->ctx->now_ms);
	return rc;
}

static int
replace_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct replace *r = arg;
	struct arena *a = r->ctx->arena;
	struct json_value *cur, *next = NULL;
	struct uniq_set old_keys, new_keys;
	struct str bytes;
	int rc;

	rc = record_load(
	    txn, a, r->req->tenant, r->t->rt, r->req->id, &cur, err);
	if (rc == 0)
		rc = etag_if_match(r->req->if_match, record_etag(cur), err);
	if (rc == 0)
		rc = next_state(r, cur, &next, err);
	if (rc == 0)
		rc = resource_in_txn(
		    r->t, r->ctx, txn, r->req->tenant, cur, next, err);
	if (rc != 0)
		goto out;
	uniq_collect(a, r->t->rt, cur, &old_keys);
	uniq_collect(a, r->t->rt, next, &new_keys);
	rc = uniq_update(txn, r->req->tenant, r->t->rt, r->req->id, &old_keys,
	    &new_keys, err);
	if (rc == 0)
		rc = record_encode(a, next, &bytes, err);
	if (rc == 0)
		rc = store_rec_put(txn, r->req->tenant,
		    str_from(r->t->rt->name), r->req->id, bytes, err);
	if (rc == 0)
		r->out = next;
out:
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
	ctx = (struct resource_ctx){
	    .arena = req->arena, .rt = t.rt, .now_ms = date_now_ms()};
	r.t = &t;
	r.ctx = &ctx;
	r.body = body;
	rc = store_write(scim_store(s), replace_txn, &r, err);
	if (rc == 0)
		record_reply(&ctx, &t, req, r.out, proj, 200, 0, resp);
out:
	return rc;
}
