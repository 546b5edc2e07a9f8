/*
 * The notification outbox: a durable queue of notification events that
 * issuance rules cause (issue 5, "Notifications"), written in the same
 * write transaction as the change that causes them, and readable as the
 * read-only resource type NotificationEvent (/NotificationEvents).
 *
 * Storage: each event is a record of type "NotificationEvent" in its
 * tenant, in the stored form every record has (schemas, id, attributes,
 * meta). Ids come from a per-tenant counter kept in the store and taken
 * inside the writing transaction, so id order is commit order (LMDB has
 * one writer at a time) and a tenant's events are delivered first in,
 * first out. Pending events are also edges (kind "outbox", from
 * "pending", to the event id, value the next attempt time), so the
 * deliverer finds work without reading delivered events.
 *
 * The deliverer (http/webhook.c) uses outbox_due(), then one short write
 * transaction per outcome (outbox_delivered(), outbox_retry()); it never
 * holds a transaction while a POST is in flight.
 */
#ifndef SCIM_OUTBOX_H
#define SCIM_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "json/json.h"
#include "scim/resource.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define OUTBOX_RTYPE "NotificationEvent"
#define OUTBOX_SCHEMA \
	"urn:scimcred:params:scim:schemas:core:2.0:" \
	"NotificationEvent"

/* The three templates of a rule's notification. */
#define OUTBOX_ISSUED "credential_issued"
#define OUTBOX_UPDATED "credential_updated"
#define OUTBOX_REVOKED "credential_revoked"

/* Longest error text kept in delivery.lastError. */
#define OUTBOX_ERROR_MAX 200

/*
 * Records the notification event for one applied change, inside txn (the
 * transaction that issues, updates or revokes the credential). rule is
 * the issuance rule as stored; when it has no `notification` member this
 * does nothing and returns 0. tmpl is OUTBOX_ISSUED, OUTBOX_UPDATED or
 * OUTBOX_REVOKED. user_id and cred_id are the user and the credential
 * concerned. Uses c->arena and c->now_ms only; c->txn and c->tenant are
 * not read (txn and tenant are). Returns 0 or a negative SCIM_E_* with
 * err filled (a storage failure aborts the caller's transaction as any
 * other write would).
 */
int outbox_record(const struct resource_ctx *c, struct store_txn *txn,
    struct str tenant, const struct json_value *rule, const char *tmpl,
    struct str user_id, struct str cred_id, struct scim_err *err);

/* One event due for delivery: what the deliverer POSTs. Arena-owned. */
struct outbox_item {
	struct str tenant;
	struct str id;
	struct str body; /* the JSON payload (see outbox_payload) */
	unsigned attempts; /* failed attempts so far */
};

/*
 * The head of each tenant's pending queue whose next attempt time is at
 * or before now_ms, at most max of them, skipping tenants for which
 * skip(arg, tenant) returns non-zero (tenants with a POST in flight; skip
 * may be NULL). *next_ms gets the earliest next attempt time among the
 * heads not yet due (INT64_MAX when none). One short read transaction;
 * items and their bytes are allocated from a.
 */
int outbox_due(struct store *st, struct arena *a, int64_t now_ms, size_t max,
    int (*skip)(void *arg, struct str tenant), void *arg,
    struct outbox_item **items, size_t *n, int64_t *next_ms,
    struct scim_err *err);

/* Marks event id delivered at now_ms and removes it from the pending
 * queue, in one write transaction. SCIM_E_NOT_FOUND if it is gone (its
 * tenant was removed meanwhile). */
int outbox_delivered(struct store *st, struct str tenant, struct str id,
    int64_t now_ms, struct scim_err *err);

/*
 * Records a failed attempt at now_ms: attempts + 1, lastError (cut to
 * OUTBOX_ERROR_MAX bytes) and the next attempt time next_ms, in one write
 * transaction. When give_up is set the event becomes "failed" and leaves
 * the pending queue instead (it stays readable).
 */
int outbox_retry(struct store *st, struct str tenant, struct str id,
    int64_t now_ms, int64_t next_ms, const char *error, int give_up,
    struct scim_err *err);

/*
 * The webhook payload for a stored event: the event without its
 * delivery state, plus "tenant". Arena-owned.
 */
int outbox_payload(struct arena *a, struct str tenant, struct str stored,
    struct str *out, struct scim_err *err);

#endif
