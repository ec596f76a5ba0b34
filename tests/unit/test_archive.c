/*
 * Unit tests for store/archive: the offline archive's LMDB store. Entries
 * extend the verified head exactly, in one transaction or not at all;
 * overlaps are skipped when identical and refused when not; cases, the
 * outbox, update seqs, replies, investigator notes and the access log
 * behave as documented.
 */
#include "tests/unit/cm.h"

#include <lmdb.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "store/archive.h"
#include "tests/unit/testutil.h"

#define DAY "2026-05-01"

struct fx {
	char *dir;
	char *adir;
	struct archive *a;
};

/* A chain of n entries as a server would make it (1-based; e[0] unused). */
struct chain_fx {
	struct archive_entry e[16];
	uint8_t env[16][64];
};

static void
make_chain(struct chain_fx *c, int n, const int *kinds)
{
	uint8_t prev[32] = {0};
	uint8_t first_lookup[32];

	memset(c, 0, sizeof *c);
	randombytes_buf(first_lookup, 32);
	for (int i = 1; i <= n; i++) {
		struct archive_entry *e = &c->e[i];

		e->index = (uint64_t)i;
		e->kind = kinds != NULL ? kinds[i] : CHAIN_KIND_REPORT;
		if (e->kind == CHAIN_KIND_FOLLOWUP)
			memcpy(e->lookup, first_lookup, 32);
		else if (i == 1)
			memcpy(e->lookup, first_lookup, 32);
		else
			randombytes_buf(e->lookup, 32);
		if (e->kind == CHAIN_KIND_REPORT) {
			e->has_reply_pk = 1;
			randombytes_buf(e->reply_pk, 32);
		}
		memcpy(e->day, DAY, sizeof DAY);
		randombytes_buf(c->env[i], sizeof c->env[i]);
		e->envelope = c->env[i];
		e->envelope_len = sizeof c->env[i];
		chain_h256(e->envelope_hash, e->envelope, e->envelope_len);
		assert_int_equal(chain_next(e->chain, prev, e->index, e->kind, e->lookup,
		                            e->envelope_hash, e->day),
		                 0);
		memcpy(prev, e->chain, 32);
	}
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct archive_txn *t;

	assert_non_null(f);
	f->dir = testutil_tmpdir();
	f->adir = malloc(strlen(f->dir) + 16);
	assert_non_null(f->adir);
	sprintf(f->adir, "%s/archive", f->dir);
	assert_int_equal(archive_open(&f->a, f->adir, 1), ARCHIVE_OK);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_create(t, "d01"), ARCHIVE_OK);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	archive_close(f->a);
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f->adir);
	free(f);
	return 0;
}

static uint64_t
size_of(struct archive *a, const char *id, uint8_t head[32])
{
	struct archive_txn *t;
	struct archive_district d;

	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_get(t, id, &d), ARCHIVE_OK);
	archive_abort(t);
	if (head != NULL)
		memcpy(head, d.head, 32);
	return d.size;
}

static void
add_all(struct archive *a, struct chain_fx *c, int from, int to)
{
	struct archive_txn *t;

	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	for (int i = from; i <= to; i++)
		assert_int_equal(archive_entry_add(t, "d01", &c->e[i]), ARCHIVE_OK);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
}

static void
test_open_absent(void **state)
{
	char *dir = testutil_tmpdir();
	char path[4200];
	struct archive *a = NULL;
	struct stat st;

	(void)state;
	snprintf(path, sizeof path, "%s/none", dir);
	assert_int_equal(archive_open(&a, path, 0), ARCHIVE_ERR_NOT_FOUND);
	assert_null(a);
	assert_int_not_equal(stat(path, &st), 0); /* nothing was created */
	/* an empty directory is not an archive either, and stays empty */
	assert_int_equal(archive_open(&a, dir, 0), ARCHIVE_ERR_NOT_FOUND);
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	assert_int_not_equal(stat(path, &st), 0);
	/* create makes the directory 0700 */
	snprintf(path, sizeof path, "%s/new", dir);
	assert_int_equal(archive_open(&a, path, 1), ARCHIVE_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	archive_close(a);
	assert_int_equal(archive_open(&a, path, 0), ARCHIVE_OK);
	archive_close(a);
	testutil_rmtree(dir);
	free(dir);
}

static void
test_schema_version(void **state)
{
	struct fx *f = *state;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = {7, (void *)(uintptr_t) "version"}, v;
	uint8_t ver[4] = {0, 0, 0, 2};
	struct archive *a;

	archive_close(f->a);
	f->a = NULL;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_set_mapsize(env, (size_t)256 << 20), 0); /* see test_workflow */
	assert_int_equal(mdb_env_open(env, f->adir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	v.mv_size = 4;
	v.mv_data = ver;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	assert_int_equal(archive_open(&a, f->adir, 0), ARCHIVE_ERR_CORRUPT);
	assert_null(a);
}

static void
test_district(void **state)
{
	struct fx *f = *state;
	struct archive_txn *t;
	struct archive_district d;
	uint8_t zero[32] = {0}, pk[32];

	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_create(t, "d01"), ARCHIVE_ERR_EXISTS);
	assert_int_equal(archive_district_create(t, "-bad"), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_district_get(t, "d02", &d), ARCHIVE_ERR_NOT_FOUND);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_string_equal(d.id, "d01");
	assert_int_equal(d.size, 0);
	assert_memory_equal(d.head, zero, 32);
	assert_int_equal(d.has_server_pk, 0);
	assert_string_equal(d.key_path, "");
	assert_int_equal(d.seq, 0);
	randombytes_buf(pk, 32);
	assert_int_equal(archive_district_set_server_key(t, "d01", pk), ARCHIVE_OK);
	assert_int_equal(archive_district_set_key_path(t, "d01", "/keys/district.key"), ARCHIVE_OK);
	assert_int_equal(archive_district_set_key_path(t, "d01", ""), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_district_set_key_path(t, "nope", "/x"), ARCHIVE_ERR_NOT_FOUND);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);

	/* it persists across a reopen */
	archive_close(f->a);
	assert_int_equal(archive_open(&f->a, f->adir, 0), ARCHIVE_OK);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_int_equal(d.has_server_pk, 1);
	assert_memory_equal(d.server_pk, pk, 32);
	assert_string_equal(d.key_path, "/keys/district.key");
	/* a read transaction cannot write */
	assert_int_equal(archive_district_create(t, "d02"), ARCHIVE_ERR_RDONLY);
	assert_int_equal(archive_log_add(t, DAY, "u", "show", "d01-1"), ARCHIVE_ERR_RDONLY);
	archive_abort(t);
}

