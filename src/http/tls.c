/*
 * The listener's TLS context (tls.h). Defaults follow current practice
 * for a server whose clients are provisioning services, not browsers of
 * every age: TLS 1.2 and 1.3 only (RFC 8996 deprecates 1.0 and 1.1),
 * forward-secret AEAD suites only for 1.2 (RFC 9325 §4.2), OpenSSL's
 * defaults for 1.3, no renegotiation, no compression.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "http/tls.h"
#include "util/xmalloc.h"

struct tls {
	SSL_CTX *ctx;
};

/* ECDHE key exchange with AES-GCM or ChaCha20-Poly1305, for TLS 1.2. */
static const char tls12_ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/* Session ids are scoped to this context, as OpenSSL requires when it
 * verifies client certificates (else resumption fails). */
static const unsigned char session_ctx[] = "scimcred";

static void
fail(char *err, size_t errsz, const char *what, const char *file)
{
	char reason[256];
	unsigned long e = ERR_peek_last_error();

	if (e != 0)
		ERR_error_string_n(e, reason, sizeof(reason));
	else
		snprintf(reason, sizeof(reason), "unknown error");
	ERR_clear_error();
	snprintf(err, errsz, "%s%s%s: %s", what, file != NULL ? " " : "",
	    file != NULL ? file : "", reason);
}

static int
ctx_setup(SSL_CTX *ctx, const struct tls_config *cfg, char *err, size_t errsz)
{
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, tls12_ciphers) != 1) {
		fail(err, errsz, "TLS protocol settings", NULL);
		return -1;
	}
	SSL_CTX_set_options(ctx,
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
		SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle connections give their read and write buffers back. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert) != 1) {
		fail(err, errsz, "cannot load certificate", cfg->cert);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key, SSL_FILETYPE_PEM) != 1) {
		fail(err, errsz, "cannot load private key", cfg->key);
		return -1;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		fail(err, errsz, "private key does not match certificate",
		    cfg->key);
		return -1;
	}
	if (SSL_CTX_set_session_id_context(
		ctx, session_ctx, sizeof(session_ctx) - 1) != 1) {
		fail(err, errsz, "TLS session settings", NULL);
		return -1;
	}
	if (cfg->client_ca != NULL) {
		STACK_OF(X509_NAME) *names =
		    SSL_load_client_CA_file(cfg->client_ca);
		if (names == NULL ||
		    SSL_CTX_load_verify_locations(ctx, cfg->client_ca, NULL) !=
			1) {
			sk_X509_NAME_pop_free(names, X509_NAME_free);
			fail(err, errsz, "cannot load client CA file",
			    cfg->client_ca);
			return -1;
		}
		SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_verify(ctx,
		    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	return 0;
}

struct tls *
tls_new(const struct tls_config *cfg, char *err, size_t errsz)
{
	struct tls *t = NULL;
	SSL_CTX *ctx;

	err[0] = '\0';
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		fail(err, errsz, "cannot create a TLS context", NULL);
		return NULL;
	}
	if (ctx_setup(ctx, cfg, err, errsz) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->ctx = ctx;
	return t;
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

struct bufferevent *
tls_bev_new(struct tls *t, struct event_base *base)
{
	struct bufferevent *bev;
	SSL *ssl = SSL_new(t->ctx);

	if (ssl == NULL)
		return NULL;
	/* BEV_OPT_CLOSE_ON_FREE is what makes the bufferevent free the SSL
	 * object; evhttp then leaves closing the socket to it, after its
	 * own shutdown(), so the order is the same as for plain sockets. */
	bev = bufferevent_openssl_socket_new(
	    base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	/* Clients that close without close_notify are common; a reply that
	 * was fully written is not an error because of that. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}
