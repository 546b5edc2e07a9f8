/*
 * A webhook receiver for the notification tests: a thread serving plain
 * HTTP/1.1 on a loopback port, one request per connection, that records
 * every POST (headers of interest and body) and answers with the next
 * status of a script (200 once the script is used up), or not at all
 * while `silent` is set. All waits are bounded.
 */
#ifndef TESTS_INTEGRATION_HOOK_RECV_H
#define TESTS_INTEGRATION_HOOK_RECV_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define HOOK_MAX_GOT 512
#define HOOK_MAX_SCRIPT 16

struct hook_got {
	char *body; /* NUL-terminated, malloc */
	char path[128];
	char content_type[64];
	char event[80]; /* X-Scimcred-Event */
	char tenant[80]; /* X-Scimcred-Tenant */
	char timestamp[32]; /* X-Scimcred-Timestamp */
	char signature[160]; /* X-Scimcred-Signature */
	int status; /* what was answered (0: nothing) */
	int64_t at_ms; /* CLOCK_MONOTONIC */
};

struct hook_recv {
	int fd;
	void *tls; /* SSL_CTX, when serving HTTPS */
	int port;
	pthread_t thread;
	volatile int stop;
	volatile int silent; /* read requests but never answer */
	pthread_mutex_t mu;
	int script[HOOK_MAX_SCRIPT];
	int nscript, used;
	struct hook_got got[HOOK_MAX_GOT];
	int ngot;
};

/* Listens on 127.0.0.1 (port 0: any free one) and starts the thread;
 * 0, or -1. */
int hook_start(struct hook_recv *h, int port);
/* The same over TLS with the PEM certificate and key in cert, key. */
int hook_start_tls(
    struct hook_recv *h, int port, const char *cert, const char *key);
/*
 * Writes a self-signed P-256 certificate (its own CA) for the DNS name
 * dns and the address 127.0.0.1 (as subjectAltNames) and its key as PEM
 * files. 0, or -1.
 */
int hook_make_cert(const char *dns, const char *cert, const char *key);
/* Stops the thread, closes the socket, frees the bodies. */
void hook_stop(struct hook_recv *h);
/* Answers the next requests with these statuses, in order. */
void hook_script(struct hook_recv *h, const int *statuses, int n);
/* Number of requests received so far. */
int hook_count(struct hook_recv *h);
/* Waits until at least n requests arrived; 0, or -1 after timeout_ms. */
int hook_wait(struct hook_recv *h, int n, int timeout_ms);
/* Milliseconds on CLOCK_MONOTONIC. */
int64_t hook_now_ms(void);

#endif
