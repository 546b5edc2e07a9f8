/*
 * The JWT attack suite, part 3: loading keys. JWKS keys must carry kid
 * and alg and be public; PEM keys must fit the algorithm they are bound
 * to; secrets must be long and private. A key loaded from JWKS verifies
 * the tokens its private half signs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "jwt_fixture.h"

static struct jwk_set *set;
static char why[JWK_WHY_MAX];

static void
setup(void)
{
	set = jwk_set_new();
	why[0] = '\0';
}

static void
teardown(void)
{
	jwk_set_free(set);
}

TestSuite(keys, .init = setup, .fini = teardown);

static int
add_jwks(const char *json)
{
	return jwk_set_add_jwks(set, json, strlen(json), why, sizeof(why));
}

/* {"keys":[jwk]} */
static int
add_one_jwk(const char *jwk)
{
	char buf[8300];

	snprintf(buf, sizeof(buf), "{\"keys\":[%s]}", jwk);
	return add_jwks(buf);
}

static void
jwks_round_trip(enum jwk_alg alg)
{
	struct jf_key k;
	struct jwt_policy pol;
	struct jwt_identity id;
	char *jwk, *t;

	jf_key_gen(&k, alg, "j1");
	jwk = jf_pub_jwk(&k, jwk_alg_name(alg), "j1");
	cr_assert_eq(add_one_jwk(jwk), 0, "%s: %s", jwk_alg_name(alg), why);
	pol = jf_policy(set);
	t = jf_token(&k, jf_header(&k), jf_claims(NULL));
	cr_assert_eq(jf_verify(&pol, t, &id), JWT_OK);
	free(t);
	free(jwk);
	jf_key_free(&k);
}

Test(keys, jwks_rsa)
{
	jwks_round_trip(JWK_ALG_RS256);
}

Test(keys, jwks_ps256)
{
	jwks_round_trip(JWK_ALG_PS256);
}

Test(keys, jwks_ec)
{
	jwks_round_trip(JWK_ALG_ES256);
}

Test(keys, jwks_okp)
{
	jwks_round_trip(JWK_ALG_EDDSA);
}

/* Every key is bound to exactly one algorithm and kid at load. */
Test(keys, jwks_needs_alg_and_kid)
{
	struct jf_key k;
	char *jwk;

	jf_key_gen(&k, JWK_ALG_ES256, "e1");
	jwk = jf_pub_jwk(&k, NULL, "e1");
	cr_assert_eq(add_one_jwk(jwk), -1);
	cr_assert(strstr(why, "alg") != NULL, "%s", why);
	free(jwk);
	jwk = jf_pub_jwk(&k, "ES256", NULL);
	cr_assert_eq(add_one_jwk(jwk), -1);
	cr_assert(strstr(why, "kid") != NULL, "%s", why);
	free(jwk);
	/* alg must fit the key type. */
	jwk = jf_pub_jwk(&k, "RS256", "e1");
	cr_assert_eq(add_one_jwk(jwk), -1);
	free(jwk);
	jwk = jf_pub_jwk(&k, "none", "e1");
	cr_assert_eq(add_one_jwk(jwk), -1);
	free(jwk);
	jwk = jf_pub_jwk(&k, "HS256", "e1");
	cr_assert_eq(add_one_jwk(jwk), -1);
	free(jwk);
	cr_assert_eq(jwk_set_count(set), 0);
	jf_key_free(&k);
}

Test(keys, jwks_refuses_private_and_symmetric)
{
	cr_assert_eq(add_one_jwk("{\"kty\":\"EC\",\"kid\":\"a\",\"alg\":"
				 "\"ES256\",\"crv\":\"P-256\",\"x\":\"AA\","
				 "\"y\":\"AA\",\"d\":\"AA\"}"),
	    -1);
	cr_assert(strstr(why, "private") != NULL, "%s", why);
	cr_assert_eq(add_one_jwk("{\"kty\":\"oct\",\"kid\":\"a\",\"alg\":"
				 "\"HS256\",\"k\":\"c2VjcmV0\"}"),
	    -1);
}

