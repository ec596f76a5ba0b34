/* keyfile: see keyfile.h. */
#include "crypto/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/fileio.h"

#define PUBLIC_TYPE "qingfeng-district-public"
#define SECRET_TYPE "qingfeng-district-secret"
#define FP_PREFIX   "qingfeng-district-v1"
#define AD_PREFIX   "qingfeng-district-secret-v1:"
#define KDF_ALG     "argon2id13"

#define SALT_BYTES  crypto_pwhash_argon2id_SALTBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define KEY_BYTES   crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define PLAIN_BYTES (32 + 64) /* box_sk || sign_sk */
#define CT_BYTES    (PLAIN_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define AD_MAX      (sizeof AD_PREFIX - 1 + CODEC_DISTRICT_MAX)

/* What a hostile file may ask of the KDF: at most 32 passes over 4 GiB. */
#define OPSLIMIT_CAP 32
#define MEMLIMIT_CAP (4ULL << 30)

/* A key file is a few hundred bytes; anything beyond this is not one. */
#define FILE_MAX (64 * 1024)

/* The fields of a secret key file, checked but not yet decrypted. */
struct secret_fields {
	struct keyfile_public pub;
	unsigned long long opslimit;
	size_t memlimit;
	uint8_t salt[SALT_BYTES];
	uint8_t nonce[NONCE_BYTES];
	uint8_t ct[CT_BYTES];
};

/* Short-lived secrets of one unlock or write, kept in sodium_malloc'd memory. */
struct scratch {
	uint8_t key[KEY_BYTES];
	uint8_t plain[PLAIN_BYTES];
	uint8_t seed[crypto_sign_SEEDBYTES];
	uint8_t sign_pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sign_sk[crypto_sign_SECRETKEYBYTES];
	uint8_t box_pk[crypto_box_PUBLICKEYBYTES];
};

const char *
keyfile_strerror(int err)
{
	switch (err) {
	case KEYFILE_OK:
		return "success";
	case KEYFILE_ERR_IO:
		return "cannot read or write the key file";
	case KEYFILE_ERR_EXISTS:
		return "the file exists; refusing to overwrite it";
	case KEYFILE_ERR_FORMAT:
		return "not a valid Qingfeng district key file";
	case KEYFILE_ERR_MISMATCH:
		return "the fingerprint or public keys do not match";
	case KEYFILE_ERR_PASSPHRASE:
		return "wrong passphrase, or the key file was altered";
	case KEYFILE_ERR_NOMEM:
		return "out of memory";
	case KEYFILE_ERR_ARG:
		return "invalid district id, name, passphrase or KDF strength";
	default:
		return "unknown key file error";
	}
}

/* True when name is 1..KEYFILE_NAME_MAX bytes of UTF-8 without control characters. */
static int
name_valid(const char *s, size_t len)
{
	json_t *j;

	if (s == NULL || len < 1 || len > KEYFILE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	/* Jansson refuses to make a string of invalid UTF-8. */
	j = json_stringn(s, len);
	if (j == NULL)
		return 0;
	json_decref(j);
	return 1;
}

int
keyfile_fingerprint(char out[KEYFILE_FINGERPRINT_BUF], const char *id, const uint8_t box_pk[32],
                    const uint8_t sign_pk[32])
{
	crypto_generichash_state st;
	uint8_t h[32];
	uint8_t idlen;
	char hex[33];
	size_t o = 0;

	if (!codec_district_valid(id)) {
		out[0] = '\0';
		return -1;
	}
	idlen = (uint8_t)strlen(id);
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const uint8_t *)FP_PREFIX, strlen(FP_PREFIX));
	crypto_generichash_update(&st, &idlen, 1);
	crypto_generichash_update(&st, (const uint8_t *)id, idlen);
	crypto_generichash_update(&st, box_pk, 32);
	crypto_generichash_update(&st, sign_pk, 32);
	crypto_generichash_final(&st, h, sizeof h);
	codec_hex_encode(hex, sizeof hex, h, 16);
	for (size_t i = 0; i < 32; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = hex[i];
	}
	out[o] = '\0';
	return 0;
}

