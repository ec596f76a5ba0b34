/* chain: see chain.h. */
#include "crypto/chain.h"

#include <sodium.h>
#include <string.h>

#include "crypto/codec.h"

#define LOG_PREFIX "qingfeng-log-v1"

void
chain_h256(uint8_t out[32], const uint8_t *data, size_t len)
{
	crypto_generichash(out, 32, data, len, NULL, 0);
}

int
chain_next(uint8_t out[32], const uint8_t prev[32], uint64_t index, int kind,
           const uint8_t lookup[32], const uint8_t envelope_hash[32], const char *day)
{
	crypto_generichash_state st;
	uint8_t idx[8];
	uint8_t kb;

	if (index == 0 || (kind != CHAIN_KIND_REPORT && kind != CHAIN_KIND_FOLLOWUP) ||
	    !codec_day_valid(day)) {
		memset(out, 0, 32);
		return -1;
	}
	codec_u64be_put(idx, index);
	kb = (uint8_t)kind;
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)LOG_PREFIX, strlen(LOG_PREFIX));
	crypto_generichash_update(&st, prev, 32);
	crypto_generichash_update(&st, idx, sizeof idx);
	crypto_generichash_update(&st, &kb, 1);
	crypto_generichash_update(&st, lookup, 32);
	crypto_generichash_update(&st, envelope_hash, 32);
	crypto_generichash_update(&st, (const uint8_t *)day, CODEC_DAY_LEN);
	crypto_generichash_final(&st, out, 32);
	return 0;
}
