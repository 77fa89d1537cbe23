/*
 * cpu.c - the compute kernel, its calibration, and the cpu workload.
 */
#include <time.h>

#include "work/workloads.h"

/* A dependent chain of SplitMix64-style steps: each step needs the one
 * before, so it cannot be vectorised or folded, and the result feeds the
 * checksum, so it cannot be dropped. */
uint64_t rt_cpu_seed(uint64_t item)
{
    return item * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
}

uint64_t rt_cpu_steps(uint64_t x, int64_t steps)
{
    for (int64_t i = 0; i < steps; i++) {
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9ull;
    }
    return x;
}

uint64_t rt_cpu_item(uint64_t item, int64_t steps)
{
    return rt_cpu_steps(rt_cpu_seed(item), steps);
}

uint64_t rt_work_item(rt_worker *w, uint64_t item, int64_t steps)
{
    if (!w->gil)
        return rt_cpu_item(item, steps);
    uint64_t x = rt_cpu_seed(item);
    for (int64_t left = steps; left > 0; left -= w->gil_poll_steps) {
        x = rt_cpu_steps(x, left < w->gil_poll_steps ? left : w->gil_poll_steps);
        rt_gil_poll(w->gil);
    }
    return x;
}

uint64_t rt_cpu_checksum(int64_t first, int64_t count, int64_t steps)
{
    uint64_t sum = 0;
    for (int64_t i = first; i < first + count; i++)
        sum += rt_cpu_item((uint64_t)i, steps);
    return sum;
}

uint64_t rt_index_checksum(int64_t first, int64_t count)
{
    /* count * (2 first + count - 1) / 2, modulo 2^64 */
    uint64_t a = (uint64_t)count, b = 2 * (uint64_t)first + (uint64_t)count - 1;
    return a % 2 == 0 ? a / 2 * b : b / 2 * a;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double rt_steps_per_us(uint64_t (*run)(uint64_t seed, int64_t steps), double ms, int trials)
{
    /* Grow a probe until it takes a tenth of the target, then scale. */
    int64_t steps = 1000;
    double t;
    for (;;) {
        double t0 = seconds_now();
        volatile uint64_t sink = run(1, steps);
        (void)sink;
        t = seconds_now() - t0;
        if (t * 1e3 >= ms / 10 || steps > ((int64_t)1 << 40))
            break;
        steps *= 4;
    }
    steps = (int64_t)((double)steps * (ms / 1e3) / t) + 1;
    double best = 0;
    for (int i = 0; i < trials; i++) {
        double t0 = seconds_now();
        volatile uint64_t sink = run((uint64_t)i, steps);
        (void)sink;
        double rate = (double)steps / ((seconds_now() - t0) * 1e6);
        if (rate > best)
            best = rate;
    }
    return best;
}

double rt_cpu_steps_per_us(double ms, int trials)
{
    return rt_steps_per_us(rt_cpu_item, ms, trials);
}

static int cpu_run(rt_worker *w)
{
    const rt_cpu_config *c = w->config;
    for (int64_t i = w->first; i < w->first + w->count; i++)
        w->checksum += rt_work_item(w, (uint64_t)i, c->steps);
    return 0;
}

const rt_workload rt_work_cpu = { "cpu", NULL, cpu_run, NULL };
