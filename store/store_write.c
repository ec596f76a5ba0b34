/*
 * store_write: the writing calls of store.h (reports, follow-ups,
 * updates, export marks). Each is one transaction body run
 * by store_txn_write: every check first, then the writes; any failure aborts
 * the whole transaction, so a refused call changes nothing.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/receipt.h"
#include "crypto/sign.h"
#include "store/store.h"
#include "store/store_impl.h"

/* ---- shared pieces ------------------------------------------------------ */

/* STORE_ERR_QUOTA when adding add bytes to d would pass the quota. */
static int
quota_check(const struct store *s, const struct store_district *d, uint64_t add)
{
	if (s->quota == 0)
		return 0;
	if (d->bytes > s->quota || add > s->quota - d->bytes)
		return STORE_ERR_QUOTA;
	return 0;
}

/* A new submission to append to a district's chain. */
struct append {
	const char *district;
	int kind;
	const uint8_t *lookup;
	const uint8_t *envelope;
	size_t envelope_len;
	const uint8_t *envelope_hash;
	const char *day;
	struct store_receipt *r;
};

/*
 * Appends a log entry and its envelope to district state d (already read and
 * quota-checked), updates d (size, head, head_day, bytes) and writes it, and
 * fills the receipt.
 */
static int
append_entry(MDB_txn *txn, struct store *s, struct store_district *d, const struct append *a)
{
	struct store_entry e;
	uint8_t key[STORE_LKEY_MAX], rec[STORE_LREC_LEN];
	MDB_val k, v;
	int rc;

	memset(&e, 0, sizeof e);
	if (d->size == UINT64_MAX)
		return STORE_ERR_FULL;
	e.index = d->size + 1;
	e.kind = a->kind;
	memcpy(e.lookup, a->lookup, 32);
	memcpy(e.envelope_hash, a->envelope_hash, 32);
	memcpy(e.day, a->day, CODEC_DAY_LEN);
	if (chain_next(e.chain, d->head, e.index, e.kind, e.lookup, e.envelope_hash, a->day) != 0)
		return STORE_ERR_ARG;
	store_log_enc(rec, &e);

	k.mv_size = store_lkey(key, a->district, e.index);
	k.mv_data = key;
	v.mv_size = sizeof rec;
	v.mv_data = rec;
	/* An entry beyond size would mean the state and the log disagree. */
	rc = mdb_put(txn, s->log, &k, &v, MDB_NOOVERWRITE);
	if (rc != 0)
		return rc == MDB_KEYEXIST ? STORE_ERR_CORRUPT : rc;
	v.mv_size = a->envelope_len + 1;
	v.mv_data = NULL;
	rc = mdb_put(txn, s->envelopes, &k, &v, MDB_NOOVERWRITE | MDB_RESERVE);
	if (rc != 0)
		return rc == MDB_KEYEXIST ? STORE_ERR_CORRUPT : rc;
	((uint8_t *)v.mv_data)[0] = STORE_REC_V1;
	memcpy((uint8_t *)v.mv_data + 1, a->envelope, a->envelope_len);

	d->size = e.index;
	memcpy(d->head, e.chain, 32);
	memcpy(d->head_day, a->day, CODEC_DAY_LEN + 1);
	d->bytes += a->envelope_len;
	if ((rc = store_put_district(txn, s, a->district, d)) != 0)
		return rc;

	memset(a->r, 0, sizeof *a->r);
	memcpy(a->r->district, a->district, strlen(a->district) + 1);
	a->r->index = e.index;
	memcpy(a->r->day, a->day, CODEC_DAY_LEN + 1);
	memcpy(a->r->envelope_hash, e.envelope_hash, 32);
	memcpy(a->r->chain, e.chain, 32);
	return 0;
}

/* Common argument checks of a submission. */
static int
submission_valid(const uint8_t *envelope, size_t envelope_len, const char *day)
{
	return envelope != NULL && envelope_len > 0 && envelope_len < SIZE_MAX - 64 &&
	       codec_day_valid(day);
}

