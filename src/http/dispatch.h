/*
 * One HTTP request, from evhttp_request to exactly one reply: framing and
 * path checks (request.c), routing (route.c), the token gate, the SCIM
 * handler, and the error table (http_error.c). Also writes the request's
 * access-log line. The order for tenant routes: headers (framing) ->
 * path -> route (404/405) -> token_authorize in one short read
 * transaction (401/404/403) -> body (413/415) and query (400) -> handler.
 */
#ifndef HTTP_DISPATCH_H
#define HTTP_DISPATCH_H

#include <event2/http.h>

#include "scim/scim.h"
#include "store/store.h"

struct ratelimit;
struct authconf;

/* What every request of a worker shares; borrowed. */
struct dispatch_env {
	struct scim *scim;
	struct store *store;
	const char *base_url; /* scim_request.base_url */
	struct ratelimit *ratelimit; /* NULL: no rate limits */
	const struct authconf *auth; /* JWT settings, roles; NULL: none */
};

/* Called with the request just before its reply is handed to evhttp,
 * while req is certainly alive (evhttp may free it inside the send). */
typedef void (*dispatch_before_send)(struct evhttp_request *req, void *arg);

/*
 * Answers req. request_id goes into X-Request-Id, the access log and
 * every line logged while the request is handled, unless the client sent
 * one X-Request-Id of 1..64 bytes of [A-Za-z0-9._:-], which is used
 * instead (so a proxy's id follows the request).
 * closing adds "Connection: close" to the reply (shutdown in progress).
 */
void dispatch_request(const struct dispatch_env *env,
    struct evhttp_request *req, const char *request_id, int closing,
    dispatch_before_send before_send, void *arg);

#endif
