/* Unit tests for crypto/pow: the pow.json vector, forged and expired challenges, solving. */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/pow.h"
#include "tests/unit/testutil.h"

struct powvec {
	uint8_t key[POW_KEY_BYTES];
	uint8_t ch[POW_CHALLENGE_BYTES];
	uint64_t expiry;
	json_t *j;
};

static void
load(struct powvec *v)
{
	v->j = testutil_vector("pow.json");
	testutil_b64u(v->key, sizeof v->key, testutil_str(v->j, "pow_key"));
	testutil_b64u(v->ch, sizeof v->ch, testutil_str(v->j, "challenge"));
	v->expiry = (uint64_t)json_integer_value(json_object_get(v->j, "expiry"));
}

static void
test_vector_challenge(void **state)
{
	struct powvec v;

	(void)state;
	load(&v);
	assert_true(v.expiry == 1900000000u);
	assert_true(pow_challenge_expiry(v.ch) == v.expiry);
	assert_int_equal(pow_challenge_check(v.ch, v.key, 1800000000u), POW_OK);
	assert_int_equal(pow_challenge_check(v.ch, v.key, v.expiry), POW_OK);
	assert_int_equal(pow_challenge_check(v.ch, v.key, v.expiry + 1), POW_EXPIRED);
	json_decref(v.j);
}

static void
test_vector_solutions(void **state)
{
	struct powvec v;
	json_t *sols, *s;
	size_t i;
	uint8_t nonce[POW_NONCE_BYTES], found[POW_NONCE_BYTES];

	(void)state;
	load(&v);
	sols = json_object_get(v.j, "solutions");
	assert_true(json_array_size(sols) >= 4);
	json_array_foreach(sols, i, s)
	{
		unsigned d = (unsigned)json_integer_value(json_object_get(s, "difficulty"));

		testutil_b64u(nonce, sizeof nonce, testutil_str(s, "nonce"));
		assert_int_equal(pow_solution_check(v.ch, nonce, d), POW_OK);
		/* counting up from 0 finds exactly the vector's nonce */
		assert_int_equal(pow_solve(found, v.ch, d, 0), 0);
		assert_memory_equal(found, nonce, sizeof nonce);
		assert_int_equal(pow_solution_check(v.ch, found, d), POW_OK);
	}
	testutil_b64u(nonce, sizeof nonce, testutil_str(v.j, "not_a_solution_at_12"));
	assert_int_equal(pow_solution_check(v.ch, nonce, 12), POW_INVALID);
	/* nonce 0 is the first try, so one try at 12 finds nothing */
	assert_int_equal(pow_solve(found, v.ch, 12, 1), -1);
	json_decref(v.j);
}

static void
test_forged(void **state)
{
	struct powvec v;
	uint8_t x[POW_CHALLENGE_BYTES], key2[POW_KEY_BYTES];

	(void)state;
	load(&v);
	/* any bit flipped anywhere: random part, expiry or MAC */
	for (size_t bit = 0; bit < POW_CHALLENGE_BYTES * 8; bit++) {
		memcpy(x, v.ch, sizeof x);
		x[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(pow_challenge_check(x, v.key, 0), POW_FORGED);
		/* MAC is checked before expiry */
		assert_int_equal(pow_challenge_check(x, v.key, UINT64_MAX), POW_FORGED);
	}
	memcpy(key2, v.key, sizeof key2);
	key2[31] ^= 0x40;
	assert_int_equal(pow_challenge_check(v.ch, key2, 0), POW_FORGED);
	/* a later expiry with the old MAC */
	memcpy(x, v.ch, sizeof x);
	codec_u64be_put(x + 16, v.expiry + 3600);
	assert_int_equal(pow_challenge_check(x, v.key, 0), POW_FORGED);
	json_decref(v.j);
}

static void
test_make(void **state)
{
	uint8_t key[POW_KEY_BYTES], a[POW_CHALLENGE_BYTES], b[POW_CHALLENGE_BYTES];
	uint8_t nonce[POW_NONCE_BYTES];

	(void)state;
	randombytes_buf(key, sizeof key);
	pow_challenge_make(a, key, 1000);
	pow_challenge_make(b, key, 1000);
	assert_memory_not_equal(a, b, 16);
	assert_true(pow_challenge_expiry(a) == 1000);
	assert_int_equal(pow_challenge_check(a, key, 999), POW_OK);
	assert_int_equal(pow_challenge_check(a, key, 1000), POW_OK);
	assert_int_equal(pow_challenge_check(a, key, 1001), POW_EXPIRED);
	assert_int_equal(pow_challenge_check(b, key, 1001), POW_EXPIRED);
	pow_challenge_make(a, key, UINT64_MAX);
	assert_int_equal(pow_challenge_check(a, key, UINT64_MAX), POW_OK);

	/* solve and check at a few difficulties */
	for (unsigned d = 0; d <= 10; d += 2) {
		assert_int_equal(pow_solve(nonce, a, d, 0), 0);
		assert_int_equal(pow_solution_check(a, nonce, d), POW_OK);
	}
	/* difficulty 0 passes with anything; beyond 256 never */
	memset(nonce, 0xab, sizeof nonce);
	assert_int_equal(pow_solution_check(a, nonce, 0), POW_OK);
	assert_int_equal(pow_solution_check(a, nonce, 257), POW_INVALID);
	assert_int_equal(pow_solution_check(a, nonce, 256), POW_INVALID);
	assert_int_equal(pow_solve(nonce, a, POW_MAX_DIFFICULTY + 1, 0), -1);
	assert_int_equal(pow_solve(nonce, a, 1000, 0), -1);
}

/* A nonce found at difficulty d only passes up to the number of zero bits it has. */
static void
test_bit_order(void **state)
{
	struct powvec v;
	uint8_t nonce[POW_NONCE_BYTES], h[32], buf[POW_CHALLENGE_BYTES + POW_NONCE_BYTES];
	unsigned zeros = 0;

	(void)state;
	load(&v);
	testutil_b64u(nonce, sizeof nonce, "AAAAAAAAKAA");
	memcpy(buf, v.ch, POW_CHALLENGE_BYTES);
	memcpy(buf + POW_CHALLENGE_BYTES, nonce, POW_NONCE_BYTES);
	crypto_generichash(h, sizeof h, buf, sizeof buf, NULL, 0);
	while (zeros < 256 && ((h[zeros / 8] >> (7 - zeros % 8)) & 1) == 0)
		zeros++;
	assert_true(zeros >= 12);
	assert_int_equal(pow_solution_check(v.ch, nonce, zeros), POW_OK);
	assert_int_equal(pow_solution_check(v.ch, nonce, zeros + 1), POW_INVALID);
	json_decref(v.j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vector_challenge), cmocka_unit_test(test_vector_solutions),
	        cmocka_unit_test(test_forged),           cmocka_unit_test(test_make),
	        cmocka_unit_test(test_bit_order),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("pow", tests, NULL, NULL);
}
