/*
 * JWT access tokens over HTTP: the daemon started with a configuration
 * that gives tenant demo an RS256 PEM key and an ES256 JWKS key accepts
 * tokens they sign (200), refuses bad ones with 401 and
 * WWW-Authenticate: Bearer error="invalid_token" (RFC 6750 §3.1), keeps
 * the 404 for another tenant and the 403 for a missing permission, logs
 * the reason without the token, and refuses to start on a malformed
 * role or a key it can't load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../unit/auth/jwt_fixture.h"
#include "harness.h"

#define SPC "/scim/demo/v2/ServiceProviderConfig"

static struct harness_server srv;
static struct jf_key rsa, ec;
static char dir[64], conf[160];

static void
write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	fclose(fp);
}

/* A file of the daemon's temp directory (malloc, NUL-terminated). */
static char *
slurp(const char *name)
{
	char path[400], *buf;
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s", srv.root, name);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

/* Keys, a JWKS, and the configuration naming them. */
static void
write_config(void)
{
	char path[160], pem_path[160], jwks_path[160], text[2048];
	char *pem = jf_pub_pem(&rsa), *jwk = jf_pub_jwk(&ec, "ES256", "ec1");

	snprintf(pem_path, sizeof(pem_path), "%s/rsa.pem", dir);
	write_text(pem_path, pem);
	snprintf(jwks_path, sizeof(jwks_path), "%s/jwks.json", dir);
	snprintf(text, sizeof(text), "{\"keys\":[%s]}", jwk);
	write_text(jwks_path, text);
	snprintf(text, sizeof(text),
	    "# test-only configuration\n"
	    "role.schemaReader = scim:read:schema\n"
	    "tenant.demo.jwt.issuer = " JF_ISS "\n"
	    "tenant.demo.jwt.audience = " JF_AUD "\n"
	    "tenant.demo.jwt.leeway = 5\n"
	    "tenant.demo.jwt.key = RS256 rsa1 %s\n"
	    "tenant.demo.jwt.jwks = %s\n",
	    pem_path, jwks_path);
	snprintf(path, sizeof(path), "%s/scimcred.conf", dir);
	write_text(path, text);
	snprintf(conf, sizeof(conf), "%s", path);
	free(pem);
	free(jwk);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/scimcred-jwt-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	jf_key_gen(&rsa, JWK_ALG_RS256, "rsa1");
	jf_key_gen(&ec, JWK_ALG_ES256, "ec1");
	write_config();
	cr_assert_eq(
	    harness_start_args(&srv, (const char *[]){"--config", conf, NULL}),
	    0, "daemon start");
}

static void
teardown(void)
{
	char cmd[128];

	harness_cleanup(&srv);
	jf_key_free(&rsa);
	jf_key_free(&ec);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

TestSuite(jwt_http, .init = setup, .fini = teardown, .timeout = 60);

/* A token signed by k with claims valid now, plus extra claims. */
static char *
token(const struct jf_key *k, const char *extra, long exp_in)
{
	char claims[1024];
	long now = (long)time(NULL);

	snprintf(claims, sizeof(claims),
	    "{\"iss\":\"" JF_ISS "\",\"aud\":\"" JF_AUD "\",\"iat\":%ld,"
	    "\"exp\":%ld,\"sub\":\"svc-1\"%s}",
	    now, now + exp_in, extra != NULL ? extra : "");
	return jf_token(k, jf_header(k), claims);
}

static int
get(const char *tok, const char *path, struct harness_resp *r)
{
	return harness_get(&srv, tok, path, r);
}

static void
expect_invalid_token(struct harness_resp *r, const char *tok)
{
	const char *wa = harness_header(r, "WWW-Authenticate");

	EXPECT_ERROR(r, 401, NULL);
	cr_assert_not_null(wa);
	cr_assert(strstr(wa, "Bearer") == wa, "%s", wa);
	cr_assert(strstr(wa, "error=\"invalid_token\"") != NULL, "%s", wa);
	cr_assert_eq(harness_header_count(r, "WWW-Authenticate"), 1);
	cr_assert_str_eq(harness_jstr(harness_json(r), "detail"),
	    "the bearer token is invalid or revoked");
	cr_assert(strstr(r->raw, tok) == NULL, "the token is echoed");
}

Test(jwt_http, signed_tokens_get_200)
{
	struct harness_resp r;
	char *t = token(&rsa, ",\"scope\":\"scim:read:schema\"", 300);

	get(t, SPC, &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	free(t);
	t = token(&ec, ",\"roles\":[\"schemaReader\"]", 300);
	get(t, SPC, &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	free(t);
	cr_assert_eq(harness_stop(&srv), 0);
}

Test(jwt_http, bad_tokens_get_401_invalid_token)
{
	struct harness_resp r;
	char *t = token(&ec, ",\"scope\":\"scim:read:schema\"", 300);
	char *bad[4], *log;
	size_t i;

	bad[0] = strdup(t);
	/* One signature character changed (staying base64url). */
	bad[0][strlen(bad[0]) - 3] =
	    bad[0][strlen(bad[0]) - 3] == 'A' ? 'B' : 'A';
	bad[1] = token(&ec, ",\"scope\":\"scim:read:schema\"", -10);
	{
		/* alg none: header swapped, signature dropped */
		char *h = jf_b64s("{\"alg\":\"none\",\"kid\":\"ec1\"}");
		char *dot = strchr(t, '.'), *end = strrchr(t, '.');
		bad[2] = malloc(strlen(h) + strlen(t) + 2);
		sprintf(bad[2], "%s%.*s.", h, (int)(end - dot), dot);
		free(h);
	}
	{
		/* HS256 keyed with the RSA public key's PEM, kid of the key */
		struct jf_key fake;
		char *pem = jf_pub_pem(&rsa);
		memset(&fake, 0, sizeof(fake));
		fake.alg = JWK_ALG_HS256;
		strcpy(fake.kid, "rsa1");
		fake.secret_len = strlen(pem);
		memcpy(fake.secret, pem, fake.secret_len);
		bad[3] = token(&fake, ",\"scope\":\"scim:read:schema\"", 300);
		free(pem);
	}
	for (i = 0; i < 4; i++) {
		get(bad[i], SPC, &r);
		expect_invalid_token(&r, bad[i]);
		harness_resp_free(&r);
	}
	/* No credentials: the bare challenge (RFC 6750 §3). */
	get(NULL, SPC, &r);
	EXPECT_ERROR(&r, 401, NULL);
	cr_assert_str_eq(harness_header(&r, "WWW-Authenticate"),
	    "Bearer realm=\"scimcred\"");
	harness_resp_free(&r);
	cr_assert_eq(harness_stop(&srv), 0);
	/* The reasons are logged; the tokens never are. */
	log = slurp("stderr");
	cr_assert(strstr(log, "JWT rejected: bad signature") != NULL);
	cr_assert(strstr(log, "JWT rejected: expired") != NULL);
	cr_assert(strstr(log, "JWT rejected: bad alg") != NULL);
	for (i = 0; i < 4; i++) {
		cr_assert(strstr(log, strchr(bad[i], '.') + 1) == NULL,
		    "token %zu in the log", i);
		free(bad[i]);
	}
	free(log);
	free(t);
}

Test(jwt_http, other_tenant_404_missing_permission_403)
{
	struct harness_resp r;
	char *t = token(&rsa, ",\"scope\":\"dir:read:user\"", 300);

	cr_assert_eq(harness_tenant_add(&srv, "acme"), 0);
	get(t, "/scim/acme/v2/Users", &r);
	EXPECT_ERROR(&r, 404, NULL);
	harness_resp_free(&r);
	get(t, SPC, &r);
	EXPECT_ERROR(&r, 403, NULL);
	harness_resp_free(&r);
	get(t, "/scim/demo/v2/Users", &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
	free(t);
	cr_assert_eq(harness_stop(&srv), 0);
}

/* Start-up stops on a malformed identifier or a key it can't load. */
Test(jwt_http, bad_config_stops_startup)
{
	const char *bodies[][2] = {
	    {"role.r = dir:read:user dir:raed:user\n",
		"bad.conf:1: bad value for \"role.r\": unknown permission "
		"\"dir:raed:user\""},
	    {"# a role\ntenant.demo.role.r = not-a-permission\n",
		"bad.conf:2: bad value for \"tenant.demo.role.r\": malformed "
		"permission identifier \"not-a-permission\""},
	    {"tenant.demo.jwt.key = RS256 k /nonexistent.pem\n",
		"bad.conf:1: bad value for \"tenant.demo.jwt.key\": "
		"/nonexistent.pem: No such file"},
	    {"tenant.demo.jwt.issuer = x\n",
		"tenant demo has JWT settings but no "
		"tenant.demo.jwt.audience"},
	};
	char path[160], out[256], *msg;
	size_t i;

	/* Stopped first, so the data directory is free: a config that got
	 * through would start a server (and time the test out). */
	cr_assert_eq(harness_stop(&srv), 0);
	snprintf(path, sizeof(path), "%s/bad.conf", dir);
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		write_text(path, bodies[i][0]);
		cr_assert_eq(harness_cli(&srv,
				 (const char *[]){"serve", "--config", path,
				     "--listen", "127.0.0.1:0", NULL},
				 out, sizeof(out)),
		    1, "%s", bodies[i][0]);
		msg = slurp("cli-stderr");
		cr_assert(strstr(msg, bodies[i][1]) != NULL, "%s", msg);
		free(msg);
	}
}
