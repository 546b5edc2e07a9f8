/*
 * The webhook deliverer; see webhook.h. Everything runs on one event
 * base in one thread. A scan (a short read transaction, outbox_due)
 * finds the due head of each idle tenant's queue; each gets a fresh
 * connection (plain or OpenSSL bufferevent) that carries exactly one
 * POST, bounded by a deadline timer as well as evhttp's own inactivity
 * timeout. The outcome is written in a short write transaction after the
 * answer, never while one is awaited (HARDENING.md: no transaction
 * across event-loop turns).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "http/webhook.h"
#include "scim/outbox.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/xmalloc.h"

#define HOST_MAX 256
#define TENANT_MAX 64
#define ID_MAX 65
#define ERROR_MAX 160

struct webhook;

/* One POST in flight. */
struct slot {
	struct webhook *w;
	int busy;
	struct evhttp_connection *evcon;
	struct evhttp_request *req;
	struct event *deadline;
	char tenant[TENANT_MAX + 1];
	char id[ID_MAX];
	unsigned attempts; /* failed attempts before this one */
	char error[ERROR_MAX]; /* from the error callback */
};

/* A connection whose request finished: freed on the next loop turn,
 * since evhttp forbids freeing it from its own callback. */
struct dead {
	struct evhttp_connection *evcon;
	struct dead *next;
};

struct webhook {
	struct webhook_config cfg;
	char *url, *secret;
	size_t secret_len;
	char host[HOST_MAX];
	char host_header[HOST_MAX + 8];
	char *path; /* path and query */
	int port, https, ip_literal;
	SSL_CTX *ssl;
	struct store *st;
	struct event_base *base;
	struct evdns_base *dns;
	struct event *scan_ev, *stop_ev, *reap_ev;
	int stop_pipe[2];
	struct slot *slots;
	struct dead *dead;
	pthread_t thread;
	int started;
	/* After an outcome could not be written (disk full): no new POSTs
	 * before this time, or the same event would go out in a loop. */
	int64_t pause_until;
};

/* ------------------------------------------------------------- helpers */

long long
webhook_backoff_ms(unsigned min_s, unsigned max_s, unsigned failures)
{
	long long d = (long long)(min_s ? min_s : 1) * 1000;
	long long cap = (long long)(max_s ? max_s : 3600) * 1000;
	unsigned i;

	for (i = 1; i < failures && d < cap; i++)
		d *= 2;
	return d < cap ? d : cap;
}

/* The backoff with jitter: a delay drawn from [d/2, d]. */
static long long
backoff_jitter(const struct webhook_config *cfg, unsigned failures)
{
	long long d =
	    webhook_backoff_ms(cfg->retry_min, cfg->retry_max, failures);
	uint32_t r;

	secure_random(&r, sizeof(r));
	return d / 2 + (long long)(r % (uint32_t)(d / 2 + 1));
}

static int
is_ip(const char *host)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

/* Splits a URL webhook_url_ok accepted; 0, or -1. */
static int
parse_url(struct webhook *w, const char *url)
{
	struct evhttp_uri *u = evhttp_uri_parse_with_flags(url, 0);
	const char *scheme, *host, *path, *query;
	size_t hl;
	int rc = -1;

	if (u == NULL || (scheme = evhttp_uri_get_scheme(u)) == NULL ||
	    (host = evhttp_uri_get_host(u)) == NULL || host[0] == '\0' ||
	    evhttp_uri_get_userinfo(u) != NULL)
		goto out;
	if (strcasecmp(scheme, "https") == 0)
		w->https = 1;
	else if (strcasecmp(scheme, "http") != 0)
		goto out;
	hl = strlen(host);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']')
		host++, hl -= 2;
	if (hl >= sizeof(w->host))
		goto out;
	memcpy(w->host, host, hl);
	w->host[hl] = '\0';
	w->port = evhttp_uri_get_port(u);
	if (w->port <= 0)
		w->port = w->https ? 443 : 80;
	w->ip_literal = is_ip(w->host);
	snprintf(w->host_header, sizeof(w->host_header), "%s%s%s:%d",
	    strchr(w->host, ':') != NULL ? "[" : "", w->host,
	    strchr(w->host, ':') != NULL ? "]" : "", w->port);
	path = evhttp_uri_get_path(u);
	query = evhttp_uri_get_query(u);
	if (path == NULL || path[0] == '\0')
		path = "/";
	w->path = xmalloc(strlen(path) + (query ? strlen(query) + 2 : 1));
	sprintf(w->path, "%s%s%s", path, query ? "?" : "", query ? query : "");
	rc = 0;
