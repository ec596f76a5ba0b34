/* fileio: see fileio.h. */
#include "crypto/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
fileio_create(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
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
	int rc = fflush(f) != 0 || fsync(fileno(f)) != 0 ? -1 : 0, saved = errno;

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
