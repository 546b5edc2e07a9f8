/*
 * ISO 8601 / xsd:dateTime (RFC 7643 §2.3.5) as milliseconds since the Unix
 * epoch. Accepted forms, as HID documents them:
 *   2018-11-21T14:14:59Z            2018-11-21T14:14:59.123Z
 *   2018-11-21T14:14:59+0200        2018-11-21T14:14:59.123+02:00
 * A fraction may have 1 to 9 digits (kept to the millisecond); the offset
 * is required. Output is always UTC with 'Z', with milliseconds only when
 * they are not zero.
 */
#ifndef UTIL_DATE_H
#define UTIL_DATE_H

#include <stdint.h>

#include "util/str.h"

#define DATE_BUFSZ 64

/* 0 on success, -1 if s is not a valid date-time. */
int date_parse(struct str s, int64_t *ms_out);
/* Writes a NUL-terminated UTC form into out; returns its length. */
size_t date_format(int64_t ms, char out[DATE_BUFSZ]);
/* Wall clock in milliseconds. Tests may override it with date_set_now(). */
int64_t date_now_ms(void);
/* 0 restores the real clock. For tests only. */
void date_set_now(int64_t ms);

#endif
