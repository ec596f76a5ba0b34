/*
 * term: passphrases for the district key. They come from the terminal with
 * echo switched off (termios on /dev/tty), or from --passphrase-file F (the
 * file's first line without its line ending). A passphrase only ever lives
 * in sodium_malloc'd memory and is wiped when freed.
 */
#ifndef QF_ADMIN_TERM_H
#define QF_ADMIN_TERM_H

#include <stddef.h>

/* Longest passphrase accepted, in bytes. */
#define TERM_PASS_MAX 1023

struct term_pass {
	char *buf; /* sodium_malloc'd, NUL-terminated */
	size_t len;
};

/*
 * Reads a passphrase: from the first line of file when file is non-NULL,
 * otherwise from the terminal after printing prompt, without echo. Returns
 * 0 with p filled, or -1 with a one-line reason in err (no terminal, file
 * unreadable, empty, longer than TERM_PASS_MAX, out of memory) and p empty;
 * every buffer that held passphrase bytes is wiped either way.
 */
int term_read_pass(struct term_pass *p, const char *prompt, const char *file, char *err,
                   size_t errsz);

/*
 * Reads a new passphrase for the key of district id (display name name):
 * from file, or twice from the terminal (the two must match). Refuses one
 * that passcheck_new finds too weak (before asking for it again), with
 * "passphrase too weak: " and the reason in err, or cannot check. Returns
 * as term_read_pass.
 */
int term_read_new_pass(struct term_pass *p, const char *file, const char *id, const char *name,
                       char *err, size_t errsz);

/* Wipes and frees the passphrase; an empty one is fine. Cannot fail. */
void term_pass_free(struct term_pass *p);

#endif
