/*
 * fileio: writing the files that must not be lost or hijacked — key files,
 * the server key, store backups. Files are created new (O_EXCL: nothing is
 * ever replaced) without following a symlink, written whole, and synced
 * together with the directory that holds them. Also the one reader of small
 * whole files (key files, state files, templates, bodies and notes given on
 * the command line), bounded in size. No secrets are kept here.
 */
#ifndef QF_CRYPTO_FILEIO_H
#define QF_CRYPTO_FILEIO_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Creates path for writing with mode, never following a symlink and never
 * replacing anything. Returns the descriptor, or -1 with errno set (EEXIST
 * when something is there already).
 */
int fileio_create(const char *path, mode_t mode);

/* fileio_create of name relative to the directory dirfd (openat(2)); fails the same way. */
int fileio_create_at(int dirfd, const char *name, mode_t mode);

/*
 * Creates path with mode (fileio_create), writes all len bytes of data,
 * fsyncs it and its directory. Returns 0, or -1 with errno set (EEXIST when
 * something is there already) and whatever was created removed.
 */
int fileio_write_new(const char *path, mode_t mode, const void *data, size_t len);

/*
 * Writes all len bytes of data to fd, a file just made at path by
 * fileio_create, fsyncs and closes it and syncs its directory. Returns 0,
 * or -1 with errno set and the file closed and removed.
 */
int fileio_finish_fd(int fd, const char *path, const void *data, size_t len);

/*
 * fileio_create as a stdio stream ("w"). Returns it, or NULL with errno
 * set (EEXIST when something is there already).
 */
FILE *fileio_create_stream(const char *path, mode_t mode);

/*
 * Finishes a stream from fileio_create_stream: flushes, checks that no
 * earlier write failed (ferror), fsyncs, closes, and syncs the directory.
 * On any failure the file at path is removed (it was ours: O_EXCL) and -1
 * is returned with errno set (EIO when only ferror tells); 0 when the file
 * is whole on disk. f is closed in either case.
 */
int fileio_finish_stream(FILE *f, const char *path);

/* Closes a stream from fileio_create_stream and removes its file (a write failed). */
void fileio_abandon_stream(FILE *f, const char *path);

/*
 * Writes all len bytes of data to fd, retrying on EINTR and short writes.
 * Returns 0, or -1 with errno set (EIO when the file takes no more).
 */
int fileio_write_all(int fd, const void *data, size_t len);

/*
 * fsyncs the directory that holds path, so a new name survives a crash.
 * File systems that cannot sync a directory (EINVAL, EROFS) count as done.
 * Returns 0, or -1 with errno set.
 */
int fileio_sync_dir_of(const char *path);

/* Flags for fileio_read_small. */
#define FILEIO_NOFOLLOW 1u /* refuse a symlink as the last part of path (ELOOP) */
#define FILEIO_ANY_TYPE 2u /* read pipes and devices too, not only regular files */
#define FILEIO_SECRET   4u /* the buffer comes from sodium_malloc (see below) */

/*
 * Reads the whole file at path, at most max bytes (max < SIZE_MAX / 2), into
 * a new buffer with a NUL after the data: *out and *len (without the NUL).
 * Without FILEIO_ANY_TYPE only a regular file is read, opened O_NONBLOCK so
 * a FIFO cannot hang the caller. The buffer comes from memwipe_malloc (free
 * it with free or memwipe_free); with FILEIO_SECRET from sodium_malloc, of
 * max + 1 bytes, for the caller to sodium_memzero and sodium_free. Returns 0,
 * or -1 with errno set (*out NULL, nothing read is left in memory): what
 * open(2) or read(2) said (ENOENT, EACCES, ELOOP for a symlink with
 * FILEIO_NOFOLLOW, ...), EISDIR for a directory, EINVAL for another
 * non-regular file without FILEIO_ANY_TYPE, EFBIG when larger than max,
 * ENOMEM.
 */
int fileio_read_small(const char *path, size_t max, unsigned flags, char **out, size_t *len);

#endif
