/*
 * TLS for the listener: an OpenSSL 3 server context with TLS 1.2 and 1.3
 * only, and the libevent OpenSSL bufferevent each connection reads
 * through. Handshakes are timed by the server's per-connection deadline
 * (server.c), which starts at accept, so a stalled handshake is closed
 * like a slow request.
 */
#ifndef HTTP_TLS_H
#define HTTP_TLS_H

#include <stddef.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

struct tls;

struct tls_config {
	const char *cert; /* PEM certificate chain, leaf first */
	const char *key; /* PEM private key */
	/* PEM CA bundle: when set, every client must present a
	 * certificate that chains to it (mutual TLS). NULL: none asked. */
	const char *client_ca;
};

/*
 * Loads the certificate and key, checks they match, and builds the
 * context. NULL with a message naming the file and OpenSSL's reason in
 * err on failure.
 */
struct tls *tls_new(const struct tls_config *cfg, char *err, size_t errsz);
/* Accepts NULL. */
void tls_free(struct tls *t);

/*
 * A server-side bufferevent for one connection on base, for evhttp's
 * bufferevent callback: the socket is attached later by evhttp. The
 * bufferevent owns its SSL object and closes the socket when freed.
 * NULL if out of memory.
 */
struct bufferevent *tls_bev_new(struct tls *t, struct event_base *base);

#endif
