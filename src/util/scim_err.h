/*
 * Error codes shared by every layer, and the client-facing detail that
 * travels with them (tmux's `cause`). Functions return 0 or a negative
 * SCIM_E_* code; the layer where a failure happens fills a struct scim_err
 * with a detail a person can act on. Only http/ maps codes to HTTP status
 * and scimType (http/http_error.c, one table).
 *
 * The detail is sent to clients: never put a secret, a token, a raw filter
 * or a stack trace in it (HARDENING.md promise 10).
 */
#ifndef UTIL_SCIM_ERR_H
#define UTIL_SCIM_ERR_H

enum scim_errcode {
	SCIM_E_OK = 0,
	/* 400 with the RFC 7644 §3.12 scimType named in the suffix */
	SCIM_E_INVALID_FILTER = -1,
	SCIM_E_TOO_MANY = -2,
	SCIM_E_UNIQUENESS = -3, /* 409 uniqueness */
	SCIM_E_MUTABILITY = -4,
	SCIM_E_INVALID_SYNTAX = -5,
	SCIM_E_INVALID_PATH = -6,
	SCIM_E_NO_TARGET = -7,
	SCIM_E_INVALID_VALUE = -8,
	SCIM_E_INVALID_VERS = -9,
	SCIM_E_SENSITIVE = -10, /* 403 sensitive */
	/* plain HTTP statuses, no scimType */
	SCIM_E_BAD_REQUEST = -11, /* 400 */
	SCIM_E_UNAUTHORIZED = -12, /* 401 */
	SCIM_E_FORBIDDEN = -13, /* 403 */
	SCIM_E_NOT_FOUND = -14, /* 404 */
	SCIM_E_METHOD = -15, /* 405 */
	SCIM_E_CONFLICT = -16, /* 409 */
	SCIM_E_PRECONDITION = -17, /* 412 */
	SCIM_E_TOO_LARGE = -18, /* 413 */
	SCIM_E_MEDIA_TYPE = -19, /* 415 */
	SCIM_E_RATE_LIMITED = -20, /* 429 */
	SCIM_E_INTERNAL = -21, /* 500 */
	SCIM_E_NOT_IMPLEMENTED = -22, /* 501 */
	SCIM_E_UNAVAILABLE = -23, /* 503 */
	SCIM_E_STORAGE = -24, /* 507 */
	SCIM_E_URI_TOO_LONG = -25, /* 414 */
	SCIM_E_HEADERS_TOO_LARGE = -26, /* 431 */
	SCIM_E_TIMEOUT = -27, /* 408 */
	/* 400 with the RFC 9865 §2.1 scimType named in the suffix */
	SCIM_E_INVALID_CURSOR = -28,
	SCIM_E_EXPIRED_CURSOR = -29,
	SCIM_E_INVALID_COUNT = -30,
};
#define SCIM_E_MIN SCIM_E_INVALID_COUNT

#define SCIM_ERR_DETAIL_MAX 512

struct scim_err {
	int code;
	char detail[SCIM_ERR_DETAIL_MAX];
};

/* Fills err (if not NULL) and returns code, so callers can write
 * `return scim_err_set(err, SCIM_E_INVALID_VALUE, "...", ...);`. */
int scim_err_set(struct scim_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void scim_err_clear(struct scim_err *err);
/* A short fixed name for a code, for logs ("invalidFilter", "notFound"). */
const char *scim_strerror(int code);

#endif
