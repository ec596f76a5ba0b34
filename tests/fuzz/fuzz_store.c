/*
 * fuzz_store: the server's stored records (store/store.h, layouts in
 * store/store_impl.h) as a damaged disk, a bad restore or a hostile
 * operator could leave them. The input rewrites records of a store holding
 * three reports, a follow-up, a reply and a spent proof-of-work, directly
 * through LMDB:
 *   op(1)   database = op % 7 (meta, districts, log, envelopes, cases,
 *           replies, pow); op & 0x80 deletes instead of writing
 *   sel(1)  below 0xc0: the (sel % n)-th existing key of that database;
 *           else a new key of (sel & 0x3f) bytes taken from the input
 *   len(2)  value length (big-endian, at most 8192), then the value
 * (at most eight records). Then every reader and writer of the store runs
 * on it: store_check, stats, district state, case views, the log walk, a
 * report, a follow-up, an update, proof-of-work spending and pruning, and
 * an export (intake/cmd.c). None may crash or read out of bounds; and when
 * store_check accepted the store before, it must accept it after those
 * writes.
 */
#include <lmdb.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/chain.h"
#include "intake/cmd.h"
#include "intake/config.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "tests/fuzz/fuzz.h"

#define NREPORTS 3
#define MAX_KEYS 64

static const char *const DBS[STORE_NDBS] = {"meta",      "districts",  "log",
                                            "envelopes", "cases",      "replies",
                                            "pow",       "statements", "updates"};
static const char *data;
static char db[800], live[800], tpl[800], outp[800];
static struct {
	size_t n;
	MDB_val k[MAX_KEYS];
} keys[STORE_NDBS];

static void
small_limits(struct config *c)
{
	c->purge_acked = 0;
	c->quota_bytes = 1 << 20;
	c->map_max_bytes = 8 << 20;
}

static struct store *
open_store(void)
{
	struct store_config sc = {0, 8 << 20, 1 << 20};
	struct store *st = NULL;

	return store_open(&st, db, &sc) == STORE_OK ? st : NULL;
}

/* Adds a reply, a status change and a spent challenge to the fixture. */
static void
enrich(void)
{
	struct store *st = open_store();
	struct store_district d;
	struct store_op ops[2];
	struct store_update u;
	uint8_t env[FZ_ENVELOPE_LEN], ch[40];
	size_t bad;

	if (st == NULL || store_district_get(st, "d01", &d) != STORE_OK)
		fz_die("store");
	memset(ops, 0, sizeof ops);
	memset(&u, 0, sizeof u);
	fz_case_keys(2, ops[0].lookup, NULL, NULL, NULL, NULL);
	ops[0].kind = STORE_OP_STATUS;
	ops[0].status = STORE_STATUS_ACCEPTED;
	fz_case_keys(2, ops[1].lookup, NULL, NULL, NULL, NULL);
	ops[1].kind = STORE_OP_REPLY;
	fz_fake_envelope(env, sizeof env, 77);
	ops[1].envelope = env;
	ops[1].envelope_len = sizeof env;
	u.district = "d01";
	u.seq = 1;
	u.acks_through = 0;
	u.day = "2026-01-20";
	u.ops = ops;
	u.nops = 2;
	if (store_apply_update(st, &u, &bad) != STORE_OK)
		fz_die("store_apply_update");
	memset(ch, 9, sizeof ch);
	if (store_pow_spend(st, ch, 4000000000ULL) != STORE_OK)
		fz_die("store_pow_spend");
	store_close(st);
}

/*
 * Seeds that rewrite record n of database i with its own value changed in
 * one byte, and cut by one byte (the unchanged value would add nothing).
 */
