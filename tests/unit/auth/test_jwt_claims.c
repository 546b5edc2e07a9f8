/*
 * The JWT attack suite, part 2: claims. exp, nbf and iat exactly at and
 * one second past the leeway edges (jwt_verify takes the clock), the
 * leeway cap, exact iss and aud, duplicate and case-variant claims, the
 * subject bound, scope and roles, and the tenant claim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "jwt_fixture.h"

static struct jwk_set *set;
static struct jf_key ec;
static struct jwt_policy pol;
static struct jwt_identity id;

static void
setup(void)
{
	set = jwk_set_new();
	jf_key_gen(&ec, JWK_ALG_EDDSA, "ed1");
	jf_set_add(set, &ec);
	pol = jf_policy(set);
}

static void
teardown(void)
{
	jwk_set_free(set);
	jf_key_free(&ec);
}

TestSuite(claims, .init = setup, .fini = teardown);

/* Verifies a token with exactly these claims at time now. */
static enum jwt_result
at(const char *claims, int64_t now)
{
	char *t = jf_token(&ec, jf_header(&ec), claims), why[JWT_WHY_MAX];
	enum jwt_result r;

	r = jwt_verify(&pol, str_from(t), now, &id, why, sizeof(why));
	free(t);
	return r;
}

static enum jwt_result
claims(const char *c)
{
	return at(c, JF_NOW);
}

/* Minimal claims with exp and something else (text after the exp). */
static const char *
with_exp(const char *exp, const char *more)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
	    "{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD "\"%s%s%s}",
	    exp != NULL ? ",\"exp\":" : "", exp != NULL ? exp : "",
	    more != NULL ? more : "");
	return buf;
}

Test(claims, exp_required_and_numeric)
{
	cr_assert_eq(claims(with_exp(NULL, NULL)), JWT_E_EXP);
	cr_assert_eq(claims(with_exp("\"1700000300\"", NULL)), JWT_E_EXP);
	cr_assert_eq(claims(with_exp("true", NULL)), JWT_E_EXP);
	cr_assert_eq(claims(with_exp("null", NULL)), JWT_E_EXP);
	cr_assert_eq(claims(with_exp("[1700000300]", NULL)), JWT_E_EXP);
	cr_assert_eq(claims(with_exp("1e300", NULL)), JWT_E_EXP);
	/* Not a finite number at all: the JSON reader refuses it. */
	cr_assert_eq(claims(with_exp("1e400", NULL)), JWT_E_CLAIMS);
	/* Claim names are case-sensitive: EXP is not exp. */
	cr_assert_eq(claims("{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD
			    "\",\"EXP\":1700000300}"),
	    JWT_E_EXP);
	cr_assert_eq(claims(with_exp("1700000300", NULL)), JWT_OK);
	cr_assert_eq(claims(with_exp("1700000300.5", NULL)), JWT_OK);
}

/* Valid while now < exp + leeway (RFC 7519 §4.1.4). */
Test(claims, exp_leeway_edges)
{
	const char *c = with_exp("1700000000", NULL);
	char copy[1024];

	snprintf(copy, sizeof(copy), "%s", c);
	pol.leeway = 30;
	cr_assert_eq(at(copy, JF_NOW + 29), JWT_OK);
	cr_assert_eq(at(copy, JF_NOW + 30), JWT_E_EXPIRED);
	cr_assert_eq(at(copy, JF_NOW + 31), JWT_E_EXPIRED);
	pol.leeway = 0;
	cr_assert_eq(at(copy, JF_NOW - 1), JWT_OK);
	cr_assert_eq(at(copy, JF_NOW), JWT_E_EXPIRED);
}

/* A configured leeway above 60 s acts as 60 s (HARDENING.md promise 7). */
Test(claims, leeway_capped_at_60)
{
	char copy[1024];

	snprintf(copy, sizeof(copy), "%s", with_exp("1700000000", NULL));
	pol.leeway = 3600;
	cr_assert_eq(at(copy, JF_NOW + 59), JWT_OK);
	cr_assert_eq(at(copy, JF_NOW + 60), JWT_E_EXPIRED);
	cr_assert_eq(at(copy, JF_NOW + 61), JWT_E_EXPIRED);
}

