/*
 * JSON Web Key Sets (RFC 7517 §5) from a local file: public RSA, EC P-256
 * and Ed25519 keys (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2), each bound to
 * the algorithm and key id its own `alg` and `kid` name. A key without
 * them is refused rather than guessed (RFC 8725 §3.1); so is anything
 * carrying private key material, which has no business in a verifier's
 * configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "auth/jwk_int.h"
#include "util/arena.h"
#include "util/scim_err.h"

#define RSA_BYTES_MAX (JWK_RSA_MAX_BITS / 8)
#define EC_COORD 32
#define ED25519_LEN 32

static const struct json_limits jwks_limits = {
    .max_depth = 8,
    .max_keys = 64,
    .max_items = JWK_SET_MAX,
    .max_tokens = 20000,
    .max_string = 8192,
};

/* Members that only a private (or symmetric) key has. */
static const char *const private_members[] = {
    "d", "p", "q", "dp", "dq", "qi", "oth", "k"};

static int
get_string(const struct json_value *jwk, const char *name, int required,
    struct str *out, char *why, size_t whysz)
{
	const struct json_value *v = jwk_member(jwk, name);

	*out = STR_NULL;
	if (v == NULL && !required)
		return 0;
	if (v == NULL || v->type != JSON_STRING) {
		snprintf(why, whysz, "\"%s\" %s", name,
		    v == NULL ? "is missing" : "is not a string");
		return -1;
	}
	*out = v->u.string;
	return 0;
}

/* A base64url member of exactly want bytes (or 1..want when exact is 0). */
static int
get_bytes(const struct json_value *jwk, const char *name, unsigned char *out,
    size_t want, int exact, size_t *outlen, char *why, size_t whysz)
{
	struct str s;

	if (get_string(jwk, name, 1, &s, why, whysz) != 0)
		return -1;
	if (jwk_b64url_decode(s, out, want, outlen) != 0 || *outlen == 0 ||
	    (exact && *outlen != want)) {
		snprintf(why, whysz, "\"%s\" is not base64url of %s%zu bytes",
		    name, exact ? "" : "at most ", want);
		return -1;
	}
	return 0;
}

static EVP_PKEY *
from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;

	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

