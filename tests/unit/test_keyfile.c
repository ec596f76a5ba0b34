/*
 * Unit tests for crypto/keyfile and crypto/serverkey: the keys.json vector,
 * file round trips, refusing to overwrite or follow symlinks, file modes,
 * and every malformed or altered key file. The Argon2id work dominates the
 * run time, so only a handful of tests derive a key (interactive limits).
 */
#include "tests/unit/cm.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/keyfile.h"
#include "crypto/serverkey.h"
#include "tests/unit/testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static char *
path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* The whole file as a NUL-terminated malloc'd string, or NULL if it cannot be read. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = calloc(1, 1 << 20);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
spit(const char *path, const char *text, size_t len)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
spit_json(const char *path, const json_t *j)
{
	char *text = json_dumps(j, JSON_ENCODE_ANY);

	assert_non_null(text);
	spit(path, text, strlen(text));
	free(text);
}

static mode_t
current_umask(void)
{
	mode_t m = umask(022);

	umask(m);
	return m;
}

static json_t *
vector_secret(json_t *keys)
{
	json_t *s = json_deep_copy(json_object_get(keys, "secret_file"));

	assert_non_null(s);
	return s;
}

/*
 * Sets member key of obj ("kdf.x" reaches into "kdf") to the JSON text
 * value, or removes it when value is NULL.
 */
