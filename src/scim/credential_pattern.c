/*
 * CredentialType attribute patterns: POSIX EREs matched against a whole
 * value, with the bounds credential_pattern.h explains. The cost estimate
 * is a small scan of the pattern, not a second regex parser: it only has
 * to count how far counted repetitions ({m,n}, +) would expand it, and
 * regcomp remains the judge of syntax.
 */
#include "config.h"

#include <regex.h>
#include <string.h>

#include "scim/credential_pattern.h"

/* Costs saturate here, so products of large bounds cannot overflow. */
#define COST_CAP (CREDENTIAL_PATTERN_COST_MAX + 1)
#define BOUND_CAP 100000 /* larger {m,n} bounds read as this */
#define COST_BACKREF ((size_t)-1)
#define COST_NULL_REPEAT ((size_t)-2)

/*
 * One group level of the scan: the cost of the finished alternatives and
 * of the current one, the cost of its last element (what a repetition
 * applies to), and which of them can match the empty string. Repeating
 * an element that can is refused: glibc's compile time explodes on it
 * (((x*)*){18} took 0.3 s, ([a-z]?){0,256} 1 s; measured) and such a
 * pattern always has a plain spelling (x* for (x*)*).
 */
struct frame {
	size_t alts, seq, last;
	int alts_null, prev_null, last_null;
};

static void
frame_init(struct frame *f)
{
	memset(f, 0, sizeof(*f));
	f->prev_null = f->last_null = 1;
}

static size_t
sat_add(size_t x, size_t y)
{
	return x + y >= COST_CAP ? COST_CAP : x + y;
}

static size_t
sat_mul(size_t x, size_t y)
{
	if (x == 0 || y == 0)
		return 0;
	return x >= COST_CAP || y >= COST_CAP || x * y >= COST_CAP ? COST_CAP
								   : x * y;
}

static int
seq_null(const struct frame *f)
{
	return f->prev_null && f->last_null;
}

static void
atom(struct frame *f, size_t cost, int nullable)
{
	f->prev_null = seq_null(f);
	f->seq = sat_add(f->seq, cost);
	f->last = cost;
	f->last_null = nullable;
}

/* The last element repeated: at least min and up to k copies once
 * expanded (k is 2 for + and *). 0, or -1 when the element can match
 * the empty string and would be repeated. */
static int
repeat(struct frame *f, size_t min, size_t k)
{
	if (k > 1 && f->last > 0 && f->last_null)
		return -1;
	if (k == 0) { /* x{0}: regcomp still builds x once */
		f->last_null = 1;
		return 0;
	}
	f->seq = sat_add(f->seq, sat_mul(f->last, k - 1));
	f->last = sat_mul(f->last, k);
	f->last_null = f->last_null || min == 0;
	return 0;
}

/* End of a bracket expression starting at p[i] == '[' (its ']'), or
 * len when unterminated. Classes like [:alpha:] may hold a ']'. */
static size_t
bracket_end(struct str p, size_t i)
{
	size_t j = i + 1;
	char c;

	if (j < p.len && p.ptr[j] == '^')
		j++;
	if (j < p.len && p.ptr[j] == ']')
		j++;
	while (j < p.len && p.ptr[j] != ']') {
		c = j + 1 < p.len ? p.ptr[j + 1] : '\0';
		if (p.ptr[j] == '[' && (c == ':' || c == '=' || c == '.')) {
			j += 2;
			while (j + 1 < p.len &&
			    !(p.ptr[j] == c && p.ptr[j + 1] == ']'))
				j++;
			j++;
		}
		j++;
	}
	return j;
}

static size_t
read_num(struct str p, size_t *i, int *got)
{
	size_t n = 0;

	*got = 0;
	while (*i < p.len && p.ptr[*i] >= '0' && p.ptr[*i] <= '9') {
		n = n < BOUND_CAP ? n * 10 + (size_t)(p.ptr[*i] - '0') : n;
		(*i)++;
		*got = 1;
	}
	return n < BOUND_CAP ? n : BOUND_CAP;
}

/* A bound {m}, {m,} or {m,n} at p[*i] == '{': the least and the most
 * copies it makes ({m,} as m + 1), with *i moved to its '}'. 0 and *i
 * unchanged if it is not one. */
static int
read_bound(struct str p, size_t *i, size_t *min, size_t *k)
{
	size_t j = *i + 1, m, n = 0;
	int got_m, got_n = 0, comma = 0;

	m = read_num(p, &j, &got_m);
	if (j < p.len && p.ptr[j] == ',') {
		comma = 1;
		j++;
		n = read_num(p, &j, &got_n);
	}
	if (!got_m || j >= p.len || p.ptr[j] != '}')
		return 0;
	*min = m;
	*k = !comma ? m : got_n ? (n > m ? n : m) : m + 1;
	*i = j;
	return 1;
}

/* The expanded size of p, saturating at COST_CAP; COST_BACKREF if it
 * holds a back-reference, COST_NULL_REPEAT if it repeats something that
 * can match the empty string. */
