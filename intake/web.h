/*
 * web: serves the reporter pages from the configured web root (GET and
 * HEAD only), with the same security headers as the API. Paths are decoded
 * once, must be relative, and may not contain "..", NUL, backslashes or
 * hidden segments; files are opened without following symbolic links and
 * must be regular files under the root. "/" and "/dir/" serve index.html.
 * A client whose Accept-Encoding allows it gets the pre-compressed copy
 * FILE.br or FILE.gz built next to the file (Content-Encoding set; every
 * file answer says Vary: Accept-Encoding). API answers never are.
 */
#ifndef QF_INTAKE_WEB_H
#define QF_INTAKE_WEB_H

#include <event2/http.h>

/*
 * Answers req from root: the file, 404 not_found for anything missing or
 * refused, 405 for other methods. Exactly one answer. Cannot fail.
 */
void web_serve(struct evhttp_request *req, const char *root);

/*
 * Resolves a request path (still percent-encoded, query stripped) to a file
 * path under root in out (outsz bytes). Returns 0, or -1 when the path is
 * refused or too long. Exposed for tests.
 */
int web_resolve(char *out, size_t outsz, const char *root, const char *path);

/*
 * Reads an Accept-Encoding header value (NULL: absent) into the q-values,
 * in thousandths, the client gives brotli and gzip (0: not acceptable;
 * "*" stands for codings not named). Malformed entries are ignored.
 * Cannot fail.
 */
void web_accept_encoding(const char *ae, int *q_br, int *q_gzip);

#endif
