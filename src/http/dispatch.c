/*
 * The per-request adapter between evhttp and the SCIM layer (see
 * dispatch.h). Everything it decides is decided by request.c, route.c
 * and http_error.c; this file only moves bytes between them and evhttp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include "auth/authconf.h"
#include "auth/token.h"
#include "http/dispatch.h"
#include "http/http_error.h"
#include "http/ratelimit.h"
#include "http/health.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/route.h"
#include "scim/access.h"
#include "util/date.h"
#include "util/log.h"
#include "util/metrics.h"

/* Bytes reserved for a reply body before the handler runs: a single
 * resource (about 600 bytes) fits without growing it. */
#define DISPATCH_BODY_HINT 1000
/* Longest client X-Request-Id adopted (client_request_id). */
#define DISPATCH_ID_MAX 64

/* Per request: what the access log and the reply need. */
struct reqctx {
	const struct dispatch_env *env;
	struct evhttp_request *req;
	struct arena *arena;
	dispatch_before_send before_send;
	void *arg;
	int closing;
	struct timespec start;
	const char *method;
	const char *id;
	struct str path;
	struct str query;
	char tenant[TENANT_NAME_MAX + 1];
	unsigned slot; /* metrics_route_slot, for the request metrics */
	int auth_sent; /* the request carried an Authorization header */
};

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void
free_body(const void *data, size_t len, void *arg)
{
	free(arg);
}

static void
access_log(struct reqctx *x, int status, size_t bytes)
{
	char path[512], peer[64] = "";
	struct evhttp_connection *evcon;
	struct log_access a;
	char *addr = NULL;
	ev_uint16_t port = 0;

	if (log_level_current < LOG_LEVEL_INFO)
		return;
	evcon = evhttp_request_get_connection(x->req);
	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &addr, &port);
	if (addr != NULL)
		log_escape(peer, sizeof(peer), addr, strlen(addr));
	request_log_path(x->path, x->query, path, sizeof(path));
	memset(&a, 0, sizeof(a));
	a.request_id = x->id;
	a.method = x->method;
	a.path = path;
	a.tenant = x->tenant[0] != '\0' ? x->tenant : NULL;
	a.status = status;
	a.bytes = bytes;
	a.duration_ms = ms_since(&x->start);
	a.peer = peer;
	log_access(&a);
}

/* Sends the one reply of a request; takes the body's storage. */
static void
send_reply(struct reqctx *x, int status, struct buf *body)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(x->req);
	struct evbuffer *eb = evbuffer_new();
	size_t len = body->len;
	char n[32];

	if (eb == NULL) {
		log_error("out of memory for a reply");
		abort();
	}
	evhttp_add_header(out, "X-Request-Id", x->id);
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	if (len > 0 && evhttp_find_header(out, "Content-Type") == NULL)
		evhttp_add_header(out, "Content-Type", SCIM_MEDIA_TYPE);
	if (x->closing && evhttp_find_header(out, "Connection") == NULL)
		evhttp_add_header(out, "Connection", "close");
	/* evhttp answers an HTTP/1.0 "Connection: keep-alive" request with
	 * its own keep-alive header, even beside our close: drop the
	 * request's, so a closing reply says only "close". */
	if (evhttp_find_header(out, "Connection") != NULL)
		evhttp_remove_header(
		    evhttp_request_get_input_headers(x->req), "Connection");
	if (evhttp_request_get_command(x->req) == EVHTTP_REQ_HEAD) {
		/* evhttp 2.1 would send a HEAD reply's body and omit its
		 * length: send the length a GET would get, and no body
		 * (RFC 9110 §9.3.2). */
		snprintf(n, sizeof(n), "%zu", len);
		if (status != 204 && status != 304)
			evhttp_add_header(out, "Content-Length", n);
	} else if (len > 0) {
		if (evbuffer_add_reference(
			eb, body->data, len, free_body, body->data) != 0) {
			log_error("out of memory for a reply");
			abort();
		}
		memset(body, 0, sizeof(*body));
	}
	/* Log first: evhttp frees req at once if the client is gone. */
	metrics_request(
	    x->slot, status, (uint64_t)(ms_since(&x->start) * 1000.0));
	access_log(x, status, len);
	if (x->before_send != NULL)
		x->before_send(x->req, x->arg);
	evhttp_send_reply(x->req, status, http_error_reason(status), eb);
	evbuffer_free(eb);
}

