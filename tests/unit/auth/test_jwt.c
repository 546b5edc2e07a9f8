/*
 * The JWT attack suite, part 1: every algorithm verifies, and the header
 * and signature attacks of HARDENING.md and RFC 8725 are refused for the
 * intended reason (each test asserts the jwt_result, so a token refused
 * by accident for something else does not pass).
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "jwt_fixture.h"

static struct jwk_set *set;
static struct jf_key ec;

static void
setup(void)
{
	set = jwk_set_new();
	jf_key_gen(&ec, JWK_ALG_ES256, "ec1");
	jf_set_add(set, &ec);
}

static void
teardown(void)
{
	jwk_set_free(set);
	jf_key_free(&ec);
}

TestSuite(jwt, .init = setup, .fini = teardown);

/* Verifies token against the suite's set and frees it. */
static enum jwt_result
check(char *token)
{
	struct jwt_policy pol = jf_policy(set);
	struct jwt_identity id;
	enum jwt_result r = jf_verify(&pol, token, &id);

	free(token);
	return r;
}

static enum jwt_result
check_header(const char *header)
{
	return check(jf_token(&ec, header, jf_claims(NULL)));
}

static void
expect_ok_alg(enum jwk_alg alg)
{
	struct jf_key k;
	struct jwt_identity id;
	struct jwt_policy pol;
	char *t;

	jf_key_gen(&k, alg, "k-alg");
	jf_set_add(set, &k);
	pol = jf_policy(set);
	t = jf_token(&k, jf_header(&k), jf_claims(NULL));
	cr_assert_eq(jf_verify(&pol, t, &id), JWT_OK, "%s", jwk_alg_name(alg));
	cr_assert_str_eq(id.subject, "user-1");
	cr_assert(perm_set_has(&id.perms, PERM_USER_READ));
	cr_assert_not(perm_set_has(&id.perms, PERM_USER_UPDATE));
	cr_assert_eq(id.self_admin, 0);
	/* One flipped bit in the signature breaks it. */
	t[strlen(t) - 2] = t[strlen(t) - 2] == 'A' ? 'B' : 'A';
	cr_assert_eq(
	    jf_verify(&pol, t, &id), JWT_E_SIGNATURE, "%s", jwk_alg_name(alg));
	free(t);
	jf_key_free(&k);
}

Test(jwt, rs256_ok)
{
	expect_ok_alg(JWK_ALG_RS256);
}

Test(jwt, ps256_ok)
{
	expect_ok_alg(JWK_ALG_PS256);
}

Test(jwt, es256_ok)
{
	expect_ok_alg(JWK_ALG_ES256);
}

Test(jwt, eddsa_ok)
{
	expect_ok_alg(JWK_ALG_EDDSA);
}

Test(jwt, hs256_ok)
{
	expect_ok_alg(JWK_ALG_HS256);
}

Test(jwt, typ_variants)
{
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\"}"), JWT_OK);
	cr_assert_eq(
	    check_header(
		"{\"alg\":\"ES256\",\"kid\":\"ec1\",\"typ\":\"at+jwt\"}"),
	    JWT_OK);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\",\"typ\":\"jwt\"}"),
	    JWT_OK);
	cr_assert_eq(check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\","
				  "\"typ\":\"application/at+JWT\"}"),
	    JWT_OK);
	cr_assert_eq(
	    check_header(
		"{\"alg\":\"ES256\",\"kid\":\"ec1\",\"typ\":\"JOSE\"}"),
	    JWT_E_TYP);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\",\"typ\":1}"),
	    JWT_E_TYP);
}

/* alg none in every spelling, signed or not, with a real kid. */
Test(jwt, alg_none_any_case)
{
	const char *spell[] = {"none", "None", "NONE", "nOnE", "NoNe"};
	char header[128], *h, *c, tok[4096];
	size_t i;

	for (i = 0; i < sizeof(spell) / sizeof(spell[0]); i++) {
		snprintf(header, sizeof(header),
		    "{\"alg\":\"%s\",\"kid\":\"ec1\",\"typ\":\"JWT\"}",
		    spell[i]);
		h = jf_b64s(header);
		c = jf_b64s(jf_claims(NULL));
		snprintf(tok, sizeof(tok), "%s.%s.", h, c);
		cr_assert_eq(check(strdup(tok)), JWT_E_ALG, "%s", spell[i]);
		/* ... and with a signature the key really made. */
		cr_assert_eq(check_header(header), JWT_E_ALG, "%s", spell[i]);
		free(h);
		free(c);
	}
}

