/*
 * Self-admin scoping (issue 6, HARDENING.md promise 5). A principal with
 * self_admin set (auth/token.h) acts for one User of the tenant, its
 * subject: it may list, search and read the Credentials that User owns
 * (owner.value == subject), change their status.status within the status
 * machine, and read the User itself through GET /Me (RFC 7644 §3.11).
 * Nothing else:
 *   - every other route is 403 (access_route);
 *   - another User's Credential is 404, never 403, so that a self-admin
 *     caller cannot learn which ids exist (access_visible);
 *   - a list or search is AND-ed with owner.value eq subject before it
 *     runs, so totalResults and paging count only the caller's own
 *     credentials (access_scope);
 *   - a PUT or PATCH that changes status.startDate or status.expiryDate
 *     is 400 invalidValue, as Nevis refuses validity in self-admin mode
 *     ("Validity not allowed in self-admin mode"); one that changes any
 *     other attribute is 403, since the change is valid SCIM and only the
 *     caller's authorisation forbids it (RFC 7644 §3.12, 403: "operation
 *     is not permitted based on the supplied authorization")
 *     (access_check_change).
 * The checks compare effects, not the body: a GET-modify-PUT round trip
 * that repeats unchanged dates is fine (HID PUT semantics keep sections).
 *
 * Every function passes a request without a principal, or one without
 * self_admin, straight through: normal tokens are limited by their
 * permissions alone.
 */
#ifndef SCIM_ACCESS_H
#define SCIM_ACCESS_H

#include "auth/token.h"
#include "filter/filter.h"
#include "json/json.h"
#include "scim/scim.h"
#include "scim/schema.h"
#include "util/scim_err.h"

/* The ResourceType whose records a self-admin caller may reach. */
#define ACCESS_SELF_RTYPE "Credential"

/* 1 if who is a self-admin principal. NULL-safe. */
int access_is_self(const struct principal *who);

/*
 * The route gate, run by http/dispatch.c after the permission check:
 * for a self-admin principal, 0 only for GET /Me and for list, search,
 * get, PUT and PATCH of Credentials; SCIM_E_FORBIDDEN (err filled)
 * otherwise. 0 for every other principal.
 */
int access_route(const struct principal *who, scim_handler handler,
    struct str rtype, struct scim_err *err);

/*
 * The filter a list or search of rtype must be AND-ed with: for a
 * self-admin caller on Credentials, `owner.value eq "<subject>"` built
 * and bound as a node (never through filter text, so nothing the subject
 * holds can change the filter's shape), arena-owned; NULL otherwise.
 */
int access_scope(const struct scim_request *req, const struct schema_rtype *rt,
    struct filter_node **out, struct scim_err *err);

/*
 * After a resource is loaded for GET, PUT or PATCH: 0 if the caller may
 * see it; for a self-admin caller and someone else's Credential, the
 * same SCIM_E_NOT_FOUND a missing id gets (record_not_found).
 */
int access_visible(const struct scim_request *req,
    const struct schema_rtype *rt, const struct json_value *res,
    struct scim_err *err);

/*
 * PUT and PATCH (commit.c), once the type's rules built next from cur:
 * for a self-admin caller, 0 when next differs from cur only in
 * status.status (and server-set id, meta, status.active); else the 400
 * or 403 described above.
 */
int access_check_change(const struct scim_request *req,
    const struct json_value *cur, const struct json_value *next,
    struct scim_err *err);

#endif
