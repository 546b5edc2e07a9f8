/*
 * The PATCH engine (scim/patch.h, scim/patch_apply.h) without a store:
 * every path form, every operation, every error kind of RFC 7644
 * §3.5.2 and §3.12, no-path merges, value filters and the compatibility
 * behaviours, on the fixture User/Group schemas (tests/data/
 * schemas-patch), the Widget fixture (schemas-ext) and the real
 * Credential schema.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "patch_fixture.h"
#include "util/buf.h"

#define USER(fields) "{\"schemas\":[\"" PF_USER_URN "\"]," fields "}"
/* A stored-looking user: id, meta, a name and two emails. */
#define U U_REST(U_EMAILS)
#define U_EMAILS \
	"\"emails\":[{\"value\":\"b@work.example\",\"type\":\"work\"," \
	"\"primary\":true},{\"value\":\"b@home.example\",\"type\":\"home\"}]"
#define U_BASE \
	"\"id\":\"u1\",\"userName\":\"bjensen\"," \
	"\"name\":{\"givenName\":\"Barbara\",\"familyName\":\"Jensen\"}," \
	"\"meta\":{\"resourceType\":\"User\",\"version\":\"W/\\\"1\\\"\"}"
#define U_REST(more) USER(U_BASE "," more)
#define OP(op, path, value) \
	"{\"op\":\"" op "\",\"path\":\"" path "\",\"value\":" value "}"
#define OPNV(op, path) "{\"op\":\"" op "\",\"path\":\"" path "\"}"

TestSuite(patch_parse, .init = pf_setup_patch, .fini = pf_teardown);
TestSuite(patch_path, .init = pf_setup_patch, .fini = pf_teardown);
TestSuite(patch_user, .init = pf_setup_patch, .fini = pf_teardown);
TestSuite(patch_group, .init = pf_setup_patch, .fini = pf_teardown);
TestSuite(patch_widget, .init = pf_setup_ext, .fini = pf_teardown);
TestSuite(patch_cred, .init = pf_setup_real, .fini = pf_teardown);

/* ------------------------------------------------------------ message */

Test(patch_parse, message_structure_is_invalid_syntax)
{
	static const char *const bad[] = {
	    "[]",
	    "{\"Operations\":[" OP("add", "title", "\"x\"") "]}",
	    "{\"schemas\":\"urn:ietf:params:scim:api:messages:2.0:PatchOp\","
	    "\"Operations\":[" OP("add", "title", "\"x\"") "]}",
	    "{\"schemas\":[\"" PF_USER_URN
	    "\"],\"Operations\":[" OP("add", "title", "\"x\"") "]}",
	    "{\"schemas\":[],\"Operations\":[" OP("add", "title", "\"x\"") "]}",
	    PF_OPS(""),
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":{}}",
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[],\"extra\":1}",
	    PF_OPS("1"),
	    PF_OPS("{\"path\":\"title\",\"value\":\"x\"}"),
	    PF_OPS("{\"op\":3,\"path\":\"title\",\"value\":\"x\"}"),
	    PF_OPS(OP("move", "title", "\"x\"")),
	    PF_OPS(OP("copy", "title", "\"x\"")),
	    PF_OPS(OP("test", "title", "\"x\"")),
	    PF_OPS(
		"{\"op\":\"move\",\"from\":\"title\",\"path\":\"nickName\"}"),
	    PF_OPS("{\"op\":\"add\",\"path\":\"title\",\"value\":\"x\","
		   "\"from\":\"y\"}"),
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pf_result r = pf_run("User", U, bad[i]);

		cr_expect_eq(r.rc, SCIM_E_INVALID_SYNTAX, "%zu: %d %s", i, r.rc,
		    r.err.detail);
	}
}

Test(patch_parse, op_names_in_any_case)
{
	pf_expect("User", U,
	    PF_OPS(OP("ADD", "title", "\"Boss\"") "," OP(
		"Replace", "nickName", "\"Babs\"") "," OPNV("rEmOvE", "title")),
	    U_REST(U_EMAILS ",\"nickName\":\"Babs\""));
}

Test(patch_parse, too_many_operations)
{
	char msg[64 * 1024];
	size_t n = 0, i;

	n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s",
	    "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[");
	for (i = 0; i <= PATCH_MAX_OPS; i++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s",
		    i > 0 ? "," : "", OP("add", "title", "\"x\""));
	snprintf(msg + n, sizeof(msg) - n, "]}");
	pf_expect_err("User", U, msg, SCIM_E_INVALID_SYNTAX, "1 to 1000");
}

Test(patch_parse, remove_needs_a_path)
{
	pf_expect_err("User", U, PF_OPS("{\"op\":\"remove\"}"),
	    SCIM_E_NO_TARGET, "Operations[0]: remove needs a path");
	pf_expect_err("User", U,
	    PF_OPS(OP("add", "title", "\"x\"") ",{\"op\":\"remove\","
					       "\"path\":\"\"}"),
	    SCIM_E_NO_TARGET, "Operations[1]");
}

Test(patch_parse, add_and_replace_need_a_value)
{
	pf_expect_err("User", U, PF_OPS(OPNV("add", "title")),
	    SCIM_E_INVALID_VALUE, "add needs a value");
	pf_expect_err("User", U, PF_OPS("{\"op\":\"replace\"}"),
	    SCIM_E_INVALID_VALUE, "replace needs a value");
}

