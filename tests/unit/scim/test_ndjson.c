/*
 * scimcred export / import (scim/ndjson.h): export -> import into an
 * empty tenant -> export is byte-identical (ids, meta, nested groups,
 * credentials); a bad line names its line number and leaves nothing of
 * its batch, while earlier batches stay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "auth/tenant.h"
#include "dir_fixture.h"
#include "scim/ndjson.h"

static int
add_tenant(struct store_txn *txn, void *arg, struct scim_err *err)
{
	return tenant_add(txn, str_from(arg), err);
}

static void
setup(void)
{
	struct scim_err err;

	ox_setup_real();
	cr_assert_eq(store_write(ox_store(), add_tenant, "t1", &err), 0);
	cr_assert_eq(store_write(ox_store(), add_tenant, "t2", &err), 0);
}

TestSuite(ndjson, .init = setup, .fini = ox_teardown);

/* The export of tenant as a malloc'd string (caller frees). */
static char *export(const char *tenant, const char *type)
{
	struct scim_err err;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	cr_assert_not_null(f);
	rc = ndjson_export(ox_scim(), str_from(tenant), type, f, &err);
	fclose(f);
	cr_assert_eq(rc, 0, "export: %s", err.detail);
	return text;
}

static int
import(const char *tenant, const char *text, size_t batch,
    struct ndjson_import_stats *st, struct scim_err *err)
{
	struct ndjson_import_opts o = {.batch = batch, .size = -1};
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	cr_assert_not_null(f);
	rc = ndjson_import(ox_scim(), str_from(tenant), f, &o, st, err);
	fclose(f);
	return rc;
}

static size_t
count(const char *tenant, const char *rtype)
{
	struct ox_resp p =
	    dx_call_t(op_list, tenant, rtype, NULL, "count=0", NULL);
	const struct json_value *n;

	cr_assert_eq(p.rc, 0, "%s", p.err.detail);
	n = json_object_get_cstr(p.json, "totalResults");
	return (size_t)n->u.integer;
}

/* A tenant with every exported type, and groups nested three deep. */
static void
populate(void)
{
	char body[1024];
	const char *ann, *g2, *g3;
	int i;

	dx_pop("staff");
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" DX_USER_URN "\",\"" DX_ENT_URN "\"],"
	    "\"userName\":\"ann\",\"password\":\"s3cret-Pass\","
	    "\"name\":{\"givenName\":\"Ann\"},"
	    "\"emails\":[{\"value\":\"ann@example.com\",\"type\":\"work\"}],"
	    "\"" DX_ENT_URN "\":{\"employeeNumber\":\"7\"}}");
	ann = dx_create("User", body);
	for (i = 0; i < 5; i++) {
		snprintf(body, sizeof(body), "user%d", i);
		dx_user(body);
	}
	g3 = dx_group("g3", NULL);
	snprintf(body, sizeof(body),
	    "[{\"value\":\"%s\",\"type\":\"Group\"},{\"value\":\"%s\"}]", g3,
	    ann);
	g2 = dx_group("g2", body);
	snprintf(
	    body, sizeof(body), "[{\"value\":\"%s\",\"type\":\"Group\"}]", g2);
	dx_group("g1", body);
	ox_ctype("t1", "BADGE", "[{\"name\":\"N\",\"type\":\"INT\"}]", NULL);
	for (i = 0; i < 3; i++) {
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"BADGE\","
		    "\"externalId\":\"b%d\",\"owner\":{\"value\":\"%s\"},"
		    "\"attributes\":[{\"name\":\"N\",\"value\":\"%d\"}]}",
		    i, ann, i);
		ox_create("t1", body);
	}
}

Test(ndjson, export_import_export_is_identical)
{
	struct ndjson_import_stats st;
	struct scim_err err;
	char *one, *two;

	populate();
	one = export("t1", NULL);
	cr_assert_gt(strlen(one), 0);
	cr_expect_null(strstr(one, "s3cret"), "a password was exported");
	cr_expect_null(strstr(one, "\"password\""));
	cr_assert_eq(import("t2", one, 4, &st, &err), 0, "%s", err.detail);
	cr_expect_eq(st.imported, 1 + 6 + 3 + 1 + 3);
	two = export("t2", NULL);
	cr_expect_str_eq(two, one);
	cr_expect_eq(count("t2", "Group"), 3);
	cr_expect_eq(count("t2", "Credential"), 3);
	free(one);
	free(two);
}

Test(ndjson, one_type_only)
{
	char *users;
	size_t i, lines = 0;

	populate();
	users = export("t1", "User");
	for (i = 0; users[i] != '\0'; i++)
		lines += users[i] == '\n';
	cr_expect_eq(lines, 6);
	cr_expect_null(strstr(users, "\"Group\""));
	free(users);
}

