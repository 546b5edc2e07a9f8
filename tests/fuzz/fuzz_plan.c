/*
 * libFuzzer harness for the query planner (issue 3): every input is a
 * filter, listed over a generated set of Credentials and Users in a
 * temporary LMDB store, once with the planner (secondary indexes and
 * uniqueness keys) and once scanning every record. Parsing, binding, the
 * evaluator and the planner all run; the two answers must be identical
 * byte for byte (abort otherwise), so an index that loses a match or a
 * plan that changes order or paging is a finding. Some lists take a
 * window (startIndex 3, count 4) and a descending sort, so exact plans'
 * pages and index walks (plan_page.c) are compared too.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "scim/ops.h"
#include "scim/plan.h"
#include "scim/scim.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_CRED 150
#define N_USER 60
#define CRED_URN "urn:hid:scim:api:idp:2.0:Credential"
#define CTYPE_URN "urn:scimcred:params:scim:schemas:core:2.0:CredentialType"
#define USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"

static struct store *st;
static struct scim *sc;
static char user_ids[N_USER][72];

static const char *const words[] = {"alpha", "Alpha", "beta", "b", "",
    "Gamma-2", "zeta", "ACTIVE", "work", "x1"};
static const char *const etypes[] = {"work", "Home", "other", "WORK"};
static const char *const dates[] = {"2024-01-01T00:00:00Z",
    "2024-03-01T12:00:00+02:00", "2025-06-30T23:59:59.5Z",
    "2023-12-31T00:00:00Z"};

static int
create(struct store_txn *txn, const char *rtype, const char *text, char *id_out)
{
	struct arena *a = arena_new();
	struct json_value *doc = NULL, *out = NULL;
	struct scim_err err = {0};
	const struct json_value *id;
	int rc;

	rc =
	    json_parse(a, text, strlen(text), &json_limits_default, &doc, &err);
	if (rc == 0)
		rc = op_create_in(sc, txn, STR_LIT("t1"), str_from(rtype), a,
		    doc, &out, &err);
	if (rc == 0 && id_out != NULL) {
		id = json_object_get_cstr(out, "id");
		snprintf(id_out, 72, "%.*s", STR_FMT(id->u.string));
	}
	if (rc != 0)
		fprintf(stderr, "fuzz_plan: seed %s: %s\n", rtype, err.detail);
	arena_free(a);
	return rc;
}

static void
gen_user(struct buf *b, unsigned i)
{
	buf_printf(b,
	    "{\"schemas\":[\"" USER_URN "\"],\"userName\":\"u%u\","
	    "\"active\":%s,\"name\":{\"familyName\":\"%s\"},"
	    "\"emails\":[{\"type\":\"%s\",\"value\":\"%s@x\"},"
	    "{\"value\":\"%s\"}]}",
	    i, i % 2 ? "true" : "false", words[i % 10], etypes[(i / 3) % 4],
	    words[(i / 2) % 10], words[(i * 7) % 10]);
}

static void
gen_cred(struct buf *b, unsigned i)
{
	buf_printf(b,
	    "{\"schemas\":[\"" CRED_URN "\"],\"type\":\"CT_%c\","
	    "\"owner\":{\"value\":\"%s\"},\"status\":{\"status\":\"%s\"",
	    'A' + (int)(i % 3), user_ids[i % N_USER],
	    i % 4 ? "ACTIVE" : "PENDING");
	if (i % 5)
		buf_printf(b, ",\"expiryDate\":\"%s\"", dates[i % 4]);
	buf_printf(b,
	    "},\"attributes\":[{\"name\":\"K\",\"value\":\"%s\"},"
	    "{\"name\":\"L\",\"value\":\"%s\"}]",
	    words[i % 10], words[(i / 10) % 10]);
	if (i % 3)
		buf_printf(b, ",\"externalId\":\"e%u\"", i);
	buf_append_cstr(b, "}");
}

static int
seed(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct buf b;
	unsigned i;
	int rc = 0;
	char t;

	(void)arg;
	(void)err;
	buf_init(&b);
	for (t = 'A'; rc == 0 && t <= 'C'; t++) {
		buf_reset(&b);
		buf_printf(&b,
		    "{\"schemas\":[\"" CTYPE_URN "\"],\"id\":\"CT_%c\","
		    "\"name\":\"CT_%c\",\"attributes\":[{\"name\":\"K\"},"
		    "{\"name\":\"L\"}]}",
		    t, t);
		rc = create(txn, "CredentialType", buf_cstr(&b), NULL);
	}
	for (i = 0; rc == 0 && i < N_USER; i++) {
		buf_reset(&b);
		gen_user(&b, i);
		rc = create(txn, "User", buf_cstr(&b), user_ids[i]);
	}
	for (i = 0; rc == 0 && i < N_CRED; i++) {
		buf_reset(&b);
		gen_cred(&b, i);
		rc = create(txn, "Credential", buf_cstr(&b), NULL);
	}
	buf_free(&b);
	return rc;
}

static void
init(void)
{
	struct scim_config cfg = {.schemas_dir = FUZZ_SCHEMAS_DIR,
	    .default_count = 50,
	    .max_count = 1000,
	    .compat_bool_strings = 1};
	struct scim_err err = {0};
	char dir[] = "/tmp/fuzz-plan-XXXXXX";

	log_init(LOG_LEVEL_ERROR, 0);
	if (mkdtemp(dir) == NULL || store_open(dir, NULL, &st, &err) != 0 ||
	    scim_new(st, &cfg, &sc, &err) != 0 ||
	    store_write(st, seed, NULL, &err) != 0) {
		fprintf(stderr, "fuzz_plan: setup failed: %s\n", err.detail);
		abort();
	}
}

/* The list body for filter f (or "error N"), into a; with window,
 * startIndex 3, count 4 and sortOrder descending. */
