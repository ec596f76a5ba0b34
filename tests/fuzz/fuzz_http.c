/*
 * fuzz_http: every request handler of the intake server, through the real
 * libevent HTTP server in this process. The server is set up as server_run
 * sets it up (intake/server.c: evhttp limits, the group commit, route.c's
 * request handler as the only callback) on a loopback port, over a data directory with known
 * cases, a reply sealed to a real receipt's reply key, a web root (with a
 * symbolic link out of it) and the no-JavaScript templates. Each input is
 * sent on a fresh connection and the loop runs until the answer is complete.
 *
 * Input: the first byte chooses the request, the rest is its body.
 *   'R'      the rest is sent as it is (request line, headers, body: the
 *            fuzzer drives libevent's parser and everything behind it)
 *   else     low four bits: the endpoint (JSON API, no-JS forms, static
 *            path or log head made from the body); bit 4: proof-of-work
 *            required (difficulty 2); bits 5-7: the method (0 and 7: the
 *            endpoint's own). In a body, "$CH" and "$NONCE" are replaced
 *            by a fresh challenge of this server and its solution.
 * Checks on the built requests: exactly one answer, with a status of
 * DESIGN.md §9 and the security headers; a 201 stored exactly one entry,
 * anything else none; no answer carries the server's secrets or a file
 * from outside the web root. Not covered here: the connection cap and the
 * listener pausing (server.c conn_new, needs /proc counting), signals.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/pow.h"
#include "crypto/receipt.h"
#include "intake/commit.h"
#include "intake/config.h"
#include "intake/route.h"
#include "intake/server.h"
#include "store/store.h"
#include "tests/fuzz/fuzz.h"

#define RECEIPT      "MS0Z-H1WW-YKQN-03JM-SFCX" /* tests/vectors/receipts.json */
#define RESET_EVERY  300
#define MAX_RESPONSE (4u << 20)

/* The server's clock: advances a minute per input, so rate limits reset. */
time_t __real_time(time_t *t);
time_t __wrap_time(time_t *t);
static time_t clock_now;

time_t
__wrap_time(time_t *t)
{
	if (clock_now == 0)
		clock_now = __real_time(NULL);
	if (t != NULL)
		*t = clock_now;
	return clock_now;
}

static struct server S;
static const char *data;
static char dbdir[800], live[800], tpl[800];
static unsigned short port;
static unsigned long runs;
/* What no answer may carry: a random marker in files the server must not serve, and the keys. */
static char secret_mark[80], secret_sk[CODEC_B64U_BUF(64)], secret_pow[CODEC_B64U_BUF(32)];

struct endpoint {
	const char *method, *path, *type;
};

static const struct endpoint ENDPOINTS[16] = {
        {"POST", "/api/v1/reports", "application/json"},
        {"POST", "/api/v1/followups", "application/json"},
        {"POST", "/api/v1/status", "application/json"},
        {"GET", "/api/v1/info", NULL},
        {"GET", "/api/v1/pow", NULL},
        {"GET", "/api/v1/log/d01/head", NULL},
        {"POST", "/nojs/report", "application/x-www-form-urlencoded"},
        {"POST", "/nojs/status", "application/x-www-form-urlencoded"},
        {"GET", "/nojs/report?", NULL}, /* the body is the query */
        {"GET", NULL, NULL},            /* the body is the path */
        {"POST", "/api/v1/reports", "text/plain; charset=utf-8"},
        {"GET", "/api/v1/log/", NULL}, /* the body is the district, then /head */
        {"POST", "/api/v1/reports", "application/json; charset=utf-8"},
        {"POST", "/api/v1/followups", "application/json"},
        {"POST", "/api/v1/status", "application/json"},
        {"POST", "/nojs/report", "application/x-www-form-urlencoded; charset=UTF-8"},
};
static const char *const METHODS[8] = {NULL,     "GET",  "POST",    "PUT",
                                       "DELETE", "HEAD", "OPTIONS", NULL};

