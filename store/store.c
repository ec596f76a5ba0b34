/*
 * store: see store.h. This file holds the environment (open, close, map
 * growth, transaction runners), the record codecs, and the small calls
 * (districts, stats, backup). Writes live in store_write.c, reads in
 * store_read.c, the consistency check in store_check.c.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/codec.h"
#include "crypto/fileio.h"
#include "store/store_impl.h"

#define MAP_INITIAL_DEFAULT (64ULL << 20)
#define MAP_MAX_DEFAULT     (16ULL << 30)

static const char *const status_names[STORE_STATUS_COUNT] = {
#define QF_STATUS(name, word, zh, en) word,
#include "crypto/status.def"
#undef QF_STATUS
};

const char *
store_strerror(int err)
{
	switch (err) {
	case STORE_OK:
		return "ok";
	case STORE_ERR_NOT_FOUND:
		return "not found";
	case STORE_ERR_EXISTS:
		return "lookup already in use";
	case STORE_ERR_FULL:
		return "storage full";
	case STORE_ERR_QUOTA:
		return "district storage quota exceeded";
	case STORE_ERR_DISTRICT:
		return "unknown district";
	case STORE_ERR_CORRUPT:
		return "store record corrupt";
	case STORE_ERR_IO:
		return "store i/o error";
	case STORE_ERR_ARG:
		return "invalid argument";
	case STORE_ERR_NOMEM:
		return "out of memory";
	case STORE_ERR_SEQ:
		return "update seq already applied";
	case STORE_ERR_ACKS:
		return "update acknowledges entries that were not exported";
	case STORE_ERR_HEAD:
		return "update head differs from the server's chain (export altered)";
	case STORE_ERR_STATEMENT:
		return "a case statement disagrees with what the server holds";
	case STORE_ERR_BUSY:
		return "a reader held old pages: free pages not all wiped";
	default:
		return "unknown store error";
	}
}

const char *
store_status_name(int status)
{
	if (status < 0 || status >= STORE_STATUS_COUNT)
		return NULL;
	return status_names[status];
}

int
store_status_parse(const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < STORE_STATUS_COUNT; i++)
		if (strcmp(name, status_names[i]) == 0)
			return i;
	return -1;
}

int
store_map_rc(int rc)
{
	/* MDB_NOTFOUND reaching here is a record the store expected: a failure */
	static const int codes[LMDB_NCLASSES] = {
	        [LMDB_OK] = STORE_OK,           [LMDB_NOTFOUND] = STORE_ERR_IO,
	        [LMDB_EXISTS] = STORE_ERR_IO,   [LMDB_FULL] = STORE_ERR_FULL,
	        [LMDB_NOMEM] = STORE_ERR_NOMEM, [LMDB_CORRUPT] = STORE_ERR_CORRUPT,
	        [LMDB_IO] = STORE_ERR_IO,
	};

	if (rc < 0 && rc >= STORE_ERR_MIN)
		return rc;
	return codes[lmdb_class(rc)];
}

/* ---- transaction runners (store/lmdb) --------------------------------- */

struct txn_call {
	struct store *s;
	store_txn_fn fn;
	void *ctx;
};

static int
txn_call(MDB_txn *txn, void *ctx)
{
	struct txn_call *c = ctx;

	return c->fn(c->s, txn, c->ctx);
}

int
store_txn_write(struct store *s, store_txn_fn fn, void *ctx)
{
	struct txn_call c = {s, fn, ctx};

	return store_map_rc(lmdb_write(&s->db, txn_call, &c));
}

int
store_txn_read(struct store *s, MDB_txn **txn)
{
	return store_map_rc(lmdb_begin(&s->db, 0, txn));
}

void
store_txn_read_end(struct store *s, MDB_txn *txn)
{
	lmdb_abort(&s->db, txn);
}

/* ---- keys and record codecs ------------------------------------------ */

