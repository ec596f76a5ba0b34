/*
 * keysheet: backing up the district key (docs/investigator.md §0). The
 * printable recovery sheet (plain UTF-8 text, bilingual, the same whatever
 * the locale: it is filed on paper for whoever opens the safe years later)
 * names the district, the fingerprint in two lines of four groups, the day
 * the key was made, blanks for where the two backup copies are kept, and a
 * checklist. It holds neither the passphrase nor the secret key, not even
 * encrypted (docs/decisions.md). key-check proves that a backup copy opens.
 */
#ifndef QF_ADMIN_KEYSHEET_H
#define QF_ADMIN_KEYSHEET_H

#include <stddef.h>
#include <stdio.h>

#include "admin/session.h"
#include "crypto/keyfile.h"

/* The sheet keygen writes next to district.key. */
#define KEYSHEET_NAME "district-key-sheet.txt"

/*
 * Prints the fingerprint fp ("xxxx xxxx ... xxxx", 8 groups) as two lines
 * "<indent>1-4  g1 g2 g3 g4" and "<indent>5-8  g5 g6 g7 g8". Cannot fail.
 */
void keysheet_print_fingerprint(FILE *f, const char *fp, const char *indent);

/*
 * Writes the recovery sheet for pub to path (created O_EXCL|O_NOFOLLOW
 * mode 0600, fsynced), with day as the key's day; made is 1 when day is
 * the day keygen made it, 0 when it is the key file's date. Returns 0, or
 * -1 with errno set (EEXIST when path exists) and nothing left at path.
 */
int keysheet_write(const char *path, const struct keyfile_public *pub, const char *day, int made);

/*
 * key-sheet FILE --out SHEET (session unused): the recovery sheet again, for
 * a district.key or district.pub.json, dated by the key file. Returns
 * CLI_EXIT_OK or CLI_EXIT_USER (said why; nothing written).
 */
int keysheet_command(struct session *s, const struct session_args *o);

/*
 * key-check FILE [--passphrase-file F] (session unused): unlocks a copy of
 * district.key with the passphrase and prints its district and fingerprint
 * as the sheet shows them. Returns CLI_EXIT_OK, or CLI_EXIT_USER (not a
 * secret key file, unreadable, wrong passphrase or altered, keys that do
 * not match; said why).
 */
int keysheet_check_command(struct session *s, const struct session_args *o);

#endif