Test(jwt, alg_missing_or_unknown)
{
	cr_assert_eq(check_header("{\"kid\":\"ec1\"}"), JWT_E_ALG);
	cr_assert_eq(check_header("{\"alg\":null,\"kid\":\"ec1\"}"), JWT_E_ALG);
	cr_assert_eq(
	    check_header("{\"alg\":\"es256\",\"kid\":\"ec1\"}"), JWT_E_ALG);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES384\",\"kid\":\"ec1\"}"), JWT_E_ALG);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256 \",\"kid\":\"ec1\"}"), JWT_E_ALG);
}

/* The classic confusion: HS256 keyed with the RSA public key's bytes. */
Test(jwt, hs256_with_rsa_public_key)
{
	struct jf_key rsa, fake;
	char *pem, *t;

	jf_key_gen(&rsa, JWK_ALG_RS256, "rsa1");
	jf_set_add(set, &rsa);
	pem = jf_pub_pem(&rsa);
	memset(&fake, 0, sizeof(fake));
	fake.alg = JWK_ALG_HS256;
	snprintf(fake.kid, sizeof(fake.kid), "rsa1");
	fake.secret_len = strlen(pem);
	cr_assert_leq(fake.secret_len, sizeof(fake.secret));
	memcpy(fake.secret, pem, fake.secret_len);
	t = jf_token(
	    &fake, "{\"alg\":\"HS256\",\"kid\":\"rsa1\"}", jf_claims(NULL));
	cr_assert_eq(check(t), JWT_E_ALG);
	/* Even a tenant with a real HS256 key: another kid, another secret. */
	{
		struct jf_key hs;
		jf_key_gen(&hs, JWK_ALG_HS256, "hs1");
		jf_set_add(set, &hs);
		snprintf(fake.kid, sizeof(fake.kid), "hs1");
		t = jf_token(&fake, "{\"alg\":\"HS256\",\"kid\":\"hs1\"}",
		    jf_claims(NULL));
		cr_assert_eq(check(t), JWT_E_SIGNATURE);
	}
	free(pem);
	jf_key_free(&rsa);
}

/* A key is bound to one algorithm: the same RSA key, other padding. */
Test(jwt, alg_not_bound_to_key)
{
	struct jf_key rsa, as_ps;
	char *t;

	jf_key_gen(&rsa, JWK_ALG_RS256, "rsa1");
	jf_set_add(set, &rsa);
	as_ps = rsa;
	as_ps.alg = JWK_ALG_PS256;
	t = jf_token(
	    &as_ps, "{\"alg\":\"PS256\",\"kid\":\"rsa1\"}", jf_claims(NULL));
	cr_assert_eq(check(t), JWT_E_ALG);
	/* The EC key named with RS256. */
	t = jf_token(
	    &ec, "{\"alg\":\"RS256\",\"kid\":\"ec1\"}", jf_claims(NULL));
	cr_assert_eq(check(t), JWT_E_ALG);
	jf_key_free(&rsa);
}

Test(jwt, signature_of_another_key)
{
	struct jf_key other;
	char *t;

	jf_key_gen(&other, JWK_ALG_ES256, "ec1");
	t = jf_token(&other, jf_header(&other), jf_claims(NULL));
	cr_assert_eq(check(t), JWT_E_SIGNATURE);
	jf_key_free(&other);
}

Test(jwt, missing_signature)
{
	char *t = jf_token(&ec, jf_header(&ec), jf_claims(NULL));

	*(strrchr(t, '.') + 1) = '\0';
	cr_assert_eq(check(t), JWT_E_SIGNATURE);
	t = jf_token(&ec, jf_header(&ec), jf_claims(NULL));
	*strrchr(t, '.') = '\0';
	cr_assert_eq(check(t), JWT_E_FORMAT);
}

Test(jwt, es256_der_signature)
{
	cr_assert_eq(check(jf_token_der(&ec, jf_header(&ec), jf_claims(NULL))),
	    JWT_E_SIGNATURE);
}

