/*
 * Unit tests for crypto/envelope: Padmé, the known-answer envelopes, every
 * malformed vector with its exact rejection code (fed whole and in pieces),
 * streaming round trips around chunk and padding boundaries, and corrupted,
 * truncated, extended, reordered and mis-tagged envelopes, plus API misuse.
 */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "tests/unit/testutil.h"

#define CCHUNK   (ENVELOPE_CHUNK + ENVELOPE_CHUNK_OVERHEAD)
#define T_MSG    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define T_PUSH   crypto_secretstream_xchacha20poly1305_TAG_PUSH
#define T_REKEY  crypto_secretstream_xchacha20poly1305_TAG_REKEY
#define T_FINAL  crypto_secretstream_xchacha20poly1305_TAG_FINAL
#define MAX_ATTS 8
#define MIB      ((size_t)1 << 20)

static uint8_t g_pk[32], g_sk[32];

/* ---- helpers ------------------------------------------------------------ */

/* splitmix64: deterministic piece sizes, so a failure can be replayed */
static uint64_t g_rng = 0x5eed;

static uint64_t
rng_next(void)
{
	uint64_t z = (g_rng += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A random piece length: mostly small, sometimes about a chunk, sometimes more. */
static size_t
piece_len(size_t left)
{
	size_t n;

	switch (rng_next() % 5) {
	case 0:
		n = 1 + rng_next() % 16;
		break;
	case 1:
		n = 1 + rng_next() % 5000;
		break;
	case 2:
		n = CCHUNK - 20 + rng_next() % 40;
		break;
	default:
		n = 1 + rng_next() % (3 * CCHUNK);
		break;
	}
	return n > left ? left : n;
}

struct membuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	int fail_at; /* refuse the fail_at'th write (1-based); 0: never */
	int calls;
};

static int
membuf_sink(void *ctx, const uint8_t *data, size_t len)
{
	struct membuf *b = ctx;

	b->calls++;
	if (b->fail_at != 0 && b->calls == b->fail_at)
		return 1;
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 4096;

		while (len > cap - b->len)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

/* What the opener's callbacks saw. */
struct collect {
	crypto_generichash_state h[MAX_ATTS];
	size_t len[MAX_ATTS];
	char *manifest;
	size_t mlen;
	int manifest_calls;
	int bad_order;
	size_t next_min; /* attachments must come in index order */
	int stop_manifest;
	int stop_attachment;
};

static int
collect_manifest(void *ctx, const char *json, size_t len, const json_t *parsed)
{
	struct collect *c = ctx;

	c->manifest_calls++;
	if (c->manifest_calls != 1 || !json_is_object(parsed) || json[len] != '\0')
		c->bad_order = 1;
	free(c->manifest);
	c->manifest = malloc(len + 1);
	assert_non_null(c->manifest);
	memcpy(c->manifest, json, len + 1);
	c->mlen = len;
	for (size_t i = 0; i < MAX_ATTS; i++) {
		crypto_generichash_init(&c->h[i], NULL, 0, 32);
		c->len[i] = 0;
	}
	return c->stop_manifest;
}

static int
collect_attachment(void *ctx, size_t index, const uint8_t *data, size_t len)
{
	struct collect *c = ctx;

	if (c->manifest_calls != 1 || index >= MAX_ATTS || index < c->next_min || len == 0) {
		c->bad_order = 1;
		return 1;
	}
	c->next_min = index;
	crypto_generichash_update(&c->h[index], data, len);
	c->len[index] += len;
	return c->stop_attachment;
}

static void
collect_hash(struct collect *c, size_t index, uint8_t out[32])
{
	crypto_generichash_final(&c->h[index], out, 32);
}

/* Feeds env whole (pieces == 0) or in random pieces; returns the first error. */
static int
feed(struct envelope_opener *o, const uint8_t *env, size_t len, int pieces)
{
	size_t off = 0;
	int rc;

	while (off < len) {
		size_t k = pieces ? piece_len(len - off) : len - off;

		rc = envelope_open_update(o, env + off, k);
		if (rc != ENVELOPE_OK) {
			/* the error sticks */
			assert_int_equal(envelope_open_update(o, env, len), rc);
			assert_int_equal(envelope_open_final(o), rc);
			return rc;
		}
		off += k;
	}
	rc = envelope_open_final(o);
	if (rc != ENVELOPE_OK)
		assert_int_equal(envelope_open_update(o, env, 1), rc);
	return rc;
}

/* Opens env with (pk, sk), collecting into c (may be NULL). */
static int
open_with(const uint8_t *pk, const uint8_t *sk, const uint8_t *env, size_t len, int pieces,
          struct collect *c)
{
	struct envelope_callbacks cb = {collect_manifest, collect_attachment, c};
	struct envelope_opener *o = NULL;
	int rc;

	assert_int_equal(envelope_open_init(&o, pk, sk, c ? &cb : NULL), ENVELOPE_OK);
	rc = feed(o, env, len, pieces);
	envelope_open_free(o);
	return rc;
}

static int
open_env(const uint8_t *env, size_t len, int pieces)
{
	return open_with(g_pk, g_sk, env, len, pieces, NULL);
}

/* Opens with envelope_open_buffer and checks the contents are zeroed on error. */
static int
open_buf(const uint8_t *env, size_t len)
{
	struct envelope_contents c;
	int rc = envelope_open_buffer(&c, g_pk, g_sk, env, len);

	if (rc != ENVELOPE_OK) {
		assert_null(c.manifest);
		assert_null(c.parsed);
		assert_null(c.att);
		assert_int_equal(c.natts, 0);
	}
	envelope_contents_free(&c);
	return rc;
}

/* A manifest listing the given attachment sizes, into a malloc'd string. */
static char *
manifest_for(const size_t *sizes, size_t n)
{
	size_t cap = 128 + n * 64, len;
	char *m = malloc(cap);

	assert_non_null(m);
	len = (size_t)snprintf(m, cap,
	                       "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\","
	                       "\"attachments\":[");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(m + len, cap - len, "%s{\"name\":\"a%zu\",\"size\":%zu}",
		                        i ? "," : "", i, sizes[i]);
	snprintf(m + len, cap - len, "]}");
	return m;
}

/*
 * The plaintext P = u32be(len(M)) || M || attachments (random unless data
 * given) || zeros, padded to padlen (0: to envelope_padme(L)). *plen gets
 * len(P).
 */
static uint8_t *
make_plain(const char *manifest, const size_t *sizes, size_t n, uint64_t padlen, size_t *plen)
{
	size_t mlen = strlen(manifest), l = 4 + mlen, off;
	uint8_t *p;

	for (size_t i = 0; i < n; i++)
		l += sizes[i];
	if (padlen == 0)
		padlen = envelope_padme(l);
	assert_true(padlen >= l);
	p = calloc(1, (size_t)padlen);
	assert_non_null(p);
	codec_u32be_put(p, (uint32_t)mlen);
	memcpy(p + 4, manifest, mlen);
	off = 4 + mlen;
	for (size_t i = 0; i < n; i++) {
		randombytes_buf(p + off, sizes[i]);
		off += sizes[i];
	}
	*plen = (size_t)padlen;
	return p;
}

/*
 * Seals P with libsodium directly, cut into 65536-byte pieces; piece i gets
 * tags[i] (NULL: MESSAGE, and FINAL on the last). Lets the tests build
 * envelopes the API would never produce.
 */
static uint8_t *
raw_seal(const uint8_t *p, size_t plen, const unsigned char *tags, size_t *outlen)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t key[32];
	size_t n = plen / ENVELOPE_CHUNK + (plen % ENVELOPE_CHUNK != 0 || plen == 0);
	size_t len = ENVELOPE_HEADER_BYTES + plen + n * ENVELOPE_CHUNK_OVERHEAD, off;
	uint8_t *env = malloc(len);

	assert_non_null(env);
	memcpy(env, ENVELOPE_MAGIC, 4);
	crypto_secretstream_xchacha20poly1305_keygen(key);
	assert_int_equal(crypto_box_seal(env + 4, key, 32, g_pk), 0);
	crypto_secretstream_xchacha20poly1305_init_push(&st, env + 84, key);
	off = ENVELOPE_HEADER_BYTES;
	for (size_t i = 0; i < n; i++) {
		size_t k = plen - i * ENVELOPE_CHUNK;
		unsigned char tag = tags ? tags[i] : (i + 1 == n ? T_FINAL : T_MSG);

		if (k > ENVELOPE_CHUNK)
			k = ENVELOPE_CHUNK;
		crypto_secretstream_xchacha20poly1305_push(&st, env + off, NULL,
		                                           p + i * ENVELOPE_CHUNK, k, NULL, 0, tag);
		off += k + ENVELOPE_CHUNK_OVERHEAD;
	}
	assert_int_equal(off, len);
	sodium_memzero(key, sizeof key);
	*outlen = len;
	return env;
}

/* raw_seal of the well-padded P for a manifest with one attachment of size att. */
static uint8_t *
raw_env(const char *manifest, size_t att, const unsigned char *tags, size_t *outlen)
{
	size_t plen;
	uint8_t *p = make_plain(manifest, &att, att ? 1 : 0, 0, &plen);
	uint8_t *env = raw_seal(p, plen, tags, outlen);

	free(p);
	return env;
}

/* Seals a manifest and attachments with envelope_seal_buffer. */
static uint8_t *
seal_simple(const size_t *sizes, size_t n, size_t *outlen)
{
	char *m = manifest_for(sizes, n);
	struct envelope_blob blobs[MAX_ATTS];
	uint8_t *env = NULL;

	assert_true(n <= MAX_ATTS);
	for (size_t i = 0; i < n; i++) {
		uint8_t *d = malloc(sizes[i] ? sizes[i] : 1);
		assert_non_null(d);
		randombytes_buf(d, sizes[i]);
		blobs[i].data = d;
		blobs[i].len = sizes[i];
	}
	assert_int_equal(envelope_seal_buffer(&env, outlen, g_pk, m, strlen(m), blobs, n),
	                 ENVELOPE_OK);
	for (size_t i = 0; i < n; i++)
		free((void *)blobs[i].data);
	free(m);
	return env;
}

/* ---- Padmé and sizes ---------------------------------------------------- */

static void
test_padme_vectors(void **state)
{
	json_t *v = testutil_vector("padme.json");
	json_t *cases = json_object_get(v, "cases");
	size_t i;
	json_t *c;

	(void)state;
	assert_true(json_array_size(cases) > 0);
	json_array_foreach(cases, i, c)
	{
		uint64_t l = (uint64_t)json_integer_value(json_array_get(c, 0));
		uint64_t want = (uint64_t)json_integer_value(json_array_get(c, 1));

		assert_true(envelope_padme(l) == want);
	}
	json_decref(v);
}

static void
test_padme_properties(void **state)
{
	(void)state;
	for (uint64_t l = 0; l < 3000000; l = l * 3 / 2 + 7) {
		uint64_t p = envelope_padme(l);
		uint64_t n = p / ENVELOPE_CHUNK + (p % ENVELOPE_CHUNK != 0);

		assert_true(p >= l && p >= ENVELOPE_MIN_PADDED);
		assert_true(envelope_padme(p) == p); /* a fixed point */
		assert_true(p % 256 == 0);
		assert_true(envelope_sealed_size(l) ==
		            ENVELOPE_HEADER_BYTES + p + n * ENVELOPE_CHUNK_OVERHEAD);
	}
	assert_true(envelope_sealed_size(0) == 4221);
	assert_true(envelope_sealed_size(65536) == 108 + 65536 + 17);
	assert_true(envelope_sealed_size(65537) == 108 + 67584 + 2 * 17);
	assert_true(envelope_padme(UINT64_MAX) == 0);
	assert_true(envelope_sealed_size(UINT64_MAX) == 0);
	assert_true(envelope_padme((uint64_t)1 << 63) == (uint64_t)1 << 63);
	for (int e = ENVELOPE_OK; e >= -16; e--)
		assert_non_null(envelope_strerror(e));
	assert_non_null(envelope_strerror(42));
}

/* ---- known-answer vectors ----------------------------------------------- */

static void
vector_keys(const json_t *v, uint8_t pk[32], uint8_t sk[32])
{
	testutil_b64u(pk, 32, testutil_str(v, "box_pk"));
	testutil_b64u(sk, 32, testutil_str(v, "box_sk"));
}

static void
test_vectors_valid(void **state)
{
	json_t *v = testutil_vector("envelopes.json");
	json_t *valid = json_object_get(v, "valid");
	uint8_t pk[32], sk[32];
	size_t i;
	json_t *e;

	(void)state;
	vector_keys(v, pk, sk);
	assert_true(json_array_size(valid) > 0);
	json_array_foreach(valid, i, e)
	{
		size_t len;
		uint8_t *env = testutil_b64u_alloc(testutil_str(e, "envelope"), &len);
		json_t *hashes = json_object_get(e, "attachment_blake2b256");
		struct envelope_contents c;
		uint64_t l;

		assert_int_equal(len, json_integer_value(json_object_get(e, "envelope_length")));
		assert_int_equal(envelope_open_buffer(&c, pk, sk, env, len), ENVELOPE_OK);
		assert_true(json_equal(c.parsed, json_object_get(e, "manifest")));
		assert_int_equal(strlen(c.manifest), c.manifest_len);
		assert_int_equal(c.natts, json_array_size(hashes));
		l = 4 + c.manifest_len;
		for (size_t a = 0; a < c.natts; a++) {
			uint8_t h[32];
			char txt[CODEC_B64U_BUF(32)];

			crypto_generichash(h, 32, c.att[a], c.att_len[a], NULL, 0);
			codec_b64u_encode(txt, sizeof txt, h, 32);
			assert_string_equal(txt, json_string_value(json_array_get(hashes, a)));
			l += c.att_len[a];
		}
		assert_true(envelope_sealed_size(l) == len);

		/* the same, streamed in random pieces through the callbacks */
		for (int round = 0; round < 3; round++) {
			struct collect col;

			memset(&col, 0, sizeof col);
			assert_int_equal(open_with(pk, sk, env, len, 1, &col), ENVELOPE_OK);
			assert_false(col.bad_order);
			assert_int_equal(col.manifest_calls, 1);
			assert_int_equal(col.mlen, c.manifest_len);
			assert_memory_equal(col.manifest, c.manifest, col.mlen);
			for (size_t a = 0; a < c.natts; a++) {
				uint8_t h1[32], h2[32];

				collect_hash(&col, a, h1);
				crypto_generichash(h2, 32, c.att[a], c.att_len[a], NULL, 0);
				assert_memory_equal(h1, h2, 32);
				assert_int_equal(col.len[a], c.att_len[a]);
			}
			free(col.manifest);
		}
		envelope_contents_free(&c);
		assert_null(c.manifest);
		free(env);
	}
	json_decref(v);
}

static const struct {
	const char *name;
	int err;
} malformed_codes[] = {
        {"bad magic", ENVELOPE_ERR_MAGIC},
        {"truncated (no final chunk)", ENVELOPE_ERR_TRUNCATED},
        {"final tag missing", ENVELOPE_ERR_TAG_MISSING},
        {"final tag early", ENVELOPE_ERR_TAG_EARLY},
        {"trailing bytes", ENVELOPE_ERR_TRAILING},
        {"non-zero padding", ENVELOPE_ERR_PADDING},
        {"manifest length beyond plaintext", ENVELOPE_ERR_SIZES},
        {"manifest not JSON", ENVELOPE_ERR_MANIFEST},
        {"attachment sizes exceed plaintext", ENVELOPE_ERR_SIZES},
        {"ciphertext bit flipped", ENVELOPE_ERR_AUTH},
        {"sealed key for another recipient", ENVELOPE_ERR_KEY},
        {"too short", ENVELOPE_ERR_SHORT},
};

static void
test_vectors_malformed(void **state)
{
	json_t *v = testutil_vector("envelopes.json");
	json_t *bad = json_object_get(v, "malformed");
	size_t nknown = sizeof malformed_codes / sizeof malformed_codes[0];
	uint8_t pk[32], sk[32];
	const char *name;
	json_t *e;

	(void)state;
	vector_keys(v, pk, sk);
	/* every vector has a code here, and every code here has its vector */
	assert_int_equal(json_object_size(bad), nknown);
	json_object_foreach(bad, name, e)
	{
		int want = 1;
		size_t len;
		uint8_t *env;
		struct envelope_contents c;

		for (size_t i = 0; i < nknown; i++)
			if (strcmp(malformed_codes[i].name, name) == 0)
				want = malformed_codes[i].err;
		if (want == 1)
			fail_msg("no expected code for malformed vector \"%s\"", name);
		env = testutil_b64u_alloc(json_string_value(e), &len);
		if (envelope_open_buffer(&c, pk, sk, env, len) != want)
			fail_msg("\"%s\": got %d, want %d", name,
			         envelope_open_buffer(&c, pk, sk, env, len), want);
		assert_null(c.manifest);
		assert_int_equal(open_with(pk, sk, env, len, 0, NULL), want);
		for (int round = 0; round < 8; round++) {
			struct collect col;
			int rc;

			memset(&col, 0, sizeof col);
			rc = open_with(pk, sk, env, len, 1, &col);
			if (rc != want)
				fail_msg("\"%s\" in pieces: got %d, want %d", name, rc, want);
			assert_false(col.bad_order);
			free(col.manifest);
		}
		free(env);
	}
	json_decref(v);
}

/* ---- round trips -------------------------------------------------------- */

/*
 * Seals a manifest naming the given attachment sizes, streaming everything
 * in random pieces, checks the length, then opens in random pieces (and
 * with envelope_open_buffer) and compares.
 */
static void
roundtrip(const size_t *sizes, size_t n)
{
	char *m = manifest_for(sizes, n);
	size_t mlen = strlen(m);
	uint8_t *att[MAX_ATTS];
	uint8_t hash[MAX_ATTS][32];
	struct envelope_sealer *s = NULL;
	struct membuf out = {0};
	struct collect col;
	struct envelope_contents c;
	uint64_t l = 4 + mlen;
	uint8_t lenbuf[4];

	assert_true(n <= MAX_ATTS);
	for (size_t i = 0; i < n; i++) {
		att[i] = malloc(sizes[i] ? sizes[i] : 1);
		assert_non_null(att[i]);
		randombytes_buf(att[i], sizes[i]);
		crypto_generichash(hash[i], 32, att[i], sizes[i], NULL, 0);
		l += sizes[i];
	}
	assert_int_equal(envelope_seal_init(&s, g_pk, l, membuf_sink, &out), ENVELOPE_OK);
	if (rng_next() % 2) {
		assert_int_equal(envelope_seal_manifest(s, m, mlen), ENVELOPE_OK);
	} else {
		codec_u32be_put(lenbuf, (uint32_t)mlen);
		assert_int_equal(envelope_seal_update(s, lenbuf, 1), ENVELOPE_OK);
		assert_int_equal(envelope_seal_update(s, lenbuf + 1, 3), ENVELOPE_OK);
		for (size_t off = 0, k; off < mlen; off += k) {
			k = piece_len(mlen - off);
			assert_int_equal(envelope_seal_update(s, (const uint8_t *)m + off, k),
			                 ENVELOPE_OK);
		}
	}
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(envelope_seal_update(s, att[i], 0), ENVELOPE_OK);
		for (size_t off = 0, k; off < sizes[i]; off += k) {
			k = piece_len(sizes[i] - off);
			assert_int_equal(envelope_seal_update(s, att[i] + off, k), ENVELOPE_OK);
		}
	}
	assert_int_equal(envelope_seal_final(s), ENVELOPE_OK);
	envelope_seal_free(s);
	assert_true(out.len == envelope_sealed_size(l));
	assert_memory_equal(out.p, ENVELOPE_MAGIC, 4);

	memset(&col, 0, sizeof col);
	assert_int_equal(open_with(g_pk, g_sk, out.p, out.len, 1, &col), ENVELOPE_OK);
	assert_false(col.bad_order);
	assert_int_equal(col.manifest_calls, 1);
	assert_int_equal(col.mlen, mlen);
	assert_string_equal(col.manifest, m);
	for (size_t i = 0; i < n; i++) {
		uint8_t h[32];

		assert_int_equal(col.len[i], sizes[i]);
		collect_hash(&col, i, h);
		assert_memory_equal(h, hash[i], 32);
	}
	free(col.manifest);

	assert_int_equal(envelope_open_buffer(&c, g_pk, g_sk, out.p, out.len), ENVELOPE_OK);
	assert_int_equal(c.manifest_len, mlen);
	assert_string_equal(c.manifest, m);
	assert_int_equal(c.natts, n);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(c.att[i]);
		assert_int_equal(c.att_len[i], sizes[i]);
		assert_memory_equal(c.att[i], att[i], sizes[i]);
	}
	envelope_contents_free(&c);

	for (size_t i = 0; i < n; i++)
		free(att[i]);
	free(out.p);
	free(m);
}

