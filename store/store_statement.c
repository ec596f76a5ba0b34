/*
 * store_statement: the district's signed case statements (DESIGN.md §15)
 * and the record of every applied update (§16) in the server's store; see
 * store.h and store_impl.h for the layouts. Every statement is kept: the
 * latest answers the status request, all of them go into oversight bundles.
 */
#include <sodium.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/sign.h"
#include "store/store_impl.h"

#define SREC_LEN (1 + 32 + 1 + CODEC_DAY_LEN + 8 + 32 + 8 + 64)
#define UREC_LEN (1 + CODEC_DAY_LEN + 32 + 8)
#define SKEY_MAX (CODEC_DISTRICT_MAX + 1 + 8 + 8)
#define UKEY_MAX (CODEC_DISTRICT_MAX + 1 + 8)

/* id NUL u64be(index) u64be(seq) into key; returns its length. */
static size_t
skey(uint8_t key[SKEY_MAX], const char *id, uint64_t index, uint64_t seq)
{
	size_t n = store_lkey(key, id, index);

	codec_u64be_put(key + n, seq);
	return n + 8;
}

static void
srec_enc(uint8_t out[SREC_LEN], const uint8_t lookup[32], const struct store_statement *st)
{
	uint8_t *p = out;

	*p++ = STORE_REC_V1;
	memcpy(p, lookup, 32), p += 32;
	*p++ = (uint8_t)st->status;
	memcpy(p, st->status_day, CODEC_DAY_LEN), p += CODEC_DAY_LEN;
	codec_u64be_put(p, st->replies), p += 8;
	memcpy(p, st->replies_hash, 32), p += 32;
	codec_u64be_put(p, st->followups_verified), p += 8;
	memcpy(p, st->sig, 64);
}

/* Decodes a statement record of key (index, seq). Returns 0 or STORE_ERR_CORRUPT. */
static int
srec_dec(struct store_statement *st, uint8_t lookup[32], const MDB_val *k, const MDB_val *v)
{
	const uint8_t *p = v->mv_data, *kp = k->mv_data;

	memset(st, 0, sizeof *st);
	if (v->mv_size != SREC_LEN || p[0] != STORE_REC_V1 || k->mv_size < 17)
		return STORE_ERR_CORRUPT;
	st->index = codec_u64be_get(kp + k->mv_size - 16);
	st->seq = codec_u64be_get(kp + k->mv_size - 8);
	p++;
	memcpy(lookup, p, 32), p += 32;
	st->status = *p++;
	memcpy(st->status_day, p, CODEC_DAY_LEN), p += CODEC_DAY_LEN;
	st->status_day[CODEC_DAY_LEN] = '\0';
	st->replies = codec_u64be_get(p), p += 8;
	memcpy(st->replies_hash, p, 32), p += 32;
	st->followups_verified = codec_u64be_get(p), p += 8;
	memcpy(st->sig, p, 64);
	if (store_status_name(st->status) == NULL || !codec_day_valid(st->status_day))
		return STORE_ERR_CORRUPT;
	return 0;
}

int
store_statement_put(MDB_txn *txn, struct store *s, const char *id, const uint8_t lookup[32],
                    const struct store_statement *st)
{
	uint8_t key[SKEY_MAX], val[SREC_LEN];
	MDB_val k, v = {sizeof val, val};
	int rc;

	if (!codec_district_valid(id) || store_status_name(st->status) == NULL ||
	    !codec_day_valid(st->status_day))
		return STORE_ERR_ARG;
	k.mv_size = skey(key, id, st->index, st->seq);
	k.mv_data = key;
	srec_enc(val, lookup, st);
	rc = mdb_put(txn, s->statements, &k, &v, MDB_NOOVERWRITE);
	return rc == MDB_KEYEXIST ? STORE_ERR_STATEMENT /* one per case and update */ : rc;
}

int
store_statement_latest(MDB_txn *txn, struct store *s, const char *id, uint64_t index,
                       struct store_statement *st, uint8_t lookup[32])
{
	uint8_t key[SKEY_MAX];
	size_t klen = skey(key, id, index, UINT64_MAX), plen = klen - 8;
	MDB_val k = {klen, key}, v;
	MDB_cursor *cur;
	int rc;

	if ((rc = mdb_cursor_open(txn, s->statements, &cur)) != 0)
		return rc;
	/* the first key at or after (index, max seq), then one back: the last of the case */
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == klen && memcmp(k.mv_data, key, klen) == 0)
		rc = 0; /* seq UINT64_MAX itself: never written, but take it */
	else if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == 0 && (k.mv_size != klen || memcmp(k.mv_data, key, plen) != 0))
		rc = MDB_NOTFOUND;
	if (rc == 0)
		rc = srec_dec(st, lookup, &k, &v);
	mdb_cursor_close(cur);
	return rc;
}