/* The signature of the header and claims, as raw bytes to tamper with. */
static char *
with_sig(const unsigned char *sig, size_t n)
{
	char *t = jf_token(&ec, jf_header(&ec), jf_claims(NULL));
	char *s = jf_b64(sig, n), *out = malloc(strlen(t) + strlen(s) + 2);

	*strrchr(t, '.') = '\0';
	sprintf(out, "%s.%s", t, s);
	free(t);
	free(s);
	return out;
}

Test(jwt, es256_raw_bad_lengths_and_zero)
{
	unsigned char sig[80];
	char *t = jf_token(&ec, jf_header(&ec), jf_claims(NULL));
	char *dot = strrchr(t, '.');
	size_t n;

	*dot = '\0';
	n = jf_sig(&ec, t, strlen(t), 0, sig);
	cr_assert_eq(n, 64);
	free(t);
	cr_assert_eq(check(with_sig(sig, 63)), JWT_E_SIGNATURE);
	sig[64] = 0;
	cr_assert_eq(check(with_sig(sig, 65)), JWT_E_SIGNATURE);
	memset(sig, 0, 32);
	cr_assert_eq(check(with_sig(sig, 64)), JWT_E_SIGNATURE);
}

Test(jwt, kid_unknown_and_hostile)
{
	char big[400], h[512];

	cr_assert_eq(check_header("{\"alg\":\"ES256\"}"), JWT_E_KID);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"ec2\"}"), JWT_E_KID);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"EC1\"}"), JWT_E_KID);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"\"}"), JWT_E_KID);
	cr_assert_eq(check_header("{\"alg\":\"ES256\",\"kid\":1}"), JWT_E_KID);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"../../dev/null\"}"),
	    JWT_E_KID);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"/etc/passwd\"}"),
	    JWT_E_KID);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"ec1 \"}"), JWT_E_KID);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\\n\"}"), JWT_E_KID);
	/* A NUL never reaches the lookup: the JSON reader refuses it. */
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\\u0000x\"}"),
	    JWT_E_HEADER);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(h, sizeof(h), "{\"alg\":\"ES256\",\"kid\":\"%s\"}", big);
	cr_assert_eq(check_header(h), JWT_E_KID);
}

/* Keys named by the token are never used, in any letter case. */
Test(jwt, key_naming_headers)
{
	const char *hdr[] = {
	    "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"jku\":\"https://evil/k\"}",
	    "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"x5u\":\"https://evil/c\"}",
	    "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"jwk\":{\"kty\":\"EC\"}}",
	    "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"x5c\":[\"MIIB\"]}",
	    "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"JKU\":\"https://evil/k\"}",
	    "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"cty\":\"JWT\"}",
	    "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"zip\":\"DEF\"}",
	    "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"b64\":false}",
	};
	size_t i;

	for (i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
		cr_assert_eq(
		    check_header(hdr[i]), JWT_E_HEADER_PARAM, "%s", hdr[i]);
}

Test(jwt, crit)
{
	cr_assert_eq(check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\","
				  "\"crit\":[\"exp\"],\"exp\":1}"),
	    JWT_E_CRIT);
	cr_assert_eq(
	    check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\",\"crit\":[]}"),
	    JWT_E_CRIT);
}

Test(jwt, duplicate_header_members)
{
	cr_assert_eq(check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\","
				  "\"alg\":\"none\"}"),
	    JWT_E_HEADER);
	cr_assert_eq(check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\","
				  "\"kid\":\"ec1\"}"),
	    JWT_E_HEADER);
	cr_assert_eq(check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\","
				  "\"ALG\":\"none\"}"),
	    JWT_E_HEADER);
}

Test(jwt, header_not_an_object)
{
	cr_assert_eq(check_header("[\"ES256\"]"), JWT_E_HEADER);
	cr_assert_eq(check_header("\"ES256\""), JWT_E_HEADER);
	cr_assert_eq(check_header("{\"alg\":\"ES256\",\"kid\":\"ec1\"} x"),
	    JWT_E_HEADER);
	cr_assert_eq(check_header("{\"alg\":\"ES256\",/*c*/\"kid\":\"ec1\"}"),
	    JWT_E_HEADER);
}