/* Valid from nbf - leeway on (RFC 7519 §4.1.5). */
Test(claims, nbf_leeway_edges)
{
	char copy[1024];

	snprintf(copy, sizeof(copy), "%s",
	    with_exp("1700009999", ",\"nbf\":1700000100"));
	pol.leeway = 30;
	cr_assert_eq(at(copy, JF_NOW + 70), JWT_OK);
	cr_assert_eq(at(copy, JF_NOW + 69), JWT_E_NBF);
	pol.leeway = 0;
	cr_assert_eq(at(copy, JF_NOW + 100), JWT_OK);
	cr_assert_eq(at(copy, JF_NOW + 99), JWT_E_NBF);
	cr_assert_eq(
	    claims(with_exp("1700009999", ",\"nbf\":\"0\"")), JWT_E_NBF);
}

/* A token issued in the future (beyond the leeway) is refused. */
Test(claims, iat_leeway_edges)
{
	char copy[1024];

	snprintf(copy, sizeof(copy), "%s",
	    with_exp("1700009999", ",\"iat\":1700000100"));
	pol.leeway = 30;
	cr_assert_eq(at(copy, JF_NOW + 70), JWT_OK);
	cr_assert_eq(at(copy, JF_NOW + 69), JWT_E_IAT);
	cr_assert_eq(
	    claims(with_exp("1700009999", ",\"iat\":null")), JWT_E_IAT);
}

Test(claims, issuer_exact)
{
	const char *bad[] = {
	    "\"https://idp.example.com\"", /* off by a slash */
	    "\"https://idp.example.com//\"",
	    "\"HTTPS://idp.example.com/\"",
	    "\"https://idp.example.com/ \"",
	    "[\"https://idp.example.com/\"]",
	    "null",
	};
	char c[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(c, sizeof(c),
		    "{\"iss\":%s,\"aud\":\"" JF_AUD "\",\"exp\":1700000300}",
		    bad[i]);
		cr_assert_eq(claims(c), JWT_E_ISSUER, "%s", bad[i]);
	}
	cr_assert_eq(claims("{\"aud\":\"" JF_AUD "\",\"exp\":1700000300}"),
	    JWT_E_ISSUER);
}

Test(claims, audience_exact)
{
	const char *bad[] = {
	    "\"scimcred/\"",
	    "\"Scimcred\"",
	    "\"scimcred \"",
	    "[]",
	    "[\"other\"]",
	    "[\"other\",1,\"scimcred\"]",
	    "{\"aud\":\"scimcred\"}",
	    "null",
	};
	char c[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(c, sizeof(c),
		    "{\"iss\":\"" JF_ISS "\",\"aud\":%s,\"exp\":1700000300}",
		    bad[i]);
		cr_assert_eq(claims(c), JWT_E_AUDIENCE, "%s", bad[i]);
	}
	cr_assert_eq(claims("{\"iss\":\"" JF_ISS "\",\"exp\":1700000300}"),
	    JWT_E_AUDIENCE);
	cr_assert_eq(claims("{\"iss\":\"" JF_ISS "\",\"aud\":[\"other\","
			    "\"scimcred\"],\"exp\":1700000300}"),
	    JWT_OK);
}

Test(claims, duplicate_claims)
{
	cr_assert_eq(claims("{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD
			    "\",\"exp\":1,\"exp\":1700000300}"),
	    JWT_E_CLAIMS);
	cr_assert_eq(claims("{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD
			    "\",\"exp\":1700000300,\"sub\":\"a\","
			    "\"SUB\":\"b\"}"),
	    JWT_E_CLAIMS);
	cr_assert_eq(claims("{\"iss\":\"https://evil/\",\"iss\":\"" JF_ISS
			    "\",\"aud\":\"" JF_AUD "\",\"exp\":1700000300}"),
	    JWT_E_CLAIMS);
}

Test(claims, not_an_object)
{
	cr_assert_eq(claims("[1700000300]"), JWT_E_CLAIMS);
	cr_assert_eq(claims("{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD
			    "\",\"exp\":1700000300,\"x\":\"a\\u0000b\"}"),
	    JWT_E_CLAIMS);
	cr_assert_eq(claims("{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD
			    "\",\"exp\":1700000300}garbage"),
	    JWT_E_CLAIMS);
}

