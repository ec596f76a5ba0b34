/*
 * api: the JSON API v1 of DESIGN.md §9 (info, pow, reports, follow-ups,
 * status, log heads) and the write gate that checks a write's header
 * before its body is read. route.c decides which handler a request goes
 * to. Each handler gives its request exactly one answer (a write's comes
 * from the group commit's completion); none logs or echoes request content.
 */
#ifndef QF_INTAKE_API_H
#define QF_INTAKE_API_H

#include <event2/buffer.h>
#include <event2/http.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sign.h"
#include "crypto/submission.h"
#include "intake/http.h"

struct server;

/*
 * A status answer is padded with spaces to padme(max(length, this)): one
 * length for every case without replies, whatever its district, index,
 * status, delivered flag or statement; replies (envelopes, Padmé-sized
 * themselves) move it to larger buckets.
 */
#define API_STATUS_PAD_MIN 4096

/*
 * The handlers, one per endpoint (DESIGN.md §9). Each checks its method
 * (405 with Allow otherwise) and its input (4xx with a JSON error code) and
 * gives exactly one answer; none fails otherwise. api_report and
 * api_followup queue the write for the group commit and answer when it is
 * on disk (503 overloaded when the queue has no room).
 */
void api_info(struct server *s, struct evhttp_request *req);
void api_pow(struct server *s, struct evhttp_request *req);
void api_report(struct server *s, struct evhttp_request *req);
void api_followup(struct server *s, struct evhttp_request *req);
void api_status(struct server *s, struct evhttp_request *req);

/*
 * GET /api/v1/log/ID/head; path is what follows "/api/v1/log/" (404 for
 * any other shape).
 */
void api_log_head(struct server *s, struct evhttp_request *req, const char *path);

/*
 * Checks the shape an envelope must have whatever its key: magic, at least
 * one 4096-byte padded chunk, chunk sizes, and a padded length that Padmé
 * could have produced. Returns 1 when plausible, 0 when not.
 */
int api_envelope_plausible(const uint8_t *env, size_t len);

struct store_receipt;

/*
 * Answers 201 with receipt r and its signature sig (sign_receipt by the
 * server key), or 503 when sig_ok is 0. Exactly one answer.
 */
void api_reply_receipt(struct evhttp_request *req, const struct store_receipt *r,
                       const uint8_t sig[SIGN_BYTES], int sig_ok);

/* 1 when req is a write (POST /api/v1/reports or /followups), else 0. */
int api_is_write(struct evhttp_request *req);

/*
 * What a write's header must pass before a byte of its body is read or it
 * is given an upload slot (DESIGN.md §9): a Content-Length (411
 * length_required without one, or with Transfer-Encoding), the submission
 * media type (415), the length against max_envelope_bytes (413), and at
 * difficulty > 0 the Qingfeng-PoW header solved at the difficulty the
 * length needs (429 pow_required, pow_invalid, pow_expired, pow_reused; 503
 * overloaded when the spent set is full). The challenge is spent here, the
 * first time it verifies. Returns 0 with *length the Content-Length, or -1
 * with the refusal in v. Answers nothing.
 */
int api_gate(struct server *s, struct evhttp_request *req, struct http_verdict *v,
             uint64_t *length);

/*
 * Takes the length prefix and J (DESIGN.md §9 submission body) out of in,
 * J's bytes into j, leaving exactly the envelope in in. Returns 0 with
 * *jlen and *envlen set, or -1 when the body is shorter than its prefix
 * says, J is empty or over SUBMISSION_JSON_MAX, or no envelope byte follows.
 */
int api_submission_take(struct evbuffer *in, char j[SUBMISSION_JSON_MAX], size_t *jlen,
                        size_t *envlen);

/* Answers the §9 error for a store code. Exactly one answer. */
void api_reply_store_error(struct evhttp_request *req, int err);

#endif
