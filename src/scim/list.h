/*
 * Query engine shared by GET /{type} (query parameters, RFC 7644 §3.4.2)
 * and POST /{type}/.search (a SearchRequest body, RFC 7644 §3.4.3):
 * filter, sorting (§3.4.2.3), paging (§3.4.2.4, and RFC 9865 cursors),
 * projection (§3.9) and the ListResponse.
 */
#ifndef SCIM_LIST_H
#define SCIM_LIST_H

#include <stdint.h>

#include "filter/filter.h"
#include "scim/resource.h"
#include "scim/scim.h"

/* A query as the client wrote it; a view with a NULL ptr is absent. */
struct list_query {
	struct str filter;
	struct str sort_by;
	struct str sort_order;
	struct str attributes; /* comma-separated */
	struct str excluded; /* comma-separated */
	int has_start;
	int64_t start_index;
	int has_count;
	int64_t count;
	/* RFC 9865: present (even empty) selects cursor paging. */
	struct str cursor;
	/* Set by the server, not the client: a bound filter AND-ed with
	 * `filter` (a self-admin caller's owner scope, scim/access.h), so
	 * that totalResults and paging count only what it may see. */
	struct filter_node *scope;
};

/* From the query parameters; startIndex and count must be integers
 * (SCIM_E_INVALID_VALUE). Unknown parameters are ignored. */
int list_query_params(
    const struct scim_request *req, struct list_query *q, struct scim_err *err);

/* From a SearchRequest body (arena-owned views into req->arena). */
int list_query_body(
    const struct scim_request *req, struct list_query *q, struct scim_err *err);

/* Runs q over the tenant's resources of type t and answers 200 with a
 * ListResponse. */
int list_run(struct scim *s, const struct scim_request *req,
    const struct resource_type *t, const struct list_query *q,
    struct scim_response *resp, struct scim_err *err);

/*
 * The root search (RFC 7644 §3.4.3): q over every type in types (the
 * ones the caller may read) into one ListResponse, ordered by sortBy
 * when given, then by resource type name, then id. A filter or sortBy
 * attribute that some other type of the registry has but a searched type
 * lacks is simply absent there; one that no type has is 400.
 */
int list_run_root(struct scim *s, const struct scim_request *req,
    const struct resource_type *types, size_t ntypes,
    const struct list_query *q, struct scim_response *resp,
    struct scim_err *err);

#endif
