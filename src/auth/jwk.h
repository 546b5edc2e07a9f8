/*
 * Verification keys for JWT access tokens: public keys from PEM files and
 * JSON Web Key Sets (RFC 7517), and HS256 shared secrets. Every key is
 * bound to exactly one algorithm and one key id when it is loaded
 * (RFC 8725 §3.1); a JWKS key without `alg` or `kid` is refused. Keys come
 * only from local files named in the configuration: nothing is fetched
 * from a URL, least of all one a token names (RFC 8725 §3.10).
 *
 * A set is filled at start-up and read-only afterwards, so worker threads
 * may verify with it concurrently.
 */
#ifndef AUTH_JWK_H
#define AUTH_JWK_H

#include <stddef.h>

#include "json/json.h"
#include "util/str.h"

#define JWK_KID_MAX 128 /* bytes of printable ASCII */
#define JWK_SET_MAX 64 /* keys per set */
#define JWK_FILE_MAX (256 * 1024) /* a PEM or JWKS file */
#define JWK_SECRET_MIN 32 /* HS256: RFC 7518 §3.2, key >= hash size */
#define JWK_SECRET_MAX 1024
#define JWK_RSA_MIN_BITS 2048 /* RFC 7518 §3.3 */
#define JWK_RSA_MAX_BITS 8192 /* bounds the cost of one verification */
#define JWK_WHY_MAX 256

/* The algorithms scimcred verifies (RFC 7518 §3.1, RFC 8037 §3.1). */
enum jwk_alg {
	JWK_ALG_RS256,
	JWK_ALG_PS256,
	JWK_ALG_ES256,
	JWK_ALG_EDDSA,
	JWK_ALG_HS256,
};

struct jwk_set;
struct jwk_key;

/* "RS256" ... "HS256". */
const char *jwk_alg_name(enum jwk_alg alg);
/* Exact, case-sensitive match (RFC 7515 §4.1.1); 0 and *out or -1.
 * "none" is never an algorithm here. */
int jwk_alg_parse(struct str s, enum jwk_alg *out);
/* 1 if kid is 1..JWK_KID_MAX bytes of printable ASCII (0x21-0x7e). */
int jwk_kid_ok(struct str kid);

/*
 * Strict base64url (RFC 4648 §5, RFC 7515 §2): only [A-Za-z0-9_-], no
 * padding, no whitespace, and unused trailing bits zero, so that every
 * byte string has exactly one spelling. Writes at most outsz bytes.
 * 0 and *outlen, or -1 if in is malformed or does not fit.
 */
int jwk_b64url_decode(
    struct str in, unsigned char *out, size_t outsz, size_t *outlen);

/* Exact-case member lookup: JOSE member names are case-sensitive
 * (RFC 7515 §4), unlike the SCIM names json_object_get folds. */
const struct json_value *jwk_member(
    const struct json_value *obj, const char *name);

/* Caller frees with jwk_set_free (which wipes secrets). */
struct jwk_set *jwk_set_new(void);
/* Accepts NULL. */
void jwk_set_free(struct jwk_set *set);
size_t jwk_set_count(const struct jwk_set *set);

/*
 * Adders. Each returns 0, or -1 with a message for the operator in why
 * (JWK_WHY_MAX bytes is enough) and the set unchanged. A kid already in
 * the set is refused.
 *
 * _pem: one SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") whose type fits
 * alg: RSA of 2048-8192 bits for RS256/PS256, EC P-256 for ES256,
 * Ed25519 for EdDSA. Text holding a private key is refused.
 */
int jwk_set_add_pem(struct jwk_set *set, enum jwk_alg alg, struct str kid,
    const char *pem, size_t len, char *why, size_t whysz);
int jwk_set_add_pem_file(struct jwk_set *set, enum jwk_alg alg, struct str kid,
    const char *path, char *why, size_t whysz);
/* _jwks: {"keys":[...]}, kty RSA, EC (P-256) or OKP (Ed25519); each key
 * needs kid and alg; `use`, if present, must be "sig"; private members
 * (d, p, q, ...) and kty "oct" are refused. All keys load or none. */
int jwk_set_add_jwks(
    struct jwk_set *set, const char *json, size_t len, char *why, size_t whysz);
int jwk_set_add_jwks_file(
    struct jwk_set *set, const char *path, char *why, size_t whysz);
/* _secret: an HS256 key of JWK_SECRET_MIN..JWK_SECRET_MAX bytes. The
 * file form takes the file's bytes (one final newline dropped) and
 * refuses a file that group or others may read. */
int jwk_set_add_secret(struct jwk_set *set, struct str kid, const void *secret,
    size_t len, char *why, size_t whysz);
int jwk_set_add_secret_file(struct jwk_set *set, struct str kid,
    const char *path, char *why, size_t whysz);

/* The key with exactly this kid, or NULL. Borrowed from the set. */
const struct jwk_key *jwk_set_find(const struct jwk_set *set, struct str kid);
/* The i-th key, or NULL past the end. */
const struct jwk_key *jwk_set_at(const struct jwk_set *set, size_t i);
enum jwk_alg jwk_key_alg(const struct jwk_key *key);
const char *jwk_key_kid(const struct jwk_key *key);

/*
 * 1 if sig is a valid signature of msg under key with the key's own
 * algorithm, 0 otherwise (any length or encoding problem included). The
 * signature encodings are JWS's (RFC 7518 §3): ES256 is the raw 64-byte
 * r||s, so a DER-encoded ECDSA signature never verifies; RS256/PS256 are
 * exactly the modulus length; PS256 uses MGF1-SHA-256 and a 32-byte salt.
 */
int jwk_key_verify(const struct jwk_key *key, const void *msg, size_t n,
    const unsigned char *sig, size_t siglen);

#endif
