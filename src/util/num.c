/* Strict integer parsing; see num.h. */
#include "util/num.h"

int
num_parse_i64(struct str s, int64_t *out)
{
	uint64_t v = 0, limit;
	size_t i = 0;
	int neg = 0;

	if (s.len == 0 || s.ptr == NULL)
		return -1;
	if (s.ptr[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == s.len || s.len - i > 19)
		return -1;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < s.len; i++) {
		unsigned d;
		if (s.ptr[i] < '0' || s.ptr[i] > '9')
			return -1;
		d = (unsigned)(s.ptr[i] - '0');
		if (v > (limit - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int
num_parse_range(struct str s, int64_t min, int64_t max, int64_t *out)
{
	int64_t v;

	if (num_parse_i64(s, &v) != 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
