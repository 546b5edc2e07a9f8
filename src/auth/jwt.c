/*
 * JWT verification (see jwt.h). The order matters (RFC 8725 §3.1-3.3):
 * the header is read only to pick the key and is checked strictly; the
 * signature is verified before a single claim is parsed; then the claims
 * are checked. Every decision is explicit; nothing defaults to "accept".
 *
 * Header and claims go through our strict JSON reader (json/json.h):
 * duplicate member names, including ones differing only in case, reject
 * the token there (RFC 7515 §4, RFC 7519 §4 allow a parser to refuse
 * them, and RFC 8725 §3.11 asks for strict parsing). Lookups are exact
 * and case-sensitive as JOSE names are.
 */
#include <stdio.h>
#include <string.h>

#include "auth/jwt.h"
#include "json/json.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/scim_err.h"

#define SIG_MAX (JWK_RSA_MAX_BITS / 8)
/* A NumericDate beyond this (year ~318,000) is treated as malformed. */
#define NUMERIC_DATE_MAX 1e13

static const struct json_limits jose_limits = {
    .max_depth = 8,
    .max_keys = 128,
    .max_items = 256,
    .max_tokens = 4096,
    .max_string = JWT_MAX,
};

/* Header parameters that name keys or change what the bytes mean; each
 * is a way around the configured key (RFC 8725 §3.10, RFC 7515 §4.1). */
static const char *const refused_params[] = {
    "jku", "x5u", "jwk", "x5c", "cty", "zip", "enc", "b64"};

static const char *const result_names[JWT_E_COUNT] = {
    [JWT_OK] = "ok",
    [JWT_E_SIZE] = "bad size",
    [JWT_E_FORMAT] = "not a compact JWS",
    [JWT_E_HEADER] = "malformed header",
    [JWT_E_HEADER_PARAM] = "refused header parameter",
    [JWT_E_CRIT] = "crit header",
    [JWT_E_TYP] = "bad typ",
    [JWT_E_ALG] = "bad alg",
    [JWT_E_KID] = "unknown kid",
    [JWT_E_SIGNATURE] = "bad signature",
    [JWT_E_CLAIMS] = "malformed claims",
    [JWT_E_EXP] = "bad or missing exp",
    [JWT_E_EXPIRED] = "expired",
    [JWT_E_NBF] = "not yet valid",
    [JWT_E_IAT] = "bad iat",
    [JWT_E_ISSUER] = "wrong issuer",
    [JWT_E_AUDIENCE] = "wrong audience",
    [JWT_E_SUBJECT] = "bad subject",
    [JWT_E_PERMS] = "malformed scope or roles",
    [JWT_E_TENANT] = "bad tenant claim",
    [JWT_E_OTHER_TENANT] = "another tenant's token",
};

const char *
jwt_result_name(enum jwt_result r)
{
	if ((unsigned)r >= JWT_E_COUNT)
		return "?";
	return result_names[r];
}

static enum jwt_result
fail(enum jwt_result r, char *why, size_t whysz, const char *detail)
{
	snprintf(why, whysz, "%s", detail);
	return r;
}

/* Decodes a base64url segment holding a JSON object. */
static enum jwt_result
decode_object(struct arena *a, struct str seg, enum jwt_result bad,
    struct json_value **out, char *why, size_t whysz)
{
	unsigned char *buf = arena_alloc(a, seg.len + 1);
	struct scim_err err;
	size_t len;

	scim_err_clear(&err);
	if (jwk_b64url_decode(seg, buf, seg.len, &len) != 0)
		return fail(
		    JWT_E_FORMAT, why, whysz, "segment is not base64url");
	if (json_parse(a, (const char *)buf, len, &jose_limits, out, &err) !=
		0 ||
	    (*out)->type != JSON_OBJECT) {
		snprintf(why, whysz, "not one strict JSON object%s%s",
		    err.code ? ": " : "", err.code ? err.detail : "");
		return bad;
	}
	return JWT_OK;
}

