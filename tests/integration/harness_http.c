/*
 * The harness's HTTP/1.1 client over raw sockets (so tests can send any
 * bytes, framing attacks included), response parsing (status line,
 * headers, Content-Length or chunked bodies), JSON helpers on top of our
 * own json_parse, and the checks tests assert with. Every wait has a
 * deadline: a server that stalls fails the test, it never hangs it.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "harness.h"
#include "util/buf.h"

#define RESP_MAX (64u * 1024 * 1024)

/* Loose limits: we check the server's output, not guard against it. */
static const struct json_limits resp_limits = {
    .max_depth = 64,
    .max_keys = 4096,
    .max_items = 1000000,
    .max_tokens = 20000000,
    .max_string = 16u * 1024 * 1024,
};

static _Thread_local char why[4096];

int
harness_connect(int port)
{
	struct sockaddr_in sa;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static char *
xstrndup0(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* memmem and strcasestr are GNU extensions; these are all we need. */
static char *
find_bytes(char *hay, size_t n, const char *needle, size_t m)
{
	size_t i;

	for (i = 0; m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

static int
has_token_ci(const char *s, const char *word)
{
	size_t m = strlen(word);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, word, m) == 0)
			return 1;
	return 0;
}

static void
trim(char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Parses the status line and headers in raw[0..end). */
static int
parse_head(struct harness_resp *r, size_t end)
{
	char *p = r->raw, *eol, *colon, *v;
	size_t vlen;
	int code;

	eol = memchr(p, '\n', end);
	if (eol == NULL || sscanf(p, "HTTP/1.%*d %3d", &code) != 1)
		return -1;
	r->status = code;
	p = eol + 1;
	while (p < r->raw + end && r->nhdr < HARNESS_MAX_HEADERS) {
		eol = memchr(p, '\n', (size_t)(r->raw + end - p));
		if (eol == NULL)
			break;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon != NULL) {
			v = colon + 1;
			vlen = (size_t)(eol - v);
			if (vlen > 0 && v[vlen - 1] == '\r')
				vlen--;
			trim(&v, &vlen);
			r->hdr[r->nhdr].name =
			    xstrndup0(p, (size_t)(colon - p));
			r->hdr[r->nhdr].value = xstrndup0(v, vlen);
			r->nhdr++;
		}
		p = eol + 1;
	}
	return 0;
}

/* De-chunks raw[start..); 1 when the last chunk arrived. */
static int
dechunk(struct harness_resp *r, size_t start)
{
	size_t pos = start, len = 0;
	char *out = malloc(r->raw_len - start + 1), *end;
	unsigned long sz;

	if (out == NULL)
		abort();
	for (;;) {
		end = memchr(r->raw + pos, '\n', r->raw_len - pos);
		if (end == NULL)
			break;
		sz = strtoul(r->raw + pos, NULL, 16);
		pos = (size_t)(end - r->raw) + 1;
		if (sz == 0) {
			free(r->body);
			r->body = out;
			r->body_len = len;
			out[len] = '\0';
			return 1;
		}
		if (pos + sz + 2 > r->raw_len)
			break;
		memcpy(out + len, r->raw + pos, sz);
		len += sz;
		pos += sz + 2;
	}
	free(out);
	return 0;
}

/* 1 when raw holds a complete response; eof: the peer closed. */
static int
complete(struct harness_resp *r, int eof, const char *method)
{
	const char *te, *cl;
	char *hend;
	size_t start, want;

	if (r->head_len == 0) {
		hend = find_bytes(r->raw, r->raw_len, "\r\n\r\n", 4);
		if (hend == NULL)
			return 0;
		r->head_len = (size_t)(hend - r->raw) + 4;
		if (parse_head(r, r->head_len) != 0)
			return 0;
	}
	if (r->status == 0)
		return 0;
	start = r->head_len;
	if (r->status == 204 || r->status == 304 || r->status / 100 == 1 ||
	    (method != NULL && strcmp(method, "HEAD") == 0))
		want = 0;
	else if ((te = harness_header(r, "Transfer-Encoding")) != NULL &&
	    has_token_ci(te, "chunked"))
		return dechunk(r, start);
	else if ((cl = harness_header(r, "Content-Length")) != NULL)
		want = strtoul(cl, NULL, 10);
	else if (!eof)
		return 0;
	else
		want = r->raw_len - start;
	if (r->raw_len - start < want)
		return 0;
	free(r->body);
	r->body = xstrndup0(r->raw + start, want);
	r->body_len = want;
	return 1;
}

static void
grow(struct harness_resp *r, size_t *cap)
{
	if (r->raw_len + 4096 + 1 <= *cap)
		return;
	*cap = *cap * 2 + 8192;
	r->raw = realloc(r->raw, *cap);
	if (r->raw == NULL)
		abort();
}

/* Writes as much of req as the peer takes; stops early if the peer
 * answers or closes (a 413 may come before the body is sent). */
static void
send_all(int fd, const char *req, size_t len, int64_t deadline)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT | POLLIN};
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		int left = (int)(deadline - harness_now_ms());

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return;
		if (pfd.revents & (POLLIN | POLLERR | POLLHUP))
			return;
		n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return;
		if (n > 0)
			off += (size_t)n;
	}
}

