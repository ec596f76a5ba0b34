/*
 * search: finds the cases whose decrypted text holds every given word
 * (DESIGN.md §11, §13): the report's title, body, town, place, time,
 * subcategory, subject (name, unit, area, position), identity block and
 * attachment names, the follow-ups, the replies sent and the investigators'
 * notes. Quarantined entries (DESIGN.md §10) are left out: a quarantined
 * report is no case to find, a quarantined follow-up is not the reporter's
 * words (list and show name them). Cases are decrypted one at a time, in memory; the text compared and
 * the context shown live in sodium_malloc'd buffers that are wiped, and
 * nothing is written to disk. Matching ignores ASCII case; Chinese text
 * matches as written.
 */
#ifndef QF_ADMIN_SEARCH_H
#define QF_ADMIN_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "admin/session.h"
#include "crypto/keyfile.h"
#include "store/archive.h"
#include "store/case.h"

#define SEARCH_WORDS_MAX 16
#define SEARCH_WORD_MAX  200 /* bytes */
#define SEARCH_CONTEXT   24  /* characters shown on either side of a match */

/* Returns the unlocked key of district, or NULL (the callback said why) to stop. */
typedef const struct keyfile_secret *(*search_key_fn)(void *ctx, const char *district);

/*
 * Called for each case c that holds every word: where[i] names the field
 * word i was first found in ("正文 body"), context[i] is a one-line excerpt
 * around it (untrusted text: print it with cli_print_text). All are
 * borrowed for the call. A non-zero return stops the search and is
 * returned.
 */
typedef int (*search_hit_fn)(void *ctx, const struct case_record *c, const char *const *where,
                             const char *const *context, size_t nwords);

/*
 * Searches the cases of district (NULL: all) for words[0..nwords) (1 to
 * SEARCH_WORDS_MAX words of 1 to SEARCH_WORD_MAX bytes of UTF-8 each),
 * calling on_hit in (district, index) order. *searched gets the number of
 * cases decrypted. Returns 0, or -1 with a one-line reason in err (bad
 * words, no key, an envelope that does not open, archive failure), or the
 * non-zero value on_hit returned.
 */
int search_run(struct archive_txn *t, const char *district, const char *const *words, size_t nwords,
               search_key_fn key_for, void *kctx, search_hit_fn on_hit, void *hctx,
               size_t *searched, char *err, size_t errsz);

/*
 * search --archive DIR [--district ID] WORD...: checks the words, logs the
 * search, search_run with the session's keys, prints each match (and logs
 * it as shown) and the count. Returns CLI_EXIT_OK or CLI_EXIT_USER.
 */
int search_command(struct session *s, const struct session_args *o);

#endif
