/* Binding filters to the schema (filter/filter_bind.c): unknown
 * attributes, literal types, operator rules of RFC 7644 §3.4.2.2, the
 * complex-attribute "value" default and what gets cached in the nodes. */
#include <criterion/criterion.h>

#include <string.h>

#include "filter/filter.h"
#include "schema_fixture.h"
#include "util/date.h"

static struct arena *A;

static void
setup(void)
{
	A = arena_new();
}

static void
teardown(void)
{
	arena_free(A);
}

TestSuite(filter_bind, .init = setup, .fini = teardown);

static struct filter_node *
bind_ok(const struct fixture_rtype *rt, const char *s)
{
	struct filter_node *n = NULL;
	struct scim_err err;
	int rc = fixture_compile(A, rt, s, &n, &err);

	cr_assert_eq(rc, 0, "rejected \"%s\": %s", s, err.detail);
	cr_assert(n->bound, "root of \"%s\" not bound", s);
	return n;
}

static const char *
bind_err(const struct fixture_rtype *rt, const char *s)
{
	struct filter_node *n = NULL;
	struct scim_err err;
	int rc;

	scim_err_clear(&err);
	cr_assert_eq(filter_parse(A, str_from(s), &n, &err), 0,
	    "parse of \"%s\" failed: %s", s, err.detail);
	rc = filter_bind(n, fixture_resolve, (void *)rt, &err);
	cr_assert_eq(rc, SCIM_E_INVALID_FILTER, "bound \"%s\"", s);
	cr_assert_eq(err.code, SCIM_E_INVALID_FILTER);
	cr_assert_eq(n->bound, 0, "root of failed \"%s\" is bound", s);
	return arena_strdup(A, err.detail);
}

#define U (&fixture_user)
#define C (&fixture_credential)
#define BIND_ERR(rt, filter, needle) \
	do { \
		const char *d_ = bind_err(rt, filter); \
		cr_expect_not_null(strstr(d_, needle), \
		    "detail for %s: \"%s\" lacks \"%s\"", filter, d_, needle); \
	} while (0)

Test(filter_bind, unknown_attributes_are_named)
{
	BIND_ERR(U, "nosuch eq \"x\"", "unknown attribute 'nosuch'");
	BIND_ERR(U, "name.nosuch eq \"x\"", "unknown attribute 'name.nosuch'");
	BIND_ERR(
	    U, "userName.sub eq \"x\"", "unknown attribute 'userName.sub'");
	BIND_ERR(U, "urn:x:y:userName eq \"x\"",
	    "unknown attribute 'urn:x:y:userName'");
	BIND_ERR(U, "emails[typo eq \"x\"]", "unknown attribute 'emails.typo'");
	BIND_ERR(U, "nosuch[a eq \"x\"]", "unknown attribute 'nosuch'");
	BIND_ERR(U, "nosuch pr", "unknown attribute 'nosuch'");
	/* a credential attribute is unknown on a User */
	BIND_ERR(U, "status.status eq \"ACTIVE\"", "unknown attribute");
}

Test(filter_bind, unknown_attribute_anywhere_in_the_tree)
{
	BIND_ERR(U, "userName pr and nosuch pr", "'nosuch'");
	BIND_ERR(
	    U, "userName pr or (active eq true and nosuch pr)", "'nosuch'");
	BIND_ERR(U, "not (nosuch pr)", "'nosuch'");
	BIND_ERR(U, "emails[type pr and nosuch pr]", "'emails.nosuch'");
}

Test(filter_bind, names_are_case_insensitive)
{
	bind_ok(U, "USERNAME eq \"x\"");
	bind_ok(U, "Emails.VALUE co \"x\"");
	bind_ok(C, "externalid eq \"x\"");
	bind_ok(U,
	    "urn:ietf:params:scim:schemas:extension:ENTERPRISE:2.0:User:"
	    "EMPLOYEENUMBER eq \"1\"");
}

Test(filter_bind, info_is_cached_in_nodes)
{
	struct filter_node *n = bind_ok(U, "emails.value eq \"x\"");

	cr_expect_eq(n->info.type, FILTER_T_STRING);
	cr_expect_eq(n->info.multi_valued, 1);
	cr_expect_eq(n->info.sub_multi, 0);
	cr_expect_eq(n->info.case_exact, 0);
	cr_expect_eq(n->info.ext_urn.len, 0);
	n = bind_ok(U, "id eq \"x\"");
	cr_expect_eq(n->info.case_exact, 1);
	cr_expect_eq(n->info.multi_valued, 0);
	n = bind_ok(C, "keys.labels eq \"x\"");
	cr_expect_eq(n->info.sub_multi, 1);
}

