/*
 * Self-admin scoping; see access.h for the rules and where they come
 * from. Everything a self-admin caller may do is listed here, so that a
 * new route or attribute is denied until someone decides otherwise.
 */
#include "config.h"

#include "scim/access.h"
#include "scim/me.h"
#include "scim/ops.h"
#include "scim/record.h"

int
access_is_self(const struct principal *who)
{
	return who != NULL && who->self_admin;
}

int
access_route(const struct principal *who, scim_handler handler,
    struct str rtype, struct scim_err *err)
{
	int ok;

	if (!access_is_self(who))
		return 0;
	/* GET /Me (RFC 7644 §3.11) reads the caller's own User. */
	ok = handler == me_get;
	/* Read and status change of Credentials, scoped further by
	 * access_scope, access_visible and access_check_change. */
	if (!ok && str_eq_cstr(rtype, ACCESS_SELF_RTYPE))
		ok = handler == op_list || handler == op_search ||
		    handler == op_get || handler == op_replace ||
		    handler == op_patch;
	return ok ? 0
		  : scim_err_set(err, SCIM_E_FORBIDDEN,
			"a self-admin token may only read its own "
			"credentials, change their status, and read /Me");
}

/* 1 when the caller is self-admin and rt is the type it is scoped on. */
static int
scoped(const struct scim_request *req, const struct schema_rtype *rt)
{
	return access_is_self(req->who) &&
	    str_eq_cstr(str_from(rt->name), ACCESS_SELF_RTYPE);
}

int
access_scope(const struct scim_request *req, const struct schema_rtype *rt,
    struct filter_node **out, struct scim_err *err)
{
	struct filter_node *n;
	int rc = 0;

	*out = NULL;
	if (!access_is_self(req->who))
		goto out;
	if (!scoped(req, rt)) {
		rc = scim_err_set(err, SCIM_E_FORBIDDEN,
		    "a self-admin token may only list its own credentials");
		goto out;
	}
	n = arena_alloc(req->arena, sizeof(*n));
	*n = (struct filter_node){.op = FILTER_EQ};
	n->path.attr = STR_LIT("owner");
	n->path.sub = STR_LIT("value");
	n->value = json_string(req->arena, str_from(req->who->subject));
	rc = filter_bind(n, schema_filter_resolve, (void *)rt, err);
	if (rc == 0)
		*out = n;
out:
	return rc;
}

/* owner.value of a resource, or STR_NULL. */
static struct str
owner_of(const struct json_value *res)
{
	const struct json_value *v =
	    json_object_get_cstr(json_object_get_cstr(res, "owner"), "value");

	return v != NULL && v->type == JSON_STRING ? v->u.string : STR_NULL;
}

int
access_visible(const struct scim_request *req, const struct schema_rtype *rt,
    const struct json_value *res, struct scim_err *err)
{
	struct str owner;
	int rc = 0;

	if (!access_is_self(req->who))
		goto out;
	owner = owner_of(res);
	/* The subject is never empty for a self-admin principal (the token
	 * layer refuses one without); an empty one still matches nothing. */
	if (!scoped(req, rt) || owner.ptr == NULL ||
	    req->who->subject[0] == '\0' ||
	    !str_eq_cstr(owner, req->who->subject))
		rc = record_not_found(rt, req->id, err);
out:
	return rc;
}

/* The members of status a self-admin request may see change. */
static int
status_free(struct str key)
{
	return str_caseeq_cstr(key, "status") || str_caseeq_cstr(key, "active");
}

static int
is_date(struct str key)
{
	return str_caseeq_cstr(key, "startDate") ||
	    str_caseeq_cstr(key, "expiryDate");
}

/* 1 if x and y differ in a member the filter `pick` selects, looking
 * from x's side (call both ways to see members only y has). */
static int
differs(const struct json_value *x, const struct json_value *y,
    int (*pick)(struct str key))
{
	const struct json_member *m;
	size_t i;

	for (i = 0; x != NULL && x->type == JSON_OBJECT && i < x->u.object.len;
	     i++) {
		m = &x->u.object.members[i];
		if (pick(m->key) &&
		    !json_equal(m->value, json_object_get(y, m->key)))
			return 1;
	}
	return 0;
}

static int
pick_date(struct str key)
{
	return is_date(key);
}

static int
pick_status_other(struct str key)
{
	return !status_free(key) && !is_date(key);
}

static int
pick_top(struct str key)
{
	return !str_caseeq_cstr(key, "id") && !str_caseeq_cstr(key, "meta") &&
	    !str_caseeq_cstr(key, "status");
}

int
access_check_change(const struct scim_request *req,
    const struct json_value *cur, const struct json_value *next,
    struct scim_err *err)
{
	const struct json_value *cs = json_object_get_cstr(cur, "status");
	const struct json_value *ns = json_object_get_cstr(next, "status");
	int rc = 0;

	if (!access_is_self(req->who))
		goto out;
	if (differs(cs, ns, pick_date) || differs(ns, cs, pick_date))
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "status.startDate, status.expiryDate: a self-admin request "
		    "may not set the validity dates; leave them out");
	else if (differs(cs, ns, pick_status_other) ||
	    differs(ns, cs, pick_status_other) ||
	    differs(cur, next, pick_top) || differs(next, cur, pick_top))
		rc = scim_err_set(err, SCIM_E_FORBIDDEN,
		    "a self-admin request may change only status.status");
out:
	return rc;
}
