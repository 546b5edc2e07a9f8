/*
 * The HTTP server on libevent 2.1 evhttp: one listening socket shared by
 * N workers, each with its own event_base, evhttp and evconnlistener;
 * connection state, limits, accept back-off and graceful shutdown. Each
 * request is handed to dispatch.c.
 *
 * Limits (HARDENING.md, libevent): headers 16 KiB, evhttp body backstop
 * 2 MiB (the SCIM limit of 1 MiB is ours, answered in SCIM JSON), an
 * idle read/write timeout, and a per-connection deadline timer: a client
 * has header_timeout seconds from connecting (or from the end of the
 * previous reply) to deliver a whole request, so slowloris and slow-body
 * clients are cut off whatever their byte rate.
 *
 * evhttp 2.1 has no per-connection hook, so one is built: the bufferevent
 * callback creates the connection's state and activates its timer at once;
 * that first run happens in the same loop iteration, before any byte can
 * be read, when evhttp has set itself as the bufferevent's callback
 * argument: that is how the state learns its evhttp_connection and hooks
 * the close callback that frees it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "http/dispatch.h"
#include "http/metrics.h"
#include "http/route.h"
#include "http/server.h"
#include "http/tls.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/secure.h"
#include "util/xmalloc.h"

struct server {
	struct dispatch_env env;
	struct tls *tls; /* NULL: plain HTTP */
	struct timeval header_tv;
	struct timeval idle_tv;
	char base_url[320];
	char id_prefix[9];
	int fd;
};

struct conn;

struct worker {
	struct server *srv;
	unsigned index;
	pthread_t thread;
	int started;
	int bound; /* the listener belongs to http */
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *listener; /* owned by http once bound */
	int stop_pipe[2];
	struct event *stop_ev;
	struct event *drain_ev;
	struct event *accept_ev; /* re-enables accept after EMFILE */
	struct conn **by_fd; /* attached connections by socket */
	size_t by_fd_cap;
	struct conn *conns; /* every connection's state */
	size_t inflight; /* replies queued and not yet written */
	uint64_t counter;
	int draining;
	int accept_paused;
	struct timespec drain_until;
	struct timespec emfile_logged;
};

struct conn {
	struct worker *w;
	struct bufferevent *bev;
	struct evhttp_connection *evcon; /* NULL until attached */
	struct event *timer; /* attach, then the deadline */
	struct conn *prev, *next;
	int fd;
	int replying;
};

/* The worker of the running thread, for the listener's error callback
 * (evhttp_bind_listener takes over the listener's own argument). */
static _Thread_local struct worker *tls_worker;

/* ---------------------------------------------------------- connections */

static void
by_fd_set(struct worker *w, int fd, struct conn *c)
{
	size_t cap;

	if (fd < 0)
		return;
	if ((size_t)fd >= w->by_fd_cap) {
		cap = w->by_fd_cap ? w->by_fd_cap : 256;
		while (cap <= (size_t)fd)
			cap *= 2;
		w->by_fd = xreallocarray(w->by_fd, cap, sizeof(*w->by_fd));
		memset(w->by_fd + w->by_fd_cap, 0,
		    (cap - w->by_fd_cap) * sizeof(*w->by_fd));
		w->by_fd_cap = cap;
	}
	w->by_fd[fd] = c;
}

static struct conn *
conn_of(struct worker *w, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	int fd;

	if (evcon == NULL)
		return NULL;
	fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
	if (fd < 0 || (size_t)fd >= w->by_fd_cap || w->by_fd[fd] == NULL ||
	    w->by_fd[fd]->evcon != evcon)
		return NULL;
	return w->by_fd[fd];
}

static void
conn_free(struct conn *c)
{
	struct worker *w = c->w;

	if (c->replying)
		w->inflight--;
	metrics_conn_add(-1);
	if (c->fd >= 0 && (size_t)c->fd < w->by_fd_cap && w->by_fd[c->fd] == c)
		w->by_fd[c->fd] = NULL;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	event_free(c->timer);
	free(c);
}

static void
accept_resume(struct worker *w)
{
	if (!w->accept_paused || w->draining)
		return;
	w->accept_paused = 0;
	evtimer_del(w->accept_ev);
	evconnlistener_enable(w->listener);
}

