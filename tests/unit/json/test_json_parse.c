/* The strict JSON reader (json/json_parse.c) against HARDENING.md's
 * hostile inputs, its limits and the values it builds. */
#include <criterion/criterion.h>

#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"

#define PREFIX "request body is not valid JSON: "

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

TestSuite(json_parse, .init = setup, .fini = teardown);

static struct json_value *
parse_len(const char *s, size_t len)
{
	struct json_value *v = NULL;
	struct scim_err err;
	int rc;

	scim_err_clear(&err);
	rc = json_parse(A, s, len, &json_limits_default, &v, &err);
	cr_assert_eq(rc, 0, "rejected: %s", err.detail);
	cr_assert_not_null(v);
	return v;
}

static struct json_value *
parse_ok(const char *s)
{
	return parse_len(s, strlen(s));
}

/* Expects a rejection whose detail contains want; returns the detail. */
static const char *
reject_lim(
    const char *s, size_t len, const struct json_limits *lim, const char *want)
{
	static struct scim_err err;
	struct json_value *v = (struct json_value *)1;
	int rc;

	scim_err_clear(&err);
	rc = json_parse(A, s, len, lim, &v, &err);
	cr_assert_eq(rc, SCIM_E_INVALID_SYNTAX, "accepted (%zu bytes)", len);
	cr_assert_eq(err.code, SCIM_E_INVALID_SYNTAX);
	cr_assert_null(v, "*out must be NULL on failure");
	cr_assert_eq(
	    strncmp(err.detail, PREFIX, strlen(PREFIX)), 0, "%s", err.detail);
	/* every failure says where, except an empty body */
	if (len > 0)
		cr_assert_not_null(
		    strstr(err.detail, " at byte "), "%s", err.detail);
	cr_assert_not_null(strstr(err.detail, want), "want \"%s\" in \"%s\"",
	    want, err.detail);
	return err.detail;
}

static const char *
reject_len(const char *s, size_t len, const char *want)
{
	return reject_lim(s, len, &json_limits_default, want);
}

static const char *
reject(const char *s, const char *want)
{
	return reject_len(s, strlen(s), want);
}

/* A buffer of n copies of c (caller frees). */
static char *
repeat(const char *pre, char c, size_t n, const char *post)
{
	size_t a = strlen(pre), b = strlen(post);
	char *p = malloc(a + n + b + 1);

	memcpy(p, pre, a);
	memset(p + a, c, n);
	memcpy(p + a + n, post, b + 1);
	return p;
}

Test(json_parse, defaults)
{
	cr_assert_eq(json_limits_default.max_depth, 32);
	cr_assert_eq(json_limits_default.max_keys, 256);
	cr_assert_eq(json_limits_default.max_items, 10000);
	cr_assert_eq(json_limits_default.max_tokens, 100000);
	cr_assert_eq(json_limits_default.max_string, 1024 * 1024);
}

Test(json_parse, scalars)
{
	struct json_value *v;

	cr_assert_eq(parse_ok("null")->type, JSON_NULL);
	v = parse_ok("true");
	cr_assert_eq(v->type, JSON_BOOL);
	cr_assert_eq(v->u.boolean, 1);
	v = parse_ok(" false ");
	cr_assert_eq(v->type, JSON_BOOL);
	cr_assert_eq(v->u.boolean, 0);
	v = parse_ok("\"hi\"");
	cr_assert_eq(v->type, JSON_STRING);
	cr_assert_eq(v->u.string.len, 2);
	cr_assert_str_eq(v->u.string.ptr, "hi");
}

