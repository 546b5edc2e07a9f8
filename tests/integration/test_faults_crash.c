/*
 * Mixed crash test (HARDENING.md promises 1, 2 and 3; issue 7): two
 * writers create, replace (PUT with If-Match), patch and delete Users,
 * Groups (membership patches) and Credentials, and apply an issuance
 * rule's staged changes (issue 5), while the daemon is killed with
 * SIGKILL at a random moment, SCIMCRED_CRASH_MIXED_CYCLES times (default
 * 50). Each writer owns its resources, so cascades (deleting a User
 * removes it from its Groups, giving them a new version, and deletes the
 * Credentials it owns, the rule's included, and its staged change) stay
 * inside what one writer models.
 *
 * The rule (AUTOMATED type RULE_CTYPE, ON_DEMAND, created at the start)
 * selects the Users whose userName starts with RULE_PREFIX, half of
 * them. The apply op issues the rule's credential to such a User that
 * holds none (POST /IssuanceRules/{id}/StagedChanges {"issue":[id]}),
 * modelled as a create of a K_ISSUED Credential owned by that User;
 * deleting one (DELETE /Credential/{id}) stages its ISSUE again. The
 * staged changes are not modelled as state: after each restart the
 * verifier derives them (a selected living User without a living
 * issued Credential has exactly one staged ISSUE; nobody else has any),
 * so an apply in flight must have both created the Credential and
 * consumed the change, or neither.
 *
 * Every acknowledged write is recorded as the state the client was
 * told; the write in flight at the kill (a writer stops after a write
 * without an answer) is recorded as the states it would leave on every
 * resource it touches. After each restart, within 2 s, every resource
 * must be at exactly its acknowledged state, except those of the write
 * in flight, which must all be at their old states or all at their new
 * ones (no partial write). Then the whole tenant must be consistent:
 * nothing unknown exists, every member of a Group exists and lists the
 * Group in its `groups` (and the reverse), member display names follow
 * renames, every owner exists, and uniqueness keys resolve by filter.
 * Deleted resources' unique values (userName, the tenant-unique
 * attribute K) are reused by later creates, so a key left behind by a
 * delete turns into a refused create.
 *
 * New kinds of write (issue 5's "apply") join as one row of `ops`: a
 * function that marks the states it will change with pend_on() and
 * sends the request with send_write().
 *
 * SCIMCRED_CRASH_SEED reproduces a run.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "test_faults_crash.h"

#define RESTART_LIMIT_MS 2000
#define BASE "/scim/demo/v2"
#define USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"
#define GROUP_URN "urn:ietf:params:scim:schemas:core:2.0:Group"
#define PATCH_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define RULE_URN "urn:scimcred:params:scim:schemas:core:2.0:IssuanceRule"

struct op {
	const char *name;
	unsigned weight;
	/* 0 when a write was sent, 1 when the op does not apply now. */
	int (*run)(struct writer *w);
};

static const char *const endpoint[K_COUNT] = {
    "Users", "Groups", "Credential", "Credential"};

static struct harness_server srv;
static char rule_id[72];
static struct writer writers[WRITERS];

/* ------------------------------------------------------------ model */

static int
pick(struct writer *w, int n)
{
	return (int)((unsigned)rand_r(&w->seed) % (unsigned)n);
}

static int
pick_alive(struct writer *w, enum kind k)
{
	int slots[SLOTS], n = 0, i;

	for (i = 0; i < SLOTS; i++)
		if (w->res[k][i].used && w->res[k][i].ack.alive)
			slots[n++] = i;
	return n > 0 ? slots[pick(w, n)] : -1;
}

/* A slot for a new resource (an unused one, else a deleted one), or -1. */
static int
free_slot(struct writer *w, enum kind k)
{
	int i, dead = -1;

	for (i = 0; i < SLOTS; i++) {
		if (!w->res[k][i].used)
			return i;
		if (!w->res[k][i].ack.alive && dead < 0)
			dead = i;
	}
	return dead;
}

/* A deleted resource's unique value (its key, or for K_CRED its K) half
 * of the time, else a fresh one. */
static unsigned
unique_value(struct writer *w, enum kind k)
{
	int i, start = pick(w, SLOTS);
	struct res *r;

	if (pick(w, 2) == 0)
		for (i = 0; i < SLOTS; i++) {
			r = &w->res[k][(start + i) % SLOTS];
			if (r->used && !r->ack.alive && !r->recycled &&
			    r->id[0] != '\0') {
				r->recycled = 1;
				return k == K_CRED ? r->ack.b : r->key;
			}
		}
	return w->next++;
}

