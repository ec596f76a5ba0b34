/*
 * The upper level's verifier and measures (DESIGN.md §16, admin/oversee.h,
 * admin/measure.h): the oversight bundle of tests/vectors/oversight.json,
 * made by an independent implementation, is accepted with its commissions'
 * fingerprints and measured exactly, its tampered copy is refused, and an
 * unpinned or wrongly expected key is refused. Bundles made here with a
 * test server key and test district keys show every server attack of §16
 * refused with its indices, against the pins of the bundle verified before:
 * an entry left out, a chain renumbered after a drop, an old bundle replayed,
 * an update or a statement dropped, an update or an entry backdated by the
 * server, a changed district key, a forged or misplaced statement; and the
 * measures of a known history (read, decision, conclusion, stale, never
 * read, 督办, backdating by the district, --as-of) are exact.
 */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/measure.h"
#include "admin/oversee.h"
#include "admin/workdays.h"
#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/keyfile.h"
#include "crypto/sign.h"
#include "store/pins.h"
#include "tests/unit/testutil.h"

/* ---- running the verifier ------------------------------------------------------ */

struct fx {
	char *dir;
	struct pins *p;
};

static struct fx g_fx;

static int
setup(void **state)
{
	(void)state;
	g_fx.dir = testutil_tmpdir();
	return pins_open(&g_fx.p, g_fx.dir, 1) == PINS_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	pins_close(g_fx.p);
	testutil_rmtree(g_fx.dir);
	free(g_fx.dir);
	return 0;
}

/*
 * Verifies text against the pins; commits them when it verifies. Returns
 * oversee_verify's result; *msg (may be NULL) gets the message, *out the
 * verified bundle (NULL to free it here).
 */
static int
verify(const char *text, const struct oversee_expect *ex, size_t nex, struct oversee **out,
       char **msg)
{
	struct oversee_opts o;
	struct oversee *ov = NULL;
	struct pins_txn *t;
	char *m = NULL;
	FILE *f = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	memset(&o, 0, sizeof o);
	o.expect = ex;
	o.nexpect = nex;
	assert_int_equal(pins_begin(g_fx.p, 1, &t), PINS_OK);
	rc = oversee_verify(f, t, &o, &ov, &m);
	fclose(f);
	if (rc == 0) {
		assert_null(m);
		assert_int_equal(pins_commit(t), PINS_OK);
	} else {
		assert_null(ov);
		assert_non_null(m);
		pins_abort(t);
	}
	if (out != NULL)
		*out = ov;
	else
		oversee_free(ov);
	if (msg != NULL)
		*msg = m;
	else
		free(m);
	return rc;
}

/* Fails unless msg holds want. */
static void
has(const char *msg, const char *want)
{
	if (msg == NULL || strstr(msg, want) == NULL)
		fail_msg("message lacks \"%s\":\n%s", want, msg != NULL ? msg : "(none)");
}

static long
day(const char *s)
{
	long d;

	assert_int_equal(codec_day_number(s, &d), 0);
	return d;
}

static json_t *
measure(const struct oversee *ov, const struct workdays *w, const char *as_of)
{
	struct measure_query q;
	json_t *m = NULL;
	char err[256];

	memset(&q, 0, sizeof q);
	q.w = w;
	q.as_of = as_of != NULL ? day(as_of) : ov->daynum;
	q.lim.read = MEASURE_READ_DAYS;
	q.lim.decide = MEASURE_DECIDE_DAYS;
	q.lim.conclude = MEASURE_CONCLUDE_DAYS;
	q.lim.stale = MEASURE_STALE_DAYS;
	assert_int_equal(measure_compute(ov, &q, &m, err, sizeof err), 0);
	return m;
}

/* A member path "a.b" of a commission (or "total") as an integer; -1 when null. */
static long
mget(const json_t *m, const char *who, const char *a, const char *b)
{
	const json_t *c = NULL, *it, *v;
	size_t i;

	if (strcmp(who, "total") == 0)
		c = json_object_get(m, "total");
	json_array_foreach(json_object_get(m, "commissions"), i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "id")), who) == 0)
			c = it;
	}
	assert_non_null(c);
	v = json_object_get(c, a);
	if (b != NULL)
		v = json_object_get(v, b);
	if (json_is_null(v))
		return -1;
	if (json_is_real(v))
		return (long)(json_real_value(v) * 10); /* medians: tenths */
	assert_true(json_is_integer(v));
	return (long)json_integer_value(v);
}

