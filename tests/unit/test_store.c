/*
 * Unit tests for store/: reports, cases and the hash chain against an
 * independent computation, auth, the schema 1 upgrade (proof-of-work gone
 * from the file), quotas, map growth
 * and its cap, the export walk, updates (applied whole or not at all),
 * backup, the consistency check on deliberately corrupted records, reopen.
 */
#include "tests/unit/cm.h"

#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/sign.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "tests/unit/testutil.h"

#define DAY1 "2026-05-01"
#define DAY2 "2026-05-02"
#define DAY3 "2026-05-03"

/* ---- helpers -------------------------------------------------------------- */

/* The district key that signs the case statements of the tests (§15). */
static uint8_t g_case_pk[32], g_case_sk[64];

struct fx {
	char *dir;
	struct store *s;
};

static struct store *
open_cfg(const char *dir, uint64_t initial, uint64_t max, uint64_t quota)
{
	struct store_config cfg = {initial, max, quota};
	struct store *s = NULL;

	assert_int_equal(store_open(&s, dir, &cfg), STORE_OK);
	assert_non_null(s);
	return s;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->dir = testutil_tmpdir();
	f->s = open_cfg(f->dir, 0, 0, 0);
	assert_int_equal(store_district_ensure(f->s, "d01"), STORE_OK);
	assert_int_equal(store_district_ensure(f->s, "d02"), STORE_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* A reporter: the receipt-derived values and an envelope. */
struct rep {
	uint8_t lookup[32], auth[32], auth_hash[32], reply_pk[32];
	uint8_t env[600];
	size_t len;
};

static void
rep_new(struct rep *r, size_t len)
{
	assert_true(len <= sizeof r->env);
	randombytes_buf(r->lookup, 32);
	randombytes_buf(r->auth, 32);
	crypto_generichash(r->auth_hash, 32, r->auth, 32, NULL, 0);
	randombytes_buf(r->reply_pk, 32);
	randombytes_buf(r->env, len);
	r->len = len;
}

static int
put_report(struct store *s, const char *district, const struct rep *r, const char *day,
           struct store_receipt *rc)
{
	struct store_report in;

	memset(&in, 0, sizeof in);
	in.district = district;
	memcpy(in.lookup, r->lookup, 32);
	memcpy(in.auth_hash, r->auth_hash, 32);
	memcpy(in.reply_pk, r->reply_pk, 32);
	in.envelope = r->env;
	in.envelope_len = r->len;
	in.day = day;
	return store_put_report(s, &in, rc);
}

static int
put_followup_raw(struct store *s, const uint8_t lookup[32], const uint8_t auth[32],
                 const uint8_t *env, size_t len, const char *day, struct store_receipt *rc)
{
	struct store_followup in;

	memset(&in, 0, sizeof in);
	memcpy(in.lookup, lookup, 32);
	memcpy(in.auth, auth, 32);
	in.envelope = env;
	in.envelope_len = len;
	in.day = day;
	return store_put_followup(s, &in, rc);
}

static int
put_followup(struct store *s, const struct rep *r, const uint8_t *env, size_t len, const char *day,
             struct store_receipt *rc)
{
	return put_followup_raw(s, r->lookup, r->auth, env, len, day, rc);
}

/* chain_i computed straight from DESIGN.md §8 with libsodium, not with chain_next. */
static void
chain_ref(uint8_t out[32], const uint8_t prev[32], uint64_t index, int kind,
          const uint8_t lookup[32], const uint8_t *env, size_t len, const char *day)
{
	crypto_generichash_state st;
	uint8_t eh[32], idx[8], kb = (uint8_t)kind;

	crypto_generichash(eh, 32, env, len, NULL, 0);
	for (int i = 0; i < 8; i++)
		idx[i] = (uint8_t)(index >> (56 - 8 * i));
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)"qingfeng-log-v1", 15);
	crypto_generichash_update(&st, prev, 32);
	crypto_generichash_update(&st, idx, 8);
	crypto_generichash_update(&st, &kb, 1);
	crypto_generichash_update(&st, lookup, 32);
	crypto_generichash_update(&st, eh, 32);
	crypto_generichash_update(&st, (const uint8_t *)day, 10);
	crypto_generichash_final(&st, out, 32);
}

/* Everything a refused call must leave as it was. */
struct snap {
	struct store_district d1, d2;
	struct store_stats st;
	uint8_t views[4][512];
	size_t nviews;
};

/* Serialises a case view (with its replies' digests) for comparison. */
static void
view_digest(uint8_t out[512], struct store *s, const struct rep *r)
{
	struct store_case_view v;
	crypto_generichash_state st;
	int rc = store_get_case(s, r->lookup, r->auth, &v);

	memset(out, 0, 512);
	assert_int_equal(rc, STORE_OK);
	snprintf((char *)out, 256, "%s|%llu|%d|%s|%s|%d|%llu|%zu", v.district,
	         (unsigned long long)v.index, v.status, v.status_day, v.created_day, v.delivered,
	         (unsigned long long)v.followups, v.nreplies);
	crypto_generichash_init(&st, NULL, 0, 32);
	for (size_t i = 0; i < v.nreplies; i++) {
		crypto_generichash_update(&st, (const uint8_t *)&v.replies[i].seq, 4);
		crypto_generichash_update(&st, (const uint8_t *)v.replies[i].day, 10);
		crypto_generichash_update(&st, v.replies[i].envelope, v.replies[i].envelope_len);
	}
	crypto_generichash_final(&st, out + 256, 32);
	store_case_view_free(&v);
}

static void
snap_take(struct snap *sn, struct store *s, const struct rep *reps, size_t n)
{
	memset(sn, 0, sizeof *sn);
	assert_int_equal(store_district_get(s, "d01", &sn->d1), STORE_OK);
	assert_int_equal(store_district_get(s, "d02", &sn->d2), STORE_OK);
	assert_int_equal(store_stats(s, &sn->st), STORE_OK);
	sn->st.map_size = sn->st.map_used = 0; /* pages move; meaning does not */
	for (size_t i = 0; i < n; i++)
		view_digest(sn->views[i], s, &reps[i]);
	sn->nviews = n;
}

static void
snap_same(const struct snap *a, struct store *s, const struct rep *reps)
{
	struct snap b;

	snap_take(&b, s, reps, a->nviews);
	assert_memory_equal(&a->d1, &b.d1, sizeof a->d1);
	assert_memory_equal(&a->d2, &b.d2, sizeof a->d2);
	assert_memory_equal(&a->st, &b.st, sizeof a->st);
	assert_memory_equal(a->views, b.views, sizeof a->views);
}

static void
check_ok(struct store *s)
{
	assert_int_equal(store_check(s, NULL, NULL), STORE_OK);
}

/* Collects store_check messages into one string. */
struct msgs {
	char text[4096];
	int n;
};

static void
collect(void *ctx, const char *msg)
{
	struct msgs *m = ctx;
	size_t used = strlen(m->text);

	snprintf(m->text + used, sizeof m->text - used, "%s\n", msg);
	m->n++;
}

static int
grab_chain(void *ctx, const struct store_entry *e)
{
	memcpy(ctx, e->chain, 32);
	return 0;
}

/* The server's chain value at index (zeros for 0 or beyond the log). */
static void
head_at(struct store *s, const char *district, uint64_t index, uint8_t out[32])
{
	struct store_district d;

	memset(out, 0, 32);
	assert_int_equal(store_district_get(s, district, &d), STORE_OK);
	if (index > 0 && index <= d.size)
		assert_int_equal(store_log_foreach(s, district, index, index, grab_chain, out),
		                 STORE_OK);
}

/* Applies an update carrying head (NULL: the server's own chain value at acks). */
static int
update_h(struct store *s, const char *district, uint64_t seq, uint64_t acks, const uint8_t *head,
         const struct store_op *ops, size_t nops, int purge, size_t *bad)
{
	struct store_update u;

	memset(&u, 0, sizeof u);
	u.district = district;
	u.seq = seq;
	u.acks_through = acks;
	if (head != NULL)
		memcpy(u.head, head, 32);
	else if (codec_district_valid(district) && strcmp(district, "d99") != 0)
		head_at(s, district, acks, u.head);
	u.day = DAY3;
	u.ops = ops;
	u.nops = nops;
	u.purge = purge;
	memcpy(u.sign_pk, g_case_pk, 32);
	return store_apply_update(s, &u, bad);
}

static int
update(struct store *s, const char *district, uint64_t seq, uint64_t acks,
       const struct store_op *ops, size_t nops, int purge)
{
	size_t bad = 99;

	return update_h(s, district, seq, acks, NULL, ops, nops, purge, &bad);
}

static void
op_status(struct store_op *op, const struct rep *r, int status)
{
	memset(op, 0, sizeof *op);
	op->kind = STORE_OP_STATUS;
	memcpy(op->lookup, r->lookup, 32);
	op->status = status;
}