Test(filter_bind, extension_urn_is_recorded)
{
	struct filter_node *n = bind_ok(U, "employeeNumber eq \"1\"");

	cr_expect(str_eq_cstr(n->info.ext_urn, FIXTURE_ENTERPRISE_URN));
	n = bind_ok(U, FIXTURE_ENTERPRISE_URN ":manager.value eq \"1\"");
	cr_expect(str_eq_cstr(n->info.ext_urn, FIXTURE_ENTERPRISE_URN));
	n = bind_ok(U, FIXTURE_USER_URN ":userName eq \"1\"");
	cr_expect_eq(n->info.ext_urn.len, 0);
	n = bind_ok(U, FIXTURE_USER_URN ":id eq \"1\"");
	cr_expect_eq(n->info.ext_urn.len, 0);
}

Test(filter_bind, every_node_is_bound)
{
	struct filter_node *n = bind_ok(
	    U, "not (userName pr) or emails[type eq \"w\" and value pr]");

	cr_expect(n->left->bound);
	cr_expect(n->left->left->bound);
	cr_expect(n->right->bound);
	cr_expect(n->right->left->bound);
	cr_expect(n->right->left->left->bound);
	cr_expect(n->right->left->right->bound);
	cr_expect_eq(n->right->info.type, FILTER_T_COMPLEX);
}

Test(filter_bind, datetime_literals)
{
	struct filter_node *n =
	    bind_ok(C, "meta.created gt \"2018-11-21T16:14:59+02:00\"");

	cr_expect_eq(n->value_ms, 1542809699000LL);
	cr_expect_eq(n->info.type, FILTER_T_DATETIME);
	BIND_ERR(C, "meta.created gt \"notadate\"",
	    "'meta.created' is a "
	    "dateTime");
	BIND_ERR(C, "meta.created gt \"2018-11-21\"", "dateTime");
	BIND_ERR(C, "status.expiryDate eq \"2018-11-21T14:14:59\"", "dateTime");
	BIND_ERR(C, "meta.created gt 5", "wrong type");
	BIND_ERR(C, "meta.created eq true", "wrong type");
	BIND_ERR(C, "meta.created co \"2018\"",
	    "operator 'co' cannot be used "
	    "on dateTime");
	BIND_ERR(C, "meta.created sw \"2018\"", "operator 'sw'");
	bind_ok(C, "meta.created eq null");
	bind_ok(C, "meta.created pr");
}

Test(filter_bind, booleans)
{
	bind_ok(U, "active eq true");
	bind_ok(U, "active ne false");
	BIND_ERR(U, "active eq \"true\"", "'active' is a boolean attribute");
	BIND_ERR(U, "active eq 1", "wrong type");
	BIND_ERR(
	    U, "active gt true", "operator 'gt' cannot be used on boolean");
	BIND_ERR(U, "active le false", "operator 'le'");
	BIND_ERR(U, "active co true", "operator 'co'");
	BIND_ERR(U, "emails[primary ge true]", "operator 'ge'");
}

Test(filter_bind, numbers)
{
	bind_ok(C, "usageCount gt 5");
	bind_ok(C, "usageCount gt 5.5");
	bind_ok(C, "score ge 1");
	bind_ok(C, "score lt -1.5e3");
	BIND_ERR(C, "usageCount gt \"5\"",
	    "'usageCount' is an integer "
	    "attribute");
	BIND_ERR(C, "score eq \"1.5\"", "'score' is a decimal attribute");
	BIND_ERR(C, "usageCount eq true", "wrong type");
	BIND_ERR(
	    C, "usageCount co 5", "operator 'co' cannot be used on integer");
	BIND_ERR(C, "score ew 5", "operator 'ew' cannot be used on decimal");
}

Test(filter_bind, strings_and_references)
{
	bind_ok(U, "userName gt \"a\"");
	bind_ok(U, "userName co \"a\"");
	bind_ok(U, "manager.$ref sw \"https://\"");
	bind_ok(U, "manager.$ref lt \"z\"");
	BIND_ERR(U, "userName eq 1", "'userName' is a string attribute");
	BIND_ERR(U, "userName eq true", "wrong type");
	BIND_ERR(U, "manager.$ref eq 1", "reference");
}

Test(filter_bind, binary)
{
	bind_ok(C, "certificate eq \"AAAA\"");
	bind_ok(C, "certificate ne \"AAAA\"");
	bind_ok(C, "certificate pr");
	BIND_ERR(C, "certificate gt \"AAAA\"",
	    "operator 'gt' cannot be used on "
	    "binary");
	BIND_ERR(C, "certificate co \"AA\"",
	    "operator 'co' cannot be used on "
	    "binary");
	BIND_ERR(C, "certificate eq 5", "binary");
}

