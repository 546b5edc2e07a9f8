/* Error detail filling and code names; the HTTP mapping lives in http/. */
#include <stdarg.h>
#include <stdio.h>

#include "util/scim_err.h"

int
scim_err_set(struct scim_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return code;
}

void
scim_err_clear(struct scim_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->detail[0] = '\0';
}

const char *
scim_strerror(int code)
{
	static const char *const names[] = {
	    [0] = "ok",
	    [-SCIM_E_INVALID_FILTER] = "invalidFilter",
	    [-SCIM_E_TOO_MANY] = "tooMany",
	    [-SCIM_E_UNIQUENESS] = "uniqueness",
	    [-SCIM_E_MUTABILITY] = "mutability",
	    [-SCIM_E_INVALID_SYNTAX] = "invalidSyntax",
	    [-SCIM_E_INVALID_PATH] = "invalidPath",
	    [-SCIM_E_NO_TARGET] = "noTarget",
	    [-SCIM_E_INVALID_VALUE] = "invalidValue",
	    [-SCIM_E_INVALID_VERS] = "invalidVers",
	    [-SCIM_E_SENSITIVE] = "sensitive",
	    [-SCIM_E_BAD_REQUEST] = "badRequest",
	    [-SCIM_E_UNAUTHORIZED] = "unauthorized",
	    [-SCIM_E_FORBIDDEN] = "forbidden",
	    [-SCIM_E_NOT_FOUND] = "notFound",
	    [-SCIM_E_METHOD] = "methodNotAllowed",
	    [-SCIM_E_CONFLICT] = "conflict",
	    [-SCIM_E_PRECONDITION] = "preconditionFailed",
	    [-SCIM_E_TOO_LARGE] = "payloadTooLarge",
	    [-SCIM_E_MEDIA_TYPE] = "unsupportedMediaType",
	    [-SCIM_E_RATE_LIMITED] = "tooManyRequests",
	    [-SCIM_E_INTERNAL] = "internal",
	    [-SCIM_E_NOT_IMPLEMENTED] = "notImplemented",
	    [-SCIM_E_UNAVAILABLE] = "unavailable",
	    [-SCIM_E_STORAGE] = "insufficientStorage",
	    [-SCIM_E_URI_TOO_LONG] = "uriTooLong",
	    [-SCIM_E_HEADERS_TOO_LARGE] = "headersTooLarge",
	    [-SCIM_E_TIMEOUT] = "requestTimeout",
	    [-SCIM_E_INVALID_CURSOR] = "invalidCursor",
	    [-SCIM_E_EXPIRED_CURSOR] = "expiredCursor",
	    [-SCIM_E_INVALID_COUNT] = "invalidCount",
	};

	if (code > 0 || code < SCIM_E_MIN || names[-code] == NULL)
		return "unknown";
	return names[-code];
}