int
keyfile_generate(struct keyfile_secret **out, const char *id, const char *name)
{
	struct keyfile_secret *k;

	*out = NULL;
	if (!codec_district_valid(id) || name == NULL || !name_valid(name, strlen(name)))
		return KEYFILE_ERR_ARG;
	k = sodium_malloc(sizeof *k);
	if (k == NULL)
		return KEYFILE_ERR_NOMEM;
	memset(k, 0, sizeof *k);
	memcpy(k->pub.id, id, strlen(id) + 1);
	memcpy(k->pub.name, name, strlen(name) + 1);
	crypto_box_keypair(k->pub.box_pk, k->box_sk);
	crypto_sign_keypair(k->pub.sign_pk, k->sign_sk);
	keyfile_fingerprint(k->pub.fingerprint, k->pub.id, k->pub.box_pk, k->pub.sign_pk);
	sodium_mprotect_readonly(k);
	*out = k;
	return KEYFILE_OK;
}

void
keyfile_secret_free(struct keyfile_secret *k)
{
	if (k == NULL)
		return;
	sodium_mprotect_readwrite(k);
	sodium_memzero(k, sizeof *k);
	sodium_free(k);
}

json_t *
keyfile_public_to_json(const struct keyfile_public *pub)
{
	char box[CODEC_B64U_BUF(32)], sign[CODEC_B64U_BUF(32)];
	char fp[KEYFILE_FINGERPRINT_BUF];

	/* The fingerprint is recomputed, so the object is always consistent. */
	if (keyfile_fingerprint(fp, pub->id, pub->box_pk, pub->sign_pk) != 0)
		return NULL;
	codec_b64u_encode(box, sizeof box, pub->box_pk, 32);
	codec_b64u_encode(sign, sizeof sign, pub->sign_pk, 32);
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s}", "type", PUBLIC_TYPE, "v", 1, "id",
	                 pub->id, "name", pub->name, "box_pk", box, "sign_pk", sign, "fingerprint",
	                 fp);
}

/* The string member key of obj with no embedded NUL, or NULL. */
static const char *
get_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	const char *s = json_string_value(v);

	if (s == NULL || strlen(s) != json_string_length(v))
		return NULL;
	return s;
}

/* Decodes the b64u member key of obj that must hold exactly n bytes. */
static int
get_b64u(uint8_t *out, size_t n, const json_t *obj, const char *key)
{
	return codec_b64u_decode_exact(out, n, get_str(obj, key));
}

/*
 * Reads the members both files share (type, v, id, name, box_pk, sign_pk)
 * and computes the fingerprint; a "fingerprint" member, if present, must
 * match it. Returns KEYFILE_OK, KEYFILE_ERR_FORMAT or KEYFILE_ERR_MISMATCH;
 * pub is written only on success.
 */
static int
parse_common(struct keyfile_public *pub, const json_t *obj, const char *type)
{
	struct keyfile_public p;
	const json_t *v, *fpv;
	const char *s;

	memset(&p, 0, sizeof p);
	if (!json_is_object(obj))
		return KEYFILE_ERR_FORMAT;
	s = get_str(obj, "type");
	if (s == NULL || strcmp(s, type) != 0)
		return KEYFILE_ERR_FORMAT;
	v = json_object_get(obj, "v");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return KEYFILE_ERR_FORMAT;
	s = get_str(obj, "id");
	if (!codec_district_valid(s))
		return KEYFILE_ERR_FORMAT;
	memcpy(p.id, s, strlen(s) + 1);
	s = get_str(obj, "name");
	if (s == NULL || !name_valid(s, strlen(s)))
		return KEYFILE_ERR_FORMAT;
	memcpy(p.name, s, strlen(s) + 1);
	if (get_b64u(p.box_pk, 32, obj, "box_pk") != 0 ||
	    get_b64u(p.sign_pk, 32, obj, "sign_pk") != 0)
		return KEYFILE_ERR_FORMAT;
	keyfile_fingerprint(p.fingerprint, p.id, p.box_pk, p.sign_pk);
	fpv = json_object_get(obj, "fingerprint");
	if (fpv != NULL) {
		s = get_str(obj, "fingerprint");
		if (s == NULL)
			return KEYFILE_ERR_FORMAT;
		if (strcmp(s, p.fingerprint) != 0)
			return KEYFILE_ERR_MISMATCH;
	}
	*pub = p;
	return KEYFILE_OK;
}

int
keyfile_public_from_json(struct keyfile_public *pub, const json_t *obj)
{
	return parse_common(pub, obj, PUBLIC_TYPE);
}

/* Reads an integer member in [lo, hi]. Returns 0, or -1. */
static int
get_uint(unsigned long long *out, const json_t *obj, const char *key, unsigned long long lo,
         unsigned long long hi)
{
	const json_t *v = json_object_get(obj, key);
	json_int_t x;

	if (!json_is_integer(v))
		return -1;
	x = json_integer_value(v);
	if (x < 0 || (unsigned long long)x < lo || (unsigned long long)x > hi)
		return -1;
	*out = (unsigned long long)x;
	return 0;
}

