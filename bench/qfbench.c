/*
 * qfbench: the helpers bench/run.sh needs that are faster in C than through
 * the server. Not a test; nothing here is part of Qingfeng itself.
 *
 *   qfbench prefill DBDIR DISTRICT.PUB.JSON N PAIRS DAY
 *       creates (or extends) the server store in DBDIR with N real reports:
 *       a fresh receipt each, a report manifest sealed to the district's
 *       box_pk in a 4 KiB envelope (4221 bytes), stored 500 at a time with
 *       store_put_batch (one synced transaction per batch).
 *       Appends "LOOKUP AUTH" (b64u) per case to PAIRS for the status load.
 *   qfbench rawopen SECONDS
 *       the raw cost of opening one 4 KiB envelope with libsodium alone
 *       (crypto_box_seal_open of the file key, secretstream init_pull and one
 *       4113-byte pull), and the same through envelope_open_buffer; prints
 *       {"seal_open_per_s":X,"envelope_open_per_s":Y}.
 *   qfbench idle HOST PORT N HOLD
 *       opens N keep-alive connections, sends GET /api/v1/info on each, reads
 *       each answer, prints "ready N" and holds them HOLD seconds; then
 *       prints how many the server had closed meanwhile.
 *   qfbench upload HOST PORT N MAXENV
 *       sends N report submissions at once, each with the largest envelope a
 *       server with max_envelope_bytes = MAXENV accepts (random bytes behind
 *       "QFE1", a fresh lookup each), and prints the answers' status codes as
 *       JSON: {"sent":N,"201":..,"other":..,"seconds":..}.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench/clock.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/keyfile.h"
#include "crypto/receipt.h"
#include "store/store.h"

/* ---- prefill ----------------------------------------------------------- */

/*
 * A report manifest whose unpadded plaintext (u32be + manifest) is just under
 * 4096 bytes, so the padded plaintext is 4096 and the envelope 4221 bytes;
 * with k, bound to that receipt's lookup, reply key and signing key as a
 * client binds it (DESIGN.md §6: an unbound report is quarantined at ingest).
 */
static size_t
make_manifest(char *out, size_t outsz, const char *district, unsigned long n,
              const struct receipt_keys *k)
{
	char l[CODEC_B64U_BUF(32)] = "", r[CODEC_B64U_BUF(32)] = "", s[CODEC_B64U_BUF(32)] = "";
	char bind[256] = "";
	static const char filler[] = "The township road project paid for work that was never done; "
	                             "the contractor is the head's brother-in-law. ";
	char body[4096];
	size_t len = 0;
	int m;

	if (k != NULL) {
		codec_b64u_encode(l, sizeof l, k->lookup, 32);
		codec_b64u_encode(r, sizeof r, k->reply_pk, 32);
		codec_b64u_encode(s, sizeof s, k->rsign_pk, 32);
		snprintf(bind, sizeof bind,
		         "\"bind\":{\"lookup\":\"%s\",\"reply_pk\":\"%s\",\"sign_pk\":\"%s\"},", l,
		         r, s);
	}
	while (len + sizeof filler < 3300) {
		memcpy(body + len, filler, sizeof filler - 1);
		len += sizeof filler - 1;
	}
	body[len] = '\0';
	m = snprintf(out, outsz,
	             "{\"v\":1,\"kind\":\"report\",\"district\":\"%s\",\"lang\":\"zh-CN\",%s"
	             "\"report\":{\"type\":\"accusation\",\"category\":\"integrity\","
	             "\"subcategory\":\"\",\"town\":\"bench\",\"title\":\"bench report %lu\","
	             "\"body\":\"%s\",\"when\":\"2026-05\",\"where\":\"\",\"subject\":{\"name\":"
	             "\"\",\"unit\":\"\",\"area\":\"\",\"position\":\"\",\"level\":\"unknown\","
	             "\"party_member\":\"unknown\"},\"identity\":null},\"attachments\":[]}",
	             district, bind, n, body);
	return m < 0 || (size_t)m >= outsz ? 0 : (size_t)m;
}

