/* pins: see pins.h. */
#include "store/pins.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/lmdb.h"

#define PINS_VERSION 1

/*
 * Address space reserved for the map at open (store/lmdb: the map does not
 * grow under a transaction written between pins_begin and pins_commit; the
 * file grows only as data is written); where that much cannot be reserved,
 * half as much, down to MAP_MIN. A commission's chain costs 32 bytes an
 * entry.
 */
#if UINTPTR_MAX > 0xffffffffu
#define MAP_SIZE ((size_t)4 << 30)
#else
#define MAP_SIZE ((size_t)512 << 20)
#endif
#define MAP_MIN ((size_t)64 << 20)

struct pins {
	struct lmdb db;
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

/* Maps 0 or an LMDB/errno code to a pins code. */
static int
mdb_err(int rc)
{
	static const int codes[LMDB_NCLASSES] = {
	        [LMDB_OK] = PINS_OK,           [LMDB_NOTFOUND] = PINS_ERR_NOT_FOUND,
	        [LMDB_EXISTS] = PINS_ERR_IO,   [LMDB_FULL] = PINS_ERR_FULL,
	        [LMDB_NOMEM] = PINS_ERR_NOMEM, [LMDB_CORRUPT] = PINS_ERR_CORRUPT,
	        [LMDB_IO] = PINS_ERR_IO,
	};

	return codes[lmdb_class(rc)];
}

/* Opens the one database and checks (or writes) the version. */
static int
open_db(MDB_txn *txn, void *ctx)
{
	struct pins *p = ctx;
	int rc = mdb_dbi_open(txn, NULL, 0, &p->dbi);

	return rc != 0 ? rc : lmdb_version(txn, p->dbi, "!version", PINS_VERSION);
}

int
pins_open(struct pins **out, const char *dir, int create)
{
	const struct lmdb_options o = {PINS_FILE,
	                               MDB_NOTLS,
	                               0,
	                               MAP_SIZE,
	                               MAP_MIN,
	                               MAP_SIZE,
	                               create ? LMDB_MKDIR : LMDB_EXISTING};
	struct pins *p;
	int rc;

	*out = NULL;
	if (dir == NULL || dir[0] == '\0')
		return PINS_ERR_ARG;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return PINS_ERR_NOMEM;
	if ((rc = lmdb_open(&p->db, dir, &o)) == 0 && (rc = lmdb_write(&p->db, open_db, p)) != 0)
		lmdb_close(&p->db);
	if (rc != 0) {
		free(p);
		return mdb_err(rc);
	}
	*out = p;
	return PINS_OK;
}

void
pins_remove(const char *dir, int rmdir_dir)
{
	lmdb_remove(dir, PINS_FILE, rmdir_dir);
}

void
pins_close(struct pins *p)
{
	if (p == NULL)
		return;
	lmdb_close(&p->db);
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
	if ((rc = lmdb_begin(&p->db, write, &t->txn)) != 0) {
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
	int rc = lmdb_commit(&t->p->db, t->txn);

	free(t);
	return mdb_err(rc);
}

void
pins_abort(struct pins_txn *t)
{
	if (t == NULL)
		return;
	lmdb_abort(&t->p->db, t->txn);
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
