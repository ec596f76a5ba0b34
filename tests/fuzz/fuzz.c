/* fuzz: see fuzz.h. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sanitizer/common_interface_defs.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "intake/cmd.h"
#include "intake/config.h"
#include "store/store.h"

#define MAX_DIRS 8

static char dirs[MAX_DIRS][512];
static int ndirs;
static pid_t owner;

void
fz_die(const char *what)
{
	fprintf(stderr, "fuzz harness set-up failed: %s\n", what);
	abort();
}

void
fz_fail(const char *what)
{
	char line[512];

	/* stderr may be closed (-close_fd_mask): the sanitizer's report goes where libFuzzer's does */
	snprintf(line, sizeof line, "qingfeng-fuzz FINDING: %s", what);
	__sanitizer_report_error_summary(line);
	abort();
}

void
fz_b64u(uint8_t *out, size_t n, const char *txt)
{
	if (codec_b64u_decode_exact(out, n, txt) != 0)
		fz_die("a built-in b64u constant");
}

const struct keyfile_secret *
fz_d01(void)
{
	static struct keyfile_secret *k;

	if (k != NULL)
		return k;
	k = sodium_malloc(sizeof *k);
	if (k == NULL)
		fz_die("sodium_malloc");
	memset(k, 0, sizeof *k);
	snprintf(k->pub.id, sizeof k->pub.id, "d01");
	snprintf(k->pub.name, sizeof k->pub.name, "测试区纪委监委");
	fz_b64u(k->pub.box_pk, 32, FZ_D01_BOX_PK);
	fz_b64u(k->pub.sign_pk, 32, FZ_D01_SIGN_PK);
	fz_b64u(k->box_sk, 32, FZ_D01_BOX_SK);
	fz_b64u(k->sign_sk, 64, FZ_D01_SIGN_SK);
	if (keyfile_fingerprint(k->pub.fingerprint, "d01", k->pub.box_pk, k->pub.sign_pk) != 0)
		fz_die("fingerprint");
	return k;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
fz_rmrf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
cleanup(void)
{
	if (getpid() != owner)
		return;
	for (int i = 0; i < ndirs; i++)
		fz_rmrf(dirs[i]);
}

/* Removes scratch directories left by harness processes that died (crashes). */
static void
remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	char path[1024];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		const char *dash;
		long pid;

		if (strncmp(e->d_name, "qffuzz-", 7) != 0)
			continue;
		dash = strrchr(e->d_name, '-');
		pid = dash ? strtol(dash + 1, NULL, 10) : 0;
		if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
			snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
			fz_rmrf(path);
		}
	}
	closedir(d);
}

const char *
fz_tmpdir(const char *tag)
{
	const char *parent = getenv("QF_FUZZ_TMP");
	char *p;

	if (ndirs == MAX_DIRS)
		fz_die("too many scratch directories");
	if (parent == NULL || parent[0] == '\0')
		parent = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	remove_stale(parent);
	p = dirs[ndirs];
	snprintf(p, sizeof dirs[0], "%s/qffuzz-%s%d-%ld", parent, tag, ndirs, (long)getpid());
	fz_rmrf(p);
	if (mkdir(p, 0700) != 0)
		fz_die(p);
	if (ndirs++ == 0) {
		owner = getpid();
		atexit(cleanup);
	}
	return p;
}

int
fz_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const uint8_t *p = data;

	if (fd < 0)
		return -1;
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd);
}

int
fz_copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	char buf[1 << 16];
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	return close(out) == 0 && n == 0 ? 0 : -1;
}

void
fz_quiet(int on)
{
	static int saved_out = -1, saved_err = -1;

	fflush(stdout);
	fflush(stderr);
	if (on && saved_out < 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		saved_out = dup(1);
		saved_err = dup(2);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
	} else if (!on && saved_out >= 0) {
		dup2(saved_out, 1);
		dup2(saved_err, 2);
		close(saved_out);
		close(saved_err);
		saved_out = saved_err = -1;
	}
}

const char *
fz_seed_dir(void)
{
	const char *d = getenv("QF_FUZZ_SEEDS");

	return d != NULL && d[0] != '\0' ? d : NULL;
}

void
fz_seed(const char *name, const void *data, size_t len)
{
	char path[1024];
	const char *d = fz_seed_dir();

	if (d == NULL)
		return;
	mkdir(d, 0755);
	snprintf(path, sizeof path, "%s/%s", d, name);
	if (fz_write_file(path, data, len) != 0)
		fz_die(path);
	chmod(path, 0644);
}

void
fz_seed_text(const char *name, const char *text)
{
	fz_seed(name, text, strlen(text));
}

