/*
 * SCIM-layer test harness without sockets: a temporary store, a scim
 * context over a schemas directory, and requests built by hand the way
 * http/ would build them. The clock is fixed (OX_NOW) so timestamps and
 * status.active are predictable.
 */
#ifndef TESTS_UNIT_SCIM_OPS_FIXTURE_H
#define TESTS_UNIT_SCIM_OPS_FIXTURE_H

#include "json/json.h"
#include "scim/ops.h"
#include "scim/scim.h"

#define OX_NOW_TEXT "2024-03-01T12:00:00Z"
#define OX_BASE "https://scim.example.com"
#define OX_CRED_URN "urn:hid:scim:api:idp:2.0:Credential"

struct ox_req {
	const char *tenant; /* default "t1" */
	const char *rtype; /* default "Credential" */
	const char *id;
	const char *query; /* decoded "name=value&name=value", or NULL */
	const char *body;
	const char *if_match;
	const char *if_none_match;
};

struct ox_resp {
	int rc;
	int status; /* resp.status, or the HTTP status rc maps to */
	struct json_value *json;
	char etag[72];
	const char *location;
	struct scim_err err;
};

/* Fresh store and context; schemas NULL means the real scim-schemas/,
 * otherwise a directory under tests/data. */
void ox_setup(const char *schemas);
/* The same with a page size and a maximum page size. */
void ox_setup_counts(
    const char *schemas, unsigned default_count, unsigned max_count);
void ox_teardown(void);
/* For .init: the real schemas, and tests/data/schemas-ext (Widget). */
void ox_setup_real(void);
void ox_setup_ext(void);
struct scim *ox_scim(void);
struct arena *ox_arena(void);

struct ox_resp ox_call(scim_handler h, const struct ox_req *r);

/* POSTs body to /Credential of tenant and returns the new id (asserts
 * 201). */
const char *ox_create(const char *tenant, const char *body);

/* Parses JSON text into the test arena (asserts). */
struct json_value *ox_json(const char *text);
/* Compact text of v, for assertions. */
const char *ox_dump(const struct json_value *v);
/* A string member along a dotted path ("status.status"), or NULL. */
const char *ox_str(const struct json_value *v, const char *path);
/* Number of Resources in a ListResponse. */
size_t ox_nres(const struct json_value *list);
/* Resources[i].<path> as a string, or NULL. */
const char *ox_res_str(
    const struct json_value *list, size_t i, const char *path);
/* A file under $SCIMCRED_TESTDATA parsed into the arena (asserts). */
struct json_value *ox_golden(const char *rel);

#endif
