/*
 * API tokens (auth/token.c): creation, the Authorization header gate in
 * its 401 / 404 / 403 order, listing and revocation, and that only the
 * hash of a token is ever stored.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <openssl/evp.h>

#include "../store/store_fixture.h"
#include "auth/token.h"
#include "util/date.h"

#define MISSING "authentication required: send Authorization: Bearer <token>"
#define INVALID "the bearer token is invalid or revoked"

static char *dir;
static struct store *st;

struct create {
	const char *tenant;
	struct perm_set perms;
	char secret[TOKEN_STRLEN + 1];
	struct token_info info;
};

static int
create_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct create *c = arg;

	return token_create(
	    t, str_from(c->tenant), &c->perms, c->secret, &c->info, err);
}

static int
tenant_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	return tenant_add(t, str_from(arg), err);
}

static void
setup(void)
{
	dir = fixture_dir_new();
	st = fixture_store_open(dir, 0, 0);
	date_set_now(1700000000123LL);
	cr_assert_eq(fixture_write(st, tenant_fn, (void *)"t1"), 0);
	cr_assert_eq(fixture_write(st, tenant_fn, (void *)"t2"), 0);
}

static void
teardown(void)
{
	date_set_now(0);
	store_close(st);
	fixture_dir_free(dir);
}

TestSuite(token, .init = setup, .fini = teardown);

/* A new token for tenant with the given permissions (or fails). */
static struct create
make(const char *tenant, const enum perm *perms, size_t n)
{
	struct create c = {.tenant = tenant};
	size_t i;

	for (i = 0; i < n; i++)
		perm_set_add(&c.perms, perms[i]);
	cr_assert_eq(fixture_write(st, create_fn, &c), 0);
	return c;
}

static char header[512];

static struct str bearer(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* An Authorization value built from fmt, in a static buffer. */
static struct str
bearer(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(header, sizeof(header), fmt, ap);
	va_end(ap);
	return str_from(header);
}

/* token_authorize in a read transaction; err and p returned. */
static int
authorize(const char *tenant, struct str authz, enum perm need,
    struct principal *p, struct scim_err *err)
{
	struct store_txn *t = NULL;
	int rc;

	memset(err, 0, sizeof(*err));
	cr_assert_eq(store_read_begin(st, &t, NULL), 0);
	rc = token_authorize(t, str_from(tenant), authz, need, p, err);
	store_read_end(t);
	return rc;
}

static int
authenticate(struct str authz, struct principal *p, struct scim_err *err)
{
	struct store_txn *t = NULL;
	int rc;

	memset(err, 0, sizeof(*err));
	cr_assert_eq(store_read_begin(st, &t, NULL), 0);
	rc = token_authenticate(t, authz, p, err);
	store_read_end(t);
	return rc;
}

static void
expect_invalid(struct str authz, const char *why)
{
	struct principal p;
	struct scim_err err;

	cr_expect_eq(authenticate(authz, &p, &err), SCIM_E_UNAUTHORIZED,
	    "accepted: %s", why);
	cr_expect_str_eq(err.detail, INVALID, "%s", why);
	cr_expect_eq(p.tenant[0], '\0');
}

Test(token, create_returns_a_well_formed_secret_once)
{
	static const enum perm ps[] = {PERM_CRED_READ, PERM_CRED_CREATE};
	struct create a = make("t1", ps, 2), b = make("t1", ps, 2);
	size_t i;

	cr_expect_eq(strlen(a.secret), TOKEN_STRLEN);
	cr_expect_eq(strncmp(a.secret, "scimcred_", 9), 0);
	for (i = 9; i < TOKEN_STRLEN; i++)
		cr_expect(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
				 "rstuvwxyz0123456789-_",
			      a.secret[i]) != NULL,
		    "character %zu", i);
	cr_expect_str_eq(a.info.tenant, "t1");
	cr_expect_eq(strlen(a.info.id), TOKEN_ID_LEN);
	cr_expect_eq(strspn(a.info.id, "0123456789abcdef"), TOKEN_ID_LEN);
	cr_expect_eq(a.info.perms.bits, a.perms.bits);
	cr_expect_eq(a.info.created_ms, 1700000000123LL);
	cr_expect_str_neq(a.secret, b.secret);
	cr_expect_str_neq(a.info.id, b.info.id);
	cr_expect_null(strstr(a.secret + 9, a.info.id),
	    "the public id is not part of the secret");
}

Test(token, create_needs_an_existing_tenant)
{
	struct create c = {.tenant = "nope"};
	struct scim_err err = {0};

	memset(c.secret, 'x', sizeof(c.secret));
	cr_expect_eq(store_write(st, create_fn, &c, &err), SCIM_E_NOT_FOUND);
	cr_expect_str_eq(err.detail, "tenant not found");
	cr_expect_eq(c.secret[0], '\0', "no secret handed out");
	c.tenant = "Bad Name";
	cr_expect_eq(store_write(st, create_fn, &c, &err), SCIM_E_NOT_FOUND);
}