static void
mutate(json_t *obj, const char *key, const char *value)
{
	const char *dot = strchr(key, '.');
	json_t *v;
	json_error_t err;

	if (dot != NULL) {
		char head[32];

		snprintf(head, sizeof head, "%.*s", (int)(dot - key), key);
		obj = json_object_get(obj, head);
		assert_non_null(obj);
		key = dot + 1;
	}
	if (value == NULL) {
		json_object_del(obj, key);
		return;
	}
	v = json_loads(value, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (v == NULL)
		fail_msg("bad test value %s: %s", value, err.text);
	assert_int_equal(json_object_set_new(obj, key, v), 0);
}

/* A b64u JSON string of n random bytes. */
static char *
b64u_of_len(size_t n)
{
	uint8_t buf[200];
	char txt[CODEC_B64U_BUF(200)];
	char *s = malloc(sizeof txt + 2);

	assert_true(n <= sizeof buf);
	assert_non_null(s);
	randombytes_buf(buf, n);
	codec_b64u_encode(txt, sizeof txt, buf, n);
	sprintf(s, "\"%s\"", txt);
	return s;
}

/* ---- fingerprints and the public object ----------------------------------- */

static void
test_fingerprints(void **state)
{
	json_t *keys = testutil_vector("keys.json");
	json_t *pub = json_object_get(keys, "public");
	json_t *more = json_object_get(keys, "more_fingerprints");
	char fp[KEYFILE_FINGERPRINT_BUF];
	uint8_t box[32], sign[32];
	size_t i;
	json_t *m;

	(void)state;
	testutil_b64u(box, 32, testutil_str(pub, "box_pk"));
	testutil_b64u(sign, 32, testutil_str(pub, "sign_pk"));
	assert_int_equal(keyfile_fingerprint(fp, testutil_str(pub, "id"), box, sign), 0);
	assert_string_equal(fp, testutil_str(pub, "fingerprint"));
	assert_int_equal(strlen(fp), KEYFILE_FINGERPRINT_BUF - 1);
	assert_true(json_array_size(more) >= 3);
	json_array_foreach(more, i, m)
	{
		testutil_b64u(box, 32, testutil_str(m, "box_pk"));
		testutil_b64u(sign, 32, testutil_str(m, "sign_pk"));
		assert_int_equal(keyfile_fingerprint(fp, testutil_str(m, "id"), box, sign), 0);
		assert_string_equal(fp, testutil_str(m, "fingerprint"));
	}
	/* the id is bound: same keys, other id */
	assert_int_equal(keyfile_fingerprint(fp, "d03", box, sign), 0);
	assert_string_not_equal(fp, testutil_str(m, "fingerprint"));
	assert_int_equal(keyfile_fingerprint(fp, "D01", box, sign), -1);
	assert_string_equal(fp, "");
	assert_int_equal(keyfile_fingerprint(fp, NULL, box, sign), -1);
	json_decref(keys);
}

static void
test_public_json(void **state)
{
	json_t *keys = testutil_vector("keys.json");
	json_t *pub = json_object_get(keys, "public");
	struct keyfile_public p, before;
	json_t *back, *x;
	uint8_t box[32];

	(void)state;
	assert_int_equal(keyfile_public_from_json(&p, pub), KEYFILE_OK);
	assert_string_equal(p.id, "d01");
	assert_string_equal(p.name, testutil_str(pub, "name"));
	assert_string_equal(p.fingerprint, testutil_str(pub, "fingerprint"));
	testutil_b64u(box, 32, testutil_str(pub, "box_pk"));
	assert_memory_equal(p.box_pk, box, 32);
	back = keyfile_public_to_json(&p);
	assert_non_null(back);
	assert_true(json_equal(back, pub));
	json_decref(back);

	/* the fingerprint is optional, but must match when present */
	x = json_deep_copy(pub);
	json_object_del(x, "fingerprint");
	assert_int_equal(keyfile_public_from_json(&p, x), KEYFILE_OK);
	assert_string_equal(p.fingerprint, testutil_str(pub, "fingerprint"));
	json_decref(x);

	before = p;
	{
		static const struct {
			const char *key, *value;
			int want;
		} cases[] = {
		        {"fingerprint", "\"b81b 2ef3 d63b 16ca ac5e 29ef 6391 f288\"",
		         KEYFILE_ERR_MISMATCH},
		        {"fingerprint", "\"B81B 2EF3 D63B 16CA AC5E 29EF 6391 F289\"",
		         KEYFILE_ERR_MISMATCH},
		        {"fingerprint", "\"\"", KEYFILE_ERR_MISMATCH},
		        {"fingerprint", "7", KEYFILE_ERR_FORMAT},
		        {"fingerprint", "null", KEYFILE_ERR_FORMAT},
		        {"type", "\"qingfeng-district-secret\"", KEYFILE_ERR_FORMAT},
		        {"type", NULL, KEYFILE_ERR_FORMAT},
		        {"v", "2", KEYFILE_ERR_FORMAT},
		        {"v", "\"1\"", KEYFILE_ERR_FORMAT},
		        {"v", "1.0", KEYFILE_ERR_FORMAT},
		        {"v", NULL, KEYFILE_ERR_FORMAT},
		        {"id", "\"D01\"", KEYFILE_ERR_FORMAT},
		        {"id", "\"\"", KEYFILE_ERR_FORMAT},
		        {"id", "1", KEYFILE_ERR_FORMAT},
		        {"id", NULL, KEYFILE_ERR_FORMAT},
		        {"name", "\"\"", KEYFILE_ERR_FORMAT},
		        {"name", "\"a\\nb\"", KEYFILE_ERR_FORMAT},
		        {"name", "\"a\\u0000b\"", KEYFILE_ERR_FORMAT},
		        {"name", "[]", KEYFILE_ERR_FORMAT},
		        {"name", NULL, KEYFILE_ERR_FORMAT},
		        {"box_pk", "\"SR51-wGqHTyAd-mygRaEYlCVyW_Rf8Th-PsriVP2py\"",
		         KEYFILE_ERR_FORMAT},
		        {"box_pk", "\"SR51-wGqHTyAd-mygRaEYlCVyW_Rf8Th-PsriVP2pys=\"",
		         KEYFILE_ERR_FORMAT},
		        {"box_pk", "\"SR51+wGqHTyAd+mygRaEYlCVyW/Rf8Th+PsriVP2pys\"",
		         KEYFILE_ERR_FORMAT},
		        {"box_pk", NULL, KEYFILE_ERR_FORMAT},
		        {"sign_pk", "\"AAAA\"", KEYFILE_ERR_FORMAT},
		        {"sign_pk", "32", KEYFILE_ERR_FORMAT},
		};
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			x = json_deep_copy(pub);
			mutate(x, cases[i].key, cases[i].value);
			p = before;
			if (keyfile_public_from_json(&p, x) != cases[i].want)
				fail_msg("case %zu (%s=%s)", i, cases[i].key,
				         cases[i].value ? cases[i].value : "<missing>");
			/* nothing changed on failure */
			assert_memory_equal(&p, &before, sizeof p);
			json_decref(x);
		}
	}
	x = json_string("qingfeng");
	assert_int_equal(keyfile_public_from_json(&p, x), KEYFILE_ERR_FORMAT);
	json_decref(x);
	x = json_array();
	assert_int_equal(keyfile_public_from_json(&p, x), KEYFILE_ERR_FORMAT);
	json_decref(x);
	assert_int_equal(keyfile_public_from_json(&p, NULL), KEYFILE_ERR_FORMAT);
	json_decref(keys);
}