Test(json_parse, integers)
{
	struct json_value *v;

	v = parse_ok("42");
	cr_assert_eq(v->type, JSON_INT);
	cr_assert_eq(v->u.integer, 42);
	v = parse_ok("9223372036854775807");
	cr_assert_eq(v->type, JSON_INT);
	cr_assert_eq(v->u.integer, INT64_MAX);
	v = parse_ok("-9223372036854775808");
	cr_assert_eq(v->type, JSON_INT);
	cr_assert_eq(v->u.integer, INT64_MIN);
	v = parse_ok("-0");
	cr_assert_eq(v->type, JSON_INT);
	cr_assert_eq(v->u.integer, 0);
	v = parse_ok("[0,-1]");
	cr_assert_eq(v->u.array.items[1]->u.integer, -1);
}

Test(json_parse, integers_out_of_range)
{
	const char *d;

	d = reject("99999999999999999999", "integer out of range");
	/* a top-level number is reported at the end of the body */
	cr_assert_not_null(strstr(d, "at byte 20"), "%s", d);
	reject("9223372036854775808", "integer");
	reject("-9223372036854775809", "integer");
	reject("{\"a\":[1,99999999999999999999]}", "64-bit");
}

Test(json_parse, doubles)
{
	struct json_value *v;

	v = parse_ok("1.5");
	cr_assert_eq(v->type, JSON_DOUBLE);
	cr_assert_float_eq(v->u.number, 1.5, 0);
	v = parse_ok("1E2");
	cr_assert_eq(v->type, JSON_DOUBLE);
	cr_assert_float_eq(v->u.number, 100.0, 0);
	v = parse_ok("-2.5e-3");
	cr_assert_float_eq(v->u.number, -0.0025, 1e-18);
	v = parse_ok("1.0");
	cr_assert_eq(v->type, JSON_DOUBLE, "1.0 is a double, not an int");
	/* underflow is a finite answer */
	v = parse_ok("1e-400");
	cr_assert_eq(v->type, JSON_DOUBLE);
	cr_assert(v->u.number == 0.0);
	v = parse_ok("1.7976931348623157e308");
	cr_assert(v->u.number == DBL_MAX);
	/* a long number does not fit the small stack buffer */
	v = parse_ok("0.0000000000000000000000000000000000000000000000000000"
		     "0000000000000000000000000000000000000000000000000000001");
	cr_assert_eq(v->type, JSON_DOUBLE);
	cr_assert(v->u.number > 0.0);
}

Test(json_parse, doubles_out_of_range)
{
	reject("1e400", "number out of range");
	reject("-1e400", "number out of range");
	reject("[1.0, 2e999]", "number out of range");
}

Test(json_parse, malformed_numbers)
{
	reject("01", "trailing garbage");
	reject("-", "");
	reject("1.", "");
	reject("[.5]", "");
	reject("NaN", "");
	reject("Infinity", "");
	reject("+1", "");
	reject("0x10", "");
}

Test(json_parse, nested_structures)
{
	struct json_value *v, *e;

	v = parse_ok("{\"schemas\":[\"urn:x\"],\"name\":{\"givenName\":\"A\","
		     "\"familyName\":\"B\"},\"emails\":[{\"value\":\"a@b\","
		     "\"primary\":true},{\"value\":\"c@d\"}],\"n\":null}");
	cr_assert_eq(v->type, JSON_OBJECT);
	cr_assert_eq(v->u.object.len, 4);
	/* members keep document order */
	cr_assert_str_eq(v->u.object.members[0].key.ptr, "schemas");
	cr_assert_str_eq(v->u.object.members[3].key.ptr, "n");
	e = json_object_get_cstr(v, "emails");
	cr_assert_eq(e->type, JSON_ARRAY);
	cr_assert_eq(e->u.array.len, 2);
	cr_assert_str_eq(
	    json_object_get_cstr(e->u.array.items[1], "value")->u.string.ptr,
	    "c@d");
	cr_assert_eq(
	    json_object_get_cstr(e->u.array.items[0], "primary")->u.boolean, 1);
	cr_assert_str_eq(
	    json_object_get_cstr(json_object_get_cstr(v, "name"), "familyName")
		->u.string.ptr,
	    "B");
	cr_assert_eq(json_object_get_cstr(v, "n")->type, JSON_NULL);
	v = parse_ok("[[],{},[[]],{\"a\":{}}]");
	cr_assert_eq(v->u.array.len, 4);
	cr_assert_eq(v->u.array.items[0]->u.array.len, 0);
	cr_assert_eq(v->u.array.items[1]->type, JSON_OBJECT);
	cr_assert_eq(v->u.array.items[2]->u.array.items[0]->type, JSON_ARRAY);
}

