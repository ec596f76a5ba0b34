/* Unit tests for crypto/codec: b64u strictness, big-endian helpers, days, ids. */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <string.h>

#include "crypto/codec.h"

static void
test_b64u_roundtrip(void **state)
{
	(void)state;
	for (size_t n = 0; n < 70; n++) {
		uint8_t in[70], out[70];
		char txt[CODEC_B64U_BUF(70)];
		size_t got;

		randombytes_buf(in, n);
		assert_int_equal(codec_b64u_encode(txt, sizeof txt, in, n), 0);
		assert_int_equal(strlen(txt), CODEC_B64U_LEN(n));
		assert_null(strchr(txt, '='));
		assert_int_equal(codec_b64u_decode(out, sizeof out, &got, txt, strlen(txt)), 0);
		assert_int_equal(got, n);
		assert_memory_equal(in, out, n);
	}
}

static void
test_b64u_rejects(void **state)
{
	static const char *bad[] = {
	        "AAA=",     /* padding */
	        "AA+A",     /* standard alphabet */
	        "AA/A",     /* standard alphabet */
	        "AA A",     /* white space */
	        "A",        /* dangling symbol */
	        "AAAAA",    /* 1 mod 4 */
	        "AB",       /* non-zero trailing bits */
	        "AAB",      /* non-zero trailing bits */
	        "AA\nA",    /* newline */
	        "QUFB\x80", /* non-ASCII */
	};
	uint8_t out[16];
	size_t got;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(codec_b64u_decode(out, sizeof out, &got, bad[i], strlen(bad[i])),
		                 -1);
	/* bytes >= 0x80 in place of symbols (libsodium 1.0.18 alone decodes this as "__") */
	{
		uint8_t out32[32];
		assert_int_equal(
		        codec_b64u_decode_exact(out32, 32,
		                                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xc3\xa9"
		                                "A"),
		        -1);
		assert_int_equal(codec_b64u_decode_exact(
		                         out32, 32, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA__A"),
		                 0);
	}
	/* exact length */
	assert_int_equal(codec_b64u_decode_exact(out, 3, "AAAA"), 0);
	assert_int_equal(codec_b64u_decode_exact(out, 2, "AAAA"), -1);
	assert_int_equal(codec_b64u_decode_exact(out, 4, "AAAA"), -1);
	assert_int_equal(codec_b64u_decode_exact(out, 4, NULL), -1);
	/* too small an output buffer */
	assert_int_equal(codec_b64u_decode(out, 2, &got, "AAAA", 4), -1);
	{
		char small[4];
		assert_int_equal(codec_b64u_encode(small, sizeof small, out, 3), -1);
		assert_string_equal(small, "");
	}
}

static void
test_be(void **state)
{
	uint8_t b[8];

	(void)state;
	codec_u64be_put(b, 0x0102030405060708ULL);
	assert_memory_equal(b, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_true(codec_u64be_get(b) == 0x0102030405060708ULL);
	codec_u32be_put(b, 0xA0B0C0D0u);
	assert_memory_equal(b, "\xA0\xB0\xC0\xD0", 4);
	assert_true(codec_u32be_get(b) == 0xA0B0C0D0u);
}

static void
test_district(void **state)
{
	(void)state;
	assert_true(codec_district_valid("d01"));
	assert_true(codec_district_valid("a"));
	assert_true(codec_district_valid("x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-"));
	assert_false(codec_district_valid(""));
	assert_false(codec_district_valid(NULL));
	assert_false(codec_district_valid("-d01"));
	assert_false(codec_district_valid("D01"));
	assert_false(codec_district_valid("d_01"));
	assert_false(codec_district_valid("x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x"));
}

static void
test_days(void **state)
{
	char day[CODEC_DAY_LEN + 1];
	long n;
	int off;

	(void)state;
	assert_true(codec_day_valid("2026-11-28"));
	assert_true(codec_day_valid("2024-02-29"));
	assert_false(codec_day_valid("2026-02-29"));
	assert_false(codec_day_valid("2100-02-29"));
	assert_true(codec_day_valid("2000-02-29"));
	assert_false(codec_day_valid("2026-13-01"));
	assert_false(codec_day_valid("2026-1-01"));
	assert_false(codec_day_valid("2026-11-28T"));
	assert_false(codec_day_valid("1969-12-31"));
	assert_false(codec_day_valid(NULL));
	assert_int_equal(codec_day_number("1970-01-01", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(codec_day_number("2026-11-28", &n), 0);
	assert_int_equal(codec_day_from_number(day, n), 0);
	assert_string_equal(day, "2026-11-28");
	/* 2026-11-28 15:59:59 UTC is still the 28th at +08:00 ... */
	assert_int_equal(codec_day_format(day, 1795881599, 480), 0);
	assert_string_equal(day, "2026-11-28");
	/* ... and one second later it is the 29th there, still the 28th in UTC. */
	assert_int_equal(codec_day_format(day, 1795881600, 480), 0);
	assert_string_equal(day, "2026-11-29");
	assert_int_equal(codec_day_format(day, 1795881600, 0), 0);
	assert_string_equal(day, "2026-11-28");
	assert_int_equal(codec_day_format(day, 0, 19 * 60), -1);
	/* every day number round-trips over a few centuries */
	for (long d = 0; d < 200000; d += 7) {
		long back;
		assert_int_equal(codec_day_from_number(day, d), 0);
		assert_int_equal(codec_day_number(day, &back), 0);
		assert_int_equal(back, d);
	}
	assert_int_equal(codec_offset_parse("+08:00", &off), 0);
	assert_int_equal(off, 480);
	assert_int_equal(codec_offset_parse("-05:30", &off), 0);
	assert_int_equal(off, -330);
	assert_int_equal(codec_offset_parse("Z", &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(codec_offset_parse("+8:00", &off), -1);
	assert_int_equal(codec_offset_parse("+19:00", &off), -1);
	assert_int_equal(codec_offset_parse("+08:60", &off), -1);
}

static void
test_hex(void **state)
{
	char out[9];

	(void)state;
	assert_int_equal(codec_hex_encode(out, sizeof out, (const uint8_t *)"\x00\xab\xcd\xef", 4),
	                 0);
	assert_string_equal(out, "00abcdef");
	assert_int_equal(codec_hex_encode(out, 8, (const uint8_t *)"\x00\xab\xcd\xef", 4), -1);
}

/* The JSON member readers: a count is an integer >= 0; b64u must be exactly n bytes. */
static void
test_json_members(void **state)
{
	json_t *o = json_loads("{\"n\":7,\"neg\":-1,\"s\":\"7\",\"k\":\"AAECAw\","
	                       "\"pad\":\"AAECAw==\",\"i\":5}",
	                       0, NULL);
	uint64_t v = 99;
	uint8_t b[4] = {9, 9, 9, 9};

	(void)state;
	assert_non_null(o);
	assert_int_equal(codec_json_count(o, "n", &v), 0);
	assert_int_equal(v, 7);
	v = 99;
	assert_int_equal(codec_json_count(o, "neg", &v), -1);
	assert_int_equal(codec_json_count(o, "s", &v), -1);
	assert_int_equal(codec_json_count(o, "missing", &v), -1);
	assert_int_equal(v, 99);
	assert_int_equal(codec_json_b64u(o, "k", b, 4), 0);
	assert_int_equal(b[3], 3);
	assert_int_equal(codec_json_b64u(o, "k", b, 3), -1);   /* one byte too many */
	assert_int_equal(codec_json_b64u(o, "k", b, 5), -1);   /* one byte short */
	assert_int_equal(codec_json_b64u(o, "pad", b, 4), -1); /* padding is not b64u */
	assert_int_equal(codec_json_b64u(o, "i", b, 4), -1);
	assert_int_equal(codec_json_b64u(o, "missing", b, 4), -1);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_b64u_roundtrip),
	        cmocka_unit_test(test_b64u_rejects),
	        cmocka_unit_test(test_be),
	        cmocka_unit_test(test_district),
	        cmocka_unit_test(test_days),
	        cmocka_unit_test(test_hex),
	        cmocka_unit_test(test_json_members),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
