/*
 * Keeping staged changes current; see staged.h for the rules and for who
 * calls what. Everything runs inside the caller's write transaction
 * (c->txn). Loops over many Users decode each in a scratch arena freed
 * per User, so a rule change over a large tenant stays in bounded
 * memory; the plan (rule, type, sources) lives in the caller's arena.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scim/credential.h"
#include "scim/group.h"
#include "scim/record.h"
#include "scim/rule_usage.h"
#include "scim/staged.h"
#include "scim/staged_match.h"
#include "util/log.h"
#include "util/secure.h"

#define KIND(k) STR_LIT(k)
#define REC_TYPE STR_LIT(STAGED_RTYPE)

static struct str
str_of(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

void
staged_id(struct str rule, struct str user, char out[STAGED_ID_LEN + 1])
{
	unsigned char h[SECURE_SHA256_LEN];
	char hex[2 * SECURE_SHA256_LEN + 1], *buf;
	size_t n = rule.len + 1 + user.len;

	buf = malloc(n);
	if (buf == NULL)
		abort();
	memcpy(buf, rule.ptr, rule.len);
	buf[rule.len] = '\0';
	memcpy(buf + rule.len + 1, user.ptr, user.len);
	secure_sha256(buf, n, h);
	free(buf);
	secure_hex(h, 16, hex);
	snprintf(out, STAGED_ID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex,
	    hex + 8, hex + 12, hex + 16, hex + 20);
}

struct ends {
	struct arena *a;
	struct str *to, *val;
	size_t n, cap;
	int want_val;
};

static int
ends_push(void *arg, struct str to, struct str val)
{
	struct ends *e = arg;

	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->to = arena_realloc(e->a, e->to, e->n * sizeof(*e->to),
		    e->cap * sizeof(*e->to));
		if (e->want_val)
			e->val = arena_realloc(e->a, e->val,
			    e->n * sizeof(*e->val), e->cap * sizeof(*e->val));
	}
	e->to[e->n] = arena_str(e->a, to);
	if (e->want_val)
		e->val[e->n] = arena_str(e->a, val);
	e->n++;
	return 0;
}

int
staged_edge_ends(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str kind, struct str from, struct str **tos, struct str **vals,
    size_t *n, struct scim_err *err)
{
	struct ends e = {.a = a, .want_val = vals != NULL};
	int rc;

	rc = store_edge_each(txn, tenant, kind, from, ends_push, &e, err);
	*tos = e.to;
	if (vals != NULL)
		*vals = e.val;
	*n = e.n;
	return rc;
}

int
staged_cred_live(const struct json_value *cred)
{
	struct str s = str_of(json_object_get_cstr(cred, "status"), "status");

	return cred != NULL && !str_eq_cstr(s, "REVOKED") &&
	    !str_eq_cstr(s, "TERMINATED");
}

/* 1 when this server keeps staged changes at all. */
static const struct schema_rtype *
staged_rt(const struct resource_ctx *c)
{
	if (c->rt == NULL ||
	    schema_rtype_find(c->rt->reg, STR_LIT(RULE_RTYPE)) == NULL)
		return NULL;
	return schema_rtype_find(c->rt->reg, REC_TYPE);
}

/* ------------------------------------------------------------- records */

/* A reference {value}. */
static struct json_value *
ref(struct arena *a, struct str id)
{
	struct json_value *o = json_object(a);

	json_object_set_cstr(a, o, "value", json_string(a, id));
	return o;
}

static struct json_value *
fresh(const struct resource_ctx *c, const struct rule *r, struct str user,
    enum rule_action act, struct str cred)
{
	struct arena *a = c->arena;
	struct json_value *res = json_object(a), *schemas = json_array(a);

