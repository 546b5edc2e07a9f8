/* Generic validation and normalisation of resource bodies (validate.h),
 * against the real Credential schema and the Widget fixture. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "schema_engine_fixture.h"
#include "scim/validate.h"

static struct schema_registry *reg;
static struct arena *ar;
static struct scim_err err;

static void
setup_real(void)
{
	reg = fx_load_real();
	ar = arena_new();
	memset(&err, 0, sizeof(err));
}

static void
setup_ext(void)
{
	reg = fx_load_ext();
	ar = arena_new();
	memset(&err, 0, sizeof(err));
}

static void
teardown(void)
{
	schema_registry_free(reg);
	arena_free(ar);
}

#define CRED "{\"schemas\":[\"" FX_CRED_URN "\"]"
#define WIDGET \
	"{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"]," \
	"\"name\":\"w\",\"" FX_EXTRA_URN "\":{\"level\":1}"

/* Validates text; returns the code and leaves the body in *out. */
static int
run(const char *rtype, const char *text, const struct validate_opts *o,
    struct json_value **out)
{
	struct json_value *body = fx_json(ar, text);
	struct validate_opts def = {.mode = VALIDATE_CREATE};

	if (out != NULL)
		*out = body;
	return validate_resource(
	    ar, fx_rtype(reg, rtype), body, o != NULL ? o : &def, &err);
}

/* Expects rc and a detail holding needle. */
static void
expect_err(const char *rtype, const char *text, const struct validate_opts *o,
    int rc, const char *needle)
{
	int got = run(rtype, text, o, NULL);

	cr_assert_eq(got, rc, "%s: rc %d, detail '%s'", text, got, err.detail);
	cr_assert_not_null(strstr(err.detail, needle), "detail '%s' lacks '%s'",
	    err.detail, needle);
}

/* Expects success and a body equal to want. */
static void
expect_body(const char *rtype, const char *text, const struct validate_opts *o,
    const char *want)
{
	struct json_value *body;
	int rc = run(rtype, text, o, &body);

	cr_assert_eq(rc, 0, "%s: %s", text, err.detail);
	cr_assert(json_equal(body, fx_json(ar, want)), "got %s", fx_dump(body));
}

TestSuite(validate_cred, .init = setup_real, .fini = teardown);

Test(validate_cred, hid_sample_is_normalised)
{
	struct json_value *body;
	int rc;

	/* The HID PUT sample, sent as a create: server-owned parts go. */
	rc = run("Credential",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"11385\","
	    "\"externalId\":\"jdoeCT_ACODE\",\"meta\":{\"resourceType\":"
	    "\"Credential\",\"version\":\"1\"},\"type\":\"CT_ACODE\","
	    "\"status\":{\"status\":\"ACTIVE\",\"active\":true,"
	    "\"expiryDate\":\"2018-11-21T13:58:40Z\",\"startDate\":"
	    "\"2017-11-21T13:58:40Z\"},\"attributes\":[{\"name\":"
	    "\"MY_ATTR1\",\"type\":\"string\",\"value\":\"new value1\","
	    "\"readOnly\":false}],\"totalUsed\":\"0\"}",
	    NULL, &body);
	cr_assert_eq(rc, 0, "%s", err.detail);
	cr_assert(json_equal(body,
		      fx_json(ar,
			  "{\"schemas\":[\"" FX_CRED_URN "\"],"
			  "\"externalId\":\"jdoeCT_ACODE\",\"type\":"
			  "\"CT_ACODE\",\"status\":{\"status\":\"ACTIVE\","
			  "\"expiryDate\":\"2018-11-21T13:58:40Z\","
			  "\"startDate\":\"2017-11-21T13:58:40Z\"},"
			  "\"attributes\":[{\"name\":\"MY_ATTR1\",\"type\":"
			  "\"STRING\",\"value\":\"new value1\","
			  "\"readOnly\":false}]}")),
	    "got %s", fx_dump(body));
}