Test(claims, subject_bounds)
{
	char c[1024], sub[300];

	memset(sub, 'u', 255);
	sub[255] = '\0';
	snprintf(c, sizeof(c), "%s", with_exp("1700000300", ""));
	snprintf(c + strlen(c) - 1, sizeof(c) - strlen(c) + 1,
	    ",\"sub\":\"%s\"}", sub);
	cr_assert_eq(claims(c), JWT_OK);
	cr_assert_eq(strlen(id.subject), 255);
	strcpy(c + strlen(c) - 2, "u\"}");
	cr_assert_eq(claims(c), JWT_E_SUBJECT);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"sub\":42")), JWT_E_SUBJECT);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"sub\":\"\"")), JWT_E_SUBJECT);
	cr_assert_eq(claims(with_exp("1700000300", ",\"sub\":\"a\\u0001\"")),
	    JWT_E_SUBJECT);
}

Test(claims, scope)
{
	cr_assert_eq(claims(with_exp("1700000300",
			 ",\"scope\":\"openid dir:read:user "
			 "credentialsIssuance:read:credentials\"")),
	    JWT_OK);
	cr_assert(perm_set_has(&id.perms, PERM_USER_READ));
	cr_assert(perm_set_has(&id.perms, PERM_CRED_READ));
	cr_assert_not(perm_set_has(&id.perms, PERM_CRED_UPDATE));
	/* Unknown but well-formed permissions grant nothing. */
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"scope\":\"dir:read:unicorns\"")),
	    JWT_OK);
	cr_assert_eq(id.perms.bits, 0);
	cr_assert_eq(claims(with_exp("1700000300", ",\"scope\":\"dir:read:\"")),
	    JWT_E_PERMS);
	cr_assert_eq(claims(with_exp("1700000300",
			 ",\"scope\":\"dir:read:user  dir:read:group\"")),
	    JWT_E_PERMS);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"scope\":\" dir:read:user\"")),
	    JWT_E_PERMS);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"scope\":\"\"")), JWT_E_PERMS);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"scope\":[\"dir:read:user\"]")),
	    JWT_E_PERMS);
	cr_assert_eq(claims(with_exp(
			 "1700000300", ",\"scope\":\"dir:read:user\\u00e9\"")),
	    JWT_E_PERMS);
}

Test(claims, roles)
{
	struct role_table *t = role_table_new(NULL);
	char why[256];

	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"roles\":[\"auditor\"]")), JWT_OK);
	cr_assert(perm_set_has(&id.perms, PERM_CRED_READ));
	cr_assert_not(perm_set_has(&id.perms, PERM_CRED_UPDATE));
	cr_assert_eq(id.self_admin, 0);
	cr_assert_eq(claims(with_exp("1700000300",
			 ",\"sub\":\"u1\",\"roles\":[\"selfAdmin\"]")),
	    JWT_OK);
	cr_assert_eq(id.self_admin, 1);
	cr_assert_str_eq(id.subject, "u1");
	/* Self-admin without a subject has nothing to be scoped to. */
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"roles\":[\"selfAdmin\"]")),
	    JWT_E_SUBJECT);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"roles\":[\"nobody\"]")), JWT_OK);
	cr_assert_eq(id.perms.bits, 0);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"roles\":[\"bad role\"]")),
	    JWT_E_PERMS);
	cr_assert_eq(claims(with_exp("1700000300", ",\"roles\":\"auditor\"")),
	    JWT_E_PERMS);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"roles\":[1]")), JWT_E_PERMS);
	/* A configured role. */
	cr_assert_eq(role_table_define(t, STR_LIT("groupReader"),
			 STR_LIT("dir:read:group"), why, sizeof(why)),
	    0);
	pol.roles = t;
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"roles\":[\"groupReader\"]")),
	    JWT_OK);
	cr_assert_eq(id.perms.bits, UINT64_C(1) << PERM_GROUP_READ);
	role_table_free(t);
}

Test(claims, tenant_binding)
{
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"tenant\":\"" JF_TENANT "\"")),
	    JWT_OK);
	cr_assert_eq(claims(with_exp("1700000300", ",\"tenant\":\"beta\"")),
	    JWT_E_OTHER_TENANT);
	cr_assert_eq(claims(with_exp("1700000300", ",\"tenant\":\"ACME\"")),
	    JWT_E_TENANT);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"tenant\":7")), JWT_E_TENANT);
	pol.require_tenant_claim = 1;
	cr_assert_eq(claims(with_exp("1700000300", NULL)), JWT_E_TENANT);
	cr_assert_eq(
	    claims(with_exp("1700000300", ",\"tenant\":\"" JF_TENANT "\"")),
	    JWT_OK);
}