	json_array_append(a, schemas, json_cstring(a, STAGED_URN));
	json_object_set_cstr(a, res, "schemas", schemas);
	json_object_set_cstr(
	    a, res, "action", json_cstring(a, rule_action_name(act)));
	json_object_set_cstr(a, res, "user", ref(a, user));
	json_object_set_cstr(a, res, "credentialType", ref(a, r->ctype));
	json_object_set_cstr(a, res, "issuanceRule", ref(a, r->id));
	if (act != RULE_ISSUE)
		json_object_set_cstr(a, res, "credential", ref(a, cred));
	json_object_set_cstr(
	    a, res, "scheduled", json_bool(a, r->periodic[act]));
	return res;
}

static size_t
nerrors(const struct json_value *res)
{
	const struct json_value *e = json_object_get_cstr(res, "errors");

	return e != NULL && e->type == JSON_ARRAY ? e->u.array.len : 0;
}

static int
put(const struct resource_ctx *c, const struct schema_rtype *rt,
    struct json_value *res, struct str id, const struct json_value *prev,
    struct scim_err *err)
{
	struct json_value *out;
	struct str bytes;
	int rc;

	out = record_stamp(c->arena, rt, res, id, prev,
	    prev != NULL ? record_version(prev) + 1 : 1, c->now_ms);
	rc = record_encode(c->arena, out, &bytes, err);
	if (rc == 0)
		rc = store_rec_put(c->txn, c->tenant, REC_TYPE, id, bytes, err);
	return rc;
}

/* Makes the stored change for (r, user) say act (-1: none). */
static int
put_staged(const struct resource_ctx *c, const struct rule *r, struct str user,
    int act, struct str cred, struct scim_err *err)
{
	const struct schema_rtype *rt = staged_rt(c);
	struct json_value *cur = NULL, *next;
	char sid[STAGED_ID_LEN + 1], letter;
	struct str val, id;
	int rc, sched;

	staged_id(r->id, user, sid);
	id = str_from(sid);
	rc = store_rec_get(c->txn, c->tenant, REC_TYPE, id, &val);
	if (rc == 0)
		rc = record_decode(c->arena, val, &cur, err);
	else if (rc == SCIM_E_NOT_FOUND)
		rc = 0;
	if (rc != 0)
		return rc;
	if (act < 0) {
		if (cur != NULL)
			rc =
			    store_rec_del(c->txn, c->tenant, REC_TYPE, id, err);
		if (rc == 0 && cur != NULL)
			rc = store_edge_del(c->txn, c->tenant,
			    KIND(RULE_EDGE_STAGED), r->id, user, err);
		return rc;
	}
	if (cur != NULL &&
	    str_eq_cstr(str_of(cur, "action"), rule_action_name(act)) &&
	    str_eq(str_of(json_object_get_cstr(cur, "credential"), "value"),
		act == RULE_ISSUE ? STR_NULL : cred)) {
		sched =
		    r->periodic[act] && nerrors(cur) <= STAGED_UNSCHEDULE_AFTER;
		next = json_object_get_cstr(cur, "scheduled");
		if (next != NULL && next->type == JSON_BOOL &&
		    next->u.boolean == sched)
			return 0; /* already as it should be */
		next = json_clone(c->arena, cur);
		json_object_set_cstr(
		    c->arena, next, "scheduled", json_bool(c->arena, sched));
		return put(c, rt, next, id, cur, err);
	}
	/* A new action is a new change: no errors, created now. */
	rc = put(c, rt, fresh(c, r, user, (enum rule_action)act, cred), id,
	    NULL, err);
	letter = rule_action_name((enum rule_action)act)[0];
	if (rc == 0)
		rc = store_edge_put(c->txn, c->tenant, KIND(RULE_EDGE_STAGED),
		    r->id, user, str_make(&letter, 1), err);
	return rc;
}

/* ----------------------------------------------------------- evaluating */

struct holder {
	struct str id; /* STR_NULL: none */
	const struct json_value *cred;
	int live;
};

/* The live credential r issued to user, from the "rule.user" edge. */
static int
holder_find(const struct resource_ctx *c, const struct rule *r, struct str user,
    struct holder *h, struct scim_err *err)
{
	struct json_value *cred;
	struct str v, rec;
	int rc;

