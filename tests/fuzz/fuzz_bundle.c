/*
 * fuzz_bundle: the signed JSON Lines reader under both bundle kinds
 * (crypto/bundle.h). The input is a bundle, read with a 4 KiB line limit
 * and verified as an export (server key of the chain vector) and as an
 * update (district d01). An input starting with "R\n" is first re-signed
 * (as an export) over the rest, as a key holder would: then a read that
 * reaches the signature line must verify, so the reader hashes exactly the
 * bytes the writer signed. Every line read is written back with the writer
 * and must read back equal.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bundle.h"
#include "crypto/codec.h"
#include "tests/fuzz/fuzz.h"

static uint8_t server_pk[32], server_sk[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	fz_b64u(server_pk, 32, FZ_SERVER_SIGN_PK);
	fz_b64u(server_sk, 64, FZ_SERVER_SIGN_SK);
	fz_d01();
	if (fz_seed_dir() != NULL) {
		fz_seed_text(
		        "update-vector",
		        "{\"type\":\"qingfeng-update\",\"v\":1,\"district\":\"d01\",\"seq\":3,"
		        "\"acks_through\":2,\"head\":"
		        "\"sh7xFcjU6l2AYeBTluFXpT9ktjzS8iKLQ5Ga6C6Mel8\","
		        "\"day\":\"2026-11-28\"}\n{\"op\":\"status\",\"lookup\":"
		        "\"YTsyV7a7pVzJWFmQS6XULaGw5kIpHzJ3S2n4lyQcewg\",\"status\":\"accepted\"}\n"
		        "{\"sig\": \"kjWUPWlMWl9nZqUmCuDuh0-UeMjWFaci-mP0e297o3HQZT-8wsuXSoBu0MAp6k"
		        "GeNvZqZ93JDBgXcnD2krSDCA\"}\n");
		fz_seed_text("resign-export", "R\n{\"type\":\"qingfeng-export\",\"v\":1,"
		                              "\"district\":\"d01\"}\n{\"index\":1}\n");
		fz_seed_text("sig-only", "{\"sig\":\"AAAA\"}\n");
		fz_seed_text("bytes-after-sig",
		             "{\"a\":1}\n{\"sig\":\"kjWUPWlMWl9nZqUmCuDuh0-UeMjWFaci-m"
		             "P0e297o3HQZT-8wsuXSoBu0MAp6kGeNvZqZ93JDBgXcnD2krSDCA\"}\nx");
		exit(0);
	}
	return 0;
}

/* Writes obj with the bundle writer and reads it back: it must be equal. */
static void
round_trip(const json_t *obj)
{
	struct bundle_writer w;
	struct bundle_reader r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *back = NULL;

	if (f == NULL)
		abort();
	bundle_writer_init(&w, f);
	if (bundle_write(&w, obj) != BUNDLE_OK ||
	    bundle_writer_finish(&w, BUNDLE_SIG_EXPORT, server_sk) != BUNDLE_OK)
		abort();
	fclose(f);
	f = fmemopen(buf, len, "r");
	if (f == NULL)
		abort();
	bundle_reader_init(&r, f, len + 16);
	/* a lone "sig" object is read as a signature line; everything else comes back */
	if (json_object_size(obj) == 1 && json_is_string(json_object_get(obj, "sig"))) {
		bundle_reader_free(&r);
		fclose(f);
		free(buf);
		return;
	}
	if (bundle_read(&r, &back) != BUNDLE_OK || !json_equal(back, (json_t *)(uintptr_t)obj))
		abort();
	json_decref(back);
	if (bundle_read(&r, &back) != BUNDLE_END ||
	    bundle_reader_verify(&r, BUNDLE_SIG_EXPORT, server_pk) != BUNDLE_OK)
		abort();
	bundle_reader_free(&r);
	fclose(f);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_reader r;
	uint8_t *buf = NULL;
	size_t len = size;
	int resigned = 0, rc, lines = 0;
	json_t *obj;
	FILE *f;

	if (size >= 2 && data[0] == 'R' && data[1] == '\n') {
		struct sign_bundle h;
		uint8_t sig[64];
		char b64[CODEC_B64U_BUF(64)];
		size_t body = size - 2;

		buf = malloc(body + 1 + 128);
		if (buf == NULL)
			abort();
		memcpy(buf, data + 2, body);
		if (body == 0 || buf[body - 1] != '\n')
			buf[body++] = '\n';
		sign_bundle_init(&h);
		sign_bundle_update(&h, buf, body);
		if (sign_bundle_final_sign(&h, sig, BUNDLE_SIG_EXPORT, server_sk) != 0)
			abort();
		codec_b64u_encode(b64, sizeof b64, sig, sizeof sig);
		len = body + (size_t)snprintf((char *)buf + body, 128, "{\"sig\":\"%s\"}\n", b64);
		resigned = 1;
	}
	f = fmemopen(buf != NULL ? (void *)buf : (void *)(uintptr_t)data, len ? len : 1, "r");
	if (f == NULL)
		abort();
	if (len == 0) {
		fclose(f);
		return 0;
	}
	bundle_reader_init(&r, f, 4096);
	while ((rc = bundle_read(&r, &obj)) == BUNDLE_OK) {
		if (!json_is_object(obj))
			abort();
		if (lines++ < 4)
			round_trip(obj);
		json_decref(obj);
	}
	if (rc == BUNDLE_END) {
		int ex = bundle_reader_verify(&r, BUNDLE_SIG_EXPORT, server_pk);
		int up = bundle_reader_verify(&r, BUNDLE_SIG_UPDATE, fz_d01()->pub.sign_pk);

		if (resigned && ex != BUNDLE_OK)
			fz_fail("the reader hashed other bytes than the signer");
		if (ex == BUNDLE_OK && up == BUNDLE_OK)
			fz_fail("one signature cannot be both");
		if (bundle_read(&r, &obj) != BUNDLE_ERR_FORMAT)
			fz_fail("nothing after the end");
	} else if (rc != BUNDLE_ERR_FORMAT && rc != BUNDLE_ERR_NOMEM) {
		abort();
	}
	if (bundle_reader_verify(&r, BUNDLE_SIG_EXPORT, server_pk) == BUNDLE_OK && rc != BUNDLE_END)
		abort();
	bundle_reader_free(&r);
	fclose(f);
	free(buf);
	return 0;
}
