/*
 * lmdb: the one wrapper around LMDB environments in store/ (the server's
 * store, the investigators' archive, the oversight pins), after Postfix's
 * slmdb. It owns what the three share: opening an environment (directory
 * checks, flags, the map reserved), the one map-growth rule, transactions
 * with the map lock, the mapping of LMDB and errno codes to a few classes,
 * and LMDB's file layout (data.mdb and lock.mdb in a directory, or FILE and
 * FILE-lock). Record layouts stay with each module.
 *
 * Map growth: the map starts at map_initial. A write run by lmdb_write that
 * fails with MDB_MAP_FULL is aborted, the map doubled (capped at map_max)
 * and the whole body run again; a transaction that meets MDB_MAP_RESIZED
 * adopts the size another process set and begins again. A module whose
 * transactions are written between lmdb_begin and lmdb_commit (their bodies
 * cannot be run again) reserves its map whole at open (map_max equal to
 * map_initial; halved down to map_min where the address space is short) and
 * reports MDB_MAP_FULL as full.
 *
 * Threads: every transaction holds the map lock shared; growing and adopting
 * hold it exclusively (LMDB allows a resize only with no transaction of the
 * process open). A thread that holds a transaction and begins another that
 * meets MDB_MAP_RESIZED gets that code back instead of waiting for itself.
 */
#ifndef QF_STORE_LMDB_H
#define QF_STORE_LMDB_H

#include <lmdb.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* LMDB's file names in an environment directory. */
#define LMDB_DATA_FILE "data.mdb"
#define LMDB_LOCK_FILE "lock.mdb"

/* What a code means, for each module to map to its own error codes. */
enum lmdb_class {
	LMDB_OK = 0,
	LMDB_NOTFOUND, /* MDB_NOTFOUND, or ENOENT: no such key or file */
	LMDB_EXISTS,   /* MDB_KEYEXIST */
	LMDB_FULL,     /* the map, a transaction's pages or the disk is full */
	LMDB_NOMEM,
	LMDB_CORRUPT, /* not an LMDB file of this version, or a damaged one */
	LMDB_IO,      /* anything else */
	LMDB_NCLASSES
};

/* How lmdb_open treats a missing environment. */
enum lmdb_create {
	LMDB_EXISTING, /* the data file must exist: ENOENT otherwise */
	LMDB_CREATE,   /* the data file is made when missing; the directory must exist */
	LMDB_MKDIR,    /* the directory (0700) and the data file are made when missing */
};

struct lmdb_options {
	const char *
	        file; /* NULL: LMDB's layout in the directory; else one file in it (MDB_NOSUBDIR) */
	unsigned flags;  /* further mdb_env_open flags (MDB_NOTLS); every commit is synced */
	unsigned maxdbs; /* named databases, 0 for the unnamed one only */
	size_t map_initial;
	size_t map_min; /* map_initial cannot be reserved (ENOMEM, EINVAL): halve down to this */
	size_t map_max; /* the growth cap; raised to a map the file already has */
	enum lmdb_create create;
};

struct lmdb {
	MDB_env *env;
	size_t map_max;
	pthread_rwlock_t maplock;
	int lock_fd; /* lmdb_alone's descriptor of the lock file, held until close, or -1 */
};

/*
 * The body of a write transaction: returns 0 to commit, or any other code
 * (a module's negative code, an LMDB or errno code) to abort with it.
 * MDB_MAP_FULL makes lmdb_write grow the map and run it again, so it must
 * (re)write every output it has.
 */
typedef int lmdb_fn(MDB_txn *txn, void *ctx);

/* The class of 0, an LMDB code or an errno code. Cannot fail. */
enum lmdb_class lmdb_class(int rc);

/*
 * Opens the environment in dir as o says. Returns 0, ENOTDIR (dir is not a
 * directory), ENOENT (missing and not to be created), ENAMETOOLONG, or the
 * LMDB/errno code of what failed; errno is set to a positive code. On
 * failure db holds nothing.
 */
int lmdb_open(struct lmdb *db, const char *dir, const struct lmdb_options *o);

/* Closes db (every transaction must have ended); a closed db is fine. Cannot fail. */
void lmdb_close(struct lmdb *db);

/*
 * Runs fn in a write transaction and commits it, synced. Grows the map and
 * runs fn again on MDB_MAP_FULL, adopts a resize on MDB_MAP_RESIZED.
 * Returns 0 (committed), fn's code, MDB_MAP_FULL at the cap, ENOSPC when
 * the disk is (nearly) full, or the LMDB/errno code of the failure; nothing
 * is written unless 0.
 */
int lmdb_write(struct lmdb *db, lmdb_fn *fn, void *ctx);

/*
 * Begins a transaction (read-only unless write), adopting a resize by
 * another process. Returns 0 with *txn set (end it with lmdb_commit or
 * lmdb_abort), or the LMDB/errno code.
 */
int lmdb_begin(struct lmdb *db, int write, MDB_txn **txn);

/*
 * Commits txn (synced) and ends it, also on failure. Returns 0, ENOSPC when
 * the disk is (nearly) full, or the LMDB/errno code.
 */
int lmdb_commit(struct lmdb *db, MDB_txn *txn);

/* Aborts txn (a read transaction ends here). Cannot fail. */
void lmdb_abort(struct lmdb *db, MDB_txn *txn);

/*
 * The schema version of a database, a u32be under key in dbi: writes
 * version when the key is missing. Returns 0, MDB_VERSION_MISMATCH when the
 * record holds something else, or the LMDB code.
 */
int lmdb_version(MDB_txn *txn, MDB_dbi dbi, const char *key, uint32_t version);

/*
 * True (1) when no other process has the environment in dir (LMDB's
 * layout) open: each LMDB process holds a shared fcntl lock on the first
 * byte of lock.mdb while it has it open. The descriptor opened to ask stays
 * in db until lmdb_close (closing any descriptor of lock.mdb would drop this
 * process's LMDB locks on it). 0 when another has it or it cannot be told.
 */
int lmdb_alone(struct lmdb *db, const char *dir);

/*
 * After lmdb_alone said 1: writes a compacted copy of the data file beside
 * it (free pages, which LMDB does not wipe, no longer hold what was
 * deleted), closes the environment, and, holding the exclusive lock that
 * makes new openers wait, renames the copy over data.mdb; then opens the
 * environment again with o. Sets *done to 1 when the file was replaced, 0
 * when the copy or the lock failed (the file is as it was). Returns 0, or
 * the code of reopening (then db holds nothing).
 */
int lmdb_compact(struct lmdb *db, const char *dir, const struct lmdb_options *o, int *done);

/*
 * Writes dir/name into buf (n bytes). Returns 0, or ENAMETOOLONG when it
 * does not fit.
 */
int lmdb_path(char *buf, size_t n, const char *dir, const char *name);

/*
 * Unlinks the environment's files in dir (data.mdb and lock.mdb, or file and
 * file-lock when file is not NULL), then the directory itself when rmdir_dir.
 * What is missing or cannot be removed is left. Cannot fail.
 */
void lmdb_remove(const char *dir, const char *file, int rmdir_dir);

#endif
