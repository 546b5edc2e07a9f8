/*
 * The schema registry: reads scim-schemas/ once at start-up, checks every
 * document strictly (these files are the single source of truth, so a
 * typo must stop the server rather than silently change behaviour), and
 * builds the attribute trees that validation, projection and the filter
 * binder read. Everything lives in one arena owned by the registry and is
 * never written after schema_registry_load returns, so worker threads
 * share it without locks.
 *
 * Load errors are SCIM_E_INTERNAL for I/O and SCIM_E_INVALID_SYNTAX for
 * content, with a detail that starts with the file's path.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "scim/schema.h"
#include "util/arena.h"
#include "util/xmalloc.h"

#define URN_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:Schema"
#define URN_RTYPE "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
#define URN_SPC "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
#define SCHEMA_FILE_MAX (1024 * 1024) /* trusted, but still bounded */
#define SCHEMA_MAX_FILES 256

struct schema_registry {
	struct arena *arena;
	struct schema *schemas;
	size_t nschemas;
	struct schema_rtype *rtypes;
	size_t nrtypes;
	struct json_value *spc;
};

/* What one load step needs to report a problem. */
struct load_ctx {
	struct schema_registry *r;
	const char *file;
	struct scim_err *err;
};

/*
 * RFC 7643 §3.1: common attributes belong to every resource and are not
 * part of any schema. All meta sub-attributes are server-assigned.
 * externalId is unique per tenant in scimcred, so a client's own key
 * can't name two resources (HARDENING.md, "SCIM semantics").
 */
static const struct schema_attr meta_subs[] = {
    {.name = "resourceType",
	.type = FILTER_T_STRING,
	.mutability = SCHEMA_MUT_READ_ONLY},
    {.name = "created",
	.type = FILTER_T_DATETIME,
	.mutability = SCHEMA_MUT_READ_ONLY},
    {.name = "lastModified",
	.type = FILTER_T_DATETIME,
	.mutability = SCHEMA_MUT_READ_ONLY},
    {.name = "location",
	.type = FILTER_T_REFERENCE,
	.case_exact = 1,
	.mutability = SCHEMA_MUT_READ_ONLY},
    {.name = "version",
	.type = FILTER_T_STRING,
	.case_exact = 1,
	.mutability = SCHEMA_MUT_READ_ONLY},
};

static const struct schema_attr common_attrs[] = {
    {.name = "id",
	.type = FILTER_T_STRING,
	.case_exact = 1,
	.mutability = SCHEMA_MUT_READ_ONLY,
	.returned = SCHEMA_RET_ALWAYS,
	.uniqueness = SCHEMA_UNIQ_SERVER},
    {.name = "externalId",
	.type = FILTER_T_STRING,
	.case_exact = 1,
	.mutability = SCHEMA_MUT_READ_WRITE,
	.uniqueness = SCHEMA_UNIQ_SERVER},
    {.name = "meta",
	.type = FILTER_T_COMPLEX,
	.mutability = SCHEMA_MUT_READ_ONLY,
	.subs = meta_subs,
	.nsubs = sizeof(meta_subs) / sizeof(meta_subs[0])},
};

struct name_val {
	const char *name;
	int val;
};

static const struct name_val type_names[] = {
    {"string", FILTER_T_STRING},
    {"boolean", FILTER_T_BOOLEAN},
    {"decimal", FILTER_T_DECIMAL},
    {"integer", FILTER_T_INTEGER},
    {"dateTime", FILTER_T_DATETIME},
    {"binary", FILTER_T_BINARY},
    {"reference", FILTER_T_REFERENCE},
    {"complex", FILTER_T_COMPLEX},
    {NULL, 0},
};

static const struct name_val mut_names[] = {
    {"readWrite", SCHEMA_MUT_READ_WRITE},
    {"readOnly", SCHEMA_MUT_READ_ONLY},
    {"immutable", SCHEMA_MUT_IMMUTABLE},
    {"writeOnly", SCHEMA_MUT_WRITE_ONLY},
    {NULL, 0},
};

static const struct name_val ret_names[] = {
    {"default", SCHEMA_RET_DEFAULT},
    {"always", SCHEMA_RET_ALWAYS},
    {"never", SCHEMA_RET_NEVER},
    {"request", SCHEMA_RET_REQUEST},
    {NULL, 0},
};

