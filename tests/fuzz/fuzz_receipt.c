/*
 * fuzz_receipt: what a person types as a receipt (crypto/receipt.h). A
 * parse either fails with "" or gives the canonical form, which parses to
 * itself and derives the same keys as the typed text; derivation fails
 * exactly when parsing does. Input: the typed text.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/receipt.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	if (fz_seed_dir() != NULL) {
		fz_seed_text("canonical", "MS0Z-H1WW-YKQN-03JM-SFCX");
		fz_seed_text("spaces", "MS0Z H1WW YKQN 03JM SFCX");
		fz_seed_text("lower", "b7mf-sgjr-78vc-ynj5-52xm");
		fz_seed_text("confusables", "MSOZ-HIWW-YKQN-O3JM-SFCX");
		fz_seed_text("bad-check", "MS0Z-H1WW-YKQN-03JM-SFCY");
		fz_seed_text("short", "MS0Z-H1WW-YKQN-03JM-SFC");
		fz_seed_text("utf8", "ＭＳ０Ｚ-H1WW-YKQN-03JM-SFCX");
		exit(0);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *typed = malloc(size + 1);
	char canon[RECEIPT_TEXT_BUF], again[RECEIPT_TEXT_BUF];
	struct receipt_keys a, b;
	int rc;

	if (typed == NULL)
		abort();
	memcpy(typed, data, size);
	typed[size] = '\0';
	rc = receipt_parse(typed, canon);
	if (rc != 0) {
		if (canon[0] != '\0' || receipt_derive(typed, &a) == 0)
			abort();
		free(typed);
		return 0;
	}
	if (strlen(canon) != RECEIPT_TEXT_LEN || receipt_parse(canon, again) != 0 ||
	    strcmp(canon, again) != 0)
		abort();
	if (receipt_derive(typed, &a) != 0 || receipt_derive(canon, &b) != 0 ||
	    sodium_memcmp(&a, &b, sizeof a) != 0)
		abort();
	receipt_auth_hash(b.auth_hash, a.auth);
	if (sodium_memcmp(a.auth_hash, b.auth_hash, 32) != 0)
		abort();
	receipt_keys_wipe(&a);
	receipt_keys_wipe(&b);
	free(typed);
	return 0;
}
