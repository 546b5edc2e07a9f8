/* The Credential rules on their own: status machine, typed attributes,
 * status.active. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "json/json.h"
#include "scim/credential.h"
#include "scim/credential_attrs.h"
#include "util/date.h"

/* Allowed moves, by the HID table; everything else is refused. */
static const int allowed[CREDENTIAL_NSTATUS][CREDENTIAL_NSTATUS] = {
    /* to:      PEND ACT SUSP REV TERM */
    [CREDENTIAL_PENDING] = {1, 1, 0, 0, 0},
    [CREDENTIAL_ACTIVE] = {0, 1, 1, 1, 0},
    [CREDENTIAL_SUSPENDED] = {0, 1, 1, 1, 0},
    [CREDENTIAL_REVOKED] = {0, 0, 0, 1, 1},
    [CREDENTIAL_TERMINATED] = {0, 0, 0, 0, 1},
};

Test(credential_status, every_pair_follows_the_hid_table)
{
	int f, t;

	for (f = 0; f < CREDENTIAL_NSTATUS; f++)
		for (t = 0; t < CREDENTIAL_NSTATUS; t++)
			cr_expect_eq(credential_status_transition_ok(
					 (enum credential_status)f,
					 (enum credential_status)t),
			    allowed[f][t], "%s -> %s",
			    credential_status_name((enum credential_status)f),
			    credential_status_name((enum credential_status)t));
}

Test(credential_status, every_pair_through_the_client_check)
{
	struct scim_err err;
	int f, t, rc;

	for (f = 0; f < CREDENTIAL_NSTATUS; f++) {
		for (t = 0; t < CREDENTIAL_NSTATUS; t++) {
			memset(&err, 0, sizeof(err));
			rc = credential_status_change(
			    str_from(credential_status_name(f)),
			    str_from(credential_status_name(t)), &err);
			cr_expect_eq(rc, allowed[f][t] ? 0 : SCIM_E_MUTABILITY,
			    "%d -> %d", f, t);
		}
	}
}

Test(credential_status, out_of_range_is_refused)
{
	cr_expect_eq(credential_status_transition_ok(
			 CREDENTIAL_NSTATUS, CREDENTIAL_ACTIVE),
	    0);
	cr_expect_eq(credential_status_transition_ok(
			 CREDENTIAL_ACTIVE, (enum credential_status) - 1),
	    0);
}

Test(credential_status, refusal_names_current_and_allowed_next)
{
	struct scim_err err = {0};

	cr_assert_eq(credential_status_change(
			 STR_LIT("REVOKED"), STR_LIT("ACTIVE"), &err),
	    SCIM_E_MUTABILITY);
	cr_expect_str_eq(err.detail,
	    "cannot change status from REVOKED to ACTIVE; allowed from "
	    "REVOKED: TERMINATED");
	cr_assert_eq(credential_status_change(
			 STR_LIT("TERMINATED"), STR_LIT("ACTIVE"), &err),
	    SCIM_E_MUTABILITY);
	cr_expect(strstr(err.detail, "allowed from TERMINATED: none") != NULL,
	    "%s", err.detail);
	cr_assert_eq(credential_status_change(
			 STR_LIT("ACTIVE"), STR_LIT("PENDING"), &err),
	    SCIM_E_MUTABILITY);
	cr_expect(
	    strstr(err.detail, "SUSPENDED, REVOKED") != NULL, "%s", err.detail);
}

