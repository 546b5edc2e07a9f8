/* Request-target, path, query and header checks (http/request.c). */
#include <string.h>

#include <criterion/criterion.h>

#include "http/request.h"
#include "http/server.h"

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

TestSuite(request, .init = setup, .fini = teardown);

static int
path(const char *raw, struct request_path *p)
{
	struct scim_err err;

	scim_err_clear(&err);
	return request_parse_path(a, str_from(raw), p, &err);
}

Test(request, splits_tenant_and_segments)
{
	struct request_path p;

	cr_assert_eq(path("/scim/acme-1/v2/Credential/abc", &p), 0);
	cr_assert(str_eq_cstr(p.tenant, "acme-1"));
	cr_assert_eq(p.nsegs, 2);
	cr_assert(str_eq_cstr(p.segs[0], "Credential"));
	cr_assert(str_eq_cstr(p.segs[1], "abc"));
	cr_assert_eq(path("/scim/t/v2/Schemas", &p), 0);
	cr_assert_eq(p.nsegs, 1);
}

Test(request, decodes_each_segment_once)
{
	struct request_path p;

	cr_assert_eq(path("/scim/t/v2/Schemas/urn%3Aa%3Ab", &p), 0);
	cr_assert(str_eq_cstr(p.segs[1], "urn:a:b"));
	/* %25 decodes to '%' and stays: no second decoding pass. */
	cr_assert_eq(path("/scim/t/v2/Credential/a%2541", &p), 0);
	cr_assert(str_eq_cstr(p.segs[1], "a%41"));
	/* '+' is literal in a path. */
	cr_assert_eq(path("/scim/t/v2/Credential/a+b", &p), 0);
	cr_assert(str_eq_cstr(p.segs[1], "a+b"));
}

Test(request, encoded_slash_never_splits)
{
	struct request_path p;

	cr_assert_eq(
	    path("/scim/..%2fother/v2/Credential", &p), SCIM_E_BAD_REQUEST);
	cr_assert_eq(
	    path("/scim/t/v2/Credential/a%2Fb", &p), SCIM_E_BAD_REQUEST);
	cr_assert_eq(
	    path("/scim/t/v2/Credential/a%2fb", &p), SCIM_E_BAD_REQUEST);
}

Test(request, encoded_nul_and_controls_rejected)
{
	struct request_path p;

	cr_assert_eq(
	    path("/scim/t1%00x/v2/Credential", &p), SCIM_E_BAD_REQUEST);
	cr_assert_eq(
	    path("/scim/t/v2/Credential/a%00", &p), SCIM_E_BAD_REQUEST);
	cr_assert_eq(
	    path("/scim/t/v2/Credential/a%0Ab", &p), SCIM_E_BAD_REQUEST);
	cr_assert_eq(
	    path("/scim/t/v2/Credential/a%7f", &p), SCIM_E_BAD_REQUEST);
}

Test(request, malformed_escapes_rejected)
{
	struct request_path p;

	cr_assert_eq(path("/scim/t/v2/Credential/a%", &p), SCIM_E_BAD_REQUEST);
	cr_assert_eq(path("/scim/t/v2/Credential/a%4", &p), SCIM_E_BAD_REQUEST);
	cr_assert_eq(
	    path("/scim/t/v2/Credential/a%zz", &p), SCIM_E_BAD_REQUEST);
}

Test(request, dot_segments_rejected)
{
	struct request_path p;

	cr_assert_eq(path("/scim/t/v2/Credential/..", &p), SCIM_E_BAD_REQUEST);
	cr_assert_eq(path("/scim/t/v2/./Credential", &p), SCIM_E_BAD_REQUEST);
	cr_assert_eq(
	    path("/scim/t/v2/Credential/%2e%2e", &p), SCIM_E_BAD_REQUEST);
	/* A leading dot is fine when it isn't a whole dot segment. */
	cr_assert_eq(path("/scim/t/v2/Credential/.search", &p), 0);
}

