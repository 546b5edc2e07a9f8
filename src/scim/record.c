/* Stored and returned forms of a resource; see record.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "scim/etag.h"
#include "scim/record.h"
#include "util/date.h"
#include "util/log.h"

/* Members the server may add to one object of a validated body. */
#define RECORD_EXTRA_KEYS 16

int
record_id_ok(struct str id)
{
	size_t i;
	char c;
	int ok = id.len > 0 && id.len <= SCIM_MAX_ID;

	for (i = 0; ok && i < id.len; i++) {
		c = id.ptr[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~';
	}
	return ok;
}

int
record_not_found(
    const struct schema_rtype *rt, struct str id, struct scim_err *err)
{
	/* An id outside our syntax is not quoted back. */
	if (!record_id_ok(id))
		id = STR_NULL;
	return scim_err_set(err, SCIM_E_NOT_FOUND, "%s%s%.*s%s not found",
	    rt->name, id.len ? " '" : "", STR_FMT(id), id.len ? "'" : "");
}

int
record_parse_body(const struct scim_request *req, struct json_value **out,
    struct scim_err *err)
{
	int rc;

	if (req->body.len > SCIM_MAX_BODY) {
		rc = scim_err_set(err, SCIM_E_TOO_LARGE,
		    "the request body exceeds %d bytes", SCIM_MAX_BODY);
		goto out;
	}
	if (req->body.len == 0) {
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "the request needs a JSON body");
		goto out;
	}
	rc = json_parse(req->arena, req->body.ptr, req->body.len,
	    &json_limits_default, out, err);
	if (rc == 0 && (*out)->type != JSON_OBJECT)
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "the request body must be a JSON object");
out:
	return rc;
}

int
record_decode(struct arena *a, struct str bytes, struct json_value **out,
    struct scim_err *err)
{
	/* A stored record is a validated body (read under the default
	 * limits) plus what the server adds: id, meta, defaults such as an
	 * attribute's type and readOnly. That never doubles a document. */
	struct json_limits lim = json_limits_default;
	int rc;

	lim.max_keys += RECORD_EXTRA_KEYS;
	lim.max_tokens *= 2;
	rc = json_parse(a, bytes.ptr, bytes.len, &lim, out, err);
	if (rc == 0 && (*out)->type != JSON_OBJECT)
		rc = -1;
	if (rc != 0) {
		log_error("a stored record is not a JSON object");
		rc = scim_err_set(err, SCIM_E_INTERNAL,
		    "a stored resource could not be read");
	}
	return rc;
}

/* The type's load hook: the parts of a resource kept outside its record
 * (resource.h). */
static int
load_rest(struct store_txn *txn, struct arena *a, struct str tenant,
    const struct schema_rtype *rt, struct json_value *res, struct scim_err *err)
{
	struct resource_ctx c = {
	    .arena = a, .rt = rt, .txn = txn, .tenant = tenant};

	return resource_hooks_of(rt)->load(&c, res, err);
}

int
record_load(struct store_txn *txn, struct arena *a, struct str tenant,
    const struct schema_rtype *rt, struct str id, struct json_value **out,
    struct scim_err *err)
{
	struct str val;
	int rc;

	if (!record_id_ok(id)) {
		rc = record_not_found(rt, id, err);
		goto out;
	}
	rc = store_rec_get(txn, tenant, str_from(rt->name), id, &val);
	if (rc == SCIM_E_NOT_FOUND)
		rc = record_not_found(rt, id, err);
	else if (rc != 0)
		rc = scim_err_set(err, rc, "the resource could not be read");
	else
		rc = record_decode(a, val, out, err);
	if (rc == 0 && resource_hooks_of(rt)->load != NULL)
		rc = load_rest(txn, a, tenant, rt, *out, err);
out:
	return rc;
}

struct resource_ctx
record_ctx(struct scim *s, const struct scim_request *req,
    const struct schema_rtype *rt)
{
	return (struct resource_ctx){.arena = req->arena,
	    .rt = rt,
	    .now_ms = date_now_ms(),
	    .tenant = req->tenant,
	    .scim = s};
}

int
record_encode(struct arena *a, const struct json_value *res, struct str *out,
    struct scim_err *err)
{
	struct buf b;
	int rc;

	buf_init(&b);
	rc = json_write(res, &b);
	if (rc != 0)
		rc = scim_err_set(err, SCIM_E_INTERNAL,
		    "the resource could not be serialised");
	else
		*out = str_make(arena_memdup(a, b.data, b.len), b.len);
	buf_free(&b);
	return rc;
}

static const struct json_value *
meta_member(const struct json_value *res, const char *key)
{
	return json_object_get_cstr(json_object_get_cstr(res, "meta"), key);
}

