/*
 * Paging beyond RFC 7644 §3.4.2.4: RFC 9865 cursors through GET and
 * .search (every record exactly once across writes, previousCursor, the
 * errors), the ServiceProviderConfig advertisement following the
 * configuration, sorting on sub-attributes, and the root search of RFC
 * 7644 §3.4.3 with per-type permissions.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "dir_fixture.h"
#include "scim/cursor.h"
#include "util/date.h"

#define SR \
	"\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"]"

static struct ox_resp
list_users(const char *query)
{
	return dx_call(op_list, "User", NULL, query, NULL);
}

static const char *
member_str(const struct json_value *v, const char *key)
{
	const struct json_value *m = json_object_get_cstr(v, key);

	return m != NULL && m->type == JSON_STRING ? m->u.string.ptr : NULL;
}

static int64_t
num(const struct json_value *v, const char *key)
{
	const struct json_value *n = json_object_get_cstr(v, key);

	cr_assert_not_null(n, "no %s in %s", key, ox_dump(v));
	cr_assert_eq(n->type, JSON_INT);
	return n->u.integer;
}

/* Appends the page's userNames to out (comma-separated). */
static void
names_of(const struct json_value *page, char *out, size_t outsz)
{
	size_t i, n = strlen(out);

	for (i = 0; i < ox_nres(page); i++)
		n += (size_t)snprintf(out + n, outsz - n, "%s%s",
		    n > 0 ? "," : "", ox_res_str(page, i, "userName"));
}

static void
users(int n)
{
	char name[16];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "u%02d", i);
		dx_user(name);
	}
}

/* Follows nextCursor from the first page; returns the userNames. */
static const char *
walk(const char *extra, int count)
{
	static char out[4096];
	char q[1024];
	const char *next = "";
	struct ox_resp p;
	int pages = 0;

	out[0] = '\0';
	while (next != NULL) {
		snprintf(
		    q, sizeof(q), "cursor=%s&count=%d%s", next, count, extra);
		p = list_users(q);
		cr_assert_eq(p.rc, 0, "%s", p.err.detail);
		cr_expect_null(json_object_get_cstr(p.json, "startIndex"));
		names_of(p.json, out, sizeof(out));
		next = member_str(p.json, "nextCursor");
		cr_assert_lt(++pages, 100);
	}
	return out;
}

TestSuite(cursor_paging, .init = ox_setup_real, .fini = ox_teardown);

Test(cursor_paging, pages_cover_everything_once_in_order)
{
	users(11);
	cr_expect_str_eq(walk("&sortBy=userName", 4),
	    "u00,u01,u02,u03,u04,u05,u06,u07,u08,u09,u10");
	cr_expect_str_eq(walk("&sortBy=userName&sortOrder=descending", 5),
	    "u10,u09,u08,u07,u06,u05,u04,u03,u02,u01,u00");
	cr_expect_str_eq(walk("&filter=userName sw \"u0\"&sortBy=userName", 3),
	    "u00,u01,u02,u03,u04,u05,u06,u07,u08,u09");
	/* without sortBy: id order, every user once */
	cr_expect_eq(strlen(walk("", 2)), 11 * 4 - 1);
}

Test(cursor_paging, totals_and_last_page)
{
	struct ox_resp p;

	users(3);
	p = list_users("cursor=&count=2&sortBy=userName");
	cr_assert_eq(p.rc, 0);
	cr_expect_eq(num(p.json, "totalResults"), 3);
	cr_expect_eq(num(p.json, "itemsPerPage"), 2);
	cr_expect_not_null(member_str(p.json, "nextCursor"));
	cr_expect_null(member_str(p.json, "previousCursor"));
	p = list_users("cursor=&count=3&sortBy=userName");
	cr_expect_null(member_str(p.json, "nextCursor"));
}

