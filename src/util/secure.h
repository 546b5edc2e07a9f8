/*
 * Secrets and randomness, all from OpenSSL: wipe on free, compare in
 * constant time, random bytes from the CSPRNG, v4 UUIDs for resource ids.
 */
#ifndef UTIL_SECURE_H
#define UTIL_SECURE_H

#include <stddef.h>

#define UUID_STRLEN 36
#define SECURE_SHA256_LEN 32

void secure_wipe(void *p, size_t n);
/* 1 if equal; time depends only on n. */
int secure_eq(const void *a, const void *b, size_t n);
/* Aborts if the CSPRNG fails: nothing safe can be done without it. */
void secure_random(void *out, size_t n);
/* SHA-256 of p[0..n). Aborts if OpenSSL fails, like secure_random. */
void secure_sha256(
    const void *p, size_t n, unsigned char out[SECURE_SHA256_LEN]);
/* Lower-case RFC 4122 version 4 UUID, NUL-terminated. */
void secure_uuid(char out[UUID_STRLEN + 1]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void secure_hex(const void *in, size_t n, char *out);

#endif
