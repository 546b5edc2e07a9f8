/*
 * Evaluation of a bound filter against one resource (a json tree), per
 * RFC 7644 §3.4.2.2. Pure and allocation-free: the search path calls it
 * on every candidate an index produced, and it decides every match.
 *
 * Decisions where the RFC leaves room (each one also what LDAP-backed
 * servers and the clients we serve, Entra ID and Okta, expect):
 *  - A multi-valued attribute matches if any of its values matches
 *    (§3.4.2.2: "only one has to match"); a value path's inner filter must
 *    hold for one and the same element.
 *  - "ne" is the complement of "eq": `title ne "x"` matches a resource
 *    without a title, and a multi-valued attribute matches "ne" only when
 *    no value is equal. `not (x eq y)` likewise matches when x is missing.
 *  - null is the unassigned state (RFC 7643 §2.5: unassigned, null and []
 *    are equivalent), so `x eq null` is "x is not present" and
 *    `x ne null` is `x pr`.
 *  - Any other comparison against a missing, null or wrongly typed value
 *    does not match.
 * String case folding is ASCII-only, like attribute names (RFC 7643 §2.1).
 */
#include "filter/filter.h"
#include "util/date.h"

static int eval(const struct filter_node *n, const struct json_value *res,
    const struct json_value *elem);

