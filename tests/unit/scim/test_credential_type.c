/*
 * The CredentialType resource through the SCIM layer: the client-chosen
 * id, the defaults, every rule a definition must follow (including the
 * pattern bounds, Nevis regexinv), the rules for changing or deleting a
 * type that has credentials, PATCH, the demo tenant's starter types,
 * and the pattern matcher itself.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"
#include "scim/credential_pattern.h"
#include "scim/credential_type_seed.h"
#include "util/buf.h"

#define TYPE(id, extra) \
	"{\"schemas\":[\"" OX_CTYPE_URN "\"],\"id\":\"" id "\"," \
	"\"name\":\"Test type\"" extra "}"
#define DEFS(list) ",\"attributes\":[" list "]"
#define CRED(type, extra) \
	"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"" type "\"" extra "}"

static struct ox_resp
post_type(const char *tenant, const char *body)
{
	struct ox_req r = {
	    .tenant = tenant, .rtype = "CredentialType", .body = body};

	return ox_call(op_create, &r);
}

static struct ox_resp
call_type(scim_handler h, const char *id, const char *body)
{
	struct ox_req r = {.rtype = "CredentialType", .id = id, .body = body};

	return ox_call(h, &r);
}

/* POST in t1, expecting 400 invalidValue whose detail holds `want`. */
static void
refused(const char *body, const char *want)
{
	struct ox_resp p = post_type("t1", body);

	cr_expect_eq(
	    p.rc, SCIM_E_INVALID_VALUE, "%s: %d %s", body, p.rc, p.err.detail);
	cr_expect(strstr(p.err.detail, want) != NULL, "want '%s' in: %s", want,
	    p.err.detail);
}

static const struct json_value *
def_at(const struct json_value *type, size_t i)
{
	const struct json_value *l = json_object_get_cstr(type, "attributes");

	cr_assert(l != NULL && l->type == JSON_ARRAY && i < l->u.array.len);
	return l->u.array.items[i];
}

static int64_t
int_at(const struct json_value *v, const char *key)
{
	const struct json_value *n = json_object_get_cstr(v, key);

	cr_assert(
	    n != NULL && n->type == JSON_INT, "%s in %s", key, ox_dump(v));
	return n->u.integer;
}

static int
bool_at(const struct json_value *v, const char *key)
{
	const struct json_value *b = json_object_get_cstr(v, key);

	cr_assert(
	    b != NULL && b->type == JSON_BOOL, "%s in %s", key, ox_dump(v));
	return b->u.boolean;
}

TestSuite(ctype, .init = ox_setup_real, .fini = ox_teardown);
TestSuite(ctype_defs, .init = ox_setup_real, .fini = ox_teardown);
TestSuite(ctype_in_use, .init = ox_setup_creds, .fini = ox_teardown);
TestSuite(ctype_pattern);

/* --------------------------------------------------------------- id */

Test(ctype, id_is_the_client_chosen_code)
{
	struct ox_resp p = post_type("t1", TYPE("CT_X", ""));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(p.status, 201);
	cr_expect_str_eq(ox_str(p.json, "id"), "CT_X");
	cr_expect_str_eq(
	    p.location, OX_BASE "/scim/t1/v2/CredentialTypes/CT_X");
	cr_expect_str_eq(ox_str(p.json, "meta.resourceType"), "CredentialType");
	p = call_type(op_get, "CT_X", NULL);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "name"), "Test type");
}

Test(ctype, id_is_required_and_has_a_syntax)
{
	static const char *const bad[] = {"ct_x", "1CT", "CT-X", "", "CT X",
	    "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABC"};
	char body[256];
	size_t i;

	refused("{\"schemas\":[\"" OX_CTYPE_URN "\"],\"name\":\"n\"}",
	    "id: required");
	refused("{\"schemas\":[\"" OX_CTYPE_URN "\"],\"id\":7,\"name\":\"n\"}",
	    "id: required");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"" OX_CTYPE_URN "\"],\"id\":\"%s\","
		    "\"name\":\"n\"}",
		    bad[i]);
		refused(body, "is not a type code");
	}
	/* 32 bytes is the longest */
	cr_expect_eq(
	    post_type("t1", TYPE("ABCDEFGHIJABCDEFGHIJABCDEFGHIJAB", "")).rc,
	    0);
}