out:
	if (u != NULL)
		evhttp_uri_free(u);
	return rc;
}

int
webhook_url_ok(const char *url)
{
	struct webhook w;
	int ok;

	if (url == NULL || strlen(url) > WEBHOOK_URL_MAX)
		return 0;
	memset(&w, 0, sizeof(w));
	ok = parse_url(&w, url) == 0;
	free(w.path);
	return ok;
}

static int
tls_init(struct webhook *w, char *err, size_t errsz)
{
	int ok;

	w->ssl = SSL_CTX_new(TLS_client_method());
	if (w->ssl == NULL) {
		snprintf(err, errsz, "cannot create a TLS context");
		return -1;
	}
	SSL_CTX_set_min_proto_version(w->ssl, TLS1_2_VERSION);
	SSL_CTX_set_verify(w->ssl, SSL_VERIFY_PEER, NULL);
	if (w->cfg.ca_file != NULL)
		ok =
		    SSL_CTX_load_verify_locations(w->ssl, w->cfg.ca_file, NULL);
	else
		ok = SSL_CTX_set_default_verify_paths(w->ssl);
	if (ok != 1) {
		snprintf(err, errsz, "cannot load the CA certificates%s%s: %s",
		    w->cfg.ca_file ? " from " : "",
		    w->cfg.ca_file ? w->cfg.ca_file : "",
		    ERR_reason_error_string(ERR_get_error()));
		return -1;
	}
	return 0;
}

/* A client bufferevent for one HTTPS connection: SNI and the name (or
 * address) the certificate must carry. NULL on failure. */
static struct bufferevent *
tls_bev(struct webhook *w)
{
	struct bufferevent *bev;
	SSL *ssl = SSL_new(w->ssl);

	if (ssl == NULL)
		return NULL;
	if (w->ip_literal) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), w->host);
	} else {
		SSL_set_tlsext_host_name(ssl, w->host);
		SSL_set1_host(ssl, w->host);
	}
	bev = bufferevent_openssl_socket_new(w->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (bev == NULL)
		SSL_free(ssl);
	else
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* X-Scimcred-Signature over "<timestamp>.<body>". */
static void
sign(struct webhook *w, struct evkeyvalq *h, const char *ts, struct str body)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 8];
	unsigned maclen = 0;
	size_t tl = strlen(ts);
	unsigned char *msg = xmalloc(tl + 1 + body.len);

	memcpy(msg, ts, tl);
	msg[tl] = '.';
	memcpy(msg + tl + 1, body.ptr, body.len);
	if (HMAC(EVP_sha256(), w->secret, (int)w->secret_len, msg,
		tl + 1 + body.len, mac, &maclen) == NULL) {
		log_error("webhook: HMAC failed");
	} else {
		memcpy(hex, "sha256=", 7);
		secure_hex(mac, maclen, hex + 7);
		evhttp_add_header(h, "X-Scimcred-Timestamp", ts);
		evhttp_add_header(h, "X-Scimcred-Signature", hex);
	}
	secure_wipe(mac, sizeof(mac));
	free(msg);
}

/* ---------------------------------------------------------- one POST */

static void
bury(struct webhook *w, struct evhttp_connection *evcon)
{
	static const struct timeval now = {0, 0};
	struct dead *d;

	if (evcon == NULL)
		return;
	d = xmalloc(sizeof(*d));
	d->evcon = evcon;
	d->next = w->dead;
	w->dead = d;
	evtimer_add(w->reap_ev, &now);
}

static void
reap(struct webhook *w)
{
	struct dead *d;

	while ((d = w->dead) != NULL) {
		w->dead = d->next;
		evhttp_connection_free(d->evcon);
		free(d);
	}
}

static void
on_reap(evutil_socket_t fd, short what, void *arg)
{
	reap(arg);
}

static void
scan_soon(struct webhook *w)
{
	static const struct timeval now = {0, 0};

	evtimer_add(w->scan_ev, &now);
}

/* Writes the outcome of the slot's attempt (error NULL: delivered) and
 * frees the slot. */
