/*
 * The notification outbox; see outbox.h. Events are written by the
 * transaction that applies a staged change (issue 5: "in a durable outbox
 * in the same transaction") and changed afterwards only by the deliverer,
 * one short write transaction per delivery outcome.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scim/etag.h"
#include "scim/outbox.h"
#include "scim/record.h"
#include "util/date.h"
#include "util/log.h"
#include "util/num.h"

#define KIND STR_LIT("outbox")
#define PENDING STR_LIT("pending")
#define SEQ_FROM STR_LIT("seq")
#define SEQ_TO STR_LIT("next")
#define ID_LEN 16 /* hex digits of the sequence number */

/* ---------------------------------------------------------------- ids */

/* The tenant's next sequence number, taken inside txn; ids formatted
 * from it sort in the order the transactions committed. */
static int
next_id(struct store_txn *txn, struct str tenant, char id[ID_LEN + 1],
    struct scim_err *err)
{
	char num[24];
	struct str val;
	int64_t seq = 0;
	int rc;

	rc = store_edge_get(txn, tenant, KIND, SEQ_FROM, SEQ_TO, &val);
	if (rc == 0 && num_parse_range(val, 0, INT64_MAX - 1, &seq) != 0) {
		log_error("outbox: a stored sequence number is corrupt");
		rc = scim_err_set(err, SCIM_E_INTERNAL,
		    "the notification outbox could not be read");
		goto out;
	}
	if (rc != 0 && rc != SCIM_E_NOT_FOUND)
		goto out;
	seq++;
	snprintf(num, sizeof(num), "%" PRId64, seq);
	snprintf(id, ID_LEN + 1, "%016" PRIx64, (uint64_t)seq);
	rc = store_edge_put(
	    txn, tenant, KIND, SEQ_FROM, SEQ_TO, str_from(num), err);
out:
	return rc;
}

/* ------------------------------------------------------------- building */

static struct json_value *
ref_value(struct arena *a, struct str id)
{
	struct json_value *o = json_object(a);

	json_object_set_cstr(a, o, "value", json_string(a, id));
	return o;
}

/* A variable's value as text: strings as they are, anything else as its
 * compact JSON. */
static struct json_value *
var_text(struct arena *a, const struct json_value *v)
{
	struct buf b;
	struct json_value *out;

	if (v->type == JSON_STRING)
		return json_string(a, v->u.string);
	buf_init(&b);
	if (json_write(v, &b) != 0)
		buf_reset(&b);
	out = json_string(a, str_make(b.data, b.len));
	buf_free(&b);
	return out;
}

static void
add_var(struct arena *a, struct json_value *arr, struct str name,
    const struct json_value *v)
{
	struct json_value *o = json_object(a);

	json_object_set_cstr(a, o, "name", json_string(a, name));
	json_object_set_cstr(a, o, "value", var_text(a, v));
	json_array_append(a, arr, o);
}

/*
 * The template's variables as {name, value} pairs: PingOne describes
 * them as "an object of name-value pairs" typed Object[], so both an
 * object and an array of {name, value} (or one-member) objects are read.
 */
static struct json_value *
variables(struct arena *a, const struct json_value *vars)
{
	struct json_value *out = json_array(a);
	const struct json_value *it, *n, *v;
	size_t i;

	if (vars != NULL && vars->type == JSON_OBJECT)
		for (i = 0; i < vars->u.object.len; i++)
			add_var(a, out, vars->u.object.members[i].key,
			    vars->u.object.members[i].value);
	for (i = 0;
	     vars != NULL && vars->type == JSON_ARRAY && i < vars->u.array.len;
	     i++) {
		it = vars->u.array.items[i];
		n = json_object_get_cstr(it, "name");
		v = json_object_get_cstr(it, "value");
		if (n != NULL && n->type == JSON_STRING && v != NULL)
			add_var(a, out, n->u.string, v);
		else if (it->type == JSON_OBJECT && it->u.object.len == 1)
			add_var(a, out, it->u.object.members[0].key,
			    it->u.object.members[0].value);
	}
	return out;
}

/* A reference's id: a string, or an object's value or id member. */
static struct str
ref_id(const struct json_value *v)
{
	const struct json_value *x = v;

	if (x != NULL && x->type == JSON_OBJECT) {
		x = json_object_get_cstr(v, "value");
		if (x == NULL)
			x = json_object_get_cstr(v, "id");
	}
	return x != NULL && x->type == JSON_STRING ? x->u.string : STR_NULL;
}

