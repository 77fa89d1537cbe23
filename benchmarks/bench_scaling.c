/*
 * bench_scaling - threads vs processes on CPU-bound, I/O-bound and mixed work.
 *
 * The tutorials' rule: "waiting work, use threads; computing work, use
 * processes".  Here the same workload runs on a team of N pthreads and on a
 * team of N fork()ed processes (team.h), and, as Python would run it, on N
 * threads under an emulated GIL, new (CPython 3.2+) or old (2.x)
 * (gil/gil_mode.h: compute polls the GIL every unit of bytecode, blocking
 * calls release it), for
 *   cpu    a compute kernel with a checksum            (work/cpu.c)
 *   sleep  one blocking sleep per item                 (work/sleep.c)
 *   tcp    request/response to a slow loopback server  (work/tcp.c, responder.c)
 *   mixed  compute c us, then sleep w us, per item     (work/sleep.c)
 * under strong scaling (a fixed total of items split over N workers) and
 * weak scaling (a fixed number of items per worker), N = 1, 2, 4, ... up to
 * the PUs, then PUs, 2 x PUs, 4 x PUs, ...: to 4 x PUs for cpu, to
 * max(64, 4 x PUs) for the waiting workloads.  A second sweep holds N and moves mixed work's waiting
 * fraction w / (c + w) from 0 to 100 %: the threads vs processes crossover.
 *
 * One Google Benchmark iteration is one round of the team: the gate opens,
 * every worker does its items, the last one finishes.  The round's time is
 * the iteration's (manual) time, so the team's creation is outside it.
 * Each run reports
 *   items_per_second        throughput of the whole team
 *   harness_us, harness_fraction
 *                           an empty round, alone and as a share of a round
 *   cpus_busy               workers' CPU time / wall time
 *   cpu_us_per_item, voluntary_cs_per_item, involuntary_cs_per_item
 *                           the workers' CPU time and context switches:
 *                           waiting vs computing
 *   workers_blocked         the workers' time inside blocking calls
 *                           (sleep, send, recv), summed, / wall time: how
 *                           many waited at once on average.  Waits that
 *                           release the GIL overlap, up to N; waits that
 *                           kept it could not, at most 1
 *   responder_cpu_us_per_item
 *                           tcp: the server's CPU time per request
 *   start_skew_us           gate open to the last worker's start
 *   solo_items_per_second, paired_speedup, solo_pus, solo_spread
 *                           cpu: one worker alone, in reference rounds run
 *                           beside the timed ones on each of the team's
 *                           PUs in turn (rounds.h), and the team's rate
 *                           over it: a speedup that the VM's swings of
 *                           single-PU speed do not bend; how many PUs the
 *                           reference sampled, and the fastest one's solo
 *                           rate over the slowest's
 *   cpu_mismatches, bind_failures
 * and its label says mode, placement plan and the CPUs the workers saw.
 * A wrong checksum, a failed worker or a responder that answered a wrong
 * number of requests is an error, never data.
 *
 * The machine's parallel capacity (capacity.h) is measured before and after
 * the sweeps: before into the JSON context, both into --capacity-out.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "flags.h"
#include "gil/gil_mode.h"
#include "machine.h"
#include "outfile.h"
#include "shim/rt_bench.h"
#include "team/capacity.h"
#include "team/rounds.h"
#include "team/team.h"
#include "work/responder.h"
#include "work/workloads.h"

static const char summary[] =
    "Threads vs processes: CPU-bound, I/O-bound and mixed work on 1..N workers and beyond.";

/* ---- parameters ------------------------------------------------------------ */

#define MAX_LIST 32
/* The waiting workloads are swept to at least this many workers. */
#define IO_MIN_SWEEP 64

