/*
 * Issue 3 over HTTP: the root POST /.search with per-type permissions,
 * RFC 9865 cursor paging and its errors, and the page sizes of
 * --page-size-default / --page-size-max advertised in
 * /ServiceProviderConfig.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define BASE "/scim/demo/v2"
#define SR "{\"schemas\":[\"" HARNESS_SEARCH_URN "\"]"

static const char *const page_args[] = {
    "--page-size-default", "2", "--page-size-max", "3", NULL};

static void
setup(void)
{
	harness_fx_setup();
}

TestSuite(
    query_http, .init = setup, .fini = harness_fx_teardown, .timeout = 60);

static void
token(const char *const *perms, char *out)
{
	cr_assert_eq(harness_token_create(
			 &harness_fx, "demo", perms, out, HARNESS_TOKEN_MAX),
	    0);
}

static struct harness_resp
root(const char *tok, const char *body)
{
	struct harness_resp r;

	cr_assert_eq(
	    harness_post(&harness_fx, tok, BASE "/.search", body, &r), 0);
	return r;
}

ITEST(query_http, root_search_skips_types_the_token_cannot_read)
{
	const char *schema_only[] = {"scim:read:schema", NULL};
	const char *users[] = {"scim:read:schema", "dir:read:user", NULL};
	const char *no_schema[] = {"dir:read:user", NULL};
	char t1[HARNESS_TOKEN_MAX], t2[HARNESS_TOKEN_MAX],
	    t3[HARNESS_TOKEN_MAX], id[128];
	struct harness_resp r;
	struct json_value *v;
	int64_t total;

	harness_user(&harness_fx, harness_fx.admin_token, "demo", "ann", NULL,
	    id, sizeof(id));
	token(schema_only, t1);
	token(users, t2);
	token(no_schema, t3);
	r = root(t1, SR "}");
	EXPECT_STATUS(&r, 200);
	v = harness_json(&r);
	cr_expect(harness_jint(v, "totalResults", &total) && total == 0);
	harness_resp_free(&r);
	/* only the Users: the demo tenant's CredentialTypes are skipped */
	r = root(t2, SR "}");
	EXPECT_STATUS(&r, 200);
	v = harness_json(&r);
	cr_expect(harness_jint(v, "totalResults", &total) && total == 1);
	cr_expect_str_eq(harness_jstr(v, "Resources.0.userName"), "ann");
	harness_resp_free(&r);
	/* the admin token sees the credential types too */
	r = root(harness_fx.admin_token, SR "}");
	v = harness_json(&r);
	cr_expect(harness_jint(v, "totalResults", &total) && total > 1);
	harness_resp_free(&r);
	r = root(t3, SR "}");
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	r = root(harness_fx.admin_token, SR ",\"filter\":\"nope eq 1\"}");
	EXPECT_ERROR(&r, 400, "invalidFilter");
	harness_resp_free(&r);
}

ITEST(query_http, cursor_paging_and_its_errors)
{
	char path[1024], id[128], name[8];
	const char *next;
	struct harness_resp r;
	struct json_value *v;
	int i, seen = 0;

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		harness_user(&harness_fx, harness_fx.admin_token, "demo", name,
		    NULL, id, sizeof(id));
	}
	snprintf(path, sizeof(path), BASE "/Users?cursor&count=2");
	for (;;) {
		cr_assert_eq(
		    harness_get(&harness_fx, harness_fx.admin_token, path, &r),
		    0);
		EXPECT_STATUS(&r, 200);
		v = harness_json(&r);
		seen += (int)harness_jlen(v, "Resources");
		cr_expect_null(harness_jpath(v, "startIndex"));
		next = harness_jstr(v, "nextCursor");
		if (next == NULL)
			break;
		snprintf(
		    path, sizeof(path), BASE "/Users?cursor=%s&count=2", next);
		harness_resp_free(&r);
		cr_assert_lt(seen, 10);
	}
	harness_resp_free(&r);
	cr_expect_eq(seen, 5);
	cr_assert_eq(harness_get(&harness_fx, harness_fx.admin_token,
			 BASE "/Users?cursor=AAAAAAAA", &r),
	    0);
	EXPECT_ERROR(&r, 400, "invalidCursor");
	harness_resp_free(&r);
	cr_assert_eq(harness_get(&harness_fx, harness_fx.admin_token,
			 BASE "/Users?cursor&count=0", &r),
	    0);
	EXPECT_ERROR(&r, 400, "invalidCount");
	harness_resp_free(&r);
}

ITEST(query_http, page_sizes_follow_the_configuration)
{
	struct harness_resp r;
	struct json_value *v;
	char id[128], name[8];
	int64_t n;
	int i;

	cr_assert_eq(harness_stop(&harness_fx), 0);
	for (i = 0; page_args[i] != NULL; i++)
		harness_fx.extra_args[i] = page_args[i];
	cr_assert_eq(harness_restart(&harness_fx), 0);
	cr_assert_eq(harness_get(&harness_fx, harness_fx.admin_token,
			 BASE "/ServiceProviderConfig", &r),
	    0);
	v = harness_json(&r);
	cr_expect(harness_jint(v, "filter.maxResults", &n) && n == 3);
	cr_expect(harness_jint(v, "pagination.maxPageSize", &n) && n == 3);
	cr_expect(harness_jint(v, "pagination.defaultPageSize", &n) && n == 2);
	harness_resp_free(&r);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		harness_user(&harness_fx, harness_fx.admin_token, "demo", name,
		    NULL, id, sizeof(id));
	}
	cr_assert_eq(
	    harness_get(&harness_fx, harness_fx.admin_token, BASE "/Users", &r),
	    0);
	cr_expect_eq(harness_jlen(harness_json(&r), "Resources"), 2);
	harness_resp_free(&r);
	cr_assert_eq(harness_get(&harness_fx, harness_fx.admin_token,
			 BASE "/Users?count=50", &r),
	    0);
	v = harness_json(&r);
	cr_expect_eq(harness_jlen(v, "Resources"), 3);
	cr_expect(harness_jint(v, "totalResults", &n) && n == 4);
	harness_resp_free(&r);
}