static void
seed_record(int i, size_t n, const MDB_val *v)
{
	size_t len = v->mv_size > 8192 ? 8192 : v->mv_size;
	uint8_t *s = malloc(4 + len);
	char name[64];

	if (s == NULL)
		fz_die("malloc");
	s[0] = (uint8_t)i;
	s[1] = (uint8_t)n;
	s[2] = (uint8_t)(len >> 8);
	s[3] = (uint8_t)len;
	memcpy(s + 4, v->mv_data, len);
	if (len > 0)
		s[4 + len / 2] ^= 1;
	snprintf(name, sizeof name, "record-%s-%zu-flip", DBS[i], n);
	fz_seed(name, s, 4 + len);
	if (len > 0) {
		s[4 + len / 2] ^= 1;
		s[2] = (uint8_t)((len - 1) >> 8);
		s[3] = (uint8_t)(len - 1);
		snprintf(name, sizeof name, "record-%s-%zu-cut", DBS[i], n);
		fz_seed(name, s, 3 + len);
	}
	free(s);
}

/* Lists the keys of every database of the fixture. */
static void
list_keys(void)
{
	MDB_env *env;
	MDB_txn *txn;

	if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, STORE_NDBS) != 0 ||
	    mdb_env_open(env, db, MDB_RDONLY, 0600) != 0 ||
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
		fz_die("lmdb");
	for (int i = 0; i < STORE_NDBS; i++) {
		MDB_dbi dbi;
		MDB_cursor *c;
		MDB_val k, v;

		if (mdb_dbi_open(txn, DBS[i], 0, &dbi) != 0 || mdb_cursor_open(txn, dbi, &c) != 0)
			fz_die("lmdb dbi");
		while (keys[i].n < MAX_KEYS &&
		       mdb_cursor_get(c, &k, &v, keys[i].n ? MDB_NEXT : MDB_FIRST) == 0) {
			MDB_val *kk = &keys[i].k[keys[i].n++];

			kk->mv_size = k.mv_size;
			kk->mv_data = malloc(k.mv_size);
			if (kk->mv_data == NULL)
				fz_die("malloc");
			memcpy(kk->mv_data, k.mv_data, k.mv_size);
			if (fz_seed_dir() != NULL)
				seed_record(i, keys[i].n - 1, &v);
		}
		mdb_cursor_close(c);
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	data = fz_data_dir("store", NREPORTS, small_limits);
	snprintf(db, sizeof db, "%s/db", data);
	snprintf(live, sizeof live, "%s/db/data.mdb", data);
	snprintf(tpl, sizeof tpl, "%s/template.mdb", data);
	snprintf(outp, sizeof outp, "%s/export.qfx", data);
	enrich();
	list_keys();
	if (fz_seed_dir() != NULL) {
		fz_seed_text("delete-district", "\x81\x00\x00\x00");
		exit(0);
	}
	if (fz_copy_file(live, tpl) != 0)
		fz_die("template");
	return 0;
}

/* Applies the input's record rewrites. */
static void
rewrite(const uint8_t *in, size_t size)
{
	MDB_env *env;
	MDB_txn *txn;
	size_t pos = 0;

	if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, STORE_NDBS) != 0 ||
	    mdb_env_set_mapsize(env, 8 << 20) != 0 ||
	    mdb_env_open(env, db, MDB_NOSYNC, 0600) != 0 || mdb_txn_begin(env, NULL, 0, &txn) != 0)
		abort();
	for (int r = 0; r < 8 && pos + 2 <= size; r++) {
		int which = in[pos] % STORE_NDBS, del = in[pos] & 0x80;
		unsigned sel = in[pos + 1];
		MDB_val k, v;
		MDB_dbi dbi;
		size_t len;

		pos += 2;
		if (sel < 0xc0 && keys[which].n > 0) {
			k = keys[which].k[sel % keys[which].n];
		} else {
			size_t kl = sel & 0x3f;

			if (kl == 0 || pos + kl > size)
				break;
			k.mv_size = kl;
			k.mv_data = (void *)(uintptr_t)(in + pos);
			pos += kl;
		}
		if (mdb_dbi_open(txn, DBS[which], 0, &dbi) != 0)
			abort();
		if (del) {
			mdb_del(txn, dbi, &k, NULL);
			continue;
		}
		if (pos + 2 > size)
			break;
		len = (size_t)in[pos] << 8 | in[pos + 1];
		pos += 2;
		if (len > 8192)
			len = 8192;
		if (len > size - pos)
			len = size - pos;
		v.mv_size = len;
		v.mv_data = (void *)(uintptr_t)(in + pos);
		pos += len;
		mdb_put(txn, dbi, &k, &v, 0);
	}
	if (mdb_txn_commit(txn) != 0)
		abort();
	mdb_env_close(env);
}

