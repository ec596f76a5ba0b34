/*
 * proto: the messages of the HTTP API v1 (DESIGN.md §9) as the reporter sees
 * them: reading the server's answers (errors, info, proof-of-work challenges,
 * signed receipts, status) and checking everything that can be checked, and
 * building the request bodies (JSON for status, the binary submission body
 * for writes). Bodies that carry auth are built in
 * sodium_malloc'd memory and must be released with proto_body_free, which
 * wipes them. Text that came from the server is made safe to print (control
 * characters dropped) before it is handed out.
 */
#ifndef QF_REPORT_PROTO_H
#define QF_REPORT_PROTO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/codec.h"
#include "crypto/keyfile.h"
#include "crypto/pow.h"
#include "crypto/receipt.h"

#define PROTO_CODE_BUF    40
#define PROTO_MESSAGE_BUF 200
#define PROTO_STATUS_BUF  24

enum proto_err {
	PROTO_OK = 0,
	PROTO_ERR_FORMAT = -1,      /* the answer does not have the documented shape */
	PROTO_ERR_DISTRICT = -2,    /* the district is not served, or the answer names another */
	PROTO_ERR_FINGERPRINT = -3, /* the server's fingerprint does not match the keys it sent */
	PROTO_ERR_HASH = -4,        /* the receipt's envelope_hash is not H256 of what was sent */
	PROTO_ERR_SIGNATURE = -5,   /* the receipt's signature does not verify */
	PROTO_ERR_NOMEM = -6        /* memory ran out */
};

/* Human message for an error code. Never NULL. */
const char *proto_strerror(int err);

/*
 * The endpoints of §9 the reporter calls, each with the largest answer body
 * it accepts (client.h enforces it while reading). An honest answer, error
 * answers included, stays far below each cap (docs/decisions.md, "Answer caps
 * in the reporter CLI"):
 * - info 256 KiB: at most CONFIG_MAX_DISTRICTS (64) districts of under 1 KiB
 *   each (name <= 256 bytes, ids <= 32, two keys and a fingerprint ~130),
 *   about 64 KiB in all; four times that.
 * - pow 16 KiB: {"challenge" (54 chars),"difficulty","expires_in"}, ~100
 *   bytes; room for a proxy's error page (nginx, Tor) in front of the server.
 * - reports, followups 16 KiB: the signed receipt, ~330 bytes; the same room.
 * - status 128 MiB: every reply of the case comes in one answer, and a reply
 *   may be sealed up to 16 MiB (CASES_REPLY_SEALED_MAX), 21.4 MiB in base64:
 *   five of the largest replies, or ~20000 text-only ones (>= 5.6 KiB each).
 */
enum proto_endpoint_id {
	PROTO_EP_INFO,
	PROTO_EP_POW,
	PROTO_EP_REPORTS,
	PROTO_EP_FOLLOWUPS,
	PROTO_EP_STATUS,
	PROTO_EP_COUNT
};

struct proto_endpoint {
	const char *name; /* as messages name it: "info" */
	const char *path; /* "/api/v1/info" */
	size_t max_answer;
};

extern const struct proto_endpoint proto_endpoints[PROTO_EP_COUNT];

/* An error answer {"error":{"code","message"}}, made safe to print. */
struct proto_error {
	char code[PROTO_CODE_BUF];       /* [a-z0-9_] only */
	char message[PROTO_MESSAGE_BUF]; /* printable, truncated */
};

/*
 * Reads an error answer. Returns PROTO_OK, or PROTO_ERR_FORMAT (e zeroed)
 * when answer is not an object with an "error" object whose "code" is a
 * non-empty string of [a-z0-9_]; a missing or non-string "message" is "".
 */
int proto_error_parse(struct proto_error *e, const json_t *answer);

/* What GET /api/v1/info says that the reporter needs. */
struct proto_info {
	uint8_t server_sign_pk[32];
	uint64_t max_envelope_bytes; /* 0 when the server states no limit */
	unsigned pow_difficulty;
	struct keyfile_public district; /* the district asked for */
	char level[16];                 /* its level (§14): district, city or province */
	int has_parent;                 /* it has a commission one level up, listed too: */
	struct keyfile_public parent;   /* its keys (fingerprint recomputed) */
};