static size_t
pattern_cost(struct str p)
{
	struct frame st[CREDENTIAL_PATTERN_MAX + 1];
	size_t depth = 0, i, min, k, g;
	struct frame *f;
	int gnull;

	frame_init(&st[0]);
	for (i = 0; i < p.len; i++) {
		f = &st[depth];
		switch (p.ptr[i]) {
		case '(':
			if (depth + 1 >= sizeof(st) / sizeof(st[0]))
				return COST_CAP;
			frame_init(&st[++depth]);
			break;
		case ')':
			if (depth == 0) {
				atom(f, 1, 0);
				break;
			}
			g = sat_add(f->alts, f->seq);
			gnull = f->alts_null || seq_null(f);
			atom(&st[--depth], g > 0 ? g : 1, gnull);
			break;
		case '|':
			f->alts = sat_add(f->alts, f->seq);
			f->alts_null = f->alts_null || seq_null(f);
			f->seq = f->last = 0;
			f->prev_null = f->last_null = 1;
			break;
		case '[':
			i = bracket_end(p, i);
			atom(f, 1, 0);
			break;
		case '\\':
			if (i + 1 < p.len && p.ptr[i + 1] >= '1' &&
			    p.ptr[i + 1] <= '9')
				return COST_BACKREF;
			i++;
			atom(f, 1, 0);
			break;
		case '{':
			if (!read_bound(p, &i, &min, &k))
				atom(f, 1, 0);
			else if (repeat(f, min, k) != 0)
				return COST_NULL_REPEAT;
			break;
		case '+': /* x+ is xx* once expanded */
		case '*':
			if (repeat(f, p.ptr[i] == '+', 2) != 0)
				return COST_NULL_REPEAT;
			if (p.ptr[i] == '*')
				f->last_null = 1;
			break;
		case '?':
			f->last_null = 1;
			break;
		case '^':
		case '$':
			break;
		default:
			atom(f, 1, 0);
			break;
		}
	}
	while (depth > 0) { /* unbalanced: regcomp refuses it anyway */
		g = sat_add(st[depth].alts, st[depth].seq);
		atom(&st[depth - 1], g, 1);
		depth--;
	}
	return sat_add(st[0].alts, st[0].seq);
}

/* Compiles ^(p)$ into re; 0 or a regcomp error code. */
static int
compile(struct str p, regex_t *re)
{
	char buf[CREDENTIAL_PATTERN_MAX + 8];
	int rc;

	memcpy(buf, "^(", 2);
	memcpy(buf + 2, p.ptr, p.len);
	memcpy(buf + 2 + p.len, ")$", 3);
	rc = regcomp(re, buf, REG_EXTENDED | REG_NOSUB);
	return rc;
}

/* The bounds of credential_pattern.h, short of compiling: 0 or an
 * error naming label. */
static int
bounds(struct str p, const char *label, struct scim_err *err)
{
	size_t cost;
	int rc = 0;

	if (p.len == 0 || p.len > CREDENTIAL_PATTERN_MAX || str_has_nul(p)) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: a pattern is 1 to %d bytes long (regexinv)", label,
		    CREDENTIAL_PATTERN_MAX);
		goto out;
	}
	cost = pattern_cost(p);
	if (cost == COST_BACKREF)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: back-references such as \\1 are not supported "
		    "(regexinv)",
		    label);
	else if (cost == COST_NULL_REPEAT)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: the pattern repeats something that can match the "
		    "empty string, such as (x*)* or (x?){2,5}; write x* or "
		    "x{0,5} instead (regexinv)",
		    label);
	else if (cost > CREDENTIAL_PATTERN_COST_MAX)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: the pattern is too complex: its counted repetitions "
		    "expand it past %d elements (regexinv)",
		    label, CREDENTIAL_PATTERN_COST_MAX);
out:
	return rc;
}

int
credential_pattern_check(struct str p, const char *label, struct scim_err *err)
{
	char plain[CREDENTIAL_PATTERN_MAX + 1];
	regex_t re;
	int rc;

	rc = bounds(p, label, err);
	if (rc != 0)
		goto out;
	/* The pattern alone first: wrapped in ^( )$, an unbalanced one
	 * such as "a)(b" would compile. */
	memcpy(plain, p.ptr, p.len);
	plain[p.len] = '\0';
	rc = regcomp(&re, plain, REG_EXTENDED | REG_NOSUB);
	if (rc == 0) {
		regfree(&re);
		rc = compile(p, &re);
		if (rc == 0)
			regfree(&re);
	}
	if (rc != 0)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: pattern is not a valid regular expression (POSIX "
		    "extended syntax) (regexinv)",
		    label);
out:
	return rc;
}

int
credential_pattern_match(struct str p, struct str value)
{
	char buf[CREDENTIAL_PATTERN_VALUE_MAX + 1];
	regex_t re;
	int rc;

	if (bounds(p, "pattern", NULL) != 0 || compile(p, &re) != 0)
		return -1;
	rc = 0;
	if (value.len <= CREDENTIAL_PATTERN_VALUE_MAX && !str_has_nul(value)) {
		memcpy(buf, value.ptr, value.len);
		buf[value.len] = '\0';
		rc = regexec(&re, buf, 0, NULL, 0) == 0;
	}
	regfree(&re);
	return rc;
}
