/*
 * Hostile input (HARDENING.md "Examples of hostile input"): every request
 * here must get a SCIM JSON 4xx, or a closed connection for framing
 * errors, never a 5xx, a crash or a hang; and the daemon must still answer
 * a normal request afterwards (promises 8 and 9).
 */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "harness.h"

#define BASE "/scim/demo/v2/Credential"
#define CRED(fields) "{\"schemas\":[\"" HARNESS_CRED_URN "\"]," fields "}"
#define SEARCH_PRE "{\"schemas\":[\"" HARNESS_SEARCH_URN "\"],\"filter\":\""

/* CT_A exists, so a body refused here is refused for what the test
 * sends, not for naming an unknown credential type. */
static void
setup(void)
{
	harness_fx_setup();
	harness_ctype(&harness_fx, harness_fx.admin_token, "demo", "CT_A",
	    "[{\"name\":\"A\"}]", NULL);
}

TestSuite(hostile, .init = setup, .fini = harness_fx_teardown, .timeout = 90);

static void
get_path(const char *path, int allow_close)
{
	struct harness_resp r;

	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_REJECTED(&r, allow_close);
	harness_resp_free(&r);
	EXPECT_ALIVE(&harness_fx);
}

/* POSTs len bytes as a credential body; must be rejected with status
 * want (0: any 4xx). */
static void
post_body(const char *body, size_t len, int want)
{
	struct harness_resp r;
	struct harness_req rq = {.method = "POST",
	    .path = BASE,
	    .token = harness_fx.admin_token,
	    .body = body,
	    .body_len = len};

	harness_send(&harness_fx, &rq, &r);
	EXPECT_REJECTED(&r, 0);
	if (want != 0)
		EXPECT_ERROR(&r, want, NULL);
	harness_resp_free(&r);
	EXPECT_ALIVE(&harness_fx);
}

#define POST_LIT(lit, want) post_body((lit), sizeof(lit) - 1, (want))

/* Sends a raw request, with the admin token put in for each "@TOK@". */
static void
raw_rejected_as(const char *tmpl, int allow)
{
	char req[4096];
	struct harness_resp r;
	const char *p = tmpl, *at;
	size_t n = 0, k;

	while ((at = strstr(p, "@TOK@")) != NULL) {
		k = (size_t)(at - p);
		memcpy(req + n, p, k);
		n += k;
		k = strlen(harness_fx.admin_token);
		memcpy(req + n, harness_fx.admin_token, k);
		n += k;
		p = at + 5;
	}
	k = strlen(p);
	cr_assert_lt(n + k, sizeof(req));
	memcpy(req + n, p, k);
	n += k;
	harness_raw(harness_fx.port, req, n, HARNESS_TIMEOUT_MS, &r);
	EXPECT_REJECTED(&r, allow);
	harness_resp_free(&r);
	EXPECT_ALIVE(&harness_fx);
}

/* Framing our code must catch (HARDENING.md: libevent accepts these). */
static void
raw_rejected(const char *tmpl)
{
	raw_rejected_as(tmpl, HARNESS_REJ_CLOSE);
}

static char *
repeat(const char *unit, size_t times, const char *pre, const char *post)
{
	size_t u = strlen(unit), a = strlen(pre), b = strlen(post), i;
	char *s = malloc(a + u * times + b + 1), *p = s;

	cr_assert_not_null(s);
	memcpy(p, pre, a);
	p += a;
	for (i = 0; i < times; i++, p += u)
		memcpy(p, unit, u);
	memcpy(p, post, b + 1);
	return s;
}

/* ---------------------------------------------------------------- paths */

ITEST(hostile, path_encoded_dotdot_slash)
{
	get_path("/scim/..%2fother/v2/Credential", 0);
	get_path("/scim/..%2Fdemo/v2/Credential", 0);
	get_path("/scim/demo/v2/Credential/..%2f..%2fetc%2fpasswd", 0);
}

ITEST(hostile, path_literal_dotdot)
{
	get_path("/scim/demo/v2/../v2/Credential", 0);
	get_path("/scim/../scim/demo/v2/Credential", 0);
}

ITEST(hostile, path_encoded_nul)
{
	get_path("/scim/t1%00x/v2/Credential", 0);
	get_path("/scim/demo%00/v2/Credential", 0);
	get_path("/scim/demo/v2/Credential/abc%00def", 0);
}