Test(cursor_paging, writes_between_pages_do_not_shift_the_cursor)
{
	char q[1024], seen[4096] = "";
	const char *next;
	struct ox_resp p;
	const char *del_seen, *del_unseen;

	users(10);
	p = list_users("cursor=&count=4&sortBy=userName");
	cr_assert_eq(p.rc, 0);
	names_of(p.json, seen, sizeof(seen));
	del_seen = ox_res_str(p.json, 1, "id"); /* u01 */
	next = member_str(p.json, "nextCursor");
	/* one already seen and one not yet seen go; two new ones come, one
	 * before the position and one after it */
	cr_assert_eq(dx_call(op_delete, "User", del_seen, NULL, NULL).rc, 0);
	p = list_users("filter=userName eq \"u06\"");
	del_unseen = ox_res_str(p.json, 0, "id");
	cr_assert_eq(dx_call(op_delete, "User", del_unseen, NULL, NULL).rc, 0);
	dx_user("u005");
	dx_user("u055");
	while (next != NULL) {
		snprintf(
		    q, sizeof(q), "cursor=%s&count=4&sortBy=userName", next);
		p = list_users(q);
		cr_assert_eq(p.rc, 0, "%s", p.err.detail);
		names_of(p.json, seen, sizeof(seen));
		next = member_str(p.json, "nextCursor");
	}
	cr_expect_str_eq(seen, "u00,u01,u02,u03,u04,u05,u055,u07,u08,u09");
}

Test(cursor_paging, previous_cursor_goes_back)
{
	char q[1024], first[256] = "", back[256] = "";
	struct ox_resp p1, p2, p0;

	users(9);
	p1 = list_users("cursor=&count=3&sortBy=userName");
	names_of(p1.json, first, sizeof(first));
	snprintf(q, sizeof(q), "cursor=%s&count=3&sortBy=userName",
	    member_str(p1.json, "nextCursor"));
	p2 = list_users(q);
	cr_assert_eq(p2.rc, 0);
	cr_expect_str_eq(ox_res_str(p2.json, 0, "userName"), "u03");
	cr_assert_not_null(member_str(p2.json, "previousCursor"));
	snprintf(q, sizeof(q), "cursor=%s&count=3&sortBy=userName",
	    member_str(p2.json, "previousCursor"));
	p0 = list_users(q);
	cr_assert_eq(p0.rc, 0, "%s", p0.err.detail);
	names_of(p0.json, back, sizeof(back));
	cr_expect_str_eq(back, first);
}

Test(cursor_paging, search_body_takes_a_cursor)
{
	char body[1024];
	struct ox_resp p;

	users(5);
	p = dx_call(op_search, "User", NULL, NULL,
	    "{" SR ",\"cursor\":\"\",\"count\":2,\"sortBy\":\"userName\"}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	snprintf(body, sizeof(body),
	    "{" SR ",\"cursor\":\"%s\",\"count\":2,\"sortBy\":\"userName\"}",
	    member_str(p.json, "nextCursor"));
	p = dx_call(op_search, "User", NULL, NULL, body);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_res_str(p.json, 0, "userName"), "u02");
	/* a GET cursor does not fit another query */
	snprintf(body, sizeof(body), "{" SR ",\"cursor\":\"%s\",\"count\":2}",
	    member_str(p.json, "nextCursor"));
	cr_expect_eq(dx_call(op_search, "User", NULL, NULL, body).rc,
	    SCIM_E_INVALID_CURSOR);
}

Test(cursor_paging, errors)
{
	char q[1024], *bad;
	const char *c;
	struct ox_resp p;

	users(4);
	p = list_users("cursor=&count=2");
	c = member_str(p.json, "nextCursor");
	cr_assert_not_null(c);
	bad = strdup(c);
	bad[3] = bad[3] == 'x' ? 'y' : 'x';
	snprintf(q, sizeof(q), "cursor=%s&count=2", bad);
	p = list_users(q);
	cr_expect_eq(p.rc, SCIM_E_INVALID_CURSOR);
	free(bad);
	/* another tenant or another filter */
	snprintf(q, sizeof(q), "cursor=%s&count=2", c);
	cr_expect_eq(dx_call_t(op_list, "t2", "User", NULL, q, NULL).rc,
	    SCIM_E_INVALID_CURSOR);
	snprintf(q, sizeof(q), "cursor=%s&count=2&filter=userName pr", c);
	cr_expect_eq(list_users(q).rc, SCIM_E_INVALID_CURSOR);
	/* RFC 9865 §2.1 invalidCount: 1..maxPageSize */
	cr_expect_eq(list_users("cursor=&count=0").rc, SCIM_E_INVALID_COUNT);
	cr_expect_eq(list_users("cursor=&count=-1").rc, SCIM_E_INVALID_COUNT);
	cr_expect_eq(list_users("cursor=&count=1001").rc, SCIM_E_INVALID_COUNT);
	cr_expect_eq(list_users("cursor=&count=1000").rc, 0);
	cr_expect_eq(
	    list_users("cursor=&startIndex=2").rc, SCIM_E_INVALID_VALUE);
	/* expiredCursor after pagination.cursorTimeout */
	date_set_now(date_now_ms() + (CURSOR_TIMEOUT_S + 1) * 1000LL);
	snprintf(q, sizeof(q), "cursor=%s&count=2", c);
	cr_expect_eq(list_users(q).rc, SCIM_E_EXPIRED_CURSOR);
}

