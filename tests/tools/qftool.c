/*
 * qftool: small helpers for the integration scripts, so they can speak the
 * protocol with curl: random b64u values, proof-of-work solving, receipt
 * derivation, and plausible-looking envelopes. Test support only.
 *
 *   qftool rand N                      N random bytes as b64u
 *   qftool pow CHALLENGE DIFFICULTY    a nonce (b64u) solving the challenge
 *   qftool derive RECEIPT              lookup auth auth_hash reply_pk (b64u, one per line)
 *   qftool fake-envelope N             a random envelope-shaped blob for N padded bytes, b64u
 *   qftool h256-b64u B64U              H256 of the decoded bytes, b64u
 *   qftool report-body DISTRICT        a report's fields and a fake envelope as JSON
 *                                      (the envelope b64u in "envelope"), for
 *                                      `submission`; prints "LOOKUP AUTH" on stderr
 *   qftool submission IN.json OUT      the write body (DESIGN.md §9) of a JSON object
 *                                      whose "envelope" holds the envelope (b64u) and
 *                                      whose optional "pow":{challenge,nonce} the proof:
 *                                      J is the rest; prints the Qingfeng-PoW header value
 *                                      (or nothing). IN that is not a JSON object becomes
 *                                      J as it is, with a fake envelope
 *   qftool seal PUB.json MANIFEST.json RECEIPT report|followup|followup-unsigned|followup-other
 *                                      seals MANIFEST (its attachments filled with 'A' to
 *                                      their sizes) to the district of PUB.json as the
 *                                      reporter of RECEIPT would: a report gets its bind,
 *                                      a follow-up its lookup and the reporter's signature
 *                                      (none, or another key's, to play a forger); prints
 *                                      the write's JSON for `submission`
 *   qftool pow-required BASE BYTES     the difficulty a write of BYTES needs
 *   qftool contains FILE B64U          exit 0 when FILE holds the decoded bytes anywhere
 *   qftool resign-export SERVER.KEY IN OUT
 *   qftool resign-update DISTRICT.KEY PASSFILE IN OUT
 *   qftool resign-oversight SERVER.KEY IN OUT
 *                                      re-sign a (deliberately altered) bundle, as an
 *                                      operator holding that key could
 *   qftool oversight-drop SERVER.KEY IN OUT DISTRICT INDEX
 *                                      an oversight bundle without chain entry INDEX of
 *                                      DISTRICT, the entries after it renumbered, the
 *                                      chain and the header's size and head recomputed,
 *                                      re-signed: a consistent lie only the pins of an
 *                                      earlier oversight or the statements can expose
 *   qftool reply-sig-fixture           a reply manifest signed by a fresh district key,
 *                                      as JSON, for the web client's cross-check
 *   qftool slow PORT MAXSECONDS        connect to 127.0.0.1:PORT, send half a request
 *                                      header, print after how many seconds the server
 *                                      closed the connection (exit 1 if it did not)
 *
 * For the fault and flood tests (tests/integration/fault_*.sh, flood_*.sh):
 *   qftool load PORT SECONDS WORKERS ACKFILE [BOX_PK]
 *                                      WORKERS processes send reports (real envelopes
 *                                      sealed to BOX_PK for d01, else fake ones),
 *                                      follow-ups and status requests until SECONDS pass
 *                                      or the server is gone; every 201 is appended to
 *                                      ACKFILE as "R|F lookup auth index hash chain",
 *                                      every inconsistency as "E ...", a summary as "S ..."
 *   qftool check-acks PORT ACKFILE     every acknowledged report answers its status with
 *                                      at least its acknowledged follow-ups; prints
 *                                      "reports followups missing short" (exit 1 if not)
 *   qftool flood PORT SECONDS WORKERS guess|guess-one LOOKUP|replay BODYFILE|connect
 *                                      status guessing, one lookup's auth guessing, one
 *                                      proof-of-work replayed with fresh lookups, or
 *                                      connect/close churn; prints "CODE COUNT" lines
 *   qftool hold PORT N SECONDS         N connections sending half a request; prints
 *                                      "connected closed-by-server"
 *   qftool slowpost PORT BYTES SECONDS one report of BYTES: 80 KiB at once, then a byte
 *                                      every 250 ms for SECONDS, then the rest; prints
 *                                      the answer's code (-1: none)
 *   qftool bigpost PORT N BYTES HOLD   N concurrent BYTES-long report bodies, each last
 *                                      byte held back HOLD seconds; prints "CODE COUNT"
 *   qftool keepslow PORT N SECONDS     slowloris on kept-alive connections: N connections
 *                                      each get one answer, then trickle a second request's
 *                                      header a line a second (reconnecting when closed),
 *                                      until SECONDS pass; prints "answered closed"
 *   qftool unpaid PORT N BYTES json|sub N concurrent writes of BYTES each without a
 *                                      proof-of-work (a JSON body with a base64 envelope,
 *                                      or a submission body), each sent whole whatever
 *                                      the server answers early; prints "CODE COUNT"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto/bind.h"
#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/keyfile.h"
#include "crypto/pow.h"
#include "crypto/receipt.h"
#include "crypto/serverkey.h"
#include "crypto/sign.h"
#include "crypto/submission.h"

/* Copies IN to OUT with a fresh signature line; everything before the last line is signed. */
static int
resign(const char *in, const char *out, const char *type, const uint8_t sk[64])
{
	FILE *f = fopen(in, "rb"), *o;
	struct sign_bundle h;
	uint8_t sig[64];
	char *buf = NULL, b64[CODEC_B64U_BUF(64)];
	size_t cap = 0, len = 0, body;
	int c;

	if (f == NULL)
		return 1;
	while ((c = getc(f)) != EOF) {
		if (len + 1 >= cap) {
			char *nb;

			cap = cap ? cap * 2 : 1 << 16;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return 1;
			}
			buf = nb;
		}
		buf[len++] = (char)c;
	}
	fclose(f);
	if (len < 2 || buf[len - 1] != '\n')
		return 1;
	body = len - 1;
	while (body > 0 && buf[body - 1] != '\n')
		body--;
	sign_bundle_init(&h);
	sign_bundle_update(&h, buf, body);
	if (sign_bundle_final_sign(&h, sig, type, sk) != 0)
		return 1;
	codec_b64u_encode(b64, sizeof b64, sig, sizeof sig);
	o = fopen(out, "wb");
	if (o == NULL)
		return 1;
	fwrite(buf, 1, body, o);
	fprintf(o, "{\"sig\":\"%s\"}\n", b64);
	free(buf);
	return fclose(o) == 0 ? 0 : 1;
}

static void
put_b64u(const uint8_t *b, size_t n)
{
	char *t = codec_b64u_encode_alloc(b, n);

	if (t == NULL)
		exit(1);
	puts(t);
	free(t);
}

/* ---- load, floods and checks for the fault and flood tests (issue 9) ---- */

/* A decimal argument; 0 when it is not one (the callers check ranges). */
static long
num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end != s && *end == '\0' ? v : 0;
}

