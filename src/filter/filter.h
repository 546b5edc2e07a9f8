/*
 * The RFC 7644 §3.4.2.2 filter language: parser to an arena-owned AST,
 * a binding pass that checks each attribute path and literal against the
 * schema (through a resolver the scim layer provides), and an evaluator
 * that decides whether one resource (a json tree) matches.
 *
 * The AST is public so that the planner (index selection) and PATCH paths
 * can walk it. Attribute names and operators are case-insensitive.
 * Every failure is SCIM_E_INVALID_FILTER with a detail that names the
 * problem and its position, never echoing the whole filter.
 */
#ifndef FILTER_FILTER_H
#define FILTER_FILTER_H

#include <stdint.h>

#include "json/json.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

/* Bounds, answered with 400 invalidFilter before any deep recursion. */
#define FILTER_MAX_LEN 8192
#define FILTER_MAX_DEPTH 64 /* parentheses, not and value paths combined */
#define FILTER_MAX_TERMS 256 /* comparison and presence terms */
#define FILTER_MAX_PATH 256 /* bytes in one attribute path */

enum filter_op {
	FILTER_EQ,
	FILTER_NE,
	FILTER_CO,
	FILTER_SW,
	FILTER_EW,
	FILTER_GT,
	FILTER_GE,
	FILTER_LT,
	FILTER_LE,
	FILTER_PR,
	FILTER_AND,
	FILTER_OR,
	FILTER_NOT,
	FILTER_VALUEPATH, /* path[inner] : inner filter over path's elements */
};

/* SCIM attribute types (RFC 7643 §2.3). */
enum filter_type {
	FILTER_T_UNKNOWN = 0,
	FILTER_T_STRING,
	FILTER_T_BOOLEAN,
	FILTER_T_DECIMAL,
	FILTER_T_INTEGER,
	FILTER_T_DATETIME,
	FILTER_T_BINARY,
	FILTER_T_REFERENCE,
	FILTER_T_COMPLEX,
};

/*
 * An attribute path: [urn ":"] attr ["." sub]. urn is empty when absent.
 * Inside a value path the inner terms' paths are made absolute by the
 * parser: in `emails[type eq "work"]` the inner path is emails.type.
 */
struct filter_attrpath {
	struct str urn;
	struct str attr;
	struct str sub;
};

/* What the schema says about an attribute path; filled by filter_bind. */
struct filter_attrinfo {
	enum filter_type type;
	int case_exact;
	int multi_valued; /* of the top-level attribute */
	int sub_multi; /* of the sub-attribute, when there is one */
	/* Set when the attribute belongs to an extension schema: in a
	 * resource it lives under the object keyed by this URN
	 * (RFC 7643 §3.3), whether or not the filter wrote the URN.
	 * Borrowed from the resolver (the schema registry). */
	struct str ext_urn;
};

struct filter_node {
	enum filter_op op;
	struct filter_attrpath path; /* comparisons, pr, valuepath */
	struct json_value *value; /* comparison literal (not for pr) */
	struct filter_node *left; /* and/or/not; valuepath: inner filter */
	struct filter_node *right; /* and/or */
	/* Filled by filter_bind: */
	struct filter_attrinfo info;
	int64_t value_ms; /* dateTime literal, parsed once */
	int bound;
};

/* Parses text (at most FILTER_MAX_LEN bytes). *out is arena-owned. */
int filter_parse(struct arena *a, struct str text, struct filter_node **out,
    struct scim_err *err);

/*
 * Looks up an attribute path in the schemas of one resource type. Returns
 * 0 and fills *info, or -1 if the path names no attribute. ctx is the
 * caller's (the scim layer's resource type).
 */
typedef int (*filter_resolve_fn)(
    void *ctx, const struct filter_attrpath *p, struct filter_attrinfo *info);

/*
 * Checks every path and literal against the schema and caches what the
 * evaluator needs: unknown attributes, literals of the wrong type
 * (`meta.created gt "notadate"`), ordering operators on booleans or
 * complex attributes, and sw/co/ew on non-strings are invalidFilter.
 */
int filter_bind(struct filter_node *root, filter_resolve_fn resolve, void *ctx,
    struct scim_err *err);

/*
 * 1 if resource matches the bound filter, else 0. Pure: no allocation, no
 * errors (anything incomparable simply does not match).
 */
int filter_match(
    const struct filter_node *root, const struct json_value *resource);

/*
 * attrPath = [URN ":"] ATTRNAME ["." subAttr] (RFC 7644 §3.4.2.2, also
 * PATCH paths §3.5.2): split w into *out (views into w). A URN runs to
 * the last ':'. 0, or -1 if malformed.
 */
int filter_path_split(struct str w, struct filter_attrpath *out);
/* 1 if s is an ATTRNAME: ALPHA *(ALPHA / DIGIT / "-" / "_"), or "$ref". */
int filter_name_ok(struct str s);

/* Operator name as written in filters ("eq", "and", ...). */
const char *filter_op_name(enum filter_op op);

#endif