static void
test_generate_args(void **state)
{
	struct keyfile_secret *k = (struct keyfile_secret *)1;
	char name[KEYFILE_NAME_MAX + 2];
	uint8_t pk[32];

	(void)state;
	assert_int_equal(keyfile_generate(&k, "D01", "x"), KEYFILE_ERR_ARG);
	assert_null(k);
	assert_int_equal(keyfile_generate(&k, "", "x"), KEYFILE_ERR_ARG);
	assert_int_equal(keyfile_generate(&k, NULL, "x"), KEYFILE_ERR_ARG);
	assert_int_equal(keyfile_generate(&k, "d01", ""), KEYFILE_ERR_ARG);
	assert_int_equal(keyfile_generate(&k, "d01", NULL), KEYFILE_ERR_ARG);
	assert_int_equal(keyfile_generate(&k, "d01", "bad \xff utf-8"), KEYFILE_ERR_ARG);
	assert_int_equal(keyfile_generate(&k, "d01", "\xe6\xb5"), KEYFILE_ERR_ARG);
	assert_int_equal(keyfile_generate(&k, "d01", "tab\there"), KEYFILE_ERR_ARG);
	memset(name, 'a', KEYFILE_NAME_MAX + 1);
	name[KEYFILE_NAME_MAX + 1] = '\0';
	assert_int_equal(keyfile_generate(&k, "d01", name), KEYFILE_ERR_ARG);
	assert_null(k);

	/* 85 three-byte characters and one byte: exactly 256 bytes */
	name[0] = '\0';
	for (int i = 0; i < 85; i++)
		strcat(name, "\xe6\xb5\x8b");
	strcat(name, "a");
	assert_int_equal(strlen(name), KEYFILE_NAME_MAX);
	assert_int_equal(keyfile_generate(&k, "x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-", name),
	                 KEYFILE_OK);
	assert_non_null(k);
	assert_string_equal(k->pub.name, name);
	/* the key pairs belong together */
	assert_int_equal(crypto_scalarmult_base(pk, k->box_sk), 0);
	assert_memory_equal(pk, k->pub.box_pk, 32);
	assert_memory_equal(k->sign_sk + 32, k->pub.sign_pk, 32);
	{
		char fp[KEYFILE_FINGERPRINT_BUF];

		keyfile_fingerprint(fp, k->pub.id, k->pub.box_pk, k->pub.sign_pk);
		assert_string_equal(fp, k->pub.fingerprint);
	}
	/* writing refuses a bad strength or an empty passphrase before touching the disk */
	{
		char *dir = testutil_tmpdir();
		char *p = path_in(dir, "d.key");

		assert_int_equal(keyfile_write_secret(p, k, "pw", 2, (enum keyfile_kdf)7),
		                 KEYFILE_ERR_ARG);
		assert_int_equal(keyfile_write_secret(p, k, "", 0, KEYFILE_KDF_INTERACTIVE),
		                 KEYFILE_ERR_ARG);
		assert_int_equal(keyfile_write_secret(p, k, NULL, 0, KEYFILE_KDF_INTERACTIVE),
		                 KEYFILE_ERR_ARG);
		assert_int_equal(access(p, F_OK), -1);
		free(p);
		testutil_rmtree(dir);
		free(dir);
	}
	keyfile_secret_free(k);
	keyfile_secret_free(NULL);
	for (int e = 1; e >= -8; e--)
		assert_non_null(keyfile_strerror(e));
}

/* ---- the vector's secret file -------------------------------------------- */

static void
test_vector_unlock(void **state)
{
	json_t *keys = testutil_vector("keys.json");
	json_t *sec = json_object_get(keys, "secret_file");
	const char *pass = testutil_str(keys, "passphrase");
	const char *wrong = testutil_str(keys, "wrong_passphrase");
	struct keyfile_secret *k = NULL;
	struct keyfile_public pub;
	uint8_t box_sk[32], sign_sk[64];

	(void)state;
	testutil_b64u(box_sk, 32, testutil_str(keys, "box_sk"));
	testutil_b64u(sign_sk, 64, testutil_str(keys, "sign_sk"));
	assert_int_equal(keyfile_public_from_json(&pub, json_object_get(keys, "public")),
	                 KEYFILE_OK);

	assert_int_equal(keyfile_unlock_json(&k, sec, pass, strlen(pass)), KEYFILE_OK);
	assert_non_null(k);
	assert_memory_equal(k->box_sk, box_sk, 32);
	assert_memory_equal(k->sign_sk, sign_sk, 64);
	assert_memory_equal(&k->pub, &pub, sizeof pub);
	keyfile_secret_free(k);

	k = (struct keyfile_secret *)1;
	assert_int_equal(keyfile_unlock_json(&k, sec, wrong, strlen(wrong)),
	                 KEYFILE_ERR_PASSPHRASE);
	assert_null(k);
	sodium_memzero(box_sk, sizeof box_sk);
	sodium_memzero(sign_sk, sizeof sign_sk);
	json_decref(keys);
}