	memset(h, 0, sizeof(*h));
	if (store_edge_get(
		c->txn, c->tenant, KIND(RULE_EDGE_USER), r->id, user, &v) != 0)
		return 0;
	h->id = arena_str(c->arena, v);
	rc = store_rec_get(
	    c->txn, c->tenant, STR_LIT("Credential"), h->id, &rec);
	if (rc == SCIM_E_NOT_FOUND)
		return 0; /* a stale edge: no holder */
	if (rc == 0)
		rc = record_decode(c->arena, rec, &cred, err);
	if (rc == 0) {
		h->cred = cred;
		h->live = staged_cred_live(cred);
	}
	return rc;
}

static int
eval(const struct resource_ctx *c, const struct staged_plan *p,
    struct staged_subject *u, const struct holder *ov, struct scim_err *err)
{
	struct holder h;
	int match = 0, act = -1, rc = 0;

	if (ov != NULL)
		h = *ov;
	else
		rc = holder_find(c, p->r, u->id, &h, err);
	if (rc == 0 && p->r->active && u->user != NULL)
		rc = staged_matches(c, p, u, &match, err);
	if (rc != 0)
		return rc;
	if (match && !h.live)
		act = RULE_ISSUE;
	else if (!match && h.live)
		act = RULE_REVOKE;
	else if (match && p->type_ok &&
	    staged_differs(c->arena, p, u->user, h.cred))
		act = RULE_UPDATE;
	return put_staged(c, p->r, u->id, act, h.id, err);
}

/* Loads User id (NULL when it does not exist) into c's arena. */
static int
load_user(const struct resource_ctx *c, struct str id, struct json_value **out,
    struct scim_err *err)
{
	struct str val;
	int rc;

	*out = NULL;
	rc = store_rec_get(c->txn, c->tenant, STR_LIT("User"), id, &val);
	if (rc == SCIM_E_NOT_FOUND)
		return 0;
	if (rc == 0)
		rc = record_decode(c->arena, val, out, err);
	return rc;
}

/* Evaluates each User of ids against the plans, one scratch arena per
 * User. */
static int
eval_users(const struct resource_ctx *c, const struct staged_plan *plans,
    size_t nplans, const struct str *ids, size_t n, struct scim_err *err)
{
	struct resource_ctx uc = *c;
	struct json_value *user;
	struct staged_subject u;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		uc.arena = arena_new();
		rc = load_user(&uc, ids[i], &user, err);
		memset(&u, 0, sizeof(u));
		u.id = ids[i];
		u.user = user;
		for (k = 0; k < nplans && rc == 0; k++)
			rc = eval(&uc, &plans[k], &u, NULL, err);
		arena_free(uc.arena);
	}
	return rc;
}

/* Plans for every live rule of the tenant (*n 0 when there are none). */
static int
all_plans(const struct resource_ctx *c, struct staged_plan **plans, size_t *n,
    struct scim_err *err)
{
	struct rule *rules;
	size_t i;
	int rc;

	*n = 0;
	rc = rule_all(c->txn, c->arena, c->rt->reg, c->tenant, &rules, n, err);
	*plans = arena_allocarray(c->arena, *n + 1, sizeof(**plans));
	for (i = 0; rc == 0 && i < *n; i++)
		rc = staged_plan_make(c, &rules[i], &(*plans)[i], err);
	return rc;
}

/* ------------------------------------------------------- entry points */

int
staged_user_changed(const struct resource_ctx *c, const struct json_value *user,
    struct scim_err *err)
{
	struct staged_plan *plans;
	struct staged_subject u;
	size_t n, k;
	int rc;

	if (staged_rt(c) == NULL)
		return 0;
	rc = all_plans(c, &plans, &n, err);
	memset(&u, 0, sizeof(u));
	u.id = str_of(user, "id");
	u.user = user;
	for (k = 0; k < n && rc == 0; k++)
		rc = eval(c, &plans[k], &u, NULL, err);
	return rc;
}

