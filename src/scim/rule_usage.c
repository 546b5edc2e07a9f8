/*
 * Issuance rule usage: the counters and the details log, and the two
 * read endpoints; see rule_usage.h.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "scim/list.h"
#include "scim/record.h"
#include "scim/rule_usage.h"
#include "scim/staged.h"
#include "util/date.h"

#define COUNTS_URN "urn:scimcred:params:scim:api:messages:2.0:UsageCounts"
#define DETAILS_URN "urn:scimcred:params:scim:api:messages:2.0:UsageDetails"
#define LOG_KIND STR_LIT(RULE_EDGE_LOG)
#define USAGE_TYPE STR_LIT(RULE_USAGE_RTYPE)
#define SEQ 5 /* the log's next sequence number, after the counters */

static const char *const field_names[RULE_USAGE_NFIELDS + 1] = {
    [RULE_USAGE_ISSUED] = "issued",
    [RULE_USAGE_ACCEPTED] = "accepted",
    [RULE_USAGE_UPDATED] = "updated",
    [RULE_USAGE_REVOKED] = "revoked",
    [RULE_USAGE_ERRORS] = "errors",
    [SEQ] = "seq",
};

static int
read_all(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, int64_t out[SEQ + 1], struct scim_err *err)
{
	const struct json_value *v;
	struct json_value *rec;
	struct str val;
	int i, rc;

	for (i = 0; i <= SEQ; i++)
		out[i] = 0;
	rc = store_rec_get(txn, tenant, USAGE_TYPE, rule, &val);
	if (rc == SCIM_E_NOT_FOUND)
		return 0;
	if (rc == 0)
		rc = record_decode(a, val, &rec, err);
	for (i = 0; rc == 0 && i <= SEQ; i++)
		if ((v = json_object_get_cstr(rec, field_names[i])) != NULL &&
		    v->type == JSON_INT)
			out[i] = v->u.integer;
	return rc;
}

static int
write_all(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, const int64_t in[SEQ + 1], struct scim_err *err)
{
	struct json_value *rec = json_object(a);
	struct str bytes;
	int i, rc;

	for (i = 0; i <= SEQ; i++)
		json_object_set_cstr(
		    a, rec, field_names[i], json_int(a, in[i]));
	rc = record_encode(a, rec, &bytes, err);
	if (rc == 0)
		rc = store_rec_put(txn, tenant, USAGE_TYPE, rule, bytes, err);
	return rc;
}

int
rule_usage_read(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, int64_t out[RULE_USAGE_NFIELDS], struct scim_err *err)
{
	int64_t all[SEQ + 1];
	int i, rc;

	rc = read_all(txn, a, tenant, rule, all, err);
	for (i = 0; i < RULE_USAGE_NFIELDS; i++)
		out[i] = all[i];
	return rc;
}

int
rule_usage_add(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, enum rule_usage_field f, struct scim_err *err)
{
	int64_t all[SEQ + 1];
	int rc;

	rc = read_all(txn, a, tenant, rule, all, err);
	if (rc == 0) {
		all[f]++;
		rc = write_all(txn, a, tenant, rule, all, err);
	}
	return rc;
}

int
rule_usage_log(struct store_txn *txn, struct arena *a, struct str tenant,
    struct str rule, enum rule_action action, struct str user, struct str cred,
    int64_t now_ms, struct scim_err *err)
{
	static const enum rule_usage_field counter[RULE_NACTIONS] = {
	    [RULE_ISSUE] = RULE_USAGE_ISSUED,
	    [RULE_UPDATE] = RULE_USAGE_UPDATED,
	    [RULE_REVOKE] = RULE_USAGE_REVOKED,
	};
	struct json_value *e = json_object(a);
	int64_t all[SEQ + 1];
	char at[DATE_BUFSZ], seq[24];
	struct str bytes;
	int rc;

	rc = read_all(txn, a, tenant, rule, all, err);
	if (rc != 0)
		return rc;
	all[counter[action]]++;
	snprintf(seq, sizeof(seq), "%016" PRId64, all[SEQ]++);
	date_format(now_ms, at);
	json_object_set_cstr(
	    a, e, "action", json_cstring(a, rule_action_name(action)));
	json_object_set_cstr(a, e, "user", json_string(a, user));
	json_object_set_cstr(a, e, "credential", json_string(a, cred));
	json_object_set_cstr(a, e, "at", json_cstring(a, at));
	rc = write_all(txn, a, tenant, rule, all, err);
	if (rc == 0)
		rc = record_encode(a, e, &bytes, err);
	if (rc == 0)
		rc = store_edge_put(
		    txn, tenant, LOG_KIND, rule, str_from(seq), bytes, err);
	return rc;
}

int
rule_usage_drop(struct store_txn *txn, struct str tenant, struct str rule,
    struct scim_err *err)
{
	int rc;

	rc = store_edge_del_from(txn, tenant, LOG_KIND, rule, err);
	if (rc == 0) {
		rc = store_rec_del(txn, tenant, USAGE_TYPE, rule, err);
		if (rc == SCIM_E_NOT_FOUND)
			rc = 0;
	}
	return rc;
}

/* ------------------------------------------------------------ endpoints */

static struct json_value *
message(struct arena *a, const char *urn, struct str rule)
{
	struct json_value *out = json_object(a), *l = json_array(a), *r;

	json_array_append(a, l, json_cstring(a, urn));
	json_object_set_cstr(a, out, "schemas", l);
	r = json_object(a);
	json_object_set_cstr(a, r, "id", json_string(a, rule));
	json_object_set_cstr(a, out, "issuanceRule", r);
	return out;
}