static struct state *
pend_on(struct writer *w, enum kind k, int slot)
{
	struct res *r = &w->res[k][slot];

	if (!r->has_pend) {
		r->pend = r->ack;
		r->has_pend = 1;
	}
	return &r->pend;
}

/* The write about to be sent changes (k, slot): its target. */
static struct state *
target(struct writer *w, enum kind k, int slot)
{
	struct state *st = pend_on(w, k, slot);

	w->target_kind = k;
	w->target_slot = slot;
	st->version = w->res[k][slot].ack.version + 1;
	return st;
}

/* Starts a create in slot: the slot's old (deleted) resource is
 * forgotten. */
static struct state *
target_new(struct writer *w, enum kind k, int slot, unsigned key)
{
	struct res *r = &w->res[k][slot];

	memset(r, 0, sizeof(*r));
	r->used = 1;
	r->recycled = 1;
	r->key = key;
	r->ack.owner = -1;
	target(w, k, slot);
	r->pend.alive = 1;
	r->pend.version = 1;
	return &r->pend;
}

static void
commit_all(struct writer *w)
{
	int k, i;

	for (k = 0; k < K_COUNT; k++)
		for (i = 0; i < SLOTS; i++)
			if (w->res[k][i].has_pend) {
				w->res[k][i].ack = w->res[k][i].pend;
				w->res[k][i].has_pend = 0;
			}
	w->acks++;
	w->op_acks[w->cur_op]++;
}

static int
has_member(const struct state *g, int user)
{
	int i;

	for (i = 0; i < g->nmem; i++)
		if (g->mem[i] == user)
			return 1;
	return 0;
}

static void
drop_member(struct state *g, int user)
{
	int i, j = 0;

	for (i = 0; i < g->nmem; i++)
		if (g->mem[i] != user)
			g->mem[j++] = g->mem[i];
	g->nmem = j;
}

/* ------------------------------------------------------------ writes */

static long
etag_version(const struct harness_resp *r)
{
	const char *e = harness_header(r, "ETag");
	const char *q = e != NULL ? strchr(e, '"') : NULL;

	return q != NULL ? strtol(q + 1, NULL, 10) : -1;
}

/*
 * Sends one write. On the wanted status, the target takes the id found
 * at id_path of the answer (and, when that is the answer's own "id",
 * the version of its ETag), and every pending state becomes
 * acknowledged. Otherwise the writer stops with the states left pending (an
 * unanswered write may or may not have committed); any other answer is
 * a refusal, which fails the test.
 */
static int
send_write_at(struct writer *w, const char *method, const char *path,
    const char *body, long if_match, int want, const char *id_path)
{
	struct harness_req rq = {
	    .method = method, .path = path, .token = srv.admin_token};
	struct res *t = &w->res[w->target_kind][w->target_slot];
	struct harness_resp r;
	const char *id;
	char hdr[64];
	int ok;

	rq.body = body;
	if (if_match > 0) {
		snprintf(hdr, sizeof(hdr), "If-Match: W/\"%ld\"\r\n", if_match);
		rq.headers = hdr;
	}
	harness_send(&srv, &rq, &r);
	ok = r.status == want && (want == 204 || harness_json(&r) != NULL);
	if (ok && want != 204) {
		id = harness_jstr(harness_json(&r), id_path);
		if (strcmp(id_path, "id") == 0)
			t->pend.version = etag_version(&r);
		if (id != NULL && strlen(id) < sizeof(t->id))
			snprintf(t->id, sizeof(t->id), "%s", id);
		else
			ok = 0;
	}
	if (ok) {
		commit_all(w);
	} else {
		w->failed = 1;
		if (r.status != 0 && w->refused++ == 0)
			snprintf(w->refusal, sizeof(w->refusal),
			    "%s %s: %d %.200s", method, path, r.status,
			    r.body != NULL ? r.body : "");
	}
	harness_resp_free(&r);
	return 0;
}

static int
send_write(struct writer *w, const char *method, const char *path,
    const char *body, long if_match, int want)
{
	return send_write_at(w, method, path, body, if_match, want, "id");
}

static const char *
res_path(struct writer *w, enum kind k, int slot, char *buf, size_t len)
{
	snprintf(buf, len, BASE "/%s/%s", endpoint[k], w->res[k][slot].id);
	return buf;
}

