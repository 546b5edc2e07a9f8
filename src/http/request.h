/*
 * Turning the parts of an HTTP request into the pieces of a struct
 * scim_request, as pure functions over bytes so they are tested without
 * sockets (server.c only moves data between libevent and these).
 *
 * Paths (HARDENING.md "%00 in a path"): the raw path is split on '/'
 * first, then each segment is percent-decoded exactly once; the decoded
 * length is compared with strlen so an encoded NUL can't hide a suffix.
 *
 * Query strings: name=value pairs separated by '&'. Both halves are
 * percent-decoded once, and '+' decodes to a space, as in the HTML form
 * encoding most HTTP clients use for query strings; a literal '+' (for
 * example in a date offset inside a filter) must be sent as %2B.
 *
 * Status choices: a path that cannot name anything here (not under
 * /scim/{tenant}/v2/, an empty segment such as a double or trailing
 * slash, a tenant name that fails tenant_name_ok, an over-long segment)
 * is 404; a path that is malformed (bad %-escape, an encoded NUL or '/',
 * a control byte, a "." or ".." segment) is 400; a request-target over
 * REQUEST_MAX_URI bytes is 414.
 */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stddef.h>

#include "scim/scim.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define REQUEST_MAX_URI 8192 /* bytes in the request-target */
#define REQUEST_MAX_PARAMS 64 /* query parameters */
#define REQUEST_MAX_SEGS 4 /* segments after /scim/{tenant}/v2/ */
#define REQUEST_MAX_SEGMENT 256 /* decoded bytes in one path segment */

/* A request path below /scim/{tenant}/v2/, decoded; arena-owned. */
struct request_path {
	struct str tenant;
	struct str segs[REQUEST_MAX_SEGS];
	size_t nsegs;
};

/*
 * Splits a raw request-target (as sent on the request line) into its path
 * and query (without the '?'; STR_NULL when there is none). Nothing is
 * copied: the views point into target. SCIM_E_URI_TOO_LONG past
 * REQUEST_MAX_URI bytes; SCIM_E_BAD_REQUEST for a fragment ('#') or a
 * control byte.
 */
int request_split_target(struct str target, struct str *path, struct str *query,
    struct scim_err *err);

/* Parses a raw path as described above; segments are arena copies. */
int request_parse_path(struct arena *a, struct str raw,
    struct request_path *out, struct scim_err *err);

/*
 * Parses a raw query into an arena array of at most REQUEST_MAX_PARAMS
 * parameters, in order; empty pieces ("a=1&&b=2") are skipped. A piece
 * without '=' has an empty value. SCIM_E_BAD_REQUEST for an empty name, a
 * bad %-escape, an encoded NUL or too many parameters; SCIM_E_INVALID_VALUE
 * when one of the RFC 7644 §3.4.2 parameters (filter, sortBy, sortOrder,
 * startIndex, count, attributes, excludedAttributes; names compared
 * case-insensitively) appears more than once.
 */
int request_parse_query(struct arena *a, struct str raw,
    struct scim_param **out, size_t *nout, struct scim_err *err);

/* One request header as received (name and value as evhttp stored them). */
struct request_header {
	struct str name;
	struct str value;
};

/* The headers scimcred uses, borrowed from the request_header array. */
struct request_headers {
	struct str authorization;
	struct str content_type;
	struct str if_match;
	struct str if_none_match;
	int has_body; /* Content-Length > 0 or Transfer-Encoding: chunked */
	int chunked; /* Transfer-Encoding: chunked was sent */
	int has_host; /* a Host header was sent */
};

/*
 * Checks the headers for the framing tricks evhttp accepts (HARDENING.md):
 * a header name that is not an RFC 9110 token (such as "Content-Length "
 * with whitespace before the colon), a control byte in a value, a
 * Transfer-Encoding other than exactly "chunked" (case-insensitive), two
 * Transfer-Encoding or Content-Length headers, a Content-Length that is
 * not all digits, both headers at once, or two of any header we use.
 * When body_allowed is 0 (GET, HEAD, DELETE, ...) an announced body is
 * refused too. Every failure is SCIM_E_BAD_REQUEST and the connection must
 * be closed after the reply, since the message framing can't be trusted.
 */
int request_check_headers(const struct request_header *h, size_t n,
    int body_allowed, struct request_headers *out, struct scim_err *err);

/*
 * Checks headers already passed by request_check_headers against the
 * request's HTTP version: chunked framing in HTTP/1.0 (RFC 9112 §6.1) and
 * an HTTP/1.1 request without Host (§3.2) are SCIM_E_BAD_REQUEST, and the
 * connection must be closed after the reply.
 */
int request_check_version(const struct request_headers *h, int major, int minor,
    struct scim_err *err);

/*
 * 0 if ct names application/scim+json or application/json (RFC 7644
 * §3.1, §8.1), case-insensitively, with optional parameters of which a
 * charset must be UTF-8; SCIM_E_MEDIA_TYPE otherwise.
 */
int request_check_content_type(struct str ct, struct scim_err *err);

/*
 * 1 if url can serve as the base URL: "http://" or "https://", a host,
 * an optional port, and nothing else (no path, query, fragment, userinfo,
 * whitespace or control bytes).
 */
int request_base_url_ok(struct str url);

/*
 * Writes the path for the access log into out: the raw path, then for a
 * query only the parameter names ("?filter&count"), never the values,
 * escaped with log_escape. Always NUL-terminates; truncates to outsz.
 */
void request_log_path(
    struct str path, struct str query, char *out, size_t outsz);

#endif
