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
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#include "auth/perm.h"
#include "auth/tenant.h"
#include "auth/token.h"
#include "http/request.h"
#include "http/route.h"
#include "http/server.h"
#include "scim/credential_type_seed.h"
#include "scim/scim.h"
#include "store/store.h"
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

struct settings {
	char listen[128];
	char data[PATH_MAX];
	char schemas_dir[PATH_MAX];
	char public_url[320];
	unsigned threads; /* 0: online CPUs */
	enum log_level level;
	int log_json;
	size_t map_max;
	unsigned header_timeout;
	unsigned idle_timeout;
	char tls_cert[PATH_MAX];
	char tls_key[PATH_MAX];
	char tls_client_ca[PATH_MAX];
	struct ratelimit_config limits;
};

static const char usage_main[] =
    "usage: scimcred <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve         run the SCIM server\n"
    "  tenant        add, list or remove tenants\n"
    "  token         create, list or revoke API tokens\n"
    "  permissions   print the routes and the permission each needs\n"
    "\n"
    "  scimcred --help | --version | <command> --help\n";

static const char usage_serve[] =
    "usage: scimcred serve [options]\n"
    "  --listen ADDR:PORT     address to listen on, [ADDR6]:PORT for IPv6\n"
    "                         (default " DEFAULT_LISTEN ")\n"
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
    "  --tls-cert FILE        serve HTTPS (TLS 1.2/1.3) with this PEM\n"
    "                         certificate chain; needs --tls-key\n"
    "  --tls-key FILE         the certificate's PEM private key\n"
    "  --tls-client-ca FILE   require client certificates issued by the\n"
    "                         CAs in this PEM bundle (mutual TLS)\n"
    "  --rate-limit R[/B]     requests per second per token, bursts of B\n"
    "                         (default 0: off); over it is 429\n"
    "  --tenant-rate-limit R[/B]  the same per tenant (default 0: off)\n";

static const char usage_tenant[] =
    "usage: scimcred tenant add NAME [--data DIR]\n"
    "       scimcred tenant list [--data DIR]\n"
    "       scimcred tenant remove NAME [--data DIR]\n"
    "NAME is 1-63 of a-z, 0-9 and '-'. remove deletes all of the tenant's\n"
    "data and tokens. DIR defaults to " DEFAULT_DATA ".\n";

static const char usage_token[] =
    "usage: scimcred token create --tenant NAME [--permission ID]... "
    "[--data DIR]\n"
    "       scimcred token list --tenant NAME [--data DIR]\n"
    "       scimcred token revoke --tenant NAME ID [--data DIR]\n"
    "create prints the new token alone on one line; it is not stored and\n"
    "can't be shown again. Without --permission the token gets every\n"
    "permission (see `scimcred permissions`). list prints id, creation\n"
    "time and permissions, never secrets.\n";

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
}

