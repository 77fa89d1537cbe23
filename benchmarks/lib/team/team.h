/*
 * team.h - one workload on N workers, as N pthreads or N fork()ed processes.
 *
 * The two modes share everything but the kind of worker, so they differ
 * only in what the OS gives them:
 *
 *   - all the team's shared state (the start gate, the per-worker result
 *     slots, a lock for workloads, the workload's own shared area) lives in
 *     one mmap(MAP_SHARED | MAP_ANONYMOUS) region made before any fork;
 *   - the same worker loop runs in a pthread or in a child process: pin to
 *     the planned PU and check it, run the workload's init, wait at the
 *     gate, run a round, report, wait again;
 *   - the gate and the "all done" signal are futexes on words of that region
 *     (not process-shared condition variables: a waiter that dies inside
 *     pthread_cond_wait can leave a glibc condvar blocking its signallers);
 *   - the lock offered to workloads is a process-shared, robust mutex.
 *
 * A team is built once (rt_team_start), runs any number of rounds, and is
 * stopped (rt_team_stop), which reaps every child.  A round is timed from
 * the moment the parent opens the gate to the last worker's finish, with
 * CLOCK_MONOTONIC, which every process shares.  Each worker also measures
 * its own CPU time (CLOCK_THREAD_CPUTIME_ID) and context switches (getrusage
 * RUSAGE_THREAD) around its work: the thread's, or in process mode the
 * whole single-threaded child's, the same figure RUSAGE_CHILDREN would
 * give after reaping, but per round; and the time its blocking calls took
 * (RT_WORK_BLOCKING, work/workloads.h).
 *
 * Failures: a workload that returns -1 (with a message), a child that
 * exits or is killed, or a start-up check that fails makes the call
 * return -1 with "worker K: why".  The team must still be stopped.
 * Children are forked through children.h, so a signal to the parent or
 * the parent's death takes them with it.
 */
#ifndef RT_TEAM_H
#define RT_TEAM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apart.h"
#include "place/plan.h"

typedef enum rt_team_mode { RT_TEAM_THREADS, RT_TEAM_PROCESSES } rt_team_mode;
extern const char *const rt_team_mode_names[];   /* "threads", "processes", NULL */

/* Per-worker slots and the control block sit apart (apart.h). */
#define RT_TEAM_SLOT_BYTES RT_APART_BYTES

/* Longest failure message a worker can report. */
#define RT_TEAM_ERR_BYTES 160

/* What a workload sees in its worker. */
typedef struct rt_worker {
    int index;                 /* 0 .. workers-1 */
    int workers;
    rt_team_mode mode;
    const void *config;        /* the workload's parameters (read-only) */
    void *shared;              /* the team's shared area (shared_bytes) */
    pthread_mutex_t *lock;     /* process-shared robust mutex: rt_shared_lock */
    void *state;               /* the worker's own; init may set it */
    int64_t first, count;      /* this round: items [first, first + count) */
    uint64_t checksum;         /* run adds its items' checksums here */
    int64_t blocked_ns;        /* RT_WORK_BLOCKING adds its calls' time here */
    char *err;                 /* where to write why, on failure */
    size_t errlen;
    /* Set when the workload runs as Python threads under an emulated GIL
     * (gil/gil_mode.h): the worker's interpreter thread, and the kernel
     * steps in one unit of bytecode (the poll interval).  Workloads compute
     * and block through work/workloads.h's rt_work_item and
     * RT_WORK_BLOCKING, which honour it. */
    struct rt_gil_thread *gil;
    int64_t gil_poll_steps;
} rt_worker;

/* A workload: run does items [first, first + count); returns 0, or -1 with
 * a message in err.  init and fini are optional; init runs in the worker
 * (pinned) before the first round, fini when the team stops. */
typedef struct rt_workload {
    const char *name;
    int (*init)(rt_worker *w);
    int (*run)(rt_worker *w);
    void (*fini)(rt_worker *w);
} rt_workload;

typedef struct rt_team_config {
    rt_team_mode mode;
    int workers;
    const rt_placement *placement;   /* NULL: unpinned */
    const rt_workload *workload;
    const void *config;              /* passed to the workload as w->config */
    size_t shared_bytes;             /* zeroed shared area for the workload */
} rt_team_config;

/* One round's facts. */
typedef struct rt_round {
    double seconds;            /* gate open to last finish */
    double start_skew;         /* gate open to the last worker's start */
    uint64_t checksum;         /* sum of the workers' checksums */
    double cpu_seconds;        /* workers' CPU time in the round */
    double blocked_seconds;    /* workers' time inside blocking calls, summed */
    int64_t voluntary_switches;    /* workers' context switches in the round */
    int64_t involuntary_switches;
} rt_round;

typedef struct rt_team rt_team;

/* Build the team: map the shared region, start the workers (each pins
 * itself and runs init), and prove the region is shared: every worker
 * increments a counter under the robust lock and writes its pid, and the
 * parent checks both.  Returns NULL with the reason in err. */
rt_team *rt_team_start(const rt_team_config *cfg, char *err, size_t errlen);

/* Run one round of `items` items, split evenly over the workers in index
 * order (worker i does [i*items/N, (i+1)*items/N)).  items = 0 is an empty
 * round: the harness's own cost.  Returns 0, or -1 with the reason. */
int rt_team_round(rt_team *t, int64_t items, rt_round *out, char *err, size_t errlen);
/* The same with the items split over workers first .. first+active-1
 * only, as a team of `active` would split them; the others pass the gate
 * with nothing to do (a workload's run sees count 0).  active = 1 is one
 * worker alone: the 1-worker reference at the same moment, on that
 * worker's PU (rounds.h). */
int rt_team_round_some(rt_team *t, int64_t items, int first, int active, rt_round *out,
                       char *err, size_t errlen);

/* Stop the workers (fini runs), join or reap them all, unmap, free.
 * Returns 0, or -1 if a child had already failed or fails to exit
 * cleanly (err says which).  t may be NULL. */
int rt_team_stop(rt_team *t, char *err, size_t errlen);

/* Placement: the PU planned for each worker (-1: unpinned) and the CPU it
 * found itself on after pinning. */
int rt_team_workers(const rt_team *t);
const int *rt_team_planned(const rt_team *t);
const int *rt_team_seen(const rt_team *t);
int rt_team_bind_failures(const rt_team *t);
int rt_team_cpu_mismatches(const rt_team *t);
/* "plan=P,P,... seen=C,C,...", the part of a run's label that says where
 * its workers were meant to run and where they ran (scripts read it). */
void rt_team_placement_text(const rt_team *t, char *buf, size_t len);
/* The workload's shared area (shared_bytes, zeroed at start), as the parent
 * sees it between rounds. */
void *rt_team_shared(const rt_team *t);
/* The child pids (process mode), for tests. */
const pid_t *rt_team_pids(const rt_team *t);

/* Process-shared, robust mutex.  rt_shared_lock returns 0, or 1 when the
 * previous owner died holding it (the mutex is made consistent again). */
int rt_shared_mutex_init(pthread_mutex_t *m);
/* Process-shared mutex (not robust) and condition variable (on
 * CLOCK_MONOTONIC), for memory mapped MAP_SHARED.  Return 0 or -1. */
int rt_pshared_mutex_init(pthread_mutex_t *m);
int rt_pshared_cond_init(pthread_cond_t *c);
int rt_shared_lock(pthread_mutex_t *m);
void rt_shared_unlock(pthread_mutex_t *m);

#endif /* RT_TEAM_H */