static rt_place_opts place_opts = RT_PLACE_OPTS_DEFAULT;
static const char *modes_text = "threads,processes,threads-new,threads-old";
static const char *workloads_text = "cpu,sleep,tcp,mixed";
static const char *scalings_text = "strong,weak";
static int64_t cpu_max_workers = 0;      /* 0: 4 x PUs */
static int64_t io_max_workers = 0;       /* 0: max(64, 4 x PUs) */
static int64_t cpu_steps = 50000;
static int64_t cpu_strong_items = 1024;
static int64_t cpu_weak_items = 256;
static int64_t sleep_us = 1000;
static int64_t sleep_strong_items = 2048;
static int64_t sleep_weak_items = 32;
static int64_t tcp_delay_us = 1000;
static int64_t tcp_reply_bytes = 4096;
static int64_t tcp_strong_items = 2048;
static int64_t tcp_weak_items = 32;
static int64_t mixed_item_us = 1000;
static int64_t mixed_wait_pct = 50;
static int64_t mixed_strong_items = 2048;
static int64_t mixed_weak_items = 32;
static const char *crossover_pcts_text = "0,10,25,50,75,90,100";
static int64_t crossover_workers = 0;    /* 0: 2 x PUs */
static int64_t crossover_items = 32;
static int64_t harness_rounds = 5;
static int64_t solo_every = 4;
static double steps_per_us = 0;          /* 0: calibrate */
static double calibrate_ms = 20;
static double capacity_ms = 20;
static int64_t capacity_trials = 5;
static const char *capacity_out = NULL;
static double unit_ns = RT_GIL_UNIT_NS;
static double old_unit_ns = 0;           /* 0: unit_ns */
static int64_t switch_interval_us = RT_GIL_SWITCH_INTERVAL_US;
static int64_t check_interval = RT_GIL_CHECK_INTERVAL;
static int64_t ticks_per_unit = RT_GIL_TICKS_PER_UNIT;
static int64_t fail_worker = -1;
static int fail_how = RT_FAIL_RETURN;

static const char *const scaling_names[] = { "strong", "weak", NULL };

/* Who runs the workload: plain threads (no GIL), processes, or threads of
 * one interpreter under an emulated GIL. */
enum { M_THREADS, M_PROCESSES, M_NEW, M_OLD, NMODES };
static const char *const mode_names[] = { "threads", "processes", "threads-new", "threads-old",
                                          NULL };
static const rt_team_mode mode_team[] = { RT_TEAM_THREADS, RT_TEAM_PROCESSES, RT_TEAM_THREADS,
                                          RT_TEAM_THREADS };
static const rt_gil_kind mode_gil[] = { RT_GIL_NONE, RT_GIL_NONE, RT_GIL_NEW, RT_GIL_OLD };
enum { CPU, SLEEP, TCP, MIXED, NWORKLOADS };
static const char *const workload_names[] = { "cpu", "sleep", "tcp", "mixed", NULL };

