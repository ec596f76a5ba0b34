/*
 * store_read: the reading calls of store.h that walk several records (the
 * reporter's case view and the export walk over a district's log). Each
 * runs in one read transaction, so it sees one consistent snapshot.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/receipt.h"
#include "store/store.h"
#include "store/store_impl.h"

/* ---- the reporter's case view -------------------------------------------- */

void
store_case_view_free(struct store_case_view *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nreplies; i++)
		free(v->replies[i].envelope);
	free(v->replies);
	memset(v, 0, sizeof *v);
}

/* Copies the case's replies 1..cr->nreplies into v. */
static int
view_replies(MDB_txn *txn, struct store *s, const uint8_t lookup[32],
             const struct store_case_rec *cr, struct store_case_view *v)
{
	if (cr->nreplies == 0)
		return 0;
	v->replies = calloc(cr->nreplies, sizeof *v->replies);
	if (v->replies == NULL)
		return STORE_ERR_NOMEM;
	for (uint32_t i = 0; i < cr->nreplies; i++) {
		struct store_reply *r = &v->replies[i];
		uint8_t key[STORE_RKEY_LEN];
		MDB_val k = {sizeof key, key}, val;
		const uint8_t *env;
		int rc;

		store_rkey(key, lookup, i + 1);
		rc = mdb_get(txn, s->replies, &k, &val);
		if (rc != 0)
			return rc == MDB_NOTFOUND ? STORE_ERR_CORRUPT : rc;
		r->seq = i + 1;
		if ((rc = store_reply_dec(r->day, &env, &r->envelope_len, &val)) != 0)
			return rc;
		if ((r->envelope = malloc(r->envelope_len)) == NULL)
			return STORE_ERR_NOMEM;
		memcpy(r->envelope, env, r->envelope_len);
		v->nreplies = i + 1; /* what store_case_view_free must release */
	}
	return 0;
}

int
store_get_case(struct store *s, const uint8_t lookup[32], const uint8_t auth[32],
               struct store_case_view *out)
{
	/* Compared with when the lookup is unknown, so both paths do the same work. */
	static const uint8_t dummy[32];
	struct store_case_rec cr;
	struct store_district d;
	uint8_t ahash[32];
	MDB_txn *txn;
	int rc, found, same;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (s == NULL || lookup == NULL || auth == NULL || out == NULL)
		return STORE_ERR_ARG;
	receipt_auth_hash(ahash, auth);
	if ((rc = store_txn_read(s, &txn)) != STORE_OK) {
		sodium_memzero(ahash, sizeof ahash);
		return rc;
	}
	rc = store_get_case_rec(txn, s, lookup, &cr);
	found = rc == 0;
	same = sodium_memcmp(ahash, found ? cr.auth_hash : dummy, 32) == 0;
	sodium_memzero(ahash, sizeof ahash);
	if (rc == MDB_NOTFOUND || (found && !same))
		rc = STORE_ERR_NOT_FOUND;
	else if (rc == 0) {
		rc = store_get_district(txn, s, cr.district, &d);
		if (rc == MDB_NOTFOUND)
			rc = STORE_ERR_CORRUPT;
	}
	if (rc == 0) {
		memcpy(out->district, cr.district, sizeof out->district);
		out->index = cr.index;
		out->status = cr.status;
		memcpy(out->status_day, cr.status_day, sizeof out->status_day);
		memcpy(out->created_day, cr.created_day, sizeof out->created_day);
		out->delivered = d.acked >= cr.last_index;
		out->followups = cr.followups;
		rc = view_replies(txn, s, lookup, &cr, out);
	}
	if (rc == 0) {
		uint8_t sl[32];

		/* the district's latest signed word on the case (§15), if any */
		rc = store_statement_latest(txn, s, cr.district, cr.index, &out->statement, sl);
		out->has_statement = rc == 0;
		if (rc == MDB_NOTFOUND)
			rc = 0;
	}
	store_txn_read_end(s, txn);
	if (rc != 0)
		store_case_view_free(out);
	return store_map_rc(rc);
}

/* ---- the export walk ------------------------------------------------------- */

/* Fills e (index set) from the log, its envelope and, for a report, its case's reply_pk. */
static int
load_entry(MDB_txn *txn, struct store *s, const char *id, struct store_entry *e)
{
	uint8_t key[STORE_LKEY_MAX];
	MDB_val k = {store_lkey(key, id, e->index), key}, v;
	int rc = mdb_get(txn, s->log, &k, &v);

	if (rc != 0)
		return rc == MDB_NOTFOUND ? STORE_ERR_CORRUPT : rc; /* a gap below size */
	if ((rc = store_log_dec(e, e->index, &v)) != 0)
		return rc;
	rc = mdb_get(txn, s->envelopes, &k, &v);
	if (rc == 0)
		rc = store_env_dec(&e->envelope, &e->envelope_len, &v);
	else if (rc == MDB_NOTFOUND)
		rc = 0; /* purged: envelope stays NULL */
	if (rc != 0)
		return rc;
	if (e->kind == 1) {
		struct store_case_rec cr;

		rc = store_get_case_rec(txn, s, e->lookup, &cr);
		if (rc != 0)
			return rc == MDB_NOTFOUND ? STORE_ERR_CORRUPT : rc;
		memcpy(e->reply_pk, cr.reply_pk, 32);
	}
	return 0;
}

int
store_log_foreach(struct store *s, const char *id, uint64_t from, uint64_t to,
                  int (*fn)(void *ctx, const struct store_entry *e), void *ctx)
{
	struct store_district d;
	MDB_txn *txn;
	int rc;

	if (s == NULL || fn == NULL)
		return STORE_ERR_ARG;
	if (!codec_district_valid(id))
		return STORE_ERR_DISTRICT;
	if ((rc = store_txn_read(s, &txn)) != STORE_OK)
		return rc;
	rc = store_get_district(txn, s, id, &d);
	if (rc == MDB_NOTFOUND)
		rc = STORE_ERR_DISTRICT;
	else if (rc == 0 && to > d.size)
		rc = STORE_ERR_ARG;
	if (from == 0)
		from = 1; /* index 0 is the genesis, never an entry */
	for (uint64_t i = from; rc == 0 && i <= to; i++) {
		struct store_entry e;

		memset(&e, 0, sizeof e);
		e.index = i;
		if ((rc = load_entry(txn, s, id, &e)) == 0 && (rc = fn(ctx, &e)) != 0) {
			store_txn_read_end(s, txn);
			return rc; /* fn's own value, unmapped */
		}
	}
	store_txn_read_end(s, txn);
	return store_map_rc(rc);
}