static void
send_error(struct reqctx *x, int code, const char *detail, const char *allow,
    int close_conn)
{
	struct buf body;
	int status;

	buf_init(&body);
	status = http_error_prepare(code, detail, allow, close_conn,
	    evhttp_request_get_output_headers(x->req), &body);
	/* RFC 6750 §3.1: refused credentials are an invalid_token; a
	 * request without any gets the bare challenge (§3). */
	if (status == 401 && x->auth_sent) {
		evhttp_remove_header(evhttp_request_get_output_headers(x->req),
		    "WWW-Authenticate");
		evhttp_add_header(evhttp_request_get_output_headers(x->req),
		    "WWW-Authenticate",
		    "Bearer realm=\"" HTTP_ERROR_REALM
		    "\", error=\"invalid_token\"");
	}
	if (status >= 500)
		log_error("request %s: %s: %s", x->id, scim_strerror(code),
		    detail != NULL ? detail : "");
	send_reply(x, status, &body);
	buf_free(&body);
}

/* -------------------------------------------------------------- dispatch */

static enum route_method
method_of(struct evhttp_request *req, const char **name)
{
	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET:
		*name = "GET";
		return ROUTE_GET;
	case EVHTTP_REQ_HEAD:
		*name = "HEAD";
		return ROUTE_HEAD;
	case EVHTTP_REQ_POST:
		*name = "POST";
		return ROUTE_POST;
	case EVHTTP_REQ_PUT:
		*name = "PUT";
		return ROUTE_PUT;
	case EVHTTP_REQ_PATCH:
		*name = "PATCH";
		return ROUTE_PATCH;
	case EVHTTP_REQ_DELETE:
		*name = "DELETE";
		return ROUTE_DELETE;
	case EVHTTP_REQ_OPTIONS:
		*name = "OPTIONS";
		return ROUTE_OPTIONS;
	case EVHTTP_REQ_CONNECT:
		*name = "CONNECT";
		return ROUTE_OTHER;
	case EVHTTP_REQ_TRACE:
		*name = "TRACE";
		return ROUTE_OTHER;
	default:
		*name = "OTHER";
		return ROUTE_OTHER;
	}
}

/* Copies the input headers into an arena array and checks them. */
static int
read_headers(struct reqctx *x, int body_allowed, struct request_headers *h,
    struct scim_err *err)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(x->req);
	struct request_header *arr;
	struct evkeyval *kv;
	size_t n = 0;

	/* keyvalq_struct.h gives the TAILQ layout but not its macros. */
	for (kv = in->tqh_first; kv != NULL; kv = kv->next.tqe_next)
		n++;
	arr = arena_allocarray(x->arena, n ? n : 1, sizeof(*arr));
	n = 0;
	for (kv = in->tqh_first; kv != NULL; kv = kv->next.tqe_next) {
		arr[n].name = str_from(kv->key);
		arr[n].value = str_from(kv->value);
		n++;
	}
	return request_check_headers(arr, n, body_allowed, h, err);
}

/* Authorises the caller for the route: one short read transaction. */
static int
authorize(struct reqctx *x, const struct request_path *p, const struct route *r,
    struct str authorization, struct principal *who, struct scim_err *err)
{
	struct store_txn *txn = NULL;
	int rc;

	x->auth_sent = authorization.len > 0;
	rc = store_read_begin(x->env->store, &txn, err);
	if (rc != 0)
		return rc;
	rc = authconf_authorize(x->env->auth, txn, p->tenant, authorization,
	    r->need.perm, date_now_ms() / 1000, who, err);
	store_read_end(txn);
	/* RFC 6750 §3.1: a valid token without the permission is an
	 * insufficient_scope, and scope names what the route needs. */
	if (rc == SCIM_E_FORBIDDEN) {
		char challenge[192];
		snprintf(challenge, sizeof(challenge),
		    "Bearer realm=\"" HTTP_ERROR_REALM
		    "\", error=\"insufficient_scope\", scope=\"%s\"",
		    perm_name(r->need.perm));
		evhttp_add_header(evhttp_request_get_output_headers(x->req),
		    "WWW-Authenticate", challenge);
	}
	return rc;
}

