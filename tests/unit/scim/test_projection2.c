/*
 * attributes / excludedAttributes through the operations (RFC 7644
 * §3.4.2.5, §3.9; RFC 7643 §2.4 `returned`): GET /{id}, GET /{type} and
 * POST /.search give the same resource for the same projection, with
 * "never" never, "always" always, "request" only when named, sub-
 * attributes, URN-qualified names and extension attributes; both
 * parameters at once is 400 invalidValue on all three; unknown names are
 * ignored.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"

#define WURN "urn:example:scimcred:test:2.0:Widget"
#define XURN "urn:example:scimcred:test:2.0:Widget:Extra"
#define SR \
	"\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"]"

static const char *wid;

static void
setup(void)
{
	struct ox_req r = {.rtype = "Widget",
	    .body = "{\"schemas\":[\"" WURN "\",\"" XURN "\"],"
		    "\"name\":\"w\",\"secret\":\"s\",\"pin\":\"1234\","
		    "\"audit\":\"a\",\"kind\":\"k\",\"count\":1,"
		    "\"part\":{\"code\":\"c\",\"label\":\"l\",\"note\":\"n\","
		    "\"hidden\":\"h\"},\"" XURN "\":{\"level\":2,"
		    "\"owner\":\"o\",\"notes\":\"x\"}}"};
	struct ox_resp p;

	ox_setup_ext();
	p = ox_call(op_create, &r);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	wid = strdup(ox_str(p.json, "id"));
}

TestSuite(projection_ops, .init = setup, .fini = ox_teardown);

/* The resource as GET, list and .search return it for the projection
 * (query form for GET and list, JSON array for the body); all three must
 * be equal, and it is returned. */
static const struct json_value *
alike(const char *attrs, const char *excl)
{
	char q[512], body[512];
	struct ox_req g = {.rtype = "Widget", .id = wid, .query = q};
	struct ox_req l = {.rtype = "Widget", .query = q};
	struct ox_req s = {.rtype = "Widget", .body = body};
	struct ox_resp pg, pl, ps;
	const struct json_value *rl, *rs;

	snprintf(q, sizeof(q), "%s%s", attrs ? "attributes=" : "",
	    attrs ? attrs : "");
	if (excl != NULL)
		snprintf(q, sizeof(q), "excludedAttributes=%s", excl);
	snprintf(body, sizeof(body), "{" SR "%s%s%s}",
	    attrs      ? ",\"attributes\":\""
		: excl ? ",\"excludedAttributes\":\""
		       : "",
	    attrs      ? attrs
		: excl ? excl
		       : "",
	    attrs || excl ? "\"" : "");
	pg = ox_call(op_get, &g);
	cr_assert_eq(pg.rc, 0, "GET %s: %s", q, pg.err.detail);
	pl = ox_call(op_list, &l);
	cr_assert_eq(pl.rc, 0, "list %s: %s", q, pl.err.detail);
	ps = ox_call(op_search, &s);
	cr_assert_eq(ps.rc, 0, ".search %s: %s", body, ps.err.detail);
	rl = json_object_get_cstr(pl.json, "Resources")->u.array.items[0];
	rs = json_object_get_cstr(ps.json, "Resources")->u.array.items[0];
	cr_expect(json_equal(pg.json, rl), "%s: GET %s list %s", q,
	    ox_dump(pg.json), ox_dump(rl));
	cr_expect(json_equal(pg.json, rs), "%s: GET %s .search %s", q,
	    ox_dump(pg.json), ox_dump(rs));
	return pg.json;
}

static int
has(const struct json_value *v, const char *path)
{
	return ox_str(v, path) != NULL || json_object_get_cstr(v, path) != NULL;
}

static const struct json_value *
ext(const struct json_value *v)
{
	return json_object_get_cstr(v, XURN);
}

Test(projection_ops, default_returned_rules)
{
	const struct json_value *v = alike(NULL, NULL);

	cr_expect(has(v, "name") && has(v, "kind") && has(v, "id"));
	cr_expect(!has(v, "secret") && !has(v, "pin"), "never/writeOnly");
	cr_expect(!has(v, "audit"), "request attributes need naming");
	cr_expect(has(v, "part.code") && !has(v, "part.note") &&
	    !has(v, "part.hidden"));
	cr_expect(!has(ext(v), "notes") && has(ext(v), "level"));
}

Test(projection_ops, attributes_with_sub_and_urn_names)
{
	const struct json_value *v;

	v = alike("audit,part.note,secret,nosuch," XURN ":notes", NULL);
	cr_expect(has(v, "audit") && has(v, "part.note"));
	cr_expect(!has(v, "part.code"), "only the named sub-attribute");
	cr_expect(!has(v, "secret") && !has(v, "name"));
	cr_expect(has(v, "kind") && has(v, "id") && has(v, "schemas"),
	    "always and id stay");
	cr_expect(has(ext(v), "notes") && !has(ext(v), "level"));
	v = alike(WURN ":count," XURN, NULL);
	cr_expect(has(v, "count") && !has(v, "name"));
	cr_expect(has(ext(v), "level") && has(ext(v), "owner"));
	cr_expect(!has(ext(v), "notes"), "request needs its own name");
}

Test(projection_ops, excluded_attributes)
{
	const struct json_value *v;

	v = alike(NULL, "kind,count,part.label,nosuch," XURN ":level");
	cr_expect(has(v, "kind"), "always survives exclusion");
	cr_expect(!has(v, "count") && has(v, "name"));
	cr_expect(has(v, "part.code") && !has(v, "part.label"));
	cr_expect(!has(ext(v), "level") && has(ext(v), "owner"));
}

Test(projection_ops, both_parameters_are_invalid_value_everywhere)
{
	struct ox_req g = {.rtype = "Widget",
	    .id = wid,
	    .query = "attributes=name&excludedAttributes=count"};
	struct ox_req l = {.rtype = "Widget", .query = g.query};
	struct ox_req s = {.rtype = "Widget",
	    .body = "{" SR ",\"attributes\":[\"name\"],"
		    "\"excludedAttributes\":[\"count\"]}"};

	cr_expect_eq(ox_call(op_get, &g).rc, SCIM_E_INVALID_VALUE);
	cr_expect_eq(ox_call(op_list, &l).rc, SCIM_E_INVALID_VALUE);
	cr_expect_eq(ox_call(op_search, &s).rc, SCIM_E_INVALID_VALUE);
}
