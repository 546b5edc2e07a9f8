/*
 * Opaque API tokens (see token.h): creation, revocation, listing, and the
 * per-request gate. Only SHA-256(token) is stored; the token itself lives
 * only in the caller's buffer at creation and in the request header.
 *
 * Buckets (store.h):
 *   TOKENS     SHA-256 of the 52-byte wire form -> token record
 *   TOKEN_IDS  tenant \0 public id              -> the same hash
 *
 * Token record, version 1 (integers big-endian):
 *   u8       version, 1
 *   u8       n, length of the tenant name (1..63)
 *   n bytes  tenant name
 *   16 bytes public token id, lower-case hex
 *   u64      permission bitmap, bit i = enum perm value i (perm.c)
 *   i64      creation time, ms since the Unix epoch
 * Version 2 appends (and version 1 records still load, with no subject,
 * no roles and no self-admin flag):
 *   u8       flags, bit 0 = self-admin
 *   u8       s, length of the subject (0..255), then s bytes
 *   u8       r, length of the role names (0..255), then r bytes
 * A record that does not parse exactly is treated as an invalid token.
 */
#include <stdint.h>
#include <string.h>

#include "auth/token.h"
#include "util/date.h"
#include "util/log.h"
#include "util/secure.h"

#define PREFIX "scimcred_"
#define PREFIX_LEN (sizeof(PREFIX) - 1)
#define RAW_LEN 32 /* random bytes in a token */
#define B64_LEN 43 /* base64url of RAW_LEN bytes, no padding */
#define HASH_LEN SECURE_SHA256_LEN
#define RECORD_V1 1
#define RECORD_VERSION 2
#define RECORD_V1_MAX (2 + TENANT_NAME_MAX + TOKEN_ID_LEN + 8 + 8)
#define RECORD_MAX (RECORD_V1_MAX + 3 + PRINCIPAL_SUBJECT_MAX + TOKEN_ROLES_MAX)
#define FLAG_SELF_ADMIN 1
#define ID_KEY_MAX (TENANT_NAME_MAX + 1 + TOKEN_ID_LEN)

_Static_assert(PREFIX_LEN + B64_LEN == TOKEN_STRLEN, "token length");
_Static_assert(RAW_LEN % 3 == 2, "secret_encode ends with 16 bits");
_Static_assert(TOKEN_STRLEN + 7 <= TOKEN_MAX, "a header fits TOKEN_MAX");

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static const char *const missing_detail =
    "authentication required: send Authorization: Bearer <token>";
static const char *const invalid_detail =
    "the bearer token is invalid or revoked";

/* Position of c in b64url, or -1. By ranges rather than strchr: every
 * request checks all 43 characters of its token. */
static int
b64_index(char c)
{
	int i = -1;

	if (c >= 'A' && c <= 'Z')
		i = c - 'A';
	else if (c >= 'a' && c <= 'z')
		i = c - 'a' + 26;
	else if (c >= '0' && c <= '9')
		i = c - '0' + 52;
	else if (c == '-')
		i = 62;
	else if (c == '_')
		i = 63;
	return i;
}

/* secret = PREFIX + base64url(raw), NUL-terminated. */
static void
secret_encode(const unsigned char raw[RAW_LEN], char *secret)
{
	char *o = secret;
	uint32_t v;
	size_t i;

	memcpy(o, PREFIX, PREFIX_LEN);
	o += PREFIX_LEN;
	for (i = 0; i + 3 <= RAW_LEN; i += 3) {
		v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 |
		    raw[i + 2];
		*o++ = b64url[v >> 18 & 63];
		*o++ = b64url[v >> 12 & 63];
		*o++ = b64url[v >> 6 & 63];
		*o++ = b64url[v & 63];
	}
	/* RAW_LEN % 3 == 2: 16 bits left, three characters. */
	v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8;
	*o++ = b64url[v >> 18 & 63];
	*o++ = b64url[v >> 12 & 63];
	*o++ = b64url[v >> 6 & 63];
	*o = '\0';
}

