/*
 * nojs: the no-JavaScript fallback of DESIGN.md §9 (Tor Browser "Safest").
 * GET /nojs/report answers the report form, POST /nojs/report takes its
 * urlencoded text fields, and POST /nojs/status a receipt. The server does
 * for the reporter what the page would: generates the receipt, derives the
 * keys, builds the §6 manifest, seals it to the district's box_pk and
 * stores it like an API report (store_put_report); for status it derives
 * lookup and auth, reads the case and opens the replies with the reply key.
 * Every buffer that held the plaintext (the request body in libevent's
 * buffer too, the decoded fields, the manifest, the answer page) is wiped
 * with sodium_memzero. Answers are HTML pages made from the templates the
 * web build writes to <web root>/.nojs/ (every value HTML-escaped; no
 * script). Proof-of-work is impossible without JavaScript, so reports on
 * this path are limited globally to NOJS_REPORTS_PER_MINUTE per minute (in
 * memory); status requests share the API's per-lookup limit.
 */
#ifndef QF_INTAKE_NOJS_H
#define QF_INTAKE_NOJS_H

#include <event2/http.h>
#include <stddef.h>

struct server;

#define NOJS_REPORTS_PER_MINUTE 10
#define NOJS_MAX_BODY           (1u << 20) /* urlencoded request body */
#define NOJS_BODY_MAX_BYTES     200000     /* the report's text, bytes of UTF-8 */
#define NOJS_TITLE_MAX_BYTES    800
#define NOJS_FIELD_MAX_BYTES    1200

/*
 * Answers /nojs/report: GET (or HEAD) the form, POST a report (201 and the
 * receipt page; 400, 413, 415, 429 or 503 and the form again, filled in as
 * it was sent, with the reason), any other method 405. Exactly one answer;
 * cannot fail.
 */
void nojs_report(struct server *s, struct evhttp_request *req);

/*
 * Answers POST /nojs/status: 200 and the status page with the replies
 * opened, or 400 (invalid receipt), 404 (unknown receipt), 415, 429, 503
 * with an error page; other methods 405. Exactly one answer; cannot fail.
 */
void nojs_status(struct server *s, struct evhttp_request *req);

#endif
