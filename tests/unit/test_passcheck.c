/*
 * Unit tests for admin/passcheck (keygen's passphrase strength) and the
 * recovery sheet's fingerprint lines (admin/keysheet).
 */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/keysheet.h"
#include "admin/passcheck.h"

/* weak passphrases are refused (1) with a reason */
static void
test_weak(void **state)
{
	static const char *const weak[] = {"12345678",     "password",          "international",
	                                   "123456789012", "qingfeng-qingfeng", "abcdefghijkl"};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
		err[0] = '\0';
		assert_int_equal(
		        passcheck_new(weak[i], "d01", "测试区", PASSCHECK_DICT, err, sizeof err),
		        1);
		assert_true(strlen(err) > 0);
	}
	/* the length is the library's reason for a short one, with the minimum */
	passcheck_new("12345678", "d01", NULL, PASSCHECK_DICT, err, sizeof err);
	assert_non_null(strstr(err, "12"));
}

/* the district's own name counts as weak (the same words pass for another district); strong ones pass (0) */
static void
test_own_words_and_strong(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(passcheck_new("dongcheng jiwei", "d01", "dongcheng jiwei", PASSCHECK_DICT,
	                               err, sizeof err),
	                 1);
	assert_int_equal(
	        passcheck_new("dongcheng jiwei", "d02", "第二区", PASSCHECK_DICT, err, sizeof err),
	        0);
	assert_int_equal(passcheck_new("correct horse battery staple", "d01", "测试区",
	                               PASSCHECK_DICT, err, sizeof err),
	                 0);
	assert_int_equal(
	        passcheck_new("清风徐来水波不兴", NULL, NULL, PASSCHECK_DICT, err, sizeof err), 0);
}

/* without the word list the check does not silently pass (-1, names the package) */
static void
test_no_word_list(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(passcheck_new("correct horse battery staple", "d01", NULL,
	                               "/nonexistent/cracklib_dict", err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "cracklib-runtime"));
}

/* the fingerprint in two lines of four groups, indented */
static void
test_fingerprint_lines(void **state)
{
	char buf[256] = {0};
	FILE *f = fmemopen(buf, sizeof buf - 1, "w");

	(void)state;
	assert_non_null(f);
	keysheet_print_fingerprint(f, "0123 4567 89ab cdef 0011 2233 4455 6677", "  ");
	fclose(f);
	assert_string_equal(buf, "  1-4  0123 4567 89ab cdef\n  5-8  0011 2233 4455 6677\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_weak),
	        cmocka_unit_test(test_own_words_and_strong),
	        cmocka_unit_test(test_no_word_list),
	        cmocka_unit_test(test_fingerprint_lines),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("passcheck", tests, NULL, NULL);
}
