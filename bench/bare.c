/*
 * bare: the ceiling for Qingfeng's front door. A bare libevent evhttp server
 * on one event loop, like qingfeng-intake, that answers every POST (of any
 * size up to the same body limit) with 201 and a small JSON body, and every
 * other request with 200 and a small JSON body. It parses nothing, stores
 * nothing and sets no extra headers: what it costs is libevent's HTTP
 * handling and the kernel's loopback TCP. Not a test; bench/run.sh starts it.
 *
 *   bare HOST PORT
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* About the size of a Qingfeng receipt answer and of a status answer. */
static const char post_answer[] =
        "{\"receipt\":{\"district\":\"d01\",\"index\":1,\"day\":\"2026-01-01\","
        "\"envelope_hash\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
        "\"chain\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
        "\"sig\":"
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAA\"}}";
static const char get_answer[] =
        "{\"district\":\"d01\",\"index\":1,\"status\":\"received\",\"status_day\":\"2026-01-01\","
        "\"created_day\":\"2026-01-01\",\"delivered\":false,\"replies\":[],\"followups\":0}";

/* The same body limit qingfeng-intake derives from max_envelope_bytes (20 MiB). */
#define MAX_BODY ((20u << 20) / 3 * 4 + 4 + 4096)

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct evbuffer *out = evbuffer_new();
	int post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;

	(void)arg;
	if (out == NULL) {
		evhttp_send_reply(req, 503, "Service Unavailable", NULL);
		return;
	}
	/* touch the body as a real handler would (its length), nothing more */
	if (post && evbuffer_get_length(evhttp_request_get_input_buffer(req)) == 0) {
		evbuffer_free(out);
		evhttp_send_reply(req, 400, "Bad Request", NULL);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "application/json; charset=utf-8");
	if (post)
		evbuffer_add(out, post_answer, sizeof post_answer - 1);
	else
		evbuffer_add(out, get_answer, sizeof get_answer - 1);
	evhttp_send_reply(req, post ? 201 : 200, post ? "Created" : "OK", out);
	evbuffer_free(out);
}

static void
on_stop(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopexit(arg, NULL);
}

int
main(int argc, char **argv)
{
	struct event_base *base;
	struct evhttp *http;
	struct event *term, *intr;
	long port;

	if (argc != 3 || (port = strtol(argv[2], NULL, 10)) < 1 || port > 65535) {
		fprintf(stderr, "usage: bare HOST PORT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	http = base ? evhttp_new(base) : NULL;
	if (http == NULL) {
		fprintf(stderr, "bare: cannot set up libevent\n");
		return 1;
	}
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(http, 16384);
	evhttp_set_max_body_size(http, (ev_ssize_t)MAX_BODY);
	evhttp_set_timeout(http, 60);
	evhttp_set_gencb(http, on_request, NULL);
	if (evhttp_bind_socket(http, argv[1], (ev_uint16_t)port) != 0) {
		fprintf(stderr, "bare: cannot listen on %s:%ld\n", argv[1], port);
		return 1;
	}
	term = evsignal_new(base, SIGTERM, on_stop, base);
	intr = evsignal_new(base, SIGINT, on_stop, base);
	if (term == NULL || intr == NULL || evsignal_add(term, NULL) != 0 ||
	    evsignal_add(intr, NULL) != 0) {
		fprintf(stderr, "bare: cannot set up signals\n");
		return 1;
	}
	event_base_dispatch(base);
	event_free(term);
	event_free(intr);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