/* The 督办 list as "district-index:what:late_by ..." */
static void
duban_is(const json_t *m, const char *want)
{
	char buf[2048] = "";
	const json_t *it;
	size_t i, n = 0;

	json_array_foreach(json_object_get(m, "duban"), i, it)
	{
		n += (size_t)snprintf(buf + n, sizeof buf - n,
		                      "%s%s-%" JSON_INTEGER_FORMAT ":%s:%" JSON_INTEGER_FORMAT,
		                      i ? " " : "",
		                      json_string_value(json_object_get(it, "district")),
		                      json_integer_value(json_object_get(it, "index")),
		                      json_string_value(json_object_get(it, "what")),
		                      json_integer_value(json_object_get(it, "late_by")));
	}
	assert_string_equal(buf, want);
}

/* ---- the vector ------------------------------------------------------------------------ */

static const struct oversee_expect vec_expect[] = {
        {"c01", "8534 47c8 248b fbb3 5799 fe25 81b0 05f0"},
        {"d01", "b81b2ef3d63b16caac5e29ef6391f289"}, /* spaces and case ignored */
};

static void
test_vector(void **state)
{
	json_t *v = testutil_vector("oversight.json"), *m;
	struct oversee *ov;
	struct workdays *w;
	char *msg, err[128];

	(void)state;
	/* unpinned: refused, naming both commissions; nothing pinned */
	assert_int_equal(verify(testutil_str(v, "bundle"), NULL, 0, NULL, &msg), 1);
	has(msg, "c01 is not pinned yet");
	has(msg, "d01 is not pinned yet");
	free(msg);
	{
		struct oversee_expect bad[2] = {vec_expect[0],
		                                {"d01", "0000 47c8 248b fbb3 5799 fe25 81b0 05f0"}};

		assert_int_equal(verify(testutil_str(v, "bundle"), bad, 2, NULL, &msg), 1);
		has(msg, "--expect d01=0000 47c8 248b fbb3 5799 fe25 81b0 05f0 does not match");
		free(msg);
	}
	/* the tampered copy: the server's signature does not hold */
	assert_int_equal(verify(testutil_str(v, "tampered"), vec_expect, 2, NULL, &msg), 1);
	has(msg, "the server's signature does not verify");
	free(msg);

	assert_int_equal(verify(testutil_str(v, "bundle"), vec_expect, 2, &ov, NULL), 0);
	assert_int_equal(ov->nd, 2);
	assert_string_equal(ov->d[0].id, "c01");
	assert_int_equal(ov->entries, 5);
	assert_int_equal(ov->updates, 3);
	assert_int_equal(ov->statements, 3);
	assert_int_equal(ov->server_pinned_now, 1);
	assert_true(ov->d[1].key_pinned_now);
	/* Monday to Friday only: 2026-11-21 is a Saturday; update 1 applied Tuesday 12-01 */
	assert_int_equal(workdays_parse(&w, "", 0, err, sizeof err), 0);
	m = measure(ov, w, NULL);
	assert_int_equal(mget(m, "d01", "reports", NULL), 3);
	assert_int_equal(mget(m, "d01", "followups", NULL), 2);
	assert_int_equal(mget(m, "d01", "read", "cases"), 3);
	assert_int_equal(mget(m, "d01", "read", "median_wd"), 70);
	assert_int_equal(mget(m, "d01", "read", "p90_wd"), 31); /* report 4, read 2027-01-06 */
	assert_int_equal(mget(m, "d01", "read", "late"), 3);
	assert_int_equal(mget(m, "d01", "decision", "cases"), 1);
	assert_int_equal(mget(m, "d01", "decision", "median_wd"), 70);
	assert_int_equal(mget(m, "d01", "conclusion", "cases"), 1);
	assert_int_equal(mget(m, "d01", "conclusion", "p90_wd"), 33);
	assert_int_equal(mget(m, "d01", "open", NULL), 2);
	assert_int_equal(mget(m, "c01", "reports", NULL), 0);
	assert_int_equal(mget(m, "total", "reports", NULL), 3);
	duban_is(m, "d01-2:decision:20 d01-4:decision:18");
	assert_int_equal(json_array_size(json_object_get(m, "backdated")), 0);
	json_decref(m);
	oversee_free(ov);
	/* the same bundle again: nothing new, still fine; the tampered one still refused */
	assert_int_equal(verify(testutil_str(v, "bundle"), NULL, 0, &ov, NULL), 0);
	assert_int_equal(ov->server_pinned_now, 0);
	assert_false(ov->d[1].key_pinned_now);
	assert_string_equal(ov->d[1].pinned_day, "2027-01-10");
	oversee_free(ov);
	assert_int_equal(verify(testutil_str(v, "tampered"), NULL, 0, NULL, NULL), 1);
	workdays_free(w);
	json_decref(v);
}

