/*
 * Unit tests for report/ (the reporter CLI): manifests built from options,
 * option checks, envelopes sealed from files, receipt and answer checks, and
 * the submit/status/followup flows against a small in-process evhttp server
 * on 127.0.0.1 that answers with canned JSON made from test keys.
 */
#include "tests/unit/cm.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/keyfile.h"
#include "crypto/pow.h"
#include "crypto/receipt.h"
#include "crypto/sign.h"
#include "crypto/submission.h"
#include "report/client.h"
#include "report/manifest.h"
#include "report/package.h"
#include "report/proto.h"
#include "report/reporter.h"
#include "report/statefile.h"
#include "tests/unit/testutil.h"

#define DAY "2026-05-01"

/* ---- helpers ------------------------------------------------------------ */

/* Writes len bytes of a pattern to dir/name and returns the malloc'd path. */
static char *
make_file(const char *dir, const char *name, size_t len, uint8_t seed)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	assert_non_null(path);
	sprintf(path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (size_t i = 0; i < len; i++)
		fputc((int)((i * 31 + seed) & 0xff), f);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Writes the text to dir/name and returns the malloc'd path. */
static char *
make_text(const char *dir, const char *name, const char *text)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	assert_non_null(path);
	sprintf(path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Reads a whole file into a malloc'd buffer. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static char *
manifest_string(const json_t *m)
{
	char *txt;
	size_t len;
	char *copy;

	assert_non_null(m);
	assert_int_equal(manifest_text(&txt, &len, m), 0);
	assert_int_equal(strlen(txt), len);
	copy = strdup(txt);
	manifest_text_free(txt);
	return copy;
}

/* ---- manifests ---------------------------------------------------------- */

static void
test_manifest_exact(void **state)
{
	struct manifest_report r;
	json_t *m, *vec;
	char *txt;
	static const char *body = "正文内容 ";

	(void)state;
	manifest_report_defaults(&r);
	r.district = "d01";
	r.category = "integrity";
	r.subcategory = "违规收受礼品礼金";
	r.town = "城关镇";
	r.title = "向量 0";
	r.body = body;
	r.body_len = strlen(body);
	r.when = "2026-05";
	r.subject.unit = "城关镇政府";
	assert_null(manifest_report_check(&r));
	m = manifest_report_build(&r, NULL, 0);
	txt = manifest_string(m);
	assert_string_equal(
	        txt,
	        "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\",\"lang\":\"zh-CN\","
	        "\"report\":{\"type\":\"accusation\",\"category\":\"integrity\","
	        "\"subcategory\":\"违规收受礼品礼金\",\"town\":\"城关镇\",\"title\":\"向量 0\","
	        "\"body\":\"正文内容 \",\"when\":\"2026-05\",\"where\":\"\","
	        "\"subject\":{\"name\":\"\",\"unit\":\"城关镇政府\",\"area\":\"\","
	        "\"position\":\"\",\"level\":\"unknown\",\"party_member\":\"unknown\"},"
	        "\"identity\":null},\"attachments\":[]}");
	/* the same as the first known-answer envelope's manifest */
	vec = testutil_vector("envelopes.json");
	assert_true(json_equal(
	        m, json_object_get(json_array_get(json_object_get(vec, "valid"), 0), "manifest")));
	json_decref(vec);
	free(txt);
	json_decref(m);
}

static void
test_manifest_identity_and_attachments(void **state)
{
	struct manifest_report r;
	struct manifest_file f[3];
	char *dir = testutil_tmpdir();
	char *p0 = make_file(dir, "照片.JPG", 1000, 1);
	char *p1 = make_file(dir, "b.pdf", 0, 2);
	char *p2 = make_file(dir, "notes", 70000, 3);
	json_t *m;
	char *txt;

	(void)state;
	assert_int_equal(manifest_file_init(&f[0], p0), 0);
	assert_int_equal(manifest_file_init(&f[1], p1), 0);
	assert_int_equal(manifest_file_init(&f[2], p2), 0);
	assert_string_equal(f[0].name, "照片.JPG");
	assert_string_equal(f[0].type, "image/jpeg");
	assert_true(f[0].size == 1000);
	manifest_report_defaults(&r);
	r.district = "d01";
	r.type = "appeal";
	r.title = "T";
	r.body = "B\n";
	r.body_len = 2;
	r.real_name = 1;
	r.identity.name = "张三";
	r.identity.phone = "13800000000";
	r.subject.level = "township";
	r.subject.party_member = "yes";
	r.lang = "en";
	m = manifest_report_build(&r, f, 3);
	txt = manifest_string(m);
	assert_string_equal(
	        txt,
	        "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\",\"lang\":\"en\","
	        "\"report\":{\"type\":\"appeal\",\"category\":\"other\",\"subcategory\":\"\","
	        "\"town\":\"\",\"title\":\"T\",\"body\":\"B\\n\",\"when\":\"\",\"where\":\"\","
	        "\"subject\":{\"name\":\"\",\"unit\":\"\",\"area\":\"\",\"position\":\"\","
	        "\"level\":\"township\",\"party_member\":\"yes\"},"
	        "\"identity\":{\"name\":\"张三\",\"phone\":\"13800000000\",\"id_number\":\"\","
	        "\"unit\":\"\",\"address\":\"\"}},"
	        "\"attachments\":[{\"name\":\"照片.JPG\",\"type\":\"image/jpeg\",\"size\":1000},"
	        "{\"name\":\"b.pdf\",\"type\":\"application/pdf\",\"size\":0},"
	        "{\"name\":\"notes\",\"type\":\"application/octet-stream\",\"size\":70000}]}");
	free(txt);
	json_decref(m);

	/* a follow-up */
	{
		uint8_t lookup[32];
		char lk[CODEC_B64U_BUF(32)];
		char want[512];

		memset(lookup, 0xab, sizeof lookup);
		codec_b64u_encode(lk, sizeof lk, lookup, 32);
		m = manifest_followup_build("d01", lookup, "objection", "补充", strlen("补充"),
		                            f + 1, 1);
		txt = manifest_string(m);
		snprintf(want, sizeof want,
		         "{\"v\":1,\"kind\":\"followup\",\"district\":\"d01\",\"lookup\":\"%s\","
		         "\"purpose\":\"objection\",\"body\":\"补充\",\"attachments\":[{\"name\":"
		         "\"b.pdf\",\"type\":\"application/pdf\",\"size\":0}]}",
		         lk);
		assert_string_equal(txt, want);
		free(txt);
		json_decref(m);
		assert_null(manifest_followup_build("d01", lookup, "other", "x", 1, NULL, 0));
		assert_null(manifest_followup_build("D01", lookup, "material", "x", 1, NULL, 0));
		assert_null(manifest_followup_build("d01", lookup, "material", "\xff", 1, NULL, 0));
	}
	for (int i = 0; i < 3; i++)
		manifest_file_clear(&f[i]);
	/* not a regular file */
	assert_int_equal(manifest_file_init(&f[0], dir), -1);
	assert_null(f[0].path);
	assert_int_equal(manifest_file_init(&f[0], "/nonexistent/qf-none"), -1);
	testutil_rmtree(dir);
	free(p0);
	free(p1);
	free(p2);
	free(dir);
}

static void
test_guess_type(void **state)
{
	(void)state;
	assert_string_equal(manifest_guess_type("a.jpg"), "image/jpeg");
	assert_string_equal(manifest_guess_type("a.JPEG"), "image/jpeg");
	assert_string_equal(manifest_guess_type("x.png"), "image/png");
	assert_string_equal(manifest_guess_type("x.pdf"), "application/pdf");
	assert_string_equal(manifest_guess_type("x.txt"), "text/plain");
	assert_string_equal(manifest_guess_type("x.doc"), "application/msword");
	assert_string_equal(
	        manifest_guess_type("x.docx"),
	        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_string_equal(manifest_guess_type("x.mp3"), "audio/mpeg");
	assert_string_equal(manifest_guess_type("x.mp4"), "video/mp4");
	assert_string_equal(manifest_guess_type("x.tar.exe"), "application/octet-stream");
	assert_string_equal(manifest_guess_type(".jpg"), "application/octet-stream");
	assert_string_equal(manifest_guess_type("jpg"), "application/octet-stream");
	assert_string_equal(manifest_guess_type("x."), "application/octet-stream");
}

static void
test_option_checks(void **state)
{
	struct manifest_report r, base;
	const char *msg;

	(void)state;
	manifest_report_defaults(&base);
	base.district = "d01";
	base.title = "t";
	base.body = "b";
	base.body_len = 1;
	assert_null(manifest_report_check(&base));

#define EXPECT_BAD(field, value, option)                                                           \
	do {                                                                                       \
		r = base;                                                                          \
		r.field = value;                                                                   \
		msg = manifest_report_check(&r);                                                   \
		assert_non_null(msg);                                                              \
		assert_non_null(strstr(msg, option));                                              \
		assert_null(manifest_report_build(&r, NULL, 0));                                   \
	} while (0)
	EXPECT_BAD(type, "complaint", "--type");
	EXPECT_BAD(category, "Integrity", "--category");
	EXPECT_BAD(subject.level, "mayor", "--level");
	EXPECT_BAD(subject.party_member, "maybe", "--party-member");
	EXPECT_BAD(district, "D01", "--district");
	EXPECT_BAD(district, "", "--district");
	EXPECT_BAD(lang, "z", "--lang");
	EXPECT_BAD(lang, "zh-", "--lang");
	EXPECT_BAD(lang, "zh CN", "--lang");
	EXPECT_BAD(title, "", "--title");
	EXPECT_BAD(town, "\xc3\x28", "--town");
	EXPECT_BAD(subject.name, "\xff", "--subject-name");
	EXPECT_BAD(identity.phone, "\xe4\xb8", "--identity-phone");
	EXPECT_BAD(body_len, 0, "--body-file");
#undef EXPECT_BAD
	r = base;
	r.body = "\xff\xfe";
	r.body_len = 2;
	assert_non_null(strstr(manifest_report_check(&r), "--body-file"));
	r = base;
	r.lang = "zh-Hant-TW";
	assert_null(manifest_report_check(&r));
	assert_null(manifest_purpose_check("material"));
	assert_null(manifest_purpose_check("objection"));
	assert_non_null(strstr(manifest_purpose_check("complaint"), "--purpose"));
	assert_non_null(manifest_purpose_check(NULL));
}

/* ---- envelopes from files ----------------------------------------------- */

static void
test_package_roundtrip(void **state)
{
	uint8_t pk[32], sk[32];
	struct manifest_report r;
	struct manifest_file f[3];
	char *dir = testutil_tmpdir();
	char *paths[3];
	size_t sizes[3] = {1000, 0, 3 * ENVELOPE_CHUNK + 17};
	json_t *m;
	char *mtext;
	size_t mlen, envlen, bad;
	uint8_t *env;
	struct envelope_contents c;

	(void)state;
	crypto_box_keypair(pk, sk);
	for (int i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof name, "f%d.bin", i);
		paths[i] = make_file(dir, name, sizes[i], (uint8_t)(i + 7));
		assert_int_equal(manifest_file_init(&f[i], paths[i]), 0);
	}
	manifest_report_defaults(&r);
	r.district = "d01";
	r.title = "title";
	r.body = "body";
	r.body_len = 4;
	m = manifest_report_build(&r, f, 3);
	assert_non_null(m);
	assert_int_equal(manifest_text(&mtext, &mlen, m), 0);

	assert_int_equal(package_seal(&env, &envlen, pk, mtext, mlen, f, 3, NULL, 0, &bad),
	                 PACKAGE_OK);
	assert_true(envlen == package_size(mlen, f, 3));
	assert_int_equal(envelope_open_buffer(&c, pk, sk, env, envlen), ENVELOPE_OK);
	assert_int_equal(c.manifest_len, mlen);
	assert_memory_equal(c.manifest, mtext, mlen);
	assert_true(json_equal(c.parsed, m));
	assert_int_equal(c.natts, 3);
	for (int i = 0; i < 3; i++) {
		size_t len;
		uint8_t *want = slurp(paths[i], &len);

		assert_int_equal(c.att_len[i], len);
		if (len > 0)
			assert_memory_equal(c.att[i], want, len);
		free(want);
	}
	envelope_contents_free(&c);
	free(env);

	/*
	 * a follow-up's signature covers the files' hashes: sealing checks the
	 * bytes are still those, and a same-size change is refused
	 */
	{
		uint8_t h[3][32], want[32];
		size_t len, keep = envlen;
		uint8_t *b = slurp(paths[2], &len);
		char *p;

		crypto_generichash(want, 32, b, len, NULL, 0);
		free(b);
		assert_int_equal(package_hash_files(f, 3, h, &bad), PACKAGE_OK);
		assert_memory_equal(h[2], want, 32);
		assert_int_equal(package_seal(&env, &envlen, pk, mtext, mlen, f, 3,
		                              (const uint8_t(*)[32])h, 0, &bad),
		                 PACKAGE_OK);
		free(env);
		p = make_file(dir, "f2.bin", sizes[2], 42); /* same size, other bytes */
		free(p);
		assert_int_equal(package_seal(&env, &envlen, pk, mtext, mlen, f, 3,
		                              (const uint8_t(*)[32])h, 0, &bad),
		                 PACKAGE_ERR_CHANGED);
		assert_int_equal(bad, 2);
		assert_null(env);
		p = make_file(dir, "f2.bin", sizes[2], (uint8_t)(2 + 7));
		free(p);
		envlen = keep;
	}

	/* a limit below the envelope's size refuses before reading anything */
	assert_int_equal(package_seal(&env, &envlen, pk, mtext, mlen, f, 3, NULL, envlen - 1, &bad),
	                 PACKAGE_ERR_TOO_LARGE);
	assert_null(env);

	/* a file that shrinks or grows after it was described is refused */
	{
		char *p = make_file(dir, "f0.bin", 999, 7);
		free(p);
	}
	assert_int_equal(package_seal(&env, &envlen, pk, mtext, mlen, f, 3, NULL, 0, &bad),
	                 PACKAGE_ERR_CHANGED);
	assert_int_equal(bad, 0);
	assert_null(env);
	{
		char *p = make_file(dir, "f2.bin", sizes[2] + 1, 9);
		free(p);
		p = make_file(dir, "f0.bin", 1000, 7);
		free(p);
	}
	assert_int_equal(package_seal(&env, &envlen, pk, mtext, mlen, f, 3, NULL, 0, &bad),
	                 PACKAGE_ERR_CHANGED);
	assert_int_equal(bad, 2);
	unlink(paths[1]);
	assert_int_equal(package_seal(&env, &envlen, pk, mtext, mlen, f, 3, NULL, 0, &bad),
	                 PACKAGE_ERR_IO);
	assert_int_equal(bad, 1);

	manifest_text_free(mtext);
	json_decref(m);
	for (int i = 0; i < 3; i++) {
		manifest_file_clear(&f[i]);
		free(paths[i]);
	}
	testutil_rmtree(dir);
	free(dir);
}

/* ---- answers ------------------------------------------------------------ */

/* A 201 answer for the given values, signed with sk. */
static json_t *
receipt_answer(const uint8_t sk[64], const char *district, uint64_t index, const char *day,
               const uint8_t ehash[32], const uint8_t chain[32])
{
	uint8_t sig[SIGN_BYTES];
	char h[CODEC_B64U_BUF(32)], c[CODEC_B64U_BUF(32)], s[CODEC_B64U_BUF(64)];

	assert_int_equal(sign_receipt(sig, sk, district, index, day, ehash, chain), 0);
	codec_b64u_encode(h, sizeof h, ehash, 32);
	codec_b64u_encode(c, sizeof c, chain, 32);
	codec_b64u_encode(s, sizeof s, sig, 64);
	return json_pack("{s:{s:s,s:I,s:s,s:s,s:s,s:s}}", "receipt", "district", district, "index",
	                 (json_int_t)index, "day", day, "envelope_hash", h, "chain", c, "sig", s);
}

static void
test_receipt_verify(void **state)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64], ehash[32], other[32], chain[32];
	struct proto_receipt r;
	json_t *a;

	(void)state;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	randombytes_buf(ehash, sizeof ehash);
	randombytes_buf(chain, sizeof chain);
	memcpy(other, ehash, 32);
	other[31] ^= 1;

	a = receipt_answer(sk, "d01", 42, DAY, ehash, chain);
	assert_int_equal(proto_receipt_verify(&r, a, pk, "d01", ehash), PROTO_OK);
	assert_string_equal(r.district, "d01");
	assert_true(r.index == 42);
	assert_string_equal(r.day, DAY);
	assert_memory_equal(r.chain, chain, 32);
	/* another server key */
	assert_int_equal(proto_receipt_verify(&r, a, pk2, "d01", ehash), PROTO_ERR_SIGNATURE);
	assert_string_equal(r.district, "");
	/* another envelope than the one sent */
	assert_int_equal(proto_receipt_verify(&r, a, pk, "d01", other), PROTO_ERR_HASH);
	/* another district than asked */
	assert_int_equal(proto_receipt_verify(&r, a, pk, "d02", ehash), PROTO_ERR_DISTRICT);
	json_decref(a);

	/* signed by someone else */
	a = receipt_answer(sk2, "d01", 42, DAY, ehash, chain);
	assert_int_equal(proto_receipt_verify(&r, a, pk, "d01", ehash), PROTO_ERR_SIGNATURE);
	/* a field altered after signing */
	json_object_set_new(json_object_get(a, "receipt"), "index", json_integer(43));
	assert_int_equal(proto_receipt_verify(&r, a, pk2, "d01", ehash), PROTO_ERR_SIGNATURE);
	json_object_set_new(json_object_get(a, "receipt"), "index", json_integer(42));
	assert_int_equal(proto_receipt_verify(&r, a, pk2, "d01", ehash), PROTO_OK);
	/* a flipped signature bit */
	{
		json_t *rc = json_object_get(a, "receipt");
		char *sig = strdup(json_string_value(json_object_get(rc, "sig")));

		sig[3] = sig[3] == 'A' ? 'B' : 'A';
		json_object_set_new(rc, "sig", json_string(sig));
		assert_int_equal(proto_receipt_verify(&r, a, pk2, "d01", ehash),
		                 PROTO_ERR_SIGNATURE);
		free(sig);
	}
	/* malformed */
	json_object_set_new(json_object_get(a, "receipt"), "day", json_string("2026-13-01"));
	assert_int_equal(proto_receipt_verify(&r, a, pk2, "d01", ehash), PROTO_ERR_FORMAT);
	json_object_set_new(json_object_get(a, "receipt"), "day", json_string(DAY));
	json_object_set_new(json_object_get(a, "receipt"), "index", json_integer(0));
	assert_int_equal(proto_receipt_verify(&r, a, pk2, "d01", ehash), PROTO_ERR_FORMAT);
	json_object_del(json_object_get(a, "receipt"), "chain");
	assert_int_equal(proto_receipt_verify(&r, a, pk2, "d01", ehash), PROTO_ERR_FORMAT);
	json_decref(a);
	a = json_pack("{s:s}", "receipt", "x");
	assert_int_equal(proto_receipt_verify(&r, a, pk, "d01", ehash), PROTO_ERR_FORMAT);
	json_decref(a);
}

