/*
 * bench_gil - the experiments that made the GIL famous, on an emulated GIL
 * faithful to CPython's (gil/gil.h).
 *
 * Every worker is a "Python thread" running units of bytecode (gil_work.h).
 * Modes: threads under the new GIL (CPython 3.2+), under the old GIL
 * (2.x), with no GIL (free-threaded), and processes (each its own GIL).
 *   gil/cpu/<mode>/workers:N       CPU-bound, a fixed total of items over
 *                                  1 .. 2 x PUs workers
 *   gil/cpu_one_pu/<mode>/workers:N  the same with every worker on one PU
 *                                  (the old GIL's "battle" goes away)
 *   gil/interval/threads-new/us:X  2 CPU-bound threads at switch interval X
 *   gil/convoy/<op>/<mode>/i<I>/cpu:K
 *                                  one thread doing always-ready I/O (read1:
 *                                  a 1-byte read of /dev/zero; socketpair:
 *                                  send + recv; echo: a round trip to a
 *                                  process) for --convoy-ms (beside CPU
 *                                  threads, at least --convoy-min-intervals
 *                                  switch intervals), beside K CPU-bound
 *                                  threads, at switch interval I
 * I/O-bound and mixed work under the GIL are modes of bench_scaling's
 * workloads (sleep, tcp, mixed; gil/gil_mode.h), not repeated here.
 * CPU-bound runs also report solo_items_per_second and paired_speedup: one
 * worker alone, in reference rounds beside the timed ones on each of the
 * team's PUs in turn (team/rounds.h), and the team's rate over it, the
 * speedup the VM's drift does not bend; solo_pus and solo_spread say how
 * many PUs the reference sampled and how far apart their speeds were.
 * Each run reports items_per_second (or io_ops_per_second, and
 * io_cpu_ns_per_op: the I/O thread's CPU time per operation), the GIL's
 * acquisitions, hand-offs, drop requests and forced-switch waits per
 * second, time waiting for the GIL (p50, p99, max), I/O operation latency
 * (p50, p99, fraction over 1 ms, and the distribution as io_le_<E>ns: the
 * fraction of operations under E ns, E = 1024 .. 2^27) and context
 * switches per second.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "flags.h"
#include "gil/footprint.h"
#include "gil/gil.h"
#include "gil/gil_mode.h"
#include "gil/gil_work.h"
#include "machine.h"
#include "shim/rt_bench.h"
#include "team/rounds.h"
#include "team/team.h"
#include "work/responder.h"
#include "work/workloads.h"

static const char summary[] =
    "Threads under an emulated GIL (new, old), without one, and processes.";

/* ---- parameters ------------------------------------------------------------ */

#define MAX_LIST 16

static rt_place_opts place_opts = RT_PLACE_OPTS_DEFAULT;
static double unit_ns = RT_GIL_UNIT_NS;
static double old_unit_ns = 0;           /* 0: unit_ns */
static int64_t check_interval = RT_GIL_CHECK_INTERVAL;
static int64_t ticks_per_unit = RT_GIL_TICKS_PER_UNIT;
static int64_t poll_every = 1;
static int64_t units_per_item = 3000;
static int64_t cpu_items = 1024;
static int64_t cpu_max_workers = 0;      /* 0: 2 x PUs */
static const char *intervals_text = "5,50,500,5000,50000";
static const char *convoy_intervals_text = "500,5000,50000";
static const char *convoy_ops_text = "read1,socketpair,echo";
static int64_t convoy_max_cpu = 2;
static int64_t convoy_ms = 200;
/* A convoy round lasts at least this many switch intervals: at 50 ms beside
 * two CPU threads an I/O thread gets only a few operations an interval, so
 * a shorter round's count of them is noise (results/HISTORY.md). */
static int64_t convoy_min_intervals = 60;
static int64_t io_units_per_op = 30;
/* A 2.7 loop of the convoy's ticks 23 (read1) to 39 (echo) times between
 * two operations (cpython_gil.py --print-ticks): at 2 ticks a poll, the
 * smallest's 12 polls. */
static int64_t io_polls_per_op = 12;
static const char *old_io_ticks_text = "none";   /* op=ticks,...: 2.x's loop */
static const char *io_op_ns_text = "none"; /* op=ns,...: size the units to CPython's loop */
static const char *old_io_op_ns_text = "none";
static const char *io_gap_share_text = "none";   /* op=share,...: the bytecode between two calls */
static const char *io_code_lines_text = "none";  /* op=lines,...: the real loop's footprint */
static const char *io_data_lines_text = "none";
static const char *old_io_code_lines_text = "none";
static const char *old_io_data_lines_text = "none";
static int64_t io_data_chains = 4;
static double steps_per_us = 0;          /* 0: calibrate */
static int64_t solo_every = 4;

