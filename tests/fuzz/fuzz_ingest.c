/*
 * fuzz_ingest: `qingfeng-admin ingest` (admin/ingest.h), the offline tool's
 * reader of export bundles (.qfx) that cross the air gap from the server,
 * into an empty archive (store/archive.h) with district d01's key. The
 * input is one bundle, or two separated by a line "%%" (ingested one after
 * the other into the same archive: overlaps, gaps, key pinning). A bundle
 * starting with "R\n" is first signed over the rest with the chain vector's
 * server key, as a server (or its operator) would, so the fuzzer reaches
 * everything behind the signature. Afterwards: a refused bundle left the
 * archive as it was; an accepted one, ingested again, is a no-op; and the
 * investigator's case list (decrypting every report's title) still works.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/ingest.h"
#include "admin/view.h"
#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "store/archive.h"
#include "tests/fuzz/fuzz.h"

static char dir[800], live[800], tpl[800];
static uint8_t server_pk[32], server_sk[64];

static void
b64(char *out, size_t outsz, const uint8_t *b, size_t n)
{
	if (codec_b64u_encode(out, outsz, b, n) != 0)
		fz_die("b64u");
}

/* Appends the signature line over buf[0..*len) (cap bytes). */
static void
sign_into(char *buf, size_t *len, size_t cap)
{
	struct sign_bundle h;
	uint8_t sig[64];
	char s[CODEC_B64U_BUF(64)];

	sign_bundle_init(&h);
	sign_bundle_update(&h, buf, *len);
	if (sign_bundle_final_sign(&h, sig, BUNDLE_SIG_EXPORT, server_sk) != 0)
		abort();
	b64(s, sizeof s, sig, sizeof sig);
	*len += (size_t)snprintf(buf + *len, cap - *len, "{\"sig\":\"%s\"}\n", s);
}

/* ---- seeds ------------------------------------------------------------- */

struct chain_state {
	uint8_t head[32];
	uint64_t index;
};

/* Writes one entry line (a real envelope sealed to d01) and moves the chain on. */
static void
seed_entry(FILE *f, struct chain_state *cs, int kind, unsigned case_no, const char *day,
           int real_name)
{
	uint8_t lookup[32], rpk[32], eh[32], *env = NULL;
	char lb[CODEC_B64U_BUF(32)], man[1024], *eb;
	size_t envlen = 0;
	struct envelope_blob att = {(const uint8_t *)"attachment bytes", 16};
	json_t *o;

	fz_case_keys(case_no, lookup, NULL, NULL, rpk, NULL);
	b64(lb, sizeof lb, lookup, 32);
	if (kind == CHAIN_KIND_REPORT)
		snprintf(man, sizeof man,
		         "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\",\"lang\":\"zh-CN\","
		         "\"report\":{\"type\":\"accusation\",\"category\":\"integrity\","
		         "\"subcategory\":\"\",\"town\":\"某镇\",\"title\":\"标题 %u\",\"body\":"
		         "\"正文\",\"when\":\"2026-05\",\"where\":\"\",\"subject\":{\"name\":\"\","
		         "\"unit\":\"\",\"area\":\"\",\"position\":\"\",\"level\":\"township\","
		         "\"party_member\":\"yes\"},\"identity\":%s},\"attachments\":[{\"name\":"
		         "\"../a.jpg\",\"type\":\"image/jpeg\",\"size\":16}]}",
		         case_no, real_name ? "{\"name\":\"张三\",\"phone\":\"1\"}" : "null");
	else
		snprintf(man, sizeof man,
		         "{\"v\":1,\"kind\":\"followup\",\"district\":\"d01\",\"lookup\":\"%s\","
		         "\"purpose\":\"objection\",\"body\":\"补充\",\"attachments\":[{\"name\":"
		         "\"b.pdf\",\"type\":\"application/pdf\",\"size\":16}]}",
		         lb);
	if (envelope_seal_buffer(&env, &envlen, fz_d01()->pub.box_pk, man, strlen(man), &att, 1) !=
	    ENVELOPE_OK)
		fz_die("seal");
	chain_h256(eh, env, envlen);
	cs->index++;
	if (chain_next(cs->head, cs->head, cs->index, kind, lookup, eh, day) != 0)
		fz_die("chain_next");
	eb = codec_b64u_encode_alloc(env, envlen);
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "index", (json_int_t)cs->index, "kind",
	              kind == CHAIN_KIND_REPORT ? "report" : "followup", "lookup", lb, "day", day,
	              "envelope_hash", "", "chain", "", "envelope", eb);
	{
		char hb[CODEC_B64U_BUF(32)];

		b64(hb, sizeof hb, eh, 32);
		json_object_set_new(o, "envelope_hash", json_string(hb));
		b64(hb, sizeof hb, cs->head, 32);
		json_object_set_new(o, "chain", json_string(hb));
		if (kind == CHAIN_KIND_REPORT) {
			b64(hb, sizeof hb, rpk, 32);
			json_object_set_new(o, "reply_pk", json_string(hb));
		}
	}
	{
		char *line = json_dumps(o, JSON_COMPACT);

		fprintf(f, "%s\n", line);
		free(line);
	}
	json_decref(o);
	free(eb);
	free(env);
}

