/*
 * Nested write steps: part of a write transaction that either takes
 * effect whole or leaves the enclosing transaction as it was (an LMDB
 * nested transaction). Applying a staged change uses one so that a
 * credential write that fails half-way leaves nothing behind, while the
 * error it records on the staged change still commits with the rest.
 */
#ifndef STORE_STORE_NESTED_H
#define STORE_STORE_NESTED_H

#include "store/store.h"
#include "util/scim_err.h"

/*
 * Runs fn in a child of the write transaction txn. When fn returns 0 the
 * child's writes join txn; otherwise they are dropped and fn's error is
 * returned, txn left as before the call. A storage failure inside the
 * child (map full, I/O) also marks txn failed, so store_write() never
 * commits it and reruns the whole callback after growing the map, as
 * for a failure in txn itself. Iterators on txn must not be used while
 * fn runs (LMDB's rule for nested transactions).
 */
int store_nested(
    struct store_txn *txn, store_write_fn fn, void *arg, struct scim_err *err);

#endif