/*
 * Exactly the wire form: the prefix, then 43 base64url characters whose
 * last one carries only the 4 remaining bits (its low 2 bits zero), so a
 * secret has one spelling.
 */
static int
secret_syntax_ok(struct str t)
{
	size_t i;

	if (t.len != TOKEN_STRLEN || memcmp(t.ptr, PREFIX, PREFIX_LEN) != 0)
		return 0;
	for (i = PREFIX_LEN; i < t.len; i++) {
		if (b64_index(t.ptr[i]) < 0)
			return 0;
	}
	return (b64_index(t.ptr[t.len - 1]) & 3) == 0;
}

static int
id_ok(struct str id)
{
	size_t i;

	if (id.len != TOKEN_ID_LEN)
		return 0;
	for (i = 0; i < id.len; i++) {
		if (!((id.ptr[i] >= '0' && id.ptr[i] <= '9') ||
			(id.ptr[i] >= 'a' && id.ptr[i] <= 'f')))
			return 0;
	}
	return 1;
}

/* tenant \0 id; both already validated. */
static struct str
id_key(char buf[ID_KEY_MAX], struct str tenant, struct str id)
{
	memcpy(buf, tenant.ptr, tenant.len);
	buf[tenant.len] = '\0';
	memcpy(buf + tenant.len + 1, id.ptr, id.len);
	return str_make(buf, tenant.len + 1 + id.len);
}

static void
put_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static size_t
record_encode(unsigned char out[RECORD_MAX], const struct token_info *info)
{
	size_t n = strlen(info->tenant), off = 0;

	out[off++] = RECORD_VERSION;
	out[off++] = (unsigned char)n;
	memcpy(out + off, info->tenant, n);
	off += n;
	memcpy(out + off, info->id, TOKEN_ID_LEN);
	off += TOKEN_ID_LEN;
	put_u64(out + off, info->perms.bits);
	off += 8;
	put_u64(out + off, (uint64_t)info->created_ms);
	off += 8;
	out[off++] = info->self_admin ? FLAG_SELF_ADMIN : 0;
	n = strlen(info->subject);
	out[off++] = (unsigned char)n;
	memcpy(out + off, info->subject, n);
	off += n;
	n = strlen(info->roles);
	out[off++] = (unsigned char)n;
	memcpy(out + off, info->roles, n);
	return off + n;
}

/* Bytes that may appear in a subject or role list: no controls. */
static int
text_ok(struct str s, size_t max)
{
	size_t i;

	if (s.len > max)
		return 0;
	for (i = 0; i < s.len; i++)
		if ((unsigned char)s.ptr[i] < 0x20 || s.ptr[i] == 0x7f)
			return 0;
	return 1;
}

/* The version 2 tail at p[0..len): flags, subject, roles. */
static int
tail_decode(const unsigned char *p, size_t len, struct token_info *info)
{
	size_t s, r;

	if (len < 3 || (p[0] & ~FLAG_SELF_ADMIN) != 0)
		return -1;
	s = p[1];
	if (len < 3 + s)
		return -1;
	r = p[2 + s];
	if (len != 3 + s + r ||
	    !text_ok(str_make((const char *)p + 2, s), PRINCIPAL_SUBJECT_MAX) ||
	    !text_ok(str_make((const char *)p + 3 + s, r), TOKEN_ROLES_MAX))
		return -1;
	info->self_admin = (p[0] & FLAG_SELF_ADMIN) != 0;
	memcpy(info->subject, p + 2, s);
	memcpy(info->roles, p + 3 + s, r);
	return 0;
}

