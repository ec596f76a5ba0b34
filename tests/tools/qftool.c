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
 *   qftool challenge SERVER.KEY EXPIRY a challenge from the server's own pow key
 *   qftool report-body DISTRICT        a report request body with a fake envelope;
 *                                      prints "LOOKUP AUTH" on stderr
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

#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/keyfile.h"
#include "crypto/pow.h"
#include "crypto/receipt.h"
#include "crypto/serverkey.h"
#include "crypto/sign.h"

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

static void
http_post(unsigned short port, const char *path, const char *body, size_t len,
          struct http_answer *ans)
{
	char hdr[256];
	int fd = http_connect(port, 10000);

	ans->code = -1;
	ans->body = NULL;
	if (fd < 0)
		return;
	snprintf(hdr, sizeof hdr,
	         "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
	         "Connection: close\r\nContent-Length: %zu\r\n\r\n",
	         path, len);
	if (send_all(fd, hdr, strlen(hdr)) == 0 && send_all(fd, body, len) == 0)
		read_answer(fd, ans);
	else
		ans->code = -2;
	close(fd);
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
 * An envelope for district d01's box key when box_pk is not NULL (a real
 * report or follow-up with a random attachment), else a fake of the right
 * shape. Returns its b64u text.
 */
static char *
load_envelope(const uint8_t *box_pk, const char *lookup_b64u)
{
	uint8_t *env = NULL, att[3000];
	size_t envlen = 0, attlen = 1 + randombytes_uniform(sizeof att);
	struct envelope_blob blob = {att, attlen};
	char man[1024];
	char *t;

	if (box_pk == NULL) {
		uint8_t fake[4221];

		randombytes_buf(fake, sizeof fake);
		memcpy(fake, ENVELOPE_MAGIC, 4);
		return b64u_dup(fake, sizeof fake);
	}
	randombytes_buf(att, attlen);
	if (lookup_b64u == NULL)
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
	if (envelope_seal_buffer(&env, &envlen, box_pk, man, strlen(man), &blob, 1) != ENVELOPE_OK)
		exit(1);
	t = b64u_dup(env, envlen);
	free(env);
	return t;
}

struct load_case {
	uint8_t lookup[32], auth[32];
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
			uint8_t ah[32], rpk[32];
			char *h, *p;

			randombytes_buf(c.lookup, 32);
			randombytes_buf(c.auth, 32);
			randombytes_buf(rpk, 32);
			c.followups = 0;
			receipt_auth_hash(ah, c.auth);
			l = b64u_dup(c.lookup, 32);
			a = b64u_dup(c.auth, 32);
			h = b64u_dup(ah, 32);
			p = b64u_dup(rpk, 32);
			e = load_envelope(box_pk, NULL);
			cap = strlen(e) + 512;
			body = malloc(cap);
			snprintf(body, cap,
			         "{\"district\":\"d01\",\"lookup\":\"%s\",\"auth_hash\":\"%s\","
			         "\"reply_pk\":\"%s\",\"envelope\":\"%s\"}",
			         l, h, p, e);
			http_post(port, "/api/v1/reports", body, strlen(body), &ans);
			if (ans.code == 201) {
				ack_receipt(out, 'R', l, a, ans.body);
				if (ncases < sizeof cases / sizeof cases[0])
					cases[ncases++] = c;
			}
			free(h);
			free(p);
		} else {
			struct load_case *c = &cases[randombytes_uniform((uint32_t)ncases)];

			l = b64u_dup(c->lookup, 32);
			a = b64u_dup(c->auth, 32);
			if (r < 75) {
				e = load_envelope(box_pk, l);
				cap = strlen(e) + 512;
				body = malloc(cap);
				snprintf(body, cap,
				         "{\"lookup\":\"%s\",\"auth\":\"%s\",\"envelope\":\"%s\"}",
				         l, a, e);
				http_post(port, "/api/v1/followups", body, strlen(body), &ans);
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

			if (p != NULL && strlen(p) > 10 + 43)
				memcpy(p + 10, l, 43);
			if (file_body != NULL)
				http_post(port, "/api/v1/reports", file_body, strlen(file_body),
				          &ans);
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

/* A report request body of bytes bytes: valid JSON, an envelope field of 'A's. */
static char *
big_body(size_t bytes)
{
	const char *pre = "{\"district\":\"d01\",\"lookup\":"
	                  "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"auth_hash\":"
	                  "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"reply_pk\":"
	                  "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"envelope\":\"";
	char *body = malloc(bytes);

	if (body == NULL)
		return NULL;
	memset(body, 'A', bytes);
	memcpy(body, pre, strlen(pre));
	memcpy(body + bytes - 2, "\"}", 2);
	return body;
}

static void
big_header(char *hdr, size_t sz, size_t bytes)
{
	snprintf(hdr, sz,
	         "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: "
	         "application/json\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n",
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
	if (strcmp(argv[1], "challenge") == 0 && argc == 4) {
		struct serverkey *k;
		uint8_t ch[POW_CHALLENGE_BYTES];
		if (serverkey_load(&k, argv[2]) != 0)
			return 1;
		pow_challenge_make(ch, k->pow_key, strtoull(argv[3], NULL, 10));
		serverkey_free(k);
		put_b64u(ch, sizeof ch);
		return 0;
	}
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
