/* A loopback webhook receiver for the notification tests; see hook_recv.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "hook_recv.h"

#define REQ_MAX (256 * 1024)
#define IO_TIMEOUT_MS 5000

int64_t
hook_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The value of header name in the head (up to the blank line), copied. */
static void
header(const char *head, const char *name, char *out, size_t outsz)
{
	const char *p = head;
	size_t nl = strlen(name), n;

	out[0] = '\0';
	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			p += nl + 1;
			while (*p == ' ')
				p++;
			n = strcspn(p, "\r\n");
			if (n >= outsz)
				n = outsz - 1;
			memcpy(out, p, n);
			out[n] = '\0';
			return;
		}
	}
}

struct conn {
	int fd;
	SSL *ssl; /* NULL: plain */
};

static ssize_t
conn_read(struct conn *c, char *buf, size_t n)
{
	if (c->ssl != NULL)
		return SSL_read(c->ssl, buf, (int)n);
	return read(c->fd, buf, n);
}

static ssize_t
conn_write(struct conn *c, const char *buf, size_t n)
{
	if (c->ssl != NULL)
		return SSL_write(c->ssl, buf, (int)n);
	return write(c->fd, buf, n);
}

/* Reads one request: head and Content-Length body. Returns the byte
 * count and sets *body_off, or -1. */
static long
read_request(struct conn *c, char *buf, size_t cap, size_t *body_off)
{
	int fd = c->fd;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t len = 0, need = 0;
	char cl[32], *end;
	ssize_t n;

	*body_off = 0;
	while (len < cap - 1) {
		if ((c->ssl == NULL || SSL_pending(c->ssl) == 0) &&
		    poll(&pfd, 1, IO_TIMEOUT_MS) <= 0)
			return -1;
		n = conn_read(c, buf + len, cap - 1 - len);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (*body_off == 0 && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			*body_off = (size_t)(end - buf) + 4;
			header(buf, "Content-Length", cl, sizeof(cl));
			need = *body_off + (size_t)strtoul(cl, NULL, 10);
		}
		if (*body_off != 0 && len >= need)
			return (long)len;
	}
	return -1;
}

static void
serve_one(struct hook_recv *h, int fd)
{
	char *buf = malloc(REQ_MAX), reply[128];
	struct conn c = {.fd = fd};
	struct hook_got g;
	size_t off;
	long n = -1;
	int status = 0;

	if (h->tls != NULL) {
		struct timeval tv = {IO_TIMEOUT_MS / 1000, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		c.ssl = SSL_new(h->tls);
		SSL_set_fd(c.ssl, fd);
		if (SSL_accept(c.ssl) != 1)
			goto out;
	}
	n = read_request(&c, buf, REQ_MAX, &off);
	if (n < 0)
		goto out;
	memset(&g, 0, sizeof(g));
	sscanf(buf, "%*s %127s", g.path);
	buf[off - 2] = '\0'; /* the head ends at the blank line */
	header(buf, "Content-Type", g.content_type, sizeof(g.content_type));
	header(buf, "X-Scimcred-Event", g.event, sizeof(g.event));
	header(buf, "X-Scimcred-Tenant", g.tenant, sizeof(g.tenant));
	header(buf, "X-Scimcred-Timestamp", g.timestamp, sizeof(g.timestamp));
	header(buf, "X-Scimcred-Signature", g.signature, sizeof(g.signature));
	g.body = strndup(buf + off, (size_t)n - off);
	g.at_ms = hook_now_ms();
	pthread_mutex_lock(&h->mu);
	if (!h->silent)
		status = h->used < h->nscript ? h->script[h->used++] : 200;
	g.status = status;
	if (h->ngot < HOOK_MAX_GOT)
		h->got[h->ngot++] = g;
	else
		free(g.body);
	pthread_mutex_unlock(&h->mu);
	if (status != 0) {
		snprintf(reply, sizeof(reply),
		    "HTTP/1.1 %d Test\r\nContent-Length: 2\r\n"
		    "Connection: close\r\n\r\nok",
		    status);
		if (conn_write(&c, reply, strlen(reply)) < 0)
			perror("hook write");
	} else {
		/* Silent: hold the connection until the client gives up. */
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		while (!h->stop && poll(&pfd, 1, 100) == 0)
			;
	}
out:
	if (c.ssl != NULL) {
		SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
	}
	free(buf);
}

static void *
hook_main(void *arg)
{
	struct hook_recv *h = arg;
	struct pollfd pfd = {.fd = h->fd, .events = POLLIN};
	int c;

	while (!h->stop) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		c = accept(h->fd, NULL, NULL);
		if (c < 0)
			continue;
		serve_one(h, c);
		close(c);
	}
	return NULL;
}