int
store_update_rec_put(MDB_txn *txn, struct store *s, const char *id,
                     const struct store_update_rec *u)
{
	uint8_t key[UKEY_MAX], val[UREC_LEN];
	MDB_val k = {store_lkey(key, id, u->seq), key}, v = {sizeof val, val};

	if (!codec_day_valid(u->day))
		return STORE_ERR_ARG;
	val[0] = STORE_REC_V1;
	memcpy(val + 1, u->day, CODEC_DAY_LEN);
	memcpy(val + 1 + CODEC_DAY_LEN, u->file_hash, 32);
	codec_u64be_put(val + 1 + CODEC_DAY_LEN + 32, u->acks_through);
	return mdb_put(txn, s->updates, &k, &v, 0);
}

int
store_reply_at(MDB_txn *txn, struct store *s, const uint8_t lookup[32], uint64_t seq,
               const uint8_t **env, size_t *len)
{
	uint8_t key[STORE_RKEY_LEN];
	MDB_val k = {sizeof key, key}, v;
	char day[CODEC_DAY_LEN + 1];
	int rc;

	if (seq == 0 || seq > UINT32_MAX)
		return STORE_ERR_CORRUPT;
	store_rkey(key, lookup, (uint32_t)seq);
	rc = mdb_get(txn, s->replies, &k, &v);
	if (rc != 0)
		return rc == MDB_NOTFOUND ? STORE_ERR_CORRUPT : rc;
	return store_reply_dec(day, env, len, &v);
}

int
store_replies_hash(MDB_txn *txn, struct store *s, const uint8_t lookup[32], uint64_t n,
                   uint8_t out[32])
{
	memset(out, 0, 32);
	for (uint64_t i = 1; i <= n; i++) {
		const uint8_t *env;
		size_t len;
		int rc = store_reply_at(txn, s, lookup, i, &env, &len);

		if (rc != 0)
			return rc;
		sign_replies_hash_next(out, out, env, len);
	}
	return 0;
}

/* Walks the records of dbi whose key starts with id NUL. */
static int
walk(struct store *s, MDB_dbi dbi, const char *id,
     int (*each)(void *ctx, const MDB_val *k, const MDB_val *v), void *ctx)
{
	uint8_t key[SKEY_MAX];
	size_t plen = store_lkey(key, id, 0) - 8;
	MDB_val k = {plen, key}, v;
	MDB_cursor *cur;
	MDB_txn *txn;
	int rc;

	if (!codec_district_valid(id))
		return STORE_ERR_ARG;
	if ((rc = store_txn_read(s, &txn)) != STORE_OK)
		return rc;
	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc == 0) {
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
		     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			if (k.mv_size <= plen || memcmp(k.mv_data, key, plen) != 0)
				break;
			if ((rc = each(ctx, &k, &v)) != 0)
				break;
		}
		mdb_cursor_close(cur);
	}
	store_txn_read_end(s, txn);
	return rc == MDB_NOTFOUND ? STORE_OK : store_map_rc(rc);
}

struct upd_walk {
	int (*fn)(void *ctx, const struct store_update_rec *u);
	void *ctx;
};

static int
each_update(void *ctx, const MDB_val *k, const MDB_val *v)
{
	struct upd_walk *w = ctx;
	struct store_update_rec u;
	const uint8_t *p = v->mv_data;

	if (v->mv_size != UREC_LEN || p[0] != STORE_REC_V1 || k->mv_size < 9)
		return STORE_ERR_CORRUPT;
	memset(&u, 0, sizeof u);
	u.seq = codec_u64be_get((const uint8_t *)k->mv_data + k->mv_size - 8);
	memcpy(u.day, p + 1, CODEC_DAY_LEN);
	memcpy(u.file_hash, p + 1 + CODEC_DAY_LEN, 32);
	u.acks_through = codec_u64be_get(p + 1 + CODEC_DAY_LEN + 32);
	if (!codec_day_valid(u.day))
		return STORE_ERR_CORRUPT;
	return w->fn(w->ctx, &u);
}

int
store_updates_foreach(struct store *s, const char *id,
                      int (*fn)(void *ctx, const struct store_update_rec *u), void *ctx)
{
	struct upd_walk w = {fn, ctx};

	return walk(s, s->updates, id, each_update, &w);
}

struct st_walk {
	int (*fn)(void *ctx, const uint8_t lookup[32], const struct store_statement *st);
	void *ctx;
};

static int
each_statement(void *ctx, const MDB_val *k, const MDB_val *v)
{
	struct st_walk *w = ctx;
	struct store_statement st;
	uint8_t lookup[32];
	int rc = srec_dec(&st, lookup, k, v);

	return rc != 0 ? rc : w->fn(w->ctx, lookup, &st);
}

int
store_statements_foreach(struct store *s, const char *id,
                         int (*fn)(void *ctx, const uint8_t lookup[32],
                                   const struct store_statement *st),
                         void *ctx)
{
	struct st_walk w = {fn, ctx};

	return walk(s, s->statements, id, each_statement, &w);
}
