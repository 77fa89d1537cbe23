/*
 * sleep.c - waiting work: one blocking sleep per item; and mixed work,
 * which computes, then sleeps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/prctl.h>
#include <time.h>

#include "work/workloads.h"

void rt_sleep_us(int64_t us)
{
    struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static int precise_timers(rt_worker *w)
{
    (void)w;
    prctl(PR_SET_TIMERSLACK, RT_TIMER_SLACK_NS);   /* this thread, or this child */
    return 0;
}

static int sleep_run(rt_worker *w)
{
    const rt_sleep_config *c = w->config;
    for (int64_t i = 0; i < w->count; i++)
        RT_WORK_BLOCKING(w, rt_sleep_us(c->sleep_us));
    w->checksum += rt_index_checksum(w->first, w->count);
    return 0;
}

const rt_workload rt_work_sleep = { "sleep", precise_timers, sleep_run, NULL };

static int mixed_run(rt_worker *w)
{
    const rt_mixed_config *c = w->config;
    for (int64_t i = w->first; i < w->first + w->count; i++) {
        w->checksum += rt_work_item(w, (uint64_t)i, c->compute_steps);
        if (c->wait_us > 0)
            RT_WORK_BLOCKING(w, rt_sleep_us(c->wait_us));
    }
    return 0;
}

const rt_workload rt_work_mixed = { "mixed", precise_timers, mixed_run, NULL };
