/*
 * fuzz_envelope: opening envelopes (crypto/envelope.h), the parser that
 * sees every report, follow-up and reply. Two modes, chosen by the first
 * byte's low bit:
 *   0  raw: the rest is an envelope, opened with the vectors' d01 key;
 *   1  crafted: the rest describes chunks that the harness encrypts with a
 *      real file key sealed to d01, so the fuzzer reaches everything behind
 *      authentication (manifest parsing, sizes, padding, tags, truncation):
 *        n(1)  chunks = 1 + n % 4
 *        per chunk: tag(1) (low two bits: MESSAGE, PUSH, REKEY, FINAL),
 *                   len(2, big-endian; 0xffff means 65536)
 *        x(1)  low five bits: bytes to add (x & 0x80 clear) or cut
 *              (x & 0x80 set) at the end
 *        the plaintext stream, cut into the chunks, zero-filled when short.
 * Each envelope is opened whole and streamed in pieces of repeatable random
 * sizes: both must give the same verdict. An envelope that opens must look
 * plausible to the server (api_envelope_plausible) and reseal to contents
 * that open the same.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/envelope.h"
#include "intake/api.h"
#include "tests/fuzz/fuzz.h"

#define TAG_FINAL crypto_secretstream_xchacha20poly1305_TAG_FINAL

static const struct keyfile_secret *key;

struct stream_ctx {
	int manifests;
	size_t last_index;
	int seen_attachment;
	uint64_t att_bytes;
};

static int
on_manifest(void *vctx, const char *json, size_t len, const json_t *parsed)
{
	struct stream_ctx *x = vctx;

	if (x->manifests++ != 0 || x->seen_attachment || json == NULL || !json_is_object(parsed) ||
	    len > ENVELOPE_MANIFEST_MAX)
		fz_fail("exactly once, before any attachment byte");
	return 0;
}

static int
on_attachment(void *vctx, size_t index, const uint8_t *data, size_t len)
{
	struct stream_ctx *x = vctx;

	(void)data;
	if (x->manifests != 1 || (x->seen_attachment && index < x->last_index))
		fz_fail("after the manifest, in manifest order");
	x->seen_attachment = 1;
	x->last_index = index;
	x->att_bytes += len;
	return 0;
}

/* Opens env in pieces whose sizes come from seed. Returns the verdict. */
static int
open_streamed(const uint8_t *env, size_t len, uint64_t seed, struct stream_ctx *x)
{
	struct envelope_callbacks cb = {on_manifest, on_attachment, x};
	struct envelope_opener *o;
	size_t off = 0;
	int rc;

	memset(x, 0, sizeof *x);
	rc = envelope_open_init(&o, key->pub.box_pk, key->box_sk, &cb);
	if (rc != ENVELOPE_OK)
		abort();
	while (rc == ENVELOPE_OK && off < len) {
		size_t piece;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		switch ((seed >> 60) & 3) {
		case 0:
			piece = (size_t)(seed >> 33) % 17;
			break;
		case 1:
			piece = (size_t)(seed >> 33) % 70000;
			break;
		default:
			piece = (size_t)(seed >> 33) % 4096;
			break;
		}
		if (piece > len - off)
			piece = len - off;
		rc = envelope_open_update(o, env + off, piece);
		off += piece;
	}
	if (rc == ENVELOPE_OK)
		rc = envelope_open_final(o);
	envelope_open_free(o);
	return rc;
}