/* A decimal number of seconds; 0 when it is not one. */
static double
secs_arg(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	return end != s && *end == '\0' ? v : 0;
}

/* A blocking HTTP exchange with 127.0.0.1:port from the client address 127.0.0.3. */
struct http_answer {
	int code;   /* HTTP status; -1 no connection, -2 no whole answer */
	char *body; /* malloc'd, NUL-terminated, or NULL */
};

static int
http_connect(unsigned short port, int timeout_ms)
{
	struct sockaddr_in a, me;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&me, 0, sizeof me);
	me.sin_family = AF_INET;
	me.sin_addr.s_addr = htonl(0x7f000003);            /* 127.0.0.3, as lib.sh's clients */
	(void)bind(fd, (struct sockaddr *)&me, sizeof me); /* best effort */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads the whole answer of a Connection: close request. */
static void
read_answer(int fd, struct http_answer *ans)
{
	size_t len = 0, cap = 1 << 14;
	char *buf = malloc(cap), *body;

	ans->code = -2;
	ans->body = NULL;
	if (buf == NULL)
		return;
	for (;;) {
		ssize_t r;

		if (len + 4096 > cap) {
			char *nb = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;

			if (nb == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
		r = recv(fd, buf + len, cap - len - 1, 0);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	body = strstr(buf, "\r\n\r\n");
	if (len > 12 && memcmp(buf, "HTTP/1.1 ", 9) == 0 && body != NULL) {
		ans->code = (int)strtol(buf + 9, NULL, 10);
		ans->body = strdup(body + 4);
	}
	free(buf);
}

/* POSTs body as type (with the Qingfeng-PoW header pow unless NULL). */
static void
http_send(unsigned short port, const char *path, const char *type, const char *pow,
          const void *body, size_t len, struct http_answer *ans)
{
	char hdr[512];
	int fd = http_connect(port, 10000);

	ans->code = -1;
	ans->body = NULL;
	if (fd < 0)
		return;
	snprintf(hdr, sizeof hdr,
	         "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n%s%s%s"
	         "Connection: close\r\nContent-Length: %zu\r\n\r\n",
	         path, type, pow ? POW_HEADER ": " : "", pow ? pow : "", pow ? "\r\n" : "", len);
	if (send_all(fd, hdr, strlen(hdr)) == 0 && send_all(fd, body, len) == 0)
		read_answer(fd, ans);
	else
		ans->code = -2;
	close(fd);
}

static void
http_post(unsigned short port, const char *path, const char *body, size_t len,
          struct http_answer *ans)
{
	http_send(port, path, "application/json", NULL, body, len, ans);
}

/* POSTs a write: J (text) and the envelope (b64u) as a submission body. */
static void
http_write(unsigned short port, const char *path, const char *j, const char *env_b64u,
           const char *pow, struct http_answer *ans)
{
	size_t tl = strlen(env_b64u), envlen = 0, blen = 0;
	uint8_t *env = malloc(tl + 1), *body;

	ans->code = -1;
	ans->body = NULL;
	if (env == NULL || codec_b64u_decode(env, tl + 1, &envlen, env_b64u, tl) != 0)
		exit(2);
	body = submission_build(&blen, j, strlen(j), env, envlen);
	if (body == NULL)
		exit(2);
	http_send(port, path, SUBMISSION_TYPE, pow, body, blen, ans);
	sodium_free(body);
	free(env);
}

static double
now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *
b64u_dup(const uint8_t *b, size_t n)
{
	char *t = codec_b64u_encode_alloc(b, n);

	if (t == NULL)
		exit(1);
	return t;
}

/*
 * The write body of a JSON text: "envelope" (b64u) becomes the envelope,
 * "pow" {challenge, nonce} the header value written to pow (pow[0] = 0
 * without one), the rest J. A text that is not a JSON object becomes J as
 * it is, with a fake 4221-byte envelope. Returns a sodium_malloc'd body.
 */
static uint8_t *
to_submission(const char *text, size_t tlen, size_t *blen, char pow[POW_HEADER_LEN + 1])
{
	json_t *j = json_loadb(text, tlen, 0, NULL);
	uint8_t fake[4221], *env = NULL, *body;
	size_t envlen = 0;
	const char *e;
	char *jt;

	pow[0] = '\0';
	if (!json_is_object(j)) {
		json_decref(j);
		randombytes_buf(fake, sizeof fake);
		memcpy(fake, ENVELOPE_MAGIC, 4);
		return submission_build(blen, text, tlen, fake, sizeof fake);
	}
	e = json_string_value(json_object_get(j, "envelope"));
	if (e != NULL) {
		size_t el = strlen(e);

		env = malloc(el + 1);
		if (env == NULL || codec_b64u_decode(env, el + 1, &envlen, e, el) != 0) {
			/* not base64url: the text's own bytes */
			free(env);
			env = (uint8_t *)strdup(e);
			envlen = el;
		}
	}
	if (json_is_object(json_object_get(j, "pow"))) {
		const json_t *p = json_object_get(j, "pow");
		uint8_t ch[POW_CHALLENGE_BYTES], nonce[POW_NONCE_BYTES];

		if (codec_b64u_decode_exact(ch, sizeof ch,
		                            json_string_value(json_object_get(p, "challenge"))) ==
		            0 &&
		    codec_b64u_decode_exact(nonce, sizeof nonce,
		                            json_string_value(json_object_get(p, "nonce"))) == 0)
			pow_header_format(pow, ch, nonce);
	}
	json_object_del(j, "envelope");
	json_object_del(j, "pow");
	jt = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (env == NULL) { /* no envelope: one byte, so the body has the right shape */
		env = calloc(1, 1);
		envlen = 1;
	}
	body = jt != NULL ? submission_build(blen, jt, strlen(jt), env, envlen) : NULL;
	free(jt);
	free(env);
	json_decref(j);
	return body;
}

/*
 * An envelope for district d01's box key when box_pk is not NULL (a real
 * report or follow-up with a random attachment), else a fake of the right
 * shape. Returns its b64u text.
 */
static char *
load_envelope(const uint8_t *box_pk, const struct receipt_keys *k, int followup)
{
	uint8_t *env = NULL, att[3000], ah[1][32];
	size_t envlen = 0, attlen = 1 + randombytes_uniform(sizeof att);
	struct envelope_blob blob = {att, attlen};
	char man[1024], lookup_b64u[CODEC_B64U_BUF(32)];
	json_error_t jerr;
	json_t *m;
	char *t;

	if (box_pk == NULL) {
		uint8_t fake[4221];

		randombytes_buf(fake, sizeof fake);
		memcpy(fake, ENVELOPE_MAGIC, 4);
		return b64u_dup(fake, sizeof fake);
	}
	randombytes_buf(att, attlen);
	chain_h256(ah[0], att, attlen);
	codec_b64u_encode(lookup_b64u, sizeof lookup_b64u, k->lookup, 32);
	if (!followup)
		snprintf(man, sizeof man,
		         "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\",\"lang\":\"zh-CN\","
		         "\"report\":{\"type\":\"accusation\",\"category\":\"other\","
		         "\"subcategory\":"
		         "\"\",\"town\":\"\",\"title\":\"load\",\"body\":\"load "
		         "test\",\"when\":\"\","
		         "\"where\":\"\",\"subject\":{\"name\":\"\",\"unit\":\"\",\"area\":\"\","
		         "\"position\":\"\",\"level\":\"unknown\",\"party_member\":\"unknown\"},"
		         "\"identity\":null},\"attachments\":[{\"name\":\"a.bin\",\"type\":"
		         "\"application/octet-stream\",\"size\":%zu}]}",
		         attlen);
	else
		snprintf(man, sizeof man,
		         "{\"v\":1,\"kind\":\"followup\",\"district\":\"d01\",\"lookup\":\"%s\","
		         "\"purpose\":\"material\",\"body\":\"more\",\"attachments\":[{\"name\":"
		         "\"b.bin\",\"type\":\"application/octet-stream\",\"size\":%zu}]}",
		         lookup_b64u, attlen);
	/* as a real client: the report bound to its receipt, the follow-up signed (§6) */
	m = json_loads(man, 0, &jerr);
	if (m == NULL || (followup ? bind_followup_put(m, k, (const uint8_t(*)[32])ah, 1)
	                           : bind_report_put(m, k)) != BIND_OK)
		exit(1);
	t = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	if (t == NULL ||
	    envelope_seal_buffer(&env, &envlen, box_pk, t, strlen(t), &blob, 1) != ENVELOPE_OK)
		exit(1);
	free(t);
	t = b64u_dup(env, envlen);
	free(env);
	return t;
}

struct load_case {
	struct receipt_keys k; /* lookup, auth, the reply and signing keys */
	unsigned followups;
};

/* Writes one line to the shared acknowledgement file (O_APPEND: whole lines). */
static void ack_line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
ack_line(int fd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0 && write(fd, line, (size_t)n) != n)
		exit(1);
}

/* Records a 201's receipt: kind lookup auth index envelope_hash chain. */
static void
ack_receipt(int fd, char kind, const char *l, const char *a, const char *body)
{
	json_error_t e;
	json_t *j = body ? json_loads(body, 0, &e) : NULL;
	json_t *r = json_object_get(j, "receipt");

	if (json_integer_value(json_object_get(r, "index")) > 0)
		ack_line(fd, "%c %s %s %lld %s %s\n", kind, l, a,
		         (long long)json_integer_value(json_object_get(r, "index")),
		         json_string_value(json_object_get(r, "envelope_hash")),
		         json_string_value(json_object_get(r, "chain")));
	else
		ack_line(fd, "E %s 201-without-receipt\n", l);
	json_decref(j);
}

/* One load worker: reports, follow-ups and status requests until secs pass or the server is gone. */
static void
load_worker(unsigned short port, double secs, int out, const uint8_t *box_pk)
{
	static struct load_case cases[8192];
	size_t ncases = 0;
	unsigned long n201 = 0, n200 = 0, nother = 0, nerr = 0;
	double end = now_seconds() + secs;
	int fails = 0;

	while (now_seconds() < end && fails < 40) {
		unsigned r = randombytes_uniform(100);
		struct http_answer ans;
		char *body, *l, *a, *e;
		size_t cap;

		if (ncases == 0 || r < 50) {
			struct load_case c;
			char receipt[RECEIPT_TEXT_BUF];
			char *h, *p;

			receipt_generate(receipt);
			if (receipt_derive(receipt, &c.k) != 0)
				exit(1);
			c.followups = 0;
			l = b64u_dup(c.k.lookup, 32);
			a = b64u_dup(c.k.auth, 32);
			h = b64u_dup(c.k.auth_hash, 32);
			p = b64u_dup(c.k.reply_pk, 32);
			e = load_envelope(box_pk, &c.k, 0);
			cap = strlen(e) + 512;
			body = malloc(cap);
			snprintf(body, cap,
			         "{\"district\":\"d01\",\"lookup\":\"%s\",\"auth_hash\":\"%s\","
			         "\"reply_pk\":\"%s\"}",
			         l, h, p);
			http_write(port, "/api/v1/reports", body, e, NULL, &ans);
			if (ans.code == 201) {
				ack_receipt(out, 'R', l, a, ans.body);
				if (ncases < sizeof cases / sizeof cases[0])
					cases[ncases++] = c;
			}
			free(h);
			free(p);
		} else {
			struct load_case *c = &cases[randombytes_uniform((uint32_t)ncases)];

			l = b64u_dup(c->k.lookup, 32);
			a = b64u_dup(c->k.auth, 32);
			if (r < 75) {
				e = load_envelope(box_pk, &c->k, 1);
				cap = strlen(e) + 512;
				body = malloc(cap);
				snprintf(body, cap, "{\"lookup\":\"%s\",\"auth\":\"%s\"}", l, a);
				http_write(port, "/api/v1/followups", body, e, NULL, &ans);
				if (ans.code == 201) {
					ack_receipt(out, 'F', l, a, ans.body);
					c->followups++;
				}
			} else {
				e = NULL;
				cap = 256;
				body = malloc(cap);
				snprintf(body, cap, "{\"lookup\":\"%s\",\"auth\":\"%s\"}", l, a);
				http_post(port, "/api/v1/status", body, strlen(body), &ans);
				if (ans.code == 200) {
					json_error_t je;
					json_t *j = json_loads(ans.body, 0, &je);
					json_int_t f =
					        json_integer_value(json_object_get(j, "followups"));

					if (j == NULL || f < (json_int_t)c->followups)
						ack_line(out, "E %s status-lost-followups\n", l);
					json_decref(j);
				} else if (ans.code == 404) {
					ack_line(out, "E %s status-404-for-acknowledged\n", l);
					nerr++;
				}
			}
		}
		if (ans.code == 201)
			n201++;
		else if (ans.code == 200)
			n200++;
		else if (ans.code > 0)
			nother++;
		if (ans.code == 500)
			ack_line(out, "E %s status-500\n", l);
		fails = ans.code < 0 ? fails + 1 : 0;
		if (ans.code < 0)
			usleep(20000);
		free(ans.body);
		free(body);
		free(e);
		free(l);
		free(a);
	}
	ack_line(out, "S 201=%lu 200=%lu other=%lu errors=%lu\n", n201, n200, nother, nerr);
}

/* qftool load PORT SECONDS WORKERS ACKFILE [BOX_PK] */
static int
cmd_load(char **argv, int argc)
{
	unsigned short port = (unsigned short)num(argv[2]);
	double secs = secs_arg(argv[3]);
	int workers = (int)num(argv[4]);
	int out = open(argv[5], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	uint8_t box_pk[32];
	int have_pk = argc > 6 && codec_b64u_decode_exact(box_pk, 32, argv[6]) == 0;

	if (out < 0 || workers < 1 || workers > 256)
		return 2;
	for (int i = 0; i < workers; i++) {
		pid_t p = fork();

		if (p == 0) {
			load_worker(port, secs, out, have_pk ? box_pk : NULL);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	close(out);
	return 0;
}

/* qftool check-acks PORT ACKFILE: every acknowledged report answers its status with its follow-ups. */
static int
cmd_check_acks(char **argv)
{
	unsigned short port = (unsigned short)num(argv[2]);
	FILE *f = fopen(argv[3], "r");
	char kind[4], l[64], a[64], rest[256];
	unsigned long reports = 0, followups = 0, missing = 0, short_fu = 0;
	struct fu {
		char l[64];
		unsigned n;
	} *fus = NULL;
	size_t nfus = 0, capfus = 0;

	if (f == NULL)
		return 2;
	/* count the acknowledged follow-ups per lookup */
	while (fscanf(f, "%3s", kind) == 1) {
		if (strcmp(kind, "F") == 0 && fscanf(f, "%63s %63s", l, a) == 2) {
			size_t i;

			for (i = 0; i < nfus && strcmp(fus[i].l, l) != 0; i++)
				;
			if (i == nfus) {
				if (nfus == capfus) {
					struct fu *nf;

					capfus = capfus ? capfus * 2 : 256;
					nf = realloc(fus, capfus * sizeof *fus);
					if (nf == NULL) {
						free(fus);
						fclose(f);
						return 2;
					}
					fus = nf;
				}
				snprintf(fus[nfus].l, sizeof fus[nfus].l, "%s", l);
				fus[nfus++].n = 0;
			}
			fus[i].n++;
			followups++;
		}
		if (fgets(rest, sizeof rest, f) == NULL)
			break;
	}
	rewind(f);
	while (fscanf(f, "%3s", kind) == 1) {
		if (strcmp(kind, "R") == 0 && fscanf(f, "%63s %63s", l, a) == 2) {
			struct http_answer ans;
			char body[256];
			unsigned want = 0;

			for (size_t i = 0; i < nfus; i++)
				if (strcmp(fus[i].l, l) == 0)
					want = fus[i].n;
			snprintf(body, sizeof body, "{\"lookup\":\"%s\",\"auth\":\"%s\"}", l, a);
			http_post(port, "/api/v1/status", body, strlen(body), &ans);
			reports++;
			if (ans.code != 200) {
				missing++;
				fprintf(stderr, "check-acks: report %s: HTTP %d\n", l, ans.code);
			} else {
				json_error_t je;
				json_t *j = json_loads(ans.body, 0, &je);

				if (json_integer_value(json_object_get(j, "followups")) <
				    (json_int_t)want) {
					short_fu++;
					fprintf(stderr, "check-acks: report %s: follow-ups lost\n",
					        l);
				}
				json_decref(j);
			}
			free(ans.body);
		}
		if (fgets(rest, sizeof rest, f) == NULL)
			break;
	}
	fclose(f);
	free(fus);
	printf("%lu %lu %lu %lu\n", reports, followups, missing, short_fu);
	return missing == 0 && short_fu == 0 ? 0 : 1;
}

/* qftool flood PORT SECONDS WORKERS MODE [ARG]: prints "CODE COUNT" lines. */
static void
flood_worker(unsigned short port, double secs, const char *mode, const char *arg, int out)
{
	unsigned long counts[600] = {0}, nconn = 0;
	double end = now_seconds() + secs;
	char *file_body = NULL;

	if (strcmp(mode, "replay") == 0) {
		FILE *f = arg ? fopen(arg, "r") : NULL;
		long n;

		if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0)
			exit(2);
		rewind(f);
		file_body = malloc((size_t)n + 1);
		if (file_body == NULL || fread(file_body, 1, (size_t)n, f) != (size_t)n)
			exit(2);
		file_body[n] = '\0';
		fclose(f);
	}
	while (now_seconds() < end) {
		struct http_answer ans = {0, NULL};
		uint8_t r1[32], r2[32];
		char body[512], *l, *a;

		randombytes_buf(r1, 32);
		randombytes_buf(r2, 32);
		l = b64u_dup(r1, 32);
		a = b64u_dup(r2, 32);
		if (strcmp(mode, "guess") == 0) {
			snprintf(body, sizeof body, "{\"lookup\":\"%s\",\"auth\":\"%s\"}", l, a);
			http_post(port, "/api/v1/status", body, strlen(body), &ans);
		} else if (strcmp(mode, "guess-one") == 0) {
			snprintf(body, sizeof body, "{\"lookup\":\"%s\",\"auth\":\"%s\"}", arg, a);
			http_post(port, "/api/v1/status", body, strlen(body), &ans);
		} else if (strcmp(mode, "replay") == 0) {
			/* the same proof-of-work with a fresh lookup each time */
			char *p = file_body ? strstr(file_body, "\"lookup\":\"") : NULL;
			char pow[POW_HEADER_LEN + 1];
			uint8_t *b;
			size_t blen = 0;

			if (p != NULL && strlen(p) > 10 + 43)
				memcpy(p + 10, l, 43);
			b = file_body ? to_submission(file_body, strlen(file_body), &blen, pow)
			              : NULL;
			if (b != NULL)
				http_send(port, "/api/v1/reports", SUBMISSION_TYPE,
				          pow[0] ? pow : NULL, b, blen, &ans);
			if (b != NULL)
				sodium_free(b);
		} else if (strcmp(mode, "connect") == 0) {
			int fd = http_connect(port, 2000);

			ans.code = fd < 0 ? -1 : 0;
			if (fd >= 0)
				close(fd);
			nconn++;
		} else {
			exit(2);
		}
		if (ans.code >= 0 && ans.code < 600)
			counts[ans.code]++;
		else
			counts[599]++;
		free(ans.body);
		free(l);
		free(a);
	}
	for (int c = 0; c < 600; c++)
		if (counts[c] > 0)
			ack_line(out, "%d %lu\n", c == 599 ? -1 : c, counts[c]);
	(void)nconn;
	free(file_body);
}

static int
cmd_flood(char **argv, int argc)
{
	unsigned short port = (unsigned short)num(argv[2]);
	double secs = secs_arg(argv[3]);
	int workers = (int)num(argv[4]);
	const char *mode = argv[5], *arg = argc > 6 ? argv[6] : NULL;
	char tmpl[] = "/tmp/qftool-flood.XXXXXX";
	int out = mkstemp(tmpl);
	long totals[601] = {0};
	FILE *f;
	int code;
	long n;

	if (out < 0 || workers < 1 || workers > 256)
		return 2;
	unlink(tmpl);
	for (int i = 0; i < workers; i++)
		if (fork() == 0) {
			flood_worker(port, secs, mode, arg, out);
			_exit(0);
		}
	while (wait(NULL) > 0)
		;
	lseek(out, 0, SEEK_SET);
	f = fdopen(out, "r");
	while (f != NULL && fscanf(f, "%d %ld", &code, &n) == 2) /* NOLINT(cert-err34-c) */
		totals[code < 0 ? 600 : code] += n;
	for (int c = 0; c < 600; c++)
		if (totals[c] > 0)
			printf("%d %ld\n", c, totals[c]);
	if (totals[600] > 0)
		printf("-1 %ld\n", totals[600]);
	if (f != NULL)
		fclose(f);
	return 0;
}

/*
 * qftool hold PORT N SECONDS: opens N connections that each send half a
 * request and wait; prints how many connected, and after SECONDS how many
 * the server had closed.
 */
static int
cmd_hold(char **argv)
{
	unsigned short port = (unsigned short)num(argv[2]);
	int n = (int)num(argv[3]), ok = 0, closed = 0;
	double secs = secs_arg(argv[4]);
	int *fds = calloc((size_t)(n > 0 ? n : 1), sizeof *fds);
	const char *half = "POST /api/v1/status HTTP/1.1\r\nHost: x\r\n";

	if (fds == NULL)
		return 2;
	for (int i = 0; i < n; i++) {
		fds[i] = http_connect(port, 1000);
		if (fds[i] >= 0 && send_all(fds[i], half, strlen(half)) == 0)
			ok++;
	}
	usleep((useconds_t)(secs * 1e6));
	for (int i = 0; i < n; i++) {
		char c;

		if (fds[i] < 0)
			continue;
		if (recv(fds[i], &c, 1, MSG_DONTWAIT) == 0)
			closed++;
		close(fds[i]);
	}
	printf("%d %d\n", ok, closed);
	free(fds);
	return 0;
}

/*
 * A report request body of bytes bytes: a submission body (json 0) whose
 * envelope is 'A's, or (json 1) the JSON of the old protocol with the
 * envelope as a base64 field of 'A's.
 */
static char *
big_body_as(size_t bytes, int json)
{
	const char *j = "{\"district\":\"d01\",\"lookup\":"
	                "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"auth_hash\":"
	                "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"reply_pk\":"
	                "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"";
	size_t jl = strlen(j);
	char *body = malloc(bytes);

	if (body == NULL || bytes < jl + 32)
		return NULL;
	memset(body, 'A', bytes);
	if (json) {
		memcpy(body, j, jl);
		memcpy(body + jl, ",\"envelope\":\"", 13);
		memcpy(body + bytes - 2, "\"}", 2);
	} else {
		codec_u32be_put((uint8_t *)body, (uint32_t)(jl + 1));
		memcpy(body + 4, j, jl);
		body[4 + jl] = '}';
	}
	return body;
}

static char *
big_body(size_t bytes)
{
	return big_body_as(bytes, 0);
}

static void
big_header(char *hdr, size_t sz, size_t bytes)
{
	snprintf(hdr, sz,
	         "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: " SUBMISSION_TYPE
	         "\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n",
	         bytes);
}

/*
 * qftool slowpost PORT BYTES SECS: one report request of BYTES bytes whose
 * first 80 KiB go at once; then a byte every 250 ms for SECS seconds, then
 * the rest. Prints the answer's code (-1: none).
 */
static int
cmd_slowpost(char **argv)
{
	unsigned short port = (unsigned short)num(argv[2]);
	size_t bytes = strtoul(argv[3], NULL, 10), sent;
	double secs = secs_arg(argv[4]);
	char *body = bytes >= 4096 ? big_body(bytes) : NULL, hdr[256];
	struct http_answer ans = {-1, NULL};
	int fd = http_connect(port, (int)(secs * 1000) + 30000);

	if (body == NULL)
		return 2;
	big_header(hdr, sizeof hdr, bytes);
	sent = bytes > (96u << 10) ? 80u << 10 : bytes - 1024;
	if (fd >= 0 && send_all(fd, hdr, strlen(hdr)) == 0 && send_all(fd, body, sent) == 0) {
		for (int i = 0; i < (int)(secs * 4) && sent < bytes - 1; i++, sent++) {
			usleep(250000);
			if (send_all(fd, body + sent, 1) != 0)
				break;
		}
		if (send_all(fd, body + sent, bytes - sent) == 0)
			read_answer(fd, &ans);
	}
	printf("%d\n", ans.code);
	free(ans.body);
	free(body);
	if (fd >= 0)
		close(fd);
	return 0;
}

/*
 * qftool bigpost PORT N BYTES HOLDSECS: N concurrent report requests of
 * BYTES bytes each (a valid JSON body with an envelope field of 'A's),
 * each holding its last byte back for HOLDSECS so that all are buffered by
 * the server at once. Prints "CODE COUNT" lines (-1: no answer).
 */
static int
cmd_bigpost(char **argv)
{
	unsigned short port = (unsigned short)num(argv[2]);
	int n = (int)num(argv[3]);
	size_t bytes = strtoul(argv[4], NULL, 10);
	double hold = secs_arg(argv[5]);
	char tmpl[] = "/tmp/qftool-big.XXXXXX";
	int out = mkstemp(tmpl), code;
	long totals[601] = {0}, cnt;
	FILE *f;

	if (out < 0 || n < 1 || n > 1024 || bytes < 512)
		return 2;
	unlink(tmpl);
	for (int i = 0; i < n; i++)
		if (fork() == 0) {
			char *body = big_body(bytes), hdr[256];
			struct http_answer ans = {-1, NULL};
			int fd = http_connect(port, (int)(hold * 1000) + 30000);

			if (body == NULL)
				_exit(2);
			big_header(hdr, sizeof hdr, bytes);
			if (fd >= 0 && send_all(fd, hdr, strlen(hdr)) == 0 &&
			    send_all(fd, body, bytes - 1) == 0) {
				usleep((useconds_t)(hold * 1e6));
				if (send_all(fd, body + bytes - 1, 1) == 0)
					read_answer(fd, &ans);
			}
			ack_line(out, "%d 1\n", ans.code);
			_exit(0);
		}
	while (wait(NULL) > 0)
		;
	lseek(out, 0, SEEK_SET);
	f = fdopen(out, "r");
	while (f != NULL && fscanf(f, "%d %ld", &code, &cnt) == 2) /* NOLINT(cert-err34-c) */
		totals[code < 0 || code >= 600 ? 600 : code] += cnt;
	for (int c = 0; c < 600; c++)
		if (totals[c] > 0)
			printf("%d %ld\n", c, totals[c]);
	if (totals[600] > 0)
		printf("-1 %ld\n", totals[600]);
	if (f != NULL)
		fclose(f);
	return 0;
}

/*
 * qftool keepslow PORT N SECONDS: N connections each send a whole request
 * (GET /api/v1/info, kept alive) and read its answer, then trickle a second
 * request's header one line a second without ever ending it; a connection
 * the server closes is opened again. Runs SECONDS; prints how many first
 * answers came and how many connections the server closed.
 */
static int
cmd_keepslow(char **argv)
{
	unsigned short port = (unsigned short)num(argv[2]);
	int n = (int)num(argv[3]), answered = 0, closed = 0;
	double secs = secs_arg(argv[4]), end = now_seconds() + secs, next = 0;
	const char *first = "GET /api/v1/info HTTP/1.1\r\nHost: x\r\n\r\n";
	const char *second = "GET /api/v1/info HTTP/1.1\r\n";
	int *fds = calloc((size_t)(n > 0 ? n : 1), sizeof *fds);

	if (fds == NULL || n < 1)
		return 2;
	for (int i = 0; i < n; i++)
		fds[i] = -1;
	while (now_seconds() < end) {
		for (int i = 0; i < n; i++) {
			char buf[4096];

			if (fds[i] < 0) {
				fds[i] = http_connect(port, 300);
				if (fds[i] < 0)
					continue;
				if (send_all(fds[i], first, strlen(first)) != 0 ||
				    recv(fds[i], buf, sizeof buf, 0) <= 0 ||
				    send_all(fds[i], second, strlen(second)) != 0) {
					close(fds[i]);
					fds[i] = -1;
					closed++;
					continue;
				}
				answered++;
			}
		}
		if (now_seconds() >= next) { /* a header line a second on each */
			next = now_seconds() + 1;
			for (int i = 0; i < n; i++) {
				char c;

				if (fds[i] < 0)
					continue;
				if (recv(fds[i], &c, 1, MSG_DONTWAIT) == 0 ||
				    send_all(fds[i], "X-Slow: 1\r\n", 11) != 0) {
					close(fds[i]);
					fds[i] = -1;
					closed++;
				}
			}
		}
		usleep(50000);
	}
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	printf("%d %d\n", answered, closed);
	free(fds);
	return 0;
}

/*
 * qftool unpaid PORT N BYTES json|sub: N concurrent writes of BYTES bytes
 * with no proof-of-work, each body sent whole whatever the server says
 * early (as an attacker would). Prints "CODE COUNT" lines (-1: no answer).
 */
static int
cmd_unpaid(char **argv)
{
	unsigned short port = (unsigned short)num(argv[2]);
	int n = (int)num(argv[3]), json = strcmp(argv[5], "json") == 0;
	size_t bytes = strtoul(argv[4], NULL, 10);
	char tmpl[] = "/tmp/qftool-unpaid.XXXXXX";
	int out = mkstemp(tmpl), code;
	long totals[601] = {0}, cnt;
	FILE *f;

	if (out < 0 || n < 1 || n > 64 || bytes < 4096)
		return 2;
	unlink(tmpl);
	for (int i = 0; i < n; i++)
		if (fork() == 0) {
			char *body = big_body_as(bytes, json), hdr[512];
			struct http_answer ans = {-1, NULL};
			int fd = http_connect(port, 60000);

			if (body == NULL)
				_exit(2);
			snprintf(hdr, sizeof hdr,
			         "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n"
			         "Connection: close\r\nContent-Length: %zu\r\n\r\n",
			         json ? "application/json" : SUBMISSION_TYPE, bytes);
			if (fd >= 0 && send_all(fd, hdr, strlen(hdr)) == 0) {
				(void)send_all(fd, body,
				               bytes); /* whole, or until the server closes */
				read_answer(fd, &ans);
			}
			ack_line(out, "%d 1\n", ans.code);
			_exit(0);
		}
	while (wait(NULL) > 0)
		;
	lseek(out, 0, SEEK_SET);
	f = fdopen(out, "r");
	while (f != NULL && fscanf(f, "%d %ld", &code, &cnt) == 2) /* NOLINT(cert-err34-c) */
		totals[code < 0 || code >= 600 ? 600 : code] += cnt;
	for (int c = 0; c < 600; c++)
		if (totals[c] > 0)
			printf("%d %ld\n", c, totals[c]);
	if (totals[600] > 0)
		printf("-1 %ld\n", totals[600]);
	if (f != NULL)
		fclose(f);
	return 0;
}

/* Reads a whole file into a new malloc'd buffer. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	char *b = malloc(cap + 1);

	if (f == NULL || b == NULL) {
		if (f != NULL)
			fclose(f);
		free(b);
		return NULL;
	}
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = realloc(b, cap * 2 + 1);

			if (nb == NULL)
				break;
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	b[n] = '\0';
	*len = n;
	return b;
}

/* qftool seal: a write of a chosen manifest, sealed as a client (or a forger) would. */
static int
cmd_seal(char **argv)
{
	const char *mode = argv[5];
	struct keyfile_public pub;
	struct receipt_keys k;
	struct envelope_blob blobs[ENVELOPE_ATTACHMENTS_MAX];
	uint8_t(*hashes)[32] = calloc(ENVELOPE_ATTACHMENTS_MAX, 32);
	uint8_t *env = NULL;
	size_t envlen = 0, natt;
	json_error_t jerr;
	json_t *m = json_load_file(argv[3], 0, &jerr), *out;
	char *text, *b64;

	if (hashes == NULL || m == NULL || keyfile_load_public(&pub, argv[2]) != 0 ||
	    receipt_derive(argv[4], &k) != 0)
		return 2;
	natt = json_array_size(json_object_get(m, "attachments"));
	if (natt > ENVELOPE_ATTACHMENTS_MAX)
		return 2;
	for (size_t i = 0; i < natt; i++) {
		size_t n = (size_t)json_integer_value(json_object_get(
		        json_array_get(json_object_get(m, "attachments"), i), "size"));
		uint8_t *b = malloc(n ? n : 1);

		if (b == NULL)
			return 2;
		memset(b, 'A', n);
		blobs[i].data = b;
		blobs[i].len = n;
		chain_h256(hashes[i], b, n);
	}
	if (strcmp(mode, "report") == 0) {
		if (bind_report_put(m, &k) != BIND_OK)
			return 2;
	} else {
		char l[CODEC_B64U_BUF(32)];

		codec_b64u_encode(l, sizeof l, k.lookup, 32);
		json_object_set_new(m, "lookup", json_string(l));
		if (strcmp(mode, "followup-other") == 0) {
			struct receipt_keys other = k;

			crypto_sign_keypair(other.rsign_pk, other.rsign_sk);
			if (bind_followup_put(m, &other, (const uint8_t(*)[32])hashes, natt) !=
			    BIND_OK)
				return 2;
		} else if (strcmp(mode, "followup") == 0) {
			if (bind_followup_put(m, &k, (const uint8_t(*)[32])hashes, natt) != BIND_OK)
				return 2;
		} else if (strcmp(mode, "followup-unsigned") != 0) {
			return 2;
		}
	}
	text = json_dumps(m, JSON_COMPACT);
	if (text == NULL || envelope_seal_buffer(&env, &envlen, pub.box_pk, text, strlen(text),
	                                         blobs, natt) != ENVELOPE_OK)
		return 2;
	b64 = b64u_dup(env, envlen);
	if (strcmp(mode, "report") == 0) {
		char l[CODEC_B64U_BUF(32)], h[CODEC_B64U_BUF(32)], r[CODEC_B64U_BUF(32)];

		codec_b64u_encode(l, sizeof l, k.lookup, 32);
		codec_b64u_encode(h, sizeof h, k.auth_hash, 32);
		codec_b64u_encode(r, sizeof r, k.reply_pk, 32);
		out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "district", pub.id, "lookup", l,
		                "auth_hash", h, "reply_pk", r, "envelope", b64);
	} else {
		char l[CODEC_B64U_BUF(32)], a[CODEC_B64U_BUF(32)];

		codec_b64u_encode(l, sizeof l, k.lookup, 32);
		codec_b64u_encode(a, sizeof a, k.auth, 32);
		out = json_pack("{s:s, s:s, s:s}", "lookup", l, "auth", a, "envelope", b64);
	}
	json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(out);
	json_decref(m);
	free(text);
	free(b64);
	free(env);
	for (size_t i = 0; i < natt; i++)
		free((void *)(uintptr_t)blobs[i].data);
	free(hashes);
	return 0;
}

/* ---- oversight-drop: a server that drops an entry and covers its tracks ---- */

static int
oversight_drop(const char *keypath, const char *in, const char *out, const char *district,
               uint64_t drop)
{
	struct serverkey *k = NULL;
	struct bundle_reader r;
	struct bundle_writer w;
	FILE *f = fopen(in, "rb"), *o = NULL;
	json_t *hdr = NULL, *obj, *lines = json_array(), *it;
	uint8_t chain[32] = {0};
	uint64_t n = 0;
	size_t i;
	int rc = 1;

	if (f == NULL || serverkey_load(&k, keypath) != 0)
		goto out;
	bundle_reader_init(&r, f, 1 << 20);
	if (bundle_read(&r, &hdr) != BUNDLE_OK)
		goto out_r;
	while (bundle_read(&r, &obj) == BUNDLE_OK) {
		const char *d = json_string_value(json_object_get(obj, "district"));

		if (d != NULL && strcmp(d, district) == 0 && json_object_get(obj, "kind") != NULL) {
			uint64_t idx = (uint64_t)json_integer_value(json_object_get(obj, "index"));
			uint8_t lk[32], eh[32];
			char t[CODEC_B64U_BUF(32)];

			if (idx == drop) {
				json_decref(obj);
				continue;
			}
			n++;
			codec_b64u_decode_exact(lk, 32,
			                        json_string_value(json_object_get(obj, "lookup")));
			codec_b64u_decode_exact(
			        eh, 32, json_string_value(json_object_get(obj, "envelope_hash")));
			chain_next(chain, chain, n,
			           strcmp(json_string_value(json_object_get(obj, "kind")),
			                  "report") == 0
			                   ? CHAIN_KIND_REPORT
			                   : CHAIN_KIND_FOLLOWUP,
			           lk, eh, json_string_value(json_object_get(obj, "day")));
			codec_b64u_encode(t, sizeof t, chain, 32);
			json_object_set_new(obj, "index", json_integer((json_int_t)n));
			json_object_set_new(obj, "chain", json_string(t));
		}
		json_array_append_new(lines, obj);
	}
	json_array_foreach(json_object_get(hdr, "districts"), i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "id")), district) == 0) {
			char t[CODEC_B64U_BUF(32)];

			codec_b64u_encode(t, sizeof t, chain, 32);
			json_object_set_new(it, "size", json_integer((json_int_t)n));
			json_object_set_new(it, "head", json_string(t));
		}
	}
	o = fopen(out, "wb");
	if (o == NULL)
		goto out_r;
	bundle_writer_init(&w, o);
	if (bundle_write(&w, hdr) != BUNDLE_OK)
		goto out_r;
	json_array_foreach(lines, i, it)
	{
		if (bundle_write(&w, it) != BUNDLE_OK)
			goto out_r;
	}
	rc = bundle_writer_finish(&w, BUNDLE_SIG_OVERSIGHT, k->sign_sk) == BUNDLE_OK ? 0 : 1;
