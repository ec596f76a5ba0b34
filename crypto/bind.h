/*
 * bind: what ties sealed content to the values the server handles
 * (DESIGN.md §6, "Bindings"). A report's manifest carries, inside the
 * envelope, "bind":{"lookup","reply_pk","sign_pk"}: the lookup and reply key
 * the client sent beside it and the reporter's signing key derived from the
 * receipt. A follow-up's manifest carries "sig", the reporter's signature
 * (sign.h, sign_followup), checked against the report's bind.sign_pk. The
 * clients put them in with bind_report_put and bind_followup_put; the
 * offline tool checks them with bind_report_check and bind_followup_check,
 * and quarantines what fails (§10). Everything the server can choose is
 * thereby bound by the reporter: the reply key, the lookup, the follow-ups.
 */
#ifndef QF_CRYPTO_BIND_H
#define QF_CRYPTO_BIND_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/receipt.h"

enum bind_err {
	BIND_OK = 0,
	BIND_ERR_MISSING = -1,  /* no "bind" object, or a member missing or not 32 b64u bytes */
	BIND_ERR_LOOKUP = -2,   /* bind.lookup differs from the entry's lookup */
	BIND_ERR_REPLY_PK = -3, /* bind.reply_pk differs from the entry's reply_pk */
	BIND_ERR_NO_SIG = -4,   /* a follow-up without a well-formed "sig" */
	BIND_ERR_SIG = -5,      /* the follow-up's signature does not verify */
	BIND_ERR_FIELDS = -6,   /* a follow-up's district, lookup, purpose or body is malformed */
	BIND_ERR_NOMEM = -7     /* allocation failed (bind_*_put) */
};

/* A short English reason for an error code, for quarantine records. Never NULL. */
const char *bind_strerror(int err);

/*
 * Adds "bind":{"lookup","reply_pk","sign_pk"} from k to the report manifest
 * m (replacing any), right after "lang" as §6 orders the members (at the
 * end when m has no "lang"). Returns BIND_OK, or BIND_ERR_NOMEM with m in
 * an unspecified state (discard it).
 */
int bind_report_put(json_t *m, const struct receipt_keys *k);

/*
 * Checks the report manifest m against the export entry's lookup and
 * reply_pk and, on success, copies bind.sign_pk into sign_pk. Comparisons
 * are constant-time. Returns BIND_OK, BIND_ERR_MISSING, BIND_ERR_LOOKUP or
 * BIND_ERR_REPLY_PK (sign_pk zeroed on failure).
 */
int bind_report_check(const json_t *m, const uint8_t lookup[32], const uint8_t reply_pk[32],
                      uint8_t sign_pk[32]);

/*
 * Signs the follow-up manifest m (its "district", "lookup", "purpose" and
 * "body", and att_hashes: H256 of each attachment in manifest order) with
 * k->rsign_sk and sets "sig". Returns BIND_OK, BIND_ERR_FIELDS (a member
 * missing or malformed) or BIND_ERR_NOMEM; m is unchanged on failure.
 */
int bind_followup_put(json_t *m, const struct receipt_keys *k, const uint8_t (*att_hashes)[32],
                      size_t natt);

/*
 * Verifies the follow-up manifest m's "sig" against sign_pk (the report's
 * bind.sign_pk) over its district, lookup, purpose, body and att_hashes.
 * Returns BIND_OK, BIND_ERR_NO_SIG, BIND_ERR_FIELDS or BIND_ERR_SIG.
 */
int bind_followup_check(const json_t *m, const uint8_t sign_pk[32], const uint8_t (*att_hashes)[32],
                        size_t natt);

#endif
