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
 *                                      re-sign a (deliberately altered) bundle, as an
 *                                      operator holding that key could
 *   qftool slow PORT MAXSECONDS        connect to 127.0.0.1:PORT, send half a request
 *                                      header, print after how many seconds the server
 *                                      closed the connection (exit 1 if it did not)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
			cap = cap ? cap * 2 : 1 << 16;
			buf = realloc(buf, cap);
			if (buf == NULL)
				return 1;
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
	fprintf(stderr, "qftool: bad arguments\n");
	return 2;
}