/*
 * Checks every member of a secret key object without decrypting it.
 * Returns KEYFILE_OK, KEYFILE_ERR_FORMAT or KEYFILE_ERR_MISMATCH.
 */
static int
parse_secret(struct secret_fields *f, const json_t *obj)
{
	const json_t *kdf;
	const char *alg;
	unsigned long long mem;
	int rc;

	memset(f, 0, sizeof *f);
	rc = parse_common(&f->pub, obj, SECRET_TYPE);
	if (rc != KEYFILE_OK)
		return rc;
	kdf = json_object_get(obj, "kdf");
	if (!json_is_object(kdf))
		return KEYFILE_ERR_FORMAT;
	alg = get_str(kdf, "alg");
	if (alg == NULL || strcmp(alg, KDF_ALG) != 0)
		return KEYFILE_ERR_FORMAT;
	if (get_uint(&f->opslimit, kdf, "opslimit", crypto_pwhash_argon2id_OPSLIMIT_MIN,
	             OPSLIMIT_CAP) != 0 ||
	    get_uint(&mem, kdf, "memlimit", crypto_pwhash_argon2id_MEMLIMIT_MIN, MEMLIMIT_CAP) !=
	            0 ||
	    mem > SIZE_MAX)
		return KEYFILE_ERR_FORMAT;
	f->memlimit = (size_t)mem;
	if (get_b64u(f->salt, sizeof f->salt, kdf, "salt") != 0 ||
	    get_b64u(f->nonce, sizeof f->nonce, obj, "nonce") != 0 ||
	    get_b64u(f->ct, sizeof f->ct, obj, "ciphertext") != 0)
		return KEYFILE_ERR_FORMAT;
	return KEYFILE_OK;
}

/* The additional data "qingfeng-district-secret-v1:" || id; returns its length. */
static size_t
make_ad(uint8_t ad[AD_MAX], const char *id)
{
	size_t pl = strlen(AD_PREFIX), il = strlen(id);

	memcpy(ad, AD_PREFIX, pl);
	memcpy(ad + pl, id, il);
	return pl + il;
}

/* Argon2id13 of the passphrase. Returns 0, or -1 when it runs out of memory. */
static int
derive_key(uint8_t key[KEY_BYTES], const char *pass, size_t passlen, const uint8_t *salt,
           unsigned long long opslimit, size_t memlimit)
{
	if (pass == NULL) {
		pass = "";
		passlen = 0;
	}
	return crypto_pwhash(key, KEY_BYTES, pass, passlen, salt, opslimit, memlimit,
	                     crypto_pwhash_ALG_ARGON2ID13) == 0
	               ? 0
	               : -1;
}

int
keyfile_unlock_json(struct keyfile_secret **out, const json_t *obj, const char *passphrase,
                    size_t passlen)
{
	struct secret_fields f;
	struct scratch *s = NULL;
	struct keyfile_secret *k = NULL;
	uint8_t ad[AD_MAX];
	size_t adlen;
	unsigned long long plen;
	int rc;

	*out = NULL;
	rc = parse_secret(&f, obj);
	if (rc != KEYFILE_OK)
		return rc;
	s = sodium_malloc(sizeof *s);
	k = sodium_malloc(sizeof *k);
	if (s == NULL || k == NULL) {
		rc = KEYFILE_ERR_NOMEM;
		goto done;
	}
	memset(k, 0, sizeof *k);
	if (derive_key(s->key, passphrase, passlen, f.salt, f.opslimit, f.memlimit) != 0) {
		rc = KEYFILE_ERR_NOMEM;
		goto done;
	}
	adlen = make_ad(ad, f.pub.id);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(s->plain, &plen, NULL, f.ct, sizeof f.ct, ad,
	                                               adlen, f.nonce, s->key) != 0 ||
	    plen != PLAIN_BYTES) {
		rc = KEYFILE_ERR_PASSPHRASE;
		goto done;
	}
	k->pub = f.pub;
	memcpy(k->box_sk, s->plain, 32);
	memcpy(k->sign_sk, s->plain + 32, 64);
	/* The keys inside must be the ones the file states in the clear. */
	if (crypto_scalarmult_base(s->box_pk, k->box_sk) != 0 ||
	    sodium_memcmp(s->box_pk, k->pub.box_pk, 32) != 0) {
		rc = KEYFILE_ERR_MISMATCH;
		goto done;
	}
	crypto_sign_ed25519_sk_to_seed(s->seed, k->sign_sk);
	crypto_sign_seed_keypair(s->sign_pk, s->sign_sk, s->seed);
	if (sodium_memcmp(s->sign_pk, k->pub.sign_pk, 32) != 0 ||
	    sodium_memcmp(s->sign_sk, k->sign_sk, 64) != 0) {
		rc = KEYFILE_ERR_MISMATCH;
		goto done;
	}
	rc = KEYFILE_OK;
