/*
 * Roles (see role.h). The predefined roles are computed from the
 * permission table by the parts of each identifier (category:action:
 * resource), not listed by hand, so a permission appended to perm.c later
 * (an audit read, say) joins the roles it belongs to without an edit here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/role.h"
#include "util/xmalloc.h"

struct role_table {
	const struct role_table *parent;
	struct role roles[ROLE_TABLE_MAX];
	size_t n;
};

enum {
	ROLE_ENV_ADMIN,
	ROLE_CRED_ADMIN,
	ROLE_IDDATA_ADMIN,
	ROLE_AUDITOR,
	ROLE_SELF,
	ROLE_PREDEFINED_COUNT
};

static struct role predefined[ROLE_PREDEFINED_COUNT];
static pthread_once_t predefined_once = PTHREAD_ONCE_INIT;

/* The resources credentialsAdmin manages (PingOne's Credentials service). */
static const char *const cred_resources[] = {
    "credentials", "credentialType", "issuanceRule", "stagedChanges"};

/* Splits a known identifier into its three parts. */
static void
perm_parts(enum perm p, struct str *cat, struct str *act, struct str *res)
{
	const char *s = perm_name(p), *c1 = strchr(s, ':');
	const char *c2 = strchr(c1 + 1, ':');

	*cat = str_make(s, (size_t)(c1 - s));
	*act = str_make(c1 + 1, (size_t)(c2 - c1 - 1));
	*res = str_from(c2 + 1);
}

static int
is_cred_resource(struct str res)
{
	size_t i;

	for (i = 0; i < sizeof(cred_resources) / sizeof(cred_resources[0]); i++)
		if (str_eq_cstr(res, cred_resources[i]))
			return 1;
	return 0;
}

static void
set_role(enum perm p, struct str cat, struct str act, struct str res)
{
	int schema_read = p == PERM_SCHEMA_READ;

	if (schema_read ||
	    (str_eq_cstr(cat, "credentialsIssuance") && is_cred_resource(res)))
		perm_set_add(&predefined[ROLE_CRED_ADMIN].perms, p);
	if (schema_read || str_eq_cstr(cat, "dir"))
		perm_set_add(&predefined[ROLE_IDDATA_ADMIN].perms, p);
	if (str_eq_cstr(act, "read"))
		perm_set_add(&predefined[ROLE_AUDITOR].perms, p);
}

static void
predefined_init(void)
{
	static const char *const names[ROLE_PREDEFINED_COUNT] = {
	    [ROLE_ENV_ADMIN] = "environmentAdmin",
	    [ROLE_CRED_ADMIN] = "credentialsAdmin",
	    [ROLE_IDDATA_ADMIN] = "identityDataAdmin",
	    [ROLE_AUDITOR] = "auditor",
	    [ROLE_SELF] = ROLE_SELF_ADMIN,
	};
	struct str cat, act, res;
	int i;

	for (i = 0; i < ROLE_PREDEFINED_COUNT; i++)
		snprintf(predefined[i].name, sizeof(predefined[i].name), "%s",
		    names[i]);
	predefined[ROLE_ENV_ADMIN].perms = perm_set_all();
	for (i = 0; i < PERM_COUNT; i++) {
		perm_parts((enum perm)i, &cat, &act, &res);
		set_role((enum perm)i, cat, act, res);
	}
	/* Self-admin: its own credentials (list, read, status changes) and
	 * its own User through /Me; the scoping itself is scim/access.c's. */
	perm_set_add(&predefined[ROLE_SELF].perms, PERM_CRED_READ);
	perm_set_add(&predefined[ROLE_SELF].perms, PERM_CRED_UPDATE);
	perm_set_add(&predefined[ROLE_SELF].perms, PERM_USER_READ);
	predefined[ROLE_SELF].self_admin = 1;
}

int
role_name_ok(struct str name)
{
	size_t i;
	char c;

	if (name.ptr == NULL || name.len == 0 || name.len > ROLE_NAME_MAX)
		return 0;
	for (i = 0; i < name.len; i++) {
		c = name.ptr[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			continue;
		if (i > 0 && ((c >= '0' && c <= '9') || c == '_' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

const struct role *
role_predefined_at(size_t i)
{
	pthread_once(&predefined_once, predefined_init);
	return i < ROLE_PREDEFINED_COUNT ? &predefined[i] : NULL;
}

const struct role *
role_predefined(struct str name)
{
	const struct role *r;
	size_t i;

	for (i = 0; (r = role_predefined_at(i)) != NULL; i++)
		if (str_eq_cstr(name, r->name))
			return r;
	return NULL;
}

struct role_table *
role_table_new(const struct role_table *parent)
{
	struct role_table *t = xcalloc(1, sizeof(*t));

	t->parent = parent;
	return t;
}

void
role_table_free(struct role_table *t)
{
	free(t);
}

const struct role *
role_table_find(const struct role_table *t, struct str name)
{
	size_t i;

	for (; t != NULL; t = t->parent)
		for (i = 0; i < t->n; i++)
			if (str_eq_cstr(name, t->roles[i].name))
				return &t->roles[i];
	return role_predefined(name);
}

/* Escapes an identifier from a configuration file for a message. */
static void
show(char *out, size_t outsz, struct str s)
{
	size_t i, o = 0;

	for (i = 0; i < s.len && o + 5 < outsz; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

/* Adds one identifier of a role definition to perms; -1 with why. */
static int
add_perm(struct str id, struct perm_set *perms, char *why, size_t whysz)
{
	char shown[160];
	enum perm p;

	show(shown, sizeof(shown), id);
	if (!perm_syntax_ok(id)) {
		snprintf(why, whysz,
		    "malformed permission identifier \"%s\" (expected "
		    "category:action:resource)",
		    shown);
		return -1;
	}
	if (perm_lookup(id, &p) != 0) {
		snprintf(why, whysz,
		    "unknown permission \"%s\" (see `scimcred permissions`)",
		    shown);
		return -1;
	}
	perm_set_add(perms, p);
	return 0;
}

int
role_table_define(struct role_table *t, struct str name, struct str list,
    char *why, size_t whysz)
{
	struct role r;
	char shown[160];
	size_t i = 0, start;
	int n = 0;

	memset(&r, 0, sizeof(r));
	show(shown, sizeof(shown), name);
	if (!role_name_ok(name)) {
		snprintf(why, whysz,
		    "malformed role name \"%s\" (a letter, then up to %d "
		    "letters, digits, '_' or '-')",
		    shown, ROLE_NAME_MAX - 1);
		return -1;
	}
	if (role_table_find(t, name) != NULL) {
		snprintf(why, whysz, "role \"%s\" is already defined", shown);
		return -1;
	}
	if (t->n == ROLE_TABLE_MAX) {
		snprintf(why, whysz, "more than %d roles", ROLE_TABLE_MAX);
		return -1;
	}
	while (i < list.len) {
		for (; i < list.len &&
		     (list.ptr[i] == ' ' || list.ptr[i] == '\t');
		     i++)
			;
		for (start = i;
		     i < list.len && list.ptr[i] != ' ' && list.ptr[i] != '\t';
		     i++)
			;
		if (i == start)
			continue;
		if (add_perm(str_make(list.ptr + start, i - start), &r.perms,
			why, whysz) != 0)
			return -1;
		n++;
	}
	if (n == 0) {
		snprintf(why, whysz, "role \"%s\" lists no permissions", shown);
		return -1;
	}
	memcpy(r.name, name.ptr, name.len);
	t->roles[t->n++] = r;
	return 0;
}
