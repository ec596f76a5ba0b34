/* extract: see extract.h. */
#include "admin/extract.h"
#include "admin/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/fileio.h"
#include "crypto/text.h"

#define NAME_FILE_BUF (32 + EXTRACT_NAME_BUF) /* "<n>-QUARANTINED-" and the name */

struct extract {
	int dirfd;  /* DIR */
	int casefd; /* DIR/<case> */
	int fd;     /* the current file, or -1 */
	char case_name[128];
	char (*made)[NAME_FILE_BUF];
	size_t nmade, capmade;
};

static int
is_cjk(unsigned cp)
{
	return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	       (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2fa1f) ||
	       (cp >= 0x30000 && cp <= 0x3134f);
}

void
extract_safe_name(char out[EXTRACT_NAME_BUF], const char *name)
{
	const unsigned char *p;
	size_t len, o = 0;

	out[0] = '\0';
	if (name != NULL) {
		const char *slash = strrchr(name, '/');
		const char *bslash = strrchr(name, '\\');

		if (slash != NULL)
			name = slash + 1;
		if (bslash != NULL && bslash + 1 > name)
			name = bslash + 1;
		p = (const unsigned char *)name;
		len = strlen(name);
		while (len > 0) {
			uint32_t cp;
			size_t n = text_utf8_next(p, len, &cp);
			int keep;

			if (n == 0) {
				p++;
				len--;
				continue;
			}
			keep = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
			       (cp >= '0' && cp <= '9') || cp == '-' || cp == '_' ||
			       (cp == '.' && o > 0) || is_cjk(cp);
			if (keep) {
				if (o + n > EXTRACT_NAME_MAX)
					break;
				memcpy(out + o, p, n);
				o += n;
			}
			p += n;
			len -= n;
		}
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, EXTRACT_NAME_BUF, "attachment");
}

/* Opens (creating mode 0700 if missing) directory name beneath at, refusing links. */
static int
open_dir(int at, const char *name)
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(at, name, 0700) != 0 && errno != EEXIST)
			return -1;
		fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	return fd;
}

int
extract_begin(struct extract **out, const char *dir, const char *case_name, char *err, size_t errsz)
{
	struct extract *x = calloc(1, sizeof *x);

	*out = NULL;
	if (x == NULL) {
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	x->fd = -1;
	x->casefd = -1;
	x->dirfd = open_dir(AT_FDCWD, dir);
	if (x->dirfd < 0) {
		snprintf(err, errsz, _("cannot use %s as the extraction directory: %s"), dir,
		         errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		free(x);
		return -1;
	}
	x->casefd = open_dir(x->dirfd, case_name);
	if (x->casefd < 0) {
		snprintf(err, errsz, _("cannot make %s/%s: %s"), dir, case_name,
		         errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		close(x->dirfd);
		free(x);
		return -1;
	}
	snprintf(x->case_name, sizeof x->case_name, "%s", case_name);
	*out = x;
	return 0;
}

static int
close_current(struct extract *x)
{
	int rc = 0;

	if (x->fd >= 0) {
		if (fsync(x->fd) != 0)
			rc = -1;
		if (close(x->fd) != 0)
			rc = -1;
		x->fd = -1;
	}
	return rc;
}

int
extract_file(struct extract *x, unsigned n, int quarantined, const char *name, char *shown,
             size_t showsz, char *err, size_t errsz)
{
	char safe[EXTRACT_NAME_BUF];

	if (close_current(x) != 0) {
		snprintf(err, errsz, _("cannot write an extracted file: %s"), strerror(errno));
		return -1;
	}
	if (x->nmade == x->capmade) {
		size_t ncap = x->capmade ? x->capmade * 2 : 8;
		char(*nm)[NAME_FILE_BUF] = realloc(x->made, ncap * sizeof *nm);

		if (nm == NULL) {
			snprintf(err, errsz, _("out of memory"));
			return -1;
		}
		x->made = nm;
		x->capmade = ncap;
	}
	extract_safe_name(safe, name);
	snprintf(x->made[x->nmade], NAME_FILE_BUF, "%u-%s%s", n, quarantined ? "QUARANTINED-" : "",
	         safe);
	x->fd = fileio_create_at(x->casefd, x->made[x->nmade], 0600);
	if (x->fd < 0) {
		snprintf(err, errsz, _("cannot create %s/%s: %s"), x->case_name, x->made[x->nmade],
		         strerror(errno));
		return -1;
	}
	if (shown != NULL)
		snprintf(shown, showsz, "%s/%s", x->case_name, x->made[x->nmade]);
	x->nmade++;
	return 0;
}

int
extract_write(struct extract *x, const uint8_t *data, size_t len, char *err, size_t errsz)
{
	while (len > 0) {
		ssize_t w;

		if (x->fd < 0) {
			snprintf(err, errsz, _("no extracted file is open"));
			return -1;
		}
		w = write(x->fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errsz, _("cannot write an extracted file: %s"),
			         strerror(errno));
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int
extract_end(struct extract *x, int ok, char *err, size_t errsz)
{
	int rc = 0;

	if (x == NULL)
		return 0;
	if (close_current(x) != 0 && ok) {
		snprintf(err, errsz, _("cannot write an extracted file: %s"), strerror(errno));
		ok = 0;
		rc = -1;
	}
	if (ok && fsync(x->casefd) != 0) {
		snprintf(err, errsz, _("cannot sync the extraction directory: %s"),
		         strerror(errno));
		ok = 0;
		rc = -1;
	}
	if (!ok)
		for (size_t i = 0; i < x->nmade; i++)
			unlinkat(x->casefd, x->made[i], 0);
	close(x->casefd);
	if (!ok)
		unlinkat(x->dirfd, x->case_name, AT_REMOVEDIR); /* only if left empty */
	close(x->dirfd);
	free(x->made);
	free(x);
	return rc;
}
