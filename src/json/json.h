/*
 * JSON values as an arena-owned tree, a strict bounded reader built on
 * yajl's callback parser, and a compact writer.
 *
 * The reader never uses yajl's tree parser (HARDENING.md): it runs yajl with
 * comments off over the explicit buffer length and enforces depth, key,
 * item, token and string caps, rejects duplicate keys (compared ASCII
 * case-insensitively, since SCIM names are), validates UTF-8 strictly,
 * rejects NUL in decoded strings, integers outside int64 and non-finite
 * numbers. Every failure is SCIM_E_INVALID_SYNTAX with a detail that says
 * what and where (byte offset), never echoing the input.
 *
 * All nodes, keys and strings belong to the arena passed in.
 */
#ifndef JSON_JSON_H
#define JSON_JSON_H

#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/scim_err.h"
#include "util/str.h"

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_INT, /* integer literal that fits int64 */
	JSON_DOUBLE, /* any other finite number */
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value;

struct json_member {
	struct str key;
	struct json_value *value;
};

struct json_value {
	enum json_type type;
	union {
		int boolean;
		int64_t integer;
		double number;
		struct str string; /* NUL-terminated in the arena as well */
		struct {
			struct json_value **items;
			size_t len, cap;
		} array;
		struct {
			struct json_member *members;
			size_t len, cap;
		} object;
	} u;
};

struct json_limits {
	unsigned max_depth; /* nesting of arrays and objects */
	unsigned max_keys; /* members per object */
	unsigned max_items; /* items per array */
	unsigned max_tokens; /* values, keys and brackets in the document */
	size_t max_string; /* bytes in one decoded string or key */
};

/* depth 32, 256 keys, 10,000 items, 100,000 tokens, 1 MiB per string */
extern const struct json_limits json_limits_default;

/*
 * Parses exactly buf[0..len) as one JSON document. *out is arena-owned.
 * Returns 0 or SCIM_E_INVALID_SYNTAX (err filled).
 */
int json_parse(struct arena *a, const char *buf, size_t len,
    const struct json_limits *lim, struct json_value **out,
    struct scim_err *err);

/* Constructors; strings are copied into the arena. */
struct json_value *json_null(struct arena *a);
struct json_value *json_bool(struct arena *a, int b);
struct json_value *json_int(struct arena *a, int64_t i);
struct json_value *json_double(struct arena *a, double d);
struct json_value *json_string(struct arena *a, struct str s);
struct json_value *json_cstring(struct arena *a, const char *s);
struct json_value *json_array(struct arena *a);
struct json_value *json_object(struct arena *a);

void json_array_append(
    struct arena *a, struct json_value *arr, struct json_value *v);
/* Sets key (replacing a case-insensitively equal key in place, else
 * appending). The key is copied into the arena. */
void json_object_set(struct arena *a, struct json_value *obj, struct str key,
    struct json_value *v);
void json_object_set_cstr(struct arena *a, struct json_value *obj,
    const char *key, struct json_value *v);
/* Case-insensitive lookup; NULL if obj is not an object or key is absent. */
struct json_value *json_object_get(
    const struct json_value *obj, struct str key);
struct json_value *json_object_get_cstr(
    const struct json_value *obj, const char *key);
/* Removes key (case-insensitive); 1 if something was removed. */
int json_object_remove(struct json_value *obj, struct str key);

/* Deep copy into arena a. */
struct json_value *json_clone(struct arena *a, const struct json_value *v);
/* Structural equality; strings compare exactly, object keys
 * case-insensitively and in any order. */
int json_equal(const struct json_value *x, const struct json_value *y);

/* Appends compact JSON for v to out. Strings are escaped as RFC 8259
 * requires; invalid UTF-8 is never written (it can't be in a parsed tree).
 * Returns 0, or SCIM_E_INTERNAL if v is malformed (a programmer error). */
int json_write(const struct json_value *v, struct buf *out);
/* Appends s as a JSON string literal, quotes included. */
void json_write_string(struct buf *out, struct str s);

#endif
