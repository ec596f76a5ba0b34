/* pins: see pins.h. */
#include "report/statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/fileio.h"

#define STATEFILE_LABEL     "qingfeng-report pin v1"
#define STATEFILE_FILE_MAX  (4 * 1024 * 1024)
#define STATEFILE_LINE_HEAD (2 * STATEFILE_KEY_BYTES)

int
statefile_default_path(char *out, size_t outsz)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, outsz, "%s/qingfeng/pins", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, outsz, "%s/.local/state/qingfeng/pins", home);
	else
		return STATEFILE_ERR_ARG;
	return n < 0 || (size_t)n >= outsz ? STATEFILE_ERR_ARG : STATEFILE_OK;
}

void
statefile_key(uint8_t key[STATEFILE_KEY_BYTES], const struct receipt_keys *k)
{
	crypto_generichash(key, STATEFILE_KEY_BYTES, (const unsigned char *)STATEFILE_LABEL,
	                   sizeof STATEFILE_LABEL - 1, k->reply_sk, sizeof k->reply_sk);
}

static int
district_ok(const char *d)
{
	size_t n = strlen(d);

	if (n == 0 || n >= STATEFILE_DISTRICT_BUF)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (d[i] <= ' ' || d[i] == 0x7f)
			return 0;
	return 1;
}

/* The 32 hex digits of a fingerprint in any spacing and case; 0, or -1. */
static int
fp_normal(char out[STATEFILE_FP_BUF], const char *fp)
{
	size_t o = 0;

	for (; *fp != '\0'; fp++) {
		char c = *fp;

		if (c == ' ')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || o == 32)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return o == 32 ? 0 : -1;
}

/*
 * Reads the whole file into *buf (NUL-terminated; fileio_read_small, no
 * symlink). Returns STATEFILE_OK, STATEFILE_NONE when it is missing, or
 * STATEFILE_ERR_IO with errno set (EINVAL: not a regular file or too large).
 */
static int
read_all(const char *path, char **buf, size_t *len)
{
	if (fileio_read_small(path, STATEFILE_FILE_MAX, FILEIO_NOFOLLOW, buf, len) == 0)
		return STATEFILE_OK;
	if (errno == ENOENT)
		return STATEFILE_NONE;
	if (errno == EFBIG)
		errno = EINVAL;
	return STATEFILE_ERR_IO;
}

/* Looks key up in the text; fills district and fp when found. */
static int
lookup(const char *text, size_t len, const uint8_t key[STATEFILE_KEY_BYTES],
       char district[STATEFILE_DISTRICT_BUF], char fp[STATEFILE_FP_BUF])
{
	char hex[STATEFILE_LINE_HEAD + 1];
	const char *p = text, *end = text + len;

	sodium_bin2hex(hex, sizeof hex, key, STATEFILE_KEY_BYTES);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;
		const char *sp1, *sp2;
		size_t dlen;

		if (eol == p) {
			p = eol + 1;
			continue;
		}
		sp1 = memchr(p, ' ', (size_t)(eol - p));
		sp2 = sp1 != NULL ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
		if (nl == NULL || sp1 != p + STATEFILE_LINE_HEAD || sp2 == NULL ||
		    eol - sp2 - 1 != 32)
			return STATEFILE_ERR_FORMAT;
		dlen = (size_t)(sp2 - sp1 - 1);
		if (dlen == 0 || dlen >= STATEFILE_DISTRICT_BUF)
			return STATEFILE_ERR_FORMAT;
		if (memcmp(p, hex, STATEFILE_LINE_HEAD) == 0) {
			char raw[STATEFILE_FP_BUF];

			memcpy(district, sp1 + 1, dlen);
			district[dlen] = '\0';
			memcpy(raw, sp2 + 1, 32);
			raw[32] = '\0';
			if (!district_ok(district) || fp_normal(fp, raw) != 0)
				return STATEFILE_ERR_FORMAT;
			return STATEFILE_OK;
		}
		p = eol + 1;
	}
	return STATEFILE_NONE;
}

int
statefile_find(const char *path, const uint8_t key[STATEFILE_KEY_BYTES],
               char district[STATEFILE_DISTRICT_BUF], char fp[STATEFILE_FP_BUF])
{
	char *text;
	size_t len;
	int rc = read_all(path, &text, &len);

	if (rc != STATEFILE_OK)
		return rc;
	rc = lookup(text, len, key, district, fp);
	free(text);
	return rc;
}

/* mkdir -p of path's directory, each new level 0700. */
static int
make_dirs(const char *path)
{
	char dir[STATEFILE_PATH_BUF];
	size_t n = strlen(path);

	if (n >= sizeof dir)
		return (errno = ENAMETOOLONG), -1;
	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

int
statefile_add(const char *path, const uint8_t key[STATEFILE_KEY_BYTES], const char *district,
              const char *fingerprint)
{
	char line[STATEFILE_LINE_HEAD + 1 + STATEFILE_DISTRICT_BUF + STATEFILE_FP_BUF + 2];
	char fp[STATEFILE_FP_BUF], d[STATEFILE_DISTRICT_BUF], old[STATEFILE_FP_BUF];
	char *text;
	size_t len;
	int fd, rc, n;

	if (!district_ok(district) || fp_normal(fp, fingerprint) != 0)
		return STATEFILE_ERR_ARG;
	rc = read_all(path, &text, &len);
	if (rc == STATEFILE_OK) {
		rc = lookup(text, len, key, d, old);
		free(text);
		if (rc != STATEFILE_NONE)
			return rc; /* there already, or the file is not ours */
		fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	} else if (rc == STATEFILE_NONE) {
		if (make_dirs(path) != 0)
			return STATEFILE_ERR_IO;
		fd = fileio_create(path, 0600);
	} else
		return rc;
	if (fd < 0)
		return STATEFILE_ERR_IO;
	sodium_bin2hex(line, STATEFILE_LINE_HEAD + 1, key, STATEFILE_KEY_BYTES);
	n = snprintf(line + STATEFILE_LINE_HEAD, sizeof line - STATEFILE_LINE_HEAD, " %s %s\n",
	             district, fp);
	if (n < 0 || (size_t)n >= sizeof line - STATEFILE_LINE_HEAD ||
	    fileio_write_all(fd, line, STATEFILE_LINE_HEAD + (size_t)n) != 0 || fsync(fd) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return STATEFILE_ERR_IO;
	}
	if (close(fd) != 0 || fileio_sync_dir_of(path) != 0)
		return STATEFILE_ERR_IO;
	return STATEFILE_OK;
}

const char *
statefile_strerror(int rc)
{
	switch (rc) {
	case STATEFILE_OK:
		return "ok";
	case STATEFILE_NONE:
		return "no record for this receipt";
	case STATEFILE_ERR_IO:
		return strerror(errno);
	case STATEFILE_ERR_FORMAT:
		return "the file holds a line that is not a pin";
	default:
		return "a district id or fingerprint that cannot be recorded";
	}
}