size_t
store_lkey(uint8_t *key, const char *id, uint64_t index)
{
	size_t n = strlen(id);

	memcpy(key, id, n);
	key[n] = 0;
	codec_u64be_put(key + n + 1, index);
	return n + 9;
}

void
store_rkey(uint8_t key[STORE_RKEY_LEN], const uint8_t lookup[32], uint32_t seq)
{
	memcpy(key, lookup, 32);
	codec_u32be_put(key + 32, seq);
}

/* Copies a stored day; "" when all zero is allowed (allow_empty), else it must be valid. */
static int
day_dec(char out[CODEC_DAY_LEN + 1], const uint8_t *p, int allow_empty)
{
	static const uint8_t zero[CODEC_DAY_LEN];

	if (allow_empty && memcmp(p, zero, CODEC_DAY_LEN) == 0) {
		out[0] = '\0';
		return 0;
	}
	memcpy(out, p, CODEC_DAY_LEN);
	out[CODEC_DAY_LEN] = '\0';
	return codec_day_valid(out) ? 0 : STORE_ERR_CORRUPT;
}

/* Writes day's 10 bytes, or zeros for "". */
static void
day_enc(uint8_t *p, const char *day)
{
	if (day[0] == '\0')
		memset(p, 0, CODEC_DAY_LEN);
	else
		memcpy(p, day, CODEC_DAY_LEN);
}

void
store_district_enc(uint8_t out[STORE_DREC_LEN], const struct store_district *d)
{
	uint8_t *p = out;

	*p++ = STORE_REC_V1;
	codec_u64be_put(p, d->size), p += 8;
	memcpy(p, d->head, 32), p += 32;
	codec_u64be_put(p, d->acked), p += 8;
	codec_u64be_put(p, d->exported), p += 8;
	codec_u64be_put(p, d->seq), p += 8;
	codec_u64be_put(p, d->bytes), p += 8;
	day_enc(p, d->size ? d->head_day : "");
}

int
store_district_dec(struct store_district *d, const MDB_val *v)
{
	const uint8_t *p = v->mv_data;

	memset(d, 0, sizeof *d);
	if (v->mv_size != STORE_DREC_LEN || p[0] != STORE_REC_V1)
		return STORE_ERR_CORRUPT;
	p++;
	d->size = codec_u64be_get(p), p += 8;
	memcpy(d->head, p, 32), p += 32;
	d->acked = codec_u64be_get(p), p += 8;
	d->exported = codec_u64be_get(p), p += 8;
	d->seq = codec_u64be_get(p), p += 8;
	d->bytes = codec_u64be_get(p), p += 8;
	if (day_dec(d->head_day, p, d->size == 0) != 0)
		return STORE_ERR_CORRUPT;
	if (d->size == 0 && d->head_day[0] != '\0')
		return STORE_ERR_CORRUPT;
	return 0;
}

void
store_log_enc(uint8_t out[STORE_LREC_LEN], const struct store_entry *e)
{
	uint8_t *p = out;

	*p++ = STORE_REC_V1;
	*p++ = (uint8_t)e->kind;
	memcpy(p, e->lookup, 32), p += 32;
	memcpy(p, e->envelope_hash, 32), p += 32;
	memcpy(p, e->day, CODEC_DAY_LEN), p += CODEC_DAY_LEN;
	memcpy(p, e->chain, 32);
}

int
store_log_dec(struct store_entry *e, uint64_t index, const MDB_val *v)
{
	const uint8_t *p = v->mv_data;

	memset(e, 0, sizeof *e);
	e->index = index;
	if (v->mv_size != STORE_LREC_LEN || p[0] != STORE_REC_V1)
		return STORE_ERR_CORRUPT;
	p++;
	e->kind = *p++;
	if (e->kind != 1 && e->kind != 2)
		return STORE_ERR_CORRUPT;
	memcpy(e->lookup, p, 32), p += 32;
	memcpy(e->envelope_hash, p, 32), p += 32;
	if (day_dec(e->day, p, 0) != 0)
		return STORE_ERR_CORRUPT;
	p += CODEC_DAY_LEN;
	memcpy(e->chain, p, 32);
	return 0;
}