#define PREFILL_BATCH 500

static int
cmd_prefill(const char *dbdir, const char *pubpath, unsigned long n, const char *pairs,
            const char *day)
{
	static struct store_report in[PREFILL_BATCH];
	static struct store_batch_item items[PREFILL_BATCH];
	static uint8_t *env[PREFILL_BATCH];
	struct keyfile_public pub;
	struct store_config sc;
	struct store *st = NULL;
	FILE *pf = NULL;
	double t0 = bench_now();
	unsigned long done = 0;
	char manifest[4096];
	int rc = 1;

	if (keyfile_load_public(&pub, pubpath) != KEYFILE_OK) {
		fprintf(stderr, "qfbench: cannot read %s\n", pubpath);
		return 1;
	}
	if (!codec_day_valid(day)) {
		fprintf(stderr, "qfbench: bad day %s\n", day);
		return 1;
	}
	memset(&sc, 0, sizeof sc);
	sc.map_initial = (uint64_t)n * 9216 + (64u << 20);
	if (store_open(&st, dbdir, &sc) != STORE_OK ||
	    store_district_ensure(st, pub.id) != STORE_OK) {
		fprintf(stderr, "qfbench: cannot open the store in %s\n", dbdir);
		goto out;
	}
	pf = fopen(pairs, "a");
	if (pf == NULL) {
		fprintf(stderr, "qfbench: cannot write %s\n", pairs);
		goto out;
	}
	while (done < n) {
		size_t b = n - done > PREFILL_BATCH ? PREFILL_BATCH : (size_t)(n - done);
		int src;

		for (size_t i = 0; i < b; i++) {
			char receipt[RECEIPT_TEXT_BUF];
			char l[CODEC_B64U_BUF(32)], a[CODEC_B64U_BUF(32)];
			struct receipt_keys k;
			size_t envlen = 0, mlen;

			receipt_generate(receipt);
			if (receipt_derive(receipt, &k) != 0)
				goto out;
			mlen = make_manifest(manifest, sizeof manifest, pub.id, done + i + 1, &k);
			if (mlen == 0 ||
			    envelope_seal_buffer(&env[i], &envlen, pub.box_pk, manifest, mlen, NULL,
			                         0) != ENVELOPE_OK) {
				receipt_keys_wipe(&k);
				fprintf(stderr, "qfbench: sealing failed\n");
				goto out;
			}
			memset(&in[i], 0, sizeof in[i]);
			in[i].district = pub.id;
			memcpy(in[i].lookup, k.lookup, 32);
			memcpy(in[i].auth_hash, k.auth_hash, 32);
			memcpy(in[i].reply_pk, k.reply_pk, 32);
			in[i].envelope = env[i];
			in[i].envelope_len = envlen;
			in[i].day = day;
			memset(&items[i], 0, sizeof items[i]);
			items[i].kind = CHAIN_KIND_REPORT;
			items[i].report = &in[i];
			codec_b64u_encode(l, sizeof l, k.lookup, 32);
			codec_b64u_encode(a, sizeof a, k.auth, 32);
			receipt_keys_wipe(&k);
			fprintf(pf, "%s %s\n", l, a);
			sodium_memzero(a, sizeof a);
		}
		src = store_put_batch(st, items, b);
		for (size_t i = 0; i < b; i++) {
			if (src == STORE_OK && items[i].result != STORE_OK)
				src = items[i].result;
			free(env[i]);
			env[i] = NULL;
		}
		if (src != STORE_OK) {
			fprintf(stderr, "qfbench: store_put_batch: %s\n", store_strerror(src));
			goto out;
		}
		done += b;
		if (done % 20000 == 0)
			fprintf(stderr, "  prefill: %lu/%lu (%.1f s)\n", done, n, bench_now() - t0);
	}
	rc = 0;
out:
	if (pf != NULL && fclose(pf) != 0)
		rc = 1;
	store_close(st);
	return rc;
}

/* ---- rawopen ----------------------------------------------------------- */

#define RAW_SAMPLES 64
#define RAW_PLAIN   4096

