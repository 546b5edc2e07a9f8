/*
 * Tenant names and tenant administration. A tenant name appears in every
 * URL (/scim/<tenant>/v2/...) and starts every store key, so it is kept
 * to DNS-label syntax (RFC 1035 §2.3.1, lower case only): 1 to 63 of
 * [a-z0-9-], not starting or ending with '-'. That makes names safe in
 * paths, logs and file names without escaping, and case can't make two
 * spellings of one tenant.
 */
#include "auth/tenant.h"

int
tenant_name_ok(struct str name)
{
	size_t i;
	char c;

	if (name.ptr == NULL || name.len == 0 || name.len > TENANT_NAME_MAX)
		return 0;
	if (name.ptr[0] == '-' || name.ptr[name.len - 1] == '-')
		return 0;
	for (i = 0; i < name.len; i++) {
		c = name.ptr[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '-'))
			return 0;
	}
	return 1;
}

static int
name_check(struct str name, struct scim_err *err)
{
	if (tenant_name_ok(name))
		return 0;
	return scim_err_set(err, SCIM_E_INVALID_VALUE,
	    "a tenant name is 1 to %d characters of a-z, 0-9 and '-', and "
	    "does not start or end with '-'",
	    TENANT_NAME_MAX);
}

int
tenant_add(struct store_txn *txn, struct str name, struct scim_err *err)
{
	int rc;

	rc = name_check(name, err);
	if (rc == 0)
		rc = store_tenant_add(txn, name, err);
	return rc;
}

int
tenant_remove(struct store_txn *txn, struct str name, struct scim_err *err)
{
	int rc;

	rc = name_check(name, err);
	if (rc == 0)
		rc = store_tenant_del(txn, name, err);
	return rc;
}
