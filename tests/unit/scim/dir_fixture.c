/* Helpers for the directory tests; see dir_fixture.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "dir_fixture.h"
#include "scim/uniq.h"

struct ox_resp
dx_call_t(scim_handler h, const char *tenant, const char *rtype, const char *id,
    const char *query, const char *body)
{
	struct ox_req r = {.tenant = tenant,
	    .rtype = rtype,
	    .id = id,
	    .query = query,
	    .body = body};

	return ox_call(h, &r);
}

struct ox_resp
dx_call(scim_handler h, const char *rtype, const char *id, const char *query,
    const char *body)
{
	return dx_call_t(h, NULL, rtype, id, query, body);
}

struct ox_resp
dx_get(const char *rtype, const char *id, const char *query)
{
	struct ox_resp p = dx_call(op_get, rtype, id, query, NULL);

	cr_assert_eq(
	    p.rc, 0, "GET %s/%s: %d %s", rtype, id, p.rc, p.err.detail);
	return p;
}

const char *
dx_create(const char *rtype, const char *body)
{
	struct ox_resp p = dx_call(op_create, rtype, NULL, NULL, body);

	cr_assert_eq(p.rc, 0, "POST %s: %d %s", rtype, p.rc, p.err.detail);
	cr_assert_eq(p.status, 201);
	return ox_str(p.json, "id");
}

const char *
dx_user(const char *user_name)
{
	return dx_create("User",
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_USER_URN "\"],\"userName\":\"%s\"}",
		user_name));
}

const char *
dx_group(const char *name, const char *members)
{
	return dx_create("Group",
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_GROUP_URN "\"],\"displayName\":\"%s\""
		"%s%s}",
		name, members != NULL ? ",\"members\":" : "",
		members != NULL ? members : ""));
}

const char *
dx_pop(const char *name)
{
	return dx_create("Population",
	    arena_printf(ox_arena(),
		"{\"schemas\":[\"" DX_POP_URN "\"],\"name\":\"%s\"}", name));
}

static const struct json_value *
at(const struct json_value *v, const char *path)
{
	const char *dot;

	while (v != NULL && (dot = strchr(path, '.')) != NULL) {
		v = json_object_get(v, str_make(path, (size_t)(dot - path)));
		path = dot + 1;
	}
	return v != NULL ? json_object_get_cstr(v, path) : NULL;
}

const struct json_value *
dx_elem(const struct json_value *v, const char *path, const char *key,
    const char *val)
{
	const struct json_value *arr = at(v, path);
	size_t i;

	for (i = 0;
	     arr != NULL && arr->type == JSON_ARRAY && i < arr->u.array.len;
	     i++) {
		const char *s = ox_str(arr->u.array.items[i], key);

		if (s != NULL && strcmp(s, val) == 0)
			return arr->u.array.items[i];
	}
	return NULL;
}

size_t
dx_len(const struct json_value *v, const char *path)
{
	const struct json_value *arr = at(v, path);

	return arr != NULL && arr->type == JSON_ARRAY ? arr->u.array.len : 0;
}

char *
dx_record(const char *rtype, const char *id)
{
	struct store_txn *t = NULL;
	struct str v;
	char *out = NULL;

	cr_assert_eq(store_read_begin(scim_store(ox_scim()), &t, NULL), 0);
	if (store_rec_get(
		t, STR_LIT("t1"), str_from(rtype), str_from(id), &v) == 0) {
		out = arena_strndup(ox_arena(), v.ptr, v.len);
	}
	store_read_end(t);
	return out;
}

size_t
dx_edges(const char *kind, const char *from)
{
	struct store_txn *t = NULL;
	size_t n = 0;

	cr_assert_eq(store_read_begin(scim_store(ox_scim()), &t, NULL), 0);
	cr_assert_eq(store_edge_count(t, STR_LIT("t1"), str_from(kind),
			 str_from(from), &n, NULL),
	    0);
	store_read_end(t);
	return n;
}

struct put_args {
	const char *rtype, *id, *json;
};

static int
put_fn(struct store_txn *txn, void *arg, struct scim_err *err)
{
	const struct put_args *p = arg;
	const struct schema_rtype *rt =
	    schema_rtype_find(scim_registry(ox_scim()), str_from(p->rtype));
	struct arena *a = arena_new();
	struct json_value *v = NULL;
	struct uniq_set keys;
	int rc;

	rc = json_parse(
	    a, p->json, strlen(p->json), &json_limits_default, &v, err);
	if (rc == 0)
		rc = store_rec_put(txn, STR_LIT("t1"), str_from(p->rtype),
		    str_from(p->id), str_from(p->json), err);
	if (rc == 0 && rt != NULL) {
		uniq_collect(a, rt, v, &keys);
		rc = uniq_update(
		    txn, STR_LIT("t1"), rt, str_from(p->id), NULL, &keys, err);
	}
	arena_free(a);
	return rc;
}

void
dx_put_record(const char *rtype, const char *id, const char *json)
{
	struct put_args p = {rtype, id, json};
	struct scim_err err = {0};

	cr_assert_eq(store_write(scim_store(ox_scim()), put_fn, &p, &err), 0,
	    "%s", err.detail);
}
