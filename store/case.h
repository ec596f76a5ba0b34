/*
 * case: the archive's case record (store/archive.h, "Case record") as a C
 * struct. case_decode reads the stored JSON once and checks every member it
 * knows; case_encode writes it back. Members this version does not know
 * (a later tool's) are kept as they were and written back unchanged, so the
 * stored format stays the version 1 JSON every earlier archive holds: no
 * migration. Code above the store reads and edits cases only through this
 * struct; the archive owns the JSON.
 *
 * Strings are fixed buffers: a stored string longer than its buffer is a
 * corrupt record, never truncated. No secrets live here (lookup, reply_pk
 * and sign_pk are what the district already stores in clear).
 */
#ifndef QF_STORE_CASE_H
#define QF_STORE_CASE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/codec.h"

/* A day "YYYY-MM-DD" and its NUL. */
#define CASE_DAY_BUF (CODEC_DAY_LEN + 1)
/* A word of a closed list (a status, stage, mark, mark value, event kind). */
#define CASE_WORD_BUF 32
/* A person or body: "by", "to", "approved_by" (at most 255 bytes of UTF-8). */
#define CASE_TEXT_BUF 256
/* A case name "<district>-<index>" (duplicate-of, duplicated_by). */
#define CASE_NAME_BUF (CODEC_DISTRICT_BUF + 21)
/* Most follow-ups, replies, notes, history events and back-links one case holds. */
#define CASE_LIST_MAX 100000

/* "Absent" for the optional integers below. */
#define CASE_NONE (-1)

/* The marks of admin/workflow.h, in the order their names are listed in MARK_NAMES. */
enum case_mark_id {
	CASE_MARK_REALNAME,     /* "realname": value pending|verified|impersonated */
	CASE_MARK_DUPLICATE_OF, /* "duplicate-of": case_name */
	CASE_MARK_UPPER_LEVEL,  /* "upper-level": no value */
	CASE_MARK_ESCALATION,   /* "escalation": value raise|designate, approved_by */
	CASE_MARK_FINDING,      /* "finding": value mistaken|false-accusation */
	CASE_MARK_SUPERVISE,    /* "supervise": days */
	CASE_MARK_REPORTED,     /* "reported": no value */
	CASE_MARK_COUNT
};

/* One mark as it stands (set = 0: not marked). */
struct case_mark {
	int set;
	char value[CASE_WORD_BUF];       /* "" when the mark has none */
	char case_name[CASE_NAME_BUF];   /* duplicate-of */
	char approved_by[CASE_TEXT_BUF]; /* escalation */
	int64_t days;                    /* supervise; CASE_NONE otherwise */
	char day[CASE_DAY_BUF];
	char by[CASE_TEXT_BUF];
	json_t *rest; /* members not known here, or NULL */
};

/*
 * One history event {"day","by","event",...}. event is "received",
 * "status", "stage", "mark", "note", "reply" or "forward" (or a later
 * tool's word); each kind fills its own members, the rest stay "" or
 * CASE_NONE.
 */
struct case_event {
	char day[CASE_DAY_BUF];
	char by[CASE_TEXT_BUF];
	char event[CASE_WORD_BUF];
	char stage[CASE_WORD_BUF];     /* stage event: the new stage */
	char mark[CASE_WORD_BUF];      /* mark event: the mark's name */
	int cleared;                   /* mark event: the mark was removed */
	char status[CASE_WORD_BUF];    /* status/stage/received: the new status */
	char from[CASE_WORD_BUF];      /* status or stage event: the one before */
	char case_name[CASE_NAME_BUF]; /* mark duplicate-of */
	char value[CASE_WORD_BUF];     /* mark event: the value */
	char to[CASE_TEXT_BUF];        /* handoff stage, forward: the body */
	char approved_by[CASE_TEXT_BUF];
	int64_t days;        /* handoff stage, supervise mark */
	int64_t attachments; /* forward */
	int64_t n;           /* reply and note events: the reply's or note's n */
	int64_t note;        /* stage and mark events: the note written with it */
	int64_t sent_seq;    /* status-changing events: the update that carried it, 0 not yet */
	json_t *rest;
};

/* One follow-up of the case (its chain index). */
struct case_followup {
	uint64_t index;
	char day[CASE_DAY_BUF];
	char quarantine[CASE_TEXT_BUF]; /* the reason when quarantined, else "" */
	int objection;
	json_t *rest;
};

/* One reply written to the reporter. */
struct case_reply {
	uint32_t n;
	char day[CASE_DAY_BUF];
	char by[CASE_TEXT_BUF];
	char status[CASE_WORD_BUF];
	int64_t sent_seq;
	json_t *rest;
};

