/*
 * Unit tests for the offline tool (admin/): ingest verification of export
 * bundles made here the way the server makes them (crypto_sign_keypair,
 * envelope_seal_buffer, chain_next, bundle_writer), refusals that name the
 * indices and leave the archive byte-for-byte unchanged, the signed update
 * bundle, safe extraction of attachments, and the commands end to end.
 */
#include "tests/unit/cm.h"

#include <inttypes.h>

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/cases.h"
#include "admin/cli.h"
#include "admin/commands.h"
#include "admin/extract.h"
#include "admin/ingest.h"
#include "admin/opencase.h"
#include "admin/session.h"
#include "admin/update.h"
#include "admin/view.h"
#include "crypto/bind.h"
#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/envelope.h"
#include "crypto/keyfile.h"
#include "crypto/receipt.h"
#include "crypto/sign.h"
#include "store/archive.h"
#include "tests/unit/testutil.h"

#define PASS "correct horse battery staple"
#define DAY  "2026-05-01"
#define NMAX 24

/* One submission as the server holds it. */
struct sub {
	int kind;
	uint8_t lookup[32];
	uint8_t reply_pk[32], reply_sk[32];
	struct receipt_keys k; /* a report's: what a real client derives from its receipt */
	char day[CODEC_DAY_LEN + 1];
	uint8_t *env;
	size_t len;
	uint8_t hash[32];
	uint8_t chain[32];
};

/* A simulated server log of one district. */
struct srv {
	uint8_t sign_pk[32], sign_sk[64];
	uint8_t box_pk[32]; /* the district's */
	size_t n;
	struct sub e[NMAX + 1]; /* 1-based */
	uint64_t applied;       /* the highest update applied: the header's applied_seq when > 0 */
};

struct fx {
	char *dir;
	char keypath[4200], passpath[4200], badpass[4200], archive[4200], bundle[4200];
	struct keyfile_secret *key;
	struct srv s;
};

/* ---- the server side, simulated ------------------------------------------ */

static void
srv_append(struct srv *s, int kind, const uint8_t lookup[32], const char *manifest,
           const struct envelope_blob *atts, size_t natts, const uint8_t *seal_to)
{
	struct sub *e;
	const uint8_t *prev;
	uint8_t zero[32] = {0};

	assert_true(s->n < NMAX);
	e = &s->e[++s->n];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	memcpy(e->lookup, lookup, 32);
	memcpy(e->day, DAY, sizeof DAY);
	assert_int_equal(envelope_seal_buffer(&e->env, &e->len, seal_to ? seal_to : s->box_pk,
	                                      manifest, strlen(manifest), atts, natts),
	                 ENVELOPE_OK);
	chain_h256(e->hash, e->env, e->len);
	prev = s->n == 1 ? zero : s->e[s->n - 1].chain;
	assert_int_equal(chain_next(e->chain, prev, s->n, kind, e->lookup, e->hash, e->day), 0);
}

/* Adds a report; returns its index. */
static size_t
srv_report_full(struct srv *s, const char *title, const char *const *names,
                const struct envelope_blob *atts, size_t natts, const char *district,
                const uint8_t *seal_to)
{
	char receipt[RECEIPT_TEXT_BUF];
	struct receipt_keys k;
	json_t *list = json_array(), *m;
	char *text;

	receipt_generate(receipt);
	assert_int_equal(receipt_derive(receipt, &k), 0);
	for (size_t i = 0; i < natts; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "name", names[i], "type",
		                                      "application/octet-stream", "size",
		                                      (json_int_t)atts[i].len));
	m = json_pack("{s:i, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
	              "s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:n}, s:o}",
	              "v", 1, "kind", "report", "district", district, "lang", "zh-CN", "report",
	              "type", "accusation", "category", "integrity", "subcategory", "违规收送礼金",
	              "town", "城关镇", "title", title, "body", "正文\n第二行", "when", "2026-05",
	              "where", "镇政府", "subject", "name", "张某", "unit", "城关镇政府", "area",
	              "城关", "position", "副镇长", "level", "township", "party_member", "yes",
	              "identity", "attachments", list);
	assert_non_null(m);
	assert_int_equal(bind_report_put(m, &k), BIND_OK); /* as every client does (§6) */
	text = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	srv_append(s, CHAIN_KIND_REPORT, k.lookup, text, atts, natts, seal_to);
	free(text);
	memcpy(s->e[s->n].reply_pk, k.reply_pk, 32);
	memcpy(s->e[s->n].reply_sk, k.reply_sk, 32);
	s->e[s->n].k = k;
	return s->n;
}

static size_t
srv_report(struct srv *s, const char *title)
{
	return srv_report_full(s, title, NULL, NULL, 0, "d01", NULL);
}

/* Adds a real-name report (identity given) or one whose identity block is all empty. */
static size_t
srv_report_identity(struct srv *s, const char *name)
{
	char receipt[RECEIPT_TEXT_BUF];
	struct receipt_keys k;
	json_t *m;
	char *text;

	receipt_generate(receipt);
	assert_int_equal(receipt_derive(receipt, &k), 0);
	m = json_pack("{s:i, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:{s:s, s:s}}, s:[]}", "v", 1,
	              "kind", "report", "district", "d01", "lang", "zh-CN", "report", "type",
	              "accusation", "category", "integrity", "title", "实名", "body", "正文",
	              "identity", "name", name, "phone", "", "attachments");
	assert_non_null(m);
	assert_int_equal(bind_report_put(m, &k), BIND_OK);
	text = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	srv_append(s, CHAIN_KIND_REPORT, k.lookup, text, NULL, 0, NULL);
	free(text);
	memcpy(s->e[s->n].reply_pk, k.reply_pk, 32);
	memcpy(s->e[s->n].reply_sk, k.reply_sk, 32);
	s->e[s->n].k = k;
	return s->n;
}

/* Adds a follow-up to the case of report index; sealed_lookup overrides the manifest's. */
static size_t
srv_followup(struct srv *s, size_t report, const uint8_t *lookup, const uint8_t *sealed_lookup)
{
	char b64[CODEC_B64U_BUF(32)];
	json_t *m;
	char *text;
	const uint8_t *l = lookup != NULL ? lookup : s->e[report].lookup;

	codec_b64u_encode(b64, sizeof b64, sealed_lookup != NULL ? sealed_lookup : l, 32);
	m = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:[]}", "v", 1, "kind", "followup",
	              "district", "d01", "lookup", b64, "purpose", "material", "body", "补充",
	              "attachments");
	/* signed with the report's key, as the reporter's client does (§6) */
	assert_int_equal(bind_followup_put(m, &s->e[report].k, NULL, 0), BIND_OK);
	text = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	srv_append(s, CHAIN_KIND_FOLLOWUP, l, text, NULL, 0, NULL);
	free(text);
	return s->n;
}

static json_t *
b64(const uint8_t *b, size_t n)
{
	char *t = codec_b64u_encode_alloc(b, n);
	json_t *j = json_string(t);

	free(t);
	return j;
}

static json_t *
srv_entry(const struct srv *s, size_t i)
{
	const struct sub *e = &s->e[i];
	json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:o}", "index", (json_int_t)i, "kind",
	                      e->kind == CHAIN_KIND_REPORT ? "report" : "followup", "lookup",
	                      b64(e->lookup, 32), "day", e->day, "envelope_hash", b64(e->hash, 32),
	                      "chain", b64(e->chain, 32), "envelope", b64(e->env, e->len));

	if (e->kind == CHAIN_KIND_REPORT)
		json_object_set_new(o, "reply_pk", b64(e->reply_pk, 32));
	return o;
}

static json_t *
srv_header(const struct srv *s, size_t from, size_t to)
{
	uint8_t zero[32] = {0};
	json_t *h = json_pack("{s:s, s:i, s:s, s:o, s:I, s:I, s:o, s:o, s:s}", "type",
	                      "qingfeng-export", "v", 1, "district", "d01", "server_sign_pk",
	                      b64(s->sign_pk, 32), "from", (json_int_t)from, "to", (json_int_t)to,
	                      "prev_head", b64(from > 1 ? s->e[from - 1].chain : zero, 32), "head",
	                      b64(to >= 1 ? s->e[to].chain : zero, 32), "day", DAY);

	if (h != NULL && s->applied > 0)
		json_object_set_new(h, "applied_seq", json_integer((json_int_t)s->applied));
	return h;
}

static json_t *
srv_entries(const struct srv *s, size_t from, size_t to)
{
	json_t *a = json_array();

	for (size_t i = from; i <= to; i++)
		json_array_append_new(a, srv_entry(s, i));
	return a;
}

/* Writes header + entries, signed with sk, to path (replacing it). Steals both. */
static void
write_bundle(const char *path, json_t *hdr, json_t *entries, const uint8_t sk[64])
{
	FILE *f = fopen(path, "w");
	struct bundle_writer w;
	json_t *o;
	size_t i;

	assert_non_null(f);
	bundle_writer_init(&w, f);
	assert_int_equal(bundle_write(&w, hdr), BUNDLE_OK);
	json_array_foreach(entries, i, o) assert_int_equal(bundle_write(&w, o), BUNDLE_OK);
	assert_int_equal(bundle_writer_finish(&w, BUNDLE_SIG_EXPORT, sk), BUNDLE_OK);
	assert_int_equal(fclose(f), 0);
	json_decref(hdr);
	json_decref(entries);
}

static void export(struct fx *f, size_t from, size_t to)
{
	write_bundle(f->bundle, srv_header(&f->s, from, to), srv_entries(&f->s, from, to),
	             f->s.sign_sk);
}