/* Four users; the third line is broken in the way given. */
static char *
with_bad_third(const char *bad)
{
	char *text = NULL, *one = NULL, *p;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&text, &len);
	int i;

	for (i = 0; i < 4; i++) {
		char name[8];

		snprintf(name, sizeof(name), "n%d", i);
		dx_user(name);
	}
	one = export("t1", "User");
	for (p = strtok(one, "\n"); p != NULL; p = strtok(NULL, "\n"))
		fprintf(f, "%s\n", ++n == 3 ? bad : p);
	fclose(f);
	free(one);
	return text;
}

Test(ndjson, bad_line_rolls_back_its_batch_only)
{
	struct ndjson_import_stats st;
	struct scim_err err;
	char *text = with_bad_third("{\"schemas\":[\"" DX_USER_URN "\"],");
	int rc;

	rc = import("t2", text, 2, &st, &err);
	cr_expect_eq(rc, SCIM_E_INVALID_SYNTAX);
	cr_expect_eq(st.bad_line, 3);
	cr_expect(strncmp(err.detail, "line 3:", 7) == 0, "%s", err.detail);
	/* lines 1-2 were one committed batch */
	cr_expect_eq(count("t2", "User"), 2);
	cr_expect_eq(st.imported, 2);
	cr_expect_eq(st.resume, 2);
	cr_expect(strstr(err.detail, "--skip 2") != NULL, "%s", err.detail);
	free(text);
}

Test(ndjson, invalid_resource_leaves_nothing_of_the_batch)
{
	struct ndjson_import_stats st;
	struct scim_err err;
	char *text = with_bad_third(
	    "{\"schemas\":[\"" DX_USER_URN "\"],\"id\":\"x1\","
	    "\"meta\":{\"resourceType\":\"User\",\"created\":"
	    "\"2024-01-01T00:00:00Z\",\"lastModified\":"
	    "\"2024-01-01T00:00:00Z\",\"version\":\"W/\\\"1\\\"\"}}");
	int rc;

	rc = import("t2", text, 100, &st, &err);
	cr_expect_eq(rc, SCIM_E_INVALID_VALUE, "%d %s", rc, err.detail);
	cr_expect_eq(st.bad_line, 3, "%s", err.detail);
	cr_expect_eq(st.resume, 0);
	cr_expect_eq(count("t2", "User"), 0);
	free(text);
}

Test(ndjson, line_errors)
{
	struct ndjson_import_stats st;
	struct scim_err err;

	cr_expect_eq(
	    import("t2", "\n[1]\n", 10, &st, &err), SCIM_E_INVALID_SYNTAX);
	cr_expect_eq(st.bad_line, 2);
	cr_expect_eq(import("t2", "{\"schemas\":[\"urn:x\"]}\n", 10, &st, &err),
	    SCIM_E_INVALID_VALUE);
	/* no id or meta: an export line needs both */
	cr_expect_eq(import("t2",
			 "{\"schemas\":[\"" DX_USER_URN "\"],\"userName\":"
			 "\"z\"}\n",
			 10, &st, &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect(strstr(err.detail, "id") != NULL, "%s", err.detail);
	cr_expect_eq(import("t9", "", 10, &st, &err), 0);
	cr_expect_eq(import("t9",
			 "{\"schemas\":[\"" DX_USER_URN "\"],\"userName\":"
			 "\"z\"}\n",
			 10, &st, &err),
	    SCIM_E_NOT_FOUND);
}

Test(ndjson, duplicate_ids_are_uniqueness_errors)
{
	struct ndjson_import_stats st;
	struct scim_err err;
	char *one, *twice;

	dx_user("solo");
	one = export("t1", "User");
	twice = malloc(2 * strlen(one) + 1);
	sprintf(twice, "%s%s", one, one);
	cr_expect_eq(import("t2", twice, 10, &st, &err), SCIM_E_UNIQUENESS);
	cr_expect_eq(st.bad_line, 2);
	cr_expect_eq(count("t2", "User"), 0);
	free(one);
	free(twice);
}

/* Server-written types can't be imported (no forged audit trail), and
 * every committed batch leaves one audit record of its own. */
Test(ndjson, internal_types_refused_and_batches_audited)
{
	struct ndjson_import_stats st;
	struct scim_err err;
	char *text = export("t1", "User");
	size_t users = count("t1", "User"), before = count("t2", "AuditRecord");

	cr_expect_eq(import("t2",
			 "{\"schemas\":[\"urn:scimcred:params:scim:schemas:"
			 "core:2.0:AuditRecord\"],\"id\":\"ffffffffffff-"
			 "00000000-deadbeef\",\"meta\":{\"resourceType\":"
			 "\"AuditRecord\"}}\n",
			 10, &st, &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect(strstr(err.detail, "written by the server") != NULL, "%s",
	    err.detail);
	cr_expect_eq(count("t2", "AuditRecord"), before);
	cr_assert_eq(import("t2", text, 2, &st, &err), 0, "%s", err.detail);
	cr_expect_eq(count("t2", "AuditRecord"), before + (users + 1) / 2,
	    "one audit record per batch of 2");
	free(text);
}