out_r:
	bundle_reader_free(&r);
out:
	if (o != NULL && fclose(o) != 0)
		rc = 1;
	if (f != NULL)
		fclose(f);
	json_decref(hdr);
	json_decref(lines);
	serverkey_free(k);
	return rc;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0 || argc < 2)
		return 2;
	if (strcmp(argv[1], "rand") == 0 && argc == 3) {
		size_t n = strtoul(argv[2], NULL, 10);
		uint8_t *b = malloc(n ? n : 1);
		randombytes_buf(b, n);
		put_b64u(b, n);
		free(b);
		return 0;
	}
	if (strcmp(argv[1], "pow") == 0 && argc == 4) {
		uint8_t ch[POW_CHALLENGE_BYTES], nonce[POW_NONCE_BYTES];
		if (codec_b64u_decode_exact(ch, sizeof ch, argv[2]) != 0 ||
		    pow_solve(nonce, ch, (unsigned)atoi(argv[3]), 0) != 0)
			return 1;
		put_b64u(nonce, sizeof nonce);
		return 0;
	}
	if (strcmp(argv[1], "derive") == 0 && argc == 3) {
		struct receipt_keys k;
		if (receipt_derive(argv[2], &k) != 0)
			return 1;
		put_b64u(k.lookup, 32);
		put_b64u(k.auth, 32);
		put_b64u(k.auth_hash, 32);
		put_b64u(k.reply_pk, 32);
		receipt_keys_wipe(&k);
		return 0;
	}
	if (strcmp(argv[1], "fake-envelope") == 0 && argc == 3) {
		size_t p = strtoul(argv[2], NULL, 10);
		size_t chunks = p / ENVELOPE_CHUNK + (p % ENVELOPE_CHUNK != 0);
		size_t n = ENVELOPE_HEADER_BYTES + p + chunks * ENVELOPE_CHUNK_OVERHEAD;
		uint8_t *b = malloc(n);
		randombytes_buf(b, n);
		memcpy(b, ENVELOPE_MAGIC, 4);
		put_b64u(b, n);
		free(b);
		return 0;
	}
	if (strcmp(argv[1], "h256-b64u") == 0 && argc == 3) {
		size_t tl = strlen(argv[2]), n;
		uint8_t *b = malloc(tl), h[32];
		if (codec_b64u_decode(b, tl, &n, argv[2], tl) != 0)
			return 1;
		chain_h256(h, b, n);
		put_b64u(h, 32);
		free(b);
		return 0;
	}
	if (strcmp(argv[1], "submission") == 0 && argc == 4) {
		char pow[POW_HEADER_LEN + 1];
		size_t tl = 0, blen = 0;
		char *text = slurp(argv[2], &tl);
		uint8_t *b;
		FILE *o;
		while (text != NULL && tl > 0 && (text[tl - 1] == '\n' || text[tl - 1] == '\r'))
			text[--tl] = '\0';
		b = text != NULL ? to_submission(text, tl, &blen, pow) : NULL;
		o = b != NULL ? fopen(argv[3], "wb") : NULL;
		if (o == NULL || fwrite(b, 1, blen, o) != blen || fclose(o) != 0)
			return 1;
		sodium_free(b);
		free(text);
		if (pow[0] != '\0')
			printf("%s\n", pow);
		return 0;
	}
	if (strcmp(argv[1], "pow-required") == 0 && argc == 4) {
		printf("%u\n", pow_required((unsigned)num(argv[2]), strtoull(argv[3], NULL, 10)));
		return 0;
	}
	if (strcmp(argv[1], "contains") == 0 && argc == 4) {
		size_t tl = strlen(argv[3]), n = 0, flen = 0;
		uint8_t *needle = malloc(tl + 1);
		char *hay = slurp(argv[2], &flen);
		int found = 0;
		if (needle == NULL || hay == NULL ||
		    codec_b64u_decode(needle, tl + 1, &n, argv[3], tl) != 0 || n == 0)
			return 2;
		for (size_t i = 0; i + n <= flen && !found; i++)
			found = memcmp(hay + i, needle, n) == 0;
		free(needle);
		free(hay);
		return found ? 0 : 1;
	}
	if (strcmp(argv[1], "keepslow") == 0 && argc == 5)
		return cmd_keepslow(argv);
	if (strcmp(argv[1], "unpaid") == 0 && argc == 6)
		return cmd_unpaid(argv);
	if (strcmp(argv[1], "seal") == 0 && argc == 6)
		return cmd_seal(argv);
	if (strcmp(argv[1], "report-body") == 0 && argc == 3) {
		uint8_t lookup[32], auth[32], ah[32], rpk[32], env[4221];
		char l[CODEC_B64U_BUF(32)], a[CODEC_B64U_BUF(32)], h[CODEC_B64U_BUF(32)],
		        r[CODEC_B64U_BUF(32)], e[CODEC_B64U_BUF(sizeof env)];
		randombytes_buf(lookup, 32);
		randombytes_buf(auth, 32);
		randombytes_buf(rpk, 32);
		randombytes_buf(env, sizeof env);
		memcpy(env, ENVELOPE_MAGIC, 4);
		receipt_auth_hash(ah, auth);
		codec_b64u_encode(l, sizeof l, lookup, 32);
		codec_b64u_encode(a, sizeof a, auth, 32);
		codec_b64u_encode(h, sizeof h, ah, 32);
		codec_b64u_encode(r, sizeof r, rpk, 32);
		codec_b64u_encode(e, sizeof e, env, sizeof env);
		printf("{\"district\":\"%s\",\"lookup\":\"%s\",\"auth_hash\":\"%s\","
		       "\"reply_pk\":\"%s\",\"envelope\":\"%s\"}\n",
		       argv[2], l, h, r, e);
		fprintf(stderr, "%s %s\n", l, a);
		return 0;
	}
	if (strcmp(argv[1], "resign-export") == 0 && argc == 5) {
		struct serverkey *k;
		int rc;
		if (serverkey_load(&k, argv[2]) != 0)
			return 1;
		rc = resign(argv[3], argv[4], BUNDLE_SIG_EXPORT, k->sign_sk);
		serverkey_free(k);
		return rc;
	}
	if (strcmp(argv[1], "resign-oversight") == 0 && argc == 5) {
		struct serverkey *k;
		int rc;
		if (serverkey_load(&k, argv[2]) != 0)
			return 1;
		rc = resign(argv[3], argv[4], BUNDLE_SIG_OVERSIGHT, k->sign_sk);
		serverkey_free(k);
		return rc;
	}
	if (strcmp(argv[1], "oversight-drop") == 0 && argc == 7)
		return oversight_drop(argv[2], argv[3], argv[4], argv[5],
		                      strtoull(argv[6], NULL, 10));
	if (strcmp(argv[1], "resign-update") == 0 && argc == 6) {
		struct keyfile_secret *k;
		char pass[1024];
		FILE *pf = fopen(argv[3], "r");
		int rc;
		if (pf == NULL || fgets(pass, sizeof pass, pf) == NULL)
			return 1;
		fclose(pf);
		pass[strcspn(pass, "\r\n")] = '\0';
		if (keyfile_unlock(&k, argv[2], pass, strlen(pass)) != KEYFILE_OK)
			return 1;
		rc = resign(argv[4], argv[5], BUNDLE_SIG_UPDATE, k->sign_sk);
		keyfile_secret_free(k);
		return rc;
	}
	if (strcmp(argv[1], "slow") == 0 && argc == 4) {
		struct sockaddr_in a;
		struct timespec t0, t1;
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		const char *half = "POST /api/v1/status HTTP/1.1\r\nHost: x\r\n";
		long max = strtol(argv[3], NULL, 10);
		char buf[256];
		struct timeval tv = {1, 0};
		memset(&a, 0, sizeof a);
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t)atoi(argv[2]));
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
		    write(fd, half, strlen(half)) < 0)
			return 2;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (;;) {
			ssize_t n = read(fd, buf, sizeof buf);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
				break;
			if (t1.tv_sec - t0.tv_sec > max)
				return 1;
		}
		printf("%ld\n", (long)(t1.tv_sec - t0.tv_sec));
		close(fd);
		return 0;
	}
	if (strcmp(argv[1], "load") == 0 && (argc == 6 || argc == 7))
		return cmd_load(argv, argc);
	if (strcmp(argv[1], "check-acks") == 0 && argc == 4)
		return cmd_check_acks(argv);
	if (strcmp(argv[1], "flood") == 0 && (argc == 6 || argc == 7))
		return cmd_flood(argv, argc);
	if (strcmp(argv[1], "hold") == 0 && argc == 5)
		return cmd_hold(argv);
	if (strcmp(argv[1], "bigpost") == 0 && argc == 6)
		return cmd_bigpost(argv);
	if (strcmp(argv[1], "slowpost") == 0 && argc == 5)
		return cmd_slowpost(argv);
	if (strcmp(argv[1], "reply-sig-fixture") == 0 && argc == 2) {
		static const char body[] = "已受理。感谢您的反映。\nAccepted.";
		static const uint8_t att[] = "通知书 notice\n";
		uint8_t pk[32], sk[64], lookup[32], bh[32], ah[1][32], sig[64];
		char t_pk[CODEC_B64U_BUF(32)], t_lk[CODEC_B64U_BUF(32)], t_sig[CODEC_B64U_BUF(64)],
		        t_att[CODEC_B64U_BUF(sizeof att - 1)];
		json_t *j;
		char *out;
		crypto_sign_keypair(pk, sk);
		randombytes_buf(lookup, 32);
		chain_h256(bh, (const uint8_t *)body, strlen(body));
		chain_h256(ah[0], att, sizeof att - 1);
		if (sign_reply(sig, sk, "d01", lookup, "accepted", bh, (const uint8_t(*)[32])ah,
		               1) != 0)
			return 1;
		codec_b64u_encode(t_pk, sizeof t_pk, pk, 32);
		codec_b64u_encode(t_lk, sizeof t_lk, lookup, 32);
		codec_b64u_encode(t_sig, sizeof t_sig, sig, 64);
		codec_b64u_encode(t_att, sizeof t_att, att, sizeof att - 1);
		j = json_pack("{s:s, s:s, s:[s], s:{s:i, s:s, s:s, s:s, s:s, s:s, s:s}}", "sign_pk",
		              t_pk, "lookup", t_lk, "attachments", t_att, "manifest", "v", 1,
		              "kind", "reply", "district", "d01", "lookup", t_lk, "status",
		              "accepted", "body", body, "sig", t_sig);
		out = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		puts(out);
		free(out);
		json_decref(j);
		return 0;
	}
	fprintf(stderr, "qftool: bad arguments\n");
	return 2;
}
