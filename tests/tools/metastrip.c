/*
 * metastrip: runs the reporter CLI's metadata stripper (report/metastrip.h)
 * on one file, for tests/web/metastrip-parity.test.mjs, which compares its
 * output with the page's web/js/metastrip.js byte for byte. Test support only.
 *
 *   metastrip IN OUT   writes the cleaned image to OUT and exits 0; exits 1
 *                      with the reason on stderr for a malformed image, 3 with
 *                      the kind on stderr for a file that is not a JPEG, PNG
 *                      or WebP, 2 for a usage or I/O error.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/metastrip.h"

int
main(int argc, char **argv)
{
	FILE *f;
	uint8_t *in = NULL, *out = NULL;
	size_t len = 0, cap = 0, outlen = 0;
	const char *why = NULL;
	int rc;

	if (argc != 3 || sodium_init() < 0) {
		fputs("usage: metastrip IN OUT\n", stderr);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL) {
		perror(argv[1]);
		return 2;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *p = realloc(in, cap ? cap * 2 : 65536);

			if (p == NULL)
				return 2;
			in = p;
			cap = cap ? cap * 2 : 65536;
		}
		n = fread(in + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f))
		return 2;
	fclose(f);
	rc = metastrip_image(in, len, &out, &outlen, &why);
	if (rc == METASTRIP_ERR_KIND) {
		fprintf(stderr, "%s\n", metastrip_kind_name(metastrip_sniff(in, len)));
		free(in);
		return 3;
	}
	free(in);
	if (rc != METASTRIP_OK) {
		fprintf(stderr, "%s\n", why);
		return rc == METASTRIP_ERR_FORMAT ? 1 : 2;
	}
	f = fopen(argv[2], "wb");
	if (f == NULL || fwrite(out, 1, outlen, f) != outlen || fclose(f) != 0) {
		perror(argv[2]);
		return 2;
	}
	metastrip_free(out);
	return 0;
}
