/*
 * Hot backup, restore and the data-directory lock (store.h).
 *
 * Backup uses LMDB's own copy (mdb_env_copyfd2 with MDB_CP_COMPACT): it
 * walks the tree inside one read transaction, so the copy is the state
 * of one commit however many writes the server makes meanwhile, and it
 * leaves free pages out. It writes to a temporary name that is synced
 * and renamed, so a data.mdb in a backup directory is always whole.
 *
 * Restore replaces a data file, which no process may have open: LMDB
 * maps the file, and a server would go on using the old inode (or, with
 * the lock file reinitialised under it, corrupt the new one). Two guards:
 * the flock on dir/scimcred.lock that `serve` holds shared for its life,
 * and LMDB's reader table, which names every live process that has read
 * the environment (the CLI's administration commands included).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/log.h"
#include "util/num.h"

#define DATA_FILE "data.mdb"
#define LOCK_MDB "lock.mdb"
#define KEPT_SUFFIX ".before-restore"

/* dir/name into out; -1 if it does not fit. */
static int
join(char *out, size_t outsz, const char *dir, const char *name)
{
	int n = snprintf(out, outsz, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Creates dir (0700) unless it exists; it must be a directory. */
static int
ensure_dir(const char *dir, struct scim_err *err)
{
	struct stat sb;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return scim_err_set(err, SCIM_E_STORAGE, "cannot create %s: %s",
		    dir, strerror(errno));
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return scim_err_set(
		    err, SCIM_E_STORAGE, "%s is not a directory", dir);
	return 0;
}

/* One compacting copy into fd, adopting a map another process grew. */
static int
copy_env(struct store *s, int fd)
{
	int mrc, tries;

	for (tries = 0;; tries++) {
		/* The copy begins a transaction of its own: hold the lock
		 * like any transaction (store.c, map growth). */
		pthread_rwlock_rdlock(&s->lock);
		mrc = mdb_env_copyfd2(s->env, fd, MDB_CP_COMPACT);
		pthread_rwlock_unlock(&s->lock);
		if (mrc != MDB_MAP_RESIZED || tries >= 3)
			break;
		pthread_rwlock_wrlock(&s->lock);
		mrc = mdb_env_set_mapsize(s->env, 0);
		pthread_rwlock_unlock(&s->lock);
		if (mrc != 0 || ftruncate(fd, 0) != 0 ||
		    lseek(fd, 0, SEEK_SET) != 0)
			break;
	}
	return mrc;
}

int
store_backup(struct store *s, const char *outdir, struct scim_err *err)
{
	char final[PATH_MAX], tmp[PATH_MAX];
	struct stat sb;
	int fd = -1, mrc, rc = 0;

	tmp[0] = '\0';
	if ((rc = ensure_dir(outdir, err)) != 0)
		goto out;
	if (join(final, sizeof(final), outdir, DATA_FILE) != 0 ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", final, (long)getpid()) >=
		(int)sizeof(tmp)) {
		tmp[0] = '\0';
		rc = scim_err_set(err, SCIM_E_STORAGE, "path too long");
		goto out;
	}
	if (lstat(final, &sb) == 0) {
		tmp[0] = '\0';
		rc = scim_err_set(err, SCIM_E_CONFLICT,
		    "%s already exists: back up into a new directory", final);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = scim_err_set(err, SCIM_E_STORAGE, "cannot create %s: %s",
		    tmp, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	if ((mrc = copy_env(s, fd)) != 0) {
		rc = scim_err_set(err, SCIM_E_STORAGE, "the copy failed: %s",
		    mdb_strerror(mrc));
		goto out;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		rc = scim_err_set(err, SCIM_E_STORAGE, "cannot sync %s: %s",
		    tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, final) != 0 || sync_dir(outdir) != 0) {
		rc = scim_err_set(err, SCIM_E_STORAGE,
		    "cannot rename to %s: %s", final, strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	return rc;
}

/* ---------------------------------------------------------------- lock */

static int
lock_open(const char *dir, int how, int *fd, struct scim_err *err)
{
	char path[PATH_MAX];
	int rc = 0;

	*fd = -1;
	if (join(path, sizeof(path), dir, STORE_LOCK_FILE) != 0)
		return scim_err_set(err, SCIM_E_STORAGE, "path too long");
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return scim_err_set(err, SCIM_E_STORAGE, "cannot open %s: %s",
		    path, strerror(errno));
	if (flock(*fd, how | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			rc = scim_err_set(err, SCIM_E_CONFLICT,
			    how == LOCK_SH
				? "a restore is in progress in %s"
				: "%s is in use: a scimcred server is running "
				  "on it (it holds %s); stop it first",
			    dir, path);
		else
			rc = scim_err_set(err, SCIM_E_STORAGE,
			    "cannot lock %s: %s", path, strerror(errno));
		close(*fd);
		*fd = -1;
	}
	return rc;
}

int
store_lock_serve(const char *dir, int *fd, struct scim_err *err)
{
	return lock_open(dir, LOCK_SH, fd, err);
}

int
store_lock_exclusive(const char *dir, int *fd, struct scim_err *err)
{
	return lock_open(dir, LOCK_EX, fd, err);
}

/* ------------------------------------------------------------- restore */

struct live_readers {
	unsigned n;
	char pids[128];
};

static int
note_reader(const char *msg, void *ctx)
{
	struct live_readers *r = ctx;
	size_t len = strlen(r->pids);
	long pid;

	while (*msg == ' ')
		msg++;
	if (*msg < '0' || *msg > '9')
		return 0;
	pid = strtol(msg, NULL, 10);
	r->n++;
	if (len + 24 < sizeof(r->pids))
		snprintf(r->pids + len, sizeof(r->pids) - len, "%s%ld",
		    len ? ", " : "", pid);
	return 0;
}

/*
 * Refuses when a live process holds a reader slot in dir's environment.
 * An environment that does not open (none yet, or a damaged file: the
 * very case a restore is for) has no readers to ask about.
 */
static int
no_readers(const char *dir, struct scim_err *err)
{
	struct live_readers r;
	MDB_env *env = NULL;
	int dead, rc = 0;

	memset(&r, 0, sizeof(r));
	if (mdb_env_create(&env) != 0)
		return 0;
	mdb_env_set_maxdbs(env, STORE_DBI_COUNT);
	if (mdb_env_open(env, dir, MDB_RDONLY, 0600) == 0) {
		mdb_reader_check(env, &dead);
		mdb_reader_list(env, note_reader, &r);
	}
	mdb_env_close(env);
	if (r.n > 0)
		rc = scim_err_set(err, SCIM_E_CONFLICT,
		    "processes still use the database in %s (pid %s): stop "
		    "them first",
		    dir, r.pids);
	return rc;
}

/* Copies src to dst (created, synced). */
static int
copy_file(const char *src, const char *dst, struct scim_err *err)
{
	char buf[65536];
	int in = -1, out = -1, rc = 0;
	ssize_t n, w, off;

	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (in < 0 || out < 0) {
		rc = scim_err_set(err, SCIM_E_STORAGE, "cannot open %s: %s",
		    in < 0 ? src : dst, strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		for (off = 0; off < n; off += w) {
			w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				goto fail;
		}
	}
	if (fsync(out) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = scim_err_set(err, SCIM_E_STORAGE, "cannot copy %s to %s: %s", src,
	    dst, strerror(errno));
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* The copy's format version, read without writing; -1 if there is no
 * readable one (store_open then says why). */
static long long
copy_format(const char *tmpdir)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_val k = {6, "format"}, v;
	int64_t ver = -1;

	if (mdb_env_create(&env) != 0)
		return -1;
	mdb_env_set_maxdbs(env, STORE_DBI_COUNT);
	if (mdb_env_open(env, tmpdir, MDB_RDONLY, 0600) == 0 &&
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) == 0 &&
	    mdb_dbi_open(txn, "meta", 0, &dbi) == 0 &&
	    mdb_get(txn, dbi, &k, &v) == 0 &&
	    num_parse_range(
		str_make(v.mv_data, v.mv_size), 1, INT32_MAX, &ver) != 0)
		ver = -1;
	if (txn != NULL)
		mdb_txn_abort(txn);
	mdb_env_close(env);
	return (long long)ver;
}

/*
 * Opens the copy as a store, as the server will: any format from
 * STORE_FORMAT_OLDEST to STORE_FORMAT_VERSION opens, an older one being
 * upgraded in the copy (store.h). A format outside that range is refused
 * first, naming the backup rather than the temporary copy.
 */
static int
verify_copy(const char *tmpdir, const char *backup_dir, struct scim_err *err)
{
	struct store *s = NULL;
	long long ver = copy_format(tmpdir);
	int rc;

	if (ver > STORE_FORMAT_VERSION ||
	    (ver >= 0 && ver < STORE_FORMAT_OLDEST))
		return scim_err_set(err, SCIM_E_STORAGE,
		    "the backup in %s has format version %lld, and this "
		    "scimcred restores formats %d to %d: restore it with a "
		    "scimcred release that uses format %lld; nothing was "
		    "changed",
		    backup_dir, ver, STORE_FORMAT_OLDEST, STORE_FORMAT_VERSION,
		    ver);
	rc = store_open(tmpdir, NULL, &s, err);
	store_close(s);
	return rc;
}

/* The old file as data.mdb.before-restore, the new one in its place. */
static int
swap_in(const char *dir, const char *newfile, struct scim_err *err)
{
	char cur[PATH_MAX], kept[PATH_MAX], lockmdb[PATH_MAX];
	struct stat sb;

	if (join(cur, sizeof(cur), dir, DATA_FILE) != 0 ||
	    join(kept, sizeof(kept), dir, DATA_FILE KEPT_SUFFIX) != 0 ||
	    join(lockmdb, sizeof(lockmdb), dir, LOCK_MDB) != 0)
		return scim_err_set(err, SCIM_E_STORAGE, "path too long");
	if (lstat(cur, &sb) == 0) {
		if ((unlink(kept) != 0 && errno != ENOENT) ||
		    link(cur, kept) != 0)
			return scim_err_set(err, SCIM_E_STORAGE,
			    "cannot keep the old database as %s: %s", kept,
			    strerror(errno));
	}
	if (rename(newfile, cur) != 0)
		return scim_err_set(err, SCIM_E_STORAGE,
		    "cannot rename %s to %s: %s", newfile, cur,
		    strerror(errno));
	/* The old reader table describes the old file; the next process
	 * to open the environment makes a new one. */
	if (unlink(lockmdb) != 0 && errno != ENOENT)
		log_warn("cannot remove %s: %s", lockmdb, strerror(errno));
	if (sync_dir(dir) != 0)
		return scim_err_set(err, SCIM_E_STORAGE, "cannot sync %s: %s",
		    dir, strerror(errno));
	return 0;
}

/* Removes the temporary directory and what a failed restore left. */
static void
tmp_remove(const char *tmpdir)
{
	char p[PATH_MAX];

	if (join(p, sizeof(p), tmpdir, DATA_FILE) == 0)
		unlink(p);
	if (join(p, sizeof(p), tmpdir, LOCK_MDB) == 0)
		unlink(p);
	rmdir(tmpdir);
}

int
store_restore(const char *dir, const char *backup_dir, struct scim_err *err)
{
	char src[PATH_MAX], tmpdir[PATH_MAX], tmpfile[PATH_MAX];
	struct stat sb;
	int lockfd = -1, rc = 0, made = 0;

	if (join(src, sizeof(src), backup_dir, DATA_FILE) != 0 ||
	    snprintf(tmpdir, sizeof(tmpdir), "%s/.restore-%ld", dir,
		(long)getpid()) >= (int)sizeof(tmpdir) ||
	    join(tmpfile, sizeof(tmpfile), tmpdir, DATA_FILE) != 0) {
		rc = scim_err_set(err, SCIM_E_STORAGE, "path too long");
		goto out;
	}
	if (stat(src, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = scim_err_set(err, SCIM_E_NOT_FOUND,
		    "%s holds no backup (no regular file %s)", backup_dir, src);
		goto out;
	}
	if ((rc = ensure_dir(dir, err)) != 0 ||
	    (rc = lock_open(dir, LOCK_EX, &lockfd, err)) != 0 ||
	    (rc = no_readers(dir, err)) != 0)
		goto out;
	if (mkdir(tmpdir, 0700) != 0) {
		rc = scim_err_set(err, SCIM_E_STORAGE, "cannot create %s: %s",
		    tmpdir, strerror(errno));
		goto out;
	}
	made = 1;
	if ((rc = copy_file(src, tmpfile, err)) != 0 ||
	    (rc = verify_copy(tmpdir, backup_dir, err)) != 0 ||
	    (rc = swap_in(dir, tmpfile, err)) != 0)
		goto out;
	rc = 0;
out:
	if (made)
		tmp_remove(tmpdir);
	if (lockfd >= 0)
		close(lockfd);
	return rc;
}
