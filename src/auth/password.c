/* scrypt password hashes in a self-describing text form; see password.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth/password.h"
#include "util/num.h"
#include "util/secure.h"

#define PREFIX "$scrypt$"
#define SALT_LEN 16
#define KEY_LEN 32
#define SALT_MIN 8
#define SALT_MAX 64
#define KEY_MIN 16
#define KEY_MAX 64
#define B64_MAX 90 /* >= unpadded base64 of KEY_MAX or SALT_MAX bytes */

const struct password_cost password_cost_default = {15, 8, 1};

/* A parsed stored hash. */
struct parsed {
	struct password_cost cost;
	unsigned char salt[SALT_MAX];
	size_t salt_len;
	unsigned char key[KEY_MAX];
	size_t key_len;
};

static int
cost_ok(const struct password_cost *c)
{
	return c->ln >= 10 && c->ln <= 20 && c->r >= 1 && c->r <= 32 &&
	    c->p >= 1 && c->p <= 16;
}

/* Unpadded standard base64 of in[0..n) into out (NUL-terminated). */
static void
b64_encode(const unsigned char *in, size_t n, char *out)
{
	int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);

	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
}

/* Decodes unpadded base64 s into out (at most max bytes); -1 if it is
 * not base64 of a length this module writes. */
static int
b64_decode(struct str s, unsigned char *out, size_t max, size_t *n)
{
	char padded[B64_MAX + 4];
	unsigned char tmp[B64_MAX];
	size_t pad = (4 - s.len % 4) % 4, i;
	int len;

	if (s.len == 0 || s.len > B64_MAX || pad == 3)
		return -1;
	for (i = 0; i < s.len; i++) {
		char ch = s.ptr[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			(ch >= '0' && ch <= '9') || ch == '+' || ch == '/'))
			return -1;
	}
	memcpy(padded, s.ptr, s.len);
	memset(padded + s.len, '=', pad);
	len = EVP_DecodeBlock(
	    tmp, (const unsigned char *)padded, (int)(s.len + pad));
	if (len < 0 || (size_t)len < pad || (size_t)len - pad > max)
		return -1;
	*n = (size_t)len - pad;
	memcpy(out, tmp, *n);
	return 0;
}

static int
derive(struct str pw, const struct password_cost *c, const unsigned char *salt,
    size_t salt_len, unsigned char *key, size_t key_len)
{
	uint64_t n = (uint64_t)1 << c->ln;
	/* What EVP_PBE_scrypt needs: 128*r*p for B, 128*r*(N+2) for V. */
	uint64_t mem = 128 * (uint64_t)c->r * (n + 2 + c->p) + 4096;

	return EVP_PBE_scrypt(pw.ptr != NULL ? pw.ptr : "", pw.len, salt,
		   salt_len, n, c->r, c->p, mem, key, key_len) == 1
	    ? 0
	    : -1;
}

int
password_hash(struct str pw, const struct password_cost *cost,
    char out[PASSWORD_HASH_MAX], struct scim_err *err)
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	/* base64 of 16 and 32 bytes: 24 and 44 characters, padded */
	char salt64[25], key64[45];
	int rc = 0;

	if (cost == NULL)
		cost = &password_cost_default;
	out[0] = '\0';
	if (pw.len == 0 || pw.len > PASSWORD_MAX) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "password: must be 1 to %d bytes long", PASSWORD_MAX);
		goto out;
	}
	if (!cost_ok(cost)) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "password: the hash cost is out of bounds");
		goto out;
	}
	secure_random(salt, sizeof(salt));
	if (derive(pw, cost, salt, sizeof(salt), key, sizeof(key)) != 0) {
		rc = scim_err_set(
		    err, SCIM_E_INTERNAL, "the password could not be hashed");
		goto out;
	}
	b64_encode(salt, sizeof(salt), salt64);
	b64_encode(key, sizeof(key), key64);
	snprintf(out, PASSWORD_HASH_MAX, PREFIX "ln=%u,r=%u,p=%u$%s$%s",
	    cost->ln, cost->r, cost->p, salt64, key64);
out:
	secure_wipe(key, sizeof(key));
	return rc;
}

/* Reads "name=<decimal>" at the front of *s, then skips sep. */
static int
param(struct str *s, const char *name, char sep, unsigned *out)
{
	size_t nl = strlen(name), i = nl + 1;
	int64_t v;

	if (s->len <= i || memcmp(s->ptr, name, nl) != 0 || s->ptr[nl] != '=')
		return -1;
	while (i < s->len && s->ptr[i] != sep)
		i++;
	if (i >= s->len ||
	    num_parse_range(
		str_make(s->ptr + nl + 1, i - nl - 1), 0, 1000, &v) != 0)
		return -1;
	*out = (unsigned)v;
	s->ptr += i + 1;
	s->len -= i + 1;
	return 0;
}

static int
parse(struct str s, struct parsed *p)
{
	long dollar;

	if (!str_has_prefix(s, STR_LIT(PREFIX)))
		return -1;
	s.ptr += sizeof(PREFIX) - 1;
	s.len -= sizeof(PREFIX) - 1;
	if (param(&s, "ln", ',', &p->cost.ln) != 0 ||
	    param(&s, "r", ',', &p->cost.r) != 0 ||
	    param(&s, "p", '$', &p->cost.p) != 0 || !cost_ok(&p->cost))
		return -1;
	dollar = str_find(s, STR_LIT("$"), 0);
	if (dollar < 0 ||
	    b64_decode(str_make(s.ptr, (size_t)dollar), p->salt, SALT_MAX,
		&p->salt_len) != 0 ||
	    b64_decode(str_make(s.ptr + dollar + 1, s.len - (size_t)dollar - 1),
		p->key, KEY_MAX, &p->key_len) != 0)
		return -1;
	return p->salt_len >= SALT_MIN && p->key_len >= KEY_MIN ? 0 : -1;
}

int
password_is_hash(struct str s)
{
	struct parsed p;

	return parse(s, &p) == 0;
}

int
password_verify(struct str pw, struct str stored)
{
	unsigned char key[KEY_MAX];
	struct parsed p;
	int ok = 0;

	if (pw.len == 0 || pw.len > PASSWORD_MAX || parse(stored, &p) != 0)
		goto out;
	if (derive(pw, &p.cost, p.salt, p.salt_len, key, p.key_len) != 0)
		goto out;
	ok = CRYPTO_memcmp(key, p.key, p.key_len) == 0;
out:
	secure_wipe(key, sizeof(key));
	return ok;
}
