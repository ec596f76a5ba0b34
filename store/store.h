/*
 * store: the online server's LMDB store (DESIGN.md §8–§10). It holds only
 * ciphertext and the opaque values derived from receipts: per district the
 * hash chain and its log, the envelopes (until the district acknowledges
 * them), the cases (lookup -> auth_hash, reply_pk, status), the encrypted
 * replies, and spent proof-of-work challenges. No time finer than a day, no
 * address, nothing a request carried beyond what is listed here.
 *
 * Every write is one LMDB transaction that commits whole (and is synced to
 * disk before the call returns) or not at all. One struct store may be used
 * by several threads at once (the server reads on its event loop while the
 * group commit writes on its worker): every transaction holds a read lock
 * on the map that growing it takes for writing, since growing needs no
 * other transaction open in the process. So a store_log_foreach callback
 * must not write to the store (it would wait for itself). When the map is
 * full it grows geometrically up to map_max; beyond that writes fail with
 * STORE_ERR_FULL and nothing already stored is touched.
 *
 * Layout (named databases, all records start with a version byte):
 *   meta       "version" -> u32be schema version
 *   districts  id -> district state (size, head, acked, exported, seq, bytes)
 *   log        id NUL u64be(index) -> entry (kind, lookup, envelope_hash, day, chain)
 *   envelopes  id NUL u64be(index) -> envelope bytes (deleted when purged)
 *   cases      lookup -> case (district, index, auth_hash, reply_pk, status,
 *              days, follow-up count, last index, reply count)
 *   replies    lookup u32be(seq) -> day, envelope
 *   statements id NUL u64be(index) u64be(seq) -> the district's signed case
 *              statement of that update (§15), every one kept (§16)
 *   updates    id NUL u64be(seq) -> day applied, H256 of the update file,
 *              acks_through (§16)
 * Schema 1 also had "pow" (spent challenges); opening such a store drops it
 * and compacts the file (see store_open).
 */
#ifndef QF_STORE_STORE_H
#define QF_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/codec.h"

enum store_err {
	STORE_OK = 0,
	STORE_ERR_NOT_FOUND = -1, /* unknown lookup, or wrong auth (indistinguishable) */
	STORE_ERR_EXISTS = -2,    /* lookup already in use */
	STORE_ERR_FULL = -3,      /* the map reached map_max or the disk is full */
	STORE_ERR_QUOTA = -4,     /* the district's quota_bytes would be exceeded */
	STORE_ERR_DISTRICT = -5,  /* unknown district */
	/* -6 was "proof-of-work challenge already spent", before challenges left the store */
	STORE_ERR_CORRUPT = -7,    /* a record failed its exact-length/version decode */
	STORE_ERR_IO = -8,         /* LMDB or the file system failed otherwise */
	STORE_ERR_ARG = -9,        /* invalid argument (bad id, day, status, lengths) */
	STORE_ERR_NOMEM = -10,     /* allocation failed */
	STORE_ERR_SEQ = -11,       /* update seq not greater than every applied seq */
	STORE_ERR_ACKS = -12,      /* update acknowledges more than was exported */
	STORE_ERR_HEAD = -13,      /* update head differs from the server's chain: tampering */
	STORE_ERR_STATEMENT = -14, /* a case statement disagrees with what the server holds */
	STORE_ERR_BUSY = -15       /* a reader kept an old snapshot: free pages not all wiped */
};

/* Human message for an error code. Never NULL. */
const char *store_strerror(int err);

/* Reporter-visible statuses (DESIGN.md §9), stored as one byte. */
enum store_status {
#define QF_STATUS(name, word, zh, en) STORE_STATUS_##name,
#include "crypto/status.def"
#undef QF_STATUS
	STORE_STATUS_COUNT
};

/* The status's wire name ("received" ...), or NULL for an unknown value. */
const char *store_status_name(int status);
/* Parses a wire name. Returns the status, or -1 when name is not one. */
int store_status_parse(const char *name);

struct store_config {
	uint64_t map_initial; /* bytes; 0 means 64 MiB */
	uint64_t map_max;     /* bytes; 0 means 16 GiB */
	uint64_t quota_bytes; /* per district, envelope + reply bytes; 0 means unlimited */
};

struct store;

