/*
 * server: the running intake service (`qingfeng-intake serve`): one libevent
 * loop with evhttp, the store, the server key and the in-memory limits. It
 * bounds connections (evicting slow ones at max_connections), request
 * sizes and times, and the memory of large requests in flight (upload
 * slots: upload_memory_bytes / the largest body); it logs only operational
 * events (start, stop, reload, storage filling up), never anything per
 * request.
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
#include "intake/ratelimit.h"
#include "store/store.h"

#define SERVER_VERSION "0.1.0"

/*
 * Bytes a request may bring before it needs an upload slot: every ordinary
 * request (status, a text report, the no-JS forms) fits without one.
 */
#define SERVER_SMALL_REQUEST (64u << 10)

/* A connection as the server tracks it (see server.c, connection accounting). */
struct server_conn {
	struct server *s;
	struct bufferevent *bev;
	struct evbuffer_cb_entry *counter; /* counts bytes read into bev's input */
	int served;                        /* 1: delivered a whole request; 2: evicted */
	long since;                        /* accepted at (seconds, the event loop's clock) */
	size_t received;                   /* bytes read since its last request was handled */
	int slot;                          /* holds an upload slot */
	unsigned long waiting;             /* waits for a slot (reading paused): its turn, or 0 */
	long long wait_ms;                 /* waiting since (ms) */
	long long mark_ms;                 /* slot holder: start of its rate window (ms) */
	size_t mark;                       /* received at mark_ms */
};

struct server {
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
 * Runs the service for data directory dir until SIGTERM or SIGINT; listen,
 * if not NULL, overrides the configured address. Returns 0 after a clean
 * stop, or -1 after printing why it could not start.
 */
int server_run(const char *dir, const char *listen);

/*
 * Today's day in the configured offset ("YYYY-MM-DD"). The environment
 * variable QF_TODAY, when a valid day, overrides the clock (for tests).
 * Cannot fail (falls back to UTC).
 */
void server_today(const struct config *c, char out[CODEC_DAY_LEN + 1]);

/*
 * Marks req's connection as one that delivered a whole request, so it is
 * not evicted to make room at max_connections, and gives back its upload
 * slot (the handler consumes the body before it returns). Cannot fail.
 */
void server_conn_served(struct server *s, struct evhttp_request *req);

/* Rebuilds the cached /api/v1/info answer. Returns 0, or -1 when memory runs out. */
int server_build_info(struct server *s);

/*
 * Opens the store, the key and the config of data directory dir into s
 * (without networking). Returns 0, or -1 after printing why.
 */
int server_open(struct server *s, const char *dir);

/* Closes what server_open opened. Cannot fail. */
void server_close(struct server *s);

#endif