static void
http_limits(struct config *c)
{
	c->max_envelope_bytes = 16384;
	c->quota_bytes = 1 << 20;
	c->map_max_bytes = 16 << 20;
	c->status_per_minute = 100000;
	c->request_timeout = 5;
}

/* ---- set-up ------------------------------------------------------------ */

static void
write_text(const char *dir, const char *name, const char *text)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (fz_write_file(path, text, strlen(text)) != 0)
		fz_die(path);
}

/* The no-JS pieces: the web build's if there is one, else a stand-in with every piece and hole. */
static void
nojs_templates(const char *web)
{
	static const char *const langs[] = {"en", "zh-CN"};
	static const char stand_in[] =
	        "{\"errors\":{\"bad_field\":\"bf\",\"title\":\"t\"},\"statuses\":{\"received\":"
	        "\"r\"},"
	        "\"choices\":{\"type\":[{\"value\":\"appeal\",\"off\":\"a\",\"on\":\"A\"}],"
	        "\"category\":[{\"value\":\"legal\",\"off\":\"l\",\"on\":\"L\"}],"
	        "\"subject_level\":[{\"value\":\"village\",\"off\":\"v\",\"on\":\"V\"}],"
	        "\"subject_party\":[{\"value\":\"yes\",\"off\":\"y\",\"on\":\"Y\"}]},"
	        "\"report\":{\"top\":\"<p>\",\"error\":\"\",\"error_end\":\"\","
	        "\"form\":\"{%form_token%}\",\"no_district\":\"-\","
	        "\"one_district\":\"{%id%}{%name%}\",\"districts\":\"m\","
	        "\"district\":\"{%id%}{%name%}{%selected%}\",\"districts_end\":\"\","
	        "\"fingerprints\":\"\",\"fingerprint\":\"{%id%}{%fingerprint%}{%name%}\","
	        "\"type\":\"\",\"category\":\"{%subcategory%}\","
	        "\"level\":\"{%subject_name%}{%subject_unit%}{%subject_area%}{%subject_position%}"
	        "\","
	        "\"party\":\"\",\"party_end\":\"\",\"routes\":\"{%keep_district_checked%}\","
	        "\"matter\":\"{%town%}{%title%}{%body%}{%when%}{%where%}{%real_name_checked%}"
	        "{%id_name%}{%id_phone%}{%id_number%}{%id_unit%}{%id_address%}</p>\\n\"},"
	        "\"receipt\":{\"top\":\"{%r1%}-{%r2%}-{%r3%}-{%r4%}-{%r5%}\","
	        "\"routed\":\"{%concerns_name%}\","
	        "\"rest\":\"{%district%}{%district_name%}{%fingerprint%}{%index%}{%day%}\"},"
	        "\"status\":{\"top\":\"\",\"facts\":\"{%index%}{%created_day%}{%status_day%}"
	        "{%followups%}\",\"delivered_yes\":\"d\",\"delivered_no\":\"\",\"district\":\"\","
	        "\"known\":\"{%district%}{%district_name%}{%fingerprint%}\",\"unknown\":\"u\","
	        "\"replies\":\"\",\"no_replies\":\"n\",\"reply\":\"{%seq%}{%day%}\","
	        "\"reply_body\":\"{%body%}\",\"reply_atts\":\"att\",\"reply_bad\":\"x\","
	        "\"reply_end\":\"\",\"end\":\"\"},"
	        "\"error\":{\"top\":\"\",\"rest\":\"\"}}\n";
	const char *cands[4] = {getenv("QF_FUZZ_NOJS"), "build/web/.nojs", "build-web/web/.nojs",
	                        NULL};
	char exe[1024], src[1200], dst[1200], dir[1100];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *found = NULL;

	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0'; /* .../build/fuzz */
		snprintf(dir, sizeof dir, "%s/../web/.nojs", exe);
		cands[3] = dir;
	}
	for (int i = 0; i < 4 && found == NULL; i++) {
		snprintf(src, sizeof src, "%s/en.json", cands[i] ? cands[i] : "/nonexistent");
		if (cands[i] != NULL && access(src, R_OK) == 0)
			found = cands[i];
	}
	snprintf(dir, sizeof dir, "%s/.nojs", web);
	mkdir(dir, 0700);
	for (int l = 0; l < 2; l++) {
		snprintf(dst, sizeof dst, "%s/%s.json", dir, langs[l]);
		snprintf(src, sizeof src, "%s/%s.json", found ? found : "", langs[l]);
		if (found != NULL && fz_copy_file(src, dst) == 0)
			continue;
		if (fz_write_file(dst, "", 0) != 0)
			fz_die(dst);
		write_text(dir, strrchr(dst, '/') + 1, stand_in);
	}
}

