/* Helpers shared by the schema engine tests; see schema_engine_fixture.h. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_engine_fixture.h"
#include "util/buf.h"

const char *
fx_schemas_dir(void)
{
	const char *d = getenv("SCIMCRED_SCHEMAS");

	cr_assert_not_null(d, "SCIMCRED_SCHEMAS is not set (run make check)");
	return d;
}

const char *
fx_testdata(const char *rel, char *buf, size_t bufsz)
{
	const char *d = getenv("SCIMCRED_TESTDATA");

	cr_assert_not_null(d, "SCIMCRED_TESTDATA is not set (run make check)");
	snprintf(buf, bufsz, "%s/%s", d, rel);
	return buf;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

size_t
fx_list_json(const char *sub, char (*names)[128], size_t max)
{
	char path[4096];
	struct dirent *e;
	size_t n = 0, len;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", fx_schemas_dir(), sub);
	d = opendir(path);
	cr_assert_not_null(d, "cannot list %s", path);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		cr_assert(n < max && len < 128, "too many files in %s", path);
		snprintf(names[n++], 128, "%s", e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	return n;
}

struct schema_registry *
fx_load(const char *dir)
{
	struct schema_registry *r = NULL;
	struct scim_err err = {0};
	int rc;

	rc = schema_registry_load(dir, &r, &err);
	cr_assert_eq(rc, 0, "loading %s: %s", dir, err.detail);
	cr_assert_not_null(r);
	return r;
}

struct schema_registry *
fx_load_real(void)
{
	return fx_load(fx_schemas_dir());
}

struct schema_registry *
fx_load_ext(void)
{
	char path[4096];

	return fx_load(fx_testdata("schemas-ext", path, sizeof(path)));
}

const struct schema_rtype *
fx_rtype(const struct schema_registry *r, const char *name)
{
	const struct schema_rtype *rt = schema_rtype_find(r, str_from(name));

	cr_assert_not_null(rt, "no resource type %s", name);
	return rt;
}

struct json_value *
fx_json(struct arena *a, const char *text)
{
	struct json_value *v = NULL;
	struct scim_err err = {0};
	int rc;

	rc = json_parse(a, text, strlen(text), &json_limits_default, &v, &err);
	cr_assert_eq(rc, 0, "bad test JSON: %s", err.detail);
	return v;
}

struct json_value *
fx_json_file(struct arena *a, const char *path)
{
	struct json_value *v;
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	cr_assert_not_null(f, "cannot open %s", path);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	/* Copy into the arena so the buffer can go now. */
	v = fx_json(a, arena_strndup(a, buf_cstr(&b), b.len));
	buf_free(&b);
	return v;
}

const char *
fx_dump(const struct json_value *v)
{
	static char out[8192];
	struct buf b;

	buf_init(&b);
	if (v == NULL)
		buf_append_cstr(&b, "(null)");
	else
		json_write(v, &b);
	snprintf(out, sizeof(out), "%s", buf_cstr(&b));
	buf_free(&b);
	return out;
}