static const struct name_val uniq_names[] = {
    {"none", SCHEMA_UNIQ_NONE},
    {"server", SCHEMA_UNIQ_SERVER},
    {"global", SCHEMA_UNIQ_GLOBAL},
    {NULL, 0},
};

/* The keys RFC 7643 §7 defines; anything else is most likely a typo. */
static const char *const attr_keys[] = {"name", "type", "multiValued",
    "description", "required", "canonicalValues", "caseExact", "mutability",
    "returned", "uniqueness", "referenceTypes", "subAttributes", NULL};
static const char *const schema_keys[] = {
    "schemas", "id", "name", "description", "attributes", NULL};
static const char *const rtype_keys[] = {"schemas", "id", "name", "description",
    "endpoint", "schema", "schemaExtensions", NULL};

static int fail(struct load_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct load_ctx *c, const char *fmt, ...)
{
	char msg[SCIM_ERR_DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return scim_err_set(
	    c->err, SCIM_E_INVALID_SYNTAX, "%s: %s", c->file, msg);
}

static int
lookup_name(const struct name_val *t, const char *s, int *out)
{
	for (; t->name != NULL; t++) {
		if (strcmp(t->name, s) == 0) {
			*out = t->val;
			return 0;
		}
	}
	return -1;
}

/* RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar), plus "$ref" (§2.3.7). */
static int
valid_attr_name(struct str s)
{
	size_t i;

	if (str_eq_cstr(s, "$ref"))
		return 1;
	if (s.len == 0 ||
	    !((s.ptr[0] | 0x20) >= 'a' && (s.ptr[0] | 0x20) <= 'z'))
		return 0;
	for (i = 1; i < s.len; i++) {
		char ch = s.ptr[i];
		int alpha = (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';

		if (!alpha && !(ch >= '0' && ch <= '9') && ch != '-' &&
		    ch != '_')
			return 0;
	}
	return 1;
}

static int
check_keys(struct load_ctx *c, const struct json_value *obj,
    const char *const *allowed, const char *what)
{
	size_t i, k;

	for (i = 0; i < obj->u.object.len; i++) {
		struct str key = obj->u.object.members[i].key;

		for (k = 0; allowed[k] != NULL; k++)
			if (str_eq_cstr(key, allowed[k]))
				break;
		if (allowed[k] == NULL)
			return fail(
			    c, "%s: unknown key '%.*s'", what, STR_FMT(key));
	}
	return 0;
}

/* Optional string member: NULL if absent, error if not a string. */
static int
get_string(struct load_ctx *c, const struct json_value *obj, const char *key,
    const char *what, int required, const char **out)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	*out = NULL;
	if (v == NULL || v->type == JSON_NULL) {
		if (required)
			return fail(c, "%s: '%s' is required", what, key);
		return 0;
	}
	if (v->type != JSON_STRING || v->u.string.len == 0)
		return fail(
		    c, "%s: '%s' must be a non-empty string", what, key);
	*out = v->u.string.ptr;
	return 0;
}

static int
get_bool(struct load_ctx *c, const struct json_value *obj, const char *key,
    const char *what, int required, int *out)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	*out = 0;
	if (v == NULL) {
		if (required)
			return fail(c, "%s: '%s' is required", what, key);
		return 0;
	}
	if (v->type != JSON_BOOL)
		return fail(c, "%s: '%s' must be true or false", what, key);
	*out = v->u.boolean;
	return 0;
}

static int
get_enum(struct load_ctx *c, const struct json_value *obj, const char *key,
    const char *what, const struct name_val *names, int *out)
{
	const char *s;
	int rc;

	rc = get_string(c, obj, key, what, 0, &s);
	if (rc != 0 || s == NULL)
		return rc;
	if (lookup_name(names, s, out) != 0)
		return fail(c, "%s: '%s' has unknown value '%s'", what, key, s);
	return 0;
}

/* A string array member; *out stays NULL when absent. */
static int
get_strings(struct load_ctx *c, const struct json_value *obj, const char *key,
    const char *what, const char *const **out, size_t *n)
{
	const struct json_value *v = json_object_get_cstr(obj, key);
	const char **list;
	size_t i;

	*out = NULL;
	*n = 0;
	if (v == NULL)
		return 0;
	if (v->type != JSON_ARRAY)
		return fail(
		    c, "%s: '%s' must be an array of strings", what, key);
	list = arena_allocarray(c->r->arena, v->u.array.len + 1, sizeof(*list));
	for (i = 0; i < v->u.array.len; i++) {
		const struct json_value *s = v->u.array.items[i];

		if (s->type != JSON_STRING)
			return fail(
			    c, "%s: '%s' must hold only strings", what, key);
		list[i] = s->u.string.ptr;
	}
	*out = list;
	*n = v->u.array.len;
	return 0;
}