static int
typ_ok(struct str typ)
{
	/* RFC 7519 §5.1, RFC 9068 §2.1; "application/" may be omitted
	 * (RFC 7515 §4.1.9), and media types compare case-insensitively. */
	return str_caseeq_cstr(typ, "JWT") || str_caseeq_cstr(typ, "at+jwt") ||
	    str_caseeq_cstr(typ, "application/jwt") ||
	    str_caseeq_cstr(typ, "application/at+jwt");
}

/* Refuses parameters that we must not or do not understand. */
static enum jwt_result
header_params(const struct json_value *h, char *why, size_t whysz)
{
	const struct json_value *typ = jwk_member(h, "typ");
	struct str name;
	size_t i, j;

	for (i = 0; i < h->u.object.len; i++) {
		name = h->u.object.members[i].key;
		/* Case-folded: no spelling of these gets past us. */
		if (str_caseeq_cstr(name, "crit"))
			return fail(JWT_E_CRIT, why, whysz,
			    "crit names extensions we do not understand "
			    "(RFC 7515 §4.1.11)");
		for (j = 0;
		     j < sizeof(refused_params) / sizeof(refused_params[0]);
		     j++) {
			if (str_caseeq_cstr(name, refused_params[j])) {
				snprintf(why, whysz,
				    "header parameter \"%s\" is refused",
				    refused_params[j]);
				return JWT_E_HEADER_PARAM;
			}
		}
	}
	if (typ != NULL && (typ->type != JSON_STRING || !typ_ok(typ->u.string)))
		return fail(JWT_E_TYP, why, whysz, "typ is not JWT or at+jwt");
	return JWT_OK;
}

/* Picks the key by kid and checks that alg is exactly the key's. */
static enum jwt_result
header_key(const struct json_value *h, const struct jwk_set *keys,
    const struct jwk_key **key, char *why, size_t whysz)
{
	const struct json_value *alg = jwk_member(h, "alg");
	const struct json_value *kid = jwk_member(h, "kid");
	char shown[JWK_KID_MAX * 4 + 1];
	enum jwk_alg a;

	if (alg == NULL || alg->type != JSON_STRING)
		return fail(JWT_E_ALG, why, whysz, "alg missing");
	if (str_caseeq_cstr(alg->u.string, "none"))
		return fail(JWT_E_ALG, why, whysz,
		    "alg none is never accepted (RFC 8725 §3.1)");
	if (jwk_alg_parse(alg->u.string, &a) != 0)
		return fail(JWT_E_ALG, why, whysz, "alg not supported");
	if (kid == NULL || kid->type != JSON_STRING ||
	    !jwk_kid_ok(kid->u.string))
		return fail(JWT_E_KID, why, whysz, "kid missing or malformed");
	*key = jwk_set_find(keys, kid->u.string);
	if (*key == NULL) {
		log_escape(
		    shown, sizeof(shown), kid->u.string.ptr, kid->u.string.len);
		snprintf(why, whysz, "kid \"%s\" is not configured", shown);
		return JWT_E_KID;
	}
	if (a != jwk_key_alg(*key)) {
		snprintf(why, whysz, "alg %s but the key is bound to %s",
		    jwk_alg_name(a), jwk_alg_name(jwk_key_alg(*key)));
		return JWT_E_ALG;
	}
	return JWT_OK;
}

/* 1 and *out for a NumericDate (RFC 7519 §2): a JSON number. */
static int
numeric_date(const struct json_value *v, double *out)
{
	if (v == NULL)
		return 0;
	if (v->type == JSON_INT)
		*out = (double)v->u.integer;
	else if (v->type == JSON_DOUBLE)
		*out = v->u.number;
	else
		return 0;
	return *out >= -NUMERIC_DATE_MAX && *out <= NUMERIC_DATE_MAX;
}

