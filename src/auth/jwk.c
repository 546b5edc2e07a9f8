/*
 * Verification keys (see jwk.h): loading from PEM and secret files, the
 * set, and signature verification with OpenSSL 3's EVP interface. JWKS
 * parsing lives in jwk_jwks.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "auth/jwk_int.h"
#include "util/secure.h"
#include "util/xmalloc.h"

#define HS256_LEN 32
#define ES256_HALF 32

static const char *const alg_names[] = {
    [JWK_ALG_RS256] = "RS256",
    [JWK_ALG_PS256] = "PS256",
    [JWK_ALG_ES256] = "ES256",
    [JWK_ALG_EDDSA] = "EdDSA",
    [JWK_ALG_HS256] = "HS256",
};

const char *
jwk_alg_name(enum jwk_alg alg)
{
	if ((unsigned)alg >= sizeof(alg_names) / sizeof(alg_names[0]))
		return "?";
	return alg_names[alg];
}

int
jwk_alg_parse(struct str s, enum jwk_alg *out)
{
	size_t i;

	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
		if (str_eq_cstr(s, alg_names[i])) {
			*out = (enum jwk_alg)i;
			return 0;
		}
	}
	return -1;
}

int
jwk_kid_ok(struct str kid)
{
	size_t i;

	if (kid.ptr == NULL || kid.len == 0 || kid.len > JWK_KID_MAX)
		return 0;
	for (i = 0; i < kid.len; i++)
		if ((unsigned char)kid.ptr[i] < 0x21 ||
		    (unsigned char)kid.ptr[i] > 0x7e)
			return 0;
	return 1;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
jwk_b64url_decode(
    struct str in, unsigned char *out, size_t outsz, size_t *outlen)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0, v;

	/* A lone final character carries 6 bits: never a whole byte. */
	if (in.len % 4 == 1 || in.len > SIZE_MAX / 6 || in.len * 6 / 8 > outsz)
		return -1;
	for (i = 0; i < in.len; i++) {
		if ((v = b64_value(in.ptr[i])) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits & 0xff);
		}
	}
	/* Leftover bits must be zero: one spelling per byte string. */
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	*outlen = o;
	return 0;
}

const struct json_value *
jwk_member(const struct json_value *obj, const char *name)
{
	size_t i;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->u.object.len; i++)
		if (str_eq_cstr(obj->u.object.members[i].key, name))
			return obj->u.object.members[i].value;
	return NULL;
}

/* ------------------------------------------------------------------ set */

struct jwk_set *
jwk_set_new(void)
{
	return xcalloc(1, sizeof(struct jwk_set));
}

void
jwk_set_free(struct jwk_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		EVP_PKEY_free(set->keys[i].pkey);
		secure_wipe(set->keys[i].secret, sizeof(set->keys[i].secret));
	}
	free(set);
}

size_t
jwk_set_count(const struct jwk_set *set)
{
	return set != NULL ? set->n : 0;
}

const struct jwk_key *
jwk_set_find(const struct jwk_set *set, struct str kid)
{
	size_t i;

	if (set == NULL)
		return NULL;
	for (i = 0; i < set->n; i++)
		if (str_eq(
			kid, str_make(set->keys[i].kid, set->keys[i].kid_len)))
			return &set->keys[i];
	return NULL;
}

const struct jwk_key *
jwk_set_at(const struct jwk_set *set, size_t i)
{
	return set != NULL && i < set->n ? &set->keys[i] : NULL;
}

enum jwk_alg
jwk_key_alg(const struct jwk_key *key)
{
	return key->alg;
}

const char *
jwk_key_kid(const struct jwk_key *key)
{
	return key->kid;
}

int
jwk_set_room(const struct jwk_set *set, struct str kid, char *why, size_t whysz)
{
	if (!jwk_kid_ok(kid)) {
		snprintf(why, whysz,
		    "a kid is 1 to %d printable ASCII characters", JWK_KID_MAX);
		return -1;
	}
	if (jwk_set_find(set, kid) != NULL) {
		snprintf(why, whysz, "kid \"%.*s\" is already configured",
		    STR_FMT(kid));
		return -1;
	}
	if (set->n == JWK_SET_MAX) {
		snprintf(why, whysz, "more than %d keys", JWK_SET_MAX);
		return -1;
	}
	return 0;
}