static int parse_attrs(struct load_ctx *c, const struct json_value *arr,
    const char *parent, const struct schema_attr **out, size_t *n);

/* Reads the characteristics of one attribute (RFC 7643 §2.2, §7). */
static int
parse_attr(struct load_ctx *c, const struct json_value *v, const char *parent,
    struct schema_attr *a)
{
	const char *what, *name, *type, *desc;
	const char *const *refs;
	size_t nrefs;
	int t = 0, m = 0, ret = 0, u = 0, rc;

	if (v->type != JSON_OBJECT)
		return fail(c, "%s: attribute definitions must be objects",
		    parent != NULL ? parent : "attributes");
	rc = get_string(c, v, "name", "attribute", 1, &name);
	if (rc != 0)
		return rc;
	what = parent != NULL
	    ? arena_printf(c->r->arena, "attribute '%s.%s'", parent, name)
	    : arena_printf(c->r->arena, "attribute '%s'", name);
	if (!valid_attr_name(str_from(name)))
		return fail(
		    c, "%s: invalid attribute name (RFC 7643 2.1)", what);
	if ((rc = check_keys(c, v, attr_keys, what)) != 0 ||
	    (rc = get_string(c, v, "type", what, 1, &type)) != 0 ||
	    (rc = get_string(c, v, "description", what, 0, &desc)) != 0 ||
	    (rc = get_bool(c, v, "multiValued", what, 1, &a->multi_valued)) ||
	    (rc = get_bool(c, v, "required", what, 0, &a->required)) != 0 ||
	    (rc = get_bool(c, v, "caseExact", what, 0, &a->case_exact)) != 0 ||
	    (rc = get_enum(c, v, "mutability", what, mut_names, &m)) != 0 ||
	    (rc = get_enum(c, v, "returned", what, ret_names, &ret)) != 0 ||
	    (rc = get_enum(c, v, "uniqueness", what, uniq_names, &u)) != 0 ||
	    (rc = get_strings(c, v, "canonicalValues", what, &a->canonical,
		 &a->ncanonical)) != 0 ||
	    (rc = get_strings(c, v, "referenceTypes", what, &refs, &nrefs)))
		return rc;
	if (lookup_name(type_names, type, &t) != 0)
		return fail(c, "%s: unknown type '%s'", what, type);
	a->name = name;
	a->type = (enum filter_type)t;
	a->mutability = (enum schema_mutability)m;
	a->returned = (enum schema_returned)ret;
	a->uniqueness = (enum schema_uniqueness)u;
	if (refs != NULL && a->type != FILTER_T_REFERENCE)
		return fail(
		    c, "%s: referenceTypes only applies to references", what);
	if (a->canonical != NULL && a->type != FILTER_T_STRING)
		return fail(
		    c, "%s: canonicalValues only applies to strings", what);
	v = json_object_get_cstr(v, "subAttributes");
	if (a->type != FILTER_T_COMPLEX) {
		if (v != NULL)
			return fail(c,
			    "%s: subAttributes only applies to "
			    "complex attributes",
			    what);
		return 0;
	}
	if (v == NULL || v->type != JSON_ARRAY || v->u.array.len == 0)
		return fail(
		    c, "%s: a complex attribute needs subAttributes", what);
	name = parent != NULL ? arena_printf(c->r->arena, "%s.%s", parent, name)
			      : name;
	return parse_attrs(c, v, name, &a->subs, &a->nsubs);
}

