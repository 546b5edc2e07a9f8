/* Strict ISO 8601 date-time parsing and UTC formatting; see date.h. */
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "util/date.h"

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds. */
#define DATE_MIN_S (-62135596800LL)
#define DATE_MAX_S 253402300799LL

static _Atomic int64_t fixed_now;

static int
digits(const char *p, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
date_parse(struct str s, int64_t *ms_out)
{
	const char *p = s.ptr, *end = s.ptr + s.len;
	int y, mo, d, h, mi, sec, ms = 0, oh = 0, om = 0, sign = 0;
	int64_t t;

	/* "YYYY-MM-DDTHH:MM:SS" is 19 bytes */
	if (s.len < 20 || s.len > 35)
		return -1;
	if (digits(p, 4, &y) || p[4] != '-' || digits(p + 5, 2, &mo) ||
	    p[7] != '-' || digits(p + 8, 2, &d) ||
	    (p[10] != 'T' && p[10] != 't') || digits(p + 11, 2, &h) ||
	    p[13] != ':' || digits(p + 14, 2, &mi) || p[16] != ':' ||
	    digits(p + 17, 2, &sec))
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	p += 19;
	if (p < end && *p == '.') {
		int nd = 0;
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			if (nd < 3)
				ms = ms * 10 + (*p - '0');
			nd++;
			p++;
		}
		if (nd == 0 || nd > 9)
			return -1;
		for (; nd < 3; nd++)
			ms *= 10;
	}
	if (p >= end)
		return -1;
	if ((*p == 'Z' || *p == 'z') && p + 1 == end) {
		sign = 0;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (end - p == 5 && p[2] == ':') {
			if (digits(p, 2, &oh) || digits(p + 3, 2, &om))
				return -1;
		} else if (end - p == 4) {
			if (digits(p, 2, &oh) || digits(p + 2, 2, &om))
				return -1;
		} else {
			return -1;
		}
		if (oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	t -= sign * (oh * 3600 + om * 60);
	/* The offset may carry the instant out of years 1..9999; such a
	 * date could not be written back in the form we accept. */
	if (t < DATE_MIN_S || t > DATE_MAX_S)
		return -1;
	*ms_out = t * 1000 + ms;
	return 0;
}

size_t
date_format(int64_t ms, char out[DATE_BUFSZ])
{
	int64_t secs = ms / 1000, rem = ms % 1000;
	struct tm tm;
	time_t tt;
	int n;

	if (rem < 0)
		rem += 1000, secs--;
	tt = (time_t)secs;
	if (gmtime_r(&tt, &tm) == NULL) {
		out[0] = '\0';
		return 0;
	}
	if (rem != 0)
		n = snprintf(out, DATE_BUFSZ,
		    "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    (int)rem);
	else
		n = snprintf(out, DATE_BUFSZ, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
	return n > 0 ? (size_t)n : 0;
}

int64_t
date_now_ms(void)
{
	struct timespec ts;
	int64_t f = atomic_load(&fixed_now);

	if (f != 0)
		return f;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
date_set_now(int64_t ms)
{
	atomic_store(&fixed_now, ms);
}
