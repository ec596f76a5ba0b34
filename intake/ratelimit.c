/* ratelimit: see ratelimit.h. */
#include "intake/ratelimit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PROBES 8

struct slot {
	uint8_t lookup[32];
	uint64_t minute;
	uint32_t count;
};

struct ratelimit {
	uint8_t key[crypto_shorthash_KEYBYTES];
	unsigned nslots;
	unsigned per_minute;
	struct slot *slots;
};

struct ratelimit *
ratelimit_new(unsigned slots, unsigned per_minute)
{
	struct ratelimit *r;

	if (slots < PROBES)
		slots = PROBES;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return NULL;
	r->slots = calloc(slots, sizeof *r->slots);
	if (r->slots == NULL) {
		free(r);
		return NULL;
	}
	r->nslots = slots;
	r->per_minute = per_minute;
	crypto_shorthash_keygen(r->key);
	return r;
}

void
ratelimit_free(struct ratelimit *r)
{
	if (r == NULL)
		return;
	sodium_memzero(r->slots, (size_t)r->nslots * sizeof *r->slots);
	sodium_memzero(r->key, sizeof r->key);
	free(r->slots);
	free(r);
}

int
ratelimit_allow(struct ratelimit *r, const uint8_t lookup[32], uint64_t now)
{
	uint64_t minute = now / 60;
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t start;
	struct slot *victim = NULL;

	crypto_shorthash(h, lookup, 32, r->key);
	memcpy(&start, h, sizeof start);
	for (unsigned i = 0; i < PROBES; i++) {
		struct slot *s = &r->slots[(start + i) % r->nslots];

		if (s->minute == minute && memcmp(s->lookup, lookup, 32) == 0) {
			if (s->count >= r->per_minute)
				return 0;
			s->count++;
			return 1;
		}
		if (s->minute != minute) {
			if (victim == NULL || victim->minute == minute)
				victim = s; /* a free (stale) slot beats a busy one */
		} else if (victim == NULL ||
		           (victim->minute == minute && s->count < victim->count)) {
			victim = s;
		}
	}
	memcpy(victim->lookup, lookup, 32);
	victim->minute = minute;
	victim->count = 1;
	return 1;
}