/* Removes every staged change and holder edge of a deleted User, for
 * rules live and deleted. */
int
staged_user_deleted(
    const struct resource_ctx *c, struct str user, struct scim_err *err)
{
	struct store_iter *it = NULL;
	struct str id, val, *rules = NULL;
	struct rule r;
	size_t n = 0, cap = 0, i;
	int rc, more = 0, pass;

	if (staged_rt(c) == NULL)
		return 0;
	for (pass = 0, rc = 0; pass < 2 && rc == 0; pass++) {
		rc = store_iter_new(c->txn, c->tenant,
		    pass == 0 ? STR_LIT(RULE_RTYPE) : STR_LIT(RULE_GONE_RTYPE),
		    &it, err);
		while (
		    rc == 0 && (more = store_iter_next(it, &id, &val)) == 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				rules = arena_realloc(c->arena, rules,
				    n * sizeof(*rules), cap * sizeof(*rules));
			}
			rules[n++] = arena_str(c->arena, id);
		}
		store_iter_free(it);
		it = NULL;
		if (rc == 0 && more < 0)
			rc = scim_err_set(err, more, "rules could not be read");
	}
	memset(&r, 0, sizeof(r));
	for (i = 0; i < n && rc == 0; i++) {
		r.id = rules[i];
		rc = put_staged(c, &r, user, -1, STR_NULL, err);
		if (rc == 0)
			rc = store_edge_del(c->txn, c->tenant,
			    KIND(RULE_EDGE_USER), rules[i], user, err);
		if (rc == 0)
			rc = rule_reap(
			    c->txn, c->arena, c->tenant, rules[i], err);
	}
	return rc;
}

static int
str_sort(const void *x, const void *y)
{
	return str_cmp(*(const struct str *)x, *(const struct str *)y);
}

/* Adds the Users below Group g (through nested Groups) to *users. */
static int
users_below(const struct resource_ctx *c, struct str g, struct ends *users,
    struct scim_err *err)
{
	struct ends groups = {.a = c->arena}, here;
	size_t k, i, j;
	int rc;

	ends_push(&groups, g, STR_NULL);
	for (k = 0, rc = 0; rc == 0 && k < groups.n; k++) {
		memset(&here, 0, sizeof(here));
		here.a = c->arena;
		here.want_val = 1;
		rc = store_edge_each(c->txn, c->tenant, KIND(GROUP_EDGE_MEMBER),
		    groups.to[k], ends_push, &here, err);
		for (i = 0; rc == 0 && i < here.n; i++) {
			if (here.val[i].len == 0 || here.val[i].ptr[0] != 'G') {
				ends_push(users, here.to[i], STR_NULL);
				continue;
			}
			for (j = 0;
			     j < groups.n && !str_eq(groups.to[j], here.to[i]);
			     j++)
				;
			if (j == groups.n && groups.n < STAGED_MATCH_GROUPS)
				ends_push(&groups, here.to[i], STR_NULL);
		}
	}
	return rc;
}

int
staged_members_changed(const struct resource_ctx *c, const struct str *ids,
    size_t n, struct scim_err *err)
{
	struct ends users = {.a = c->arena};
	struct staged_plan *plans;
	struct str val;
	size_t np, i, k;
	int rc;

	if (staged_rt(c) == NULL || n == 0)
		return 0;
	rc = all_plans(c, &plans, &np, err);
	if (rc != 0 || np == 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		if (store_rec_get(
			c->txn, c->tenant, STR_LIT("User"), ids[i], &val) == 0)
			ends_push(&users, ids[i], STR_NULL);
		else
			rc = users_below(c, ids[i], &users, err);
	}
	if (rc != 0 || users.n == 0)
		return rc;
	qsort(users.to, users.n, sizeof(*users.to), str_sort);
	for (i = 1, k = 1; i < users.n; i++)
		if (!str_eq(users.to[i], users.to[k - 1]))
			users.to[k++] = users.to[i];
	return eval_users(c, plans, np, users.to, k, err);
}