/*
 * Reads the info answer and the entry of district_id in "districts" (its keys
 * checked with keyfile_public_from_json; the fingerprint is recomputed from
 * them), its "level" (default "district") and "parent" (§14): when that is
 * an id, the parent's entry is read the same way into info->parent.
 * Returns PROTO_OK, PROTO_ERR_FORMAT (not "service":"qingfeng", "api" not
 * 1, a bad server_sign_pk, district entry, level or parent, or a parent not
 * listed), PROTO_ERR_DISTRICT (district_id not listed),
 * PROTO_ERR_FINGERPRINT or PROTO_ERR_NOMEM.
 */
int proto_info_parse(struct proto_info *info, const json_t *answer, const char *district_id);

/*
 * True (1) when pin is a fingerprint as a person may type it: 32 hex digits
 * once spaces, tabs, '-' and ':' are dropped, in either case; 0 otherwise.
 */
int proto_pin_valid(const char *pin);

/*
 * True (1) when pin and fingerprint name the same 16 bytes after that
 * normalisation (compared in constant time); 0 otherwise or when either is
 * not a fingerprint.
 */
int proto_pin_matches(const char *pin, const char *fingerprint);

/*
 * Reads a challenge answer {"challenge","difficulty","expires_in"}. Returns
 * PROTO_OK, or PROTO_ERR_FORMAT when the challenge is not 40 bytes of b64u or
 * difficulty is not an integer from 0 to POW_MAX_DIFFICULTY.
 */
int proto_pow_parse(uint8_t challenge[POW_CHALLENGE_BYTES], unsigned *difficulty,
                    const json_t *answer);

/* A verified receipt of the server (§8). */
struct proto_receipt {
	char district[CODEC_DISTRICT_BUF];
	uint64_t index;
	char day[CODEC_DAY_LEN + 1];
	uint8_t envelope_hash[32];
	uint8_t chain[32];
};

/*
 * Reads {"receipt":{"district","index","day","envelope_hash","chain","sig"}}
 * from a 201 answer and checks it: district equals the expected one,
 * envelope_hash equals the H256 of what was sent (constant time), and sig
 * verifies with server_sign_pk (sign_receipt_verify). Returns PROTO_OK with
 * r filled, or PROTO_ERR_FORMAT, PROTO_ERR_DISTRICT, PROTO_ERR_HASH or
 * PROTO_ERR_SIGNATURE with r zeroed.
 */
int proto_receipt_verify(struct proto_receipt *r, const json_t *answer,
                         const uint8_t server_sign_pk[32], const char *district,
                         const uint8_t envelope_hash[32]);

/* One reply as the status answer lists it: still sealed to reply_pk. */
struct proto_reply {
	uint64_t seq;
	char day[CODEC_DAY_LEN + 1];
	uint8_t *envelope; /* malloc'd */
	size_t len;
};

/* The district's signed case statement (§15) as the status answer carries it. */
struct proto_statement {
	uint64_t index;
	char status[PROTO_STATUS_BUF];
	char status_day[CODEC_DAY_LEN + 1];
	uint64_t replies;
	uint8_t replies_hash[32];
	uint64_t followups_verified;
	uint64_t seq;
	uint8_t sig[64];
};

/* A status answer. */
struct proto_status {
	char district[CODEC_DISTRICT_BUF];
	uint64_t index;
	char status[PROTO_STATUS_BUF]; /* [a-z_] only */
	char status_day[CODEC_DAY_LEN + 1];
	char created_day[CODEC_DAY_LEN + 1];
	int delivered;
	uint64_t followups;
	size_t nreplies;
	struct proto_reply *replies; /* malloc'd array */
	int has_statement;
	struct proto_statement statement;
};

/*
 * Reads {"district","index","status","status_day","created_day","delivered",
 * "replies":[{"seq","day","envelope"}],"followups","statement"?}. Returns
 * PROTO_OK with s filled (free with proto_status_free), or PROTO_ERR_FORMAT
 * / PROTO_ERR_NOMEM with s zeroed.
 */
