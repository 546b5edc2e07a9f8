/*
 * Users and Populations over HTTP, with the request shapes Entra ID and
 * Okta send: create, the userName lookups both run before creating
 * (filters compared without regard to case, unknown query parameters
 * ignored), the write-only password, uniqueness, the enterprise
 * extension, Populations and the 409 on deleting one with Users, the
 * cascade that deletes a User's Credentials, and the dir:* permissions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dir_http.h"

TestSuite(users, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 60);

/* Entra ID's create (Microsoft's SCIM provisioning tutorial shape). */
#define ENTRA_USER(name) \
	"{\"schemas\":[\"" DIR_USER_URN "\",\"" DIR_ENT_URN "\"]," \
	"\"externalId\":\"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"," \
	"\"userName\":\"" name "\",\"active\":true," \
	"\"emails\":[{\"primary\":true,\"type\":\"work\"," \
	"\"value\":\"" name "\"}]," \
	"\"meta\":{\"resourceType\":\"User\"}," \
	"\"name\":{\"formatted\":\"givenName familyName\"," \
	"\"familyName\":\"familyName\",\"givenName\":\"givenName\"}," \
	"\"roles\":[]," \
	"\"" DIR_ENT_URN "\":{\"employeeNumber\":\"701984\"," \
	"\"department\":\"Tour Operations\"}}"

static long
total(struct harness_resp *r)
{
	int64_t n = -1;

	harness_jint(harness_json(r), "totalResults", &n);
	return (long)n;
}