Test(validate_cred, keys_take_the_schema_spelling)
{
	struct json_value *body;
	struct str k;

	cr_assert_eq(
	    run("Credential",
		"{\"SCHEMAS\":[\"URN:HID:SCIM:API:IDP:2.0:CREDENTIAL\"],"
		"\"TYPE\":\"CT_X\",\"Status\":{\"STARTDATE\":"
		"\"2025-01-31T12:00:00Z\"},\"EXTERNALID\":\"e\"}",
		NULL, &body),
	    0, "%s", err.detail);
	/* json_equal compares keys case-insensitively: check bytes. */
	k = body->u.object.members[0].key;
	cr_assert(str_eq_cstr(k, "schemas"), "%.*s", STR_FMT(k));
	k = body->u.object.members[1].key;
	cr_assert(str_eq_cstr(k, "type"), "%.*s", STR_FMT(k));
	k = body->u.object.members[2].key;
	cr_assert(str_eq_cstr(k, "status"));
	k = body->u.object.members[2].value->u.object.members[0].key;
	cr_assert(str_eq_cstr(k, "startDate"));
	k = body->u.object.members[3].key;
	cr_assert(str_eq_cstr(k, "externalId"));
	/* The URN takes the registry's spelling too. */
	cr_assert(str_eq_cstr(
	    json_object_get_cstr(body, "schemas")->u.array.items[0]->u.string,
	    FX_CRED_URN));
}

Test(validate_cred, unknown_attributes)
{
	expect_err("Credential", CRED ",\"type\":\"T\",\"fooBar\":1}", NULL,
	    SCIM_E_INVALID_SYNTAX,
	    "unknown attribute 'fooBar' for resource type Credential");
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"status\":{\"colour\":\"x\"}}", NULL,
	    SCIM_E_INVALID_SYNTAX, "unknown attribute 'status.colour'");
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"urn:example:other\":{}}", NULL,
	    SCIM_E_INVALID_SYNTAX, "unknown attribute 'urn:example:other'");
	/* Hostile names are echoed bounded and without control bytes. */
	expect_err("Credential", CRED ",\"a\\n'b\":1}", NULL,
	    SCIM_E_INVALID_SYNTAX, "unknown attribute 'a??b'");
}

Test(validate_cred, long_unknown_name_is_cut)
{
	char text[512];
	int rc;

	snprintf(text, sizeof(text), CRED ",\"%0200d\":1}", 7);
	text[strlen(CRED) + 2] = 'x'; /* a valid-looking name */
	rc = run("Credential", text, NULL, NULL);
	cr_assert_eq(rc, SCIM_E_INVALID_SYNTAX);
	cr_assert_lt(strlen(err.detail), 160, "%s", err.detail);
	cr_assert_not_null(strstr(err.detail, "..."));
}

Test(validate_cred, schemas_attribute)
{
	struct validate_opts lenient = {
	    .mode = VALIDATE_CREATE, .lenient_schemas = 1};

	expect_err("Credential", "{\"type\":\"T\"}", NULL, SCIM_E_INVALID_VALUE,
	    "'schemas' is required");
	expect_err("Credential", "{\"schemas\":\"" FX_CRED_URN "\"}", NULL,
	    SCIM_E_INVALID_SYNTAX, "array of strings");
	expect_err("Credential", "{\"schemas\":[1]}", NULL,
	    SCIM_E_INVALID_SYNTAX, "array of strings");
	expect_err("Credential", "{\"schemas\":[],\"type\":\"T\"}", NULL,
	    SCIM_E_INVALID_VALUE, "must include " FX_CRED_URN);
	expect_err("Credential",
	    "{\"schemas\":[\"" FX_CRED_URN "\",\"urn:x:Other\"],"
	    "\"type\":\"T\"}",
	    NULL, SCIM_E_INVALID_VALUE, "unknown schema 'urn:x:Other'");
	/* Lenient: unknown URNs and their objects are dropped. */
	expect_body("Credential",
	    "{\"schemas\":[\"urn:x:Other\",\"" FX_CRED_URN "\",\"" FX_CRED_URN
	    "\"],\"type\":\"T\",\"urn:x:Other\":{\"a\":1}}",
	    &lenient, CRED ",\"type\":\"T\"}");
	expect_err("Credential", "{\"schemas\":[\"urn:x:Other\"]}", &lenient,
	    SCIM_E_INVALID_VALUE, "must include");
}