/* ---- fixture ------------------------------------------------------------ */

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct keyfile_secret *k;

	assert_non_null(f);
	f->dir = testutil_tmpdir();
	snprintf(f->keypath, sizeof f->keypath, "%s/district.key", f->dir);
	snprintf(f->passpath, sizeof f->passpath, "%s/pass", f->dir);
	snprintf(f->badpass, sizeof f->badpass, "%s/badpass", f->dir);
	snprintf(f->archive, sizeof f->archive, "%s/archive", f->dir);
	snprintf(f->bundle, sizeof f->bundle, "%s/export.qfx", f->dir);
	write_text(f->passpath, PASS "\n");
	write_text(f->badpass, PASS "!\n");
	assert_int_equal(keyfile_generate(&k, "d01", "测试区纪委监委"), KEYFILE_OK);
	assert_int_equal(
	        keyfile_write_secret(f->keypath, k, PASS, strlen(PASS), KEYFILE_KDF_INTERACTIVE),
	        KEYFILE_OK);
	f->key = k;
	crypto_sign_keypair(f->s.sign_pk, f->s.sign_sk);
	memcpy(f->s.box_pk, k->pub.box_pk, 32);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	for (size_t i = 1; i <= f->s.n; i++)
		free(f->s.e[i].env);
	keyfile_secret_free(f->key);
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Ingests f->bundle with the library; returns the outcome, res filled. */
static int
ingest(struct fx *f, int accept, struct ingest_result *res)
{
	FILE *in = fopen(f->bundle, "rb");
	struct ingest g;
	struct archive *a;
	char err[512];
	int rc;

	assert_non_null(in);
	if (ingest_open(&g, in, err, sizeof err) != 0) {
		ingest_close(&g);
		fclose(in);
		memset(res, 0, sizeof *res);
		res->outcome = INGEST_REFUSED;
		return -1;
	}
	assert_int_equal(archive_open(&a, f->archive, 1), ARCHIVE_OK);
	rc = ingest_run(&g, a, f->key, f->keypath, accept, 0, res);
	archive_close(a);
	ingest_close(&g);
	fclose(in);
	return rc;
}

static int
ingest_ok(struct fx *f)
{
	struct ingest_result res;
	int rc = ingest(f, 0, &res);
	int added = (int)res.added;

	if (rc != INGEST_DONE)
		fail_msg("ingest: %s", res.message);
	ingest_result_free(&res);
	return added;
}

/* BLAKE2b of the archive's data file: "unchanged" means byte-for-byte. */
static void
archive_digest(const struct fx *f, uint8_t out[32])
{
	char path[4300];
	uint8_t *buf;
	size_t len;
	FILE *in;
	struct stat st;

	snprintf(path, sizeof path, "%s/data.mdb", f->archive);
	assert_int_equal(stat(path, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	in = fopen(path, "rb");
	assert_non_null(in);
	len = fread(buf, 1, (size_t)st.st_size, in);
	fclose(in);
	chain_h256(out, buf, len);
	free(buf);
}

static uint64_t
archive_size(const struct fx *f)
{
	struct archive *a;
	struct archive_txn *t;
	struct archive_district d;

	assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	archive_abort(t);
	archive_close(a);
	return d.size;
}

/* Ingest must refuse, name exactly the indices want[] and leave the archive unchanged. */
static void
expect_refused(struct fx *f, const uint64_t *want, size_t nwant, int accept)
{
	struct ingest_result res;
	uint8_t before[32], after[32];
	int rc;

	archive_digest(f, before);
	rc = ingest(f, accept, &res);
	if (rc != INGEST_REFUSED)
		fail_msg("expected a refusal, got %d: %s", rc, res.message);
	assert_non_null(res.message);
	assert_non_null(strstr(res.message, "nothing written"));
	if (nwant != (size_t)-1) {
		if (res.nbad != nwant)
			fail_msg("named %zu indices, expected %zu: %s", res.nbad, nwant,
			         res.message);
		for (size_t i = 0; i < nwant; i++)
			assert_int_equal(res.bad[i], want[i]);
	}
	ingest_result_free(&res);
	archive_digest(f, after);
	assert_memory_equal(before, after, 32);
}

/* Runs a command with stdout and stderr sent to /dev/null; returns its exit code. */
static int
run_quiet(const char **argv)
{
	char *copy[64];
	int argc = 0, out, err, null, rc;

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
	null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	dup2(null, 2);
	rc = commands_run(argc, copy);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(null);
	for (int i = 0; i < argc; i++)
		free(copy[i]);
	return rc;
}

/* ---- ingest ------------------------------------------------------------- */

static void
test_valid_then_noop(void **state)
{
	struct fx *f = *state;
	struct ingest_result res;
	struct archive *a;
	struct archive_txn *t;
	struct archive_district d;
	uint8_t before[32], after[32];
	struct case_record c;

	srv_report(&f->s, "收受礼金");
	srv_report(&f->s, "违规吃喝");
	srv_followup(&f->s, 1, NULL, NULL);
	srv_report(&f->s, "优亲厚友");
	export(f, 1, 4);
	assert_int_equal(ingest(f, 0, &res), INGEST_DONE);
	assert_int_equal(res.added, 4);
	assert_int_equal(res.size, 4);
	assert_int_equal(res.key_pinned, 1);
	ingest_result_free(&res);

	assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_int_equal(d.size, 4);
	assert_memory_equal(d.head, f->s.e[4].chain, 32);
	assert_memory_equal(d.server_pk, f->s.sign_pk, 32);
	assert_string_equal(d.key_path, f->keypath);
	assert_int_equal(archive_case_load(t, "d01", 1, &c), ARCHIVE_OK);
	assert_int_equal(c.nfollowups, 1);
	case_free(&c);
	assert_int_equal(archive_case_load(t, "d01", 4, &c), ARCHIVE_OK);
	case_free(&c);
	archive_abort(t);
	archive_close(a);

	/* the same bundle again: a no-op that says so, and writes nothing */
	archive_digest(f, before);
	assert_int_equal(ingest(f, 0, &res), INGEST_NOOP);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.skipped, 4);
	assert_non_null(strstr(res.message, "nothing new"));
	ingest_result_free(&res);
	archive_digest(f, after);
	assert_memory_equal(before, after, 32);
}

/* Ingest records, from the sealed manifest, whether a report carries an identity block. */
static void
test_real_name_flag(void **state)
{
	struct fx *f = *state;
	struct archive *a;
	struct archive_txn *t;
	struct case_record c;
	static const int want[] = {0, 0, 1, 0};

	srv_report(&f->s, "匿名");
	srv_report_identity(&f->s, "王五");
	srv_report_identity(&f->s, ""); /* ticked real name, filled in nothing */
	export(f, 1, 3);
	assert_int_equal(ingest_ok(f), 3);
	assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	for (uint64_t i = 1; i <= 3; i++) {
		assert_int_equal(archive_case_load(t, "d01", i, &c), ARCHIVE_OK);
		assert_int_equal(c.real_name, want[i]); /* recorded: not CASE_NONE */
		case_free(&c);
	}
	archive_abort(t);
	archive_close(a);
}

static void
test_overlap(void **state)
{
	struct fx *f = *state;
	struct ingest_result res;

	for (int i = 0; i < 5; i++)
		srv_report(&f->s, "标题");
	export(f, 1, 2);
	assert_int_equal(ingest_ok(f), 2);
	/* a second export without an import in between repeats 1..2 */
	export(f, 1, 5);
	assert_int_equal(ingest(f, 0, &res), INGEST_DONE);
	assert_int_equal(res.added, 3);
	assert_int_equal(res.skipped, 2);
	ingest_result_free(&res);
	assert_int_equal(archive_size(f), 5);
	/* an empty export (from = to + 1) is fine and changes nothing */
	write_bundle(f->bundle, srv_header(&f->s, 6, 5), json_array(), f->s.sign_sk);
	assert_int_equal(ingest(f, 0, &res), INGEST_NOOP);
	ingest_result_free(&res);
}

/* Prepares an archive holding 1..1 and a log 1..5 (3 a follow-up to 2). */
static void
base(struct fx *f)
{
	srv_report(&f->s, "一");
	srv_report(&f->s, "二");
	srv_followup(&f->s, 2, NULL, NULL);
	srv_report(&f->s, "四");
	srv_report(&f->s, "五");
	export(f, 1, 1);
	assert_int_equal(ingest_ok(f), 1);
}

static void
test_altered_envelope(void **state)
{
	struct fx *f = *state;
	static const uint64_t want[] = {3};
	json_t *e = NULL;

	base(f);
	/* flip one byte of entry 3's envelope; its envelope_hash and chain stay */
	f->s.e[3].env[200] ^= 1;
	e = srv_entries(&f->s, 1, 5);
	f->s.e[3].env[200] ^= 1;
	write_bundle(f->bundle, srv_header(&f->s, 1, 5), e, f->s.sign_sk);
	expect_refused(f, want, 1, 0);
	assert_int_equal(archive_size(f), 1);
}

static void
test_altered_index(void **state)
{
	struct fx *f = *state;
	static const uint64_t want[] = {3, 4};
	json_t *e;

	base(f);
	e = srv_entries(&f->s, 1, 5);
	json_object_set_new(json_array_get(e, 2), "index", json_integer(4));
	write_bundle(f->bundle, srv_header(&f->s, 1, 5), e, f->s.sign_sk);
	expect_refused(f, want, 2, 0);
}

static void
test_dropped(void **state)
{
	struct fx *f = *state;
	static const uint64_t want3[] = {3}, want5[] = {5};
	json_t *e;

	base(f);
	e = srv_entries(&f->s, 1, 5);
	json_array_remove(e, 2);
	write_bundle(f->bundle, srv_header(&f->s, 1, 5), e, f->s.sign_sk);
	expect_refused(f, want3, 1, 0);
	/* the last one dropped */
	e = srv_entries(&f->s, 1, 5);
	json_array_remove(e, 4);
	write_bundle(f->bundle, srv_header(&f->s, 1, 5), e, f->s.sign_sk);
	expect_refused(f, want5, 1, 0);
}

static void
test_reordered(void **state)
{
	struct fx *f = *state;
	static const uint64_t want[] = {3, 4};
	json_t *e, *x;

	base(f);
	e = srv_entries(&f->s, 1, 5);
	x = json_incref(json_array_get(e, 2));
	json_array_remove(e, 2);
	json_array_insert_new(e, 3, x); /* 1 2 4 3 5 */
	write_bundle(f->bundle, srv_header(&f->s, 1, 5), e, f->s.sign_sk);
	expect_refused(f, want, 2, 0);
}

static void
test_altered_chain(void **state)
{
	struct fx *f = *state;
	static const uint64_t want[] = {4};
	json_t *e;
	uint8_t c[32];

	base(f);
	e = srv_entries(&f->s, 1, 5);
	memcpy(c, f->s.e[4].chain, 32);
	c[5] ^= 0x10;
	json_object_set_new(json_array_get(e, 3), "chain", b64(c, 32));
	write_bundle(f->bundle, srv_header(&f->s, 1, 5), e, f->s.sign_sk);
	expect_refused(f, want, 1, 0);
	/* an altered overlap entry (held index 1, another day) is tampering */
	e = srv_entries(&f->s, 1, 5);
	json_object_set_new(json_array_get(e, 0), "day", json_string("2026-05-02"));
	write_bundle(f->bundle, srv_header(&f->s, 1, 5), e, f->s.sign_sk);
	expect_refused(f, (const uint64_t[]){1}, 1, 0);
}

static void
test_heads(void **state)
{
	struct fx *f = *state;
	json_t *h;
	uint8_t c[32];

	base(f);
	/* prev_head that is not the archive's chain value at from - 1 */
	h = srv_header(&f->s, 2, 5);
	randombytes_buf(c, 32);
	json_object_set_new(h, "prev_head", b64(c, 32));
	write_bundle(f->bundle, h, srv_entries(&f->s, 2, 5), f->s.sign_sk);
	expect_refused(f, (const uint64_t[]){1}, 1, 0);
	/* head that is not the chain value at to */
	h = srv_header(&f->s, 2, 5);
	json_object_set_new(h, "head", b64(c, 32));
	write_bundle(f->bundle, h, srv_entries(&f->s, 2, 5), f->s.sign_sk);
	expect_refused(f, (const uint64_t[]){5}, 1, 0);
}

static void
test_gap(void **state)
{
	struct fx *f = *state;
	static const uint64_t want[] = {2, 3};
	struct ingest_result res;

	base(f);
	export(f, 4, 5);
	expect_refused(f, want, 2, 0);
	assert_int_equal(ingest(f, 0, &res), INGEST_REFUSED);
	assert_non_null(strstr(res.message, "2..3"));
	ingest_result_free(&res);
}

static void
test_server_key(void **state)
{
	struct fx *f = *state;
	struct ingest_result res;
	uint8_t pk2[32], sk2[64];
	json_t *h;

	base(f);
	crypto_sign_keypair(pk2, sk2);
	/* the header names the pinned key but another key signed: bad signature */
	write_bundle(f->bundle, srv_header(&f->s, 2, 5), srv_entries(&f->s, 2, 5), sk2);
	expect_refused(f, NULL, 0, 0);
	/* a bundle of another server key: refused unless accepted */
	h = srv_header(&f->s, 2, 5);
	json_object_set_new(h, "server_sign_pk", b64(pk2, 32));
	write_bundle(f->bundle, h, srv_entries(&f->s, 2, 5), sk2);
	expect_refused(f, NULL, 0, 0);
	assert_int_equal(ingest(f, 0, &res), INGEST_REFUSED);
	assert_non_null(strstr(res.message, "--accept-new-server-key"));
	ingest_result_free(&res);
	assert_int_equal(ingest(f, 1, &res), INGEST_DONE);
	assert_int_equal(res.key_pinned, 2);
	assert_int_equal(res.added, 4);
	ingest_result_free(&res);
	/* now the old key is the stranger */
	srv_report(&f->s, "六");
	export(f, 6, 6);
	expect_refused(f, NULL, 0, 0);
}

/* The quarantine record of index, or NULL. */
static json_t *
quarantine_of(struct fx *f, uint64_t index)
{
	struct archive *a;
	struct archive_txn *t;
	json_t *rec = NULL;

	assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	if (archive_quarantine_get(t, "d01", index, &rec) != ARCHIVE_OK)
		rec = NULL;
	archive_abort(t);
	archive_close(a);
	return rec;
}

/* Asserts that index is quarantined with a reason containing what. */
static void
expect_quarantined(struct fx *f, uint64_t index, const char *what)
{
	json_t *q = quarantine_of(f, index);
	const char *reason;

	if (q == NULL)
		fail_msg("index %" PRIu64 " is not quarantined", index);
	reason = json_string_value(json_object_get(q, "reason"));
	if (reason == NULL || strstr(reason, what) == NULL)
		fail_msg("index %" PRIu64 ": reason \"%s\", expected \"%s\"", index,
		         reason ? reason : "(none)", what);
	json_decref(q);
}

static void
test_contents_checked(void **state)
{
	struct fx *f = *state;
	uint8_t other_pk[32], other_sk[32], l[32];
	json_t *q;

	base(f);
	crypto_box_keypair(other_pk, other_sk);
	/* 6: sealed to another key; 7: manifest of another district; 8: follow-up with no
	 * case; 9: follow-up whose sealed lookup differs from the entry's. Content never
	 * decides acceptance (§10): the bundle is taken, these four are quarantined. */
	srv_report_full(&f->s, "x", NULL, NULL, 0, "d01", other_pk);
	srv_report_full(&f->s, "y", NULL, NULL, 0, "d02", NULL);
	randombytes_buf(l, 32);
	srv_followup(&f->s, 2, l, NULL);
	srv_followup(&f->s, 2, NULL, l);
	export(f, 2, 9);
	assert_int_equal(ingest_ok(f), 8);
	expect_quarantined(f, 6, "does not open");
	expect_quarantined(f, 7, "not a version 1 report of district d01");
	expect_quarantined(f, 8, "no case");
	expect_quarantined(f, 9, "sealed lookup differs");
	/* a follow-up may follow its report within one bundle, and is clean */
	for (uint64_t i = 2; i <= 5; i++) {
		q = quarantine_of(f, i);
		assert_null(q);
	}
}

/* §6 bindings: the server's reply key swap, a replayed lookup, a forged follow-up */
static void
test_bindings_quarantined(void **state)
{
	struct fx *f = *state;
	json_t *e;
	uint8_t other[32];

	base(f);
	srv_followup(&f->s, 4, NULL, NULL); /* 6: signed by the reporter: clean */
	/* 7: a follow-up the server wrote with the report's lookup but another key */
	{
		struct receipt_keys k = f->s.e[4].k;

		randombytes_buf(k.rsign_sk, 32);
		crypto_sign_seed_keypair(k.rsign_pk, k.rsign_sk, k.rsign_sk);
		f->s.e[0].k = k;
		srv_followup(&f->s, 0, f->s.e[4].lookup, NULL);
	}
	export(f, 2, 7);
	/* and the export's reply_pk of report 5 swapped by the operator (re-signed) */
	e = srv_entries(&f->s, 2, 7);
	randombytes_buf(other, 32);
	json_object_set_new(json_array_get(e, 3), "reply_pk", b64(other, 32));
	write_bundle(f->bundle, srv_header(&f->s, 2, 7), e, f->s.sign_sk);
	assert_int_equal(ingest_ok(f), 6);
	expect_quarantined(f, 5, "reply_pk differs");
	assert_null(quarantine_of(f, 6));
	expect_quarantined(f, 7, "does not verify");
}

/*
 * §6: a reply is sealed only to a reply key the report bound inside its
 * seal. A case without the bind's signing key (ingested before reports were
 * bound) has a reply key only the server vouches for: no reply to it.
 */
static void
test_reply_needs_bind(void **state)
{
	struct fx *f = *state;
	struct archive *a;
	struct archive_txn *t;
	struct case_record rec;
	struct session s;
	struct cases_reply_args good = {.key = f->key, .body = "好", .body_len = 3};
	char err[512];
	uint32_t n;

	base(f);
	assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_load(t, "d01", 1, &rec), ARCHIVE_OK);
	assert_true(rec.has_sign_pk); /* a bound report */
	rec.has_sign_pk = 0;
	assert_int_equal(archive_case_store(t, &rec), ARCHIVE_OK);
	assert_int_equal(session_on_txn(&s, t, "me", DAY), 0);
	assert_int_equal(cases_reply(&s, &rec, &good, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "bound"));
	assert_int_equal(n, 0);
	case_free(&rec);
	archive_abort(t);
	archive_close(a);
}

