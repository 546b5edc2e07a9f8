/*
 * Differential test of the planner (issue 3): a generated set of
 * Credentials and Users, and thousands of generated filters (seeded, so
 * a failure reproduces) over indexed and unindexed attributes with
 * values drawn from the data, each listed with the planner on and off
 * (plan_set_enabled). The two answers must be byte-identical: the same
 * totalResults, the same page, the same order, with sortBy, startIndex
 * and count drawn at random too. A counter makes sure the planner did
 * narrow most filters, so the test cannot pass by scanning every time,
 * and that many plans were exact (answered from the indexes, only the
 * page read). A second pass lists pages (no filter or exact filters,
 * sorted by indexed attributes either way, deep and empty windows) to
 * exercise plan_page's index walks against the full path.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "filter/filter.h"
#include "ops_fixture.h"
#include "scim/index.h"
#include "scim/plan.h"
#include "util/buf.h"
#include "util/date.h"

#define N_CRED 700
#define N_USER 300
#define N_FILTERS_CRED 1500
#define N_FILTERS_USER 1000
#define BATCH 100

static uint64_t rng = 0x5eed1234abcdULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

#define PICK(a) ((a)[rnd(sizeof(a) / sizeof((a)[0]))])

static const char *const ctypes[] = {
    "CT_ACODE", "CT_OTP", "CT_OTHER", "CT_PKI"};
static const char *const owners[] = {"u1", "u2", "user-1", "user-2"};
static const char *const states[] = {"ACTIVE", "PENDING"};
static const char *const anames[] = {"K", "L", "X", "A", "B"};
static const char *const words[] = {"alpha", "Alpha", "ALPHA-one", "beta",
    "beta-2", "Gamma", "gamma", "delta x", "", "zeta", "é-accent", "long"};
static const char *const etypes[] = {"work", "home", "Work", "other"};
static const char *const families[] = {
    "Jensen", "jensen", "Smith", "Ng", "O'Brien", "van Dijk", "Zed", "long"};
static const char *const dates[] = {"2023-12-31T23:59:59Z",
    "2024-01-01T00:00:00Z", "2024-03-01T12:00:00Z", "2024-03-01T14:00:00+02:00",
    "2024-06-01T00:00:00Z", "2024-09-15T08:30:00.250Z", "2025-01-01T00:00:00Z",
    "2030-05-05T05:05:05Z"};

static char longval[2][700];

/* A word, or one of two 650-byte values that share their first 600
 * bytes (longer than an index key: truncated in the index). */
static const char *
word(void)
{
	const char *w = PICK(words);

	return strcmp(w, "long") == 0 ? longval[rnd(2)] : w;
}

static const char *
family(void)
{
	const char *w = PICK(families);

	return strcmp(w, "long") == 0 ? longval[rnd(2)] : w;
}

static void
gen_cred(struct buf *b, unsigned i)
{
	unsigned k, n = rnd(4);

	buf_printf(b,
	    "{\"schemas\":[\"" OX_CRED_URN "\"],\"type\":\"%s\","
	    "\"owner\":{\"value\":\"%s\"},\"status\":{\"status\":\"%s\"",
	    PICK(ctypes), PICK(owners), PICK(states));
	if (rnd(4) != 0)
		buf_printf(b, ",\"expiryDate\":\"%s\"", PICK(dates));
	if (rnd(3) == 0)
		buf_printf(
		    b, ",\"startDate\":\"2023-0%u-01T00:00:00Z\"", 1 + rnd(9));
	buf_append_cstr(b, "}");
	if (rnd(3) != 0)
		buf_printf(b, ",\"externalId\":\"x%u\"", i);
	if (n > 0) {
		buf_append_cstr(b, ",\"attributes\":[");
		for (k = 0; k < n; k++)
			buf_printf(b, "%s{\"name\":\"%s\",\"value\":\"%s\"}",
			    k ? "," : "", anames[(i + k) % 5], word());
		buf_append_cstr(b, "]");
	}
	buf_append_cstr(b, "}");
}

