/*
 * The route table: every SCIM endpoint under /scim/{tenant}/v2/, the
 * handler it calls, the resource type it serves and the one permission it
 * requires (HARDENING.md promise 6, default deny). A const array with
 * designated initialisers, like tmux's cmd_entry.
 */
#ifndef HTTP_ROUTE_H
#define HTTP_ROUTE_H

#include <stddef.h>
#include <stdio.h>

#include "auth/perm.h"
#include "scim/scim.h"
#include "util/scim_err.h"
#include "util/str.h"

/* HTTP methods as the router sees them. HEAD is routed as GET. */
enum route_method {
	ROUTE_GET,
	ROUTE_HEAD,
	ROUTE_POST,
	ROUTE_PUT,
	ROUTE_PATCH,
	ROUTE_DELETE,
	ROUTE_OPTIONS,
	ROUTE_OTHER, /* TRACE, CONNECT: never routed */
};

/* A route's permission. `set` tells a forgotten permission apart from the
 * enum's first value, so route_check() catches an entry without one. */
struct route_need {
	int set;
	enum perm perm;
};
#define ROUTE_NEEDS(p) \
	{ \
		.set = 1, .perm = (p) \
	}

struct route {
	enum scim_method method;
	/* Below /scim/{tenant}/v2/: literal segments, and "{id}" for one
	 * segment that becomes scim_request.id. */
	const char *pattern;
	scim_handler handler;
	const char *rtype; /* scim_request.rtype */
	struct route_need need;
	size_t id_max; /* longest {id} in bytes */
};

/* Longest Allow header value route_allow() writes. */
#define ROUTE_ALLOW_MAX 64

struct route_match {
	const struct route *route;
	struct str id; /* the {id} segment, or STR_NULL */
};

/* The table and its size. */
const struct route *route_table(size_t *n);

/*
 * Matches the decoded segments after /scim/{tenant}/v2/. A literal
 * segment beats "{id}" (so "Credential/.search" is never an id). Returns 0
 * with m filled; SCIM_E_METHOD when the path exists but not for method
 * (allow then holds the Allow header value); SCIM_E_NOT_FOUND otherwise,
 * including an {id} longer than the route's id_max. allow may be NULL.
 */
int route_match(enum route_method method, const struct str *segs, size_t nsegs,
    struct route_match *m, char allow[ROUTE_ALLOW_MAX], struct scim_err *err);

/*
 * Writes the Allow value for a path ("GET, HEAD, POST, OPTIONS"): the
 * table's methods, HEAD where GET is routed, and OPTIONS. 0, or
 * SCIM_E_NOT_FOUND when no route has this path.
 */
int route_allow(
    const struct str *segs, size_t nsegs, char allow[ROUTE_ALLOW_MAX]);

/* 0 if every entry has a handler, a resource type, a valid permission and
 * a pattern; -1 otherwise (a programmer error: start-up refuses it). */
int route_check(void);

/*
 * Default deny for one entry (HARDENING.md promise 6): 0 if it names a
 * valid permission, else SCIM_E_FORBIDDEN with err filled. dispatch.c
 * asks before it authenticates, so a row that lost its permission can't
 * be reached even if route_check() was skipped.
 */
int route_permit(const struct route *r, struct scim_err *err);

/* The method name of a table entry ("GET"). */
const char *route_method_name(enum scim_method m);

/* Prints the table, one route a line: method, path, permission. */
void route_print(FILE *fp);

#endif