Test(patch_parse, path_must_be_a_string_and_null_means_none)
{
	pf_expect_err("User", U,
	    PF_OPS("{\"op\":\"add\",\"path\":5,\"value\":\"x\"}"),
	    SCIM_E_INVALID_PATH, NULL);
	pf_expect("User", U,
	    PF_OPS("{\"op\":\"add\",\"path\":null,\"value\":{\"title\":\"x\"}}"
		   ",{\"op\":\"add\",\"path\":\"\",\"value\":{\"nickName\":"
		   "\"y\"}}"),
	    U_REST(U_EMAILS ",\"title\":\"x\",\"nickName\":\"y\""));
}

/* ------------------------------------------------------------- paths */

static struct patch_path
path_ok(const char *rtype, const char *text)
{
	struct patch_path pp;
	struct scim_err err = {0};
	int rc = patch_path_parse(
	    pf_arena(), pf_rtype(rtype), str_from(text), 1, &pp, &err);

	cr_assert_eq(rc, 0, "%s: %s", text, err.detail);
	return pp;
}

static int
path_err(const char *rtype, const char *text)
{
	struct patch_path pp;
	struct scim_err err = {0};
	int rc = patch_path_parse(
	    pf_arena(), pf_rtype(rtype), str_from(text), 1, &pp, &err);

	cr_assert_neq(rc, 0, "%s parsed", text);
	cr_assert_eq(err.code, rc);
	return rc;
}

Test(patch_path, every_form_resolves)
{
	struct patch_path pp;

	pp = path_ok("User", "userName");
	cr_assert_str_eq(pp.attr->name, "userName");
	cr_assert_null(pp.sub);
	cr_assert_null(pp.ext);
	cr_assert_null(pp.filter);
	pp = path_ok("User", "NAME.givenname");
	cr_assert_str_eq(pp.attr->name, "name");
	cr_assert_str_eq(pp.sub->name, "givenName");
	pp = path_ok("User", PF_USER_URN ":name.familyName");
	cr_assert_str_eq(pp.sub->name, "familyName");
	cr_assert_null(pp.ext);
	pp = path_ok("User", PF_ENT_URN ":employeeNumber");
	cr_assert_str_eq(pp.attr->name, "employeeNumber");
	cr_assert_str_eq(pp.ext->id, PF_ENT_URN);
	pp = path_ok("User", PF_ENT_URN ":manager.value");
	cr_assert_str_eq(pp.sub->name, "value");
	pp = path_ok("User", "employeeNumber"); /* extension, unqualified */
	cr_assert_str_eq(pp.ext->id, PF_ENT_URN);
	pp = path_ok("User", PF_ENT_URN);
	cr_assert_null(pp.attr);
	cr_assert_str_eq(pp.ext->id, PF_ENT_URN);
	pp = path_ok("User", "emails[type eq \"work\"]");
	cr_assert_str_eq(pp.attr->name, "emails");
	cr_assert_not_null(pp.filter);
	cr_assert_null(pp.sub);
	pp = path_ok("User",
	    "emails[type eq \"wo]rk\" and primary eq true]"
	    ".value");
	cr_assert_str_eq(pp.sub->name, "value");
	cr_assert_not_null(pp.filter);
	pp = path_ok("User", PF_USER_URN ":emails[type eq \"work\"].display");
	cr_assert_str_eq(pp.sub->name, "display");
	pp = path_ok("User", "nicknames[value sw \"B\"]");
	cr_assert_not_null(pp.filter);
	pp = path_ok("User", "externalId");
	cr_assert_str_eq(pp.attr->name, "externalId");
	pp = path_ok("User", "meta.version");
	cr_assert_str_eq(pp.sub->name, "version");
}

