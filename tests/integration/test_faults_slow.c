/*
 * Slow and greedy clients (HARDENING.md, libevent; promise 13):
 *  - 200 slowloris connections, each trickling a request head a byte at
 *    a time, are all closed at the absolute header deadline
 *    (--header-timeout), while a normal client keeps every request
 *    succeeding; its latency is measured and printed.
 *  - With RLIMIT_NOFILE low and the descriptors all taken by idle
 *    connections, accept() fails with EMFILE; the daemon must pause
 *    accepting instead of spinning (its CPU time from /proc/PID/stat
 *    stays low), and serve again once connections close.
 */
#include <errno.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define BASE "/scim/demo/v2"
#define SLOW_CONNS 200
#define HEADER_TIMEOUT_S 2
#define HEADER_TIMEOUT_ARG "2" /* the same, for the command line */
#define TRICKLE_MS 200 /* one byte per connection this often */
#define SLOW_WAIT_MS 15000
#define NOFILE 64
#define HELD_CONNS 150
#define CPU_WINDOW_MS 3000
#define CPU_MAX_PERCENT 20.0

static struct harness_server srv;

static void
slow_cleanup(void)
{
	harness_cleanup(&srv);
}

/* ------------------------------------------------------ normal client */

struct prober {
	pthread_t thread;
	volatile int stop;
	long ok, failed;
	int64_t worst_ms, total_ms;
	int last_status;
};

static void *
prober_main(void *arg)
{
	struct prober *p = arg;
	struct harness_resp r;
	int64_t t0, dt;

	while (!p->stop) {
		t0 = harness_now_ms();
		harness_get(&srv, srv.admin_token, BASE "/Users?count=5", &r);
		dt = harness_now_ms() - t0;
		if (r.status == 200 && harness_json(&r) != NULL) {
			p->ok++;
			p->total_ms += dt;
			p->worst_ms = dt > p->worst_ms ? dt : p->worst_ms;
		} else {
			p->failed++;
			p->last_status = r.status;
		}
		harness_resp_free(&r);
		usleep(5000);
	}
	return NULL;
}

/* ----------------------------------------------------------- slowloris */

struct slow {
	int fd;
	int64_t opened_ms;
	int64_t closed_ms; /* 0 while open */
	size_t sent;
};

static const char slow_head[] =
    "GET " BASE "/Users HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/* Sends the next byte, and notices a close; 1 once closed. */
