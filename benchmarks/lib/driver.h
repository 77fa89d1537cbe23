/*
 * driver.h - what every benchmark executable's main does the same way: the
 * doubling sweep of worker counts, the run and its one-line ending, and
 * the orderings its medians sort by.
 */
#ifndef RT_DRIVER_H
#define RT_DRIVER_H

#include <stdint.h>

#include "shim/rt_bench.h"

/* The largest worker count any sweep or team may ask for, whatever the
 * machine: a bound on memory and on the kernel's thread limit, not a
 * figure of the machine's. */
#define RT_MAX_WORKERS 4096

/* Register b at first, 2 first, 4 first, ... below most, then most itself
 * (1 <= first <= most). */
void rt_bench_threads_doubling(rt_bench *b, int first, int most);

/* rt_run, with its outcome said on stderr in one line when it is not a
 * full success ("PROG: no benchmark matched --benchmark_filter", "PROG: N
 * runs reported errors").  Returns what rt_run returns. */
int rt_run_reported(const char *prog);

/* qsort orderings, ascending. */
int rt_cmp_i64(const void *a, const void *b);
int rt_cmp_double(const void *a, const void *b);

#endif /* RT_DRIVER_H */
