/* PATCH engine test harness; see patch_fixture.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "patch_fixture.h"
#include "util/buf.h"

static struct {
	struct schema_registry *reg;
	struct arena *a;
} pf;

void
pf_setup(const char *dir)
{
	const char *env =
	    getenv(dir == NULL ? "SCIMCRED_SCHEMAS" : "SCIMCRED_TESTDATA");
	struct scim_err err = {0};
	char path[1024];
	int rc;

	cr_assert_not_null(env, "run through make check (environment)");
	if (dir == NULL)
		snprintf(path, sizeof(path), "%s", env);
	else
		snprintf(path, sizeof(path), "%s/%s", env, dir);
	rc = schema_registry_load(path, &pf.reg, &err);
	cr_assert_eq(rc, 0, "schemas %s: %s", path, err.detail);
	pf.a = arena_new();
}

void
pf_setup_patch(void)
{
	pf_setup("schemas-patch");
}

void
pf_setup_ext(void)
{
	pf_setup("schemas-ext");
}

void
pf_setup_real(void)
{
	pf_setup(NULL);
}

void
pf_teardown(void)
{
	schema_registry_free(pf.reg);
	arena_free(pf.a);
	memset(&pf, 0, sizeof(pf));
}

struct arena *
pf_arena(void)
{
	return pf.a;
}

const struct schema_rtype *
pf_rtype(const char *name)
{
	const struct schema_rtype *rt =
	    schema_rtype_find(pf.reg, str_from(name));

	cr_assert_not_null(rt, "no resource type %s", name);
	return rt;
}

struct json_value *
pf_json(const char *text)
{
	struct json_value *v = NULL;
	struct scim_err e = {0};
	int rc =
	    json_parse(pf.a, text, strlen(text), &json_limits_default, &v, &e);

	cr_assert_eq(rc, 0, "bad test JSON (%s): %s", e.detail, text);
	return v;
}

const char *
pf_dump(const struct json_value *v)
{
	static char text[16384];
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

struct pf_result
pf_run(const char *rtype, const char *resource, const char *message)
{
	const struct schema_rtype *rt = pf_rtype(rtype);
	struct patch_opts o = {.bool_strings = 1};
	struct json_value *cur = pf_json(resource), *copy;
	struct json_value *body = pf_json(message);
	struct patch_req *req = NULL;
	struct pf_result r = {0};

	copy = json_clone(pf.a, cur);
	r.rc = patch_parse(pf.a, rt, body, &req, &r.err);
	if (r.rc == 0)
		r.rc = patch_apply(pf.a, rt, req, cur, &o, &r.res, &r.err);
	/* the engine works on a copy, whatever happens */
	cr_assert(json_equal(cur, copy), "patch_apply changed its input");
	if (r.rc != 0) {
		cr_assert_eq(r.err.code, r.rc);
		cr_assert_neq(r.err.detail[0], '\0', "no detail");
	}
	return r;
}

void
pf_expect(const char *rtype, const char *resource, const char *message,
    const char *expected)
{
	struct pf_result r = pf_run(rtype, resource, message);
	struct json_value *want;
	char got[16384];

	cr_assert_eq(r.rc, 0, "failed %d: %s", r.rc, r.err.detail);
	want = pf_json(expected);
	snprintf(got, sizeof(got), "%s", pf_dump(r.res));
	cr_assert(
	    json_equal(r.res, want), "got %s\nwant %s", got, pf_dump(want));
}

void
pf_expect_err(const char *rtype, const char *resource, const char *message,
    int code, const char *detail)
{
	struct pf_result r = pf_run(rtype, resource, message);

	cr_assert_eq(r.rc, code, "rc %d (%s), want %d; result %s", r.rc,
	    r.err.detail, code, r.rc == 0 ? pf_dump(r.res) : "");
	if (detail != NULL)
		cr_assert(strstr(r.err.detail, detail) != NULL,
		    "detail \"%s\" lacks \"%s\"", r.err.detail, detail);
}