Test(json_parse, all_escapes)
{
	struct json_value *v =
	    parse_ok("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\"");
	const char want[] = "\"\\/\b\f\n\r\tA\xC3\xA9\xE2\x82\xAC";

	cr_assert_eq(v->u.string.len, sizeof(want) - 1);
	cr_assert_eq(memcmp(v->u.string.ptr, want, sizeof(want)), 0,
	    "decoded bytes differ (or not NUL-terminated)");
}

Test(json_parse, surrogate_pairs)
{
	struct json_value *v =
	    parse_ok("[\"\\ud83d\\ude00\",\"\\uDBFF\\uDFFF\","
		     "\"x\\uD800\\uDC00y\"]");

	cr_assert_str_eq(v->u.array.items[0]->u.string.ptr, "\xF0\x9F\x98\x80");
	cr_assert_str_eq(v->u.array.items[1]->u.string.ptr, "\xF4\x8F\xBF\xBF");
	cr_assert_str_eq(
	    v->u.array.items[2]->u.string.ptr, "x\xF0\x90\x80\x80y");
}

Test(json_parse, raw_utf8_accepted)
{
	struct json_value *v = parse_ok("{\"n\\u00e4me\":\"J\xC3\xBCrgen "
					"\xE2\x82\xAC \xF0\x9F\x98\x80 "
					"\xF4\x8F\xBF\xBF \xEF\xBF\xBF\"}");

	cr_assert_str_eq(v->u.object.members[0].key.ptr, "n\xC3\xA4me");
	cr_assert_str_eq(v->u.object.members[0].value->u.string.ptr,
	    "J\xC3\xBCrgen \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF "
	    "\xEF\xBF\xBF");
}

Test(json_parse, comments)
{
	reject("{\"a\":1 /* c */}", "");
	reject("// c\n{}", "");
	reject("[1] // c", "");
	reject("[1, /* c */ 2]", "");
}

Test(json_parse, nul_bytes)
{
	static const char after[] = "{\"a\":1}\0{\"b\":2}";
	static const char inside[] = "\"ab\0cd\"";
	const char *d;

	/* yajl_tree_parse would stop at the NUL and accept */
	d = reject_len(after, sizeof(after) - 1, "NUL byte");
	cr_assert_str_eq(d, PREFIX "NUL byte at byte 8");
	reject_len(inside, sizeof(inside) - 1, "NUL byte");
	reject("\"\\u0000\"", "\\u0000");
	reject("{\"a\\u0000\":1}", "\\u0000");
	/* an escaped backslash before u0000 is not an escape */
	cr_assert_str_eq(parse_ok("\"\\\\u0000\"")->u.string.ptr, "\\u0000");
}

Test(json_parse, overlong_utf8)
{
	reject("\"\xC0\xAF\"", "invalid UTF-8");
	reject("\"\xC1\xBF\"", "invalid UTF-8");
	reject("\"\xE0\x80\xAF\"", "invalid UTF-8");
	reject("\"\xE0\x9F\xBF\"", "invalid UTF-8");
	reject("\"\xF0\x80\x80\xAF\"", "invalid UTF-8");
	reject("\"\xF0\x8F\xBF\xBF\"", "invalid UTF-8");
	/* the smallest proper forms pass */
	parse_ok("\"\xC2\x80\xE0\xA0\x80\xF0\x90\x80\x80\"");
}

