/*
 * A Credential against its CredentialType, through the SCIM layer: the
 * type must exist; attributes follow the definitions on create, PUT and
 * PATCH, each broken rule a 400 naming the attribute, the rule and the
 * Nevis error kind; uniqueness per tenant or per owner (409); defaults,
 * readOnly, the initial status and the expiry from validityDays; the
 * owner must be a User of the tenant; a User's credentials go with it.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"
#include "scim/credential.h"
#include "scim/record.h"

#define CRED(type, extra) \
	"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"" type "\"" extra "}"
#define ATTRS(list) ",\"attributes\":[" list "]"
#define A(n, v) "{\"name\":\"" n "\",\"value\":\"" v "\"}"
#define OWNER(id) ",\"owner\":{\"value\":\"" id "\"}"
#define PATCH_OP(op, path, value) \
	"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]," \
	"\"Operations\":[{\"op\":\"" op "\",\"path\":\"" path "\"," \
	"\"value\":" value "}]}"

/* CT_R: one definition per rule. */
#define RULE_DEFS \
	"[{\"name\":\"PIN\",\"maxLength\":8,\"pattern\":\"[0-9]{4,8}\"}," \
	"{\"name\":\"LABEL\",\"maxLength\":3}," \
	"{\"name\":\"ISSUED\",\"type\":\"DATE\"}," \
	"{\"name\":\"COUNT\",\"type\":\"INT\"}," \
	"{\"name\":\"BIG\",\"type\":\"LONG\"}," \
	"{\"name\":\"FLAG\",\"type\":\"BOOLEAN\"}," \
	"{\"name\":\"SERIAL\",\"required\":true,\"uniqueness\":\"tenant\"}," \
	"{\"name\":\"SLOT\",\"type\":\"INT\",\"uniqueness\":\"owner\"}," \
	"{\"name\":\"CODE\",\"readOnly\":true}," \
	"{\"name\":\"NICK\",\"uniqueness\":\"tenant\"}," \
	"{\"name\":\"LEVEL\",\"type\":\"INT\",\"required\":true," \
	"\"defaultValue\":\"3\"}]"

static void
setup(void)
{
	ox_setup_creds();
	ox_ctype("t1", "CT_R", RULE_DEFS, NULL);
	ox_ctype("t2", "CT_R", RULE_DEFS, NULL);
	ox_ctype("t1", "CT_R2", RULE_DEFS, NULL);
	ox_ctype("t1", "CT_V",
	    "[{\"name\":\"A\"},{\"name\":\"B\",\"readOnly\":true}]",
	    ",\"validityDays\":30,\"initialStatus\":\"ACTIVE\"");
}

TestSuite(rules, .init = setup, .fini = ox_teardown);

static struct ox_resp
post(const char *tenant, const char *body)
{
	struct ox_req r = {.tenant = tenant, .body = body};

	return ox_call(op_create, &r);
}

static struct ox_resp
put(const char *id, const char *body)
{
	struct ox_req r = {.id = id, .body = body};

	return ox_call(op_replace, &r);
}

static struct ox_resp
patch(const char *id, const char *body)
{
	struct ox_req r = {.id = id, .body = body};

	return ox_call(op_patch, &r);
}

/* Expects a refusal with code rc whose detail holds each of want[]. */
static void
expect_refusal(struct ox_resp p, int rc, const char *const *want)
{
	cr_expect_eq(p.rc, rc, "rc %d: %s", p.rc, p.err.detail);
	for (; *want != NULL; want++)
		cr_expect(strstr(p.err.detail, *want) != NULL,
		    "want '%s' in: %s", *want, p.err.detail);
}

#define REFUSED(p, rc, ...) \
	expect_refusal((p), (rc), (const char *const[]){__VA_ARGS__, NULL})

/* The value of attribute name, or NULL. */
static const char *
attr(const struct json_value *res, const char *name)
{
	const struct json_value *l = json_object_get_cstr(res, "attributes");
	size_t i;

	for (i = 0; l != NULL && i < l->u.array.len; i++)
		if (strcmp(ox_str(l->u.array.items[i], "name"), name) == 0)
			return ox_str(l->u.array.items[i], "value");
	return NULL;
}

