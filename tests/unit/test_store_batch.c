/*
 * Unit tests for store_put_batch (group commit): refused items change
 * nothing while the others go in, proof-of-work inside a batch, map growth
 * and the map cap for a whole batch, and that the chain stays exact.
 */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/chain.h"
#include "store/store.h"
#include "tests/unit/testutil.h"

#define DAY "2026-11-28"

struct sub {
	uint8_t lookup[32], auth[32], reply_pk[32];
	uint8_t *env;
	size_t len;
	struct store_report rep;
	struct store_followup fu;
};

static void
sub_new(struct sub *x, size_t len)
{
	memset(x, 0, sizeof *x);
	randombytes_buf(x->lookup, 32);
	randombytes_buf(x->auth, 32);
	randombytes_buf(x->reply_pk, 32);
	x->env = malloc(len);
	assert_non_null(x->env);
	randombytes_buf(x->env, len);
	x->len = len;
	x->rep.district = "d01";
	memcpy(x->rep.lookup, x->lookup, 32);
	crypto_generichash(x->rep.auth_hash, 32, x->auth, 32, NULL, 0);
	memcpy(x->rep.reply_pk, x->reply_pk, 32);
	x->rep.envelope = x->env;
	x->rep.envelope_len = len;
	x->rep.day = DAY;
	memcpy(x->fu.lookup, x->lookup, 32);
	memcpy(x->fu.auth, x->auth, 32);
	x->fu.envelope = x->env;
	x->fu.envelope_len = len;
	x->fu.day = DAY;
}

static void
item_report(struct store_batch_item *it, struct sub *x)
{
	memset(it, 0, sizeof *it);
	it->kind = CHAIN_KIND_REPORT;
	it->report = &x->rep;
}

static void
item_followup(struct store_batch_item *it, struct sub *x)
{
	memset(it, 0, sizeof *it);
	it->kind = CHAIN_KIND_FOLLOWUP;
	it->followup = &x->fu;
}

static void
no_problem(void *ctx, const char *msg)
{
	(void)ctx;
	fail_msg("store_check: %s", msg);
}

static struct store *
open_store(const char *dir, uint64_t initial, uint64_t max)
{
	struct store_config cfg = {initial, max, 0};
	struct store *s = NULL;

	assert_int_equal(store_open(&s, dir, &cfg), STORE_OK);
	assert_int_equal(store_district_ensure(s, "d01"), STORE_OK);
	return s;
}

