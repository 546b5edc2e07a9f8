/*
 * The Prometheus exposition (text format 0.0.4) and the small server
 * that answers it; see metrics.h. The exposition is built per scrape
 * from the atomic cells of util/metrics.c plus store_stat and
 * store_readers, so scraping costs the workers nothing.
 *
 * The server is one thread with its own event_base and evhttp, bound
 * through our own evconnlistener (HARDENING.md: accept() out of
 * descriptors must not spin), with tight limits: it takes no bodies and
 * serves a few fixed paths.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "config.h"

#include "http/health.h"
#include "http/metrics.h"
#include "http/server.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/xmalloc.h"

#define ROUTE_PREFIX "/scim/{tenant}/v2/"

unsigned
metrics_route_slot(const struct route *r)
{
	size_t n;
	const struct route *t = route_table(&n);

	if (r < t || r >= t + n)
		return METRICS_SLOT_UNMATCHED;
	return METRICS_SLOT_ROUTE0 + (unsigned)(r - t);
}

void
metrics_label_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_append(out, "\\\\", 2);
		else if (*s == '"')
			buf_append(out, "\\\"", 2);
		else if (*s == '\n')
			buf_append(out, "\\n", 2);
		else
			buf_putc(out, *s);
	}
}

/* ------------------------------------------------------------- render */

