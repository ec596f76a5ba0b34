/* memwipe: see memwipe.h. */
#include "crypto/memwipe.h"

#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <jansson.h>
#include <malloc.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void *
memwipe_malloc(size_t n)
{
	return malloc(n);
}

void *
memwipe_realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (p == NULL)
		return malloc(n);
	old = malloc_usable_size(p);
	if (n <= old)
		return p; /* shrinking in place keeps the block; the tail is wiped on free */
	q = malloc(n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, old);
	memwipe_free(p);
	return q;
}

void
memwipe_free(void *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

void
memwipe_jansson(void)
{
	json_set_alloc_funcs(memwipe_malloc, memwipe_free);
}

int
memwipe_no_core_dumps(void)
{
	struct rlimit none = {0, 0};
	int rc = setrlimit(RLIMIT_CORE, &none);

#ifdef __linux__
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		rc = -1;
#endif
	return rc;
}