/* ---- bundles made here ------------------------------------------------------------------ */

struct keys {
	uint8_t server_pk[32], server_sk[64];
	uint8_t c_box[32], c_sign[32];
	uint8_t d_box[32], d_sign[32], d_sk[64];
	char c_fp[KEYFILE_FINGERPRINT_BUF], d_fp[KEYFILE_FINGERPRINT_BUF];
};

static struct keys K;

struct sc_entry {
	const char *day;
	int report; /* 0: a report; n: a follow-up of report n */
};

struct sc_update {
	uint64_t seq;
	const char *day;
	uint64_t acks;
};

struct sc_stmt {
	uint64_t index, seq;
	const char *status, *status_day;
	uint64_t replies;
};

struct scen {
	const char *day;
	const struct sc_entry *e;
	size_t ne;
	const struct sc_update *u;
	size_t nu;
	const struct sc_stmt *s;
	size_t ns;
	uint64_t omit;       /* leave out the line of this entry (the header still counts it) */
	uint64_t renumber;   /* leave this entry out and renumber the chain after it */
	size_t bad_sig;      /* 1 + the statement whose signature is broken */
	size_t drop_stmt;    /* 1 + the statement left out */
	uint64_t drop_seq;   /* leave out this update (not its statements) */
	const uint8_t *d_sk; /* another district key (with d_box, d_sign given) */
	const uint8_t *d_sign;
	const char *d_fp;
};

static void
lookup_of(uint8_t out[32], uint64_t report)
{
	uint8_t b[8];

	codec_u64be_put(b, report);
	crypto_generichash(out, 32, b, 8, (const uint8_t *)"lookup-key-for-tests", 20);
}

static json_t *
b64(const uint8_t *b, size_t n)
{
	char t[CODEC_B64U_BUF(64)];

	codec_b64u_encode(t, sizeof t, b, n);
	return json_string(t);
}

