/*
 * The two ways a list query arrives (list.h): query parameters of
 * GET /{type} (RFC 7644 §3.4.2) and a SearchRequest body of POST
 * .../.search (RFC 7644 §3.4.3), both with RFC 9865's cursor. Split
 * from list.c, which runs the query.
 */
#include "config.h"

#include "scim/detail.h"
#include "scim/list.h"
#include "scim/record.h"
#include "util/num.h"

#define SEARCH_REQUEST_URN "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

static int
int_param(const struct scim_request *req, const char *name, int *has,
    int64_t *v, struct scim_err *err)
{
	struct str s = scim_param_get(req, name);
	int rc = 0;

	*has = s.ptr != NULL;
	if (*has && num_parse_i64(s, v) != 0)
		rc = scim_err_set(
		    err, SCIM_E_INVALID_VALUE, "%s: must be an integer", name);
	return rc;
}

int
list_query_params(
    const struct scim_request *req, struct list_query *q, struct scim_err *err)
{
	int rc;

	*q = (struct list_query){0};
	q->filter = scim_param_get(req, "filter");
	q->sort_by = scim_param_get(req, "sortBy");
	q->sort_order = scim_param_get(req, "sortOrder");
	q->attributes = scim_param_get(req, "attributes");
	q->excluded = scim_param_get(req, "excludedAttributes");
	q->cursor = scim_param_get(req, "cursor");
	rc = int_param(req, "startIndex", &q->has_start, &q->start_index, err);
	if (rc == 0)
		rc = int_param(req, "count", &q->has_count, &q->count, err);
	return rc;
}

static int
body_string(const struct json_member *m, struct str *out, struct scim_err *err)
{
	int rc = 0;

	if (m->value->type == JSON_STRING)
		*out = m->value->u.string;
	else if (m->value->type != JSON_NULL)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%.*s: must be a string", STR_FMT(m->key));
	return rc;
}

static int
body_int(
    const struct json_member *m, int *has, int64_t *out, struct scim_err *err)
{
	int rc = 0;

	if (m->value->type == JSON_INT) {
		*has = 1;
		*out = m->value->u.integer;
	} else if (m->value->type != JSON_NULL) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%.*s: must be an integer", STR_FMT(m->key));
	}
	return rc;
}

/* attributes / excludedAttributes: an array of names, or (leniently)
 * one comma-separated string as in the query form. */
static int
body_names(struct arena *a, const struct json_member *m, struct str *out,
    struct scim_err *err)
{
	const struct json_value *v = m->value;
	struct buf b;
	size_t i;
	int rc = 0;

	buf_init(&b);
	if (v->type != JSON_ARRAY) {
		rc = body_string(m, out, err);
		goto out;
	}
	for (i = 0; rc == 0 && i < v->u.array.len; i++) {
		if (v->u.array.items[i]->type != JSON_STRING) {
			rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "%.*s: must be an array of attribute names",
			    STR_FMT(m->key));
			goto out;
		}
		if (i > 0)
			buf_putc(&b, ',');
		buf_append_str(&b, v->u.array.items[i]->u.string);
	}
	*out = str_make(arena_memdup(a, buf_cstr(&b), b.len + 1), b.len);
out:
	buf_free(&b);
	return rc;
}

static int
body_schemas(const struct json_value *v, struct scim_err *err)
{
	size_t i;
	int found = 0, rc = 0;

	for (i = 0; v != NULL && v->type == JSON_ARRAY && i < v->u.array.len;
	     i++)
		found |= v->u.array.items[i]->type == JSON_STRING &&
		    str_caseeq_cstr(
			v->u.array.items[i]->u.string, SEARCH_REQUEST_URN);
	if (!found)
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "schemas: a SearchRequest must list \"%s\"",
		    SEARCH_REQUEST_URN);
	return rc;
}

static int
body_member(struct arena *a, const struct json_member *m, struct list_query *q,
    struct scim_err *err)
{
	struct str k = m->key;
	int rc = 0;

	if (str_caseeq_cstr(k, "schemas"))
		rc = 0; /* checked by body_schemas */
	else if (str_caseeq_cstr(k, "filter"))
		rc = body_string(m, &q->filter, err);
	else if (str_caseeq_cstr(k, "sortBy"))
		rc = body_string(m, &q->sort_by, err);
	else if (str_caseeq_cstr(k, "sortOrder"))
		rc = body_string(m, &q->sort_order, err);
	else if (str_caseeq_cstr(k, "attributes"))
		rc = body_names(a, m, &q->attributes, err);
	else if (str_caseeq_cstr(k, "excludedAttributes"))
		rc = body_names(a, m, &q->excluded, err);
	else if (str_caseeq_cstr(k, "startIndex"))
		rc = body_int(m, &q->has_start, &q->start_index, err);
	else if (str_caseeq_cstr(k, "count"))
		rc = body_int(m, &q->has_count, &q->count, err);
	else if (str_caseeq_cstr(k, "cursor")) /* RFC 9865 §3 */
		rc = body_string(m, &q->cursor, err);
	else
		rc = scim_err_set(err, SCIM_E_INVALID_SYNTAX,
		    "SearchRequest has no member \"%.*s\"",
		    STR_FMT(detail_quote(k)));
	return rc;
}

int
list_query_body(
    const struct scim_request *req, struct list_query *q, struct scim_err *err)
{
	struct json_value *body = NULL;
	size_t i;
	int rc;

	*q = (struct list_query){0};
	rc = record_parse_body(req, &body, err);
	if (rc == 0)
		rc = body_schemas(json_object_get_cstr(body, "schemas"), err);
	for (i = 0; rc == 0 && i < body->u.object.len; i++)
		rc =
		    body_member(req->arena, &body->u.object.members[i], q, err);
	return rc;
}
