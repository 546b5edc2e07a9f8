/*
 * HTTPS end to end: the daemon with a throwaway certificate made at test
 * time (nothing secret is committed). TLS 1.2 and 1.3 are served, 1.0
 * and 1.1 refused; plain HTTP on the TLS port gets no HTTP answer; a
 * client that stalls in the handshake is cut off by the request
 * deadline; with --tls-client-ca only clients with a certificate from
 * that CA get through.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "harness.h"

struct pki {
	char dir[64];
	char cert[128], key[128]; /* the server's */
	char ccert[128], ckey[128]; /* a client's, self-signed: its own CA */
};

/* A self-signed P-256 certificate for cn, written as PEM files. */
static void
make_cert(const char *cn, const char *cert_path, const char *key_path)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	FILE *f;

	cr_assert(pk != NULL && x != NULL);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pk);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(
	    name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	cr_assert(X509_sign(x, pk, EVP_sha256()) > 0);
	f = fopen(cert_path, "w");
	cr_assert(f != NULL && PEM_write_X509(f, x) == 1);
	fclose(f);
	f = fopen(key_path, "w");
	cr_assert(f != NULL &&
	    PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) == 1);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(pk);
}

static void
pki_make(struct pki *p)
{
	snprintf(p->dir, sizeof(p->dir), "/tmp/scimcred-tls-XXXXXX");
	cr_assert(mkdtemp(p->dir) != NULL);
	snprintf(p->cert, sizeof(p->cert), "%s/server.pem", p->dir);
	snprintf(p->key, sizeof(p->key), "%s/server.key", p->dir);
	snprintf(p->ccert, sizeof(p->ccert), "%s/client.pem", p->dir);
	snprintf(p->ckey, sizeof(p->ckey), "%s/client.key", p->dir);
	make_cert("localhost", p->cert, p->key);
	make_cert("provisioning-client", p->ccert, p->ckey);
}

static void
pki_remove(struct pki *p)
{
	unlink(p->cert);
	unlink(p->key);
	unlink(p->ccert);
	unlink(p->ckey);
	rmdir(p->dir);
}

