/*
 * archive: the offline archive of the district investigator's tool
 * (DESIGN.md §12), an LMDB environment in a directory on the offline machine.
 * It holds, per district, the last verified head of the hash chain, every
 * ingested entry exactly as received (still encrypted), the case records,
 * the queue of outgoing operations not yet put in an update, the replies
 * sent (each sealed to the reporter and to the district itself), and an
 * access log. No plaintext of a report, follow-up or reply is ever written.
 *
 * The archive enforces its own invariants on every write: an entry is
 * accepted only if it extends the verified head exactly (index = size + 1,
 * H256(envelope) = envelope_hash, chain_next(head, ...) = chain); one that
 * is already held is skipped when identical and refused when it differs;
 * a follow-up must belong to a case of the district and a report needs an
 * unused lookup, unless the entry comes quarantined (DESIGN.md §10: its chain
 * verifies, its content does not; it is kept and acknowledged all the same);
 * an update's seq is the last one plus one. Every change happens inside a write transaction that
 * commits whole (synced to disk) or not at all.
 *
 * Layout (named databases):
 *   meta       "version"                       -> u32be(1)
 *   districts  id                               -> JSON district record (below)
 *   entries    id NUL u64be(index)              -> ver(1) kind(1) lookup(32)
 *                                                  envelope_hash(32) chain(32)
 *                                                  day(10) has_reply_pk(1)
 *                                                  reply_pk(32) envelope(rest)
 *   lookups    id NUL lookup(32)                -> u64be(index of the report)
 *   cases      id NUL u64be(index)              -> JSON case record (below)
 *   outbox     id NUL u64be(op number)          -> JSON queued operation
 *   replies    id NUL u64be(case) u32be(n) u8(w) -> envelope bytes; w = 0 sealed to
 *                                                  the reporter, 1 to the district
 *   access     u64be(n)                         -> JSON access log line
 *   notes      id NUL u64be(case) u32be(n)      -> envelope of investigator note n,
 *                                                  sealed to the district
 *   quarantine id NUL u64be(index)              -> JSON {"v":1,"index","kind","day",
 *                                                  "reason"}: an entry whose chain
 *                                                  verifies but whose content does
 *                                                  not (DESIGN.md §10)
 *   numbers    id NUL u64be(number)             -> u64be(index of the case): the 件号
 *
 * District record: {"v":1,"id","size","head":b64u,"server_sign_pk":b64u|null,
 *   "key_path":str|null,"seq","acks_through","next_op"} and, once an export
 *   said it, "applied_seq" (absent: 0), and "numbered": the last 件号 given.
 * 件号 (case number): every case record gets "number", the district's
 *   next 件号 (1, 2, 3, ... without gaps: follow-ups and quarantined reports
 *   that reuse a lookup take chain indices but make no case), when its report
 *   is ingested; the numbers table maps it back to the index. It never
 *   changes (archive_case_put refuses another) and a replayed entry gives
 *   none. archive_open numbers an archive made before 件号 existed: a
 *   district record without "numbered" has its cases numbered 1..n in index
 *   (chain) order, in the open's own write transaction.
 * Quarantine (§10): every quarantined entry is in entries like any other
 *   (the chain, the head and acks_through move on over it) and has a
 *   quarantine record with the reason. A quarantined report whose lookup was
 *   unused gets a case record with "quarantine":reason (so its later
 *   follow-ups are quarantined as of a quarantined case); one that reuses a
 *   lookup gets none. A quarantined follow-up of a case is in that case's
 *   "followups" with "quarantine":reason; one of no case is in no case.
 * Case record (version 1; later versions may add members, readers ignore
 * members they do not know): {"v":1,"district","index","lookup":b64u,
 *   "reply_pk":b64u,"day","status","history":[{"day","by","event",...}],
 *   "number","followups":[{"index","day"[,"quarantine"][,"objection":true]}],
 *   "replies":[{"n","day",
 *   "by","status","sent_seq"}]}, and from ingest "sign_pk":b64u (the
 *   report's bind.sign_pk, DESIGN.md §6: it verifies the case's follow-ups;
 *   present only for a report whose sealed bind matched the exported lookup
 *   and reply_pk, so then "reply_pk" is the key the report bound; a case
 *   without it cannot be answered) or "quarantine":reason. The archive
 *   creates it on a report's ingest with status "received" and one history
 *   event {"day","by":"server","event":"received"},
 *   and appends each follow-up; everything else is the caller's to edit.
 *   The investigator's workflow (DESIGN.md §13, admin/workflow.h) adds
 *   members to the same version 1 record; a record without them reads as
 *   their default: "real_name":bool (the report carries an identity block;
 *   set at ingest), "stage" (default "registered"), "marks":{"realname":
 *   {"value","day","by"},"duplicate-of":{"case","day","by"},"upper-level":
 *   {"day","by"},"escalation":{"value","approved_by","day","by"},"finding":
 *   {"value","day","by"}}, "duplicated_by":[case names], "notes":[{"n","day",
 *   "by"}] (the text lives sealed in the notes database), and history events
 *   "stage", "mark", "note" and "forward"; "seen":{"through","day","by"} (the
 *   last show: the highest index of the report and its follow-ups then).
 *   None of it is ever put in an update. From update: "statement":{"seq",
 *   "status","status_day","replies","followups_verified"}, the last signed
 *   case statement (DESIGN.md §15) and the update that carried it.
 * Queued operation: {"v":1,"op":"status","case":N,"status":S} or
 *   {"v":1,"op":"reply","case":N,"n":R}.
 * Access log line: {"v":1,"day","user","command","case"}.
 */
