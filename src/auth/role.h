/*
 * Roles: named permission sets. scimcred ships five predefined roles
 * (environmentAdmin, credentialsAdmin, identityDataAdmin, auditor,
 * selfAdmin); configuration may add more, globally or per tenant. A token
 * (JWT `roles` claim, or an opaque token made with --role) names roles;
 * its permissions are the union of theirs and of any it carries directly.
 *
 * Tables chain: a tenant's table falls back to the global one, which
 * falls back to the predefined roles. A name may be defined only once
 * along a chain, so a tenant can't silently redefine "auditor".
 */
#ifndef AUTH_ROLE_H
#define AUTH_ROLE_H

#include <stddef.h>

#include "auth/perm.h"
#include "util/str.h"

#define ROLE_NAME_MAX 64
#define ROLE_TABLE_MAX 64 /* roles defined in one table */
#define ROLE_SELF_ADMIN "selfAdmin"

struct role {
	char name[ROLE_NAME_MAX + 1];
	struct perm_set perms;
	/* Scopes the caller to its own subject (token.h, principal). */
	int self_admin;
};

struct role_table;

/* 1 if name is [A-Za-z] then up to 63 of [A-Za-z0-9_-]. */
int role_name_ok(struct str name);

/* A predefined role by exact name, or NULL. Static storage. */
const struct role *role_predefined(struct str name);
/* The i-th predefined role, or NULL past the end (for listing). */
const struct role *role_predefined_at(size_t i);

/* An empty table whose lookups fall back to parent (NULL: only the
 * predefined roles). parent is borrowed and must outlive the table.
 * Caller frees with role_table_free. */
struct role_table *role_table_new(const struct role_table *parent);
/* Accepts NULL. */
void role_table_free(struct role_table *t);

/*
 * Defines role name with the permissions in list: identifiers separated
 * by spaces or tabs, at least one. Returns 0, or -1 with a message in why
 * naming the offending identifier (malformed name or permission, unknown
 * permission, a name already defined in this chain, a full table).
 */
int role_table_define(struct role_table *t, struct str name, struct str list,
    char *why, size_t whysz);

/* Looks name up along the chain (t may be NULL: predefined only). */
const struct role *role_table_find(const struct role_table *t, struct str name);

#endif
