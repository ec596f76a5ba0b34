/* cmd: see cmd.h. */
#include "intake/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/fileio.h"
#include "crypto/keyfile.h"
#include "crypto/serverkey.h"
#include "intake/api.h"
#include "intake/config.h"
#include "intake/server.h"
#include "store/store.h"

int
cmd_init(const char *dir)
{
	char path[4096];
	struct serverkey *k = NULL;
	struct store *st = NULL;
	struct config c;
	char pk[SERVERKEY_FINGERPRINT_BUF];
	int rc;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "qingfeng-intake: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof path, "%s/config.json", dir);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "qingfeng-intake: %s is already a data directory (%s exists)\n",
		        dir, path);
		return 1;
	}
	if (serverkey_generate(&k) != 0) {
		fprintf(stderr, "qingfeng-intake: out of memory\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/server.key", dir);
	if (serverkey_write(path, k) != 0) {
		fprintf(stderr, "qingfeng-intake: cannot write %s: %s\n", path, strerror(errno));
		serverkey_free(k);
		return 1;
	}
	serverkey_fingerprint(pk, k->sign_pk);
	serverkey_free(k);
	snprintf(path, sizeof path, "%s/db", dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "qingfeng-intake: cannot create %s: %s\n", path, strerror(errno));
		return 1;
	}
	rc = store_open(&st, path, NULL);
	if (rc != STORE_OK) {
		fprintf(stderr, "qingfeng-intake: cannot create the store in %s: %s\n", path,
		        store_strerror(rc));
		return 1;
	}
	store_close(st);
	config_defaults(&c);
	snprintf(path, sizeof path, "%s/config.json", dir);
	if (config_save(&c, path) != 0) {
		fprintf(stderr, "qingfeng-intake: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("initialised %s\n", dir);
	printf("server key fingerprint: %s\n", pk);
	printf("(the district's offline tool shows the same when it first ingests an export)\n");
	printf("next: qingfeng-intake district add --data %s district.pub.json\n", dir);
	return 0;
}

int
cmd_district_add(const char *dir, const char *file, int replace, const char *level,
                 const char *parent)
{
	char cpath[4096], dbpath[4096], err[512];
	struct keyfile_public pub;
	struct config c;
	struct store *st = NULL;
	json_error_t jerr;
	const char *type;
	json_t *j;
	int rc;

	j = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		fprintf(stderr, "qingfeng-intake: %s: %s\n", file, jerr.text);
		return 1;
	}
	type = json_string_value(json_object_get(j, "type"));
	if (json_object_get(j, "ciphertext") != NULL || type == NULL ||
	    strcmp(type, "qingfeng-district-public") != 0) {
		json_decref(j);
		fprintf(stderr,
		        "qingfeng-intake: %s is not a district public key (district.pub.json); "
		        "never copy district.key to the server\n",
		        file);
		return 1;
	}
	rc = keyfile_public_from_json(&pub, j);
	json_decref(j);
	if (rc != KEYFILE_OK) {
		fprintf(stderr, "qingfeng-intake: %s: %s\n", file, keyfile_strerror(rc));
		return 1;
	}
	snprintf(cpath, sizeof cpath, "%s/config.json", dir);
	if (config_load(&c, cpath, err, sizeof err) != 0) {
		fprintf(stderr, "qingfeng-intake: %s\n", err);
		return 1;
	}
	if (config_add_district(&c, &pub, replace) != 0) {
		fprintf(stderr,
		        "qingfeng-intake: district %s already exists with other keys "
		        "(use --replace only after checking the new fingerprint)\n",
		        pub.id);
		return 1;
	}
	if (level != NULL || parent != NULL) {
		const char *why = config_set_tier(&c, pub.id, level, parent != NULL, parent);

		if (why != NULL) {
			fprintf(stderr, "qingfeng-intake: district %s: %s; nothing changed\n",
			        pub.id, why);
			return 1;
		}
	}
	snprintf(dbpath, sizeof dbpath, "%s/db", dir);
	rc = store_open(&st, dbpath, NULL);
	if (rc == STORE_OK)
		rc = store_district_ensure(st, pub.id);
	store_close(st);
	if (rc != STORE_OK) {
		fprintf(stderr, "qingfeng-intake: cannot register %s in the store: %s\n", pub.id,
		        store_strerror(rc));
		return 1;
	}
	if (config_save(&c, cpath) != 0) {
		fprintf(stderr, "qingfeng-intake: cannot write %s: %s\n", cpath, strerror(errno));
		return 1;
	}
	printf("added district %s (%s)\n", pub.id, pub.name);
	printf("fingerprint: %s\n", pub.fingerprint);
	{
		const struct config_tier *t = config_tier(&c, pub.id);

		printf("level: %s; parent: %s\n", t->level, t->parent[0] ? t->parent : "none");
	}
	printf("check it against the fingerprint the commission published; then reload a "
	       "running server (SIGHUP)\n");
	return 0;
}

