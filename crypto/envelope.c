/* envelope: see envelope.h. */
#include "crypto/envelope.h"

#include <sodium.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"

#define CIPHER_CHUNK  (ENVELOPE_CHUNK + ENVELOPE_CHUNK_OVERHEAD)
#define TAG_MESSAGE   crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL     crypto_secretstream_xchacha20poly1305_TAG_FINAL
#define OFF_KEY       4
#define OFF_SS_HEADER (4 + ENVELOPE_SEALED_KEY_BYTES)

_Static_assert(ENVELOPE_SEALED_KEY_BYTES == crypto_box_SEALBYTES + 32, "sealed key size");
_Static_assert(ENVELOPE_CHUNK_OVERHEAD == crypto_secretstream_xchacha20poly1305_ABYTES,
               "chunk overhead");
_Static_assert(ENVELOPE_HEADER_BYTES ==
                       OFF_SS_HEADER + crypto_secretstream_xchacha20poly1305_HEADERBYTES,
               "header size");
_Static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == 32, "file key size");

const char *
envelope_strerror(int err)
{
	switch (err) {
	case ENVELOPE_OK:
		return "ok";
	case ENVELOPE_ERR_SHORT:
		return "envelope too short";
	case ENVELOPE_ERR_MAGIC:
		return "not an envelope (bad magic)";
	case ENVELOPE_ERR_KEY:
		return "envelope is not sealed to this key";
	case ENVELOPE_ERR_AUTH:
		return "envelope chunk fails authentication";
	case ENVELOPE_ERR_TRUNCATED:
		return "envelope truncated";
	case ENVELOPE_ERR_TAG_MISSING:
		return "envelope final tag missing";
	case ENVELOPE_ERR_TAG_EARLY:
		return "envelope final tag before the end";
	case ENVELOPE_ERR_TRAILING:
		return "bytes after the envelope's final chunk";
	case ENVELOPE_ERR_MANIFEST:
		return "envelope manifest malformed";
	case ENVELOPE_ERR_SIZES:
		return "envelope sizes do not add up";
	case ENVELOPE_ERR_PADDING:
		return "envelope padding not zero";
	case ENVELOPE_ERR_TAG_BAD:
		return "envelope chunk has an unknown tag";
	case ENVELOPE_ERR_NOMEM:
		return "out of memory";
	case ENVELOPE_ERR_SINK:
		return "envelope output refused";
	case ENVELOPE_ERR_STATE:
		return "envelope API misuse";
	default:
		return "unknown envelope error";
	}
}

static unsigned
log2_floor(uint64_t x)
{
	unsigned r = 0;

	while (x >>= 1)
		r++;
	return r;
}

uint64_t
envelope_padme(uint64_t unpadded_len)
{
	uint64_t l = unpadded_len < ENVELOPE_MIN_PADDED ? ENVELOPE_MIN_PADDED : unpadded_len;
	unsigned e = log2_floor(l);
	unsigned s = log2_floor(e) + 1;
	uint64_t mask;

	if (s > e) /* cannot happen for l >= 4096; keeps the shift defined */
		return 0;
	mask = ((uint64_t)1 << (e - s)) - 1;

	if (l > UINT64_MAX - mask)
		return 0;
	return (l + mask) & ~mask;
}

uint64_t
envelope_sealed_size(uint64_t unpadded_len)
{
	uint64_t p = envelope_padme(unpadded_len);
	uint64_t chunks, over;

	if (p == 0)
		return 0;
	chunks = p / ENVELOPE_CHUNK + (p % ENVELOPE_CHUNK != 0);
	over = ENVELOPE_HEADER_BYTES + chunks * ENVELOPE_CHUNK_OVERHEAD;
	if (p > UINT64_MAX - over)
		return 0;
	return p + over;
}

/* ---- sealing ---------------------------------------------------------- */

struct envelope_sealer {
	crypto_secretstream_xchacha20poly1305_state st;
	envelope_sink sink;
	void *ctx;
	uint64_t unpadded; /* L, as announced */
	uint64_t padded;   /* len(P) */
	uint64_t pos;      /* bytes of P taken in so far (pushed or in pbuf) */
	size_t fill;       /* bytes waiting in pbuf */
	int err;
	int done;
	uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t pbuf[ENVELOPE_CHUNK];
	uint8_t cbuf[CIPHER_CHUNK];
};

static int
seal_push(struct envelope_sealer *s, const uint8_t *m, size_t mlen, unsigned char tag)
{
	unsigned long long clen = 0;

	if (crypto_secretstream_xchacha20poly1305_push(&s->st, s->cbuf, &clen, m, mlen, NULL, 0,
	                                               tag) != 0)
		return ENVELOPE_ERR_STATE;
	if (s->sink(s->ctx, s->cbuf, (size_t)clen) != 0)
		return ENVELOPE_ERR_SINK;
	return ENVELOPE_OK;
}

