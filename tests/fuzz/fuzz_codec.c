/*
 * fuzz_codec: the text encodings every parser leans on (crypto/codec.h):
 * b64u decoding (strict: whatever decodes must re-encode to the same text),
 * days (a valid day survives day -> number -> day), UTC offsets and district
 * ids, and the proof-of-work challenge and solution checks on arbitrary
 * bytes. Input: any bytes; the same bytes feed every decoder.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/pow.h"
#include "tests/fuzz/fuzz.h"

static uint8_t pow_key[POW_KEY_BYTES];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	fz_b64u(pow_key, sizeof pow_key, FZ_POW_KEY);
	if (fz_seed_dir() != NULL) {
		fz_seed_text("b64u-32", "RuYTO-sK7fQpCpQATm-iOB5E8x9jx4mj3P28QbdTnrQ");
		fz_seed_text("b64u-padded", "RuYTO-sK7fQpCpQATm-iOB5E8x9jx4mj3P28QbdTnrQ=");
		fz_seed_text("b64u-trailing-bits", "AB");
		fz_seed_text("b64u-std-alphabet", "ab+/");
		fz_seed_text("day", "2026-02-28");
		fz_seed_text("day-leap", "2024-02-29");
		fz_seed_text("day-bad", "2026-02-29");
		fz_seed_text("offset", "+08:00");
		fz_seed_text("offset-neg", "-05:30");
		fz_seed_text("offset-z", "Z");
		fz_seed_text("district", "x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-");
		fz_seed_text("challenge", "0_c9vDmrOuXc3yvjJ3v-wAAAAABxP7MAUSp3SxK6FZMnvbSE6iAV0g");
		exit(0);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *txt = malloc(size + 1);
	size_t outsz = size, outlen = 0;
	uint8_t *out = malloc(outsz ? outsz : 1);
	long days;
	int minutes;

	if (txt == NULL || out == NULL)
		abort();
	memcpy(txt, data, size);
	txt[size] = '\0';

	/* b64u: strict, so a decoded text re-encodes to exactly itself */
	if (codec_b64u_decode(out, outsz, &outlen, txt, size) == 0) {
		char *again = codec_b64u_encode_alloc(out, outlen);

		if (again == NULL || strlen(again) != size || memcmp(again, txt, size) != 0)
			fz_fail("b64u decoding accepted a text that is not canonical base64url");
		free(again);
		if (outlen > 0 && codec_b64u_decode(out, outlen - 1, &outlen, txt, size) == 0)
			fz_fail("must refuse a too-small output buffer");
	}
	if (strlen(txt) == size) {
		uint8_t b32[32];

		if (codec_b64u_decode_exact(b32, sizeof b32, txt) == 0 && size != 43)
			fz_fail("decode_exact(32) accepted a text that is not 43 characters");
	}

	/* days: valid ones round-trip through their day number */
	if (codec_day_number(txt, &days) == 0) {
		char back[CODEC_DAY_LEN + 1];

		if (!codec_day_valid(txt) || codec_day_from_number(back, days) != 0 ||
		    strcmp(back, txt) != 0)
			fz_fail("a valid day does not survive day -> number -> day");
	} else if (codec_day_valid(txt)) {
		fz_fail("codec_day_valid and codec_day_number disagree");
	}
	if (size >= 8) {
		char day[CODEC_DAY_LEN + 1];
		int64_t t;

		memcpy(&t, data, 8);
		if (codec_day_format(day, (time_t)(t % 400000000000LL),
		                     (int)(data[0] % 64) * 60 - 1080) == 0 &&
		    !codec_day_valid(day))
			fz_fail("codec_day_format wrote an invalid day");
	}
	if (codec_offset_parse(txt, &minutes) == 0 && (minutes < -18 * 60 || minutes > 18 * 60))
		fz_fail("an offset beyond 18 hours parsed");

	/* district ids */
	if (codec_district_valid(txt)) {
		size_t n = strlen(txt);

		if (n == 0 || n > CODEC_DISTRICT_MAX || txt[0] == '-')
			fz_fail("an invalid district id was accepted");
		for (size_t i = 0; i < n; i++)
			if (!((txt[i] >= 'a' && txt[i] <= 'z') ||
			      (txt[i] >= '0' && txt[i] <= '9') || txt[i] == '-'))
				fz_fail("a district id with a character outside [a-z0-9-] was "
				        "accepted");
	}

	/* proof-of-work on arbitrary bytes: the verdicts are total */
	if (size >= POW_CHALLENGE_BYTES + POW_NONCE_BYTES) {
		enum pow_result r = pow_challenge_check(data, pow_key, 1800000000);

		if (r != POW_OK && r != POW_FORGED && r != POW_EXPIRED)
			abort();
		r = pow_solution_check(data, data + POW_CHALLENGE_BYTES, data[size - 1] % 48);
		if (r != POW_OK && r != POW_INVALID)
			abort();
		(void)pow_challenge_expiry(data);
	}
	free(out);
	free(txt);
	return 0;
}