int
cmd_district_set(const char *dir, const char *id, const char *level, int set_parent,
                 const char *parent)
{
	char cpath[4096], err[512];
	const struct config_tier *t;
	const char *why;
	struct config c;

	snprintf(cpath, sizeof cpath, "%s/config.json", dir);
	if (config_load(&c, cpath, err, sizeof err) != 0) {
		fprintf(stderr, "qingfeng-intake: %s\n", err);
		return 1;
	}
	if (level == NULL && !set_parent) {
		t = config_tier(&c, id);
		if (t == NULL) {
			fprintf(stderr, "qingfeng-intake: no district \"%s\" in %s\n", id, cpath);
			return 1;
		}
		printf("district %s: level %s; parent %s; %zu below it\n", id, t->level,
		       t->parent[0] ? t->parent : "none", config_children(&c, id));
		return 0;
	}
	why = config_set_tier(&c, id, level, set_parent, parent);
	if (why != NULL) {
		fprintf(stderr, "qingfeng-intake: district %s: %s; nothing changed\n", id, why);
		return 1;
	}
	if (config_save(&c, cpath) != 0) {
		fprintf(stderr, "qingfeng-intake: cannot write %s: %s\n", cpath, strerror(errno));
		return 1;
	}
	t = config_tier(&c, id);
	printf("district %s: level %s; parent %s\n", id, t->level,
	       t->parent[0] ? t->parent : "none");
	printf("reload a running server (SIGHUP)\n");
	return 0;
}

static int
open_store_cfg(const char *dir, struct store **st, struct config *cfgout)
{
	char cpath[4096], dbpath[4096], err[512];
	struct store_config sc;
	struct config c;
	int rc;

	snprintf(cpath, sizeof cpath, "%s/config.json", dir);
	if (config_load(&c, cpath, err, sizeof err) != 0) {
		fprintf(stderr, "qingfeng-intake: %s\n", err);
		return -1;
	}
	memset(&sc, 0, sizeof sc);
	sc.map_max = c.map_max_bytes;
	sc.quota_bytes = c.quota_bytes;
	snprintf(dbpath, sizeof dbpath, "%s/db", dir);
	rc = store_open(st, dbpath, &sc);
	if (rc != STORE_OK) {
		fprintf(stderr, "qingfeng-intake: cannot open the store in %s: %s\n", dbpath,
		        store_strerror(rc));
		return -1;
	}
	if (cfgout != NULL)
		*cfgout = c;
	return 0;
}

static int
open_store(const char *dir, struct store **st)
{
	return open_store_cfg(dir, st, NULL);
}

int
cmd_backup(const char *dir, const char *out)
{
	struct store *st;
	int rc;

	if (open_store(dir, &st) != 0)
		return 1;
	rc = store_backup(st, out);
	store_close(st);
	if (rc != STORE_OK) {
		fprintf(stderr, "qingfeng-intake: backup to %s failed: %s (%s)\n", out,
		        store_strerror(rc), strerror(errno));
		return 1;
	}
	printf("backup written to %s\n", out);
	printf("to restore: stop the server, put it in place as DATA/db/data.mdb, start it, "
	       "then run qingfeng-intake check\n");
	return 0;
}

static void
print_problem(void *ctx, const char *msg)
{
	unsigned *n = ctx;

	(*n)++;
	printf("problem: %s\n", msg);
}

int
cmd_check(const char *dir)
{
	struct store *st;
	struct store_stats ss;
	unsigned problems = 0;
	int rc;

	if (open_store(dir, &st) != 0)
		return 1;
	rc = store_check(st, print_problem, &problems);
	if (store_stats(st, &ss) == STORE_OK)
		printf("%llu case(s), %llu log entries, %llu envelope(s) held, %llu repl(ies)\n",
		       (unsigned long long)ss.cases, (unsigned long long)ss.entries,
		       (unsigned long long)ss.envelopes, (unsigned long long)ss.replies);
	store_close(st);
	if (rc == STORE_OK) {
		printf("check passed: every chain verifies and the store is consistent\n");
		return 0;
	}
	fprintf(stderr, "qingfeng-intake: check FAILED: %u problem(s)%s\n", problems,
	        rc == STORE_ERR_IO ? " (the store could not be read)" : "");
	return 1;
}

