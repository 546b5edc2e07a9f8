/*
 * RFC 9865 cursors (scim/cursor.c): round trips, tamper evidence, the
 * binding to tenant, endpoint and query, expiry, and the key file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "scim/cursor.h"

static const unsigned char key[CURSOR_KEY_LEN] =
    "0123456789abcdef0123456789abcde";
static struct arena *a;

static void
setup(void)
{
	a = arena_new();
}

static void
teardown(void)
{
	arena_free(a);
}

TestSuite(cursor, .init = setup, .fini = teardown);

static struct cursor_scope
scope(const char *tenant, const char *endpoint, const char *filter)
{
	return (struct cursor_scope){str_from(tenant), str_from(endpoint),
	    filter != NULL ? str_from(filter) : STR_NULL, STR_LIT("userName"),
	    STR_NULL};
}

static struct str
make(const struct cursor_scope *sc, int64_t now)
{
	struct cursor_pos p = {.dir = CURSOR_NEXT,
	    .kind = CURSOR_K_STRING,
	    .s = STR_LIT("alice"),
	    .type = STR_LIT(""),
	    .id = STR_LIT("5f1c")};

	return cursor_encode(a, key, sc, &p, now);
}

Test(cursor, round_trip_of_every_kind)
{
	struct cursor_scope sc = scope("t1", "User", "userName sw \"a\"");
	struct cursor_pos in[] = {
	    {.dir = CURSOR_PREV, .kind = CURSOR_K_INT, .i = -42},
	    {.dir = CURSOR_NEXT, .kind = CURSOR_K_DOUBLE, .d = 2.5},
	    {.dir = CURSOR_NEXT, .kind = CURSOR_K_STRING, .s = STR_LIT("x")},
	    {.dir = CURSOR_NEXT, .kind = CURSOR_K_MISSING},
	    {.dir = CURSOR_NEXT, .kind = CURSOR_K_NONE},
	};
	struct cursor_pos out;
	struct scim_err err;
	struct str t;
	size_t i, j;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		in[i].type = STR_LIT("Group");
		in[i].id = STR_LIT("id-1");
		t = cursor_encode(a, key, &sc, &in[i], 1000);
		for (j = 0; j < t.len; j++)
			cr_assert(
			    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
				   "nopqrstuvwxyz0123456789-_",
				t.ptr[j]) != NULL,
			    "not base64url: %.*s", STR_FMT(t));
		cr_assert_eq(
		    cursor_decode(a, key, &sc, t, 1000, &out, &err), 0);
		cr_expect_eq(out.dir, in[i].dir);
		cr_expect_eq(out.kind, in[i].kind);
		cr_expect_eq(out.i, in[i].i);
		cr_expect(out.d == in[i].d);
		cr_expect(str_eq(out.s, in[i].s));
		cr_expect(str_eq_cstr(out.type, "Group"));
		cr_expect(str_eq_cstr(out.id, "id-1"));
	}
}

Test(cursor, one_changed_character_is_invalid)
{
	struct cursor_scope sc = scope("t1", "User", NULL);
	struct str t = make(&sc, 1000);
	struct cursor_pos out;
	struct scim_err err;
	char *copy;
	size_t i;

	for (i = 0; i < t.len; i++) {
		copy = arena_strndup(a, t.ptr, t.len);
		copy[i] = copy[i] == 'A' ? 'B' : 'A';
		cr_expect_eq(cursor_decode(a, key, &sc, str_make(copy, t.len),
				 1000, &out, &err),
		    SCIM_E_INVALID_CURSOR, "position %zu", i);
	}
	cr_expect_eq(cursor_decode(a, key, &sc, str_make(t.ptr, t.len - 1),
			 1000, &out, &err),
	    SCIM_E_INVALID_CURSOR);
	cr_expect_eq(
	    cursor_decode(a, key, &sc, STR_LIT("%%%"), 1000, &out, &err),
	    SCIM_E_INVALID_CURSOR);
	cr_expect_eq(
	    cursor_decode(a, key, &sc, STR_LIT("AAAA"), 1000, &out, &err),
	    SCIM_E_INVALID_CURSOR);
}

Test(cursor, bound_to_tenant_endpoint_and_query)
{
	struct cursor_scope sc = scope("t1", "User", "a pr");
	struct cursor_scope other[] = {scope("t2", "User", "a pr"),
	    scope("t1", "Group", "a pr"), scope("t1", "User", "b pr"),
	    scope("t1", "User", NULL), scope("t1", "/", "a pr")};
	struct str t = make(&sc, 1000);
	unsigned char key2[CURSOR_KEY_LEN];
	struct cursor_pos out;
	struct scim_err err;
	size_t i;

	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		cr_expect_eq(
		    cursor_decode(a, key, &other[i], t, 1000, &out, &err),
		    SCIM_E_INVALID_CURSOR, "scope %zu", i);
	sc.sort_order = STR_LIT("descending");
	cr_expect_eq(cursor_decode(a, key, &sc, t, 1000, &out, &err),
	    SCIM_E_INVALID_CURSOR);
	sc.sort_order = STR_NULL;
	memcpy(key2, key, sizeof(key2));
	key2[0] ^= 1;
	cr_expect_eq(cursor_decode(a, key2, &sc, t, 1000, &out, &err),
	    SCIM_E_INVALID_CURSOR);
	cr_expect_eq(cursor_decode(a, key, &sc, t, 1000, &out, &err), 0);
}

Test(cursor, expiry_and_clock_skew)
{
	struct cursor_scope sc = scope("t1", "User", NULL);
	struct str t = make(&sc, 10000);
	struct cursor_pos out;
	struct scim_err err;

	cr_expect_eq(
	    cursor_decode(a, key, &sc, t, 10000 + CURSOR_TIMEOUT_S, &out, &err),
	    0);
	cr_expect_eq(cursor_decode(a, key, &sc, t, 10000 + CURSOR_TIMEOUT_S + 1,
			 &out, &err),
	    SCIM_E_EXPIRED_CURSOR);
	cr_expect(strstr(err.detail, "expired") != NULL);
	/* issued far in the future: not ours */
	cr_expect_eq(cursor_decode(a, key, &sc, t, 10000 - 3600, &out, &err),
	    SCIM_E_INVALID_CURSOR);
}

