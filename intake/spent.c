/* spent: see spent.h. */
#include "intake/spent.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"

/* A challenge is known by its random part and expiry (the MAC follows from them). */
#define KEY_BYTES 24

struct table {
	uint64_t window; /* expiry / ttl of every entry; 0 when empty */
	size_t n;
	uint8_t *keys; /* nslots * KEY_BYTES; all zero = free (expiry is never 0) */
};

struct spent {
	uint8_t hkey[crypto_shorthash_KEYBYTES];
	unsigned ttl;
	size_t max, nslots; /* nslots: a power of two, at least 2 * max */
	struct table t[2];
};

struct spent *
spent_new(size_t max, unsigned ttl)
{
	struct spent *s;
	size_t n = 16;

	if (max == 0 || ttl == 0 || max > SIZE_MAX / 4 / KEY_BYTES)
		return NULL;
	while (n < 2 * max)
		n *= 2;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->ttl = ttl;
	s->max = max;
	s->nslots = n;
	for (int i = 0; i < 2; i++) {
		s->t[i].keys = calloc(n, KEY_BYTES);
		if (s->t[i].keys == NULL) {
			spent_free(s);
			return NULL;
		}
	}
	crypto_shorthash_keygen(s->hkey);
	return s;
}

void
spent_free(struct spent *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < 2; i++)
		free(s->t[i].keys);
	sodium_memzero(s->hkey, sizeof s->hkey);
	free(s);
}

enum spent_result
spent_add(struct spent *s, const uint8_t ch[POW_CHALLENGE_BYTES])
{
	uint64_t expiry = codec_u64be_get(ch + 16);
	uint64_t window = expiry / s->ttl + 1; /* never 0 */
	struct table *t = &s->t[window & 1];
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t i;

	if (t->window > window)
		return SPENT_FULL; /* the clock went back: never forget a newer window */
	if (t->window != window) {
		/*
		 * Its previous window is at least two windows older than this
		 * challenge's: every entry expired before any challenge that can
		 * still verify was issued.
		 */
		memset(t->keys, 0, s->nslots * KEY_BYTES);
		t->n = 0;
		t->window = window;
	}
	crypto_shorthash(h, ch, KEY_BYTES, s->hkey);
	memcpy(&i, h, sizeof i);
	for (size_t probe = 0; probe < s->nslots; probe++) {
		uint8_t *slot = t->keys + ((i + probe) & (s->nslots - 1)) * KEY_BYTES;

		if (sodium_is_zero(slot, KEY_BYTES)) {
			if (t->n >= s->max)
				return SPENT_FULL;
			memcpy(slot, ch, KEY_BYTES);
			t->n++;
			return SPENT_OK;
		}
		if (memcmp(slot, ch, KEY_BYTES) == 0)
			return SPENT_REUSED;
	}
	return SPENT_FULL; /* cannot happen: at most half the slots are used */
}

size_t
spent_count(const struct spent *s)
{
	return s->t[0].n + s->t[1].n;
}
