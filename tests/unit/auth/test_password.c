/*
 * Password hashing (auth/password.c): the self-describing scrypt form,
 * salting, verification against the stored cost, bounds, and refusal of
 * damaged or foreign hashes. Most tests use a small cost to stay fast;
 * one uses the default.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "auth/password.h"

static const struct password_cost fast = {10, 1, 1};

static void
hash(const char *pw, const struct password_cost *c, char out[PASSWORD_HASH_MAX])
{
	struct scim_err err = {0};

	cr_assert_eq(
	    password_hash(str_from(pw), c, out, &err), 0, "%s", err.detail);
}

Test(password, default_cost_round_trip)
{
	char h[PASSWORD_HASH_MAX];

	hash("correct horse battery staple", NULL, h);
	cr_expect(strncmp(h, "$scrypt$ln=15,r=8,p=1$", 22) == 0, "%s", h);
	cr_expect(password_is_hash(str_from(h)));
	cr_expect_eq(password_verify(
			 STR_LIT("correct horse battery staple"), str_from(h)),
	    1);
	cr_expect_eq(password_verify(
			 STR_LIT("correct horse battery stapler"), str_from(h)),
	    0);
}

Test(password, form_and_salting)
{
	char a[PASSWORD_HASH_MAX], b[PASSWORD_HASH_MAX];
	unsigned ln, r, p;
	char salt[64], key[64];

	hash("s3cret", &fast, a);
	hash("s3cret", &fast, b);
	cr_expect_str_neq(a, b, "each hash has its own salt");
	cr_assert_eq(sscanf(a, "$scrypt$ln=%u,r=%u,p=%u$%63[^$]$%63s", &ln, &r,
			 &p, salt, key),
	    5, "%s", a);
	cr_expect_eq(ln, 10);
	cr_expect_eq(r, 1);
	cr_expect_eq(p, 1);
	cr_expect_eq(strlen(salt), 22, "16 bytes, unpadded base64");
	cr_expect_eq(strlen(key), 43, "32 bytes, unpadded base64");
	cr_expect(strchr(salt, '=') == NULL && strchr(key, '=') == NULL,
	    "no padding");
	cr_expect_null(strstr(a, "s3cret"), "no cleartext in the hash");
	cr_expect_eq(password_verify(STR_LIT("s3cret"), str_from(a)), 1);
	cr_expect_eq(password_verify(STR_LIT("s3cret"), str_from(b)), 1);
	cr_expect_eq(
	    password_verify(STR_LIT("S3cret"), str_from(a)), 0, "case matters");
}

/* Every byte counts, including ones after a NUL-like boundary. */
Test(password, length_and_bytes_matter)
{
	char h[PASSWORD_HASH_MAX];

	hash("abc", &fast, h);
	cr_expect_eq(password_verify(STR_LIT("abc"), str_from(h)), 1);
	cr_expect_eq(password_verify(STR_LIT("ab"), str_from(h)), 0);
	cr_expect_eq(password_verify(STR_LIT("abcd"), str_from(h)), 0);
	cr_expect_eq(password_verify(STR_NULL, str_from(h)), 0);
}

Test(password, bounds)
{
	static char big[PASSWORD_MAX + 2];
	char h[PASSWORD_HASH_MAX];
	struct scim_err err = {0};
	struct password_cost too_big = {21, 8, 1}, no_r = {12, 0, 1};

	memset(big, 'x', PASSWORD_MAX);
	cr_expect_eq(
	    password_hash(str_make(big, PASSWORD_MAX), &fast, h, &err), 0);
	cr_expect_eq(
	    password_verify(str_make(big, PASSWORD_MAX), str_from(h)), 1);
	cr_expect_eq(
	    password_hash(str_make(big, PASSWORD_MAX + 1), &fast, h, &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect_str_eq(h, "");
	cr_expect_eq(
	    password_hash(STR_LIT(""), &fast, h, &err), SCIM_E_INVALID_VALUE);
	cr_expect_eq(password_hash(STR_LIT("x"), &too_big, h, &err),
	    SCIM_E_INVALID_VALUE);
	cr_expect_eq(
	    password_hash(STR_LIT("x"), &no_r, h, &err), SCIM_E_INVALID_VALUE);
	cr_expect_null(strstr(err.detail, "x\""), "no cleartext in details");
}

/* A stored value that is not our form never verifies, and a cost past
 * the bounds is refused before any work. */
Test(password, damaged_and_foreign_hashes_do_not_verify)
{
	char h[PASSWORD_HASH_MAX], bad[PASSWORD_HASH_MAX + 16];
	static const char *const foreign[] = {
	    "",
	    "s3cret",
	    "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
	    "$scrypt$ln=15,r=8,p=1$",
	    "$scrypt$ln=15,r=8,p=1$c2FsdA$",
	    "$scrypt$ln=15,r=8$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
	    "$scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
	    "$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5==",
	    "$scrypt$ln=15,r=8,p=1$c2Fs dHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
	    "$scrypt$ln=-1,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
	};
	size_t i;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		cr_expect_eq(password_is_hash(str_from(foreign[i])), 0, "%s",
		    foreign[i]);
		cr_expect_eq(
		    password_verify(STR_LIT("s3cret"), str_from(foreign[i])), 0,
		    "%s", foreign[i]);
	}
	cr_expect_eq(password_is_hash(STR_LIT("$scrypt$ln=15,r=8,p=1$"
					      "c2FsdHNhbHRzYWx0$"
					      "a2V5a2V5a2V5a2V5a2V5a2V5")),
	    1, "the well-formed base of the cases above");
	hash("s3cret", &fast, h);
	/* Flip one character of the derived key. */
	snprintf(bad, sizeof(bad), "%s", h);
	bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
	cr_expect_eq(password_verify(STR_LIT("s3cret"), str_from(bad)), 0);
	/* Another salt with the same key. */
	snprintf(bad, sizeof(bad), "%s", h);
	i = strlen("$scrypt$ln=10,r=1,p=1$") + 1;
	bad[i] = bad[i] == 'A' ? 'B' : 'A';
	cr_expect_eq(password_verify(STR_LIT("s3cret"), str_from(bad)), 0);
	/* The stored cost is what verification uses. */
	snprintf(bad, sizeof(bad), "%s", h);
	bad[strlen("$scrypt$ln=1")] = '1';
	cr_expect_eq(password_verify(STR_LIT("s3cret"), str_from(bad)), 0);
}