Test(ctype, id_is_unique_per_tenant)
{
	struct ox_resp p;

	cr_assert_eq(post_type("t1", TYPE("CT_X", "")).rc, 0);
	p = post_type("t1", TYPE("CT_X", ""));
	cr_expect_eq(p.rc, SCIM_E_UNIQUENESS);
	cr_expect(strstr(p.err.detail, "CT_X") != NULL, "%s", p.err.detail);
	cr_expect_eq(post_type("t2", TYPE("CT_X", "")).rc, 0);
	/* PUT keeps the path's id whatever the body says */
	p = call_type(op_replace, "CT_X", TYPE("CT_Y", ""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "id"), "CT_X");
	cr_expect_eq(call_type(op_get, "CT_Y", NULL).rc, SCIM_E_NOT_FOUND);
}

Test(ctype, name_is_required)
{
	struct ox_resp p = post_type(
	    "t1", "{\"schemas\":[\"" OX_CTYPE_URN "\"],\"id\":\"CT_X\"}");

	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(strstr(p.err.detail, "name") != NULL, "%s", p.err.detail);
}

/* --------------------------------------------------------- defaults */

Test(ctype, defaults_are_filled)
{
	struct ox_resp p =
	    post_type("t1", TYPE("CT_X", DEFS("{\"name\":\"PIN\"}")));
	const struct json_value *d;

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "management.mode"), "MANAGED");
	cr_expect_str_eq(ox_str(p.json, "initialStatus"), "PENDING");
	cr_expect_eq(int_at(p.json, "validityDays"), -1);
	d = def_at(p.json, 0);
	cr_expect_str_eq(ox_str(d, "type"), "STRING");
	cr_expect_str_eq(ox_str(d, "uniqueness"), "none");
	cr_expect_eq(bool_at(d, "required"), 0);
	cr_expect_eq(bool_at(d, "readOnly"), 0);
}

Test(ctype, settings_are_canonical_and_checked)
{
	struct ox_resp p = post_type("t1",
	    TYPE("CT_X",
		",\"management\":{\"mode\":\"automated\"},"
		"\"initialStatus\":\"active\",\"validityDays\":30"));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "management.mode"), "AUTOMATED");
	cr_expect_str_eq(ox_str(p.json, "initialStatus"), "ACTIVE");
	cr_expect_eq(int_at(p.json, "validityDays"), 30);
	refused(
	    TYPE("CT_Y", ",\"initialStatus\":\"SUSPENDED\""), "initialStatus");
	refused(
	    TYPE("CT_Y", ",\"management\":{\"mode\":\"SOMETIMES\"}"), "mode");
	refused(TYPE("CT_Y", ",\"validityDays\":0"), "validityDays");
	refused(TYPE("CT_Y", ",\"validityDays\":-2"), "validityDays");
	refused(TYPE("CT_Y", ",\"validityDays\":36501"), "validityDays");
	cr_expect_eq(
	    post_type("t1", TYPE("CT_Z", ",\"validityDays\":36500")).rc, 0);
}

/* ------------------------------------------------------ definitions */

Test(ctype_defs, names_are_checked_and_unique)
{
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\"},{\"name\":\"A\"}")),
	    "defined more than once");
	refused(TYPE("CT_X", DEFS("{\"name\":\"1A\"}")), "attributes[0].name");
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\"},{\"name\":\"A B\"}")),
	    "attributes[1].name");
	refused(TYPE("CT_X", DEFS("{\"name\":\"A:B\"}")), "attributes[0].name");
	/* names are case-sensitive, so these are two */
	cr_expect_eq(post_type("t1",
			 TYPE("CT_X",
			     DEFS("{\"name\":\"pin\"},{\"name\":"
				  "\"PIN\"},{\"name\":\"my-a.b_c\"}")))
			 .rc,
	    0);
}

