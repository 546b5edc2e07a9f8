/*
 * /metrics: util/metrics.h's cells and the store's figures in the
 * Prometheus text exposition format, version 0.0.4, served on a listener
 * of its own (--metrics-listen, off by default) with no authentication:
 * bind it to loopback or a management network. That listener also
 * answers /healthz and /readyz, for probes on the management network.
 *
 * Request slots: 0 for requests that matched no route (bad paths, 404s,
 * OPTIONS, framing errors), 1 and 2 for the probes, then one per row of
 * the route table, labelled method="GET", route="/scim/{tenant}/v2/...".
 */
#ifndef HTTP_METRICS_H
#define HTTP_METRICS_H

#include "http/route.h"
#include "store/store.h"
#include "util/buf.h"

#define METRICS_SLOT_UNMATCHED 0
#define METRICS_SLOT_HEALTHZ 1
#define METRICS_SLOT_READYZ 2
#define METRICS_SLOT_ROUTE0 3

#define METRICS_MEDIA_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The slot of a route table entry. */
unsigned metrics_route_slot(const struct route *r);

/* Appends s as a label value: backslash, double quote and line feed
 * escaped as the format requires (\\, \", \n). */
void metrics_label_escape(struct buf *out, const char *s);

/* Appends the whole exposition; st may be NULL (no store figures). */
void metrics_render(struct store *st, struct buf *out);

struct metrics_server;

/*
 * Binds listen ("ADDR:PORT" or "[ADDR6]:PORT"; port 0 picks one), logs
 * the bound address and serves GET/HEAD /metrics, /healthz and /readyz
 * on a thread of its own until metrics_server_stop. st is borrowed.
 * Returns 0 or -1 (logged).
 */
int metrics_server_start(
    const char *listen, struct store *st, struct metrics_server **out);
/* Stops the thread and frees everything; accepts NULL. */
void metrics_server_stop(struct metrics_server *m);

#endif