struct raw_sample {
	uint8_t sealed[crypto_box_SEALBYTES + 32];
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	uint8_t chunk[RAW_PLAIN + crypto_secretstream_xchacha20poly1305_ABYTES];
	uint8_t *env; /* the same kind of envelope through crypto/envelope */
	size_t envlen;
};

static int
raw_open(const struct raw_sample *s, const uint8_t pk[32], const uint8_t sk[32], uint8_t *plain)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t key[32];
	unsigned char tag = 0;
	int rc = -1;

	if (crypto_box_seal_open(key, s->sealed, sizeof s->sealed, pk, sk) == 0 &&
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, s->hdr, key) == 0 &&
	    crypto_secretstream_xchacha20poly1305_pull(&st, plain, NULL, &tag, s->chunk,
	                                               sizeof s->chunk, NULL, 0) == 0 &&
	    tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
		rc = 0;
	sodium_memzero(key, sizeof key);
	sodium_memzero(&st, sizeof st);
	return rc;
}

static int
cmd_rawopen(double seconds)
{
	static struct raw_sample s[RAW_SAMPLES];
	uint8_t pk[32], sk[32], plain[RAW_PLAIN];
	char manifest[4096];
	size_t mlen = make_manifest(manifest, sizeof manifest, "d01", 1, NULL);
	double t0, t, raw_rate, env_rate;
	long n;

	crypto_box_keypair(pk, sk);
	for (int i = 0; i < RAW_SAMPLES; i++) {
		crypto_secretstream_xchacha20poly1305_state st;
		uint8_t key[32];

		randombytes_buf(plain, sizeof plain);
		crypto_secretstream_xchacha20poly1305_keygen(key);
		crypto_box_seal(s[i].sealed, key, sizeof key, pk);
		crypto_secretstream_xchacha20poly1305_init_push(&st, s[i].hdr, key);
		crypto_secretstream_xchacha20poly1305_push(
		        &st, s[i].chunk, NULL, plain, sizeof plain, NULL, 0,
		        crypto_secretstream_xchacha20poly1305_TAG_FINAL);
		if (mlen == 0 || envelope_seal_buffer(&s[i].env, &s[i].envlen, pk, manifest, mlen,
		                                      NULL, 0) != ENVELOPE_OK)
			return 1;
	}
	for (n = 0, t0 = bench_now(); (t = bench_now() - t0) < seconds / 2 || n < 100; n++)
		if (raw_open(&s[n % RAW_SAMPLES], pk, sk, plain) != 0) {
			fprintf(stderr, "qfbench: raw open failed\n");
			return 1;
		}
	raw_rate = (double)n / t;
	for (n = 0, t0 = bench_now(); (t = bench_now() - t0) < seconds / 2 || n < 100; n++) {
		struct envelope_contents c;

		if (envelope_open_buffer(&c, pk, sk, s[n % RAW_SAMPLES].env,
		                         s[n % RAW_SAMPLES].envlen) != ENVELOPE_OK) {
			fprintf(stderr, "qfbench: envelope open failed\n");
			return 1;
		}
		envelope_contents_free(&c);
	}
	env_rate = (double)n / t;
	printf("{\"seal_open_per_s\":%.0f,\"envelope_open_per_s\":%.0f}\n", raw_rate, env_rate);
	for (int i = 0; i < RAW_SAMPLES; i++)
		free(s[i].env);
	sodium_memzero(sk, sizeof sk);
	return 0;
}

/* ---- sockets ----------------------------------------------------------- */

static int
connect_to(const char *host, int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Reads one HTTP answer (head and Content-Length body) from a blocking fd.
 * Returns its status code, or -1.
 */
static int
read_answer(int fd)
{
	char buf[8192];
	size_t len = 0;
	char *end = NULL, *cl;
	long want;
	int code;

	while (end == NULL) {
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end == NULL && len == sizeof buf - 1)
			return -1;
	}
	if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1)
		return -1;
	for (cl = buf; cl < end && strncasecmp(cl, "\r\nContent-Length:", 17) != 0; cl++)
		;
	want = cl < end ? strtol(cl + 17, NULL, 10) : 0;
	want -= (long)(len - (size_t)(end + 4 - buf));
	while (want > 0) {
		ssize_t r = read(fd, buf, sizeof buf);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		want -= r;
	}
	return code;
}