static void
gen_user(struct buf *b, unsigned i)
{
	unsigned k, n = rnd(4);

	buf_printf(b,
	    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
	    "\"userName\":\"user%u@Example.com\",\"active\":%s",
	    i, rnd(2) ? "true" : "false");
	if (rnd(5) != 0)
		buf_printf(b, ",\"name\":{\"familyName\":\"%s\"}", family());
	if (rnd(2) != 0)
		buf_printf(b, ",\"displayName\":\"%s\"", word());
	if (n > 0) {
		buf_append_cstr(b, ",\"emails\":[");
		for (k = 0; k < n; k++) {
			buf_printf(b, "%s{\"value\":\"%s%u@ex.com\"",
			    k ? "," : "", PICK(words), rnd(5));
			if (rnd(4) != 0)
				buf_printf(b, ",\"type\":\"%s\"", PICK(etypes));
			buf_append_cstr(b, "}");
		}
		buf_append_cstr(b, "]");
	}
	buf_append_cstr(b, "}");
}

struct batch {
	const char *rtype;
	unsigned first, n;
};

static int
batch_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	struct batch *bt = arg;
	struct arena *a = arena_new();
	struct json_value *doc;
	struct buf b;
	unsigned i;
	int rc = 0;
	uint64_t saved = rng;

	buf_init(&b);
	for (i = 0; rc == 0 && i < bt->n; i++) {
		buf_reset(&b);
		if (bt->rtype[0] == 'C')
			gen_cred(&b, bt->first + i);
		else
			gen_user(&b, bt->first + i);
		rc = json_parse(
		    a, b.data, b.len, &json_limits_default, &doc, err);
		if (rc == 0)
			rc = op_create_in(ox_scim(), txn, STR_LIT("t1"),
			    str_from(bt->rtype), a, doc, NULL, err);
	}
	if (rc != 0)
		rng = saved; /* a rerun regenerates the same batch */
	buf_free(&b);
	arena_free(a);
	return rc;
}

static void
load(const char *rtype, unsigned total)
{
	struct batch bt = {rtype, 0, BATCH};
	struct scim_err err = {0};
	int64_t now;
	int rc;

	cr_assert_eq(date_parse(str_from(OX_NOW_TEXT), &now), 0);
	for (bt.first = 0; bt.first < total; bt.first += BATCH) {
		/* distinct meta.created per batch, for date filters */
		date_set_now(now + (int64_t)bt.first * 60000);
		rc = store_write(ox_store(), batch_fn, &bt, &err);
		cr_assert_eq(rc, 0, "load %s: %s", rtype, err.detail);
	}
	date_set_now(now);
}

static void
setup(void)
{
	memset(longval[0], 'q', 650);
	memset(longval[1], 'q', 650);
	longval[0][620] = 'a';
	longval[1][620] = 'b';
	ox_setup_creds();
	load("Credential", N_CRED);
	load("User", N_USER);
}

/* --------------------------------------------------------- filters */

enum kind { K_STR, K_DATE, K_BOOL };

struct attr {
	const char *path;
	enum kind kind;
	const char *(*value)(void);
};

static const char *
v_ctype(void)
{
	return rnd(3) ? PICK(ctypes) : "ct_otp";
}
static const char *
v_owner(void)
{
	return rnd(5) ? PICK(owners) : "U1";
}
static const char *
v_state(void)
{
	return rnd(4) ? PICK(states) : "active";
}
static const char *
v_date(void)
{
	return PICK(dates);
}
static const char *
v_meta(void)
{
	static const char *const m[] = {"2024-03-01T12:00:00Z",
	    "2024-03-01T12:05:00Z", "2024-03-01T12:10:00Z",
	    "2024-03-01T13:00:00Z", "2024-03-01T12:30:00Z"};

	return PICK(m);
}
static const char *
v_aname(void)
{
	return rnd(5) ? PICK(anames) : "k";
}
static const char *
v_ext(void)
{
	static char b[16];

	snprintf(b, sizeof(b), "x%u", rnd(N_CRED + 20));
	return b;
}
static const char *
v_bool(void)
{
	return rnd(2) ? "true" : "false";
}
static const char *
v_email(void)
{
	static char b[64];

	snprintf(b, sizeof(b), "%s%u@ex.com", PICK(words), rnd(5));
	return b;
}
static const char *
v_etype(void)
{
	return PICK(etypes);
}
static const char *
v_user(void)
{
	static char b[40];

	snprintf(b, sizeof(b), "USER%u@example.com", rnd(N_USER + 10));
	return b;
}

