/* attributes / excludedAttributes and the `returned` characteristic
 * (projection.h), on Credential resources and the Widget fixture. */
#include <criterion/criterion.h>
#include <string.h>

#include "schema_engine_fixture.h"
#include "scim/projection.h"

static struct schema_registry *reg;
static struct arena *ar;

static void
setup_real(void)
{
	reg = fx_load_real();
	ar = arena_new();
}

static void
setup_ext(void)
{
	reg = fx_load_ext();
	ar = arena_new();
}

static void
teardown(void)
{
	schema_registry_free(reg);
	arena_free(ar);
}

/* A stored Credential with every attribute set. */
static const char cred[] =
    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\",\"externalId\":\"e1\","
    "\"meta\":{\"resourceType\":\"Credential\",\"created\":"
    "\"2025-01-01T00:00:00Z\",\"lastModified\":\"2025-01-02T00:00:00Z\","
    "\"location\":\"https://h/scim/t/v2/Credential/c1\",\"version\":"
    "\"W/\\\"1\\\"\"},\"type\":\"CT_ACODE\",\"status\":{\"status\":"
    "\"ACTIVE\",\"active\":true,\"expiryDate\":\"2026-01-01T00:00:00Z\"},"
    "\"attributes\":[{\"name\":\"A\",\"type\":\"STRING\",\"value\":\"1\","
    "\"readOnly\":false},{\"name\":\"B\",\"value\":\"2\"}],"
    "\"owner\":{\"value\":\"u1\",\"display\":\"Jo\"},\"totalUsed\":\"0\"}";

/* A stored Widget with every returned kind. */
static const char widget[] =
    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
    "\"id\":\"w1\",\"name\":\"n\",\"secret\":\"s\",\"pin\":\"1234\","
    "\"audit\":\"a\","
    "\"kind\":\"k\",\"count\":1,\"part\":{\"code\":\"c\",\"label\":\"l\","
    "\"note\":\"n\",\"hidden\":\"h\"},\"" FX_EXTRA_URN "\":{\"level\":2,"
    "\"owner\":\"o\",\"notes\":\"x\"}}";

/* Parses the parameters, applies them to text and compares with want. */
static void
expect(const char *rtype, const char *text, const char *attrs, const char *excl,
    const char *want)
{
	const struct schema_rtype *rt = fx_rtype(reg, rtype);
	struct projection *p = NULL;
	struct scim_err err = {0};
	struct json_value *v = fx_json(ar, text);
	int rc;

	rc =
	    projection_parse(ar, rt, str_from(attrs), str_from(excl), &p, &err);
	cr_assert_eq(rc, 0, "%s", err.detail);
	projection_apply(p, rt, v);
	cr_assert(json_equal(v, fx_json(ar, want)),
	    "attributes=%s "
	    "excludedAttributes=%s: got %s",
	    attrs, excl, fx_dump(v));
}

TestSuite(projection_cred, .init = setup_real, .fini = teardown);

Test(projection_cred, default_returns_everything_stored)
{
	expect("Credential", cred, "", "", cred);
}

Test(projection_cred, null_projection_applies_returned_only)
{
	const struct schema_rtype *rt = fx_rtype(reg, "Credential");
	struct json_value *v = fx_json(ar, cred);

	projection_apply(NULL, rt, v);
	cr_assert(json_equal(v, fx_json(ar, cred)));
	projection_apply(NULL, rt, NULL);
}

Test(projection_cred, attributes_keep_id_and_schemas)
{
	expect("Credential", cred, "type", "",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\","
	    "\"type\":\"CT_ACODE\"}");
	/* Unknown names are ignored, leaving the minimum set. */
	expect("Credential", cred, "nope,status.nope", "",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\"}");
}

Test(projection_cred, sub_attributes_and_case)
{
	expect("Credential", cred, "STATUS.status, meta.Created", "",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\",\"status\":"
	    "{\"status\":\"ACTIVE\"},\"meta\":{\"created\":"
	    "\"2025-01-01T00:00:00Z\"}}");
	/* Across every element of a multi-valued attribute. */
	expect("Credential", cred, "attributes.value", "",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\",\"attributes\":"
	    "[{\"value\":\"1\"},{\"value\":\"2\"}]}");
	/* Elements without the part disappear. */
	expect("Credential", cred, "attributes.type", "",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\",\"attributes\":"
	    "[{\"type\":\"STRING\"}]}");
	/* Naming the parent and a part keeps the whole parent. */
	expect("Credential", cred, "owner.value,owner", "",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\",\"owner\":"
	    "{\"value\":\"u1\",\"display\":\"Jo\"}}");
}

Test(projection_cred, urn_qualified_names)
{
	expect("Credential", cred,
	    "urn:hid:scim:api:idp:2.0:Credential:totalUsed,"
	    "URN:HID:SCIM:API:IDP:2.0:CREDENTIAL:status.expiryDate",
	    "",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\",\"totalUsed\":"
	    "\"0\",\"status\":{\"expiryDate\":\"2026-01-01T00:00:00Z\"}}");
	/* The core URN alone names every core and common attribute. */
	expect("Credential", cred, FX_CRED_URN, "", cred);
	expect("Credential", cred, "", FX_CRED_URN,
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\"}");
}

