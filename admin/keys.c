/* keys: see keys.h. */
#include "admin/keys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "admin/term.h"
#include "crypto/chain.h"

int
keys_unlock(struct keyfile_secret **out, const char *path, const char *passfile,
            const char *district, char *err, size_t errsz)
{
	struct keyfile_public pub;
	struct term_pass pass = {NULL, 0};
	char prompt[128 + CODEC_DISTRICT_BUF];
	int rc;

	*out = NULL;
	rc = keyfile_load_public(&pub, path);
	if (rc != KEYFILE_OK) {
		snprintf(err, errsz, "key file %s: %s%s%s", path, keyfile_strerror(rc),
		         rc == KEYFILE_ERR_IO ? ": " : "",
		         rc == KEYFILE_ERR_IO ? strerror(errno) : "");
		return -1;
	}
	if (district != NULL && strcmp(pub.id, district) != 0) {
		snprintf(err, errsz, "key file %s is for district %s, not %s", path, pub.id,
		         district);
		return -1;
	}
	snprintf(prompt, sizeof prompt, "Passphrase for the key of district %s: ", pub.id);
	if (term_read_pass(&pass, prompt, passfile, err, errsz) != 0)
		return -1;
	rc = keyfile_unlock(out, path, pass.buf, pass.len);
	term_pass_free(&pass);
	if (rc != KEYFILE_OK) {
		snprintf(err, errsz, "key file %s: %s", path, keyfile_strerror(rc));
		*out = NULL;
		return -1;
	}
	if (district != NULL && strcmp((*out)->pub.id, district) != 0) {
		keyfile_secret_free(*out);
		*out = NULL;
		snprintf(err, errsz, "key file %s is not for district %s", path, district);
		return -1;
	}
	return 0;
}
