/*
 * Shared by the store and auth unit tests: a temporary directory holding
 * a fresh store, and a one-call way to run a write transaction.
 */
#ifndef TESTS_UNIT_STORE_STORE_FIXTURE_H
#define TESTS_UNIT_STORE_STORE_FIXTURE_H

#include <stddef.h>

#include "store/store.h"

/* A new directory under /tmp; the test fails if it can't be made. */
char *fixture_dir_new(void);
/* Removes the directory and the files in it, then frees the name. */
void fixture_dir_free(char *dir);
/* Opens a store in dir (map sizes 0 mean the defaults) or fails. */
struct store *fixture_store_open(
    const char *dir, size_t map_size, size_t map_max);
/* store_write() with a fresh scim_err; returns its result. */
int fixture_write(struct store *s, store_write_fn fn, void *arg);
/* One store_rec_put in its own write transaction; returns its result. */
int fixture_rec_put(struct store *s, const char *tenant, const char *type,
    const char *id, struct str val);
/* A malloc'd copy of the record (*len set), or NULL if there is none. */
char *fixture_rec_get(struct store *s, const char *tenant, const char *type,
    const char *id, size_t *len);

#endif
