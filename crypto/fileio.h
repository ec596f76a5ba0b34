/*
 * fileio: writing the files that must not be lost or hijacked — key files,
 * the server key, store backups. Files are created new (O_EXCL: nothing is
 * ever replaced) without following a symlink, written whole, and synced
 * together with the directory that holds them. No secrets are kept here.
 */
#ifndef QF_CRYPTO_FILEIO_H
#define QF_CRYPTO_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Creates path for writing with mode, never following a symlink and never
 * replacing anything. Returns the descriptor, or -1 with errno set (EEXIST
 * when something is there already).
 */
int fileio_create(const char *path, mode_t mode);

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
