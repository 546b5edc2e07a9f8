/*
 * One logger with levels, on stderr, as text or JSON lines. The level is
 * checked before any formatting; the macros add the function name.
 * Untrusted text must go through log_escape() (or a "%s" of an escaped
 * copy) before it is logged. Never log Authorization headers, tokens,
 * secrets or bodies (HARDENING.md promise 11).
 */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

extern enum log_level log_level_current;

void log_init(enum log_level level, int json);
/* "error", "warn", "info", "debug" -> 0, or -1 if unknown. */
int log_level_parse(const char *s, enum log_level *out);
void log_msg(enum log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The request the calling thread is handling, or NULL: while set, every
 * line this thread logs carries it ("[id]" after the level in text,
 * "request_id" in JSON), so the lines of one request can be found by the
 * X-Request-Id its reply returned. id is borrowed until the next call
 * (the HTTP layer sets it when a request starts and clears it after the
 * reply) and must be safe to print (the HTTP layer checks its bytes).
 */
void log_set_request(const char *id);

#define log_at(lvl, ...) \
	do { \
		if ((lvl) <= log_level_current) \
			log_msg((lvl), __func__, __VA_ARGS__); \
	} while (0)
#define log_error(...) log_at(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_at(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_at(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_at(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* One access-log line: never a query value, header value or body. */
struct log_access {
	const char *request_id;
	const char *method;
	const char *path; /* already stripped of query values and escaped */
	const char *tenant;
	int status;
	size_t bytes;
	double duration_ms;
	const char *peer;
};
void log_access(const struct log_access *a);

/*
 * Copies src into dst (size dstsz, always NUL-terminated), escaping
 * control bytes, quotes, backslashes and non-ASCII so that hostile text
 * can't forge log lines or JSON: as \xNN in text format; in JSON format
 * (log_init json) as \" \\ and \u00NN, so the result can sit inside a
 * JSON string. An escape that does not fit is dropped whole. Returns the
 * length written.
 */
size_t log_escape(char *dst, size_t dstsz, const char *src, size_t len);

#endif
