/*
 * libFuzzer harness for PATCH (scim/patch.h, scim/patch_apply.h). The
 * first byte of an input picks what the rest is and which fixed
 * resource it meets (tests/data/schemas-patch):
 *   bit 0 clear: a whole PatchOp body (JSON);  set: one path, applied
 *                with add, replace and remove and a few fixed values;
 *   bit 1 clear: the User (with the enterprise extension);  set: the
 *                Group.
 * Invariants (abort on breach): every failure is one of the 400 codes
 * RFC 7644 §3.12 gives PATCH, with a detail; the resource given is never
 * changed; a result is a JSON object that writes, reads back equal, and
 * passes validation as a replacement of the original.
 * The schema directory is $SCIMCRED_TESTDATA/schemas-patch, or
 * tests/data/schemas-patch from the source root (.ci/run runs there).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "scim/patch.h"
#include "scim/patch_apply.h"
#include "scim/schema.h"
#include "scim/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENT "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

static const char user_text[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\",\"" ENT
    "\"],\"id\":\"u1\",\"userName\":\"bjensen\",\"employeeCode\":\"E1\","
    "\"name\":{\"givenName\":\"Barbara\",\"familyName\":\"Jensen\"},"
    "\"active\":true,\"nicknames\":[\"Babs\",\"B\"],"
    "\"emails\":[{\"value\":\"b@work.example\",\"type\":\"work\","
    "\"primary\":true},{\"value\":\"b@home.example\",\"type\":\"home\"}],"
    "\"groups\":[{\"value\":\"g1\",\"display\":\"Admins\"}],"
    "\"" ENT "\":{\"employeeNumber\":\"7\",\"manager\":{\"value\":\"m1\","
    "\"displayName\":\"Ann\"}},"
    "\"meta\":{\"resourceType\":\"User\",\"created\":"
    "\"2024-01-01T00:00:00Z\",\"lastModified\":\"2024-01-01T00:00:00Z\","
    "\"version\":\"W/\\\"3\\\"\"}}";

static const char group_text[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
    "\"id\":\"g1\",\"displayName\":\"Admins\",\"members\":[{\"value\":"
    "\"a\",\"display\":\"Ann\",\"type\":\"User\"},{\"value\":\"b\"}],"
    "\"meta\":{\"resourceType\":\"Group\",\"version\":\"W/\\\"1\\\"\"}}";

/* Values a path is tried with. */
static const char *const values[] = {
    "\"x\"",
    "\"True\"",
    "{\"value\":\"v\",\"type\":\"work\",\"primary\":true}",
    "[{\"value\":\"a\"},\"b\"]",
    "null",
};
#define NVALUES (sizeof(values) / sizeof(values[0]))

static struct {
	struct schema_registry *reg;
	struct arena *a;
	const struct schema_rtype *rt[2];
	struct json_value *res[2];
	struct json_value *copy[2];
	struct json_value *val[NVALUES];
} fx;

static void
die(const char *why)
{
	fprintf(stderr, "fuzz_patch: %s\n", why);
	abort();
}

static struct json_value *
parse_fixed(const char *text)
{
	struct json_value *v = NULL;
	struct scim_err err;

	if (json_parse(
		fx.a, text, strlen(text), &json_limits_default, &v, &err) != 0)
		die("bad fixed JSON");
	return v;
}

static void
init(void)
{
	const char *env = getenv("SCIMCRED_TESTDATA");
	struct scim_err err;
	char dir[1024];
	size_t i;

	snprintf(dir, sizeof(dir), "%s/schemas-patch",
	    env != NULL ? env : "tests/data");
	if (schema_registry_load(dir, &fx.reg, &err) != 0) {
		fprintf(stderr, "fuzz_patch: %s: %s\n", dir, err.detail);
		abort();
	}
	fx.a = arena_new();
	fx.rt[0] = schema_rtype_find(fx.reg, STR_LIT("User"));
	fx.rt[1] = schema_rtype_find(fx.reg, STR_LIT("Group"));
	if (fx.rt[0] == NULL || fx.rt[1] == NULL)
		die("fixture types missing");
	fx.res[0] = parse_fixed(user_text);
	fx.res[1] = parse_fixed(group_text);
	for (i = 0; i < 2; i++)
		fx.copy[i] = json_clone(fx.a, fx.res[i]);
	for (i = 0; i < NVALUES; i++)
		fx.val[i] = parse_fixed(values[i]);
}

