/*
 * Unit tests for the investigator's workflow (DESIGN.md §13): the holiday
 * calendar and working-day arithmetic, the stage table, the deadline rules,
 * and a seeded archive of 311 entries (300 bulk reports with known days,
 * stages and replies, then special cases driven through the commands with
 * QF_TODAY) whose deadlines, overdue lists and statistics are checked
 * against values worked out by hand (and cross-checked with an independent
 * model of the seed, not with this code). Also: marks, notes, search,
 * redacted forwarding, show, the SVG/HTML files, the update bundle carrying
 * nothing but mapped statuses and replies, refusals that change nothing,
 * and the access log.
 *
 * The bulk: report i = 1..300 arrives on 2026-01-05 + floor((i-1)/10)
 * (10 a day, 2026-01-05 .. 2026-02-03); type {accusation, appeal,
 * suggestion}[i%3]; category {political, organizational, integrity, mass,
 * work, life, legal, other}[i%8]; town {城关镇, 东河镇, 西山乡, 南湖街道,
 * 城关镇, " "}[i%6]; level {county, township, staff, village, enterprise,
 * other, ""}[i%7]; real-name when i%4 == 0 (an identity block of empty
 * strings when i%20 == 2). Stages: i%3 == 1 stays registered; i%3 == 2
 * screened a day later; i%3 == 0 accepted after g_a = (i/3)%10 + 1 days,
 * and i%6 == 0 then verification a day later and concluded g_c =
 * 20 + ((i/6)%5)*10 days after receipt. Replies: i%12 == 0 on the day of
 * acceptance, and i%24 == 0 also on the day of conclusion.
 */
#include "tests/unit/cm.h"

#include <fcntl.h>
#include <lmdb.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/cases.h"
#include "admin/chart.h"
#include "admin/cli.h"
#include "admin/commands.h"
#include "admin/deadline.h"
#include "admin/forward.h"
#include "admin/search.h"
#include "admin/stats.h"
#include "admin/update.h"
#include "admin/view.h"
#include "admin/workdays.h"
#include "admin/workflow.h"
#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/envelope.h"
#include "crypto/keyfile.h"
#include "crypto/memwipe.h"
#include "store/archive.h"
#include "tests/unit/testutil.h"

#define PASS   "correct horse battery staple"
#define NBULK  300
#define NCASES 311
#define TODAY  "2026-04-10"

struct fx {
	char *dir;
	char keypath[4200], passpath[4200], archive[4200], calpath[4200];
	char out[4200], err[4200];
	struct keyfile_secret *key;
	struct workdays *w;
	uint8_t lookup[NCASES + 1][32];
	uint8_t prev[32];
	uint64_t n;
};

static struct fx *F;

/* ---- helpers ------------------------------------------------------------- */

static long
dn(const char *day)
{
	long d;

	assert_int_equal(codec_day_number(day, &d), 0);
	return d;
}

static void
day_str(char out[CODEC_DAY_LEN + 1], long d)
{
	assert_int_equal(codec_day_from_number(out, d), 0);
}

/* Loads case index of d01 for a change in t; fails the test when it cannot. */
static void
load(struct archive_txn *t, uint64_t index, struct case_record *c)
{
	char err[256];

	if (cases_load(t, "d01", index, c, err, sizeof err) != 0)
		fail_msg("%s", err);
}

static char *
slurp(const char *path, size_t *len)
{
	uint8_t *buf;
	size_t n;

	if (cli_read_file(path, (size_t)64 << 20, &buf, &n) != 0)
		return NULL;
	if (len != NULL)
		*len = n;
	return (char *)buf;
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Runs a command in-process with stdout in F->out and stderr in F->err; returns its exit code. */
static int
run(const char *const *argv)
{
	char *copy[64];
	int argc = 0, out, err, fo, fe, rc;

	while (argv[argc] != NULL) {
		assert_true(argc < 63);
		copy[argc] = strdup(argv[argc]);
		argc++;
	}
	copy[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	out = dup(1);
	err = dup(2);
	fo = open(F->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(F->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fo >= 0 && fe >= 0);
	dup2(fo, 1);
	dup2(fe, 2);
	rc = commands_run(argc, copy);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(fo);
	close(fe);
	for (int i = 0; i < argc; i++)
		free(copy[i]);
	return rc;
}

/* Runs a command dated day that must succeed. */
static void
run_ok(const char *day, const char *const *argv)
{
	int rc;

	setenv("QF_TODAY", day, 1);
	rc = run(argv);
	if (rc != 0) {
		char *e = slurp(F->err, NULL);

		fail_msg("%s %s: exit %d: %s", argv[0], argv[3] != NULL ? argv[3] : "", rc,
		         e != NULL ? e : "");
	}
}

static char *
out_text(void)
{
	char *s = slurp(F->out, NULL);

	assert_non_null(s);
	return s;
}

/* BLAKE2b of the archive's data file: "unchanged" means byte for byte. */
static void
digest(uint8_t out[32])
{
	char path[4300];
	size_t len = 0;
	char *buf;

	snprintf(path, sizeof path, "%s/data.mdb", F->archive);
	buf = slurp(path, &len);
	assert_non_null(buf);
	chain_h256(out, (const uint8_t *)buf, len);
	free(buf);
}

/* Case index of d01 as the archive holds it into c (case_free it). */
static void
get_case(uint64_t index, struct case_record *c)
{
	struct archive *a;
	struct archive_txn *t;

	assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_load(t, "d01", index, c), ARCHIVE_OK);
	archive_abort(t);
	archive_close(a);
}

static const struct keyfile_secret *
fx_key(void *ctx, const char *district)
{
	(void)ctx;
	return strcmp(district, "d01") == 0 ? F->key : NULL;
}

/* ---- seeding -------------------------------------------------------------- */

/* Seals manifest (and attachments) to the district and adds it as the next entry. */
static void
add_entry(struct archive_txn *t, int kind, const uint8_t lookup[32], const char *day,
          const char *manifest, const struct envelope_blob *atts, size_t natts)
{
	struct archive_entry e;
	uint8_t *env, sk[32];

	memset(&e, 0, sizeof e);
	e.index = ++F->n;
	e.kind = kind;
	memcpy(e.lookup, lookup, 32);
	memcpy(e.day, day, CODEC_DAY_LEN + 1);
	assert_int_equal(envelope_seal_buffer(&env, &e.envelope_len, F->key->pub.box_pk, manifest,
	                                      strlen(manifest), atts, natts),
	                 ENVELOPE_OK);
	e.envelope = env;
	if (kind == CHAIN_KIND_REPORT) {
		e.has_reply_pk = 1;
		crypto_box_keypair(e.reply_pk, sk);
		e.has_sign_pk = 1; /* as ingest keeps it for a bound report (§6) */
		randombytes_buf(e.sign_pk, 32);
	}
	chain_h256(e.envelope_hash, e.envelope, e.envelope_len);
	assert_int_equal(
	        chain_next(e.chain, F->prev, e.index, kind, e.lookup, e.envelope_hash, e.day), 0);
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_OK);
	memcpy(F->prev, e.chain, 32);
	free(env);
}

struct rep {
	const char *type, *category, *town, *level, *title, *body, *sname, *sunit;
	const char *id_name, *id_phone; /* NULL: anonymous */
	const char *att_name, *att_data;
};

static void
add_report(struct archive_txn *t, uint64_t want, const char *day, const struct rep *r, int set_flag)
{
	json_t *m, *atts = json_array(), *identity;
	struct envelope_blob blob;
	char *text;

	randombytes_buf(F->lookup[want], 32);
	if (r->att_name != NULL)
		json_array_append_new(atts, json_pack("{s:s, s:s, s:I}", "name", r->att_name,
		                                      "type", "image/jpeg", "size",
		                                      (json_int_t)strlen(r->att_data)));
	identity = r->id_name != NULL
	                   ? json_pack("{s:s, s:s}", "name", r->id_name, "phone", r->id_phone)
	                   : json_null();
	m = json_pack("{s:i, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
	              "s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:o}, s:o}",
	              "v", 1, "kind", "report", "district", "d01", "lang", "zh-CN", "report",
	              "type", r->type, "category", r->category, "subcategory", "违规收送礼金",
	              "town", r->town, "title", r->title, "body", r->body, "when", "2026-01",
	              "where", "镇政府", "subject", "name", r->sname, "unit", r->sunit, "area",
	              "城关", "position", "副镇长", "level", r->level, "party_member", "yes",
	              "identity", identity, "attachments", atts);
	assert_non_null(m);
	text = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	blob.data = (const uint8_t *)r->att_data;
	blob.len = r->att_data != NULL ? strlen(r->att_data) : 0;
	add_entry(t, CHAIN_KIND_REPORT, F->lookup[want], day, text, &blob,
	          r->att_name != NULL ? 1 : 0);
	assert_int_equal(F->n, want);
	free(text);
	if (set_flag)
		assert_int_equal(
		        workflow_set_real_name(t, "d01", want,
		                               r->id_name != NULL && r->id_name[0] != '\0'),
		        ARCHIVE_OK);
}

static long
bulk_day(int i)
{
	return dn("2026-01-05") + (i - 1) / 10;
}

static void
stage_at(struct archive_txn *t, uint64_t index, const char *stage, long day)
{
	char d[CODEC_DAY_LEN + 1], err[256];
	struct workflow_change ch = {.stage = stage};
	struct session s;
	struct case_record c;
	int queued;

	day_str(d, day);
	assert_int_equal(session_on_txn(&s, t, "seed", d), 0);
	load(t, index, &c);
	if (workflow_stage(&s, &c, &ch, &queued, err, sizeof err) != 0)
		fail_msg("stage %s of %llu: %s", stage, (unsigned long long)index, err);
	case_free(&c);
}

static void
reply_at(struct archive_txn *t, uint64_t index, long day)
{
	char d[CODEC_DAY_LEN + 1], err[256];
	struct cases_reply_args r = {.key = F->key, .body = "答复", .body_len = 6};
	struct session s;
	struct case_record c;
	uint32_t n;

	day_str(d, day);
	assert_int_equal(session_on_txn(&s, t, "seed", d), 0);
	load(t, index, &c);
	if (cases_reply(&s, &c, &r, &n, err, sizeof err) != 0)
		fail_msg("reply to %llu: %s", (unsigned long long)index, err);
	case_free(&c);
}

static void
seed(void)
{
	static const char *const types[] = {"accusation", "appeal", "suggestion"};
	static const char *const cats[] = {"political", "organizational", "integrity", "mass",
	                                   "work",      "life",           "legal",     "other"};
	static const char *const towns[] = {"城关镇",   "东河镇", "西山乡",
	                                    "南湖街道", "城关镇", " "};
	static const char *const levels[] = {"county",     "township", "staff", "village",
	                                     "enterprise", "other",    ""};
	struct archive *a;
	struct archive_txn *t;
	struct update_result ur;
	char err[512], upd[4300];

	assert_int_equal(archive_open(&a, F->archive, 1), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_create(t, "d01"), ARCHIVE_OK);
	assert_int_equal(archive_district_set_key_path(t, "d01", F->keypath), ARCHIVE_OK);
	for (int i = 1; i <= NBULK; i++) {
		char title[64], body[128], sname[64], unit[64], idn[64], phone[32], d[16];
		struct rep r;

		memset(&r, 0, sizeof r);
		snprintf(title, sizeof title, "标题%d", i);
		if (i == 17)
			snprintf(body, sizeof body, "他收受 Kickback-Alpha 回扣，金额不详。");
		else
			snprintf(body, sizeof body, "案件%d正文。", i);
		snprintf(sname, sizeof sname, i == 123 ? "李四光" : "被反映人%d", i);
		snprintf(unit, sizeof unit, "单位%d", i);
		snprintf(idn, sizeof idn, "实名人%d", i);
		snprintf(phone, sizeof phone, "1380000%04d", i);
		r.type = types[i % 3];
		r.category = cats[i % 8];
		r.town = towns[i % 6];
		r.level = levels[i % 7];
		r.title = title;
		r.body = body;
		r.sname = sname;
		r.sunit = unit;
		if (i % 4 == 0) {
			r.id_name = idn;
			r.id_phone = phone;
		} else if (i % 20 == 2) {
			r.id_name = "";
			r.id_phone = "";
		}
		day_str(d, bulk_day(i));
		add_report(t, (uint64_t)i, d, &r, 1);
	}
	for (int i = 1; i <= NBULK; i++) {
		long day = bulk_day(i);

		if (i % 3 == 2)
			stage_at(t, (uint64_t)i, "screened", day + 1);
		if (i % 3 != 0)
			continue;
		{
			long ga = (i / 3) % 10 + 1, gc = 20 + ((i / 6) % 5) * 10;

			stage_at(t, (uint64_t)i, "accepted", day + ga);
			if (i % 12 == 0)
				reply_at(t, (uint64_t)i, day + ga);
			if (i % 6 != 0)
				continue;
			stage_at(t, (uint64_t)i, "verification", day + ga + 1);
			stage_at(t, (uint64_t)i, "concluded", day + gc);
			if (i % 24 == 0)
				reply_at(t, (uint64_t)i, day + gc);
		}
	}
	/* the special cases, in the order of their days */
	{
		static const struct {
			uint64_t index;
			const char *day;
			int real;
		} sp[] = {{301, "2026-02-11", 0}, {302, "2026-03-02", 0}, {303, "2026-03-02", 0},
		          {304, "2026-03-02", 1}, {305, "2026-03-02", 1}, {306, "2026-03-02", 1},
		          {307, "2026-03-20", 1}, {308, "2026-04-07", 0}, {309, "2026-04-08", 0},
		          {310, "2026-04-09", 1}};

		for (size_t k = 0; k < sizeof sp / sizeof sp[0]; k++) {
			char title[64], body[64], sname[64], idn[64], phone[32];
			struct rep r;

			memset(&r, 0, sizeof r);
			snprintf(title, sizeof title, "特别%llu", (unsigned long long)sp[k].index);
			snprintf(body, sizeof body, "特别案件%llu正文。",
			         (unsigned long long)sp[k].index);
			snprintf(sname, sizeof sname, "对象%llu", (unsigned long long)sp[k].index);
			snprintf(idn, sizeof idn, "实名人%llu", (unsigned long long)sp[k].index);
			snprintf(phone, sizeof phone, "13900000%llu",
			         (unsigned long long)sp[k].index);
			r.type = "accusation";
			r.category = "integrity";
			r.town = sp[k].index == 309 ? "<script>&\"x\x01y" : "城关镇";
			r.level = "township";
			r.title = title;
			r.body = body;
			r.sname = sname;
			r.sunit = "某局";
			if (sp[k].real) {
				r.id_name = idn;
				r.id_phone = phone;
			}
			if (sp[k].index == 304) {
				r.att_name = "证据.jpg";
				r.att_data = "JPEG-304";
			}
			/* case 310 is left as an older version left it: real-name not recorded */
			add_report(t, sp[k].index, sp[k].day, &r, sp[k].index != 310);
		}
	}
	/* a follow-up to case 304, with an attachment of its own */
	{
		char b64[CODEC_B64U_BUF(32)], *text;
		json_t *m;
		struct envelope_blob blob = {(const uint8_t *)"PDF-FU", 6};

		codec_b64u_encode(b64, sizeof b64, F->lookup[304], 32);
		m = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:i}]}", "v", 1, "kind",
		              "followup", "district", "d01", "lookup", b64, "purpose", "material",
		              "body", "补充材料 SECRET-FU", "attachments", "name", "补充.pdf",
		              "type", "application/pdf", "size", 6);
		text = json_dumps(m, JSON_COMPACT);
		json_decref(m);
		add_entry(t, CHAIN_KIND_FOLLOWUP, F->lookup[304], "2026-04-09", text, &blob, 1);
		free(text);
	}
	assert_int_equal(F->n, NCASES);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	/* send what the bulk queued, so that the next update holds the specials' only */
	snprintf(upd, sizeof upd, "%s/seed.qfu", F->dir);
	if (update_write(a, "d01", F->key, upd, "2026-04-09", &ur, err, sizeof err) != 0)
		fail_msg("update: %s", err);
	assert_int_equal(ur.acks_through, NCASES);
	/* 100 accepted, 50 verification (in_progress), 50 concluded; screened stays received */
	assert_int_equal(ur.status_ops, 200);
	assert_int_equal(ur.reply_ops, 25 + 12);
	/* as the next export would say: the server applied it (else it is carried again, §15) */
	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_set_applied(t, "d01", ur.seq), ARCHIVE_OK);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	archive_close(a);
}