/* The Users a disabled or deleted rule can still have changes for: its
 * holders and its staged Users. */
static int
rule_users(const struct resource_ctx *c, const struct rule *r, struct str **ids,
    size_t *n, struct scim_err *err)
{
	struct ends e = {.a = c->arena};
	size_t i, k;
	int rc;

	rc = store_edge_each(
	    c->txn, c->tenant, KIND(RULE_EDGE_USER), r->id, ends_push, &e, err);
	if (rc == 0)
		rc = store_edge_each(c->txn, c->tenant, KIND(RULE_EDGE_STAGED),
		    r->id, ends_push, &e, err);
	if (rc == 0 && e.n > 1) {
		qsort(e.to, e.n, sizeof(*e.to), str_sort);
		for (i = 1, k = 1; i < e.n; i++)
			if (!str_eq(e.to[i], e.to[k - 1]))
				e.to[k++] = e.to[i];
		e.n = k;
	}
	*ids = e.to;
	*n = e.n;
	return rc;
}

/* Every User id of the tenant (copies). */
static int
all_users(const struct resource_ctx *c, struct str **ids, size_t *n,
    struct scim_err *err)
{
	struct ends e = {.a = c->arena};
	struct store_iter *it = NULL;
	struct str id, val;
	int rc, more = 0;

	rc = store_iter_new(c->txn, c->tenant, STR_LIT("User"), &it, err);
	while (rc == 0 && (more = store_iter_next(it, &id, &val)) == 0)
		ends_push(&e, id, STR_NULL);
	if (rc == 0 && more < 0)
		rc = scim_err_set(err, more, "the Users could not be read");
	store_iter_free(it);
	*ids = e.to;
	*n = e.n;
	return rc;
}

int
staged_rule_changed(
    const struct resource_ctx *c, const struct rule *r, struct scim_err *err)
{
	struct staged_plan plan;
	struct str *ids = NULL;
	size_t n = 0;
	int rc;

	if (staged_rt(c) == NULL)
		return 0;
	rc = staged_plan_make(c, r, &plan, err);
	if (rc == 0)
		rc = r->active ? all_users(c, &ids, &n, err)
			       : rule_users(c, r, &ids, &n, err);
	if (rc == 0)
		rc = eval_users(c, &plan, 1, ids, n, err);
	return rc;
}

int
staged_rule_deleted(
    const struct resource_ctx *c, const struct rule *r, struct scim_err *err)
{
	struct rule gone = *r;
	struct json_value *res;
	struct str bytes;
	int rc;

	if (staged_rt(c) == NULL)
		return rule_usage_drop(c->txn, c->tenant, r->id, err);
	gone.active = 0;
	gone.gone = 1;
	rc = staged_rule_changed(c, &gone, err);
	if (rc != 0)
		return rc;
	/* Kept, disabled, until its revocations are applied. */
	res = json_clone(c->arena, r->res);
	json_object_set_cstr(
	    c->arena, res, "status", json_cstring(c->arena, "DISABLED"));
	rc = record_encode(c->arena, res, &bytes, err);
	if (rc == 0)
		rc = store_rec_put(c->txn, c->tenant, STR_LIT(RULE_GONE_RTYPE),
		    r->id, bytes, err);
	if (rc == 0)
		rc = rule_reap(c->txn, c->arena, c->tenant, r->id, err);
	return rc;
}

int
staged_refresh(const struct resource_ctx *c, const struct rule *r,
    struct str user, struct scim_err *err)
{
	struct staged_plan plan;
	struct json_value *u = NULL;
	struct staged_subject s;
	int rc;

	rc = staged_plan_make(c, r, &plan, err);
	if (rc == 0)
		rc = load_user(c, user, &u, err);
	memset(&s, 0, sizeof(s));
	s.id = user;
	s.user = u;
	if (rc == 0)
		rc = eval(c, &plan, &s, NULL, err);
	if (rc == 0 && r->gone)
		rc = rule_reap(c->txn, c->arena, c->tenant, r->id, err);
	return rc;
}

