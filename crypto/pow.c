/* pow: see pow.h. */
#include "crypto/pow.h"

#include <sodium.h>
#include <string.h>

#include "crypto/codec.h"

#define RANDOM_BYTES 16
#define SIGNED_BYTES 24 /* random(16) || u64be(expiry) */
#define MAC_BYTES    16

static void
challenge_mac(uint8_t mac[MAC_BYTES], const uint8_t ch[POW_CHALLENGE_BYTES],
              const uint8_t key[POW_KEY_BYTES])
{
	crypto_generichash(mac, MAC_BYTES, ch, SIGNED_BYTES, key, POW_KEY_BYTES);
}

void
pow_challenge_make(uint8_t out[POW_CHALLENGE_BYTES], const uint8_t key[POW_KEY_BYTES],
                   uint64_t expiry)
{
	randombytes_buf(out, RANDOM_BYTES);
	codec_u64be_put(out + RANDOM_BYTES, expiry);
	challenge_mac(out + SIGNED_BYTES, out, key);
}

enum pow_result
pow_challenge_check(const uint8_t ch[POW_CHALLENGE_BYTES], const uint8_t key[POW_KEY_BYTES],
                    uint64_t now)
{
	uint8_t mac[MAC_BYTES];
	int ok;

	challenge_mac(mac, ch, key);
	ok = crypto_verify_16(mac, ch + SIGNED_BYTES) == 0;
	sodium_memzero(mac, sizeof mac);
	if (!ok)
		return POW_FORGED;
	if (pow_challenge_expiry(ch) < now)
		return POW_EXPIRED;
	return POW_OK;
}

uint64_t
pow_challenge_expiry(const uint8_t ch[POW_CHALLENGE_BYTES])
{
	return codec_u64be_get(ch + RANDOM_BYTES);
}

/* True when h starts with difficulty zero bits (difficulty <= 256). */
static int
leading_zeros_ok(const uint8_t h[32], unsigned difficulty)
{
	unsigned full = difficulty / 8, rest = difficulty % 8;

	for (unsigned i = 0; i < full; i++)
		if (h[i] != 0)
			return 0;
	if (rest == 0)
		return 1;
	return (h[full] >> (8 - rest)) == 0;
}

enum pow_result
pow_solution_check(const uint8_t ch[POW_CHALLENGE_BYTES], const uint8_t nonce[POW_NONCE_BYTES],
                   unsigned difficulty)
{
	crypto_generichash_state st;
	uint8_t h[32];

	if (difficulty == 0)
		return POW_OK;
	if (difficulty > 256)
		return POW_INVALID;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, ch, POW_CHALLENGE_BYTES);
	crypto_generichash_update(&st, nonce, POW_NONCE_BYTES);
	crypto_generichash_final(&st, h, sizeof h);
	return leading_zeros_ok(h, difficulty) ? POW_OK : POW_INVALID;
}

int
pow_solve(uint8_t nonce[POW_NONCE_BYTES], const uint8_t ch[POW_CHALLENGE_BYTES],
          unsigned difficulty, uint64_t max_tries)
{
	crypto_generichash_state base, st;
	uint8_t h[32];
	uint8_t n[POW_NONCE_BYTES];

	if (difficulty > POW_MAX_DIFFICULTY)
		return -1;
	/* Absorb the challenge once; each try continues from a copy. */
	crypto_generichash_init(&base, NULL, 0, sizeof h);
	crypto_generichash_update(&base, ch, POW_CHALLENGE_BYTES);
	for (uint64_t i = 0; max_tries == 0 || i < max_tries; i++) {
		codec_u64be_put(n, i);
		st = base;
		crypto_generichash_update(&st, n, sizeof n);
		crypto_generichash_final(&st, h, sizeof h);
		if (leading_zeros_ok(h, difficulty)) {
			memcpy(nonce, n, sizeof n);
			return 0;
		}
		if (i == UINT64_MAX)
			break;
	}
	return -1;
}

unsigned
pow_required(unsigned base, uint64_t content_length)
{
	const uint64_t mib = 1048576;
	unsigned extra = 0;

	if (base == 0)
		return 0;
	/* the smallest e with content_length <= mib * 2^e */
	while (extra < 44 && content_length > (mib << extra))
		extra++;
	return base + extra;
}

void
pow_header_format(char out[POW_HEADER_LEN + 1], const uint8_t ch[POW_CHALLENGE_BYTES],
                  const uint8_t nonce[POW_NONCE_BYTES])
{
	size_t n;

	codec_b64u_encode(out, CODEC_B64U_BUF(POW_CHALLENGE_BYTES), ch, POW_CHALLENGE_BYTES);
	n = strlen(out);
	out[n++] = '.';
	codec_b64u_encode(out + n, CODEC_B64U_BUF(POW_NONCE_BYTES), nonce, POW_NONCE_BYTES);
}

int
pow_header_parse(uint8_t ch[POW_CHALLENGE_BYTES], uint8_t nonce[POW_NONCE_BYTES], const char *value)
{
	char part[CODEC_B64U_BUF(POW_CHALLENGE_BYTES)];
	const char *dot = value != NULL ? strchr(value, '.') : NULL;
	size_t n = dot != NULL ? (size_t)(dot - value) : 0;

	if (dot == NULL || n >= sizeof part)
		goto bad;
	memcpy(part, value, n);
	part[n] = '\0';
	if (codec_b64u_decode_exact(ch, POW_CHALLENGE_BYTES, part) != 0 ||
	    codec_b64u_decode_exact(nonce, POW_NONCE_BYTES, dot + 1) != 0)
		goto bad;
	return 0;
bad:
	memset(ch, 0, POW_CHALLENGE_BYTES);
	memset(nonce, 0, POW_NONCE_BYTES);
	return -1;
}