static void
header(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The method and route labels of a slot, without braces. */
static void
slot_labels(struct buf *out, unsigned slot)
{
	const struct route *t;
	size_t n;

	if (slot == METRICS_SLOT_UNMATCHED) {
		buf_append_cstr(out, "method=\"\",route=\"unmatched\"");
		return;
	}
	if (slot == METRICS_SLOT_HEALTHZ || slot == METRICS_SLOT_READYZ) {
		buf_printf(out, "method=\"GET\",route=\"%s\"",
		    slot == METRICS_SLOT_HEALTHZ ? "/healthz" : "/readyz");
		return;
	}
	t = route_table(&n);
	buf_append_cstr(out, "method=\"");
	metrics_label_escape(out, route_method_name(t[slot - 3].method));
	buf_append_cstr(out, "\",route=\"" ROUTE_PREFIX);
	metrics_label_escape(out, t[slot - 3].pattern);
	buf_putc(out, '"');
}

static unsigned
nslots(void)
{
	size_t n;

	route_table(&n);
	n += METRICS_SLOT_ROUTE0;
	return n < METRICS_ROUTE_SLOTS ? (unsigned)n : METRICS_ROUTE_SLOTS;
}

static void
render_requests(struct buf *out)
{
	uint64_t counts[METRICS_STATUS_SLOTS];
	unsigned slot, i;
	int code, is_class;

	header(out, "scimcred_http_requests_total", "counter",
	    "HTTP requests answered, by route and status code.");
	for (slot = 0; slot < nslots(); slot++) {
		metrics_read_requests(slot, counts);
		for (i = 0; i < METRICS_STATUS_SLOTS; i++) {
			if (counts[i] == 0)
				continue;
			code = metrics_status_code(i, &is_class);
			buf_append_cstr(out, "scimcred_http_requests_total{");
			slot_labels(out, slot);
			if (is_class)
				buf_printf(out, ",code=\"%dxx\"} %" PRIu64 "\n",
				    code / 100, counts[i]);
			else
				buf_printf(out, ",code=\"%d\"} %" PRIu64 "\n",
				    code, counts[i]);
		}
	}
}

/* One histogram's series; labels is the label text or "". */
static void
histogram(struct buf *out, const char *name, const char *labels,
    const struct metrics_hist *h)
{
	uint64_t cum = 0;
	unsigned i;
	const char *sep = labels[0] != '\0' ? "," : "";

	for (i = 0; i < METRICS_BUCKETS; i++) {
		cum += h->bucket[i];
		if (i < METRICS_BUCKETS - 1)
			buf_printf(out,
			    "%s_bucket{%s%sle=\"%g\"} %" PRIu64 "\n", name,
			    labels, sep, (double)metrics_bucket_usec[i] / 1e6,
			    cum);
		else
			buf_printf(out,
			    "%s_bucket{%s%sle=\"+Inf\"} %" PRIu64 "\n", name,
			    labels, sep, cum);
	}
	if (labels[0] != '\0')
		buf_printf(out, "%s_sum{%s} %.6f\n%s_count{%s} %" PRIu64 "\n",
		    name, labels, (double)h->sum_usec / 1e6, name, labels,
		    h->count);
	else
		buf_printf(out, "%s_sum %.6f\n%s_count %" PRIu64 "\n", name,
		    (double)h->sum_usec / 1e6, name, h->count);
}

static void
render_latency(struct buf *out)
{
	struct metrics_hist h;
	struct buf labels;
	unsigned slot;

	header(out, "scimcred_http_request_duration_seconds", "histogram",
	    "Time from a complete request to its reply, by route.");
	buf_init(&labels);
	for (slot = 0; slot < nslots(); slot++) {
		metrics_read_latency(slot, &h);
		if (h.count == 0)
			continue;
		buf_reset(&labels);
		slot_labels(&labels, slot);
		histogram(out, "scimcred_http_request_duration_seconds",
		    buf_cstr(&labels), &h);
	}
	buf_free(&labels);
}

static void
gauge(struct buf *out, const char *name, const char *type, const char *help,
    uint64_t v)
{
	header(out, name, type, help);
	buf_printf(out, "%s %" PRIu64 "\n", name, v);
}

static void
render_store(struct store *st, struct buf *out)
{
	size_t map = 0, used = 0;
	unsigned rused = 0, rmax = 0;
	struct store_ready r;
	struct metrics_hist h;

	if (st != NULL && store_stat(st, &map, &used) == 0) {
		gauge(out, "scimcred_store_map_size_bytes", "gauge",
		    "Current size of the LMDB memory map.", map);
		gauge(out, "scimcred_store_used_bytes", "gauge",
		    "Bytes of the map in use (up to the last page).", used);
	}
	if (st != NULL) {
		store_ready(st, &r);
		gauge(out, "scimcred_store_map_max_bytes", "gauge",
		    "Largest size the map may grow to (--map-max).", r.map_max);
		gauge(out, "scimcred_store_ready", "gauge",
		    "1 when /readyz answers 200.",
		    r.txn_ok && r.writes_ok && r.disk_ok);
	}
	if (st != NULL && store_readers(st, &rused, &rmax) == 0) {
		gauge(out, "scimcred_store_readers_used", "gauge",
		    "LMDB reader slots held by live threads.", rused);
		gauge(out, "scimcred_store_readers_max", "gauge",
		    "LMDB reader slots in the table.", rmax);
	}
	header(out, "scimcred_store_commit_duration_seconds", "histogram",
	    "Time a write transaction's commit (with its fsync) took.");
	metrics_read_commit(&h);
	histogram(out, "scimcred_store_commit_duration_seconds", "", &h);
}

void
metrics_render(struct store *st, struct buf *out)
{
	struct metrics_gauges g;

	metrics_read_gauges(&g);
	header(out, "scimcred_build_info", "gauge",
	    "Always 1; the version is a label.");
	buf_append_cstr(
	    out, "scimcred_build_info{version=\"" PACKAGE_VERSION "\"} 1\n");
	render_requests(out);
	render_latency(out);
	gauge(out, "scimcred_http_requests_in_flight", "gauge",
	    "Requests being handled by a worker.",
	    g.requests_in_flight > 0 ? (uint64_t)g.requests_in_flight : 0);
	gauge(out, "scimcred_http_connections_open", "gauge",
	    "Client connections open on the API listener.",
	    g.connections_open > 0 ? (uint64_t)g.connections_open : 0);
	gauge(out, "scimcred_http_connections_total", "counter",
	    "Client connections accepted on the API listener.",
	    g.connections_total);
	render_store(st, out);
	gauge(out, "scimcred_scheduler_runs_total", "counter",
	    "Completed runs of the staged-change scheduler.", g.sched_runs);
	gauge(out, "scimcred_staged_changes", "gauge",
	    "Staged changes waiting to be applied.", g.staged_changes);
}

/* ------------------------------------------------------------- server */

/*
 * The listener's own limits on connections (HARDENING.md's slow-client
 * promise holds here too, though it is meant for a management network):
 * at most METRICS_MAX_CONNS at once, each closed METRICS_DEADLINE
 * seconds after accept whatever it sends, and one request each
 * (Connection: close), which Prometheus handles by reconnecting.
 */
#define METRICS_MAX_CONNS 16
#define METRICS_DEADLINE 5

struct mconn {
	struct metrics_server *m;
	struct bufferevent *bev;
	struct evhttp_connection *evcon; /* NULL until evhttp takes bev */
	struct event *timer; /* attach at once, then the deadline */
	struct mconn *prev, *next;
};

struct metrics_server {
	struct mconn *conns; /* every connection's state */
	unsigned nconns;
	struct store *st;
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *listener; /* owned by http once bound */
	struct event *stop_ev;
	struct event *retry_ev;
	int stop_pipe[2];
	int fd;
	pthread_t thread;
	int started;
	int bound; /* the listener belongs to http */
};

static void
reply(
    struct evhttp_request *req, int status, const char *ctype, struct buf *body)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct evbuffer *eb = evbuffer_new();

	if (eb == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evhttp_add_header(out, "Content-Type", ctype);
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "Connection", "close");
	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD)
		evbuffer_add(eb, body->data, body->len);
	evhttp_send_reply(req, status, status == 200 ? "OK" : "Error", eb);
	evbuffer_free(eb);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct metrics_server *m = arg;
	const char *uri = evhttp_request_get_uri(req);
	const char *q = strchr(uri, '?');
	struct str path = str_make(uri, q ? (size_t)(q - uri) : strlen(uri));
	enum health_kind k = health_match(path);
	struct buf body;
	int status;

	buf_init(&body);
	if (str_eq_cstr(path, "/metrics")) {
		metrics_render(m->st, &body);
		reply(req, 200, METRICS_MEDIA_TYPE, &body);
	} else if (k != HEALTH_NONE) {
		status = health_answer(k, m->st, &body);
		reply(req, status, HEALTH_MEDIA_TYPE, &body);
	} else {
		buf_append_cstr(&body, "not found: try /metrics\n");
		reply(req, 404, "text/plain; charset=utf-8", &body);
	}
	buf_free(&body);
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct metrics_server *m = arg;

	evconnlistener_enable(m->listener);
}

