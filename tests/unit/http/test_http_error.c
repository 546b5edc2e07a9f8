/* SCIM_E_* -> HTTP status/scimType table and error replies (http_error.c). */
#include <string.h>

#include <criterion/criterion.h>
#include <event2/keyvalq_struct.h>

#include "http/http_error.h"
#include "util/scim_err.h"

Test(http_error, every_code_maps_to_an_error_status)
{
	int code;

	cr_assert(http_error_table_complete());
	for (code = -1; code >= SCIM_E_MIN; code--) {
		int st = http_error_status(code);
		cr_assert(st >= 400 && st <= 599, "%s -> %d",
		    scim_strerror(code), st);
		cr_assert_str_neq(http_error_reason(st), "Unknown", "%d", st);
		cr_assert_not_null(http_error_default_detail(code));
	}
}

Test(http_error, rfc7644_scim_types)
{
	static const struct {
		int code;
		int status;
		const char *type;
	} want[] = {
	    {SCIM_E_INVALID_FILTER, 400, "invalidFilter"},
	    {SCIM_E_TOO_MANY, 400, "tooMany"},
	    {SCIM_E_UNIQUENESS, 409, "uniqueness"},
	    {SCIM_E_MUTABILITY, 400, "mutability"},
	    {SCIM_E_INVALID_SYNTAX, 400, "invalidSyntax"},
	    {SCIM_E_INVALID_PATH, 400, "invalidPath"},
	    {SCIM_E_NO_TARGET, 400, "noTarget"},
	    {SCIM_E_INVALID_VALUE, 400, "invalidValue"},
	    {SCIM_E_INVALID_VERS, 400, "invalidVers"},
	    {SCIM_E_SENSITIVE, 403, "sensitive"},
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(http_error_status(want[i].code), want[i].status);
		cr_assert_str_eq(
		    http_error_scim_type(want[i].code), want[i].type);
	}
}

Test(http_error, plain_statuses_have_no_scim_type)
{
	static const struct {
		int code;
		int status;
	} want[] = {
	    {SCIM_E_BAD_REQUEST, 400},
	    {SCIM_E_UNAUTHORIZED, 401},
	    {SCIM_E_FORBIDDEN, 403},
	    {SCIM_E_NOT_FOUND, 404},
	    {SCIM_E_METHOD, 405},
	    {SCIM_E_TIMEOUT, 408},
	    {SCIM_E_CONFLICT, 409},
	    {SCIM_E_PRECONDITION, 412},
	    {SCIM_E_TOO_LARGE, 413},
	    {SCIM_E_URI_TOO_LONG, 414},
	    {SCIM_E_MEDIA_TYPE, 415},
	    {SCIM_E_RATE_LIMITED, 429},
	    {SCIM_E_HEADERS_TOO_LARGE, 431},
	    {SCIM_E_INTERNAL, 500},
	    {SCIM_E_NOT_IMPLEMENTED, 501},
	    {SCIM_E_UNAVAILABLE, 503},
	    {SCIM_E_STORAGE, 507},
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(http_error_status(want[i].code), want[i].status,
		    "%s", scim_strerror(want[i].code));
		cr_assert_null(http_error_scim_type(want[i].code));
	}
}

Test(http_error, unknown_codes_are_500)
{
	cr_assert_eq(http_error_status(SCIM_E_MIN - 1), 500);
	cr_assert_eq(http_error_status(0), 500);
	cr_assert_eq(http_error_status(7), 500);
	cr_assert_null(http_error_scim_type(SCIM_E_MIN - 1));
}

static struct evkeyvalq hdrs;
static struct buf body;

static void
setup(void)
{
	/* keyvalq_struct.h has the TAILQ layout but not TAILQ_INIT. */
	hdrs.tqh_first = NULL;
	hdrs.tqh_last = &hdrs.tqh_first;
	buf_init(&body);
}

static void
teardown(void)
{
	evhttp_clear_headers(&hdrs);
	buf_free(&body);
}

Test(http_error, unauthorized_reply, .init = setup, .fini = teardown)
{
	int st = http_error_prepare(
	    SCIM_E_UNAUTHORIZED, "no token", NULL, 0, &hdrs, &body);

	cr_assert_eq(st, 401);
	cr_assert_str_eq(evhttp_find_header(&hdrs, "WWW-Authenticate"),
	    "Bearer realm=\"scimcred\"");
	cr_assert_str_eq(
	    evhttp_find_header(&hdrs, "Content-Type"), "application/scim+json");
	cr_assert_null(evhttp_find_header(&hdrs, "Connection"));
	cr_assert_not_null(strstr(buf_cstr(&body), "\"status\":\"401\""));
	cr_assert_not_null(strstr(buf_cstr(&body), "no token"));
	cr_assert_not_null(strstr(
	    buf_cstr(&body), "urn:ietf:params:scim:api:messages:2.0:Error"));
}

Test(http_error, method_reply_has_allow_and_close, .init = setup,
    .fini = teardown)
{
	int st = http_error_prepare(
	    SCIM_E_METHOD, NULL, "GET, OPTIONS", 1, &hdrs, &body);

	cr_assert_eq(st, 405);
	cr_assert_str_eq(evhttp_find_header(&hdrs, "Allow"), "GET, OPTIONS");
	cr_assert_str_eq(evhttp_find_header(&hdrs, "Connection"), "close");
	cr_assert_null(evhttp_find_header(&hdrs, "WWW-Authenticate"));
	/* No detail given: the table's default is used. */
	cr_assert_not_null(strstr(buf_cstr(&body), "method not allowed"));
}

Test(http_error, scim_type_in_body, .init = setup, .fini = teardown)
{
	http_error_prepare(SCIM_E_UNIQUENESS, "", NULL, 0, &hdrs, &body);
	cr_assert_not_null(
	    strstr(buf_cstr(&body), "\"scimType\":\"uniqueness\""));
	cr_assert_not_null(strstr(buf_cstr(&body), "\"status\":\"409\""));
}

Test(http_error, retry_after_on_overload, .init = setup, .fini = teardown)
{
	cr_assert_eq(http_error_prepare(
			 SCIM_E_RATE_LIMITED, NULL, NULL, 0, &hdrs, &body),
	    429);
	cr_assert_str_eq(evhttp_find_header(&hdrs, "Retry-After"), "1");
}
