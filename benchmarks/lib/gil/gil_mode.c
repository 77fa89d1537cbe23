/*
 * gil_mode.c - a team workload run as Python threads; see gil_mode.h.
 *
 * The wrapper keeps nothing in w->state, which stays the inner workload's;
 * its interpreter thread hangs off w->gil.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gil/gil_mode.h"

/* Call an inner workload's function with its own config and no shared area. */
static int with_inner(rt_worker *w, int (*fn)(rt_worker *))
{
    const rt_gil_mode_config *c = w->config;
    void *shared = w->shared;
    if (!fn)
        return 0;
    w->config = c->inner_config;
    w->shared = NULL;
    int rc = fn(w);
    w->config = c;
    w->shared = shared;
    return rc;
}

static int gil_mode_init(rt_worker *w)
{
    const rt_gil_mode_config *c = w->config;
    w->gil = calloc(1, sizeof *w->gil);
    if (!w->gil) {
        snprintf(w->err, w->errlen, "out of memory");
        return -1;
    }
    rt_gil_thread_init(w->gil, c->gil);
    w->gil_poll_steps = c->poll_steps;
    return with_inner(w, c->inner->init);
}

static int gil_mode_run(rt_worker *w)
{
    const rt_gil_mode_config *c = w->config;
    if (w->count == 0)
        return 0;                          /* an empty round: the harness alone */
    rt_gil_take(w->gil);                   /* the thread starts running bytecode */
    int rc = with_inner(w, c->inner->run);
    rt_gil_drop(w->gil);                   /* done: waiting at the gate releases it */
    rt_gil_stats *slot = (rt_gil_stats *)w->shared + w->index;
    rt_gil_stats_add(slot, &w->gil->stats);
    memset(&w->gil->stats, 0, sizeof w->gil->stats);
    return rc;
}

static void gil_mode_fini(rt_worker *w)
{
    const rt_gil_mode_config *c = w->config;
    if (c->inner->fini) {
        void *shared = w->shared;
        w->config = c->inner_config;
        w->shared = NULL;
        c->inner->fini(w);
        w->config = c;
        w->shared = shared;
    }
    free(w->gil);
    w->gil = NULL;
}

const rt_workload rt_work_under_gil = { "under-gil", gil_mode_init, gil_mode_run,
                                        gil_mode_fini };

int64_t rt_gil_unit_steps(double unit_ns, double steps_per_us)
{
    int64_t s = llround(unit_ns * steps_per_us / 1e3);
    return s < 1 ? 1 : s;
}

size_t rt_gil_mode_shared_bytes(int workers)
{
    return (size_t)workers * sizeof(rt_gil_stats);
}

void rt_gil_mode_collect(void *shared, int workers, rt_gil_stats *sum)
{
    rt_gil_stats *slot = shared;
    for (int i = 0; i < workers; i++)
        rt_gil_stats_add(sum, &slot[i]);
    memset(shared, 0, rt_gil_mode_shared_bytes(workers));
}

void rt_gil_counters(rt_state *st, const rt_gil_stats *g, double s)
{
    rt_counter(st, "gil_acquisitions_per_s", (double)g->acquisitions / s, RT_COUNTER_DEFAULT);
    rt_counter(st, "gil_handoffs_per_s", (double)g->handoffs / s, RT_COUNTER_DEFAULT);
    rt_counter(st, "gil_drop_requests_per_s", (double)g->drop_requests / s, RT_COUNTER_DEFAULT);
    rt_counter(st, "gil_forced_waits_per_s", (double)g->forced_waits / s, RT_COUNTER_DEFAULT);
    rt_latency_counters(st, "gil_wait", g->wait_hist, g->waits, g->wait_max_ns);
}

void rt_latency_counters(rt_state *st, const char *prefix, const int64_t *hist, int64_t n,
                         int64_t max_ns)
{
    static const struct { const char *suffix; double q; } quantiles[] = {
        { "p50_us", 0.5 }, { "p99_us", 0.99 },
    };
    char name[96];
    for (size_t i = 0; i < sizeof quantiles / sizeof quantiles[0]; i++) {
        snprintf(name, sizeof name, "%s_%s", prefix, quantiles[i].suffix);
        rt_counter(st, name, rt_log2_hist_quantile(hist, n, quantiles[i].q) / 1e3,
                   RT_COUNTER_DEFAULT);
    }
    snprintf(name, sizeof name, "%s_max_us", prefix);
    rt_counter(st, name, (double)max_ns / 1e3, RT_COUNTER_DEFAULT);
}
