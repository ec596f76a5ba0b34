/* client: see client.h. */
#include "report/client.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/pow.h"
#include "crypto/submission.h"

#define MAX_HEADERS 65536

struct client {
	struct event_base *base;
	int own_base;
	unsigned timeout;
	char *host;    /* without brackets */
	char *hosthdr; /* the Host header: [v6]:port or name:port */
	int port;
	char *prefix; /* path prefix without a trailing '/', maybe "" */
	char *shown;  /* http://host:port/prefix */
};

/* The state of one request while the loop runs. */
struct pending {
	struct event_base *base;
	int done;
	int err;
	int have_ev_err;
	enum evhttp_request_error ev_err;
	int status;
	size_t max;   /* the largest body accepted */
	json_t *json; /* the answer, once parsed */
};

const char *
client_strerror(int err)
{
	switch (err) {
	case CLIENT_OK:
		return "ok";
	case CLIENT_ERR_URL:
		return "the server URL is not of the form http://host[:port][/prefix]";
	case CLIENT_ERR_NOMEM:
		return "out of memory";
	case CLIENT_ERR_NETWORK:
		return "cannot reach the server (connection failed or broke off)";
	case CLIENT_ERR_TIMEOUT:
		return "the server did not answer in time";
	case CLIENT_ERR_TOO_LARGE:
		return "the server's answer is too large";
	case CLIENT_ERR_TOO_MANY:
		return "the server's answer holds too many JSON values for its size";
	case CLIENT_ERR_HTTP:
		return "the server's answer is not valid HTTP";
	case CLIENT_ERR_JSON:
		return "the server's answer is not JSON";
	default:
		return "unknown client error";
	}
}

static void
quiet_log(int severity, const char *msg)
{
	(void)severity;
	(void)msg;
}

void
client_quiet_logs(void)
{
	event_set_log_callback(quiet_log);
}

static char *
dup_str(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);

	if (d != NULL)
		memcpy(d, s, n + 1);
	return d;
}

/* Fills c from url. Returns CLIENT_OK, CLIENT_ERR_URL or CLIENT_ERR_NOMEM. */
static int
parse_url(struct client *c, const char *url)
{
	struct evhttp_uri *u = evhttp_uri_parse(url);
	const char *scheme, *host, *path;
	size_t plen, hlen;
	int rc = CLIENT_ERR_URL;

	if (u == NULL)
		return CLIENT_ERR_URL;
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	path = evhttp_uri_get_path(u);
	if (scheme == NULL || strcasecmp(scheme, "http") != 0 || host == NULL || host[0] == '\0' ||
	    evhttp_uri_get_userinfo(u) != NULL || evhttp_uri_get_query(u) != NULL ||
	    evhttp_uri_get_fragment(u) != NULL)
		goto out;
	c->port = evhttp_uri_get_port(u);
	if (c->port == -1)
		c->port = 80;
	if (c->port < 1 || c->port > 65535)
		goto out;
	if (path == NULL)
		path = "";
	if (path[0] != '\0' && path[0] != '/')
		goto out;
	rc = CLIENT_ERR_NOMEM;
	c->host = dup_str(host);
	c->prefix = dup_str(path);
	hlen = strlen(host) + 16;
	c->hosthdr = malloc(hlen);
	if (c->host == NULL || c->prefix == NULL || c->hosthdr == NULL)
		goto out;
	plen = strlen(c->prefix);
	while (plen > 0 && c->prefix[plen - 1] == '/')
		c->prefix[--plen] = '\0';
	/* The Host header keeps an IPv6 literal's brackets; connecting needs it bare. */
	snprintf(c->hosthdr, hlen, "%s:%d", host, c->port);
	hlen = strlen(c->host);
	if (c->host[0] == '[') {
		if (hlen < 3 || c->host[hlen - 1] != ']') {
			rc = CLIENT_ERR_URL;
			goto out;
		}
		memmove(c->host, c->host + 1, hlen - 2);
		c->host[hlen - 2] = '\0';
	}
	c->shown = malloc(strlen(c->hosthdr) + plen + 8);
	if (c->shown == NULL)
		goto out;
	sprintf(c->shown, "http://%s%s", c->hosthdr, c->prefix);
	rc = CLIENT_OK;
out:
	evhttp_uri_free(u);
	return rc;
}

