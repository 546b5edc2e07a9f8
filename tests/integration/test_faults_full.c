/*
 * Storage full (HARDENING.md, LMDB "Map full" and promise 3): with a
 * small map ceiling (--map-max) and on a small tmpfs, writes that do not
 * fit get a SCIM 507 error, never a 2xx or a crash; reads keep working;
 * and once there is room again (records deleted, a filler file removed)
 * writes succeed without a restart, with everything written before still
 * intact.
 *
 * The tmpfs test needs mount rights (root outside a locked-down
 * container); without them it is skipped, saying so. The map-ceiling
 * test always runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define BASE "/scim/demo/v2"
#define VALUE_BYTES 3000 /* per credential: fills 1 MiB in a few hundred */
#define MAX_FILL 2000
#define FULL_RUN 3 /* refusals in a row that mean "full" */
#define FILLER_BYTES (1024 * 1024)

struct fill {
	char (*ids)[72];
	int n;
};

static struct harness_server srv;
static char mnt[64];
static struct fill f; /* freed by full_cleanup, also after a failure */
static char probe[72]; /* a small credential, created before the fill */
static char member[128]; /* a User in a Group, created before the fill */

static void
full_cleanup(void)
{
	harness_cleanup(&srv);
	free(f.ids);
	f.ids = NULL;
	if (mnt[0] != '\0') {
		umount2(mnt, MNT_DETACH);
		rmdir(mnt);
		mnt[0] = '\0';
	}
}

/* A credential of CT_FILL whose attribute is tag and VALUE_BYTES more. */
static void
post_big(const char *tag, struct harness_resp *r)
{
	static char body[VALUE_BYTES + 512];
	char pad[VALUE_BYTES + 1];

	memset(pad, 'x', VALUE_BYTES);
	pad[VALUE_BYTES] = '\0';
	snprintf(body, sizeof(body),
	    "{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"type\":\"CT_FILL\","
	    "\"externalId\":\"%s\",\"attributes\":[{\"name\":\"V\","
	    "\"value\":\"%s%s\"}]}",
	    tag, tag, pad);
	harness_post(&srv, srv.admin_token, BASE "/Credential", body, r);
}

/*
 * Creates credentials until FULL_RUN refusals in a row, keeping the
 * ids. Every refusal must be a SCIM 507 (RFC 7644 §3.12 error body),
 * never another status. A write may still fit after a 507: a refused
 * write is retried once the pages that earlier commits freed can be
 * reused (store.c), so "full" is the run of refusals, not the first.
 */
static void
fill_until_507(struct fill *fl)
{
	struct harness_resp r;
	char tag[32];
	const char *id;
	int run = 0, refused = 0;

	fl->ids = calloc(MAX_FILL, sizeof(*fl->ids));
	cr_assert_not_null(fl->ids);
	for (fl->n = 0; fl->n < MAX_FILL && run < FULL_RUN;) {
		snprintf(tag, sizeof(tag), "fill-%d", fl->n);
		post_big(tag, &r);
		if (r.status == 201) {
			id = harness_jstr(harness_json(&r), "id");
			cr_assert(
			    id != NULL && strlen(id) < sizeof(fl->ids[0]));
			strcpy(fl->ids[fl->n++], id);
			run = 0;
		} else {
			EXPECT_ERROR(&r, 507, NULL);
			run++;
			refused++;
		}
		harness_resp_free(&r);
	}
	cr_assert_lt(fl->n, MAX_FILL, "the store never filled up");
	cr_assert_gt(fl->n, 10, "the store was full from the start");
	fprintf(stderr,
	    "storage full after %d credentials of %d bytes (%d refused with "
	    "507)\n",
	    fl->n, VALUE_BYTES, refused);
}

/*
 * At the ceiling, a PATCH that makes the probe credential four times
 * larger either fits or not (the store has some free pages left); what
 * it may not do is lie: a 200 must be readable, a 507 must leave the
 * probe as it was.
 */
