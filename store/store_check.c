/*
 * store_check: the consistency check of store.h (`qingfeng-intake check`).
 * It reads everything in one read transaction, in five walks:
 *   districts  decode every state record;
 *   log        per district: indices 1..size contiguous, each chain value
 *              recomputed, each held envelope hashed, each report entry's
 *              case pointing back at it, each follow-up's case in the
 *              district; the state's size, head and head_day at the end;
 *   envelopes  every envelope has its log entry;
 *   cases      report entry, follow-up count and last index agree with the
 *              log; replies numbered 1..nreplies;
 *   replies    every reply has its case;
 * and at last each district's bytes equal what it holds. Problems are
 * reported by district and index (or a lookup prefix), never by content.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "store/store.h"
#include "store/store_impl.h"

/* What the log walk learned about one district. */
struct dagg {
	char id[CODEC_DISTRICT_BUF];
	struct store_district d;
	int ok;   /* the state record decoded */
	int seen; /* the log walk met its entries */
	uint64_t env_bytes, rep_bytes;
};

/* One log entry, for matching cases against the log. */
struct lref {
	uint8_t lookup[32];
	uint64_t index;
	int kind;
};

/* The log walk's position in the current district. */
struct logpos {
	char id[CODEC_DISTRICT_BUF];
	struct dagg *a;
	uint64_t next;    /* index expected next */
	uint8_t prev[32]; /* stored chain of the previous entry */
	int prev_ok;      /* prev is usable to recompute the next link */
	char day[CODEC_DAY_LEN + 1];
};

struct check {
	struct store *s;
	MDB_txn *txn;
	void (*report)(void *ctx, const char *msg);
	void *ctx;
	unsigned long problems;
	struct dagg *ds;
	size_t nds;
	struct lref *refs;
	size_t nrefs, caprefs;
	struct logpos lp;        /* the log walk's position */
	uint8_t last_lookup[32]; /* the reply walk's last case looked up */
	int have_last;
};

static void problem(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Counts a problem and reports it as one line. */
static void
problem(struct check *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	c->problems++;
	if (c->report == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->report(c->ctx, msg);
}

/* First 8 bytes of a lookup in hex: names a record whose case is unknown. */
static const char *
short_hex(char buf[17], const uint8_t *lookup)
{
	codec_hex_encode(buf, 17, lookup, 8);
	return buf;
}

static int
dagg_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct dagg *)elem)->id);
}

static struct dagg *
dagg_find(struct check *c, const char *id)
{
	return bsearch(id, c->ds, c->nds, sizeof *c->ds, dagg_cmp);
}

