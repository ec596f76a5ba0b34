/*
 * passcheck: is a new passphrase for a district key strong enough? The
 * judgement is libpwquality's (with cracklib's word list), under a policy
 * fixed here and stated in docs/investigator.md: at least
 * PASSCHECK_MIN_LEN bytes, not a dictionary word or a simple pattern, not
 * the tool's name, the district's id or name. The system's
 * /etc/security/pwquality.conf (the laptop's login policy) is not read.
 */
#ifndef QF_ADMIN_PASSCHECK_H
#define QF_ADMIN_PASSCHECK_H

#include <stddef.h>

/* Shortest new passphrase, in bytes (a Chinese character is 3). */
#define PASSCHECK_MIN_LEN 12

/* cracklib's word list on Debian (package cracklib-runtime), without .pwd. */
#define PASSCHECK_DICT "/var/cache/cracklib/cracklib_dict"

/*
 * Checks pass (NUL-terminated) as a new passphrase for district id with
 * display name name (either may be NULL), against the word list at dict
 * (PASSCHECK_DICT but in tests). Returns 0 when it is acceptable; 1 when it
 * is too weak, with the library's reason in plain words in err; -1 when it
 * cannot be checked (the word list is missing, out of memory), with the
 * reason in err. Copies of the passphrase the library makes are its own;
 * this module keeps none.
 */
int passcheck_new(const char *pass, const char *id, const char *name, const char *dict, char *err,
                  size_t errsz);

#endif
