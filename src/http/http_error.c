/*
 * SCIM_E_* -> HTTP status and scimType, in one table. The scimType values
 * are exactly those of RFC 7644 §3.12 Table 9; every other error carries
 * no scimType. Error bodies come from scim_error_body() so they always
 * have the Error schema and "status" as a string.
 */
#include <stddef.h>

#include <event2/keyvalq_struct.h>

#include "http/http_error.h"
#include "scim/scim.h"
#include "util/scim_err.h"

struct http_error_entry {
	int status;
	const char *scim_type;
	const char *detail;
};

#define E(c) [-(c)]
static const struct http_error_entry error_table[-SCIM_E_MIN + 1] = {
    E(SCIM_E_INVALID_FILTER) = {400, "invalidFilter",
	"the filter is not valid"},
    E(SCIM_E_TOO_MANY) = {400, "tooMany", "too many results"},
    E(SCIM_E_UNIQUENESS) = {409, "uniqueness",
	"a unique attribute value is already in use"},
    E(SCIM_E_MUTABILITY) = {400, "mutability",
	"the attribute cannot be modified"},
    E(SCIM_E_INVALID_SYNTAX) = {400, "invalidSyntax",
	"the request body is not valid"},
    E(SCIM_E_INVALID_PATH) = {400, "invalidPath", "the path is not valid"},
    E(SCIM_E_NO_TARGET) = {400, "noTarget", "the path matched no attribute"},
    E(SCIM_E_INVALID_VALUE) = {400, "invalidValue",
	"a value is missing or not valid"},
    E(SCIM_E_INVALID_VERS) = {400, "invalidVers",
	"the protocol version is not supported"},
    E(SCIM_E_SENSITIVE) = {403, "sensitive",
	"sensitive information must not be sent in the URI"},
    E(SCIM_E_BAD_REQUEST) = {400, NULL, "bad request"},
    E(SCIM_E_UNAUTHORIZED) = {401, NULL, "authentication required"},
    E(SCIM_E_FORBIDDEN) = {403, NULL, "permission denied"},
    E(SCIM_E_NOT_FOUND) = {404, NULL, "not found"},
    E(SCIM_E_METHOD) = {405, NULL, "method not allowed"},
    E(SCIM_E_CONFLICT) = {409, NULL, "conflict"},
    E(SCIM_E_PRECONDITION) = {412, NULL, "the resource version does not match"},
    E(SCIM_E_TOO_LARGE) = {413, NULL, "the request body is too large"},
    E(SCIM_E_MEDIA_TYPE) = {415, NULL,
	"the body must be application/scim+json"},
    E(SCIM_E_RATE_LIMITED) = {429, NULL, "too many requests"},
    E(SCIM_E_INTERNAL) = {500, NULL, "internal error"},
    E(SCIM_E_NOT_IMPLEMENTED) = {501, NULL, "not implemented"},
    E(SCIM_E_UNAVAILABLE) = {503, NULL, "service unavailable"},
    E(SCIM_E_STORAGE) = {507, NULL, "insufficient storage"},
    E(SCIM_E_URI_TOO_LONG) = {414, NULL, "the request URI is too long"},
    E(SCIM_E_HEADERS_TOO_LARGE) = {431, NULL,
	"the request headers are too large"},
    E(SCIM_E_TIMEOUT) = {408, NULL, "the request took too long"},
    /* RFC 9865 §2.1 adds these to Table 9 */
    E(SCIM_E_INVALID_CURSOR) = {400, "invalidCursor",
	"the cursor is not valid"},
    E(SCIM_E_EXPIRED_CURSOR) = {400, "expiredCursor", "the cursor has expired"},
    E(SCIM_E_INVALID_COUNT) = {400, "invalidCount", "the count is not valid"},
};
#undef E

static const struct http_error_entry *
entry(int code)
{
	if (code >= 0 || code < SCIM_E_MIN || error_table[-code].status == 0)
		return NULL;
	return &error_table[-code];
}

int
http_error_status(int code)
{
	const struct http_error_entry *e = entry(code);

	return e != NULL ? e->status : 500;
}

const char *
http_error_scim_type(int code)
{
	const struct http_error_entry *e = entry(code);

	return e != NULL ? e->scim_type : NULL;
}

const char *
http_error_default_detail(int code)
{
	const struct http_error_entry *e = entry(code);

	return e != NULL ? e->detail : "internal error";
}

int
http_error_table_complete(void)
{
	int code;

	for (code = -1; code >= SCIM_E_MIN; code--)
		if (entry(code) == NULL)
			return 0;
	return 1;
}

const char *
http_error_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 409:
		return "Conflict";
	case 412:
		return "Precondition Failed";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 415:
		return "Unsupported Media Type";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 507:
		return "Insufficient Storage";
	default:
		return "Unknown";
	}
}

int
http_error_prepare(int code, const char *detail, const char *allow,
    int close_conn, struct evkeyvalq *out_headers, struct buf *body)
{
	int status = http_error_status(code);

	if (detail == NULL || detail[0] == '\0')
		detail = http_error_default_detail(code);
	scim_error_body(body, status, http_error_scim_type(code), detail);
	evhttp_add_header(out_headers, "Content-Type", SCIM_MEDIA_TYPE);
	if (status == 401)
		evhttp_add_header(out_headers, "WWW-Authenticate",
		    "Bearer realm=\"" HTTP_ERROR_REALM "\"");
	if (status == 405 && allow != NULL)
		evhttp_add_header(out_headers, "Allow", allow);
	/* RFC 6585 §4 and RFC 9110 §15.6.4: tell the client when to retry. */
	if ((status == 429 || status == 503) &&
	    evhttp_find_header(out_headers, "Retry-After") == NULL)
		evhttp_add_header(out_headers, "Retry-After", "1");
	if (close_conn)
		evhttp_add_header(out_headers, "Connection", "close");
	return status;
}
