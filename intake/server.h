/*
 * server: the running intake service (`qingfeng-intake serve`): one libevent
 * loop with evhttp, the store, the server key and the in-memory limits. It
 * bounds connections (the listener pauses at max_connections), request
 * sizes and times; it logs only operational events (start, stop, reload,
 * storage filling up), never anything per request.
 */
#ifndef QF_INTAKE_SERVER_H
#define QF_INTAKE_SERVER_H

#include <event2/event.h>
#include <event2/http.h>
#include <limits.h>
#include <stddef.h>

#include "crypto/serverkey.h"
#include "intake/config.h"
#include "intake/ratelimit.h"
#include "store/store.h"

#define SERVER_VERSION "0.1.0"

/* A connection as the server tracks it (see server.c, connection accounting). */
struct server_conn {
	struct bufferevent *bev;
	int served; /* 1: delivered a whole request; 2: evicted */
	long since; /* accepted at (seconds, the event loop's clock) */
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
	struct server_conn *conns;   /* every connection evhttp holds, oldest first */
	unsigned nconns, capconns;
	int paused; /* listener paused at max_connections */
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
 * not evicted to make room at max_connections. Cannot fail.
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
