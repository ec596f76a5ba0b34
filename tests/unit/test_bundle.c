/* Unit tests for crypto/bundle: the vector update bundle, round trips, forgeries. */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bundle.h"
#include "tests/unit/testutil.h"

/*
 * As read_all, in the steps a pipelined reader takes: bundle_read_raw,
 * bundle_parse_line, bundle_reader_hash, bundle_reader_set_end.
 */
static int
read_all_raw(const char *text, size_t len, const char *type, const uint8_t pk[32], int *lines)
{
	FILE *f = fmemopen((void *)(uintptr_t)text, len, "r");
	struct bundle_reader r;
	uint8_t sig[SIGN_BYTES];
	const char *line;
	char *mine = NULL; /* the line taken from the reader */
	size_t n, mycap = 0;
	json_t *obj;
	int rc;

	assert_non_null(f);
	bundle_reader_init(&r, f, 1 << 20);
	*lines = 0;
	for (;;) {
		rc = bundle_read_raw(&r, &line, &n);
		if (rc == BUNDLE_END)
			rc = BUNDLE_ERR_FORMAT; /* no signature line */
		if (rc != BUNDLE_OK)
			break;
		bundle_reader_swap_line(&r, &mine, &mycap);
		assert_ptr_equal(mine, line);
		rc = bundle_parse_line(mine, n, &obj, sig);
		if (rc == BUNDLE_OK) {
			bundle_reader_hash(&r, mine, n);
			(*lines)++;
			json_decref(obj);
			continue;
		}
		if (rc == BUNDLE_END) {
			/* the file must end right after the signature line */
			rc = bundle_read_raw(&r, &line, &n) == BUNDLE_END ? BUNDLE_END
			                                                  : BUNDLE_ERR_FORMAT;
			if (rc == BUNDLE_END)
				bundle_reader_set_end(&r, sig);
		}
		break;
	}
	if (rc == BUNDLE_END)
		rc = bundle_reader_verify(&r, type, pk);
	bundle_reader_free(&r);
	free(mine);
	fclose(f);
	return rc;
}

/*
 * Reads every line of text as a bundle; returns the first non-OK code or the
 * verify result. The stepwise reading (read_all_raw) must agree.
 */
static int
read_all(const char *text, size_t len, const char *type, const uint8_t pk[32], int *lines)
{
	FILE *f = fmemopen((void *)(uintptr_t)text, len, "r");
	struct bundle_reader r;
	json_t *obj;
	int rc;

	assert_non_null(f);
	bundle_reader_init(&r, f, 1 << 20);
	*lines = 0;
	while ((rc = bundle_read(&r, &obj)) == BUNDLE_OK) {
		(*lines)++;
		json_decref(obj);
	}
	if (rc == BUNDLE_END)
		rc = bundle_reader_verify(&r, type, pk);
	bundle_reader_free(&r);
	fclose(f);
	{
		int raw_lines, raw_rc = read_all_raw(text, len, type, pk, &raw_lines);

		assert_int_equal(raw_rc, rc);
		assert_int_equal(raw_lines, *lines);
	}
	return rc;
}

static void
test_vector_update(void **state)
{
	json_t *keys = testutil_vector("keys.json");
	json_t *b = testutil_vector("bundles.json");
	uint8_t pk[32];
	const char *upd = testutil_str(b, "update");
	const char *tam = testutil_str(b, "tampered");
	int lines;

	(void)state;
	testutil_b64u(pk, 32, testutil_str(json_object_get(keys, "public"), "sign_pk"));
	assert_int_equal(read_all(upd, strlen(upd), BUNDLE_SIG_UPDATE, pk, &lines), BUNDLE_OK);
	assert_int_equal(lines, 2);
	assert_int_equal(read_all(tam, strlen(tam), BUNDLE_SIG_UPDATE, pk, &lines), BUNDLE_ERR_SIG);
	/* the right bytes under another type do not verify either */
	assert_int_equal(read_all(upd, strlen(upd), BUNDLE_SIG_EXPORT, pk, &lines), BUNDLE_ERR_SIG);
	json_decref(keys);
	json_decref(b);
}

static void
make_bundle(char **buf, size_t *len, const uint8_t sk[64], int entries)
{
	FILE *f = open_memstream(buf, len);
	struct bundle_writer w;
	json_t *o;

	assert_non_null(f);
	bundle_writer_init(&w, f);
	o = json_pack("{s:s, s:i}", "type", "qingfeng-export", "v", 1);
	assert_int_equal(bundle_write(&w, o), BUNDLE_OK);
	json_decref(o);
	for (int i = 1; i <= entries; i++) {
		o = json_pack("{s:i, s:s}", "index", i, "kind", "report");
		assert_int_equal(bundle_write(&w, o), BUNDLE_OK);
		json_decref(o);
	}
	assert_int_equal(bundle_writer_finish(&w, BUNDLE_SIG_EXPORT, sk), BUNDLE_OK);
	fclose(f);
}

