/*
 * bench_ipc - what it costs threads and processes to talk.
 *
 * The tutorials' table: "threads share memory easily and fast, processes
 * need IPC".  Two workers, as two threads or two processes (a team of two,
 * team.h), placed as a pair that shares one PU, two SMT siblings, two
 * cores, two L3 caches or two packages (whatever the machine has;
 * --pairs), measure
 *   pingpong/<mechanism>/<mode>/<pair>
 *        round trips through spin, mutex-cond, pipe, socketpair, eventfd or
 *        semaphore (channel.h).  Time per iteration is a round of
 *        --round-trips; counters rtt_ns (round trip) and one_way_ns (half
 *        of it).
 *   pingpong/<mechanism>/one-worker
 *        the same posts and waits done by one worker alone, no switch: the
 *        cost to subtract (lmbench's lat_ctx does this for pipes).
 *   stream/<kind>/<mode>/<pair>/bytes:S
 *        one-way throughput of messages of S bytes through a ring buffer in
 *        shared memory, a pipe or a socketpair (stream.h); every message is
 *        checked for order and content; bytes_per_second.
 *   wakeup/<signal|deadline>/<mode>/<idle|busy>
 *        how late a worker runs after a condition-variable signal or after
 *        its sleep's deadline (what threading.Event and threading.Timer
 *        rely on), with the machine idle or every PU busy: median, p99 and
 *        max of --wake-samples samples.  The two workers sit on the closest
 *        two cores the machine has (--wake-pair; the pair is in the label).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "driver.h"
#include "flags.h"
#include "ipc/channel.h"
#include "ipc/exchange.h"
#include "ipc/stream.h"
#include "machine.h"
#include "shim/rt_bench.h"
#include "team/rounds.h"
#include "team/team.h"
#include "work/workloads.h"

static const char summary[] =
    "Communication cost of threads vs processes: ping-pong, streams, wake-up lateness.";

/* ---- parameters ------------------------------------------------------------ */

#define MAX_LIST 32

static const char *modes_text = "threads,processes";
static const char *pairs_text = NULL;            /* NULL: every kind the machine has */
static const char *mechanisms_text = "spin,mutex-cond,pipe,socketpair,eventfd,semaphore";
static int64_t round_trips = 2000;
static const char *streams_text = "ring,pipe,socketpair";
static const char *stream_sizes_text = "8,64,512,4096,32768,262144,1048576";
static int64_t stream_round_bytes = 4 << 20;
static int64_t stream_max_messages = 65536;
static int64_t ring_bytes = 1 << 20;
static bool check_every_byte = false;
static const char *wake_kinds_text = "signal,deadline";
static const char *wake_loads_text = "idle,busy";
/* "closest-cores" (0), then the pair kinds in rt_pair_kind order (k + 1). */
static const char *const wake_pair_names[] = { "closest-cores", "same-pu", "smt-siblings",
                                               "other-core", "other-l3", "other-package", NULL };
static int wake_pair_choice = 0;
static int64_t wake_samples = 200;
static int64_t wake_gap_us = 1000;

static rt_flag flags[] = {
    { "modes", RT_FLAG_STRING, &modes_text, 0, 0, NULL,
      "threads, processes (comma-separated)", false },
    { "pairs", RT_FLAG_STRING, &pairs_text, 0, 0, NULL,
      "same-pu, smt-siblings, other-core, other-l3, other-package (default: all the "
      "machine has)", false },
    { "mechanisms", RT_FLAG_STRING, &mechanisms_text, 0, 0, NULL,
      "ping-pong: spin, mutex-cond, pipe, socketpair, eventfd, semaphore", false },
    { "round-trips", RT_FLAG_INT, &round_trips, 1, 1e9, NULL,
      "ping-pong: round trips per timed round", false },
    { "streams", RT_FLAG_STRING, &streams_text, 0, 0, NULL, "ring, pipe, socketpair", false },
    { "stream-sizes", RT_FLAG_STRING, &stream_sizes_text, 0, 0, NULL,
      "message sizes, bytes (comma-separated, 1..67108864)", false },
    { "stream-round-bytes", RT_FLAG_INT, &stream_round_bytes, 1, 1LL << 34, NULL,
      "stream: bytes per timed round", false },
    { "stream-max-messages", RT_FLAG_INT, &stream_max_messages, 1, 1e9, NULL,
      "stream: at most this many messages per round (small sizes)", false },
    { "ring-bytes", RT_FLAG_INT, &ring_bytes, 64, 1LL << 30, NULL,
      "stream: the shared-memory ring's size", false },
    { "check-every-byte", RT_FLAG_BOOL, &check_every_byte, 0, 0, NULL,
      "stream: check every byte of every message (default: sequence and last byte)", false },
    { "wake-kinds", RT_FLAG_STRING, &wake_kinds_text, 0, 0, NULL, "signal, deadline", false },
    { "wake-loads", RT_FLAG_STRING, &wake_loads_text, 0, 0, NULL,
      "idle, busy (a spinning thread on every PU)", false },
    { "wake-pair", RT_FLAG_CHOICE, &wake_pair_choice, 0, 0, wake_pair_names,
      "wake-up: where the two workers sit (closest-cores: the nearest two cores the machine "
      "has, see each run's label)", false },
    { "wake-samples", RT_FLAG_INT, &wake_samples, 1, 1e7, NULL,
      "wake-up: samples per timed round", false },
    { "wake-gap-us", RT_FLAG_INT, &wake_gap_us, 1, 1e7, NULL,
      "wake-up: the signaller's pause before each signal; the sleeper's sleep", false },
    RT_FLAG_END,
};

