/*
 * Harness for the PATCH engine tests: a schema registry loaded from
 * tests/data (or the real scim-schemas/), and one call that parses a
 * resource and a PatchOp message, runs patch_parse and patch_apply, and
 * keeps the outcome. Everything lives in one arena freed at teardown.
 */
#ifndef TESTS_UNIT_SCIM_PATCH_FIXTURE_H
#define TESTS_UNIT_SCIM_PATCH_FIXTURE_H

#include "json/json.h"
#include "scim/patch.h"
#include "scim/patch_apply.h"
#include "util/scim_err.h"

#define PF_USER_URN "urn:ietf:params:scim:schemas:core:2.0:User"
#define PF_ENT_URN "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define PF_GROUP_URN "urn:ietf:params:scim:schemas:core:2.0:Group"
#define PF_WIDGET_URN "urn:example:scimcred:test:2.0:Widget"
#define PF_EXTRA_URN "urn:example:scimcred:test:2.0:Widget:Extra"
#define PF_CRED_URN "urn:hid:scim:api:idp:2.0:Credential"
/* A PatchOp message around a list of operations. */
#define PF_OPS(ops) \
	"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]," \
	"\"Operations\":[" ops "]}"

struct pf_result {
	int rc;
	struct json_value *res; /* the patched resource when rc == 0 */
	struct scim_err err;
};

/* For .init: the registry from tests/data/<dir>, or the real schemas
 * when dir is NULL. */
void pf_setup(const char *dir);
void pf_setup_patch(void); /* schemas-patch: User (+enterprise), Group */
void pf_setup_ext(void); /* schemas-ext: Widget (+Extra) */
void pf_setup_real(void); /* scim-schemas: Credential */
void pf_teardown(void);
struct arena *pf_arena(void);
const struct schema_rtype *pf_rtype(const char *name);

/* Parses JSON text into the fixture arena (asserts). */
struct json_value *pf_json(const char *text);

/* Runs the message on the resource of type rtype (bool strings on). */
struct pf_result pf_run(
    const char *rtype, const char *resource, const char *message);

/* Asserts success and that the result equals expected (JSON text). */
void pf_expect(const char *rtype, const char *resource, const char *message,
    const char *expected);
/* Asserts failure with code and a detail containing `detail` (may be
 * NULL). */
void pf_expect_err(const char *rtype, const char *resource, const char *message,
    int code, const char *detail);

/* Compact text of v (static buffer). */
const char *pf_dump(const struct json_value *v);

#endif
