/*
 * cases: the investigator's changes to a case (DESIGN.md §9, §11, §12): the
 * reporter-visible statuses and their labels, case names "<district>-<index>",
 * setting a status (recorded in the history and queued for the next update)
 * and writing a reply (sealed to the reporter's reply_pk for the server and
 * to the district's own box_pk for the archive, then queued). Everything
 * happens in the caller's write transaction; nothing is decrypted here.
 */
#ifndef QF_ADMIN_CASES_H
#define QF_ADMIN_CASES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/codec.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

/* "<district>-<index>" and its NUL. */
#define CASES_NAME_BUF (CODEC_DISTRICT_BUF + 21)
/* Most attachments one reply may carry. */
#define CASES_REPLY_ATT_MAX 32
/*
 * Largest sealed reply, below the server's default max_envelope_bytes (20 MiB)
 * so that an update is not refused for one reply.
 */
#define CASES_REPLY_SEALED_MAX ((uint64_t)16 << 20)

/* True (1) when s is one of the §9 statuses; 0 otherwise (also for NULL). */
int cases_status_valid(const char *s);

/*
 * The status's wire word ("accepted") for its word or its Chinese label
 * ("已受理"), or NULL when s is neither. Cannot fail.
 */
const char *cases_status_canon(const char *s);

/* The Chinese label of a §9 status ("已受理"), or NULL for anything else. */
const char *cases_status_label(const char *s);

/* The i-th §9 status in the order of §9, or NULL past the last. Cannot fail. */
const char *cases_status_at(size_t i);

/*
 * Parses a case name "<district>-<index>" (the district may contain '-';
 * the index follows the last one, decimal, >= 1, no leading zeros). Returns
 * 0, or -1 when name is not of that form.
 */
int cases_parse_name(const char *name, char district[CODEC_DISTRICT_BUF], uint64_t *index);

/* Writes "<district>-<index>". Cannot fail. */
void cases_format_name(char out[CASES_NAME_BUF], const char *district, uint64_t index);

/*
 * The 件号 as it is shown and typed: "<district>#<number>" (docs/decisions.md).
 * Parses it, also with the full-width ＃ a Chinese input method types (the
 * number decimal, >= 1, no leading zeros). Returns 0, or -1 when name is not
 * of that form.
 */
int cases_parse_number(const char *name, char district[CODEC_DISTRICT_BUF], uint64_t *number);

/* Writes "<district>#<number>". Cannot fail. */
void cases_format_number(char out[CASES_NAME_BUF], const char *district, uint64_t number);

/* "<district>-<index> (<district>#<number>)" and its NUL. */
#define CASES_SHOWN_BUF (2 * CASES_NAME_BUF + 4)

/*
 * Writes the name a case is shown by: "d07-24 (d07#20)", the technical index
 * and the 件号 of rec beside it, or "d07-24" alone when rec has none. Cannot fail.
 */
void cases_format_shown(char out[CASES_SHOWN_BUF], const struct case_record *c);

/* As cases_format_shown, from the parts (n = 0: no 件号). Cannot fail. */
void cases_format_numbered(char out[CASES_SHOWN_BUF], const char *district, uint64_t index,
                           uint64_t n);

/*
 * The case a typed name means: "<district>-<index>" as it is, or a 件号
 * "<district>#<number>" looked up in the archive. Returns ARCHIVE_OK with
 * district and *index set, ARCHIVE_ERR_ARG (neither form),
 * ARCHIVE_ERR_NOT_FOUND (no case has that 件号) or an archive error.
 */
int cases_resolve(struct archive_txn *t, const char *name, char district[CODEC_DISTRICT_BUF],
                  uint64_t *index);

/*
 * True (1) when acks_through covers the case's report and every follow-up
 * (so the district has acknowledged all of it in an update); 0 otherwise.
 */
int cases_delivered(const struct case_record *c, uint64_t acks_through);

/*
 * Checks that key is district's and begins a write transaction on a for a
 * command that signs or seals as the district (forward, update). Returns 0
 * with *t, or -1 with a one-line reason in err (another district's key, the
 * archive cannot begin a write) and *t NULL.
 */