/* Altered parts of the file: the AEAD (and the AD binding the id) catches them. */
static void
test_vector_altered(void **state)
{
	json_t *keys = testutil_vector("keys.json");
	const char *pass = testutil_str(keys, "passphrase");
	json_t *more = json_object_get(keys, "more_fingerprints");
	static const char *const fields[] = {"ciphertext", "nonce", "kdf.salt"};
	struct keyfile_secret *k;
	json_t *x;

	(void)state;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		json_t *obj;
		const char *key = fields[i];
		char *txt;

		x = vector_secret(keys);
		obj = x;
		if (strncmp(key, "kdf.", 4) == 0) {
			obj = json_object_get(x, "kdf");
			key += 4;
		}
		txt = strdup(json_string_value(json_object_get(obj, key)));
		assert_non_null(txt);
		/* change the first symbol: still canonical b64u, other bytes */
		txt[0] = txt[0] == 'A' ? 'B' : 'A';
		json_object_set_new(obj, key, json_string(txt));
		free(txt);
		k = (struct keyfile_secret *)1;
		if (keyfile_unlock_json(&k, x, pass, strlen(pass)) != KEYFILE_ERR_PASSPHRASE)
			fail_msg("altered %s was not refused", fields[i]);
		assert_null(k);
		json_decref(x);
	}
	/* another id: the ciphertext is bound to "d01" */
	x = vector_secret(keys);
	mutate(x, "id", "\"d02\"");
	assert_int_equal(keyfile_unlock_json(&k, x, pass, strlen(pass)), KEYFILE_ERR_PASSPHRASE);
	json_decref(x);
	/* public keys that are not those inside */
	x = vector_secret(keys);
	json_object_set(x, "box_pk", json_object_get(json_array_get(more, 1), "box_pk"));
	assert_int_equal(keyfile_unlock_json(&k, x, pass, strlen(pass)), KEYFILE_ERR_MISMATCH);
	assert_null(k);
	json_decref(x);
	x = vector_secret(keys);
	json_object_set(x, "sign_pk", json_object_get(json_array_get(more, 1), "sign_pk"));
	assert_int_equal(keyfile_unlock_json(&k, x, pass, strlen(pass)), KEYFILE_ERR_MISMATCH);
	assert_null(k);
	json_decref(x);
	/* a stated fingerprint that does not match is refused before any KDF work */
	x = vector_secret(keys);
	mutate(x, "fingerprint", "\"0000 0000 0000 0000 0000 0000 0000 0000\"");
	assert_int_equal(keyfile_unlock_json(&k, x, pass, strlen(pass)), KEYFILE_ERR_MISMATCH);
	json_decref(x);
	json_decref(keys);
}