static int
start(struct hook_recv *h, int port, SSL_CTX *tls)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1;

	memset(h, 0, sizeof(*h));
	h->tls = tls;
	pthread_mutex_init(&h->mu, NULL);
	h->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (h->fd < 0)
		return -1;
	setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)port);
	if (bind(h->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(h->fd, 64) != 0 ||
	    getsockname(h->fd, (struct sockaddr *)&sa, &sl) != 0) {
		close(h->fd);
		return -1;
	}
	h->port = ntohs(sa.sin_port);
	if (pthread_create(&h->thread, NULL, hook_main, h) != 0) {
		close(h->fd);
		return -1;
	}
	return 0;
}

int
hook_start(struct hook_recv *h, int port)
{
	return start(h, port, NULL);
}

void
hook_stop(struct hook_recv *h)
{
	int i;

	h->stop = 1;
	pthread_join(h->thread, NULL);
	close(h->fd);
	SSL_CTX_free(h->tls);
	h->tls = NULL;
	for (i = 0; i < h->ngot; i++)
		free(h->got[i].body);
	h->ngot = 0;
	pthread_mutex_destroy(&h->mu);
}

void
hook_script(struct hook_recv *h, const int *statuses, int n)
{
	pthread_mutex_lock(&h->mu);
	memcpy(h->script, statuses, sizeof(int) * (size_t)n);
	h->nscript = n;
	h->used = 0;
	pthread_mutex_unlock(&h->mu);
}

int
hook_count(struct hook_recv *h)
{
	int n;

	pthread_mutex_lock(&h->mu);
	n = h->ngot;
	pthread_mutex_unlock(&h->mu);
	return n;
}

int
hook_wait(struct hook_recv *h, int n, int timeout_ms)
{
	int64_t end = hook_now_ms() + timeout_ms;

	while (hook_count(h) < n) {
		if (hook_now_ms() > end)
			return -1;
		usleep(20000);
	}
	return 0;
}

int
hook_start_tls(struct hook_recv *h, int port, const char *cert, const char *key)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		SSL_CTX_free(ctx);
		return -1;
	}
	if (start(h, port, ctx) != 0) {
		SSL_CTX_free(ctx);
		return -1;
	}
	return 0;
}

int
hook_make_cert(const char *dns, const char *cert, const char *key)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_EXTENSION *ext;
	X509V3_CTX v3;
	char san[300];
	FILE *f;
	int rc = -1;

	if (pk == NULL || x == NULL)
		goto out;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pk);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)dns, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	snprintf(san, sizeof(san), "DNS:%s,IP:127.0.0.1", dns);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
	if (ext == NULL)
		goto out;
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (X509_sign(x, pk, EVP_sha256()) <= 0)
		goto out;
	if ((f = fopen(cert, "w")) == NULL)
		goto out;
	rc = PEM_write_X509(f, x) == 1 ? 0 : -1;
	fclose(f);
	if (rc == 0 && (f = fopen(key, "w")) != NULL) {
		rc = PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) == 1
		    ? 0
		    : -1;
		fclose(f);
	} else {
		rc = -1;
	}
out:
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}
