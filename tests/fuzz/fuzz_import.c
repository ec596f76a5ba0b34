/*
 * fuzz_import: `qingfeng-intake import` (intake/cmd.c cmd_import), the
 * server's reader of update bundles (.qfu) from the offline machine, over a
 * data directory holding four exported reports and a follow-up. The input
 * is the bundle; one starting with "R\n" is first signed over the rest with
 * district d01's key (as the district's offline tool would), so that the
 * fuzzer reaches everything behind the signature: seq, acks_through, head,
 * the operations and the one transaction that applies them. The store is
 * restored before every run. Whatever the bundle, afterwards the store
 * passes store_check, and a refused bundle changed nothing.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "intake/cmd.h"
#include "intake/config.h"
#include "store/store.h"
#include "tests/fuzz/fuzz.h"

#define NREPORTS 4

static const char *data;
static char tpl[800], live[800], in_path[800], db[800];
static struct store_district before;

static void
no_purge(struct config *c)
{
	c->purge_acked = 0; /* keep the envelopes: purging is tested by the seeds' R variants */
	c->max_envelope_bytes = 65536;
}

static int
grab_chain(void *ctx, const struct store_entry *e)
{
	uint8_t(*chains)[32] = ctx;

	memcpy(chains[e->index], e->chain, 32);
	return 0;
}

static void
b64(char *out, size_t outsz, const uint8_t *b, size_t n)
{
	if (codec_b64u_encode(out, outsz, b, n) != 0)
		fz_die("b64u");
}

/* Writes one update seed: "R\n" + lines when resign, else signed lines. */
static void
seed_update(const char *name, uint64_t seq, uint64_t acks, const uint8_t head[32], int ops,
            int resign)
{
	char *buf = NULL, hb[CODEC_B64U_BUF(32)], lb[CODEC_B64U_BUF(32)];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct bundle_writer w;
	json_t *o;

	if (f == NULL)
		fz_die("open_memstream");
	if (resign)
		fputs("R\n", f);
	bundle_writer_init(&w, f);
	b64(hb, sizeof hb, head, 32);
	o = json_pack("{s:s, s:i, s:s, s:I, s:I, s:s, s:s}", "type", BUNDLE_TYPE_UPDATE, "v", 1,
	              "district", "d01", "seq", (json_int_t)seq, "acks_through", (json_int_t)acks,
	              "head", hb, "day", "2026-02-01");
	bundle_write(&w, o);
	json_decref(o);
	if (ops & 1) {
		uint8_t lookup[32];

		fz_case_keys(1, lookup, NULL, NULL, NULL, NULL);
		b64(lb, sizeof lb, lookup, 32);
		o = json_pack("{s:s, s:s, s:s}", "op", "status", "lookup", lb, "status",
		              "accepted");
		bundle_write(&w, o);
		json_decref(o);
	}
	if (ops & 2) {
		uint8_t lookup[32], rpk[32], *env = NULL;
		size_t envlen = 0;
		char man[256], *eb;

		fz_case_keys(2, lookup, NULL, NULL, rpk, NULL);
		b64(lb, sizeof lb, lookup, 32);
		snprintf(man, sizeof man,
		         "{\"v\":1,\"kind\":\"reply\",\"district\":\"d01\",\"lookup\":\"%s\","
		         "\"status\":\"in_progress\",\"body\":\"ok\",\"attachments\":[]}",
		         lb);
		if (envelope_seal_buffer(&env, &envlen, rpk, man, strlen(man), NULL, 0) !=
		    ENVELOPE_OK)
			fz_die("seal");
		eb = codec_b64u_encode_alloc(env, envlen);
		o = json_pack("{s:s, s:s, s:s}", "op", "reply", "lookup", lb, "envelope", eb);
		bundle_write(&w, o);
		json_decref(o);
		free(eb);
		free(env);
	}
	if (!resign)
		bundle_writer_finish(&w, BUNDLE_SIG_UPDATE, fz_d01()->sign_sk);
	fclose(f);
	fz_seed(name, buf, len);
	free(buf);
}