/*
 * tests/vectors/bindings.json through ingest itself (§6, §10), on the
 * calling thread and on workers: the independent implementation's
 * envelopes, sealed to envelopes.json's key, filed under the vectors' entry
 * lookup and reply key. Only "report, bound" and "followup, signed" are
 * clean; every other one is quarantined with its reason, and no bundle is
 * refused. Each bad report gets an archive of its own (they share the
 * entry's lookup, and a second report with it is a reuse).
 */
static int ingest_with(struct fx *f, const char *path, int workers, size_t depth,
                       struct ingest_result *res);

static void
vector_ingest(struct fx *f, const char *const *names, const char *const *why, size_t n, int workers)
{
	json_t *v = testutil_vector("bindings.json"), *envs = json_object_get(v, "envelopes");
	uint8_t lookup[32], reply_pk[32];
	struct ingest_result res;

	testutil_b64u(lookup, 32, testutil_str(v, "entry_lookup"));
	testutil_b64u(reply_pk, 32, testutil_str(v, "entry_reply_pk"));
	for (size_t i = 1; i <= f->s.n; i++)
		free(f->s.e[i].env);
	f->s.n = 0;
	for (size_t i = 0; i < n; i++) {
		struct sub *e = &f->s.e[++f->s.n];
		const uint8_t zero[32] = {0};
		const uint8_t *prev = f->s.n == 1 ? zero : f->s.e[f->s.n - 1].chain;

		memset(e, 0, sizeof *e);
		e->kind = strncmp(names[i], "report", 6) == 0 ? CHAIN_KIND_REPORT
		                                              : CHAIN_KIND_FOLLOWUP;
		memcpy(e->lookup, lookup, 32);
		memcpy(e->reply_pk, reply_pk, 32);
		memcpy(e->day, DAY, sizeof DAY);
		e->env = testutil_b64u_alloc(testutil_str(envs, names[i]), &e->len);
		chain_h256(e->hash, e->env, e->len);
		assert_int_equal(
		        chain_next(e->chain, prev, f->s.n, e->kind, e->lookup, e->hash, e->day), 0);
	}
	export(f, 1, n);
	testutil_rmtree(f->archive);
	if (ingest_with(f, f->bundle, workers, 0, &res) != INGEST_DONE)
		fail_msg("%s: %s", names[0], res.message);
	assert_int_equal(res.added, n);
	ingest_result_free(&res);
	for (size_t i = 0; i < n; i++) {
		json_t *q = quarantine_of(f, i + 1);

		if (why[i] == NULL && q != NULL)
			fail_msg("\"%s\" is quarantined: %s", names[i],
			         json_string_value(json_object_get(q, "reason")));
		if (why[i] != NULL)
			expect_quarantined(f, i + 1, why[i]);
		json_decref(q);
	}
	json_decref(v);
}