Test(json_parse, encoded_surrogates)
{
	const char *d = reject("\"ab\xED\xA0\x80\"", "invalid UTF-8");

	cr_assert_not_null(strstr(d, "at byte 4"), "%s", d);
	reject("\"\xED\xBF\xBF\"", "invalid UTF-8");
	reject("{\"\xED\xB0\x80\":1}", "invalid UTF-8");
	parse_ok("\"\xED\x9F\xBF\""); /* U+D7FF, just below */
}

Test(json_parse, above_max_code_point)
{
	reject("\"\xF4\x90\x80\x80\"", "invalid UTF-8");
	reject("\"\xF5\x80\x80\x80\"", "invalid UTF-8");
	reject("\"\xF8\x88\x80\x80\x80\"", "invalid UTF-8");
	reject("\"\xFF\"", "invalid UTF-8");
}

Test(json_parse, stray_and_truncated_utf8)
{
	reject("\"\x80\"", "invalid UTF-8");
	reject("\"a\xBF\"", "invalid UTF-8");
	reject("\"\xE2\x82\"", "invalid UTF-8");
	reject("\"\xF0\x9F\x98\"", "invalid UTF-8");
	reject("\"\xC3", "invalid UTF-8");
	reject("\"\xC3 \"", "invalid UTF-8");
	/* outside a string too */
	reject("[1,\xC3\xA9]", "");
}

Test(json_parse, lone_surrogate_escapes)
{
	/* yajl alone turns these into '?', U+10041 or ED B0 80 */
	reject("\"\\uD800\"", "high surrogate without a low one");
	reject("\"\\ud800x\"", "high surrogate without a low one");
	reject("\"\\uD800\\u0041\"", "high surrogate without a low one");
	reject("\"\\uD800\\uD800\"", "high surrogate without a low one");
	reject("\"\\uDBFF\\n\"", "high surrogate without a low one");
	reject("\"\\uD800\\uDC0\"", "high surrogate without a low one");
	reject("\"\\uDC00\"", "low surrogate without a high one");
	reject("\"\\uDFFF\\uD800\"", "low surrogate without a high one");
	reject("{\"\\uDC00\":1}", "low surrogate");
	reject("\"\\uD800", "high surrogate");
}

Test(json_parse, bad_escapes)
{
	reject("\"\\x41\"", "");
	reject("\"\\u12\"", "");
	reject("\"\\u12G4\"", "");
	reject("\"\\'\"", "");
}

Test(json_parse, raw_control_characters)
{
	reject("\"a\tb\"", "");
	reject("\"a\nb\"", "");
}

Test(json_parse, depth_million)
{
	size_t n = 1000000;
	char *deep = repeat("", '[', n, "");
	char *objs;
	const char *d;
	size_t i;

	d = reject_len(deep, n, "nesting");
	cr_assert_str_eq(d, PREFIX "nesting deeper than 32 levels at byte 33");
	free(deep);
	/* the same with objects, closed properly */
	objs = malloc(n * 6 + 1 + n);
	for (i = 0; i < n; i++)
		memcpy(objs + i * 5, "{\"a\":", 5);
	objs[n * 5] = '1';
	memset(objs + n * 5 + 1, '}', n);
	reject_len(objs, n * 6 + 1, "nesting deeper than 32 levels");
	free(objs);
}

Test(json_parse, depth_limit_exact)
{
	char *ok = repeat("", '[', 32, ""), *bad;
	struct json_limits lim = json_limits_default;
	struct json_value *v;
	char *full;
	size_t i;

	full = malloc(65);
	memcpy(full, ok, 32);
	memset(full + 32, ']', 32);
	full[64] = '\0';
	v = parse_ok(full);
	for (i = 1; i < 32; i++)
		v = v->u.array.items[0];
	cr_assert_eq(v->type, JSON_ARRAY);
	cr_assert_eq(v->u.array.len, 0);
	bad = repeat("", '[', 33, "");
	reject(bad, "deeper than 32");
	lim.max_depth = 2;
	reject_lim("[[[]]]", 6, &lim, "deeper than 2 levels at byte 3");
	cr_assert_eq(json_parse(A, "{\"a\":[]}", 8, &lim, &v, NULL), 0);
	free(ok);
	free(bad);
	free(full);
}