static void
finish(struct slot *s, const char *error)
{
	struct webhook *w = s->w;
	struct scim_err err;
	int64_t now = date_now_ms(), next;
	unsigned failures = s->attempts + 1;
	int give_up, rc;

	scim_err_clear(&err);
	if (error == NULL) {
		rc = outbox_delivered(
		    w->st, str_from(s->tenant), str_from(s->id), now, &err);
		log_debug("webhook: delivered event %s of tenant %s", s->id,
		    s->tenant);
	} else {
		give_up =
		    w->cfg.max_attempts > 0 && failures >= w->cfg.max_attempts;
		next = now + backoff_jitter(&w->cfg, failures);
		rc = outbox_retry(w->st, str_from(s->tenant), str_from(s->id),
		    now, next, error, give_up, &err);
		log_warn("webhook: event %s of tenant %s: %s (attempt %u%s)",
		    s->id, s->tenant, error, failures,
		    give_up ? ", giving up" : "");
	}
	if (rc != 0 && rc != SCIM_E_NOT_FOUND) {
		log_error("webhook: cannot record the outcome of event %s: %s",
		    s->id, err.detail[0] ? err.detail : scim_strerror(rc));
		w->pause_until = now + WEBHOOK_POLL_MS * 2;
	}
	evtimer_del(s->deadline);
	bury(w, s->evcon);
	s->evcon = NULL;
	s->req = NULL;
	s->busy = 0;
	scan_soon(w);
}

static const char *
req_error_text(enum evhttp_request_error e)
{
	switch (e) {
	case EVREQ_HTTP_TIMEOUT:
		return "timed out";
	case EVREQ_HTTP_EOF:
		return "connection closed before a complete answer";
	case EVREQ_HTTP_INVALID_HEADER:
		return "invalid answer header";
	case EVREQ_HTTP_BUFFER_ERROR:
		return "connection failed";
	case EVREQ_HTTP_REQUEST_CANCEL:
		return "cancelled";
	case EVREQ_HTTP_DATA_TOO_LONG:
		return "answer too large";
	}
	return "failed";
}

static void
on_error(enum evhttp_request_error e, void *arg)
{
	struct slot *s = arg;
	unsigned long ssl_err = 0;
	struct bufferevent *bev;

	if (s->w->https && s->evcon != NULL &&
	    (bev = evhttp_connection_get_bufferevent(s->evcon)) != NULL)
		ssl_err = bufferevent_get_openssl_error(bev);
	if (ssl_err != 0)
		snprintf(s->error, sizeof(s->error), "TLS: %s",
		    ERR_reason_error_string(ssl_err));
	else
		snprintf(s->error, sizeof(s->error), "%s", req_error_text(e));
}

static void
on_done(struct evhttp_request *req, void *arg)
{
	struct slot *s = arg;
	char msg[ERROR_MAX];
	int code = req != NULL ? evhttp_request_get_response_code(req) : 0;

	if (!s->busy)
		return;
	if (code >= 200 && code < 300) {
		finish(s, NULL);
		return;
	}
	if (code > 0)
		snprintf(msg, sizeof(msg), "HTTP status %d", code);
	else
		snprintf(msg, sizeof(msg), "%s",
		    s->error[0] ? s->error : "connection failed");
	finish(s, msg);
}

/* The whole attempt took too long (a slow answer keeps evhttp's
 * inactivity timeout from firing). */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct slot *s = arg;

	if (!s->busy)
		return;
	if (s->req != NULL)
		evhttp_cancel_request(s->req);
	s->req = NULL;
	finish(s, "timed out");
}

static void
add_headers(struct webhook *w, struct slot *s, struct evhttp_request *req,
    struct str body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	char len[32], ts[32];

	snprintf(len, sizeof(len), "%zu", body.len);
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	evhttp_add_header(h, "Host", w->host_header);
	evhttp_add_header(h, "User-Agent", "scimcred/" PACKAGE_VERSION);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Content-Length", len);
	evhttp_add_header(h, "Connection", "close");
	evhttp_add_header(h, "X-Scimcred-Event", s->id);
	evhttp_add_header(h, "X-Scimcred-Tenant", s->tenant);
	if (w->secret != NULL)
		sign(w, h, ts, body);
}