/* Every malformed variant: FORMAT, both when parsed and when loaded from a file. */
static void
test_vector_malformed(void **state)
{
	json_t *keys = testutil_vector("keys.json");
	const char *pass = testutil_str(keys, "passphrase");
	char *dir = testutil_tmpdir();
	char *path = path_in(dir, "district.key");
	char *b15 = b64u_of_len(15), *b17 = b64u_of_len(17), *b23 = b64u_of_len(23);
	char *b25 = b64u_of_len(25), *b111 = b64u_of_len(111), *b113 = b64u_of_len(113);
	char *b31 = b64u_of_len(31), *b33 = b64u_of_len(33);
	const struct {
		const char *key, *value;
	} cases[] = {
	        {"type", NULL},
	        {"type", "\"qingfeng-district-public\""},
	        {"type", "\"qingfeng-server-secret\""},
	        {"type", "5"},
	        {"v", NULL},
	        {"v", "2"},
	        {"v", "0"},
	        {"v", "\"1\""},
	        {"v", "true"},
	        {"id", NULL},
	        {"id", "\"D01\""},
	        {"id", "\"d01 \""},
	        {"id", "\"x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x\""},
	        {"id", "null"},
	        {"name", NULL},
	        {"name", "\"\""},
	        {"name", "{}"},
	        {"name", "\"\\u0007\""},
	        {"box_pk", NULL},
	        {"box_pk", b31},
	        {"box_pk", b33},
	        {"box_pk", "\"SR51-wGqHTyAd-mygRaEYlCVyW_Rf8Th-PsriVP2pys=\""},
	        {"box_pk", "\"SR51-wGqHTyAd-mygRaEYlCVyW_Rf8Th-PsriVP2pyt\""},
	        {"sign_pk", NULL},
	        {"sign_pk", b31},
	        {"sign_pk", "\"NbAz0Y8hvxcLg+Lk7Ux9+S7LGmZZ6YFfwzoMXZn7QUU\""},
	        {"kdf", NULL},
	        {"kdf", "\"argon2id13\""},
	        {"kdf", "[]"},
	        {"kdf.alg", NULL},
	        {"kdf.alg", "\"argon2i13\""},
	        {"kdf.alg", "\"argon2id\""},
	        {"kdf.alg", "\"ARGON2ID13\""},
	        {"kdf.alg", "13"},
	        {"kdf.opslimit", NULL},
	        {"kdf.opslimit", "0"},
	        {"kdf.opslimit", "-2"},
	        {"kdf.opslimit", "33"},
	        {"kdf.opslimit", "4294967298"},
	        {"kdf.opslimit", "2.0"},
	        {"kdf.opslimit", "\"2\""},
	        {"kdf.memlimit", NULL},
	        {"kdf.memlimit", "4294967297"},
	        {"kdf.memlimit", "1099511627776"},
	        {"kdf.memlimit", "9223372036854775807"},
	        {"kdf.memlimit", "-67108864"},
	        {"kdf.memlimit", "8191"},
	        {"kdf.memlimit", "0"},
	        {"kdf.memlimit", "67108864.0"},
	        {"kdf.memlimit", "\"67108864\""},
	        {"kdf.salt", NULL},
	        {"kdf.salt", b15},
	        {"kdf.salt", b17},
	        {"kdf.salt", "\"177itYS7oCfBk3-KmMM-Xg==\""},
	        {"kdf.salt", "\"177itYS7oCfBk3+KmMM+Xg\""},
	        {"kdf.salt", "\"177itYS7oCfBk3-KmMM-Xh\""},
	        {"nonce", NULL},
	        {"nonce", b23},
	        {"nonce", b25},
	        {"nonce", "\"3h_Qg3BU6Rl-19ms1C1BUUKMk3R0OCi\""},
	        {"nonce", "[]"},
	        {"ciphertext", NULL},
	        {"ciphertext", "\"\""},
	        {"ciphertext", b111},
	        {"ciphertext", b113},
	        {"ciphertext", "\"not base64!\""},
	        {"fingerprint", "1"},
	};
	struct keyfile_secret *k;
	struct keyfile_public pub;
	json_t *x;
	int rc;

	(void)state;
	assert_string_equal(cases[1].value, "\"qingfeng-district-public\"");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		x = vector_secret(keys);
		mutate(x, cases[i].key, cases[i].value);
		k = (struct keyfile_secret *)1;
		if (keyfile_unlock_json(&k, x, pass, strlen(pass)) != KEYFILE_ERR_FORMAT)
			fail_msg("case %zu (%s=%s) not refused as FORMAT", i, cases[i].key,
			         cases[i].value ? cases[i].value : "<missing>");
		assert_null(k);
		spit_json(path, x);
		/* relabelled as public it is a valid public object; otherwise FORMAT */
		rc = keyfile_load_public(&pub, path);
		if (i == 1 ? rc != KEYFILE_OK : rc != KEYFILE_ERR_FORMAT)
			fail_msg("case %zu (%s) loads from a file: %d", i, cases[i].key, rc);
		assert_int_equal(keyfile_unlock(&k, path, pass, strlen(pass)), KEYFILE_ERR_FORMAT);
		json_decref(x);
	}
	/* file-level damage */
	{
		char *good = json_dumps(json_object_get(keys, "secret_file"), 0);
		size_t glen = strlen(good);
		char *big = malloc(70000);
		static const char *texts[] = {
		        "",
		        "{",
		        "[]",
		        "\"x\"",
		        "null",
		        "{}",
		        "not json",
		        /* duplicate member */
		        "{\"type\":\"qingfeng-district-secret\",\"type\":\"qingfeng-district-"
		        "secret\"}",
		};

		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
			spit(path, texts[i], strlen(texts[i]));
			assert_int_equal(keyfile_load_public(&pub, path), KEYFILE_ERR_FORMAT);
			assert_int_equal(keyfile_unlock(&k, path, pass, 1), KEYFILE_ERR_FORMAT);
		}
		/* truncated, and with trailing garbage */
		spit(path, good, glen - 1);
		assert_int_equal(keyfile_load_public(&pub, path), KEYFILE_ERR_FORMAT);
		assert_non_null(big);
		memcpy(big, good, glen);
		memcpy(big + glen, " x", 2);
		spit(path, big, glen + 2);
		assert_int_equal(keyfile_load_public(&pub, path), KEYFILE_ERR_FORMAT);
		/* far larger than any key file, even if it were valid JSON with padding */
		memcpy(big, good, glen);
		memset(big + glen, ' ', 70000 - glen);
		spit(path, big, 70000);
		assert_int_equal(keyfile_load_public(&pub, path), KEYFILE_ERR_FORMAT);
		/* the good text itself loads its public part without a passphrase */
		spit(path, good, glen);
		assert_int_equal(keyfile_load_public(&pub, path), KEYFILE_OK);
		assert_string_equal(pub.fingerprint, "b81b 2ef3 d63b 16ca ac5e 29ef 6391 f289");
		free(big);
		free(good);
	}
	/* unreadable paths */
	free(path);
	path = path_in(dir, "missing.key");
	errno = 0;
	assert_int_equal(keyfile_load_public(&pub, path), KEYFILE_ERR_IO);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(keyfile_unlock(&k, path, pass, 1), KEYFILE_ERR_IO);
	assert_null(k);
	assert_int_equal(keyfile_load_public(&pub, dir), KEYFILE_ERR_IO);
	/* a public file cannot be unlocked */
	spit_json(path, json_object_get(keys, "public"));
	assert_int_equal(keyfile_unlock(&k, path, pass, strlen(pass)), KEYFILE_ERR_FORMAT);
	assert_int_equal(keyfile_load_public(&pub, path), KEYFILE_OK);

	free(b15), free(b17), free(b23), free(b25), free(b111), free(b113), free(b31), free(b33);
	free(path);
	testutil_rmtree(dir);
	free(dir);
	json_decref(keys);
}

