/*
 * store_backup, store_restore and the data-directory lock: a backup
 * holds what was committed, a restore puts it in place and keeps the old
 * file, and a restore refuses while a server (the lock) or any process
 * (a reader slot) uses the directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "store/store.h"
#include "store_fixture.h"

static char *dir, *out, *target;

static void
setup(void)
{
	dir = fixture_dir_new();
	out = fixture_dir_new();
	target = fixture_dir_new();
}

/* fixture_dir_free removes files, not subdirectories: empty the backup
 * directory made inside out first. */
static void
teardown(void)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/bk/data.mdb", out);
	unlink(p);
	snprintf(p, sizeof(p), "%s/bk/lock.mdb", out);
	unlink(p);
	snprintf(p, sizeof(p), "%s/bk", out);
	rmdir(p);
	fixture_dir_free(dir);
	fixture_dir_free(out);
	fixture_dir_free(target);
}

TestSuite(store_backup, .init = setup, .fini = teardown);

static char *
bk_path(void)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/bk", out);
	return p;
}

/* Writes n records r0..r<n-1> of type T in tenant t, then backs up. */
static void
backup_with(size_t n)
{
	struct store *st = fixture_store_open(dir, 0, 0);
	struct scim_err err = {0};
	char id[16];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "r%zu", i);
		cr_assert_eq(
		    fixture_rec_put(st, "t", "T", id, STR_LIT("value")), 0);
	}
	cr_assert_eq(store_backup(st, bk_path(), &err), 0, "%s", err.detail);
	store_close(st);
}

Test(store_backup, backup_then_restore_into_a_new_directory)
{
	struct scim_err err = {0};
	struct store *st;
	char p[600], *v;
	size_t len;

	backup_with(50);
	snprintf(p, sizeof(p), "%s/data.mdb", bk_path());
	cr_assert_eq(access(p, R_OK), 0);
	cr_assert_eq(
	    store_restore(target, bk_path(), &err), 0, "%s", err.detail);
	st = fixture_store_open(target, 0, 0);
	v = fixture_rec_get(st, "t", "T", "r49", &len);
	cr_assert_not_null(v);
	cr_assert_eq(len, 5);
	cr_assert_eq(memcmp(v, "value", 5), 0);
	free(v);
	store_close(st);
	/* Nothing of the restore's own work is left behind. */
	snprintf(p, sizeof(p), "%s/data.mdb.before-restore", target);
	cr_assert_neq(access(p, F_OK), 0, "nothing was replaced");
}

Test(store_backup, backup_refuses_an_existing_backup)
{
	struct store *st;
	struct scim_err err = {0};

	backup_with(1);
	st = fixture_store_open(dir, 0, 0);
	cr_assert_eq(store_backup(st, bk_path(), &err), SCIM_E_CONFLICT);
	cr_assert_not_null(strstr(err.detail, "already exists"));
	store_close(st);
}

/* Over an existing store: its records are replaced by the backup's, and
 * the old file stays beside it. */
Test(store_backup, restore_replaces_and_keeps_the_old_file)
{
	struct scim_err err = {0};
	struct store *st;
	char p[600], *v;
	size_t len;

	backup_with(3);
	st = fixture_store_open(target, 0, 0);
	cr_assert_eq(fixture_rec_put(st, "t", "T", "later", STR_LIT("x")), 0);
	store_close(st);
	cr_assert_eq(
	    store_restore(target, bk_path(), &err), 0, "%s", err.detail);
	snprintf(p, sizeof(p), "%s/data.mdb.before-restore", target);
	cr_assert_eq(access(p, R_OK), 0);
	st = fixture_store_open(target, 0, 0);
	cr_assert_null(fixture_rec_get(st, "t", "T", "later", &len));
	v = fixture_rec_get(st, "t", "T", "r2", &len);
	cr_assert_not_null(v);
	free(v);
	store_close(st);
}

