/* sign: see sign.h. */
#include "crypto/sign.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"

#define RECEIPT_PREFIX  "qingfeng-receipt-v1"
#define HEAD_PREFIX     "qingfeng-head-v1"
#define BUNDLE_PREFIX   "qingfeng-bundle-v1:"
#define REPLY_PREFIX    "qingfeng-reply-v1"
#define FOLLOWUP_PREFIX "qingfeng-followup-v1"
#define CASE_PREFIX     "qingfeng-case-v1"
#define REPLIES_PREFIX  "qingfeng-replies-v1"
#define STATUS_MAX      32

/* Longest statement: a follow-up (prefix, lp(district), lookup, lp(purpose), 2 x 32). */
#define STATEMENT_MAX                                                                              \
	(sizeof FOLLOWUP_PREFIX - 1 + 1 + CODEC_DISTRICT_MAX + 32 + 1 + STATUS_MAX + 32 + 32)

/* The case statement is longer: prefix, lp(district), lookup, 8, lp(status), 10, 8, 32, 8, 8. */
#define CASE_STATEMENT_MAX                                                                         \
	(sizeof CASE_PREFIX - 1 + 1 + CODEC_DISTRICT_MAX + 32 + 8 + 1 + STATUS_MAX +               \
	 CODEC_DAY_LEN + 8 + 32 + 8 + 8)

struct statement {
	uint8_t b[STATEMENT_MAX > CASE_STATEMENT_MAX ? STATEMENT_MAX : CASE_STATEMENT_MAX];
	size_t n;
};

static void
put(struct statement *s, const void *data, size_t len)
{
	memcpy(s->b + s->n, data, len);
	s->n += len;
}

/* lp(district): the caller has checked that it is a valid id (<= 32 bytes). */
static void
put_lp(struct statement *s, const char *district)
{
	uint8_t len = (uint8_t)strlen(district);

	put(s, &len, 1);
	put(s, district, len);
}

static void
put_u64be(struct statement *s, uint64_t x)
{
	uint8_t b[8];

	codec_u64be_put(b, x);
	put(s, b, sizeof b);
}

/* Builds the receipt statement. Returns 0, or -1 on a bad district or day. */
static int
receipt_statement(struct statement *s, const char *district, uint64_t index, const char *day,
                  const uint8_t envelope_hash[32], const uint8_t chain[32])
{
	if (!codec_district_valid(district) || !codec_day_valid(day))
		return -1;
	s->n = 0;
	put(s, RECEIPT_PREFIX, strlen(RECEIPT_PREFIX));
	put_lp(s, district);
	put_u64be(s, index);
	put(s, day, CODEC_DAY_LEN);
	put(s, envelope_hash, 32);
	put(s, chain, 32);
	return 0;
}

/* Builds the head statement. Returns 0, or -1 on a bad district or day. */
static int
head_statement(struct statement *s, const char *district, uint64_t size, const uint8_t chain[32],
               const char *day)
{
	if (!codec_district_valid(district) || !codec_day_valid(day))
		return -1;
	s->n = 0;
	put(s, HEAD_PREFIX, strlen(HEAD_PREFIX));
	put_lp(s, district);
	put_u64be(s, size);
	put(s, chain, 32);
	put(s, day, CODEC_DAY_LEN);
	return 0;
}

static int
sign_statement(uint8_t sig[SIGN_BYTES], const struct statement *s, const uint8_t sk[SIGN_SK_BYTES])
{
	if (crypto_sign_detached(sig, NULL, s->b, s->n, sk) != 0) {
		memset(sig, 0, SIGN_BYTES);
		return -1;
	}
	return 0;
}

int
sign_receipt(uint8_t sig[SIGN_BYTES], const uint8_t sk[SIGN_SK_BYTES], const char *district,
             uint64_t index, const char *day, const uint8_t envelope_hash[32],
             const uint8_t chain[32])
{
	struct statement s;

	if (receipt_statement(&s, district, index, day, envelope_hash, chain) != 0) {
		memset(sig, 0, SIGN_BYTES);
		return -1;
	}
	return sign_statement(sig, &s, sk);
}

