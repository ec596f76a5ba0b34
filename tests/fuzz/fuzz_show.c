/*
 * fuzz_show: the offline tool reading what a hostile reporter sealed
 * (admin/view.h, admin/extract.h): `qingfeng-admin show --extract DIR` of a
 * case whose report (and follow-up) plaintext is the input. The envelope is
 * sealed to district d01 and ingested into an archive as index 1 (and 2),
 * so everything after decryption is the fuzzer's: the manifest's fields
 * printed with their labels, attachment names made safe, the files
 * written.
 *
 * Input: the report's plaintext "manifest[\n#ATT\nbytes]..." (each
 * "\n#ATT\n" starts one attachment), optionally followed by "\n#FOLLOWUP\n"
 * and a follow-up's plaintext of the same form. Checks: extraction writes
 * only regular files directly inside DIR/d01-1/, nothing anywhere else.
 */
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "admin/view.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "store/archive.h"
#include "tests/fuzz/fuzz.h"

#define MAX_ATTS 16

static char top[800], arch[900], live[900], tpl[900], out_dir[900];
static FILE *devnull;

static void
seed_plain(const char *name, const char *text)
{
	fz_seed_text(name, text);
}

static void
make_seeds(void)
{
	uint8_t lookup[32];
	char lb[CODEC_B64U_BUF(32)], buf[4096];

	seed_plain(
	        "report",
	        "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\",\"lang\":\"zh-CN\",\"report\":{"
	        "\"type\":\"accusation\",\"category\":\"integrity\",\"subcategory\":\"收受礼品\","
	        "\"town\":\"某镇\",\"title\":\"标题\\u001b]0;x\\u0007\",\"body\":\"正文\\r\\n第二行"
	        "\",\"when\":\"2026-05\",\"where\":\"\",\"subject\":{\"name\":\"李四\",\"unit\":"
	        "\"\",\"area\":\"\",\"position\":\"\",\"level\":\"township\",\"party_member\":"
	        "\"yes\"},\"identity\":{\"name\":\"张三\",\"phone\":\"1\",\"id_number\":\"\","
	        "\"unit\":\"\",\"address\":\"\"}},\"attachments\":[{\"name\":\"../../a.jpg\","
	        "\"type\":\"image/jpeg\",\"size\":3},{\"name\":\".\",\"type\":\"x\",\"size\":0},"
	        "{\"name\":\"照片 "
	        "2026.JPG\",\"type\":\"image/jpeg\",\"size\":2}]}\n#ATT\nabc\n#ATT\n"
	        "\n#ATT\nxy");
	seed_plain("report-minimal", "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\"}");
	fz_case_keys(1, lookup, NULL, NULL, NULL, NULL);
	codec_b64u_encode(lb, sizeof lb, lookup, 32);
	snprintf(buf, sizeof buf,
	         "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\",\"report\":{\"title\":\"t\"},"
	         "\"attachments\":[]}\n#FOLLOWUP\n{\"v\":1,\"kind\":\"followup\",\"district\":"
	         "\"d01\",\"lookup\":\"%s\",\"purpose\":\"objection\",\"body\":\"b\","
	         "\"attachments\":"
	         "[{\"name\":\"/etc/passwd\",\"type\":\"text/plain\",\"size\":4}]}\n#ATT\nroot",
	         lb);
	seed_plain("report-followup", buf);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct archive *a = NULL;
	struct archive_txn *t;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	if (fz_seed_dir() != NULL) {
		make_seeds();
		exit(0);
	}
	snprintf(top, sizeof top, "%s", fz_tmpdir("show"));
	snprintf(arch, sizeof arch, "%s/archive", top);
	snprintf(live, sizeof live, "%s/data.mdb", arch);
	snprintf(tpl, sizeof tpl, "%s/template.mdb", top);
	snprintf(out_dir, sizeof out_dir, "%s/out", top);
	devnull = fopen("/dev/null", "w");
	if (devnull == NULL || archive_open(&a, arch, 1) != ARCHIVE_OK ||
	    archive_begin(a, 1, &t) != ARCHIVE_OK ||
	    archive_district_create(t, "d01") != ARCHIVE_OK || archive_commit(t) != ARCHIVE_OK)
		fz_die("archive");
	archive_close(a);
	if (fz_copy_file(live, tpl) != 0)
		fz_die("template");
	return 0;
}

static const uint8_t *
find(const uint8_t *h, size_t n, const char *needle)
{
	size_t nl = strlen(needle);

	for (size_t i = 0; i + nl <= n; i++)
		if (memcmp(h + i, needle, nl) == 0)
			return h + i;
	return NULL;
}