Test(token, authenticate_accepts_any_scheme_case)
{
	static const enum perm ps[] = {PERM_CRED_READ};
	struct create c = make("t1", ps, 1);
	struct principal p;
	struct scim_err err;

	cr_assert_eq(authenticate(bearer("Bearer %s", c.secret), &p, &err), 0,
	    "%s", err.detail);
	cr_expect_str_eq(p.tenant, "t1");
	cr_expect_str_eq(p.token_id, c.info.id);
	cr_expect_eq(p.perms.bits, c.perms.bits);
	cr_expect_eq(authenticate(bearer("bearer %s", c.secret), &p, &err), 0);
	cr_expect_eq(authenticate(bearer("BEARER %s", c.secret), &p, &err), 0);
	cr_expect_eq(authenticate(bearer("bEaReR %s", c.secret), &p, &err), 0);
	/* RFC 6750 §2.1: 1*SP between the scheme and the token. */
	cr_expect_eq(
	    authenticate(bearer("Bearer   %s", c.secret), &p, &err), 0);
}

Test(token, missing_header_asks_for_a_token)
{
	struct principal p;
	struct scim_err err;

	cr_expect_eq(authenticate(STR_NULL, &p, &err), SCIM_E_UNAUTHORIZED);
	cr_expect_str_eq(err.detail, MISSING);
	cr_expect_eq(authenticate(STR_LIT(""), &p, &err), SCIM_E_UNAUTHORIZED);
	cr_expect_str_eq(err.detail, MISSING);
}

Test(token, malformed_headers_are_invalid)
{
	static const enum perm ps[] = {PERM_CRED_READ};
	struct create c = make("t1", ps, 1);
	char bad[TOKEN_STRLEN + 1];
	static char big[300];
	struct principal p;
	struct scim_err err;

	expect_invalid(STR_LIT("Bearer"), "scheme only");
	expect_invalid(STR_LIT("Bearer "), "empty token");
	expect_invalid(STR_LIT("Bearer garbage"), "garbage");
	expect_invalid(bearer("Basic %s", c.secret), "wrong scheme");
	expect_invalid(bearer("Token %s", c.secret), "wrong scheme");
	expect_invalid(bearer("Bearer: %s", c.secret), "colon");
	expect_invalid(bearer("Bearers %s", c.secret), "longer scheme");
	expect_invalid(bearer("%s", c.secret), "no scheme");
	expect_invalid(bearer("Bearer\t%s", c.secret), "tab");
	expect_invalid(bearer(" Bearer %s", c.secret), "leading space");
	expect_invalid(bearer("Bearer %s ", c.secret), "trailing space");
	expect_invalid(bearer("Bearer %s x", c.secret), "a second token");
	expect_invalid(bearer("Bearer %s,x", c.secret), "trailing junk");
	expect_invalid(bearer("Bearer %.51s", c.secret), "one char short");
	expect_invalid(bearer("Bearer %sA", c.secret), "one char long");
	expect_invalid(
	    bearer("Bearer SCIMCRED_%s", c.secret + 9), "prefix case");

	/* Same length, one character changed. */
	memcpy(bad, c.secret, sizeof(bad));
	bad[20] = bad[20] == 'A' ? 'B' : 'A';
	expect_invalid(bearer("Bearer %s", bad), "altered");
	/* A character outside base64url. */
	memcpy(bad, c.secret, sizeof(bad));
	bad[30] = '+';
	expect_invalid(bearer("Bearer %s", bad), "standard base64");
	/* Last character with bits that 32 bytes can't produce. */
	memcpy(bad, c.secret, sizeof(bad));
	bad[TOKEN_STRLEN - 1] = 'B';
	expect_invalid(bearer("Bearer %s", bad), "non-canonical end");

	/* Oversize: TOKEN_MAX is checked before anything else. */
	memset(big, ' ', sizeof(big) - 1);
	memcpy(big, "Bearer ", 7);
	memcpy(big + 7, c.secret, TOKEN_STRLEN);
	expect_invalid(str_make(big, sizeof(big) - 1), "oversize");
	expect_invalid(str_make(big, TOKEN_MAX + 1), "one past TOKEN_MAX");
	cr_expect_eq(authenticate(str_make(big, 7 + TOKEN_STRLEN), &p, &err), 0,
	    "the exact header inside the big buffer is fine");
	/* An embedded NUL in the token. */
	memcpy(big + 7 + 10, "\0", 1);
	expect_invalid(str_make(big, 7 + TOKEN_STRLEN), "NUL inside");
}