Test(cursor, long_string_keys_are_bounded)
{
	struct cursor_scope sc = scope("t1", "User", NULL);
	char big[4000];
	struct cursor_pos p = {.kind = CURSOR_K_STRING, .id = STR_LIT("i")},
			  out;
	struct scim_err err;
	struct str t;

	memset(big, 'q', sizeof(big));
	p.s = str_make(big, sizeof(big));
	t = cursor_encode(a, key, &sc, &p, 5);
	cr_assert_leq(t.len, CURSOR_MAX_TEXT);
	cr_assert_eq(cursor_decode(a, key, &sc, t, 5, &out, &err), 0);
	cr_expect_eq(out.s.len, CURSOR_MAX_SKEY);
}

Test(cursor, key_file_is_created_once_and_kept)
{
	char dir[] = "/tmp/scimcred-cursor-XXXXXX", path[128];
	unsigned char k1[CURSOR_KEY_LEN], k2[CURSOR_KEY_LEN];
	struct scim_err err;
	struct stat sb;
	int fd;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cursor.key", dir);
	cr_assert_eq(cursor_key_load(path, k1, &err), 0, "%s", err.detail);
	cr_assert_eq(stat(path, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0600);
	cr_expect_eq(sb.st_size, CURSOR_KEY_LEN);
	cr_assert_eq(cursor_key_load(path, k2, &err), 0, "%s", err.detail);
	cr_expect_eq(memcmp(k1, k2, sizeof(k1)), 0);
	/* world-readable or short files are refused */
	chmod(path, 0644);
	cr_expect_eq(cursor_key_load(path, k2, &err), SCIM_E_INTERNAL);
	chmod(path, 0600);
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "short", 5), 5);
	close(fd);
	cr_expect_eq(cursor_key_load(path, k2, &err), SCIM_E_INTERNAL);
	unlink(path);
	rmdir(dir);
}
