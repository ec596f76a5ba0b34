/* receipt: see receipt.h. */
#include "crypto/receipt.h"

#include <sodium.h>
#include <string.h>

static const char ALPHABET[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#define CHECK_PREFIX  "qingfeng-receipt-check-v1:"
#define MASTER_PREFIX "qingfeng-receipt-v1:"
#define KDF_CTX       "QFRCPT01"

enum { KDF_ID_LOOKUP = 1, KDF_ID_AUTH = 2, KDF_ID_REPLY_SEED = 3, KDF_ID_SIGN_SEED = 4 };

/* The two check symbols of the 18 data symbols d. */
static void
check_symbols(char out[2], const char d[RECEIPT_DATA_SYMBOLS])
{
	crypto_generichash_state st;
	uint8_t h[32];

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const uint8_t *)CHECK_PREFIX, strlen(CHECK_PREFIX));
	crypto_generichash_update(&st, (const uint8_t *)d, RECEIPT_DATA_SYMBOLS);
	crypto_generichash_final(&st, h, sizeof h);
	out[0] = ALPHABET[h[0] >> 3];
	out[1] = ALPHABET[h[1] >> 3];
	sodium_memzero(&st, sizeof st);
	sodium_memzero(h, sizeof h);
}

/* Writes the 20 symbols s as "XXXX-XXXX-XXXX-XXXX-XXXX" and a NUL. */
static void
format_groups(char out[RECEIPT_TEXT_BUF], const char s[RECEIPT_SYMBOLS])
{
	size_t o = 0;

	for (size_t i = 0; i < RECEIPT_SYMBOLS; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = s[i];
	}
	out[o] = '\0';
}

/* The alphabet symbol for a typed character (already uppercased), or 0. */
static char
normalise_symbol(char c)
{
	if (c == 'I' || c == 'L')
		return '1';
	if (c == 'O')
		return '0';
	if (c != '\0' && strchr(ALPHABET, c) != NULL)
		return c;
	return 0;
}

/*
 * Reduces typed text to its 20 symbols in s. Returns 0, or -1 when the text
 * is not 20 alphabet symbols with a matching check.
 */
static int
parse_symbols(const char *typed, char s[RECEIPT_SYMBOLS])
{
	size_t n = 0;
	char chk[2];
	int ok;

	if (typed == NULL)
		return -1;
	for (const char *p = typed; *p != '\0'; p++) {
		char c = *p;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		c = normalise_symbol(c);
		if (c == 0 || n == RECEIPT_SYMBOLS) {
			sodium_memzero(s, RECEIPT_SYMBOLS);
			return -1;
		}
		s[n++] = c;
	}
	if (n != RECEIPT_SYMBOLS) {
		sodium_memzero(s, RECEIPT_SYMBOLS);
		return -1;
	}
	check_symbols(chk, s);
	ok = chk[0] == s[RECEIPT_DATA_SYMBOLS] && chk[1] == s[RECEIPT_DATA_SYMBOLS + 1];
	sodium_memzero(chk, sizeof chk);
	if (!ok) {
		sodium_memzero(s, RECEIPT_SYMBOLS);
		return -1;
	}
	return 0;
}

void
receipt_generate(char out[RECEIPT_TEXT_BUF])
{
	char s[RECEIPT_SYMBOLS];

	for (size_t i = 0; i < RECEIPT_DATA_SYMBOLS; i++)
		s[i] = ALPHABET[randombytes_uniform(32)];
	check_symbols(s + RECEIPT_DATA_SYMBOLS, s);
	format_groups(out, s);
	sodium_memzero(s, sizeof s);
}

int
receipt_parse(const char *typed, char out[RECEIPT_TEXT_BUF])
{
	char s[RECEIPT_SYMBOLS];

	if (parse_symbols(typed, s) != 0) {
		out[0] = '\0';
		return -1;
	}
	format_groups(out, s);
	sodium_memzero(s, sizeof s);
	return 0;
}

int
receipt_derive(const char *receipt, struct receipt_keys *k)
{
	crypto_generichash_state st;
	uint8_t master[32];
	uint8_t seed[32];
	char s[RECEIPT_SYMBOLS];

	if (parse_symbols(receipt, s) != 0) {
		receipt_keys_wipe(k);
		return -1;
	}
	crypto_generichash_init(&st, NULL, 0, sizeof master);
	crypto_generichash_update(&st, (const uint8_t *)MASTER_PREFIX, strlen(MASTER_PREFIX));
	crypto_generichash_update(&st, (const uint8_t *)s, RECEIPT_DATA_SYMBOLS);
	crypto_generichash_final(&st, master, sizeof master);
	sodium_memzero(&st, sizeof st);
	sodium_memzero(s, sizeof s);

	crypto_kdf_derive_from_key(k->lookup, sizeof k->lookup, KDF_ID_LOOKUP, KDF_CTX, master);
	crypto_kdf_derive_from_key(k->auth, sizeof k->auth, KDF_ID_AUTH, KDF_CTX, master);
	crypto_kdf_derive_from_key(seed, sizeof seed, KDF_ID_REPLY_SEED, KDF_CTX, master);
	crypto_box_seed_keypair(k->reply_pk, k->reply_sk, seed);
	crypto_kdf_derive_from_key(seed, sizeof seed, KDF_ID_SIGN_SEED, KDF_CTX, master);
	crypto_sign_seed_keypair(k->rsign_pk, k->rsign_sk, seed);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(master, sizeof master);
	receipt_auth_hash(k->auth_hash, k->auth);
	return 0;
}

void
receipt_keys_wipe(struct receipt_keys *k)
{
	sodium_memzero(k, sizeof *k);
}

void
receipt_auth_hash(uint8_t auth_hash[32], const uint8_t auth[32])
{
	crypto_generichash(auth_hash, 32, auth, 32, NULL, 0);
}