/* ---- reports ------------------------------------------------------------- */

struct report_ctx {
	const struct store_report *in;
	const uint8_t *envelope_hash;
	struct store_receipt *r;
};

static int
report_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	const struct report_ctx *c = ctx;
	const struct store_report *in = c->in;
	struct store_district d;
	struct store_case_rec cr;
	struct append a = {in->district,     CHAIN_KIND_REPORT, in->lookup, in->envelope,
	                   in->envelope_len, c->envelope_hash,  in->day,    c->r};
	MDB_val k = {32, (void *)in->lookup}, v;
	int rc;

	rc = store_get_district(txn, s, in->district, &d);
	if (rc != 0)
		return rc == MDB_NOTFOUND ? STORE_ERR_DISTRICT : rc;
	rc = mdb_get(txn, s->cases, &k, &v);
	if (rc == 0)
		return STORE_ERR_EXISTS;
	if (rc != MDB_NOTFOUND)
		return rc;
	if ((rc = quota_check(s, &d, in->envelope_len)) != 0)
		return rc;

	if ((rc = append_entry(txn, s, &d, &a)) != 0)
		return rc;
	memset(&cr, 0, sizeof cr);
	memcpy(cr.district, in->district, strlen(in->district) + 1);
	cr.index = d.size;
	memcpy(cr.auth_hash, in->auth_hash, 32);
	memcpy(cr.reply_pk, in->reply_pk, 32);
	cr.status = STORE_STATUS_RECEIVED;
	memcpy(cr.status_day, in->day, CODEC_DAY_LEN + 1);
	memcpy(cr.created_day, in->day, CODEC_DAY_LEN + 1);
	cr.last_index = d.size;
	return store_put_case_rec(txn, s, in->lookup, &cr);
}

int
store_put_report(struct store *s, const struct store_report *in, struct store_receipt *r)
{
	uint8_t ehash[32];
	struct report_ctx c = {in, ehash, r};
	int rc;

	if (s == NULL || in == NULL || r == NULL)
		return STORE_ERR_ARG;
	memset(r, 0, sizeof *r);
	if (!codec_district_valid(in->district) ||
	    !submission_valid(in->envelope, in->envelope_len, in->day))
		rc = STORE_ERR_ARG;
	else {
		chain_h256(ehash, in->envelope, in->envelope_len);
		rc = store_txn_write(s, report_fn, &c);
	}
	if (rc != STORE_OK)
		memset(r, 0, sizeof *r);
	return rc;
}

/* ---- follow-ups ---------------------------------------------------------- */

struct followup_ctx {
	const struct store_followup *in;
	const uint8_t *auth_hash; /* H256(in->auth) */
	const uint8_t *envelope_hash;
	struct store_receipt *r;
};

static int
followup_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	/* Compared with when the lookup is unknown, so both paths do the same work. */
	static const uint8_t dummy[32];
	const struct followup_ctx *c = ctx;
	const struct store_followup *in = c->in;
	struct store_case_rec cr;
	struct store_district d;
	struct append a = {NULL,
	                   CHAIN_KIND_FOLLOWUP,
	                   in->lookup,
	                   in->envelope,
	                   in->envelope_len,
	                   c->envelope_hash,
	                   in->day,
	                   c->r};
	int rc, found, same;

	rc = store_get_case_rec(txn, s, in->lookup, &cr);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	found = rc == 0;
	same = sodium_memcmp(c->auth_hash, found ? cr.auth_hash : dummy, 32) == 0;
	if (!found || !same)
		return STORE_ERR_NOT_FOUND;

	/* A case whose district is gone is an inconsistency, not the caller's fault. */
	rc = store_get_district(txn, s, cr.district, &d);
	if (rc != 0)
		return rc == MDB_NOTFOUND ? STORE_ERR_CORRUPT : rc;
	if ((rc = quota_check(s, &d, in->envelope_len)) != 0)
		return rc;
	a.district = cr.district;
	if ((rc = append_entry(txn, s, &d, &a)) != 0)
		return rc;
	cr.followups++;
	cr.last_index = d.size;
	return store_put_case_rec(txn, s, in->lookup, &cr);
}

