/*
 * http: what every answer of the intake server shares (DESIGN.md §9): the
 * security headers, JSON answers and JSON error answers, and reading a JSON
 * request body with its size and media-type checks. Nothing here logs, and
 * no answer echoes request content.
 */
#ifndef QF_INTAKE_HTTP_H
#define QF_INTAKE_HTTP_H

#include <event2/http.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Which Content-Security-Policy an answer carries. */
enum http_csp {
	HTTP_CSP_BASE, /* API answers and no-JS pages */
	HTTP_CSP_WASM  /* pages whose crypto needs WebAssembly */
};

/* A refusal decided from a request's header (the write gate): status 0 when none. */
struct http_verdict {
	int status;
	const char *code; /* fixed strings */
	const char *message;
};

/* Sets the headers every answer carries. Cannot fail (libevent may drop headers on OOM). */
void http_headers(struct evhttp_request *req, enum http_csp csp);

/*
 * True when a POST comes from a page of another site or origin (so that no
 * site can make its visitors file reports): Sec-Fetch-Site present and
 * neither "same-origin" nor "none"; or, without it, an Origin that is
 * "null" or whose host[:port] is not the request's Host (scheme ignored:
 * behind Tor or a TLS proxy the server cannot see it). A request with
 * neither header (the CLI, curl, old browsers) is not. Cannot fail.
 */
int http_cross_site(struct evhttp_request *req);

/* Sends obj (stolen) as a JSON answer with status code. Cannot fail. */
void http_reply_json(struct evhttp_request *req, int code, json_t *obj);

/*
 * As http_reply_json, with the JSON followed by spaces up to
 * padme(max(length, pad_min)) bytes (no padding when pad_min is 0), so the
 * answer's length says no more than its bucket. Cannot fail.
 */
void http_reply_json_padded(struct evhttp_request *req, int code, json_t *obj, size_t pad_min);

/*
 * Sends body (taken and freed) as the answer with status code, the base
 * headers (HTTP_CSP_BASE) and Content-Type type. Cannot fail.
 */
void http_reply_body(struct evhttp_request *req, int code, const char *type, struct evbuffer *body);

/*
 * Sends {"error":{"code","message"}} with status code. code and message
 * are fixed strings chosen by the server, never request content.
 */
void http_reply_error(struct evhttp_request *req, int code, const char *ecode, const char *message);

/*
 * Answers a gate's refusal; close adds "Connection: close" (for a refusal
 * before the body was read). Exactly one answer.
 */
void http_reply_verdict(struct evhttp_request *req, const struct http_verdict *v, int close);

/* Sends a field error: 400 bad_field with a message naming field. */
void http_reply_bad_field(struct evhttp_request *req, const char *field);

/*
 * Reads the request body as a JSON object no larger than max_body bytes,
 * and frees the body once parsed (the object holds copies).
 * Returns the object, or NULL after answering: 415 when Content-Type is not
 * application/json, 413 too_large beyond max_body, 400 bad_json when it is
 * not a JSON object.
 */
json_t *http_read_json(struct evhttp_request *req, size_t max_body);

/*
 * Reads field name of obj as b64u that must decode to exactly n bytes.
 * Returns 0, or -1 after answering 400 bad_field naming it.
 */
int http_field_bytes(struct evhttp_request *req, const json_t *obj, const char *name, uint8_t *out,
                     size_t n);

#endif