/* One investigator note (its text is sealed in the archive's notes). */
struct case_note {
	uint32_t n;
	char day[CASE_DAY_BUF];
	char by[CASE_TEXT_BUF];
	json_t *rest;
};

/*
 * The district's last signed statement on the case (DESIGN.md §15) as the
 * update that issued it recorded it (set = 0: none yet).
 */
struct case_statement {
	int set;
	uint64_t seq; /* the update that carried it */
	char status[CASE_WORD_BUF];
	char status_day[CASE_DAY_BUF];
	uint64_t replies, followups_verified;
	json_t *rest;
};

/* A case record. Lists are malloc'd arrays; case_free releases them. */
struct case_record {
	char district[CODEC_DISTRICT_BUF];
	uint64_t index;
	uint64_t number; /* 件号, 0 when none */
	uint8_t lookup[32];
	uint8_t reply_pk[32];
	int has_sign_pk;
	uint8_t sign_pk[32];
	char day[CASE_DAY_BUF]; /* of the report */
	char status[CASE_WORD_BUF];
	char stage[CASE_WORD_BUF];      /* "" when never set: registered */
	char quarantine[CASE_TEXT_BUF]; /* the reason when quarantined, else "" */
	int real_name;                  /* 1, 0, or CASE_NONE when never recorded */
	struct case_mark marks[CASE_MARK_COUNT];
	json_t *marks_rest; /* marks of a later tool, or NULL */
	int seen_set;
	uint64_t seen_through;
	char seen_day[CASE_DAY_BUF];
	char seen_by[CASE_TEXT_BUF];
	struct case_statement statement;
	struct case_event *history;
	size_t nhistory;
	struct case_followup *followups;
	size_t nfollowups;
	struct case_reply *replies;
	size_t nreplies;
	struct case_note *notes;
	size_t nnotes;
	char (*duplicated_by)[CASE_NAME_BUF];
	size_t nduplicated_by;
	json_t *rest; /* top-level members not known here, or NULL */
};

/* The name of mark m ("duplicate-of"), or NULL past the last. Cannot fail. */
const char *case_mark_name(enum case_mark_id m);

/* The mark id of a name, or CASE_MARK_COUNT when it names none. Cannot fail. */
enum case_mark_id case_mark_id(const char *name);

/*
 * Reads a stored case record into c (which it first clears). Returns 0, or
 * -1 when rec is not a version 1 case record (a required member missing or
 * of the wrong type, a string longer than its buffer, a list longer than
 * CASE_LIST_MAX) or memory runs out; c is then empty (case_free is safe).
 */
int case_decode(const json_t *rec, struct case_record *c);

/*
 * The stored JSON of c: the members it knows in a fixed order, then the
 * unknown ones kept by case_decode. Returns a new reference, or NULL when
 * memory runs out.
 */
json_t *case_encode(const struct case_record *c);

/*
 * One history event as stored (its known members in a fixed order, then the
 * kept ones): for showing an event of a later tool's kind. Returns a new
 * reference, or NULL when memory runs out.
 */
json_t *case_encode_event(const struct case_event *e);

/*
 * The i-th mark of a later tool (kept in marks_rest, in stored order): fills
 * *m (set, its rest NULL; members it does not hold "" or CASE_NONE) and
 * returns its name, borrowed from c. Returns NULL past the last. Cannot fail
 * otherwise.
 */
const char *case_mark_other(const struct case_record *c, size_t i, struct case_mark *m);

/* Releases c's lists and kept members and clears it. Safe on a cleared c. Cannot fail. */
void case_free(struct case_record *c);

/*
 * Appends a cleared event (days, attachments, n, note, sent_seq CASE_NONE)
 * with day, by and event set to c's history. Returns it, or NULL when
 * memory runs out, the history is full or a string does not fit.
 */
struct case_event *case_add_event(struct case_record *c, const char *day, const char *by,
                                  const char *event);

/* Appends a cleared follow-up, reply or note. Each returns it, or NULL (memory, full). */
struct case_followup *case_add_followup(struct case_record *c);
struct case_reply *case_add_reply(struct case_record *c);
struct case_note *case_add_note(struct case_record *c);

/* Appends a back-link name to duplicated_by. Returns 0, or -1 (memory, full, too long). */
int case_add_duplicated_by(struct case_record *c, const char *name);

/*
 * Copies s into the fixed buffer dst of size n. Returns 0, or -1 (dst
 * untouched) when s is NULL or does not fit. Cannot fail otherwise.
 */
int case_set(char *dst, size_t n, const char *s);

/* case_set into an array member: CASE_SET(ev->to, to). */
#define CASE_SET(dst, s) case_set((dst), sizeof(dst), (s))

#endif