int
store_put_followup(struct store *s, const struct store_followup *in, struct store_receipt *r)
{
	uint8_t ehash[32], ahash[32];
	struct followup_ctx c = {in, ahash, ehash, r};
	int rc;

	if (s == NULL || in == NULL || r == NULL)
		return STORE_ERR_ARG;
	memset(r, 0, sizeof *r);
	if (!submission_valid(in->envelope, in->envelope_len, in->day))
		rc = STORE_ERR_ARG;
	else {
		chain_h256(ehash, in->envelope, in->envelope_len);
		receipt_auth_hash(ahash, in->auth);
		rc = store_txn_write(s, followup_fn, &c);
		sodium_memzero(ahash, sizeof ahash);
	}
	if (rc != STORE_OK)
		memset(r, 0, sizeof *r);
	return rc;
}

/* ---- group commit --------------------------------------------------------- */

struct batch_ctx {
	struct store_batch_item *items;
	size_t n;
};

/* Runs one item in a nested transaction; a refusal aborts only that child. */
static int
batch_item(struct store *s, MDB_txn *txn, struct store_batch_item *it)
{
	MDB_txn *child = NULL;
	int rc;

	memset(&it->receipt, 0, sizeof it->receipt);
	if (it->result == STORE_ERR_ARG)
		return 0; /* checked before the transaction */
	if ((rc = mdb_txn_begin(s->db.env, txn, 0, &child)) != 0)
		return rc;
	if (it->kind == CHAIN_KIND_REPORT) {
		struct report_ctx c = {it->report, it->envelope_hash, &it->receipt};
		rc = report_fn(s, child, &c);
	} else {
		struct followup_ctx c = {it->followup, it->auth_hash, it->envelope_hash,
		                         &it->receipt};
		rc = followup_fn(s, child, &c);
	}
	if (rc == 0) {
		it->result = STORE_OK;
		return mdb_txn_commit(child);
	}
	mdb_txn_abort(child);
	if (rc > 0 || rc < STORE_ERR_MIN)
		return rc; /* an LMDB or system failure stops the batch (MAP_FULL: grow, rerun) */
	it->result = rc;
	memset(&it->receipt, 0, sizeof it->receipt);
	return 0;
}

static int
batch_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	struct batch_ctx *c = ctx;
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		/* the body may run again after the map grew: start each item afresh */
		if (c->items[i].result != STORE_ERR_ARG)
			c->items[i].result = STORE_ERR_IO;
	}
	for (size_t i = 0; i < c->n; i++)
		if ((rc = batch_item(s, txn, &c->items[i])) != 0)
			return rc;
	return 0;
}

int
store_put_batch(struct store *s, struct store_batch_item *items, size_t n)
{
	struct batch_ctx c = {items, n};
	int rc;

	if (s == NULL || (items == NULL && n > 0))
		return STORE_ERR_ARG;
	for (size_t i = 0; i < n; i++) {
		struct store_batch_item *it = &items[i];
		int ok;

		it->result = 0;
		if (it->kind == CHAIN_KIND_REPORT && it->report != NULL) {
			const struct store_report *in = it->report;
			ok = codec_district_valid(in->district) &&
			     submission_valid(in->envelope, in->envelope_len, in->day);
			if (ok)
				chain_h256(it->envelope_hash, in->envelope, in->envelope_len);
		} else if (it->kind == CHAIN_KIND_FOLLOWUP && it->followup != NULL) {
			const struct store_followup *in = it->followup;
			ok = submission_valid(in->envelope, in->envelope_len, in->day);
			if (ok) {
				chain_h256(it->envelope_hash, in->envelope, in->envelope_len);
				receipt_auth_hash(it->auth_hash, in->auth);
			}
		} else {
			return STORE_ERR_ARG;
		}
		if (!ok)
			it->result = STORE_ERR_ARG;
	}
	rc = store_txn_write(s, batch_fn, &c);
	for (size_t i = 0; i < n; i++) {
		sodium_memzero(items[i].auth_hash, sizeof items[i].auth_hash);
		if (rc != STORE_OK) {
			items[i].result = rc;
			memset(&items[i].receipt, 0, sizeof items[i].receipt);
		}
	}
	return rc;
}