static EVP_PKEY *
rsa_key(const struct json_value *jwk, char *why, size_t whysz)
{
	unsigned char n[RSA_BYTES_MAX], e[8];
	size_t nlen, elen;
	OSSL_PARAM_BLD *bld = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	EVP_PKEY *pkey = NULL;

	if (get_bytes(jwk, "n", n, sizeof(n), 0, &nlen, why, whysz) != 0 ||
	    get_bytes(jwk, "e", e, sizeof(e), 0, &elen, why, whysz) != 0)
		return NULL;
	/* RFC 7518 §6.3.1.1: no leading zero octets. */
	if (n[0] == 0 || e[0] == 0 || (e[elen - 1] & 1) == 0) {
		snprintf(why, whysz, "\"n\" or \"e\" is malformed");
		return NULL;
	}
	bn = BN_bin2bn(n, (int)nlen, NULL);
	be = BN_bin2bn(e, (int)elen, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (bn != NULL && be != NULL && bld != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1)
		pkey = from_params("RSA", bld);
	if (pkey == NULL)
		snprintf(why, whysz, "not a usable RSA public key");
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return pkey;
}

static EVP_PKEY *
ec_key(const struct json_value *jwk, char *why, size_t whysz)
{
	unsigned char pt[1 + 2 * EC_COORD];
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *chk = NULL;
	struct str crv;
	size_t len;

	if (get_string(jwk, "crv", 1, &crv, why, whysz) != 0)
		return NULL;
	if (!str_eq_cstr(crv, "P-256")) {
		snprintf(why, whysz, "only the EC curve P-256 is supported");
		return NULL;
	}
	/* The uncompressed point: 0x04 || x || y (SEC 1 §2.3.3). */
	pt[0] = 0x04;
	if (get_bytes(jwk, "x", pt + 1, EC_COORD, 1, &len, why, whysz) != 0 ||
	    get_bytes(jwk, "y", pt + 1 + EC_COORD, EC_COORD, 1, &len, why,
		whysz) != 0)
		return NULL;
	bld = OSSL_PARAM_BLD_new();
	if (bld != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(
		bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(
		bld, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)) == 1)
		pkey = from_params("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	/* The point must lie on the curve (invalid-curve attacks). */
	if (pkey != NULL) {
		chk = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
		if (chk == NULL || EVP_PKEY_public_check(chk) != 1) {
			EVP_PKEY_free(pkey);
			pkey = NULL;
		}
		EVP_PKEY_CTX_free(chk);
	}
	if (pkey == NULL)
		snprintf(why, whysz, "not a usable EC P-256 public key");
	return pkey;
}

static EVP_PKEY *
okp_key(const struct json_value *jwk, char *why, size_t whysz)
{
	unsigned char x[ED25519_LEN];
	EVP_PKEY *pkey;
	struct str crv;
	size_t len;

	if (get_string(jwk, "crv", 1, &crv, why, whysz) != 0)
		return NULL;
	if (!str_eq_cstr(crv, "Ed25519")) {
		snprintf(why, whysz, "only the OKP curve Ed25519 is supported");
		return NULL;
	}
	if (get_bytes(jwk, "x", x, sizeof(x), 1, &len, why, whysz) != 0)
		return NULL;
	pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, len);
	if (pkey == NULL)
		snprintf(why, whysz, "not a usable Ed25519 public key");
	return pkey;
}

/* `use` must be "sig" and `key_ops` must allow "verify" when present
 * (RFC 7517 §4.2, §4.3). */
static int
check_use(const struct json_value *jwk, char *why, size_t whysz)
{
	const struct json_value *ops = jwk_member(jwk, "key_ops");
	struct str use;
	size_t i;

	if (get_string(jwk, "use", 0, &use, why, whysz) != 0)
		return -1;
	if (use.ptr != NULL && !str_eq_cstr(use, "sig")) {
		snprintf(why, whysz, "\"use\" is not \"sig\"");
		return -1;
	}
	if (ops == NULL)
		return 0;
	if (ops->type == JSON_ARRAY)
		for (i = 0; i < ops->u.array.len; i++)
			if (ops->u.array.items[i]->type == JSON_STRING &&
			    str_eq_cstr(
				ops->u.array.items[i]->u.string, "verify"))
				return 0;
	snprintf(why, whysz, "\"key_ops\" does not allow \"verify\"");
	return -1;
}

static int
add_one(
    struct jwk_set *set, const struct json_value *jwk, char *why, size_t whysz)
{
	struct str kty, kid, alg_s;
	enum jwk_alg alg;
	EVP_PKEY *pkey = NULL;
	size_t i;

	if (jwk->type != JSON_OBJECT) {
		snprintf(why, whysz, "not a JSON object");
		return -1;
	}
	for (i = 0; i < sizeof(private_members) / sizeof(private_members[0]);
	     i++) {
		if (jwk_member(jwk, private_members[i]) != NULL) {
			snprintf(why, whysz,
			    "holds private or symmetric key material (\"%s\")",
			    private_members[i]);
			return -1;
		}
	}
	if (get_string(jwk, "kty", 1, &kty, why, whysz) != 0 ||
	    get_string(jwk, "kid", 1, &kid, why, whysz) != 0 ||
	    get_string(jwk, "alg", 1, &alg_s, why, whysz) != 0 ||
	    check_use(jwk, why, whysz) != 0 ||
	    jwk_set_room(set, kid, why, whysz) != 0)
		return -1;
	if (jwk_alg_parse(alg_s, &alg) != 0 || alg == JWK_ALG_HS256) {
		snprintf(
		    why, whysz, "\"alg\" must be RS256, PS256, ES256 or EdDSA");
		return -1;
	}
	if (str_eq_cstr(kty, "RSA"))
		pkey = rsa_key(jwk, why, whysz);
	else if (str_eq_cstr(kty, "EC"))
		pkey = ec_key(jwk, why, whysz);
	else if (str_eq_cstr(kty, "OKP"))
		pkey = okp_key(jwk, why, whysz);
	else
		snprintf(why, whysz, "\"kty\" must be RSA, EC or OKP");
	if (pkey == NULL)
		return -1;
	return jwk_set_add_pkey(set, alg, kid, pkey, why, whysz);
}

int
jwk_set_add_jwks(
    struct jwk_set *set, const char *json, size_t len, char *why, size_t whysz)
{
	struct arena *a = arena_new();
	struct json_value *doc = NULL;
	const struct json_value *keys;
	struct scim_err err;
	char sub[JWK_WHY_MAX];
	size_t i, n0 = set->n;
	int rc = -1;

	if (json_parse(a, json, len, &jwks_limits, &doc, &err) != 0) {
		snprintf(
		    why, whysz, "not a valid JSON document: %s", err.detail);
		goto out;
	}
	keys = jwk_member(doc, "keys");
	if (keys == NULL || keys->type != JSON_ARRAY ||
	    keys->u.array.len == 0) {
		snprintf(why, whysz, "no \"keys\" array of keys (RFC 7517 §5)");
		goto out;
	}
	for (i = 0; i < keys->u.array.len; i++) {
		if (add_one(set, keys->u.array.items[i], sub, sizeof(sub)) !=
		    0) {
			snprintf(why, whysz, "key %zu: %s", i, sub);
			goto out;
		}
	}
	rc = 0;
out:
	if (rc != 0) {
		/* All or nothing: drop what this file added. */
		for (i = n0; i < set->n; i++)
			EVP_PKEY_free(set->keys[i].pkey);
		set->n = n0;
	}
	arena_free(a);
	return rc;
}

int
jwk_set_add_jwks_file(
    struct jwk_set *set, const char *path, char *why, size_t whysz)
{
	char *buf = NULL, sub[JWK_WHY_MAX];
	size_t len = 0;
	int rc;

	rc = jwk_read_file(path, JWK_FILE_MAX, 0, &buf, &len, why, whysz);
	if (rc == 0) {
		rc = jwk_set_add_jwks(set, buf, len, sub, sizeof(sub));
		if (rc != 0)
			snprintf(why, whysz, "%s: %s", path, sub);
	}
	free(buf);
	return rc;
}