/* ---- idle -------------------------------------------------------------- */

static int
cmd_idle(const char *host, int port, int n, int hold)
{
	static const char req[] = "GET /api/v1/info HTTP/1.1\r\nHost: bench\r\n\r\n";
	int *fds = calloc((size_t)n, sizeof *fds);
	int closed = 0;

	if (fds == NULL)
		return 1;
	for (int i = 0; i < n; i++) {
		fds[i] = connect_to(host, port);
		if (fds[i] < 0 || write_all(fds[i], req, sizeof req - 1) != 0 ||
		    read_answer(fds[i]) != 200) {
			fprintf(stderr, "qfbench: idle connection %d failed: %s\n", i,
			        strerror(errno));
			return 1;
		}
	}
	printf("ready %d\n", n);
	fflush(stdout);
	sleep((unsigned)hold);
	for (int i = 0; i < n; i++) {
		struct pollfd p = {fds[i], POLLIN, 0};

		if (poll(&p, 1, 0) > 0)
			closed++; /* readable on an idle connection: closed by the server */
		close(fds[i]);
	}
	printf("closed_by_server %d\n", closed);
	free(fds);
	return 0;
}

/* ---- upload ------------------------------------------------------------ */

/* The largest envelope length api_envelope_plausible accepts within maxenv. */
static size_t
largest_envelope(size_t maxenv)
{
	size_t best = 0;

	for (uint64_t p = 4096; p < maxenv; p = envelope_padme(p + 1)) {
		size_t chunks = (size_t)(p / ENVELOPE_CHUNK + (p % ENVELOPE_CHUNK != 0));
		size_t total = ENVELOPE_HEADER_BYTES + (size_t)p + chunks * ENVELOPE_CHUNK_OVERHEAD;

		if (total > maxenv)
			break;
		best = total;
	}
	return best;
}

struct upload {
	int fd;
	char head[512];      /* HTTP head, u32be(len(J)) and J: all before the envelope */
	size_t headlen, off; /* off counts bytes of head || envelope || tail sent */
	int code;
};

