/*
 * Applying staged changes, one at a time inside the caller's write
 * transaction, and the on-demand endpoint; see apply.h.
 */
#include "config.h"

#include <string.h>

#include "scim/apply.h"
#include "scim/audit.h"
#include "scim/commit.h"
#include "scim/credential.h"
#include "scim/detail.h"
#include "scim/ops.h"
#include "scim/outbox.h"
#include "scim/record.h"
#include "scim/rule_usage.h"
#include "scim/staged.h"
#include "scim/staged_match.h"
#include "scim/uniq.h"
#include "store/store_nested.h"
#include "util/date.h"

#define STAGED_TYPE STR_LIT(STAGED_RTYPE)

static struct str
str_of(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

/* One change being applied. */
struct step {
	struct scim *s;
	struct arena *a;
	struct str tenant;
	int64_t now_ms;
	const struct rule *r;
	struct staged_plan plan;
	struct str user;
	enum rule_action act;
	struct str cred; /* UPDATE, REVOKE: staged; ISSUE: created */
	int type_invalid;
	int revoked_pending; /* REVOKE withdrew a PENDING credential */
	const struct apply_one *o; /* the caller, for the audit record */
};

/* A hook context on txn for the Credential type. */
static int
cred_ctx(struct step *st, struct store_txn *txn, struct resource_type *t,
    struct resource_ctx *c, struct scim_err *err)
{
	int rc;

	rc = resource_find(scim_registry(st->s), STR_LIT("Credential"), t, err);
	*c = (struct resource_ctx){.arena = st->a,
	    .rt = t->rt,
	    .now_ms = st->now_ms,
	    .txn = txn,
	    .tenant = st->tenant,
	    .scim = st->s};
	return rc;
}

static int
type_gone(struct step *st, struct scim_err *err)
{
	st->type_invalid = 1;
	return scim_err_set(err, SCIM_E_INVALID_VALUE,
	    "CredentialType \"%.*s\" is gone or no longer AUTOMATED",
	    STR_FMT(detail_quote(st->r->ctype)));
}

static int
issue_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct step *st = arg;
	struct arena *a = st->a;
	struct json_value *body = json_object(a), *l = json_array(a), *o, *user;
	struct resource_type t;
	struct resource_ctx c;
	struct str v, bytes;
	size_t i;
	int has, rc;

	if (!st->plan.type_ok)
		return type_gone(st, err);
	rc = cred_ctx(st, txn, &t, &c, err);
	if (rc == 0)
		rc = record_load(txn, a, st->tenant,
		    schema_rtype_find(scim_registry(st->s), STR_LIT("User")),
		    st->user, &user, err);
	if (rc != 0)
		return rc;
	json_array_append(a, l, json_cstring(a, t.rt->core->id));
	json_object_set_cstr(a, body, "schemas", l);
	json_object_set_cstr(a, body, "type", json_string(a, st->r->ctype));
	o = json_object(a);
	json_object_set_cstr(a, o, "value", json_string(a, st->user));
	json_object_set_cstr(a, body, "owner", o);
	l = json_array(a);
	for (i = 0; i < st->plan.nsrc; i++) {
		staged_want(a, &st->plan, i, user, &v, &has);
		if (!has)
			continue;
		o = json_object(a);
		json_object_set_cstr(
		    a, o, "name", json_string(a, st->plan.src[i].def->name));
		json_object_set_cstr(a, o, "value", json_string(a, v));
		json_array_append(a, l, o);
	}
	if (l->u.array.len > 0)
		json_object_set_cstr(a, body, "attributes", l);
	rc = record_encode(a, body, &bytes, err);
	if (rc == 0 && bytes.len > SCIM_MAX_BODY)
		rc = scim_err_set(err, SCIM_E_TOO_LARGE,
		    "the credential would exceed %d bytes", SCIM_MAX_BODY);
	if (rc == 0)
		rc = op_create_in(st->s, txn, st->tenant, STR_LIT("Credential"),
		    a, body, &o, err);
	if (rc == 0)
		st->cred = arena_str(a, str_of(o, "id"));
	return rc;
}

/* The sourced attributes of cand set to what user's data gives. */
static void
resource_sources(
    struct step *st, const struct json_value *user, struct json_value *cand)
{
	struct arena *a = st->a;
	struct json_value *l = json_object_get_cstr(cand, "attributes"), *e;
	struct json_value *keep = json_array(a);
	const struct credential_type_def *d;
	struct str v;
	size_t i, k;
	int has, sourced;

