/* Unit tests for crypto/receipt: known answers, parsing what people type, generation. */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <string.h>

#include "crypto/receipt.h"
#include "tests/unit/testutil.h"

static const char ALPHABET[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void
expect_b64u(const uint8_t *got, const json_t *v, const char *key)
{
	uint8_t want[32];

	testutil_b64u(want, sizeof want, testutil_str(v, key));
	assert_memory_equal(got, want, sizeof want);
}

static int
all_zero(const void *p, size_t n)
{
	return sodium_is_zero(p, n);
}

static void
test_vectors_valid(void **state)
{
	json_t *vec = testutil_vector("receipts.json");
	json_t *valid = json_object_get(vec, "valid");
	size_t i;
	json_t *v;

	(void)state;
	assert_true(json_array_size(valid) >= 6);
	json_array_foreach(valid, i, v)
	{
		const char *receipt = testutil_str(v, "receipt");
		const char *typed = testutil_str(v, "typed");
		char out[RECEIPT_TEXT_BUF];
		struct receipt_keys k, k2;
		uint8_t h[32];

		assert_int_equal(receipt_parse(receipt, out), 0);
		assert_string_equal(out, receipt);
		assert_int_equal(receipt_parse(typed, out), 0);
		assert_string_equal(out, receipt);

		assert_int_equal(receipt_derive(receipt, &k), 0);
		expect_b64u(k.lookup, v, "lookup");
		expect_b64u(k.auth, v, "auth");
		expect_b64u(k.auth_hash, v, "auth_hash");
		expect_b64u(k.reply_pk, v, "reply_pk");
		expect_b64u(k.reply_sk, v, "reply_sk");
		receipt_auth_hash(h, k.auth);
		expect_b64u(h, v, "auth_hash");

		/* the typed form derives the same keys */
		assert_int_equal(receipt_derive(typed, &k2), 0);
		assert_memory_equal(&k, &k2, sizeof k);
		receipt_keys_wipe(&k);
		receipt_keys_wipe(&k2);
		assert_true(all_zero(&k, sizeof k));
	}
	json_decref(vec);
}

static void
test_vectors_invalid(void **state)
{
	json_t *vec = testutil_vector("receipts.json");
	json_t *invalid = json_object_get(vec, "invalid");
	size_t i;
	json_t *v;

	(void)state;
	assert_true(json_array_size(invalid) >= 6);
	json_array_foreach(invalid, i, v)
	{
		char out[RECEIPT_TEXT_BUF];
		struct receipt_keys k;

		memset(out, 'x', sizeof out);
		assert_int_equal(receipt_parse(json_string_value(v), out), -1);
		assert_string_equal(out, "");
		memset(&k, 0xAA, sizeof k);
		assert_int_equal(receipt_derive(json_string_value(v), &k), -1);
		assert_true(all_zero(&k, sizeof k));
	}
	json_decref(vec);
}

static void
test_parse_rejects(void **state)
{
	static const char *bad[] = {
	        "MS0Z-H1WW-YKQN-03JM-SFCU", /* U is not in the alphabet */
	        "MS0Z_H1WW_YKQN_03JM_SFCX", /* other separators */
	        "MS0Z.H1WW.YKQN.03JM.SFCX",
	        "MS0Z\tH1WW YKQN 03JM SFCX",
	        "MS0Z-H1WW-YKQN-03JM-SFCXX",
	        "MS0Z-H1WW-YKQN-03JM-SFC",
	        "MS0Z-H1WW-YKQN-03JM-XFCX", /* check symbol changed */
	        "MS0Z-H1WW-YKQN-03JM-SXCX", /* data symbol changed */
	        "\xc3\x9cS0Z-H1WW-YKQN-03JM-SFCX",
	        "MS0Z-H1WW-YKQN-03JM-SFC\xef\xbd\x98", /* fullwidth x */
	        "--------------------",
	};
	char out[RECEIPT_TEXT_BUF];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(receipt_parse(bad[i], out), -1);
		assert_string_equal(out, "");
	}
	assert_int_equal(receipt_parse(NULL, out), -1);
	assert_string_equal(out, "");
	/* separators anywhere, mixed case, I/L/O */
	assert_int_equal(receipt_parse("-MS0Z-H1WW-YKQN-03JM-SFCX-", out), 0);
	assert_string_equal(out, "MS0Z-H1WW-YKQN-03JM-SFCX");
	assert_int_equal(receipt_parse("  m s 0 z h1ww--ykqn  03jm sfcx ", out), 0);
	assert_string_equal(out, "MS0Z-H1WW-YKQN-03JM-SFCX");
	assert_int_equal(receipt_parse("MSoZ-HiWW-YKQN-O3JM-SFCX", out), 0);
	assert_string_equal(out, "MS0Z-H1WW-YKQN-03JM-SFCX");
	assert_int_equal(receipt_parse("MS0Z-HlWW-YKQN-03JM-SFCX", out), 0);
	assert_string_equal(out, "MS0Z-H1WW-YKQN-03JM-SFCX");
}

/* Every single-symbol change of the check symbols is caught. */
static void
test_check_symbols(void **state)
{
	const char *good = "MS0ZH1WWYKQN03JMSFCX";
	char buf[21], out[RECEIPT_TEXT_BUF];

	(void)state;
	for (size_t pos = 18; pos < 20; pos++) {
		for (size_t a = 0; a < 32; a++) {
			memcpy(buf, good, sizeof buf);
			if (ALPHABET[a] == good[pos])
				continue;
			buf[pos] = ALPHABET[a];
			assert_int_equal(receipt_parse(buf, out), -1);
		}
	}
}

static void
test_generate(void **state)
{
	enum { N = 1000 };
	unsigned counts[32] = {0};
	char first[RECEIPT_TEXT_BUF];

	(void)state;
	receipt_generate(first);
	for (int n = 0; n < N; n++) {
		char r[RECEIPT_TEXT_BUF], out[RECEIPT_TEXT_BUF];
		struct receipt_keys k;

		receipt_generate(r);
		assert_int_equal(strlen(r), RECEIPT_TEXT_LEN);
		for (int i = 0; i < RECEIPT_TEXT_LEN; i++) {
			if (i % 5 == 4) {
				assert_int_equal(r[i], '-');
				continue;
			}
			assert_non_null(strchr(ALPHABET, r[i]));
		}
		/* canonical and with a valid check */
		assert_int_equal(receipt_parse(r, out), 0);
		assert_string_equal(out, r);
		assert_string_not_equal(r, first);
		for (int i = 0, s = 0; s < RECEIPT_DATA_SYMBOLS; i++) {
			if (r[i] == '-')
				continue;
			counts[strchr(ALPHABET, r[i]) - ALPHABET]++;
			s++;
		}
		if (n < 10) {
			assert_int_equal(receipt_derive(r, &k), 0);
			receipt_keys_wipe(&k);
		}
	}
	/* 18000 data symbols: each of the 32 is expected 562.5 times (sd ~23);
	 * the bounds are ~7 sd away, so a fair generator never fails here. */
	for (int a = 0; a < 32; a++) {
		assert_in_range(counts[a], 400, 730);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vectors_valid), cmocka_unit_test(test_vectors_invalid),
	        cmocka_unit_test(test_parse_rejects), cmocka_unit_test(test_check_symbols),
	        cmocka_unit_test(test_generate),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("receipt", tests, NULL, NULL);
}
