/* archive: see archive.h. */
#include "store/archive.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/chain.h"
#include "store/lmdb.h"

#define REC_V1       1
#define ENTRY_HDR    (1 + 1 + 32 + 32 + 32 + CODEC_DAY_LEN + 1 + 32)
#define ENTRY_KEYLEN (CODEC_DISTRICT_MAX + 1 + 8)
#define LOOKUP_KEY   (CODEC_DISTRICT_MAX + 1 + 32)
#define REPLY_KEY    (CODEC_DISTRICT_MAX + 1 + 8 + 4 + 1)
#define NOTE_KEY     (CODEC_DISTRICT_MAX + 1 + 8 + 4)

/*
 * Address space reserved for the map at open (store/lmdb: a transaction
 * written between archive_begin and archive_commit cannot be run again, so
 * the map does not grow); the file only grows as data is written. Where that
 * much cannot be reserved (ulimit -v, Valgrind) the archive opens with half
 * as much, down to MAP_MIN.
 */
#if UINTPTR_MAX > 0xffffffffu
#define MAP_SIZE ((size_t)64 << 30)
#else
#define MAP_SIZE ((size_t)1 << 30)
#endif
#define MAP_MIN ((size_t)256 << 20)

struct archive {
	struct lmdb db;
	MDB_dbi meta, districts, entries, lookups, cases, outbox, replies, access, notes,
	        quarantine, numbers;
};

/*
 * A transaction, with the last district record it read (district_cached):
 * drec is that record as parsed and dd as decoded, for district did; drec is
 * NULL when nothing is cached. Every write of a district record goes through
 * district_store, which drops the cache first, or through archive_entry_add,
 * which writes the cached record itself; so the cache never differs from
 * what the transaction holds.
 */
struct archive_txn {
	struct archive *a;
	MDB_txn *txn;
	int write;
	char did[CODEC_DISTRICT_BUF];
	json_t *drec;
	struct archive_district dd;
};

const char *
archive_strerror(int err)
{
	switch (err) {
	case ARCHIVE_OK:
		return "ok";
	case ARCHIVE_SKIPPED:
		return "already held";
	case ARCHIVE_ERR_NOT_FOUND:
		return "not found in the archive";
	case ARCHIVE_ERR_EXISTS:
		return "already in the archive";
	case ARCHIVE_ERR_ORDER:
		return "entry does not follow the archive's head (a gap)";
	case ARCHIVE_ERR_CHAIN:
		return "envelope hash or chain value does not match (tampering)";
	case ARCHIVE_ERR_CASE:
		return "entry does not fit the district's cases";
	case ARCHIVE_ERR_SEQ:
		return "update sequence out of order";
	case ARCHIVE_ERR_CORRUPT:
		return "a stored record is corrupt";
	case ARCHIVE_ERR_IO:
		return "the archive database failed";
	case ARCHIVE_ERR_FULL:
		return "the archive is full (disk or map size)";
	case ARCHIVE_ERR_ARG:
		return "invalid argument";
	case ARCHIVE_ERR_NOMEM:
		return "out of memory";
	case ARCHIVE_ERR_RDONLY:
		return "write in a read-only transaction";
	default:
		return "unknown archive error";
	}
}

/* Maps 0, an archive code, or an LMDB/errno code to an archive code. */
static int
mdb_err(int rc)
{
	static const int codes[LMDB_NCLASSES] = {
	        [LMDB_OK] = ARCHIVE_OK,
	        [LMDB_NOTFOUND] = ARCHIVE_ERR_NOT_FOUND,
	        [LMDB_EXISTS] = ARCHIVE_ERR_EXISTS,
	        [LMDB_FULL] = ARCHIVE_ERR_FULL,
	        [LMDB_NOMEM] = ARCHIVE_ERR_NOMEM,
	        [LMDB_CORRUPT] = ARCHIVE_ERR_CORRUPT,
	        [LMDB_IO] = ARCHIVE_ERR_IO,
	};

	if (rc < 0 && rc >= ARCHIVE_ERR_RDONLY)
		return rc;
	return codes[lmdb_class(rc)];
}

/* ---- environment -------------------------------------------------------- */

static int numbers_migrate(struct archive *a, MDB_txn *txn);

static int
open_dbs(MDB_txn *txn, void *ctx)
{
	static const char *names[] = {"meta",  "districts",  "entries", "lookups",
	                              "cases", "outbox",     "replies", "access",
	                              "notes", "quarantine", "numbers"};
	struct archive *a = ctx;
	MDB_dbi *dbis[] = {&a->meta,  &a->districts,  &a->entries, &a->lookups,
	                   &a->cases, &a->outbox,     &a->replies, &a->access,
	                   &a->notes, &a->quarantine, &a->numbers};
	int rc;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((rc = mdb_dbi_open(txn, names[i], MDB_CREATE, dbis[i])) != 0)
			return rc;
	if ((rc = lmdb_version(txn, a->meta, "version", ARCHIVE_SCHEMA)) != 0)
		return rc;
	return numbers_migrate(a, txn); /* archives made before the 件号 (issue 17) */
}

int
archive_open(struct archive **out, const char *dir, int create)
{
	const struct lmdb_options o = {NULL,
	                               MDB_NOTLS,
	                               16,
	                               MAP_SIZE,
	                               MAP_MIN,
	                               MAP_SIZE,
	                               create ? LMDB_MKDIR : LMDB_EXISTING};
	struct archive *a;
	int rc;

	*out = NULL;
	if (dir == NULL || dir[0] == '\0')
		return ARCHIVE_ERR_ARG;
	a = calloc(1, sizeof *a);
	if (a == NULL)
		return ARCHIVE_ERR_NOMEM;
	if ((rc = lmdb_open(&a->db, dir, &o)) == 0 && (rc = lmdb_write(&a->db, open_dbs, a)) != 0)
		lmdb_close(&a->db);
	if (rc != 0) {
		free(a);
		return mdb_err(rc);
	}
	*out = a;
	return ARCHIVE_OK;
}

void
archive_remove(const char *dir, int rmdir_dir)
{
	lmdb_remove(dir, NULL, rmdir_dir);
}

void
archive_close(struct archive *a)
{
	if (a == NULL)
		return;
	lmdb_close(&a->db);
	free(a);
}

int
archive_begin(struct archive *a, int write, struct archive_txn **out)
{
	struct archive_txn *t = calloc(1, sizeof *t);
	int rc;

	*out = NULL;
	if (t == NULL)
		return ARCHIVE_ERR_NOMEM;
	if ((rc = lmdb_begin(&a->db, write, &t->txn)) != 0) {
		free(t);
		return mdb_err(rc);
	}
	t->a = a;
	t->write = write != 0;
	*out = t;
	return ARCHIVE_OK;
}

int
archive_commit(struct archive_txn *t)
{
	int rc = lmdb_commit(&t->a->db, t->txn);

	json_decref(t->drec);
	free(t);
	return mdb_err(rc);
}