int proto_status_parse(struct proto_status *s, const json_t *answer);

/* Frees what s holds and zeroes it. Cannot fail. */
void proto_status_free(struct proto_status *s);

/* What proto_statement_check found wrong: a bit each. */
enum proto_statement_problem {
	PROTO_STMT_SIG = 1,       /* not signed by the district's key (or not for this case) */
	PROTO_STMT_MISSING = 2,   /* the server shows fewer replies than the district sent */
	PROTO_STMT_DIFFERENT = 4, /* the replies shown are not the ones the district sent */
	PROTO_STMT_STATUS = 8,    /* the server's status differs from the district's */
	PROTO_STMT_STALE = 16     /* more replies than the statement counts: an old statement */
};

/*
 * Checks s's statement (§15) for the case of lookup: its signature with the
 * district's sign_pk (over s->district, lookup and its fields), its index
 * against s->index, replies_hash recomputed over the replies shown (by
 * seq), the count, and the plaintext status. Returns 0 when all holds, -1
 * when s has no statement, or a mask of PROTO_STMT_* bits. Cannot fail
 * otherwise.
 */
int proto_statement_check(const struct proto_status *s, const uint8_t lookup[32],
                          const uint8_t sign_pk[32]);

/*
 * The Chinese name of a reporter-visible status ("accepted" -> "已受理"), or
 * NULL for a status DESIGN.md §9 does not list.
 */
const char *proto_status_chinese(const char *status);

/*
 * Writes "accepted (已受理)" (or the bare word for an unlisted status) and a
 * NUL into out. Cannot fail; truncates to outsz.
 */
void proto_status_label(char *out, size_t outsz, const char *status);

/*
 * Copies src into dst (dstsz bytes, always NUL-terminated, cut at a UTF-8
 * boundary) without control characters (C0 but newline and tab when
 * keep_newlines, DEL, C1), bidi controls (U+061C, U+200E/F, U+202A-202E,
 * U+2066-2069) and zero-width characters (U+200B-200D, U+2060-2064,
 * U+FEFF), so that text from the server or from a reply cannot drive the
 * terminal or show itself in another order than it is. A byte that does
 * not start the shortest UTF-8 form of a character shows as '?'. Cannot fail.
 */
void proto_printable(char *dst, size_t dstsz, const char *src, int keep_newlines);

/*
 * A name the server states (a commission's), for showing on one line:
 * proto_printable, then every run of spaces, tabs, newlines and Unicode
 * spaces or line separators is one space (none at the ends), and a run of
 * 16 or more hex digits in groups of 4, as a fingerprint is written, shows
 * as "[…]": no real name holds one, and a fake "Fingerprint: … ✓" in a name
 * must not pass for the real one. Cannot fail.
 */
void proto_name_line(char *dst, size_t dstsz, const char *src);

/*
 * The body of POST /api/v1/reports (DESIGN.md §9, crypto/submission.h):
 * u32be(len(J)) || J || envelope with J = {"district","lookup","auth_hash",
 * "reply_pk"} (compact, in that order). The proof-of-work travels in the
 * Qingfeng-PoW header, solved at pow_required(difficulty, *len). Returns a
 * sodium_malloc'd body with *len set, or NULL when memory runs out.
 */
uint8_t *proto_report_body(size_t *len, const char *district, const struct receipt_keys *k,
                           const uint8_t *envelope, size_t envlen);

/*
 * The body of POST /api/v1/followups: the same with J = {"lookup","auth"}.
 * Returns as proto_report_body.
 */
uint8_t *proto_followup_body(size_t *len, const struct receipt_keys *k, const uint8_t *envelope,
                             size_t envlen);

/* The body of POST /api/v1/status: {"lookup","auth"}. Returns as proto_report_body. */
char *proto_status_body(size_t *len, const struct receipt_keys *k);

/* Wipes and frees a body made above; NULL is fine. Cannot fail. */
void proto_body_free(void *body);

#endif