#ifndef QF_STORE_ARCHIVE_H
#define QF_STORE_ARCHIVE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/codec.h"
#include "store/case.h"

#define ARCHIVE_SCHEMA   1
#define ARCHIVE_PATH_MAX 4096

enum archive_err {
	ARCHIVE_OK = 0,
	ARCHIVE_SKIPPED = 1,        /* archive_entry_add: already held, identical */
	ARCHIVE_ERR_NOT_FOUND = -1, /* no archive, district, entry, case or reply */
	ARCHIVE_ERR_EXISTS = -2,    /* district or lookup already present */
	ARCHIVE_ERR_ORDER = -3,     /* entry index is not size + 1 (a gap) */
	ARCHIVE_ERR_CHAIN = -4,     /* envelope hash or chain value does not match: tampering */
	ARCHIVE_ERR_CASE = -5,      /* follow-up for an unknown lookup, or a report reusing one */
	ARCHIVE_ERR_SEQ = -6,       /* update seq is not the last seq + 1, or acks beyond size */
	ARCHIVE_ERR_CORRUPT = -7,   /* a stored record does not decode */
	ARCHIVE_ERR_IO = -8,        /* LMDB or the file system failed */
	ARCHIVE_ERR_FULL = -9,      /* the map or the disk is full */
	ARCHIVE_ERR_ARG = -10,      /* invalid argument (id, day, kind, lengths, record shape) */
	ARCHIVE_ERR_NOMEM = -11,    /* allocation failed */
	ARCHIVE_ERR_RDONLY = -12    /* a write in a read transaction */
};

/* Human message for an error code. Never NULL. */
const char *archive_strerror(int err);

struct archive;
struct archive_txn;

/* One district's state. */
struct archive_district {
	char id[CODEC_DISTRICT_BUF];
	uint64_t size;     /* last verified index (0: nothing ingested) */
	uint8_t head[32];  /* chain value at size (zeros when size is 0) */
	int has_server_pk; /* a server signing key is pinned */
	uint8_t server_pk[32];
	char key_path[ARCHIVE_PATH_MAX]; /* district.key path, "" when unknown */
	uint64_t seq;                    /* last update seq written (0: none) */
	uint64_t acks_through;           /* acks_through of the last update written */
	uint64_t applied_seq; /* highest seq the server said it applied (last export, §15) */
};

