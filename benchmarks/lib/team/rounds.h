/*
 * rounds.h - a team's rounds as Google Benchmark iterations: one round per
 * iteration, its time (gate open to last finish) the iteration's manual
 * time, its checksum checked.  The team is built before and stopped after,
 * outside the timed rounds.
 *
 * A reference, optionally: worker 0 alone doing a round of its own, before
 * the first timed round, after every `every`-th and after the last.  On a
 * shared VM the speed of one PU can swing by 40 % for tens of seconds, so a
 * speedup taken between two runs made at different moments (N workers now,
 * 1 worker a minute ago) measures the machine's swing as much as the
 * workers; the same ratio against reference rounds run within milliseconds
 * of the timed ones does not (paired_speedup).
 */
#ifndef RT_ROUNDS_H
#define RT_ROUNDS_H

#include "shim/rt_bench.h"
#include "team/team.h"

typedef void (*rt_round_fn)(const rt_round *r, void *arg);

typedef struct rt_reference {
    int64_t items;             /* worker 0's items in a reference round */
    uint64_t checksum;         /* what that round must produce */
    int every;                 /* a reference after every this many timed rounds */
    rt_round_fn on_round;      /* sees each reference round (may be NULL) */
    void *arg;
    int64_t rounds;            /* filled in: reference rounds run */
    double seconds;            /* filled in: their total time */
} rt_reference;

/* Run rounds of `items` until Google Benchmark has enough (the family must
 * use manual time); each must produce `checksum`.  on_round (may be NULL)
 * sees every good timed round; ref (may be NULL) adds reference rounds,
 * which are not iterations.  Returns the timed rounds run, or -1 after
 * reporting the error on st. */
int64_t rt_team_bench_rounds(rt_state *st, rt_team *team, int64_t items, uint64_t checksum,
                             rt_round_fn on_round, void *arg, rt_reference *ref);

/* Counters from a run with a reference: solo_items_per_second (worker 0
 * alone, in the reference rounds) and paired_speedup (the timed rounds'
 * items_per_second over it). */
void rt_reference_counters(rt_state *st, const rt_reference *ref, double items_per_second);

#endif /* RT_ROUNDS_H */