static void
test_binding_vectors(void **state)
{
	struct fx *f = *state;
	static const char *const fu[] = {"report, bound", "followup, signed",
	                                 "followup, signature does not verify", "followup, no sig"};
	static const char *const fu_why[] = {NULL, NULL, "does not verify",
	                                     "no reporter's signature"};
	static const char *const bad[][2] = {
	        {"report, bind.reply_pk differs from the entry's", "reply_pk differs"},
	        {"report, bind.lookup differs from the entry's", "bind.lookup differs"},
	        {"report, no bind", "carries no valid bind"},
	        {"report, 101 attachments", "does not open"},
	};
	json_t *env = testutil_vector("envelopes.json");
	struct keyfile_secret *mine = f->key, vk = *f->key;

	/* the district key the vectors' envelopes are sealed to (a copy: f->key is read-only) */
	testutil_b64u(vk.pub.box_pk, 32, testutil_str(env, "box_pk"));
	testutil_b64u(vk.box_sk, 32, testutil_str(env, "box_sk"));
	json_decref(env);
	f->key = &vk;
	for (int workers = -1; workers <= 2; workers += 3) {
		vector_ingest(f, fu, fu_why, 4, workers);
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
			vector_ingest(f, &bad[i][0], &bad[i][1], 1, workers);
	}
	f->key = mine;
	sodium_memzero(&vk, sizeof vk);
}

/* ---- the pipeline against the sequential path ---------------------------- */

#define PN 20 /* entries of the pipeline tests' log */

/* Frees the log's envelopes and empties it. */
static void
srv_reset(struct srv *s)
{
	for (size_t i = 1; i <= s->n; i++)
		free(s->e[i].env);
	s->n = 0;
}

/*
 * A log of PN reports, follow-ups and real-name reports; entry bad (0: none)
 * is a report sealed to another key (how 1) or naming district d02 (how 2).
 */
static void
srv_log(struct srv *s, size_t bad, int how)
{
	uint8_t pk[32], sk[32];

	crypto_box_keypair(pk, sk);
	srv_reset(s);
	for (size_t i = 1; i <= PN; i++) {
		if (i == bad && how == 1)
			srv_report_full(s, "错", NULL, NULL, 0, "d01", pk);
		else if (i == bad && how == 2)
			srv_report_full(s, "错", NULL, NULL, 0, "d02", NULL);
		else if (i % 5 == 3)
			srv_followup(s, i - 1, NULL, NULL);
		else if (i % 7 == 0)
			srv_report_identity(s, "王五");
		else
			srv_report(s, "收受礼金");
	}
}

enum {
	MUT_NONE,
	MUT_DAY,      /* a malformed field */
	MUT_ENVELOPE, /* the envelope altered */
	MUT_SWAP,     /* swapped with the entry after it */
	MUT_JUNK,     /* a line that is not JSON */
	MUT_CUT,      /* the file ends before it, no signature line */
	MUT_HALF,     /* the file ends inside it */
	MUT_SIGMID,   /* a signature line before it, the entries after */
	MUT_TRAIL,    /* bytes after the signature line (k ignored) */
	MUT_N
};

/* Writes entries from..to of f->s to f->bundle, entry k changed as mut says. */
static void
write_mutated(struct fx *f, size_t from, size_t to, size_t k, int mut)
{
	json_t *entries = srv_entries(&f->s, from, to), *hdr = srv_header(&f->s, from, to), *e;
	json_t *o = k >= from && k <= to ? json_array_get(entries, k - from) : NULL;
	FILE *out = fopen(f->bundle, "w");
	struct bundle_writer w;
	size_t i;

	assert_non_null(out);
	if (mut == MUT_DAY) {
		json_object_set_new(o, "day", json_string("2026-13-01"));
	} else if (mut == MUT_ENVELOPE) {
		char *c = strdup(json_string_value(json_object_get(o, "envelope")));

		c[100] = c[100] == 'A' ? 'B' : 'A';
		json_object_set_new(o, "envelope", json_string(c));
		free(c);
	} else if (mut == MUT_SWAP && k < to) {
		json_incref(o);
		json_array_set(entries, k - from, json_array_get(entries, k + 1 - from));
		json_array_set_new(entries, k + 1 - from, o);
	}
	bundle_writer_init(&w, out);
	assert_int_equal(bundle_write(&w, hdr), BUNDLE_OK);
	json_array_foreach(entries, i, e)
	{
		if (i + from == k && (mut == MUT_CUT || mut == MUT_HALF)) {
			char *s = json_dumps(e, JSON_COMPACT);

			if (mut == MUT_HALF)
				fwrite(s, 1, strlen(s) / 2, out);
			free(s);
			break;
		}
		if (i + from == k && mut == MUT_JUNK) {
			const char junk[] = "{\"index\": oops}\n";

			fputs(junk, out);
			sign_bundle_update(&w.h, junk, strlen(junk));
			continue;
		}
		if (i + from == k && mut == MUT_SIGMID) {
			char b[CODEC_B64U_BUF(64)];
			uint8_t sig[64] = {1};

			codec_b64u_encode(b, sizeof b, sig, sizeof sig);
			fprintf(out, "{\"sig\":\"%s\"}\n", b);
		}
		assert_int_equal(bundle_write(&w, e), BUNDLE_OK);
	}
	if (mut != MUT_CUT && mut != MUT_HALF)
		assert_int_equal(bundle_writer_finish(&w, BUNDLE_SIG_EXPORT, f->s.sign_sk),
		                 BUNDLE_OK);
	if (mut == MUT_TRAIL)
		fputs("{}\n", out);
	assert_int_equal(fclose(out), 0);
	json_decref(hdr);
	json_decref(entries);
}

/* Ingests path with the given workers and depth (struct ingest); returns the outcome. */
static int
ingest_with(struct fx *f, const char *path, int workers, size_t depth, struct ingest_result *res)
{
	FILE *in = fopen(path, "rb");
	struct ingest g;
	struct archive *a;
	char err[512];
	int rc;

	assert_non_null(in);
	assert_int_equal(ingest_open(&g, in, err, sizeof err), 0);
	g.workers = workers;
	g.depth = depth;
	assert_int_equal(archive_open(&a, f->archive, 1), ARCHIVE_OK);
	rc = ingest_run(&g, a, f->key, f->keypath, 0, 0, res);
	archive_close(a);
	ingest_close(&g);
	fclose(in);
	return rc;
}

/* What one ingest ended with. */
struct outcome {
	int rc;
	uint64_t added, skipped, size;
	char *message;
	uint64_t bad[PN + 8];
	size_t nbad;
	uint8_t before[32], after[32]; /* the archive file */
};

/*
 * Ingests f->bundle into a new archive (holding f->s's 1..prefix first,
 * ingested on the calling thread) with workers and depth.
 */
static void
outcome_get(struct fx *f, int workers, size_t depth, size_t prefix, const char *prefix_path,
            struct outcome *o)
{
	struct ingest_result res;
	struct archive *a;

	memset(o, 0, sizeof *o);
	testutil_rmtree(f->archive);
	assert_int_equal(archive_open(&a, f->archive, 1), ARCHIVE_OK);
	archive_close(a);
	if (prefix > 0) {
		assert_int_equal(ingest_with(f, prefix_path, -1, 0, &res), INGEST_DONE);
		ingest_result_free(&res);
	}
	archive_digest(f, o->before);
	o->rc = ingest_with(f, f->bundle, workers, depth, &res);
	archive_digest(f, o->after);
	o->added = res.added;
	o->skipped = res.skipped;
	o->size = res.size;
	o->message = strdup(res.message);
	assert_true(res.nbad <= PN + 8);
	o->nbad = res.nbad;
	if (res.nbad > 0)
		memcpy(o->bad, res.bad, res.nbad * sizeof res.bad[0]);
	ingest_result_free(&res);
}

/*
 * Ingests f->bundle on the calling thread and through the pipeline with
 * several worker counts and depths (down to 1, so that entries lie beyond
 * the queue): every result must be the same. Returns the sequential outcome.
 */
static int
expect_same(struct fx *f, size_t prefix, const char *what)
{
	static const struct {
		int workers;
		size_t depth;
	} cfg[] = {{1, 1}, {1, 2}, {2, 3}, {4, 0}, {0, 0}, {2, 128}};
	char prefix_path[4300];
	struct outcome seq, par;
	int rc;

	snprintf(prefix_path, sizeof prefix_path, "%s/prefix.qfx", f->dir);
	if (prefix > 0)
		write_bundle(prefix_path, srv_header(&f->s, 1, prefix),
		             srv_entries(&f->s, 1, prefix), f->s.sign_sk);
	outcome_get(f, -1, 0, prefix, prefix_path, &seq);
	for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
		outcome_get(f, cfg[i].workers, cfg[i].depth, prefix, prefix_path, &par);
		if (par.rc != seq.rc || strcmp(par.message, seq.message) != 0 ||
		    par.added != seq.added || par.skipped != seq.skipped || par.size != seq.size ||
		    par.nbad != seq.nbad || memcmp(par.bad, seq.bad, sizeof seq.bad) != 0)
			fail_msg("%s, %d workers, depth %zu: %d \"%s\", not %d \"%s\"", what,
			         cfg[i].workers, cfg[i].depth, par.rc, par.message, seq.rc,
			         seq.message);
		/* refused or failed: nothing applied, the archive byte-for-byte as before */
		if (seq.rc != INGEST_DONE)
			assert_memory_equal(par.before, par.after, 32);
		free(par.message);
	}
	if (seq.rc != INGEST_DONE)
		assert_memory_equal(seq.before, seq.after, 32);
	rc = seq.rc;
	free(seq.message);
	return rc;
}