static void
op_reply(struct store_op *op, const struct rep *r, const uint8_t *env, size_t len)
{
	memset(op, 0, sizeof *op);
	op->kind = STORE_OP_REPLY;
	memcpy(op->lookup, r->lookup, 32);
	op->envelope = env;
	op->envelope_len = len;
}

/* ---- reports, cases, chain -------------------------------------------------- */

static void
test_report_roundtrip(void **state)
{
	struct fx *f = *state;
	struct rep r;
	struct store_receipt rc;
	struct store_case_view v;
	struct store_district d;
	uint8_t zero[32] = {0}, eh[32], ch[32];

	rep_new(&r, 300);
	assert_int_equal(put_report(f->s, "d01", &r, DAY1, &rc), STORE_OK);
	assert_string_equal(rc.district, "d01");
	assert_int_equal(rc.index, 1);
	assert_string_equal(rc.day, DAY1);
	crypto_generichash(eh, 32, r.env, r.len, NULL, 0);
	assert_memory_equal(rc.envelope_hash, eh, 32);
	chain_ref(ch, zero, 1, CHAIN_KIND_REPORT, r.lookup, r.env, r.len, DAY1);
	assert_memory_equal(rc.chain, ch, 32);

	assert_int_equal(store_get_case(f->s, r.lookup, r.auth, &v), STORE_OK);
	assert_string_equal(v.district, "d01");
	assert_int_equal(v.index, 1);
	assert_int_equal(v.status, STORE_STATUS_RECEIVED);
	assert_string_equal(v.status_day, DAY1);
	assert_string_equal(v.created_day, DAY1);
	assert_false(v.delivered);
	assert_int_equal(v.followups, 0);
	assert_int_equal(v.nreplies, 0);
	assert_null(v.replies);
	store_case_view_free(&v);

	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_int_equal(d.size, 1);
	assert_memory_equal(d.head, ch, 32);
	assert_string_equal(d.head_day, DAY1);
	assert_int_equal(d.bytes, 300);
	assert_int_equal(d.acked, 0);
	assert_int_equal(d.exported, 0);
	assert_int_equal(store_district_get(f->s, "d02", &d), STORE_OK);
	assert_int_equal(d.size, 0);
	assert_memory_equal(d.head, zero, 32);
	assert_string_equal(d.head_day, "");
	assert_int_equal(store_district_get(f->s, "d03", &d), STORE_ERR_DISTRICT);
	/* an unknown district refuses the report */
	rep_new(&r, 10);
	assert_int_equal(put_report(f->s, "d03", &r, DAY1, &rc), STORE_ERR_DISTRICT);
	assert_int_equal(rc.index, 0);
	check_ok(f->s);
}

/* What the export walk saw. */
struct walk {
	struct store_entry e[8];
	uint8_t env[8][600];
	int n;
	int stop_at; /* return 7 at this entry count, 0 never */
};

static int
walk_fn(void *ctx, const struct store_entry *e)
{
	struct walk *w = ctx;

	assert_true(w->n < 8);
	w->e[w->n] = *e;
	if (e->envelope != NULL) {
		assert_true(e->envelope_len <= 600);
		memcpy(w->env[w->n], e->envelope, e->envelope_len);
	}
	w->e[w->n].envelope = e->envelope ? w->env[w->n] : NULL;
	w->n++;
	return w->n == w->stop_at ? 7 : 0;
}

static void
test_chain_independent(void **state)
{
	struct fx *f = *state;
	struct rep r[3];
	struct store_receipt rc;
	struct store_district d;
	uint8_t prev[32] = {0}, cn[32], eh[32], fenv[40];
	struct walk w;
	/* (reporter, kind, day) in submission order */
	static const struct {
		int who, kind;
		const char *day;
	} seq[5] = {{0, 1, DAY1}, {1, 1, DAY1}, {0, 2, DAY2}, {2, 1, DAY2}, {1, 2, DAY3}};

	randombytes_buf(fenv, sizeof fenv);
	for (int i = 0; i < 3; i++)
		rep_new(&r[i], 100 + (size_t)i);
	for (int i = 0; i < 5; i++) {
		const struct rep *p = &r[seq[i].who];
		const uint8_t *env = seq[i].kind == 1 ? p->env : fenv;
		size_t len = seq[i].kind == 1 ? p->len : sizeof fenv;

		if (seq[i].kind == 1)
			assert_int_equal(put_report(f->s, "d01", p, seq[i].day, &rc), STORE_OK);
		else
			assert_int_equal(put_followup(f->s, p, env, len, seq[i].day, &rc),
			                 STORE_OK);
		assert_int_equal(rc.index, i + 1);
		chain_ref(prev, prev, (uint64_t)i + 1, seq[i].kind, p->lookup, env, len,
		          seq[i].day);
		assert_memory_equal(rc.chain, prev, 32);
	}
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_int_equal(d.size, 5);
	assert_memory_equal(d.head, prev, 32);
	assert_string_equal(d.head_day, DAY3);
	assert_int_equal(d.bytes, 100 + 101 + 102 + 2 * sizeof fenv);

	memset(&w, 0, sizeof w);
	assert_int_equal(store_log_foreach(f->s, "d01", 1, 5, walk_fn, &w), STORE_OK);
	assert_int_equal(w.n, 5);
	memset(prev, 0, 32);
	for (int i = 0; i < 5; i++) {
		const struct store_entry *e = &w.e[i];
		const struct rep *p = &r[seq[i].who];

		assert_int_equal(e->index, i + 1);
		assert_int_equal(e->kind, seq[i].kind);
		assert_memory_equal(e->lookup, p->lookup, 32);
		assert_string_equal(e->day, seq[i].day);
		if (e->kind == 1) {
			assert_memory_equal(e->reply_pk, p->reply_pk, 32);
			assert_int_equal(e->envelope_len, p->len);
			assert_memory_equal(e->envelope, p->env, p->len);
		} else {
			assert_int_equal(e->envelope_len, sizeof fenv);
			assert_memory_equal(e->envelope, fenv, sizeof fenv);
		}
		crypto_generichash(eh, 32, e->envelope, e->envelope_len, NULL, 0);
		assert_memory_equal(e->envelope_hash, eh, 32);
		assert_int_equal(chain_next(cn, prev, e->index, e->kind, e->lookup, eh, e->day), 0);
		assert_memory_equal(e->chain, cn, 32);
		memcpy(prev, cn, 32);
	}
	check_ok(f->s);
}

static void
test_auth_not_found(void **state)
{
	struct fx *f = *state;
	struct rep r, other;
	struct store_receipt rc;
	struct store_case_view v;
	struct snap sn;
	uint8_t bad[32];

	rep_new(&r, 50);
	rep_new(&other, 50);
	assert_int_equal(put_report(f->s, "d01", &r, DAY1, &rc), STORE_OK);
	snap_take(&sn, f->s, &r, 1);

	memcpy(bad, r.auth, 32);
	bad[31] ^= 1;
	assert_int_equal(store_get_case(f->s, r.lookup, bad, &v), STORE_ERR_NOT_FOUND);
	assert_int_equal(v.nreplies, 0);
	assert_null(v.replies);
	assert_int_equal(store_get_case(f->s, other.lookup, other.auth, &v), STORE_ERR_NOT_FOUND);
	/* the auth_hash itself is not the auth */
	assert_int_equal(store_get_case(f->s, r.lookup, r.auth_hash, &v), STORE_ERR_NOT_FOUND);

	assert_int_equal(put_followup_raw(f->s, r.lookup, bad, r.env, 10, DAY2, &rc),
	                 STORE_ERR_NOT_FOUND);
	assert_int_equal(rc.index, 0);
	assert_int_equal(put_followup(f->s, &other, other.env, 10, DAY2, &rc), STORE_ERR_NOT_FOUND);
	snap_same(&sn, f->s, &r);
}

static void
test_exists_unchanged(void **state)
{
	struct fx *f = *state;
	struct rep r, dup;
	struct store_receipt rc;
	struct snap sn;

	rep_new(&r, 80);
	assert_int_equal(put_report(f->s, "d01", &r, DAY1, &rc), STORE_OK);
	snap_take(&sn, f->s, &r, 1);
	/* the same lookup with other content, also in another district */
	rep_new(&dup, 90);
	memcpy(dup.lookup, r.lookup, 32);
	assert_int_equal(put_report(f->s, "d01", &dup, DAY2, &rc), STORE_ERR_EXISTS);
	assert_int_equal(put_report(f->s, "d02", &dup, DAY2, &rc), STORE_ERR_EXISTS);
	assert_int_equal(put_report(f->s, "d01", &r, DAY1, &rc), STORE_ERR_EXISTS);
	snap_same(&sn, f->s, &r);
	check_ok(f->s);
}