static void
test_entries_commit(void **state)
{
	struct fx *f = *state;
	struct chain_fx c;
	struct archive_txn *t;
	struct archive_entry got;
	uint8_t head[32], at[32];
	json_t *rec;
	uint64_t ix;

	make_chain(&c, 3, NULL);
	add_all(f->a, &c, 1, 3);
	assert_int_equal(size_of(f->a, "d01", head), 3);
	assert_memory_equal(head, c.e[3].chain, 32);

	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_entry_get(t, "d01", 2, &got), ARCHIVE_OK);
	assert_int_equal(got.kind, CHAIN_KIND_REPORT);
	assert_memory_equal(got.lookup, c.e[2].lookup, 32);
	assert_memory_equal(got.chain, c.e[2].chain, 32);
	assert_memory_equal(got.reply_pk, c.e[2].reply_pk, 32);
	assert_string_equal(got.day, DAY);
	assert_int_equal(got.envelope_len, sizeof c.env[2]);
	assert_memory_equal(got.envelope, c.env[2], sizeof c.env[2]); /* bytes as received */
	assert_int_equal(archive_entry_get(t, "d01", 4, &got), ARCHIVE_ERR_NOT_FOUND);
	assert_int_equal(archive_chain_at(t, "d01", 0, at), ARCHIVE_OK);
	assert_true(sodium_is_zero(at, 32));
	assert_int_equal(archive_chain_at(t, "d01", 2, at), ARCHIVE_OK);
	assert_memory_equal(at, c.e[2].chain, 32);
	/* each report made a case named by its index, found by its lookup */
	assert_int_equal(archive_case_get(t, "d01", 2, &rec), ARCHIVE_OK);
	assert_string_equal(json_string_value(json_object_get(rec, "status")), "received");
	assert_string_equal(json_string_value(json_object_get(rec, "day")), DAY);
	assert_int_equal(json_array_size(json_object_get(rec, "history")), 1);
	json_decref(rec);
	assert_int_equal(archive_case_find(t, "d01", c.e[3].lookup, &ix), ARCHIVE_OK);
	assert_int_equal(ix, 3);
	archive_abort(t);
}

static void
test_entries_abort(void **state)
{
	struct fx *f = *state;
	struct chain_fx c;
	struct archive_txn *t;
	json_t *rec;
	uint64_t ix;

	make_chain(&c, 4, NULL);
	add_all(f->a, &c, 1, 2);
	/* entries 3 and 4 go in, then the transaction is dropped: none of it stays */
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d01", &c.e[3]), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d01", &c.e[4]), ARCHIVE_OK);
	archive_abort(t);
	assert_int_equal(size_of(f->a, "d01", NULL), 2);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_get(t, "d01", 3, &rec), ARCHIVE_ERR_NOT_FOUND);
	assert_int_equal(archive_case_find(t, "d01", c.e[4].lookup, &ix), ARCHIVE_ERR_NOT_FOUND);
	archive_abort(t);
	/* and they can be added afterwards */
	add_all(f->a, &c, 3, 4);
	assert_int_equal(size_of(f->a, "d01", NULL), 4);
}

static void
test_overlap_and_order(void **state)
{
	struct fx *f = *state;
	struct chain_fx c;
	struct archive_txn *t;
	struct archive_entry e;
	uint8_t env[64], head[32];

	make_chain(&c, 5, NULL);
	add_all(f->a, &c, 1, 3);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	/* identical overlap: skipped */
	for (int i = 1; i <= 3; i++)
		assert_int_equal(archive_entry_add(t, "d01", &c.e[i]), ARCHIVE_SKIPPED);
	/* an overlap that differs: tampering */
	e = c.e[2];
	memcpy(env, c.env[2], 64);
	env[10] ^= 1;
	e.envelope = env;
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_CHAIN);
	e = c.e[2];
	e.chain[0] ^= 1;
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_CHAIN);
	/* a gap */
	assert_int_equal(archive_entry_add(t, "d01", &c.e[5]), ARCHIVE_ERR_ORDER);
	/* the next entry with a wrong chain value, or an envelope that is not its hash */
	e = c.e[4];
	e.chain[31] ^= 0x80;
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_CHAIN);
	e = c.e[4];
	e.envelope = env;
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_CHAIN);
	e = c.e[4];
	e.day[9] = '2'; /* the chain binds the day */
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_CHAIN);
	/* bad arguments */
	e = c.e[4];
	e.index = 0;
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_ARG);
	e = c.e[4];
	e.has_reply_pk = 0;
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_entry_add(t, "d09", &c.e[4]), ARCHIVE_ERR_NOT_FOUND);
	/* none of the refusals moved the head */
	assert_int_equal(archive_entry_add(t, "d01", &c.e[4]), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d01", &c.e[5]), ARCHIVE_OK);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(size_of(f->a, "d01", head), 5);
	assert_memory_equal(head, c.e[5].chain, 32);
}

