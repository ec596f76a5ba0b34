/*
 * bench_crypto: throughput of envelope sealing and opening (crypto/envelope)
 * next to raw libsodium secretstream push and pull over the same bytes in
 * 64 KiB chunks, for a 4 KiB and a 16 MiB plaintext. Not a test: it prints
 * MB/s (10^6 bytes of plaintext P per second) and never fails on speed.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/clock.h"
#include "crypto/envelope.h"

#define TARGET_SECONDS 0.4

static int
count_sink(void *ctx, const uint8_t *data, size_t len)
{
	(void)data;
	*(size_t *)ctx += len;
	return 0;
}

struct sample {
	uint8_t *plain; /* the unpadded plaintext: u32be(len) || "{}" || attachment */
	size_t plen;
	uint8_t *env; /* one sealed envelope of it */
	size_t envlen;
	uint8_t *raw; /* raw secretstream ciphertext of the same bytes */
	size_t rawlen;
};

static uint8_t g_pk[32], g_sk[32];

static int
seal_once(const struct sample *s, size_t *out)
{
	struct envelope_sealer *z;
	int rc = envelope_seal_init(&z, g_pk, s->plen, count_sink, out);

	if (rc != ENVELOPE_OK)
		return rc;
	rc = envelope_seal_update(z, s->plain, s->plen);
	if (rc == ENVELOPE_OK)
		rc = envelope_seal_final(z);
	envelope_seal_free(z);
	return rc;
}

static int
open_once(const struct sample *s)
{
	struct envelope_callbacks cb = {NULL, NULL, NULL};
	struct envelope_opener *o;
	int rc = envelope_open_init(&o, g_pk, g_sk, &cb);

	if (rc != ENVELOPE_OK)
		return rc;
	rc = envelope_open_update(o, s->env, s->envlen);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_final(o);
	envelope_open_free(o);
	return rc;
}

/* Pushes plain[0..len) in 64 KiB chunks into out (when given). */
static void
raw_push(const uint8_t *plain, size_t len, uint8_t *out, uint8_t *scratch, size_t *outlen)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	size_t off = 0, o = 0;

	crypto_secretstream_xchacha20poly1305_keygen(key);
	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, key);
	if (out != NULL) {
		memcpy(out, key, sizeof key);
		memcpy(out + sizeof key, hdr, sizeof hdr);
		o = sizeof key + sizeof hdr;
	}
	while (off < len) {
		size_t k = len - off > ENVELOPE_CHUNK ? ENVELOPE_CHUNK : len - off;
		unsigned char tag = off + k == len
		                            ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
		                            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;

		crypto_secretstream_xchacha20poly1305_push(&st, out ? out + o : scratch, NULL,
		                                           plain + off, k, NULL, 0, tag);
		off += k;
		o += k + ENVELOPE_CHUNK_OVERHEAD;
	}
	if (outlen != NULL)
		*outlen = o;
	sodium_memzero(key, sizeof key);
}

/* Pulls what raw_push wrote (key || header || chunks); returns 0 when all authenticate. */
static int
raw_pull(const uint8_t *in, size_t len, uint8_t *scratch)
{
	crypto_secretstream_xchacha20poly1305_state st;
	size_t off = crypto_secretstream_xchacha20poly1305_KEYBYTES +
	             crypto_secretstream_xchacha20poly1305_HEADERBYTES;
	unsigned char tag = 0;

	if (crypto_secretstream_xchacha20poly1305_init_pull(
	            &st, in + crypto_secretstream_xchacha20poly1305_KEYBYTES, in) != 0)
		return -1;
	while (off < len) {
		size_t k = len - off > ENVELOPE_CHUNK + ENVELOPE_CHUNK_OVERHEAD
		                   ? ENVELOPE_CHUNK + ENVELOPE_CHUNK_OVERHEAD
		                   : len - off;

		if (crypto_secretstream_xchacha20poly1305_pull(&st, scratch, NULL, &tag, in + off,
		                                               k, NULL, 0) != 0)
			return -1;
		off += k;
	}
	return tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL ? 0 : -1;
}

