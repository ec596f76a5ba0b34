/*
 * Known answers for the district's signed case statements (DESIGN.md §15,
 * tests/vectors/statements.json) and the server's oversight bundle (§16,
 * tests/vectors/oversight.json), both made by an independent
 * implementation: every valid statement verifies with exactly its message,
 * every invalid one does not, every replies_hash[n] is the hash over the
 * first n reply envelopes; the update bundle and its case entry verify; the
 * oversight bundle verifies, its chains recompute to each district's head,
 * its case entries verify, and the tampered copy is refused.
 */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/sign.h"
#include "tests/unit/testutil.h"

static json_t *g_st, *g_ov;

static int
setup(void **state)
{
	(void)state;
	g_st = testutil_vector("statements.json");
	g_ov = testutil_vector("oversight.json");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	json_decref(g_st);
	json_decref(g_ov);
	return 0;
}

/* Reads a statement object (vector or bundle entry) into f; district given. */
static void
fields_from(struct sign_case_fields *f, const json_t *o, const char *district, const char *lookup)
{
	memset(f, 0, sizeof *f);
	f->district = district;
	testutil_b64u(f->lookup, 32, lookup != NULL ? lookup : testutil_str(o, "lookup"));
	f->index = (uint64_t)json_integer_value(json_object_get(o, "index"));
	f->status = testutil_str(o, "status");
	f->status_day = testutil_str(o, "status_day");
	f->replies = (uint64_t)json_integer_value(json_object_get(o, "replies"));
	testutil_b64u(f->replies_hash, 32, testutil_str(o, "replies_hash"));
	f->followups_verified =
	        (uint64_t)json_integer_value(json_object_get(o, "followups_verified"));
	f->seq = (uint64_t)json_integer_value(json_object_get(o, "seq"));
}

static void
test_statements(void **state)
{
	const char *district = testutil_str(g_st, "district"), *lookup, *name;
	const json_t *c;
	uint8_t pk[32], sig[64], msg[256];
	size_t i, n = 0;

	(void)state;
	lookup = testutil_str(g_st, "lookup");
	testutil_b64u(pk, 32, testutil_str(g_st, "sign_pk"));
	json_array_foreach(json_object_get(g_st, "valid"), i, c)
	{
		struct sign_case_fields f;
		uint8_t *want;
		size_t wlen, mlen;
		const char *hex = testutil_str(c, "message_hex");

		fields_from(&f, c, district, lookup);
		want = malloc(strlen(hex) / 2);
		assert_non_null(want);
		assert_int_equal(
		        sodium_hex2bin(want, strlen(hex) / 2, hex, strlen(hex), NULL, &wlen, NULL),
		        0);
		assert_int_equal(sign_case_message(msg, sizeof msg, &mlen, &f), 0);
		assert_int_equal(mlen, wlen);
		assert_memory_equal(msg, want, wlen);
		free(want);
		testutil_b64u(sig, 64, testutil_str(c, "sig"));
		assert_int_equal(sign_case_verify(sig, pk, &f), 0);
		n++;
	}
	assert_int_equal(n, 3);
	n = 0;
	json_object_foreach(json_object_get(g_st, "invalid"), name, c)
	{
		struct sign_case_fields f;

		fields_from(&f, c, district, lookup);
		testutil_b64u(sig, 64, testutil_str(c, "sig"));
		if (sign_case_verify(sig, pk, &f) == 0)
			fail_msg("invalid statement \"%s\" verifies", name);
		n++;
	}
	assert_true(n >= 8);

	/* a fresh key signs what it verifies, and nothing else */
	{
		uint8_t spk[32], ssk[64];
		struct sign_case_fields f;

		crypto_sign_keypair(spk, ssk);
		fields_from(&f, json_array_get(json_object_get(g_st, "valid"), 0), district,
		            lookup);
		assert_int_equal(sign_case(sig, ssk, &f), 0);
		assert_int_equal(sign_case_verify(sig, spk, &f), 0);
		f.replies++;
		assert_int_equal(sign_case_verify(sig, spk, &f), -1);
		f.replies--;
		f.status = "a-status-name-longer-than-32-bytes";
		assert_int_equal(sign_case(sig, ssk, &f), -1);
		sodium_memzero(ssk, sizeof ssk);
	}
}

