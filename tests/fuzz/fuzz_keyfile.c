/*
 * fuzz_keyfile: the key files (crypto/keyfile.h, crypto/serverkey.h). The
 * input is written to a file and read as a district public key object
 * (district.pub.json, also as the server sees it in `district add` and
 * config.json), as the public part of a district secret file, unlocked as
 * district.key with the vectors' passphrase, and loaded as a server.key.
 * Argon2id limits above 4 passes or 1 MiB are lowered to the minimum before
 * unlocking (the cap the file format enforces, 32 passes over 4 GiB, is far
 * beyond a fuzzer's time budget); the seeds use the minimum so that unlocking
 * succeeds and the fuzzer reaches the key checks behind it.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/keyfile.h"
#include "crypto/serverkey.h"
#include "tests/fuzz/fuzz.h"

#define PASS "正确 horse battery"

static char path[600];

/* A district.key for d01 with the smallest Argon2id cost, so that it opens quickly. */
static char *
cheap_secret_file(void)
{
	const struct keyfile_secret *k = fz_d01();
	uint8_t salt[crypto_pwhash_argon2id_SALTBYTES] = {1, 2, 3};
	uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = {4, 5, 6};
	uint8_t key[32], plain[96], ct[96 + crypto_aead_xchacha20poly1305_ietf_ABYTES];
	const char *ad = "qingfeng-district-secret-v1:d01";
	char s_salt[CODEC_B64U_BUF(sizeof salt)], s_nonce[CODEC_B64U_BUF(sizeof nonce)];
	char s_ct[CODEC_B64U_BUF(sizeof ct)], s_box[CODEC_B64U_BUF(32)], s_sign[CODEC_B64U_BUF(32)];
	unsigned long long ctlen;
	json_t *j;
	char *text;

	if (crypto_pwhash(key, sizeof key, PASS, strlen(PASS), salt,
	                  crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN,
	                  crypto_pwhash_ALG_ARGON2ID13) != 0)
		fz_die("argon2id");
	memcpy(plain, k->box_sk, 32);
	memcpy(plain + 32, k->sign_sk, 64);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	        ct, &ctlen, plain, sizeof plain, (const uint8_t *)ad, strlen(ad), NULL, nonce, key);
	codec_b64u_encode(s_salt, sizeof s_salt, salt, sizeof salt);
	codec_b64u_encode(s_nonce, sizeof s_nonce, nonce, sizeof nonce);
	codec_b64u_encode(s_ct, sizeof s_ct, ct, sizeof ct);
	codec_b64u_encode(s_box, sizeof s_box, k->pub.box_pk, 32);
	codec_b64u_encode(s_sign, sizeof s_sign, k->pub.sign_pk, 32);
	j = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:{s:s, s:I, s:I, s:s}, s:s, s:s}", "type",
	              "qingfeng-district-secret", "v", 1, "id", "d01", "name", k->pub.name,
	              "box_pk", s_box, "sign_pk", s_sign, "kdf", "alg", "argon2id13", "opslimit",
	              (json_int_t)crypto_pwhash_argon2id_OPSLIMIT_MIN, "memlimit",
	              (json_int_t)crypto_pwhash_argon2id_MEMLIMIT_MIN, "salt", s_salt, "nonce",
	              s_nonce, "ciphertext", s_ct);
	text = j ? json_dumps(j, JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (text == NULL)
		fz_die("json");
	return text;
}

