// shim.cc - the C API of rt_bench.h over Google Benchmark 1.7.1.
//
// The only C++ in racetrack.  Every extern "C" function is noexcept: an
// exception unwinding through C frames is undefined behaviour, so anything
// that could throw is caught here and becomes a reported error.
//
// 1.7.1's Setup/Teardown take a plain function pointer, with no user data,
// so each registered family gets its own trampoline from a fixed table.

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "shim/rt_bench.h"

namespace {

// Families that may be registered; each needs one trampoline pair.
constexpr size_t kMaxFamilies = 256;

}  // namespace

struct rt_bench {
    size_t slot;
    benchmark::internal::Benchmark *gb;
    rt_bench_fn fn;
    void *user;
    rt_hook_fn setup;
    rt_hook_fn teardown;
    const rt_placement *placement;
    std::vector<int> plan;       // this run's plan, one PU per thread
    std::vector<int> seen;       // CPU each thread found itself on
    std::vector<int> bind_rc;    // 0, or errno of a failed bind
    std::string plan_error;      // why this run could not be planned
    std::vector<std::string> messages;  // keeps error texts alive
    std::mutex lock;
};

struct rt_state {
    benchmark::State *gb;
    rt_bench *bench;
    bool begun;
    bool ended;
    int planned_cpu;
    std::string label;
};