/* The rule that issued credential id (its "cred.rule" edge), if any. */
static int
issuing_rule(const struct resource_ctx *c, struct str id, struct rule *r,
    int *found, struct scim_err *err)
{
	struct str *rules = NULL;
	size_t n = 0;
	int rc;

	*found = 0;
	rc = staged_edge_ends(c->txn, c->arena, c->tenant,
	    KIND(RULE_EDGE_OF_CRED), id, &rules, NULL, &n, err);
	if (rc != 0 || n == 0)
		return rc;
	rc = rule_load(
	    c->txn, c->arena, c->rt->reg, c->tenant, rules[0], 1, r, err);
	if (rc == SCIM_E_NOT_FOUND)
		return 0;
	*found = rc == 0;
	return rc;
}

/* The "rule.user" edge follows the credential's liveness; a deleted
 * credential loses its rule edges. */
static int
holder_edges(const struct resource_ctx *c, const struct rule *r, struct str id,
    struct str owner, int live, int deleted, struct scim_err *err)
{
	struct str v;
	int rc = 0;

	if (live)
		rc = store_edge_put(c->txn, c->tenant, KIND(RULE_EDGE_USER),
		    r->id, owner, id, err);
	else if (store_edge_get(c->txn, c->tenant, KIND(RULE_EDGE_USER), r->id,
		     owner, &v) == 0 &&
	    str_eq(v, id))
		rc = store_edge_del(
		    c->txn, c->tenant, KIND(RULE_EDGE_USER), r->id, owner, err);
	if (rc == 0 && deleted)
		rc = store_edge_del(
		    c->txn, c->tenant, KIND(RULE_EDGE_OF_CRED), id, r->id, err);
	if (rc == 0 && deleted)
		rc = store_edge_del(
		    c->txn, c->tenant, KIND(RULE_EDGE_CRED), r->id, id, err);
	return rc;
}

int
staged_credential_changed(const struct resource_ctx *c,
    const struct json_value *cur, const struct json_value *next,
    struct scim_err *err)
{
	const struct json_value *any = next != NULL ? next : cur;
	struct str id = str_of(any, "id");
	struct str owner = str_of(json_object_get_cstr(any, "owner"), "value");
	struct staged_plan plan;
	struct staged_subject u;
	struct json_value *user = NULL;
	struct holder h;
	struct rule r;
	int found, rc;

	if (staged_rt(c) == NULL || owner.len == 0)
		return 0;
	rc = issuing_rule(c, id, &r, &found, err);
	if (rc != 0 || !found)
		return rc;
	if (cur != NULL && next != NULL &&
	    str_eq_cstr(str_of(json_object_get_cstr(cur, "status"), "status"),
		"PENDING") &&
	    str_eq_cstr(str_of(json_object_get_cstr(next, "status"), "status"),
		"ACTIVE"))
		rc = rule_usage_add(c->txn, c->arena, c->tenant, r.id,
		    RULE_USAGE_ACCEPTED, err);
	memset(&h, 0, sizeof(h));
	h.live = next != NULL && staged_cred_live(next);
	if (h.live) {
		h.id = id;
		h.cred = next;
	}
	if (rc == 0)
		rc = holder_edges(c, &r, id, owner, h.live, next == NULL, err);
	if (rc == 0)
		rc = staged_plan_make(c, &r, &plan, err);
	if (rc == 0)
		rc = load_user(c, owner, &user, err);
	memset(&u, 0, sizeof(u));
	u.id = owner;
	u.user = user;
	if (rc == 0)
		rc = eval(c, &plan, &u, &h, err);
	if (rc == 0 && r.gone)
		rc = rule_reap(c->txn, c->arena, c->tenant, r.id, err);
	return rc;
}

/* ------------------------------------------------------------- output */

