/*
 * Strict UTF-8 (RFC 3629 §4): the one definition the JSON reader enforces
 * on input and the writer on output.
 */
#ifndef UTIL_UTF8_H
#define UTIL_UTF8_H

#include <stddef.h>

/*
 * Length (1-4) of the valid UTF-8 sequence at p, n bytes available, or 0.
 * The second byte ranges exclude overlong forms (C0, C1, E0 80..9F,
 * F0 80..8F), encoded surrogates (ED A0..BF) and code points past
 * U+10FFFF (F4 90.., F5..FF).
 */
size_t utf8_seq_len(const unsigned char *p, size_t n);

#endif