void
archive_abort(struct archive_txn *t)
{
	if (t == NULL)
		return;
	lmdb_abort(&t->a->db, t->txn);
	json_decref(t->drec);
	free(t);
}

/* ---- record helpers ----------------------------------------------------- */

static int
put_raw(struct archive_txn *t, MDB_dbi dbi, const void *key, size_t klen, const void *val,
        size_t vlen, unsigned flags)
{
	MDB_val k = {klen, (void *)(uintptr_t)key}, v = {vlen, (void *)(uintptr_t)val};

	if (!t->write)
		return ARCHIVE_ERR_RDONLY;
	return mdb_err(mdb_put(t->txn, dbi, &k, &v, flags));
}

static int
get_raw(struct archive_txn *t, MDB_dbi dbi, const void *key, size_t klen, MDB_val *v)
{
	MDB_val k = {klen, (void *)(uintptr_t)key};

	return mdb_err(mdb_get(t->txn, dbi, &k, v));
}

/* The u64be value under key in dbi into *x. Returns get_raw's errors, or ARCHIVE_ERR_CORRUPT. */
static int
get_u64(struct archive_txn *t, MDB_dbi dbi, const void *key, size_t klen, uint64_t *x)
{
	MDB_val v;
	int rc = get_raw(t, dbi, key, klen, &v);

	if (rc != ARCHIVE_OK)
		return rc;
	if (v.mv_size != 8)
		return ARCHIVE_ERR_CORRUPT;
	*x = codec_u64be_get(v.mv_data);
	return ARCHIVE_OK;
}

static int
put_json(struct archive_txn *t, MDB_dbi dbi, const void *key, size_t klen, const json_t *obj)
{
	char *s;
	int rc;

	if (!t->write)
		return ARCHIVE_ERR_RDONLY;
	s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	if (s == NULL)
		return ARCHIVE_ERR_NOMEM;
	rc = put_raw(t, dbi, key, klen, s, strlen(s), 0);
	free(s);
	return rc;
}

/* Parses a stored JSON object with "v":1. */
static int
parse_json(const MDB_val *v, json_t **out)
{
	json_t *j = json_loadb(v->mv_data, v->mv_size, JSON_REJECT_DUPLICATES, NULL);

	*out = NULL;
	if (j == NULL || !json_is_object(j) ||
	    json_integer_value(json_object_get(j, "v")) != REC_V1) {
		json_decref(j);
		return ARCHIVE_ERR_CORRUPT;
	}
	*out = j;
	return ARCHIVE_OK;
}

static int
get_json(struct archive_txn *t, MDB_dbi dbi, const void *key, size_t klen, json_t **out)
{
	MDB_val v;
	int rc;

	*out = NULL;
	rc = get_raw(t, dbi, key, klen, &v);
	if (rc != ARCHIVE_OK)
		return rc;
	return parse_json(&v, out);
}

/* Writes id NUL into key and returns its length, or 0 for an invalid id. */
static size_t
key_id(uint8_t *key, const char *id)
{
	size_t n;

	if (!codec_district_valid(id))
		return 0;
	n = strlen(id);
	memcpy(key, id, n);
	key[n] = 0;
	return n + 1;
}

static size_t
key_id_u64(uint8_t key[ENTRY_KEYLEN], const char *id, uint64_t x)
{
	size_t n = key_id(key, id);

	if (n == 0)
		return 0;
	codec_u64be_put(key + n, x);
	return n + 8;
}

/* ---- districts ---------------------------------------------------------- */

static int
district_decode(const json_t *o, struct archive_district *d)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	const json_t *spk = json_object_get(o, "server_sign_pk");
	const json_t *kp = json_object_get(o, "key_path");
	uint64_t next_op;

	memset(d, 0, sizeof *d);
	if (!codec_district_valid(id) || codec_json_count(o, "size", &d->size) != 0 ||
	    codec_json_b64u(o, "head", d->head, 32) != 0 ||
	    codec_json_count(o, "seq", &d->seq) != 0 ||
	    codec_json_count(o, "acks_through", &d->acks_through) != 0 ||
	    codec_json_count(o, "next_op", &next_op) != 0 ||
	    (json_object_get(o, "applied_seq") != NULL &&
	     codec_json_count(o, "applied_seq", &d->applied_seq) != 0))
		return ARCHIVE_ERR_CORRUPT;
	snprintf(d->id, sizeof d->id, "%s", id);
	if (json_is_string(spk)) {
		if (codec_b64u_decode_exact(d->server_pk, 32, json_string_value(spk)) != 0)
			return ARCHIVE_ERR_CORRUPT;
		d->has_server_pk = 1;
	} else if (!json_is_null(spk)) {
		return ARCHIVE_ERR_CORRUPT;
	}
	if (json_is_string(kp)) {
		if (json_string_length(kp) >= sizeof d->key_path)
			return ARCHIVE_ERR_CORRUPT;
		memcpy(d->key_path, json_string_value(kp), json_string_length(kp) + 1);
	} else if (!json_is_null(kp)) {
		return ARCHIVE_ERR_CORRUPT;
	}
	return ARCHIVE_OK;
}

static int
district_load(struct archive_txn *t, const char *id, json_t **rec)
{
	uint8_t key[CODEC_DISTRICT_BUF];

	*rec = NULL;
	if (key_id(key, id) == 0)
		return ARCHIVE_ERR_ARG;
	return get_json(t, t->a->districts, key, strlen(id), rec);
}

/* Forgets the cached district record (archive_txn). Cannot fail. */
static void
district_uncache(struct archive_txn *t)
{
	json_decref(t->drec);
	t->drec = NULL;
}

/*
 * Makes t->drec and t->dd district id's record, read from the transaction
 * unless it is the one cached. Returns ARCHIVE_OK, or an error of
 * district_load or district_decode with nothing cached.
 */
static int
district_cached(struct archive_txn *t, const char *id)
{
	json_t *rec;
	int rc;

	if (t->drec != NULL && id != NULL && strcmp(t->did, id) == 0)
		return ARCHIVE_OK;
	district_uncache(t);
	rc = district_load(t, id, &rec);
	if (rc != ARCHIVE_OK)
		return rc;
	rc = district_decode(rec, &t->dd);
	if (rc != ARCHIVE_OK) {
		json_decref(rec);
		return rc;
	}
	snprintf(t->did, sizeof t->did, "%s", id);
	t->drec = rec;
	return ARCHIVE_OK;
}

/* Writes district id's record (dropping the cache). Returns as put_json. */
static int
district_store(struct archive_txn *t, const char *id, const json_t *rec)
{
	district_uncache(t);
	return put_json(t, t->a->districts, id, strlen(id), rec);
}

int
archive_district_get(struct archive_txn *t, const char *id, struct archive_district *d)
{
	int rc = district_cached(t, id);

	if (rc == ARCHIVE_OK)
		memcpy(d, &t->dd, sizeof *d);
	return rc;
}