static void
on_conn_close(struct evhttp_connection *evcon, void *arg)
{
	struct conn *c = arg;
	struct worker *w = c->w;

	conn_free(c);
	/* A descriptor came free: accepting may work again. */
	accept_resume(w);
}

static void
on_conn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	void *cbarg = NULL;

	if (c->evcon != NULL) {
		log_debug(
		    "request deadline passed: closing connection %d", c->fd);
		/* Frees c too, through on_conn_close. */
		evhttp_connection_free(c->evcon);
		return;
	}
	bufferevent_getcb(c->bev, NULL, NULL, NULL, &cbarg);
	if (cbarg == NULL) {
		log_error("evhttp did not take connection; dropping state");
		conn_free(c);
		return;
	}
	c->evcon = cbarg;
	c->fd = bufferevent_getfd(c->bev);
	evhttp_connection_set_closecb(c->evcon, on_conn_close, c);
	by_fd_set(c->w, c->fd, c);
	evtimer_add(c->timer, &c->w->srv->header_tv);
}

static struct bufferevent *
on_new_bev(struct event_base *base, void *arg)
{
	struct worker *w = arg;
	struct conn *c = xcalloc(1, sizeof(*c));

	/* No BEV_OPT_CLOSE_ON_FREE: evhttp then shuts the socket down and
	 * closes it itself, in that order, so a descriptor number reused by
	 * another thread is never shut down by mistake. The handshake of a
	 * TLS connection runs under the same deadline as its request. */
	if (w->srv->tls != NULL)
		c->bev = tls_bev_new(w->srv->tls, base);
	else
		c->bev = bufferevent_socket_new(base, -1, 0);
	c->timer = evtimer_new(base, on_conn_timer, c);
	if (c->bev == NULL || c->timer == NULL) {
		log_error("out of memory for a connection");
		abort();
	}
	c->w = w;
	c->fd = -1;
	c->next = w->conns;
	if (w->conns != NULL)
		w->conns->prev = c;
	w->conns = c;
	metrics_conn_add(1);
	event_active(c->timer, EV_TIMEOUT, 0);
	return c->bev;
}

static void
on_reply_done(struct evhttp_request *req, void *arg)
{
	struct conn *c = arg;

	if (c->replying) {
		c->replying = 0;
		c->w->inflight--;
	}
	/* Reading is idle-timed again, for the next request. */
	bufferevent_set_timeouts(
	    c->bev, &c->w->srv->idle_tv, &c->w->srv->idle_tv);
	/* The next request's deadline starts now (if the connection stays
	 * open; otherwise on_conn_close frees the timer). */
	evtimer_add(c->timer, &c->w->srv->header_tv);
}

/*
 * Counts the reply as in flight until it is written (or the connection
 * dies), for the shutdown drain.
 *
 * evhttp keeps reading enabled while it writes a reply (to notice a
 * close) with the idle timeout still on it: a client that reads a large
 * reply steadily but sends nothing meanwhile would have it cut off after
 * idle_timeout. Only the write side is timed until the reply is out
 * (on_reply_done restores both); a client that stops reading still
 * times out there.
 */
static void
on_before_send(struct evhttp_request *req, void *arg)
{
	struct conn *c = arg;

	bufferevent_set_timeouts(c->bev, NULL, &c->w->srv->idle_tv);
	c->replying = 1;
	c->w->inflight++;
	evhttp_request_set_on_complete_cb(req, on_reply_done, c);
}

/* Lower-case hex of v, as "%llx" writes it; returns the end. */
static char *
put_hex(char *d, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0;

	do {
		tmp[n++] = digits[v & 15];
		v >>= 4;
	} while (v != 0);
	while (n > 0)
		*d++ = tmp[--n];
	return d;
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct worker *w = arg;
	struct conn *c = conn_of(w, req);
	char id[48], *d;

	/* "%s-%x-%llx" (prefix, worker, counter) without snprintf, which
	 * cost more than the rest of this function. At most 8 + 1 + 8 + 1
	 * + 16 bytes and the NUL. */
	d = id + strlen(w->srv->id_prefix);
	memcpy(id, w->srv->id_prefix, (size_t)(d - id));
	*d++ = '-';
	d = put_hex(d, w->index);
	*d++ = '-';
	d = put_hex(d, ++w->counter);
	*d = '\0';
	/* The request is complete: its deadline no longer applies. */
	if (c != NULL)
		evtimer_del(c->timer);
	dispatch_request(&w->srv->env, req, id, w->draining,
	    c != NULL ? on_before_send : NULL, c);
}