Test(validate_cred, required_on_create_only)
{
	struct validate_opts rep = {.mode = VALIDATE_REPLACE};

	expect_err("Credential", CRED ",\"externalId\":\"e\"}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'type' is required");
	/* null is the same as absent (RFC 7643 §2.5). */
	expect_err("Credential", CRED ",\"type\":null}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'type' is required");
	/* A replace may leave attributes out. */
	expect_body("Credential", CRED ",\"externalId\":\"e\"}", &rep,
	    CRED ",\"externalId\":\"e\"}");
	/* Required sub-attributes of a present value, in both modes. */
	expect_err("Credential",
	    CRED ",\"attributes\":[{\"name\":\"A\"},{\"value\":\"v\"}]}", &rep,
	    SCIM_E_INVALID_VALUE, "attribute 'attributes.name' is required");
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"attributes\":[{\"name\":null}]}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'attributes.name' is required");
}

Test(validate_cred, type_errors_name_the_attribute)
{
	expect_err("Credential", CRED ",\"type\":5}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'type' must be a string");
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"status\":{\"startDate\":\"tomorrow\"}}",
	    NULL, SCIM_E_INVALID_VALUE,
	    "attribute 'status.startDate' must be a dateTime string such as "
	    "2025-01-31T12:00:00Z");
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"status\":{\"expiryDate\":20250131}}", NULL,
	    SCIM_E_INVALID_VALUE,
	    "attribute 'status.expiryDate' must be a dateTime string");
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"attributes\":[{\"name\":\"A\","
		 "\"readOnly\":\"yes\"}]}",
	    NULL, SCIM_E_INVALID_VALUE,
	    "attribute 'attributes.readOnly' must be true or false");
	expect_err("Credential", CRED ",\"type\":\"T\",\"externalId\":[\"e\"]}",
	    NULL, SCIM_E_INVALID_SYNTAX,
	    "attribute 'externalId' is single-valued");
}

Test(validate_cred, structure_errors)
{
	expect_err("Credential", "[1]", NULL, SCIM_E_INVALID_SYNTAX,
	    "must be a JSON object");
	/* RFC 7643 §2.4: multi-valued means an array; no guessing. */
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"attributes\":{\"name\":\"A\"}}", NULL,
	    SCIM_E_INVALID_SYNTAX,
	    "attribute 'attributes' is multi-valued and must be an array");
	expect_err("Credential", CRED ",\"type\":\"T\",\"status\":\"ACTIVE\"}",
	    NULL, SCIM_E_INVALID_SYNTAX,
	    "attribute 'status' must be a JSON object");
	expect_err("Credential", CRED ",\"type\":\"T\",\"attributes\":[null]}",
	    NULL, SCIM_E_INVALID_SYNTAX, "must not hold null");
	expect_err("Credential", CRED ",\"type\":\"T\",\"attributes\":[[]]}",
	    NULL, SCIM_E_INVALID_SYNTAX, "nested arrays");
	expect_err("Credential", CRED ",\"type\":\"T\",\"attributes\":[\"A\"]}",
	    NULL, SCIM_E_INVALID_SYNTAX,
	    "attribute 'attributes' must be a JSON object");
}

