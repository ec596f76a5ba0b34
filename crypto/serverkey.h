/*
 * serverkey: the online server's own secrets (DESIGN.md §7): an Ed25519 key
 * that signs receipts, log heads and export bundles, and the 32-byte MAC key
 * of the proof-of-work challenges. Stored unencrypted (the server starts
 * unattended) in DATA/server.key, mode 0600:
 *   {"type":"qingfeng-server-secret","v":1,"sign_pk":b64u,"sign_sk":b64u,
 *    "pow_key":b64u}
 * It never holds a district secret.
 */
#ifndef QF_CRYPTO_SERVERKEY_H
#define QF_CRYPTO_SERVERKEY_H

#include <stdint.h>

struct serverkey {
	uint8_t sign_pk[32];
	uint8_t sign_sk[64];
	uint8_t pow_key[32];
};

/*
 * Makes a fresh server key in sodium_malloc'd memory. Returns 0 with *out
 * set, or -1 when memory runs out.
 */
int serverkey_generate(struct serverkey **out);

/*
 * Writes k to path, created O_EXCL|O_NOFOLLOW mode 0600 and fsynced. Returns
 * 0, or -1 (errno set; EEXIST when the file exists) with nothing left at
 * path.
 */
int serverkey_write(const char *path, const struct serverkey *k);

/*
 * Reads path into a new sodium_malloc'd key. Returns 0, or -1 when the file
 * cannot be read (errno set), is not a server key, or its sign_pk does not
 * match sign_sk (errno EINVAL). Every buffer that held the file is wiped.
 */
int serverkey_load(struct serverkey **out, const char *path);

/* Wipes and frees; NULL is fine. Cannot fail. */
void serverkey_free(struct serverkey *k);

/* "xxxx xxxx xxxx xxxx xxxx xxxx xxxx xxxx" and its NUL. */
#define SERVERKEY_FINGERPRINT_BUF 40

/*
 * Writes the fingerprint of a server signing key: the first 16 bytes of
 * H256("qingfeng-server-v1" || sign_pk) as lowercase hex in 8 groups of 4
 * joined by spaces, the same shape as a district fingerprint. `init`
 * prints it; the offline tool shows it when it pins the key. Cannot fail.
 */
void serverkey_fingerprint(char out[SERVERKEY_FINGERPRINT_BUF], const uint8_t sign_pk[32]);

#endif