static void
test_roundtrip_and_forgeries(void **state)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64];
	size_t len;
	char *good = NULL;
	int lines;

	(void)state;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	make_bundle(&good, &len, sk, 3);
	assert_int_equal(read_all(good, len, BUNDLE_SIG_EXPORT, pk, &lines), BUNDLE_OK);
	assert_int_equal(lines, 4);
	/* another key */
	assert_int_equal(read_all(good, len, BUNDLE_SIG_EXPORT, pk2, &lines), BUNDLE_ERR_SIG);
	/* every single-byte change before the signature line is caught */
	{
		const char *sigline = strstr(good, "{\"sig\"");
		size_t body = (size_t)(sigline - good);
		for (size_t i = 0; i < body; i++) {
			char *t = malloc(len);
			int rc;
			memcpy(t, good, len);
			t[i] ^= 0x01;
			rc = read_all(t, len, BUNDLE_SIG_EXPORT, pk, &lines);
			assert_int_not_equal(rc, BUNDLE_OK);
			free(t);
		}
		/* a dropped entry line */
		{
			const char *l2 = strchr(good, '\n') + 1;
			const char *l3 = strchr(l2, '\n') + 1;
			char *t = malloc(len);
			size_t n = (size_t)(l2 - good);
			memcpy(t, good, n);
			memcpy(t + n, l3, len - (size_t)(l3 - good));
			assert_int_equal(
			        read_all(t, len - (size_t)(l3 - l2), BUNDLE_SIG_EXPORT, pk, &lines),
			        BUNDLE_ERR_SIG);
			free(t);
		}
	}
	/* truncated: no signature line, or cut inside it */
	{
		const char *sigline = strstr(good, "{\"sig\"");
		size_t body = (size_t)(sigline - good);
		assert_int_equal(read_all(good, body, BUNDLE_SIG_EXPORT, pk, &lines),
		                 BUNDLE_ERR_FORMAT);
		assert_int_equal(read_all(good, len - 1, BUNDLE_SIG_EXPORT, pk, &lines),
		                 BUNDLE_ERR_FORMAT);
		assert_int_equal(read_all(good, len - 5, BUNDLE_SIG_EXPORT, pk, &lines),
		                 BUNDLE_ERR_FORMAT);
	}
	/* bytes after the signature line */
	{
		char *t = malloc(len + 2);
		memcpy(t, good, len);
		memcpy(t + len, "{}", 2);
		assert_int_equal(read_all(t, len + 2, BUNDLE_SIG_EXPORT, pk, &lines),
		                 BUNDLE_ERR_FORMAT);
		free(t);
	}
	free(good);
}

static void
test_malformed_lines(void **state)
{
	static const char *bad[] = {
	        "not json\n{\"sig\":\"AAAA\"}\n",
	        "[1,2]\n{\"sig\":\"AAAA\"}\n",
	        "{\"a\":1,\"a\":2}\n{\"sig\":\"AAAA\"}\n",
	        "{\"a\":1}\n{\"sig\":\"not b64u!\"}\n",
	        "{\"a\":1}\n{\"sig\":\"AAAA\"}\n", /* a signature of the wrong length */
	        "",
	};
	uint8_t pk[32] = {0};
	int lines;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(read_all(bad[i], strlen(bad[i]), BUNDLE_SIG_EXPORT, pk, &lines),
		                 BUNDLE_ERR_FORMAT);
}

static void
test_line_limit(void **state)
{
	size_t n = 5000;
	char *t = malloc(n + 64);
	FILE *f;
	struct bundle_reader r;
	json_t *obj;

	(void)state;
	memset(t, ' ', n);
	t[0] = '{';
	t[n - 2] = '}';
	t[n - 1] = '\n';
	f = fmemopen(t, n, "r");
	bundle_reader_init(&r, f, 1000);
	assert_int_equal(bundle_read(&r, &obj), BUNDLE_ERR_FORMAT);
	bundle_reader_free(&r);
	fclose(f);
	f = fmemopen(t, n, "r");
	bundle_reader_init(&r, f, 1000);
	{
		const char *line;
		size_t len;

		assert_int_equal(bundle_read_raw(&r, &line, &len), BUNDLE_ERR_FORMAT);
	}
	bundle_reader_free(&r);
	fclose(f);
	f = fmemopen(t, n, "r");
	bundle_reader_init(&r, f, 10000);
	assert_int_equal(bundle_read(&r, &obj), BUNDLE_OK);
	json_decref(obj);
	bundle_reader_free(&r);
	fclose(f);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vector_update),
	        cmocka_unit_test(test_roundtrip_and_forgeries),
	        cmocka_unit_test(test_malformed_lines),
	        cmocka_unit_test(test_line_limit),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("bundle", tests, NULL, NULL);
}