/* exp (required), nbf and iat (RFC 7519 §4.1.4-4.1.6). */
static enum jwt_result
check_times(const struct json_value *c, double now, double leeway, char *why,
    size_t whysz)
{
	const struct json_value *v;
	double t;

	if (!numeric_date(jwk_member(c, "exp"), &t))
		return fail(JWT_E_EXP, why, whysz,
		    "exp is required and must be a number");
	/* "the current date/time MUST be before the expiration" */
	if (now >= t + leeway)
		return fail(JWT_E_EXPIRED, why, whysz, "token expired");
	if ((v = jwk_member(c, "nbf")) != NULL) {
		if (!numeric_date(v, &t))
			return fail(
			    JWT_E_NBF, why, whysz, "nbf is not a number");
		/* "... MUST be after or equal to the not-before" */
		if (now < t - leeway)
			return fail(
			    JWT_E_NBF, why, whysz, "token not yet valid");
	}
	if ((v = jwk_member(c, "iat")) != NULL) {
		if (!numeric_date(v, &t))
			return fail(
			    JWT_E_IAT, why, whysz, "iat is not a number");
		if (t > now + leeway)
			return fail(JWT_E_IAT, why, whysz,
			    "token issued in the future");
	}
	return JWT_OK;
}

/* iss equal, aud equal or an array holding it (RFC 7519 §4.1.1, §4.1.3). */
static enum jwt_result
check_iss_aud(const struct json_value *c, const struct jwt_policy *pol,
    char *why, size_t whysz)
{
	const struct json_value *iss = jwk_member(c, "iss");
	const struct json_value *aud = jwk_member(c, "aud"), *it;
	int found = 0;
	size_t i;

	if (pol->issuer.len == 0 || iss == NULL || iss->type != JSON_STRING ||
	    !str_eq(iss->u.string, pol->issuer))
		return fail(JWT_E_ISSUER, why, whysz,
		    "iss is not the configured issuer");
	if (pol->audience.len > 0 && aud != NULL && aud->type == JSON_STRING)
		found = str_eq(aud->u.string, pol->audience);
	if (pol->audience.len > 0 && aud != NULL && aud->type == JSON_ARRAY &&
	    aud->u.array.len <= JWT_AUD_ITEMS_MAX) {
		for (i = 0; i < aud->u.array.len; i++) {
			it = aud->u.array.items[i];
			if (it->type != JSON_STRING)
				return fail(JWT_E_AUDIENCE, why, whysz,
				    "aud holds a non-string");
			found |= str_eq(it->u.string, pol->audience);
		}
	}
	if (!found)
		return fail(JWT_E_AUDIENCE, why, whysz,
		    "aud does not hold the configured audience");
	return JWT_OK;
}

/* scope-token = 1*NQCHAR (RFC 6749 §3.3). */
static int
nqchar(char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e);
}

/* `scope`: tokens separated by single spaces. A token with ':' is meant
 * as a permission and must be well-formed; others (openid, profile) are
 * other OAuth scopes and grant nothing here. */
static enum jwt_result
add_scope(struct str s, struct jwt_identity *id, char *why, size_t whysz)
{
	size_t i = 0, start;
	struct str tok;
	enum perm p;

	while (i <= s.len) {
		for (start = i; i < s.len && nqchar(s.ptr[i]); i++)
			;
		tok = str_make(s.ptr + start, i - start);
		if (tok.len == 0 || (i < s.len && s.ptr[i] != ' '))
			return fail(JWT_E_PERMS, why, whysz,
			    "scope is not space-separated scope tokens");
		if (memchr(tok.ptr, ':', tok.len) != NULL) {
			if (!perm_syntax_ok(tok))
				return fail(JWT_E_PERMS, why, whysz,
				    "scope holds a malformed permission");
			if (perm_lookup(tok, &p) == 0)
				perm_set_add(&id->perms, p);
		}
		i++;
	}
	return JWT_OK;
}

static enum jwt_result
add_roles(const struct json_value *v, const struct role_table *roles,
    struct jwt_identity *id, char *why, size_t whysz)
{
	const struct json_value *it;
	const struct role *r;
	size_t i;

	if (v->type != JSON_ARRAY || v->u.array.len > JWT_ROLES_MAX)
		return fail(JWT_E_PERMS, why, whysz,
		    "roles is not an array of role names");
	for (i = 0; i < v->u.array.len; i++) {
		it = v->u.array.items[i];
		if (it->type != JSON_STRING || !role_name_ok(it->u.string))
			return fail(JWT_E_PERMS, why, whysz,
			    "roles holds a malformed role name");
		r = role_table_find(roles, it->u.string);
		if (r == NULL)
			continue;
		id->perms.bits |= r->perms.bits;
		id->self_admin |= r->self_admin;
	}
	return JWT_OK;
}