static void
test_error_parse(void **state)
{
	struct proto_error e;
	json_t *a;

	(void)state;
	a = json_loads("{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow \\u001b[31mdown\\n"
	               "\\u0085x\"}}",
	               0, NULL);
	assert_int_equal(proto_error_parse(&e, a), PROTO_OK);
	assert_string_equal(e.code, "rate_limited");
	assert_string_equal(e.message, "slow [31mdownx");
	json_decref(a);
	a = json_loads("{\"error\":{\"code\":\"pow_required\"}}", 0, NULL);
	assert_int_equal(proto_error_parse(&e, a), PROTO_OK);
	assert_string_equal(e.code, "pow_required");
	assert_string_equal(e.message, "");
	json_decref(a);
	static const char *bad[] = {
	        "{\"error\":{\"code\":\"Rate\"}}",
	        "{\"error\":{\"code\":\"\"}}",
	        "{\"error\":{\"code\":1}}",
	        "{\"error\":\"bad_json\"}",
	        "{\"code\":\"bad_json\"}",
	        "[1]",
	        "{\"error\":{\"code\":\"a\\u001bb\"}}",
	        "{\"error\":{\"code\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		a = json_loads(bad[i], 0, NULL);
		assert_non_null(a);
		assert_int_equal(proto_error_parse(&e, a), PROTO_ERR_FORMAT);
		assert_string_equal(e.code, "");
		json_decref(a);
	}
	assert_int_equal(proto_error_parse(&e, NULL), PROTO_ERR_FORMAT);
}

