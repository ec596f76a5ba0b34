/*
 * nojs: the no-JavaScript fallback of DESIGN.md §9 (Tor Browser "Safest").
 * GET /nojs/report answers the report form, POST /nojs/report takes its
 * urlencoded text fields, and POST /nojs/status a receipt. The server does
 * for the reporter what the page would: generates the receipt, derives the
 * keys, builds the §6 manifest (crypto/manifest), seals it to the district's
 * box_pk and queues it on the group commit like an API report (commit_report:
 * the answer comes from the completion); for status it derives
 * lookup and auth, reads the case and opens the replies with the reply key.
 * Every buffer that held the plaintext (the request body in libevent's
 * buffer too, the decoded fields, the manifest, the answer page) is wiped
 * with sodium_memzero. Answers are HTML pages made from the templates the
 * web build writes to <web root>/.nojs/ (every value HTML-escaped by
 * evhttp_htmlescape; no script), read and parsed at the start and again on
 * each reload (SIGHUP), never per request. Proof-of-work is impossible without JavaScript, so this path has
 * its own limits, in memory (docs/decisions.md): the form carries a token
 * (MAC'd with a key new at every start, holding the time it was issued)
 * that must be nojs_min_seconds old when the report comes and is spent when
 * it is stored; each district takes at most nojs_per_day no-JS reports a
 * day; forms sent sooner than nojs_patient_seconds after they were issued
 * share a small per-district token bucket and at most half of that quota,
 * so a flood of quick posts cannot lock out a reporter who took the time to
 * write. Status requests share the API's per-lookup limit. Every answer to a
 * post is a 303 to a one-time page (below), padded, so that neither the
 * browser's history nor the answer's length keeps what was sent.
 */
#ifndef QF_INTAKE_NOJS_H
#define QF_INTAKE_NOJS_H

#include <event2/http.h>
#include <stddef.h>

struct server;

#define NOJS_TOKEN_TTL       10800      /* seconds a form token stays valid */
#define NOJS_BURST           3          /* quick reports a district takes at once */
#define NOJS_MAX_BODY        (1u << 20) /* urlencoded request body */
#define NOJS_BODY_MAX_BYTES  200000     /* the report's text, bytes of UTF-8 */
#define NOJS_TITLE_MAX_BYTES 800
#define NOJS_FIELD_MAX_BYTES 1200
/*
 * A post's answer waits, padded, as a one-time page (GET /nojs/once?ID, a
 * random ID) behind a 303: the browser's history entry is that address,
 * never the post, and the page is served once, then wiped. At most
 * NOJS_ONCE_MAX pages and NOJS_ONCE_BYTES in all are held, in memory only,
 * each for NOJS_ONCE_SECONDS; a full table drops the oldest page that is not
 * a receipt (a flood of bad posts cannot push a receipt out), else the
 * oldest receipt.
 */
#define NOJS_ONCE_ID_BYTES 16
#define NOJS_ONCE_MAX      256
#define NOJS_ONCE_BYTES    (32u << 20)
#define NOJS_ONCE_SECONDS  60
/* Answers to posts are padded to padme(max(len, NOJS_PAD_MIN)) bytes. */
#define NOJS_PAD_MIN 65536u

/*
 * Sets up the no-JS limits of s (a fresh token key, the spent tokens, the
 * per-district counters) and reads the build's pieces of each language from
 * s's web root; a language whose pieces are missing or unreadable is answered
 * 503 "not installed" until a reload reads it. Returns 0, or -1 when memory
 * runs out.
 */
int nojs_init(struct server *s);

/*
 * Reads the build's pieces of every language again (the server's SIGHUP).
 * When each reads and parses, they replace the old ones whole and a line
 * says so on stderr; else the old ones stay and a line says which file and
 * why ("reload refused, keeping the previous no-JS pages: ..."). Does
 * nothing without a web root or before nojs_init. Cannot fail otherwise.
 */
void nojs_reload(struct server *s);

/* Frees what nojs_init made; fine when it was not called. Cannot fail. */
void nojs_free(struct server *s);

/*
 * Answers /nojs/report: GET (or HEAD) the form, POST a report (a 303 to a
 * one-time page: 201 and the receipt page; 400, 413, 415, 429 or 503 and
 * the form again, filled in as it was sent, with the reason), any other
 * method 405. Exactly one answer; cannot fail.
 */
void nojs_report(struct server *s, struct evhttp_request *req);

/*
 * Answers POST /nojs/status with a 303 to a one-time page: 200 and the
 * status page with the replies opened, or 400 (invalid receipt), 404 (unknown receipt), 415, 429, 503
 * with an error page; other methods 405. Exactly one answer; cannot fail.
 */
void nojs_status(struct server *s, struct evhttp_request *req);

/*
 * Answers GET /nojs/once?ID: the one-time page ID with the code of the post
 * it answers, which is then gone; 410 and a padded page saying so for an
 * unknown, expired or already served ID; other methods 405. Exactly one
 * answer; cannot fail.
 */
void nojs_once(struct server *s, struct evhttp_request *req);

/* Wipes the one-time pages whose time is up. Cannot fail. */
void nojs_sweep(struct server *s);

/* The length an answer of len bytes is padded to. Cannot fail. */
size_t nojs_padded_len(size_t len);

#endif
