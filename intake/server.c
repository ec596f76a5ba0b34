/* server: see server.h. */
#include "intake/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/codec.h"
#include "crypto/submission.h"
#include "intake/commit.h"
#include "intake/evhook.h"
#include "intake/spent.h"

void
server_today(const struct config *c, char out[CODEC_DAY_LEN + 1])
{
	const char *fake = getenv("QF_TODAY");

	if (fake != NULL && codec_day_valid(fake)) {
		memcpy(out, fake, CODEC_DAY_LEN + 1);
		return;
	}
	if (codec_day_format(out, time(NULL), c->day_offset_minutes) != 0)
		codec_day_format(out, time(NULL), 0);
}

int
server_build_info(struct server *s)
{
	char pk[CODEC_B64U_BUF(32)];
	json_t *d = json_array();
	json_t *info;

	for (size_t i = 0; d != NULL && i < s->cfg.ndistricts; i++) {
		json_t *o = keyfile_public_to_json(&s->cfg.districts[i]);

		const struct config_tier *t = &s->cfg.tiers[i];

		json_object_del(o, "type");
		json_object_del(o, "v");
		/* §14: where the commission stands in the tree */
		json_object_set_new(o, "level", json_string(t->level));
		json_object_set_new(o, "parent",
		                    t->parent[0] ? json_string(t->parent) : json_null());
		json_array_append_new(d, o);
	}
	codec_b64u_encode(pk, sizeof pk, s->key->sign_pk, 32);
	info = json_pack("{s:s, s:i, s:s, s:s, s:o*, s:{s:I}, s:{s:I}}", "service", "qingfeng",
	                 "api", 1, "version", SERVER_VERSION, "server_sign_pk", pk, "districts", d,
	                 "limits", "max_envelope_bytes", (json_int_t)s->cfg.max_envelope_bytes,
	                 "pow", "difficulty", (json_int_t)s->cfg.pow_difficulty);
	if (info == NULL)
		return -1;
	free(s->info_json);
	s->info_json = json_dumps(info, JSON_COMPACT);
	json_decref(info);
	return s->info_json ? 0 : -1;
}

/* The web root: configured, else build/web beside the binary's tree, else installed. */
static void
find_web_root(struct server *s)
{
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	struct stat st;
	ssize_t n;
	char *slash;

	if (s->cfg.web_root[0] != '\0') {
		snprintf(s->web_root, sizeof s->web_root, "%s", s->cfg.web_root);
		return;
	}
	s->web_root[0] = '\0';
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/'); /* .../bin/qingfeng-intake */
		if (slash != NULL) {
			*slash = '\0';
			slash = strrchr(exe, '/');
			if (slash != NULL) {
				*slash = '\0'; /* build tree: .../build[/san] */
				snprintf(cand, sizeof cand, "%s/web", exe);
				if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) {
					snprintf(s->web_root, sizeof s->web_root, "%s", cand);
					return;
				}
				snprintf(cand, sizeof cand, "%s/share/qingfeng/web", exe);
				if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) {
					snprintf(s->web_root, sizeof s->web_root, "%s", cand);
					return;
				}
			}
		}
	}
}