static void
test_followup_delivered(void **state)
{
	struct fx *f = *state;
	struct rep r;
	struct store_receipt rc;
	struct store_case_view v;
	uint8_t fenv[20] = {1, 2, 3};

	rep_new(&r, 64);
	assert_int_equal(put_report(f->s, "d01", &r, DAY1, &rc), STORE_OK);
	assert_int_equal(store_mark_exported(f->s, "d01", 1), STORE_OK);
	assert_int_equal(update(f->s, "d01", 1, 1, NULL, 0, 0), STORE_OK);
	assert_int_equal(store_get_case(f->s, r.lookup, r.auth, &v), STORE_OK);
	assert_true(v.delivered);
	store_case_view_free(&v);

	assert_int_equal(put_followup(f->s, &r, fenv, sizeof fenv, DAY2, &rc), STORE_OK);
	assert_int_equal(rc.index, 2);
	assert_int_equal(store_get_case(f->s, r.lookup, r.auth, &v), STORE_OK);
	assert_false(v.delivered);
	assert_int_equal(v.followups, 1);
	assert_int_equal(v.index, 1);
	store_case_view_free(&v);

	/* an update acknowledging only what came before does not deliver it */
	assert_int_equal(update(f->s, "d01", 2, 1, NULL, 0, 0), STORE_OK);
	assert_int_equal(store_get_case(f->s, r.lookup, r.auth, &v), STORE_OK);
	assert_false(v.delivered);
	store_case_view_free(&v);
	assert_int_equal(store_mark_exported(f->s, "d01", 2), STORE_OK);
	assert_int_equal(update(f->s, "d01", 3, 2, NULL, 0, 0), STORE_OK);
	assert_int_equal(store_get_case(f->s, r.lookup, r.auth, &v), STORE_OK);
	assert_true(v.delivered);
	store_case_view_free(&v);
	check_ok(f->s);
}

/* ---- proof-of-work ------------------------------------------------------------- */

/* True when the file at path holds the n bytes of needle anywhere. */
static int
file_holds(const char *path, const uint8_t *needle, size_t n)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	size_t len = 0, cap = 1 << 20, got;
	int found = 0;

	assert_non_null(fp);
	buf = malloc(cap);
	assert_non_null(buf);
	while ((got = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += got;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(fp);
	for (size_t i = 0; n > 0 && i + n <= len && !found; i++)
		found = memcmp(buf + i, needle, n) == 0;
	free(buf);
	return found;
}

/*
 * Makes dir a schema 1 store as the old server wrote it: version 1, a "pow"
 * database holding npow spent challenges (copied to chs) with their
 * expiries, and some deleted ones only in free pages.
 */
static void
make_schema1(const char *dir, uint8_t (*chs)[40], size_t npow)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta, pow, dbi;
	uint8_t ver[4] = {0, 0, 0, 1}, rec[9] = {1, 0, 0, 0, 0, 0x6a, 0x10, 0, 0};
	const char *names[] = {"districts", "log", "envelopes", "cases", "replies"};
	MDB_val k, v;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 7), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta), 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(mdb_dbi_open(txn, names[i], MDB_CREATE, &dbi), 0);
	assert_int_equal(mdb_dbi_open(txn, "pow", MDB_CREATE, &pow), 0);
	k.mv_size = 7;
	k.mv_data = (void *)"version";
	v.mv_size = 4;
	v.mv_data = ver;
	assert_int_equal(mdb_put(txn, meta, &k, &v, 0), 0);
	for (size_t i = 0; i < npow; i++) {
		randombytes_buf(chs[i], 40);
		k.mv_size = 40;
		k.mv_data = chs[i];
		v.mv_size = sizeof rec;
		v.mv_data = rec;
		assert_int_equal(mdb_put(txn, pow, &k, &v, 0), 0);
	}
	assert_int_equal(mdb_txn_commit(txn), 0);
	/* the old server pruned expired ones: deleted, but still in free pages */
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (size_t i = 0; i < npow / 2; i++) {
		k.mv_size = 40;
		k.mv_data = chs[i];
		assert_int_equal(mdb_del(txn, pow, &k, NULL), 0);
	}
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/*
 * Schema 1 kept spent proof-of-work challenges, each with its expiry, which
 * dates the submission. Opening such a store drops them, and compacts the
 * file so that no free page keeps one, live or pruned.
 */
static void
test_upgrade_drops_pow(void **state)
{
	char *dir = testutil_tmpdir();
	char path[4096];
	uint8_t chs[300][40];
	struct store *s;
	struct rep r;
	struct store_receipt rc;
	MDB_txn *txn;
	MDB_dbi dbi;

	(void)state;
	make_schema1(dir, chs, 300);
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	assert_true(file_holds(path, chs[0], 40));   /* pruned: only in a free page */
	assert_true(file_holds(path, chs[299], 40)); /* still spent */

	s = open_cfg(dir, 0, 0, 0);
	assert_int_equal(store_compacted(s), 1);
	assert_int_equal(store_txn_read(s, &txn), STORE_OK);
	assert_int_equal(mdb_dbi_open(txn, "pow", 0, &dbi), MDB_NOTFOUND);
	store_txn_read_end(s, txn);
	for (size_t i = 0; i < 300; i++)
		assert_false(file_holds(path, chs[i], 40));
	/* the store works as a new one and checks out */
	assert_int_equal(store_district_ensure(s, "d01"), STORE_OK);
	rep_new(&r, 30);
	assert_int_equal(put_report(s, "d01", &r, DAY1, &rc), STORE_OK);
	check_ok(s);
	store_close(s);
	s = open_cfg(dir, 0, 0, 0);
	assert_int_equal(store_compacted(s), 0); /* once is enough */
	store_close(s);
	testutil_rmtree(dir);
	free(dir);
}

/* While another process has the store open, the file is not replaced under it: later. */
static void
test_upgrade_compacts_when_alone(void **state)
{
	char *dir = testutil_tmpdir();
	char path[4096];
	uint8_t chs[50][40];
	int go[2], ready[2];
	struct store *s;
	pid_t pid;
	char c = 0;

	(void)state;
	make_schema1(dir, chs, 50);
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* another process holding the environment open */
		MDB_env *env;

		if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 7) != 0 ||
		    mdb_env_open(env, dir, 0, 0600) != 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		mdb_env_close(env);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	s = open_cfg(dir, 0, 0, 0);
	assert_int_equal(store_compacted(s), 0);
	assert_true(file_holds(path, chs[49], 40)); /* dropped, not yet wiped */
	store_close(s);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	s = open_cfg(dir, 0, 0, 0);
	assert_int_equal(store_compacted(s), 1);
	for (size_t i = 0; i < 50; i++)
		assert_false(file_holds(path, chs[i], 40));
	check_ok(s);
	store_close(s);
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	testutil_rmtree(dir);
	free(dir);
}

/* ---- quota and map ------------------------------------------------------------ */

static void
test_quota(void **state)
{
	struct fx *f = *state;
	struct rep r1, r2, r3, r4;
	struct store_receipt rc;
	struct store_district d, d0;
	struct store_op op;
	uint8_t renv[200];

	store_close(f->s);
	f->s = open_cfg(f->dir, 0, 0, 1000);
	rep_new(&r1, 600);
	rep_new(&r2, 500);
	rep_new(&r3, 400);
	rep_new(&r4, 1);
	assert_int_equal(put_report(f->s, "d01", &r1, DAY1, &rc), STORE_OK);
	assert_int_equal(store_district_get(f->s, "d01", &d0), STORE_OK);
	assert_int_equal(put_report(f->s, "d01", &r2, DAY1, &rc), STORE_ERR_QUOTA);
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_memory_equal(&d, &d0, sizeof d);
	/* exactly up to the quota is fine; one byte more is not */
	assert_int_equal(put_report(f->s, "d01", &r3, DAY1, &rc), STORE_OK);
	assert_int_equal(put_followup(f->s, &r1, r4.env, 1, DAY1, &rc), STORE_ERR_QUOTA);
	assert_int_equal(put_report(f->s, "d01", &r4, DAY1, &rc), STORE_ERR_QUOTA);
	/* the quota is per district */
	assert_int_equal(put_report(f->s, "d02", &r2, DAY1, &rc), STORE_OK);

	/* a reply would pass it: refused, nothing changes */
	assert_int_equal(store_mark_exported(f->s, "d01", 2), STORE_OK);
	randombytes_buf(renv, sizeof renv);
	op_reply(&op, &r1, renv, sizeof renv);
	assert_int_equal(store_district_get(f->s, "d01", &d0), STORE_OK);
	assert_int_equal(update(f->s, "d01", 1, 2, &op, 1, 0), STORE_ERR_QUOTA);
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_memory_equal(&d, &d0, sizeof d);
	/* purging in the same update makes room */
	assert_int_equal(update(f->s, "d01", 1, 2, &op, 1, 1), STORE_OK);
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_int_equal(d.bytes, sizeof renv);
	assert_int_equal(put_report(f->s, "d01", &r4, DAY1, &rc), STORE_OK);
	check_ok(f->s);
}