ITEST(users, entra_create_lookup_replace_delete)
{
	struct harness_resp r;
	char id[128];
	const struct json_value *v;

	dir_create("/Users", ENTRA_USER("Test_User_ab6490ee@testuser.com"), id);
	/* Entra looks the user up with a filter before and after. */
	dir_req("GET",
	    "/Users?filter=userName+eq+%22test_user_AB6490EE%40testuser.com%22",
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(total(&r), 1, "userName eq ignores case: %s", r.body);
	cr_expect_str_eq(harness_jstr(harness_json(&r), "Resources.0.id"), id);
	v = json_object_get_cstr(
	    harness_jpath(harness_json(&r), "Resources.0"), DIR_ENT_URN);
	cr_expect_str_eq(harness_jstr(v, "employeeNumber"), "701984");
	harness_resp_free(&r);
	dir_req("GET", "/Users?filter=userName+eq+%22nobody%40testuser.com%22",
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(total(&r), 0);
	harness_resp_free(&r);
	/* Okta pages its lookup; unknown parameters are ignored. */
	dir_req("GET",
	    "/Users?filter=userName%20eq%20%22TEST_USER_ab6490ee%40testuser."
	    "com%22&startIndex=1&count=100&okta_trace=1",
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(total(&r), 1);
	harness_resp_free(&r);
	dir_req("GET",
	    "/Users?filter=emails%5Btype+eq+%22work%22%5D.value+eq+"
	    "%22Test_User_ab6490ee%40testuser.com%22",
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(total(&r), 1, "%s", r.body);
	harness_resp_free(&r);
	dir_req("PUT", dir_fmt("/Users/%s", id),
	    "{\"schemas\":[\"" DIR_USER_URN "\"],"
	    "\"userName\":\"Test_User_ab6490ee@testuser.com\","
	    "\"active\":\"False\"}",
	    &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(harness_jbool(harness_json(&r), "active"), 0,
	    "\"False\" is read as a boolean");
	cr_expect_null(json_object_get_cstr(harness_json(&r), DIR_ENT_URN),
	    "PUT replaces the extension too");
	harness_resp_free(&r);
	dir_req("DELETE", dir_fmt("/Users/%s", id), NULL, &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Users/%s", id), NULL, &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
}

/* Okta's create carries a password and an empty groups list. */
ITEST(users, okta_create_password_is_never_returned)
{
	struct harness_resp r;
	char id[128];

	dir_req("POST", "/Users",
	    "{\"schemas\":[\"" DIR_USER_URN "\"],"
	    "\"userName\":\"test.user@okta.local\","
	    "\"name\":{\"givenName\":\"Test\",\"familyName\":\"User\"},"
	    "\"emails\":[{\"primary\":true,\"value\":\"test.user@okta.local\","
	    "\"type\":\"work\"}],\"displayName\":\"Test User\","
	    "\"locale\":\"en-US\",\"externalId\":\"00ujl29u0le5T6Aj10h7\","
	    "\"groups\":[],\"password\":\"1mz050nq\",\"active\":true}",
	    &r);
	EXPECT_STATUS(&r, 201);
	cr_expect_null(strstr(r.body, "1mz050nq"));
	cr_expect_null(strstr(r.body, "password"));
	cr_expect_null(strstr(r.body, "scrypt"));
	snprintf(id, sizeof(id), "%s", harness_jstr(harness_json(&r), "id"));
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Users/%s?attributes=password,userName", id),
	    NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_null(strstr(r.body, "password"));
	cr_expect_null(strstr(r.body, "scrypt"));
	harness_resp_free(&r);
	dir_req("GET", "/Users?filter=password+pr", NULL, &r);
	EXPECT_STATUS(&r, 200);
	cr_expect_eq(total(&r), 0);
	harness_resp_free(&r);
	/* The same name in other letters is taken. */
	dir_req("POST", "/Users",
	    "{\"schemas\":[\"" DIR_USER_URN "\"],"
	    "\"userName\":\"TEST.USER@OKTA.LOCAL\"}",
	    &r);
	EXPECT_ERROR(&r, 409, "uniqueness");
	harness_resp_free(&r);
}

/* Deleting a User deletes the Credentials it owns in the same request,
 * and their unique attribute values are free again. */
#define OTP \
	"{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"type\":\"CT_OTP\"," \
	"\"owner\":{\"value\":\"%s\"},\"attributes\":[{\"name\":\"SERIAL\"," \
	"\"type\":\"STRING\",\"value\":\"%s\"}]}"

ITEST(users, delete_deletes_owned_credentials)
{
	struct harness_resp r;
	char u[128], v[128], mine[128], theirs[128];

	dir_user("owner.one", u);
	dir_user("owner.two", v);
	harness_create(&harness_fx, harness_fx.admin_token, "demo",
	    dir_fmt(OTP, u, "SN-0001"), mine, sizeof(mine));
	harness_create(&harness_fx, harness_fx.admin_token, "demo",
	    dir_fmt(OTP, v, "SN-0002"), theirs, sizeof(theirs));
	dir_req("DELETE", dir_fmt("/Users/%s", u), NULL, &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Credential/%s", mine), NULL, &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	dir_req("GET", dir_fmt("/Credential/%s", theirs), NULL, &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	harness_create(&harness_fx, harness_fx.admin_token, "demo",
	    dir_fmt(OTP, v, "SN-0001"), mine, sizeof(mine));
}

ITEST(users, populations_and_the_delete_conflict)
{
	struct harness_resp r;
	char pop[128], u[128];
	const struct json_value *ext;

	dir_create("/Populations",
	    "{\"schemas\":[\"" DIR_POP_URN "\"],\"name\":\"Employees\","
	    "\"description\":\"Everyone on the payroll\"}",
	    pop);
	dir_req("POST", "/Populations",
	    "{\"schemas\":[\"" DIR_POP_URN "\"],\"name\":\"EMPLOYEES\"}", &r);
	EXPECT_ERROR(&r, 409, "uniqueness");
	harness_resp_free(&r);
	dir_req("POST", "/Users",
	    "{\"schemas\":[\"" DIR_USER_URN "\",\"" DIR_EXT_URN "\"],"
	    "\"userName\":\"pat\",\"" DIR_EXT_URN "\":{\"population\":"
	    "{\"value\":\"00000000-0000-4000-8000-000000000000\"}}}",
	    &r);
	EXPECT_ERROR(&r, 400, "invalidValue");
	cr_expect_not_null(strstr(r.body, "00000000-0000-4000-8000"));
	harness_resp_free(&r);
	dir_create("/Users",
	    dir_fmt("{\"schemas\":[\"" DIR_USER_URN "\",\"" DIR_EXT_URN "\"],"
		    "\"userName\":\"pat\",\"" DIR_EXT_URN "\":{\"population\":"
		    "{\"value\":\"%s\"}}}",
		pop),
	    u);
	dir_req("GET", dir_fmt("/Users/%s", u), NULL, &r);
	EXPECT_STATUS(&r, 200);
	ext = json_object_get_cstr(harness_json(&r), DIR_EXT_URN);
	cr_expect_str_eq(harness_jstr(ext, "population.value"), pop);
	cr_expect_str_eq(harness_jstr(ext, "population.display"), "Employees");
	cr_expect_not_null(strstr(harness_jstr(ext, "population.$ref"),
	    dir_fmt("/scim/demo/v2/Populations/%s", pop)));
	harness_resp_free(&r);
	dir_req("DELETE", dir_fmt("/Populations/%s", pop), NULL, &r);
	EXPECT_ERROR(&r, 409, NULL);
	cr_expect_not_null(strstr(r.body, "still has 1 User"), "%s", r.body);
	harness_resp_free(&r);
	dir_req("DELETE", dir_fmt("/Users/%s", u), NULL, &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
	dir_req("DELETE", dir_fmt("/Populations/%s", pop), NULL, &r);
	EXPECT_STATUS(&r, 204);
	harness_resp_free(&r);
}

/* Each route needs its one dir:* permission (default deny). */
ITEST(users, dir_permissions)
{
	static const char *const read_user[] = {"dir:read:user", NULL};
	char tok[HARNESS_TOKEN_MAX], id[128], path[256];
	struct harness_resp r;
	struct harness_req rq = {.token = tok};

	dir_user("quinn", id);
	cr_assert_eq(harness_token_create(
			 &harness_fx, "demo", read_user, tok, sizeof(tok)),
	    0);
	snprintf(path, sizeof(path), DIR_BASE "/Users/%s", id);
	rq.method = "GET";
	rq.path = path;
	harness_send(&harness_fx, &rq, &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	rq.method = "DELETE";
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	rq.method = "GET";
	rq.path = DIR_BASE "/Groups";
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	rq.path = DIR_BASE "/Populations";
	harness_send(&harness_fx, &rq, &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
}
