/*
 * The permission table: PingOne's identifiers for exactly the permissions
 * scimcred's routes require (shared/reference/pingone-permissions.txt).
 * Identifiers compare exactly, case included, as PingOne's do.
 *
 * The enum's order is part of the on-disk format: token records store a
 * perm_set as a bitmap with bit i meaning enum value i (auth/token.c).
 * Append new permissions before PERM_COUNT; never reorder or reuse one.
 * tests/unit/auth/test_perm.c pins every position.
 */
#include <stddef.h>

#include "auth/perm.h"
#include "util/log.h"

#define PERM_NAME_MAX 128

static const char *const perm_names[] = {
    [PERM_SCHEMA_READ] = "scim:read:schema",
    [PERM_CRED_CREATE] = "credentialsIssuance:create:credentials",
    [PERM_CRED_READ] = "credentialsIssuance:read:credentials",
    [PERM_CRED_UPDATE] = "credentialsIssuance:update:credentials",
    [PERM_CRED_DELETE] = "credentialsIssuance:delete:credentials",
    [PERM_CTYPE_CREATE] = "credentialsIssuance:create:credentialType",
    [PERM_CTYPE_READ] = "credentialsIssuance:read:credentialType",
    [PERM_CTYPE_UPDATE] = "credentialsIssuance:update:credentialType",
    [PERM_CTYPE_DELETE] = "credentialsIssuance:delete:credentialType",
    [PERM_RULE_CREATE] = "credentialsIssuance:create:issuanceRule",
    [PERM_RULE_READ] = "credentialsIssuance:read:issuanceRule",
    [PERM_RULE_UPDATE] = "credentialsIssuance:update:issuanceRule",
    [PERM_RULE_DELETE] = "credentialsIssuance:delete:issuanceRule",
    [PERM_STAGED_READ] = "credentialsIssuance:read:stagedChanges",
    [PERM_STAGED_UPDATE] = "credentialsIssuance:update:stagedChanges",
    [PERM_USER_CREATE] = "dir:create:user",
    [PERM_USER_READ] = "dir:read:user",
    [PERM_USER_UPDATE] = "dir:update:user",
    [PERM_USER_DELETE] = "dir:delete:user",
    [PERM_GROUP_CREATE] = "dir:create:group",
    [PERM_GROUP_READ] = "dir:read:group",
    [PERM_GROUP_UPDATE] = "dir:update:group",
    [PERM_GROUP_DELETE] = "dir:delete:group",
    [PERM_MEMBERSHIP_CREATE] = "dir:create:groupMembership",
    [PERM_MEMBERSHIP_READ] = "dir:read:groupMembership",
    [PERM_MEMBERSHIP_DELETE] = "dir:delete:groupMembership",
    [PERM_POP_CREATE] = "dir:create:population",
    [PERM_POP_READ] = "dir:read:population",
    [PERM_POP_UPDATE] = "dir:update:population",
    [PERM_POP_DELETE] = "dir:delete:population",
    /* PingOne's audit_reporting:read:activity fits, but its '_' fails the
     * three-part syntax perm_syntax_ok() enforces: our own id instead. */
    [PERM_AUDIT_READ] = "scimcred:read:auditRecords",
};

/* Catches a name missing at the end; the unit test catches gaps. */
_Static_assert(sizeof(perm_names) / sizeof(perm_names[0]) == PERM_COUNT,
    "every enum perm value needs a name");

const char *
perm_name(enum perm p)
{
	if ((unsigned)p >= PERM_COUNT)
		return NULL;
	return perm_names[p];
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

int
perm_syntax_ok(struct str s)
{
	size_t i, run = 0;
	int colons = 0;

	if (s.ptr == NULL || s.len == 0 || s.len > PERM_NAME_MAX)
		return 0;
	for (i = 0; i < s.len; i++) {
		if (is_alnum(s.ptr[i])) {
			run++;
		} else if (s.ptr[i] == ':' && run > 0 && colons < 2) {
			colons++;
			run = 0;
		} else {
			return 0;
		}
	}
	return colons == 2 && run > 0;
}

int
perm_lookup(struct str s, enum perm *out)
{
	int i;

	for (i = 0; i < PERM_COUNT; i++) {
		if (str_eq_cstr(s, perm_names[i])) {
			*out = (enum perm)i;
			return 0;
		}
	}
	return -1;
}

void
perm_set_add(struct perm_set *set, enum perm p)
{
	if ((unsigned)p < PERM_COUNT)
		set->bits |= UINT64_C(1) << p;
}

int
perm_set_has(const struct perm_set *set, enum perm p)
{
	return (unsigned)p < PERM_COUNT && (set->bits >> p & 1) != 0;
}

struct perm_set
perm_set_all(void)
{
	struct perm_set all;

	all.bits = UINT64_MAX >> (64 - PERM_COUNT);
	return all;
}

int
perm_require(const struct perm_set *set, enum perm need, struct scim_err *err)
{
	if (perm_name(need) == NULL) {
		log_error("route requires unknown permission %d", (int)need);
		return scim_err_set(err, SCIM_E_INTERNAL, "internal error");
	}
	if (!perm_set_has(set, need))
		return scim_err_set(err, SCIM_E_FORBIDDEN,
		    "this token lacks the permission %s", perm_name(need));
	return 0;
}