static void
test_printable(void **state)
{
	char out[16];

	(void)state;
	proto_printable(out, sizeof out, "a\tb\nc\x7f\x1b", 1);
	assert_string_equal(out, "a\tb\nc");
	proto_printable(out, sizeof out, "a\tb\nc", 0);
	assert_string_equal(out, "abc");
	/* cut at a character boundary: 5 CJK characters are 15 bytes */
	proto_printable(out, 8, "已受理已受理", 0);
	assert_string_equal(out, "已受");
	proto_printable(out, sizeof out, "\xff\xc3", 0);
	assert_string_equal(out, "??");
}

/* Bidi controls and zero-width characters from the server are dropped. */
static void
test_printable_invisible(void **state)
{
	char out[64];

	(void)state;
	/* RLO would show "已驳回" as "回驳已"; LRI/PDI, RLM/LRM, ALM likewise */
	proto_printable(out, sizeof out, "a\u202Eb\u202Ac\u2066d\u2069e\u200Ef\u200Fg\xd8\x9ch", 0);
	assert_string_equal(out, "abcdefgh");
	/* zero-width space, joiners, word joiner, BOM */
	proto_printable(out, sizeof out, "\u200B1\u200C2\u200D3\u20604\uFEFF5", 0);
	assert_string_equal(out, "12345");
	/* visible neighbours stay: NBSP, en space, arrows, CJK */
	proto_printable(out, sizeof out, "\u00A0\u2002\u2190已受理", 0);
	assert_string_equal(out, "\u00A0\u2002\u2190已受理");
	/* an overlong or surrogate form of a control is not a way round */
	proto_printable(out, sizeof out, "x\xf0\x82\x80\xaey\xed\xa0\x80z", 0);
	assert_string_equal(out, "x????y???z");
}

/* A name the server states: one line, no fingerprint-shaped hex. */
static void
test_name_line(void **state)
{
	char out[128];

	(void)state;
	proto_name_line(out, sizeof out,
	                "  某区\u2028纪委\u2029监委\u00a0\u3000 \t\n\xc2\x85"
	                "x  ");
	assert_string_equal(out, "某区 纪委 监委 x");
	proto_name_line(out, sizeof out,
	                "某区 Fingerprint: 0123 4567 89ab cdef 0123 4567 89ab cdef ✓");
	assert_string_equal(out, "某区 Fingerprint: [\u2026] ✓");
	/* 16 hex digits in a row, or with ':' '.' '-' between groups, count too */
	proto_name_line(out, sizeof out, "x0123456789ABCDEFz 0000:0000.0000-0000");
	assert_string_equal(out, "x[\u2026]z [\u2026]");
	/* three groups are not a fingerprint; ordinary names stay as they are */
	proto_name_line(out, sizeof out, "dead beef cafe 第2纪检监察室");
	assert_string_equal(out, "dead beef cafe 第2纪检监察室");
	/* bidi controls still go; a cut keeps a character boundary */
	proto_name_line(out, sizeof out, "a\u202Eb");
	assert_string_equal(out, "ab");
	proto_name_line(out, 8, "已受理已受理");
	assert_string_equal(out, "已受");
	proto_name_line(out, sizeof out, "");
	assert_string_equal(out, "");
}

