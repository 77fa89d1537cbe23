/*
 * cpu.c - the compute kernel, its calibration, and the cpu workload.
 */
#include <time.h>

#include "work/workloads.h"

/* The item's seed: SplitMix64's increment, one per lane. */
void rt_cpu_start(rt_cpu_state *s, uint64_t item)
{
    s->lane[0] = item * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    for (int i = 1; i < RT_CPU_LANES; i++)
        s->lane[i] = s->lane[i - 1] + 0x9E3779B97F4A7C15ull;
}

_Static_assert(RT_CPU_LANES == 4, "run keeps the four lanes in a, b, c and d");

/* The kernel: `steps` steps on s's lanes, in units of `unit` steps with
 * the eval breaker polled after each when there is a GIL.  Every caller runs
 * this one compiled loop, so a step costs the same with a GIL or without
 * and as much as the calibration timed: the same source inlined into
 * rt_work_item compiled to a loop of another speed.
 * Between units the lanes stay in registers and the poll's check is inline
 * (gil.h), so polling an uncontended GIL costs about what CPython's eval
 * breaker check does, little (README, the GIL as a mode of the team). */
__attribute__((noinline)) static void run(rt_cpu_state *s, int64_t steps, int64_t unit,
                                          rt_gil_thread *gil)
{
    uint64_t a = s->lane[0], b = s->lane[1], c = s->lane[2], d = s->lane[3];
    for (int64_t left = steps; left > 0; left -= unit) {
        int64_t n = left < unit ? left : unit;
        for (int64_t i = 0; i < n; i++) {
            /* Four independent updates the core issues together, then
             * four that tie each lane to the next, so no lane can be
             * dropped and a step cannot be folded or vectorised. */
            a ^= a >> 31;
            b ^= b << 7;
            c += c >> 3;
            d ^= d >> 11;
            a += b;
            b += c;
            c ^= d;
            d += a >> 5;
        }
        if (gil)
            rt_gil_poll(gil);
    }
    s->lane[0] = a, s->lane[1] = b, s->lane[2] = c, s->lane[3] = d;
}

void rt_cpu_steps(rt_cpu_state *s, int64_t steps)
{
    run(s, steps, steps, NULL);
}

uint64_t rt_cpu_result(const rt_cpu_state *s)
{
    return s->lane[0] ^ s->lane[1] ^ s->lane[2] ^ s->lane[3];
}

uint64_t rt_cpu_item(uint64_t item, int64_t steps)
{
    rt_cpu_state s;
    rt_cpu_start(&s, item);
    rt_cpu_steps(&s, steps);
    return rt_cpu_result(&s);
}

uint64_t rt_work_item(rt_worker *w, uint64_t item, int64_t steps)
{
    rt_cpu_state s;
    rt_cpu_start(&s, item);
    if (w->gil)
        run(&s, steps, w->gil_poll_steps, w->gil);
    else
        run(&s, steps, steps, NULL);
    return rt_cpu_result(&s);
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

double rt_cpu_steps_per_us(double ms, int trials)
{
    /* Grow a probe until it takes a tenth of the target, then scale. */
    int64_t steps = 1000;
    double t;
    for (;;) {
        double t0 = seconds_now();
        volatile uint64_t sink = rt_cpu_item(1, steps);
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
        volatile uint64_t sink = rt_cpu_item((uint64_t)i, steps);
        (void)sink;
        double rate = (double)steps / ((seconds_now() - t0) * 1e6);
        if (rate > best)
            best = rate;
    }
    return best;
}

static int cpu_run(rt_worker *w)
{
    const rt_cpu_config *c = w->config;
    for (int64_t i = w->first; i < w->first + w->count; i++)
        w->checksum += rt_work_item(w, (uint64_t)i, c->steps);
    return 0;
}

const rt_workload rt_work_cpu = { "cpu", NULL, cpu_run, NULL };
