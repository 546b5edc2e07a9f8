/* SCIM-layer test harness; see ops_fixture.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../store/store_fixture.h"
#include "ops_fixture.h"
#include "util/date.h"

#define OX_MAX_PARAMS 16

static struct {
	char *dir;
	struct store *st;
	struct scim *s;
	struct arena *a;
} ox;

void
ox_setup(const char *schemas)
{
	ox_setup_counts(schemas, 100, 1000);
}

void
ox_setup_counts(const char *schemas, unsigned default_count, unsigned max_count)
{
	struct scim_config cfg = {.default_count = default_count,
	    .max_count = max_count,
	    .compat_bool_strings = 1};
	struct scim_err err = {0};
	char path[1024];
	const char *env =
	    getenv(schemas == NULL ? "SCIMCRED_SCHEMAS" : "SCIMCRED_TESTDATA");
	int64_t now;
	int rc;

	cr_assert_not_null(env, "run through make check (environment)");
	if (schemas == NULL)
		snprintf(path, sizeof(path), "%s", env);
	else
		snprintf(path, sizeof(path), "%s/%s", env, schemas);
	cfg.schemas_dir = path;
	cr_assert_eq(date_parse(str_from(OX_NOW_TEXT), &now), 0);
	date_set_now(now);
	ox.dir = fixture_dir_new();
	ox.st = fixture_store_open(ox.dir, 0, 0);
	rc = scim_new(ox.st, &cfg, &ox.s, &err);
	cr_assert_eq(rc, 0, "scim_new: %d %s", rc, err.detail);
	ox.a = arena_new();
}

void
ox_setup_real(void)
{
	ox_setup(NULL);
}

void
ox_setup_ext(void)
{
	ox_setup("schemas-ext");
}

void
ox_teardown(void)
{
	scim_free(ox.s);
	store_close(ox.st);
	fixture_dir_free(ox.dir);
	arena_free(ox.a);
	date_set_now(0);
	memset(&ox, 0, sizeof(ox));
}

struct scim *
ox_scim(void)
{
	return ox.s;
}

struct store *
ox_store(void)
{
	return ox.st;
}

struct arena *
ox_arena(void)
{
	return ox.a;
}

/* Splits "a=b&c=d" into params (arena copies). */
static size_t
split_query(const char *q, struct scim_param *p)
{
	const char *amp, *eq;
	size_t n = 0, len;

	while (q != NULL && *q != '\0' && n < OX_MAX_PARAMS) {
		amp = strchr(q, '&');
		len = amp != NULL ? (size_t)(amp - q) : strlen(q);
		eq = memchr(q, '=', len);
		if (eq == NULL) {
			p[n].name = arena_str(ox.a, str_make(q, len));
			p[n].value = arena_str(ox.a, STR_LIT(""));
		} else {
			p[n].name = arena_str(ox.a, str_make(q, eq - q));
			p[n].value = arena_str(
			    ox.a, str_make(eq + 1, len - (size_t)(eq - q) - 1));
		}
		n++;
		q = amp != NULL ? amp + 1 : NULL;
	}
	return n;
}

struct ox_resp
ox_call(scim_handler h, const struct ox_req *r)
{
	struct scim_param *params;
	struct scim_request req = {0};
	struct scim_response resp = {0};
	struct ox_resp out = {0};

	params = arena_allocarray(ox.a, OX_MAX_PARAMS, sizeof(*params));
	req.arena = ox.a;
	req.tenant = str_from(r->tenant != NULL ? r->tenant : "t1");
	req.rtype = str_from(r->rtype != NULL ? r->rtype : "Credential");
	req.id = str_from(r->id != NULL ? r->id : "");
	req.nparams = split_query(r->query, params);
	req.params = params;
	req.body = str_from(r->body != NULL ? r->body : "");
	/* NULL: the header was not sent (STR_NULL), as dispatch passes it. */
	req.if_match = str_from(r->if_match);
	req.if_none_match = str_from(r->if_none_match);
	req.base_url = STR_LIT(OX_BASE);
	req.request_id = "test";
	req.who = r->who;
	buf_init(&resp.body);
	out.rc = h(ox.s, &req, &resp, &out.err);
	out.status = out.rc == 0 ? resp.status : 0;
	if (out.rc == 0 && resp.body.len > 0) {
		struct scim_err e = {0};
		int rc = json_parse(ox.a, resp.body.data, resp.body.len,
		    &json_limits_default, &out.json, &e);
		cr_assert_eq(rc, 0, "response is not JSON: %s", e.detail);
	}
	memcpy(out.etag, resp.etag, sizeof(out.etag));
	out.location = resp.location;
	buf_free(&resp.body);
	return out;
}