	for (i = 0; l != NULL && l->type == JSON_ARRAY && i < l->u.array.len;
	     i++) {
		e = l->u.array.items[i];
		for (k = 0, sourced = 0; k < st->plan.nsrc && !sourced; k++)
			sourced = str_eq(
			    st->plan.src[k].def->name, str_of(e, "name"));
		if (!sourced)
			json_array_append(a, keep, e);
	}
	for (k = 0; k < st->plan.nsrc; k++) {
		d = st->plan.src[k].def;
		staged_want(a, &st->plan, k, user, &v, &has);
		if (!has)
			continue;
		e = json_object(a);
		json_object_set_cstr(a, e, "name", json_string(a, d->name));
		json_object_set_cstr(a, e, "value", json_string(a, v));
		json_array_append(a, keep, e);
	}
	json_object_set_cstr(a, cand, "attributes", keep);
}

/* The PUT write tail on credential st->cred with candidate cand. */
static int
rewrite(struct step *st, struct store_txn *txn, struct resource_type *t,
    struct resource_ctx *c, const struct json_value *cur,
    struct json_value *cand, struct scim_err *err)
{
	struct scim_request req = {
	    .arena = st->a, .tenant = st->tenant, .id = st->cred};
	struct commit cm = {.s = st->s,
	    .req = &req,
	    .t = t,
	    .ctx = c,
	    .cur = cur,
	    .candidate = cand,
	    .raw = cand,
	    .keep_unchanged = 1};
	struct json_value *out;

	return commit_replace(txn, &cm, &out, err);
}

static int
update_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct step *st = arg;
	struct json_value *cur, *cand, *user;
	struct resource_type t;
	struct resource_ctx c;
	int rc;

	if (!st->plan.type_ok)
		return type_gone(st, err);
	rc = cred_ctx(st, txn, &t, &c, err);
	if (rc == 0)
		rc = record_load(
		    txn, st->a, st->tenant, t.rt, st->cred, &cur, err);
	if (rc == 0)
		rc = record_load(txn, st->a, st->tenant,
		    schema_rtype_find(scim_registry(st->s), STR_LIT("User")),
		    st->user, &user, err);
	if (rc != 0)
		return rc;
	cand = json_clone(st->a, cur);
	resource_sources(st, user, cand);
	return rewrite(st, txn, &t, &c, cur, cand, err);
}

/* A PENDING credential is withdrawn: what DELETE /Credential/{id} does. */
static int
withdraw(struct step *st, struct store_txn *txn, struct resource_type *t,
    struct resource_ctx *c, const struct json_value *cur, struct scim_err *err)
{
	struct uniq_set keys;
	int rc = 0;

	st->revoked_pending = 1;
	if (t->hooks->on_delete != NULL)
		rc = t->hooks->on_delete(c, txn, cur, err);
	uniq_collect(st->a, t->rt, cur, &keys);
	if (rc == 0)
		rc = uniq_update(
		    txn, st->tenant, t->rt, st->cred, &keys, NULL, err);
	if (rc == 0)
		rc = store_rec_del(
		    txn, st->tenant, STR_LIT("Credential"), st->cred, err);
	return rc;
}

static int
revoke_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct step *st = arg;
	struct json_value *cur, *cand, *status;
	struct resource_type t;
	struct resource_ctx c;
	struct str now;
	int rc;

	rc = cred_ctx(st, txn, &t, &c, err);
	if (rc == 0)
		rc = record_load(
		    txn, st->a, st->tenant, t.rt, st->cred, &cur, err);
	if (rc != 0)
		return rc;
	now = str_of(json_object_get_cstr(cur, "status"), "status");
	if (!staged_cred_live(cur))
		return 0; /* revoked meanwhile by other means */
	if (str_eq_cstr(now, "PENDING"))
		return withdraw(st, txn, &t, &c, cur, err);
	cand = json_clone(st->a, cur);
	status = json_object_get_cstr(cand, "status");
	json_object_set_cstr(
	    st->a, status, "status", json_cstring(st->a, "REVOKED"));
	return rewrite(st, txn, &t, &c, cur, cand, err);
}

/* ---------------------------------------------------------------- errors */

/* The credential attribute a detail names (attributes[name eq "X"]). */
static struct str
target_of(const char *detail)
{
	const char *p = strstr(detail, "attributes[name eq \""), *q;

	if (p == NULL)
		return STR_NULL;
	p += strlen("attributes[name eq \"");
	q = strchr(p, '"');
	return q != NULL ? str_make(p, (size_t)(q - p)) : STR_NULL;
}