Test(ctype_defs, at_most_64_definitions)
{
	struct buf b;
	int i;

	buf_init(&b);
	buf_printf(&b,
	    "{\"schemas\":[\"" OX_CTYPE_URN "\"],\"id\":\"CT_X\","
	    "\"name\":\"n\",\"attributes\":[");
	for (i = 0; i < 65; i++)
		buf_printf(&b, "%s{\"name\":\"A%d\"}", i ? "," : "", i);
	buf_append_cstr(&b, "]}");
	refused(buf_cstr(&b), "at most 64");
	buf_free(&b);
}

Test(ctype_defs, type_is_one_of_five)
{
	struct ox_resp p = post_type("t1",
	    TYPE("CT_X",
		DEFS("{\"name\":\"D\",\"type\":\"date\"},"
		     "{\"name\":\"B\",\"type\":\"Boolean\"}")));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(def_at(p.json, 0), "type"), "DATE");
	cr_expect_str_eq(ox_str(def_at(p.json, 1), "type"), "BOOLEAN");
	refused(
	    TYPE("CT_Y", DEFS("{\"name\":\"F\",\"type\":\"FLOAT\"}")), "type");
}

Test(ctype_defs, max_length_is_positive_and_for_strings)
{
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"maxLength\":0}")),
	    "maxLength: must be an integer from 1");
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"maxLength\":1048577}")),
	    "maxLength");
	refused(TYPE("CT_X",
		    DEFS("{\"name\":\"A\",\"type\":\"INT\",\"maxLength\":3}")),
	    "STRING attributes only");
	refused(
	    TYPE("CT_X",
		DEFS("{\"name\":\"A\",\"type\":\"DATE\",\"pattern\":\"x\"}")),
	    "STRING attributes only");
}

Test(ctype_defs, invalid_patterns_are_regexinv)
{
	char big[400], body[600];

	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"pattern\":\"[a-\"}")),
	    "pattern is not a valid regular expression");
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"pattern\":\"[a-\"}")),
	    "(regexinv)");
	/* balanced only once wrapped in ^( )$ */
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"pattern\":\"a)(b\"}")),
	    "not a valid regular expression");
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"pattern\":\"a{2,1}\"}")),
	    "not a valid regular expression");
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"pattern\":\"(a)\\\\1\"}")),
	    "back-references");
	refused(TYPE("CT_X",
		    DEFS("{\"name\":\"A\",\"pattern\":"
			 "\"((x|xx){30}){30}\"}")),
	    "too complex");
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"pattern\":\"x{0,300}\"}")),
	    "too complex");
	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"pattern\":\"\"}")),
	    "1 to 256 bytes");
	memset(big, 'a', 257);
	big[257] = '\0';
	snprintf(body, sizeof(body),
	    TYPE("CT_X", DEFS("{\"name\":\"A\",\"pattern\":\"%s\"}")), big);
	refused(body, "1 to 256 bytes");
	cr_expect_eq(post_type("t1",
			 TYPE("CT_X",
			     DEFS("{\"name\":\"A\",\"pattern\":"
				  "\"[0-9]{4,8}\"}")))
			 .rc,
	    0);
}

