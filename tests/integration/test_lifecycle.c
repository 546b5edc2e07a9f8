/*
 * The daemon's life and its CLI: the admin token printed once on first
 * start, graceful exit 0 on SIGTERM and SIGINT, `tenant add` and
 * `token create` while the server runs, and data surviving a restart.
 */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "harness.h"

#define CRED(fields) "{\"schemas\":[\"" HARNESS_CRED_URN "\"]," fields "}"

TestSuite(lifecycle, .init = harness_fx_setup, .fini = harness_fx_teardown,
    .timeout = 60);

static int
count_token_lines(const struct harness_server *srv)
{
	char *out = harness_stdout(srv), *line, *save = NULL;
	int n = 0;

	for (line = strtok_r(out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		n += strncmp(line, "scimcred_", 9) == 0;
	free(out);
	return n;
}

static int
token_alone(const char *tok)
{
	size_t i;

	if (strncmp(tok, "scimcred_", 9) != 0 || strlen(tok) < 20)
		return 0;
	for (i = 0; tok[i] != '\0'; i++)
		if (tok[i] == ' ' || tok[i] == '\t' || tok[i] == '\n')
			return 0;
	return 1;
}

ITEST(lifecycle, first_start_prints_a_working_admin_token)
{
	struct harness_resp r;

	cr_assert(token_alone(harness_fx.admin_token));
	cr_assert_eq(count_token_lines(&harness_fx), 1);
	harness_get(&harness_fx, harness_fx.admin_token,
	    "/scim/demo/v2/Credential", &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
}

ITEST(lifecycle, restart_prints_no_second_token_and_keeps_the_first)
{
	struct harness_resp r;

	cr_assert_eq(harness_stop(&harness_fx), 0);
	cr_assert_eq(harness_restart(&harness_fx), 0);
	cr_assert_eq(count_token_lines(&harness_fx), 1,
	    "a restart on a non-empty data dir must not print a new token");
	harness_get(&harness_fx, harness_fx.admin_token,
	    "/scim/demo/v2/Credential", &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
}

ITEST(lifecycle, sigint_exits_zero)
{
	cr_assert_eq(harness_signal(&harness_fx, SIGINT), 0);
}

ITEST(lifecycle, sigterm_exits_zero_with_an_idle_connection_open)
{
	int fd;

	/* An idle keep-alive client must not hold up a graceful exit. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	{
		struct sockaddr_in sa = {.sin_family = AF_INET};

		sa.sin_port = htons((uint16_t)harness_fx.port);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		cr_assert_eq(
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	usleep(100000);
	cr_assert_eq(harness_stop(&harness_fx), 0);
	close(fd);
}

ITEST(lifecycle, tenant_add_and_token_create_while_running)
{
	char tok[HARNESS_TOKEN_MAX];
	struct harness_resp r;

	cr_assert_eq(harness_tenant_add(&harness_fx, "acme-1"), 0);
	cr_assert_eq(
	    harness_token_create(&harness_fx, "acme-1", NULL, tok, sizeof(tok)),
	    0);
	cr_assert(token_alone(tok), "token create printed '%s'", tok);
	harness_get(&harness_fx, tok, "/scim/acme-1/v2/Credential", &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
}

ITEST(lifecycle, tenant_add_rejects_bad_names)
{
	static const char *bad[] = {"UPPER", "under_score", "dot.ted", "sl/ash",
	    "", "a b",
	    "a234567890123456789012345678901234567890123456789012345678901234"};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_neq(harness_tenant_add(&harness_fx, bad[i]), 0,
		    "tenant name '%s' was accepted", bad[i]);
	/* 63 characters is the maximum and is fine */
	cr_expect_eq(
	    harness_tenant_add(&harness_fx,
		"a23456789012345678901234567890123456789012345678901234567890123"),
	    0);
}

ITEST(lifecycle, tenant_add_twice_fails)
{
	cr_assert_eq(harness_tenant_add(&harness_fx, "twice"), 0);
	cr_assert_neq(harness_tenant_add(&harness_fx, "twice"), 0);
	cr_assert_neq(harness_tenant_add(&harness_fx, "demo"), 0);
}

ITEST(lifecycle, token_create_for_unknown_tenant_fails)
{
	char tok[HARNESS_TOKEN_MAX];

	cr_assert_neq(
	    harness_token_create(&harness_fx, "nosuch", NULL, tok, sizeof(tok)),
	    0);
	cr_assert_eq(strstr(tok, "scimcred_"), NULL,
	    "a token was printed for an unknown tenant");
}

ITEST(lifecycle, token_create_with_unknown_permission_fails)
{
	const char *perms[] = {"credentialsIssuance:fly:credentials", NULL};
	const char *bad[] = {"not-a-permission", NULL};
	char tok[HARNESS_TOKEN_MAX];

	cr_assert_neq(
	    harness_token_create(&harness_fx, "demo", perms, tok, sizeof(tok)),
	    0);
	cr_assert_neq(
	    harness_token_create(&harness_fx, "demo", bad, tok, sizeof(tok)),
	    0);
}

ITEST(lifecycle, tokens_are_distinct)
{
	char a[HARNESS_TOKEN_MAX], b[HARNESS_TOKEN_MAX];

	cr_assert_eq(
	    harness_token_create(&harness_fx, "demo", NULL, a, sizeof(a)), 0);
	cr_assert_eq(
	    harness_token_create(&harness_fx, "demo", NULL, b, sizeof(b)), 0);
	cr_assert_str_neq(a, b);
	cr_assert_str_neq(a, harness_fx.admin_token);
}

ITEST(lifecycle, data_survives_a_graceful_restart)
{
	char id[128], path[256], version[64];
	struct harness_resp r;

	harness_create(&harness_fx, harness_fx.admin_token, "demo",
	    CRED("\"type\":\"CT_ACODE\",\"externalId\":\"keep-me\","
		 "\"attributes\":[{\"name\":\"ACTIVATION_CODE\","
		 "\"value\":\"AB12-CD34\"}]"),
	    id, sizeof(id));
	snprintf(path, sizeof(path), "/scim/demo/v2/Credential/%s", id);
	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_STATUS(&r, 200);
	snprintf(version, sizeof(version), "%s",
	    harness_jstr(harness_json(&r), "meta.version"));
	harness_resp_free(&r);

	cr_assert_eq(harness_stop(&harness_fx), 0);
	cr_assert_eq(harness_restart(&harness_fx), 0);
	harness_get(&harness_fx, harness_fx.admin_token, path, &r);
	EXPECT_STATUS(&r, 200);
	cr_assert_str_eq(
	    harness_jstr(harness_json(&r), "externalId"), "keep-me");
	cr_assert_str_eq(
	    harness_jstr(harness_json(&r), "meta.version"), version);
	harness_resp_free(&r);
}

ITEST(lifecycle, access_log_never_contains_the_token)
{
	char path[512], buf[65536];
	struct harness_resp r;
	FILE *f;
	size_t n;

	harness_get(&harness_fx, harness_fx.admin_token,
	    "/scim/demo/v2/Credential", &r);
	harness_resp_free(&r);
	harness_get(&harness_fx, "scimcred_notarealtokenbutsecretlooking",
	    "/scim/demo/v2/Credential", &r);
	harness_resp_free(&r);
	cr_assert_eq(harness_stop(&harness_fx), 0);
	snprintf(path, sizeof(path), "%s/stderr", harness_fx.root);
	f = fopen(path, "rb");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the token's secret part, past the public prefix */
	cr_assert_null(strstr(buf, harness_fx.admin_token + 9),
	    "the admin token appears in the log");
	cr_assert_null(strstr(buf, "notarealtokenbutsecretlooking"),
	    "a presented token appears in the log");
}
