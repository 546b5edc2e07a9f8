/*
 * The webhook deliverer: one thread with its own event_base that POSTs
 * the notification outbox's events (scim/outbox.h) to a configured URL
 * as JSON, over HTTP or HTTPS (OpenSSL bufferevents, the peer certificate
 * verified against the system trust store or a configured CA bundle, and
 * its name checked).
 *
 * Delivery is at least once: an event is marked delivered, in a short
 * write transaction, only after a 2xx answer, so a crash between the
 * answer and the mark sends it again. Each tenant's events go out one at
 * a time in id order (first in, first out); up to `concurrency` tenants
 * are served at once. A failed attempt (connection error, timeout,
 * non-2xx status) is retried after an exponential backoff with jitter:
 * a delay drawn from [d/2, d] with d = min(retry_max, retry_min * 2^n)
 * after the n-th failure. Pending events are found again by polling the
 * outbox, so those left by a previous run go out after a restart.
 *
 * With a secret, each POST carries X-Scimcred-Timestamp (Unix seconds)
 * and X-Scimcred-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<body>" keyed with the secret>.
 */
#ifndef HTTP_WEBHOOK_H
#define HTTP_WEBHOOK_H

#include <stddef.h>

#include "store/store.h"

#define WEBHOOK_URL_MAX 2048
#define WEBHOOK_SECRET_MAX 256
#define WEBHOOK_POLL_MS 500 /* how often the outbox is looked at */
#define WEBHOOK_MAX_CONCURRENCY 64
#define WEBHOOK_MAX_RESPONSE (64 * 1024) /* larger answers are cut off */

struct webhook_config {
	const char *url; /* http:// or https:// URL (webhook_url_ok) */
	const char *secret; /* HMAC key, or NULL: unsigned */
	const char *ca_file; /* PEM CA bundle, or NULL: the system store */
	unsigned timeout; /* seconds for one attempt, connect included
			     (0: 10) */
	unsigned retry_min; /* first backoff in seconds (0: 1) */
	unsigned retry_max; /* largest backoff in seconds (0: 3600) */
	unsigned max_attempts; /* then the event is "failed"; 0: no limit */
	unsigned concurrency; /* POSTs in flight at most (0: 4) */
};

/*
 * 1 if url is an absolute http:// or https:// URL with a host, no user
 * information and at most WEBHOOK_URL_MAX bytes; 0 otherwise.
 */
int webhook_url_ok(const char *url);

struct webhook;

/*
 * Starts the deliverer thread. st is borrowed and must outlive
 * webhook_stop(). NULL with a reason in err when the configuration is
 * unusable (bad URL, unreadable CA bundle).
 */
struct webhook *webhook_start(const struct webhook_config *cfg,
    struct store *st, char *err, size_t errsz);

/*
 * Stops the thread: POSTs in flight are abandoned (their events stay
 * pending and go out again on the next start). Accepts NULL.
 */
void webhook_stop(struct webhook *w);

/* The delay in milliseconds after `failures` failed attempts, before
 * jitter is applied: min(max_s, min_s * 2^(failures - 1)) seconds. */
long long webhook_backoff_ms(unsigned min_s, unsigned max_s, unsigned failures);

#endif