/* --------------------------------------------------------------- workers */

static void
on_accept_retry(evutil_socket_t fd, short what, void *arg)
{
	accept_resume(arg);
}

/*
 * accept() failed. Out of descriptors (or memory) the listening socket
 * stays readable and a level-triggered loop would spin (HARDENING.md), so
 * pause accepting until a connection closes or a short timer passes.
 */
static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	static const struct timeval retry = {0, 250000};
	struct worker *w = tls_worker;
	int e = EVUTIL_SOCKET_ERROR();
	struct timespec now;

	if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM) {
		log_warn("accept: %s", strerror(e));
		return;
	}
	evconnlistener_disable(lev);
	w->accept_paused = 1;
	evtimer_add(w->accept_ev, &retry);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - w->emfile_logged.tv_sec >= 10 ||
	    w->emfile_logged.tv_sec == 0) {
		log_warn("accept: %s; pausing new connections", strerror(e));
		w->emfile_logged = now;
	}
}

static int
past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	    (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void
on_drain_tick(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	if (w->inflight == 0 || past(&w->drain_until)) {
		if (w->inflight > 0)
			log_warn("worker %u: %zu replies unfinished at "
				 "shutdown",
			    w->index, w->inflight);
		event_base_loopbreak(w->base);
	}
}

/* Shutdown: stop accepting, then wait for queued replies to be written. */
static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval tick = {0, 20000};
	struct worker *w = arg;
	char byte;

	if (read(fd, &byte, 1) < 0 && errno != EAGAIN)
		log_warn("stop pipe: %s", strerror(errno));
	w->draining = 1;
	evtimer_del(w->accept_ev);
	evconnlistener_disable(w->listener);
	clock_gettime(CLOCK_MONOTONIC, &w->drain_until);
	w->drain_until.tv_sec += HTTP_SERVER_DRAIN_SECONDS;
	event_add(w->drain_ev, &tick);
	on_drain_tick(-1, 0, w);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	tls_worker = w;
	if (event_base_dispatch(w->base) != 0 || !w->draining) {
		log_error(
		    "worker %u: event loop stopped unexpectedly", w->index);
		kill(getpid(), SIGTERM);
	}
	return NULL;
}

static void
worker_free(struct worker *w)
{
	struct conn *c;

	/* Frees the listener and every connection; on_conn_close frees
	 * the state of each attached one. */
	if (w->http != NULL)
		evhttp_free(w->http);
	if (!w->bound && w->listener != NULL)
		evconnlistener_free(w->listener);
	while ((c = w->conns) != NULL)
		conn_free(c);
	if (w->stop_ev != NULL)
		event_free(w->stop_ev);
	if (w->drain_ev != NULL)
		event_free(w->drain_ev);
	if (w->accept_ev != NULL)
		event_free(w->accept_ev);
	if (w->base != NULL)
		event_base_free(w->base);
	if (w->stop_pipe[0] >= 0)
		close(w->stop_pipe[0]);
	if (w->stop_pipe[1] >= 0)
		close(w->stop_pipe[1]);
	free(w->by_fd);
}

static void
http_limits(struct worker *w)
{
	struct server *srv = w->srv;

	evhttp_set_max_headers_size(w->http, HTTP_SERVER_MAX_HEADERS);
	evhttp_set_max_body_size(w->http, HTTP_SERVER_MAX_BODY);
	evhttp_set_timeout_tv(w->http, &srv->idle_tv);
	/* Every method evhttp knows, so that we (not evhttp's HTML 501)
	 * answer the ones no route has, with a SCIM 405. */
	evhttp_set_allowed_methods(w->http,
	    EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
		EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE |
		EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT);
	evhttp_set_bevcb(w->http, on_new_bev, w);
	evhttp_set_gencb(w->http, on_request, w);
}