/* -------------------------------------------- configuration and SPC */

static void
setup_small(void)
{
	ox_setup_counts(NULL, 3, 5);
}

TestSuite(page_config, .init = setup_small, .fini = ox_teardown);

Test(page_config, spc_advertises_what_is_enforced)
{
	struct ox_resp p =
	    dx_call(discovery_spc, "ServiceProviderConfig", NULL, NULL, NULL);
	const struct json_value *pg;

	cr_assert_eq(p.rc, 0);
	cr_expect_eq(
	    num(json_object_get_cstr(p.json, "filter"), "maxResults"), 5);
	pg = json_object_get_cstr(p.json, "pagination");
	cr_assert_not_null(pg);
	cr_expect_eq(num(pg, "defaultPageSize"), 3);
	cr_expect_eq(num(pg, "maxPageSize"), 5);
	cr_expect_eq(num(pg, "cursorTimeout"), CURSOR_TIMEOUT_S);
	cr_expect_str_eq(member_str(pg, "defaultPaginationMethod"), "index");
	users(7);
	p = list_users("cursor=");
	cr_expect_eq(ox_nres(p.json), 3);
	p = list_users("count=100");
	cr_expect_eq(ox_nres(p.json), 5);
	cr_expect_eq(num(p.json, "totalResults"), 7);
	cr_expect_eq(list_users("cursor=&count=6").rc, SCIM_E_INVALID_COUNT);
}

/* --------------------------------------------- sub-attribute sorting */

TestSuite(sub_sort, .init = ox_setup_real, .fini = ox_teardown);

Test(sub_sort, by_sub_attribute_missing_last)
{
	char out[256] = "";
	struct ox_resp p;

	dx_create("User",
	    "{\"schemas\":[\"" DX_USER_URN "\"],"
	    "\"userName\":\"a\",\"name\":{\"familyName\":\"Zed\"}}");
	dx_create("User",
	    "{\"schemas\":[\"" DX_USER_URN "\"],"
	    "\"userName\":\"b\"}");
	dx_create("User",
	    "{\"schemas\":[\"" DX_USER_URN "\"],"
	    "\"userName\":\"c\",\"name\":{\"familyName\":\"amy\"}}");
	p = list_users("sortBy=name.familyName");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	names_of(p.json, out, sizeof(out));
	/* familyName is not caseExact: amy < Zed; missing last (§3.4.2.3) */
	cr_expect_str_eq(out, "c,a,b");
	out[0] = '\0';
	p = list_users("sortBy=urn:ietf:params:scim:schemas:core:2.0:User:"
		       "name.familyName&sortOrder=descending");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	names_of(p.json, out, sizeof(out));
	cr_expect_str_eq(out, "b,a,c");
}

/* ------------------------------------------------------ root search */

static struct principal who;

static void
setup_root(void)
{
	ox_setup_real();
	memset(&who, 0, sizeof(who));
	snprintf(who.tenant, sizeof(who.tenant), "t1");
}

static struct ox_resp
root(const char *body)
{
	struct ox_req r = {.rtype = "*", .body = body, .who = &who};

	return ox_call(op_search_root, &r);
}

