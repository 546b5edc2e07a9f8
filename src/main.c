/*
 * scimcred: the command line. `serve` runs the daemon; `tenant`, `token`
 * and `permissions` administer the same LMDB data directory, also while a
 * server runs on it (LMDB is multi-process; nothing here forks after the
 * environment is open). Exit status: 0 success, 1 failure, 2 usage error.
 *
 * Settings come from built-in defaults, then the --config file, then the
 * command line, later ones winning. The file holds `key = value` lines
 * named like the long options; a line starting with '#' is a comment.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#include "auth/authconf.h"
#include "auth/perm.h"
#include "auth/tenant.h"
#include "auth/token.h"
#include "http/request.h"
#include "http/route.h"
#include "http/server.h"
#include "http/webhook.h"
#include "scim/audit.h"
#include "scim/check.h"
#include "scim/credential_type_seed.h"
#include "scim/cursor.h"
#include "scim/index.h"
#include "scim/ndjson.h"
#include "scim/sched.h"
#include "scim/scim.h"
#include "store/store.h"
#include "store/store_index_check.h"
#include "util/conf.h"
#include "util/date.h"
#include "util/log.h"
#include "util/num.h"
#include "util/secure.h"

#define EXIT_USAGE 2
#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_DATA SCIMCRED_LOCALSTATEDIR "/lib/scimcred"
#define DEFAULT_MAP_MAX ((size_t)16 << 30)
#define INITIAL_MAP ((size_t)64 << 20)
#define DEMO_TENANT "demo"
#define PAGE_SIZE_LIMIT 100000 /* bound on --page-size-* */
#define CURSOR_KEY_FILE "cursor.key"

struct settings {
	char listen[128];
	char metrics_listen[128]; /* "" : no metrics listener */
	char data[PATH_MAX];
	char schemas_dir[PATH_MAX];
	char public_url[320];
	unsigned threads; /* 0: online CPUs */
	enum log_level level;
	int log_json;
	size_t map_max;
	unsigned header_timeout;
	unsigned idle_timeout;
	unsigned page_default; /* count when absent (RFC 7644 §3.4.2.4) */
	unsigned page_max; /* filter.maxResults, pagination.maxPageSize */
	unsigned audit_retention; /* days */
	unsigned rules_interval; /* seconds between scheduled rule runs */
	char tls_cert[PATH_MAX];
	char tls_key[PATH_MAX];
	char tls_client_ca[PATH_MAX];
	/* notification webhook (http/webhook.h) */
	char webhook_url[WEBHOOK_URL_MAX + 1];
	char webhook_secret[WEBHOOK_SECRET_MAX + 1];
	char webhook_ca_file[PATH_MAX];
	struct webhook_config webhook;
	struct ratelimit_config limits;
	struct authconf *auth; /* JWT settings and roles (config file) */
};

static const char usage_main[] =
    "usage: scimcred <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve         run the SCIM server\n"
    "  tenant        add, list or remove tenants\n"
    "  token         create, list or revoke API tokens\n"
    "  permissions   print the routes and the permission each needs\n"
    "  backup        copy the database while the server runs\n"
    "  restore       put a backup in place (the server must be stopped)\n"
    "  check         verify the database's format and consistency\n"
    "  export        write a tenant's resources as NDJSON\n"
    "  import        read resources from NDJSON into a tenant\n"
    "\n"
    "  scimcred --help | --version | <command> --help\n";

static const char usage_serve[] =
    "usage: scimcred serve [options]\n"
    "  --listen ADDR:PORT     address to listen on, [ADDR6]:PORT for IPv6\n"
    "                         (default " DEFAULT_LISTEN ")\n"
    "  --metrics-listen ADDR:PORT  serve Prometheus /metrics (and the\n"
    "                         probes) there, no authentication (default off)\n"
    "  --data DIR             data directory (default " DEFAULT_DATA ")\n"
    "  --threads N            worker threads, 1-64 (default: online CPUs)\n"
    "  --config FILE          read settings from FILE (key = value lines)\n"
    "  --schemas-dir DIR      schema and resource-type JSON directory\n"
    "  --public-url URL       base URL for Location, e.g. https://idm:443\n"
    "  --log-level L          error, warn, info or debug (default info)\n"
    "  --log-format F         text or json (default text)\n"
    "  --map-max BYTES        largest database size, K/M/G/T suffixes\n"
    "                         (default 16G)\n"
    "  --header-timeout SECS  time a client has to send a whole request\n"
    "                         (default 10)\n"
    "  --idle-timeout SECS    read/write inactivity timeout (default 30)\n"
    "  --rules-interval SECS  how often issuance rules apply their PERIODIC\n"
    "                         staged changes, 1-604800 (default 3600)\n"
    "  --page-size-default N  results per page when a list or search has\n"
    "                         no count (default 100)\n"
    "  --page-size-max N      most results per page, advertised as\n"
    "                         filter.maxResults (default 1000, max 100000)\n"
    "  --audit-retention DAYS keep AuditRecords this many days, 1-36500\n"
    "                         (default 90)\n"
    "  --tls-cert FILE        serve HTTPS (TLS 1.2/1.3) with this PEM\n"
    "                         certificate chain; needs --tls-key\n"
    "  --tls-key FILE         the certificate's PEM private key\n"
    "  --tls-client-ca FILE   require client certificates issued by the\n"
    "                         CAs in this PEM bundle (mutual TLS)\n"
    "  --rate-limit R[/B]     requests per second per token, bursts of B\n"
    "                         (default 0: off); over it is 429\n"
    "  --tenant-rate-limit R[/B]  the same per tenant (default 0: off)\n"
    "  --webhook-url URL      POST notification events to this http:// or\n"
    "                         https:// URL (default: none, events wait)\n"
    "  --webhook-secret S     sign webhook bodies with HMAC-SHA256 keyed\n"
    "                         with S (better set in the config file)\n"
    "  --webhook-ca-file FILE verify the webhook's certificate against\n"
    "                         this PEM bundle (default: system store)\n"
    "  --webhook-timeout SECS time for one delivery attempt (default 10)\n"
    "  --webhook-retry-min SECS  first retry delay (default 1); doubles\n"
    "  --webhook-retry-max SECS  longest retry delay (default 3600)\n"
    "  --webhook-max-attempts N  then an event is marked failed\n"
    "                         (default 0: retry for ever)\n"
    "JWT access tokens and roles are configured in the --config file only:\n"
    "  tenant.T.jwt.issuer = ISS   tenant.T.jwt.audience = AUD\n"
    "  tenant.T.jwt.key = ALG KID PEM-FILE   tenant.T.jwt.jwks = FILE\n"
    "  tenant.T.jwt.hs256-secret-file = KID FILE   tenant.T.jwt.leeway = S\n"
    "  tenant.T.jwt.require-tenant-claim = yes|no\n"
    "  role.NAME = PERM...   tenant.T.role.NAME = PERM...\n"
    "(see scimcred(8)).\n";

