/*
 * Request-target, path, query and header checks (see request.h for the
 * rules and why). Everything here is a pure function of its input bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "auth/tenant.h"
#include "http/request.h"
#include "util/log.h"

static int
is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* 1 if every '%' in s starts a %XX escape: evhttp_uridecode would pass a
 * malformed escape through unchanged, and we refuse to guess. */
static int
escapes_ok(struct str s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		if (s.ptr[i] != '%')
			continue;
		if (i + 2 >= s.len)
			return 0;
		if (!is_hex(s.ptr[i + 1]) || !is_hex(s.ptr[i + 2]))
			return 0;
		i += 2;
	}
	return 1;
}

/*
 * Decodes raw once into an arena copy. Returns 0, or -1 for a malformed
 * escape or an encoded NUL (the decoded length then differs from the
 * length strlen sees).
 */
static int
decode_once(struct arena *a, struct str raw, int plus, struct str *out)
{
	char *in, *dec = NULL;
	size_t n;
	int rc = -1;

	if (!escapes_ok(raw))
		return -1;
	/* Nothing to decode (the usual path segment): the copy is the
	 * answer, without evhttp_uridecode's malloc and free. A NUL is left
	 * to the slow path, which stops at it as before. */
	for (n = 0; n < raw.len; n++)
		if (raw.ptr[n] == '%' || raw.ptr[n] == '\0' ||
		    (plus && raw.ptr[n] == '+'))
			break;
	if (n == raw.len) {
		*out = str_make(arena_strndup(a, raw.ptr, raw.len), raw.len);
		rc = 0;
		goto out;
	}
	n = 0;
	in = arena_strndup(a, raw.ptr, raw.len);
	dec = evhttp_uridecode(in, plus, &n);
	if (dec == NULL)
		goto out;
	if (strlen(dec) != n)
		goto out;
	*out = str_make(arena_memdup(a, dec, n + 1), n);
	rc = 0;
out:
	free(dec);
	return rc;
}

int
request_split_target(struct str target, struct str *path, struct str *query,
    struct scim_err *err)
{
	size_t i;

	if (target.len > REQUEST_MAX_URI)
		return scim_err_set(err, SCIM_E_URI_TOO_LONG,
		    "the request URI is longer than %d bytes", REQUEST_MAX_URI);
	*path = target;
	*query = STR_NULL;
	for (i = 0; i < target.len; i++) {
		unsigned char c = (unsigned char)target.ptr[i];
		if (is_ctl(c) || c == '#' || c == ' ')
			return scim_err_set(
			    err, SCIM_E_BAD_REQUEST, "malformed request URI");
		if (c == '?' && query->ptr == NULL) {
			*path = str_make(target.ptr, i);
			*query =
			    str_make(target.ptr + i + 1, target.len - i - 1);
		}
	}
	return 0;
}

/* Decodes and checks one raw path segment. */
static int
path_segment(
    struct arena *a, struct str raw, struct str *out, struct scim_err *err)
{
	size_t i;

	if (raw.len == 0)
		return scim_err_set(err, SCIM_E_NOT_FOUND,
		    "no resource at this path (empty path segment)");
	/* An escape is 3 bytes for 1: bound the work before decoding. */
	if (raw.len > 3 * REQUEST_MAX_SEGMENT)
		return scim_err_set(err, SCIM_E_NOT_FOUND,
		    "no resource at this path (segment too long)");
	if (decode_once(a, raw, 0, out) != 0)
		return scim_err_set(err, SCIM_E_BAD_REQUEST,
		    "malformed path: bad percent-encoding or encoded NUL");
	if (out->len > REQUEST_MAX_SEGMENT)
		return scim_err_set(err, SCIM_E_NOT_FOUND,
		    "no resource at this path (segment too long)");
	if (str_eq_cstr(*out, ".") || str_eq_cstr(*out, ".."))
		return scim_err_set(
		    err, SCIM_E_BAD_REQUEST, "malformed path: dot segment");
	for (i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->ptr[i];
		if (c == '/' || is_ctl(c))
			return scim_err_set(err, SCIM_E_BAD_REQUEST,
			    "malformed path: encoded '/' or control byte");
	}
	return 0;
}

