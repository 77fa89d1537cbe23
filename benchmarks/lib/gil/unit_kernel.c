/*
 * unit_kernel.c - the emulated interpreter's work; see unit_kernel.h.
 */
#include "gil/unit_kernel.h"
#include "work/workloads.h"

void rt_unit_seed(rt_unit_lanes *l, uint64_t seed)
{
    l->a = rt_cpu_seed(seed);
    l->b = rt_cpu_seed(seed + 1);
    l->c = rt_cpu_seed(seed + 2);
    l->d = rt_cpu_seed(seed + 3);
}

void rt_unit_steps(rt_unit_lanes *l, int64_t steps)
{
    uint64_t a = l->a, b = l->b, c = l->c, d = l->d;
    for (int64_t i = 0; i < steps; i++) {
        /* Four independent updates, then four that tie the lanes together,
         * so no lane can be dropped and none waits long on another. */
        a ^= a >> 31;
        b ^= b << 7;
        c += c >> 3;
        d ^= d >> 11;
        a += b;
        b += c;
        c ^= d;
        d += a >> 5;
    }
    l->a = a, l->b = b, l->c = c, l->d = d;
}

uint64_t rt_unit_digest(const rt_unit_lanes *l)
{
    return l->a ^ l->b ^ l->c ^ l->d;
}

static uint64_t run_from(uint64_t seed, int64_t steps)
{
    rt_unit_lanes l;
    rt_unit_seed(&l, seed);
    rt_unit_steps(&l, steps);
    return rt_unit_digest(&l);
}

double rt_unit_steps_per_us(double ms, int trials)
{
    return rt_steps_per_us(run_from, ms, trials);
}
