/*
 * pins: what the upper level's oversight (DESIGN.md §16) remembers from one
 * bundle to the next, so that the server cannot later show it less, or
 * something else, than it has already verified: the server's signing key
 * pinned on first use, each commission's signing key pinned with the
 * fingerprint the commission published, and the chains, applied updates and
 * statement counts of the last bundle verified. It lives in an LMDB file of
 * its own in the archive directory (DIR/oversight.mdb, beside the case
 * archive's data.mdb: an upper level's machine may hold no cases at all).
 * Values are opaque bytes under short string keys; admin/oversee.c gives
 * them their meaning. Every change is one write transaction that commits
 * whole (synced to disk) or not at all.
 */
#ifndef QF_STORE_PINS_H
#define QF_STORE_PINS_H

#include <stddef.h>

/* The file's name inside the archive directory. */
#define PINS_FILE "oversight.mdb"
/* Longest key, in bytes. */
#define PINS_KEY_MAX 64

enum pins_err {
	PINS_OK = 0,
	PINS_ERR_NOT_FOUND = -1, /* no such file (open without create) or key */
	PINS_ERR_IO = -2,        /* LMDB or the file system failed (errno set where known) */
	PINS_ERR_FULL = -3,      /* the map or the disk is full */
	PINS_ERR_CORRUPT = -4,   /* not a pins file of this version */
	PINS_ERR_NOMEM = -5,
	PINS_ERR_ARG = -6, /* empty or long key, a write in a read transaction */
};

/* Human message for an error code. Never NULL. */
const char *pins_strerror(int err);

struct pins;
struct pins_txn;

/*
 * Opens DIR/oversight.mdb. With create, makes DIR (mode 0700) and the file
 * (0600) when absent; without, an absent file is PINS_ERR_NOT_FOUND and
 * nothing is made. Returns PINS_OK with *out set, PINS_ERR_NOT_FOUND,
 * PINS_ERR_IO, PINS_ERR_CORRUPT (another version) or PINS_ERR_NOMEM.
 */
int pins_open(struct pins **out, const char *dir, int create);

/* Closes the file; NULL is fine. Transactions must have ended. Cannot fail. */
void pins_close(struct pins *p);

/*
 * Deletes DIR/oversight.mdb and its lock file, and DIR itself when rmdir_dir
 * and it is then empty: undoes a pins_open(create) whose first use was
 * refused. The file must be closed. Fails silently: what cannot be removed stays.
 */
void pins_remove(const char *dir, int rmdir_dir);

/*
 * Starts a transaction, a write one when write is non-zero (one at a time,
 * across processes too). Returns PINS_OK with *out set, PINS_ERR_IO or
 * PINS_ERR_NOMEM.
 */
int pins_begin(struct pins *p, int write, struct pins_txn **out);

/*
 * Commits (synced to disk before this returns) and frees the transaction.
 * Returns PINS_OK, PINS_ERR_FULL or PINS_ERR_IO; the transaction is gone
 * either way and, on failure, nothing of it was written.
 */
int pins_commit(struct pins_txn *t);

/* Discards and frees the transaction; NULL is fine. Cannot fail. */
void pins_abort(struct pins_txn *t);

/*
 * Reads the value of key: *val points into the map, valid until the
 * transaction ends. Returns PINS_OK, PINS_ERR_NOT_FOUND, PINS_ERR_ARG or
 * PINS_ERR_IO.
 */
int pins_get(struct pins_txn *t, const char *key, const void **val, size_t *len);

/*
 * Sets key to len bytes at val (len may be 0). Returns PINS_OK, PINS_ERR_ARG
 * (bad key, read transaction), PINS_ERR_FULL, PINS_ERR_IO or PINS_ERR_NOMEM;
 * on failure the caller aborts the transaction.
 */
int pins_put(struct pins_txn *t, const char *key, const void *val, size_t len);

#endif