static int
record_decode(struct str rec, struct token_info *info)
{
	const unsigned char *p = (const unsigned char *)rec.ptr;
	size_t n;

	if (rec.len < 2 || (p[0] != RECORD_V1 && p[0] != RECORD_VERSION))
		return -1;
	n = p[1];
	if ((p[0] == RECORD_V1 && rec.len != 2 + n + TOKEN_ID_LEN + 16) ||
	    (p[0] == RECORD_VERSION && rec.len < 2 + n + TOKEN_ID_LEN + 16) ||
	    !tenant_name_ok(str_make(rec.ptr + 2, n)) ||
	    !id_ok(str_make(rec.ptr + 2 + n, TOKEN_ID_LEN)))
		return -1;
	memset(info, 0, sizeof(*info));
	memcpy(info->tenant, rec.ptr + 2, n);
	memcpy(info->id, rec.ptr + 2 + n, TOKEN_ID_LEN);
	/* Bits of permissions this build does not know grant nothing. */
	info->perms.bits =
	    get_u64(p + 2 + n + TOKEN_ID_LEN) & perm_set_all().bits;
	info->created_ms = (int64_t)get_u64(p + 2 + n + TOKEN_ID_LEN + 8);
	if (p[0] == RECORD_VERSION)
		return tail_decode(p + 2 + n + TOKEN_ID_LEN + 16,
		    rec.len - (2 + n + TOKEN_ID_LEN + 16), info);
	return 0;
}

/* Picks a public id not yet used in the tenant; fills info->id, key. */
static int
new_id(struct store_txn *txn, struct str tenant, struct token_info *info,
    char key[ID_KEY_MAX], struct str *k, struct scim_err *err)
{
	unsigned char b[TOKEN_ID_LEN / 2];
	struct str v;
	int rc = 0, tries;

	for (tries = 0; tries < 4; tries++) {
		secure_random(b, sizeof(b));
		secure_hex(b, sizeof(b), info->id);
		*k = id_key(key, tenant, str_make(info->id, TOKEN_ID_LEN));
		rc = store_kv_get(txn, STORE_BUCKET_TOKEN_IDS, *k, &v);
		if (rc == SCIM_E_NOT_FOUND)
			return 0;
		if (rc != 0)
			return scim_err_set(err, rc, "storage failure");
	}
	log_error("no unused token id after %d tries", tries);
	return scim_err_set(err, SCIM_E_INTERNAL, "internal error");
}

int
token_create(struct store_txn *txn, struct str tenant,
    const struct perm_set *perms, char *secret, struct token_info *info,
    struct scim_err *err)
{
	struct token_grant g;

	memset(&g, 0, sizeof(g));
	g.perms = *perms;
	return token_create_grant(txn, tenant, &g, secret, info, err);
}

static int
grant_check(const struct token_grant *g, struct scim_err *err)
{
	if (!text_ok(g->subject, PRINCIPAL_SUBJECT_MAX))
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "a subject is at most %d characters without control "
		    "characters",
		    PRINCIPAL_SUBJECT_MAX);
	if (!text_ok(g->roles, TOKEN_ROLES_MAX))
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "the role names are longer than %d characters",
		    TOKEN_ROLES_MAX);
	if (g->self_admin && g->subject.len == 0)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "a self-admin token needs a subject (a User id)");
	return 0;
}

int
token_create_grant(struct store_txn *txn, struct str tenant,
    const struct token_grant *g, char *secret, struct token_info *info,
    struct scim_err *err)
{
	unsigned char raw[RAW_LEN], hash[HASH_LEN], rec[RECORD_MAX];
	char key[ID_KEY_MAX];
	struct str k;
	size_t reclen;
	int rc = 0;

