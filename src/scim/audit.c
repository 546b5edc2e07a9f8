/*
 * The audit trail; see audit.h for the record, its id and retention.
 * Records are built here as JSON and stored through the store's record
 * API under type "AuditRecord", so reads need nothing beyond the generic
 * operations and the schema in scim-schemas/.
 */
#include "config.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scim/audit.h"
#include "scim/record.h"
#include "util/date.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/xmalloc.h"

#define DAY_MS INT64_C(86400000)
#define ID_TIME_DIGITS 12
#define PRUNE_STARTUP_BATCH 1000

/* Orders the records one process makes within one millisecond. */
static atomic_uint_fast32_t id_seq;

/*
 * 12 hex digits of ms, '-', 8 hex digits of a process-wide sequence
 * number, 8 random hex digits: sorts by time, and by creation within a
 * millisecond in one process; the random part keeps two processes (the
 * server and the command line) apart.
 */
static void
make_id(int64_t now_ms, char out[AUDIT_ID_LEN + 1])
{
	uint32_t seq = (uint32_t)atomic_fetch_add(&id_seq, 1);
	unsigned char r[4];
	/* 48 bits of ms last until the year 10889. */
	uint64_t ms =
	    (now_ms > 0 ? (uint64_t)now_ms : 0) & UINT64_C(0xffffffffffff);
	size_t i;

	secure_random(r, sizeof(r));
	snprintf(
	    out, ID_TIME_DIGITS + 10, "%012" PRIx64 "-%08" PRIx32, ms, seq);
	for (i = 0; i < sizeof(r); i++)
		snprintf(out + ID_TIME_DIGITS + 9 + 2 * i, 3, "%02x", r[i]);
}

/* The time an id was made, or -1 for an id not of that form. */
static int64_t
id_time(struct str id)
{
	int64_t t = 0;
	size_t i;
	char c;

	if (id.len != AUDIT_ID_LEN || id.ptr[ID_TIME_DIGITS] != '-')
		return -1;
	for (i = 0; i < ID_TIME_DIGITS; i++) {
		c = id.ptr[i];
		if (c >= '0' && c <= '9')
			t = t * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			t = t * 16 + (c - 'a' + 10);
		else
			return -1;
	}
	return t;
}

static unsigned
retention(unsigned days)
{
	if (days == 0)
		return AUDIT_RETENTION_DEFAULT;
	return days > AUDIT_RETENTION_MAX ? AUDIT_RETENTION_MAX : days;
}

static struct json_value *
actor_of(struct arena *a, const struct audit_event *ev)
{
	const struct principal *who = ev->who;
	struct json_value *o = json_object(a);
	const char *value = "cli", *type = "cli";

	if (who == NULL && ev->system != NULL) {
		value = ev->system;
		type = "system";
	} else if (who != NULL && who->token_id[0] != '\0') {
		value = who->token_id;
		type = "token";
	} else if (who != NULL) {
		value = who->subject[0] != '\0' ? who->subject : "unknown";
		type = "jwt";
	}
	json_object_set_cstr(a, o, "value", json_cstring(a, value));
	json_object_set_cstr(a, o, "type", json_cstring(a, type));
	if (who != NULL && who->subject[0] != '\0')
		json_object_set_cstr(
		    a, o, "subject", json_cstring(a, who->subject));
	return o;
}

static struct json_value *
meta_of(struct arena *a, int64_t now_ms)
{
	struct json_value *m = json_object(a);
	char when[DATE_BUFSZ];

	date_format(now_ms, when);
	json_object_set_cstr(
	    a, m, "resourceType", json_cstring(a, AUDIT_RTYPE));
	json_object_set_cstr(a, m, "created", json_cstring(a, when));
	json_object_set_cstr(a, m, "lastModified", json_cstring(a, when));
	json_object_set_cstr(a, m, "version", json_cstring(a, "W/\"1\""));
	return m;
}

