/*
 * rounds.c - a team's rounds as benchmark iterations; see rounds.h.
 */
#include <stdio.h>

#include "team/rounds.h"

/* One round of `items` on the first `active` workers, its checksum checked. */
static int checked_round(rt_team *team, int64_t items, int active, uint64_t checksum,
                         rt_round *r, char *err, size_t errlen)
{
    if (rt_team_round_some(team, items, active, r, err, errlen) < 0)
        return -1;
    if (r->checksum != checksum) {
        snprintf(err, errlen, "wrong checksum %llu, expected %llu",
                 (unsigned long long)r->checksum, (unsigned long long)checksum);
        return -1;
    }
    return 0;
}

static int reference_round(rt_team *team, rt_reference *ref, char *err, size_t errlen)
{
    rt_round r;
    if (checked_round(team, ref->items, 1, ref->checksum, &r, err, errlen) < 0)
        return -1;
    ref->rounds++;
    ref->seconds += r.seconds;
    if (ref->on_round)
        ref->on_round(&r, ref->arg);
    return 0;
}

int64_t rt_team_bench_rounds(rt_state *st, rt_team *team, int64_t items, uint64_t checksum,
                             rt_round_fn on_round, void *arg, rt_reference *ref)
{
    char err[512];
    int64_t rounds = 0;
    int workers = rt_team_workers(team);
    int64_t n = rt_loop_begin(st);
    bool ok = n == 0 || !ref || reference_round(team, ref, err, sizeof err) == 0;
    for (; ok && n > 0; n--) {
        rt_round r;
        if (checked_round(team, items, workers, checksum, &r, err, sizeof err) < 0) {
            ok = false;
            break;
        }
        rt_set_iteration_time(st, r.seconds);
        rounds++;
        if (on_round)
            on_round(&r, arg);
        if (ref && (n == 1 || rounds % ref->every == 0) &&
            reference_round(team, ref, err, sizeof err) < 0)
            ok = false;
    }
    if (!ok)
        rt_skip_with_error(st, err);
    rt_loop_end(st);
    return ok ? rounds : -1;
}

void rt_reference_counters(rt_state *st, const rt_reference *ref, double items_per_second)
{
    if (ref->rounds == 0 || ref->seconds <= 0)
        return;
    double solo = (double)ref->items * (double)ref->rounds / ref->seconds;
    rt_counter(st, "solo_items_per_second", solo, RT_COUNTER_DEFAULT);
    rt_counter(st, "paired_speedup", items_per_second / solo, RT_COUNTER_DEFAULT);
}