int
server_open(struct server *s, const char *dir)
{
	char err[512], path[2200];
	struct store_config sc;
	int rc;

	memset(s, 0, sizeof *s);
	if (strlen(dir) >= sizeof s->data_dir) {
		fprintf(stderr, "qingfeng-intake: data directory path too long\n");
		return -1;
	}
	snprintf(s->data_dir, sizeof s->data_dir, "%s", dir);
	snprintf(s->config_path, sizeof s->config_path, "%s/config.json", dir);
	if (config_load(&s->cfg, s->config_path, err, sizeof err) != 0) {
		fprintf(stderr, "qingfeng-intake: %s\n", err);
		return -1;
	}
	snprintf(path, sizeof path, "%s/server.key", dir);
	if (serverkey_load(&s->key, path) != 0) {
		fprintf(stderr, "qingfeng-intake: cannot load %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* new at every start: nothing about proof-of-work outlives the process */
	randombytes_buf(s->key->pow_key, sizeof s->key->pow_key);
	s->started = (uint64_t)time(NULL);
	memset(&sc, 0, sizeof sc);
	sc.map_max = s->cfg.map_max_bytes;
	sc.quota_bytes = s->cfg.quota_bytes;
	snprintf(path, sizeof path, "%s/db", dir);
	rc = store_open(&s->store, path, &sc);
	if (rc != STORE_OK) {
		fprintf(stderr, "qingfeng-intake: cannot open the store in %s: %s\n", path,
		        store_strerror(rc));
		server_close(s);
		return -1;
	}
	if (store_compacted(s->store))
		fprintf(stderr,
		        "qingfeng-intake: upgraded the store: the spent proof-of-work "
		        "challenges of the old version were dropped and data.mdb compacted\n");
	for (size_t i = 0; i < s->cfg.ndistricts; i++) {
		rc = store_district_ensure(s->store, s->cfg.districts[i].id);
		if (rc != STORE_OK) {
			fprintf(stderr, "qingfeng-intake: cannot register district %s: %s\n",
			        s->cfg.districts[i].id, store_strerror(rc));
			server_close(s);
			return -1;
		}
	}
	find_web_root(s);
	return 0;
}

void
server_close(struct server *s)
{
	store_close(s->store);
	s->store = NULL;
	serverkey_free(s->key);
	s->key = NULL;
	ratelimit_free(s->rl);
	s->rl = NULL;
	spent_free(s->spent);
	s->spent = NULL;
	free(s->info_json);
	s->info_json = NULL;
}

/* ---- connection accounting -------------------------------------------- */

/*
 * Every connection's bufferevent is registered when evhttp asks for it, with
 * a reference of ours so its memory outlives evhttp's use; evhttp clears its
 * callbacks when it frees the connection, which is how the sweep (on every
 * accept and on a 200 ms timer) learns that it is gone and lets it go.
 *
 * Each connection is in a phase of its current request (server.h): idle
 * until a byte arrives, then head, body (once the header callback saw the
 * header) and busy (handled, until the answer is sent: then idle again). A
 * kept-alive connection's next request starts afresh, with the same
 * budgets as a first one: its header must be complete SERVER_HEAD_TIMEOUT
 * seconds after its first byte, and a body still arriving request_timeout
 * seconds after the request began must have averaged SLOT_MIN_RATE bytes a
 * second (time spent waiting for an upload slot not counted); the sweep
 * closes those that do not. At max_connections a new connection makes room:
 * the one idle longest goes first, then the oldest incomplete header, then
 * the oldest incomplete body without a slot, each only after EVICT_GRACE_MS
 * (a connection just opened has not had time to send anything); busy
 * connections and upload slot holders are never evicted (slot holders are
 * policed by rate). When nothing can go yet the listener pauses at twice
 * max_connections, for at most the grace and one sweep.
 *
 * Memory: evhttp keeps a body in the connection's input buffer until the
 * last byte is there. A write's header is checked first (api_gate): a
 * refused one is answered at once (its Content-Length removed, so evhttp
 * reads no body) and closed; an accepted one whose body will pass
 * SERVER_SMALL_REQUEST needs one of s->slots upload slots (each room for
 * the largest body) before its body is read. Other requests are counted
 * as they arrive and need a slot once they have brought SERVER_SMALL_REQUEST
 * bytes. Without a free slot the connection stops reading, which TCP turns
 * into back-pressure on the client, and waits for its turn; the handler
 * gives the slot back when it has the whole request (server_conn_served), a
 * connection that goes gives back what it held, and one that waits longer
 * than request_timeout is closed. While others wait, a slot holder that
 * brought less than SLOT_MIN_RATE bytes a second over its last
 * SLOT_WINDOW_MS is closed, so a few slow uploads cannot hold every slot.
 * Reads are kept just under 16 KiB so that libevent's buffer chains (a
 * power of two each) are not half empty.
 */
#define EVICT_GRACE_MS 1000
#define CONN_READ_MAX  (16384 - 256)
#define SLOT_MIN_RATE  (16u << 10)
#define SLOT_WINDOW_MS 5000

static long long
now_ms(struct server *s)
{
	struct timeval now;

	event_base_gettimeofday_cached(s->base, &now);
	return (long long)now.tv_sec * 1000 + now.tv_usec / 1000;
}

/* Is c's connection still evhttp's? (evhttp clears the callbacks when it lets go.) */
static int
conn_open(const struct server_conn *c)
{
	bufferevent_data_cb r = NULL, w = NULL;
	bufferevent_event_cb e = NULL;
	void *arg = NULL;

	bufferevent_getcb(c->bev, &r, &w, &e, &arg);
	return r != NULL || e != NULL;
}

/* Shuts c's socket down so that evhttp sees the end and frees it. */
static void
conn_close(struct server_conn *c)
{
	evutil_socket_t fd = bufferevent_getfd(c->bev);

	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	if (c->waiting != 0) {
		c->waiting = 0;
		bufferevent_enable(c->bev, EV_READ); /* to read the end */
	}
}

static void
slot_take(struct server_conn *c)
{
	c->slot = 1;
	c->mark = c->received;
	c->mark_ms = now_ms(c->s);
	c->s->slots_used++;
}

/* Gives free slots to the connections waiting longest. */
static void
slots_hand_out(struct server *s)
{
	while (s->slots_used < s->slots) {
		struct server_conn *next = NULL;

		for (unsigned i = 0; i < s->nconns; i++) {
			struct server_conn *c = s->conns[i];

			if (c->waiting != 0 && (next == NULL || c->waiting < next->waiting))
				next = c;
		}
		if (next == NULL)
			return;
		next->waiting = 0;
		if (!conn_open(next))
			continue;
		next->phase_ms += now_ms(s) - next->wait_ms; /* waiting is not the client's time */
		slot_take(next);
		bufferevent_enable(next->bev, EV_READ);
	}
}

static void
slot_release(struct server_conn *c)
{
	if (c->slot) {
		c->slot = 0;
		c->s->slots_used--;
		slots_hand_out(c->s);
	}
}

/* Takes a free slot for c, or makes it wait for one with reading paused. */
static void
slot_need(struct server_conn *c)
{
	struct server *s = c->s;

	if (s->slots_used < s->slots) {
		slot_take(c);
		return;
	}
	c->waiting = ++s->wait_turn;
	c->wait_ms = now_ms(s);
	bufferevent_disable(c->bev, EV_READ);
}

/* Counts what is read into a connection's input buffer (evbuffer callback). */
static void
conn_count(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct server_conn *c = arg;

	(void)buf;
	if (info->n_added == 0)
		return;
	if (c->phase == SERVER_IDLE) {
		c->phase = SERVER_HEAD; /* a request begins: its budgets start now */
		c->phase_ms = now_ms(c->s);
	}
	c->received += info->n_added;
	if (c->slot || c->waiting != 0 || c->slot_fixed || c->received < SERVER_SMALL_REQUEST)
		return;
	slot_need(c);
}

static void
conn_free(struct server_conn *c)
{
	evbuffer_remove_cb_entry(bufferevent_get_input(c->bev), c->counter);
	bufferevent_decref(c->bev);
	free(c);
}

/* Closes c when its current request is over its time budget. */
static void
conn_budget(struct server *s, struct server_conn *c, long long now)
{
	long long head =
	        (long long)(s->cfg.request_timeout < SERVER_HEAD_TIMEOUT ? s->cfg.request_timeout
	                                                                 : SERVER_HEAD_TIMEOUT) *
	        1000;
	long long body = (long long)s->cfg.request_timeout * 1000;
	long long age = now - c->phase_ms;

	if (c->evicted || c->waiting != 0)
		return;
	if (c->phase == SERVER_HEAD && age > head)
		conn_close(c);
	else if (c->phase == SERVER_BODY && age > body &&
	         (double)c->received < (double)age / 1000 * SLOT_MIN_RATE)
		conn_close(c);
}

static void
sweep(struct server *s)
{
	unsigned keep = 0, released = 0, waiting = 0;
	long long now = now_ms(s);

	for (unsigned i = 0; i < s->nconns; i++) {
		struct server_conn *c = s->conns[i];

		if (!conn_open(c)) {
			if (c->slot) {
				s->slots_used--;
				released = 1;
			}
			conn_free(c); /* evhttp let it go: so do we */
			continue;
		}
		if (c->waiting != 0) {
			if (now - c->wait_ms > (long long)s->cfg.request_timeout * 1000)
				conn_close(c);
			else
				waiting++;
		}
		conn_budget(s, c, now);
		s->conns[keep++] = c;
	}
	for (unsigned i = 0; i < keep; i++) {
		struct server_conn *c = s->conns[i];
		long long span = now - c->mark_ms;

		if (!c->slot || span < SLOT_WINDOW_MS)
			continue;
		if (waiting > 0 &&
		    (double)(c->received - c->mark) < (double)span / 1000 * SLOT_MIN_RATE)
			conn_close(c); /* too slow while others wait: it goes when evhttp sees it */
		c->mark = c->received;
		c->mark_ms = now;
	}
	s->nconns = keep;
	s->live = keep;
	if (released)
		slots_hand_out(s);
}

/*
 * Shuts down the connection that can best go: idle longest, else the
 * oldest incomplete header, else the oldest incomplete body without a slot,
 * each at least EVICT_GRACE_MS in its phase. Returns 1, or 0 if none.
 */
static int
evict_one(struct server *s)
{
	long long now = now_ms(s);
	struct server_conn *best = NULL;
	int best_rank = 3;

	for (unsigned i = 0; i < s->nconns; i++) {
		struct server_conn *c = s->conns[i];
		int rank;

		if (c->evicted || c->slot || c->phase == SERVER_BUSY ||
		    now - c->phase_ms < EVICT_GRACE_MS)
			continue;
		rank = c->phase == SERVER_IDLE ? 0 : c->phase == SERVER_HEAD ? 1 : 2;
		if (best == NULL || rank < best_rank ||
		    (rank == best_rank && c->phase_ms < best->phase_ms)) {
			best = c;
			best_rank = rank;
		}
	}
	if (best == NULL)
		return 0;
	best->evicted = 1;
	conn_close(best);
	return 1;
}

/* Makes room down to max_connections among the connections old enough to judge. */
static void
evict_excess(struct server *s)
{
	unsigned live = 0;

	for (unsigned i = 0; i < s->nconns; i++)
		live += !s->conns[i]->evicted;
	while (live >= s->cfg.max_connections && evict_one(s))
		live--;
}

static void
update_listener(struct server *s)
{
	struct evconnlistener *l = s->sock ? evhttp_bound_socket_get_listener(s->sock) : NULL;
	unsigned hard = s->cfg.max_connections * 2;

	if (l == NULL)
		return;
	if (!s->paused && s->nconns >= hard) {
		evconnlistener_disable(l);
		s->paused = 1;
	} else if (s->paused && s->nconns < hard) {
		evconnlistener_enable(l);
		s->paused = 0;
	}
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)fd;
	(void)what;
	sweep(s);
	evict_excess(s);
	update_listener(s);
}

/* Called by evhttp for each accepted connection. */
static struct bufferevent *
conn_new(struct event_base *base, void *arg)
{
	struct server *s = arg;
	struct bufferevent *bev;
	struct server_conn *c;

	sweep(s);
	evict_excess(s);
	if (s->nconns == s->capconns) { /* accepted in one batch past the pause */
		struct server_conn **more = reallocarray(
		        s->conns, s->capconns * 2,
		        sizeof *more); /* NOLINT(bugprone-sizeof-expression): pointers */

		if (more == NULL)
			return NULL; /* evhttp makes its own: untracked, but served */
		s->conns = more;
		s->capconns *= 2;
	}
	c = calloc(1, sizeof *c);
	bev = c ? bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE) : NULL;
	if (bev == NULL ||
	    (c->counter = evbuffer_add_cb(bufferevent_get_input(bev), conn_count, c)) == NULL) {
		if (bev != NULL)
			bufferevent_free(bev);
		free(c);
		return NULL;
	}
	bufferevent_set_max_single_read(bev, CONN_READ_MAX);
	bufferevent_incref(bev);
	c->s = s;
	c->bev = bev;
	c->phase = SERVER_IDLE;
	c->phase_ms = now_ms(s);
	s->conns[s->nconns++] = c;
	s->live = s->nconns;
	update_listener(s);
	return bev;
}

