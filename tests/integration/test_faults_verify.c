/*
 * The mixed crash test's check after a restart (test_faults_crash.h):
 * lists every User, Group, Credential (the load's and the rule's
 * apart, by type) and staged change of the tenant once, settles
 * each writer's write in flight (all of its states old or all new: a
 * mix is a partial write), compares every resource with what its
 * client was told, then checks the tenant as a whole: nothing unknown,
 * memberships consistent in both directions, owners present, and
 * uniqueness keys resolving by filter to the one resource that holds
 * them; and that the issuance rule's Credentials (at most one living
 * per User) and /StagedChanges agree with the model: a selected living
 * User without a living Credential from the rule has exactly one staged
 * ISSUE, nobody else has a staged change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_faults_crash.h"

#define BASE "/scim/demo/v2"
#define LIST_MAX 1000 /* the server's max_count; the model stays below */
#define SAMPLES 3 /* uniqueness look-ups per writer and kind */

static const char *const endpoint[K_COUNT] = {
    "Users", "Groups", "Credential", "Credential"};
static const char *const kind_name[K_COUNT] = {
    "User", "Group", "Credential", "rule's Credential"};
/* The filter that lists one kind, or NULL. */
static const char *const kind_filter[K_COUNT] = {
    NULL, NULL, "type eq \"" CTYPE "\"", "type eq \"" RULE_CTYPE "\""};

struct listing {
	struct harness_resp resp[K_COUNT];
	const struct json_value *items[K_COUNT]; /* Resources, or NULL */
	struct harness_resp staged_resp;
	const struct json_value *staged; /* /StagedChanges' Resources */
};

static char why[1024];

static size_t
nitems(const struct listing *l, enum kind k)
{
	return l->items[k] != NULL ? l->items[k]->u.array.len : 0;
}

static const struct json_value *
item(const struct listing *l, enum kind k, size_t i)
{
	return l->items[k]->u.array.items[i];
}

void
crash_user_name(int writer, unsigned key, char *buf, size_t len)
{
	snprintf(buf, len, "%sw%d-u%u",
	    crash_user_matches(key) ? RULE_PREFIX : "", writer, key);
}

int
crash_user_matches(unsigned key)
{
	return key % 2 == 0;
}

int
crash_issued_to(const struct writer *w, int user)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		if (w->res[K_ISSUED][i].used && w->res[K_ISSUED][i].ack.alive &&
		    w->res[K_ISSUED][i].ack.owner == user)
			return i;
	return -1;
}

/* GETs path into r, which must list all of its totalResults; *items
 * gets its Resources (NULL when it has none), *total totalResults. */
static const char *
get_list(const struct harness_server *srv, const char *path,
    struct harness_resp *r, const struct json_value **items, int64_t *total)
{
	long n;

	harness_get(srv, srv->admin_token, path, r);
	if (r->status != 200 ||
	    !harness_jint(harness_json(r), "totalResults", total)) {
		snprintf(why, sizeof(why), "GET %s: %d", path, r->status);
		return why;
	}
	*items = harness_jpath(harness_json(r), "Resources");
	n = *items != NULL ? harness_jlen(harness_json(r), "Resources") : 0;
	if (*total != (int64_t)n) {
		snprintf(why, sizeof(why),
		    "GET %s: totalResults %lld, %ld listed", path,
		    (long long)*total, n);
		return why;
	}
	return NULL;
}

/* Every kind, /StagedChanges, and the number of Credentials of all
 * types, which must be those of the two kinds listed by type. */
static const char *
fetch(const struct harness_server *srv, struct listing *l)
{
	struct harness_resp r;
	char path[256], *enc;
	const char *bad = NULL;
	int64_t total;
	int k;

	memset(l, 0, sizeof(*l));
	for (k = 0; k < K_COUNT && bad == NULL; k++) {
		enc = kind_filter[k] != NULL ? harness_urlencode(kind_filter[k])
					     : NULL;
		snprintf(path, sizeof(path), BASE "/%s?count=%d%s%s",
		    endpoint[k], LIST_MAX, enc != NULL ? "&filter=" : "",
		    enc != NULL ? enc : "");
		free(enc);
		bad = get_list(srv, path, &l->resp[k], &l->items[k], &total);
	}
	snprintf(path, sizeof(path), BASE "/StagedChanges?count=%d", LIST_MAX);
	if (bad == NULL)
		bad = get_list(srv, path, &l->staged_resp, &l->staged, &total);
	if (bad != NULL)
		return bad;
	harness_get(srv, srv->admin_token, BASE "/Credential?count=1", &r);
	if (!harness_jint(harness_json(&r), "totalResults", &total) ||
	    total != (int64_t)(nitems(l, K_CRED) + nitems(l, K_ISSUED))) {
		snprintf(why, sizeof(why),
		    "GET /Credential: %d, totalResults %lld, but %zu + %zu "
		    "listed by type",
		    r.status, (long long)total, nitems(l, K_CRED),
		    nitems(l, K_ISSUED));
		bad = why;
	}
	harness_resp_free(&r);
	return bad;
}