/* A web root with pages, a hidden file and a symbolic link that leads out of it. */
static const char *
web_root(const char *base)
{
	static char web[900];
	char path[1000];

	uint8_t r[16];

	randombytes_buf(r, sizeof r);
	memcpy(secret_mark, "QF-SECRET-", 10);
	codec_hex_encode(secret_mark + 10, sizeof secret_mark - 10, r, sizeof r);
	snprintf(web, sizeof web, "%s/web", base);
	mkdir(web, 0700);
	write_text(web, "index.html", "<p>index</p>\n");
	write_text(web, ".hidden", secret_mark);
	snprintf(path, sizeof path, "%s/zh-CN", web);
	mkdir(path, 0700);
	write_text(path, "index.html", "<p>中文</p>\n");
	write_text(path, "a b.css", "p{}\n");
	snprintf(path, sizeof path, "%s/secret.txt", base);
	if (fz_write_file(path, secret_mark, strlen(secret_mark)) != 0)
		fz_die(path);
	snprintf(path, sizeof path, "%s/link.txt", web);
	if (symlink("../secret.txt", path) != 0 && errno != EEXIST)
		fz_die("symlink");
	nojs_templates(web);
	return web;
}

/* A report made from the vector receipt, with a reply sealed to its reply key. */
static void
receipt_case(void)
{
	struct store_report r;
	struct store_receipt rc;
	struct receipt_keys k;
	struct store_op op;
	struct store_update u;
	uint8_t env[FZ_ENVELOPE_LEN], *reply = NULL;
	char man[512], lb[CODEC_B64U_BUF(32)];
	struct envelope_blob att = {(const uint8_t *)"PDF", 3};
	size_t rlen = 0, bad;

	if (receipt_derive(RECEIPT, &k) != 0)
		fz_die("receipt");
	memset(&r, 0, sizeof r);
	memcpy(r.lookup, k.lookup, 32);
	memcpy(r.auth_hash, k.auth_hash, 32);
	memcpy(r.reply_pk, k.reply_pk, 32);
	fz_fake_envelope(env, sizeof env, 99);
	r.district = "d01";
	r.envelope = env;
	r.envelope_len = sizeof env;
	r.day = "2026-01-05";
	if (store_put_report(S.store, &r, &rc) != STORE_OK)
		fz_die("receipt report");
	codec_b64u_encode(lb, sizeof lb, k.lookup, 32);
	snprintf(man, sizeof man,
	         "{\"v\":1,\"kind\":\"reply\",\"district\":\"d01\",\"lookup\":\"%s\",\"status\":"
	         "\"accepted\",\"body\":\"<b>已受理</b>\\u0007\",\"attachments\":[{\"name\":"
	         "\"../x.pdf\",\"type\":\"application/pdf\",\"size\":3}]}",
	         lb);
	if (envelope_seal_buffer(&reply, &rlen, k.reply_pk, man, strlen(man), &att, 1) !=
	    ENVELOPE_OK)
		fz_die("seal");
	memset(&op, 0, sizeof op);
	memcpy(op.lookup, k.lookup, 32);
	op.kind = STORE_OP_REPLY;
	op.envelope = reply;
	op.envelope_len = rlen;
	memset(&u, 0, sizeof u);
	u.district = "d01";
	u.seq = 1;
	u.day = "2026-01-06";
	u.ops = &op;
	u.nops = 1;
	if (store_apply_update(S.store, &u, &bad) != STORE_OK)
		fz_die("receipt reply");
	free(reply);
	receipt_keys_wipe(&k);
}