static int
lref_cmp(const void *a, const void *b)
{
	const struct lref *x = a, *y = b;
	int r = memcmp(x->lookup, y->lookup, 32);

	if (r != 0)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Splits a log/envelope key into id and index. Returns 0, or -1 when malformed. */
static int
lkey_split(const MDB_val *k, char id[CODEC_DISTRICT_BUF], uint64_t *index)
{
	const uint8_t *p = k->mv_data;
	size_t n;

	if (k->mv_size < 10 || k->mv_size > STORE_LKEY_MAX)
		return -1;
	n = k->mv_size - 9;
	if (p[n] != 0)
		return -1;
	memcpy(id, p, n);
	id[n] = '\0';
	if (strlen(id) != n || !codec_district_valid(id))
		return -1;
	*index = codec_u64be_get(p + n + 1);
	return 0;
}

/* Walks a whole database, calling fn for each record. Returns 0 or an LMDB code. */
static int
walk(struct check *c, MDB_dbi dbi, int (*fn)(struct check *c, const MDB_val *k, const MDB_val *v))
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(c->txn, dbi, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if ((rc = fn(c, &k, &v)) != 0)
			break;
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ---- districts ----------------------------------------------------------- */

static int
district_rec(struct check *c, const MDB_val *k, const MDB_val *v)
{
	struct dagg *a = &c->ds[c->nds];

	memset(a, 0, sizeof *a);
	if (k->mv_size < 1 || k->mv_size > CODEC_DISTRICT_MAX) {
		problem(c, "district record with an invalid id");
		return 0;
	}
	memcpy(a->id, k->mv_data, k->mv_size);
	if (strlen(a->id) != k->mv_size || !codec_district_valid(a->id)) {
		problem(c, "district record with an invalid id");
		return 0;
	}
	a->ok = store_district_dec(&a->d, v) == 0;
	if (!a->ok)
		problem(c, "district %s: state record corrupt", a->id);
	else if (a->d.acked > a->d.exported || a->d.exported > a->d.size)
		problem(c,
		        "district %s: acked %" PRIu64 ", exported %" PRIu64 ", size %" PRIu64
		        " out of order",
		        a->id, a->d.acked, a->d.exported, a->d.size);
	c->nds++; /* LMDB order is strcmp order: ds stays sorted */
	return 0;
}

/* ---- log ----------------------------------------------------------------- */

static void
log_finish(struct check *c, struct logpos *lp)
{
	struct dagg *a = lp->a;
	uint64_t last = lp->next - 1;

	if (lp->id[0] == '\0' || a == NULL || !a->ok)
		return;
	a->seen = 1;
	if (a->d.size != last)
		problem(c, "district %s: size %" PRIu64 " but the log ends at index %" PRIu64,
		        a->id, a->d.size, last);
	else if (!lp->prev_ok || memcmp(a->d.head, lp->prev, 32) != 0)
		problem(c, "district %s: head differs from the chain value at index %" PRIu64,
		        a->id, last);
	if (strcmp(a->d.head_day, lp->day) != 0)
		problem(c, "district %s: head day differs from the day of index %" PRIu64, a->id,
		        last);
}

/* Checks the envelope of entry e (district lp) and counts its bytes. */
static int
log_envelope(struct check *c, struct logpos *lp, const MDB_val *k, const struct store_entry *e)
{
	const uint8_t *env;
	size_t len;
	uint8_t h[32];
	MDB_val v;
	int rc = mdb_get(c->txn, c->s->envelopes, (MDB_val *)k, &v);

	if (rc == MDB_NOTFOUND) {
		if (lp->a == NULL || e->index > lp->a->d.acked)
			problem(c,
			        "district %s index %" PRIu64
			        ": envelope missing (not acknowledged)",
			        lp->id, e->index);
		return 0;
	}
	if (rc != 0)
		return rc;
	if (store_env_dec(&env, &len, &v) != 0) {
		problem(c, "district %s index %" PRIu64 ": envelope record corrupt", lp->id,
		        e->index);
		return 0;
	}
	chain_h256(h, env, len);
	if (memcmp(h, e->envelope_hash, 32) != 0)
		problem(c, "district %s index %" PRIu64 ": envelope hash mismatch", lp->id,
		        e->index);
	if (lp->a != NULL)
		lp->a->env_bytes += len;
	return 0;
}

/* Checks that the case of entry e agrees with it. */
static int
log_case(struct check *c, struct logpos *lp, const struct store_entry *e)
{
	struct store_case_rec cr;
	int rc = store_get_case_rec(c->txn, c->s, e->lookup, &cr);

	if (rc == MDB_NOTFOUND || rc == STORE_ERR_CORRUPT) {
		problem(c, "district %s index %" PRIu64 ": %s has no readable case", lp->id,
		        e->index, e->kind == CHAIN_KIND_REPORT ? "report" : "follow-up");
		return 0;
	}
	if (rc != 0)
		return rc;
	if (strcmp(cr.district, lp->id) != 0)
		problem(c, "district %s index %" PRIu64 ": its case belongs to another district",
		        lp->id, e->index);
	else if (e->kind == CHAIN_KIND_REPORT && cr.index != e->index)
		problem(c, "district %s index %" PRIu64 ": its case names index %" PRIu64, lp->id,
		        e->index, cr.index);
	else if (e->kind == CHAIN_KIND_FOLLOWUP && cr.index >= e->index)
		problem(c, "district %s index %" PRIu64 ": follow-up precedes its report", lp->id,
		        e->index);
	return 0;
}

static int
log_rec(struct check *c, const MDB_val *k, const MDB_val *v)
{
	struct logpos *lp = &c->lp;
	struct store_entry e;
	char id[CODEC_DISTRICT_BUF];
	uint8_t calc[32];
	uint64_t index;
	int rc;

	if (lkey_split(k, id, &index) != 0) {
		problem(c, "log record with an invalid key");
		return 0;
	}
	if (strcmp(id, lp->id) != 0) { /* a new district's entries begin */
		log_finish(c, lp);
		memset(lp, 0, sizeof *lp);
		memcpy(lp->id, id, sizeof id);
		lp->next = 1;
		lp->prev_ok = 1; /* chain_0: 32 zero bytes */
		lp->a = dagg_find(c, id);
		if (lp->a == NULL)
			problem(c, "district %s: log entries but no district record", id);
	}
	if (index != lp->next) {
		problem(c,
		        "district %s index %" PRIu64
		        ": log entry out of sequence (expected %" PRIu64 ")",
		        id, index, lp->next);
		lp->prev_ok = 0;
	}
	lp->next = index + 1;
	if (store_log_dec(&e, index, v) != 0) {
		problem(c, "district %s index %" PRIu64 ": log record corrupt", id, index);
		lp->prev_ok = 0;
		return 0;
	}
	if (lp->prev_ok) {
		chain_next(calc, lp->prev, index, e.kind, e.lookup, e.envelope_hash, e.day);
		if (memcmp(calc, e.chain, 32) != 0)
			problem(c, "district %s index %" PRIu64 ": chain value does not match", id,
			        index);
	}
	/* Go on from the stored value, so that each problem is named once. */
	memcpy(lp->prev, e.chain, 32);
	lp->prev_ok = 1;
	memcpy(lp->day, e.day, sizeof lp->day);

	if ((rc = log_envelope(c, lp, k, &e)) != 0 || (rc = log_case(c, lp, &e)) != 0)
		return rc;
	if (c->nrefs == c->caprefs) {
		size_t cap = c->caprefs ? c->caprefs * 2 : 256;
		struct lref *r = realloc(c->refs, cap * sizeof *r);

		if (r == NULL)
			return ENOMEM;
		c->refs = r;
		c->caprefs = cap;
	}
	memcpy(c->refs[c->nrefs].lookup, e.lookup, 32);
	c->refs[c->nrefs].index = index;
	c->refs[c->nrefs].kind = e.kind;
	c->nrefs++;
	return 0;
}

/* ---- envelopes ------------------------------------------------------------ */

static int
envelope_rec(struct check *c, const MDB_val *k, const MDB_val *v)
{
	char id[CODEC_DISTRICT_BUF];
	uint64_t index;
	MDB_val lv;
	int rc;

	(void)v;
	if (lkey_split(k, id, &index) != 0) {
		problem(c, "envelope record with an invalid key");
		return 0;
	}
	rc = mdb_get(c->txn, c->s->log, (MDB_val *)k, &lv);
	if (rc == MDB_NOTFOUND) {
		problem(c, "district %s index %" PRIu64 ": envelope without a log entry", id,
		        index);
		return 0;
	}
	return rc;
}

/* ---- cases ------------------------------------------------------------------ */

/* Checks the replies of case cr (named id-index) and counts their bytes into a. */
static int
case_replies(struct check *c, const uint8_t lookup[32], const struct store_case_rec *cr,
             struct dagg *a)
{
	uint8_t key[STORE_RKEY_LEN];
	MDB_val k = {sizeof key, key}, v;
	MDB_cursor *cur;
	uint32_t n = 0;
	int rc;

	store_rkey(key, lookup, 0);
	if ((rc = mdb_cursor_open(c->txn, c->s->replies, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		char day[CODEC_DAY_LEN + 1];
		const uint8_t *env;
		size_t len;
		uint32_t seq;

		if (k.mv_size < 32 || memcmp(k.mv_data, lookup, 32) != 0)
			break;
		if (k.mv_size != STORE_RKEY_LEN) {
			problem(c, "case %s-%" PRIu64 ": reply record with an invalid key",
			        cr->district, cr->index);
			continue;
		}
		seq = codec_u32be_get((const uint8_t *)k.mv_data + 32);
		if (seq != n + 1)
			problem(c,
			        "case %s-%" PRIu64 ": reply seq %" PRIu32 " where %" PRIu32
			        " was expected",
			        cr->district, cr->index, seq, n + 1);
		n = seq;
		if (store_reply_dec(day, &env, &len, &v) != 0)
			problem(c, "case %s-%" PRIu64 ": reply %" PRIu32 " record corrupt",
			        cr->district, cr->index, seq);
		else if (a != NULL)
			a->rep_bytes += len;
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (n != cr->nreplies)
		problem(c, "case %s-%" PRIu64 ": %" PRIu32 " replies recorded, last seq %" PRIu32,
		        cr->district, cr->index, cr->nreplies, n);
	return 0;
}

static int
case_rec(struct check *c, const MDB_val *k, const MDB_val *v)
{
	struct store_case_rec cr;
	uint8_t key[32];
	struct dagg *a;
	uint64_t nfollow = 0, last = 0;
	size_t lo = 0, hi = c->nrefs;
	int report_found = 0;
	char hex[17];

	if (k->mv_size != 32) {
		problem(c, "case record with an invalid key");
		return 0;
	}
	if (store_case_dec(&cr, v) != 0) {
		problem(c, "case %s...: record corrupt", short_hex(hex, k->mv_data));
		return 0;
	}
	a = dagg_find(c, cr.district);
	if (a == NULL)
		problem(c, "case %s-%" PRIu64 ": no such district", cr.district, cr.index);

	/* Its log entries: the refs sorted by lookup, then index. */
	memcpy(key, k->mv_data, 32);
	while (lo < hi) { /* first ref with a lookup >= this one */
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(c->refs[mid].lookup, key, 32) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < c->nrefs && memcmp(c->refs[i].lookup, key, 32) == 0; i++) {
		if (c->refs[i].kind == CHAIN_KIND_REPORT)
			report_found |= c->refs[i].index == cr.index;
		else
			nfollow++;
		if (c->refs[i].index > last)
			last = c->refs[i].index;
	}
	if (!report_found)
		problem(c, "case %s-%" PRIu64 ": no report entry at its index", cr.district,
		        cr.index);
	if (nfollow != cr.followups)
		problem(c,
		        "case %s-%" PRIu64 ": %" PRIu64 " follow-ups recorded, %" PRIu64
		        " in the log",
		        cr.district, cr.index, cr.followups, nfollow);
	if (last != cr.last_index)
		problem(c, "case %s-%" PRIu64 ": last index %" PRIu64 ", the log says %" PRIu64,
		        cr.district, cr.index, cr.last_index, last);
	return case_replies(c, k->mv_data, &cr, a);
}

/* ---- replies -------------------------------------------------------- */

static int
reply_rec(struct check *c, const MDB_val *k, const MDB_val *v)
{
	MDB_val ck, cv;
	char hex[17];
	int rc;

	(void)v;
	if (k->mv_size != STORE_RKEY_LEN) {
		problem(c, "reply record with an invalid key");
		return 0;
	}
	if (c->have_last && memcmp(c->last_lookup, k->mv_data, 32) == 0)
		return 0; /* this case was looked up already */
	memcpy(c->last_lookup, k->mv_data, 32);
	c->have_last = 1;
	ck.mv_size = 32;
	ck.mv_data = k->mv_data;
	rc = mdb_get(c->txn, c->s->cases, &ck, &cv);
	if (rc == MDB_NOTFOUND) {
		problem(c, "replies of %s... have no case", short_hex(hex, k->mv_data));
		return 0;
	}
	return rc;
}

/* ---- the whole check ------------------------------------------------------- */

static int
check_all(struct check *c)
{
	MDB_stat ms;
	int rc;

	if ((rc = mdb_stat(c->txn, c->s->districts, &ms)) != 0)
		return rc;
	if ((c->ds = calloc(ms.ms_entries ? ms.ms_entries : 1, sizeof *c->ds)) == NULL)
		return ENOMEM;
	if ((rc = walk(c, c->s->districts, district_rec)) != 0)
		return rc;

	if ((rc = walk(c, c->s->log, log_rec)) != 0)
		return rc;
	log_finish(c, &c->lp);
	for (size_t i = 0; i < c->nds; i++) {
		const struct dagg *a = &c->ds[i];
		static const uint8_t zero[32];

		if (a->ok && !a->seen && (a->d.size != 0 || memcmp(a->d.head, zero, 32) != 0))
			problem(c, "district %s: size %" PRIu64 " but no log entries", a->id,
			        a->d.size);
	}
	if ((rc = walk(c, c->s->envelopes, envelope_rec)) != 0)
		return rc;

	if (c->nrefs > 0)
		qsort(c->refs, c->nrefs, sizeof *c->refs, lref_cmp);
	if ((rc = walk(c, c->s->cases, case_rec)) != 0)
		return rc;
	if ((rc = walk(c, c->s->replies, reply_rec)) != 0)
		return rc;

	for (size_t i = 0; i < c->nds; i++) {
		const struct dagg *a = &c->ds[i];

		if (a->ok && a->d.bytes != a->env_bytes + a->rep_bytes)
			problem(c,
			        "district %s: state says %" PRIu64 " bytes, %" PRIu64 " are held",
			        a->id, a->d.bytes, a->env_bytes + a->rep_bytes);
	}
	return 0;
}

int
store_check(struct store *s, void (*report)(void *ctx, const char *msg), void *ctx)
{
	struct check c;
	int rc;

	if (s == NULL)
		return STORE_ERR_ARG;
	memset(&c, 0, sizeof c);
	c.s = s;
	c.report = report;
	c.ctx = ctx;
	if ((rc = store_txn_read(s, &c.txn)) != STORE_OK)
		return rc;
	rc = check_all(&c);
	store_txn_read_end(s, c.txn);
	free(c.ds);
	free(c.refs);
	if (rc != 0)
		return store_map_rc(rc);
	return c.problems ? STORE_ERR_CORRUPT : STORE_OK;
}