static int
subject_ok(struct str s)
{
	size_t i;

	if (s.len == 0 || s.len > PRINCIPAL_SUBJECT_MAX)
		return 0;
	for (i = 0; i < s.len; i++)
		if ((unsigned char)s.ptr[i] < 0x20 || s.ptr[i] == 0x7f)
			return 0;
	return 1;
}

/* tenant, sub, scope, roles. */
static enum jwt_result
check_identity(const struct json_value *c, const struct jwt_policy *pol,
    struct jwt_identity *id, char *why, size_t whysz)
{
	const struct json_value *v;
	enum jwt_result r;

	v = jwk_member(c, "tenant");
	if (v != NULL &&
	    (v->type != JSON_STRING || !tenant_name_ok(v->u.string)))
		return fail(JWT_E_TENANT, why, whysz, "tenant is malformed");
	if (v == NULL && pol->require_tenant_claim)
		return fail(JWT_E_TENANT, why, whysz,
		    "tenant claim required by the configuration");
	if (v != NULL && !str_eq(v->u.string, pol->tenant))
		return fail(JWT_E_OTHER_TENANT, why, whysz,
		    "tenant claim names another tenant");
	if ((v = jwk_member(c, "sub")) != NULL) {
		if (v->type != JSON_STRING || !subject_ok(v->u.string))
			return fail(JWT_E_SUBJECT, why, whysz,
			    "sub is not 1-255 bytes of text");
		memcpy(id->subject, v->u.string.ptr, v->u.string.len);
	}
	if ((v = jwk_member(c, "scope")) != NULL) {
		if (v->type != JSON_STRING)
			return fail(
			    JWT_E_PERMS, why, whysz, "scope is not a string");
		if ((r = add_scope(v->u.string, id, why, whysz)) != JWT_OK)
			return r;
	}
	if ((v = jwk_member(c, "roles")) != NULL &&
	    (r = add_roles(v, pol->roles, id, why, whysz)) != JWT_OK)
		return r;
	if (id->self_admin && id->subject[0] == '\0')
		return fail(JWT_E_SUBJECT, why, whysz,
		    "selfAdmin needs a sub to scope to");
	return JWT_OK;
}

static int
b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Splits into three segments at the only two dots. */
static enum jwt_result
split(struct str t, struct str seg[3], char *why, size_t whysz)
{
	const char *d1, *d2;
	size_t i;

	if (t.len == 0 || t.len > JWT_MAX)
		return fail(JWT_E_SIZE, why, whysz, "token size out of bounds");
	d1 = memchr(t.ptr, '.', t.len);
	d2 = d1 ? memchr(d1 + 1, '.', t.len - (size_t)(d1 + 1 - t.ptr)) : NULL;
	if (d1 == NULL || d2 == NULL ||
	    memchr(d2 + 1, '.', t.len - (size_t)(d2 + 1 - t.ptr)) != NULL)
		return fail(
		    JWT_E_FORMAT, why, whysz, "not three dot-separated parts");
	seg[0] = str_make(t.ptr, (size_t)(d1 - t.ptr));
	seg[1] = str_make(d1 + 1, (size_t)(d2 - d1 - 1));
	seg[2] = str_make(d2 + 1, t.len - (size_t)(d2 + 1 - t.ptr));
	if (seg[0].len == 0 || seg[1].len == 0)
		return fail(JWT_E_FORMAT, why, whysz, "empty header or claims");
	/* The alphabet of all three before any work: no padding, no '+' or
	 * '/', no whitespace (RFC 7515 §2, §7.1). */
	for (i = 0; i < t.len; i++)
		if (!b64url_char(t.ptr[i]) && t.ptr[i] != '.')
			return fail(JWT_E_FORMAT, why, whysz,
			    "a character outside base64url");
	return JWT_OK;
}

