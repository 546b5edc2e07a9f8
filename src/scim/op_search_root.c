/*
 * POST /.search at the tenant root (RFC 7644 §3.4.3): one SearchRequest
 * over every resource type the caller may read, answered as one
 * ListResponse whose resources each carry their own `schemas` and
 * meta.resourceType. The engine is list.c (list_run_root).
 *
 * Permissions. The route needs one permission like every route
 * (HARDENING.md promise 6); it is scim:read:schema, the permission every
 * predefined reading role holds (credentialsAdmin, identityDataAdmin,
 * auditor, environmentAdmin) and that grants no data by itself. Data
 * comes only from the types whose own read permission the caller holds
 * (the one its GET /{endpoint} route requires, root_perms below): the
 * others are skipped, not an error, so a caller that may read Users only
 * sees Users. A caller that may read no type gets an empty list. Self-
 * admin tokens never reach this handler (scim/access.c).
 */
#include "config.h"

#include "scim/list.h"
#include "scim/ops.h"

/* The read permission of each type: the one http/route.c's GET
 * /{endpoint} row requires (tests/unit/http/test_query_http.c checks
 * that every listed type is here with that permission). A type not
 * listed is never searched. */
static const struct {
	const char *rtype;
	enum perm perm;
} root_perms[] = {
    {"AuditRecord", PERM_AUDIT_READ},
    {"Credential", PERM_CRED_READ},
    {"CredentialType", PERM_CTYPE_READ},
    {"Group", PERM_GROUP_READ},
    {"IssuanceRule", PERM_RULE_READ},
    {"NotificationEvent", PERM_RULE_READ},
    {"Population", PERM_POP_READ},
    {"StagedChange", PERM_STAGED_READ},
    {"User", PERM_USER_READ},
};

int
op_search_root_perm(struct str rtype, enum perm *out)
{
	size_t i;

	for (i = 0; i < sizeof(root_perms) / sizeof(root_perms[0]); i++) {
		if (str_eq_cstr(rtype, root_perms[i].rtype)) {
			*out = root_perms[i].perm;
			return 0;
		}
	}
	return -1;
}

/* The registry's types the caller may read, in registry order. */
static size_t
readable(
    struct scim *s, const struct scim_request *req, struct resource_type *out)
{
	const struct schema_registry *reg = scim_registry(s);
	const struct schema_rtype *rt;
	enum perm p;
	size_t i, n = 0;

	for (i = 0; i < schema_rtype_count(reg); i++) {
		rt = schema_rtype_at(reg, i);
		if (req->who == NULL ||
		    op_search_root_perm(str_from(rt->name), &p) != 0 ||
		    !perm_set_has(&req->who->perms, p) ||
		    resource_find(reg, str_from(rt->name), &out[n], NULL) != 0)
			continue;
		n++;
	}
	return n;
}

int
op_search_root(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct resource_type *types;
	struct list_query q;
	size_t n;
	int rc;

	types = arena_allocarray(req->arena,
	    schema_rtype_count(scim_registry(s)) + 1, sizeof(*types));
	rc = list_query_body(req, &q, err);
	if (rc != 0)
		goto out;
	n = readable(s, req, types);
	rc = list_run_root(s, req, types, n, &q, resp, err);
out:
	return rc;
}
