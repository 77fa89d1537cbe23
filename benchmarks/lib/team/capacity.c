/*
 * capacity.c - N threads of the compute kernel against one; see capacity.h.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "team/capacity.h"
#include "team/team.h"
#include "work/workloads.h"

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, rt_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int rt_capacity_measure(const rt_placement *pl, int workers, double piece_ms, int trials,
                        double steps_per_us, rt_capacity *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    rt_cpu_config piece = { (int64_t)(piece_ms * 1e3 * steps_per_us) + 1 };
    rt_team_config one = { .mode = RT_TEAM_THREADS, .workers = 1, .placement = pl,
                           .workload = &rt_work_cpu, .config = &piece };
    rt_team_config all = one;
    all.workers = workers;
    rt_team *t1 = rt_team_start(&one, err, errlen);
    rt_team *tn = t1 ? rt_team_start(&all, err, errlen) : NULL;
    double *ratio = calloc((size_t)trials, sizeof *ratio);
    double *single = calloc((size_t)trials, sizeof *single);
    int rc = tn ? 0 : -1;
    /* One untimed round of each first: the first piece after a pause runs
     * on a vCPU that was halted, and would inflate t(1). */
    rt_round warm, before, rn, after;
    if (rc == 0)
        rc = rt_team_round(t1, 1, &warm, err, errlen);
    if (rc == 0)
        rc = rt_team_round(tn, workers, &warm, err, errlen);
    /* Each trial brackets the N-thread piece between two one-thread pieces
     * and takes their mean, so a drift of the machine's speed during the
     * trial moves both sides alike. */
    if (rc == 0)
        rc = rt_team_round(t1, 1, &before, err, errlen);
    for (int i = 0; rc == 0 && i < trials; i++) {
        rc = rt_team_round(tn, workers, &rn, err, errlen);
        if (rc == 0)
            rc = rt_team_round(t1, 1, &after, err, errlen);
        if (rc == 0) {
            double t1s = (before.seconds + after.seconds) / 2;
            ratio[i] = workers * t1s / rn.seconds;
            single[i] = t1s * 1e3;
            before = after;
        }
    }
    rt_team_stop(tn, NULL, 0);
    rt_team_stop(t1, NULL, 0);
    if (rc == 0) {
        out->workers = workers;
        out->trials = trials;
        out->single_ms = median(single, trials);
        out->capacity = median(ratio, trials);   /* sorts ratio */
        out->min = ratio[0];
        out->max = ratio[trials - 1];
    }
    free(ratio);
    free(single);
    return rc;
}