/* Header checks and the signature; *key is the verified key. */
static enum jwt_result
verify_jws(struct arena *a, const struct jwt_policy *pol,
    const struct str seg[3], char *why, size_t whysz)
{
	unsigned char sig[SIG_MAX];
	const struct jwk_key *key = NULL;
	struct json_value *h = NULL;
	enum jwt_result r;
	size_t siglen;

	r = decode_object(a, seg[0], JWT_E_HEADER, &h, why, whysz);
	if (r == JWT_OK)
		r = header_params(h, why, whysz);
	if (r == JWT_OK)
		r = header_key(h, pol->keys, &key, why, whysz);
	if (r != JWT_OK)
		return r;
	if (seg[2].len == 0)
		return fail(JWT_E_SIGNATURE, why, whysz, "no signature");
	if (jwk_b64url_decode(seg[2], sig, sizeof(sig), &siglen) != 0)
		return fail(
		    JWT_E_FORMAT, why, whysz, "signature is not base64url");
	/* The signing input is the two encoded segments as sent. */
	if (!jwk_key_verify(
		key, seg[0].ptr, seg[0].len + 1 + seg[1].len, sig, siglen)) {
		snprintf(why, whysz,
		    "signature does not verify (%s, %zu bytes)",
		    jwk_alg_name(jwk_key_alg(key)), siglen);
		return JWT_E_SIGNATURE;
	}
	return JWT_OK;
}

int
jwt_peek_aim(struct arena *a, struct str token, struct jwt_aim *aim)
{
	const struct json_value *v, *it;
	struct json_value *c = NULL;
	char why[JWT_WHY_MAX];
	struct str seg[3];
	size_t i;

	memset(aim, 0, sizeof(*aim));
	if (split(token, seg, why, sizeof(why)) != JWT_OK ||
	    decode_object(a, seg[1], JWT_E_CLAIMS, &c, why, sizeof(why)) !=
		JWT_OK)
		return -1;
	v = jwk_member(c, "iss");
	if (v != NULL && v->type == JSON_STRING)
		aim->iss = v->u.string;
	v = jwk_member(c, "aud");
	if (v != NULL && v->type == JSON_STRING)
		aim->aud[aim->naud++] = v->u.string;
	for (i = 0; v != NULL && v->type == JSON_ARRAY && i < v->u.array.len &&
	     aim->naud < JWT_AUD_ITEMS_MAX;
	     i++) {
		it = v->u.array.items[i];
		if (it->type == JSON_STRING)
			aim->aud[aim->naud++] = it->u.string;
	}
	v = jwk_member(c, "tenant");
	if (v != NULL && v->type == JSON_STRING)
		aim->tenant = v->u.string;
	return 0;
}

int
jwt_aim_matches(const struct jwt_aim *aim, const struct jwt_policy *pol)
{
	size_t i;
	int aud = 0;

	for (i = 0; i < aim->naud; i++)
		aud |= str_eq(aim->aud[i], pol->audience);
	return aud && pol->issuer.len > 0 && str_eq(aim->iss, pol->issuer) &&
	    (!pol->require_tenant_claim || str_eq(aim->tenant, pol->tenant));
}

enum jwt_result
jwt_verify(const struct jwt_policy *pol, struct str token, int64_t now_s,
    struct jwt_identity *id, char *why, size_t whysz)
{
	struct arena *a = NULL;
	struct json_value *c = NULL;
	struct str seg[3];
	double leeway;
	enum jwt_result r;

	memset(id, 0, sizeof(*id));
	if (whysz > 0)
		why[0] = '\0';
	if ((r = split(token, seg, why, whysz)) != JWT_OK)
		goto out;
	a = arena_new();
	if ((r = verify_jws(a, pol, seg, why, whysz)) != JWT_OK)
		goto out;
	r = decode_object(a, seg[1], JWT_E_CLAIMS, &c, why, whysz);
	if (r != JWT_OK)
		goto out;
	leeway = pol->leeway > JWT_LEEWAY_MAX ? JWT_LEEWAY_MAX : pol->leeway;
	r = check_times(c, (double)now_s, leeway, why, whysz);
	if (r == JWT_OK)
		r = check_iss_aud(c, pol, why, whysz);
	if (r == JWT_OK)
		r = check_identity(c, pol, id, why, whysz);
out:
	if (r != JWT_OK)
		memset(id, 0, sizeof(*id));
	arena_free(a);
	return r;
}
