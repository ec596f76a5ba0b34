/*
 * submission: the body of a write (POST /api/v1/reports and /followups,
 * DESIGN.md §9), Content-Type application/vnd.qingfeng.submission:
 *   u32be(len(J)) || J || envelope
 * where J is the request's JSON object (at most SUBMISSION_JSON_MAX bytes)
 * and the envelope's bytes follow as they are: no base64 to upload or to
 * decode. Used by the reporter CLI to build bodies and by the server to
 * split them.
 */
#ifndef QF_CRYPTO_SUBMISSION_H
#define QF_CRYPTO_SUBMISSION_H

#include <stddef.h>
#include <stdint.h>

#define SUBMISSION_TYPE     "application/vnd.qingfeng.submission"
#define SUBMISSION_JSON_MAX 4096
/*
 * Clients pad J with trailing spaces (JSON whitespace, which every parser,
 * the server's too, accepts) to this many bytes, so that a body's size does
 * not tell the district id's length (docs/decisions.md). Every J a client
 * sends is shorter than this before padding.
 */
#define SUBMISSION_JSON_PADDED 256
/* Bytes of a body besides its envelope, at most. */
#define SUBMISSION_OVERHEAD (4 + SUBMISSION_JSON_MAX)

/*
 * Builds u32be(jlen) || json || envelope in a new sodium_malloc'd buffer
 * (J may carry auth: free it with sodium_free, which wipes). Returns it
 * with *len set, or NULL when jlen is 0 or over SUBMISSION_JSON_MAX, or
 * memory runs out.
 */
uint8_t *submission_build(size_t *len, const char *json, size_t jlen, const uint8_t *envelope,
                          size_t envlen);

/*
 * Reads the length prefix of a body of total bytes whose first four bytes
 * are first4. Returns 0 with *jlen set when 1 <= len(J) <= SUBMISSION_JSON_MAX
 * and at least one envelope byte follows J, or -1.
 */
int submission_split(const uint8_t first4[4], size_t total, size_t *jlen);

#endif
