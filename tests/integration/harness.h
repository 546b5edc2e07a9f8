/*
 * Integration test harness: runs the real scimcred daemon on a free
 * loopback port with a temporary data directory, drives its CLI
 * (tenant add, token create), and talks HTTP/1.1 to it over raw sockets
 * so that tests can send arbitrary bytes (framing attacks included).
 * Every wait is bounded, so a broken server fails a test instead of
 * hanging it. Responses are parsed with our own json_parse.
 *
 * Environment: SCIMCRED_BIN (the daemon, set by make check),
 * SCIMCRED_SCHEMAS (scim-schemas/), SCIMCRED_KEEP=1 keeps temp dirs,
 * SCIMCRED_WRAPPER runs the daemon under a command (words split on
 * spaces, e.g. "valgrind --error-exitcode=99"), with longer waits.
 */
#ifndef INTEGRATION_HARNESS_H
#define INTEGRATION_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <criterion/criterion.h>

#include "json/json.h"
#include "util/arena.h"

#define HARNESS_TIMEOUT_MS 10000 /* one HTTP exchange */
#define HARNESS_TOKEN_MAX 128
#define HARNESS_MAX_HEADERS 64
#define HARNESS_MAX_EXTRA_ARGS 16

#define HARNESS_CRED_URN "urn:hid:scim:api:idp:2.0:Credential"
#define HARNESS_ERROR_URN "urn:ietf:params:scim:api:messages:2.0:Error"
#define HARNESS_LIST_URN "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define HARNESS_SEARCH_URN "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

struct harness_server {
	pid_t pid; /* 0 when not running */
	int port;
	char root[256]; /* mkdtemp directory: data/, stdout, stderr */
	char data[300];
	/* Printed by the first start: tenant "demo", every permission. */
	char admin_token[HARNESS_TOKEN_MAX];
	int idle_timeout; /* --idle-timeout for (re)starts; 0: default */
	/* RLIMIT_NOFILE of the daemon on (re)starts; 0: inherited. Set it
	 * after harness_start (which clears srv), then harness_restart. */
	int nofile;
	/* More `serve` arguments for (re)starts, NULL-terminated (e.g.
	 * "--config", path); borrowed, must outlive the server. */
	const char *extra_args[HARNESS_MAX_EXTRA_ARGS + 1];
	int64_t started_ms; /* when the last start began */
	int64_t ready_ms; /* when it first answered HTTP */
};

struct harness_header {
	char *name;
	char *value;
};

struct harness_resp {
	int status; /* 0 when no complete status line arrived */
	int closed; /* the peer closed before a complete response */
	int timed_out;
	char *raw; /* everything received (malloc) */
	size_t raw_len;
	struct harness_header hdr[HARNESS_MAX_HEADERS];
	size_t nhdr;
	char *body; /* de-chunked body, NUL-terminated (malloc) */
	size_t body_len;
	struct arena *arena; /* for the parsed body */
	struct json_value *json;
	int json_tried;
	size_t head_len; /* bytes of status line and headers, once seen */
};

/* A request for harness_send. Unset fields take sensible defaults. */
struct harness_req {
	const char *method;
	const char *path;
	const char *token; /* "Authorization: Bearer <token>" if set */
	const char *ctype; /* default application/scim+json with a body */
	const char *body; /* NULL: no body */
	size_t body_len; /* 0: strlen(body) */
	const char *headers; /* extra header lines, each ending "\r\n" */
};

/* ---- daemon lifecycle */

/* Makes a temp dir and starts the daemon on an empty data dir, capturing
 * the admin token. 0 on success (failures are reported on stderr). */
int harness_start(struct harness_server *srv);
/* harness_start with more `serve` arguments (NULL-terminated, at most
 * HARNESS_MAX_EXTRA_ARGS, borrowed: they must outlive the server), kept
 * for restarts in srv->extra_args. */
