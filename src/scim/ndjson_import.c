/*
 * `scimcred import`: see ndjson.h. Lines are read and parsed outside the
 * transaction (a malformed line fails before anything of its batch is
 * written); each batch is then one store_write, which LMDB commits
 * durably once. store_write may run the batch again after growing the
 * map, so the callback starts every run from the parsed lines, which it
 * never changes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scim/audit.h"
#include "scim/ndjson.h"
#include "scim/ops.h"
#include "util/date.h"

/* Exported groups can be large: one line holds a whole member list. */
static const struct json_limits import_limits = {
    .max_depth = 32,
    .max_keys = 256,
    .max_items = 1000000,
    .max_tokens = 10000000,
    .max_string = 1024 * 1024,
};

struct batch {
	struct scim *s;
	struct str tenant;
	struct arena *a; /* the parsed lines */
	const struct json_value **res;
	struct str *type;
	size_t *lineno;
	size_t n, cap;
	size_t failed; /* index of the line that failed */
};

static int
batch_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct batch *b = arg;
	struct arena *scratch;
	size_t i;
	int rc = 0;

	if (!store_tenant_exists(txn, b->tenant))
		return scim_err_set(err, SCIM_E_NOT_FOUND, "no tenant \"%.*s\"",
		    STR_FMT(b->tenant));
	for (i = 0; rc == 0 && i < b->n; i++) {
		scratch = arena_new();
		rc = op_create_import(
		    b->s, txn, b->tenant, b->type[i], scratch, b->res[i], err);
		arena_free(scratch);
		if (rc != 0)
			b->failed = i;
	}
	/* One audit record per batch (audit.h), in its transaction: the
	 * tenant was bulk-loaded by local administration. */
	if (rc == 0 && b->n > 0) {
		struct audit_event ev = {.rtype = STR_LIT("Tenant"),
		    .id = b->tenant,
		    .action = "import"};
		rc = audit_append_scim(
		    b->s, txn, b->tenant, date_now_ms(), &ev, err);
	}
	return rc;
}

/* The resource type a line names: meta.resourceType, else the core
 * schema among its `schemas`. */
static const struct schema_rtype *
type_of(const struct schema_registry *reg, const struct json_value *res)
{
	const struct json_value *v = json_object_get_cstr(
	    json_object_get_cstr(res, "meta"), "resourceType");
	const struct json_value *sc = json_object_get_cstr(res, "schemas");
	const struct schema_rtype *rt;
	size_t i, j;

	if (v != NULL && v->type == JSON_STRING)
		return schema_rtype_find(reg, v->u.string);
	for (i = 0; sc != NULL && sc->type == JSON_ARRAY && i < sc->u.array.len;
	     i++) {
		if (sc->u.array.items[i]->type != JSON_STRING)
			continue;
		for (j = 0; j < schema_rtype_count(reg); j++) {
			rt = schema_rtype_at(reg, j);
			if (str_caseeq_cstr(
				sc->u.array.items[i]->u.string, rt->core->id))
				return rt;
		}
	}
	return NULL;
}

static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* Parses one line into the batch. */
static int
add_line(struct batch *b, const char *p, size_t n, size_t lineno,
    struct scim_err *err)
{
	const struct schema_rtype *rt;
	struct json_value *res;
	int rc;

	if (n > NDJSON_LINE_MAX)
		return scim_err_set(err, SCIM_E_TOO_LARGE,
		    "longer than %d bytes", NDJSON_LINE_MAX);
	rc = json_parse(b->a, p, n, &import_limits, &res, err);
	if (rc != 0)
		return rc;
	if (res->type != JSON_OBJECT)
		return scim_err_set(
		    err, SCIM_E_INVALID_SYNTAX, "not a JSON object");
	rt = type_of(scim_registry(b->s), res);
	if (rt == NULL)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "no resource type: meta.resourceType or a core schema "
		    "URN in schemas must name one this server serves");
	if (!ndjson_type_ok(str_from(rt->name)))
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s resources are written by the server and can't be "
		    "imported",
		    rt->name);
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->res = realloc(b->res, b->cap * sizeof(*b->res));
		b->type = realloc(b->type, b->cap * sizeof(*b->type));
		b->lineno = realloc(b->lineno, b->cap * sizeof(*b->lineno));
		if (b->res == NULL || b->type == NULL || b->lineno == NULL)
			abort();
	}
	b->res[b->n] = res;
	b->type[b->n] = str_from(rt->name);
	b->lineno[b->n++] = lineno;
	return 0;
}