static void
check_failure(int rc, const struct scim_err *err)
{
	switch (rc) {
	case SCIM_E_INVALID_SYNTAX:
	case SCIM_E_INVALID_VALUE:
	case SCIM_E_INVALID_PATH:
	case SCIM_E_INVALID_FILTER:
	case SCIM_E_NO_TARGET:
	case SCIM_E_MUTABILITY:
		break;
	default:
		die("failure code outside RFC 7644 §3.12's PATCH set");
	}
	if (err->code != rc || err->detail[0] == '\0' ||
	    memchr(err->detail, '\0', sizeof(err->detail)) == NULL)
		die("failure without a proper detail");
}

/* A result: an object that round-trips and validates. */
static void
check_result(struct arena *a, int t, const struct json_value *out)
{
	struct validate_opts vo = {
	    .mode = VALIDATE_REPLACE, .current = fx.res[t], .bool_strings = 1};
	struct json_value *back = NULL;
	struct scim_err err;
	struct buf b;
	int rc;

	if (out == NULL || out->type != JSON_OBJECT)
		die("result is not an object");
	buf_init(&b);
	if (json_write(out, &b) != 0)
		die("result does not write");
	rc = json_parse(a, b.data, b.len, &json_limits_default, &back, &err);
	buf_free(&b);
	if (rc != 0 || !json_equal(out, back))
		die("result does not read back equal");
	rc = validate_resource(a, fx.rt[t], back, &vo, &err);
	if (rc != 0) {
		fprintf(stderr, "fuzz_patch: %s\n", err.detail);
		die("result does not validate");
	}
}

static void
run(struct arena *a, int t, const struct patch_req *req)
{
	struct patch_opts o = {.bool_strings = 1};
	struct json_value *out = NULL;
	struct scim_err err;
	int rc;

	scim_err_clear(&err);
	rc = patch_apply(a, fx.rt[t], req, fx.res[t], &o, &out, &err);
	if (!json_equal(fx.res[t], fx.copy[t]))
		die("patch_apply changed the resource it was given");
	if (rc != 0)
		check_failure(rc, &err);
	else
		check_result(a, t, out);
}

static void
fuzz_body(struct arena *a, int t, const uint8_t *p, size_t n)
{
	struct json_value *body = NULL;
	struct patch_req *req = NULL;
	struct scim_err err;
	int rc;

	scim_err_clear(&err);
	if (json_parse(
		a, (const char *)p, n, &json_limits_default, &body, &err) != 0)
		return;
	rc = patch_parse(a, fx.rt[t], body, &req, &err);
	if (rc != 0) {
		check_failure(rc, &err);
		return;
	}
	if (req == NULL || req->nops == 0 || req->nops > PATCH_MAX_OPS)
		die("parsed request out of bounds");
	run(a, t, req);
}

static void
fuzz_path(struct arena *a, int t, const uint8_t *p, size_t n)
{
	static const enum patch_opcode ops[] = {
	    PATCH_ADD, PATCH_REPLACE, PATCH_REMOVE};
	struct patch_op op = {.has_path = 1};
	struct patch_req req = {.ops = &op, .nops = 1};
	struct scim_err err;
	size_t i, k;
	int rc;

	scim_err_clear(&err);
	rc = patch_path_parse(
	    a, fx.rt[t], str_make((const char *)p, n), 1, &op.path, &err);
	if (rc != 0) {
		check_failure(rc, &err);
		return;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		op.op = ops[i];
		for (k = 0; k < NVALUES; k++) {
			op.value = fx.val[k];
			run(a, t, &req);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	int t;

	if (fx.reg == NULL)
		init();
	if (size < 1)
		return 0;
	t = (data[0] & 2) != 0;
	a = arena_new();
	if ((data[0] & 1) == 0)
		fuzz_body(a, t, data + 1, size - 1);
	else
		fuzz_path(a, t, data + 1, size - 1);
	arena_free(a);
	return 0;
}