static const char *const load_names[] = { "idle", "busy", NULL };

/* ---- placement: one two-PU list per pair kind -------------------------------------- */

static rt_machine machine;
static int pair_cpus[RT_PAIR_KINDS][2];
static rt_placement pair_place[RT_PAIR_KINDS];
static rt_placement alone;                       /* the one-worker baseline */

static void place_pairs(void)
{
    for (int k = 0; k < RT_PAIR_KINDS; k++) {
        if (rt_pair_find(&machine.topo, (rt_pair_kind)k, pair_cpus[k]) < 0)
            pair_cpus[k][0] = pair_cpus[k][1] = -1;
        pair_place[k] = (rt_placement){ &machine.topo, RT_POLICY_LIST, pair_cpus[k], 2, false };
    }
    alone = (rt_placement){ &machine.topo, RT_POLICY_LIST, pair_cpus[RT_PAIR_SAME_PU], 1, false };
}

static void label(rt_state *st, const rt_team *team, rt_team_mode mode, int pair)
{
    char seen[64], text[256];
    rt_cpulist_format(rt_team_seen(team), rt_team_workers(team), seen, sizeof seen);
    if (pair < 0)
        snprintf(text, sizeof text, "mode=threads pair=one-worker cpus=%d seen=%s",
                 pair_cpus[RT_PAIR_SAME_PU][0], seen);
    else
        snprintf(text, sizeof text, "mode=%s pair=%s cpus=%d,%d relation=%s seen=%s",
                 rt_team_mode_names[mode], rt_pair_kind_names[pair], pair_cpus[pair][0],
                 pair_cpus[pair][1],
                 rt_pair_relation(&machine.topo, pair_cpus[pair][0], pair_cpus[pair][1]), seen);
    rt_set_label(st, text);
    rt_counter(st, "cpu_mismatches", rt_team_cpu_mismatches(team), RT_COUNTER_DEFAULT);
}

/* ---- shared memory for one run --------------------------------------------------------- */

