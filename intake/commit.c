/* commit: see commit.h. */
#include "intake/commit.h"

#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "crypto/chain.h"

struct commit_item {
	struct evhttp_request *req;
	struct store_report report;
	struct store_followup followup;
	char district[CODEC_DISTRICT_BUF];
	char day[CODEC_DAY_LEN + 1];
	uint8_t *envelope;
	uint8_t sig[SIGN_BYTES]; /* the receipt's, signed by the worker */
	int sig_ok;
	commit_done_fn *done;
	void *arg;
};

/* One batch: filled by the event loop, then committed by the worker. */
struct commit_set {
	struct commit_item items[COMMIT_MAX_ITEMS];
	struct store_batch_item batch[COMMIT_MAX_ITEMS];
	size_t n;
	size_t bytes;
};

/*
 * The loop fills one set while the worker thread commits (and syncs) the
 * other, so parsing the next batch overlaps the fsync of this one. Only the
 * loop touches requests: the worker runs store_put_batch alone and reports
 * back through an eventfd; the loop then answers.
 */
struct commit_queue {
	struct event *ev;      /* a flush after the requests ready now */
	struct event *ev_done; /* the worker finished (efd readable) */
	int efd;
	struct store *store;    /* the server's */
	const uint8_t *sign_sk; /* the server's signing key (read only) */
	struct commit_set sets[2];
	struct commit_set *fill; /* the loop's */
	struct commit_set *busy; /* handed to the worker, until answered; or NULL */
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int work, done, quit; /* under mu */
};

