/* fileio: see fileio.h. */
#include "crypto/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/memwipe.h"

/* How much of a pipe or device fileio_read_small takes room for at first. */
#define READ_FIRST_CAP 65536

int
fileio_create(const char *path, mode_t mode)
{
	return fileio_create_at(AT_FDCWD, path, mode);
}

int
fileio_create_at(int dirfd, const char *name, mode_t mode)
{
	return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
}

int
fileio_write_new(const char *path, mode_t mode, const void *data, size_t len)
{
	int fd = fileio_create(path, mode);

	if (fd < 0)
		return -1;
	return fileio_finish_fd(fd, path, data, len);
}

int
fileio_finish_fd(int fd, const char *path, const void *data, size_t len)
{
	int saved;

	if (fileio_write_all(fd, data, len) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (fileio_sync_dir_of(path) != 0)
		goto fail;
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(path);
	errno = saved;
	return -1;
}

FILE *
fileio_create_stream(const char *path, mode_t mode)
{
	int fd = fileio_create(path, mode), saved;
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (f == NULL) {
		saved = errno;
		close(fd);
		unlink(path);
		errno = saved;
	}
	return f;
}

int
fileio_finish_stream(FILE *f, const char *path)
{
	int rc = 0, saved = 0;

	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		rc = -1;
		saved = errno;
	} else if (ferror(f)) {
		rc = -1;
		saved = EIO;
	}
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && fileio_sync_dir_of(path) != 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0) {
		unlink(path);
		errno = saved;
	}
	return rc;
}

void
fileio_abandon_stream(FILE *f, const char *path)
{
	int saved = errno;

	fclose(f);
	unlink(path);
	errno = saved;
}

int
fileio_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int
fileio_sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc, saved;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	if (rc != 0 && (saved == EINVAL || saved == EROFS))
		rc = 0;
	errno = saved;
	return rc;
}

/* Wipes and frees a fileio_read_small buffer of cap bytes (NULL is fine). */
static void
small_free(char *buf, size_t cap, unsigned flags)
{
	if (buf == NULL)
		return;
	sodium_memzero(buf, cap);
	if (flags & FILEIO_SECRET)
		sodium_free(buf);
	else
		memwipe_free(buf);
}

int
fileio_read_small(const char *path, size_t max, unsigned flags, char **out, size_t *len)
{
	int oflags = O_RDONLY | O_CLOEXEC, fd, saved = 0;
	struct stat st;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*len = 0;
	if (max >= SIZE_MAX / 2) {
		errno = EINVAL;
		return -1;
	}
	if (flags & FILEIO_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	if (!(flags & FILEIO_ANY_TYPE))
		oflags |= O_NONBLOCK; /* no waiting for a FIFO's writer */
	fd = open(path, oflags);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		saved = errno;
	else if (S_ISDIR(st.st_mode))
		saved = EISDIR;
	else if (!S_ISREG(st.st_mode) && !(flags & FILEIO_ANY_TYPE))
		saved = EINVAL;
	else if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max)
		saved = EFBIG;
	if (saved == 0) {
		/* room for the data, the NUL, and one byte more to see the end */
		cap = flags & FILEIO_SECRET ? max + 1
		      : S_ISREG(st.st_mode) ? (size_t)st.st_size + 2
		                            : READ_FIRST_CAP;
		if (cap > max + 1)
			cap = max + 1;
		buf = flags & FILEIO_SECRET ? sodium_malloc(cap) : memwipe_malloc(cap);
		if (buf == NULL)
			saved = ENOMEM;
	}
	while (saved == 0) {
		ssize_t r;

		if (cap - n < 2 && cap < max + 1) { /* only without FILEIO_SECRET */
			size_t ncap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			char *nb = memwipe_realloc(buf, ncap);

			if (nb == NULL) {
				saved = ENOMEM;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		/* below max + 1 bytes of room, one stays free for the NUL */
		r = read(fd, buf + n, cap - n - (cap < max + 1 ? 1 : 0));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			saved = errno;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n > max)
			saved = EFBIG;
	}
	close(fd);
	if (saved != 0) {
		small_free(buf, cap, flags);
		errno = saved;
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