static const struct json_value *
attr_elem(const struct json_value *res, const char *name)
{
	const struct json_value *l = json_object_get_cstr(res, "attributes");
	size_t i;

	for (i = 0; l != NULL && i < l->u.array.len; i++)
		if (strcmp(ox_str(l->u.array.items[i], "name"), name) == 0)
			return l->u.array.items[i];
	return NULL;
}

/* A valid CT_R credential in t1 with SERIAL serial, more attributes
 * (text starting with ',') and owner (NULL: none); returns its id. */
static const char *
rcred_owned(const char *serial, const char *more, const char *owner)
{
	char body[512];

	snprintf(body, sizeof(body),
	    CRED("CT_R",
		ATTRS("{\"name\":\"SERIAL\",\"value\":\"%s\"}%s") "%s%s%s"),
	    serial, more, owner != NULL ? ",\"owner\":{\"value\":\"" : "",
	    owner != NULL ? owner : "", owner != NULL ? "\"}" : "");
	return ox_create("t1", body);
}

static const char *
rcred(const char *serial, const char *more)
{
	return rcred_owned(serial, more, NULL);
}

/* -------------------------------------------------------- the type */

Test(rules, unknown_type_is_400_naming_it)
{
	REFUSED(post("t1", CRED("CT_NOPE", "")), SCIM_E_INVALID_VALUE,
	    "type: no credential type \"CT_NOPE\"",
	    "(unsupportedCredentialTypeToCreate)");
	/* a type of another tenant is no type here */
	ox_ctype("t2", "CT_T2ONLY", NULL, NULL);
	REFUSED(post("t1", CRED("CT_T2ONLY", "")), SCIM_E_INVALID_VALUE,
	    "CT_T2ONLY");
	/* codes compare exactly */
	REFUSED(post("t1", CRED("ct_r", "")), SCIM_E_INVALID_VALUE, "ct_r");
}

Test(rules, unknown_attribute_names_are_invalid_parameter)
{
	REFUSED(
	    post("t1",
		CRED("CT_R", ATTRS(A("SERIAL", "s1") "," A("COLOUR", "red")))),
	    SCIM_E_INVALID_VALUE,
	    "attributes[name eq \"COLOUR\"]: credential type CT_R defines no "
	    "attribute of this name (invalidParameter)");
	/* names compare exactly */
	REFUSED(post("t1", CRED("CT_R", ATTRS(A("serial", "s1")))),
	    SCIM_E_INVALID_VALUE, "\"serial\"", "(invalidParameter)");
}

/* ------------------------------------------------------- the values */

Test(rules, each_value_rule_names_attribute_rule_and_kind)
{
	static const struct {
		const char *attr, *want;
	} cases[] = {
	    {A("PIN", "123456789"),
		"attributes[name eq \"PIN\"].value: longer than maxLength 8 "
		"(stringmaxlen)"},
	    {A("PIN", "12a4"),
		"attributes[name eq \"PIN\"].value: does not match the "
		"pattern \"[0-9]{4,8}\" (stringregex)"},
	    {A("PIN", "123"), "(stringregex)"},
	    {A("LABEL", "abcd"), "LABEL\"].value: longer than maxLength 3"},
	    {A("ISSUED", "yesterday"),
		"attributes[name eq \"ISSUED\"].value: \"yesterday\" is not a "
		"DATE"},
	    {A("ISSUED", "2024-02-30T00:00:00Z"), "(invalidDate)"},
	    {A("COUNT", "12x"), "\"12x\" is not an INT"},
	    {A("COUNT", "2147483648"), "(invalidData)"},
	    {A("BIG", "9223372036854775808"), "is not a LONG"},
	    {A("FLAG", "yes"), "is not a BOOLEAN, true or false (invalidData)"},
	    {"{\"name\":\"COUNT\",\"type\":\"STRING\",\"value\":\"1\"}",
		"attributes[name eq \"COUNT\"].type: credential type CT_R "
		"defines COUNT as INT, not STRING (invalidData)"},
	};
	char body[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body),
		    CRED("CT_R", ATTRS(A("SERIAL", "s1") ",%s")),
		    cases[i].attr);
		REFUSED(post("t1", body), SCIM_E_INVALID_VALUE, cases[i].want);
	}
}

