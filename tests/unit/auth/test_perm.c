/* The permission table and permission sets (auth/perm.c). */
#include <string.h>

#include <criterion/criterion.h>

#include "auth/perm.h"

/*
 * Every identifier at its enum position. Token records store bit i for
 * enum value i, so a reordering would silently change what stored tokens
 * may do: this table pins the positions.
 */
static const char *const expected[] = {
    "scim:read:schema",
    "credentialsIssuance:create:credentials",
    "credentialsIssuance:read:credentials",
    "credentialsIssuance:update:credentials",
    "credentialsIssuance:delete:credentials",
    "credentialsIssuance:create:credentialType",
    "credentialsIssuance:read:credentialType",
    "credentialsIssuance:update:credentialType",
    "credentialsIssuance:delete:credentialType",
    "credentialsIssuance:create:issuanceRule",
    "credentialsIssuance:read:issuanceRule",
    "credentialsIssuance:update:issuanceRule",
    "credentialsIssuance:delete:issuanceRule",
    "credentialsIssuance:read:stagedChanges",
    "credentialsIssuance:update:stagedChanges",
    "dir:create:user",
    "dir:read:user",
    "dir:update:user",
    "dir:delete:user",
    "dir:create:group",
    "dir:read:group",
    "dir:update:group",
    "dir:delete:group",
    "dir:create:groupMembership",
    "dir:read:groupMembership",
    "dir:delete:groupMembership",
    "dir:create:population",
    "dir:read:population",
    "dir:update:population",
    "dir:delete:population",
    "scimcred:read:auditRecords",
};

Test(perm, every_value_has_its_pinned_name)
{
	enum perm p;
	int i;

	cr_assert_eq(PERM_COUNT, sizeof(expected) / sizeof(expected[0]));
	for (i = 0; i < PERM_COUNT; i++) {
		cr_assert_not_null(
		    perm_name((enum perm)i), "perm %d unnamed", i);
		cr_expect_str_eq(perm_name((enum perm)i), expected[i]);
		cr_expect(perm_syntax_ok(str_from(perm_name((enum perm)i))));
		cr_expect_eq(perm_lookup(str_from(expected[i]), &p), 0);
		cr_expect_eq((int)p, i, "%s looks up to %d", expected[i], p);
	}
	cr_expect_eq(PERM_SCHEMA_READ, 0);
	cr_expect_eq(PERM_CRED_READ, 2);
	cr_expect_eq(PERM_STAGED_UPDATE, 14);
	cr_expect_eq(PERM_MEMBERSHIP_DELETE, 25);
	cr_expect_eq(PERM_POP_DELETE, 29);
	cr_expect_null(perm_name(PERM_COUNT));
	cr_expect_null(perm_name((enum perm) - 1));
}

Test(perm, lookup_is_exact)
{
	static const char *miss[] = {
	    "SCIM:read:schema",
	    "scim:Read:schema",
	    "scim:read:schemas",
	    "scim:read:schem",
	    "scim:read:schema ",
	    " scim:read:schema",
	    "dir:read:users",
	    "dir:read:groupmembership",
	    "",
	};
	enum perm p = PERM_POP_DELETE;
	size_t i;

	for (i = 0; i < sizeof(miss) / sizeof(miss[0]); i++)
		cr_expect_eq(perm_lookup(str_from(miss[i]), &p), -1,
		    "\"%s\" matched", miss[i]);
	cr_expect_eq(p, PERM_POP_DELETE, "*out untouched on a miss");
	cr_expect_eq(perm_lookup(STR_LIT("scim:read:schema\0x"), &p), -1);
	cr_expect_eq(perm_lookup(STR_NULL, &p), -1);
}

Test(perm, syntax)
{
	static const char *good[] = {
	    "a:b:c",
	    "scim:read:schema",
	    "X1:y2:Z3",
	    "licensing:read:license",
	};
	static const char *bad[] = {
	    "",
	    "a",
	    "a:b",
	    "a:b:c:d",
	    "a::c",
	    ":b:c",
	    "a:b:",
	    "a:b:c:",
	    "a-b:c:d",
	    "a_b:c:d",
	    "a:b:c ",
	    "a :b:c",
	    "a:b:\xc3\xa9",
	    "a.b:c:d",
	    "::",
	};
	char longest[130];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect(perm_syntax_ok(str_from(good[i])), "%s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect(!perm_syntax_ok(str_from(bad[i])), "\"%s\"", bad[i]);
	cr_expect(!perm_syntax_ok(STR_LIT("a:b\0:c")));
	cr_expect(!perm_syntax_ok(STR_NULL));

	/* 128 bytes is the limit. */
	memset(longest, 'a', sizeof(longest));
	longest[1] = ':';
	longest[3] = ':';
	cr_expect(perm_syntax_ok(str_make(longest, 128)));
	cr_expect(!perm_syntax_ok(str_make(longest, 129)));
}

Test(perm, sets)
{
	struct perm_set set = {0}, all = perm_set_all();
	int i, n = 0;

	cr_expect(!perm_set_has(&set, PERM_CRED_READ));
	perm_set_add(&set, PERM_CRED_READ);
	perm_set_add(&set, PERM_POP_DELETE);
	cr_expect(perm_set_has(&set, PERM_CRED_READ));
	cr_expect(perm_set_has(&set, PERM_POP_DELETE));
	cr_expect(!perm_set_has(&set, PERM_CRED_CREATE));
	cr_expect(!perm_set_has(&set, PERM_SCHEMA_READ));
	perm_set_add(&set, PERM_COUNT);
	cr_expect_eq(set.bits,
	    (UINT64_C(1) << PERM_CRED_READ) | (UINT64_C(1) << PERM_POP_DELETE),
	    "out-of-range values are ignored");
	for (i = 0; i < 64; i++)
		n += (int)(all.bits >> i & 1);
	cr_expect_eq(n, PERM_COUNT, "all has exactly the known permissions");
	for (i = 0; i < PERM_COUNT; i++)
		cr_expect(perm_set_has(&all, (enum perm)i));
	all.bits = UINT64_MAX;
	cr_expect(!perm_set_has(&all, PERM_COUNT));
}
