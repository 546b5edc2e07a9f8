/*
 * The `pattern` of a CredentialType attribute definition: a POSIX
 * extended regular expression (regcomp with REG_EXTENDED) that the whole
 * value must match, as if written ^(pattern)$. Patterns are checked when
 * a type is created or replaced, so that a bad one is a 400 for the
 * type's author (Nevis errors.property.regexinv), never for the people
 * writing credentials later.
 *
 * glibc's matcher expands counted repetitions, and nested ones such as
 * ((x|xx){0,30}){0,30} took seconds to compile or to match a 1 KiB value
 * on this machine (measured), so a pattern is bounded: at most
 * CREDENTIAL_PATTERN_MAX bytes; no back-references (not regular, and
 * exponential to match); nothing that can match the empty string may be
 * repeated (((x*)*){18} and ([a-z]?){0,256} each took up to a second to
 * compile, and always have a plain spelling); and at most
 * CREDENTIAL_PATTERN_COST_MAX elements once counted repetitions are
 * expanded. Within these bounds the worst shapes found compiled and
 * matched a 1 KiB value in a few milliseconds. Values longer than
 * CREDENTIAL_PATTERN_VALUE_MAX bytes never match. Matching is by bytes
 * (the server runs in the C locale).
 */
#ifndef SCIM_CREDENTIAL_PATTERN_H
#define SCIM_CREDENTIAL_PATTERN_H

#include "util/scim_err.h"
#include "util/str.h"

#define CREDENTIAL_PATTERN_MAX 256 /* bytes in a pattern */
#define CREDENTIAL_PATTERN_COST_MAX 256 /* elements, repetitions expanded */
#define CREDENTIAL_PATTERN_VALUE_MAX 1024 /* bytes of a value matched */

/*
 * 0 if p is a pattern scimcred accepts, else SCIM_E_INVALID_VALUE with a
 * detail that starts with label and ends "(regexinv)".
 */
int credential_pattern_check(
    struct str p, const char *label, struct scim_err *err);

/* 1 if the whole of value matches p, 0 if not (or value is longer than
 * CREDENTIAL_PATTERN_VALUE_MAX), -1 if p is not an accepted pattern. */
int credential_pattern_match(struct str p, struct str value);

#endif
