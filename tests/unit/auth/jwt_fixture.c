/*
 * Test-only JWT helpers (see jwt_fixture.h). Keys are generated per test
 * with OpenSSL; nothing here is used by scimcred itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "jwt_fixture.h"

void
jf_key_gen(struct jf_key *k, enum jwk_alg alg, const char *kid)
{
	memset(k, 0, sizeof(*k));
	k->alg = alg;
	snprintf(k->kid, sizeof(k->kid), "%s", kid);
	switch (alg) {
	case JWK_ALG_RS256:
	case JWK_ALG_PS256:
		k->priv = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		break;
	case JWK_ALG_ES256:
		k->priv = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case JWK_ALG_EDDSA:
		k->priv = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case JWK_ALG_HS256:
		k->secret_len = 48;
		cr_assert_eq(RAND_bytes(k->secret, (int)k->secret_len), 1);
		return;
	}
	cr_assert_not_null(k->priv, "key generation failed");
}

void
jf_key_free(struct jf_key *k)
{
	EVP_PKEY_free(k->priv);
	k->priv = NULL;
}

char *
jf_pub_pem(const struct jf_key *k)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	cr_assert_eq(PEM_write_bio_PUBKEY(bio, k->priv), 1);
	n = BIO_get_mem_data(bio, &data);
	out = malloc((size_t)n + 1);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	BIO_free(bio);
	return out;
}

char *
jf_b64(const void *p, size_t n)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
	    "wxyz0123456789-_";
	const unsigned char *b = p;
	char *out = malloc(n / 3 * 4 + 5), *o = out;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		*o++ = a[b[i] >> 2];
		*o++ = a[(b[i] & 3) << 4 | b[i + 1] >> 4];
		*o++ = a[(b[i + 1] & 15) << 2 | b[i + 2] >> 6];
		*o++ = a[b[i + 2] & 63];
	}
	if (n - i == 1) {
		*o++ = a[b[i] >> 2];
		*o++ = a[(b[i] & 3) << 4];
	} else if (n - i == 2) {
		*o++ = a[b[i] >> 2];
		*o++ = a[(b[i] & 3) << 4 | b[i + 1] >> 4];
		*o++ = a[(b[i + 1] & 15) << 2];
	}
	*o = '\0';
	return out;
}

char *
jf_b64s(const char *s)
{
	return jf_b64(s, strlen(s));
}

static char *
b64_bn(EVP_PKEY *pkey, const char *param)
{
	unsigned char buf[1024];
	BIGNUM *bn = NULL;
	int n;

	cr_assert_eq(EVP_PKEY_get_bn_param(pkey, param, &bn), 1);
	n = BN_bn2bin(bn, buf);
	BN_free(bn);
	return jf_b64(buf, (size_t)n);
}

char *
jf_pub_jwk(const struct jf_key *k, const char *alg, const char *kid)
{
	unsigned char pt[128];
	char *out = malloc(4096), *x = NULL, *y = NULL, head[256] = "";
	size_t len = 0;

	if (alg != NULL)
		snprintf(head + strlen(head), sizeof(head) - strlen(head),
		    "\"alg\":\"%s\",", alg);
	if (kid != NULL)
		snprintf(head + strlen(head), sizeof(head) - strlen(head),
		    "\"kid\":\"%s\",", kid);
	if (k->alg == JWK_ALG_RS256 || k->alg == JWK_ALG_PS256) {
		x = b64_bn(k->priv, OSSL_PKEY_PARAM_RSA_N);
		y = b64_bn(k->priv, OSSL_PKEY_PARAM_RSA_E);
		snprintf(out, 4096,
		    "{%s\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}", head, x,
		    y);
	} else if (k->alg == JWK_ALG_ES256) {
		cr_assert_eq(EVP_PKEY_get_octet_string_param(k->priv,
				 OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &len),
		    1);
		cr_assert_eq(len, 65);
		x = jf_b64(pt + 1, 32);
		y = jf_b64(pt + 33, 32);
		snprintf(out, 4096,
		    "{%s\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\","
		    "\"y\":\"%s\"}",
		    head, x, y);
	} else {
		len = sizeof(pt);
		cr_assert_eq(EVP_PKEY_get_raw_public_key(k->priv, pt, &len), 1);
		x = jf_b64(pt, len);
		snprintf(out, 4096,
		    "{%s\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}",
		    head, x);
	}
	free(x);
	free(y);
	return out;
}

void
jf_set_add(struct jwk_set *set, const struct jf_key *k)
{
	char why[JWK_WHY_MAX] = "";
	char *pem;
	int rc;

	if (k->alg == JWK_ALG_HS256) {
		rc = jwk_set_add_secret(set, str_from(k->kid), k->secret,
		    k->secret_len, why, sizeof(why));
	} else {
		pem = jf_pub_pem(k);
		rc = jwk_set_add_pem(set, k->alg, str_from(k->kid), pem,
		    strlen(pem), why, sizeof(why));
		free(pem);
	}
	cr_assert_eq(rc, 0, "adding key %s: %s", k->kid, why);
}

/* DER ECDSA -> JWS r||s (RFC 7518 §3.4). */
static size_t
der_to_raw(const unsigned char *der, size_t len, unsigned char *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r, *s;

	cr_assert_not_null(es);
	ECDSA_SIG_get0(es, &r, &s);
	cr_assert_eq(BN_bn2binpad(r, out, 32), 32);
	cr_assert_eq(BN_bn2binpad(s, out + 32, 32), 32);
	ECDSA_SIG_free(es);
	return 64;
}