/* "Type:name" of each resource on the page. */
static const char *
typed(const struct json_value *page)
{
	static char out[1024];
	const char *t, *nm;
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < ox_nres(page); i++) {
		t = ox_res_str(page, i, "meta.resourceType");
		nm = ox_res_str(page, i, "userName");
		if (nm == NULL)
			nm = ox_res_str(page, i, "displayName");
		if (nm == NULL)
			nm = ox_res_str(page, i, "name");
		n += (size_t)snprintf(
		    out + n, sizeof(out) - n, "%s%s:%s", i ? "," : "", t, nm);
	}
	return out;
}

TestSuite(root_search, .init = setup_root, .fini = ox_teardown);

Test(root_search, only_types_the_caller_may_read)
{
	struct ox_resp p;

	dx_user("ann");
	dx_group("admins", NULL);
	dx_pop("p1");
	p = root("{" SR "}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(num(p.json, "totalResults"), 0);
	perm_set_add(&who.perms, PERM_USER_READ);
	p = root("{" SR "}");
	cr_expect_str_eq(typed(p.json), "User:ann");
	perm_set_add(&who.perms, PERM_GROUP_READ);
	perm_set_add(&who.perms, PERM_POP_READ);
	p = root("{" SR "}");
	cr_expect_str_eq(typed(p.json), "Group:admins,Population:p1,User:ann");
	cr_expect_eq(num(p.json, "totalResults"), 3);
}

Test(root_search, attributes_absent_from_a_type_do_not_match)
{
	struct ox_resp p;

	perm_set_add(&who.perms, PERM_USER_READ);
	perm_set_add(&who.perms, PERM_GROUP_READ);
	dx_user("ann");
	dx_user("bob");
	dx_group("ann-team", NULL);
	p = root("{" SR ",\"filter\":\"userName sw \\\"a\\\"\"}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(typed(p.json), "User:ann");
	p = root("{" SR ",\"filter\":\"userName eq \\\"bob\\\" or "
		 "displayName sw \\\"ann\\\"\"}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(typed(p.json), "Group:ann-team,User:bob");
	/* an attribute no type has is still an error */
	p = root("{" SR ",\"filter\":\"noSuchThing eq 1\"}");
	cr_expect_eq(p.rc, SCIM_E_INVALID_FILTER);
	p = root("{" SR ",\"filter\":\"userName eq\"}");
	cr_expect_eq(p.rc, SCIM_E_INVALID_FILTER);
}

Test(root_search, sorted_and_paged_across_types)
{
	char body[1024], all[1024] = "";
	const char *next = "";
	struct ox_resp p;
	int pages = 0;

	perm_set_add(&who.perms, PERM_USER_READ);
	perm_set_add(&who.perms, PERM_GROUP_READ);
	dx_group("b-group", NULL);
	dx_create("User",
	    "{\"schemas\":[\"" DX_USER_URN "\"],"
	    "\"userName\":\"u1\",\"displayName\":\"c-user\"}");
	dx_create("User",
	    "{\"schemas\":[\"" DX_USER_URN "\"],"
	    "\"userName\":\"u2\",\"displayName\":\"A-user\"}");
	p = root("{" SR ",\"sortBy\":\"displayName\"}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(typed(p.json), "User:u2,Group:b-group,User:u1");
	/* without sortBy: by type name, then id (ids are random UUIDs) */
	p = root("{" SR ",\"startIndex\":1,\"count\":1}");
	cr_expect_str_eq(typed(p.json), "Group:b-group");
	p = root("{" SR ",\"startIndex\":2,\"count\":2}");
	cr_expect_str_eq(ox_res_str(p.json, 0, "meta.resourceType"), "User");
	cr_expect_lt(
	    strcmp(ox_res_str(p.json, 0, "id"), ox_res_str(p.json, 1, "id")),
	    0);
	while (next != NULL) {
		snprintf(body, sizeof(body),
		    "{" SR ",\"cursor\":\"%s\",\"count\":1}", next);
		p = root(body);
		cr_assert_eq(p.rc, 0, "%s", p.err.detail);
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s",
		    all[0] ? "," : "", typed(p.json));
		next = member_str(p.json, "nextCursor");
		cr_assert_lt(++pages, 10);
	}
	cr_expect_eq(strlen(all), strlen("Group:b-group,User:u1,User:u2"));
	cr_expect_eq(strncmp(all, "Group:b-group,User:u", 20), 0, "%s", all);
}