Test(json_parse, duplicate_keys)
{
	const char *d;

	reject("{\"a\":1,\"a\":2}", "duplicate member name");
	d = reject("{\"userName\":\"x\",\"USERNAME\":\"y\"}", "duplicate");
	/* reported at the end of the second key; the name is not echoed */
	cr_assert_null(strstr(d, "USERNAME"), "%s", d);
	cr_assert_not_null(strstr(d, "at byte 26"), "%s", d);
	reject("{\"a\":{\"x\":1,\"b\":2,\"X\":3}}", "duplicate");
	reject("{\"name\":{},\"emails\":[],\"NaMe\":null}", "duplicate");
	/* same name in different objects is fine, siblings included */
	parse_ok("{\"a\":{\"a\":1},\"b\":{\"a\":1,\"A\\u0062\":2}}");
	parse_ok("[{\"a\":1,\"b\":2},{\"a\":1,\"b\":2},{\"B\":1,\"A\":2}]");
	/* only ASCII letters fold */
	parse_ok("{\"\xC3\xA9\":1,\"\xC3\x89\":2}");
}

Test(json_parse, duplicate_keys_many)
{
	/* 200 distinct keys then a case variant of the first */
	char doc[4096], *p = doc;
	int i;

	*p++ = '{';
	for (i = 0; i < 200; i++)
		p += sprintf(p, "\"attr%d\":%d,", i, i);
	strcpy(p, "\"ATTR0\":0}");
	reject(doc, "duplicate");
	strcpy(p, "\"attr200\":0}");
	cr_assert_eq(parse_ok(doc)->u.object.len, 201);
}

Test(json_parse, key_cap)
{
	struct json_limits lim = json_limits_default;
	char doc[8192], *p;
	int i;

	p = doc;
	*p++ = '{';
	for (i = 0; i < 256; i++)
		p += sprintf(p, "%s\"k%d\":1", i ? "," : "", i);
	strcpy(p, "}");
	cr_assert_eq(parse_ok(doc)->u.object.len, 256);
	sprintf(p, ",\"k256\":1}");
	reject(doc, "more than 256 members in an object");
	lim.max_keys = 2;
	reject_lim(
	    "{\"a\":1,\"b\":2,\"c\":3}", 19, &lim, "more than 2 members");
}

Test(json_parse, item_cap)
{
	struct json_limits lim = json_limits_default;
	size_t n = 10000, i;
	char *doc = malloc(n * 2 + 3);
	struct json_value *v;

	doc[0] = '[';
	for (i = 0; i < n; i++) {
		doc[1 + i * 2] = '0';
		doc[2 + i * 2] = ',';
	}
	doc[n * 2] = ']';
	doc[n * 2 + 1] = '\0';
	v = parse_ok(doc);
	cr_assert_eq(v->u.array.len, n);
	cr_assert_geq(v->u.array.cap, n);
	doc[n * 2] = ',';
	doc[n * 2 + 1] = '0';
	doc[n * 2 + 2] = ']';
	reject_len(doc, n * 2 + 3, "more than 10000 items in an array");
	lim.max_items = 3;
	reject_lim("[[1,2,3],[4,5,6,7]]", 19, &lim, "more than 3 items");
	/* a nested value is refused before it is read */
	reject_lim(
	    "[1,2,3,[", 8, &lim, "more than 3 items in an array at byte 8");
	free(doc);
}

