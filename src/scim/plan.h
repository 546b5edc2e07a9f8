/*
 * The query planner (STYLE.md §6, after back-mdb's search): turns a bound
 * filter into candidate ids from the secondary indexes (index.h) and the
 * uniqueness keys (uniq.h). An index only narrows the candidates; the
 * evaluator decides every match, so the plan must always be a superset
 * of the matches and may be larger.
 *
 * Rules: eq, sw, gt, ge, lt, le and pr on an indexed attribute are key
 * scans; eq on a unique attribute or id is a uniqueness-key lookup; and
 * intersects (smallest first, skipping a term whose set would be much
 * larger than what it narrows), or unions; a value path uses its
 * value-path index on the leading components the inner filter fixes
 * with eq, else its inner filter's plain indexes. not, ne, co, ew,
 * `eq null`, unindexed attributes, and any term with more than
 * PLAN_MAX_IDS candidates mean "every record" (a scan).
 */
#ifndef SCIM_PLAN_H
#define SCIM_PLAN_H

#include <stddef.h>

#include "filter/filter.h"
#include "scim/index.h"
#include "scim/schema.h"
#include "store/store.h"
#include "util/arena.h"

#define PLAN_MAX_IDS 250000

struct plan_ids {
	int all; /* 1: no narrowing, scan every record */
	struct str *ids; /* ascending (bytes), no duplicates; arena-owned
			    array of views borrowed from txn or the filter */
	size_t n;
};

/*
 * The candidates for filter f (bound; NULL: everything) over tenant's
 * resources of type rt, read through txn. Some ids may name no record
 * (an `id eq` literal): the caller skips those.
 */
int plan_candidates(struct arena *a, struct store_txn *txn,
    const struct index_set *set, struct str tenant,
    const struct schema_rtype *rt, const struct filter_node *f,
    struct plan_ids *out, struct scim_err *err);

/* Test switch: 0 makes every plan "all" (a plain scan), so a test can
 * compare indexed answers with scanned ones. Process-wide; default 1. */
void plan_set_enabled(int on);

#endif