/* The tracked connection req arrived on, or NULL. */
static struct server_conn *
conn_of(struct server *s, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;

	for (unsigned i = s->nconns; bev != NULL && i > 0; i--)
		if (s->conns[i - 1]->bev == bev)
			return s->conns[i - 1];
	return NULL;
}

/*
 * The header callback (evhook): a request's header is read, its body not
 * yet. A write goes through the gate here; a refused one loses its
 * Content-Length, so evhttp hands it to the request handler at once without
 * reading a body, and the answer closes the connection.
 */
static int
on_head(struct evhttp_request *req, void *arg)
{
	struct server *s = arg;
	struct server_conn *c = conn_of(s, req);
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	uint64_t length = 0, total;
	size_t have;

	if (c == NULL)
		return 0; /* untracked (memory ran out at accept): served, checked later */
	if (c->phase == SERVER_IDLE)
		c->phase_ms = now_ms(s);
	c->phase = SERVER_BODY;
	c->gated = 1;
	memset(&c->verdict, 0, sizeof c->verdict);
	if (!s->h->is_write(req))
		return 0;
	c->slot_fixed = 1;
	if (s->h->gate(s, req, &c->verdict, &length) != 0) {
		evhttp_remove_header(h, "Content-Length");
		evhttp_remove_header(h, "Transfer-Encoding");
		return 0;
	}
	have = evbuffer_get_length(bufferevent_get_input(c->bev));
	total = c->received + (length > have ? length - have : 0);
	if (total >= SERVER_SMALL_REQUEST && !c->slot && c->waiting == 0)
		slot_need(c);
	return 0;
}

