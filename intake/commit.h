/*
 * commit: group commit of submissions. Reports and follow-ups that arrive
 * in the same turn of the event loop are written in one LMDB transaction
 * (store_put_batch: one fsync for all of them), and each gets its answer,
 * 201 or the refusal, only after that transaction is on disk. A batch runs
 * when the loop has handled every request that was ready, or at once when
 * it holds COMMIT_MAX_ITEMS submissions or COMMIT_MAX_BYTES of envelopes.
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

/* Sets up the queue of server s. Returns 0, or -1 when memory runs out. */
int commit_init(struct server *s);

/* Answers everything still queued (after committing it) and frees the queue. Cannot fail. */
void commit_free(struct server *s);

/*
 * Queues a report for req. in's pointers need only live for the call: the
 * district, day and challenge are copied; envelope (malloc'd) is taken over
 * and freed after the answer. If memory runs out, req is answered 503 at
 * once. Cannot fail otherwise.
 */
void commit_report(struct server *s, struct evhttp_request *req, const struct store_report *in,
                   uint8_t *envelope);

/* Queues a follow-up for req, as commit_report. The auth copy is wiped after use. */
void commit_followup(struct server *s, struct evhttp_request *req, const struct store_followup *in,
                     uint8_t *envelope);

/* Commits and answers what is queued now. Cannot fail (failures become answers). */
void commit_flush(struct server *s);

#endif