static void
open_store(void)
{
	struct store_config sc;

	memset(&sc, 0, sizeof sc);
	sc.map_max = S.cfg.map_max_bytes;
	sc.quota_bytes = S.cfg.quota_bytes;
	if (store_open(&S.store, dbdir, &sc) != STORE_OK ||
	    store_district_ensure(S.store, "d01") != STORE_OK)
		fz_die("store_open");
}

static void
setup_server(void)
{
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	struct evhttp_bound_socket *sock;
	char base[900], cfgpath[1000], err[512];
	struct config c;

	data = fz_data_dir("http", 3, http_limits);
	snprintf(base, sizeof base, "%s/..", data);
	snprintf(cfgpath, sizeof cfgpath, "%s/config.json", data);
	if (config_load(&c, cfgpath, err, sizeof err) != 0)
		fz_die(err);
	snprintf(c.web_root, sizeof c.web_root, "%s", web_root(base));
	if (config_save(&c, cfgpath) != 0)
		fz_die("config_save");
	snprintf(dbdir, sizeof dbdir, "%s/db", data);
	snprintf(live, sizeof live, "%s/db/data.mdb", data);
	snprintf(tpl, sizeof tpl, "%s/template.mdb", data);
	if (server_open(&S, data) != 0)
		fz_die("server_open");
	codec_b64u_encode(secret_sk, sizeof secret_sk, S.key->sign_sk, 64);
	codec_b64u_encode(secret_pow, sizeof secret_pow, S.key->pow_key, 32);
	receipt_case();
	store_close(S.store);
	if (fz_copy_file(live, tpl) != 0)
		fz_die("template");
	open_store();
	/* as server_run does */
	S.max_body = (size_t)(S.cfg.max_envelope_bytes / 3 * 4 + 4 + 4096);
	S.rl = ratelimit_new(65536, S.cfg.status_per_minute);
	if (S.rl == NULL || server_build_info(&S) != 0)
		fz_die("server state");
	S.base = event_base_new();
	S.http = S.base ? evhttp_new(S.base) : NULL;
	if (S.http == NULL)
		fz_die("libevent");
	evhttp_set_allowed_methods(S.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	                                           EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	                                           EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(S.http, 16384);
	evhttp_set_max_body_size(S.http, (ev_ssize_t)S.max_body);
	evhttp_set_timeout(S.http, (int)S.cfg.request_timeout);
	evhttp_set_default_content_type(S.http, "application/json; charset=utf-8");
	if (commit_init(&S.commit, S.base, S.store, S.key->sign_sk) != 0)
		fz_die("commit_init");
	S.h = &route_handlers;
	if (route_handlers.init(&S) != 0) /* the no-JS pieces, as server_run loads them */
		fz_die("route init");
	evhttp_set_gencb(S.http, route_handlers.request, &S);
	sock = evhttp_bind_socket_with_handle(S.http, "127.0.0.1", 0);
	if (sock == NULL ||
	    getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&a, &al) != 0)
		fz_die("bind");
	S.sock = sock;
	port = ntohs(a.sin_port);
}

/* Every 300 inputs: the store and the limits as they were at the start. */
static void
reset_state(void)
{
	commit_free(S.commit); /* it holds the store: a new queue for the new store */
	store_close(S.store);
	if (fz_copy_file(tpl, live) != 0)
		fz_die("reset");
	open_store();
	if (commit_init(&S.commit, S.base, S.store, S.key->sign_sk) != 0)
		fz_die("commit_init");
	ratelimit_free(S.rl);
	S.rl = ratelimit_new(65536, S.cfg.status_per_minute);
	if (S.rl == NULL)
		fz_die("ratelimit");
}