int
archive_district_create(struct archive_txn *t, const char *id)
{
	uint8_t zero[32] = {0};
	json_t *rec, *old;
	int rc;

	if (!t->write)
		return ARCHIVE_ERR_RDONLY;
	rc = district_load(t, id, &old);
	json_decref(old);
	if (rc == ARCHIVE_OK)
		return ARCHIVE_ERR_EXISTS;
	if (rc != ARCHIVE_ERR_NOT_FOUND)
		return rc;
	rec = json_pack("{s:i, s:s, s:i, s:o, s:n, s:n, s:i, s:i, s:i, s:i}", "v", REC_V1, "id", id,
	                "size", 0, "head", codec_b64u_json(zero, 32), "server_sign_pk", "key_path",
	                "seq", 0, "acks_through", 0, "next_op", 1, "numbered", 0);
	if (rec == NULL)
		return ARCHIVE_ERR_NOMEM;
	rc = district_store(t, id, rec);
	json_decref(rec);
	return rc;
}

/*
 * Sets the members of fields (taken; NULL: out of memory) in district id's
 * record. Returns ARCHIVE_OK, ARCHIVE_ERR_NOMEM, ARCHIVE_ERR_RDONLY, or
 * district_load's and district_store's errors.
 */
static int
district_update(struct archive_txn *t, const char *id, json_t *fields)
{
	json_t *rec;
	int rc;

	if (fields == NULL)
		return ARCHIVE_ERR_NOMEM;
	rc = t->write ? district_load(t, id, &rec) : ARCHIVE_ERR_RDONLY;
	if (rc == ARCHIVE_OK) {
		rc = json_object_update(rec, fields) != 0 ? ARCHIVE_ERR_NOMEM
		                                          : district_store(t, id, rec);
		json_decref(rec);
	}
	json_decref(fields);
	return rc;
}

int
archive_district_set_key_path(struct archive_txn *t, const char *id, const char *path)
{
	if (path == NULL || path[0] == '\0' || strlen(path) >= ARCHIVE_PATH_MAX)
		return ARCHIVE_ERR_ARG;
	return district_update(t, id, json_pack("{s:s}", "key_path", path));
}

int
archive_district_set_server_key(struct archive_txn *t, const char *id, const uint8_t pk[32])
{
	return district_update(t, id,
	                       json_pack("{s:o}", "server_sign_pk", codec_b64u_json(pk, 32)));
}

static int walk(struct archive_txn *t, MDB_dbi dbi, const uint8_t *prefix, size_t plen,
                int (*fn)(void *ctx, const MDB_val *k, const MDB_val *v), void *ctx);

/* archive_district_foreach's walk: each record decoded into d, then given to fn. */
struct district_walk {
	struct archive_district *d;
	int (*fn)(void *ctx, const struct archive_district *d);
	void *ctx;
};

static int
district_walk_one(void *ctx, const MDB_val *k, const MDB_val *v)
{
	struct district_walk *w = ctx;
	json_t *rec;
	int rc = parse_json(v, &rec);

	(void)k;
	if (rc == ARCHIVE_OK) {
		rc = district_decode(rec, w->d);
		json_decref(rec);
	}
	return rc == ARCHIVE_OK ? w->fn(w->ctx, w->d) : rc;
}

int
archive_district_foreach(struct archive_txn *t,
                         int (*fn)(void *ctx, const struct archive_district *d), void *ctx)
{
	struct district_walk w = {malloc(sizeof *w.d), fn, ctx};
	int rc;

	if (w.d == NULL)
		return ARCHIVE_ERR_NOMEM;
	rc = walk(t, t->a->districts, NULL, 0, district_walk_one, &w);
	free(w.d);
	return rc;
}

/* ---- entries ------------------------------------------------------------ */

static int
entry_decode(const MDB_val *v, uint64_t index, struct archive_entry *e)
{
	const uint8_t *p = v->mv_data;

	memset(e, 0, sizeof *e);
	if (v->mv_size <= ENTRY_HDR || p[0] != REC_V1 ||
	    (p[1] != CHAIN_KIND_REPORT && p[1] != CHAIN_KIND_FOLLOWUP) || p[108] > 1)
		return ARCHIVE_ERR_CORRUPT;
	e->index = index;
	e->kind = p[1];
	memcpy(e->lookup, p + 2, 32);
	memcpy(e->envelope_hash, p + 34, 32);
	memcpy(e->chain, p + 66, 32);
	memcpy(e->day, p + 98, CODEC_DAY_LEN);
	e->day[CODEC_DAY_LEN] = '\0';
	e->has_reply_pk = p[108];
	memcpy(e->reply_pk, p + 109, 32);
	e->envelope = p + ENTRY_HDR;
	e->envelope_len = v->mv_size - ENTRY_HDR;
	if (!codec_day_valid(e->day))
		return ARCHIVE_ERR_CORRUPT;
	return ARCHIVE_OK;
}

int
archive_entry_get(struct archive_txn *t, const char *id, uint64_t index, struct archive_entry *e)
{
	uint8_t key[ENTRY_KEYLEN];
	size_t klen = key_id_u64(key, id, index);
	MDB_val v;
	int rc;

	memset(e, 0, sizeof *e);
	if (klen == 0 || index == 0)
		return ARCHIVE_ERR_ARG;
	rc = get_raw(t, t->a->entries, key, klen, &v);
	if (rc != ARCHIVE_OK)
		return rc;
	return entry_decode(&v, index, e);
}

int
archive_chain_at(struct archive_txn *t, const char *id, uint64_t index, uint8_t out[32])
{
	struct archive_entry e;
	int rc;

	memset(out, 0, 32);
	if (index == 0)
		return codec_district_valid(id) ? ARCHIVE_OK : ARCHIVE_ERR_ARG;
	rc = archive_entry_get(t, id, index, &e);
	if (rc == ARCHIVE_OK)
		memcpy(out, e.chain, 32);
	return rc;
}

static int
same_entry(const struct archive_entry *a, const struct archive_entry *b)
{
	return a->kind == b->kind && sodium_memcmp(a->lookup, b->lookup, 32) == 0 &&
	       sodium_memcmp(a->envelope_hash, b->envelope_hash, 32) == 0 &&
	       sodium_memcmp(a->chain, b->chain, 32) == 0 && strcmp(a->day, b->day) == 0 &&
	       a->envelope_len == b->envelope_len &&
	       memcmp(a->envelope, b->envelope, a->envelope_len) == 0;
}

static int
lookup_key(uint8_t key[LOOKUP_KEY], const char *id, const uint8_t lookup[32], size_t *klen)
{
	size_t n = key_id(key, id);

	if (n == 0)
		return ARCHIVE_ERR_ARG;
	memcpy(key + n, lookup, 32);
	*klen = n + 32;
	return ARCHIVE_OK;
}

int
archive_case_find(struct archive_txn *t, const char *id, const uint8_t lookup[32], uint64_t *index)
{
	uint8_t key[LOOKUP_KEY];
	size_t klen;
	int rc = lookup_key(key, id, lookup, &klen);

	if (rc != ARCHIVE_OK)
		return rc;
	return get_u64(t, t->a->lookups, key, klen, index);
}