static const char usage_tenant[] =
    "usage: scimcred tenant add NAME [--data DIR]\n"
    "       scimcred tenant list [--data DIR]\n"
    "       scimcred tenant remove NAME [--data DIR]\n"
    "NAME is 1-63 of a-z, 0-9 and '-'. remove deletes all of the tenant's\n"
    "data and tokens. DIR defaults to " DEFAULT_DATA ".\n";

static const char usage_token[] =
    "usage: scimcred token create --tenant NAME [--permission ID]... "
    "[--role ROLE]...\n"
    "                [--subject USERID] [--config FILE] [--data DIR]\n"
    "       scimcred token list --tenant NAME [--data DIR]\n"
    "       scimcred token revoke --tenant NAME ID [--data DIR]\n"
    "create prints the new token alone on one line; it is not stored and\n"
    "can't be shown again. Without --permission the token gets every\n"
    "permission (see `scimcred permissions`). --role adds a role's\n"
    "permissions (predefined: environmentAdmin, credentialsAdmin,\n"
    "identityDataAdmin, auditor, selfAdmin; others from the --config\n"
    "file's role.* keys) as they are now. --subject names the User the\n"
    "token acts for; selfAdmin needs it. list prints id, creation time,\n"
    "permissions, roles and subject, never secrets.\n";

static const char usage_ndjson[] =
    "usage: scimcred export --tenant NAME [--type TYPE] [--data DIR]\n"
    "                       [--schemas-dir DIR] [FILE]\n"
    "       scimcred import --tenant NAME [--batch N] [--skip N]\n"
    "                       [--data DIR] [--schemas-dir DIR] FILE\n"
    "export writes one resource per line (NDJSON, to FILE or standard\n"
    "output), with ids and meta, in an order import can read back:\n"
    "Populations, Users, Groups, CredentialTypes, Credentials,\n"
    "IssuanceRules. Password hashes are not exported. It runs beside a\n"
    "server (one consistent snapshot).\n"
    "import reads such lines (FILE, or - for standard input) into an\n"
    "existing tenant, N lines per transaction (default 1000), with the\n"
    "same validation as POST, keeping ids and meta. The server must be\n"
    "stopped. A bad line stops the import with its line number: its\n"
    "batch is not written, earlier batches are; the message names the\n"
    "--skip N that resumes after fixing it.\n";

static const char usage_permissions[] =
    "usage: scimcred permissions\n"
    "Prints every route: method, path and the permission it requires.\n";

static int usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "scimcred: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return EXIT_USAGE;
}

/* ------------------------------------------------------------ settings */

static int
parse_uint(const char *v, long long min, long long max, unsigned *out)
{
	int64_t n;

	if (num_parse_range(str_from(v), min, max, &n) != 0)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int
copy_value(char *dst, size_t dstsz, const char *v)
{
	if (v[0] == '\0' || strlen(v) >= dstsz)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* The webhook-* settings (key without the prefix). */
static int
webhook_setting(struct settings *s, const char *key, const char *v)
{
	struct webhook_config *w = &s->webhook;
	int ok;

	if (strcmp(key, "url") == 0)
		ok = webhook_url_ok(v) &&
		    copy_value(s->webhook_url, sizeof(s->webhook_url), v) == 0;
	else if (strcmp(key, "secret") == 0)
		ok = copy_value(
			 s->webhook_secret, sizeof(s->webhook_secret), v) == 0;
	else if (strcmp(key, "ca-file") == 0)
		ok = copy_value(s->webhook_ca_file, sizeof(s->webhook_ca_file),
			 v) == 0;
	else if (strcmp(key, "timeout") == 0)
		ok = parse_uint(v, 1, 600, &w->timeout) == 0;
	else if (strcmp(key, "retry-min") == 0)
		ok = parse_uint(v, 1, 86400, &w->retry_min) == 0;
	else if (strcmp(key, "retry-max") == 0)
		ok = parse_uint(v, 1, 86400, &w->retry_max) == 0;
	else if (strcmp(key, "max-attempts") == 0)
		ok = parse_uint(v, 0, 1000000, &w->max_attempts) == 0;
	else
		return CONF_UNKNOWN_KEY;
	return ok ? CONF_OK : CONF_BAD_VALUE;
}

/*
 * Applies one setting, from the file or the command line. Returns
 * CONF_OK, CONF_UNKNOWN_KEY or CONF_BAD_VALUE.
 */
static int
setting_apply(struct settings *s, const char *key, const char *v)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int ok;

	if (strcmp(key, "listen") == 0)
		ok = http_server_parse_listen(v, &ss, &sl) == 0 &&
		    copy_value(s->listen, sizeof(s->listen), v) == 0;
	else if (strcmp(key, "metrics-listen") == 0)
		ok = http_server_parse_listen(v, &ss, &sl) == 0 &&
		    copy_value(
			s->metrics_listen, sizeof(s->metrics_listen), v) == 0;
	else if (strcmp(key, "data") == 0)
		ok = copy_value(s->data, sizeof(s->data), v) == 0;
	else if (strcmp(key, "schemas-dir") == 0)
		ok = copy_value(s->schemas_dir, sizeof(s->schemas_dir), v) == 0;
	else if (strcmp(key, "public-url") == 0)
		ok = request_base_url_ok(str_from(v)) &&
		    copy_value(s->public_url, sizeof(s->public_url), v) == 0;
	else if (strcmp(key, "threads") == 0)
		ok =
		    parse_uint(v, 1, HTTP_SERVER_MAX_THREADS, &s->threads) == 0;
	else if (strcmp(key, "log-level") == 0)
		ok = log_level_parse(v, &s->level) == 0;
	else if (strcmp(key, "log-format") == 0) {
		ok = strcmp(v, "text") == 0 || strcmp(v, "json") == 0;
		s->log_json = ok ? strcmp(v, "json") == 0 : s->log_json;
	} else if (strcmp(key, "map-max") == 0)
		ok = conf_parse_size(v, (size_t)1 << 20, &s->map_max) == 0;
	else if (strcmp(key, "header-timeout") == 0)
		ok = parse_uint(v, 1, 3600, &s->header_timeout) == 0;
	else if (strcmp(key, "idle-timeout") == 0)
		ok = parse_uint(v, 1, 86400, &s->idle_timeout) == 0;
	else if (strcmp(key, "rules-interval") == 0)
		ok = parse_uint(v, 1, 604800, &s->rules_interval) == 0;
	else if (strcmp(key, "page-size-default") == 0)
		ok = parse_uint(v, 1, PAGE_SIZE_LIMIT, &s->page_default) == 0;
	else if (strcmp(key, "page-size-max") == 0)
		ok = parse_uint(v, 1, PAGE_SIZE_LIMIT, &s->page_max) == 0;
	else if (strcmp(key, "audit-retention") == 0)
		ok = parse_uint(
			 v, 1, AUDIT_RETENTION_MAX, &s->audit_retention) == 0;
	else if (strcmp(key, "tls-cert") == 0)
		ok = copy_value(s->tls_cert, sizeof(s->tls_cert), v) == 0;
	else if (strcmp(key, "tls-key") == 0)
		ok = copy_value(s->tls_key, sizeof(s->tls_key), v) == 0;
	else if (strcmp(key, "rate-limit") == 0)
		ok = ratelimit_parse(v, &s->limits.caller) == 0;
	else if (strcmp(key, "tenant-rate-limit") == 0)
		ok = ratelimit_parse(v, &s->limits.tenant) == 0;
	else if (strcmp(key, "tls-client-ca") == 0)
		ok = copy_value(
			 s->tls_client_ca, sizeof(s->tls_client_ca), v) == 0;
	else if (strncmp(key, "webhook-", 8) == 0)
		return webhook_setting(s, key + 8, v);
	else
		return CONF_UNKNOWN_KEY;
	return ok ? CONF_OK : CONF_BAD_VALUE;
}

static void
settings_default(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->listen, sizeof(s->listen), "%s", DEFAULT_LISTEN);
	snprintf(s->data, sizeof(s->data), "%s", DEFAULT_DATA);
	s->level = LOG_LEVEL_INFO;
	s->map_max = DEFAULT_MAP_MAX;
	s->header_timeout = 10;
	s->idle_timeout = 30;
	s->rules_interval = SCHED_DEFAULT_INTERVAL;
	s->page_default = 0; /* 100, or page_max when that is smaller */
	s->page_max = 1000;
	s->audit_retention = AUDIT_RETENTION_DEFAULT;
}