static rt_flag flags[] = {
    RT_PLACEMENT_FLAGS(place_opts),
    { "modes", RT_FLAG_STRING, &modes_text, 0, 0, NULL,
      "who runs the work: threads, processes, threads-new, threads-old (under an emulated "
      "GIL)", false },
    { "workloads", RT_FLAG_STRING, &workloads_text, 0, 0, NULL,
      "workloads: cpu, sleep, tcp, mixed", false },
    { "scalings", RT_FLAG_STRING, &scalings_text, 0, 0, NULL,
      "strong (fixed total work), weak (fixed work per worker)", false },
    { "cpu-max-workers", RT_FLAG_INT, &cpu_max_workers, 0, RT_MAX_WORKERS, NULL,
      "cpu sweep: up to this many workers (0: 4 x PUs)", false },
    { "io-max-workers", RT_FLAG_INT, &io_max_workers, 0, RT_MAX_WORKERS, NULL,
      "sleep, tcp, mixed sweeps: up to this many workers (0: max(64, 4 x PUs))", false },
    { "cpu-steps", RT_FLAG_INT, &cpu_steps, 1, 1e9, NULL,
      "cpu: kernel steps per item", false },
    { "cpu-strong-items", RT_FLAG_INT, &cpu_strong_items, 1, 1e9, NULL,
      "cpu: items per round, strong scaling", false },
    { "cpu-weak-items", RT_FLAG_INT, &cpu_weak_items, 1, 1e9, NULL,
      "cpu: items per worker per round, weak scaling", false },
    { "sleep-us", RT_FLAG_INT, &sleep_us, 1, 1e7, NULL,
      "sleep: microseconds per item", false },
    { "sleep-strong-items", RT_FLAG_INT, &sleep_strong_items, 1, 1e9, NULL,
      "sleep: items per round, strong scaling", false },
    { "sleep-weak-items", RT_FLAG_INT, &sleep_weak_items, 1, 1e9, NULL,
      "sleep: items per worker per round, weak scaling", false },
    { "tcp-delay-us", RT_FLAG_INT, &tcp_delay_us, 0, 1e7, NULL,
      "tcp: the responder answers this long after a request", false },
    { "tcp-reply-bytes", RT_FLAG_INT, &tcp_reply_bytes, 8, RT_RESPONDER_MAX_REPLY, NULL,
      "tcp: bytes per answer", false },
    { "tcp-strong-items", RT_FLAG_INT, &tcp_strong_items, 1, 1e9, NULL,
      "tcp: requests per round, strong scaling", false },
    { "tcp-weak-items", RT_FLAG_INT, &tcp_weak_items, 1, 1e9, NULL,
      "tcp: requests per worker per round, weak scaling", false },
    { "mixed-item-us", RT_FLAG_INT, &mixed_item_us, 1, 1e7, NULL,
      "mixed: c + w, microseconds of one item on an idle PU", false },
    { "mixed-wait-pct", RT_FLAG_INT, &mixed_wait_pct, 0, 100, NULL,
      "mixed: waiting share w / (c + w) in the worker sweeps, %", false },
    { "mixed-strong-items", RT_FLAG_INT, &mixed_strong_items, 1, 1e9, NULL,
      "mixed: items per round, strong scaling", false },
    { "mixed-weak-items", RT_FLAG_INT, &mixed_weak_items, 1, 1e9, NULL,
      "mixed: items per worker per round, weak scaling", false },
    { "crossover-pcts", RT_FLAG_STRING, &crossover_pcts_text, 0, 0, NULL,
      "crossover sweep: waiting shares, % (comma-separated, 0..100)", false },
    { "crossover-workers", RT_FLAG_INT, &crossover_workers, 0, RT_MAX_WORKERS, NULL,
      "crossover sweep: workers (0: 2 x PUs)", false },
    { "crossover-items", RT_FLAG_INT, &crossover_items, 1, 1e9, NULL,
      "crossover sweep: items per worker per round", false },
    { "harness-rounds", RT_FLAG_INT, &harness_rounds, 1, 1000, NULL,
      "empty rounds per run that measure the harness (median kept)", false },
    { "solo-every", RT_FLAG_INT, &solo_every, 0, 1000000, NULL,
      "cpu: one worker alone does a reference round (items / N) before the first timed round, "
      "after every this many and after the last, on each of the team's PUs in turn (0: none); "
      "gives paired_speedup", false },
    { "steps-per-us", RT_FLAG_DOUBLE, &steps_per_us, 0, 1e6, NULL,
      "kernel steps per microsecond for mixed work (0: calibrate)", false },
    { "calibrate-ms", RT_FLAG_DOUBLE, &calibrate_ms, 1, 10000, NULL,
      "length of each calibration timing", false },
    { "capacity-ms", RT_FLAG_DOUBLE, &capacity_ms, 1, 10000, NULL,
      "capacity: one thread's piece of work, ms", false },
    { "capacity-trials", RT_FLAG_INT, &capacity_trials, 1, 1000, NULL,
      "capacity: interleaved 1-vs-N trials (median kept)", false },
    { "capacity-out", RT_FLAG_STRING, &capacity_out, 0, 0, NULL,
      "write the capacity before and after the sweeps to this JSON file", false },
    { "unit-ns", RT_FLAG_DOUBLE, &unit_ns, 1, 1e6, NULL,
      "GIL modes: one unit of bytecode, ns (the eval breaker is polled between units)", false },
    { "old-unit-ns", RT_FLAG_DOUBLE, &old_unit_ns, 0, 1e6, NULL,
      "GIL modes: the same under the old GIL, a 2.x countdown iteration (0: --unit-ns)", false },
    { "switch-interval-us", RT_FLAG_INT, &switch_interval_us, 1, 1e7, NULL,
      "GIL modes: the new GIL's switch interval", false },
    { "check-interval", RT_FLAG_INT, &check_interval, 1, 1e9, NULL,
      "GIL modes: the old GIL's check interval, ticks", false },
    { "ticks-per-unit", RT_FLAG_INT, &ticks_per_unit, 1, 1e9, NULL,
      "GIL modes: the old GIL's ticks per unit of bytecode", false },
    { "fail-worker", RT_FLAG_INT, &fail_worker, -1, RT_MAX_WORKERS, NULL,
      "test hook: this worker fails in its first round (-1: none)", false },
    { "fail-how", RT_FLAG_CHOICE, &fail_how, 0, 0, rt_fail_how_names,
      "test hook: how it fails", false },
    RT_FLAG_END,
};

