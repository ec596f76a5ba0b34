/*
 * commit: group commit of submissions. Reports and follow-ups that arrive
 * in the same turn of the event loop are written in one LMDB transaction
 * (store_put_batch: one fsync for all of them), and each gets its answer,
 * 201 or the refusal, only after that transaction is on disk. The commit
 * runs on a worker thread, so the loop reads and checks the next batch
 * while this one syncs; the loop alone touches requests and answers. A
 * batch is handed over when the loop has handled every request that was
 * ready and the worker is free, or when it holds COMMIT_MAX_ITEMS
 * submissions or COMMIT_MAX_BYTES of envelopes (then the loop waits for
 * the worker). At most two batches are in memory.
 *
 * The queue knows nothing of HTTP answers: each submission carries a
 * completion callback, called on the loop once its outcome is known, which
 * gives the request its one answer (the API's 201 or refusal, the no-JS
 * path's receipt page).
 */
#ifndef QF_INTAKE_COMMIT_H
#define QF_INTAKE_COMMIT_H

#include <event2/event.h>
#include <event2/http.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sign.h"
#include "store/store.h"

#define COMMIT_MAX_ITEMS 256
#define COMMIT_MAX_BYTES (64u << 20)

struct commit_queue;

/* A submission's outcome, valid during the completion callback only. */
struct commit_outcome {
	int result;                          /* STORE_OK or a STORE_ERR_* code */
	const struct store_receipt *receipt; /* STORE_OK: where it went */
	const uint8_t *sig;                  /* STORE_OK: SIGN_BYTES, sign_receipt by the server */
	int sig_ok;                          /* 0 when that signature could not be made */
};

/*
 * Called on the loop with the outcome of req's submission; must give req
 * its one answer. What is still queued when the queue is freed is
 * committed first, then completed the same way.
 */
typedef void commit_done_fn(struct evhttp_request *req, const struct commit_outcome *o, void *arg);

/*
 * Sets up a queue on base writing to store, receipts signed with sign_sk
 * (both must outlive the queue), and starts its worker thread. Returns 0
 * with *out set, or -1 when memory, an eventfd or a thread cannot be had.
 */
int commit_init(struct commit_queue **out, struct event_base *base, struct store *store,
                const uint8_t *sign_sk);

/*
 * Waits for the worker, commits everything still queued and calls each
 * completion, stops the thread and frees q (NULL is ignored). Cannot fail.
 */
void commit_free(struct commit_queue *q);

/*
 * Queues a report for req; done(req, outcome, arg) runs once it is on disk
 * or refused. in's pointers need only live for the call: the district and
 * day are copied; envelope (malloc'd) is taken over and freed after the
 * completion. Returns 0, or -1 when the queue has no room: then nothing is
 * taken, done is not called, and the caller answers.
 */
int commit_report(struct commit_queue *q, struct evhttp_request *req, const struct store_report *in,
                  uint8_t *envelope, commit_done_fn *done, void *arg);

/* Queues a follow-up, as commit_report. The auth copy is wiped after use. */
int commit_followup(struct commit_queue *q, struct evhttp_request *req,
                    const struct store_followup *in, uint8_t *envelope, commit_done_fn *done,
                    void *arg);

/*
 * Hands what is queued to the worker if it is free (else the worker takes
 * it when done) and completes a batch the worker has finished. Does not
 * wait. Cannot fail (failures become outcomes).
 */
void commit_flush(struct commit_queue *q);

/* 1 while submissions are queued or being committed, else 0. Cannot fail. */
int commit_busy(const struct commit_queue *q);

#endif