/* Out of descriptors: pause accepting for a moment instead of spinning
 * on a listening socket that stays readable. */
static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	static const struct timeval retry = {0, 250000};
	struct metrics_server *m = arg;
	int e = EVUTIL_SOCKET_ERROR();

	if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM)
		return;
	evconnlistener_disable(lev);
	evtimer_add(m->retry_ev, &retry);
}

static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct metrics_server *m = arg;

	event_base_loopbreak(m->base);
}

static void *
run(void *arg)
{
	struct metrics_server *m = arg;

	event_base_dispatch(m->base);
	return NULL;
}

static int
open_socket(const char *listen_addr, char *bound, size_t boundsz)
{
	struct sockaddr_storage ss;
	char host[INET6_ADDRSTRLEN];
	socklen_t len;
	int fd, one = 1;

	if (http_server_parse_listen(listen_addr, &ss, &len) != 0) {
		log_error("bad metrics listen address \"%s\"", listen_addr);
		return -1;
	}
	fd =
	    socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 64) != 0) {
		log_error("cannot listen on %s for metrics: %s", listen_addr,
		    strerror(errno));
		close(fd);
		return -1;
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof(host));
		snprintf(bound, boundsz, "[%s]:%u", host, ntohs(a6->sin6_port));
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		snprintf(bound, boundsz, "%s:%u", host, ntohs(a4->sin_port));
	}
	return fd;
}

static void
mconn_free(struct mconn *c)
{
	struct metrics_server *m = c->m;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		m->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	m->nconns--;
	event_free(c->timer);
	free(c);
}

static void
on_mconn_close(struct evhttp_connection *evcon, void *arg)
{
	mconn_free(arg);
}

/*
 * First run (activated by on_mconn_bev, before any byte is read): learn
 * the evhttp_connection, refuse it over the cap, else start the
 * deadline. Later run: the deadline passed. The same hook as server.c's,
 * which explains why it works with evhttp 2.1.
 */
static void
on_mconn_timer(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval deadline = {METRICS_DEADLINE, 0};
	struct mconn *c = arg;
	void *cbarg = NULL;

	if (c->evcon != NULL) {
		evhttp_connection_free(c->evcon); /* frees c */
		return;
	}
	bufferevent_getcb(c->bev, NULL, NULL, NULL, &cbarg);
	if (cbarg == NULL) {
		mconn_free(c);
		return;
	}
	c->evcon = cbarg;
	evhttp_connection_set_closecb(c->evcon, on_mconn_close, c);
	if (c->m->nconns > METRICS_MAX_CONNS)
		evhttp_connection_free(c->evcon);
	else
		evtimer_add(c->timer, &deadline);
}