static void
test_pipeline_good(void **state)
{
	struct fx *f = *state;

	srv_log(&f->s, 0, 0);
	write_mutated(f, 1, PN, 0, MUT_NONE);
	assert_int_equal(expect_same(f, 0, "good"), INGEST_DONE);
	/* an overlap with what the archive holds: 5..8 skipped */
	write_mutated(f, 5, PN, 0, MUT_NONE);
	assert_int_equal(expect_same(f, 8, "overlap"), INGEST_DONE);
	/* all of it held already */
	write_mutated(f, 1, 8, 0, MUT_NONE);
	assert_int_equal(expect_same(f, 8, "held"), INGEST_NOOP);
}

static void
test_pipeline_bad(void **state)
{
	static const size_t at[] = {1, 2, 10, PN - 1, PN};
	struct fx *f = *state;
	char what[64];

	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		size_t k = at[i];

		srv_log(&f->s, 0, 0);
		for (int mut = MUT_DAY; mut < MUT_N; mut++) {
			if (mut == MUT_SWAP && k == PN)
				continue;
			snprintf(what, sizeof what, "change %d at %zu", mut, k);
			write_mutated(f, 1, PN, k, mut);
			assert_int_equal(expect_same(f, 0, what), INGEST_REFUSED);
		}
		/* altered where the archive holds it already (tampering), or after */
		snprintf(what, sizeof what, "overlap, altered at %zu", k);
		write_mutated(f, 5, PN, k < 5 ? 6 : k, MUT_ENVELOPE);
		assert_int_equal(expect_same(f, 8, what), INGEST_REFUSED);
		/* content never refuses (§10): quarantined, the same on every path */
		for (int how = 1; how <= 2; how++) {
			srv_log(&f->s, k, how);
			snprintf(what, sizeof what, "sealed wrongly (%d) at %zu", how, k);
			write_mutated(f, 1, PN, 0, MUT_NONE);
			assert_int_equal(expect_same(f, 0, what), INGEST_DONE);
		}
	}
}

static void
test_malformed(void **state)
{
	struct fx *f = *state;
	struct ingest_result res;
	json_t *e, *h;
	FILE *out;
	struct stat st;

	base(f);
	/* an entry without its envelope */
	e = srv_entries(&f->s, 2, 3);
	json_object_del(json_array_get(e, 1), "envelope");
	write_bundle(f->bundle, srv_header(&f->s, 2, 3), e, f->s.sign_sk);
	expect_refused(f, (const uint64_t[]){3}, 1, 0);
	/* a follow-up carrying a reply_pk, a report without one */
	e = srv_entries(&f->s, 2, 3);
	json_object_set_new(json_array_get(e, 1), "reply_pk", b64(f->s.e[2].reply_pk, 32));
	json_object_del(json_array_get(e, 0), "reply_pk");
	write_bundle(f->bundle, srv_header(&f->s, 2, 3), e, f->s.sign_sk);
	expect_refused(f, (const uint64_t[]){2, 3}, 2, 0);
	/* cut short: no signature line */
	export(f, 2, 3);
	assert_int_equal(stat(f->bundle, &st), 0);
	assert_int_equal(truncate(f->bundle, st.st_size - 10), 0);
	expect_refused(f, (const uint64_t[]){0}, 0, 0);
	/* bytes after the signature line */
	export(f, 2, 3);
	out = fopen(f->bundle, "a");
	fputs("{}\n", out);
	fclose(out);
	expect_refused(f, NULL, 0, 0);
	/* a header that is not an export header */
	h = srv_header(&f->s, 2, 3);
	json_object_set_new(h, "type", json_string("qingfeng-update"));
	write_bundle(f->bundle, h, srv_entries(&f->s, 2, 3), f->s.sign_sk);
	assert_int_equal(ingest(f, 0, &res), -1);
	h = srv_header(&f->s, 2, 3);
	json_object_set_new(h, "to", json_integer(0));
	write_bundle(f->bundle, h, srv_entries(&f->s, 2, 3), f->s.sign_sk);
	assert_int_equal(ingest(f, 0, &res), -1);
	assert_int_equal(archive_size(f), 1);
}

/* ---- commands ----------------------------------------------------------- */