static rt_flag flags[] = {
    RT_PLACEMENT_FLAGS(place_opts),
    { "unit-ns", RT_FLAG_DOUBLE, &unit_ns, 1, 1e6, NULL,
      "one unit of bytecode work, ns on one idle PU (a countdown loop iteration)", false },
    { "old-unit-ns", RT_FLAG_DOUBLE, &old_unit_ns, 0, 1e6, NULL,
      "the same under the old GIL: a 2.x countdown iteration (0: --unit-ns)", false },
    { "check-interval", RT_FLAG_INT, &check_interval, 1, 1e9, NULL,
      "the old GIL's check interval, ticks (sys.setcheckinterval)", false },
    { "ticks-per-unit", RT_FLAG_INT, &ticks_per_unit, 1, 1e9, NULL,
      "the old GIL's ticks per unit of bytecode", false },
    { "poll-every", RT_FLAG_INT, &poll_every, 1, 1e12, NULL,
      "units between eval-breaker polls (large: a long C call holding the GIL)", false },
    { "units-per-item", RT_FLAG_INT, &units_per_item, 1, 1e9, NULL, "cpu: units per item", false },
    { "cpu-items", RT_FLAG_INT, &cpu_items, 1, 1e9, NULL, "cpu: items per round (strong)", false },
    { "cpu-max-workers", RT_FLAG_INT, &cpu_max_workers, 0, RT_MAX_WORKERS, NULL,
      "cpu: up to this many workers (0: 2 x PUs)", false },
    { "intervals-us", RT_FLAG_STRING, &intervals_text, 0, 0, NULL,
      "switch intervals for the 2-thread sensitivity sweep, us", false },
    { "convoy-intervals-us", RT_FLAG_STRING, &convoy_intervals_text, 0, 0, NULL,
      "convoy: switch intervals of the new GIL, us", false },
    { "convoy-ops", RT_FLAG_STRING, &convoy_ops_text, 0, 0, NULL,
      "convoy: read1, socketpair, echo", false },
    { "convoy-max-cpu", RT_FLAG_INT, &convoy_max_cpu, 0, 64, NULL,
      "convoy: 0 .. this many CPU-bound threads beside the I/O one", false },
    { "convoy-ms", RT_FLAG_INT, &convoy_ms, 1, 600000, NULL,
      "convoy: how long the I/O thread runs per round", false },
    { "convoy-min-intervals", RT_FLAG_INT, &convoy_min_intervals, 0, 100000, NULL,
      "convoy: beside CPU threads, a round lasts at least this many switch intervals (the "
      "I/O thread gets the GIL back at most about once per interval)", false },
    { "io-units-per-op", RT_FLAG_INT, &io_units_per_op, 0, 1e9, NULL,
      "convoy: units of bytecode between two I/O operations (the loop and the call)", false },
    { "io-op-ns", RT_FLAG_STRING, &io_op_ns_text, 0, 0, NULL,
      "convoy: real CPython's loop alone, the I/O thread's CPU ns per operation (cpython_gil.py "
      "--print-io-op-ns), as op=ns pairs (read1=700,echo=25000); a named op's units between "
      "operations are sized to it instead of --io-units-per-op (none: no op)", false },
    { "old-io-op-ns", RT_FLAG_STRING, &old_io_op_ns_text, 0, 0, NULL,
      "the same for the old GIL: a 2.x loop (none: no op)", false },
    { "io-polls-per-op", RT_FLAG_INT, &io_polls_per_op, 1, 1e6, NULL,
      "convoy: eval-breaker polls between two I/O operations, the units spread over them "
      "(the rest of the loop's time holds the GIL without polling, as C code does)", false },
    { "io-gap-share", RT_FLAG_STRING, &io_gap_share_text, 0, 0, NULL,
      "convoy: of the units between two operations, the share that runs between an operation's "
      "two calls (socketpair, echo: send, then recv), as op=share pairs (socketpair=0.1); "
      "cpython_gil.py --print-io-gap-share counts it in CPython's loop (none: no op, 0)", false },
    { "old-io-ticks-per-op", RT_FLAG_STRING, &old_io_ticks_text, 0, 0, NULL,
      "convoy, old GIL: real 2.x's loop, ticks between two operations, as op=ticks pairs "
      "(read1=23,echo=39); a named op polls ticks / --ticks-per-unit times instead of "
      "--io-polls-per-op (none: no op)", false },
    { "io-code-lines", RT_FLAG_STRING, &io_code_lines_text, 0, 0, NULL,
      "convoy: real CPython's loop, distinct 64-byte lines of code it runs per operation "
      "(scripts/footprint.sh), as op=lines pairs (read1=440); the emulated loop runs through as "
      "many, spread over its polls (none: no op, 0; x86-64 only)", false },
    { "io-data-lines", RT_FLAG_STRING, &io_data_lines_text, 0, 0, NULL,
      "convoy: the same for the lines of data it reads or writes (read1=275)", false },
    { "old-io-code-lines", RT_FLAG_STRING, &old_io_code_lines_text, 0, 0, NULL,
      "--io-code-lines for the old GIL: a 2.x loop (none: no op)", false },
    { "old-io-data-lines", RT_FLAG_STRING, &old_io_data_lines_text, 0, 0, NULL,
      "--io-data-lines for the old GIL: a 2.x loop (none: no op)", false },
    { "io-data-chains", RT_FLAG_INT, &io_data_chains, 1, RT_DATA_CHAINS_MAX, NULL,
      "convoy: the data lines are walked by this many pointer chains at once, as an "
      "interpreter follows several pointers at once (footprint.h)", false },
    { "steps-per-us", RT_FLAG_DOUBLE, &steps_per_us, 0, 1e6, NULL,
      "kernel steps per us (0: calibrate)", false },
    { "solo-every", RT_FLAG_INT, &solo_every, 0, 1000000, NULL,
      "cpu, cpu_one_pu, interval: one worker alone does a reference round (items / N) before "
      "the first timed round, after every this many and after the last, on each of the team's "
      "PUs in turn (0: none); gives paired_speedup", false },
    RT_FLAG_END,
};