Test(store_backup, restore_refuses_while_a_server_holds_the_lock)
{
	struct scim_err err = {0};
	int fd;

	backup_with(1);
	cr_assert_eq(store_lock_serve(target, &fd, &err), 0, "%s", err.detail);
	cr_assert_eq(store_restore(target, bk_path(), &err), SCIM_E_CONFLICT);
	cr_assert_not_null(
	    strstr(err.detail, "server is running"), "%s", err.detail);
	close(fd);
	cr_assert_eq(
	    store_restore(target, bk_path(), &err), 0, "%s", err.detail);
}

/*
 * Another process with the environment open and a reader slot (a CLI
 * command, say) is named, and nothing is changed. It must be another
 * process: LMDB's locks are per process, so one process may not open an
 * environment twice.
 */
Test(store_backup, restore_refuses_while_another_process_reads)
{
	struct scim_err err = {0};
	char p[600], pid[32], byte;
	int ready[2], stop[2];
	pid_t child;

	backup_with(1);
	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(stop), 0);
	child = fork();
	cr_assert(child >= 0);
	if (child == 0) {
		struct store *cs = fixture_store_open(target, 0, 0);
		struct store_txn *txn = NULL;

		if (store_read_begin(cs, &txn, NULL) == 0)
			store_read_end(txn);
		if (write(ready[1], "r", 1) != 1 || read(stop[0], &byte, 1) < 0)
			_exit(1);
		store_close(cs);
		_exit(0);
	}
	cr_assert_eq(read(ready[0], &byte, 1), 1);
	cr_assert_eq(store_restore(target, bk_path(), &err), SCIM_E_CONFLICT,
	    "%s", err.detail);
	snprintf(pid, sizeof(pid), "pid %ld", (long)child);
	cr_assert_not_null(strstr(err.detail, pid), "%s", err.detail);
	snprintf(p, sizeof(p), "%s/data.mdb.before-restore", target);
	cr_assert_neq(access(p, F_OK), 0);
	cr_assert_eq(write(stop[1], "s", 1), 1);
	cr_assert_eq(waitpid(child, NULL, 0), child);
	cr_assert_eq(
	    store_restore(target, bk_path(), &err), 0, "%s", err.detail);
}

Test(store_backup, serve_lock_refused_during_a_restore)
{
	struct scim_err err = {0};
	char p[512];
	int ex, fd;

	snprintf(p, sizeof(p), "%s/%s", target, STORE_LOCK_FILE);
	ex = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	cr_assert(ex >= 0);
	cr_assert_eq(flock(ex, LOCK_EX | LOCK_NB), 0);
	cr_assert_eq(store_lock_serve(target, &fd, &err), SCIM_E_CONFLICT);
	cr_assert_eq(fd, -1);
	cr_assert_not_null(strstr(err.detail, "restore is in progress"));
	close(ex);
	cr_assert_eq(store_lock_serve(target, &fd, &err), 0);
	close(fd);
}

Test(store_backup, restore_without_a_backup)
{
	struct scim_err err = {0};

	cr_assert_eq(store_restore(target, out, &err), SCIM_E_NOT_FOUND);
	cr_assert_not_null(strstr(err.detail, "holds no backup"));
}

/* A file that is not a scimcred store is refused before anything is
 * replaced. */
Test(store_backup, restore_refuses_a_foreign_file)
{
	struct scim_err err = {0};
	char p[600];
	FILE *f;

	cr_assert_eq(mkdir(bk_path(), 0700), 0);
	snprintf(p, sizeof(p), "%s/data.mdb", bk_path());
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs("not an lmdb file, not at all, just text\n", f);
	fclose(f);
	cr_assert_neq(store_restore(target, bk_path(), &err), 0);
	snprintf(p, sizeof(p), "%s/data.mdb", target);
	cr_assert_neq(access(p, F_OK), 0, "nothing was put in place");
}