static void
test_wrong_passphrase(void **state)
{
	struct fx *f = *state;
	struct stat st;
	uint8_t before[32], after[32];

	srv_report(&f->s, "一");
	srv_report(&f->s, "二");
	export(f, 1, 1);
	{
		const char *argv[] = {"ingest",   "--archive", f->archive,
		                      "--key",    f->keypath,  "--passphrase-file",
		                      f->badpass, f->bundle,   NULL};

		assert_int_equal(run_quiet(argv), 1);
		/* the first ingest made nothing at all */
		assert_int_not_equal(stat(f->archive, &st), 0);
	}
	{
		const char *argv[] = {"ingest",    "--archive", f->archive,
		                      "--key",     f->keypath,  "--passphrase-file",
		                      f->passpath, f->bundle,   NULL};

		assert_int_equal(run_quiet(argv), 0);
	}
	export(f, 1, 2);
	archive_digest(f, before);
	{
		const char *argv[] = {"ingest",   "--archive", f->archive, "--passphrase-file",
		                      f->badpass, f->bundle,   NULL};

		assert_int_equal(run_quiet(argv), 1);
	}
	archive_digest(f, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(archive_size(f), 1);
	/* the archive remembered the key file: no --key needed */
	{
		const char *argv[] = {"ingest",    "--archive", f->archive, "--passphrase-file",
		                      f->passpath, f->bundle,   NULL};

		assert_int_equal(run_quiet(argv), 0);
	}
	assert_int_equal(archive_size(f), 2);
	/* a refused first ingest removes the archive it made */
	{
		char dir2[4300];
		const char *argv[] = {"ingest",    "--archive", dir2,
		                      "--key",     f->keypath,  "--passphrase-file",
		                      f->passpath, f->bundle,   NULL};

		snprintf(dir2, sizeof dir2, "%s/archive2", f->dir);
		write_bundle(f->bundle, srv_header(&f->s, 1, 2), srv_entries(&f->s, 2, 2),
		             f->s.sign_sk);
		assert_int_equal(run_quiet(argv), 1);
		assert_int_not_equal(stat(dir2, &st), 0);
	}
}

struct upd_seen {
	json_t *hdr;
	json_t *entries; /* status and reply operations */
	json_t *cases;   /* the signed case statements (§15), each verified */
	int verified;
};

static void
read_update(const char *path, const uint8_t pk[32], struct upd_seen *u)
{
	FILE *in = fopen(path, "rb");
	struct bundle_reader r;
	json_t *o;
	int rc;

	assert_non_null(in);
	memset(u, 0, sizeof *u);
	u->entries = json_array();
	u->cases = json_array();
	bundle_reader_init(&r, in, 1 << 24);
	assert_int_equal(bundle_read(&r, &u->hdr), BUNDLE_OK);
	while ((rc = bundle_read(&r, &o)) == BUNDLE_OK) {
		if (strcmp(json_string_value(json_object_get(o, "op")), "case") == 0) {
			struct sign_case_fields cf;
			uint8_t sig[64];

			memset(&cf, 0, sizeof cf);
			cf.district = json_string_value(json_object_get(u->hdr, "district"));
			testutil_b64u(cf.lookup, 32,
			              json_string_value(json_object_get(o, "lookup")));
			cf.index = (uint64_t)json_integer_value(json_object_get(o, "index"));
			cf.status = json_string_value(json_object_get(o, "status"));
			cf.status_day = json_string_value(json_object_get(o, "status_day"));
			cf.replies = (uint64_t)json_integer_value(json_object_get(o, "replies"));
			testutil_b64u(cf.replies_hash, 32,
			              json_string_value(json_object_get(o, "replies_hash")));
			cf.followups_verified = (uint64_t)json_integer_value(
			        json_object_get(o, "followups_verified"));
			cf.seq = (uint64_t)json_integer_value(json_object_get(u->hdr, "seq"));
			testutil_b64u(sig, 64, json_string_value(json_object_get(o, "sig")));
			assert_int_equal(sign_case_verify(sig, pk, &cf), 0);
			json_array_append_new(u->cases, o);
			continue;
		}
		json_array_append_new(u->entries, o);
	}
	assert_int_equal(rc, BUNDLE_END);
	u->verified = bundle_reader_verify(&r, BUNDLE_SIG_UPDATE, pk) == BUNDLE_OK;
	bundle_reader_free(&r);
	fclose(in);
}

static int
collect_line(void *ctx, const json_t *rec)
{
	json_array_append((json_t *)ctx, (json_t *)(uintptr_t)rec);
	return 0;
}

static const char *
log_field(const json_t *lines, size_t i, const char *name)
{
	const char *s = json_string_value(json_object_get(json_array_get(lines, i), name));

	assert_non_null(s);
	return s;
}

static void
test_commands_and_update(void **state)
{
	struct fx *f = *state;
	char upd[4300], upd2[4300], att[4300], body[4300];
	struct upd_seen u;
	struct envelope_contents c;
	json_t *o;
	uint8_t *env;
	size_t len;
	uint8_t lookup[32], head[32];

	srv_report(&f->s, "一");
	srv_report(&f->s, "二");
	srv_followup(&f->s, 1, NULL, NULL);
	export(f, 1, 3);
	snprintf(upd, sizeof upd, "%s/u1.qfu", f->dir);
	snprintf(upd2, sizeof upd2, "%s/u2.qfu", f->dir);
	snprintf(att, sizeof att, "%s/决定书.pdf", f->dir);
	snprintf(body, sizeof body, "%s/body.txt", f->dir);
	write_text(att, "%PDF-1.4 fake");
	write_text(body, "您反映的问题已受理。\n");
	setenv("QF_TODAY", "2026-05-06", 1);
	{
		const char *argv[] = {"ingest",    "--archive", f->archive,
		                      "--key",     f->keypath,  "--passphrase-file",
		                      f->passpath, f->bundle,   NULL};
		assert_int_equal(run_quiet(argv), 0);
	}
	{
		const char *argv[] = {"status",   "--archive", f->archive, "d01-1",
		                      "accepted", "--by",      "王主任",   NULL};
		assert_int_equal(run_quiet(argv), 0);
		/* the same status again changes nothing; unknown statuses and cases are errors */
		assert_int_equal(run_quiet(argv), 1);
		argv[4] = "solved";
		assert_int_equal(run_quiet(argv), 1);
		argv[4] = "concluded";
		argv[3] = "d01-3"; /* a follow-up is no case */
		assert_int_equal(run_quiet(argv), 1);
		argv[3] = "d01";
		assert_int_equal(run_quiet(argv), 1);
	}
	{
		const char *argv[] = {
		        "reply",    "--archive", f->archive,          "d01-1",     "--file", body,
		        "--attach", att,         "--passphrase-file", f->passpath, NULL};
		assert_int_equal(run_quiet(argv), 0);
	}
	{
		const char *argv[] = {"reply", "--archive", f->archive, "d01-1", NULL};
		assert_int_equal(run_quiet(argv), 2); /* no text */
	}
	{
		const char *argv[] = {"show",  "--archive",         f->archive,
		                      "d01-1", "--passphrase-file", f->passpath,
		                      NULL};
		assert_int_equal(run_quiet(argv), 0);
		argv[5] = f->badpass;
		assert_int_equal(run_quiet(argv), 1);
		argv[3] = "d01-9";
		argv[5] = f->passpath;
		assert_int_equal(run_quiet(argv), 1);
	}
	{
		const char *argv[] = {"list", "--archive", f->archive, "--json", NULL};
		assert_int_equal(run_quiet(argv), 0);
		const char *argv2[] = {"list",     "--archive",         f->archive,
		                       "--titles", "--passphrase-file", f->passpath,
		                       NULL};
		assert_int_equal(run_quiet(argv2), 0);
		const char *argv3[] = {"log", "--archive", f->archive, NULL};
		assert_int_equal(run_quiet(argv3), 0);
	}
	/* the access log: status, reply, show, and list --titles for each case it showed */
	{
		struct archive *a;
		struct archive_txn *t;
		json_t *lines = json_array();

		assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
		assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
		assert_int_equal(archive_log_foreach(t, collect_line, lines), ARCHIVE_OK);
		archive_abort(t);
		archive_close(a);
		assert_int_equal(json_array_size(lines), 5);
		assert_string_equal(log_field(lines, 0, "command"), "status");
		assert_string_equal(log_field(lines, 0, "user"), "王主任");
		assert_string_equal(log_field(lines, 0, "day"), "2026-05-06");
		assert_string_equal(log_field(lines, 1, "command"), "reply");
		assert_string_equal(log_field(lines, 2, "command"), "show");
		assert_string_equal(log_field(lines, 2, "case"), "d01-1");
		assert_string_equal(log_field(lines, 3, "command"), "list --titles");
		assert_string_equal(log_field(lines, 4, "case"), "d01-2");
		json_decref(lines);
	}
	{
		const char *argv[] = {"update", "--archive",         f->archive,  "--out",
		                      upd,      "--passphrase-file", f->passpath, NULL};
		assert_int_equal(run_quiet(argv), 0);
		/* never overwrites */
		assert_int_equal(run_quiet(argv), 1);
	}

	read_update(upd, f->key->pub.sign_pk, &u);
	assert_true(u.verified);
	assert_string_equal(json_string_value(json_object_get(u.hdr, "type")), "qingfeng-update");
	assert_int_equal(json_integer_value(json_object_get(u.hdr, "v")), 1);
	assert_string_equal(json_string_value(json_object_get(u.hdr, "district")), "d01");
	assert_int_equal(json_integer_value(json_object_get(u.hdr, "seq")), 1);
	assert_int_equal(json_integer_value(json_object_get(u.hdr, "acks_through")), 3);
	testutil_b64u(head, 32, json_string_value(json_object_get(u.hdr, "head")));
	assert_memory_equal(head, f->s.e[3].chain, 32);
	assert_string_equal(json_string_value(json_object_get(u.hdr, "day")), "2026-05-06");
	assert_int_equal(json_array_size(u.entries), 2);
	/* the district's word on each case (two reports): the first confirms delivery (§15) */
	assert_int_equal(json_array_size(u.cases), 2);
	o = json_array_get(u.entries, 0);
	assert_string_equal(json_string_value(json_object_get(o, "op")), "status");
	assert_string_equal(json_string_value(json_object_get(o, "status")), "accepted");
	testutil_b64u(lookup, 32, json_string_value(json_object_get(o, "lookup")));
	assert_memory_equal(lookup, f->s.e[1].lookup, 32);
	o = json_array_get(u.entries, 1);
	assert_string_equal(json_string_value(json_object_get(o, "op")), "reply");
	testutil_b64u(lookup, 32, json_string_value(json_object_get(o, "lookup")));
	assert_memory_equal(lookup, f->s.e[1].lookup, 32);
	/* the reporter opens the reply with the key from the receipt */
	env = testutil_b64u_alloc(json_string_value(json_object_get(o, "envelope")), &len);
	assert_int_equal(envelope_open_buffer(&c, f->s.e[1].reply_pk, f->s.e[1].reply_sk, env, len),
	                 ENVELOPE_OK);
	assert_string_equal(json_string_value(json_object_get(c.parsed, "kind")), "reply");
	assert_string_equal(json_string_value(json_object_get(c.parsed, "district")), "d01");
	assert_string_equal(json_string_value(json_object_get(c.parsed, "status")), "accepted");
	assert_string_equal(json_string_value(json_object_get(c.parsed, "body")),
	                    "您反映的问题已受理。\n");
	assert_string_equal(json_string_value(json_object_get(c.parsed, "lookup")),
	                    json_string_value(json_object_get(o, "lookup")));
	assert_int_equal(c.natts, 1);
	assert_int_equal(c.att_len[0], strlen("%PDF-1.4 fake"));
	assert_memory_equal(c.att[0], "%PDF-1.4 fake", c.att_len[0]);
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(c.parsed, "attachments"), 0), "name")),
	        "决定书.pdf");
	envelope_contents_free(&c);
	/* the district cannot read what was sealed to the reporter, and vice versa */
	assert_int_not_equal(envelope_open_buffer(&c, f->key->pub.box_pk, f->key->box_sk, env, len),
	                     ENVELOPE_OK);
	free(env);
	json_decref(u.hdr);
	json_decref(u.entries);
	json_decref(u.cases);

	/* a second update: seq 2, nothing queued, acks through the new size */
	f->s.applied = 1; /* the server says it applied update 1 */
	srv_report(&f->s, "四");
	export(f, 4, 4);
	assert_int_equal(ingest_ok(f), 1);
	{
		const char *argv[] = {"update",    "--archive",  f->archive, "--out",
		                      upd2,        "--district", "d01",      "--passphrase-file",
		                      f->passpath, NULL};
		assert_int_equal(run_quiet(argv), 0);
	}
	read_update(upd2, f->key->pub.sign_pk, &u);
	assert_true(u.verified);
	assert_int_equal(json_integer_value(json_object_get(u.hdr, "seq")), 2);
	assert_int_equal(json_integer_value(json_object_get(u.hdr, "acks_through")), 4);
	testutil_b64u(head, 32, json_string_value(json_object_get(u.hdr, "head")));
	assert_memory_equal(head, f->s.e[4].chain, 32);
	assert_int_equal(json_array_size(u.entries), 0);
	/* only the new case gets a statement: nothing changed on the others */
	assert_int_equal(json_array_size(u.cases), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(u.cases, 0), "index")),
	                 4);
	json_decref(u.hdr);
	json_decref(u.entries);
	json_decref(u.cases);
	/* another district's key cannot verify it */
	read_update(upd2, f->key->pub.sign_pk, &u);
	json_decref(u.hdr);
	json_decref(u.entries);
	json_decref(u.cases);
	{
		FILE *in = fopen(upd2, "rb");
		struct bundle_reader r;
		json_t *o2;

		assert_non_null(in);
		bundle_reader_init(&r, in, 1 << 24);
		while (bundle_read(&r, &o2) == BUNDLE_OK)
			json_decref(o2);
		assert_int_not_equal(bundle_reader_verify(&r, BUNDLE_SIG_UPDATE, f->s.sign_pk),
		                     BUNDLE_OK);
		bundle_reader_free(&r);
		fclose(in);
	}
	unsetenv("QF_TODAY");
}