/*
 * Opens (creating if needed) the environment in directory dir (which must
 * exist), with mode 0600 files. A schema 1 store is upgraded: its "pow"
 * database is dropped and, as soon as a process opens the store while no
 * other has it open, data.mdb is replaced by a compacted copy of itself so
 * that no free page keeps the dropped records (LMDB does not wipe free
 * pages). Returns STORE_OK with *out set, or STORE_ERR_IO / STORE_ERR_CORRUPT
 * (unknown schema version) / STORE_ERR_NOMEM.
 */
int store_open(struct store **out, const char *dir, const struct store_config *cfg);

/* 1 when store_open compacted data.mdb (after an upgrade), else 0. Cannot fail. */
int store_compacted(const struct store *s);

/* Closes the environment; NULL is fine. No transaction may be open. */
void store_close(struct store *s);

/*
 * Makes sure district id has a state record (size 0, head zero). Idempotent.
 * Returns STORE_OK, STORE_ERR_ARG (bad id), STORE_ERR_FULL or STORE_ERR_IO.
 */
int store_district_ensure(struct store *s, const char *id);

/* A district's chain state. */
struct store_district {
	uint64_t size;                    /* entries in the log (index of the last one) */
	uint8_t head[32];                 /* chain_size; 32 zero bytes when size is 0 */
	uint64_t acked;                   /* acks_through of the last applied update */
	uint64_t exported;                /* highest index ever exported */
	uint64_t seq;                     /* highest update seq applied */
	uint64_t bytes;                   /* envelope and reply bytes held, for the quota */
	char head_day[CODEC_DAY_LEN + 1]; /* day of the last entry ("" if none) */
};

/* Reads a district's state. Returns STORE_OK, STORE_ERR_DISTRICT, _CORRUPT or _IO. */
int store_district_get(struct store *s, const char *id, struct store_district *out);

/* What the 201 answer carries (and what the server signs). */
struct store_receipt {
	char district[CODEC_DISTRICT_BUF];
	uint64_t index;
	char day[CODEC_DAY_LEN + 1];
	uint8_t envelope_hash[32];
	uint8_t chain[32];
};

/* A new report. */
struct store_report {
	const char *district;
	uint8_t lookup[32];
	uint8_t auth_hash[32];
	uint8_t reply_pk[32];
	const uint8_t *envelope;
	size_t envelope_len;
	const char *day; /* today, "YYYY-MM-DD" */
};

/*
 * Appends a report to its district's chain, creates its case (status
 * received) and stores the envelope, in one synced transaction. Returns
 * STORE_OK with *r filled, or STORE_ERR_DISTRICT, _EXISTS (lookup in use),
 * _QUOTA, _FULL, _ARG, _IO; on any error nothing of the report is stored.
 */
int store_put_report(struct store *s, const struct store_report *in, struct store_receipt *r);

/* A follow-up to an existing case. */
struct store_followup {
	uint8_t lookup[32];
	uint8_t auth[32]; /* checked: H256(auth) must equal the case's auth_hash */
	const uint8_t *envelope;
	size_t envelope_len;
	const char *day;
};

/*
 * Appends a follow-up (kind 2, the case's lookup) to the case's district
 * chain, in one synced transaction; the case's follow-up count and last
 * index grow. Returns as store_put_report, with STORE_ERR_NOT_FOUND for an
 * unknown lookup or a wrong auth (compared in constant time; the same work
 * is done either way).
 */
int store_put_followup(struct store *s, const struct store_followup *in, struct store_receipt *r);

/*
 * One submission of a group commit: set kind and the matching input; the
 * batch fills result (a store code as store_put_report/_followup would
 * return) and, on STORE_OK, receipt.
 */
struct store_batch_item {
	int kind; /* CHAIN_KIND_REPORT or CHAIN_KIND_FOLLOWUP */
	const struct store_report *report;
	const struct store_followup *followup;
	int result;
	struct store_receipt receipt;
	/* private to the store */
	uint8_t envelope_hash[32];
	uint8_t auth_hash[32];
};

/*
 * Group commit: applies every item in one write transaction, each in a
 * nested transaction of its own so a refused item (lookup in use, wrong
 * auth, quota) changes nothing while the others go in, and commits once,
 * synced, before returning. Returns STORE_OK when the
 * transaction committed (each item's outcome is in its result), or the
 * failure that stopped the whole batch (STORE_ERR_FULL, _IO, ...), which is
 * then also every item's result and nothing is stored.
 */