static int
group_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	const char *root = getenv("QF_ROOT");
	char src[4300], err[256];
	char *cal;

	assert_non_null(f);
	F = f;
	f->dir = testutil_tmpdir();
	snprintf(f->keypath, sizeof f->keypath, "%s/district.key", f->dir);
	snprintf(f->passpath, sizeof f->passpath, "%s/pass", f->dir);
	snprintf(f->archive, sizeof f->archive, "%s/archive", f->dir);
	snprintf(f->calpath, sizeof f->calpath, "%s/archive/holidays.txt", f->dir);
	snprintf(f->out, sizeof f->out, "%s/stdout", f->dir);
	snprintf(f->err, sizeof f->err, "%s/stderr", f->dir);
	write_text(f->passpath, PASS "\n");
	assert_int_equal(keyfile_generate(&f->key, "d01", "测试区纪委监委"), KEYFILE_OK);
	assert_int_equal(keyfile_write_secret(f->keypath, f->key, PASS, strlen(PASS),
	                                      KEYFILE_KDF_INTERACTIVE),
	                 KEYFILE_OK);
	/* the calendar shipped in the repository, as the archive's default holidays.txt */
	snprintf(src, sizeof src, "%s/holidays/cn-2026.txt", root != NULL ? root : ".");
	cal = slurp(src, NULL);
	if (cal == NULL)
		fail_msg("cannot read %s (run from the repository root or set QF_ROOT)", src);
	assert_int_equal(workdays_parse(&f->w, cal, strlen(cal), err, sizeof err), 0);
	seed();
	write_text(f->calpath, cal);
	free(cal);
	*state = f;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fx *f = *state;

	unsetenv("QF_TODAY");
	keyfile_secret_free(f->key);
	workdays_free(f->w);
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* ---- the calendar ------------------------------------------------------- */

static void
test_calendar(void **state)
{
	const struct workdays *w = F->w;
	struct workdays *x;
	char err[256];
	static const struct {
		const char *text, *needle;
	} bad[] = {
	        {"2026-02-30 holiday\n", "line 1"},
	        {"# ok\n2026-13-01 holiday\n", "line 2"},
	        {"2026-02-16 off\n", "expected 'holiday' or 'workday'"},
	        {"2026-02-16\n", "expected 'holiday' or 'workday'"},
	        {"2026-02-16 holiday extra\n", "unexpected text"},
	        {"2026-02-15 holiday\n2026-02-15 workday\n",
	         "line 2: 2026-02-15 is already listed on line 1"},
	        {"2026-02-16 workday\n", "Monday"},
	        {"26-02-16 holiday\n", "not a day"},
	        {"2026-02-16 Holiday\n", "expected"},
	        {"2026-02-16 holiday\n\0\n", "NUL"},
	};

	(void)state;
	assert_int_equal(workdays_count(w), 39);
	assert_true(workdays_covers(w, 2026));
	assert_false(workdays_covers(w, 2027));
	/* 1970-01-01 was a Thursday, 2026-01-05 a Monday */
	assert_int_equal(workdays_weekday(0), 4);
	assert_int_equal(workdays_weekday(dn("2026-01-05")), 1);
	assert_false(workdays_is_workday(w, dn("2026-01-01"))); /* New Year */
	assert_true(workdays_is_workday(w, dn("2026-01-04")));  /* make-up Sunday */
	assert_true(workdays_is_workday(w, dn("2026-02-14")));  /* make-up Saturday */
	assert_false(workdays_is_workday(w, dn("2026-02-16"))); /* Spring Festival Monday */
	assert_false(workdays_is_workday(w, dn("2026-02-21"))); /* a Saturday off anyway */
	assert_false(workdays_is_workday(w, dn("2026-03-07"))); /* plain Saturday */
	assert_true(workdays_is_workday(w, dn("2026-03-09")));  /* plain Monday */
	assert_false(workdays_is_workday(w, dn("2026-04-06"))); /* Qingming Monday */
	assert_true(workdays_is_workday(w, dn("2026-10-10")));  /* make-up Saturday */
	/* the N-th working day after a day; the day itself does not count */
	assert_int_equal(workdays_add(w, dn("2026-01-05"), 15), dn("2026-01-26"));
	assert_int_equal(workdays_add(w, dn("2026-02-06"), 15), dn("2026-03-05"));
	assert_int_equal(workdays_add(w, dn("2026-02-11"), 5), dn("2026-02-25"));
	assert_int_equal(workdays_add(w, dn("2025-12-31"), 1), dn("2026-01-04"));
	assert_int_equal(workdays_add(w, dn("2026-04-03"), 1), dn("2026-04-07"));
	assert_int_equal(workdays_add(w, dn("2026-09-30"), 1), dn("2026-10-08"));
	assert_int_equal(workdays_add(w, dn("2026-03-09"), 0), dn("2026-03-09"));
	/* counting: (from, to], negative backwards */
	assert_int_equal(workdays_between(w, dn("2026-02-13"), dn("2026-02-24")), 2);
	assert_int_equal(workdays_between(w, dn("2026-02-24"), dn("2026-02-13")), -2);
	assert_int_equal(workdays_between(w, dn("2026-01-26"), dn("2026-04-10")), 49);
	assert_int_equal(workdays_between(w, dn("2026-04-10"), dn("2026-04-10")), 0);
	/* 260 weekdays after Jan 1, minus 18 weekday holidays, plus 6 make-up days */
	assert_int_equal(workdays_between(w, dn("2026-01-01"), dn("2026-12-31")), 260 - 18 + 6);
	/* the arithmetic agrees with counting day by day over the whole year */
	for (long d = dn("2025-12-20"); d < dn("2027-01-10"); d += 3) {
		long n = 0;

		for (long e = d + 1; e <= d + 40; e++) {
			n += workdays_is_workday(w, e);
			assert_int_equal(workdays_between(w, d, e), n);
		}
		assert_int_equal(workdays_between(w, d, workdays_add(w, d, 15)), 15);
	}
	/* every parse error is named, with the line */
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t len = strlen(bad[i].text);

		if (strstr(bad[i].needle, "NUL") != NULL)
			len = strlen(bad[i].text) + 2;
		x = (struct workdays *)(uintptr_t)1;
		err[0] = '\0';
		assert_int_equal(workdays_parse(&x, bad[i].text, len, err, sizeof err), -1);
		assert_null(x);
		if (strstr(err, bad[i].needle) == NULL)
			fail_msg("case %zu: '%s' does not say '%s'", i, err, bad[i].needle);
	}
	/* comments, blank lines, CRLF and trailing blanks are fine */
	{
		const char *ok = "\r\n  # c\n2026-01-03 workday   # Sat\r\n\n\t2026-01-05\tholiday";

		assert_int_equal(workdays_parse(&x, ok, strlen(ok), err, sizeof err), 0);
	}
	assert_int_equal(workdays_count(x), 2);
	assert_true(workdays_is_workday(x, dn("2026-01-03")));
	assert_false(workdays_is_workday(x, dn("2026-01-05")));
	workdays_free(x);
	/* a missing file: an error, unless it may be missing */
	{
		int missing;
		char p[4300];

		snprintf(p, sizeof p, "%s/none.txt", F->dir);
		assert_int_equal(workdays_load(&x, p, 0, &missing, err, sizeof err), -1);
		assert_non_null(strstr(err, "none.txt"));
		assert_int_equal(workdays_load(&x, p, 1, &missing, err, sizeof err), 0);
		assert_int_equal(missing, 1);
		assert_int_equal(workdays_count(x), 0);
		assert_true(workdays_is_workday(x, dn("2026-02-16")));
		workdays_free(x);
	}
}

/* ---- the stage table ------------------------------------------------------ */

static void
test_stage_table(void **state)
{
	static const char *const map[][2] = {
	        {"registered", "received"},
	        {"screened", "received"},
	        {"accepted", "accepted"},
	        {"duplicate", "accepted"},
	        {"inquiry", "in_progress"},
	        {"verification", "in_progress"},
	        {"hold", "in_progress"},
	        {"referred", "in_progress"},
	        {"case_opened", "in_progress"},
	        {"closed", "concluded"},
	        {"concluded", "concluded"},
	        {"transferred_up", "transferred"},
	        {"transferred", "transferred"},
	        {"not_accepted", "not_accepted"},
	        /* issue 17: 转办 and 交办 to a lower body */
	        {"transferred_down", "transferred"},
	        {"assigned", "in_progress"},
	};
	size_t n;
	const struct workflow_stage *st = workflow_stages(&n);

	(void)state;
	assert_int_equal(n, 16);
	assert_string_equal(workflow_stage_canon("转办"), "transferred_down");
	assert_string_equal(workflow_stage_canon("交办"), "assigned");
	assert_string_equal(workflow_mark_canon("督办"), "supervise");
	assert_string_equal(workflow_mark_canon("已反馈"), "reported");
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		assert_true(workflow_stage_valid(map[i][0]));
		assert_string_equal(workflow_stage_status(map[i][0]), map[i][1]);
		assert_true(cases_status_valid(workflow_stage_status(map[i][0])));
		assert_non_null(workflow_stage_label(map[i][0]));
	}
	for (size_t i = 0; i < n; i++)
		assert_true(cases_status_valid(st[i].status));
	assert_string_equal(workflow_stage_label("case_opened"), "立案审查调查");
	assert_false(workflow_stage_valid("need_info")); /* a status, set with `status` */
	assert_false(workflow_stage_valid("Accepted"));
	assert_false(workflow_stage_valid(NULL));
	assert_null(workflow_stage_status("received"));
	{
		struct case_record c;

		memset(&c, 0, sizeof c);
		assert_string_equal(workflow_stage_of(&c), "registered");
		CASE_SET(c.stage, "bogus");
		assert_string_equal(workflow_stage_of(&c), "registered");
		CASE_SET(c.stage, "hold");
		assert_string_equal(workflow_stage_of(&c), "hold");
	}
	assert_string_equal(workflow_mark_label("finding", "false-accusation"), "诬告陷害");
	assert_string_equal(workflow_mark_label("realname", "impersonated"), "冒名");
	assert_null(workflow_mark_label("realname", "maybe"));
	assert_null(workflow_mark_label("color", NULL));
}

/* ---- the deadline rules on hand-made records ------------------------------ */

/* A record received on day with real_name and the history events given as JSON text. */
/*
 * A case record of report day and real_name with the given history and
 * marks (JSON; an event's or mark's "by", a mark's "day", default), as the
 * archive would hand it over. rec_free releases it.
 */
