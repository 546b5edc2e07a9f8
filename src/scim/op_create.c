/*
 * POST /{type} (RFC 7644 §3.3). Everything that does not depend on
 * stored state (parsing, schema validation, the type's rules, the new
 * id and meta) happens before the write transaction; inside it the
 * type's in_txn hook checks references to other records, then the record
 * and its uniqueness keys are written, and it commits once. store_write
 * may run the callback again after growing the map, so the callback
 * starts from a fresh copy of the prepared resource and only writes to
 * the transaction.
 */
#include "config.h"

#include "scim/ops.h"
#include "scim/record.h"
#include "scim/uniq.h"
#include "scim/validate.h"
#include "util/date.h"
#include "util/secure.h"

struct create {
	const struct scim_request *req;
	const struct resource_type *t;
	const struct resource_ctx *ctx;
	const struct json_value *res; /* prepared, id and meta set */
	struct str id;
	struct json_value *out; /* the stored form written */
};

static int
create_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct create *c = arg;
	struct arena *a = c->ctx->arena;
	struct json_value *next = json_clone(a, c->res);
	struct uniq_set keys;
	struct str bytes;
	int rc;

	rc =
	    resource_in_txn(c->t, c->ctx, txn, c->req->tenant, NULL, next, err);
	if (rc != 0)
		goto out;
	uniq_collect(a, c->t->rt, next, &keys);
	rc = record_encode(a, next, &bytes, err);
	if (rc == 0)
		rc = store_rec_add(txn, c->req->tenant,
		    str_from(c->t->rt->name), c->id, bytes, err);
	if (rc == 0)
		rc = uniq_update(
		    txn, c->req->tenant, c->t->rt, c->id, NULL, &keys, err);
	if (rc == 0)
		c->out = next;
out:
	return rc;
}

/* The body as it will be stored: validated, the type's rules applied,
 * then id and meta set by the server (RFC 7644 §3.3). */
static int
prepare(struct scim *s, const struct resource_ctx *ctx,
    const struct resource_type *t, struct json_value **res,
    struct scim_err *err)
{
	struct validate_opts vo = {
	    .mode = VALIDATE_CREATE,
	    .bool_strings = scim_config(s)->compat_bool_strings,
	};
	char id[UUID_STRLEN + 1];
	int rc;

	rc = validate_resource(ctx->arena, t->rt, *res, &vo, err);
	if (rc == 0 && t->hooks->prepare_create != NULL)
		rc = t->hooks->prepare_create(ctx, *res, err);
	if (rc != 0)
		goto out;
	secure_uuid(id);
	*res = record_stamp(
	    ctx->arena, t->rt, *res, str_from(id), NULL, 1, ctx->now_ms);
out:
	return rc;
}

int
op_create(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct create c = {.req = req};
	struct resource_type t;
	struct resource_ctx ctx;
	struct projection *proj = NULL;
	struct json_value *res = NULL;
	int rc;

	rc = resource_find(scim_registry(s), req->rtype, &t, err);
	if (rc == 0)
		rc = record_projection(req, t.rt, &proj, err);
	if (rc == 0)
		rc = record_parse_body(req, &res, err);
	if (rc != 0)
		goto out;
	ctx = (struct resource_ctx){
	    .arena = req->arena, .rt = t.rt, .now_ms = date_now_ms()};
	rc = prepare(s, &ctx, &t, &res, err);
	if (rc != 0)
		goto out;
	c.t = &t;
	c.ctx = &ctx;
	c.res = res;
	c.id = json_object_get_cstr(res, "id")->u.string;
	rc = store_write(scim_store(s), create_txn, &c, err);
	if (rc == 0)
		record_reply(&ctx, &t, req, c.out, proj, 201, 1, resp);
out:
	return rc;
}
