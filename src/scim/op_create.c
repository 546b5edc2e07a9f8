/*
 * POST /{type} (RFC 7644 §3.3). Everything that does not depend on
 * stored state (parsing, schema validation, the type's rules, the new
 * id and meta) happens before the write transaction; inside it the
 * type's in_txn hook checks references to other records, then the record
 * and its uniqueness keys are written, and it commits once. store_write
 * may run the callback again after growing the map, so the callback
 * starts from a fresh copy of the prepared resource and only writes to
 * the transaction. The id is a UUID, unless the type's client_id hook
 * takes it from the body (a CredentialType's id is its type code).
 * op_create_in is the same pipeline inside a transaction the server
 * already holds; op_create_import too, keeping the id and meta the
 * resource was exported with (scimcred import, scim/ndjson.h).
 */
#include "config.h"

#include "scim/audit.h"
#include "scim/etag.h"
#include "scim/ops.h"
#include "scim/record.h"
#include "scim/uniq.h"
#include "scim/validate.h"
#include "util/date.h"
#include "util/secure.h"

struct create {
	const struct scim_request *req; /* NULL for op_create_in */
	struct str tenant;
	const struct resource_type *t;
	const struct resource_ctx *ctx;
	const struct json_value *res; /* prepared, id and meta set */
	struct str id;
	struct json_value *out; /* the stored form written */
};

/* Everything POST writes, inside the transaction txn. */
static int
create_in(struct store_txn *txn, struct create *c, struct scim_err *err)
{
	struct arena *a = c->ctx->arena;
	struct json_value *next = json_clone(a, c->res);
	struct uniq_set keys;
	struct str bytes;
	int rc;

	rc = resource_in_txn(c->t, c->ctx, txn, c->tenant, NULL, next, err);
	if (rc != 0)
		goto out;
	uniq_collect(a, c->t->rt, next, &keys);
	rc = record_encode(a, next, &bytes, err);
	if (rc == 0)
		rc = store_rec_add(txn, c->tenant, str_from(c->t->rt->name),
		    c->id, bytes, err);
	/* Only a client-chosen id can be taken (a UUID never is). */
	if (rc == SCIM_E_CONFLICT)
		rc = scim_err_set(err, SCIM_E_UNIQUENESS,
		    "id: a %s with id \"%.*s\" already exists", c->t->rt->name,
		    STR_FMT(c->id));
	if (rc == 0)
		rc = uniq_update(
		    txn, c->tenant, c->t->rt, c->id, NULL, &keys, err);
	if (rc == 0)
		c->out = next;
out:
	return rc;
}

/* POST's transaction: the create and its audit record (audit.h). */
static int
create_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct create *c = arg;
	struct resource_ctx in;
	int rc;

	rc = create_in(txn, c, err);
	if (rc == 0) {
		in = resource_ctx_in_txn(c->ctx, txn, c->tenant);
		rc = audit_request(&in, c->req, str_from(c->t->rt->name), c->id,
		    "create", err);
	}
	return rc;
}

/* The body as it will be stored: validated, the type's rules applied,
 * then id and meta set by the server (RFC 7644 §3.3), or the id taken
 * from the body for a type whose ids the client chooses. */
static int
prepare(struct scim *s, const struct resource_ctx *ctx,
    const struct resource_type *t, struct json_value **res,
    struct scim_err *err)
{
	struct validate_opts vo = {
	    .mode = VALIDATE_CREATE,
	    .bool_strings = scim_config(s)->compat_bool_strings,
	    .lenient_schemas = t->hooks->lenient_schemas,
	};
	char uuid[UUID_STRLEN + 1];
	struct str id = STR_NULL;
	int rc = 0;

	if (t->hooks->client_id != NULL)
		rc = t->hooks->client_id(ctx, *res, &id, err);
	if (rc == 0)
		rc = validate_resource(ctx->arena, t->rt, *res, &vo, err);
	if (rc == 0 && t->hooks->prepare_create != NULL)
		rc = t->hooks->prepare_create(ctx, *res, err);
	if (rc != 0)
		goto out;
	if (id.ptr == NULL) {
		secure_uuid(uuid);
		id = str_from(uuid);
	}
	*res = record_stamp(ctx->arena, t->rt, *res, id, NULL, 1, ctx->now_ms);
out:
	return rc;
}