/* ---- modes --------------------------------------------------------------------- */

enum { M_NEW, M_OLD, M_NONE, M_PROC, MODES };
static const char *const mode_names[] = { "threads-new", "threads-old", "threads-none",
                                          "processes", NULL };
static const rt_gil_kind mode_gil[] = { RT_GIL_NEW, RT_GIL_OLD, RT_GIL_NONE, RT_GIL_NEW };

static rt_machine machine;
static rt_placement one_pu;
static int first_pu[1];

typedef struct experiment {
    rt_gil_job job;
    int mode;
    bool one_pu;
    int64_t interval_us;       /* 0: the default */
    rt_io_op op;
    int arg;                   /* what rt_range(0) is: 0 workers, 1 us, 2 cpu */
} experiment;

/* ---- one run ---------------------------------------------------------------------- */

typedef struct tally {
    rt_gil_shared *shared;
    int workers;
    double seconds;
    double vcs, ivcs;
    rt_gil_report sum;
    rt_gil_stats cpu_gil;      /* workers 1..: a convoy's CPU threads, not its I/O one */
    int64_t cpu_sleeps, io_sleeps;  /* a convoy's CPU threads' and I/O thread's */
} tally;

static void add_report(rt_gil_report *a, const rt_gil_report *b)
{
    rt_gil_stats_add(&a->gil, &b->gil);
    a->io_ops += b->io_ops;
    a->io_cpu_ns += b->io_cpu_ns;
    a->io_over_1ms += b->io_over_1ms;
    if (b->io_max_ns > a->io_max_ns)
        a->io_max_ns = b->io_max_ns;
    for (int i = 0; i < RT_LOG2_BUCKETS; i++)
        a->io_hist[i] += b->io_hist[i];
}

/* Between rounds, while the workers wait at the gate: collect and reset. */
static void collect(const rt_round *r, void *arg)
{
    tally *t = arg;
    t->seconds += r->seconds;
    t->vcs += (double)r->voluntary_switches;
    t->ivcs += (double)r->involuntary_switches;
    for (int i = 0; i < t->workers; i++) {
        add_report(&t->sum, &t->shared->worker[i]);
        if (i > 0)
            rt_gil_stats_add(&t->cpu_gil, &t->shared->worker[i].gil);
        *(i > 0 ? &t->cpu_sleeps : &t->io_sleeps) += t->shared->worker[i].sleeps;
    }
    memset(t->shared, 0, rt_gil_shared_bytes(t->workers));
}

/* A reference round's GIL and I/O counts are not the run's. */
static void discard(const rt_round *r, void *arg)
{
    (void)r;
    tally *t = arg;
    memset(t->shared, 0, rt_gil_shared_bytes(t->workers));
}

/* The I/O latency distribution as a CDF: io_le_<E>ns, the fraction of
 * operations faster than E = 2^(b+1) ns, for the buckets b in
 * [CDF_FIRST_BUCKET, CDF_LAST_BUCKET] (about 1 us to 134 ms). */
#define CDF_FIRST_BUCKET 9
#define CDF_LAST_BUCKET 26

static void io_distribution(rt_state *st, const rt_gil_report *r)
{
    int64_t below = 0;
    for (int b = 0; b <= CDF_LAST_BUCKET; b++) {
        below += r->io_hist[b];
        if (b < CDF_FIRST_BUCKET)
            continue;
        char name[48];
        snprintf(name, sizeof name, "io_le_%lldns", (long long)2 << b);
        rt_counter(st, name, r->io_ops ? (double)below / (double)r->io_ops : 0,
                   RT_COUNTER_DEFAULT);
    }
}

