/*
 * extract: writing a case's attachments to disk for `show --extract DIR`
 * (DESIGN.md §11) as DIR/<case>/<n>-<safe name> (<n>-QUARANTINED-<safe name>
 * for a quarantined entry's), and nothing else. The name
 * a reporter's device gave an attachment is untrusted: it is reduced to a
 * safe base name, and every file is created O_EXCL|O_NOFOLLOW with mode
 * 0600 beneath directories opened O_NOFOLLOW, so a hostile name or a
 * planted symbolic link cannot make the tool write anywhere else. A failed
 * extraction removes the files it created.
 */
#ifndef QF_ADMIN_EXTRACT_H
#define QF_ADMIN_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

/* Longest safe name, in bytes (without the "<n>-" prefix). */
#define EXTRACT_NAME_MAX 120
#define EXTRACT_NAME_BUF (EXTRACT_NAME_MAX + 1)

/*
 * Reduces an untrusted attachment name to a safe one: drops everything up
 * to the last '/' or '\\', keeps only ASCII letters and digits, CJK
 * ideographs (and their extension blocks), '.', '-' and '_', removes leading
 * dots, and cuts it to at most EXTRACT_NAME_MAX bytes on a character
 * boundary. An empty result (or a NULL name) becomes "attachment". Cannot
 * fail.
 */
void extract_safe_name(char out[EXTRACT_NAME_BUF], const char *name);

struct extract;

/*
 * Prepares DIR/<case_name> (DIR is created mode 0700 if missing; the case
 * directory too; neither may be a symbolic link). Returns 0 with *out set,
 * or -1 with a one-line reason in err.
 */
int extract_begin(struct extract **out, const char *dir, const char *case_name, char *err,
                  size_t errsz);

/*
 * Creates the file "<n>-<safe name of name>" (O_EXCL|O_NOFOLLOW, 0600), or
 * "<n>-QUARANTINED-<safe name>" with quarantined (an attachment of a
 * quarantined entry, DESIGN.md §10: the file keeps the mark `show` prints),
 * closing the previous one. Its path relative to DIR goes to shown (if
 * non-NULL, showsz bytes). Returns 0, or -1 with a reason in err (the file
 * exists, cannot be created).
 */
int extract_file(struct extract *x, unsigned n, int quarantined, const char *name, char *shown,
                 size_t showsz, char *err, size_t errsz);

/* Appends bytes to the current file. Returns 0, or -1 with a reason in err. */
int extract_write(struct extract *x, const uint8_t *data, size_t len, char *err, size_t errsz);

/*
 * Ends the extraction. With ok, syncs and closes everything (returns -1 with
 * a reason in err if a sync fails, after removing the files); without, it
 * removes every file it created. Frees x; NULL is fine.
 */
int extract_end(struct extract *x, int ok, char *err, size_t errsz);

#endif
