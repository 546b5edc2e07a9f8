/*
 * PATCH /{type}/{id} (RFC 7644 §3.5.2). The PatchOp body is read and
 * its paths resolved before the write transaction (scim/patch.h);
 * inside the one transaction: re-read, If-Match (RFC 7644 §3.14), apply
 * every operation to a copy (scim/patch_apply.h), then the tail PUT
 * uses too (scim/commit.h): validation as a replacement, the type's
 * prepare_replace (so a Credential's status machine and fixed sections
 * hold for PATCH exactly as for PUT), in_txn, uniqueness keys, write.
 * Any failure aborts the transaction: the request is atomic and a
 * failed one leaves the stored record byte-for-byte as it was.
 *
 * A PATCH that changes nothing writes nothing and keeps the version
 * and ETag (§3.5.2.1: such an operation SHALL NOT change the modify
 * timestamp).
 *
 * The answer (§3.5.2: 200 with the resource, or 204; 200 is a MUST when
 * `attributes` is given): 200 with the resource after projection and
 * the new ETag, except 204 No Content, with the ETag, when the request
 * has an `attributes` parameter that names no attribute at all
 * (`?attributes=`): a client that asks for nothing gets nothing, and a
 * parameter that lists no names specifies none.
 */
#include "config.h"

#include <stdio.h>

#include "scim/access.h"
#include "scim/audit.h"
#include "scim/commit.h"
#include "scim/etag.h"
#include "scim/ops.h"
#include "scim/patch_apply.h"
#include "scim/record.h"

struct patch {
	struct scim *s;
	const struct scim_request *req;
	const struct resource_type *t;
	const struct resource_ctx *ctx;
	const struct patch_req *ops;
	struct json_value *out; /* the stored form after the request */
};

/*
 * What prepare_replace sees as the raw body: the candidate plus an
 * explicit null for every attribute (and sub-attribute of an object)
 * of cur that the operations removed, since type rules such as the
 * Credential's tell "cleared" from "left out" by a null (resource.h).
 */
static struct json_value *
raw_of(struct arena *a, const struct json_value *cand,
    const struct json_value *cur)
{
	struct json_value *raw = json_clone(a, cand), *rv;
	const struct json_member *m;
	size_t i, k;

	for (i = 0; i < cur->u.object.len; i++) {
		m = &cur->u.object.members[i];
		rv = json_object_get(raw, m->key);
		if (rv == NULL) {
			json_object_set(a, raw, m->key, json_null(a));
			continue;
		}
		if (rv->type != JSON_OBJECT || m->value->type != JSON_OBJECT)
			continue;
		for (k = 0; k < m->value->u.object.len; k++)
			if (json_object_get(
				rv, m->value->u.object.members[k].key) == NULL)
				json_object_set(a, rv,
				    m->value->u.object.members[k].key,
				    json_null(a));
	}
	return raw;
}

static int
patch_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct patch *p = arg;
	struct arena *a = p->ctx->arena;
	struct patch_opts po = {
	    .bool_strings = scim_config(p->s)->compat_bool_strings};
	struct commit c = {.s = p->s,
	    .req = p->req,
	    .t = p->t,
	    .ctx = p->ctx,
	    .keep_unchanged = 1};
	struct json_value *cur, *cand = NULL;
	int rc;

	rc = record_load(
	    txn, a, p->req->tenant, p->t->rt, p->req->id, &cur, err);
	if (rc == 0)
		rc = access_visible(p->req, p->t->rt, cur, err);
	if (rc == 0)
		rc = etag_if_match(p->req->if_match, record_etag(cur), err);
	if (rc == 0)
		rc = etag_if_none_match_write(
		    p->req->if_none_match, record_etag(cur), err);
	if (rc == 0)
		rc = patch_apply(a, p->t->rt, p->ops, cur, &po, &cand, err);
	if (rc == 0) {
		c.cur = cur;
		c.candidate = cand;
		c.raw = raw_of(a, cand, cur);
		rc = commit_replace(txn, &c, &p->out, err);
	}
	if (rc == 0)
		rc = commit_audit(txn, &c, "patch", err);
	return rc;
}

/* An `attributes` parameter that names nothing (only commas and
 * spaces): the 204 case described above. */
static int
asks_for_nothing(const struct scim_request *req)
{
	size_t i, j;

	for (i = 0; i < req->nparams; i++) {
		const struct scim_param *prm = &req->params[i];

		if (!str_caseeq_cstr(prm->name, "attributes"))
			continue;
		for (j = 0; j < prm->value.len; j++)
			if (prm->value.ptr[j] != ',' &&
			    prm->value.ptr[j] != ' ')
				return 0;
		return 1;
	}
	return 0;
}

static void
reply_no_content(const struct json_value *res, struct scim_response *resp)
{
	struct str tag = record_etag(res);

	if (tag.len > 0 && tag.len < sizeof(resp->etag))
		snprintf(resp->etag, sizeof(resp->etag), "%.*s", STR_FMT(tag));
	resp->status = 204;
}

int
op_patch(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct patch p = {.s = s, .req = req};
	struct resource_type t;
	struct resource_ctx ctx;
	struct projection *proj = NULL;
	struct json_value *body = NULL;
	struct patch_req *ops = NULL;
	int rc;

	rc = resource_find(scim_registry(s), req->rtype, &t, err);
	if (rc == 0 && !record_id_ok(req->id))
		rc = record_not_found(t.rt, req->id, err);
	if (rc == 0)
		rc = record_projection(req, t.rt, &proj, err);
	if (rc == 0)
		rc = record_parse_body(req, &body, err);
	if (rc == 0)
		rc = patch_parse(req->arena, t.rt, body, &ops, err);
	if (rc != 0)
		goto out;
	ctx = record_ctx(s, req, t.rt);
	p.t = &t;
	p.ctx = &ctx;
	p.ops = ops;
	rc = store_write(scim_store(s), patch_txn, &p, err);
	if (rc != 0)
		goto out;
	if (asks_for_nothing(req))
		reply_no_content(p.out, resp);
	else
		record_reply(&ctx, &t, req, p.out, proj, 200, 0, resp);
out:
	if (rc != 0)
		audit_log_failure(req, "patch", req->id, rc);
	return rc;
}