/* ---- the experiments --------------------------------------------------------- */

typedef struct experiment {
    int workload;              /* CPU .. MIXED */
    bool strong;
    int mode;                  /* M_THREADS .. M_OLD */
    bool crossover;            /* the argument is the waiting %, not workers */
} experiment;

static rt_machine machine;
static int sweep_max[NWORKLOADS];
static int64_t crossover_n;

static int64_t strong_items(int w)
{
    const int64_t items[] = { cpu_strong_items, sleep_strong_items, tcp_strong_items,
                              mixed_strong_items };
    return items[w];
}

static int64_t weak_items(int w)
{
    const int64_t items[] = { cpu_weak_items, sleep_weak_items, tcp_weak_items,
                              mixed_weak_items };
    return items[w];
}

/* Everything one run's workload needs; lives on the run's stack, which
 * outlives its team (children have their copy from fork). */
typedef struct run_setup {
    rt_cpu_config cpu;
    rt_sleep_config sleep;
    rt_tcp_config tcp;
    rt_mixed_config mixed;
    rt_faulty_config faulty;
    rt_gil gil;
    rt_gil_mode_config gil_mode;
    rt_responder responder;
    const rt_workload *work;
    const void *config;
    int64_t checksum_steps;    /* kernel steps per item, -1: index checksum */
    size_t shared_bytes;
} run_setup;

static int prepare(const experiment *e, int workers, int64_t wait_pct, run_setup *s, char *err,
                   size_t len)
{
    memset(s, 0, sizeof *s);
    s->checksum_steps = -1;
    rt_gil_params gp = { mode_gil[e->mode], switch_interval_us, check_interval, ticks_per_unit };
    if (gp.kind != RT_GIL_NONE && rt_gil_init(&s->gil, &gp) < 0) {
        snprintf(err, len, "cannot make the GIL");
        return -1;
    }
    switch (e->workload) {
    case CPU:
        s->cpu.steps = cpu_steps;
        s->work = &rt_work_cpu, s->config = &s->cpu, s->checksum_steps = cpu_steps;
        break;
    case SLEEP:
        s->sleep.sleep_us = sleep_us;
        s->work = &rt_work_sleep, s->config = &s->sleep;
        break;
    case TCP:
        if (rt_responder_start(&s->responder, tcp_delay_us, tcp_reply_bytes, err, len) < 0) {
            if (gp.kind != RT_GIL_NONE)
                rt_gil_destroy(&s->gil);
            return -1;
        }
        s->tcp = (rt_tcp_config){ s->responder.port, tcp_reply_bytes };
        s->work = &rt_work_tcp, s->config = &s->tcp;
        break;
    case MIXED:
        s->mixed.compute_steps =
            llround((double)mixed_item_us * (double)(100 - wait_pct) / 100 * steps_per_us);
        s->mixed.wait_us = mixed_item_us * wait_pct / 100;
        s->work = &rt_work_mixed, s->config = &s->mixed;
        s->checksum_steps = s->mixed.compute_steps;
        break;
    }
    if (fail_worker >= 0) {
        s->faulty = (rt_faulty_config){ s->work, s->config, (int)fail_worker, fail_how };
        s->work = &rt_work_faulty, s->config = &s->faulty;
    }
    if (gp.kind != RT_GIL_NONE) {
        s->gil_mode = (rt_gil_mode_config){ &s->gil,
                                            rt_gil_unit_steps(rt_gil_unit_ns(gp.kind, unit_ns,
                                                                             old_unit_ns),
                                                              steps_per_us),
                                            s->work, s->config };
        s->work = &rt_work_under_gil, s->config = &s->gil_mode;
        s->shared_bytes = rt_gil_mode_shared_bytes(workers);
    }
    return 0;
}