static int
touch_entry(void *ctx, const struct store_entry *e)
{
	uint8_t h[32];
	uint8_t(*chain)[32] = ctx;

	if (e->envelope != NULL)
		chain_h256(h, e->envelope, e->envelope_len);
	memcpy(*chain, e->chain, 32);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct store *st;
	struct store_stats stats;
	struct store_district d;
	struct store_case_view v;
	struct store_receipt rc;
	uint8_t env[FZ_ENVELOPE_LEN], ch[40], head[32];
	int ok_before, has_d;

	if (fz_copy_file(tpl, live) != 0)
		abort();
	rewrite(in, size);
	st = open_store();
	if (st == NULL)
		return 0; /* refused at open (e.g. the schema version): fine */
	ok_before = store_check(st, fz_ignore, NULL) == STORE_OK;
	store_stats(st, &stats);
	has_d = store_district_get(st, "d01", &d) == STORE_OK;
	for (unsigned i = 1; i <= NREPORTS + 1; i++) {
		uint8_t lookup[32], auth[32];

		fz_case_keys(i, lookup, auth, NULL, NULL, NULL);
		if (store_get_case(st, lookup, auth, &v) == STORE_OK) {
			for (size_t r = 0; r < v.nreplies; r++)
				chain_h256(head, v.replies[r].envelope, v.replies[r].envelope_len);
			store_case_view_free(&v);
		}
	}
	memset(head, 0, sizeof head);
	if (has_d && d.size > 0 && d.size < 100)
		store_log_foreach(st, "d01", 1, d.size, touch_entry, &head);
	{
		struct store_report r;

		memset(&r, 0, sizeof r);
		fz_case_keys(50, r.lookup, NULL, r.auth_hash, r.reply_pk, NULL);
		fz_fake_envelope(env, sizeof env, 50);
		r.district = "d01";
		r.envelope = env;
		r.envelope_len = sizeof env;
		r.day = "2026-03-01";
		store_put_report(st, &r, &rc);
	}
	{
		struct store_followup f;

		memset(&f, 0, sizeof f);
		fz_case_keys(1, f.lookup, f.auth, NULL, NULL, NULL);
		fz_fake_envelope(env, sizeof env, 51);
		f.envelope = env;
		f.envelope_len = sizeof env;
		f.day = "2026-03-01";
		store_put_followup(st, &f, &rc);
	}
	if (has_d && store_district_get(st, "d01", &d) == STORE_OK && d.size < 100) {
		struct store_op op;
		struct store_update u;
		size_t bad;

		memset(&op, 0, sizeof op);
		memset(&u, 0, sizeof u);
		memset(head, 0, sizeof head);
		if (d.exported > 0 && d.exported <= d.size)
			store_log_foreach(st, "d01", d.exported, d.exported, touch_entry, &head);
		fz_case_keys(3, op.lookup, NULL, NULL, NULL, NULL);
		op.kind = STORE_OP_REPLY;
		op.envelope = env;
		op.envelope_len = sizeof env;
		u.district = "d01";
		u.seq = d.seq + 1;
		u.acks_through = d.exported;
		memcpy(u.head, head, 32);
		u.day = "2026-03-02";
		u.ops = &op;
		u.nops = 1;
		u.purge = 1;
		store_apply_update(st, &u, &bad);
		store_mark_exported(st, "d01", d.size);
	}
	memset(ch, 7, sizeof ch);
	store_pow_spend(st, ch, 3000000000ULL);
	store_pow_prune(st, 3500000000ULL);
	if (ok_before && store_check(st, fz_ignore, NULL) != STORE_OK)
		fz_fail("the store's own writes broke a store that checked out");
	store_close(st);
	if (cmd_export(data, "d01", outp) == 0) /* reads every entry; chatty */
		unlink(outp);
	return 0;
}