/* The answer to c's request was sent: the connection is idle, budgets start afresh. */
static void
on_answered(struct evhttp_request *req, void *arg)
{
	struct server_conn *c = arg;

	(void)req;
	c->phase = SERVER_IDLE;
	c->phase_ms = now_ms(c->s);
	c->gated = 0;
	c->slot_fixed = 0;
	c->received = 0;
	memset(&c->verdict, 0, sizeof c->verdict);
}

void
server_conn_served(struct server *s, struct evhttp_request *req)
{
	struct server_conn *c = conn_of(s, req);

	if (c == NULL)
		return;
	if (!c->gated && !s->warned_hook && !evhook_active()) {
		s->warned_hook = 1;
		fprintf(stderr,
		        "qingfeng-intake: warning: this libevent does not let the server see "
		        "a request's header before its body; writes are checked after their "
		        "body arrives\n");
	}
	c->phase = SERVER_BUSY;
	c->received = 0;
	c->waiting = 0;
	slot_release(c);
	evhttp_request_set_on_complete_cb(req, on_answered, c);
}

const struct http_verdict *
server_conn_verdict(struct server *s, struct evhttp_request *req)
{
	struct server_conn *c = conn_of(s, req);

	return c != NULL && c->gated ? &c->verdict : NULL;
}