void
store_case_enc(uint8_t out[STORE_CREC_LEN], const struct store_case_rec *c)
{
	uint8_t *p = out;
	size_t dlen = strlen(c->district);

	*p++ = STORE_REC_V1;
	*p++ = (uint8_t)dlen;
	memset(p, 0, CODEC_DISTRICT_MAX);
	memcpy(p, c->district, dlen), p += CODEC_DISTRICT_MAX;
	codec_u64be_put(p, c->index), p += 8;
	memcpy(p, c->auth_hash, 32), p += 32;
	memcpy(p, c->reply_pk, 32), p += 32;
	*p++ = (uint8_t)c->status;
	day_enc(p, c->status_day), p += CODEC_DAY_LEN;
	day_enc(p, c->created_day), p += CODEC_DAY_LEN;
	codec_u64be_put(p, c->followups), p += 8;
	codec_u64be_put(p, c->last_index), p += 8;
	codec_u32be_put(p, c->nreplies);
}

int
store_case_dec(struct store_case_rec *c, const MDB_val *v)
{
	static const uint8_t zero[CODEC_DISTRICT_MAX];
	const uint8_t *p = v->mv_data;
	size_t dlen;

	memset(c, 0, sizeof *c);
	if (v->mv_size != STORE_CREC_LEN || p[0] != STORE_REC_V1)
		return STORE_ERR_CORRUPT;
	dlen = p[1];
	p += 2;
	if (dlen < 1 || dlen > CODEC_DISTRICT_MAX ||
	    memcmp(p + dlen, zero, CODEC_DISTRICT_MAX - dlen) != 0)
		return STORE_ERR_CORRUPT;
	memcpy(c->district, p, dlen);
	c->district[dlen] = '\0';
	if (!codec_district_valid(c->district))
		return STORE_ERR_CORRUPT;
	p += CODEC_DISTRICT_MAX;
	c->index = codec_u64be_get(p), p += 8;
	memcpy(c->auth_hash, p, 32), p += 32;
	memcpy(c->reply_pk, p, 32), p += 32;
	c->status = *p++;
	if (c->status >= STORE_STATUS_COUNT || c->index == 0)
		return STORE_ERR_CORRUPT;
	if (day_dec(c->status_day, p, 0) != 0 || day_dec(c->created_day, p + CODEC_DAY_LEN, 0) != 0)
		return STORE_ERR_CORRUPT;
	p += 2 * CODEC_DAY_LEN;
	c->followups = codec_u64be_get(p), p += 8;
	c->last_index = codec_u64be_get(p), p += 8;
	c->nreplies = codec_u32be_get(p);
	return 0;
}

int
store_reply_dec(char day[CODEC_DAY_LEN + 1], const uint8_t **env, size_t *envlen, const MDB_val *v)
{
	const uint8_t *p = v->mv_data;

	if (v->mv_size < STORE_RREC_MIN || p[0] != STORE_REC_V1 || day_dec(day, p + 1, 0) != 0)
		return STORE_ERR_CORRUPT;
	*env = p + 1 + CODEC_DAY_LEN;
	*envlen = v->mv_size - 1 - CODEC_DAY_LEN;
	return 0;
}

int
store_env_dec(const uint8_t **env, size_t *envlen, const MDB_val *v)
{
	const uint8_t *p = v->mv_data;

	if (v->mv_size < STORE_EREC_MIN || p[0] != STORE_REC_V1)
		return STORE_ERR_CORRUPT;
	*env = p + 1;
	*envlen = v->mv_size - 1;
	return 0;
}

/* ---- record get/put ---------------------------------------------------- */