static void
listing_free(struct listing *l)
{
	int k;

	for (k = 0; k < K_COUNT; k++)
		harness_resp_free(&l->resp[k]);
	harness_resp_free(&l->staged_resp);
}

static const struct json_value *
find_by(const struct listing *l, enum kind k, const char *path, const char *val)
{
	const char *s;
	size_t i;

	for (i = 0; i < nitems(l, k); i++) {
		s = harness_jstr(item(l, k, i), path);
		if (s != NULL && strcmp(s, val) == 0)
			return item(l, k, i);
	}
	return NULL;
}

/* The unique name a writer gave the resource in state st; a rule's
 * Credential is known by its owner (one living per User). */
static const char *
name_of(const struct writer *w, enum kind k, const struct res *r,
    const struct state *st, const char **attr, char *buf, size_t len)
{
	static const char *const attrs[K_COUNT] = {
	    "userName", "displayName", "externalId", "owner.value"};

	*attr = attrs[k];
	if (k == K_USER)
		crash_user_name(w->index, r->key, buf, len);
	else if (k == K_ISSUED)
		snprintf(buf, len, "%s",
		    st->owner >= 0 ? w->res[K_USER][st->owner].id : "");
	else if (k == K_GROUP)
		snprintf(buf, len, "w%d-g%u-%u", w->index, r->key, st->a);
	else
		snprintf(buf, len, "w%d-c%u", w->index, r->key);
	return buf;
}

/* The resource as listed: by id, or for a create in flight by name. */
static const struct json_value *
observe(const struct listing *l, const struct writer *w, enum kind k,
    const struct res *r)
{
	const char *attr;
	char name[96];

	if (r->id[0] != '\0')
		return find_by(l, k, "id", r->id);
	if (!r->has_pend)
		return NULL;
	name_of(w, k, r, &r->pend, &attr, name, sizeof(name));
	return find_by(l, k, attr, name);
}

static long
version_of(const struct json_value *o)
{
	const char *v = harness_jstr(o, "meta.version");
	const char *q = v != NULL ? strchr(v, '"') : NULL;

	return q != NULL ? strtol(q + 1, NULL, 10) : -1;
}

static int
str_is(const struct json_value *o, const char *path, const char *want)
{
	const char *s = harness_jstr(o, path);

	return s != NULL && strcmp(s, want) == 0;
}

/* The value of the Credential attribute called name, or NULL. */
static const char *
cred_attr(const struct json_value *o, const char *name)
{
	const struct json_value *a = harness_jpath(o, "attributes");
	size_t i;

	for (i = 0; a != NULL && a->type == JSON_ARRAY && i < a->u.array.len;
	     i++)
		if (str_is(a->u.array.items[i], "name", name))
			return harness_jstr(a->u.array.items[i], "value");
	return NULL;
}

static const char *
group_mismatch(
    const struct writer *w, const struct state *st, const struct json_value *o)
{
	long n = harness_jlen(o, "members");
	char path[48];
	int i, j, found;

	if ((n < 0 ? 0 : n) != st->nmem)
		return "member count";
	for (i = 0; i < st->nmem; i++) {
		found = 0;
		for (j = 0; j < st->nmem && !found; j++) {
			snprintf(path, sizeof(path), "members.%d.value", j);
			found = str_is(o, path, w->res[K_USER][st->mem[i]].id);
		}
		if (!found)
			return "members";
	}
	return NULL;
}

static const char *
cred_mismatch(
    const struct writer *w, const struct state *st, const struct json_value *o)
{
	const char *v = cred_attr(o, "V"), *k = cred_attr(o, "K");
	const char *owner = harness_jstr(o, "owner.value");
	char buf[48];

	snprintf(buf, sizeof(buf), "%u", st->a);
	if (v == NULL || strcmp(v, buf) != 0)
		return "attribute V";
	snprintf(buf, sizeof(buf), "w%d-k%u", w->index, st->b);
	if (k == NULL || strcmp(k, buf) != 0)
		return "attribute K";
	if (st->owner < 0 ? owner != NULL
			  : owner == NULL ||
		    strcmp(owner, w->res[K_USER][st->owner].id) != 0)
		return "owner";
	return NULL;
}

