/*
 * The audit trail (issue 6): every successful write appends one
 * AuditRecord in the write's own store_write transaction, so a record
 * exists exactly when the write it describes committed (HARDENING.md
 * promise 2). Records are a read-only SCIM resource type, "AuditRecord"
 * at /AuditRecords (scim-schemas/schemas/audit-record.json), served by
 * the generic list, search and get operations and filterable like any
 * other type:
 *
 *   meta.created ge "2024-03-01T00:00:00Z" and actor.value eq "<token id>"
 *   resource.type eq "Credential" and resource.value eq "<id>"
 *
 * A record (all attributes readOnly):
 *   tenant        the tenant written to
 *   action        create, replace, patch, delete, revoke, apply; and
 *                 issue, update, revoke for the credential an applied
 *                 staged change wrote (resource: that Credential)
 *   result        "success": only committed writes are stored
 *   actor         value: the opaque token's public id, else the JWT
 *                 subject, else "cli" for local administration, or the
 *                 server component (the rules "scheduler");
 *                 type: token, jwt, cli or system; subject: the
 *                 subject, if any.
 *                 Never a secret.
 *   permission    the permission identifier the route required
 *   resource      type (a ResourceType name, "Token" or "Tenant") and
 *                 value (its id)
 *   requestId     the X-Request-Id of the request, if any
 *   meta.created  when (also meta.lastModified; version is always 1)
 *
 * Failed writes abort their transaction, so they cannot be stored in
 * it; audit_log_failure() writes one log line for them instead (actor,
 * action, type, id and the error, never a body).
 *
 * Ids sort by time (12 hex digits of Unix ms, '-', 8 hex digits of a
 * per-process sequence, 8 random hex digits), so a tenant's records are kept oldest first and retention
 * prunes from the front of the key range: a few records per append
 * (AUDIT_PRUNE_BATCH, inside the write that appends) and, at start-up,
 * audit_prune() in bounded batches of their own transactions.
 *
 * Removing a tenant deletes its records with everything else it holds
 * (store_tenant_del), so that removal is logged, not stored: see
 * audit_log_tenant_removed().
 */
#ifndef SCIM_AUDIT_H
#define SCIM_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "auth/perm.h"
#include "auth/token.h"
#include "scim/resource.h"
#include "scim/scim.h"
#include "store/store.h"
#include "util/scim_err.h"
#include "util/str.h"

#define AUDIT_RTYPE "AuditRecord"
#define AUDIT_URN "urn:scimcred:params:scim:schemas:core:2.0:AuditRecord"
#define AUDIT_RETENTION_DEFAULT 90 /* days */
#define AUDIT_RETENTION_MAX 36500 /* days */
#define AUDIT_PRUNE_BATCH 16 /* old records removed per append */
#define AUDIT_ID_LEN 29 /* 12 + 1 + 16 */

/* One write to record. Views and strings are borrowed for the call. */
struct audit_event {
	/* Who: NULL is local administration (the command line, and the
	 * demo tenant of the first start), recorded as actor "cli". */
	const struct principal *who;
	/* The permission used (perm_name), or NULL for local
	 * administration, which needs none. */
	const char *permission;
	struct str rtype; /* "Credential", "User", "Token", "Tenant", ... */
	struct str id;
	const char *action; /* "create", "replace", "patch", ... */
	const char *request_id; /* NULL: none */
	/* who NULL and this set: a server component acting on its own
	 * (e.g. "scheduler"), recorded as actor type "system". */
	const char *system;
};

/*
 * Appends ev to tenant's trail inside txn, stamped now_ms, then removes
 * up to AUDIT_PRUNE_BATCH records older than retention_days (0: the
 * default; retention_days > AUDIT_RETENTION_MAX is taken as the
 * maximum). Errors are the store's (the caller's transaction then
 * aborts, and the write with it).
 */
int audit_append_txn(struct store_txn *txn, struct str tenant, int64_t now_ms,
    unsigned retention_days, const struct audit_event *ev,
    struct scim_err *err);

/*
 * audit_append_txn with the retention of s's configuration (s may be
 * NULL: the default), for the server's own writes (apply, import).
 */
int audit_append_scim(struct scim *s, struct store_txn *txn, struct str tenant,
    int64_t now_ms, const struct audit_event *ev, struct scim_err *err);

/*
 * What the operations call inside a request's write transaction (c->txn
 * and c->tenant set, c->now_ms the time): audit_append_scim with the
 * request's principal, route permission and request id.
 */
int audit_request(const struct resource_ctx *c, const struct scim_request *req,
    struct str rtype, struct str id, const char *action, struct scim_err *err);

/* One info-level log line for a write that failed with rc (nothing is
 * stored for it). */
void audit_log_failure(
    const struct scim_request *req, const char *action, struct str id, int rc);

/* One warn-level log line for a tenant removal by local administration
 * (its trail is deleted with it, see above). */
void audit_log_tenant_removed(struct str tenant);

/*
 * Start-up retention: removes every record older than retention_days
 * from every tenant, in write transactions of at most `batch` deletions
 * each (0: 1000), so no write transaction is long. *removed (may be
 * NULL) counts them.
 */
int audit_prune(struct store *st, int64_t now_ms, unsigned retention_days,
    size_t batch, size_t *removed, struct scim_err *err);

#endif