namespace {

std::array<rt_bench *, kMaxFamilies> g_families{};
size_t g_nfamilies = 0;
std::vector<rt_result> g_results;
std::vector<std::string> g_result_names;
// Context keys: the last value set wins (1.7.1 refuses to replace a key).
std::map<std::string, std::string> g_context;

rt_state hook_state(const benchmark::State &s, rt_bench *b)
{
    return rt_state{const_cast<benchmark::State *>(&s), b, false, false, -1, {}};
}

// Plan this run's threads (on the main thread, before they exist).
void plan_run(rt_bench *b, const benchmark::State &s)
{
    int n = s.threads();
    b->plan.assign((size_t)n, -1);
    b->seen.assign((size_t)n, -1);
    b->bind_rc.assign((size_t)n, 0);
    b->plan_error.clear();
    b->messages.clear();
    if (!b->placement)
        return;
    char err[512];
    if (rt_plan(b->placement, n, b->plan.data(), err, sizeof err) < 0) {
        b->plan_error = err;
        b->plan.assign((size_t)n, -1);
    }
}

template <size_t I>
void setup_trampoline(const benchmark::State &s)
{
    rt_bench *b = g_families[I];
    plan_run(b, s);
    if (b->setup) {
        rt_state st = hook_state(s, b);
        b->setup(&st, b->user);
    }
}

template <size_t I>
void teardown_trampoline(const benchmark::State &s)
{
    rt_bench *b = g_families[I];
    if (b->teardown) {
        rt_state st = hook_state(s, b);
        b->teardown(&st, b->user);
    }
}

using hook_ptr = void (*)(const benchmark::State &);

template <size_t... I>
constexpr std::array<hook_ptr, sizeof...(I)> setup_table(std::index_sequence<I...>)
{
    return {&setup_trampoline<I>...};
}

template <size_t... I>
constexpr std::array<hook_ptr, sizeof...(I)> teardown_table(std::index_sequence<I...>)
{
    return {&teardown_trampoline<I>...};
}

constexpr auto kSetups = setup_table(std::make_index_sequence<kMaxFamilies>{});
constexpr auto kTeardowns = teardown_table(std::make_index_sequence<kMaxFamilies>{});

const char *keep(rt_bench *b, std::string text)
{
    std::lock_guard<std::mutex> g(b->lock);
    b->messages.push_back(std::move(text));
    return b->messages.back().c_str();
}

// Pin the calling benchmark thread to its planned PU and see where it runs.
void place_thread(rt_state *st, hwloc_bitmap_t *saved)
{
    rt_bench *b = st->bench;
    size_t t = (size_t)st->gb->thread_index();
    if (!b->placement || t >= b->plan.size())
        return;
    int pu = b->plan[t];
    st->planned_cpu = pu;
    if (pu >= 0) {
        if (t == 0)
            *saved = rt_thread_mask_save(b->placement->topo);
        if (rt_bind_thread(b->placement->topo, pu) < 0)
            b->bind_rc[t] = errno ? errno : -1;
    }
    b->seen[t] = rt_current_cpu();
}

// After the run (thread 0, past the stop barrier): record the placement.
void record_placement(rt_state *st)
{
    rt_bench *b = st->bench;
    const rt_placement *pl = b->placement;
    if (!pl)
        return;
    int n = (int)b->plan.size(), mismatches = 0, bind_failures = 0;
    for (int t = 0; t < n; t++) {
        if (b->plan[t] >= 0 && b->seen[t] != b->plan[t])
            mismatches++;
        if (b->bind_rc[t])
            bind_failures++;
    }
    char plan[1024], seen[1024];
    rt_cpulist_format(b->plan.data(), n, plan, sizeof plan);
    rt_cpulist_format(b->seen.data(), n, seen, sizeof seen);
    std::string label = "policy=" + std::string(rt_policy_name(pl->policy)) + " plan=" + plan +
                        " seen=" + seen;
    if (n == 2)
        label += std::string(" pair=") + rt_pair_relation(pl->topo, b->plan[0], b->plan[1]);
    if (n > rt_topo_allowed_pus(pl->topo))
        label += " oversubscribed=yes";
    if (bind_failures)
        label += " binding=failed";
    if (!st->label.empty())
        label = st->label + " " + label;
    st->gb->SetLabel(label.c_str());
    st->gb->counters["cpu_mismatches"] = benchmark::Counter(mismatches);
    st->gb->counters["bind_failures"] = benchmark::Counter(bind_failures);
}

void run_family(rt_bench *b, benchmark::State &s)
{
    rt_state st{&s, b, false, false, -1, {}};
    hwloc_bitmap_t saved = nullptr;

    if (!b->plan_error.empty())
        s.SkipWithError(keep(b, "placement: " + b->plan_error));
    else
        place_thread(&st, &saved);

    try {
        if (!s.error_occurred())
            b->fn(&st, b->user);
    } catch (...) {
        s.SkipWithError("benchmark threw a C++ exception");
    }

    // Misuse becomes a reported error, not an abort: every thread must
    // still pass the start and stop barriers the other threads wait at.
    if (!st.begun) {
        if (!s.error_occurred())
            s.SkipWithError("benchmark returned without running its timed loop (RT_LOOP)");
        while (s.KeepRunning()) {
        }
    } else if (!st.ended) {
        s.SkipWithError("benchmark left its timed loop early");
        while (s.KeepRunning()) {
        }
    }

    if (s.thread_index() == 0) {
        record_placement(&st);
        if (!b->placement && !st.label.empty())
            s.SetLabel(st.label.c_str());
    }
    if (saved)
        rt_thread_mask_restore(b->placement->topo, saved);
}

// Collects every iteration run while printing as the console reporter does.
class CollectingReporter : public benchmark::ConsoleReporter {
public:
    explicit CollectingReporter(OutputOptions opts) : ConsoleReporter(opts) {}

