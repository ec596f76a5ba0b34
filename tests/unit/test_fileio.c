/* Unit tests for crypto/fileio: new files only, never through a link, written whole. */
#include "tests/unit/cm.h"

#include <errno.h>
#include <fcntl.h>
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
	        cmocka_unit_test(test_streams),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
