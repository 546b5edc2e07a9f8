/*
 * The route table and matching. Paths are RFC 7644 §3.2 endpoints under
 * a per-tenant base /scim/{tenant}/v2; discovery endpoints (§4) need
 * scim:read:schema like every other route needs its own permission.
 */
#include <string.h>

#include "http/request.h"
#include "http/route.h"
#include "scim/apply.h"
#include "scim/me.h"
#include "scim/ops.h"
#include "scim/rule_usage.h"

#define RESOURCE(m, pat, fn, rt, p) \
	{ \
		.method = (m), .pattern = (pat), .handler = (fn), \
		.rtype = (rt), .need = ROUTE_NEEDS(p), .id_max = SCIM_MAX_ID, \
	}
/* Schema ids are URNs, longer than resource ids. */
#define DISCOVERY(pat, fn, rt) \
	{ \
		.method = SCIM_GET, .pattern = (pat), .handler = (fn), \
		.rtype = (rt), .need = ROUTE_NEEDS(PERM_SCHEMA_READ), \
		.id_max = REQUEST_MAX_SEGMENT, \
	}

static const struct route routes[] = {
    RESOURCE(SCIM_GET, "Credential", op_list, "Credential", PERM_CRED_READ),
    RESOURCE(
	SCIM_POST, "Credential", op_create, "Credential", PERM_CRED_CREATE),
    RESOURCE(SCIM_POST, "Credential/.search", op_search, "Credential",
	PERM_CRED_READ),
    RESOURCE(SCIM_GET, "Credential/{id}", op_get, "Credential", PERM_CRED_READ),
    RESOURCE(SCIM_PUT, "Credential/{id}", op_replace, "Credential",
	PERM_CRED_UPDATE),
    /* PATCH (RFC 7644 §3.5.2) beside every PUT, with PUT's permission */
    RESOURCE(SCIM_PATCH, "Credential/{id}", op_patch, "Credential",
	PERM_CRED_UPDATE),
    RESOURCE(SCIM_DELETE, "Credential/{id}", op_delete, "Credential",
	PERM_CRED_DELETE),
    /* Credential types, credentialsIssuance:*:credentialType */
    RESOURCE(SCIM_GET, "CredentialTypes", op_list, "CredentialType",
	PERM_CTYPE_READ),
    RESOURCE(SCIM_POST, "CredentialTypes", op_create, "CredentialType",
	PERM_CTYPE_CREATE),
    RESOURCE(SCIM_POST, "CredentialTypes/.search", op_search, "CredentialType",
	PERM_CTYPE_READ),
    RESOURCE(SCIM_GET, "CredentialTypes/{id}", op_get, "CredentialType",
	PERM_CTYPE_READ),
    RESOURCE(SCIM_PUT, "CredentialTypes/{id}", op_replace, "CredentialType",
	PERM_CTYPE_UPDATE),
    RESOURCE(SCIM_PATCH, "CredentialTypes/{id}", op_patch, "CredentialType",
	PERM_CTYPE_UPDATE),
    RESOURCE(SCIM_DELETE, "CredentialTypes/{id}", op_delete, "CredentialType",
	PERM_CTYPE_DELETE),
    /* Users, Groups and Populations (RFC 7644 §3.2), dir:*:* permissions */
    RESOURCE(SCIM_GET, "Users", op_list, "User", PERM_USER_READ),
    RESOURCE(SCIM_POST, "Users", op_create, "User", PERM_USER_CREATE),
    RESOURCE(SCIM_POST, "Users/.search", op_search, "User", PERM_USER_READ),
    RESOURCE(SCIM_GET, "Users/{id}", op_get, "User", PERM_USER_READ),
    RESOURCE(SCIM_PUT, "Users/{id}", op_replace, "User", PERM_USER_UPDATE),
    RESOURCE(SCIM_PATCH, "Users/{id}", op_patch, "User", PERM_USER_UPDATE),
    RESOURCE(SCIM_DELETE, "Users/{id}", op_delete, "User", PERM_USER_DELETE),
    RESOURCE(SCIM_GET, "Groups", op_list, "Group", PERM_GROUP_READ),
    RESOURCE(SCIM_POST, "Groups", op_create, "Group", PERM_GROUP_CREATE),
    RESOURCE(SCIM_POST, "Groups/.search", op_search, "Group", PERM_GROUP_READ),
    RESOURCE(SCIM_GET, "Groups/{id}", op_get, "Group", PERM_GROUP_READ),
    RESOURCE(SCIM_PUT, "Groups/{id}", op_replace, "Group", PERM_GROUP_UPDATE),
    RESOURCE(SCIM_PATCH, "Groups/{id}", op_patch, "Group", PERM_GROUP_UPDATE),
    RESOURCE(SCIM_DELETE, "Groups/{id}", op_delete, "Group", PERM_GROUP_DELETE),
    RESOURCE(SCIM_GET, "Populations", op_list, "Population", PERM_POP_READ),
    RESOURCE(
	SCIM_POST, "Populations", op_create, "Population", PERM_POP_CREATE),
    RESOURCE(SCIM_POST, "Populations/.search", op_search, "Population",
	PERM_POP_READ),
    RESOURCE(SCIM_GET, "Populations/{id}", op_get, "Population", PERM_POP_READ),
    RESOURCE(SCIM_PUT, "Populations/{id}", op_replace, "Population",
	PERM_POP_UPDATE),
    RESOURCE(SCIM_PATCH, "Populations/{id}", op_patch, "Population",
	PERM_POP_UPDATE),
    RESOURCE(SCIM_DELETE, "Populations/{id}", op_delete, "Population",
	PERM_POP_DELETE),
    /* RFC 7644 §3.11: the caller's own User (scim/me.h) */
    RESOURCE(SCIM_GET, "Me", me_get, "User", PERM_USER_READ),
    /* The audit trail, read-only (scim/audit.h) */
    RESOURCE(SCIM_GET, "AuditRecords", op_list, "AuditRecord", PERM_AUDIT_READ),
    RESOURCE(SCIM_POST, "AuditRecords/.search", op_search, "AuditRecord",
	PERM_AUDIT_READ),
    RESOURCE(
	SCIM_GET, "AuditRecords/{id}", op_get, "AuditRecord", PERM_AUDIT_READ),
    /* Issuance rules (issue 5), credentialsIssuance:*:issuanceRule */
    RESOURCE(
	SCIM_GET, "IssuanceRules", op_list, "IssuanceRule", PERM_RULE_READ),
    RESOURCE(SCIM_POST, "IssuanceRules", op_create, "IssuanceRule",
	PERM_RULE_CREATE),
    RESOURCE(SCIM_POST, "IssuanceRules/.search", op_search, "IssuanceRule",
	PERM_RULE_READ),
    RESOURCE(
	SCIM_GET, "IssuanceRules/{id}", op_get, "IssuanceRule", PERM_RULE_READ),
    RESOURCE(SCIM_PUT, "IssuanceRules/{id}", op_replace, "IssuanceRule",
	PERM_RULE_UPDATE),
    RESOURCE(SCIM_PATCH, "IssuanceRules/{id}", op_patch, "IssuanceRule",
	PERM_RULE_UPDATE),
    RESOURCE(SCIM_DELETE, "IssuanceRules/{id}", op_delete, "IssuanceRule",
	PERM_RULE_DELETE),
    RESOURCE(SCIM_GET, "IssuanceRules/{id}/usageCounts", rule_usage_counts,
	"IssuanceRule", PERM_RULE_READ),
    RESOURCE(SCIM_GET, "IssuanceRules/{id}/usageDetails", rule_usage_details,
	"IssuanceRule", PERM_RULE_READ),
    /* Applying is an update of the staged changes (PingOne's apply) */
    RESOURCE(SCIM_POST, "IssuanceRules/{id}/StagedChanges", apply_staged,
	"StagedChange", PERM_STAGED_UPDATE),
    /* Staged changes are read-only: the server keeps them */
    RESOURCE(
	SCIM_GET, "StagedChanges", op_list, "StagedChange", PERM_STAGED_READ),
    RESOURCE(SCIM_POST, "StagedChanges/.search", op_search, "StagedChange",
	PERM_STAGED_READ),
    RESOURCE(SCIM_GET, "StagedChanges/{id}", op_get, "StagedChange",
	PERM_STAGED_READ),
    /* The notification outbox (read-only): it tells which users got
     * which credentials from which rule, as usageDetails does, so it
     * needs the same permission. */
    RESOURCE(SCIM_GET, "NotificationEvents", op_list, "NotificationEvent",
	PERM_RULE_READ),
    RESOURCE(SCIM_POST, "NotificationEvents/.search", op_search,
	"NotificationEvent", PERM_RULE_READ),
    RESOURCE(SCIM_GET, "NotificationEvents/{id}", op_get, "NotificationEvent",
	PERM_RULE_READ),
    /* RFC 7644 §3.4.3 root search: scim:read:schema at the gate, then
     * each type's own read permission inside (op_search_root.c). */
    RESOURCE(SCIM_POST, ".search", op_search_root, "*", PERM_SCHEMA_READ),
    DISCOVERY("ServiceProviderConfig", discovery_spc, "ServiceProviderConfig"),
    DISCOVERY("ResourceTypes", discovery_rtypes, "ResourceTypes"),
    DISCOVERY("ResourceTypes/{id}", discovery_rtype, "ResourceTypes"),
    DISCOVERY("Schemas", discovery_schemas, "Schemas"),
    DISCOVERY("Schemas/{id}", discovery_schema, "Schemas"),
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

const struct route *
route_table(size_t *n)
{
	*n = NROUTES;
	return routes;
}

const char *
route_method_name(enum scim_method m)
{
	switch (m) {
	case SCIM_GET:
		return "GET";
	case SCIM_POST:
		return "POST";
	case SCIM_PUT:
		return "PUT";
	case SCIM_PATCH:
		return "PATCH";
	case SCIM_DELETE:
		return "DELETE";
	}
	return "?";
}

/*
 * How well a pattern matches the segments: -1 no match, otherwise the
 * number of literal segments (more literals = more specific). *id gets
 * the {id} segment.
 */
static int
pattern_score(
    const char *pat, const struct str *segs, size_t nsegs, struct str *id)
{
	size_t i = 0;
	int score = 0;

	*id = STR_NULL;
	while (*pat != '\0') {
		const char *slash = strchr(pat, '/');
		size_t len =
		    slash != NULL ? (size_t)(slash - pat) : strlen(pat);
		struct str lit = str_make(pat, len);
		if (i >= nsegs)
			return -1;
		if (str_eq_cstr(lit, "{id}")) {
			*id = segs[i];
		} else if (str_eq(lit, segs[i])) {
			score++;
		} else {
			return -1;
		}
		i++;
		pat += len + (slash != NULL ? 1 : 0);
	}
	return i == nsegs ? score : -1;
}

/* The best-matching pattern for the segments, or NULL. */
static const char *
best_pattern(const struct str *segs, size_t nsegs)
{
	const char *best = NULL;
	int best_score = -1, s;
	struct str id;
	size_t i;

	for (i = 0; i < NROUTES; i++) {
		s = pattern_score(routes[i].pattern, segs, nsegs, &id);
		if (s > best_score) {
			best_score = s;
			best = routes[i].pattern;
		}
	}
	return best;
}

static void
allow_for(const char *pattern, char allow[ROUTE_ALLOW_MAX])
{
	static const enum scim_method order[] = {
	    SCIM_GET, SCIM_POST, SCIM_PUT, SCIM_PATCH, SCIM_DELETE};
	size_t i, j, o = 0;

	allow[0] = '\0';
	for (j = 0; j < sizeof(order) / sizeof(order[0]); j++) {
		for (i = 0; i < NROUTES; i++) {
			if (routes[i].method != order[j] ||
			    strcmp(routes[i].pattern, pattern) != 0)
				continue;
			o += (size_t)snprintf(allow + o, ROUTE_ALLOW_MAX - o,
			    "%s%s", o > 0 ? ", " : "",
			    route_method_name(order[j]));
			if (order[j] == SCIM_GET)
				o += (size_t)snprintf(
				    allow + o, ROUTE_ALLOW_MAX - o, ", HEAD");
		}
	}
	snprintf(
	    allow + o, ROUTE_ALLOW_MAX - o, "%sOPTIONS", o > 0 ? ", " : "");
}

int
route_allow(const struct str *segs, size_t nsegs, char allow[ROUTE_ALLOW_MAX])
{
	const char *pat = best_pattern(segs, nsegs);

	if (pat == NULL)
		return SCIM_E_NOT_FOUND;
	allow_for(pat, allow);
	return 0;
}

static int
to_scim_method(enum route_method m, enum scim_method *out)
{
	switch (m) {
	case ROUTE_GET:
	case ROUTE_HEAD:
		*out = SCIM_GET;
		return 0;
	case ROUTE_POST:
		*out = SCIM_POST;
		return 0;
	case ROUTE_PUT:
		*out = SCIM_PUT;
		return 0;
	case ROUTE_PATCH:
		*out = SCIM_PATCH;
		return 0;
	case ROUTE_DELETE:
		*out = SCIM_DELETE;
		return 0;
	case ROUTE_OPTIONS:
	case ROUTE_OTHER:
		break;
	}
	return -1;
}

int
route_match(enum route_method method, const struct str *segs, size_t nsegs,
    struct route_match *m, char allow[ROUTE_ALLOW_MAX], struct scim_err *err)
{
	const char *pat = best_pattern(segs, nsegs);
	enum scim_method sm;
	size_t i;

	m->route = NULL;
	m->id = STR_NULL;
	if (allow != NULL)
		allow[0] = '\0';
	if (pat == NULL)
		return scim_err_set(err, SCIM_E_NOT_FOUND, "no such endpoint");
	if (to_scim_method(method, &sm) == 0) {
		for (i = 0; i < NROUTES; i++) {
			if (routes[i].method != sm ||
			    strcmp(routes[i].pattern, pat) != 0)
				continue;
			pattern_score(pat, segs, nsegs, &m->id);
			if (m->id.len > routes[i].id_max) {
				m->id = STR_NULL;
				return scim_err_set(err, SCIM_E_NOT_FOUND,
				    "no resource with this id");
			}
			m->route = &routes[i];
			return 0;
		}
	}
	if (allow != NULL)
		allow_for(pat, allow);
	return scim_err_set(
	    err, SCIM_E_METHOD, "method not allowed on this endpoint");
}

int
route_check(void)
{
	size_t i;

	for (i = 0; i < NROUTES; i++) {
		const struct route *r = &routes[i];
		if (r->pattern == NULL || r->pattern[0] == '\0' ||
		    r->handler == NULL || r->rtype == NULL || !r->need.set ||
		    (unsigned)r->need.perm >= PERM_COUNT || r->id_max == 0)
			return -1;
	}
	return 0;
}

int
route_permit(const struct route *r, struct scim_err *err)
{
	if (r != NULL && r->need.set && (unsigned)r->need.perm < PERM_COUNT)
		return 0;
	return scim_err_set(err, SCIM_E_FORBIDDEN,
	    "this endpoint requires no known permission and is never served");
}

void
route_print(FILE *fp)
{
	size_t i;

	for (i = 0; i < NROUTES; i++)
		fprintf(fp, "%-6s /scim/{tenant}/v2/%-24s %s\n",
		    route_method_name(routes[i].method), routes[i].pattern,
		    perm_name(routes[i].need.perm));
}
