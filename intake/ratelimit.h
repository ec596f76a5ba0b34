/*
 * ratelimit: per-lookup limits on status requests, so a burst of guesses
 * against one lookup slows that lookup only. A fixed table of counters per
 * one-minute window, in memory only, indexed by a keyed hash (SipHash with a
 * random key) so clients cannot aim collisions. Unknown and known lookups
 * are counted alike.
 */
#ifndef QF_INTAKE_RATELIMIT_H
#define QF_INTAKE_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

/*
 * Makes a table of slots counters allowing per_minute requests per lookup
 * in each minute. Returns NULL when memory runs out.
 */
struct ratelimit *ratelimit_new(unsigned slots, unsigned per_minute);

/* Wipes and frees; NULL is fine. Cannot fail. */
void ratelimit_free(struct ratelimit *r);

/*
 * Counts one request for lookup in the minute containing now. Returns 1
 * when it is within the limit, 0 when it is over. When every candidate slot
 * is busy in this minute, the least used one is taken over.
 */
int ratelimit_allow(struct ratelimit *r, const uint8_t lookup[32], uint64_t now);

#endif