static void
patch_at_ceiling(void)
{
	struct harness_req rq = {.method = "PATCH", .token = srv.admin_token};
	struct harness_resp r;
	char path[160], *body;
	const char *v;
	int i, status;

	body = malloc(VALUE_BYTES * 4 + 512);
	cr_assert_not_null(body);
	i = snprintf(body, 512,
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp"
	    "\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"attributes"
	    "[name eq \\\"V\\\"].value\",\"value\":\"");
	memset(body + i, 'y', VALUE_BYTES * 4);
	strcpy(body + i + VALUE_BYTES * 4, "\"}]}");
	snprintf(path, sizeof(path), BASE "/Credential/%s", probe);
	rq.path = path;
	rq.body = body;
	harness_send(&srv, &rq, &r);
	free(body);
	status = r.status;
	if (status != 200)
		EXPECT_ERROR(&r, 507, NULL);
	harness_resp_free(&r);
	harness_get(&srv, srv.admin_token, path, &r);
	EXPECT_STATUS(&r, 200);
	v = harness_jstr(harness_json(&r), "attributes.0.value");
	cr_assert_not_null(v);
	if (status == 200)
		cr_assert_eq(
		    strlen(v), VALUE_BYTES * 4, "a 200 PATCH was lost");
	else
		cr_assert_str_eq(v, "probe", "a 507 PATCH changed the record");
	harness_resp_free(&r);
	fprintf(stderr, "growing PATCH at the ceiling: %d\n", status);
}

/* Reads work while full, and see exactly what was written; `more`
 * credentials of CT_FILL were written since the fill. */
static void
reads_work(const struct fill *fl, int more)
{
	struct harness_resp r;
	char path[160], tag[32];
	int64_t total = -1;
	const char *v;
	int i;

	for (i = 0; i < fl->n; i += fl->n / 7 + 1) {
		snprintf(path, sizeof(path), BASE "/Credential/%s", fl->ids[i]);
		harness_get(&srv, srv.admin_token, path, &r);
		EXPECT_STATUS(&r, 200);
		snprintf(tag, sizeof(tag), "fill-%d", i);
		v = harness_jstr(harness_json(&r), "attributes.0.value");
		cr_assert(v != NULL && strncmp(v, tag, strlen(tag)) == 0 &&
			strlen(v) == strlen(tag) + VALUE_BYTES,
		    "credential %d changed while the store was full", i);
		harness_resp_free(&r);
	}
	harness_get(&srv, srv.admin_token,
	    BASE "/Credential?count=1&filter=type%20eq%20%22CT_FILL%22", &r);
	EXPECT_STATUS(&r, 200);
	cr_assert(harness_jint(harness_json(&r), "totalResults", &total));
	cr_assert_eq(total, fl->n + more + 1, "listed %lld of %d and the probe",
	    (long long)total, fl->n + more);
	harness_resp_free(&r);
	harness_get(&srv, srv.admin_token, BASE "/ServiceProviderConfig", &r);
	EXPECT_STATUS(&r, 200);
	harness_resp_free(&r);
}

/* Writes succeed again, at once and without a restart. */
static void
writes_resume(int count)
{
	struct harness_resp r;
	char tag[32];
	int i;

	for (i = 0; i < count; i++) {
		snprintf(tag, sizeof(tag), "again-%d", i);
		post_big(tag, &r);
		cr_assert_eq(r.status, 201,
		    "write %d after freeing space: %d %s", i, r.status,
		    r.body != NULL ? r.body : "");
		harness_resp_free(&r);
	}
}

static void
start_filler_type(void)
{
	static const char body[] =
	    "{\"schemas\":[\"" HARNESS_CRED_URN "\"],\"type\":\"CT_FILL\","
	    "\"attributes\":[{\"name\":\"V\",\"value\":\"probe\"}]}";

	harness_ctype(&srv, srv.admin_token, "demo", "CT_FILL",
	    "[{\"name\":\"V\"}]", NULL);
	char group[512];
	struct harness_resp r;

	harness_create(
	    &srv, srv.admin_token, "demo", body, probe, sizeof(probe));
	harness_user(&srv, srv.admin_token, "demo", "member", NULL, member,
	    sizeof(member));
	snprintf(group, sizeof(group),
	    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
	    "\"displayName\":\"g\",\"members\":[{\"value\":\"%s\"}]}",
	    member);
	harness_post(&srv, srv.admin_token, BASE "/Groups", group, &r);
	EXPECT_STATUS(&r, 201);
	harness_resp_free(&r);
}

static void
finish(const struct fill *fl)
{
	int pid = srv.pid;

	cr_assert_gt(pid, 0);
	cr_assert_eq(kill(pid, 0), 0, "the daemon died");
	cr_assert_eq(harness_stop(&srv), 0, "graceful exit after storage full");
}