static void
make_seeds(void)
{
	char *secret = cheap_secret_file();
	char sk[CODEC_B64U_BUF(64)], pk[CODEC_B64U_BUF(32)], pow[CODEC_B64U_BUF(32)];
	char server[512];
	uint8_t b[64];

	fz_seed_text("district-pub", FZ_D01_PUB_JSON);
	fz_seed_text("district-pub-no-fingerprint",
	             "{\"type\":\"qingfeng-district-public\",\"v\":1,\"id\":\"d02\",\"name\":\"x\","
	             "\"box_pk\":\"jiQO9G9GSUIK4rsBr01ssTufiUMwECV75LZlx8vAnJc\",\"sign_pk\":"
	             "\"vK7PCZDaqkzvx-FoHxV1WVp1D-AY1mpN_4NFwI5vPhE\"}");
	fz_seed_text("district-secret-cheap", secret);
	fz_b64u(b, 64, FZ_SERVER_SIGN_SK);
	codec_b64u_encode(sk, sizeof sk, b, 64);
	fz_b64u(b, 32, FZ_SERVER_SIGN_PK);
	codec_b64u_encode(pk, sizeof pk, b, 32);
	fz_b64u(b, 32, FZ_POW_KEY);
	codec_b64u_encode(pow, sizeof pow, b, 32);
	snprintf(server, sizeof server,
	         "{\"type\":\"qingfeng-server-secret\",\"v\":1,\"sign_pk\":\"%s\",\"sign_sk\":"
	         "\"%s\",\"pow_key\":\"%s\"}",
	         pk, sk, pow);
	fz_seed_text("server-key", server);
	free(secret);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	if (fz_seed_dir() != NULL) {
		make_seeds();
		exit(0);
	}
	snprintf(path, sizeof path, "%s/key.json", fz_tmpdir("keyfile"));
	return 0;
}

/* Lowers the KDF cost of a secret key object to what a fuzzer can afford. */
static void
cap_kdf(json_t *j)
{
	json_t *kdf = json_object_get(j, "kdf");
	json_t *ops = json_object_get(kdf, "opslimit");
	json_t *mem = json_object_get(kdf, "memlimit");

	if (json_is_integer(ops) && json_integer_value(ops) > 4)
		json_object_set_new(kdf, "opslimit",
		                    json_integer(crypto_pwhash_argon2id_OPSLIMIT_MIN));
	if (json_is_integer(mem) && json_integer_value(mem) > (1 << 20))
		json_object_set_new(kdf, "memlimit",
		                    json_integer(crypto_pwhash_argon2id_MEMLIMIT_MIN));
}

static void
check_public(const struct keyfile_public *p)
{
	struct keyfile_public again;
	char fp[KEYFILE_FINGERPRINT_BUF];
	json_t *j;

	if (!codec_district_valid(p->id) ||
	    keyfile_fingerprint(fp, p->id, p->box_pk, p->sign_pk) != 0 ||
	    strcmp(fp, p->fingerprint) != 0)
		abort();
	j = keyfile_public_to_json(p);
	if (j == NULL || keyfile_public_from_json(&again, j) != KEYFILE_OK ||
	    memcmp(&again, p, sizeof again) != 0)
		fz_fail("what was accepted writes back to the same keys");
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keyfile_public pub;
	struct keyfile_secret *sec = NULL;
	struct serverkey *sk = NULL;
	json_error_t err;
	json_t *j;

	if (fz_write_file(path, data, size) != 0)
		abort();
	memset(&pub, 0, sizeof pub);
	if (keyfile_load_public(&pub, path) == KEYFILE_OK)
		check_public(&pub);
	if (serverkey_load(&sk, path) == 0) {
		uint8_t seed[32], pk[32], sk2[64];

		crypto_sign_ed25519_sk_to_seed(seed, sk->sign_sk);
		crypto_sign_seed_keypair(pk, sk2, seed);
		if (memcmp(pk, sk->sign_pk, 32) != 0)
			abort();
		serverkey_free(sk);
	} else if (sk != NULL) {
		abort();
	}
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (j != NULL) {
		if (keyfile_public_from_json(&pub, j) == KEYFILE_OK)
			check_public(&pub);
		cap_kdf(j);
		if (keyfile_unlock_json(&sec, j, PASS, strlen(PASS)) == KEYFILE_OK) {
			uint8_t box_pk[32];

			check_public(&sec->pub);
			crypto_scalarmult_base(box_pk, sec->box_sk);
			if (memcmp(box_pk, sec->pub.box_pk, 32) != 0)
				abort();
			keyfile_secret_free(sec);
		} else if (sec != NULL) {
			abort();
		}
		json_decref(j);
	}
	return 0;
}
