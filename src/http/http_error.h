/*
 * THE one table that maps SCIM_E_* codes to an HTTP status and an
 * RFC 7644 §3.12 scimType, and the builder for error replies. No other
 * file decides which status an error gets (STYLE.md §4).
 */
#ifndef HTTP_HTTP_ERROR_H
#define HTTP_HTTP_ERROR_H

#include <event2/http.h>

#include "util/buf.h"

/* The realm sent with 401 (RFC 6750 §3). */
#define HTTP_ERROR_REALM "scimcred"

/* The HTTP status for a SCIM_E_* code; 500 for a code the table lacks. */
int http_error_status(int code);
/* The RFC 7644 §3.12 scimType for code, or NULL when the code has none. */
const char *http_error_scim_type(int code);
/* A fixed detail for code, used when the failing layer gave none. */
const char *http_error_default_detail(int code);
/* The reason phrase for an HTTP status ("Not Found"); "Unknown" if none. */
const char *http_error_reason(int status);
/* 1 if every code from SCIM_E_MIN to -1 has a table entry. */
int http_error_table_complete(void);

/*
 * Builds the reply for an error: appends the RFC 7644 §3.12 JSON body to
 * body and adds the headers the status needs to out_headers
 * (Content-Type application/scim+json; WWW-Authenticate on 401; Allow on
 * 405 when allow is not NULL; Retry-After on 429 and 503; Connection:
 * close when close_conn is set). detail may be NULL or empty: the table's
 * default detail is used then. Returns the HTTP status.
 */
int http_error_prepare(int code, const char *detail, const char *allow,
    int close_conn, struct evkeyvalq *out_headers, struct buf *body);

#endif