static int
fold(int c, int folded)
{
	return (folded && c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Start of the maximal suffix of x under the (reversed when rev) order
 * of folded bytes, minus one, and its period: Crochemore-Perrin. */
static long
max_suffix(const unsigned char *x, long m, int folded, int rev, long *per)
{
	long ms = -1, j = 0, k = 1, p = 1;

	while (j + k < m) {
		int a = fold(x[j + k], folded), b = fold(x[ms + k], folded);
		if (rev ? a > b : a < b) {
			j += k;
			k = 1;
			p = j - ms;
		} else if (a == b) {
			if (k != p) {
				k++;
			} else {
				j += p;
				k = 1;
			}
		} else {
			ms = j++;
			k = p = 1;
		}
	}
	*per = p;
	return ms;
}

static int
eqb(const unsigned char *x, const unsigned char *y, long i, int folded)
{
	return fold(x[i], folded) == fold(y[i], folded);
}

/*
 * Two-Way string matching (Crochemore and Perrin 1991): linear time and
 * constant space, so `co` stays cheap even for an 8 KiB literal against a
 * large attribute value (the naive scan is quadratic).
 */
static int
contains(struct str hay, struct str needle, int folded)
{
	const unsigned char *x = (const unsigned char *)needle.ptr;
	const unsigned char *y = (const unsigned char *)hay.ptr;
	long m = (long)needle.len, n = (long)hay.len;
	long i, j = 0, ell, per, p, q, mem = -1;
	int periodic = 1;

	if (m == 0)
		return 1;
	if (m > n)
		return 0;
	i = max_suffix(x, m, folded, 0, &p);
	ell = max_suffix(x, m, folded, 1, &q);
	per = q;
	if (i > ell) {
		ell = i;
		per = p;
	}
	for (i = 0; i <= ell && periodic; i++)
		periodic = per + i < m && eqb(x, x + per, i, folded);
	if (!periodic)
		per = (ell + 1 > m - ell - 1 ? ell + 1 : m - ell - 1) + 1;
	while (j <= n - m) {
		i = (periodic && mem > ell ? mem : ell) + 1;
		while (i < m && eqb(x, y + j, i, folded))
			i++;
		if (i < m) {
			j += i - ell;
			mem = -1;
			continue;
		}
		i = ell;
		while (i > (periodic ? mem : -1) && eqb(x, y + j, i, folded))
			i--;
		if (i <= (periodic ? mem : -1))
			return 1;
		j += per;
		mem = periodic ? m - per - 1 : -1;
	}
	return 0;
}

static int
cmp_result(enum filter_op op, int c)
{
	switch (op) {
	case FILTER_EQ:
		return c == 0;
	case FILTER_GT:
		return c > 0;
	case FILTER_GE:
		return c >= 0;
	case FILTER_LT:
		return c < 0;
	case FILTER_LE:
		return c <= 0;
	default:
		return 0;
	}
}

static int
test_string(enum filter_op op, struct str v, struct str lit, int folded)
{
	switch (op) {
	case FILTER_EQ:
		return folded ? str_caseeq(v, lit) : str_eq(v, lit);
	case FILTER_CO:
		return contains(v, lit, folded);
	case FILTER_SW:
		return folded ? str_case_has_prefix(v, lit)
			      : str_has_prefix(v, lit);
	case FILTER_EW:
		return folded ? str_case_has_suffix(v, lit)
			      : str_has_suffix(v, lit);
	default:
		/* §3.4.2.2: ordering on strings is lexicographical */
		return cmp_result(
		    op, folded ? str_casecmp(v, lit) : str_cmp(v, lit));
	}
}

/* Exact order of an int64 and a finite double (no rounding of i). */
static int
cmp_int_double(int64_t i, double d)
{
	int64_t t;
	double frac;

	if (d >= 9223372036854775808.0)
		return -1;
	if (d < -9223372036854775808.0)
		return 1;
	t = (int64_t)d; /* truncation; exact as a double */
	if (i != t)
		return i < t ? -1 : 1;
	frac = d - (double)t;
	return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

/* Numeric order across JSON_INT and JSON_DOUBLE; -2 if incomparable. */
static int
cmp_number(const struct json_value *a, const struct json_value *b)
{
	if (a->type == JSON_INT && b->type == JSON_INT)
		return (a->u.integer > b->u.integer) -
		    (a->u.integer < b->u.integer);
	if (a->type == JSON_INT && b->type == JSON_DOUBLE)
		return cmp_int_double(a->u.integer, b->u.number);
	if (a->type == JSON_DOUBLE && b->type == JSON_INT)
		return -cmp_int_double(b->u.integer, a->u.number);
	if (a->type == JSON_DOUBLE && b->type == JSON_DOUBLE &&
	    a->u.number == a->u.number && b->u.number == b->u.number)
		return (a->u.number > b->u.number) -
		    (a->u.number < b->u.number);
	return -2;
}

/* "pr": a non-empty value, or a complex node with one (§3.4.2.2);
 * null, "", [] and {} are all absent (RFC 7643 §2.5). */
static int
has_value(const struct json_value *v)
{
	size_t i;

	if (v == NULL)
		return 0;
	switch (v->type) {
	case JSON_NULL:
		return 0;
	case JSON_STRING:
		return v->u.string.len > 0;
	case JSON_ARRAY:
		for (i = 0; i < v->u.array.len; i++)
			if (has_value(v->u.array.items[i]))
				return 1;
		return 0;
	case JSON_OBJECT:
		for (i = 0; i < v->u.object.len; i++)
			if (has_value(v->u.object.members[i].value))
				return 1;
		return 0;
	default:
		return 1;
	}
}

/* One value of the attribute against the literal, by schema type. */
static int
test_value(
    const struct filter_node *n, enum filter_op op, const struct json_value *v)
{
	const struct json_value *lit = n->value;
	int64_t ms;
	int c;

	if (op == FILTER_PR)
		return has_value(v);
	if (v == NULL || lit == NULL)
		return 0;
	switch (n->info.type) {
	case FILTER_T_STRING:
	case FILTER_T_REFERENCE:
	case FILTER_T_BINARY:
		if (v->type != JSON_STRING || lit->type != JSON_STRING)
			return 0;
		/* base64 is case-sensitive whatever the schema says */
		return test_string(op, v->u.string, lit->u.string,
		    !n->info.case_exact && n->info.type != FILTER_T_BINARY);
	case FILTER_T_BOOLEAN:
		return op == FILTER_EQ && v->type == JSON_BOOL &&
		    lit->type == JSON_BOOL && !v->u.boolean == !lit->u.boolean;
	case FILTER_T_INTEGER:
	case FILTER_T_DECIMAL:
		c = cmp_number(v, lit);
		return c != -2 && cmp_result(op, c);
	case FILTER_T_DATETIME:
		/* chronological (§3.4.2.2): instants, whatever the offset */
		if (v->type != JSON_STRING || date_parse(v->u.string, &ms) != 0)
			return 0;
		return cmp_result(op, (ms > n->value_ms) - (ms < n->value_ms));
	default:
		return 0;
	}
}

/* The value itself, or each item of a multi-valued one. */
static int
any_item(
    const struct filter_node *n, enum filter_op op, const struct json_value *v)
{
	size_t i;

	if (v == NULL || v->type != JSON_ARRAY)
		return test_value(n, op, v);
	for (i = 0; i < v->u.array.len; i++)
		if (test_value(n, op, v->u.array.items[i]))
			return 1;
	return 0;
}

/* The attribute itself; extension attributes live under their schema's
 * URN (RFC 7643 §3.3), whether or not the filter wrote it. */
static const struct json_value *
top_value(const struct filter_node *n, const struct json_value *res)
{
	if (n->info.ext_urn.len > 0)
		res = json_object_get(res, n->info.ext_urn);
	return json_object_get(res, n->path.attr);
}

/*
 * 1 if any value the path names passes op. Inside a value path, elem is
 * the element under test and only the sub-attribute is looked up in it.
 */
static int
any_value(const struct filter_node *n, enum filter_op op,
    const struct json_value *res, const struct json_value *elem)
{
	const struct json_value *top;
	struct str sub = n->path.sub;
	size_t i;

	if (elem != NULL)
		return any_item(
		    n, op, sub.len > 0 ? json_object_get(elem, sub) : elem);
	top = top_value(n, res);
	if (sub.len == 0 || top == NULL)
		return any_item(n, op, top);
	if (top->type != JSON_ARRAY)
		return any_item(n, op, json_object_get(top, sub));
	for (i = 0; i < top->u.array.len; i++)
		if (any_item(
			n, op, json_object_get(top->u.array.items[i], sub)))
			return 1;
	return 0;
}

static int
eval_eq(const struct filter_node *n, const struct json_value *res,
    const struct json_value *elem)
{
	if (n->value != NULL && n->value->type == JSON_NULL)
		return !any_value(n, FILTER_PR, res, elem);
	return any_value(n, FILTER_EQ, res, elem);
}

/* The inner filter must hold for one element (RFC 7644 §3.4.2.2
 * valuePath); a single-valued complex attribute is its own element. */
static int
eval_valuepath(const struct filter_node *n, const struct json_value *res)
{
	const struct json_value *top = top_value(n, res), *e;
	size_t i;

	if (top == NULL)
		return 0;
	if (top->type == JSON_OBJECT)
		return eval(n->left, res, top);
	if (top->type != JSON_ARRAY)
		return 0;
	for (i = 0; i < top->u.array.len; i++) {
		e = top->u.array.items[i];
		if (e->type == JSON_OBJECT && eval(n->left, res, e))
			return 1;
	}
	return 0;
}

static int
eval(const struct filter_node *n, const struct json_value *res,
    const struct json_value *elem)
{
	if (n == NULL)
		return 0;
	switch (n->op) {
	case FILTER_AND:
		return eval(n->left, res, elem) && eval(n->right, res, elem);
	case FILTER_OR:
		return eval(n->left, res, elem) || eval(n->right, res, elem);
	case FILTER_NOT:
		return !eval(n->left, res, elem);
	case FILTER_VALUEPATH:
		return eval_valuepath(n, res);
	case FILTER_EQ:
		return eval_eq(n, res, elem);
	case FILTER_NE:
		return !eval_eq(n, res, elem);
	default:
		return any_value(n, n->op, res, elem);
	}
}

int
filter_match(const struct filter_node *root, const struct json_value *resource)
{
	if (root == NULL || !root->bound || resource == NULL)
		return 0;
	return eval(root, resource, NULL);
}
