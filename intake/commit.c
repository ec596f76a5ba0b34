/* commit: see commit.h. */
#include "intake/commit.h"

#include <event2/event.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/chain.h"
#include "intake/api.h"
#include "intake/http.h"
#include "intake/server.h"

struct commit_item {
	struct evhttp_request *req;
	struct store_report report;
	struct store_followup followup;
	char district[CODEC_DISTRICT_BUF];
	char day[CODEC_DAY_LEN + 1];
	uint8_t pow[40];
	uint8_t *envelope;
};

struct commit_queue {
	struct event *ev;
	struct commit_item items[COMMIT_MAX_ITEMS];
	struct store_batch_item batch[COMMIT_MAX_ITEMS];
	size_t n;
	size_t bytes;
};

static void
on_commit(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	commit_flush(arg);
}

int
commit_init(struct server *s)
{
	struct commit_queue *q = calloc(1, sizeof *q);

	if (q == NULL)
		return -1;
	q->ev = event_new(s->base, -1, 0, on_commit, s);
	if (q->ev == NULL) {
		free(q);
		return -1;
	}
	s->commit = q;
	return 0;
}

void
commit_free(struct server *s)
{
	struct commit_queue *q = s->commit;

	if (q == NULL)
		return;
	commit_flush(s);
	event_free(q->ev);
	sodium_memzero(q, sizeof *q);
	free(q);
	s->commit = NULL;
}

/* Takes a slot; flushes first when the queue is full. NULL only if flushing left none. */
static struct commit_item *
slot(struct server *s, size_t envlen)
{
	struct commit_queue *q = s->commit;

	if (q->n == COMMIT_MAX_ITEMS || q->bytes + envlen > COMMIT_MAX_BYTES)
		commit_flush(s);
	if (q->n == COMMIT_MAX_ITEMS)
		return NULL;
	if (q->n == 0)
		event_active(q->ev, EV_TIMEOUT, 1); /* after the requests ready now */
	q->bytes += envlen;
	memset(&q->items[q->n], 0, sizeof q->items[q->n]);
	memset(&q->batch[q->n], 0, sizeof q->batch[q->n]);
	return &q->items[q->n++];
}

void
commit_report(struct server *s, struct evhttp_request *req, const struct store_report *in,
              uint8_t *envelope)
{
	struct commit_item *it = slot(s, in->envelope_len);

	if (it == NULL) {
		free(envelope);
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	it->req = req;
	it->envelope = envelope;
	it->report = *in;
	snprintf(it->district, sizeof it->district, "%s", in->district);
	memcpy(it->day, in->day, sizeof it->day);
	it->report.district = it->district;
	it->report.day = it->day;
	it->report.envelope = envelope;
	if (in->pow != NULL) {
		memcpy(it->pow, in->pow, sizeof it->pow);
		it->report.pow = it->pow;
	}
	s->commit->batch[s->commit->n - 1].kind = CHAIN_KIND_REPORT;
}

void
commit_followup(struct server *s, struct evhttp_request *req, const struct store_followup *in,
                uint8_t *envelope)
{
	struct commit_item *it = slot(s, in->envelope_len);

	if (it == NULL) {
		free(envelope);
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	it->req = req;
	it->envelope = envelope;
	it->followup = *in;
	memcpy(it->day, in->day, sizeof it->day);
	it->followup.day = it->day;
	it->followup.envelope = envelope;
	if (in->pow != NULL) {
		memcpy(it->pow, in->pow, sizeof it->pow);
		it->followup.pow = it->pow;
	}
	s->commit->batch[s->commit->n - 1].kind = CHAIN_KIND_FOLLOWUP;
}

void
commit_flush(struct server *s)
{
	struct commit_queue *q = s->commit;
	size_t n = q->n;

	if (n == 0)
		return;
	event_del(q->ev);
	for (size_t i = 0; i < n; i++) {
		q->batch[i].report = &q->items[i].report;
		q->batch[i].followup = &q->items[i].followup;
	}
	(void)store_put_batch(s->store, q->batch, n); /* outcomes are per item */
	/* the queue is empty before answering: an answer may not re-enter a full queue */
	q->n = 0;
	q->bytes = 0;
	for (size_t i = 0; i < n; i++) {
		struct commit_item *it = &q->items[i];

		if (q->batch[i].result == STORE_OK)
			api_reply_receipt(s, it->req, &q->batch[i].receipt);
		else
			api_reply_store_error(it->req, q->batch[i].result);
		sodium_memzero(it->followup.auth, sizeof it->followup.auth);
		free(it->envelope);
		it->envelope = NULL;
		it->req = NULL;
	}
}
