/*
 * team.h - run one function on N workers that start together.
 *
 * Each worker is pinned by the placement's plan, records the CPU it finds
 * itself on, and waits at a start gate; the team is timed from the gate to
 * the last worker's finish.  This is the threads-only team the lost-update
 * scenario needs; the process mode of the scaling experiments builds on it.
 */
#ifndef RT_TEAM_H
#define RT_TEAM_H

#include "place/plan.h"

typedef void (*rt_worker_fn)(int worker, void *arg);

typedef struct rt_team_report {
    int workers;
    int *planned;          /* PU per worker, -1 if unpinned (malloc'd) */
    int *seen;             /* CPU each worker ran on after binding */
    int bind_failures;
    int cpu_mismatches;
    double seconds;        /* gate open to last finish */
} rt_team_report;

/* Returns 0, or -1 with a reason in err (plan or thread creation failed;
 * every thread that started has been joined). */
int rt_team_run_threads(const rt_placement *pl, int n, rt_worker_fn fn, void *arg,
                        rt_team_report *rep, char *err, size_t errlen);
void rt_team_report_free(rt_team_report *rep);

#endif /* RT_TEAM_H */