int
sign_receipt_verify(const uint8_t sig[SIGN_BYTES], const uint8_t pk[SIGN_PK_BYTES],
                    const char *district, uint64_t index, const char *day,
                    const uint8_t envelope_hash[32], const uint8_t chain[32])
{
	struct statement s;

	if (receipt_statement(&s, district, index, day, envelope_hash, chain) != 0)
		return -1;
	return crypto_sign_verify_detached(sig, s.b, s.n, pk) == 0 ? 0 : -1;
}

int
sign_head(uint8_t sig[SIGN_BYTES], const uint8_t sk[SIGN_SK_BYTES], const char *district,
          uint64_t size, const uint8_t chain[32], const char *day)
{
	struct statement s;

	if (head_statement(&s, district, size, chain, day) != 0) {
		memset(sig, 0, SIGN_BYTES);
		return -1;
	}
	return sign_statement(sig, &s, sk);
}

int
sign_head_verify(const uint8_t sig[SIGN_BYTES], const uint8_t pk[SIGN_PK_BYTES],
                 const char *district, uint64_t size, const uint8_t chain[32], const char *day)
{
	struct statement s;

	if (head_statement(&s, district, size, chain, day) != 0)
		return -1;
	return crypto_sign_verify_detached(sig, s.b, s.n, pk) == 0 ? 0 : -1;
}

void
sign_bundle_init(struct sign_bundle *b)
{
	crypto_generichash_init(&b->h, NULL, 0, crypto_generichash_BYTES_MAX);
}

void
sign_bundle_update(struct sign_bundle *b, const void *data, size_t len)
{
	crypto_generichash_update(&b->h, data, len);
}

/*
 * Finishes the hash and builds "qingfeng-bundle-v1:" || type || ":" || H512
 * in a new malloc'd buffer. Returns it, or NULL when type is invalid or
 * memory runs out. The state is wiped either way.
 */
static uint8_t *
bundle_statement(struct sign_bundle *b, const char *type, size_t *len)
{
	uint8_t h[crypto_generichash_BYTES_MAX];
	size_t tl, pl = strlen(BUNDLE_PREFIX);
	uint8_t *m;

	crypto_generichash_final(&b->h, h, sizeof h);
	sodium_memzero(&b->h, sizeof b->h);
	if (type == NULL || type[0] == '\0' || strchr(type, ':') != NULL)
		return NULL;
	tl = strlen(type);
	if (tl > SIZE_MAX - pl - 1 - sizeof h)
		return NULL;
	m = malloc(pl + tl + 1 + sizeof h);
	if (m == NULL)
		return NULL;
	memcpy(m, BUNDLE_PREFIX, pl);
	memcpy(m + pl, type, tl);
	m[pl + tl] = ':';
	memcpy(m + pl + tl + 1, h, sizeof h);
	*len = pl + tl + 1 + sizeof h;
	return m;
}

int
sign_bundle_final_sign(struct sign_bundle *b, uint8_t sig[SIGN_BYTES], const char *type,
                       const uint8_t sk[SIGN_SK_BYTES])
{
	size_t len = 0;
	uint8_t *m = bundle_statement(b, type, &len);
	int rc;

	if (m == NULL) {
		memset(sig, 0, SIGN_BYTES);
		return -1;
	}
	rc = crypto_sign_detached(sig, NULL, m, len, sk) == 0 ? 0 : -1;
	if (rc != 0)
		memset(sig, 0, SIGN_BYTES);
	free(m);
	return rc;
}

