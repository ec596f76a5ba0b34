/*
 * envelope: the one container for all report, follow-up and reply content
 * (DESIGN.md §6). An envelope is
 *   "QFE1" || crypto_box_seal(file_key, recipient) || secretstream header ||
 *   chunks of 65536 plaintext bytes, each +17 bytes, TAG_FINAL on the last
 * over the plaintext P = u32be(len(M)) || M || attachments || zero padding
 * to padme(max(L, 4096)). Sealing and opening both stream: neither ever
 * holds more than one chunk of plaintext, so a 16 MiB envelope never needs
 * two copies in memory. Plaintext buffers are sodium_malloc'd and wiped.
 */
#ifndef QF_CRYPTO_ENVELOPE_H
#define QF_CRYPTO_ENVELOPE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define ENVELOPE_MAGIC            "QFE1"
#define ENVELOPE_SEALED_KEY_BYTES 80 /* crypto_box_SEALBYTES + 32 */
#define ENVELOPE_HEADER_BYTES     (4 + ENVELOPE_SEALED_KEY_BYTES + 24)
#define ENVELOPE_CHUNK            65536
#define ENVELOPE_CHUNK_OVERHEAD   17
#define ENVELOPE_MIN_PADDED       4096
/*
 * Largest manifest and most attachments (DESIGN.md §6): an envelope whose
 * manifest is longer or lists more is malformed; the opener refuses it
 * (ENVELOPE_ERR_MANIFEST) and the sealer will not make one.
 */
#define ENVELOPE_MANIFEST_MAX    (1u << 20)
#define ENVELOPE_ATTACHMENTS_MAX 100

enum envelope_err {
	ENVELOPE_OK = 0,
	ENVELOPE_ERR_SHORT = -1,       /* fewer bytes than a header and one chunk */
	ENVELOPE_ERR_MAGIC = -2,       /* does not start with "QFE1" */
	ENVELOPE_ERR_KEY = -3,         /* sealed file key does not open with this key pair */
	ENVELOPE_ERR_AUTH = -4,        /* a chunk fails authentication (altered, reordered) */
	ENVELOPE_ERR_TRUNCATED = -5,   /* input ended before the plaintext was complete */
	ENVELOPE_ERR_TAG_MISSING = -6, /* plaintext complete but the last chunk is not final */
	ENVELOPE_ERR_TAG_EARLY = -7,   /* TAG_FINAL on a chunk that is followed by more */
	ENVELOPE_ERR_TRAILING = -8,    /* bytes after the final chunk */
	ENVELOPE_ERR_MANIFEST = -9,    /* manifest is not a JSON object of the right shape */
	ENVELOPE_ERR_SIZES = -10,      /* manifest/attachment sizes do not add up to P */
	ENVELOPE_ERR_PADDING = -11,    /* non-zero padding byte */
	ENVELOPE_ERR_TAG_BAD = -12,    /* a chunk tag other than MESSAGE or FINAL */
	ENVELOPE_ERR_NOMEM = -13,      /* allocation failed */
	ENVELOPE_ERR_SINK = -14,       /* a callback or sink asked to stop */
	ENVELOPE_ERR_STATE = -15       /* misuse: wrong length sealed, call after an error */
};

/* Human message for an error code. Never NULL. */
const char *envelope_strerror(int err);

/*
 * Padmé of max(L, 4096): the padded plaintext length for L unpadded bytes.
 * Returns 0 when the result would not fit in 64 bits.
 */
uint64_t envelope_padme(uint64_t unpadded_len);

/*
 * Total envelope size for L unpadded plaintext bytes (header, padded
 * plaintext and 17 bytes per chunk). Returns 0 on overflow.
 */
uint64_t envelope_sealed_size(uint64_t unpadded_len);

/* Receives output bytes. Returns 0 to go on, non-zero to stop. */
typedef int (*envelope_sink)(void *ctx, const uint8_t *data, size_t len);

/* A buffer of cap bytes at p, len of them written: the ctx of envelope_outbuf_sink. */
struct envelope_outbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

/*
 * The sink that appends to the struct envelope_outbuf ctx. Returns 0, or -1
 * (nothing written) when the bytes would go past cap.
 */
int envelope_outbuf_sink(void *ctx, const uint8_t *data, size_t len);

/* ---- sealing ---------------------------------------------------------- */

struct envelope_sealer;

/*
 * Starts an envelope to recipient_pk whose unpadded plaintext (u32be length,
 * manifest, attachments) will be exactly unpadded_len bytes, and writes the
 * 108-byte header to sink. Returns ENVELOPE_OK with *out set, or
 * ENVELOPE_ERR_NOMEM, ENVELOPE_ERR_SINK, or ENVELOPE_ERR_STATE when
 * unpadded_len is below 4 or its padded size overflows.
 */
int envelope_seal_init(struct envelope_sealer **out, const uint8_t recipient_pk[32],
                       uint64_t unpadded_len, envelope_sink sink, void *ctx);

/*
 * Adds plaintext bytes; full chunks go to the sink as they fill. Returns
 * ENVELOPE_OK, ENVELOPE_ERR_SINK, or ENVELOPE_ERR_STATE when more bytes are
 * given than announced or after an earlier error.
 */