int
cmd_stats(const char *dir, int as_json)
{
	struct store_stats ss;
	struct store *st;
	struct config c;
	json_t *root, *ds;
	int rc;

	if (open_store_cfg(dir, &st, &c) != 0)
		return 1;
	rc = store_stats(st, &ss);
	if (rc != STORE_OK) {
		store_close(st);
		fprintf(stderr, "qingfeng-intake: %s\n", store_strerror(rc));
		return 1;
	}
	ds = json_array();
	for (size_t i = 0; ds != NULL && i < c.ndistricts; i++) {
		struct store_district d;

		if (store_district_get(st, c.districts[i].id, &d) != STORE_OK)
			continue;
		json_array_append_new(
		        ds, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "id",
		                      c.districts[i].id, "entries", (json_int_t)d.size, "exported",
		                      (json_int_t)d.exported, "acknowledged", (json_int_t)d.acked,
		                      "pending", (json_int_t)(d.size - d.acked), "update_seq",
		                      (json_int_t)d.seq, "bytes", (json_int_t)d.bytes));
	}
	store_close(st);
	root = json_pack("{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:o*}", "cases",
	                 (json_int_t)ss.cases, "entries", (json_int_t)ss.entries, "envelopes",
	                 (json_int_t)ss.envelopes, "replies", (json_int_t)ss.replies, "storage",
	                 "map_used", (json_int_t)ss.map_used, "map_size", (json_int_t)ss.map_size,
	                 "map_max", (json_int_t)ss.map_max, "quota_per_district",
	                 (json_int_t)c.quota_bytes, "districts", ds);
	if (root == NULL) {
		fprintf(stderr, "qingfeng-intake: out of memory\n");
		return 1;
	}
	if (as_json) {
		char *t = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (t != NULL)
			puts(t);
		free(t);
	} else {
		size_t i;
		json_t *d;

		printf("cases %lld, log entries %lld, envelopes held %lld, replies %lld\n",
		       (long long)ss.cases, (long long)ss.entries, (long long)ss.envelopes,
		       (long long)ss.replies);
		printf("storage: %.1f MiB used of a %.1f MiB map (cap %.1f MiB, %.0f%%)\n",
		       ss.map_used / 1048576.0, ss.map_size / 1048576.0, ss.map_max / 1048576.0,
		       ss.map_max ? 100.0 * ss.map_used / ss.map_max : 0.0);
		json_array_foreach(json_object_get(root, "districts"), i, d)
		{
			printf("district %s: %lld entries, %lld awaiting the district's "
			       "acknowledgement, %lld exported, update %lld, %.1f MiB held\n",
			       json_string_value(json_object_get(d, "id")),
			       (long long)json_integer_value(json_object_get(d, "entries")),
			       (long long)json_integer_value(json_object_get(d, "pending")),
			       (long long)json_integer_value(json_object_get(d, "exported")),
			       (long long)json_integer_value(json_object_get(d, "update_seq")),
			       json_integer_value(json_object_get(d, "bytes")) / 1048576.0);
		}
	}
	json_decref(root);
	return 0;
}

/* Loads DIR/server.key into *k. Returns 0, or 1 after saying why. */
static int
load_server_key(const char *dir, struct serverkey **k)
{
	char kpath[4096];

	snprintf(kpath, sizeof kpath, "%s/server.key", dir);
	if (serverkey_load(k, kpath) == 0)
		return 0;
	fprintf(stderr, "qingfeng-intake: cannot load %s: %s\n", kpath, strerror(errno));
	return 1;
}

/* ---- export ------------------------------------------------------------ */

/*
 * What writing a bundle for district id (a "district" or a "commission")
 * needs: the store and configuration of dir, id configured there, and the
 * server key. Returns 0, or 1 after saying why (what was opened is set, to
 * be closed by the caller).
 */
static int
bundle_open(const char *dir, const char *id, const char *what, struct store **st, struct config *c,
            struct serverkey **k)
{
	if (open_store_cfg(dir, st, c) != 0)
		return 1;
	if (!codec_district_valid(id) || config_district(c, id) == NULL) {
		fprintf(stderr, "qingfeng-intake: no %s \"%s\" in %s/config.json\n", what, id, dir);
		return 1;
	}
	return load_server_key(dir, k);
}

struct export_ctx {
	struct bundle_writer w;
	uint64_t done, total;
	int tty;
	uint8_t prev[32]; /* chain at from - 1 when it is the only entry read */
};

static int
grab_chain(void *ctx, const struct store_entry *e)
{
	memcpy(ctx, e->chain, 32);
	return 0;
}