int
sign_bundle_final_verify(struct sign_bundle *b, const uint8_t sig[SIGN_BYTES], const char *type,
                         const uint8_t pk[SIGN_PK_BYTES])
{
	size_t len = 0;
	uint8_t *m = bundle_statement(b, type, &len);
	int rc;

	if (m == NULL)
		return -1;
	rc = crypto_sign_verify_detached(sig, m, len, pk) == 0 ? 0 : -1;
	free(m);
	return rc;
}

/*
 * Builds the reply statement (prefix REPLY_PREFIX, word the status) or the
 * follow-up statement (FOLLOWUP_PREFIX, word the purpose): both have the
 * same shape. Returns 0, or -1 on a bad district or word.
 */
static int
content_statement(struct statement *s, const char *prefix, const char *district,
                  const uint8_t lookup[32], const char *status, const uint8_t body_hash[32],
                  const uint8_t (*att_hashes)[32], size_t natt)
{
	crypto_generichash_state st;
	uint8_t atts[32];
	uint8_t sl;

	if (!codec_district_valid(district) || status == NULL || strlen(status) > STATUS_MAX ||
	    (natt > 0 && att_hashes == NULL))
		return -1;
	crypto_generichash_init(&st, NULL, 0, sizeof atts);
	for (size_t i = 0; i < natt; i++)
		crypto_generichash_update(&st, att_hashes[i], 32);
	crypto_generichash_final(&st, atts, sizeof atts);
	s->n = 0;
	put(s, prefix, strlen(prefix));
	put_lp(s, district);
	put(s, lookup, 32);
	sl = (uint8_t)strlen(status);
	put(s, &sl, 1);
	put(s, status, sl);
	put(s, body_hash, 32);
	put(s, atts, 32);
	return 0;
}

/* Signs the content statement of prefix; sig is zeroed when it cannot be built. Returns 0 or -1. */
static int
content_sign(uint8_t sig[SIGN_BYTES], const uint8_t sk[SIGN_SK_BYTES], const char *prefix,
             const char *district, const uint8_t lookup[32], const char *word,
             const uint8_t body_hash[32], const uint8_t (*att_hashes)[32], size_t natt)
{
	struct statement s;

	if (content_statement(&s, prefix, district, lookup, word, body_hash, att_hashes, natt) !=
	    0) {
		memset(sig, 0, SIGN_BYTES);
		return -1;
	}
	return sign_statement(sig, &s, sk);
}

/* Verifies sig over the content statement of prefix. Returns 0, or -1. */
static int
content_verify(const uint8_t sig[SIGN_BYTES], const uint8_t pk[SIGN_PK_BYTES], const char *prefix,
               const char *district, const uint8_t lookup[32], const char *word,
               const uint8_t body_hash[32], const uint8_t (*att_hashes)[32], size_t natt)
{
	struct statement s;

	if (content_statement(&s, prefix, district, lookup, word, body_hash, att_hashes, natt) != 0)
		return -1;
	return crypto_sign_verify_detached(sig, s.b, s.n, pk) == 0 ? 0 : -1;
}

int
sign_reply(uint8_t sig[SIGN_BYTES], const uint8_t sk[SIGN_SK_BYTES], const char *district,
           const uint8_t lookup[32], const char *status, const uint8_t body_hash[32],
           const uint8_t (*att_hashes)[32], size_t natt)
{
	return content_sign(sig, sk, REPLY_PREFIX, district, lookup, status, body_hash, att_hashes,
	                    natt);
}

int
sign_reply_verify(const uint8_t sig[SIGN_BYTES], const uint8_t pk[SIGN_PK_BYTES],
                  const char *district, const uint8_t lookup[32], const char *status,
                  const uint8_t body_hash[32], const uint8_t (*att_hashes)[32], size_t natt)
{
	return content_verify(sig, pk, REPLY_PREFIX, district, lookup, status, body_hash,
	                      att_hashes, natt);
}