	memset(info, 0, sizeof(*info));
	secret[0] = '\0';
	if ((rc = grant_check(g, err)) != 0)
		goto out;
	if (!tenant_name_ok(tenant) || !store_tenant_exists(txn, tenant)) {
		rc = scim_err_set(err, SCIM_E_NOT_FOUND, "tenant not found");
		goto out;
	}
	memcpy(info->tenant, tenant.ptr, tenant.len);
	if ((rc = new_id(txn, tenant, info, key, &k, err)) != 0)
		goto out;
	info->perms.bits = g->perms.bits & perm_set_all().bits;
	info->self_admin = g->self_admin != 0;
	if (g->subject.len > 0)
		memcpy(info->subject, g->subject.ptr, g->subject.len);
	if (g->roles.len > 0)
		memcpy(info->roles, g->roles.ptr, g->roles.len);
	info->created_ms = date_now_ms();
	secure_random(raw, sizeof(raw));
	secret_encode(raw, secret);
	secure_sha256(secret, TOKEN_STRLEN, hash);
	reclen = record_encode(rec, info);
	if ((rc = store_kv_put(txn, STORE_BUCKET_TOKENS,
		 str_make((const char *)hash, HASH_LEN),
		 str_make((const char *)rec, reclen), err)) != 0 ||
	    (rc = store_kv_put(txn, STORE_BUCKET_TOKEN_IDS, k,
		 str_make((const char *)hash, HASH_LEN), err)) != 0)
		goto out;
	rc = 0;
out:
	secure_wipe(raw, sizeof(raw));
	secure_wipe(hash, sizeof(hash));
	if (rc != 0) {
		secure_wipe(secret, TOKEN_STRLEN + 1);
		memset(info, 0, sizeof(*info));
	}
	return rc;
}

int
token_revoke(struct store_txn *txn, struct str tenant, struct str id,
    struct scim_err *err)
{
	unsigned char hash[HASH_LEN];
	char key[ID_KEY_MAX];
	struct str k, v;
	int rc = 0;

	memset(hash, 0, sizeof(hash));
	if (!tenant_name_ok(tenant) || !id_ok(id)) {
		rc = scim_err_set(err, SCIM_E_NOT_FOUND, "token not found");
		goto out;
	}
	k = id_key(key, tenant, id);
	rc = store_kv_get(txn, STORE_BUCKET_TOKEN_IDS, k, &v);
	if (rc != 0) {
		rc = scim_err_set(err, rc,
		    rc == SCIM_E_NOT_FOUND ? "token not found"
					   : "storage failure");
		goto out;
	}
	/* Copy: the view dies with the first write. */
	if (v.len == HASH_LEN)
		memcpy(hash, v.ptr, HASH_LEN);
	if ((rc = store_kv_del(txn, STORE_BUCKET_TOKEN_IDS, k, err)) != 0)
		goto out;
	if (v.len == HASH_LEN) {
		rc = store_kv_del(txn, STORE_BUCKET_TOKENS,
		    str_make((const char *)hash, HASH_LEN), err);
		if (rc == SCIM_E_NOT_FOUND)
			rc = 0;
	}
out:
	secure_wipe(hash, sizeof(hash));
	return rc;
}

struct each_ctx {
	struct store_txn *txn;
	int (*fn)(void *arg, const struct token_info *info);
	void *arg;
};