static void
progress(const struct ndjson_import_opts *o,
    const struct ndjson_import_stats *st, long long done, int64_t t0, int end)
{
	int64_t ms = date_now_ms() - t0;
	double rate = ms > 0 ? (double)st->imported * 1000.0 / (double)ms : 0;
	int pct, i;

	if (o->progress == NULL)
		return;
	fputc('\r', o->progress);
	if (o->size > 0) {
		pct = (int)(done * 100 / o->size);
		pct = pct > 100 ? 100 : pct;
		fputc('[', o->progress);
		for (i = 0; i < 30; i++)
			fputc(i < pct * 30 / 100 ? '#' : ' ', o->progress);
		fprintf(o->progress, "] %3d%% ", pct);
	}
	fprintf(o->progress, "%zu imported, %.0f/s", st->imported, rate);
	if (end)
		fputc('\n', o->progress);
	fflush(o->progress);
}

/* Commits the batch; on failure names the line. */
static int
flush(struct batch *b, struct ndjson_import_stats *st, struct scim_err *err)
{
	struct scim_err inner;
	int rc = 0;

	if (b->n > 0) {
		scim_err_clear(&inner);
		rc = store_write(scim_store(b->s), batch_fn, b, &inner);
		if (rc != 0) {
			st->bad_line =
			    b->failed < b->n ? b->lineno[b->failed] : 0;
			st->resume = b->lineno[0] - 1;
			scim_err_set(err, rc,
			    "line %zu: %s (its batch, from line %zu, was not "
			    "written; resume with --skip %zu)",
			    st->bad_line, inner.detail, b->lineno[0],
			    st->resume);
		} else {
			st->imported += b->n;
		}
	}
	arena_free(b->a);
	b->a = arena_new();
	b->n = 0;
	b->failed = (size_t)-1;
	return rc;
}

int
ndjson_import(struct scim *s, struct str tenant, FILE *in,
    const struct ndjson_import_opts *o, struct ndjson_import_stats *st,
    struct scim_err *err)
{
	struct batch b = {.s = s, .tenant = tenant, .failed = (size_t)-1};
	size_t per = o->batch > 0 ? o->batch : NDJSON_BATCH_DEFAULT, cap = 0;
	struct scim_err inner;
	long long done = 0;
	int64_t t0 = date_now_ms();
	char *line = NULL;
	ssize_t n;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	b.a = arena_new();
	while (rc == 0 && (n = getline(&line, &cap, in)) >= 0) {
		st->lines++;
		done += n;
		if (st->lines <= o->skip || blank(line, (size_t)n))
			continue;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		scim_err_clear(&inner);
		rc = add_line(&b, line, (size_t)n, st->lines, &inner);
		if (rc != 0) {
			st->bad_line = st->lines;
			st->resume = b.n > 0 ? b.lineno[0] - 1 : st->lines - 1;
			scim_err_set(err, rc,
			    "line %zu: %s (resume with --skip %zu)", st->lines,
			    inner.detail, st->resume);
		} else if (b.n >= per) {
			rc = flush(&b, st, err);
			progress(o, st, done, t0, 0);
		}
	}
	if (rc == 0 && ferror(in))
		rc = scim_err_set(err, SCIM_E_INTERNAL,
		    "read error after line %zu", st->lines);
	if (rc == 0)
		rc = flush(&b, st, err);
	progress(o, st, done, t0, 1);
	arena_free(b.a);
	free(line);
	free(b.res);
	free(b.type);
	free(b.lineno);
	return rc;
}
