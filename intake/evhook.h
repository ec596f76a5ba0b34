/*
 * evhook: a callback on every incoming request of one evhttp server once
 * its header is read and before a byte of its body is (what libevent 2.2
 * offers as evhttp_set_newreqcb + evhttp_request_set_header_cb). libevent
 * 2.1 makes each server request inside the library, so the header callback
 * can only be set on it from evhttp_request_new: with 2.1 this module
 * defines evhttp_request_new, which the dynamic linker lets stand in for
 * libevent's own (libevent calls it through its PLT), calls the real one
 * (dlsym RTLD_NEXT) and sets the header callback on the requests of the
 * registered server. Whether that took effect shows at the first request:
 * evhook_active() (the server then checks what it would have checked in the
 * header callback in the request handler instead, after the body).
 */
#ifndef QF_INTAKE_EVHOOK_H
#define QF_INTAKE_EVHOOK_H

#include <event2/http.h>

/*
 * Calls on_head(req, arg) for each request of http once its header is
 * parsed; on_head returns 0 to go on (a negative value makes libevent drop
 * the connection). One server per process; NULL http unregisters. Returns
 * 0, or -1 when the real evhttp_request_new cannot be found.
 */
int evhook_install(struct evhttp *http, int (*on_head)(struct evhttp_request *, void *), void *arg);

/* 1 once on_head has run for a request, else 0. Cannot fail. */
int evhook_active(void);

#endif