/* The checksum a round of `items` must produce, computed on this thread
 * once per (steps, items) and remembered. */
static uint64_t reference_checksum(int64_t steps, int64_t items)
{
    enum { CACHE = 256 };
    static struct { int64_t steps, items; uint64_t sum; } cache[CACHE];
    static int used;
    if (steps < 0)
        return rt_index_checksum(0, items);
    for (int i = 0; i < used; i++)
        if (cache[i].steps == steps && cache[i].items == items)
            return cache[i].sum;
    uint64_t sum = rt_cpu_checksum(0, items, steps);
    if (used < CACHE)
        cache[used].steps = steps, cache[used].items = items, cache[used++].sum = sum;
    return sum;
}

/* The harness's own cost: the median of empty rounds. */
static double harness_seconds(rt_team *team, char *err, size_t len)
{
    double v[1000];
    rt_round r;
    for (int i = 0; i < harness_rounds; i++) {
        if (rt_team_round(team, 0, &r, err, len) < 0)
            return -1;
        v[i] = r.seconds;
    }
    qsort(v, (size_t)harness_rounds, sizeof v[0], rt_cmp_double);
    return v[harness_rounds / 2];
}

static void placement_label(rt_state *st, const rt_team *team, int mode)
{
    char placed[2048], gil[128] = "", label[2300];
    int n = rt_team_workers(team);
    rt_team_placement_text(team, placed, sizeof placed);
    if (mode == M_NEW)
        snprintf(gil, sizeof gil, " gil=new switch_interval_us=%lld unit_ns=%g",
                 (long long)switch_interval_us, unit_ns);
    if (mode == M_OLD)
        snprintf(gil, sizeof gil, " gil=old check_interval=%lld unit_ns=%g",
                 (long long)check_interval, rt_gil_unit_ns(RT_GIL_OLD, unit_ns, old_unit_ns));
    snprintf(label, sizeof label, "mode=%s%s policy=%s %s%s%s", mode_names[mode],
             gil, rt_policy_name(machine.place.policy), placed,
             n > rt_topo_allowed_pus(&machine.topo) ? " oversubscribed=yes" : "",
             rt_team_bind_failures(team) ? " binding=failed" : "");
    rt_set_label(st, label);
}

/* What a run adds up over its rounds. */
typedef struct totals {
    double seconds, skew, cpu, blocked, vcs, ivcs;
    void *gil_slots;           /* GIL modes: the workers' stats, collected */
    int workers;
    rt_gil_stats gil;
} totals;

static void add_round(const rt_round *r, void *arg)
{
    totals *t = arg;
    t->seconds += r->seconds;
    t->skew += r->start_skew;
    t->cpu += r->cpu_seconds;
    t->blocked += r->blocked_seconds;
    t->vcs += (double)r->voluntary_switches;
    t->ivcs += (double)r->involuntary_switches;
    if (t->gil_slots)
        rt_gil_mode_collect(t->gil_slots, t->workers, &t->gil);
}

/* A reference round's GIL counts are not the run's. */
static void discard_gil(const rt_round *r, void *arg)
{
    (void)r;
    totals *t = arg;
    rt_gil_stats scratch = { 0 };
    if (t->gil_slots)
        rt_gil_mode_collect(t->gil_slots, t->workers, &scratch);
}

