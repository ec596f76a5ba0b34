/*
 * fuzz_oversee: `qingfeng-admin oversee` (admin/oversee.h, admin/measure.h,
 * admin/ovchart.h), the upper level's reader of the server's oversight
 * bundles (.qfo), against an empty pins file with the commissions c01 and
 * d01 of tests/vectors/oversight.json expected. The input is one bundle, or
 * two separated by a line "%%" (verified one after the other against the
 * same pins: replays, shorter or different chains). A bundle starting with
 * "R\n" is first signed over the rest with the vectors' server key, as the
 * server would, so the fuzzer reaches everything behind the signature.
 * Afterwards: a refused bundle left the pins file as it was; an accepted one
 * is measured and printed in every form, and verifies again against the
 * pins it wrote.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/measure.h"
#include "admin/ovchart.h"
#include "admin/oversee.h"
#include "admin/workdays.h"
#include "crypto/bundle.h"
#include "crypto/codec.h"
#include "store/pins.h"
#include "tests/fuzz/fuzz.h"

static char dir[800], live[800], tpl[800];
static uint8_t server_sk[64];
static struct workdays *cal;

static const struct oversee_expect expect[] = {
        {"c01", "8534 47c8 248b fbb3 5799 fe25 81b0 05f0"},
        {"d01", "b81b 2ef3 d63b 16ca ac5e 29ef 6391 f289"},
};

/* tests/vectors/oversight.json's bundle (signed by the server key below). */
static json_t *
vector(void)
{
	const char *v = getenv("QF_VECTORS");
	char path[900];
	json_t *j;

	snprintf(path, sizeof path, "%s/oversight.json", v != NULL ? v : "tests/vectors");
	j = json_load_file(path, 0, NULL);
	if (j == NULL)
		fz_die("tests/vectors/oversight.json");
	return j;
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
	if (sign_bundle_final_sign(&h, sig, BUNDLE_SIG_OVERSIGHT, server_sk) != 0)
		abort();
	codec_b64u_encode(s, sizeof s, sig, sizeof sig);
	*len += (size_t)snprintf(buf + *len, cap - *len, "{\"sig\":\"%s\"}\n", s);
}

/* The bundle's text without its signature line, prefixed "R\n". */
static char *
unsigned_form(const char *signed_text)
{
	size_t n = strlen(signed_text), body = n - 1;
	char *r;

	while (body > 0 && signed_text[body - 1] != '\n')
		body--;
	r = malloc(body + 3);
	if (r == NULL)
		abort();
	memcpy(r, "R\n", 2);
	memcpy(r + 2, signed_text, body);
	r[body + 2] = '\0';
	return r;
}

static void
make_seeds(void)
{
	json_t *v = vector();
	const char *b = json_string_value(json_object_get(v, "bundle"));
	char *r = unsigned_form(b), *two, *cut;
	size_t lb = strlen(b), lr = strlen(r);

	fz_seed_text("vector", b);
	fz_seed_text("tampered", json_string_value(json_object_get(v, "tampered")));
	fz_seed_text("resign", r);
	two = malloc(lb + lr + 4);
	if (two == NULL)
		abort();
	memcpy(two, b, lb);
	memcpy(two + lb, "%%\n", 3);
	memcpy(two + lb + 3, r, lr + 1);
	fz_seed_text("twice", two);
	/* the same, the second without chain entry 3 (renumbering left to the fuzzer) */
	cut = strstr(two + lb, "{\"district\":\"d01\",\"index\":3,");
	if (cut != NULL) {
		char *eol = strchr(cut, '\n');

		memmove(cut, eol + 1, strlen(eol + 1) + 1);
		fz_seed_text("twice-dropped", two);
	}
	free(two);
	free(r);
	json_decref(v);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct pins *p;
	char err[128];

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	fz_b64u(server_sk, 64, FZ_SERVER_SIGN_SK);
	if (fz_seed_dir() != NULL) {
		make_seeds();
		exit(0);
	}
	if (workdays_parse(&cal, "2026-10-01 holiday\n", 18, err, sizeof err) != 0)
		fz_die("calendar");
	snprintf(dir, sizeof dir, "%s", fz_tmpdir("oversee"));
	snprintf(live, sizeof live, "%s/%s", dir, PINS_FILE);
	snprintf(tpl, sizeof tpl, "%s/template.mdb", dir);
	if (pins_open(&p, dir, 1) != PINS_OK)
		fz_die("pins_open");
	pins_close(p);
	if (fz_copy_file(live, tpl) != 0)
		fz_die("template");
	return 0;
}

