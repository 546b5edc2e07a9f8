/*
 * The Credential resource type (HID Authentication Service style): the
 * status machine, the computed status.active, and the HID PUT semantics
 * (a section left out of the body is kept). The typed custom attributes
 * are in credential_attrs.h.
 * The schema (scim-schemas/) checks shapes and types; the rules here are
 * the ones a schema cannot express, including those of the credential's
 * CredentialType (credential_type.h) and its owner, a User of the
 * tenant (optional; when given it must exist).
 */
#ifndef SCIM_CREDENTIAL_H
#define SCIM_CREDENTIAL_H

#include <stdint.h>

#include "json/json.h"
#include "scim/resource.h"
#include "util/scim_err.h"
#include "util/str.h"

enum credential_status {
	CREDENTIAL_PENDING,
	CREDENTIAL_ACTIVE,
	CREDENTIAL_SUSPENDED,
	CREDENTIAL_REVOKED,
	CREDENTIAL_TERMINATED,
	CREDENTIAL_NSTATUS
};

/* Case-insensitive; 0, or -1 for an unknown name. */
int credential_status_parse(struct str s, enum credential_status *out);
/* Canonical upper-case name. */
const char *credential_status_name(enum credential_status st);

/*
 * The HID status machine: PENDING->ACTIVE; ACTIVE->SUSPENDED|REVOKED;
 * SUSPENDED->ACTIVE|REVOKED; REVOKED->TERMINATED; TERMINATED is final;
 * staying in the same status is always allowed. 1 if allowed.
 */
int credential_status_transition_ok(
    enum credential_status from, enum credential_status to);

/*
 * The client-facing form of the machine: SCIM_E_INVALID_VALUE naming the
 * valid statuses when `to` is unknown, SCIM_E_MUTABILITY naming the
 * allowed next statuses when the move is not allowed, else 0.
 */
int credential_status_change(
    struct str from, struct str to, struct scim_err *err);

/* status.active: status ACTIVE and startDate <= now < expiryDate, where
 * a missing date does not limit. 1 if active. */
int credential_is_active(const struct json_value *res, int64_t now_ms);

/*
 * Deletes every Credential of c->tenant that User `owner` owns, inside
 * the write transaction c->txn (the cascade of a User's DELETE): each
 * one's keys are released and its record removed. c->rt may be any
 * resource type of the registry that serves Credentials.
 */
int credential_delete_owned(
    const struct resource_ctx *c, struct str owner, struct scim_err *err);

extern const struct resource_hooks credential_hooks;

#endif
