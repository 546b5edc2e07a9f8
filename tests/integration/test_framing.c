/*
 * Message framing and connection handling over raw sockets: CONNECT,
 * HTTP/1.0 with chunked framing, HTTP/1.1 without Host, repeated SCIM
 * query parameters, and a large reply to a client that reads it slowly
 * but steadily (which must not be cut off by the idle timeout).
 */
#define _GNU_SOURCE /* memmem */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "harness.h"

TestSuite(framing, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 90);

/* Number of status lines ("HTTP/1.x ddd ") in s; a pipelined reply
 * follows the body before it directly. */
static int
count_replies(const char *s)
{
	int n = 0;

	while ((s = strstr(s, "HTTP/1.")) != NULL) {
		s += 7;
		if (s[0] != '\0' && s[1] == ' ' && s[2] >= '1' && s[2] <= '5' &&
		    s[3] >= '0' && s[3] <= '9' && s[4] >= '0' && s[4] <= '9' &&
		    s[5] == ' ')
			n++;
	}
	return n;
}

/* Sends a raw request with the admin token in place of "@TOK@" and reads
 * until the server closes (at most timeout_ms); asserts it did close. */
static char *
send_until_close(const char *tmpl, int timeout_ms)
{
	char req[2048], *all = NULL;
	const char *at = strstr(tmpl, "@TOK@");
	size_t len = 0;
	int n;

	if (at != NULL)
		n = snprintf(req, sizeof(req), "%.*s%s%s", (int)(at - tmpl),
		    tmpl, harness_fx.admin_token, at + 5);
	else
		n = snprintf(req, sizeof(req), "%s", tmpl);
	cr_assert(n > 0 && (size_t)n < sizeof(req));
	cr_assert_eq(harness_raw_all(harness_fx.port, req, (size_t)n,
			 timeout_ms, &all, &len),
	    0, "the server kept the connection open:\n%s", all ? all : "");
	return all;
}

/* RFC 9110 §9.3.6: CONNECT is refused with a framed SCIM 405 and the
 * connection is closed, so the request pipelined after it is never
 * answered (evhttp would send the reply unframed and keep reading). */
ITEST(framing, connect_is_a_framed_405_and_a_close)
{
	char *all = send_until_close(
	    "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
	    "GET /scim/demo/v2/ServiceProviderConfig HTTP/1.1\r\nHost: x\r\n"
	    "Authorization: Bearer @TOK@\r\n\r\n",
	    3000);

	cr_assert_eq(strncmp(all, "HTTP/1.1 405 ", 13), 0, "%s", all);
	cr_assert_eq(count_replies(all), 1, "%s", all);
	cr_assert_not_null(strstr(all, "\r\nContent-Length: "), "%s", all);
	cr_assert_not_null(strstr(all, "\r\nConnection: close\r\n"), "%s", all);
	cr_assert_not_null(strstr(all, "\r\nAllow:"), "%s", all);
	cr_assert_not_null(strstr(all, HARNESS_ERROR_URN), "%s", all);
	free(all);
	all = send_until_close("CONNECT /scim/demo/v2/Users HTTP/1.1\r\n"
			       "Host: x\r\n\r\n",
	    3000);
	cr_assert_not_null(
	    strstr(all, "\r\nAllow: GET, HEAD, POST, OPTIONS\r\n"), "%s", all);
	free(all);
	EXPECT_ALIVE(&harness_fx);
}

/* RFC 9112 §6.1: chunked framing in HTTP/1.0 is a fault, even when the
 * client asks to keep the connection; the reply says only "close". */
ITEST(framing, http10_chunked_is_refused_and_closed)
{
	char *all = send_until_close(
	    "POST /scim/demo/v2/Users HTTP/1.0\r\nHost: x\r\n"
	    "Connection: keep-alive\r\nAuthorization: Bearer @TOK@\r\n"
	    "Content-Type: application/scim+json\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
	    3000);

	cr_assert_eq(strncmp(all, "HTTP/1.0 400 ", 13), 0, "%s", all);
	cr_assert_eq(count_replies(all), 1, "%s", all);
	cr_assert_not_null(strstr(all, HARNESS_ERROR_URN), "%s", all);
	cr_assert_null(strstr(all, "keep-alive"), "%s", all);
	free(all);
	EXPECT_ALIVE(&harness_fx);
}

/* RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400 (and HTTP/1.0
 * needs none). */
ITEST(framing, http11_without_host_is_400)
{
	struct harness_resp r;
	static const char v11[] = "GET /scim/demo/v2/ServiceProviderConfig "
				  "HTTP/1.1\r\nConnection: close\r\n\r\n";
	static const char v10[] = "GET /scim/demo/v2/ServiceProviderConfig "
				  "HTTP/1.0\r\n\r\n";

	harness_raw(
	    harness_fx.port, v11, sizeof(v11) - 1, HARNESS_TIMEOUT_MS, &r);
	EXPECT_ERROR(&r, 400, NULL);
	cr_assert_str_eq(harness_header(&r, "Connection"), "close");
	harness_resp_free(&r);
	harness_raw(
	    harness_fx.port, v10, sizeof(v10) - 1, HARNESS_TIMEOUT_MS, &r);
	cr_assert_eq(r.status, 401);
	harness_resp_free(&r);
}