static void
test_replies_hash(void **state)
{
	const json_t *envs = json_object_get(g_st, "reply_envelopes");
	const json_t *want = json_object_get(g_st, "replies_hash");
	uint8_t r[32] = {0}, w[32];

	(void)state;
	assert_int_equal(json_array_size(want), json_array_size(envs) + 1);
	testutil_b64u(w, 32, json_string_value(json_array_get(want, 0)));
	assert_memory_equal(r, w, 32);
	for (size_t k = 0; k < json_array_size(envs); k++) {
		size_t len;
		uint8_t *env =
		        testutil_b64u_alloc(json_string_value(json_array_get(envs, k)), &len);

		sign_replies_hash_next(r, r, env, len);
		free(env);
		testutil_b64u(w, 32, json_string_value(json_array_get(want, k + 1)));
		assert_memory_equal(r, w, 32);
	}
}

/* Opens a bundle held as text. */
static FILE *
text_file(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	return f;
}

static void
test_update_bundle(void **state)
{
	const char *district = testutil_str(g_st, "district");
	struct bundle_reader r;
	uint8_t pk[32];
	json_t *o;
	int rc, cases = 0;
	FILE *f = text_file(testutil_str(g_st, "update"));

	(void)state;
	testutil_b64u(pk, 32, testutil_str(g_st, "sign_pk"));
	bundle_reader_init(&r, f, 1 << 20);
	assert_int_equal(bundle_read(&r, &o), BUNDLE_OK);
	assert_string_equal(testutil_str(o, "type"), BUNDLE_TYPE_UPDATE);
	json_decref(o);
	while ((rc = bundle_read(&r, &o)) == BUNDLE_OK) {
		if (strcmp(testutil_str(o, "op"), "case") == 0) {
			struct sign_case_fields cf;
			uint8_t sig[64];

			fields_from(&cf, o, district, NULL);
			cf.seq = 2; /* the update's */
			testutil_b64u(sig, 64, testutil_str(o, "sig"));
			assert_int_equal(sign_case_verify(sig, pk, &cf), 0);
			cases++;
		}
		json_decref(o);
	}
	assert_int_equal(rc, BUNDLE_END);
	assert_int_equal(cases, 1);
	assert_int_equal(bundle_reader_verify(&r, BUNDLE_SIG_UPDATE, pk), BUNDLE_OK);
	bundle_reader_free(&r);
	fclose(f);
}

struct ov_district {
	const char *id;
	uint8_t sign_pk[32];
	uint8_t head[32];
	uint64_t size;
	uint8_t chain[32]; /* recomputed */
	uint64_t at;       /* index recomputed through */
};

/*
 * Reads an oversight bundle; checks every chain entry and case entry as it
 * goes. Returns the bundle signature's verdict (BUNDLE_OK or BUNDLE_ERR_SIG).
 */