int
request_parse_path(struct arena *a, struct str raw, struct request_path *out,
    struct scim_err *err)
{
	struct str seg;
	size_t start, i, idx = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (raw.len == 0 || raw.ptr[0] != '/')
		return scim_err_set(
		    err, SCIM_E_NOT_FOUND, "no resource at this path");
	/* Split first, decode each piece second: "%2F" never splits. */
	start = 1;
	for (i = 1; i <= raw.len; i++) {
		if (i < raw.len && raw.ptr[i] != '/')
			continue;
		if (idx >= 3 + REQUEST_MAX_SEGS)
			return scim_err_set(
			    err, SCIM_E_NOT_FOUND, "no resource at this path");
		rc = path_segment(
		    a, str_make(raw.ptr + start, i - start), &seg, err);
		if (rc != 0)
			return rc;
		if ((idx == 0 && !str_eq_cstr(seg, "scim")) ||
		    (idx == 2 && !str_eq_cstr(seg, "v2")))
			return scim_err_set(err, SCIM_E_NOT_FOUND,
			    "no resource at this path; SCIM endpoints are "
			    "under /scim/{tenant}/v2/");
		if (idx == 1 && !tenant_name_ok(seg))
			return scim_err_set(
			    err, SCIM_E_NOT_FOUND, "no such tenant");
		if (idx == 1)
			out->tenant = seg;
		else if (idx >= 3)
			out->segs[out->nsegs++] = seg;
		idx++;
		start = i + 1;
	}
	if (idx < 3)
		return scim_err_set(err, SCIM_E_NOT_FOUND,
		    "no resource at this path; SCIM endpoints are under "
		    "/scim/{tenant}/v2/");
	return 0;
}

static int
query_piece(struct arena *a, struct str piece, struct scim_param *p,
    struct scim_err *err)
{
	const char *eq = memchr(piece.ptr, '=', piece.len);
	struct str name = piece, value = STR_NULL;

	if (eq != NULL) {
		name = str_make(piece.ptr, (size_t)(eq - piece.ptr));
		value = str_make(eq + 1, piece.len - name.len - 1);
	}
	if (name.len == 0)
		return scim_err_set(err, SCIM_E_BAD_REQUEST,
		    "malformed query: empty parameter name");
	if (decode_once(a, name, 1, &p->name) != 0 ||
	    decode_once(a, value, 1, &p->value) != 0)
		return scim_err_set(err, SCIM_E_BAD_REQUEST,
		    "malformed query: bad percent-encoding or encoded NUL");
	return 0;
}

/* The RFC 7644 §3.4.2 list parameters and RFC 9865's cursor, compared
 * case-insensitively. */
static const struct str scim_query_names[] = {
    STR_LIT("filter"),
    STR_LIT("sortBy"),
    STR_LIT("sortOrder"),
    STR_LIT("startIndex"),
    STR_LIT("count"),
    STR_LIT("attributes"),
    STR_LIT("excludedAttributes"),
    STR_LIT("cursor"),
};

/*
 * A SCIM parameter given twice ("?filter=a&filter=b") is refused: we
 * would act on the first while a proxy or WAF in front may judge the
 * last, so the two would not agree on what the request asks.
 */
static int
query_duplicates(const struct scim_param *p, size_t n, struct scim_err *err)
{
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		for (k = 0;
		     k < sizeof(scim_query_names) / sizeof(scim_query_names[0]);
		     k++)
			if (str_caseeq(p[i].name, scim_query_names[k]))
				break;
		if (k == sizeof(scim_query_names) / sizeof(scim_query_names[0]))
			continue;
		for (j = 0; j < i; j++)
			if (str_caseeq(p[j].name, p[i].name))
				return scim_err_set(err, SCIM_E_INVALID_VALUE,
				    "query parameter \"%.*s\" given more than "
				    "once",
				    STR_FMT(scim_query_names[k]));
	}
	return 0;
}

int
request_parse_query(struct arena *a, struct str raw, struct scim_param **out,
    size_t *nout, struct scim_err *err)
{
	struct scim_param *params;
	size_t start = 0, i, n = 0;
	int rc;

	*out = NULL;
	*nout = 0;
	if (raw.len == 0)
		return 0;
	params = arena_allocarray(a, REQUEST_MAX_PARAMS, sizeof(*params));
	for (i = 0; i <= raw.len; i++) {
		if (i < raw.len && raw.ptr[i] != '&')
			continue;
		if (i > start) {
			if (n == REQUEST_MAX_PARAMS)
				return scim_err_set(err, SCIM_E_BAD_REQUEST,
				    "more than %d query parameters",
				    REQUEST_MAX_PARAMS);
			rc =
			    query_piece(a, str_make(raw.ptr + start, i - start),
				&params[n], err);
			if (rc != 0)
				return rc;
			n++;
		}
		start = i + 1;
	}
	rc = query_duplicates(params, n, err);
	if (rc != 0)
		return rc;
	*out = params;
	*nout = n;
	return 0;
}