/* The convoy's CPU threads' waits for the GIL: how many per I/O operation,
 * and the fraction shorter than 2^QUICK_WAIT_BUCKETS ns (1024), too short
 * to have slept (a futex sleep and wake-up is two context switches): such
 * a wait found the GIL free on its way to sleep.  A CPU thread that takes
 * the GIL back that way leaves the I/O thread few operations per hand-off
 * (README, the old GIL).  And how often each side slept per operation
 * (voluntary context switches), which cpython_gil.py counts in real
 * CPython as well. */
#define QUICK_WAIT_BUCKETS 10

static void convoy_waits(rt_state *st, const tally *t, int64_t io_ops)
{
    const rt_gil_stats *c = &t->cpu_gil;
    int64_t quick = 0;
    for (int b = 0; b < QUICK_WAIT_BUCKETS; b++)
        quick += c->wait_hist[b];
    double per_op = io_ops ? 1.0 / (double)io_ops : 0;
    rt_counter(st, "cpu_gil_waits_per_op", (double)c->waits * per_op, RT_COUNTER_DEFAULT);
    rt_counter(st, "cpu_gil_wait_le_1024ns", c->waits ? (double)quick / (double)c->waits : 0,
               RT_COUNTER_DEFAULT);
    rt_counter(st, "cpu_sleeps_per_op", (double)t->cpu_sleeps * per_op, RT_COUNTER_DEFAULT);
    rt_counter(st, "io_sleeps_per_op", (double)t->io_sleeps * per_op, RT_COUNTER_DEFAULT);
}

static void report(rt_state *st, const tally *t, const experiment *e, int64_t done)
{
    double s = t->seconds;
    rt_gil_counters(st, &t->sum.gil, s);
    rt_counter(st, "voluntary_cs_per_s", t->vcs / s, RT_COUNTER_DEFAULT);
    rt_counter(st, "involuntary_cs_per_s", t->ivcs / s, RT_COUNTER_DEFAULT);
    rt_counter(st, "workers", t->workers, RT_COUNTER_DEFAULT);
    if (e->job == RT_GJ_CONVOY) {
        const rt_gil_report *r = &t->sum;
        rt_counter(st, "io_ops_per_second", (double)r->io_ops / s, RT_COUNTER_DEFAULT);
        rt_counter(st, "io_cpu_ns_per_op", r->io_ops ? (double)r->io_cpu_ns / (double)r->io_ops : 0,
                   RT_COUNTER_DEFAULT);
        rt_latency_counters(st, "io", r->io_hist, r->io_ops, r->io_max_ns);
        rt_counter(st, "io_over_1ms_fraction",
                   r->io_ops ? (double)r->io_over_1ms / (double)r->io_ops : 0, RT_COUNTER_DEFAULT);
        io_distribution(st, r);
        convoy_waits(st, t, r->io_ops);
    } else {
        rt_items_processed(st, done);
    }
}

/* ---- the bytecode between two I/O operations --------------------------------------- */

/* With --io-op-ns (--old-io-op-ns for the old GIL), the I/O thread's loop
 * costs as much CPU time per operation as real CPython's (cpython_gil.py
 * --print-io-op-ns).  Calibration rounds of the I/O thread alone, with 0,
 * about ten times the target's and again 0 units between its operations,
 * give a line, the thread's CPU ns per operation against units (the bare
 * operation's cost, and what a unit costs inside that loop), and the units
 * between two operations are read off it at the real loop's CPU time.
 * CPU time, not wall time: an echo round trip mostly waits for the echo
 * process, without the GIL and without running, and that wait, which moves
 * by tens of microseconds from one round to the next on a VM, is not
 * bytecode; the calls' kernel work is on both sides alike.  Sized once per
 * mode and operation, at its first run, so that each process (each
 * comparison pass) sizes it on the machine as it is then. */
#define IO_CALIBRATION_MS 50
#define IO_CALIBRATION_TIMES 10                /* the middle round: 10 x the target's units, */
#define IO_CALIBRATION_UNITS 100               /* at least this many */
static double io_target_ns[2][RT_IO_OPS];        /* [new, old]; 0: not given */
static int64_t io_units[MODES][RT_IO_OPS];       /* -1: not sized yet */
static double old_io_ticks[RT_IO_OPS];           /* 0: not given */
static double io_gap_share[RT_IO_OPS];           /* 0: not given */
static double io_code_lines[2][RT_IO_OPS];       /* [new, old]; 0: not given */
static double io_data_lines[2][RT_IO_OPS];

/* op=value pairs of --flag into out[op], each value in [lo, hi] (`range`
 * says so in words) and, if `whole`, a whole number; `what` names the
 * value's unit. */