static void
test_roundtrip_attachment_sizes(void **state)
{
	static const size_t sizes[] = {0, 1, 4091, 4096, 65535, 65536, 65537, 131072, 5 * MIB};
	static const size_t several[] = {0, 1, 65537, 0, 4096, 131072};

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		roundtrip(&sizes[i], 1);
	roundtrip(several, sizeof several / sizeof several[0]);
	roundtrip(NULL, 0);
}

/* Unpadded lengths L on chunk and padding boundaries (one attachment fills L up). */
static void
test_roundtrip_unpadded_sizes(void **state)
{
	static const size_t targets[] = {4091,   4096,   4097,   4352,   4353,   65535,
	                                 65536,  65537,  67584,  67585,  131071, 131072,
	                                 131073, 135168, 196608, 5 * MIB};

	(void)state;
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		size_t att = targets[i], prev = 0;
		char *m;

		/* the manifest names the size, so iterate to the fixed point */
		while (att != prev) {
			prev = att;
			m = manifest_for(&prev, 1);
			att = targets[i] - 4 - strlen(m);
			free(m);
		}
		m = manifest_for(&att, 1);
		assert_int_equal(4 + strlen(m) + att, targets[i]);
		free(m);
		roundtrip(&att, 1);
	}
	/* the smallest manifest there is: {} */
	{
		static const char tiny[] = "{}";
		struct envelope_contents c;
		uint8_t *env;
		size_t len;

		assert_int_equal(envelope_seal_buffer(&env, &len, g_pk, tiny, 2, NULL, 0),
		                 ENVELOPE_OK);
		assert_true(len == envelope_sealed_size(6));
		assert_int_equal(envelope_open_buffer(&c, g_pk, g_sk, env, len), ENVELOPE_OK);
		assert_int_equal(c.natts, 0);
		assert_non_null(c.att);
		assert_string_equal(c.manifest, "{}");
		envelope_contents_free(&c);
		free(env);
	}
}

