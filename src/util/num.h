/* Strict decimal integer parsing: no sign games, no spaces, no overflow. */
#ifndef UTIL_NUM_H
#define UTIL_NUM_H

#include <stdint.h>

#include "util/str.h"

/* Optional leading '-', then 1..19 digits; -1 on any junk or overflow. */
int num_parse_i64(struct str s, int64_t *out);
/* Digits only, value in [min, max]; -1 otherwise. */
int num_parse_range(struct str s, int64_t min, int64_t max, int64_t *out);

#endif
