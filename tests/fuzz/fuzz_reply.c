/*
 * fuzz_reply: the reporter CLI facing a hostile server (report/). A fake
 * server in this process answers every request with the input; the harness
 * runs `qingfeng-report status --save-dir DIR` against it (the libevent
 * client, proto_status_parse, opening each reply with the receipt's reply
 * key, printing its text and saving its attachments), and feeds the same
 * answer to the parsers the submit path uses (error, info, challenge,
 * receipt).
 *
 * Input: status(1) then the answer body. status picks the HTTP status
 * (200 mostly; also 201, 400, 404, 429, 500, 503). In the body, every
 * "$REPLY" becomes an envelope sealed to the receipt's reply key whose
 * plaintext is the text after a line "#PLAIN": a manifest, then optionally
 * a line "#ATT" and attachment bytes (the harness adds the length prefix
 * and the padding). A manifest whose "sig" is "$SIG" gets district d01's
 * real signature (sign_reply), so the fuzzer reaches what follows it. Checks: nothing is written outside the save directory,
 * and nothing there but regular files.
 */
#include <dirent.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/receipt.h"
#include "crypto/sign.h"
#include "report/proto.h"
#include "report/reporter.h"
#include "tests/fuzz/fuzz.h"

#define RECEIPT         "MS0Z-H1WW-YKQN-03JM-SFCX" /* tests/vectors/receipts.json */
#define MAX_SIGNED_ATTS 16

static struct event_base *base;
static unsigned short port;
static char url[64], top[800], save[900];
static struct receipt_keys keys;
static const uint8_t *answer;
static size_t answer_len;
static int answer_code;
static FILE *devnull;

static const int CODES[8] = {200, 200, 200, 200, 201, 404, 429, 503};

/* GET /api/v1/info: the real keys of d01 (replies are checked against its sign_pk). */
static const char INFO[] =
        "{\"service\":\"qingfeng\",\"api\":1,\"version\":\"0.1.0\",\"server_sign_pk\":"
        "\"" FZ_SERVER_SIGN_PK "\",\"districts\":[" FZ_D01_PUB_JSON "],\"limits\":{"
        "\"max_envelope_bytes\":20971520},\"pow\":{\"difficulty\":0}}";

static void
serve(struct evhttp_request *req, void *arg)
{
	struct evbuffer *b = evbuffer_new();
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));

	(void)arg;
	if (b == NULL)
		abort();
	if (path != NULL && strcmp(path, "/api/v1/info") == 0) {
		evbuffer_add(b, INFO, strlen(INFO));
		evhttp_send_reply(req, 200, "OK", b);
		evbuffer_free(b);
		return;
	}
	evbuffer_add(b, answer, answer_len);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "application/json");
	evhttp_send_reply(req, answer_code, "X", b);
	evbuffer_free(b);
}

/* ---- seeds ------------------------------------------------------------- */

static void
seed_status(const char *name, const char *manifest, const char *att, int replies)
{
	char lb[CODEC_B64U_BUF(32)], body[8192], *p;
	size_t n;

	codec_b64u_encode(lb, sizeof lb, keys.lookup, 32);
	n = (size_t)snprintf(body, sizeof body,
	                     "%c{\"district\":\"d01\",\"index\":7,\"status\":\"accepted\","
	                     "\"status_day\":\"2026-02-01\",\"created_day\":\"2026-01-05\","
	                     "\"delivered\":true,\"replies\":[",
	                     0);
	for (int i = 0; i < replies; i++)
		n += (size_t)snprintf(
		        body + n, sizeof body - n,
		        "%s{\"seq\":%d,\"day\":\"2026-02-0%d\",\"envelope\":\"$REPLY\"}",
		        i ? "," : "", i + 1, i + 1);
	n += (size_t)snprintf(body + n, sizeof body - n, "],\"followups\":2}\n#PLAIN\n");
	p = body + n;
	n += (size_t)snprintf(p, sizeof body - n, manifest, lb);
	if (att != NULL)
		n += (size_t)snprintf(body + n, sizeof body - n, "\n#ATT\n%s", att);
	fz_seed(name, body, n);
}