/*
 * Charges the request to its caller's and its tenant's token buckets
 * (ratelimit.h): 429 with the seconds to wait in Retry-After (RFC 6585
 * §4) when either is empty.
 */
static int
rate_limit(struct reqctx *x, const struct principal *who, struct scim_err *err)
{
	const char *caller = who->token_id[0] ? who->token_id : who->subject;
	char secs[16];
	unsigned wait;

	wait = ratelimit_take(x->env->ratelimit, who->tenant, caller,
	    (int64_t)x->start.tv_sec * 1000000000 + x->start.tv_nsec);
	if (wait == 0)
		return 0;
	snprintf(secs, sizeof(secs), "%u", wait);
	evhttp_add_header(
	    evhttp_request_get_output_headers(x->req), "Retry-After", secs);
	return scim_err_set(err, SCIM_E_RATE_LIMITED,
	    "the request rate limit of this token or tenant is reached; "
	    "retry after %u s",
	    wait);
}

/* Reads and bounds the body of a request whose route takes one. */
static int
read_body(struct reqctx *x, const struct request_headers *h, int takes_body,
    struct str *body, struct scim_err *err)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(x->req);
	size_t len = evbuffer_get_length(in);

	*body = STR_NULL;
	if (len > SCIM_MAX_BODY)
		return scim_err_set(err, SCIM_E_TOO_LARGE,
		    "the request body is larger than %d bytes", SCIM_MAX_BODY);
	if (!takes_body)
		return 0;
	if (len > 0 || h->content_type.ptr != NULL) {
		if (request_check_content_type(h->content_type, err) != 0)
			return SCIM_E_MEDIA_TYPE;
	}
	if (len > 0)
		*body = str_make((const char *)evbuffer_pullup(in, -1), len);
	return 0;
}

/* Runs the handler and sends what it returned. */
static void
run_handler(struct reqctx *x, const struct route *r, struct scim_request *sreq)
{
	struct scim_response resp;
	struct evkeyvalq *out = evhttp_request_get_output_headers(x->req);
	struct scim_err err;
	int rc;

	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body);
	/* Room for a typical resource up front. Grown from empty, a body
	 * took two reallocs, and realloc works in the malloc arena the
	 * block came from: under load both workers ended up waiting on the
	 * main arena's lock (50-90 futex calls per 1000 GETs, seen with
	 * perf; none with the reserve). */
	buf_reserve(&resp.body, DISPATCH_BODY_HINT);
	scim_err_clear(&err);
	rc = r->handler(x->env->scim, sreq, &resp, &err);
	if (rc == 0 && (resp.status < 200 || resp.status > 399)) {
		rc = scim_err_set(&err, SCIM_E_INTERNAL,
		    "handler returned status %d", resp.status);
	}
	if (rc != 0) {
		send_error(x, rc, err.detail, NULL, 0);
		goto out;
	}
	if (resp.etag[0] != '\0')
		evhttp_add_header(out, "ETag", resp.etag);
	if (resp.location != NULL)
		evhttp_add_header(out, "Location", resp.location);
	if (resp.status == 204 || resp.status == 304)
		buf_reset(&resp.body);
	send_reply(x, resp.status, &resp.body);
out:
	buf_free(&resp.body);
}

/* Answers OPTIONS: the methods the path allows, no body. */
static int
send_options(struct reqctx *x, const struct request_path *p)
{
	char allow[ROUTE_ALLOW_MAX];
	struct buf none;

	if (route_allow(p->segs, p->nsegs, allow) != 0)
		return SCIM_E_NOT_FOUND;
	evhttp_add_header(
	    evhttp_request_get_output_headers(x->req), "Allow", allow);
	buf_init(&none);
	send_reply(x, 204, &none);
	return 0;
}

/* x->tenant as snprintf "%.*s" would fill it (cut to fit, up to a NUL),
 * without snprintf's cost on every request. */
