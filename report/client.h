/*
 * client: the reporter's HTTP client for the JSON API of DESIGN.md §9, on
 * libevent's evhttp. A client names one server (http://host[:port][/prefix]);
 * each request runs on its own connection with a timeout, and its answer is
 * read whole, up to a cap the caller gives per request (proto.h has one per
 * endpoint), and parsed as a JSON object. The cap is enforced while the
 * answer is read (a larger Content-Length is refused before the body; a
 * chunked or unframed answer as soon as it passes the cap), and the parse is
 * bounded too: an answer with more JSON values than CLIENT_MAX_VALUES(len) is
 * refused unparsed, so a few MB of [{},{},…] cannot cost hundreds of MiB.
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
/*
 * The most JSON values an answer of len bytes may hold: 4096, plus one per 256
 * bytes. Jansson spends about 200 bytes on each value (an empty object), so
 * parsing never takes much more memory than the answer itself. Honest answers
 * stay far below: a status reply is 4 values per >= 5.6 KB of base64, an info
 * district 9 values per ~500 bytes.
 */
#define CLIENT_MAX_VALUES(len) (4096 + (len) / 256)

enum client_err {
	CLIENT_OK = 0,
	CLIENT_ERR_URL = -1,       /* not an http://host[:port][/prefix] URL */
	CLIENT_ERR_NOMEM = -2,     /* memory or libevent objects could not be made */
	CLIENT_ERR_NETWORK = -3,   /* cannot resolve or connect, or the connection broke */
	CLIENT_ERR_TIMEOUT = -4,   /* no progress within the timeout */
	CLIENT_ERR_TOO_LARGE = -5, /* the answer exceeds the request's cap */
	CLIENT_ERR_HTTP = -6,      /* not a well-formed HTTP answer */
	CLIENT_ERR_JSON = -7,      /* an HTTP answer whose body is not a JSON object */
	CLIENT_ERR_TOO_MANY = -8   /* more JSON values than CLIENT_MAX_VALUES(its length) */
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
 * GETs prefix + path (path starts with '/'), accepting an answer body of at
 * most max bytes (1 to INT32_MAX). Returns CLIENT_OK with ans set (any HTTP
 * status; the body a JSON object), or an error with ans->json NULL and
 * ans->status the HTTP status when one was received (else 0):
 * CLIENT_ERR_TOO_LARGE for a body over max (nothing past the cap is read),
 * CLIENT_ERR_TOO_MANY for one with too many JSON values (not parsed).
 */
int client_get(struct client *c, const char *path, size_t max, struct client_answer *ans);

/*
 * POSTs body[0..len) as application/json to prefix + path. The body is not
 * copied (libevent references it), so the caller may wipe it when this
 * returns. max and the result as client_get.
 */
int client_post(struct client *c, const char *path, const char *body, size_t len, size_t max,
                struct client_answer *ans);

/*
 * POSTs a write's body[0..len) (crypto/submission.h) to prefix + path as
 * application/vnd.qingfeng.submission, with the Qingfeng-PoW header pow
 * (omitted when NULL). The body is referenced, not copied. max and the
 * result as client_get.
 */
int client_post_submission(struct client *c, const char *path, const uint8_t *body, size_t len,
                           const char *pow, size_t max, struct client_answer *ans);

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
