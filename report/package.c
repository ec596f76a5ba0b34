/* package: see package.h. */
#include "report/package.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/envelope.h"

#define READ_CHUNK ENVELOPE_CHUNK

const char *
package_strerror(int err)
{
	switch (err) {
	case PACKAGE_OK:
		return "ok";
	case PACKAGE_ERR_NOMEM:
		return "out of memory";
	case PACKAGE_ERR_TOO_LARGE:
		return "the report with its attachments is larger than the server accepts";
	case PACKAGE_ERR_IO:
		return "cannot read an attachment";
	case PACKAGE_ERR_CHANGED:
		return "an attachment changed while it was being read";
	case PACKAGE_ERR_SEAL:
		return "the text is too long to seal";
	default:
		return "unknown packaging error";
	}
}

static uint64_t
unpadded(size_t mlen, const struct manifest_file *files, size_t nfiles)
{
	uint64_t total = 4;

	if ((uint64_t)mlen > UINT64_MAX - total)
		return 0;
	total += mlen;
	for (size_t i = 0; i < nfiles; i++) {
		if (files[i].size > UINT64_MAX - total)
			return 0;
		total += files[i].size;
	}
	return total;
}

uint64_t
package_size(size_t mlen, const struct manifest_file *files, size_t nfiles)
{
	uint64_t u = unpadded(mlen, files, nfiles);

	return u == 0 ? 0 : envelope_sealed_size(u);
}

/*
 * Reads one file of the announced size, hashing it into hash (H256) and,
 * when s is not NULL, streaming it into the sealer. Returns PACKAGE_OK,
 * PACKAGE_ERR_IO (errno set), PACKAGE_ERR_CHANGED (shorter or longer than
 * announced) or PACKAGE_ERR_SEAL.
 */
static int
read_file(const struct manifest_file *f, uint8_t *buf, struct envelope_sealer *s, uint8_t hash[32])
{
	crypto_generichash_state h;
	uint64_t left = f->size;
	int fd;
	int rc = PACKAGE_OK;

	if (f->data != NULL) { /* a cleaned copy in memory */
		crypto_generichash(hash, 32, f->data, (size_t)f->size, NULL, 0);
		for (size_t o = 0; o < f->size; o += READ_CHUNK) {
			size_t n = f->size - o < READ_CHUNK ? (size_t)(f->size - o) : READ_CHUNK;

			if (s != NULL && envelope_seal_update(s, f->data + o, n) != ENVELOPE_OK)
				return PACKAGE_ERR_SEAL;
		}
		return PACKAGE_OK;
	}
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return PACKAGE_ERR_IO;
	crypto_generichash_init(&h, NULL, 0, 32);
	while (left > 0) {
		size_t want = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
		ssize_t n = read(fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = PACKAGE_ERR_IO;
			goto out;
		}
		if (n == 0) {
			rc = PACKAGE_ERR_CHANGED; /* shorter than it was */
			goto out;
		}
		crypto_generichash_update(&h, buf, (size_t)n);
		if (s != NULL && envelope_seal_update(s, buf, (size_t)n) != ENVELOPE_OK) {
			rc = PACKAGE_ERR_SEAL;
			goto out;
		}
		left -= (uint64_t)n;
	}
	/* longer than it was? */
	for (;;) {
		ssize_t n = read(fd, buf, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = PACKAGE_ERR_IO;
		else if (n > 0)
			rc = PACKAGE_ERR_CHANGED;
		break;
	}
out:
	crypto_generichash_final(&h, hash, 32);
	sodium_memzero(&h, sizeof h);
	sodium_memzero(buf, READ_CHUNK);
	{
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return rc;
}

int
package_hash_files(const struct manifest_file *files, size_t nfiles, uint8_t (*hashes)[32],
                   size_t *bad_file)
{
	uint8_t *buf = sodium_malloc(READ_CHUNK);
	int rc = PACKAGE_OK;

	*bad_file = 0;
	if (buf == NULL)
		return PACKAGE_ERR_NOMEM;
	for (size_t i = 0; i < nfiles && rc == PACKAGE_OK; i++) {
		rc = read_file(&files[i], buf, NULL, hashes[i]);
		if (rc != PACKAGE_OK)
			*bad_file = i;
	}
	{
		int saved = errno;
		sodium_free(buf);
		errno = saved;
	}
	return rc;
}

int
package_seal(uint8_t **env, size_t *envlen, const uint8_t box_pk[32], const char *manifest,
             size_t mlen, const struct manifest_file *files, size_t nfiles,
             const uint8_t (*hashes)[32], uint64_t max_bytes, size_t *bad_file)
{
	struct envelope_sealer *s = NULL;
	struct envelope_outbuf o = {NULL, 0, 0}; /* of exactly the expected size */
	uint8_t *buf = NULL;
	uint64_t u = unpadded(mlen, files, nfiles);
	uint64_t total = u == 0 ? 0 : envelope_sealed_size(u);
	int rc, saved_errno = 0;

	*env = NULL;
	*envlen = 0;
	*bad_file = 0;
	if (mlen > ENVELOPE_MANIFEST_MAX)
		return PACKAGE_ERR_SEAL;
	if (total == 0 || total > SIZE_MAX || (max_bytes != 0 && total > max_bytes))
		return PACKAGE_ERR_TOO_LARGE;
	o.cap = (size_t)total;
	o.p = malloc(o.cap);
	buf = sodium_malloc(READ_CHUNK);
	if (o.p == NULL || buf == NULL) {
		rc = PACKAGE_ERR_NOMEM;
		goto fail;
	}
	rc = envelope_seal_init(&s, box_pk, u, envelope_outbuf_sink, &o);
	if (rc != ENVELOPE_OK) {
		rc = rc == ENVELOPE_ERR_NOMEM ? PACKAGE_ERR_NOMEM : PACKAGE_ERR_SEAL;
		goto fail;
	}
	if (envelope_seal_manifest(s, manifest, mlen) != ENVELOPE_OK) {
		rc = PACKAGE_ERR_SEAL;
		goto fail;
	}
	for (size_t i = 0; i < nfiles; i++) {
		uint8_t h[32];

		rc = read_file(&files[i], buf, s, h);
		if (rc == PACKAGE_OK && hashes != NULL && sodium_memcmp(h, hashes[i], 32) != 0)
			rc = PACKAGE_ERR_CHANGED; /* not the bytes the signature covers */
		if (rc != PACKAGE_OK) {
			saved_errno = errno;
			*bad_file = i;
			goto fail;
		}
	}
	if (envelope_seal_final(s) != ENVELOPE_OK || o.len != o.cap) {
		rc = PACKAGE_ERR_SEAL;
		goto fail;
	}
	envelope_seal_free(s);
	sodium_free(buf);
	*env = o.p;
	*envlen = o.len;
	return PACKAGE_OK;
fail:
	envelope_seal_free(s);
	if (buf != NULL)
		sodium_free(buf);
	free(o.p);
	if (saved_errno != 0)
		errno = saved_errno;
	return rc;
}
