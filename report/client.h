/*
 * client: the reporter's HTTP client for the JSON API of DESIGN.md §9, on
 * libevent's evhttp. A client names one server (http://host[:port][/prefix]);
 * each request runs on its own connection with a timeout, and its answer is
 * read whole (up to CLIENT_MAX_ANSWER bytes) and parsed as a JSON object.
 * Plain http only: an onion service is reached through Tor (torsocks), which
 * already encrypts and authenticates the path.
 */
#ifndef QF_REPORT_CLIENT_H
#define QF_REPORT_CLIENT_H

#include <event2/event.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define CLIENT_DEFAULT_TIMEOUT 60   /* seconds without progress before a request fails */
#define CLIENT_MAX_TIMEOUT     3600 /* the longest --timeout accepted */
#define CLIENT_MAX_ANSWER      (128u << 20)

enum client_err {
	CLIENT_OK = 0,
	CLIENT_ERR_URL = -1,       /* not an http://host[:port][/prefix] URL */
	CLIENT_ERR_NOMEM = -2,     /* memory or libevent objects could not be made */
	CLIENT_ERR_NETWORK = -3,   /* cannot resolve or connect, or the connection broke */
	CLIENT_ERR_TIMEOUT = -4,   /* no progress within the timeout */
	CLIENT_ERR_TOO_LARGE = -5, /* the answer exceeds CLIENT_MAX_ANSWER */
	CLIENT_ERR_HTTP = -6,      /* not a well-formed HTTP answer */
	CLIENT_ERR_JSON = -7       /* an HTTP answer whose body is not a JSON object */
};

/* One answer: the HTTP status and the body parsed as a JSON object. */
struct client_answer {
	int status;
	json_t *json; /* NULL unless the request returned CLIENT_OK */
};

struct client;

/* Human message for an error code. Never NULL. */
const char *client_strerror(int err);

/*
 * Makes a client for url with the given timeout in seconds (1 to
 * CLIENT_MAX_TIMEOUT). base is the event loop to run requests on; NULL makes
 * one the client owns. Returns CLIENT_OK with *out set, CLIENT_ERR_URL (not
 * http, no host, a user part, a query or fragment, a bad port, or a timeout
 * out of range) or CLIENT_ERR_NOMEM, with *out NULL.
 */
int client_new(struct client **out, const char *url, unsigned timeout, struct event_base *base);

/*
 * The server as it will be shown to the user: "http://host:port/prefix".
 * Cannot fail.
 */
const char *client_server(const struct client *c);

/*
 * GETs prefix + path (path starts with '/'). Returns CLIENT_OK with ans set
 * (any HTTP status; the body a JSON object), or an error with ans->json NULL
 * and ans->status the HTTP status when one was received (else 0).
 */
int client_get(struct client *c, const char *path, struct client_answer *ans);

/*
 * POSTs body[0..len) as application/json to prefix + path. The body is not
 * copied (libevent references it), so the caller may wipe it when this
 * returns. Returns as client_get.
 */
int client_post(struct client *c, const char *path, const char *body, size_t len,
                struct client_answer *ans);

/*
 * POSTs a write's body[0..len) (crypto/submission.h) to prefix + path as
 * application/vnd.qingfeng.submission, with the Qingfeng-PoW header pow
 * (omitted when NULL). The body is referenced, not copied. Returns as
 * client_get.
 */
int client_post_submission(struct client *c, const char *path, const uint8_t *body, size_t len,
                           const char *pow, struct client_answer *ans);

/* Releases what an answer holds and zeroes it; fine on a zeroed one. Cannot fail. */
void client_answer_free(struct client_answer *ans);

/* Frees a client (and its event loop if it made one); NULL is fine. Cannot fail. */
void client_free(struct client *c);

/*
 * Silences libevent's own log messages (they would name hosts and errors on
 * stderr outside our control). Process-wide. Cannot fail.
 */
void client_quiet_logs(void);

#endif
