/* web: see web.h. */
#include "intake/web.h"

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake/http.h"

static const struct {
	const char *ext;
	const char *type;
} types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".wasm", "application/wasm"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
};

static const char *
content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot != NULL && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

int
web_resolve(char *out, size_t outsz, const char *root, const char *path)
{
	size_t dlen = 0;
	char *dec;
	const char *seg;
	int n;

	if (path == NULL || path[0] != '/')
		return -1;
	dec = evhttp_uridecode(path, 0, &dlen);
	if (dec == NULL)
		return -1;
	if (strlen(dec) != dlen || strchr(dec, '\\') != NULL) {
		free(dec);
		return -1;
	}
	/* every segment: no "." or ".." and nothing hidden */
	for (seg = dec; *seg != '\0';) {
		const char *next;

		while (*seg == '/')
			seg++;
		if (*seg == '.') {
			free(dec);
			return -1;
		}
		next = strchr(seg, '/');
		seg = next ? next : seg + strlen(seg);
	}
	n = snprintf(out, outsz, "%s%s%s", root, dec, dec[dlen - 1] == '/' ? "index.html" : "");
	free(dec);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

static void
not_found(struct evhttp_request *req)
{
	http_reply_error(req, 404, "not_found", "no such page");
}

void
web_serve(struct evhttp_request *req, const char *root)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	char file[4096];
	struct stat st;
	struct evbuffer *b;
	int fd;

	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		http_reply_error(req, 405, "method_not_allowed", "only GET and HEAD here");
		return;
	}
	if (root == NULL || root[0] == '\0' || uri == NULL ||
	    web_resolve(file, sizeof file, root, evhttp_uri_get_path(uri)) != 0) {
		not_found(req);
		return;
	}
	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		not_found(req);
		return;
	}
	if (fstat(fd, &st) != 0) {
		close(fd);
		not_found(req);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		/* a directory without its trailing slash: send the browser there */
		if (S_ISDIR(st.st_mode) && strlen(evhttp_uri_get_path(uri)) < 1024) {
			const char *path = evhttp_uri_get_path(uri);
			char loc[1100];

			/* one leading slash: "//en" must not send the browser to host "en" */
			path += strspn(path, "/");
			snprintf(loc, sizeof loc, "/%s/", path);
			close(fd);
			http_headers(req, HTTP_CSP_BASE);
			evhttp_add_header(evhttp_request_get_output_headers(req), "Location", loc);
			evhttp_send_reply(req, 301, "Moved Permanently", NULL);
			return;
		}
		close(fd);
		not_found(req);
		return;
	}
	b = evbuffer_new();
	if (b == NULL || evbuffer_add_file(b, fd, 0, st.st_size) != 0) {
		if (b)
			evbuffer_free(b);
		else
			close(fd);
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	http_headers(req,
	             strstr(file + strlen(root), "/nojs/") == NULL ? HTTP_CSP_WASM : HTTP_CSP_BASE);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  content_type(file));
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}
