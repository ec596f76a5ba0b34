/* testutil: see testutil.h. */
#include "tests/unit/testutil.h"

#include "tests/unit/cm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"

json_t *
testutil_vector(const char *name)
{
	const char *dir = getenv("QF_VECTORS");
	char path[4096];
	json_error_t err;
	json_t *j;

	if (dir == NULL)
		dir = "tests/vectors";
	snprintf(path, sizeof path, "%s/%s", dir, name);
	j = json_load_file(path, 0, &err);
	if (j == NULL)
		fail_msg("cannot load vector %s: %s (line %d)", path, err.text, err.line);
	return j;
}

const char *
testutil_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	if (s == NULL)
		fail_msg("vector has no string \"%s\"", key);
	return s;
}

void
testutil_b64u(uint8_t *out, size_t n, const char *txt)
{
	if (codec_b64u_decode_exact(out, n, txt) != 0)
		fail_msg("not %zu bytes of b64u: %.40s", n, txt);
}

uint8_t *
testutil_b64u_alloc(const char *txt, size_t *len)
{
	size_t tl = strlen(txt);
	uint8_t *buf = malloc(tl * 3 / 4 + 1);

	assert_non_null(buf);
	if (codec_b64u_decode(buf, tl * 3 / 4 + 1, len, txt, tl) != 0)
		fail_msg("not b64u: %.40s", txt);
	return buf;
}

char *
testutil_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (base == NULL)
		base = "/tmp";
	path = malloc(strlen(base) + 32);
	assert_non_null(path);
	sprintf(path, "%s/qftest.XXXXXX", base);
	assert_non_null(mkdtemp(path));
	return path;
}

void
testutil_rmtree(const char *path)
{
	char cmd[4200];

	if (path == NULL || strncmp(path, "/", 1) != 0 || strstr(path, "qftest.") == NULL)
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", path);
}