ITEST(hostile, path_bad_percent_encoding)
{
	get_path("/scim/demo/v2/Credential/%zz", 0);
	get_path("/scim/demo/v2/Credential/%", 0);
	get_path("/scim/demo/v2/Credential/a%2fb", 0);
}

ITEST(hostile, id_of_10_kb)
{
	char *p = repeat("A", 10240, BASE "/", "");
	struct harness_resp r;

	get_path(p, 0);
	harness_put(&harness_fx, harness_fx.admin_token, p,
	    CRED("\"type\":\"CT_A\""), &r);
	EXPECT_REJECTED(&r, 0);
	harness_resp_free(&r);
	harness_delete(&harness_fx, harness_fx.admin_token, p, &r);
	EXPECT_REJECTED(&r, 0);
	harness_resp_free(&r);
	free(p);
	EXPECT_ALIVE(&harness_fx);
}

/* Parameters may be clamped or refused, but never break the server. */
static void
get_not_5xx(const char *path)
{
	struct harness_resp r;

	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	cr_assert(r.status >= 200 && r.status < 500, "%s answered %d", path,
	    r.status);
	if (r.status >= 400)
		EXPECT_REJECTED(&r, 0);
	harness_resp_free(&r);
	EXPECT_ALIVE(&harness_fx);
}

ITEST(hostile, huge_query_parameters)
{
	char *p = repeat("externalId,", 600, BASE "?attributes=", "id");

	get_not_5xx(p);
	get_not_5xx(BASE "?count=99999999999999999999");
	get_not_5xx(BASE "?startIndex=-99999999999999999999");
	get_not_5xx(BASE "?count=abc&startIndex=1e3");
	get_not_5xx(BASE "?sortBy=nosuch&sortOrder=sideways");
	get_not_5xx(BASE "?attributes="
			 "%00");
	get_not_5xx(BASE "?filter&filter=type%20pr&&&=&%");
	free(p);
}

/* -------------------------------------------------------------- headers */

ITEST(hostile, duplicate_content_length)
{
	raw_rejected("POST " BASE " HTTP/1.1\r\nHost: x\r\n"
		     "Authorization: Bearer @TOK@\r\n"
		     "Content-Type: application/scim+json\r\n"
		     "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}");
	raw_rejected("POST " BASE " HTTP/1.1\r\nHost: x\r\n"
		     "Authorization: Bearer @TOK@\r\n"
		     "Content-Type: application/scim+json\r\n"
		     "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}");
}

ITEST(hostile, transfer_encoding_other_than_chunked)
{
	raw_rejected("POST " BASE " HTTP/1.1\r\nHost: x\r\n"
		     "Authorization: Bearer @TOK@\r\n"
		     "Content-Type: application/scim+json\r\n"
		     "Transfer-Encoding: gzip, chunked\r\n\r\n"
		     "2\r\n{}\r\n0\r\n\r\n");
	/* libevent refuses this one itself */
	raw_rejected_as("POST " BASE " HTTP/1.1\r\nHost: x\r\n"
			"Authorization: Bearer @TOK@\r\n"
			"Content-Type: application/scim+json\r\n"
			"Transfer-Encoding: identity\r\n"
			"Content-Length: 2\r\n\r\n{}",
	    HARNESS_REJ_LIBEVENT);
}

ITEST(hostile, whitespace_before_header_colon)
{
	raw_rejected("GET " BASE " HTTP/1.1\r\nHost: x\r\n"
		     "Authorization : Bearer @TOK@\r\n\r\n");
	raw_rejected("POST " BASE " HTTP/1.1\r\nHost: x\r\n"
		     "Authorization: Bearer @TOK@\r\n"
		     "Content-Type: application/scim+json\r\n"
		     "Content-Length\t: 2\r\n\r\n{}");
}

ITEST(hostile, malformed_request_lines)
{
	raw_rejected_as("GARBAGE\r\n\r\n", HARNESS_REJ_LIBEVENT);
	raw_rejected_as("GET  HTTP/1.1\r\nAuthorization: Bearer @TOK@\r\n\r\n",
	    HARNESS_REJ_LIBEVENT);
}

ITEST(hostile, oversized_header)
{
	char *hdr = repeat("A", 64 * 1024, "X-Big: ", "\r\n");
	struct harness_resp r;
	struct harness_req rq = {.method = "GET",
	    .path = BASE,
	    .token = harness_fx.admin_token,
	    .headers = hdr};

	harness_send(&harness_fx, &rq, &r);
	EXPECT_REJECTED(&r, HARNESS_REJ_LIBEVENT);
	harness_resp_free(&r);
	free(hdr);
	EXPECT_ALIVE(&harness_fx);
}

