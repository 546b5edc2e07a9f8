/*
 * A small stand-in for the schema registry, shared by the filter unit
 * tests and the filter fuzzer: a Credential-like resource type (the HID
 * Credential attributes plus a few typed extras) and a User-like one with
 * the enterprise extension, and a filter_resolve_fn over them.
 */
#ifndef TESTS_UNIT_FILTER_SCHEMA_FIXTURE_H
#define TESTS_UNIT_FILTER_SCHEMA_FIXTURE_H

#include <stddef.h>

#include "filter/filter.h"
#include "json/json.h"
#include "util/buf.h"

#define FIXTURE_CREDENTIAL_URN "urn:hid:scim:api:idp:2.0:Credential"
#define FIXTURE_USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"
#define FIXTURE_ENTERPRISE_URN \
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

struct fixture_attr {
	const char *name;
	enum filter_type type;
	int multi_valued;
	int case_exact;
	const struct fixture_attr *subs;
	size_t nsubs;
};

struct fixture_schema {
	const char *urn;
	const struct fixture_attr *attrs;
	size_t nattrs;
};

struct fixture_rtype {
	const struct fixture_schema *core;
	const struct fixture_schema *ext; /* NULL when there is none */
};

extern const struct fixture_rtype fixture_credential;
extern const struct fixture_rtype fixture_user;

/* A filter_resolve_fn; ctx is a const struct fixture_rtype *. */
int fixture_resolve(
    void *ctx, const struct filter_attrpath *p, struct filter_attrinfo *info);

/* filter_parse then filter_bind; returns the first non-zero code. */
int fixture_compile(struct arena *a, const struct fixture_rtype *rt,
    const char *text, struct filter_node **out, struct scim_err *err);

/* Parses test JSON; aborts on invalid input (a bug in the test). */
struct json_value *fixture_json(struct arena *a, const char *text);

/* Appends an S-expression for the AST: (and (eq emails.type "work") ...),
 * value paths as (emails[] inner). */
void fixture_render(const struct filter_node *n, struct buf *out);

#endif
