/*
 * The HTTP server: one listening socket shared by N worker threads, each
 * with its own event_base, evhttp and evconnlistener (memcached's model,
 * STYLE.md §7), with every limit of HARDENING.md's libevent section set.
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <sys/socket.h>

#include "http/ratelimit.h"
#include "scim/scim.h"
#include "store/store.h"

#define HTTP_SERVER_MAX_THREADS 64
#define HTTP_SERVER_MAX_HEADERS (16 * 1024) /* request line + headers */
#define HTTP_SERVER_MAX_BODY (2 * 1024 * 1024) /* evhttp's backstop */
#define HTTP_SERVER_DRAIN_SECONDS 5 /* graceful shutdown bound */

struct authconf;

struct http_server_config {
	const char
	    *listen; /* "ADDR:PORT" or "[ADDR6]:PORT"; port 0 picks one */
	const char
	    *public_url; /* base URL for Location/meta.location, or NULL */
	unsigned threads; /* 0: the number of online CPUs */
	unsigned header_timeout; /* seconds to receive a whole request */
	unsigned idle_timeout; /* evhttp read/write timeout, seconds */
	/* TLS (tls.h): certificate chain and key, both or neither; a client
	 * CA bundle asks every client for a certificate. NULL: plain. */
	const char *tls_cert;
	const char *tls_key;
	const char *tls_client_ca;
	/* Token buckets per caller and per tenant (ratelimit.h); a rate
	 * of 0 leaves that limit off. */
	struct ratelimit_config limits;
	/* "ADDR:PORT" of the Prometheus listener (metrics.h), or NULL. */
	const char *metrics_listen;
	/* JWT settings and roles (auth/authconf.h); borrowed, NULL: opaque
	 * tokens only. */
	const struct authconf *auth;
};

/*
 * Parses a numeric listen address: IPv4 "A.B.C.D:PORT" or IPv6
 * "[ADDR]:PORT", port 0..65535. No host names: nothing is resolved.
 * Returns 0, or -1 if s is malformed.
 */
int http_server_parse_listen(
    const char *s, struct sockaddr_storage *ss, socklen_t *len);

/*
 * Binds cfg->listen, starts the workers, logs "listening on ..." and
 * blocks until SIGTERM or SIGINT. Then it stops accepting, lets replies
 * already being written finish (at most HTTP_SERVER_DRAIN_SECONDS), frees
 * everything and returns 0, so the caller can close the store. Returns -1
 * (after logging why) if the server could not start. scim and store are
 * borrowed and must outlive the call. SIGPIPE is ignored from here on.
 */
int http_server_run(const struct http_server_config *cfg, struct scim *scim,
    struct store *store);

#endif