    void ReportRuns(const std::vector<Run> &runs) override
    {
        for (const Run &r : runs) {
            // Iteration rows; with --benchmark_report_aggregates_only only
            // the aggregates arrive, so keep the medians as stand-ins.
            bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
            if (r.run_type != Run::RT_Iteration && !median)
                continue;
            g_result_names.push_back(r.run_name.str());
            rt_result res{};
            res.threads = (int)r.threads;
            res.repetition = (int)r.repetition_index;
            res.real_time_ns = r.GetAdjustedRealTime();
            res.cpu_time_ns = r.GetAdjustedCPUTime();
            res.iterations = (int64_t)r.iterations;
            res.error = r.error_occurred;
            res.aggregate = median;
            g_results.push_back(res);
        }
        ConsoleReporter::ReportRuns(runs);
    }
};

double stat_min(const std::vector<double> &v)
{
    double m = v.empty() ? 0 : v[0];
    for (double x : v)
        m = x < m ? x : m;
    return m;
}

double stat_max(const std::vector<double> &v)
{
    double m = v.empty() ? 0 : v[0];
    for (double x : v)
        m = x > m ? x : m;
    return m;
}

// Quantile by linear interpolation between order statistics (R type 7,
// numpy's default): the same rule as scripts/lib/json2tsv.jq's quantile.
double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    double h = (double)(v.size() - 1) * q;
    size_t lo = (size_t)h;
    size_t hi = lo + 1 < v.size() ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

double stat_q1(const std::vector<double> &v) { return quantile(v, 0.25); }
double stat_q3(const std::vector<double> &v) { return quantile(v, 0.75); }

}  // namespace

extern "C" {

int64_t rt_loop_begin(rt_state *st) noexcept
{
    st->begun = true;
    benchmark::State &s = *st->gb;
    if (!s.KeepRunningBatch(s.max_iterations)) {
        st->ended = true;   // an error before the start: already finished
        return 0;
    }
    return (int64_t)s.max_iterations;
}

int rt_loop_end(rt_state *st) noexcept
{
    if (!st->ended) {
        st->ended = true;
        (void)st->gb->KeepRunningBatch(1);   // budget spent: stop timer, barrier
    }
    return 0;
}

rt_bench *rt_bench_register(const char *name, rt_bench_fn fn, void *user) noexcept
{
    if (g_nfamilies == kMaxFamilies) {
        std::fprintf(stderr, "racetrack: more than %zu benchmark families\n", kMaxFamilies);
        std::abort();
    }
    try {
        rt_bench *b = new rt_bench();
        b->slot = g_nfamilies;
        b->fn = fn;
        b->user = user;
        g_families[g_nfamilies++] = b;
        b->gb = benchmark::RegisterBenchmark(name, [b](benchmark::State &s) { run_family(b, s); });
        b->gb->Setup(kSetups[b->slot]);
        b->gb->Teardown(kTeardowns[b->slot]);
        return b;
    } catch (...) {
        std::fprintf(stderr, "racetrack: cannot register benchmark %s\n", name);
        std::abort();
    }
}

void rt_bench_arg(rt_bench *b, int64_t value) noexcept { b->gb->Arg(value); }
void rt_bench_arg_name(rt_bench *b, const char *name) noexcept { b->gb->ArgName(name); }

void rt_bench_range(rt_bench *b, int64_t lo, int64_t hi, int mult) noexcept
{
    b->gb->RangeMultiplier(mult)->Range(lo, hi);
}

void rt_bench_threads(rt_bench *b, int threads) noexcept { b->gb->Threads(threads); }
void rt_bench_use_real_time(rt_bench *b) noexcept { b->gb->UseRealTime(); }
void rt_bench_use_manual_time(rt_bench *b) noexcept { b->gb->UseManualTime(); }
void rt_bench_iterations(rt_bench *b, int64_t n) noexcept { b->gb->Iterations(n); }

void rt_bench_hooks(rt_bench *b, rt_hook_fn setup, rt_hook_fn teardown) noexcept
{
    b->setup = setup;
    b->teardown = teardown;
}

void rt_bench_extra_statistics(rt_bench *b) noexcept
{
    b->gb->ComputeStatistics("min", stat_min)
        ->ComputeStatistics("max", stat_max)
        ->ComputeStatistics("q1", stat_q1)
        ->ComputeStatistics("q3", stat_q3);
}

void rt_bench_placement(rt_bench *b, const rt_placement *pl) noexcept { b->placement = pl; }

int64_t rt_range(const rt_state *st, int index) noexcept { return st->gb->range((size_t)index); }
int rt_threads(const rt_state *st) noexcept { return st->gb->threads(); }
int rt_thread_index(const rt_state *st) noexcept { return st->gb->thread_index(); }
int64_t rt_iterations(const rt_state *st) noexcept { return (int64_t)st->gb->iterations(); }
int64_t rt_max_iterations(const rt_state *st) noexcept { return (int64_t)st->gb->max_iterations; }
bool rt_error_occurred(const rt_state *st) noexcept { return st->gb->error_occurred(); }
int rt_planned_cpu(const rt_state *st) noexcept { return st->planned_cpu; }

void rt_counter(rt_state *st, const char *name, double value, unsigned flags) noexcept
{
    int gb = 0;
    if (flags & RT_COUNTER_RATE) gb |= benchmark::Counter::kIsRate;
    if (flags & RT_COUNTER_AVG_THREADS) gb |= benchmark::Counter::kAvgThreads;
    if (flags & RT_COUNTER_ITERATION_INVARIANT) gb |= benchmark::Counter::kIsIterationInvariant;
    if (flags & RT_COUNTER_AVG_ITERATIONS) gb |= benchmark::Counter::kAvgIterations;
    if (flags & RT_COUNTER_INVERT) gb |= benchmark::Counter::kInvert;
    try {
        st->gb->counters[name] = benchmark::Counter(value, (benchmark::Counter::Flags)gb);
    } catch (...) {
        st->gb->SkipWithError("out of memory recording a counter");
    }
}

void rt_items_processed(rt_state *st, int64_t items) noexcept { st->gb->SetItemsProcessed(items); }
void rt_set_iteration_time(rt_state *st, double s) noexcept { st->gb->SetIterationTime(s); }

void rt_set_label(rt_state *st, const char *label) noexcept
{
    try {
        st->label = label;
    } catch (...) {
    }
}

void rt_skip_with_error(rt_state *st, const char *message) noexcept
{
    try {
        st->gb->SkipWithError(keep(st->bench, message));
    } catch (...) {
        st->gb->SkipWithError("error (and out of memory copying its message)");
    }
}

void rt_init(int *argc, char **argv) noexcept
{
    try {
        benchmark::Initialize(argc, argv);
    } catch (...) {
        std::fprintf(stderr, "racetrack: cannot initialise Google Benchmark\n");
        std::exit(2);
    }
}

void rt_context(const char *key, const char *value) noexcept
{
    try {
        g_context[key] = value;
    } catch (...) {
    }
}

void rt_contextf(const char *key, const char *fmt, ...) noexcept
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rt_context(key, buf);
}