int
op_create_in(struct scim *s, struct store_txn *txn, struct str tenant,
    struct str rtype, struct arena *a, struct json_value *body,
    struct json_value **out, struct scim_err *err)
{
	struct create c = {.tenant = tenant};
	struct resource_type t;
	struct resource_ctx ctx;
	int rc;

	rc = resource_find(scim_registry(s), rtype, &t, err);
	if (rc != 0)
		goto out;
	ctx = (struct resource_ctx){
	    .arena = a, .rt = t.rt, .now_ms = date_now_ms(), .scim = s};
	rc = prepare(s, &ctx, &t, &body, err);
	if (rc != 0)
		goto out;
	c.t = &t;
	c.ctx = &ctx;
	c.res = body;
	c.id = json_object_get_cstr(body, "id")->u.string;
	rc = create_in(txn, &c, err);
	if (rc == 0 && out != NULL)
		*out = c.out;
out:
	return rc;
}

int
op_create(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct create c = {.req = req, .tenant = req->tenant};
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
	ctx = record_ctx(s, req, t.rt);
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
	if (rc != 0)
		audit_log_failure(req, "create", c.id, rc);
	return rc;
}

/* meta.created / meta.lastModified of an imported resource: a dateTime
 * (RFC 7643 §3.1), copied as written so the export round-trips. */
static int
import_date(struct arena *a, const struct json_value *from,
    struct json_value *to, const char *name, struct scim_err *err)
{
	const struct json_value *v = json_object_get_cstr(from, name);
	int64_t ms;

	if (v == NULL || v->type != JSON_STRING ||
	    date_parse(v->u.string, &ms) != 0)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "meta.%s: must be a dateTime", name);
	json_object_set_cstr(a, to, name, json_string(a, v->u.string));
	return 0;
}

/* The id and meta an exported resource carries, put on the prepared
 * (stamped) resource in place of the new ones. */
static int
import_identity(struct arena *a, const struct json_value *in,
    struct json_value *res, struct str *id, struct scim_err *err)
{
	const struct json_value *v = json_object_get_cstr(in, "id");
	const struct json_value *meta = json_object_get_cstr(in, "meta");
	struct json_value *out = json_object_get_cstr(res, "meta");
	uint64_t version;
	int rc;

	if (v == NULL || v->type != JSON_STRING || !record_id_ok(v->u.string))
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "id: an imported resource needs its id (1-%d characters "
		    "of [A-Za-z0-9._~-])",
		    SCIM_MAX_ID);
	*id = arena_str(a, v->u.string);
	json_object_set_cstr(a, res, "id", json_string(a, *id));
	if (meta == NULL || meta->type != JSON_OBJECT)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "meta: an imported resource needs its meta");
	rc = import_date(a, meta, out, "created", err);
	if (rc == 0)
		rc = import_date(a, meta, out, "lastModified", err);
	if (rc != 0)
		return rc;
	v = json_object_get_cstr(meta, "version");
	if (v == NULL || v->type != JSON_STRING ||
	    etag_parse(v->u.string, &version) != 0)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "meta.version: must be a weak ETag such as W/\"3\"");
	json_object_set_cstr(a, out, "version", json_string(a, v->u.string));
	return 0;
}

int
op_create_import(struct scim *s, struct store_txn *txn, struct str tenant,
    struct str rtype, struct arena *a, const struct json_value *in,
    struct scim_err *err)
{
	struct create c = {.tenant = tenant};
	struct json_value *body = json_clone(a, in);
	struct resource_type t;
	struct resource_ctx ctx;
	int rc;

	rc = resource_find(scim_registry(s), rtype, &t, err);
	if (rc != 0)
		goto out;
	ctx = (struct resource_ctx){.arena = a,
	    .rt = t.rt,
	    .now_ms = date_now_ms(),
	    .tenant = tenant,
	    .scim = s};
	rc = prepare(s, &ctx, &t, &body, err);
	if (rc == 0)
		rc = import_identity(a, in, body, &c.id, err);
	if (rc != 0)
		goto out;
	c.t = &t;
	c.ctx = &ctx;
	c.res = body;
	rc = create_in(txn, &c, err);
out:
	return rc;
}