/* Checks that pkey's type and size fit alg. */
int
jwk_pkey_fits(EVP_PKEY *pkey, enum jwk_alg alg, char *why, size_t whysz)
{
	char group[64] = "";
	size_t glen = 0;
	int bits = EVP_PKEY_get_bits(pkey);

	switch (alg) {
	case JWK_ALG_RS256:
	case JWK_ALG_PS256:
		if (!EVP_PKEY_is_a(pkey, "RSA"))
			break;
		if (bits < JWK_RSA_MIN_BITS || bits > JWK_RSA_MAX_BITS) {
			snprintf(why, whysz,
			    "an RSA key of %d bits (%d to %d are accepted)",
			    bits, JWK_RSA_MIN_BITS, JWK_RSA_MAX_BITS);
			return -1;
		}
		return 0;
	case JWK_ALG_ES256:
		if (!EVP_PKEY_is_a(pkey, "EC") ||
		    EVP_PKEY_get_utf8_string_param(pkey,
			OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
			&glen) != 1 ||
		    strcmp(group, "prime256v1") != 0)
			break;
		return 0;
	case JWK_ALG_EDDSA:
		if (!EVP_PKEY_is_a(pkey, "ED25519"))
			break;
		return 0;
	case JWK_ALG_HS256:
		break;
	}
	snprintf(why, whysz, "the key does not fit %s (%s needs %s)",
	    jwk_alg_name(alg), jwk_alg_name(alg),
	    alg == JWK_ALG_ES256       ? "an EC P-256 key"
		: alg == JWK_ALG_EDDSA ? "an Ed25519 key"
		: alg == JWK_ALG_HS256 ? "a shared secret"
				       : "an RSA key");
	return -1;
}

/* Takes pkey (freed on failure too). */
int
jwk_set_add_pkey(struct jwk_set *set, enum jwk_alg alg, struct str kid,
    EVP_PKEY *pkey, char *why, size_t whysz)
{
	struct jwk_key *k;

	if (jwk_set_room(set, kid, why, whysz) != 0 ||
	    jwk_pkey_fits(pkey, alg, why, whysz) != 0) {
		EVP_PKEY_free(pkey);
		return -1;
	}
	k = &set->keys[set->n++];
	memset(k, 0, sizeof(*k));
	memcpy(k->kid, kid.ptr, kid.len);
	k->kid_len = kid.len;
	k->alg = alg;
	k->pkey = pkey;
	return 0;
}

int
jwk_set_add_pem(struct jwk_set *set, enum jwk_alg alg, struct str kid,
    const char *pem, size_t len, char *why, size_t whysz)
{
	EVP_PKEY *pkey = NULL;
	BIO *bio;

	if (alg == JWK_ALG_HS256) {
		snprintf(
		    why, whysz, "HS256 takes a secret file, not a PEM key");
		return -1;
	}
	/* PEM_read_bio_PUBKEY would skip a private key block to find a
	 * public one: refuse the file instead, it should not be here. */
	if (str_find(str_make(pem, len), STR_LIT("PRIVATE KEY"), 0) >= 0) {
		snprintf(why, whysz,
		    "the file holds a private key; configure the public key "
		    "only");
		return -1;
	}
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio != NULL)
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (pkey == NULL) {
		snprintf(why, whysz,
		    "no PEM public key (\"BEGIN PUBLIC KEY\") could be read");
		return -1;
	}
	return jwk_set_add_pkey(set, alg, kid, pkey, why, whysz);
}