/* The whole pins file, to compare. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		abort();
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			b = realloc(b, cap);
			if (b == NULL)
				abort();
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return b;
}

/* Verifies one bundle against the pins of dir. Returns oversee_verify's result. */
static int
verify_one(const uint8_t *in, size_t size, struct oversee **out)
{
	struct oversee_opts o;
	struct pins *p;
	struct pins_txn *t;
	char *buf = NULL, *msg = NULL;
	size_t len = size;
	FILE *f;
	int rc;

	*out = NULL;
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
		return 1;
	f = fmemopen(buf ? (void *)buf : (void *)(uintptr_t)in, len, "r");
	if (f == NULL)
		abort();
	memset(&o, 0, sizeof o);
	o.expect = expect;
	o.nexpect = 2;
	if (pins_open(&p, dir, 0) != PINS_OK || pins_begin(p, 1, &t) != PINS_OK)
		abort();
	rc = oversee_verify(f, t, &o, out, &msg);
	fclose(f);
	free(buf);
	if (rc == 0) {
		if (msg != NULL || *out == NULL || pins_commit(t) != PINS_OK)
			fz_fail("an accepted bundle: a message, no result or no commit");
	} else {
		if (msg == NULL || *out != NULL)
			fz_fail("a refusal without its message");
		pins_abort(t);
	}
	free(msg);
	pins_close(p);
	return rc;
}

/* An accepted bundle: measured, printed in every form, and verified again. */
static void
use(const uint8_t *in, size_t size, struct oversee *ov)
{
	struct measure_query q;
	struct oversee *again;
	json_t *m = NULL;
	char err[128];
	FILE *null = fopen("/dev/null", "w");

	if (null == NULL)
		abort();
	memset(&q, 0, sizeof q);
	q.w = cal;
	q.as_of = ov->daynum;
	q.lim.read = MEASURE_READ_DAYS;
	q.lim.decide = MEASURE_DECIDE_DAYS;
	q.lim.conclude = MEASURE_CONCLUDE_DAYS;
	q.lim.stale = MEASURE_STALE_DAYS;
	if (measure_compute(ov, &q, &m, err, sizeof err) != 0)
		fz_fail("measure_compute failed on a verified bundle");
	measure_print_text(null, m);
	measure_print_csv(null, m);
	ovchart_svg(null, m, 1);
	ovchart_html(null, m);
	json_decref(m);
	fclose(null);
	if (verify_one(in, size, &again) != 0)
		fz_fail("a verified bundle does not verify again against its own pins");
	oversee_free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	const uint8_t *part[2] = {in, NULL};
	size_t len[2] = {size, 0};

	for (size_t i = 0; i + 3 <= size; i++)
		if ((i == 0 || in[i - 1] == '\n') && memcmp(in + i, "%%\n", 3) == 0) {
			len[0] = i;
			part[1] = in + i + 3;
			len[1] = size - i - 3;
			break;
		}
	if (fz_copy_file(tpl, live) != 0)
		abort();
	for (int k = 0; k < 2 && part[k] != NULL; k++) {
		struct oversee *ov;
		size_t before_len, after_len;
		char *before = slurp(live, &before_len), *after;

		if (verify_one(part[k], len[k], &ov) == 0) {
			use(part[k], len[k], ov);
			oversee_free(ov);
		} else {
			after = slurp(live, &after_len);
			if (after_len != before_len || memcmp(before, after, after_len) != 0)
				fz_fail("a refused bundle changed the pins");
			free(after);
		}
		free(before);
	}
	return 0;
}
