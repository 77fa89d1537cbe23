/*
 * bench_counter - does `counter += 1` lose updates, and what does a lock cost?
 *
 * The claim: T threads that each increment one shared counter K times do
 * not reach T x K without a lock, because the increment is a read, an add
 * and a write; a lock (or an atomic, or one counter per thread) fixes it.
 *
 * Benchmark mode (default): every variant of counter_variants.c on 1, 2,
 * 4, ... up to --max-workers threads, started together behind Google
 * Benchmark's start barrier.  Each run reports
 *   ns_per_increment   wall time a worker spends per increment (mean of the
 *                      workers; the aggregate rate is items_per_second)
 *   lost_updates       expected - final counter value
 *   lost_fraction      lost_updates / expected
 * and an exact variant that misses its total is an error, never data.
 *
 * Tutorial mode (--tutorial): the textbook scenario, 2 threads x 1,000,000,
 * over --trials trials, printed as "expected 2,000,000, got ...".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "counter_variants.h"
#include "driver.h"
#include "flags.h"
#include "machine.h"
#include "outfile.h"
#include "shim/rt_bench.h"
#include "team/team.h"

static const char summary[] =
    "Lost updates and lock costs: T workers increment one shared counter.";

/* ---- parameters ------------------------------------------------------------ */

static rt_place_opts place_opts = RT_PLACE_OPTS_DEFAULT;
static int64_t max_workers = 0;          /* 0: twice the allowed PUs */
static bool tutorial = false;
static int64_t tutorial_workers = 2;
static int64_t tutorial_increments = 1000000;
static int64_t tutorial_trials = 20;
static const char *tutorial_variants = "racy,volatile,plain,mutex,atomic-relaxed";
static const char *tutorial_out = NULL;

static rt_flag flags[] = {
    RT_PLACEMENT_FLAGS(place_opts),
    { "max-workers", RT_FLAG_INT, &max_workers, 0, RT_MAX_WORKERS, NULL,
      "sweep 1, 2, 4, ... up to this many workers (0: 2 x allowed PUs)", false },
    { "tutorial", RT_FLAG_BOOL, &tutorial, 0, 0, NULL,
      "run the textbook scenario instead of the benchmarks", false },
    { "workers", RT_FLAG_INT, &tutorial_workers, 1, RT_MAX_WORKERS, NULL,
      "tutorial: threads incrementing the counter", false },
    { "increments", RT_FLAG_INT, &tutorial_increments, 1, 1000000000, NULL,
      "tutorial: increments per thread", false },
    { "trials", RT_FLAG_INT, &tutorial_trials, 1, 100000, NULL,
      "tutorial: independent trials per variant", false },
    { "variants", RT_FLAG_STRING, &tutorial_variants, 0, 0, NULL,
      "tutorial: comma-separated variants, or all", false },
    { "tutorial-out", RT_FLAG_STRING, &tutorial_out, 0, 0, NULL,
      "tutorial: also write the trials as JSON to this file", false },
    RT_FLAG_END,
};

/* ---- benchmark mode -------------------------------------------------------- */

static rt_counter_ctx *ctx;

/* Runs on the main thread before each run's workers start. */
static void reset_counter(const rt_state *st, void *arg)
{
    (void)st;
    (void)arg;
    rt_counter_ctx_reset(ctx);
}

static void bm_increment(rt_state *st, void *arg)
{
    const rt_counter_variant *v = arg;
    int64_t n = rt_loop_begin(st);
    int64_t start = rt_now_ns();
    v->run(ctx, rt_thread_index(st), n);
    double elapsed = (double)(rt_now_ns() - start);
    rt_loop_end(st);     /* stop barrier: every worker has finished */

    rt_counter(st, "ns_per_increment", n ? elapsed / (double)n : 0, RT_COUNTER_AVG_THREADS);
    rt_items_processed(st, n);
    if (rt_thread_index(st) != 0)
        return;

    int64_t expected = n * rt_threads(st);
    int64_t got = v->total(ctx, rt_threads(st));
    int64_t lost = expected - got;
    if (v->exact && lost != 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: wrong total: expected %lld, got %lld", v->name,
                 (long long)expected, (long long)got);
        rt_skip_with_error(st, msg);
        return;
    }
    rt_counter(st, "expected_total", (double)expected, RT_COUNTER_DEFAULT);
    rt_counter(st, "lost_updates", (double)lost, RT_COUNTER_DEFAULT);
    rt_counter(st, "lost_fraction", expected ? (double)lost / (double)expected : 0,
               RT_COUNTER_DEFAULT);
}

