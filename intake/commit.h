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
 */
#ifndef QF_INTAKE_COMMIT_H
#define QF_INTAKE_COMMIT_H

#include <event2/http.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define COMMIT_MAX_ITEMS 256
#define COMMIT_MAX_BYTES (64u << 20)

struct server;

/*
 * Sets up the queue of server s and starts its worker thread (s->store and
 * s->base must be set). Returns 0, or -1 when memory, an eventfd or a
 * thread cannot be had.
 */
int commit_init(struct server *s);

/*
 * Waits for the worker, commits and answers everything still queued, stops
 * the thread and frees the queue. Cannot fail.
 */
void commit_free(struct server *s);

/*
 * Queues a report for req. in's pointers need only live for the call: the
 * district and day are copied; envelope (malloc'd) is taken over
 * and freed after the answer. If memory runs out, req is answered 503 at
 * once. Cannot fail otherwise.
 */
void commit_report(struct server *s, struct evhttp_request *req, const struct store_report *in,
                   uint8_t *envelope);

/* Queues a follow-up for req, as commit_report. The auth copy is wiped after use. */
void commit_followup(struct server *s, struct evhttp_request *req, const struct store_followup *in,
                     uint8_t *envelope);

/*
 * Hands what is queued to the worker if it is free (else the worker takes
 * it when done) and answers a batch the worker has finished. Does not wait.
 * Cannot fail (failures become answers).
 */
void commit_flush(struct server *s);

/* 1 while submissions are queued or being committed, else 0. Cannot fail. */
int commit_busy(struct server *s);

#endif