/* Writes the bundle of sc, signed by the test server key; returns it (malloc'd). */
static char *
make_bundle(const struct scen *sc)
{
	struct bundle_writer w;
	uint8_t chain[32] = {0}, zero[32] = {0}, eh[32], lk[32];
	uint64_t size = 0, map[64];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *lines = json_array(), *it;
	const uint8_t *dsk = sc->d_sk != NULL ? sc->d_sk : K.d_sk;
	const uint8_t *dsign = sc->d_sign != NULL ? sc->d_sign : K.d_sign;
	size_t i;

	assert_non_null(f);
	assert_true(sc->ne < 64);
	/* the chain as the server shows it */
	for (i = 0; i < sc->ne; i++) {
		uint64_t orig = i + 1, rep = sc->e[i].report ? (uint64_t)sc->e[i].report : orig;
		int kind = sc->e[i].report ? CHAIN_KIND_FOLLOWUP : CHAIN_KIND_REPORT;

		map[orig] = 0;
		if (orig == sc->renumber)
			continue;
		size++;
		map[orig] = size;
		lookup_of(lk, rep);
		crypto_generichash(eh, 32, lk, 32, (const uint8_t *)"envelope", 8);
		assert_int_equal(chain_next(chain, chain, size, kind, lk, eh, sc->e[i].day), 0);
		if (orig != sc->omit)
			json_array_append_new(
			        lines,
			        json_pack("{s:s, s:I, s:s, s:o, s:s, s:o, s:o}", "district", "d01",
			                  "index", (json_int_t)size, "kind",
			                  kind == CHAIN_KIND_REPORT ? "report" : "followup",
			                  "lookup", b64(lk, 32), "day", sc->e[i].day,
			                  "envelope_hash", b64(eh, 32), "chain", b64(chain, 32)));
	}
	for (i = 0; i < sc->nu; i++) {
		uint8_t h[32];

		if (sc->u[i].seq == sc->drop_seq)
			continue;
		crypto_generichash(h, 32, (const uint8_t *)&sc->u[i].seq, 8, NULL, 0);
		json_array_append_new(lines,
		                      json_pack("{s:s, s:I, s:s, s:o, s:I}", "district", "d01",
		                                "applied", (json_int_t)sc->u[i].seq, "day",
		                                sc->u[i].day, "update_hash", b64(h, 32),
		                                "acks_through", (json_int_t)sc->u[i].acks));
	}
	for (i = 0; i < sc->ns; i++) {
		struct sign_case_fields cf;
		uint8_t sig[64];

		if (i + 1 == sc->drop_stmt)
			continue;
		memset(&cf, 0, sizeof cf);
		cf.district = "d01";
		lookup_of(cf.lookup, sc->s[i].index);
		cf.index = sc->s[i].index;
		cf.status = sc->s[i].status;
		cf.status_day = sc->s[i].status_day;
		cf.replies = sc->s[i].replies;
		cf.seq = sc->s[i].seq;
		assert_int_equal(sign_case(sig, dsk, &cf), 0);
		if (i + 1 == sc->bad_sig)
			sig[5] ^= 1;
		json_array_append_new(
		        lines,
		        json_pack("{s:s, s:s, s:o, s:I, s:s, s:s, s:I, s:o, s:I, s:I, s:o}",
		                  "district", "d01", "op", "case", "lookup", b64(cf.lookup, 32),
		                  "index", (json_int_t)cf.index, "status", cf.status, "status_day",
		                  cf.status_day, "replies", (json_int_t)cf.replies, "replies_hash",
		                  b64(zero, 32), "followups_verified", (json_int_t)0, "seq",
		                  (json_int_t)cf.seq, "sig", b64(sig, 64)));
	}
	bundle_writer_init(&w, f);
	{
		json_t *h = json_pack(
		        "{s:s, s:i, s:o, s:s, s:[{s:s, s:s, s:s, s:n, s:o, s:o, s:s, s:i, s:o},"
		        " {s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:I, s:o}]}",
		        "type", BUNDLE_TYPE_OVERSIGHT, "v", 1, "server_sign_pk",
		        b64(K.server_pk, 32), "day", sc->day, "districts", "id", "c01", "name",
		        "测试市纪委监委", "level", "city", "parent", "box_pk", b64(K.c_box, 32),
		        "sign_pk", b64(K.c_sign, 32), "fingerprint", K.c_fp, "size", 0, "head",
		        b64(zero, 32), "id", "d01", "name", "测试区纪委监委", "level", "district",
		        "parent", "c01", "box_pk", b64(K.d_box, 32), "sign_pk", b64(dsign, 32),
		        "fingerprint", sc->d_fp != NULL ? sc->d_fp : K.d_fp, "size",
		        (json_int_t)size, "head", b64(chain, 32));

		assert_int_equal(bundle_write(&w, h), BUNDLE_OK);
		json_decref(h);
	}
	json_array_foreach(lines, i, it)
	{
		assert_int_equal(bundle_write(&w, it), BUNDLE_OK);
	}
	assert_int_equal(bundle_writer_finish(&w, BUNDLE_SIG_OVERSIGHT, K.server_sk), BUNDLE_OK);
	fclose(f);
	json_decref(lines);
	(void)map;
	return buf;
}

static struct oversee_expect own_expect[2];