/* PingOne's error codes (shared/reference, "staged changes error
 * codes") for a failed credential write. */
static const char *
code_of(
    const struct step *st, int rc, const struct scim_err *e, struct str *target)
{
	*target = target_of(e->detail);
	if (st->type_invalid || strstr(e->detail, "no credential type") != NULL)
		return "CREDENTIAL_TYPE_INVALID";
	if (rc == SCIM_E_TOO_LARGE ||
	    strstr(e->detail, "(stringmaxlen)") != NULL)
		return "CREDENTIAL_TOO_LARGE";
	if (target->len > 0)
		return "CREDENTIAL_TYPE_INVALID";
	return "UNEXPECTED_ERROR";
}

/* Appends the error to the staged change, unscheduling it past
 * STAGED_UNSCHEDULE_AFTER errors, and counts it. */
static int
record_error(struct step *st, struct store_txn *txn,
    const struct json_value *staged, int rc0, const struct scim_err *e,
    struct json_value **entry, struct scim_err *err)
{
	struct arena *a = st->a;
	const struct schema_rtype *rt =
	    schema_rtype_find(scim_registry(st->s), STAGED_TYPE);
	struct json_value *next = json_clone(a, staged), *l, *ne, *out;
	char at[DATE_BUFSZ];
	struct str target, bytes, id = str_of(staged, "id");
	size_t i;
	int rc;

	date_format(st->now_ms, at);
	ne = json_object(a);
	json_object_set_cstr(a, ne, "recordedAt", json_cstring(a, at));
	json_object_set_cstr(
	    a, ne, "code", json_cstring(a, code_of(st, rc0, e, &target)));
	if (target.len > 0)
		json_object_set_cstr(a, ne, "target", json_string(a, target));
	json_object_set_cstr(a, ne, "message",
	    json_cstring(a, e->detail[0] ? e->detail : scim_strerror(rc0)));
	l = json_array(a);
	json_object_remove(next, STR_LIT("errors"));
	staged = json_object_get_cstr(staged, "errors");
	for (i = 0; staged != NULL && staged->type == JSON_ARRAY &&
	     i < staged->u.array.len;
	     i++)
		if (staged->u.array.len - i < STAGED_MAX_ERRORS)
			json_array_append(a, l, staged->u.array.items[i]);
	json_array_append(a, l, ne);
	json_object_set_cstr(a, next, "errors", l);
	json_object_set_cstr(a, next, "scheduled",
	    json_bool(a,
		st->r->periodic[st->act] &&
		    l->u.array.len <= STAGED_UNSCHEDULE_AFTER));
	out = record_stamp(
	    a, rt, next, id, next, record_version(next) + 1, st->now_ms);
	*entry = ne;
	rc = record_encode(a, out, &bytes, err);
	if (rc == 0)
		rc =
		    store_rec_put(txn, st->tenant, STAGED_TYPE, id, bytes, err);
	if (rc == 0)
		rc = rule_usage_add(
		    txn, a, st->tenant, st->r->id, RULE_USAGE_ERRORS, err);
	return rc;
}

/* --------------------------------------------------------------- success */

/* The audit record of the credential write (audit.h): the request's
 * caller with the apply permission, or the scheduler. */
static int
audit_applied(struct step *st, struct store_txn *txn, struct scim_err *err)
{
	static const char *const actions[RULE_NACTIONS] = {
	    "issue", "update", "revoke"};
	struct audit_event ev = {
	    .who = st->o->who,
	    .permission =
		st->o->who != NULL ? perm_name(PERM_STAGED_UPDATE) : NULL,
	    .rtype = STR_LIT("Credential"),
	    .id = st->cred,
	    .action = actions[st->act],
	    .request_id = st->o->request_id,
	    .system = "scheduler",
	};

	return audit_append_scim(st->s, txn, st->tenant, st->now_ms, &ev, err);
}