static struct case_record *
rec_of(const char *day, int real_name, const char *history, const char *marks)
{
	static const char pk[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
	json_t *h = json_loads(history, 0, NULL), *m = NULL, *rec, *it;
	struct case_record *c = calloc(1, sizeof *c);
	const char *k;
	size_t i;

	assert_non_null(h);
	assert_non_null(c);
	json_array_foreach(h, i, it) json_object_set_new_nocheck(it, "by", json_string("x"));
	if (marks != NULL) {
		m = json_loads(marks, 0, NULL);
		assert_non_null(m);
		json_object_foreach(m, k, it)
		{
			if (json_object_get(it, "day") == NULL)
				json_object_set_new(it, "day", json_string(day));
		}
	}
	rec = json_pack("{s:i, s:s, s:i, s:s, s:s, s:s, s:b, s:o, s:s, s:[], s:[]}", "v", 1,
	                "district", "d01", "index", 1, "lookup", pk, "reply_pk", pk, "day", day,
	                "real_name", real_name, "history", h, "status", "received", "followups",
	                "replies");
	assert_non_null(rec);
	if (m != NULL)
		json_object_set_new(rec, "marks", m);
	assert_int_equal(case_decode(rec, c), 0);
	json_decref(rec);
	return c;
}

static void
rec_free(struct case_record *c)
{
	case_free(c);
	free(c);
}

static void
expect(const struct deadline *d, int kind, const char *from, const char *due, const char *met,
       int state, long left)
{
	assert_int_equal(d->kind, kind);
	assert_int_equal(d->from, dn(from));
	assert_int_equal(d->due, dn(due));
	assert_int_equal(d->met, met != NULL ? dn(met) : -1);
	assert_int_equal(d->state, state);
	assert_int_equal(d->left, left);
}

/* 转办, 交办, 督办 (issue 17): the lower body's time, counted from the handoff */
static void
test_deadline_handoff(void **state)
{
	const struct workdays *w = F->w;
	struct deadline d[DEADLINE_MAX], h;
	struct case_record *r;

	(void)state;
	/* 转办 on Wednesday 2026-04-01: 5 working days over Qingming (04-04..06): 04-09 */
	r = rec_of("2026-03-30", 0,
	           "[{\"day\":\"2026-04-01\",\"event\":\"stage\",\"stage\":\"transferred_down\","
	           "\"to\":\"东河镇纪委\",\"days\":5}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, dn("2026-04-01"), d), 1);
	expect(&d[0], DEADLINE_TRANSFER, "2026-04-01", "2026-04-09", NULL, DEADLINE_PENDING, 5);
	assert_string_equal(d[0].to, "东河镇纪委");
	assert_string_equal(deadline_kind_name(d[0].kind), "transfer");
	assert_string_equal(deadline_kind_label(d[0].kind), "转办受理");
	deadline_of_case(r, w, dn("2026-04-07"), d);
	expect(&d[0], DEADLINE_TRANSFER, "2026-04-01", "2026-04-09", NULL, DEADLINE_DUE_SOON, 2);
	deadline_of_case(r, w, dn("2026-04-10"), d);
	expect(&d[0], DEADLINE_TRANSFER, "2026-04-01", "2026-04-09", NULL, DEADLINE_OVERDUE, -1);
	/* 督办 on 04-10 with 3 days: 04-15; 已反馈 on 04-13 meets both */
	{
		struct case_event *e = case_add_event(r, "2026-04-10", "x", "mark");

		assert_non_null(e);
		CASE_SET(e->mark, "supervise");
		e->days = 3;
	}
	assert_int_equal(deadline_of_case(r, w, dn("2026-04-10"), d), 2);
	expect(&d[1], DEADLINE_SUPERVISE, "2026-04-10", "2026-04-15", NULL, DEADLINE_DUE_SOON, 3);
	assert_int_equal(deadline_handoff(r, w, dn("2026-04-10"), &h), 1);
	assert_int_equal(h.kind, DEADLINE_SUPERVISE);
	assert_int_equal(h.due, dn("2026-04-15"));
	{
		struct case_event *e = case_add_event(r, "2026-04-13", "x", "mark");

		assert_non_null(e);
		CASE_SET(e->mark, "reported");
	}
	assert_int_equal(deadline_of_case(r, w, dn("2026-04-20"), d), 2);
	expect(&d[0], DEADLINE_TRANSFER, "2026-04-01", "2026-04-09", "2026-04-13",
	       DEADLINE_MET_LATE, -7);
	expect(&d[1], DEADLINE_SUPERVISE, "2026-04-10", "2026-04-15", "2026-04-13", DEADLINE_MET,
	       -3);
	assert_int_equal(deadline_next(d, 2), -1);
	assert_int_equal(deadline_handoff(r, w, dn("2026-04-20"), &h), 1);
	assert_int_equal(h.kind, DEADLINE_TRANSFER); /* the 督办 is met: the 转办's own */
	rec_free(r);
	/* 交办 with the default 30 days over Labour Day (05-01..05 off, Saturday 05-09 on) */
	r = rec_of("2026-03-30", 1,
	           "[{\"day\":\"2026-04-01\",\"event\":\"stage\",\"stage\":\"assigned\","
	           "\"to\":\"城关镇纪委\"}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, dn("2026-04-01"), d), 2);
	assert_int_equal(d[0].kind, DEADLINE_ACCEPTANCE);
	expect(&d[1], DEADLINE_ASSIGN, "2026-04-01", "2026-05-18", NULL, DEADLINE_PENDING, 30);
	/* a 督办 cleared is gone; a reported before the 交办 does not count */
	rec_free(r);
	r = rec_of("2026-03-30", 0,
	           "[{\"day\":\"2026-03-31\",\"event\":\"mark\",\"mark\":\"reported\"},"
	           "{\"day\":\"2026-04-01\",\"event\":\"stage\",\"stage\":\"assigned\","
	           "\"to\":\"城关镇纪委\",\"days\":10},"
	           "{\"day\":\"2026-04-02\",\"event\":\"mark\",\"mark\":\"supervise\"},"
	           "{\"day\":\"2026-04-03\",\"event\":\"mark\",\"mark\":\"supervise\","
	           "\"cleared\":true}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, dn("2026-04-01"), d), 1);
	expect(&d[0], DEADLINE_ASSIGN, "2026-04-01", "2026-04-16", NULL, DEADLINE_PENDING, 10);
	/* a new 转办 starts afresh; a 督办 with no days takes 10 */
	{
		struct case_event *e = case_add_event(r, "2026-04-08", "x", "stage");

		assert_non_null(e);
		CASE_SET(e->stage, "transferred_down");
		CASE_SET(e->to, "西山乡纪委");
	}
	{
		struct case_event *e = case_add_event(r, "2026-04-09", "x", "mark");

		assert_non_null(e);
		CASE_SET(e->mark, "supervise");
	}
	assert_int_equal(deadline_of_case(r, w, dn("2026-04-09"), d), 2);
	expect(&d[0], DEADLINE_TRANSFER, "2026-04-08", "2026-04-15", NULL, DEADLINE_PENDING, 4);
	assert_string_equal(d[0].to, "西山乡纪委");
	expect(&d[1], DEADLINE_SUPERVISE, "2026-04-09", "2026-04-23", NULL, DEADLINE_PENDING, 10);
	rec_free(r);
	/* a new 转办 ends the 督办 of the earlier 交办 */
	r = rec_of("2026-03-30", 0,
	           "[{\"day\":\"2026-04-01\",\"event\":\"stage\",\"stage\":\"assigned\","
	           "\"to\":\"城关镇纪委\",\"days\":10},"
	           "{\"day\":\"2026-04-02\",\"event\":\"mark\",\"mark\":\"supervise\"},"
	           "{\"day\":\"2026-04-03\",\"event\":\"stage\",\"stage\":"
	           "\"transferred_down\",\"to\":\"西山乡纪委\"}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, dn("2026-04-03"), d), 1);
	expect(&d[0], DEADLINE_TRANSFER, "2026-04-03", "2026-04-13", NULL, DEADLINE_PENDING, 5);
	rec_free(r);
	/* never handed down: nothing, and no 转办单 deadline */
	r = rec_of("2026-03-30", 0, "[]", NULL);
	assert_int_equal(deadline_handoff(r, w, dn("2026-04-01"), &h), 0);
	rec_free(r);
}

static void
test_deadline_rules(void **state)
{
	const struct workdays *w = F->w;
	struct deadline d[DEADLINE_MAX];
	long today = dn(TODAY);
	struct case_record *r;

	(void)state;
	/* anonymous, no marks: no deadline at all */
	r = rec_of("2026-03-02", 0, "[]", NULL);
	assert_int_equal(deadline_of_case(r, w, today, d), 0);
	rec_free(r);
	/* real-name, untouched: acceptance due 15 working days later, overdue */
	r = rec_of("2026-03-02", 1, "[]", NULL);
	assert_int_equal(deadline_of_case(r, w, today, d), 1);
	expect(&d[0], DEADLINE_ACCEPTANCE, "2026-03-02", "2026-03-23", NULL, DEADLINE_OVERDUE, -13);
	assert_int_equal(deadline_next(d, 1), 0);
	rec_free(r);
	/* a reply before any decision does not count; one after screened neither */
	r = rec_of("2026-03-20", 1,
	           "[{\"day\":\"2026-03-21\",\"event\":\"reply\"},"
	           "{\"day\":\"2026-03-22\",\"event\":\"stage\",\"stage\":\"screened\"},"
	           "{\"day\":\"2026-03-23\",\"event\":\"reply\"}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, today, d), 1);
	expect(&d[0], DEADLINE_ACCEPTANCE, "2026-03-20", "2026-04-13", NULL, DEADLINE_DUE_SOON, 1);
	rec_free(r);
	/* not_accepted then a reply: met; the same with a late reply: met late */
	r = rec_of("2026-01-05", 1,
	           "[{\"day\":\"2026-01-20\",\"event\":\"stage\",\"stage\":\"not_accepted\"},"
	           "{\"day\":\"2026-01-26\",\"event\":\"reply\"}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, today, d), 1);
	expect(&d[0], DEADLINE_ACCEPTANCE, "2026-01-05", "2026-01-26", "2026-01-26", DEADLINE_MET,
	       -49);
	assert_int_equal(deadline_next(d, 1), -1);
	rec_free(r);
	r = rec_of("2026-01-05", 1,
	           "[{\"day\":\"2026-01-20\",\"event\":\"stage\",\"stage\":\"accepted\"},"
	           "{\"day\":\"2026-01-27\",\"event\":\"reply\"}]",
	           NULL);
	deadline_of_case(r, w, today, d);
	assert_int_equal(d[0].state, DEADLINE_MET_LATE);
	rec_free(r);
	/* a status set directly counts as a decision; need_info does not */
	r = rec_of("2026-01-05", 1,
	           "[{\"day\":\"2026-01-06\",\"event\":\"status\",\"status\":\"need_info\"},"
	           "{\"day\":\"2026-01-07\",\"event\":\"reply\"},"
	           "{\"day\":\"2026-01-08\",\"event\":\"status\",\"status\":\"accepted\"},"
	           "{\"day\":\"2026-01-09\",\"event\":\"reply\"}]",
	           NULL);
	deadline_of_case(r, w, today, d);
	expect(&d[0], DEADLINE_ACCEPTANCE, "2026-01-05", "2026-01-26", "2026-01-09", DEADLINE_MET,
	       -49);
	rec_free(r);
	/* concluded: a result deadline from the day of conclusion; closed concludes too */
	r = rec_of("2026-01-05", 1,
	           "[{\"day\":\"2026-01-06\",\"event\":\"stage\",\"stage\":\"accepted\"},"
	           "{\"day\":\"2026-01-06\",\"event\":\"reply\"},"
	           "{\"day\":\"2026-02-06\",\"event\":\"stage\",\"stage\":\"closed\"},"
	           "{\"day\":\"2026-02-25\",\"event\":\"stage\",\"stage\":\"concluded\"}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, today, d), 2);
	expect(&d[0], DEADLINE_ACCEPTANCE, "2026-01-05", "2026-01-26", "2026-01-06", DEADLINE_MET,
	       -49);
	/* closed -> concluded is one conclusion, counted from the first day */
	expect(&d[1], DEADLINE_RESULT, "2026-02-06", "2026-03-05", NULL, DEADLINE_OVERDUE, -25);
	rec_free(r);
	/* reopened: no result deadline; concluded again: a new one, earlier replies void */
	r = rec_of("2026-01-05", 1,
	           "[{\"day\":\"2026-01-06\",\"event\":\"stage\",\"stage\":\"accepted\"},"
	           "{\"day\":\"2026-01-06\",\"event\":\"reply\"},"
	           "{\"day\":\"2026-02-06\",\"event\":\"status\",\"status\":\"concluded\"},"
	           "{\"day\":\"2026-02-09\",\"event\":\"reply\"},"
	           "{\"day\":\"2026-03-30\",\"event\":\"stage\",\"stage\":\"verification\"}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, today, d), 1);
	rec_free(r);
	r = rec_of("2026-01-05", 1,
	           "[{\"day\":\"2026-01-06\",\"event\":\"stage\",\"stage\":\"accepted\"},"
	           "{\"day\":\"2026-01-06\",\"event\":\"reply\"},"
	           "{\"day\":\"2026-02-06\",\"event\":\"status\",\"status\":\"concluded\"},"
	           "{\"day\":\"2026-02-09\",\"event\":\"reply\"},"
	           "{\"day\":\"2026-03-30\",\"event\":\"stage\",\"stage\":\"verification\"},"
	           "{\"day\":\"2026-04-01\",\"event\":\"stage\",\"stage\":\"concluded\"}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, today, d), 2);
	expect(&d[1], DEADLINE_RESULT, "2026-04-01", "2026-04-23", NULL, DEADLINE_PENDING, 9);
	rec_free(r);
	/* impersonated (冒名): the real-name deadlines no longer apply */
	r = rec_of("2026-03-02", 1, "[]", "{\"realname\":{\"value\":\"impersonated\"}}");
	assert_int_equal(deadline_of_case(r, w, today, d), 0);
	CASE_SET(r->marks[CASE_MARK_REALNAME].value, "verified");
	assert_int_equal(deadline_of_case(r, w, today, d), 1);
	rec_free(r);
	/* upper level: 5 working days to transferred_up, across the Spring Festival */
	r = rec_of("2026-02-11", 0,
	           "[{\"day\":\"2026-02-26\",\"event\":\"stage\",\"stage\":\"transferred_up\"}]",
	           "{\"upper-level\":{\"day\":\"2026-02-11\",\"by\":\"x\"}}");
	assert_int_equal(deadline_of_case(r, w, today, d), 1);
	expect(&d[0], DEADLINE_UPPER_LEVEL, "2026-02-11", "2026-02-25", "2026-02-26",
	       DEADLINE_MET_LATE, -32);
	rec_free(r);
	r = rec_of("2026-04-07", 0, "[]", "{\"upper-level\":{}}");
	deadline_of_case(r, w, today, d);
	expect(&d[0], DEADLINE_UPPER_LEVEL, "2026-04-07", "2026-04-14", NULL, DEADLINE_DUE_SOON, 2);
	rec_free(r);
	/* due today is due soon with 0 left; the day after, overdue by 1 */
	r = rec_of("2026-04-02", 0, "[]", "{\"upper-level\":{}}");
	deadline_of_case(r, w, dn("2026-04-10"), d);
	expect(&d[0], DEADLINE_UPPER_LEVEL, "2026-04-02", "2026-04-10", NULL, DEADLINE_DUE_SOON, 0);
	deadline_of_case(r, w, dn("2026-04-13"), d);
	expect(&d[0], DEADLINE_UPPER_LEVEL, "2026-04-02", "2026-04-10", NULL, DEADLINE_OVERDUE, -1);
	/* a weekend after the day does not make it overdue yet */
	deadline_of_case(r, w, dn("2026-04-11"), d);
	assert_int_equal(d[0].state, DEADLINE_OVERDUE);
	assert_int_equal(d[0].left, 0);
	rec_free(r);
	/* an event whose day does not parse counts as absent */
	r = rec_of("2026-03-02", 1,
	           "[{\"day\":\"bad\",\"event\":\"stage\",\"stage\":\"accepted\"},"
	           "{\"event\":\"reply\",\"day\":\"2026-13-40\"}]",
	           NULL);
	assert_int_equal(deadline_of_case(r, w, today, d), 1);
	expect(&d[0], DEADLINE_ACCEPTANCE, "2026-03-02", "2026-03-23", NULL, DEADLINE_OVERDUE, -13);
	rec_free(r);
}

static void
test_quantiles(void **state)
{
	long a[] = {5, 1, 3}, b[] = {4, 1, 3, 2}, c[20], one[] = {7};
	double m;
	long p;

	(void)state;
	assert_int_equal(stats_quantiles(a, 0, &m, &p), -1);
	assert_int_equal(stats_quantiles(a, 3, &m, &p), 0);
	assert_true(m == 3.0);
	assert_int_equal(p, 5); /* ceil(2.7) = 3rd */
	assert_int_equal(stats_quantiles(b, 4, &m, &p), 0);
	assert_true(m == 2.5);
	assert_int_equal(p, 4); /* ceil(3.6) = 4th */
	for (int i = 0; i < 20; i++)
		c[i] = 20 - i;
	assert_int_equal(stats_quantiles(c, 20, &m, &p), 0);
	assert_true(m == 10.5);
	assert_int_equal(p, 18); /* the 18th smallest of 1..20 */
	assert_int_equal(stats_quantiles(one, 1, &m, &p), 0);
	assert_true(m == 7.0);
	assert_int_equal(p, 7);
}

/* ---- the seeded archive: statistics ------------------------------------- */

static long
iv(const json_t *o, const char *path1, const char *path2)
{
	const json_t *v = json_object_get(o, path1);

	if (path2 != NULL)
		v = json_object_get(v, path2);
	if (!json_is_integer(v))
		fail_msg("%s.%s is not an integer", path1, path2 != NULL ? path2 : "");
	return (long)json_integer_value(v);
}

static double
rv(const json_t *o, const char *path1, const char *path2)
{
	const json_t *v = json_object_get(json_object_get(o, path1), path2);

	if (!json_is_number(v))
		fail_msg("%s.%s is not a number", path1, path2);
	return json_number_value(v);
}

static json_t *
bulk_stats(void)
{
	struct archive *a;
	struct archive_txn *t;
	struct stats_query q = {"d01", dn("2026-01-05"), dn("2026-02-03"), dn(TODAY), F->w};
	char err[512];
	json_t *s;

	assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	if (stats_compute(t, &q, fx_key, NULL, &s, err, sizeof err) != 0)
		fail_msg("stats: %s", err);
	archive_abort(t);
	archive_close(a);
	return s;
}

static void
test_seeded_stats(void **state)
{
	json_t *s = bulk_stats();
	const json_t *towns = json_object_get(s, "by_town"), *wk = json_object_get(s, "weekly");
	static const char *const town_order[] = {"城关镇", "unspecified", "东河镇", "南湖街道",
	                                         "西山乡"};
	const char *k;
	const json_t *v;
	size_t i = 0;

	(void)state;
	assert_int_equal(iv(s, "cases", NULL), 300);
	assert_string_equal(json_string_value(json_object_get(s, "from")), "2026-01-05");
	assert_string_equal(json_string_value(json_object_get(s, "to")), "2026-02-03");
	assert_string_equal(json_string_value(json_object_get(s, "today")), TODAY);
	/* stages: i%3==1 registered, i%3==2 screened, i%6==3 accepted, i%6==0 concluded */
	assert_int_equal(iv(s, "by_stage", "registered"), 100);
	assert_int_equal(iv(s, "by_stage", "screened"), 100);
	assert_int_equal(iv(s, "by_stage", "accepted"), 50);
	assert_int_equal(iv(s, "by_stage", "concluded"), 50);
	assert_int_equal(iv(s, "by_stage", "verification"), 0);
	assert_int_equal(iv(s, "by_stage", "transferred_up"), 0);
	assert_int_equal(json_object_size(json_object_get(s, "by_stage")), 16);
	assert_int_equal(iv(s, "by_status", "received"), 200);
	assert_int_equal(iv(s, "by_status", "accepted"), 50);
	assert_int_equal(iv(s, "by_status", "concluded"), 50);
	assert_int_equal(iv(s, "by_status", "in_progress"), 0);
	/* categories by i%8 over 1..300: residues 1-4 occur 38 times, 0 and 5-7 37 times */
	assert_int_equal(iv(s, "by_category", "political"), 37);
	assert_int_equal(iv(s, "by_category", "organizational"), 38);
	assert_int_equal(iv(s, "by_category", "integrity"), 38);
	assert_int_equal(iv(s, "by_category", "mass"), 38);
	assert_int_equal(iv(s, "by_category", "work"), 38);
	assert_int_equal(iv(s, "by_category", "life"), 37);
	assert_int_equal(iv(s, "by_category", "legal"), 37);
	assert_int_equal(iv(s, "by_category", "other"), 37);
	assert_int_equal(json_object_size(json_object_get(s, "by_category")), 8);
	/* towns by i%6: 城关镇 twice (100), the others 50; " " counts as unspecified */
	assert_int_equal(json_object_size(towns), 5);
	json_object_foreach((json_t *)(uintptr_t)towns, k, v)
	{
		assert_string_equal(k, town_order[i]);
		assert_int_equal(json_integer_value(v), i == 0 ? 100 : 50);
		i++;
	}
	/* levels by i%7: residue 0 (county) 42 times, the rest 43; "" counts as unknown */
	assert_int_equal(iv(s, "by_level", "county"), 42);
	assert_int_equal(iv(s, "by_level", "township"), 43);
	assert_int_equal(iv(s, "by_level", "other"), 43);
	assert_int_equal(iv(s, "by_level", "unknown"), 43);
	assert_int_equal(json_object_size(json_object_get(s, "by_level")), 7);
	assert_int_equal(iv(s, "by_type", "accusation"), 100);
	assert_int_equal(iv(s, "by_type", "appeal"), 100);
	assert_int_equal(iv(s, "by_type", "suggestion"), 100);
	/* i%4==0 real name; the empty identity blocks (i%20==2) are anonymous */
	assert_int_equal(iv(s, "identity", "real_name"), 75);
	assert_int_equal(iv(s, "identity", "anonymous"), 225);
	/* acceptance after 1..10 days, each 10 times: median (5+6)/2, 90th the 90th = 9;
	 * in working days (no holiday falls in 2026-01-06..02-13): median 4, 90th 7 */
	assert_int_equal(iv(s, "to_acceptance", "cases"), 100);
	assert_true(rv(s, "to_acceptance", "median_days") == 5.5);
	assert_int_equal(iv(s, "to_acceptance", "p90_days"), 9);
	assert_true(rv(s, "to_acceptance", "median_working_days") == 4.0);
	assert_int_equal(iv(s, "to_acceptance", "p90_working_days"), 7);
	/* conclusion after 20, 30, 40, 50, 60 days, each 10 times: median 40, 90th (45th) 60;
	 * in working days, across the Spring Festival: median 25, 90th 39 */
	assert_int_equal(iv(s, "to_conclusion", "cases"), 50);
	assert_true(rv(s, "to_conclusion", "median_days") == 40.0);
	assert_int_equal(iv(s, "to_conclusion", "p90_days"), 60);
	assert_true(rv(s, "to_conclusion", "median_working_days") == 25.0);
	assert_int_equal(iv(s, "to_conclusion", "p90_working_days"), 39);
	/* deadlines on 2026-04-10: the 25 decided real-name cases were told in time; the 50
	 * undecided (i%12 = 4, 8) are overdue; results: 12 told (i%24==0), 13 not, of which
	 * only case 204 (concluded 03-26, due 04-17) is not yet overdue */
	{
		const json_t *dl = json_object_get(s, "deadlines");
		const json_t *acc = json_object_get(dl, "acceptance");
		const json_t *res = json_object_get(dl, "result");
		const json_t *up = json_object_get(dl, "upper_level");

		assert_int_equal(iv(acc, "met", NULL), 25);
		assert_int_equal(iv(acc, "overdue", NULL), 50);
		assert_int_equal(iv(acc, "pending", NULL) + iv(acc, "due_soon", NULL) +
		                         iv(acc, "met_late", NULL),
		                 0);
		assert_int_equal(iv(res, "met", NULL), 12);
		assert_int_equal(iv(res, "overdue", NULL), 12);
		assert_int_equal(iv(res, "pending", NULL), 1);
		assert_int_equal(iv(res, "due_soon", NULL) + iv(res, "met_late", NULL), 0);
		assert_int_equal(
		        iv(up, "met", NULL) + iv(up, "overdue", NULL) + iv(up, "pending", NULL), 0);
	}
	assert_int_equal(iv(s, "overdue_cases", NULL), 62);
	/* weekly, from Monday: 4 full weeks of 70, then 2 days of 10 */
	assert_int_equal(json_array_size(wk), 5);
	for (i = 0; i < 5; i++) {
		static const char *const weeks[] = {"2026-01-05", "2026-01-12", "2026-01-19",
		                                    "2026-01-26", "2026-02-02"};

		assert_string_equal(
		        json_string_value(json_object_get(json_array_get(wk, i), "week")),
		        weeks[i]);
		assert_int_equal(
		        json_integer_value(json_object_get(json_array_get(wk, i), "cases")),
		        i < 4 ? 70 : 20);
	}
	json_decref(s);
	/* an open range counts everything, the specials included */
	{
		struct archive *a;
		struct archive_txn *t;
		struct stats_query q = {NULL, -1, -1, dn(TODAY), F->w};
		char err[256];

		assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
		assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
		assert_int_equal(stats_compute(t, &q, fx_key, NULL, &s, err, sizeof err), 0);
		assert_int_equal(iv(s, "cases", NULL), 310);
		assert_true(json_is_null(json_object_get(s, "from")));
		assert_int_equal(json_array_size(json_object_get(s, "weekly")),
		                 14); /* 01-05..04-06 */
		json_decref(s);
		/* a range of more than 20 years does not fit the weekly chart */
		q.from = dn("1990-01-01");
		assert_int_equal(stats_compute(t, &q, fx_key, NULL, &s, err, sizeof err), -1);
		assert_non_null(strstr(err, "weeks"));
		archive_abort(t);
		archive_close(a);
	}
}

/* ---- the special cases through the commands --------------------------------- */

#define A_ARCH "--archive", F->archive
#define BY     "--by", "张三"

static void
test_specials_cli(void **state)
{
	char *out;
	struct case_record rec;

	(void)state;
	{
		const char *a1[] = {"mark", A_ARCH, "d01-301", "upper-level", BY, NULL};
		run_ok("2026-02-11", a1);
		const char *a2[] = {"stage", A_ARCH, "d01-301", "transferred_up", BY, NULL};
		run_ok("2026-02-26", a2);
		out = out_text();
		assert_non_null(strstr(out, "status transferred 已转送有关机关 queued"));
		free(out);
		const char *a3[] = {"mark", A_ARCH, "d01-302", "upper-level", BY, NULL};
		run_ok("2026-03-02", a3);
		const char *a4[] = {"mark", A_ARCH, "d01-303", "upper-level", BY, NULL};
		run_ok("2026-03-02", a4);
		const char *a5[] = {"stage",
		                    A_ARCH,
		                    "d01-306",
		                    "accepted",
		                    BY,
		                    "--note",
		                    "受理意见：属实可能性大",
		                    NULL};
		run_ok("2026-03-03", a5);
		const char *a6[] = {"reply",     A_ARCH,   "d01-306",
		                    "--message", "已受理", "--passphrase-file",
		                    F->passpath, NULL};
		run_ok("2026-03-04", a6);
		const char *a7[] = {"mark",          A_ARCH,   "d01-302", "escalation", "raise",
		                    "--approved-by", "李书记", BY,        NULL};
		run_ok("2026-03-05", a7);
		const char *a8[] = {"stage", A_ARCH, "d01-302", "transferred_up", BY, NULL};
		run_ok("2026-03-06", a8);
		const char *a9[] = {"stage", A_ARCH, "d01-304", "inquiry", BY, NULL};
		run_ok("2026-03-10", a9);
		const char *a10[] = {"reply",     A_ARCH,     "d01-304",
		                     "--message", "正在办理", "--passphrase-file",
		                     F->passpath, NULL};
		run_ok("2026-03-11", a10);
		const char *a11[] = {"mark",         A_ARCH, "d01-305", "realname",
		                     "impersonated", BY,     NULL};
		run_ok("2026-03-12", a11);
		const char *a12[] = {"stage", A_ARCH, "d01-306", "concluded", BY, NULL};
		run_ok("2026-03-20", a12);
		const char *a13[] = {"stage", A_ARCH, "d01-307", "screened", BY, NULL};
		run_ok("2026-03-21", a13);
		out = out_text();
		assert_non_null(strstr(out, "stays received"));
		free(out);
		const char *a14[] = {"reply",     A_ARCH, "d01-307",
		                     "--message", "收到", "--passphrase-file",
		                     F->passpath, NULL};
		run_ok("2026-03-23", a14);
		const char *a15[] = {"reply",     A_ARCH,     "d01-306",
		                     "--message", "办结结果", "--passphrase-file",
		                     F->passpath, NULL};
		run_ok("2026-03-25", a15);
		const char *a16[] = {"mark", A_ARCH, "d01-306", "finding", "mistaken", BY, NULL};
		run_ok("2026-03-26", a16);
		const char *a17[] = {"stage", A_ARCH, "d01-306", "verification", BY, NULL};
		run_ok("2026-03-30", a17);
		const char *a18[] = {"stage", A_ARCH, "d01-304", "verification", BY, NULL};
		run_ok("2026-03-31", a18);
		const char *a19[] = {"stage", A_ARCH, "d01-306", "concluded", BY, NULL};
		run_ok("2026-04-01", a19);
		const char *a20[] = {"mark", A_ARCH, "d01-308", "upper-level", BY, NULL};
		run_ok("2026-04-07", a20);
		const char *a21[] = {"mark", A_ARCH, "d01-309", "duplicate-of", "d01-2", BY, NULL};
		run_ok("2026-04-08", a21);
		const char *a22[] = {"stage", A_ARCH, "d01-309", "duplicate", BY, NULL};
		run_ok("2026-04-08", a22);
		const char *a23[] = {"status", A_ARCH, "d01-310", "accepted", BY, NULL};
		run_ok("2026-04-09", a23);
		const char *a24[] = {"reply",     A_ARCH,   "d01-310",
		                     "--message", "已受理", "--passphrase-file",
		                     F->passpath, NULL};
		run_ok("2026-04-09", a24);
		const char *a25[] = {"note", A_ARCH, "d01-306", "--message", "约谈记录 ZebraNote",
		                     BY,     NULL};
		run_ok(TODAY, a25);
		const char *a26[] = {"mark", A_ARCH, "d01-304", "realname", "verified", BY, NULL};
		run_ok(TODAY, a26);
	}
	/* what the records say */
	get_case(306, &rec);
	assert_string_equal(rec.stage, "concluded");
	assert_string_equal(rec.status, "concluded");
	assert_int_equal(rec.nnotes, 2);
	assert_true(rec.marks[CASE_MARK_FINDING].set);
	assert_string_equal(rec.marks[CASE_MARK_FINDING].value, "mistaken");
	{
		/* the stage event of 03-03 carries the note's number and the queued status */
		const struct case_event *ev = NULL;

		for (size_t i = 0; i < rec.nhistory && ev == NULL; i++)
			if (strcmp(rec.history[i].event, "stage") == 0)
				ev = &rec.history[i];
		assert_non_null(ev);
		assert_string_equal(ev->day, "2026-03-03");
		assert_string_equal(ev->by, "张三");
		assert_string_equal(ev->stage, "accepted");
		assert_string_equal(ev->from, "registered");
		assert_string_equal(ev->status, "accepted");
		assert_int_equal(ev->note, 1);
		/* no plaintext note anywhere in the record (as stored) */
		{
			json_t *j = case_encode(&rec);
			char *text = json_dumps(j, 0);

			assert_non_null(text);
			assert_null(strstr(text, "受理意见"));
			assert_null(strstr(text, "ZebraNote"));
			free(text);
			json_decref(j);
		}
	}
	case_free(&rec);
	get_case(302, &rec);
	{
		const struct case_mark *e = &rec.marks[CASE_MARK_ESCALATION];

		assert_true(e->set);
		assert_string_equal(e->value, "raise");
		assert_string_equal(e->approved_by, "李书记");
		assert_string_equal(e->day, "2026-03-05");
	}
	case_free(&rec);
	get_case(2, &rec);
	assert_int_equal(rec.nduplicated_by, 1);
	assert_string_equal(rec.duplicated_by[0], "d01-309");
	case_free(&rec);
	get_case(310, &rec);
	assert_int_equal(rec.real_name, CASE_NONE); /* not learnt yet */
	case_free(&rec);
}

/* ---- due ------------------------------------------------------------------ */

static const json_t *
row_of(const json_t *rows, const char *name)
{
	const json_t *r;
	size_t i;

	json_array_foreach(rows, i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "case")), name) == 0)
			return r;
	}
	return NULL;
}

static void
expect_row(const json_t *rows, const char *name, const char *kind, const char *due, const char *st,
           long left)
{
	const json_t *r = row_of(rows, name), *d;

	if (r == NULL)
		fail_msg("%s is not listed", name);
	d = json_object_get(r, "deadline");
	assert_string_equal(json_string_value(json_object_get(d, "kind")), kind);
	assert_string_equal(json_string_value(json_object_get(d, "due")), due);
	assert_string_equal(json_string_value(json_object_get(d, "state")), st);
	assert_int_equal(json_integer_value(json_object_get(d, "working_days_left")), left);
}

static void
test_due(void **state)
{
	json_t *rows;
	const json_t *r;
	char *out, *err;
	size_t i, noverdue = 0;
	json_error_t je;

	(void)state;
	/* the command learns case 310's real name first (one passphrase), then lists */
	{
		const char *argv[] = {"due",       A_ARCH, "--json", "--passphrase-file",
		                      F->passpath, NULL};

		run_ok(TODAY, argv);
	}
	err = slurp(F->err, NULL);
	assert_non_null(strstr(err, "1 case(s) do not yet record whether they are real-name"));
	assert_null(strstr(err, "warning")); /* the calendar covers 2026 */
	free(err);
	out = out_text();
	rows = json_loads(out, 0, &je);
	free(out);
	assert_non_null(rows);
	/* 50 + 12 bulk + 303 overdue, 307 and 308 due soon, 204 and 306 pending */
	assert_int_equal(json_array_size(rows), 67);
	json_array_foreach(rows, i, r)
	{
		const char *st =
		        json_string_value(json_object_get(json_object_get(r, "deadline"), "state"));

		if (i < 63)
			assert_string_equal(st, "overdue");
		noverdue += strcmp(st, "overdue") == 0;
		if (i > 0 && i < 63)
			assert_true(strcmp(json_string_value(json_object_get(
			                           json_object_get(json_array_get(rows, i - 1),
			                                           "deadline"),
			                           "due")),
			                   json_string_value(json_object_get(
			                           json_object_get(r, "deadline"), "due"))) <= 0);
	}
	assert_int_equal(noverdue, 63);
	/* the earliest: received 2026-01-05 (a Monday), due 15 working days later */
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "case")),
	                    "d01-4");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "case")),
	                    "d01-8");
	expect_row(rows, "d01-4", "acceptance", "2026-01-26", "overdue", -49);
	expect_row(rows, "d01-184", "acceptance", "2026-02-13", "overdue", -35);
	expect_row(rows, "d01-196", "acceptance", "2026-02-13", "overdue", -35); /* a Saturday */
	expect_row(rows, "d01-296", "acceptance", "2026-03-02", "overdue", -28);
	/* results: concluded on a Spring Festival day counts from the last working day before */
	expect_row(rows, "d01-12", "result", "2026-03-13", "overdue", -19);
	expect_row(rows, "d01-300", "result", "2026-03-13", "overdue", -19);
	expect_row(rows, "d01-60", "result", "2026-02-27", "overdue", -30);
	expect_row(rows, "d01-228", "result", "2026-04-09", "overdue", -1);
	expect_row(rows, "d01-303", "upper_level", "2026-03-09", "overdue", -23);
	/* the tail, in order */
	{
		static const char *const tail[] = {"d01-307", "d01-308", "d01-204", "d01-306"};

		for (i = 0; i < 4; i++)
			assert_string_equal(json_string_value(json_object_get(
			                            json_array_get(rows, 63 + i), "case")),
			                    tail[i]);
	}
	expect_row(rows, "d01-307", "acceptance", "2026-04-13", "due_soon", 1);
	expect_row(rows, "d01-308", "upper_level", "2026-04-14", "due_soon", 2);
	expect_row(rows, "d01-204", "result", "2026-04-17", "pending", 5);
	expect_row(rows, "d01-306", "result", "2026-04-23", "pending", 9);
	/* the overdue set is exactly the bulk i%12 in {4, 8}, the 12 results and 303 */
	for (int k = 1; k <= NBULK; k++) {
		char name[16];
		int want = k % 12 == 4 || k % 12 == 8 || (k % 24 == 12 && k != 204);

		snprintf(name, sizeof name, "d01-%d", k);
		r = row_of(rows, name);
		if (want != (r != NULL && strcmp(json_string_value(json_object_get(
		                                         json_object_get(r, "deadline"), "state")),
		                                 "overdue") == 0))
			fail_msg("%s overdue: expected %d", name, want);
	}
	/* nothing for the met, impersonated or anonymous specials */
	assert_null(row_of(rows, "d01-301"));
	assert_null(row_of(rows, "d01-302"));
	assert_null(row_of(rows, "d01-304"));
	assert_null(row_of(rows, "d01-305"));
	assert_null(row_of(rows, "d01-309"));
	assert_null(row_of(rows, "d01-310"));
	json_decref(rows);

	/* --all lists the met ones too, after the open ones */
	{
		const char *argv[] = {"due", A_ARCH, "--json", "--all", NULL};

		run_ok(TODAY, argv);
		out = out_text();
		rows = json_loads(out, 0, &je);
		free(out);
		assert_non_null(rows);
		/* 67 open + 25 met bulk (acceptance, all with results met or open are listed once)
		 * the met-only specials: 301 (met late), 302, 304, 310 */
		expect_row(rows, "d01-301", "upper_level", "2026-02-25", "met_late", -32);
		expect_row(rows, "d01-302", "upper_level", "2026-03-09", "met", -23);
		expect_row(rows, "d01-304", "acceptance", "2026-03-23", "met", -13);
		expect_row(rows, "d01-310", "acceptance", "2026-04-30", "met", 14);
		assert_null(row_of(rows, "d01-305"));
		/* bulk i%24==0 have both met: listed once, with the last */
		expect_row(rows, "d01-24", "result", "2026-03-27", "met", -9);
		assert_int_equal(json_array_size(rows), 67 + 12 + 4);
		json_decref(rows);
	}
	/* the case now records its real name; the second run needs no passphrase */
	{
		struct case_record rec;

		get_case(310, &rec);
		assert_int_equal(rec.real_name, 1);
		case_free(&rec);
	}
	/* the text form */
	{
		const char *argv[] = {"due", A_ARCH, NULL};

		run_ok(TODAY, argv);
		out = out_text();
		assert_non_null(strstr(out, "63 overdue, 2 due soon, 2 pending"));
		assert_non_null(strstr(out, "d01-307"));
		assert_non_null(strstr(out, "即将到期 due_soon"));
		free(out);
	}
	/* another calendar: without Spring Festival the 2026-02-11 deadline comes earlier */
	{
		char cal[4300];
		const char *argv[] = {"due", A_ARCH, "--json", "--all", "--holidays", cal, NULL};

		snprintf(cal, sizeof cal, "%s/plain.txt", F->dir);
		write_text(cal, "# nothing\n");
		run_ok(TODAY, argv);
		out = out_text();
		rows = json_loads(out, 0, &je);
		free(out);
		expect_row(rows, "d01-301", "upper_level", "2026-02-18", "met_late", -37);
		json_decref(rows);
		err = slurp(F->err, NULL);
		assert_non_null(strstr(err, "lists nothing for 2026"));
		free(err);
	}
}

