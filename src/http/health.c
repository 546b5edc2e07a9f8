/* The /healthz and /readyz probes; see health.h. */
#include "http/health.h"

enum health_kind
health_match(struct str path)
{
	if (str_eq_cstr(path, "/healthz"))
		return HEALTH_LIVE;
	if (str_eq_cstr(path, "/readyz"))
		return HEALTH_READY;
	return HEALTH_NONE;
}

static const char *
ok(int v)
{
	return v ? "ok" : "fail";
}

int
health_answer(enum health_kind k, struct store *st, struct buf *body)
{
	struct store_ready r;
	int ready;

	if (k != HEALTH_READY) {
		buf_append_cstr(body, "{\"status\":\"ok\"}");
		return 200;
	}
	ready = store_ready(st, &r);
	buf_printf(body,
	    "{\"status\":\"%s\",\"checks\":{\"store\":\"%s\","
	    "\"writes\":\"%s\",\"disk\":\"%s\"}}",
	    ready ? "ready" : "unavailable", ok(r.txn_ok), ok(r.writes_ok),
	    ok(r.disk_ok));
	return ready ? 200 : 503;
}
