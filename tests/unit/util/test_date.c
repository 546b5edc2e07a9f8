/* ISO 8601 parsing and UTC formatting (util/date.c). */
#include <criterion/criterion.h>

#include "util/date.h"

static int64_t
parse_ok(const char *s)
{
	int64_t ms = 0;

	cr_assert_eq(date_parse(str_from(s), &ms), 0, "rejected %s", s);
	return ms;
}

Test(date, four_hid_forms_agree)
{
	int64_t z = parse_ok("2018-11-21T14:14:59Z");

	cr_assert_eq(z, 1542809699000LL);
	cr_assert_eq(parse_ok("2018-11-21T14:14:59.000Z"), z);
	cr_assert_eq(parse_ok("2018-11-21T16:14:59+0200"), z);
	cr_assert_eq(parse_ok("2018-11-21T16:14:59+02:00"), z);
	cr_assert_eq(parse_ok("2018-11-21T12:14:59.000-02:00"), z);
}

Test(date, fraction_kept_to_millisecond)
{
	cr_assert_eq(parse_ok("1970-01-01T00:00:00.5Z"), 500);
	cr_assert_eq(parse_ok("1970-01-01T00:00:00.123456789Z"), 123);
}

Test(date, rejects_malformed)
{
	static const char *bad[] = {
	    "",
	    "2018-11-21",
	    "2018-11-21T14:14:59",
	    "2018-13-01T00:00:00Z",
	    "2018-02-29T00:00:00Z",
	    "2018-11-21T24:00:00Z",
	    "2018-11-21T14:14:60Z",
	    "2018-11-21 14:14:59Z",
	    "2018-11-21T14:14:59.Z",
	    "2018-11-21T14:14:59+2",
	    "notadate",
	    "2018-11-21T14:14:59Zjunk",
	    "2018-11-21T14:14:59+02:0",
	    "2018-11-21T14:14:59.1234567890Z",
	    "0000-01-01T00:00:00Z",
	};
	int64_t ms;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(date_parse(str_from(bad[i]), &ms), -1,
		    "accepted \"%s\"", bad[i]);
}

Test(date, leap_day)
{
	parse_ok("2020-02-29T00:00:00Z");
	parse_ok("2000-02-29T00:00:00Z");
}

Test(date, format_utc)
{
	char out[DATE_BUFSZ];

	date_format(1542809699000LL, out);
	cr_assert_str_eq(out, "2018-11-21T14:14:59Z");
	date_format(1542809699123LL, out);
	cr_assert_str_eq(out, "2018-11-21T14:14:59.123Z");
	date_format(-1, out);
	cr_assert_str_eq(out, "1969-12-31T23:59:59.999Z");
}

Test(date, roundtrip)
{
	char out[DATE_BUFSZ];
	int64_t ms;

	date_format(parse_ok("2099-12-31T23:59:59.999+05:30"), out);
	cr_assert_eq(date_parse(str_from(out), &ms), 0);
	cr_assert_str_eq(out, "2099-12-31T18:29:59.999Z");
}

/* An offset must not carry the UTC instant outside years 1..9999: it
 * could not be written back in a form date_parse accepts. */
Test(date, offset_keeps_the_instant_in_range)
{
	int64_t ms;

	cr_expect_eq(
	    date_parse(str_from("9999-12-31T23:00:00-02:00"), &ms), -1);
	cr_expect_eq(
	    date_parse(str_from("0001-01-01T00:00:00+02:00"), &ms), -1);
	cr_expect_eq(date_parse(str_from("9999-12-31T23:59:59.999Z"), &ms), 0);
	cr_expect_eq(date_parse(str_from("0001-01-01T00:00:00Z"), &ms), 0);
	cr_expect_eq(date_parse(str_from("0001-01-01T02:00:00+02:00"), &ms), 0);
}