/* ---- list ------------------------------------------------------------------ */

static void
test_list_order(void **state)
{
	struct archive *a;
	struct archive_txn *t;
	json_t *rows;
	const json_t *r;
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(
	        view_list_rows(t, NULL, F->w, dn(TODAY), NULL, NULL, &rows, err, sizeof err), 0);
	archive_abort(t);
	archive_close(a);
	assert_int_equal(json_array_size(rows), 310);
	json_array_foreach(rows, i, r)
	{
		assert_true(json_is_true(json_object_get(r, "overdue")) == (i < 63));
	}
	/* overdue first, each group in case order */
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "case")),
	                    "d01-4");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 62), "case")),
	                    "d01-303");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 63), "case")),
	                    "d01-1");
	r = row_of(rows, "d01-307");
	assert_true(json_is_true(json_object_get(r, "due_soon")));
	assert_string_equal(json_string_value(json_object_get(r, "stage")), "screened");
	assert_true(json_is_true(json_object_get(r, "real_name")));
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(r, "next_deadline"), "due")),
	        "2026-04-13");
	json_decref(rows);
	/* the command says the same */
	{
		const char *argv[] = {"list", A_ARCH, "--json", NULL};
		char *out;
		json_error_t je;

		run_ok(TODAY, argv);
		out = out_text();
		rows = json_loads(out, 0, &je);
		free(out);
		assert_string_equal(
		        json_string_value(json_object_get(json_array_get(rows, 0), "case")),
		        "d01-4");
		assert_string_equal(
		        json_string_value(json_object_get(json_array_get(rows, 63), "case")),
		        "d01-1");
		json_decref(rows);
	}
}