/* What the rule issues: its type, ACTIVE (the type's initialStatus),
 * LOGIN from the owner's userName. */
static const char *
issued_mismatch(
    const struct writer *w, const struct state *st, const struct json_value *o)
{
	const char *login = cred_attr(o, "LOGIN");
	char name[64];

	if (!str_is(o, "type", RULE_CTYPE))
		return "type";
	if (!str_is(o, "status.status", "ACTIVE"))
		return "status";
	crash_user_name(
	    w->index, w->res[K_USER][st->owner].key, name, sizeof(name));
	if (login == NULL || strcmp(login, name) != 0)
		return "attribute LOGIN (the owner's userName)";
	return NULL;
}

/* NULL if o (NULL: not listed) is the resource r in state st. */
static const char *
mismatch(const struct writer *w, enum kind k, const struct res *r,
    const struct state *st, const struct json_value *o)
{
	const char *attr;
	char name[96], buf[48];

	if (!st->alive)
		return o == NULL ? NULL : "exists, but was deleted";
	if (o == NULL)
		return "missing";
	if (version_of(o) != st->version)
		return "version";
	name_of(w, k, r, st, &attr, name, sizeof(name));
	if (!str_is(o, attr, name))
		return "name";
	if (k == K_USER) {
		snprintf(buf, sizeof(buf), "D%u", st->a);
		if (!str_is(o, "displayName", buf))
			return "displayName";
		snprintf(buf, sizeof(buf), "T%u", st->b);
		return str_is(o, "title", buf) ? NULL : "title";
	}
	if (k == K_ISSUED)
		return issued_mismatch(w, st, o);
	return k == K_GROUP ? group_mismatch(w, st, o)
			    : cred_mismatch(w, st, o);
}

static const char *
describe(const struct writer *w, enum kind k, const struct res *r,
    const struct state *st, const char *what)
{
	snprintf(why, sizeof(why),
	    "writer %d %s %s (key %u): %s; expected %s v%ld a=%u b=%u "
	    "owner %d",
	    w->index, kind_name[k], r->id[0] ? r->id : "(create in flight)",
	    r->key, what, st->alive ? "alive" : "deleted", st->version, st->a,
	    st->b, st->owner);
	return why;
}

/* The write in flight at the kill: all of its states old, or all new. */
static const char *
settle(const struct listing *l, struct writer *w, long *checked)
{
	struct res *t = &w->res[w->target_kind][w->target_slot], *r;
	const struct json_value *o;
	const char *bad, *id;
	int k, i, committed;

	if (!t->has_pend)
		return NULL;
	o = observe(l, w, w->target_kind, t);
	if (mismatch(w, w->target_kind, t, &t->pend, o) == NULL)
		committed = 1;
	else if ((bad = mismatch(w, w->target_kind, t, &t->ack, o)) == NULL)
		committed = 0;
	else
		return describe(w, w->target_kind, t, &t->ack,
		    "in flight, but neither old nor new");
	if (committed)
		w->inflight_new++;
	else
		w->inflight_old++;
	w->op_settled[w->cur_op][committed]++;
	id = o != NULL ? harness_jstr(o, "id") : NULL;
	if (committed && t->id[0] == '\0' && id != NULL)
		snprintf(t->id, sizeof(t->id), "%s", id);
	for (k = 0; k < K_COUNT; k++)
		for (i = 0; i < SLOTS; i++) {
			r = &w->res[k][i];
			if (!r->has_pend)
				continue;
			(*checked)++;
			bad = mismatch(w, k, r, committed ? &r->pend : &r->ack,
			    observe(l, w, k, r));
			if (bad != NULL)
				return describe(w, k, r,
				    committed ? &r->pend : &r->ack,
				    committed ? "partial write (target new)"
					      : "partial write (target old)");
			if (committed)
				r->ack = r->pend;
			r->has_pend = 0;
		}
	return NULL;
}

static const char *
check_model(
    const struct listing *l, struct writer *w, long *alive, long *checked)
{
	const struct res *r;
	const char *bad;
	int k, i;

	for (k = 0; k < K_COUNT; k++)
		for (i = 0; i < SLOTS; i++) {
			r = &w->res[k][i];
			if (!r->used || r->id[0] == '\0')
				continue;
			(*checked)++;
			alive[k] += r->ack.alive;
			bad = mismatch(w, k, r, &r->ack, observe(l, w, k, r));
			if (bad != NULL)
				return describe(w, k, r, &r->ack, bad);
		}
	return NULL;
}

