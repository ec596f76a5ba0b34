/* http: see http.h. */
#include "intake/http.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/codec.h"
#include "crypto/envelope.h"

#define CSP_BASE "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

void
http_headers(struct evhttp_request *req, enum http_csp csp)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Content-Security-Policy",
	                  csp == HTTP_CSP_WASM ? CSP_BASE
	                          "; script-src 'self' blob: 'wasm-unsafe-eval'"
	                                       : CSP_BASE);
}

static const char *
reason(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 413:
		return "Payload Too Large";
	case 415:
		return "Unsupported Media Type";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Error";
	}
}

void
http_reply_body(struct evhttp_request *req, int code, const char *type, struct evbuffer *body)
{
	http_headers(req, HTTP_CSP_BASE);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", type);
	evhttp_send_reply(req, code, reason(code), body);
	evbuffer_free(body);
}

void
http_reply_json(struct evhttp_request *req, int code, json_t *obj)
{
	http_reply_json_padded(req, code, obj, 0);
}

void
http_reply_json_padded(struct evhttp_request *req, int code, json_t *obj, size_t pad_min)
{
	struct evbuffer *out = evhttp_request_get_output_buffer(req);
	char small[2048], *big = NULL, *text = small;
	size_t n = obj ? json_dumpb(obj, small, sizeof small, JSON_COMPACT) : 0;

	if (n > sizeof small) { /* a status with replies: dump it again, into the heap */
		big = malloc(n);
		if (big == NULL || json_dumpb(obj, big, n, JSON_COMPACT) != n)
			n = 0;
		text = big;
	}
	json_decref(obj);
	http_headers(req, HTTP_CSP_BASE);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "application/json; charset=utf-8");
	if (n != 0 && pad_min != 0) { /* trailing spaces: JSON whitespace */
		size_t padded = (size_t)envelope_padme(n < pad_min ? pad_min : n);
		char *p = malloc(padded);

		if (p != NULL) {
			memcpy(p, text, n);
			memset(p + n, ' ', padded - n);
		}
		free(big);
		big = text = p;
		n = p != NULL ? padded : 0;
	}
	if (n == 0 || evbuffer_add(out, text, n) != 0) {
		/* out of memory: still exactly one answer */
		free(big);
		evbuffer_drain(out, evbuffer_get_length(out));
		evhttp_send_reply(req, 503, reason(503), NULL);
		return;
	}
	free(big);
	evhttp_send_reply(req, code, reason(code), NULL);
}

void
http_reply_error(struct evhttp_request *req, int code, const char *ecode, const char *message)
{
	http_reply_json(req, code,
	                json_pack("{s:{s:s, s:s}}", "error", "code", ecode, "message", message));
}

void
http_reply_bad_field(struct evhttp_request *req, const char *field)
{
	char msg[96];

	snprintf(msg, sizeof msg, "field \"%s\" is missing or malformed", field);
	http_reply_error(req, 400, "bad_field", msg);
}

static int
is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* json_load_callback's source: the next bytes of the body, taken out of it. */
static size_t
body_take(void *buf, size_t len, void *arg)
{
	int n = evbuffer_remove(arg, buf, len);

	return n < 0 ? (size_t)-1 : (size_t)n;
}

json_t *
http_read_json(struct evhttp_request *req, size_t max_body)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
	size_t len = evbuffer_get_length(in);
	json_error_t jerr;
	unsigned char *p;
	json_t *obj;

	if (!is_json_type(ct)) {
		http_reply_error(req, 415, "unsupported_media_type",
		                 "the body must be application/json");
		return NULL;
	}
	if (len > max_body) {
		http_reply_error(req, 413, "too_large", "the request body is too large");
		return NULL;
	}
	if (evbuffer_get_contiguous_space(in) == len) { /* one piece: parse it in place */
		p = evbuffer_pullup(in, -1);
		obj = (p == NULL && len > 0)
		              ? NULL
		              : json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &jerr);
	} else { /* a large body: parse it as it is taken out, without a second copy */
		obj = json_load_callback(body_take, in, JSON_REJECT_DUPLICATES, &jerr);
	}
	evbuffer_drain(in, len); /* the object holds its own copy: free the body now */
	if (obj == NULL || !json_is_object(obj)) {
		json_decref(obj);
		http_reply_error(req, 400, "bad_json", "the body is not a JSON object");
		return NULL;
	}
	return obj;
}

int
http_field_bytes(struct evhttp_request *req, const json_t *obj, const char *name, uint8_t *out,
                 size_t n)
{
	if (codec_b64u_decode_exact(out, n, json_string_value(json_object_get(obj, name))) != 0) {
		http_reply_bad_field(req, name);
		return -1;
	}
	return 0;
}

int
http_cross_site(struct evhttp_request *req)
{
	const struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	const char *site = evhttp_find_header(h, "Sec-Fetch-Site");
	const char *origin = evhttp_find_header(h, "Origin");
	const char *host = evhttp_find_header(h, "Host");
	const char *sep;

	if (site != NULL)
		return strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
	if (origin == NULL)
		return 0;
	sep = strstr(origin, "://");
	if (sep == NULL || host == NULL || host[0] == '\0')
		return 1; /* "null", or nothing to compare with */
	return strcasecmp(sep + 3, host) != 0;
}

void
http_reply_verdict(struct evhttp_request *req, const struct http_verdict *v, int close)
{
	if (close) /* the body was never read: the connection cannot carry another request */
		evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
	http_reply_error(req, v->status, v->code, v->message);
}
