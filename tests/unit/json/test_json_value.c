/* Value constructors, object/array helpers, clone and equality
 * (json/json.c). */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json/json.h"

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

TestSuite(json_value, .init = setup, .fini = teardown);

static struct json_value *
parse(const char *s)
{
	struct json_value *v = NULL;
	struct scim_err err;

	cr_assert_eq(
	    json_parse(A, s, strlen(s), NULL, &v, &err), 0, "%s", err.detail);
	return v;
}

Test(json_value, scalars)
{
	struct json_value *v;

	cr_assert_eq(json_null(A)->type, JSON_NULL);
	v = json_bool(A, 7);
	cr_assert_eq(v->type, JSON_BOOL);
	cr_assert_eq(v->u.boolean, 1, "booleans are normalised to 0/1");
	cr_assert_eq(json_bool(A, 0)->u.boolean, 0);
	v = json_int(A, INT64_MIN);
	cr_assert_eq(v->type, JSON_INT);
	cr_assert_eq(v->u.integer, INT64_MIN);
	v = json_double(A, -2.25);
	cr_assert_eq(v->type, JSON_DOUBLE);
	cr_assert(v->u.number == -2.25);
}

Test(json_value, strings_are_copied)
{
	char src[] = "hello world";
	struct json_value *v = json_string(A, str_make(src, 5));
	struct json_value *c = json_cstring(A, src);

	memset(src, 'x', sizeof(src) - 1);
	cr_assert_eq(v->type, JSON_STRING);
	cr_assert_eq(v->u.string.len, 5);
	cr_assert_str_eq(v->u.string.ptr, "hello", "copy is NUL-terminated");
	cr_assert_str_eq(c->u.string.ptr, "hello world");
	cr_assert_eq(c->u.string.len, 11);
	v = json_string(A, STR_NULL);
	cr_assert_eq(v->u.string.len, 0);
	cr_assert_not_null(v->u.string.ptr);
	cr_assert_str_eq(v->u.string.ptr, "");
	/* bytes after an embedded NUL are kept: the view has a length */
	v = json_string(A, str_make("a\0b", 3));
	cr_assert_eq(v->u.string.len, 3);
	cr_assert_eq(v->u.string.ptr[2], 'b');
}

Test(json_value, array_append_grows)
{
	struct json_value *arr = json_array(A);
	size_t i, lastcap = 0, grows = 0;

	cr_assert_eq(arr->type, JSON_ARRAY);
	cr_assert_eq(arr->u.array.len, 0);
	for (i = 0; i < 1000; i++) {
		json_array_append(A, arr, json_int(A, (int64_t)i));
		cr_assert_geq(arr->u.array.cap, arr->u.array.len);
		if (arr->u.array.cap != lastcap) {
			/* amortised: capacity at least doubles each time */
			cr_assert_geq(arr->u.array.cap, lastcap * 2);
			lastcap = arr->u.array.cap;
			grows++;
		}
	}
	cr_assert_eq(arr->u.array.len, 1000);
	cr_assert_leq(grows, 10);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(arr->u.array.items[i]->u.integer, (int64_t)i);
}

Test(json_value, object_set_get)
{
	struct json_value *o = json_object(A);
	char key[] = "userName";

	cr_assert_eq(o->type, JSON_OBJECT);
	json_object_set(A, o, str_from(key), json_cstring(A, "bjensen"));
	json_object_set_cstr(A, o, "active", json_bool(A, 1));
	key[0] = 'X'; /* the key was copied */
	cr_assert_eq(o->u.object.len, 2);
	cr_assert_str_eq(o->u.object.members[0].key.ptr, "userName");
	cr_assert_str_eq(
	    json_object_get_cstr(o, "USERNAME")->u.string.ptr, "bjensen");
	cr_assert_str_eq(
	    json_object_get(o, STR_LIT("username"))->u.string.ptr, "bjensen");
	cr_assert_eq(json_object_get_cstr(o, "ACTIVE")->u.boolean, 1);
	cr_assert_null(json_object_get_cstr(o, "userNam"));
	cr_assert_null(json_object_get_cstr(o, "userNames"));
	/* a view that is not NUL-terminated */
	cr_assert_not_null(json_object_get(o, str_make("activeXYZ", 6)));
}

Test(json_value, object_set_replaces_in_place)
{
	struct json_value *o = json_object(A);

	json_object_set_cstr(A, o, "a", json_int(A, 1));
	json_object_set_cstr(A, o, "userName", json_int(A, 2));
	json_object_set_cstr(A, o, "z", json_int(A, 3));
	json_object_set_cstr(A, o, "USERNAME", json_int(A, 20));
	cr_assert_eq(o->u.object.len, 3, "no second member for a case variant");
	cr_assert_eq(o->u.object.members[1].value->u.integer, 20);
	/* same position; the new spelling of the key is kept */
	cr_assert_str_eq(o->u.object.members[1].key.ptr, "USERNAME");
	cr_assert_eq(json_object_get_cstr(o, "username")->u.integer, 20);
}

Test(json_value, object_many_members)
{
	struct json_value *o = json_object(A);
	char k[16];
	int i;

	for (i = 0; i < 300; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		json_object_set_cstr(A, o, k, json_int(A, i));
	}
	cr_assert_eq(o->u.object.len, 300);
	cr_assert_geq(o->u.object.cap, 300);
	for (i = 0; i < 300; i++) {
		snprintf(k, sizeof(k), "K%d", i);
		cr_assert_eq(json_object_get_cstr(o, k)->u.integer, i);
	}
}

