/*
 * memwipe: malloc-compatible allocation functions that wipe memory when it
 * is freed, for the libraries that hold request bodies, manifests and
 * decrypted text in their own heap (Jansson, libevent). Blocks stay
 * compatible with plain free(), so code that frees a json_dumps() result
 * with free() keeps working; freeing through memwipe_free also wipes.
 */
#ifndef QF_CRYPTO_MEMWIPE_H
#define QF_CRYPTO_MEMWIPE_H

#include <stddef.h>

/* malloc. Returns NULL when memory runs out. */
void *memwipe_malloc(size_t n);

/*
 * realloc that never leaves the old contents behind: a move wipes the old
 * block. Returns NULL (p untouched) when memory runs out.
 */
void *memwipe_realloc(void *p, size_t n);

/* Wipes the whole block (malloc_usable_size) and frees it; NULL is fine. */
void memwipe_free(void *p);

/* Makes Jansson allocate with memwipe_malloc and free with memwipe_free. Cannot fail. */
void memwipe_jansson(void);

/*
 * Keeps the process's memory out of core files: RLIMIT_CORE 0 (soft and
 * hard) and, on Linux, not dumpable (PR_SET_DUMPABLE 0: no core, no ptrace
 * by others of the same user). For every program's main(), first thing.
 * Returns 0, or -1 (errno set) when either call failed; the caller goes on.
 */
int memwipe_no_core_dumps(void);

#endif