/* Drops our references once evhttp is gone. */
static void
conns_free(struct server *s)
{
	for (unsigned i = 0; i < s->nconns; i++)
		conn_free(s->conns[i]);
	s->nconns = 0;
	free(s->conns);
	s->conns = NULL;
}

/* ---- signals and housekeeping ----------------------------------------- */

static void
on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	struct timeval grace = {10, 0};
	struct timeval tick_short = {0, 100000};

	(void)sig;
	(void)what;
	if (s->stopping)
		return;
	s->stopping = 1;
	fprintf(stderr, "qingfeng-intake: stopping: finishing open requests\n");
	commit_flush(s->commit);
	if (s->sock != NULL) {
		evhttp_del_accept_socket(s->http, s->sock);
		s->sock = NULL;
	}
	event_base_loopexit(s->base, &grace);
	event_add(s->ev_drain, &tick_short);
}

/* While stopping: leave as soon as no connection is open. */
static void
on_drain(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct timeval again = {0, 100000};

	(void)fd;
	(void)what;
	sweep(s);
	if (s->live == 0)
		event_base_loopexit(s->base, NULL);
	else
		event_add(s->ev_drain, &again);
}

/*
 * SIGHUP: the handlers' files (h->reload), then the districts of config.json
 * (other settings need a restart). A config that does not load, or a
 * district the store cannot register, keeps the old districts; either way
 * one line on stderr says what happened.
 */