/*
 * An event_base whose epoll backend batches interest changes: evhttp
 * turns reading off and writing on when a request is complete, and the
 * reverse when the reply is written, each a separate epoll_ctl by
 * default. The changelist merges the changes made in one loop iteration
 * into one call before epoll_wait (strace of a GET load: 4 epoll_ctl per
 * request before, 2 with it). A descriptor closed and reused in between
 * is handled (libevent retries a failed MOD as an ADD); the documented
 * hazard is an fd cloned with dup(), and workers never dup sockets.
 * Other backends ignore the flag.
 */
static struct event_base *
new_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base = NULL;

	if (cfg == NULL)
		return NULL;
	if (event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) ==
	    0)
		base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

static int
worker_init(struct worker *w, struct server *srv, unsigned index)
{
	memset(w, 0, sizeof(*w));
	w->srv = srv;
	w->index = index;
	w->stop_pipe[0] = w->stop_pipe[1] = -1;
	if (pipe(w->stop_pipe) != 0) {
		log_error("pipe: %s", strerror(errno));
		return -1;
	}
	fcntl(w->stop_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(w->stop_pipe[1], F_SETFD, FD_CLOEXEC);
	fcntl(w->stop_pipe[0], F_SETFL, O_NONBLOCK);
	w->base = new_base();
	if (w->base == NULL)
		goto fail;
	w->http = evhttp_new(w->base);
	w->stop_ev = event_new(w->base, w->stop_pipe[0], EV_READ, on_stop, w);
	w->drain_ev = event_new(w->base, -1, EV_PERSIST, on_drain_tick, w);
	w->accept_ev = evtimer_new(w->base, on_accept_retry, w);
	/* The socket is shared: no worker closes it, http_server_run does. */
	w->listener = evconnlistener_new(
	    w->base, NULL, NULL, LEV_OPT_CLOSE_ON_EXEC, 0, srv->fd);
	if (w->http == NULL || w->stop_ev == NULL || w->drain_ev == NULL ||
	    w->accept_ev == NULL || w->listener == NULL)
		goto fail;
	http_limits(w);
	evconnlistener_set_error_cb(w->listener, on_accept_error);
	if (evhttp_bind_listener(w->http, w->listener) == NULL)
		goto fail;
	w->bound = 1;
	event_add(w->stop_ev, NULL);
	return 0;
fail:
	log_error("worker %u: cannot set up its event loop", index);
	return -1;
}

/* ------------------------------------------------------------- listening */

int
http_server_parse_listen(
    const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = s, *port;
	size_t hlen;
	char *end;
	long p;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (rb == NULL || rb[1] != ':')
			return -1;
		h = s + 1;
		hlen = (size_t)(rb - h);
		port = rb + 2;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		hlen = (size_t)(colon - s);
		port = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof(host) || *port < '0' || *port > '9')
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	errno = 0;
	p = strtol(port, &end, 10);
	if (errno != 0 || *end != '\0' || p < 0 || p > 65535)
		return -1;
	if (s[0] == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			return -1;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -1;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)p);
		*len = sizeof(*a4);
	}
	return 0;
}

/* "127.0.0.1:8080" or "[::1]:8080" for the bound address. */
static void
format_addr(const struct sockaddr_storage *ss, char *out, size_t outsz)
{
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const void *)ss;
		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof(host));
		snprintf(out, outsz, "[%s]:%u", host, ntohs(a6->sin6_port));
	} else {
		const struct sockaddr_in *a4 = (const void *)ss;
		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		snprintf(out, outsz, "%s:%u", host, ntohs(a4->sin_port));
	}
}

static int
open_listener(const char *listen_addr, char *bound, size_t boundsz)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	if (http_server_parse_listen(listen_addr, &ss, &len) != 0) {
		log_error("bad listen address \"%s\" (want ADDR:PORT or "
			  "[ADDR6]:PORT)",
		    listen_addr);
		return -1;
	}
	fd =
	    socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_error("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* "[::]:P" means IPv6 only; listen on 0.0.0.0 separately if needed. */
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		log_error(
		    "cannot listen on %s: %s", listen_addr, strerror(errno));
		close(fd);
		return -1;
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	format_addr(&ss, bound, boundsz);
	return fd;
}

/* ------------------------------------------------------------------ run */

static unsigned
thread_count(unsigned want)
{
	long n = want;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > HTTP_SERVER_MAX_THREADS)
		n = HTTP_SERVER_MAX_THREADS;
	return (unsigned)n;
}

