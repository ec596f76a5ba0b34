/*
 * bench_numbers: what the 件号 migration costs (docs/decisions.md, issue 17).
 * Builds an archive of N cases (every other one with a follow-up) in DIR,
 * removes what the code before 件号 did not write ("number", "numbered",
 * the numbers table), then times the archive_open that numbers it and the
 * open after it. Usage: bench_numbers DIR N (DIR must not exist). Exits 0,
 * or 1 with a message when a step fails.
 */
#include <jansson.h>
#include <lmdb.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/clock.h"
#include "crypto/chain.h"
#include "store/archive.h"

/* Adds n reports, a follow-up after every other one. Returns 0 or -1. */
static int
fill(const char *dir, long n)
{
	struct archive *a;
	struct archive_txn *t;
	uint8_t prev[32] = {0}, env[256];
	uint64_t ix = 0;

	if (archive_open(&a, dir, 1) != ARCHIVE_OK)
		return -1;
	if (archive_begin(a, 1, &t) != ARCHIVE_OK || archive_district_create(t, "d01") != 0) {
		archive_close(a);
		return -1;
	}
	for (long i = 0; i < n; i++) {
		struct archive_entry e;
		uint8_t lookup[32];

		randombytes_buf(lookup, 32); /* the report's, and its follow-up's */
		for (int k = 0; k < (i % 2 ? 2 : 1); k++) {
			e = (struct archive_entry){.index = ++ix,
			                           .kind = k ? CHAIN_KIND_FOLLOWUP
			                                     : CHAIN_KIND_REPORT,
			                           .has_reply_pk = !k};
			memcpy(e.lookup, lookup, 32);
			randombytes_buf(e.reply_pk, 32);
			memcpy(e.day, "2026-05-01", sizeof "2026-05-01");
			randombytes_buf(env, sizeof env);
			e.envelope = env;
			e.envelope_len = sizeof env;
			chain_h256(e.envelope_hash, env, sizeof env);
			if (chain_next(e.chain, prev, e.index, e.kind, e.lookup, e.envelope_hash,
			               e.day) != 0 ||
			    archive_entry_add(t, "d01", &e) != ARCHIVE_OK) {
				archive_abort(t);
				archive_close(a);
				return -1;
			}
			memcpy(prev, e.chain, 32);
		}
	}
	if (archive_commit(t) != ARCHIVE_OK) {
		archive_close(a);
		return -1;
	}
	archive_close(a);
	return 0;
}

/* Rewrites every record of dbi without member name. Returns 0 or -1. */
static int
strip(MDB_txn *txn, MDB_dbi dbi, const char *name)
{
	MDB_cursor *cur;
	MDB_val k, v;
	json_t *keys = json_array(), *vals = json_array();
	int rc, ret = 0;

	if (keys == NULL || vals == NULL || mdb_cursor_open(txn, dbi, &cur) != 0)
		ret = -1;
	for (rc = ret ? MDB_NOTFOUND : mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		char hex[2 * 64 + 1];
		json_t *j = json_loadb(v.mv_data, v.mv_size, 0, NULL);

		if (j == NULL || k.mv_size > 64)
			ret = -1;
		json_object_del(j, name);
		sodium_bin2hex(hex, sizeof hex, k.mv_data, k.mv_size > 64 ? 64 : k.mv_size);
		json_array_append_new(keys, json_string(hex));
		json_array_append_new(vals, j);
	}
	if (ret == 0)
		mdb_cursor_close(cur);
	for (size_t i = 0; ret == 0 && i < json_array_size(keys); i++) {
		uint8_t kb[64];
		size_t kl;
		const char *hex = json_string_value(json_array_get(keys, i));
		char *s = json_dumps(json_array_get(vals, i), JSON_COMPACT | JSON_SORT_KEYS);

		if (s == NULL ||
		    sodium_hex2bin(kb, sizeof kb, hex, strlen(hex), NULL, &kl, NULL) != 0) {
			free(s);
			ret = -1;
			break;
		}
		k = (MDB_val){kl, kb};
		v = (MDB_val){strlen(s), s};
		if (mdb_put(txn, dbi, &k, &v, 0) != 0)
			ret = -1;
		free(s);
	}
	json_decref(keys);
	json_decref(vals);
	return ret;
}

/* Makes the archive in dir look as the code before 件号 left it. Returns 0 or -1. */
static int
make_old(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi cases, districts, numbers;
	int ok;

	if (mdb_env_create(&env) != 0)
		return -1;
	ok = mdb_env_set_maxdbs(env, 16) == 0 && mdb_env_set_mapsize(env, (size_t)1 << 30) == 0 &&
	     mdb_env_open(env, dir, 0, 0600) == 0 && mdb_txn_begin(env, NULL, 0, &txn) == 0;
	if (ok) {
		ok = mdb_dbi_open(txn, "cases", 0, &cases) == 0 &&
		     mdb_dbi_open(txn, "districts", 0, &districts) == 0 &&
		     mdb_dbi_open(txn, "numbers", 0, &numbers) == 0 &&
		     strip(txn, cases, "number") == 0 && strip(txn, districts, "numbered") == 0 &&
		     mdb_drop(txn, numbers, 1) == 0;
		if (ok)
			ok = mdb_txn_commit(txn) == 0;
		else
			mdb_txn_abort(txn);
	}
	mdb_env_close(env);
	return ok ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct archive *a;
	double t0, t1, t2, t3;
	long n;

	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) < 1) {
		fputs("usage: bench_numbers DIR N\n", stderr);
		return 1;
	}
	if (sodium_init() < 0 || fill(argv[1], n) != 0 || make_old(argv[1]) != 0) {
		fputs("bench_numbers: cannot build the archive\n", stderr);
		return 1;
	}
	t0 = bench_now();
	if (archive_open(&a, argv[1], 0) != ARCHIVE_OK)
		return fputs("bench_numbers: the migrating open failed\n", stderr), 1;
	t1 = bench_now();
	archive_close(a);
	t2 = bench_now();
	if (archive_open(&a, argv[1], 0) != ARCHIVE_OK)
		return fputs("bench_numbers: the second open failed\n", stderr), 1;
	t3 = bench_now();
	archive_close(a);
	printf("%ld cases, %ld entries: the open that numbers them %.3f s, the next open "
	       "%.4f s\n",
	       n, n + n / 2, t1 - t0, t3 - t2);
	return 0;
}