/* A blocking connection with 5 s socket timeouts, so nothing hangs. */
static int
blocking_connect(int port)
{
	struct timeval tv = {5, 0};
	int fd = harness_connect(port);

	cr_assert(fd >= 0, "connect");
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

struct client_opts {
	int min_version, max_version;
	const char *cert, *key; /* client certificate, or NULL */
};

/*
 * Handshakes with the given versions and, when it succeeds, sends GET
 * path with token and reads the reply's status code into *status.
 * Returns the negotiated version, or 0 if the handshake failed.
 */
static int
tls_get(int port, const struct client_opts *o, const char *token,
    const char *path, int *status)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	char req[512], buf[4096];
	int fd, n, got = 0, version = 0;
	SSL *ssl;

	*status = 0;
	cr_assert(ctx != NULL);
	/* A refused TLS 1.3 client learns it by writing into a closed
	 * connection. */
	signal(SIGPIPE, SIG_IGN);
	/* Let the client offer old versions, so that only the server's
	 * policy decides. */
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
	SSL_CTX_set_min_proto_version(ctx, o->min_version);
	SSL_CTX_set_max_proto_version(ctx, o->max_version);
	if (o->cert != NULL) {
		cr_assert(SSL_CTX_use_certificate_file(
			      ctx, o->cert, SSL_FILETYPE_PEM) == 1);
		cr_assert(SSL_CTX_use_PrivateKey_file(
			      ctx, o->key, SSL_FILETYPE_PEM) == 1);
	}
	fd = blocking_connect(port);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1)
		goto out;
	version = SSL_version(ssl);
	snprintf(req, sizeof(req),
	    "GET %s HTTP/1.1\r\nHost: localhost\r\n"
	    "Authorization: Bearer %s\r\nConnection: close\r\n\r\n",
	    path, token);
	if (SSL_write(ssl, req, (int)strlen(req)) <= 0)
		goto out;
	/* With TLS 1.3 a missing client certificate is refused after the
	 * client's handshake has finished: the refusal arrives here. */
	while (got < (int)sizeof(buf) - 1 &&
	    (n = SSL_read(ssl, buf + got, (int)sizeof(buf) - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	if (strncmp(buf, "HTTP/1.1 ", 9) == 0)
		*status = atoi(buf + 9);
	else
		version = 0;
out:
	ERR_clear_error();
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return version;
}

static const char spc[] = "/scim/demo/v2/ServiceProviderConfig";

Test(tls, serves_tls12_and_tls13_refuses_older, .timeout = 60)
{
	struct harness_server srv;
	struct pki p;
	int status, v;

	pki_make(&p);
	cr_assert(harness_start_args(&srv,
		      (const char *[]){"--tls-cert", p.cert, "--tls-key", p.key,
			  NULL}) == 0);
	v = tls_get(srv.port,
	    &(struct client_opts){
		.min_version = TLS1_2_VERSION, .max_version = TLS1_2_VERSION},
	    srv.admin_token, spc, &status);
	cr_expect_eq(v, TLS1_2_VERSION, "TLS 1.2 handshake");
	cr_expect_eq(status, 200);
	v = tls_get(srv.port,
	    &(struct client_opts){
		.min_version = TLS1_3_VERSION, .max_version = TLS1_3_VERSION},
	    srv.admin_token, spc, &status);
	cr_expect_eq(v, TLS1_3_VERSION, "TLS 1.3 handshake");
	cr_expect_eq(status, 200);
	/* A wrong token is still refused over TLS. */
	tls_get(srv.port,
	    &(struct client_opts){
		.min_version = TLS1_3_VERSION, .max_version = TLS1_3_VERSION},
	    "scimcred_nope", spc, &status);
	cr_expect_eq(status, 401);
	v = tls_get(srv.port,
	    &(struct client_opts){
		.min_version = TLS1_1_VERSION, .max_version = TLS1_1_VERSION},
	    srv.admin_token, spc, &status);
	cr_expect_eq(v, 0, "TLS 1.1 must be refused");
	v = tls_get(srv.port,
	    &(struct client_opts){
		.min_version = TLS1_VERSION, .max_version = TLS1_VERSION},
	    srv.admin_token, spc, &status);
	cr_expect_eq(v, 0, "TLS 1.0 must be refused");
	/* Refused handshakes leave the server serving. */
	v = tls_get(srv.port,
	    &(struct client_opts){
		.min_version = TLS1_2_VERSION, .max_version = TLS1_3_VERSION},
	    srv.admin_token, spc, &status);
	cr_expect_eq(v, TLS1_3_VERSION, "a client offering both gets 1.3");
	cr_expect_eq(status, 200);
	harness_cleanup(&srv);
	pki_remove(&p);
}

Test(tls, plain_http_and_stalled_handshakes_are_cut_off, .timeout = 60)
{
	static const char plain[] = "GET /scim/demo/v2/ServiceProviderConfig "
				    "HTTP/1.1\r\nHost: x\r\n\r\n";
	struct harness_server srv;
	struct harness_resp r;
	struct pki p;
	int64_t t0;
	char byte;
	int fd, status;
	ssize_t n;

	pki_make(&p);
	cr_assert(harness_start_args(&srv,
		      (const char *[]){"--tls-cert", p.cert, "--tls-key", p.key,
			  "--header-timeout", "1", NULL}) == 0);
	/* Plain HTTP is not a TLS ClientHello: no HTTP reply comes back. */
	harness_raw(srv.port, plain, sizeof(plain) - 1, 3000, &r);
	cr_expect_eq(r.status, 0, "plain HTTP got an HTTP answer");
	harness_resp_free(&r);
	/* A client that connects and never says hello is closed by the
	 * request deadline (1 s), not left holding the connection. */
	fd = blocking_connect(srv.port);
	t0 = harness_now_ms();
	n = read(fd, &byte, 1);
	cr_expect_eq(n, 0, "expected a close, read gave %zd (%s)", n,
	    n < 0 ? strerror(errno) : "data");
	cr_expect_lt(harness_now_ms() - t0, 3000, "closed after %lld ms",
	    (long long)(harness_now_ms() - t0));
	close(fd);
	tls_get(srv.port,
	    &(struct client_opts){
		.min_version = TLS1_2_VERSION, .max_version = TLS1_3_VERSION},
	    srv.admin_token, spc, &status);
	cr_expect_eq(status, 200);
	harness_cleanup(&srv);
	pki_remove(&p);
}

Test(tls, client_certificates_when_a_ca_is_configured, .timeout = 60)
{
	struct harness_server srv;
	struct pki p;
	int status, v;

	pki_make(&p);
	cr_assert(harness_start_args(&srv,
		      (const char *[]){"--tls-cert", p.cert, "--tls-key", p.key,
			  "--tls-client-ca", p.ccert, NULL}) == 0);
	/* No certificate: refused in the handshake (TLS 1.2) or right
	 * after it (1.3); either way no HTTP reply. */
	v = tls_get(srv.port,
	    &(struct client_opts){
		.min_version = TLS1_2_VERSION, .max_version = TLS1_2_VERSION},
	    srv.admin_token, spc, &status);
	cr_expect_eq(v, 0);
	cr_expect_eq(status, 0);
	tls_get(srv.port,
	    &(struct client_opts){
		.min_version = TLS1_3_VERSION, .max_version = TLS1_3_VERSION},
	    srv.admin_token, spc, &status);
	cr_expect_eq(status, 0, "TLS 1.3 without a certificate got %d", status);
	/* A certificate from another CA (the server's own) is refused. */
	tls_get(srv.port,
	    &(struct client_opts){
		TLS1_2_VERSION, TLS1_3_VERSION, p.cert, p.key},
	    srv.admin_token, spc, &status);
	cr_expect_eq(status, 0, "a foreign certificate got %d", status);
	v = tls_get(srv.port,
	    &(struct client_opts){
		TLS1_2_VERSION, TLS1_3_VERSION, p.ccert, p.ckey},
	    srv.admin_token, spc, &status);
	cr_expect_neq(v, 0);
	cr_expect_eq(status, 200);
	harness_cleanup(&srv);
	pki_remove(&p);
}

Test(tls, bad_key_files_stop_start_up, .timeout = 30)
{
	struct harness_server srv;
	struct pki p;

	pki_make(&p);
	/* The client's key does not match the server's certificate. */
	cr_expect_neq(harness_start_args(&srv,
			  (const char *[]){
			      "--tls-cert", p.cert, "--tls-key", p.ckey, NULL}),
	    0);
	harness_cleanup(&srv);
	pki_remove(&p);
}
