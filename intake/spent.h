/*
 * spent: the proof-of-work challenges already used (DESIGN.md §9), in
 * memory only: a spent challenge carries its expiry, so one on disk would
 * date the submission. Two fixed hash tables, one per window of pow_ttl
 * seconds of expiry: a challenge goes into the table of its expiry's
 * window, and a table is emptied when it is given a new window, by which
 * time every challenge in it has expired and no longer verifies. Nothing is
 * forgotten while it could still verify: when a window's table is full,
 * spent_add refuses (the server answers 503 overloaded) instead. Slots are
 * chosen by a keyed hash (SipHash, random key), so clients cannot aim
 * collisions.
 */
#ifndef QF_INTAKE_SPENT_H
#define QF_INTAKE_SPENT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/pow.h"

enum spent_result {
	SPENT_OK = 0,      /* recorded: first use */
	SPENT_REUSED = -1, /* already spent */
	SPENT_FULL = -2    /* no room in its window: refuse the request, forget nothing */
};

struct spent;

/*
 * Makes a set for challenges valid ttl seconds, holding at most max of
 * them per window of ttl seconds. Returns NULL when memory runs out or an
 * argument is 0.
 */
struct spent *spent_new(size_t max, unsigned ttl);

/* Frees the set; NULL is fine. Cannot fail. */
void spent_free(struct spent *s);

/*
 * Marks challenge ch (whose MAC and expiry were checked) spent. Returns
 * SPENT_OK, SPENT_REUSED, or SPENT_FULL (also when ch belongs to a window
 * older than its table's, which only a clock set back can cause).
 */
enum spent_result spent_add(struct spent *s, const uint8_t ch[POW_CHALLENGE_BYTES]);

/* Challenges held (both windows). Cannot fail. */
size_t spent_count(const struct spent *s);

#endif