/* One ingested entry of the chain. */
struct archive_entry {
	uint64_t index;
	int kind; /* CHAIN_KIND_REPORT or CHAIN_KIND_FOLLOWUP */
	uint8_t lookup[32];
	uint8_t envelope_hash[32];
	uint8_t chain[32];
	char day[CODEC_DAY_LEN + 1];
	int has_reply_pk; /* reports only */
	uint8_t reply_pk[32];
	/*
	 * archive_entry_add of a report: with has_real_name, the new case
	 * record gets "real_name":real_name (0 or 1) when it is first written,
	 * exactly the record a later set of that member would write. Not kept
	 * in the entry itself: archive_entry_get leaves both 0.
	 */
	int has_real_name;
	int real_name;
	/*
	 * archive_entry_add of a clean report: with has_sign_pk, the case
	 * record keeps "sign_pk" (the report's bind.sign_pk, which verifies
	 * its follow-ups). Not kept in the entry; archive_entry_get leaves 0.
	 */
	int has_sign_pk;
	uint8_t sign_pk[32];
	/*
	 * archive_entry_add: the reason the entry is quarantined (§10), or
	 * NULL for a clean one. A quarantined entry is stored and extends the
	 * chain like any other; it gets a quarantine record {"v":1,"index",
	 * "kind","day","reason"}; a quarantined report gets a case record with
	 * "quarantine":reason when its lookup is unused (none when a case holds
	 * it already), a quarantined follow-up is appended to its case with
	 * "quarantine":reason when there is one. archive_entry_get leaves NULL.
	 */
	const char *quarantine;
	/*
	 * archive_entry_add of a clean follow-up: with objection, its item in
	 * the case's "followups" carries "objection":true (the reporter's
	 * purpose, DESIGN.md §6, as ingest read it). archive_entry_get leaves 0.
	 */
	int objection;
	const uint8_t *envelope; /* from archive_entry_get: valid until the txn ends */
	size_t envelope_len;
};

/*
 * Opens the archive in directory dir. With create, makes dir (mode 0700) if
 * it does not exist and a new environment in it; without, an absent archive
 * is ARCHIVE_ERR_NOT_FOUND and nothing is created. An archive made before
 * 件号 gets them here (see the layout above), or does not open. Returns ARCHIVE_OK with
 * *out set, ARCHIVE_ERR_NOT_FOUND, ARCHIVE_ERR_IO (errno set where the file
 * system said why), ARCHIVE_ERR_CORRUPT (another schema version) or
 * ARCHIVE_ERR_NOMEM.
 */
int archive_open(struct archive **out, const char *dir, int create);

/* Closes the environment; NULL is fine. Transactions must have ended. Cannot fail. */
void archive_close(struct archive *a);

/*
 * Deletes the archive in dir (its LMDB files), and dir itself when rmdir_dir
 * and it is then empty: undoes an archive_open(create) whose first use was
 * refused. The archive must be closed. Fails silently: whatever cannot be
 * removed (out of memory, permissions) stays.
 */
void archive_remove(const char *dir, int rmdir_dir);

/*
 * Starts a transaction, a write one when write is non-zero (one at a time).
 * Returns ARCHIVE_OK with *out set, ARCHIVE_ERR_IO or ARCHIVE_ERR_NOMEM.
 */
int archive_begin(struct archive *a, int write, struct archive_txn **out);

/*
 * Commits (a write transaction is synced to disk before this returns) and
 * frees the transaction. Returns ARCHIVE_OK, ARCHIVE_ERR_FULL or
 * ARCHIVE_ERR_IO; the transaction is gone either way and, on failure,
 * nothing of it was written.
 */
int archive_commit(struct archive_txn *t);

/* Discards and frees the transaction; NULL is fine. Cannot fail. */
void archive_abort(struct archive_txn *t);

/* ---- districts --------------------------------------------------------- */

/*
 * Reads district id. Returns ARCHIVE_OK, ARCHIVE_ERR_NOT_FOUND,
 * ARCHIVE_ERR_ARG (invalid id) or ARCHIVE_ERR_CORRUPT.
 */
int archive_district_get(struct archive_txn *t, const char *id, struct archive_district *d);

/*
 * Adds district id with size 0, the zero head, no server key and seq 0.
 * Returns ARCHIVE_OK, ARCHIVE_ERR_EXISTS, ARCHIVE_ERR_ARG, ARCHIVE_ERR_RDONLY,
 * ARCHIVE_ERR_FULL or ARCHIVE_ERR_IO.
 */
int archive_district_create(struct archive_txn *t, const char *id);

/*
 * Remembers the district key file's path (at most ARCHIVE_PATH_MAX - 1
 * bytes). Returns ARCHIVE_OK, ARCHIVE_ERR_NOT_FOUND, ARCHIVE_ERR_ARG or a
 * write error as above.
 */
