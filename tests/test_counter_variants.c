/*
 * test_counter_variants.c - every locked, atomic and sharded variant is
 * exact with 2 and 8 workers; racy and volatile lose updates with 2 workers
 * on a machine with at least 2 PUs (within a bounded number of trials).
 */
#include <stdlib.h>

#include "check.h"
#include "counter_variants.h"
#include "team/team.h"

/* Increments per worker in the exactness tests. */
#define EXACT_INCREMENTS 200000
/* The race test: the textbook size, and how many trials it may take. */
#define RACE_INCREMENTS 1000000
#define RACE_MAX_TRIALS 50

typedef struct job {
    rt_counter_ctx *ctx;
    const rt_counter_variant *v;
} job;

static int increment(rt_worker *w)
{
    const job *j = w->config;
    j->v->run(j->ctx, w->index, w->count);
    return 0;
}

static const rt_workload increments = { "increments", NULL, increment, NULL };

/* Run one trial; returns the number of lost updates. */
static int64_t trial(const rt_placement *pl, rt_counter_ctx *ctx, const rt_counter_variant *v,
                     int workers, int64_t n)
{
    job j = { ctx, v };
    rt_team_config cfg = { RT_TEAM_THREADS, workers, pl, &increments, &j, 0 };
    char err[256];
    rt_round round;
    rt_counter_ctx_reset(ctx);
    rt_team *team = rt_team_start(&cfg, err, sizeof err);
    if (!team || rt_team_round(team, workers * n, &round, err, sizeof err) < 0) {
        fprintf(stderr, "team: %s\n", err);
        exit(1);
    }
    CHECK(rt_team_cpu_mismatches(team) == 0, "%s: %d workers not where planned", v->name,
          rt_team_cpu_mismatches(team));
    rt_team_stop(team, NULL, 0);
    return (int64_t)workers * n - v->total(ctx, workers);
}

int main(void)
{
    rt_topo topo;
    char err[256];
    if (rt_topo_load_system(&topo, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    rt_placement pl = { &topo, RT_POLICY_COMPACT, NULL, 0, true };
    rt_counter_ctx *ctx = rt_counter_ctx_new(8);

    for (int i = 0; i < rt_counter_variant_count; i++) {
        const rt_counter_variant *v = &rt_counter_variants[i];
        if (!v->exact)
            continue;
        for (int workers = 2; workers <= 8; workers *= 4) {
            int64_t lost = trial(&pl, ctx, v, workers, EXACT_INCREMENTS);
            CHECK(lost == 0, "%s with %d workers lost %lld updates", v->name, workers,
                  (long long)lost);
        }
    }

    /* Exactly the variants that may lose updates are marked so. */
    CHECK(!rt_counter_variant_find("racy")->exact && !rt_counter_variant_find("volatile")->exact
          && !rt_counter_variant_find("plain")->exact, "unlocked variants marked exact");
    CHECK(rt_counter_variant_find("volatile")->data_race &&
          !rt_counter_variant_find("racy")->data_race, "data-race labels");

    if (check_failed)
        return check_summary();
    if (rt_topo_allowed_pus(&topo) < 2) {
        printf("SKIP: the race tests need 2 PUs, this process may use 1\n");
        return CHECK_SKIP;
    }
    pl.oversubscribe = false;
    static const char *const racy[] = { "racy", "volatile" };
    for (size_t i = 0; i < 2; i++) {
        const rt_counter_variant *v = rt_counter_variant_find(racy[i]);
        int64_t lost = 0;
        int t = 0;
        while (lost == 0 && t < RACE_MAX_TRIALS) {
            lost = trial(&pl, ctx, v, 2, RACE_INCREMENTS);
            t++;
        }
        CHECK(lost > 0, "%s never lost an update in %d trials", v->name, t);
        CHECK(lost < 2 * RACE_INCREMENTS, "%s lost more than it did: %lld", v->name,
              (long long)lost);
        printf("%s: lost %lld of %d updates (trial %d)\n", v->name, (long long)lost,
               2 * RACE_INCREMENTS, t);
    }
    rt_counter_ctx_free(ctx);
    rt_topo_destroy(&topo);
    return check_summary();
}
