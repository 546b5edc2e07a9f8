/* util/log.c: every line logged while a request id is set carries it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "util/log.h"

#define TS_LEN 24 /* "YYYY-MM-DDTHH:MM:SS.mmmZ" */

/* One log_msg line with stderr sent to a file (caller frees). */
static char *
line(int json, const char *rid)
{
	char path[] = "/tmp/scimcred-test-logrid-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char *out;
	long n;
	FILE *f;

	cr_assert(fd >= 0 && saved >= 0);
	unlink(path);
	cr_assert_eq(dup2(fd, 2), 2);
	log_init(LOG_LEVEL_INFO, json);
	log_set_request(rid);
	log_msg(LOG_LEVEL_WARN, "fn", "hello %d", 7);
	log_set_request(NULL);
	dup2(saved, 2);
	close(saved);
	log_init(LOG_LEVEL_INFO, 0);
	f = fdopen(fd, "r");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	out = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(out, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	cr_assert_gt(n, TS_LEN);
	return out;
}

Test(log_request, text_line_names_the_request)
{
	char *s = line(0, "ab12-0-9");

	cr_assert_str_eq(s + TS_LEN, " warn [ab12-0-9] fn: hello 7\n");
	free(s);
}

Test(log_request, json_line_has_a_request_id_member)
{
	char *s = line(1, "ab12-0-9");

	cr_assert_eq(strncmp(s, "{\"ts\":\"", 7), 0, "%s", s);
	cr_assert_str_eq(s + 7 + TS_LEN,
	    "\",\"level\":\"warn\",\"request_id\":\"ab12-0-9\",\"func\":\"fn\","
	    "\"msg\":\"hello 7\"}\n");
	free(s);
}

Test(log_request, no_request_no_id)
{
	char *s = line(0, NULL);

	cr_assert_str_eq(s + TS_LEN, " warn fn: hello 7\n");
	free(s);
}

/* The id is per thread: another thread's lines do not carry it. */
static void *
other_thread(void *arg)
{
	log_msg(LOG_LEVEL_WARN, "fn", "%s", "from elsewhere");
	return NULL;
}

Test(log_request, the_id_belongs_to_one_thread)
{
	char path[] = "/tmp/scimcred-test-logrid-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	pthread_t t;
	char buf[512] = "";
	ssize_t n;

	cr_assert(fd >= 0 && saved >= 0);
	unlink(path);
	cr_assert_eq(dup2(fd, 2), 2);
	log_init(LOG_LEVEL_INFO, 0);
	log_set_request("mine");
	cr_assert_eq(pthread_create(&t, NULL, other_thread, NULL), 0);
	pthread_join(t, NULL);
	log_set_request(NULL);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	cr_assert_gt(n, TS_LEN);
	cr_assert_str_eq(buf + TS_LEN, " warn fn: from elsewhere\n");
}