/* ",\"members\":[...]" for g, into buf. */
static void
members_json(struct writer *w, const struct state *g, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, ",\"members\":[");
	int i;

	for (i = 0; i < g->nmem && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s{\"value\":\"%s\"}",
		    i > 0 ? "," : "", w->res[K_USER][g->mem[i]].id);
	if (n < len)
		snprintf(buf + n, len - n, "]");
}

/* Up to 3 distinct living Users. */
static void
random_members(struct writer *w, struct state *g)
{
	int want = pick(w, 4), i, u;

	g->nmem = 0;
	for (i = 0; i < want * 2 && g->nmem < want; i++) {
		u = pick_alive(w, K_USER);
		if (u >= 0 && !has_member(g, u))
			g->mem[g->nmem++] = u;
	}
}

static void
user_body(
    struct writer *w, int slot, const struct state *st, char *buf, size_t len)
{
	char name[64];

	crash_user_name(w->index, w->res[K_USER][slot].key, name, sizeof(name));
	snprintf(buf, len,
	    "{\"schemas\":[\"" USER_URN "\"],\"userName\":\"%s\","
	    "\"displayName\":\"D%u\",\"title\":\"T%u\"}",
	    name, st->a, st->b);
}

static int
user_create(struct writer *w)
{
	int slot = free_slot(w, K_USER);
	struct state *st;
	char body[512];

	if (slot < 0)
		return 1;
	st = target_new(w, K_USER, slot, unique_value(w, K_USER));
	st->a = w->next++;
	st->b = w->next++;
	user_body(w, slot, st, body, sizeof(body));
	return send_write(w, "POST", BASE "/Users", body, 0, 201);
}

static int
user_replace(struct writer *w)
{
	int slot = pick_alive(w, K_USER);
	struct state *st;
	char body[512], path[160];

	if (slot < 0)
		return 1;
	st = target(w, K_USER, slot);
	st->a = w->next++;
	st->b = w->next++;
	user_body(w, slot, st, body, sizeof(body));
	return send_write(w, "PUT", res_path(w, K_USER, slot, path, 160), body,
	    w->res[K_USER][slot].ack.version, 200);
}

static int
user_patch(struct writer *w)
{
	int slot = pick_alive(w, K_USER);
	struct state *st;
	char body[256], path[160];

	if (slot < 0)
		return 1;
	st = target(w, K_USER, slot);
	st->b = w->next++;
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
	    "\"replace\",\"path\":\"title\",\"value\":\"T%u\"}]}",
	    st->b);
	return send_write(w, "PATCH", res_path(w, K_USER, slot, path, 160),
	    body, w->res[K_USER][slot].ack.version, 200);
}

/* The cascade (user.h): owned Credentials go (the rule's too), Groups
 * lose the member and get a new version, the User's staged change
 * goes, all in the delete's transaction. */
static int
user_delete(struct writer *w)
{
	int slot = pick_alive(w, K_USER), i, k;
	struct res *r;
	char path[160];

	if (slot < 0)
		return 1;
	target(w, K_USER, slot)->alive = 0;
	for (i = 0; i < SLOTS; i++) {
		for (k = K_CRED; k <= K_ISSUED; k++) {
			r = &w->res[k][i];
			if (r->used && r->ack.alive && r->ack.owner == slot)
				pend_on(w, (enum kind)k, i)->alive = 0;
		}
		r = &w->res[K_GROUP][i];
		if (r->used && r->ack.alive && has_member(&r->ack, slot)) {
			drop_member(pend_on(w, K_GROUP, i), slot);
			r->pend.version = r->ack.version + 1;
		}
	}
	return send_write(
	    w, "DELETE", res_path(w, K_USER, slot, path, 160), NULL, 0, 204);
}

static int
group_write(struct writer *w, int slot, int create)
{
	struct res *g = &w->res[K_GROUP][slot];
	char body[1024], members[640], path[160];

	g->pend.a = w->next++;
	random_members(w, &g->pend);
	members_json(w, &g->pend, members, sizeof(members));
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" GROUP_URN "\"],\"displayName\":\"w%d-g%u-%u\""
	    "%s}",
	    w->index, g->key, g->pend.a, members);
	if (create)
		return send_write(w, "POST", BASE "/Groups", body, 0, 201);
	return send_write(w, "PUT", res_path(w, K_GROUP, slot, path, 160), body,
	    g->ack.version, 200);
}