static int
each_visit(void *arg, struct str key, struct str hash)
{
	struct each_ctx *c = arg;
	struct token_info info;
	struct str rec;
	int rc;

	rc = store_kv_get(c->txn, STORE_BUCKET_TOKENS, hash, &rec);
	if (rc == SCIM_E_NOT_FOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (record_decode(rec, &info) != 0) {
		log_warn("skipping a damaged token record");
		return 0;
	}
	return c->fn(c->arg, &info);
}

int
token_each(struct store_txn *txn, struct str tenant,
    int (*fn)(void *arg, const struct token_info *info), void *arg)
{
	struct each_ctx c = {txn, fn, arg};
	char prefix[TENANT_NAME_MAX + 1];

	if (!tenant_name_ok(tenant))
		return 0;
	memcpy(prefix, tenant.ptr, tenant.len);
	prefix[tenant.len] = '\0';
	return store_kv_each_prefix(txn, STORE_BUCKET_TOKEN_IDS,
	    str_make(prefix, tenant.len + 1), each_visit, &c);
}

/*
 * credentials = "Bearer" 1*SP b64token (RFC 6750 §2.1): the scheme
 * compares case-insensitively (RFC 7235 §2.1), one or more spaces follow,
 * then the token in its exact wire form with nothing after it.
 */
static int
bearer_token(struct str a, struct str *tok)
{
	static const struct str scheme = STR_LIT("Bearer");
	size_t i;

	if (a.len > TOKEN_MAX || a.len <= scheme.len + 1 ||
	    !str_case_has_prefix(a, scheme) || a.ptr[scheme.len] != ' ')
		return -1;
	for (i = scheme.len; i < a.len && a.ptr[i] == ' '; i++)
		;
	*tok = str_make(a.ptr + i, a.len - i);
	return secret_syntax_ok(*tok) ? 0 : -1;
}

/* Finds the token's record and checks it is still live. 1 if not. */
static int
token_lookup(struct store_txn *txn, const unsigned char hash[HASH_LEN],
    struct token_info *info)
{
	char key[ID_KEY_MAX];
	struct str rec, stored, k;
	int rc;

	rc = store_kv_get(txn, STORE_BUCKET_TOKENS,
	    str_make((const char *)hash, HASH_LEN), &rec);
	if (rc != 0)
		return rc == SCIM_E_NOT_FOUND ? 1 : rc;
	if (record_decode(rec, info) != 0) {
		log_warn("a token matched a damaged token record");
		return 1;
	}
	/* The id entry must point back at this hash: revocation removes
	 * it first, and CRYPTO_memcmp keeps the compare constant-time. */
	k = id_key(key, str_from(info->tenant), str_from(info->id));
	rc = store_kv_get(txn, STORE_BUCKET_TOKEN_IDS, k, &stored);
	if (rc != 0)
		return rc == SCIM_E_NOT_FOUND ? 1 : rc;
	if (stored.len != HASH_LEN || !secure_eq(stored.ptr, hash, HASH_LEN) ||
	    !store_tenant_exists(txn, str_from(info->tenant)))
		return 1;
	return 0;
}

int
token_authenticate(struct store_txn *txn, struct str authorization,
    struct principal *p, struct scim_err *err)
{
	unsigned char hash[HASH_LEN];
	struct token_info info;
	struct str tok;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	memset(hash, 0, sizeof(hash));
	if (authorization.ptr == NULL || authorization.len == 0) {
		rc = scim_err_set(
		    err, SCIM_E_UNAUTHORIZED, "%s", missing_detail);
		goto out;
	}
	if (bearer_token(authorization, &tok) != 0) {
		rc = scim_err_set(
		    err, SCIM_E_UNAUTHORIZED, "%s", invalid_detail);
		goto out;
	}
	secure_sha256(tok.ptr, tok.len, hash);
	rc = token_lookup(txn, hash, &info);
	if (rc == 1)
		rc = scim_err_set(
		    err, SCIM_E_UNAUTHORIZED, "%s", invalid_detail);
	else if (rc != 0)
		rc = scim_err_set(err, rc, "storage failure");
	if (rc != 0)
		goto out;
	memcpy(p->tenant, info.tenant, sizeof(p->tenant));
	memcpy(p->token_id, info.id, sizeof(p->token_id));
	memcpy(p->subject, info.subject, sizeof(p->subject));
	p->perms = info.perms;
	p->self_admin = info.self_admin;
	rc = 0;
out:
	secure_wipe(hash, sizeof(hash));
	return rc;
}

int
token_authorize(struct store_txn *txn, struct str tenant,
    struct str authorization, enum perm need, struct principal *p,
    struct scim_err *err)
{
	int rc;

	rc = token_authenticate(txn, authorization, p, err);
	if (rc != 0)
		goto out;
	/* Another tenant's token sees this tenant as absent, so tenants
	 * can't be probed (HARDENING.md promise 4). */
	if (!str_eq_cstr(tenant, p->tenant)) {
		rc = scim_err_set(err, SCIM_E_NOT_FOUND, "tenant not found");
		goto out;
	}
	rc = perm_require(&p->perms, need, err);
out:
	if (rc != 0)
		memset(p, 0, sizeof(*p));
	return rc;
}