static int
read_oversight(const char *text, int *chains, int *cases)
{
	struct ov_district d[8];
	size_t nd = 0, i;
	struct bundle_reader r;
	uint8_t spk[32];
	json_t *h, *o, *dl;
	const json_t *x;
	int rc;
	FILE *f = text_file(text);

	*chains = *cases = 0;
	testutil_b64u(spk, 32, testutil_str(g_ov, "server_sign_pk"));
	bundle_reader_init(&r, f, 1 << 20);
	assert_int_equal(bundle_read(&r, &h), BUNDLE_OK);
	assert_string_equal(testutil_str(h, "type"), BUNDLE_TYPE_OVERSIGHT);
	dl = json_object_get(h, "districts");
	json_array_foreach(dl, i, x)
	{
		assert_true(nd < 8);
		memset(&d[nd], 0, sizeof d[nd]);
		d[nd].id = testutil_str(x, "id");
		testutil_b64u(d[nd].sign_pk, 32, testutil_str(x, "sign_pk"));
		testutil_b64u(d[nd].head, 32, testutil_str(x, "head"));
		d[nd].size = (uint64_t)json_integer_value(json_object_get(x, "size"));
		nd++;
	}
	while ((rc = bundle_read(&r, &o)) == BUNDLE_OK) {
		const char *id = testutil_str(o, "district");
		struct ov_district *dd = NULL;

		for (i = 0; i < nd; i++)
			if (strcmp(d[i].id, id) == 0)
				dd = &d[i];
		assert_non_null(dd);
		if (json_object_get(o, "kind") != NULL) {
			uint8_t lookup[32], eh[32], claimed[32];
			const char *kind = testutil_str(o, "kind");
			uint64_t index = (uint64_t)json_integer_value(json_object_get(o, "index"));

			assert_int_equal(index, dd->at + 1);
			testutil_b64u(lookup, 32, testutil_str(o, "lookup"));
			testutil_b64u(eh, 32, testutil_str(o, "envelope_hash"));
			testutil_b64u(claimed, 32, testutil_str(o, "chain"));
			assert_int_equal(chain_next(dd->chain, dd->chain, index,
			                            strcmp(kind, "report") == 0
			                                    ? CHAIN_KIND_REPORT
			                                    : CHAIN_KIND_FOLLOWUP,
			                            lookup, eh, testutil_str(o, "day")),
			                 0);
			assert_memory_equal(dd->chain, claimed, 32);
			dd->at = index;
			(*chains)++;
		} else if (json_object_get(o, "op") != NULL) {
			struct sign_case_fields cf;
			uint8_t sig[64];

			assert_string_equal(testutil_str(o, "op"), "case");
			fields_from(&cf, o, id, NULL);
			testutil_b64u(sig, 64, testutil_str(o, "sig"));
			assert_int_equal(sign_case_verify(sig, dd->sign_pk, &cf), 0);
			/* it names a report of the chain */
			assert_true(cf.index >= 1 && cf.index <= dd->size);
			(*cases)++;
		} else {
			assert_non_null(json_object_get(o, "applied"));
		}
		json_decref(o);
	}
	assert_int_equal(rc, BUNDLE_END);
	for (i = 0; i < nd; i++) {
		assert_int_equal(d[i].at, d[i].size);
		assert_memory_equal(d[i].chain, d[i].head, 32);
	}
	rc = bundle_reader_verify(&r, BUNDLE_SIG_OVERSIGHT, spk);
	bundle_reader_free(&r);
	json_decref(h);
	fclose(f);
	return rc;
}

static void
test_oversight_bundle(void **state)
{
	int chains, cases;

	(void)state;
	assert_int_equal(read_oversight(testutil_str(g_ov, "bundle"), &chains, &cases), BUNDLE_OK);
	assert_int_equal(chains, 5);
	assert_int_equal(cases, 3);
}

static void
test_oversight_tampered(void **state)
{
	const char *t = testutil_str(g_ov, "tampered");
	struct bundle_reader r;
	uint8_t spk[32];
	json_t *o;
	FILE *f = text_file(t);

	(void)state;
	/* one chain entry's day changed: the server's signature no longer holds */
	testutil_b64u(spk, 32, testutil_str(g_ov, "server_sign_pk"));
	bundle_reader_init(&r, f, 1 << 20);
	while (bundle_read(&r, &o) == BUNDLE_OK)
		json_decref(o);
	assert_int_equal(bundle_reader_verify(&r, BUNDLE_SIG_OVERSIGHT, spk), BUNDLE_ERR_SIG);
	bundle_reader_free(&r);
	fclose(f);
	assert_string_not_equal(t, testutil_str(g_ov, "bundle"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_statements),         cmocka_unit_test(test_replies_hash),
	        cmocka_unit_test(test_update_bundle),      cmocka_unit_test(test_oversight_bundle),
	        cmocka_unit_test(test_oversight_tampered),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("statements", tests, setup, teardown);
}
