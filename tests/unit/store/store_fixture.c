/* Temporary store directories for the unit tests; see store_fixture.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "store_fixture.h"
#include "util/xmalloc.h"

char *
fixture_dir_new(void)
{
	char *dir = xstrdup("/tmp/scimcred-test-XXXXXX");

	cr_assert_not_null(mkdtemp(dir), "mkdtemp failed");
	return dir;
}

void
fixture_dir_free(char *dir)
{
	struct dirent *e;
	char path[512];
	DIR *d;

	if (dir == NULL)
		return;
	d = opendir(dir);
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

struct store *
fixture_store_open(const char *dir, size_t map_size, size_t map_max)
{
	struct store_opts o = {map_size, map_max, 0};
	struct scim_err err = {0};
	struct store *s = NULL;
	int rc;

	rc = store_open(dir, &o, &s, &err);
	cr_assert_eq(rc, 0, "store_open: %d %s", rc, err.detail);
	cr_assert_not_null(s);
	return s;
}

int
fixture_write(struct store *s, store_write_fn fn, void *arg)
{
	struct scim_err err = {0};

	return store_write(s, fn, arg, &err);
}

struct put_args {
	const char *tenant, *type, *id;
	struct str val;
};

static int
put_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct put_args *a = arg;

	return store_rec_put(txn, str_from(a->tenant), str_from(a->type),
	    str_from(a->id), a->val, err);
}

int
fixture_rec_put(struct store *s, const char *tenant, const char *type,
    const char *id, struct str val)
{
	struct put_args a = {tenant, type, id, val};

	return fixture_write(s, put_fn, &a);
}

char *
fixture_rec_get(struct store *s, const char *tenant, const char *type,
    const char *id, size_t *len)
{
	struct scim_err err = {0};
	struct store_txn *txn = NULL;
	struct str v;
	char *copy = NULL;
	int rc;

	rc = store_read_begin(s, &txn, &err);
	cr_assert_eq(rc, 0, "store_read_begin: %s", err.detail);
	rc = store_rec_get(
	    txn, str_from(tenant), str_from(type), str_from(id), &v);
	if (rc == 0) {
		copy = xmalloc(v.len + 1);
		memcpy(copy, v.ptr, v.len);
		copy[v.len] = '\0';
		*len = v.len;
	}
	store_read_end(txn);
	cr_assert(rc == 0 || rc == SCIM_E_NOT_FOUND, "store_rec_get: %d", rc);
	return copy;
}
