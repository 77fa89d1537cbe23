/*
 * gil.h - an emulated global interpreter lock, faithful to CPython's.
 *
 *   new   CPython 3.2+ (Python/ceval_gil.c, as in 3.10-3.12): a boolean
 *         `locked` guarded by a mutex and signalled on a condition
 *         variable (CLOCK_MONOTONIC).  A waiter sleeps one switch interval
 *         at a time; if it times out and the GIL has not changed hands
 *         (switch_number), it sets the drop request.  The holder sees the
 *         request at its next poll (the eval breaker), drops and re-takes.
 *         Forced switching: a thread dropping while a request is pending
 *         waits on switch_cond until another thread has taken the GIL.
 *         No queue, no priority: the OS decides who runs.
 *   old   CPython 2.x: a POSIX semaphore used as a lock; a ticker counts
 *         down from the check interval, a unit of work costing some ticks;
 *         at zero the holder releases and at once re-acquires.  No request,
 *         no hand-off.
 *   none  free-threaded: every call returns at once.
 *
 * A Python thread is an rt_gil_thread (its "tstate"): it takes the GIL,
 * does work units with rt_gil_poll between them, and wraps every blocking
 * or possibly blocking call in RT_GIL_ALLOW_THREADS, which releases the
 * GIL around the call whether or not it blocks (Py_BEGIN_ALLOW_THREADS).
 * Each thread counts what happened to it (rt_gil_stats).
 */
#ifndef RT_GIL_H
#define RT_GIL_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

#include "apart.h"

typedef enum rt_gil_kind { RT_GIL_NONE, RT_GIL_NEW, RT_GIL_OLD, RT_GIL_KINDS } rt_gil_kind;
extern const char *const rt_gil_names[];         /* "none", "new", "old", NULL */

/* CPython's defaults. */
#define RT_GIL_SWITCH_INTERVAL_US 5000           /* sys.getswitchinterval() = 0.005 */
#define RT_GIL_CHECK_INTERVAL 100                /* sys.getcheckinterval() in 2.x */
/* 2.7: ticks per countdown iteration, `while n > 0: n -= 1` (its loop's
 * bytecodes with opcode prediction, which skips the tick of the jumps it
 * predicts).  A 2.7 built with computed gotos (no opcode prediction) ticks
 * more often: bench.sh counts the machine's python2.7 (cpython_gil.py
 * --print-ticks) and passes --ticks-per-unit. */
#define RT_GIL_TICKS_PER_UNIT 2
/* One unit of work, `while n > 0: n -= 1`, in ns, when no Python is there
 * to time: about CPython 3.11's on a 2-core VM.  bench.sh measures the
 * machine's own before each run (cpython_gil.py --print-unit-ns), with
 * python3 for the new GIL and python2.7 for the old one. */
#define RT_GIL_UNIT_NS 33

typedef struct rt_gil_params {
    rt_gil_kind kind;
    int64_t switch_interval_us;                  /* new */
    int64_t check_interval;                      /* old: ticks between releases */
    int64_t ticks_per_unit;                      /* old */
} rt_gil_params;

#define RT_GIL_PARAMS_DEFAULT(k) \
    { (k), RT_GIL_SWITCH_INTERVAL_US, RT_GIL_CHECK_INTERVAL, RT_GIL_TICKS_PER_UNIT }

/* A unit's length under a GIL of kind k: the old GIL models 2.x, whose
 * interpreter runs the countdown at its own speed (old_unit_ns; 0: the
 * same as unit_ns).  With the check interval counted in ticks, this speed
 * sets how often the old GIL is released, and so the strength of its battle. */
static inline double rt_gil_unit_ns(rt_gil_kind k, double unit_ns, double old_unit_ns)
{
    return k == RT_GIL_OLD && old_unit_ns > 0 ? old_unit_ns : unit_ns;
}

/* Latencies by powers of two of nanoseconds: bucket b holds [2^b, 2^(b+1)). */
#define RT_LOG2_BUCKETS 40
void rt_log2_hist_add(int64_t *hist, int64_t ns);
/* The q-quantile (0..1) of n samples: the upper edge of the bucket that
 * holds it, in ns (0 if n is 0). */
double rt_log2_hist_quantile(const int64_t *hist, int64_t n, double q);

typedef struct rt_gil_stats {
    int64_t acquisitions;      /* take_gil calls */
    int64_t handoffs;          /* acquisitions from another thread (switch_number++) */
    int64_t drop_requests;     /* requests this thread set while waiting */
    int64_t forced_waits;      /* drops that waited for another thread to take it */
    int64_t waits;             /* acquisitions that had to wait */
    int64_t wait_ns;           /* time spent waiting, in total */
    int64_t wait_max_ns;
    int64_t wait_hist[RT_LOG2_BUCKETS];
} rt_gil_stats;

/* What threads write often sits apart (apart.h). */
#define RT_GIL_APART_BYTES RT_APART_BYTES

typedef struct rt_gil {
    rt_gil_params p;
    /* new */
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int locked;
    uint64_t switch_number;
    const void *last_holder;
    pthread_mutex_t switch_mutex;
    pthread_cond_t switch_cond;
    int drop_request;          /* the eval breaker's bit, interpreter-wide (<= 3.12) */
    /* old: the lock and the ticker apart, as in 2.7 (a sem_t on the heap,
     * _Py_Ticker in libpython's .bss): on one line, the holder's decrement
     * at every unit would pull the semaphore's line away from a waiter
     * that wakes to try it, a cost real 2.7 does not have (no measured
     * effect on the convoy: README, the old GIL). */
    _Alignas(RT_GIL_APART_BYTES) sem_t lock;
    _Alignas(RT_GIL_APART_BYTES) int64_t ticker;   /* _Py_Ticker: decremented by the holder */
} rt_gil;

typedef struct rt_gil_thread {
    rt_gil *gil;
    rt_gil_stats stats;
} rt_gil_thread;

int rt_gil_init(rt_gil *g, const rt_gil_params *p);
void rt_gil_destroy(rt_gil *g);
void rt_gil_thread_init(rt_gil_thread *t, rt_gil *g);

void rt_gil_take(rt_gil_thread *t);
void rt_gil_drop(rt_gil_thread *t);
/* The eval breaker between two work units, inline as in CPython's eval
 * loop: under the new GIL one load of the drop request (eval_breaker), under
 * the old one the ticker's decrement (2.x's --_Py_Ticker < 0), so that a
 * poll that finds nothing to do costs a unit no more than CPython's check
 * costs a bytecode.  rt_gil_poll_act does the rest: drop and re-take. */
void rt_gil_poll_act(rt_gil_thread *t);
static inline void rt_gil_poll(rt_gil_thread *t)
{
    rt_gil *g = t->gil;
    if (g->p.kind == RT_GIL_NEW) {
        if (__atomic_load_n(&g->drop_request, __ATOMIC_RELAXED))
            rt_gil_poll_act(t);
    } else if (g->p.kind == RT_GIL_OLD) {
        g->ticker -= g->p.ticks_per_unit;
        if (g->ticker < 0)
            rt_gil_poll_act(t);
    }
}

/* Py_BEGIN_ALLOW_THREADS ... Py_END_ALLOW_THREADS around a call. */
#define RT_GIL_ALLOW_THREADS(t, call) \
    do {                              \
        rt_gil_drop(t);               \
        call;                         \
        rt_gil_take(t);               \
    } while (0)

/* Add b's counts to a. */
void rt_gil_stats_add(rt_gil_stats *a, const rt_gil_stats *b);

#endif /* RT_GIL_H */