static int
exchange(int port, const char *req, size_t len, int timeout_ms,
    const char *method, struct harness_resp *r)
{
	int64_t deadline = harness_now_ms() + timeout_ms;
	struct pollfd pfd = {.events = POLLIN};
	size_t cap = 0;
	ssize_t n;
	int fd, done = 0;

	memset(r, 0, sizeof(*r));
	fd = harness_connect(port);
	if (fd < 0) {
		r->closed = 1;
		return -1;
	}
	pfd.fd = fd;
	send_all(fd, req, len, deadline);
	while (!done) {
		int left = (int)(deadline - harness_now_ms());

		if (left <= 0 || poll(&pfd, 1, left) == 0) {
			r->timed_out = 1;
			break;
		}
		grow(r, &cap);
		n = recv(fd, r->raw + r->raw_len, cap - r->raw_len - 1, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			done = complete(r, 1, method);
			r->closed = !done;
			break;
		}
		r->raw_len += (size_t)n;
		r->raw[r->raw_len] = '\0';
		done = complete(r, 0, method);
		if (r->raw_len > RESP_MAX)
			break;
	}
	close(fd);
	if (!done && r->status != 0 && r->body == NULL)
		r->status = 0; /* a head without its body is no response */
	return done ? 0 : -1;
}

int
harness_raw(int port, const void *req, size_t len, int timeout_ms,
    struct harness_resp *r)
{
	char method[8] = "";

	sscanf((const char *)req, "%7[A-Z]", method);
	return exchange(port, req, len, timeout_ms, method, r);
}

int
harness_raw_all(int port, const void *req, size_t len, int timeout_ms,
    char **out, size_t *outlen)
{
	int64_t deadline = harness_now_ms() + timeout_ms;
	struct harness_resp r;
	struct pollfd pfd = {.events = POLLIN};
	size_t cap = 0;
	ssize_t n;
	int fd, rc = -1;

	memset(&r, 0, sizeof(r));
	grow(&r, &cap);
	r.raw[0] = '\0';
	fd = harness_connect(port);
	if (fd >= 0) {
		pfd.fd = fd;
		send_all(fd, req, len, deadline);
		for (;;) {
			int left = (int)(deadline - harness_now_ms());

			if (left <= 0 || poll(&pfd, 1, left) == 0)
				break;
			grow(&r, &cap);
			n = recv(fd, r.raw + r.raw_len, cap - r.raw_len - 1, 0);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				rc = 0;
				break;
			}
			r.raw_len += (size_t)n;
			r.raw[r.raw_len] = '\0';
		}
		close(fd);
	}
	*out = r.raw;
	*outlen = r.raw_len;
	return rc;
}

int
harness_send(const struct harness_server *srv, const struct harness_req *rq,
    struct harness_resp *r)
{
	struct buf b;
	size_t blen = 0;
	int rc;

