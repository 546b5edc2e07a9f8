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
	const struct principal *who; /* NULL: none, as before */
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
struct store *ox_store(void);
struct arena *ox_arena(void);

struct ox_resp ox_call(scim_handler h, const struct ox_req *r);

/* POSTs body to /Credential of tenant and returns the new id (asserts
 * 201). */
const char *ox_create(const char *tenant, const char *body);

#define OX_CTYPE_URN "urn:scimcred:params:scim:schemas:core:2.0:CredentialType"

/* POSTs a CredentialType with id `code` (name = code) and the given
 * `attributes` definitions (JSON array text, NULL for none) and extra
 * members (text starting with ',', or NULL) to tenant (asserts 201). */
void ox_ctype(
    const char *tenant, const char *code, const char *defs, const char *extra);
/* Writes a User record straight into the store, as the Users resource
 * type would keep it: id, userName, and displayName unless NULL. */
void ox_user(const char *tenant, const char *id, const char *user_name,
    const char *display);
/*
 * The real schemas plus what the Credential tests assume: in tenants t1
 * and t2, types CT_ACODE, CT_OTHER, CT_OTP and CT_PKI defining every
 * attribute name those tests use (OX_TEST_DEFS) and T (no definitions);
 * Users user-1 (displayName "Ann Example"), user-2 (userName "bob"), u1
 * and u2 (userName only).
 */
void ox_setup_creds(void);
#define OX_TEST_DEFS \
	"[{\"name\":\"A\"},{\"name\":\"B\"},{\"name\":\"a\"}," \
	"{\"name\":\"K\"},{\"name\":\"L\"},{\"name\":\"X\"}," \
	"{\"name\":\"NEW\",\"type\":\"BOOLEAN\"},{\"name\":\"MY_ATTR0\"}," \
	"{\"name\":\"MY_ATTR1\"},{\"name\":\"MY_ATTR2\"}," \
	"{\"name\":\"MY_DATE\",\"type\":\"DATE\"}," \
	"{\"name\":\"N\",\"type\":\"INT\"}," \
	"{\"name\":\"EXPIRY_THRESHOLD_OF_ACTIVATION_CODE\",\"type\":\"INT\"," \
	"\"readOnly\":true}]"

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