/* Fills d01 with 200 KiB envelopes; returns how many went in before STORE_ERR_FULL (or max). */
static int
fill(struct store *s, struct rep *reps, uint8_t *big, size_t biglen, int max, int *last_rc)
{
	struct store_report in;
	struct store_receipt rc;
	int n;

	for (n = 0; n < max; n++) {
		rep_new(&reps[n], 1);
		memset(&in, 0, sizeof in);
		in.district = "d01";
		memcpy(in.lookup, reps[n].lookup, 32);
		memcpy(in.auth_hash, reps[n].auth_hash, 32);
		memset(big, n + 1, biglen);
		in.envelope = big;
		in.envelope_len = biglen;
		in.day = DAY1;
		if ((*last_rc = store_put_report(s, &in, &rc)) != STORE_OK)
			break;
		assert_int_equal(rc.index, n + 1);
	}
	return n;
}

struct bigwalk {
	size_t len;
	int n;
};

static int
bigwalk_fn(void *ctx, const struct store_entry *e)
{
	struct bigwalk *w = ctx;

	assert_int_equal(e->envelope_len, w->len);
	for (size_t i = 0; i < e->envelope_len; i += 4096)
		assert_int_equal(e->envelope[i], (uint8_t)e->index);
	assert_int_equal(e->envelope[e->envelope_len - 1], (uint8_t)e->index);
	w->n++;
	return 0;
}

static void
test_map_cap(void **state)
{
	struct fx *f = *state;
	enum { BIG = 200 * 1024, MAXN = 40 };
	struct rep *reps = calloc(MAXN, sizeof *reps);
	uint8_t *big = malloc(BIG);
	struct store_stats st0, st;
	struct store_district d0, d;
	struct store_case_view v;
	struct bigwalk w = {BIG, 0};
	int n, rc = STORE_OK;

	assert_non_null(reps);
	assert_non_null(big);
	store_close(f->s);
	f->s = open_cfg(f->dir, 1 << 20, 4 << 20, 0);
	n = fill(f->s, reps, big, BIG, MAXN, &rc);
	assert_int_equal(rc, STORE_ERR_FULL);
	assert_true(n > 5); /* more than the initial 1 MiB holds: the map grew */
	assert_int_equal(store_stats(f->s, &st0), STORE_OK);
	assert_int_equal(st0.map_size, 4 << 20);
	assert_int_equal(st0.map_max, 4 << 20);
	assert_int_equal(st0.entries, (uint64_t)n);
	assert_int_equal(store_district_get(f->s, "d01", &d0), STORE_OK);

	/* still full, and a refused write changes nothing */
	assert_int_equal(fill(f->s, reps + n, big, BIG, 1, &rc), 0);
	assert_int_equal(rc, STORE_ERR_FULL);
	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_int_equal(st.entries, st0.entries);
	assert_int_equal(st.cases, st0.cases);
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_memory_equal(&d, &d0, sizeof d);

	/* everything stored before is intact */
	for (int i = 0; i < n; i++) {
		assert_int_equal(store_get_case(f->s, reps[i].lookup, reps[i].auth, &v), STORE_OK);
		assert_int_equal(v.index, i + 1);
		store_case_view_free(&v);
	}
	assert_int_equal(store_log_foreach(f->s, "d01", 1, (uint64_t)n, bigwalk_fn, &w), STORE_OK);
	assert_int_equal(w.n, n);
	check_ok(f->s);

	/* reopened with the same cap it stays full but readable */
	store_close(f->s);
	f->s = open_cfg(f->dir, 1 << 20, 4 << 20, 0);
	check_ok(f->s);
	free(reps);
	free(big);
}

static void
test_map_growth(void **state)
{
	struct fx *f = *state;
	enum { BIG = 200 * 1024, N = 10 };
	struct rep *reps = calloc(N, sizeof *reps);
	uint8_t *big = malloc(BIG);
	struct store_stats st;
	struct bigwalk w = {BIG, 0};
	int rc = STORE_OK;

	assert_non_null(reps);
	assert_non_null(big);
	store_close(f->s);
	f->s = open_cfg(f->dir, 1 << 20, 64 << 20, 0);
	assert_int_equal(fill(f->s, reps, big, BIG, N, &rc), N);
	assert_int_equal(rc, STORE_OK);
	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_true(st.map_size > (1 << 20));
	assert_true(st.map_size <= (64 << 20));
	assert_true(st.map_used > (uint64_t)N * BIG);
	assert_int_equal(store_log_foreach(f->s, "d01", 1, N, bigwalk_fn, &w), STORE_OK);
	assert_int_equal(w.n, N);
	check_ok(f->s);
	free(reps);
	free(big);
}

/*
 * Another process (like `qingfeng-intake backup` or `check` next to the
 * server) grows the map past ours: our next transactions see MDB_MAP_RESIZED,
 * adopt the new size and go on.
 */