static int
slow_step(struct slow *s)
{
	struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
	char buf[512];
	ssize_t n;

	if (s->closed_ms != 0)
		return 1;
	if (poll(&pfd, 1, 0) > 0) {
		n = recv(s->fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			goto closed;
		/* An answer (a 408, say): the close follows. */
	}
	if (s->sent < sizeof(slow_head) - 1) {
		n = send(s->fd, slow_head + s->sent, 1, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			goto closed;
		if (n > 0)
			s->sent++;
	}
	return 0;
closed:
	s->closed_ms = harness_now_ms();
	close(s->fd);
	s->fd = -1;
	return 1;
}

/* Trickles on every connection until all are closed or time is up;
 * returns how many were closed. */
static int
trickle(struct slow *s, int n)
{
	int64_t deadline = harness_now_ms() + SLOW_WAIT_MS;
	int i, closed = 0;

	while (closed < n && harness_now_ms() < deadline) {
		for (i = 0, closed = 0; i < n; i++)
			closed += slow_step(&s[i]);
		usleep(TRICKLE_MS * 1000);
	}
	return closed;
}

Test(faults_slow, slowloris_cut_at_deadline_while_others_served,
    .fini = slow_cleanup, .timeout = 300)
{
	static const char *const args[] = {
	    "--header-timeout", HEADER_TIMEOUT_ARG, NULL};
	struct slow *s = calloc(SLOW_CONNS, sizeof(*s));
	struct prober p;
	int64_t held, shortest = INT64_MAX, longest = 0;
	int i, closed;

	signal(SIGPIPE, SIG_IGN);
	cr_assert_not_null(s);
	cr_assert_eq(harness_start_args(&srv, args), 0);
	memset(&p, 0, sizeof(p));
	pthread_create(&p.thread, NULL, prober_main, &p);
	for (i = 0; i < SLOW_CONNS; i++) {
		s[i].fd = harness_connect(srv.port);
		cr_assert_geq(
		    s[i].fd, 0, "connection %d: %s", i, strerror(errno));
		s[i].opened_ms = harness_now_ms();
	}
	closed = trickle(s, SLOW_CONNS);
	p.stop = 1;
	pthread_join(p.thread, NULL);
	for (i = 0; i < SLOW_CONNS; i++) {
		if (s[i].closed_ms == 0)
			continue;
		held = s[i].closed_ms - s[i].opened_ms;
		shortest = held < shortest ? held : shortest;
		longest = held > longest ? held : longest;
	}
	fprintf(stderr,
	    "slowloris: %d of %d closed after %lld..%lld ms (deadline %d "
	    "s); normal client: %ld ok, %ld failed, mean %.1f ms, worst "
	    "%lld ms\n",
	    closed, SLOW_CONNS, (long long)shortest, (long long)longest,
	    HEADER_TIMEOUT_S, p.ok, p.failed,
	    p.ok > 0 ? (double)p.total_ms / (double)p.ok : 0.0,
	    (long long)p.worst_ms);
	cr_expect_eq(closed, SLOW_CONNS, "slow connections left open");
	/* Closed by the deadline, not before it, and not long after (the
	 * timer starts at accept, a little after our connect). */
	cr_expect_geq(shortest, HEADER_TIMEOUT_S * 1000 - 100);
	cr_expect_leq(longest, HEADER_TIMEOUT_S * 1000 + 3000);
	cr_expect_eq(p.failed, 0,
	    "the normal client failed %ld times (last %d)", p.failed,
	    p.last_status);
	cr_expect_gt(p.ok, 20, "the normal client barely ran");
	for (i = 0; i < SLOW_CONNS; i++)
		if (s[i].fd >= 0)
			close(s[i].fd);
	free(s);
	cr_assert_eq(harness_stop(&srv), 0, "graceful exit");
}

/* ------------------------------------------------ out of descriptors */

/* utime + stime of pid in clock ticks, or -1. */
static long
cpu_ticks(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command may hold spaces: fields count from the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		&ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

static int
count_fds(int pid)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

Test(faults_slow, out_of_descriptors_does_not_spin, .fini = slow_cleanup,
    .timeout = 300)
{
	static const char *const args[] = {"--header-timeout", "60", NULL};
	int fds[HELD_CONNS], i, nfd;
	long t0, t1;
	double pct;
	const char *why = "not tried";
	int64_t deadline;

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(harness_start_args(&srv, args), 0);
	srv.nofile = NOFILE;
	cr_assert_eq(harness_restart(&srv), 0);
	for (i = 0; i < HELD_CONNS; i++) {
		fds[i] = harness_connect(srv.port);
		cr_assert_geq(
		    fds[i], 0, "connection %d: %s", i, strerror(errno));
	}
	usleep(1000 * 1000); /* accept until EMFILE, then pause */
	nfd = count_fds(srv.pid);
	cr_assert_geq(nfd, NOFILE - 2,
	    "the daemon holds %d descriptors: it never ran out", nfd);
	t0 = cpu_ticks(srv.pid);
	usleep(CPU_WINDOW_MS * 1000);
	t1 = cpu_ticks(srv.pid);
	cr_assert(t0 >= 0 && t1 >= t0);
	pct = 100.0 * (double)(t1 - t0) / (double)sysconf(_SC_CLK_TCK) /
	    (CPU_WINDOW_MS / 1000.0);
	fprintf(stderr,
	    "out of descriptors: %d of %d held, daemon CPU %.1f%% over %d "
	    "ms\n",
	    nfd, NOFILE, pct, CPU_WINDOW_MS);
	cr_expect_lt(pct, CPU_MAX_PERCENT, "the daemon spins at EMFILE");
	for (i = 0; i < HELD_CONNS; i++)
		close(fds[i]);
	/* Serving again once descriptors come free, without a restart. */
	deadline = harness_now_ms() + 10000;
	while (harness_now_ms() < deadline &&
	    (why = harness_check_alive(&srv)) != NULL)
		usleep(100 * 1000);
	cr_assert_null(why, "no service after descriptors came free: %s", why);
	cr_assert_eq(harness_stop(&srv), 0, "graceful exit");
}