	if (rq->body != NULL)
		blen = rq->body_len != 0 ? rq->body_len : strlen(rq->body);
	buf_init(&b);
	buf_printf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n", rq->method,
	    rq->path, srv->port);
	buf_append_cstr(
	    &b, "Connection: close\r\nAccept: application/scim+json\r\n");
	if (rq->token != NULL)
		buf_printf(&b, "Authorization: Bearer %s\r\n", rq->token);
	if (rq->body != NULL || strcmp(rq->method, "POST") == 0 ||
	    strcmp(rq->method, "PUT") == 0) {
		if (rq->ctype == NULL)
			buf_append_cstr(
			    &b, "Content-Type: application/scim+json\r\n");
		else if (*rq->ctype != '\0')
			buf_printf(&b, "Content-Type: %s\r\n", rq->ctype);
		buf_printf(&b, "Content-Length: %zu\r\n", blen);
	}
	if (rq->headers != NULL)
		buf_append_cstr(&b, rq->headers);
	buf_append_cstr(&b, "\r\n");
	if (blen > 0)
		buf_append(&b, rq->body, blen);
	rc = exchange(
	    srv->port, b.data, b.len, HARNESS_TIMEOUT_MS, rq->method, r);
	buf_free(&b);
	return rc;
}

static int
simple(const struct harness_server *srv, const char *method, const char *token,
    const char *path, const char *body, struct harness_resp *r)
{
	struct harness_req rq = {
	    .method = method, .path = path, .token = token, .body = body};

	return harness_send(srv, &rq, r);
}

int
harness_get(const struct harness_server *srv, const char *token,
    const char *path, struct harness_resp *r)
{
	return simple(srv, "GET", token, path, NULL, r);
}

int
harness_delete(const struct harness_server *srv, const char *token,
    const char *path, struct harness_resp *r)
{
	return simple(srv, "DELETE", token, path, NULL, r);
}

int
harness_post(const struct harness_server *srv, const char *token,
    const char *path, const char *body, struct harness_resp *r)
{
	return simple(srv, "POST", token, path, body, r);
}

int
harness_put(const struct harness_server *srv, const char *token,
    const char *path, const char *body, struct harness_resp *r)
{
	return simple(srv, "PUT", token, path, body, r);
}

void
harness_resp_free(struct harness_resp *r)
{
	size_t i;

	for (i = 0; i < r->nhdr; i++) {
		free(r->hdr[i].name);
		free(r->hdr[i].value);
	}
	free(r->raw);
	free(r->body);
	arena_free(r->arena);
	memset(r, 0, sizeof(*r));
}

const char *
harness_header(const struct harness_resp *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nhdr; i++)
		if (strcasecmp(r->hdr[i].name, name) == 0)
			return r->hdr[i].value;
	return NULL;
}

int
harness_header_count(const struct harness_resp *r, const char *name)
{
	size_t i;
	int n = 0;

	for (i = 0; i < r->nhdr; i++)
		n += strcasecmp(r->hdr[i].name, name) == 0;
	return n;
}

char *
harness_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), i, o = 0;
	char *out = malloc(n * 3 + 1);

	if (out == NULL)
		abort();
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

struct json_value *
harness_json(struct harness_resp *r)
{
	struct scim_err err;

	if (r->json_tried)
		return r->json;
	r->json_tried = 1;
	if (r->body == NULL || r->body_len == 0)
		return NULL;
	r->arena = arena_new();
	if (json_parse(r->arena, r->body, r->body_len, &resp_limits, &r->json,
		&err) != 0)
		r->json = NULL;
	return r->json;
}

const struct json_value *
harness_jpath(const struct json_value *v, const char *path)
{
	char seg[256];
	const char *p = path, *dot;
	size_t n;
	char *end;
	unsigned long idx;

	while (v != NULL && *p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, p, n);
		seg[n] = '\0';
		idx = strtoul(seg, &end, 10);
		if (v->type == JSON_ARRAY && n > 0 && *end == '\0')
			v = idx < v->u.array.len ? v->u.array.items[idx] : NULL;
		else
			v = json_object_get_cstr(v, seg);
		p += n + (dot != NULL);
	}
	return v;
}

const char *
harness_jstr(const struct json_value *v, const char *path)
{
	v = harness_jpath(v, path);
	return v != NULL && v->type == JSON_STRING ? v->u.string.ptr : NULL;
}

int
harness_jint(const struct json_value *v, const char *path, int64_t *out)
{
	v = harness_jpath(v, path);
	if (v == NULL || v->type != JSON_INT)
		return 0;
	*out = v->u.integer;
	return 1;
}

int
harness_jbool(const struct json_value *v, const char *path)
{
	v = harness_jpath(v, path);
	return v != NULL && v->type == JSON_BOOL ? v->u.boolean : -1;
}

