/* lmdb: see lmdb.h. */
#include "store/lmdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "crypto/codec.h"
#include "crypto/fileio.h"

/* Bound on the retries of one transaction (map doublings and resizes). */
#define RETRIES 64
/* Less free space than this (the largest group commit) makes EIO a full disk. */
#define DISK_SLACK ((uint64_t)64 << 20)

/* Transactions this thread holds, of any environment: a resize must not wait for them. */
static _Thread_local int held;

enum lmdb_class
lmdb_class(int rc)
{
	switch (rc) {
	case 0:
		return LMDB_OK;
	case MDB_NOTFOUND:
	case ENOENT:
		return LMDB_NOTFOUND;
	case MDB_KEYEXIST:
		return LMDB_EXISTS;
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
	case MDB_PAGE_FULL:
	case ENOSPC:
	case EDQUOT:
		return LMDB_FULL;
	case ENOMEM:
		return LMDB_NOMEM;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		return LMDB_CORRUPT;
	default:
		return LMDB_IO;
	}
}

int
lmdb_path(char *buf, size_t n, const char *dir, const char *name)
{
	int len = snprintf(buf, n, "%s/%s", dir, name);

	return len < 0 || (size_t)len >= n ? ENAMETOOLONG : 0;
}

/* Checks dir (making it for LMDB_MKDIR) and that the data file is there unless it may be made. */
static int
check_dir(const char *dir, const struct lmdb_options *o)
{
	char data[4096];
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || o->create != LMDB_MKDIR)
			return errno;
		if (mkdir(dir, 0700) != 0)
			return errno;
	} else if (!S_ISDIR(st.st_mode)) {
		return ENOTDIR;
	}
	if (lmdb_path(data, sizeof data, dir, o->file != NULL ? o->file : LMDB_DATA_FILE) != 0)
		return ENAMETOOLONG;
	if (o->create == LMDB_EXISTING && stat(data, &st) != 0)
		return errno;
	return 0;
}

int
lmdb_open(struct lmdb *db, const char *dir, const struct lmdb_options *o)
{
	char file[4096];
	const char *path = dir;
	unsigned flags = o->flags;
	MDB_envinfo info;
	int rc;

	memset(db, 0, sizeof *db);
	db->lock_fd = -1;
	if ((rc = check_dir(dir, o)) != 0)
		goto fail;
	if (o->file != NULL) {
		if ((rc = lmdb_path(file, sizeof file, dir, o->file)) != 0)
			goto fail;
		path = file;
		flags |= MDB_NOSUBDIR;
	}
	for (size_t map = o->map_initial;; map /= 2) {
		rc = mdb_env_create(&db->env);
		if (rc == 0 && o->maxdbs > 0)
			rc = mdb_env_set_maxdbs(db->env, o->maxdbs);
		if (rc == 0)
			rc = mdb_env_set_mapsize(db->env, map);
		if (rc == 0)
			rc = mdb_env_open(db->env, path, flags, 0600);
		if (rc == 0)
			rc = mdb_env_info(db->env, &info);
		if (rc == 0 || (rc != ENOMEM && rc != EINVAL) || map / 2 < o->map_min ||
		    o->map_min == 0)
			break;
		mdb_env_close(db->env); /* the map could not be reserved: try half */
		db->env = NULL;
	}
	if (rc != 0) {
		if (db->env != NULL)
			mdb_env_close(db->env);
		db->env = NULL;
		goto fail;
	}
	/* A map already grown (by us earlier, or another process) raises the cap. */
	db->map_max = info.me_mapsize > o->map_max ? info.me_mapsize : o->map_max;
	if (pthread_rwlock_init(&db->maplock, NULL) != 0) {
		mdb_env_close(db->env);
		db->env = NULL;
		rc = ENOMEM;
		goto fail;
	}
	return 0;
fail:
	errno = rc > 0 ? rc : EIO;
	return rc;
}

void
lmdb_close(struct lmdb *db)
{
	if (db == NULL)
		return;
	if (db->env != NULL) {
		mdb_env_close(db->env);
		pthread_rwlock_destroy(&db->maplock);
		db->env = NULL;
	}
	if (db->lock_fd >= 0)
		close(db->lock_fd); /* after the environment: see lmdb_alone */
	db->lock_fd = -1;
}

/*
 * Sets the map size to size (0: adopt the size in the file) with no
 * transaction of this process open. Returns 0 or the code that stopped it
 * (orig when this thread holds a transaction and so cannot wait).
 */
static int
resize(struct lmdb *db, size_t size, int orig)
{
	int rc;

	if (held > 0)
		return orig;
	pthread_rwlock_wrlock(&db->maplock);
	rc = mdb_env_set_mapsize(db->env, size);
	pthread_rwlock_unlock(&db->maplock);
	return rc;
}

/* After MDB_MAP_FULL: doubles the map up to map_max. Returns 0 or MDB_MAP_FULL. */
static int
grow(struct lmdb *db)
{
	MDB_envinfo info;
	size_t next;

	if (mdb_env_info(db->env, &info) != 0 || info.me_mapsize >= db->map_max)
		return MDB_MAP_FULL;
	next = info.me_mapsize > db->map_max / 2 ? db->map_max : info.me_mapsize * 2;
	return resize(db, next, MDB_MAP_FULL) == 0 ? 0 : MDB_MAP_FULL;
}

/*
 * LMDB turns a short write on a full disk into EIO: when the file system
 * holding the environment has less than DISK_SLACK left, says ENOSPC.
 */
static int
disk_full(struct lmdb *db, int rc)
{
	const char *path = NULL;
	struct statvfs v;

	if (rc != EIO || mdb_env_get_path(db->env, &path) != 0 || path == NULL ||
	    statvfs(path, &v) != 0)
		return rc;
	return (uint64_t)v.f_bavail * v.f_frsize < DISK_SLACK ? ENOSPC : rc;
}

