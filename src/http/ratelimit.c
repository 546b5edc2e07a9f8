/*
 * Token buckets for ratelimit.h in a fixed table of sharded slots. A
 * bucket is found by a keyed 64-bit hash of its name (the key is random
 * per process, so callers can't aim collisions at each other); two names
 * whose hashes collide would share a bucket, which at 64 bits is not a
 * concern for the few thousand callers a tenant has.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http/ratelimit.h"
#include "util/num.h"
#include "util/secure.h"
#include "util/xmalloc.h"

#define SHARDS 16
#define SLOTS 2048 /* per shard: 32768 buckets in all, about 1 MiB */
#define PROBE 8 /* slots looked at for a name */
#define RATE_MAX 1e6
#define RATE_MIN 0.001 /* keeps waits, (1 - tokens) / rate, finite */

struct slot {
	uint64_t key; /* 0: free */
	double tokens;
	int64_t refilled_ns; /* when tokens was last brought up to date */
};

struct shard {
	pthread_mutex_t mu;
	struct slot slots[SLOTS];
};

struct ratelimit {
	struct ratelimit_config cfg;
	uint64_t seed;
	struct shard shards[SHARDS];
};

/* ceil() for 0 <= x <= 2^53, without libm. */
static double
ceil_pos(double x)
{
	double t = (double)(int64_t)x;

	return t < x ? t + 1 : t;
}

int
ratelimit_parse(const char *s, struct ratelimit_rule *out)
{
	const char *slash = strchr(s, '/');
	char *end;
	double rate;
	int64_t burst;

	memset(out, 0, sizeof(*out));
	if (*s < '0' || *s > '9')
		return -1;
	rate = strtod(s, &end);
	if (end != (slash != NULL ? slash : s + strlen(s)) || !isfinite(rate) ||
	    rate < 0 || rate > RATE_MAX || (rate > 0 && rate < RATE_MIN))
		return -1;
	if (rate == 0)
		return slash == NULL ? 0 : -1;
	burst = rate < 1 ? 1 : (int64_t)ceil_pos(rate);
	if (slash != NULL &&
	    num_parse_range(
		str_from(slash + 1), 1, (int64_t)RATE_MAX, &burst) != 0)
		return -1;
	out->rate = rate;
	out->burst = (double)burst;
	return 0;
}

struct ratelimit *
ratelimit_new(const struct ratelimit_config *cfg)
{
	struct ratelimit *rl;
	size_t i;

	if (cfg->caller.rate <= 0 && cfg->tenant.rate <= 0)
		return NULL;
	rl = xcalloc(1, sizeof(*rl));
	rl->cfg = *cfg;
	secure_random(&rl->seed, sizeof(rl->seed));
	for (i = 0; i < SHARDS; i++)
		pthread_mutex_init(&rl->shards[i].mu, NULL);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	size_t i;

	if (rl == NULL)
		return;
	for (i = 0; i < SHARDS; i++)
		pthread_mutex_destroy(&rl->shards[i].mu);
	free(rl);
}

/* FNV-1a over the seed and the parts, then splitmix64's finaliser so
 * that every bit of the result depends on every input bit. */
static uint64_t
bucket_key(uint64_t seed, char kind, const char *a, const char *b)
{
	uint64_t h = 14695981039346656037ull ^ seed;
	const char *parts[2] = {a, b};
	size_t i;

	h = (h ^ (unsigned char)kind) * 1099511628211ull;
	for (i = 0; i < 2 && parts[i] != NULL; i++) {
		const unsigned char *p = (const unsigned char *)parts[i];
		for (; *p != '\0'; p++)
			h = (h ^ *p) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull; /* separator */
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h != 0 ? h : 1;
}

/* The slot for key in its shard (locked by the caller): the one holding
 * it, else a free one, else the least recently refilled of the window. */
static struct slot *
slot_for(struct shard *sh, uint64_t key, const struct ratelimit_rule *r,
    int64_t now_ns)
{
	size_t i, start = (size_t)(key >> 4) % SLOTS;
	struct slot *free_slot = NULL, *oldest = NULL, *s, *victim;

	for (i = 0; i < PROBE; i++) {
		s = &sh->slots[(start + i) % SLOTS];
		if (s->key == key)
			return s;
		if (s->key == 0) {
			if (free_slot == NULL)
				free_slot = s;
		} else if (oldest == NULL ||
		    s->refilled_ns < oldest->refilled_ns) {
			oldest = s;
		}
	}
	victim = free_slot != NULL ? free_slot : oldest;
	victim->key = key;
	victim->tokens = r->burst;
	victim->refilled_ns = now_ns;
	return victim;
}

/* Brings s up to now; returns 0 if it holds a token, else seconds to
 * wait for one. */
static unsigned
slot_check(struct slot *s, const struct ratelimit_rule *r, int64_t now_ns)
{
	double wait;

	if (now_ns > s->refilled_ns) {
		s->tokens += (double)(now_ns - s->refilled_ns) / 1e9 * r->rate;
		if (s->tokens > r->burst)
			s->tokens = r->burst;
		s->refilled_ns = now_ns;
	}
	if (s->tokens >= 1)
		return 0;
	wait = ceil_pos((1 - s->tokens) / r->rate);
	return wait < 1 ? 1 : wait > 86400 ? 86400 : (unsigned)wait;
}

unsigned
ratelimit_take(struct ratelimit *rl, const char *tenant, const char *caller,
    int64_t now_ns)
{
	const struct ratelimit_rule *rules[2];
	struct slot *slots[2] = {NULL, NULL};
	struct shard *sh[2] = {NULL, NULL};
	unsigned wait = 0, w;
	uint64_t keys[2];
	size_t i, n = 0;

	if (rl == NULL)
		return 0;
	if (rl->cfg.caller.rate > 0) {
		rules[n] = &rl->cfg.caller;
		keys[n++] = bucket_key(rl->seed, 'C', tenant, caller);
	}
	if (rl->cfg.tenant.rate > 0) {
		rules[n] = &rl->cfg.tenant;
		keys[n++] = bucket_key(rl->seed, 'T', tenant, NULL);
	}
	for (i = 0; i < n; i++)
		sh[i] = &rl->shards[keys[i] % SHARDS];
	/* Both buckets are checked before either is charged, under both
	 * locks, taken in address order so two requests can't deadlock. */
	if (n == 2 && sh[0] > sh[1]) {
		pthread_mutex_lock(&sh[1]->mu);
		pthread_mutex_lock(&sh[0]->mu);
	} else {
		for (i = 0; i < n; i++)
			if (i == 0 || sh[i] != sh[0])
				pthread_mutex_lock(&sh[i]->mu);
	}
	for (i = 0; i < n; i++) {
		slots[i] = slot_for(sh[i], keys[i], rules[i], now_ns);
		w = slot_check(slots[i], rules[i], now_ns);
		wait = w > wait ? w : wait;
	}
	for (i = 0; i < n && wait == 0; i++)
		slots[i]->tokens -= 1;
	for (i = n; i-- > 0;)
		if (i == 0 || sh[i] != sh[0])
			pthread_mutex_unlock(&sh[i]->mu);
	return wait;
}
