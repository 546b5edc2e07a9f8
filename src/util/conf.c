/* `key = value` configuration files (see conf.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/conf.h"
#include "util/num.h"

static char *
trim(char *p)
{
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p &&
	    (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
		end[-1] == '\r'))
		*--end = '\0';
	return p;
}

/* One line: 0 to go on, -1 with err filled to stop. */
static int
conf_line(const char *path, unsigned lineno, char *line, conf_fn fn, void *arg,
    char *err, size_t errsz)
{
	char *p = trim(line), *eq, *key;
	int r;

	if (*p == '\0' || *p == '#')
		return 0;
	eq = strchr(p, '=');
	if (eq == NULL) {
		snprintf(err, errsz, "%s:%u: expected \"key = value\"", path,
		    lineno);
		return -1;
	}
	*eq = '\0';
	key = trim(p);
	r = fn(arg, key, trim(eq + 1));
	if (r == CONF_OK)
		return 0;
	snprintf(err, errsz, "%s:%u: %s \"%s\"", path, lineno,
	    r == CONF_UNKNOWN_KEY ? "unknown key" : "bad value for", key);
	return -1;
}

int
conf_load(const char *path, conf_fn fn, void *arg, char *err, size_t errsz)
{
	char line[CONF_LINE_MAX];
	unsigned lineno = 0;
	int rc = -1;
	FILE *fp;

	if (errsz > 0)
		err[0] = '\0';
	fp = fopen(path, "r");
	if (fp == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(
			    err, errsz, "%s:%u: line too long", path, lineno);
			goto out;
		}
		if (conf_line(path, lineno, line, fn, arg, err, errsz) != 0)
			goto out;
	}
	if (ferror(fp)) {
		snprintf(err, errsz, "%s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(fp);
	return rc;
}

int
conf_parse_size(const char *s, size_t min, size_t *out)
{
	size_t len = strlen(s);
	unsigned shift = 0;
	int64_t n;

	if (len > 0) {
		switch (s[len - 1]) {
		case 'K':
		case 'k':
			shift = 10;
			break;
		case 'M':
		case 'm':
			shift = 20;
			break;
		case 'G':
		case 'g':
			shift = 30;
			break;
		case 'T':
		case 't':
			shift = 40;
			break;
		default:
			break;
		}
	}
	if (shift != 0)
		len--;
	if (num_parse_range(str_make(s, len), 0, INT64_MAX >> shift, &n) != 0)
		return -1;
	if ((uint64_t)n > (SIZE_MAX >> shift))
		return -1;
	if (((size_t)n << shift) < min)
		return -1;
	*out = (size_t)n << shift;
	return 0;
}