done:
	if (s != NULL) {
		sodium_memzero(s, sizeof *s);
		sodium_free(s);
	}
	if (rc == KEYFILE_OK) {
		sodium_mprotect_readonly(k);
		*out = k;
	} else if (k != NULL) {
		sodium_memzero(k, sizeof *k);
		sodium_free(k);
	}
	return rc;
}

/*
 * Reads a whole small regular file (fileio_read_small) into a new malloc'd
 * buffer. Returns KEYFILE_OK, KEYFILE_ERR_IO (errno set), KEYFILE_ERR_NOMEM
 * or KEYFILE_ERR_FORMAT (too large).
 */
static int
read_file(const char *path, char **out, size_t *outlen)
{
	if (fileio_read_small(path, FILE_MAX, 0, out, outlen) == 0)
		return KEYFILE_OK;
	return errno == EFBIG    ? KEYFILE_ERR_FORMAT
	       : errno == ENOMEM ? KEYFILE_ERR_NOMEM
	                         : KEYFILE_ERR_IO;
}

/* Reads and parses a key file into a JSON object. Returns KEYFILE_OK or an error. */
static int
load_json(json_t **out, const char *path)
{
	json_error_t err;
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	rc = read_file(path, &buf, &len);
	if (rc != KEYFILE_OK)
		return rc;
	*out = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	free(buf);
	if (*out == NULL)
		return KEYFILE_ERR_FORMAT;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return KEYFILE_ERR_FORMAT;
	}
	return KEYFILE_OK;
}

int
keyfile_load_public(struct keyfile_public *pub, const char *path)
{
	struct secret_fields f;
	json_t *j;
	const char *type;
	int rc;

	rc = load_json(&j, path);
	if (rc != KEYFILE_OK)
		return rc;
	type = get_str(j, "type");
	if (type != NULL && strcmp(type, PUBLIC_TYPE) == 0) {
		rc = keyfile_public_from_json(pub, j);
	} else if (type != NULL && strcmp(type, SECRET_TYPE) == 0) {
		rc = parse_secret(&f, j);
		if (rc == KEYFILE_OK)
			*pub = f.pub;
	} else {
		rc = KEYFILE_ERR_FORMAT;
	}
	json_decref(j);
	return rc;
}

/*
 * Creates path for writing, never following a symlink and never replacing
 * anything. Returns KEYFILE_OK with *fd set, KEYFILE_ERR_EXISTS or
 * KEYFILE_ERR_IO (errno set).
 */
static int
create_file(const char *path, mode_t mode, int *fd)
{
	*fd = fileio_create(path, mode);
	if (*fd < 0)
		return errno == EEXIST ? KEYFILE_ERR_EXISTS : KEYFILE_ERR_IO;
	return KEYFILE_OK;
}

/* Closes and removes a file made by create_file, keeping errno. */
static void
abandon_file(int fd, const char *path)
{
	int saved = errno;

	if (fd >= 0)
		close(fd);
	unlink(path);
	errno = saved;
}

/*
 * Writes data to a file made by create_file, fsyncs it and its directory
 * and closes it (fileio_finish_fd). Returns KEYFILE_OK, or KEYFILE_ERR_IO (errno set) with the
 * file removed.
 */
static int
finish_file(int fd, const char *path, const char *data, size_t len)
{
	return fileio_finish_fd(fd, path, data, len) == 0 ? KEYFILE_OK : KEYFILE_ERR_IO;
}

/*
 * Writes json_dumps of obj and a newline to a file made by create_file.
 * Returns as finish_file, or KEYFILE_ERR_NOMEM; on failure the file is
 * removed.
 */
static int
finish_json(int fd, const char *path, const json_t *obj)
{
	char *text = json_dumps(obj, JSON_INDENT(2));
	char *withnl;
	size_t len;
	int rc;

	if (text == NULL) {
		abandon_file(fd, path);
		return KEYFILE_ERR_NOMEM;
	}
	len = strlen(text);
	withnl = realloc(text, len + 2);
	if (withnl == NULL) {
		free(text);
		abandon_file(fd, path);
		return KEYFILE_ERR_NOMEM;
	}
	withnl[len] = '\n';
	withnl[len + 1] = '\0';
	rc = finish_file(fd, path, withnl, len + 1);
	free(withnl);
	return rc;
}