static void
test_mixed_batch(void **state)
{
	char *dir = testutil_tmpdir();
	struct store *s = open_store(dir, 0, 0);
	struct sub a, b, c, dup;
	struct store_batch_item it[6];
	struct store_district d;
	struct store_case_view v;
	uint8_t prev[32] = {0}, want[32];

	(void)state;
	sub_new(&a, 4221);
	sub_new(&b, 4221);
	sub_new(&c, 4221);
	sub_new(&dup, 4221);
	memcpy(dup.rep.lookup, a.lookup, 32); /* same lookup as a: refused */
	item_report(&it[0], &a);
	item_report(&it[1], &b);
	item_report(&it[2], &dup);
	item_followup(&it[3], &a); /* follow-up to a case of the same batch */
	c.fu.auth[0] ^= 1;         /* wrong auth for an unknown case */
	item_followup(&it[4], &c);
	b.fu.day = "2026-02-30"; /* invalid day: refused before the transaction */
	item_followup(&it[5], &b);
	assert_int_equal(store_put_batch(s, it, 6), STORE_OK);
	assert_int_equal(it[0].result, STORE_OK);
	assert_int_equal(it[1].result, STORE_OK);
	assert_int_equal(it[2].result, STORE_ERR_EXISTS);
	assert_int_equal(it[3].result, STORE_OK);
	assert_int_equal(it[4].result, STORE_ERR_NOT_FOUND);
	assert_int_equal(it[5].result, STORE_ERR_ARG);
	assert_int_equal(it[0].receipt.index, 1);
	assert_int_equal(it[1].receipt.index, 2);
	assert_int_equal(it[3].receipt.index, 3);
	assert_int_equal(it[2].receipt.index, 0);
	/* the chain is exactly what three single writes would have made */
	for (int i = 0; i < 4; i++) {
		struct sub *x = i == 0 ? &a : i == 1 ? &b : &a;
		uint8_t eh[32];

		if (i == 2)
			continue;
		chain_h256(eh, x->env, x->len);
		assert_memory_equal(it[i].receipt.envelope_hash, eh, 32);
		assert_int_equal(chain_next(want, prev, it[i].receipt.index,
		                            i == 3 ? CHAIN_KIND_FOLLOWUP : CHAIN_KIND_REPORT,
		                            x->lookup, eh, DAY),
		                 0);
		assert_memory_equal(it[i].receipt.chain, want, 32);
		memcpy(prev, want, 32);
	}
	assert_int_equal(store_district_get(s, "d01", &d), STORE_OK);
	assert_int_equal(d.size, 3);
	assert_memory_equal(d.head, prev, 32);
	assert_int_equal(store_get_case(s, a.lookup, a.auth, &v), STORE_OK);
	assert_int_equal(v.followups, 1);
	store_case_view_free(&v);
	assert_int_equal(store_check(s, no_problem, NULL), STORE_OK);
	store_close(s);
	/* everything survives a reopen */
	s = open_store(dir, 0, 0);
	assert_int_equal(store_district_get(s, "d01", &d), STORE_OK);
	assert_int_equal(d.size, 3);
	store_close(s);
	free(a.env);
	free(b.env);
	free(c.env);
	free(dup.env);
	testutil_rmtree(dir);
	free(dir);
}

static void
test_growth_and_cap(void **state)
{
	char *dir = testutil_tmpdir();
	struct store *s = open_store(dir, 1u << 20, 4u << 20);
	struct sub x[8];
	struct store_batch_item it[8];
	struct store_district d;

	(void)state;
	/* 8 x 200 KiB in one batch: more than the initial map, within the cap */
	for (int i = 0; i < 8; i++) {
		sub_new(&x[i], 200u << 10);
		item_report(&it[i], &x[i]);
	}
	assert_int_equal(store_put_batch(s, it, 8), STORE_OK);
	for (int i = 0; i < 8; i++)
		assert_int_equal(it[i].result, STORE_OK);
	for (int i = 0; i < 8; i++)
		free(x[i].env);
	/* 8 x 400 KiB more cannot fit under 4 MiB: the whole batch fails, nothing stored */
	for (int i = 0; i < 8; i++) {
		sub_new(&x[i], 400u << 10);
		item_report(&it[i], &x[i]);
	}
	assert_int_equal(store_put_batch(s, it, 8), STORE_ERR_FULL);
	for (int i = 0; i < 8; i++)
		assert_int_equal(it[i].result, STORE_ERR_FULL);
	assert_int_equal(store_district_get(s, "d01", &d), STORE_OK);
	assert_int_equal(d.size, 8);
	assert_int_equal(store_check(s, no_problem, NULL), STORE_OK);
	for (int i = 0; i < 8; i++)
		free(x[i].env);
	store_close(s);
	testutil_rmtree(dir);
	free(dir);
}

static void
test_bad_arguments(void **state)
{
	char *dir = testutil_tmpdir();
	struct store *s = open_store(dir, 0, 0);
	struct store_batch_item it;

	(void)state;
	memset(&it, 0, sizeof it);
	it.kind = 7;
	assert_int_equal(store_put_batch(s, &it, 1), STORE_ERR_ARG);
	assert_int_equal(store_put_batch(s, NULL, 0), STORE_OK);
	assert_int_equal(store_put_batch(NULL, &it, 1), STORE_ERR_ARG);
	store_close(s);
	testutil_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_mixed_batch),
	        cmocka_unit_test(test_growth_and_cap),
	        cmocka_unit_test(test_bad_arguments),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("store_batch", tests, NULL, NULL);
}