static void
on_reload(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	struct config c;
	char err[512];

	(void)sig;
	(void)what;
	/* the handlers' files (the no-JS pieces of a redeployed web root) do not depend on config */
	if (s->h->reload != NULL)
		s->h->reload(s);
	if (config_load(&c, s->config_path, err, sizeof err) != 0) {
		fprintf(stderr, "qingfeng-intake: reload refused, keeping the old districts: %s\n",
		        err);
		return;
	}
	for (size_t i = 0; i < c.ndistricts; i++) {
		if (store_district_ensure(s->store, c.districts[i].id) != STORE_OK) {
			fprintf(stderr, "qingfeng-intake: reload refused: cannot register %s\n",
			        c.districts[i].id);
			return;
		}
	}
	s->cfg.ndistricts = c.ndistricts;
	memcpy(s->cfg.districts, c.districts, sizeof c.districts);
	memcpy(s->cfg.tiers, c.tiers, sizeof c.tiers);
	if (server_build_info(s) != 0) {
		fprintf(stderr, "qingfeng-intake: reload: out of memory\n");
		return;
	}
	fprintf(stderr, "qingfeng-intake: reloaded: %zu district(s)\n", s->cfg.ndistricts);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct store_stats st;

	(void)fd;
	(void)what;
	/* a write every minute, so file times do not date the last submission */
	store_touch(s->store);
	if (store_stats(s->store, &st) == STORE_OK && st.map_max > 0) {
		int full = st.map_used > st.map_max / 10 * 8;

		if (full && !s->warned_full)
			fprintf(stderr, "qingfeng-intake: storage is over 80%% of map_max_bytes\n");
		s->warned_full = full;
	}
}