Test(validate_cred, canonical_values)
{
	/* caseExact false: any case is accepted and rewritten. */
	expect_body("Credential",
	    CRED ",\"type\":\"T\",\"status\":{\"status\":\"suspended\"},"
		 "\"attributes\":[{\"name\":\"A\",\"type\":\"Boolean\"}]}",
	    NULL,
	    CRED ",\"type\":\"T\",\"status\":{\"status\":\"SUSPENDED\"},"
		 "\"attributes\":[{\"name\":\"A\",\"type\":\"BOOLEAN\"}]}");
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"status\":{\"status\":\"GONE\"}}", NULL,
	    SCIM_E_INVALID_VALUE,
	    "attribute 'status.status' must be one of PENDING, ACTIVE, "
	    "SUSPENDED, REVOKED, TERMINATED");
}

Test(validate_cred, dates_become_utc)
{
	expect_body("Credential",
	    CRED ",\"type\":\"T\",\"status\":{\"startDate\":"
		 "\"2025-01-31T14:00:00+02:00\",\"expiryDate\":"
		 "\"2025-02-01T00:30:00.250-0100\"}}",
	    NULL,
	    CRED ",\"type\":\"T\",\"status\":{\"startDate\":"
		 "\"2025-01-31T12:00:00Z\",\"expiryDate\":"
		 "\"2025-02-01T01:30:00.250Z\"}}");
}

Test(validate_cred, read_only_is_dropped)
{
	/* RFC 7644 §3.3: ignored even when malformed. */
	expect_body("Credential",
	    CRED ",\"type\":\"T\",\"id\":{\"x\":1},\"meta\":7,"
		 "\"totalUsed\":[1],\"owner\":{\"value\":\"u1\",\"$ref\":5,"
		 "\"display\":\"Jo\"},\"status\":{\"active\":\"maybe\"}}",
	    NULL, CRED ",\"type\":\"T\",\"owner\":{\"value\":\"u1\"}}");
}

Test(validate_cred, null_and_empty_are_unassigned)
{
	expect_body("Credential",
	    CRED ",\"type\":\"T\",\"externalId\":null,\"attributes\":[],"
		 "\"status\":{\"status\":null}}",
	    NULL, CRED ",\"type\":\"T\"}");
}

Test(validate_cred, bool_strings_when_enabled)
{
	struct validate_opts compat = {
	    .mode = VALIDATE_CREATE, .bool_strings = 1};

	expect_body("Credential",
	    CRED
	    ",\"type\":\"T\",\"attributes\":[{\"name\":\"A\","
	    "\"readOnly\":\"True\"},{\"name\":\"B\",\"readOnly\":\"false\"}]}",
	    &compat,
	    CRED ",\"type\":\"T\",\"attributes\":[{\"name\":\"A\","
		 "\"readOnly\":true},{\"name\":\"B\",\"readOnly\":false}]}");
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"attributes\":[{\"name\":\"A\","
		 "\"readOnly\":\"True\"}]}",
	    NULL, SCIM_E_INVALID_VALUE, "must be true or false");
	expect_err("Credential",
	    CRED ",\"type\":\"T\",\"attributes\":[{\"name\":\"A\","
		 "\"readOnly\":\"yes\"}]}",
	    &compat, SCIM_E_INVALID_VALUE, "must be true or false");
}