/* ---- the update carries mapped statuses and replies only ------------------------- */

static void
test_update_only_status(void **state)
{
	static const struct {
		const char *op;
		uint64_t index;
		const char *status;
	} want[] = {
	        {"status", 301, "transferred"}, {"status", 306, "accepted"},
	        {"reply", 306, NULL},           {"status", 302, "transferred"},
	        {"status", 304, "in_progress"}, {"reply", 304, NULL},
	        {"status", 306, "concluded"},   {"reply", 307, NULL},
	        {"reply", 306, NULL},           {"status", 306, "in_progress"},
	        {"status", 306, "concluded"},   {"status", 309, "accepted"},
	        {"status", 310, "accepted"},    {"reply", 310, NULL},
	};
	static const char *const never[] = {
	        "impersonated", "upper-level", "escalation", "transferred_up", "duplicate-of",
	        "mistaken",     "李书记",      "ZebraNote",  "verification",   "history"};
	char path[4300], *raw;
	struct bundle_reader r;
	json_t *o;
	FILE *in;
	size_t n = 0, len, ncase = 0;
	int rc;

	(void)state;
	snprintf(path, sizeof path, "%s/specials.qfu", F->dir);
	{
		const char *argv[] = {"update",    A_ARCH, "--out", path, "--passphrase-file",
		                      F->passpath, NULL};

		run_ok(TODAY, argv);
	}
	raw = slurp(path, &len);
	assert_non_null(raw);
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
		if (strstr(raw, never[i]) != NULL)
			fail_msg("the update carries '%s'", never[i]);
	free(raw);
	in = fopen(path, "rb");
	assert_non_null(in);
	bundle_reader_init(&r, in, 1 << 24);
	assert_int_equal(bundle_read(&r, &o), BUNDLE_OK); /* header */
	json_decref(o);
	while ((rc = bundle_read(&r, &o)) == BUNDLE_OK) {
		uint8_t lookup[32];
		const char *k;
		const json_t *v;

		if (strcmp(json_string_value(json_object_get(o, "op")), "case") == 0) {
			/* the district's statements (§15) come after every operation */
			assert_int_equal(n, sizeof want / sizeof want[0]);
			json_object_foreach(o, k, v)
			{
				static const char *const allowed[] = {
				        "op",           "lookup",
				        "index",        "status",
				        "status_day",   "replies",
				        "replies_hash", "followups_verified",
				        "sig"};
				size_t a = 0;

				while (a < sizeof allowed / sizeof allowed[0] &&
				       strcmp(k, allowed[a]) != 0)
					a++;
				assert_true(a < sizeof allowed / sizeof allowed[0]);
			}
			ncase++;
			json_decref(o);
			continue;
		}
		assert_true(n < sizeof want / sizeof want[0]);
		assert_string_equal(json_string_value(json_object_get(o, "op")), want[n].op);
		testutil_b64u(lookup, 32, json_string_value(json_object_get(o, "lookup")));
		assert_memory_equal(lookup, F->lookup[want[n].index], 32);
		if (want[n].status != NULL)
			assert_string_equal(json_string_value(json_object_get(o, "status")),
			                    want[n].status);
		json_object_foreach(o, k, v)
		{
			assert_true(strcmp(k, "op") == 0 || strcmp(k, "lookup") == 0 ||
			            strcmp(k, want[n].status != NULL ? "status" : "envelope") == 0);
		}
		json_decref(o);
		n++;
	}
	assert_int_equal(rc, BUNDLE_END);
	assert_int_equal(bundle_reader_verify(&r, BUNDLE_SIG_UPDATE, F->key->pub.sign_pk),
	                 BUNDLE_OK);
	bundle_reader_free(&r);
	fclose(in);
	assert_int_equal(n, sizeof want / sizeof want[0]);
	assert_true(ncase > 0);
}