ITEST(hostile, content_length_larger_than_the_limit)
{
	/* past the 2 MiB evhttp backstop: libevent answers itself */
	raw_rejected_as("POST " BASE " HTTP/1.1\r\nHost: x\r\n"
			"Authorization: Bearer @TOK@\r\n"
			"Content-Type: application/scim+json\r\n"
			"Content-Length: 99999999999\r\n\r\n{}",
	    HARNESS_REJ_LIBEVENT);
	/* between our 1 MiB limit and the backstop: SCIM JSON 413 */
	{
		char *b = repeat(" ", 1500000, "", "{}");

		post_body(b, strlen(b), 413);
		free(b);
	}
	/* libevent refuses a malformed length itself */
	raw_rejected_as("POST " BASE " HTTP/1.1\r\nHost: x\r\n"
			"Authorization: Bearer @TOK@\r\n"
			"Content-Type: application/scim+json\r\n"
			"Content-Length: -1\r\n\r\n{}",
	    HARNESS_REJ_LIBEVENT);
}

/* A client that sends one header line a second must be cut off by the
 * absolute header deadline (HARDENING.md: about 10 s). */
ITEST(hostile, slowloris_is_cut_off)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int64_t start = harness_now_ms();
	int fd, closed = 0, i;
	char c;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons((uint16_t)harness_fx.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	send(fd, "GET " BASE " HTTP/1.1\r\n", strlen(BASE) + 15, MSG_NOSIGNAL);
	for (i = 0; i < 40 && !closed; i++) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (send(fd, "X-a: b\r\n", 8, MSG_NOSIGNAL) < 0)
			closed = 1;
		else if (poll(&pfd, 1, 1000) > 0 && recv(fd, &c, 1, 0) <= 0)
			closed = 1;
		else if (pfd.revents & POLLIN)
			closed = 1; /* an error answer, then a close */
	}
	close(fd);
	cr_assert(closed, "a slow client kept its connection for %lld ms",
	    (long long)(harness_now_ms() - start));
	cr_assert_lt(harness_now_ms() - start, 35000);
	EXPECT_ALIVE(&harness_fx);
}

/* ----------------------------------------------------------------- JSON */

ITEST(hostile, json_comments)
{
	POST_LIT("{\"schemas\":[\"" HARNESS_CRED_URN "\"],/* c */"
		 "\"type\":\"CT_A\"}",
	    400);
	POST_LIT("{\"schemas\":[\"" HARNESS_CRED_URN "\"],// c\n"
		 "\"type\":\"CT_A\"}",
	    400);
}

ITEST(hostile, json_data_after_nul)
{
	POST_LIT(CRED("\"type\":\"CT_A\"") "\0garbage", 400);
	POST_LIT(CRED("\"type\":\"CT_A\"") " x", 400);
	POST_LIT(CRED("\"type\":\"CT_A\"") "{}", 400);
}

ITEST(hostile, json_nul_in_strings)
{
	POST_LIT(CRED("\"type\":\"CT\\u0000A\""), 400);
	POST_LIT(CRED("\"type\":\"CT\0A\""), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"externalId\":\"\\u0000\""), 400);
}

ITEST(hostile, json_overlong_and_invalid_utf8)
{
	POST_LIT(CRED("\"type\":\"\xC0\xAF\""), 400);
	POST_LIT(CRED("\"type\":\"\xE0\x80\xAF\""), 400);
	POST_LIT(CRED("\"type\":\"\xF0\x80\x80\xAF\""), 400);
	POST_LIT(CRED("\"type\":\"\xF4\x90\x80\x80\""), 400);
	POST_LIT(CRED("\"type\":\"\xFF\""), 400);
	POST_LIT(CRED("\"type\":\"\xC3\""), 400);
}

ITEST(hostile, json_lone_surrogates)
{
	POST_LIT(CRED("\"type\":\"\\uD800\""), 400);
	POST_LIT(CRED("\"type\":\"\\uDC00\""), 400);
	POST_LIT(CRED("\"type\":\"\\uD800x\""), 400);
	POST_LIT(CRED("\"type\":\"\\uD800\\u0041\""), 400);
	POST_LIT(CRED("\"type\":\"\xED\xA0\x80\""), 400);
}