/* ---- corruption, truncation, extension, reordering ---------------------- */

static void
test_every_bit_flip(void **state)
{
	size_t size = 1000, len;
	uint8_t *env = seal_simple(&size, 1, &len);

	(void)state;
	assert_int_equal(len, 4221);
	assert_int_equal(open_buf(env, len), ENVELOPE_OK);
	for (size_t i = 0; i < len; i++) {
		uint8_t bit = (uint8_t)(1u << (i % 8));
		int want = i < 4                               ? ENVELOPE_ERR_MAGIC
		           : i < 4 + ENVELOPE_SEALED_KEY_BYTES ? ENVELOPE_ERR_KEY
		                                               : ENVELOPE_ERR_AUTH;
		int rc;

		env[i] ^= bit;
		rc = open_buf(env, len);
		if (rc != want)
			fail_msg("bit flip at %zu: got %d, want %d", i, rc, want);
		env[i] ^= bit;
	}
	assert_int_equal(open_buf(env, len), ENVELOPE_OK);
	free(env);
}

static void
test_truncation(void **state)
{
	size_t size = 131100, len;
	uint8_t *env = seal_simple(&size, 1, &len);
	const size_t h = ENVELOPE_HEADER_BYTES;
	const struct {
		size_t cut;
		int err;
	} cuts[] = {
	        {0, ENVELOPE_ERR_SHORT},
	        {3, ENVELOPE_ERR_SHORT}, /* "QFE": no magic yet */
	        {50, ENVELOPE_ERR_SHORT},
	        {h - 1, ENVELOPE_ERR_SHORT},
	        {h, ENVELOPE_ERR_SHORT}, /* header boundary */
	        {h + 16, ENVELOPE_ERR_SHORT},
	        {h + 17, ENVELOPE_ERR_AUTH}, /* mid-chunk: a tail that is no chunk */
	        {h + 30000, ENVELOPE_ERR_AUTH},
	        {h + CCHUNK - 1, ENVELOPE_ERR_AUTH},
	        {h + CCHUNK, ENVELOPE_ERR_TRUNCATED}, /* chunk boundaries */
	        {h + CCHUNK + 1, ENVELOPE_ERR_TRUNCATED},
	        {h + CCHUNK + 16, ENVELOPE_ERR_TRUNCATED},
	        {h + CCHUNK + 17, ENVELOPE_ERR_AUTH},
	        {h + 2 * CCHUNK, ENVELOPE_ERR_TRUNCATED},
	        {h + 2 * CCHUNK + 5, ENVELOPE_ERR_TRUNCATED},
	        {len - 256, ENVELOPE_ERR_AUTH},
	        {len - 1, ENVELOPE_ERR_AUTH},
	};

	(void)state;
	/* 135168 bytes of P: two full chunks and one of 4096 */
	assert_int_equal(len, h + 135168 + 3 * ENVELOPE_CHUNK_OVERHEAD);
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		int rc = open_env(env, cuts[i].cut, 0);

		if (rc != cuts[i].err)
			fail_msg("cut at %zu: got %d, want %d", cuts[i].cut, rc, cuts[i].err);
		assert_int_equal(open_env(env, cuts[i].cut, 1), cuts[i].err);
		assert_int_equal(open_buf(env, cuts[i].cut), cuts[i].err);
	}
	/* and a sweep: no proper prefix opens */
	for (size_t cut = 1; cut < len; cut += 1201)
		assert_int_not_equal(open_env(env, cut, 0), ENVELOPE_OK);
	assert_int_equal(open_env(env, len, 1), ENVELOPE_OK);
	free(env);
}