static const struct attr cred_attrs[] = {
    {"type", K_STR, v_ctype},
    {"owner.value", K_STR, v_owner},
    {"owner", K_STR, v_owner},
    {"status.status", K_STR, v_state},
    {"status.expiryDate", K_DATE, v_date},
    {"status.startDate", K_DATE, v_date},
    {"attributes.name", K_STR, v_aname},
    {"attributes.value", K_STR, word},
    {"externalId", K_STR, v_ext},
    {"meta.created", K_DATE, v_meta},
    {"meta.lastModified", K_DATE, v_meta},
    {"urn:hid:scim:api:idp:2.0:Credential:type", K_STR, v_ctype},
};

static const struct attr user_attrs[] = {
    {"userName", K_STR, v_user},
    {"name.familyName", K_STR, family},
    {"displayName", K_STR, word},
    {"active", K_BOOL, v_bool},
    {"emails.value", K_STR, v_email},
    {"emails.type", K_STR, v_etype},
    {"meta.created", K_DATE, v_meta},
    {"nickName", K_STR, word},
};

static const char *const str_ops[] = {"eq", "eq", "eq", "ne", "co", "sw", "sw",
    "ew", "gt", "ge", "lt", "le", "pr"};
static const char *const date_ops[] = {
    "eq", "ne", "gt", "ge", "lt", "le", "pr"};
static const char *const bool_ops[] = {"eq", "ne", "pr"};

static void
put_value(struct buf *b, const char *v)
{
	/* the generated values hold no '"' or '\\', and '&' never */
	buf_printf(b, "\"%s\"", v);
}

static void
term(struct buf *b, const struct attr *at)
{
	const char *op = at->kind == K_STR ? PICK(str_ops)
	    : at->kind == K_DATE	   ? PICK(date_ops)
					   : PICK(bool_ops);

	buf_printf(b, "%s %s", at->path, op);
	if (strcmp(op, "pr") == 0)
		return;
	buf_putc(b, ' ');
	if (rnd(40) == 0)
		buf_append_cstr(b, "null");
	else if (at->kind == K_BOOL)
		buf_append_cstr(b, at->value());
	else
		put_value(b, at->value());
}

/* A value filter over attributes (Credential) or emails (User). */
static void
valuepath(struct buf *b, int cred)
{
	const char *x = cred ? "attributes" : "emails";
	const char *c1 = cred ? "name" : "type";
	const char *v1 = cred ? v_aname() : v_etype();
	const char *v2 = cred ? word() : v_email();

	switch (rnd(6)) {
	case 0:
		buf_printf(
		    b, "%s[%s eq \"%s\" and value eq \"%s\"]", x, c1, v1, v2);
		break;
	case 1:
		buf_printf(b, "%s[%s eq \"%s\"]", x, c1, v1);
		break;
	case 2:
		buf_printf(
		    b, "%s[value eq \"%s\" and %s eq \"%s\"]", x, v2, c1, v1);
		break;
	case 3:
		buf_printf(
		    b, "%s[%s eq \"%s\" and value sw \"%.3s\"]", x, c1, v1, v2);
		break;
	case 4:
		buf_printf(
		    b, "%s[%s eq \"%s\" or value eq \"%s\"]", x, c1, v1, v2);
		break;
	default:
		buf_printf(b, "%s[not (%s eq \"%s\")]", x, c1, v1);
		break;
	}
}

static void
filter(struct buf *b, int cred, unsigned depth)
{
	const struct attr *at = cred ? cred_attrs : user_attrs;
	size_t n = cred ? sizeof(cred_attrs) / sizeof(*cred_attrs)
			: sizeof(user_attrs) / sizeof(*user_attrs);
	unsigned r = depth < 3 ? rnd(12) : 6 + rnd(6);

	if (r < 3 || r == 5) {
		buf_putc(b, '(');
		filter(b, cred, depth + 1);
		buf_append_cstr(b, r == 5 ? " or " : " and ");
		filter(b, cred, depth + 1);
		buf_putc(b, ')');
	} else if (r == 3) {
		buf_append_cstr(b, "not (");
		filter(b, cred, depth + 1);
		buf_putc(b, ')');
	} else if (r == 4 || r == 6) {
		valuepath(b, cred);
	} else {
		term(b, &at[rnd((unsigned)n)]);
	}
}