/* "?filter=a&filter=b": a WAF reading the last would judge a different
 * query from the one we run (RFC 7644 §3.12 invalidValue). */
ITEST(framing, repeated_scim_parameter_is_invalid_value)
{
	static const char *const paths[] = {
	    "/scim/demo/v2/Users?filter=userName%20eq%20%22a%22&"
	    "filter=userName%20pr",
	    "/scim/demo/v2/Users?count=1&Count=2",
	    "/scim/demo/v2/Users?attributes=userName&attributes=id"};
	struct harness_resp r;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		harness_get(&harness_fx, harness_fx.admin_token, paths[i], &r);
		EXPECT_ERROR(&r, 400, "invalidValue");
		harness_resp_free(&r);
	}
	harness_get(&harness_fx, harness_fx.admin_token,
	    "/scim/demo/v2/Users?count=1&startIndex=1", &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
}

#define SLOW_USERS 1000
#define SLOW_NAME 6000 /* bytes of displayName: a 6 MB page */
#define SLOW_IDLE 2 /* --idle-timeout */

/* Creates the users of the slow-reader test. */
static void
slow_fill(void)
{
	struct harness_resp r;
	size_t cap = SLOW_NAME + 256;
	char *body = malloc(cap), *name = malloc(SLOW_NAME + 1);
	int i;

	cr_assert(body != NULL && name != NULL);
	memset(name, 'd', SLOW_NAME);
	name[SLOW_NAME] = '\0';
	for (i = 0; i < SLOW_USERS; i++) {
		snprintf(body, cap,
		    "{\"schemas\":[\"" HARNESS_USER_URN "\"],"
		    "\"userName\":\"slow%04d\",\"displayName\":\"%s\"}",
		    i, name);
		harness_post(&harness_fx, harness_fx.admin_token,
		    "/scim/demo/v2/Users", body, &r);
		cr_assert_eq(r.status, 201, "user %d: %d", i, r.status);
		harness_resp_free(&r);
	}
	free(body);
	free(name);
}

/* Bytes the head announces as Content-Length, once the head is in. */
static long
announced(const char *buf, size_t len, size_t *head)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4), *cl;

	if (end == NULL)
		return -1;
	*head = (size_t)(end - buf) + 4;
	cl = strstr(buf, "Content-Length: ");
	return cl != NULL && cl < end ? atol(cl + 16) : -1;
}

/* Reads a whole page at no more than 64 KiB per 30 ms: steady progress,
 * but longer than the idle timeout. evhttp leaves the read timeout armed
 * while it writes, so without the fix the reply is cut off after
 * SLOW_IDLE seconds although the client never stalls. */
ITEST(framing, slow_steady_reader_gets_the_whole_reply)
{
	static const char fmt[] = "GET /scim/demo/v2/Users?count=1000 "
				  "HTTP/1.1\r\nHost: x\r\n"
				  "Authorization: Bearer %s\r\n\r\n";
	size_t cap = 16u << 20, len = 0, head = 0;
	char req[512], *buf = malloc(cap);
	int fd, rcv = 65536, n;
	struct sockaddr_in sa;
	int64_t t0, deadline;
	long want = -1;
	ssize_t got;

	cr_assert_not_null(buf);
	slow_fill();
	harness_fx.idle_timeout = SLOW_IDLE;
	cr_assert_eq(harness_restart(&harness_fx), 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)harness_fx.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	n = snprintf(req, sizeof(req), fmt, harness_fx.admin_token);
	cr_assert_eq(send(fd, req, (size_t)n, 0), n);
	t0 = harness_now_ms();
	deadline = t0 + 20000;
	while (harness_now_ms() < deadline) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 1000) <= 0)
			continue;
		got = recv(fd, buf + len,
		    cap - len - 1 < 65536 ? cap - len - 1 : 65536, 0);
		if (got <= 0)
			break;
		len += (size_t)got;
		if (want < 0)
			want = announced(buf, len, &head);
		if (want >= 0 && len >= head + (size_t)want)
			break;
		usleep(30000);
	}
	close(fd);
	cr_assert_gt(want, 0, "no Content-Length in the reply head");
	cr_assert_eq(len, head + (size_t)want,
	    "reply cut off after %zu of %zu bytes, %lld ms", len,
	    head + (size_t)want, (long long)(harness_now_ms() - t0));
	/* The read outlasted the idle timeout, or this proved nothing. */
	cr_assert_gt(harness_now_ms() - t0, SLOW_IDLE * 1000 + 500);
	free(buf);
	EXPECT_ALIVE(&harness_fx);
}
