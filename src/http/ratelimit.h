/*
 * Rate limiting per caller and per tenant: token buckets (RFC 6585 §4
 * answers with 429 and Retry-After). A request takes one token from its
 * caller's bucket (an opaque token's id, or a JWT's subject) and one from
 * its tenant's; a bucket refills at `rate` tokens per second up to
 * `burst`. Requests are counted after authentication, so only callers
 * holding a valid token spend anyone's budget.
 *
 * Buckets live in a fixed-size table (no allocation per caller): when it
 * is full the least recently used bucket of a probe window is reused,
 * which forgets that caller's debt. With tens of thousands of callers
 * active at once the limit loosens; it never blocks anyone wrongly.
 */
#ifndef HTTP_RATELIMIT_H
#define HTTP_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

struct ratelimit_rule {
	double rate; /* tokens per second; 0: no limit */
	double burst; /* bucket size, >= 1 */
};

struct ratelimit_config {
	struct ratelimit_rule caller; /* per token or subject */
	struct ratelimit_rule tenant;
};

/*
 * Parses "RATE" or "RATE/BURST" (RATE a decimal from 0.001 to 1e6;
 * BURST an integer 1..1e6, default max(1, RATE)). "0" turns the limit
 * off. 0, or -1 if malformed.
 */
int ratelimit_parse(const char *s, struct ratelimit_rule *out);

/* NULL when neither rule limits anything. */
struct ratelimit *ratelimit_new(const struct ratelimit_config *cfg);
/* Accepts NULL. */
void ratelimit_free(struct ratelimit *rl);

/*
 * Takes a token for one request of caller (any bytes identifying it) in
 * tenant, at monotonic time now_ns. 0 if allowed; otherwise the whole
 * number of seconds after which a retry can succeed (>= 1), and nothing
 * was taken. Thread-safe. rl may be NULL (no limits).
 */
unsigned ratelimit_take(struct ratelimit *rl, const char *tenant,
    const char *caller, int64_t now_ns);

#endif
