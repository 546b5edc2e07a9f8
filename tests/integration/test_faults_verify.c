/*
 * The mixed crash test's check after a restart (test_faults_crash.h):
 * lists every User, Group and Credential of the tenant once, settles
 * each writer's write in flight (all of its states old or all new: a
 * mix is a partial write), compares every resource with what its
 * client was told, then checks the tenant as a whole: nothing unknown,
 * memberships consistent in both directions, owners present, and
 * uniqueness keys resolving by filter to the one resource that holds
 * them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_faults_crash.h"

#define BASE "/scim/demo/v2"
#define LIST_MAX 1000 /* the server's max_count; the model stays below */
#define SAMPLES 3 /* uniqueness look-ups per writer and kind */

static const char *const endpoint[K_COUNT] = {"Users", "Groups", "Credential"};

struct listing {
	struct harness_resp resp[K_COUNT];
	const struct json_value *items[K_COUNT]; /* Resources, or NULL */
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

static const char *
fetch(const struct harness_server *srv, struct listing *l)
{
	char path[128];
	int64_t total;
	int k;

	memset(l, 0, sizeof(*l));
	for (k = 0; k < K_COUNT; k++) {
		snprintf(path, sizeof(path), BASE "/%s?count=%d", endpoint[k],
		    LIST_MAX);
		harness_get(srv, srv->admin_token, path, &l->resp[k]);
		if (l->resp[k].status != 200 ||
		    !harness_jint(
			harness_json(&l->resp[k]), "totalResults", &total)) {
			snprintf(why, sizeof(why), "GET %s: %d", path,
			    l->resp[k].status);
			return why;
		}
		l->items[k] =
		    harness_jpath(harness_json(&l->resp[k]), "Resources");
		if (total != (int64_t)nitems(l, k)) {
			snprintf(why, sizeof(why),
			    "GET %s: totalResults %lld, %zu listed", path,
			    (long long)total, nitems(l, k));
			return why;
		}
	}
	return NULL;
}

static void
listing_free(struct listing *l)
{
	int k;

	for (k = 0; k < K_COUNT; k++)
		harness_resp_free(&l->resp[k]);
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

/* The unique name a writer gave the resource in state st. */
static const char *
name_of(const struct writer *w, enum kind k, const struct res *r,
    const struct state *st, const char **attr, char *buf, size_t len)
{
	static const char *const attrs[K_COUNT] = {
	    "userName", "displayName", "externalId"};

	*attr = attrs[k];
	if (k == K_USER)
		snprintf(buf, len, "w%d-u%u", w->index, r->key);
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
	return k == K_GROUP ? group_mismatch(w, st, o)
			    : cred_mismatch(w, st, o);
}

static const char *
describe(const struct writer *w, enum kind k, const struct res *r,
    const struct state *st, const char *what)
{
	snprintf(why, sizeof(why),
	    "writer %d %s %s (key %u): %s; expected %s v%ld a=%u b=%u",
	    w->index, endpoint[k], r->id[0] ? r->id : "(create in flight)",
	    r->key, what, st->alive ? "alive" : "deleted", st->version, st->a,
	    st->b);
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
	for (i = 0; i < nitems(l, K_CRED); i++) {
		uid = harness_jstr(item(l, K_CRED, i), "owner.value");
		if (uid != NULL && find_by(l, K_USER, "id", uid) == NULL) {
			snprintf(why, sizeof(why),
			    "Credential %s: owner %s does not exist",
			    harness_jstr(item(l, K_CRED, i), "id"), uid);
			return why;
		}
	}
	return NULL;
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
	char f[160];
	const char *bad = NULL;
	struct res *r;
	int n, i, k;

	for (k = 0; k < K_COUNT && bad == NULL; k += 2)
		for (n = 0; n < SAMPLES && bad == NULL; n++) {
			i = (int)((unsigned)rand_r(&w->seed) % SLOTS);
			r = &w->res[k][i];
			if (!r->used || !r->ack.alive)
				continue;
			if (k == K_USER) {
				snprintf(f, sizeof(f),
				    "userName eq \"w%d-u%u\"", w->index,
				    r->key);
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

const char *
crash_verify(
    const struct harness_server *srv, struct writer *ws, int nw, long *checked)
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
	for (i = 0; i < nw && bad == NULL; i++)
		bad = check_unique(srv, &ws[i]);
	listing_free(&l);
	return bad;
}