static void
test_map_resized(void **state)
{
	struct fx *f = *state;
	struct store_district d;
	struct store_stats st;
	struct store_receipt rc;
	struct rep r;
	pid_t pid;
	int status;

	store_close(f->s);
	f->s = open_cfg(f->dir, 1 << 20, 64 << 20, 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* the other process: its own environment, no cmocka */
		enum { BIG = 200 * 1024 };
		struct store_config cfg = {8 << 20, 64 << 20, 0};
		struct store *o = NULL;
		struct store_report in;
		uint8_t *big = malloc(BIG);
		int bad = big == NULL || store_open(&o, f->dir, &cfg) != STORE_OK ||
		          store_district_ensure(o, "d03") != STORE_OK;

		for (int i = 0; !bad && i < 10; i++) {
			memset(&in, 0, sizeof in);
			in.district = "d03";
			randombytes_buf(in.lookup, 32);
			memset(big, i, BIG);
			in.envelope = big;
			in.envelope_len = BIG;
			in.day = DAY1;
			bad = store_put_report(o, &in, &rc) != STORE_OK;
		}
		store_close(o);
		free(big);
		_exit(bad);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	assert_int_equal(store_district_get(f->s, "d03", &d), STORE_OK);
	assert_int_equal(d.size, 10);
	rep_new(&r, 10);
	assert_int_equal(put_report(f->s, "d03", &r, DAY2, &rc), STORE_OK);
	assert_int_equal(rc.index, 11);
	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_true(st.map_size >= (8 << 20));
	check_ok(f->s);
}

/* ---- the export walk -------------------------------------------------------------- */

/* A walk that, at its first entry, has another thread commit a purging update. */
struct snapwalk {
	struct store *s;
	uint8_t head3[32];
	int n, rc, nulls;
};

static void *
purge_thread(void *arg)
{
	struct snapwalk *w = arg;
	struct store_update u;

	memset(&u, 0, sizeof u);
	u.district = "d01";
	u.seq = 1;
	u.acks_through = 3;
	memcpy(u.head, w->head3, 32);
	u.day = DAY3;
	u.purge = 1;
	w->rc = store_apply_update(w->s, &u, NULL);
	return NULL;
}

static int
snapwalk_fn(void *ctx, const struct store_entry *e)
{
	struct snapwalk *w = ctx;

	if (w->n++ == 0) {
		pthread_t t;

		assert_int_equal(pthread_create(&t, NULL, purge_thread, w), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
	}
	w->nulls += e->envelope == NULL;
	return 0;
}

static void
test_log_foreach(void **state)
{
	struct fx *f = *state;
	struct rep r[5];
	struct store_receipt rc;
	struct walk w;
	struct snapwalk sw;
	struct store_stats st;
	for (int i = 0; i < 5; i++) {
		rep_new(&r[i], 10 + (size_t)i);
		assert_int_equal(put_report(f->s, "d01", &r[i], DAY1, &rc), STORE_OK);
	}
	memset(&w, 0, sizeof w);
	assert_int_equal(store_log_foreach(f->s, "d01", 2, 4, walk_fn, &w), STORE_OK);
	assert_int_equal(w.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(w.e[i].index, i + 2);
		assert_memory_equal(w.e[i].lookup, r[i + 1].lookup, 32);
		assert_memory_equal(w.e[i].envelope, r[i + 1].env, r[i + 1].len);
	}
	memset(&w, 0, sizeof w);
	assert_int_equal(store_log_foreach(f->s, "d01", 5, 5, walk_fn, &w), STORE_OK);
	assert_int_equal(w.n, 1);
	/* an empty range (nothing new: from = to + 1) calls nothing */
	memset(&w, 0, sizeof w);
	assert_int_equal(store_log_foreach(f->s, "d01", 6, 5, walk_fn, &w), STORE_OK);
	assert_int_equal(store_log_foreach(f->s, "d02", 1, 0, walk_fn, &w), STORE_OK);
	assert_int_equal(w.n, 0);
	assert_int_equal(store_log_foreach(f->s, "d01", 1, 6, walk_fn, &w), STORE_ERR_ARG);
	assert_int_equal(store_log_foreach(f->s, "d02", 1, 1, walk_fn, &w), STORE_ERR_ARG);
	assert_int_equal(store_log_foreach(f->s, "d99", 1, 1, walk_fn, &w), STORE_ERR_DISTRICT);
	assert_int_equal(store_log_foreach(f->s, "Bad!", 1, 1, walk_fn, &w), STORE_ERR_DISTRICT);
	assert_int_equal(w.n, 0);
	/* fn's non-zero value stops the walk and comes back */
	w.stop_at = 2;
	assert_int_equal(store_log_foreach(f->s, "d01", 1, 5, walk_fn, &w), 7);
	assert_int_equal(w.n, 2);

	/* a consistent snapshot: a purge committed mid-walk is not seen by the walk */
	assert_int_equal(store_mark_exported(f->s, "d01", 3), STORE_OK);
	memset(&sw, 0, sizeof sw);
	sw.s = f->s;
	head_at(f->s, "d01", 3, sw.head3);
	assert_int_equal(store_log_foreach(f->s, "d01", 1, 5, snapwalk_fn, &sw), STORE_OK);
	assert_int_equal(sw.rc, STORE_OK);
	assert_int_equal(sw.n, 5);
	assert_int_equal(sw.nulls, 0);
	/* afterwards the purged envelopes are gone */
	memset(&w, 0, sizeof w);
	assert_int_equal(store_log_foreach(f->s, "d01", 1, 5, walk_fn, &w), STORE_OK);
	for (int i = 0; i < 5; i++)
		assert_true((w.e[i].envelope == NULL) == (i < 3));
	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_int_equal(st.envelopes, 2);
	assert_int_equal(st.entries, 5);
	check_ok(f->s);
}

static void
test_mark_exported(void **state)
{
	struct fx *f = *state;
	struct rep r;
	struct store_receipt rc;
	struct store_district d;

	for (int i = 0; i < 3; i++) {
		rep_new(&r, 10);
		assert_int_equal(put_report(f->s, "d01", &r, DAY1, &rc), STORE_OK);
	}
	assert_int_equal(store_mark_exported(f->s, "d01", 4), STORE_ERR_ARG);
	assert_int_equal(store_mark_exported(f->s, "d99", 1), STORE_ERR_DISTRICT);
	assert_int_equal(store_mark_exported(f->s, "d01", 2), STORE_OK);
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_int_equal(d.exported, 2);
	assert_int_equal(store_mark_exported(f->s, "d01", 3), STORE_OK);
	assert_int_equal(store_mark_exported(f->s, "d01", 1), STORE_OK); /* only grows */
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_int_equal(d.exported, 3);
	assert_int_equal(store_mark_exported(f->s, "d02", 0), STORE_OK);
	check_ok(f->s);
}

/* ---- updates ------------------------------------------------------------------ */

static void
test_update_apply(void **state)
{
	struct fx *f = *state;
	struct rep a, b, c;
	struct store_receipt rc;
	struct store_case_view v;
	struct store_district d;
	struct store_stats st;
	struct store_op ops[5];
	uint8_t e1[50], e2[70], e3[90], e4[10], fenv[33];

	randombytes_buf(e1, sizeof e1);
	randombytes_buf(e2, sizeof e2);
	randombytes_buf(e3, sizeof e3);
	randombytes_buf(e4, sizeof e4);
	randombytes_buf(fenv, sizeof fenv);
	rep_new(&a, 100);
	rep_new(&b, 200);
	rep_new(&c, 300);
	assert_int_equal(put_report(f->s, "d01", &a, DAY1, &rc), STORE_OK);
	assert_int_equal(put_report(f->s, "d01", &b, DAY1, &rc), STORE_OK);
	assert_int_equal(put_report(f->s, "d02", &c, DAY1, &rc), STORE_OK);
	assert_int_equal(put_followup(f->s, &a, fenv, sizeof fenv, DAY2, &rc), STORE_OK);
	assert_int_equal(put_followup(f->s, &a, fenv, sizeof fenv, DAY2, &rc), STORE_OK);
	assert_int_equal(store_mark_exported(f->s, "d01", 3), STORE_OK);

	op_status(&ops[0], &a, STORE_STATUS_ACCEPTED);
	op_reply(&ops[1], &a, e1, sizeof e1);
	op_reply(&ops[2], &a, e2, sizeof e2);
	op_reply(&ops[3], &b, e3, sizeof e3);
	op_status(&ops[4], &b, STORE_STATUS_CONCLUDED);
	assert_int_equal(update(f->s, "d01", 1, 3, ops, 5, 1), STORE_OK);

	assert_int_equal(store_get_case(f->s, a.lookup, a.auth, &v), STORE_OK);
	assert_int_equal(v.status, STORE_STATUS_ACCEPTED);
	assert_string_equal(v.status_day, DAY3);
	assert_string_equal(v.created_day, DAY1);
	assert_false(v.delivered); /* follow-up 4 is not acknowledged yet */
	assert_int_equal(v.followups, 2);
	assert_int_equal(v.nreplies, 2);
	assert_int_equal(v.replies[0].seq, 1);
	assert_string_equal(v.replies[0].day, DAY3);
	assert_int_equal(v.replies[0].envelope_len, sizeof e1);
	assert_memory_equal(v.replies[0].envelope, e1, sizeof e1);
	assert_int_equal(v.replies[1].seq, 2);
	assert_memory_equal(v.replies[1].envelope, e2, sizeof e2);
	store_case_view_free(&v);
	assert_int_equal(store_get_case(f->s, b.lookup, b.auth, &v), STORE_OK);
	assert_int_equal(v.status, STORE_STATUS_CONCLUDED);
	assert_true(v.delivered);
	assert_int_equal(v.nreplies, 1);
	assert_int_equal(v.replies[0].seq, 1);
	assert_memory_equal(v.replies[0].envelope, e3, sizeof e3);
	store_case_view_free(&v);

	/* 1..3 purged, 4 kept; bytes = follow-up 4 + replies */
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_int_equal(d.acked, 3);
	assert_int_equal(d.seq, 1);
	assert_int_equal(d.bytes, sizeof fenv + sizeof e1 + sizeof e2 + sizeof e3);
	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_int_equal(st.envelopes, 2); /* d01 index 4, d02 index 1 */
	assert_int_equal(st.replies, 3);
	check_ok(f->s);

	/* the next update: replies continue at seq 3; without purge envelopes stay */
	assert_int_equal(store_mark_exported(f->s, "d01", 4), STORE_OK);
	op_reply(&ops[0], &a, e4, sizeof e4);
	assert_int_equal(update(f->s, "d01", 2, 4, ops, 1, 0), STORE_OK);
	assert_int_equal(store_get_case(f->s, a.lookup, a.auth, &v), STORE_OK);
	assert_true(v.delivered);
	assert_int_equal(v.nreplies, 3);
	assert_int_equal(v.replies[2].seq, 3);
	assert_memory_equal(v.replies[2].envelope, e4, sizeof e4);
	store_case_view_free(&v);
	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_int_equal(st.envelopes, 2);
	/* an update with no ops that only moves seq is fine; seq may jump */
	assert_int_equal(update(f->s, "d01", 9, 4, NULL, 0, 1), STORE_OK);
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_int_equal(d.seq, 9);
	assert_int_equal(d.bytes, sizeof e1 + sizeof e2 + sizeof e3 + sizeof e4);
	check_ok(f->s);
}

/* Signs a case statement op of d01 with the test district key. */
static void
op_sign(struct store_op *op)
{
	struct sign_case_fields f;

	memset(&f, 0, sizeof f);
	f.district = "d01";
	memcpy(f.lookup, op->lookup, 32);
	f.index = op->st.index;
	f.status = store_status_name(op->st.status);
	f.status_day = op->st.status_day;
	f.replies = op->st.replies;
	memcpy(f.replies_hash, op->st.replies_hash, 32);
	f.followups_verified = op->st.followups_verified;
	f.seq = op->st.seq;
	assert_int_equal(sign_case(op->st.sig, g_case_sk, &f), 0);
}

/* A case statement op for r: index, status, replies over envs[0..n), fv, seq. */
static void
op_case(struct store_op *op, const struct rep *r, uint64_t index, int status,
        const uint8_t *const *envs, const size_t *lens, size_t n, uint64_t fv, uint64_t seq)
{
	memset(op, 0, sizeof *op);
	op->kind = STORE_OP_CASE;
	memcpy(op->lookup, r->lookup, 32);
	op->st.index = index;
	op->st.status = status;
	memcpy(op->st.status_day, DAY3, CODEC_DAY_LEN + 1);
	op->st.replies = n;
	for (size_t i = 0; i < n; i++)
		sign_replies_hash_next(op->st.replies_hash, op->st.replies_hash, envs[i], lens[i]);
	op->st.followups_verified = fv;
	op->st.seq = seq;
	op_sign(op);
}

static int
count_update(void *ctx, const struct store_update_rec *u)
{
	uint64_t *n = ctx;

	assert_int_equal(u->seq, *n + 1);
	assert_string_equal(u->day, DAY3);
	(*n)++;
	return 0;
}

static int
count_statement(void *ctx, const uint8_t lookup[32], const struct store_statement *st)
{
	uint64_t *n = ctx;

	(void)lookup;
	assert_int_equal(st->index, 1);
	(*n)++;
	return 0;
}

/* §15: statements are checked against what the case holds, kept, and answered. */
static void
test_update_statements(void **state)
{
	struct fx *f = *state;
	struct rep a;
	struct store_receipt rc;
	struct store_case_view v;
	struct store_district d;
	struct store_op ops[4];
	uint8_t e1[40], e2[50], fenv[20];
	const uint8_t *envs[2] = {e1, e2};
	const size_t lens[2] = {sizeof e1, sizeof e2};
	uint64_t n = 0;
	size_t bad = 99;

	randombytes_buf(e1, sizeof e1);
	randombytes_buf(e2, sizeof e2);
	randombytes_buf(fenv, sizeof fenv);
	rep_new(&a, 100);
	assert_int_equal(put_report(f->s, "d01", &a, DAY1, &rc), STORE_OK);
	assert_int_equal(put_followup(f->s, &a, fenv, sizeof fenv, DAY2, &rc), STORE_OK);
	assert_int_equal(store_mark_exported(f->s, "d01", 2), STORE_OK);

	/* each disagreement refuses the whole update, and names the statement */
	{
		static const struct {
			uint64_t index;
			int status;
			size_t n;
			uint64_t fv, seq;
			int bad_hash;
		} wrong[] = {
		        {2, STORE_STATUS_ACCEPTED, 1, 0, 1, 0},  /* not the report's index */
		        {1, STORE_STATUS_CONCLUDED, 1, 0, 1, 0}, /* not the case's status */
		        {1, STORE_STATUS_ACCEPTED, 0, 0, 1, 0},  /* counts fewer replies */
		        {1, STORE_STATUS_ACCEPTED, 2, 0, 1, 0},  /* counts a reply not held */
		        {1, STORE_STATUS_ACCEPTED, 1, 0, 1, 1},  /* other replies */
		        {1, STORE_STATUS_ACCEPTED, 1, 2, 1, 0},  /* more follow-ups than held */
		        {1, STORE_STATUS_ACCEPTED, 1, 0, 7, 0},  /* another update's seq */
		};
		for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
			op_status(&ops[0], &a, STORE_STATUS_ACCEPTED);
			op_reply(&ops[1], &a, e1, sizeof e1);
			op_case(&ops[2], &a, wrong[i].index, wrong[i].status, envs, lens,
			        wrong[i].n, wrong[i].fv, wrong[i].seq);
			if (wrong[i].bad_hash == 1) {
				ops[2].st.replies_hash[0] ^=
				        1; /* signed so: the district's mistake */
				op_sign(&ops[2]);
			}
			if (wrong[i].bad_hash == 2)
				ops[2].st.sig[0] ^= 1;
			bad = 99;
			assert_int_equal(update_h(f->s, "d01", 1, 2, NULL, ops, 3, 1, &bad),
			                 STORE_ERR_STATEMENT);
			assert_int_equal(bad, 2);
			assert_int_equal(store_get_case(f->s, a.lookup, a.auth, &v), STORE_OK);
			assert_int_equal(v.nreplies, 0);
			assert_false(v.has_statement);
			store_case_view_free(&v);
			assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
			assert_int_equal(d.seq, 0);
		}
	}

	/* a statement that agrees is kept and answered */
	op_status(&ops[0], &a, STORE_STATUS_ACCEPTED);
	op_reply(&ops[1], &a, e1, sizeof e1);
	op_case(&ops[2], &a, 1, STORE_STATUS_ACCEPTED, envs, lens, 1, 0, 1);
	assert_int_equal(update(f->s, "d01", 1, 2, ops, 3, 1), STORE_OK);
	assert_int_equal(store_get_case(f->s, a.lookup, a.auth, &v), STORE_OK);
	assert_true(v.has_statement);
	assert_int_equal(v.statement.seq, 1);
	assert_int_equal(v.statement.replies, 1);
	assert_int_equal(v.statement.status, STORE_STATUS_ACCEPTED);
	assert_memory_equal(v.statement.replies_hash, ops[2].st.replies_hash, 32);
	assert_memory_equal(v.statement.sig, ops[2].st.sig, 64);
	store_case_view_free(&v);

	/*
	 * an update carried again (the district thought update 1 lost): the reply
	 * it holds already is not added twice, the new one is
	 */
	op_reply(&ops[0], &a, e1, sizeof e1);
	op_reply(&ops[1], &a, e2, sizeof e2);
	op_case(&ops[2], &a, 1, STORE_STATUS_ACCEPTED, envs, lens, 2, 1, 2);
	assert_int_equal(update(f->s, "d01", 2, 2, ops, 3, 1), STORE_OK);
	assert_int_equal(store_get_case(f->s, a.lookup, a.auth, &v), STORE_OK);
	assert_int_equal(v.nreplies, 2);
	assert_memory_equal(v.replies[1].envelope, e2, sizeof e2);
	assert_int_equal(v.statement.seq, 2);
	assert_int_equal(v.statement.followups_verified, 1);
	store_case_view_free(&v);
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_int_equal(d.bytes, sizeof e1 + sizeof e2); /* 1..2 purged */

	/* never lower than the previous statement */
	op_case(&ops[0], &a, 1, STORE_STATUS_ACCEPTED, envs, lens, 2, 0, 3);
	assert_int_equal(update_h(f->s, "d01", 3, 2, NULL, ops, 1, 1, &bad), STORE_ERR_STATEMENT);

	/* every applied update and every statement is kept (§16) */
	assert_int_equal(store_updates_foreach(f->s, "d01", count_update, &n), STORE_OK);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(store_statements_foreach(f->s, "d01", count_statement, &n), STORE_OK);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(store_statements_foreach(f->s, "d02", count_statement, &n), STORE_OK);
	assert_int_equal(n, 0);
	check_ok(f->s);
}

static void
test_update_refusals(void **state)
{
	struct fx *f = *state;
	struct rep reps[3], unknown;
	struct rep *a = &reps[0], *b = &reps[1], *c = &reps[2];
	struct store_receipt rc;
	struct store_op ops[3];
	struct snap sn;
	uint8_t e1[40], head[32];
	size_t bad;

	randombytes_buf(e1, sizeof e1);
	rep_new(a, 100);
	rep_new(b, 200);
	rep_new(c, 300);
	rep_new(&unknown, 1);
	assert_int_equal(put_report(f->s, "d01", a, DAY1, &rc), STORE_OK);
	assert_int_equal(put_report(f->s, "d01", b, DAY1, &rc), STORE_OK);
	assert_int_equal(put_report(f->s, "d02", c, DAY1, &rc), STORE_OK);
	assert_int_equal(store_mark_exported(f->s, "d01", 1), STORE_OK);
	assert_int_equal(update(f->s, "d01", 5, 1, NULL, 0, 0), STORE_OK);
	assert_int_equal(store_mark_exported(f->s, "d01", 2), STORE_OK);
	snap_take(&sn, f->s, reps, 3);

	/* ops that would write before the failing one, to prove all-or-nothing */
	op_status(&ops[0], a, STORE_STATUS_NEED_INFO);
	op_reply(&ops[1], b, e1, sizeof e1);
	op_status(&ops[2], a, STORE_STATUS_IN_PROGRESS);

	/* replayed or older seq */
	assert_int_equal(update_h(f->s, "d01", 5, 2, NULL, ops, 3, 1, &bad), STORE_ERR_SEQ);
	assert_int_equal(update_h(f->s, "d01", 4, 2, NULL, ops, 3, 1, &bad), STORE_ERR_SEQ);
	snap_same(&sn, f->s, reps);
	/* acknowledging what was never exported, or less than already acked */
	head_at(f->s, "d01", 2, head);
	assert_int_equal(update_h(f->s, "d01", 6, 3, head, ops, 3, 1, &bad), STORE_ERR_ACKS);
	assert_int_equal(update_h(f->s, "d01", 6, 0, NULL, ops, 3, 1, &bad), STORE_ERR_ACKS);
	snap_same(&sn, f->s, reps);
	/* a head that is not the server's chain value at acks_through */
	head[0] ^= 1;
	assert_int_equal(update_h(f->s, "d01", 6, 2, head, ops, 3, 1, &bad), STORE_ERR_HEAD);
	head_at(f->s, "d01", 1, head);
	assert_int_equal(update_h(f->s, "d01", 6, 2, head, ops, 3, 1, &bad), STORE_ERR_HEAD);
	snap_same(&sn, f->s, reps);
	/* a lookup of another district, or unknown: NOT_FOUND naming the op */
	op_status(&ops[2], c, STORE_STATUS_IN_PROGRESS);
	assert_int_equal(update_h(f->s, "d01", 6, 2, NULL, ops, 3, 1, &bad), STORE_ERR_NOT_FOUND);
	assert_int_equal(bad, 2);
	op_reply(&ops[2], &unknown, e1, sizeof e1);
	assert_int_equal(update_h(f->s, "d01", 6, 2, NULL, ops, 3, 1, &bad), STORE_ERR_NOT_FOUND);
	assert_int_equal(bad, 2);
	snap_same(&sn, f->s, reps);
	/* unknown district, bad arguments */
	op_status(&ops[2], a, STORE_STATUS_IN_PROGRESS);
	assert_int_equal(update_h(f->s, "d99", 6, 0, NULL, ops, 3, 1, &bad), STORE_ERR_DISTRICT);
	ops[2].status = STORE_STATUS_COUNT;
	assert_int_equal(update_h(f->s, "d01", 6, 2, NULL, ops, 3, 1, &bad), STORE_ERR_ARG);
	assert_int_equal(bad, 2);
	ops[2].kind = 3;
	assert_int_equal(update_h(f->s, "d01", 6, 2, NULL, ops, 3, 1, &bad), STORE_ERR_ARG);
	op_reply(&ops[2], a, NULL, 5);
	assert_int_equal(update_h(f->s, "d01", 6, 2, NULL, ops, 3, 1, &bad), STORE_ERR_ARG);
	snap_same(&sn, f->s, reps);

	/* and the same update, made right, applies */
	op_status(&ops[2], a, STORE_STATUS_IN_PROGRESS);
	assert_int_equal(update_h(f->s, "d01", 6, 2, NULL, ops, 3, 1, &bad), STORE_OK);
	{
		struct store_case_view v;

		assert_int_equal(store_get_case(f->s, a->lookup, a->auth, &v), STORE_OK);
		assert_int_equal(v.status, STORE_STATUS_IN_PROGRESS);
		store_case_view_free(&v);
	}
	check_ok(f->s);
}

/*
 * Issue 21: purged envelopes must not stay in data.mdb's free pages (a server
 * copy plus a later-seized district key would open them), also while another
 * process (the running intake) holds the environment open, so that no
 * compaction can swap the file. Envelopes of the sizes the intake accepts
 * (>= 4221 bytes: api_envelope_plausible), of two and more overflow pages.
 * While that process holds a read snapshot from before the purge, the wipe
 * cannot reach the pages and says so (STORE_ERR_BUSY); once it lets go, the
 * wipe leaves none. Before the wipe (the old code) every purged envelope is
 * still in the file.
 */
#define PURGE_N    111
#define PURGE_KEPT 11 /* the last ones are not acknowledged */

struct purge_kept {
	const uint8_t (*envs)[12000];
	const size_t *lens;
	size_t n;
};

static int
purge_kept_fn(void *ctx, const struct store_entry *e)
{
	struct purge_kept *k = ctx;
	size_t i = (size_t)e->index - 1;

	assert_non_null(e->envelope);
	assert_int_equal(e->envelope_len, k->lens[i]);
	assert_memory_equal(e->envelope, k->envs[i], k->lens[i]);
	k->n++;
	return 0;
}

static size_t
purge_found(const char *path, const uint8_t (*envs)[12000], const size_t *lens, size_t n)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++)
		found += (size_t)file_holds(path, envs[i] + lens[i] / 2, 32);
	return found;
}