static void
make_seeds(void)
{
	static const char rep[] =
	        "{\"v\":1,\"kind\":\"reply\",\"district\":\"d01\",\"lookup\":\"%s\",\"status\":"
	        "\"need_info\",\"body\":\"请补充 "
	        "\\u001b[31m\\n\",\"sig\":\"$SIG\",\"attachments\":[{\"name\":"
	        "\"../../etc/x.pdf\",\"type\":\"application/"
	        "pdf\",\"size\":5},{\"name\":\".bashrc\","
	        "\"type\":\"text/plain\",\"size\":3}]}";

	seed_status("status-reply", rep, "%PDF-abc", 1);
	seed_status("status-two-replies", rep, "%PDF-abc", 2);
	seed_status("status-no-reply",
	            "{\"v\":1,\"kind\":\"reply\",\"district\":\"d01\",\"lookup\":\"%s\"}", NULL, 0);
	seed_status("status-wrong-lookup",
	            "{\"v\":1,\"kind\":\"reply\",\"district\":\"d01\",\"lookup\":\"x%s\","
	            "\"body\":\"\",\"attachments\":[]}",
	            NULL, 1);
	fz_seed_text("error", "\x05{\"error\":{\"code\":\"not_found\",\"message\":\"\\u0007no\"}}");
	fz_seed_text("info",
	             "\x00{\"service\":\"qingfeng\",\"api\":1,\"version\":\"0.1.0\","
	             "\"server_sign_pk\":\"naNgJwSy-Bk1bgBrF75cVhcTZBPY9SyTG9mtg2wFxGo\","
	             "\"districts\":[" FZ_D01_PUB_JSON "],\"limits\":{\"max_envelope_bytes\":"
	             "20971520},\"pow\":{\"difficulty\":18}}");
	fz_seed_text("pow",
	             "\x00{\"challenge\":\"0_c9vDmrOuXc3yvjJ3v-wAAAAABxP7MAUSp3SxK6FZMnvbSE6iAV"
	             "0g\",\"difficulty\":12,\"expires_in\":600}");
	fz_seed_text("receipt",
	             "\x04{\"receipt\":{\"district\":\"d01\",\"index\":1,\"day\":\"2026-11-"
	             "21\",\"envelope_hash\":\"Fs5tU3UR0ZPAezahRuYxWMTFYtN_eKbwV208EY-eOfE\","
	             "\"chain\":\"mDhoYj6p-CmF2PoqC2j3fbxfnkjCcYxqr1C3k8XO3v0\",\"sig\":"
	             "\"jpK7DVHy3qk3i3c_kCG_rudqsiJ0MjdslbpT7RCO56dRcL3eTdO2MbFTV7HoO0L_ojM4"
	             "1t2Tp-re4miWpcG3BA\"}}");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	struct sockaddr_in a;
	socklen_t al = sizeof a;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	if (receipt_derive(RECEIPT, &keys) != 0)
		fz_die("receipt");
	if (fz_seed_dir() != NULL) {
		make_seeds();
		exit(0);
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(top, sizeof top, "%s", fz_tmpdir("reply"));
	snprintf(save, sizeof save, "%s/save", top);
	devnull = fopen("/dev/null", "w");
	base = event_base_new();
	http = base ? evhttp_new(base) : NULL;
	if (devnull == NULL || http == NULL)
		fz_die("libevent");
	evhttp_set_gencb(http, serve, NULL);
	sock = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	if (sock == NULL ||
	    getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&a, &al) != 0)
		fz_die("bind");
	port = ntohs(a.sin_port);
	snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
	return 0;
}

/* ---- building the answer ----------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void
add(struct buf *b, const void *d, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		uint8_t *p = realloc(b->p, cap);

		if (p == NULL)
			abort();
		b->p = p;
		b->cap = cap;
	}
	if (b->p == NULL)
		abort();
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static const uint8_t *
find(const uint8_t *h, size_t n, const char *needle)
{
	size_t nl = strlen(needle);

	for (size_t i = 0; i + nl <= n; i++)
		if (memcmp(h + i, needle, nl) == 0)
			return h + i;
	return NULL;
}

/*
 * When the manifest m[0..mlen) is an object whose "sig" is "$SIG", returns a
 * new text with the district's real signature there (sign_reply over its
 * district, lookup, status, body and the attachment), else NULL.
 */
static char *
sign_manifest(const uint8_t *m, size_t mlen, const struct envelope_blob *blob)
{
	json_error_t e;
	json_t *j = json_loadb((const char *)m, mlen, 0, &e);
	const char *district, *status, *body;
	uint8_t lookup[32] = {0}, body_hash[32], att_hash[MAX_SIGNED_ATTS][32], sig[64];
	char sb[CODEC_B64U_BUF(64)], *text = NULL;
	size_t natt, off = 0;

	district = json_string_value(json_object_get(j, "district"));
	status = json_string_value(json_object_get(j, "status"));
	body = json_string_value(json_object_get(j, "body"));
	if (j == NULL || district == NULL || status == NULL || body == NULL ||
	    json_string_value(json_object_get(j, "sig")) == NULL ||
	    strcmp(json_string_value(json_object_get(j, "sig")), "$SIG") != 0) {
		json_decref(j);
		return NULL;
	}
	(void)codec_b64u_decode_exact(lookup, 32, json_string_value(json_object_get(j, "lookup")));
	chain_h256(body_hash, (const uint8_t *)body, strlen(body));
	/* one hash per attachment the manifest lists, cut from the blob by their sizes */
	natt = json_array_size(json_object_get(j, "attachments"));
	if (natt > MAX_SIGNED_ATTS)
		natt = MAX_SIGNED_ATTS;
	for (size_t i = 0; i < natt; i++) {
		json_int_t sz = json_integer_value(json_object_get(
		        json_array_get(json_object_get(j, "attachments"), i), "size"));
		size_t take = sz < 0 ? 0 : (size_t)sz;

		if (blob == NULL || take > blob->len - off)
			take = blob ? blob->len - off : 0;
		chain_h256(att_hash[i], blob ? blob->data + off : (const uint8_t *)"", take);
		off += take;
	}
	if (sign_reply(sig, fz_d01()->sign_sk, district, lookup, status, body_hash,
	               (const uint8_t(*)[32])att_hash, natt) == 0) {
		codec_b64u_encode(sb, sizeof sb, sig, sizeof sig);
		json_object_set_new(j, "sig", json_string(sb));
		text = json_dumps(j, JSON_COMPACT);
	}
	json_decref(j);
	return text;
}