/* The state file: one line per receipt, keyed by nothing the server knows. */
static void
test_pins_file(void **state)
{
	struct receipt_keys k1, k2;
	uint8_t key1[STATEFILE_KEY_BYTES], key2[STATEFILE_KEY_BYTES], again[STATEFILE_KEY_BYTES];
	char *dir = testutil_tmpdir();
	char path[512], link[512], d[STATEFILE_DISTRICT_BUF], fp[STATEFILE_FP_BUF], hex[65],
	        text[1024];
	struct stat st;
	FILE *f;
	size_t n;

	(void)state;
	assert_int_equal(receipt_derive("MS0Z-H1WW-YKQN-03JM-SFCX", &k1), 0);
	receipt_generate(text);
	assert_int_equal(receipt_derive(text, &k2), 0);
	statefile_key(key1, &k1);
	statefile_key(again, &k1);
	statefile_key(key2, &k2);
	assert_memory_equal(key1, again, sizeof key1);
	assert_memory_not_equal(key1, key2, sizeof key1);
	assert_memory_not_equal(key1, k1.lookup, sizeof key1);

	snprintf(path, sizeof path, "%s/state/qingfeng/pins", dir);
	assert_int_equal(statefile_find(path, key1, d, fp), STATEFILE_NONE);
	assert_int_equal(
	        statefile_add(path, key1, "d01", "B81B 2EF3 d63b 16ca ac5e 29ef 6391 f289"),
	        STATEFILE_OK);
	assert_int_equal(
	        statefile_add(path, key1, "d02", "0000 0000 0000 0000 0000 0000 0000 0000"),
	        STATEFILE_OK);
	assert_int_equal(statefile_add(path, key2, "d02", "00000000000000000000000000000001"),
	                 STATEFILE_OK);
	assert_int_equal(statefile_find(path, key1, d, fp), STATEFILE_OK);
	assert_string_equal(d, "d01");
	assert_string_equal(fp, "b81b2ef3d63b16caac5e29ef6391f289");
	assert_int_equal(statefile_find(path, key2, d, fp), STATEFILE_OK);
	assert_string_equal(d, "d02");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(link, sizeof link, "%s/state/qingfeng", dir);
	assert_int_equal(stat(link, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* two lines, neither holding the receipt's lookup */
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_int_equal(n, 2 * (64 + 1 + 3 + 1 + 32 + 1));
	sodium_bin2hex(hex, sizeof hex, k1.lookup, 32);
	assert_null(strstr(text, hex));
	assert_null(strstr(text, "MS0Z"));

	/* what cannot be stored, a file that is not ours, a symlink */
	assert_int_equal(statefile_add(path, key1, "d 01", "b81b2ef3d63b16caac5e29ef6391f289"),
	                 STATEFILE_ERR_ARG);
	assert_int_equal(statefile_add(path, key1, "d01", "b81b2ef3"), STATEFILE_ERR_ARG);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("not a pin\n", f);
	fclose(f);
	again[0] ^= 1; /* a receipt with no line: the whole file is read */
	assert_int_equal(statefile_find(path, again, d, fp), STATEFILE_ERR_FORMAT);
	snprintf(link, sizeof link, "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(statefile_find(link, key1, d, fp), STATEFILE_ERR_IO);
	assert_int_equal(statefile_add(link, key1, "d01", "b81b2ef3d63b16caac5e29ef6391f289"),
	                 STATEFILE_ERR_IO);

	/* where it lives */
	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_int_equal(statefile_default_path(path, sizeof path), STATEFILE_OK);
	assert_string_equal(path, "/x/state/qingfeng/pins");
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/r", 1);
	assert_int_equal(statefile_default_path(path, sizeof path), STATEFILE_OK);
	assert_string_equal(path, "/home/r/.local/state/qingfeng/pins");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	assert_int_equal(statefile_default_path(path, sizeof path), STATEFILE_ERR_ARG);
	testutil_rmtree(dir);
	free(dir);
}

static void
test_pin(void **state)
{
	const char *fp = "1a2b 3c4d 5e6f 7081 92a3 b4c5 d6e7 f809";

	(void)state;
	assert_true(proto_pin_valid(fp));
	assert_true(proto_pin_matches(fp, fp));
	assert_true(proto_pin_matches("1A2B3C4D5E6F708192A3B4C5D6E7F809", fp));
	assert_true(proto_pin_matches(" 1a2b-3c4d:5e6f 7081  92A3 b4c5 d6e7 f809 ", fp));
	assert_false(proto_pin_matches("1a2b 3c4d 5e6f 7081 92a3 b4c5 d6e7 f808", fp));
	assert_false(proto_pin_valid("1a2b 3c4d 5e6f 7081 92a3 b4c5 d6e7 f80"));
	assert_false(proto_pin_valid("1a2b 3c4d 5e6f 7081 92a3 b4c5 d6e7 f8090"));
	assert_false(proto_pin_valid("1a2b 3c4d 5e6f 7081 92a3 b4c5 d6e7 f80g"));
	assert_false(proto_pin_valid(""));
	assert_false(proto_pin_valid(NULL));
	assert_false(proto_pin_matches("zz", fp));
}

/* ---- the in-process test server ----------------------------------------- */

struct tsrv {
	struct event_base *base;
	struct evhttp *http;
	char url[64];
	struct keyfile_secret *district;
	uint8_t sign_pk[32], sign_sk[64];
	unsigned difficulty;
	uint8_t last_challenge[POW_CHALLENGE_BYTES];
	/* counters */
	int requests, posts, pow_gets, status_posts;
	/* misbehaviour */
	int fail_status;       /* answer POST /reports with this status ... */
	const char *fail_code; /* ... and this error code */
	int expire_first;      /* answer the first POST with pow_expired */
	int bad_sig, bad_hash, bad_district, hang_info, hang_reports, forged_reply;
	int unsigned_reply; /* a reply without the district's signature */
	const char *raw;    /* GET /qf/raw answers these raw_len bytes */
	size_t raw_len;
	/* state */
	uint64_t next_index;
	uint8_t chain[32];
	int have_case;
	uint8_t lookup[32], auth_hash[32], reply_pk[32];
	int nfollowups;
	struct envelope_contents last; /* the last envelope received, opened */
	char last_kind[16];
};

static void
send_json(struct evhttp_request *req, int status, json_t *j)
{
	struct evbuffer *b = evbuffer_new();
	char *txt = json_dumps(j, JSON_COMPACT);

	assert_non_null(b);
	assert_non_null(txt);
	evbuffer_add(b, txt, strlen(txt));
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "application/json");
	evhttp_send_reply(req, status,
	                  status == 200   ? "OK"
	                  : status == 201 ? "Created"
	                                  : "Error",
	                  b);
	evbuffer_free(b);
	free(txt);
	json_decref(j);
}

static void
send_error(struct evhttp_request *req, int status, const char *code)
{
	send_json(req, status,
	          json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", "test says no"));
}

static json_t *
info_json(struct tsrv *s)
{
	json_t *d = keyfile_public_to_json(&s->district->pub);
	char pk[CODEC_B64U_BUF(32)];

	assert_non_null(d);
	json_object_del(d, "type");
	json_object_del(d, "v");
	codec_b64u_encode(pk, sizeof pk, s->sign_pk, 32);
	return json_pack("{s:s,s:i,s:s,s:s,s:[o],s:{s:i},s:{s:i}}", "service", "qingfeng", "api", 1,
	                 "version", "test", "server_sign_pk", pk, "districts", d, "limits",
	                 "max_envelope_bytes", 1 << 20, "pow", "difficulty", (int)s->difficulty);
}

static json_t *
body_json(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	unsigned char *p = evbuffer_pullup(in, -1);

	return json_loadb((const char *)p, len, 0, NULL);
}

static int
get_b64u32(uint8_t out[32], const json_t *j, const char *key)
{
	return codec_b64u_decode_exact(out, 32, json_string_value(json_object_get(j, key)));
}

/*
 * Splits a write's body (crypto/submission.h) into J (returned) and the
 * envelope (*env, malloc'd); NULL when the body or its media type is wrong.
 */
static json_t *
sub_json(struct evhttp_request *req, uint8_t **env, size_t *envlen)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
	size_t len = evbuffer_get_length(in), jlen;
	unsigned char *p = evbuffer_pullup(in, -1);
	json_t *j;

	*env = NULL;
	*envlen = 0;
	if (ct == NULL || strcmp(ct, SUBMISSION_TYPE) != 0 || p == NULL ||
	    submission_split(p, len, &jlen) != 0)
		return NULL;
	j = json_loadb((const char *)p + 4, jlen, JSON_REJECT_DUPLICATES, NULL);
	*envlen = len - 4 - jlen;
	*env = malloc(*envlen);
	assert_non_null(*env);
	memcpy(*env, p + 4 + jlen, *envlen);
	return j;
}

/*
 * Checks the Qingfeng-PoW header (at the difficulty the body's size needs)
 * and opens the envelope of a POST. Returns 0, or answers the request with
 * an error and returns -1.
 */
static int
take_envelope(struct tsrv *s, struct evhttp_request *req, const uint8_t *env, size_t envlen,
              uint8_t ehash[32])
{
	const char *pow = evhttp_find_header(evhttp_request_get_input_headers(req), POW_HEADER);
	const char *cl =
	        evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Length");
	uint8_t ch[POW_CHALLENGE_BYTES], nonce[POW_NONCE_BYTES];

	if (pow == NULL || cl == NULL || pow_header_parse(ch, nonce, pow) != 0) {
		send_error(req, 429, "pow_required");
		return -1;
	}
	if (memcmp(ch, s->last_challenge, sizeof ch) != 0 ||
	    pow_solution_check(ch, nonce, pow_required(s->difficulty, strtoull(cl, NULL, 10))) !=
	            POW_OK) {
		send_error(req, 429, "pow_invalid");
		return -1;
	}
	if (env == NULL) {
		send_error(req, 400, "bad_envelope");
		return -1;
	}
	envelope_contents_free(&s->last);
	if (envelope_open_buffer(&s->last, s->district->pub.box_pk, s->district->box_sk, env,
	                         envlen) != ENVELOPE_OK) {
		send_error(req, 400, "bad_envelope");
		return -1;
	}
	chain_h256(ehash, env, envlen);
	return 0;
}

static void
send_receipt(struct tsrv *s, struct evhttp_request *req, int kind, const uint8_t ehash[32])
{
	uint8_t chain[32], h[32];
	uint64_t index = ++s->next_index;
	json_t *a;
	const char *district = s->bad_district ? "d02" : "d01";

	assert_int_equal(chain_next(chain, s->chain, index, kind, s->lookup, ehash, DAY), 0);
	memcpy(s->chain, chain, 32);
	memcpy(h, ehash, 32);
	if (s->bad_hash)
		h[0] ^= 1;
	a = receipt_answer(s->sign_sk, district, index, DAY, h, chain);
	if (s->bad_sig) {
		json_t *rc = json_object_get(a, "receipt");
		uint8_t sig[64];

		testutil_b64u(sig, 64, json_string_value(json_object_get(rc, "sig")));
		sig[10] ^= 0x40;
		char txt[CODEC_B64U_BUF(64)];
		codec_b64u_encode(txt, sizeof txt, sig, 64);
		json_object_set_new(rc, "sig", json_string(txt));
	}
	send_json(req, 201, a);
}

static void
handle_reports(struct tsrv *s, struct evhttp_request *req)
{
	uint8_t *env = NULL;
	size_t envlen = 0;
	json_t *j = sub_json(req, &env, &envlen);
	uint8_t ehash[32];
	const char *district = json_string_value(json_object_get(j, "district"));

	if (s->hang_reports)
		goto out; /* never answer */
	if (s->expire_first) {
		s->expire_first = 0;
		send_error(req, 429, "pow_expired");
		goto out;
	}
	if (s->fail_status != 0) {
		send_error(req, s->fail_status, s->fail_code);
		goto out;
	}
	if (j == NULL || district == NULL || strcmp(district, "d01") != 0 ||
	    get_b64u32(s->lookup, j, "lookup") != 0 ||
	    get_b64u32(s->auth_hash, j, "auth_hash") != 0 ||
	    get_b64u32(s->reply_pk, j, "reply_pk") != 0 || json_object_size(j) != 4) {
		send_error(req, 400, "bad_field");
		goto out;
	}
	if (take_envelope(s, req, env, envlen, ehash) != 0)
		goto out;
	s->have_case = 1;
	snprintf(s->last_kind, sizeof s->last_kind, "report");
	send_receipt(s, req, CHAIN_KIND_REPORT, ehash);
out:
	free(env);
	json_decref(j);
}

/* Checks lookup and auth of a status or follow-up request. */
static int
check_auth(struct tsrv *s, const json_t *j)
{
	uint8_t lookup[32], auth[32], h[32];

	if (!s->have_case || get_b64u32(lookup, j, "lookup") != 0 ||
	    get_b64u32(auth, j, "auth") != 0)
		return -1;
	receipt_auth_hash(h, auth);
	if (memcmp(lookup, s->lookup, 32) != 0 || memcmp(h, s->auth_hash, 32) != 0)
		return -1;
	return 0;
}

static void
handle_followups(struct tsrv *s, struct evhttp_request *req)
{
	uint8_t *env = NULL;
	size_t envlen = 0;
	json_t *j = sub_json(req, &env, &envlen);
	uint8_t ehash[32];

	if (j == NULL || json_object_size(j) != 2 || check_auth(s, j) != 0) {
		send_error(req, 404, "not_found");
		goto out;
	}
	if (take_envelope(s, req, env, envlen, ehash) != 0)
		goto out;
	s->nfollowups++;
	snprintf(s->last_kind, sizeof s->last_kind, "followup");
	send_receipt(s, req, CHAIN_KIND_FOLLOWUP, ehash);
out:
	free(env);
	json_decref(j);
}

/* A reply sealed to the reporter: status accepted, one attachment. */
static json_t *
make_reply(struct tsrv *s, uint64_t seq, const uint8_t lookup[32])
{
	static const char att[] = "通知书内容\n";
	char lk[CODEC_B64U_BUF(32)];
	json_t *m, *r;
	char *mt;
	uint8_t *env;
	size_t envlen;
	struct envelope_blob blob = {(const uint8_t *)att, sizeof att - 1};
	char *envtxt;

	codec_b64u_encode(lk, sizeof lk, lookup, 32);
	m = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:i}]}", "v", 1, "kind", "reply",
	              "district", "d01", "lookup", lk, "status", "accepted", "body",
	              "您的举报已受理。\n\x1b[2J请耐心等待。", "attachments", "name",
	              "../../.profile", "type", "text/plain", "size", (int)(sizeof att - 1));
	assert_non_null(m);
	if (!s->unsigned_reply) {
		const char *body = json_string_value(json_object_get(m, "body"));
		uint8_t bh[32], ah[1][32], sig[64];
		char sigtxt[CODEC_B64U_BUF(64)];

		chain_h256(bh, (const uint8_t *)body, strlen(body));
		chain_h256(ah[0], blob.data, blob.len);
		assert_int_equal(sign_reply(sig, s->district->sign_sk, "d01", lookup, "accepted",
		                            bh, (const uint8_t(*)[32])ah, 1),
		                 0);
		codec_b64u_encode(sigtxt, sizeof sigtxt, sig, sizeof sig);
		json_object_set_new(m, "sig", json_string(sigtxt));
	}
	mt = json_dumps(m, JSON_COMPACT);
	assert_int_equal(envelope_seal_buffer(&env, &envlen, s->reply_pk, mt, strlen(mt), &blob, 1),
	                 ENVELOPE_OK);
	envtxt = codec_b64u_encode_alloc(env, envlen);
	r = json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)seq, "day", DAY, "envelope", envtxt);
	free(envtxt);
	free(env);
	free(mt);
	json_decref(m);
	return r;
}