static void
test_purge_wipes(void **state)
{
	char *dir = testutil_tmpdir();
	char path[4096];
	static uint8_t envs[PURGE_N][12000];
	size_t lens[PURGE_N];
	int go[2], ready[2];
	struct store *s;
	struct store_district d;
	struct store_receipt rc;
	struct rep r;
	struct purge_kept k = {envs, lens, 0};
	size_t found;
	pid_t pid;
	char c = 0;

	(void)state;
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	s = open_cfg(dir, 0, 0, 0);
	assert_int_equal(store_district_ensure(s, "d01"), STORE_OK);
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	for (size_t i = 0; i < PURGE_N; i++) {
		struct store_report in;

		lens[i] = 4221 + 61 * i; /* 2 or 3 overflow pages */
		randombytes_buf(envs[i], lens[i]);
		rep_new(&r, 1);
		memset(&in, 0, sizeof in);
		in.district = "d01";
		memcpy(in.lookup, r.lookup, 32);
		memcpy(in.auth_hash, r.auth_hash, 32);
		memcpy(in.reply_pk, r.reply_pk, 32);
		in.envelope = envs[i];
		in.envelope_len = lens[i];
		in.day = DAY1;
		assert_int_equal(store_put_report(s, &in, &rc), STORE_OK);
	}
	store_close(s);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* the running intake: the environment open, a reader in it */
		MDB_env *env;
		MDB_txn *txn;

		alarm(60); /* gone even when the parent fails before telling it */
		if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, STORE_NDBS) != 0 ||
		    mdb_env_open(env, dir, 0, 0600) != 0 ||
		    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		mdb_txn_abort(txn); /* the reader is done; the environment stays open */
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		mdb_env_close(env);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	s = open_cfg(dir, 0, 0, 0);
	assert_int_equal(purge_found(path, envs, lens, PURGE_N), PURGE_N);
	assert_int_equal(store_mark_exported(s, "d01", PURGE_N), STORE_OK);
	assert_int_equal(update(s, "d01", 1, PURGE_N - PURGE_KEPT, NULL, 0, 1), STORE_OK);
	found = purge_found(path, envs, lens, PURGE_N - PURGE_KEPT);
	print_message("purged envelopes in data.mdb after the purge: %zu of %d\n", found,
	              PURGE_N - PURGE_KEPT);
	assert_int_equal(found, PURGE_N - PURGE_KEPT); /* LMDB frees pages, never wipes them */

	/* the reader's snapshot still holds the pages: not reachable, said so */
	assert_int_equal(store_wipe_free(s), STORE_ERR_BUSY);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(store_wipe_free(s), STORE_OK);
	found = purge_found(path, envs, lens, PURGE_N - PURGE_KEPT);
	print_message("purged envelopes in data.mdb after the wipe: %zu of %d\n", found,
	              PURGE_N - PURGE_KEPT);
	assert_int_equal(found, 0);

	/* the others are untouched and read back whole */
	assert_int_equal(purge_found(path, envs + PURGE_N - PURGE_KEPT, lens + PURGE_N - PURGE_KEPT,
	                             PURGE_KEPT),
	                 PURGE_KEPT);
	assert_int_equal(
	        store_log_foreach(s, "d01", PURGE_N - PURGE_KEPT + 1, PURGE_N, purge_kept_fn, &k),
	        STORE_OK);
	assert_int_equal(k.n, PURGE_KEPT);
	assert_int_equal(store_district_get(s, "d01", &d), STORE_OK);
	{
		uint64_t bytes = 0;

		for (size_t i = PURGE_N - PURGE_KEPT; i < PURGE_N; i++)
			bytes += lens[i];
		assert_int_equal(d.bytes, bytes);
	}
	check_ok(s);
	/* a second wipe with nothing new to wipe is quick and harmless */
	assert_int_equal(store_wipe_free(s), STORE_OK);
	check_ok(s);
	store_close(s);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	testutil_rmtree(dir);
	free(dir);
}