struct json_value *
staged_error_view(struct arena *a, const struct json_value *e)
{
	static const char *const keys[] = {"code", "target", "message"};
	struct json_value *out = json_object(a), *d = json_object(a), *v;
	size_t i;

	if ((v = json_object_get_cstr(e, "recordedAt")) != NULL)
		json_object_set_cstr(a, out, "recordedAt", v);
	for (i = 0; i < 3; i++)
		if ((v = json_object_get_cstr(e, keys[i])) != NULL)
			json_object_set_cstr(a, d, keys[i], v);
	json_object_set_cstr(a, out, "errorDetail", d);
	return out;
}

static struct json_value *
id_ref(struct arena *a, const struct json_value *obj, const char *key)
{
	struct json_value *o = json_object(a);

	json_object_set_cstr(a, o, "id",
	    json_string(a, str_of(json_object_get_cstr(obj, key), "value")));
	return o;
}

/* One staged change with errors as PingOne's errors object. */
static struct json_value *
errors_object(struct arena *a, const struct json_value *s)
{
	const struct json_value *errs = json_object_get_cstr(s, "errors");
	const struct json_value *meta = json_object_get_cstr(s, "meta");
	struct json_value *o = json_object(a), *list = json_array(a);
	static const char *const refs[] = {
	    "user", "credentialType", "issuanceRule", "credential"};
	size_t i;

	json_object_set_cstr(a, o, "id", json_object_get_cstr(s, "id"));
	json_object_set_cstr(a, o, "action", json_object_get_cstr(s, "action"));
	json_object_set_cstr(
	    a, o, "scheduled", json_object_get_cstr(s, "scheduled"));
	for (i = 0; i < 4; i++)
		if (json_object_get_cstr(s, refs[i]) != NULL)
			json_object_set_cstr(
			    a, o, refs[i], id_ref(a, s, refs[i]));
	json_object_set_cstr(
	    a, o, "createdAt", json_object_get_cstr(meta, "created"));
	json_object_set_cstr(
	    a, o, "updatedAt", json_object_get_cstr(meta, "lastModified"));
	for (i = 0; i < errs->u.array.len; i++)
		json_array_append(
		    a, list, staged_error_view(a, errs->u.array.items[i]));
	json_object_set_cstr(a, o, "errors", list);
	return o;
}

int
staged_errors_of(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, size_t skip, size_t limit, struct json_value **out,
    size_t *total, struct scim_err *err)
{
	char sid[STAGED_ID_LEN + 1];
	struct json_value *s;
	struct str *users = NULL, val;
	size_t n = 0, i;
	int rc;

	*out = json_array(a);
	*total = 0;
	rc = staged_edge_ends(txn, a, tenant, KIND(RULE_EDGE_STAGED), rule,
	    &users, NULL, &n, err);
	for (i = 0; rc == 0 && i < n; i++) {
		staged_id(rule, users[i], sid);
		if (store_rec_get(txn, tenant, REC_TYPE, str_from(sid), &val) !=
		    0)
			continue;
		rc = record_decode(a, val, &s, err);
		if (rc != 0 || nerrors(s) == 0)
			continue;
		if (*total >= skip && *total - skip < limit)
			json_array_append(a, *out, errors_object(a, s));
		++*total;
	}
	return rc;
}

/* $ref values for the User, the rule and the credential (RFC 7643
 * §2.3.7), built on the request's base URL. */
static void
staged_to_output(const struct resource_ctx *c, struct json_value *res)
{
	static const char *const refs[][2] = {{"user", "User"},
	    {"issuanceRule", RULE_RTYPE}, {"credential", "Credential"}};
	struct json_value *o, *ref;
	size_t i;

	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		o = json_object_get_cstr(res, refs[i][0]);
		ref = o != NULL
		    ? resource_ref(c, refs[i][1], str_of(o, "value"))
		    : NULL;
		if (ref != NULL)
			json_object_set_cstr(c->arena, o, "$ref", ref);
	}
}

const struct resource_hooks staged_hooks = {
    .name = STAGED_RTYPE,
    .to_output = staged_to_output,
};
