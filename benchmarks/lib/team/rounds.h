/*
 * rounds.h - a team's rounds as Google Benchmark iterations: one round per
 * iteration, its time (gate open to last finish) the iteration's manual
 * time, its checksum checked.  The team is built before and stopped after,
 * outside the timed rounds.
 *
 * A reference, optionally: one worker alone doing a round of its own,
 * before the first timed round, after every `every`-th and after the last.
 * On a shared VM the speed of one PU can swing by 40 % for tens of seconds,
 * so a speedup taken between two runs made at different moments (N workers
 * now, 1 worker a minute ago) measures the machine's swing as much as the
 * workers; the same ratio against reference rounds run within milliseconds
 * of the timed ones does not (paired_speedup).
 *
 * The PUs differ too: a vCPU whose host core another tenant shares can run
 * memory-bound and interpreter code much slower than its neighbour for
 * minutes (solo_spread shows it).  A team spread over PUs runs at their mean
 * speed, so the reference must sample the same PUs: its rounds rotate over
 * the team's PUs (the first worker planned on each; worker 0 when the team
 * is unpinned), more are added after the last until every PU has had one,
 * and the solo rate is the mean of the per-PU rates.
 */
#ifndef RT_ROUNDS_H
#define RT_ROUNDS_H

#include "shim/rt_bench.h"
#include "team/team.h"

typedef void (*rt_round_fn)(const rt_round *r, void *arg);

typedef struct rt_reference {
    int64_t items;             /* the solo worker's items in a reference round */
    uint64_t checksum;         /* what that round must produce */
    int every;                 /* a reference after every this many timed rounds */
    rt_round_fn on_round;      /* sees each reference round (may be NULL) */
    void *arg;
    /* Filled in: */
    int64_t rounds;            /* reference rounds run */
    int pus;                   /* PUs they sampled */
    double solo_rate;          /* items/s alone: the mean over those PUs */
    double spread;             /* the fastest PU's solo rate over the slowest's */
} rt_reference;

/* Run rounds of `items` until Google Benchmark has enough (the family must
 * use manual time); each must produce `checksum`.  on_round (may be NULL)
 * sees every good timed round; ref (may be NULL) adds reference rounds,
 * which are not iterations.  Returns the timed rounds run, or -1 after
 * reporting the error on st. */
int64_t rt_team_bench_rounds(rt_state *st, rt_team *team, int64_t items, uint64_t checksum,
                             rt_round_fn on_round, void *arg, rt_reference *ref);

/* Counters from a run with a reference: solo_items_per_second (one worker
 * alone, the mean over the team's PUs), paired_speedup (the timed rounds'
 * items_per_second over it), solo_pus and solo_spread (ref's pus, spread). */
void rt_reference_counters(rt_state *st, const rt_reference *ref, double items_per_second);

#endif /* RT_ROUNDS_H */