static void
handle_status(struct tsrv *s, struct evhttp_request *req)
{
	json_t *j = body_json(req);
	json_t *replies;

	s->status_posts++;
	if (j == NULL || json_object_size(j) != 2 || check_auth(s, j) != 0) {
		send_error(req, 404, "not_found");
		goto out;
	}
	replies = json_array();
	json_array_append_new(replies, make_reply(s, 1, s->lookup));
	if (s->forged_reply) {
		uint8_t other[32];

		memset(other, 7, sizeof other);
		json_array_append_new(replies, make_reply(s, 2, other));
	}
	send_json(req, 200,
	          json_pack("{s:s,s:i,s:s,s:s,s:s,s:b,s:o,s:i}", "district", "d01", "index", 1,
	                    "status", "accepted", "status_day", "2026-05-03", "created_day", DAY,
	                    "delivered", s->nfollowups == 0, "replies", replies, "followups",
	                    s->nfollowups));
out:
	json_decref(j);
}

static void
handler(struct evhttp_request *req, void *arg)
{
	struct tsrv *s = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	enum evhttp_cmd_type m = evhttp_request_get_command(req);

	s->requests++;
	if (m == EVHTTP_REQ_POST)
		s->posts++;
	if (path == NULL) {
		send_error(req, 404, "not_found");
	} else if (m == EVHTTP_REQ_GET && strcmp(path, "/qf/api/v1/info") == 0) {
		if (!s->hang_info)
			send_json(req, 200, info_json(s));
		/* else: never answer */
	} else if (m == EVHTTP_REQ_GET && strcmp(path, "/qf/api/v1/pow") == 0) {
		char ch[CODEC_B64U_BUF(POW_CHALLENGE_BYTES)];

		s->pow_gets++;
		randombytes_buf(s->last_challenge, sizeof s->last_challenge);
		codec_b64u_encode(ch, sizeof ch, s->last_challenge, sizeof s->last_challenge);
		send_json(req, 200,
		          json_pack("{s:s,s:i,s:i}", "challenge", ch, "difficulty",
		                    (int)s->difficulty, "expires_in", 300));
	} else if (m == EVHTTP_REQ_POST && strcmp(path, "/qf/api/v1/reports") == 0) {
		handle_reports(s, req);
	} else if (m == EVHTTP_REQ_POST && strcmp(path, "/qf/api/v1/followups") == 0) {
		handle_followups(s, req);
	} else if (m == EVHTTP_REQ_POST && strcmp(path, "/qf/api/v1/status") == 0) {
		handle_status(s, req);
	} else if (m == EVHTTP_REQ_GET && strcmp(path, "/qf/raw") == 0 && s->raw != NULL) {
		struct evbuffer *b = evbuffer_new();

		assert_non_null(b);
		assert_int_equal(evbuffer_add(b, s->raw, s->raw_len), 0);
		evhttp_send_reply(req, 200, "OK", b);
		evbuffer_free(b);
	} else {
		send_error(req, 404, "not_found");
	}
}

static int
tsrv_setup(void **state)
{
	struct tsrv *s = calloc(1, sizeof *s);
	struct evhttp_bound_socket *h;
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;

	assert_non_null(s);
	s->base = event_base_new();
	s->http = evhttp_new(s->base);
	assert_non_null(s->http);
	h = evhttp_bind_socket_with_handle(s->http, "127.0.0.1", 0);
	assert_non_null(h);
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(h), (struct sockaddr *)&sin, &slen),
	                 0);
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d/qf/", ntohs(sin.sin_port));
	evhttp_set_gencb(s->http, handler, s);
	assert_int_equal(keyfile_generate(&s->district, "d01", "测试区纪委监委"), KEYFILE_OK);
	crypto_sign_keypair(s->sign_pk, s->sign_sk);
	s->difficulty = 6;
	*state = s;
	return 0;
}

static int
tsrv_teardown(void **state)
{
	struct tsrv *s = *state;

	envelope_contents_free(&s->last);
	keyfile_secret_free(s->district);
	evhttp_free(s->http);
	event_base_free(s->base);
	free(s);
	return 0;
}

/* Output of one command run. */
struct run {
	int rc;
	char *out, *err;
	size_t outlen, errlen;
};

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* Runs qingfeng-report with the NULL-terminated arguments against s. */
static struct run
run_cmd(struct tsrv *s, const char *stdin_text, ...)
{
	struct run r;
	struct reporter_io io;
	char *argv[64];
	int argc = 0;
	va_list ap;
	const char *a;
	FILE *in = NULL;

	memset(&r, 0, sizeof r);
	argv[argc++] = strdup("qingfeng-report");
	va_start(ap, stdin_text);
	while ((a = va_arg(ap, const char *)) != NULL) {
		assert_true(argc < 63);
		argv[argc++] = strdup(a);
	}
	va_end(ap);
	argv[argc] = NULL;
	io.out = open_memstream(&r.out, &r.outlen);
	io.err = open_memstream(&r.err, &r.errlen);
	if (stdin_text != NULL)
		in = fmemopen((void *)stdin_text, strlen(stdin_text), "r");
	else
		in = fopen("/dev/null", "r");
	io.in = in;
	io.base = s != NULL ? s->base : NULL;
	io.progress = 0;
	assert_non_null(io.out);
	assert_non_null(io.err);
	assert_non_null(in);
	r.rc = reporter_main(argc, argv, &io);
	fclose(io.out);
	fclose(io.err);
	fclose(in);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return r;
}

/* Finds the first XXXX-XXXX-XXXX-XXXX-XXXX in text and copies it into out. */
static int
find_receipt(const char *text, char out[RECEIPT_TEXT_BUF])
{
	for (const char *p = text; p != NULL && *p != '\0'; p++) {
		int ok = 1;

		for (int i = 0; i < RECEIPT_TEXT_LEN && ok; i++) {
			char c = p[i];

			if (i % 5 == 4)
				ok = c == '-';
			else
				ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
		}
		if (ok && (p[RECEIPT_TEXT_LEN] == '\n' || p[RECEIPT_TEXT_LEN] == '\0')) {
			char copy[RECEIPT_TEXT_BUF];

			memcpy(copy, p, RECEIPT_TEXT_LEN);
			copy[RECEIPT_TEXT_LEN] = '\0';
			if (receipt_parse(copy, out) == 0 && strcmp(copy, out) == 0)
				return 0;
		}
	}
	return -1;
}

/* Asserts that nothing derived from the receipt shows in the text. */
static void
assert_no_secrets(const struct tsrv *s, const char *text)
{
	char lk[CODEC_B64U_BUF(32)], ah[CODEC_B64U_BUF(32)];

	codec_b64u_encode(lk, sizeof lk, s->lookup, 32);
	codec_b64u_encode(ah, sizeof ah, s->auth_hash, 32);
	assert_null(strstr(text, lk));
	assert_null(strstr(text, ah));
}

/* Submits a report with two attachments; returns its receipt in out. */
static void
submit_ok(struct tsrv *s, const char *dir, char receipt[RECEIPT_TEXT_BUF])
{
	char *bodyp = make_file(dir, "body.txt", 0, 0);
	char *att1 = make_file(dir, "证据.jpg", 5000, 1);
	char *att2 = make_file(dir, "record.mp3", 100000, 2);
	FILE *f = fopen(bodyp, "w");
	struct run r;
	size_t l1, l2;
	uint8_t *d1, *d2;
	const json_t *rep;

	fputs("2026年5月，某局长收受礼金。\n", f);
	fclose(f);
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title",
	            "收受礼金", "--body-file", bodyp, "--category", "integrity", "--town", "城关镇",
	            "--subject-unit", "某局", "--level", "township", "--attach", att1, "--attach",
	            att2, "--send-uncleaned", "--keep-names", NULL);
	if (r.rc != 0)
		fprintf(stderr, "out: %s\nerr: %s\n", r.out, r.err);
	assert_int_equal(r.rc, 0);
	assert_int_equal(find_receipt(r.out, receipt), 0);
	assert_non_null(strstr(r.out, s->district->pub.fingerprint));
	{
		char entry[64];

		snprintf(entry, sizeof entry, "entry %llu, day " DAY,
		         (unsigned long long)s->next_index);
		assert_non_null(strstr(r.out, entry));
	}
	assert_non_null(strstr(r.out, "SECRET"));
	assert_no_secrets(s, r.out);
	assert_no_secrets(s, r.err);
	/* what the district gets */
	assert_string_equal(s->last_kind, "report");
	rep = json_object_get(s->last.parsed, "report");
	assert_string_equal(json_string_value(json_object_get(s->last.parsed, "kind")), "report");
	assert_string_equal(json_string_value(json_object_get(rep, "body")),
	                    "2026年5月，某局长收受礼金。\n");
	assert_string_equal(json_string_value(json_object_get(rep, "category")), "integrity");
	assert_true(json_is_null(json_object_get(rep, "identity")));
	assert_int_equal(s->last.natts, 2);
	d1 = slurp(att1, &l1);
	d2 = slurp(att2, &l2);
	assert_int_equal(s->last.att_len[0], l1);
	assert_int_equal(s->last.att_len[1], l2);
	assert_memory_equal(s->last.att[0], d1, l1);
	assert_memory_equal(s->last.att[1], d2, l2);
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(s->last.parsed, "attachments"), 0), "type")),
	        "image/jpeg");
	/* the receipt derives what the server was sent */
	{
		struct receipt_keys k;

		assert_int_equal(receipt_derive(receipt, &k), 0);
		assert_memory_equal(k.lookup, s->lookup, 32);
		assert_memory_equal(k.auth_hash, s->auth_hash, 32);
		assert_memory_equal(k.reply_pk, s->reply_pk, 32);
		receipt_keys_wipe(&k);
	}
	free(d1);
	free(d2);
	free(bodyp);
	free(att1);
	free(att2);
	run_free(&r);
}