static void
copy_tenant(char *out, size_t outsz, struct str t)
{
	const char *nul = t.len > 0 ? memchr(t.ptr, '\0', t.len) : NULL;
	size_t n = nul != NULL ? (size_t)(nul - t.ptr) : t.len;

	if (n > outsz - 1)
		n = outsz - 1;
	if (n > 0)
		memcpy(out, t.ptr, n);
	out[n] = '\0';
}

/*
 * CONNECT (RFC 9110 §9.3.6) asks for a tunnel, never names a resource
 * here: a 405 whose Allow lists the path's methods (empty for a target
 * that is not ours, §10.2.1), and a close, so that nothing the client
 * sends after it is read as a pipelined request.
 *
 * evhttp 2.1 treats any reply to CONNECT as the start of a tunnel: it
 * writes no Content-Length and ignores "Connection: close", leaving the
 * connection open with an unframed reply on it. The request is
 * relabelled GET (http_struct.h) so that evhttp frames and closes it like
 * any other reply; x->method keeps "CONNECT" for the access log.
 */
static void
refuse_connect(struct reqctx *x)
{
	struct request_path p;
	struct scim_err err;
	char allow[ROUTE_ALLOW_MAX] = "";

	scim_err_clear(&err);
	if (request_split_target(str_from(evhttp_request_get_uri(x->req)),
		&x->path, &x->query, &err) == 0 &&
	    request_parse_path(x->arena, x->path, &p, &err) == 0) {
		copy_tenant(x->tenant, sizeof(x->tenant), p.tenant);
		route_allow(p.segs, p.nsegs, allow);
	}
	x->req->type = EVHTTP_REQ_GET;
	send_error(x, SCIM_E_METHOD, "CONNECT is not supported", allow, 1);
}

/* /healthz and /readyz (health.h): outside the tenant tree, no token. */
static int
reply_health(struct reqctx *x, enum route_method meth,
    char allow[ROUTE_ALLOW_MAX], struct scim_err *err)
{
	enum health_kind k = health_match(x->path);
	struct buf body;
	int status;

	/* A 405 matched no route: counted as unmatched, like any other. */
	if (meth != ROUTE_GET && meth != ROUTE_HEAD) {
		snprintf(allow, ROUTE_ALLOW_MAX, "GET, HEAD");
		return scim_err_set(err, SCIM_E_METHOD,
		    "%s answers GET and HEAD only",
		    k == HEALTH_LIVE ? "/healthz" : "/readyz");
	}
	x->slot = k == HEALTH_LIVE ? METRICS_SLOT_HEALTHZ : METRICS_SLOT_READYZ;
	buf_init(&body);
	status = health_answer(k, x->env->store, &body);
	evhttp_add_header(evhttp_request_get_output_headers(x->req),
	    "Content-Type", HEALTH_MEDIA_TYPE);
	send_reply(x, status, &body);
	buf_free(&body);
	return 0;
}

/*
 * A client's X-Request-Id (a proxy's, say) is adopted when it is sent
 * once and is 1..DISPATCH_ID_MAX bytes of [A-Za-z0-9._:-], so it can be
 * logged and echoed without escaping; otherwise the server's own id is
 * used. Copied into out: evhttp may free the request while it is sent,
 * and the id is logged until dispatch_request returns.
 */
static const char *
client_request_id(struct evhttp_request *req, char out[DISPATCH_ID_MAX + 1])
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	const char *v = NULL;
	struct evkeyval *kv;
	size_t i;

	for (kv = in->tqh_first; kv != NULL; kv = kv->next.tqe_next) {
		if (evutil_ascii_strcasecmp(kv->key, "X-Request-Id") != 0)
			continue;
		if (v != NULL)
			return NULL;
		v = kv->value;
	}
	if (v == NULL || v[0] == '\0')
		return NULL;
	for (i = 0; v[i] != '\0'; i++) {
		char c = v[i];
		if (i >= DISPATCH_ID_MAX ||
		    !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '_' ||
			c == ':' || c == '-'))
			return NULL;
	}
	memcpy(out, v, i + 1);
	return out;
}