static int
setup_keys(void **state)
{
	(void)state;
	crypto_sign_keypair(K.server_pk, K.server_sk);
	randombytes_buf(K.c_box, 32);
	randombytes_buf(K.c_sign, 32);
	randombytes_buf(K.d_box, 32);
	crypto_sign_keypair(K.d_sign, K.d_sk);
	keyfile_fingerprint(K.c_fp, "c01", K.c_box, K.c_sign);
	keyfile_fingerprint(K.d_fp, "d01", K.d_box, K.d_sign);
	own_expect[0].id = "c01";
	own_expect[0].fingerprint = K.c_fp;
	own_expect[1].id = "d01";
	own_expect[1].fingerprint = K.d_fp;
	return setup(state);
}

/*
 * A district's summer (2026, Monday to Friday, 2026-06-19 a holiday):
 * reports on 06-01, 06-03, 06-08, a follow-up of report 1 on 06-09, reports
 * on 06-15 and 06-29; updates applied 06-04 (acks 2), 06-17 (acks 4), 06-24
 * (acks 5) and 07-08 (acks 5). Report 3 is accepted in update 3 with a
 * status_day before the report's own day, report 5 in update 4 with one
 * before update 3 was applied: both backdated. The bundle is of 09-04.
 */
static const struct sc_entry E[] = {
        {"2026-06-01", 0}, {"2026-06-03", 0}, {"2026-06-08", 0},
        {"2026-06-09", 1}, {"2026-06-15", 0}, {"2026-06-29", 0},
};
static const struct sc_update U[] = {
        {1, "2026-06-04", 2},
        {2, "2026-06-17", 4},
        {3, "2026-06-24", 5},
        {4, "2026-07-08", 5},
};
static const struct sc_stmt S[] = {
        {1, 1, "accepted", "2026-06-04", 1},    {2, 1, "received", "2026-06-04", 0},
        {1, 2, "in_progress", "2026-06-17", 1}, {2, 2, "not_accepted", "2026-06-17", 1},
        {3, 2, "received", "2026-06-17", 0},    {3, 3, "accepted", "2026-06-05", 1},
        {5, 3, "received", "2026-06-24", 0},    {1, 3, "concluded", "2026-06-24", 2},
        {5, 4, "accepted", "2026-06-20", 1},
};

static struct scen
base(void)
{
	struct scen sc;

	memset(&sc, 0, sizeof sc);
	sc.day = "2026-09-04";
	sc.e = E;
	sc.ne = 6;
	sc.u = U;
	sc.nu = 4;
	sc.s = S;
	sc.ns = 9;
	return sc;
}

/* The bundle of 06-12: four entries, update 1 and its two statements. */
static struct scen
early(void)
{
	struct scen sc = base();

	sc.day = "2026-06-12";
	sc.ne = 4;
	sc.nu = 1;
	sc.ns = 2;
	return sc;
}

/* Verifies the bundle of sc (with own_expect when ex) and checks the outcome; returns the message. */
static char *
verify_made(const struct scen *sc, int ex, int want)
{
	char *text = make_bundle(sc), *msg = NULL;

	assert_int_equal(verify(text, ex ? own_expect : NULL, ex ? 2 : 0, NULL, &msg), want);
	free(text);
	return msg;
}

/* Fresh pins for a test. */
static void
fresh(void)
{
	pins_close(g_fx.p);
	testutil_rmtree(g_fx.dir);
	free(g_fx.dir);
	g_fx.dir = testutil_tmpdir();
	assert_int_equal(pins_open(&g_fx.p, g_fx.dir, 1), PINS_OK);
}

static struct workdays *
summer(void)
{
	static const char cal[] = "2026-06-19 holiday # 端午节\n";
	struct workdays *w;
	char err[128];

	assert_int_equal(workdays_parse(&w, cal, strlen(cal), err, sizeof err), 0);
	return w;
}