/* ---- search --------------------------------------------------------------- */

struct found {
	char names[16][32];
	char ctx[16][512];
	char where[16][64];
	size_t n;
};

static int
collect_hit(void *vctx, const struct case_record *c, const char *const *where,
            const char *const *context, size_t nwords)
{
	struct found *f = vctx;

	(void)nwords;
	assert_true(f->n < 16);
	cases_format_name(f->names[f->n], c->district, c->index);
	snprintf(f->ctx[f->n], sizeof f->ctx[0], "%s", context[0]);
	snprintf(f->where[f->n], sizeof f->where[0], "%s", where[0]);
	f->n++;
	return 0;
}

static void
search_for(const char *const *words, size_t n, struct found *f)
{
	struct archive *a;
	struct archive_txn *t;
	char err[256];
	size_t searched;

	memset(f, 0, sizeof *f);
	assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	if (search_run(t, NULL, words, n, fx_key, NULL, collect_hit, f, &searched, err,
	               sizeof err) != 0)
		fail_msg("search: %s", err);
	assert_int_equal(searched, 310);
	archive_abort(t);
	archive_close(a);
}

static void
test_search(void **state)
{
	struct found f;
	const char *w1[] = {"kickback-ALPHA"};
	const char *w2[] = {"李四光"};
	const char *w3[] = {"李四光", "kickback"};
	const char *w4[] = {"zebranote"};
	const char *w5[] = {"13800000296"};
	const char *w6[] = {"SECRET-FU", "证据"};
	const char *w7[] = {"南湖街道", "单位10"};

	(void)state;
	search_for(w1, 1, &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.names[0], "d01-17");
	assert_string_equal(f.where[0], "正文 body");
	assert_string_equal(f.ctx[0], "他收受 Kickback-Alpha 回扣，金额不详。");
	search_for(w2, 1, &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.names[0], "d01-123");
	assert_string_equal(f.where[0], "被反映人 subject name");
	search_for(w3, 2, &f); /* every word must be found in the same case */
	assert_int_equal(f.n, 0);
	search_for(w4, 1, &f); /* notes are searched */
	assert_int_equal(f.n, 1);
	assert_string_equal(f.names[0], "d01-306");
	assert_string_equal(f.where[0], "备注 note");
	search_for(w5, 1, &f); /* the identity block too */
	assert_int_equal(f.n, 1);
	assert_string_equal(f.names[0], "d01-296");
	search_for(w6, 2, &f); /* a follow-up and an attachment name */
	assert_int_equal(f.n, 1);
	assert_string_equal(f.names[0], "d01-304");
	assert_string_equal(f.where[0], "补充材料 follow-up");
	/* 单位10 is in 单位10 and 单位100..109; of those only 105 lies in 南湖街道 (i%6 == 3) */
	search_for(w7, 2, &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.names[0], "d01-105");
	assert_string_equal(f.where[0], "乡镇（街道） town");
	/* context: at most SEARCH_CONTEXT characters each side, with ellipses */
	{
		const char *w[] = {"x"};
		struct archive *a;
		struct archive_txn *t;
		char err[256];
		size_t searched;

		assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
		assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
		w[0] = "";
		assert_int_equal(search_run(t, NULL, w, 1, fx_key, NULL, collect_hit, &f, &searched,
		                            err, sizeof err),
		                 -1);
		w[0] = "\xff";
		assert_int_equal(search_run(t, NULL, w, 1, fx_key, NULL, collect_hit, &f, &searched,
		                            err, sizeof err),
		                 -1);
		assert_int_equal(search_run(t, NULL, w, 0, fx_key, NULL, collect_hit, &f, &searched,
		                            err, sizeof err),
		                 -1);
		archive_abort(t);
		archive_close(a);
	}
	/* the command, with its access log lines */
	{
		const char *argv[] = {"search",    A_ARCH,     "--passphrase-file",
		                      F->passpath, "Kickback", NULL};
		char *out;

		run_ok(TODAY, argv);
		out = out_text();
		assert_non_null(strstr(out, "d01-17 (d01#17)  2026-01-06")); /* index and 件号 */
		assert_non_null(strstr(out, "1 of 310 case(s) match"));
		free(out);
	}
}

/* ---- forward ------------------------------------------------------------------ */

/*
 * forward_write as the command calls it: case index of d01 loaded in a
 * write transaction of a, by 张三 today. Returns what it returns (-1 also
 * when the case does not load, with the reason in err).
 */
static int
fwd(struct archive *a, uint64_t index, const char *path, const char *to, const char *att_dir,
    struct forward_result *r, char *err, size_t errsz)
{
	struct forward_args fa = {
	        .key = F->key, .path = path, .to = to, .att_dir = att_dir, .w = F->w};
	struct archive_txn *t;
	struct session s;
	struct case_record c;
	int rc;

	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	assert_int_equal(session_on_txn(&s, t, "张三", TODAY), 0);
	if (cases_load(t, "d01", index, &c, err, errsz) != 0) {
		archive_abort(t);
		return -1;
	}
	rc = forward_write(&s, &c, &fa, r, err, errsz);
	assert_null(s.t); /* ended either way */
	case_free(&c);
	return rc;
}

