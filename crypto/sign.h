/*
 * sign: the Ed25519 statements of DESIGN.md §8 and §10: the server's signed
 * receipts and log heads, and the signature line of export and update
 * bundles over H512 of everything before it. Each statement has its own
 * domain prefix, so a signature of one kind never verifies as another.
 */
#ifndef QF_CRYPTO_SIGN_H
#define QF_CRYPTO_SIGN_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#define SIGN_PK_BYTES 32
#define SIGN_SK_BYTES 64
#define SIGN_BYTES    64

/*
 * Signs "qingfeng-receipt-v1" || lp(district) || u64be(index) || day ||
 * envelope_hash || chain. Returns 0, or -1 (sig zeroed) when district is not
 * a valid district id or day not a valid day.
 */
int sign_receipt(uint8_t sig[SIGN_BYTES], const uint8_t sk[SIGN_SK_BYTES], const char *district,
                 uint64_t index, const char *day, const uint8_t envelope_hash[32],
                 const uint8_t chain[32]);

/* Verifies a receipt signature. Returns 0, or -1 when it does not verify. */
int sign_receipt_verify(const uint8_t sig[SIGN_BYTES], const uint8_t pk[SIGN_PK_BYTES],
                        const char *district, uint64_t index, const char *day,
                        const uint8_t envelope_hash[32], const uint8_t chain[32]);

/*
 * Signs "qingfeng-head-v1" || lp(district) || u64be(size) || chain_size ||
 * day. Returns 0, or -1 (sig zeroed) on an invalid district or day.
 */
int sign_head(uint8_t sig[SIGN_BYTES], const uint8_t sk[SIGN_SK_BYTES], const char *district,
              uint64_t size, const uint8_t chain[32], const char *day);

/* Verifies a head signature. Returns 0, or -1 when it does not verify. */
int sign_head_verify(const uint8_t sig[SIGN_BYTES], const uint8_t pk[SIGN_PK_BYTES],
                     const char *district, uint64_t size, const uint8_t chain[32], const char *day);

/*
 * Reply signatures (a Qingfeng addition; docs/decisions.md): a reply is
 * sealed to the reporter's reply_pk, which the server knows, so sealing
 * alone does not show that the district wrote it. The district therefore
 * signs, and puts as "sig" (b64u) into the reply manifest,
 *   "qingfeng-reply-v1" || lp(district) || lookup || lp(status) ||
 *   H256(body) || H256(H256(attachment 1) || ... || H256(attachment n))
 * (n may be 0), which clients verify with the district's sign_pk. Returns
 * 0, or -1 (sig zeroed) on an invalid district or a status over 32 bytes.
 */
int sign_reply(uint8_t sig[SIGN_BYTES], const uint8_t sk[SIGN_SK_BYTES], const char *district,
               const uint8_t lookup[32], const char *status, const uint8_t body_hash[32],
               const uint8_t (*att_hashes)[32], size_t natt);

/* Verifies a reply signature. Returns 0, or -1 when it does not verify. */
int sign_reply_verify(const uint8_t sig[SIGN_BYTES], const uint8_t pk[SIGN_PK_BYTES],
                      const char *district, const uint8_t lookup[32], const char *status,
                      const uint8_t body_hash[32], const uint8_t (*att_hashes)[32], size_t natt);

/*
 * Follow-up signatures (§6): the reporter signs every follow-up with the
 * key derived from the receipt (receipt.h, rsign_sk), and the manifest
 * carries it as "sig" (b64u):
 *   "qingfeng-followup-v1" || lp(district) || lookup || lp(purpose) ||
 *   H256(body) || H256(H256(attachment 1) || ... || H256(attachment n))
 * The offline tool verifies it with the report's bind.sign_pk, so the
 * server, which knows auth, cannot write a follow-up as the reporter.
 * sign_followup returns 0, or -1 (sig zeroed) on an invalid district or a
 * purpose over 32 bytes; sign_followup_verify returns 0, or -1 when it does
 * not verify; sign_followup_message writes the signed bytes into out (for
 * known-answer tests) and returns 0, or -1 on bad arguments or when outsz
 * is too small.
 */
