/*
 * PATCH /{type}/{id} through the SCIM layer (scim/op_patch.c): one
 * write transaction per request, so a failing operation anywhere leaves
 * the stored record byte-for-byte as it was (HARDENING.md promises 2
 * and 9); the Credential status machine and HID rules hold for PATCH as
 * for PUT; ETags and If-Match (RFC 7644 §3.14); uniqueness; the
 * 200/204 answer (RFC 7644 §3.5.2).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ops_fixture.h"
#include "scim/patch.h"
#include "util/date.h"

#define CRED(extra) \
	"{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"CT_PT\"" extra "}"
#define CTYPE_URN "urn:scimcred:params:scim:schemas:core:2.0:CredentialType"
#define MSG(ops) "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[" ops "]}"
#define OP(op, path, value) \
	"{\"op\":\"" op "\",\"path\":\"" path "\",\"value\":" value "}"
#define OPNV(op, path) "{\"op\":\"" op "\",\"path\":\"" path "\"}"
#define USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"

static void
setup_users(void)
{
	ox_setup("schemas-patch");
}

/* The real schemas, and in tenant t1 a credential type CT_PT whose
 * attributes N and RW are free and RO is readOnly. */
static void
setup_real(void)
{
	struct ox_req r = {.rtype = "CredentialType",
	    .body = "{\"schemas\":[\"" CTYPE_URN "\"],\"id\":\"CT_PT\","
		    "\"name\":\"PATCH tests\",\"attributes\":[{\"name\":"
		    "\"N\"},{\"name\":\"RO\",\"readOnly\":true},{\"name\":"
		    "\"RW\"}]}"};
	struct ox_resp p;

	ox_setup_real();
	p = ox_call(op_create, &r);
	cr_assert_eq(p.rc, 0, "CredentialType: %s", p.err.detail);
}

TestSuite(op_patch, .init = setup_real, .fini = ox_teardown);
TestSuite(op_patch_user, .init = setup_users, .fini = ox_teardown);

static struct ox_resp
patch_q(const char *rtype, const char *id, const char *body,
    const char *if_match, const char *query)
{
	struct ox_req r = {.rtype = rtype,
	    .id = id,
	    .body = body,
	    .if_match = if_match,
	    .query = query};

	return ox_call(op_patch, &r);
}

static struct ox_resp
patch(const char *id, const char *body, const char *if_match)
{
	return patch_q(NULL, id, body, if_match, NULL);
}

static struct ox_resp
get(const char *rtype, const char *id)
{
	struct ox_req r = {.rtype = rtype, .id = id};

	return ox_call(op_get, &r);
}

/* The stored bytes of tenant t1's rtype/id (arena copy). */
static struct str
stored(const char *rtype, const char *id)
{
	struct store_txn *txn = NULL;
	struct scim_err err = {0};
	struct str v = STR_NULL, out;

	cr_assert_eq(store_read_begin(scim_store(ox_scim()), &txn, &err), 0);
	cr_assert_eq(store_rec_get(
			 txn, STR_LIT("t1"), str_from(rtype), str_from(id), &v),
	    0);
	out = arena_str(ox_arena(), v);
	store_read_end(txn);
	return out;
}

static void
expect_ok(struct ox_resp *p, int status)
{
	cr_assert_eq(p->rc, 0, "rc %d: %s", p->rc, p->err.detail);
	cr_assert_eq(p->status, status);
}

/* ------------------------------------------------------- atomicity */

Test(op_patch, a_failing_third_operation_changes_nothing)
{
	const char *id = ox_create("t1",
	    CRED(",\"externalId\":\"x1\",\"status\":{\"status\":"
		 "\"ACTIVE\"}"));
	struct str before = stored("Credential", id), after;
	static const char *const third[] = {
	    OP("replace", "type", "\"CT_OTHER\""), /* mutability */
	    OPNV("remove", "attributes[name eq \\\"nope\\\"]"), /* noTarget */
	    OP("replace", "status.startDate", "\"tomorrow\""), /* value */
	    OP("replace", "status.status", "\"PENDING\""), /* the machine */
	};
	char msg[1024];
	struct ox_resp p;
	size_t i;

	for (i = 0; i < sizeof(third) / sizeof(third[0]); i++) {
		snprintf(msg, sizeof(msg),
		    MSG(OP("replace", "externalId", "\"x2\"") "," OP("add",
			"attributes",
			"[{\"name\":\"N\",\"value\":\"v\"}]") ",%s"),
		    third[i]);
		p = patch(id, msg, NULL);
		cr_assert_neq(p.rc, 0, "case %zu succeeded", i);
		after = stored("Credential", id);
		cr_assert(
		    str_eq(before, after), "case %zu changed the record", i);
	}
	cr_assert_eq(p.rc, SCIM_E_MUTABILITY);
	/* the key x2 was never claimed: another credential may take it */
	ox_create("t1", CRED(",\"externalId\":\"x2\""));
}

/* ---------------------------------------------------- status machine */

