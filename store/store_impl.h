/*
 * store_impl: what the store/ sources share and nothing outside store/ may
 * use: the environment (store/lmdb), the byte layouts of the records (each
 * decoded with an exact-length and version check), key builders, and the
 * transaction runners over lmdb_write and lmdb_begin.
 *
 * Record layouts (version 1; integers big-endian, days 10 ASCII bytes):
 *   meta      "version"                -> u32be(2)
 *   districts id                       -> ver size(8) head(32) acked(8) exported(8)
 *                                         seq(8) bytes(8) head_day(10, zeros if size 0)
 *   log       id NUL u64be(index)      -> ver kind(1) lookup(32) envelope_hash(32)
 *                                         day(10) chain(32)
 *   envelopes id NUL u64be(index)      -> ver envelope(>= 1)
 *   cases     lookup(32)               -> ver dlen(1) district(32, zero padded)
 *                                         index(8) auth_hash(32) reply_pk(32) status(1)
 *                                         status_day(10) created_day(10) followups(8)
 *                                         last_index(8) nreplies(4)
 *   replies   lookup(32) u32be(seq)    -> ver day(10) envelope(>= 1)
 *   statements id NUL u64be(index) u64be(seq) -> ver lookup(32) status(1)
 *                                         status_day(10) replies(8) replies_hash(32)
 *                                         followups_verified(8) sig(64)
 *   updates   id NUL u64be(seq)        -> ver day(10) file_hash(32) acks_through(8)
 * (Schema 1 had "pow": challenge(40) -> ver expiry(8); store_open drops it.)
 * "bytes" (the quota's measure) counts envelope bytes without the version byte.
 */
#ifndef QF_STORE_STORE_IMPL_H
#define QF_STORE_STORE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "store/lmdb.h"
#include "store/store.h"

#define STORE_SCHEMA  2
#define STORE_REC_V1  1
#define STORE_NDBS    9              /* eight, and room to open schema 1's "pow" to drop it */
#define STORE_ERR_MIN STORE_ERR_BUSY /* store codes are STORE_ERR_MIN..-1 */

#define STORE_DREC_LEN 83
#define STORE_LREC_LEN 108
#define STORE_CREC_LEN 147
#define STORE_RREC_MIN 12 /* ver, day, at least one envelope byte */
#define STORE_EREC_MIN 2  /* ver, at least one envelope byte */
/* Offsets inside a log record (the tests corrupt records by them). */
#define STORE_LREC_OFF_CHAIN 76
/* Longest log/envelope key: id NUL u64be. */
#define STORE_LKEY_MAX (CODEC_DISTRICT_MAX + 1 + 8)
#define STORE_RKEY_LEN 36

struct store {
	struct lmdb db; /* its map lock lets the server commit on a second thread while it reads */
	MDB_dbi meta, districts, log, envelopes, cases, replies;
	MDB_dbi statements, updates; /* §15, §16 */
	uint64_t quota;
	int compacted; /* store_open compacted the file */
};

/* A decoded case record. */
struct store_case_rec {
	char district[CODEC_DISTRICT_BUF];
	uint64_t index;
	uint8_t auth_hash[32];
	uint8_t reply_pk[32];
	int status;
	char status_day[CODEC_DAY_LEN + 1];
	char created_day[CODEC_DAY_LEN + 1];
	uint64_t followups;
	uint64_t last_index;
	uint32_t nreplies;
};

/*
 * The body of one transaction. Returns 0, a store code (STORE_ERR_*) or a
 * raw LMDB/errno code (MDB_MAP_FULL makes the runner grow and retry). It may
 * run several times, so it must (re)write every output it has.
 */
typedef int (*store_txn_fn)(struct store *s, MDB_txn *txn, void *ctx);

/*
 * Runs fn in a write transaction and commits it (synced), through
 * lmdb_write: on MDB_MAP_FULL the map doubles up to the store's map_max and
 * fn runs again. Returns STORE_OK, fn's store code, STORE_ERR_FULL at the
 * cap or when the disk is full, or the mapped LMDB failure; nothing is
 * written unless STORE_OK.
 */