static int
succeeded(struct step *st, struct store_txn *txn, struct scim_err *err)
{
	static const char *const tmpl[RULE_NACTIONS] = {
	    OUTBOX_ISSUED, OUTBOX_UPDATED, OUTBOX_REVOKED};
	struct resource_ctx c = {.arena = st->a,
	    .rt = schema_rtype_find(scim_registry(st->s), STAGED_TYPE),
	    .now_ms = st->now_ms,
	    .txn = txn,
	    .tenant = st->tenant,
	    .scim = st->s};
	int rc = 0;

	if (st->act == RULE_ISSUE) {
		rc = store_edge_put(txn, st->tenant, STR_LIT(RULE_EDGE_OF_CRED),
		    st->cred, st->r->id, STR_NULL, err);
		if (rc == 0)
			rc = store_edge_put(txn, st->tenant,
			    STR_LIT(RULE_EDGE_CRED), st->r->id, st->cred,
			    st->user, err);
		if (rc == 0)
			rc = store_edge_put(txn, st->tenant,
			    STR_LIT(RULE_EDGE_USER), st->r->id, st->user,
			    st->cred, err);
	}
	if (rc == 0)
		rc = rule_usage_log(txn, st->a, st->tenant, st->r->id, st->act,
		    st->user, st->cred, st->now_ms, err);
	if (rc == 0)
		rc = outbox_record(&c, txn, st->tenant,
		    rule_notification_view(st->a, st->r), tmpl[st->act],
		    st->user, st->cred, err);
	if (rc == 0)
		rc = audit_applied(st, txn, err);
	if (rc == 0)
		rc = staged_refresh(&c, st->r, st->user, err);
	return rc;
}

/* Storage failures end the whole transaction; anything else is the
 * change's own error. */
static int
fatal(int rc)
{
	return rc == SCIM_E_STORAGE || rc == SCIM_E_UNAVAILABLE;
}

int
apply_change(struct scim *s, struct store_txn *txn, struct arena *a,
    struct str tenant, int64_t now_ms, const struct rule *r, struct str user,
    struct apply_one *o, struct scim_err *err)
{
	static const store_write_fn fns[RULE_NACTIONS] = {
	    issue_fn, update_fn, revoke_fn};
	struct step st = {.s = s,
	    .a = a,
	    .tenant = tenant,
	    .now_ms = now_ms,
	    .r = r,
	    .user = user,
	    .o = o};
	struct resource_ctx c = {.arena = a,
	    .rt = schema_rtype_find(scim_registry(s), STAGED_TYPE),
	    .now_ms = now_ms,
	    .txn = txn,
	    .tenant = tenant,
	    .scim = s};
	char sid[STAGED_ID_LEN + 1];
	struct json_value *staged = NULL;
	const struct json_value *sch;
	struct scim_err e = {0};
	struct str val;
	int rc;

	o->outcome = APPLY_NOT_STAGED;
	o->error = NULL;
	o->cred = STR_NULL;
	staged_id(r->id, user, sid);
	if (c.rt == NULL || !record_id_ok(user) ||
	    store_rec_get(txn, tenant, STAGED_TYPE, str_from(sid), &val) != 0)
		return 0;
	rc = record_decode(a, val, &staged, err);
	if (rc != 0 ||
	    rule_action_parse(str_of(staged, "action"), &st.act) != 0)
		return rc;
	sch = json_object_get_cstr(staged, "scheduled");
	if ((o->action >= 0 && (int)st.act != o->action) ||
	    (o->scheduled_only &&
		(sch == NULL || sch->type != JSON_BOOL || !sch->u.boolean)))
		return 0;
	o->done = st.act;
	st.cred = arena_str(
	    a, str_of(json_object_get_cstr(staged, "credential"), "value"));
	rc = staged_plan_make(&c, r, &st.plan, err);
	if (rc != 0)
		return rc;
	rc = store_nested(txn, fns[st.act], &st, &e);
	if (rc == 0) {
		o->outcome = APPLY_DONE;
		o->cred = st.cred;
		return succeeded(&st, txn, err);
	}
	if (fatal(rc)) {
		*err = e;
		return rc;
	}
	o->outcome = APPLY_FAILED;
	return record_error(&st, txn, staged, rc, &e, &o->error, err);
}

/* ------------------------------------------------------------- endpoint */

struct apply_req {
	struct scim *s;
	const struct scim_request *req;
	const struct schema_rtype *rt;
	const struct json_value *lists[RULE_NACTIONS];
	struct json_value *out; /* rebuilt on each run of the callback */
};

static const char *const list_keys[RULE_NACTIONS] = {
    "issue", "update", "revoke"};

