/*
 * qftool: small helpers for the integration scripts, so they can speak the
 * protocol with curl: random b64u values, proof-of-work solving, receipt
 * derivation, and plausible-looking envelopes. Test support only.
 *
 *   qftool rand N                      N random bytes as b64u
 *   qftool pow CHALLENGE DIFFICULTY    a nonce (b64u) solving the challenge
 *   qftool derive RECEIPT              lookup auth auth_hash reply_pk (b64u, one per line)
 *   qftool fake-envelope N             a random envelope-shaped blob for N padded bytes, b64u
 *   qftool h256-b64u B64U              H256 of the decoded bytes, b64u
 *   qftool challenge SERVER.KEY EXPIRY a challenge from the server's own pow key
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/pow.h"
#include "crypto/receipt.h"
#include "crypto/serverkey.h"

static void
put_b64u(const uint8_t *b, size_t n)
{
	char *t = codec_b64u_encode_alloc(b, n);

	if (t == NULL)
		exit(1);
	puts(t);
	free(t);
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0 || argc < 2)
		return 2;
	if (strcmp(argv[1], "rand") == 0 && argc == 3) {
		size_t n = strtoul(argv[2], NULL, 10);
		uint8_t *b = malloc(n ? n : 1);
		randombytes_buf(b, n);
		put_b64u(b, n);
		free(b);
		return 0;
	}
	if (strcmp(argv[1], "pow") == 0 && argc == 4) {
		uint8_t ch[POW_CHALLENGE_BYTES], nonce[POW_NONCE_BYTES];
		if (codec_b64u_decode_exact(ch, sizeof ch, argv[2]) != 0 ||
		    pow_solve(nonce, ch, (unsigned)atoi(argv[3]), 0) != 0)
			return 1;
		put_b64u(nonce, sizeof nonce);
		return 0;
	}
	if (strcmp(argv[1], "derive") == 0 && argc == 3) {
		struct receipt_keys k;
		if (receipt_derive(argv[2], &k) != 0)
			return 1;
		put_b64u(k.lookup, 32);
		put_b64u(k.auth, 32);
		put_b64u(k.auth_hash, 32);
		put_b64u(k.reply_pk, 32);
		receipt_keys_wipe(&k);
		return 0;
	}
	if (strcmp(argv[1], "fake-envelope") == 0 && argc == 3) {
		size_t p = strtoul(argv[2], NULL, 10);
		size_t chunks = p / ENVELOPE_CHUNK + (p % ENVELOPE_CHUNK != 0);
		size_t n = ENVELOPE_HEADER_BYTES + p + chunks * ENVELOPE_CHUNK_OVERHEAD;
		uint8_t *b = malloc(n);
		randombytes_buf(b, n);
		memcpy(b, ENVELOPE_MAGIC, 4);
		put_b64u(b, n);
		free(b);
		return 0;
	}
	if (strcmp(argv[1], "h256-b64u") == 0 && argc == 3) {
		size_t tl = strlen(argv[2]), n;
		uint8_t *b = malloc(tl), h[32];
		if (codec_b64u_decode(b, tl, &n, argv[2], tl) != 0)
			return 1;
		chain_h256(h, b, n);
		put_b64u(h, 32);
		free(b);
		return 0;
	}
	if (strcmp(argv[1], "challenge") == 0 && argc == 4) {
		struct serverkey *k;
		uint8_t ch[POW_CHALLENGE_BYTES];
		if (serverkey_load(&k, argv[2]) != 0)
			return 1;
		pow_challenge_make(ch, k->pow_key, strtoull(argv[3], NULL, 10));
		serverkey_free(k);
		put_b64u(ch, sizeof ch);
		return 0;
	}
	fprintf(stderr, "qftool: bad arguments\n");
	return 2;
}