static void
test_measures(void **state)
{
	struct scen sc = base();
	struct oversee *ov;
	struct workdays *w = summer();
	char *text = make_bundle(&sc);
	json_t *m, *b;

	(void)state;
	fresh();
	assert_int_equal(verify(text, own_expect, 2, &ov, NULL), 0);
	free(text);
	m = measure(ov, w, NULL);
	assert_int_equal(mget(m, "d01", "reports", NULL), 5);
	assert_int_equal(mget(m, "d01", "followups", NULL), 1);
	/* read: report 1 in 3 working days, 2 in 1, 3 in 7, 5 in 6 (06-19 is off) */
	assert_int_equal(mget(m, "d01", "read", "cases"), 4);
	assert_int_equal(mget(m, "d01", "read", "median_wd"), 45);
	assert_int_equal(mget(m, "d01", "read", "p90_wd"), 7);
	assert_int_equal(mget(m, "d01", "read", "late"), 2);
	assert_int_equal(mget(m, "d01", "unread", NULL), 1);
	assert_int_equal(mget(m, "d01", "unread_overdue", NULL), 1);
	/* decision: 3 (accepted), 10 (not accepted), 11 and 16 (the applied days, not the
	 * backdated status_days) */
	assert_int_equal(mget(m, "d01", "decision", "cases"), 4);
	assert_int_equal(mget(m, "d01", "decision", "median_wd"), 105);
	assert_int_equal(mget(m, "d01", "decision", "p90_wd"), 16);
	assert_int_equal(mget(m, "d01", "decision", "late"), 1);
	assert_int_equal(mget(m, "d01", "undecided_overdue", NULL), 1);
	assert_int_equal(mget(m, "d01", "conclusion", "cases"), 1);
	assert_int_equal(mget(m, "d01", "conclusion", "median_wd"), 160);
	assert_int_equal(mget(m, "d01", "conclusion", "late"), 0);
	assert_int_equal(mget(m, "d01", "unconcluded_overdue", NULL), 1);
	assert_int_equal(mget(m, "d01", "closed_other", NULL), 1);
	assert_int_equal(mget(m, "d01", "open", NULL), 2);
	assert_int_equal(mget(m, "d01", "stale", NULL), 2);
	assert_int_equal(mget(m, "d01", "duban", NULL), 3);
	assert_int_equal(mget(m, "d01", "backdated", NULL), 2);
	assert_int_equal(mget(m, "d01", "by_status", "accepted"), 2);
	assert_int_equal(mget(m, "d01", "by_status", "concluded"), 1);
	assert_int_equal(mget(m, "d01", "by_status", "not_accepted"), 1);
	assert_int_equal(mget(m, "total", "reports", NULL), 5);
	duban_is(m, "d01-3:conclusion:3 d01-3:stale:22 d01-5:stale:12 d01-6:read:44");
	b = json_object_get(m, "backdated");
	assert_int_equal(json_array_size(b), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(b, 0), "rule")),
	                    "before_report");
	assert_string_equal(json_string_value(json_object_get(json_array_get(b, 0), "bound_day")),
	                    "2026-06-08");
	assert_string_equal(json_string_value(json_object_get(json_array_get(b, 1), "rule")),
	                    "before_previous_update");
	assert_string_equal(json_string_value(json_object_get(json_array_get(b, 1), "bound_day")),
	                    "2026-06-24");
	assert_int_equal(json_array_size(json_object_get(m, "months")), 4); /* June..September */
	assert_int_equal(json_integer_value(json_object_get(
	                         json_array_get(json_object_get(m, "months"), 0), "reports")),
	                 5);
	json_decref(m);

	/* as the facts stood on 06-20: update 3 and 4 and report 6 not yet there */
	m = measure(ov, w, "2026-06-20");
	assert_int_equal(mget(m, "d01", "reports", NULL), 4);
	assert_int_equal(mget(m, "d01", "read", "cases"), 3);
	assert_int_equal(mget(m, "d01", "read", "median_wd"), 30);
	assert_int_equal(mget(m, "d01", "unread", NULL), 1);
	assert_int_equal(mget(m, "d01", "unread_overdue", NULL), 0);
	assert_int_equal(mget(m, "d01", "decision", "cases"), 2);
	assert_int_equal(mget(m, "d01", "backdated", NULL), 0);
	duban_is(m, "");
	assert_int_equal(json_array_size(json_object_get(m, "months")), 1);
	json_decref(m);
	oversee_free(ov);
	workdays_free(w);
}

static void
test_gap(void **state)
{
	struct scen sc = base();
	char *msg;

	(void)state;
	fresh();
	sc.omit = 3;
	msg = verify_made(&sc, 1, 1);
	has(msg, "d01: entry 3 is missing: entry 4 follows entry 2");
	free(msg);
}

