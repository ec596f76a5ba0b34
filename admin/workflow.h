/*
 * workflow: the investigator's handling of a case (DESIGN.md §13) as it is
 * recorded in the archive's case record: the internal stages and the one
 * table mapping each to the status a reporter sees (§9), stage changes (in
 * the history, with the day and the investigator; a changed status is
 * queued for the next update), the marks the rules need (real-name
 * verification, duplicate-of, upper-level jurisdiction, escalation, 错告/诬告陷害
 * findings), investigator notes (sealed to the district's own box_pk, never
 * held in plaintext), forwarding records, and whether the report carries an
 * identity block. Marks, notes, stages and history never leave the offline
 * machine: the only thing an update ever carries for them is the mapped
 * status, and only when it changes. Everything happens in the caller's
 * write transaction; the caller aborts it when a function fails.
 */
#ifndef QF_ADMIN_WORKFLOW_H
#define QF_ADMIN_WORKFLOW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "admin/session.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

/*
 * Handing a case to a lower body (乡镇（街道）纪（工）委, 派驻机构): 转办 gives it
 * the rules' 5 working days to accept (《纪检监察机关处理检举控告工作规则》
 * Article 16(2)); 交办 and 督办 give it the working days the district sets,
 * by default these (the tool's choice: the rules give no number;
 * docs/decisions.md).
 */
#define WORKFLOW_TRANSFER_DAYS  5
#define WORKFLOW_ASSIGN_DAYS    30
#define WORKFLOW_SUPERVISE_DAYS 10
#define WORKFLOW_DAYS_MAX       250

/* Longest note text, in bytes. */
#define WORKFLOW_NOTE_MAX ((size_t)64 << 10)

/* One internal stage: its name, its Chinese label and the §9 status it maps to. */
struct workflow_stage {
	const char *name;
	const char *label;
	const char *status;
};

/* The stage table, in the order of §13; *n gets its length. Cannot fail. */
const struct workflow_stage *workflow_stages(size_t *n);

/* True (1) when s names a stage; 0 otherwise (also NULL). Cannot fail. */
int workflow_stage_valid(const char *s);

/* The Chinese label of a stage ("受理"), or NULL for anything else. Cannot fail. */
const char *workflow_stage_label(const char *s);

/* The §9 status a stage maps to ("accepted"), or NULL for anything else. Cannot fail. */
const char *workflow_stage_status(const char *s);

/* The case's current stage: its "stage" member, or "registered". Cannot fail. */
const char *workflow_stage_of(const struct case_record *c);

/*
 * A change to one case, what the domain functions below are given besides
 * the session (its transaction s->t, its day and its investigator s->who)
 * and the case. Members a function does not use are NULL or 0.
 */
struct workflow_change {
	const char *stage;       /* workflow_stage: the stage to move to */
	const char *to;          /* ... for 转办/交办, the body it goes to */
	unsigned days;           /* ... for 交办, its working days (0: the default) */
	const char *mark;        /* workflow_mark: the mark, */
	const char *value;       /* ... its value, */
	const char *approved_by; /* ... who approved it (escalation), */
	int clear;               /* ... or remove it */
	const char *note;        /* a note sealed with the change (the note of add_note) */
	size_t note_len;
	const struct keyfile_public *pub; /* the district's public key, to seal the note */
};

/*
 * The domain functions change case c (loaded from s->t by the caller, see
 * session_load) and store it in s->t with everything else the change
 * writes; on success c is what is stored. On failure they say why in err
 * (one line) and the caller aborts s->t and frees c, which may then hold
 * part of the change.
 */

/*
 * Moves c to ch->stage: records {"day","by","event":"stage","stage","from"}
 * in its history (with "note":n when ch->note is given, stored as
 * workflow_add_note does) and, when the mapped status differs from c's,
 * sets the status, adds "status" and "sent_seq":0 to the event and queues a
 * status operation (*queued = 1; otherwise 0). The handoff stages 转办
 * (transferred_down, status transferred) and 交办 (assigned, status
 * in_progress) need ch->to, the body (UTF-8 text without control
 * characters, 1 to 200 bytes), and record "to" and "days" in the event: 5
 * for 转办 (ch->days must be 0), ch->days or WORKFLOW_ASSIGN_DAYS when 0 for
 * 交办 (admin/deadline.h counts the lower body's time from it); other
 * stages refuse ch->to. Fails (-1) on: an unknown stage, a handoff without
 * or another stage with to, a bad to or days, the stage unchanged, a note
 * that is empty, too long or not UTF-8, no public key for a note, by or day
 * too long for the record (or out of memory), archive failure.
 */
int workflow_stage(struct session *s, struct case_record *c, const struct workflow_change *ch,
                   int *queued, char *err, size_t errsz);

/*
 * True (1) for the stages that hand a case to a lower body: transferred_down,
 * assigned; 0 otherwise (also NULL). Cannot fail.
 */
int workflow_handoff_stage(const char *stage);

/* Parses a number of working days, 1 to WORKFLOW_DAYS_MAX. Returns 0 with *days, or -1. */
int workflow_parse_days(const char *s, unsigned *days);