ITEST(hostile, json_nesting_a_million_deep)
{
	char *b = repeat("[", 1000000, "", "");

	post_body(b, strlen(b), 0);
	free(b);
	b = repeat("[", 100000, CRED("\"type\":\"CT_A\",\"x\":"), "");
	post_body(b, strlen(b), 0);
	free(b);
}

ITEST(hostile, json_nesting_deep_but_balanced)
{
	char *open =
	    repeat("{\"a\":", 5000, CRED("\"type\":\"CT_A\",\"x\":"), "1");
	char *b = repeat("}", 5001, open, "");

	post_body(b, strlen(b), 400);
	free(open);
	free(b);
}

ITEST(hostile, json_duplicate_and_case_variant_keys)
{
	POST_LIT(CRED("\"type\":\"CT_A\",\"type\":\"CT_B\""), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"TYPE\":\"CT_B\""), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"status\":{\"status\":\"ACTIVE\","
		      "\"Status\":\"PENDING\"}"),
	    400);
	POST_LIT("{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"SCHEMAS\":[],"
		 "\"type\":\"CT_A\"}",
	    400);
}

ITEST(hostile, json_huge_numbers)
{
	POST_LIT(CRED("\"type\":\"CT_A\",\"totalUsed\":1e400"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"totalUsed\":-1e400"), 400);
	POST_LIT(
	    CRED("\"type\":\"CT_A\",\"totalUsed\":99999999999999999999"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"x\":[1e400]"), 400);
}

ITEST(hostile, json_megabyte_string_is_413)
{
	char *b = repeat("x", 1024 * 1024,
	    "{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"type\":\"", "\"}");

	post_body(b, strlen(b), 413);
	free(b);
}

ITEST(hostile, json_too_many_keys_and_items)
{
	char *b =
	    repeat("{\"name\":\"A\",\"type\":\"STRING\",\"value\":\"1\"},",
		20000, CRED("\"type\":\"CT_A\",\"attributes\":["), "{}]");
	size_t i, len;
	char *many = malloc(400 * 16 + 256);

	post_body(b, strlen(b), 400);
	free(b);
	len = (size_t)sprintf(many, "{\"schemas\":[\"%s\"]", HARNESS_CRED_URN);
	for (i = 0; i < 400; i++)
		len += (size_t)sprintf(many + len, ",\"k%zu\":1", i);
	strcpy(many + len, "}");
	post_body(many, strlen(many), 400);
	free(many);
}

ITEST(hostile, json_empty_key_and_odd_values)
{
	POST_LIT(CRED("\"type\":\"CT_A\",\"\":1"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"owner\":[]"), 400);
}

/* -------------------------------------------------------------- filters */

static void
search_rejected(const char *filter_json_escaped, const char *scim_type)
{
	struct harness_resp r;
	size_t n = strlen(filter_json_escaped);
	char *body = malloc(n + 256);

	sprintf(body, SEARCH_PRE "%s\"}", filter_json_escaped);
	harness_post(
	    &harness_fx, harness_fx.admin_token, BASE "/.search", body, &r);
	EXPECT_REJECTED(&r, 0);
	if (scim_type != NULL)
		EXPECT_ERROR(&r, 400, scim_type);
	harness_resp_free(&r);
	free(body);
	EXPECT_ALIVE(&harness_fx);
}

static void
get_filter_rejected(const char *filter, const char *scim_type)
{
	char *enc = harness_urlencode(filter);
	char *path = malloc(strlen(enc) + 64);
	struct harness_resp r;

	sprintf(path, BASE "?filter=%s", enc);
	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_REJECTED(&r, 0);
	if (scim_type != NULL)
		EXPECT_ERROR(&r, 400, scim_type);
	harness_resp_free(&r);
	free(enc);
	free(path);
	EXPECT_ALIVE(&harness_fx);
}

ITEST(hostile, filter_2000_nested_parentheses)
{
	char *open = repeat("(", 2000, "", "type eq \"x\"");
	char *f = repeat(")", 2000, open, "");
	char *o2 = repeat("(", 2000, "", "type eq \\\"x\\\"");
	char *f2 = repeat(")", 2000, o2, "");
	char *o3 = repeat("(", 1000, "", "type eq \"x\"");
	char *f3 = repeat(")", 1000, o3, "");

	/* encoded, 2,000 pairs pass the URI limit: 414 is fine too */
	get_filter_rejected(f, NULL);
	get_filter_rejected(f3, "invalidFilter");
	search_rejected(f2, "invalidFilter");
	free(open);
	free(f);
	free(o2);
	free(f2);
	free(o3);
	free(f3);
}

