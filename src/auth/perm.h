/*
 * Permission identifiers in PingOne's three-part form
 * category:action:resource (shared/reference/pingone-permissions.txt).
 * scimcred knows a fixed table of them: exactly the ones its routes
 * require. A set of permissions is a bitmap over that table.
 */
#ifndef AUTH_PERM_H
#define AUTH_PERM_H

#include <stdint.h>

#include "util/scim_err.h"
#include "util/str.h"

enum perm {
	PERM_SCHEMA_READ, /* scim:read:schema */
	PERM_CRED_CREATE, /* credentialsIssuance:create:credentials */
	PERM_CRED_READ,
	PERM_CRED_UPDATE,
	PERM_CRED_DELETE,
	PERM_CTYPE_CREATE, /* credentialsIssuance:create:credentialType */
	PERM_CTYPE_READ,
	PERM_CTYPE_UPDATE,
	PERM_CTYPE_DELETE,
	PERM_RULE_CREATE, /* credentialsIssuance:create:issuanceRule */
	PERM_RULE_READ,
	PERM_RULE_UPDATE,
	PERM_RULE_DELETE,
	PERM_STAGED_READ, /* credentialsIssuance:read:stagedChanges */
	PERM_STAGED_UPDATE,
	PERM_USER_CREATE, /* dir:create:user */
	PERM_USER_READ,
	PERM_USER_UPDATE,
	PERM_USER_DELETE,
	PERM_GROUP_CREATE, /* dir:create:group */
	PERM_GROUP_READ,
	PERM_GROUP_UPDATE,
	PERM_GROUP_DELETE,
	PERM_MEMBERSHIP_CREATE, /* dir:create:groupMembership */
	PERM_MEMBERSHIP_READ,
	PERM_MEMBERSHIP_DELETE,
	PERM_POP_CREATE, /* dir:create:population */
	PERM_POP_READ,
	PERM_POP_UPDATE,
	PERM_POP_DELETE,
	PERM_AUDIT_READ, /* scimcred:read:auditRecords */
	PERM_COUNT
};

/* A set of permissions. */
struct perm_set {
	uint64_t bits;
};

_Static_assert(PERM_COUNT <= 64, "perm_set bitmap is one uint64_t");

/* The identifier for p, e.g. "credentialsIssuance:read:credentials". */
const char *perm_name(enum perm p);
/* 1 if s has the three-part syntax: three non-empty [A-Za-z0-9]+ parts
 * separated by ':', at most 128 bytes. */
int perm_syntax_ok(struct str s);
/* 0 and *out if s names a known permission, -1 otherwise. */
int perm_lookup(struct str s, enum perm *out);

void perm_set_add(struct perm_set *set, enum perm p);
/* The last step of every gate: 0 if set holds need, else
 * SCIM_E_FORBIDDEN naming it (SCIM_E_INTERNAL, logged, for a need that
 * is no permission at all: a route table bug). */
int perm_require(
    const struct perm_set *set, enum perm need, struct scim_err *err);
int perm_set_has(const struct perm_set *set, enum perm p);
/* Every known permission. */
struct perm_set perm_set_all(void);

#endif
