/*
 * Lexer and recursive-descent parser for the RFC 7644 §3.4.2.2 filter
 * grammar (Figure 1), producing the arena-owned AST of filter.h.
 *
 * Precedence follows §3.4.2.2: grouping, then "not", then "and", then
 * "or". "and"/"or" chains are parsed with loops (left-associative), so only
 * parentheses, "not" and value paths recurse; each of those counts one
 * level against FILTER_MAX_DEPTH before descending, and every comparison
 * counts against FILTER_MAX_TERMS as soon as its operator is read, so a
 * hostile filter is rejected after a bounded amount of work.
 *
 * The grammar asks for exactly one SP between tokens; we accept any run of
 * blanks and none around punctuation ("not(", ")and(") because clients
 * (Entra ID, Okta) and hand-written URLs vary, and no reading becomes
 * ambiguous. Positions in error details are 0-based byte offsets.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "filter/filter.h"
#include "util/num.h"

#define QUOTE_MAX 32 /* longest token quoted back in an error detail */

struct parser {
	struct arena *a;
	const char *s; /* arena copy of the filter text */
	size_t len;
	size_t pos;
	unsigned depth;
	unsigned terms;
	const struct filter_attrpath *vp; /* enclosing value path, or NULL */
	struct scim_err *err;
};

static int parse_or(struct parser *p, struct filter_node **out);

