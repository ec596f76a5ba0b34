/*
 * api: the JSON API v1 of DESIGN.md §9 (info, pow, reports, follow-ups,
 * status, log heads) and the dispatch of every request: /api/v1/... here,
 * everything else to the static web pages. Each request gets exactly one
 * answer; no handler logs or echoes request content.
 */
#ifndef QF_INTAKE_API_H
#define QF_INTAKE_API_H

#include <event2/http.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sign.h"

struct server;

/* The evhttp generic callback; arg is the struct server. */
void api_dispatch(struct evhttp_request *req, void *arg);

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

/* Answers the §9 error for a store code. Exactly one answer. */
void api_reply_store_error(struct evhttp_request *req, int err);

#endif
