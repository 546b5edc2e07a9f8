/* The filter grammar (filter/filter_parse.c): RFC 7644 §3.4.2.2 Figure 1,
 * precedence, value paths, URN paths, literals, errors and bounds. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "filter/filter.h"
#include "schema_fixture.h"

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

TestSuite(filter_parse, .init = setup, .fini = teardown);

static struct filter_node *
parse_ok_len(const char *s, size_t len)
{
	struct filter_node *n = NULL;
	struct scim_err err;
	int rc;

	scim_err_clear(&err);
	rc = filter_parse(A, str_make(s, len), &n, &err);
	cr_assert_eq(rc, 0, "rejected \"%.60s\": %s", s, err.detail);
	cr_assert_not_null(n);
	return n;
}

static struct filter_node *
parse_ok(const char *s)
{
	return parse_ok_len(s, strlen(s));
}

/* The AST as an S-expression (schema_fixture.c), arena-owned. */
static const char *
ast(const char *s)
{
	struct buf b;
	const char *r;

	buf_init(&b);
	fixture_render(parse_ok(s), &b);
	r = arena_strdup(A, buf_cstr(&b));
	buf_free(&b);
	return r;
}

static const char *
parse_err_len(const char *s, size_t len)
{
	struct filter_node *n = (struct filter_node *)1;
	struct scim_err err;
	int rc;

	scim_err_clear(&err);
	rc = filter_parse(A, str_make(s, len), &n, &err);
	cr_assert_eq(rc, SCIM_E_INVALID_FILTER, "accepted \"%.60s\"", s);
	cr_assert_eq(err.code, SCIM_E_INVALID_FILTER);
	cr_assert_null(n, "*out must be NULL on failure");
	cr_assert_gt(strlen(err.detail), 0);
	return arena_strdup(A, err.detail);
}

static const char *
parse_err(const char *s)
{
	return parse_err_len(s, strlen(s));
}

#define AST_EQ(filter, expected) \
	cr_expect_str_eq(ast(filter), expected, "for %s", filter)
#define ERR_HAS(filter, needle) \
	do { \
		const char *d_ = parse_err(filter); \
		cr_expect_not_null(strstr(d_, needle), \
		    "detail for %s: \"%s\" lacks \"%s\"", filter, d_, needle); \
	} while (0)

Test(filter_parse, every_comparison_operator)
{
	AST_EQ("userName eq \"x\"", "(eq userName \"x\")");
	AST_EQ("userName ne \"x\"", "(ne userName \"x\")");
	AST_EQ("userName co \"x\"", "(co userName \"x\")");
	AST_EQ("userName sw \"x\"", "(sw userName \"x\")");
	AST_EQ("userName ew \"x\"", "(ew userName \"x\")");
	AST_EQ("loginCount gt 1", "(gt loginCount 1)");
	AST_EQ("loginCount ge 1", "(ge loginCount 1)");
	AST_EQ("loginCount lt 1", "(lt loginCount 1)");
	AST_EQ("loginCount le 1", "(le loginCount 1)");
	AST_EQ("title pr", "(pr title)");
}

Test(filter_parse, pr_has_no_value)
{
	struct filter_node *n = parse_ok("title pr");

	cr_assert_eq(n->op, FILTER_PR);
	cr_assert_null(n->value);
	cr_assert_eq(n->bound, 0);
}

Test(filter_parse, operators_and_keywords_are_case_insensitive)
{
	AST_EQ("userName EQ \"x\"", "(eq userName \"x\")");
	AST_EQ("userName Sw \"x\"", "(sw userName \"x\")");
	AST_EQ("title PR", "(pr title)");
	AST_EQ("a Pr AND b pR Or c pr", "(or (and (pr a) (pr b)) (pr c))");
	AST_EQ("NOT (a pr)", "(not (pr a))");
	AST_EQ("active eq TRUE", "(eq active true)");
	AST_EQ("active eq False", "(eq active false)");
	AST_EQ("x eq NULL", "(eq x null)");
}