Test(patch_path, bad_paths_are_invalid_path)
{
	static const char *const bad[] = {
	    "nosuch",
	    "name.nosuch",
	    "userName.x",
	    "emails..value",
	    "1abc",
	    "name.",
	    ".name",
	    "a:b",
	    "urn:nosuch:schema:attr",
	    PF_ENT_URN ":nosuch",
	    "emails[type eq \"work\"",
	    "emails[type eq \"work\"]x",
	    "emails[type eq \"work\"].",
	    "emails[type eq \"work\"].value.x",
	    "emails[type eq \"work\"].nosuch",
	    "name[givenName eq \"x\"]",
	    "nicknames[value eq \"x\"].value",
	    "emails value",
	    "schemas",
	    "emails[type eq \"x\"].value[x eq 1]",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(path_err("User", bad[i]), SCIM_E_INVALID_PATH,
		    "%s", bad[i]);
}

Test(patch_path, bad_filters_are_invalid_filter)
{
	static const char *const bad[] = {
	    "emails[type eq]",
	    "emails[nosuch eq \"x\"]",
	    "emails[type zz \"x\"]",
	    "emails[primary eq \"notabool\"]",
	    "emails[]",
	    "nicknames[display eq \"x\"]",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(path_err("User", bad[i]), SCIM_E_INVALID_FILTER,
		    "%s", bad[i]);
}

Test(patch_path, length_is_bounded)
{
	char text[PATCH_MAX_PATH + 8];
	struct patch_path pp;
	struct scim_err err = {0};

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	cr_assert_eq(patch_path_parse(pf_arena(), pf_rtype("User"),
			 str_from(text), 1, &pp, &err),
	    SCIM_E_INVALID_PATH);
	cr_assert(strstr(err.detail, "longer than") != NULL);
}

Test(patch_path, errors_name_the_operation)
{
	pf_expect_err("User", U,
	    PF_OPS(
		OP("add", "title", "\"x\"") "," OP("add", "nosuch", "\"x\"")),
	    SCIM_E_INVALID_PATH, "Operations[1]: path 'nosuch'");
}

/* ------------------------------------------------- simple attributes */

Test(patch_user, add_replace_remove_simple)
{
	pf_expect("User", U, PF_OPS(OP("add", "title", "\"Boss\"")),
	    U_REST(U_EMAILS ",\"title\":\"Boss\""));
	pf_expect("User", U, PF_OPS(OP("replace", "userName", "\"bj\"")),
	    USER("\"id\":\"u1\",\"userName\":\"bj\","
		 "\"name\":{\"givenName\":\"Barbara\",\"familyName\":"
		 "\"Jensen\"},\"meta\":{\"resourceType\":\"User\","
		 "\"version\":\"W/\\\"1\\\"\"}," U_EMAILS));
	pf_expect("User", U_REST(U_EMAILS ",\"title\":\"Boss\""),
	    PF_OPS(OPNV("remove", "TITLE")), U);
	/* removing what is not there changes nothing */
	pf_expect("User", U, PF_OPS(OPNV("remove", "title")), U);
}

Test(patch_user, values_are_checked_by_type)
{
	pf_expect_err("User", U, PF_OPS(OP("replace", "title", "5")),
	    SCIM_E_INVALID_VALUE, "Operations[0]: path 'title'");
	pf_expect_err("User", U, PF_OPS(OP("replace", "active", "\"yes\"")),
	    SCIM_E_INVALID_VALUE, "true or false");
	pf_expect_err("User", U, PF_OPS(OP("replace", "title", "[\"x\"]")),
	    SCIM_E_INVALID_SYNTAX, "single-valued");
	pf_expect_err("User", U,
	    PF_OPS(
		OP("add", "emails", "[{\"value\":\"x\",\"type\":\"bogus\"}]")),
	    SCIM_E_INVALID_VALUE, "must be one of");
	pf_expect_err("User", U, PF_OPS(OP("add", "name", "\"Barbara\"")),
	    SCIM_E_INVALID_VALUE, "must be an object");
	pf_expect_err("User", U,
	    PF_OPS(OP("add", "name", "{\"nosuch\":\"x\"}")),
	    SCIM_E_INVALID_SYNTAX, "name.nosuch");
}

Test(patch_user, bool_strings_read_as_booleans)
{
	pf_expect("User", U, PF_OPS(OP("replace", "active", "\"False\"")),
	    U_REST(U_EMAILS ",\"active\":false"));
	pf_expect("User", U, PF_OPS(OP("add", "active", "\"True\"")),
	    U_REST(U_EMAILS ",\"active\":true"));
	pf_expect("User", U,
	    PF_OPS(OP(
		"replace", "emails[type eq \\\"home\\\"].primary", "\"True\"")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\",\"primary\":false},{\"value\":\"b@home.example\","
		   "\"type\":\"home\",\"primary\":true}]"));
}

Test(patch_user, null_value_unassigns)
{
	pf_expect("User", U_REST(U_EMAILS ",\"title\":\"Boss\""),
	    PF_OPS(OP("replace", "title", "null")), U);
	pf_expect(
	    "User", U, PF_OPS(OP("replace", "emails", "[]")), USER(U_BASE));
}

/* ------------------------------------------------ complex attributes */

Test(patch_user, complex_values_merge)
{
	pf_expect("User", U,
	    PF_OPS(OP("replace", "name", "{\"givenName\":\"Babs\"}")),
	    USER("\"id\":\"u1\",\"userName\":\"bjensen\",\"name\":{"
		 "\"givenName\":\"Babs\",\"familyName\":\"Jensen\"},"
		 "\"meta\":{\"resourceType\":\"User\",\"version\":"
		 "\"W/\\\"1\\\"\"}," U_EMAILS));
	pf_expect("User", U,
	    PF_OPS(OP(
		"add", "name", "{\"middleName\":\"J\",\"familyName\":null}")),
	    USER("\"id\":\"u1\",\"userName\":\"bjensen\",\"name\":{"
		 "\"givenName\":\"Barbara\",\"middleName\":\"J\"},"
		 "\"meta\":{\"resourceType\":\"User\",\"version\":"
		 "\"W/\\\"1\\\"\"}," U_EMAILS));
	pf_expect("User", U, PF_OPS(OP("add", "name.givenName", "\"B\"")),
	    USER("\"id\":\"u1\",\"userName\":\"bjensen\",\"name\":{"
		 "\"givenName\":\"B\",\"familyName\":\"Jensen\"},"
		 "\"meta\":{\"resourceType\":\"User\",\"version\":"
		 "\"W/\\\"1\\\"\"}," U_EMAILS));
	pf_expect("User", U,
	    PF_OPS(OPNV("remove", "name.givenName") "," OPNV(
		"remove", "name.familyName")),
	    USER("\"id\":\"u1\",\"userName\":\"bjensen\","
		 "\"meta\":{\"resourceType\":\"User\",\"version\":"
		 "\"W/\\\"1\\\"\"}," U_EMAILS));
}

/* ---------------------------------------------- multi-valued attributes */

Test(patch_user, add_appends_without_duplicates)
{
	pf_expect("User", U,
	    PF_OPS(OP("add", "emails",
		"[{\"value\":\"b@other.example\",\"type\":\"other\"}]")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\","
		   "\"type\":\"work\",\"primary\":true},{\"value\":"
		   "\"b@home.example\",\"type\":\"home\"},{\"value\":"
		   "\"b@other.example\",\"type\":\"other\"}]"));
	/* an element already there: no change (§3.5.2.1) */
	pf_expect("User", U,
	    PF_OPS(OP("add", "emails",
		"[{\"value\":\"b@home.example\",\"type\":\"HOME\"}]")),
	    U);
	/* the same value with what it lacked: merged in */
	pf_expect("User", U,
	    PF_OPS(OP("add", "emails",
		"{\"value\":\"b@home.example\",\"display\":\"Home\"}")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\",\"primary\":true},{\"value\":\"b@home.example\","
		   "\"type\":\"home\",\"display\":\"Home\"}]"));
}

Test(patch_user, replace_without_filter_replaces_all)
{
	pf_expect("User", U,
	    PF_OPS(OP("replace", "emails",
		"[{\"value\":\"new@example.com\",\"type\":\"Work\"}]")),
	    U_REST("\"emails\":[{\"value\":\"new@example.com\",\"type\":"
		   "\"work\"}]"));
}

Test(patch_user, primary_true_moves)
{
	pf_expect("User", U,
	    PF_OPS(OP("add", "emails",
		"[{\"value\":\"n@example.com\",\"primary\":true}]")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\",\"primary\":false},{\"value\":\"b@home.example\","
		   "\"type\":\"home\"},{\"value\":\"n@example.com\","
		   "\"primary\":true}]"));
}

Test(patch_user, filter_selects_elements)
{
	pf_expect("User", U,
	    PF_OPS(OP("replace", "emails[type eq \\\"work\\\"].value",
		"\"w@example.com\"")),
	    U_REST("\"emails\":[{\"value\":\"w@example.com\",\"type\":"
		   "\"work\",\"primary\":true},{\"value\":\"b@home.example\","
		   "\"type\":\"home\"}]"));
	pf_expect("User", U,
	    PF_OPS(OPNV("remove", "emails[type eq \\\"work\\\"]")),
	    U_REST("\"emails\":[{\"value\":\"b@home.example\",\"type\":"
		   "\"home\"}]"));
	pf_expect("User", U,
	    PF_OPS(OPNV("remove", "emails[type eq \\\"work\\\"].primary")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\"},{\"value\":\"b@home.example\",\"type\":"
		   "\"home\"}]"));
	/* replace swaps the element; add merges into it */
	pf_expect("User", U,
	    PF_OPS(OP("replace", "emails[type eq \\\"home\\\"]",
		"{\"value\":\"h@example.com\",\"type\":\"home\"}")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\",\"primary\":true},{\"value\":\"h@example.com\","
		   "\"type\":\"home\"}]"));
	pf_expect("User", U,
	    PF_OPS(OP("add", "emails[type eq \\\"home\\\"]",
		"{\"display\":\"Home\"}")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\",\"primary\":true},{\"value\":\"b@home.example\","
		   "\"type\":\"home\",\"display\":\"Home\"}]"));
	/* case-insensitive names and values that are not caseExact */
	pf_expect("User", U,
	    PF_OPS(
		OP("replace", "EMAILS[TYPE eq \\\"WORK\\\"].Display", "\"W\"")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\",\"primary\":true,\"display\":\"W\"},{\"value\":"
		   "\"b@home.example\",\"type\":\"home\"}]"));
}

Test(patch_user, filter_matching_nothing_is_no_target)
{
	pf_expect_err("User", U,
	    PF_OPS(OPNV("remove", "emails[type eq \\\"other\\\"]")),
	    SCIM_E_NO_TARGET,
	    "Operations[0]: path 'emails[type eq \"other\"]': the filter "
	    "matched nothing");
	pf_expect_err("User", U_REST("\"title\":\"x\""),
	    PF_OPS(OPNV("remove", "emails[type eq \\\"work\\\"].value")),
	    SCIM_E_NO_TARGET, NULL);
	/* a filter that does not describe one element creates nothing */
	pf_expect_err("User", U,
	    PF_OPS(OP("replace", "emails[value co \\\"zz\\\"].value", "\"x\"")),
	    SCIM_E_NO_TARGET, NULL);
	pf_expect_err("User", U,
	    PF_OPS(OP("replace",
		"emails[type eq \\\"other\\\" or type eq \\\"home\\\" and "
		"value eq \\\"nope\\\"].value",
		"\"x\"")),
	    SCIM_E_NO_TARGET, NULL);
}

Test(patch_user, eq_filter_without_match_creates_the_element)
{
	pf_expect("User", U,
	    PF_OPS(OP("replace", "emails[type eq \\\"other\\\"].value",
		"\"o@example.com\"")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\",\"primary\":true},{\"value\":\"b@home.example\","
		   "\"type\":\"home\"},{\"type\":\"other\",\"value\":"
		   "\"o@example.com\"}]"));
	pf_expect("User", U_REST("\"title\":\"x\""),
	    PF_OPS(OP("add",
		"emails[type eq \\\"work\\\" and primary eq true].value",
		"\"w@example.com\"")),
	    U_REST("\"title\":\"x\",\"emails\":[{\"type\":\"work\","
		   "\"primary\":true,\"value\":\"w@example.com\"}]"));
	pf_expect("User", U_REST("\"title\":\"x\""),
	    PF_OPS(OP("add", "emails[type eq \\\"work\\\"]",
		"{\"value\":\"w@example.com\"}")),
	    U_REST("\"title\":\"x\",\"emails\":[{\"type\":\"work\","
		   "\"value\":\"w@example.com\"}]"));
}

Test(patch_user, sub_path_on_multi_valued_addresses_every_element)
{
	pf_expect("User", U, PF_OPS(OP("replace", "emails.display", "\"E\"")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\",\"primary\":true,\"display\":\"E\"},{\"value\":"
		   "\"b@home.example\",\"type\":\"home\",\"display\":\"E\"}]"));
	pf_expect("User", U, PF_OPS(OPNV("remove", "emails.primary")),
	    U_REST("\"emails\":[{\"value\":\"b@work.example\",\"type\":"
		   "\"work\"},{\"value\":\"b@home.example\",\"type\":"
		   "\"home\"}]"));
	pf_expect("User", U_REST("\"title\":\"x\""),
	    PF_OPS(OP("add", "emails.value", "\"a@example.com\"")),
	    U_REST("\"title\":\"x\",\"emails\":[{\"value\":"
		   "\"a@example.com\"}]"));
}

Test(patch_user, simple_multi_valued_values)
{
	pf_expect("User", U,
	    PF_OPS(OP("add", "nicknames", "[\"Babs\",\"B\"]") "," OP(
		"add", "nicknames", "\"Babs\"")),
	    U_REST(U_EMAILS ",\"nicknames\":[\"Babs\",\"B\"]"));
	pf_expect("User", U_REST(U_EMAILS ",\"nicknames\":[\"Babs\",\"B\"]"),
	    PF_OPS(OPNV("remove", "nicknames[value eq \\\"babs\\\"]")),
	    U_REST(U_EMAILS ",\"nicknames\":[\"B\"]"));
	pf_expect("User", U_REST(U_EMAILS ",\"nicknames\":[\"Babs\",\"B\"]"),
	    PF_OPS(OP("remove", "nicknames", "[\"B\"]")),
	    U_REST(U_EMAILS ",\"nicknames\":[\"Babs\"]"));
	pf_expect("User", U_REST(U_EMAILS ",\"nicknames\":[\"Babs\",\"B\"]"),
	    PF_OPS(OP("replace", "nicknames[value sw \\\"Ba\\\"]", "\"Barb\"")),
	    U_REST(U_EMAILS ",\"nicknames\":[\"Barb\",\"B\"]"));
	pf_expect_err("User", U_REST(U_EMAILS ",\"nicknames\":[\"B\"]"),
	    PF_OPS(OPNV("remove", "nicknames[value eq \\\"zz\\\"]")),
	    SCIM_E_NO_TARGET, NULL);
	pf_expect_err("User", U_REST(U_EMAILS ",\"nicknames\":[\"B\"]"),
	    PF_OPS(OP("add", "nicknames[value eq \\\"zz\\\"]", "\"x\"")),
	    SCIM_E_NO_TARGET, NULL);
}

Test(patch_user, operations_see_the_ones_before)
{
	pf_expect("User", U_REST("\"title\":\"x\""),
	    PF_OPS(OP("add", "emails",
		"[{\"value\":\"a@x.example\","
		"\"type\":\"work\"}]") "," OP("replace",
		"emails[type eq \\\"work\\\"].value",
		"\"b@x.example\"") "," OPNV("remove", "title")),
	    U_REST("\"emails\":[{\"value\":\"b@x.example\",\"type\":"
		   "\"work\"}]"));
}

/* ------------------------------------------------------- extensions */

#define ENT(fields) "\"" PF_ENT_URN "\":{" fields "}"
#define U_SCHEMAS_ENT(fields) \
	"{\"schemas\":[\"" PF_USER_URN "\",\"" PF_ENT_URN "\"]," fields "}"

Test(patch_user, urn_paths_reach_the_extension)
{
	pf_expect("User", USER("\"userName\":\"b\""),
	    PF_OPS(OP("replace", PF_ENT_URN ":employeeNumber", "\"701\"")),
	    U_SCHEMAS_ENT("\"userName\":\"b\"," ENT("\"employeeNumber\":"
						    "\"701\"")));
	pf_expect("User",
	    U_SCHEMAS_ENT("\"userName\":\"b\"," ENT("\"employeeNumber\":"
						    "\"701\"")),
	    PF_OPS(OPNV("remove", PF_ENT_URN ":employeeNumber")),
	    USER("\"userName\":\"b\""));
	pf_expect("User", USER("\"userName\":\"b\""),
	    PF_OPS(OP("add", PF_ENT_URN ":manager.value", "\"m1\"")),
	    U_SCHEMAS_ENT("\"userName\":\"b\"," ENT("\"manager\":{\"value\":"
						    "\"m1\"}")));
	pf_expect("User", USER("\"userName\":\"b\""),
	    PF_OPS(OP("add", PF_ENT_URN,
		"{\"department\":\"R&D\",\"manager\":\"m2\"}")),
	    U_SCHEMAS_ENT("\"userName\":\"b\"," ENT(
		"\"department\":\"R&D\",\"manager\":{\"value\":\"m2\"}")));
	pf_expect("User",
	    U_SCHEMAS_ENT("\"userName\":\"b\"," ENT("\"department\":\"x\"")),
	    PF_OPS(OPNV("remove", PF_ENT_URN)), USER("\"userName\":\"b\""));
}

Test(patch_user, manager_as_a_bare_id)
{
	pf_expect("User", USER("\"userName\":\"b\""),
	    PF_OPS(OP("replace", PF_ENT_URN ":manager", "\"26118915\"")),
	    U_SCHEMAS_ENT("\"userName\":\"b\"," ENT("\"manager\":{\"value\":"
						    "\"26118915\"}")));
	/* the server's displayName stays when the id changes */
	pf_expect("User",
	    U_SCHEMAS_ENT("\"userName\":\"b\"," ENT(
		"\"manager\":{\"value\":\"1\",\"displayName\":\"Ann\"}")),
	    PF_OPS(OP("replace", "manager", "\"2\"")),
	    U_SCHEMAS_ENT("\"userName\":\"b\"," ENT(
		"\"manager\":{\"value\":\"2\",\"displayName\":\"Ann\"}")));
}

/* ---------------------------------------------------------- no path */

Test(patch_user, no_path_keys_plain_dotted_and_urn)
{
	pf_expect("User", U,
	    PF_OPS("{\"op\":\"replace\",\"value\":{\"title\":\"Boss\","
		   "\"name.givenName\":\"Babs\",\"" PF_ENT_URN
		   ":employeeNumber\":\"42\",\"id\":\"other\","
		   "\"meta\":{\"version\":\"W/\\\"9\\\"\"},\"groups\":[],"
		   "\"schemas\":[\"x\"]}}"),
	    "{\"schemas\":[\"" PF_USER_URN "\",\"" PF_ENT_URN "\"],"
	    "\"id\":\"u1\",\"userName\":\"bjensen\",\"name\":{\"givenName\":"
	    "\"Babs\",\"familyName\":\"Jensen\"},\"meta\":{\"resourceType\":"
	    "\"User\",\"version\":\"W/\\\"1\\\"\"}," U_EMAILS
	    ",\"title\":\"Boss\"," ENT("\"employeeNumber\":\"42\"") "}");
	pf_expect("User", USER("\"userName\":\"b\""),
	    PF_OPS("{\"op\":\"add\",\"value\":{\"" PF_ENT_URN
		   "\":{\"costCenter\":\"C1\",\"manager\":{\"value\":\"m\"}},"
		   "\"emails\":[{\"value\":\"x@example.com\"}]}}"),
	    U_SCHEMAS_ENT("\"userName\":\"b\",\"emails\":[{\"value\":"
			  "\"x@example.com\"}]," ENT("\"costCenter\":\"C1\","
						     "\"manager\":{\"value\":"
						     "\"m\"}")));
}

Test(patch_user, no_path_errors)
{
	pf_expect_err("User", U, PF_OPS("{\"op\":\"add\",\"value\":\"x\"}"),
	    SCIM_E_INVALID_VALUE, "Operations[0]: no path: without a path");
	pf_expect_err("User", U,
	    PF_OPS("{\"op\":\"replace\",\"value\":{\"nosuch\":1}}"),
	    SCIM_E_INVALID_PATH, "value key 'nosuch'");
	pf_expect_err("User", U,
	    PF_OPS("{\"op\":\"replace\",\"value\":{\"emails[type eq "
		   "\\\"work\\\"].value\":\"x\"}}"),
	    SCIM_E_INVALID_PATH, NULL);
	pf_expect_err("User", U,
	    PF_OPS("{\"op\":\"replace\",\"value\":{\"title\":7}}"),
	    SCIM_E_INVALID_VALUE, "value key 'title'");
	pf_expect_err("User", U,
	    PF_OPS("{\"op\":\"replace\",\"value\":{\"" PF_ENT_URN "\":5}}"),
	    SCIM_E_INVALID_VALUE, "must be an object");
}

/* --------------------------------------------------------- mutability */

Test(patch_user, read_only_paths_are_mutability)
{
	static const char *const ops[] = {
	    OP("replace", "id", "\"x\""),
	    OPNV("remove", "id"),
	    OP("replace", "meta.version", "\"W/\\\"9\\\"\""),
	    OP("add", "groups", "[{\"value\":\"g\"}]"),
	    OPNV("remove", "groups"),
	    OP("replace", PF_ENT_URN ":manager.displayName", "\"x\""),
	};
	char msg[512];
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		snprintf(msg, sizeof(msg), PF_OPS("%s"), ops[i]);
		pf_expect_err("User", U, msg, SCIM_E_MUTABILITY, "is readOnly");
	}
}

Test(patch_user, required_attributes_cannot_go)
{
	pf_expect_err("User", U, PF_OPS(OPNV("remove", "userName")),
	    SCIM_E_MUTABILITY, "'userName' is required");
	pf_expect_err("User", U, PF_OPS(OP("replace", "userName", "null")),
	    SCIM_E_MUTABILITY, "required");
	pf_expect_err("User", U,
	    PF_OPS("{\"op\":\"replace\",\"value\":{\"userName\":null}}"),
	    SCIM_E_MUTABILITY, "required");
}

Test(patch_user, immutable_only_gets_a_first_value)
{
	pf_expect("User", U, PF_OPS(OP("add", "employeeCode", "\"E1\"")),
	    U_REST(U_EMAILS ",\"employeeCode\":\"E1\""));
	pf_expect("User", U_REST(U_EMAILS ",\"employeeCode\":\"E1\""),
	    PF_OPS(OP("replace", "employeeCode", "\"E1\"")),
	    U_REST(U_EMAILS ",\"employeeCode\":\"E1\""));
	pf_expect_err("User", U_REST(U_EMAILS ",\"employeeCode\":\"E1\""),
	    PF_OPS(OP("replace", "employeeCode", "\"E2\"")), SCIM_E_MUTABILITY,
	    "'employeeCode' is immutable");
	pf_expect_err("User", U_REST(U_EMAILS ",\"employeeCode\":\"E1\""),
	    PF_OPS(OPNV("remove", "employeeCode")), SCIM_E_MUTABILITY,
	    "immutable");
}

/* ------------------------------------------------------------ groups */

#define GROUP(members) \
	"{\"schemas\":[\"" PF_GROUP_URN "\"],\"id\":\"g1\"," \
	"\"displayName\":\"Admins\"" members "}"
#define MEMBERS_AB \
	",\"members\":[{\"value\":\"a\",\"display\":\"Ann\"},{\"value\":" \
	"\"b\",\"type\":\"User\"}]"

Test(patch_group, add_members_with_null_ref)
{
	pf_expect("Group", GROUP(MEMBERS_AB),
	    PF_OPS(OP("add", "members",
		"[{\"value\":\"c\",\"$ref\":null},{\"value\":\"a\"}]")),
	    GROUP(",\"members\":[{\"value\":\"a\",\"display\":\"Ann\"},"
		  "{\"value\":\"b\",\"type\":\"User\"},{\"value\":\"c\"}]"));
}

Test(patch_group, remove_listed_members)
{
	pf_expect("Group", GROUP(MEMBERS_AB),
	    PF_OPS(OP("remove", "members", "[{\"value\":\"a\"}]")),
	    GROUP(",\"members\":[{\"value\":\"b\",\"type\":\"User\"}]"));
	pf_expect("Group", GROUP(MEMBERS_AB),
	    PF_OPS(OP(
		"remove", "members", "[{\"value\":\"a\"},{\"value\":\"b\"}]")),
	    GROUP(""));
	/* one that is not a member: nothing to do */
	pf_expect("Group", GROUP(MEMBERS_AB),
	    PF_OPS(OP("remove", "members", "[{\"value\":\"zz\"}]")),
	    GROUP(MEMBERS_AB));
	pf_expect("Group", GROUP(MEMBERS_AB),
	    PF_OPS(OPNV("remove", "members[value eq \\\"b\\\"]")),
	    GROUP(",\"members\":[{\"value\":\"a\",\"display\":\"Ann\"}]"));
	pf_expect("Group", GROUP(MEMBERS_AB), PF_OPS(OPNV("remove", "members")),
	    GROUP(""));
}

Test(patch_group, member_identity_is_immutable)
{
	pf_expect_err("Group", GROUP(MEMBERS_AB),
	    PF_OPS(OP("replace", "members[value eq \\\"a\\\"].value", "\"z\"")),
	    SCIM_E_MUTABILITY, "'members.value' is immutable");
	pf_expect_err("Group", GROUP(MEMBERS_AB),
	    PF_OPS(
		OP("replace", "members[value eq \\\"a\\\"].display", "\"z\"")),
	    SCIM_E_MUTABILITY, "readOnly");
	pf_expect_err("Group", GROUP(MEMBERS_AB),
	    PF_OPS(OPNV("remove", "members[value eq \\\"b\\\"].type")),
	    SCIM_E_MUTABILITY, "immutable");
	/* adding a type a member lacks is allowed (§3.5.2) */
	pf_expect("Group", GROUP(MEMBERS_AB),
	    PF_OPS(OP("add", "members[value eq \\\"a\\\"].type", "\"User\"")),
	    GROUP(",\"members\":[{\"value\":\"a\",\"display\":\"Ann\","
		  "\"type\":\"User\"},{\"value\":\"b\",\"type\":\"User\"}]"));
}

/* A group of n members m<first>..m<first+n-1>, or just those members as
 * a JSON array when bare. Arena text. */
static const char *
many(size_t first, size_t n, int bare)
{
	struct buf b;
	const char *out;
	size_t i;

	buf_init(&b);
	if (!bare)
		buf_append_cstr(&b,
		    "{\"schemas\":[\"" PF_GROUP_URN "\"],"
		    "\"displayName\":\"Big\",\"members\":");
	buf_putc(&b, '[');
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s{\"value\":\"m%06zu\"}", i > 0 ? "," : "",
		    first + i);
	buf_putc(&b, ']');
	if (!bare)
		buf_putc(&b, '}');
	out = arena_strdup(pf_arena(), buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Adding 10,000 members to 10,000, then removing 10,000 listed ones,
 * must not compare every pair (10^8 comparisons would blow the
 * timeout). */
Test(patch_group, many_members_stay_linear, .timeout = 20)
{
	const char *group = many(0, 10000, 0);
	struct buf msg;
	struct pf_result r;
	const struct json_value *m;

	buf_init(&msg);
	buf_printf(&msg,
	    "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
	    "\"add\",\"path\":\"members\",\"value\":%s},{\"op\":"
	    "\"remove\",\"path\":\"members\",\"value\":%s}]}",
	    many(5000, 10000, 1), many(0, 10000, 1));
	r = pf_run("Group", group, buf_cstr(&msg));
	buf_free(&msg);
	cr_assert_eq(r.rc, 0, "%s", r.err.detail);
	m = json_object_get_cstr(r.res, "members");
	cr_assert_eq(m->u.array.len, 5000);
	cr_assert_str_eq(
	    json_object_get_cstr(m->u.array.items[0], "value")->u.string.ptr,
	    "m010000");
}

Test(patch_group, required_display_name)
{
	pf_expect_err("Group", GROUP(""), PF_OPS(OPNV("remove", "displayName")),
	    SCIM_E_MUTABILITY, "required");
	pf_expect("Group", GROUP(""),
	    PF_OPS(OP("replace", "displayName", "\"Ops\"")),
	    "{\"schemas\":[\"" PF_GROUP_URN "\"],\"id\":\"g1\","
	    "\"displayName\":\"Ops\"}");
}

/* ------------------------------------------------------------ widget */

#define W(fields) \
	"{\"schemas\":[\"" PF_WIDGET_URN "\",\"" PF_EXTRA_URN "\"]," \
	"\"name\":\"w\",\"serial\":\"S1\",\"part\":{\"code\":\"C\"," \
	"\"stamp\":\"T\"},\"items\":[{\"key\":\"k1\",\"value\":\"v1\"}]," \
	"\"" PF_EXTRA_URN "\":{\"level\":1}" fields "}"

Test(patch_widget, immutable_and_read_only_subs)
{
	pf_expect_err("Widget", W(""),
	    PF_OPS(OP("replace", "serial", "\"S2\"")), SCIM_E_MUTABILITY,
	    "'serial' is immutable");
	pf_expect_err("Widget", W(""),
	    PF_OPS(OP("replace", "part.code", "\"D\"")), SCIM_E_MUTABILITY,
	    "'part.code' is immutable");
	pf_expect_err("Widget", W(""),
	    PF_OPS(OP("replace", "part", "{\"code\":\"D\"}")),
	    SCIM_E_MUTABILITY, "'part.code' is immutable");
	pf_expect_err("Widget", W(""),
	    PF_OPS(OP("replace", "part.stamp", "\"x\"")), SCIM_E_MUTABILITY,
	    "readOnly");
	/* a readOnly sub-attribute inside a value is ignored and kept */
	pf_expect("Widget", W(""),
	    PF_OPS(OP("replace", "part", "{\"label\":\"L\",\"stamp\":\"x\"}")),
	    "{\"schemas\":[\"" PF_WIDGET_URN "\",\"" PF_EXTRA_URN "\"],"
	    "\"name\":\"w\",\"serial\":\"S1\",\"part\":{\"code\":\"C\","
	    "\"stamp\":\"T\",\"label\":\"L\"},\"items\":[{\"key\":\"k1\","
	    "\"value\":\"v1\"}],\"" PF_EXTRA_URN "\":{\"level\":1}}");
}

Test(patch_widget, required_in_elements_and_extensions)
{
	pf_expect_err("Widget", W(""),
	    PF_OPS(OPNV("remove", "items[key eq \\\"k1\\\"].key")),
	    SCIM_E_MUTABILITY, "'items.key' is required");
	pf_expect_err("Widget", W(""),
	    PF_OPS(OP("add", "items", "[{\"value\":\"nokey\"}]")),
	    SCIM_E_INVALID_VALUE, "items.key");
	pf_expect_err("Widget", W(""),
	    PF_OPS(OPNV("remove", PF_EXTRA_URN ":level")), SCIM_E_MUTABILITY,
	    PF_EXTRA_URN ":level' is required");
	pf_expect_err("Widget", W(""), PF_OPS(OPNV("remove", PF_EXTRA_URN)),
	    SCIM_E_MUTABILITY, "extension " PF_EXTRA_URN " is required");
}

Test(patch_widget, typed_values)
{
	pf_expect("Widget", W(""),
	    PF_OPS(OP("add", "count", "3") "," OP("add", "ratio", "0.5") "," OP(
		"add", "born", "\"2020-01-01T02:00:00+02:00\"") "," OP("add",
		"color", "\"Green\"")),
	    W(",\"count\":3,\"ratio\":0.5,\"born\":\"2020-01-01T00:00:00Z\","
	      "\"color\":\"Green\""));
	pf_expect_err("Widget", W(""), PF_OPS(OP("add", "color", "\"green\"")),
	    SCIM_E_INVALID_VALUE, "must be one of");
}

Test(patch_widget, unqualified_extension_attribute)
{
	struct pf_result r =
	    pf_run("Widget", W(""), PF_OPS(OP("replace", "level", "7")));
	const struct json_value *x;

	cr_assert_eq(r.rc, 0, "%s", r.err.detail);
	x = json_object_get_cstr(
	    json_object_get_cstr(r.res, PF_EXTRA_URN), "level");
	cr_assert_not_null(x);
	cr_assert_eq(x->u.integer, 7);
}

/* ------------------------------------------------------- credential */

#define CRED(fields) "{\"schemas\":[\"" PF_CRED_URN "\"]," fields "}"
#define C \
	CRED( \
	    "\"id\":\"c1\",\"type\":\"CT_ACODE\",\"status\":{\"status\":" \
	    "\"ACTIVE\"},\"attributes\":[{\"name\":\"A\",\"type\":\"STRING\"," \
	    "\"value\":\"1\",\"readOnly\":false}],\"totalUsed\":\"0\"")

Test(patch_cred, status_and_attribute_paths)
{
	pf_expect("Credential", C,
	    PF_OPS(OP("replace", "status.status", "\"suspended\"") "," OP(
		"replace", "attributes[name eq \\\"A\\\"].value", "\"2\"")),
	    CRED("\"id\":\"c1\",\"type\":\"CT_ACODE\",\"status\":{\"status\":"
		 "\"SUSPENDED\"},\"attributes\":[{\"name\":\"A\",\"type\":"
		 "\"STRING\",\"value\":\"2\",\"readOnly\":false}],"
		 "\"totalUsed\":\"0\""));
	pf_expect_err("Credential", C,
	    PF_OPS(OP("replace", "type", "\"CT_OTHER\"")), SCIM_E_MUTABILITY,
	    "'type' is immutable");
	pf_expect_err("Credential", C,
	    PF_OPS(OP("replace", "totalUsed", "\"5\"")), SCIM_E_MUTABILITY,
	    "readOnly");
	pf_expect_err("Credential", C,
	    PF_OPS(OP("replace", "status.active", "true")), SCIM_E_MUTABILITY,
	    "readOnly");
	/* the name is caseExact: "a" does not match "A" */
	pf_expect_err("Credential", C,
	    PF_OPS(OPNV("remove", "attributes[name eq \\\"a\\\"]")),
	    SCIM_E_NO_TARGET, NULL);
}