static void parse_io_targets(const char *flag, const char *text, const char *what, double lo,
                             double hi, const char *range, bool whole, double *out)
{
    char buf[512], err[640];
    if (strcmp(text, "none") == 0)
        return;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '='), *end = NULL;
        int op = -1;
        for (int o = 0; eq && o < RT_IO_OPS; o++)
            if ((size_t)(eq - tok) == strlen(rt_io_op_names[o]) &&
                strncmp(tok, rt_io_op_names[o], (size_t)(eq - tok)) == 0)
                op = o;
        double ns = eq ? strtod(eq + 1, &end) : 0;
        if (op < 0 || end == eq + 1 || *end != '\0' || !(ns >= lo && ns <= hi) ||
            (whole && ns != floor(ns))) {
            snprintf(err, sizeof err, "--%s: '%s' is invalid; valid: op=%s pairs, comma-separated, "
                     "op one of read1, socketpair, echo, %s in %s", flag, text, what, what, range);
            rt_usage_error("bench_gil", err);
        }
        if (out[op] != 0) {
            snprintf(err, sizeof err, "--%s: '%s' names %s twice; valid: each op at most once",
                     flag, text, rt_io_op_names[op]);
            rt_usage_error("bench_gil", err);
        }
        out[op] = ns;
    }
}

/* The I/O thread alone for one round with `units` units between
 * operations: its CPU ns per operation, or -1 with the reason in err. */
static double io_op_alone_ns(const experiment *e, const rt_gil_params *gp,
                             const rt_gil_work_config *proto, int64_t units, char *err,
                             size_t errlen)
{
    rt_gil gil;
    if (rt_gil_init(&gil, gp) != 0) {
        snprintf(err, errlen, "cannot make the GIL");
        return -1;
    }
    rt_gil_work_config cfg = *proto;
    cfg.gil = &gil;
    cfg.io_units_per_op = units;
    cfg.convoy_ns = (int64_t)IO_CALIBRATION_MS * 1000000;
    rt_team_config tc = { .mode = e->mode == M_PROC ? RT_TEAM_PROCESSES : RT_TEAM_THREADS,
                          .workers = 1, .placement = &machine.place, .workload = &rt_work_gil,
                          .config = &cfg, .shared_bytes = rt_gil_shared_bytes(1) };
    rt_team *team = rt_team_start(&tc, err, errlen);
    double ns = -1;
    if (team) {
        rt_round r;
        const rt_gil_shared *sh = rt_team_shared(team);
        if (rt_team_round(team, 1, &r, err, errlen) == 0 && sh->worker[0].io_ops > 0)
            ns = (double)sh->worker[0].io_cpu_ns / (double)sh->worker[0].io_ops;
        if (rt_team_stop(team, err, errlen) < 0)
            ns = -1;
    }
    rt_gil_destroy(&gil);
    return ns;
}

/* Units between two operations for this run: --io-units-per-op, or sized
 * to the real loop's CPU time per operation; -1 with the reason in err. */
static int64_t io_units_for(const experiment *e, const rt_gil_params *gp,
                            const rt_gil_work_config *cfg, char *err, size_t errlen)
{
    double target = io_target_ns[e->mode == M_OLD][e->op];
    if (target == 0)
        return io_units_per_op;
    if (io_units[e->mode][e->op] < 0) {
        /* Enough units that the bare operation's own swings (an echo's
         * calls' kernel work moves by a tenth from round to round) are
         * small beside them. */
        double unit = rt_gil_unit_ns(gp->kind, unit_ns, old_unit_ns);
        int64_t k = llround(IO_CALIBRATION_TIMES * target / unit);
        k = k > IO_CALIBRATION_UNITS ? k : IO_CALIBRATION_UNITS;
        double bare = io_op_alone_ns(e, gp, cfg, 0, err, errlen);
        double more = bare < 0 ? -1 : io_op_alone_ns(e, gp, cfg, k, err, errlen);
        double again = more < 0 ? -1 : io_op_alone_ns(e, gp, cfg, 0, err, errlen);
        if (again < 0)
            return -1;
        bare = (bare + again) / 2;                 /* the bare rounds around the other */
        double per_unit = (more - bare) / (double)k;
        io_units[e->mode][e->op] =
            target > bare && per_unit > 0 ? llround((target - bare) / per_unit) : 0;
    }
    return io_units[e->mode][e->op];
}

/* Polls between two operations: --io-polls-per-op, or under the old GIL as
 * many as give real 2.x's ticks (--old-io-ticks-per-op), at least one. */
static int64_t io_polls_for(const experiment *e, const rt_gil_params *gp)
{
    double ticks = old_io_ticks[e->op];
    if (e->mode != M_OLD || ticks == 0)
        return io_polls_per_op;
    int64_t polls = llround(ticks / (double)gp->ticks_per_unit);
    return polls > 1 ? polls : 1;
}