int sign_followup(uint8_t sig[SIGN_BYTES], const uint8_t rsign_sk[SIGN_SK_BYTES],
                  const char *district, const uint8_t lookup[32], const char *purpose,
                  const uint8_t body_hash[32], const uint8_t (*att_hashes)[32], size_t natt);
int sign_followup_verify(const uint8_t sig[SIGN_BYTES], const uint8_t rsign_pk[SIGN_PK_BYTES],
                         const char *district, const uint8_t lookup[32], const char *purpose,
                         const uint8_t body_hash[32], const uint8_t (*att_hashes)[32], size_t natt);
int sign_followup_message(uint8_t *out, size_t outsz, size_t *outlen, const char *district,
                          const uint8_t lookup[32], const char *purpose,
                          const uint8_t body_hash[32], const uint8_t (*att_hashes)[32],
                          size_t natt);

/*
 * Case statements (§15): the district's signed word to the reporter,
 *   "qingfeng-case-v1" || lp(district) || lookup(32) || u64be(index) ||
 *   lp(status) || status_day(10) || u64be(replies) || replies_hash(32) ||
 *   u64be(followups_verified) || u64be(seq)
 * signed with the district's sign_sk. sign_case returns 0, or -1 (sig
 * zeroed) on an invalid district or day, or a status over 32 bytes;
 * sign_case_verify returns 0, or -1 when it does not verify or an argument
 * is invalid; sign_case_message writes the signed bytes into out (for
 * known-answer tests) and returns 0, or -1 on bad arguments or a short out.
 */
struct sign_case_fields {
	const char *district;
	uint8_t lookup[32];
	uint64_t index;
	const char *status;
	const char *status_day;
	uint64_t replies;
	uint8_t replies_hash[32];
	uint64_t followups_verified;
	uint64_t seq;
};

int sign_case(uint8_t sig[SIGN_BYTES], const uint8_t sk[SIGN_SK_BYTES],
              const struct sign_case_fields *f);
int sign_case_verify(const uint8_t sig[SIGN_BYTES], const uint8_t pk[SIGN_PK_BYTES],
                     const struct sign_case_fields *f);
int sign_case_message(uint8_t *out, size_t outsz, size_t *outlen, const struct sign_case_fields *f);

/*
 * One step of a case's replies_hash (§15): out = H256("qingfeng-replies-v1"
 * || prev || H256(envelope of the reply)); r_0 is 32 zero bytes. out may be
 * prev. Cannot fail.
 */
void sign_replies_hash_next(uint8_t out[32], const uint8_t prev[32], const uint8_t *envelope,
                            size_t len);

/*
 * Bundle signatures (§10): Ed25519 over "qingfeng-bundle-v1:" || type || ":"
 * || H512(all bytes before the signature line). Feed those bytes, in order,
 * with sign_bundle_update; then sign or verify. type is "export", "update"
 * or "oversight" (any non-empty string without ':' is accepted).
 */
struct sign_bundle {
	crypto_generichash_state h;
};

/* Starts a bundle hash. Cannot fail. */
void sign_bundle_init(struct sign_bundle *b);
/* Adds bytes to the bundle hash. Cannot fail. */
void sign_bundle_update(struct sign_bundle *b, const void *data, size_t len);
/*
 * Finishes the hash and signs it. Returns 0, or -1 (sig zeroed) when type is
 * empty or contains ':'. The state must be started again before reuse.
 */
int sign_bundle_final_sign(struct sign_bundle *b, uint8_t sig[SIGN_BYTES], const char *type,
                           const uint8_t sk[SIGN_SK_BYTES]);
/*
 * Finishes the hash and verifies sig. Returns 0, or -1 when type is invalid
 * or the signature does not verify.
 */
int sign_bundle_final_verify(struct sign_bundle *b, const uint8_t sig[SIGN_BYTES], const char *type,
                             const uint8_t pk[SIGN_PK_BYTES]);

#endif