int envelope_seal_update(struct envelope_sealer *s, const uint8_t *data, size_t len);

/*
 * Writes u32be(mlen) || manifest: a shorthand for two envelope_seal_update
 * calls. Returns as envelope_seal_update, or ENVELOPE_ERR_STATE when mlen
 * exceeds ENVELOPE_MANIFEST_MAX.
 */
int envelope_seal_manifest(struct envelope_sealer *s, const char *manifest, size_t mlen);

/*
 * Adds the zero padding and the final chunk. Returns ENVELOPE_OK,
 * ENVELOPE_ERR_SINK, or ENVELOPE_ERR_STATE when fewer bytes than announced
 * were given.
 */
int envelope_seal_final(struct envelope_sealer *s);

/* Wipes and frees a sealer; NULL is fine. Cannot fail. */
void envelope_seal_free(struct envelope_sealer *s);

/* One attachment held in memory. */
struct envelope_blob {
	const uint8_t *data;
	size_t len;
};

/*
 * Seals manifest and attachments (in manifest order) into a new malloc'd
 * buffer. The caller has written the attachments' sizes into the manifest.
 * Returns ENVELOPE_OK with *out and *outlen set, or ENVELOPE_ERR_NOMEM /
 * ENVELOPE_ERR_STATE (manifest too large, more than ENVELOPE_ATTACHMENTS_MAX
 * attachments) with *out NULL.
 */
int envelope_seal_buffer(uint8_t **out, size_t *outlen, const uint8_t recipient_pk[32],
                         const char *manifest, size_t mlen, const struct envelope_blob *atts,
                         size_t natts);

/* ---- opening ---------------------------------------------------------- */

/*
 * What the opener hands back as it authenticates chunks. Data is authentic
 * when delivered, but the envelope as a whole is valid only if
 * envelope_open_final returns ENVELOPE_OK: on any error the caller discards
 * everything it was given.
 */
struct envelope_callbacks {
	/* The manifest's bytes and its parsed form (borrowed; valid during the
	 * call). Called once, before any attachment byte. May be NULL. */
	int (*manifest)(void *ctx, const char *json, size_t len, const json_t *parsed);
	/* Bytes of attachment index (0-based, manifest order), in order. May be
	 * NULL to discard them. */
	int (*attachment)(void *ctx, size_t index, const uint8_t *data, size_t len);
	void *ctx;
};

struct envelope_opener;

/*
 * Starts opening an envelope with the recipient's key pair. The key is
 * copied into sodium_malloc'd memory. Returns ENVELOPE_OK with *out set, or
 * ENVELOPE_ERR_NOMEM.
 */
int envelope_open_init(struct envelope_opener **out, const uint8_t pk[32], const uint8_t sk[32],
                       const struct envelope_callbacks *cb);

/*
 * Feeds envelope bytes, in any pieces. Returns ENVELOPE_OK, or the first
 * rejection (every later call returns it again). A manifest is checked when
 * complete: a JSON object whose "attachments", if present, is an array of
 * at most ENVELOPE_ATTACHMENTS_MAX objects each with an integer "size" >= 0.
 */
int envelope_open_update(struct envelope_opener *o, const uint8_t *data, size_t len);

/*
 * Ends the input and says whether the envelope was whole and well-formed:
 * ENVELOPE_OK, or ENVELOPE_ERR_SHORT, _TRUNCATED, _TAG_MISSING, _TAG_EARLY,
 * _TRAILING, _SIZES, _PADDING (or an error from earlier).
 */
int envelope_open_final(struct envelope_opener *o);

/*
 * Makes o ready to open another envelope with key pair pk/sk and callbacks
 * cb, as a new envelope_open_init would, but keeps its sodium_malloc'd
 * memory: whatever the previous envelope left in it (file key, stream
 * state, plaintext, manifest) is wiped with sodium_memzero first. Any state
 * is fine, including after an error. For opening many envelopes in a row
 * without an allocation each. Returns ENVELOPE_OK, or ENVELOPE_ERR_STATE
 * (o is NULL).
 */
int envelope_open_reset(struct envelope_opener *o, const uint8_t pk[32], const uint8_t sk[32],
                        const struct envelope_callbacks *cb);

/* Wipes and frees an opener; NULL is fine. Cannot fail. */
void envelope_open_free(struct envelope_opener *o);

/* An opened envelope held in memory; free with envelope_contents_free. */
struct envelope_contents {
	char *manifest; /* NUL-terminated manifest bytes, sodium_malloc'd */
	size_t manifest_len;
	json_t *parsed; /* the manifest, parsed */
	size_t natts;
	uint8_t **att; /* natts buffers, sodium_malloc'd (non-NULL even if empty) */
	size_t *att_len;
};

/*
 * Opens a whole envelope held in memory. Returns ENVELOPE_OK with c filled,
 * or an error with c zeroed and everything it held wiped.
 */
int envelope_open_buffer(struct envelope_contents *c, const uint8_t pk[32], const uint8_t sk[32],
                         const uint8_t *env, size_t len);

/* Wipes and frees what c holds and zeroes c. Cannot fail. */
void envelope_contents_free(struct envelope_contents *c);

#endif