ITEST(hostile, filter_nested_not_and_value_paths)
{
	char *open = repeat("not (", 2000, "", "type eq \\\"x\\\"");
	char *f = repeat(")", 2000, open, "");
	char *vp = repeat("attributes[", 500, "", "value eq \\\"x\\\"");
	char *f2 = repeat("]", 500, vp, "");

	search_rejected(f, "invalidFilter");
	search_rejected(f2, "invalidFilter");
	free(open);
	free(f);
	free(vp);
	free(f2);
}

ITEST(hostile, filter_10000_and_terms)
{
	char *f =
	    repeat("type eq \\\"x\\\" and ", 10000, "", "type eq \\\"x\\\"");
	char *g = repeat("type eq \\\"x\\\" or ", 10000, "", "type pr");

	search_rejected(f, "invalidFilter");
	search_rejected(g, "invalidFilter");
	free(f);
	free(g);
}

ITEST(hostile, filter_unknown_operators)
{
	get_filter_rejected("type xx \"CT_A\"", "invalidFilter");
	get_filter_rejected("type == \"CT_A\"", "invalidFilter");
	get_filter_rejected("type eq \"a\" xor type eq \"b\"", "invalidFilter");
	get_filter_rejected("type regex \".*\"", "invalidFilter");
}

ITEST(hostile, filter_unbalanced_quotes)
{
	get_filter_rejected("type eq \"CT_A", "invalidFilter");
	get_filter_rejected("type eq \"CT_A\\\"", "invalidFilter");
	get_filter_rejected("type eq CT_A\"", "invalidFilter");
	get_filter_rejected("type eq \"\"\"", "invalidFilter");
}

ITEST(hostile, filter_type_mismatches)
{
	get_filter_rejected("meta.created gt \"notadate\"", "invalidFilter");
	get_filter_rejected("status.expiryDate eq 12", "invalidFilter");
	get_filter_rejected("status.active eq \"yes\"", "invalidFilter");
	get_filter_rejected("status.active gt true", "invalidFilter");
	get_filter_rejected("status co \"x\"", "invalidFilter");
}

ITEST(hostile, filter_overlong_attribute_paths)
{
	char *a = repeat("a", 5000, "", " eq \"x\"");
	char *b = repeat(".a", 200, "type", " eq \"x\"");
	char *c = repeat("urn:x:", 300, "", "type eq \"x\"");

	get_filter_rejected(a, "invalidFilter");
	get_filter_rejected(b, "invalidFilter");
	get_filter_rejected(c, "invalidFilter");
	free(a);
	free(b);
	free(c);
}

ITEST(hostile, filter_longer_than_the_limit)
{
	char *f = repeat("x", 20000, "externalId eq \\\"", "\\\"");

	search_rejected(f, "invalidFilter");
	free(f);
}

ITEST(hostile, filter_with_nul)
{
	get_path(BASE "?filter=type%20eq%20%22a%00b%22", 0);
	search_rejected("type eq \\\"a\\u0000b\\\"", NULL);
}

/* ------------------------------------------------------- SCIM semantics */

ITEST(hostile, missing_or_wrong_schemas)
{
	POST_LIT("{\"type\":\"CT_A\"}", 400);
	POST_LIT("{\"schemas\":[],\"type\":\"CT_A\"}", 400);
	POST_LIT(
	    "{\"schemas\":\"" HARNESS_CRED_URN "\",\"type\":\"CT_A\"}", 400);
	POST_LIT("{\"schemas\":[\"urn:example:nope\"],\"type\":\"CT_A\"}", 400);
	POST_LIT("{\"schemas\":[42],\"type\":\"CT_A\"}", 400);
}

ITEST(hostile, unknown_attributes)
{
	POST_LIT(CRED("\"type\":\"CT_A\",\"bogus\":1"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"status\":{\"bogus\":1}"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"owner\":{\"evil\":\"x\"}"), 400);
}

ITEST(hostile, wrongly_typed_attributes)
{
	POST_LIT(CRED("\"type\":5"), 400);
	POST_LIT(CRED("\"type\":[\"CT_A\"]"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"status\":[]"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"status\":{\"status\":1}"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"attributes\":\"x\""), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"attributes\":[1,2]"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"externalId\":true"), 400);
	POST_LIT(CRED("\"type\":\"CT_A\",\"attributes\":[{\"name\":\"A\","
		      "\"type\":\"NOPE\",\"value\":\"1\"}]"),
	    400);
}