Test(keys, jwks_other_refusals)
{
	struct jf_key k;
	char *jwk, buf[8192];

	jf_key_gen(&k, JWK_ALG_ES256, "e1");
	jwk = jf_pub_jwk(&k, "ES256", "e1");
	/* use: enc */
	snprintf(buf, sizeof(buf), "{\"use\":\"enc\",%s", jwk + 1);
	cr_assert_eq(add_one_jwk(buf), -1);
	snprintf(buf, sizeof(buf), "{\"key_ops\":[\"sign\"],%s", jwk + 1);
	cr_assert_eq(add_one_jwk(buf), -1);
	snprintf(buf, sizeof(buf),
	    "{\"use\":\"sig\",\"key_ops\":[\"verify\"],%s", jwk + 1);
	cr_assert_eq(add_one_jwk(buf), 0, "%s", why);
	/* The same kid twice. */
	cr_assert_eq(add_one_jwk(jwk), -1);
	cr_assert(strstr(why, "already") != NULL, "%s", why);
	/* All or nothing: a bad second key leaves the set as it was. */
	snprintf(buf, sizeof(buf), "{\"keys\":[%s,{\"kty\":\"EC\"}]}", jwk);
	buf[strstr(buf, "\"e1\"") - buf + 2] = '2';
	cr_assert_eq(add_jwks(buf), -1);
	cr_assert_eq(jwk_set_count(set), 1);
	/* Shapes that are not a JWKS. */
	cr_assert_eq(add_jwks("{\"keys\":[]}"), -1);
	cr_assert_eq(add_jwks("[]"), -1);
	cr_assert_eq(add_jwks("{\"keys\":[1]}"), -1);
	cr_assert_eq(add_jwks("{\"Keys\":[{}]}"), -1);
	free(jwk);
	jf_key_free(&k);
}

Test(keys, jwks_ec_point_checks)
{
	/* x = y = 1: not on P-256 (invalid-curve attacks). */
	cr_assert_eq(
	    add_one_jwk(
		"{\"kty\":\"EC\",\"kid\":\"a\",\"alg\":"
		"\"ES256\",\"crv\":\"P-256\","
		"\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\","
		"\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\"}"),
	    -1);
	cr_assert_eq(add_one_jwk("{\"kty\":\"EC\",\"kid\":\"a\",\"alg\":"
				 "\"ES256\",\"crv\":\"P-384\",\"x\":\"AA\","
				 "\"y\":\"AA\"}"),
	    -1);
	/* A short coordinate. */
	cr_assert_eq(add_one_jwk("{\"kty\":\"EC\",\"kid\":\"a\",\"alg\":"
				 "\"ES256\",\"crv\":\"P-256\",\"x\":\"AA\","
				 "\"y\":\"AA\"}"),
	    -1);
}

Test(keys, rsa_too_small)
{
	EVP_PKEY *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	struct jf_key k;
	char *pem, *jwk;

	memset(&k, 0, sizeof(k));
	k.alg = JWK_ALG_RS256;
	k.priv = small;
	pem = jf_pub_pem(&k);
	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_RS256, STR_LIT("r"), pem,
			 strlen(pem), why, sizeof(why)),
	    -1);
	cr_assert(strstr(why, "1024") != NULL, "%s", why);
	jwk = jf_pub_jwk(&k, "RS256", "r");
	cr_assert_eq(add_one_jwk(jwk), -1);
	free(jwk);
	free(pem);
	jf_key_free(&k);
}

Test(keys, pem_must_fit_alg)
{
	struct jf_key ec, ed;
	char *pem;

	jf_key_gen(&ec, JWK_ALG_ES256, "e");
	jf_key_gen(&ed, JWK_ALG_EDDSA, "d");
	pem = jf_pub_pem(&ec);
	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_RS256, STR_LIT("e"), pem,
			 strlen(pem), why, sizeof(why)),
	    -1);
	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_EDDSA, STR_LIT("e"), pem,
			 strlen(pem), why, sizeof(why)),
	    -1);
	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_HS256, STR_LIT("e"), pem,
			 strlen(pem), why, sizeof(why)),
	    -1);
	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_ES256, STR_LIT("e"), pem,
			 strlen(pem), why, sizeof(why)),
	    0, "%s", why);
	free(pem);
	pem = jf_pub_pem(&ed);
	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_ES256, STR_LIT("d"), pem,
			 strlen(pem), why, sizeof(why)),
	    -1);
	free(pem);
	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_ES256, STR_LIT("g"),
			 "garbage", 7, why, sizeof(why)),
	    -1);
	/* A kid that is not printable ASCII. */
	pem = jf_pub_pem(&ed);
	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_EDDSA, STR_LIT("a b"), pem,
			 strlen(pem), why, sizeof(why)),
	    -1);
	free(pem);
	jf_key_free(&ec);
	jf_key_free(&ed);
}