Test(filter_parse, attribute_spelling_is_kept)
{
	/* names are case-insensitive, but binding compares them; the parser
	 * keeps what the client wrote */
	AST_EQ("USERNAME eq \"x\"", "(eq USERNAME \"x\")");
	AST_EQ("Name.GivenName pr", "(pr Name.GivenName)");
}

Test(filter_parse, and_binds_tighter_than_or)
{
	AST_EQ("a eq 1 or b eq 2 and c eq 3",
	    "(or (eq a 1) (and (eq b 2) (eq c 3)))");
	AST_EQ("a eq 1 and b eq 2 or c eq 3",
	    "(or (and (eq a 1) (eq b 2)) (eq c 3))");
	AST_EQ("a pr or b pr and c pr or d pr",
	    "(or (or (pr a) (and (pr b) (pr c))) (pr d))");
}

Test(filter_parse, chains_are_left_associative)
{
	AST_EQ("a pr and b pr and c pr", "(and (and (pr a) (pr b)) (pr c))");
	AST_EQ("a pr or b pr or c pr", "(or (or (pr a) (pr b)) (pr c))");
}

Test(filter_parse, not_binds_tighter_than_and)
{
	AST_EQ("not (a pr) and b pr", "(and (not (pr a)) (pr b))");
	AST_EQ("b pr or not (a pr or c pr)",
	    "(or (pr b) (not (or (pr a) (pr c))))");
	AST_EQ("not (not (a pr))", "(not (not (pr a)))");
}

Test(filter_parse, grouping_overrides_precedence)
{
	AST_EQ("(a eq 1 or b eq 2) and c eq 3",
	    "(and (or (eq a 1) (eq b 2)) (eq c 3))");
	AST_EQ("((a pr))", "(pr a)");
	AST_EQ("userType eq \"Employee\" and (emails co \"example.com\" or "
	       "emails.value co \"example.org\")",
	    "(and (eq userType \"Employee\") (or (co emails \"example.com\") "
	    "(co emails.value \"example.org\")))");
}

Test(filter_parse, whitespace_is_lenient)
{
	AST_EQ("  a   eq\t1  ", "(eq a 1)");
	AST_EQ("not(a pr)", "(not (pr a))");
	AST_EQ("(a pr)and(b pr)", "(and (pr a) (pr b))");
	AST_EQ("a eq \"x\"or b pr", "(or (eq a \"x\") (pr b))");
	AST_EQ("a eq\"x\"", "(eq a \"x\")");
}

Test(filter_parse, value_path_inner_paths_become_absolute)
{
	AST_EQ("emails[type eq \"work\" and value co \"@example.com\"]",
	    "(emails[] (and (eq emails.type \"work\") "
	    "(co emails.value \"@example.com\")))");
	AST_EQ("emails[type eq \"work\"] and userName pr",
	    "(and (emails[] (eq emails.type \"work\")) (pr userName))");
}

Test(filter_parse, value_path_inner_logic)
{
	AST_EQ("emails[type eq \"work\" or (type eq \"home\" and "
	       "value ew \"@example.com\")]",
	    "(emails[] (or (eq emails.type \"work\") (and (eq emails.type "
	    "\"home\") (ew emails.value \"@example.com\"))))");
	AST_EQ("emails[not (type eq \"work\")]",
	    "(emails[] (not (eq emails.type \"work\")))");
}

Test(filter_parse, value_path_with_trailing_sub_attribute)
{
	AST_EQ("emails[type eq \"work\"].value eq \"x@example.com\"",
	    "(emails[] (and (eq emails.type \"work\") "
	    "(eq emails.value \"x@example.com\")))");
	AST_EQ("emails[type eq \"work\"].value pr or a pr",
	    "(or (emails[] (and (eq emails.type \"work\") "
	    "(pr emails.value))) (pr a))");
}