int cases_begin_write(struct archive *a, const struct keyfile_secret *key, const char *district,
                      struct archive_txn **t, char *err, size_t errsz);

/*
 * Loads case index of district into c (case_free it) for a change or a
 * read. Returns 0, or -1 with "no case NAME in the archive" or "case NAME:
 * <archive error>" (also a record that does not decode) in err; c is then
 * empty.
 */
int cases_load(struct archive_txn *t, const char *district, uint64_t index, struct case_record *c,
               char *err, size_t errsz);

/*
 * Says in err that c cannot take what a change adds: out of memory, a list
 * full (CASE_LIST_MAX) or a day or name too long for its buffer. Returns -1.
 */
int cases_no_room(const struct case_record *c, char *err, size_t errsz);

/*
 * case_add_event for a change to c. Returns the event, or NULL with a reason
 * in err: out of memory, the history full, day or by too long to record.
 */
struct case_event *cases_add_event(struct case_record *c, const char *day, const char *by,
                                   const char *event, char *err, size_t errsz);

/*
 * Stores c and, with queue_status, queues {"op":"status","case","status"}
 * with c's status for the next update. Returns 0, or -1 with "archive:
 * <reason>" (or "out of memory") in err; the caller aborts.
 */
int cases_save(struct archive_txn *t, const struct case_record *c, int queue_status, char *err,
               size_t errsz);

struct session;
struct session_args;

/*
 * cases_set_status and cases_reply are domain functions as admin/workflow.h
 * describes them: they change case c (loaded by the caller) and store it in
 * the session's transaction s->t, with s->day and s->who; on failure the
 * caller aborts s->t and frees c.
 *
 * Sets c's status: records {"day","by","event":"status","status","from",
 * "sent_seq":0} in its history and queues a status operation. Returns 0, or
 * -1 with a one-line reason in err (unknown status, status unchanged, by or
 * day too long for the record or out of memory, archive failure).
 */
int cases_set_status(struct session *s, struct case_record *c, const char *status, char *err,
                     size_t errsz);

/* One attachment of a reply, held in memory. */
struct cases_attachment {
	const char *name; /* shown to the reporter; a base name */
	const char *type; /* media type */
	const uint8_t *data;
	size_t len;
};

/* A reply: its text, its attachments and the district key that signs it. */
struct cases_reply_args {
	const struct keyfile_secret *key; /* the unlocked key of c's district */
	const char *body;
	size_t body_len;
	const struct cases_attachment *atts;
	size_t natts;
};

/*
 * Writes reply r to c: the manifest {"v":1,"kind":"reply","district",
 * "lookup","status":<current status>,"body","attachments":[{"name","type",
 * "size"}],"sig"} sealed to the case's reply_pk, the key its report bound
 * inside its seal (DESIGN.md §6; queued for the server), and
 * to the district's own box_pk (kept for show), recorded as reply n in the
 * case and its history. "sig" is the district's signature (sign_reply in
 * crypto/sign.h) made with r->key. The body must be UTF-8 without NUL.
 * Returns 0 with *n set, or -1 with a reason in err (a quarantined case or
 * one whose report carries no bind (no "sign_pk": ingested before reports
 * were bound), a key of another district, body not UTF-8, too many attachments or replies, larger than
 * CASES_REPLY_SEALED_MAX sealed, by or day too long for the record, out of
 * memory, sealing or archive failure). The plaintext manifest is wiped.
 */
int cases_reply(struct session *s, struct case_record *c, const struct cases_reply_args *r,
                uint32_t *n, char *err, size_t errsz);

/*
 * reply --archive DIR CASE (--message TEXT | --file F) [--attach F]...:
 * reads the text and attachments (wiped when done), unlocks the district's
 * key, cases_reply and the access-log line in one transaction. Returns
 * CLI_EXIT_OK or CLI_EXIT_USER (said why; nothing changed).
 */
int cases_reply_command(struct session *s, const struct session_args *o);

#endif