static void
test_forward(void **state)
{
	char doc[4300], dir[4300], att[4400], fu[4400], *text;
	struct forward_result r;
	struct archive *a;
	struct stat st;
	struct case_record rec;
	const struct case_event *last;
	char err[512];
	size_t len;

	(void)state;
	snprintf(doc, sizeof doc, "%s/fwd-304.txt", F->dir);
	snprintf(dir, sizeof dir, "%s/fwd-att", F->dir);
	snprintf(att, sizeof att, "%s/d01-304/1-证据.jpg", dir);
	snprintf(fu, sizeof fu, "%s/d01-304/2-补充.pdf", dir);
	assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
	if (fwd(a, 304, doc, "县公安局", dir, &r, err, sizeof err) != 0)
		fail_msg("forward: %s", err);
	assert_int_equal(r.attachments, 1);
	assert_int_equal(r.listed, 1);
	text = slurp(doc, &len);
	assert_non_null(text);
	/* never handed down (no 转办/交办): a 转送函, Chinese only, the fields of an official
	 * document, and no time limit or Article 16 (that is about the level below) */
	if (getenv("QF_SHOW_DOC") != NULL)
		fputs(text, stderr);
	assert_non_null(strstr(text, "问题线索转送函"));
	assert_non_null(strstr(text, "编号：送〔2026〕d01-304号"));
	assert_non_null(strstr(text, "收件单位：县公安局"));
	assert_non_null(strstr(text, "特别304"));
	assert_non_null(strstr(text, "特别案件304正文。"));
	assert_non_null(strstr(text, "姓名：对象304"));
	assert_non_null(strstr(text, "问题类别：廉洁纪律\n"));
	assert_null(strstr(text, "第十六条"));
	assert_null(strstr(text, "转办单"));
	assert_non_null(strstr(text, "不属于我委受理范围"));
	assert_non_null(strstr(text, "请依规依法处理，并将处理情况书面反馈我委。"));
	assert_null(strstr(text, "请于"));
	assert_non_null(strstr(text, "1. d01-304/1-证据.jpg（8字节）"));
	assert_non_null(strstr(text, "经办人：张三"));
	assert_non_null(strstr(text, "测试区纪委监委\n"));
	assert_non_null(strstr(text, "2026年4月10日\n"));
	assert_null(strstr(text, "Forwarded"));
	assert_null(strstr(text, "integrity"));
	assert_null(strstr(text, "举报人"));
	/* no identity, no follow-up, no notes, no history */
	assert_null(strstr(text, "实名人304"));
	assert_null(strstr(text, "1390000"));
	assert_null(strstr(text, "SECRET-FU"));
	assert_null(strstr(text, "补充.pdf"));
	assert_null(strstr(text, "正在办理"));
	assert_null(strstr(text, "verified"));
	free(text);
	assert_int_equal(stat(doc, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = slurp(att, &len);
	assert_non_null(text);
	assert_int_equal(len, 8);
	assert_memory_equal(text, "JPEG-304", 8);
	free(text);
	assert_int_not_equal(stat(fu, &st), 0); /* the follow-up's attachment stays */
	/* never overwrites; a refusal leaves the archive as it was */
	{
		uint8_t before[32], after[32];

		digest(before);
		assert_int_equal(fwd(a, 304, doc, "县公安局", NULL, &r, err, sizeof err), -1);
		assert_non_null(strstr(err, "exists"));
		snprintf(doc, sizeof doc, "%s/fwd-bad.txt", F->dir);
		assert_int_equal(fwd(a, 304, doc, "县\x01局", NULL, &r, err, sizeof err), -1);
		assert_int_not_equal(stat(doc, &st), 0);
		assert_int_equal(fwd(a, 999, doc, "县公安局", NULL, &r, err, sizeof err), -1);
		assert_int_not_equal(stat(doc, &st), 0);
		digest(after);
		assert_memory_equal(before, after, 32);
	}
	archive_close(a);
	get_case(304, &rec);
	last = &rec.history[rec.nhistory - 1];
	assert_string_equal(last->event, "forward");
	assert_string_equal(last->to, "县公安局");
	assert_string_equal(last->by, "张三");
	assert_string_equal(last->day, TODAY);
	assert_int_equal(last->attachments, 1);
	case_free(&rec);
	/* the command, without attachments */
	{
		const char *argv[] = {"forward",    A_ARCH, "d01-17",
		                      "--out",      doc,    "--to",
		                      "市纪委监委", BY,     "--passphrase-file",
		                      F->passpath,  NULL};
		char *out;

		snprintf(doc, sizeof doc, "%s/fwd-17.txt", F->dir);
		run_ok(TODAY, argv);
		out = out_text();
		assert_non_null(strstr(out, "0 attachment(s) not included"));
		free(out);
		text = slurp(doc, NULL);
		assert_non_null(strstr(text, "Kickback-Alpha"));
		free(text);
	}
}

/* ---- show ------------------------------------------------------------------ */

static char *
show(uint64_t index)
{
	struct archive *a;
	struct archive_txn *t;
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	if (view_show(m, t, "d01", index, F->key, NULL, err, sizeof err) != 0)
		fail_msg("show: %s", err);
	archive_abort(t);
	archive_close(a);
	fclose(m);
	return buf;
}

static void
test_show(void **state)
{
	char *s;

	(void)state;
	s = show(306);
	assert_non_null(strstr(s, "内部阶段 Stage: concluded 办结"));
	assert_non_null(strstr(s, "举报方式 Identity: 实名 real name"));
	assert_non_null(strstr(s, "finding 错告/诬告陷害认定: mistaken 错告 (2026-03-26 张三)"));
	assert_non_null(strstr(s, "== 备注 Notes"));
	assert_non_null(strstr(s, "受理意见：属实可能性大"));
	assert_non_null(strstr(s, "约谈记录 ZebraNote"));
	assert_non_null(strstr(s, "2026-03-03 张三 阶段 stage -> accepted 受理 (from registered), "
	                          "状态 status -> accepted 已受理, 备注 note #1"));
	assert_non_null(strstr(s, "2026-04-10 张三 备注 note #2"));
	free(s);
	s = show(302);
	assert_non_null(
	        strstr(s, "escalation 提级/指定管辖: raise 提级管辖, 批准 approved by 李书记"));
	free(s);
	s = show(2);
	assert_non_null(strstr(s, "重复件 Duplicates of this case: d01-309"));
	free(s);
	s = show(309);
	assert_non_null(strstr(s, "duplicate-of 重复件: d01-2"));
	free(s);
	s = show(304);
	assert_non_null(strstr(s, "转送 forwarded (redacted) to 县公安局, 1 个附件 attachments"));
	free(s);
}

/* ---- the SVG, HTML and CSV forms ----------------------------------------------- */

static void
test_stats_files(void **state)
{
	char svg[4300], html[4300], *text, *out;
	json_t *s;

	(void)state;
	snprintf(svg, sizeof svg, "%s/stats.svg", F->dir);
	snprintf(html, sizeof html, "%s/stats.html", F->dir);
	{
		const char *argv[] = {"stats",     A_ARCH, "--svg", svg, "--passphrase-file",
		                      F->passpath, NULL};
		run_ok(TODAY, argv);
		const char *argv2[] = {"stats",     A_ARCH, "--html", html, "--passphrase-file",
		                       F->passpath, NULL};
		run_ok(TODAY, argv2);
		/* never overwrites */
		assert_int_equal(run(argv), 1);
	}
	text = slurp(svg, NULL);
	assert_non_null(text);
	assert_true(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0);
	assert_non_null(strstr(text, "按问题类别 By category"));
	assert_non_null(strstr(text, "廉洁纪律 integrity"));
	assert_non_null(strstr(text, "每周收件 Weekly intake"));
	assert_non_null(strstr(text, "<polyline"));
	/* the hostile town of case 309 is text, not markup */
	assert_null(strstr(text, "<script"));
	assert_non_null(strstr(text, "&lt;script&gt;&amp;&quot;x\xef\xbf\xbdy"));
	/* self-contained: the namespace is the only URL */
	{
		const char *p = text;
		int urls = 0;

		while ((p = strstr(p, "http")) != NULL) {
			urls++;
			p += 4;
		}
		assert_int_equal(urls, 1);
		assert_non_null(strstr(text, "xmlns=\"http://www.w3.org/2000/svg\""));
	}
	assert_null(strstr(text, "href"));
	free(text);
	text = slurp(html, NULL);
	assert_non_null(text);
	assert_true(strncmp(text, "<!DOCTYPE html>", 15) == 0);
	assert_null(strstr(text, "<script"));
	assert_null(strstr(text, "src="));
	assert_null(strstr(text, "href"));
	assert_null(strstr(text, "url("));
	assert_null(strstr(text, "https:"));
	assert_non_null(strstr(text, "<svg xmlns"));
	assert_non_null(strstr(text, "@page{size:A4"));
	assert_non_null(strstr(text, "至受理 to acceptance"));
	assert_null(strstr(text, "<?xml")); /* the inline SVG has no declaration */
	free(text);
	/* QF_WORKFLOW_OUT=DIR keeps both files (the screenshot in docs/ is made from them) */
	if (getenv("QF_WORKFLOW_OUT") != NULL) {
		const char *files[] = {svg, html};

		for (size_t i = 0; i < 2; i++) {
			char dst[4400];
			size_t len;

			text = slurp(files[i], &len);
			snprintf(dst, sizeof dst, "%s/%s", getenv("QF_WORKFLOW_OUT"),
			         strrchr(files[i], '/') + 1);
			write_text(dst, text);
			free(text);
		}
	}
	/* JSON and CSV of the bulk range agree with the library */
	{
		const char *argv[] = {"stats",      A_ARCH, "--json",     "--from",
		                      "2026-01-05", "--to", "2026-02-03", "--passphrase-file",
		                      F->passpath,  NULL};
		json_error_t je;
		json_t *lib = bulk_stats();

		run_ok(TODAY, argv);
		out = out_text();
		s = json_loads(out, 0, &je);
		free(out);
		assert_non_null(s);
		assert_true(json_equal(s, lib));
		json_decref(s);
		json_decref(lib);
	}
	{
		const char *argv[] = {"stats",      A_ARCH, "--csv",      "--from",
		                      "2026-01-05", "--to", "2026-02-03", "--passphrase-file",
		                      F->passpath,  NULL};

		run_ok(TODAY, argv);
		out = out_text();
		assert_true(strncmp(out, "section,key,label,value\r\n", 25) == 0);
		assert_non_null(strstr(out, "\r\ncases,all,案件总数,300\r\n"));
		assert_non_null(strstr(out, "\r\ncategory,integrity,廉洁纪律,38\r\n"));
		assert_non_null(strstr(out, "\r\ntown,城关镇,,100\r\n"));
		assert_non_null(strstr(out, "\r\ntown,unspecified,未填,50\r\n"));
		assert_non_null(strstr(out, "\r\nto_acceptance,median_days,受理用时,5.5\r\n"));
		assert_non_null(strstr(out, "\r\nto_conclusion,p90_working_days,办结用时,39\r\n"));
		assert_non_null(strstr(out, "\r\ndeadline_acceptance,overdue,已逾期,50\r\n"));
		assert_non_null(strstr(out, "\r\nweek,2026-02-02,每周收件,20\r\n"));
		free(out);
	}
	/* a town a spreadsheet would take for a formula, and CSV quoting */
	{
		json_t *fig = json_pack("{s:i, s:{s:i, s:i}}", "cases", 2, "by_town", "=cmd|x", 1,
		                        "a,\"b\"", 1);
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		stats_print_csv(m, fig);
		fclose(m);
		assert_non_null(strstr(buf, "\r\ntown,\"'=cmd|x\",,1\r\n"));
		assert_non_null(strstr(buf, "\r\ntown,\"a,\"\"b\"\"\",,1\r\n"));
		free(buf);
		json_decref(fig);
	}
	/* XML escaping of every kind of hostile text */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		chart_xml_text(m, "a<b>&'\"\x01\x7f\xc2\x85\xe2\x80\xae\xef\xbf\xbe\xff\tz", 0);
		chart_xml_text(m, "|一二三四五", 3);
		fclose(m);
		assert_string_equal(buf,
		                    "a&lt;b&gt;&amp;&#39;&quot;\xef\xbf\xbd\xef\xbf\xbd\xef\xbf"
		                    "\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd z|一二…");
		free(buf);
	}
}

/* ---- refusals -------------------------------------------------------------------- */

static void
test_refusals(void **state)
{
	char exist[4300], cal[4300];
	uint8_t before[32], after[32];
	struct {
		int want;
		const char *argv[16];
	} bad[] = {
	        {1, {"stage", A_ARCH, "d01-1", "solved", BY, NULL}},
	        {1, {"stage", A_ARCH, "d01-3", "accepted", BY, NULL}}, /* unchanged */
	        {2, {"stage", A_ARCH, "d01-1", "accepted", NULL}},     /* no --by */
	        {1, {"stage", A_ARCH, "d01-999", "accepted", BY, NULL}},
	        {1, {"stage", A_ARCH, "d01-1", "accepted", "--by", "", NULL}},
	        {1, {"stage", A_ARCH, "d01-1", "accepted", BY, "--note", "", NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "colour", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "realname", "verified", BY, NULL}}, /* anonymous */
	        {1, {"mark", A_ARCH, "d01-4", "realname", "maybe", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-4", "realname", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-3", "finding", "mistaken", BY, NULL}}, /* accepted */
	        {1, {"mark", A_ARCH, "d01-6", "finding", "slander", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "escalation", "raise", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "escalation", "up", "--approved-by", "x", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "upper-level", "now", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "upper-level", "--approved-by", "x", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "duplicate-of", "d01-1", BY, NULL}},
	        {1,
	         {"mark", A_ARCH, "d01-1", "duplicate-of", "d01-309", BY, NULL}}, /* a duplicate */
	        {1, {"mark", A_ARCH, "d01-1", "duplicate-of", "d01-999", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "duplicate-of", "1", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "duplicate-of", BY, NULL}},
	        {1, {"mark", A_ARCH, "d01-1", "upper-level", "--clear", BY, NULL}}, /* not set */
	        {1, {"mark", A_ARCH, "d01-303", "upper-level", BY, NULL}},          /* already */
	        {1, {"mark", A_ARCH, "d01-303", "upper-level", "x", "--clear", BY, NULL}},
	        {2, {"mark", A_ARCH, "d01-1", NULL}},
	        {1, {"note", A_ARCH, "d01-1", "--message", "", NULL}},
	        {1, {"note", A_ARCH, "d01-1", "--message", "a\x1b[2Jb", NULL}},
	        {2, {"note", A_ARCH, "d01-1", NULL}},
	        {1, {"note", A_ARCH, "d01-999", "--message", "x", NULL}},
	        {1, {"due", A_ARCH, "--holidays", cal, NULL}},
	        {1, {"due", A_ARCH, "--district", "d99", NULL}},
	        {1, {"list", A_ARCH, "--holidays", cal, NULL}},
	        {1, {"stats", A_ARCH, "--from", "2026-02-30", NULL}},
	        {1, {"stats", A_ARCH, "--from", "2026-03-01", "--to", "2026-02-01", NULL}},
	        {2, {"stats", A_ARCH, "--json", "--csv", NULL}},
	        {1, {"stats", A_ARCH, "--svg", exist, "--passphrase-file", F->passpath, NULL}},
	        {2, {"search", A_ARCH, NULL}},
	        {1, {"search", A_ARCH, "", NULL}},
	        {2, {"forward", A_ARCH, "d01-1", "--out", exist, BY, NULL}}, /* no --to */
	        {2, {"forward", A_ARCH, "d01-1", "--out", exist, "--to", "x", NULL}},
	        {1, {"forward", A_ARCH, "d01-999", "--out", exist, "--to", "x", BY, NULL}},
	        {2, {"stage", A_ARCH, "d01-1", "accepted", "--csv", BY, NULL}},
	};

	(void)state;
	snprintf(exist, sizeof exist, "%s/exists.svg", F->dir);
	snprintf(cal, sizeof cal, "%s/bad-cal.txt", F->dir);
	write_text(exist, "x");
	write_text(cal, "2026-02-16 workday\n");
	setenv("QF_TODAY", TODAY, 1);
	digest(before);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = run(bad[i].argv);

		if (rc != bad[i].want) {
			char *e = slurp(F->err, NULL);

			fail_msg("refusal %zu (%s %s): exit %d, want %d: %s", i, bad[i].argv[0],
			         bad[i].argv[3] != NULL ? bad[i].argv[3] : "", rc, bad[i].want, e);
		}
		if (rc == 1) {
			char *e = slurp(F->err, NULL);

			/* one line naming what is wrong */
			assert_true(strncmp(e, "qingfeng-admin: ", 16) == 0);
			assert_non_null(strchr(e, '\n'));
			assert_true(strchr(e, '\n')[1] == '\0');
			free(e);
		}
	}
	digest(after);
	assert_memory_equal(before, after, 32);
	{
		char *x = slurp(exist, NULL);

		assert_string_equal(x, "x");
		free(x);
	}
	/* a mark cleared is gone, and the history says so; set again, it is back */
	{
		const char *a1[] = {"mark", A_ARCH, "d01-303", "upper-level", "--clear", BY, NULL};
		const char *a2[] = {"mark", A_ARCH, "d01-303", "upper-level", BY, NULL};
		struct case_record rec;

		run_ok(TODAY, a1);
		get_case(303, &rec);
		assert_false(rec.marks[CASE_MARK_UPPER_LEVEL].set);
		assert_string_equal(rec.history[rec.nhistory - 1].mark, "upper-level");
		assert_true(rec.history[rec.nhistory - 1].cleared);
		case_free(&rec);
		run_ok(TODAY, a2);
		get_case(303, &rec);
		assert_true(rec.marks[CASE_MARK_UPPER_LEVEL].set);
		case_free(&rec);
	}
	/* duplicate-of moved to another case moves the back-link */
	{
		const char *a1[] = {"mark", A_ARCH, "d01-309", "duplicate-of", "d01-5", BY, NULL};
		struct case_record rec;

		run_ok(TODAY, a1);
		get_case(2, &rec);
		assert_int_equal(rec.nduplicated_by, 0);
		case_free(&rec);
		get_case(5, &rec);
		assert_int_equal(rec.nduplicated_by, 1);
		assert_string_equal(rec.duplicated_by[0], "d01-309");
		case_free(&rec);
	}
}

/* ---- the access log ------------------------------------------------------------- */

static int
count_line(void *ctx, const json_t *rec)
{
	json_t *counts = ctx;
	char key[128];

	snprintf(key, sizeof key, "%s|%s", json_string_value(json_object_get(rec, "command")),
	         json_is_string(json_object_get(rec, "case"))
	                 ? json_string_value(json_object_get(rec, "case"))
	                 : "");
	json_object_set_new(counts, key,
	                    json_integer(json_integer_value(json_object_get(counts, key)) + 1));
	return 0;
}

static void
test_access_log(void **state)
{
	struct archive *a;
	struct archive_txn *t;
	json_t *c = json_object();

	(void)state;
	assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_log_foreach(t, count_line, c), ARCHIVE_OK);
	archive_abort(t);
	archive_close(a);
	assert_int_equal(json_integer_value(json_object_get(c, "stage|d01-306")), 4);
	assert_int_equal(json_integer_value(json_object_get(c, "mark|d01-303")), 3);
	assert_int_equal(json_integer_value(json_object_get(c, "note|d01-306")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "due (identity check)|d01-310")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "stats|d01-*")), 4);
	assert_int_equal(json_integer_value(json_object_get(c, "search|*")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "search (match shown)|d01-17")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "forward|d01-304")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "forward|d01-17")), 1);
	json_decref(c);
}

/* ---- the real_name flag written with the new case ------------------------ */

/* Asserts that named database name holds the same keys and values in archives x and y. */
static void
same_db(const char *x, const char *y, const char *name)
{
	MDB_env *env[2];
	MDB_txn *txn[2];
	MDB_dbi dbi[2];
	MDB_cursor *c[2];
	const char *dir[2] = {x, y};
	size_t n = 0;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(mdb_env_create(&env[i]), 0);
		assert_int_equal(mdb_env_set_maxdbs(env[i], 16), 0);
		/* not the archive's 64 GiB: Valgrind cannot reserve two of those */
		assert_int_equal(mdb_env_set_mapsize(env[i], (size_t)256 << 20), 0);
		assert_int_equal(mdb_env_open(env[i], dir[i], MDB_RDONLY | MDB_NOTLS, 0600), 0);
		assert_int_equal(mdb_txn_begin(env[i], NULL, MDB_RDONLY, &txn[i]), 0);
		assert_int_equal(mdb_dbi_open(txn[i], name, 0, &dbi[i]), 0);
		assert_int_equal(mdb_cursor_open(txn[i], dbi[i], &c[i]), 0);
	}
	for (MDB_cursor_op op = MDB_FIRST;; op = MDB_NEXT) {
		MDB_val k[2], v[2];
		int rc0 = mdb_cursor_get(c[0], &k[0], &v[0], op);
		int rc1 = mdb_cursor_get(c[1], &k[1], &v[1], op);

		assert_int_equal(rc0, rc1);
		if (rc0 == MDB_NOTFOUND)
			break;
		assert_int_equal(rc0, 0);
		assert_int_equal(k[0].mv_size, k[1].mv_size);
		assert_memory_equal(k[0].mv_data, k[1].mv_data, k[0].mv_size);
		assert_int_equal(v[0].mv_size, v[1].mv_size);
		assert_memory_equal(v[0].mv_data, v[1].mv_data, v[0].mv_size);
		n++;
	}
	assert_true(n > 0);
	for (int i = 0; i < 2; i++) {
		mdb_cursor_close(c[i]);
		mdb_txn_abort(txn[i]);
		mdb_env_close(env[i]);
	}
}