static void
dispatch(struct reqctx *x)
{
	struct request_headers h;
	struct request_path p;
	struct route_match m;
	struct scim_request sreq;
	struct principal who;
	struct scim_err err;
	char allow[ROUTE_ALLOW_MAX] = "";
	enum route_method meth = method_of(x->req, &x->method);
	int rc, takes_body, close_conn = 0;

	if (evhttp_request_get_command(x->req) == EVHTTP_REQ_CONNECT) {
		refuse_connect(x);
		return;
	}
	scim_err_clear(&err);
	memset(&sreq, 0, sizeof(sreq));
	takes_body =
	    meth == ROUTE_POST || meth == ROUTE_PUT || meth == ROUTE_PATCH;
	rc = request_split_target(str_from(evhttp_request_get_uri(x->req)),
	    &x->path, &x->query, &err);
	/* Framing before anything else: a request we can't delimit gets a
	 * 400 and the connection is closed. */
	if (read_headers(x, takes_body, &h, &err) != 0 ||
	    request_check_version(&h, x->req->major, x->req->minor, &err) !=
		0) {
		rc = err.code;
		close_conn = 1;
		goto out;
	}
	if (rc == 0 && health_match(x->path) != HEALTH_NONE) {
		rc = reply_health(x, meth, allow, &err);
		goto out;
	}
	if (rc == 0)
		rc = request_parse_path(x->arena, x->path, &p, &err);
	if (rc != 0)
		goto out;
	copy_tenant(x->tenant, sizeof(x->tenant), p.tenant);
	if (meth == ROUTE_OPTIONS) {
		rc = send_options(x, &p);
		goto out;
	}
	rc = route_match(meth, p.segs, p.nsegs, &m, allow, &err);
	if (rc == 0)
		x->slot = metrics_route_slot(m.route);
	/* Default deny (HARDENING.md promise 6) before any token work. */
	if (rc == 0)
		rc = route_permit(m.route, &err);
	if (rc == 0)
		rc = authorize(x, &p, m.route, h.authorization, &who, &err);
	/* A self-admin token reaches only its own routes (scim/access.h). */
	if (rc == 0)
		rc = access_route(
		    &who, m.route->handler, str_from(m.route->rtype), &err);
	if (rc == 0)
		rc = rate_limit(x, &who, &err);
	if (rc == 0)
		rc = read_body(x, &h, takes_body, &sreq.body, &err);
	if (rc == 0)
		rc = request_parse_query(x->arena, x->query,
		    (struct scim_param **)&sreq.params, &sreq.nparams, &err);
	if (rc != 0)
		goto out;
	sreq.arena = x->arena;
	sreq.method = m.route->method;
	sreq.tenant = p.tenant;
	sreq.rtype = str_from(m.route->rtype);
	sreq.id = m.id;
	sreq.content_type = h.content_type;
	sreq.if_match = h.if_match;
	sreq.if_none_match = h.if_none_match;
	sreq.base_url = str_from(x->env->base_url);
	sreq.who = &who;
	sreq.request_id = x->id;
	sreq.has_perm = 1;
	sreq.perm = m.route->need.perm;
	run_handler(x, m.route, &sreq);
out:
	if (rc != 0)
		send_error(
		    x, rc, err.detail, allow[0] ? allow : NULL, close_conn);
}

void
dispatch_request(const struct dispatch_env *env, struct evhttp_request *req,
    const char *request_id, int closing, dispatch_before_send before_send,
    void *arg)
{
	struct reqctx x;
	char client_id[DISPATCH_ID_MAX + 1];

	memset(&x, 0, sizeof(x));
	clock_gettime(CLOCK_MONOTONIC, &x.start);
	x.env = env;
	x.req = req;
	x.id = client_request_id(req, client_id);
	if (x.id == NULL)
		x.id = request_id;
	x.closing = closing;
	x.before_send = before_send;
	x.arg = arg;
	x.method = "OTHER";
	x.arena = arena_new();
	metrics_inflight_add(1);
	log_set_request(x.id);
	dispatch(&x);
	log_set_request(NULL);
	metrics_inflight_add(-1);
	arena_free(x.arena);
}
