/*
 * statefile: the reporter CLI's memory of which district key each receipt it
 * filed (or sent a follow-up for) was sealed to, so that a later status or
 * follow-up can refuse a server that now names another district or another
 * key for that report (DESIGN.md leaves the client's state open; see
 * docs/decisions.md). One line per receipt in a small file, mode 0600:
 *   <64 hex: key> <district id> <32 hex: key fingerprint>
 * The key is BLAKE2b-256 of a fixed label keyed with the receipt's reply
 * secret key, which never leaves this computer: the file holds no receipt
 * and nothing the server could match against the reports it stores. It
 * still shows that this computer filed reports, and to which district.
 */
#ifndef QF_REPORT_STATEFILE_H
#define QF_REPORT_STATEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/receipt.h"

#define STATEFILE_KEY_BYTES    32
#define STATEFILE_DISTRICT_BUF 65 /* a district id (at most 64 bytes) and a NUL */
#define STATEFILE_FP_BUF       33 /* 32 hex digits and a NUL */
#define STATEFILE_PATH_BUF     4096

enum {
	STATEFILE_OK = 0,
	STATEFILE_NONE = 1,        /* no line for this key */
	STATEFILE_ERR_IO = -1,     /* errno says why */
	STATEFILE_ERR_FORMAT = -2, /* a line of the file is not a pin */
	STATEFILE_ERR_ARG = -3     /* a district id or fingerprint that cannot be stored */
};

/*
 * The state file's path: $XDG_STATE_HOME/qingfeng/pins, or
 * $HOME/.local/state/qingfeng/pins when XDG_STATE_HOME is unset or not
 * absolute. Returns STATEFILE_OK, or STATEFILE_ERR_ARG when neither is set (or the
 * path does not fit in outsz).
 */
int statefile_default_path(char *out, size_t outsz);

/* The key of receipt k's line. Cannot fail. */
void statefile_key(uint8_t key[STATEFILE_KEY_BYTES], const struct receipt_keys *k);

/*
 * Finds key's line in the file at path: writes its district id and its
 * fingerprint (32 lower-case hex digits). Returns STATEFILE_OK, STATEFILE_NONE (no
 * such line, or no file), STATEFILE_ERR_IO (the file cannot be read, or is a
 * symlink or not a regular file) or STATEFILE_ERR_FORMAT.
 */
int statefile_find(const char *path, const uint8_t key[STATEFILE_KEY_BYTES],
                   char district[STATEFILE_DISTRICT_BUF], char fp[STATEFILE_FP_BUF]);

/*
 * Adds key's line (district id, fingerprint in any spacing and case) to the
 * file at path, creating its directory (0700) and the file (0600, O_EXCL,
 * never through a symlink) when missing, and syncing it. A line for key that
 * is already there is left as it is. Returns STATEFILE_OK, STATEFILE_ERR_ARG (bad
 * district id or fingerprint), STATEFILE_ERR_FORMAT or STATEFILE_ERR_IO.
 */
int statefile_add(const char *path, const uint8_t key[STATEFILE_KEY_BYTES], const char *district,
                  const char *fingerprint);

/* A message for a STATEFILE_ERR_* code. */
const char *statefile_strerror(int rc);

#endif