static void
test_followups(void **state)
{
	struct fx *f = *state;
	static const int kinds[] = {0, CHAIN_KIND_REPORT, CHAIN_KIND_REPORT, CHAIN_KIND_FOLLOWUP};
	struct chain_fx c, other;
	struct archive_txn *t;
	struct archive_entry e;
	uint8_t prev[32];
	json_t *rec, *fu;

	make_chain(&c, 3, kinds); /* 3 is a follow-up to case 1 */
	add_all(f->a, &c, 1, 3);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_get(t, "d01", 1, &rec), ARCHIVE_OK);
	fu = json_object_get(rec, "followups");
	assert_int_equal(json_array_size(fu), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fu, 0), "index")), 3);
	json_decref(rec);
	assert_int_equal(archive_case_get(t, "d01", 3, &rec), ARCHIVE_ERR_NOT_FOUND);
	archive_abort(t);

	/* a follow-up whose lookup is no case, and a report reusing a lookup */
	make_chain(&other, 1, NULL);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	e = other.e[1];
	e.index = 4;
	e.kind = CHAIN_KIND_FOLLOWUP;
	e.has_reply_pk = 0;
	memcpy(prev, c.e[3].chain, 32);
	assert_int_equal(chain_next(e.chain, prev, 4, e.kind, e.lookup, e.envelope_hash, e.day), 0);
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_CASE);
	e.kind = CHAIN_KIND_REPORT;
	e.has_reply_pk = 1;
	memcpy(e.lookup, c.e[2].lookup, 32);
	assert_int_equal(chain_next(e.chain, prev, 4, e.kind, e.lookup, e.envelope_hash, e.day), 0);
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_CASE);
	archive_abort(t);
	assert_int_equal(size_of(f->a, "d01", NULL), 3);
}

static void
test_case_put(void **state)
{
	struct fx *f = *state;
	struct chain_fx c;
	struct archive_txn *t;
	json_t *rec, *bad;

	make_chain(&c, 1, NULL);
	add_all(f->a, &c, 1, 1);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_get(t, "d01", 1, &rec), ARCHIVE_OK);
	json_object_set_new(rec, "status", json_string("accepted"));
	json_object_set_new(rec, "notes", json_array()); /* later versions add members */
	assert_int_equal(archive_case_put(t, "d01", 1, rec), ARCHIVE_OK);
	bad = json_deep_copy(rec);
	json_object_set_new(bad, "lookup",
	                    json_string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	assert_int_equal(archive_case_put(t, "d01", 1, bad), ARCHIVE_ERR_ARG);
	json_decref(bad);
	bad = json_deep_copy(rec);
	json_object_del(bad, "history");
	assert_int_equal(archive_case_put(t, "d01", 1, bad), ARCHIVE_ERR_ARG);
	json_decref(bad);
	assert_int_equal(archive_case_put(t, "d01", 2, rec), ARCHIVE_ERR_ARG); /* index differs */
	json_decref(rec);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_get(t, "d01", 1, &rec), ARCHIVE_OK);
	assert_string_equal(json_string_value(json_object_get(rec, "status")), "accepted");
	assert_true(json_is_array(json_object_get(rec, "notes")));
	json_decref(rec);
	archive_abort(t);
}

static int
collect_op(void *ctx, uint64_t opno, const json_t *op)
{
	json_t *list = ctx;

	(void)opno;
	json_array_append(list, (json_t *)(uintptr_t)op);
	return 0;
}

/* archive_outbox_add borrows the operation: this one frees it afterwards. */
static int
outbox_add(struct archive_txn *t, json_t *op)
{
	int rc;

	assert_non_null(op);
	rc = archive_outbox_add(t, "d01", op);
	json_decref(op);
	return rc;
}

static void
test_outbox_and_seq(void **state)
{
	struct fx *f = *state;
	struct chain_fx c;
	struct archive_txn *t;
	struct archive_district d;
	json_t *list;
	uint64_t n;

	make_chain(&c, 2, NULL);
	add_all(f->a, &c, 1, 2);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(outbox_add(t, json_pack("{s:s, s:i, s:s}", "op", "status", "case", 1,
	                                         "status", "accepted")),
	                 ARCHIVE_OK);
	assert_int_equal(
	        outbox_add(t, json_pack("{s:s, s:i, s:i}", "op", "reply", "case", 2, "n", 1)),
	        ARCHIVE_OK);
	/* no such case, no such op */
	assert_int_equal(outbox_add(t, json_pack("{s:s, s:i}", "op", "status", "case", 7)),
	                 ARCHIVE_ERR_NOT_FOUND);
	assert_int_equal(outbox_add(t, json_pack("{s:s, s:i}", "op", "delete", "case", 1)),
	                 ARCHIVE_ERR_ARG);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);

	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	list = json_array();
	assert_int_equal(archive_outbox_foreach(t, "d01", collect_op, list), ARCHIVE_OK);
	assert_int_equal(json_array_size(list), 2); /* in the order queued */
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "op")),
	                    "status");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "op")),
	                    "reply");
	json_decref(list);
	/* seq must be last + 1; acks at most the size */
	assert_int_equal(archive_update_done(t, "d01", 2, 2), ARCHIVE_ERR_SEQ);
	assert_int_equal(archive_update_done(t, "d01", 1, 3), ARCHIVE_ERR_SEQ);
	assert_int_equal(archive_update_done(t, "d01", 1, 2), ARCHIVE_OK);
	assert_int_equal(archive_outbox_count(t, "d01", &n), ARCHIVE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_int_equal(d.seq, 1);
	assert_int_equal(d.acks_through, 2);
	assert_int_equal(archive_update_done(t, "d01", 1, 2), ARCHIVE_ERR_SEQ); /* replay */
	assert_int_equal(archive_update_done(t, "d01", 2, 1), ARCHIVE_ERR_SEQ); /* acks go back */
	assert_int_equal(archive_update_done(t, "d01", 2, 2), ARCHIVE_OK);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_int_equal(d.seq, 2);
	archive_abort(t);
}