int archive_district_set_key_path(struct archive_txn *t, const char *id, const char *path);

/*
 * Records the highest update seq the server says it applied (the export
 * header's applied_seq, §15). Returns as archive_district_set_key_path.
 */
int archive_district_set_applied(struct archive_txn *t, const char *id, uint64_t applied_seq);

/*
 * Pins (or re-pins) the server's signing key for district id. Returns as
 * archive_district_set_key_path.
 */
int archive_district_set_server_key(struct archive_txn *t, const char *id, const uint8_t pk[32]);

/*
 * Calls fn for every district in id order; a non-zero return from fn stops
 * and is returned. Otherwise returns ARCHIVE_OK, ARCHIVE_ERR_CORRUPT or
 * ARCHIVE_ERR_IO.
 */
int archive_district_foreach(struct archive_txn *t,
                             int (*fn)(void *ctx, const struct archive_district *d), void *ctx);

/* ---- entries ----------------------------------------------------------- */

/*
 * Adds one verified entry to district id. For index <= size: returns
 * ARCHIVE_SKIPPED when the held entry is identical (kind, lookup, day,
 * envelope_hash, chain, envelope), ARCHIVE_ERR_CHAIN when it differs. For
 * index = size + 1: checks H256(envelope) = envelope_hash and chain =
 * chain_next(head, ...) (ARCHIVE_ERR_CHAIN otherwise); a report needs a
 * reply_pk and a lookup not yet used in the district (ARCHIVE_ERR_CASE) and
 * creates its case; a follow-up needs the lookup of one of the district's
 * cases (ARCHIVE_ERR_CASE) and is appended to it; then size and head move on
 * and ARCHIVE_OK is returned. A report's case record carries "real_name"
 * when e->has_real_name says so; has_real_name and real_name play no part
 * in the comparison with a held entry. An index beyond size + 1 is ARCHIVE_ERR_ORDER.
 * Also ARCHIVE_ERR_NOT_FOUND (no district), ARCHIVE_ERR_ARG (index 0, bad
 * kind or day, empty envelope), ARCHIVE_ERR_RDONLY, ARCHIVE_ERR_FULL,
 * ARCHIVE_ERR_IO, ARCHIVE_ERR_CORRUPT, ARCHIVE_ERR_NOMEM. On an error the
 * transaction may hold part of the change: the caller aborts it.
 */
int archive_entry_add(struct archive_txn *t, const char *id, const struct archive_entry *e);

/*
 * Reads the quarantine record of entry index of district id. Returns
 * ARCHIVE_OK with *rec a new reference, ARCHIVE_ERR_NOT_FOUND (the entry is
 * not quarantined), ARCHIVE_ERR_ARG or ARCHIVE_ERR_CORRUPT.
 */
int archive_quarantine_get(struct archive_txn *t, const char *id, uint64_t index, json_t **rec);

/*
 * Calls fn for every quarantine record (of district id, or of all when id
 * is NULL) in (district, index) order; rec is borrowed. A non-zero return
 * from fn stops and is returned; otherwise ARCHIVE_OK, ARCHIVE_ERR_CORRUPT
 * or ARCHIVE_ERR_IO.
 */
int archive_quarantine_foreach(struct archive_txn *t, const char *id,
                               int (*fn)(void *ctx, const char *id, const json_t *rec), void *ctx);

/*
 * Reads entry index of district id; e->envelope points into the map and is
 * valid until the transaction ends. Returns ARCHIVE_OK, ARCHIVE_ERR_NOT_FOUND,
 * ARCHIVE_ERR_ARG or ARCHIVE_ERR_CORRUPT.
 */
int archive_entry_get(struct archive_txn *t, const char *id, uint64_t index,
                      struct archive_entry *e);

/*
 * The chain value after index (zeros for 0) as held: *out. Returns
 * ARCHIVE_OK, ARCHIVE_ERR_NOT_FOUND (index beyond size) or an error of
 * archive_entry_get.
 */
int archive_chain_at(struct archive_txn *t, const char *id, uint64_t index, uint8_t out[32]);

/* ---- cases ------------------------------------------------------------- */

/*
 * Reads the case of district id whose report has index. Returns ARCHIVE_OK
 * with *rec a new reference, ARCHIVE_ERR_NOT_FOUND, ARCHIVE_ERR_ARG,
 * ARCHIVE_ERR_CORRUPT (not a version 1 case object) or ARCHIVE_ERR_NOMEM.
 */
