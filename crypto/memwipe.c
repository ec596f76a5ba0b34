/* memwipe: see memwipe.h. */
#include "crypto/memwipe.h"

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