Test(rules, values_are_stored_canonical_with_type_and_flag)
{
	const char *id = rcred("s1",
	    "," A("COUNT", "007") "," A("FLAG", "TRUE") "," A(
		"ISSUED", "2024-01-01T02:00:00+02:00") "," A("PIN", "1234"));
	struct ox_req r = {.id = id};
	struct ox_resp g = ox_call(op_get, &r);
	const struct json_value *e;

	cr_assert_eq(g.rc, 0, "%s", g.err.detail);
	cr_expect_str_eq(attr(g.json, "COUNT"), "7");
	cr_expect_str_eq(attr(g.json, "FLAG"), "true");
	cr_expect_str_eq(attr(g.json, "ISSUED"), "2024-01-01T00:00:00Z");
	e = attr_elem(g.json, "COUNT");
	cr_expect_str_eq(ox_str(e, "type"), "INT");
	cr_expect_eq(json_object_get_cstr(e, "readOnly")->u.boolean, 0);
}

Test(rules, max_length_counts_characters)
{
	/* three two-byte characters fit maxLength 3 */
	cr_expect_eq(post("t1",
			 CRED("CT_R",
			     ATTRS(A("SERIAL", "s1") "," A(
				 "LABEL", "\xc3\xa9\xc3\xa9\xc3\xa9"))))
			 .rc,
	    0);
	REFUSED(post("t1",
		    CRED("CT_R",
			ATTRS(A("SERIAL", "s2") "," A(
			    "LABEL", "\xc3\xa9\xc3\xa9\xc3\xa9x")))),
	    SCIM_E_INVALID_VALUE, "(stringmaxlen)");
}

Test(rules, required_attributes_must_have_a_value)
{
	REFUSED(post("t1", CRED("CT_R", "")), SCIM_E_INVALID_VALUE,
	    "attributes[name eq \"SERIAL\"]: required by credential type "
	    "CT_R but has no value (mandatoryParameterMissing)");
	REFUSED(post("t1", CRED("CT_R", ATTRS("{\"name\":\"SERIAL\"}"))),
	    SCIM_E_INVALID_VALUE, "(mandatoryParameterMissing)");
}

Test(rules, defaults_fill_absent_attributes_and_values)
{
	const char *id = rcred("s1", "");
	struct ox_req r = {.id = id};
	struct ox_resp g = ox_call(op_get, &r), p;

	cr_assert_eq(g.rc, 0, "%s", g.err.detail);
	cr_expect_str_eq(attr(g.json, "LEVEL"), "3");
	cr_expect_str_eq(ox_str(attr_elem(g.json, "LEVEL"), "type"), "INT");
	/* a given value wins; an element without one gets the default */
	id = rcred("s2", "," A("LEVEL", "5"));
	g = ox_call(op_get, &(struct ox_req){.id = id});
	cr_expect_str_eq(attr(g.json, "LEVEL"), "5");
	id = rcred("s3", ",{\"name\":\"LEVEL\"}");
	g = ox_call(op_get, &(struct ox_req){.id = id});
	cr_expect_str_eq(attr(g.json, "LEVEL"), "3");
	/* a PUT that drops it gets the default back */
	p = put(id, CRED("CT_R", ATTRS(A("SERIAL", "s3"))));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(attr(p.json, "LEVEL"), "3");
}