int store_txn_write(struct store *s, store_txn_fn fn, void *ctx);

/*
 * Begins a read transaction, adopting a map grown by another process.
 * Returns a store code; on STORE_OK end it with store_txn_read_end.
 */
int store_txn_read(struct store *s, MDB_txn **txn);

/* Ends a read transaction begun by store_txn_read. Cannot fail. */
void store_txn_read_end(struct store *s, MDB_txn *txn);

/* Maps 0, a store code, or an LMDB/errno code to a store code. */
int store_map_rc(int rc);

/* Builds the log/envelope key id NUL u64be(index) into key (STORE_LKEY_MAX). Returns its length. */
size_t store_lkey(uint8_t *key, const char *id, uint64_t index);
/* Builds the reply key lookup u32be(seq). */
void store_rkey(uint8_t key[STORE_RKEY_LEN], const uint8_t lookup[32], uint32_t seq);

/*
 * Case statements and update records (store_statement.c). The *_put
 * functions return 0, STORE_ERR_ARG or an LMDB code; statement_latest
 * returns 0 with *st and lookup set, MDB_NOTFOUND, STORE_ERR_CORRUPT or an
 * LMDB code; replies_hash computes a case's hash over its first n replies
 * (0, STORE_ERR_CORRUPT or an LMDB code).
 */
int store_statement_put(MDB_txn *txn, struct store *s, const char *id, const uint8_t lookup[32],
                        const struct store_statement *st);
int store_statement_latest(MDB_txn *txn, struct store *s, const char *id, uint64_t index,
                           struct store_statement *st, uint8_t lookup[32]);
int store_update_rec_put(MDB_txn *txn, struct store *s, const char *id,
                         const struct store_update_rec *u);
int store_replies_hash(MDB_txn *txn, struct store *s, const uint8_t lookup[32], uint64_t n,
                       uint8_t out[32]);
/*
 * Reply seq (>= 1) of the case of lookup: *env / *len point into the map.
 * Returns 0, STORE_ERR_CORRUPT (missing or malformed: the case counts it)
 * or an LMDB code.
 */
int store_reply_at(MDB_txn *txn, struct store *s, const uint8_t lookup[32], uint64_t seq,
                   const uint8_t **env, size_t *len);

/* Record codecs: decoders return 0 or STORE_ERR_CORRUPT, never reading past v->mv_size. */
void store_district_enc(uint8_t out[STORE_DREC_LEN], const struct store_district *d);
int store_district_dec(struct store_district *d, const MDB_val *v);
void store_log_enc(uint8_t out[STORE_LREC_LEN], const struct store_entry *e);
/* Decodes the log record v of entry index into e. */
int store_log_dec(struct store_entry *e, uint64_t index, const MDB_val *v);
void store_case_enc(uint8_t out[STORE_CREC_LEN], const struct store_case_rec *c);
int store_case_dec(struct store_case_rec *c, const MDB_val *v);
/* Reply record: sets day and points *env / *envlen into v. */
int store_reply_dec(char day[CODEC_DAY_LEN + 1], const uint8_t **env, size_t *envlen,
                    const MDB_val *v);
/* Envelope record: points *env / *envlen into v. */
int store_env_dec(const uint8_t **env, size_t *envlen, const MDB_val *v);

/*
 * Reads and decodes a record by key. Return 0, MDB_NOTFOUND, STORE_ERR_CORRUPT
 * or an LMDB code.
 */
int store_get_district(MDB_txn *txn, struct store *s, const char *id, struct store_district *d);
int store_get_log(MDB_txn *txn, struct store *s, const char *id, uint64_t index,
                  struct store_entry *e);
int store_get_case_rec(MDB_txn *txn, struct store *s, const uint8_t lookup[32],
                       struct store_case_rec *c);
/* Encodes and writes (overwrites) a district or case record. Returns 0 or an LMDB code. */
int store_put_district(MDB_txn *txn, struct store *s, const char *id,
                       const struct store_district *d);
int store_put_case_rec(MDB_txn *txn, struct store *s, const uint8_t lookup[32],
                       const struct store_case_rec *c);

#endif