/*
 * Gives case index of district id the next 件号: the district record cached
 * in t (t->drec, which archive_entry_add writes back) counts it in
 * "numbered", the numbers table maps it to index, and *number is set.
 * Returns ARCHIVE_OK, ARCHIVE_ERR_CORRUPT (a district record without
 * "numbered", or the number taken already) or a write error.
 */
static int
number_next(struct archive_txn *t, const char *id, uint64_t index, uint64_t *number)
{
	uint8_t key[ENTRY_KEYLEN], ib[8];
	uint64_t last;
	size_t klen;
	int rc;

	if (t->drec == NULL || strcmp(t->did, id) != 0 ||
	    codec_json_count(t->drec, "numbered", &last) != 0)
		return ARCHIVE_ERR_CORRUPT;
	*number = last + 1;
	klen = key_id_u64(key, id, *number);
	codec_u64be_put(ib, index);
	rc = put_raw(t, t->a->numbers, key, klen, ib, 8, MDB_NOOVERWRITE);
	if (rc == ARCHIVE_ERR_EXISTS)
		return ARCHIVE_ERR_CORRUPT;
	if (rc != ARCHIVE_OK)
		return rc;
	if (json_object_set_new(t->drec, "numbered", json_integer((json_int_t)*number)) != 0)
		return ARCHIVE_ERR_NOMEM;
	return ARCHIVE_OK;
}

static int
entry_add_case(struct archive_txn *t, const char *id, const struct archive_entry *e)
{
	uint8_t key[LOOKUP_KEY], ikey[ENTRY_KEYLEN], ib[8];
	size_t klen, iklen = key_id_u64(ikey, id, e->index);
	uint64_t number;
	json_t *rec;
	int rc;

	rc = lookup_key(key, id, e->lookup, &klen);
	if (rc != ARCHIVE_OK)
		return rc;
	codec_u64be_put(ib, e->index);
	rc = put_raw(t, t->a->lookups, key, klen, ib, 8, MDB_NOOVERWRITE);
	if (rc == ARCHIVE_ERR_EXISTS && e->quarantine != NULL)
		return ARCHIVE_OK; /* a quarantined report reusing a lookup: no case, only its record */
	if (rc == ARCHIVE_ERR_EXISTS)
		return ARCHIVE_ERR_CASE;
	if (rc != ARCHIVE_OK)
		return rc;
	rc = number_next(t, id, e->index, &number);
	if (rc != ARCHIVE_OK)
		return rc;
	rec = json_pack("{s:i, s:s, s:I, s:I, s:o, s:o, s:s, s:s, s:[{s:s, s:s, s:s, s:s}], "
	                "s:[], s:[]}",
	                "v", REC_V1, "district", id, "index", (json_int_t)e->index, "number",
	                (json_int_t)number, "lookup", codec_b64u_json(e->lookup, 32), "reply_pk",
	                codec_b64u_json(e->reply_pk, 32), "day", e->day, "status", "received",
	                "history", "day", e->day, "by", "server", "event", "received", "status",
	                "received", "followups", "replies");
	if (rec == NULL)
		return ARCHIVE_ERR_NOMEM;
	if ((e->has_real_name &&
	     json_object_set_new(rec, "real_name", json_boolean(e->real_name)) != 0) ||
	    (e->has_sign_pk &&
	     json_object_set_new(rec, "sign_pk", codec_b64u_json(e->sign_pk, 32)) != 0) ||
	    (e->quarantine != NULL &&
	     json_object_set_new(rec, "quarantine", json_string(e->quarantine)) != 0)) {
		json_decref(rec);
		return ARCHIVE_ERR_NOMEM;
	}
	rc = put_json(t, t->a->cases, ikey, iklen, rec);
	json_decref(rec);
	return rc;
}

static int
entry_add_followup(struct archive_txn *t, const char *id, const struct archive_entry *e)
{
	uint64_t index;
	json_t *rec, *f, *item;
	int rc = archive_case_find(t, id, e->lookup, &index);

	if (rc == ARCHIVE_ERR_NOT_FOUND && e->quarantine != NULL)
		return ARCHIVE_OK; /* a quarantined follow-up of no case: only its record */
	if (rc == ARCHIVE_ERR_NOT_FOUND)
		return ARCHIVE_ERR_CASE;
	if (rc != ARCHIVE_OK)
		return rc;
	rc = archive_case_get(t, id, index, &rec);
	if (rc != ARCHIVE_OK)
		return rc == ARCHIVE_ERR_NOT_FOUND ? ARCHIVE_ERR_CORRUPT : rc;
	f = json_object_get(rec, "followups");
	item = json_pack("{s:I, s:s}", "index", (json_int_t)e->index, "day", e->day);
	if (item != NULL && e->quarantine == NULL && e->objection &&
	    json_object_set_new(item, "objection", json_true()) != 0) {
		json_decref(item);
		item = NULL;
	}
	if (item != NULL && e->quarantine != NULL &&
	    json_object_set_new(item, "quarantine", json_string(e->quarantine)) != 0) {
		json_decref(item);
		item = NULL;
	}
	if (!json_is_array(f)) {
		json_decref(item);
		rc = ARCHIVE_ERR_CORRUPT;
	} else if (item == NULL || json_array_append_new(f, item) != 0) {
		rc = ARCHIVE_ERR_NOMEM;
	} else {
		rc = archive_case_put(t, id, index, rec);
	}
	json_decref(rec);
	return rc;
}