int archive_case_get(struct archive_txn *t, const char *id, uint64_t index, json_t **rec);

/*
 * Replaces the record of an existing case. The record must be a version 1
 * case object of that district and index whose lookup and 件号 ("number")
 * are unchanged (ARCHIVE_ERR_ARG otherwise). Returns ARCHIVE_OK, ARCHIVE_ERR_NOT_FOUND,
 * ARCHIVE_ERR_ARG, ARCHIVE_ERR_RDONLY, ARCHIVE_ERR_FULL, ARCHIVE_ERR_IO or
 * ARCHIVE_ERR_NOMEM.
 */
int archive_case_put(struct archive_txn *t, const char *id, uint64_t index, const json_t *rec);

/*
 * Finds the case of district id with lookup. Returns ARCHIVE_OK with *index
 * set, ARCHIVE_ERR_NOT_FOUND, ARCHIVE_ERR_ARG or ARCHIVE_ERR_CORRUPT.
 */
int archive_case_find(struct archive_txn *t, const char *id, const uint8_t lookup[32],
                      uint64_t *index);

/*
 * Finds the case of district id whose 件号 (its "number") is number.
 * Returns ARCHIVE_OK with *index set, ARCHIVE_ERR_NOT_FOUND (no such number,
 * 0 included), ARCHIVE_ERR_ARG (invalid id) or ARCHIVE_ERR_CORRUPT.
 */
int archive_case_by_number(struct archive_txn *t, const char *id, uint64_t number, uint64_t *index);

/*
 * Calls fn for every case (of district id, or of all districts when id is
 * NULL) in (district, index) order; rec is borrowed for the call. A non-zero
 * return from fn stops and is returned; otherwise ARCHIVE_OK,
 * ARCHIVE_ERR_CORRUPT, ARCHIVE_ERR_IO or ARCHIVE_ERR_NOMEM.
 */
int archive_case_foreach(struct archive_txn *t, const char *id,
                         int (*fn)(void *ctx, const char *id, uint64_t index, const json_t *rec),
                         void *ctx);

/*
 * The typed forms of the three above (store/case.h): code above the store
 * uses these and never the record's JSON (tests/integration/layers.sh
 * checks admin/); the JSON forms are for store/ itself and its tests.
 *
 * archive_case_load reads and decodes case index of district id into c
 * (case_free it). Returns ARCHIVE_OK, or an error of archive_case_get
 * (ARCHIVE_ERR_CORRUPT also when the record does not decode); c is then
 * empty.
 */
int archive_case_load(struct archive_txn *t, const char *id, uint64_t index, struct case_record *c);

/*
 * Encodes c and replaces its stored record (c->district, c->index), with
 * archive_case_put's checks. Returns ARCHIVE_OK, ARCHIVE_ERR_NOMEM or an
 * error of archive_case_put.
 */
int archive_case_store(struct archive_txn *t, const struct case_record *c);

/*
 * archive_case_foreach with each record decoded; c is borrowed for the call.
 * Returns fn's non-zero return, ARCHIVE_OK, or archive_case_foreach's errors
 * (ARCHIVE_ERR_CORRUPT also when a record does not decode).
 */
int archive_case_each(struct archive_txn *t, const char *id,
                      int (*fn)(void *ctx, const struct case_record *c), void *ctx);

/* ---- outgoing operations and replies ----------------------------------- */

/*
 * Appends a queued operation (a JSON object with "op" "status" or "reply"
 * and an integer "case" naming an existing case; borrowed, its "v" is set to 1) to
 * district id's outbox. Returns ARCHIVE_OK, ARCHIVE_ERR_NOT_FOUND (district
 * or case), ARCHIVE_ERR_ARG (shape), ARCHIVE_ERR_RDONLY, ARCHIVE_ERR_FULL,
 * ARCHIVE_ERR_IO or ARCHIVE_ERR_NOMEM.
 */
int archive_outbox_add(struct archive_txn *t, const char *id, json_t *op);

/*
 * Calls fn for district id's queued operations in the order they were
 * queued; op is borrowed for the call. A non-zero return from fn stops and
 * is returned; otherwise ARCHIVE_OK, ARCHIVE_ERR_CORRUPT or ARCHIVE_ERR_IO.
 */