/* Kernel steps in one unit of a GIL kind's unit_ns: from the calibrated
 * rate, less what the unit's call and poll add to its steps as a thread
 * runs them (rt_gil_unit_added_ns), measured once per kind, so that the
 * whole unit lasts unit_ns, as a countdown iteration and its eval-breaker
 * check do.  With --steps-per-us given, the rate alone.  The added cost
 * is timed against the same steps in turn, not against the calibrated
 * rate: the rate is timed earlier, and on a VM whose speed swings, the
 * difference of two moments would pass for a unit's cost. */
enum { UNIT_CHECK_UNITS = 20000, UNIT_CHECK_TRIALS = 9 };
static bool steps_given;
static int64_t unit_steps_of[RT_GIL_KINDS];     /* 0: not sized yet */
static double unit_poll_ns[RT_GIL_KINDS];

static int64_t unit_steps_for(rt_gil_kind kind)
{
    if (unit_steps_of[kind] > 0)
        return unit_steps_of[kind];
    double unit = rt_gil_unit_ns(kind, unit_ns, old_unit_ns);
    int64_t s = rt_gil_unit_steps(unit, steps_per_us);
    if (!steps_given) {
        rt_gil_params gp = RT_GIL_PARAMS_DEFAULT(kind);
        gp.check_interval = check_interval;
        gp.ticks_per_unit = ticks_per_unit;
        unit_poll_ns[kind] =
            rt_gil_unit_added_ns(&gp, s, poll_every, UNIT_CHECK_UNITS, UNIT_CHECK_TRIALS);
        s = rt_gil_unit_steps(unit - unit_poll_ns[kind], steps_per_us);
    }
    return unit_steps_of[kind] = s;
}

/* How long the convoy's I/O thread runs: --convoy-ms, and beside CPU
 * threads at least --convoy-min-intervals switch intervals, since it gets
 * the GIL back at most about once per interval and a count of a few is
 * noise. */
static int64_t convoy_round_ns(int cpu_threads, int64_t interval_us)
{
    int64_t ns = convoy_ms * 1000000;
    int64_t least = cpu_threads > 0 ? convoy_min_intervals * interval_us * 1000 : 0;
    return ns > least ? ns : least;
}

