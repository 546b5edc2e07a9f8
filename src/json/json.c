/*
 * JSON value tree: constructors, object and array helpers, deep copy and
 * structural equality. Every node lives in the caller's arena. Object keys
 * compare ASCII case-insensitively because SCIM attribute names do
 * (RFC 7643 §2.1).
 */
#include "config.h"

#include <assert.h>
#include <string.h>

#include "json/json.h"

/* First capacity for arrays and objects; growth doubles from there. */
#define JSON_FIRST_CAP 4

static struct json_value *
new_value(struct arena *a, enum json_type t)
{
	struct json_value *v = arena_alloc(a, sizeof(*v));

	v->type = t;
	return v;
}

struct json_value *
json_null(struct arena *a)
{
	return new_value(a, JSON_NULL);
}

struct json_value *
json_bool(struct arena *a, int b)
{
	struct json_value *v = new_value(a, JSON_BOOL);

	v->u.boolean = b != 0;
	return v;
}

struct json_value *
json_int(struct arena *a, int64_t i)
{
	struct json_value *v = new_value(a, JSON_INT);

	v->u.integer = i;
	return v;
}

struct json_value *
json_double(struct arena *a, double d)
{
	struct json_value *v = new_value(a, JSON_DOUBLE);

	v->u.number = d;
	return v;
}

struct json_value *
json_string(struct arena *a, struct str s)
{
	struct json_value *v = new_value(a, JSON_STRING);

	v->u.string = arena_str(a, s);
	return v;
}

struct json_value *
json_cstring(struct arena *a, const char *s)
{
	return json_string(a, str_from(s));
}

struct json_value *
json_array(struct arena *a)
{
	return new_value(a, JSON_ARRAY);
}

struct json_value *
json_object(struct arena *a)
{
	return new_value(a, JSON_OBJECT);
}

/*
 * Grows a vector of *cap elements of size sz, doubling, and returns the new
 * storage. arena_allocarray checks the multiplication; the old block stays
 * in the arena until it is freed (arenas never free single blocks).
 */
static void *
grow(struct arena *a, void *old, size_t *cap, size_t sz)
{
	size_t ncap = *cap == 0 ? JSON_FIRST_CAP : *cap * 2;
	void *p = arena_allocarray(a, ncap, sz);

	if (*cap > 0)
		memcpy(p, old, *cap * sz);
	*cap = ncap;
	return p;
}

void
json_array_append(struct arena *a, struct json_value *arr, struct json_value *v)
{
	assert(arr != NULL && arr->type == JSON_ARRAY && v != NULL);
	if (arr->u.array.len == arr->u.array.cap)
		arr->u.array.items = grow(a, arr->u.array.items,
		    &arr->u.array.cap, sizeof(arr->u.array.items[0]));
	arr->u.array.items[arr->u.array.len++] = v;
}

/* Index of key in obj (case-insensitive), or -1. */
static long
find_key(const struct json_value *obj, struct str key)
{
	size_t i;

	for (i = 0; i < obj->u.object.len; i++)
		if (str_caseeq(obj->u.object.members[i].key, key))
			return (long)i;
	return -1;
}

void
json_object_set(struct arena *a, struct json_value *obj, struct str key,
    struct json_value *v)
{
	struct json_member *m;
	long i;

	assert(obj != NULL && obj->type == JSON_OBJECT && v != NULL);
	i = find_key(obj, key);
	if (i >= 0) {
		/* Same position, so member order stays stable; the caller's
		 * spelling of the key wins. */
		m = &obj->u.object.members[i];
	} else {
		if (obj->u.object.len == obj->u.object.cap)
			obj->u.object.members = grow(a, obj->u.object.members,
			    &obj->u.object.cap, sizeof(*m));
		m = &obj->u.object.members[obj->u.object.len++];
	}
	m->key = arena_str(a, key);
	m->value = v;
}

void
json_object_set_cstr(struct arena *a, struct json_value *obj, const char *key,
    struct json_value *v)
{
	json_object_set(a, obj, str_from(key), v);
}

struct json_value *
json_object_get(const struct json_value *obj, struct str key)
{
	long i;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	i = find_key(obj, key);
	return i < 0 ? NULL : obj->u.object.members[i].value;
}

struct json_value *
json_object_get_cstr(const struct json_value *obj, const char *key)
{
	return json_object_get(obj, str_from(key));
}

int
json_object_remove(struct json_value *obj, struct str key)
{
	struct json_member *m;
	size_t n;
	long i;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return 0;
	i = find_key(obj, key);
	if (i < 0)
		return 0;
	/* Keep the remaining members in order: output stays predictable. */
	m = obj->u.object.members;
	n = obj->u.object.len - (size_t)i - 1;
	if (n > 0)
		memmove(&m[i], &m[i + 1], n * sizeof(*m));
	obj->u.object.len--;
	memset(&m[obj->u.object.len], 0, sizeof(*m));
	return 1;
}

struct json_value *
json_clone(struct arena *a, const struct json_value *v)
{
	struct json_value *c;
	size_t i, n;

	if (v == NULL)
		return NULL;
	c = new_value(a, v->type);
	switch (v->type) {
	case JSON_STRING:
		c->u.string = arena_str(a, v->u.string);
		break;
	case JSON_ARRAY:
		n = v->u.array.len;
		c->u.array.items = arena_allocarray(a, n, sizeof(c));
		for (i = 0; i < n; i++)
			c->u.array.items[i] =
			    json_clone(a, v->u.array.items[i]);
		c->u.array.len = c->u.array.cap = n;
		break;
	case JSON_OBJECT:
		n = v->u.object.len;
		c->u.object.members =
		    arena_allocarray(a, n, sizeof(struct json_member));
		for (i = 0; i < n; i++) {
			struct json_member *m = &c->u.object.members[i];

			m->key = arena_str(a, v->u.object.members[i].key);
			m->value = json_clone(a, v->u.object.members[i].value);
		}
		c->u.object.len = c->u.object.cap = n;
		break;
	default:
		/* Scalars carry no pointers. */
		c->u = v->u;
		break;
	}
	return c;
}

static int
objects_equal(const struct json_value *x, const struct json_value *y)
{
	size_t i;

	if (x->u.object.len != y->u.object.len)
		return 0;
	/* Keys are unique within an object (case-insensitively), so equal
	 * counts plus every x member matching in y means equal sets. */
	for (i = 0; i < x->u.object.len; i++) {
		const struct json_member *m = &x->u.object.members[i];
		const struct json_value *other = json_object_get(y, m->key);

		if (other == NULL || !json_equal(m->value, other))
			return 0;
	}
	return 1;
}

int
json_equal(const struct json_value *x, const struct json_value *y)
{
	size_t i;

	if (x == NULL || y == NULL)
		return x == y;
	if (x->type != y->type)
		return 0;
	switch (x->type) {
	case JSON_NULL:
		return 1;
	case JSON_BOOL:
		return !x->u.boolean == !y->u.boolean;
	case JSON_INT:
		return x->u.integer == y->u.integer;
	case JSON_DOUBLE:
		return x->u.number == y->u.number;
	case JSON_STRING:
		return str_eq(x->u.string, y->u.string);
	case JSON_ARRAY:
		if (x->u.array.len != y->u.array.len)
			return 0;
		for (i = 0; i < x->u.array.len; i++)
			if (!json_equal(
				x->u.array.items[i], y->u.array.items[i]))
				return 0;
		return 1;
	case JSON_OBJECT:
		return objects_equal(x, y);
	}
	return 0;
}