Test(request, empty_segments_are_not_found)
{
	struct request_path p;

	cr_assert_eq(path("/scim/t/v2/Credential/", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("/scim//t/v2/Credential", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("/scim/t/v2//Credential", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("//scim/t/v2/Credential", &p), SCIM_E_NOT_FOUND);
}

Test(request, outside_scim_prefix_is_not_found)
{
	struct request_path p;

	cr_assert_eq(path("/", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("/scim", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("/scim/t", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("/scim/t/v1/Credential", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("/SCIM/t/v2/Credential", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(
	    path("http://h/scim/t/v2/Credential", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("/scim/t/v2", &p), 0);
	cr_assert_eq(p.nsegs, 0);
}

Test(request, bad_tenant_names_are_not_found)
{
	struct request_path p;

	cr_assert_eq(path("/scim/Acme/v2/Credential", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(path("/scim/a_b/v2/Credential", &p), SCIM_E_NOT_FOUND);
	cr_assert_eq(
	    path("/scim/"
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaa/v2/Credential",
		&p),
	    SCIM_E_NOT_FOUND);
}

Test(request, huge_id_is_not_found_without_decoding_it)
{
	struct request_path p;
	char raw[10100];

	strcpy(raw, "/scim/t/v2/Credential/");
	memset(raw + strlen(raw), 'x', 10000);
	raw[22 + 10000] = '\0';
	cr_assert_eq(path(raw, &p), SCIM_E_NOT_FOUND);
	/* Under the raw cap but over the decoded one. */
	strcpy(raw, "/scim/t/v2/Credential/");
	memset(raw + 22, 'x', REQUEST_MAX_SEGMENT + 1);
	raw[22 + REQUEST_MAX_SEGMENT + 1] = '\0';
	cr_assert_eq(path(raw, &p), SCIM_E_NOT_FOUND);
}

Test(request, too_many_segments_are_not_found)
{
	struct request_path p;

	cr_assert_eq(path("/scim/t/v2/a/b/c/d", &p), 0);
	cr_assert_eq(p.nsegs, 4);
	cr_assert_eq(path("/scim/t/v2/a/b/c/d/e", &p), SCIM_E_NOT_FOUND);
}

Test(request, split_target)
{
	struct str p, q;
	struct scim_err err;
	char big[REQUEST_MAX_URI + 2];

	cr_assert_eq(
	    request_split_target(STR_LIT("/a/b?x=1&y"), &p, &q, &err), 0);
	cr_assert(str_eq_cstr(p, "/a/b"));
	cr_assert(str_eq_cstr(q, "x=1&y"));
	cr_assert_eq(request_split_target(STR_LIT("/a?b?c"), &p, &q, &err), 0);
	cr_assert(str_eq_cstr(q, "b?c"));
	cr_assert_eq(request_split_target(STR_LIT("/a"), &p, &q, &err), 0);
	cr_assert_null(q.ptr);
	cr_assert_eq(request_split_target(STR_LIT("/a#f"), &p, &q, &err),
	    SCIM_E_BAD_REQUEST);
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(request_split_target(str_from(big), &p, &q, &err),
	    SCIM_E_URI_TOO_LONG);
	big[REQUEST_MAX_URI] = '\0';
	cr_assert_eq(request_split_target(str_from(big), &p, &q, &err), 0);
}

static int
query(const char *raw, struct scim_param **ps, size_t *n)
{
	struct scim_err err;

	return request_parse_query(a, str_from(raw), ps, n, &err);
}

Test(request, query_pairs_in_order)
{
	struct scim_param *ps;
	size_t n;

	cr_assert_eq(
	    query("filter=userName%20eq%20%22b%22&count=5&x", &ps, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert(str_eq_cstr(ps[0].name, "filter"));
	cr_assert(str_eq_cstr(ps[0].value, "userName eq \"b\""));
	cr_assert(str_eq_cstr(ps[1].value, "5"));
	cr_assert(str_eq_cstr(ps[2].name, "x"));
	cr_assert_eq(ps[2].value.len, 0);
}

Test(request, query_plus_is_space_and_pct2b_is_plus)
{
	struct scim_param *ps;
	size_t n;

	cr_assert_eq(
	    query("filter=a+eq+%222011-05-13T04:42:34%2B02:00%22", &ps, &n), 0);
	cr_assert(
	    str_eq_cstr(ps[0].value, "a eq \"2011-05-13T04:42:34+02:00\""));
}

Test(request, query_value_keeps_later_equals)
{
	struct scim_param *ps;
	size_t n;

	cr_assert_eq(query("a=b=c", &ps, &n), 0);
	cr_assert(str_eq_cstr(ps[0].value, "b=c"));
}

Test(request, query_empty_pieces_skipped)
{
	struct scim_param *ps;
	size_t n;

	cr_assert_eq(query("&&a=1&&", &ps, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(query("", &ps, &n), 0);
	cr_assert_eq(n, 0);
}

Test(request, query_rejects)
{
	struct scim_param *ps;
	size_t n;

	cr_assert_eq(query("a=%00", &ps, &n), SCIM_E_BAD_REQUEST);
	cr_assert_eq(query("a%00b=1", &ps, &n), SCIM_E_BAD_REQUEST);
	cr_assert_eq(query("=1", &ps, &n), SCIM_E_BAD_REQUEST);
	cr_assert_eq(query("a=%4", &ps, &n), SCIM_E_BAD_REQUEST);
	cr_assert_eq(query("a=%g0", &ps, &n), SCIM_E_BAD_REQUEST);
}

Test(request, query_parameter_cap)
{
	char raw[REQUEST_MAX_PARAMS * 4 + 8] = "";
	struct scim_param *ps;
	size_t n, i;

	for (i = 0; i < REQUEST_MAX_PARAMS; i++)
		strcat(raw, i ? "&a=1" : "a=1");
	cr_assert_eq(query(raw, &ps, &n), 0);
	cr_assert_eq(n, REQUEST_MAX_PARAMS);
	strcat(raw, "&b");
	cr_assert_eq(query(raw, &ps, &n), SCIM_E_BAD_REQUEST);
}

/* A WAF may read the last of two filters while we act on the first:
 * a repeated SCIM parameter is refused, however its name is cased or
 * encoded; other repeated names are left to whoever reads them. */
Test(request, query_repeated_scim_parameter_rejected)
{
	static const char *const bad[] = {"filter=a&filter=b",
	    "count=1&x=2&COUNT=3", "sortBy=a&sortby=b", "sortOrder=a&sortOrder",
	    "startIndex=1&startindex=1", "attributes=a&%61ttributes=b",
	    "excludedAttributes=a&excludedattributes=a"};
	struct scim_param *ps;
	struct scim_err err;
	size_t n, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		scim_err_clear(&err);
		cr_assert_eq(
		    request_parse_query(a, str_from(bad[i]), &ps, &n, &err),
		    SCIM_E_INVALID_VALUE, "%s", bad[i]);
		cr_assert_not_null(strstr(err.detail, "given more than once"));
	}
	cr_assert_eq(query("x=1&x=2&filter=a&count=1", &ps, &n), 0);
	cr_assert_eq(n, 4);
}

#define H(n, v) \
	{ \
		STR_LIT(n), STR_LIT(v) \
	}

static int
headers(const struct request_header *h, size_t n, int body_allowed,
    struct request_headers *out)
{
	struct scim_err err;

	return request_check_headers(h, n, body_allowed, out, &err);
}

Test(request, headers_extracted)
{
	const struct request_header h[] = {H("Host", "x"),
	    H("authorization", "Bearer t"),
	    H("Content-Type", "application/json"), H("If-Match", "W/\"1\""),
	    H("Content-Length", "12")};
	struct request_headers out;

	cr_assert_eq(headers(h, 5, 1, &out), 0);
	cr_assert(str_eq_cstr(out.authorization, "Bearer t"));
	cr_assert(str_eq_cstr(out.if_match, "W/\"1\""));
	cr_assert_null(out.if_none_match.ptr);
	cr_assert_eq(out.has_body, 1);
}

Test(request, duplicate_content_length_rejected)
{
	const struct request_header h[] = {
	    H("Content-Length", "5"), H("content-length", "5")};
	struct request_headers out;

	cr_assert_eq(headers(h, 2, 1, &out), SCIM_E_BAD_REQUEST);
}

Test(request, transfer_encoding_must_be_exactly_chunked)
{
	const struct request_header gz[] = {
	    H("Transfer-Encoding", "gzip, chunked")};
	const struct request_header ok[] = {H("Transfer-Encoding", "Chunked")};
	const struct request_header both[] = {
	    H("Transfer-Encoding", "chunked"), H("Content-Length", "3")};
	const struct request_header twice[] = {
	    H("Transfer-Encoding", "chunked"),
	    H("Transfer-Encoding", "chunked")};
	struct request_headers out;

	cr_assert_eq(headers(gz, 1, 1, &out), SCIM_E_BAD_REQUEST);
	cr_assert_eq(headers(ok, 1, 1, &out), 0);
	cr_assert_eq(out.has_body, 1);
	cr_assert_eq(headers(both, 2, 1, &out), SCIM_E_BAD_REQUEST);
	cr_assert_eq(headers(twice, 2, 1, &out), SCIM_E_BAD_REQUEST);
}

/* RFC 9112 §6.1: chunked in HTTP/1.0 is faulty framing; §3.2: an
 * HTTP/1.1 request needs Host. */
Test(request, version_rules)
{
	const struct request_header te[] = {
	    H("Host", "x"), H("Transfer-Encoding", "chunked")};
	const struct request_header none[] = {H("Accept", "*/*")};
	const struct request_header host[] = {H("host", "x")};
	struct request_headers out;
	struct scim_err err;

	cr_assert_eq(headers(te, 2, 1, &out), 0);
	cr_assert_eq(
	    request_check_version(&out, 1, 0, &err), SCIM_E_BAD_REQUEST);
	cr_assert_eq(request_check_version(&out, 1, 1, &err), 0);
	cr_assert_eq(headers(none, 1, 0, &out), 0);
	cr_assert_eq(
	    request_check_version(&out, 1, 1, &err), SCIM_E_BAD_REQUEST);
	cr_assert_not_null(strstr(err.detail, "Host"));
	cr_assert_eq(request_check_version(&out, 1, 0, &err), 0);
	cr_assert_eq(headers(host, 1, 0, &out), 0);
	cr_assert_eq(request_check_version(&out, 1, 1, &err), 0);
}

Test(request, header_name_with_whitespace_rejected)
{
	/* What evhttp stores for "Content-Length : 5". */
	const struct request_header sp[] = {H("Content-Length ", "5")};
	const struct request_header tab[] = {H("X\tY", "5")};
	const struct request_header empty[] = {H("", "5")};
	struct request_headers out;

	cr_assert_eq(headers(sp, 1, 1, &out), SCIM_E_BAD_REQUEST);
	cr_assert_eq(headers(tab, 1, 1, &out), SCIM_E_BAD_REQUEST);
	cr_assert_eq(headers(empty, 1, 1, &out), SCIM_E_BAD_REQUEST);
}

Test(request, bad_content_length_and_values_rejected)
{
	const struct request_header neg[] = {H("Content-Length", "-1")};
	const struct request_header sp[] = {H("Content-Length", "1 2")};
	const struct request_header ctl[] = {H("X-A", "a\rb")};
	const struct request_header two_auth[] = {
	    H("Authorization", "a"), H("AUTHORIZATION", "b")};
	const struct request_header two_host[] = {
	    H("Host", "a"), H("Host", "b")};
	struct request_headers out;

	cr_assert_eq(headers(neg, 1, 1, &out), SCIM_E_BAD_REQUEST);
	cr_assert_eq(headers(sp, 1, 1, &out), SCIM_E_BAD_REQUEST);
	cr_assert_eq(headers(ctl, 1, 1, &out), SCIM_E_BAD_REQUEST);
	cr_assert_eq(headers(two_auth, 2, 1, &out), SCIM_E_BAD_REQUEST);
	cr_assert_eq(headers(two_host, 2, 1, &out), SCIM_E_BAD_REQUEST);
}

Test(request, body_on_bodyless_method_rejected)
{
	const struct request_header cl[] = {H("Content-Length", "5")};
	const struct request_header zero[] = {H("Content-Length", "000")};
	struct request_headers out;

	cr_assert_eq(headers(cl, 1, 0, &out), SCIM_E_BAD_REQUEST);
	cr_assert_eq(headers(zero, 1, 0, &out), 0);
	cr_assert_eq(out.has_body, 0);
}

Test(request, content_types)
{
	struct scim_err err;
	static const char *ok[] = {"application/scim+json", "application/json",
	    "Application/SCIM+JSON", "application/scim+json; charset=utf-8",
	    "application/json;charset=\"UTF-8\"",
	    " application/json ; charset=utf-8 ; q=1"};
	static const char *bad[] = {"", "text/plain", "application/xml",
	    "application/json; charset=latin1", "application/jsonx",
	    "application/json; charset", "application/json; =x",
	    "multipart/form-data"};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert_eq(request_check_content_type(str_from(ok[i]), &err),
		    0, "%s", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(request_check_content_type(str_from(bad[i]), &err),
		    SCIM_E_MEDIA_TYPE, "%s", bad[i]);
	cr_assert_eq(
	    request_check_content_type(STR_NULL, &err), SCIM_E_MEDIA_TYPE);
}

Test(request, base_urls)
{
	cr_assert(request_base_url_ok(STR_LIT("https://idm.example.com")));
	cr_assert(request_base_url_ok(STR_LIT("http://10.0.0.1:8080")));
	cr_assert(request_base_url_ok(STR_LIT("http://[::1]:8080")));
	cr_assert(!request_base_url_ok(STR_LIT("https://idm.example.com/")));
	cr_assert(!request_base_url_ok(STR_LIT("https://idm/x")));
	cr_assert(!request_base_url_ok(STR_LIT("ftp://idm")));
	cr_assert(!request_base_url_ok(STR_LIT("https://")));
	cr_assert(!request_base_url_ok(STR_LIT("https://u@idm")));
	cr_assert(!request_base_url_ok(STR_LIT("https://idm?x")));
	cr_assert(!request_base_url_ok(STR_LIT("https://id m")));
}

Test(request, log_path_drops_query_values)
{
	char out[128];

	request_log_path(STR_LIT("/scim/t/v2/Credential"),
	    STR_LIT("filter=secret%20eq%201&count=5&x"), out, sizeof(out));
	cr_assert_str_eq(out, "/scim/t/v2/Credential?filter&count&x");
	request_log_path(STR_LIT("/a\"b"), STR_NULL, out, sizeof(out));
	cr_assert_str_eq(out, "/a\\x22b");
	request_log_path(STR_LIT("/a"), STR_LIT("k\n=v"), out, sizeof(out));
	cr_assert_str_eq(out, "/a?k\\x0a");
	request_log_path(
	    STR_LIT("/aaaaaaaaaaaaaaaa"), STR_LIT("bbbbbbbbbb=1"), out, 12);
	cr_assert_eq(strlen(out), 11);
}

Test(request, listen_addresses)
{
	struct sockaddr_storage ss;
	socklen_t len;

	cr_assert_eq(http_server_parse_listen("127.0.0.1:8080", &ss, &len), 0);
	cr_assert_eq(ss.ss_family, AF_INET);
	cr_assert_eq(http_server_parse_listen("[::1]:0", &ss, &len), 0);
	cr_assert_eq(ss.ss_family, AF_INET6);
	cr_assert_eq(http_server_parse_listen("0.0.0.0:65535", &ss, &len), 0);
	cr_assert_eq(http_server_parse_listen("127.0.0.1", &ss, &len), -1);
	cr_assert_eq(
	    http_server_parse_listen("127.0.0.1:65536", &ss, &len), -1);
	cr_assert_eq(http_server_parse_listen("127.0.0.1:-1", &ss, &len), -1);
	cr_assert_eq(http_server_parse_listen("127.0.0.1:80x", &ss, &len), -1);
	cr_assert_eq(http_server_parse_listen("localhost:80", &ss, &len), -1);
	cr_assert_eq(http_server_parse_listen("::1:80", &ss, &len), -1);
	cr_assert_eq(http_server_parse_listen("[::1]80", &ss, &len), -1);
	cr_assert_eq(http_server_parse_listen(":80", &ss, &len), -1);
}
