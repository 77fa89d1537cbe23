/*
 * capacity.h - how much parallel compute the machine really gives now.
 *
 * N threads (N = the PUs allowed) each run the same fixed piece of the
 * compute kernel, against one thread running one piece; capacity =
 * N x t(1) / t(N): N on an idle machine with N real PUs, less when the
 * host is shared or PUs are SMT siblings.  The two are interleaved: after
 * an untimed warm-up, each trial's N-thread piece sits between two
 * one-thread pieces (t(1) is their mean), and the median ratio is kept.  Every scaling result should be
 * read against this figure, measured before and after the sweep.
 */
#ifndef RT_CAPACITY_H
#define RT_CAPACITY_H

#include "place/plan.h"

typedef struct rt_capacity {
    int workers;               /* N */
    int trials;
    double capacity;           /* median of N x t1 / tN */
    double min, max;           /* over the trials */
    double single_ms;          /* median one-thread time of one piece */
} rt_capacity;

/* piece_ms: the length of one piece on one thread; steps_per_us from
 * rt_cpu_steps_per_us.  Returns 0, or -1 with the reason. */
int rt_capacity_measure(const rt_placement *pl, int workers, double piece_ms, int trials,
                        double steps_per_us, rt_capacity *out, char *err, size_t errlen);

#endif /* RT_CAPACITY_H */