Test(projection_cred, excluded_attributes)
{
	expect("Credential", cred, "",
	    "meta,attributes,status.active,owner.display,totalUsed",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\",\"externalId\":"
	    "\"e1\",\"type\":\"CT_ACODE\",\"status\":{\"status\":\"ACTIVE\","
	    "\"expiryDate\":\"2026-01-01T00:00:00Z\"},\"owner\":{\"value\":"
	    "\"u1\"}}");
	/* RFC 7644 §3.4.2.5: no effect on returned "always" (id). */
	expect("Credential", cred, "",
	    "id,schemas,type,externalId,meta,status,"
	    "attributes,owner,totalUsed",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\"}");
	/* Removing the only part left removes the parent. */
	expect("Credential",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\",\"owner\":"
	    "{\"value\":\"u1\"}}",
	    "", "owner.value",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\"}");
}

Test(projection_cred, both_parameters_are_refused)
{
	struct projection *p = (void *)1;
	struct scim_err err = {0};
	int rc;

	rc = projection_parse(ar, fx_rtype(reg, "Credential"), STR_LIT("type"),
	    STR_LIT("meta"), &p, &err);
	cr_assert_eq(rc, SCIM_E_INVALID_VALUE);
	cr_assert_null(p);
	cr_assert_not_null(strstr(err.detail, "excludedAttributes"));
	/* Blank is the same as absent. */
	rc = projection_parse(ar, fx_rtype(reg, "Credential"), STR_LIT("type"),
	    STR_LIT("  "), &p, &err);
	cr_assert_eq(rc, 0);
	cr_assert_not_null(p);
}

Test(projection_cred, list_syntax)
{
	expect("Credential", cred, " type , ,,externalId,", "",
	    "{\"schemas\":[\"" FX_CRED_URN "\"],\"id\":\"c1\",\"type\":"
	    "\"CT_ACODE\",\"externalId\":\"e1\"}");
}

TestSuite(projection_ext, .init = setup_ext, .fini = teardown);

Test(projection_ext, returned_kinds_by_default)
{
	/* never: gone; request: only when asked; always and default: kept. */
	expect("Widget", widget, "", "",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
	    "\"id\":\"w1\",\"name\":\"n\",\"kind\":\"k\",\"count\":1,"
	    "\"part\":{\"code\":\"c\",\"label\":\"l\"},\"" FX_EXTRA_URN
	    "\":{\"level\":2,\"owner\":\"o\"}}");
}

Test(projection_ext, request_attributes_when_named)
{
	expect("Widget", widget, "audit,secret,pin,part.note,part.hidden,notes",
	    "",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
	    "\"id\":\"w1\",\"audit\":\"a\",\"kind\":\"k\",\"part\":{\"note\":"
	    "\"n\"},\"" FX_EXTRA_URN "\":{\"notes\":\"x\"}}");
	/* Naming a parent brings its default parts, not request ones. */
	expect("Widget", widget, "part", "",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
	    "\"id\":\"w1\",\"kind\":\"k\",\"part\":{\"code\":\"c\","
	    "\"label\":\"l\"}}");
}

Test(projection_ext, always_survives_exclusion)
{
	expect("Widget", widget, "", "kind,name,count,part,audit," FX_EXTRA_URN,
	    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
	    "\"id\":\"w1\",\"kind\":\"k\"}");
}

Test(projection_ext, extension_names)
{
	/* The longest URN wins: Widget:Extra is not Widget's "Extra". */
	expect("Widget", widget, FX_EXTRA_URN, "",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
	    "\"id\":\"w1\",\"kind\":\"k\",\"" FX_EXTRA_URN "\":{\"level\":2,"
	    "\"owner\":\"o\"}}");
	expect("Widget", widget, FX_EXTRA_URN ":owner", "",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
	    "\"id\":\"w1\",\"kind\":\"k\",\"" FX_EXTRA_URN "\":{\"owner\":"
	    "\"o\"}}");
	expect("Widget", widget, "level", "",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
	    "\"id\":\"w1\",\"kind\":\"k\",\"" FX_EXTRA_URN "\":{\"level\":2}}");
	expect("Widget", widget, "",
	    FX_EXTRA_URN ":level," FX_EXTRA_URN ":owner",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
	    "\"id\":\"w1\",\"name\":\"n\",\"kind\":\"k\",\"count\":1,"
	    "\"part\":{\"code\":\"c\",\"label\":\"l\"}}");
	/* The core URN does not reach the extension's attributes. */
	expect("Widget", widget, FX_WIDGET_URN ":level", "",
	    "{\"schemas\":[\"" FX_WIDGET_URN "\",\"" FX_EXTRA_URN "\"],"
	    "\"id\":\"w1\",\"kind\":\"k\"}");
}
