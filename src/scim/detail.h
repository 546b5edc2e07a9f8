/*
 * Client text quoted in error details. Details go back to the client
 * (RFC 7644 §3.12), so quoted names and values are bounded and cut on a
 * UTF-8 character boundary; scim_error_body() still cleans what it
 * writes.
 */
#ifndef SCIM_DETAIL_H
#define SCIM_DETAIL_H

#include "util/str.h"

#define DETAIL_QUOTE_MAX 64 /* bytes of client text in one detail */

/* s cut to at most DETAIL_QUOTE_MAX bytes (a view into s). */
struct str detail_quote(struct str s);

#endif
