/*
 * The Group resource type (RFC 7643 §4.2) and group membership.
 *
 * Members are not stored in the Group's record: each membership is a
 * pair of store edges (store.h) written in the same transaction,
 *
 *   "member"   group  -> member   value: 'U' or 'G', then the display
 *   "memberOf" member -> group    value: empty
 *
 * so adding one member to a group of any size writes two small keys and
 * the group's small record (its version), instead of a record holding
 * every member; and a User's `groups` (RFC 7643 §4.1.2) is computed when
 * read from the "memberOf" range, never stored, so a membership change
 * touches no User record. The load hook puts `members` back into a
 * Group read for PUT, PATCH or DELETE, so those see the whole resource.
 *
 * Members must be Users or Groups of the tenant (400 invalidValue naming
 * the member otherwise); `type` and `display` are the server's, `$ref`
 * is built on output. Nesting may not form a cycle: a Group that would
 * contain itself, directly or through other Groups, is 400
 * invalidValue. Reads still walk nesting with a visited set, so even a
 * damaged store cannot loop.
 *
 * Deleting a Group removes its memberships, in both directions, in the
 * delete's transaction; Groups that contained it get a new version.
 *
 * POST and PUT tolerate schema URNs this server does not know and drop
 * them (Okta and Entra ID list their own, e.g. Entra's ADSCIM Group
 * URN); only Users and Groups, the types provisioning clients write, are
 * this lenient.
 */
#ifndef SCIM_GROUP_H
#define SCIM_GROUP_H

#include "json/json.h"
#include "scim/resource.h"
#include "store/store.h"
#include "util/scim_err.h"
#include "util/str.h"

#define GROUP_EDGE_MEMBER "member"
#define GROUP_EDGE_OF "memberOf"
/* Bound on the Groups one `groups` computation visits. */
#define GROUP_NEST_MAX 10000

extern const struct resource_hooks group_hooks;

/*
 * The `groups` values of member id (a User): every Group it belongs to,
 * "direct" first, then "indirect" ones reached through nested Groups,
 * each once, as {value, $ref (when c->root is set), display, type}.
 * *out is an arena-owned array, empty when there are none.
 */
int group_of(const struct resource_ctx *c, struct store_txn *txn, struct str id,
    struct json_value **out, struct scim_err *err);

/*
 * Removes member id (a User or Group being deleted) from every Group it
 * is a direct member of, giving those Groups a new version. Runs in the
 * delete's transaction (c->txn).
 */
int group_drop_member(
    const struct resource_ctx *c, struct str id, struct scim_err *err);

/*
 * Records a member's new display name (a User's displayName or
 * userName, a Group's displayName) in the Groups it belongs to. type is
 * 'U' or 'G'. Runs in c->txn.
 */
int group_member_renamed(const struct resource_ctx *c, struct str id, char type,
    struct str display, struct scim_err *err);

/* The display name of a User record: displayName, else userName. */
struct str group_user_display(const struct json_value *user);

#endif