static void
make_seeds(void)
{
	uint8_t chains[NREPORTS + 2][32];
	struct store *st = NULL;

	memset(chains, 0, sizeof chains);
	if (store_open(&st, db, NULL) != STORE_OK ||
	    store_log_foreach(st, "d01", 1, NREPORTS + 1, grab_chain, chains) != STORE_OK)
		fz_die("store");
	store_close(st);
	seed_update("signed-ack-all", 1, NREPORTS + 1, chains[NREPORTS + 1], 3, 0);
	seed_update("signed-ack-none", 1, 0, chains[0], 1, 0);
	seed_update("resign-ack-2", 1, 2, chains[2], 3, 1);
	seed_update("resign-ack-1-reply", 5, 1, chains[1], 2, 1);
	seed_update("resign-wrong-head", 1, 3, chains[2], 1, 1);
	seed_update("resign-too-many-acks", 1, NREPORTS + 2, chains[NREPORTS + 1], 0, 1);
	seed_update("resign-seq-0", 0, 1, chains[1], 1, 1);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct store *st = NULL;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	data = fz_data_dir("import", NREPORTS, no_purge);
	snprintf(db, sizeof db, "%s/db", data);
	snprintf(live, sizeof live, "%s/db/data.mdb", data);
	snprintf(tpl, sizeof tpl, "%s/template.mdb", data);
	snprintf(in_path, sizeof in_path, "%s/in.qfu", data);
	if (fz_seed_dir() != NULL) {
		make_seeds();
		exit(0);
	}
	if (fz_copy_file(live, tpl) != 0 || store_open(&st, db, NULL) != STORE_OK ||
	    store_district_get(st, "d01", &before) != STORE_OK)
		fz_die("template");
	store_close(st);
	return 0;
}

static void
check_store(int applied)
{
	struct store_district after;
	struct store *st = NULL;

	if (store_open(&st, db, NULL) != STORE_OK)
		abort();
	if (store_check(st, fz_ignore, NULL) != STORE_OK)
		fz_fail("an import left the store inconsistent");
	if (store_district_get(st, "d01", &after) != STORE_OK)
		abort();
	if (!applied &&
	    (after.seq != before.seq || after.acked != before.acked || after.size != before.size ||
	     after.bytes != before.bytes || memcmp(after.head, before.head, 32) != 0))
		fz_fail("a refused update changed the store");
	if (applied && (after.seq <= before.seq || after.size != before.size))
		abort();
	store_close(st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	int rc;

	if (fz_copy_file(tpl, live) != 0)
		abort();
	if (size >= 2 && in[0] == 'R' && in[1] == '\n') {
		struct sign_bundle h;
		uint8_t sig[64];
		char b[CODEC_B64U_BUF(64)], *buf = malloc(size + 128);
		size_t body = size - 2;

		if (buf == NULL)
			abort();
		memcpy(buf, in + 2, body);
		if (body == 0 || buf[body - 1] != '\n')
			buf[body++] = '\n';
		sign_bundle_init(&h);
		sign_bundle_update(&h, buf, body);
		if (sign_bundle_final_sign(&h, sig, BUNDLE_SIG_UPDATE, fz_d01()->sign_sk) != 0)
			abort();
		b64(b, sizeof b, sig, sizeof sig);
		body += (size_t)snprintf(buf + body, 128, "{\"sig\":\"%s\"}\n", b);
		rc = fz_write_file(in_path, buf, body);
		free(buf);
	} else {
		rc = fz_write_file(in_path, in, size);
	}
	if (rc != 0)
		abort();
	rc = cmd_import(data, in_path); /* chatty: run with -close_fd_mask=3 */
	check_store(rc == 0);
	return 0;
}
