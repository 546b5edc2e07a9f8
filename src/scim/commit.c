/*
 * The shared write tail of PUT and PATCH; see commit.h. Everything here
 * runs inside the operation's one write transaction, against the state
 * that transaction sees, because immutability, the status machine and
 * uniqueness all depend on it (STYLE.md §6).
 */
#include "config.h"

#include "scim/access.h"
#include "scim/audit.h"
#include "scim/commit.h"
#include "scim/record.h"
#include "scim/uniq.h"
#include "scim/validate.h"

/* 1 when x and y hold the same attributes apart from the
 * server-assigned id and meta. */
static int
same_content(const struct json_value *x, const struct json_value *y)
{
	const struct json_member *m;
	size_t i, nx = 0, ny = 0;

	for (i = 0; i < x->u.object.len; i++) {
		m = &x->u.object.members[i];
		if (str_caseeq_cstr(m->key, "id") ||
		    str_caseeq_cstr(m->key, "meta"))
			continue;
		nx++;
		if (!json_equal(m->value, json_object_get(y, m->key)))
			return 0;
	}
	for (i = 0; i < y->u.object.len; i++) {
		m = &y->u.object.members[i];
		if (!str_caseeq_cstr(m->key, "id") &&
		    !str_caseeq_cstr(m->key, "meta"))
			ny++;
	}
	return nx == ny;
}

/* Validation and the type's rules: the unstamped next state. */
static int
next_state(
    const struct commit *c, struct json_value **next, struct scim_err *err)
{
	struct resource_put put = {.cur = c->cur, .raw = c->raw};
	struct json_value *body = json_clone(c->ctx->arena, c->candidate);
	struct validate_opts vo = {
	    .mode = VALIDATE_REPLACE,
	    .current = c->cur,
	    .bool_strings = scim_config(c->s)->compat_bool_strings,
	    .lenient_schemas = c->t->hooks->lenient_schemas,
	};
	int rc;

	rc = validate_resource(c->ctx->arena, c->t->rt, body, &vo, err);
	put.body = body;
	if (rc == 0)
		rc = (c->t->hooks->prepare_replace != NULL
			? c->t->hooks->prepare_replace
			: resource_replace_default)(c->ctx, &put, next, err);
	return rc;
}

int
commit_replace(struct store_txn *txn, const struct commit *c,
    struct json_value **out, struct scim_err *err)
{
	struct arena *a = c->ctx->arena;
	const struct scim_request *req = c->req;
	struct json_value *next = NULL;
	struct uniq_set old_keys, new_keys;
	struct str bytes;
	int rc;

	rc = next_state(c, &next, err);
	/* A self-admin caller changes status.status and nothing else. */
	if (rc == 0)
		rc = access_check_change(req, c->cur, next, err);
	if (rc != 0)
		goto out;
	if (c->keep_unchanged && same_content(next, c->cur)) {
		*out = json_clone(a, c->cur);
		goto out;
	}
	next = record_stamp(a, c->t->rt, next, req->id, c->cur,
	    record_version(c->cur) + 1, c->ctx->now_ms);
	rc = resource_in_txn(c->t, c->ctx, txn, req->tenant, c->cur, next, err);
	if (rc != 0)
		goto out;
	uniq_collect(a, c->t->rt, c->cur, &old_keys);
	uniq_collect(a, c->t->rt, next, &new_keys);
	rc = uniq_update(
	    txn, req->tenant, c->t->rt, req->id, &old_keys, &new_keys, err);
	if (rc == 0)
		rc = record_encode(a, next, &bytes, err);
	if (rc == 0)
		rc = store_rec_put(txn, req->tenant, str_from(c->t->rt->name),
		    req->id, bytes, err);
	if (rc == 0)
		*out = next;
out:
	return rc;
}

int
commit_audit(struct store_txn *txn, const struct commit *c, const char *action,
    struct scim_err *err)
{
	struct resource_ctx in =
	    resource_ctx_in_txn(c->ctx, txn, c->req->tenant);

	return audit_request(
	    &in, c->req, str_from(c->t->rt->name), c->req->id, action, err);
}