static void
test_replies(void **state)
{
	struct fx *f = *state;
	struct chain_fx c;
	struct archive_txn *t;
	const uint8_t *env;
	size_t len;
	uint8_t a[100], b[50];

	make_chain(&c, 1, NULL);
	add_all(f->a, &c, 1, 1);
	randombytes_buf(a, sizeof a);
	randombytes_buf(b, sizeof b);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_reply_put(t, "d01", 1, 1, ARCHIVE_REPLY_TO_REPORTER, a, sizeof a),
	                 ARCHIVE_OK);
	assert_int_equal(archive_reply_put(t, "d01", 1, 1, ARCHIVE_REPLY_TO_DISTRICT, b, sizeof b),
	                 ARCHIVE_OK);
	assert_int_equal(archive_reply_put(t, "d01", 1, 1, ARCHIVE_REPLY_TO_DISTRICT, a, sizeof a),
	                 ARCHIVE_ERR_EXISTS);
	assert_int_equal(archive_reply_put(t, "d01", 9, 1, ARCHIVE_REPLY_TO_DISTRICT, a, sizeof a),
	                 ARCHIVE_ERR_NOT_FOUND);
	assert_int_equal(archive_reply_put(t, "d01", 1, 2, 7, a, sizeof a), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_reply_get(t, "d01", 1, 1, ARCHIVE_REPLY_TO_REPORTER, &env, &len),
	                 ARCHIVE_OK);
	assert_int_equal(len, sizeof a);
	assert_memory_equal(env, a, sizeof a);
	assert_int_equal(archive_reply_get(t, "d01", 1, 1, ARCHIVE_REPLY_TO_DISTRICT, &env, &len),
	                 ARCHIVE_OK);
	assert_memory_equal(env, b, sizeof b);
	assert_int_equal(archive_reply_get(t, "d01", 1, 2, ARCHIVE_REPLY_TO_DISTRICT, &env, &len),
	                 ARCHIVE_ERR_NOT_FOUND);
	archive_abort(t);
}

static void
test_notes(void **state)
{
	struct fx *f = *state;
	struct chain_fx c;
	struct archive_txn *t;
	const uint8_t *env;
	size_t len;
	uint8_t a[100], b[60];
	json_t *rec;

	make_chain(&c, 2, NULL);
	add_all(f->a, &c, 1, 2);
	randombytes_buf(a, sizeof a);
	randombytes_buf(b, sizeof b);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_note_put(t, "d01", 1, 1, a, sizeof a), ARCHIVE_ERR_RDONLY);
	archive_abort(t);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_note_put(t, "d01", 1, 1, a, sizeof a), ARCHIVE_OK);
	assert_int_equal(archive_note_put(t, "d01", 1, 2, b, sizeof b), ARCHIVE_OK);
	assert_int_equal(archive_note_put(t, "d01", 2, 1, b, sizeof b), ARCHIVE_OK);
	/* never replaced; only for cases; no empty note, no note 0, no bad district */
	assert_int_equal(archive_note_put(t, "d01", 1, 1, b, sizeof b), ARCHIVE_ERR_EXISTS);
	assert_int_equal(archive_note_put(t, "d01", 9, 1, a, sizeof a), ARCHIVE_ERR_NOT_FOUND);
	assert_int_equal(archive_note_put(t, "d01", 1, 0, a, sizeof a), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_note_put(t, "d01", 1, 3, a, 0), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_note_put(t, "D01", 1, 3, a, sizeof a), ARCHIVE_ERR_ARG);
	/* the case record keeps members a later version adds */
	assert_int_equal(archive_case_get(t, "d01", 1, &rec), ARCHIVE_OK);
	json_object_set_new(rec, "stage", json_string("accepted"));
	json_object_set_new(rec, "notes",
	                    json_pack("[{s:i, s:s, s:s}]", "n", 1, "day", DAY, "by", "x"));
	assert_int_equal(archive_case_put(t, "d01", 1, rec), ARCHIVE_OK);
	json_decref(rec);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_note_get(t, "d01", 1, 1, &env, &len), ARCHIVE_OK);
	assert_int_equal(len, sizeof a);
	assert_memory_equal(env, a, sizeof a);
	assert_int_equal(archive_note_get(t, "d01", 1, 2, &env, &len), ARCHIVE_OK);
	assert_memory_equal(env, b, sizeof b);
	assert_int_equal(archive_note_get(t, "d01", 2, 1, &env, &len), ARCHIVE_OK);
	assert_int_equal(len, sizeof b);
	assert_int_equal(archive_note_get(t, "d01", 1, 3, &env, &len), ARCHIVE_ERR_NOT_FOUND);
	assert_null(env);
	assert_int_equal(archive_note_get(t, "d01", 1, 0, &env, &len), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_case_get(t, "d01", 1, &rec), ARCHIVE_OK);
	assert_string_equal(json_string_value(json_object_get(rec, "stage")), "accepted");
	assert_int_equal(json_array_size(json_object_get(rec, "notes")), 1);
	json_decref(rec);
	archive_abort(t);
}