static void
test_flow_submit_status_followup(void **state)
{
	struct tsrv *s = *state;
	char *dir = testutil_tmpdir();
	char receipt[RECEIPT_TEXT_BUF], typed[64], saved[4096];
	struct run r;

	submit_ok(s, dir, receipt);
	assert_int_equal(s->pow_gets, 1);

	/* status, typed sloppily, with the attachment saved */
	snprintf(typed, sizeof typed, "  %s  ", receipt);
	for (char *p = typed; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", typed, "--save-dir", dir,
	            NULL);
	if (r.rc != 0)
		fprintf(stderr, "out: %s\nerr: %s\n", r.out, r.err);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "accepted (已受理)"));
	assert_non_null(strstr(r.out, "since 2026-05-03"));
	assert_non_null(strstr(r.out, "Filed:       " DAY));
	assert_non_null(strstr(r.out, "confirmed by the district"));
	assert_non_null(strstr(r.out, "Follow-ups:  0"));
	assert_non_null(strstr(r.out, "您的举报已受理。\n[2J请耐心等待。"));
	assert_null(strchr(r.out, '\x1b'));
	assert_non_null(strstr(r.out, "_profile"));
	assert_no_secrets(s, r.out);
	run_free(&r);
	snprintf(saved, sizeof saved, "%s/reply1-1-_profile", dir);
	{
		size_t len;
		uint8_t *d = slurp(saved, &len);
		struct stat st;

		assert_int_equal(len, strlen("通知书内容\n"));
		assert_memory_equal(d, "通知书内容\n", len);
		assert_int_equal(stat(saved, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		free(d);
	}
	/* a second status run refuses to overwrite the saved file */
	r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", receipt, "--save-dir", dir,
	            NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.out, "NOT saved"));
	run_free(&r);

	/* status without --save-dir saves nothing */
	unlink(saved);
	r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", receipt, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(access(saved, F_OK), -1);
	run_free(&r);

	/* follow-up, receipt from standard input */
	{
		char *bodyp = make_file(dir, "more.txt", 0, 0);
		char *att = make_file(dir, "more.pdf", 1234, 5);
		FILE *f = fopen(bodyp, "w");
		char line[64];
		char lk[CODEC_B64U_BUF(32)];

		fputs("补充材料", f);
		fclose(f);
		snprintf(line, sizeof line, "%s\n", receipt);
		r = run_cmd(s, line, "followup", "--server", s->url, "--receipt", "-",
		            "--body-file", bodyp, "--attach", att, "--purpose", "objection",
		            "--send-uncleaned", "--pin", s->district->pub.fingerprint, NULL);
		if (r.rc != 0)
			fprintf(stderr, "out: %s\nerr: %s\n", r.out, r.err);
		assert_int_equal(r.rc, 0);
		assert_non_null(strstr(r.out, "Follow-up filed"));
		assert_non_null(strstr(r.out, "entry 2, day " DAY));
		assert_string_equal(s->last_kind, "followup");
		codec_b64u_encode(lk, sizeof lk, s->lookup, 32);
		assert_string_equal(json_string_value(json_object_get(s->last.parsed, "kind")),
		                    "followup");
		assert_string_equal(json_string_value(json_object_get(s->last.parsed, "district")),
		                    "d01");
		assert_string_equal(json_string_value(json_object_get(s->last.parsed, "lookup")),
		                    lk);
		assert_string_equal(json_string_value(json_object_get(s->last.parsed, "purpose")),
		                    "objection");
		assert_string_equal(json_string_value(json_object_get(s->last.parsed, "body")),
		                    "补充材料");
		assert_int_equal(s->last.natts, 1);
		assert_int_equal(s->last.att_len[0], 1234);
		assert_no_secrets(s, r.out);
		run_free(&r);
		free(bodyp);
		free(att);
	}
	r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", receipt, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Follow-ups:  1"));
	assert_non_null(strstr(r.out, "not yet confirmed"));
	run_free(&r);

	testutil_rmtree(dir);
	free(dir);
}

static void
test_flow_pin(void **state)
{
	struct tsrv *s = *state;
	char *dir = testutil_tmpdir();
	char *bodyp = make_text(dir, "b.txt", "举报内容\n");
	char pin[KEYFILE_FINGERPRINT_BUF];
	struct run r;

	/* a wrong pin refuses before anything is posted */
	snprintf(pin, sizeof pin, "%s", s->district->pub.fingerprint);
	pin[0] = pin[0] == '0' ? '1' : '0';
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, "--pin", pin, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "does not match --pin"));
	assert_int_equal(s->posts, 0);
	assert_int_equal(s->pow_gets, 0);
	{
		char none[RECEIPT_TEXT_BUF];

		assert_int_equal(find_receipt(r.out, none), -1);
	}
	run_free(&r);

	/* the right pin, written in capitals without spaces, goes through */
	{
		char packed[40];
		size_t n = 0;

		for (const char *p = s->district->pub.fingerprint; *p != '\0'; p++)
			if (*p != ' ')
				packed[n++] = (char)(*p >= 'a' && *p <= 'f' ? *p - 'a' + 'A' : *p);
		packed[n] = '\0';
		r = run_cmd(s, "report text from stdin", "submit", "--server", s->url, "--district",
		            "d01", "--title", "t", "--body-file", "-", "--pin", packed, NULL);
		assert_int_equal(r.rc, 0);
		assert_non_null(strstr(r.out, "matches --pin"));
		assert_int_equal(s->posts, 1);
		assert_string_equal(json_string_value(json_object_get(
		                            json_object_get(s->last.parsed, "report"), "body")),
		                    "report text from stdin");
		run_free(&r);
	}
	/* a malformed pin is a usage error */
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, "--pin", "abcd", NULL);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "--pin"));
	run_free(&r);
	/* an unknown district */
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d09", "--title", "t",
	            "--body-file", bodyp, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "does not serve district d09"));
	run_free(&r);
	free(bodyp);
	testutil_rmtree(dir);
	free(dir);
}

static void
test_flow_errors(void **state)
{
	struct tsrv *s = *state;
	char *dir = testutil_tmpdir();
	char *bodyp = make_text(dir, "b.txt", "举报内容\n");
	char receipt[RECEIPT_TEXT_BUF];
	struct run r;

	/* 429 and 400 error answers name the code, exit 1, no receipt shown */
	s->fail_status = 429;
	s->fail_code = "rate_limited";
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "rate_limited"));
	assert_non_null(strstr(r.err, "429"));
	assert_ptr_equal(strchr(r.err, '\n'), r.err + strlen(r.err) - 1); /* one line */
	assert_int_equal(find_receipt(r.out, receipt), -1);
	run_free(&r);
	s->fail_status = 400;
	s->fail_code = "bad_envelope";
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "bad_envelope"));
	run_free(&r);
	s->fail_status = 0;

	/* more than the server accepts: refused here, before any challenge or POST */
	{
		char *big = make_file(dir, "big.mp4", (1 << 20) + 1, 4);
		int posts = s->posts, pows = s->pow_gets;

		r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title",
		            "t", "--body-file", bodyp, "--attach", big, "--send-uncleaned", NULL);
		assert_int_equal(r.rc, 1);
		assert_non_null(strstr(r.err, "too large"));
		assert_int_equal(s->posts, posts);
		assert_int_equal(s->pow_gets, pows);
		run_free(&r);
		free(big);
	}

	/* an expired challenge is replaced once */
	s->expire_first = 1;
	s->pow_gets = 0;
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(s->pow_gets, 2);
	run_free(&r);

	/* receipts that do not check out: exit 1, but the receipt is shown */
	s->bad_sig = 1;
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "signature"));
	assert_int_equal(find_receipt(r.out, receipt), 0);
	run_free(&r);
	s->bad_sig = 0;
	s->bad_hash = 1;
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "envelope other than"));
	run_free(&r);
	s->bad_hash = 0;
	s->bad_district = 1;
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "another one"));
	run_free(&r);
	s->bad_district = 0;

	/* a typo in the receipt is caught before anything is sent */
	{
		int before = s->requests;
		char typo[RECEIPT_TEXT_BUF];

		receipt_generate(receipt);
		memcpy(typo, receipt, sizeof typo);
		typo[0] = typo[0] == 'A' ? 'B' : 'A';
		r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", typo, NULL);
		assert_int_equal(r.rc, 1);
		assert_non_null(strstr(r.err, "invalid receipt"));
		run_free(&r);
		r = run_cmd(s, NULL, "followup", "--server", s->url, "--receipt", typo,
		            "--body-file", bodyp, NULL);
		assert_int_equal(r.rc, 1);
		assert_non_null(strstr(r.err, "invalid receipt"));
		run_free(&r);
		assert_int_equal(s->requests, before);
		/* a valid receipt the server does not know */
		r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", receipt, NULL);
		assert_int_equal(r.rc, 1);
		assert_non_null(strstr(r.err, "not_found"));
		run_free(&r);
	}

	/* a reply that belongs to another case is flagged */
	submit_ok(s, dir, receipt);
	/* a reply without the district's signature is flagged, exit 1 */
	s->unsigned_reply = 1;
	r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", receipt, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.out, "does NOT carry a valid signature"));
	run_free(&r);
	s->unsigned_reply = 0;
	/* with the district's signature and the right --pin it is accepted */
	r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", receipt, "--pin",
	            s->district->pub.fingerprint, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Signed by the district: verified"));
	run_free(&r);
	/* a wrong --pin refuses the replies */
	r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", receipt, "--pin",
	            "0000 0000 0000 0000 0000 0000 0000 0000", NULL);
	assert_int_equal(r.rc, 1);
	run_free(&r);
	s->forged_reply = 1;
	r = run_cmd(s, NULL, "status", "--server", s->url, "--receipt", receipt, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.out, "not a reply to this report"));
	run_free(&r);
	s->forged_reply = 0;

	/* network failure: nothing listens on port 1 */
	r = run_cmd(s, NULL, "submit", "--server", "http://127.0.0.1:1", "--district", "d01",
	            "--title", "t", "--body-file", bodyp, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "cannot reach the server"));
	run_free(&r);

	/* a server that never answers runs into the timeout */
	s->hang_info = 1;
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, "--timeout", "1", NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "did not answer in time"));
	run_free(&r);
	s->hang_info = 0;

	/* no answer to the POST: the report may be stored, so the receipt is shown */
	s->hang_reports = 1;
	r = run_cmd(s, NULL, "submit", "--server", s->url, "--district", "d01", "--title", "t",
	            "--body-file", bodyp, "--timeout", "1", NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "did not answer in time"));
	assert_non_null(strstr(r.out, "may or may not have stored"));
	assert_int_equal(find_receipt(r.out, receipt), 0);
	run_free(&r);
	s->hang_reports = 0;

	free(bodyp);
	testutil_rmtree(dir);
	free(dir);
}