int store_put_batch(struct store *s, struct store_batch_item *items, size_t n);

/*
 * Writes the same small record, so the files' modification and change
 * times show this write rather than the last submission. The server calls
 * it every minute: a copy of the disk then dates the last submission no
 * closer than "within the last minute" (DESIGN.md §2.1). Returns STORE_OK,
 * STORE_ERR_FULL or STORE_ERR_IO.
 */
int store_touch(struct store *s);

/* One encrypted reply as the status answer lists it. */
struct store_reply {
	uint32_t seq;
	char day[CODEC_DAY_LEN + 1];
	uint8_t *envelope; /* malloc'd copy */
	size_t envelope_len;
};

/*
 * A case statement (DESIGN.md §15): the district's signed word on one case,
 * carried by update seq. status is a store status code.
 */
struct store_statement {
	uint64_t index;
	int status;
	char status_day[CODEC_DAY_LEN + 1];
	uint64_t replies;
	uint8_t replies_hash[32];
	uint64_t followups_verified;
	uint64_t seq;
	uint8_t sig[64];
};

/* A case as the reporter may see it. Free with store_case_view_free. */
struct store_case_view {
	char district[CODEC_DISTRICT_BUF];
	uint64_t index;
	int status;
	char status_day[CODEC_DAY_LEN + 1];
	char created_day[CODEC_DAY_LEN + 1];
	int delivered; /* acked covers the report and every follow-up */
	uint64_t followups;
	size_t nreplies;
	struct store_reply *replies;
	int has_statement; /* the latest statement of the case, when the district signed one */
	struct store_statement statement;
};

/*
 * Looks up a case by lookup and auth for the status answer. Returns
 * STORE_OK with *out filled, STORE_ERR_NOT_FOUND (unknown lookup or wrong
 * auth: the same answer, the same work), _CORRUPT, _IO or _NOMEM.
 */
int store_get_case(struct store *s, const uint8_t lookup[32], const uint8_t auth[32],
                   struct store_case_view *out);

/* Frees what store_get_case filled. Cannot fail. */
void store_case_view_free(struct store_case_view *v);

/* ---- export (server -> offline) ---------------------------------------- */

/* One log entry with its envelope, for export and check. */
struct store_entry {
	uint64_t index;
	int kind; /* CHAIN_KIND_REPORT or CHAIN_KIND_FOLLOWUP */
	uint8_t lookup[32];
	uint8_t reply_pk[32]; /* reports only (from the case) */
	char day[CODEC_DAY_LEN + 1];
	uint8_t envelope_hash[32];
	uint8_t chain[32];
	const uint8_t *envelope; /* valid only during the callback; NULL when purged */
	size_t envelope_len;
};

/*
 * Calls fn for each entry of district id with from <= index <= to, in order,
 * inside one read transaction (a consistent snapshot; envelopes are not
 * copied). fn returns 0 to go on. Returns STORE_OK, STORE_ERR_DISTRICT,
 * STORE_ERR_ARG (to beyond size), _CORRUPT, _IO, or the first non-zero
 * value fn returned.
 */
int store_log_foreach(struct store *s, const char *id, uint64_t from, uint64_t to,
                      int (*fn)(void *ctx, const struct store_entry *e), void *ctx);

/*
 * Records that entries up to index to were exported (exported only grows).
 * Returns STORE_OK, STORE_ERR_DISTRICT, _ARG (to beyond size), _FULL, _IO.
 */
int store_mark_exported(struct store *s, const char *id, uint64_t to);

/* ---- import (offline -> server) ---------------------------------------- */

enum store_op_kind { STORE_OP_STATUS = 1, STORE_OP_REPLY = 2, STORE_OP_CASE = 3 };

struct store_op {
	int kind;
	uint8_t lookup[32];
	int status;              /* STORE_OP_STATUS */
	const uint8_t *envelope; /* STORE_OP_REPLY */
	size_t envelope_len;
	struct store_statement st; /* STORE_OP_CASE */
};

struct store_update {
	const char *district;
	uint64_t seq;
	uint64_t acks_through;
	uint8_t head[32];
	const char *day; /* today (status_day and reply day) */
	const struct store_op *ops;
	size_t nops;
	int purge;             /* delete envelopes with index <= acks_through */
	uint8_t file_hash[32]; /* H256 of the update file, recorded with the day (§16) */
	uint8_t sign_pk[32];   /* the district's key: every case statement must verify with it */
};