int
sign_followup_message(uint8_t *out, size_t outsz, size_t *outlen, const char *district,
                      const uint8_t lookup[32], const char *purpose, const uint8_t body_hash[32],
                      const uint8_t (*att_hashes)[32], size_t natt)
{
	struct statement s;

	if (content_statement(&s, FOLLOWUP_PREFIX, district, lookup, purpose, body_hash, att_hashes,
	                      natt) != 0 ||
	    s.n > outsz)
		return -1;
	memcpy(out, s.b, s.n);
	*outlen = s.n;
	return 0;
}

int
sign_followup(uint8_t sig[SIGN_BYTES], const uint8_t rsign_sk[SIGN_SK_BYTES], const char *district,
              const uint8_t lookup[32], const char *purpose, const uint8_t body_hash[32],
              const uint8_t (*att_hashes)[32], size_t natt)
{
	return content_sign(sig, rsign_sk, FOLLOWUP_PREFIX, district, lookup, purpose, body_hash,
	                    att_hashes, natt);
}

int
sign_followup_verify(const uint8_t sig[SIGN_BYTES], const uint8_t rsign_pk[SIGN_PK_BYTES],
                     const char *district, const uint8_t lookup[32], const char *purpose,
                     const uint8_t body_hash[32], const uint8_t (*att_hashes)[32], size_t natt)
{
	return content_verify(sig, rsign_pk, FOLLOWUP_PREFIX, district, lookup, purpose, body_hash,
	                      att_hashes, natt);
}

/* Builds the case statement. Returns 0, or -1 on a bad district, status or day. */
static int
case_statement(struct statement *s, const struct sign_case_fields *f)
{
	uint8_t sl;

	if (f == NULL || !codec_district_valid(f->district) || f->status == NULL ||
	    strlen(f->status) > STATUS_MAX || !codec_day_valid(f->status_day))
		return -1;
	s->n = 0;
	put(s, CASE_PREFIX, strlen(CASE_PREFIX));
	put_lp(s, f->district);
	put(s, f->lookup, 32);
	put_u64be(s, f->index);
	sl = (uint8_t)strlen(f->status);
	put(s, &sl, 1);
	put(s, f->status, sl);
	put(s, f->status_day, CODEC_DAY_LEN);
	put_u64be(s, f->replies);
	put(s, f->replies_hash, 32);
	put_u64be(s, f->followups_verified);
	put_u64be(s, f->seq);
	return 0;
}

int
sign_case(uint8_t sig[SIGN_BYTES], const uint8_t sk[SIGN_SK_BYTES],
          const struct sign_case_fields *f)
{
	struct statement s;

	if (case_statement(&s, f) != 0) {
		memset(sig, 0, SIGN_BYTES);
		return -1;
	}
	return sign_statement(sig, &s, sk);
}

int
sign_case_verify(const uint8_t sig[SIGN_BYTES], const uint8_t pk[SIGN_PK_BYTES],
                 const struct sign_case_fields *f)
{
	struct statement s;

	if (case_statement(&s, f) != 0)
		return -1;
	return crypto_sign_verify_detached(sig, s.b, s.n, pk) == 0 ? 0 : -1;
}

int
sign_case_message(uint8_t *out, size_t outsz, size_t *outlen, const struct sign_case_fields *f)
{
	struct statement s;

	if (case_statement(&s, f) != 0 || s.n > outsz)
		return -1;
	memcpy(out, s.b, s.n);
	*outlen = s.n;
	return 0;
}

void
sign_replies_hash_next(uint8_t out[32], const uint8_t prev[32], const uint8_t *envelope, size_t len)
{
	crypto_generichash_state st;
	uint8_t eh[32], p[32];

	memcpy(p, prev, 32);
	crypto_generichash(eh, sizeof eh, envelope, len, NULL, 0);
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)REPLIES_PREFIX, strlen(REPLIES_PREFIX));
	crypto_generichash_update(&st, p, 32);
	crypto_generichash_update(&st, eh, 32);
	crypto_generichash_final(&st, out, 32);
}