Test(op_patch, status_changes_obey_the_machine)
{
	const char *id =
	    ox_create("t1", CRED(",\"status\":{\"status\":\"ACTIVE\"}"));
	struct ox_resp p;

	p = patch(id, MSG(OP("Replace", "status.status", "\"REVOKED\"")), NULL);
	expect_ok(&p, 200);
	cr_assert_str_eq(ox_str(p.json, "status.status"), "REVOKED");
	p = patch(id, MSG(OP("replace", "status.status", "\"ACTIVE\"")), NULL);
	cr_assert_eq(p.rc, SCIM_E_MUTABILITY);
	cr_assert(strstr(p.err.detail, "from REVOKED to ACTIVE") != NULL, "%s",
	    p.err.detail);
	/* a no-path replace is held to the same rule */
	p = patch(id,
	    MSG("{\"op\":\"replace\",\"value\":{\"status\":{\"status\":"
		"\"ACTIVE\"}}}"),
	    NULL);
	cr_assert_eq(p.rc, SCIM_E_MUTABILITY);
	p = patch(
	    id, MSG(OP("replace", "status.status", "\"terminated\"")), NULL);
	expect_ok(&p, 200);
	cr_assert_str_eq(ox_str(p.json, "status.status"), "TERMINATED");
}

Test(op_patch, removals_reach_the_credential_rules)
{
	struct ox_req ur = {.rtype = "User",
	    .body = "{\"schemas\":[\"" USER_URN "\"],\"userName\":\"o1\"}"};
	struct ox_resp p = ox_call(op_create, &ur);
	const struct json_value *list;
	char body[512];
	const char *id;

	cr_assert_eq(p.rc, 0, "User: %s", p.err.detail);
	snprintf(body, sizeof(body),
	    CRED(",\"owner\":{\"value\":\"%s\"},\"status\":{\"status\":"
		 "\"ACTIVE\",\"expiryDate\":\"2030-01-01T00:00:00Z\"},"
		 "\"attributes\":[{\"name\":\"RO\",\"value\":\"1\"},"
		 "{\"name\":\"RW\",\"value\":\"2\"}]"),
	    ox_str(p.json, "id"));
	id = ox_create("t1", body);

	p = patch(id, MSG(OPNV("remove", "status.expiryDate")), NULL);
	expect_ok(&p, 200);
	cr_assert_null(ox_str(p.json, "status.expiryDate"));
	cr_assert_str_eq(ox_str(p.json, "status.status"), "ACTIVE");
	p = get(NULL, id);
	cr_assert_null(ox_str(p.json, "status.expiryDate"));
	p = patch(id, MSG(OPNV("remove", "owner")), NULL);
	cr_assert_eq(p.rc, SCIM_E_MUTABILITY);
	cr_assert(strstr(p.err.detail, "owner") != NULL);
	p = patch(
	    id, MSG(OPNV("remove", "attributes[name eq \\\"RO\\\"]")), NULL);
	cr_assert_eq(p.rc, SCIM_E_MUTABILITY);
	p = patch(
	    id, MSG(OPNV("remove", "attributes[name eq \\\"RW\\\"]")), NULL);
	expect_ok(&p, 200);
	list = json_object_get_cstr(p.json, "attributes");
	cr_assert_eq(list->u.array.len, 1);
	cr_assert_str_eq(ox_str(list->u.array.items[0], "name"), "RO");
}

/* -------------------------------------------------------------- ETags */

Test(op_patch, etag_and_if_match)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_resp p;

	p = patch(id, MSG(OP("add", "externalId", "\"e1\"")), "W/\"1\"");
	expect_ok(&p, 200);
	cr_assert_str_eq(p.etag, "W/\"2\"");
	cr_assert_str_eq(ox_str(p.json, "meta.version"), "W/\"2\"");
	cr_assert_str_eq(ox_str(p.json, "externalId"), "e1");
	p = patch(id, MSG(OP("add", "externalId", "\"e2\"")), "W/\"1\"");
	cr_assert_eq(p.rc, SCIM_E_PRECONDITION);
	p = patch(id, MSG(OP("add", "externalId", "\"e2\"")), "*");
	expect_ok(&p, 200);
	cr_assert_str_eq(p.etag, "W/\"3\"");
	p = patch(id, MSG(OP("add", "externalId", "\"e3\"")), "garbage");
	cr_assert_eq(p.rc, SCIM_E_BAD_REQUEST);
}

Test(op_patch, no_change_keeps_the_version)
{
	const char *id = ox_create("t1", CRED(",\"externalId\":\"same\""));
	struct str before = stored("Credential", id);
	struct ox_resp p;

	date_set_now(date_now_ms() + 60000);
	p = patch(id, MSG(OP("replace", "externalId", "\"same\"")), "W/\"1\"");
	expect_ok(&p, 200);
	cr_assert_str_eq(p.etag, "W/\"1\"");
	cr_assert_str_eq(ox_str(p.json, "meta.lastModified"), OX_NOW_TEXT);
	cr_assert(str_eq(before, stored("Credential", id)));
}