static void
append_and_check(const uint8_t *env, size_t len, size_t extra, int want)
{
	uint8_t *x = malloc(len + extra);
	int rc;

	assert_non_null(x);
	memcpy(x, env, len);
	randombytes_buf(x + len, extra);
	rc = open_env(x, len + extra, 0);
	if (want == ENVELOPE_OK ? rc == ENVELOPE_OK : rc != want)
		fail_msg("%zu bytes appended: got %d, want %d", extra, rc, want);
	assert_int_equal(open_env(x, len + extra, 1), rc);
	free(x);
}

static void
test_appended_bytes(void **state)
{
	size_t small = 100, full, len, flen;
	uint8_t *env = seal_simple(&small, 1, &len);
	uint8_t *fenv;
	char *m;

	(void)state;
	/* after a short final chunk: found on the padded-size grid */
	append_and_check(env, len, 1, ENVELOPE_ERR_TRAILING);
	append_and_check(env, len, 17, ENVELOPE_ERR_TRAILING);
	append_and_check(env, len, 255, ENVELOPE_ERR_TRAILING);
	append_and_check(env, len, 256, ENVELOPE_ERR_TRAILING);
	/* more is only rejected, as a last chunk that fails authentication */
	append_and_check(env, len, 257, ENVELOPE_OK);
	append_and_check(env, len, 5000, ENVELOPE_OK);
	append_and_check(env, len, 200000, ENVELOPE_OK);
	/* after a full final chunk (len(P) a multiple of 65536): always trailing */
	full = 65536 - 4;
	m = manifest_for(&full, 1);
	full -= strlen(m);
	free(m);
	fenv = seal_simple(&full, 1, &flen);
	assert_int_equal(flen, ENVELOPE_HEADER_BYTES + CCHUNK);
	assert_int_equal(open_env(fenv, flen, 0), ENVELOPE_OK);
	append_and_check(fenv, flen, 1, ENVELOPE_ERR_TRAILING);
	append_and_check(fenv, flen, 4113, ENVELOPE_ERR_TRAILING);
	append_and_check(fenv, flen, CCHUNK, ENVELOPE_ERR_TRAILING);
	append_and_check(fenv, flen, 3 * CCHUNK, ENVELOPE_ERR_TRAILING);
	/* an authentic chunk of the envelope repeated after the final one */
	{
		uint8_t *x = malloc(flen + CCHUNK);

		assert_non_null(x);
		memcpy(x, fenv, flen);
		memcpy(x + flen, fenv + ENVELOPE_HEADER_BYTES, CCHUNK);
		assert_int_equal(open_env(x, flen + CCHUNK, 0), ENVELOPE_ERR_TRAILING);
		free(x);
	}
	free(fenv);
	free(env);
}

