/*
 * rounds.h - a team's rounds as Google Benchmark iterations: one round per
 * iteration, its time (gate open to last finish) the iteration's manual
 * time, its checksum checked.  The team is built before and stopped after,
 * outside the timed rounds.
 */
#ifndef RT_ROUNDS_H
#define RT_ROUNDS_H

#include "shim/rt_bench.h"
#include "team/team.h"

typedef void (*rt_round_fn)(const rt_round *r, void *arg);

/* Run rounds of `items` until Google Benchmark has enough (the family must
 * use manual time); each must produce `checksum`.  on_round (may be NULL)
 * sees every good round.  Returns the rounds run, or -1 after reporting
 * the error on st. */
int64_t rt_team_bench_rounds(rt_state *st, rt_team *team, int64_t items, uint64_t checksum,
                             rt_round_fn on_round, void *arg);

#endif /* RT_ROUNDS_H */