static int
collect_log(void *ctx, const json_t *rec)
{
	json_array_append((json_t *)ctx, (json_t *)(uintptr_t)rec);
	return 0;
}

static void
test_access_log(void **state)
{
	struct fx *f = *state;
	struct archive_txn *t;
	json_t *list;

	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_log_add(t, DAY, "alice", "show", "d01-1"), ARCHIVE_OK);
	assert_int_equal(archive_log_add(t, "2026-05-02", "bob", "show --extract", "d01-2"),
	                 ARCHIVE_OK);
	assert_int_equal(archive_log_add(t, "2026-13-01", "bob", "show", "d01-2"), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_log_add(t, DAY, "bob", "", "d01-2"), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_log_add(t, DAY, "\xff\xfe", "show", "d01-2"), ARCHIVE_ERR_ARG);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_log_add(t, "2026-05-03", "carol", "status", "d01-1"), ARCHIVE_OK);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	list = json_array();
	assert_int_equal(archive_log_foreach(t, collect_log, list), ARCHIVE_OK);
	archive_abort(t);
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "user")),
	                    "alice");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "command")),
	                    "show --extract");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 2), "day")),
	                    "2026-05-03");
	json_decref(list);
}

static int
count_case(void *ctx, const char *id, uint64_t index, const json_t *rec)
{
	int *n = ctx;

	(void)rec;
	assert_true(strcmp(id, "d01") == 0 || strcmp(id, "d02") == 0);
	assert_true(index >= 1);
	(*n)++;
	return 0;
}

static void
test_two_districts(void **state)
{
	struct fx *f = *state;
	struct chain_fx c1, c2;
	struct archive_txn *t;
	int n = 0;

	make_chain(&c1, 2, NULL);
	make_chain(&c2, 3, NULL);
	add_all(f->a, &c1, 1, 2);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_create(t, "d02"), ARCHIVE_OK);
	for (int i = 1; i <= 3; i++)
		assert_int_equal(archive_entry_add(t, "d02", &c2.e[i]), ARCHIVE_OK);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(size_of(f->a, "d01", NULL), 2);
	assert_int_equal(size_of(f->a, "d02", NULL), 3);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_foreach(t, NULL, count_case, &n), ARCHIVE_OK);
	assert_int_equal(n, 5);
	n = 0;
	assert_int_equal(archive_case_foreach(t, "d02", count_case, &n), ARCHIVE_OK);
	assert_int_equal(n, 3);
	archive_abort(t);
}

static int
check_district(void *ctx, const struct archive_district *d)
{
	const struct archive_district *want = ctx;

	if (strcmp(d->id, want->id) != 0)
		return 0;
	assert_int_equal(d->size, want->size);
	assert_memory_equal(d->head, want->head, 32);
	assert_string_equal(d->key_path, want->key_path);
	assert_int_equal(d->has_server_pk, want->has_server_pk);
	return 0;
}

/*
 * The district record a transaction caches for archive_entry_add: every
 * read sees the latest write of the transaction (entries, key path, server
 * key, outbox, another district in between), the record in the database is
 * the same as the one read, a refused entry changes nothing, and an aborted
 * transaction leaves the committed state.
 */
