/* Access lines (util/log.c): built by hand, so checked here byte for byte
 * against the printf formats they replace. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
