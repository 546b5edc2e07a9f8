/*
 * Staged changes (/StagedChanges, read-only): what issuance rules would
 * change now, kept current inside the write transaction of whatever
 * causes a change (issue 5; PingOne's staged changes data model).
 *
 * For one rule R and one User U, with C the live credential R issued to
 * U (edge "rule.user", rule.h), the change is:
 *   ISSUE   R is ACTIVE, U matches R's filter, and there is no C;
 *   REVOKE  there is a C, and U no longer matches or R is disabled or
 *           deleted;
 *   UPDATE  there is a C, U matches, and an attribute of C whose
 *           definition has a `source` no longer holds U's value;
 *   none    otherwise: a staged change that is no longer needed is
 *           deleted.
 *
 * Storage: a record of type "StagedChange" whose id is derived from R's
 * and U's ids (staged_id, so two computations of one pair always meet
 * the same record), and the edge "rule.staged" R -> U. A change whose
 * action stays the same keeps its record, errors and `scheduled`; a
 * change of action starts afresh. `scheduled` is true when R applies the
 * action PERIODIC and the change has at most STAGED_UNSCHEDULE_AFTER
 * errors (PingOne: "If more than 3 errors occur for the same scheduled
 * staged change, the service unschedules" it).
 *
 * Who calls what (all inside c->txn, with c->tenant set, before the
 * caller's own record is written; each is a no-op when the server does
 * not serve StagedChanges, and cheap when the tenant has no rules):
 *   user.c        staged_user_changed (create, PUT, PATCH),
 *                 staged_user_deleted (DELETE, after its cascades);
 *   group.c       staged_members_changed with the members a write added
 *                 or removed (Users, and Groups whose Users are then
 *                 re-evaluated);
 *   credential.c  staged_credential_changed (create, PUT, PATCH, DELETE);
 *   rule.c        staged_rule_changed, staged_rule_deleted.
 * Cost: a change to a User evaluates that User against the tenant's
 * rules; a membership change evaluates the Users below the members
 * added or removed; writing an ACTIVE rule evaluates every User of the
 * tenant once (a disabled or deleted rule only its holders and staged
 * Users).
 */
#ifndef SCIM_STAGED_H
#define SCIM_STAGED_H

#include <stddef.h>

#include "json/json.h"
#include "scim/resource.h"
#include "scim/rule.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define STAGED_RTYPE "StagedChange"
#define STAGED_URN "urn:scimcred:params:scim:schemas:core:2.0:StagedChange"
#define STAGED_ID_LEN 36 /* UUID-shaped */
#define STAGED_MAX_ERRORS 16 /* errors kept on one change, newest last */
#define STAGED_UNSCHEDULE_AFTER 3

/* The id of the staged change for (rule, user): the first 128 bits of
 * SHA-256(rule \0 user) in UUID form. */
void staged_id(struct str rule, struct str user, char out[STAGED_ID_LEN + 1]);

/* The `to` ends (and values, when vals is not NULL) of the edges of kind
 * from `from`, copied into a (*n of them). */
int staged_edge_ends(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str kind, struct str from, struct str **tos, struct str **vals,
    size_t *n, struct scim_err *err);

/* 1 if a credential (stored form) is live: neither REVOKED nor
 * TERMINATED. */
int staged_cred_live(const struct json_value *cred);

int staged_user_changed(const struct resource_ctx *c,
    const struct json_value *user, struct scim_err *err);
int staged_user_deleted(
    const struct resource_ctx *c, struct str user, struct scim_err *err);
int staged_members_changed(const struct resource_ctx *c, const struct str *ids,
    size_t n, struct scim_err *err);
/* cur NULL on create, next NULL on delete. Also keeps the "rule.user"
 * edge in step and counts a rule's credential going PENDING->ACTIVE as
 * accepted. */
int staged_credential_changed(const struct resource_ctx *c,
    const struct json_value *cur, const struct json_value *next,
    struct scim_err *err);
int staged_rule_changed(
    const struct resource_ctx *c, const struct rule *r, struct scim_err *err);
int staged_rule_deleted(
    const struct resource_ctx *c, const struct rule *r, struct scim_err *err);

/* Re-evaluates (r, user) from what the store holds now (after applying
 * a change). */
int staged_refresh(const struct resource_ctx *c, const struct rule *r,
    struct str user, struct scim_err *err);

/*
 * The rule's staged changes that have errors now, as PingOne's errors
 * objects {id, action, scheduled, user {id}, credentialType {id},
 * issuanceRule {id}, createdAt, updatedAt, errors [{recordedAt,
 * errorDetail {code, target, message}}]}, in user id order: the window
 * of at most `limit` after skipping `skip`; *total counts them all.
 * *out arena-owned.
 */
int staged_errors_of(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, size_t skip, size_t limit, struct json_value **out,
    size_t *total, struct scim_err *err);

/* The PingOne form of one stored error {recordedAt, code, target,
 * message}: {recordedAt, errorDetail {code, target, message}}. */
struct json_value *staged_error_view(
    struct arena *a, const struct json_value *e);

extern const struct resource_hooks staged_hooks;

#endif
