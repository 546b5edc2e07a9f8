/*
 * Roles (auth/role.c): the predefined roles hold exactly the permissions
 * their descriptions promise, custom roles are checked identifier by
 * identifier, and names are unique along a tenant -> global -> predefined
 * chain.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "auth/role.h"

static const struct role *
predef(const char *name)
{
	const struct role *r = role_predefined(str_from(name));

	cr_assert_not_null(r, "no predefined role %s", name);
	return r;
}

static int
has_part(enum perm p, const char *part)
{
	return strstr(perm_name(p), part) != NULL;
}

Test(role, environment_admin_has_everything)
{
	const struct role *r = predef("environmentAdmin");

	cr_assert_eq(r->perms.bits, perm_set_all().bits);
	cr_assert_eq(r->self_admin, 0);
}

Test(role, credentials_admin)
{
	const struct role *r = predef("credentialsAdmin");
	int p;

	for (p = 0; p < PERM_COUNT; p++) {
		int want = p == PERM_SCHEMA_READ ||
		    has_part(p, ":credentials") ||
		    has_part(p, ":credentialType") ||
		    has_part(p, ":issuanceRule") ||
		    has_part(p, ":stagedChanges");
		cr_assert_eq(
		    perm_set_has(&r->perms, p), want, "%s", perm_name(p));
	}
	cr_assert(perm_set_has(&r->perms, PERM_STAGED_UPDATE));
	cr_assert_not(perm_set_has(&r->perms, PERM_USER_READ));
}

Test(role, identity_data_admin)
{
	const struct role *r = predef("identityDataAdmin");
	int p;

	for (p = 0; p < PERM_COUNT; p++) {
		int want = p == PERM_SCHEMA_READ ||
		    strncmp(perm_name(p), "dir:", 4) == 0;
		cr_assert_eq(
		    perm_set_has(&r->perms, p), want, "%s", perm_name(p));
	}
	cr_assert(perm_set_has(&r->perms, PERM_MEMBERSHIP_DELETE));
	cr_assert_not(perm_set_has(&r->perms, PERM_CRED_READ));
}

Test(role, auditor_reads_everything_writes_nothing)
{
	const struct role *r = predef("auditor");
	int p;

	for (p = 0; p < PERM_COUNT; p++)
		cr_assert_eq(perm_set_has(&r->perms, p), has_part(p, ":read:"),
		    "%s", perm_name(p));
	cr_assert(perm_set_has(&r->perms, PERM_SCHEMA_READ));
}

Test(role, self_admin)
{
	const struct role *r = predef(ROLE_SELF_ADMIN);
	struct perm_set want = {0};

	perm_set_add(&want, PERM_CRED_READ);
	perm_set_add(&want, PERM_CRED_UPDATE);
	perm_set_add(&want, PERM_USER_READ);
	cr_assert_eq(r->perms.bits, want.bits);
	cr_assert_eq(r->self_admin, 1);
	cr_assert_null(role_predefined(STR_LIT("selfadmin")));
	cr_assert_null(role_predefined_at(5));
}

Test(role, names)
{
	cr_assert(role_name_ok(STR_LIT("a")));
	cr_assert(role_name_ok(STR_LIT("helpDesk_2-eu")));
	cr_assert_not(role_name_ok(STR_LIT("")));
	cr_assert_not(role_name_ok(STR_LIT("2fa")));
	cr_assert_not(role_name_ok(STR_LIT("-x")));
	cr_assert_not(role_name_ok(STR_LIT("a.b")));
	cr_assert_not(role_name_ok(STR_LIT("a b")));
	cr_assert_not(role_name_ok(STR_LIT("a\0b")));
	cr_assert(role_name_ok(str_make(
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    64)));
	cr_assert_not(role_name_ok(str_make(
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    65)));
}

Test(role, define_and_find)
{
	struct role_table *g = role_table_new(NULL), *t = role_table_new(g);
	const struct role *r;
	char why[256];

	cr_assert_eq(role_table_define(g, STR_LIT("helpdesk"),
			 STR_LIT("dir:read:user \t credentialsIssuance:read:"
				 "credentials"),
			 why, sizeof(why)),
	    0, "%s", why);
	r = role_table_find(t, STR_LIT("helpdesk"));
	cr_assert_not_null(r);
	cr_assert(perm_set_has(&r->perms, PERM_USER_READ));
	cr_assert(perm_set_has(&r->perms, PERM_CRED_READ));
	cr_assert_not(perm_set_has(&r->perms, PERM_CRED_UPDATE));
	cr_assert_not_null(role_table_find(t, STR_LIT("auditor")));
	cr_assert_null(role_table_find(g, STR_LIT("HELPDESK")));
	/* Names are unique along the chain. */
	cr_assert_eq(role_table_define(t, STR_LIT("helpdesk"),
			 STR_LIT("dir:read:user"), why, sizeof(why)),
	    -1);
	cr_assert_eq(role_table_define(g, STR_LIT("auditor"),
			 STR_LIT("dir:read:user"), why, sizeof(why)),
	    -1);
	cr_assert(strstr(why, "auditor") != NULL, "%s", why);
	role_table_free(t);
	role_table_free(g);
}

/* A bad identifier is named in the message (it stops start-up). */
Test(role, define_refusals_name_the_identifier)
{
	struct role_table *g = role_table_new(NULL);
	char why[256];

	cr_assert_eq(
	    role_table_define(g, STR_LIT("r"),
		STR_LIT("dir:read:user dir:read:usr"), why, sizeof(why)),
	    -1);
	cr_assert(strstr(why, "unknown permission \"dir:read:usr\"") != NULL,
	    "%s", why);
	cr_assert_eq(role_table_define(g, STR_LIT("r"),
			 STR_LIT("dir:read:user dir::user"), why, sizeof(why)),
	    -1);
	cr_assert(strstr(why,
		      "malformed permission identifier \"dir::user\"") != NULL,
	    "%s", why);
	cr_assert_eq(role_table_define(g, STR_LIT("r"), STR_LIT("dir:re\"ad:x"),
			 why, sizeof(why)),
	    -1);
	cr_assert(strstr(why, "dir:re\\x22ad:x") != NULL, "%s", why);
	cr_assert_eq(role_table_define(g, STR_LIT("bad name"),
			 STR_LIT("dir:read:user"), why, sizeof(why)),
	    -1);
	cr_assert(
	    strstr(why, "malformed role name \"bad name\"") != NULL, "%s", why);
	cr_assert_eq(
	    role_table_define(g, STR_LIT("r"), STR_LIT("  "), why, sizeof(why)),
	    -1);
	/* Nothing was defined by the failures. */
	cr_assert_null(role_table_find(g, STR_LIT("r")));
	role_table_free(g);
}

Test(role, table_is_bounded)
{
	struct role_table *g = role_table_new(NULL);
	char name[16], why[256];
	int i;

	for (i = 0; i < ROLE_TABLE_MAX; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		cr_assert_eq(role_table_define(g, str_from(name),
				 STR_LIT("dir:read:user"), why, sizeof(why)),
		    0);
	}
	cr_assert_eq(role_table_define(g, STR_LIT("one_more"),
			 STR_LIT("dir:read:user"), why, sizeof(why)),
	    -1);
	role_table_free(g);
}
