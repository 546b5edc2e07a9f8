/*
 * The mixed crash test's model of what the client was told
 * (test_faults_crash.c writes it, test_faults_verify.c checks the
 * daemon against it after each restart).
 */
#ifndef INTEGRATION_TEST_FAULTS_CRASH_H
#define INTEGRATION_TEST_FAULTS_CRASH_H

#include <pthread.h>

#include "harness.h"

#define WRITERS 2
#define SLOTS 48 /* per kind and writer; deleted ones are reused */
#define MAX_MEMBERS 6
#define NOPS 12 /* kinds of write; see ops in test_faults_crash.c */
#define CTYPE "CT_MIXED"

enum kind { K_USER, K_GROUP, K_CRED, K_COUNT };

struct state {
	int alive;
	long version;
	unsigned a; /* displayName (User, Group), attribute V (Credential) */
	unsigned b; /* title (User), attribute K (Credential) */
	int owner; /* Credential: the owning User's slot, or -1 */
	int nmem; /* Group: member Users' slots */
	int mem[MAX_MEMBERS];
};

struct res {
	char id[72]; /* "" until a create is acknowledged or found */
	unsigned key; /* userName, Group name or externalId number */
	int used;
	int recycled; /* deleted, and its unique values taken again */
	struct state ack; /* what the client was told */
	struct state pend; /* after the write in flight, if has_pend */
	int has_pend;
};

struct writer {
	pthread_t thread;
	int index;
	unsigned seed;
	struct res res[K_COUNT][SLOTS];
	int target_kind, target_slot; /* of the write in flight */
	unsigned next; /* fresh values */
	long acks, refused, ops[NOPS];
	long inflight_new, inflight_old; /* settled at restarts */
	int failed;
	volatile int stop;
	char refusal[384];
};

/*
 * After a restart: settles each writer's write in flight (all of its
 * states old, or all new, which then count as acknowledged), checks
 * every resource against the model and the tenant's consistency. NULL
 * if all is well, else what is wrong (static). *checked counts the
 * resource states compared.
 */
const char *crash_verify(
    const struct harness_server *srv, struct writer *ws, int nw, long *checked);

#endif