static void
test_cli_usage(void **state)
{
	struct run r;
	char *dir = testutil_tmpdir();
	char *bodyp = make_text(dir, "b.txt", "举报内容\n");
	static const char *cmds[] = {"submit", "status", "followup"};

	(void)state;
	r = run_cmd(NULL, NULL, "--help", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "usage: qingfeng-report"));
	run_free(&r);
	r = run_cmd(NULL, NULL, NULL);
	assert_int_equal(r.rc, 2);
	run_free(&r);
	r = run_cmd(NULL, NULL, "frobnicate", NULL);
	assert_int_equal(r.rc, 2);
	run_free(&r);
	for (size_t i = 0; i < 3; i++) {
		r = run_cmd(NULL, NULL, cmds[i], "--help", NULL);
		assert_int_equal(r.rc, 0);
		assert_non_null(strstr(r.out, cmds[i]));
		assert_non_null(strstr(r.out, "--server"));
		run_free(&r);
		r = run_cmd(NULL, NULL, cmds[i], "--no-such-option", NULL);
		assert_int_equal(r.rc, 2);
		assert_non_null(strstr(r.err, "--no-such-option"));
		run_free(&r);
		r = run_cmd(NULL, NULL, cmds[i], "--server", NULL);
		assert_int_equal(r.rc, 2);
		run_free(&r);
	}
	/* missing required options, bad values: usage errors naming the option */
	r = run_cmd(NULL, NULL, "submit", "--server", "http://127.0.0.1:1", "--district", "d01",
	            "--title", "t", NULL);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "--body-file"));
	run_free(&r);
	r = run_cmd(NULL, NULL, "submit", "--district", "d01", "--title", "t", "--body-file", bodyp,
	            NULL);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "--server"));
	run_free(&r);
	{
		static const char *bad[][2] = {
		        {"--type", "complaint"}, {"--category", "bribery"},
		        {"--level", "boss"},     {"--party-member", "perhaps"},
		        {"--lang", "1"},         {"--timeout", "0"},
		        {"--timeout", "ten"},
		};
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			r = run_cmd(NULL, NULL, "submit", "--server", "http://127.0.0.1:1",
			            "--district", "d01", "--title", "t", "--body-file", bodyp,
			            bad[i][0], bad[i][1], NULL);
			assert_int_equal(r.rc, 2);
			assert_non_null(strstr(r.err, bad[i][0]));
			run_free(&r);
		}
	}
	r = run_cmd(NULL, NULL, "followup", "--server", "http://127.0.0.1:1", "--receipt", "x",
	            "--body-file", bodyp, "--purpose", "complaint", NULL);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "--purpose"));
	run_free(&r);
	r = run_cmd(NULL, NULL, "submit", "--server", "ftp://127.0.0.1", "--district", "d01",
	            "--title", "t", "--body-file", bodyp, NULL);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "http://host"));
	run_free(&r);
	r = run_cmd(NULL, NULL, "submit", "--server", "http://127.0.0.1:1", "--district", "d01",
	            "--title", "t", "--body-file", "/nonexistent/qf-none", NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "/nonexistent/qf-none"));
	run_free(&r);
	r = run_cmd(NULL, NULL, "submit", "--server", "http://127.0.0.1:1", "--district", "d01",
	            "--title", "t", "--body-file", bodyp, "--attach", dir, NULL);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "cannot attach"));
	run_free(&r);
	r = run_cmd(NULL, NULL, "submit", "--server", "http://127.0.0.1:1", "--district", "d01",
	            "--title", "t", "--body-file", bodyp, "stray", NULL);
	assert_int_equal(r.rc, 2);
	run_free(&r);
	free(bodyp);
	testutil_rmtree(dir);
	free(dir);
}

static void
test_client_url(void **state)
{
	struct client *c;

	(void)state;
	assert_int_equal(client_new(&c, "http://example.org", 60, NULL), CLIENT_OK);
	assert_string_equal(client_server(c), "http://example.org:80");
	client_free(c);
	assert_int_equal(client_new(&c, "http://127.0.0.1:8080/qf//", 60, NULL), CLIENT_OK);
	assert_string_equal(client_server(c), "http://127.0.0.1:8080/qf");
	client_free(c);
	assert_int_equal(client_new(&c, "http://[::1]:8080/", 60, NULL), CLIENT_OK);
	assert_string_equal(client_server(c), "http://[::1]:8080");
	client_free(c);
	static const char *bad[] = {"https://example.org",
	                            "example.org",
	                            "http://",
	                            "ftp://x",
	                            "http://u:p@example.org",
	                            "http://x/?a=1",
	                            "http://x/#f",
	                            "http://x:99999",
	                            ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(client_new(&c, bad[i], 60, NULL), CLIENT_ERR_URL);
		assert_null(c);
	}
	assert_int_equal(client_new(&c, "http://x", 0, NULL), CLIENT_ERR_URL);
	assert_int_equal(client_new(&c, "http://x", CLIENT_MAX_TIMEOUT + 1, NULL), CLIENT_ERR_URL);
}

static void
test_info_and_status_parse(void **state)
{
	struct tsrv *s = *state;
	struct proto_info info;
	struct proto_status st;
	json_t *a = info_json(s), *d;

	assert_int_equal(proto_info_parse(&info, a, "d01"), PROTO_OK);
	assert_string_equal(info.district.fingerprint, s->district->pub.fingerprint);
	assert_memory_equal(info.district.box_pk, s->district->pub.box_pk, 32);
	assert_memory_equal(info.server_sign_pk, s->sign_pk, 32);
	assert_true(info.max_envelope_bytes == 1 << 20);
	assert_int_equal(info.pow_difficulty, s->difficulty);
	assert_int_equal(proto_info_parse(&info, a, "d02"), PROTO_ERR_DISTRICT);
	d = json_array_get(json_object_get(a, "districts"), 0);
	json_object_set_new(d, "fingerprint",
	                    json_string("0000 0000 0000 0000 0000 0000 0000 0000"));
	assert_int_equal(proto_info_parse(&info, a, "d01"), PROTO_ERR_FINGERPRINT);
	json_object_set_new(d, "fingerprint", json_string(s->district->pub.fingerprint));
	json_object_set_new(d, "box_pk", json_string("AAAA"));
	assert_int_equal(proto_info_parse(&info, a, "d01"), PROTO_ERR_FORMAT);
	json_object_set_new(a, "service", json_string("other"));
	assert_int_equal(proto_info_parse(&info, a, "d01"), PROTO_ERR_FORMAT);
	json_decref(a);

	a = json_loads("{\"district\":\"d01\",\"index\":3,\"status\":\"need_info\","
	               "\"status_day\":\"2026-05-03\",\"created_day\":\"2026-05-01\","
	               "\"delivered\":true,\"replies\":[{\"seq\":1,\"day\":\"2026-05-02\","
	               "\"envelope\":\"UUZFMQ\"}],\"followups\":2}",
	               0, NULL);
	assert_non_null(a);
	assert_int_equal(proto_status_parse(&st, a), PROTO_OK);
	assert_string_equal(st.status, "need_info");
	assert_true(st.index == 3 && st.followups == 2 && st.delivered == 1);
	assert_int_equal(st.nreplies, 1);
	assert_int_equal(st.replies[0].len, 4);
	assert_memory_equal(st.replies[0].envelope, "QFE1", 4);
	proto_status_free(&st);
	json_object_set_new(a, "status", json_string("Need Info"));
	assert_int_equal(proto_status_parse(&st, a), PROTO_ERR_FORMAT);
	assert_int_equal(st.nreplies, 0);
	json_object_set_new(a, "status", json_string("accepted"));
	json_object_set_new(json_array_get(json_object_get(a, "replies"), 0), "envelope",
	                    json_string("UUZFMQ=="));
	assert_int_equal(proto_status_parse(&st, a), PROTO_ERR_FORMAT);
	json_decref(a);
	{
		char label[64];

		proto_status_label(label, sizeof label, "in_progress");
		assert_string_equal(label, "in_progress (办理中)");
		proto_status_label(label, sizeof label, "later");
		assert_string_equal(label, "later");
		assert_string_equal(proto_status_chinese("transferred"), "已转送有关机关");
		assert_null(proto_status_chinese("x"));
	}
	{
		uint8_t ch[POW_CHALLENGE_BYTES];
		unsigned diff;
		char txt[CODEC_B64U_BUF(POW_CHALLENGE_BYTES)];

		memset(ch, 5, sizeof ch);
		codec_b64u_encode(txt, sizeof txt, ch, sizeof ch);
		a = json_pack("{s:s,s:i,s:i}", "challenge", txt, "difficulty", 12, "expires_in",
		              300);
		assert_int_equal(proto_pow_parse(ch, &diff, a), PROTO_OK);
		assert_int_equal(diff, 12);
		json_object_set_new(a, "difficulty", json_integer(POW_MAX_DIFFICULTY + 1));
		assert_int_equal(proto_pow_parse(ch, &diff, a), PROTO_ERR_FORMAT);
		json_object_set_new(a, "difficulty", json_integer(1));
		json_object_set_new(a, "challenge", json_string("AAAA"));
		assert_int_equal(proto_pow_parse(ch, &diff, a), PROTO_ERR_FORMAT);
		json_decref(a);
	}
}