static void
test_replay(void **state)
{
	struct scen a = early(), b = base();
	char *msg;

	(void)state;
	fresh();
	free(verify_made(&a, 1, 0));
	free(verify_made(&b, 0, 0));
	msg = verify_made(&a, 0, 1);
	has(msg, "this bundle is of 2026-06-12, but one of 2026-09-04 was verified already");
	has(msg, "d01: the chain holds 4 entries; the bundle verified on 2026-09-04 held 6: "
	         "entries 5..6 are missing");
	has(msg, "d01: update 2, verified on 2026-09-04, is missing from this bundle");
	free(msg);
	/* and the newer one still verifies */
	free(verify_made(&b, 0, 0));
}

static void
test_renumbered(void **state)
{
	struct scen a = early(), b = base();
	char *msg;

	(void)state;
	fresh();
	free(verify_made(&a, 1, 0));
	/* the server drops report 2 and recomputes the chain: consistent, and signed */
	b.renumber = 2;
	msg = verify_made(&b, 0, 1);
	has(msg, "d01: entry 2 differs from the one verified on 2026-06-12");
	has(msg, "d01: a statement names index 2 (seq 1), which is not a report of the chain "
	         "with its lookup");
	free(msg);
	/* with nothing pinned yet the district's signed statements still give it away */
	fresh();
	msg = verify_made(&b, 1, 1);
	has(msg, "a statement names index 2 (seq 1), which is not a report of the chain");
	free(msg);
}

static void
test_dropped(void **state)
{
	struct scen a = base(), b = base();
	char *msg;

	(void)state;
	fresh();
	free(verify_made(&a, 1, 0));
	b.drop_stmt = 4; /* report 2's not_accepted of update 2 */
	msg = verify_made(&b, 0, 1);
	has(msg, "d01: update 2 comes with 2 statements; the bundle verified on 2026-09-04 had 3");
	free(msg);
	b = base();
	b.drop_seq = 3;
	msg = verify_made(&b, 0, 1);
	has(msg, "d01: update 3, verified on 2026-09-04, is missing from this bundle");
	has(msg, "belongs to update 3, which the bundle does not list as applied");
	free(msg);
}

static void
test_server_backdates(void **state)
{
	struct sc_entry e[6];
	struct sc_update u[4];
	struct scen a = early(), b = base();
	char *msg;

	(void)state;
	fresh();
	free(verify_made(&a, 1, 0));
	memcpy(e, E, sizeof e);
	memcpy(u, U, sizeof u);
	e[4].day = "2026-06-11"; /* report 5, not in the bundle of 06-12 */
	u[1].day = "2026-06-11"; /* update 2, not in it either */
	b.e = e;
	b.u = u;
	msg = verify_made(&b, 0, 1);
	has(msg, "d01: entry 5 is dated 2026-06-11, before 2026-06-12, the day of the bundle "
	         "verified then, which did not hold it (backdated by the server)");
	has(msg, "d01: update 2 is dated 2026-06-11, before the bundle verified on 2026-06-12");
	free(msg);
	/* an update applied before the entry it acknowledges arrived */
	fresh();
	u[1].day = "2026-06-08";
	b.e = E;
	msg = verify_made(&b, 1, 1);
	has(msg, "d01: update 2 was applied on 2026-06-08, before entry 4 it acknowledges arrived "
	         "(2026-06-09)");
	free(msg);
}