Test(credential_status, unknown_target_lists_valid_ones)
{
	struct scim_err err = {0};

	cr_assert_eq(credential_status_change(
			 STR_LIT("ACTIVE"), STR_LIT("BROKEN"), &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect(
	    strstr(err.detail,
		"PENDING, ACTIVE, SUSPENDED, REVOKED, TERMINATED") != NULL,
	    "%s", err.detail);
}

Test(credential_status, parse_is_case_insensitive)
{
	enum credential_status st;

	cr_assert_eq(credential_status_parse(STR_LIT("suspended"), &st), 0);
	cr_expect_eq(st, CREDENTIAL_SUSPENDED);
	cr_expect_eq(credential_status_parse(STR_LIT("SUSPEND"), &st), -1);
	cr_expect_eq(credential_status_parse(STR_LIT(""), &st), -1);
}

/* ------------------------------------------------- typed attributes */

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

static struct json_value *
parse(const char *text)
{
	struct json_value *v = NULL;
	struct scim_err err = {0};

	cr_assert_eq(
	    json_parse(a, text, strlen(text), &json_limits_default, &v, &err),
	    0, "%s", err.detail);
	return v;
}

static int
norm(struct json_value *e, struct scim_err *err)
{
	memset(err, 0, sizeof(*err));
	return credential_attrs_check_one(a, e, err);
}

static const char *
member(const struct json_value *e, const char *k)
{
	const struct json_value *v = json_object_get_cstr(e, k);

	return v != NULL && v->type == JSON_STRING ? v->u.string.ptr : NULL;
}

TestSuite(credential_attr, .init = setup, .fini = teardown);

/* Without a type the shape check leaves type and readOnly to the
 * credential's CredentialType (credential_attrs_conform). */
Test(credential_attr, type_and_readonly_are_left_to_the_type)
{
	struct json_value *e = parse("{\"name\":\"MY_ATTR0\",\"value\":\"x\"}");
	struct scim_err err;

	cr_assert_eq(norm(e, &err), 0, "%s", err.detail);
	cr_expect_null(json_object_get_cstr(e, "type"));
	cr_expect_null(json_object_get_cstr(e, "readOnly"));
	cr_expect_str_eq(member(e, "value"), "x");
	e = parse("{\"name\":\"N\",\"value\":\"007\",\"readOnly\":null}");
	cr_assert_eq(norm(e, &err), 0, "%s", err.detail);
	cr_expect_str_eq(
	    member(e, "value"), "007", "no type, no canonical form");
	cr_expect_null(json_object_get_cstr(e, "readOnly"));
	cr_expect_eq(norm(parse("{\"name\":\"N\",\"readOnly\":\"yes\"}"), &err),
	    SCIM_E_INVALID_VALUE);
}

Test(credential_attr, type_is_canonicalised)
{
	struct json_value *e =
	    parse("{\"name\":\"N\",\"type\":\"long\",\"value\":\"-12\"}");
	struct scim_err err;

	cr_assert_eq(norm(e, &err), 0, "%s", err.detail);
	cr_expect_str_eq(member(e, "type"), "LONG");
}

struct typed_case {
	const char *type, *value, *canon; /* canon NULL: refused */
};

static const struct typed_case cases[] = {
    {"STRING", "anything at all", "anything at all"},
    {"DATE", "2018-11-21T14:14:59Z", "2018-11-21T14:14:59Z"},
    {"DATE", "2018-11-21T16:14:59+02:00", "2018-11-21T14:14:59Z"},
    {"DATE", "xyz", NULL},
    {"DATE", "2018-02-30T00:00:00Z", NULL},
    {"INT", "2147483647", "2147483647"},
    {"INT", "-2147483648", "-2147483648"},
    {"INT", "2147483648", NULL},
    {"INT", "007", "7"},
    {"INT", "1.5", NULL},
    {"INT", "", NULL},
    {"LONG", "9223372036854775807", "9223372036854775807"},
    {"LONG", "9223372036854775808", NULL},
    {"LONG", "12a", NULL},
    {"BOOLEAN", "TRUE", "true"},
    {"BOOLEAN", "False", "false"},
    {"BOOLEAN", "yes", NULL},
    {"BOOLEAN", "1", NULL},
};

Test(credential_attr, value_must_fit_its_type)
{
	struct scim_err err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		struct json_value *e;
		int rc;

		snprintf(text, sizeof(text),
		    "{\"name\":\"MY_%s\",\"type\":\"%s\",\"value\":\"%s\"}",
		    cases[i].type, cases[i].type, cases[i].value);
		e = parse(text);
		rc = norm(e, &err);
		if (cases[i].canon == NULL) {
			cr_expect_eq(rc, SCIM_E_INVALID_VALUE, "%s %s",
			    cases[i].type, cases[i].value);
			continue;
		}
		cr_expect_eq(rc, 0, "%s %s: %s", cases[i].type, cases[i].value,
		    err.detail);
		cr_expect_str_eq(member(e, "value"), cases[i].canon, "%s %s",
		    cases[i].type, cases[i].value);
	}
}

Test(credential_attr, bad_value_detail_names_the_attribute)
{
	struct json_value *e =
	    parse("{\"name\":\"MY_DATE\",\"type\":\"DATE\",\"value\":\"xyz\"}");
	struct scim_err err;

	cr_assert_eq(norm(e, &err), SCIM_E_INVALID_VALUE);
	cr_expect_str_eq(err.detail,
	    "attributes[name eq \"MY_DATE\"].value: \"xyz\" is not a DATE, "
	    "a date-time such as 2018-11-21T14:14:59Z (invalidDate)");
}

Test(credential_attr, long_values_are_clipped_in_details)
{
	char text[600];
	struct json_value *e;
	struct scim_err err;

	snprintf(text, sizeof(text),
	    "{\"name\":\"N\",\"type\":\"INT\",\"value\":\"%0400d\"}", 1);
	text[sizeof(text) - 1] = '\0';
	e = parse(text);
	cr_assert_eq(norm(e, &err), SCIM_E_INVALID_VALUE);
	/* the 400-digit value is cut to 64 bytes in the detail */
	cr_expect_lt(strlen(err.detail), 200, "%s", err.detail);
	cr_expect_null(strstr(err.detail,
			   "00000000000000000000000000000000000"
			   "00000000000000000000000000000000"),
	    "%s", err.detail);
}

Test(credential_attr, name_is_required_and_type_must_be_known)
{
	struct scim_err err;

	cr_expect_eq(
	    norm(parse("{\"value\":\"x\"}"), &err), SCIM_E_INVALID_VALUE);
	cr_expect_eq(
	    norm(parse("{\"name\":\"\"}"), &err), SCIM_E_INVALID_VALUE);
	cr_expect_eq(norm(parse("{\"name\":\"N\",\"type\":\"FLOAT\"}"), &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect(
	    strstr(err.detail, "STRING, DATE, INT, LONG, BOOLEAN") != NULL,
	    "%s", err.detail);
	cr_expect_eq(norm(parse("{\"name\":\"N\",\"value\":5}"), &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect_eq(norm(parse("[1]"), &err), SCIM_E_INVALID_VALUE);
}

Test(credential_attr, value_may_be_absent)
{
	struct json_value *e = parse("{\"name\":\"N\",\"type\":\"INT\"}");
	struct scim_err err;

	cr_expect_eq(norm(e, &err), 0, "%s", err.detail);
	cr_expect_null(json_object_get_cstr(e, "value"));
}

/* ---------------------------------------------------- status.active */

static int64_t
at(const char *text)
{
	int64_t ms;

	cr_assert_eq(date_parse(str_from(text), &ms), 0, "%s", text);
	return ms;
}

Test(credential_active, needs_active_status_and_the_window, .init = setup,
    .fini = teardown)
{
	struct json_value *r =
	    parse("{\"status\":{\"status\":\"ACTIVE\","
		  "\"startDate\":\"2024-01-01T00:00:00Z\","
		  "\"expiryDate\":\"2024-12-31T00:00:00Z\"}}");

	cr_expect_eq(
	    credential_is_active(r, at("2023-12-31T23:59:59.999Z")), 0);
	cr_expect_eq(credential_is_active(r, at("2024-01-01T00:00:00Z")), 1);
	cr_expect_eq(credential_is_active(r, at("2024-06-01T00:00:00Z")), 1);
	cr_expect_eq(
	    credential_is_active(r, at("2024-12-30T23:59:59.999Z")), 1);
	cr_expect_eq(credential_is_active(r, at("2024-12-31T00:00:00Z")), 0);
}

Test(credential_active, other_statuses_are_never_active, .init = setup,
    .fini = teardown)
{
	static const char *const st[] = {
	    "PENDING", "SUSPENDED", "REVOKED", "TERMINATED"};
	char text[128];
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "{\"status\":{\"status\":\"%s\"}}",
		    st[i]);
		cr_expect_eq(
		    credential_is_active(parse(text), 0), 0, "%s", st[i]);
	}
	cr_expect_eq(credential_is_active(
			 parse("{\"status\":{\"status\":\"ACTIVE\"}}"), 0),
	    1);
	cr_expect_eq(credential_is_active(parse("{}"), 0), 0);
}

Test(credential_active, follows_the_test_clock, .init = setup, .fini = teardown)
{
	struct json_value *r =
	    parse("{\"status\":{\"status\":\"ACTIVE\","
		  "\"expiryDate\":\"2030-01-01T00:00:00Z\"}}");

	date_set_now(at("2029-12-31T23:59:59Z"));
	cr_expect_eq(credential_is_active(r, date_now_ms()), 1);
	date_set_now(at("2030-01-01T00:00:00Z"));
	cr_expect_eq(credential_is_active(r, date_now_ms()), 0);
	date_set_now(0);
}