/*
 * Takes len bytes of P (zeros when data is NULL). A full piece is pushed as
 * soon as more of P is known to follow it; the piece that ends P waits for
 * envelope_seal_final, which pushes it with TAG_FINAL.
 */
static int
seal_take(struct envelope_sealer *s, const uint8_t *data, size_t len)
{
	int rc;

	while (len > 0) {
		size_t k;

		if (s->fill == 0 && data != NULL && len >= ENVELOPE_CHUNK &&
		    s->pos + ENVELOPE_CHUNK < s->padded) {
			/* a whole piece straight from the caller's buffer */
			rc = seal_push(s, data, ENVELOPE_CHUNK, TAG_MESSAGE);
			if (rc != ENVELOPE_OK)
				return rc;
			data += ENVELOPE_CHUNK;
			len -= ENVELOPE_CHUNK;
			s->pos += ENVELOPE_CHUNK;
			continue;
		}
		k = ENVELOPE_CHUNK - s->fill;
		if (k > len)
			k = len;
		if (data != NULL) {
			memcpy(s->pbuf + s->fill, data, k);
			data += k;
		} else {
			memset(s->pbuf + s->fill, 0, k);
		}
		s->fill += k;
		s->pos += k;
		len -= k;
		if (s->fill == ENVELOPE_CHUNK && s->pos < s->padded) {
			s->fill = 0;
			rc = seal_push(s, s->pbuf, ENVELOPE_CHUNK, TAG_MESSAGE);
			if (rc != ENVELOPE_OK)
				return rc;
		}
	}
	return ENVELOPE_OK;
}

static int
seal_fail(struct envelope_sealer *s, int err)
{
	if (s->err == ENVELOPE_OK)
		s->err = err;
	sodium_memzero(s->pbuf, sizeof s->pbuf);
	sodium_memzero(&s->st, sizeof s->st);
	return err;
}

int
envelope_seal_init(struct envelope_sealer **out, const uint8_t recipient_pk[32],
                   uint64_t unpadded_len, envelope_sink sink, void *ctx)
{
	uint8_t hdr[ENVELOPE_HEADER_BYTES];
	struct envelope_sealer *s;
	int rc = ENVELOPE_OK;

	*out = NULL;
	if (sink == NULL || unpadded_len < 4 || envelope_sealed_size(unpadded_len) == 0)
		return ENVELOPE_ERR_STATE;
	s = sodium_malloc(sizeof *s);
	if (s == NULL)
		return ENVELOPE_ERR_NOMEM;
	memset(s, 0, sizeof *s);
	s->sink = sink;
	s->ctx = ctx;
	s->unpadded = unpadded_len;
	s->padded = envelope_padme(unpadded_len);

	memcpy(hdr, ENVELOPE_MAGIC, 4);
	crypto_secretstream_xchacha20poly1305_keygen(s->key);
	/* crypto_box_seal fails only for a public key of small order */
	if (crypto_box_seal(hdr + OFF_KEY, s->key, sizeof s->key, recipient_pk) != 0)
		rc = ENVELOPE_ERR_STATE;
	else if (crypto_secretstream_xchacha20poly1305_init_push(&s->st, hdr + OFF_SS_HEADER,
	                                                         s->key) != 0)
		rc = ENVELOPE_ERR_STATE;
	sodium_memzero(s->key, sizeof s->key);
	if (rc == ENVELOPE_OK && sink(ctx, hdr, sizeof hdr) != 0)
		rc = ENVELOPE_ERR_SINK;
	if (rc != ENVELOPE_OK) {
		sodium_free(s);
		return rc;
	}
	*out = s;
	return ENVELOPE_OK;
}

/* True when s may take more: not NULL, not failed, not finished. */
static int
sealer_usable(const struct envelope_sealer *s)
{
	return s != NULL && s->err == ENVELOPE_OK && !s->done;
}

int
envelope_seal_update(struct envelope_sealer *s, const uint8_t *data, size_t len)
{
	int rc;

	if (!sealer_usable(s))
		return ENVELOPE_ERR_STATE;
	if ((uint64_t)len > s->unpadded - s->pos)
		return seal_fail(s, ENVELOPE_ERR_STATE);
	rc = seal_take(s, data, len);
	if (rc != ENVELOPE_OK)
		return seal_fail(s, rc);
	return ENVELOPE_OK;
}

int
envelope_seal_manifest(struct envelope_sealer *s, const char *manifest, size_t mlen)
{
	uint8_t lenbuf[4];
	int rc;

	if (!sealer_usable(s))
		return ENVELOPE_ERR_STATE;
	if (mlen > ENVELOPE_MANIFEST_MAX || (uint64_t)mlen + 4 > s->unpadded - s->pos)
		return seal_fail(s, ENVELOPE_ERR_STATE);
	codec_u32be_put(lenbuf, (uint32_t)mlen);
	rc = envelope_seal_update(s, lenbuf, sizeof lenbuf);
	if (rc != ENVELOPE_OK)
		return rc;
	return envelope_seal_update(s, (const uint8_t *)manifest, mlen);
}