static void
check_envelope(const uint8_t *env, size_t len, uint64_t seed)
{
	struct envelope_contents c, c2;
	struct stream_ctx x = {0, 0, 0, 0};
	int whole, streamed;

	whole = envelope_open_buffer(&c, key->pub.box_pk, key->box_sk, env, len);
	streamed = open_streamed(env, len, seed, &x);
	if (whole != streamed && whole != ENVELOPE_ERR_NOMEM && streamed != ENVELOPE_ERR_NOMEM)
		fz_fail("the verdict may not depend on how the bytes arrive");
	if (whole != ENVELOPE_OK)
		return;
	if (!api_envelope_plausible(env, len))
		fz_fail("the server would refuse a valid envelope");
	{
		uint64_t sum = 0;
		struct envelope_blob *b = calloc(c.natts ? c.natts : 1, sizeof *b);
		uint8_t *again = NULL;
		size_t again_len = 0;

		if (b == NULL)
			abort();
		for (size_t i = 0; i < c.natts; i++) {
			sum += c.att_len[i];
			b[i].data = c.att[i];
			b[i].len = c.att_len[i];
		}
		if (sum != x.att_bytes || x.manifests != 1)
			abort();
		/* what opened reseals to an envelope that opens to the same */
		if (envelope_seal_buffer(&again, &again_len, key->pub.box_pk, c.manifest,
		                         c.manifest_len, b, c.natts) != ENVELOPE_OK)
			abort();
		if (again_len != len ||
		    envelope_open_buffer(&c2, key->pub.box_pk, key->box_sk, again, again_len) !=
		            ENVELOPE_OK ||
		    c2.manifest_len != c.manifest_len ||
		    memcmp(c2.manifest, c.manifest, c.manifest_len) != 0 || c2.natts != c.natts)
			abort();
		for (size_t i = 0; i < c.natts; i++)
			if (c2.att_len[i] != c.att_len[i] ||
			    memcmp(c2.att[i], c.att[i], c.att_len[i]) != 0)
				abort();
		envelope_contents_free(&c2);
		free(again);
		free(b);
	}
	envelope_contents_free(&c);
}

struct outbuf {
	uint8_t *p;
	size_t len, cap;
};

static void
out_add(struct outbuf *o, const uint8_t *d, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = (o->len + n) * 2;
		uint8_t *p = realloc(o->p, cap);

		if (p == NULL)
			abort();
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, d, n);
	o->len += n;
}

/* Builds the crafted envelope described by in[0..n) into o. */
static void
craft(struct outbuf *o, const uint8_t *in, size_t n)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t file_key[32], hdr[ENVELOPE_HEADER_BYTES];
	uint8_t *plain, *cipher;
	size_t chunks, pos = 0, x;
	unsigned tags[4];
	size_t lens[4];

	if (n < 1)
		return;
	chunks = 1 + in[pos++] % 4;
	for (size_t i = 0; i < chunks; i++) {
		unsigned l;

		if (pos + 3 > n)
			return;
		tags[i] = in[pos] & 3;
		l = (unsigned)in[pos + 1] << 8 | in[pos + 2];
		lens[i] = l == 0xffff ? ENVELOPE_CHUNK : l;
		pos += 3;
	}
	if (pos >= n)
		return;
	x = in[pos++];
	crypto_secretstream_xchacha20poly1305_keygen(file_key);
	memcpy(hdr, ENVELOPE_MAGIC, 4);
	if (crypto_box_seal(hdr + 4, file_key, 32, key->pub.box_pk) != 0 ||
	    crypto_secretstream_xchacha20poly1305_init_push(
	            &st, hdr + 4 + ENVELOPE_SEALED_KEY_BYTES, file_key) != 0)
		abort();
	out_add(o, hdr, sizeof hdr);
	plain = calloc(1, ENVELOPE_CHUNK);
	cipher = malloc(ENVELOPE_CHUNK + ENVELOPE_CHUNK_OVERHEAD);
	if (plain == NULL || cipher == NULL)
		abort();
	for (size_t i = 0; i < chunks; i++) {
		size_t take = n - pos < lens[i] ? n - pos : lens[i];
		unsigned long long clen;

		memset(plain, 0, lens[i]);
		memcpy(plain, in + pos, take);
		pos += take;
		crypto_secretstream_xchacha20poly1305_push(&st, cipher, &clen, plain, lens[i], NULL,
		                                           0, (unsigned char)tags[i]);
		out_add(o, cipher, (size_t)clen);
	}
	if (x & 0x80) {
		size_t cut = x & 0x1f;

		o->len = cut < o->len ? o->len - cut : 0;
	} else {
		for (size_t i = 0; i < (x & 0x1f); i++) {
			uint8_t b = (uint8_t)(i * 37 + x);

			out_add(o, &b, 1);
		}
	}
	sodium_memzero(file_key, sizeof file_key);
	free(plain);
	free(cipher);
}