Test(json_parse, token_cap)
{
	struct json_limits lim = json_limits_default;
	struct json_value *v;
	struct scim_err err;
	size_t i, n;
	char *doc, *p;

	lim.max_tokens = 11;
	/* [ + 9 values + ] = 11 tokens */
	cr_assert_eq(
	    json_parse(A, "[1,2,3,4,5,6,7,8,9]", 19, &lim, &v, &err), 0);
	reject_lim("[1,2,3,4,5,6,7,8,9,0]", 21, &lim, "more than 11 tokens");
	/* keys count too: { k v k v k v k v k v } = 12 */
	reject_lim(
	    "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}", 31, &lim, "tokens");
	/* the default: 11 arrays of 9,999 numbers each */
	n = 11;
	doc = p = malloc(n * (9999 * 2 + 2) + 3);
	*p++ = '[';
	for (i = 0; i < n; i++) {
		size_t j;

		*p++ = i ? ',' : '[';
		if (i)
			*p++ = '[';
		for (j = 0; j < 9999; j++) {
			*p++ = '1';
			*p++ = ',';
		}
		p[-1] = ']';
	}
	*p++ = ']';
	reject_len(doc, (size_t)(p - doc), "more than 100000 tokens");
	free(doc);
}

Test(json_parse, string_cap)
{
	struct json_limits lim = json_limits_default;
	size_t mb = 1000 * 1000;
	char *doc = repeat("\"", 'a', mb, "\"");
	char *key = repeat("{\"", 'k', 100, "\":1}");
	struct json_value *v;

	v = parse_len(doc, mb + 2);
	cr_assert_eq(v->u.string.len, mb);
	cr_assert_eq(v->u.string.ptr[mb], '\0');
	lim.max_string = 999999;
	reject_lim(doc, mb + 2, &lim, "string longer than 999999 bytes");
	lim.max_string = 99;
	reject_lim(key, strlen(key), &lim, "string longer than 99 bytes");
	lim.max_string = 100;
	cr_assert_eq(json_parse(A, key, strlen(key), &lim, &v, NULL), 0);
	/* the cap is on decoded bytes: 6 escape bytes decode to 2 */
	lim.max_string = 2;
	cr_assert_eq(json_parse(A, "\"\\u00e9\"", 8, &lim, &v, NULL), 0);
	lim.max_string = 1;
	reject_lim("\"\\u00e9\"", 8, &lim, "longer than 1 byte");
	free(doc);
	free(key);
}

Test(json_parse, string_default_cap)
{
	size_t mib = 1024 * 1024;
	char *doc = repeat("[\"", 'x', mib + 1, "\"]");

	reject_len(doc, mib + 5, "string longer than 1048576 bytes");
	doc[mib + 2] = '"';
	doc[mib + 3] = ']';
	cr_assert_eq(
	    parse_len(doc, mib + 4)->u.array.items[0]->u.string.len, mib);
	free(doc);
}

Test(json_parse, trailing_garbage)
{
	reject("{} x", "trailing garbage");
	reject("[1]]", "");
	reject("{}}", "");
	reject("\"a\" \"b\"", "");
	reject("truex", "");
}

Test(json_parse, multiple_values)
{
	reject("1 2", "");
	reject("{} {}", "");
	reject("[]\n[]", "");
	reject("null null", "");
}

Test(json_parse, empty_and_truncated)
{
	reject_len("", 0, "empty");
	reject("   ", "");
	reject("{", "");
	reject("{\"a\":", "");
	reject("{\"a\"", "");
	reject("[1,2", "");
	reject("[1,", "");
	reject("\"abc", "");
	reject("tru", "");
	reject("{\"a\":1,}", "");
	reject("[1,]", "");
	/* the explicit length wins over the NUL terminator */
	reject_len("[1,2]", 4, "");
	cr_assert_eq(parse_len("[1,2] trailing", 5)->u.array.len, 2);
}

Test(json_parse, details_never_echo_input)
{
	const char *d;

	d = reject("{\"<script>\":1,\"<SCRIPT>\":2}", "duplicate");
	cr_assert_null(strstr(d, "script"), "%s", d);
	cr_assert_null(strstr(d, "SCRIPT"), "%s", d);
	d = reject("[\"<script>\" <script>]", "");
	cr_assert_null(strstr(d, "script"), "%s", d);
	d = reject("{\"secret-token-123\" 1}", "");
	cr_assert_null(strstr(d, "secret"), "%s", d);
	d = reject("<script>alert(1)</script>", "");
	cr_assert_null(strstr(d, "script"), "%s", d);
	cr_assert_null(strstr(d, "\n"), "%s", d);
}