/* ------------------------------------------------------------ runs */

/* The list's body text (in a), or an "error N" line. */
static const char *
run(struct arena *a, const char *rtype, const char *query)
{
	struct scim_param params[8];
	struct scim_request req = {0};
	struct scim_response resp = {0};
	struct scim_err err = {0};
	const char *q = query, *amp, *eq;
	size_t n = 0, len;
	char *out;
	int rc;

	while (q != NULL && *q != '\0' && n < 8) {
		amp = strchr(q, '&');
		len = amp != NULL ? (size_t)(amp - q) : strlen(q);
		eq = memchr(q, '=', len);
		params[n].name = str_make(q, (size_t)(eq - q));
		params[n].value = str_make(eq + 1, len - (size_t)(eq - q) - 1);
		n++;
		q = amp != NULL ? amp + 1 : NULL;
	}
	req.arena = a;
	req.tenant = STR_LIT("t1");
	req.rtype = str_from(rtype);
	req.params = params;
	req.nparams = n;
	req.base_url = STR_LIT(OX_BASE);
	req.request_id = "diff";
	buf_init(&resp.body);
	rc = op_list(ox_scim(), &req, &resp, &err);
	out = rc == 0 ? arena_strndup(a, resp.body.data, resp.body.len)
		      : arena_printf(a, "error %d %s", rc, err.detail);
	buf_free(&resp.body);
	return out;
}

/* 1 if the planner narrows the filter (not "every record"); *exact
 * is incremented for an exact plan. */
static int
narrowed(struct arena *a, const char *rtype, const char *text, unsigned *exact)
{
	const struct schema_rtype *rt =
	    schema_rtype_find(scim_registry(ox_scim()), str_from(rtype));
	struct filter_node *f = NULL;
	struct store_txn *txn = NULL;
	struct plan_ids ids;
	struct scim_err err = {0};
	int rc, yes = 0;

	if (filter_parse(a, str_from(text), &f, &err) != 0 ||
	    filter_bind(f, schema_filter_resolve, (void *)rt, &err) != 0)
		return 0;
	cr_assert_eq(store_read_begin(ox_store(), &txn, &err), 0);
	rc = plan_candidates(
	    a, txn, scim_indexes(ox_scim()), STR_LIT("t1"), rt, f, &ids, &err);
	cr_assert_eq(rc, 0, "plan: %s", err.detail);
	yes = !ids.all;
	*exact += ids.exact && ids.n > 0;
	store_read_end(txn);
	return yes;
}

static const char *const cred_sorts[] = {"", "", "externalId",
    "status.expiryDate", "meta.created", "type", "owner.value"};
static const char *const user_sorts[] = {"", "", "userName", "name.familyName",
    "active", "meta.created", "emails.value"};

static void
diff(const char *rtype, unsigned nfilters, unsigned min_narrowed)
{
	int cred = rtype[0] == 'C';
	unsigned i, hits = 0, nonempty = 0, exact = 0;
	struct buf f, q;
	const char *with, *without, *sort;

	buf_init(&f);
	buf_init(&q);
	for (i = 0; i < nfilters; i++) {
		struct arena *a = arena_new();

		buf_reset(&f);
		buf_reset(&q);
		filter(&f, cred, 0);
		sort = cred ? PICK(cred_sorts) : PICK(user_sorts);
		buf_printf(&q, "filter=%s&attributes=id&startIndex=%u&count=%u",
		    buf_cstr(&f), rnd(4) ? 1 : 1 + rnd(40),
		    rnd(5) ? 1000 : rnd(60));
		if (sort[0] != '\0')
			buf_printf(&q, "&sortBy=%s&sortOrder=%s", sort,
			    rnd(2) ? "ascending" : "descending");
		plan_set_enabled(1);
		with = run(a, rtype, buf_cstr(&q));
		hits += narrowed(a, rtype, buf_cstr(&f), &exact);
		plan_set_enabled(0);
		without = run(a, rtype, buf_cstr(&q));
		plan_set_enabled(1);
		cr_assert_str_eq(
		    with, without, "filter #%u differs: %s", i, buf_cstr(&q));
		nonempty += strstr(with, "\"totalResults\":0,") == NULL;
		arena_free(a);
	}
	buf_free(&f);
	buf_free(&q);
	cr_expect_geq(hits, min_narrowed, "only %u of %u filters narrowed",
	    hits, nfilters);
	cr_expect_geq(nonempty, nfilters / 3, "only %u of %u matched anything",
	    nonempty, nfilters);
	cr_expect_geq(exact, nfilters / 10, "only %u of %u plans were exact",
	    exact, nfilters);
}

