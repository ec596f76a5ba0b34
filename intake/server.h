/*
 * server: the running intake service (`qingfeng-intake serve`): one libevent
 * loop with evhttp, the store, the server key, the spent proof-of-work
 * challenges and the in-memory limits. Every request, the first on a
 * connection or a later one on a kept-alive connection, gets the same time
 * budgets (its header within SERVER_HEAD_TIMEOUT, its body at a minimum
 * rate after request_timeout); at max_connections idle and slow
 * connections are evicted first. A write's header is checked (the
 * handlers' gate) before its body is read or it gets an upload slot (slots bound the memory
 * of large bodies in flight: upload_memory_bytes / the largest body). It
 * logs only operational events (start, stop, reload, storage filling up),
 * never anything per request.
 */
#ifndef QF_INTAKE_SERVER_H
#define QF_INTAKE_SERVER_H

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <limits.h>
#include <stddef.h>

#include "crypto/serverkey.h"
#include "intake/config.h"
#include "intake/http.h"
#include "intake/ratelimit.h"
#include "store/store.h"

#define SERVER_VERSION "0.1.0"

/*
 * Bytes a request may bring before it needs an upload slot: every ordinary
 * request (status, a text report, the no-JS forms) fits without one.
 */
#define SERVER_SMALL_REQUEST (64u << 10)

/* Seconds a request's header may take from its first byte (at most request_timeout). */
#define SERVER_HEAD_TIMEOUT 10

/* Where a connection is in its current request (see server.c, connection accounting). */
enum server_phase {
	SERVER_IDLE, /* no byte of a request yet (new, or kept alive after an answer) */
	SERVER_HEAD, /* a request's header is arriving */
	SERVER_BODY, /* its header is read, its body is arriving */
	SERVER_BUSY  /* the whole request is being handled, until its answer is sent */
};

/* A connection as the server tracks it (see server.c, connection accounting). */
struct server_conn {
	struct server *s;
	struct bufferevent *bev;
	struct evbuffer_cb_entry *counter; /* counts bytes read into bev's input */
	int phase;                         /* enum server_phase */
	int evicted;                       /* shut down to make room: not counted again */
	long long phase_ms;                /* idle since, or the current request's first byte */
	int gated;                         /* the header callback ran for this request */
	int slot_fixed;                    /* the gate decided this request's slot */
	struct http_verdict verdict;       /* the gate's refusal (status 0: none) */
	size_t received;                   /* bytes read since its last request was handled */
	int slot;                          /* holds an upload slot */
	unsigned long waiting;             /* waits for a slot (reading paused): its turn, or 0 */
	long long wait_ms;                 /* waiting since (ms) */
	long long mark_ms;                 /* slot holder: start of its rate window (ms) */
	size_t mark;                       /* received at mark_ms */
};

struct server;

/*
 * What the server runs, given by its caller (route.h): the server itself
 * knows no paths and no endpoint.
 */
struct server_handlers {
	/* the evhttp generic callback (arg: the struct server); one answer per request */
	void (*request)(struct evhttp_request *req, void *arg);
	/* 1 when req is a write whose header must pass the gate before its body is read */
	int (*is_write)(struct evhttp_request *req);
	/* the write gate: 0 with *length its Content-Length, or -1 with the refusal in v */
	int (*gate)(struct server *s, struct evhttp_request *req, struct http_verdict *v,
	            uint64_t *length);
	/* sets up the handlers' own state after server_open: 0, or -1 when memory runs out */
	int (*init)(struct server *s);
	/* frees it (also after a failed init). Cannot fail. */
	void (*fini)(struct server *s);
	/* re-reads the handlers' own files on SIGHUP, saying on stderr how it went (NULL: none) */
	void (*reload)(struct server *s);
};

struct server {
	const struct server_handlers *h;
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	struct event *ev_term, *ev_int, *ev_hup, *ev_tick, *ev_resume, *ev_drain;
	char data_dir[2048];
	char config_path[2100];
	char web_root[PATH_MAX + 64];
	struct config cfg;
	struct store *store;
	struct serverkey *key;
	struct ratelimit *rl;
	struct spent *spent;         /* spent proof-of-work challenges (memory only) */
	struct nojs_state *nojs;     /* the no-JS path's limits and pieces (nojs.c) */
	uint64_t started;            /* unix time of the start (pow_key is new since) */
	int warned_hook;             /* logged that headers cannot be checked before bodies */
	struct commit_queue *commit; /* submissions waiting for their group commit */
	char *info_json;             /* cached /api/v1/info answer */
	size_t max_body;             /* largest JSON body accepted */
	unsigned live;               /* open connections, as last counted */
	struct server_conn **conns;  /* every connection evhttp holds, oldest first */
	unsigned nconns, capconns;
	unsigned slots, slots_used; /* upload slots: requests over SERVER_SMALL_REQUEST */
	unsigned long wait_turn;    /* last turn given to a connection waiting for a slot */
	int paused;                 /* listener paused at max_connections */
	int stopping;
	int warned_full; /* logged "storage 80% full" already */
};

/*
 * Sets up the service for data directory dir with handlers h: the store,
 * the key, the group commit, evhttp and its limits, signals, and the
 * listening socket (listen, if not NULL, overrides the configured address;
 * port 0 takes a free one, see server_port). Returns 0 with *out set, or
 * -1 after printing why it could not start (nothing is left open).
 */
int server_start(struct server **out, const char *dir, const char *listen,
                 const struct server_handlers *h);

/* The port s listens on (0 once it stopped listening). Cannot fail. */
unsigned short server_port(const struct server *s);

/* Runs s's loop until SIGTERM or SIGINT (or its base is told to exit). Cannot fail. */
void server_loop(struct server *s);

/* Completes what is queued, closes everything server_start opened and frees s. */
void server_free(struct server *s);

/*
 * server_start, server_loop, server_free. Returns 0 after a clean stop, or
 * -1 after printing why it could not start.
 */
int server_run(const char *dir, const char *listen, const struct server_handlers *h);

/*
 * Today's day in the configured offset ("YYYY-MM-DD"). The environment
 * variable QF_TODAY, when a valid day, overrides the clock (for tests).
 * Cannot fail (falls back to UTC).
 */
void server_today(const struct config *c, char out[CODEC_DAY_LEN + 1]);

/*
 * Marks req's connection busy with a whole request (not evicted until its
 * answer is sent; then idle again, with fresh budgets for its next
 * request), and gives back its upload slot (the handler consumes the body
 * before it returns). Cannot fail.
 */
void server_conn_served(struct server *s, struct evhttp_request *req);

/*
 * The gate's verdict on req, decided from its header before the body was
 * read (status 0: it passed), or NULL when the header callback did not run
 * for it (libevent without the hook: see evhook.h). Cannot fail.
 */
const struct http_verdict *server_conn_verdict(struct server *s, struct evhttp_request *req);

/* Rebuilds the cached /api/v1/info answer. Returns 0, or -1 when memory runs out. */
int server_build_info(struct server *s);

/*
 * Opens the store, the key and the config of data directory dir into s
 * (without networking), and draws a fresh pow_key (challenges issued before
 * this start no longer verify). Returns 0, or -1 after printing why.
 */
int server_open(struct server *s, const char *dir);

/* Closes what server_open opened. Cannot fail. */
void server_close(struct server *s);

#endif
