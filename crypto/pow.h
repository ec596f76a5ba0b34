/*
 * pow: stateless proof-of-work challenges (DESIGN.md §9). A challenge is
 * random(16) || u64be(expiry) || BLAKE2b-128(key = pow_key, first 24 bytes):
 * the server can check it was issued by itself and is unexpired without
 * keeping any state; keeping challenges "spent" is the store's job.
 */
#ifndef QF_CRYPTO_POW_H
#define QF_CRYPTO_POW_H

#include <stdint.h>

#define POW_CHALLENGE_BYTES 40
#define POW_NONCE_BYTES     8
#define POW_KEY_BYTES       32
#define POW_MAX_DIFFICULTY  40

enum pow_result {
	POW_OK = 0,
	POW_FORGED = -1,  /* MAC does not match: not issued with this key */
	POW_EXPIRED = -2, /* expiry is before now */
	POW_INVALID = -3  /* the nonce does not give enough zero bits */
};

/* Makes a challenge that expires at unix time expiry. Cannot fail. */
void pow_challenge_make(uint8_t out[POW_CHALLENGE_BYTES], const uint8_t key[POW_KEY_BYTES],
                        uint64_t expiry);

/*
 * Checks a challenge's MAC (in constant time) and its expiry against now.
 * Returns POW_OK, POW_FORGED or POW_EXPIRED (MAC checked first).
 */
enum pow_result pow_challenge_check(const uint8_t ch[POW_CHALLENGE_BYTES],
                                    const uint8_t key[POW_KEY_BYTES], uint64_t now);

/* Reads the expiry a challenge carries (unchecked). Cannot fail. */
uint64_t pow_challenge_expiry(const uint8_t ch[POW_CHALLENGE_BYTES]);

/*
 * True when H256(challenge || nonce) starts with difficulty zero bits (most
 * significant bit of byte 0 first). Returns POW_OK or POW_INVALID; difficulty
 * 0 always passes, a difficulty above 256 never does.
 */
enum pow_result pow_solution_check(const uint8_t ch[POW_CHALLENGE_BYTES],
                                   const uint8_t nonce[POW_NONCE_BYTES], unsigned difficulty);

/*
 * The difficulty a write of content_length bytes needs (DESIGN.md §9):
 * base + max(0, ceil(log2(content_length / 1048576))), so that filling a
 * quota costs in proportion to the bytes (a 20 MiB upload at base 18 needs
 * 23 bits). Base 0 stays 0 (proof-of-work off). Cannot fail; the result is
 * at most base + 44.
 */
unsigned pow_required(unsigned base, uint64_t content_length);

/* The Qingfeng-PoW request header's name, and its value's longest length. */
#define POW_HEADER     "Qingfeng-PoW"
#define POW_HEADER_LEN 66 /* b64u(40) "." b64u(8): 54 + 1 + 11 */

/*
 * Writes the header value "<challenge b64u>.<nonce b64u>" (and a NUL) into
 * out. Cannot fail.
 */
void pow_header_format(char out[POW_HEADER_LEN + 1], const uint8_t ch[POW_CHALLENGE_BYTES],
                       const uint8_t nonce[POW_NONCE_BYTES]);

/*
 * Reads a header value made by pow_header_format: exactly a 40-byte
 * challenge and an 8-byte nonce in unpadded b64u, joined by one '.'.
 * Returns 0, or -1 (ch and nonce zeroed) for anything else.
 */
int pow_header_parse(uint8_t ch[POW_CHALLENGE_BYTES], uint8_t nonce[POW_NONCE_BYTES],
                     const char *value);

/*
 * Finds a nonce, counting up from 0 (as u64be), for the given difficulty.
 * Returns 0, or -1 when difficulty exceeds POW_MAX_DIFFICULTY or no nonce
 * was found in max_tries (0 means no limit).
 */
int pow_solve(uint8_t nonce[POW_NONCE_BYTES], const uint8_t ch[POW_CHALLENGE_BYTES],
              unsigned difficulty, uint64_t max_tries);

#endif
