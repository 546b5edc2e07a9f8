/*
 * scim/check.c: record-side consistency. Resources written through the
 * operations pass; a resource whose uniqueness key, credential edge or
 * memberOf edge was removed behind its back is named.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "auth/tenant.h"
#include "ops_fixture.h"
#include "scim/check.h"
#include "scim/credential_keys.h"
#include "store/store.h"
#include "util/buf.h"

#define USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"

static int
add_t1(struct store_txn *t, void *arg, struct scim_err *err)
{
	return store_tenant_add(t, STR_LIT("t1"), err);
}

static void
setup(void)
{
	struct scim_err err = {0};

	ox_setup_real();
	cr_assert_eq(store_write(ox_store(), add_t1, NULL, &err), 0);
}

TestSuite(scim_check, .init = setup, .fini = ox_teardown);

static const char *
user(const char *name)
{
	struct ox_req r = {.rtype = "User",
	    .body = arena_printf(ox_arena(),
		"{\"schemas\":[\"" USER_URN "\"],\"userName\":\"%s\","
		"\"externalId\":\"ext-%s\"}",
		name, name)};
	struct ox_resp p = ox_call(op_create, &r);

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	return ox_str(p.json, "id");
}

static void
collect(void *arg, const char *what, const char *msg)
{
	if (what != NULL)
		buf_printf(arg, "%s: %s\n", what, msg);
}

/* Runs check_records; returns the problem count, text in b. */
static size_t
run(struct buf *b)
{
	struct scim_err err = {0};
	size_t n = 99;

	buf_init(b);
	cr_assert_eq(check_records(ox_scim(), collect, b, &n, &err), 0, "%s",
	    err.detail);
	return n;
}

struct uniq_op {
	const char *attr, *value, *id;
};

static int
uniq_del(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct uniq_op *u = arg;

	return store_uniq_del(t, STR_LIT("t1"), STR_LIT("User"),
	    str_from(u->attr), str_from(u->value), err);
}

static int
uniq_move(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct uniq_op *u = arg;
	int rc = uniq_del(t, arg, err);

	return rc != 0
	    ? rc
	    : store_uniq_add(t, STR_LIT("t1"), STR_LIT("User"),
		  str_from(u->attr), str_from(u->value), str_from(u->id), err);
}

Test(scim_check, resources_written_by_the_operations_pass)
{
	struct buf b;

	user("ann");
	user("bob");
	cr_assert_eq(run(&b), 0, "%s", buf_cstr(&b));
	buf_free(&b);
}

/* userName is unique (RFC 7643 §4.1.1): folded to lower case in its key. */
Test(scim_check, missing_uniqueness_key_is_named)
{
	struct uniq_op u = {"username", "ann", NULL};
	struct scim_err err = {0};
	const char *ann = user("Ann");
	struct buf b;

	user("bob");
	cr_assert_eq(store_write(ox_store(), uniq_del, &u, &err), 0);
	cr_assert_eq(run(&b), 1, "%s", buf_cstr(&b));
	cr_assert_not_null(strstr(buf_cstr(&b),
			       arena_printf(ox_arena(),
				   "records: t1/User/%s: no uniqueness key "
				   "for userName \"ann\"",
				   ann)),
	    "%s", buf_cstr(&b));
	buf_free(&b);
}

Test(scim_check, key_held_by_another_resource_is_named)
{
	struct scim_err err = {0};
	struct uniq_op u = {"externalid", "ext-ann", NULL};
	struct buf b;

	user("ann");
	u.id = user("bob");
	cr_assert_eq(store_write(ox_store(), uniq_move, &u, &err), 0);
	cr_assert_eq(run(&b), 1, "%s", buf_cstr(&b));
	cr_assert_not_null(strstr(buf_cstr(&b),
	    "the uniqueness key for externalId \"ext-ann\" names another"));
	buf_free(&b);
}

struct edge_op {
	const char *kind, *from, *to;
};

static int
edge_del(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct edge_op *e = arg;

	return store_edge_del(t, STR_LIT("t1"), str_from(e->kind),
	    str_from(e->from), str_from(e->to), err);
}

Test(scim_check, credential_without_its_owner_edge)
{
	struct scim_err err = {0};
	struct edge_op e = {CREDENTIAL_KEYS_EDGE_OWNER, NULL, NULL};
	const char *cred;
	struct buf b;

	e.from = user("ann");
	ox_ctype("t1", "CT_ACODE", NULL, NULL);
	cred = ox_create("t1",
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_ACODE\","
		"\"owner\":{\"value\":\"%s\"}}",
		e.from));
	cr_assert_eq(run(&b), 0, "%s", buf_cstr(&b));
	buf_free(&b);
	e.to = cred;
	cr_assert_eq(store_write(ox_store(), edge_del, &e, &err), 0);
	cr_assert_eq(run(&b), 1, "%s", buf_cstr(&b));
	cr_assert_not_null(strstr(buf_cstr(&b), "no edge from its owner"));
	buf_free(&b);
}
