/*
 * Unit tests for crypto/chain and crypto/sign: the hash chain, receipt and
 * head signatures of chain.json, and the bundle signatures of bundles.json.
 */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "crypto/chain.h"
#include "crypto/sign.h"
#include "tests/unit/testutil.h"

struct entry {
	uint64_t index;
	int kind;
	uint8_t lookup[32];
	uint8_t envelope_hash[32];
	char day[11];
	uint8_t chain[32];
	uint8_t sig[64];
};

struct vec {
	char district[33];
	uint8_t pk[32];
	uint8_t sk[64];
	struct entry e[5];
	size_t n;
	uint64_t head_size;
	uint8_t head[32];
	char head_day[11];
	uint8_t head_sig[64];
};

static void
load_chain(struct vec *v)
{
	json_t *j = testutil_vector("chain.json");
	json_t *entries = json_object_get(j, "entries");
	json_t *head = json_object_get(j, "head");
	size_t i;
	json_t *e;

	memset(v, 0, sizeof *v);
	snprintf(v->district, sizeof v->district, "%s", testutil_str(j, "district"));
	testutil_b64u(v->pk, 32, testutil_str(j, "server_sign_pk"));
	testutil_b64u(v->sk, 64, testutil_str(j, "server_sign_sk"));
	assert_int_equal(json_array_size(entries), 5);
	json_array_foreach(entries, i, e)
	{
		struct entry *x = &v->e[i];

		x->index = (uint64_t)json_integer_value(json_object_get(e, "index"));
		x->kind = (int)json_integer_value(json_object_get(e, "kind"));
		testutil_b64u(x->lookup, 32, testutil_str(e, "lookup"));
		testutil_b64u(x->envelope_hash, 32, testutil_str(e, "envelope_hash"));
		snprintf(x->day, sizeof x->day, "%s", testutil_str(e, "day"));
		testutil_b64u(x->chain, 32, testutil_str(e, "chain"));
		testutil_b64u(x->sig, 64, testutil_str(e, "receipt_sig"));
	}
	v->n = i;
	v->head_size = (uint64_t)json_integer_value(json_object_get(head, "size"));
	testutil_b64u(v->head, 32, testutil_str(head, "head"));
	snprintf(v->head_day, sizeof v->head_day, "%s", testutil_str(head, "day"));
	testutil_b64u(v->head_sig, 64, testutil_str(head, "sig"));
	json_decref(j);
}

static void
test_h256(void **state)
{
	/* BLAKE2b-256 of the empty string */
	static const uint8_t empty[32] = {0x0e, 0x57, 0x51, 0xc0, 0x26, 0xe5, 0x43, 0xb2,
	                                  0xe8, 0xab, 0x2e, 0xb0, 0x60, 0x99, 0xda, 0xa1,
	                                  0xd1, 0xe5, 0xdf, 0x47, 0x77, 0x8f, 0x77, 0x87,
	                                  0xfa, 0xab, 0x45, 0xcd, 0xf1, 0x2f, 0xe3, 0xa8};
	uint8_t h[32];

	(void)state;
	chain_h256(h, (const uint8_t *)"", 0);
	assert_memory_equal(h, empty, 32);
}

static void
test_chain_vectors(void **state)
{
	struct vec v;
	uint8_t prev[32] = {0}, c[32];

	(void)state;
	load_chain(&v);
	for (size_t i = 0; i < v.n; i++) {
		const struct entry *e = &v.e[i];

		assert_int_equal(e->index, i + 1);
		assert_int_equal(
		        chain_next(c, prev, e->index, e->kind, e->lookup, e->envelope_hash, e->day),
		        0);
		assert_memory_equal(c, e->chain, 32);
		memcpy(prev, c, 32);
	}
	assert_int_equal(v.head_size, v.n);
	assert_memory_equal(prev, v.head, 32);

	/* out may alias prev */
	memset(prev, 0, 32);
	assert_int_equal(chain_next(prev, prev, 1, v.e[0].kind, v.e[0].lookup, v.e[0].envelope_hash,
	                            v.e[0].day),
	                 0);
	assert_memory_equal(prev, v.e[0].chain, 32);
}