/* A bundle of entries from..to (kinds: reports, a follow-up to case 1 at index 3). */
static char *
seed_bundle(size_t *len, unsigned from, unsigned to, int resign)
{
	struct chain_state cs = {{0}, 0}, prev;
	char *buf = NULL, pk[CODEC_B64U_BUF(32)], ph[CODEC_B64U_BUF(32)], hh[CODEC_B64U_BUF(32)];
	size_t n = 0, cap;
	FILE *f, *null = fopen("/dev/null", "w");
	char *out;

	/* walk the chain up to from - 1 without writing */
	for (unsigned i = 1; i < from; i++)
		seed_entry(null, &cs, i == 3 ? CHAIN_KIND_FOLLOWUP : CHAIN_KIND_REPORT,
		           i == 3 ? 1 : i, "2026-03-01", 0);
	prev = cs;
	f = open_memstream(&buf, &n);
	if (f == NULL || null == NULL)
		fz_die("memstream");
	for (unsigned i = from; i <= to; i++)
		seed_entry(f, &cs, i == 3 ? CHAIN_KIND_FOLLOWUP : CHAIN_KIND_REPORT, i == 3 ? 1 : i,
		           "2026-03-01", i == 2);
	fclose(f);
	fclose(null);
	b64(pk, sizeof pk, server_pk, 32);
	b64(ph, sizeof ph, prev.head, 32);
	b64(hh, sizeof hh, cs.head, 32);
	cap = n + 1024;
	out = malloc(cap);
	if (out == NULL)
		fz_die("malloc");
	*len = (size_t)snprintf(out, cap,
	                        "%s{\"type\":\"qingfeng-export\",\"v\":1,\"district\":\"d01\","
	                        "\"server_sign_pk\":\"%s\",\"from\":%u,\"to\":%u,\"prev_head\":"
	                        "\"%s\",\"head\":\"%s\",\"day\":\"2026-03-02\"}\n",
	                        resign ? "R\n" : "", pk, from, to, ph, hh);
	memcpy(out + *len, buf, n);
	*len += n;
	free(buf);
	if (!resign) {
		/* sign what follows the (absent) R line */
		sign_into(out, len, cap);
	}
	return out;
}

static void
make_seeds(void)
{
	size_t a, b;
	char *x, *y, *both;

	x = seed_bundle(&a, 1, 4, 0);
	fz_seed("signed-1-4", x, a);
	free(x);
	x = seed_bundle(&a, 1, 3, 1);
	fz_seed("resign-1-3", x, a);
	free(x);
	x = seed_bundle(&a, 1, 0, 1);
	fz_seed("resign-empty", x, a);
	free(x);
	x = seed_bundle(&a, 1, 3, 0);
	y = seed_bundle(&b, 2, 5, 0);
	both = malloc(a + b + 4);
	memcpy(both, x, a);
	memcpy(both + a, "%%\n", 3);
	memcpy(both + a + 3, y, b);
	fz_seed("two-overlapping", both, a + b + 3);
	free(both);
	free(x);
	free(y);
	x = seed_bundle(&a, 1, 2, 0);
	y = seed_bundle(&b, 4, 5, 1);
	both = malloc(a + b + 4);
	memcpy(both, x, a);
	memcpy(both + a, "%%\n", 3);
	memcpy(both + a + 3, y, b);
	fz_seed("two-with-gap", both, a + b + 3);
	free(both);
	free(x);
	free(y);
}

