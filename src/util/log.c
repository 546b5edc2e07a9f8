/* stderr logger: text "ts level func: msg" or one JSON object per line. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

enum log_level log_level_current = LOG_LEVEL_INFO;
static int log_json;
/* One line is one write; the lock keeps lines from interleaving. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void
log_init(enum log_level level, int json)
{
	log_level_current = level;
	log_json = json;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

static void
timestamp(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ts.tv_nsec / 1000000);
}

size_t
log_escape(char *dst, size_t dstsz, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (dstsz == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= dstsz)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
	return o;
}

static void
emit(const char *line, size_t n)
{
	pthread_mutex_lock(&log_lock);
	fwrite(line, 1, n, stderr);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}

void
log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
	char ts[96], msg[1024], esc[2048], line[3072];
	va_list ap;
	int n;

	timestamp(ts, sizeof(ts));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_json) {
		/* The message is ours, but may quote escaped client text. */
		log_escape(esc, sizeof(esc), msg, strlen(msg));
		n = snprintf(line, sizeof(line),
		    "{\"ts\":\"%s\",\"level\":\"%s\",\"func\":\"%s\","
		    "\"msg\":\"%s\"}\n",
		    ts, level_names[level], func, esc);
	} else {
		n = snprintf(line, sizeof(line), "%s %s %s: %s\n", ts,
		    level_names[level], func, msg);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1, line[n - 1] = '\n';
	emit(line, (size_t)n);
}

void
log_access(const struct log_access *a)
{
	char ts[96], line[2048];
	int n;

	if (log_level_current < LOG_LEVEL_INFO)
		return;
	timestamp(ts, sizeof(ts));
	if (log_json)
		n = snprintf(line, sizeof(line),
		    "{\"ts\":\"%s\",\"level\":\"info\",\"type\":\"access\","
		    "\"request_id\":\"%s\",\"peer\":\"%s\",\"method\":\"%s\","
		    "\"path\":\"%s\",\"tenant\":\"%s\",\"status\":%d,"
		    "\"bytes\":%zu,\"duration_ms\":%.3f}\n",
		    ts, a->request_id, a->peer ? a->peer : "", a->method,
		    a->path, a->tenant ? a->tenant : "", a->status, a->bytes,
		    a->duration_ms);
	else
		n = snprintf(line, sizeof(line),
		    "%s access %s %s %s %s %d %zu %.3fms tenant=%s\n", ts,
		    a->request_id, a->peer ? a->peer : "-", a->method, a->path,
		    a->status, a->bytes, a->duration_ms,
		    a->tenant ? a->tenant : "-");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1, line[n - 1] = '\n';
	emit(line, (size_t)n);
}