static int
export_entry(void *arg, const struct store_entry *e)
{
	struct export_ctx *x = arg;
	json_t *o;
	int rc;

	if (e->envelope == NULL) {
		fprintf(stderr, "qingfeng-intake: entry %llu has no envelope (purged)\n",
		        (unsigned long long)e->index);
		return STORE_ERR_CORRUPT;
	}
	o = json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:o}", "index", (json_int_t)e->index, "kind",
	              e->kind == CHAIN_KIND_REPORT ? "report" : "followup", "lookup",
	              codec_b64u_json(e->lookup, 32), "day", e->day, "envelope_hash",
	              codec_b64u_json(e->envelope_hash, 32), "chain", codec_b64u_json(e->chain, 32),
	              "envelope", codec_b64u_json(e->envelope, e->envelope_len));
	if (o != NULL && e->kind == CHAIN_KIND_REPORT)
		json_object_set_new(o, "reply_pk", codec_b64u_json(e->reply_pk, 32));
	if (o == NULL)
		return STORE_ERR_NOMEM;
	rc = bundle_write(&x->w, o);
	json_decref(o);
	if (rc != BUNDLE_OK)
		return STORE_ERR_IO;
	x->done++;
	if (x->tty && (x->done % 64 == 0 || x->done == x->total))
		fprintf(stderr, "\rexporting: %llu/%llu", (unsigned long long)x->done,
		        (unsigned long long)x->total);
	return 0;
}

int
cmd_export(const char *dir, const char *district, const char *out)
{
	char today[CODEC_DAY_LEN + 1];
	struct export_ctx x;
	struct store_district d;
	struct serverkey *k = NULL;
	struct store *st = NULL;
	struct config c;
	uint64_t from, to;
	json_t *hdr;
	FILE *f = NULL;
	int rc, ret = 1;

	if (bundle_open(dir, district, "district", &st, &c, &k) != 0)
		goto out;
	rc = store_district_get(st, district, &d);
	if (rc != STORE_OK) {
		fprintf(stderr, "qingfeng-intake: %s: %s\n", district, store_strerror(rc));
		goto out;
	}
	memset(&x, 0, sizeof x);
	from = d.acked + 1;
	to = d.size;
	if (d.acked > 0 && (rc = store_log_foreach(st, district, d.acked, d.acked, grab_chain,
	                                           x.prev)) != STORE_OK) {
		fprintf(stderr, "qingfeng-intake: cannot read entry %llu: %s\n",
		        (unsigned long long)d.acked, store_strerror(rc));
		goto out;
	}
	f = fileio_create_stream(out, 0600);
	if (f == NULL) {
		fprintf(stderr, "qingfeng-intake: cannot create %s: %s\n", out, strerror(errno));
		goto out;
	}
	server_today(&c, today);
	/* applied_seq: which of the district's updates arrived (§15) */
	hdr = json_pack("{s:s, s:i, s:s, s:o, s:I, s:I, s:o, s:o, s:s, s:I}", "type",
	                BUNDLE_TYPE_EXPORT, "v", 1, "district", district, "server_sign_pk",
	                codec_b64u_json(k->sign_pk, 32), "from", (json_int_t)from, "to",
	                (json_int_t)to, "prev_head", codec_b64u_json(x.prev, 32), "head",
	                codec_b64u_json(d.head, 32), "day", today, "applied_seq",
	                (json_int_t)d.seq);
	bundle_writer_init(&x.w, f);
	x.total = to >= from ? to - from + 1 : 0;
	x.tty = isatty(STDERR_FILENO);
	rc = hdr ? bundle_write(&x.w, hdr) : BUNDLE_ERR_NOMEM;
	json_decref(hdr);
	if (rc == BUNDLE_OK && x.total > 0)
		rc = store_log_foreach(st, district, from, to, export_entry, &x) == STORE_OK
		             ? BUNDLE_OK
		             : BUNDLE_ERR_IO;
	if (x.tty && x.total > 0)
		fputc('\n', stderr);
	if (rc == BUNDLE_OK)
		rc = bundle_writer_finish(&x.w, BUNDLE_SIG_EXPORT, k->sign_sk);
	if (rc != BUNDLE_OK) {
		fprintf(stderr, "qingfeng-intake: writing %s failed\n", out);
		fileio_abandon_stream(f, out);
		f = NULL;
		goto out;
	}
	rc = fileio_finish_stream(f, out);
	f = NULL;
	if (rc != 0) {
		fprintf(stderr, "qingfeng-intake: writing %s failed: %s\n", out, strerror(errno));
		goto out;
	}
	if (x.total > 0 && (rc = store_mark_exported(st, district, to)) != STORE_OK) {
		fprintf(stderr, "qingfeng-intake: exported, but could not record it: %s\n",
		        store_strerror(rc));
		goto out;
	}
	if (x.total == 0)
		printf("nothing new for %s since entry %llu: wrote an empty bundle to %s\n",
		       district, (unsigned long long)d.acked, out);
	else
		printf("exported entries %llu..%llu of %s to %s\n", (unsigned long long)from,
		       (unsigned long long)to, district, out);
	ret = 0;
out:
	serverkey_free(k);
	store_close(st);
	return ret;
}

