/*
 * receipt: the reporter's only credential (DESIGN.md §5). Generates receipts
 * of 90 random bits with two check symbols, parses what a person typed
 * (case, dashes, spaces, I/L/O tolerated), and derives the values the server
 * may see (lookup, auth, auth_hash, reply_pk), the reply key the reporter
 * keeps (reply_sk) and the reporter's signing key (rsign_pk, rsign_sk: §5
 * id 4), whose public half travels only inside the sealed report's "bind"
 * and which signs every follow-up (§6).
 */
#ifndef QF_CRYPTO_RECEIPT_H
#define QF_CRYPTO_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#define RECEIPT_SYMBOLS      20 /* 18 data + 2 check */
#define RECEIPT_DATA_SYMBOLS 18
/* Canonical text "XXXX-XXXX-XXXX-XXXX-XXXX" and its NUL. */
#define RECEIPT_TEXT_LEN 24
#define RECEIPT_TEXT_BUF 25

/*
 * Everything derived from one receipt. Holds secrets (auth, reply_sk,
 * rsign_sk): keep
 * it in sodium_malloc'd memory or wipe it with receipt_keys_wipe().
 */
struct receipt_keys {
	uint8_t lookup[32];
	uint8_t auth[32];
	uint8_t auth_hash[32];
	uint8_t reply_pk[32];
	uint8_t reply_sk[32];
	uint8_t rsign_pk[32]; /* crypto_sign_seed_keypair(sign_seed) */
	uint8_t rsign_sk[64];
};

/*
 * Writes a fresh receipt in canonical form ("MS0Z-H1WW-YKQN-03JM-SFCX") and a
 * NUL into out, from libsodium's CSPRNG. Cannot fail.
 */
void receipt_generate(char out[RECEIPT_TEXT_BUF]);

/*
 * Normalises what a person typed: uppercase, drop '-' and ' ', map I and L
 * to 1 and O to 0; the rest must be exactly 20 alphabet symbols whose last
 * two match the check. Writes the canonical form and a NUL into out.
 * Returns 0, or -1 ("invalid receipt": NULL, wrong length, a symbol outside
 * the alphabet, or a check mismatch), with out set to "".
 */
int receipt_parse(const char *typed, char out[RECEIPT_TEXT_BUF]);

/*
 * Derives lookup, auth, auth_hash, the reply key pair and the reporter's
 * signing key pair from a receipt (typed
 * or canonical; it is parsed first). Returns 0, or -1 when the receipt does
 * not parse; k is wiped on failure.
 */
int receipt_derive(const char *receipt, struct receipt_keys *k);

/* Wipes k. Cannot fail. */
void receipt_keys_wipe(struct receipt_keys *k);

/*
 * Hashes auth into auth_hash = H256(auth), as the server does before its
 * constant-time compare. Cannot fail.
 */
void receipt_auth_hash(uint8_t auth_hash[32], const uint8_t auth[32]);

#endif
