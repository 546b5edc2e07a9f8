/* The compact writer (json/json_write.c): exact output, escaping, refusal
 * of malformed trees, and round trips through the reader. */
#include <criterion/criterion.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "json/json.h"

static struct arena *A;
static struct buf B;

static void
setup(void)
{
	A = arena_new();
	buf_init(&B);
}

static void
teardown(void)
{
	buf_free(&B);
	arena_free(A);
}

TestSuite(json_write, .init = setup, .fini = teardown);

static struct json_value *
parse_len(const char *s, size_t len)
{
	struct json_value *v = NULL;
	struct scim_err err;

	cr_assert_eq(
	    json_parse(A, s, len, NULL, &v, &err), 0, "%s", err.detail);
	return v;
}

static struct json_value *
parse(const char *s)
{
	return parse_len(s, strlen(s));
}

/* Writes v into a fresh buffer and returns it (valid until next call). */
static const char *
write_ok(const struct json_value *v)
{
	buf_reset(&B);
	cr_assert_eq(json_write(v, &B), 0);
	return buf_cstr(&B);
}

static void
expect_write(const struct json_value *v, const char *want)
{
	cr_assert_str_eq(write_ok(v), want);
	cr_assert_eq(B.len, strlen(want));
}

Test(json_write, scalars)
{
	expect_write(json_null(A), "null");
	expect_write(json_bool(A, 1), "true");
	expect_write(json_bool(A, 0), "false");
	expect_write(json_int(A, 0), "0");
	expect_write(json_int(A, -17), "-17");
	expect_write(json_int(A, INT64_MAX), "9223372036854775807");
	expect_write(json_int(A, INT64_MIN), "-9223372036854775808");
	expect_write(json_cstring(A, ""), "\"\"");
	expect_write(json_cstring(A, "plain"), "\"plain\"");
}

Test(json_write, doubles)
{
	expect_write(json_double(A, 1.0), "1.0");
	expect_write(json_double(A, -3.0), "-3.0");
	expect_write(json_double(A, 0.0), "0.0");
	expect_write(json_double(A, -0.0), "-0.0");
	expect_write(json_double(A, 1.5), "1.5");
	expect_write(json_double(A, 0.1), "0.1");
	expect_write(json_double(A, 1e300), "1e+300");
	expect_write(json_double(A, 1e-7), "1e-07");
	expect_write(json_double(A, 0.1 + 0.2), "0.30000000000000004");
	expect_write(
	    json_double(A, 123456789012345678.0), "1.2345678901234568e+17");
}

Test(json_write, doubles_round_trip)
{
	static const double vals[] = {1.0 / 3, 2.0 / 3, 0.1 + 0.2, DBL_MAX,
	    DBL_MIN, 5e-324, -DBL_MAX, 1e15, 1e16, 1e17, 9007199254740993.0,
	    123.456, -0.0, 3.0, 4.35, 2.675};
	size_t i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct json_value *back;
		const char *s = write_ok(json_double(A, vals[i]));

		back = parse(s);
		cr_assert_eq(back->type, JSON_DOUBLE, "%s read back as %d", s,
		    back->type);
		cr_assert(back->u.number == vals[i], "%s != %.17g", s, vals[i]);
		cr_assert_eq(signbit(back->u.number), signbit(vals[i]));
	}
}

Test(json_write, non_finite_is_internal)
{
	struct json_value *arr = json_array(A);

	buf_append_cstr(&B, "prefix");
	cr_assert_eq(json_write(json_double(A, INFINITY), &B), SCIM_E_INTERNAL);
	cr_assert_eq(
	    json_write(json_double(A, -INFINITY), &B), SCIM_E_INTERNAL);
	cr_assert_eq(json_write(json_double(A, NAN), &B), SCIM_E_INTERNAL);
	/* deep inside a tree: nothing half-written is left behind */
	json_array_append(A, arr, json_int(A, 1));
	json_array_append(A, arr, json_double(A, NAN));
	cr_assert_eq(json_write(arr, &B), SCIM_E_INTERNAL);
	cr_assert_eq(B.len, 6);
	cr_assert_str_eq(B.data, "prefix");
}