Test(jwt, oversized)
{
	struct jwt_policy pol = jf_policy(set);
	struct jwt_identity id;
	char pad[8300], extra[8400], *t;
	size_t len, fill;

	/* Grow a signed token to exactly JWT_MAX bytes: still fine. */
	for (fill = 6300; fill > 0; fill--) {
		memset(pad, 'x', fill);
		pad[fill] = '\0';
		snprintf(extra, sizeof(extra), ",\"pad\":\"%s\"", pad);
		t = jf_token(&ec, jf_header(&ec), jf_claims(extra));
		len = strlen(t);
		if (len <= JWT_MAX)
			break;
		free(t);
	}
	cr_assert_leq(len, JWT_MAX);
	cr_assert_gt(len, JWT_MAX - 4);
	cr_assert_eq(jf_verify(&pol, t, &id), JWT_OK);
	free(t);
	memset(pad, 'x', 7000);
	pad[7000] = '\0';
	snprintf(extra, sizeof(extra), ",\"pad\":\"%s\"", pad);
	t = jf_token(&ec, jf_header(&ec), jf_claims(extra));
	cr_assert_gt(strlen(t), JWT_MAX);
	cr_assert_eq(check(t), JWT_E_SIZE);
	cr_assert_eq(check(strdup("")), JWT_E_SIZE);
}

/* A fresh token with suffix appended to one of its segments. */
static enum jwt_result
tampered(int segment, const char *suffix)
{
	char *t = jf_token(&ec, jf_header(&ec), jf_claims(NULL));
	char *out = malloc(strlen(t) + strlen(suffix) + 1), *d1, *d2;

	d1 = strchr(t, '.');
	d2 = strchr(d1 + 1, '.');
	if (segment == 0) {
		*d1 = '\0';
		sprintf(out, "%s%s.%s", t, suffix, d1 + 1);
	} else if (segment == 1) {
		*d2 = '\0';
		sprintf(out, "%s%s.%s", t, suffix, d2 + 1);
	} else {
		sprintf(out, "%s%s", t, suffix);
	}
	free(t);
	return check(out);
}

Test(jwt, bad_base64url)
{
	cr_assert_eq(tampered(0, "="), JWT_E_FORMAT);
	cr_assert_eq(tampered(1, "=="), JWT_E_FORMAT);
	cr_assert_eq(tampered(2, "="), JWT_E_FORMAT);
	cr_assert_eq(tampered(2, "+"), JWT_E_FORMAT);
	cr_assert_eq(tampered(1, "/"), JWT_E_FORMAT);
	cr_assert_eq(tampered(0, " "), JWT_E_FORMAT);
	cr_assert_eq(tampered(2, "\n"), JWT_E_FORMAT);
	/* A fourth and fifth part (JWE) */
	cr_assert_eq(tampered(2, ".abc"), JWT_E_FORMAT);
	cr_assert_eq(tampered(2, ".abc.def"), JWT_E_FORMAT);
}

Test(jwt, base64url_strict_decoder)
{
	unsigned char out[16];
	size_t n;

	cr_assert_eq(jwk_b64url_decode(STR_LIT("QUJD"), out, 16, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(memcmp(out, "ABC", 3), 0);
	cr_assert_eq(jwk_b64url_decode(STR_LIT("QUI"), out, 16, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(jwk_b64url_decode(STR_LIT("_-8"), out, 16, &n), 0);
	cr_assert_eq(out[0], 0xff);
	cr_assert_eq(jwk_b64url_decode(STR_LIT("QUI="), out, 16, &n), -1);
	cr_assert_eq(jwk_b64url_decode(STR_LIT("QU+D"), out, 16, &n), -1);
	cr_assert_eq(jwk_b64url_decode(STR_LIT("QU/D"), out, 16, &n), -1);
	cr_assert_eq(jwk_b64url_decode(STR_LIT("QUJDR"), out, 16, &n), -1);
	/* "QUI" is the one spelling of "AB"; "QUJ" sets unused bits. */
	cr_assert_eq(jwk_b64url_decode(STR_LIT("QUJ"), out, 16, &n), -1);
	/* Does not write past outsz. */
	cr_assert_eq(jwk_b64url_decode(STR_LIT("QUJDQUJD"), out, 5, &n), -1);
}