int harness_start_args(struct harness_server *srv, const char *const *args);
/* Starts the daemon again on the same data dir (after stop or kill). */
int harness_restart(struct harness_server *srv);
/* SIGTERM, then waits up to 5 s. Returns the exit status, 128+signal if
 * it died of a signal, or -1 if it had to be killed. */
int harness_stop(struct harness_server *srv);
/* Sends sig (SIGTERM or SIGINT) and waits like harness_stop. */
int harness_signal(struct harness_server *srv, int sig);
/* SIGKILL and reap. */
void harness_kill(struct harness_server *srv);
/* Kills the daemon if still running and removes the temp dir. */
void harness_cleanup(struct harness_server *srv);
/* Prints the tail of the daemon's stderr to our stderr. */
void harness_dump_log(const struct harness_server *srv);
/* Contents of the daemon's stdout so far (malloc, caller frees). */
char *harness_stdout(const struct harness_server *srv);

/* ---- CLI */

/* Runs `scimcred <args...> --data DIR` (args NULL-terminated), with
 * stdout captured into out (trimmed). Returns the exit status, or -1. */
int harness_cli(const struct harness_server *srv, const char *const *args,
    char *out, size_t outlen);
/* `tenant add NAME`; returns the exit status. */
int harness_tenant_add(const struct harness_server *srv, const char *name);
/* `token create --tenant T [--permission P]...` (perms NULL-terminated,
 * or NULL for every permission). The token is written into out; returns
 * the exit status. */
int harness_token_create(const struct harness_server *srv, const char *tenant,
    const char *const *perms, char *out, size_t outlen);

/* ---- HTTP */

/* A TCP connection to 127.0.0.1:port, non-blocking; -1 on failure. */
int harness_connect(int port);
/* Sends len raw bytes on a fresh connection and reads one response. */
int harness_raw(int port, const void *req, size_t len, int timeout_ms,
    struct harness_resp *r);
/* Sends len raw bytes and reads until the server closes; *out (malloc,
 * NUL-terminated) holds everything received. 0 if the server closed
 * before the timeout, -1 otherwise. */
int harness_raw_all(int port, const void *req, size_t len, int timeout_ms,
    char **out, size_t *outlen);
/* Builds an HTTP/1.1 request (Host, Connection: close, Content-Length)
 * from rq and sends it. */
int harness_send(const struct harness_server *srv, const struct harness_req *rq,
    struct harness_resp *r);
int harness_get(const struct harness_server *srv, const char *token,
    const char *path, struct harness_resp *r);
int harness_delete(const struct harness_server *srv, const char *token,
    const char *path, struct harness_resp *r);
int harness_post(const struct harness_server *srv, const char *token,
    const char *path, const char *body, struct harness_resp *r);
int harness_put(const struct harness_server *srv, const char *token,
    const char *path, const char *body, struct harness_resp *r);
void harness_resp_free(struct harness_resp *r);
/* Case-insensitive header lookup; NULL if absent. */
const char *harness_header(const struct harness_resp *r, const char *name);
/* Number of headers called name. */
int harness_header_count(const struct harness_resp *r, const char *name);

/* Percent-encodes s for a query string into out (malloc). */
char *harness_urlencode(const char *s);

/* ---- JSON */

/* The parsed body, or NULL if it is not JSON. Owned by r. */
struct json_value *harness_json(struct harness_resp *r);
/* Walks "a.b.0.c" (numbers index arrays); NULL if absent. */
const struct json_value *harness_jpath(
    const struct json_value *v, const char *path);
/* The string at path, or NULL if absent or not a string. */
const char *harness_jstr(const struct json_value *v, const char *path);
/* 1 and *out if path is an integer, else 0. */
int harness_jint(const struct json_value *v, const char *path, int64_t *out);
/* 1 if path is true, 0 if false, -1 if absent or not a boolean. */
int harness_jbool(const struct json_value *v, const char *path);
/* Number of items of the array at path, or -1. */
long harness_jlen(const struct json_value *v, const char *path);

/* ---- checks (return NULL if fine, else a static description) */