Test(rules, put_and_patch_follow_the_type_too)
{
	const char *id = rcred("s1", "");
	struct ox_resp p;

	REFUSED(put(id,
		    CRED("CT_R",
			ATTRS(A("SERIAL", "s1") "," A("PIN", "123456789")))),
	    SCIM_E_INVALID_VALUE, "(stringmaxlen)");
	REFUSED(put(id, CRED("CT_R", ATTRS(A("PIN", "1234")))),
	    SCIM_E_INVALID_VALUE, "SERIAL", "(mandatoryParameterMissing)");
	REFUSED(patch(id,
		    PATCH_OP("add", "attributes",
			"[{\"name\":\"PIN\",\"value\":\"12\"}]")),
	    SCIM_E_INVALID_VALUE, "(stringregex)");
	REFUSED(patch(id,
		    PATCH_OP("replace",
			"attributes[name eq \\\"SERIAL\\\"].value", "\"\"")),
	    SCIM_E_INVALID_VALUE, "SERIAL");
	REFUSED(patch(id,
		    PATCH_OP("add", "attributes",
			"[{\"name\":\"ODD\",\"value\":\"1\"}]")),
	    SCIM_E_INVALID_VALUE, "(invalidParameter)");
	p = patch(id,
	    PATCH_OP("add", "attributes",
		"[{\"name\":\"COUNT\",\"value\":\"0042\"}]"));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(attr(p.json, "COUNT"), "42");
	cr_expect_str_eq(ox_str(attr_elem(p.json, "COUNT"), "type"), "INT");
}

/* ------------------------------------------------------------ readOnly */

Test(rules, read_only_values_stay)
{
	const char *id = rcred("s1", "," A("CODE", "c-1"));
	struct ox_req r = {.id = id};
	struct ox_resp g = ox_call(op_get, &r);

	cr_expect_eq(json_object_get_cstr(attr_elem(g.json, "CODE"), "readOnly")
			 ->u.boolean,
	    1);
	REFUSED(
	    put(id,
		CRED("CT_R", ATTRS(A("SERIAL", "s1") "," A("CODE", "c-2")))),
	    SCIM_E_MUTABILITY,
	    "attributes[name eq \"CODE\"].value is readOnly: its value "
	    "cannot change (modifyReadonlyData)");
	REFUSED(put(id, CRED("CT_R", ATTRS(A("SERIAL", "s1")))),
	    SCIM_E_MUTABILITY, "cannot be removed", "(modifyReadonlyData)");
	REFUSED(patch(id,
		    PATCH_OP("replace",
			"attributes[name eq \\\"CODE\\\"].value", "\"c-3\"")),
	    SCIM_E_MUTABILITY, "(modifyReadonlyData)");
	cr_expect_eq(
	    put(id, CRED("CT_R", ATTRS(A("SERIAL", "s9") "," A("CODE", "c-1"))))
		.rc,
	    0);
	/* a readOnly attribute left unset may be set once */
	id = rcred("s2", "");
	cr_expect_eq(
	    put(id,
		CRED("CT_R", ATTRS(A("SERIAL", "s2") "," A("CODE", "late"))))
		.rc,
	    0);
}

/* ----------------------------------------------------------- uniqueness */

Test(rules, tenant_uniqueness_is_409)
{
	const char *id = rcred("dup", "");
	struct ox_req d = {.id = id};

	REFUSED(post("t1", CRED("CT_R", ATTRS(A("SERIAL", "dup")))),
	    SCIM_E_UNIQUENESS,
	    "attributes[name eq \"SERIAL\"].value: already used by another "
	    "credential of type CT_R in this tenant "
	    "(propertyUniquenessViolated)");
	/* another type, another tenant: no conflict */
	cr_expect_eq(
	    post("t1", CRED("CT_R2", ATTRS(A("SERIAL", "dup")))).rc, 0);
	cr_expect_eq(post("t2", CRED("CT_R", ATTRS(A("SERIAL", "dup")))).rc, 0);
	/* deleting the holder frees the value */
	cr_assert_eq(ox_call(op_delete, &d).rc, 0);
	cr_expect_eq(post("t1", CRED("CT_R", ATTRS(A("SERIAL", "dup")))).rc, 0);
}