static int
parse_attrs(struct load_ctx *c, const struct json_value *arr,
    const char *parent, const struct schema_attr **out, size_t *n)
{
	struct schema_attr *attrs;
	size_t i, j;
	int rc;

	if (arr == NULL || arr->type != JSON_ARRAY)
		return fail(c, "'attributes' must be an array");
	attrs =
	    arena_allocarray(c->r->arena, arr->u.array.len + 1, sizeof(*attrs));
	for (i = 0; i < arr->u.array.len; i++) {
		rc = parse_attr(c, arr->u.array.items[i], parent, &attrs[i]);
		if (rc != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (strcasecmp(attrs[j].name, attrs[i].name) == 0)
				return fail(c,
				    "attribute '%s%s%s' is defined "
				    "twice",
				    parent ? parent : "", parent ? "." : "",
				    attrs[i].name);
	}
	*out = attrs;
	*n = arr->u.array.len;
	return 0;
}

/* `schemas` must name the document's own schema (RFC 7643 §3). */
static int
check_schemas(struct load_ctx *c, const struct json_value *doc, const char *urn)
{
	const struct json_value *v = json_object_get_cstr(doc, "schemas");
	size_t i;

	if (v != NULL && v->type == JSON_ARRAY)
		for (i = 0; i < v->u.array.len; i++)
			if (v->u.array.items[i]->type == JSON_STRING &&
			    str_eq_cstr(v->u.array.items[i]->u.string, urn))
				return 0;
	return fail(c, "'schemas' must be an array holding \"%s\"", urn);
}

/* Adds meta.resourceType; discovery adds meta.location per request. */
static void
add_meta(struct schema_registry *r, struct json_value *doc, const char *rt)
{
	struct json_value *meta = json_object(r->arena);

	json_object_set_cstr(
	    r->arena, meta, "resourceType", json_cstring(r->arena, rt));
	json_object_set_cstr(r->arena, doc, "meta", meta);
}

static int
read_doc(struct load_ctx *c, const char *path, struct json_value **out)
{
	struct stat st;
	struct scim_err jerr;
	char *buf = NULL;
	size_t got = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = scim_err_set(
		    c->err, SCIM_E_INTERNAL, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > SCHEMA_FILE_MAX) {
		rc = fail(c, "not a regular file of at most %d bytes",
		    SCHEMA_FILE_MAX);
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			rc = scim_err_set(
			    c->err, SCIM_E_INTERNAL, "%s: short read", path);
			goto out;
		}
		got += (size_t)k;
	}
	rc =
	    json_parse(c->r->arena, buf, got, &json_limits_default, out, &jerr);
	if (rc != 0)
		rc = fail(c, "%s", jerr.detail);
	else if ((*out)->type != JSON_OBJECT)
		rc = fail(c, "the document must be a JSON object");
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int
load_schema(struct load_ctx *c, struct json_value *doc)
{
	struct schema_registry *r = c->r;
	struct schema s = {0};
	const char *desc;
	size_t i;
	int rc;

	if ((rc = check_keys(c, doc, schema_keys, "schema")) != 0 ||
	    (rc = check_schemas(c, doc, URN_SCHEMA)) != 0 ||
	    (rc = get_string(c, doc, "id", "schema", 1, &s.id)) != 0 ||
	    (rc = get_string(c, doc, "name", "schema", 0, &s.name)) != 0 ||
	    (rc = get_string(c, doc, "description", "schema", 0, &desc)) ||
	    (rc = parse_attrs(c, json_object_get_cstr(doc, "attributes"), NULL,
		 &s.attrs, &s.nattrs)) != 0)
		return rc;
	if (s.name == NULL)
		s.name = "";
	for (i = 0; i < r->nschemas; i++)
		if (strcasecmp(r->schemas[i].id, s.id) == 0)
			return fail(c, "schema '%s' is defined twice", s.id);
	add_meta(r, doc, "Schema");
	s.doc = doc;
	r->schemas = arena_realloc(r->arena, r->schemas,
	    r->nschemas * sizeof(s), (r->nschemas + 1) * sizeof(s));
	r->schemas[r->nschemas++] = s;
	return 0;
}

/* RFC 7643 §2.3.8: no complex inside complex. Filters, PATCH paths and
 * projection address at most attr.sub, so resource schemas must obey it
 * (the §7 meta-schema itself needs nesting and is never a resource). */
static int
check_flat(struct load_ctx *c, const struct schema *s)
{
	size_t i, j;

	for (i = 0; i < s->nattrs; i++)
		for (j = 0; j < s->attrs[i].nsubs; j++)
			if (s->attrs[i].subs[j].type == FILTER_T_COMPLEX)
				return fail(c,
				    "schema '%s': '%s.%s' is complex "
				    "inside complex (RFC 7643 2.3.8)",
				    s->id, s->attrs[i].name,
				    s->attrs[i].subs[j].name);
	return 0;
}

static int
rtype_schema(struct load_ctx *c, const char *urn, const struct schema **out)
{
	*out = schema_find(c->r, str_from(urn));
	if (*out == NULL)
		return fail(c, "schema '%s' is not defined in schemas/", urn);
	return check_flat(c, *out);
}

static int
load_exts(
    struct load_ctx *c, const struct json_value *v, struct schema_rtype *rt)
{
	struct schema_ext *exts;
	size_t i, j;
	const char *urn;
	int rc;

	if (v == NULL)
		return 0;
	if (v->type != JSON_ARRAY)
		return fail(c, "'schemaExtensions' must be an array");
	exts = arena_allocarray(c->r->arena, v->u.array.len + 1, sizeof(*exts));
	for (i = 0; i < v->u.array.len; i++) {
		const struct json_value *e = v->u.array.items[i];

		if (e->type != JSON_OBJECT)
			return fail(c,
			    "schemaExtensions: items must be "
			    "objects");
		if ((rc = get_string(
			 c, e, "schema", "schemaExtensions", 1, &urn)) != 0 ||
		    (rc = get_bool(c, e, "required", "schemaExtensions", 1,
			 &exts[i].required)) != 0 ||
		    (rc = rtype_schema(c, urn, &exts[i].schema)) != 0)
			return rc;
		if (exts[i].schema == rt->core)
			return fail(c, "'%s' is both core and extension", urn);
		for (j = 0; j < i; j++)
			if (exts[j].schema == exts[i].schema)
				return fail(
				    c, "extension '%s' is listed twice", urn);
	}
	rt->exts = exts;
	rt->nexts = v->u.array.len;
	return 0;
}

/* "/" then one path segment of letters, digits, '-' or '_'. */
static int
valid_endpoint(const char *e)
{
	size_t i;

	if (e[0] != '/' || e[1] == '\0')
		return 0;
	for (i = 1; e[i] != '\0'; i++) {
		char ch = e[i];

		if (!((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') &&
		    !(ch >= '0' && ch <= '9') && ch != '-' && ch != '_')
			return 0;
	}
	return 1;
}

static int
load_rtype(struct load_ctx *c, struct json_value *doc)
{
	struct schema_registry *r = c->r;
	struct schema_rtype rt = {0};
	const char *s;
	size_t i;
	int rc;

	if ((rc = check_keys(c, doc, rtype_keys, "resource type")) != 0 ||
	    (rc = check_schemas(c, doc, URN_RTYPE)) != 0 ||
	    (rc = get_string(c, doc, "id", "resource type", 0, &s)) != 0 ||
	    (rc = get_string(c, doc, "description", "resource type", 0, &s)) !=
		0 ||
	    (rc = get_string(c, doc, "name", "resource type", 1, &rt.name)) ||
	    (rc = get_string(
		 c, doc, "endpoint", "resource type", 1, &rt.endpoint)) != 0 ||
	    (rc = get_string(c, doc, "schema", "resource type", 1, &s)) != 0 ||
	    (rc = rtype_schema(c, s, &rt.core)) != 0 ||
	    (rc = load_exts(
		 c, json_object_get_cstr(doc, "schemaExtensions"), &rt)) != 0)
		return rc;
	if (!valid_attr_name(str_from(rt.name)))
		return fail(
		    c, "resource type name '%s' is not a plain name", rt.name);
	if (!valid_endpoint(rt.endpoint))
		return fail(c, "endpoint '%s' must be '/' and one path segment",
		    rt.endpoint);
	for (i = 0; i < r->nrtypes; i++)
		if (strcasecmp(r->rtypes[i].name, rt.name) == 0 ||
		    strcasecmp(r->rtypes[i].endpoint, rt.endpoint) == 0)
			return fail(c,
			    "resource type '%s' or endpoint '%s' is "
			    "defined twice",
			    rt.name, rt.endpoint);
	add_meta(r, doc, "ResourceType");
	rt.doc = doc;
	rt.reg = r;
	r->rtypes = arena_realloc(r->arena, r->rtypes, r->nrtypes * sizeof(rt),
	    (r->nrtypes + 1) * sizeof(rt));
	r->rtypes[r->nrtypes++] = rt;
	return 0;
}

/* RFC 7643 §5: every feature object has a boolean `supported`; a client
 * relies on these, so a malformed file must not be served. */
static int
load_spc(struct load_ctx *c, struct json_value *doc)
{
	static const char *const features[] = {
	    "patch", "bulk", "filter", "changePassword", "sort", "etag"};
	const struct json_value *v, *s;
	size_t i;
	int b, rc;

	if ((rc = check_schemas(c, doc, URN_SPC)) != 0)
		return rc;
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		v = json_object_get_cstr(doc, features[i]);
		if (v == NULL || v->type != JSON_OBJECT)
			return fail(c, "'%s' must be an object", features[i]);
		if ((rc = get_bool(c, v, "supported", features[i], 1, &b)))
			return rc;
	}
	v = json_object_get_cstr(doc, "filter");
	s = json_object_get_cstr(v, "maxResults");
	if (s == NULL || s->type != JSON_INT || s->u.integer < 0)
		return fail(c, "filter.maxResults must be an integer");
	v = json_object_get_cstr(doc, "bulk");
	if ((s = json_object_get_cstr(v, "maxOperations")) == NULL ||
	    s->type != JSON_INT ||
	    (s = json_object_get_cstr(v, "maxPayloadSize")) == NULL ||
	    s->type != JSON_INT)
		return fail(c,
		    "bulk needs integer maxOperations and "
		    "maxPayloadSize");
	v = json_object_get_cstr(doc, "authenticationSchemes");
	if (v == NULL || v->type != JSON_ARRAY || v->u.array.len == 0)
		return fail(c,
		    "authenticationSchemes must be a non-empty "
		    "array");
	for (i = 0; i < v->u.array.len; i++) {
		const char *t;

		s = v->u.array.items[i];
		if (s->type != JSON_OBJECT ||
		    get_string(c, s, "type", "authenticationSchemes", 1, &t) ||
		    get_string(c, s, "name", "authenticationSchemes", 1, &t) ||
		    get_string(
			c, s, "description", "authenticationSchemes", 1, &t))
			return fail(c,
			    "authenticationSchemes: each needs "
			    "type, name and description strings");
	}
	add_meta(c->r, doc, "ServiceProviderConfig");
	c->r->spc = doc;
	return 0;
}

static int
cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Loads every *.json in dir/sub in name order (so /Schemas and
 * /ResourceTypes list in a stable order). */
static int
load_dir(struct schema_registry *r, const char *dir, const char *sub,
    int (*load)(struct load_ctx *, struct json_value *), struct scim_err *err)
{
	struct load_ctx c = {.r = r, .err = err};
	char *names[SCHEMA_MAX_FILES];
	struct dirent *de;
	struct json_value *doc;
	size_t n = 0, i;
	DIR *d;
	int rc = 0;

	c.file = arena_printf(r->arena, "%s/%s", dir, sub);
	d = opendir(c.file);
	if (d == NULL)
		return scim_err_set(
		    err, SCIM_E_INTERNAL, "%s: %s", c.file, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 6 ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (n == SCHEMA_MAX_FILES) {
			rc = fail(&c, "more than %d files", SCHEMA_MAX_FILES);
			goto out;
		}
		names[n++] = arena_strdup(r->arena, de->d_name);
	}
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n && rc == 0; i++) {
		c.file = arena_printf(r->arena, "%s/%s/%s", dir, sub, names[i]);
		rc = read_doc(&c, c.file, &doc);
		if (rc == 0)
			rc = load(&c, doc);
	}
out:
	closedir(d);
	return rc;
}

int
schema_registry_load(
    const char *dir, struct schema_registry **out, struct scim_err *err)
{
	struct schema_registry *r = xcalloc(1, sizeof(*r));
	struct load_ctx c = {.r = r, .err = err};
	struct json_value *doc;
	int rc;

	*out = NULL;
	r->arena = arena_new();
	rc = load_dir(r, dir, "schemas", load_schema, err);
	if (rc != 0)
		goto out;
	if (r->nschemas == 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "%s/schemas: no schema files", dir);
		goto out;
	}
	rc = load_dir(r, dir, "resource-types", load_rtype, err);
	if (rc != 0)
		goto out;
	c.file = arena_printf(r->arena, "%s/service-provider-config.json", dir);
	rc = read_doc(&c, c.file, &doc);
	if (rc == 0)
		rc = load_spc(&c, doc);
out:
	if (rc != 0)
		schema_registry_free(r);
	else
		*out = r;
	return rc;
}