static void
test_update_library(void **state)
{
	struct fx *f = *state;
	struct archive *a;
	struct archive_txn *t;
	struct update_result r;
	struct upd_seen u;
	char path[4300], err[512];
	uint32_t n;
	struct case_record c, rec;
	struct session s;
	struct cases_reply_args good = {.key = f->key, .body = "好", .body_len = 3};
	uint8_t zero[32] = {0}, head[32];

	srv_report(&f->s, "一");
	export(f, 1, 1);
	assert_int_equal(ingest_ok(f), 1);
	assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	assert_int_equal(session_on_txn(&s, t, "me", DAY), 0);
	assert_int_equal(archive_case_load(t, "d01", 1, &rec), ARCHIVE_OK);
	assert_int_equal(cases_reply(&s, &rec, &good, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	/* a reply too large for the server is refused */
	{
		struct cases_attachment big = {"big.bin", "application/octet-stream", NULL,
		                               (size_t)17 << 20};
		struct cases_reply_args r = {.key = f->key, .body = "大", .body_len = 3};
		uint8_t *data = calloc(1, big.len);

		assert_non_null(data);
		big.data = data;
		r.atts = &big;
		r.natts = 1;
		assert_int_equal(cases_reply(&s, &rec, &r, &n, err, sizeof err), -1);
		assert_non_null(strstr(err, "at most"));
		free(data);
	}
	/* a body that is not UTF-8 is refused */
	{
		struct cases_reply_args r = {.key = f->key, .body = "\xff", .body_len = 1};

		assert_int_equal(cases_reply(&s, &rec, &r, &n, err, sizeof err), -1);
	}
	case_free(&rec);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	snprintf(path, sizeof path, "%s/u.qfu", f->dir);
	assert_int_equal(update_write(a, "d01", f->key, path, DAY, &r, err, sizeof err), 0);
	assert_int_equal(r.seq, 1);
	assert_int_equal(r.reply_ops, 1);
	/* the reply is marked sent with the update's seq */
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_load(t, "d01", 1, &c), ARCHIVE_OK);
	assert_int_equal(c.nreplies, 1);
	assert_int_equal(c.replies[0].sent_seq, 1);
	case_free(&c);
	archive_abort(t);
	/* a failed write (the file exists) records nothing */
	assert_int_equal(update_write(a, "d01", f->key, path, DAY, &r, err, sizeof err), -1);
	snprintf(path, sizeof path, "%s/u2.qfu", f->dir);
	assert_int_equal(update_write(a, "d01", f->key, path, DAY, &r, err, sizeof err), 0);
	assert_int_equal(r.seq, 2);
	/*
	 * no export has said the server applied update 1: update 2 carries its
	 * reply and status again (the server stores a reply it holds only once)
	 */
	assert_int_equal(r.reply_ops, 1);
	assert_int_equal(r.recarried, 1);
	/* the status again too: update 1's statement (seq 1) was kept with the case */
	assert_int_equal(r.status_ops, 1);
	assert_int_equal(r.case_ops, 1);
	archive_close(a);
	read_update(path, f->key->pub.sign_pk, &u);
	assert_true(u.verified);
	testutil_b64u(head, 32, json_string_value(json_object_get(u.hdr, "head")));
	assert_memory_not_equal(head, zero, 32);
	json_decref(u.hdr);
	json_decref(u.entries);
	json_decref(u.cases);
}

/* ---- extraction --------------------------------------------------------- */

static void
test_safe_names(void **state)
{
	static const char *cases[][2] = {
	        {"../../etc/passwd", "passwd"},
	        {".bashrc", "bashrc"},
	        {"...", "attachment"},
	        {"", "attachment"},
	        {"a/b\\c.txt", "c.txt"},
	        {"x\x01y\x7fz\x1b[31m.jpg", "xyz31m.jpg"},
	        {"举报材料（一）.pdf", "举报材料一.pdf"},
	        {"my file;rm -rf $HOME.doc", "myfilerm-rfHOME.doc"},
	        {"\xff\xfe.png", "png"},
	        {"C:\\Users\\x\\证据.jpg", "证据.jpg"},
	        {"/", "attachment"},
	        {"a\xe2\x80\xaegnp.exe", "agnp.exe"}, /* a right-to-left override is dropped */
	};
	char out[EXTRACT_NAME_BUF], big[1000];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		extract_safe_name(out, cases[i][0]);
		assert_string_equal(out, cases[i][1]);
	}
	extract_safe_name(out, NULL);
	assert_string_equal(out, "attachment");
	/* bounded, and cut on a character boundary */
	memset(big, 'a', sizeof big);
	big[sizeof big - 1] = '\0';
	extract_safe_name(out, big);
	assert_int_equal(strlen(out), EXTRACT_NAME_MAX);
	big[0] = '\0';
	for (int i = 0; i < 60; i++)
		strcat(big, "证");
	extract_safe_name(out, big);
	assert_true(strlen(out) <= EXTRACT_NAME_MAX);
	assert_int_equal(strlen(out) % 3, 0);
}

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
assert_file(const char *path, const uint8_t *data, size_t len)
{
	uint8_t *buf = malloc(len + 1);
	FILE *in = fopen(path, "rb");
	struct stat st;

	if (in == NULL)
		fail_msg("missing %s", path);
	assert_int_equal(fread(buf, 1, len + 1, in), len);
	fclose(in);
	assert_memory_equal(buf, data, len);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	free(buf);
}

