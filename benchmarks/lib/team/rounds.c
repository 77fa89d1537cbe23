/*
 * rounds.c - a team's rounds as benchmark iterations; see rounds.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "team/rounds.h"

/* One round of `items` on workers first .. first+active-1, its checksum checked. */
static int checked_round(rt_team *team, int64_t items, int first, int active,
                         uint64_t checksum, rt_round *r, char *err, size_t errlen)
{
    if (rt_team_round_some(team, items, first, active, r, err, errlen) < 0)
        return -1;
    if (r->checksum != checksum) {
        snprintf(err, errlen, "wrong checksum %llu, expected %llu",
                 (unsigned long long)r->checksum, (unsigned long long)checksum);
        return -1;
    }
    return 0;
}

/* The reference's solo workers, one per PU of the team's plan. */
typedef struct soloists {
    int n;
    int *worker;               /* the first worker planned on each PU */
    int64_t *rounds;
    double *seconds;
} soloists;

static int soloists_init(soloists *s, rt_team *team)
{
    int workers = rt_team_workers(team);
    const int *pu = rt_team_planned(team);
    s->n = 0;
    s->worker = malloc((size_t)workers * sizeof *s->worker);
    s->rounds = calloc((size_t)workers, sizeof *s->rounds);
    s->seconds = calloc((size_t)workers, sizeof *s->seconds);
    if (!s->worker || !s->rounds || !s->seconds)
        return -1;
    s->worker[s->n++] = 0;
    for (int i = 1; i < workers && pu[0] >= 0; i++) {
        int j = 0;
        while (j < i && pu[j] != pu[i])
            j++;
        if (j == i)
            s->worker[s->n++] = i;
    }
    return 0;
}

static void soloists_free(soloists *s)
{
    free(s->worker);
    free(s->rounds);
    free(s->seconds);
}

/* The next reference round, on the next PU in turn. */
static int reference_round(rt_team *team, rt_reference *ref, soloists *s, char *err,
                           size_t errlen)
{
    int k = (int)(ref->rounds % s->n);
    rt_round r;
    if (checked_round(team, ref->items, s->worker[k], 1, ref->checksum, &r, err, errlen) < 0)
        return -1;
    ref->rounds++;
    s->rounds[k]++;
    s->seconds[k] += r.seconds;
    if (ref->on_round)
        ref->on_round(&r, ref->arg);
    return 0;
}

/* ref's results: the mean of the per-PU solo rates, and their spread. */
static void reference_results(rt_reference *ref, const soloists *s)
{
    double sum = 0, lo = 0, hi = 0;
    ref->pus = 0;
    for (int k = 0; k < s->n; k++) {
        if (s->rounds[k] == 0 || s->seconds[k] <= 0)
            continue;
        double rate = (double)ref->items * (double)s->rounds[k] / s->seconds[k];
        lo = ref->pus == 0 || rate < lo ? rate : lo;
        hi = ref->pus == 0 || rate > hi ? rate : hi;
        sum += rate;
        ref->pus++;
    }
    ref->solo_rate = ref->pus ? sum / ref->pus : 0;
    ref->spread = lo > 0 ? hi / lo : 0;
}

int64_t rt_team_bench_rounds(rt_state *st, rt_team *team, int64_t items, uint64_t checksum,
                             rt_round_fn on_round, void *arg, rt_reference *ref)
{
    char err[512] = "cannot allocate the reference's bookkeeping";
    int64_t rounds = 0;
    int workers = rt_team_workers(team);
    soloists solo = { 0 };
    bool ok = !ref || soloists_init(&solo, team) == 0;
    int64_t n = rt_loop_begin(st);
    if (ok && n > 0 && ref)
        ok = reference_round(team, ref, &solo, err, sizeof err) == 0;
    for (; ok && n > 0; n--) {
        rt_round r;
        if (checked_round(team, items, 0, workers, checksum, &r, err, sizeof err) < 0) {
            ok = false;
            break;
        }
        rt_set_iteration_time(st, r.seconds);
        rounds++;
        if (on_round)
            on_round(&r, arg);
        if (ref && (n == 1 || rounds % ref->every == 0))
            ok = reference_round(team, ref, &solo, err, sizeof err) == 0;
    }
    /* Every PU of the team gets at least one reference round. */
    while (ok && ref && rounds > 0 && ref->rounds < solo.n)
        ok = reference_round(team, ref, &solo, err, sizeof err) == 0;
    if (!ok)
        rt_skip_with_error(st, err);
    rt_loop_end(st);
    if (ref)
        reference_results(ref, &solo);
    soloists_free(&solo);
    return ok ? rounds : -1;
}

void rt_reference_counters(rt_state *st, const rt_reference *ref, double items_per_second)
{
    if (ref->pus == 0 || ref->solo_rate <= 0)
        return;
    rt_counter(st, "solo_items_per_second", ref->solo_rate, RT_COUNTER_DEFAULT);
    rt_counter(st, "paired_speedup", items_per_second / ref->solo_rate, RT_COUNTER_DEFAULT);
    rt_counter(st, "solo_pus", ref->pus, RT_COUNTER_DEFAULT);
    rt_counter(st, "solo_spread", ref->spread, RT_COUNTER_DEFAULT);
}