static void
test_district_cache(void **state)
{
	struct fx *f = *state;
	struct chain_fx c1, c2;
	struct archive_entry bad;
	struct archive_district d, d2;
	struct archive_txn *t;
	uint8_t pk[32];
	json_t *op;

	make_chain(&c1, 5, NULL);
	make_chain(&c2, 2, NULL);
	randombytes_buf(pk, 32);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_int_equal(d.size, 0);
	assert_int_equal(archive_entry_add(t, "d01", &c1.e[1]), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d01", &c1.e[2]), ARCHIVE_OK);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_int_equal(d.size, 2);
	assert_memory_equal(d.head, c1.e[2].chain, 32);
	assert_int_equal(archive_district_set_key_path(t, "d01", "/k/district.key"), ARCHIVE_OK);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_string_equal(d.key_path, "/k/district.key");
	assert_int_equal(d.size, 2);
	assert_int_equal(archive_entry_add(t, "d01", &c1.e[3]), ARCHIVE_OK);
	assert_int_equal(archive_district_set_server_key(t, "d01", pk), ARCHIVE_OK);
	op = json_pack("{s:s, s:i, s:s}", "op", "status", "case", 1, "status", "accepted");
	assert_int_equal(archive_outbox_add(t, "d01", op), ARCHIVE_OK);
	json_decref(op);
	/* another district in between */
	assert_int_equal(archive_district_create(t, "d02"), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d02", &c2.e[1]), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d01", &c1.e[4]), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d02", &c2.e[2]), ARCHIVE_OK);
	/* a refused entry leaves the district as it was */
	bad = c1.e[5];
	bad.chain[0] ^= 1;
	assert_int_equal(archive_entry_add(t, "d01", &bad), ARCHIVE_ERR_CHAIN);
	assert_int_equal(archive_entry_add(t, "d01", &c1.e[2]), ARCHIVE_SKIPPED);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_int_equal(d.size, 4);
	assert_memory_equal(d.head, c1.e[4].chain, 32);
	assert_string_equal(d.key_path, "/k/district.key");
	assert_int_equal(d.has_server_pk, 1);
	assert_memory_equal(d.server_pk, pk, 32);
	assert_int_equal(archive_district_get(t, "d02", &d2), ARCHIVE_OK);
	assert_int_equal(d2.size, 2);
	assert_memory_equal(d2.head, c2.e[2].chain, 32);
	/* what the database holds (read past the cache) is the same */
	assert_int_equal(archive_district_foreach(t, check_district, &d), ARCHIVE_OK);
	assert_int_equal(archive_district_foreach(t, check_district, &d2), ARCHIVE_OK);
	/* the outbox's next_op was kept while size and head moved on */
	op = json_pack("{s:s, s:i, s:s}", "op", "status", "case", 2, "status", "accepted");
	assert_int_equal(archive_outbox_add(t, "d01", op), ARCHIVE_OK);
	json_decref(op);
	assert_int_equal(archive_update_done(t, "d01", 1, 4), ARCHIVE_OK);
	assert_int_equal(archive_district_get(t, "d01", &d), ARCHIVE_OK);
	assert_int_equal(d.seq, 1);
	assert_int_equal(d.acks_through, 4);
	assert_int_equal(d.size, 4);
	archive_abort(t);
	assert_int_equal(size_of(f->a, "d01", NULL), 0);

	add_all(f->a, &c1, 1, 5);
	assert_int_equal(size_of(f->a, "d01", d.head), 5);
	assert_memory_equal(d.head, c1.e[5].chain, 32);
}

/* Recomputes the hashes and chain values of entries 1..n after their fields changed. */
static void
rechain(struct chain_fx *c, int n)
{
	uint8_t prev[32] = {0};

	for (int i = 1; i <= n; i++) {
		struct archive_entry *e = &c->e[i];

		e->has_reply_pk = e->kind == CHAIN_KIND_REPORT;
		chain_h256(e->envelope_hash, e->envelope, e->envelope_len);
		assert_int_equal(chain_next(e->chain, prev, e->index, e->kind, e->lookup,
		                            e->envelope_hash, e->day),
		                 0);
		memcpy(prev, e->chain, 32);
	}
}

/* The quarantine record of index in district id, or NULL (asserting NOT_FOUND). */
static json_t *
quarantine_rec(struct archive *a, const char *id, uint64_t index)
{
	struct archive_txn *t;
	json_t *q = NULL;
	int rc;

	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	rc = archive_quarantine_get(t, id, index, &q);
	archive_abort(t);
	if (rc == ARCHIVE_ERR_NOT_FOUND) {
		assert_null(q);
		return NULL;
	}
	assert_int_equal(rc, ARCHIVE_OK);
	return q;
}

static int
collect_quarantine(void *ctx, const char *id, const json_t *rec)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%s-%" JSON_INTEGER_FORMAT " ", id,
	         json_integer_value(json_object_get(rec, "index")));
	strcat(ctx, buf);
	return 0;
}

/*
 * §10: a quarantined entry extends the chain like any other and gets a
 * quarantine record; a quarantined report that takes a fresh lookup becomes
 * a case marked "quarantine", one that reuses a lookup no case at all; a
 * quarantined follow-up joins its case marked, or no case; the clean rules
 * (a follow-up needs a case, a report a fresh lookup) still hold.
 */
