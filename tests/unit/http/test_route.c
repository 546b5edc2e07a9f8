/* The route table and route matching (http/route.c). */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "http/route.h"
#include "scim/ops.h"

static int
match(enum route_method m, const char *a, const char *b, struct route_match *rm,
    char allow[ROUTE_ALLOW_MAX])
{
	struct str segs[2];
	struct scim_err err;
	size_t n = 0;

	if (a != NULL)
		segs[n++] = str_from(a);
	if (b != NULL)
		segs[n++] = str_from(b);
	return route_match(m, segs, n, rm, allow, &err);
}

Test(route, every_route_has_a_permission)
{
	size_t n, i;
	const struct route *t = route_table(&n);

	cr_assert_gt(n, 0);
	cr_assert_eq(route_check(), 0);
	for (i = 0; i < n; i++) {
		cr_assert(
		    t[i].need.set, "route %s has no permission", t[i].pattern);
		cr_assert_lt((unsigned)t[i].need.perm, PERM_COUNT);
		cr_assert_not_null(t[i].handler);
		cr_assert_not_null(t[i].rtype);
	}
}

Test(route, no_duplicate_method_and_path)
{
	size_t n, i, j;
	const struct route *t = route_table(&n);

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			cr_assert(t[i].method != t[j].method ||
				strcmp(t[i].pattern, t[j].pattern) != 0,
			    "%s %s twice", route_method_name(t[i].method),
			    t[i].pattern);
}

Test(route, credential_routes)
{
	struct route_match m;
	char allow[ROUTE_ALLOW_MAX];

	cr_assert_eq(match(ROUTE_GET, "Credential", NULL, &m, allow), 0);
	cr_assert_eq(m.route->handler, op_list);
	cr_assert_eq(m.route->need.perm, PERM_CRED_READ);
	cr_assert_eq(match(ROUTE_POST, "Credential", NULL, &m, allow), 0);
	cr_assert_eq(m.route->handler, op_create);
	cr_assert_eq(m.route->need.perm, PERM_CRED_CREATE);
	cr_assert_eq(match(ROUTE_GET, "Credential", "abc", &m, allow), 0);
	cr_assert_eq(m.route->handler, op_get);
	cr_assert(str_eq_cstr(m.id, "abc"));
	cr_assert_str_eq(m.route->rtype, "Credential");
	cr_assert_eq(match(ROUTE_PUT, "Credential", "abc", &m, allow), 0);
	cr_assert_eq(m.route->handler, op_replace);
	cr_assert_eq(m.route->need.perm, PERM_CRED_UPDATE);
	cr_assert_eq(match(ROUTE_PATCH, "Credential", "abc", &m, allow), 0);
	cr_assert_eq(m.route->handler, op_patch);
	cr_assert_eq(m.route->need.perm, PERM_CRED_UPDATE);
	cr_assert_eq(match(ROUTE_DELETE, "Credential", "abc", &m, allow), 0);
	cr_assert_eq(m.route->handler, op_delete);
	cr_assert_eq(m.route->need.perm, PERM_CRED_DELETE);
}

Test(route, search_is_literal_not_an_id)
{
	struct route_match m;
	char allow[ROUTE_ALLOW_MAX];

	cr_assert_eq(match(ROUTE_POST, "Credential", ".search", &m, allow), 0);
	cr_assert_eq(m.route->handler, op_search);
	cr_assert_eq(m.route->need.perm, PERM_CRED_READ);
	cr_assert_eq(match(ROUTE_GET, "Credential", ".search", &m, allow),
	    SCIM_E_METHOD);
	cr_assert_str_eq(allow, "POST, OPTIONS");
}

Test(route, head_routes_as_get)
{
	struct route_match m;

	cr_assert_eq(match(ROUTE_HEAD, "Schemas", NULL, &m, NULL), 0);
	cr_assert_eq(m.route->handler, discovery_schemas);
	cr_assert_eq(m.route->method, SCIM_GET);
}

Test(route, discovery_routes_need_schema_read)
{
	struct route_match m;
	static const char *one[] = {
	    "ServiceProviderConfig", "ResourceTypes", "Schemas"};
	size_t i;

	for (i = 0; i < 3; i++) {
		cr_assert_eq(match(ROUTE_GET, one[i], NULL, &m, NULL), 0);
		cr_assert_eq(m.route->need.perm, PERM_SCHEMA_READ);
	}
	cr_assert_eq(
	    match(ROUTE_GET, "ResourceTypes", "Credential", &m, NULL), 0);
	cr_assert_eq(m.route->handler, discovery_rtype);
	cr_assert_eq(
	    match(ROUTE_GET, "Schemas",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:"
		"User:with:a:long:tail:beyond:sixty-four:bytes",
		&m, NULL),
	    0);
	cr_assert_eq(m.route->handler, discovery_schema);
	cr_assert_eq(m.route->need.perm, PERM_SCHEMA_READ);
}

