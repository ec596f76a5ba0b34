/*
 * chain: the per-district hash chain of DESIGN.md §8 that lets the offline
 * tool prove that nothing was dropped, reordered or altered, and H256/H512
 * helpers for envelope hashes.
 */
#ifndef QF_CRYPTO_CHAIN_H
#define QF_CRYPTO_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#define CHAIN_KIND_REPORT   1
#define CHAIN_KIND_FOLLOWUP 2

/* H256(data): BLAKE2b-256 without a key. Cannot fail. */
void chain_h256(uint8_t out[32], const uint8_t *data, size_t len);

/*
 * Computes chain_i = H256("qingfeng-log-v1" || prev || u64be(index) ||
 * kind_byte || lookup || envelope_hash || day) where day is the 10 ASCII
 * bytes "YYYY-MM-DD". prev is 32 zero bytes for index 1. Returns 0, or -1
 * (out zeroed) when index is 0, kind is not CHAIN_KIND_REPORT or
 * CHAIN_KIND_FOLLOWUP, or day is not a valid day.
 */
int chain_next(uint8_t out[32], const uint8_t prev[32], uint64_t index, int kind,
               const uint8_t lookup[32], const uint8_t envelope_hash[32], const char *day);

#endif