Test(rules, uniqueness_keys_move_with_put_and_patch)
{
	const char *a = rcred("one", ""), *b = rcred("two", "");

	/* PUT moves a's key from "one" to "three": "one" is free again */
	cr_assert_eq(put(a, CRED("CT_R", ATTRS(A("SERIAL", "three")))).rc, 0);
	cr_expect_eq(put(b, CRED("CT_R", ATTRS(A("SERIAL", "one")))).rc, 0);
	REFUSED(put(a, CRED("CT_R", ATTRS(A("SERIAL", "one")))),
	    SCIM_E_UNIQUENESS, "SERIAL");
	/* keeping one's own value is no conflict */
	cr_expect_eq(put(a, CRED("CT_R", ATTRS(A("SERIAL", "three")))).rc, 0);
	REFUSED(patch(a,
		    PATCH_OP("replace",
			"attributes[name eq \\\"SERIAL\\\"].value", "\"one\"")),
	    SCIM_E_UNIQUENESS, "(propertyUniquenessViolated)");
	cr_expect_eq(
	    patch(a,
		PATCH_OP("replace", "attributes[name eq \\\"SERIAL\\\"].value",
		    "\"two\""))
		.rc,
	    0);
	cr_expect_eq(
	    post("t1", CRED("CT_R", ATTRS(A("SERIAL", "three")))).rc, 0);
}

Test(rules, owner_uniqueness_is_per_owner)
{
	const char *id = rcred_owned("x1", "," A("SLOT", "1"), "user-1");
	struct ox_req d = {.id = id};

	REFUSED(post("t1",
		    CRED("CT_R",
			ATTRS(A("SERIAL", "x2") "," A("SLOT", "01"))
			    OWNER("user-1"))),
	    SCIM_E_UNIQUENESS,
	    "attributes[name eq \"SLOT\"].value: already used by another "
	    "credential of type CT_R of the same owner "
	    "(propertyUniquenessViolated)");
	rcred_owned("x3", "," A("SLOT", "1"), "user-2");
	/* without an owner there is no owner scope */
	rcred("x4", "," A("SLOT", "1"));
	rcred("x5", "," A("SLOT", "1"));
	/* deleting the holder frees the slot for its owner */
	cr_assert_eq(ox_call(op_delete, &d).rc, 0);
	rcred_owned("x6", "," A("SLOT", "1"), "user-1");
}

/* An empty string is no value to collide on (as in uniq.c). */
Test(rules, empty_values_hold_no_key)
{
	rcred("e1", "," A("NICK", ""));
	rcred("e2", "," A("NICK", ""));
	rcred("e3", "," A("NICK", "n"));
	REFUSED(post("t1",
		    CRED("CT_R", ATTRS(A("SERIAL", "e4") "," A("NICK", "n")))),
	    SCIM_E_UNIQUENESS, "NICK");
}

Test(rules, a_refused_write_leaves_no_key)
{
	/* the uniqueness key is claimed before a later rule fails: the
	 * transaction must take it back */
	REFUSED(post("t1",
		    CRED("CT_R",
			ATTRS(A("SERIAL", "k") "," A("SLOT", "1"))
			    OWNER("nobody"))),
	    SCIM_E_INVALID_VALUE, "owner.value");
	cr_expect_eq(post("t1", CRED("CT_R", ATTRS(A("SERIAL", "k")))).rc, 0);
}

/* -------------------------------------------------- status and expiry */

