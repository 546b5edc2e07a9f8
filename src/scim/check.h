/*
 * `scimcred check`, record side: what only the schemas can tell. For
 * every stored resource of every type in the registry, in every tenant:
 * the record decodes as JSON; every uniqueness key its attributes call
 * for (uniq_collect, RFC 7643 §2.1 "uniqueness") exists and names this
 * resource; a Credential's type and owner edges exist; every member edge
 * of a Group has its memberOf edge back. store_check() covers the other
 * direction (every key names an existing record).
 */
#ifndef SCIM_CHECK_H
#define SCIM_CHECK_H

#include <stddef.h>

#include "scim/scim.h"
#include "store/store.h"

/*
 * Runs the checks in one read transaction; report as for store_check()
 * (what NULL for a summary line). *problems gets the count. Returns 0,
 * or an error when the store can't be read at all.
 */
int check_records(struct scim *s, store_check_report report, void *arg,
    size_t *problems, struct scim_err *err);

#endif
