/*
 * The CredentialType resource (/CredentialTypes): what HID calls a
 * credential type, with PingOne's management mode and Nevis-style
 * property definitions. Its `id` is the type code that Credential.type
 * names (CT_ACODE): chosen by the client on create, 1 to
 * CREDENTIAL_TYPE_ID_MAX of A-Z, 0-9 and '_', starting with a letter,
 * unique per tenant.
 *
 * A type holds:
 *  - name, description;
 *  - management.mode: MANAGED (credentials are issued through the API;
 *    the default) or AUTOMATED (issuance rules may issue them);
 *  - initialStatus: PENDING (default) or ACTIVE, the status of a new
 *    credential whose body names none;
 *  - validityDays: -1 (never expires, the default) or 1..36500; a new
 *    credential without status.expiryDate expires that many days after
 *    its status.startDate, or after its creation when it has none;
 *  - attributes: up to CREDENTIAL_TYPE_MAX_DEFS definitions, each with a
 *    name (1..64 of A-Z a-z 0-9 _ . -, starting with a letter; unique,
 *    compared exactly), type (STRING DATE INT LONG BOOLEAN; STRING by
 *    default), required, readOnly, maxLength (1..1048576, STRING only),
 *    pattern (credential_pattern.h; STRING only), uniqueness (none,
 *    tenant: no two credentials of the type in the tenant share the
 *    value; owner: no two of one owner's credentials of the type do),
 *    defaultValue (must fit the definition) and source (a User attribute
 *    path, such as userName or name.givenName, that issuance rules copy
 *    from; it must resolve against the User resource type when the
 *    server has one, and name a simple attribute).
 *
 * A type's `type` and `uniqueness` of a definition cannot change while
 * credentials of the type exist (their values and keys were made under
 * the old rules); other changes apply to each credential at its next
 * write. A type with credentials cannot be deleted (409).
 */
#ifndef SCIM_CREDENTIAL_TYPE_H
#define SCIM_CREDENTIAL_TYPE_H

#include <stdint.h>

#include "json/json.h"
#include "scim/credential.h"
#include "scim/credential_attrs.h"
#include "scim/resource.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/scim_err.h"
#include "util/str.h"

#define CREDENTIAL_TYPE_RTYPE "CredentialType" /* the ResourceType name */
#define CREDENTIAL_TYPE_URN \
	"urn:scimcred:params:scim:schemas:core:2.0:CredentialType"
#define CREDENTIAL_TYPE_ID_MAX 32 /* bytes in a type code */
#define CREDENTIAL_TYPE_MAX_DEFS 64 /* attribute definitions per type */
#define CREDENTIAL_TYPE_NAME_MAX 64 /* bytes in a definition's name */
#define CREDENTIAL_TYPE_MAX_LENGTH (1024 * 1024) /* largest maxLength */
#define CREDENTIAL_TYPE_VALIDITY_MAX 36500 /* days */

enum credential_type_mode {
	CREDENTIAL_TYPE_MANAGED,
	CREDENTIAL_TYPE_AUTOMATED,
};

enum credential_type_uniq {
	CREDENTIAL_TYPE_UNIQ_NONE,
	CREDENTIAL_TYPE_UNIQ_TENANT,
	CREDENTIAL_TYPE_UNIQ_OWNER,
};

/* One attribute definition; views point into the resource it was read
 * from (arena-owned). */
struct credential_type_def {
	struct str name;
	enum credential_attr_type type;
	int required;
	int read_only;
	int64_t max_length; /* 0: no limit */
	struct str pattern; /* STR_NULL: none */
	enum credential_type_uniq uniqueness;
	struct str default_value; /* canonical; STR_NULL: none */
	struct str source; /* STR_NULL: none */
};

struct credential_type {
	struct str id;
	enum credential_type_mode mode;
	enum credential_status initial_status;
	int64_t validity_days; /* -1: never expires */
	const struct credential_type_def *defs; /* arena-owned */
	size_t ndefs;
};

/* 1 if id has the syntax of a type code. */
int credential_type_id_ok(struct str id);

/*
 * Reads a CredentialType resource (validated against its schema) into
 * *out, filling the defaults above into res and writing each
 * defaultValue in its canonical form; rejects what the rules above
 * forbid with SCIM_E_INVALID_VALUE naming the attribute. With check set
 * (create and replace), patterns are compiled and sources resolved
 * against that registry; stored types were checked then, so loading
 * passes NULL. *out is arena-owned and points into res.
 */
int credential_type_read(struct arena *a, struct json_value *res,
    const struct schema_registry *check, struct credential_type *out,
    struct scim_err *err);

/*
 * Loads tenant's type `code` inside txn into *out (arena-owned).
 * SCIM_E_NOT_FOUND (err untouched) when the tenant has no such type.
 */
int credential_type_load(struct store_txn *txn, struct arena *a,
    struct str tenant, struct str code, struct credential_type *out,
    struct scim_err *err);

/* The definition called name (compared exactly), or NULL. */
const struct credential_type_def *credential_type_def_find(
    const struct credential_type *t, struct str name);

extern const struct resource_hooks credential_type_hooks;

#endif