/* GETs /raw from the test server, which answers text padded with spaces to len bytes. */
static int
get_raw(struct tsrv *s, const char *text, size_t len, size_t max)
{
	struct client *c = NULL;
	struct client_answer ans = {0, NULL};
	char *buf = malloc(len);
	int rc;

	assert_non_null(buf);
	assert_true(strlen(text) <= len);
	memset(buf, ' ', len);
	memcpy(buf, text, strlen(text));
	s->raw = buf;
	s->raw_len = len;
	assert_int_equal(client_new(&c, s->url, 10, s->base), CLIENT_OK);
	rc = client_get(c, "/raw", max, &ans);
	assert_true(rc == CLIENT_OK ? json_is_object(ans.json) : ans.json == NULL);
	client_answer_free(&ans);
	client_free(c);
	s->raw = NULL;
	free(buf);
	return rc;
}

/* {"a":[0,0,…]} with n zeros: n + 2 by the client's count (one per '[' ',' ':', plus one). */
static char *
zeros(size_t n)
{
	char *t = malloc(2 * n + 8), *p;

	assert_non_null(t);
	p = t + sprintf(t, "{\"a\":[");
	for (size_t i = 0; i < n; i++) {
		*p++ = '0';
		if (i + 1 < n)
			*p++ = ',';
	}
	strcpy(p, "]}");
	return t;
}

/*
 * Issue 21 item 8: the client takes an answer of exactly its cap and refuses
 * one byte more; it parses an answer with CLIENT_MAX_VALUES(len) values and
 * refuses one more value; and honest answers the size of the worst cases
 * (64 districts with the longest names; a status with 1000 text replies) pass
 * their endpoint's cap and value bound with room to spare.
 */
static void
test_answer_caps(void **state)
{
	struct tsrv *s = *state;
	const size_t L = 65536, nmax = CLIENT_MAX_VALUES(L) - 2;
	char *t;

	assert_int_equal(get_raw(s, "{}", 1000, 1000), CLIENT_OK);
	assert_int_equal(get_raw(s, "{}", 1001, 1000), CLIENT_ERR_TOO_LARGE);
	assert_int_equal(get_raw(s, "{}", 1000, 0), CLIENT_ERR_TOO_LARGE);
	t = zeros(nmax);
	assert_int_equal(get_raw(s, t, L, L), CLIENT_OK);
	free(t);
	t = zeros(nmax + 1);
	assert_int_equal(get_raw(s, t, L, L), CLIENT_ERR_TOO_MANY);
	free(t);
	{ /* info: 64 districts (CONFIG_MAX_DISTRICTS), names of 256 '"', all escaped */
		json_t *info = info_json(s), *ds = json_object_get(info, "districts");
		json_t *d0 = json_array_get(ds, 0);
		char name[257], id[33];
		char *txt;

		memset(name, '"', 256);
		name[256] = '\0';
		memset(id, 'a', 32);
		id[32] = '\0';
		json_object_set_new(d0, "name", json_string(name));
		json_object_set_new(d0, "id", json_string(id));
		json_object_set_new(d0, "parent", json_string(id));
		json_object_set_new(d0, "level", json_string("province"));
		for (int i = 1; i < 64; i++)
			json_array_append_new(ds, json_deep_copy(d0));
		txt = json_dumps(info, JSON_COMPACT);
		assert_non_null(txt);
		assert_true(strlen(txt) * 2 < proto_endpoints[PROTO_EP_INFO].max_answer);
		assert_int_equal(
		        get_raw(s, txt, strlen(txt), proto_endpoints[PROTO_EP_INFO].max_answer),
		        CLIENT_OK);
		free(txt);
		json_decref(info);
	}
	{ /* status: 1000 replies of the smallest envelope, padme(4096) sealed, in base64 */
		json_t *st = json_pack("{s:s,s:i,s:s,s:s,s:s,s:b,s:[],s:i}", "district", "d01",
		                       "index", 1, "status", "accepted", "status_day", "2026-05-03",
		                       "created_day", "2026-05-01", "delivered", 1, "replies",
		                       "followups", 0);
		size_t envlen = 4 + 80 + 24 + 4096 + 17;
		char *env = malloc(envlen * 4 / 3 + 4), *txt;

		assert_non_null(st);
		assert_non_null(env);
		memset(env, 'A', envlen * 4 / 3 + 1);
		env[envlen * 4 / 3 + 1] = '\0';
		for (int i = 1; i <= 1000; i++)
			json_array_append_new(json_object_get(st, "replies"),
			                      json_pack("{s:i,s:s,s:s}", "seq", i, "day",
			                                "2026-05-03", "envelope", env));
		txt = json_dumps(st, JSON_COMPACT);
		assert_non_null(txt);
		assert_int_equal(
		        get_raw(s, txt, strlen(txt), proto_endpoints[PROTO_EP_STATUS].max_answer),
		        CLIENT_OK);
		free(txt);
		free(env);
		json_decref(st);
	}
}

/*
 * Issue 21 item 5: the size of a report's body must not tell its district.
 * Bodies for districts with a 3- and a 32-character id, with equal
 * envelopes, are the same length, and J still parses.
 */
static void
test_report_body_size_hides_district(void **state)
{
	struct receipt_keys k;
	uint8_t env[64];
	size_t a = 0, b = 0, jlen = 0;
	uint8_t *ba, *bb;
	json_t *j;

	(void)state;
	memset(&k, 7, sizeof k);
	memset(env, 1, sizeof env);
	ba = proto_report_body(&a, "d01", &k, env, sizeof env);
	bb = proto_report_body(&b, "abcdefghijklmnopqrstuvwxyz-01234", &k, env, sizeof env);
	assert_non_null(ba);
	assert_non_null(bb);
	assert_int_equal(a, b);
	assert_int_equal(submission_split(bb, b, &jlen), 0);
	j = json_loadb((const char *)bb + 4, jlen, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "district")),
	                    "abcdefghijklmnopqrstuvwxyz-01234");
	json_decref(j);
	proto_body_free(ba);
	proto_body_free(bb);
}

static void
test_pow_progress(void **state)
{
	uint8_t ch[POW_CHALLENGE_BYTES], a[POW_NONCE_BYTES], b[POW_NONCE_BYTES];
	char *txt = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&txt, &len);

	(void)state;
	randombytes_buf(ch, sizeof ch);
	assert_int_equal(pow_solve(a, ch, 10, 0), 0);
	assert_int_equal(reporter_pow_solve(b, ch, 10, f), 0);
	assert_memory_equal(a, b, sizeof a);
	assert_int_equal(reporter_pow_solve(b, ch, 10, NULL), 0);
	assert_memory_equal(a, b, sizeof a);
	assert_int_equal(reporter_pow_solve(b, ch, POW_MAX_DIFFICULTY + 1, f), -1);
	fclose(f);
	assert_non_null(strstr(txt, "done"));
	free(txt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_manifest_exact),
	        cmocka_unit_test(test_manifest_identity_and_attachments),
	        cmocka_unit_test(test_guess_type),
	        cmocka_unit_test(test_option_checks),
	        cmocka_unit_test(test_package_roundtrip),
	        cmocka_unit_test(test_receipt_verify),
	        cmocka_unit_test(test_error_parse),
	        cmocka_unit_test(test_printable),
	        cmocka_unit_test(test_printable_invisible),
	        cmocka_unit_test(test_name_line),
	        cmocka_unit_test(test_pins_file),
	        cmocka_unit_test(test_pin),
	        cmocka_unit_test(test_client_url),
	        cmocka_unit_test(test_pow_progress),
	        cmocka_unit_test(test_report_body_size_hides_district),
	        cmocka_unit_test(test_cli_usage),
	        cmocka_unit_test_setup_teardown(test_info_and_status_parse, tsrv_setup,
	                                        tsrv_teardown),
	        cmocka_unit_test_setup_teardown(test_flow_submit_status_followup, tsrv_setup,
	                                        tsrv_teardown),
	        cmocka_unit_test_setup_teardown(test_flow_pin, tsrv_setup, tsrv_teardown),
	        cmocka_unit_test_setup_teardown(test_flow_errors, tsrv_setup, tsrv_teardown),
	        cmocka_unit_test_setup_teardown(test_answer_caps, tsrv_setup, tsrv_teardown),
	};

	if (sodium_init() < 0)
		return 1;
	client_quiet_logs();
	reporter_json_wipe_on_free(); /* as qingfeng-report runs, under the sanitizers too */
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