/* status matches and, for bodies, Content-Type is application/scim+json */
const char *harness_check_status(struct harness_resp *r, int status);
/* An RFC 7644 §3.12 error body with this status (as a string) and
 * scimType (NULL: not checked). */
const char *harness_check_error(
    struct harness_resp *r, int status, const char *scim_type);
/* What a rejection of hostile input may look like (never a 5xx, never a
 * hang). */
enum harness_reject {
	HARNESS_REJ_SCIM = 0, /* a 4xx with a SCIM error body */
	HARNESS_REJ_CLOSE = 1, /* ... or a close without an answer */
	/* ... or libevent's own 4xx page followed by Connection: close. Only
	 * for requests libevent 2.1 refuses before our code sees them (a
	 * malformed request line, a header block or Content-Length past
	 * its backstop): 2.1 has no hook to format those (no
	 * evhttp_set_errorcb before 2.2). */
	HARNESS_REJ_LIBEVENT = 2,
};
const char *harness_check_rejected(struct harness_resp *r, int allow);
/* The daemon still answers a normal authenticated request. */
const char *harness_check_alive(const struct harness_server *srv);

#define EXPECT_STATUS(r, st) \
	do { \
		const char *why_ = harness_check_status((r), (st)); \
		cr_assert(why_ == NULL, "%s", why_ != NULL ? why_ : ""); \
	} while (0)
#define EXPECT_ERROR(r, st, type) \
	do { \
		const char *why_ = harness_check_error((r), (st), (type)); \
		cr_assert(why_ == NULL, "%s", why_ != NULL ? why_ : ""); \
	} while (0)
#define EXPECT_REJECTED(r, allow) \
	do { \
		const char *why_ = harness_check_rejected((r), (allow)); \
		cr_assert(why_ == NULL, "%s", why_ != NULL ? why_ : ""); \
	} while (0)
#define EXPECT_ALIVE(srv) \
	do { \
		const char *why_ = harness_check_alive(srv); \
		cr_assert(why_ == NULL, "%s", why_ != NULL ? why_ : ""); \
	} while (0)

/* ---- the common fixture: one daemon per test, tenant demo + admin */

extern struct harness_server harness_fx;
void harness_fx_setup(void);
/* Stops the daemon (if a test has not) and asserts it exited 0: a leak
 * report under ASan, a crash or a hang on SIGTERM fails the test. It
 * runs in the test body, because Criterion ignores failures in .fini. */
void harness_fx_finish(void);
/* Kills anything left and removes the temp dir. */
void harness_fx_teardown(void);

/* A test on the fixture that ends with harness_fx_finish(). */
#define ITEST(suite, name) \
	static void suite##_##name##_body(void); \
	Test(suite, name) \
	{ \
		suite##_##name##_body(); \
		harness_fx_finish(); \
	} \
	static void suite##_##name##_body(void)

/* POSTs a credential body to tenant's /Credential with token; asserts 201
 * and copies the new id into id (at least 128 bytes). */
void harness_create(const struct harness_server *srv, const char *token,
    const char *tenant, const char *body, char *id, size_t idlen);
#define HARNESS_CTYPE_URN \
	"urn:scimcred:params:scim:schemas:core:2.0:CredentialType"
#define HARNESS_USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"

/* POSTs a CredentialType `code` (name = code) with the definitions defs
 * (a JSON array's text, NULL for none) and extra members (text starting
 * with ',', or NULL) to tenant's /CredentialTypes; asserts 201. */
void harness_ctype(const struct harness_server *srv, const char *token,
    const char *tenant, const char *code, const char *defs, const char *extra);
/* POSTs a User with userName (and displayName unless NULL) to tenant's
 * /Users; asserts 201 and copies the new id into id. */
void harness_user(const struct harness_server *srv, const char *token,
    const char *tenant, const char *user_name, const char *display, char *id,
    size_t idlen);

/* Monotonic milliseconds. */
int64_t harness_now_ms(void);

#endif
