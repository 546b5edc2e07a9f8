/*
 * The discovery endpoints (RFC 7644 §4): /ServiceProviderConfig,
 * /ResourceTypes and /Schemas, served from the documents the schema
 * registry loaded from scim-schemas/, so what clients discover is exactly
 * what validation enforces.
 *
 * RFC 7644 §4 says query parameters (filtering, sorting, paging) SHALL be
 * ignored on these endpoints and that a `filter` SHOULD be answered with
 * 403, so a client can't believe a filter matched; scimcred does that on
 * all five. Lists therefore always hold everything, from startIndex 1.
 *
 * Each document is cloned into the request arena and given its
 * meta.location ({base_url}/scim/{tenant}/v2/...; RFC 7643 §3.1, §7):
 * the registry itself is shared by all threads and never written.
 */
#include <string.h>

#include "scim/cursor.h"
#include "scim/ops.h"

#define URN_LIST "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define ECHO_MAX 64

static int
refuse_filter(const struct scim_request *req, struct scim_err *err)
{
	if (scim_param_get(req, "filter").ptr == NULL)
		return 0;
	return scim_err_set(err, SCIM_E_FORBIDDEN,
	    "filter is not supported on discovery endpoints (RFC 7644 "
	    "section 4)");
}

/* A printable, bounded copy of a client's path segment for a detail. */
static const char *
echo(struct arena *a, struct str s)
{
	size_t n = s.len < ECHO_MAX ? s.len : ECHO_MAX, i;
	char *out = arena_alloc(a, n + 4);

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s.ptr[i];

		out[i] =
		    (ch > 0x20 && ch < 0x7f && ch != '\'') ? (char)ch : '?';
	}
	if (n < s.len)
		memcpy(out + n, "...", 3);
	return out;
}

/* A copy of doc with meta.location set to .../v2/{what}[/{name}]. */
static struct json_value *
served(const struct scim_request *req, const struct json_value *doc,
    const char *what, const char *name)
{
	struct json_value *v = json_clone(req->arena, doc);
	struct json_value *meta = json_object_get_cstr(v, "meta");
	char *loc;

	loc = arena_printf(req->arena, "%.*s/scim/%.*s/v2/%s%s%s",
	    STR_FMT(req->base_url), STR_FMT(req->tenant), what,
	    name != NULL ? "/" : "", name != NULL ? name : "");
	if (meta == NULL) {
		meta = json_object(req->arena);
		json_object_set_cstr(req->arena, v, "meta", meta);
	}
	json_object_set_cstr(
	    req->arena, meta, "location", json_cstring(req->arena, loc));
	return v;
}

/* RFC 7644 §3.4.2: a ListResponse holding every resource at once. */
static struct json_value *
list_response(struct arena *a, struct json_value *resources)
{
	struct json_value *v = json_object(a);
	struct json_value *schemas = json_array(a);
	int64_t n = (int64_t)resources->u.array.len;

	json_array_append(a, schemas, json_cstring(a, URN_LIST));
	json_object_set_cstr(a, v, "schemas", schemas);
	json_object_set_cstr(a, v, "totalResults", json_int(a, n));
	json_object_set_cstr(a, v, "itemsPerPage", json_int(a, n));
	json_object_set_cstr(a, v, "startIndex", json_int(a, 1));
	json_object_set_cstr(a, v, "Resources", resources);
	return v;
}

int
discovery_spc(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	const struct schema_registry *r = scim_registry(s);
	const struct scim_config *cfg = scim_config(s);
	struct json_value *v, *filter, *pagination;
	int rc;

	rc = refuse_filter(req, err);
	if (rc != 0)
		goto out;
	v = served(req, schema_spc(r), "ServiceProviderConfig", NULL);
	/* Advertise the page size actually enforced (RFC 7643 §5). */
	filter = json_object_get_cstr(v, "filter");
	if (filter != NULL && cfg != NULL && cfg->max_count > 0)
		json_object_set_cstr(req->arena, filter, "maxResults",
		    json_int(req->arena, (int64_t)cfg->max_count));
	/* RFC 9865 §4: the page sizes in force, for both methods. */
	pagination = json_object_get_cstr(v, "pagination");
	if (pagination != NULL && cfg != NULL && cfg->max_count > 0) {
		json_object_set_cstr(req->arena, pagination, "defaultPageSize",
		    json_int(req->arena, (int64_t)cfg->default_count));
		json_object_set_cstr(req->arena, pagination, "maxPageSize",
		    json_int(req->arena, (int64_t)cfg->max_count));
		json_object_set_cstr(req->arena, pagination, "cursorTimeout",
		    json_int(req->arena, CURSOR_TIMEOUT_S));
	}
	scim_resp_json(resp, 200, v);
out:
	return rc;
}

int
discovery_rtypes(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	const struct schema_registry *r = scim_registry(s);
	struct json_value *list;
	size_t i;
	int rc;

	rc = refuse_filter(req, err);
	if (rc != 0)
		goto out;
	list = json_array(req->arena);
	for (i = 0; i < schema_rtype_count(r); i++) {
		const struct schema_rtype *rt = schema_rtype_at(r, i);

		json_array_append(req->arena, list,
		    served(req, rt->doc, "ResourceTypes", rt->name));
	}
	scim_resp_json(resp, 200, list_response(req->arena, list));
out:
	return rc;
}

int
discovery_rtype(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	const struct schema_rtype *rt;
	int rc;

	rc = refuse_filter(req, err);
	if (rc != 0)
		goto out;
	rt = schema_rtype_find(scim_registry(s), req->id);
	if (rt == NULL) {
		rc = scim_err_set(err, SCIM_E_NOT_FOUND,
		    "no resource type named '%s'", echo(req->arena, req->id));
		goto out;
	}
	scim_resp_json(
	    resp, 200, served(req, rt->doc, "ResourceTypes", rt->name));
out:
	return rc;
}

int
discovery_schemas(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	const struct schema_registry *r = scim_registry(s);
	struct json_value *list;
	size_t i;
	int rc;

	rc = refuse_filter(req, err);
	if (rc != 0)
		goto out;
	list = json_array(req->arena);
	for (i = 0; i < schema_count(r); i++) {
		const struct schema *sc = schema_at(r, i);

		json_array_append(
		    req->arena, list, served(req, sc->doc, "Schemas", sc->id));
	}
	scim_resp_json(resp, 200, list_response(req->arena, list));
out:
	return rc;
}

int
discovery_schema(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	const struct schema *sc;
	int rc;

	rc = refuse_filter(req, err);
	if (rc != 0)
		goto out;
	sc = schema_find(scim_registry(s), req->id);
	if (sc == NULL) {
		rc = scim_err_set(err, SCIM_E_NOT_FOUND,
		    "no schema with id '%s'", echo(req->arena, req->id));
		goto out;
	}
	scim_resp_json(resp, 200, served(req, sc->doc, "Schemas", sc->id));
out:
	return rc;
}
