/*
 * forward: the redacted copy of a report for another agency (转送,
 * DESIGN.md §11, §13). It is a plain UTF-8 text document that prints
 * anywhere and hides nothing in markup: the case name and day, the agency,
 * who forwarded it and when, and the report's type, category,
 * subcategory, town, title, time, place, subject and body, with Chinese and
 * English labels. The reporter's identity block, the follow-ups, the
 * replies, the notes, the history and any manifest member not listed above
 * are never included. Attachments are left out unless an attachment
 * directory is given; then the report's own attachments (never the
 * follow-ups') are written there as admin/extract.h does, and the document
 * lists them. Text from the reporter is written with control characters,
 * bidirectional overrides and invalid UTF-8 replaced by U+FFFD.
 */
#ifndef QF_ADMIN_FORWARD_H
#define QF_ADMIN_FORWARD_H

#include <stddef.h>
#include <stdint.h>

#include "admin/session.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

struct forward_result {
	size_t attachments; /* attachments written to the attachment directory */
	size_t listed;      /* attachments the report has */
};

/*
 * Writes the redacted document of case index of district to path (which
 * must not exist: created O_EXCL|O_NOFOLLOW, mode 0600, fsynced), with the
 * report's attachments in att_dir/<case>/ when att_dir is non-NULL, and
 * records {"event":"forward","to","attachments"} in the case history and a
 * "forward" line in the access log, dated day, by by, in one transaction.
 * Returns 0 with r filled, or -1 with a one-line reason in err (no such
 * case, a quarantined case (DESIGN.md §10), a report that does not open,
 * a file that cannot be written); then nothing is left at path or in
 * att_dir and the archive is unchanged.
 */
int forward_write(struct archive *a, const char *district, uint64_t index,
                  const struct keyfile_secret *key, const char *path, const char *to,
                  const char *att_dir, const char *by, const char *day, struct forward_result *r,
                  char *err, size_t errsz);

/*
 * forward --archive DIR CASE --out FILE --to AGENCY --by NAME: checks the
 * case, unlocks its district's key, forward_write, and says what was
 * written. Returns CLI_EXIT_OK or CLI_EXIT_USER (said why).
 */
int forward_command(struct session *s, const struct session_args *o);

#endif