/* ---- seeds ------------------------------------------------------------- */

static void
seed2(const char *name, int sel, const char *body)
{
	size_t n = strlen(body);
	char *b = malloc(n + 1);

	if (b == NULL)
		fz_die("malloc");
	b[0] = (char)sel;
	memcpy(b + 1, body, n);
	fz_seed(name, b, n + 1);
	free(b);
}

static void
make_seeds(void)
{
	uint8_t lookup[32], auth[32], ah[32], rpk[32], env[FZ_ENVELOPE_LEN];
	char l[CODEC_B64U_BUF(32)], a[CODEC_B64U_BUF(32)], h[CODEC_B64U_BUF(32)];
	char r[CODEC_B64U_BUF(32)], *e, *body;
	size_t cap;

	fz_case_keys(1, lookup, auth, NULL, NULL, NULL);
	codec_b64u_encode(l, sizeof l, lookup, 32);
	codec_b64u_encode(a, sizeof a, auth, 32);
	fz_case_keys(200, lookup, NULL, ah, rpk, NULL);
	codec_b64u_encode(h, sizeof h, ah, 32);
	codec_b64u_encode(r, sizeof r, rpk, 32);
	fz_fake_envelope(env, sizeof env, 200);
	e = codec_b64u_encode_alloc(env, sizeof env);
	if (e == NULL)
		fz_die("malloc");
	cap = strlen(e) + 1024;
	body = malloc(cap);
	if (body == NULL)
		fz_die("malloc");
	codec_b64u_encode(l + 0, sizeof l, lookup, 32);
	snprintf(body, cap,
	         "{\"district\":\"d01\",\"lookup\":\"%s\",\"auth_hash\":\"%s\",\"reply_pk\":\"%s\","
	         "\"envelope\":\"%s\"}",
	         l, h, r, e);
	seed2("report", 0, body);
	snprintf(body, cap,
	         "{\"district\":\"d01\",\"lookup\":\"%s\",\"auth_hash\":\"%s\",\"reply_pk\":\"%s\","
	         "\"envelope\":\"%s\",\"pow\":{\"challenge\":\"$CH\",\"nonce\":\"$NONCE\"}}",
	         l, h, r, e);
	seed2("report-pow", 0x10, body);
	fz_case_keys(1, lookup, auth, NULL, NULL, NULL);
	codec_b64u_encode(l, sizeof l, lookup, 32);
	snprintf(body, cap, "{\"lookup\":\"%s\",\"auth\":\"%s\",\"envelope\":\"%s\"}", l, a, e);
	seed2("followup", 1, body);
	snprintf(body, cap,
	         "{\"lookup\":\"%s\",\"auth\":\"%s\",\"envelope\":\"%s\",\"pow\":{\"challenge\":"
	         "\"$CH\",\"nonce\":\"AAAAAAAAAAA\"}}",
	         l, a, e);
	seed2("followup-bad-nonce", 0x11, body);
	snprintf(body, cap, "{\"lookup\":\"%s\",\"auth\":\"%s\"}", l, a);
	seed2("status", 2, body);
	seed2("status-unknown", 2,
	      "{\"lookup\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
	      "\"auth\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}");
	seed2("info", 3, "");
	seed2("pow", 4, "");
	seed2("head", 5, "");
	seed2("nojs-report", 6,
	      "lang=en&district=d01&type=appeal&category=work&subcategory=x&town=%E9%95%87&title="
	      "T&body=B%0D%0Aline&when=2026-05&where=w&subject_name=n&subject_unit=u&subject_area="
	      "a&subject_position=p&subject_level=village&subject_party=yes&real_name=1&id_name=Z"
	      "&id_phone=1&id_number=2&id_unit=3&id_address=4");
	seed2("nojs-report-zh", 15,
	      "district=d01&title=%E6%A0%87%E9%A2%98&body=%E6%AD%A3%E6%96%87");
	seed2("nojs-status", 7, "lang=en&receipt=ms0z-h1ww-ykqn-03jm-sfcx");
	seed2("nojs-status-bad", 7, "receipt=MS0Z-H1WW-YKQN-03JM-SFCY");
	seed2("nojs-form", 8, "lang=en");
	seed2("static-index", 9, "/");
	seed2("static-dir", 9, "/zh-CN/");
	seed2("static-encoded", 9, "/zh-CN/a%20b.css");
	seed2("static-traversal", 9, "/%2e%2e/secret.txt");
	seed2("static-link", 9, "/link.txt");
	seed2("static-hidden", 9, "/.hidden");
	seed2("wrong-type", 10, "{}");
	seed2("head-other", 11, "d99");
	seed2("delete", 0x80 | 2, "");
	seed2("raw-get", 'R', "GET /api/v1/info HTTP/1.1\r\nHost: x\r\n\r\n");
	seed2("raw-pipelined", 'R',
	      "GET /api/v1/pow HTTP/1.1\r\nHost: x\r\n\r\nPOST /api/v1/status HTTP/1.1\r\n"
	      "Host: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
	seed2("raw-chunked", 'R',
	      "POST /api/v1/status HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	      "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
	seed2("raw-huge-length", 'R',
	      "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	      "Content-Length: 99999999999\r\n\r\n{");
	seed2("raw-http10", 'R', "GET /nojs/report?lang=en HTTP/1.0\r\n\r\n");
	free(body);
	free(e);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	if (fz_seed_dir() != NULL) {
		make_seeds();
		exit(0);
	}
	signal(SIGPIPE, SIG_IGN);
	setup_server();
	return 0;
}

/* ---- one request ------------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void
add(struct buf *b, const void *d, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (p == NULL)
			abort();
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
adds(struct buf *b, const char *s)
{
	add(b, s, strlen(s));
}

/* Appends the body with "$CH" and "$NONCE" replaced. */
static void
add_body(struct buf *b, const uint8_t *d, size_t n)
{
	uint8_t ch[POW_CHALLENGE_BYTES], nonce[POW_NONCE_BYTES];
	char chs[CODEC_B64U_BUF(POW_CHALLENGE_BYTES)], ns[CODEC_B64U_BUF(POW_NONCE_BYTES)];

	pow_challenge_make(ch, S.key->pow_key, (uint64_t)__wrap_time(NULL) + 300);
	if (pow_solve(nonce, ch, 2, 0) != 0)
		abort();
	codec_b64u_encode(chs, sizeof chs, ch, sizeof ch);
	codec_b64u_encode(ns, sizeof ns, nonce, sizeof nonce);
	for (size_t i = 0; i < n;) {
		if (n - i >= 3 && memcmp(d + i, "$CH", 3) == 0) {
			adds(b, chs);
			i += 3;
		} else if (n - i >= 6 && memcmp(d + i, "$NONCE", 6) == 0) {
			adds(b, ns);
			i += 6;
		} else {
			add(b, d + i, 1);
			i++;
		}
	}
}

/* Appends bytes as a request-target: controls, spaces and non-ASCII percent-encoded. */
static void
add_target(struct buf *b, const uint8_t *d, size_t n)
{
	char pct[4];

	if (n == 0 || d[0] != '/')
		adds(b, "/");
	for (size_t i = 0; i < n && i < 2048; i++) {
		if (d[i] <= 0x20 || d[i] >= 0x7f) {
			snprintf(pct, sizeof pct, "%%%02X", d[i]);
			adds(b, pct);
		} else {
			add(b, d + i, 1);
		}
	}
}

/* Sends req on a new connection and collects the answer bytes into resp. */
static void
exchange(const struct buf *req, struct buf *resp)
{
	struct sockaddr_in a;
	size_t sent = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), idle = 0;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS))
		abort();
	for (int spins = 0; spins < 20000; spins++) {
		char tmp[65536];
		ssize_t n;

		event_base_loop(S.base, EVLOOP_NONBLOCK);
		if (sent < req->len) {
			n = send(fd, req->p + sent, req->len - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
				break; /* the server closed the connection: enough */
		}
		n = recv(fd, tmp, sizeof tmp, 0);
		if (n > 0) {
			if (resp->len < MAX_RESPONSE)
				add(resp, tmp, (size_t)n);
			idle = 0;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			break; /* closed */
		if (commit_busy(S.commit)) {
			usleep(50); /* a group commit on the worker thread: its answers follow */
			continue;
		}
		if (sent == req->len && ++idle > 8)
			break; /* nothing more will come */
	}
	close(fd);
	for (int i = 0; i < 4; i++)
		event_base_loop(S.base, EVLOOP_NONBLOCK);
}

static uint64_t
log_size(void)
{
	struct store_district d;

	if (store_district_get(S.store, "d01", &d) != STORE_OK)
		abort();
	return d.size;
}

static int
count(const char *hay, size_t n, const char *needle)
{
	size_t nl = strlen(needle);
	int c = 0;

	if (hay == NULL)
		return 0;
	for (size_t i = 0; i + nl <= n; i++)
		if (memcmp(hay + i, needle, nl) == 0)
			c++;
	return c;
}

/* The checks on an answer to a request the harness built. */
static void
check_answer(const struct buf *resp, const char *method, int stores, uint64_t before)
{
	const char *end, *cl;
	size_t head;
	int code;
	uint64_t after = log_size();

	if (resp->p == NULL || resp->len < 12 || memcmp(resp->p, "HTTP/1.1 ", 9) != 0)
		fz_fail("no answer");
	end = strstr(resp->p, "\r\n\r\n");
	if (end == NULL)
		fz_fail("a cut answer");
	head = (size_t)(end + 4 - resp->p);
	cl = strstr(resp->p, "Content-Length: ");
	if (strcmp(method, "HEAD") != 0 &&
	    (cl == NULL || cl > end || head + strtoul(cl + 16, NULL, 10) != resp->len))
		fz_fail("not exactly one whole answer");
	code = (int)strtol(resp->p + 9, NULL, 10);
	switch (code) {
	case 200:
	case 201:
	case 400:
	case 404:
	case 405:
	case 409:
	case 413:
	case 415:
	case 429:
	case 503:
		break;
	case 301: { /* a web page's directory without its slash: only on this site */
		const char *loc = strstr(resp->p, "\r\nLocation: ");

		if ((strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) || loc == NULL ||
		    loc > end || loc[12] != '/' || loc[13] == '/' || loc[13] == '\\')
			fz_fail("a redirect that is not to a path of this site");
		break;
	}
	case 303: { /* the no-JS form's answer page, fetched once (post/redirect/get) */
		const char *loc = strstr(resp->p, "\r\nLocation: ");
		size_t n = loc != NULL ? strcspn(loc + 12, "\r") : 0;

		if (strcmp(method, "POST") != 0 || loc == NULL || loc > end || n == 0 ||
		    memchr(loc + 12, ':', n) != NULL || memchr(loc + 12, '/', n) != NULL)
			fz_fail("a 303 that is not to a page beside the form");
		break;
	}
	default:
		fz_fail("a status §9 does not list");
	}
	/*
	 * libevent answers a request line it cannot parse (e.g. "GET //a:b/ ...")
	 * itself, with its own 400 page and none of our headers: libevent 2.1 has
	 * no hook for it (docs/testing.md).
	 */
	if (code == 400 && strstr(end, "<TITLE>400 Bad Request</TITLE>") != NULL)
		return;
	if ((strstr(resp->p, "Cache-Control: no-store") == NULL ||
	     strstr(resp->p, "X-Content-Type-Options: nosniff") == NULL ||
	     strstr(resp->p, "Content-Security-Policy: default-src 'self'") == NULL))
		fz_fail("an answer without the security headers");
	if (code == 201 && (!stores || after != before + 1))
		fz_fail("a 201 that did not store exactly one entry");
	if (code != 201 && after != before)
		fz_fail("a refusal that stored something");
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct buf req = {NULL, 0, 0}, resp = {NULL, 0, 0};
	const char *method = "GET";
	uint64_t before;
	int built = 0, stores = 0;
	size_t body_len = 0;
	char hdr[256];

	if (size < 1)
		return 0;
	clock_now = __real_time(NULL) + (time_t)(++runs * 61);
	if (runs % RESET_EVERY == 0)
		reset_state();
	before = log_size();
	if (in[0] == 'R') {
		add(&req, in + 1, size - 1);
	} else {
		const struct endpoint *ep = &ENDPOINTS[in[0] & 15];
		const char *m = METHODS[(in[0] >> 5) & 7];
		struct buf body = {NULL, 0, 0};

		S.cfg.pow_difficulty = (in[0] & 0x10) ? 2 : 0;
		method = m ? m : ep->method;
		built = 1;
		stores = (in[0] & 15) == 0 || (in[0] & 15) == 1 || (in[0] & 15) == 6 ||
		         (in[0] & 15) == 12 || (in[0] & 15) == 13 || (in[0] & 15) == 15;
		adds(&req, method);
		adds(&req, " ");
		if (ep->path == NULL) {
			add_target(&req, in + 1, size - 1);
		} else if ((in[0] & 15) == 11) {
			adds(&req, ep->path);
			add_target(&body, in + 1, size - 1);
			add(&req, body.p + 1, body.len - 1); /* without its leading "/" */
			adds(&req, "/head");
			free(body.p);
			body.p = NULL;
			body.len = body.cap = 0;
		} else if ((in[0] & 15) == 8) {
			adds(&req, ep->path);
			add_target(&body, in + 1, size - 1);
			add(&req, body.p + 1, body.len - 1);
			free(body.p);
			body.p = NULL;
			body.len = body.cap = 0;
		} else {
			adds(&req, ep->path);
			add_body(&body, in + 1, size - 1);
		}
		adds(&req, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
		if (ep->type != NULL) {
			snprintf(hdr, sizeof hdr, "Content-Type: %s\r\n", ep->type);
			adds(&req, hdr);
		}
		snprintf(hdr, sizeof hdr, "Content-Length: %zu\r\n\r\n", body.len);
		adds(&req, hdr);
		body_len = body.len;
		if (body.len > 0)
			add(&req, body.p, body.len);
		free(body.p);
	}
	exchange(&req, &resp);
	if (getenv("QF_FUZZ_DEBUG") != NULL)
		fprintf(stderr, "---- request\n%.*s\n---- answer\n%.*s\n",
		        (int)(req.len > 2000 ? 2000 : req.len), req.p,
		        (int)(resp.len > 3000 ? 3000 : resp.len), resp.p ? resp.p : "");
	/*
	 * A secret in an answer is a leak, unless the request carried it (the
	 * no-JS form shows what was sent; the fuzzer learns the secrets from
	 * these very comparisons).
	 */
	if (resp.len > 0 &&
	    ((count(resp.p, resp.len, secret_mark) > 0 &&
	      count(req.p, req.len, secret_mark) == 0) ||
	     (count(resp.p, resp.len, secret_sk) > 0 && count(req.p, req.len, secret_sk) == 0) ||
	     (count(resp.p, resp.len, secret_pow) > 0 && count(req.p, req.len, secret_pow) == 0)))
		fz_fail("a secret or a file from outside the web root in an answer");
	/* a body over the limit is refused by closing the connection (docs/decisions.md) */
	if (built && body_len <= S.max_body)
		check_answer(&resp, method, stores, before);
	free(req.p);
	free(resp.p);
	return 0;
}