Test(filter_bind, null_only_with_eq_and_ne)
{
	bind_ok(U, "userName eq null");
	bind_ok(U, "userName ne null");
	bind_ok(U, "loginCount eq null");
	bind_ok(U, "active ne null");
	BIND_ERR(U, "userName gt null",
	    "null can only be compared with eq or "
	    "ne");
	BIND_ERR(U, "userName co null", "null can only");
	BIND_ERR(U, "loginCount le null", "null can only");
}

Test(filter_bind, complex_means_its_value_sub_attribute)
{
	struct filter_node *n = bind_ok(U, "manager eq \"42\"");

	/* RFC 7643 §2.4 "value" convention, rewritten for the evaluator and
	 * the planner alike */
	cr_expect(str_eq_cstr(n->path.sub, "value"));
	cr_expect_eq(n->info.type, FILTER_T_STRING);
	cr_expect(str_eq_cstr(n->info.ext_urn, FIXTURE_ENTERPRISE_URN));
	n = bind_ok(U, "emails co \"example.com\"");
	cr_expect(str_eq_cstr(n->path.sub, "value"));
	cr_expect_eq(n->info.multi_valued, 1);
	n = bind_ok(C, "owner eq \"jdoe\"");
	cr_expect(str_eq_cstr(n->path.sub, "value"));
	cr_expect_eq(n->info.case_exact, 1);
}

Test(filter_bind, complex_without_value_needs_a_sub_attribute)
{
	BIND_ERR(U, "name eq \"Barbara\"", "'name' is a complex attribute");
	BIND_ERR(C, "status eq \"ACTIVE\"", "'status' is a complex attribute");
	BIND_ERR(C, "status gt \"x\"", "complex");
}

Test(filter_bind, complex_presence_and_null_keep_the_node)
{
	struct filter_node *n = bind_ok(U, "name pr");

	cr_expect_eq(n->path.sub.len, 0);
	cr_expect_eq(n->info.type, FILTER_T_COMPLEX);
	n = bind_ok(U, "manager eq null");
	cr_expect_eq(n->path.sub.len, 0);
	cr_expect_eq(n->info.type, FILTER_T_COMPLEX);
	bind_ok(U, "emails pr");
}

Test(filter_bind, value_paths_need_a_complex_attribute)
{
	bind_ok(U, "emails[type eq \"work\"]");
	bind_ok(U, "name[givenName eq \"Barbara\"]");
	bind_ok(C, "attributes[name eq \"MY_ATTR1\" and value sw \"x\"]");
	BIND_ERR(U, "userName[value eq \"x\"]",
	    "'userName' is not a complex "
	    "attribute");
	BIND_ERR(C, "tags[value eq \"x\"]", "not a complex attribute");
}

Test(filter_bind, trailing_value_form_binds_both_terms)
{
	struct filter_node *n =
	    bind_ok(U, "emails[type eq \"work\"].value eq \"a@example.com\"");

	cr_expect_eq(n->op, FILTER_VALUEPATH);
	cr_expect_eq(n->left->op, FILTER_AND);
	cr_expect(str_eq_cstr(n->left->right->path.sub, "value"));
	cr_expect(n->left->right->bound);
	BIND_ERR(
	    U, "emails[type eq \"work\"].primary gt true", "operator 'gt'");
}

Test(filter_bind, hand_built_nodes_are_checked)
{
	struct filter_node n = {.op = FILTER_EQ};
	struct scim_err err;

	n.path.attr = STR_LIT("userName");
	cr_expect_eq(filter_bind(&n, fixture_resolve, (void *)U, &err),
	    SCIM_E_INVALID_FILTER);
	cr_expect_eq(filter_bind(NULL, fixture_resolve, (void *)U, &err),
	    SCIM_E_INVALID_FILTER);
}

Test(filter_bind, hid_search_filters_bind)
{
	static const char *const ok[] = {
	    "type eq \"CT_ACODE\"",
	    "attributes.value eq \"v\"",
	    "attributes.value co \"v\"",
	    "attributes.value sw \"v\"",
	    "attributes.value ew \"v\"",
	    "externalid eq \"jdoeCT_ACODE\"",
	    "id eq \"11385\"",
	    "status.expiryDate eq \"2018-11-21T14:14:59Z\"",
	    "status.expiryDate gt \"2018-11-21T14:14:59Z\"",
	    "status.expiryDate lt \"2018-11-21T14:14:59Z\"",
	    "status.startDate eq \"2017-11-21T13:58:40Z\"",
	    "status.status eq \"ACTIVE\"",
	    "urn:hid:scim:api:idp:2.0:Credential:status.status eq \"ACTIVE\"",
	    "owner.value eq \"u1\"",
	    "type eq \"CT_ACODE\" and owner.value eq \"u1\"",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		bind_ok(C, ok[i]);
}