void
schema_registry_free(struct schema_registry *r)
{
	if (r == NULL)
		return;
	arena_free(r->arena);
	free(r);
}

const struct schema *
schema_find(const struct schema_registry *r, struct str urn)
{
	size_t i;

	for (i = 0; i < r->nschemas; i++)
		if (str_caseeq_cstr(urn, r->schemas[i].id))
			return &r->schemas[i];
	return NULL;
}

const struct schema_rtype *
schema_rtype_find(const struct schema_registry *r, struct str name)
{
	size_t i;

	for (i = 0; i < r->nrtypes; i++)
		if (str_caseeq_cstr(name, r->rtypes[i].name))
			return &r->rtypes[i];
	return NULL;
}

size_t
schema_count(const struct schema_registry *r)
{
	return r->nschemas;
}

const struct schema *
schema_at(const struct schema_registry *r, size_t i)
{
	return i < r->nschemas ? &r->schemas[i] : NULL;
}

size_t
schema_rtype_count(const struct schema_registry *r)
{
	return r->nrtypes;
}

const struct schema_rtype *
schema_rtype_at(const struct schema_registry *r, size_t i)
{
	return i < r->nrtypes ? &r->rtypes[i] : NULL;
}

const struct json_value *
schema_spc(const struct schema_registry *r)
{
	return r->spc;
}

