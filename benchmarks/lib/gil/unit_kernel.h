/*
 * unit_kernel.h - the work of the emulated interpreter's units (gil_work.h).
 *
 * A unit stands for one iteration of `while n > 0: n -= 1`, so it must not
 * only last as long as CPython's but also slow when CPython's does.  The
 * eval loop keeps several independent instructions in flight each cycle,
 * and loses much of its speed when another hardware thread runs on the same
 * core: on a shared VM that happens when the host puts the two vCPUs on
 * sibling threads of one core, as it seems to for minutes at a time.  Two real CPython
 * processes then run at much less than twice one's rate, and a CPU thread
 * beside the convoy's I/O thread slows both.  The compute kernel of the rest
 * of the suite (rt_cpu_steps) is one dependent multiply chain that issues
 * about one instruction at a time, and a busy sibling does not slow it: two
 * emulated processes built on it kept twice one's rate in every round while
 * real CPython's dipped far below (README, the emulated GIL's unit).
 *
 * This kernel runs four lanes of shift, xor and add, each step tying the
 * lanes together, so the core issues several instructions per cycle, as
 * the eval loop does, and shares its issue width with a sibling as the eval
 * loop does.
 */
#ifndef RT_UNIT_KERNEL_H
#define RT_UNIT_KERNEL_H

#include <stdint.h>

typedef struct rt_unit_lanes {
    uint64_t a, b, c, d;
} rt_unit_lanes;

void rt_unit_seed(rt_unit_lanes *l, uint64_t seed);
/* steps steps: rt_unit_steps(l, x + y) leaves l as rt_unit_steps(l, x)
 * then rt_unit_steps(l, y) do. */
void rt_unit_steps(rt_unit_lanes *l, int64_t steps);
/* The lanes folded into one value (a checksum that keeps the work). */
uint64_t rt_unit_digest(const rt_unit_lanes *l);
/* Steps per microsecond on the calling thread (as rt_cpu_steps_per_us). */
double rt_unit_steps_per_us(double ms, int trials);

#endif /* RT_UNIT_KERNEL_H */