Test(filter_parse, urn_qualified_paths)
{
	struct filter_node *n = parse_ok(
	    "urn:hid:scim:api:idp:2.0:Credential:status.status eq \"ACTIVE\"");

	cr_assert(
	    str_eq_cstr(n->path.urn, "urn:hid:scim:api:idp:2.0:Credential"));
	cr_assert(str_eq_cstr(n->path.attr, "status"));
	cr_assert(str_eq_cstr(n->path.sub, "status"));

	n = parse_ok("urn:ietf:params:scim:schemas:extension:enterprise:2.0:"
		     "User:manager.value eq \"42\"");
	cr_assert(str_eq_cstr(n->path.urn,
	    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
	cr_assert(str_eq_cstr(n->path.attr, "manager"));
	cr_assert(str_eq_cstr(n->path.sub, "value"));

	n = parse_ok("URN:ietf:params:scim:schemas:core:2.0:User:userName pr");
	cr_assert(str_eq_cstr(
	    n->path.urn, "URN:ietf:params:scim:schemas:core:2.0:User"));
	cr_assert(str_eq_cstr(n->path.attr, "userName"));
	cr_assert_eq(n->path.sub.len, 0);
}

Test(filter_parse, urn_value_path_carries_urn_inside)
{
	AST_EQ("urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "
	       "\"work\"]",
	    "(urn:ietf:params:scim:schemas:core:2.0:User:emails[] (eq "
	    "urn:ietf:params:scim:schemas:core:2.0:User:emails.type "
	    "\"work\"))");
}

Test(filter_parse, ref_and_name_characters)
{
	AST_EQ("manager.$ref pr", "(pr manager.$ref)");
	AST_EQ("a-b_c9.d-1 pr", "(pr a-b_c9.d-1)");
}

Test(filter_parse, not_as_an_attribute_name)
{
	AST_EQ("not eq \"x\"", "(eq not \"x\")");
	AST_EQ("not pr and not (a pr)", "(and (pr not) (not (pr a)))");
}

Test(filter_parse, string_escapes_decode)
{
	struct filter_node *n = parse_ok(
	    "a eq \"q\\\"b\\\\s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\"");

	cr_assert_eq(n->value->type, JSON_STRING);
	cr_assert_str_eq(n->value->u.string.ptr,
	    "q\"b\\s/ \b\f\n\r\t \xc3\xa9 \xf0\x9f\x98\x80");
	cr_assert_eq(n->value->u.string.len, 20);
}

Test(filter_parse, raw_utf8_and_empty_strings)
{
	struct filter_node *n = parse_ok("a eq \"caf\xc3\xa9 \xe2\x82\xac\"");

	cr_assert_str_eq(n->value->u.string.ptr, "caf\xc3\xa9 \xe2\x82\xac");
	n = parse_ok("a eq \"\"");
	cr_assert_eq(n->value->type, JSON_STRING);
	cr_assert_eq(n->value->u.string.len, 0);
}

Test(filter_parse, integers)
{
	struct {
		const char *f;
		int64_t v;
	} cases[] = {
	    {"a eq 0", 0},
	    {"a eq -0", 0},
	    {"a eq 42", 42},
	    {"a eq -17", -17},
	    {"a eq 9223372036854775807", INT64_MAX},
	    {"a eq -9223372036854775808", INT64_MIN},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter_node *n = parse_ok(cases[i].f);
		cr_expect_eq(n->value->type, JSON_INT, "%s", cases[i].f);
		cr_expect_eq(n->value->u.integer, cases[i].v, "%s", cases[i].f);
	}
}

Test(filter_parse, decimals)
{
	struct {
		const char *f;
		double v;
	} cases[] = {
	    {"a eq 1.5", 1.5},
	    {"a eq -0.25", -0.25},
	    {"a eq 1e3", 1000.0},
	    {"a eq 2E-2", 0.02},
	    {"a eq 1.0", 1.0},
	    {"a eq 5e+1", 50.0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter_node *n = parse_ok(cases[i].f);
		cr_expect_eq(n->value->type, JSON_DOUBLE, "%s", cases[i].f);
		cr_expect_eq(n->value->u.number, cases[i].v, "%s", cases[i].f);
	}
}

Test(filter_parse, number_errors)
{
	ERR_HAS(
	    "a eq 9223372036854775808", "integer out of range at position 5");
	ERR_HAS("a eq -9223372036854775809", "integer out of range");
	ERR_HAS("a eq 99999999999999999999", "integer out of range");
	ERR_HAS("a eq 1e400", "number out of range at position 5");
	ERR_HAS("a eq -1e400", "number out of range");
	ERR_HAS("a eq 01", "malformed number at position 5");
	ERR_HAS("a eq 1.", "malformed number");
	ERR_HAS("a eq 1.e5", "malformed number");
	ERR_HAS("a eq 1e", "malformed number");
	ERR_HAS("a eq -", "malformed number");
	ERR_HAS("a eq 1x", "malformed number");
	ERR_HAS("a eq 1.2.3", "malformed number");
	ERR_HAS("a eq +1", "position 5");
}

Test(filter_parse, error_unbalanced_quotes)
{
	ERR_HAS(
	    "userName eq \"abc", "unbalanced quotes starting at position 12");
	ERR_HAS("userName eq \"abc\\\"",
	    "unbalanced quotes starting at "
	    "position 12");
	ERR_HAS("userName eq \"abc\\", "unbalanced quotes");
}

Test(filter_parse, error_unknown_operator)
{
	ERR_HAS("userName xx \"a\"", "unknown operator 'xx' at position 9");
	ERR_HAS("userName equals \"a\"", "unknown operator 'equals'");
	ERR_HAS("userName eqtrue", "unknown operator 'eqtrue'");
	ERR_HAS("userName", "expected an operator");
	ERR_HAS("userName \"a\"", "at position 9, expected an operator");
}

Test(filter_parse, error_expected_closing)
{
	ERR_HAS("(userName eq \"a\"", "expected ')' at position 16");
	ERR_HAS("(userName eq \"a\" xyz", "expected ')' at position 17");
	ERR_HAS("not (a pr", "expected ')' at position 9");
	ERR_HAS("emails[type eq \"w\"", "expected ']' at position 18");
	ERR_HAS("emails[type eq \"w\")", "expected ']' at position 18");
}

Test(filter_parse, error_unexpected_tokens)
{
	ERR_HAS("a pr)", "unexpected ')' at position 4");
	ERR_HAS("a pr]", "unexpected ']' at position 4");
	ERR_HAS("a pr b pr", "unexpected 'b' at position 5");
	ERR_HAS("a pr and", "unexpected end of filter at position 8");
	ERR_HAS("a pr or", "unexpected end of filter");
	ERR_HAS("()", "unexpected ')' at position 1");
	ERR_HAS("emails[]", "unexpected ']' at position 7");
	ERR_HAS("a eq",
	    "unexpected end of filter at position 4, expected a "
	    "value");
	ERR_HAS("a eq )", "expected a value");
	ERR_HAS("\"a\" eq \"b\"", "unexpected '\"' at position 0");
	ERR_HAS("a eq 1 = 2", "unexpected '=' at position 7");
}

Test(filter_parse, error_unquoted_value)
{
	ERR_HAS("userName eq bob", "unquoted value 'bob' at position 12");
	ERR_HAS("active eq yes", "unquoted value 'yes'");
	ERR_HAS("active eq truex", "unquoted value 'truex'");
}

Test(filter_parse, error_empty)
{
	ERR_HAS("", "empty filter");
	ERR_HAS("   \t ", "empty filter");
}

Test(filter_parse, error_invalid_paths)
{
	ERR_HAS("1abc pr", "invalid attribute path '1abc' at position 0");
	ERR_HAS("a..b pr", "invalid attribute path");
	ERR_HAS("a.b.c pr", "invalid attribute path");
	ERR_HAS("a. pr", "invalid attribute path");
	ERR_HAS(".a pr", "invalid attribute path");
	ERR_HAS("foo:bar pr", "invalid attribute path");
	ERR_HAS("urn:x pr", "invalid attribute path");
	ERR_HAS("urn::x:a pr", "invalid attribute path");
	ERR_HAS("urn:a:b: pr", "invalid attribute path");
	ERR_HAS("urn:a:$b:c pr", "invalid attribute path");
	ERR_HAS("a$ref pr", "invalid attribute path");
	ERR_HAS("a-$ pr", "invalid attribute path");
	ERR_HAS("emails[type eq \"w\"].1x eq 1", "invalid sub-attribute '1x'");
	ERR_HAS("emails[type eq \"w\"]. eq 1", "invalid sub-attribute");
}

Test(filter_parse, error_value_path_shape)
{
	ERR_HAS(
	    "emails[type[value eq 1]]", "nested value filter at position 11");
	ERR_HAS("emails[a pr and b[c pr]]", "nested value filter");
	ERR_HAS("name.givenName[a pr]",
	    "value filter on a sub-attribute at "
	    "position 0");
	ERR_HAS("emails[emails.type eq \"w\"]", "name a sub-attribute only");
	ERR_HAS("emails[urn:a:b:type eq \"w\"]", "name a sub-attribute only");
}

Test(filter_parse, error_not_without_group)
{
	ERR_HAS(
	    "not userName eq \"x\"", "expected '(' after 'not' at position 4");
	ERR_HAS("not", "expected '(' after 'not' at position 3");
}

Test(filter_parse, error_string_contents)
{
	ERR_HAS("a eq \"\\x\"", "invalid escape in string at position 6");
	ERR_HAS("a eq \"\\u12\"", "invalid \\u escape at position 6");
	ERR_HAS("a eq \"\\u12g4\"", "invalid \\u escape");
	ERR_HAS("a eq \"\\ud800\"", "lone surrogate at position 6");
	ERR_HAS("a eq \"\\udc00\"", "lone surrogate");
	ERR_HAS("a eq \"\\ud800\\u0041\"", "lone surrogate");
	ERR_HAS("a eq \"\\ud800x\"", "lone surrogate");
	ERR_HAS("a eq \"\\u0000\"", "NUL character in string at position 6");
	ERR_HAS("a eq \"a\tb\"", "control character in string at position 7");
	ERR_HAS("a eq \"\xc0\x80\"", "invalid UTF-8 in string at position 6");
	ERR_HAS("a eq \"\xed\xa0\x80\"", "invalid UTF-8");
	ERR_HAS("a eq \"\xf4\x90\x80\x80\"", "invalid UTF-8");
	ERR_HAS("a eq \"\xe2\x82\"", "invalid UTF-8");
	ERR_HAS("a eq \"\xff\"", "invalid UTF-8");
	ERR_HAS("a eq \"\x80\"", "invalid UTF-8");
}

Test(filter_parse, error_raw_nul_and_bytes)
{
	const char *d = parse_err_len("a pr\0 and b pr", 14);

	cr_expect(strstr(d, "'\\x00' at position 4") != NULL, "%s", d);
	d = parse_err_len("a eq \"x\0y\"", 10);
	cr_expect(
	    strstr(d, "control character in string at position 7") != NULL,
	    "%s", d);
	ERR_HAS("a\xc3\xa9 pr", "unexpected '\\xc3' at position 1");
}

Test(filter_parse, detail_never_echoes_the_filter)
{
	const char *d = parse_err("userName eq \"SECRETSECRETSECRET\" and "
				  "password eq \"hunter2hunter2\" xx");

	cr_expect_null(strstr(d, "SECRET"), "%s", d);
	cr_expect_null(strstr(d, "hunter2"), "%s", d);
	cr_expect_null(strstr(d, "userName"), "%s", d);
	/* tokens longer than 32 bytes are not quoted at all */
	d = parse_err("a eq 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	cr_expect_null(strstr(d, "xxxx"), "%s", d);
	cr_expect_not_null(strstr(d, "position 7"), "%s", d);
	d = parse_err("a opopopopopopopopopopopopopopopopopopop 1");
	cr_expect_null(strstr(d, "opop"), "%s", d);
	d = parse_err("a eq unquotedunquotedunquotedunquotedunquoted");
	cr_expect_null(strstr(d, "unquotedunquoted"), "%s", d);
}

Test(filter_parse, quoted_tokens_are_escaped)
{
	const char *d = parse_err("a 'x\\ pr");
	size_t i;

	cr_expect_not_null(strstr(d, "'\\x27'"), "%s", d);
	for (i = 0; d[i] != '\0'; i++)
		cr_assert(d[i] >= 0x20 && d[i] < 0x7f, "byte %zu of %s", i, d);
}

static char *
repeat(const char *unit, size_t times, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail);
	char *s = arena_alloc(A, ul * times + tl + 1);
	size_t i;

	for (i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * times, tail, tl);
	return s;
}

/* depth counts the levels we accept; the next one is refused. */
static char *
nested(const char *open, const char *close, size_t depth)
{
	size_t ol = strlen(open), cl = strlen(close);
	char *s = arena_alloc(A, depth * (ol + cl) + 8);
	size_t i, o = 0;

	for (i = 0; i < depth; i++, o += ol)
		memcpy(s + o, open, ol);
	memcpy(s + o, "a pr", 4);
	o += 4;
	for (i = 0; i < depth; i++, o += cl)
		memcpy(s + o, close, cl);
	return s;
}

Test(filter_parse, depth_limit_parentheses)
{
	char want[64];
	const char *d;

	parse_ok(nested("(", ")", FILTER_MAX_DEPTH));
	d = parse_err(nested("(", ")", FILTER_MAX_DEPTH + 1));
	snprintf(want, sizeof(want), "deeper than %d levels at position %d",
	    FILTER_MAX_DEPTH, FILTER_MAX_DEPTH);
	cr_expect_not_null(strstr(d, want), "%s", d);
	/* 2,000 levels: refused at the 65th parenthesis, not after */
	d = parse_err(nested("(", ")", 2000));
	cr_expect_not_null(strstr(d, want), "%s", d);
}

Test(filter_parse, depth_limit_not)
{
	char want[64];
	const char *d;

	parse_ok(nested("not (", ")", FILTER_MAX_DEPTH));
	d = parse_err(nested("not (", ")", 1300));
	snprintf(
	    want, sizeof(want), "at position %d", FILTER_MAX_DEPTH * 5 + 4);
	cr_expect_not_null(strstr(d, "deeper than"), "%s", d);
	cr_expect_not_null(strstr(d, want), "%s", d);
}

Test(filter_parse, depth_counts_value_paths)
{
	char *s = nested("(", ")", FILTER_MAX_DEPTH - 1);
	char *t = arena_printf(A, "%.*semails[type pr]%s", FILTER_MAX_DEPTH - 1,
	    s, s + FILTER_MAX_DEPTH - 1 + 4);

	parse_ok(t);
	s = nested("(", ")", FILTER_MAX_DEPTH);
	t = arena_printf(A, "%.*semails[type pr]%s", FILTER_MAX_DEPTH, s,
	    s + FILTER_MAX_DEPTH + 4);
	cr_expect_not_null(strstr(parse_err(t), "deeper than"));
}

Test(filter_parse, term_limit)
{
	char want[64];
	const char *d;
	size_t at;

	parse_ok(repeat("a pr and ", FILTER_MAX_TERMS - 1, "a pr"));
	d = parse_err(repeat("a pr and ", FILTER_MAX_TERMS, "a pr"));
	snprintf(
	    want, sizeof(want), "more than %d comparisons", FILTER_MAX_TERMS);
	cr_expect_not_null(strstr(d, want), "%s", d);
	/* 10,000 terms (within the length bound with short terms): refused
	 * at the operator of the 257th, not at the end */
	d = parse_err(repeat("a pr or ", 1000, "a pr"));
	at = FILTER_MAX_TERMS * strlen("a pr or ") + 2;
	snprintf(want, sizeof(want), "at position %zu", at);
	cr_expect_not_null(strstr(d, want), "%s", d);
}

Test(filter_parse, ten_thousand_and_terms)
{
	char *s = repeat("a pr and ", 10000, "a pr");
	struct filter_node *n;
	struct scim_err err;
	size_t used = arena_used(A);

	/* the length bound answers first, before copying 90 KB of filter */
	cr_assert_eq(
	    filter_parse(A, str_from(s), &n, &err), SCIM_E_INVALID_FILTER);
	cr_expect_not_null(
	    strstr(err.detail, "longer than 8192 bytes"), "%s", err.detail);
	cr_expect_eq(arena_used(A), used);
}

Test(filter_parse, trailing_value_counts_as_a_term)
{
	char *s = repeat(
	    "a pr and ", FILTER_MAX_TERMS - 1, "emails[type pr].value pr");

	cr_expect_not_null(strstr(parse_err(s), "more than"));
}

Test(filter_parse, path_length_limit)
{
	char *name = repeat("a", FILTER_MAX_PATH, "");
	char *f = arena_printf(A, "%s pr", name);
	char want[64];

	parse_ok(f);
	f = arena_printf(A, "b%s pr", name);
	snprintf(want, sizeof(want), "longer than %d bytes at position 0",
	    FILTER_MAX_PATH);
	cr_expect_not_null(strstr(parse_err(f), want));
	f = arena_printf(A, "x pr or urn:a:b:%s pr", name);
	cr_expect_not_null(strstr(parse_err(f), "at position 8"));
}

Test(filter_parse, filter_length_limit)
{
	char *s = arena_alloc(A, FILTER_MAX_LEN + 2);
	const char *d;

	/* a string literal padding the filter to exactly the limit */
	memcpy(s, "a eq \"", 6);
	memset(s + 6, 'x', FILTER_MAX_LEN - 7);
	s[FILTER_MAX_LEN - 1] = '"';
	parse_ok_len(s, FILTER_MAX_LEN);
	s[FILTER_MAX_LEN - 1] = 'x';
	s[FILTER_MAX_LEN] = '"';
	d = parse_err_len(s, FILTER_MAX_LEN + 1);
	cr_expect_not_null(strstr(d, "longer than 8192 bytes"), "%s", d);
}

Test(filter_parse, text_is_copied_into_the_arena)
{
	char text[] = "emails[type eq \"work\"] and urn:a:b:c.d pr";
	struct filter_node *n = parse_ok(text);
	struct buf b;

	memset(text, 'Z', sizeof(text) - 1);
	buf_init(&b);
	fixture_render(n, &b);
	cr_expect_str_eq(buf_cstr(&b),
	    "(and (emails[] (eq emails.type \"work\")) (pr urn:a:b:c.d))");
	buf_free(&b);
}

Test(filter_parse, op_names)
{
	static const char *const want[] = {"eq", "ne", "co", "sw", "ew", "gt",
	    "ge", "lt", "le", "pr", "and", "or", "not"};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect_str_eq(filter_op_name((enum filter_op)i), want[i]);
	cr_expect_str_eq(filter_op_name(FILTER_VALUEPATH), "[]");
	cr_expect_str_eq(filter_op_name((enum filter_op)99), "?");
}