/* ---- the run ----------------------------------------------------------- */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct archive *a;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	fz_b64u(server_pk, 32, FZ_SERVER_SIGN_PK);
	fz_b64u(server_sk, 64, FZ_SERVER_SIGN_SK);
	if (fz_seed_dir() != NULL) {
		make_seeds();
		exit(0);
	}
	snprintf(dir, sizeof dir, "%s/archive", fz_tmpdir("ingest"));
	snprintf(live, sizeof live, "%s/data.mdb", dir);
	snprintf(tpl, sizeof tpl, "%s/../template.mdb", dir);
	if (archive_open(&a, dir, 1) != ARCHIVE_OK)
		fz_die("archive_open");
	archive_close(a);
	if (fz_copy_file(live, tpl) != 0)
		fz_die("template");
	return 0;
}

/* The district's verified size (0 when absent). */
static uint64_t
held(struct archive *a)
{
	struct archive_txn *t;
	struct archive_district d;
	uint64_t n = 0;

	if (archive_begin(a, 0, &t) != ARCHIVE_OK)
		abort();
	if (archive_district_get(t, "d01", &d) == ARCHIVE_OK)
		n = d.size;
	archive_abort(t);
	return n;
}

/* Ingests one bundle. Returns its outcome. */
static int
ingest_one(struct archive *a, const uint8_t *in, size_t size, int accept_new)
{
	struct ingest g;
	struct ingest_result res;
	char err[256], *buf = NULL;
	size_t len = size;
	FILE *f;
	int outcome;

	if (size >= 2 && in[0] == 'R' && in[1] == '\n') {
		size_t cap = size + 256;

		buf = malloc(cap);
		if (buf == NULL)
			abort();
		len = size - 2;
		memcpy(buf, in + 2, len);
		if (len == 0 || buf[len - 1] != '\n')
			buf[len++] = '\n';
		sign_into(buf, &len, cap);
	}
	if (len == 0)
		return INGEST_REFUSED;
	f = fmemopen(buf ? (void *)buf : (void *)(uintptr_t)in, len, "r");
	if (f == NULL)
		abort();
	if (ingest_open(&g, f, err, sizeof err) != 0) {
		ingest_close(&g);
		fclose(f);
		free(buf);
		return INGEST_REFUSED;
	}
	outcome = ingest_run(&g, a, fz_d01(), NULL, accept_new, 0, &res);
	if (outcome != res.outcome || res.message == NULL)
		abort();
	ingest_result_free(&res);
	ingest_close(&g);
	fclose(f);
	if (outcome == INGEST_DONE || outcome == INGEST_NOOP) {
		/* the same bundle again changes nothing */
		f = fmemopen(buf ? (void *)buf : (void *)(uintptr_t)in, len, "r");
		if (f == NULL || ingest_open(&g, f, err, sizeof err) != 0)
			abort();
		if (ingest_run(&g, a, fz_d01(), NULL, 0, 0, &res) != INGEST_NOOP)
			abort();
		ingest_result_free(&res);
		ingest_close(&g);
		fclose(f);
	}
	free(buf);
	return outcome;
}

static const struct keyfile_secret *
key_for(void *ctx, const char *district)
{
	(void)ctx;
	return strcmp(district, "d01") == 0 ? fz_d01() : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct archive *a;
	struct archive_txn *t;
	const uint8_t *second = NULL;
	size_t first = size, second_len = 0;
	char err[256];
	json_t *rows = NULL;

	for (size_t i = 0; i + 3 <= size; i++)
		if ((i == 0 || in[i - 1] == '\n') && memcmp(in + i, "%%\n", 3) == 0) {
			first = i;
			second = in + i + 3;
			second_len = size - i - 3;
			break;
		}
	if (fz_copy_file(tpl, live) != 0 || archive_open(&a, dir, 0) != ARCHIVE_OK)
		abort();
	for (int round = 0; round < 2; round++) {
		const uint8_t *p = round == 0 ? in : second;
		size_t n = round == 0 ? first : second_len;
		uint64_t before;
		int outcome;

		if (p == NULL)
			break;
		before = held(a);
		outcome = ingest_one(a, p, n, n > 0 && (p[n - 1] & 1));
		if ((outcome == INGEST_REFUSED || outcome == INGEST_FAILED) && held(a) != before)
			fz_fail("a refused bundle wrote something");
	}
	if (archive_begin(a, 0, &t) != ARCHIVE_OK)
		abort();
	if (view_list_rows(t, NULL, NULL, 0, key_for, NULL, &rows, err, sizeof err) == 0)
		json_decref(rows);
	archive_abort(t);
	archive_close(a);
	return 0;
}