/* Starts one POST of item on slot s. */
static void
start(struct webhook *w, struct slot *s, const struct outbox_item *it)
{
	struct timeval tv = {(time_t)w->cfg.timeout, 0};
	struct bufferevent *bev = NULL;
	struct evhttp_request *req;

	memset(s->error, 0, sizeof(s->error));
	snprintf(s->tenant, sizeof(s->tenant), "%.*s", STR_FMT(it->tenant));
	snprintf(s->id, sizeof(s->id), "%.*s", STR_FMT(it->id));
	s->attempts = it->attempts;
	s->busy = 1;
	evtimer_add(s->deadline, &tv);
	if (w->https && (bev = tls_bev(w)) == NULL) {
		finish(s, "cannot create a TLS connection");
		return;
	}
	s->evcon = evhttp_connection_base_bufferevent_new(
	    w->base, w->dns, bev, w->host, (unsigned short)w->port);
	if (s->evcon == NULL) {
		if (bev != NULL)
			bufferevent_free(bev);
		finish(s, "cannot create a connection");
		return;
	}
	evhttp_connection_set_timeout_tv(s->evcon, &tv);
	evhttp_connection_set_retries(s->evcon, 0);
	evhttp_connection_set_max_headers_size(s->evcon, 16 * 1024);
	evhttp_connection_set_max_body_size(s->evcon, WEBHOOK_MAX_RESPONSE);
	req = evhttp_request_new(on_done, s);
	evhttp_request_set_error_cb(req, on_error);
	add_headers(w, s, req, it->body);
	evbuffer_add(
	    evhttp_request_get_output_buffer(req), it->body.ptr, it->body.len);
	s->req = req;
	if (evhttp_make_request(s->evcon, req, EVHTTP_REQ_POST, w->path) != 0 &&
	    s->busy) {
		s->req = NULL;
		finish(s, "cannot connect");
	}
}

/* ---------------------------------------------------------- the loop */

static int
tenant_busy(void *arg, struct str tenant)
{
	struct webhook *w = arg;
	unsigned i;

	for (i = 0; i < w->cfg.concurrency; i++)
		if (w->slots[i].busy && str_eq_cstr(tenant, w->slots[i].tenant))
			return 1;
	return 0;
}

static void
on_scan(evutil_socket_t fd, short what, void *arg)
{
	struct webhook *w = arg;
	struct outbox_item *items;
	struct scim_err err;
	struct arena *a;
	struct timeval tv;
	int64_t now = date_now_ms(), next = INT64_MAX, wait;
	size_t n = 0, k = 0, i, j = 0;

	for (i = 0; i < w->cfg.concurrency; i++)
		k += !w->slots[i].busy;
	if (now < w->pause_until)
		k = 0;
	a = arena_new();
	scim_err_clear(&err);
	if (k > 0 &&
	    outbox_due(
		w->st, a, now, k, tenant_busy, w, &items, &n, &next, &err) != 0)
		log_error("webhook: cannot read the outbox: %s", err.detail);
	for (i = 0; i < n; i++) {
		while (w->slots[j].busy)
			j++;
		start(w, &w->slots[j], &items[i]);
	}
	arena_free(a);
	wait = next == INT64_MAX ? WEBHOOK_POLL_MS : next - now;
	if (wait > WEBHOOK_POLL_MS)
		wait = WEBHOOK_POLL_MS;
	if (wait < 0)
		wait = 0;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
	if (!evtimer_pending(w->scan_ev, NULL))
		evtimer_add(w->scan_ev, &tv);
}

static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct webhook *w = arg;

	event_base_loopbreak(w->base);
}

static void *
webhook_main(void *arg)
{
	struct webhook *w = arg;

	if (event_base_dispatch(w->base) < 0)
		log_error("webhook: event loop failed");
	return NULL;
}