static void bm_gil(rt_state *st, void *arg)
{
    const experiment *e = arg;
    int64_t a = rt_range(st, 0);
    int workers = e->arg == 0 ? (int)a : e->arg == 1 ? 2 : 1 + (int)a;
    rt_gil_params gp = RT_GIL_PARAMS_DEFAULT(mode_gil[e->mode]);
    gp.check_interval = check_interval;
    gp.ticks_per_unit = ticks_per_unit;
    gp.switch_interval_us = e->arg == 1 ? a : e->interval_us ? e->interval_us
                                                             : RT_GIL_SWITCH_INTERVAL_US;
    rt_gil gil;
    char err[512] = "";
    rt_responder echo = { 0 };
    double unit = rt_gil_unit_ns(gp.kind, unit_ns, old_unit_ns);
    rt_gil_work_config cfg = {
        .gil = &gil,
        .job = e->job,
        .unit_steps = unit_steps_for(gp.kind),
        .units_per_item = units_per_item,
        .poll_every = poll_every,
        .io_op = e->op,
        .convoy_ns = convoy_round_ns(workers - 1, gp.switch_interval_us),
        .io_units_per_op = io_units_per_op,
        .io_polls_per_op = io_polls_for(e, &gp),
        .io_gap_share = io_gap_share[e->op],
        .echo_port = 0,
        .io_code_lines = (int64_t)io_code_lines[e->mode == M_OLD][e->op],
        .io_data_lines = (int64_t)io_data_lines[e->mode == M_OLD][e->op],
        .io_data_chains = (int)io_data_chains,
    };
    int64_t items = e->job == RT_GJ_CPU ? cpu_items : workers;
    rt_team *team = NULL;
    bool ok = rt_gil_init(&gil, &gp) == 0;
    if (!ok)
        snprintf(err, sizeof err, "cannot make the GIL");
    if (ok && e->job == RT_GJ_CONVOY && e->op == RT_IO_ECHO) {
        ok = rt_responder_start(&echo, 0, 8, err, sizeof err) == 0;
        cfg.echo_port = echo.port;
    }
    if (ok && e->job == RT_GJ_CONVOY) {
        cfg.io_units_per_op = io_units_for(e, &gp, &cfg, err, sizeof err);
        ok = cfg.io_units_per_op >= 0;
    }
    if (ok) {
        rt_team_config tc = { .mode = e->mode == M_PROC ? RT_TEAM_PROCESSES : RT_TEAM_THREADS,
                              .workers = workers,
                              .placement = e->one_pu ? &one_pu : &machine.place,
                              .workload = &rt_work_gil, .config = &cfg,
                              .shared_bytes = rt_gil_shared_bytes(workers) };
        team = rt_team_start(&tc, err, sizeof err);
        ok = team != NULL;
    }
    if (!ok)
        rt_skip_with_error(st, err);
    tally t = { .shared = team ? rt_team_shared(team) : NULL, .workers = workers };
    uint64_t checksum = e->job == RT_GJ_CONVOY ? 0 : rt_index_checksum(0, items);
    int64_t solo_items = items / workers > 0 ? items / workers : 1;
    rt_reference ref = { .items = solo_items, .checksum = rt_index_checksum(0, solo_items),
                         .every = (int)solo_every, .on_round = discard, .arg = &t };
    rt_reference *with_ref = e->job == RT_GJ_CPU && solo_every > 0 ? &ref : NULL;
    int64_t rounds =
        ok ? rt_team_bench_rounds(st, team, items, checksum, collect, &t, with_ref) : -1;
    if (team) {
        char placed[512], io[160] = "", label[880];
        rt_team_placement_text(team, placed, sizeof placed);
        if (e->job == RT_GJ_CONVOY)
            snprintf(io, sizeof io, " io_units_per_op=%lld io_polls_per_op=%lld io_gap_units=%lld"
                     " io_code_lines=%lld io_data_lines=%lld",
                     (long long)cfg.io_units_per_op, (long long)cfg.io_polls_per_op,
                     (long long)rt_gil_io_gap_units(&cfg),
                     rt_code_lines_modelled ? (long long)cfg.io_code_lines : 0LL,
                     (long long)cfg.io_data_lines);
        snprintf(label, sizeof label,
                 "mode=%s gil=%s interval_us=%lld unit_ns=%g%s %s",
                 mode_names[e->mode], rt_gil_names[gp.kind], (long long)gp.switch_interval_us,
                 unit, io, placed);
        rt_set_label(st, label);
        if (rt_team_stop(team, err, sizeof err) < 0 && rounds > 0) {
            rt_skip_with_error(st, err);
            rounds = -1;
        }
    }
    if (echo.pid > 0)
        rt_responder_stop(&echo, NULL, NULL, err, sizeof err);
    rt_gil_destroy(&gil);
    if (rounds > 0) {
        report(st, &t, e, rounds * items);
        if (with_ref)
            rt_reference_counters(st, with_ref, (double)(rounds * items) / t.seconds);
    }
}

/* ---- registration -------------------------------------------------------------------- */

static experiment experiments[512];
static int nexp;

static rt_bench *family(const experiment *proto, const char *name, const char *argname)
{
    experiments[nexp] = *proto;
    rt_bench *b = rt_bench_register(name, bm_gil, &experiments[nexp++]);
    rt_bench_arg_name(b, argname);
    rt_bench_use_manual_time(b);
    rt_bench_extra_statistics(b);
    return b;
}

static void sweep(rt_bench *b, int most)
{
    for (int n = 1; n < most; n *= 2)
        rt_bench_arg(b, n);
    rt_bench_arg(b, most);
}

static int ints(const char *flag, const char *text, int64_t lo, int64_t hi, int64_t *out)
{
    char err[512];
    int n = rt_list_ints(flag, text, lo, hi, out, MAX_LIST, err, sizeof err);
    if (n < 0)
        rt_usage_error("bench_gil", err);
    return n;
}