int archive_outbox_foreach(struct archive_txn *t, const char *id,
                           int (*fn)(void *ctx, uint64_t opno, const json_t *op), void *ctx);

/* Number of queued operations of district id in *n. Returns ARCHIVE_OK or ARCHIVE_ERR_IO. */
int archive_outbox_count(struct archive_txn *t, const char *id, uint64_t *n);

#define ARCHIVE_REPLY_TO_REPORTER 0
#define ARCHIVE_REPLY_TO_DISTRICT 1

/*
 * Stores reply n of case index of district id, sealed for whom
 * (ARCHIVE_REPLY_TO_*). Refuses to replace one (ARCHIVE_ERR_EXISTS). Returns
 * ARCHIVE_OK, ARCHIVE_ERR_EXISTS, ARCHIVE_ERR_NOT_FOUND (case),
 * ARCHIVE_ERR_ARG, ARCHIVE_ERR_RDONLY, ARCHIVE_ERR_FULL or ARCHIVE_ERR_IO.
 */
int archive_reply_put(struct archive_txn *t, const char *id, uint64_t index, uint32_t n, int whom,
                      const uint8_t *env, size_t len);

/*
 * Reads a stored reply envelope; *env points into the map until the
 * transaction ends. Returns ARCHIVE_OK, ARCHIVE_ERR_NOT_FOUND or
 * ARCHIVE_ERR_ARG.
 */
int archive_reply_get(struct archive_txn *t, const char *id, uint64_t index, uint32_t n, int whom,
                      const uint8_t **env, size_t *len);

/*
 * Stores investigator note n (>= 1) of case index of district id: an
 * envelope sealed to the district's own box_pk, so that the note's text is
 * never held in plaintext. Refuses to replace one (ARCHIVE_ERR_EXISTS).
 * Returns ARCHIVE_OK, ARCHIVE_ERR_EXISTS, ARCHIVE_ERR_NOT_FOUND (case),
 * ARCHIVE_ERR_ARG, ARCHIVE_ERR_RDONLY, ARCHIVE_ERR_FULL or ARCHIVE_ERR_IO.
 */
int archive_note_put(struct archive_txn *t, const char *id, uint64_t index, uint32_t n,
                     const uint8_t *env, size_t len);

/*
 * Reads note n of case index; *env points into the map until the
 * transaction ends. Returns ARCHIVE_OK, ARCHIVE_ERR_NOT_FOUND or
 * ARCHIVE_ERR_ARG.
 */
int archive_note_get(struct archive_txn *t, const char *id, uint64_t index, uint32_t n,
                     const uint8_t **env, size_t *len);

/*
 * Records that update seq acknowledging acks_through was written for
 * district id, and empties its outbox (the caller has put every queued
 * operation into that update and marked the cases). seq must be the last
 * seq + 1 and acks_through at most size and not below the last update's
 * (ARCHIVE_ERR_SEQ). Returns ARCHIVE_OK, ARCHIVE_ERR_SEQ,
 * ARCHIVE_ERR_NOT_FOUND, ARCHIVE_ERR_RDONLY, ARCHIVE_ERR_FULL or
 * ARCHIVE_ERR_IO.
 */
int archive_update_done(struct archive_txn *t, const char *id, uint64_t seq, uint64_t acks_through);

/* ---- access log -------------------------------------------------------- */

/*
 * Appends {"v":1,"day","user","command","case"} to the access log. Returns
 * ARCHIVE_OK, ARCHIVE_ERR_ARG (bad day, empty command, non-UTF-8 text),
 * ARCHIVE_ERR_RDONLY, ARCHIVE_ERR_FULL, ARCHIVE_ERR_IO or ARCHIVE_ERR_NOMEM.
 */
int archive_log_add(struct archive_txn *t, const char *day, const char *user, const char *command,
                    const char *case_name);

/*
 * Calls fn for every access log line in order; rec is borrowed. A non-zero
 * return from fn stops and is returned; otherwise ARCHIVE_OK,
 * ARCHIVE_ERR_CORRUPT or ARCHIVE_ERR_IO.
 */
int archive_log_foreach(struct archive_txn *t, int (*fn)(void *ctx, const json_t *rec), void *ctx);

#endif
