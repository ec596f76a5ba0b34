/*
 * package: seals a manifest and its attachment files into one envelope
 * (DESIGN.md §6) for the reporter CLI. The files are streamed through the
 * envelope sealer a chunk at a time (plaintext only ever in a wiped
 * sodium_malloc'd buffer), into an output buffer sized exactly from the
 * announced lengths; a file that changes size on the way is refused.
 */
#ifndef QF_REPORT_PACKAGE_H
#define QF_REPORT_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "report/manifest.h"

enum package_err {
	PACKAGE_OK = 0,
	PACKAGE_ERR_NOMEM = -1,     /* memory ran out */
	PACKAGE_ERR_TOO_LARGE = -2, /* the envelope would exceed the limit */
	PACKAGE_ERR_IO = -3,        /* an attachment cannot be opened or read (errno set) */
	PACKAGE_ERR_CHANGED = -4,   /* an attachment's size differs from its manifest entry */
	PACKAGE_ERR_SEAL = -5       /* the sealer refused (manifest too large, or a bug) */
};

/* Human message for an error code. Never NULL. */
const char *package_strerror(int err);

/*
 * The size of the envelope for a manifest of mlen bytes and these files, or 0
 * when it would not fit in 64 bits. Cannot fail otherwise.
 */
uint64_t package_size(size_t mlen, const struct manifest_file *files, size_t nfiles);

/*
 * Hashes each file (H256 of its bytes, in hashes[i]) for a follow-up's
 * signature (DESIGN.md §6). Returns PACKAGE_OK, or PACKAGE_ERR_NOMEM,
 * PACKAGE_ERR_IO (errno set) or PACKAGE_ERR_CHANGED (a size differs from
 * the manifest entry) with *bad_file the index of the file at fault.
 */
int package_hash_files(const struct manifest_file *files, size_t nfiles, uint8_t (*hashes)[32],
                       size_t *bad_file);

/*
 * Seals u32be(mlen) || manifest || the files' bytes in order, to box_pk,
 * into a new malloc'd buffer. With hashes (not NULL), each file's bytes must
 * still hash to hashes[i] (what a follow-up's signature covers). max_bytes
 * limits the envelope (0: no limit). Returns PACKAGE_OK with *env and
 * *envlen set, or an error with *env NULL and, for PACKAGE_ERR_IO and
 * PACKAGE_ERR_CHANGED (a file changed size or bytes), *bad_file the index of
 * the file at fault. Every plaintext buffer is wiped.
 */
int package_seal(uint8_t **env, size_t *envlen, const uint8_t box_pk[32], const char *manifest,
                 size_t mlen, const struct manifest_file *files, size_t nfiles,
                 const uint8_t (*hashes)[32], uint64_t max_bytes, size_t *bad_file);

#endif