static int
group_create(struct writer *w)
{
	int slot = free_slot(w, K_GROUP);

	if (slot < 0)
		return 1;
	target_new(w, K_GROUP, slot, w->next++);
	return group_write(w, slot, 1);
}

static int
group_replace(struct writer *w)
{
	int slot = pick_alive(w, K_GROUP);

	if (slot < 0)
		return 1;
	target(w, K_GROUP, slot);
	return group_write(w, slot, 0);
}

/* Adds a living User that is not a member, or removes a member. */
static int
group_patch(struct writer *w)
{
	int slot = pick_alive(w, K_GROUP), u;
	struct state *g;
	char body[512], path[160];

	if (slot < 0)
		return 1;
	g = &w->res[K_GROUP][slot].ack;
	u = pick_alive(w, K_USER);
	if (u >= 0 && !has_member(g, u) && g->nmem < MAX_MEMBERS &&
	    (g->nmem == 0 || pick(w, 2) == 0)) {
		g = target(w, K_GROUP, slot);
		g->mem[g->nmem++] = u;
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
		    "\"add\",\"path\":\"members\",\"value\":[{\"value\":"
		    "\"%s\"}]}]}",
		    w->res[K_USER][u].id);
	} else if (g->nmem > 0) {
		u = g->mem[pick(w, g->nmem)];
		drop_member(target(w, K_GROUP, slot), u);
		snprintf(body, sizeof(body),
		    "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
		    "\"remove\",\"path\":\"members[value eq \\\"%s\\\"]\"}]}",
		    w->res[K_USER][u].id);
	} else {
		return 1;
	}
	return send_write(w, "PATCH", res_path(w, K_GROUP, slot, path, 160),
	    body, w->res[K_GROUP][slot].ack.version, 200);
}

static int
group_delete(struct writer *w)
{
	int slot = pick_alive(w, K_GROUP);
	char path[160];

	if (slot < 0)
		return 1;
	target(w, K_GROUP, slot)->alive = 0;
	return send_write(
	    w, "DELETE", res_path(w, K_GROUP, slot, path, 160), NULL, 0, 204);
}

static void
cred_attrs(struct writer *w, const struct state *st, char *buf, size_t len)
{
	snprintf(buf, len,
	    "\"attributes\":[{\"name\":\"V\",\"value\":\"%u\"},{\"name\":"
	    "\"K\",\"value\":\"w%d-k%u\"}]",
	    st->a, w->index, st->b);
}

static int
cred_create(struct writer *w)
{
	int slot = free_slot(w, K_CRED);
	struct state *st;
	char body[1024], attrs[256], owner[128] = "";

	if (slot < 0)
		return 1;
	st = target_new(w, K_CRED, slot, w->next++);
	st->a = w->next++;
	st->b = unique_value(w, K_CRED);
	st->owner = pick(w, 10) < 7 ? pick_alive(w, K_USER) : -1;
	if (st->owner >= 0)
		snprintf(owner, sizeof(owner), "\"owner\":{\"value\":\"%s\"},",
		    w->res[K_USER][st->owner].id);
	cred_attrs(w, st, attrs, sizeof(attrs));
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"type\":\"" CTYPE "\","
	    "\"externalId\":\"w%d-c%u\",%s%s}",
	    w->index, w->res[K_CRED][slot].key, owner, attrs);
	return send_write(w, "POST", BASE "/Credential", body, 0, 201);
}

/* HID PUT: sections left out (owner, externalId) keep their values. */
static int
cred_replace(struct writer *w)
{
	int slot = pick_alive(w, K_CRED);
	struct state *st;
	char body[512], attrs[256], path[160];

	if (slot < 0)
		return 1;
	st = target(w, K_CRED, slot);
	st->a = w->next++;
	st->b = unique_value(w, K_CRED);
	cred_attrs(w, st, attrs, sizeof(attrs));
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"type\":\"" CTYPE
	    "\",%s}",
	    attrs);
	return send_write(w, "PUT", res_path(w, K_CRED, slot, path, 160), body,
	    w->res[K_CRED][slot].ack.version, 200);
}

static int
cred_patch(struct writer *w)
{
	int slot = pick_alive(w, K_CRED);
	struct state *st;
	char body[256], path[160];

	if (slot < 0)
		return 1;
	st = target(w, K_CRED, slot);
	st->a = w->next++;
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" PATCH_URN "\"],\"Operations\":[{\"op\":"
	    "\"replace\",\"path\":\"attributes[name eq \\\"V\\\"].value\","
	    "\"value\":\"%u\"}]}",
	    st->a);
	return send_write(w, "PATCH", res_path(w, K_CRED, slot, path, 160),
	    body, w->res[K_CRED][slot].ack.version, 200);
}