Test(route, method_not_allowed_lists_allow)
{
	struct route_match m;
	char allow[ROUTE_ALLOW_MAX];

	cr_assert_eq(
	    match(ROUTE_PATCH, "Credential", NULL, &m, allow), SCIM_E_METHOD);
	cr_assert_null(m.route);
	cr_assert_str_eq(allow, "GET, HEAD, POST, OPTIONS");
	cr_assert_eq(
	    match(ROUTE_POST, "Credential", "abc", &m, allow), SCIM_E_METHOD);
	cr_assert_str_eq(allow, "GET, HEAD, PUT, PATCH, DELETE, OPTIONS");
	cr_assert_eq(
	    match(ROUTE_DELETE, "Credential", NULL, &m, allow), SCIM_E_METHOD);
	cr_assert_str_eq(allow, "GET, HEAD, POST, OPTIONS");
	cr_assert_eq(
	    match(ROUTE_POST, "ServiceProviderConfig", NULL, &m, allow),
	    SCIM_E_METHOD);
	cr_assert_str_eq(allow, "GET, HEAD, OPTIONS");
	cr_assert_eq(
	    match(ROUTE_OTHER, "Schemas", NULL, &m, allow), SCIM_E_METHOD);
	cr_assert_eq(
	    match(ROUTE_OPTIONS, "Schemas", NULL, &m, allow), SCIM_E_METHOD);
}

Test(route, unknown_paths_not_found)
{
	struct route_match m;
	char allow[ROUTE_ALLOW_MAX];
	struct str three[3] = {
	    STR_LIT("Credential"), STR_LIT("a"), STR_LIT("b")};
	struct scim_err err;

	cr_assert_eq(
	    match(ROUTE_GET, "Bulk", NULL, &m, allow), SCIM_E_NOT_FOUND);
	cr_assert_str_eq(allow, "");
	cr_assert_eq(
	    match(ROUTE_GET, "credential", NULL, &m, allow), SCIM_E_NOT_FOUND);
	cr_assert_eq(match(ROUTE_GET, "ServiceProviderConfig", "x", &m, allow),
	    SCIM_E_NOT_FOUND);
	cr_assert_eq(match(ROUTE_GET, NULL, NULL, &m, allow), SCIM_E_NOT_FOUND);
	cr_assert_eq(route_match(ROUTE_GET, three, 3, &m, allow, &err),
	    SCIM_E_NOT_FOUND);
}

Test(route, resource_id_longer_than_max_not_found)
{
	struct route_match m;
	char id[SCIM_MAX_ID + 2];

	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	cr_assert_eq(
	    match(ROUTE_GET, "Credential", id, &m, NULL), SCIM_E_NOT_FOUND);
	cr_assert_null(m.route);
	id[SCIM_MAX_ID] = '\0';
	cr_assert_eq(match(ROUTE_GET, "Credential", id, &m, NULL), 0);
}

Test(route, allow_for_options)
{
	struct str segs[1] = {STR_LIT("Credential")};
	struct str none[1] = {STR_LIT("Nope")};
	char allow[ROUTE_ALLOW_MAX];

	cr_assert_eq(route_allow(segs, 1, allow), 0);
	cr_assert_str_eq(allow, "GET, HEAD, POST, OPTIONS");
	cr_assert_eq(route_allow(none, 1, allow), SCIM_E_NOT_FOUND);
}

Test(route, print_lists_every_route)
{
	char buf[16384] = "";
	size_t n, i, lines = 0;
	FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");

	cr_assert_not_null(fp);
	route_print(fp);
	fclose(fp);
	route_table(&n);
	for (i = 0; buf[i] != '\0'; i++)
		lines += buf[i] == '\n';
	cr_assert_eq(lines, n);
	cr_assert_not_null(
	    strstr(buf, "DELETE /scim/{tenant}/v2/Credential/{id}"));
	cr_assert_not_null(
	    strstr(buf, "credentialsIssuance:delete:credentials"));
	cr_assert_not_null(strstr(buf, "scim:read:schema"));
}
