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

/* The words with their labels, in vocab.def's order, for show, stats, forward and --help. */
static void
test_labels(void **state)
{
	const struct vocab_word *w = vocab_words(VOCAB_TYPE);
	size_t n = 0;

	(void)state;
	assert_string_equal(w[0].word, "accusation");
	while (w[n].word != NULL) {
		assert_non_null(w[n].zh);
		assert_non_null(w[n].en);
		n++;
	}
	assert_int_equal(n, 3);
	assert_string_equal(vocab_zh(vocab_words(VOCAB_CATEGORY), "integrity"), "廉洁纪律");
	assert_string_equal(vocab_zh(vocab_words(VOCAB_PURPOSE), "objection"), "异议");
	assert_null(vocab_zh(vocab_words(VOCAB_CATEGORY), "accusation"));
	assert_null(vocab_zh(vocab_words(VOCAB_CATEGORY), NULL));
	assert_null(vocab_zh(NULL, "integrity"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lists),
	        cmocka_unit_test(test_labels),
	};

	return cmocka_run_group_tests_name("vocab", tests, NULL, NULL);
}