/* Seeds: one crafted description per interesting shape. */
static void
seed_crafted(const char *name, const char *manifest, size_t att, size_t padded, unsigned chunks,
             int final_early, unsigned x)
{
	struct outbuf o = {NULL, 0, 0};
	size_t mlen = strlen(manifest), left = padded;
	uint8_t b[8];

	b[0] = 1; /* crafted */
	out_add(&o, b, 1);
	b[0] = (uint8_t)(chunks - 1);
	out_add(&o, b, 1);
	for (unsigned i = 0; i < chunks; i++) {
		size_t l = i + 1 < chunks ? ENVELOPE_CHUNK : left;
		unsigned code = l == ENVELOPE_CHUNK ? 0xffff : (unsigned)l;
		unsigned tag = (i + 1 == chunks || (final_early && i == 0)) ? TAG_FINAL : 0;

		left -= l;
		b[0] = (uint8_t)tag;
		b[1] = (uint8_t)(code >> 8);
		b[2] = (uint8_t)code;
		out_add(&o, b, 3);
	}
	b[0] = (uint8_t)x;
	out_add(&o, b, 1);
	b[0] = (uint8_t)(mlen >> 24);
	b[1] = (uint8_t)(mlen >> 16);
	b[2] = (uint8_t)(mlen >> 8);
	b[3] = (uint8_t)mlen;
	out_add(&o, b, 4);
	out_add(&o, (const uint8_t *)manifest, mlen);
	for (size_t i = 0; i < att; i++) {
		b[0] = (uint8_t)('a' + i % 26);
		out_add(&o, b, 1);
	}
	fz_seed(name, o.p, o.len);
	free(o.p);
}

static void
make_seeds(void)
{
	const char *report =
	        "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\",\"lang\":\"zh-CN\",\"report\":{"
	        "\"type\":\"accusation\",\"category\":\"integrity\",\"subcategory\":\"\",\"town\":"
	        "\"\",\"title\":\"t\",\"body\":\"b\",\"when\":\"\",\"where\":\"\",\"subject\":{"
	        "\"name\":\"\",\"unit\":\"\",\"area\":\"\",\"position\":\"\",\"level\":\"unknown\","
	        "\"party_member\":\"unknown\"},\"identity\":null},\"attachments\":[]}";
	const char *with_att = "{\"v\":1,\"kind\":\"followup\",\"district\":\"d01\",\"purpose\":"
	                       "\"material\",\"body\":\"x\",\"attachments\":[{\"name\":\"a.jpg\","
	                       "\"type\":\"image/jpeg\",\"size\":100},{\"name\":\"b\",\"type\":"
	                       "\"text/plain\",\"size\":0},{\"name\":\"c\",\"type\":\"x\",\"size\":"
	                       "70000}]}";
	const char *reply = "{\"v\":1,\"kind\":\"reply\",\"district\":\"d01\",\"lookup\":\"RuYTO-"
	                    "sK7fQpCpQATm-iOB5E8x9jx4mj3P28QbdTnrQ\",\"status\":\"accepted\","
	                    "\"body\":\"收到\",\"attachments\":[]}";
	size_t big = 4 + strlen(with_att) + 70100;

	seed_crafted("crafted-report", report, 0, 4096, 1, 0, 0);
	seed_crafted("crafted-reply", reply, 0, 4096, 1, 0, 0);
	seed_crafted("crafted-two-chunks", with_att, 70100, (size_t)envelope_padme(big), 2, 0, 0);
	seed_crafted("crafted-final-early", with_att, 70100, (size_t)envelope_padme(big), 2, 1, 0);
	seed_crafted("crafted-trailing", report, 0, 4096, 1, 0, 5);
	seed_crafted("crafted-cut", report, 0, 4096, 1, 0, 0x80 | 3);
	seed_crafted("crafted-not-padme", report, 0, 4000, 1, 0, 0);
	seed_crafted("crafted-bad-padding", "{\"attachments\":[{\"size\":1}]} ", 2, 4096, 1, 0, 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	key = fz_d01();
	if (fz_seed_dir() != NULL) {
		make_seeds();
		exit(0);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t seed = fz_hash(data, size);

	if (size < 1)
		return 0;
	if ((data[0] & 1) == 0) {
		check_envelope(data + 1, size - 1, seed);
	} else {
		struct outbuf o = {NULL, 0, 0};

		craft(&o, data + 1, size - 1);
		if (o.len > 0)
			check_envelope(o.p, o.len, seed);
		free(o.p);
	}
	return 0;
}
