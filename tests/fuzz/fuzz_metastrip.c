/*
 * fuzz_metastrip: the reporter CLI's metadata stripper (report/metastrip.h)
 * on any bytes: no crash, no read outside the input; an input is either
 * refused with a reason or cleaned into a file of the same kind, at most a
 * few dozen bytes longer, that cleans to itself again. Input: a file's bytes.
 * Seeds: the page's image fixtures (tests/web/fixtures), read from the
 * source tree when the seeds are made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "report/metastrip.h"
#include "tests/fuzz/fuzz.h"

static void
seed_fixture(const char *name)
{
	char path[256];
	FILE *f;
	uint8_t *b = malloc(1 << 20);
	size_t n;

	if (b == NULL)
		fz_die("malloc");
	snprintf(path, sizeof path, "tests/web/fixtures/%s", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fz_die(path);
	n = fread(b, 1, 1 << 20, f);
	fclose(f);
	fz_seed(name, b, n);
	free(b);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	if (fz_seed_dir() != NULL) {
		seed_fixture("gps.jpg");
		seed_fixture("phone.jpg");
		seed_fixture("meta.png");
		seed_fixture("phone.png");
		seed_fixture("phone.webp");
		exit(0);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out = NULL, *again = NULL;
	size_t outlen = 0, againlen = 0;
	const char *why = NULL;
	enum metastrip_kind kind = metastrip_sniff(data, size);
	int rc = metastrip_image(data, size, &out, &outlen, &why);

	if (rc != METASTRIP_OK) {
		if (out != NULL || outlen != 0 || why == NULL || why[0] == '\0')
			fz_fail("a refusal left output or gave no reason");
		if ((rc == METASTRIP_ERR_KIND) !=
		    (kind != METASTRIP_JPEG && kind != METASTRIP_PNG && kind != METASTRIP_WEBP))
			fz_fail("refused as another kind than sniff says");
		return 0;
	}
	if (metastrip_sniff(out, outlen) != kind)
		fz_fail("the cleaned file is of another kind");
	if (outlen > size + 72)
		fz_fail("the cleaned file grew more than the written segments allow");
	if (metastrip_image(out, outlen, &again, &againlen, &why) != METASTRIP_OK)
		fz_fail("the cleaned file is refused");
	if (againlen != outlen || memcmp(again, out, outlen) != 0)
		fz_fail("cleaning again changed the file");
	metastrip_free(again);
	metastrip_free(out);
	return 0;
}
