/*
 * session: what one qingfeng-admin command works with (DESIGN.md §11): its
 * parsed options, the archive (opened on first use), today's day, the
 * investigator's name (--by, else the login name), the district keys
 * unlocked on demand (at most once each, sodium_malloc'd, wiped at the end)
 * and the access log, written in the same transaction as the change it
 * records. Every function that can fail says why on stderr (cli_error) and
 * returns -1; the caller only chooses the exit code. session_end releases
 * everything, whatever state the session is in.
 */
#ifndef QF_ADMIN_SESSION_H
#define QF_ADMIN_SESSION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "admin/cases.h"
#include "admin/cli.h"
#include "admin/workdays.h"
#include "crypto/codec.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

/* Most reply attachments (--attach), --expect and district keys one command unlocks. */
#define SESSION_ATTACH_MAX CASES_REPLY_ATT_MAX
#define SESSION_EXPECT_MAX 256
#define SESSION_KEYS_MAX   16
/* Size of a one-line error buffer for the modules' err arguments. */
#define SESSION_ERR_MAX 2048

/* The command's options (NULL or 0 when not given) and its positional arguments. */
struct session_args {
	const char *archive, *key, *passfile, *day_offset, *by;
	const char *district, *name, *out, *kdf, *status, *extract, *message, *file;
	const char *note, *holidays, *svg, *html, *from, *to, *approved, *with_att;
	const char *as_of, *read_days, *decide_days, *conclude_days, *stale_days;
	const char *days, *template_name, *reason;
	char *attach[SESSION_ATTACH_MAX], *expect[SESSION_EXPECT_MAX];
	size_t nattach, nexpect;
	int json, titles, accept_new, csv, all, clear, templates;
	int npos;
	char **pos;
};

struct session {
	const struct session_args *o;
	struct archive *a;     /* NULL until session_archive */
	struct archive_txn *t; /* the open transaction (session_begin), else NULL */
	char day[CODEC_DAY_LEN + 1];
	long today;
	char who[CLI_NAME_MAX + 1];
	struct keyfile_secret *keys[SESSION_KEYS_MAX];
	size_t nkeys;
	int key_failed; /* session_key failed and said why */
};

/* A case named on the command line. */
struct session_case {
	char district[CODEC_DISTRICT_BUF];
	uint64_t index;
	char name[CASES_NAME_BUF];   /* "<district>-<index>", as the access log names it */
	char shown[CASES_SHOWN_BUF]; /* "d07-24 (d07#20)" when the case has a 件号 */
};

/*
 * Starts a session for options o (kept, not copied): who runs it (--by)
 * and, with need_day, today's day (QF_TODAY, --day-offset; else day stays
 * ""). Opens nothing. Returns 0, or -1 (said why) when --by or the day is
 * malformed; session_end is safe either way.
 */
int session_start(struct session *s, const struct session_args *o, int need_day);

/*
 * A session over transaction t, begun by the caller on an archive it opened,
 * for who on day: what a program other than the command line (the tests)
 * gives the domain functions (workflow.h, cases.h). It has no options, so
 * give it to nothing else; the caller ends t and does not call session_end.
 * Returns 0, or -1 when who or day does not fit.
 */
int session_on_txn(struct session *s, struct archive_txn *t, const char *who, const char *day);

/*
 * Aborts the open transaction, closes the archive and frees (wiping) every
 * unlocked key. Cannot fail.
 */
void session_end(struct session *s);

/* Opens --archive unless open. Returns 0, or -1: absent, unreadable, another schema. */
int session_archive(struct session *s);

/*
 * Opens the archive if needed and begins the session's transaction s->t
 * (write: a write transaction; one at a time). Returns 0, or -1 (said why).
 */
int session_begin(struct session *s, int write);

/*
 * Adds the access-log line (today, who, command, case_name) to the write
 * transaction s->t and commits it: the change and its log line land
 * together or not at all. s->t is NULL afterwards either way. Returns 0, or
 * -1 ("nothing changed").
 */
int session_commit(struct session *s, const char *command, const char *case_name);

/*
 * session_commit that says nothing: the archive's reason goes to err.
 * Returns 0, or -1 (nothing changed).
 */
int session_commit_err(struct session *s, const char *command, const char *case_name, char *err,
                       size_t errsz);

/*
 * Ends the change a domain function made in s->t and returned rc for:
 * session_commit (command, case_name) when rc is 0, else session_abort
 * saying err. Returns 0, or -1 (nothing changed).
 */
int session_finish(struct session *s, int rc, const char *err, const char *command,
                   const char *case_name);

/*
 * Aborts s->t (if open; a read transaction ends this way too) and, when err
 * is not NULL, says it: why a module refused the change. Returns -1.
 */
int session_abort(struct session *s, const char *err);

/*
 * Writes access-log lines in their own transaction: one for case_name when
 * names is NULL, else one per element of names (a string, or an object
 * whose "case" is one). Returns 0, or -1 when the log cannot be written.
 */
int session_log(struct session *s, const char *command, const char *case_name, const json_t *names);

/*
 * The unlocked secret key of district, unlocking it (--key, else the path
 * the archive remembers; --passphrase-file, else the terminal) the first
 * time. s is a struct session (the void * lets the modules' key callbacks
 * take it). Returns the key, or NULL (said why; key_failed set).
 */
const struct keyfile_secret *session_key(void *s, const char *district);

/* Loads district's public key from its key file (no passphrase). Returns 0 or -1. */
int session_public(struct session *s, const char *district, struct keyfile_public *pub);

/*
 * Parses a case typed as d01-42 or as its 件号 d01#3 (looked up in the
 * archive) into c. Returns 0, or -1 (said why) when malformed, when no case
 * has that 件号, or when the archive cannot be read for it.
 */
int session_case(struct session *s, const char *arg, struct session_case *c);

/*
 * Loads case c from s->t into rec (case_free it) for a change. Returns 0,
 * or -1 after aborting s->t and saying why (no such case, a record that
 * does not decode, archive failure); rec is then empty.
 */
int session_load(struct session *s, const struct session_case *c, struct case_record *rec);

/* Checks that case c is in the archive. Returns 0, or -1 (no such case, archive failure). */
int session_case_exists(struct session *s, const struct session_case *c);

/*
 * Into out: opt when given (known=1: it must be in the archive; known=0: a
 * valid id), else the archive's only district. Returns 0, or -1 (malformed,
 * unknown, no district yet, several and none chosen).
 */
int session_district(struct session *s, const char *opt, int known, char out[CODEC_DISTRICT_BUF]);

/*
 * The holiday calendar: --holidays FILE, else DIR/holidays.txt when it
 * exists. Unless quiet, warns when there is none or it lists nothing for
 * this year. Returns 0 with *w, or -1 when the file is unreadable or malformed.
 */
int session_calendar(struct session *s, int quiet, struct workdays **w);

/*
 * The text a command was given: --message, or the contents of --file (at
 * most max bytes; too_big says the limit in words, "larger than 1 MiB").
 * Sets *text and *len, and *buf to the buffer session_text_free wipes and
 * frees (NULL for --message). Returns 0, or -1 after saying which file
 * could not be read and why.
 */
int session_text(const struct session_args *o, size_t max, const char *too_big, const char **text,
                 size_t *len, uint8_t **buf);

/* Wipes and frees what session_text read (buf may be NULL). Cannot fail. */
void session_text_free(uint8_t *buf, size_t len);

#endif