Test(json_parse, yajl_error_position)
{
	const char *d = reject("[1,2,x]", "");

	/* yajl's short message, then where */
	cr_assert_not_null(strstr(d, "at byte 6"), "%s", d);
	cr_assert_null(strstr(d, "error:"), "%s", d);
}

Test(json_parse, null_limits_mean_default)
{
	struct json_value *v;
	char *bad = repeat("", '[', 40, "");

	cr_assert_eq(json_parse(A, "[1]", 3, NULL, &v, NULL), 0);
	cr_assert_eq(v->u.array.len, 1);
	cr_assert_eq(
	    json_parse(A, bad, 40, NULL, &v, NULL), SCIM_E_INVALID_SYNTAX);
	free(bad);
}

Test(json_parse, strings_are_arena_copies)
{
	char doc[] = "{\"key\":\"value\"}";
	struct json_value *v = parse_ok(doc);

	memset(doc, 'Z', sizeof(doc) - 1);
	cr_assert_str_eq(v->u.object.members[0].key.ptr, "key");
	cr_assert_eq(v->u.object.members[0].key.len, 3);
	cr_assert_str_eq(v->u.object.members[0].value->u.string.ptr, "value");
}

/*
 * scan_raw skips plain bytes eight at a time: whatever the alignment of
 * a NUL, a bad UTF-8 byte or a bad escape inside a long plain run, it is
 * still found, at its own position.
 */
Test(json_parse, scan_finds_bad_bytes_at_every_offset)
{
	char buf[64], want[64];
	size_t k, len;

	for (k = 0; k < 24; k++) {
		len = (size_t)snprintf(buf, sizeof(buf), "{\"a\":\"%s\"}",
		    "abcdefghijklmnopqrstuvwxyz0123");
		buf[6 + k] = '\0';
		snprintf(want, sizeof(want), "NUL byte at byte %zu", 7 + k);
		reject_len(buf, len, want);
		buf[6 + k] = (char)0xC0;
		snprintf(
		    want, sizeof(want), "invalid UTF-8 at byte %zu", 7 + k);
		reject_len(buf, len, want);
	}
	for (k = 0; k < 16; k++) {
		len = (size_t)snprintf(buf, sizeof(buf), "[\"%.*s\\ud800\"]",
		    (int)k, "abcdefghijklmnop");
		snprintf(want, sizeof(want),
		    "high surrogate without a low one at byte %zu", 3 + k);
		reject_len(buf, len, want);
	}
}

/*
 * yajl decodes escaped strings into a buffer that doubles as it grows;
 * its blocks come from the arena up to 64 KiB and from malloc past that
 * (json_parse.c). A long escaped string takes it across that line.
 */
Test(json_parse, long_escaped_string)
{
	const size_t n = 200000;
	char *doc = malloc(2 * n + 8), *p = doc;
	struct json_value *v;
	size_t i;

	*p++ = '[';
	*p++ = '"';
	for (i = 0; i < n; i++) {
		if (i % 50 == 49) {
			*p++ = '\\';
			*p++ = 'n';
		} else {
			*p++ = (char)('a' + i % 26);
		}
	}
	*p++ = '"';
	*p++ = ']';
	v = parse_len(doc, (size_t)(p - doc));
	cr_assert_eq(v->u.array.len, 1);
	v = v->u.array.items[0];
	cr_assert_eq(v->type, JSON_STRING);
	cr_assert_eq(v->u.string.len, n);
	for (i = 0; i < n; i++)
		cr_assert_eq(v->u.string.ptr[i],
		    i % 50 == 49 ? '\n' : (char)('a' + i % 26), "byte %zu", i);
	free(doc);
}