static int
split_listen(const char *listen, char *host, size_t hostsz, unsigned short *port)
{
	const char *colon = strrchr(listen, ':');
	const char *h = listen;
	size_t hl;
	char *end;
	long p;

	if (colon == NULL)
		return -1;
	hl = (size_t)(colon - listen);
	if (hl >= 2 && listen[0] == '[' && listen[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl == 0 || hl >= hostsz)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	p = strtol(colon + 1, &end, 10);
	if (*end != '\0' || p < 0 || p > 65535)
		return -1;
	*port = (unsigned short)p;
	return 0;
}

int
server_start(struct server **out, const char *dir, const char *listen,
             const struct server_handlers *h)
{
	struct server *s = calloc(1, sizeof *s);
	struct timeval tick = {60, 0};
	struct timeval sweep_every = {0, 200000};
	char host[128];
	unsigned short port;

	*out = NULL;
	if (s == NULL)
		return -1;
	if (server_open(s, dir) != 0) {
		free(s);
		return -1;
	}
	s->h = h; /* server_open cleared s */
	if (listen != NULL)
		snprintf(s->cfg.listen, sizeof s->cfg.listen, "%s", listen);
	if (split_listen(s->cfg.listen, host, sizeof host, &port) != 0) {
		fprintf(stderr, "qingfeng-intake: bad listen address \"%s\" (want HOST:PORT)\n",
		        s->cfg.listen);
		goto fail;
	}
	s->max_body = (size_t)(s->cfg.max_envelope_bytes + SUBMISSION_OVERHEAD);
	s->rl = ratelimit_new(65536, s->cfg.status_per_minute);
	s->spent = spent_new(s->cfg.pow_spent_max, s->cfg.pow_ttl);
	if (s->rl == NULL || s->spent == NULL || h->init(s) != 0 || server_build_info(s) != 0) {
		fprintf(stderr, "qingfeng-intake: out of memory\n");
		goto fail;
	}
	signal(SIGPIPE, SIG_IGN);
	s->base = event_base_new();
	s->http = s->base ? evhttp_new(s->base) : NULL;
	if (s->http == NULL) {
		fprintf(stderr, "qingfeng-intake: cannot set up libevent\n");
		goto fail;
	}
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	                                            EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	                                            EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(s->http, 16384);
	evhttp_set_max_body_size(s->http, (ev_ssize_t)s->max_body);
	evhttp_set_timeout(s->http, (int)s->cfg.request_timeout);
	evhttp_set_default_content_type(s->http, "application/json; charset=utf-8");
	evhttp_set_bevcb(s->http, conn_new, s);
	if (commit_init(&s->commit, s->base, s->store, s->key->sign_sk) != 0) {
		fprintf(stderr, "qingfeng-intake: out of memory\n");
		goto fail;
	}
	evhttp_set_gencb(s->http, h->request, s);
	if (evhook_install(s->http, on_head, s) != 0) {
		fprintf(stderr, "qingfeng-intake: cannot set up libevent's header callback\n");
		goto fail;
	}
	s->capconns = s->cfg.max_connections * 2;
	s->conns = calloc(s->capconns,
	                  sizeof *s->conns); /* NOLINT(bugprone-sizeof-expression): pointers */
	s->slots = (unsigned)(s->cfg.upload_memory_bytes / s->max_body);
	if (s->slots == 0)
		s->slots = 1;
	if (s->conns == NULL) {
		fprintf(stderr, "qingfeng-intake: out of memory\n");
		goto fail;
	}
	s->sock = evhttp_bind_socket_with_handle(s->http, host, port);
	if (s->sock == NULL) {
		fprintf(stderr, "qingfeng-intake: cannot listen on %s: %s\n", s->cfg.listen,
		        strerror(errno));
		goto fail;
	}
	s->ev_term = evsignal_new(s->base, SIGTERM, on_stop, s);
	s->ev_int = evsignal_new(s->base, SIGINT, on_stop, s);
	s->ev_hup = evsignal_new(s->base, SIGHUP, on_reload, s);
	s->ev_tick = event_new(s->base, -1, EV_PERSIST, on_tick, s);
	s->ev_resume = event_new(s->base, -1, EV_PERSIST, on_resume, s);
	s->ev_drain = evtimer_new(s->base, on_drain, s);
	if (!s->ev_term || !s->ev_int || !s->ev_hup || !s->ev_tick || !s->ev_resume ||
	    !s->ev_drain || evsignal_add(s->ev_term, NULL) || evsignal_add(s->ev_int, NULL) ||
	    evsignal_add(s->ev_hup, NULL) || event_add(s->ev_tick, &tick) ||
	    event_add(s->ev_resume, &sweep_every)) {
		fprintf(stderr, "qingfeng-intake: cannot set up signals\n");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	server_free(s);
	return -1;
}

unsigned short
server_port(const struct server *s)
{
	struct sockaddr_storage a;
	socklen_t al = sizeof a;

	memset(&a, 0, sizeof a);
	if (s->sock == NULL ||
	    getsockname(evhttp_bound_socket_get_fd(s->sock), (struct sockaddr *)&a, &al) != 0)
		return 0;
	if (a.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a)->sin_port);
	if (a.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a)->sin6_port);
	return 0;
}

void
server_loop(struct server *s)
{
	event_base_dispatch(s->base);
}

void
server_free(struct server *s)
{
	if (s == NULL)
		return;
	if (s->ev_term)
		event_free(s->ev_term);
	if (s->ev_int)
		event_free(s->ev_int);
	if (s->ev_hup)
		event_free(s->ev_hup);
	if (s->ev_tick)
		event_free(s->ev_tick);
	if (s->ev_resume)
		event_free(s->ev_resume);
	if (s->ev_drain)
		event_free(s->ev_drain);
	commit_free(s->commit); /* answers and frees what is still queued, before evhttp goes */
	s->commit = NULL;
	if (s->http) {
		evhook_install(NULL, NULL, NULL);
		evhttp_free(s->http);
	}
	conns_free(s);
	if (s->base)
		event_base_free(s->base);
	s->h->fini(s);
	server_close(s);
	free(s);
}

int
server_run(const char *dir, const char *listen, const struct server_handlers *h)
{
	struct server *s;

	if (server_start(&s, dir, listen, h) != 0)
		return -1;
	fprintf(stderr,
	        "qingfeng-intake: serving %zu district(s) on http://%s/ (port %u; web root %s)\n",
	        s->cfg.ndistricts, s->cfg.listen, (unsigned)server_port(s),
	        s->web_root[0] ? s->web_root : "none");
	server_loop(s);
	fprintf(stderr, "qingfeng-intake: stopped\n");
	server_free(s);
	return 0;
}