static int
parse_body(
    const struct scim_request *req, struct apply_req *ar, struct scim_err *err)
{
	const struct json_member *m;
	struct json_value *body;
	size_t i, j, k, total = 0;
	int rc;

	rc = record_parse_body(req, &body, err);
	for (i = 0; rc == 0 && i < body->u.object.len; i++) {
		m = &body->u.object.members[i];
		if (str_caseeq_cstr(m->key, "schemas"))
			continue;
		for (k = 0; k < RULE_NACTIONS &&
		     !str_caseeq_cstr(m->key, list_keys[k]);
		     k++)
			;
		if (k == RULE_NACTIONS)
			return scim_err_set(err, SCIM_E_INVALID_SYNTAX,
			    "unknown member \"%.*s\"; the body has issue, "
			    "update and revoke",
			    STR_FMT(detail_quote(m->key)));
		if (m->value->type != JSON_ARRAY)
			return scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "%s: must be a list of User ids", list_keys[k]);
		for (j = 0; j < m->value->u.array.len; j++)
			if (m->value->u.array.items[j]->type != JSON_STRING)
				return scim_err_set(err, SCIM_E_INVALID_VALUE,
				    "%s: must be a list of User ids",
				    list_keys[k]);
		total += m->value->u.array.len;
		ar->lists[k] = m->value;
	}
	if (rc == 0 && total > APPLY_MAX_USERS)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "at most %d User ids in one request", APPLY_MAX_USERS);
	return rc;
}

static struct json_value *
user_ref(struct arena *a, struct str user)
{
	struct json_value *o = json_object(a);

	json_object_set_cstr(a, o, "id", json_string(a, user));
	return o;
}

/* One outcome into the answer. */
static void
report(struct arena *a, struct json_value *out, enum rule_action act,
    struct str user, const struct apply_one *o)
{
	struct json_value *e = json_object(a), *d;

	json_object_set_cstr(a, e, "user", user_ref(a, user));
	if (o->outcome == APPLY_DONE) {
		json_object_set_cstr(a, e, "credential", user_ref(a, o->cred));
		json_array_append(
		    a, json_object_get_cstr(out, list_keys[act]), e);
		return;
	}
	json_object_set_cstr(
	    a, e, "action", json_cstring(a, rule_action_name(act)));
	if (o->outcome == APPLY_NOT_STAGED) {
		json_array_append(a, json_object_get_cstr(out, "notStaged"), e);
		return;
	}
	d = staged_error_view(a, o->error);
	json_object_set_cstr(
	    a, e, "recordedAt", json_object_get_cstr(d, "recordedAt"));
	json_object_set_cstr(
	    a, e, "errorDetail", json_object_get_cstr(d, "errorDetail"));
	json_array_append(a, json_object_get_cstr(out, "errors"), e);
}

static int
apply_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	static const char *const outs[] = {
	    "issue", "update", "revoke", "errors", "notStaged"};
	struct apply_req *ar = arg;
	struct arena *a = ar->req->arena;
	int64_t now = date_now_ms();
	const struct json_value *l;
	struct apply_one o;
	struct rule r;
	size_t i, k;
	int rc;

	ar->out = json_object(a);
	for (i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		json_object_set_cstr(a, ar->out, outs[i], json_array(a));
	rc = rule_load(txn, a, scim_registry(ar->s), ar->req->tenant,
	    ar->req->id, 1, &r, err);
	if (rc == SCIM_E_NOT_FOUND)
		return record_not_found(ar->rt, ar->req->id, err);
	for (k = 0; rc == 0 && k < RULE_NACTIONS; k++) {
		l = ar->lists[k];
		for (i = 0; rc == 0 && l != NULL && i < l->u.array.len; i++) {
			memset(&o, 0, sizeof(o));
			o.action = (int)k;
			o.who = ar->req->who;
			o.request_id = ar->req->request_id;
			rc = apply_change(ar->s, txn, a, ar->req->tenant, now,
			    &r, l->u.array.items[i]->u.string, &o, err);
			if (rc == 0)
				report(a, ar->out, (enum rule_action)k,
				    l->u.array.items[i]->u.string, &o);
		}
	}
	return rc;
}

int
apply_staged(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct apply_req ar = {.s = s, .req = req};
	int rc;

	ar.rt = schema_rtype_find(scim_registry(s), STR_LIT(RULE_RTYPE));
	if (ar.rt == NULL ||
	    schema_rtype_find(scim_registry(s), STAGED_TYPE) == NULL)
		return scim_err_set(err, SCIM_E_NOT_FOUND,
		    "no resource type is served at this endpoint");
	rc = parse_body(req, &ar, err);
	if (rc == 0)
		rc = store_write(scim_store(s), apply_txn, &ar, err);
	if (rc == 0)
		scim_resp_json(resp, 200, ar.out);
	return rc;
}