static int
loop_init(struct webhook *w, char *err, size_t errsz)
{
	unsigned i;

	w->base = event_base_new();
	if (w->base == NULL || pipe(w->stop_pipe) != 0) {
		snprintf(err, errsz, "cannot create the webhook event loop");
		return -1;
	}
	if (!w->ip_literal)
		w->dns =
		    evdns_base_new(w->base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	w->scan_ev = evtimer_new(w->base, on_scan, w);
	w->reap_ev = evtimer_new(w->base, on_reap, w);
	w->stop_ev = event_new(
	    w->base, w->stop_pipe[0], EV_READ | EV_PERSIST, on_stop, w);
	w->slots = xcalloc(w->cfg.concurrency, sizeof(*w->slots));
	for (i = 0; i < w->cfg.concurrency; i++) {
		w->slots[i].w = w;
		w->slots[i].deadline =
		    evtimer_new(w->base, on_deadline, &w->slots[i]);
		if (w->slots[i].deadline == NULL)
			break;
	}
	if (w->scan_ev == NULL || w->reap_ev == NULL || w->stop_ev == NULL ||
	    i < w->cfg.concurrency || event_add(w->stop_ev, NULL) != 0) {
		snprintf(err, errsz, "cannot create the webhook events");
		return -1;
	}
	scan_soon(w);
	return 0;
}

static void
webhook_free(struct webhook *w)
{
	unsigned i;

	for (i = 0; w->slots != NULL && i < w->cfg.concurrency; i++) {
		if (w->slots[i].evcon != NULL)
			evhttp_connection_free(w->slots[i].evcon);
		if (w->slots[i].deadline != NULL)
			event_free(w->slots[i].deadline);
	}
	reap(w);
	free(w->slots);
	if (w->scan_ev != NULL)
		event_free(w->scan_ev);
	if (w->reap_ev != NULL)
		event_free(w->reap_ev);
	if (w->stop_ev != NULL)
		event_free(w->stop_ev);
	if (w->dns != NULL)
		evdns_base_free(w->dns, 0);
	if (w->base != NULL)
		event_base_free(w->base);
	if (w->stop_pipe[0] >= 0)
		close(w->stop_pipe[0]);
	if (w->stop_pipe[1] >= 0)
		close(w->stop_pipe[1]);
	SSL_CTX_free(w->ssl);
	if (w->secret != NULL) {
		secure_wipe(w->secret, w->secret_len);
		free(w->secret);
	}
	free(w->url);
	free(w->path);
	free(w);
}

struct webhook *
webhook_start(
    const struct webhook_config *cfg, struct store *st, char *err, size_t errsz)
{
	struct webhook *w = xcalloc(1, sizeof(*w));
	sigset_t set, old;
	int rc;

	w->stop_pipe[0] = w->stop_pipe[1] = -1;
	w->st = st;
	w->cfg = *cfg;
	w->cfg.timeout = cfg->timeout ? cfg->timeout : 10;
	w->cfg.retry_min = cfg->retry_min ? cfg->retry_min : 1;
	w->cfg.retry_max = cfg->retry_max ? cfg->retry_max : 3600;
	w->cfg.concurrency = cfg->concurrency ? cfg->concurrency : 4;
	if (w->cfg.concurrency > WEBHOOK_MAX_CONCURRENCY)
		w->cfg.concurrency = WEBHOOK_MAX_CONCURRENCY;
	w->url = xstrdup(cfg->url);
	w->cfg.url = w->url;
	if (cfg->secret != NULL && cfg->secret[0] != '\0') {
		w->secret = xstrdup(cfg->secret);
		w->secret_len = strlen(w->secret);
	}
	w->cfg.secret = NULL; /* only w->secret holds it */
	if (!webhook_url_ok(cfg->url) || parse_url(w, cfg->url) != 0) {
		snprintf(err, errsz,
		    "the webhook URL is not an http:// or "
		    "https:// URL with a host");
		goto fail;
	}
	if ((w->https && tls_init(w, err, errsz) != 0) ||
	    loop_init(w, err, errsz) != 0)
		goto fail;
	/* The thread inherits this mask: the main thread takes the
	 * signals (http_server_run's sigwait). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = pthread_create(&w->thread, NULL, webhook_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errsz, "cannot start the webhook thread");
		goto fail;
	}
	w->started = 1;
	log_info("webhook: delivering notification events to %s://%s%s",
	    w->https ? "https" : "http", w->host_header,
	    w->secret != NULL ? " (signed)" : "");
	return w;
fail:
	webhook_free(w);
	return NULL;
}

void
webhook_stop(struct webhook *w)
{
	if (w == NULL)
		return;
	if (w->started) {
		if (write(w->stop_pipe[1], "x", 1) != 1)
			log_error("webhook: cannot signal the thread");
		pthread_join(w->thread, NULL);
	}
	webhook_free(w);
}