/* ---- backup, check, reopen ------------------------------------------------------- */

static void
populate(struct store *s, struct rep *reps)
{
	struct store_receipt rc;
	struct store_op op;
	uint8_t fenv[25], renv[35];

	randombytes_buf(fenv, sizeof fenv);
	randombytes_buf(renv, sizeof renv);
	rep_new(&reps[0], 120);
	rep_new(&reps[1], 130);
	rep_new(&reps[2], 140);
	assert_int_equal(put_report(s, "d01", &reps[0], DAY1, &rc), STORE_OK);
	assert_int_equal(put_report(s, "d01", &reps[1], DAY1, &rc), STORE_OK);
	assert_int_equal(put_followup(s, &reps[0], fenv, sizeof fenv, DAY2, &rc), STORE_OK);
	assert_int_equal(put_report(s, "d02", &reps[2], DAY2, &rc), STORE_OK);
	assert_int_equal(store_mark_exported(s, "d01", 1), STORE_OK);
	op_reply(&op, &reps[0], renv, sizeof renv);
	assert_int_equal(update(s, "d01", 1, 1, &op, 1, 1), STORE_OK);
}

static void
test_backup(void **state)
{
	struct fx *f = *state;
	struct rep reps[3];
	struct snap sn, sn2;
	struct stat sb;
	struct store *copy;
	char *bdir = testutil_tmpdir();
	char path[4200];

	populate(f->s, reps);
	snap_take(&sn, f->s, reps, 3);
	snprintf(path, sizeof path, "%s/data.mdb", bdir);
	assert_int_equal(store_backup(f->s, path), STORE_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	errno = 0;
	assert_int_equal(store_backup(f->s, path), STORE_ERR_IO);
	assert_int_equal(errno, EEXIST);

	/* restore: the copy is a data.mdb; its directory opens as a store */
	copy = open_cfg(bdir, 0, 0, 0);
	check_ok(copy);
	snap_take(&sn2, copy, reps, 3);
	assert_memory_equal(&sn.d1, &sn2.d1, sizeof sn.d1);
	assert_memory_equal(&sn.d2, &sn2.d2, sizeof sn.d2);
	assert_memory_equal(sn.views, sn2.views, sizeof sn.views);
	assert_int_equal(sn.st.cases, sn2.st.cases);
	assert_int_equal(sn.st.entries, sn2.st.entries);
	assert_int_equal(sn.st.envelopes, sn2.st.envelopes);
	assert_int_equal(sn.st.replies, sn2.st.replies);
	store_close(copy);
	testutil_rmtree(bdir);
	free(bdir);
}

/* Opens the environment with raw LMDB and lets fn change records of one database. */
static void
raw_edit(const char *dir, const char *dbname, void (*fn)(MDB_txn *txn, MDB_dbi dbi))
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_NDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, dbname, 0, &dbi), 0);
	fn(txn, dbi);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* Flips one bit at off of the record with key k. */