static int
apply_conf(void *arg, const char *key, const char *value)
{
	struct settings *s = arg;
	int r = setting_apply(s, key, value);

	if (r == CONF_UNKNOWN_KEY && s->auth != NULL)
		r = authconf_set(s->auth, key, value);
	return r;
}

/* "FILE:LINE: bad value ..." plus authentication's reason, if any. */
static void
conf_error(const char *msg, const struct authconf *ac)
{
	const char *why = ac != NULL ? authconf_error(ac) : "";

	fprintf(stderr, "scimcred: %s%s%s\n", msg, why[0] ? ": " : "", why);
}

/* ---------------------------------------------------------------- store */

static struct store *
open_store(const char *dir, size_t map_max)
{
	struct store_opts opts;
	struct store *st = NULL;
	struct scim_err err;

	memset(&opts, 0, sizeof(opts));
	opts.map_max = map_max;
	opts.map_size = map_max < INITIAL_MAP ? map_max : INITIAL_MAP;
	opts.max_readers = 256;
	scim_err_clear(&err);
	if (store_open(dir, &opts, &st, &err) != 0) {
		fprintf(stderr,
		    "scimcred: cannot open the database in %s: %s\n", dir,
		    err.detail[0] ? err.detail : scim_strerror(err.code));
		return NULL;
	}
	return st;
}

static int
report(int rc, const struct scim_err *err)
{
	if (rc == 0)
		return 0;
	fprintf(stderr, "scimcred: %s\n",
	    err->detail[0] != '\0' ? err->detail : scim_strerror(rc));
	return 1;
}

/* ------------------------------------------------------------------ serve */

/* The audit record of a local administration write (scim/audit.h):
 * actor "cli", no permission, in the write's own transaction. */
static int
audit_cli(struct store_txn *txn, struct str tenant, const char *rtype,
    struct str id, const char *action, struct scim_err *err)
{
	struct audit_event ev = {
	    .rtype = str_from(rtype), .id = id, .action = action};

	return audit_append_txn(txn, tenant, date_now_ms(), 0, &ev, err);
}

/* Start-up retention: old AuditRecords go in short transactions. */
static int
prune_audit(struct store *st, const struct settings *s)
{
	struct scim_err err;
	size_t removed = 0;
	int rc;

	scim_err_clear(&err);
	rc = audit_prune(
	    st, date_now_ms(), s->audit_retention, 0, &removed, &err);
	if (rc == 0 && removed > 0)
		log_info("removed %zu audit records older than %u days",
		    removed, s->audit_retention);
	return report(rc, &err);
}

struct first_start {
	struct scim *scim;
	int created;
	char secret[TOKEN_STRLEN + 1];
};

static int
any_tenant(void *arg, struct str name)
{
	return 1;
}

/* On an empty database: tenant "demo" with its starter credential
 * types, and an all-permission token. */
static int
first_start_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct first_start *fs = arg;
	struct perm_set all = perm_set_all();
	struct token_info info;
	int rc;

	fs->created = 0;
	if (store_tenant_each(txn, any_tenant, NULL) != 0)
		return 0;
	rc = tenant_add(txn, STR_LIT(DEMO_TENANT), err);
	if (rc == 0)
		rc = credential_type_seed_demo(
		    fs->scim, txn, STR_LIT(DEMO_TENANT), err);
	if (rc == 0)
		rc = token_create(
		    txn, STR_LIT(DEMO_TENANT), &all, fs->secret, &info, err);
	if (rc == 0)
		rc = audit_cli(txn, STR_LIT(DEMO_TENANT), "Tenant",
		    STR_LIT(DEMO_TENANT), "create", err);
	if (rc == 0)
		rc = audit_cli(txn, STR_LIT(DEMO_TENANT), "Token",
		    str_from(info.id), "create", err);
	if (rc == 0)
		fs->created = 1;
	return rc;
}

