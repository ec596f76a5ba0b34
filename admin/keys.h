/*
 * keys: making a district's key files (keygen, fingerprint), unlocking a
 * district's key for one command, and the fingerprint
 * the tool shows for a server signing key. The key is unlocked at most once
 * per command (Argon2id is slow on purpose), lives in sodium_malloc'd memory
 * (crypto/keyfile.h) and is freed, wiped, before the command exits.
 */
#ifndef QF_ADMIN_KEYS_H
#define QF_ADMIN_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "admin/session.h"
#include "crypto/keyfile.h"

/*
 * Unlocks the secret key file at path with a passphrase from passfile or
 * the terminal. When district is non-NULL the key must belong to it.
 * Returns 0 with *out set, or -1 with a one-line reason in err (unreadable
 * file, not a key file, wrong passphrase, another district) and *out NULL.
 */
int keys_unlock(struct keyfile_secret **out, const char *path, const char *passfile,
                const char *district, char *err, size_t errsz);

/*
 * keygen (session unused): makes a district's key pairs, writes
 * --out/district.key (under a new passphrase) and --out/district.pub.json,
 * never overwriting, and prints the fingerprint. Returns CLI_EXIT_OK,
 * CLI_EXIT_USAGE (bad --kdf) or CLI_EXIT_USER (said why; nothing kept).
 */
int keys_keygen_command(struct session *s, const struct session_args *o);

/* fingerprint FILE (session unused): prints a key file's fingerprint, id and name. */
int keys_fingerprint_command(struct session *s, const struct session_args *o);

#endif