Test(ctype_defs, default_value_must_fit_and_is_canonical)
{
	struct ox_resp p = post_type("t1",
	    TYPE("CT_X",
		DEFS("{\"name\":\"N\",\"type\":\"INT\","
		     "\"defaultValue\":\"007\"},"
		     "{\"name\":\"D\",\"type\":\"DATE\",\"defaultValue\":"
		     "\"2024-01-01T02:00:00+02:00\"},"
		     "{\"name\":\"B\",\"type\":\"BOOLEAN\","
		     "\"defaultValue\":\"TRUE\"}")));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(def_at(p.json, 0), "defaultValue"), "7");
	cr_expect_str_eq(
	    ox_str(def_at(p.json, 1), "defaultValue"), "2024-01-01T00:00:00Z");
	cr_expect_str_eq(ox_str(def_at(p.json, 2), "defaultValue"), "true");
	refused(TYPE("CT_Y",
		    DEFS("{\"name\":\"D\",\"type\":\"DATE\","
			 "\"defaultValue\":\"soon\"}")),
	    "(invalidDate)");
	refused(TYPE("CT_Y",
		    DEFS("{\"name\":\"N\",\"type\":\"INT\","
			 "\"defaultValue\":\"2147483648\"}")),
	    "(invalidData)");
	refused(TYPE("CT_Y",
		    DEFS("{\"name\":\"S\",\"maxLength\":3,"
			 "\"defaultValue\":\"abcd\"}")),
	    "(stringmaxlen)");
	refused(TYPE("CT_Y",
		    DEFS("{\"name\":\"S\",\"pattern\":\"[0-9]+\","
			 "\"defaultValue\":\"12a\"}")),
	    "(stringregex)");
	refused(TYPE("CT_Y",
		    DEFS("{\"name\":\"S\",\"uniqueness\":\"tenant\","
			 "\"defaultValue\":\"x\"}")),
	    "cannot have a default");
}

Test(ctype_defs, uniqueness_is_none_tenant_or_owner)
{
	struct ox_resp p = post_type("t1",
	    TYPE("CT_X",
		DEFS("{\"name\":\"A\",\"uniqueness\":\"TENANT\"},"
		     "{\"name\":\"B\",\"uniqueness\":\"owner\"}")));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(def_at(p.json, 0), "uniqueness"), "tenant");
	cr_expect_str_eq(ox_str(def_at(p.json, 1), "uniqueness"), "owner");
	refused(
	    TYPE("CT_Y", DEFS("{\"name\":\"A\",\"uniqueness\":\"global\"}")),
	    "uniqueness");
}

Test(ctype_defs, source_is_a_readable_user_path)
{
	static const char *const good[] = {"userName", "name.givenName",
	    "emails.value", "displayName",
	    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
	    "employeeNumber"};
	static const char *const bad[][2] = {
	    {"nope", "has no attribute"},
	    {"name", "is complex"},
	    {"password", "never returned"},
	    {"userName pr or x", "not a User attribute path"},
	    {"", "not a User attribute path"},
	    {"a[b", "not a User attribute path"},
	};
	char body[512];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"" OX_CTYPE_URN "\"],\"id\":\"CT_G%zu\","
		    "\"name\":\"n\",\"attributes\":[{\"name\":\"A\","
		    "\"source\":\"%s\"}]}",
		    i, good[i]);
		cr_expect_eq(post_type("t1", body).rc, 0, "%s", good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body),
		    TYPE("CT_B", DEFS("{\"name\":\"A\",\"source\":\"%s\"}")),
		    bad[i][0]);
		refused(body, bad[i][1]);
	}
}

Test(ctype_defs, a_rejected_type_writes_nothing)
{
	struct ox_req r = {.rtype = "CredentialType"};
	struct ox_resp l;

	refused(TYPE("CT_X", DEFS("{\"name\":\"A\",\"pattern\":\"(\"}")),
	    "(regexinv)");
	l = ox_call(op_list, &r);
	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	cr_expect_eq(ox_nres(l.json), 0);
	cr_expect_eq(call_type(op_get, "CT_X", NULL).rc, SCIM_E_NOT_FOUND);
}

Test(ctype_defs, list_and_filter)
{
	struct ox_req r = {.rtype = "CredentialType",
	    .query = "filter=management.mode eq \"AUTOMATED\""};
	struct ox_resp l;

	cr_assert_eq(post_type("t1", TYPE("CT_A", "")).rc, 0);
	cr_assert_eq(post_type("t1",
			 TYPE("CT_B",
			     ",\"management\":{\"mode\":"
			     "\"AUTOMATED\"}"))
			 .rc,
	    0);
	l = ox_call(op_list, &r);
	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	cr_assert_eq(ox_nres(l.json), 1);
	cr_expect_str_eq(ox_res_str(l.json, 0, "id"), "CT_B");
}