/* ---- oversight (§16) -------------------------------------------------- */

struct oversight_ctx {
	struct bundle_writer w;
	const char *district;
	uint64_t size; /* entries beyond the header's size are left out */
	uint64_t seq;  /* the last update written: later statements are left out too */
	int rc;        /* the first bundle error */
};

static int
ov_write(struct oversight_ctx *x, json_t *o)
{
	int rc = o != NULL ? bundle_write(&x->w, o) : BUNDLE_ERR_NOMEM;

	json_decref(o);
	if (rc != BUNDLE_OK) {
		x->rc = rc;
		return STORE_ERR_IO;
	}
	return 0;
}

static int
ov_entry(void *arg, const struct store_entry *e)
{
	struct oversight_ctx *x = arg;

	return ov_write(x, json_pack("{s:s, s:I, s:s, s:o, s:s, s:o, s:o}", "district", x->district,
	                             "index", (json_int_t)e->index, "kind",
	                             e->kind == CHAIN_KIND_REPORT ? "report" : "followup", "lookup",
	                             codec_b64u_json(e->lookup, 32), "day", e->day, "envelope_hash",
	                             codec_b64u_json(e->envelope_hash, 32), "chain",
	                             codec_b64u_json(e->chain, 32)));
}

static int
ov_update(void *arg, const struct store_update_rec *u)
{
	struct oversight_ctx *x = arg;

	if (u->acks_through > x->size)
		return 0; /* applied after the snapshot of the header */
	x->seq = u->seq;
	return ov_write(x, json_pack("{s:s, s:I, s:s, s:o, s:I}", "district", x->district,
	                             "applied", (json_int_t)u->seq, "day", u->day, "update_hash",
	                             codec_b64u_json(u->file_hash, 32), "acks_through",
	                             (json_int_t)u->acks_through));
}

static int
ov_statement(void *arg, const uint8_t lookup[32], const struct store_statement *st)
{
	struct oversight_ctx *x = arg;

	if (st->index > x->size || st->seq > x->seq)
		return 0; /* of an update applied after the snapshot (the reader wants its update) */
	return ov_write(x,
	                json_pack("{s:s, s:s, s:o, s:I, s:s, s:s, s:I, s:o, s:I, s:I, s:o}",
	                          "district", x->district, "op", "case", "lookup",
	                          codec_b64u_json(lookup, 32), "index", (json_int_t)st->index,
	                          "status", store_status_name(st->status), "status_day",
	                          st->status_day, "replies", (json_int_t)st->replies,
	                          "replies_hash", codec_b64u_json(st->replies_hash, 32),
	                          "followups_verified", (json_int_t)st->followups_verified, "seq",
	                          (json_int_t)st->seq, "sig", codec_b64u_json(st->sig, 64)));
}

/* Appends id and, depth first, every commission below it to order (at most max). */
static void
ov_order(const struct config *c, const char *id, const char **order, size_t *n, size_t max)
{
	if (*n >= max)
		return;
	order[(*n)++] = config_district(c, id)->id;
	for (size_t i = 0; i < c->ndistricts; i++)
		if (strcmp(c->tiers[i].parent, id) == 0)
			ov_order(c, c->districts[i].id, order, n, max);
}