static void *map_shared(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Sum the rounds' times. */
static void add_seconds(const rt_round *r, void *arg)
{
    *(double *)arg += r->seconds;
}

/* Start a two-worker (or one-worker) team, or report why not. */
static rt_team *start_team(rt_state *st, rt_team_mode mode, int pair, const rt_workload *work,
                           const void *config)
{
    char err[512];
    rt_team_config cfg = { .mode = mode, .workers = pair < 0 ? 1 : 2,
                           .placement = pair < 0 ? &alone : &pair_place[pair],
                           .workload = work, .config = config };
    rt_team *team = rt_team_start(&cfg, err, sizeof err);
    if (!team)
        rt_skip_with_error(st, err);
    return team;
}

static void stop_team(rt_state *st, rt_team *team, rt_team_mode mode, int pair)
{
    char err[512];
    if (!team)
        return;
    label(st, team, mode, pair);
    if (rt_team_stop(team, err, sizeof err) < 0 && !rt_error_occurred(st))
        rt_skip_with_error(st, err);
}

/* ---- ping-pong ------------------------------------------------------------------------- */

typedef struct experiment {
    int what;                  /* mechanism, stream kind or wake kind */
    rt_team_mode mode;
    int pair;                  /* -1: one worker */
    int load;                  /* wake-up: 0 idle, 1 busy */
} experiment;

static void bm_pingpong(rt_state *st, void *arg)
{
    const experiment *e = arg;
    char err[512];
    rt_channel *ch = map_shared(rt_channel_bytes());
    if (!ch || rt_channel_init(ch, (rt_channel_kind)e->what, err, sizeof err) < 0) {
        rt_skip_with_error(st, ch ? err : "cannot map shared memory");
        if (ch)
            munmap(ch, rt_channel_bytes());
        return;
    }
    rt_pingpong_config cfg = { ch };
    bool one = e->pair < 0;
    rt_team *team = start_team(st, e->mode, e->pair, one ? &rt_work_one_worker
                                                         : &rt_work_pingpong, &cfg);
    double seconds = 0;
    int64_t items = one ? round_trips : 2 * round_trips;
    int64_t rounds = team ? rt_team_bench_rounds(st, team, items, (uint64_t)items, add_seconds,
                                                 &seconds, NULL)
                          : -1;
    stop_team(st, team, e->mode, e->pair);
    rt_channel_destroy(ch);
    munmap(ch, rt_channel_bytes());
    if (rounds <= 0)
        return;
    double rtt = seconds / (double)(rounds * round_trips) * 1e9;
    rt_counter(st, "rtt_ns", rtt, RT_COUNTER_DEFAULT);
    rt_counter(st, "one_way_ns", rtt / 2, RT_COUNTER_DEFAULT);
    rt_items_processed(st, rounds * round_trips);
}

/* ---- streams ----------------------------------------------------------------------------- */

static void bm_stream(rt_state *st, void *arg)
{
    const experiment *e = arg;
    size_t bytes = (size_t)rt_range(st, 0);
    int64_t messages = stream_round_bytes / (int64_t)bytes;
    messages = messages < 1 ? 1 : messages > stream_max_messages ? stream_max_messages : messages;
    char err[512];
    size_t shared = rt_stream_bytes((size_t)ring_bytes);
    rt_stream *s = map_shared(shared);
    if (!s || rt_stream_init(s, (rt_stream_kind)e->what, (size_t)ring_bytes, err,
                             sizeof err) < 0) {
        rt_skip_with_error(st, s ? err : "cannot map shared memory");
        if (s)
            munmap(s, shared);
        return;
    }
    rt_stream_config cfg = { s, bytes, check_every_byte };
    rt_team *team = start_team(st, e->mode, e->pair, &rt_work_stream, &cfg);
    double seconds = 0;
    int64_t rounds = team ? rt_team_bench_rounds(st, team, 2 * messages,
                                                 rt_index_checksum(0, messages), add_seconds,
                                                 &seconds, NULL)
                          : -1;
    stop_team(st, team, e->mode, e->pair);
    rt_stream_destroy(s);
    munmap(s, shared);
    if (rounds <= 0)
        return;
    rt_counter(st, "bytes_per_second", (double)(rounds * messages) * (double)bytes,
               RT_COUNTER_RATE);
    rt_counter(st, "messages_per_round", (double)messages, RT_COUNTER_DEFAULT);
    rt_items_processed(st, rounds * messages);
}

/* ---- wake-up lateness ---------------------------------------------------------------------- */

typedef struct samples {
    const rt_wake_shared *shared;
    int64_t *all;
    int64_t n;
} samples;

static void keep_samples(const rt_round *r, void *arg)
{
    (void)r;
    samples *s = arg;
    s->all = realloc(s->all, (size_t)(s->n + wake_samples) * sizeof *s->all);
    memcpy(s->all + s->n, s->shared->late_ns, (size_t)wake_samples * sizeof *s->all);
    s->n += wake_samples;
}

/* Every allowed PU busy: one spinning thread pinned to each. */
typedef struct load {
    pthread_t *threads;
    int n;
    volatile bool stop;
    int *cpus;
} load;

typedef struct spinner {
    load *l;
    int cpu;
} spinner;

static void *spin(void *arg)
{
    spinner *s = arg;
    rt_bind_thread(&machine.topo, s->cpu);
    while (!s->l->stop) {
    }
    return NULL;
}

static void load_start(load *l, spinner *sp)
{
    int n = rt_topo_allowed_pus(&machine.topo);
    l->threads = calloc((size_t)n, sizeof *l->threads);
    l->cpus = calloc((size_t)n, sizeof *l->cpus);
    rt_placement every = { &machine.topo, RT_POLICY_COMPACT_SMT, NULL, 0, false };
    char err[256];
    if (rt_plan(&every, n, l->cpus, err, sizeof err) < 0)
        n = 0;
    for (l->n = 0; l->n < n; l->n++) {
        sp[l->n] = (spinner){ l, l->cpus[l->n] };
        if (pthread_create(&l->threads[l->n], NULL, spin, &sp[l->n]) != 0)
            break;
    }
}

static void load_stop(load *l)
{
    l->stop = true;
    for (int i = 0; i < l->n; i++)
        pthread_join(l->threads[i], NULL);
    free(l->threads);
    free(l->cpus);
}

static void bm_wakeup(rt_state *st, void *arg)
{
    const experiment *e = arg;
    size_t bytes = rt_wake_shared_bytes(wake_samples);
    rt_wake_shared *shared = map_shared(bytes);
    if (!shared || rt_wake_shared_init(shared) < 0) {
        rt_skip_with_error(st, "cannot set up the wake-up's shared memory");
        if (shared)
            munmap(shared, bytes);
        return;
    }
    load busy = { 0 };
    spinner *sp = calloc((size_t)rt_topo_allowed_pus(&machine.topo), sizeof *sp);
    if (e->load)
        load_start(&busy, sp);
    rt_wake_config cfg = { (rt_wake_kind)e->what, shared, wake_gap_us };
    rt_team *team = start_team(st, e->mode, e->pair, &rt_work_wakeup, &cfg);
    samples kept = { shared, NULL, 0 };
    int64_t rounds = team ? rt_team_bench_rounds(st, team, 2 * wake_samples, 0, keep_samples,
                                                 &kept, NULL)
                          : -1;
    stop_team(st, team, e->mode, e->pair);
    if (e->load)
        load_stop(&busy);
    free(sp);
    rt_wake_shared_destroy(shared);
    munmap(shared, bytes);
    if (rounds > 0) {
        qsort(kept.all, (size_t)kept.n, sizeof *kept.all, rt_cmp_i64);
        rt_counter(st, "late_median_us", (double)kept.all[kept.n / 2] / 1e3, RT_COUNTER_DEFAULT);
        rt_counter(st, "late_p99_us", (double)kept.all[(kept.n - 1) * 99 / 100] / 1e3,
                   RT_COUNTER_DEFAULT);
        rt_counter(st, "late_max_us", (double)kept.all[kept.n - 1] / 1e3, RT_COUNTER_DEFAULT);
        rt_counter(st, "samples", (double)kept.n, RT_COUNTER_DEFAULT);
        rt_counter(st, "busy_threads", busy.n, RT_COUNTER_DEFAULT);
    }
    free(kept.all);
}

/* ---- registration ---------------------------------------------------------------------------- */

static experiment experiments[1024];
static int nexperiments;

static experiment *add(experiment e)
{
    experiments[nexperiments] = e;
    return &experiments[nexperiments++];
}

static rt_bench *family(rt_bench_fn fn, experiment *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static rt_bench *family(rt_bench_fn fn, experiment *e, const char *fmt, ...)
{
    char name[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    rt_bench *b = rt_bench_register(name, fn, e);
    rt_bench_use_manual_time(b);
    rt_bench_extra_statistics(b);
    return b;
}

static int parse_list(const char *flag, const char *text, const char *const *names, int *out)
{
    char err[512];
    int n = rt_list_choices(flag, text, names, out, MAX_LIST, err, sizeof err);
    if (n < 0)
        rt_usage_error("bench_ipc", err);
    return n;
}

/* The pair kinds to run: the ones asked for (each must exist here), or
 * every one the machine has. */
static int chosen_pairs(int *out)
{
    char err[512];
    if (!pairs_text) {
        int n = 0;
        for (int k = 0; k < RT_PAIR_KINDS; k++)
            if (pair_cpus[k][0] >= 0)
                out[n++] = k;
        return n;
    }
    int n = parse_list("pairs", pairs_text, rt_pair_kind_names, out);
    for (int i = 0; i < n; i++)
        if (pair_cpus[out[i]][0] < 0) {
            char allowed[256];
            rt_topo_allowed_string(&machine.topo, allowed, sizeof allowed);
            snprintf(err, sizeof err, "--pairs: this machine has no two allowed PUs that are "
                     "%s (allowed PUs: %s, %d package(s), %d core(s), %d PU(s) per core)",
                     rt_pair_kind_names[out[i]], allowed, rt_topo_packages(&machine.topo),
                     rt_topo_cores(&machine.topo), rt_topo_smt(&machine.topo));
            rt_usage_error("bench_ipc", err);
        }
    return n;
}

int main(int argc, char **argv)
{
    rt_flags_main(&argc, argv, summary, flags);
    int modes[MAX_LIST], mechs[MAX_LIST], streams[MAX_LIST], kinds[MAX_LIST], loads[MAX_LIST];
    int pairs[MAX_LIST];
    int64_t sizes[MAX_LIST];
    char err[512];
    int nmodes = parse_list("modes", modes_text, rt_team_mode_names, modes);
    int nmechs = parse_list("mechanisms", mechanisms_text, rt_channel_names, mechs);
    int nstreams = parse_list("streams", streams_text, rt_stream_names, streams);
    int nkinds = parse_list("wake-kinds", wake_kinds_text, rt_wake_names, kinds);
    int nloads = parse_list("wake-loads", wake_loads_text, load_names, loads);
    int nsizes = rt_list_ints("stream-sizes", stream_sizes_text, 1, 1 << 26, sizes, MAX_LIST,
                              err, sizeof err);
    if (nsizes < 0)
        rt_usage_error(argv[0], err);

    rt_place_opts opts = { RT_POLICY_NONE, NULL, false };
    rt_machine_init(&machine, argv[0], &opts, 1);
    place_pairs();
    int npairs = chosen_pairs(pairs);
    int wake_pair = wake_pair_choice == 0 ? (int)rt_pair_closest_cores(&machine.topo)
                                          : wake_pair_choice - 1;
    if (pair_cpus[wake_pair][0] < 0) {
        snprintf(err, sizeof err, "--wake-pair: this machine has no two allowed PUs that are %s",
                 rt_pair_kind_names[wake_pair]);
        rt_usage_error(argv[0], err);
    }
    rt_context("placement.policy", "pairs (see each run's label)");
    for (int k = 0; k < RT_PAIR_KINDS; k++)
        if (pair_cpus[k][0] >= 0) {
            char key[64];
            snprintf(key, sizeof key, "pair.%s", rt_pair_kind_names[k]);
            rt_contextf(key, "%d,%d", pair_cpus[k][0], pair_cpus[k][1]);
        }
    rt_context("wakeup.pair", rt_pair_kind_names[wake_pair]);
    rt_contextf("wakeup.timer_slack_ns", "%d", prctl(PR_GET_TIMERSLACK));

    for (int m = 0; m < nmechs; m++) {
        for (int i = 0; i < nmodes; i++)
            for (int p = 0; p < npairs; p++)
                family(bm_pingpong, add((experiment){ mechs[m], (rt_team_mode)modes[i],
                                                      pairs[p], 0 }),
                       "pingpong/%s/%s/%s", rt_channel_names[mechs[m]],
                       rt_team_mode_names[modes[i]], rt_pair_kind_names[pairs[p]]);
        family(bm_pingpong, add((experiment){ mechs[m], RT_TEAM_THREADS, -1, 0 }),
               "pingpong/%s/one-worker", rt_channel_names[mechs[m]]);
    }
    for (int s = 0; s < nstreams; s++)
        for (int i = 0; i < nmodes; i++)
            for (int p = 0; p < npairs; p++) {
                rt_bench *b = family(bm_stream, add((experiment){ streams[s],
                                                                  (rt_team_mode)modes[i],
                                                                  pairs[p], 0 }),
                                     "stream/%s/%s/%s", rt_stream_names[streams[s]],
                                     rt_team_mode_names[modes[i]], rt_pair_kind_names[pairs[p]]);
                rt_bench_arg_name(b, "bytes");
                for (int z = 0; z < nsizes; z++)
                    rt_bench_arg(b, sizes[z]);
            }
    for (int k = 0; k < nkinds; k++)
        for (int i = 0; i < nmodes; i++)
            for (int l = 0; l < nloads; l++)
                family(bm_wakeup, add((experiment){ kinds[k], (rt_team_mode)modes[i], wake_pair,
                                                    loads[l] }),
                       "wakeup/%s/%s/%s", rt_wake_names[kinds[k]],
                       rt_team_mode_names[modes[i]], load_names[loads[l]]);

    int errors = rt_run_reported("bench_ipc");
    rt_shutdown();
    rt_machine_destroy(&machine);
    return errors == 0 ? 0 : 1;
}