static int
first_start(struct store *st, struct scim *scim, const struct settings *s)
{
	struct first_start fs;
	struct scim_err err;
	int rc;

	memset(&fs, 0, sizeof(fs));
	fs.scim = scim;
	scim_err_clear(&err);
	rc = store_write(st, first_start_fn, &fs, &err);
	if (rc == 0 && fs.created) {
		printf(
		    "scimcred: created tenant \"%s\"\n"
		    "scimcred: admin token for tenant %s (shown once, keep "
		    "it):\n%s\n"
		    "scimcred: try: curl -H \"Authorization: Bearer $TOKEN\" "
		    "%s%s/scim/%s/v2/ServiceProviderConfig\n",
		    DEMO_TENANT, DEMO_TENANT, fs.secret,
		    s->public_url[0]	 ? ""
			: s->tls_cert[0] ? "https://"
					 : "http://",
		    s->public_url[0] ? s->public_url : s->listen, DEMO_TENANT);
		fflush(stdout);
	}
	secure_wipe(fs.secret, sizeof(fs.secret));
	return report(rc, &err);
}

/* --schemas-dir, else the installed directory, else next to the binary. */
static void
find_schemas(struct settings *s)
{
	char exe[PATH_MAX], *slash;
	struct stat sb;
	ssize_t n;

	if (s->schemas_dir[0] != '\0')
		return;
	if (stat(SCIMCRED_SCHEMAS_DIR, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(s->schemas_dir, sizeof(s->schemas_dir), "%s",
		    SCIMCRED_SCHEMAS_DIR);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(s->schemas_dir, sizeof(s->schemas_dir),
			    "%.*s/scim-schemas",
			    (int)(sizeof(s->schemas_dir) - 14), exe);
			return;
		}
	}
	snprintf(
	    s->schemas_dir, sizeof(s->schemas_dir), "%s", SCIMCRED_SCHEMAS_DIR);
}

static int
make_data_dir(const char *dir)
{
	struct stat sb;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "scimcred: cannot create %s: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "scimcred: %s is not a directory\n", dir);
		return -1;
	}
	return 0;
}

/* The RFC 9865 cursor key, DIR/cursor.key, made at the first start:
 * cursors then survive restarts and are valid on every server that
 * shares the data directory. */
static int
load_cursor_key(const char *dir, struct scim_config *sc)
{
	char path[PATH_MAX + 16];
	struct scim_err err;

	scim_err_clear(&err);
	snprintf(path, sizeof(path), "%s/%s", dir, CURSOR_KEY_FILE);
	if (cursor_key_load(path, sc->cursor_key, &err) != 0) {
		fprintf(stderr, "scimcred: cursor key: %s\n", err.detail);
		return -1;
	}
	sc->has_cursor_key = 1;
	return 0;
}

/* The data directory's lock (store.h): held shared while serving, so
 * `scimcred restore` refuses to swap the database under a server. */
static int
lock_data(const char *dir, int *fd)
{
	struct scim_err err;

	scim_err_clear(&err);
	if (store_lock_serve(dir, fd, &err) != 0) {
		fprintf(stderr, "scimcred: %s\n", err.detail);
		return -1;
	}
	return 0;
}

static int
serve(struct settings *s)
{
	struct http_server_config hc;
	struct scim_config sc;
	struct scim *scim = NULL;
	struct store *st = NULL;
	struct webhook *wh = NULL;
	struct sched *rules = NULL;
	struct scim_err err;
	char msg[256];
	int rc = 1, lockfd = -1;

	log_init(s->level, s->log_json);
	find_schemas(s);
	if (make_data_dir(s->data) != 0 || lock_data(s->data, &lockfd) != 0)
		return 1;
	st = open_store(s->data, s->map_max);
	if (st == NULL) {
		close(lockfd);
		return 1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.schemas_dir = s->schemas_dir;
	sc.default_count = s->page_default;
	if (sc.default_count == 0)
		sc.default_count = s->page_max < 100 ? s->page_max : 100;
	sc.max_count = s->page_max;
	sc.compat_bool_strings = 1;
	if (s->page_default > s->page_max) {
		fprintf(stderr,
		    "scimcred: page-size-default (%u) is larger "
		    "than page-size-max (%u)\n",
		    s->page_default, s->page_max);
		goto out;
	}
	if (load_cursor_key(s->data, &sc) != 0)
		goto out;
	sc.audit_retention_days = s->audit_retention;
	scim_err_clear(&err);
	if (scim_new(st, &sc, &scim, &err) != 0) {
		fprintf(stderr, "scimcred: schemas in %s: %s\n", s->schemas_dir,
		    err.detail);
		goto out;
	}
	if (first_start(st, scim, s) != 0 || prune_audit(st, s) != 0)
		goto out;
	memset(&hc, 0, sizeof(hc));
	hc.listen = s->listen;
	hc.public_url = s->public_url[0] ? s->public_url : NULL;
	hc.threads = s->threads;
	hc.header_timeout = s->header_timeout;
	hc.idle_timeout = s->idle_timeout;
	if ((s->tls_cert[0] != '\0') != (s->tls_key[0] != '\0') ||
	    (s->tls_client_ca[0] != '\0' && s->tls_cert[0] == '\0')) {
		fprintf(stderr,
		    "scimcred: TLS needs both --tls-cert and "
		    "--tls-key (and --tls-client-ca only with "
		    "them)\n");
		goto out;
	}
	hc.tls_cert = s->tls_cert[0] ? s->tls_cert : NULL;
	hc.tls_key = s->tls_key[0] ? s->tls_key : NULL;
	hc.tls_client_ca = s->tls_client_ca[0] ? s->tls_client_ca : NULL;
	hc.limits = s->limits;
	hc.metrics_listen = s->metrics_listen[0] ? s->metrics_listen : NULL;
	hc.auth = s->auth;
	if (hc.public_url == NULL &&
	    (strncmp(s->listen, "0.0.0.0:", 8) == 0 ||
		strncmp(s->listen, "[::]:", 5) == 0))
		log_warn("listening on a wildcard address without --public-url:"
			 " Location headers will name %s",
		    s->listen);
	if (s->webhook_url[0] != '\0') {
		s->webhook.url = s->webhook_url;
		s->webhook.secret =
		    s->webhook_secret[0] ? s->webhook_secret : NULL;
		s->webhook.ca_file =
		    s->webhook_ca_file[0] ? s->webhook_ca_file : NULL;
		wh = webhook_start(&s->webhook, st, msg, sizeof(msg));
		if (wh == NULL) {
			fprintf(stderr, "scimcred: webhook: %s\n", msg);
			goto out;
		}
	}
	/* One issuance-rule scheduler, however many workers (sched.h). */
	if (sched_start(scim, s->rules_interval, &rules) != 0)
		goto out;
	if (http_server_run(&hc, scim, st) == 0)
		rc = 0;
out:
	sched_stop(rules);
	webhook_stop(wh);
	secure_wipe(s->webhook_secret, sizeof(s->webhook_secret));
	secure_wipe(sc.cursor_key, sizeof(sc.cursor_key));
	scim_free(scim);
	store_close(st);
	close(lockfd);
	return rc;
}

enum opt_id {
	OPT_HELP = 'h',
	OPT_LISTEN = 256,
	OPT_METRICS_LISTEN,
	OPT_DATA,
	OPT_THREADS,
	OPT_CONFIG,
	OPT_SCHEMAS,
	OPT_PUBLIC_URL,
	OPT_LOG_LEVEL,
	OPT_LOG_FORMAT,
	OPT_MAP_MAX,
	OPT_HEADER_TIMEOUT,
	OPT_IDLE_TIMEOUT,
	OPT_RULES_INTERVAL,
	OPT_PAGE_SIZE_DEFAULT,
	OPT_PAGE_SIZE_MAX,
	OPT_AUDIT_RETENTION,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_TLS_CLIENT_CA,
	OPT_RATE_LIMIT,
	OPT_TENANT_RATE_LIMIT,
	OPT_WEBHOOK_URL,
	OPT_WEBHOOK_SECRET,
	OPT_WEBHOOK_CA_FILE,
	OPT_WEBHOOK_TIMEOUT,
	OPT_WEBHOOK_RETRY_MIN,
	OPT_WEBHOOK_RETRY_MAX,
	OPT_WEBHOOK_MAX_ATTEMPTS,
	OPT_TENANT,
	OPT_PERMISSION,
	OPT_ROLE,
	OPT_SUBJECT,
	OPT_NDJSON_TYPE,
	OPT_NDJSON_BATCH,
	OPT_NDJSON_SKIP,
};

static const struct option serve_options[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"metrics-listen", required_argument, NULL, OPT_METRICS_LISTEN},
    {"data", required_argument, NULL, OPT_DATA},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"schemas-dir", required_argument, NULL, OPT_SCHEMAS},
    {"public-url", required_argument, NULL, OPT_PUBLIC_URL},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
    {"map-max", required_argument, NULL, OPT_MAP_MAX},
    {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
    {"rules-interval", required_argument, NULL, OPT_RULES_INTERVAL},
    {"page-size-default", required_argument, NULL, OPT_PAGE_SIZE_DEFAULT},
    {"page-size-max", required_argument, NULL, OPT_PAGE_SIZE_MAX},
    {"audit-retention", required_argument, NULL, OPT_AUDIT_RETENTION},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"tls-client-ca", required_argument, NULL, OPT_TLS_CLIENT_CA},
    {"rate-limit", required_argument, NULL, OPT_RATE_LIMIT},
    {"tenant-rate-limit", required_argument, NULL, OPT_TENANT_RATE_LIMIT},
    {"webhook-url", required_argument, NULL, OPT_WEBHOOK_URL},
    {"webhook-secret", required_argument, NULL, OPT_WEBHOOK_SECRET},
    {"webhook-ca-file", required_argument, NULL, OPT_WEBHOOK_CA_FILE},
    {"webhook-timeout", required_argument, NULL, OPT_WEBHOOK_TIMEOUT},
    {"webhook-retry-min", required_argument, NULL, OPT_WEBHOOK_RETRY_MIN},
    {"webhook-retry-max", required_argument, NULL, OPT_WEBHOOK_RETRY_MAX},
    {"webhook-max-attempts", required_argument, NULL, OPT_WEBHOOK_MAX_ATTEMPTS},
    {NULL, 0, NULL, 0},
};