Test(json_value, get_on_non_objects)
{
	struct json_value *arr = json_array(A);

	json_array_append(A, arr, json_int(A, 1));
	cr_assert_null(json_object_get_cstr(NULL, "a"));
	cr_assert_null(json_object_get_cstr(arr, "a"));
	cr_assert_null(json_object_get_cstr(json_cstring(A, "a"), "a"));
	cr_assert_null(json_object_get_cstr(json_object(A), "a"));
	cr_assert_eq(json_object_remove(arr, STR_LIT("a")), 0);
	cr_assert_eq(json_object_remove(NULL, STR_LIT("a")), 0);
}

Test(json_value, object_remove)
{
	struct json_value *o = parse("{\"a\":1,\"b\":2,\"c\":3,\"d\":4}");

	cr_assert_eq(json_object_remove(o, STR_LIT("B")), 1);
	cr_assert_eq(o->u.object.len, 3);
	/* order of the rest is kept */
	cr_assert_str_eq(o->u.object.members[0].key.ptr, "a");
	cr_assert_str_eq(o->u.object.members[1].key.ptr, "c");
	cr_assert_str_eq(o->u.object.members[2].key.ptr, "d");
	cr_assert_null(json_object_get_cstr(o, "b"));
	cr_assert_eq(json_object_remove(o, STR_LIT("b")), 0);
	cr_assert_eq(json_object_remove(o, STR_LIT("D")), 1);
	cr_assert_eq(json_object_remove(o, STR_LIT("a")), 1);
	cr_assert_eq(json_object_remove(o, STR_LIT("c")), 1);
	cr_assert_eq(o->u.object.len, 0);
	/* and it can grow again */
	json_object_set_cstr(A, o, "e", json_null(A));
	cr_assert_eq(o->u.object.len, 1);
	cr_assert_eq(json_object_get_cstr(o, "E")->type, JSON_NULL);
}

Test(json_value, clone_is_deep)
{
	struct json_value *v =
	    parse("{\"name\":{\"givenName\":\"Barbara\"},"
		  "\"emails\":[{\"value\":\"b@x\"}],"
		  "\"n\":1.5,\"i\":-3,\"t\":true,\"z\":null}");
	struct arena *b = arena_new();
	struct json_value *c = json_clone(b, v), *name;

	cr_assert(json_equal(v, c));
	cr_assert_neq(c, v);
	name = json_object_get_cstr(c, "name");
	cr_assert_neq(name, json_object_get_cstr(v, "name"));
	cr_assert_neq(
	    c->u.object.members[0].key.ptr, v->u.object.members[0].key.ptr);
	json_object_set_cstr(b, name, "givenName", json_cstring(b, "Babs"));
	json_array_append(b, json_object_get_cstr(c, "emails"), json_null(b));
	cr_assert_not(json_equal(v, c));
	cr_assert_str_eq(
	    json_object_get_cstr(json_object_get_cstr(v, "name"), "givenName")
		->u.string.ptr,
	    "Barbara");
	cr_assert_eq(json_object_get_cstr(v, "emails")->u.array.len, 1);
	/* the clone lives on after the source arena... and vice versa */
	arena_free(b);
	cr_assert_null(json_clone(A, NULL));
}

Test(json_value, clone_outlives_source)
{
	struct arena *src = arena_new();
	struct json_value *v, *c;
	struct scim_err err;

	cr_assert_eq(
	    json_parse(src, "[\"abc\",{\"k\":[1,2]}]", 19, NULL, &v, &err), 0);
	c = json_clone(A, v);
	arena_free(src);
	cr_assert_str_eq(c->u.array.items[0]->u.string.ptr, "abc");
	cr_assert_eq(json_object_get_cstr(c->u.array.items[1], "K")
			 ->u.array.items[1]
			 ->u.integer,
	    2);
	/* the clone's arrays are real arena vectors: appending works */
	json_array_append(A, c, json_int(A, 9));
	cr_assert_eq(c->u.array.len, 3);
}

Test(json_value, equal)
{
	cr_assert(json_equal(parse("{\"a\":1,\"B\":[true,null,\"x\"]}"),
	    parse("{\"b\":[true,null,\"x\"],\"A\":1}")));
	cr_assert_not(
	    json_equal(parse("{\"a\":1}"), parse("{\"a\":1,\"b\":1}")));
	cr_assert_not(
	    json_equal(parse("{\"a\":1,\"b\":1}"), parse("{\"a\":1}")));
	cr_assert_not(json_equal(parse("{\"a\":1}"), parse("{\"b\":1}")));
	cr_assert_not(
	    json_equal(parse("{\"a\":\"x\"}"), parse("{\"a\":\"X\"}")),
	    "string values compare exactly");
	cr_assert_not(json_equal(parse("[1,2]"), parse("[2,1]")));
	cr_assert_not(json_equal(parse("[1,2]"), parse("[1,2,3]")));
	cr_assert_not(json_equal(parse("1"), parse("1.0")),
	    "int and double are different types");
	cr_assert_not(json_equal(parse("true"), parse("false")));
	cr_assert_not(json_equal(parse("null"), parse("false")));
	cr_assert_not(json_equal(parse("\"ab\""), parse("\"abc\"")));
	cr_assert(json_equal(parse("2.5"), parse("25e-1")));
	cr_assert(json_equal(parse("-0"), parse("0")));
	cr_assert(json_equal(json_bool(A, 5), json_bool(A, 1)));
	cr_assert(json_equal(NULL, NULL));
	cr_assert_not(json_equal(NULL, json_null(A)));
	cr_assert_not(json_equal(json_null(A), NULL));
}
