/*
 * The IssuanceRule resource type (/IssuanceRules): PingOne's credential
 * issuance rules as SCIM resources (shared/reference/pingone-credential-
 * issuance-rules.md, "Credential Issuance Rules data model").
 *
 *  - credentialType.value names a CredentialType of the tenant whose
 *    management.mode is AUTOMATED; required at creation, immutable. A
 *    rule for a MANAGED type is 400 ("you cannot create an issuance
 *    rule for that credential type").
 *  - filter holds exactly one of groupIds, populationIds (each a
 *    non-empty list of ids of the tenant, at most RULE_MAX_IDS) or scim
 *    (a SCIM filter over Users, parsed and bound to the User schema when
 *    the rule is written). Zero or several, an unknown Group or
 *    Population, or a filter that does not parse or bind are 400 naming
 *    the problem. A rule by group matches members of nested Groups too:
 *    a User "belongs" to a Group through nesting as RFC 7643 §4.1.2
 *    counts its groups ("direct membership, through nested groups").
 *  - automation.issue, .update and .revoke: PERIODIC or ON_DEMAND, all
 *    required; status ACTIVE or DISABLED.
 *  - notification {methods, locale, variant, variables}: immutable after
 *    creation (neither added, changed nor removed). PingOne nests
 *    locale, variant and variables under notification.template; RFC
 *    7643 §2.3.8 allows no complex inside complex, so they are flattened
 *    and variables are "name=value" strings. rule_notification_view()
 *    gives the PingOne shape back for the notification outbox.
 *
 * Writing a rule re-stages its changes in the same transaction
 * (staged.h); deleting one stages the revocation of every live
 * credential it issued, and keeps the rule as a tombstone (record type
 * RULE_GONE_RTYPE, status DISABLED) until those revocations are applied,
 * so they can still be applied by the scheduler or on demand.
 */
#ifndef SCIM_RULE_H
#define SCIM_RULE_H

#include <stddef.h>

#include "filter/filter.h"
#include "json/json.h"
#include "scim/resource.h"
#include "scim/scim.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define RULE_RTYPE "IssuanceRule"
#define RULE_URN "urn:scimcred:params:scim:schemas:core:2.0:IssuanceRule"
/* A deleted rule kept for its pending revocations; never served. */
#define RULE_GONE_RTYPE "IssuanceRuleGone"
#define RULE_MAX_IDS 100 /* groupIds or populationIds of one rule */

/*
 * Edges a rule keeps (store.h), written in the transactions that change
 * them:
 *   "rule.user"   rule -> user        value: the live credential's id
 *   "rule.cred"   rule -> credential  value: the user's id
 *   "cred.rule"   credential -> rule  value: empty
 *   "rule.staged" rule -> user        value: the staged action's letter
 *   "rule.log"    rule -> sequence    value: a usage detail (rule_usage.h)
 * A live credential is one that is neither REVOKED nor TERMINATED.
 */
#define RULE_EDGE_USER "rule.user"
#define RULE_EDGE_CRED "rule.cred"
#define RULE_EDGE_OF_CRED "cred.rule"
#define RULE_EDGE_STAGED "rule.staged"

enum rule_action { RULE_ISSUE, RULE_UPDATE, RULE_REVOKE, RULE_NACTIONS };

enum rule_by {
	RULE_BY_GROUP,
	RULE_BY_POPULATION,
	RULE_BY_SCIM,
};

/* A rule as the staging and applying code reads it; views point into
 * res (arena-owned). */
struct rule {
	struct str id;
	struct str ctype; /* credentialType.value */
	int active; /* status ACTIVE and not deleted */
	int gone; /* deleted, kept for its pending revocations */
	int periodic[RULE_NACTIONS]; /* automation: 1 PERIODIC, 0 ON_DEMAND */
	enum rule_by by;
	const struct str *ids; /* groupIds or populationIds */
	size_t nids;
	struct filter_node *scim; /* RULE_BY_SCIM: bound to the User type */
	const struct json_value *res; /* the resource */
};

/* "ISSUE", "UPDATE", "REVOKE". */
const char *rule_action_name(enum rule_action a);
/* Case-sensitive; 0, or -1 for anything else. */
int rule_action_parse(struct str s, enum rule_action *out);

/*
 * Reads a rule resource (validated against its schema) into *out, with
 * the checks that need no store: exactly one filter, the SCIM filter
 * parsed and bound against reg's User type, the automation and status
 * values, the notification's shape. SCIM_E_INVALID_VALUE or
 * SCIM_E_INVALID_FILTER naming the problem. Arena-owned.
 */
int rule_read(struct arena *a, const struct schema_registry *reg,
    const struct json_value *res, struct rule *out, struct scim_err *err);

/*
 * Loads tenant's rule id inside txn; with gone_too, a deleted rule kept
 * for its revocations is found as well (out->gone set). SCIM_E_NOT_FOUND
 * (err untouched) when there is none.
 */
int rule_load(struct store_txn *txn, struct arena *a,
    const struct schema_registry *reg, struct str tenant, struct str id,
    int gone_too, struct rule *out, struct scim_err *err);

/*
 * Every live rule of the tenant (not the deleted ones), read into *out
 * (arena-owned, *n of them). A stored rule that no longer reads (its
 * filter names an attribute the schemas dropped) is skipped with a
 * warning.
 */
int rule_all(struct store_txn *txn, struct arena *a,
    const struct schema_registry *reg, struct str tenant, struct rule **out,
    size_t *n, struct scim_err *err);

/*
 * The rule's notification in PingOne's shape, for outbox_record():
 * {id, credentialType {value}, notification {methods, template {locale,
 * variant, variables [{name, value}]}}}, or the resource itself when it
 * has no notification. Arena-owned.
 */
const struct json_value *rule_notification_view(
    struct arena *a, const struct rule *r);

/*
 * Removes every trace of a deleted rule once it has no live credential
 * and no staged change left: the tombstone, its usage, its edges. Does
 * nothing otherwise. Inside txn.
 */
int rule_reap(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str id, struct scim_err *err);

extern const struct resource_hooks rule_hooks;

#endif