static const char *
option_name(const struct option *opts, int id)
{
	for (; opts->name != NULL; opts++)
		if (opts->val == id)
			return opts->name;
	return "?";
}

static int
cmd_serve(int argc, char **argv)
{
	struct settings s;
	const char *config = NULL;
	char msg[PATH_MAX + 128];
	int c, i, nset = 0, r;
	struct {
		int id;
		const char *value;
	} set[64];

	settings_default(&s);
	opterr = 0;
	optind = 1;
	/* Collect first: the file is applied before the flags, which win. */
	while ((c = getopt_long(argc, argv, ":h", serve_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_serve, stdout);
			return 0;
		}
		if (c == ':')
			return usage_error(
			    usage_serve, "%s needs a value", argv[optind - 1]);
		if (c == '?')
			return usage_error(
			    usage_serve, "bad option \"%s\"", argv[optind - 1]);
		if (c == OPT_CONFIG)
			config = optarg;
		else if (nset < 64)
			set[nset].id = c, set[nset++].value = optarg;
		else
			return usage_error(
			    usage_serve, "%s", "too many options");
	}
	if (optind < argc)
		return usage_error(
		    usage_serve, "unexpected argument \"%s\"", argv[optind]);
	/* A bad authentication setting stops start-up (promise 6). */
	s.auth = authconf_new();
	if (config != NULL &&
	    conf_load(config, apply_conf, &s, msg, sizeof(msg)) != 0) {
		conf_error(msg, s.auth);
		authconf_free(s.auth);
		return 1;
	}
	if (authconf_finish(s.auth) != 0) {
		fprintf(stderr, "scimcred: %s: %s\n", config,
		    authconf_error(s.auth));
		authconf_free(s.auth);
		return 1;
	}
	for (i = 0; i < nset; i++) {
		const char *name = option_name(serve_options, set[i].id);
		r = setting_apply(&s, name, set[i].value);
		if (r != 0) {
			authconf_free(s.auth);
			return usage_error(
			    usage_serve, "bad value for --%s", name);
		}
	}
	r = serve(&s);
	authconf_free(s.auth);
	return r;
}

/* -------------------------------------------------------- administration */

struct admin_args {
	const char *data;
	const char *tenant;
	enum perm perms[PERM_COUNT];
	size_t nperms;
	const char *roles[16]; /* token create --role */
	size_t nroles;
	const char *subject; /* token create --subject */
	const char *config; /* token create --config: custom roles */
	char *const *pos; /* positional arguments */
	int npos;
};