Test(token, unknown_token_of_valid_shape_is_invalid)
{
	/* Right shape, never issued. */
	expect_invalid(
	    STR_LIT(
		"Bearer scimcred_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
	    "unissued");
}

Test(token, authorize_order_401_404_403)
{
	static const enum perm ps[] = {PERM_CRED_READ};
	struct create c = make("t1", ps, 1);
	struct principal p;
	struct scim_err err, unknown;

	/* 401 before anything else, whatever the tenant. */
	cr_expect_eq(authorize("t1", STR_NULL, PERM_CRED_READ, &p, &err),
	    SCIM_E_UNAUTHORIZED);
	cr_expect_str_eq(err.detail, MISSING);
	cr_expect_eq(
	    authorize("zz", STR_LIT("Bearer x"), PERM_CRED_READ, &p, &err),
	    SCIM_E_UNAUTHORIZED);
	cr_expect_str_eq(err.detail, INVALID);

	/* Another tenant, existing or not, is one and the same 404. */
	cr_expect_eq(authorize("t2", bearer("Bearer %s", c.secret),
			 PERM_CRED_READ, &p, &err),
	    SCIM_E_NOT_FOUND);
	cr_expect_eq(authorize("nosuch", bearer("Bearer %s", c.secret),
			 PERM_CRED_READ, &p, &unknown),
	    SCIM_E_NOT_FOUND);
	cr_expect_str_eq(err.detail, unknown.detail);
	cr_expect_str_eq(err.detail, "tenant not found");
	cr_expect_eq(p.tenant[0], '\0', "no principal on failure");
	/* Even when the token lacks the permission too: 404 first. */
	cr_expect_eq(authorize("t2", bearer("Bearer %s", c.secret),
			 PERM_CRED_DELETE, &p, &err),
	    SCIM_E_NOT_FOUND);

	/* 403 names the missing permission. */
	cr_expect_eq(authorize("t1", bearer("Bearer %s", c.secret),
			 PERM_CRED_DELETE, &p, &err),
	    SCIM_E_FORBIDDEN);
	cr_expect_str_eq(err.detail,
	    "this token lacks the permission "
	    "credentialsIssuance:delete:credentials");
	cr_expect_null(strstr(err.detail, c.secret));

	cr_expect_eq(authorize("t1", bearer("Bearer %s", c.secret),
			 PERM_CRED_READ, &p, &err),
	    0);
	cr_expect_str_eq(p.tenant, "t1");
	cr_expect_str_eq(p.token_id, c.info.id);
	cr_expect(perm_set_has(&p.perms, PERM_CRED_READ));
	cr_expect_eq(authorize("t1", bearer("Bearer %s", c.secret), PERM_COUNT,
			 &p, &err),
	    SCIM_E_INTERNAL, "an unknown route permission is a bug");
}

struct revoke {
	const char *tenant, *id;
};

static int
revoke_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	struct revoke *r = arg;

	return token_revoke(t, str_from(r->tenant), str_from(r->id), err);
}

static int
revoke(const char *tenant, const char *id)
{
	struct revoke r = {tenant, id};

	return fixture_write(st, revoke_fn, &r);
}

Test(token, revoked_token_is_invalid)
{
	static const enum perm ps[] = {PERM_CRED_READ};
	struct create a = make("t1", ps, 1), b = make("t1", ps, 1);
	struct principal p;
	struct scim_err err;

	cr_expect_eq(revoke("t1", "0123456789abcdef"), SCIM_E_NOT_FOUND);
	cr_expect_eq(revoke("t1", "not-an-id"), SCIM_E_NOT_FOUND);
	cr_expect_eq(revoke("t2", a.info.id), SCIM_E_NOT_FOUND,
	    "one tenant can't revoke another's token");
	cr_assert_eq(authenticate(bearer("Bearer %s", a.secret), &p, &err), 0);

	cr_assert_eq(revoke("t1", a.info.id), 0);
	expect_invalid(bearer("Bearer %s", a.secret), "revoked");
	cr_expect_eq(authenticate(bearer("Bearer %s", b.secret), &p, &err), 0,
	    "the other token still works");
	cr_expect_eq(revoke("t1", a.info.id), SCIM_E_NOT_FOUND);
}

struct listing {
	int n;
	char ids[8][TOKEN_ID_LEN + 1];
	uint64_t bits[8];
	int stop_after;
};

static int
list_fn(void *arg, const struct token_info *info)
{
	struct listing *l = arg;

	cr_assert_lt(l->n, 8);
	strcpy(l->ids[l->n], info->id);
	l->bits[l->n] = info->perms.bits;
	cr_expect_str_eq(info->tenant, "t1");
	cr_expect_eq(info->created_ms, 1700000000123LL);
	l->n++;
	return l->stop_after != 0 && l->n == l->stop_after ? 42 : 0;
}

