/*
 * workloads.h - the work the scaling experiments give a team (team.h).
 *
 * Each workload does "items"; a round's items are split over the workers,
 * and each worker adds a checksum per item, so the team's checksum depends
 * only on which items were done, never on the mode or the split.  The
 * caller checks it against a reference computed on one thread.
 *
 *   cpu    computes: rt_cpu_item(i, steps), steps of the compute kernel
 *          below, which the optimiser can neither remove nor shorten;
 *   sleep  waits: one blocking nanosleep per item (a slow network's
 *          stand-in);
 *   tcp    real I/O: one request/response per item over a loopback TCP
 *          connection to the responder (responder.h), which answers after
 *          its delay;
 *   mixed  computes for c microseconds (as steps, from a calibration), then
 *          sleeps for w microseconds.
 */
#ifndef RT_WORKLOADS_H
#define RT_WORKLOADS_H

#include <stdint.h>

#include "clock.h"
#include "gil/gil.h"
#include "team/team.h"

/* ---- the compute kernel ----------------------------------------------------
 * Four 64-bit lanes of shift, xor and add, each step tying every lane to
 * the next.  The core issues several of a step's instructions each cycle,
 * as it does for most real code (CPython's eval loop among it), so the
 * kernel shares a core's issue width with a busy sibling hardware thread
 * and slows as such code does: on a shared VM whose host puts the two
 * vCPUs on siblings for minutes at a time, two workers then do much less
 * than twice one's work, and the capacity measure (capacity.h) and the
 * emulated interpreter's units (gil_work.h) must see it as real programs
 * do.  A single dependent chain of multiplies would issue about one
 * instruction at a time and not slow beside a busy sibling at all. */
#define RT_CPU_LANES 4
typedef struct rt_cpu_state {
    uint64_t lane[RT_CPU_LANES];
} rt_cpu_state;

/* The state of item `item` before its first step. */
void rt_cpu_start(rt_cpu_state *s, uint64_t item);
/* `steps` steps, continuing s: steps a then b do what a + b steps do. */
void rt_cpu_steps(rt_cpu_state *s, int64_t steps);
/* The state folded into one value: an item's result. */
uint64_t rt_cpu_result(const rt_cpu_state *s);
/* Start, steps, result. */
uint64_t rt_cpu_item(uint64_t item, int64_t steps);
/* Sum of rt_cpu_item over [first, first + count), on the calling thread. */
uint64_t rt_cpu_checksum(int64_t first, int64_t count, int64_t steps);
/* Kernel steps per microsecond on the calling thread: the best of `trials`
 * timings of about `ms` milliseconds each. */
double rt_cpu_steps_per_us(double ms, int trials);

/* Sum of the indexes in [first, first + count): the checksum of sleep and
 * tcp, which prove each item was done exactly once. */
uint64_t rt_index_checksum(int64_t first, int64_t count);

/* ---- computing and blocking, with or without a GIL -----------------------------
 * A workload computes with rt_work_item and wraps each blocking call in
 * RT_WORK_BLOCKING.  Plain workers (w->gil NULL) just do it.  Under an
 * emulated GIL the item is cut into units of w->gil_poll_steps kernel steps
 * with the eval breaker polled between them, and the GIL is released around
 * the blocking call (Py_BEGIN_ALLOW_THREADS), as CPython would run the same
 * code.  The result is the same either way, and so is a step's cost: one
 * compiled loop runs both (cpu.c).  Either way the blocking call is timed,
 * without the GIL's release and re-take, into w->blocked_ns: summed over a
 * team's workers and divided by the round's time, it is how many workers
 * were blocked at once on average, at most 1 if their waits never overlap. */
uint64_t rt_work_item(rt_worker *w, uint64_t item, int64_t steps);
#define RT_WORK_TIMED(w, call)                                  \
    do {                                                        \
        int64_t rt_t0_ = rt_now_ns();                           \
        call;                                                   \
        (w)->blocked_ns += rt_now_ns() - rt_t0_;                \
    } while (0)
#define RT_WORK_BLOCKING(w, call)                               \
    do {                                                        \
        if ((w)->gil)                                           \
            RT_GIL_ALLOW_THREADS((w)->gil, RT_WORK_TIMED(w, call)); \
        else                                                    \
            RT_WORK_TIMED(w, call);                             \
    } while (0)

/* ---- workloads and their parameters ------------------------------------------- */
typedef struct rt_cpu_config {
    int64_t steps;             /* kernel steps per item */
} rt_cpu_config;
extern const rt_workload rt_work_cpu;

typedef struct rt_sleep_config {
    int64_t sleep_us;          /* one nanosleep per item */
} rt_sleep_config;
extern const rt_workload rt_work_sleep;

typedef struct rt_tcp_config {
    int port;                  /* the responder's, on 127.0.0.1 */
    int64_t reply_bytes;       /* bytes per answer */
} rt_tcp_config;
extern const rt_workload rt_work_tcp;

typedef struct rt_mixed_config {
    int64_t compute_steps;     /* c microseconds of kernel steps */
    int64_t wait_us;           /* w */
} rt_mixed_config;
extern const rt_workload rt_work_mixed;

/* A wrapper that makes worker fail_worker fail in its first round, by
 * returning an error, calling _exit, raising SIGSEGV, or failing an
 * assertion (SIGABRT; tests only). */
typedef enum rt_fail_how { RT_FAIL_RETURN, RT_FAIL_EXIT, RT_FAIL_SIGNAL, RT_FAIL_ASSERT } rt_fail_how;
extern const char *const rt_fail_how_names[];   /* "return", "exit", "signal", "assert", NULL */
typedef struct rt_faulty_config {
    const rt_workload *inner;
    const void *inner_config;
    int fail_worker;           /* -1: nobody fails */
    rt_fail_how how;
} rt_faulty_config;
extern const rt_workload rt_work_faulty;

/* Workers' sleeps use a timer slack of this many nanoseconds (Linux's
 * default of 50 us would add 5 % to a 1 ms sleep). */
#define RT_TIMER_SLACK_NS 1

/* Sleep for us microseconds, resuming after signals. */
void rt_sleep_us(int64_t us);

#endif /* RT_WORKLOADS_H */
