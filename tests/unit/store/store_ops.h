/*
 * Helpers shared by the store unit tests: one write operation per
 * transaction, and read-back checks, on a store in a fresh directory.
 */
#ifndef TESTS_UNIT_STORE_STORE_OPS_H
#define TESTS_UNIT_STORE_STORE_OPS_H

#include <stddef.h>

#include "store/store.h"

/* One write operation, run in its own transaction by ops_run(). */
enum op_kind {
	OP_PUT,
	OP_ADD,
	OP_DEL,
	OP_UNIQ_ADD,
	OP_UNIQ_DEL,
	OP_TENANT_ADD,
	OP_TENANT_DEL,
	OP_KV_PUT,
	OP_KV_DEL,
};

struct op {
	enum op_kind kind;
	const char *tenant, *type, *id, *attr;
	struct str val;
	enum store_bucket bucket;
	struct str key; /* bucket operations */
};

extern char *ops_dir;
extern struct store *ops_st;

/* Suite setup and teardown: a fresh store in a new directory. */
void ops_setup(void);
void ops_teardown(void);
/* The store_write_fn behind ops_run. */
int ops_op_fn(struct store_txn *t, void *arg, struct scim_err *err);
/* Runs o in its own write transaction; returns the result. */
int ops_run(struct op o);
int ops_put(
    const char *tenant, const char *type, const char *id, const char *val);
/* The record as a malloc'd string, or NULL. */
char *ops_get(const char *tenant, const char *type, const char *id);
/* Expects the record to hold want, or to be absent when want is NULL. */
void ops_expect_rec(
    const char *tenant, const char *type, const char *id, const char *want);
/* The id owning a unique value, as a malloc'd string, or NULL. */
char *ops_uniq_owner(
    const char *tenant, const char *type, const char *attr, struct str value);
size_t ops_count(const char *tenant, const char *type);
/* Unique values of type "User". */
int ops_uniq_add(
    const char *tenant, const char *attr, struct str value, const char *id);
void ops_expect_owner(
    const char *tenant, const char *attr, struct str value, const char *want);

#endif