static void bm_team(rt_state *st, void *arg)
{
    const experiment *e = arg;
    int workers = e->crossover ? (int)crossover_n : (int)rt_range(st, 0);
    int64_t wait_pct = e->crossover ? rt_range(st, 0) : mixed_wait_pct;
    int64_t items = e->crossover ? crossover_items * workers
                    : e->strong  ? strong_items(e->workload)
                                 : weak_items(e->workload) * workers;
    char err[512] = "";
    run_setup s;
    rt_team *team = NULL;
    double harness = -1;
    bool prepared = prepare(e, workers, wait_pct, &s, err, sizeof err) == 0;
    if (prepared) {
        rt_team_config cfg = { .mode = mode_team[e->mode], .workers = workers,
                               .placement = &machine.place, .workload = s.work,
                               .config = s.config, .shared_bytes = s.shared_bytes };
        team = rt_team_start(&cfg, err, sizeof err);
    }
    if (team)
        harness = harness_seconds(team, err, sizeof err);
    totals t = { .workers = workers };
    if (team && s.shared_bytes)
        t.gil_slots = rt_team_shared(team);        /* empty rounds leave it zero */
    uint64_t expected = reference_checksum(s.checksum_steps, items);

    bool ok = team && harness >= 0;
    if (!ok)
        rt_skip_with_error(st, err);
    /* cpu: beside the timed rounds, one worker alone on a worker's share,
     * on each of the team's PUs in turn. */
    int64_t solo_items = items / workers > 0 ? items / workers : 1;
    rt_reference ref = { .items = solo_items,
                         .checksum = reference_checksum(s.checksum_steps, solo_items),
                         .every = (int)solo_every, .on_round = discard_gil, .arg = &t };
    rt_reference *with_ref = e->workload == CPU && solo_every > 0 ? &ref : NULL;
    int64_t rounds =
        ok ? rt_team_bench_rounds(st, team, items, expected, add_round, &t, with_ref) : -1;
    ok = rounds >= 0;

    char why[512];
    if (team) {
        placement_label(st, team, e->mode);
        rt_counter(st, "cpu_mismatches", rt_team_cpu_mismatches(team), RT_COUNTER_DEFAULT);
        rt_counter(st, "bind_failures", rt_team_bind_failures(team), RT_COUNTER_DEFAULT);
    }
    if (rt_team_stop(team, why, sizeof why) < 0 && ok) {
        rt_skip_with_error(st, why);
        ok = false;
    }
    double responder_cpu = 0;
    if (prepared && mode_gil[e->mode] != RT_GIL_NONE)
        rt_gil_destroy(&s.gil);
    if (e->workload == TCP && prepared) {
        int64_t served = 0;
        int stopped = rt_responder_stop(&s.responder, &served, &responder_cpu, why, sizeof why);
        if (stopped < 0 && ok) {
            rt_skip_with_error(st, why);
            ok = false;
        } else if (ok && served != rounds * items) {
            snprintf(why, sizeof why, "the responder answered %lld requests, expected %lld",
                     (long long)served, (long long)(rounds * items));
            rt_skip_with_error(st, why);
            ok = false;
        }
    }
    if (!ok || rounds == 0)
        return;

    double done = (double)(rounds * items), seconds = t.seconds;
    rt_items_processed(st, rounds * items);
    rt_counter(st, "workers", workers, RT_COUNTER_DEFAULT);
    rt_counter(st, "items_per_round", (double)items, RT_COUNTER_DEFAULT);
    if (e->workload == MIXED)
        rt_counter(st, "wait_pct", (double)wait_pct, RT_COUNTER_DEFAULT);
    rt_counter(st, "harness_us", harness * 1e6, RT_COUNTER_DEFAULT);
    rt_counter(st, "harness_fraction", harness / (seconds / (double)rounds), RT_COUNTER_DEFAULT);
    rt_counter(st, "start_skew_us", t.skew / (double)rounds * 1e6, RT_COUNTER_DEFAULT);
    rt_counter(st, "cpus_busy", t.cpu / seconds, RT_COUNTER_DEFAULT);
    rt_counter(st, "workers_blocked", t.blocked / seconds, RT_COUNTER_DEFAULT);
    rt_counter(st, "cpu_us_per_item", t.cpu / done * 1e6, RT_COUNTER_DEFAULT);
    rt_counter(st, "voluntary_cs_per_item", t.vcs / done, RT_COUNTER_DEFAULT);
    rt_counter(st, "involuntary_cs_per_item", t.ivcs / done, RT_COUNTER_DEFAULT);
    if (e->workload == TCP)
        rt_counter(st, "responder_cpu_us_per_item", responder_cpu / done * 1e6,
                   RT_COUNTER_DEFAULT);
    if (t.gil_slots)
        rt_gil_counters(st, &t.gil, seconds);
    if (with_ref)
        rt_reference_counters(st, with_ref, done / seconds);
}