Test(faults_full, map_ceiling_507_then_recovers, .fini = full_cleanup,
    .timeout = 300)
{
	static const char *const args[] = {"--map-max", "1M", NULL};
	struct harness_resp r;
	char path[160];
	int i, freed = 0;

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(harness_start_args(&srv, args), 0);
	start_filler_type();
	fill_until_507(&f);
	patch_at_ceiling();
	reads_work(&f, 0);
	/* Deletes must work at the ceiling (the store's reserve), with
	 * what they write besides (an audit record; a User's delete gives
	 * its Group a new version first), and the room they make must be
	 * usable by the next writes. */
	snprintf(path, sizeof(path), BASE "/Users/%s", member);
	harness_delete(&srv, srv.admin_token, path, &r);
	cr_assert_eq(r.status, 204, "User delete at the ceiling: %d %s",
	    r.status, r.body != NULL ? r.body : "");
	harness_resp_free(&r);
	for (i = 0; i < f.n; i += 2, freed++) {
		snprintf(path, sizeof(path), BASE "/Credential/%s", f.ids[i]);
		harness_delete(&srv, srv.admin_token, path, &r);
		cr_assert_eq(r.status, 204, "delete %d at the ceiling: %d %s",
		    i, r.status, r.body != NULL ? r.body : "");
		harness_resp_free(&r);
		f.ids[i][0] = '\0';
	}
	writes_resume(freed / 4);
	for (i = 1; i < f.n; i += 2) {
		snprintf(path, sizeof(path), BASE "/Credential/%s", f.ids[i]);
		harness_get(&srv, srv.admin_token, path, &r);
		EXPECT_STATUS(&r, 200);
		harness_resp_free(&r);
	}
	finish(&f);
}

/* A tmpfs of 2 MiB holding a 1 MiB filler file and the data directory;
 * the caller skips the test if one cannot be mounted. */
static const char *
mount_small_tmpfs(char *data, size_t len)
{
	static char why[160];
	char filler[128], block[4096];
	int fd, i;

	snprintf(mnt, sizeof(mnt), "/tmp/scimcred-tmpfs-XXXXXX");
	if (mkdtemp(mnt) == NULL) {
		mnt[0] = '\0';
		return "mkdtemp failed";
	}
	if (mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=2m") !=
	    0) {
		snprintf(
		    why, sizeof(why), "mount -t tmpfs: %s", strerror(errno));
		rmdir(mnt);
		mnt[0] = '\0';
		return why;
	}
	snprintf(filler, sizeof(filler), "%s/filler", mnt);
	fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0);
	memset(block, 0xa5, sizeof(block));
	for (i = 0; i < FILLER_BYTES / (int)sizeof(block); i++)
		cr_assert_eq(write(fd, block, sizeof(block)), sizeof(block));
	close(fd);
	snprintf(data, len, "%s/data", mnt);
	cr_assert_eq(mkdir(data, 0700), 0);
	return NULL;
}

Test(faults_full, tmpfs_full_507_then_recovers, .fini = full_cleanup,
    .timeout = 300)
{
	static char data[128];
	static const char *const args[] = {"--data", data, NULL};
	char filler[128];
	const char *why;

	signal(SIGPIPE, SIG_IGN);
	if (geteuid() != 0)
		cr_skip_test("tmpfs disk-full part skipped: mounting a tmpfs "
			     "needs root (the map-ceiling test still runs)");
	why = mount_small_tmpfs(data, sizeof(data));
	if (why != NULL)
		cr_skip_test("tmpfs disk-full part skipped: %s (no mount "
			     "rights here, e.g. in a container; the "
			     "map-ceiling test still runs)",
		    why);
	/* The later --data wins: the database lives on the tmpfs, the
	 * daemon's logs in the harness's directory. */
	cr_assert_eq(harness_start_args(&srv, args), 0);
	start_filler_type();
	fill_until_507(&f);
	patch_at_ceiling();
	reads_work(&f, 0);
	/* Room comes back from outside: the filler file goes. */
	snprintf(filler, sizeof(filler), "%s/filler", mnt);
	cr_assert_eq(unlink(filler), 0);
	writes_resume(20);
	reads_work(&f, 20);
	finish(&f);
}