int
archive_entry_add(struct archive_txn *t, const char *id, const struct archive_entry *e)
{
	uint8_t key[ENTRY_KEYLEN], calc[32], head[32], *val;
	uint64_t size;
	MDB_val k, v;
	size_t klen;
	int rc;

	if (!t->write)
		return ARCHIVE_ERR_RDONLY;
	klen = key_id_u64(key, id, e->index);
	if (klen == 0 || e->index == 0 || e->index > (uint64_t)INT64_MAX ||
	    (e->kind != CHAIN_KIND_REPORT && e->kind != CHAIN_KIND_FOLLOWUP) ||
	    !codec_day_valid(e->day) || e->envelope == NULL || e->envelope_len == 0 ||
	    (e->kind == CHAIN_KIND_REPORT && !e->has_reply_pk))
		return ARCHIVE_ERR_ARG;
	rc = district_cached(t, id);
	if (rc != ARCHIVE_OK)
		return rc;
	size = t->dd.size;
	memcpy(head, t->dd.head, 32);
	if (e->index <= size) {
		struct archive_entry held;

		rc = archive_entry_get(t, id, e->index, &held);
		if (rc != ARCHIVE_OK)
			return rc == ARCHIVE_ERR_NOT_FOUND ? ARCHIVE_ERR_CORRUPT : rc;
		return same_entry(&held, e) ? ARCHIVE_SKIPPED : ARCHIVE_ERR_CHAIN;
	}
	if (e->index != size + 1)
		return ARCHIVE_ERR_ORDER;
	chain_h256(calc, e->envelope, e->envelope_len);
	if (sodium_memcmp(calc, e->envelope_hash, 32) != 0)
		return ARCHIVE_ERR_CHAIN;
	if (chain_next(calc, head, e->index, e->kind, e->lookup, e->envelope_hash, e->day) != 0)
		return ARCHIVE_ERR_ARG;
	if (sodium_memcmp(calc, e->chain, 32) != 0)
		return ARCHIVE_ERR_CHAIN;

	rc = e->kind == CHAIN_KIND_REPORT ? entry_add_case(t, id, e) : entry_add_followup(t, id, e);
	if (rc != ARCHIVE_OK)
		return rc;
	if (e->quarantine != NULL) {
		/* §10: kept and acknowledged like any entry, with the reason */
		json_t *q = json_pack("{s:i, s:I, s:s, s:s, s:s}", "v", REC_V1, "index",
		                      (json_int_t)e->index, "kind",
		                      e->kind == CHAIN_KIND_REPORT ? "report" : "followup", "day",
		                      e->day, "reason", e->quarantine);

		if (q == NULL)
			return ARCHIVE_ERR_NOMEM;
		rc = put_json(t, t->a->quarantine, key, klen, q);
		json_decref(q);
		if (rc != ARCHIVE_OK)
			return rc;
	}

	if (e->envelope_len > SIZE_MAX - ENTRY_HDR)
		return ARCHIVE_ERR_ARG;
	/* the value is built in place in the map (MDB_RESERVE): no copy of the envelope */
	k.mv_size = klen;
	k.mv_data = key;
	v.mv_size = ENTRY_HDR + e->envelope_len;
	v.mv_data = NULL;
	rc = mdb_put(t->txn, t->a->entries, &k, &v, MDB_NOOVERWRITE | MDB_RESERVE);
	if (rc == MDB_KEYEXIST)
		return ARCHIVE_ERR_CORRUPT; /* an entry beyond size: the record is broken */
	if (rc != 0)
		return mdb_err(rc);
	val = v.mv_data;
	val[0] = REC_V1;
	val[1] = (uint8_t)e->kind;
	memcpy(val + 2, e->lookup, 32);
	memcpy(val + 34, e->envelope_hash, 32);
	memcpy(val + 66, e->chain, 32);
	memcpy(val + 98, e->day, CODEC_DAY_LEN);
	val[108] = e->kind == CHAIN_KIND_REPORT ? 1 : 0;
	if (val[108])
		memcpy(val + 109, e->reply_pk, 32);
	else
		memset(val + 109, 0, 32);
	memcpy(val + ENTRY_HDR, e->envelope, e->envelope_len);

	/* size and head move on: in the cached record, written back whole */
	rc = district_cached(t, id);
	if (rc != ARCHIVE_OK)
		return rc;
	if (json_object_set_new(t->drec, "size", json_integer((json_int_t)e->index)) != 0 ||
	    json_object_set_new(t->drec, "head", codec_b64u_json(e->chain, 32)) != 0)
		rc = ARCHIVE_ERR_NOMEM;
	else
		rc = put_json(t, t->a->districts, id, strlen(id), t->drec);
	if (rc != ARCHIVE_OK) {
		district_uncache(t);
		return rc;
	}
	t->dd.size = e->index;
	memcpy(t->dd.head, e->chain, 32);
	return ARCHIVE_OK;
}

int
archive_quarantine_get(struct archive_txn *t, const char *id, uint64_t index, json_t **rec)
{
	uint8_t key[ENTRY_KEYLEN];
	size_t klen = key_id_u64(key, id, index);

	*rec = NULL;
	if (klen == 0)
		return ARCHIVE_ERR_ARG;
	return get_json(t, t->a->quarantine, key, klen, rec);
}

