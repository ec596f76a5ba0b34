/* Unit tests for crypto/text: the shared UTF-8 check and decoder. */
#include "tests/unit/cm.h"

#include <jansson.h>
#include <string.h>

#include "crypto/text.h"

/* text_utf8_valid of a string literal (its bytes without the final NUL). */
#define VALID(lit, nul) text_utf8_valid((lit), sizeof(lit) - 1, (nul))

static void
test_accepts_text(void **state)
{
	(void)state;
	assert_true(VALID("", TEXT_NUL_BAD));
	assert_true(VALID("plain ascii", TEXT_NUL_BAD));
	assert_true(VALID("举报正文 é ü", TEXT_NUL_BAD));
	assert_true(VALID("\xc2\x80", TEXT_NUL_BAD));               /* U+0080, first 2-byte */
	assert_true(VALID("\xdf\xbf", TEXT_NUL_BAD));               /* U+07FF */
	assert_true(VALID("\xe0\xa0\x80", TEXT_NUL_BAD));           /* U+0800, first 3-byte */
	assert_true(VALID("\xed\x9f\xbf", TEXT_NUL_BAD));           /* U+D7FF, below surrogates */
	assert_true(VALID("\xee\x80\x80", TEXT_NUL_BAD));           /* U+E000, above surrogates */
	assert_true(VALID("\xef\xbf\xbf", TEXT_NUL_BAD));           /* U+FFFF */
	assert_true(VALID("\xf0\x90\x80\x80", TEXT_NUL_BAD));       /* U+10000, first 4-byte */
	assert_true(VALID("\xf4\x8f\xbf\xbf", TEXT_NUL_BAD));       /* U+10FFFF, the last */
	assert_true(VALID("\xf0\xa0\x80\x80 ext-B", TEXT_NUL_BAD)); /* U+20000 */
}

static void
test_rejects_overlong(void **state)
{
	(void)state;
	assert_false(VALID("\xc0\x80", TEXT_NUL_OK));         /* NUL, 2 bytes */
	assert_false(VALID("\xc1\xbf", TEXT_NUL_OK));         /* U+007F, 2 bytes */
	assert_false(VALID("\xe0\x80\xaf", TEXT_NUL_OK));     /* '/', 3 bytes */
	assert_false(VALID("\xe0\x9f\xbf", TEXT_NUL_OK));     /* U+07FF, 3 bytes */
	assert_false(VALID("\xf0\x80\x80\xaf", TEXT_NUL_OK)); /* '/', 4 bytes */
	assert_false(VALID("\xf0\x8f\xbf\xbf", TEXT_NUL_OK)); /* U+FFFF, 4 bytes */
}

static void
test_rejects_surrogates_and_beyond(void **state)
{
	(void)state;
	assert_false(VALID("\xed\xa0\x80", TEXT_NUL_OK));             /* U+D800 */
	assert_false(VALID("\xed\xbf\xbf", TEXT_NUL_OK));             /* U+DFFF */
	assert_false(VALID("\xed\xa0\xbd\xed\xb8\x80", TEXT_NUL_OK)); /* CESU pair */
	assert_false(VALID("\xf4\x90\x80\x80", TEXT_NUL_OK));         /* U+110000 */
	assert_false(VALID("\xf7\xbf\xbf\xbf", TEXT_NUL_OK));         /* U+1FFFFF */
	assert_false(VALID("\xf8\x88\x80\x80\x80", TEXT_NUL_OK));     /* 5-byte form */
	assert_false(VALID("\xfe", TEXT_NUL_OK));
	assert_false(VALID("\xff", TEXT_NUL_OK));
}

static void
test_rejects_truncated_and_stray(void **state)
{
	(void)state;
	assert_false(VALID("\xc3", TEXT_NUL_OK));         /* lead at the end */
	assert_false(VALID("\xe4\xb8", TEXT_NUL_OK));     /* 2 of 3 */
	assert_false(VALID("\xf0\x9f\x98", TEXT_NUL_OK)); /* 3 of 4 */
	assert_false(VALID("\xe4\xb8x", TEXT_NUL_OK));    /* ASCII where a continuation goes */
	assert_false(VALID("a\x80", TEXT_NUL_OK));        /* stray continuation */
	assert_false(VALID("\xbf", TEXT_NUL_OK));
	/* the length counts, not a NUL: a valid character cut by len */
	assert_false(text_utf8_valid("\xe4\xb8\xad", 2, TEXT_NUL_OK));
	assert_true(text_utf8_valid("\xe4\xb8\xad", 3, TEXT_NUL_OK));
	assert_false(text_utf8_valid(NULL, 0, TEXT_NUL_OK));
}

static void
test_nul_policy(void **state)
{
	(void)state;
	assert_true(VALID("a\0b", TEXT_NUL_OK));
	assert_false(VALID("a\0b", TEXT_NUL_BAD));
	assert_false(VALID("\0", TEXT_NUL_BAD));
	assert_true(VALID("\0", TEXT_NUL_OK));
}

static void
test_next_decodes(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(text_utf8_next((const unsigned char *)"A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(text_utf8_next((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(text_utf8_next((const unsigned char *)"\xe4\xb8\xad", 3, &cp), 3);
	assert_int_equal(cp, 0x4e2d);
	assert_int_equal(text_utf8_next((const unsigned char *)"\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	cp = 7;
	assert_int_equal(text_utf8_next((const unsigned char *)"\xe4\xb8\xad", 2, &cp), 0);
	assert_int_equal(cp, 7); /* untouched on failure */
}

/* Checks text_utf8_valid against Jansson's own check on one byte string. */
static void
same_as_jansson(const unsigned char *b, size_t n)
{
	json_t *j = json_stringn((const char *)b, n);
	int ok = text_utf8_valid((const char *)b, n, TEXT_NUL_OK);

	if (ok != (j != NULL))
		fail_msg("%02x %02x %02x %02x (%zu bytes): text %d, Jansson %d", b[0],
		         n > 1 ? b[1] : 0, n > 2 ? b[2] : 0, n > 3 ? b[3] : 0, n, ok, j != NULL);
	json_decref(j);
}

static void
test_agrees_with_jansson(void **state)
{
	/* continuation-byte edges and bytes around them */
	static const unsigned char T[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90,
	                                  0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xff};
	unsigned char b[4];

	(void)state;
	for (unsigned x = 0; x < 256; x++) {
		b[0] = (unsigned char)x;
		same_as_jansson(b, 1);
		for (unsigned y = 0; y < 256; y++) {
			b[1] = (unsigned char)y;
			same_as_jansson(b, 2);
		}
		for (size_t i = 0; i < sizeof T; i++)
			for (size_t k = 0; k < sizeof T; k++) {
				b[1] = T[i];
				b[2] = T[k];
				same_as_jansson(b, 3);
				for (size_t m = 0; m < sizeof T; m++) {
					b[3] = T[m];
					same_as_jansson(b, 4);
				}
			}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_accepts_text),
	        cmocka_unit_test(test_rejects_overlong),
	        cmocka_unit_test(test_rejects_surrogates_and_beyond),
	        cmocka_unit_test(test_rejects_truncated_and_stray),
	        cmocka_unit_test(test_nul_policy),
	        cmocka_unit_test(test_next_decodes),
	        cmocka_unit_test(test_agrees_with_jansson),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