size_t
jf_sig(const struct jf_key *k, const void *msg, size_t n, int der,
    unsigned char *sig)
{
	unsigned char buf[1024];
	size_t len = sizeof(buf);
	EVP_MD_CTX *mctx;
	EVP_PKEY_CTX *pctx = NULL;

	if (k->alg == JWK_ALG_HS256) {
		cr_assert_not_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
		    k->secret, k->secret_len, msg, n, sig, 64, &len));
		return len;
	}
	mctx = EVP_MD_CTX_new();
	cr_assert_eq(EVP_DigestSignInit_ex(mctx, &pctx,
			 k->alg == JWK_ALG_EDDSA ? NULL : "SHA256", NULL, NULL,
			 k->priv, NULL),
	    1);
	if (k->alg == JWK_ALG_PS256) {
		cr_assert_eq(
		    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING),
		    1);
		cr_assert_eq(EVP_PKEY_CTX_set_rsa_pss_saltlen(
				 pctx, RSA_PSS_SALTLEN_DIGEST),
		    1);
	}
	cr_assert_eq(EVP_DigestSign(mctx, buf, &len, msg, n), 1);
	EVP_MD_CTX_free(mctx);
	if (k->alg == JWK_ALG_ES256 && !der)
		return der_to_raw(buf, len, sig);
	memcpy(sig, buf, len);
	return len;
}

static char *
token(const struct jf_key *k, const char *header, const char *claims, int der)
{
	char *h = jf_b64s(header), *c = jf_b64s(claims), *s, *input, *out;
	unsigned char sig[1024];
	size_t n;

	input = malloc(strlen(h) + strlen(c) + 2);
	sprintf(input, "%s.%s", h, c);
	n = jf_sig(k, input, strlen(input), der, sig);
	s = jf_b64(sig, n);
	out = malloc(strlen(input) + strlen(s) + 2);
	sprintf(out, "%s.%s", input, s);
	free(h);
	free(c);
	free(s);
	free(input);
	return out;
}

char *
jf_token(const struct jf_key *k, const char *header, const char *claims)
{
	return token(k, header, claims, 0);
}

char *
jf_token_der(const struct jf_key *k, const char *header, const char *claims)
{
	return token(k, header, claims, 1);
}

const char *
jf_header(const struct jf_key *k)
{
	static char buf[256];

	snprintf(buf, sizeof(buf),
	    "{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
	    jwk_alg_name(k->alg), k->kid);
	return buf;
}

const char *
jf_claims(const char *extra)
{
	static char buf[16384];

	snprintf(buf, sizeof(buf),
	    "{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD "\",\"exp\":%lld,"
	    "\"iat\":%lld,\"sub\":\"user-1\",\"scope\":\"dir:read:user\"%s}",
	    (long long)(JF_NOW + 300), (long long)JF_NOW,
	    extra != NULL ? extra : "");
	return buf;
}

struct jwt_policy
jf_policy(const struct jwk_set *keys)
{
	struct jwt_policy pol;

	memset(&pol, 0, sizeof(pol));
	pol.keys = keys;
	pol.issuer = STR_LIT(JF_ISS);
	pol.audience = STR_LIT(JF_AUD);
	pol.leeway = 30;
	pol.tenant = STR_LIT(JF_TENANT);
	return pol;
}

enum jwt_result
jf_verify(
    const struct jwt_policy *pol, const char *token, struct jwt_identity *id)
{
	char why[JWT_WHY_MAX];

	return jwt_verify(pol, str_from(token), JF_NOW, id, why, sizeof(why));
}
