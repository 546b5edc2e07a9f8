/*
 * `scimcred check`, secondary indexes (store.h, "secondary indexes"):
 * both directions of the promise that the index is exact. Every record
 * of an indexed type has every entry the indexer derives from it, and
 * every entry names an existing record of its tenant and type that
 * derives exactly that entry. Read-only: one read transaction, and the
 * indexer is used as given, never attached (attaching may rebuild).
 */
#ifndef STORE_STORE_INDEX_CHECK_H
#define STORE_STORE_INDEX_CHECK_H

#include <stddef.h>

#include "store/store.h"

/*
 * Checks s's index against ix (scim/index.h: index_set_indexer), which
 * need not be attached. When the declaration hash the entries were
 * built for (the meta key) is absent or differs from ix->version, the
 * entries are not compared: that is one problem, which the server
 * mends by rebuilding at its next start (store_index_attach); a store
 * with no entries and no indexed records has nothing to rebuild and no
 * problem. report is called as for store_check() ("index" for each
 * problem, NULL for the summary line "index: N entries checked, M
 * records, P problems"). *problems gets P. Returns 0, or an error when
 * the store cannot be read.
 */
int store_index_check(struct store *s, const struct store_indexer *ix,
    store_check_report report, void *arg, size_t *problems,
    struct scim_err *err);

#endif