static const struct schema_attr *
find_attr(const struct schema_attr *attrs, size_t n, struct str name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (str_caseeq_cstr(name, attrs[i].name))
			return &attrs[i];
	return NULL;
}

const struct schema_attr *
schema_common_attr(struct str name)
{
	return find_attr(
	    common_attrs, sizeof(common_attrs) / sizeof(common_attrs[0]), name);
}

const struct schema_attr *
schema_sub(const struct schema_attr *a, struct str name)
{
	if (a == NULL || a->type != FILTER_T_COMPLEX)
		return NULL;
	return find_attr(a->subs, a->nsubs, name);
}

/* Looks name up in one schema; the core URN also reaches the common
 * attributes, since they sit beside the core ones at the top level. */
static const struct schema_attr *
resolve_in(const struct schema_rtype *rt, const struct schema *s,
    struct str name, const struct schema **owner)
{
	const struct schema_attr *a = NULL;

	if (s == rt->core)
		a = schema_common_attr(name);
	*owner = a != NULL ? NULL : s;
	if (a == NULL)
		a = find_attr(s->attrs, s->nattrs, name);
	return a;
}

const struct schema_attr *
schema_resolve(const struct schema_rtype *rt,
    const struct filter_attrpath *path, const struct schema **owner,
    const struct schema_attr **sub)
{
	const struct schema_attr *a = NULL;
	const struct schema *o = NULL;
	size_t i;

	*owner = NULL;
	*sub = NULL;
	if (path->urn.len > 0) {
		/* RFC 7644 §3.10: the URN picks the schema. */
		if (str_caseeq_cstr(path->urn, rt->core->id))
			a = resolve_in(rt, rt->core, path->attr, &o);
		for (i = 0; i < rt->nexts && a == NULL; i++)
			if (str_caseeq_cstr(path->urn, rt->exts[i].schema->id))
				a = resolve_in(
				    rt, rt->exts[i].schema, path->attr, &o);
	} else {
		a = resolve_in(rt, rt->core, path->attr, &o);
		for (i = 0; i < rt->nexts && a == NULL; i++)
			a = resolve_in(rt, rt->exts[i].schema, path->attr, &o);
	}
	if (a == NULL)
		return NULL;
	if (path->sub.len > 0) {
		*sub = schema_sub(a, path->sub);
		if (*sub == NULL)
			return NULL;
	}
	*owner = o;
	return a;
}

int
schema_filter_resolve(
    void *ctx, const struct filter_attrpath *path, struct filter_attrinfo *info)
{
	const struct schema_rtype *rt = ctx;
	const struct schema_attr *a, *sub;
	const struct schema *owner;

	a = schema_resolve(rt, path, &owner, &sub);
	if (a == NULL)
		return -1;
	info->type = sub != NULL ? sub->type : a->type;
	info->case_exact = sub != NULL ? sub->case_exact : a->case_exact;
	info->multi_valued = a->multi_valued;
	info->sub_multi = sub != NULL ? sub->multi_valued : 0;
	info->ext_urn =
	    owner != NULL && owner != rt->core ? str_from(owner->id) : STR_NULL;
	return 0;
}