static const char *
list(struct arena *a, const char *rtype, struct str f, const char *sort,
    int window)
{
	struct scim_param params[6] = {
	    {STR_LIT("filter"), f},
	    {STR_LIT("attributes"), STR_LIT("id")},
	    {STR_LIT("startIndex"), STR_LIT("3")},
	    {STR_LIT("count"), STR_LIT("4")},
	    {STR_LIT("sortOrder"), STR_LIT("descending")},
	    {STR_LIT("sortBy"), str_from(sort)},
	};
	struct scim_request req = {0};
	struct scim_response resp = {0};
	struct scim_err err = {0};
	const char *out;
	int rc;

	req.arena = a;
	req.tenant = STR_LIT("t1");
	req.rtype = str_from(rtype);
	if (!window)
		params[2] = params[5];
	req.params = params;
	req.nparams = window ? (sort != NULL ? 6 : 5) : (sort != NULL ? 3 : 2);
	req.base_url = STR_LIT("https://f.example");
	req.request_id = "fuzz";
	buf_init(&resp.body);
	rc = op_list(sc, &req, &resp, &err);
	out = rc == 0 ? arena_strndup(a, resp.body.data, resp.body.len)
		      : arena_printf(a, "error %d", rc);
	buf_free(&resp.body);
	return out;
}

static void
compare(struct arena *a, const char *rtype, struct str f, const char *sort,
    int window)
{
	const char *with, *without;

	plan_set_enabled(1);
	with = list(a, rtype, f, sort, window);
	plan_set_enabled(0);
	without = list(a, rtype, f, sort, window);
	plan_set_enabled(1);
	if (strcmp(with, without) != 0) {
		fprintf(stderr,
		    "fuzz_plan: %s: planned and scanned differ (sortBy %s%s)"
		    "\nplanned: %s\nscanned: %s\n",
		    rtype, sort != NULL ? sort : "-", window ? ", window" : "",
		    with, without);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct str f = str_make((const char *)data, size);

	if (sc == NULL)
		init();
	if (size > FILTER_MAX_LEN || memchr(data, '\0', size) != NULL)
		return 0;
	a = arena_new();
	compare(a, "Credential", f, NULL, 0);
	compare(a, "Credential", f, "status.expiryDate", 0);
	compare(a, "Credential", f, "status.expiryDate", 1);
	compare(a, "Credential", f, NULL, 1);
	compare(a, "User", f, NULL, 0);
	compare(a, "User", f, "name.familyName", 0);
	compare(a, "User", f, "name.familyName", 1);
	arena_free(a);
	return 0;
}
