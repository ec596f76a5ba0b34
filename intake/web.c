/* web: see web.h. */
#include "intake/web.h"

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* the q-value at s ("1", "0.5", "0.001"...) in thousandths; -1 if malformed */
static int
qvalue(const char *s, size_t n)
{
	int q, scale = 100;
	size_t i = 1;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * 1000;
	if (n > 1) {
		if (s[1] != '.')
			return -1;
		for (i = 2; i < n && i < 5; i++, scale /= 10) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			q += (s[i] - '0') * scale;
		}
		if (i != n)
			return -1;
	}
	return q > 1000 ? -1 : q;
}

void
web_accept_encoding(const char *ae, int *q_br, int *q_gzip)
{
	int star = -1, br = -1, gz = -1;

	*q_br = *q_gzip = 0;
	if (ae == NULL)
		return;
	while (*ae != '\0') {
		size_t len = strcspn(ae, ","), n;
		const char *tok = ae, *semi, *end;
		int q = 1000;

		ae += len + (ae[len] == ',');
		while (len > 0 && (*tok == ' ' || *tok == '\t'))
			tok++, len--;
		end = tok + len;
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		semi = memchr(tok, ';', (size_t)(end - tok));
		n = (size_t)((semi ? semi : end) - tok);
		while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
			n--;
		if (semi != NULL) {
			const char *v = semi + 1;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			if (end - v < 2 || (v[0] != 'q' && v[0] != 'Q') || v[1] != '=')
				continue; /* a parameter we do not know: ignore the coding */
			q = qvalue(v + 2, (size_t)(end - v - 2));
			if (q < 0)
				continue;
		}
		if (n == 2 && strncasecmp(tok, "br", 2) == 0)
			br = q;
		else if (n == 4 && strncasecmp(tok, "gzip", 4) == 0)
			gz = q;
		else if (n == 1 && tok[0] == '*')
			star = q;
	}
	*q_br = br >= 0 ? br : (star > 0 ? star : 0);
	*q_gzip = gz >= 0 ? gz : (star > 0 ? star : 0);
}

/* opens file+suffix if it is a regular file (fd, size in *st), else -1 */
static int
open_variant(const char *file, const char *suffix, struct stat *st)
{
	char path[4200];
	int fd, n = snprintf(path, sizeof path, "%s%s", file, suffix);

	if (n < 0 || (size_t)n >= sizeof path)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
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
	{
		/* a pre-compressed copy (web/build.mjs) when the client asks for it */
		int q_br, q_gz, vfd = -1;
		struct stat vst;
		const char *coding = NULL;

		web_accept_encoding(evhttp_find_header(evhttp_request_get_input_headers(req),
		                                       "Accept-Encoding"),
		                    &q_br, &q_gz);
		if (q_br > 0 && q_br >= q_gz && (vfd = open_variant(file, ".br", &vst)) >= 0)
			coding = "br";
		else if (q_gz > 0 && (vfd = open_variant(file, ".gz", &vst)) >= 0)
			coding = "gzip";
		else if (q_br > 0 && (vfd = open_variant(file, ".br", &vst)) >= 0)
			coding = "br";
		if (coding != NULL) {
			close(fd);
			fd = vfd;
			st = vst;
			evhttp_add_header(evhttp_request_get_output_headers(req),
			                  "Content-Encoding", coding);
		}
		evhttp_add_header(evhttp_request_get_output_headers(req), "Vary",
		                  "Accept-Encoding");
	}
	b = evbuffer_new();
	if (b == NULL || evbuffer_add_file(b, fd, 0, st.st_size) != 0) {
		if (b)
			evbuffer_free(b);
		else
			close(fd);
		evhttp_remove_header(evhttp_request_get_output_headers(req), "Content-Encoding");
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