/* The live rule the request names, in a short read transaction. */
static int
begin(struct scim *s, const struct scim_request *req, struct store_txn **txn,
    struct scim_err *err)
{
	const struct schema_rtype *rt =
	    schema_rtype_find(scim_registry(s), STR_LIT(RULE_RTYPE));
	struct rule r;
	int rc;

	*txn = NULL;
	if (rt == NULL)
		return scim_err_set(err, SCIM_E_NOT_FOUND,
		    "no resource type is served at this endpoint");
	rc = store_read_begin(scim_store(s), txn, err);
	if (rc == 0)
		rc = rule_load(*txn, req->arena, scim_registry(s), req->tenant,
		    req->id, 0, &r, err);
	if (rc == SCIM_E_NOT_FOUND)
		rc = record_not_found(rt, req->id, err);
	return rc;
}

int
rule_usage_counts(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	struct json_value *out = message(req->arena, COUNTS_URN, req->id);
	int64_t n[RULE_USAGE_NFIELDS];
	struct store_txn *txn;
	int i, rc;

	rc = begin(s, req, &txn, err);
	if (rc == 0)
		rc = rule_usage_read(
		    txn, req->arena, req->tenant, req->id, n, err);
	store_read_end(txn);
	for (i = 0; rc == 0 && i < RULE_USAGE_NFIELDS; i++)
		json_object_set_cstr(req->arena, out, field_names[i],
		    json_int(req->arena, n[i]));
	if (rc == 0)
		scim_resp_json(resp, 200, out);
	return rc;
}

/* One details entry, {user {id}, credential {id}, createdAt}, into the
 * list of its action. */
struct page {
	struct arena *a;
	struct json_value *lists[RULE_NACTIONS];
	int64_t skip, left, total;
};

static struct json_value *
id_of(struct arena *a, const struct json_value *v)
{
	struct json_value *o = json_object(a);

	json_object_set_cstr(a, o, "id",
	    v != NULL && v->type == JSON_STRING ? json_string(a, v->u.string)
						: json_null(a));
	return o;
}

static struct str
id_text(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_object_get_cstr(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

static int
page_entry(void *arg, struct str to, struct str val)
{
	struct page *p = arg;
	struct json_value *e, *o;
	enum rule_action act;

	(void)to;
	p->total++;
	if (p->skip > 0) {
		p->skip--;
		return 0;
	}
	if (p->left <= 0 ||
	    json_parse(
		p->a, val.ptr, val.len, &json_limits_default, &e, NULL) != 0 ||
	    e->type != JSON_OBJECT || json_object_get_cstr(e, "at") == NULL ||
	    rule_action_parse(id_text(e, "action"), &act) != 0)
		return 0;
	p->left--;
	o = json_object(p->a);
	json_object_set_cstr(
	    p->a, o, "user", id_of(p->a, json_object_get_cstr(e, "user")));
	json_object_set_cstr(p->a, o, "credential",
	    id_of(p->a, json_object_get_cstr(e, "credential")));
	json_object_set_cstr(p->a, o, "createdAt",
	    json_clone(p->a, json_object_get_cstr(e, "at")));
	json_array_append(p->a, p->lists[act], o);
	return 0;
}

int
rule_usage_details(struct scim *s, const struct scim_request *req,
    struct scim_response *resp, struct scim_err *err)
{
	static const char *const names[RULE_NACTIONS] = {
	    "issued", "updated", "revoked"};
	struct arena *a = req->arena;
	struct json_value *out = message(a, DETAILS_URN, req->id), *errors;
	struct page p = {.a = a};
	struct list_query q;
	struct store_txn *txn = NULL;
	size_t nerr = 0;
	int64_t skip, limit;
	int i, rc;

	rc = list_query_params(req, &q, err);
	if (rc != 0)
		return rc;
	p.skip = q.has_start && q.start_index > 1 ? q.start_index - 1 : 0;
	p.left = q.has_count ? q.count : scim_config(s)->default_count;
	if (p.left > (int64_t)scim_config(s)->max_count)
		p.left = scim_config(s)->max_count;
	/* The errors are paged with the same window, on their own count. */
	skip = p.skip;
	limit = p.left;
	for (i = 0; i < RULE_NACTIONS; i++)
		p.lists[i] = json_array(a);
	rc = begin(s, req, &txn, err);
	if (rc == 0)
		rc = store_edge_each(
		    txn, req->tenant, LOG_KIND, req->id, page_entry, &p, err);
	if (rc == 0)
		rc =
		    staged_errors_of(txn, a, req->tenant, req->id, (size_t)skip,
			limit > 0 ? (size_t)limit : 0, &errors, &nerr, err);
	store_read_end(txn);
	if (rc != 0)
		return rc;
	json_object_set_cstr(a, out, "totalResults", json_int(a, p.total));
	json_object_set_cstr(a, out, "startIndex",
	    json_int(a, q.has_start && q.start_index > 1 ? q.start_index : 1));
	for (i = 0; i < RULE_NACTIONS; i++)
		json_object_set_cstr(a, out, names[i], p.lists[i]);
	json_object_set_cstr(a, out, "errors", errors);
	json_object_set_cstr(a, out, "totalErrors", json_int(a, (int64_t)nerr));
	scim_resp_json(resp, 200, out);
	return 0;
}
