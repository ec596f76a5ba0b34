/*
 * testutil: small helpers shared by the cmocka suites: loading a known-answer
 * vector file from $QF_VECTORS (default tests/vectors), decoding b64u fields
 * with an assertion, and making scratch directories.
 */
#ifndef QF_TESTS_TESTUTIL_H
#define QF_TESTS_TESTUTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Loads tests/vectors/<name> (e.g. "receipts.json"); fails the test if it cannot. */
json_t *testutil_vector(const char *name);

/* The string member key of obj; fails the test if it is missing. */
const char *testutil_str(const json_t *obj, const char *key);

/* Decodes b64u text that must be exactly n bytes into out; fails the test otherwise. */
void testutil_b64u(uint8_t *out, size_t n, const char *txt);

/*
 * Decodes b64u text of any length into a new malloc'd buffer; *len gets its
 * length. Fails the test if the text is not b64u.
 */
uint8_t *testutil_b64u_alloc(const char *txt, size_t *len);

/* Makes a fresh empty directory under $TMPDIR (or /tmp) and returns its malloc'd path. */
char *testutil_tmpdir(void);

/* Removes a directory tree made by testutil_tmpdir. */
void testutil_rmtree(const char *path);

#endif