static void
flip(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, size_t off)
{
	MDB_val k = {klen, (void *)key}, v;
	uint8_t buf[512];

	assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
	assert_true(v.mv_size <= sizeof buf && off < v.mv_size);
	memcpy(buf, v.mv_data, v.mv_size);
	buf[off] ^= 0x10;
	v.mv_data = buf;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
}

static void
edit_envelope(MDB_txn *txn, MDB_dbi dbi)
{
	uint8_t key[STORE_LKEY_MAX];

	flip(txn, dbi, key, store_lkey(key, "d01", 2), 7);
}

static void
edit_log(MDB_txn *txn, MDB_dbi dbi)
{
	uint8_t key[STORE_LKEY_MAX];

	flip(txn, dbi, key, store_lkey(key, "d01", 3), STORE_LREC_OFF_CHAIN + 5);
}

static void
edit_district(MDB_txn *txn, MDB_dbi dbi)
{
	MDB_val k = {3, (void *)"d02"}, v = {10, (void *)"0123456789"};

	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
}

static void
test_check_corrupt(void **state)
{
	struct fx *f = *state;
	struct rep reps[3];
	struct msgs m;
	struct store_district d;
	struct store_receipt rc;

	populate(f->s, reps);
	check_ok(f->s);
	store_close(f->s);
	f->s = NULL;
	raw_edit(f->dir, "envelopes", edit_envelope);
	raw_edit(f->dir, "log", edit_log);
	f->s = open_cfg(f->dir, 0, 0, 0);
	memset(&m, 0, sizeof m);
	assert_int_equal(store_check(f->s, collect, &m), STORE_ERR_CORRUPT);
	assert_non_null(strstr(m.text, "district d01 index 2: envelope hash mismatch\n"));
	assert_non_null(strstr(m.text, "district d01 index 3: chain value does not match\n"));
	assert_non_null(strstr(m.text, "district d01: head differs"));
	assert_int_equal(m.n, 3);

	/* a record of the wrong length is CORRUPT, not read past its end */
	store_close(f->s);
	f->s = NULL;
	raw_edit(f->dir, "districts", edit_district);
	f->s = open_cfg(f->dir, 0, 0, 0);
	assert_int_equal(store_district_get(f->s, "d02", &d), STORE_ERR_CORRUPT);
	assert_int_equal(put_report(f->s, "d02", &reps[1], DAY1, &rc), STORE_ERR_CORRUPT);
	memset(&m, 0, sizeof m);
	assert_int_equal(store_check(f->s, collect, &m), STORE_ERR_CORRUPT);
	assert_non_null(strstr(m.text, "district d02: state record corrupt\n"));
}

static void
test_reopen(void **state)
{
	struct fx *f = *state;
	struct rep reps[3], r;
	struct snap sn;
	struct store_receipt rc;
	struct store_district d;
	uint8_t ch[32];

	populate(f->s, reps);
	snap_take(&sn, f->s, reps, 3);
	store_close(f->s);
	f->s = open_cfg(f->dir, 0, 0, 0);
	snap_same(&sn, f->s, reps);
	check_ok(f->s);
	/* the chain goes on from the stored head */
	rep_new(&r, 10);
	assert_int_equal(put_report(f->s, "d01", &r, DAY3, &rc), STORE_OK);
	assert_int_equal(rc.index, 4);
	chain_ref(ch, sn.d1.head, 4, 1, r.lookup, r.env, r.len, DAY3);
	assert_memory_equal(rc.chain, ch, 32);
	assert_int_equal(store_district_get(f->s, "d01", &d), STORE_OK);
	assert_int_equal(d.seq, 1);
	check_ok(f->s);
}

static void
edit_meta(MDB_txn *txn, MDB_dbi dbi)
{
	MDB_val k = {7, (void *)"version"}, v = {4, (void *)"\0\0\0\3"};

	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
}

static void
test_open_args(void **state)
{
	struct fx *f = *state;
	struct store *s = NULL;
	struct store_receipt rc;
	struct store_report in;
	struct rep r;
	struct stat sb;
	char path[4200];

	(void)state;
	assert_int_equal(store_open(&s, "/nonexistent/qingfeng", NULL), STORE_ERR_IO);
	assert_null(s);
	snprintf(path, sizeof path, "%s/data.mdb", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	assert_int_equal(store_district_ensure(f->s, "D01"), STORE_ERR_ARG);
	assert_int_equal(store_district_ensure(f->s, "-x"), STORE_ERR_ARG);
	assert_int_equal(store_district_ensure(f->s, NULL), STORE_ERR_ARG);
	assert_int_equal(store_district_ensure(f->s, "d01"), STORE_OK); /* idempotent */
	rep_new(&r, 10);
	assert_int_equal(put_report(f->s, "d01", &r, "2026-02-30", &rc), STORE_ERR_ARG);
	memset(&in, 0, sizeof in);
	in.district = "d01";
	in.day = DAY1;
	assert_int_equal(store_put_report(f->s, &in, &rc), STORE_ERR_ARG); /* no envelope */
	assert_int_equal(put_report(f->s, "d01", &r, DAY1, &rc), STORE_OK);

	for (int i = 0; i < STORE_STATUS_COUNT; i++)
		assert_int_equal(store_status_parse(store_status_name(i)), i);
	assert_null(store_status_name(STORE_STATUS_COUNT));
	assert_null(store_status_name(-1));
	assert_int_equal(store_status_parse("Received"), -1);
	assert_int_equal(store_status_parse(NULL), -1);
	for (int e = STORE_ERR_HEAD; e <= 0; e++)
		assert_non_null(store_strerror(e));

	/* an unknown schema version is refused */
	store_close(f->s);
	f->s = NULL;
	raw_edit(f->dir, "meta", edit_meta);
	assert_int_equal(store_open(&s, f->dir, NULL), STORE_ERR_CORRUPT);
	assert_null(s);
	f->s = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_report_roundtrip, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_chain_independent, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_auth_not_found, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_exists_unchanged, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_followup_delivered, setup, teardown),
	        cmocka_unit_test(test_upgrade_drops_pow),
	        cmocka_unit_test(test_upgrade_compacts_when_alone),
	        cmocka_unit_test_setup_teardown(test_quota, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_map_cap, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_map_growth, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_map_resized, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_log_foreach, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mark_exported, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_update_apply, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_update_refusals, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_update_statements, setup, teardown),
	        cmocka_unit_test(test_purge_wipes),
	        cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_check_corrupt, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_open_args, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(g_case_pk, g_case_sk);
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