Test(json_write, escapes)
{
	expect_write(json_cstring(A, "a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
	expect_write(json_cstring(A, "\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
	expect_write(json_cstring(A, "\x01\x1f\x0b\x7f"),
	    "\"\\u0001\\u001f\\u000b\x7f\"");
	expect_write(json_string(A, str_make("a\0b", 3)), "\"a\\u0000b\"");
	/* non-ASCII goes out as is */
	expect_write(
	    json_cstring(A, "J\xC3\xBCrgen \xE2\x82\xAC \xF0\x9F\x98\x80"),
	    "\"J\xC3\xBCrgen \xE2\x82\xAC \xF0\x9F\x98\x80\"");
}

Test(json_write, every_control_char)
{
	char in[32], want[32 * 6 + 3], *w = want;
	int c;

	for (c = 0; c < 32; c++)
		in[c] = (char)c;
	*w++ = '"';
	for (c = 0; c < 32; c++) {
		const char *s = NULL;

		switch (c) {
		case '\b':
			s = "\\b";
			break;
		case '\f':
			s = "\\f";
			break;
		case '\n':
			s = "\\n";
			break;
		case '\r':
			s = "\\r";
			break;
		case '\t':
			s = "\\t";
			break;
		}
		if (s != NULL)
			w += sprintf(w, "%s", s);
		else
			w += sprintf(w, "\\u%04x", c);
	}
	strcpy(w, "\"");
	expect_write(json_string(A, str_make(in, 32)), want);
}

Test(json_write, invalid_utf8_is_internal)
{
	static const char *bad[] = {"\xC0\xAF", "\xED\xA0\x80",
	    "\xF4\x90\x80\x80", "a\x80", "\xE2\x82", "\xFF"};
	struct json_value *o;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&B);
		buf_append_cstr(&B, "keep");
		cr_assert_eq(json_write(json_cstring(A, bad[i]), &B),
		    SCIM_E_INTERNAL, "bad[%zu]", i);
		cr_assert_str_eq(B.data, "keep");
		o = json_object(A);
		json_object_set_cstr(A, o, "ok", json_int(A, 1));
		json_object_set_cstr(A, o, bad[i], json_int(A, 1));
		cr_assert_eq(json_write(o, &B), SCIM_E_INTERNAL, "key %zu", i);
		cr_assert_eq(B.len, 4);
	}
}

Test(json_write, malformed_trees_are_internal)
{
	struct json_value *arr = json_array(A), *o = json_object(A), bogus;

	cr_assert_eq(json_write(NULL, &B), SCIM_E_INTERNAL);
	json_array_append(A, arr, json_null(A));
	arr->u.array.items[0] = NULL;
	cr_assert_eq(json_write(arr, &B), SCIM_E_INTERNAL);
	json_object_set_cstr(A, o, "k", json_null(A));
	o->u.object.members[0].value = NULL;
	cr_assert_eq(json_write(o, &B), SCIM_E_INTERNAL);
	memset(&bogus, 0, sizeof(bogus));
	bogus.type = (enum json_type)99;
	cr_assert_eq(json_write(&bogus, &B), SCIM_E_INTERNAL);
	bogus.type = JSON_STRING;
	bogus.u.string = str_make(NULL, 3);
	cr_assert_eq(json_write(&bogus, &B), SCIM_E_INTERNAL);
	cr_assert_eq(B.len, 0);
}

Test(json_write, write_string_direct)
{
	buf_append_cstr(&B, "x=");
	json_write_string(&B, STR_LIT("a\"b"));
	cr_assert_str_eq(B.data, "x=\"a\\\"b\"");
	buf_reset(&B);
	/* invalid bytes become U+FFFD, so the output is still valid JSON */
	json_write_string(&B, STR_LIT("a\xFF\xC3z"));
	cr_assert_str_eq(B.data, "\"a\xEF\xBF\xBD\xEF\xBF\xBDz\"");
	buf_reset(&B);
	json_write_string(&B, STR_NULL);
	cr_assert_str_eq(B.data, "\"\"");
}

Test(json_write, long_string_reserves_once)
{
	size_t n = 200000, i;
	char *s = malloc(n);
	const char *out;

	for (i = 0; i < n; i++)
		s[i] = (i % 7 == 0) ? '\n' : 'a';
	json_write_string(&B, str_make(s, n));
	out = buf_cstr(&B);
	cr_assert_eq(B.len, n + (n + 6) / 7 + 2);
	cr_assert_eq(out[0], '"');
	cr_assert_eq(out[1], '\\');
	cr_assert_eq(out[2], 'n');
	cr_assert_eq(out[B.len - 1], '"');
	free(s);
}

Test(json_write, containers_compact)
{
	struct json_value *o = json_object(A), *arr = json_array(A);

	expect_write(o, "{}");
	expect_write(arr, "[]");
	json_array_append(A, arr, json_int(A, 1));
	json_array_append(A, arr, json_cstring(A, "two"));
	json_array_append(A, arr, json_object(A));
	json_object_set_cstr(A, o, "schemas", arr);
	json_object_set_cstr(A, o, "k\"ey", json_null(A));
	expect_write(o, "{\"schemas\":[1,\"two\",{}],\"k\\\"ey\":null}");
}

Test(json_write, reformat_exact)
{
	struct json_value *v = parse(
	    " { \"schemas\" : [ \"urn:ietf:params:scim:api:messages:2.0:PatchOp\" ] ,\n"
	    "  \"Operations\" : [ { \"op\" : \"replace\" , \"path\" : \"active\" ,"
	    " \"value\" : false } ] , \"n\":-0.5e1, \"u\":\"\\u00e9\\ud83d\\ude00\\/\" } ");

	expect_write(v,
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[{\"op\":\"replace\",\"path\":\"active\","
	    "\"value\":false}],\"n\":-5.0,\"u\":\"\xC3\xA9\xF0\x9F\x98\x80/\"}");
}

Test(json_write, round_trips)
{
	static const char *docs[] = {
	    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
	    "\"userName\":\"bjensen\",\"name\":{\"givenName\":\"Barbara\"},"
	    "\"emails\":[{\"value\":\"b@example.com\",\"primary\":true}],"
	    "\"meta\":{\"version\":\"W/\\\"3694e05e9dff590\\\"\"}}",
	    "[1,-1,0,1.5,-2.5e-10,1e300,9223372036854775807,"
	    "-9223372036854775808,true,false,null,\"\",[],{}]",
	    "\"\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\\\/\x7f\"",
	    "{\"a\":{\"b\":{\"c\":{\"d\":[[[[\"deep\"]]]]}}}}",
	    "\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80"
	    "\xF4\x8F\xBF\xBF\"",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct json_value *v = parse(docs[i]), *again;
		struct buf second;
		char *first;

		first = strdup(write_ok(v));
		again = parse(first);
		cr_assert(json_equal(v, again), "doc %zu: %s", i, first);
		/* writing is a fixed point after one pass */
		buf_init(&second);
		cr_assert_eq(json_write(again, &second), 0);
		cr_assert_str_eq(buf_cstr(&second), first);
		buf_free(&second);
		free(first);
	}
}

Test(json_write, appends_to_existing_content)
{
	buf_append_cstr(&B, "HTTP body: ");
	cr_assert_eq(json_write(parse("[1,2]"), &B), 0);
	cr_assert_str_eq(B.data, "HTTP body: [1,2]");
}

/* Plain strings are copied in one go; a byte that needs escaping, at any
 * position, still sends the whole string through the escaping path. */
Test(json_write, escape_at_any_offset)
{
	char in[24], want[40];
	size_t k;

	for (k = 0; k < 16; k++) {
		memcpy(in, "abcdefghijklmnop", 16);
		in[16] = '\0';
		in[k] = '\n';
		snprintf(want, sizeof(want), "\"%.*s\\n%s\"", (int)k, in,
		    in + k + 1);
		expect_write(json_cstring(A, in), want);
	}
	expect_write(json_cstring(A, ""), "\"\"");
	expect_write(json_cstring(A, "plain ascii ~!"), "\"plain ascii ~!\"");
}
