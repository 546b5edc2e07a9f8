/*
 * Shared helpers for the schema engine tests (schema, validate,
 * projection, discovery): the real scim-schemas/ registry (through
 * SCIMCRED_SCHEMAS, set by make check), the extension fixture under
 * tests/data/schemas-ext/, and JSON from literals or golden files.
 */
#ifndef TEST_SCHEMA_ENGINE_FIXTURE_H
#define TEST_SCHEMA_ENGINE_FIXTURE_H

#include "json/json.h"
#include "scim/schema.h"
#include "util/arena.h"

#define FX_CRED_URN "urn:hid:scim:api:idp:2.0:Credential"
#define FX_WIDGET_URN "urn:example:scimcred:test:2.0:Widget"
#define FX_EXTRA_URN "urn:example:scimcred:test:2.0:Widget:Extra"

/* Directory paths; the test fails if the environment is not set. */
const char *fx_schemas_dir(void);
const char *fx_testdata(const char *rel, char *buf, size_t bufsz);

/* The *.json files of scim-schemas/<sub> in name order (the order the
 * registry loads them in): at most max names of up to 127 bytes. */
size_t fx_list_json(const char *sub, char (*names)[128], size_t max);

/* Loads a registry or fails the test. Caller frees. */
struct schema_registry *fx_load(const char *dir);
struct schema_registry *fx_load_real(void);
struct schema_registry *fx_load_ext(void);

const struct schema_rtype *fx_rtype(
    const struct schema_registry *r, const char *name);

/* Parses text or the file at path, failing the test on error. */
struct json_value *fx_json(struct arena *a, const char *text);
struct json_value *fx_json_file(struct arena *a, const char *path);

/* Writes v compactly into a static buffer, for assertion messages. */
const char *fx_dump(const struct json_value *v);

#endif
