/*
 * Secondary indexes declared as data (scim-schemas/indexes.json, next to
 * the schemas it names), and the indexer that turns a stored record into
 * index keys for the store (store.h, "secondary indexes").
 *
 * The declaration lists, per resource type, attribute paths to index:
 *   "owner.value"            a plain index: every value the path names
 *                            (any element of a multi-valued attribute),
 *                            plus a presence entry for `pr`
 *   "emails[type,value]"     a value-path index over the elements of a
 *                            complex attribute: one entry per element
 *                            holding its components in order, for
 *                            `emails[type eq "work" and value eq "x"]`
 * Computed attributes (meta.location, $ref, a Credential's status.active,
 * a User's groups, a Group's members) are not in the stored record and
 * are refused.
 *
 * Index keys (ikeys): name \0 then
 *   0x01                     presence (plain)
 *   0x02 value               plain
 *   0x02 (0x01 | 0x02 value)* value path: 0x01 for a missing component
 *   0xff                     value path: an element the encoding cannot
 *                            describe (probes always include these)
 * Values are order-preserving: strings as bytes (ASCII lower-cased unless
 * caseExact, binary never) and a \0 terminator; integers and decimals as
 * 8 bytes of an order-preserving double (int64 to double rounds
 * monotonically, so inclusive ranges stay supersets); dateTime as 8
 * bytes of big-endian epoch milliseconds, sign bit flipped; booleans as
 * one byte. Only values that filter_match could find equal, ordered or
 * prefixed get an entry: a value of the wrong JSON type never matches.
 */
#ifndef SCIM_INDEX_H
#define SCIM_INDEX_H

#include "filter/filter.h"
#include "scim/schema.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/scim_err.h"

#define INDEX_FILE "indexes.json"
#define INDEX_MAX_COMPS 4
#define INDEX_NAME_MAX 200

#define INDEX_TAG_PRESENT 0x01
#define INDEX_TAG_VALUE 0x02
#define INDEX_TAG_MISSING 0x01
#define INDEX_TAG_UNSURE 0xff

struct index_comp {
	struct str sub;
	struct filter_attrinfo info;
};

struct index_def {
	struct str name; /* as declared; the ikey's first part */
	struct filter_attrpath path; /* value path: sub empty */
	struct filter_attrinfo info; /* plain: the indexed attribute's */
	struct index_comp comps[INDEX_MAX_COMPS];
	size_t ncomps; /* 0: plain */
};

struct index_set;

/*
 * Loads dir/indexes.json against the registry (a missing file: no
 * indexes). Unknown resource types are skipped with a warning; an
 * unknown or computed attribute, or a malformed file, fails with a
 * detail naming it. Caller frees with index_set_free().
 */
int index_set_load(const struct schema_registry *reg, const char *dir,
    struct index_set **out, struct scim_err *err);
void index_set_free(struct index_set *set);

/* The indexer to attach to the store; valid while set lives. */
const struct store_indexer *index_set_indexer(const struct index_set *set);

/* The plain index a bound comparison's path names, or NULL. */
const struct index_def *index_find(const struct index_set *set,
    const struct schema_rtype *rt, const struct filter_node *n);
/* The value-path index over a bound value path's attribute, or NULL. */
const struct index_def *index_find_valuepath(const struct index_set *set,
    const struct schema_rtype *rt, const struct filter_node *vp);
/* Number of indexes of rt (0 when set is NULL). */
size_t index_count(const struct index_set *set, const struct schema_rtype *rt);

/* Appends name \0 and the tag: the start of d's entries. */
void index_put_head(struct buf *b, const struct index_def *d, int tag);
/*
 * Appends the encoding of n's literal as a value of an attribute with
 * info; prefix leaves a string unterminated (for sw). Returns 0, or -1
 * when no stored value could compare with the literal (no candidates).
 */
int index_put_literal(struct buf *b, const struct filter_attrinfo *info,
    const struct filter_node *n, int prefix);

#endif