/* ------------------------------------------------- a type in use */

static const char *
one_credential(void)
{
	return ox_create("t1",
	    CRED("CT_ACODE",
		",\"attributes\":[{\"name\":"
		"\"N\",\"value\":\"5\"}]"));
}

Test(ctype_in_use, delete_is_409_while_credentials_exist)
{
	const char *id = one_credential();
	struct ox_req d = {.id = id};
	struct ox_resp p;

	ox_create("t1", CRED("CT_ACODE", ""));
	p = call_type(op_delete, "CT_ACODE", NULL);
	cr_expect_eq(p.rc, SCIM_E_CONFLICT);
	cr_expect(strstr(p.err.detail, "still has 2 credentials") != NULL, "%s",
	    p.err.detail);
	cr_expect(strstr(p.err.detail, "(undeletedDependencies)") != NULL, "%s",
	    p.err.detail);
	cr_expect_eq(call_type(op_get, "CT_ACODE", NULL).rc, 0);
	/* t2's CT_ACODE has none: its own key range */
	{
		struct ox_req r = {.tenant = "t2",
		    .rtype = "CredentialType",
		    .id = "CT_OTHER"};
		cr_expect_eq(ox_call(op_delete, &r).rc, 0);
	}
	cr_assert_eq(ox_call(op_delete, &d).rc, 0);
	p = call_type(op_delete, "CT_ACODE", NULL);
	cr_expect(strstr(p.err.detail, "still has 1 credential;") != NULL, "%s",
	    p.err.detail);
}

Test(ctype_in_use, delete_works_once_empty)
{
	const char *id = one_credential();
	struct ox_req d = {.id = id};

	cr_assert_eq(ox_call(op_delete, &d).rc, 0);
	cr_expect_eq(call_type(op_delete, "CT_ACODE", NULL).rc, 0);
	cr_expect_eq(call_type(op_get, "CT_ACODE", NULL).rc, SCIM_E_NOT_FOUND);
	/* and its credentials can no longer be made */
	cr_expect_eq(
	    ox_call(op_create, &(struct ox_req){.body = CRED("CT_ACODE", "")})
		.rc,
	    SCIM_E_INVALID_VALUE);
}

Test(ctype_in_use, type_and_uniqueness_are_fixed_while_in_use)
{
	struct ox_resp p;

	one_credential();
	p = call_type(op_replace, "CT_ACODE",
	    TYPE("CT_ACODE", DEFS("{\"name\":\"N\",\"type\":\"LONG\"}")));
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
	cr_expect(strstr(p.err.detail, "attributes[name eq \"N\"]") != NULL,
	    "%s", p.err.detail);
	p = call_type(op_replace, "CT_ACODE",
	    TYPE("CT_ACODE",
		DEFS("{\"name\":\"N\",\"type\":\"INT\","
		     "\"uniqueness\":\"tenant\"}")));
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY);
	/* other changes are fine: new rules apply at the next write */
	p = call_type(op_replace, "CT_ACODE",
	    TYPE("CT_ACODE",
		DEFS("{\"name\":\"N\",\"type\":\"INT\","
		     "\"required\":true},{\"name\":\"NEWER\","
		     "\"uniqueness\":\"tenant\"}")));
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
	/* a type without credentials may change anything */
	p = call_type(op_replace, "CT_OTP",
	    TYPE("CT_OTP", DEFS("{\"name\":\"N\",\"type\":\"LONG\"}")));
	cr_expect_eq(p.rc, 0, "%s", p.err.detail);
}