/*
 * Sets or clears c's mark ch->mark (with ch->value, ch->approved_by, ch->clear):
 *   "realname" pending|verified|impersonated   实名待核实 / 实名已核实 / 冒名
 *              (only for a report with an identity block)
 *   "duplicate-of" CASE                        重复件: the same matter as CASE
 *              (an existing other case that is not itself a duplicate; CASE
 *              keeps the back-link in "duplicated_by")
 *   "upper-level" (no value)                   属上级管辖: must reach stage
 *              transferred_up within 5 working days
 *   "escalation" raise|designate               提级管辖 / 指定管辖, approved_by required
 *   "finding" mistaken|false-accusation        错告 / 诬告陷害 (only at stage closed or
 *              concluded)
 *   "supervise" [DAYS]                         督办: the lower body a 转办/交办 case
 *              went to must report within DAYS working days (default 10)
 *   "reported" (no value)                      已反馈: the lower body reported
 *              (meets the open 转办/交办/督办 deadlines)
 * supervise and reported need a 转办 or 交办 in the history and are events:
 * setting them again records them again (the mark keeps the latest).
 * With clear, removes the mark (value and approved_by must be NULL). Records
 * {"day","by","event":"mark","mark",...} in the history (a note as for
 * workflow_stage). Never queues anything. Returns 0, or -1 with a one-line
 * reason in err (unknown mark or value, a condition above not met, nothing
 * changed, by or day too long for the record or out of memory, archive
 * failure).
 */
int workflow_mark(struct session *s, struct case_record *c, const struct workflow_change *ch,
                  char *err, size_t errsz);

/* The Chinese label of a mark ("realname") or of a mark's value ("verified"), or NULL. Cannot fail. */
const char *workflow_mark_label(const char *mark, const char *value);

/*
 * Adds investigator note n (ch->note, ch->note_len) to c: the manifest
 * {"v":1,"kind":"note","district","case":index,"body"} sealed to ch->pub's
 * box_pk and stored in the archive's notes, {"n","day","by"} appended to
 * c's "notes" and {"day","by","event":"note","n"} to its history. The body
 * must be UTF-8, 1 to WORKFLOW_NOTE_MAX bytes. Returns 0 with *n set, or -1
 * (*n = 0) with a reason in err (a bad body, no pub or pub of another
 * district, by or day too long for the record, out of memory, sealing or
 * archive failure). The plaintext manifest is wiped.
 */
int workflow_add_note(struct session *s, struct case_record *c, const struct workflow_change *ch,
                      uint32_t *n, char *err, size_t errsz);

/*
 * Appends {"day","by","event":"forward","to","attachments":natts} to c's
 * history (the caller stores c). to must be UTF-8 text without control
 * characters, 1 to 200 bytes. Returns 0, or -1 with a reason in err (a bad
 * to, c unchanged; out of memory, a full history, day or by too long).
 */
int workflow_record_forward(struct case_record *c, const char *to, size_t natts, const char *by,
                            const char *day, char *err, size_t errsz);

/*
 * Prints what a history event of a handoff adds (", to BODY, within N
 * working days": a 转办/交办 stage event's "to" and "days", a 督办 mark
 * event's "days"); nothing for other events. Cannot fail.
 */
void workflow_print_handoff(FILE *out, const struct case_event *ev);

/*
 * True (1) when a report manifest carries an identity block: "identity" is
 * an object with at least one non-empty string member; 0 otherwise. Cannot
 * fail.
 */
int workflow_manifest_real_name(const json_t *manifest);

/*
 * Records whether the case's report carries an identity block. Returns
 * ARCHIVE_OK or an error of archive_case_load / archive_case_store.
 */
int workflow_set_real_name(struct archive_txn *t, const char *district, uint64_t index,
                           int real_name);

/*
 * True (1) when the real-name deadlines apply to the case: its report
 * carries an identity block and it is not marked realname impersonated.
 * Cannot fail.
 */
int workflow_real_name_applies(const struct case_record *c);

/*
 * The commands stage CASE STAGE, mark CASE MARK [VALUE] and note CASE
 * (--message | --file) (--by is the session's who): check their arguments
 * (an unknown stage or mark lists the known ones), load the district's
 * public key when a note is given, make the change and its access-log line
 * in one transaction, and print what was recorded. Return CLI_EXIT_OK or
 * CLI_EXIT_USER (said why; nothing changed).
 */
int workflow_stage_command(struct session *s, const struct session_args *o);
int workflow_mark_command(struct session *s, const struct session_args *o);
int workflow_note_command(struct session *s, const struct session_args *o);

/*
 * The stage's name ("accepted") for its name or its Chinese label ("受理"),
 * or NULL when s is neither. Cannot fail.
 */
const char *workflow_stage_canon(const char *s);

/* The mark's name for its name or Chinese label ("重复件"), or NULL. Cannot fail. */
const char *workflow_mark_canon(const char *mark);

/*
 * A mark's value for its value or Chinese label ("实名已核实" -> "verified");
 * anything else (a case name, an unknown word) comes back as it is, for
 * workflow_mark to judge. Cannot fail.
 */
const char *workflow_mark_value_canon(const char *mark, const char *value);

#endif