static void
copy_string(struct arena *a, struct json_value *dst, const char *key,
    const struct json_value *src, const char *skey)
{
	const struct json_value *v = json_object_get_cstr(src, skey);

	if (v != NULL && v->type == JSON_STRING && v->u.string.len > 0)
		json_object_set_cstr(a, dst, key, json_string(a, v->u.string));
}

static struct json_value *
methods(struct arena *a, const struct json_value *m)
{
	struct json_value *out = json_array(a);
	size_t i;

	for (i = 0; m != NULL && m->type == JSON_ARRAY && i < m->u.array.len;
	     i++)
		if (m->u.array.items[i]->type == JSON_STRING)
			json_array_append(a, out,
			    json_string(a, m->u.array.items[i]->u.string));
	return out;
}

static struct json_value *
meta_new(struct arena *a, int64_t created, int64_t now, uint64_t version)
{
	struct json_value *m = json_object(a);
	char d[DATE_BUFSZ], tag[ETAG_MAX];

	json_object_set_cstr(
	    a, m, "resourceType", json_cstring(a, OUTBOX_RTYPE));
	date_format(created, d);
	json_object_set_cstr(a, m, "created", json_cstring(a, d));
	date_format(now, d);
	json_object_set_cstr(a, m, "lastModified", json_cstring(a, d));
	etag_format(version, tag);
	json_object_set_cstr(a, m, "version", json_cstring(a, tag));
	return m;
}

static struct json_value *
date_value(struct arena *a, int64_t ms)
{
	char d[DATE_BUFSZ];

	date_format(ms, d);
	return json_cstring(a, d);
}

/* The event for one change, in its stored form. */
static struct json_value *
event_new(const struct resource_ctx *c, const struct json_value *rule,
    const char *tmpl, const char *id, struct str user_id, struct str cred_id)
{
	struct arena *a = c->arena;
	const struct json_value *n = json_object_get_cstr(rule, "notification");
	const struct json_value *t = json_object_get_cstr(n, "template");
	struct json_value *ev = json_object(a), *schemas = json_array(a);
	struct json_value *d = json_object(a);
	struct str ctype;

	json_array_append(a, schemas, json_cstring(a, OUTBOX_SCHEMA));
	json_object_set_cstr(a, ev, "schemas", schemas);
	json_object_set_cstr(a, ev, "id", json_cstring(a, id));
	json_object_set_cstr(a, ev, "template", json_cstring(a, tmpl));
	json_object_set_cstr(
	    a, ev, "methods", methods(a, json_object_get_cstr(n, "methods")));
	copy_string(a, ev, "locale", t, "locale");
	copy_string(a, ev, "variant", t, "variant");
	json_object_set_cstr(a, ev, "variables",
	    variables(a, json_object_get_cstr(t, "variables")));
	json_object_set_cstr(a, ev, "user", ref_value(a, user_id));
	if (cred_id.len > 0)
		json_object_set_cstr(
		    a, ev, "credential", ref_value(a, cred_id));
	json_object_set_cstr(a, ev, "issuanceRule",
	    ref_value(a, ref_id(json_object_get_cstr(rule, "id"))));
	ctype = ref_id(json_object_get_cstr(rule, "credentialType"));
	if (ctype.len > 0)
		json_object_set_cstr(
		    a, ev, "credentialType", ref_value(a, ctype));
	json_object_set_cstr(a, d, "state", json_cstring(a, "pending"));
	json_object_set_cstr(a, d, "attempts", json_int(a, 0));
	json_object_set_cstr(a, d, "nextAttemptAt", date_value(a, c->now_ms));
	json_object_set_cstr(a, ev, "delivery", d);
	json_object_set_cstr(
	    a, ev, "meta", meta_new(a, c->now_ms, c->now_ms, 1));
	return ev;
}

static struct str
ms_text(struct arena *a, int64_t ms)
{
	return str_from(arena_printf(a, "%" PRId64, ms));
}

int
outbox_record(const struct resource_ctx *c, struct store_txn *txn,
    struct str tenant, const struct json_value *rule, const char *tmpl,
    struct str user_id, struct str cred_id, struct scim_err *err)
{
	const struct json_value *n = json_object_get_cstr(rule, "notification");
	char id[ID_LEN + 1];
	struct str bytes;
	int rc = 0;