static int
cmd_upload(const char *host, int port, int n, size_t maxenv)
{
	static const char tail[] = ""; /* the binary body ends with the envelope */
	size_t envlen = largest_envelope(maxenv), b64len;
	struct upload *u = calloc((size_t)n, sizeof *u);
	struct pollfd *p = calloc((size_t)n, sizeof *p);
	uint8_t *env = malloc(envlen ? envlen : 1);
	char *b64;
	int ok = 0, other = 0, left = n;
	double t0 = bench_now();

	if (u == NULL || p == NULL || env == NULL || envlen == 0)
		return 1;
	randombytes_buf(env, envlen);
	memcpy(env, ENVELOPE_MAGIC, 4);
	/* the submission body (§9): u32be(len(J)) || J || envelope, sent as it is */
	b64 = (char *)env;
	b64len = envlen;
	for (int i = 0; i < n; i++) {
		char l[CODEC_B64U_BUF(32)], h[CODEC_B64U_BUF(32)], r[CODEC_B64U_BUF(32)];
		char json[300];
		uint8_t v[32];
		int jl, hl;

		randombytes_buf(v, 32);
		codec_b64u_encode(l, sizeof l, v, 32);
		randombytes_buf(v, 32);
		codec_b64u_encode(h, sizeof h, v, 32);
		randombytes_buf(v, 32);
		codec_b64u_encode(r, sizeof r, v, 32);
		jl = snprintf(json, sizeof json,
		              "{\"district\":\"d01\",\"lookup\":\"%s\",\"auth_hash\":\"%s\","
		              "\"reply_pk\":\"%s\"}",
		              l, h, r);
		hl = snprintf(u[i].head, sizeof u[i].head,
		              "POST /api/v1/reports HTTP/1.1\r\nHost: bench\r\n"
		              "Content-Type: application/vnd.qingfeng.submission\r\n"
		              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		              (size_t)4 + (size_t)jl + envlen);
		if (jl < 0 || hl < 0 || (size_t)hl + 4 + (size_t)jl > sizeof u[i].head)
			return 1;
		codec_u32be_put((uint8_t *)u[i].head + hl, (uint32_t)jl);
		memcpy(u[i].head + hl + 4, json, (size_t)jl);
		u[i].headlen = (size_t)hl + 4 + (size_t)jl;
		u[i].fd = connect_to(host, port);
		if (u[i].fd < 0 || fcntl(u[i].fd, F_SETFL, O_NONBLOCK) != 0) {
			fprintf(stderr, "qfbench: connect failed: %s\n", strerror(errno));
			return 1;
		}
	}
	/* send all bodies at once, interleaved, as 64 slow-ish clients would */
	while (left > 0) {
		int np = 0;

		for (int i = 0; i < n; i++) {
			size_t total = u[i].headlen + b64len + sizeof tail - 1;

			if (u[i].off < total) {
				p[np].fd = u[i].fd;
				p[np].events = POLLOUT;
				np++;
			}
		}
		if (np == 0)
			break;
		if (poll(p, (nfds_t)np, 10000) <= 0)
			return 1;
		for (int i = 0, k = 0; i < n && k < np; i++) {
			size_t total = u[i].headlen + b64len + sizeof tail - 1;
			const char *src;
			size_t avail;
			ssize_t w;

			if (u[i].off >= total)
				continue;
			if (!(p[k++].revents & (POLLOUT | POLLERR | POLLHUP)))
				continue;
			if (u[i].off < u[i].headlen) {
				src = u[i].head + u[i].off;
				avail = u[i].headlen - u[i].off;
			} else if (u[i].off < u[i].headlen + b64len) {
				src = b64 + (u[i].off - u[i].headlen);
				avail = u[i].headlen + b64len - u[i].off;
			} else {
				src = tail + (u[i].off - u[i].headlen - b64len);
				avail = total - u[i].off;
			}
			if (avail > 256 * 1024)
				avail = 256 * 1024;
			w = write(u[i].fd, src, avail);
			if (w < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (w <= 0) {
				u[i].off = total;
				u[i].code = -1;
				left--;
				continue;
			}
			u[i].off += (size_t)w;
			if (u[i].off == total)
				left--;
		}
	}
	free(b64);
	for (int i = 0; i < n; i++) {
		if (u[i].code == 0) {
			fcntl(u[i].fd, F_SETFL, 0);
			u[i].code = read_answer(u[i].fd);
		}
		if (u[i].code == 201)
			ok++;
		else
			other++;
		close(u[i].fd);
	}
	printf("{\"sent\":%d,\"envelope_bytes\":%zu,\"201\":%d,\"other\":%d,\"seconds\":%.2f}\n", n,
	       envlen, ok, other, bench_now() - t0);
	free(u);
	free(p);
	return other == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0 || argc < 2)
		goto usage;
	if (strcmp(argv[1], "prefill") == 0 && argc == 7)
		return cmd_prefill(argv[2], argv[3], strtoul(argv[4], NULL, 10), argv[5], argv[6]);
	if (strcmp(argv[1], "rawopen") == 0 && argc == 3)
		return cmd_rawopen(strtod(argv[2], NULL));
	if (strcmp(argv[1], "idle") == 0 && argc == 6)
		return cmd_idle(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	if (strcmp(argv[1], "upload") == 0 && argc == 6)
		return cmd_upload(argv[2], atoi(argv[3]), atoi(argv[4]),
		                  (size_t)strtoull(argv[5], NULL, 10));
usage:
	fprintf(stderr, "usage: qfbench prefill DBDIR PUB.JSON N PAIRS DAY | rawopen SECONDS |\n"
	                "       idle HOST PORT N HOLD | upload HOST PORT N MAXENV\n");
	return 2;
}
