/*
 * The mixed crash test's model of what the client was told
 * (test_faults_crash.c writes it, test_faults_verify.c checks the
 * daemon against it after each restart).
 */
#ifndef INTEGRATION_TEST_FAULTS_CRASH_H
#define INTEGRATION_TEST_FAULTS_CRASH_H

#include <pthread.h>
#include <stddef.h>

#include "harness.h"

#define WRITERS 2
#define SLOTS 48 /* per kind and writer; deleted ones are reused */
#define MAX_MEMBERS 6
#define NOPS 14 /* kinds of write; see ops in test_faults_crash.c */
#define CTYPE "CT_MIXED"
/* The AUTOMATED type of the issuance rule, whose LOGIN is sourced from
 * the User's userName; the rule selects Users whose userName starts
 * with RULE_PREFIX (crash_user_name), and issues ON_DEMAND. */
#define RULE_CTYPE "CT_RULE"
#define RULE_PREFIX "r"

/* K_ISSUED: Credentials the rule issued (applies); K_CRED: the load's
 * own, of type CTYPE. */
enum kind { K_USER, K_GROUP, K_CRED, K_ISSUED, K_COUNT };

struct state {
	int alive;
	long version;
	unsigned a; /* displayName (User, Group), attribute V (Credential) */
	unsigned b; /* title (User), attribute K (Credential) */
	int owner; /* Credentials: the owning User's slot, or -1 */
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
	int cur_op; /* the ops row of the write in flight */
	long acks, refused, ops[NOPS], op_acks[NOPS];
	long op_settled[NOPS][2]; /* in flight at a kill: [0] not, [1] done */
	long inflight_new, inflight_old; /* settled at restarts */
	int failed;
	volatile int stop;
	char refusal[384];
};

/* The userName of writer's User with key: half of the keys (the even
 * ones) carry RULE_PREFIX, so the rule selects those Users. */
void crash_user_name(int writer, unsigned key, char *buf, size_t len);
int crash_user_matches(unsigned key);
/* The slot of the rule's living (acknowledged) Credential owned by the
 * User in slot user, or -1. */
int crash_issued_to(const struct writer *w, int user);

/*
 * After a restart: settles each writer's write in flight (all of its
 * states old, or all new, which then count as acknowledged), checks
 * every resource against the model and the tenant's consistency. NULL
 * if all is well, else what is wrong (static). *checked counts the
 * resource states compared. rule is the issuance rule's id: its
 * Credentials and /StagedChanges must agree with the model too.
 */
const char *crash_verify(const struct harness_server *srv, const char *rule,
    struct writer *ws, int nw, long *checked);

#endif