static int
make_sample(struct sample *s, size_t plen)
{
	struct envelope_blob att;
	size_t raw_cap = 64 + plen + (plen / ENVELOPE_CHUNK + 1) * ENVELOPE_CHUNK_OVERHEAD;
	uint8_t scratch[1];

	/* u32be(2) || "{}" || attachment: with no attachment list the opener
	 * takes L = 6, so declare the attachment for an honest envelope */
	char manifest[64];
	size_t mlen, alen;

	snprintf(manifest, sizeof manifest, "{\"attachments\":[{\"size\":%zu}]}", (size_t)0);
	mlen = strlen(manifest);
	alen = plen - 4 - mlen;
	/* the size has as many digits as needed: redo until stable */
	for (int i = 0; i < 3; i++) {
		snprintf(manifest, sizeof manifest, "{\"attachments\":[{\"size\":%zu}]}", alen);
		mlen = strlen(manifest);
		alen = plen - 4 - mlen;
	}
	s->plen = plen;
	s->plain = malloc(plen);
	s->raw = malloc(raw_cap);
	if (s->plain == NULL || s->raw == NULL)
		return -1;
	s->plain[0] = (uint8_t)(mlen >> 24);
	s->plain[1] = (uint8_t)(mlen >> 16);
	s->plain[2] = (uint8_t)(mlen >> 8);
	s->plain[3] = (uint8_t)mlen;
	memcpy(s->plain + 4, manifest, mlen);
	randombytes_buf(s->plain + 4 + mlen, alen);
	att.data = s->plain + 4 + mlen;
	att.len = alen;
	if (envelope_seal_buffer(&s->env, &s->envlen, g_pk, manifest, mlen, &att, 1) != ENVELOPE_OK)
		return -1;
	raw_push(s->plain, plen, s->raw, scratch, &s->rawlen);
	return 0;
}

static void
report(const char *what, size_t bytes, double secs, long iters)
{
	printf("  %-34s %9.1f MB/s  (%ld x %.3f ms)\n", what, (double)bytes * iters / 1e6 / secs,
	       iters, secs * 1e3 / (double)iters);
}

/* The fixed cost of each envelope: sealing the file key to the recipient and opening it. */
static void
bench_box_seal(void)
{
	uint8_t key[32] = {0}, sealed[crypto_box_SEALBYTES + 32], back[32];
	double t0, t;
	long n;

	for (n = 0, t0 = bench_now(); (t = bench_now() - t0) < TARGET_SECONDS / 2; n++)
		crypto_box_seal(sealed, key, sizeof key, g_pk);
	printf("  %-34s %9.3f ms each\n", "crypto_box_seal (file key)", t * 1e3 / (double)n);
	for (n = 0, t0 = bench_now(); (t = bench_now() - t0) < TARGET_SECONDS / 2; n++)
		if (crypto_box_seal_open(back, sealed, sizeof sealed, g_pk, g_sk) != 0)
			return;
	printf("  %-34s %9.3f ms each\n", "crypto_box_seal_open (file key)", t * 1e3 / (double)n);
}

static int
bench_size(size_t plen, const char *label)
{
	struct sample s;
	uint8_t *scratch = malloc(ENVELOPE_CHUNK + ENVELOPE_CHUNK_OVERHEAD);
	double t0, t;
	long n;
	size_t sink = 0;

	memset(&s, 0, sizeof s);
	if (scratch == NULL || make_sample(&s, plen) != 0) {
		fprintf(stderr, "bench: setup failed\n");
		free(scratch);
		free(s.plain);
		free(s.raw);
		return 1;
	}
	printf("%s plaintext (P = %zu bytes, envelope %zu bytes)\n", label, plen, s.envlen);

	int failed = 0;

	for (n = 0, t0 = bench_now(); !failed && ((t = bench_now() - t0) < TARGET_SECONDS || n < 2);
	     n++)
		failed = seal_once(&s, &sink) != ENVELOPE_OK;
	if (!failed)
		report("envelope seal", plen, t, n);
	for (n = 0, t0 = bench_now(); !failed && ((t = bench_now() - t0) < TARGET_SECONDS || n < 2);
	     n++)
		raw_push(s.plain, plen, NULL, scratch, NULL);
	if (!failed)
		report("secretstream push (64 KiB chunks)", plen, t, n);
	for (n = 0, t0 = bench_now(); !failed && ((t = bench_now() - t0) < TARGET_SECONDS || n < 2);
	     n++)
		failed = open_once(&s) != ENVELOPE_OK;
	if (!failed)
		report("envelope open", plen, t, n);
	for (n = 0, t0 = bench_now(); !failed && ((t = bench_now() - t0) < TARGET_SECONDS || n < 2);
	     n++)
		failed = raw_pull(s.raw, s.rawlen, scratch) != 0;
	if (!failed) {
		report("secretstream pull (64 KiB chunks)", plen, t, n);
		if (plen <= 4096)
			bench_box_seal();
	}

	free(s.plain);
	free(s.env);
	free(s.raw);
	free(scratch);
	return failed;
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	crypto_box_keypair(g_pk, g_sk);
	printf("envelope vs raw secretstream, MB = 10^6 plaintext bytes, libsodium %s\n",
	       sodium_version_string());
	if (bench_size(4096, "4 KiB") != 0 || bench_size(16u << 20, "16 MiB") != 0) {
		fprintf(stderr, "bench: an envelope operation failed\n");
		return 1;
	}
	return 0;
}