Test(validate_cred, immutable_on_replace)
{
	struct validate_opts rep = {.mode = VALIDATE_REPLACE};

	rep.current = fx_json(ar,
	    CRED ",\"id\":\"1\",\"type\":\"CT_ACODE\",\"status\":{\"status\":"
		 "\"ACTIVE\"}}");
	expect_body("Credential",
	    CRED ",\"type\":\"CT_ACODE\",\"status\":{\"status\":\"REVOKED\"}}",
	    &rep,
	    CRED ",\"type\":\"CT_ACODE\",\"status\":{\"status\":\"REVOKED\"}}");
	/* Leaving it out is fine: the client does not assert it. */
	expect_body("Credential", CRED ",\"status\":{\"status\":\"revoked\"}}",
	    &rep, CRED ",\"status\":{\"status\":\"REVOKED\"}}");
	/* type is caseExact, so a case change is a change. */
	expect_err("Credential", CRED ",\"type\":\"ct_acode\"}", &rep,
	    SCIM_E_MUTABILITY, "attribute 'type' is immutable");
	expect_err("Credential", CRED ",\"type\":\"CT_OTHER\"}", &rep,
	    SCIM_E_MUTABILITY, "attribute 'type' is immutable");
	/* No stored value yet: it may be set. */
	rep.current = fx_json(ar, CRED ",\"id\":\"1\"}");
	expect_body("Credential", CRED ",\"type\":\"CT_OTHER\"}", &rep,
	    CRED ",\"type\":\"CT_OTHER\"}");
	/* Creates never compare. */
	expect_body("Credential", CRED ",\"type\":\"CT_OTHER\"}", NULL,
	    CRED ",\"type\":\"CT_OTHER\"}");
}

TestSuite(validate_ext, .init = setup_ext, .fini = teardown);

Test(validate_ext, every_type)
{
	expect_body("Widget",
	    WIDGET
	    ",\"count\":3,\"ratio\":2.5,\"blob\":\"aGk=\",\"link\":"
	    "\"https://example.com/x\",\"tags\":[\"a\",\"b\"],\"enabled\":"
	    "false,\"born\":\"2024-02-29T23:59:59.5+00:00\"}",
	    NULL,
	    WIDGET
	    ",\"count\":3,\"ratio\":2.5,\"blob\":\"aGk=\",\"link\":"
	    "\"https://example.com/x\",\"tags\":[\"a\",\"b\"],\"enabled\":"
	    "false,\"born\":\"2024-02-29T23:59:59.500Z\"}");
	/* decimal takes integers too. */
	expect_body(
	    "Widget", WIDGET ",\"ratio\":2}", NULL, WIDGET ",\"ratio\":2}");
	expect_err("Widget", WIDGET ",\"count\":2.5}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'count' must be an integer");
	expect_err("Widget", WIDGET ",\"count\":\"3\"}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'count' must be an integer");
	expect_err("Widget", WIDGET ",\"ratio\":\"2.5\"}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'ratio' must be a number");
	expect_err("Widget", WIDGET ",\"blob\":\"aGk\"}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'blob' must be a base64 string");
	expect_err("Widget", WIDGET ",\"blob\":\"a=Gk\"}", NULL,
	    SCIM_E_INVALID_VALUE, "base64");
	expect_err("Widget", WIDGET ",\"link\":true}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'link' must be a string holding");
	expect_err("Widget", WIDGET ",\"tags\":[\"a\",1]}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'tags' must be a string");
	expect_err("Widget", WIDGET ",\"enabled\":1}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'enabled' must be true or false");
	expect_err("Widget", WIDGET ",\"born\":\"2024-02-30T00:00:00Z\"}", NULL,
	    SCIM_E_INVALID_VALUE, "attribute 'born' must be a dateTime");
}

Test(validate_ext, case_exact_canonical_values)
{
	expect_body("Widget", WIDGET ",\"color\":\"Red\"}", NULL,
	    WIDGET ",\"color\":\"Red\"}");
	expect_err("Widget", WIDGET ",\"color\":\"red\"}", NULL,
	    SCIM_E_INVALID_VALUE,
	    "attribute 'color' must be one of Red, Green");
}