static int
cred_delete(struct writer *w)
{
	int slot = pick_alive(w, K_CRED);
	char path[160];

	if (slot < 0)
		return 1;
	target(w, K_CRED, slot)->alive = 0;
	return send_write(
	    w, "DELETE", res_path(w, K_CRED, slot, path, 160), NULL, 0, 204);
}

/* Applies the staged ISSUE of a User the rule selects and that holds
 * none of its Credentials: the answer names the Credential created. */
static int
apply_issue(struct writer *w)
{
	int users[SLOTS], n = 0, i, u, slot = free_slot(w, K_ISSUED);
	struct state *st;
	char body[128], path[160];

	for (i = 0; i < SLOTS; i++)
		if (w->res[K_USER][i].used && w->res[K_USER][i].ack.alive &&
		    crash_user_matches(w->res[K_USER][i].key) &&
		    crash_issued_to(w, i) < 0)
			users[n++] = i;
	if (n == 0 || slot < 0)
		return 1;
	u = users[pick(w, n)];
	st = target_new(w, K_ISSUED, slot, w->next++);
	st->owner = u;
	snprintf(
	    body, sizeof(body), "{\"issue\":[\"%s\"]}", w->res[K_USER][u].id);
	snprintf(path, sizeof(path), BASE "/IssuanceRules/%s/StagedChanges",
	    rule_id);
	return send_write_at(
	    w, "POST", path, body, 0, 200, "issue.0.credential.id");
}

/* Deleting the rule's Credential stages the User's ISSUE again. */
static int
issued_delete(struct writer *w)
{
	int slot = pick_alive(w, K_ISSUED);
	char path[160];

	if (slot < 0)
		return 1;
	target(w, K_ISSUED, slot)->alive = 0;
	return send_write(
	    w, "DELETE", res_path(w, K_ISSUED, slot, path, 160), NULL, 0, 204);
}

static const struct op ops[NOPS] = {
    {"user create", 8, user_create},
    {"user replace", 5, user_replace},
    {"user patch", 5, user_patch},
    {"user delete", 3, user_delete},
    {"group create", 4, group_create},
    {"group replace", 4, group_replace},
    {"group patch", 8, group_patch},
    {"group delete", 2, group_delete},
    {"credential create", 10, cred_create},
    {"credential replace", 7, cred_replace},
    {"credential patch", 7, cred_patch},
    {"credential delete", 3, cred_delete},
    {"rule apply (issue)", 8, apply_issue},
    {"rule credential delete", 2, issued_delete},
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	unsigned total = 0, r;
	int i;

	for (i = 0; i < NOPS; i++)
		total += ops[i].weight;
	while (!w->stop && !w->failed) {
		r = (unsigned)rand_r(&w->seed) % total;
		for (i = 0; r >= ops[i].weight; i++)
			r -= ops[i].weight;
		w->cur_op = i;
		if (ops[i].run(w) == 0)
			w->ops[i]++;
	}
	return NULL;
}

/* ------------------------------------------------------------ cycles */

static void
run_writers(unsigned *seed)
{
	int i, delay_ms = 30 + rand_r(seed) % 400;

	for (i = 0; i < WRITERS; i++) {
		writers[i].stop = 0;
		writers[i].failed = 0;
		pthread_create(
		    &writers[i].thread, NULL, writer_main, &writers[i]);
	}
	usleep((useconds_t)delay_ms * 1000);
	harness_kill(&srv); /* SIGKILL mid-write */
	for (i = 0; i < WRITERS; i++)
		writers[i].stop = 1;
	for (i = 0; i < WRITERS; i++)
		pthread_join(writers[i].thread, NULL);
}

static int
env_int(const char *name, int dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? atoi(v) : dflt;
}

/* The rule's AUTOMATED type (LOGIN from userName, new credentials
 * ACTIVE) and the ON_DEMAND rule selecting userName sw RULE_PREFIX. */
