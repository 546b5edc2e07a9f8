/* Access lines (util/log.c): built by hand, so checked here byte for byte
 * against the printf formats they replace. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "util/arena.h"
#include "util/log.h"

#define TS_LEN 24 /* "YYYY-MM-DDTHH:MM:SS.mmmZ" */

/* Runs log_access(a) with stderr sent to a file; returns the bytes
 * written (caller frees). */
static char *
capture(const struct log_access *a, int json, size_t *len)
{
	char path[] = "/tmp/scimcred-test-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char *out;
	long n;
	FILE *f;

	cr_assert(fd >= 0 && saved >= 0);
	unlink(path);
	cr_assert_eq(dup2(fd, 2), 2);
	log_init(LOG_LEVEL_INFO, json);
	log_access(a);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	out = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(out, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return out;
}

static void
check_ts(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	size_t i;

	for (i = 0; i < TS_LEN; i++) {
		if (shape[i] == 'd')
			cr_assert(s[i] >= '0' && s[i] <= '9', "ts %.24s", s);
		else
			cr_assert_eq(s[i], shape[i], "ts %.24s", s);
	}
}

/* The text line for a, as the old snprintf format wrote it. */
static void
expect_text(const struct log_access *a)
{
	char want[4096];
	size_t len;
	char *got = capture(a, 0, &len);

	snprintf(want, sizeof(want),
	    " access %s %s %s %s %d %zu %.3fms tenant=%s\n", a->request_id,
	    a->peer ? a->peer : "-", a->method, a->path, a->status, a->bytes,
	    a->duration_ms, a->tenant ? a->tenant : "-");
	cr_assert_gt(len, TS_LEN);
	check_ts(got);
	cr_assert_str_eq(got + TS_LEN, want);
	free(got);
}

static void
expect_json(const struct log_access *a)
{
	char want[4096];
	size_t len;
	char *got = capture(a, 1, &len);

	snprintf(want, sizeof(want),
	    "\",\"level\":\"info\",\"type\":\"access\",\"request_id\":\"%s\","
	    "\"peer\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"tenant\":\"%s\","
	    "\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f}\n",
	    a->request_id, a->peer ? a->peer : "", a->method, a->path,
	    a->tenant ? a->tenant : "", a->status, a->bytes, a->duration_ms);
	cr_assert_eq(strncmp(got, "{\"ts\":\"", 7), 0, "%s", got);
	check_ts(got + 7);
	cr_assert_str_eq(got + 7 + TS_LEN, want);
	free(got);
}

Test(log, access_text_and_json)
{
	struct log_access a = {.request_id = "0a1b2c3d-1-ff",
	    .method = "GET",
	    .path = "/scim/t/v2/Credential/x",
	    .tenant = "t",
	    .status = 200,
	    .bytes = 612,
	    .duration_ms = 1.2345,
	    .peer = "127.0.0.1"};

	expect_text(&a);
	expect_json(&a);
	a.peer = NULL;
	a.tenant = NULL;
	a.status = -7;
	a.bytes = (size_t)-1;
	expect_text(&a);
	expect_json(&a);
}

/* %.3f rounds the exact binary value, ties to even: 0.0625 is exactly
 * halfway and prints 0.062; 0.0045 is just below its half. Values the
 * hand path does not take (zero, negative, huge) go through snprintf. */
Test(log, duration_as_printf_writes_it)
{
	static const double ms[] = {0.0625, 0.1875, 0.0045, 0.0005, 1.0005,
	    999.9995, 2.5e-4, 0.3, 12.5, 1e14 + 0.0625, 0.0, -0.0, -1.5, 1e15,
	    1e300, 5e-324};
	struct log_access a = {.request_id = "r",
	    .method = "GET",
	    .path = "/",
	    .status = 200,
	    .peer = "p"};
	size_t i;
	unsigned k;

	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		a.duration_ms = ms[i];
		expect_text(&a);
	}
	srand(7);
	for (k = 0; k < 300; k++) {
		a.duration_ms = (double)(rand() % 2000000) / 16000.0;
		expect_text(&a);
		a.duration_ms = (double)rand() / RAND_MAX * 50.0;
		expect_json(&a);
	}
}

/* Like snprintf into 2048 bytes: a line is cut at 2047, newline last. */
Test(log, long_line_cut_like_snprintf)
{
	static char path[3000];
	struct log_access a = {.request_id = "r",
	    .method = "GET",
	    .path = path,
	    .tenant = "t",
	    .status = 200,
	    .duration_ms = 1.0,
	    .peer = "p"};
	size_t len;
	char *got;

	memset(path, 'p', sizeof(path) - 1);
	got = capture(&a, 0, &len);
	cr_assert_eq(len, 2047);
	cr_assert_eq(got[2046], '\n');
	cr_assert_eq(got[2045], 'p');
	free(got);
}

Test(log, level_below_info_writes_nothing)
{
	struct log_access a = {.request_id = "r",
	    .method = "GET",
	    .path = "/",
	    .status = 200,
	    .peer = "p"};
	char path[] = "/tmp/scimcred-test-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);

	cr_assert(fd >= 0 && saved >= 0);
	unlink(path);
	dup2(fd, 2);
	log_init(LOG_LEVEL_WARN, 0);
	log_access(&a);
	dup2(saved, 2);
	close(saved);
	cr_assert_eq(lseek(fd, 0, SEEK_END), 0);
	close(fd);
	log_init(LOG_LEVEL_INFO, 0);
}