static void
test_keys(void **state)
{
	struct scen a = early(), b = base();
	uint8_t pk[32], sk[64];
	char fp[KEYFILE_FINGERPRINT_BUF], *msg;
	struct oversee_expect x[2];

	(void)state;
	fresh();
	free(verify_made(&a, 1, 0));
	crypto_sign_keypair(pk, sk);
	keyfile_fingerprint(fp, "d01", K.d_box, pk);
	b.d_sk = sk;
	b.d_sign = pk;
	b.d_fp = fp;
	msg = verify_made(&b, 0, 1);
	has(msg, "d01: its key changed");
	free(msg);
	/* another server key, signing consistently: refused against the pinned one */
	{
		struct keys saved = K;
		struct scen c = base();

		crypto_sign_keypair(K.server_pk, K.server_sk);
		msg = verify_made(&c, 0, 1);
		K = saved;
	}
	has(msg, "not the pinned key");
	has(msg, "--accept-new-server-key");
	free(msg);
	/* not even with --expect of the new key */
	x[0] = own_expect[0];
	x[1].id = "d01";
	x[1].fingerprint = fp;
	{
		char *text = make_bundle(&b);

		assert_int_equal(verify(text, x, 2, NULL, &msg), 1);
		free(text);
	}
	has(msg, "d01: its key changed");
	free(msg);
	/* a first bundle whose statements the shown key did not sign */
	fresh();
	b = base();
	b.d_sk = sk; /* signed with another key than the one shown and expected */
	msg = verify_made(&b, 1, 1);
	has(msg, "d01: the statement on report 1 (update 1) does not verify with d01's key");
	free(msg);
	sodium_memzero(sk, sizeof sk);
}

static void
test_statements(void **state)
{
	struct sc_stmt s[10];
	struct scen b = base();
	char *msg;

	(void)state;
	fresh();
	b.bad_sig = 6; /* report 3's accepted of update 3 */
	msg = verify_made(&b, 1, 1);
	has(msg, "d01: the statement on report 3 (update 3) does not verify with d01's key");
	free(msg);
	memcpy(s, S, sizeof S);
	s[9] = (struct sc_stmt){4, 2, "accepted", "2026-06-17", 0}; /* 4 is a follow-up */
	b = base();
	b.s = s;
	b.ns = 10;
	msg = verify_made(&b, 1, 1);
	has(msg, "d01: a statement names index 4 (seq 2), which is not a report of the chain");
	free(msg);
	s[9] = (struct sc_stmt){5, 2, "received", "2026-06-17", 0}; /* beyond update 2's acks */
	msg = verify_made(&b, 1, 1);
	has(msg, "d01: the statement on report 5 belongs to update 2, which acknowledges only "
	         "through entry 4");
	free(msg);
	s[9] = (struct sc_stmt){1, 4, "concluded", "2026-07-08", 1}; /* fewer replies than before */
	msg = verify_made(&b, 1, 1);
	has(msg, "d01: the statement on report 1 of update 4 counts fewer replies or follow-ups "
	         "than that of update 3");
	free(msg);
}

/* Enough statements to be verified on several threads: one forged is still found. */
static void
test_many(void **state)
{
	enum { N = 3000 };
	struct sc_update *u = calloc(N, sizeof *u);
	struct sc_stmt *st = calloc(N, sizeof *st);
	struct scen sc = base();
	struct oversee *ov;
	char *msg, *text;

	(void)state;
	assert_non_null(u);
	assert_non_null(st);
	for (size_t i = 0; i < N; i++) {
		u[i] = (struct sc_update){i + 1, "2026-06-02", 1};
		st[i] = (struct sc_stmt){1, i + 1, i == 0 ? "received" : "in_progress",
		                         "2026-06-02", 0};
	}
	sc.ne = 1;
	sc.u = u;
	sc.nu = N;
	sc.s = st;
	sc.ns = N;
	fresh();
	text = make_bundle(&sc);
	assert_int_equal(verify(text, own_expect, 2, &ov, NULL), 0);
	assert_int_equal(ov->statements, N);
	oversee_free(ov);
	free(text);
	fresh();
	sc.bad_sig = 2345;
	msg = verify_made(&sc, 1, 1);
	has(msg, "(1 problem)");
	has(msg, "d01: the statement on report 1 (update 2345) does not verify with d01's key");
	free(msg);
	free(u);
	free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vector),
	        cmocka_unit_test(test_measures),
	        cmocka_unit_test(test_gap),
	        cmocka_unit_test(test_replay),
	        cmocka_unit_test(test_renumbered),
	        cmocka_unit_test(test_dropped),
	        cmocka_unit_test(test_server_backdates),
	        cmocka_unit_test(test_keys),
	        cmocka_unit_test(test_statements),
	        cmocka_unit_test(test_many),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("oversee", tests, setup_keys, teardown);
}