/* Seals the plaintext description p[0..n) to d01. Returns 0 with *env set, or -1. */
static int
seal(const uint8_t *p, size_t n, uint8_t **env, size_t *envlen)
{
	struct envelope_blob atts[MAX_ATTS];
	const uint8_t *a = find(p, n, "\n#ATT\n");
	size_t mlen = a ? (size_t)(a - p) : n, natts = 0;

	while (a != NULL && natts < MAX_ATTS) {
		const uint8_t *start = a + 6, *next;

		next = find(start, (size_t)(p + n - start), "\n#ATT\n");
		atts[natts].data = start;
		atts[natts].len = next ? (size_t)(next - start) : (size_t)(p + n - start);
		natts++;
		a = next;
	}
	return envelope_seal_buffer(env, envlen, fz_d01()->pub.box_pk, (const char *)p, mlen, atts,
	                            natts) == ENVELOPE_OK
	               ? 0
	               : -1;
}

/* Adds entry index of kind to the archive, extending the chain from prev. */
static int
add_entry(struct archive_txn *t, uint64_t index, int kind, const uint8_t *env, size_t len,
          uint8_t chain[32])
{
	struct archive_entry e;

	memset(&e, 0, sizeof e);
	e.index = index;
	e.kind = kind;
	fz_case_keys(1, e.lookup, NULL, NULL, e.reply_pk, NULL);
	e.has_reply_pk = kind == CHAIN_KIND_REPORT;
	memcpy(e.day, "2026-04-01", CODEC_DAY_LEN + 1);
	chain_h256(e.envelope_hash, env, len);
	if (chain_next(e.chain, chain, index, kind, e.lookup, e.envelope_hash, e.day) != 0)
		return -1;
	memcpy(chain, e.chain, 32);
	e.envelope = env;
	e.envelope_len = len;
	return archive_entry_add(t, "d01", &e) == ARCHIVE_OK ? 0 : -1;
}

/* 1 when dir holds exactly the entries the extraction may make. */
static int
tidy(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ok = 1;

	if (d == NULL)
		return 1;
	while ((e = readdir(d)) != NULL) {
		char path[2048];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0)
			ok = 0;
		else if (depth == 0) /* top: only the archive, the template and out */
			ok &= strcmp(e->d_name, "archive") == 0 ||
			      strcmp(e->d_name, "template.mdb") == 0 ||
			      (strcmp(e->d_name, "out") == 0 && S_ISDIR(st.st_mode) &&
			       tidy(path, 1));
		else if (depth == 1) /* out: only the case's directory */
			ok &= strcmp(e->d_name, "d01-1") == 0 && S_ISDIR(st.st_mode) &&
			      tidy(path, 2);
		else /* the case's directory: regular files */
			ok &= S_ISREG(st.st_mode);
	}
	closedir(d);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	const uint8_t *fu = find(in, size, "\n#FOLLOWUP\n");
	size_t rlen = fu ? (size_t)(fu - in) : size;
	uint8_t *env = NULL, *env2 = NULL, chain[32] = {0};
	size_t envlen = 0, env2len = 0;
	struct archive *a;
	struct archive_txn *t;
	char err[512];

	if (seal(in, rlen, &env, &envlen) != 0)
		return 0;
	if (fu != NULL && seal(fu + 11, size - rlen - 11, &env2, &env2len) != 0) {
		free(env);
		return 0;
	}
	if (fz_copy_file(tpl, live) != 0 || archive_open(&a, arch, 0) != ARCHIVE_OK ||
	    archive_begin(a, 1, &t) != ARCHIVE_OK)
		abort();
	if (add_entry(t, 1, CHAIN_KIND_REPORT, env, envlen, chain) != 0 ||
	    (env2 != NULL && add_entry(t, 2, CHAIN_KIND_FOLLOWUP, env2, env2len, chain) != 0) ||
	    archive_commit(t) != ARCHIVE_OK)
		abort();
	if (archive_begin(a, 0, &t) != ARCHIVE_OK)
		abort();
	if (view_show(getenv("QF_FUZZ_DEBUG") ? stderr : devnull, t, "d01", 1, fz_d01(), out_dir,
	              err, sizeof err) != 0 &&
	    getenv("QF_FUZZ_DEBUG") != NULL)
		fprintf(stderr, "show refused: %s\n", err);
	archive_abort(t);
	archive_close(a);
	if (!tidy(top, 0))
		fz_fail("the extraction wrote something it should not have");
	fz_rmrf(out_dir);
	free(env);
	free(env2);
	return 0;
}