/* 1 if the array at path of o has an element whose value is id. */
static int
lists(const struct json_value *o, const char *path, const char *id)
{
	const struct json_value *a = harness_jpath(o, path);
	size_t i;

	for (i = 0; a != NULL && a->type == JSON_ARRAY && i < a->u.array.len;
	     i++)
		if (str_is(a->u.array.items[i], "value", id))
			return 1;
	return 0;
}

/* Every Credential's owner exists; the rule's Credentials have one,
 * each a different one (the rule never issues twice to one User). */
static const char *
check_owners(const struct listing *l)
{
	const char *uid, *cid;
	size_t i, j;
	int k;

	for (k = K_CRED; k <= K_ISSUED; k++)
		for (i = 0; i < nitems(l, (enum kind)k); i++) {
			uid = harness_jstr(item(l, k, i), "owner.value");
			cid = harness_jstr(item(l, k, i), "id");
			if (uid == NULL
				? k == K_ISSUED
				: find_by(l, K_USER, "id", uid) == NULL) {
				snprintf(why, sizeof(why),
				    "%s %s: owner %s does not exist",
				    kind_name[k], cid, uid ? uid : "(none)");
				return why;
			}
			for (j = 0; k == K_ISSUED && j < i; j++)
				if (str_is(item(l, k, j), "owner.value", uid)) {
					snprintf(why, sizeof(why),
					    "User %s holds two of the rule's "
					    "Credentials: %s and %s",
					    uid,
					    harness_jstr(item(l, k, j), "id"),
					    cid);
					return why;
				}
		}
	return NULL;
}

/* Every membership seen from both ends; member display follows the
 * User's displayName (group.h: renames update the edges). */
static const char *
check_links(const struct listing *l)
{
	const struct json_value *g, *u, *m, *a;
	const char *gid, *uid;
	size_t i, j;

	for (i = 0; i < nitems(l, K_GROUP); i++) {
		g = item(l, K_GROUP, i);
		gid = harness_jstr(g, "id");
		a = harness_jpath(g, "members");
		for (j = 0; a != NULL && j < a->u.array.len; j++) {
			m = a->u.array.items[j];
			uid = harness_jstr(m, "value");
			u = uid != NULL ? find_by(l, K_USER, "id", uid) : NULL;
			snprintf(why, sizeof(why), "Group %s member %s: ", gid,
			    uid != NULL ? uid : "?");
			if (u == NULL)
				strcat(why, "no such User");
			else if (!lists(u, "groups", gid))
				strcat(why, "the User's groups lacks it");
			else if (!str_is(m, "display",
				     harness_jstr(u, "displayName")))
				strcat(why, "stale display");
			else
				continue;
			return why;
		}
	}
	for (i = 0; i < nitems(l, K_USER); i++) {
		u = item(l, K_USER, i);
		uid = harness_jstr(u, "id");
		a = harness_jpath(u, "groups");
		for (j = 0; a != NULL && j < a->u.array.len; j++) {
			gid = harness_jstr(a->u.array.items[j], "value");
			g = gid != NULL ? find_by(l, K_GROUP, "id", gid) : NULL;
			if (g == NULL || !lists(g, "members", uid)) {
				snprintf(why, sizeof(why),
				    "User %s lists Group %s, which does not "
				    "list it",
				    uid, gid != NULL ? gid : "?");
				return why;
			}
		}
	}
	return check_owners(l);
}

/* GET endpoint?filter=... must find exactly the resource id. */
static const char *
resolves(const struct harness_server *srv, const char *ep, const char *filter,
    const char *id)
{
	struct harness_resp r;
	char *enc = harness_urlencode(filter), path[512];
	int64_t total = -1;
	const char *got;

	snprintf(path, sizeof(path), BASE "/%s?filter=%s", ep, enc);
	free(enc);
	harness_get(srv, srv->admin_token, path, &r);
	harness_jint(harness_json(&r), "totalResults", &total);
	got = harness_jstr(harness_json(&r), "Resources.0.id");
	if (r.status != 200 || total != 1 || got == NULL ||
	    strcmp(got, id) != 0)
		snprintf(why, sizeof(why), "%s?filter=%s: %d, %lld found", ep,
		    filter, r.status, (long long)total);
	else
		why[0] = '\0';
	harness_resp_free(&r);
	return why[0] != '\0' ? why : NULL;
}