static void
test_quarantine(void **state)
{
	struct fx *f = *state;
	static const int kinds[] = {0,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_FOLLOWUP};
	static const char *const why[] = {NULL,           NULL,      "does not open", "reuses",
	                                  "not verified", "no case", "quarantined",   NULL};
	struct chain_fx c, d2;
	struct archive_txn *t;
	struct archive_entry e;
	uint8_t l1[32], l2[32], head[32];
	json_t *rec, *fus, *q;
	char seen[256] = "";

	make_chain(&c, 7, kinds);
	memcpy(l1, c.e[1].lookup, 32);
	memcpy(l2, c.e[2].lookup, 32);
	memcpy(c.e[3].lookup, l1, 32);      /* a report reusing case 1's lookup */
	randombytes_buf(c.e[5].lookup, 32); /* a follow-up of no case */
	memcpy(c.e[6].lookup, l2, 32);      /* a follow-up of the quarantined report */
	rechain(&c, 7);
	c.e[1].has_sign_pk = 1;
	randombytes_buf(c.e[1].sign_pk, 32);
	for (int i = 1; i <= 7; i++)
		c.e[i].quarantine = why[i];

	/* without the quarantine mark, the clean rules refuse 3 and 5 as before */
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d01", &c.e[1]), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d01", &c.e[2]), ARCHIVE_OK);
	e = c.e[3];
	e.quarantine = NULL;
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_CASE);
	archive_abort(t);
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(archive_entry_add(t, "d01", &c.e[i]), ARCHIVE_OK);
	e = c.e[5];
	e.quarantine = NULL;
	assert_int_equal(archive_entry_add(t, "d01", &e), ARCHIVE_ERR_CASE);
	archive_abort(t);
	assert_null(quarantine_rec(f->a, "d01", 2)); /* aborted: nothing left */

	add_all(f->a, &c, 1, 7);
	assert_int_equal(size_of(f->a, "d01", head), 7);
	assert_memory_equal(head, c.e[7].chain, 32);

	/* the records, with the reason, for exactly the quarantined ones */
	for (uint64_t i = 1; i <= 7; i++) {
		q = quarantine_rec(f->a, "d01", i);
		if (why[i] == NULL) {
			assert_null(q);
			continue;
		}
		assert_non_null(q);
		assert_int_equal(json_integer_value(json_object_get(q, "v")), 1);
		assert_int_equal(json_integer_value(json_object_get(q, "index")), (json_int_t)i);
		assert_string_equal(json_string_value(json_object_get(q, "kind")),
		                    kinds[i] == CHAIN_KIND_REPORT ? "report" : "followup");
		assert_string_equal(json_string_value(json_object_get(q, "day")), DAY);
		assert_string_equal(json_string_value(json_object_get(q, "reason")), why[i]);
		json_decref(q);
	}

	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	/* every entry is held as received, the quarantined too */
	for (uint64_t i = 1; i <= 7; i++) {
		assert_int_equal(archive_entry_get(t, "d01", i, &e), ARCHIVE_OK);
		assert_memory_equal(e.envelope, c.env[i], sizeof c.env[i]);
		assert_null(e.quarantine);
	}
	/* case 1: clean, its signing key kept, its follow-ups 4 (marked) and 7 */
	assert_int_equal(archive_case_get(t, "d01", 1, &rec), ARCHIVE_OK);
	assert_null(json_object_get(rec, "quarantine"));
	{
		char want[CODEC_B64U_BUF(32)];

		codec_b64u_encode(want, sizeof want, c.e[1].sign_pk, 32);
		assert_string_equal(json_string_value(json_object_get(rec, "sign_pk")), want);
	}
	fus = json_object_get(rec, "followups");
	assert_int_equal(json_array_size(fus), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fus, 0), "index")), 4);
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(fus, 0), "quarantine")),
	        "not verified");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fus, 1), "index")), 7);
	assert_null(json_object_get(json_array_get(fus, 1), "quarantine"));
	json_decref(rec);
	/* case 2: the quarantined report, no signing key, its follow-up 6 marked */
	assert_int_equal(archive_case_get(t, "d01", 2, &rec), ARCHIVE_OK);
	assert_string_equal(json_string_value(json_object_get(rec, "quarantine")), "does not open");
	assert_null(json_object_get(rec, "sign_pk"));
	fus = json_object_get(rec, "followups");
	assert_int_equal(json_array_size(fus), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fus, 0), "index")), 6);
	json_decref(rec);
	/* 3 reused a lookup: no case of its own; the lookup still names case 1 */
	assert_int_equal(archive_case_get(t, "d01", 3, &rec), ARCHIVE_ERR_NOT_FOUND);
	{
		uint64_t ix = 0;

		assert_int_equal(archive_case_find(t, "d01", l1, &ix), ARCHIVE_OK);
		assert_int_equal(ix, 1);
		assert_int_equal(archive_case_find(t, "d01", c.e[5].lookup, &ix),
		                 ARCHIVE_ERR_NOT_FOUND);
	}
	assert_int_equal(archive_quarantine_foreach(t, "d01", collect_quarantine, seen),
	                 ARCHIVE_OK);
	archive_abort(t);
	assert_string_equal(seen, "d01-2 d01-3 d01-4 d01-5 d01-6 ");

	/* an overlap with a held quarantined entry is skipped, nothing doubled */
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d01", &c.e[4]), ARCHIVE_SKIPPED);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	rec = NULL;
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_get(t, "d01", 1, &rec), ARCHIVE_OK);
	archive_abort(t);
	assert_int_equal(json_array_size(json_object_get(rec, "followups")), 2);
	json_decref(rec);

	/* per district, in (district, index) order */
	make_chain(&d2, 1, NULL);
	d2.e[1].quarantine = "elsewhere";
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_create(t, "d02"), ARCHIVE_OK);
	assert_int_equal(archive_entry_add(t, "d02", &d2.e[1]), ARCHIVE_OK);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	seen[0] = '\0';
	assert_int_equal(archive_quarantine_foreach(t, NULL, collect_quarantine, seen), ARCHIVE_OK);
	assert_string_equal(seen, "d01-2 d01-3 d01-4 d01-5 d01-6 d02-1 ");
	seen[0] = '\0';
	assert_int_equal(archive_quarantine_foreach(t, "d02", collect_quarantine, seen),
	                 ARCHIVE_OK);
	assert_string_equal(seen, "d02-1 ");
	assert_int_equal(archive_quarantine_foreach(t, "D!", collect_quarantine, seen),
	                 ARCHIVE_ERR_ARG);
	archive_abort(t);
}

/* The 件号 of case index of d01 (0 when the record has none). */
static json_int_t
number_of(struct archive *a, uint64_t index)
{
	struct archive_txn *t;
	json_t *rec;
	json_int_t n;

	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_get(t, "d01", index, &rec), ARCHIVE_OK);
	n = json_integer_value(json_object_get(rec, "number"));
	json_decref(rec);
	archive_abort(t);
	return n;
}

/* The case index archive_case_by_number finds for 件号 n (0: none). */
static uint64_t
index_of_number(struct archive *a, uint64_t n)
{
	struct archive_txn *t;
	uint64_t ix = 0;
	int rc;

	assert_int_equal(archive_begin(a, 0, &t), ARCHIVE_OK);
	rc = archive_case_by_number(t, "d01", n, &ix);
	archive_abort(t);
	assert_true(rc == ARCHIVE_OK || rc == ARCHIVE_ERR_NOT_FOUND);
	return rc == ARCHIVE_OK ? ix : 0;
}