/* The reply envelope for plaintext section p[0..n): "manifest[\n#ATT\nbytes]". */
static char *
reply_envelope(const uint8_t *p, size_t n)
{
	const uint8_t *att = find(p, n, "\n#ATT\n");
	size_t mlen = att ? (size_t)(att - p) : n;
	struct envelope_blob blob = {NULL, 0};
	uint8_t *env = NULL;
	size_t envlen = 0;
	char *b64, *signed_text;

	if (att != NULL) {
		blob.data = att + 6;
		blob.len = n - mlen - 6;
	}
	signed_text = sign_manifest(p, mlen, att ? &blob : NULL);
	if (signed_text != NULL) {
		p = (const uint8_t *)signed_text;
		mlen = strlen(signed_text);
	}
	if (envelope_seal_buffer(&env, &envlen, keys.reply_pk, (const char *)p, mlen, &blob,
	                         att ? 1 : 0) != ENVELOPE_OK) {
		free(signed_text);
		return NULL;
	}
	free(signed_text);
	b64 = codec_b64u_encode_alloc(env, envlen);
	free(env);
	return b64;
}

/* ---- the run ----------------------------------------------------------- */

/* 1 when dir holds only regular files (and counts them). */
static int
only_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ok = 1;

	if (d == NULL)
		return 1;
	while ((e = readdir(d)) != NULL) {
		char path[2048];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			ok = 0;
	}
	closedir(d);
	return ok;
}

static int
only_save_dir(void)
{
	DIR *d = opendir(top);
	struct dirent *e;
	int ok = 1;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, "save") != 0)
			ok = 0;
	closedir(d);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct buf body = {NULL, 0, 0};
	const uint8_t *plain, *p, *end;
	size_t plain_len = 0;
	char *env = NULL;
	struct reporter_io io;
	char a0[] = "status", a1[] = "--server", a3[] = "--receipt", a4[] = RECEIPT;
	char a5[] = "--save-dir", a7[] = "--timeout", a8[] = "5";
	char *argv[] = {a0, a1, url, a3, a4, a5, save, a7, a8, NULL};
	json_error_t jerr;
	json_t *j;

	if (size < 1)
		return 0;
	answer_code = CODES[in[0] & 7];
	in++;
	size--;
	plain = find(in, size, "\n#PLAIN\n");
	end = plain ? plain : in + size;
	if (plain != NULL) {
		plain += 8;
		plain_len = (size_t)(in + size - plain);
		env = reply_envelope(plain, plain_len);
	}
	for (p = in; p < end;) {
		const uint8_t *r = find(p, (size_t)(end - p), "$REPLY");

		if (r == NULL) {
			add(&body, p, (size_t)(end - p));
			break;
		}
		add(&body, p, (size_t)(r - p));
		if (env != NULL)
			add(&body, env, strlen(env));
		p = r + 6;
	}
	free(env);
	answer = body.p ? body.p : (const uint8_t *)"";
	answer_len = body.len;

	fz_rmrf(save);
	if (mkdir(save, 0700) != 0)
		abort();
	memset(&io, 0, sizeof io);
	io.out = getenv("QF_FUZZ_DEBUG") ? stderr : devnull;
	io.err = io.out;
	io.in = NULL;
	io.base = base;
	reporter_status(9, argv, &io);
	if (!only_files(save) || !only_save_dir())
		fz_fail("a reply wrote somewhere else than flat files in the save directory");

	/* the parsers the submit path uses, on the same answer */
	j = json_loadb((const char *)answer, answer_len, 0, &jerr);
	if (j != NULL) {
		struct proto_error e;
		struct proto_info info;
		struct proto_receipt r;
		uint8_t ch[POW_CHALLENGE_BYTES], pk[32], eh[32];
		unsigned diff;

		proto_error_parse(&e, j);
		if (proto_info_parse(&info, j, "d01") == PROTO_OK &&
		    strcmp(info.district.id, "d01") != 0)
			abort();
		if (proto_pow_parse(ch, &diff, j) == PROTO_OK && diff > POW_MAX_DIFFICULTY)
			abort();
		fz_b64u(pk, 32, FZ_SERVER_SIGN_PK);
		fz_b64u(eh, 32, "Fs5tU3UR0ZPAezahRuYxWMTFYtN_eKbwV208EY-eOfE");
		proto_receipt_verify(&r, j, pk, "d01", eh);
		json_decref(j);
	}
	free(body.p);
	return 0;
}