/* The stored form, in record_stamp's member order. */
static struct json_value *
build(struct arena *a, struct str tenant, int64_t now_ms, const char *id,
    const struct audit_event *ev)
{
	struct json_value *r = json_object(a), *schemas = json_array(a);
	struct json_value *res = json_object(a);

	json_array_append(a, schemas, json_cstring(a, AUDIT_URN));
	json_object_set_cstr(a, r, "schemas", schemas);
	json_object_set_cstr(a, r, "id", json_cstring(a, id));
	json_object_set_cstr(a, r, "tenant", json_string(a, tenant));
	json_object_set_cstr(a, r, "action", json_cstring(a, ev->action));
	json_object_set_cstr(a, r, "result", json_cstring(a, "success"));
	json_object_set_cstr(a, r, "actor", actor_of(a, ev));
	if (ev->permission != NULL)
		json_object_set_cstr(
		    a, r, "permission", json_cstring(a, ev->permission));
	json_object_set_cstr(a, res, "type", json_string(a, ev->rtype));
	json_object_set_cstr(a, res, "value", json_string(a, ev->id));
	json_object_set_cstr(a, r, "resource", res);
	if (ev->request_id != NULL && ev->request_id[0] != '\0')
		json_object_set_cstr(
		    a, r, "requestId", json_cstring(a, ev->request_id));
	json_object_set_cstr(a, r, "meta", meta_of(a, now_ms));
	return r;
}

/* Room for the ids of records about to be removed (caller's storage). */
struct old_ids {
	char (*ids)[AUDIT_ID_LEN + 1];
	size_t n;
};

/*
 * Removes up to max records of tenant made before cutoff. The ids sort
 * by time, so the scan stops at the first young record; ids are copied
 * first and deleted after the iterator is gone.
 */
static int
prune_some(struct store_txn *txn, struct str tenant, int64_t cutoff, size_t max,
    struct old_ids *old, size_t *removed, struct scim_err *err)
{
	struct store_iter *it = NULL;
	struct str id, val;
	int64_t t;
	size_t i;
	int rc, more = 0;

	old->n = 0;
	rc = store_iter_new(txn, tenant, STR_LIT(AUDIT_RTYPE), &it, err);
	while (rc == 0 && old->n < max &&
	    (more = store_iter_next(it, &id, &val)) == 0) {
		t = id_time(id);
		if (t >= cutoff)
			break;
		if (t < 0)
			continue; /* not ours: never delete what we can't date */
		memcpy(old->ids[old->n], id.ptr, id.len);
		old->ids[old->n++][id.len] = '\0';
	}
	store_iter_free(it);
	if (rc == 0 && more < 0)
		rc = scim_err_set(
		    err, more, "the audit trail could not be read");
	for (i = 0; rc == 0 && i < old->n; i++)
		rc = store_rec_del(txn, tenant, STR_LIT(AUDIT_RTYPE),
		    str_from(old->ids[i]), err);
	if (rc == 0 && removed != NULL)
		*removed += old->n;
	return rc;
}

int
audit_append_txn(struct store_txn *txn, struct str tenant, int64_t now_ms,
    unsigned retention_days, const struct audit_event *ev, struct scim_err *err)
{
	struct arena *a = arena_new();
	char id[AUDIT_ID_LEN + 1], ids[AUDIT_PRUNE_BATCH][AUDIT_ID_LEN + 1];
	struct old_ids old = {.ids = ids};
	struct str bytes;
	int rc;

	make_id(now_ms, id);
	rc = record_encode(a, build(a, tenant, now_ms, id, ev), &bytes, err);
	if (rc == 0)
		rc = store_rec_add(txn, tenant, STR_LIT(AUDIT_RTYPE),
		    str_from(id), bytes, err);
	if (rc == 0)
		rc = prune_some(txn, tenant,
		    now_ms - (int64_t)retention(retention_days) * DAY_MS,
		    AUDIT_PRUNE_BATCH, &old, NULL, err);
	arena_free(a);
	return rc;
}

int
audit_append_scim(struct scim *s, struct store_txn *txn, struct str tenant,
    int64_t now_ms, const struct audit_event *ev, struct scim_err *err)
{
	unsigned days = s != NULL ? scim_config(s)->audit_retention_days : 0;

	return audit_append_txn(txn, tenant, now_ms, days, ev, err);
}