/* Follow-ups take chain indices; the 件号 of the reports count 1, 2, 3 without gaps. */
static void
test_numbers(void **state)
{
	struct fx *f = *state;
	static const int kinds[] = {0,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_REPORT};
	struct chain_fx c;
	struct archive_txn *t;
	json_t *rec;

	make_chain(&c, 7, kinds);
	c.e[5].objection = 1; /* the follow-up's purpose, as ingest read it */
	add_all(f->a, &c, 1, 5);
	add_all(f->a, &c, 6, 7);
	assert_int_equal(number_of(f->a, 1), 1);
	assert_int_equal(number_of(f->a, 4), 2);
	assert_int_equal(number_of(f->a, 6), 3);
	assert_int_equal(number_of(f->a, 7), 4);
	assert_int_equal(index_of_number(f->a, 3), 6);
	assert_int_equal(index_of_number(f->a, 5), 0);
	assert_int_equal(index_of_number(f->a, 0), 0);

	/* the objection is kept with the follow-up, the material is not flagged */
	assert_int_equal(archive_begin(f->a, 0, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_get(t, "d01", 1, &rec), ARCHIVE_OK);
	assert_null(
	        json_object_get(json_array_get(json_object_get(rec, "followups"), 0), "objection"));
	assert_true(json_is_true(json_object_get(
	        json_array_get(json_object_get(rec, "followups"), 2), "objection")));
	json_decref(rec);
	archive_abort(t);

	/* a replay of the same entries renumbers nothing */
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	for (int i = 1; i <= 7; i++)
		assert_int_equal(archive_entry_add(t, "d01", &c.e[i]), ARCHIVE_SKIPPED);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	assert_int_equal(number_of(f->a, 6), 3);
	assert_int_equal(index_of_number(f->a, 4), 7);

	/* a number that is not a case's, and a case put without its number, are refused */
	assert_int_equal(archive_begin(f->a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_case_get(t, "d01", 4, &rec), ARCHIVE_OK);
	json_object_set_new(rec, "number", json_integer(9));
	assert_int_equal(archive_case_put(t, "d01", 4, rec), ARCHIVE_ERR_ARG);
	json_object_del(rec, "number");
	assert_int_equal(archive_case_put(t, "d01", 4, rec), ARCHIVE_ERR_ARG);
	json_decref(rec);
	archive_abort(t);
	assert_int_equal(number_of(f->a, 4), 2);
}

/*
 * Makes f's archive look as the code before 件号 left it: no "number" in
 * the case records, no "numbered" in the district record, no numbers table.
 */
static void
strip_numbers(struct fx *f)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi cases, districts, numbers;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	archive_close(f->a);
	f->a = NULL;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_set_mapsize(env, (size_t)256 << 20), 0);
	assert_int_equal(mdb_env_open(env, f->adir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "cases", 0, &cases), 0);
	assert_int_equal(mdb_dbi_open(txn, "districts", 0, &districts), 0);
	for (int db = 0; db < 2; db++) {
		json_t *keys = json_array(), *vals = json_array();
		size_t i;

		assert_int_equal(mdb_cursor_open(txn, db == 0 ? cases : districts, &cur), 0);
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
		     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			json_t *j = json_loadb(v.mv_data, v.mv_size, 0, NULL);

			assert_non_null(j);
			json_object_del(j, db == 0 ? "number" : "numbered");
			json_array_append_new(keys, json_stringn(k.mv_data, k.mv_size));
			json_array_append_new(vals, j);
		}
		assert_int_equal(rc, MDB_NOTFOUND);
		mdb_cursor_close(cur);
		for (i = 0; i < json_array_size(keys); i++) {
			char *s =
			        json_dumps(json_array_get(vals, i), JSON_COMPACT | JSON_SORT_KEYS);

			assert_non_null(s);
			k.mv_size = json_string_length(json_array_get(keys, i));
			k.mv_data = (void *)(uintptr_t)json_string_value(json_array_get(keys, i));
			v.mv_size = strlen(s);
			v.mv_data = s;
			assert_int_equal(mdb_put(txn, db == 0 ? cases : districts, &k, &v, 0), 0);
			free(s);
		}
		json_decref(keys);
		json_decref(vals);
	}
	if (mdb_dbi_open(txn, "numbers", 0, &numbers) == 0)
		assert_int_equal(mdb_drop(txn, numbers, 1), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* An archive made before 件号 gets 1..n in chain order when it is opened, once. */
static void
test_numbers_migration(void **state)
{
	struct fx *f = *state;
	static const int kinds[] = {0,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_FOLLOWUP,
	                            CHAIN_KIND_REPORT,
	                            CHAIN_KIND_REPORT};
	struct chain_fx c;

	make_chain(&c, 8, kinds);
	c.e[2].quarantine = "a report whose content does not hold"; /* still a case */
	add_all(f->a, &c, 1, 6);
	strip_numbers(f);
	assert_int_equal(archive_open(&f->a, f->adir, 0), ARCHIVE_OK);
	assert_int_equal(number_of(f->a, 1), 1);
	assert_int_equal(number_of(f->a, 2), 2);
	assert_int_equal(number_of(f->a, 5), 3);
	assert_int_equal(index_of_number(f->a, 3), 5);

	/* opened again: the same numbers; new reports go on from there */
	archive_close(f->a);
	assert_int_equal(archive_open(&f->a, f->adir, 0), ARCHIVE_OK);
	assert_int_equal(number_of(f->a, 5), 3);
	add_all(f->a, &c, 7, 8);
	assert_int_equal(number_of(f->a, 7), 4);
	assert_int_equal(number_of(f->a, 8), 5);
	assert_int_equal(index_of_number(f->a, 5), 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_open_absent),
	        cmocka_unit_test_setup_teardown(test_schema_version, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_district, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_entries_commit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_entries_abort, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_overlap_and_order, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_followups, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_case_put, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_outbox_and_seq, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_replies, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_notes, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_access_log, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_two_districts, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_district_cache, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_quarantine, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_numbers_migration, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("archive", tests, NULL, NULL);
}