static void
test_reordered_chunks(void **state)
{
	size_t size = 131100, len;
	uint8_t *env = seal_simple(&size, 1, &len);
	uint8_t *x = malloc(len + CCHUNK);
	const size_t h = ENVELOPE_HEADER_BYTES;

	(void)state;
	assert_non_null(x);
	/* swap chunks 0 and 1 */
	memcpy(x, env, len);
	memcpy(x + h, env + h + CCHUNK, CCHUNK);
	memcpy(x + h + CCHUNK, env + h, CCHUNK);
	assert_int_equal(open_env(x, len, 0), ENVELOPE_ERR_AUTH);
	assert_int_equal(open_env(x, len, 1), ENVELOPE_ERR_AUTH);
	/* drop chunk 1 */
	memcpy(x, env, h + CCHUNK);
	memcpy(x + h + CCHUNK, env + h + 2 * CCHUNK, len - h - 2 * CCHUNK);
	assert_int_equal(open_env(x, len - CCHUNK, 0), ENVELOPE_ERR_AUTH);
	/* repeat chunk 0 */
	memcpy(x, env, h + CCHUNK);
	memcpy(x + h + CCHUNK, env + h, len - h);
	assert_int_equal(open_env(x, len + CCHUNK, 0), ENVELOPE_ERR_AUTH);
	/* another envelope's header on this body */
	{
		size_t olen;
		uint8_t *other = seal_simple(&size, 1, &olen);

		memcpy(x, other, h);
		memcpy(x + h, env + h, len - h);
		assert_int_equal(open_env(x, len, 0), ENVELOPE_ERR_AUTH);
		free(other);
	}
	free(x);
	free(env);
}

static void
test_wrong_key(void **state)
{
	uint8_t pk2[32], sk2[32];
	size_t size = 10, len;
	uint8_t *env = seal_simple(&size, 1, &len);
	struct envelope_contents c;

	(void)state;
	crypto_box_keypair(pk2, sk2);
	assert_int_equal(open_with(pk2, sk2, env, len, 0, NULL), ENVELOPE_ERR_KEY);
	assert_int_equal(open_with(pk2, sk2, env, len, 1, NULL), ENVELOPE_ERR_KEY);
	assert_int_equal(envelope_open_buffer(&c, pk2, sk2, env, len), ENVELOPE_ERR_KEY);
	assert_null(c.manifest);
	/* the right secret key with the wrong public key fails too */
	assert_int_equal(open_with(pk2, g_sk, env, len, 0, NULL), ENVELOPE_ERR_KEY);
	free(env);
}

/* ---- stream tags and sizes, built by hand ------------------------------- */

static void
test_tags(void **state)
{
	static const char man[] = "{\"attachments\":[{\"size\":131100}]}";
	/* L = 4 + 33 + 131100 = 131137, P = 135168: pieces of 65536, 65536, 4096 */
	static const unsigned char ok[] = {T_MSG, T_MSG, T_FINAL};
	static const unsigned char early0[] = {T_FINAL, T_MSG, T_FINAL};
	static const unsigned char early1[] = {T_MSG, T_FINAL, T_FINAL};
	static const unsigned char missing[] = {T_MSG, T_MSG, T_MSG};
	static const unsigned char push[] = {T_PUSH, T_MSG, T_FINAL};
	static const unsigned char rekey[] = {T_MSG, T_REKEY, T_FINAL};
	static const unsigned char badlast[] = {T_MSG, T_MSG, T_PUSH};
	const struct {
		const unsigned char *tags;
		int err;
	} cases[] = {
	        {ok, ENVELOPE_OK},
	        {early0, ENVELOPE_ERR_TAG_EARLY},
	        {early1, ENVELOPE_ERR_TAG_EARLY},
	        {missing, ENVELOPE_ERR_TAG_MISSING},
	        {push, ENVELOPE_ERR_TAG_BAD},
	        {rekey, ENVELOPE_ERR_TAG_BAD},
	        {badlast, ENVELOPE_ERR_TAG_BAD},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len;
		uint8_t *env = raw_env(man, 131100, cases[i].tags, &len);

		assert_int_equal(len, ENVELOPE_HEADER_BYTES + 135168 + 3 * 17);
		assert_int_equal(open_env(env, len, 0), cases[i].err);
		assert_int_equal(open_env(env, len, 1), cases[i].err);
		assert_int_equal(open_buf(env, len), cases[i].err);
		/* without the last chunk it is truncated, whatever the tags */
		if (cases[i].tags[0] == T_MSG && cases[i].tags[1] == T_MSG)
			assert_int_equal(open_env(env, len - 4113, 0), ENVELOPE_ERR_TRUNCATED);
		free(env);
	}
	/* len(P) a multiple of 65536: the full last piece must be final */
	{
		static const char man2[] = "{\"attachments\":[{\"size\":130999}]}";
		static const unsigned char m2[] = {T_MSG, T_MSG};
		static const unsigned char f2[] = {T_MSG, T_FINAL};
		size_t len;
		uint8_t *env;

		/* L = 4 + 33 + 130999 = 131036, P = 131072 */
		env = raw_env(man2, 130999, f2, &len);
		assert_int_equal(len, ENVELOPE_HEADER_BYTES + 131072 + 2 * 17);
		assert_int_equal(open_env(env, len, 1), ENVELOPE_OK);
		free(env);
		env = raw_env(man2, 130999, m2, &len);
		assert_int_equal(open_env(env, len, 0), ENVELOPE_ERR_TAG_MISSING);
		assert_int_equal(open_env(env, len, 1), ENVELOPE_ERR_TAG_MISSING);
		/* one chunk fewer: plaintext incomplete */
		assert_int_equal(open_env(env, len - CCHUNK, 0), ENVELOPE_ERR_TRUNCATED);
		free(env);
	}
	/* a short single chunk that is not final */
	{
		static const unsigned char m1[] = {T_MSG};
		size_t len;
		uint8_t *env = raw_env("{}", 0, m1, &len);
		uint8_t *x = malloc(len + 1);

		assert_int_equal(open_env(env, len, 0), ENVELOPE_ERR_TAG_MISSING);
		/* with a byte appended it is no longer an authentic chunk; the
		 * authentic prefix is not final, so this is not mere trailing */
		assert_non_null(x);
		memcpy(x, env, len);
		x[len] = 0;
		assert_int_equal(open_env(x, len + 1, 0), ENVELOPE_ERR_AUTH);
		free(x);
		free(env);
	}
	/* the tag of a short chunk is judged before its content */
	{
		static const unsigned char m1[] = {T_MSG};
		size_t plen, len;
		uint8_t *p = make_plain("{}", NULL, 0, 0, &plen);
		uint8_t *env;

		p[plen - 1] = 1;
		env = raw_seal(p, plen, m1, &len);
		assert_int_equal(open_env(env, len, 1), ENVELOPE_ERR_TAG_MISSING);
		free(env);
		free(p);
	}
}