long
harness_jlen(const struct json_value *v, const char *path)
{
	v = harness_jpath(v, path);
	return v != NULL && v->type == JSON_ARRAY ? (long)v->u.array.len : -1;
}

static const char *
describe(struct harness_resp *r, const char *what)
{
	snprintf(why, sizeof(why), "%s (got status %d%s%s; body: %.600s)", what,
	    r->status, r->closed ? ", connection closed" : "",
	    r->timed_out ? ", TIMED OUT" : "", r->body != NULL ? r->body : "");
	return why;
}

const char *
harness_check_status(struct harness_resp *r, int status)
{
	const char *ct = harness_header(r, "Content-Type");
	char want[64];

	snprintf(want, sizeof(want), "expected status %d", status);
	if (r->status != status)
		return describe(r, want);
	if (r->body_len > 0 &&
	    (ct == NULL || strncasecmp(ct, "application/scim+json", 21) != 0))
		return describe(r, "Content-Type is not application/scim+json");
	return NULL;
}

static int
schemas_has(const struct json_value *v, const char *urn)
{
	const struct json_value *s = harness_jpath(v, "schemas");
	size_t i;

	if (s == NULL || s->type != JSON_ARRAY)
		return 0;
	for (i = 0; i < s->u.array.len; i++)
		if (s->u.array.items[i]->type == JSON_STRING &&
		    strcmp(s->u.array.items[i]->u.string.ptr, urn) == 0)
			return 1;
	return 0;
}

/* Checks the RFC 7644 §3.12 body against the response's own status. */
static const char *
check_error_body(struct harness_resp *r, const char *scim_type)
{
	const struct json_value *v = harness_json(r);
	const char *st, *ty;
	char code[16];

	if (v == NULL)
		return describe(r, "error body is not JSON");
	if (!schemas_has(v, HARNESS_ERROR_URN))
		return describe(r, "error body lacks the Error schema");
	snprintf(code, sizeof(code), "%d", r->status);
	st = harness_jstr(v, "status");
	if (st == NULL || strcmp(st, code) != 0)
		return describe(
		    r, "error status is not the HTTP status as a string");
	if (harness_jpath(v, "detail") != NULL &&
	    harness_jstr(v, "detail") == NULL)
		return describe(r, "error detail is not a string");
	ty = harness_jstr(v, "scimType");
	if (scim_type != NULL && (ty == NULL || strcmp(ty, scim_type) != 0)) {
		char want[96];

		snprintf(want, sizeof(want), "expected scimType %s", scim_type);
		return describe(r, want);
	}
	return NULL;
}

const char *
harness_check_error(struct harness_resp *r, int status, const char *scim_type)
{
	const char *w = harness_check_status(r, status);

	return w != NULL ? w : check_error_body(r, scim_type);
}

const char *
harness_check_rejected(struct harness_resp *r, int allow)
{
	const char *ct = harness_header(r, "Content-Type");
	const char *conn = harness_header(r, "Connection");

	if (r->timed_out)
		return describe(r, "server did not answer or close in time");
	if (r->status == 0)
		return allow >= HARNESS_REJ_CLOSE && r->closed
		    ? NULL
		    : describe(r, "no response");
	if (r->status < 400 || r->status >= 500)
		return describe(r, "expected a 4xx rejection");
	if (allow >= HARNESS_REJ_LIBEVENT && conn != NULL &&
	    strcasecmp(conn, "close") == 0 &&
	    (ct == NULL || strncasecmp(ct, "text/html", 9) == 0))
		return NULL;
	if (ct == NULL || strncasecmp(ct, "application/scim+json", 21) != 0)
		return describe(r, "rejection is not application/scim+json");
	return check_error_body(r, NULL);
}

const char *
harness_check_alive(const struct harness_server *srv)
{
	struct harness_resp r;
	const char *w;

	harness_get(
	    srv, srv->admin_token, "/scim/demo/v2/ServiceProviderConfig", &r);
	w = harness_check_status(&r, 200);
	if (w != NULL) {
		char copy[sizeof(why)];

		snprintf(copy, sizeof(copy), "%s", w);
		snprintf(why, sizeof(why), "server no longer answers: %.3000s",
		    copy);
		w = why;
	}
	harness_resp_free(&r);
	return w;
}