/*
 * Ingest writes a report's case with its real_name flag at once
 * (archive_entry has_real_name); the archive must hold exactly what the old
 * path wrote: the case created without it, then workflow_set_real_name.
 * Reports 1 (real name), 2 (anonymous), a follow-up 3 of report 1 (the flag
 * of a follow-up is ignored) and report 4, all in one transaction.
 */
static void
test_real_name_at_ingest(void **state)
{
	static const int kinds[] = {0, CHAIN_KIND_REPORT, CHAIN_KIND_REPORT, CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_REPORT};
	static const int rn[] = {0, 1, 0, 1, 1};
	struct archive_entry e[5];
	uint8_t env[5][100], prev[32] = {0};
	char *dir = testutil_tmpdir(), path[2][4096];
	static const char *const dbs[] = {"cases", "districts", "entries", "lookups"};

	(void)state;
	memset(e, 0, sizeof e);
	for (int i = 1; i <= 4; i++) {
		e[i].index = (uint64_t)i;
		e[i].kind = kinds[i];
		if (e[i].kind == CHAIN_KIND_FOLLOWUP) {
			memcpy(e[i].lookup, e[1].lookup, 32);
		} else {
			randombytes_buf(e[i].lookup, 32);
			e[i].has_reply_pk = 1;
			randombytes_buf(e[i].reply_pk, 32);
		}
		memcpy(e[i].day, "2026-03-02", CODEC_DAY_LEN + 1);
		randombytes_buf(env[i], sizeof env[i]);
		e[i].envelope = env[i];
		e[i].envelope_len = sizeof env[i];
		chain_h256(e[i].envelope_hash, e[i].envelope, e[i].envelope_len);
		assert_int_equal(chain_next(e[i].chain, prev, e[i].index, e[i].kind, e[i].lookup,
		                            e[i].envelope_hash, e[i].day),
		                 0);
		memcpy(prev, e[i].chain, 32);
	}
	for (int way = 0; way < 2; way++) {
		struct archive *a;
		struct archive_txn *t;

		snprintf(path[way], sizeof path[way], "%s/%s", dir, way == 0 ? "old" : "new");
		assert_int_equal(archive_open(&a, path[way], 1), ARCHIVE_OK);
		assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
		assert_int_equal(archive_district_create(t, "d01"), ARCHIVE_OK);
		assert_int_equal(archive_district_set_key_path(t, "d01", "/keys/district.key"),
		                 ARCHIVE_OK);
		for (int i = 1; i <= 4; i++) {
			struct archive_entry x = e[i];

			x.has_real_name = way == 1;
			x.real_name = rn[i];
			assert_int_equal(archive_entry_add(t, "d01", &x), ARCHIVE_OK);
			if (way == 0 && x.kind == CHAIN_KIND_REPORT)
				assert_int_equal(workflow_set_real_name(t, "d01", x.index, rn[i]),
				                 ARCHIVE_OK);
		}
		assert_int_equal(archive_commit(t), ARCHIVE_OK);
		if (way == 1) {
			struct case_record rec;

			assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
			for (int i = 1; i <= 4; i++) {
				if (kinds[i] != CHAIN_KIND_REPORT)
					continue;
				assert_int_equal(archive_case_load(t, "d01", (uint64_t)i, &rec),
				                 ARCHIVE_OK);
				assert_int_equal(rec.real_name, rn[i]);
				case_free(&rec);
			}
			archive_abort(t);
		}
		archive_close(a);
	}
	for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++)
		same_db(path[0], path[1], dbs[i]);
	testutil_rmtree(dir);
	free(dir);
}

/* ---- a name too long for the record, a full history ---------------------- */

/*
 * The record's strings are fixed buffers (store/case.h): a "by" longer than
 * CASE_TEXT_BUF is refused with a reason, neither truncated nor stored (a
 * stored one would make the record unreadable). The domain functions take
 * "by" from the session, whose name (CLI_NAME_MAX) always fits; what they
 * can still meet is a history that is full, and they refuse it the same
 * way, changing nothing. The case reads as before.
 */
static void
test_text_fits(void **state)
{
	char by[CASE_TEXT_BUF + 8], err[512];
	struct archive *a;
	struct archive_txn *t;
	struct session s;
	struct case_record c;
	struct workflow_change stage = {.stage = "hold"}, mark = {.mark = "upper-level"};
	size_t nhistory;
	int queued = 0;

	(void)state;
	assert_true(CLI_NAME_MAX < CASE_TEXT_BUF);
	memset(by, 'x', sizeof by - 1);
	by[sizeof by - 1] = '\0';
	assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_load(t, "d01", 7, &c), ARCHIVE_OK);
	nhistory = c.nhistory;
	assert_int_equal(workflow_record_forward(&c, "县公安局", 0, by, TODAY, err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "cannot record it"));
	assert_int_equal(c.nhistory, nhistory);
	/* a full history: no event can be added (the count is restored before case_free) */
	assert_int_equal(session_on_txn(&s, t, "me", TODAY), 0);
	c.nhistory = CASE_LIST_MAX;
	assert_int_equal(workflow_stage(&s, &c, &stage, &queued, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot record it"));
	assert_int_equal(queued, 0);
	assert_int_equal(cases_set_status(&s, &c, "need_info", err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot record it"));
	assert_int_equal(workflow_mark(&s, &c, &mark, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot record it"));
	c.nhistory = nhistory;
	case_free(&c);
	/* the case still reads, unchanged */
	assert_int_equal(archive_case_load(t, "d01", 7, &c), ARCHIVE_OK);
	assert_int_equal(c.nhistory, nhistory);
	assert_int_equal(c.nnotes, 0);
	assert_false(c.marks[CASE_MARK_UPPER_LEVEL].set);
	case_free(&c);
	archive_abort(t);
	archive_close(a);
}

/* ---- the domain functions, called directly ------------------------------ */

/* The last event of c's history. */
static const struct case_event *
last_event(const struct case_record *c)
{
	assert_true(c->nhistory > 0);
	return &c->history[c->nhistory - 1];
}

/*
 * stage, mark, note, status and reply called as the commands call them, on
 * a case held in memory: what each returns and leaves in the struct, what
 * it stores, and what it refuses (the struct and the archive unchanged).
 */
static void
test_domain(void **state)
{
	char err[512];
	struct archive *a;
	struct archive_txn *t;
	struct session s;
	struct case_record c, d;
	struct workflow_change ch;
	struct cases_reply_args r = {.key = F->key, .body = "请补充", .body_len = 9};
	const struct case_event *ev;
	size_t nhistory;
	uint32_t n = 0;
	int queued = -1;

	(void)state;
	assert_int_equal(archive_open(&a, F->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	assert_int_equal(session_on_txn(&s, t, "李四", TODAY), 0);
	load(t, 7, &c);
	nhistory = c.nhistory;

	/* refusals say why and leave the case as it was */
	ch = (struct workflow_change){.stage = "no-such-stage"};
	assert_int_equal(workflow_stage(&s, &c, &ch, &queued, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown stage"));
	ch = (struct workflow_change){.stage = "assigned"};
	assert_int_equal(workflow_stage(&s, &c, &ch, &queued, err, sizeof err), -1);
	assert_non_null(strstr(err, "needs --to"));
	ch = (struct workflow_change){.stage = "hold", .to = "镇纪委"};
	assert_int_equal(workflow_stage(&s, &c, &ch, &queued, err, sizeof err), -1);
	assert_non_null(strstr(err, "--to applies"));
	ch = (struct workflow_change){.stage = "transferred_down", .to = "镇纪委", .days = 9};
	assert_int_equal(workflow_stage(&s, &c, &ch, &queued, err, sizeof err), -1);
	assert_non_null(strstr(err, "fixed by the rules"));
	ch = (struct workflow_change){.stage = workflow_stage_of(&c)};
	assert_int_equal(workflow_stage(&s, &c, &ch, &queued, err, sizeof err), -1);
	assert_non_null(strstr(err, "nothing changed"));
	ch = (struct workflow_change){.mark = "realname", .value = "maybe"};
	assert_int_equal(workflow_mark(&s, &c, &ch, err, sizeof err), -1);
	assert_non_null(strstr(err, "needs one of"));
	ch = (struct workflow_change){.mark = "supervise"};
	assert_int_equal(workflow_mark(&s, &c, &ch, err, sizeof err), -1);
	assert_non_null(strstr(err, "not handed to a lower body"));
	ch = (struct workflow_change){.mark = "duplicate-of", .value = "d01-7"};
	assert_int_equal(workflow_mark(&s, &c, &ch, err, sizeof err), -1);
	assert_non_null(strstr(err, "itself"));
	ch = (struct workflow_change){.note = "", .note_len = 0, .pub = &F->key->pub};
	assert_int_equal(workflow_add_note(&s, &c, &ch, &n, err, sizeof err), -1);
	assert_int_equal(n, 0);
	assert_int_equal(c.nhistory, nhistory);

	/* 交办 with its days and a note: the event holds all of it, the status is queued */
	ch = (struct workflow_change){.stage = "assigned",
	                              .to = "东河镇纪委",
	                              .days = 20,
	                              .note = "电话已通知",
	                              .note_len = strlen("电话已通知"),
	                              .pub = &F->key->pub};
	assert_int_equal(workflow_stage(&s, &c, &ch, &queued, err, sizeof err), 0);
	ev = last_event(&c);
	assert_string_equal(ev->event, "stage");
	assert_string_equal(ev->stage, "assigned");
	assert_string_equal(ev->to, "东河镇纪委");
	assert_int_equal(ev->days, 20);
	assert_string_equal(ev->by, "李四");
	assert_string_equal(ev->day, TODAY);
	assert_int_equal(ev->note, c.nnotes);
	assert_string_equal(c.stage, "assigned");
	assert_string_equal(c.status, workflow_stage_status("assigned"));
	assert_int_equal(queued, strcmp(ev->status, "") != 0);
	/* now supervise applies; the mark keeps its days */
	ch = (struct workflow_change){.mark = "supervise", .value = "7"};
	assert_int_equal(workflow_mark(&s, &c, &ch, err, sizeof err), 0);
	assert_true(c.marks[CASE_MARK_SUPERVISE].set);
	assert_int_equal(c.marks[CASE_MARK_SUPERVISE].days, 7);
	assert_string_equal(last_event(&c)->mark, "supervise");
	/* duplicate-of: the other case gets the back-link, in the same transaction */
	ch = (struct workflow_change){.mark = "duplicate-of", .value = "d01-8"};
	assert_int_equal(workflow_mark(&s, &c, &ch, err, sizeof err), 0);
	assert_string_equal(c.marks[CASE_MARK_DUPLICATE_OF].case_name, "d01-8");
	load(t, 8, &d);
	assert_int_equal(d.nduplicated_by, 1);
	assert_string_equal(d.duplicated_by[0], "d01-7");
	case_free(&d);
	/* a note on its own, sealed and counted */
	ch = (struct workflow_change){.note = "记录", .note_len = 6, .pub = &F->key->pub};
	assert_int_equal(workflow_add_note(&s, &c, &ch, &n, err, sizeof err), 0);
	assert_int_equal(n, c.nnotes);
	assert_int_equal(last_event(&c)->n, n);
	/* a status, and a reply sealed with the district's key */
	assert_int_equal(cases_set_status(&s, &c, "need_info", err, sizeof err), 0);
	assert_string_equal(c.status, "need_info");
	assert_string_equal(last_event(&c)->status, "need_info");
	assert_int_equal(cases_reply(&s, &c, &r, &n, err, sizeof err), 0);
	assert_int_equal(n, c.nreplies);
	assert_string_equal(c.replies[c.nreplies - 1].status, "need_info");
	assert_int_equal(c.nhistory, nhistory + 6);
	case_free(&c);
	/* what each stored is what the struct held */
	load(t, 7, &c);
	assert_int_equal(c.nhistory, nhistory + 6);
	assert_string_equal(c.stage, "assigned");
	assert_string_equal(c.status, "need_info");
	assert_int_equal(c.marks[CASE_MARK_SUPERVISE].days, 7);
	/* show marks it seen: through its highest follow-up, by the session's investigator */
	assert_int_equal(view_mark_seen(&s, &c), ARCHIVE_OK);
	case_free(&c);
	load(t, 7, &c);
	assert_true(c.seen_set);
	assert_string_equal(c.seen_by, "李四");
	assert_string_equal(c.seen_day, TODAY);
	assert_true(c.seen_through >= c.index);
	for (size_t i = 0; i < c.nfollowups; i++)
		assert_true(c.seen_through >= c.followups[i].index);
	case_free(&c);
	archive_abort(t);
	archive_close(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_calendar),
	        cmocka_unit_test(test_stage_table),
	        cmocka_unit_test(test_deadline_rules),
	        cmocka_unit_test(test_deadline_handoff),
	        cmocka_unit_test(test_quantiles),
	        cmocka_unit_test(test_seeded_stats),
	        cmocka_unit_test(test_specials_cli),
	        cmocka_unit_test(test_due),
	        cmocka_unit_test(test_list_order),
	        cmocka_unit_test(test_update_only_status),
	        cmocka_unit_test(test_search),
	        cmocka_unit_test(test_forward),
	        cmocka_unit_test(test_show),
	        cmocka_unit_test(test_stats_files),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_access_log),
	        cmocka_unit_test(test_real_name_at_ingest),
	        cmocka_unit_test(test_text_fits),
	        cmocka_unit_test(test_domain),
	};

	if (sodium_init() < 0)
		return 1;
	memwipe_jansson(); /* as qingfeng-admin does, so the sanitizers see it too */
	return cmocka_run_group_tests_name("workflow", tests, group_setup, group_teardown);
}