static int
list(const char *tenant, struct listing *l)
{
	struct store_txn *t = NULL;
	int rc;

	cr_assert_eq(store_read_begin(st, &t, NULL), 0);
	rc = token_each(t, str_from(tenant), list_fn, l);
	store_read_end(t);
	return rc;
}

static int
listed(const struct listing *l, const struct create *c)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->ids[i], c->info.id) == 0 &&
		    l->bits[i] == c->perms.bits)
			return 1;
	return 0;
}

Test(token, list_shows_one_tenants_tokens)
{
	static const enum perm p1[] = {PERM_CRED_READ};
	static const enum perm p2[] = {PERM_USER_READ, PERM_SCHEMA_READ};
	struct create a = make("t1", p1, 1), b = make("t1", p2, 2);
	struct create c = make("t1", NULL, 0), d = make("t2", p1, 1);
	struct listing l = {0};

	cr_assert_eq(list("t1", &l), 0);
	cr_expect_eq(l.n, 3);
	cr_expect(listed(&l, &a) && listed(&l, &b) && listed(&l, &c));
	cr_expect(!listed(&l, &d));

	memset(&l, 0, sizeof(l));
	l.stop_after = 2;
	cr_expect_eq(list("t1", &l), 42, "stops at the callback's answer");
	cr_expect_eq(l.n, 2);

	cr_assert_eq(revoke("t1", b.info.id), 0);
	memset(&l, 0, sizeof(l));
	cr_assert_eq(list("t1", &l), 0);
	cr_expect_eq(l.n, 2);
	cr_expect(!listed(&l, &b));
	memset(&l, 0, sizeof(l));
	cr_expect_eq(list("bad name", &l), 0);
	cr_expect_eq(l.n, 0);
}

static int
scan_fn(void *arg, struct str key, struct str val)
{
	const char *secret = arg;
	struct str s = str_from(secret);

	cr_expect_eq(str_find(key, s, 0), -1, "secret stored as a key");
	cr_expect_eq(str_find(val, s, 0), -1, "secret stored as a value");
	cr_expect_eq(str_find(val, str_make(secret + 9, 20), 0), -1);
	return 0;
}

Test(token, only_the_hash_is_stored)
{
	static const enum perm ps[] = {PERM_CRED_READ};
	struct create c = make("t1", ps, 1);
	unsigned char hash[32];
	struct store_txn *t = NULL;
	struct str rec;

	cr_assert_eq(
	    EVP_Digest(c.secret, TOKEN_STRLEN, hash, NULL, EVP_sha256(), NULL),
	    1);
	cr_assert_eq(store_read_begin(st, &t, NULL), 0);
	cr_expect_eq(store_kv_get(t, STORE_BUCKET_TOKENS,
			 str_make((const char *)hash, sizeof(hash)), &rec),
	    0, "the record is keyed by SHA-256 of the token");
	cr_expect_eq(store_kv_each_prefix(
			 t, STORE_BUCKET_TOKENS, STR_NULL, scan_fn, c.secret),
	    0);
	cr_expect_eq(store_kv_each_prefix(t, STORE_BUCKET_TOKEN_IDS, STR_NULL,
			 scan_fn, c.secret),
	    0);
	store_read_end(t);
}

static int
remove_fn(struct store_txn *t, void *arg, struct scim_err *err)
{
	return tenant_remove(t, str_from(arg), err);
}

static int
count_fn(void *arg, struct str key, struct str val)
{
	(*(int *)arg)++;
	return 0;
}

Test(token, removing_the_tenant_removes_its_tokens)
{
	static const enum perm ps[] = {PERM_CRED_READ};
	struct create a = make("t1", ps, 1), b = make("t2", ps, 1);
	struct store_txn *t = NULL;
	struct principal p;
	struct scim_err err;
	int n = 0;

	cr_assert_eq(fixture_write(st, remove_fn, (void *)"t1"), 0);
	expect_invalid(bearer("Bearer %s", a.secret), "tenant removed");
	cr_expect_eq(authenticate(bearer("Bearer %s", b.secret), &p, &err), 0);
	cr_assert_eq(store_read_begin(st, &t, NULL), 0);
	cr_expect_eq(store_kv_each_prefix(
			 t, STORE_BUCKET_TOKENS, STR_NULL, count_fn, &n),
	    0);
	cr_expect_eq(n, 1, "only t2's token record is left");
	store_read_end(t);

	/* A new tenant of the same name doesn't inherit the old tokens. */
	cr_assert_eq(fixture_write(st, tenant_fn, (void *)"t1"), 0);
	expect_invalid(bearer("Bearer %s", a.secret), "tenant recreated");
}