static const char *
check_unique(const struct harness_server *srv, struct writer *w)
{
	char f[160], name[64];
	const char *bad = NULL;
	struct res *r;
	int n, i, k;

	for (k = K_USER; k <= K_CRED && bad == NULL; k += K_CRED - K_USER)
		for (n = 0; n < SAMPLES && bad == NULL; n++) {
			i = (int)((unsigned)rand_r(&w->seed) % SLOTS);
			r = &w->res[k][i];
			if (!r->used || !r->ack.alive)
				continue;
			if (k == K_USER) {
				crash_user_name(
				    w->index, r->key, name, sizeof(name));
				snprintf(
				    f, sizeof(f), "userName eq \"%s\"", name);
				bad = resolves(srv, "Users", f, r->id);
				continue;
			}
			snprintf(f, sizeof(f), "externalId eq \"w%d-c%u\"",
			    w->index, r->key);
			bad = resolves(srv, "Credential", f, r->id);
			snprintf(f, sizeof(f),
			    "attributes[name eq \"K\" and value eq "
			    "\"w%d-k%u\"]",
			    w->index, r->ack.b);
			if (bad == NULL)
				bad = resolves(srv, "Credential", f, r->id);
		}
	return bad;
}

/* How many of the staged changes are (user, action). */
static int
staged_count(const struct listing *l, const char *user, const char *action)
{
	const struct json_value *c;
	size_t i;
	int n = 0;

	for (i = 0; l->staged != NULL && i < l->staged->u.array.len; i++) {
		c = l->staged->u.array.items[i];
		n += str_is(c, "user.value", user) &&
		    (action == NULL || str_is(c, "action", action));
	}
	return n;
}

/*
 * /StagedChanges after the writes in flight are settled: each selected
 * living User without a living Credential from the rule has one ISSUE,
 * every other User nothing. An apply in flight that created its
 * Credential but left the change, or consumed the change without one,
 * fails here (the Credential side was settled against the model).
 */
static const char *
check_staged(
    const struct listing *l, const char *rule, struct writer *ws, int nw)
{
	const struct json_value *c;
	const struct res *u;
	long want = 0;
	size_t i, n;
	int wi, s, issue, got;

	for (wi = 0; wi < nw; wi++)
		for (s = 0; s < SLOTS; s++) {
			u = &ws[wi].res[K_USER][s];
			if (!u->used || !u->ack.alive || u->id[0] == '\0')
				continue;
			issue = crash_user_matches(u->key) &&
			    crash_issued_to(&ws[wi], s) < 0;
			want += issue;
			got = staged_count(l, u->id, issue ? "ISSUE" : NULL);
			if (got != issue) {
				snprintf(why, sizeof(why),
				    "writer %d User %s (key %u, %s): %d staged "
				    "%s, want %d",
				    wi, u->id, u->key,
				    crash_user_matches(u->key) ? "selected"
							       : "not selected",
				    got, issue ? "ISSUE" : "changes", issue);
				return why;
			}
		}
	n = l->staged != NULL ? l->staged->u.array.len : 0;
	for (i = 0; i < n; i++) {
		c = l->staged->u.array.items[i];
		if (!str_is(c, "issuanceRule.value", rule) ||
		    !str_is(c, "credentialType.value", RULE_CTYPE)) {
			snprintf(why, sizeof(why),
			    "staged change %s: rule or type is not the test's",
			    harness_jstr(c, "id"));
			return why;
		}
	}
	if ((long)n != want) {
		snprintf(why, sizeof(why),
		    "/StagedChanges: %zu listed, %ld expected", n, want);
		return why;
	}
	return NULL;
}

const char *
crash_verify(const struct harness_server *srv, const char *rule,
    struct writer *ws, int nw, long *checked)
{
	struct listing l;
	long alive[K_COUNT] = {0};
	const char *bad;
	int i, k;

	bad = fetch(srv, &l);
	for (i = 0; i < nw && bad == NULL; i++)
		bad = settle(&l, &ws[i], checked);
	for (i = 0; i < nw && bad == NULL; i++)
		bad = check_model(&l, &ws[i], alive, checked);
	for (k = 0; k < K_COUNT && bad == NULL; k++)
		if ((size_t)alive[k] != nitems(&l, k)) {
			snprintf(why, sizeof(why),
			    "%s: %zu listed, %ld known to the clients",
			    endpoint[k], nitems(&l, k), alive[k]);
			bad = why;
		}
	if (bad == NULL)
		bad = check_links(&l);
	if (bad == NULL)
		bad = check_staged(&l, rule, ws, nw);
	for (i = 0; i < nw && bad == NULL; i++)
		bad = check_unique(srv, &ws[i]);
	listing_free(&l);
	return bad;
}