static void register_benchmarks(const rt_machine *m, int sweep_max)
{
    for (int i = 0; i < rt_counter_variant_count; i++) {
        const rt_counter_variant *v = &rt_counter_variants[i];
        char name[96];
        snprintf(name, sizeof name, "counter/%s", v->name);
        rt_bench *b = rt_bench_register(name, bm_increment, (void *)v);
        rt_bench_threads_doubling(b, 1, sweep_max);
        rt_bench_use_real_time(b);
        rt_bench_hooks(b, reset_counter, NULL);
        rt_bench_extra_statistics(b);
        rt_bench_placement(b, &m->place);
    }
}

/* ---- tutorial mode ----------------------------------------------------------- */

/* The workload: each worker of a round does its share of the increments. */
static int tutorial_run(rt_worker *w)
{
    const rt_counter_variant *v = w->config;
    v->run(ctx, w->index, w->count);
    return 0;
}

static const rt_workload tutorial_work = { "counter", NULL, tutorial_run, NULL };

/* 1234567 -> "1,234,567" */
static const char *grouped(int64_t x, char *buf, size_t len)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(x < 0 ? -x : x));
    size_t o = 0;
    if (x < 0 && o < len - 1)
        buf[o++] = '-';
    for (int i = 0; i < n && o < len - 1; i++) {
        if (i && (n - i) % 3 == 0 && o < len - 1)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static int run_tutorial_variant(const rt_machine *m, const rt_counter_variant *v, FILE *json,
                                bool first)
{
    int64_t expected = tutorial_workers * tutorial_increments;
    int64_t *lost = calloc((size_t)tutorial_trials, sizeof *lost);
    int failures = 0, with_loss = 0;
    char err[512], a[32], b[32], c[32], d[32], e[32];

    /* One team, one round per trial; the counter is reset between rounds,
     * while the workers wait at the gate. */
    rt_team_config cfg = { .mode = RT_TEAM_THREADS, .workers = (int)tutorial_workers,
                           .placement = &m->place, .workload = &tutorial_work, .config = v };
    rt_team *team = rt_team_start(&cfg, err, sizeof err);
    for (int64_t i = 0; team && i < tutorial_trials; i++) {
        rt_round round;
        rt_counter_ctx_reset(ctx);
        if (rt_team_round(team, expected, &round, err, sizeof err) < 0) {
            rt_team_stop(team, NULL, 0);
            team = NULL;
            break;
        }
        lost[i] = expected - v->total(ctx, (int)tutorial_workers);
        with_loss += lost[i] != 0;
        failures += v->exact && lost[i] != 0;
    }
    if (!team) {
        fprintf(stderr, "bench_counter: %s\n", err);
        free(lost);
        return -1;
    }
    int64_t *sorted = malloc((size_t)tutorial_trials * sizeof *sorted);
    memcpy(sorted, lost, (size_t)tutorial_trials * sizeof *sorted);
    qsort(sorted, (size_t)tutorial_trials, sizeof *sorted, rt_cmp_i64);
    int64_t median = sorted[tutorial_trials / 2];

    printf("%-16s expected %s, got %s (median of %lld trials); lost min %s / median %s / max %s;"
           " %d of %lld trials lost updates\n",
           v->name, grouped(expected, a, sizeof a), grouped(expected - median, b, sizeof b),
           (long long)tutorial_trials, grouped(sorted[0], c, sizeof c),
           grouped(median, d, sizeof d), grouped(sorted[tutorial_trials - 1], e, sizeof e),
           with_loss, (long long)tutorial_trials);
    if (failures)
        printf("%-16s ERROR: an exact variant lost updates in %d trials\n", v->name, failures);

    if (json) {
        char plan[512], seen[512];
        rt_cpulist_format(rt_team_planned(team), rt_team_workers(team), plan, sizeof plan);
        rt_cpulist_format(rt_team_seen(team), rt_team_workers(team), seen, sizeof seen);
        fprintf(json,
                "%s\n    {\"variant\": \"%s\", \"what\": \"%s\", \"exact\": %s, "
                "\"data_race\": %s, \"expected\": %lld, \"plan\": \"%s\", \"seen\": \"%s\", "
                "\"lost\": [",
                first ? "" : ",", v->name, v->what, v->exact ? "true" : "false",
                v->data_race ? "true" : "false", (long long)expected, plan, seen);
        for (int64_t i = 0; i < tutorial_trials; i++)
            fprintf(json, "%s%lld", i ? ", " : "", (long long)lost[i]);
        fprintf(json, "], \"lost_min\": %lld, \"lost_median\": %lld, \"lost_max\": %lld, "
                      "\"trials_with_loss\": %d}",
                (long long)sorted[0], (long long)median,
                (long long)sorted[tutorial_trials - 1], with_loss);
    }
    rt_team_stop(team, NULL, 0);
    free(sorted);
    free(lost);
    return failures ? -1 : 0;
}

static int run_tutorial(const rt_machine *m, const char *prog)
{
    const rt_counter_variant *chosen[64];
    int n = 0;
    if (!strcmp(tutorial_variants, "all")) {
        for (int i = 0; i < rt_counter_variant_count; i++)
            chosen[n++] = &rt_counter_variants[i];
    } else {
        char *list = strdup(tutorial_variants), *save = NULL;
        for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            const rt_counter_variant *v = rt_counter_variant_find(tok);
            if (!v) {
                char msg[256];
                snprintf(msg, sizeof msg, "--variants: unknown variant '%s'; valid: all, or "
                         "names from --help's list", tok);
                rt_usage_error(prog, msg);
            }
            if (n < 64)
                chosen[n++] = v;
        }
        free(list);
    }

    int plan[2] = { -1, -1 };
    char err[256], pair[64] = "";
    if (tutorial_workers == 2 && rt_plan(&m->place, 2, plan, err, sizeof err) == 0)
        snprintf(pair, sizeof pair, ", pair: %s", rt_pair_relation(&m->topo, plan[0], plan[1]));
    rt_outfile out;
    FILE *json = NULL;
    if (tutorial_out) {
        if (rt_outfile_open(&out, tutorial_out) < 0) {
            char msg[600];
            snprintf(msg, sizeof msg, "--tutorial-out: cannot write '%s': %s", tutorial_out,
                     strerror(errno));
            rt_usage_error(prog, msg);
        }
        json = out.f;
    }
    printf("counter += 1: %lld threads x %lld increments, %lld trials per variant "
           "(policy %s%s)\n",
           (long long)tutorial_workers, (long long)tutorial_increments,
           (long long)tutorial_trials, rt_policy_name(m->place.policy), pair);

    if (json)
        fprintf(json, "{\"workers\": %lld, \"increments\": %lld, \"trials\": %lld, "
                      "\"policy\": \"%s\", \"virtual\": \"%s\", \"variants\": [",
                (long long)tutorial_workers, (long long)tutorial_increments,
                (long long)tutorial_trials, rt_policy_name(m->place.policy), m->virt);
    int rc = 0;
    for (int i = 0; i < n; i++)
        if (run_tutorial_variant(m, chosen[i], json, i == 0) < 0)
            rc = 1;
    if (json) {
        fprintf(json, "\n]}\n");
        if (rt_outfile_commit(&out) < 0) {
            fprintf(stderr, "%s: --tutorial-out: cannot write '%s': %s\n", prog, tutorial_out,
                    strerror(errno));
            rc = 1;
        }
    }
    return rc;
}

