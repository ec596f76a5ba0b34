/* evhook: see evhook.h. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "intake/evhook.h"

#include <dlfcn.h>
#include <event2/event.h>
#include <stddef.h>
#include <string.h>

static struct evhttp *hook_http;
static int (*hook_fn)(struct evhttp_request *, void *);
static void *hook_arg;
static int hook_seen;

static int
on_header(struct evhttp_request *req, void *arg)
{
	(void)arg; /* libevent passes the request's callback argument: the evhttp */
	hook_seen = 1;
	return hook_fn != NULL ? hook_fn(req, hook_arg) : 0;
}

int
evhook_active(void)
{
	return hook_seen;
}

#if defined(LIBEVENT_VERSION_NUMBER) && LIBEVENT_VERSION_NUMBER >= 0x02020000

static int
on_new(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_request_set_header_cb(req, on_header);
	return 0;
}

int
evhook_install(struct evhttp *http, int (*on_head)(struct evhttp_request *, void *), void *arg)
{
	hook_http = http;
	hook_fn = on_head;
	hook_arg = arg;
	if (http != NULL)
		evhttp_set_newreqcb(http, on_new, NULL);
	return 0;
}

#else

typedef struct evhttp_request *(*request_new_fn)(void (*)(struct evhttp_request *, void *), void *);
static request_new_fn real_new;

static request_new_fn
find_real(void)
{
	if (real_new == NULL) {
		void *p = dlsym(RTLD_NEXT, "evhttp_request_new");

		/* ISO C has no function pointer from void *; POSIX guarantees it works */
		memcpy(&real_new, &p, sizeof real_new);
	}
	return real_new;
}

/* Stands in for libevent's: see evhook.h. */
struct evhttp_request *
evhttp_request_new(void (*cb)(struct evhttp_request *, void *), void *arg)
{
	request_new_fn f = find_real();
	struct evhttp_request *req = f != NULL ? f(cb, arg) : NULL;

	/* libevent makes a server request with the evhttp as its argument */
	if (req != NULL && hook_http != NULL && arg == (void *)hook_http)
		evhttp_request_set_header_cb(req, on_header);
	return req;
}

int
evhook_install(struct evhttp *http, int (*on_head)(struct evhttp_request *, void *), void *arg)
{
	hook_http = http;
	hook_fn = on_head;
	hook_arg = arg;
	return find_real() != NULL ? 0 : -1;
}

#endif
