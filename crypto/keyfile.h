/*
 * keyfile: district key pairs and their files (DESIGN.md §7). The public
 * object district.pub.json is what the server and the reporters see; the
 * secret file district.key holds box_sk || sign_sk under XChaCha20-Poly1305
 * with an Argon2id key from the investigator's passphrase. Secret keys only
 * ever live in sodium_malloc'd memory.
 */
#ifndef QF_CRYPTO_KEYFILE_H
#define QF_CRYPTO_KEYFILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/codec.h"

/* "xxxx xxxx xxxx xxxx xxxx xxxx xxxx xxxx" and its NUL. */
#define KEYFILE_FINGERPRINT_BUF 40
#define KEYFILE_NAME_MAX        256 /* bytes of UTF-8 */

enum keyfile_kdf { KEYFILE_KDF_INTERACTIVE, KEYFILE_KDF_MODERATE, KEYFILE_KDF_SENSITIVE };

enum keyfile_err {
	KEYFILE_OK = 0,
	KEYFILE_ERR_IO = -1,         /* cannot open, read or write the file (errno set) */
	KEYFILE_ERR_EXISTS = -2,     /* refusing to overwrite an existing file */
	KEYFILE_ERR_FORMAT = -3,     /* not JSON, wrong type/v, a field missing or malformed */
	KEYFILE_ERR_MISMATCH = -4,   /* fingerprint or public keys do not match the secret */
	KEYFILE_ERR_PASSPHRASE = -5, /* decryption failed: wrong passphrase or altered file */
	KEYFILE_ERR_NOMEM = -6,      /* sodium_malloc or the KDF ran out of memory */
	KEYFILE_ERR_ARG = -7         /* invalid id, name or kdf level */
};

/* A district's public keys, as in district.pub.json. Nothing secret. */
struct keyfile_public {
	char id[CODEC_DISTRICT_BUF];
	char name[KEYFILE_NAME_MAX + 1];
	uint8_t box_pk[32];
	uint8_t sign_pk[32];
	char fingerprint[KEYFILE_FINGERPRINT_BUF];
};

/*
 * A district's full key set. Always allocated by keyfile_generate or
 * keyfile_unlock (sodium_malloc, read-only after creation) and released with
 * keyfile_secret_free, which wipes it.
 */
struct keyfile_secret {
	struct keyfile_public pub;
	uint8_t box_sk[32];
	uint8_t sign_sk[64];
};

/* Human message for an error code. Never NULL. */
const char *keyfile_strerror(int err);

/*
 * Writes the fingerprint of (id, box_pk, sign_pk): the first 16 bytes of
 * H256("qingfeng-district-v1" || lp(id) || box_pk || sign_pk) as lowercase
 * hex in 8 groups of 4 joined by spaces. Returns 0, or -1 when id is not a
 * valid district id.
 */
int keyfile_fingerprint(char out[KEYFILE_FINGERPRINT_BUF], const char *id, const uint8_t box_pk[32],
                        const uint8_t sign_pk[32]);

/*
 * Makes a new key set for district id with display name name. Returns
 * KEYFILE_OK with *out set, KEYFILE_ERR_ARG (bad id, empty or overlong name)
 * or KEYFILE_ERR_NOMEM.
 */
int keyfile_generate(struct keyfile_secret **out, const char *id, const char *name);

/* Wipes and frees a key set; NULL is fine. Cannot fail. */
void keyfile_secret_free(struct keyfile_secret *k);

/*
 * Builds the public object {"type":"qingfeng-district-public","v":1,"id",
 * "name","box_pk","sign_pk","fingerprint"}. Returns a new reference, or NULL
 * when memory runs out.
 */
json_t *keyfile_public_to_json(const struct keyfile_public *pub);

/*
 * Reads a public object. Checks type, v, the id, the key lengths, and that
 * the fingerprint, if present, matches the keys (it is recomputed either
 * way). Returns KEYFILE_OK, KEYFILE_ERR_FORMAT or KEYFILE_ERR_MISMATCH.
 */
int keyfile_public_from_json(struct keyfile_public *pub, const json_t *obj);

/*
 * Reads the public part of a public (district.pub.json) or secret
 * (district.key) file without any passphrase. Returns KEYFILE_OK,
 * KEYFILE_ERR_IO, KEYFILE_ERR_FORMAT or KEYFILE_ERR_MISMATCH.
 */
int keyfile_load_public(struct keyfile_public *pub, const char *path);

/*
 * Writes the public object to path, created O_EXCL|O_NOFOLLOW mode 0644.
 * Returns KEYFILE_OK, KEYFILE_ERR_EXISTS, KEYFILE_ERR_IO or
 * KEYFILE_ERR_NOMEM; on failure nothing is left at path.
 */
int keyfile_write_public(const char *path, const struct keyfile_public *pub);

/*
 * Encrypts the secret keys under the passphrase (Argon2id at the given
 * strength, fresh salt and nonce) and writes district.key to path, created
 * O_EXCL|O_NOFOLLOW mode 0600 and fsynced. Returns KEYFILE_OK,
 * KEYFILE_ERR_EXISTS, KEYFILE_ERR_IO, KEYFILE_ERR_NOMEM or KEYFILE_ERR_ARG;
 * on failure nothing is left at path.
 */
int keyfile_write_secret(const char *path, const struct keyfile_secret *k, const char *passphrase,
                         size_t passlen, enum keyfile_kdf kdf);

/*
 * Decrypts a secret key object (already parsed) with the passphrase and
 * checks that the keys inside give the stated box_pk and sign_pk. Returns
 * KEYFILE_OK with *out set, or KEYFILE_ERR_FORMAT, KEYFILE_ERR_PASSPHRASE,
 * KEYFILE_ERR_MISMATCH or KEYFILE_ERR_NOMEM with *out NULL and every
 * intermediate buffer wiped.
 */
int keyfile_unlock_json(struct keyfile_secret **out, const json_t *obj, const char *passphrase,
                        size_t passlen);

/* keyfile_unlock_json on the file at path; also KEYFILE_ERR_IO. */
int keyfile_unlock(struct keyfile_secret **out, const char *path, const char *passphrase,
                   size_t passlen);

#endif
