/*
 * What an issuance rule has done since it was created (PingOne's usage
 * counts and usage details data models), kept in the rule's own storage
 * and updated in the transactions that apply its changes:
 *
 *   record "IssuanceRuleUsage" <rule id>: {issued, accepted, updated,
 *       revoked, errors, seq} counters;
 *   edge "rule.log" <rule id> -> <seq, 16 digits>: one applied change,
 *       {action, user, credential, at}, listed in the order applied.
 *
 * `accepted` counts credentials from the rule that went PENDING->ACTIVE;
 * `errors` counts errors recorded when applying failed. The usage
 * details' `errors` are PingOne's errors objects: the rule's staged
 * changes that have errors now ("It does not include a staged change
 * that was failed in the past, but has since completed successfully or
 * was deleted").
 */
#ifndef SCIM_RULE_USAGE_H
#define SCIM_RULE_USAGE_H

#include <stdint.h>

#include "scim/rule.h"
#include "scim/scim.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define RULE_USAGE_RTYPE "IssuanceRuleUsage"
#define RULE_EDGE_LOG "rule.log"

enum rule_usage_field {
	RULE_USAGE_ISSUED,
	RULE_USAGE_ACCEPTED,
	RULE_USAGE_UPDATED,
	RULE_USAGE_REVOKED,
	RULE_USAGE_ERRORS,
	RULE_USAGE_NFIELDS
};

/* Adds one to counter f of rule id, inside txn. */
int rule_usage_add(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, enum rule_usage_field f, struct scim_err *err);

/* Counts one applied change and appends it to the rule's details. */
int rule_usage_log(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, enum rule_action action, struct str user, struct str cred,
    int64_t now_ms, struct scim_err *err);

/* Reads the counters (zeros for a rule that has none yet). */
int rule_usage_read(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, int64_t out[RULE_USAGE_NFIELDS], struct scim_err *err);

/* Deletes a rule's counters and details. */
int rule_usage_drop(struct store_txn *txn, struct str tenant, struct str rule,
    struct scim_err *err);

/* GET /IssuanceRules/{id}/usageCounts */
int rule_usage_counts(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);
/* GET /IssuanceRules/{id}/usageDetails?startIndex=&count= : the applied
 * changes paged in the order applied, and the current errors. */
int rule_usage_details(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err);

#endif
