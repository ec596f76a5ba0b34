/* route: see route.h. */
#include "intake/route.h"

#include <event2/http.h>
#include <stddef.h>
#include <string.h>

#include "intake/api.h"
#include "intake/http.h"
#include "intake/nojs.h"
#include "intake/web.h"

/* The log heads' paths: LOG_PREFIX "ID/head" */
#define LOG_PREFIX "/api/v1/log/"

/* One exact path and its handler (each checks its own method). */
struct route {
	const char *path;
	void (*fn)(struct server *s, struct evhttp_request *req);
};

static const struct route routes[] = {
        {"/api/v1/info", api_info},      {"/api/v1/pow", api_pow},
        {"/api/v1/reports", api_report}, {"/api/v1/followups", api_followup},
        {"/api/v1/status", api_status},  {"/nojs/once", nojs_once}, /* the answer to a post, once */
        {"/nojs/report", nojs_report}, /* GET: the form; POST: a report */
        {"/nojs/status", nojs_status},
};

/*
 * The evhttp generic callback; arg is the struct server. Gives every
 * request exactly one answer, here or in its handler. Cannot fail.
 */
static void
route_request(struct evhttp_request *req, void *arg)
{
	struct server *s = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;

	server_conn_served(s, req);
	if (path == NULL) {
		http_reply_error(req, 400, "bad_request", "malformed request");
		return;
	}
	if (s->stopping) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
		http_reply_error(req, 503, "overloaded", "the server is restarting");
		return;
	}
	nojs_sweep(s); /* one-time pages whose time is up go at the next request */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST && http_cross_site(req)) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
		http_reply_error(req, 403, "cross_site", "posts from other sites are refused");
		return;
	}
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(path, routes[i].path) == 0) {
			routes[i].fn(s, req);
			return;
		}
	if (strncmp(path, LOG_PREFIX, sizeof LOG_PREFIX - 1) == 0)
		api_log_head(s, req, path + sizeof LOG_PREFIX - 1);
	else if (strncmp(path, "/api/", 5) == 0)
		http_reply_error(req, 404, "not_found", "no such resource");
	else
		web_serve(req, s->web_root);
}

const struct server_handlers route_handlers = {
        .request = route_request,
        .is_write = api_is_write,
        .gate = api_gate,
        .init = nojs_init,
        .fini = nojs_free,
        .reload = nojs_reload,
};