/* Reads a regular file of at most max bytes into a malloc'd buffer. */
int
jwk_read_file(const char *path, size_t max, int private_file, char **out,
    size_t *outlen, char *why, size_t whysz)
{
	struct stat sb;
	char *buf = NULL;
	ssize_t n;
	size_t got = 0;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		snprintf(why, whysz, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size < 0 ||
	    (size_t)sb.st_size > max) {
		snprintf(why, whysz,
		    "%s: not a regular file of at most %zu "
		    "bytes",
		    path, max);
		goto out;
	}
	if (private_file && (sb.st_mode & 077) != 0) {
		snprintf(why, whysz,
		    "%s: group or others may access it (chmod 600)", path);
		goto out;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, whysz, "%s: read error", path);
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*outlen = got;
	buf = NULL;
	rc = 0;
out:
	if (buf != NULL) {
		secure_wipe(buf, (size_t)sb.st_size + 1);
		free(buf);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

int
jwk_set_add_pem_file(struct jwk_set *set, enum jwk_alg alg, struct str kid,
    const char *path, char *why, size_t whysz)
{
	char *buf = NULL, sub[JWK_WHY_MAX];
	size_t len = 0;
	int rc;

	rc = jwk_read_file(path, JWK_FILE_MAX, 0, &buf, &len, why, whysz);
	if (rc == 0) {
		rc = jwk_set_add_pem(set, alg, kid, buf, len, sub, sizeof(sub));
		if (rc != 0)
			snprintf(why, whysz, "%s: %s", path, sub);
	}
	free(buf);
	return rc;
}

int
jwk_set_add_secret(struct jwk_set *set, struct str kid, const void *secret,
    size_t len, char *why, size_t whysz)
{
	struct jwk_key *k;

	if (jwk_set_room(set, kid, why, whysz) != 0)
		return -1;
	if (len < JWK_SECRET_MIN || len > JWK_SECRET_MAX) {
		snprintf(why, whysz,
		    "an HS256 secret must be %d to %d bytes, not %zu",
		    JWK_SECRET_MIN, JWK_SECRET_MAX, len);
		return -1;
	}
	k = &set->keys[set->n++];
	memset(k, 0, sizeof(*k));
	memcpy(k->kid, kid.ptr, kid.len);
	k->kid_len = kid.len;
	k->alg = JWK_ALG_HS256;
	memcpy(k->secret, secret, len);
	k->secret_len = len;
	return 0;
}

int
jwk_set_add_secret_file(struct jwk_set *set, struct str kid, const char *path,
    char *why, size_t whysz)
{
	char *buf = NULL, sub[JWK_WHY_MAX];
	size_t len = 0;
	int rc;

	rc = jwk_read_file(path, JWK_SECRET_MAX + 2, 1, &buf, &len, why, whysz);
	if (rc != 0)
		goto out;
	/* Editors add a final newline; it is not part of the secret. */
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	rc = jwk_set_add_secret(set, kid, buf, len, sub, sizeof(sub));
	if (rc != 0)
		snprintf(why, whysz, "%s: %s", path, sub);
out:
	if (buf != NULL) {
		secure_wipe(buf, len);
		free(buf);
	}
	return rc;
}

/* --------------------------------------------------------------- verify */

static int
verify_hs256(const struct jwk_key *key, const void *msg, size_t n,
    const unsigned char *sig, size_t siglen)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	int ok = 0;

	if (siglen != HS256_LEN)
		return 0;
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key->secret,
		key->secret_len, msg, n, mac, sizeof(mac), &maclen) != NULL &&
	    maclen == HS256_LEN)
		ok = CRYPTO_memcmp(mac, sig, HS256_LEN) == 0;
	secure_wipe(mac, sizeof(mac));
	return ok;
}

/* JWS's r||s (RFC 7518 §3.4) as the DER that EVP expects; NULL if the
 * halves are out of range. Caller frees with OPENSSL_free. */
static unsigned char *
es256_der(const unsigned char *sig, int *derlen)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, ES256_HALF, NULL);
	BIGNUM *s = BN_bin2bn(sig + ES256_HALF, ES256_HALF, NULL);
	unsigned char *der = NULL;

	*derlen = 0;
	if (es == NULL || r == NULL || s == NULL || BN_is_zero(r) ||
	    BN_is_zero(s) || ECDSA_SIG_set0(es, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		goto out;
	}
	*derlen = i2d_ECDSA_SIG(es, &der);
	if (*derlen <= 0) {
		der = NULL;
		*derlen = 0;
	}
out:
	ECDSA_SIG_free(es);
	return der;
}

int
jwk_key_verify(const struct jwk_key *key, const void *msg, size_t n,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL;
	const char *md = "SHA256";
	int ok = 0, derlen = 0;

	if (key->alg == JWK_ALG_HS256)
		return verify_hs256(key, msg, n, sig, siglen);
	switch (key->alg) {
	case JWK_ALG_RS256:
	case JWK_ALG_PS256:
		if (siglen != (size_t)EVP_PKEY_get_size(key->pkey))
			goto out;
		break;
	case JWK_ALG_ES256:
		if (siglen != 2 * ES256_HALF ||
		    (der = es256_der(sig, &derlen)) == NULL)
			goto out;
		sig = der;
		siglen = (size_t)derlen;
		break;
	case JWK_ALG_EDDSA:
		/* Ed25519 hashes internally: no digest (RFC 8032). */
		md = NULL;
		if (siglen != 64)
			goto out;
		break;
	case JWK_ALG_HS256:
		goto out;
	}
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL ||
	    EVP_DigestVerifyInit_ex(
		mctx, &pctx, md, NULL, NULL, key->pkey, NULL) != 1)
		goto out;
	if (key->alg == JWK_ALG_PS256 &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		EVP_PKEY_CTX_set_rsa_pss_saltlen(
		    pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
		goto out;
	ok = EVP_DigestVerify(mctx, sig, siglen, msg, n) == 1;
out:
	EVP_MD_CTX_free(mctx);
	OPENSSL_free(der);
	return ok;
}