int
store_get_district(MDB_txn *txn, struct store *s, const char *id, struct store_district *d)
{
	MDB_val k = {strlen(id), (void *)id}, v;
	int rc = mdb_get(txn, s->districts, &k, &v);

	if (rc != 0) {
		memset(d, 0, sizeof *d);
		return rc;
	}
	return store_district_dec(d, &v);
}

int
store_get_log(MDB_txn *txn, struct store *s, const char *id, uint64_t index, struct store_entry *e)
{
	uint8_t key[STORE_LKEY_MAX];
	MDB_val k = {store_lkey(key, id, index), key}, v;
	int rc = mdb_get(txn, s->log, &k, &v);

	if (rc != 0)
		return rc;
	return store_log_dec(e, index, &v);
}

int
store_get_case_rec(MDB_txn *txn, struct store *s, const uint8_t lookup[32],
                   struct store_case_rec *c)
{
	MDB_val k = {32, (void *)lookup}, v;
	int rc = mdb_get(txn, s->cases, &k, &v);

	if (rc != 0) {
		memset(c, 0, sizeof *c);
		return rc;
	}
	return store_case_dec(c, &v);
}

int
store_put_district(MDB_txn *txn, struct store *s, const char *id, const struct store_district *d)
{
	uint8_t rec[STORE_DREC_LEN];
	MDB_val k = {strlen(id), (void *)id}, v = {sizeof rec, rec};

	store_district_enc(rec, d);
	return mdb_put(txn, s->districts, &k, &v, 0);
}

int
store_put_case_rec(MDB_txn *txn, struct store *s, const uint8_t lookup[32],
                   const struct store_case_rec *c)
{
	uint8_t rec[STORE_CREC_LEN];
	MDB_val k = {32, (void *)lookup}, v = {sizeof rec, rec};

	store_case_enc(rec, c);
	return mdb_put(txn, s->cases, &k, &v, 0);
}

/* ---- open and close ------------------------------------------------------ */

static const char VERSION_KEY[] = "version";
static const char COMPACT_KEY[] = "compact"; /* set: free pages may hold dropped records */

/* Writes the schema version into meta. */
static int
put_version(struct store *s, MDB_txn *txn)
{
	MDB_val k = {sizeof VERSION_KEY - 1, (void *)VERSION_KEY}, v;
	uint8_t ver[4];

	codec_u32be_put(ver, STORE_SCHEMA);
	v.mv_size = sizeof ver;
	v.mv_data = ver;
	return mdb_put(txn, s->meta, &k, &v, 0);
}

/* Sets (on) or deletes the meta record saying the file needs a compaction. */
static int
mark_compact(struct store *s, MDB_txn *txn, int on)
{
	static const uint8_t one[1] = {1};
	MDB_val k = {sizeof COMPACT_KEY - 1, (void *)COMPACT_KEY}, v = {1, (void *)one};
	int rc;

	if (on)
		return mdb_put(txn, s->meta, &k, &v, 0);
	rc = mdb_del(txn, s->meta, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/*
 * Schema 1 to 2: drops the "pow" database (spent challenges and their
 * expiries, which date submissions) and marks the file for compaction, so
 * that its pages, now free but not wiped, are not kept either.
 */
static int
upgrade_1(struct store *s, MDB_txn *txn)
{
	MDB_dbi pow;
	int rc = mdb_dbi_open(txn, "pow", 0, &pow);

	if (rc == 0 && (rc = mdb_drop(txn, pow, 1)) != 0)
		return rc;
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if ((rc = mark_compact(s, txn, 1)) != 0)
		return rc;
	return put_version(s, txn);
}

/* Opens (creating) every named database and checks, upgrades or writes the schema version. */
static int
open_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	struct {
		const char *name;
		MDB_dbi *dbi;
	} dbs[] = {
	        {"meta", &s->meta},
	        {"districts", &s->districts},
	        {"log", &s->log},
	        {"envelopes", &s->envelopes},
	        {"cases", &s->cases},
	        {"replies", &s->replies},
	        {"statements", &s->statements},
	        {"updates", &s->updates},
	};
	MDB_val k = {sizeof VERSION_KEY - 1, (void *)VERSION_KEY}, v;
	int rc;

	(void)ctx;
	for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++)
		if ((rc = mdb_dbi_open(txn, dbs[i].name, MDB_CREATE, dbs[i].dbi)) != 0)
			return rc;
	rc = mdb_get(txn, s->meta, &k, &v);
	if (rc == MDB_NOTFOUND)
		return put_version(s, txn);
	if (rc != 0)
		return rc;
	if (v.mv_size != 4)
		return STORE_ERR_CORRUPT;
	if (codec_u32be_get(v.mv_data) == 1)
		return upgrade_1(s, txn);
	return codec_u32be_get(v.mv_data) == STORE_SCHEMA ? 0 : STORE_ERR_CORRUPT;
}

