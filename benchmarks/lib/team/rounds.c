/*
 * rounds.c - a team's rounds as benchmark iterations; see rounds.h.
 */
#include <stdio.h>

#include "team/rounds.h"

int64_t rt_team_bench_rounds(rt_state *st, rt_team *team, int64_t items, uint64_t checksum,
                             rt_round_fn on_round, void *arg)
{
    char err[512];
    int64_t rounds = 0;
    bool ok = true;
    for (int64_t n = rt_loop_begin(st); ok && n > 0; n--) {
        rt_round r;
        if (rt_team_round(team, items, &r, err, sizeof err) < 0) {
            ok = false;
        } else if (r.checksum != checksum) {
            snprintf(err, sizeof err, "wrong checksum %llu, expected %llu",
                     (unsigned long long)r.checksum, (unsigned long long)checksum);
            ok = false;
        } else {
            rt_set_iteration_time(st, r.seconds);
            rounds++;
            if (on_round)
                on_round(&r, arg);
        }
        if (!ok)
            rt_skip_with_error(st, err);
    }
    rt_loop_end(st);
    return ok ? rounds : -1;
}
