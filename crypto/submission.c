/* submission: see submission.h. */
#include "crypto/submission.h"

#include <sodium.h>
#include <string.h>

#include "crypto/codec.h"

uint8_t *
submission_build(size_t *len, const char *json, size_t jlen, const uint8_t *envelope, size_t envlen)
{
	uint8_t *out;

	*len = 0;
	if (json == NULL || jlen == 0 || jlen > SUBMISSION_JSON_MAX || envelope == NULL ||
	    envlen == 0 || envlen > SIZE_MAX - 4 - jlen)
		return NULL;
	out = sodium_malloc(4 + jlen + envlen);
	if (out == NULL)
		return NULL;
	codec_u32be_put(out, (uint32_t)jlen);
	memcpy(out + 4, json, jlen);
	memcpy(out + 4 + jlen, envelope, envlen);
	*len = 4 + jlen + envlen;
	return out;
}

int
submission_split(const uint8_t first4[4], size_t total, size_t *jlen)
{
	uint32_t n;

	*jlen = 0;
	if (total < 4)
		return -1;
	n = codec_u32be_get(first4);
	if (n == 0 || n > SUBMISSION_JSON_MAX || total - 4 <= n)
		return -1;
	*jlen = n;
	return 0;
}
