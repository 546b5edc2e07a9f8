/*
 * The schema registry: every Schema and ResourceType in scim-schemas/,
 * loaded once at start-up and immutable afterwards (shared by all worker
 * threads without locks). Discovery serves these documents and validation
 * reads the same parsed attributes, so scim-schemas/ is the single source
 * of truth (RFC 7643 §7, §6).
 *
 * Layout of the directory:
 *   scim-schemas/schemas/<anything>.json         one Schema resource each
 *   scim-schemas/resource-types/<anything>.json  one ResourceType each
 *   scim-schemas/service-provider-config.json    the ServiceProviderConfig
 *
 * The common attributes id, externalId and meta (RFC 7643 §3.1) are not in
 * the resource schemas; the registry adds them to every resource type.
 */
#ifndef SCIM_SCHEMA_H
#define SCIM_SCHEMA_H

#include "filter/filter.h"
#include "json/json.h"
#include "util/scim_err.h"
#include "util/str.h"

enum schema_mutability {
	SCHEMA_MUT_READ_WRITE,
	SCHEMA_MUT_READ_ONLY,
	SCHEMA_MUT_IMMUTABLE,
	SCHEMA_MUT_WRITE_ONLY,
};

enum schema_returned {
	SCHEMA_RET_DEFAULT,
	SCHEMA_RET_ALWAYS,
	SCHEMA_RET_NEVER,
	SCHEMA_RET_REQUEST,
};

enum schema_uniqueness {
	SCHEMA_UNIQ_NONE,
	SCHEMA_UNIQ_SERVER, /* per tenant in scimcred */
	SCHEMA_UNIQ_GLOBAL, /* treated as per tenant too: tenants never meet */
};

struct schema_attr {
	const char *name; /* as the schema spells it */
	enum filter_type type;
	int multi_valued;
	int required;
	int case_exact;
	enum schema_mutability mutability;
	enum schema_returned returned;
	enum schema_uniqueness uniqueness;
	const char *const *canonical; /* canonicalValues, or NULL */
	size_t ncanonical;
	const struct schema_attr *subs; /* sub-attributes of a complex type */
	size_t nsubs;
};

struct schema {
	const char *id; /* URN */
	const char *name;
	const struct schema_attr *attrs;
	size_t nattrs;
	const struct json_value *doc; /* the Schema resource as served */
};

struct schema_registry;

struct schema_ext {
	const struct schema *schema;
	int required;
};

struct schema_rtype {
	const char *name; /* "Credential" */
	const char *endpoint; /* "/Credential" */
	const struct schema *core;
	const struct schema_ext *exts;
	size_t nexts;
	const struct json_value *doc; /* the ResourceType resource as served */
	/* The registry the type belongs to, for rules that look at other
	 * resource types (a CredentialType's `source` is a User path). */
	const struct schema_registry *reg;
};

/* Loads dir; any malformed file fails with a detail naming file and
 * problem. Caller frees with schema_registry_free(). */
int schema_registry_load(
    const char *dir, struct schema_registry **out, struct scim_err *err);
void schema_registry_free(struct schema_registry *r);

/* Lookups by URN (case-insensitive, RFC 7643 §2.1) and by type name. */
const struct schema *schema_find(
    const struct schema_registry *r, struct str urn);
const struct schema_rtype *schema_rtype_find(
    const struct schema_registry *r, struct str name);
size_t schema_count(const struct schema_registry *r);
const struct schema *schema_at(const struct schema_registry *r, size_t i);
size_t schema_rtype_count(const struct schema_registry *r);
const struct schema_rtype *schema_rtype_at(
    const struct schema_registry *r, size_t i);
const struct json_value *schema_spc(const struct schema_registry *r);

/* The common attributes (id, externalId, meta and its sub-attributes). */
const struct schema_attr *schema_common_attr(struct str name);

/*
 * Resolves an attribute path against a resource type: common attributes,
 * then the core schema, then extensions (URN-qualified paths pick the
 * schema). *owner is set to the schema that defines the attribute (NULL
 * for common attributes). Returns the top-level attribute, and *sub the
 * sub-attribute when path->sub is set. NULL if nothing matches.
 */
const struct schema_attr *schema_resolve(const struct schema_rtype *rt,
    const struct filter_attrpath *path, const struct schema **owner,
    const struct schema_attr **sub);

/* A filter_resolve_fn; ctx is a const struct schema_rtype *. */
int schema_filter_resolve(void *ctx, const struct filter_attrpath *path,
    struct filter_attrinfo *info);

/* Sub-attribute of a complex attribute by name, case-insensitive. */
const struct schema_attr *schema_sub(
    const struct schema_attr *a, struct str name);

#endif