/*
 * Applies a verified update in one synced transaction, or nothing: seq must
 * exceed the district's seq (STORE_ERR_SEQ), acks_through must not exceed
 * exported (STORE_ERR_ACKS) nor go below acked, head must equal the chain
 * value at acks_through (STORE_ERR_HEAD: an export was altered), and every
 * lookup must be a case of this district (STORE_ERR_NOT_FOUND, *bad_op set
 * to its position). Replies get the next seq of their case; a reply whose
 * envelope the case already holds (an update carried again after one that
 * was applied late) is not added twice. After the status and reply
 * operations, each case statement (STORE_OP_CASE) must name the case's
 * report index, carry seq = the update's, count exactly the replies the
 * case now holds with their replies_hash, not exceed its follow-ups, give
 * the case's status, and not lower replies or followups_verified below the
 * case's previous statement (STORE_ERR_STATEMENT, *bad_op set); every
 * statement is kept, and the update is recorded (seq, day, file_hash,
 * acks_through). Returns STORE_OK or one of those, STORE_ERR_DISTRICT,
 * _QUOTA, _FULL, _IO.
 */
int store_apply_update(struct store *s, const struct store_update *u, size_t *bad_op);

/* One applied update as the server recorded it (§16). */
struct store_update_rec {
	uint64_t seq;
	char day[CODEC_DAY_LEN + 1];
	uint8_t file_hash[32];
	uint64_t acks_through;
};

/*
 * Calls fn for every applied update of district id, in seq order, inside one
 * read transaction. fn returns 0 to go on. Returns STORE_OK, _CORRUPT, _IO,
 * or the first non-zero value fn returned.
 */
int store_updates_foreach(struct store *s, const char *id,
                          int (*fn)(void *ctx, const struct store_update_rec *u), void *ctx);

/*
 * Calls fn for every case statement of district id, in (index, seq) order,
 * inside one read transaction, with the case's lookup. Returns as
 * store_updates_foreach.
 */
int store_statements_foreach(struct store *s, const char *id,
                             int (*fn)(void *ctx, const uint8_t lookup[32],
                                       const struct store_statement *st),
                             void *ctx);

/* ---- operations ------------------------------------------------------- */

/*
 * Overwrites LMDB's free pages with zeros (LMDB does not wipe what it frees,
 * so purged envelopes would stay in data.mdb; issue 21). Fills the free pages
 * with zero-filled one-page values in batches of write transactions, then
 * deletes those values again, and checks that no free page older than the
 * wipe is left; a reader holding an older snapshot (the running intake
 * answering a request) keeps its pages out of reach, so a round that leaves
 * some is retried after a short wait. Safe while other processes (the
 * running intake) have the store open. Envelopes the intake accepts
 * (>= 4221 bytes) live only in overflow pages, which a purge frees whole:
 * this wipe reaches every byte of them (docs/decisions.md). Returns
 * STORE_OK, STORE_ERR_BUSY (a reader held old pages through every round),
 * STORE_ERR_FULL or STORE_ERR_IO; the store stays consistent either way.
 */
int store_wipe_free(struct store *s);

/*
 * Writes a consistent, compacted copy of the environment to the file path
 * (created O_EXCL, mode 0600) while the store stays open for writes.
 * Returns STORE_OK, STORE_ERR_IO (errno EEXIST when path exists).
 */
int store_backup(struct store *s, const char *path);

/*
 * Verifies every district chain from index 1, every stored envelope's hash,
 * and the invariants between log, cases, replies and district states. Calls
 * report(ctx, message) for each problem found (a line naming district,
 * index or lookup). Returns STORE_OK when all holds, STORE_ERR_CORRUPT when
 * something does not, or STORE_ERR_IO.
 */
int store_check(struct store *s, void (*report)(void *ctx, const char *msg), void *ctx);

/* Totals for monitoring: no identifying data. */
struct store_stats {
	uint64_t map_size, map_used, map_max;
	uint64_t cases, entries, envelopes, replies;
};

/* Fills *st. Returns STORE_OK or STORE_ERR_IO. */
int store_stats(struct store *s, struct store_stats *st);

#endif