static int fail(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Fills the detail; every parse failure is invalidFilter. */
static int
fail(struct parser *p, const char *fmt, ...)
{
	char buf[SCIM_ERR_DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return scim_err_set(p->err, SCIM_E_INVALID_FILTER, "%s", buf);
}

/*
 * Formats " 'token'" for a token of at most QUOTE_MAX bytes, escaping
 * anything outside printable ASCII, or "" for a longer token: details may
 * name a short piece of the filter but never echo it (HARDENING.md, 10).
 */
static const char *
quote(char out[QUOTE_MAX * 4 + 4], const char *s, size_t n)
{
	size_t i, o = 0;

	out[0] = '\0';
	if (n == 0 || n > QUOTE_MAX)
		return out;
	out[o++] = ' ';
	out[o++] = '\'';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
	}
	out[o++] = '\'';
	out[o] = '\0';
	return out;
}

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Characters of attribute paths (with URNs), keywords and operators. */
static int
is_word(int c)
{
	return is_alpha(c) || is_digit(c) || c == ':' || c == '.' || c == '_' ||
	    c == '-' || c == '$';
}

static void
skip_ws(struct parser *p)
{
	while (p->pos < p->len && is_ws((unsigned char)p->s[p->pos]))
		p->pos++;
}

static int
cur(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static size_t
word_len_at(const struct parser *p, size_t at)
{
	size_t i = at;

	while (i < p->len && is_word((unsigned char)p->s[i]))
		i++;
	return i - at;
}

static int
word_is(const struct parser *p, size_t at, size_t n, const char *kw)
{
	return str_caseeq(str_make(p->s + at, n), str_from(kw));
}

static int
keyword_at(const struct parser *p, const char *kw)
{
	size_t n = word_len_at(p, p->pos);

	return n > 0 && word_is(p, p->pos, n, kw);
}

/* The comparison operators are FILTER_EQ..FILTER_PR, named by
 * filter_op_name(). */
static int
find_op(const struct parser *p, size_t at, size_t n, enum filter_op *op)
{
	int i;

	for (i = FILTER_EQ; i <= FILTER_PR; i++) {
		if (word_is(p, at, n, filter_op_name((enum filter_op)i))) {
			*op = (enum filter_op)i;
			return 1;
		}
	}
	return 0;
}

/* Names what sits at the current position, for "unexpected" details. */
static int
fail_unexpected(struct parser *p, const char *expected)
{
	char q[QUOTE_MAX * 4 + 4];
	size_t n = word_len_at(p, p->pos);

	if (p->pos >= p->len)
		return fail(p,
		    "unexpected end of filter at position %zu, "
		    "expected %s",
		    p->pos, expected);
	if (n == 0)
		n = 1;
	if (n > QUOTE_MAX)
		return fail(p,
		    "unexpected long token at position %zu, "
		    "expected %s",
		    p->pos, expected);
	return fail(p, "unexpected%s at position %zu, expected %s",
	    quote(q, p->s + p->pos, n), p->pos, expected);
}

static int
enter(struct parser *p)
{
	if (p->depth >= FILTER_MAX_DEPTH)
		return fail(p,
		    "filter nested deeper than %d levels at "
		    "position %zu",
		    FILTER_MAX_DEPTH, p->pos);
	p->depth++;
	return 0;
}

static int
expect(struct parser *p, int c)
{
	skip_ws(p);
	if (cur(p) != c)
		return fail(p, "expected '%c' at position %zu", c, p->pos);
	p->pos++;
	return 0;
}

static struct filter_node *
new_node(struct parser *p, enum filter_op op)
{
	struct filter_node *n = arena_alloc(p->a, sizeof(*n));

	n->op = op;
	return n;
}

static struct filter_node *
new_logic(struct parser *p, enum filter_op op, struct filter_node *l,
    struct filter_node *r)
{
	struct filter_node *n = new_node(p, op);

	n->left = l;
	n->right = r;
	return n;
}

/* ATTRNAME = ALPHA *(ALPHA / DIGIT / "-" / "_"), plus "$ref" (RFC 7643
 * §2.1 allows '$' in names; RFC 7644's nameChar forgot it). */
int
filter_name_ok(struct str s)
{
	size_t i;

	if (str_caseeq_cstr(s, "$ref"))
		return 1;
	if (s.len == 0 || !is_alpha((unsigned char)s.ptr[0]))
		return 0;
	for (i = 1; i < s.len; i++) {
		int c = (unsigned char)s.ptr[i];
		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_')
			return 0;
	}
	return 1;
}

/* A schema URN: "urn:" then non-empty ':'-separated segments of
 * letters, digits, '.', '-' and '_' (URNs contain dots: "2.0"). */
static int
valid_urn(struct str s)
{
	size_t i, seg = 0;

	for (i = 4; i < s.len; i++) {
		int c = (unsigned char)s.ptr[i];
		if (c == ':') {
			if (seg == 0)
				return 0;
			seg = 0;
		} else if (is_alpha(c) || is_digit(c) || c == '.' || c == '-' ||
		    c == '_') {
			seg++;
		} else {
			return 0;
		}
	}
	return seg > 0;
}

/*
 * attrPath = [URI ":"] ATTRNAME *1subAttr. A URN-qualified path carries
 * the schema URN up to its last ':' and the attribute after it; only
 * then may the path contain ':'.
 */
int
filter_path_split(struct str w, struct filter_attrpath *out)
{
	struct str rest = w;
	const char *dot;
	size_t i;

	*out = (struct filter_attrpath){STR_NULL, STR_NULL, STR_NULL};
	if (str_case_has_prefix(w, STR_LIT("urn:"))) {
		for (i = w.len; i > 0 && w.ptr[i - 1] != ':'; i--)
			;
		out->urn = str_make(w.ptr, i - 1);
		rest = str_make(w.ptr + i, w.len - i);
		if (!valid_urn(out->urn))
			return -1;
	} else if (memchr(w.ptr, ':', w.len) != NULL) {
		return -1;
	}
	dot = memchr(rest.ptr, '.', rest.len);
	if (dot == NULL) {
		out->attr = rest;
	} else {
		out->attr = str_make(rest.ptr, (size_t)(dot - rest.ptr));
		out->sub = str_make(dot + 1, rest.len - out->attr.len - 1);
		if (!filter_name_ok(out->sub))
			return -1;
	}
	return filter_name_ok(out->attr) ? 0 : -1;
}

static int
parse_path(struct parser *p, struct filter_attrpath *out)
{
	char q[QUOTE_MAX * 4 + 4];
	size_t start = p->pos, n = word_len_at(p, p->pos);

	if (n == 0)
		return fail_unexpected(p, "an attribute path");
	if (n > FILTER_MAX_PATH)
		return fail(p,
		    "attribute path longer than %d bytes at "
		    "position %zu",
		    FILTER_MAX_PATH, start);
	if (filter_path_split(str_make(p->s + start, n), out) != 0)
		return fail(p, "invalid attribute path%s at position %zu",
		    quote(q, p->s + start, n), start);
	p->pos += n;
	return 0;
}

/* Parses exactly four hex digits at s[0..3]; -1 if they are not. */
static long
hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int c = (unsigned char)s[i];
		v <<= 4;
		if (is_digit(c))
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t
utf8_put(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		lo = s[0] == 0xE0 ? 0xA0 : lo;
		hi = s[0] == 0xED ? 0x9F : hi;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		lo = s[0] == 0xF0 ? 0x90 : lo;
		hi = s[0] == 0xF4 ? 0x8F : hi;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

/* A \uXXXX escape at p->s[i] (end bounds the string body); surrogate
 * pairs combine, lone surrogates and U+0000 are refused. */
static int
decode_u(struct parser *p, size_t *i, size_t end, unsigned long *cp)
{
	long hi, lo;

	if (end - *i < 6 || (hi = hex4(p->s + *i + 2)) < 0)
		return fail(p, "invalid \\u escape at position %zu", *i);
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return fail(p, "lone surrogate at position %zu", *i);
	if (hi >= 0xD800 && hi <= 0xDBFF) {
		if (end - *i < 12 || p->s[*i + 6] != '\\' ||
		    p->s[*i + 7] != 'u' ||
		    (lo = hex4(p->s + *i + 8)) < 0xDC00 || lo > 0xDFFF)
			return fail(p, "lone surrogate at position %zu", *i);
		*cp = 0x10000 + (((unsigned long)hi - 0xD800) << 10) +
		    ((unsigned long)lo - 0xDC00);
		*i += 12;
		return 0;
	}
	if (hi == 0)
		return fail(p, "NUL character in string at position %zu", *i);
	*cp = (unsigned long)hi;
	*i += 6;
	return 0;
}

static int
decode_escape(struct parser *p, size_t *i, size_t end, char *o, size_t *olen)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = memchr(from, p->s[*i + 1], sizeof(from) - 1);
	unsigned long cp = 0;
	int rc;

	if (p->s[*i + 1] == 'u') {
		rc = decode_u(p, i, end, &cp);
		if (rc == 0)
			*olen += utf8_put(o + *olen, cp);
		return rc;
	}
	if (k == NULL)
		return fail(p, "invalid escape in string at position %zu", *i);
	o[(*olen)++] = to[k - from];
	*i += 2;
	return 0;
}

/* A JSON string literal (RFC 8259 §7) decoded into the arena. */
static int
lex_string(struct parser *p, struct json_value **out)
{
	size_t start = p->pos, i = start + 1, end, olen = 0;
	const unsigned char *u = (const unsigned char *)p->s;
	char *o;
	int rc = 0;

	for (end = i; end < p->len && p->s[end] != '"'; end++)
		if (p->s[end] == '\\')
			end++;
	if (end >= p->len)
		return fail(
		    p, "unbalanced quotes starting at position %zu", start);
	o = arena_alloc(p->a, end - i + 1); /* decoding never grows */
	while (rc == 0 && i < end) {
		size_t n;
		if (u[i] == '\\') {
			rc = decode_escape(p, &i, end, o, &olen);
		} else if (u[i] < 0x20) {
			rc = fail(p,
			    "control character in string at "
			    "position %zu",
			    i);
		} else if ((n = utf8_seq(u + i, end - i)) == 0) {
			rc = fail(
			    p, "invalid UTF-8 in string at position %zu", i);
		} else {
			memcpy(o + olen, p->s + i, n);
			olen += n;
			i += n;
		}
	}
	if (rc == 0) {
		*out = json_string(p->a, str_make(o, olen));
		p->pos = end + 1;
	}
	return rc;
}

static size_t
skip_digits(const struct parser *p, size_t i)
{
	while (i < p->len && is_digit((unsigned char)p->s[i]))
		i++;
	return i;
}

/* A JSON number (RFC 8259 §6): integers become JSON_INT and must fit
 * int64; anything with a fraction or exponent becomes a finite double. */
static int
lex_number(struct parser *p, struct json_value **out)
{
	size_t start = p->pos, i = start, j;
	int is_int = 1;
	int64_t iv;
	double d;

	if (i < p->len && p->s[i] == '-')
		i++;
	j = i < p->len && p->s[i] == '0' ? i + 1 : skip_digits(p, i);
	if (j == i)
		goto bad;
	i = j;
	if (i < p->len && p->s[i] == '.') {
		is_int = 0;
		if ((j = skip_digits(p, i + 1)) == i + 1)
			goto bad;
		i = j;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		is_int = 0;
		i++;
		if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		if ((j = skip_digits(p, i)) == i)
			goto bad;
		i = j;
	}
	if (i < p->len && is_word((unsigned char)p->s[i]))
		goto bad;
	if (is_int) {
		if (num_parse_i64(str_make(p->s + start, i - start), &iv) != 0)
			return fail(
			    p, "integer out of range at position %zu", start);
		*out = json_int(p->a, iv);
	} else {
		d = strtod(arena_strndup(p->a, p->s + start, i - start), NULL);
		if (!isfinite(d))
			return fail(
			    p, "number out of range at position %zu", start);
		*out = json_double(p->a, d);
	}
	p->pos = i;
	return 0;
bad:
	return fail(p, "malformed number at position %zu", start);
}

/* compValue = false / null / true / number / string */
static int
parse_value(struct parser *p, struct json_value **out)
{
	char q[QUOTE_MAX * 4 + 4];
	size_t n;
	int c;

	skip_ws(p);
	c = cur(p);
	if (c == '"')
		return lex_string(p, out);
	if (c == '-' || is_digit(c))
		return lex_number(p, out);
	n = word_len_at(p, p->pos);
	if (n > 0 && word_is(p, p->pos, n, "true"))
		*out = json_bool(p->a, 1);
	else if (n > 0 && word_is(p, p->pos, n, "false"))
		*out = json_bool(p->a, 0);
	else if (n > 0 && word_is(p, p->pos, n, "null"))
		*out = json_null(p->a);
	else if (n > 0)
		return fail(p,
		    "unquoted value%s at position %zu (strings "
		    "need double quotes)",
		    quote(q, p->s + p->pos, n), p->pos);
	else
		return fail_unexpected(p, "a value");
	p->pos += n;
	return 0;
}

/* attrExp's operator and value, after the attribute path. */
static int
parse_comparison(struct parser *p, const struct filter_attrpath *path,
    struct filter_node **out)
{
	char q[QUOTE_MAX * 4 + 4];
	enum filter_op op;
	struct filter_node *n;
	size_t at, len;

	skip_ws(p);
	at = p->pos;
	len = word_len_at(p, at);
	if (len == 0)
		return fail_unexpected(p, "an operator");
	if (!find_op(p, at, len, &op))
		return fail(p, "unknown operator%s at position %zu",
		    quote(q, p->s + at, len), at);
	if (++p->terms > FILTER_MAX_TERMS)
		return fail(p, "more than %d comparisons at position %zu",
		    FILTER_MAX_TERMS, at);
	p->pos += len;
	n = new_node(p, op);
	n->path = *path;
	*out = n;
	return op == FILTER_PR ? 0 : parse_value(p, &n->value);
}

/*
 * valuePath = attrPath "[" valFilter "]", plus the trailing ".sub op
 * value" form clients send (emails[type eq "work"].value eq "x"; RFC 7644
 * §3.5.2 uses it in PATCH paths), read as a value path whose inner filter
 * also tests the sub-attribute of the same element.
 */
static int
parse_value_path(struct parser *p, const struct filter_attrpath *path,
    size_t start, struct filter_node **out)
{
	char q[QUOTE_MAX * 4 + 4];
	struct filter_attrpath sub;
	struct filter_node *n, *cmp = NULL;
	size_t at, len;
	int rc;

	if (p->vp != NULL) /* errata 4690: no nested value paths */
		return fail(p, "nested value filter at position %zu", p->pos);
	if (path->sub.len > 0)
		return fail(p,
		    "value filter on a sub-attribute at position "
		    "%zu",
		    start);
	if ((rc = enter(p)) != 0)
		return rc;
	p->pos++;
	n = new_node(p, FILTER_VALUEPATH);
	n->path = *path;
	p->vp = &n->path;
	rc = parse_or(p, &n->left);
	p->vp = NULL;
	if (rc == 0)
		rc = expect(p, ']');
	if (rc != 0)
		return rc;
	p->depth--;
	*out = n;
	if (cur(p) != '.')
		return 0;
	at = ++p->pos;
	len = word_len_at(p, at);
	sub = (struct filter_attrpath){
	    path->urn, path->attr, str_make(p->s + at, len)};
	if (!filter_name_ok(sub.sub))
		return fail(p, "invalid sub-attribute%s at position %zu",
		    quote(q, p->s + at, len), at);
	p->pos += len;
	if ((rc = parse_comparison(p, &sub, &cmp)) == 0)
		n->left = new_logic(p, FILTER_AND, n->left, cmp);
	return rc;
}

/* attrExp or valuePath. Inside a value path, names are sub-attributes of
 * the enclosing attribute and become absolute (emails[type ...] tests
 * emails.type). */
static int
parse_attr_exp(struct parser *p, struct filter_node **out)
{
	struct filter_attrpath path;
	size_t start = p->pos;
	int rc;

	if ((rc = parse_path(p, &path)) != 0)
		return rc;
	if (cur(p) == '[')
		return parse_value_path(p, &path, start, out);
	if (p->vp != NULL) {
		if (path.urn.len > 0 || path.sub.len > 0)
			return fail(p,
			    "inside a value filter, name a "
			    "sub-attribute only (position %zu)",
			    start);
		path.sub = path.attr;
		path.attr = p->vp->attr;
		path.urn = p->vp->urn;
	}
	return parse_comparison(p, &path, out);
}

/* A parenthesised filter at the current '(' (grouping or after "not"). */
static int
parse_group(struct parser *p, struct filter_node **out)
{
	int rc;

	if ((rc = enter(p)) != 0)
		return rc;
	p->pos++;
	rc = parse_or(p, out);
	if (rc == 0)
		rc = expect(p, ')');
	if (rc == 0)
		p->depth--;
	return rc;
}

/*
 * "not" "(" FILTER ")" when "not" is followed by '('; a word "not"
 * followed by an operator is an attribute named "not".
 */
static int
parse_not(struct parser *p, struct filter_node **out)
{
	size_t at = p->pos + 3, n;
	enum filter_op op;
	struct filter_node *inner = NULL;
	int rc;

	while (at < p->len && is_ws((unsigned char)p->s[at]))
		at++;
	if (at < p->len && p->s[at] == '(') {
		p->pos = at;
		if ((rc = parse_group(p, &inner)) == 0)
			*out = new_logic(p, FILTER_NOT, inner, NULL);
		return rc;
	}
	n = word_len_at(p, at);
	if (n > 0 && find_op(p, at, n, &op))
		return parse_attr_exp(p, out);
	return fail(p, "expected '(' after 'not' at position %zu", at);
}

static int
parse_unary(struct parser *p, struct filter_node **out)
{
	int c;

	skip_ws(p);
	c = cur(p);
	if (c == '(')
		return parse_group(p, out);
	if (keyword_at(p, "not"))
		return parse_not(p, out);
	if (c >= 0 && is_word(c))
		return parse_attr_exp(p, out);
	return fail_unexpected(p, "an attribute path, '(' or 'not'");
}

static int
parse_and(struct parser *p, struct filter_node **out)
{
	struct filter_node *left = NULL, *right = NULL;
	int rc;

	rc = parse_unary(p, &left);
	while (rc == 0) {
		skip_ws(p);
		if (!keyword_at(p, "and"))
			break;
		p->pos += 3;
		rc = parse_unary(p, &right);
		if (rc == 0)
			left = new_logic(p, FILTER_AND, left, right);
	}
	*out = left;
	return rc;
}

static int
parse_or(struct parser *p, struct filter_node **out)
{
	struct filter_node *left = NULL, *right = NULL;
	int rc;

	rc = parse_and(p, &left);
	while (rc == 0) {
		skip_ws(p);
		if (!keyword_at(p, "or"))
			break;
		p->pos += 2;
		rc = parse_and(p, &right);
		if (rc == 0)
			left = new_logic(p, FILTER_OR, left, right);
	}
	*out = left;
	return rc;
}

int
filter_parse(struct arena *a, struct str text, struct filter_node **out,
    struct scim_err *err)
{
	struct parser p = {.a = a, .len = text.len, .err = err};
	struct filter_node *root = NULL;
	int rc;

	*out = NULL;
	if (text.len > FILTER_MAX_LEN) {
		rc = fail(&p, "filter longer than %d bytes", FILTER_MAX_LEN);
		goto out;
	}
	p.s = text.len > 0 ? arena_memdup(a, text.ptr, text.len) : "";
	skip_ws(&p);
	if (p.pos == p.len) {
		rc = fail(&p, "empty filter");
		goto out;
	}
	rc = parse_or(&p, &root);
	if (rc != 0)
		goto out;
	skip_ws(&p);
	if (p.pos < p.len) {
		rc =
		    fail_unexpected(&p, "'and', 'or' or the end of the filter");
		goto out;
	}
	*out = root;
out:
	return rc;
}

const char *
filter_op_name(enum filter_op op)
{
	static const char *const names[] = {
	    [FILTER_EQ] = "eq",
	    [FILTER_NE] = "ne",
	    [FILTER_CO] = "co",
	    [FILTER_SW] = "sw",
	    [FILTER_EW] = "ew",
	    [FILTER_GT] = "gt",
	    [FILTER_GE] = "ge",
	    [FILTER_LT] = "lt",
	    [FILTER_LE] = "le",
	    [FILTER_PR] = "pr",
	    [FILTER_AND] = "and",
	    [FILTER_OR] = "or",
	    [FILTER_NOT] = "not",
	    [FILTER_VALUEPATH] = "[]",
	};

	if ((unsigned)op >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[op];
}
