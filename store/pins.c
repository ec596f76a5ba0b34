/* pins: see pins.h. */
#include "store/pins.h"

#include <errno.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/codec.h"

#define PINS_VERSION 1

/*
 * Address space reserved for the map (the file grows only as data is
 * written); where that much cannot be reserved, half as much, down to
 * MAP_MIN. A commission's chain costs 32 bytes an entry.
 */
#if UINTPTR_MAX > 0xffffffffu
#define MAP_SIZE ((size_t)4 << 30)
#else
#define MAP_SIZE ((size_t)512 << 20)
#endif
#define MAP_MIN ((size_t)64 << 20)

struct pins {
	MDB_env *env;
	MDB_dbi dbi;
};

struct pins_txn {
	struct pins *p;
	MDB_txn *txn;
	int write;
};

const char *
pins_strerror(int err)
{
	switch (err) {
	case PINS_OK:
		return "ok";
	case PINS_ERR_NOT_FOUND:
		return "not found";
	case PINS_ERR_IO:
		return "the oversight file failed";
	case PINS_ERR_FULL:
		return "the oversight file is full (disk or map size)";
	case PINS_ERR_CORRUPT:
		return "the oversight file is not of this version";
	case PINS_ERR_NOMEM:
		return "out of memory";
	case PINS_ERR_ARG:
		return "invalid argument";
	default:
		return "unknown error";
	}
}

static int
mdb_err(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return PINS_OK;
	case MDB_NOTFOUND:
		return PINS_ERR_NOT_FOUND;
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
	case MDB_PAGE_FULL:
	case ENOSPC:
		return PINS_ERR_FULL;
	case ENOMEM:
		return PINS_ERR_NOMEM;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		return PINS_ERR_CORRUPT;
	default:
		return PINS_ERR_IO;
	}
}

/* Opens the one database and checks (or writes) the version. */
static int
open_db(struct pins *p)
{
	MDB_txn *txn;
	MDB_val k = {8, (void *)(uintptr_t) "!version"}, v;
	uint8_t ver[4];
	int rc = mdb_txn_begin(p->env, NULL, 0, &txn);

	if (rc != 0)
		return mdb_err(rc);
	rc = mdb_dbi_open(txn, NULL, 0, &p->dbi);
	if (rc == 0)
		rc = mdb_get(txn, p->dbi, &k, &v);
	if (rc == MDB_NOTFOUND) {
		codec_u32be_put(ver, PINS_VERSION);
		v.mv_size = 4;
		v.mv_data = ver;
		rc = mdb_put(txn, p->dbi, &k, &v, 0);
	} else if (rc == 0 && (v.mv_size != 4 || codec_u32be_get(v.mv_data) != PINS_VERSION)) {
		mdb_txn_abort(txn);
		return PINS_ERR_CORRUPT;
	}
	if (rc != 0) {
		mdb_txn_abort(txn);
		return mdb_err(rc);
	}
	return mdb_err(mdb_txn_commit(txn));
}

int
pins_open(struct pins **out, const char *dir, int create)
{
	struct pins *p;
	struct stat st;
	char *path;
	size_t n;
	int rc;

	*out = NULL;
	if (dir == NULL || dir[0] == '\0')
		return PINS_ERR_ARG;
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || !create)
			return errno == ENOENT ? PINS_ERR_NOT_FOUND : PINS_ERR_IO;
		if (mkdir(dir, 0700) != 0)
			return PINS_ERR_IO;
	} else if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return PINS_ERR_IO;
	}
	n = strlen(dir) + sizeof "/" PINS_FILE;
	path = malloc(n);
	if (path == NULL)
		return PINS_ERR_NOMEM;
	snprintf(path, n, "%s/%s", dir, PINS_FILE);
	if (!create && stat(path, &st) != 0) {
		free(path);
		return errno == ENOENT ? PINS_ERR_NOT_FOUND : PINS_ERR_IO;
	}
	p = calloc(1, sizeof *p);
	if (p == NULL) {
		free(path);
		return PINS_ERR_NOMEM;
	}
	for (size_t map = MAP_SIZE;; map /= 2) {
		rc = mdb_env_create(&p->env);
		if (rc == 0)
			rc = mdb_env_set_mapsize(p->env, map);
		if (rc == 0)
			rc = mdb_env_open(p->env, path, MDB_NOSUBDIR | MDB_NOTLS, 0600);
		if ((rc != ENOMEM && rc != EINVAL) || map / 2 < MAP_MIN)
			break;
		mdb_env_close(p->env);
		p->env = NULL;
	}
	free(path);
	if (rc == 0)
		rc = open_db(p);
	else
		rc = mdb_err(rc);
	if (rc != PINS_OK) {
		if (p->env != NULL)
			mdb_env_close(p->env);
		free(p);
		return rc;
	}
	*out = p;
	return PINS_OK;
}

void
pins_remove(const char *dir, int rmdir_dir)
{
	size_t n = strlen(dir) + sizeof "/" PINS_FILE "-lock";
	char *p = malloc(n);

	if (p != NULL) {
		snprintf(p, n, "%s/%s", dir, PINS_FILE);
		unlink(p);
		snprintf(p, n, "%s/%s-lock", dir, PINS_FILE);
		unlink(p);
		free(p);
	}
	if (rmdir_dir)
		rmdir(dir);
}

void
pins_close(struct pins *p)
{
	if (p == NULL)
		return;
	mdb_env_close(p->env);
	free(p);
}

int
pins_begin(struct pins *p, int write, struct pins_txn **out)
{
	struct pins_txn *t = calloc(1, sizeof *t);
	int rc;

	*out = NULL;
	if (t == NULL)
		return PINS_ERR_NOMEM;
	rc = mdb_txn_begin(p->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
	if (rc != 0) {
		free(t);
		return mdb_err(rc);
	}
	t->p = p;
	t->write = write != 0;
	*out = t;
	return PINS_OK;
}

int
pins_commit(struct pins_txn *t)
{
	int rc = mdb_txn_commit(t->txn);

	free(t);
	return mdb_err(rc);
}

void
pins_abort(struct pins_txn *t)
{
	if (t == NULL)
		return;
	mdb_txn_abort(t->txn);
	free(t);
}

static int
key_ok(const char *key)
{
	return key != NULL && key[0] != '\0' && key[0] != '!' && strlen(key) <= PINS_KEY_MAX;
}

int
pins_get(struct pins_txn *t, const char *key, const void **val, size_t *len)
{
	MDB_val k, v;
	int rc;

	*val = NULL;
	*len = 0;
	if (!key_ok(key))
		return PINS_ERR_ARG;
	k.mv_size = strlen(key);
	k.mv_data = (void *)(uintptr_t)key;
	rc = mdb_get(t->txn, t->p->dbi, &k, &v);
	if (rc != 0)
		return mdb_err(rc);
	*val = v.mv_data;
	*len = v.mv_size;
	return PINS_OK;
}

int
pins_put(struct pins_txn *t, const char *key, const void *val, size_t len)
{
	MDB_val k, v;

	if (!key_ok(key) || !t->write)
		return PINS_ERR_ARG;
	k.mv_size = strlen(key);
	k.mv_data = (void *)(uintptr_t)key;
	v.mv_size = len;
	v.mv_data = (void *)(uintptr_t)(len > 0 ? val : "");
	return mdb_err(mdb_put(t->txn, t->p->dbi, &k, &v, 0));
}