	if (n == NULL || n->type != JSON_OBJECT)
		goto out;
	rc = next_id(txn, tenant, id, err);
	if (rc == 0)
		rc = record_encode(c->arena,
		    event_new(c, rule, tmpl, id, user_id, cred_id), &bytes,
		    err);
	if (rc == 0)
		rc = store_rec_add(txn, tenant, STR_LIT(OUTBOX_RTYPE),
		    str_from(id), bytes, err);
	if (rc == 0)
		rc = store_edge_put(txn, tenant, KIND, PENDING, str_from(id),
		    ms_text(c->arena, c->now_ms), err);
out:
	return rc;
}

/* ------------------------------------------------------------ delivery */

/* The webhook body: the event without its delivery state, with the
 * tenant after the id, and of meta only what never changes, so that
 * every attempt sends the same bytes. */
static int
payload(struct arena *a, struct str tenant, const struct json_value *ev,
    struct str *out, struct scim_err *err)
{
	struct json_value *p = json_object(a), *meta = json_object(a), *v;
	const struct json_member *m;
	size_t i;

	for (i = 0; i < ev->u.object.len; i++) {
		m = &ev->u.object.members[i];
		if (str_caseeq_cstr(m->key, "delivery"))
			continue;
		v = m->value;
		if (str_caseeq_cstr(m->key, "meta")) {
			copy_string(a, meta, "resourceType", v, "resourceType");
			copy_string(a, meta, "created", v, "created");
			v = meta;
		}
		json_object_set(a, p, m->key, v);
		if (str_caseeq_cstr(m->key, "id"))
			json_object_set_cstr(
			    a, p, "tenant", json_string(a, tenant));
	}
	return record_encode(a, p, out, err);
}

struct due {
	struct arena *a;
	struct store_txn *txn;
	int64_t now_ms;
	size_t max;
	int (*skip)(void *arg, struct str tenant);
	void *skip_arg;
	struct outbox_item *items;
	size_t n;
	int64_t next_ms;
	/* the head of the tenant being looked at */
	struct str head;
	int64_t head_ms;
	struct scim_err *err;
};

static int
head_fn(void *arg, struct str to, struct str val)
{
	struct due *d = arg;
	int64_t ms;

	d->head = arena_str(d->a, to);
	d->head_ms = num_parse_i64(val, &ms) == 0 ? ms : 0;
	return 1;
}

/* The due head of one tenant's queue, if any. */
static int
tenant_fn(void *arg, struct str tenant)
{
	struct due *d = arg;
	struct outbox_item *it;
	const struct json_value *v;
	struct json_value *ev;
	struct str stored;
	int rc;

	if (d->n >= d->max)
		return 1;
	if (d->skip != NULL && d->skip(d->skip_arg, tenant))
		return 0;
	d->head = STR_NULL;
	rc = store_edge_each(d->txn, tenant, KIND, PENDING, head_fn, d, d->err);
	if (rc < 0)
		return rc;
	if (d->head.len == 0)
		return 0;
	if (d->head_ms > d->now_ms) {
		if (d->head_ms < d->next_ms)
			d->next_ms = d->head_ms;
		return 0;
	}
	rc = store_rec_get(
	    d->txn, tenant, STR_LIT(OUTBOX_RTYPE), d->head, &stored);
	if (rc != 0) {
		log_error("outbox: pending event %.*s has no record",
		    STR_FMT(d->head));
		return 0;
	}
	it = &d->items[d->n];
	memset(it, 0, sizeof(*it));
	it->tenant = arena_str(d->a, tenant);
	it->id = d->head;
	rc = record_decode(d->a, stored, &ev, d->err);
	if (rc != 0)
		return rc;
	v = json_object_get_cstr(
	    json_object_get_cstr(ev, "delivery"), "attempts");
	if (v != NULL && v->type == JSON_INT && v->u.integer > 0 &&
	    v->u.integer < UINT32_MAX)
		it->attempts = (unsigned)v->u.integer;
	rc = payload(d->a, tenant, ev, &it->body, d->err);
	if (rc != 0)
		return rc;
	d->n++;
	return 0;
}

int
outbox_due(struct store *st, struct arena *a, int64_t now_ms, size_t max,
    int (*skip)(void *arg, struct str tenant), void *arg,
    struct outbox_item **items, size_t *n, int64_t *next_ms,
    struct scim_err *err)
{
	struct due d = {.a = a,
	    .now_ms = now_ms,
	    .max = max,
	    .skip = skip,
	    .skip_arg = arg,
	    .next_ms = INT64_MAX,
	    .err = err};
	int rc;

