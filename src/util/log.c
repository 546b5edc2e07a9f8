/* stderr logger: text "ts level func: msg" or one JSON object per line. */
#include <errno.h>
#include <float.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

enum log_level log_level_current = LOG_LEVEL_INFO;
static int log_json;
static _Thread_local const char *log_request;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void
log_init(enum log_level level, int json)
{
	log_level_current = level;
	log_json = json;
}

void
log_set_request(const char *id)
{
	log_request = id;
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

/*
 * "YYYY-MM-DDTHH:MM:SS.mmmZ". gmtime_r and the formatting of the date
 * cost more than the rest of an access line (measured), and lines written
 * by one thread nearly always share their second with the line before,
 * so each thread keeps the text of its last second and only the
 * milliseconds are formatted per line.
 */
static void
timestamp(char *out, size_t n)
{
	static _Thread_local time_t cached_sec = (time_t)-1;
	static _Thread_local char cached[80];
	static _Thread_local size_t cached_len;
	struct timespec ts;
	struct tm tm;
	long ms;
	int k;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != cached_sec) {
		gmtime_r(&ts.tv_sec, &tm);
		k = snprintf(cached, sizeof(cached),
		    "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
		if (k < 0 || (size_t)k >= sizeof(cached))
			k = 0;
		cached_len = (size_t)k;
		cached_sec = ts.tv_sec;
	}
	ms = ts.tv_nsec / 1000000;
	if (n < cached_len + 6) {
		if (n > 0)
			out[0] = '\0';
		return;
	}
	memcpy(out, cached, cached_len);
	out += cached_len;
	out[0] = '.';
	out[1] = (char)('0' + ms / 100);
	out[2] = (char)('0' + ms / 10 % 10);
	out[3] = (char)('0' + ms % 10);
	out[4] = 'Z';
	out[5] = '\0';
}

/*
 * Text: \xNN for anything outside printable ASCII and for '"' and '\\'.
 * JSON (RFC 8259 §7): \xNN is no JSON escape, so '"' and '\\' become \"
 * and \\, and every other byte outside printable ASCII \u00NN (a byte
 * of 0x80 or more stands for itself, as U+0080..U+00FF, and the line
 * stays valid whatever the input's encoding). An escape that does not
 * fit is left out whole, so a cut never splits one.
 */
static size_t
escape(char *dst, size_t dstsz, const char *src, size_t len, int json)
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
		} else if (json && (c == '"' || c == '\\')) {
			if (o + 2 >= dstsz)
				break;
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (json) {
			if (o + 6 >= dstsz)
				break;
			memcpy(dst + o, "\\u00", 4);
			dst[o + 4] = hex[c >> 4];
			dst[o + 5] = hex[c & 15];
			o += 6;
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

size_t
log_escape(char *dst, size_t dstsz, const char *src, size_t len)
{
	return escape(dst, dstsz, src, len, log_json);
}

/*
 * One line is one write(2) on stderr's descriptor, and nothing else keeps
 * lines apart: Linux writes the bytes of one call whole with respect to
 * other writers on a regular file (the inode lock, and the file position
 * lock between threads), a pipe (up to PIPE_BUF, 4096 bytes; a line is
 * at most 3072) and a terminal. A process-wide mutex held across the
 * call used to do it, and was where the workers waited on each other
 * under load (futex calls on it during a GET benchmark, seen with perf;
 * none without it). Only a short write (a full disk, say) leaves a
 * remainder, which is written next and could then follow another
 * thread's line. stdio is bypassed; stderr is unbuffered, so nothing
 * written to it elsewhere is held back and reordered.
 */
static void
emit(const char *line, size_t n)
{
	int saved = errno;
	ssize_t w;

	while (n > 0) {
		w = write(STDERR_FILENO, line, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		line += w;
		n -= (size_t)w;
	}
	errno = saved;
}

void
log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
	char ts[96], msg[1024], line[3072];
	const char *rid = log_request;
	va_list ap;
	int n;

	timestamp(ts, sizeof(ts));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_json) {
		/* The message is ours, but may quote client text. It is
		 * escaped into the room left before the closing "}\n", so
		 * a long message is cut between escapes and the line is
		 * still one valid JSON object. */
		n = snprintf(line, sizeof(line) - 4,
		    "{\"ts\":\"%s\",\"level\":\"%s\",%s%s%s\"func\":\"%s\","
		    "\"msg\":\"",
		    ts, level_names[level], rid ? "\"request_id\":\"" : "",
		    rid ? rid : "", rid ? "\"," : "", func);
		if (n < 0 || (size_t)n >= sizeof(line) - 4)
			return;
		n += (int)escape(line + n, sizeof(line) - 3 - (size_t)n, msg,
		    strlen(msg), 1);
		memcpy(line + n, "\"}\n", 3);
		n += 3;
	} else {
		n = snprintf(line, sizeof(line), "%s %s %s%s%s%s: %s\n", ts,
		    level_names[level], rid ? "[" : "", rid ? rid : "",
		    rid ? "] " : "", func, msg);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1, line[n - 1] = '\n';
	emit(line, (size_t)n);
}

/* ------------------------------------------------------------ access */

/*
 * An access line is built by hand rather than with snprintf: it is
 * written once per request, and the format string machinery was the
 * largest part of its cost (measured). The output is byte for byte what
 * the formats in the comments below produce; like snprintf into a
 * 2048-byte buffer, a line is cut at 2047 bytes.
 */
struct line {
	char *buf;
	size_t len; /* bytes the whole line needs, perhaps past cap */
	size_t cap; /* room for text, excluding the NUL */
};

static void
put_mem(struct line *l, const char *p, size_t n)
{
	if (l->len < l->cap)
		memcpy(l->buf + l->len, p,
		    n < l->cap - l->len ? n : l->cap - l->len);
	l->len += n;
}

static void
put_cstr(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

/* %zu */
static void
put_u64(struct line *l, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put_mem(l, tmp + i, sizeof(tmp) - i);
}

/* %d */
static void
put_int(struct line *l, int v)
{
	if (v < 0) {
		put_mem(l, "-", 1);
		put_u64(l, (uint64_t)0 - (uint64_t)(int64_t)v);
	} else {
		put_u64(l, (uint64_t)v);
	}
}

/*
 * %.3f, as glibc prints it: the exact binary value rounded to the
 * nearest thousandth, ties to even. With a 64-bit long double mantissa
 * ms * 1000 is exact (53 + 7 significant bits), and so is its fraction;
 * anything else (no such long double, zero, negative, huge, NaN) goes
 * through snprintf.
 */
static void
put_ms(struct line *l, double ms)
{
	char tmp[400]; /* %.3f of DBL_MAX is 313 bytes */
	int n;

#if LDBL_MANT_DIG >= 64
	if (ms > 0 && ms < 1e15) {
		long double x = (long double)ms * 1000.0L;
		uint64_t r = (uint64_t)x;
		long double frac = x - (long double)r;

		if (frac > 0.5L || (frac == 0.5L && (r & 1) != 0))
			r++;
		put_u64(l, r / 1000);
		tmp[0] = '.';
		tmp[1] = (char)('0' + r % 1000 / 100);
		tmp[2] = (char)('0' + r % 100 / 10);
		tmp[3] = (char)('0' + r % 10);
		put_mem(l, tmp, 4);
		return;
	}
#endif
	n = snprintf(tmp, sizeof(tmp), "%.3f", ms);
	if (n > 0)
		put_mem(l, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : 0);
}

/* {"ts":"%s","level":"info","type":"access","request_id":"%s",
 *  "peer":"%s","method":"%s","path":"%s","tenant":"%s","status":%d,
 *  "bytes":%zu,"duration_ms":%.3f}\n */
static void
access_json(struct line *l, const char *ts, const struct log_access *a)
{
	put_mem(l, "{\"ts\":\"", 7);
	put_cstr(l, ts);
	put_cstr(l,
	    "\",\"level\":\"info\",\"type\":\"access\","
	    "\"request_id\":\"");
	put_cstr(l, a->request_id);
	put_cstr(l, "\",\"peer\":\"");
	put_cstr(l, a->peer ? a->peer : "");
	put_cstr(l, "\",\"method\":\"");
	put_cstr(l, a->method);
	put_cstr(l, "\",\"path\":\"");
	put_cstr(l, a->path);
	put_cstr(l, "\",\"tenant\":\"");
	put_cstr(l, a->tenant ? a->tenant : "");
	put_cstr(l, "\",\"status\":");
	put_int(l, a->status);
	put_cstr(l, ",\"bytes\":");
	put_u64(l, a->bytes);
	put_cstr(l, ",\"duration_ms\":");
	put_ms(l, a->duration_ms);
	put_mem(l, "}\n", 2);
}

/* %s access %s %s %s %s %d %zu %.3fms tenant=%s\n */
static void
access_text(struct line *l, const char *ts, const struct log_access *a)
{
	put_cstr(l, ts);
	put_mem(l, " access ", 8);
	put_cstr(l, a->request_id);
	put_mem(l, " ", 1);
	put_cstr(l, a->peer ? a->peer : "-");
	put_mem(l, " ", 1);
	put_cstr(l, a->method);
	put_mem(l, " ", 1);
	put_cstr(l, a->path);
	put_mem(l, " ", 1);
	put_int(l, a->status);
	put_mem(l, " ", 1);
	put_u64(l, a->bytes);
	put_mem(l, " ", 1);
	put_ms(l, a->duration_ms);
	put_mem(l, "ms tenant=", 10);
	put_cstr(l, a->tenant ? a->tenant : "-");
	put_mem(l, "\n", 1);
}

void
log_access(const struct log_access *a)
{
	char ts[96], buf[2048];
	struct line l = {buf, 0, sizeof(buf) - 1};

	if (log_level_current < LOG_LEVEL_INFO)
		return;
	timestamp(ts, sizeof(ts));
	if (log_json) {
		access_json(&l, ts, a);
		/* The fields are bounded well below the buffer (the path
		 * to 511 bytes by request_log_path), but a line cut short
		 * would not be JSON: drop the path rather than cut. */
		if (l.len >= sizeof(buf)) {
			struct log_access b = *a;
			b.path = "(too long)";
			l.len = 0;
			access_json(&l, ts, &b);
		}
	} else {
		access_text(&l, ts, a);
	}
	if (l.len >= sizeof(buf))
		l.len = sizeof(buf) - 1, buf[l.len - 1] = '\n';
	emit(buf, l.len);
}