/* RFC 9110 §5.6.2 tchar. */
static int
is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
token_ok(struct str s)
{
	size_t i;

	if (s.len == 0)
		return 0;
	for (i = 0; i < s.len; i++)
		if (!is_tchar((unsigned char)s.ptr[i]))
			return 0;
	return 1;
}

static int
digits_ok(struct str s)
{
	size_t i;

	if (s.len == 0 || s.len > 18)
		return 0;
	for (i = 0; i < s.len; i++)
		if (s.ptr[i] < '0' || s.ptr[i] > '9')
			return 0;
	return 1;
}

/* Headers we read, each allowed at most once. */
enum hdr {
	HDR_TE,
	HDR_CL,
	HDR_HOST,
	HDR_AUTH,
	HDR_CT,
	HDR_IF_MATCH,
	HDR_IF_NONE_MATCH,
	HDR_COUNT
};

/* Views, so that matching every header of every request against these
 * compares lengths before bytes and never calls strlen. */
static const struct str hdr_names[HDR_COUNT] = {
    [HDR_TE] = STR_LIT("Transfer-Encoding"),
    [HDR_CL] = STR_LIT("Content-Length"),
    [HDR_HOST] = STR_LIT("Host"),
    [HDR_AUTH] = STR_LIT("Authorization"),
    [HDR_CT] = STR_LIT("Content-Type"),
    [HDR_IF_MATCH] = STR_LIT("If-Match"),
    [HDR_IF_NONE_MATCH] = STR_LIT("If-None-Match"),
};

static int
bad_header(struct scim_err *err, const char *what)
{
	return scim_err_set(
	    err, SCIM_E_BAD_REQUEST, "malformed headers: %s", what);
}

int
request_check_headers(const struct request_header *h, size_t n,
    int body_allowed, struct request_headers *out, struct scim_err *err)
{
	struct str seen[HDR_COUNT];
	size_t i, j;
	int k;

	memset(out, 0, sizeof(*out));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		if (!token_ok(h[i].name))
			return bad_header(err, "invalid header name");
		for (j = 0; j < h[i].value.len; j++) {
			unsigned char c = (unsigned char)h[i].value.ptr[j];
			if (is_ctl(c) && c != '\t')
				return bad_header(
				    err, "control byte in a header value");
		}
		for (k = 0; k < HDR_COUNT; k++) {
			if (!str_caseeq(h[i].name, hdr_names[k]))
				continue;
			if (seen[k].ptr != NULL)
				return scim_err_set(err, SCIM_E_BAD_REQUEST,
				    "malformed headers: %.*s sent twice",
				    STR_FMT(hdr_names[k]));
			seen[k] = h[i].value;
		}
	}
	if (seen[HDR_TE].ptr != NULL &&
	    !str_caseeq_cstr(seen[HDR_TE], "chunked"))
		return bad_header(
		    err, "Transfer-Encoding other than \"chunked\"");
	if (seen[HDR_CL].ptr != NULL && !digits_ok(seen[HDR_CL]))
		return bad_header(err, "Content-Length is not a number");
	if (seen[HDR_TE].ptr != NULL && seen[HDR_CL].ptr != NULL)
		return bad_header(
		    err, "both Transfer-Encoding and Content-Length");
	out->has_body = seen[HDR_TE].ptr != NULL;
	for (i = 0; i < seen[HDR_CL].len; i++)
		if (seen[HDR_CL].ptr[i] != '0')
			out->has_body = 1;
	if (out->has_body && !body_allowed)
		return bad_header(
		    err, "a body is not allowed with this method");
	out->chunked = seen[HDR_TE].ptr != NULL;
	out->has_host = seen[HDR_HOST].ptr != NULL;
	out->authorization = seen[HDR_AUTH];
	out->content_type = seen[HDR_CT];
	out->if_match = seen[HDR_IF_MATCH];
	out->if_none_match = seen[HDR_IF_NONE_MATCH];
	return 0;
}