int
cmd_oversight(const char *dir, const char *under, const char *out)
{
	const char *order[CONFIG_MAX_DISTRICTS];
	struct store_district ds[CONFIG_MAX_DISTRICTS];
	char today[CODEC_DAY_LEN + 1];
	struct oversight_ctx x;
	struct serverkey *k = NULL;
	struct store *st = NULL;
	struct config c;
	size_t n = 0;
	json_t *hdr = NULL, *dl;
	FILE *f = NULL;
	int rc, ret = 1;

	if (bundle_open(dir, under, "commission", &st, &c, &k) != 0)
		goto out;
	ov_order(&c, under, order, &n, CONFIG_MAX_DISTRICTS);
	dl = json_array();
	for (size_t i = 0; dl != NULL && i < n; i++) {
		const struct keyfile_public *pub = config_district(&c, order[i]);
		const struct config_tier *t = config_tier(&c, order[i]);
		json_t *o;

		rc = store_district_get(st, order[i], &ds[i]);
		if (rc != STORE_OK) {
			fprintf(stderr, "qingfeng-intake: %s: %s\n", order[i], store_strerror(rc));
			json_decref(dl);
			goto out;
		}
		o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:I, s:o}", "id", pub->id,
		              "name", pub->name, "level", t->level, "parent",
		              t->parent[0] ? json_string(t->parent) : json_null(), "box_pk",
		              codec_b64u_json(pub->box_pk, 32), "sign_pk",
		              codec_b64u_json(pub->sign_pk, 32), "fingerprint", pub->fingerprint,
		              "size", (json_int_t)ds[i].size, "head",
		              codec_b64u_json(ds[i].head, 32));
		if (o == NULL || json_array_append_new(dl, o) != 0) {
			json_decref(dl);
			dl = NULL;
		}
	}
	server_today(&c, today);
	hdr = dl == NULL ? NULL
	                 : json_pack("{s:s, s:i, s:o, s:s, s:o}", "type", BUNDLE_TYPE_OVERSIGHT,
	                             "v", 1, "server_sign_pk", codec_b64u_json(k->sign_pk, 32),
	                             "day", today, "districts", dl);
	if (hdr == NULL) {
		fprintf(stderr, "qingfeng-intake: out of memory\n");
		goto out;
	}
	f = fileio_create_stream(out, 0600);
	if (f == NULL) {
		fprintf(stderr, "qingfeng-intake: cannot create %s: %s\n", out, strerror(errno));
		goto out;
	}
	memset(&x, 0, sizeof x);
	bundle_writer_init(&x.w, f);
	rc = bundle_write(&x.w, hdr);
	/* per commission, in header order: its chain, its applied updates, its statements */
	for (size_t i = 0; rc == BUNDLE_OK && i < n; i++) {
		x.district = order[i];
		x.size = ds[i].size;
		x.seq = 0;
		if ((ds[i].size > 0 &&
		     store_log_foreach(st, order[i], 1, ds[i].size, ov_entry, &x) != STORE_OK) ||
		    store_updates_foreach(st, order[i], ov_update, &x) != STORE_OK ||
		    store_statements_foreach(st, order[i], ov_statement, &x) != STORE_OK)
			rc = x.rc != BUNDLE_OK ? x.rc : BUNDLE_ERR_IO;
	}
	if (rc == BUNDLE_OK)
		rc = bundle_writer_finish(&x.w, BUNDLE_SIG_OVERSIGHT, k->sign_sk);
	if (rc != BUNDLE_OK) {
		fprintf(stderr, "qingfeng-intake: writing %s failed\n", out);
		fileio_abandon_stream(f, out);
		goto out;
	}
	if (fileio_finish_stream(f, out) != 0) {
		fprintf(stderr, "qingfeng-intake: writing %s failed: %s\n", out, strerror(errno));
		goto out;
	}
	printf("oversight bundle for %s and %zu commission(s) below it written to %s\n", under,
	       n - 1, out);
	ret = 0;
out:
	json_decref(hdr);
	serverkey_free(k);
	store_close(st);
	return ret;
}

/* ---- import ------------------------------------------------------------ */

static void
free_ops(struct store_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)(uintptr_t)ops[i].envelope);
	free(ops);
}

/*
 * Reads a case statement entry (§15) into op; its seq is the update's. The
 * signature is checked later, with the district's key. Returns 0, or -1.
 */
static int
parse_case(const json_t *o, struct store_op *op, uint64_t seq)
{
	struct store_statement *st = &op->st;
	const char *day = json_string_value(json_object_get(o, "status_day"));

	op->kind = STORE_OP_CASE;
	st->seq = seq;
	st->status = store_status_parse(json_string_value(json_object_get(o, "status")));
	if (st->status < 0 || !codec_day_valid(day) ||
	    codec_json_count(o, "index", &st->index) != 0 || st->index == 0 ||
	    codec_json_count(o, "replies", &st->replies) != 0 ||
	    codec_json_count(o, "followups_verified", &st->followups_verified) != 0 ||
	    codec_b64u_decode_exact(st->replies_hash, 32,
	                            json_string_value(json_object_get(o, "replies_hash"))) != 0 ||
	    codec_b64u_decode_exact(st->sig, 64, json_string_value(json_object_get(o, "sig"))) != 0)
		return -1;
	memcpy(st->status_day, day, CODEC_DAY_LEN + 1);
	return 0;
}

/* The applied update with a given seq, if the store recorded one. */
struct seen_update {
	uint64_t seq;
	int found;
	struct store_update_rec rec;
};

/* store_updates_foreach callback: keeps the update with c->seq (the walk goes
 * on: a non-zero return would come back as an error). Cannot fail. */
static int
find_update(void *ctx, const struct store_update_rec *u)
{
	struct seen_update *c = ctx;

	if (u->seq == c->seq) {
		c->rec = *u;
		c->found = 1;
	}
	return 0;
}