/* ---- registration ------------------------------------------------------------ */

static experiment experiments[NMODES * NWORKLOADS * 2 + NMODES];
static int nexperiments;

static void register_sweep(const experiment *proto, const int64_t *pcts, int npcts)
{
    experiment *e = &experiments[nexperiments++];
    *e = *proto;
    char name[128];
    if (e->crossover)
        snprintf(name, sizeof name, "crossover/mixed/%s", mode_names[e->mode]);
    else
        snprintf(name, sizeof name, "scaling/%s/%s/%s", workload_names[e->workload],
                 e->strong ? "strong" : "weak", mode_names[e->mode]);
    rt_bench *b = rt_bench_register(name, bm_team, e);
    if (e->crossover) {
        rt_bench_arg_name(b, "wait_pct");
        for (int i = 0; i < npcts; i++)
            rt_bench_arg(b, pcts[i]);
    } else {
        /* 1, 2, 4, ... below the PUs, then PUs, 2 x PUs, 4 x PUs, ..., most */
        rt_bench_arg_name(b, "workers");
        int most = sweep_max[e->workload], pus = rt_topo_allowed_pus(&machine.topo);
        for (int n = 1; n < pus && n < most; n *= 2)
            rt_bench_arg(b, n);
        for (int n = pus; n < most; n *= 2)
            rt_bench_arg(b, n);
        rt_bench_arg(b, most);
    }
    rt_bench_use_manual_time(b);
    rt_bench_extra_statistics(b);
}

/* ---- capacity ------------------------------------------------------------------ */

static void measure_capacity(const char *when, rt_capacity *c)
{
    char err[512];
    int pus = rt_topo_allowed_pus(&machine.topo);
    if (rt_capacity_measure(&machine.place, pus, capacity_ms, (int)capacity_trials,
                            steps_per_us, c, err, sizeof err) < 0) {
        fprintf(stderr, "bench_scaling: capacity %s the sweeps: %s\n", when, err);
        exit(1);
    }
    fprintf(stderr, "bench_scaling: capacity %s the sweeps: %.2f of %d PUs (%d trials, "
            "%.2f..%.2f)\n", when, c->capacity, pus, c->trials, c->min, c->max);
}

static void capacity_json(FILE *f, const char *key, const rt_capacity *c, bool last)
{
    fprintf(f, "  \"%s\": {\"capacity\": %.4f, \"min\": %.4f, \"max\": %.4f, \"workers\": %d, "
               "\"trials\": %d, \"piece_ms\": %.3f}%s\n",
            key, c->capacity, c->min, c->max, c->workers, c->trials, c->single_ms,
            last ? "" : ",");
}

static int write_capacity(const rt_capacity *before, const rt_capacity *after)
{
    rt_outfile out;
    if (rt_outfile_open(&out, capacity_out) < 0)
        return -1;
    FILE *f = out.f;
    fprintf(f, "{\n  \"pus\": %d,\n  \"cores\": %d,\n", rt_topo_allowed_pus(&machine.topo),
            rt_topo_cores(&machine.topo));
    capacity_json(f, "before", before, false);
    capacity_json(f, "after", after, true);
    fprintf(f, "}\n");
    return rt_outfile_commit(&out);
}

