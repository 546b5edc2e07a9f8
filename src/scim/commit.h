/*
 * The write tail PUT (op_replace.c) and PATCH (op_patch.c) share, run
 * inside their one write transaction once the stored resource is loaded
 * and If-Match has passed: validate the candidate as a replacement
 * (validate.h, VALIDATE_REPLACE against the stored state), the type's
 * prepare_replace (Credential: HID sections and the status machine),
 * record_stamp, the type's in_txn hook, the uniqueness keys, the write.
 * One function, so that a PATCH can never skip a rule a PUT obeys.
 */
#ifndef SCIM_COMMIT_H
#define SCIM_COMMIT_H

#include "json/json.h"
#include "scim/resource.h"
#include "scim/scim.h"
#include "store/store.h"
#include "util/scim_err.h"

struct commit {
	struct scim *s;
	const struct scim_request *req; /* tenant and id */
	const struct resource_type *t;
	const struct resource_ctx *ctx; /* arena, clock */
	const struct json_value *cur; /* the stored resource */
	/* The new resource as the client gave it (PUT: the body) or as
	 * PATCH made it; not changed (validation works on a copy). */
	const struct json_value *candidate;
	/* What prepare_replace sees as resource_put.raw: the candidate, or
	 * for PATCH the candidate with explicit nulls where it dropped
	 * what cur had, so the type's rules see removals. */
	const struct json_value *raw;
	/* PATCH: when the result equals cur, write nothing and keep the
	 * version (RFC 7644 §3.5.2.1: an add that changes nothing SHALL
	 * NOT change the modify timestamp). */
	int keep_unchanged;
};

/*
 * Runs the tail in txn. *out is the stored form now in the store
 * (arena-owned): the new version, or cur when nothing changed and
 * keep_unchanged is set. Errors come from validation, the hooks, the
 * uniqueness keys and the store, with err filled.
 */
int commit_replace(struct store_txn *txn, const struct commit *c,
    struct json_value **out, struct scim_err *err);

/*
 * After a successful commit_replace in txn: the request's audit record
 * (scim/audit.h), action "replace" or "patch". A PATCH that changed
 * nothing is recorded too: the request succeeded.
 */
int commit_audit(struct store_txn *txn, const struct commit *c,
    const char *action, struct scim_err *err);

#endif
