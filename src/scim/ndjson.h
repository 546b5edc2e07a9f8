/*
 * `scimcred export` and `scimcred import`: a tenant's resources as NDJSON,
 * one SCIM resource per line (compact JSON, its stored form with id and
 * meta), so that export -> import into an empty tenant -> export gives
 * the same bytes.
 *
 * Export writes the types in an order in which references resolve on
 * import: Populations (a User names its population), Users, Groups
 * (members are Users and Groups; groups are written after the groups
 * they contain), CredentialTypes, Credentials (owner and type), then the
 * other types of the registry that clients create (IssuanceRule), in id
 * order within a type. Password hashes (returned "never", RFC 7643 §7)
 * are not exported; imported users have no password.
 *
 * Import reads lines in batches, each batch one write transaction
 * through the same validation and type hooks as POST (op_create_import).
 * A line that is not valid stops the import: its batch is rolled back
 * whole, the batches before it stay committed, and the error names the
 * line and the --skip that resumes after it (running the whole file
 * again would fail on the first committed line with 409 uniqueness).
 */
#ifndef SCIM_NDJSON_H
#define SCIM_NDJSON_H

#include <stdio.h>

#include "scim/scim.h"
#include "store/store.h"

#define NDJSON_BATCH_DEFAULT 1000
#define NDJSON_LINE_MAX (16 * 1024 * 1024) /* bytes in one line */

/* Writes tenant's resources (every exported type, or only type when not
 * NULL) to out. */
int ndjson_export(struct scim *s, struct str tenant, const char *type,
    FILE *out, struct scim_err *err);

struct ndjson_import_opts {
	size_t batch; /* lines per transaction; 0: NDJSON_BATCH_DEFAULT */
	size_t skip; /* lines to pass over first (already imported) */
	FILE *progress; /* a terminal for the progress bar, or NULL */
	long long size; /* the input's size in bytes, -1 if unknown */
};

struct ndjson_import_stats {
	size_t lines; /* lines read, blank ones included */
	size_t imported; /* resources committed */
	size_t bad_line; /* the failing line (1-based), 0 if none */
	size_t resume; /* after a failure: the lines committed before its
			* batch, the --skip that continues the import */
};

/* Imports in into tenant (which must exist). On failure err names the
 * line and stats->bad_line is set. */
/* 1 if name is a type clients create, which import accepts; the types
 * the server writes itself (AuditRecord, StagedChange,
 * NotificationEvent) are exported but never imported: an import must not
 * forge an audit trail or a staged change. */
int ndjson_type_ok(struct str name);

int ndjson_import(struct scim *s, struct str tenant, FILE *in,
    const struct ndjson_import_opts *o, struct ndjson_import_stats *stats,
    struct scim_err *err);

#endif
