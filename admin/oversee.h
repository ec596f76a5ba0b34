/*
 * oversee: reads and verifies the server's oversight bundle (.qfo,
 * DESIGN.md §16) on the upper level's offline machine, which holds no
 * district secret key, against what it verified before (store/pins.h):
 *   - the bundle's signature, by the server key pinned on first use (when
 *     the case archive in the same directory has pinned a server key by
 *     ingest, that key is the one expected);
 *   - each commission's keys: the fingerprint recomputed from them; the
 *     signing key pinned the first time only with a matching --expect
 *     fingerprint (the one the commission publishes), and never changed;
 *   - each chain: indices 1..size in order, every chain value recomputed,
 *     the last equal to the header's head, the server's days never going
 *     back nor beyond the bundle's day; and extending the chain verified
 *     last: a chain that is shorter, or different at any index, is
 *     tampering, named with the indices; an entry the last bundle did not
 *     hold may not be dated before that bundle;
 *   - the applied updates: seq and acks_through rising, acks_through within
 *     the chain, never applied before the entry they acknowledge arrived nor
 *     after the bundle; every update verified last still there and unchanged
 *     (day, file hash, acks_through, its statements); a new one not dated
 *     before the last bundle;
 *   - every statement: signed with its commission's key, naming a report of
 *     the chain (index and lookup) that its update had acknowledged, of an
 *     update the bundle lists; per case seq rising, replies and verified
 *     follow-ups never lower.
 * Any problem refuses the whole bundle and writes nothing; the message says
 * which commission, index or seq. On success the new pins are written in
 * the caller's write transaction (one LMDB transaction for all of them).
 * The verified facts stay in memory (struct oversee) for admin/measure.h:
 * days, kinds, counts and statuses; no content exists in a bundle.
 */
#ifndef QF_ADMIN_OVERSEE_H
#define QF_ADMIN_OVERSEE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/codec.h"
#include "crypto/keyfile.h"
#include "store/pins.h"

/* Most commissions in one bundle. */
#define OVERSEE_DISTRICTS_MAX 256
/* Longest line of a bundle (the header with every commission). */
#define OVERSEE_LINE_MAX ((size_t)1 << 20)
/* Problems listed before "... and N more". */
#define OVERSEE_PROBLEMS_MAX 30

/* The reporter-visible statuses of §9, as the statements carry them. */
enum oversee_status {
#define QF_STATUS(name, word, zh, en) OVERSEE_##name,
#include "crypto/status.def"
#undef QF_STATUS
	OVERSEE_NSTATUS
};

/* One chain entry: what the server says arrived, and on which day. */
struct oversee_entry {
	long day;        /* day number (codec_day_number) */
	int kind;        /* CHAIN_KIND_REPORT or CHAIN_KIND_FOLLOWUP */
	uint64_t report; /* a follow-up's report index; a report's own index */
	uint8_t lookup[32];
	uint8_t chain[32];
};

/* One update the server applied, and the day it applied it. */
struct oversee_update {
	uint64_t seq;
	long day;
	uint64_t acks_through;
	uint8_t hash[32];
	uint64_t statements; /* how many statements of this seq the bundle holds */
	uint8_t digest[32];  /* XOR of H256(sig) over them */
};

/* One case statement (signature verified; lookup matched to the chain). */
struct oversee_statement {
	uint64_t index;
	uint64_t seq;
	int status; /* enum oversee_status */
	long status_day;
	uint64_t replies;
	uint64_t followups;
};

struct oversee_district {
	char id[CODEC_DISTRICT_BUF];
	char name[KEYFILE_NAME_MAX + 1];
	char level[16];
	char parent[CODEC_DISTRICT_BUF]; /* "" when none */
	char fingerprint[KEYFILE_FINGERPRINT_BUF];
	uint8_t box_pk[32], sign_pk[32], head[32];
	uint64_t size;
	struct oversee_entry *entries;  /* entries[i - 1] is index i; size of them */
	struct oversee_update *updates; /* seq order */
	size_t nupdates;
	struct oversee_statement *statements; /* (index, seq) order */
	size_t nstatements;
	int key_pinned_now;                 /* pinned by this run, with --expect */
	uint64_t pinned_size;               /* the chain verified before (0: none) */
	char pinned_day[CODEC_DAY_LEN + 1]; /* its bundle's day, "" when none */
};

struct oversee {
	char day[CODEC_DAY_LEN + 1]; /* the bundle's day */
	long daynum;
	uint8_t server_pk[32];
	/*
	 * 0: as pinned; 1: pinned on first use; 2: replaced (--accept-new-server-key);
	 * 3: pinned now, the key the case archive's ingest had pinned
	 */
	int server_pinned_now;
	struct oversee_district *d; /* header order: the commission overseen first */
	size_t nd;
	uint64_t entries, statements, updates; /* totals verified */
};

/* --expect ID=FINGERPRINT */
struct oversee_expect {
	const char *id;
	const char *fingerprint; /* spaces and case ignored */
};

struct oversee_opts {
	const struct oversee_expect *expect;
	size_t nexpect;
	int accept_new_server_key;
	/* server keys the case archive in the same directory has pinned (may be 0) */
	const uint8_t (*archive_server_pk)[32];
	size_t narchive_server_pk;
};

/* The name of a status ("in_progress"), or "?" out of range. Cannot fail. */
const char *oversee_status_name(int status);

/*
 * Parses a --expect value "ID=FINGERPRINT" in place (arg is modified: the
 * '=' becomes NUL). Returns 0 with e filled, or -1 when it is not of that
 * form (a valid id, 32 hex digits with any spaces).
 */
int oversee_expect_parse(char *arg, struct oversee_expect *e);

/*
 * Reads the bundle from f and verifies it, with the pins of t (a write
 * transaction). On success writes the new pins into t (the caller commits
 * it) and returns 0 with *out (free with oversee_free) and *msg NULL. On a
 * refusal returns 1 with *msg a malloc'd text naming every problem (at most
 * OVERSEE_PROBLEMS_MAX lines, then how many more), *out NULL and nothing
 * written into t (the caller aborts it). On a failure that is not the
 * bundle's (memory, the pins file) returns -1 with *msg the reason.
 */
int oversee_verify(FILE *f, struct pins_txn *t, const struct oversee_opts *o, struct oversee **out,
                   char **msg);

/* Frees what oversee_verify made; NULL is fine. Cannot fail. */
void oversee_free(struct oversee *ov);

/*
 * The applied update seq of district d (its updates are sorted by seq), or
 * NULL when d has none such. Not const, as strchr: oversee_verify fills in
 * the statements it finds for it. Cannot fail.
 */
struct oversee_update *oversee_update_of(const struct oversee_district *d, uint64_t seq);

#endif