Test(ctype_in_use, replace_checks_like_create)
{
	struct ox_resp p = call_type(op_replace, "CT_OTP",
	    TYPE("CT_OTP", DEFS("{\"name\":\"A\",\"pattern\":\"[\"}")));

	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(
	    strstr(p.err.detail, "(regexinv)") != NULL, "%s", p.err.detail);
	p = call_type(op_replace, "CT_OTP", TYPE("CT_OTP", ""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "initialStatus"), "PENDING");
	cr_expect_null(json_object_get_cstr(p.json, "attributes"));
}

Test(ctype_in_use, patch_follows_the_same_rules)
{
	struct ox_resp p;

	one_credential();
	p = call_type(op_patch, "CT_ACODE",
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[{\"op\":\"replace\",\"path\":\"validityDays\","
	    "\"value\":7}]}");
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_eq(int_at(p.json, "validityDays"), 7);
	p = call_type(op_patch, "CT_ACODE",
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[{\"op\":\"replace\",\"path\":"
	    "\"attributes[name eq \\\"N\\\"].type\",\"value\":\"STRING\"}]}");
	cr_expect_eq(p.rc, SCIM_E_MUTABILITY, "%d %s", p.rc, p.err.detail);
	p = call_type(op_patch, "CT_ACODE",
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	    "\"Operations\":[{\"op\":\"add\",\"path\":\"attributes\","
	    "\"value\":[{\"name\":\"P\",\"pattern\":\"(\"}]}]}");
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE, "%d %s", p.rc, p.err.detail);
}

/* ------------------------------------------------------------- demo */

struct seed_arg {
	const char *tenant;
};

static int
seed_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct seed_arg *s = arg;

	return credential_type_seed_demo(
	    ox_scim(), txn, str_from(s->tenant), err);
}

Test(ctype, demo_types_are_useful)
{
	static const char *const want[] = {
	    "CT_ACODE", "CT_BADGE", "CT_OTP", "CT_PKI"};
	struct seed_arg a = {.tenant = "demo"};
	struct ox_req r = {
	    .tenant = "demo", .rtype = "CredentialType", .query = "sortBy=id"};
	struct scim_err err = {0};
	struct ox_resp l, p;
	size_t i;

	cr_assert_eq(
	    store_write(ox_store(), seed_fn, &a, &err), 0, "%s", err.detail);
	l = ox_call(op_list, &r);
	cr_assert_eq(l.rc, 0, "%s", l.err.detail);
	cr_assert_eq(ox_nres(l.json), 4);
	for (i = 0; i < 4; i++)
		cr_expect_str_eq(ox_res_str(l.json, i, "id"), want[i]);
	cr_expect_str_eq(ox_res_str(l.json, 1, "management.mode"), "AUTOMATED");
	cr_expect_str_eq(ox_res_str(l.json, 0, "management.mode"), "MANAGED");
	/* an activation code: pattern, readOnly, default, 30 days */
	r = (struct ox_req){.tenant = "demo",
	    .body = CRED("CT_ACODE",
		",\"attributes\":[{\"name\":"
		"\"ACTIVATION_CODE\",\"value\":\"7KQ2-MX4P\"}]")};
	p = ox_call(op_create, &r);
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(
	    ox_str(p.json, "status.expiryDate"), "2024-03-31T12:00:00Z");
	cr_expect_eq(
	    json_object_get_cstr(p.json, "attributes")->u.array.len, 2);
	r.body = CRED("CT_ACODE",
	    ",\"attributes\":[{\"name\":"
	    "\"ACTIVATION_CODE\",\"value\":\"7kq2\"}]");
	p = ox_call(op_create, &r);
	cr_expect_eq(p.rc, SCIM_E_INVALID_VALUE);
	cr_expect(
	    strstr(p.err.detail, "(stringregex)") != NULL, "%s", p.err.detail);
	/* seeding twice is refused as a whole: the codes are taken */
	cr_expect_eq(
	    store_write(ox_store(), seed_fn, &a, &err), SCIM_E_UNIQUENESS);
}

/* ---------------------------------------------------------- pattern */

static int
m(const char *p, const char *v)
{
	return credential_pattern_match(str_from(p), str_from(v));
}

static int
ok(const char *p)
{
	return credential_pattern_check(str_from(p), "pattern", NULL) == 0;
}

Test(ctype_pattern, the_whole_value_must_match)
{
	cr_expect_eq(m("[0-9]{4}", "1234"), 1);
	cr_expect_eq(m("[0-9]{4}", "12345"), 0);
	cr_expect_eq(m("[0-9]{4}", "a1234"), 0);
	cr_expect_eq(m("HOTP|TOTP", "TOTP"), 1);
	cr_expect_eq(m("HOTP|TOTP", "HOTPX"), 0);
	cr_expect_eq(m("HOTP|TOTP", "XTOTP"), 0);
	/* anchors written by the author are harmless */
	cr_expect_eq(m("^[a-z]+$", "abc"), 1);
	cr_expect_eq(m("^[a-z]+$", "ab1"), 0);
	cr_expect_eq(m("a*", ""), 1);
	cr_expect_eq(m("[[:digit:]]{2}-[]a]", "12-]"), 1);
	cr_expect_eq(m("[[:digit:]]{2}-[]a]", "12-b"), 0);
}

Test(ctype_pattern, long_values_never_match)
{
	char v[CREDENTIAL_PATTERN_VALUE_MAX + 2];

	memset(v, 'a', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	cr_expect_eq(m("a*", v), 0);
	v[CREDENTIAL_PATTERN_VALUE_MAX] = '\0';
	cr_expect_eq(m("a*", v), 1);
}

Test(ctype_pattern, cost_counts_expanded_repetitions)
{
	cr_expect(ok("x{256}"));
	cr_expect(!ok("x{257}"));
	cr_expect(!ok("x{256,}"));
	cr_expect(ok("(ab){128}"));
	cr_expect(!ok("(ab){129}"));
	cr_expect(ok("(x{16}){16}"));
	cr_expect(!ok("(x{16}){17}"));
	cr_expect(ok("[a-z]{200}"));
	cr_expect(ok("(a|b|c)*[0-9]+"));
	/* a bracket's characters are one element, braces inside are not
	 * bounds */
	cr_expect(ok("[{}0-9]{200}"));
	cr_expect(ok("a\\{999\\}"));
	cr_expect(!ok("a{99999999999999999999}"));
	cr_expect_eq(m("x{257}", "x"), -1);
}

/* Repeating something that can match nothing made glibc's compile time
 * explode (((x*)*){18}: 0.3 s): refused, with a plain spelling always
 * at hand. */
Test(ctype_pattern, repeating_what_can_be_empty_is_refused)
{
	struct scim_err err = {0};

	cr_expect(!ok("(x*)*"));
	cr_expect(!ok("((([a-z]?)*){16})"));
	cr_expect(!ok("(x?){2,5}"));
	cr_expect(!ok("(a|b?)+"));
	cr_expect(!ok("(x{0,16}){16}"));
	cr_expect(!ok("x**"));
	cr_expect(ok("(x?){0,1}"));
	cr_expect(ok("(x*)?"));
	cr_expect(ok("(-[A-Z]+)?"));
	cr_expect(ok("([0-9]{3}-?){3}"));
	cr_expect(ok("(\\.[a-z]*)*"));
	cr_expect_eq(credential_pattern_check(STR_LIT("(x*)*"), "P", &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect(strstr(err.detail, "can match the empty string") != NULL &&
		strstr(err.detail, "(regexinv)") != NULL,
	    "%s", err.detail);
	/* x{0} is still built once by regcomp, so it still costs */
	cr_expect(!ok("(x{200}){0}y{100}"));
}

Test(ctype_pattern, back_references_are_refused)
{
	struct scim_err err = {0};

	cr_expect_eq(credential_pattern_check(STR_LIT("(a)\\1"), "P", &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect_str_eq(err.detail,
	    "P: back-references such as \\1 are not supported (regexinv)");
	cr_expect(ok("a\\.b"));
}