static int
server_init(struct server *srv, const struct http_server_config *cfg,
    struct scim *scim, struct store *store, char *bound, size_t boundsz)
{
	unsigned char rnd[4];

	memset(srv, 0, sizeof(*srv));
	srv->env.scim = scim;
	srv->env.store = store;
	srv->env.base_url = srv->base_url;
	srv->env.auth = cfg->auth;
	srv->header_tv.tv_sec = cfg->header_timeout ? cfg->header_timeout : 10;
	srv->idle_tv.tv_sec = cfg->idle_timeout ? cfg->idle_timeout : 30;
	secure_random(rnd, sizeof(rnd));
	secure_hex(rnd, sizeof(rnd), srv->id_prefix);
	if (route_check() != 0) {
		log_error("route table has an entry without a permission");
		return -1;
	}
	if (cfg->tls_cert != NULL) {
		struct tls_config tc = {
		    cfg->tls_cert, cfg->tls_key, cfg->tls_client_ca};
		char msg[512];
		srv->tls = tls_new(&tc, msg, sizeof(msg));
		if (srv->tls == NULL) {
			log_error("TLS: %s", msg);
			return -1;
		}
	}
	srv->fd = open_listener(cfg->listen, bound, boundsz);
	if (srv->fd < 0) {
		tls_free(srv->tls);
		return -1;
	}
	srv->env.ratelimit = ratelimit_new(&cfg->limits);
	if (cfg->public_url != NULL && cfg->public_url[0] != '\0')
		snprintf(srv->base_url, sizeof(srv->base_url), "%s",
		    cfg->public_url);
	else
		snprintf(srv->base_url, sizeof(srv->base_url), "%s://%s",
		    srv->tls != NULL ? "https" : "http", bound);
	return 0;
}

static void
stop_workers(struct worker *ws, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!ws[i].started)
			continue;
		if (write(ws[i].stop_pipe[1], "x", 1) != 1)
			log_error("cannot signal worker %u", i);
	}
	for (i = 0; i < n; i++)
		if (ws[i].started)
			pthread_join(ws[i].thread, NULL);
	for (i = 0; i < n; i++)
		worker_free(&ws[i]);
}

int
http_server_run(const struct http_server_config *cfg, struct scim *scim,
    struct store *store)
{
	struct server srv;
	struct worker *ws = NULL;
	struct metrics_server *msrv = NULL;
	char bound[INET6_ADDRSTRLEN + 16];
	sigset_t set, old;
	unsigned i, n = thread_count(cfg->threads);
	int rc = -1, sig = 0, ok;

	sigemptyset(&old);

	signal(SIGPIPE, SIG_IGN);
	if (server_init(&srv, cfg, scim, store, bound, sizeof(bound)) != 0)
		return -1;
	ws = xcalloc(n, sizeof(*ws));
	for (i = 0; i < n; i++)
		ws[i].stop_pipe[0] = ws[i].stop_pipe[1] = -1;
	for (i = 0; i < n; i++)
		if (worker_init(&ws[i], &srv, i) != 0)
			goto out;
	/* Workers inherit the mask: only this thread takes the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	/* After the mask: the metrics thread must not take the signals. */
	ok = cfg->metrics_listen == NULL ||
	    metrics_server_start(cfg->metrics_listen, store, &msrv) == 0;
	for (i = 0; ok && i < n; i++) {
		if (pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) !=
		    0) {
			log_error("cannot start worker thread %u", i);
			break;
		}
		ws[i].started = 1;
	}
	if (ok && i == n) {
		log_info("listening on %s%s (%u threads), base URL %s", bound,
		    srv.tls != NULL ? " with TLS" : "", n, srv.base_url);
		if (sigwait(&set, &sig) != 0)
			log_error("sigwait failed");
		log_info("received signal %d; shutting down", sig);
		rc = 0;
	}
	stop_workers(ws, n);
	metrics_server_stop(msrv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	n = 0;
out:
	for (i = 0; i < n; i++)
		worker_free(&ws[i]);
	free(ws);
	close(srv.fd);
	tls_free(srv.tls);
	ratelimit_free(srv.env.ratelimit);
	log_info("server stopped");
	return rc;
}