int
archive_quarantine_foreach(struct archive_txn *t, const char *id,
                           int (*fn)(void *ctx, const char *id, const json_t *rec), void *ctx)
{
	uint8_t prefix[CODEC_DISTRICT_BUF];
	size_t plen = id != NULL ? key_id(prefix, id) : 0;
	MDB_cursor *c;
	MDB_val k = {plen, prefix}, v;
	int rc, frc = 0;

	if (id != NULL && plen == 0)
		return ARCHIVE_ERR_ARG;
	rc = mdb_cursor_open(t->txn, t->a->quarantine, &c);
	if (rc != 0)
		return mdb_err(rc);
	for (rc = mdb_cursor_get(c, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const char *kid = k.mv_data;
		char did[CODEC_DISTRICT_BUF];
		size_t dl = strnlen(kid, k.mv_size);
		json_t *rec;
		json_error_t jerr;

		if (plen && (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0))
			break;
		if (dl >= sizeof did)
			continue;
		memcpy(did, kid, dl);
		did[dl] = '\0';
		rec = json_loadb(v.mv_data, v.mv_size, 0, &jerr);
		if (rec == NULL) {
			mdb_cursor_close(c);
			return ARCHIVE_ERR_CORRUPT;
		}
		frc = fn(ctx, did, rec);
		json_decref(rec);
		if (frc != 0)
			break;
	}
	mdb_cursor_close(c);
	if (frc != 0)
		return frc;
	return rc == MDB_NOTFOUND || rc == 0 ? ARCHIVE_OK : mdb_err(rc);
}

/* ---- cases -------------------------------------------------------------- */

/* Checks the members every reader relies on. */
static int
case_valid(const json_t *rec, const char *id, uint64_t index)
{
	uint8_t b[32];
	uint64_t ix;

	return json_is_object(rec) && json_integer_value(json_object_get(rec, "v")) == REC_V1 &&
	       json_is_string(json_object_get(rec, "district")) &&
	       strcmp(json_string_value(json_object_get(rec, "district")), id) == 0 &&
	       codec_json_count(rec, "index", &ix) == 0 && ix == index &&
	       codec_json_b64u(rec, "lookup", b, 32) == 0 &&
	       codec_json_b64u(rec, "reply_pk", b, 32) == 0 &&
	       codec_day_valid(json_string_value(json_object_get(rec, "day"))) &&
	       json_is_string(json_object_get(rec, "status")) &&
	       json_is_array(json_object_get(rec, "history")) &&
	       json_is_array(json_object_get(rec, "followups")) &&
	       json_is_array(json_object_get(rec, "replies"));
}

int
archive_case_get(struct archive_txn *t, const char *id, uint64_t index, json_t **rec)
{
	uint8_t key[ENTRY_KEYLEN];
	size_t klen = key_id_u64(key, id, index);
	int rc;

	*rec = NULL;
	if (klen == 0)
		return ARCHIVE_ERR_ARG;
	rc = get_json(t, t->a->cases, key, klen, rec);
	if (rc == ARCHIVE_OK && !case_valid(*rec, id, index)) {
		json_decref(*rec);
		*rec = NULL;
		rc = ARCHIVE_ERR_CORRUPT;
	}
	return rc;
}

int
archive_case_put(struct archive_txn *t, const char *id, uint64_t index, const json_t *rec)
{
	uint8_t key[ENTRY_KEYLEN];
	size_t klen = key_id_u64(key, id, index);
	json_t *old;
	int rc;

	if (klen == 0 || !case_valid(rec, id, index))
		return ARCHIVE_ERR_ARG;
	if (!t->write)
		return ARCHIVE_ERR_RDONLY;
	rc = archive_case_get(t, id, index, &old);
	if (rc != ARCHIVE_OK)
		return rc;
	if (!json_equal(json_object_get(old, "lookup"), json_object_get(rec, "lookup")) ||
	    (json_object_get(old, "number") != NULL &&
	     !json_equal(json_object_get(old, "number"), json_object_get(rec, "number"))))
		rc = ARCHIVE_ERR_ARG;
	json_decref(old);
	if (rc != ARCHIVE_OK)
		return rc;
	return put_json(t, t->a->cases, key, klen, rec);
}

int
archive_case_by_number(struct archive_txn *t, const char *id, uint64_t number, uint64_t *index)
{
	uint8_t key[ENTRY_KEYLEN];
	size_t klen = key_id_u64(key, id, number);

	if (klen == 0)
		return ARCHIVE_ERR_ARG;
	if (number == 0)
		return ARCHIVE_ERR_NOT_FOUND;
	return get_u64(t, t->a->numbers, key, klen, index);
}

/* Splits a key id NUL u64be(x) [rest]. */
static int
split_key(const MDB_val *k, size_t rest, char id[CODEC_DISTRICT_BUF], uint64_t *x)
{
	const uint8_t *p = k->mv_data;
	const uint8_t *nul = memchr(p, 0, k->mv_size);
	size_t n;

	if (nul == NULL)
		return -1;
	n = (size_t)(nul - p);
	if (n == 0 || n > CODEC_DISTRICT_MAX || k->mv_size != n + 1 + 8 + rest)
		return -1;
	memcpy(id, p, n);
	id[n] = '\0';
	*x = codec_u64be_get(p + n + 1);
	return 0;
}

/*
 * Walks dbi from the first key with prefix (all keys when plen is 0) while
 * keys keep it; fn gets key and value.
 */
static int
walk(struct archive_txn *t, MDB_dbi dbi, const uint8_t *prefix, size_t plen,
     int (*fn)(void *ctx, const MDB_val *k, const MDB_val *v), void *ctx)
{
	MDB_cursor *c;
	MDB_val k = {plen, (void *)(uintptr_t)prefix}, v;
	int rc = mdb_cursor_open(t->txn, dbi, &c);
	MDB_cursor_op op = plen ? MDB_SET_RANGE : MDB_FIRST;

	if (rc != 0)
		return mdb_err(rc);
	for (;;) {
		rc = mdb_cursor_get(c, &k, &v, op);
		op = MDB_NEXT;
		if (rc == MDB_NOTFOUND) {
			rc = ARCHIVE_OK;
			break;
		}
		if (rc != 0) {
			rc = mdb_err(rc);
			break;
		}
		if (plen && (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)) {
			rc = ARCHIVE_OK;
			break;
		}
		rc = fn(ctx, &k, &v);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc;
}

struct case_walk {
	struct archive_txn *t;
	int (*fn)(void *ctx, const char *id, uint64_t index, const json_t *rec);
	void *ctx;
};

static int
case_walk_one(void *ctx, const MDB_val *k, const MDB_val *v)
{
	struct case_walk *w = ctx;
	char id[CODEC_DISTRICT_BUF];
	uint64_t index;
	json_t *rec;
	int rc;

	if (split_key(k, 0, id, &index) != 0)
		return ARCHIVE_ERR_CORRUPT;
	rc = parse_json(v, &rec);
	if (rc != ARCHIVE_OK)
		return rc;
	if (!case_valid(rec, id, index))
		rc = ARCHIVE_ERR_CORRUPT;
	else
		rc = w->fn(w->ctx, id, index, rec);
	json_decref(rec);
	return rc;
}

int
archive_case_foreach(struct archive_txn *t, const char *id,
                     int (*fn)(void *ctx, const char *id, uint64_t index, const json_t *rec),
                     void *ctx)
{
	struct case_walk w = {t, fn, ctx};
	uint8_t prefix[CODEC_DISTRICT_BUF];
	size_t plen = 0;

	if (id != NULL && (plen = key_id(prefix, id)) == 0)
		return ARCHIVE_ERR_ARG;
	return walk(t, t->a->cases, prefix, plen, case_walk_one, &w);
}

/* ---- cases as struct case_record ---------------------------------------- */

int
archive_case_load(struct archive_txn *t, const char *id, uint64_t index, struct case_record *c)
{
	json_t *rec;
	int rc = archive_case_get(t, id, index, &rec);

	if (rc != ARCHIVE_OK) {
		memset(c, 0, sizeof *c);
		return rc;
	}
	rc = case_decode(rec, c) == 0 ? ARCHIVE_OK : ARCHIVE_ERR_CORRUPT;
	json_decref(rec);
	return rc;
}

int
archive_case_store(struct archive_txn *t, const struct case_record *c)
{
	json_t *rec = case_encode(c);
	int rc;

	if (rec == NULL)
		return ARCHIVE_ERR_NOMEM;
	rc = archive_case_put(t, c->district, c->index, rec);
	json_decref(rec);
	return rc;
}

struct case_each {
	int (*fn)(void *ctx, const struct case_record *c);
	void *ctx;
};

static int
case_each_one(void *ctx, const char *id, uint64_t index, const json_t *rec)
{
	struct case_each *e = ctx;
	struct case_record c;
	int rc;

	(void)id;
	(void)index;
	if (case_decode(rec, &c) != 0)
		return ARCHIVE_ERR_CORRUPT;
	rc = e->fn(e->ctx, &c);
	case_free(&c);
	return rc;
}

int
archive_case_each(struct archive_txn *t, const char *id,
                  int (*fn)(void *ctx, const struct case_record *c), void *ctx)
{
	struct case_each e = {fn, ctx};

	return archive_case_foreach(t, id, case_each_one, &e);
}

/* ---- outbox and replies ------------------------------------------------- */

int
archive_outbox_add(struct archive_txn *t, const char *id, json_t *op)
{
	uint8_t key[ENTRY_KEYLEN];
	const char *kind = json_string_value(json_object_get(op, "op"));
	uint64_t index, next;
	json_t *rec, *crec;
	size_t klen;
	int rc;

	if (!json_is_object(op) || kind == NULL ||
	    (strcmp(kind, "status") != 0 && strcmp(kind, "reply") != 0) ||
	    codec_json_count(op, "case", &index) != 0)
		return ARCHIVE_ERR_ARG;
	if (!t->write)
		return ARCHIVE_ERR_RDONLY;
	rc = archive_case_get(t, id, index, &crec);
	json_decref(crec);
	if (rc != ARCHIVE_OK)
		return rc;
	rc = district_load(t, id, &rec);
	if (rc != ARCHIVE_OK)
		return rc;
	if (codec_json_count(rec, "next_op", &next) != 0) {
		json_decref(rec);
		return ARCHIVE_ERR_CORRUPT;
	}
	if (json_object_set_new(op, "v", json_integer(REC_V1)) != 0 ||
	    json_object_set_new(rec, "next_op", json_integer((json_int_t)next + 1)) != 0) {
		json_decref(rec);
		return ARCHIVE_ERR_NOMEM;
	}
	klen = key_id_u64(key, id, next);
	rc = put_json(t, t->a->outbox, key, klen, op);
	if (rc == ARCHIVE_OK)
		rc = district_store(t, id, rec);
	json_decref(rec);
	return rc;
}

struct outbox_walk {
	int (*fn)(void *ctx, uint64_t opno, const json_t *op);
	void *ctx;
	uint64_t count;
};

static int
outbox_walk_one(void *ctx, const MDB_val *k, const MDB_val *v)
{
	struct outbox_walk *w = ctx;
	char id[CODEC_DISTRICT_BUF];
	uint64_t opno;
	json_t *op;
	int rc;

	if (split_key(k, 0, id, &opno) != 0)
		return ARCHIVE_ERR_CORRUPT;
	w->count++;
	if (w->fn == NULL)
		return 0;
	rc = parse_json(v, &op);
	if (rc != ARCHIVE_OK)
		return rc;
	rc = w->fn(w->ctx, opno, op);
	json_decref(op);
	return rc;
}

int
archive_outbox_foreach(struct archive_txn *t, const char *id,
                       int (*fn)(void *ctx, uint64_t opno, const json_t *op), void *ctx)
{
	struct outbox_walk w = {fn, ctx, 0};
	uint8_t prefix[CODEC_DISTRICT_BUF];
	size_t plen = key_id(prefix, id);

	if (plen == 0)
		return ARCHIVE_ERR_ARG;
	return walk(t, t->a->outbox, prefix, plen, outbox_walk_one, &w);
}

int
archive_outbox_count(struct archive_txn *t, const char *id, uint64_t *n)
{
	struct outbox_walk w = {NULL, NULL, 0};
	uint8_t prefix[CODEC_DISTRICT_BUF];
	size_t plen = key_id(prefix, id);
	int rc;

	*n = 0;
	if (plen == 0)
		return ARCHIVE_ERR_ARG;
	rc = walk(t, t->a->outbox, prefix, plen, outbox_walk_one, &w);
	*n = w.count;
	return rc;
}

static size_t
reply_key(uint8_t key[REPLY_KEY], const char *id, uint64_t index, uint32_t n, int whom)
{
	size_t klen = key_id_u64(key, id, index);

	if (klen == 0 || (whom != ARCHIVE_REPLY_TO_REPORTER && whom != ARCHIVE_REPLY_TO_DISTRICT))
		return 0;
	codec_u32be_put(key + klen, n);
	key[klen + 4] = (uint8_t)whom;
	return klen + 5;
}

/* Stores env under key in dbi for case id-index, which must exist; never overwrites. */
static int
case_blob_put(struct archive_txn *t, MDB_dbi dbi, const char *id, uint64_t index,
              const uint8_t *key, size_t klen, const uint8_t *env, size_t len)
{
	json_t *rec;
	int rc;

	if (!t->write)
		return ARCHIVE_ERR_RDONLY;
	rc = archive_case_get(t, id, index, &rec);
	json_decref(rec);
	if (rc != ARCHIVE_OK)
		return rc;
	return put_raw(t, dbi, key, klen, env, len, MDB_NOOVERWRITE);
}

/* Points *env / *len at the value under key in dbi (in the map). */
static int
blob_get(struct archive_txn *t, MDB_dbi dbi, const uint8_t *key, size_t klen, const uint8_t **env,
         size_t *len)
{
	MDB_val v;
	int rc = get_raw(t, dbi, key, klen, &v);

	if (rc != ARCHIVE_OK)
		return rc;
	*env = v.mv_data;
	*len = v.mv_size;
	return ARCHIVE_OK;
}

int
archive_reply_put(struct archive_txn *t, const char *id, uint64_t index, uint32_t n, int whom,
                  const uint8_t *env, size_t len)
{
	uint8_t key[REPLY_KEY];
	size_t klen = reply_key(key, id, index, n, whom);

	if (klen == 0 || env == NULL || len == 0 || n == 0)
		return ARCHIVE_ERR_ARG;
	return case_blob_put(t, t->a->replies, id, index, key, klen, env, len);
}

int
archive_reply_get(struct archive_txn *t, const char *id, uint64_t index, uint32_t n, int whom,
                  const uint8_t **env, size_t *len)
{
	uint8_t key[REPLY_KEY];
	size_t klen = reply_key(key, id, index, n, whom);

	*env = NULL;
	*len = 0;
	if (klen == 0)
		return ARCHIVE_ERR_ARG;
	return blob_get(t, t->a->replies, key, klen, env, len);
}

static size_t
note_key(uint8_t key[NOTE_KEY], const char *id, uint64_t index, uint32_t n)
{
	size_t klen = key_id_u64(key, id, index);

	if (klen == 0)
		return 0;
	codec_u32be_put(key + klen, n);
	return klen + 4;
}

int
archive_note_put(struct archive_txn *t, const char *id, uint64_t index, uint32_t n,
                 const uint8_t *env, size_t len)
{
	uint8_t key[NOTE_KEY];
	size_t klen = note_key(key, id, index, n);

	if (klen == 0 || env == NULL || len == 0 || n == 0)
		return ARCHIVE_ERR_ARG;
	return case_blob_put(t, t->a->notes, id, index, key, klen, env, len);
}

int
archive_note_get(struct archive_txn *t, const char *id, uint64_t index, uint32_t n,
                 const uint8_t **env, size_t *len)
{
	uint8_t key[NOTE_KEY];
	size_t klen = note_key(key, id, index, n);

	*env = NULL;
	*len = 0;
	if (klen == 0 || n == 0)
		return ARCHIVE_ERR_ARG;
	return blob_get(t, t->a->notes, key, klen, env, len);
}

int
archive_district_set_applied(struct archive_txn *t, const char *id, uint64_t applied_seq)
{
	return district_update(t, id, json_pack("{s:I}", "applied_seq", (json_int_t)applied_seq));
}

int
archive_update_done(struct archive_txn *t, const char *id, uint64_t seq, uint64_t acks_through)
{
	struct archive_district d;
	uint8_t prefix[CODEC_DISTRICT_BUF];
	size_t plen = key_id(prefix, id);
	MDB_cursor *c;
	MDB_val k = {plen, prefix}, v;
	int rc;

	if (plen == 0)
		return ARCHIVE_ERR_ARG;
	if (!t->write)
		return ARCHIVE_ERR_RDONLY;
	rc = archive_district_get(t, id, &d);
	if (rc != ARCHIVE_OK)
		return rc;
	if (seq != d.seq + 1 || acks_through > d.size || acks_through < d.acks_through)
		return ARCHIVE_ERR_SEQ;
	rc = mdb_cursor_open(t->txn, t->a->outbox, &c);
	if (rc != 0)
		return mdb_err(rc);
	for (;;) {
		k.mv_size = plen;
		k.mv_data = prefix;
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (rc != 0 || k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
			break;
		rc = mdb_cursor_del(c, 0);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_err(rc);
	return district_update(t, id,
	                       json_pack("{s:I, s:I}", "seq", (json_int_t)seq, "acks_through",
	                                 (json_int_t)acks_through));
}

/* ---- access log --------------------------------------------------------- */

int
archive_log_add(struct archive_txn *t, const char *day, const char *user, const char *command,
                const char *case_name)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint8_t key[8];
	uint64_t next = 1;
	json_t *rec;
	int rc;

	if (!codec_day_valid(day) || command == NULL || command[0] == '\0')
		return ARCHIVE_ERR_ARG;
	if (!t->write)
		return ARCHIVE_ERR_RDONLY;
	rc = mdb_cursor_open(t->txn, t->a->access, &c);
	if (rc != 0)
		return mdb_err(rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8)
		next = codec_u64be_get(k.mv_data) + 1;
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_err(rc);
	rec = json_pack("{s:i, s:s, s:s?, s:s, s:s?}", "v", REC_V1, "day", day, "user", user,
	                "command", command, "case", case_name);
	if (rec == NULL)
		return ARCHIVE_ERR_ARG; /* text that is not UTF-8, or no memory */
	codec_u64be_put(key, next);
	rc = put_json(t, t->a->access, key, 8, rec);
	json_decref(rec);
	return rc;
}

struct log_walk {
	int (*fn)(void *ctx, const json_t *rec);
	void *ctx;
};

static int
log_walk_one(void *ctx, const MDB_val *k, const MDB_val *v)
{
	struct log_walk *w = ctx;
	json_t *rec;
	int rc;

	if (k->mv_size != 8)
		return ARCHIVE_ERR_CORRUPT;
	rc = parse_json(v, &rec);
	if (rc != ARCHIVE_OK)
		return rc;
	rc = w->fn(w->ctx, rec);
	json_decref(rec);
	return rc;
}

int
archive_log_foreach(struct archive_txn *t, int (*fn)(void *ctx, const json_t *rec), void *ctx)
{
	struct log_walk w = {fn, ctx};

	return walk(t, t->a->access, NULL, 0, log_walk_one, &w);
}

/* ---- 件号: numbering an archive made before it ---------------------------- */

struct migrate {
	uint64_t *ix;
	size_t n, cap;
	char id[CODEC_DISTRICT_BUF];
};

static int
migrate_collect(void *ctx, const MDB_val *k, const MDB_val *v)
{
	struct migrate *m = ctx;
	char id[CODEC_DISTRICT_BUF];
	uint64_t index;

	(void)v;
	if (split_key(k, 0, id, &index) != 0)
		return ARCHIVE_ERR_CORRUPT;
	if (strcmp(id, m->id) != 0)
		return ARCHIVE_OK;
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		uint64_t *nix = realloc(m->ix, ncap * sizeof *nix);

		if (nix == NULL)
			return ARCHIVE_ERR_NOMEM;
		m->ix = nix;
		m->cap = ncap;
	}
	m->ix[m->n++] = index;
	return ARCHIVE_OK;
}

/*
 * Numbers the cases of district rec (a record without "numbered") 1..n in
 * index order, which is chain order, and records n. Returns ARCHIVE_OK or an
 * error of the reads and writes.
 */
static int
migrate_district(struct archive_txn *t, json_t *rec)
{
	struct migrate m;
	uint8_t prefix[CODEC_DISTRICT_BUF], key[ENTRY_KEYLEN], ib[8];
	const char *id = json_string_value(json_object_get(rec, "id"));
	size_t plen;
	int rc;

	memset(&m, 0, sizeof m);
	if (id == NULL || (plen = key_id(prefix, id)) == 0)
		return ARCHIVE_ERR_CORRUPT;
	snprintf(m.id, sizeof m.id, "%s", id);
	rc = walk(t, t->a->cases, prefix, plen, migrate_collect, &m);
	for (size_t i = 0; rc == ARCHIVE_OK && i < m.n; i++) {
		json_t *c;

		rc = get_json(t, t->a->cases, key, key_id_u64(key, id, m.ix[i]), &c);
		if (rc != ARCHIVE_OK)
			break;
		if (json_object_set_new(c, "number", json_integer((json_int_t)i + 1)) != 0)
			rc = ARCHIVE_ERR_NOMEM;
		else
			rc = put_json(t, t->a->cases, key, key_id_u64(key, id, m.ix[i]), c);
		json_decref(c);
		codec_u64be_put(ib, m.ix[i]);
		if (rc == ARCHIVE_OK)
			rc = put_raw(t, t->a->numbers, key, key_id_u64(key, id, (uint64_t)i + 1),
			             ib, 8, 0);
	}
	if (rc == ARCHIVE_OK &&
	    json_object_set_new(rec, "numbered", json_integer((json_int_t)m.n)) != 0)
		rc = ARCHIVE_ERR_NOMEM;
	if (rc == ARCHIVE_OK)
		rc = put_json(t, t->a->districts, id, strlen(id), rec);
	free(m.ix);
	return rc;
}

static int
migrate_collect_district(void *ctx, const MDB_val *k, const MDB_val *v)
{
	json_t *todo = ctx, *rec;
	int rc = parse_json(v, &rec);

	(void)k;
	if (rc != ARCHIVE_OK)
		return rc;
	if (json_object_get(rec, "numbered") == NULL)
		rc = json_array_append(todo, rec) == 0 ? ARCHIVE_OK : ARCHIVE_ERR_NOMEM;
	json_decref(rec);
	return rc;
}

/*
 * The migration to 件号 (run by archive_open in its write transaction): every
 * district whose record has no "numbered" yet gets its cases numbered 1..n
 * in chain order (numbers_migrate is a no-op once they all have). Returns
 * ARCHIVE_OK or an error of the reads and writes; the caller then aborts.
 */
static int
numbers_migrate(struct archive *a, MDB_txn *txn)
{
	struct archive_txn t;
	json_t *todo = json_array(), *rec;
	size_t i;
	int rc;

	if (todo == NULL)
		return ARCHIVE_ERR_NOMEM;
	memset(&t, 0, sizeof t);
	t.a = a;
	t.txn = txn;
	t.write = 1;
	rc = walk(&t, a->districts, NULL, 0, migrate_collect_district, todo);
	json_array_foreach(todo, i, rec)
	{
		if (rc == ARCHIVE_OK)
			rc = migrate_district(&t, rec);
	}
	json_decref(todo);
	return rc;
}