/* Hashes a whole file (H256) and rewinds it. Returns 0, or -1 with errno set. */
static int
hash_file(FILE *f, uint8_t out[32])
{
	crypto_generichash_state h;
	uint8_t buf[65536];
	size_t n;

	crypto_generichash_init(&h, NULL, 0, 32);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		crypto_generichash_update(&h, buf, n);
	crypto_generichash_final(&h, out, 32);
	if (ferror(f))
		return -1;
	rewind(f);
	return 0;
}

static int
parse_op(const json_t *o, struct store_op *op, size_t max_env, uint64_t seq)
{
	const char *kind = json_string_value(json_object_get(o, "op"));

	memset(op, 0, sizeof *op);
	if (kind == NULL ||
	    codec_b64u_decode_exact(op->lookup, 32,
	                            json_string_value(json_object_get(o, "lookup"))) != 0)
		return -1;
	if (strcmp(kind, "case") == 0)
		return parse_case(o, op, seq);
	if (strcmp(kind, "status") == 0) {
		op->kind = STORE_OP_STATUS;
		op->status = store_status_parse(json_string_value(json_object_get(o, "status")));
		return op->status < 0 ? -1 : 0;
	}
	if (strcmp(kind, "reply") == 0) {
		const char *t = json_string_value(json_object_get(o, "envelope"));
		size_t tl, cap, len;
		uint8_t *env;

		if (t == NULL)
			return -1;
		tl = strlen(t);
		cap = tl / 4 * 3 + 3;
		if (cap > max_env + 3)
			return -1;
		env = malloc(cap);
		if (env == NULL || codec_b64u_decode(env, cap, &len, t, tl) != 0 || len > max_env ||
		    !api_envelope_plausible(env, len)) {
			free(env);
			return -1;
		}
		op->kind = STORE_OP_REPLY;
		op->envelope = env;
		op->envelope_len = len;
		return 0;
	}
	return -1;
}