int
keyfile_write_public(const char *path, const struct keyfile_public *pub)
{
	json_t *j;
	int rc, fd;

	if (!codec_district_valid(pub->id) || !name_valid(pub->name, strlen(pub->name)))
		return KEYFILE_ERR_ARG;
	j = keyfile_public_to_json(pub);
	if (j == NULL)
		return KEYFILE_ERR_NOMEM;
	rc = create_file(path, 0644, &fd);
	if (rc == KEYFILE_OK)
		rc = finish_json(fd, path, j);
	json_decref(j);
	return rc;
}

int
keyfile_write_secret(const char *path, const struct keyfile_secret *k, const char *passphrase,
                     size_t passlen, enum keyfile_kdf kdf)
{
	struct scratch *s;
	unsigned long long ops;
	size_t mem;
	uint8_t salt[SALT_BYTES], nonce[NONCE_BYTES], ct[CT_BYTES], ad[AD_MAX];
	char salt64[CODEC_B64U_BUF(SALT_BYTES)], nonce64[CODEC_B64U_BUF(NONCE_BYTES)];
	char ct64[CODEC_B64U_BUF(CT_BYTES)];
	char box64[CODEC_B64U_BUF(32)], sign64[CODEC_B64U_BUF(32)];
	size_t adlen;
	json_t *j;
	int rc, fd;

	switch (kdf) {
	case KEYFILE_KDF_INTERACTIVE:
		ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
		break;
	case KEYFILE_KDF_MODERATE:
		ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
		mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
		break;
	case KEYFILE_KDF_SENSITIVE:
		ops = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
		mem = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
		break;
	default:
		return KEYFILE_ERR_ARG;
	}
	/* An empty passphrase would leave the district's keys unprotected. */
	if (passphrase == NULL || passlen == 0)
		return KEYFILE_ERR_ARG;
	if (!codec_district_valid(k->pub.id) || !name_valid(k->pub.name, strlen(k->pub.name)))
		return KEYFILE_ERR_ARG;
	/* Claim the path before the slow KDF, so a refusal comes at once. */
	rc = create_file(path, 0600, &fd);
	if (rc != KEYFILE_OK)
		return rc;
	s = sodium_malloc(sizeof *s);
	if (s == NULL) {
		abandon_file(fd, path);
		return KEYFILE_ERR_NOMEM;
	}
	randombytes_buf(salt, sizeof salt);
	randombytes_buf(nonce, sizeof nonce);
	if (derive_key(s->key, passphrase, passlen, salt, ops, mem) != 0) {
		sodium_memzero(s, sizeof *s);
		sodium_free(s);
		abandon_file(fd, path);
		return KEYFILE_ERR_NOMEM;
	}
	memcpy(s->plain, k->box_sk, 32);
	memcpy(s->plain + 32, k->sign_sk, 64);
	adlen = make_ad(ad, k->pub.id);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, s->plain, PLAIN_BYTES, ad, adlen, NULL,
	                                           nonce, s->key);
	sodium_memzero(s, sizeof *s);
	sodium_free(s);

	codec_b64u_encode(salt64, sizeof salt64, salt, sizeof salt);
	codec_b64u_encode(nonce64, sizeof nonce64, nonce, sizeof nonce);
	codec_b64u_encode(ct64, sizeof ct64, ct, sizeof ct);
	codec_b64u_encode(box64, sizeof box64, k->pub.box_pk, 32);
	codec_b64u_encode(sign64, sizeof sign64, k->pub.sign_pk, 32);
	j = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:{s:s, s:I, s:I, s:s}, s:s, s:s}", "type",
	              SECRET_TYPE, "v", 1, "id", k->pub.id, "name", k->pub.name, "box_pk", box64,
	              "sign_pk", sign64, "kdf", "alg", KDF_ALG, "opslimit", (json_int_t)ops,
	              "memlimit", (json_int_t)mem, "salt", salt64, "nonce", nonce64, "ciphertext",
	              ct64);
	if (j == NULL) {
		abandon_file(fd, path);
		return KEYFILE_ERR_NOMEM;
	}
	rc = finish_json(fd, path, j);
	json_decref(j);
	return rc;
}

int
keyfile_unlock(struct keyfile_secret **out, const char *path, const char *passphrase,
               size_t passlen)
{
	json_t *j;
	int rc;

	*out = NULL;
	rc = load_json(&j, path);
	if (rc != KEYFILE_OK)
		return rc;
	rc = keyfile_unlock_json(out, j, passphrase, passlen);
	json_decref(j);
	return rc;
}