	d.items = arena_allocarray(a, max > 0 ? max : 1, sizeof(*d.items));
	rc = store_read_begin(st, &d.txn, err);
	if (rc != 0)
		goto out;
	rc = store_tenant_each(d.txn, tenant_fn, &d);
	if (rc > 0)
		rc = 0;
	store_read_end(d.txn);
out:
	*items = d.items;
	*n = rc == 0 ? d.n : 0;
	*next_ms = d.next_ms;
	return rc;
}

/* One delivery outcome, applied to the stored event. */
struct outcome {
	struct arena *a;
	struct str tenant, id;
	int64_t now_ms, next_ms;
	const char *error; /* NULL: delivered */
	int give_up;
};

/* delivery and meta of ev after the outcome o. */
static void
outcome_apply(struct outcome *o, struct json_value *ev)
{
	struct arena *a = o->a;
	struct json_value *d = json_object(a), *old, *v;
	const struct json_value *meta = json_object_get_cstr(ev, "meta");
	int64_t created = o->now_ms, attempts = 0;

	old = json_object_get_cstr(ev, "delivery");
	v = json_object_get_cstr(old, "attempts");
	if (v != NULL && v->type == JSON_INT)
		attempts = v->u.integer;
	v = json_object_get_cstr(meta, "created");
	if (v != NULL && v->type == JSON_STRING &&
	    date_parse(v->u.string, &created) != 0)
		created = o->now_ms;
	json_object_set_cstr(a, d, "state",
	    json_cstring(a,
		o->error == NULL ? "delivered"
		    : o->give_up ? "failed"
				 : "pending"));
	json_object_set_cstr(a, d, "attempts", json_int(a, attempts + 1));
	json_object_set_cstr(a, d, "lastAttemptAt", date_value(a, o->now_ms));
	if (o->error == NULL)
		json_object_set_cstr(
		    a, d, "deliveredAt", date_value(a, o->now_ms));
	else if (!o->give_up)
		json_object_set_cstr(
		    a, d, "nextAttemptAt", date_value(a, o->next_ms));
	if (o->error != NULL)
		json_object_set_cstr(a, d, "lastError",
		    json_string(a,
			str_make(
			    o->error, strnlen(o->error, OUTBOX_ERROR_MAX))));
	json_object_set_cstr(a, ev, "delivery", d);
	json_object_set_cstr(a, ev, "meta",
	    meta_new(a, created, o->now_ms, record_version(ev) + 1));
}

static int
outcome_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct outcome *o = arg;
	struct json_value *ev;
	struct str val;
	int rc;

	rc = store_rec_get(txn, o->tenant, STR_LIT(OUTBOX_RTYPE), o->id, &val);
	if (rc == SCIM_E_NOT_FOUND)
		rc = scim_err_set(err, rc, "the event is gone");
	if (rc == 0)
		rc = record_decode(o->a, val, &ev, err);
	if (rc != 0)
		goto out;
	outcome_apply(o, ev);
	rc = record_encode(o->a, ev, &val, err);
	if (rc == 0)
		rc = store_rec_put(
		    txn, o->tenant, STR_LIT(OUTBOX_RTYPE), o->id, val, err);
	if (rc != 0)
		goto out;
	if (o->error == NULL || o->give_up)
		rc = store_edge_del(txn, o->tenant, KIND, PENDING, o->id, err);
	else
		rc = store_edge_put(txn, o->tenant, KIND, PENDING, o->id,
		    ms_text(o->a, o->next_ms), err);
out:
	return rc;
}

static int
outcome_write(struct outcome *o, struct store *st, struct scim_err *err)
{
	int rc;

	o->a = arena_new();
	rc = store_write(st, outcome_txn, o, err);
	arena_free(o->a);
	return rc;
}

int
outbox_delivered(struct store *st, struct str tenant, struct str id,
    int64_t now_ms, struct scim_err *err)
{
	struct outcome o = {.tenant = tenant, .id = id, .now_ms = now_ms};

	return outcome_write(&o, st, err);
}

int
outbox_retry(struct store *st, struct str tenant, struct str id, int64_t now_ms,
    int64_t next_ms, const char *error, int give_up, struct scim_err *err)
{
	struct outcome o = {.tenant = tenant,
	    .id = id,
	    .now_ms = now_ms,
	    .next_ms = next_ms,
	    .error = error != NULL ? error : "",
	    .give_up = give_up};

	return outcome_write(&o, st, err);
}

int
outbox_payload(struct arena *a, struct str tenant, struct str stored,
    struct str *out, struct scim_err *err)
{
	struct json_value *ev;
	int rc;

	rc = record_decode(a, stored, &ev, err);
	if (rc == 0)
		rc = payload(a, tenant, ev, out, err);
	return rc;
}