int
cmd_import(const char *dir, const char *file)
{
	struct bundle_reader r;
	struct store_update u;
	struct store *st = NULL;
	struct store_op *ops = NULL;
	size_t nops = 0, cap = 0, bad = 0;
	const struct keyfile_public *pub;
	struct config c;
	char district[CODEC_DISTRICT_BUF], today[CODEC_DAY_LEN + 1];
	json_t *o, *hdr = NULL;
	json_int_t seq, acks;
	FILE *f = NULL;
	int rc, ret = 1;

	memset(&r, 0, sizeof r);
	memset(&u, 0, sizeof u);
	if (open_store_cfg(dir, &st, &c) != 0)
		return 1;
	f = fopen(file, "re");
	if (f == NULL) {
		fprintf(stderr, "qingfeng-intake: cannot open %s: %s\n", file, strerror(errno));
		goto out;
	}
	if (hash_file(f, u.file_hash) != 0) {
		fprintf(stderr, "qingfeng-intake: cannot read %s: %s\n", file, strerror(errno));
		goto out;
	}
	bundle_reader_init(&r, f, (size_t)(c.max_envelope_bytes / 3 * 4 + 8192));
	rc = bundle_read(&r, &hdr);
	if (rc != BUNDLE_OK) {
		fprintf(stderr, "qingfeng-intake: %s: %s\n", file, bundle_strerror(rc));
		goto out;
	}
	{
		const char *type = json_string_value(json_object_get(hdr, "type"));
		const char *d = json_string_value(json_object_get(hdr, "district"));
		const char *h = json_string_value(json_object_get(hdr, "head"));

		seq = json_integer_value(json_object_get(hdr, "seq"));
		acks = json_integer_value(json_object_get(hdr, "acks_through"));
		if (type == NULL || strcmp(type, BUNDLE_TYPE_UPDATE) != 0 ||
		    json_integer_value(json_object_get(hdr, "v")) != 1 ||
		    !codec_district_valid(d) || seq < 1 || acks < 0 ||
		    codec_b64u_decode_exact(u.head, 32, h) != 0) {
			fprintf(stderr,
			        "qingfeng-intake: %s: not a qingfeng-update bundle "
			        "(bad header)\n",
			        file);
			goto out;
		}
		snprintf(district, sizeof district, "%s", d);
	}
	pub = config_district(&c, district);
	if (pub == NULL) {
		fprintf(stderr,
		        "qingfeng-intake: %s is for district %s, which this server "
		        "does not serve\n",
		        file, district);
		goto out;
	}
	while ((rc = bundle_read(&r, &o)) == BUNDLE_OK) {
		if (nops == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct store_op *n = realloc(ops, ncap * sizeof *ops);

			if (n == NULL) {
				json_decref(o);
				rc = BUNDLE_ERR_NOMEM;
				break;
			}
			ops = n;
			cap = ncap;
		}
		if (parse_op(o, &ops[nops], (size_t)c.max_envelope_bytes, (uint64_t)seq) != 0) {
			json_decref(o);
			fprintf(stderr, "qingfeng-intake: %s: line %llu is not a valid operation\n",
			        file, (unsigned long long)r.line_no);
			goto out;
		}
		nops++;
		json_decref(o);
	}
	if (rc != BUNDLE_END) {
		fprintf(stderr, "qingfeng-intake: %s: %s\n", file, bundle_strerror(rc));
		goto out;
	}
	if (bundle_reader_verify(&r, BUNDLE_SIG_UPDATE, pub->sign_pk) != BUNDLE_OK) {
		fprintf(stderr,
		        "qingfeng-intake: %s: REFUSED: the signature does not verify with "
		        "district %s's key (forged or altered update)\n",
		        file, district);
		goto out;
	}
	server_today(&c, today);
	u.district = district;
	u.seq = (uint64_t)seq;
	u.acks_through = (uint64_t)acks;
	u.day = today;
	u.ops = ops;
	u.nops = nops;
	u.purge = c.purge_acked;
	memcpy(u.sign_pk, pub->sign_pk, 32);
	rc = store_apply_update(st, &u, &bad);
	switch (rc) {
	case STORE_OK:
		printf("applied update %lld for %s: %zu operation(s); district has verified "
		       "entries 1..%lld\n",
		       (long long)seq, district, nops, (long long)acks);
		ret = 0;
		/* LMDB frees the purged envelopes' pages without wiping them (issue 21) */
		if (u.purge && (rc = store_wipe_free(st)) != STORE_OK)
			fprintf(stderr,
			        "qingfeng-intake: warning: the purged ciphertext is deleted, but "
			        "not yet overwritten in data.mdb (%s); the next import overwrites "
			        "it. Do not copy data.mdb off the server until then.\n",
			        store_strerror(rc));
		break;
	case STORE_ERR_SEQ: {
		struct seen_update seen = {.seq = (uint64_t)seq};

		if (store_updates_foreach(st, district, find_update, &seen) < 0)
			seen.found = 0; /* unreadable: say what is sure */
		if (seen.found && sodium_memcmp(seen.rec.file_hash, u.file_hash, 32) == 0) {
			/* the same file again: a slip, not an attack (issue 17) */
			printf("update %lld for %s was already applied on %s (this same file): "
			       "nothing to do, nothing changed. Importing an update twice is "
			       "harmless.\n",
			       (long long)seq, district, seen.rec.day);
			ret = 0;
		} else if (seen.found) {
			fprintf(stderr,
			        "qingfeng-intake: REFUSED, POSSIBLE TAMPERING: update %lld was "
			        "applied "
			        "on %s, and this file, though signed by district %s, is not that "
			        "update. Nothing was applied. Tell the district.\n",
			        (long long)seq, seen.rec.day, district);
		} else {
			fprintf(stderr,
			        "qingfeng-intake: REFUSED: update %lld is older than the last "
			        "update "
			        "applied for %s, and was never applied here (an update was "
			        "skipped). "
			        "Nothing was applied: ask the district for a new update, which "
			        "carries everything this one did.\n",
			        (long long)seq, district);
		}
		break;
	}
	case STORE_ERR_ACKS:
		fprintf(stderr,
		        "qingfeng-intake: REFUSED: the update acknowledges entries up "
		        "to %lld, more than this server exported\n",
		        (long long)acks);
		break;
	case STORE_ERR_HEAD:
		fprintf(stderr,
		        "qingfeng-intake: REFUSED, POSSIBLE TAMPERING: the district verified a "
		        "chain head at entry %lld that differs from this server's chain. An "
		        "export was altered on its way to the district, or this store was. "
		        "Nothing was applied. Tell the district and run qingfeng-intake check.\n",
		        (long long)acks);
		break;
	case STORE_ERR_NOT_FOUND:
		fprintf(stderr,
		        "qingfeng-intake: REFUSED: operation %zu names a case that is "
		        "not one of district %s\n",
		        bad + 1, district);
		break;
	case STORE_ERR_STATEMENT:
		fprintf(stderr,
		        "qingfeng-intake: REFUSED: the district's case statement (operation %zu) "
		        "does not verify with the district's key, or does not match what this "
		        "server holds for that case (its report index, status, replies or "
		        "follow-ups). Nothing was applied. If an earlier "
		        "update was never imported, import that one first, or ask the district "
		        "for a new update: its next ingest shows which updates arrived.\n",
		        bad + 1);
		break;
	default:
		fprintf(stderr, "qingfeng-intake: REFUSED: %s\n", store_strerror(rc));
		break;
	}
out:
	json_decref(hdr);
	free_ops(ops, nops);
	bundle_reader_free(&r);
	if (f)
		fclose(f);
	store_close(st);
	return ret;
}