/* ---- housekeeping -------------------------------------------------------- */

static int
touch_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	static const char key[] = "touch";
	static const uint8_t val[1] = {0};
	MDB_val k = {sizeof key - 1, (void *)key}, v = {sizeof val, (void *)val};

	(void)ctx;
	return mdb_put(txn, s->meta, &k, &v, 0);
}

int
store_touch(struct store *s)
{
	if (s == NULL)
		return STORE_ERR_ARG;
	return store_txn_write(s, touch_fn, NULL);
}

/* ---- export marks ---------------------------------------------------------- */

struct mark_ctx {
	const char *id;
	uint64_t to;
};

static int
mark_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	const struct mark_ctx *c = ctx;
	struct store_district d;
	int rc = store_get_district(txn, s, c->id, &d);

	if (rc != 0)
		return rc == MDB_NOTFOUND ? STORE_ERR_DISTRICT : rc;
	if (c->to > d.size)
		return STORE_ERR_ARG;
	if (c->to <= d.exported)
		return 0; /* exported only grows; nothing to write */
	d.exported = c->to;
	return store_put_district(txn, s, c->id, &d);
}

int
store_mark_exported(struct store *s, const char *id, uint64_t to)
{
	struct mark_ctx c = {id, to};

	if (s == NULL)
		return STORE_ERR_ARG;
	if (!codec_district_valid(id))
		return STORE_ERR_DISTRICT;
	return store_txn_write(s, mark_fn, &c);
}

/* ---- updates ------------------------------------------------------------- */

struct update_ctx {
	const struct store_update *u;
	size_t bad_op;
};

