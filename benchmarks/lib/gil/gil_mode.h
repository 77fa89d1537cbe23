/*
 * gil_mode.h - any team workload run as Python threads: the GIL modes of
 * the worker team (team.h).
 *
 * rt_work_under_gil wraps a workload of work/workloads.h.  Each worker
 * becomes an interpreter thread of one emulated GIL (gil.h): it takes the
 * GIL when its round starts (the thread starts running bytecode), computes
 * in units of poll_steps kernel steps with the eval breaker polled between
 * them, releases the GIL around every blocking call (RT_WORK_BLOCKING), and
 * drops it when its items are done.  Threads of a team share the GIL; in a
 * process team each child has its own copy from fork, as each CPython
 * process has its own GIL, never contended.
 *
 * Each worker adds what happened to its GIL thread (rt_gil_stats) to its
 * slot in the team's shared area after every round; the parent collects
 * the slots between rounds.
 */
#ifndef RT_GIL_MODE_H
#define RT_GIL_MODE_H

#include <stddef.h>
#include <stdint.h>

#include "gil/gil.h"
#include "shim/rt_bench.h"
#include "team/team.h"

typedef struct rt_gil_mode_config {
    rt_gil *gil;                  /* initialised; outlives the team */
    int64_t poll_steps;           /* kernel steps in one unit of bytecode */
    const rt_workload *inner;
    const void *inner_config;     /* the inner workload gets no shared area */
} rt_gil_mode_config;
extern const rt_workload rt_work_under_gil;

/* Kernel steps in one unit of unit_ns, at steps_per_us (at least 1). */
int64_t rt_gil_unit_steps(double unit_ns, double steps_per_us);

/* The shared area the wrapper needs: one rt_gil_stats per worker. */
size_t rt_gil_mode_shared_bytes(int workers);
/* Between rounds: add the workers' slots to sum and zero them. */
void rt_gil_mode_collect(void *shared, int workers, rt_gil_stats *sum);

/* A run's GIL counters: acquisitions, hand-offs, drop requests and
 * forced-switch waits per second of `seconds`, and the time waiting for the
 * GIL (p50, p99 and max, us). */
void rt_gil_counters(rt_state *st, const rt_gil_stats *g, double seconds);
/* <prefix>_p50_us, <prefix>_p99_us and <prefix>_max_us of a log2 latency
 * histogram of n samples (gil.h). */
void rt_latency_counters(rt_state *st, const char *prefix, const int64_t *hist, int64_t n,
                         int64_t max_ns);

#endif /* RT_GIL_MODE_H */