/* ---- writing files ------------------------------------------------------- */

static void
test_file_roundtrip(void **state)
{
	static const char pass[] = "清风 test passphrase";
	char *dir = testutil_tmpdir();
	char *pubp = path_in(dir, "district.pub.json");
	char *keyp = path_in(dir, "district.key");
	struct keyfile_secret *k = NULL, *u = NULL;
	struct keyfile_public p1, p2;
	struct stat st;
	json_t *j, *kdf;
	char *before, *after;
	mode_t um = current_umask();

	(void)state;
	assert_int_equal(keyfile_generate(&k, "d07", "某某区纪委监委"), KEYFILE_OK);
	assert_int_equal(keyfile_write_public(pubp, &k->pub), KEYFILE_OK);
	assert_int_equal(keyfile_write_secret(keyp, k, pass, strlen(pass), KEYFILE_KDF_INTERACTIVE),
	                 KEYFILE_OK);
	assert_int_equal(stat(keyp, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600 & ~um);
	assert_int_equal(stat(pubp, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644 & ~um);

	/* the public part from both files */
	assert_int_equal(keyfile_load_public(&p1, pubp), KEYFILE_OK);
	assert_int_equal(keyfile_load_public(&p2, keyp), KEYFILE_OK);
	assert_memory_equal(&p1, &k->pub, sizeof p1);
	assert_memory_equal(&p2, &k->pub, sizeof p2);

	/* what the secret file records */
	j = json_load_file(keyp, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	kdf = json_object_get(j, "kdf");
	assert_string_equal(json_string_value(json_object_get(kdf, "alg")), "argon2id13");
	assert_true(json_integer_value(json_object_get(kdf, "opslimit")) ==
	            crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
	assert_true(json_integer_value(json_object_get(kdf, "memlimit")) ==
	            crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
	{
		uint8_t b[112];

		testutil_b64u(b, 16, testutil_str(kdf, "salt"));
		testutil_b64u(b, 24, testutil_str(j, "nonce"));
		testutil_b64u(b, 112, testutil_str(j, "ciphertext"));
	}
	json_decref(j);

	/* unlock round trip */
	assert_int_equal(keyfile_unlock(&u, keyp, pass, strlen(pass)), KEYFILE_OK);
	assert_memory_equal(u, k, sizeof *k);
	keyfile_secret_free(u);

	/* refusing to overwrite, leaving the files as they were */
	before = slurp(keyp);
	assert_int_equal(keyfile_write_secret(keyp, k, "other", 5, KEYFILE_KDF_SENSITIVE),
	                 KEYFILE_ERR_EXISTS);
	after = slurp(keyp);
	assert_string_equal(before, after);
	free(before), free(after);
	before = slurp(pubp);
	assert_int_equal(keyfile_write_public(pubp, &k->pub), KEYFILE_ERR_EXISTS);
	after = slurp(pubp);
	assert_string_equal(before, after);
	free(before), free(after);

	/* a missing directory: IO, nothing created */
	{
		char *nope = path_in(dir, "nope/district.key");

		errno = 0;
		assert_int_equal(
		        keyfile_write_secret(nope, k, pass, strlen(pass), KEYFILE_KDF_INTERACTIVE),
		        KEYFILE_ERR_IO);
		assert_int_equal(errno, ENOENT);
		assert_int_equal(keyfile_write_public(nope, &k->pub), KEYFILE_ERR_IO);
		free(nope);
	}
	keyfile_secret_free(k);
	free(pubp), free(keyp);
	testutil_rmtree(dir);
	free(dir);
}

/* A symlink at the target path is never followed, dangling or not. */
static void
test_symlink(void **state)
{
	char *dir = testutil_tmpdir();
	char *target = path_in(dir, "target");
	char *existing = path_in(dir, "existing");
	char *link1 = path_in(dir, "link.key");
	char *link2 = path_in(dir, "link2.key");
	struct keyfile_secret *k = NULL;
	struct serverkey *sk = NULL;
	struct stat st;
	char *c;

	(void)state;
	assert_int_equal(symlink(target, link1), 0);
	spit(existing, "keep", 4);
	assert_int_equal(symlink(existing, link2), 0);
	assert_int_equal(keyfile_generate(&k, "d01", "x"), KEYFILE_OK);
	assert_int_equal(serverkey_generate(&sk), 0);

	assert_int_equal(keyfile_write_secret(link1, k, "pw", 2, KEYFILE_KDF_INTERACTIVE),
	                 KEYFILE_ERR_EXISTS);
	assert_int_equal(keyfile_write_public(link1, &k->pub), KEYFILE_ERR_EXISTS);
	errno = 0;
	assert_int_equal(serverkey_write(link1, sk), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(lstat(target, &st), -1);
	assert_int_equal(lstat(link1, &st), 0);
	assert_true(S_ISLNK(st.st_mode));

	assert_int_equal(keyfile_write_secret(link2, k, "pw", 2, KEYFILE_KDF_INTERACTIVE),
	                 KEYFILE_ERR_EXISTS);
	assert_int_equal(keyfile_write_public(link2, &k->pub), KEYFILE_ERR_EXISTS);
	assert_int_equal(serverkey_write(link2, sk), -1);
	c = slurp(existing);
	assert_string_equal(c, "keep");
	free(c);

	keyfile_secret_free(k);
	serverkey_free(sk);
	free(target), free(existing), free(link1), free(link2);
	testutil_rmtree(dir);
	free(dir);
}

/* ---- server key ---------------------------------------------------------- */

static void
test_serverkey_roundtrip(void **state)
{
	char *dir = testutil_tmpdir();
	char *path = path_in(dir, "server.key");
	struct serverkey *k = NULL, *l = NULL, *m = NULL;
	struct stat st;
	char *before, *after;
	json_t *j;

	(void)state;
	assert_int_equal(serverkey_generate(&k), 0);
	assert_non_null(k);
	assert_memory_equal(k->sign_sk + 32, k->sign_pk, 32);
	assert_int_equal(serverkey_write(path, k), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600 & ~current_umask());
	assert_int_equal(serverkey_load(&l, path), 0);
	assert_non_null(l);
	assert_memory_equal(l, k, sizeof *k);

	j = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
	                    "qingfeng-server-secret");
	assert_int_equal(json_integer_value(json_object_get(j, "v")), 1);
	json_decref(j);

	/* two keys differ */
	assert_int_equal(serverkey_generate(&m), 0);
	assert_memory_not_equal(m->sign_pk, k->sign_pk, 32);
	assert_memory_not_equal(m->pow_key, k->pow_key, 32);

	/* refusing to overwrite */
	before = slurp(path);
	errno = 0;
	assert_int_equal(serverkey_write(path, m), -1);
	assert_int_equal(errno, EEXIST);
	after = slurp(path);
	assert_string_equal(before, after);
	free(before), free(after);

	/* missing file and missing directory */
	free(path);
	path = path_in(dir, "nope/server.key");
	errno = 0;
	assert_int_equal(serverkey_write(path, k), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	l = (struct serverkey *)1;
	assert_int_equal(serverkey_load(&l, path), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(l);

	serverkey_free(k);
	serverkey_free(m);
	serverkey_free(NULL);
	free(path);
	testutil_rmtree(dir);
	free(dir);
}

static void
test_serverkey_malformed(void **state)
{
	char *dir = testutil_tmpdir();
	char *path = path_in(dir, "server.key");
	char *bad = path_in(dir, "bad.key");
	struct serverkey *k = NULL, *other = NULL, *l;
	json_t *good, *x;
	char *b31 = b64u_of_len(31), *b33 = b64u_of_len(33), *b63 = b64u_of_len(63);
	char other_pk[CODEC_B64U_BUF(64) + 2], flipped_sk[CODEC_B64U_BUF(64) + 2];
	char flipped_pk_in_sk[CODEC_B64U_BUF(64) + 2];
	const struct {
		const char *key, *value;
	} cases[] = {
	        {"type", NULL},
	        {"type", "\"qingfeng-district-secret\""},
	        {"type", "1"},
	        {"v", NULL},
	        {"v", "2"},
	        {"v", "\"1\""},
	        {"sign_pk", NULL},
	        {"sign_pk", b31},
	        {"sign_pk", b33},
	        {"sign_pk", other_pk},
	        {"sign_sk", NULL},
	        {"sign_sk", b63},
	        {"sign_sk", flipped_sk},
	        {"sign_sk", flipped_pk_in_sk},
	        {"sign_sk", "7"},
	        {"pow_key", NULL},
	        {"pow_key", b31},
	        {"pow_key", b33},
	        {"pow_key", "\"!!!!\""},
	};

	(void)state;
	assert_int_equal(serverkey_generate(&k), 0);
	assert_int_equal(serverkey_generate(&other), 0);
	{
		char t[CODEC_B64U_BUF(64)];
		uint8_t sk[64];

		codec_b64u_encode(t, sizeof t, other->sign_pk, 32);
		snprintf(other_pk, sizeof other_pk, "\"%s\"", t);
		memcpy(sk, k->sign_sk, 64);
		sk[3] ^= 1; /* in the seed */
		codec_b64u_encode(t, sizeof t, sk, 64);
		snprintf(flipped_sk, sizeof flipped_sk, "\"%s\"", t);
		memcpy(sk, k->sign_sk, 64);
		sk[40] ^= 1; /* in the embedded public key */
		codec_b64u_encode(t, sizeof t, sk, 64);
		snprintf(flipped_pk_in_sk, sizeof flipped_pk_in_sk, "\"%s\"", t);
		sodium_memzero(sk, sizeof sk);
		sodium_memzero(t, sizeof t);
	}
	assert_int_equal(serverkey_write(path, k), 0);
	good = json_load_file(path, 0, NULL);
	assert_non_null(good);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		x = json_deep_copy(good);
		mutate(x, cases[i].key, cases[i].value);
		spit_json(bad, x);
		l = (struct serverkey *)1;
		errno = 0;
		if (serverkey_load(&l, bad) != -1 || errno != EINVAL)
			fail_msg("case %zu (%s=%s) loads", i, cases[i].key,
			         cases[i].value ? cases[i].value : "<missing>");
		assert_null(l);
		json_decref(x);
	}
	{
		static const char *texts[] = {"", "{", "[]", "null", "{}", "garbage"};

		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
			spit(bad, texts[i], strlen(texts[i]));
			errno = 0;
			assert_int_equal(serverkey_load(&l, bad), -1);
			assert_int_equal(errno, EINVAL);
		}
	}
	/* a valid key with trailing bytes, or far too large */
	{
		char *text = slurp(path);
		size_t n = strlen(text);
		char *big = malloc(20000);

		assert_non_null(big);
		memcpy(big, text, n);
		memcpy(big + n, "}", 1);
		spit(bad, big, n + 1);
		assert_int_equal(serverkey_load(&l, bad), -1);
		memset(big + n, ' ', 20000 - n);
		spit(bad, big, 20000);
		errno = 0;
		assert_int_equal(serverkey_load(&l, bad), -1);
		assert_int_equal(errno, EINVAL);
		/* with a little white space it is still fine */
		spit(bad, big, n + 10);
		assert_int_equal(serverkey_load(&l, bad), 0);
		assert_memory_equal(l, k, sizeof *k);
		serverkey_free(l);
		sodium_memzero(text, n);
		sodium_memzero(big, 20000);
		free(text);
		free(big);
	}
	/* a directory */
	errno = 0;
	assert_int_equal(serverkey_load(&l, dir), -1);
	assert_int_equal(errno, EISDIR);

	json_decref(good);
	serverkey_free(k);
	serverkey_free(other);
	free(b31), free(b33), free(b63);
	free(path), free(bad);
	testutil_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fingerprints),
	        cmocka_unit_test(test_public_json),
	        cmocka_unit_test(test_generate_args),
	        cmocka_unit_test(test_vector_unlock),
	        cmocka_unit_test(test_vector_altered),
	        cmocka_unit_test(test_vector_malformed),
	        cmocka_unit_test(test_file_roundtrip),
	        cmocka_unit_test(test_symlink),
	        cmocka_unit_test(test_serverkey_roundtrip),
	        cmocka_unit_test(test_serverkey_malformed),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("keyfile", tests, NULL, NULL);
}
