/* Unit tests for crypto/vocab: the manifest word lists of DESIGN.md §6. */
#include "tests/unit/cm.h"

#include "crypto/vocab.h"

static void
test_lists(void **state)
{
	(void)state;
	assert_true(vocab_has(VOCAB_TYPE, "accusation"));
	assert_true(vocab_has(VOCAB_TYPE, "suggestion"));
	assert_false(vocab_has(VOCAB_TYPE, "other")); /* a category, not a type */
	assert_true(vocab_has(VOCAB_CATEGORY, "organizational"));
	assert_true(vocab_has(VOCAB_CATEGORY, "other"));
	assert_false(vocab_has(VOCAB_CATEGORY, "Political")); /* exact words only */
	assert_true(vocab_has(VOCAB_LEVEL, "enterprise"));
	assert_true(vocab_has(VOCAB_LEVEL, "unknown"));
	assert_false(vocab_has(VOCAB_LEVEL, "county "));
	assert_true(vocab_has(VOCAB_PARTY, "no"));
	assert_false(vocab_has(VOCAB_PARTY, "maybe"));
	assert_true(vocab_has(VOCAB_PURPOSE, "objection"));
	assert_false(vocab_has(VOCAB_PURPOSE, "accusation"));
	assert_false(vocab_has(VOCAB_TYPE, ""));
	assert_false(vocab_has(VOCAB_TYPE, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lists),
	};

	return cmocka_run_group_tests_name("vocab", tests, NULL, NULL);
}