const char *
ox_create(const char *tenant, const char *body)
{
	struct ox_req r = {.tenant = tenant, .body = body};
	struct ox_resp p = ox_call(op_create, &r);

	cr_assert_eq(p.rc, 0, "create: %d %s", p.rc, p.err.detail);
	cr_assert_eq(p.status, 201);
	return ox_str(p.json, "id");
}

void
ox_ctype(
    const char *tenant, const char *code, const char *defs, const char *extra)
{
	char *body = arena_printf(ox.a,
	    "{\"schemas\":[\"" OX_CTYPE_URN "\"],\"id\":\"%s\","
	    "\"name\":\"%s\",\"attributes\":%s%s}",
	    code, code, defs != NULL ? defs : "[]", extra != NULL ? extra : "");
	struct ox_req r = {
	    .tenant = tenant, .rtype = "CredentialType", .body = body};
	struct ox_resp p = ox_call(op_create, &r);

	cr_assert_eq(
	    p.rc, 0, "CredentialType %s: %d %s", code, p.rc, p.err.detail);
}

struct user_rec {
	struct str tenant, id, bytes;
};

static int
user_put(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct user_rec *u = arg;

	return store_rec_put(
	    txn, u->tenant, STR_LIT("User"), u->id, u->bytes, err);
}

void
ox_user(const char *tenant, const char *id, const char *user_name,
    const char *display)
{
	struct user_rec u = {.tenant = str_from(tenant), .id = str_from(id)};
	struct scim_err err = {0};
	char *text;

	text = arena_printf(ox.a,
	    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
	    "\"id\":\"%s\",\"userName\":\"%s\"%s%s%s}",
	    id, user_name, display != NULL ? ",\"displayName\":\"" : "",
	    display != NULL ? display : "", display != NULL ? "\"" : "");
	u.bytes = str_from(text);
	cr_assert_eq(
	    store_write(ox.st, user_put, &u, &err), 0, "%s", err.detail);
}

void
ox_setup_creds(void)
{
	static const char *const tenants[] = {"t1", "t2"};
	size_t i;

	ox_setup_real();
	for (i = 0; i < 2; i++) {
		ox_ctype(tenants[i], "CT_ACODE", OX_TEST_DEFS, NULL);
		ox_ctype(tenants[i], "CT_OTHER", OX_TEST_DEFS, NULL);
		ox_ctype(tenants[i], "CT_OTP", OX_TEST_DEFS, NULL);
		ox_ctype(tenants[i], "CT_PKI", OX_TEST_DEFS, NULL);
		ox_ctype(tenants[i], "T", NULL, NULL);
		ox_user(tenants[i], "user-1", "ann", "Ann Example");
		ox_user(tenants[i], "user-2", "bob", NULL);
		ox_user(tenants[i], "u1", "u1", NULL);
		ox_user(tenants[i], "u2", "u2", NULL);
	}
}

struct json_value *
ox_json(const char *text)
{
	struct json_value *v = NULL;
	struct scim_err e = {0};
	int rc =
	    json_parse(ox.a, text, strlen(text), &json_limits_default, &v, &e);

	cr_assert_eq(rc, 0, "bad test JSON: %s", e.detail);
	return v;
}

const char *
ox_dump(const struct json_value *v)
{
	static char text[8192];
	struct buf b;

	buf_init(&b);
	if (v == NULL)
		buf_append_cstr(&b, "(null)");
	else
		json_write(v, &b);
	snprintf(text, sizeof(text), "%s", buf_cstr(&b));
	buf_free(&b);
	return text;
}

static const struct json_value *
walk(const struct json_value *v, const char *path)
{
	const char *dot;

	while (v != NULL && (dot = strchr(path, '.')) != NULL) {
		v = json_object_get(v, str_make(path, (size_t)(dot - path)));
		path = dot + 1;
	}
	return v != NULL ? json_object_get_cstr(v, path) : NULL;
}

const char *
ox_str(const struct json_value *v, const char *path)
{
	const struct json_value *s = walk(v, path);

	return s != NULL && s->type == JSON_STRING ? s->u.string.ptr : NULL;
}

size_t
ox_nres(const struct json_value *list)
{
	const struct json_value *r = json_object_get_cstr(list, "Resources");

	return r != NULL && r->type == JSON_ARRAY ? r->u.array.len : 0;
}

const char *
ox_res_str(const struct json_value *list, size_t i, const char *path)
{
	const struct json_value *r = json_object_get_cstr(list, "Resources");

	if (r == NULL || r->type != JSON_ARRAY || i >= r->u.array.len)
		return NULL;
	return ox_str(r->u.array.items[i], path);
}

struct json_value *
ox_golden(const char *rel)
{
	const char *env = getenv("SCIMCRED_TESTDATA");
	char path[1024];
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f;
	struct json_value *v;

	cr_assert_not_null(env);
	snprintf(path, sizeof(path), "%s/%s", env, rel);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	v = ox_json(buf_cstr(&b));
	buf_free(&b);
	return v;
}