int
audit_request(const struct resource_ctx *c, const struct scim_request *req,
    struct str rtype, struct str id, const char *action, struct scim_err *err)
{
	struct audit_event ev = {
	    .who = req->who,
	    .permission = req->has_perm ? perm_name(req->perm) : NULL,
	    .rtype = rtype,
	    .id = id,
	    .action = action,
	    .request_id = req->request_id,
	};

	return audit_append_scim(
	    c->scim, c->txn, c->tenant, c->now_ms, &ev, err);
}

void
audit_log_failure(
    const struct scim_request *req, const char *action, struct str id, int rc)
{
	char who[2 * PRINCIPAL_SUBJECT_MAX + 8], eid[2 * SCIM_MAX_ID + 8];
	char type[2 * 64 + 8];
	const struct principal *p = req->who;
	const char *actor = "cli";

	if (log_level_current < LOG_LEVEL_INFO)
		return;
	if (p != NULL)
		actor = p->token_id[0] != '\0' ? p->token_id : p->subject;
	log_escape(who, sizeof(who), actor, strlen(actor));
	log_escape(eid, sizeof(eid), id.ptr != NULL ? id.ptr : "",
	    id.len > SCIM_MAX_ID ? SCIM_MAX_ID : id.len);
	log_escape(type, sizeof(type),
	    req->rtype.ptr != NULL ? req->rtype.ptr : "",
	    req->rtype.len > 64 ? 64 : req->rtype.len);
	log_info("audit: request %s: %s %s \"%s\" by \"%s\" failed: %s",
	    req->request_id != NULL ? req->request_id : "-", action, type, eid,
	    who, scim_strerror(rc));
}

void
audit_log_tenant_removed(struct str tenant)
{
	char name[4 * TENANT_NAME_MAX + 8];

	log_escape(name, sizeof(name), tenant.ptr != NULL ? tenant.ptr : "",
	    tenant.len > TENANT_NAME_MAX ? TENANT_NAME_MAX : tenant.len);
	log_warn(
	    "audit: tenant \"%s\" removed by cli, with its audit trail", name);
}

/* ------------------------------------------------------ start-up */

struct tenants {
	char (*names)[TENANT_NAME_MAX + 1];
	size_t n, cap;
};

static int
collect_tenant(void *arg, struct str name)
{
	struct tenants *t = arg;

	if (name.len > TENANT_NAME_MAX)
		return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->names = xreallocarray(t->names, t->cap, sizeof(*t->names));
	}
	memcpy(t->names[t->n], name.ptr, name.len);
	t->names[t->n++][name.len] = '\0';
	return 0;
}

struct prune_job {
	struct str tenant;
	int64_t cutoff;
	size_t batch;
	struct old_ids *old;
	size_t done; /* removed by the last transaction */
};

static int
prune_txn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct prune_job *j = arg;

	j->done = 0;
	return prune_some(
	    txn, j->tenant, j->cutoff, j->batch, j->old, &j->done, err);
}

int
audit_prune(struct store *st, int64_t now_ms, unsigned retention_days,
    size_t batch, size_t *removed, struct scim_err *err)
{
	struct tenants t = {0};
	struct store_txn *txn = NULL;
	struct prune_job j = {0};
	struct old_ids old = {0};
	size_t i, total = 0;
	int rc;

	j.cutoff = now_ms - (int64_t)retention(retention_days) * DAY_MS;
	j.batch = batch == 0 || batch > PRUNE_STARTUP_BATCH
	    ? PRUNE_STARTUP_BATCH
	    : batch;
	old.ids = xreallocarray(NULL, j.batch, sizeof(*old.ids));
	j.old = &old;
	rc = store_read_begin(st, &txn, err);
	if (rc == 0)
		store_tenant_each(txn, collect_tenant, &t);
	store_read_end(txn);
	for (i = 0; rc == 0 && i < t.n; i++) {
		j.tenant = str_from(t.names[i]);
		do {
			rc = store_write(st, prune_txn, &j, err);
			total += rc == 0 ? j.done : 0;
		} while (rc == 0 && j.done == j.batch);
	}
	if (removed != NULL)
		*removed = total;
	free(old.ids);
	free(t.names);
	return rc;
}
