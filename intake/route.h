/*
 * route: where each request of the intake server goes, in one table: the
 * JSON API (api.c), the no-JavaScript forms (nojs.c) and the static pages
 * (web.c). It also refuses, before any handler, what no handler should see:
 * a request without a path, anything while the server stops, and a POST
 * from another site. The server (server.c) knows no paths: main.c hands it
 * route_handlers.
 */
#ifndef QF_INTAKE_ROUTE_H
#define QF_INTAKE_ROUTE_H

#include "intake/server.h"

/* What qingfeng-intake serve runs: routes, the API's write gate, the no-JS state. */
extern const struct server_handlers route_handlers;

#endif