static int
apply_conf(void *arg, const char *key, const char *value)
{
	return setting_apply(arg, key, value);
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
		    s->public_url[0]       ? ""
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

static int
serve(struct settings *s)
{
	struct http_server_config hc;
	struct scim_config sc;
	struct scim *scim = NULL;
	struct store *st = NULL;
	struct scim_err err;
	int rc = 1;

	log_init(s->level, s->log_json);
	find_schemas(s);
	if (make_data_dir(s->data) != 0)
		return 1;
	st = open_store(s->data, s->map_max);
	if (st == NULL)
		return 1;
	memset(&sc, 0, sizeof(sc));
	sc.schemas_dir = s->schemas_dir;
	sc.default_count = 100;
	sc.max_count = 1000;
	sc.compat_bool_strings = 1;
	scim_err_clear(&err);
	if (scim_new(st, &sc, &scim, &err) != 0) {
		fprintf(stderr, "scimcred: schemas in %s: %s\n", s->schemas_dir,
		    err.detail);
		goto out;
	}
	if (first_start(st, scim, s) != 0)
		goto out;
	memset(&hc, 0, sizeof(hc));
	hc.listen = s->listen;
	hc.public_url = s->public_url[0] ? s->public_url : NULL;
	hc.threads = s->threads;
	hc.header_timeout = s->header_timeout;
	hc.idle_timeout = s->idle_timeout;
	if ((s->tls_cert[0] != '\0') != (s->tls_key[0] != '\0') ||
	    (s->tls_client_ca[0] != '\0' && s->tls_cert[0] == '\0')) {
		fprintf(stderr, "scimcred: TLS needs both --tls-cert and "
				"--tls-key (and --tls-client-ca only with "
				"them)\n");
		goto out;
	}
	hc.tls_cert = s->tls_cert[0] ? s->tls_cert : NULL;
	hc.tls_key = s->tls_key[0] ? s->tls_key : NULL;
	hc.tls_client_ca = s->tls_client_ca[0] ? s->tls_client_ca : NULL;
	hc.limits = s->limits;
	if (hc.public_url == NULL &&
	    (strncmp(s->listen, "0.0.0.0:", 8) == 0 ||
		strncmp(s->listen, "[::]:", 5) == 0))
		log_warn("listening on a wildcard address without --public-url:"
			 " Location headers will name %s",
		    s->listen);
	if (http_server_run(&hc, scim, st) == 0)
		rc = 0;
out:
	scim_free(scim);
	store_close(st);
	return rc;
}

enum opt_id {
	OPT_HELP = 'h',
	OPT_LISTEN = 256,
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
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_TLS_CLIENT_CA,
	OPT_RATE_LIMIT,
	OPT_TENANT_RATE_LIMIT,
	OPT_TENANT,
	OPT_PERMISSION,
};

static const struct option serve_options[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {"listen", required_argument, NULL, OPT_LISTEN},
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
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"tls-client-ca", required_argument, NULL, OPT_TLS_CLIENT_CA},
    {"rate-limit", required_argument, NULL, OPT_RATE_LIMIT},
    {"tenant-rate-limit", required_argument, NULL, OPT_TENANT_RATE_LIMIT},
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
	if (config != NULL &&
	    conf_load(config, apply_conf, &s, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "scimcred: %s\n", msg);
		return 1;
	}
	for (i = 0; i < nset; i++) {
		const char *name = option_name(serve_options, set[i].id);
		r = setting_apply(&s, name, set[i].value);
		if (r != 0)
			return usage_error(
			    usage_serve, "bad value for --%s", name);
	}
	return serve(&s);
}

/* -------------------------------------------------------- administration */

struct admin_args {
	const char *data;
	const char *tenant;
	enum perm perms[PERM_COUNT];
	size_t nperms;
	char *const *pos; /* positional arguments */
	int npos;
};

static const struct option admin_options[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {"data", required_argument, NULL, OPT_DATA},
    {"tenant", required_argument, NULL, OPT_TENANT},
    {"permission", required_argument, NULL, OPT_PERMISSION},
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

	return op->add ? tenant_add(txn, op->name, err)
		       : tenant_remove(txn, op->name, err);
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
	}
	store_close(st);
	return report(rc, &err);
}

struct token_op {
	const struct admin_args *a;
	int revoke;
	struct perm_set perms;
	char secret[TOKEN_STRLEN + 1];
};

static int
token_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct token_op *op = arg;
	struct token_info info;

	if (op->revoke)
		return token_revoke(
		    txn, str_from(op->a->tenant), str_from(op->a->pos[0]), err);
	return token_create(
	    txn, str_from(op->a->tenant), &op->perms, op->secret, &info, err);
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
	printf("\n");
	return 0;
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
	size_t i;
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
	op.perms = perm_set_all();
	if (a.nperms > 0) {
		memset(&op.perms, 0, sizeof(op.perms));
		for (i = 0; i < a.nperms; i++)
			perm_set_add(&op.perms, a.perms[i]);
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
	return usage_error(usage_main, "unknown command \"%s\"", cmd);
}
