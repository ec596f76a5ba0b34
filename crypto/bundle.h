/*
 * bundle: the signed JSON Lines files that cross the air gap (DESIGN.md §10):
 * a header line, entry lines, and a last line {"sig":"b64u"} holding an
 * Ed25519 signature over "qingfeng-bundle-v1:" || type || ":" || H512(every
 * byte before the signature line). Both sides stream: the writer hashes as
 * it writes, the reader hashes as it reads, so a bundle of many large
 * envelopes is never held in memory at once. A reader's lines are
 * unauthenticated until bundle_reader_verify succeeds: callers apply them in
 * a transaction they commit only after that.
 */
#ifndef QF_CRYPTO_BUNDLE_H
#define QF_CRYPTO_BUNDLE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/sign.h"

/* The header line's "type". */
#define BUNDLE_TYPE_EXPORT    "qingfeng-export"
#define BUNDLE_TYPE_UPDATE    "qingfeng-update"
#define BUNDLE_TYPE_OVERSIGHT "qingfeng-oversight"
/*
 * The type inside the signed statement: "export" or "update" (DESIGN.md §10
 * leaves this open; the known-answer vectors fix it as the short word).
 */
#define BUNDLE_SIG_EXPORT    "export"
#define BUNDLE_SIG_UPDATE    "update"
#define BUNDLE_SIG_OVERSIGHT "oversight" /* §16: the server's oversight bundle */

enum bundle_err {
	BUNDLE_OK = 0,
	BUNDLE_END = 1,         /* bundle_read: the signature line was read */
	BUNDLE_ERR_IO = -1,     /* read or write failed (errno set) */
	BUNDLE_ERR_FORMAT = -2, /* not JSON Lines, a line too long, no signature line,
	                            bytes after it */
	BUNDLE_ERR_SIG = -3,    /* the signature does not verify */
	BUNDLE_ERR_NOMEM = -4
};

/* Human message for an error code. Never NULL. */
const char *bundle_strerror(int err);

struct bundle_writer {
	FILE *f;
	struct sign_bundle h;
	uint64_t bytes; /* written so far */
};

/* Starts writing a bundle to f. Cannot fail. */
void bundle_writer_init(struct bundle_writer *w, FILE *f);

/*
 * Writes obj as one compact JSON line. Returns BUNDLE_OK, BUNDLE_ERR_NOMEM or
 * BUNDLE_ERR_IO.
 */
int bundle_write(struct bundle_writer *w, const json_t *obj);

/*
 * Writes the signature line for type (BUNDLE_SIG_*) and flushes f (the caller fsyncs and
 * closes). Returns BUNDLE_OK, BUNDLE_ERR_FORMAT (bad type) or BUNDLE_ERR_IO.
 */
int bundle_writer_finish(struct bundle_writer *w, const char *type,
                         const uint8_t sk[SIGN_SK_BYTES]);

struct bundle_reader {
	FILE *f;
	struct sign_bundle h;
	size_t max_line;
	char *buf; /* the current line */
	size_t cap;
	uint64_t line_no; /* 1-based number of the line last read */
	uint8_t sig[SIGN_BYTES];
	int done;
};

/*
 * Starts reading a bundle from f, refusing lines longer than max_line bytes.
 * Cannot fail; release with bundle_reader_free.
 */
void bundle_reader_init(struct bundle_reader *r, FILE *f, size_t max_line);

/*
 * Reads the next line. Returns BUNDLE_OK with *obj a new reference (an
 * object), BUNDLE_END when the line was the signature line and the file ends
 * right after it (*obj NULL), or BUNDLE_ERR_FORMAT / _IO / _NOMEM. A line
 * that is an object with the one member "sig" is the signature line.
 */
int bundle_read(struct bundle_reader *r, json_t **obj);

/*
 * After BUNDLE_END: verifies the signature for type (BUNDLE_SIG_*) with pk. Returns
 * BUNDLE_OK or BUNDLE_ERR_SIG (also when called before BUNDLE_END).
 */
int bundle_reader_verify(struct bundle_reader *r, const char *type,
                         const uint8_t pk[SIGN_PK_BYTES]);

/*
 * The same reading in steps, for a caller that parses lines elsewhere (on
 * other threads) but must hash them in order. One entry line is:
 * bundle_read_raw, bundle_parse_line (BUNDLE_OK), bundle_reader_hash; the
 * signature line is: bundle_read_raw, bundle_parse_line (BUNDLE_END), and
 * when the next bundle_read_raw returns BUNDLE_END, bundle_reader_set_end.
 * Any other result ends the bundle as BUNDLE_ERR_FORMAT, exactly where
 * bundle_read would have returned it.
 */

/*
 * Reads the next line without parsing or hashing it. Returns BUNDLE_OK with
 * *line (r's buffer, NUL-terminated, valid until the next read) and *len
 * (bytes, including the final '\n'); BUNDLE_END when the file ends with no
 * byte left (*line NULL, *len 0: before a signature line that is a bundle
 * cut short); BUNDLE_ERR_FORMAT when the last line has no '\n', a line is
 * longer than max_line, or after bundle_reader_set_end; _IO; _NOMEM.
 */
int bundle_read_raw(struct bundle_reader *r, const char **line, size_t *len);

/*
 * Parses a line from bundle_read_raw (len bytes including the '\n') as
 * bundle_read does. Touches no reader: safe on any thread. Returns
 * BUNDLE_OK with *obj a new reference (an object), BUNDLE_END when it is a
 * signature line whose signature decodes into sig (*obj NULL), or
 * BUNDLE_ERR_FORMAT (*obj NULL).
 */
int bundle_parse_line(const char *line, size_t len, json_t **obj, uint8_t sig[SIGN_BYTES]);

/*
 * Exchanges r's line buffer, holding the line bundle_read_raw returned last,
 * with *buf of *cap bytes (malloc'd, or NULL and 0): the caller keeps that
 * line without a copy, and r grows what it gets as it needs. Cannot fail.
 */
void bundle_reader_swap_line(struct bundle_reader *r, char **buf, size_t *cap);

/* Adds an entry line (len bytes including the '\n') to r's hash. Cannot fail. */
void bundle_reader_hash(struct bundle_reader *r, const char *line, size_t len);

/*
 * Records sig, parsed from the signature line, as the one bundle_reader_verify
 * checks, and marks the bundle read. Cannot fail.
 */
void bundle_reader_set_end(struct bundle_reader *r, const uint8_t sig[SIGN_BYTES]);

/* Frees the line buffer. Cannot fail. */
void bundle_reader_free(struct bundle_reader *r);

#endif