struct json_value *
record_stamp(struct arena *a, const struct schema_rtype *rt,
    const struct json_value *res, struct str id, const struct json_value *prev,
    uint64_t version, int64_t now_ms)
{
	struct json_value *out = json_object(a), *meta = json_object(a), *v;
	const struct json_value *created = meta_member(prev, "created");
	char now[DATE_BUFSZ], tag[ETAG_MAX];
	size_t i;

	date_format(now_ms, now);
	etag_format(version, tag);
	if ((v = json_object_get_cstr(res, "schemas")) != NULL)
		json_object_set_cstr(a, out, "schemas", v);
	json_object_set_cstr(a, out, "id", json_string(a, id));
	if ((v = json_object_get_cstr(res, "externalId")) != NULL)
		json_object_set_cstr(a, out, "externalId", v);
	for (i = 0; i < res->u.object.len; i++)
		if (json_object_get(out, res->u.object.members[i].key) ==
			NULL &&
		    !str_caseeq_cstr(res->u.object.members[i].key, "meta"))
			json_object_set(a, out, res->u.object.members[i].key,
			    res->u.object.members[i].value);
	json_object_set_cstr(
	    a, meta, "resourceType", json_cstring(a, rt->name));
	json_object_set_cstr(a, meta, "created",
	    created != NULL ? json_clone(a, created) : json_cstring(a, now));
	json_object_set_cstr(a, meta, "lastModified", json_cstring(a, now));
	json_object_set_cstr(a, meta, "version", json_cstring(a, tag));
	json_object_set_cstr(a, out, "meta", meta);
	return out;
}

uint64_t
record_version(const struct json_value *res)
{
	uint64_t n = 0;

	if (etag_parse(record_etag(res), &n) != 0)
		n = 0;
	return n;
}

struct str
record_etag(const struct json_value *res)
{
	const struct json_value *v = meta_member(res, "version");

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

/* Appends s as "%.*s" would (up to a NUL); returns the end. */
static char *
put_view(char *d, struct str s)
{
	const char *nul = s.len > 0 ? memchr(s.ptr, '\0', s.len) : NULL;
	size_t n = nul != NULL ? (size_t)(nul - s.ptr) : s.len;

	if (n > 0)
		memcpy(d, s.ptr, n);
	return d + n;
}

/* Built by hand, not with arena_printf: it is on every reply, and the
 * two vsnprintf passes cost more than the rest of the location. */
char *
record_location(struct arena *a, const struct scim_request *req,
    const struct schema_rtype *rt, struct str id)
{
	struct str ep = str_from(rt->endpoint);
	char *out, *d;

	if (ep.len > 0 && ep.ptr[0] == '/')
		ep = str_make(ep.ptr + 1, ep.len - 1);
	out = arena_alloc(a,
	    req->base_url.len + req->tenant.len + ep.len + id.len +
		sizeof("/scim//v2//"));
	d = put_view(out, req->base_url);
	memcpy(d, "/scim/", 6);
	d = put_view(d + 6, req->tenant);
	memcpy(d, "/v2/", 4);
	d = put_view(d + 4, ep);
	*d++ = '/';
	d = put_view(d, id);
	*d = '\0';
	return out;
}

int
record_projection(const struct scim_request *req, const struct schema_rtype *rt,
    struct projection **out, struct scim_err *err)
{
	return projection_parse(req->arena, rt,
	    scim_param_get(req, "attributes"),
	    scim_param_get(req, "excludedAttributes"), out, err);
}

/* meta in RFC 7643 §3.1 order, with location added. */
static void
meta_output(struct arena *a, struct json_value *res, const char *location)
{
	static const char *const keys[] = {
	    "resourceType", "created", "lastModified", "location", "version"};
	const struct json_value *old = json_object_get_cstr(res, "meta");
	struct json_value *meta = json_object(a), *v;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i], "location") == 0)
			v = json_cstring(a, location);
		else
			v = json_object_get_cstr(old, keys[i]);
		if (v != NULL)
			json_object_set_cstr(a, meta, keys[i], v);
	}
	json_object_set_cstr(a, res, "meta", meta);
}

/* base_url/scim/<tenant>/v2, the root $ref values are built on. */
static struct str
service_root(struct arena *a, const struct scim_request *req)
{
	char *out = arena_alloc(
	    a, req->base_url.len + req->tenant.len + sizeof("/scim//v2"));
	char *d = put_view(out, req->base_url);

	memcpy(d, "/scim/", 6);
	d = put_view(d + 6, req->tenant);
	memcpy(d, "/v2", 3);
	d += 3;
	*d = '\0';
	return str_make(out, (size_t)(d - out));
}

void
record_complete(const struct resource_ctx *c, const struct resource_type *t,
    const struct scim_request *req, struct json_value *res,
    const struct projection *p)
{
	const struct json_value *id = json_object_get_cstr(res, "id");
	struct resource_ctx out;

	if (id != NULL && id->type == JSON_STRING)
		meta_output(c->arena, res,
		    record_location(c->arena, req, t->rt, id->u.string));
	if (t->hooks->to_output != NULL) {
		out = *c;
		out.root = service_root(c->arena, req);
		out.proj = p;
		t->hooks->to_output(&out, res);
	}
}

void
record_output(const struct resource_ctx *c, const struct resource_type *t,
    const struct scim_request *req, struct json_value *res,
    const struct projection *p)
{
	record_complete(c, t, req, res, p);
	projection_apply(p, t->rt, res);
}

void
record_reply(const struct resource_ctx *c, const struct resource_type *t,
    const struct scim_request *req, struct json_value *res,
    const struct projection *p, int status, int with_location,
    struct scim_response *resp)
{
	const struct json_value *id = json_object_get_cstr(res, "id");
	struct str tag = record_etag(res);

	/* Read before projection, which may drop meta. */
	if (tag.len > 0 && tag.len < sizeof(resp->etag))
		*put_view(resp->etag, tag) = '\0';
	if (with_location && id != NULL && id->type == JSON_STRING)
		resp->location =
		    record_location(req->arena, req, t->rt, id->u.string);
	record_output(c, t, req, res, p);
	scim_resp_json(resp, status, res);
}