int
client_new(struct client **out, const char *url, unsigned timeout, struct event_base *base)
{
	struct client *c;
	int rc;

	*out = NULL;
	if (url == NULL || timeout < 1 || timeout > CLIENT_MAX_TIMEOUT)
		return CLIENT_ERR_URL;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return CLIENT_ERR_NOMEM;
	c->timeout = timeout;
	rc = parse_url(c, url);
	if (rc != CLIENT_OK) {
		client_free(c);
		return rc;
	}
	if (base == NULL) {
		c->base = event_base_new();
		c->own_base = 1;
		if (c->base == NULL) {
			client_free(c);
			return CLIENT_ERR_NOMEM;
		}
	} else {
		c->base = base;
	}
	*out = c;
	return CLIENT_OK;
}

const char *
client_server(const struct client *c)
{
	return c->shown;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->own_base && c->base != NULL)
		event_base_free(c->base);
	free(c->host);
	free(c->hosthdr);
	free(c->prefix);
	free(c->shown);
	free(c);
}

void
client_answer_free(struct client_answer *ans)
{
	if (ans == NULL)
		return;
	json_decref(ans->json);
	ans->json = NULL;
	ans->status = 0;
}

static void
on_error(enum evhttp_request_error e, void *arg)
{
	struct pending *p = arg;

	p->have_ev_err = 1;
	p->ev_err = e;
}

static int
map_error(const struct pending *p)
{
	if (!p->have_ev_err)
		return CLIENT_ERR_NETWORK;
	switch (p->ev_err) {
	case EVREQ_HTTP_TIMEOUT:
		return CLIENT_ERR_TIMEOUT;
	case EVREQ_HTTP_DATA_TOO_LONG:
		return CLIENT_ERR_TOO_LARGE;
	case EVREQ_HTTP_INVALID_HEADER:
		return CLIENT_ERR_HTTP;
	case EVREQ_HTTP_BUFFER_ERROR:
		return CLIENT_ERR_NOMEM;
	case EVREQ_HTTP_EOF:
	case EVREQ_HTTP_REQUEST_CANCEL:
	default:
		return CLIENT_ERR_NETWORK;
	}
}

/*
 * An upper bound on the JSON values in text[0..len): every value but the
 * first follows a '[', a ',' or a ':'. Bytes inside strings count too, which
 * only makes the bound larger. Cannot fail.
 */
static size_t
count_values(const unsigned char *text, size_t len)
{
	size_t n = 1;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '[' || text[i] == ',' || text[i] == ':';
	return n;
}

static void
on_done(struct evhttp_request *req, void *arg)
{
	struct pending *p = arg;
	struct evbuffer *in;
	const unsigned char *text;
	json_error_t jerr;
	size_t len;

	p->done = 1;
	event_base_loopbreak(p->base);
	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		p->err = map_error(p);
		return;
	}
	p->status = evhttp_request_get_response_code(req);
	in = evhttp_request_get_input_buffer(req);
	len = in != NULL ? evbuffer_get_length(in) : 0;
	if (len > p->max) { /* libevent already stops at the cap; this is a second lock */
		p->err = CLIENT_ERR_TOO_LARGE;
		return;
	}
	/* parsed where it lies: one contiguous copy inside the evbuffer, none outside */
	text = len > 0 ? evbuffer_pullup(in, -1) : (const unsigned char *)"";
	if (text == NULL) {
		p->err = CLIENT_ERR_NOMEM;
		return;
	}
	if (count_values(text, len) > CLIENT_MAX_VALUES(len)) {
		p->err = CLIENT_ERR_TOO_MANY;
		return;
	}
	p->json = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (p->json == NULL || !json_is_object(p->json)) {
		json_decref(p->json);
		p->json = NULL;
		p->err = CLIENT_ERR_JSON;
		return;
	}
	p->err = CLIENT_OK;
}

/* The body is referenced, never copied; nothing to release here. */
static void
body_unref(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	(void)arg;
}