static void
test_extract(void **state)
{
	struct fx *f = *state;
	static const char *names[] = {"../../etc/passwd", ".bashrc", "a/b/证据.jpg", "x\x01\x7fy",
	                              "empty"};
	uint8_t d0[70000], d1[10], d2[3000];
	struct envelope_blob atts[5] = {
	        {d0, sizeof d0}, {d1, sizeof d1}, {d2, sizeof d2}, {d1, 1}, {d1, 0}};
	struct archive *a;
	struct archive_txn *t;
	char out[4300], cdir[4400], p[4600], err[512], link[4700];
	FILE *null = fopen("/dev/null", "w");

	randombytes_buf(d0, sizeof d0);
	randombytes_buf(d1, sizeof d1);
	randombytes_buf(d2, sizeof d2);
	srv_report_full(&f->s, "附件", names, atts, 5, "d01", NULL);
	export(f, 1, 1);
	assert_int_equal(ingest_ok(f), 1);
	snprintf(out, sizeof out, "%s/out", f->dir);
	snprintf(cdir, sizeof cdir, "%s/d01-1", out);
	assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(view_show(null, t, "d01", 1, f->key, out, err, sizeof err), 0);
	assert_int_equal(count_entries(out), 1); /* only the case directory */
	assert_int_equal(count_entries(cdir), 5);
	snprintf(p, sizeof p, "%s/1-passwd", cdir);
	assert_file(p, d0, sizeof d0);
	snprintf(p, sizeof p, "%s/2-bashrc", cdir);
	assert_file(p, d1, sizeof d1);
	snprintf(p, sizeof p, "%s/3-证据.jpg", cdir);
	assert_file(p, d2, sizeof d2);
	snprintf(p, sizeof p, "%s/4-xy", cdir);
	assert_file(p, d1, 1);
	snprintf(p, sizeof p, "%s/5-empty", cdir);
	assert_file(p, d1, 0);
	/* a second extraction refuses to overwrite and leaves the files as they were */
	assert_int_equal(view_show(null, t, "d01", 1, f->key, out, err, sizeof err), -1);
	assert_int_equal(count_entries(cdir), 5);
	snprintf(p, sizeof p, "%s/1-passwd", cdir);
	assert_file(p, d0, sizeof d0);
	/* a case directory that is a symbolic link is refused */
	snprintf(p, sizeof p, "%s/out2", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(link, sizeof link, "%s/d01-1", p);
	assert_int_equal(symlink(f->dir, link), 0);
	assert_int_equal(view_show(null, t, "d01", 1, f->key, p, err, sizeof err), -1);
	assert_int_equal(count_entries(p), 1);
	archive_abort(t);
	archive_close(a);
	fclose(null);
}

/* The case opener: the record and the manifests asked for, each part once. */
static void
test_opencase(void **state)
{
	struct fx *f = *state;
	struct archive *a;
	struct archive_txn *t;
	struct opencase oc;
	struct case_record c;
	char err[512];

	srv_report(&f->s, "一");
	srv_followup(&f->s, 1, NULL, NULL);
	srv_report(&f->s, "二");
	export(f, 1, 3);
	assert_int_equal(ingest_ok(f), 3);
	assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(opencase_load(t, "d01", 1, f->key, OPENCASE_REPORT | OPENCASE_FOLLOWUPS,
	                               NULL, &oc, err, sizeof err),
	                 0);
	assert_ptr_equal(oc.c, &oc.own);
	assert_int_equal(oc.c->nfollowups, 1);
	assert_string_equal(json_string_value(json_object_get(
	                            json_object_get(oc.report.manifest, "report"), "title")),
	                    "一");
	assert_string_equal(json_string_value(json_object_get(oc.followups[0].manifest, "body")),
	                    "补充");
	assert_null(oc.report.paths);
	assert_null(oc.replies);
	assert_null(oc.notes);
	opencase_free(&oc);
	assert_null(oc.c);
	/* a record the caller holds is borrowed; only the report asked for */
	assert_int_equal(archive_case_load(t, "d01", 3, &c), ARCHIVE_OK);
	assert_int_equal(opencase_open(t, &c, f->key, OPENCASE_REPORT, NULL, &oc, err, sizeof err),
	                 0);
	assert_ptr_equal(oc.c, &c);
	assert_null(oc.followups);
	assert_string_equal(json_string_value(json_object_get(
	                            json_object_get(oc.report.manifest, "report"), "title")),
	                    "二");
	opencase_free(&oc);
	assert_string_equal(c.district, "d01"); /* still the caller's */
	/* a reply the record names but the archive lacks: refused, nothing kept */
	case_add_reply(&c)->n = 7;
	assert_int_equal(opencase_open(t, &c, f->key, OPENCASE_REPORT | OPENCASE_REPLIES, NULL, &oc,
	                               err, sizeof err),
	                 -1);
	assert_string_equal(err, "case d01-3: reply 7 is missing");
	assert_null(oc.c);
	assert_null(oc.report.manifest);
	case_free(&c);
	assert_int_equal(
	        opencase_load(t, "d01", 9, f->key, OPENCASE_ALL, NULL, &oc, err, sizeof err), -1);
	assert_string_equal(err, "no case d01-9 in the archive");
	assert_null(oc.c);
	opencase_free(&oc);
	archive_abort(t);
	archive_close(a);
}

/* A listing's start: --json prints the rows whole, no rows prints the "none" line. */
static void
test_rows_done(void **state)
{
	json_t *rows = json_pack("[{s:s}]", "case", "d01-1"), *none = json_array();
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(cli_rows_done(out, rows, 1, "none\n"), 1);
	assert_int_equal(cli_rows_done(out, none, 0, "none\n"), 1);
	assert_int_equal(cli_rows_done(out, rows, 0, "none\n"), 0);
	fclose(out);
	assert_string_equal(buf, "[\n {\n  \"case\": \"d01-1\"\n }\n]\nnone\n");
	free(buf);
	json_decref(rows);
	json_decref(none);
}

/* show lists marks by name (as the stored record orders them), a later tool's among them. */
static void
test_show_marks(void **state)
{
	struct fx *f = *state;
	struct archive *a;
	struct archive_txn *t;
	struct case_record c;
	struct case_event *ev;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *out;
	const char *esc, *up, *early, *late, *rn;

	srv_report(&f->s, "一");
	export(f, 1, 1);
	assert_int_equal(ingest_ok(f), 1);
	assert_int_equal(archive_open(&a, f->archive, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_load(t, "d01", 1, &c), ARCHIVE_OK);
	/* set in the order upper-level, escalation, realname */
	c.marks[CASE_MARK_UPPER_LEVEL].set = 1;
	CASE_SET(c.marks[CASE_MARK_UPPER_LEVEL].day, "2026-12-01");
	c.marks[CASE_MARK_ESCALATION].set = 1;
	CASE_SET(c.marks[CASE_MARK_ESCALATION].value, "raise");
	CASE_SET(c.marks[CASE_MARK_ESCALATION].day, "2026-12-01");
	c.marks[CASE_MARK_REALNAME].set = 1;
	CASE_SET(c.marks[CASE_MARK_REALNAME].value, "verified");
	CASE_SET(c.marks[CASE_MARK_REALNAME].day, "2026-12-01");
	c.marks_rest = json_pack("{s:{s:s}, s:{s:s}}", "zz-later", "day", "2026-12-02", "aa-later",
	                         "day", "2026-12-03");
	ev = case_add_event(&c, "2026-12-04", "李", "archived");
	assert_non_null(ev);
	ev->rest = json_pack("{s:i}", "box", 3);
	assert_int_equal(archive_case_store(t, &c), ARCHIVE_OK);
	case_free(&c);
	out = open_memstream(&buf, &len);
	assert_int_equal(view_show(out, t, "d01", 1, f->key, NULL, err, sizeof err), 0);
	fclose(out);
	early = strstr(buf, "\n  aa-later ");
	esc = strstr(buf, "\n  escalation ");
	rn = strstr(buf, "\n  realname ");
	up = strstr(buf, "\n  upper-level ");
	late = strstr(buf, "\n  zz-later ");
	assert_non_null(early);
	assert_non_null(esc);
	assert_non_null(rn);
	assert_non_null(up);
	assert_non_null(late);
	assert_true(early < esc && esc < rn && rn < up && up < late);
	assert_non_null(strstr(buf, "(2026-12-03 ?)\n"));
	assert_non_null(strstr(buf,
	                       "\n2026-12-04 李 {\"box\":3,\"by\":\"李\",\"day\":\"2026-12-04\","
	                       "\"event\":\"archived\"}\n"));
	free(buf);
	archive_abort(t);
	archive_close(a);
}

static void
test_case_names(void **state)
{
	char d[CODEC_DISTRICT_BUF], name[CASES_NAME_BUF];
	uint64_t ix;
	static const char *bad[] = {"d01",   "d01-",   "d01-0", "-5", "d01-4x",
	                            "D01-4", "d01-07", "d01--", "",   "d01-99999999999999999999"};

	(void)state;
	assert_int_equal(cases_parse_name("d01-42", d, &ix), 0);
	assert_string_equal(d, "d01");
	assert_int_equal(ix, 42);
	assert_int_equal(cases_parse_name("city-east-7", d, &ix), 0);
	assert_string_equal(d, "city-east");
	assert_int_equal(ix, 7);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(cases_parse_name(bad[i], d, &ix), -1);
	cases_format_name(name, "d01", 42);
	assert_string_equal(name, "d01-42");

	/* the 件号, as typed: d01#3, or with the full-width ＃ of a Chinese input method */
	{
		static const char *badno[] = {"d01#",  "d01#0",   "#3",    "d01#03",  "d01#3x",
		                              "D01#3", "d01-4#x", "d01＃", "d01＃０", "d01 #3"};
		struct case_record rec;
		char shown[CASES_SHOWN_BUF];

		assert_int_equal(cases_parse_number("d01#3", d, &ix), 0);
		assert_string_equal(d, "d01");
		assert_int_equal(ix, 3);
		assert_int_equal(cases_parse_number("city-east＃12", d, &ix), 0);
		assert_string_equal(d, "city-east");
		assert_int_equal(ix, 12);
		assert_int_equal(cases_parse_name("d01#3", d, &ix), -1); /* not an index */
		for (size_t i = 0; i < sizeof badno / sizeof badno[0]; i++)
			assert_int_equal(cases_parse_number(badno[i], d, &ix), -1);
		cases_format_number(name, "d01", 3);
		assert_string_equal(name, "d01#3");
		memset(&rec, 0, sizeof rec);
		CASE_SET(rec.district, "d01");
		rec.index = 24;
		rec.number = 20;
		cases_format_shown(shown, &rec);
		assert_string_equal(shown, "d01-24 (d01#20)");
		rec.number = 0;
		cases_format_shown(shown, &rec);
		assert_string_equal(shown, "d01-24");
	}
	assert_true(cases_status_valid("need_info"));
	assert_false(cases_status_valid("registered")); /* an internal stage, not a status */
	assert_string_equal(cases_status_label("concluded"), "已办结");
}

/*
 * The one escaping layer (cli.h): whatever could steer a terminal or
 * reorder text is spelled out, the rest is shown as it is.
 */
static void
test_safe_text(void **state)
{
	static const struct {
		const char *in;
		int multiline;
		const char *want;
	} cases[] = {
	        {"举报 abc-1.2 \\ C:\\x", 0, "举报 abc-1.2 \\ C:\\x"},
	        {"\x1b[2J\x1b[H", 0, "\\x1b[2J\\x1b[H"},
	        {"\x1b]0;PWNED\x07", 0, "\\x1b]0;PWNED\\x07"},
	        {"\x1b]52;c;SGVsbG8=\x07", 1, "\\x1b]52;c;SGVsbG8=\\x07"},
	        {"a\xe2\x80\xae"
	         "exe.jpg",
	         0, "a\\u202eexe.jpg"},                              /* RLO */
	        {"\xe2\x80\xaa\xe2\x80\xac", 0, "\\u202a\\u202c"},   /* LRE, PDF */
	        {"\xe2\x81\xa6x\xe2\x81\xa9", 0, "\\u2066x\\u2069"}, /* LRI, PDI */
	        {"\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 0, "\\u200e\\u200f\\u061c"},
	        {"\xe2\x80\xa8\xe2\x80\xa9", 1, "\\u2028\\u2029"},
	        {"\xc2\x9b"
	         "31m\xc2\x85",
	         0, "\\u009b31m\\u0085"}, /* C1 CSI, NEL */
	        {"\x7f\x01\x1f", 0, "\\x7f\\x01\\x1f"},
	        {"\xff\xfe", 0, "\\xff\\xfe"},          /* not UTF-8 */
	        {"\xc0\xaf", 0, "\\xc0\\xaf"},          /* overlong '/' */
	        {"\xed\xa0\x80", 0, "\\xed\\xa0\\x80"}, /* a surrogate */
	        {"x\xe4\xb8", 0, "x\\xe4\\xb8"},        /* cut short */
	        {"a\nb", 0, "a\\nb"},                   /* one line stays one line */
	        {"a\nb", 1, "a\nb"},
	        {"a\r\nb", 1, "a\nb"},
	        {"a\r\nb", 0, "a\\r\\nb"},
	        {"a\rb", 1, "a\\rb"}, /* a lone CR would overwrite the line */
	        {"a\tb", 1, "a\\tb"},
	};
	char *got;
	FILE *f;
	char buf[256];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = cli_safe_text(cases[i].in, cases[i].multiline);
		assert_non_null(got);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, got, cases[i].want);
		free(got);
	}
	got = cli_safe_text(NULL, 0);
	assert_string_equal(got, "");
	free(got);

	/* printed: a body keeps its lines, each indented; a field stays on one line */
	f = tmpfile();
	assert_non_null(f);
	cli_print_text(f, "一\n\x1b[2J二\r\n三\n", "  ");
	cli_print_text(f, "|x\ny|", NULL);
	cli_print_text(f, NULL, NULL);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, "一\n  \\x1b[2J二\n  三\n|x\\ny|");

	/* an error message quoting untrusted text */
	{
		int saved = dup(STDERR_FILENO);

		f = tmpfile();
		assert_non_null(f);
		assert_true(saved >= 0);
		fflush(stderr);
		assert_int_equal(dup2(fileno(f), STDERR_FILENO), STDERR_FILENO);
		cli_error("field \"%s\" of %s", "\x1b]0;x\x07", "d01");
		cli_warn("%s", "\xe2\x80\xae");
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
		rewind(f);
		n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
		assert_string_equal(buf, "qingfeng-admin: field \"\\x1b]0;x\\x07\" of d01\n"
		                         "qingfeng-admin: warning: \\u202e\n");
	}
}

static void
test_usage(void **state)
{
	const char *a1[] = {"list", NULL};                   /* --archive missing */
	const char *a2[] = {"show", "--archive", "x", NULL}; /* CASE missing */
	const char *a3[] = {"status", "--archive", "x", "--bogus", NULL};
	const char *a4[] = {"frobnicate", NULL};
	const char *a5[] = {"update", "--archive", "x", "--help", NULL};
	const char *a6[] = {"fingerprint", "--archive", "x", "f", NULL}; /* option not for it */

	(void)state;
	assert_int_equal(run_quiet(a1), 2);
	assert_int_equal(run_quiet(a2), 2);
	assert_int_equal(run_quiet(a3), 2);
	assert_int_equal(run_quiet(a4), 2);
	assert_int_equal(run_quiet(a5), 0);
	assert_int_equal(run_quiet(a6), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_valid_then_noop, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_overlap, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_real_name_flag, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_altered_envelope, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_altered_index, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_dropped, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_altered_chain, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_heads, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_server_key, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_contents_checked, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bindings_quarantined, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reply_needs_bind, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_binding_vectors, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_pipeline_good, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_pipeline_bad, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_wrong_passphrase, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_commands_and_update, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_update_library, setup, teardown),
	        cmocka_unit_test(test_safe_names),
	        cmocka_unit_test_setup_teardown(test_extract, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_opencase, setup, teardown),
	        cmocka_unit_test(test_rows_done),
	        cmocka_unit_test_setup_teardown(test_show_marks, setup, teardown),
	        cmocka_unit_test(test_case_names),
	        cmocka_unit_test(test_safe_text),
	        cmocka_unit_test(test_usage),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("admin", tests, NULL, NULL);
}