/* Filters the indexes answer exactly (or none), for the page pass. */
static void
exact_filter(struct buf *b, int cred)
{
	if (cred) {
		switch (rnd(8)) {
		case 0:
			return;
		case 1:
			buf_printf(b, "type eq \"%s\"", v_ctype());
			break;
		case 2:
			buf_printf(b,
			    "type eq \"%s\" and status.status eq \"%s\"",
			    v_ctype(), v_state());
			break;
		case 3:
			buf_printf(b, "status.expiryDate %s \"%s\"",
			    date_ops[2 + rnd(4)], v_date());
			break;
		case 4:
			buf_printf(b,
			    "attributes[name eq \"%s\" and value eq \"%s\"]",
			    v_aname(), word());
			break;
		case 5:
			buf_printf(b,
			    "owner.value eq \"%s\" or type sw \"CT_O\"",
			    v_owner());
			break;
		case 6:
			buf_printf(b,
			    "status.status eq \"%s\" and owner.value pr",
			    v_state());
			break;
		default:
			buf_printf(b, "meta.created ge \"%s\"", v_meta());
			break;
		}
		return;
	}
	switch (rnd(4)) {
	case 0:
		return;
	case 1:
		buf_printf(b, "active eq %s", v_bool());
		break;
	case 2:
		buf_printf(b, "emails[type eq \"%s\"]", v_etype());
		break;
	default:
		buf_printf(b, "name.familyName %s \"%s\"", str_ops[8 + rnd(4)],
		    family());
		break;
	}
}

static const char *const cred_walks[] = {"", "status.expiryDate",
    "status.startDate", "meta.created", "type", "owner.value", "status.status"};
static const char *const user_walks[] = {
    "", "name.familyName", "displayName", "meta.lastModified"};

static void
pages(const char *rtype, unsigned nqueries)
{
	int cred = rtype[0] == 'C';
	unsigned i;
	struct buf f, q;
	const char *with, *without, *sort;

	buf_init(&f);
	buf_init(&q);
	for (i = 0; i < nqueries; i++) {
		struct arena *a = arena_new();

		buf_reset(&f);
		buf_reset(&q);
		exact_filter(&f, cred);
		sort = cred ? PICK(cred_walks) : PICK(user_walks);
		buf_printf(&q, "attributes=id&startIndex=%u&count=%u",
		    rnd(3) ? 1 + rnd(5) : rnd(800),
		    rnd(6) ? 1 + rnd(30) : rnd(3));
		if (f.len > 0)
			buf_printf(&q, "&filter=%s", buf_cstr(&f));
		if (sort[0] != '\0')
			buf_printf(&q, "&sortBy=%s&sortOrder=%s", sort,
			    rnd(2) ? "ascending" : "descending");
		plan_set_enabled(1);
		with = run(a, rtype, buf_cstr(&q));
		plan_set_enabled(0);
		without = run(a, rtype, buf_cstr(&q));
		plan_set_enabled(1);
		cr_assert_str_eq(
		    with, without, "page #%u differs: %s", i, buf_cstr(&q));
		arena_free(a);
	}
	buf_free(&f);
	buf_free(&q);
}

TestSuite(plan_diff, .init = setup, .fini = ox_teardown, .timeout = 1800);

Test(plan_diff, credentials)
{
	diff("Credential", N_FILTERS_CRED, N_FILTERS_CRED / 3);
}

Test(plan_diff, users)
{
	diff("User", N_FILTERS_USER, N_FILTERS_USER / 3);
}

Test(plan_diff, credential_pages)
{
	pages("Credential", 600);
}

Test(plan_diff, user_pages)
{
	pages("User", 300);
}