static void *
worker(void *arg)
{
	struct commit_queue *q = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		struct commit_set *set;

		while (!q->work && !q->quit)
			pthread_cond_wait(&q->cv, &q->mu);
		if (!q->work)
			break;
		set = q->busy;
		pthread_mutex_unlock(&q->mu);
		(void)store_put_batch(q->store, set->batch, set->n); /* outcomes are per item */
		for (size_t i = 0; i < set->n; i++) {
			const struct store_receipt *r = &set->batch[i].receipt;

			if (set->batch[i].result == STORE_OK)
				set->items[i].sig_ok =
				        sign_receipt(set->items[i].sig, q->sign_sk, r->district,
				                     r->index, r->day, r->envelope_hash,
				                     r->chain) == 0;
		}
		pthread_mutex_lock(&q->mu);
		q->work = 0;
		q->done = 1;
		pthread_cond_broadcast(&q->cv);
		while (write(q->efd, &one, sizeof one) < 0 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Gives the fill set to the idle worker and starts an empty one. */
static void
hand_over(struct commit_queue *q)
{
	struct commit_set *set = q->fill;

	for (size_t i = 0; i < set->n; i++) {
		set->batch[i].report = &set->items[i].report;
		set->batch[i].followup = &set->items[i].followup;
	}
	event_del(q->ev);
	q->fill = set == &q->sets[0] ? &q->sets[1] : &q->sets[0];
	q->fill->n = 0;
	q->fill->bytes = 0;
	pthread_mutex_lock(&q->mu);
	q->busy = set;
	q->work = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* Completes the busy set if the worker is done with it (or, with wait, once it is). */
static void
reap(struct commit_queue *q, int wait)
{
	struct commit_set *set;
	size_t n;

	pthread_mutex_lock(&q->mu);
	while (wait && q->busy != NULL && !q->done)
		pthread_cond_wait(&q->cv, &q->mu);
	set = q->done ? q->busy : NULL;
	if (set != NULL) {
		q->done = 0;
		q->busy = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	if (set == NULL)
		return;
	n = set->n;
	set->n = 0;
	set->bytes = 0;
	for (size_t i = 0; i < n; i++) {
		struct commit_item *it = &set->items[i];
		struct commit_outcome o = {set->batch[i].result, &set->batch[i].receipt, it->sig,
		                           it->sig_ok};

		it->done(it->req, &o, it->arg);
		sodium_memzero(it->followup.auth, sizeof it->followup.auth);
		free(it->envelope);
		it->envelope = NULL;
		it->req = NULL;
	}
}

static void
on_commit(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	commit_flush(arg);
}

static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct commit_queue *q = arg;
	uint64_t v;

	(void)what;
	while (read(fd, &v, sizeof v) < 0 && errno == EINTR)
		;
	reap(q, 0);
	if (q->busy == NULL && q->fill->n > 0)
		hand_over(q);
}

int
commit_init(struct commit_queue **out, struct event_base *base, struct store *store,
            const uint8_t *sign_sk)
{
	struct commit_queue *q = calloc(1, sizeof *q);

	*out = NULL;
	if (q == NULL)
		return -1;
	q->store = store;
	q->sign_sk = sign_sk;
	q->fill = &q->sets[0];
	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0 || pthread_mutex_init(&q->mu, NULL) != 0) {
		if (q->efd >= 0)
			close(q->efd);
		free(q);
		return -1;
	}
	if (pthread_cond_init(&q->cv, NULL) != 0) {
		pthread_mutex_destroy(&q->mu);
		close(q->efd);
		free(q);
		return -1;
	}
	/* from here commit_free cleans up */
	q->ev = event_new(base, -1, 0, on_commit, q);
	q->ev_done = event_new(base, q->efd, EV_READ | EV_PERSIST, on_done, q);
	if (q->ev == NULL || q->ev_done == NULL || event_add(q->ev_done, NULL) != 0 ||
	    pthread_create(&q->thread, NULL, worker, q) != 0) {
		commit_free(q);
		return -1;
	}
	q->started = 1;
	*out = q;
	return 0;
}

void
commit_free(struct commit_queue *q)
{
	if (q == NULL)
		return;
	if (q->started) {
		reap(q, 1);
		if (q->fill->n > 0) {
			hand_over(q);
			reap(q, 1);
		}
		pthread_mutex_lock(&q->mu);
		q->quit = 1;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
	}
	if (q->ev)
		event_free(q->ev);
	if (q->ev_done)
		event_free(q->ev_done);
	close(q->efd);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	sodium_memzero(q, sizeof *q);
	free(q);
}

/*
 * Takes a place in the fill set for a submission of kind with envelope
 * (envlen bytes) and day, answered by done(req, ..., arg). When the set is
 * full: waits for the worker, hands the set over and takes a place in the
 * next. NULL only if none.
 */
static struct commit_item *
slot(struct commit_queue *q, int kind, struct evhttp_request *req, uint8_t *envelope, size_t envlen,
     const char *day, commit_done_fn *done, void *arg)
{
	struct commit_set *set = q->fill;
	struct commit_item *it;

	if (set->n == COMMIT_MAX_ITEMS || set->bytes + envlen > COMMIT_MAX_BYTES) {
		reap(q, 1);
		hand_over(q);
		set = q->fill;
	}
	if (set->n == COMMIT_MAX_ITEMS)
		return NULL;
	if (set->n == 0)
		event_active(q->ev, EV_TIMEOUT, 1); /* after the requests ready now */
	set->bytes += envlen;
	it = &set->items[set->n];
	memset(it, 0, sizeof *it);
	memset(&set->batch[set->n], 0, sizeof set->batch[set->n]);
	set->batch[set->n++].kind = kind;
	it->req = req;
	it->done = done;
	it->arg = arg;
	it->envelope = envelope;
	memcpy(it->day, day, sizeof it->day);
	return it;
}

int
commit_report(struct commit_queue *q, struct evhttp_request *req, const struct store_report *in,
              uint8_t *envelope, commit_done_fn *done, void *arg)
{
	struct commit_item *it =
	        slot(q, CHAIN_KIND_REPORT, req, envelope, in->envelope_len, in->day, done, arg);

	if (it == NULL)
		return -1;
	it->report = *in;
	snprintf(it->district, sizeof it->district, "%s", in->district);
	it->report.district = it->district;
	it->report.day = it->day;
	it->report.envelope = envelope;
	return 0;
}

int
commit_followup(struct commit_queue *q, struct evhttp_request *req, const struct store_followup *in,
                uint8_t *envelope, commit_done_fn *done, void *arg)
{
	struct commit_item *it =
	        slot(q, CHAIN_KIND_FOLLOWUP, req, envelope, in->envelope_len, in->day, done, arg);

	if (it == NULL)
		return -1;
	it->followup = *in;
	it->followup.day = it->day;
	it->followup.envelope = envelope;
	return 0;
}

int
commit_busy(const struct commit_queue *q)
{
	return q != NULL && (q->fill->n > 0 || q->busy != NULL);
}

void
commit_flush(struct commit_queue *q)
{
	reap(q, 0);
	if (q->busy == NULL && q->fill->n > 0)
		hand_over(q); /* else on_done hands it over when the worker is free */
}