int main(int argc, char **argv)
{
    rt_flags_main(&argc, argv, summary, flags);
    int64_t intervals[MAX_LIST], cintervals[MAX_LIST];
    int ops[RT_IO_OPS];
    char err[512];
    int nint = ints("intervals-us", intervals_text, 1, 10000000, intervals);
    int ncint = ints("convoy-intervals-us", convoy_intervals_text, 1, 10000000, cintervals);
    int nops = rt_list_choices("convoy-ops", convoy_ops_text, rt_io_op_names, ops, RT_IO_OPS, err,
                               sizeof err);
    if (nops < 0)
        rt_usage_error(argv[0], err);
    parse_io_targets("io-op-ns", io_op_ns_text, "ns", 1, 1e9, "1..1e9", false,
                     io_target_ns[0]);
    parse_io_targets("old-io-op-ns", old_io_op_ns_text, "ns", 1, 1e9, "1..1e9", false,
                     io_target_ns[1]);
    parse_io_targets("old-io-ticks-per-op", old_io_ticks_text, "ticks", 1, 1e9, "1..1e9", false,
                     old_io_ticks);
    parse_io_targets("io-gap-share", io_gap_share_text, "share", 0, 0.9, "0..0.9", false,
                     io_gap_share);
    char code_range[32], data_range[32];
    snprintf(code_range, sizeof code_range, "1..%d, whole", RT_CODE_LINES_MAX);
    snprintf(data_range, sizeof data_range, "1..%d, whole", RT_DATA_LINES_MAX);
    parse_io_targets("io-code-lines", io_code_lines_text, "lines", 1, RT_CODE_LINES_MAX,
                     code_range, true, io_code_lines[0]);
    parse_io_targets("old-io-code-lines", old_io_code_lines_text, "lines", 1, RT_CODE_LINES_MAX,
                     code_range, true, io_code_lines[1]);
    parse_io_targets("io-data-lines", io_data_lines_text, "lines", 1, RT_DATA_LINES_MAX,
                     data_range, true, io_data_lines[0]);
    parse_io_targets("old-io-data-lines", old_io_data_lines_text, "lines", 1, RT_DATA_LINES_MAX,
                     data_range, true, io_data_lines[1]);
    for (int m = 0; m < MODES; m++)
        for (int o = 0; o < RT_IO_OPS; o++)
            io_units[m][o] = -1;

    rt_machine_init(&machine, argv[0], &place_opts, 1);
    machine.place.oversubscribe = true;
    int pus = rt_topo_allowed_pus(&machine.topo);
    int cpu_most = cpu_max_workers ? (int)cpu_max_workers : 2 * pus;
    if (rt_plan_check(&machine.place, cpu_most, err, sizeof err) < 0)
        rt_usage_error(argv[0], err);
    if (cpu_items < cpu_most) {
        snprintf(err, sizeof err, "--cpu-items: %lld is fewer than the %d workers of the sweep, "
                 "so some would get no work; valid: at least %d", (long long)cpu_items, cpu_most,
                 cpu_most);
        rt_usage_error(argv[0], err);
    }
    if (rt_plan(&machine.place, 1, first_pu, err, sizeof err) < 0 || first_pu[0] < 0)
        first_pu[0] = 0;
    one_pu = (rt_placement){ &machine.topo, RT_POLICY_LIST, first_pu, 1, true };
    steps_given = steps_per_us > 0;
    if (!steps_given)
        steps_per_us = rt_cpu_steps_per_us(20, 5);
    rt_contextf("calibration.cpu_steps_per_us", "%.1f", steps_per_us);
    rt_contextf("gil.unit_steps", "%lld", (long long)unit_steps_for(RT_GIL_NEW));
    rt_contextf("gil.old_unit_steps", "%lld", (long long)unit_steps_for(RT_GIL_OLD));
    rt_contextf("gil.none_unit_steps", "%lld", (long long)unit_steps_for(RT_GIL_NONE));
    for (int k = 0; k < RT_GIL_KINDS; k++) {
        char key[64];
        snprintf(key, sizeof key, "calibration.unit_poll_ns.%s", rt_gil_names[k]);
        rt_contextf(key, "%.1f", unit_poll_ns[k]);
    }
    rt_context("placement.oversubscribe", "yes");

    char name[160];
    for (int m = 0; m < MODES; m++) {
        snprintf(name, sizeof name, "gil/cpu/%s", mode_names[m]);
        sweep(family(&(experiment){ RT_GJ_CPU, m, false, 0, 0, 0 }, name, "workers"), cpu_most);
    }
    for (int m = M_NEW; m <= M_OLD; m++) {
        snprintf(name, sizeof name, "gil/cpu_one_pu/%s", mode_names[m]);
        sweep(family(&(experiment){ RT_GJ_CPU, m, true, 0, 0, 0 }, name, "workers"), 2);
    }
    rt_bench *b = family(&(experiment){ RT_GJ_CPU, M_NEW, false, 0, 0, 1 },
                         "gil/interval/threads-new", "us");
    for (int i = 0; i < nint; i++)
        rt_bench_arg(b, intervals[i]);
    for (int o = 0; o < nops; o++) {
        for (int m = 0; m < MODES; m++) {
            if (m == M_NONE)
                continue;
            int n = m == M_NEW ? ncint : 1;
            for (int i = 0; i < n; i++) {
                int64_t iv = m == M_NEW ? cintervals[i] : RT_GIL_SWITCH_INTERVAL_US;
                snprintf(name, sizeof name, "gil/convoy/%s/%s/i%lld", rt_io_op_names[ops[o]],
                         mode_names[m], (long long)iv);
                b = family(&(experiment){ RT_GJ_CONVOY, m, false, iv, (rt_io_op)ops[o], 2 },
                           name, "cpu");
                for (int k = 0; k <= convoy_max_cpu; k++)
                    rt_bench_arg(b, k);
            }
        }
    }

    int errors = rt_run_reported("bench_gil");
    rt_shutdown();
    rt_machine_destroy(&machine);
    return errors == 0 ? 0 : 1;
}