int main(int argc, char **argv)
{
    rt_flags_main(&argc, argv, summary, flags);
    char err[512];
    int modes[NMODES], works[NWORKLOADS], scalings[2];
    int64_t pcts[MAX_LIST];
    int nmodes = rt_list_choices("modes", modes_text, mode_names, modes, NMODES, err,
                                 sizeof err);
    int nworks = nmodes < 0 ? -1
                            : rt_list_choices("workloads", workloads_text, workload_names,
                                              works, NWORKLOADS, err, sizeof err);
    int nscalings = nworks < 0 ? -1
                               : rt_list_choices("scalings", scalings_text, scaling_names,
                                                 scalings, 2, err, sizeof err);
    int npcts = nscalings < 0 ? -1
                              : rt_list_ints("crossover-pcts", crossover_pcts_text, 0, 100,
                                             pcts, MAX_LIST, err, sizeof err);
    if (npcts < 0)
        rt_usage_error(argv[0], err);
    if (capacity_out && !strcmp(capacity_out, ""))
        rt_usage_error(argv[0], "--capacity-out: empty path");
    rt_outfile_check_flag(argv[0], "capacity-out", capacity_out);

    rt_machine_init(&machine, argv[0], &place_opts, 1);
    int pus = rt_topo_allowed_pus(&machine.topo);
    sweep_max[CPU] = cpu_max_workers ? (int)cpu_max_workers : 4 * pus;
    int io = io_max_workers ? (int)io_max_workers : (4 * pus > IO_MIN_SWEEP ? 4 * pus
                                                                            : IO_MIN_SWEEP);
    sweep_max[SLEEP] = sweep_max[TCP] = sweep_max[MIXED] = io;
    crossover_n = crossover_workers ? crossover_workers : 2 * pus;
    /* The sweeps go past the PUs on purpose: workers wrap round-robin. */
    machine.place.oversubscribe = true;
    int most = sweep_max[CPU] > io ? sweep_max[CPU] : io;
    if (rt_plan_check(&machine.place, most, err, sizeof err) < 0)
        rt_usage_error(argv[0], err);
    bool strong = false;
    for (int i = 0; i < nscalings; i++)
        strong |= scalings[i] == 0;
    for (int i = 0; strong && i < nworks; i++) {
        int w = works[i];
        if (strong_items(w) < sweep_max[w]) {
            snprintf(err, sizeof err, "--%s-strong-items: %lld is fewer than the %d workers of "
                     "the sweep, so some would get no work; valid: at least %d",
                     workload_names[w], (long long)strong_items(w), sweep_max[w], sweep_max[w]);
            rt_usage_error(argv[0], err);
        }
    }

    if (steps_per_us == 0)
        steps_per_us = rt_cpu_steps_per_us(calibrate_ms, 5);
    rt_contextf("calibration.cpu_steps_per_us", "%.1f", steps_per_us);
    rt_contextf("sweep.cpu_max_workers", "%d", sweep_max[CPU]);
    rt_contextf("sweep.io_max_workers", "%d", io);
    rt_contextf("sweep.crossover_workers", "%lld", (long long)crossover_n);
    rt_context("placement.oversubscribe", "yes");
    rt_contextf("timer_slack_ns", "%d", RT_TIMER_SLACK_NS);
    rt_contextf("gil.unit_ns", "%g", unit_ns);
    rt_contextf("gil.unit_steps", "%lld", (long long)rt_gil_unit_steps(unit_ns, steps_per_us));
    rt_contextf("gil.old_unit_ns", "%g", rt_gil_unit_ns(RT_GIL_OLD, unit_ns, old_unit_ns));
    rt_contextf("gil.switch_interval_us", "%lld", (long long)switch_interval_us);
    rt_contextf("gil.check_interval", "%lld", (long long)check_interval);
    rt_contextf("gil.ticks_per_unit", "%lld", (long long)ticks_per_unit);

    rt_capacity before, after;
    measure_capacity("before", &before);
    rt_contextf("capacity.before", "%.3f", before.capacity);
    rt_contextf("capacity.before_range", "%.3f..%.3f", before.min, before.max);

    for (int w = 0; w < nworks; w++)
        for (int sc = 0; sc < nscalings; sc++)
            for (int m = 0; m < nmodes; m++)
                register_sweep(&(experiment){ works[w], scalings[sc] == 0, modes[m], false },
                               NULL, 0);
    for (int w = 0; w < nworks; w++)
        if (works[w] == MIXED)
            for (int m = 0; m < nmodes; m++)
                register_sweep(&(experiment){ MIXED, false, modes[m], true },
                               pcts, npcts);

    int errors = rt_run_reported("bench_scaling");
    measure_capacity("after", &after);
    int rc = errors == 0 ? 0 : 1;
    if (capacity_out && write_capacity(&before, &after) != 0) {
        fprintf(stderr, "bench_scaling: cannot write --capacity-out '%s': %s\n", capacity_out,
                strerror(errno));
        rc = 1;
    }
    rt_shutdown();
    rt_machine_destroy(&machine);
    return rc;
}
