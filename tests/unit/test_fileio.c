/* Unit tests for crypto/fileio: new files only, never through a link, written whole. */
#include "tests/unit/cm.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/fileio.h"

static char dir[] = "/tmp/qf-fileio-XXXXXX";

static void
path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void
test_create_write_sync(void **state)
{
	char p[256], buf[300000];
	static char data[300000];
	struct stat st;
	int fd;

	(void)state;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i * 7);
	path_in(p, sizeof p, "a");
	fd = fileio_create(p, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fileio_write_all(fd, data, sizeof data), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(fileio_sync_dir_of(p), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, sizeof data);
	fd = open(p, O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof buf), sizeof data);
	close(fd);
	assert_memory_equal(buf, data, sizeof data);
	/* never replaces */
	assert_int_equal(fileio_create(p, 0600), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, sizeof data);
	unlink(p);
}

static void
test_no_symlink(void **state)
{
	char p[256], target[256];
	struct stat st;

	(void)state;
	path_in(p, sizeof p, "link");
	path_in(target, sizeof target, "target");
	assert_int_equal(symlink(target, p), 0); /* dangling: O_CREAT would make target */
	assert_int_equal(fileio_create(p, 0600), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(stat(target, &st), -1); /* nothing made through the link */
	unlink(p);
}

static void
test_write_errors(void **state)
{
	int fd = open("/dev/full", O_WRONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fileio_write_all(fd, "x", 1), -1);
	assert_int_equal(errno, ENOSPC);
	close(fd);
	assert_int_equal(fileio_write_all(-1, "x", 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(fileio_write_all(-1, "", 0), 0); /* nothing to write */
}

static void
test_sync_dir_forms(void **state)
{
	char p[256];

	(void)state;
	assert_int_equal(fileio_sync_dir_of("relative-name"), 0); /* the current directory */
	assert_int_equal(fileio_sync_dir_of("/etc"), 0);          /* "/" */
	path_in(p, sizeof p, "none/x");
	assert_int_equal(fileio_sync_dir_of(p), -1); /* the directory is not there */
	assert_int_equal(errno, ENOENT);
}

static void
test_streams(void **state)
{
	char p[256], q[256], buf[16];
	struct stat st;
	FILE *f;
	int fd;

	(void)state;
	path_in(p, sizeof p, "s");
	f = fileio_create_stream(p, 0600);
	assert_non_null(f);
	assert_int_equal(fputs("whole", f) >= 0, 1);
	assert_int_equal(fileio_finish_stream(f, p), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	fd = open(p, O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof buf), 5);
	close(fd);
	assert_memory_equal(buf, "whole", 5);
	/* never replaces, never follows a link */
	assert_null(fileio_create_stream(p, 0600));
	assert_int_equal(errno, EEXIST);
	path_in(q, sizeof q, "slink");
	assert_int_equal(symlink(p, q), 0);
	assert_null(fileio_create_stream(q, 0600));
	unlink(q);
	unlink(p);
	/* an abandoned stream leaves nothing behind */
	f = fileio_create_stream(p, 0600);
	assert_non_null(f);
	fputs("half", f);
	fileio_abandon_stream(f, p);
	assert_int_equal(stat(p, &st), -1);
	assert_int_equal(errno, ENOENT);
}

/* Writes len bytes of data to a new file at path. */
static void
put_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(fileio_write_all(fd, data, len), 0);
	close(fd);
}

static void
test_read_small(void **state)
{
	char p[256], q[256], *buf;
	static char big[200000];
	size_t len;

	(void)state;
	path_in(p, sizeof p, "r");
	put_file(p, "a\0bc", 4);
	assert_int_equal(fileio_read_small(p, 4, 0, &buf, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(buf, "a\0bc", 5); /* NUL after the data */
	free(buf);
	assert_int_equal(fileio_read_small(p, 3, 0, &buf, &len), -1); /* one byte over */
	assert_int_equal(errno, EFBIG);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_int_equal(fileio_read_small(p, 4, FILEIO_SECRET, &buf, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(buf, "a\0bc", 5);
	sodium_free(buf);
	assert_int_equal(fileio_read_small(p, 3, FILEIO_SECRET, &buf, &len), -1);
	assert_int_equal(errno, EFBIG);
	/* empty file */
	put_file(p, "", 0);
	assert_int_equal(fileio_read_small(p, 0, 0, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(buf[0], '\0');
	free(buf);
	/* a symlink is followed unless FILEIO_NOFOLLOW */
	put_file(p, "xyz", 3);
	path_in(q, sizeof q, "rlink");
	assert_int_equal(symlink(p, q), 0);
	assert_int_equal(fileio_read_small(q, 10, 0, &buf, &len), 0);
	assert_string_equal(buf, "xyz");
	free(buf);
	assert_int_equal(fileio_read_small(q, 10, FILEIO_NOFOLLOW, &buf, &len), -1);
	assert_int_equal(errno, ELOOP);
	unlink(q);
	/* missing, a directory */
	path_in(q, sizeof q, "none");
	assert_int_equal(fileio_read_small(q, 10, 0, &buf, &len), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fileio_read_small(dir, 10, FILEIO_ANY_TYPE, &buf, &len), -1);
	assert_int_equal(errno, EISDIR);
	/* larger than the first guess: grows, and stops at max */
	memset(big, 'q', sizeof big);
	put_file(p, big, sizeof big);
	assert_int_equal(fileio_read_small(p, sizeof big, 0, &buf, &len), 0);
	assert_int_equal(len, sizeof big);
	assert_memory_equal(buf, big, sizeof big);
	free(buf);
	assert_int_equal(fileio_read_small(p, sizeof big - 1, 0, &buf, &len), -1);
	assert_int_equal(errno, EFBIG);
	unlink(p);
}

static void
test_read_small_pipes(void **state)
{
	char p[256], *buf;
	size_t len;
	int fds[2];

	(void)state;
	/* a FIFO with no writer: refused at once, not waited for */
	path_in(p, sizeof p, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(fileio_read_small(p, 10, 0, &buf, &len), -1);
	assert_int_equal(errno, EINVAL);
	unlink(p);
	/* a pipe with FILEIO_ANY_TYPE: read to its end */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "piped", 5), 5);
	close(fds[1]);
	snprintf(p, sizeof p, "/proc/self/fd/%d", fds[0]);
	assert_int_equal(fileio_read_small(p, 10, FILEIO_ANY_TYPE, &buf, &len), 0);
	assert_int_equal(len, 5);
	assert_string_equal(buf, "piped");
	free(buf);
	close(fds[0]);
	/* a device past max, through the growing buffer */
	assert_int_equal(fileio_read_small("/dev/zero", 300000, FILEIO_ANY_TYPE, &buf, &len), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(fileio_read_small("/dev/zero", 300000, 0, &buf, &len), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_write_new_and_at(void **state)
{
	char p[256], q[256], *buf;
	struct stat st;
	size_t len;
	int dfd, fd;
	FILE *f;
	mode_t um = umask(0);

	(void)state;
	umask(um);
	path_in(p, sizeof p, "new");
	assert_int_equal(fileio_write_new(p, 0600, "data", 4), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(fileio_read_small(p, 10, 0, &buf, &len), 0);
	assert_string_equal(buf, "data");
	free(buf);
	assert_int_equal(fileio_write_new(p, 0600, "other", 5), -1); /* never replaces */
	assert_int_equal(errno, EEXIST);
	assert_int_equal(fileio_read_small(p, 10, 0, &buf, &len), 0);
	assert_string_equal(buf, "data");
	free(buf);
	/* relative to a directory: new only, never through a link */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(fileio_create_at(dfd, "new", 0600), -1);
	assert_int_equal(errno, EEXIST);
	path_in(q, sizeof q, "atlink");
	assert_int_equal(symlink("gone", q), 0);
	assert_int_equal(fileio_create_at(dfd, "atlink", 0600), -1);
	assert_int_equal(errno, EEXIST);
	path_in(q, sizeof q, "gone");
	assert_int_equal(access(q, F_OK), -1); /* the link's target was not made */
	fd = fileio_create_at(dfd, "at", 0640);
	assert_true(fd >= 0);
	close(fd);
	path_in(q, sizeof q, "at");
	assert_int_equal(stat(q, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640 & ~um);
	close(dfd);
	unlink(q);
	path_in(q, sizeof q, "atlink");
	unlink(q);
	unlink(p);
	/* a stream whose earlier write failed is not finished as whole */
	path_in(p, sizeof p, "ferr");
	f = fileio_create_stream(p, 0600);
	assert_non_null(f);
	assert_int_equal(fputs("x", f) >= 0, 1);
	assert_int_equal(fgetc(f), EOF); /* reading a write-only stream sets the error flag */
	assert_true(ferror(f));
	assert_int_equal(fileio_finish_stream(f, p), -1);
	assert_int_equal(access(p, F_OK), -1);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_create_write_sync), cmocka_unit_test(test_no_symlink),
	        cmocka_unit_test(test_write_errors),      cmocka_unit_test(test_sync_dir_forms),
	        cmocka_unit_test(test_streams),           cmocka_unit_test(test_read_small),
	        cmocka_unit_test(test_read_small_pipes),  cmocka_unit_test(test_write_new_and_at),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