Test(rules, status_and_expiry_come_from_the_type)
{
	struct ox_resp p = post("t1", CRED("CT_V", ""));

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "status.status"), "ACTIVE");
	/* created (the fixed clock) + 30 days */
	cr_expect_str_eq(
	    ox_str(p.json, "status.expiryDate"), "2024-03-31T12:00:00Z");
	/* from the start date when there is one */
	p = post("t1",
	    CRED("CT_V",
		",\"status\":{\"status\":\"PENDING\","
		"\"startDate\":\"2024-06-01T00:00:00Z\"}"));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "status.status"), "PENDING");
	cr_expect_str_eq(
	    ox_str(p.json, "status.expiryDate"), "2024-07-01T00:00:00Z");
	/* a given expiry wins */
	p = post("t1",
	    CRED("CT_V",
		",\"status\":{\"expiryDate\":"
		"\"2025-01-01T00:00:00Z\"}"));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(
	    ox_str(p.json, "status.expiryDate"), "2025-01-01T00:00:00Z");
	/* -1: never expires, and PENDING by default */
	p = post("t1", CRED("CT_ACODE", ""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(ox_str(p.json, "status.expiryDate"));
	cr_expect_str_eq(ox_str(p.json, "status.status"), "PENDING");
}

Test(rules, expiry_is_not_reapplied_on_put)
{
	struct ox_resp p = post("t1", CRED("CT_V", ""));
	const char *id = ox_str(p.json, "id");

	p = put(id, CRED("CT_V", ",\"status\":{\"expiryDate\":null}"));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(ox_str(p.json, "status.expiryDate"));
}

/* ------------------------------------------------------------- owner */

Test(rules, owner_must_be_a_user_of_the_tenant)
{
	struct ox_resp p;

	REFUSED(post("t1", CRED("CT_ACODE", OWNER("ghost"))),
	    SCIM_E_INVALID_VALUE,
	    "owner.value: no User \"ghost\" in this tenant (noRecord)");
	ox_user("t2", "only-t2", "x", "X");
	REFUSED(post("t1", CRED("CT_ACODE", OWNER("only-t2"))),
	    SCIM_E_INVALID_VALUE, "only-t2");
	REFUSED(post("t1", CRED("CT_ACODE", OWNER("a/b"))),
	    SCIM_E_INVALID_VALUE, "owner.value");
	p = post("t1", CRED("CT_ACODE", OWNER("user-1")));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "owner.display"), "Ann Example");
	cr_expect_str_eq(
	    ox_str(p.json, "owner.$ref"), OX_BASE "/scim/t1/v2/Users/user-1");
	p = post("t1", CRED("CT_ACODE", OWNER("user-2")));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_str_eq(ox_str(p.json, "owner.display"), "bob");
	/* optional */
	p = post("t1", CRED("CT_ACODE", ""));
	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	cr_expect_null(json_object_get_cstr(p.json, "owner"));
}

Test(rules, owner_ref_is_not_stored)
{
	struct ox_resp p = post("t1", CRED("CT_ACODE", OWNER("user-1")));
	struct str val;
	struct store_txn *txn = NULL;
	struct scim_err err = {0};
	const char *id = ox_str(p.json, "id");

	cr_assert_eq(store_read_begin(ox_store(), &txn, &err), 0);
	cr_assert_eq(store_rec_get(txn, STR_LIT("t1"), STR_LIT("Credential"),
			 str_from(id), &val),
	    0);
	cr_expect_lt(str_find(val, STR_LIT("$ref"), 0), 0);
	cr_expect_geq(str_find(val, STR_LIT("Ann Example"), 0), 0);
	store_read_end(txn);
}

struct cascade {
	const char *owner;
};

static int
cascade_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct cascade *c = arg;
	struct resource_ctx ctx = {.arena = ox_arena(),
	    .rt = schema_rtype_find(scim_registry(ox_scim()), STR_LIT("User")),
	    .txn = txn,
	    .tenant = STR_LIT("t1")};

	return credential_delete_owned(&ctx, str_from(c->owner), err);
}

Test(rules, a_users_credentials_can_be_deleted_with_it)
{
	const char *a = rcred_owned("m1", "," A("SLOT", "1"), "user-1");
	const char *b = rcred_owned("m2", "", "user-1");
	const char *kept = rcred_owned("o1", "," A("SLOT", "1"), "user-2");
	struct cascade c = {.owner = "user-1"};
	struct scim_err err = {0};

	cr_assert_eq(
	    store_write(ox_store(), cascade_fn, &c, &err), 0, "%s", err.detail);
	cr_expect_eq(
	    ox_call(op_get, &(struct ox_req){.id = a}).rc, SCIM_E_NOT_FOUND);
	cr_expect_eq(
	    ox_call(op_get, &(struct ox_req){.id = b}).rc, SCIM_E_NOT_FOUND);
	cr_expect_eq(ox_call(op_get, &(struct ox_req){.id = kept}).rc, 0);
	/* their keys went with them: the values are free again */
	rcred_owned("m1", "," A("SLOT", "1"), "user-1");
	rcred("m2", "");
	/* and the type counts only what is left */
	cr_expect_eq(ox_call(op_delete, &(struct ox_req){.id = kept}).rc, 0);
}
