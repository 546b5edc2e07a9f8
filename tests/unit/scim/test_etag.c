/* Weak ETags and the conditional headers (RFC 7644 §3.14, RFC 7232). */
#include <string.h>

#include <criterion/criterion.h>

#include "scim/etag.h"

Test(etag, format_and_parse_round_trip)
{
	char tag[ETAG_MAX];
	uint64_t v = 0;

	cr_expect_eq(etag_format(1, tag), 5);
	cr_expect_str_eq(tag, "W/\"1\"");
	etag_format(UINT64_C(9223372036854775807), tag);
	cr_assert_eq(etag_parse(str_from(tag), &v), 0);
	cr_expect_eq(v, UINT64_C(9223372036854775807));
}

Test(etag, parse_refuses_other_forms)
{
	static const char *const bad[] = {"\"1\"", "W/1", "W/\"\"", "W/\"0\"",
	    "W/\"-1\"", "W/\"1x\"", "w/\"1\"", "W/\"1", ""};
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(
		    etag_parse(str_from(bad[i]), &v), -1, "%s", bad[i]);
}

static int
if_match(const char *h)
{
	struct scim_err err = {0};

	return etag_if_match(str_from(h), STR_LIT("W/\"3\""), &err);
}

Test(etag, if_match_accepts_matching_tags)
{
	cr_expect_eq(if_match(NULL), 0);
	cr_expect_eq(if_match("*"), 0);
	cr_expect_eq(if_match(" * "), 0);
	cr_expect_eq(if_match("W/\"3\""), 0);
	/* weak comparison: the W/ prefix does not matter */
	cr_expect_eq(if_match("\"3\""), 0);
	cr_expect_eq(if_match("W/\"1\", W/\"3\""), 0);
	cr_expect_eq(if_match("W/\"1\",,\t\"3\""), 0);
}

Test(etag, if_match_refuses_stale_tags)
{
	struct scim_err err = {0};

	cr_expect_eq(if_match("W/\"2\""), SCIM_E_PRECONDITION);
	cr_expect_eq(if_match("W/\"1\", \"33\""), SCIM_E_PRECONDITION);
	cr_expect_eq(
	    etag_if_match(STR_LIT("W/\"2\""), STR_LIT("W/\"3\""), &err),
	    SCIM_E_PRECONDITION);
	cr_expect(strstr(err.detail, "W/\"3\"") != NULL, "%s", err.detail);
}

Test(etag, if_match_refuses_malformed_lists)
{
	/* An empty value was sent, so a condition was meant (RFC 9110
	 * §13.1.1): malformed, never "no condition". */
	static const char *const bad[] = {"3", "W/3", "\"3", "\"3\" x",
	    "\"3\"\"4\"", ",", "**", "\"a b\"", "", " "};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(
		    if_match(bad[i]), SCIM_E_BAD_REQUEST, "%s", bad[i]);
}

/* RFC 9110 §13.1.2: on a write, If-None-Match "*" or a current tag
 * means "only if it does not exist / has changed": 412 here. */
Test(etag, if_none_match_on_writes)
{
	struct str cur = STR_LIT("W/\"7\"");
	struct scim_err err = {0};

	cr_expect_eq(etag_if_none_match_write(STR_NULL, cur, &err), 0);
	cr_expect_eq(etag_if_none_match_write(STR_LIT("*"), cur, &err),
	    SCIM_E_PRECONDITION);
	cr_expect_eq(
	    etag_if_none_match_write(STR_LIT("W/\"6\", \"7\""), cur, &err),
	    SCIM_E_PRECONDITION);
	cr_expect_eq(
	    etag_if_none_match_write(STR_LIT("W/\"6\""), cur, &err), 0);
	cr_expect_eq(etag_if_none_match_write(STR_LIT(""), cur, &err),
	    SCIM_E_BAD_REQUEST);
	cr_expect_eq(etag_if_none_match_write(STR_LIT("7"), cur, &err),
	    SCIM_E_BAD_REQUEST);
}

Test(etag, if_none_match)
{
	struct str cur = STR_LIT("W/\"7\"");

	cr_expect_eq(etag_if_none_match(STR_LIT(""), cur), 0);
	cr_expect_eq(etag_if_none_match(STR_LIT("*"), cur), 1);
	cr_expect_eq(etag_if_none_match(STR_LIT("W/\"7\""), cur), 1);
	cr_expect_eq(etag_if_none_match(STR_LIT("\"7\""), cur), 1);
	cr_expect_eq(etag_if_none_match(STR_LIT("W/\"6\""), cur), 0);
	/* malformed: ignored, as if absent */
	cr_expect_eq(etag_if_none_match(STR_LIT("7"), cur), 0);
}
