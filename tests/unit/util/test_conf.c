/* `key = value` configuration files and sizes (util/conf.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "util/conf.h"

struct seen {
	char keys[8][32];
	char values[8][64];
	int n;
};

static int
collect(void *arg, const char *key, const char *value)
{
	struct seen *s = arg;

	if (strcmp(key, "bad") == 0)
		return CONF_BAD_VALUE;
	if (strcmp(key, "a") != 0 && strcmp(key, "b-c") != 0)
		return CONF_UNKNOWN_KEY;
	snprintf(s->keys[s->n], sizeof(s->keys[0]), "%s", key);
	snprintf(s->values[s->n], sizeof(s->values[0]), "%s", value);
	s->n++;
	return CONF_OK;
}

static char path[64];

static void
write_file(const char *text)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_conf.XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
cleanup(void)
{
	unlink(path);
}

Test(conf, reads_settings_in_order, .fini = cleanup)
{
	struct seen s = {0};
	char err[256];

	write_file("# comment\n\n  a = 1  \n\t# indented comment\n"
		   "b-c=two words # not a comment\r\na=3");
	cr_assert_eq(
	    conf_load(path, collect, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(s.n, 3);
	cr_assert_str_eq(s.values[0], "1");
	cr_assert_str_eq(s.keys[1], "b-c");
	cr_assert_str_eq(s.values[1], "two words # not a comment");
	cr_assert_str_eq(s.values[2], "3");
}

Test(conf, unknown_key_names_file_and_line, .fini = cleanup)
{
	struct seen s = {0};
	char err[256], want[128];

	write_file("a = 1\nzzz = 2\na = 3\n");
	cr_assert_eq(conf_load(path, collect, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: unknown key \"zzz\"", path);
	cr_assert_str_eq(err, want);
	cr_assert_eq(s.n, 1, "stops at the first problem");
}

Test(conf, bad_value_and_missing_equals, .fini = cleanup)
{
	struct seen s = {0};
	char err[256];

	write_file("bad = x\n");
	cr_assert_eq(conf_load(path, collect, &s, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, ":1: bad value for \"bad\""));
	cleanup();
	write_file("a 1\n");
	cr_assert_eq(conf_load(path, collect, &s, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, ":1: expected"));
}

Test(conf, overlong_line_rejected, .fini = cleanup)
{
	struct seen s = {0};
	char err[256];
	char *text = malloc(CONF_LINE_MAX + 16);

	memset(text, 'x', CONF_LINE_MAX + 8);
	memcpy(text, "a = ", 4);
	strcpy(text + CONF_LINE_MAX + 8, "\n");
	write_file(text);
	free(text);
	cr_assert_eq(conf_load(path, collect, &s, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "line too long"));
}

Test(conf, missing_file)
{
	char err[256];

	cr_assert_eq(
	    conf_load("/nonexistent/x.conf", collect, NULL, err, sizeof(err)),
	    -1);
	cr_assert_not_null(strstr(err, "/nonexistent/x.conf"));
}

Test(conf, sizes)
{
	size_t n;

	cr_assert_eq(conf_parse_size("4096", 0, &n), 0);
	cr_assert_eq(n, 4096);
	cr_assert_eq(conf_parse_size("16G", 0, &n), 0);
	cr_assert_eq(n, (size_t)16 << 30);
	cr_assert_eq(conf_parse_size("512m", 0, &n), 0);
	cr_assert_eq(n, (size_t)512 << 20);
	cr_assert_eq(conf_parse_size("2k", 0, &n), 0);
	cr_assert_eq(n, 2048);
	cr_assert_eq(conf_parse_size("1T", 0, &n), 0);
	cr_assert_eq(n, (size_t)1 << 40);
	cr_assert_eq(conf_parse_size("", 0, &n), -1);
	cr_assert_eq(conf_parse_size("G", 0, &n), -1);
	cr_assert_eq(conf_parse_size("-1", 0, &n), -1);
	cr_assert_eq(conf_parse_size("1.5G", 0, &n), -1);
	cr_assert_eq(conf_parse_size("1GB", 0, &n), -1);
	cr_assert_eq(conf_parse_size("99999999999999999999", 0, &n), -1);
	cr_assert_eq(conf_parse_size("99999999999T", 0, &n), -1);
	cr_assert_eq(conf_parse_size("1023K", 1 << 20, &n), -1);
	cr_assert_eq(conf_parse_size("1024K", 1 << 20, &n), 0);
}