/* ------------------------------------------------------------ answers */

Test(op_patch, attributes_shape_the_answer)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_resp p;

	p = patch_q(NULL, id, MSG(OP("add", "externalId", "\"a\"")), NULL,
	    "attributes=externalId");
	expect_ok(&p, 200);
	cr_assert_str_eq(ox_str(p.json, "externalId"), "a");
	cr_assert_null(ox_str(p.json, "type"));
	p = patch_q(NULL, id, MSG(OP("add", "externalId", "\"b\"")), NULL,
	    "attributes=");
	expect_ok(&p, 204);
	cr_assert_null(p.json);
	cr_assert_str_eq(p.etag, "W/\"3\"");
	p = get(NULL, id);
	cr_assert_str_eq(ox_str(p.json, "externalId"), "b");
}

Test(op_patch, request_errors)
{
	const char *id = ox_create("t1", CRED(""));
	struct ox_resp p;

	p = patch("nosuchid", MSG(OP("add", "externalId", "\"a\"")), NULL);
	cr_assert_eq(p.rc, SCIM_E_NOT_FOUND);
	p = patch(id, "{", NULL);
	cr_assert_eq(p.rc, SCIM_E_INVALID_SYNTAX);
	p = patch(id, MSG(OP("move", "externalId", "\"a\"")), NULL);
	cr_assert_eq(p.rc, SCIM_E_INVALID_SYNTAX);
	p = patch(id, MSG(OP("add", "nosuch", "\"a\"")), NULL);
	cr_assert_eq(p.rc, SCIM_E_INVALID_PATH);
	p = patch(id, MSG(OP("replace", "meta.version", "\"x\"")), NULL);
	cr_assert_eq(p.rc, SCIM_E_MUTABILITY);
	p = patch(id, MSG(OP("replace", "id", "\"x\"")), NULL);
	cr_assert_eq(p.rc, SCIM_E_MUTABILITY);
	/* another tenant's credential is not there */
	{
		struct ox_req r = {.tenant = "t2",
		    .id = id,
		    .body = MSG(OP("add", "externalId", "\"a\""))};

		p = ox_call(op_patch, &r);
		cr_assert_eq(p.rc, SCIM_E_NOT_FOUND);
	}
}

/* ---------------------------------------------------------- uniqueness */

Test(op_patch, external_id_uniqueness)
{
	const char *a = ox_create("t1", CRED(",\"externalId\":\"A\""));
	const char *b = ox_create("t1", CRED(",\"externalId\":\"B\""));
	struct ox_resp p;

	p = patch(b, MSG(OP("replace", "externalId", "\"A\"")), NULL);
	cr_assert_eq(p.rc, SCIM_E_UNIQUENESS);
	p = patch(a, MSG(OPNV("remove", "externalId")), NULL);
	expect_ok(&p, 200);
	p = patch(b, MSG(OP("replace", "externalId", "\"A\"")), NULL);
	expect_ok(&p, 200);
	/* B is free again */
	ox_create("t1", CRED(",\"externalId\":\"B\""));
}

static const char *
create_user(const char *body)
{
	struct ox_req r = {.rtype = "User", .body = body};
	struct ox_resp p = ox_call(op_create, &r);

	cr_assert_eq(p.rc, 0, "create: %s", p.err.detail);
	return ox_str(p.json, "id");
}

Test(op_patch_user, user_name_uniqueness_ignores_case)
{
	const char *a, *b;
	struct ox_resp p;

	a = create_user("{\"schemas\":[\"" USER_URN "\"],\"userName\":"
			"\"alice\"}");
	b = create_user("{\"schemas\":[\"" USER_URN "\"],\"userName\":"
			"\"bob\"}");
	p = patch_q(
	    "User", b, MSG(OP("replace", "userName", "\"ALICE\"")), NULL, NULL);
	cr_assert_eq(p.rc, SCIM_E_UNIQUENESS);
	p = patch_q("User", a, MSG(OP("replace", "userName", "\"Alice2\"")),
	    NULL, NULL);
	expect_ok(&p, 200);
	p = patch_q(
	    "User", b, MSG(OP("replace", "userName", "\"alice\"")), NULL, NULL);
	expect_ok(&p, 200);
	p = get("User", b);
	cr_assert_str_eq(ox_str(p.json, "userName"), "alice");
}

Test(op_patch_user, required_attribute_and_write_only)
{
	const char *a = create_user(
	    "{\"schemas\":[\"" USER_URN "\"],\"userName\":\"carol\"}");
	struct ox_resp p;

	p = patch_q("User", a, MSG(OPNV("remove", "userName")), NULL, NULL);
	cr_assert_eq(p.rc, SCIM_E_MUTABILITY);
	p = patch_q("User", a, MSG(OP("replace", "password", "\"s3cret\"")),
	    NULL, NULL);
	expect_ok(&p, 200);
	cr_assert_null(json_object_get_cstr(p.json, "password"));
}
