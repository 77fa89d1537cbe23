/*
 * gil_work.h - team workloads that run as Python threads would: every
 * worker is a "Python thread" of an emulated interpreter (gil.h).  Threads
 * of a team share one GIL; each process of a team has its own copy (it is
 * copied at fork, as each CPython process has its own GIL).
 *
 * Work is counted in units: one unit models one iteration of
 * `while n > 0: n -= 1` (unit_steps steps of the compute kernel, sized to
 * unit_ns from a calibration), with the eval breaker polled every
 * poll_every units (1 as in CPython 3.10+; a large value models a long C
 * call that never polls).  Every wait is wrapped like
 * Py_BEGIN_ALLOW_THREADS.
 *
 *   cpu     items of units_per_item units
 *   convoy  worker 0 does always-ready I/O operations for convoy_ns, with
 *           io_units_per_op units of work between them, spread over
 *           io_polls_per_op eval-breaker polls, and times each; the other
 *           workers compute until it is done; it reports its CPU time
 *           over the loop (what it ran, not what it waited: an echo
 *           round trip mostly waits for the echo process, without the
 *           GIL), and each thread how often it slept over its loop
 *           (voluntary context switches).  Of those units, the share
 *           io_gap_share (rt_gil_io_gap_units) runs between the two calls
 *           of an operation that makes two (socketpair, echo: send, then
 *           recv), holding the GIL as the bytecode between them does;
 *           with io_code_lines and io_data_lines, the units between two
 *           operations also run through as many lines of code and of data
 *           as real CPython's loop does per operation (footprint.h), a
 *           share of each before each poll
 */
#ifndef RT_GIL_WORK_H
#define RT_GIL_WORK_H

#include <stdint.h>

#include "gil/gil.h"
#include "team/team.h"

typedef enum rt_gil_job { RT_GJ_CPU, RT_GJ_CONVOY } rt_gil_job;

/* Always-ready I/O of the convoy's I/O thread. */
typedef enum rt_io_op { RT_IO_READ1, RT_IO_SOCKETPAIR, RT_IO_ECHO, RT_IO_OPS } rt_io_op;
extern const char *const rt_io_op_names[];  /* "read1", "socketpair", "echo", NULL */

typedef struct rt_gil_work_config {
    rt_gil *gil;
    rt_gil_job job;
    int64_t unit_steps;
    int64_t units_per_item;
    int64_t poll_every;
    rt_io_op io_op;            /* convoy */
    int64_t convoy_ns;
    int64_t io_units_per_op;   /* work between two operations (loop and call) */
    int64_t io_polls_per_op;   /* >= 1: its polls (old GIL: ticks_per_unit ticks each) */
    double io_gap_share;       /* of those, the share between an operation's two calls */
    int echo_port;             /* RT_IO_ECHO: a responder with no delay */
    int64_t io_code_lines;     /* convoy: lines of code and of data the I/O loop */
    int64_t io_data_lines;     /* touches per operation (footprint.h), 0: none */
    int io_data_chains;        /* the data lines' cursors (rt_data_lines_init) */
} rt_gil_work_config;

/* What each worker reports, in the team's shared area (one per worker). */
typedef struct rt_gil_report {
    rt_gil_stats gil;
    int64_t io_ops;
    int64_t io_cpu_ns;                 /* the I/O thread's CPU time over its loop */
    int64_t io_hist[RT_LOG2_BUCKETS];  /* op latency (rt_log2_hist_add) */
    int64_t io_over_1ms;
    int64_t io_max_ns;
    int64_t sleeps;                    /* convoy: voluntary context switches over its loop */
} rt_gil_report;

typedef struct rt_gil_shared {
    int convoy_done;
    rt_gil_report worker[];
} rt_gil_shared;

size_t rt_gil_shared_bytes(int workers);
/* The convoy's units between an operation's two calls: 0 for read1. */
int64_t rt_gil_io_gap_units(const rt_gil_work_config *c);
/* What a unit of unit_steps steps adds to its steps' own time as a thread
 * runs it, in ns: calling the kernel for the unit and then polling the eval
 * breaker of a GIL of gp's kind (held by the calling thread, so never waited
 * for).  The median over `trials` (at most 63) of n units' time less that
 * of the same n x unit_steps steps in one call, timed right after them:
 * each difference is of two neighbouring moments, so a machine whose speed
 * swings does not pass its swing for a cost of the unit, and the median
 * leaves out a trial that an interrupt or a preemption hit. */
double rt_gil_unit_added_ns(const rt_gil_params *gp, int64_t unit_steps, int64_t poll_every,
                            int64_t n, int trials);
extern const rt_workload rt_work_gil;

#endif /* RT_GIL_WORK_H */
