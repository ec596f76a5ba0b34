/*
 * fileio: writing the files that must not be lost or hijacked — key files,
 * the server key, store backups. Files are created new (O_EXCL: nothing is
 * ever replaced) without following a symlink, written whole, and synced
 * together with the directory that holds them. No secrets are kept here.
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

/*
 * fileio_create as a stdio stream ("w"). Returns it, or NULL with errno
 * set (EEXIST when something is there already).
 */
FILE *fileio_create_stream(const char *path, mode_t mode);

/*
 * Finishes a stream from fileio_create_stream: flushes, fsyncs, closes,
 * and syncs the directory. On any failure the file at path is removed (it
 * was ours: O_EXCL) and -1 is returned with errno set; 0 when the file is
 * whole on disk. f is closed in either case.
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

#endif
