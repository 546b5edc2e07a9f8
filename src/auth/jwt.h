/*
 * JWT access tokens (RFC 7519) in JWS compact form, verified locally
 * following the JWT BCP (RFC 8725): the key is chosen by `kid` from the
 * tenant's own configured set, and the token's `alg` must equal the one
 * algorithm that key is bound to. No `none`, no keys named by the token
 * (`jku`, `x5u`, `jwk`, `x5c`), no `crit` extensions. `exp` is required,
 * `nbf` and `iat` are honoured with a leeway of at most JWT_LEEWAY_MAX
 * seconds, and `iss` and `aud` must equal the configured values exactly.
 *
 * Tenant binding: the key set, issuer and audience are the path tenant's
 * own, so a token verifies only against the configuration of the tenant
 * it was issued for. A `tenant` claim, if present, must name the path
 * tenant (otherwise the token belongs elsewhere: JWT_E_OTHER_TENANT), and
 * a tenant whose issuer serves several tenants can require it.
 *
 * Permissions come from `scope` (space-separated; PingOne identifiers,
 * RFC 8693 §4.2) and `roles` (an array of role names). Unknown
 * identifiers and role names grant nothing and are ignored; a malformed
 * one rejects the token.
 */
#ifndef AUTH_JWT_H
#define AUTH_JWT_H

#include <stdint.h>

#include "auth/jwk.h"
#include "auth/perm.h"
#include "auth/role.h"
#include "auth/tenant.h"
#include "auth/token.h"
#include "util/arena.h"
#include "util/str.h"

#define JWT_MAX 8192 /* bytes of compact serialization */
#define JWT_LEEWAY_MAX 60 /* seconds */
#define JWT_LEEWAY_DEFAULT 30
#define JWT_CLAIM_MAX 512 /* iss, aud values */
#define JWT_AUD_ITEMS_MAX 32
#define JWT_ROLES_MAX 64
#define JWT_WHY_MAX 256

/* Why a token was refused, for logs and tests; never sent to clients. */
enum jwt_result {
	JWT_OK = 0,
	JWT_E_SIZE, /* empty or longer than JWT_MAX */
	JWT_E_FORMAT, /* not three base64url parts */
	JWT_E_HEADER, /* header is not a strict JSON object */
	JWT_E_HEADER_PARAM, /* jku, x5u, jwk, x5c, cty, ... present */
	JWT_E_CRIT, /* crit present: we understand no extension */
	JWT_E_TYP, /* typ is not JWT or at+jwt */
	JWT_E_ALG, /* alg missing, none, unknown, or not the key's */
	JWT_E_KID, /* kid missing, malformed, or not configured */
	JWT_E_SIGNATURE, /* bad or missing signature */
	JWT_E_CLAIMS, /* claims are not a strict JSON object */
	JWT_E_EXP, /* exp missing or not a NumericDate */
	JWT_E_EXPIRED, /* now >= exp + leeway */
	JWT_E_NBF, /* nbf malformed, or now < nbf - leeway */
	JWT_E_IAT, /* iat malformed, or after now + leeway */
	JWT_E_ISSUER, /* iss missing or not the configured one */
	JWT_E_AUDIENCE, /* aud missing or does not hold the configured one */
	JWT_E_SUBJECT, /* sub malformed, or missing for selfAdmin */
	JWT_E_PERMS, /* scope or roles malformed */
	JWT_E_TENANT, /* tenant claim malformed, or required and missing */
	JWT_E_OTHER_TENANT, /* tenant claim names another tenant */
	JWT_E_COUNT
};

/* What one tenant accepts; everything borrowed. */
struct jwt_policy {
	const struct jwk_set *keys;
	struct str issuer;
	struct str audience;
	unsigned leeway; /* seconds; clamped to JWT_LEEWAY_MAX */
	struct str tenant; /* the path tenant */
	int require_tenant_claim;
	const struct role_table *roles; /* NULL: predefined roles only */
};

/* Who the token speaks for. */
struct jwt_identity {
	char subject[PRINCIPAL_SUBJECT_MAX + 1]; /* `sub`, or "" */
	struct perm_set perms;
	int self_admin;
};

/*
 * Where a token says it is aimed, read WITHOUT verifying anything: only
 * for choosing which tenant's keys are worth trying, never for trust.
 */
struct jwt_aim {
	struct str iss;
	struct str aud[JWT_AUD_ITEMS_MAX];
	size_t naud;
	struct str tenant; /* the `tenant` claim, or empty */
};

/* Fills *aim (strings arena-owned); -1 if the claims can't be read. */
int jwt_peek_aim(struct arena *a, struct str token, struct jwt_aim *aim);
/* 1 if aim names pol's issuer and audience (and, when pol requires the
 * tenant claim, pol's tenant). */
int jwt_aim_matches(const struct jwt_aim *aim, const struct jwt_policy *pol);

/* A short fixed name for r ("expired", "bad signature"). */
const char *jwt_result_name(enum jwt_result r);

/*
 * Verifies token (the compact form, without "Bearer ") against pol at
 * time now_s (seconds since the epoch; a parameter so that tests can
 * stand exactly at the leeway edges). Returns JWT_OK and fills *id, or
 * the first reason for refusal with a detail for the log in why (never
 * the token itself; at most JWT_WHY_MAX bytes are needed).
 */
enum jwt_result jwt_verify(const struct jwt_policy *pol, struct str token,
    int64_t now_s, struct jwt_identity *id, char *why, size_t whysz);

#endif