int
lmdb_begin(struct lmdb *db, int write, MDB_txn **txn)
{
	*txn = NULL;
	for (int tries = 0; tries < RETRIES; tries++) {
		int rc;

		pthread_rwlock_rdlock(&db->maplock);
		rc = mdb_txn_begin(db->env, NULL, write ? 0 : MDB_RDONLY, txn);
		if (rc == 0) {
			held++;
			return 0; /* the lock is held until the transaction ends */
		}
		pthread_rwlock_unlock(&db->maplock);
		*txn = NULL;
		if (rc != MDB_MAP_RESIZED || (rc = resize(db, 0, rc)) != 0)
			return rc;
	}
	return MDB_MAP_RESIZED;
}

int
lmdb_commit(struct lmdb *db, MDB_txn *txn)
{
	int rc = mdb_txn_commit(txn); /* frees txn, also on failure */

	held--;
	pthread_rwlock_unlock(&db->maplock);
	return disk_full(db, rc);
}

void
lmdb_abort(struct lmdb *db, MDB_txn *txn)
{
	if (txn == NULL)
		return;
	mdb_txn_abort(txn);
	held--;
	pthread_rwlock_unlock(&db->maplock);
}

int
lmdb_write(struct lmdb *db, lmdb_fn *fn, void *ctx)
{
	for (int tries = 0; tries < RETRIES; tries++) {
		MDB_txn *txn;
		int rc = lmdb_begin(db, 1, &txn);

		if (rc != 0)
			return disk_full(db, rc);
		rc = fn(txn, ctx);
		if (rc == 0)
			rc = lmdb_commit(db, txn);
		else
			lmdb_abort(db, txn);
		if (rc == MDB_MAP_FULL) {
			if ((rc = grow(db)) != 0)
				return rc;
			continue;
		}
		if (rc == MDB_MAP_RESIZED) {
			if ((rc = resize(db, 0, rc)) != 0)
				return rc;
			continue;
		}
		return disk_full(db, rc);
	}
	return MDB_MAP_FULL;
}

void
lmdb_remove(const char *dir, const char *file, int rmdir_dir)
{
	char p[4096], lock[4096];

	if (file == NULL) {
		if (lmdb_path(p, sizeof p, dir, LMDB_DATA_FILE) == 0)
			unlink(p);
		if (lmdb_path(p, sizeof p, dir, LMDB_LOCK_FILE) == 0)
			unlink(p);
	} else if (lmdb_path(p, sizeof p, dir, file) == 0 &&
	           (size_t)snprintf(lock, sizeof lock, "%s-lock", p) < sizeof lock) {
		unlink(p);
		unlink(lock);
	}
	if (rmdir_dir)
		rmdir(dir);
}

/* Asks for (F_GETLK) or takes (F_SETLK) the exclusive lock on the lock file's first byte. */
static int
lock_byte(int fd, int cmd)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_len = 1;
	if (fcntl(fd, cmd, &fl) != 0)
		return 0;
	return cmd == F_SETLK || fl.l_type == F_UNLCK;
}

int
lmdb_alone(struct lmdb *db, const char *dir)
{
	char lock[4096];

	if (db->lock_fd < 0) {
		if (lmdb_path(lock, sizeof lock, dir, LMDB_LOCK_FILE) != 0)
			return 0;
		db->lock_fd = open(lock, O_RDWR | O_CLOEXEC);
		if (db->lock_fd < 0)
			return 0;
	}
	return lock_byte(db->lock_fd, F_GETLK);
}

int
lmdb_compact(struct lmdb *db, const char *dir, const struct lmdb_options *o, int *done)
{
	char tmp[4096] = "", data[4096];
	int fd, rc = -1, lfd = db->lock_fd;

	*done = 0;
	if (lmdb_path(data, sizeof data, dir, LMDB_DATA_FILE) == 0 &&
	    (size_t)snprintf(tmp, sizeof tmp, "%s.compact", data) < sizeof tmp) {
		unlink(tmp); /* a leftover of an interrupted compaction */
		fd = fileio_create(tmp, 0600);
		rc = fd < 0 ? -1 : mdb_env_copyfd2(db->env, fd, MDB_CP_COMPACT);
		if (fd >= 0 && rc == 0 && fsync(fd) != 0)
			rc = -1;
		if (fd >= 0 && close(fd) != 0)
			rc = -1;
	}
	db->lock_fd = -1;
	lmdb_close(db); /* keeps lfd open: this process's locks stay until the rename */
	if (rc == 0 && lfd >= 0 && lock_byte(lfd, F_SETLK) && rename(tmp, data) == 0) {
		(void)fileio_sync_dir_of(data);
		*done = 1;
	} else if (tmp[0] != '\0') {
		unlink(tmp);
	}
	if (lfd >= 0)
		close(lfd); /* lets waiting openers in, onto the new file */
	return lmdb_open(db, dir, o);
}

int
lmdb_version(MDB_txn *txn, MDB_dbi dbi, const char *key, uint32_t version)
{
	MDB_val k = {strlen(key), (void *)(uintptr_t)key}, v;
	uint8_t ver[4];
	int rc = mdb_get(txn, dbi, &k, &v);

	if (rc == MDB_NOTFOUND) {
		codec_u32be_put(ver, version);
		v.mv_size = sizeof ver;
		v.mv_data = ver;
		return mdb_put(txn, dbi, &k, &v, 0);
	}
	if (rc == 0 && (v.mv_size != 4 || codec_u32be_get(v.mv_data) != version))
		return MDB_VERSION_MISMATCH;
	return rc;
}
