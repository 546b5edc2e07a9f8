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
 *
 * Exact plans. A plan is exact (plan_ids.exact) when its ids are exactly
 * the records the evaluator matches, so that a list may count them for
 * totalResults and read only its page (plan_page):
 *  - no candidates at all (the plan is a superset of the matches);
 *  - eq, sw, gt, ge, lt, le or pr on a plain index of a string,
 *    reference, binary or dateTime attribute, whose type and caseExact
 *    are the comparison's (the key folds ASCII as filter_match.c does),
 *    with the literal's key not cut (no longer than store_index_room);
 *    sw never on a dateTime; booleans only for eq; numbers never (their
 *    keys are doubles: int64 rounds);
 *  - eq with a string literal answered by a uniqueness key (id,
 *    externalId, unique attributes; an id naming no record is dropped);
 *  - a value path on its value-path index whose inner filter is an and
 *    of eq terms on exactly the components in the key (each exact as
 *    above), the key not cut, and no element of any record stored as
 *    "unsure"; or on plain indexes when its inner filter is one
 *    comparison;
 *  - and of exact terms, every one applied (intersected or probed);
 *    or of exact terms; no filter at all (with all set).
 * Everything else is not exact, and the list reads every candidate.
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
	int exact; /* 1: ids are exactly the matches (see below); with all,
		      only for no filter: every record matches */
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

/* The sort a page follows (list.c's sortBy, bound). */
struct plan_sort {
	struct filter_attrpath path;
	struct filter_attrinfo info;
	int desc;
};

/*
 * plan_page.c. For an exact plan cand: *total gets the number of matches
 * and page the ids of matches skip+1 .. skip+count in the order a list
 * answers in, without reading a record: by id, or by sort (NULL: none)
 * as list.c orders it (typed per sort->info, missing values last
 * ascending and first descending, ties by ascending id), walking the
 * sort attribute's plain index when it is single-valued, of a type whose
 * key order is the sort's (strings, dateTime, decimal), and no key met
 * is cut. Returns 1 when done, 0 when it cannot answer this way (the
 * caller then loads and sorts every match) or a negative error.
 */
int plan_page(struct arena *a, struct store_txn *txn,
    const struct index_set *set, struct str tenant,
    const struct schema_rtype *rt, const struct plan_ids *cand,
    const struct plan_sort *sort, size_t skip, size_t count,
    struct plan_ids *page, size_t *total, struct scim_err *err);

/* Test switch: 0 makes every plan "all" (a plain scan), so a test can
 * compare indexed answers with scanned ones. Process-wide; default 1. */
void plan_set_enabled(int on);

#endif