void
fz_ignore(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

uint64_t
fz_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < size; i++) {
		h ^= data[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
fz_case_keys(unsigned i, uint8_t lookup[32], uint8_t auth[32], uint8_t auth_hash[32],
             uint8_t reply_pk[32], uint8_t reply_sk[32])
{
	char label[64];
	uint8_t a[32], seed[32], pk[32], sk[32];

	snprintf(label, sizeof label, "qf-fuzz-lookup-%u", i);
	if (lookup != NULL)
		chain_h256(lookup, (const uint8_t *)label, strlen(label));
	snprintf(label, sizeof label, "qf-fuzz-auth-%u", i);
	chain_h256(a, (const uint8_t *)label, strlen(label));
	if (auth != NULL)
		memcpy(auth, a, 32);
	if (auth_hash != NULL)
		chain_h256(auth_hash, a, 32);
	snprintf(label, sizeof label, "qf-fuzz-reply-%u", i);
	chain_h256(seed, (const uint8_t *)label, strlen(label));
	crypto_box_seed_keypair(pk, sk, seed);
	if (reply_pk != NULL)
		memcpy(reply_pk, pk, 32);
	if (reply_sk != NULL)
		memcpy(reply_sk, sk, 32);
	sodium_memzero(sk, sizeof sk);
}

void
fz_fake_envelope(uint8_t *out, size_t len, unsigned salt)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(i * 131 + salt * 7 + (i >> 8));
	if (len >= 4)
		memcpy(out, "QFE1", 4);
}

const char *
fz_data_dir(const char *tag, unsigned nreports, void (*edit)(struct config *c))
{
	static char dirs_made[MAX_DIRS][600];
	static int nmade;
	char path[700], err[512];
	const char *base = fz_tmpdir(tag);
	char *d;
	struct config c;
	struct store_config sc;
	struct store *st;
	struct store_district dist;
	uint8_t env[FZ_ENVELOPE_LEN];

	if (nmade == MAX_DIRS)
		fz_die("too many data directories");
	d = dirs_made[nmade++];
	snprintf(d, sizeof dirs_made[0], "%s/data", base);
	fz_quiet(1);
	if (cmd_init(d) != 0) {
		fz_quiet(0);
		fz_die("cmd_init");
	}
	snprintf(path, sizeof path, "%s/d01.pub.json", base);
	if (fz_write_file(path, FZ_D01_PUB_JSON, strlen(FZ_D01_PUB_JSON)) != 0 ||
	    cmd_district_add(d, path, 0, NULL, NULL) != 0) {
		fz_quiet(0);
		fz_die("cmd_district_add");
	}
	fz_quiet(0);
	snprintf(path, sizeof path, "%s/config.json", d);
	if (config_load(&c, path, err, sizeof err) != 0)
		fz_die(err);
	c.pow_difficulty = 0;
	if (edit != NULL)
		edit(&c);
	if (config_save(&c, path) != 0)
		fz_die("config_save");
	memset(&sc, 0, sizeof sc);
	sc.map_max = c.map_max_bytes;
	sc.quota_bytes = c.quota_bytes;
	snprintf(path, sizeof path, "%s/db", d);
	if (store_open(&st, path, &sc) != STORE_OK)
		fz_die("store_open");
	for (unsigned i = 1; i <= nreports; i++) {
		struct store_report r;
		struct store_receipt rc;
		char day[16];

		memset(&r, 0, sizeof r);
		fz_case_keys(i, r.lookup, NULL, r.auth_hash, r.reply_pk, NULL);
		fz_fake_envelope(env, sizeof env, i);
		snprintf(day, sizeof day, "2026-01-%02u", 1 + i % 28);
		r.district = "d01";
		r.envelope = env;
		r.envelope_len = sizeof env;
		r.day = day;
		if (store_put_report(st, &r, &rc) != STORE_OK)
			fz_die("store_put_report");
		if (i == 1) {
			struct store_followup f;

			memset(&f, 0, sizeof f);
			fz_case_keys(1, f.lookup, f.auth, NULL, NULL, NULL);
			fz_fake_envelope(env, sizeof env, 1000);
			f.envelope = env;
			f.envelope_len = sizeof env;
			f.day = "2026-01-02";
			if (store_put_followup(st, &f, &rc) != STORE_OK)
				fz_die("store_put_followup");
		}
	}
	if (store_district_get(st, "d01", &dist) != STORE_OK ||
	    (dist.size > 0 && store_mark_exported(st, "d01", dist.size) != STORE_OK))
		fz_die("store_mark_exported");
	store_close(st);
	return d;
}