ITEST(hostile, writes_to_id_and_meta_are_ignored)
{
	struct harness_resp r;
	char id[128], path[256];

	harness_post(&harness_fx, harness_fx.admin_token, BASE,
	    CRED("\"id\":\"../../etc\",\"type\":\"CT_A\","
		 "\"meta\":{\"location\":\"http://evil/\",\"version\":\"x\"}"),
	    &r);
	EXPECT_STATUS(&r, 201);
	cr_assert_str_neq(harness_jstr(harness_json(&r), "id"), "../../etc");
	cr_assert_null(
	    strstr(harness_jstr(harness_json(&r), "meta.location"), "evil"));
	snprintf(id, sizeof(id), "%s", harness_jstr(harness_json(&r), "id"));
	harness_resp_free(&r);
	snprintf(path, sizeof(path), BASE "/%s", id);
	harness_put(&harness_fx, harness_fx.admin_token, path,
	    CRED(
		"\"id\":\"zzz\",\"type\":\"CT_A\",\"meta\":{\"version\":\"x\"}"),
	    &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_str_eq(harness_jstr(harness_json(&r), "id"), id);
	harness_resp_free(&r);
	EXPECT_ALIVE(&harness_fx);
}

ITEST(hostile, revoked_to_active)
{
	struct harness_resp r;
	char id[128], path[256];

	harness_create(&harness_fx, harness_fx.admin_token, "demo",
	    CRED("\"type\":\"CT_A\",\"status\":{\"status\":\"ACTIVE\"}"), id,
	    sizeof(id));
	snprintf(path, sizeof(path), BASE "/%s", id);
	harness_put(&harness_fx, harness_fx.admin_token, path,
	    CRED("\"type\":\"CT_A\",\"status\":{\"status\":\"REVOKED\"}"), &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	harness_put(&harness_fx, harness_fx.admin_token, path,
	    CRED("\"type\":\"CT_A\",\"status\":{\"status\":\"ACTIVE\"}"), &r);
	EXPECT_ERROR(&r, 400, "mutability");
	harness_resp_free(&r);
	EXPECT_ALIVE(&harness_fx);
}

ITEST(hostile, stale_and_malformed_if_match)
{
	static const char *hdrs[] = {
	    "If-Match: W/\"0\"\r\n",
	    "If-Match: \"unterminated\r\n",
	    "If-Match: W/\"99999999999999999999999\"\r\n",
	    "If-Match: ,,,\r\n",
	};
	struct harness_resp r;
	char id[128], path[256];
	size_t i;

	harness_create(&harness_fx, harness_fx.admin_token, "demo",
	    CRED("\"type\":\"CT_A\""), id, sizeof(id));
	snprintf(path, sizeof(path), BASE "/%s", id);
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		struct harness_req rq = {.method = "PUT",
		    .path = path,
		    .token = harness_fx.admin_token,
		    .body = CRED(
			"\"type\":\"CT_A\",\"status\":{\"status\":\"ACTIVE\"}"),
		    .headers = hdrs[i]};

		harness_send(&harness_fx, &rq, &r);
		EXPECT_REJECTED(&r, 0);
		cr_expect(r.status == 412 || r.status == 400, "%s gave %d",
		    hdrs[i], r.status);
		harness_resp_free(&r);
	}
	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_str_eq(harness_jstr(harness_json(&r), "status.status"),
	    "PENDING", "a rejected write changed the credential");
	harness_resp_free(&r);
}

ITEST(hostile, many_requests_on_one_connection_then_garbage)
{
	char req[8192];
	char *all = NULL;
	size_t len = 0;
	int n = 0, i;

	for (i = 0; i < 20; i++)
		n += snprintf(req + n, sizeof(req) - (size_t)n,
		    "GET " BASE " HTTP/1.1\r\nHost: x\r\n"
		    "Authorization: Bearer %s\r\n\r\n",
		    harness_fx.admin_token);
	n += snprintf(
	    req + n, sizeof(req) - (size_t)n, "%s", "\x01\x02garbage\r\n\r\n");
	harness_raw_all(
	    harness_fx.port, req, (size_t)n, HARNESS_TIMEOUT_MS, &all, &len);
	cr_assert_null(
	    strstr(all, "HTTP/1.1 5"), "a 5xx on a pipelined stream");
	free(all);
	EXPECT_ALIVE(&harness_fx);
}
