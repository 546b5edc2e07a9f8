/*
 * Inside the key set: shared by jwk.c (PEM, secrets, verification) and
 * jwk_jwks.c (JSON Web Key Sets). Not for other modules.
 */
#ifndef AUTH_JWK_INT_H
#define AUTH_JWK_INT_H

#include <openssl/evp.h>

#include "auth/jwk.h"

struct jwk_key {
	char kid[JWK_KID_MAX + 1];
	size_t kid_len;
	enum jwk_alg alg;
	EVP_PKEY *pkey; /* public key; NULL for HS256 */
	unsigned char secret[JWK_SECRET_MAX]; /* HS256 only; wiped on free */
	size_t secret_len;
};

struct jwk_set {
	struct jwk_key keys[JWK_SET_MAX];
	size_t n;
};

/* 0 if kid is well-formed, new in set, and the set has room; else -1
 * with why. */
int jwk_set_room(
    const struct jwk_set *set, struct str kid, char *why, size_t whysz);
/* 0 if pkey's type and size fit alg; else -1 with why. */
int jwk_pkey_fits(EVP_PKEY *pkey, enum jwk_alg alg, char *why, size_t whysz);
/* Adds pkey bound to alg and kid; takes pkey, freeing it on failure. */
int jwk_set_add_pkey(struct jwk_set *set, enum jwk_alg alg, struct str kid,
    EVP_PKEY *pkey, char *why, size_t whysz);
/* Reads a regular file of at most max bytes (malloc'd, NUL-terminated).
 * private_file refuses a file that group or others may access. */
int jwk_read_file(const char *path, size_t max, int private_file, char **out,
    size_t *outlen, char *why, size_t whysz);

#endif