int
request_check_version(
    const struct request_headers *h, int major, int minor, struct scim_err *err)
{
	int v11 = major > 1 || (major == 1 && minor >= 1);

	/* RFC 9112 §6.1: chunked framing in an HTTP/1.0 message can't be
	 * trusted (1.0 has no chunked coding; an intermediary may read the
	 * body differently), so it is a framing fault. */
	if (h->chunked && !v11)
		return bad_header(
		    err, "Transfer-Encoding in an HTTP/1.0 request");
	/* RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400. */
	if (v11 && !h->has_host)
		return bad_header(err, "no Host header in an HTTP/1.1 request");
	return 0;
}

static struct str
trim(struct str s)
{
	while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t'))
		s.ptr++, s.len--;
	while (
	    s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
		s.len--;
	return s;
}

/* Checks one "name=value" media-type parameter: a charset must be UTF-8. */
static int
param_ok(struct str p)
{
	const char *eq = memchr(p.ptr, '=', p.len);
	struct str name, value;

	if (eq == NULL)
		return 0;
	name = trim(str_make(p.ptr, (size_t)(eq - p.ptr)));
	value = trim(str_make(eq + 1, p.len - (size_t)(eq - p.ptr) - 1));
	if (!token_ok(name) || value.len == 0)
		return 0;
	if (value.len >= 2 && value.ptr[0] == '"' &&
	    value.ptr[value.len - 1] == '"')
		value = str_make(value.ptr + 1, value.len - 2);
	if (str_caseeq_cstr(name, "charset"))
		return str_caseeq_cstr(value, "utf-8") ||
		    str_caseeq_cstr(value, "utf8");
	return 1;
}

int
request_check_content_type(struct str ct, struct scim_err *err)
{
	const char *semi;
	struct str type, rest;
	size_t len;

	semi = ct.ptr != NULL ? memchr(ct.ptr, ';', ct.len) : NULL;
	len = semi != NULL ? (size_t)(semi - ct.ptr) : ct.len;
	type = trim(str_make(ct.ptr, len));
	if (!str_caseeq_cstr(type, SCIM_MEDIA_TYPE) &&
	    !str_caseeq_cstr(type, "application/json"))
		goto bad;
	rest = semi != NULL ? str_make(semi + 1, ct.len - len - 1) : STR_NULL;
	while (rest.len > 0) {
		const char *next = memchr(rest.ptr, ';', rest.len);
		size_t plen =
		    next != NULL ? (size_t)(next - rest.ptr) : rest.len;
		if (!param_ok(str_make(rest.ptr, plen)))
			goto bad;
		rest = next != NULL ? str_make(next + 1, rest.len - plen - 1)
				    : STR_NULL;
	}
	return 0;
bad:
	return scim_err_set(err, SCIM_E_MEDIA_TYPE,
	    "the body must be application/scim+json (or application/json) "
	    "in UTF-8");
}

int
request_base_url_ok(struct str url)
{
	struct str host;
	size_t i, skip;

	if (str_has_prefix(url, STR_LIT("http://")))
		skip = 7;
	else if (str_has_prefix(url, STR_LIT("https://")))
		skip = 8;
	else
		return 0;
	host = str_make(url.ptr + skip, url.len - skip);
	if (host.len == 0 || host.len > 255 || host.ptr[0] == ':')
		return 0;
	for (i = 0; i < host.len; i++) {
		unsigned char c = (unsigned char)host.ptr[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == ':' || c == '[' || c == ']')
			continue;
		return 0;
	}
	return 1;
}

void
request_log_path(struct str path, struct str query, char *out, size_t outsz)
{
	size_t o, start = 0, i;
	int first = 1;

	o = log_escape(out, outsz, path.ptr, path.len);
	if (query.ptr == NULL)
		return;
	for (i = 0; i <= query.len && o + 2 < outsz; i++) {
		const char *eq;
		size_t plen;
		if (i < query.len && query.ptr[i] != '&')
			continue;
		plen = i - start;
		if (plen > 0) {
			eq = memchr(query.ptr + start, '=', plen);
			if (eq != NULL)
				plen = (size_t)(eq - (query.ptr + start));
			out[o++] = first ? '?' : '&';
			out[o] = '\0';
			first = 0;
			o += log_escape(
			    out + o, outsz - o, query.ptr + start, plen);
		}
		start = i + 1;
	}
	if (first && o + 1 < outsz) {
		out[o++] = '?';
		out[o] = '\0';
	}
}
