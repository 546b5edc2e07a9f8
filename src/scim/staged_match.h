/*
 * What staging asks about one rule and one User: does the User match the
 * rule's filter, and what should the sourced attributes of the
 * credential the rule issues hold for this User.
 *
 * A plan is a rule read once per write together with its credential type
 * and the type's `source` paths, bound to the User schema, so that a
 * rule change evaluated over every User parses nothing per User.
 *
 * Matching (rule.h): by group, the User's Groups direct and through
 * nesting (the "memberOf" edges, group.h, up to STAGED_MATCH_GROUPS of
 * them); by population, the scimcred User extension's population.value;
 * by SCIM filter, the filter evaluated on the User completed with its
 * computed attributes (groups), as a GET /Users?filter= would see it.
 */
#ifndef SCIM_STAGED_MATCH_H
#define SCIM_STAGED_MATCH_H

#include <stddef.h>

#include "filter/filter.h"
#include "json/json.h"
#include "scim/credential_type.h"
#include "scim/resource.h"
#include "scim/rule.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define STAGED_MATCH_GROUPS 1024 /* Groups of one User looked at */

/* One attribute definition with a source, and that source as a bound
 * path ("<source> pr"). */
struct staged_source {
	const struct credential_type_def *def;
	const struct filter_node *path;
};

struct staged_plan {
	const struct rule *r;
	/* 0 when the credential type is gone or no longer AUTOMATED:
	 * nothing can be issued or updated (CREDENTIAL_TYPE_INVALID). */
	int type_ok;
	struct credential_type type;
	struct staged_source *src;
	size_t nsrc;
	const struct schema_rtype *user_rt; /* NULL: no Users served */
};

/* One User under evaluation. groups is filled on first need. */
struct staged_subject {
	struct str id;
	const struct json_value *user; /* stored form; NULL: deleted */
	struct str *groups;
	size_t ngroups;
	int have_groups;
};

/* Reads the rule's type and sources inside c->txn (arena-owned). */
int staged_plan_make(const struct resource_ctx *c, const struct rule *r,
    struct staged_plan *p, struct scim_err *err);

/* *match 1 if the User matches the rule's filter (status is not looked
 * at here). */
int staged_matches(const struct resource_ctx *c, const struct staged_plan *p,
    struct staged_subject *u, int *match, struct scim_err *err);

/*
 * The value source i should give the credential for user: the User's
 * value (a multi-valued attribute's primary, else first) as text, in the
 * definition's canonical form when it reads as its type (else as is, and
 * applying will fail naming the attribute); else the definition's
 * default. *has 0 when there is neither.
 */
void staged_want(struct arena *a, const struct staged_plan *p, size_t i,
    const struct json_value *user, struct str *v, int *has);

/* 1 if a sourced attribute of credential cred differs from what user's
 * data gives it (an UPDATE is due). */
int staged_differs(struct arena *a, const struct staged_plan *p,
    const struct json_value *user, const struct json_value *cred);

/* The `attributes` element of cred called name, or NULL. */
struct json_value *staged_cred_attr(
    const struct json_value *cred, struct str name);

#endif