static void
test_chain_sensitive(void **state)
{
	struct vec v;
	const struct entry *e;
	uint8_t prev[32], c[32], x[32];

	(void)state;
	load_chain(&v);
	e = &v.e[1];
	memcpy(prev, v.e[0].chain, 32);
	/* every input matters */
	assert_int_equal(chain_next(c, prev, 3, e->kind, e->lookup, e->envelope_hash, e->day), 0);
	assert_memory_not_equal(c, e->chain, 32);
	assert_int_equal(
	        chain_next(c, prev, 2, CHAIN_KIND_FOLLOWUP, e->lookup, e->envelope_hash, e->day),
	        0);
	assert_memory_not_equal(c, e->chain, 32);
	assert_int_equal(chain_next(c, prev, 2, e->kind, e->lookup, e->envelope_hash, "2026-11-23"),
	                 0);
	assert_memory_not_equal(c, e->chain, 32);
	memcpy(x, e->lookup, 32);
	x[31] ^= 1;
	assert_int_equal(chain_next(c, prev, 2, e->kind, x, e->envelope_hash, e->day), 0);
	assert_memory_not_equal(c, e->chain, 32);
	memcpy(x, e->envelope_hash, 32);
	x[0] ^= 0x80;
	assert_int_equal(chain_next(c, prev, 2, e->kind, e->lookup, x, e->day), 0);
	assert_memory_not_equal(c, e->chain, 32);
	prev[5] ^= 4;
	assert_int_equal(chain_next(c, prev, 2, e->kind, e->lookup, e->envelope_hash, e->day), 0);
	assert_memory_not_equal(c, e->chain, 32);

	/* bad arguments: -1 and out zeroed */
	static const char *bad_days[] = {"2026-11-2", "2026-11-31", "2026/11/21",
	                                 "",          NULL,         "2026-11-210"};
	for (size_t i = 0; i < sizeof bad_days / sizeof bad_days[0]; i++) {
		memset(c, 0xff, 32);
		assert_int_equal(
		        chain_next(c, prev, 2, e->kind, e->lookup, e->envelope_hash, bad_days[i]),
		        -1);
		assert_true(sodium_is_zero(c, 32));
	}
	memset(c, 0xff, 32);
	assert_int_equal(chain_next(c, prev, 0, e->kind, e->lookup, e->envelope_hash, e->day), -1);
	assert_true(sodium_is_zero(c, 32));
	for (int kind = -1; kind < 5; kind++) {
		if (kind == CHAIN_KIND_REPORT || kind == CHAIN_KIND_FOLLOWUP)
			continue;
		memset(c, 0xff, 32);
		assert_int_equal(chain_next(c, prev, 2, kind, e->lookup, e->envelope_hash, e->day),
		                 -1);
		assert_true(sodium_is_zero(c, 32));
	}
}