Test(keys, pem_p384_refused)
{
	EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	struct jf_key k;
	char *pem;

	memset(&k, 0, sizeof(k));
	k.priv = p384;
	pem = jf_pub_pem(&k);
	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_ES256, STR_LIT("p"), pem,
			 strlen(pem), why, sizeof(why)),
	    -1);
	free(pem);
	jf_key_free(&k);
}

/* A PEM file with a private key is refused, not mined for a public one. */
Test(keys, pem_private_key_refused)
{
	const char *pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
			  "-----END PRIVATE KEY-----\n";

	cr_assert_eq(jwk_set_add_pem(set, JWK_ALG_ES256, STR_LIT("p"), pem,
			 strlen(pem), why, sizeof(why)),
	    -1);
	cr_assert(strstr(why, "private") != NULL, "%s", why);
}

static void
write_file(const char *path, const void *data, size_t n, mode_t mode)
{
	FILE *fp = fopen(path, "wb");

	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(data, 1, n, fp), n);
	fclose(fp);
	cr_assert_eq(chmod(path, mode), 0);
}

Test(keys, secret_files)
{
	char dir[] = "/tmp/scimcred-jwk-XXXXXX", path[64];
	const char *secret = "0123456789abcdef0123456789abcdef";
	struct jf_key k;
	struct jwt_policy pol;
	struct jwt_identity id;
	char buf[64], *t;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
	snprintf(buf, sizeof(buf), "%s\n", secret);
	write_file(path, buf, strlen(buf), 0644);
	cr_assert_eq(
	    jwk_set_add_secret_file(set, STR_LIT("h"), path, why, sizeof(why)),
	    -1);
	cr_assert(strstr(why, "chmod") != NULL, "%s", why);
	cr_assert_eq(chmod(path, 0600), 0);
	cr_assert_eq(
	    jwk_set_add_secret_file(set, STR_LIT("h"), path, why, sizeof(why)),
	    0, "%s", why);
	/* The newline is not part of the key. */
	memset(&k, 0, sizeof(k));
	k.alg = JWK_ALG_HS256;
	strcpy(k.kid, "h");
	memcpy(k.secret, secret, 32);
	k.secret_len = 32;
	pol = jf_policy(set);
	t = jf_token(&k, jf_header(&k), jf_claims(NULL));
	cr_assert_eq(jf_verify(&pol, t, &id), JWT_OK);
	free(t);
	/* Shorter than 32 bytes. */
	write_file(path, secret, 31, 0600);
	cr_assert_eq(
	    jwk_set_add_secret_file(set, STR_LIT("h2"), path, why, sizeof(why)),
	    -1);
	cr_assert_eq(jwk_set_add_secret_file(set, STR_LIT("h3"),
			 "/nonexistent/secret", why, sizeof(why)),
	    -1);
	unlink(path);
	rmdir(dir);
}

Test(keys, pem_file_and_bounds)
{
	char dir[] = "/tmp/scimcred-jwk-XXXXXX", path[64];
	struct jf_key k;
	char *pem, *big;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k.pem", dir);
	jf_key_gen(&k, JWK_ALG_EDDSA, "d");
	pem = jf_pub_pem(&k);
	write_file(path, pem, strlen(pem), 0644);
	cr_assert_eq(jwk_set_add_pem_file(set, JWK_ALG_EDDSA, STR_LIT("d"),
			 path, why, sizeof(why)),
	    0, "%s", why);
	cr_assert_str_eq(jwk_key_kid(jwk_set_find(set, STR_LIT("d"))), "d");
	/* Larger than JWK_FILE_MAX. */
	big = calloc(1, JWK_FILE_MAX + 2);
	memset(big, ' ', JWK_FILE_MAX + 1);
	write_file(path, big, JWK_FILE_MAX + 1, 0644);
	cr_assert_eq(jwk_set_add_jwks_file(set, path, why, sizeof(why)), -1);
	cr_assert(strstr(why, "at most") != NULL, "%s", why);
	/* A directory is not a key file. */
	cr_assert_eq(jwk_set_add_jwks_file(set, dir, why, sizeof(why)), -1);
	free(big);
	free(pem);
	jf_key_free(&k);
	unlink(path);
	rmdir(dir);
}