static struct bufferevent *
on_mconn_bev(struct event_base *base, void *arg)
{
	struct metrics_server *m = arg;
	struct mconn *c = xcalloc(1, sizeof(*c));

	c->m = m;
	c->bev = bufferevent_socket_new(base, -1, 0);
	c->timer = evtimer_new(base, on_mconn_timer, c);
	if (c->bev == NULL || c->timer == NULL) {
		log_error("out of memory for a metrics connection");
		abort();
	}
	c->next = m->conns;
	if (m->conns != NULL)
		m->conns->prev = c;
	m->conns = c;
	m->nconns++;
	event_active(c->timer, EV_TIMEOUT, 0);
	return c->bev;
}

/* The event loop, evhttp and limits; 0 or -1. */
static int
setup(struct metrics_server *m)
{
	static const struct timeval timeout = {10, 0};

	if (pipe(m->stop_pipe) != 0)
		return -1;
	fcntl(m->stop_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(m->stop_pipe[1], F_SETFD, FD_CLOEXEC);
	fcntl(m->stop_pipe[0], F_SETFL, O_NONBLOCK);
	m->base = event_base_new();
	if (m->base == NULL)
		return -1;
	m->http = evhttp_new(m->base);
	m->stop_ev = event_new(m->base, m->stop_pipe[0], EV_READ, on_stop, m);
	m->retry_ev = evtimer_new(m->base, on_retry, m);
	m->listener = evconnlistener_new(
	    m->base, NULL, NULL, LEV_OPT_CLOSE_ON_EXEC, 0, m->fd);
	if (m->http == NULL || m->stop_ev == NULL || m->retry_ev == NULL ||
	    m->listener == NULL)
		return -1;
	evconnlistener_set_error_cb(m->listener, on_accept_error);
	evhttp_set_max_headers_size(m->http, 8192);
	evhttp_set_max_body_size(m->http, 1024);
	evhttp_set_timeout_tv(m->http, &timeout);
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(m->http, on_request, m);
	evhttp_set_bevcb(m->http, on_mconn_bev, m);
	if (evhttp_bind_listener(m->http, m->listener) == NULL)
		return -1;
	m->bound = 1;
	event_add(m->stop_ev, NULL);
	return 0;
}

int
metrics_server_start(
    const char *listen, struct store *st, struct metrics_server **out)
{
	struct metrics_server *m = xcalloc(1, sizeof(*m));
	char bound[INET6_ADDRSTRLEN + 16];

	*out = NULL;
	m->st = st;
	m->stop_pipe[0] = m->stop_pipe[1] = -1;
	m->fd = open_socket(listen, bound, sizeof(bound));
	if (m->fd < 0 || setup(m) != 0 ||
	    pthread_create(&m->thread, NULL, run, m) != 0) {
		log_error("cannot start the metrics listener on %s", listen);
		metrics_server_stop(m);
		return -1;
	}
	m->started = 1;
	log_info("metrics listening on %s", bound);
	*out = m;
	return 0;
}

void
metrics_server_stop(struct metrics_server *m)
{
	if (m == NULL)
		return;
	if (m->started) {
		if (write(m->stop_pipe[1], "x", 1) != 1)
			log_error("cannot stop the metrics thread");
		pthread_join(m->thread, NULL);
	}
	/* Frees the listener and every connection (evhttp owns each
	 * bufferevent from on_mconn_bev on); close callbacks free the
	 * state of attached ones, the loop the state of any not attached. */
	if (m->http != NULL)
		evhttp_free(m->http); /* frees the listener once bound */
	while (m->conns != NULL)
		mconn_free(m->conns);
	if (!m->bound && m->listener != NULL)
		evconnlistener_free(m->listener);
	if (m->stop_ev != NULL)
		event_free(m->stop_ev);
	if (m->retry_ev != NULL)
		event_free(m->retry_ev);
	if (m->base != NULL)
		event_base_free(m->base);
	if (m->stop_pipe[0] >= 0)
		close(m->stop_pipe[0]);
	if (m->stop_pipe[1] >= 0)
		close(m->stop_pipe[1]);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}
