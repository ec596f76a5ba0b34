/* Unit tests for the district's reply signatures (crypto/sign.h, sign_reply). */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <string.h>

#include "crypto/chain.h"
#include "crypto/sign.h"

static void
test_reply_sig(void **state)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64], sig[64], lookup[32], body[32], att[2][32],
	        swapped[2][32], other[32];

	(void)state;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	randombytes_buf(lookup, sizeof lookup);
	chain_h256(body, (const uint8_t *)"已受理", strlen("已受理"));
	chain_h256(att[0], (const uint8_t *)"a", 1);
	chain_h256(att[1], (const uint8_t *)"b", 1);
	memcpy(swapped[0], att[1], 32);
	memcpy(swapped[1], att[0], 32);

	assert_int_equal(sign_reply(sig, sk, "d01", lookup, "accepted", body, att, 2), 0);
	assert_int_equal(sign_reply_verify(sig, pk, "d01", lookup, "accepted", body, att, 2), 0);
	/* every part is bound */
	assert_int_equal(sign_reply_verify(sig, pk2, "d01", lookup, "accepted", body, att, 2), -1);
	assert_int_equal(sign_reply_verify(sig, pk, "d02", lookup, "accepted", body, att, 2), -1);
	assert_int_equal(sign_reply_verify(sig, pk, "d01", lookup, "concluded", body, att, 2), -1);
	assert_int_equal(sign_reply_verify(sig, pk, "d01", lookup, "accepted", att[0], att, 2), -1);
	assert_int_equal(sign_reply_verify(sig, pk, "d01", lookup, "accepted", body, att, 1), -1);
	assert_int_equal(sign_reply_verify(sig, pk, "d01", lookup, "accepted", body, swapped, 2),
	                 -1);
	memcpy(other, lookup, 32);
	other[31] ^= 1;
	assert_int_equal(sign_reply_verify(sig, pk, "d01", other, "accepted", body, att, 2), -1);
	sig[0] ^= 1;
	assert_int_equal(sign_reply_verify(sig, pk, "d01", lookup, "accepted", body, att, 2), -1);
	/* no attachments */
	assert_int_equal(sign_reply(sig, sk, "d01", lookup, "received", body, NULL, 0), 0);
	assert_int_equal(sign_reply_verify(sig, pk, "d01", lookup, "received", body, NULL, 0), 0);
	/* a reply signature is not a receipt signature */
	assert_int_equal(sign_receipt_verify(sig, pk, "d01", 1, "2026-11-28", body, lookup), -1);
	/* bad arguments */
	assert_int_equal(sign_reply(sig, sk, "D01", lookup, "accepted", body, NULL, 0), -1);
	assert_int_equal(sign_reply(sig, sk, "d01", lookup, "a-status-name-longer-than-32-bytes",
	                            body, NULL, 0),
	                 -1);
	assert_int_equal(sign_reply(sig, sk, "d01", lookup, "accepted", body, NULL, 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_reply_sig),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("reply_sig", tests, NULL, NULL);
}
