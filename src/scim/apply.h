/*
 * Applying staged changes (PingOne's "Apply Credential Issuance Rule
 * Staged Changes"), on demand through POST /IssuanceRules/{id}/
 * StagedChanges and periodically through the scheduler (sched.h).
 *
 * One change is applied inside the caller's write transaction:
 *   ISSUE   creates a Credential of the rule's type owned by the User,
 *           its sourced attributes from the User's data, the rest from
 *           the type's defaults, status the type's initialStatus, through
 *           op_create_in, so every Credential rule applies;
 *   UPDATE  rewrites the sourced attributes, through the same write tail
 *           as PUT (commit.h);
 *   REVOKE  moves the credential to REVOKED through the status machine.
 *           A PENDING credential cannot be REVOKED (the machine allows
 *           PENDING->ACTIVE only): never accepted, it is withdrawn, i.e.
 *           deleted with the Credential's delete rules, and counted as
 *           revoked.
 * The credential write runs in a nested step (store_nested.h): when it
 * fails, nothing of it stays, and the error is recorded on the staged
 * change instead, in the same transaction, with a code from PingOne's
 * list: CREDENTIAL_TYPE_INVALID (the type is gone, no longer AUTOMATED,
 * or a value breaks one of its definitions: target names the
 * attribute), CREDENTIAL_TOO_LARGE (a value longer than its maxLength,
 * target names it, or a credential past the size a record may have),
 * UNEXPECTED_ERROR (anything else). A change with more than 3 errors is
 * unscheduled; applying it on demand still works, and success removes
 * it with its errors. On success the change is consumed in the same
 * transaction, the rule's usage is counted (rule_usage.h) and the
 * notification outbox gets its event (outbox.h), so a change is applied
 * at most once however often, or however concurrently, it is asked for.
 */
#ifndef SCIM_APPLY_H
#define SCIM_APPLY_H

#include <stdint.h>

#include "json/json.h"
#include "scim/rule.h"
#include "scim/scim.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define APPLY_MAX_USERS 1000 /* user ids in one apply request */

enum apply_outcome {
	APPLY_DONE,
	APPLY_FAILED, /* the error was recorded on the staged change */
	APPLY_NOT_STAGED, /* no such change (or not scheduled, if asked) */
};

struct apply_one {
	/* in */
	int action; /* an enum rule_action, or -1: whatever is staged */
	int scheduled_only; /* the scheduler: leave unscheduled ones */
	/* For the audit record of a change applied: the request's caller
	 * and id; NULL for the scheduler. */
	const struct principal *who;
	const char *request_id;
	/* out */
	enum apply_outcome outcome;
	enum rule_action done; /* the action met */
	struct str cred; /* the credential concerned */
	struct json_value *error; /* FAILED: the error recorded */
};

/*
 * Applies the staged change of rule r for user inside txn (see above).
 * Returns 0 with o filled (also when the change failed and its error was
 * recorded), or an error that must abort the whole transaction (storage
 * failures).
 */
int apply_change(struct scim *s, struct store_txn *txn, struct arena *a,
    struct str tenant, int64_t now_ms, const struct rule *r, struct str user,
    struct apply_one *o, struct scim_err *err);

/*
 * POST /IssuanceRules/{id}/StagedChanges: body {issue, update, revoke},
 * each a list of User ids (at most APPLY_MAX_USERS in all). One write
 * transaction. 200 with {issue, update, revoke} (what was done: {user
 * {id}, credential {id}}), errors (per User: {user {id}, action,
 * recordedAt, errorDetail}) and notStaged ({user {id}, action}: nothing
 * of that action is staged for the User, e.g. already applied).
 */
int apply_staged(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);

#endif