/* Deletes the district's envelopes with index <= through; subtracts their bytes from *bytes. */
static int
purge_envelopes(MDB_txn *txn, struct store *s, const char *id, uint64_t through, uint64_t *bytes)
{
	uint8_t key[STORE_LKEY_MAX];
	size_t klen = store_lkey(key, id, 1), plen = klen - 8; /* prefix: id NUL */
	MDB_val k = {klen, key}, v;
	MDB_cursor *cur;
	int rc;

	if ((rc = mdb_cursor_open(txn, s->envelopes, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != klen || memcmp(k.mv_data, key, plen) != 0 ||
		    codec_u64be_get((const uint8_t *)k.mv_data + plen) > through)
			break;
		if (v.mv_size < STORE_EREC_MIN || v.mv_size - 1 > *bytes) {
			rc = STORE_ERR_CORRUPT;
			break;
		}
		*bytes -= v.mv_size - 1;
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/*
 * 1 when case cr (lookup) already holds a reply with this envelope, 0 when
 * not; an LMDB or store code on failure.
 */
static int
reply_held(MDB_txn *txn, struct store *s, const uint8_t lookup[32], const struct store_case_rec *cr,
           const struct store_op *op)
{
	for (uint32_t i = 1; i <= cr->nreplies; i++) {
		const uint8_t *env;
		size_t len;
		int rc = store_reply_at(txn, s, lookup, i, &env, &len);

		if (rc != 0)
			return rc;
		if (len == op->envelope_len && memcmp(env, op->envelope, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Appends reply envelope env to case cr (lookup), numbered cr->nreplies + 1,
 * unless the case holds it already (an update carried again, §15): then
 * *added stays 0.
 */
static int
put_reply(MDB_txn *txn, struct store *s, const uint8_t lookup[32], struct store_case_rec *cr,
          const struct store_op *op, const char *day, int *added)
{
	uint8_t key[STORE_RKEY_LEN];
	MDB_val k = {sizeof key, key}, v = {op->envelope_len + 1 + CODEC_DAY_LEN, NULL};
	uint8_t *p;
	int rc;

	*added = 0;
	rc = reply_held(txn, s, lookup, cr, op);
	if (rc != 0)
		return rc == 1 ? 0 : rc;

	if (cr->nreplies == UINT32_MAX)
		return STORE_ERR_FULL;
	store_rkey(key, lookup, cr->nreplies + 1);
	rc = mdb_put(txn, s->replies, &k, &v, MDB_NOOVERWRITE | MDB_RESERVE);
	if (rc != 0)
		return rc == MDB_KEYEXIST ? STORE_ERR_CORRUPT : rc;
	p = v.mv_data;
	p[0] = STORE_REC_V1;
	memcpy(p + 1, day, CODEC_DAY_LEN);
	memcpy(p + 1 + CODEC_DAY_LEN, op->envelope, op->envelope_len);
	cr->nreplies++;
	*added = 1;
	return 0;
}

/*
 * Checks case statement op against what the server holds once the update's
 * other operations are applied, and keeps it. Returns 0,
 * STORE_ERR_STATEMENT, STORE_ERR_NOT_FOUND (not a case of the district) or
 * an LMDB/store code.
 */
static int
put_statement(MDB_txn *txn, struct store *s, const struct store_update *u,
              const struct store_op *op)
{
	const struct store_statement *st = &op->st;
	struct store_statement prev;
	struct store_case_rec cr;
	uint8_t h[32], plookup[32];
	int rc = store_get_case_rec(txn, s, op->lookup, &cr);

	if (rc == MDB_NOTFOUND || (rc == 0 && strcmp(cr.district, u->district) != 0))
		return STORE_ERR_NOT_FOUND;
	if (rc != 0)
		return rc;
	{
		struct sign_case_fields f;

		memset(&f, 0, sizeof f);
		f.district = u->district;
		memcpy(f.lookup, op->lookup, 32);
		f.index = st->index;
		f.status = store_status_name(st->status);
		f.status_day = st->status_day;
		f.replies = st->replies;
		memcpy(f.replies_hash, st->replies_hash, 32);
		f.followups_verified = st->followups_verified;
		f.seq = st->seq;
		if (sign_case_verify(st->sig, u->sign_pk, &f) != 0)
			return STORE_ERR_STATEMENT; /* not the district's word */
	}
	if (st->seq != u->seq || st->index != cr.index || st->status != cr.status ||
	    st->replies != cr.nreplies || st->followups_verified > cr.followups)
		return STORE_ERR_STATEMENT;
	if ((rc = store_replies_hash(txn, s, op->lookup, cr.nreplies, h)) != 0)
		return rc;
	if (sodium_memcmp(h, st->replies_hash, 32) != 0)
		return STORE_ERR_STATEMENT;
	rc = store_statement_latest(txn, s, u->district, cr.index, &prev, plookup);
	if (rc == 0 &&
	    (prev.replies > st->replies || prev.followups_verified > st->followups_verified))
		return STORE_ERR_STATEMENT;
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	return store_statement_put(txn, s, u->district, op->lookup, st);
}

static int
update_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	static const uint8_t zero[32];
	struct update_ctx *c = ctx;
	const struct store_update *u = c->u;
	struct store_district d;
	struct store_entry e;
	uint64_t added = 0;
	int rc;

	c->bad_op = 0;
	rc = store_get_district(txn, s, u->district, &d);
	if (rc != 0)
		return rc == MDB_NOTFOUND ? STORE_ERR_DISTRICT : rc;
	if (u->seq <= d.seq)
		return STORE_ERR_SEQ;
	if (u->acks_through > d.exported || u->acks_through < d.acked)
		return STORE_ERR_ACKS;
	if (u->acks_through == 0) {
		if (memcmp(u->head, zero, 32) != 0)
			return STORE_ERR_HEAD;
	} else {
		rc = store_get_log(txn, s, u->district, u->acks_through, &e);
		if (rc != 0)
			return rc == MDB_NOTFOUND ? STORE_ERR_CORRUPT : rc;
		if (memcmp(u->head, e.chain, 32) != 0)
			return STORE_ERR_HEAD;
	}

	/* Ops in order; a later op on the same case sees the earlier one's write. */
	for (size_t i = 0; i < u->nops; i++) {
		const struct store_op *op = &u->ops[i];
		struct store_case_rec cr;
		int fresh = 0;

		if (op->kind == STORE_OP_CASE)
			continue; /* checked against the result, below */
		rc = store_get_case_rec(txn, s, op->lookup, &cr);
		if (rc == MDB_NOTFOUND || (rc == 0 && strcmp(cr.district, u->district) != 0)) {
			c->bad_op = i;
			return STORE_ERR_NOT_FOUND;
		}
		if (rc != 0)
			return rc;
		if (op->kind == STORE_OP_STATUS) {
			/* the day moves only with the status (an op carried again changes nothing) */
			if (cr.status != op->status)
				memcpy(cr.status_day, u->day, CODEC_DAY_LEN + 1);
			cr.status = op->status;
		} else {
			if ((rc = put_reply(txn, s, op->lookup, &cr, op, u->day, &fresh)) != 0)
				return rc;
			if (fresh)
				added += op->envelope_len;
		}
		if ((rc = store_put_case_rec(txn, s, op->lookup, &cr)) != 0)
			return rc;
	}

	/* The district's statements, against what the case now holds (§15). */
	for (size_t i = 0; i < u->nops; i++) {
		if (u->ops[i].kind != STORE_OP_CASE)
			continue;
		rc = put_statement(txn, s, u, &u->ops[i]);
		if (rc == STORE_ERR_NOT_FOUND || rc == STORE_ERR_STATEMENT)
			c->bad_op = i;
		if (rc != 0)
			return rc;
	}
	{
		struct store_update_rec ur;

		memset(&ur, 0, sizeof ur);
		ur.seq = u->seq;
		memcpy(ur.day, u->day, CODEC_DAY_LEN + 1);
		memcpy(ur.file_hash, u->file_hash, 32);
		ur.acks_through = u->acks_through;
		if ((rc = store_update_rec_put(txn, s, u->district, &ur)) != 0)
			return rc;
	}
	if (u->purge && (rc = purge_envelopes(txn, s, u->district, u->acks_through, &d.bytes)) != 0)
		return rc;
	if (added > 0 && (rc = quota_check(s, &d, added)) != 0)
		return rc;
	d.bytes += added;
	d.acked = u->acks_through;
	d.seq = u->seq;
	return store_put_district(txn, s, u->district, &d);
}

int
store_apply_update(struct store *s, const struct store_update *u, size_t *bad_op)
{
	struct update_ctx c = {u, 0};
	size_t sink;
	int rc;

	if (bad_op == NULL)
		bad_op = &sink;
	*bad_op = 0;
	if (s == NULL || u == NULL || !codec_day_valid(u->day) || (u->nops > 0 && u->ops == NULL))
		return STORE_ERR_ARG;
	if (!codec_district_valid(u->district))
		return STORE_ERR_DISTRICT;
	for (size_t i = 0; i < u->nops; i++) {
		const struct store_op *op = &u->ops[i];
		int ok = op->kind == STORE_OP_STATUS ? store_status_name(op->status) != NULL
		         : op->kind == STORE_OP_CASE
		                 ? store_status_name(op->st.status) != NULL &&
		                           codec_day_valid(op->st.status_day)
		                 : op->kind == STORE_OP_REPLY && op->envelope != NULL &&
		                           op->envelope_len > 0 && op->envelope_len < SIZE_MAX - 64;
		if (!ok) {
			*bad_op = i;
			return STORE_ERR_ARG;
		}
	}
	rc = store_txn_write(s, update_fn, &c);
	if (rc == STORE_ERR_NOT_FOUND || rc == STORE_ERR_STATEMENT)
		*bad_op = c.bad_op;
	return rc;
}

/* ---- wiping free pages (issue 21) ---------------------------------------- */

#define SCRUB_BATCH  16384 /* pages per transaction: bounds the dirty memory (64 MiB) */
#define SCRUB_WAITS  50    /* looks at the readers while one holds old pages ... */
#define SCRUB_WAIT   20    /* ... this many milliseconds apart (1 s in all) */
#define SCRUB_ROUNDS 3     /* fill rounds, should LMDB keep some free pages back */

struct scrub_ctx {
	uint64_t free_pages; /* counted before each round */
	size_t oldest;       /* the oldest free-list record (a transaction id), or SIZE_MAX */
	size_t start;        /* the id of the wipe's first transaction */
	uint64_t from, n;    /* this batch: fill keys from..from+n-1 (never reused) */
	size_t vlen;         /* a value that takes exactly one overflow page */
};

/* "\0scrub" u64be(i): a meta key no record of the schema uses. */
static void
scrub_key(uint8_t key[14], uint64_t i)
{
	memcpy(key, "\0scrub", 6);
	codec_u64be_put(key + 6, i);
}

/*
 * Counts the free pages and finds the oldest free-list record: LMDB's free
 * database (handle 0, as mdb_stat -f reads it; LMDB opens it only in read
 * transactions) maps the id of the transaction that freed pages to their list
 * (a count, then the page numbers). Returns a store code.
 */
static int
scrub_count(struct store *s, struct scrub_ctx *c)
{
	MDB_val k, v;
	MDB_txn *txn;
	MDB_cursor *cur;
	int rc;

	c->free_pages = 0;
	c->oldest = SIZE_MAX;
	if ((rc = store_txn_read(s, &txn)) != STORE_OK)
		return rc;
	if ((rc = mdb_cursor_open(txn, 0, &cur)) == 0) {
		while ((rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
			size_t id, n;

			if (k.mv_size != sizeof id || v.mv_size < sizeof n) {
				rc = STORE_ERR_CORRUPT;
				break;
			}
			memcpy(&id, k.mv_data, sizeof id);
			memcpy(&n, v.mv_data, sizeof n);
			c->free_pages += n;
			if (id < c->oldest)
				c->oldest = id;
		}
		mdb_cursor_close(cur);
	}
	store_txn_read_end(s, txn);
	return rc == MDB_NOTFOUND ? STORE_OK : store_map_rc(rc);
}

/* A small write, so that the pages the purge freed become reusable; notes its id. */
static int
scrub_bump_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	struct scrub_ctx *c = ctx;
	uint8_t key[14];
	MDB_val k = {sizeof key, key}, v = {1, (void *)"\1"};

	if (c->start == 0)
		c->start = mdb_txn_id(txn);
	scrub_key(key, UINT64_MAX);
	return mdb_put(txn, s->meta, &k, &v, 0);
}

/* mdb_reader_list's callback: counts the readers of a snapshot older than *ctx. */
static int
scrub_reader_fn(const char *msg, void *ctx)
{
	size_t *c = ctx; /* c[0]: the wipe's first id, c[1]: the count */
	const char *p = msg;
	char *end;
	unsigned long long txnid;

	/* "pid thread txnid" lines ("-" for a slot without a reader), after a header */
	(void)strtol(p, &end, 10);
	if (end == p)
		return 0; /* the header */
	p = end;
	(void)strtoull(p, &end, 16);
	if (end == p)
		return 0;
	p = end;
	txnid = strtoull(p, &end, 10);
	if (end != p && txnid < c[0])
		c[1]++;
	return 0;
}

/*
 * Waits (up to SCRUB_WAITS * SCRUB_WAIT ms) until no reader holds a snapshot
 * older than the wipe, which would keep the pages freed before it from being
 * reused. Returns STORE_OK, STORE_ERR_BUSY, or STORE_ERR_IO.
 */
static int
scrub_wait_readers(struct store *s, size_t start)
{
	for (int i = 0; i < SCRUB_WAITS; i++) {
		size_t c[2] = {start, 0};
		struct timespec ts = {0, SCRUB_WAIT * 1000000L};

		if (mdb_reader_list(s->db.env, scrub_reader_fn, c) < 0)
			return STORE_ERR_IO;
		if (c[1] == 0)
			return STORE_OK;
		nanosleep(&ts, NULL);
	}
	return STORE_ERR_BUSY;
}

/* Writes n zero-filled one-page values: LMDB takes them from the free pages. */
static int
scrub_fill_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	struct scrub_ctx *c = ctx;
	uint8_t key[14];

	for (uint64_t i = c->from; i < c->from + c->n; i++) {
		MDB_val k = {sizeof key, key}, v = {c->vlen, NULL};
		int rc;

		scrub_key(key, i);
		if ((rc = mdb_put(txn, s->meta, &k, &v, MDB_RESERVE)) != 0)
			return rc;
		memset(v.mv_data, 0, c->vlen);
	}
	return 0;
}

/* Deletes every fill value (and the marker): their pages, now zeros, are free again. */
static int
scrub_clear_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	uint8_t key[14];
	MDB_val k = {sizeof key, key}, v;
	MDB_cursor *cur;
	int rc;

	(void)ctx;
	scrub_key(key, 0);
	if ((rc = mdb_cursor_open(txn, s->meta, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != sizeof key || memcmp(k.mv_data, "\0scrub", 6) != 0)
			break;
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int
store_wipe_free(struct store *s)
{
	struct scrub_ctx c;
	MDB_stat st;
	int rc;

	if (s == NULL)
		return STORE_ERR_ARG;
	memset(&c, 0, sizeof c);
	if (mdb_env_stat(s->db.env, &st) != 0 || st.ms_psize <= 16)
		return STORE_ERR_IO;
	c.vlen = st.ms_psize - 16; /* the overflow page header is 16 bytes */
	/* twice: LMDB reuses pages freed by transaction T from T + 2 on */
	if ((rc = store_txn_write(s, scrub_bump_fn, &c)) != STORE_OK ||
	    (rc = store_txn_write(s, scrub_bump_fn, &c)) != STORE_OK)
		return rc;
	rc = scrub_wait_readers(s, c.start);
	for (int round = 0; rc == STORE_OK; round++) {
		uint64_t end;

		if ((rc = scrub_count(s, &c)) != STORE_OK)
			break;
		if (c.oldest >= c.start)
			break; /* every page freed before the wipe was overwritten */
		if (round == SCRUB_ROUNDS) {
			rc = STORE_ERR_BUSY;
			break;
		}
		for (end = c.from + c.free_pages; rc == STORE_OK && c.from < end; c.from += c.n) {
			c.n = end - c.from < SCRUB_BATCH ? end - c.from : SCRUB_BATCH;
			rc = store_txn_write(s, scrub_fill_fn, &c);
		}
	}
	/* the fill values (zeros) and the marker go: their pages are free again */
	if (store_txn_write(s, scrub_clear_fn, NULL) != STORE_OK && rc == STORE_OK)
		rc = STORE_ERR_IO;
	return rc;
}