static const struct option admin_options[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {"data", required_argument, NULL, OPT_DATA},
    {"tenant", required_argument, NULL, OPT_TENANT},
    {"permission", required_argument, NULL, OPT_PERMISSION},
    {"role", required_argument, NULL, OPT_ROLE},
    {"subject", required_argument, NULL, OPT_SUBJECT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {NULL, 0, NULL, 0},
};

/* Parses admin options; returns -1 to continue, else an exit status. */
static int
admin_parse(int argc, char **argv, const char *usage, int want_tenant,
    int want_perm, struct admin_args *a)
{
	enum perm p;
	size_t i;
	int c;

	memset(a, 0, sizeof(*a));
	a->data = DEFAULT_DATA;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", admin_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage, stdout);
			return 0;
		} else if (c == OPT_DATA) {
			a->data = optarg;
		} else if (c == OPT_TENANT && want_tenant) {
			a->tenant = optarg;
		} else if (c == OPT_PERMISSION && want_perm) {
			if (perm_lookup(str_from(optarg), &p) != 0)
				return usage_error(
				    usage, "unknown permission \"%s\"", optarg);
			for (i = 0; i < a->nperms && a->perms[i] != p; i++)
				;
			if (i == a->nperms)
				a->perms[a->nperms++] = p;
		} else if (c == OPT_ROLE && want_perm) {
			if (a->nroles == sizeof(a->roles) / sizeof(a->roles[0]))
				return usage_error(
				    usage, "%s", "too many roles");
			a->roles[a->nroles++] = optarg;
		} else if (c == OPT_SUBJECT && want_perm) {
			a->subject = optarg;
		} else if (c == OPT_CONFIG && want_perm) {
			a->config = optarg;
		} else if (c == ':') {
			return usage_error(
			    usage, "%s needs a value", argv[optind - 1]);
		} else {
			return usage_error(
			    usage, "bad option \"%s\"", argv[optind - 1]);
		}
	}
	if (want_tenant && a->tenant == NULL)
		return usage_error(usage, "%s", "--tenant is required");
	a->pos = argv + optind;
	a->npos = argc - optind;
	return -1;
}

static int
print_tenant(void *arg, struct str name)
{
	printf("%.*s\n", STR_FMT(name));
	return 0;
}

struct tenant_op {
	int add;
	struct str name;
};

static int
tenant_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct tenant_op *op = arg;
	int rc;

	if (!op->add)
		return tenant_remove(txn, op->name, err);
	rc = tenant_add(txn, op->name, err);
	if (rc == 0)
		rc =
		    audit_cli(txn, op->name, "Tenant", op->name, "create", err);
	return rc;
}

static int
cmd_tenant(int argc, char **argv)
{
	struct admin_args a;
	struct tenant_op op;
	struct store_txn *txn = NULL;
	struct store *st;
	struct scim_err err;
	const char *sub = argc > 1 ? argv[1] : "";
	int rc, list = strcmp(sub, "list") == 0;

	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(usage_tenant, stdout);
		return 0;
	}
	if (!list && strcmp(sub, "add") != 0 && strcmp(sub, "remove") != 0)
		return usage_error(
		    usage_tenant, "unknown tenant command \"%s\"", sub);
	rc = admin_parse(argc - 1, argv + 1, usage_tenant, 0, 0, &a);
	if (rc >= 0)
		return rc;
	if (a.npos != (list ? 0 : 1))
		return usage_error(usage_tenant, "%s",
		    list ? "list takes no NAME" : "expected one NAME");
	st = open_store(a.data, DEFAULT_MAP_MAX);
	if (st == NULL)
		return 1;
	scim_err_clear(&err);
	if (list) {
		rc = store_read_begin(st, &txn, &err);
		if (rc == 0)
			rc = store_tenant_each(txn, print_tenant, NULL);
		store_read_end(txn);
	} else {
		op.add = strcmp(sub, "add") == 0;
		op.name = str_from(a.pos[0]);
		rc = store_write(st, tenant_fn, &op, &err);
		/* The tenant's trail went with it: the removal is logged. */
		if (rc == 0 && !op.add)
			audit_log_tenant_removed(op.name);
	}
	store_close(st);
	return report(rc, &err);
}

struct token_op {
	const struct admin_args *a;
	int revoke;
	struct token_grant grant;
	char roles[TOKEN_ROLES_MAX + 1];
	char secret[TOKEN_STRLEN + 1];
};

static int
token_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct token_op *op = arg;
	struct token_info info;
	struct str tenant = str_from(op->a->tenant);
	int rc;

	if (op->revoke) {
		rc = token_revoke(txn, tenant, str_from(op->a->pos[0]), err);
		if (rc == 0)
			rc = audit_cli(txn, tenant, "Token",
			    str_from(op->a->pos[0]), "revoke", err);
		return rc;
	}
	rc =
	    token_create_grant(txn, tenant, &op->grant, op->secret, &info, err);
	if (rc == 0)
		rc = audit_cli(
		    txn, tenant, "Token", str_from(info.id), "create", err);
	return rc;
}

static int
print_token(void *arg, const struct token_info *t)
{
	char created[DATE_BUFSZ];
	const char *sep = "";
	int p;

	date_format(t->created_ms, created);
	printf("%s\t%s\t", t->id, created);
	for (p = 0; p < PERM_COUNT; p++) {
		if (perm_set_has(&t->perms, (enum perm)p)) {
			printf("%s%s", sep, perm_name((enum perm)p));
			sep = ",";
		}
	}
	if (t->roles[0] != '\0' || t->subject[0] != '\0')
		printf("\troles=%s\tsubject=%s", t->roles, t->subject);
	printf("\n");
	return 0;
}

/* token create --config: only the role keys matter (and must be right). */
static int
role_conf(void *arg, const char *key, const char *value)
{
	if (strncmp(key, "role.", 5) != 0 &&
	    (strncmp(key, "tenant.", 7) != 0 || strstr(key, ".role.") == NULL))
		return CONF_OK;
	return authconf_set(arg, key, value);
}

/* The grant of token create: --permission IDs plus --role sets (every
 * permission when neither is given). -1 to go on, or an exit status. */
static int
token_grant_from(const struct admin_args *a, struct token_op *op)
{
	const struct role *r;
	struct authconf *ac = authconf_new();
	char msg[PATH_MAX + 128];
	size_t i, n = 0;
	int rc = 1;

	if (a->config != NULL &&
	    conf_load(a->config, role_conf, ac, msg, sizeof(msg)) != 0) {
		conf_error(msg, ac);
		goto out;
	}
	op->grant.perms = perm_set_all();
	if (a->nperms + a->nroles > 0)
		op->grant.perms.bits = 0;
	for (i = 0; i < a->nperms; i++)
		perm_set_add(&op->grant.perms, a->perms[i]);
	for (i = 0; i < a->nroles; i++) {
		r = role_table_find(authconf_roles(ac, str_from(a->tenant)),
		    str_from(a->roles[i]));
		if (r == NULL || n + strlen(r->name) + 1 > TOKEN_ROLES_MAX) {
			rc = usage_error(
			    usage_token, "unknown role \"%s\"", a->roles[i]);
			goto out;
		}
		op->grant.perms.bits |= r->perms.bits;
		op->grant.self_admin |= r->self_admin;
		n += (size_t)snprintf(op->roles + n, sizeof(op->roles) - n,
		    "%s%s", n ? " " : "", r->name);
	}
	op->grant.roles = str_make(op->roles, n);
	op->grant.subject = str_from(a->subject);
	rc = -1;
out:
	authconf_free(ac);
	return rc;
}

