/*
 * keys: unlocking a district's key for one command, and the fingerprint
 * the tool shows for a server signing key. The key is unlocked at most once
 * per command (Argon2id is slow on purpose), lives in sodium_malloc'd memory
 * (crypto/keyfile.h) and is freed, wiped, before the command exits.
 */
#ifndef QF_ADMIN_KEYS_H
#define QF_ADMIN_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/keyfile.h"

/*
 * Unlocks the secret key file at path with a passphrase from passfile or
 * the terminal. When district is non-NULL the key must belong to it.
 * Returns 0 with *out set, or -1 with a one-line reason in err (unreadable
 * file, not a key file, wrong passphrase, another district) and *out NULL.
 */
int keys_unlock(struct keyfile_secret **out, const char *path, const char *passfile,
                const char *district, char *err, size_t errsz);

#endif