/* Opens the environment in dir and runs open_fn. Returns a store code. */
static int
env_open(struct store *s, const char *dir, uint64_t initial, uint64_t map_max)
{
	/* default durability: no MDB_NOSYNC/MDB_NOMETASYNC, every commit is synced */
	const struct lmdb_options o = {
	        NULL, 0, STORE_NDBS, (size_t)initial, 0, (size_t)map_max, LMDB_CREATE};
	int rc = lmdb_open(&s->db, dir, &o);

	if (rc != 0)
		return store_map_rc(rc);
	if ((rc = store_txn_write(s, open_fn, NULL)) != STORE_OK)
		lmdb_close(&s->db);
	return rc;
}

static int
compact_done_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	(void)ctx;
	return mark_compact(s, txn, 0);
}

static int
compact_again_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	(void)ctx;
	return mark_compact(s, txn, 1);
}

/* True when the meta record asks for a compaction. */
static int
needs_compact(struct store *s)
{
	MDB_val k = {sizeof COMPACT_KEY - 1, (void *)COMPACT_KEY}, v;
	MDB_txn *txn;
	int rc;

	if (store_txn_read(s, &txn) != STORE_OK)
		return 0;
	rc = mdb_get(txn, s->meta, &k, &v);
	store_txn_read_end(s, txn);
	return rc == 0;
}

/*
 * Replaces the data file by a compacted copy of itself (lmdb_compact), so
 * that free pages no longer hold what was deleted; only when no other
 * process has the environment open (lmdb_alone), else the mark stays and the
 * next lone opener compacts. Returns a store code (of the reopening);
 * s->compacted tells whether it was done.
 */
static int
compact_in_place(struct store *s, const char *dir, uint64_t initial, uint64_t map_max)
{
	const struct lmdb_options o = {
	        NULL, 0, STORE_NDBS, (size_t)initial, 0, (size_t)map_max, LMDB_CREATE};
	int rc;

	if (!lmdb_alone(&s->db, dir) || store_txn_write(s, compact_done_fn, NULL) != STORE_OK)
		return STORE_OK;
	if ((rc = lmdb_compact(&s->db, dir, &o, &s->compacted)) != 0)
		return store_map_rc(rc);
	rc = store_txn_write(s, open_fn, NULL);
	if (rc == STORE_OK && !s->compacted)
		rc = store_txn_write(s, compact_again_fn, NULL);
	return rc;
}

int
store_open(struct store **out, const char *dir, const struct store_config *cfg)
{
	struct store *s;
	uint64_t initial = cfg && cfg->map_initial ? cfg->map_initial : MAP_INITIAL_DEFAULT;
	uint64_t map_max = cfg && cfg->map_max ? cfg->map_max : MAP_MAX_DEFAULT;
	int rc;

	*out = NULL;
	if (dir == NULL)
		return STORE_ERR_ARG;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return STORE_ERR_NOMEM;
	s->quota = cfg ? cfg->quota_bytes : 0;
	if (initial > map_max)
		initial = map_max;
	rc = env_open(s, dir, initial, map_max);
	if (rc == STORE_OK && needs_compact(s))
		rc = compact_in_place(s, dir, initial, map_max);
	if (rc != STORE_OK) {
		lmdb_close(&s->db);
		free(s);
		return rc;
	}
	*out = s;
	return STORE_OK;
}