static int
token_list(struct store *st, const char *tenant, struct scim_err *err)
{
	struct store_txn *txn = NULL;
	int rc;

	rc = store_read_begin(st, &txn, err);
	if (rc != 0)
		return rc;
	if (!store_tenant_exists(txn, str_from(tenant)))
		rc = scim_err_set(
		    err, SCIM_E_NOT_FOUND, "no tenant \"%s\"", tenant);
	else
		rc = token_each(txn, str_from(tenant), print_token, NULL);
	store_read_end(txn);
	return rc;
}

static int
cmd_token(int argc, char **argv)
{
	struct admin_args a;
	struct token_op op;
	struct store *st;
	struct scim_err err;
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(usage_token, stdout);
		return 0;
	}
	if (strcmp(sub, "create") != 0 && strcmp(sub, "list") != 0 &&
	    strcmp(sub, "revoke") != 0)
		return usage_error(
		    usage_token, "unknown token command \"%s\"", sub);
	rc = admin_parse(
	    argc - 1, argv + 1, usage_token, 1, strcmp(sub, "create") == 0, &a);
	if (rc >= 0)
		return rc;
	if (a.npos != (strcmp(sub, "revoke") == 0 ? 1 : 0))
		return usage_error(usage_token, "%s",
		    strcmp(sub, "revoke") == 0 ? "revoke needs one token ID"
					       : "unexpected argument");
	st = open_store(a.data, DEFAULT_MAP_MAX);
	if (st == NULL)
		return 1;
	scim_err_clear(&err);
	memset(&op, 0, sizeof(op));
	op.a = &a;
	op.revoke = strcmp(sub, "revoke") == 0;
	if (strcmp(sub, "create") == 0 &&
	    (rc = token_grant_from(&a, &op)) >= 0) {
		store_close(st);
		return rc;
	}
	if (strcmp(sub, "list") == 0)
		rc = token_list(st, a.tenant, &err);
	else
		rc = store_write(st, token_fn, &op, &err);
	if (rc == 0 && strcmp(sub, "create") == 0) {
		printf("%s\n", op.secret);
		fflush(stdout);
	}
	secure_wipe(op.secret, sizeof(op.secret));
	store_close(st);
	return report(rc, &err);
}

static int
cmd_permissions(int argc, char **argv)
{
	if (argc > 1 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_permissions, stdout);
		return 0;
	}
	if (argc > 1)
		return usage_error(
		    usage_permissions, "unexpected argument \"%s\"", argv[1]);
	route_print(stdout);
	return 0;
}

/* ------------------------------------------------------------ operations */

static const char usage_ops[] =
    "usage: scimcred backup [--data DIR] OUTDIR\n"
    "       scimcred restore [--data DIR] BACKUPDIR\n"
    "       scimcred check [--data DIR] [--schemas-dir DIR]\n"
    "backup writes a consistent, compacted copy of the database to\n"
    "OUTDIR/data.mdb while the server runs; OUTDIR must not hold one yet.\n"
    "restore puts the backup in BACKUPDIR in place of DIR's database\n"
    "(kept as data.mdb.before-restore); it refuses while a server or any\n"
    "other scimcred process uses DIR. check verifies the format version\n"
    "and that every key names an existing record and every record holds\n"
    "its keys; it prints what it finds and exits 1 on any problem.\n"
    "DIR defaults to " DEFAULT_DATA ".\n";

static const struct option ops_options[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {"data", required_argument, NULL, OPT_DATA},
    {"schemas-dir", required_argument, NULL, OPT_SCHEMAS},
    {NULL, 0, NULL, 0},
};

static void
print_finding(void *arg, const char *what, const char *msg)
{
	if (what != NULL)
		printf("problem: %s: %s\n", what, msg);
	else
		printf("%s\n", msg);
}

/* Both checks of `scimcred check`; 0 clean, 1 problems or failure. */
static int
run_check(struct settings *s)
{
	struct scim_config sc;
	struct scim *scim = NULL;
	struct store *st;
	struct scim_err err;
	size_t n1 = 0, n2 = 0, n3 = 0;
	int rc;

	find_schemas(s);
	st = open_store(s->data, DEFAULT_MAP_MAX);
	if (st == NULL)
		return 1;
	scim_err_clear(&err);
	rc = store_check(st, print_finding, NULL, &n1, &err);
	memset(&sc, 0, sizeof(sc));
	sc.schemas_dir = s->schemas_dir;
	sc.default_count = 100;
	sc.max_count = 1000;
	/* Attaching the indexer may rebuild the indexes: check only reads,
	 * and judges the entries as they are. */
	sc.indexes_detached = 1;
	if (rc == 0)
		rc = scim_new(st, &sc, &scim, &err);
	if (rc == 0)
		rc = check_records(scim, print_finding, NULL, &n2, &err);
	if (rc == 0)
		rc =
		    store_index_check(st, index_set_indexer(scim_indexes(scim)),
			print_finding, NULL, &n3, &err);
	if (rc == 0)
		printf("%zu problems\n", n1 + n2 + n3);
	fflush(stdout);
	scim_free(scim);
	store_close(st);
	return report(rc, &err) != 0 || n1 + n2 + n3 > 0;
}

static int
cmd_ops(int argc, char **argv)
{
	struct settings s;
	struct store *st;
	struct scim_err err;
	char path[PATH_MAX + 16];
	const char *cmd = argv[0];
	int c, rc, want = strcmp(cmd, "check") == 0 ? 0 : 1;

	settings_default(&s);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", ops_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_ops, stdout);
			return 0;
		}
		if (c == ':' || c == '?' ||
		    setting_apply(&s, option_name(ops_options, c), optarg) != 0)
			return usage_error(
			    usage_ops, "bad option \"%s\"", argv[optind - 1]);
	}
	if (argc - optind != want)
		return usage_error(usage_ops, "%s",
		    want ? "expected one directory" : "unexpected argument");
	scim_err_clear(&err);
	if (strcmp(cmd, "restore") == 0)
		return report(store_restore(s.data, argv[optind], &err), &err);
	/* Never create a store here: a missing one is an operator error. */
	snprintf(path, sizeof(path), "%s/data.mdb", s.data);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "scimcred: no database in %s\n", s.data);
		return 1;
	}
	if (strcmp(cmd, "check") == 0)
		return run_check(&s);
	st = open_store(s.data, DEFAULT_MAP_MAX);
	if (st == NULL)
		return 1;
	rc = store_backup(st, argv[optind], &err);
	store_close(st);
	if (rc == 0)
		printf("backup written to %s/data.mdb\n", argv[optind]);
	return report(rc, &err);
}