/* ------------------------------------------- JSON lines stay JSON */

/* Every byte but NUL (which C strings can't carry into a log line), then
 * the usual suspects around it. */
static void
hostile(char *s, size_t *len)
{
	size_t n = 0;
	int c;

	for (c = 1; c < 256; c++)
		s[n++] = (char)c;
	memcpy(s + n, "\"}\\\",\"x\":\"\\u0041\n{", 18);
	n += 18;
	s[n] = '\0';
	*len = n;
}

/* Runs log_access or log_msg with stderr sent to a pipe; returns what
 * was written (caller frees). */
static char *
capture_json(const struct log_access *a, const char *msg, size_t *len)
{
	static char out[16384];
	int p[2], saved = dup(2);
	ssize_t r;
	size_t n = 0;

	cr_assert(pipe(p) == 0 && saved >= 0);
	cr_assert_eq(dup2(p[1], 2), 2);
	close(p[1]);
	log_init(LOG_LEVEL_INFO, 1);
	if (a != NULL)
		log_access(a);
	else
		log_msg(LOG_LEVEL_INFO, "f", "client sent %s", msg);
	dup2(saved, 2);
	close(saved);
	while ((r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)r;
	close(p[0]);
	out[n] = '\0';
	*len = n;
	log_init(LOG_LEVEL_INFO, 0);
	return strdup(out);
}

/* One line, ending in a newline, that our strict reader takes as an
 * object; returns the string member key. */
static struct str
parse_line(struct arena *ar, const char *line, size_t len, const char *key)
{
	struct json_value *v = NULL, *m;
	struct scim_err err;

	cr_assert_gt(len, 1);
	cr_assert_eq(line[len - 1], '\n');
	cr_assert_null(memchr(line, '\n', len - 1), "one line: %s", line);
	scim_err_clear(&err);
	cr_assert_eq(
	    json_parse(ar, line, len - 1, &json_limits_default, &v, &err), 0,
	    "not JSON (%s): %s", err.detail, line);
	cr_assert_eq(v->type, JSON_OBJECT);
	m = json_object_get_cstr(v, key);
	cr_assert_not_null(m);
	cr_assert_eq(m->type, JSON_STRING);
	return m->u.string;
}

Test(log, json_escape_is_json_and_text_stays_readable)
{
	char out[64];

	log_init(LOG_LEVEL_INFO, 1);
	log_escape(out, sizeof(out), "a\"b\\c\x01\x7f\xc3\0", 9);
	cr_assert_str_eq(out, "a\\\"b\\\\c\\u0001\\u007f\\u00c3\\u0000");
	/* An escape that does not fit is left out whole. */
	cr_assert_eq(log_escape(out, 8, "ab\x01", 3), 2);
	cr_assert_str_eq(out, "ab");
	log_init(LOG_LEVEL_INFO, 0);
	log_escape(out, sizeof(out), "a\"b\\c\x01", 6);
	cr_assert_str_eq(out, "a\\x22b\\x5cc\\x01");
}

Test(log, json_access_line_parses_for_hostile_paths)
{
	struct arena *ar = arena_new();
	struct log_access a = {.request_id = "r",
	    .method = "GET",
	    .tenant = "t",
	    .status = 400,
	    .duration_ms = 1.0,
	    .peer = "p"};
	char raw[512], path[2048], *got;
	static char big[3000];
	size_t n, len, i;
	struct str s;

	hostile(raw, &n);
	log_init(LOG_LEVEL_INFO, 1);
	log_escape(path, sizeof(path), raw, n);
	a.path = path;
	got = capture_json(&a, NULL, &len);
	s = parse_line(ar, got, len, "path");
	/* ASCII comes back byte for byte; the rest as U+0080..U+00FF. */
	cr_assert_eq(s.len, 0x7f + 2 * 0x80 + 18);
	for (i = 0; i < 0x7f; i++)
		cr_assert_eq((unsigned char)s.ptr[i], i + 1);
	cr_assert_eq(memcmp(s.ptr + s.len - 18, raw + n - 18, 18), 0);
	free(got);
	/* A path longer than the line: never a cut object. */
	memset(big, '"', sizeof(big) - 1);
	a.path = big;
	got = capture_json(&a, NULL, &len);
	parse_line(ar, got, len, "path");
	free(got);
	arena_free(ar);
}

Test(log, json_message_line_parses_even_when_cut)
{
	struct arena *ar = arena_new();
	static char big[1200];
	char raw[512], *got;
	size_t n, len;
	struct str s;

	hostile(raw, &n);
	got = capture_json(NULL, raw, &len);
	s = parse_line(ar, got, len, "msg");
	cr_assert(str_has_prefix(s, STR_LIT("client sent \x01\x02")));
	free(got);
	/* 1,200 bytes that each take 6 as escapes: cut, and still JSON. */
	memset(big, '\x01', sizeof(big) - 1);
	got = capture_json(NULL, big, &len);
	cr_assert_leq(len, 3071);
	s = parse_line(ar, got, len, "msg");
	cr_assert_gt(s.len, 200);
	free(got);
	memset(big, '\\', sizeof(big) - 1);
	got = capture_json(NULL, big, &len);
	parse_line(ar, got, len, "msg");
	free(got);
	arena_free(ar);
}