int
store_compacted(const struct store *s)
{
	return s != NULL && s->compacted;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	lmdb_close(&s->db);
	free(s);
}

/* ---- districts ----------------------------------------------------------- */

static int
ensure_fn(struct store *s, MDB_txn *txn, void *ctx)
{
	const char *id = ctx;
	struct store_district d;
	int rc = store_get_district(txn, s, id, &d);

	if (rc != MDB_NOTFOUND)
		return rc; /* present (0), corrupt or failing */
	memset(&d, 0, sizeof d);
	return store_put_district(txn, s, id, &d);
}

int
store_district_ensure(struct store *s, const char *id)
{
	if (s == NULL || !codec_district_valid(id))
		return STORE_ERR_ARG;
	return store_txn_write(s, ensure_fn, (void *)id);
}

int
store_district_get(struct store *s, const char *id, struct store_district *out)
{
	MDB_txn *txn;
	int rc;

	memset(out, 0, sizeof *out);
	if (s == NULL || !codec_district_valid(id))
		return STORE_ERR_DISTRICT;
	if ((rc = store_txn_read(s, &txn)) != STORE_OK)
		return rc;
	rc = store_get_district(txn, s, id, out);
	store_txn_read_end(s, txn);
	if (rc == MDB_NOTFOUND)
		return STORE_ERR_DISTRICT;
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return store_map_rc(rc);
}

/* ---- operations ------------------------------------------------------------ */

int
store_stats(struct store *s, struct store_stats *st)
{
	MDB_envinfo info;
	MDB_stat ms;
	MDB_txn *txn;
	struct {
		MDB_dbi dbi;
		uint64_t *out;
	} dbs[] = {{s->cases, &st->cases},
	           {s->log, &st->entries},
	           {s->envelopes, &st->envelopes},
	           {s->replies, &st->replies}};
	int rc;

	memset(st, 0, sizeof *st);
	if ((rc = store_txn_read(s, &txn)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
		if ((rc = mdb_stat(txn, dbs[i].dbi, &ms)) != 0)
			break;
		*dbs[i].out = ms.ms_entries;
	}
	store_txn_read_end(s, txn);
	if (rc == 0 && (rc = mdb_env_info(s->db.env, &info)) == 0 &&
	    (rc = mdb_env_stat(s->db.env, &ms)) == 0) {
		st->map_size = info.me_mapsize;
		st->map_used = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
		st->map_max = s->db.map_max;
	}
	return rc == 0 ? STORE_OK : STORE_ERR_IO;
}

int
store_backup(struct store *s, const char *path)
{
	int fd, rc, saved;

	if (s == NULL || path == NULL) {
		errno = EINVAL;
		return STORE_ERR_IO;
	}
	fd = fileio_create(path, 0600);
	if (fd < 0)
		return STORE_ERR_IO; /* errno says why (EEXIST ...) */
	/* A read transaction inside: a consistent snapshot while writers go on. */
	rc = mdb_env_copyfd2(s->db.env, fd, MDB_CP_COMPACT);
	if (rc == 0 && fsync(fd) != 0)
		rc = errno;
	if (close(fd) != 0 && rc == 0)
		rc = errno;
	if (rc != 0) {
		saved = rc > 0 ? rc : EIO;
		unlink(path); /* ours (O_EXCL): no partial copy stays behind */
		errno = saved;
		return STORE_ERR_IO;
	}
	(void)fileio_sync_dir_of(path); /* the copy itself is synced */
	return STORE_OK;
}
