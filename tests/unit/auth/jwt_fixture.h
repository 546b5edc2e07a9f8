/*
 * Test-only helpers for the JWT suites: throwaway keys generated at test
 * time with OpenSSL (no private key is committed), a signer for every
 * algorithm (and for the wrong encodings attackers send), base64url, and
 * a default tenant policy.
 */
#ifndef TESTS_UNIT_AUTH_JWT_FIXTURE_H
#define TESTS_UNIT_AUTH_JWT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "auth/jwk.h"
#include "auth/jwt.h"

#define JF_ISS "https://idp.example.com/"
#define JF_AUD "scimcred"
#define JF_TENANT "acme"
#define JF_NOW ((int64_t)1700000000)

struct jf_key {
	enum jwk_alg alg;
	char kid[64];
	EVP_PKEY *priv; /* NULL for HS256 */
	unsigned char secret[1024]; /* HS256; also for forged keys */
	size_t secret_len;
};

/* A fresh key for alg (RSA 2048, P-256, Ed25519, or 48 random bytes). */
void jf_key_gen(struct jf_key *k, enum jwk_alg alg, const char *kid);
void jf_key_free(struct jf_key *k);
/* The public key as PEM (malloc). */
char *jf_pub_pem(const struct jf_key *k);
/* The public key as one JWK object's text (malloc); alg and kid are put
 * in unless NULL is passed for them. */
char *jf_pub_jwk(const struct jf_key *k, const char *alg, const char *kid);
/* Adds k's public key (or secret) to set; the test fails if it can't. */
void jf_set_add(struct jwk_set *set, const struct jf_key *k);

/* base64url without padding (malloc). */
char *jf_b64(const void *p, size_t n);
char *jf_b64s(const char *s);

/* Signature of msg with k's key: the JWS encoding, or (der) the DER
 * ECDSA form. Returns the length written to sig (at least 1024 bytes). */
size_t jf_sig(const struct jf_key *k, const void *msg, size_t n, int der,
    unsigned char *sig);
/* b64(header) "." b64(claims) "." b64(signature by k) (malloc). */
char *jf_token(const struct jf_key *k, const char *header, const char *claims);
/* The same with the signature in its DER form (ES256). */
char *jf_token_der(
    const struct jf_key *k, const char *header, const char *claims);
/* A header {"alg":ALG,"kid":KID,"typ":"JWT"} for k (static buffer). */
const char *jf_header(const struct jf_key *k);
/* Claims: iss, aud, exp = JF_NOW + 300, iat = JF_NOW, sub, and the
 * permission scope "dir:read:user", followed by extra (text beginning
 * with ',' or NULL). Static buffer. */
const char *jf_claims(const char *extra);

/* The default policy for tenant JF_TENANT over keys. */
struct jwt_policy jf_policy(const struct jwk_set *keys);

/* jwt_verify at JF_NOW with pol. */
enum jwt_result jf_verify(
    const struct jwt_policy *pol, const char *token, struct jwt_identity *id);

#endif
