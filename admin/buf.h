/*
 * buf: the offline tool's two small memory helpers, so that each module
 * does not write them again: a formatted string on the heap (a message a
 * caller frees) and growing an array by doubling.
 */
#ifndef QF_ADMIN_BUF_H
#define QF_ADMIN_BUF_H

#include <stddef.h>

/*
 * The printf-formatted string as a new malloc'd string (the caller frees
 * it). Returns NULL when memory runs out or the format fails.
 */
char *buf_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Makes the malloc'd array *arr of *cap elements of size bytes hold at
 * least need (doubling, from 64), updating *arr and *cap. Returns 0, or -1
 * when memory runs out (the array is then unchanged).
 */
int buf_grow(void **arr, size_t *cap, size_t need, size_t size);

#endif
