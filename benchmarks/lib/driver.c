/* driver.c - see driver.h. */
#include "driver.h"

#include <stdio.h>

void rt_bench_threads_doubling(rt_bench *b, int first, int most)
{
    for (int t = first; t < most; t *= 2)
        rt_bench_threads(b, t);
    rt_bench_threads(b, most);
}

int rt_run_reported(const char *prog)
{
    int errors = rt_run();
    if (errors < 0)
        fprintf(stderr, "%s: no benchmark matched --benchmark_filter\n", prog);
    else if (errors > 0)
        fprintf(stderr, "%s: %d runs reported errors\n", prog, errors);
    return errors;
}

int rt_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int rt_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
