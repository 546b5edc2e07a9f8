/*
 * Password hashing for the User `password` attribute (RFC 7643 §4.1.1:
 * "the cleartext value ... SHALL NOT be returned"; stored only hashed).
 *
 * Hashes are scrypt (RFC 7914, OpenSSL EVP_PBE_scrypt) with a random
 * 16-byte salt, written in a self-describing text form so the cost can be
 * raised later without breaking stored hashes:
 *
 *   $scrypt$ln=15,r=8,p=1$<salt>$<hash>
 *
 * where N = 2^ln, and salt and hash are unpadded standard base64. The
 * default cost (N=2^15, r=8, p=1: 32 MiB, tens of milliseconds) follows
 * RFC 7914 §2's interactive-login guidance. Verification reads the cost
 * from the stored string but refuses costs outside fixed bounds, so a
 * damaged record can't make the server allocate without limit.
 *
 * Neither the cleartext nor the hash is ever logged or put in an error
 * detail.
 */
#ifndef AUTH_PASSWORD_H
#define AUTH_PASSWORD_H

#include "util/scim_err.h"
#include "util/str.h"

#define PASSWORD_MAX 1024 /* bytes of cleartext accepted */
#define PASSWORD_HASH_MAX 128 /* bytes of the text form, NUL included */

struct password_cost {
	unsigned ln; /* log2 of N, 10..20 */
	unsigned r; /* block size, 1..32 */
	unsigned p; /* parallelism, 1..16 */
};

/* ln=15, r=8, p=1. */
extern const struct password_cost password_cost_default;

/*
 * Hashes pw (1..PASSWORD_MAX bytes, else SCIM_E_INVALID_VALUE) with a
 * fresh salt into out. cost NULL means the default; a cost outside the
 * bounds is SCIM_E_INVALID_VALUE. SCIM_E_INTERNAL if OpenSSL fails.
 */
int password_hash(struct str pw, const struct password_cost *cost,
    char out[PASSWORD_HASH_MAX], struct scim_err *err);

/*
 * 1 if pw matches stored, 0 if it does not or stored is not a hash this
 * module can read. The comparison of the derived keys takes constant
 * time (CRYPTO_memcmp).
 */
int password_verify(struct str pw, struct str stored);

/* 1 if s has the text form above (with readable, in-bounds cost). */
int password_is_hash(struct str s);

#endif