int main(int argc, char **argv)
{
    rt_flags_main(&argc, argv, summary, flags);
    rt_outfile_check_flag(argv[0], "tutorial-out", tutorial_out);

    rt_machine m;
    rt_machine_init(&m, argv[0], &place_opts, 1);
    int sweep_max = max_workers ? (int)max_workers : 2 * rt_topo_allowed_pus(&m.topo);
    int most = tutorial ? (int)tutorial_workers : sweep_max;
    if (!tutorial && sweep_max > rt_topo_allowed_pus(&m.topo) && !max_workers)
        m.place.oversubscribe = true;    /* the default sweep goes to 2 x PUs */
    char err[512];
    if (rt_plan_check(&m.place, most, err, sizeof err) < 0)
        rt_usage_error(argv[0], err);
    rt_contextf("param.max-workers", "%d", sweep_max);
    rt_context("placement.oversubscribe", m.place.oversubscribe ? "yes" : "no");

    ctx = rt_counter_ctx_new(most);
    int rc;
    if (tutorial) {
        rc = run_tutorial(&m, argv[0]);
    } else {
        register_benchmarks(&m, sweep_max);
        rc = rt_run_reported("bench_counter") == 0 ? 0 : 1;
    }
    rt_shutdown();
    rt_counter_ctx_free(ctx);
    rt_machine_destroy(&m);
    return rc;
}