int
envelope_seal_final(struct envelope_sealer *s)
{
	int rc;

	if (!sealer_usable(s))
		return ENVELOPE_ERR_STATE;
	if (s->pos != s->unpadded)
		return seal_fail(s, ENVELOPE_ERR_STATE);
	while (s->pos < s->padded) {
		uint64_t pad = s->padded - s->pos;
		size_t k = pad > ENVELOPE_CHUNK ? ENVELOPE_CHUNK : (size_t)pad;

		rc = seal_take(s, NULL, k);
		if (rc != ENVELOPE_OK)
			return seal_fail(s, rc);
	}
	/* P is never empty, so the piece that ends it is waiting in pbuf */
	rc = seal_push(s, s->pbuf, s->fill, TAG_FINAL);
	sodium_memzero(s->pbuf, sizeof s->pbuf);
	sodium_memzero(&s->st, sizeof s->st);
	s->fill = 0;
	if (rc != ENVELOPE_OK)
		return seal_fail(s, rc);
	s->done = 1;
	return ENVELOPE_OK;
}

void
envelope_seal_free(struct envelope_sealer *s)
{
	/* sodium_free wipes the whole region */
	if (s != NULL)
		sodium_free(s);
}

int
envelope_outbuf_sink(void *ctx, const uint8_t *data, size_t len)
{
	struct envelope_outbuf *b = ctx;

	if (len > b->cap - b->len)
		return -1;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

int
envelope_seal_buffer(uint8_t **out, size_t *outlen, const uint8_t recipient_pk[32],
                     const char *manifest, size_t mlen, const struct envelope_blob *atts,
                     size_t natts)
{
	struct envelope_sealer *s = NULL;
	struct envelope_outbuf b = {NULL, 0, 0};
	uint64_t l = 4, total;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (mlen > ENVELOPE_MANIFEST_MAX || natts > ENVELOPE_ATTACHMENTS_MAX)
		return ENVELOPE_ERR_STATE;
	l += mlen;
	for (size_t i = 0; i < natts; i++) {
		if ((uint64_t)atts[i].len > UINT64_MAX - l)
			return ENVELOPE_ERR_STATE;
		l += atts[i].len;
	}
	total = envelope_sealed_size(l);
	if (total == 0)
		return ENVELOPE_ERR_STATE;
	if (total > SIZE_MAX)
		return ENVELOPE_ERR_NOMEM;
	b.cap = (size_t)total;
	b.p = malloc(b.cap);
	if (b.p == NULL)
		return ENVELOPE_ERR_NOMEM;

	rc = envelope_seal_init(&s, recipient_pk, l, envelope_outbuf_sink, &b);
	if (rc == ENVELOPE_OK)
		rc = envelope_seal_manifest(s, manifest, mlen);
	for (size_t i = 0; i < natts && rc == ENVELOPE_OK; i++)
		rc = envelope_seal_update(s, atts[i].data, atts[i].len);
	if (rc == ENVELOPE_OK)
		rc = envelope_seal_final(s);
	envelope_seal_free(s);
	if (rc == ENVELOPE_OK && b.len != b.cap)
		rc = ENVELOPE_ERR_STATE;
	if (rc != ENVELOPE_OK) {
		free(b.p);
		return rc;
	}
	*out = b.p;
	*outlen = b.len;
	return ENVELOPE_OK;
}

/* ---- opening ---------------------------------------------------------- */

/*
 * The opener runs two layers. The stream layer cuts the ciphertext into
 * header and chunks and authenticates them; the content layer reads the
 * plaintext P as length, manifest, attachments and padding. Errors are
 * reported in stream order, with one rule for the end: whether len(P) agrees
 * with the manifest (ENVELOPE_ERR_SIZES) is only judged once the stream layer
 * has found the end of P (a final chunk with nothing after it), because
 * until then len(P) is not known. So an envelope whose stream is cut or
 * mis-tagged reports that, even if its plaintext also disagrees with its
 * manifest.
 */
enum open_stage {
	OPEN_HEADER,      /* collecting the 108-byte header */
	OPEN_CHUNKS,      /* collecting chunks */
	OPEN_AFTER_FINAL, /* a final chunk was seen; anything more is an error */
	OPEN_DONE         /* envelope_open_final returned ENVELOPE_OK */
};

enum content_stage {
	CONTENT_LENGTH,   /* u32be(len(M)) */
	CONTENT_MANIFEST, /* M */
	CONTENT_ATTACH,   /* attachment bytes */
	CONTENT_PAD       /* zero padding (and anything beyond the expected P) */
};

struct envelope_opener {
	crypto_secretstream_xchacha20poly1305_state st;
	crypto_secretstream_xchacha20poly1305_state st_try;
	struct envelope_callbacks cb;
	uint64_t p_len;    /* plaintext bytes authenticated and read so far */
	uint64_t expected; /* len(P) the manifest implies (once known) */
	uint64_t att_left; /* bytes still due for attachment att_idx */
	uint64_t *att_size;
	size_t natts;
	size_t att_idx;
	uint64_t chunks; /* chunks authenticated */
	char *mbuf;      /* the manifest (sodium_malloc'd, kept for reuse; wiped when done) */
	size_t mcap;     /* bytes allocated at mbuf */
	size_t mlen;
	size_t mfill;
	size_t pdirty; /* bytes of pbuf that may hold plaintext since it was last wiped */
	size_t lfill;
	size_t hfill;
	size_t clen; /* bytes waiting in cbuf */
	int stage;
	int cstage;
	int err;
	uint8_t pk[crypto_box_PUBLICKEYBYTES];
	uint8_t sk[crypto_box_SECRETKEYBYTES];
	uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t lenbuf[4];
	uint8_t hdr[ENVELOPE_HEADER_BYTES];
	uint8_t cbuf[CIPHER_CHUNK];
	uint8_t pbuf[ENVELOPE_CHUNK];
};

/* Sets up o (all zero but for its manifest buffer) to open an envelope. */
static void
open_start(struct envelope_opener *o, const uint8_t pk[32], const uint8_t sk[32],
           const struct envelope_callbacks *cb)
{
	memcpy(o->pk, pk, sizeof o->pk);
	memcpy(o->sk, sk, sizeof o->sk);
	if (cb != NULL)
		o->cb = *cb;
	o->stage = OPEN_HEADER;
	o->cstage = CONTENT_LENGTH;
}

int
envelope_open_init(struct envelope_opener **out, const uint8_t pk[32], const uint8_t sk[32],
                   const struct envelope_callbacks *cb)
{
	struct envelope_opener *o;

	*out = NULL;
	o = sodium_malloc(sizeof *o);
	if (o == NULL)
		return ENVELOPE_ERR_NOMEM;
	memset(o, 0, sizeof *o);
	open_start(o, pk, sk, cb);
	*out = o;
	return ENVELOPE_OK;
}

/*
 * Drops every secret the opener holds; the opener is of no further use
 * until envelope_open_reset. The manifest buffer stays allocated, wiped.
 */
static void
open_wipe(struct envelope_opener *o)
{
	if (o->mbuf != NULL)
		sodium_memzero(o->mbuf, o->mfill);
	sodium_memzero(o->sk, sizeof o->sk);
	sodium_memzero(o->key, sizeof o->key);
	sodium_memzero(&o->st, sizeof o->st);
	sodium_memzero(&o->st_try, sizeof o->st_try);
	sodium_memzero(o->lenbuf, sizeof o->lenbuf);
	sodium_memzero(o->pbuf, o->pdirty);
	o->pdirty = 0;
}

static int
open_fail(struct envelope_opener *o, int err)
{
	if (o->err == ENVELOPE_OK) {
		o->err = err;
		open_wipe(o);
	}
	return o->err;
}

static int
open_header(struct envelope_opener *o)
{
	int rc = ENVELOPE_OK;

	if (crypto_box_seal_open(o->key, o->hdr + OFF_KEY, ENVELOPE_SEALED_KEY_BYTES, o->pk,
	                         o->sk) != 0)
		rc = ENVELOPE_ERR_KEY;
	else if (crypto_secretstream_xchacha20poly1305_init_pull(&o->st, o->hdr + OFF_SS_HEADER,
	                                                         o->key) != 0)
		rc = ENVELOPE_ERR_AUTH;
	/* the stream state carries on; neither key is needed again */
	sodium_memzero(o->key, sizeof o->key);
	sodium_memzero(o->sk, sizeof o->sk);
	return rc;
}

static void
open_next_attachment(struct envelope_opener *o)
{
	while (o->att_idx < o->natts && o->att_size[o->att_idx] == 0)
		o->att_idx++;
	if (o->att_idx < o->natts) {
		o->att_left = o->att_size[o->att_idx];
		o->cstage = CONTENT_ATTACH;
	} else {
		o->cstage = CONTENT_PAD;
	}
}

/* Checks the parsed manifest's shape and works out the expected len(P). */
static int
open_manifest_sizes(struct envelope_opener *o, const json_t *m)
{
	const json_t *atts;
	uint64_t sum = 0, l;
	size_t n = 0;
	int overflow = 0;

	if (!json_is_object(m))
		return ENVELOPE_ERR_MANIFEST;
	atts = json_object_get(m, "attachments");
	if (atts != NULL) {
		if (!json_is_array(atts))
			return ENVELOPE_ERR_MANIFEST;
		n = json_array_size(atts);
		if (n > ENVELOPE_ATTACHMENTS_MAX)
			return ENVELOPE_ERR_MANIFEST;
	}
	if (n > 0) {
		o->att_size = calloc(n, sizeof *o->att_size);
		if (o->att_size == NULL)
			return ENVELOPE_ERR_NOMEM;
	}
	o->natts = n;
	for (size_t i = 0; i < n; i++) {
		const json_t *a = json_array_get(atts, i);
		const json_t *size = json_object_get(a, "size");
		json_int_t v;

		if (!json_is_object(a) || !json_is_integer(size))
			return ENVELOPE_ERR_MANIFEST;
		v = json_integer_value(size);
		if (v < 0)
			return ENVELOPE_ERR_MANIFEST;
		o->att_size[i] = (uint64_t)v;
		if (o->att_size[i] > UINT64_MAX - sum)
			overflow = 1;
		else
			sum += o->att_size[i];
	}
	l = 4 + (uint64_t)o->mlen;
	if (overflow || sum > UINT64_MAX - l)
		return ENVELOPE_ERR_SIZES;
	o->expected = envelope_padme(l + sum);
	if (o->expected == 0)
		return ENVELOPE_ERR_SIZES;
	return ENVELOPE_OK;
}

static int
open_manifest_done(struct envelope_opener *o)
{
	json_error_t jerr;
	json_t *m;
	int rc;

	m = json_loadb(o->mbuf, o->mlen, JSON_REJECT_DUPLICATES, &jerr);
	/* the error text may quote manifest bytes */
	sodium_memzero(&jerr, sizeof jerr);
	if (m == NULL)
		return ENVELOPE_ERR_MANIFEST;
	rc = open_manifest_sizes(o, m);
	if (rc == ENVELOPE_OK && o->cb.manifest != NULL &&
	    o->cb.manifest(o->cb.ctx, o->mbuf, o->mlen, m) != 0)
		rc = ENVELOPE_ERR_SINK;
	json_decref(m);
	/* the buffer is kept for the next envelope (envelope_open_reset) */
	sodium_memzero(o->mbuf, o->mlen);
	if (rc == ENVELOPE_OK)
		open_next_attachment(o);
	return rc;
}

/*
 * Makes mbuf hold at least n bytes (a fresh sodium_malloc'd buffer when the
 * one kept from an earlier envelope is too small; the old one is wiped and
 * freed). Returns ENVELOPE_OK or ENVELOPE_ERR_NOMEM.
 */
static int
open_mbuf_reserve(struct envelope_opener *o, size_t n)
{
	size_t cap;

	if (o->mbuf != NULL && o->mcap >= n)
		return ENVELOPE_OK;
	if (o->mbuf != NULL)
		sodium_free(o->mbuf); /* wipes */
	o->mbuf = NULL;
	o->mcap = 0;
	/* whole pages: sodium_malloc takes them anyway; n <= ENVELOPE_MANIFEST_MAX + 1 */
	cap = (n + 4095) & ~(size_t)4095;
	o->mbuf = sodium_malloc(cap);
	if (o->mbuf == NULL)
		return ENVELOPE_ERR_NOMEM;
	o->mcap = cap;
	return ENVELOPE_OK;
}

/* Reads authenticated plaintext: length, manifest, attachments, padding. */
static int
open_content(struct envelope_opener *o, const uint8_t *p, size_t n)
{
	int rc;

	while (n > 0) {
		size_t k = n;

		switch (o->cstage) {
		case CONTENT_LENGTH:
			if (k > 4 - o->lfill)
				k = 4 - o->lfill;
			memcpy(o->lenbuf + o->lfill, p, k);
			o->lfill += k;
			if (o->lfill == 4) {
				uint32_t mlen = codec_u32be_get(o->lenbuf);

				if (mlen > ENVELOPE_MANIFEST_MAX)
					return ENVELOPE_ERR_MANIFEST;
				o->mlen = mlen;
				if (open_mbuf_reserve(o, o->mlen + 1) != ENVELOPE_OK)
					return ENVELOPE_ERR_NOMEM;
				o->mbuf[o->mlen] = '\0';
				o->cstage = CONTENT_MANIFEST;
				if (o->mlen == 0 && (rc = open_manifest_done(o)) != ENVELOPE_OK)
					return rc;
			}
			break;
		case CONTENT_MANIFEST:
			if (k > o->mlen - o->mfill)
				k = o->mlen - o->mfill;
			memcpy(o->mbuf + o->mfill, p, k);
			o->mfill += k;
			if (o->mfill == o->mlen && (rc = open_manifest_done(o)) != ENVELOPE_OK)
				return rc;
			break;
		case CONTENT_ATTACH:
			if (k > o->att_left)
				k = (size_t)o->att_left;
			if (o->cb.attachment != NULL &&
			    o->cb.attachment(o->cb.ctx, o->att_idx, p, k) != 0)
				return ENVELOPE_ERR_SINK;
			o->att_left -= k;
			if (o->att_left == 0) {
				o->att_idx++;
				open_next_attachment(o);
			}
			break;
		default: /* CONTENT_PAD */
			if (o->p_len < o->expected) {
				if (k > o->expected - o->p_len)
					k = (size_t)(o->expected - o->p_len);
				if (!sodium_is_zero(p, k))
					return ENVELOPE_ERR_PADDING;
			}
			/* bytes beyond the expected P: judged at the end (SIZES) */
			break;
		}
		p += k;
		n -= k;
		o->p_len += k;
	}
	return ENVELOPE_OK;
}

/* Handles the plaintext of a chunk just authenticated (in pbuf). */
static int
open_plain(struct envelope_opener *o, size_t mlen, unsigned char tag)
{
	int rc;

	o->chunks++;
	if (tag != TAG_MESSAGE && tag != TAG_FINAL)
		rc = ENVELOPE_ERR_TAG_BAD;
	else if (tag == TAG_MESSAGE && mlen < ENVELOPE_CHUNK)
		/* only the piece that ends P is short, and it must be final */
		rc = ENVELOPE_ERR_TAG_MISSING;
	else
		rc = open_content(o, o->pbuf, mlen);
	sodium_memzero(o->pbuf, mlen);
	if (rc == ENVELOPE_OK && tag == TAG_FINAL)
		o->stage = OPEN_AFTER_FINAL;
	return rc;
}

/* Authenticates and decrypts chunk c into o->pbuf with stream state st. */
static int
open_pull(struct envelope_opener *o, crypto_secretstream_xchacha20poly1305_state *st, size_t *mlen,
          unsigned char *tag, const uint8_t *c, size_t clen)
{
	unsigned long long ml = 0;

	if (clen < ENVELOPE_CHUNK_OVERHEAD || clen > CIPHER_CHUNK)
		return -1;
	if (clen - ENVELOPE_CHUNK_OVERHEAD > o->pdirty)
		o->pdirty = clen - ENVELOPE_CHUNK_OVERHEAD;
	if (crypto_secretstream_xchacha20poly1305_pull(st, o->pbuf, &ml, tag, c, clen, NULL, 0) !=
	    0)
		return -1;
	*mlen = (size_t)ml;
	return 0;
}

static int
open_chunk(struct envelope_opener *o, const uint8_t *c, size_t clen)
{
	unsigned char tag = 0;
	size_t mlen = 0;

	if (open_pull(o, &o->st, &mlen, &tag, c, clen) != 0)
		return ENVELOPE_ERR_AUTH;
	return open_plain(o, mlen, tag);
}

/*
 * The longest plaintext m (0 < m < avail) for a final chunk after prev bytes
 * of P such that prev + m is a padded length (>= 4096 and a fixed point of
 * Padmé, hence a multiple of 256): where a well-formed final chunk can end.
 * 0 if there is none.
 */
static size_t
open_grid_end(uint64_t prev, size_t avail)
{
	uint64_t m;

	if (avail < 2)
		return 0;
	/* prev is a multiple of ENVELOPE_CHUNK, so steps of 256 stay on the grid */
	for (m = (uint64_t)(avail - 1) & ~(uint64_t)255; m > 0; m -= 256) {
		uint64_t p = prev + m;

		if (p >= ENVELOPE_MIN_PADDED && envelope_padme(p) == p)
			return (size_t)m;
	}
	return 0;
}

/*
 * The input has ended inside OPEN_CHUNKS with clen (>= 17) bytes left: they
 * are the last chunk. If they do not authenticate but a shorter prefix that
 * ends where a final chunk can end (open_grid_end) is an authentic final
 * chunk, the rest was appended: ENVELOPE_ERR_TRAILING rather than _AUTH.
 */
static int
open_tail(struct envelope_opener *o)
{
	size_t clen = o->clen, mlen = 0, m;
	unsigned char tag = 0;
	int rc = ENVELOPE_ERR_AUTH;

	o->clen = 0;
	memcpy(&o->st_try, &o->st, sizeof o->st);
	if (open_pull(o, &o->st, &mlen, &tag, o->cbuf, clen) == 0)
		return open_plain(o, mlen, tag);
	m = open_grid_end(o->p_len, clen - ENVELOPE_CHUNK_OVERHEAD);
	if (m > 0 &&
	    open_pull(o, &o->st_try, &mlen, &tag, o->cbuf, m + ENVELOPE_CHUNK_OVERHEAD) == 0) {
		sodium_memzero(o->pbuf, mlen);
		if (tag == TAG_FINAL)
			rc = ENVELOPE_ERR_TRAILING;
	}
	sodium_memzero(&o->st_try, sizeof o->st_try);
	return rc;
}

/*
 * Bytes follow a final chunk. If they authenticate as the stream's next
 * chunk, the sealer put TAG_FINAL too early; otherwise they are trailing
 * bytes.
 */
static int
open_after_final(struct envelope_opener *o)
{
	size_t clen = o->clen, mlen = 0;
	unsigned char tag = 0;

	o->clen = 0;
	if (open_pull(o, &o->st, &mlen, &tag, o->cbuf, clen) == 0) {
		sodium_memzero(o->pbuf, mlen);
		return ENVELOPE_ERR_TAG_EARLY;
	}
	return ENVELOPE_ERR_TRAILING;
}

/* Moves what fits of data[0..*len) into buf (cap bytes, *fill used); advances data. Cannot fail. */
static void
take(uint8_t *buf, size_t cap, size_t *fill, const uint8_t **data, size_t *len)
{
	size_t k = cap - *fill < *len ? cap - *fill : *len;

	memcpy(buf + *fill, *data, k);
	*fill += k;
	*data += k;
	*len -= k;
}

/* ENVELOPE_ERR_STATE for no opener, the error o failed with, or ENVELOPE_OK. */
static int
opener_error(const struct envelope_opener *o)
{
	return o == NULL ? ENVELOPE_ERR_STATE : o->err;
}

int
envelope_open_update(struct envelope_opener *o, const uint8_t *data, size_t len)
{
	int rc;

	rc = opener_error(o);
	if (rc != ENVELOPE_OK)
		return rc;
	if (o->stage == OPEN_DONE)
		return open_fail(o, ENVELOPE_ERR_STATE);
	while (len > 0) {
		if (o->stage == OPEN_HEADER) {
			take(o->hdr, ENVELOPE_HEADER_BYTES, &o->hfill, &data, &len);
			if (o->hfill >= 4 && memcmp(o->hdr, ENVELOPE_MAGIC, 4) != 0)
				return open_fail(o, ENVELOPE_ERR_MAGIC);
			if (o->hfill == ENVELOPE_HEADER_BYTES) {
				rc = open_header(o);
				if (rc != ENVELOPE_OK)
					return open_fail(o, rc);
				o->stage = OPEN_CHUNKS;
			}
			continue;
		}
		if (o->stage == OPEN_CHUNKS && o->clen == 0 && len >= CIPHER_CHUNK) {
			/* a whole chunk straight from the caller's buffer */
			rc = open_chunk(o, data, CIPHER_CHUNK);
			if (rc != ENVELOPE_OK)
				return open_fail(o, rc);
			data += CIPHER_CHUNK;
			len -= CIPHER_CHUNK;
			continue;
		}
		take(o->cbuf, CIPHER_CHUNK, &o->clen, &data, &len);
		if (o->clen == CIPHER_CHUNK) {
			if (o->stage == OPEN_AFTER_FINAL)
				return open_fail(o, open_after_final(o));
			o->clen = 0;
			rc = open_chunk(o, o->cbuf, CIPHER_CHUNK);
			if (rc != ENVELOPE_OK)
				return open_fail(o, rc);
		}
	}
	return ENVELOPE_OK;
}

int
envelope_open_final(struct envelope_opener *o)
{
	int rc;

	rc = opener_error(o);
	if (rc != ENVELOPE_OK)
		return rc;
	if (o->stage == OPEN_DONE)
		return ENVELOPE_OK;
	if (o->stage == OPEN_HEADER)
		return open_fail(o, ENVELOPE_ERR_SHORT);
	if (o->stage == OPEN_CHUNKS) {
		if (o->chunks == 0 && o->clen < ENVELOPE_CHUNK_OVERHEAD)
			return open_fail(o, ENVELOPE_ERR_SHORT);
		if (o->clen == 0) {
			/* the input ended after a full chunk that was not final */
			if (o->expected != 0 && o->p_len == o->expected)
				return open_fail(o, ENVELOPE_ERR_TAG_MISSING);
			return open_fail(o, ENVELOPE_ERR_TRUNCATED);
		}
		if (o->clen < ENVELOPE_CHUNK_OVERHEAD)
			return open_fail(o, ENVELOPE_ERR_TRUNCATED);
		rc = open_tail(o);
		if (rc != ENVELOPE_OK)
			return open_fail(o, rc);
		if (o->stage != OPEN_AFTER_FINAL) /* open_plain rejects a short non-final chunk */
			return open_fail(o, ENVELOPE_ERR_TAG_MISSING);
	}
	if (o->clen > 0)
		return open_fail(o, open_after_final(o));
	/* the stream is whole: now len(P) is known and must be what M implies */
	if (o->cstage != CONTENT_PAD || o->p_len != o->expected)
		return open_fail(o, ENVELOPE_ERR_SIZES);
	open_wipe(o);
	o->stage = OPEN_DONE;
	return ENVELOPE_OK;
}

int
envelope_open_reset(struct envelope_opener *o, const uint8_t pk[32], const uint8_t sk[32],
                    const struct envelope_callbacks *cb)
{
	char *mbuf;
	size_t mcap;

	if (o == NULL)
		return ENVELOPE_ERR_STATE;
	open_wipe(o);
	if (o->att_size != NULL) {
		sodium_memzero(o->att_size, o->natts * sizeof *o->att_size);
		free(o->att_size);
	}
	/* everything but the two buffers is small: clear it whole */
	mbuf = o->mbuf;
	mcap = o->mcap;
	memset(o, 0, offsetof(struct envelope_opener, cbuf));
	o->mbuf = mbuf;
	o->mcap = mcap;
	open_start(o, pk, sk, cb);
	return ENVELOPE_OK;
}

void
envelope_open_free(struct envelope_opener *o)
{
	if (o == NULL)
		return;
	if (o->mbuf != NULL)
		sodium_free(o->mbuf);
	if (o->att_size != NULL) {
		sodium_memzero(o->att_size, o->natts * sizeof *o->att_size);
		free(o->att_size);
	}
	/* sodium_free wipes the whole region */
	sodium_free(o);
}

/* ---- whole envelopes in memory ---------------------------------------- */

struct contents_ctx {
	struct envelope_contents *c;
	size_t *cap;    /* declared size of each attachment */
	size_t env_len; /* an upper bound for the sum of attachment sizes */
	int nomem;
	int discard; /* sizes cannot fit: the open will fail; keep nothing */
};

static int
contents_manifest(void *vctx, const char *json, size_t len, const json_t *parsed)
{
	struct contents_ctx *x = vctx;
	struct envelope_contents *c = x->c;
	const json_t *atts = json_object_get(parsed, "attachments");
	size_t n = json_array_size(atts);
	uint64_t sum = 0;

	c->manifest = sodium_malloc(len + 1);
	c->parsed = json_deep_copy(parsed);
	if (c->manifest == NULL || c->parsed == NULL)
		goto nomem;
	memcpy(c->manifest, json, len);
	c->manifest[len] = '\0';
	c->manifest_len = len;

	/* the opener has checked each size is an integer >= 0 */
	for (size_t i = 0; i < n; i++) {
		uint64_t v = (uint64_t)json_integer_value(
		        json_object_get(json_array_get(atts, i), "size"));
		if (v > x->env_len - sum) {
			/* more than the envelope can hold: it will be rejected */
			x->discard = 1;
			return 0;
		}
		sum += v;
	}
	c->att = calloc(n ? n : 1, sizeof *c->att);
	c->att_len = calloc(n ? n : 1, sizeof *c->att_len);
	x->cap = calloc(n ? n : 1, sizeof *x->cap);
	if (c->att == NULL || c->att_len == NULL || x->cap == NULL)
		goto nomem;
	c->natts = n;
	for (size_t i = 0; i < n; i++) {
		size_t v = (size_t)json_integer_value(
		        json_object_get(json_array_get(atts, i), "size"));

		c->att[i] = sodium_malloc(v ? v : 1);
		if (c->att[i] == NULL)
			goto nomem;
		x->cap[i] = v;
	}
	return 0;
nomem:
	x->nomem = 1;
	return -1;
}

static int
contents_attachment(void *vctx, size_t index, const uint8_t *data, size_t len)
{
	struct contents_ctx *x = vctx;
	struct envelope_contents *c = x->c;

	if (x->discard)
		return 0;
	if (index >= c->natts || len > x->cap[index] - c->att_len[index])
		return -1;
	memcpy(c->att[index] + c->att_len[index], data, len);
	c->att_len[index] += len;
	return 0;
}

int
envelope_open_buffer(struct envelope_contents *c, const uint8_t pk[32], const uint8_t sk[32],
                     const uint8_t *env, size_t len)
{
	struct contents_ctx x = {c, NULL, len, 0, 0};
	struct envelope_callbacks cb = {contents_manifest, contents_attachment, &x};
	struct envelope_opener *o = NULL;
	int rc;

	memset(c, 0, sizeof *c);
	rc = envelope_open_init(&o, pk, sk, &cb);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_update(o, env, len);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_final(o);
	envelope_open_free(o);
	if (rc == ENVELOPE_ERR_SINK && x.nomem)
		rc = ENVELOPE_ERR_NOMEM;
	if (rc == ENVELOPE_OK && (x.discard || c->manifest == NULL))
		rc = ENVELOPE_ERR_STATE; /* cannot happen: the opener checked the sizes */
	free(x.cap);
	if (rc != ENVELOPE_OK)
		envelope_contents_free(c);
	return rc;
}

void
envelope_contents_free(struct envelope_contents *c)
{
	if (c == NULL)
		return;
	if (c->att != NULL) {
		for (size_t i = 0; i < c->natts; i++)
			if (c->att[i] != NULL)
				sodium_free(c->att[i]); /* wipes */
		free(c->att);
	}
	free(c->att_len);
	if (c->manifest != NULL)
		sodium_free(c->manifest); /* wipes */
	json_decref(c->parsed);
	memset(c, 0, sizeof *c);
}
