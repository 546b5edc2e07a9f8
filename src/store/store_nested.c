/* Nested write steps (LMDB nested transactions); see store_nested.h. */
#include "config.h"

#include <string.h>

#include "store/store_int.h"
#include "store/store_nested.h"

int
store_nested(
    struct store_txn *txn, store_write_fn fn, void *arg, struct scim_err *err)
{
	struct store_txn child;
	int rc, mrc;

	rc = store_writable(txn, err);
	if (rc != 0)
		goto out;
	memset(&child, 0, sizeof(child));
	child.s = txn->s;
	child.excl = txn->excl;
	child.map_seen = txn->map_seen;
	mrc = mdb_txn_begin(txn->s->env, txn->txn, 0, &child.txn);
	if (mrc != 0) {
		rc = store_lmdb_fail(txn, mrc, err);
		goto out;
	}
	rc = fn(&child, arg, err);
	if (rc == 0 && child.fail_mrc == 0) {
		mrc = mdb_txn_commit(child.txn);
		if (mrc != 0)
			rc = store_lmdb_fail(txn, mrc, err);
	} else {
		mdb_txn_abort(child.txn);
	}
	txn->wrote |= child.wrote;
	txn->deleted |= child.deleted;
	/* A storage failure is the whole transaction's, not fn's. */
	if (child.fail_mrc != 0) {
		if (txn->fail_mrc == 0)
			txn->fail_mrc = child.fail_mrc;
		txn->map_full |= child.map_full;
		if (rc == 0)
			rc = store_lmdb_fail(NULL, child.fail_mrc, err);
	}
out:
	return rc;
}