Test(validate_ext, extensions)
{
	struct json_value *body;

	/* Present but not listed in schemas: the URN is added. */
	cr_assert_eq(run("Widget",
			 "{\"schemas\":[\"" FX_WIDGET_URN "\"],\"name\":\"w\","
			 "\"URN:EXAMPLE:SCIMCRED:TEST:2.0:WIDGET:EXTRA\":"
			 "{\"LEVEL\":2,\"owner\":\"o\"}}",
			 NULL, &body),
	    0, "%s", err.detail);
	cr_assert(json_equal(body,
		      fx_json(ar,
			  "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN
			  "\"],\"name\":\"w\",\"" FX_EXTRA_URN "\":{\"level\":"
			  "2,\"owner\":\"o\"}}")),
	    "got %s", fx_dump(body));
	cr_assert(str_eq_cstr(body->u.object.members[2].key, FX_EXTRA_URN));
	expect_err("Widget",
	    "{\"schemas\":[\"" FX_WIDGET_URN
	    "\"],\"name\":\"w\",\"" FX_EXTRA_URN "\":{\"level\":1,\"size\":2}}",
	    NULL, SCIM_E_INVALID_SYNTAX,
	    "unknown attribute '" FX_EXTRA_URN ":size' for resource type "
	    "Widget");
	expect_err("Widget",
	    "{\"schemas\":[\"" FX_WIDGET_URN
	    "\"],\"name\":\"w\",\"" FX_EXTRA_URN "\":{\"level\":\"high\"}}",
	    NULL, SCIM_E_INVALID_VALUE,
	    "attribute '" FX_EXTRA_URN ":level' must be an integer");
	expect_err("Widget",
	    "{\"schemas\":[\"" FX_WIDGET_URN
	    "\"],\"name\":\"w\",\"" FX_EXTRA_URN "\":[1]}",
	    NULL, SCIM_E_INVALID_SYNTAX, "must be a JSON object");
}

Test(validate_ext, required_extension_and_its_attributes)
{
	struct validate_opts rep = {.mode = VALIDATE_REPLACE};

	expect_err("Widget",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\"],\"name\":\"w\"}", NULL,
	    SCIM_E_INVALID_VALUE, "extension '" FX_EXTRA_URN "' is required");
	expect_err("Widget",
	    "{\"schemas\":[\"" FX_WIDGET_URN
	    "\"],\"name\":\"w\",\"" FX_EXTRA_URN "\":{\"owner\":\"o\"}}",
	    NULL, SCIM_E_INVALID_VALUE,
	    "attribute '" FX_EXTRA_URN ":level' is required");
	expect_body("Widget",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\"],\"name\":\"w\"}", &rep,
	    "{\"schemas\":[\"" FX_WIDGET_URN "\"],\"name\":\"w\"}");
}

Test(validate_ext, immutable_parts)
{
	struct validate_opts rep = {.mode = VALIDATE_REPLACE};

	rep.current = fx_json(ar,
	    WIDGET ",\"serial\":\"S1\",\"part\":{\"code\":\"AbC\","
		   "\"label\":\"l\",\"stamp\":\"x\"}}");
	/* caseExact false: a case change is no change. */
	expect_body("Widget",
	    WIDGET ",\"serial\":\"S1\",\"part\":{\"code\":\"abc\","
		   "\"label\":\"new\"}}",
	    &rep,
	    WIDGET ",\"serial\":\"S1\",\"part\":{\"code\":\"abc\","
		   "\"label\":\"new\"}}");
	expect_err("Widget", WIDGET ",\"part\":{\"code\":\"XYZ\"}}", &rep,
	    SCIM_E_MUTABILITY, "attribute 'part.code' is immutable");
	expect_err("Widget", WIDGET ",\"serial\":\"s1\"}", &rep,
	    SCIM_E_MUTABILITY, "attribute 'serial' is immutable");
}

Test(validate_ext, complex_left_empty_is_removed)
{
	expect_body(
	    "Widget", WIDGET ",\"part\":{\"stamp\":\"s\"}}", NULL, WIDGET "}");
	expect_body("Widget",
	    WIDGET ",\"items\":[{\"key\":\"k\",\"value\":null}]}", NULL,
	    WIDGET ",\"items\":[{\"key\":\"k\"}]}");
}