static int
request(struct client *c, enum evhttp_cmd_type method, const char *path, const char *type,
        const char *pow, const void *body, size_t len, size_t max, struct client_answer *ans)
{
	struct pending p;
	struct evhttp_connection *conn = NULL;
	struct evhttp_request *req = NULL;
	struct evkeyvalq *hdr;
	char *uri = NULL;
	size_t ulen;
	int rc = CLIENT_ERR_NOMEM;

	memset(&p, 0, sizeof p);
	p.base = c->base;
	p.err = CLIENT_ERR_NETWORK;
	p.max = max;
	ans->status = 0;
	ans->json = NULL;
	if (max < 1 || max > INT32_MAX)
		return CLIENT_ERR_TOO_LARGE;
	ulen = strlen(c->prefix) + strlen(path) + 1;
	uri = malloc(ulen);
	if (uri == NULL)
		goto out;
	snprintf(uri, ulen, "%s%s", c->prefix, path);

	conn = evhttp_connection_base_new(c->base, NULL, c->host, (unsigned short)c->port);
	if (conn == NULL)
		goto out;
	evhttp_connection_set_timeout(conn, (int)c->timeout);
	evhttp_connection_set_retries(conn, 0);
	/* libevent refuses a larger Content-Length before reading the body, and a
	 * chunked or unframed body as soon as it passes max (EVREQ_HTTP_DATA_TOO_LONG) */
	evhttp_connection_set_max_body_size(conn, (ev_ssize_t)max);
	evhttp_connection_set_max_headers_size(conn, MAX_HEADERS);

	req = evhttp_request_new(on_done, &p);
	if (req == NULL)
		goto out;
	evhttp_request_set_error_cb(req, on_error);
	hdr = evhttp_request_get_output_headers(req);
	if (evhttp_add_header(hdr, "Host", c->hosthdr) != 0 ||
	    evhttp_add_header(hdr, "Accept", "application/json") != 0 ||
	    evhttp_add_header(hdr, "Connection", "close") != 0)
		goto out_req;
	if (method == EVHTTP_REQ_POST) {
		if (evhttp_add_header(hdr, "Content-Type", type) != 0 ||
		    (pow != NULL && evhttp_add_header(hdr, POW_HEADER, pow) != 0))
			goto out_req;
		if (len > 0 && evbuffer_add_reference(evhttp_request_get_output_buffer(req), body,
		                                      len, body_unref, NULL) != 0)
			goto out_req;
	}
	/* On failure evhttp_make_request frees req itself. */
	if (evhttp_make_request(conn, req, method, uri) != 0) {
		req = NULL;
		rc = CLIENT_ERR_NETWORK;
		goto out;
	}
	req = NULL;
	while (!p.done) {
		int r = event_base_loop(c->base, 0);

		if (r != 0 && !p.done) {
			/* nothing left to wait for, or the loop failed */
			p.err = CLIENT_ERR_NETWORK;
			break;
		}
	}
	rc = p.err;
	ans->status = p.status;
	if (rc == CLIENT_OK) {
		ans->json = p.json;
		p.json = NULL;
	}
	goto out;
out_req:
	evhttp_request_free(req);
out:
	/* Freeing the connection also drops any reference to body. */
	if (conn != NULL)
		evhttp_connection_free(conn);
	json_decref(p.json);
	free(uri);
	return rc;
}

int
client_get(struct client *c, const char *path, size_t max, struct client_answer *ans)
{
	return request(c, EVHTTP_REQ_GET, path, NULL, NULL, NULL, 0, max, ans);
}

int
client_post(struct client *c, const char *path, const char *body, size_t len, size_t max,
            struct client_answer *ans)
{
	return request(c, EVHTTP_REQ_POST, path, "application/json", NULL, body, len, max, ans);
}

int
client_post_submission(struct client *c, const char *path, const uint8_t *body, size_t len,
                       const char *pow, size_t max, struct client_answer *ans)
{
	return request(c, EVHTTP_REQ_POST, path, SUBMISSION_TYPE, pow, body, len, max, ans);
}
