/* serverkey: see serverkey.h. */
#include "crypto/serverkey.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/codec.h"
#include "crypto/fileio.h"

#define SERVER_TYPE "qingfeng-server-secret"

/* A server key file is about 250 bytes; anything beyond this is not one. */
#define FILE_MAX (16 * 1024)

int
serverkey_generate(struct serverkey **out)
{
	struct serverkey *k;

	*out = NULL;
	k = sodium_malloc(sizeof *k);
	if (k == NULL) {
		errno = ENOMEM;
		return -1;
	}
	crypto_sign_keypair(k->sign_pk, k->sign_sk);
	randombytes_buf(k->pow_key, sizeof k->pow_key);
	*out = k;
	return 0;
}

void
serverkey_free(struct serverkey *k)
{
	if (k == NULL)
		return;
	sodium_memzero(k, sizeof *k);
	sodium_free(k);
}

/* Overwrites the text of a JSON string member in place (it held a secret). */
static void
wipe_member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		sodium_memzero((char *)json_string_value(v), json_string_length(v));
}

int
serverkey_write(const char *path, const struct serverkey *k)
{
	char pk[CODEC_B64U_BUF(32)], sk[CODEC_B64U_BUF(64)], pow[CODEC_B64U_BUF(32)];
	json_t *j;
	char *text = NULL, *file;
	size_t len = 0;
	int rc, saved;

	codec_b64u_encode(pk, sizeof pk, k->sign_pk, sizeof k->sign_pk);
	codec_b64u_encode(sk, sizeof sk, k->sign_sk, sizeof k->sign_sk);
	codec_b64u_encode(pow, sizeof pow, k->pow_key, sizeof k->pow_key);
	j = json_pack("{s:s, s:i, s:s, s:s, s:s}", "type", SERVER_TYPE, "v", 1, "sign_pk", pk,
	              "sign_sk", sk, "pow_key", pow);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(pow, sizeof pow);
	if (j != NULL) {
		text = json_dumps(j, JSON_INDENT(2));
		wipe_member(j, "sign_sk");
		wipe_member(j, "pow_key");
		json_decref(j);
	}
	if (text == NULL) {
		errno = ENOMEM;
		return -1;
	}
	len = strlen(text);
	/* The file ends with a newline; the copy is wiped like the original. */
	file = sodium_malloc(len + 1);
	if (file != NULL) {
		memcpy(file, text, len);
		file[len] = '\n';
	}
	sodium_memzero(text, len);
	free(text);
	if (file == NULL) {
		errno = ENOMEM;
		return -1;
	}
	rc = fileio_write_new(path, 0600, file, len + 1);
	saved = errno;
	sodium_memzero(file, len + 1);
	sodium_free(file);
	errno = saved;
	return rc;
}

/*
 * Reads a whole small regular file into a new sodium_malloc'd buffer of
 * FILE_MAX + 1 bytes (fileio_read_small), which the caller wipes and frees.
 * Returns 0, or -1 with errno set (EINVAL: not a regular file or too large).
 */
static int
read_file(const char *path, char **out, size_t *outlen)
{
	if (fileio_read_small(path, FILE_MAX, FILEIO_SECRET, out, outlen) == 0)
		return 0;
	if (errno == EFBIG)
		errno = EINVAL;
	return -1;
}

/* Fills k from the parsed file. Returns 0, or -1 when a member is wrong. */
static int
parse_key(struct serverkey *k, const json_t *j)
{
	const json_t *v = json_object_get(j, "v");
	const char *type = json_string_value(json_object_get(j, "type"));
	uint8_t seed[crypto_sign_SEEDBYTES];
	uint8_t pk[32];
	uint8_t sk[64];
	int ok;

	if (!json_is_object(j) || type == NULL || strcmp(type, SERVER_TYPE) != 0 ||
	    !json_is_integer(v) || json_integer_value(v) != 1)
		return -1;
	if (codec_b64u_decode_exact(k->sign_pk, 32,
	                            json_string_value(json_object_get(j, "sign_pk"))) != 0 ||
	    codec_b64u_decode_exact(k->sign_sk, 64,
	                            json_string_value(json_object_get(j, "sign_sk"))) != 0 ||
	    codec_b64u_decode_exact(k->pow_key, 32,
	                            json_string_value(json_object_get(j, "pow_key"))) != 0)
		return -1;
	/* Recompute the whole key pair from the seed: sign_pk must match it. */
	crypto_sign_ed25519_sk_to_seed(seed, k->sign_sk);
	crypto_sign_seed_keypair(pk, sk, seed);
	ok = sodium_memcmp(pk, k->sign_pk, 32) == 0 && sodium_memcmp(sk, k->sign_sk, 64) == 0;
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(sk, sizeof sk);
	return ok ? 0 : -1;
}

int
serverkey_load(struct serverkey **out, const char *path)
{
	struct serverkey *k;
	json_error_t err;
	json_t *j;
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if (read_file(path, &buf, &len) != 0)
		return -1;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	sodium_memzero(buf, FILE_MAX + 1);
	sodium_free(buf);
	sodium_memzero(&err, sizeof err);
	if (j == NULL) {
		errno = EINVAL;
		return -1;
	}
	k = sodium_malloc(sizeof *k);
	if (k == NULL) {
		wipe_member(j, "sign_sk");
		wipe_member(j, "pow_key");
		json_decref(j);
		errno = ENOMEM;
		return -1;
	}
	rc = parse_key(k, j);
	wipe_member(j, "sign_sk");
	wipe_member(j, "pow_key");
	json_decref(j);
	if (rc != 0) {
		serverkey_free(k);
		errno = EINVAL;
		return -1;
	}
	*out = k;
	return 0;
}

void
serverkey_fingerprint(char out[SERVERKEY_FINGERPRINT_BUF], const uint8_t sign_pk[32])
{
	static const char prefix[] = "qingfeng-server-v1";
	crypto_generichash_state st;
	uint8_t h[32];
	char hex[33];
	size_t o = 0;

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const uint8_t *)prefix, sizeof prefix - 1);
	crypto_generichash_update(&st, sign_pk, 32);
	crypto_generichash_final(&st, h, sizeof h);
	codec_hex_encode(hex, sizeof hex, h, 16);
	for (int g = 0; g < 8; g++) {
		if (g > 0)
			out[o++] = ' ';
		memcpy(out + o, hex + 4 * g, 4);
		o += 4;
	}
	out[o] = '\0';
}
