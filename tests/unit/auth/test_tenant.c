/* Tenant names and tenant administration (auth/tenant.c). */
#include <string.h>

#include <criterion/criterion.h>

#include "../store/store_fixture.h"
#include "auth/tenant.h"

Test(tenant, name_syntax)
{
	static const char *good[] = {
	    "a",
	    "0",
	    "acme",
	    "acme-corp",
	    "a-b-c",
	    "t1",
	    "1-2",
	    "a--b",
	};
	static const char *bad[] = {
	    "",
	    "-",
	    "-a",
	    "a-",
	    "Acme",
	    "ACME",
	    "a_b",
	    "a.b",
	    "a b",
	    "a/b",
	    "..",
	    "a%2f",
	    "\xc3\xa9",
	    "a\tb",
	    "a:b",
	};
	char name[66];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect(tenant_name_ok(str_from(good[i])), "%s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect(!tenant_name_ok(str_from(bad[i])), "\"%s\"", bad[i]);
	cr_expect(!tenant_name_ok(STR_LIT("a\0b")), "embedded NUL");
	cr_expect(!tenant_name_ok(STR_NULL));
	memset(name, 'x', sizeof(name));
	cr_expect(tenant_name_ok(str_make(name, TENANT_NAME_MAX)));
	cr_expect(!tenant_name_ok(str_make(name, TENANT_NAME_MAX + 1)));
}

static char *dir;
static struct store *st;

static void
setup(void)
{
	dir = fixture_dir_new();
	st = fixture_store_open(dir, 0, 0);
}

static void
teardown(void)
{
	store_close(st);
	fixture_dir_free(dir);
}

struct admin {
	int add;
	const char *name;
	char detail[SCIM_ERR_DETAIL_MAX];
};

static int
admin_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct admin *a = arg;
	int rc;

	rc = a->add ? tenant_add(t, str_from(a->name), err)
		    : tenant_remove(t, str_from(a->name), err);
	if (rc != 0)
		strcpy(a->detail, err->detail);
	return rc;
}

static int
admin(int add, const char *name)
{
	struct admin a = {add, name, ""};

	return fixture_write(st, admin_fn, &a);
}

static int
exists(const char *name)
{
	struct store_txn *t = NULL;
	int yes;

	cr_assert_eq(store_read_begin(st, &t, NULL), 0);
	yes = store_tenant_exists(t, str_from(name));
	store_read_end(t);
	return yes;
}

Test(tenant, add_and_remove, .init = setup, .fini = teardown)
{
	struct admin a = {1, "Bad_Name", ""};

	cr_expect_eq(fixture_write(st, admin_fn, &a), SCIM_E_INVALID_VALUE);
	cr_expect(strstr(a.detail, "1 to 63") != NULL, "%s", a.detail);
	cr_expect(!exists("Bad_Name"));

	cr_assert_eq(admin(1, "acme"), 0);
	cr_expect(exists("acme"));
	cr_expect_eq(admin(1, "acme"), SCIM_E_CONFLICT);
	cr_assert_eq(
	    fixture_rec_put(st, "acme", "Credential", "c1", STR_LIT("x")), 0);

	cr_expect_eq(admin(0, "-acme"), SCIM_E_INVALID_VALUE);
	cr_expect_eq(admin(0, "globex"), SCIM_E_NOT_FOUND);
	cr_assert_eq(admin(0, "acme"), 0);
	cr_expect(!exists("acme"));
	size_t len;
	cr_expect_null(fixture_rec_get(st, "acme", "Credential", "c1", &len),
	    "removing a tenant removes its data");
	cr_expect_eq(admin(0, "acme"), SCIM_E_NOT_FOUND);
}