static void
test_receipt_sigs(void **state)
{
	struct vec v;
	uint8_t pk[32], sig[64], x[64];

	(void)state;
	load_chain(&v);
	crypto_sign_ed25519_sk_to_pk(pk, v.sk);
	assert_memory_equal(pk, v.pk, 32);
	for (size_t i = 0; i < v.n; i++) {
		const struct entry *e = &v.e[i];

		assert_int_equal(sign_receipt(sig, v.sk, v.district, e->index, e->day,
		                              e->envelope_hash, e->chain),
		                 0);
		assert_memory_equal(sig, e->sig, 64);
		assert_int_equal(sign_receipt_verify(e->sig, v.pk, v.district, e->index, e->day,
		                                     e->envelope_hash, e->chain),
		                 0);
		/* other district, index, day, hash, chain */
		assert_int_equal(sign_receipt_verify(e->sig, v.pk, "d02", e->index, e->day,
		                                     e->envelope_hash, e->chain),
		                 -1);
		assert_int_equal(sign_receipt_verify(e->sig, v.pk, "d0", e->index, e->day,
		                                     e->envelope_hash, e->chain),
		                 -1);
		assert_int_equal(sign_receipt_verify(e->sig, v.pk, v.district, e->index + 1, e->day,
		                                     e->envelope_hash, e->chain),
		                 -1);
		assert_int_equal(sign_receipt_verify(e->sig, v.pk, v.district, e->index,
		                                     "2026-01-01", e->envelope_hash, e->chain),
		                 -1);
		assert_int_equal(sign_receipt_verify(e->sig, v.pk, v.district, e->index, e->day,
		                                     e->chain, e->chain),
		                 -1);
		assert_int_equal(sign_receipt_verify(e->sig, v.pk, v.district, e->index, e->day,
		                                     e->envelope_hash, e->envelope_hash),
		                 -1);
		/* a receipt signature is not a head signature */
		assert_int_equal(
		        sign_head_verify(e->sig, v.pk, v.district, e->index, e->chain, e->day), -1);
	}
	/* every flipped bit of one signature fails */
	for (size_t bit = 0; bit < 512; bit++) {
		memcpy(x, v.e[0].sig, 64);
		x[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(sign_receipt_verify(x, v.pk, v.district, 1, v.e[0].day,
		                                     v.e[0].envelope_hash, v.e[0].chain),
		                 -1);
	}
	/* another key */
	memcpy(pk, v.pk, 32);
	pk[0] ^= 1;
	assert_int_equal(sign_receipt_verify(v.e[0].sig, pk, v.district, 1, v.e[0].day,
	                                     v.e[0].envelope_hash, v.e[0].chain),
	                 -1);
	/* invalid district or day: -1 and sig zeroed */
	memset(sig, 0xff, 64);
	assert_int_equal(
	        sign_receipt(sig, v.sk, "D01", 1, v.e[0].day, v.e[0].envelope_hash, v.e[0].chain),
	        -1);
	assert_true(sodium_is_zero(sig, 64));
	memset(sig, 0xff, 64);
	assert_int_equal(sign_receipt(sig, v.sk, v.district, 1, "2026-02-30", v.e[0].envelope_hash,
	                              v.e[0].chain),
	                 -1);
	assert_true(sodium_is_zero(sig, 64));
	assert_int_equal(sign_receipt_verify(v.e[0].sig, v.pk, NULL, 1, v.e[0].day,
	                                     v.e[0].envelope_hash, v.e[0].chain),
	                 -1);
}

static void
test_head_sig(void **state)
{
	struct vec v;
	uint8_t sig[64], x[64];

	(void)state;
	load_chain(&v);
	assert_int_equal(sign_head(sig, v.sk, v.district, v.head_size, v.head, v.head_day), 0);
	assert_memory_equal(sig, v.head_sig, 64);
	assert_int_equal(
	        sign_head_verify(v.head_sig, v.pk, v.district, v.head_size, v.head, v.head_day), 0);
	assert_int_equal(sign_head_verify(v.head_sig, v.pk, "d02", v.head_size, v.head, v.head_day),
	                 -1);
	assert_int_equal(
	        sign_head_verify(v.head_sig, v.pk, v.district, v.head_size - 1, v.head, v.head_day),
	        -1);
	assert_int_equal(sign_head_verify(v.head_sig, v.pk, v.district, v.head_size, v.e[3].chain,
	                                  v.head_day),
	                 -1);
	assert_int_equal(
	        sign_head_verify(v.head_sig, v.pk, v.district, v.head_size, v.head, "2026-11-26"),
	        -1);
	/* a head signature is not a receipt signature */
	assert_int_equal(sign_receipt_verify(v.head_sig, v.pk, v.district, v.head_size, v.head_day,
	                                     v.head, v.head),
	                 -1);
	for (size_t bit = 0; bit < 512; bit += 7) {
		memcpy(x, v.head_sig, 64);
		x[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(
		        sign_head_verify(x, v.pk, v.district, v.head_size, v.head, v.head_day), -1);
	}
	memset(sig, 0xff, 64);
	assert_int_equal(sign_head(sig, v.sk, "-d01", v.head_size, v.head, v.head_day), -1);
	assert_true(sodium_is_zero(sig, 64));
	memset(sig, 0xff, 64);
	assert_int_equal(sign_head(sig, v.sk, v.district, v.head_size, v.head, NULL), -1);
	assert_true(sodium_is_zero(sig, 64));
}

/*
 * Splits a bundle into the bytes the signature covers (everything up to
 * and including the newline before the last line) and the signature.
 */
static void
split_bundle(const char *text, size_t *body_len, uint8_t sig[64])
{
	size_t len = strlen(text);
	const char *last;
	json_t *line;
	json_error_t err;

	assert_true(len > 1 && text[len - 1] == '\n');
	last = text + len - 1;
	while (last > text && last[-1] != '\n')
		last--;
	assert_true(last > text);
	*body_len = (size_t)(last - text);
	line = json_loadb(last, len - *body_len, 0, &err);
	assert_non_null(line);
	assert_int_equal(json_object_size(line), 1);
	testutil_b64u(sig, 64, testutil_str(line, "sig"));
	json_decref(line);
}

static int
verify_text(const char *text, size_t len, const uint8_t sig[64], const char *type,
            const uint8_t pk[32])
{
	struct sign_bundle b;

	sign_bundle_init(&b);
	sign_bundle_update(&b, text, len);
	return sign_bundle_final_verify(&b, sig, type, pk);
}

static void
test_bundle_vectors(void **state)
{
	json_t *bundles = testutil_vector("bundles.json");
	json_t *keys = testutil_vector("keys.json");
	const char *update = testutil_str(bundles, "update");
	const char *tampered = testutil_str(bundles, "tampered");
	uint8_t pk[32], sig[64], sig2[64], sk[64];
	struct sign_bundle b;
	size_t body, body2;

	(void)state;
	testutil_b64u(pk, 32, testutil_str(json_object_get(keys, "public"), "sign_pk"));
	testutil_b64u(sk, 64, testutil_str(keys, "sign_sk"));

	split_bundle(update, &body, sig);
	assert_int_equal(verify_text(update, body, sig, "update", pk), 0);
	/* the same bytes fed in pieces */
	sign_bundle_init(&b);
	for (size_t i = 0; i < body; i += 7)
		sign_bundle_update(&b, update + i, body - i < 7 ? body - i : 7);
	assert_int_equal(sign_bundle_final_verify(&b, sig, "update", pk), 0);
	/* signing the same bytes with the district key gives the vector's signature */
	sign_bundle_init(&b);
	sign_bundle_update(&b, update, body);
	assert_int_equal(sign_bundle_final_sign(&b, sig2, "update", sk), 0);
	assert_memory_equal(sig, sig2, 64);
	/* without the last newline, or with the signature line, it fails */
	assert_int_equal(verify_text(update, body - 1, sig, "update", pk), -1);
	assert_int_equal(verify_text(update, strlen(update), sig, "update", pk), -1);
	/* another type */
	assert_int_equal(verify_text(update, body, sig, "export", pk), -1);
	assert_int_equal(verify_text(update, body, sig, "update ", pk), -1);
	/* The vector signs with type "update", not the header's "qingfeng-update". */
	assert_int_equal(verify_text(update, body, sig, "qingfeng-update", pk), -1);
	/* tampered content */
	split_bundle(tampered, &body2, sig2);
	assert_memory_equal(sig, sig2, 64);
	assert_int_equal(verify_text(tampered, body2, sig2, "update", pk), -1);
	sodium_memzero(sk, sizeof sk);
	json_decref(bundles);
	json_decref(keys);
}

static void
test_bundle_roundtrip(void **state)
{
	uint8_t pk[32], sk[64], sig[64];
	struct sign_bundle b;
	static const char body[] = "{\"type\":\"qingfeng-export\",\"v\":1}\n{\"index\":1}\n";

	(void)state;
	crypto_sign_keypair(pk, sk);
	sign_bundle_init(&b);
	sign_bundle_update(&b, body, strlen(body));
	assert_int_equal(sign_bundle_final_sign(&b, sig, "export", sk), 0);
	assert_int_equal(verify_text(body, strlen(body), sig, "export", pk), 0);
	assert_int_equal(verify_text(body, strlen(body) - 1, sig, "export", pk), -1);
	assert_int_equal(verify_text(body, strlen(body), sig, "update", pk), -1);
	/* empty bundle body */
	sign_bundle_init(&b);
	assert_int_equal(sign_bundle_final_sign(&b, sig, "x", sk), 0);
	assert_int_equal(verify_text("", 0, sig, "x", pk), 0);
	/* invalid types: -1, sig zeroed */
	static const char *bad[] = {"", "qingfeng:export", ":", NULL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sign_bundle_init(&b);
		sign_bundle_update(&b, body, strlen(body));
		memset(sig, 0xff, 64);
		assert_int_equal(sign_bundle_final_sign(&b, sig, bad[i], sk), -1);
		assert_true(sodium_is_zero(sig, 64));
		sign_bundle_init(&b);
		assert_int_equal(sign_bundle_final_verify(&b, sig, bad[i], pk), -1);
	}
	sodium_memzero(sk, sizeof sk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_h256),
	        cmocka_unit_test(test_chain_vectors),
	        cmocka_unit_test(test_chain_sensitive),
	        cmocka_unit_test(test_receipt_sigs),
	        cmocka_unit_test(test_head_sig),
	        cmocka_unit_test(test_bundle_vectors),
	        cmocka_unit_test(test_bundle_roundtrip),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