static void
rule_setup(void)
{
	struct harness_resp r;
	const char *id;

	harness_ctype(&srv, srv.admin_token, "demo", RULE_CTYPE,
	    "[{\"name\":\"LOGIN\",\"source\":\"userName\"}]",
	    ",\"management\":{\"mode\":\"AUTOMATED\"},"
	    "\"initialStatus\":\"ACTIVE\"");
	harness_post(&srv, srv.admin_token, BASE "/IssuanceRules",
	    "{\"schemas\":[\"" RULE_URN "\"],\"credentialType\":{\"value\":"
	    "\"" RULE_CTYPE "\"},\"filter\":{\"scim\":\"userName sw "
	    "\\\"" RULE_PREFIX "\\\"\"},\"automation\":{\"issue\":"
	    "\"ON_DEMAND\",\"update\":\"ON_DEMAND\",\"revoke\":"
	    "\"ON_DEMAND\"},\"status\":\"ACTIVE\"}",
	    &r);
	id = harness_jstr(harness_json(&r), "id");
	cr_assert(r.status == 201 && id != NULL && strlen(id) < sizeof(rule_id),
	    "the issuance rule: %d %s", r.status, r.body);
	snprintf(rule_id, sizeof(rule_id), "%s", id);
	harness_resp_free(&r);
}

static void
mixed_cleanup(void)
{
	harness_cleanup(&srv);
}

static void
report(int cycles, long checked, int64_t worst)
{
	long acks = 0, in_new = 0, in_old = 0, n, a, s0, s1;
	int i, j;

	for (i = 0; i < WRITERS; i++) {
		acks += writers[i].acks;
		in_new += writers[i].inflight_new;
		in_old += writers[i].inflight_old;
	}
	fprintf(stderr,
	    "crash mixed: %d kills, %ld acknowledged writes, %ld states "
	    "checked, slowest restart-to-answer %lld ms; writes in flight "
	    "at a kill: %ld found committed, %ld not\n",
	    cycles, acks, checked, (long long)worst, in_new, in_old);
	for (j = 0; j < NOPS; j++) {
		for (i = 0, n = 0, a = 0, s0 = 0, s1 = 0; i < WRITERS; i++) {
			n += writers[i].ops[j];
			a += writers[i].op_acks[j];
			s0 += writers[i].op_settled[j][0];
			s1 += writers[i].op_settled[j][1];
		}
		fprintf(stderr,
		    "  %-24s %5ld sent, %5ld acknowledged; in flight at a "
		    "kill: %ld committed, %ld not\n",
		    ops[j].name, n, a, s1, s0);
		cr_expect_gt(a, 0, "no %s was acknowledged", ops[j].name);
	}
	cr_expect_gt(acks, (long)cycles * 10,
	    "too few writes were acknowledged to prove anything");
}

Test(crash, mixed_writes_survive_sigkill, .fini = mixed_cleanup, .timeout = 900)
{
	unsigned seed = (unsigned)env_int(
	    "SCIMCRED_CRASH_SEED", (int)(time(NULL) ^ getpid()));
	int cycles = env_int("SCIMCRED_CRASH_MIXED_CYCLES", 50), c, i;
	int64_t worst = 0, took;
	long checked = 0;
	const char *bad;

	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "crash mixed: seed %u, %d cycles\n", seed, cycles);
	memset(writers, 0, sizeof(writers));
	for (i = 0; i < WRITERS; i++) {
		writers[i].index = i;
		writers[i].seed = seed + (unsigned)i * 7919u;
	}
	cr_assert_eq(harness_start(&srv), 0);
	harness_ctype(&srv, srv.admin_token, "demo", CTYPE,
	    "[{\"name\":\"V\"},{\"name\":\"K\",\"uniqueness\":\"tenant\"}]",
	    NULL);
	rule_setup();
	for (c = 0; c < cycles; c++) {
		run_writers(&seed);
		cr_assert_eq(
		    harness_restart(&srv), 0, "cycle %d: no restart", c);
		took = srv.ready_ms - srv.started_ms;
		worst = took > worst ? took : worst;
		cr_expect_leq(took, RESTART_LIMIT_MS,
		    "cycle %d: answered %lld ms after the restart", c,
		    (long long)took);
		bad = crash_verify(&srv, rule_id, writers, WRITERS, &checked);
		if (bad != NULL)
			harness_dump_log(&srv);
		cr_assert_null(bad, "cycle %d (seed %u): %s", c, seed, bad);
		for (i = 0; i < WRITERS; i++)
			cr_assert_eq(writers[i].refused, 0,
			    "cycle %d (seed %u): writer %d: a valid write was "
			    "refused: %s",
			    c, seed, i, writers[i].refusal);
	}
	report(cycles, checked, worst);
	cr_expect_eq(harness_stop(&srv), 0, "graceful exit after the test");
}
