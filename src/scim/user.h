/*
 * The User resource type (RFC 7643 §4.1, with the enterprise extension
 * of §4.3 and scimcred's User extension holding `population`).
 *
 *  - userName is unique per tenant compared case-insensitively: the
 *    schema says uniqueness "server", caseExact false, and uniq.h keys
 *    on the folded value.
 *  - password (writeOnly, returned "never") is stored only as a salted
 *    scrypt hash (auth/password.h), never returned and never matched by
 *    a filter. A PUT that leaves password out keeps the stored hash
 *    (clients can't read it back to resend it; RFC 7644 §3.5.1 lets the
 *    server keep values a PUT does not assert); an explicit null, or a
 *    PATCH remove, clears it.
 *  - groups (readOnly) is computed on output from the membership edges
 *    (group.h): direct memberships and, through nested Groups, indirect
 *    ones (RFC 7643 §4.1.2). Membership changes do not give the User a
 *    new version.
 *  - population.value must name a Population of the tenant (400
 *    invalidValue); population.display (the Population's name) and
 *    $ref are filled on output.
 *  - Deleting a User, in the delete's transaction, removes it from its
 *    Groups and its Population, and deletes the Credentials it owns
 *    (Credential.owner.value), through the Credential type's own
 *    delete rules.
 *  - POST and PUT tolerate (and drop) unknown schema URNs, as for
 *    Groups (group.h).
 */
#ifndef SCIM_USER_H
#define SCIM_USER_H

#include "scim/resource.h"

#define USER_EXT_URN "urn:scimcred:params:scim:schemas:extension:2.0:User"

extern const struct resource_hooks user_hooks;

#endif