/* ---------------------------------------------------- import / export */

struct ndjson_args {
	struct settings s;
	const char *tenant, *type, *file;
	unsigned batch, skip;
};

static const struct option ndjson_options[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {"data", required_argument, NULL, OPT_DATA},
    {"tenant", required_argument, NULL, OPT_TENANT},
    {"schemas-dir", required_argument, NULL, OPT_SCHEMAS},
    {"type", required_argument, NULL, OPT_NDJSON_TYPE},
    {"batch", required_argument, NULL, OPT_NDJSON_BATCH},
    {"skip", required_argument, NULL, OPT_NDJSON_SKIP},
    {NULL, 0, NULL, 0},
};

/* Returns -1 to go on, else an exit status. */
static int
ndjson_parse(int argc, char **argv, int import, struct ndjson_args *a)
{
	int c, ok = 1;

	memset(a, 0, sizeof(*a));
	settings_default(&a->s);
	opterr = 0;
	optind = 1;
	while (ok &&
	    (c = getopt_long(argc, argv, ":h", ndjson_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_ndjson, stdout);
			return 0;
		} else if (c == OPT_DATA || c == OPT_SCHEMAS) {
			ok = setting_apply(&a->s,
				 c == OPT_DATA ? "data" : "schemas-dir",
				 optarg) == CONF_OK;
		} else if (c == OPT_TENANT) {
			a->tenant = optarg;
		} else if (c == OPT_NDJSON_TYPE && !import) {
			a->type = optarg;
		} else if (c == OPT_NDJSON_BATCH && import) {
			ok = parse_uint(optarg, 1, 1000000, &a->batch) == 0;
		} else if (c == OPT_NDJSON_SKIP && import) {
			ok = parse_uint(optarg, 0, UINT32_MAX, &a->skip) == 0;
		} else {
			return usage_error(usage_ndjson, "bad option \"%s\"",
			    argv[optind - 1]);
		}
	}
	if (!ok)
		return usage_error(
		    usage_ndjson, "bad value for %s", argv[optind - 1]);
	if (a->tenant == NULL)
		return usage_error(usage_ndjson, "%s", "--tenant is required");
	if (argc - optind > 1 || (import && argc - optind != 1))
		return usage_error(usage_ndjson, "%s",
		    import ? "expected one FILE" : "at most one FILE");
	a->file = optind < argc ? argv[optind] : NULL;
	return -1;
}

static int
ndjson_run(struct ndjson_args *a, int import, struct store *st)
{
	struct ndjson_import_opts o = {.batch = a->batch, .skip = a->skip};
	struct ndjson_import_stats stats;
	struct scim_config sc = {
	    .schemas_dir = a->s.schemas_dir, .compat_bool_strings = 1};
	struct scim *scim = NULL;
	struct scim_err err;
	struct stat sb;
	FILE *f = NULL;
	int rc;

	scim_err_clear(&err);
	rc = scim_new(st, &sc, &scim, &err);
	if (rc == 0 && a->file != NULL && strcmp(a->file, "-") != 0) {
		f = fopen(a->file, import ? "r" : "w");
		if (f == NULL)
			rc = scim_err_set(&err, SCIM_E_INTERNAL, "%s: %s",
			    a->file, strerror(errno));
	}
	if (rc == 0 && !import) {
		rc = ndjson_export(scim, str_from(a->tenant), a->type,
		    f != NULL ? f : stdout, &err);
	} else if (rc == 0) {
		o.size =
		    f != NULL && fstat(fileno(f), &sb) == 0 ? sb.st_size : -1;
		o.progress = isatty(STDERR_FILENO) ? stderr : NULL;
		rc = ndjson_import(scim, str_from(a->tenant),
		    f != NULL ? f : stdin, &o, &stats, &err);
		if (rc == 0 || stats.imported > 0)
			fprintf(stderr, "scimcred: imported %zu resources\n",
			    stats.imported);
	}
	if (f != NULL && fclose(f) != 0 && rc == 0)
		rc = scim_err_set(
		    &err, SCIM_E_INTERNAL, "%s: %s", a->file, strerror(errno));
	scim_free(scim);
	return report(rc, &err);
}

static int
cmd_ndjson(int argc, char **argv, int import)
{
	struct ndjson_args a;
	struct store *st;
	struct scim_err err;
	int rc, lockfd = -1;

	scim_err_clear(&err);
	rc = ndjson_parse(argc, argv, import, &a);
	if (rc >= 0)
		return rc;
	find_schemas(&a.s);
	/* Import writes in large transactions: with the data directory's
	 * lock held exclusively it refuses beside a running server. */
	if (import &&
	    report(store_lock_exclusive(a.s.data, &lockfd, &err), &err) != 0)
		return 1;
	st = open_store(a.s.data, a.s.map_max);
	rc = st != NULL ? ndjson_run(&a, import, st) : 1;
	store_close(st);
	if (lockfd >= 0)
		close(lockfd);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	log_init(LOG_LEVEL_WARN, 0);
	if (cmd == NULL)
		return usage_error(usage_main, "%s", "no command given");
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("scimcred %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "tenant") == 0)
		return cmd_tenant(argc - 1, argv + 1);
	if (strcmp(cmd, "token") == 0)
		return cmd_token(argc - 1, argv + 1);
	if (strcmp(cmd, "permissions") == 0)
		return cmd_permissions(argc - 1, argv + 1);
	if (strcmp(cmd, "export") == 0 || strcmp(cmd, "import") == 0)
		return cmd_ndjson(
		    argc - 1, argv + 1, strcmp(cmd, "import") == 0);
	if (strcmp(cmd, "backup") == 0 || strcmp(cmd, "restore") == 0 ||
	    strcmp(cmd, "check") == 0)
		return cmd_ops(argc - 1, argv + 1);
	return usage_error(usage_main, "unknown command \"%s\"", cmd);
}