int rt_run(void) noexcept
{
    try {
        rt_context("racetrack.version", RT_VERSION);
        rt_context("racetrack.google_benchmark_version", RT_GBENCH_VERSION);
        rt_context("racetrack.compiler", RT_COMPILER);
        rt_context("racetrack.cflags", RT_CFLAGS);
        rt_context("racetrack.build_type", RT_BUILD_TYPE);
        for (const auto &kv : g_context)
            benchmark::AddCustomContext(kv.first, kv.second);
        CollectingReporter display(isatty(STDOUT_FILENO)
                                       ? benchmark::ConsoleReporter::OO_ColorTabular
                                       : benchmark::ConsoleReporter::OO_Tabular);
        size_t n = benchmark::RunSpecifiedBenchmarks(&display);
        if (n == 0)
            return -1;
        int errors = 0;
        for (size_t i = 0; i < g_results.size(); i++) {
            g_results[i].run_name = g_result_names[i].c_str();
            errors += g_results[i].error;
        }
        return errors;
    } catch (...) {
        std::fprintf(stderr, "racetrack: benchmark run failed with a C++ exception\n");
        return -1;
    }
}

size_t rt_result_count(void) noexcept { return g_results.size(); }
const rt_result *rt_result_at(size_t i) noexcept { return &g_results[i]; }

void rt_shutdown(void) noexcept
{
    benchmark::Shutdown();
    for (size_t i = 0; i < g_nfamilies; i++)
        delete g_families[i];
    g_nfamilies = 0;
}

}  // extern "C"
