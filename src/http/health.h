/*
 * The probes: GET /healthz (the process is alive and its event loop
 * answers) and GET /readyz (the store is open and takes writes), outside
 * the tenant tree, with no authentication, answering application/json.
 * Liveness never touches the store, so a full disk does not get a live
 * server restarted; readiness does (store_ready: one read transaction
 * and a statvfs, no write), so a load balancer stops sending writes to
 * an instance that would refuse them.
 */
#ifndef HTTP_HEALTH_H
#define HTTP_HEALTH_H

#include "store/store.h"
#include "util/buf.h"
#include "util/str.h"

#define HEALTH_MEDIA_TYPE "application/json"

enum health_kind {
	HEALTH_NONE,
	HEALTH_LIVE, /* /healthz */
	HEALTH_READY, /* /readyz */
};

/* Which probe the raw request path (no query) names, exactly. */
enum health_kind health_match(struct str path);

/*
 * Writes the probe's JSON body into body and returns the HTTP status:
 * 200, or 503 when /readyz finds the store not ready. /healthz:
 * {"status":"ok"}. /readyz: {"status":"ready"|"unavailable","checks":
 * {"store":..,"writes":..,"disk":..}} with each check "ok" or "fail".
 */
int health_answer(enum health_kind k, struct store *st, struct buf *body);

#endif
