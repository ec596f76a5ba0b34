/*
 * clock: the one clock of the benchmark programs in bench/: seconds on
 * CLOCK_MONOTONIC, as a double.
 */
#ifndef QF_BENCH_CLOCK_H
#define QF_BENCH_CLOCK_H

#include <time.h>

/* Seconds since an arbitrary start, never going back. Cannot fail (Linux has the clock). */
static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
