/*
 * fuzz: what the libFuzzer harnesses of tests/fuzz/ share: the entry points
 * libFuzzer calls, scratch directories that go away at exit, small file
 * helpers, the known-answer keys of tests/vectors/ (district d01 and the
 * chain vector's server key) built in, and the seed mode: with
 * QF_FUZZ_SEEDS=DIR a harness writes its generated seed inputs to DIR and
 * exits (tests/fuzz/mkcorpus.sh uses it to make tests/fuzz/corpus/).
 * Test support only: a failed set-up aborts the harness.
 */
#ifndef QF_TESTS_FUZZ_H
#define QF_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/keyfile.h"

/* The entry points libFuzzer calls. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* tests/vectors/keys.json: district d01 (its secret file opens with FZ_D01_PASS). */
#define FZ_D01_BOX_PK  "SR51-wGqHTyAd-mygRaEYlCVyW_Rf8Th-PsriVP2pys"
#define FZ_D01_SIGN_PK "NbAz0Y8hvxcLg-Lk7Ux9-S7LGmZZ6YFfwzoMXZn7QUU"
#define FZ_D01_BOX_SK  "FCv1TbM72QzL-SxWA5DU0dKZzM0YJ7LopDiJNP3w2ew"
#define FZ_D01_SIGN_SK                                                                             \
	"3NxCSBF-gzJtClyTj5nZ-eIk0QN8k7phQ6yem6OW06k1sDPRjyG_FwuD4uTtTH35LssaZlnpgV_DOgxdmftBRQ"
#define FZ_D01_PUB_JSON                                                                            \
	"{\"type\":\"qingfeng-district-public\",\"v\":1,\"id\":\"d01\",\"name\":"                  \
	"\"测试区纪委监委\","                                                               \
	"\"box_pk\":\"" FZ_D01_BOX_PK "\",\"sign_pk\":\"" FZ_D01_SIGN_PK "\","                     \
	"\"fingerprint\":\"b81b 2ef3 d63b 16ca ac5e 29ef 6391 f289\"}"
/* tests/vectors/chain.json: the server key that signed the chain vector. */
#define FZ_SERVER_SIGN_PK "naNgJwSy-Bk1bgBrF75cVhcTZBPY9SyTG9mtg2wFxGo"
#define FZ_SERVER_SIGN_SK                                                                          \
	"nRTZzVHSGist7ZRiaRn3Hr2a3GWzZ8K4q-b1y8uNP0edo2AnBLL4GTVuAGsXvlxWFxNkE9j1LJMb2a2DbAXEag"
/* tests/vectors/pow.json */
#define FZ_POW_KEY "4-iIo3hO4oT3CPrshF8Ec4EGuVaA3z4B6cdMK8F-Aio"

/* Aborts with a message naming what failed. */
void fz_die(const char *what) __attribute__((noreturn));

/* Reports a broken property (what the harness found) and aborts: a finding. */
void fz_fail(const char *what) __attribute__((noreturn));

/* Decodes b64u text of exactly n bytes into out; aborts on failure. */
void fz_b64u(uint8_t *out, size_t n, const char *txt);

/* The d01 key set of the vectors in sodium_malloc'd memory (built once). */
const struct keyfile_secret *fz_d01(void);

/*
 * A new scratch directory named after tag under $QF_FUZZ_TMP, /dev/shm or
 * /tmp, removed (with everything in it) when the process exits. Returns
 * its path (static storage, one per call).
 */
const char *fz_tmpdir(const char *tag);

/* Removes path and everything under it. Cannot fail (errors ignored). */
void fz_rmrf(const char *path);

/* Writes len bytes to path (created or truncated). Returns 0, or -1. */
int fz_write_file(const char *path, const void *data, size_t len);

/* Copies the regular file src to dst (created or truncated). Returns 0, or -1. */
int fz_copy_file(const char *src, const char *dst);

/* Makes stdout and stderr /dev/null (1) or restores them (0), for chatty callees. */
void fz_quiet(int on);

/* The seed directory when QF_FUZZ_SEEDS is set, else NULL. */
const char *fz_seed_dir(void);

/* Writes one seed input named name into the seed directory; aborts on failure. */
void fz_seed(const char *name, const void *data, size_t len);

/* fz_seed for a NUL-terminated text. */
void fz_seed_text(const char *name, const char *text);

/* A store_check report callback that ignores the message. */
void fz_ignore(void *ctx, const char *msg);

/* A 64-bit FNV-1a hash of the input, for choices that must be repeatable. */
uint64_t fz_hash(const uint8_t *data, size_t size);

#endif

/* ---- a server data directory with known cases -------------------------- */

struct config;

/*
 * The values derived from receipt number i of the fixture (they stand in for
 * a real receipt's): lookup, auth, auth_hash and the reply key pair. Any of
 * the outputs may be NULL.
 */
void fz_case_keys(unsigned i, uint8_t lookup[32], uint8_t auth[32], uint8_t auth_hash[32],
                  uint8_t reply_pk[32], uint8_t reply_sk[32]);

/* Writes len bytes shaped like an envelope (magic, then bytes from salt). */
void fz_fake_envelope(uint8_t *out, size_t len, unsigned salt);

/* The length of the fixture's envelopes: one padded 4096-byte chunk. */
#define FZ_ENVELOPE_LEN (108 + 4096 + 17)

/*
 * Makes a data directory (qingfeng-intake init, district add d01) under a
 * scratch directory, lets edit (if not NULL) change its config, and stores
 * nreports reports (cases 1..nreports, days 2026-01-01...) and one
 * follow-up to case 1, every entry exported. Returns its path.
 */
const char *fz_data_dir(const char *tag, unsigned nreports, void (*edit)(struct config *c));