/* Seals a hand-made P (manifest text, no attachments) padded to padlen (0: correctly). */
static int
open_plain_case(const char *manifest, uint64_t padlen, size_t att)
{
	size_t plen, len;
	uint8_t *p = make_plain(manifest, &att, att ? 1 : 0, padlen, &plen);
	uint8_t *env = raw_seal(p, plen, NULL, &len);
	int rc = open_env(env, len, 0);

	assert_int_equal(open_env(env, len, 1), rc);
	assert_int_equal(open_buf(env, len), rc);
	free(env);
	free(p);
	return rc;
}

static void
test_manifest_shapes(void **state)
{
	static const struct {
		const char *m;
		int err;
	} cases[] = {
	        {"{}", ENVELOPE_OK},
	        {"{\"attachments\":[]}", ENVELOPE_OK},
	        {"{\"attachments\":[{\"size\":0},{\"size\":0}]}", ENVELOPE_OK},
	        {"{\"v\":1, \"x\":\"\\u4e2d\"}  ", ENVELOPE_OK},
	        {"", ENVELOPE_ERR_MANIFEST},
	        {"[]", ENVELOPE_ERR_MANIFEST},
	        {"\"str\"", ENVELOPE_ERR_MANIFEST},
	        {"null", ENVELOPE_ERR_MANIFEST},
	        {"{", ENVELOPE_ERR_MANIFEST},
	        {"{}x", ENVELOPE_ERR_MANIFEST},
	        {"{} {}", ENVELOPE_ERR_MANIFEST},
	        {"{\"a\":1,\"a\":2}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":null}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":{}}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":[1]}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":[{}]}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":[{\"size\":-1}]}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":[{\"size\":1.0}]}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":[{\"size\":\"1\"}]}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":[{\"size\":null}]}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":[{\"size\":99999999999999999999}]}", ENVELOPE_ERR_MANIFEST},
	        {"{\"attachments\":[{\"size\":0},7]}", ENVELOPE_ERR_MANIFEST},
	        /* sizes that no P could hold */
	        {"{\"attachments\":[{\"size\":9223372036854775807},{\"size\":"
	         "9223372036854775807},{\"size\":9223372036854775807}]}",
	         ENVELOPE_ERR_SIZES},
	        {"{\"attachments\":[{\"size\":9223372036854775807}]}", ENVELOPE_ERR_SIZES},
	        {"{\"attachments\":[{\"size\":5000}]}", ENVELOPE_ERR_SIZES},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = open_plain_case(cases[i].m, 0, 0);

		if (rc != cases[i].err)
			fail_msg("manifest %s: got %d, want %d", cases[i].m, rc, cases[i].err);
	}
	/* a NUL byte inside the manifest */
	{
		static const char withnul[] = "{\"a\":\"x\0y\"}";
		size_t plen = 4096, len;
		uint8_t *p = calloc(1, plen);
		uint8_t *env;

		assert_non_null(p);
		codec_u32be_put(p, sizeof withnul - 1);
		memcpy(p + 4, withnul, sizeof withnul - 1);
		env = raw_seal(p, plen, NULL, &len);
		assert_int_equal(open_env(env, len, 0), ENVELOPE_ERR_MANIFEST);
		free(env);
		free(p);
	}
}

static void
test_plaintext_sizes(void **state)
{
	size_t plen, len;
	uint8_t *p, *env;

	(void)state;
	/* padded to more than padme(L): sizes do not add up */
	assert_int_equal(open_plain_case("{}", 8192, 0), ENVELOPE_ERR_SIZES);
	assert_int_equal(open_plain_case("{}", 65536, 0), ENVELOPE_ERR_SIZES);
	assert_int_equal(open_plain_case("{}", 71680, 0), ENVELOPE_ERR_SIZES);
	/* padded to less: to L only, or not even the attachment */
	assert_int_equal(open_plain_case("{}", 6, 0), ENVELOPE_ERR_SIZES);
	assert_int_equal(open_plain_case("{}", 4095, 0), ENVELOPE_ERR_SIZES);
	assert_int_equal(open_plain_case("{\"attachments\":[{\"size\":1000}]}", 1037, 1000),
	                 ENVELOPE_ERR_SIZES);
	assert_int_equal(open_plain_case("{\"attachments\":[{\"size\":5000}]}", 4096, 0),
	                 ENVELOPE_ERR_SIZES);
	assert_int_equal(open_plain_case("{\"attachments\":[{\"size\":131100}]}", 139264, 131100),
	                 ENVELOPE_ERR_SIZES);

	/* P shorter than its own length prefix, and empty */
	p = calloc(1, 4096);
	assert_non_null(p);
	env = raw_seal(p, 3, NULL, &len);
	assert_int_equal(open_env(env, len, 0), ENVELOPE_ERR_SIZES);
	free(env);
	env = raw_seal(p, 0, NULL, &len);
	assert_int_equal(len, ENVELOPE_HEADER_BYTES + ENVELOPE_CHUNK_OVERHEAD);
	assert_int_equal(open_env(env, len, 0), ENVELOPE_ERR_SIZES);
	free(env);
	/* a manifest length beyond the limit, and one beyond P */
	codec_u32be_put(p, ENVELOPE_MANIFEST_MAX + 1);
	env = raw_seal(p, 4096, NULL, &len);
	assert_int_equal(open_env(env, len, 0), ENVELOPE_ERR_MANIFEST);
	free(env);
	codec_u32be_put(p, 0xffffffffu);
	env = raw_seal(p, 4096, NULL, &len);
	assert_int_equal(open_env(env, len, 1), ENVELOPE_ERR_MANIFEST);
	free(env);
	codec_u32be_put(p, ENVELOPE_MANIFEST_MAX);
	env = raw_seal(p, 4096, NULL, &len);
	assert_int_equal(open_env(env, len, 0), ENVELOPE_ERR_SIZES);
	free(env);
	free(p);

	/* a non-zero byte anywhere in the padding, including its last byte */
	p = make_plain("{}", NULL, 0, 0, &plen);
	for (size_t at = 6; at < plen; at += 1001) {
		p[at] = 1;
		env = raw_seal(p, plen, NULL, &len);
		assert_int_equal(open_env(env, len, 0), ENVELOPE_ERR_PADDING);
		free(env);
		p[at] = 0;
	}
	p[plen - 1] = 0x80;
	env = raw_seal(p, plen, NULL, &len);
	assert_int_equal(open_env(env, len, 1), ENVELOPE_ERR_PADDING);
	free(env);
	free(p);
}

/* ---- callbacks and misuse ----------------------------------------------- */

static void
test_callbacks(void **state)
{
	static const size_t sizes[] = {0, 70000, 0, 3, 0};
	size_t len;
	uint8_t *env = seal_simple(sizes, 5, &len);
	struct collect col;

	(void)state;
	/* zero-size attachments never reach the callback; the others in order */
	memset(&col, 0, sizeof col);
	assert_int_equal(open_with(g_pk, g_sk, env, len, 1, &col), ENVELOPE_OK);
	assert_false(col.bad_order);
	assert_int_equal(col.len[0], 0);
	assert_int_equal(col.len[1], 70000);
	assert_int_equal(col.len[3], 3);
	free(col.manifest);
	/* a callback asking to stop */
	memset(&col, 0, sizeof col);
	col.stop_manifest = 1;
	assert_int_equal(open_with(g_pk, g_sk, env, len, 0, &col), ENVELOPE_ERR_SINK);
	free(col.manifest);
	memset(&col, 0, sizeof col);
	col.stop_attachment = 1;
	assert_int_equal(open_with(g_pk, g_sk, env, len, 1, &col), ENVELOPE_ERR_SINK);
	assert_true(col.len[1] > 0);
	free(col.manifest);
	/* no callbacks at all */
	{
		struct envelope_callbacks none = {NULL, NULL, NULL};
		struct envelope_opener *o;

		assert_int_equal(envelope_open_init(&o, g_pk, g_sk, &none), ENVELOPE_OK);
		assert_int_equal(feed(o, env, len, 1), ENVELOPE_OK);
		/* the input has ended: more is misuse, and then sticks */
		assert_int_equal(envelope_open_final(o), ENVELOPE_OK);
		assert_int_equal(envelope_open_update(o, env, 1), ENVELOPE_ERR_STATE);
		assert_int_equal(envelope_open_final(o), ENVELOPE_ERR_STATE);
		envelope_open_free(o);
	}
	envelope_open_free(NULL);
	free(env);
}

/*
 * One opener reused with envelope_open_reset across valid and malformed
 * envelopes (every malformed vector, with its own keys), in pieces and
 * whole, with growing and shrinking manifests and after a stop in the
 * middle: each must give what a fresh opener gives.
 */
static void
test_open_reset(void **state)
{
	json_t *v = testutil_vector("envelopes.json");
	json_t *bad = json_object_get(v, "malformed");
	static const size_t sizes[] = {3, 70000, 0};
	static const size_t many[] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t vpk[32], vsk[32];
	struct envelope_callbacks cb;
	struct envelope_opener *o = NULL;
	struct collect col;
	size_t len1, len2, len3, blen = 3 * ENVELOPE_MIN_PADDED + 5;
	uint8_t *env1 = seal_simple(sizes, 3, &len1);
	uint8_t *env2 = seal_simple(many, 8, &len2);
	uint8_t *env3 = NULL;
	char *big = malloc(blen + 1);
	const char *name;
	json_t *e;

	(void)state;
	/* a manifest larger than the buffer the first ones need */
	assert_non_null(big);
	memset(big, ' ', blen);
	memcpy(big, "{\"attachments\":[]}", 18);
	big[blen] = '\0';
	assert_int_equal(envelope_seal_buffer(&env3, &len3, g_pk, big, blen, NULL, 0), ENVELOPE_OK);
	vector_keys(v, vpk, vsk);
	assert_int_equal(envelope_open_reset(NULL, g_pk, g_sk, NULL), ENVELOPE_ERR_STATE);
	memset(&col, 0, sizeof col);
	cb = (struct envelope_callbacks){collect_manifest, collect_attachment, &col};
	assert_int_equal(envelope_open_init(&o, g_pk, g_sk, &cb), ENVELOPE_OK);
	/* stopped half way: no final, then reused */
	assert_int_equal(envelope_open_update(o, env1, len1 / 2), ENVELOPE_OK);
	for (int round = 0; round < 3; round++) {
		json_object_foreach(bad, name, e)
		{
			size_t len;
			uint8_t *env = testutil_b64u_alloc(json_string_value(e), &len);
			int want = open_with(vpk, vsk, env, len, 0, NULL);

			free(col.manifest);
			memset(&col, 0, sizeof col);
			assert_int_equal(envelope_open_reset(o, vpk, vsk, &cb), ENVELOPE_OK);
			if (feed(o, env, len, round > 0) != want)
				fail_msg("\"%s\" through a reused opener: not %d", name, want);
			assert_false(col.bad_order);
			free(env);

			/* a valid envelope right after, alternating manifest sizes */
			free(col.manifest);
			memset(&col, 0, sizeof col);
			assert_int_equal(envelope_open_reset(o, g_pk, g_sk, &cb), ENVELOPE_OK);
			if (round == 1) {
				assert_int_equal(feed(o, env2, len2, 1), ENVELOPE_OK);
				for (size_t i = 0; i < 8; i++)
					assert_int_equal(col.len[i], many[i]);
			} else if (round == 2 && strlen(name) % 2 == 0) {
				assert_int_equal(feed(o, env3, len3, 1), ENVELOPE_OK);
				assert_int_equal(col.mlen, blen);
				assert_memory_equal(col.manifest, big, blen);
			} else {
				assert_int_equal(feed(o, env1, len1, round > 0), ENVELOPE_OK);
				assert_int_equal(col.len[0], 3);
				assert_int_equal(col.len[1], 70000);
			}
			assert_int_equal(col.manifest_calls, 1);
			assert_false(col.bad_order);
		}
	}
	/* the key given to reset is the one used */
	free(col.manifest);
	memset(&col, 0, sizeof col);
	assert_int_equal(envelope_open_reset(o, vpk, vsk, &cb), ENVELOPE_OK);
	assert_int_equal(feed(o, env1, len1, 0), ENVELOPE_ERR_KEY);
	/* no callbacks */
	assert_int_equal(envelope_open_reset(o, g_pk, g_sk, NULL), ENVELOPE_OK);
	assert_int_equal(feed(o, env2, len2, 0), ENVELOPE_OK);
	free(col.manifest);
	envelope_open_free(o);
	free(env1);
	free(env2);
	free(env3);
	free(big);
	json_decref(v);
}

static void
test_seal_misuse(void **state)
{
	struct envelope_sealer *s = (struct envelope_sealer *)&s;
	struct membuf out = {0};
	uint8_t data[100] = {0};
	uint8_t *env;
	size_t len;
	char *big;

	(void)state;
	/* L below the length prefix, or too large to pad */
	assert_int_equal(envelope_seal_init(&s, g_pk, 0, membuf_sink, &out), ENVELOPE_ERR_STATE);
	assert_null(s);
	assert_int_equal(envelope_seal_init(&s, g_pk, 1, membuf_sink, &out), ENVELOPE_ERR_STATE);
	assert_int_equal(envelope_seal_init(&s, g_pk, 3, membuf_sink, &out), ENVELOPE_ERR_STATE);
	assert_int_equal(envelope_seal_init(&s, g_pk, UINT64_MAX, membuf_sink, &out),
	                 ENVELOPE_ERR_STATE);
	assert_null(s);
	assert_int_equal(out.len, 0);

	/* more than announced, then everything is refused */
	assert_int_equal(envelope_seal_init(&s, g_pk, 10, membuf_sink, &out), ENVELOPE_OK);
	assert_int_equal(out.len, ENVELOPE_HEADER_BYTES);
	assert_int_equal(envelope_seal_update(s, data, 6), ENVELOPE_OK);
	assert_int_equal(envelope_seal_update(s, data, 5), ENVELOPE_ERR_STATE);
	assert_int_equal(envelope_seal_update(s, data, 4), ENVELOPE_ERR_STATE);
	assert_int_equal(envelope_seal_final(s), ENVELOPE_ERR_STATE);
	envelope_seal_free(s);
	/* fewer than announced */
	out.len = 0;
	assert_int_equal(envelope_seal_init(&s, g_pk, 10, membuf_sink, &out), ENVELOPE_OK);
	assert_int_equal(envelope_seal_update(s, data, 9), ENVELOPE_OK);
	assert_int_equal(envelope_seal_final(s), ENVELOPE_ERR_STATE);
	assert_int_equal(envelope_seal_update(s, data, 1), ENVELOPE_ERR_STATE);
	envelope_seal_free(s);
	/* nothing after final */
	out.len = 0;
	assert_int_equal(envelope_seal_init(&s, g_pk, 4, membuf_sink, &out), ENVELOPE_OK);
	assert_int_equal(envelope_seal_update(s, data, 4), ENVELOPE_OK);
	assert_int_equal(envelope_seal_final(s), ENVELOPE_OK);
	assert_int_equal(out.len, 4221);
	assert_int_equal(envelope_seal_update(s, data, 0), ENVELOPE_ERR_STATE);
	assert_int_equal(envelope_seal_final(s), ENVELOPE_ERR_STATE);
	envelope_seal_free(s);
	envelope_seal_free(NULL);
	/* u32be(0) || nothing: a valid stream with an empty (invalid) manifest */
	assert_int_equal(open_env(out.p, out.len, 0), ENVELOPE_ERR_MANIFEST);

	/* a manifest beyond the limit, or beyond what was announced */
	assert_int_equal(
	        envelope_seal_init(&s, g_pk, 4 + ENVELOPE_MANIFEST_MAX + 1, membuf_sink, &out),
	        ENVELOPE_OK);
	big = calloc(1, ENVELOPE_MANIFEST_MAX + 1);
	assert_non_null(big);
	assert_int_equal(envelope_seal_manifest(s, big, ENVELOPE_MANIFEST_MAX + 1),
	                 ENVELOPE_ERR_STATE);
	assert_int_equal(envelope_seal_update(s, data, 1), ENVELOPE_ERR_STATE);
	envelope_seal_free(s);
	assert_int_equal(envelope_seal_init(&s, g_pk, 10, membuf_sink, &out), ENVELOPE_OK);
	assert_int_equal(envelope_seal_manifest(s, "{\"a\":1}", 7), ENVELOPE_ERR_STATE);
	envelope_seal_free(s);
	env = (uint8_t *)big;
	assert_int_equal(
	        envelope_seal_buffer(&env, &len, g_pk, big, ENVELOPE_MANIFEST_MAX + 1, NULL, 0),
	        ENVELOPE_ERR_STATE);
	assert_null(env);
	free(big);

	/* a sink that refuses: the header, a middle chunk, the final chunk */
	out.len = 0;
	out.calls = 0;
	out.fail_at = 1;
	assert_int_equal(envelope_seal_init(&s, g_pk, 10, membuf_sink, &out), ENVELOPE_ERR_SINK);
	assert_null(s);
	big = calloc(1, 3 * ENVELOPE_CHUNK);
	assert_non_null(big);
	out.calls = 0;
	out.fail_at = 3;
	assert_int_equal(envelope_seal_init(&s, g_pk, 3 * ENVELOPE_CHUNK, membuf_sink, &out),
	                 ENVELOPE_OK);
	assert_int_equal(envelope_seal_update(s, (uint8_t *)big, ENVELOPE_CHUNK + 1), ENVELOPE_OK);
	assert_int_equal(envelope_seal_update(s, (uint8_t *)big, ENVELOPE_CHUNK),
	                 ENVELOPE_ERR_SINK);
	assert_int_equal(envelope_seal_update(s, (uint8_t *)big, 1), ENVELOPE_ERR_STATE);
	envelope_seal_free(s);
	out.calls = 0;
	out.fail_at = 2;
	assert_int_equal(envelope_seal_init(&s, g_pk, 100, membuf_sink, &out), ENVELOPE_OK);
	assert_int_equal(envelope_seal_update(s, data, 100), ENVELOPE_OK);
	assert_int_equal(envelope_seal_final(s), ENVELOPE_ERR_SINK);
	assert_int_equal(envelope_seal_final(s), ENVELOPE_ERR_STATE);
	envelope_seal_free(s);
	free(big);
	free(out.p);

	/* a recipient key of small order cannot be sealed to */
	memset(data, 0, 32);
	assert_int_equal(envelope_seal_buffer(&env, &len, data, "{}", 2, NULL, 0),
	                 ENVELOPE_ERR_STATE);
	assert_null(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_padme_vectors),
	        cmocka_unit_test(test_padme_properties),
	        cmocka_unit_test(test_vectors_valid),
	        cmocka_unit_test(test_vectors_malformed),
	        cmocka_unit_test(test_roundtrip_attachment_sizes),
	        cmocka_unit_test(test_roundtrip_unpadded_sizes),
	        cmocka_unit_test(test_every_bit_flip),
	        cmocka_unit_test(test_truncation),
	        cmocka_unit_test(test_appended_bytes),
	        cmocka_unit_test(test_reordered_chunks),
	        cmocka_unit_test(test_wrong_key),
	        cmocka_unit_test(test_tags),
	        cmocka_unit_test(test_manifest_shapes),
	        cmocka_unit_test(test_plaintext_sizes),
	        cmocka_unit_test(test_callbacks),
	        cmocka_unit_test(test_open_reset),
	        cmocka_unit_test(test_seal_misuse),
	};

	if (sodium_init() < 0)
		return 1;
	crypto_box_keypair(g_pk, g_sk);
	return cmocka_run_group_tests_name("envelope", tests, NULL, NULL);
}
