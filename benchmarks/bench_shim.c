/*
 * bench_shim - what does the C shim cost per iteration?
 *
 * The same two loop bodies run through the C shim (here) and natively in
 * C++ (lib/shim/native_reference.cc) in one run:
 *   barrier         a compiler barrier: the loop's own cost
 *   atomic_relaxed  a relaxed atomic increment of a shared counter
 * and the program prints shim/native for each: the median of the shim's
 * repetitions over the median of the native ones.  Run it with
 * --benchmark_repetitions=9 or more and
 * --benchmark_enable_random_interleaving=true.
 *
 * --self-test adds benchmarks that exercise every shim feature (counters,
 * hooks, arguments, manual time, placement, misuse) for the tests.
 */
#include <stdatomic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "flags.h"
#include "machine.h"
#include "outfile.h"
#include "shim/rt_bench.h"

static const char summary[] =
    "Per-iteration cost of the C shim against native C++ Google Benchmark loops.";

static rt_place_opts place_opts = RT_PLACE_OPTS_DEFAULT;
static bool self_test = false;
static const char *summary_out = NULL;
/* Ratio above which the shim is reported as slower than native. */
static double max_ratio = 1.05;

static rt_flag flags[] = {
    RT_PLACEMENT_FLAGS(place_opts),
    { "self-test", RT_FLAG_BOOL, &self_test, 0, 0, NULL,
      "also register the shim's feature tests (selftest/...)", false },
    { "summary-out", RT_FLAG_STRING, &summary_out, 0, 0, NULL,
      "write shim/native ratios as JSON to this file", false },
    { "max-ratio", RT_FLAG_DOUBLE, &max_ratio, 1, 100, NULL,
      "shim/native ratio reported as over target", false },
    RT_FLAG_END,
};

/* ---- the experiment ------------------------------------------------------- */

static _Atomic long shared_counter;

static void shim_barrier(rt_state *st, void *arg)
{
    (void)arg;
    RT_LOOP(st) {
        rt_clobber_memory();
    }
}

static void shim_atomic_relaxed(rt_state *st, void *arg)
{
    (void)arg;
    RT_LOOP(st) {
        atomic_fetch_add_explicit(&shared_counter, 1, memory_order_relaxed);
    }
}

typedef struct ratio {
    const char *body;
    double shim_ns, native_ns;
    int shim_n, native_n;
} ratio;

/* Median real time per iteration of the repetitions named run_name; when
 * only aggregates were reported, Google Benchmark's own median (count 0). */
static double median_of(const char *run_name, int *count)
{
    size_t total = rt_result_count(), n = 0;
    double *v = malloc((total ? total : 1) * sizeof *v), aggregate = 0;
    for (size_t i = 0; i < total; i++) {
        const rt_result *r = rt_result_at(i);
        if (r->error || strcmp(r->run_name, run_name) != 0)
            continue;
        if (r->aggregate)
            aggregate = r->real_time_ns;
        else
            v[n++] = r->real_time_ns;
    }
    double med = aggregate;
    if (n) {
        qsort(v, n, sizeof *v, rt_cmp_double);
        med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
    free(v);
    *count = (int)n;
    return med;
}

static int report_ratios(void)
{
    ratio r[] = { { "barrier", 0, 0, 0, 0 }, { "atomic_relaxed", 0, 0, 0, 0 } };
    int over = 0, found = 0;
    rt_outfile file;
    FILE *out = NULL;
    if (summary_out) {
        if (rt_outfile_open(&file, summary_out) < 0) {
            fprintf(stderr, "bench_shim: --summary-out: cannot write '%s': %s\n", summary_out,
                    strerror(errno));
            return -1;
        }
        out = file.f;
    }
    if (out)
        fprintf(out, "{\"max_ratio\": %g, \"bodies\": [", max_ratio);
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        char shim[64], native[64];
        snprintf(shim, sizeof shim, "shim/%s", r[i].body);
        snprintf(native, sizeof native, "native/%s", r[i].body);
        r[i].shim_ns = median_of(shim, &r[i].shim_n);
        r[i].native_ns = median_of(native, &r[i].native_n);
        if (r[i].shim_ns <= 0 || r[i].native_ns <= 0)
            continue;
        double q = r[i].shim_ns / r[i].native_ns;
        over += q > max_ratio;
        printf("shim/native %-15s %.3f  (median %.3f ns vs %.3f ns, %d and %d repetitions)%s\n",
               r[i].body, q, r[i].shim_ns, r[i].native_ns, r[i].shim_n, r[i].native_n,
               q > max_ratio ? "  OVER TARGET" : "");
        if (out)
            fprintf(out, "%s{\"body\": \"%s\", \"shim_ns\": %.6g, \"native_ns\": %.6g, "
                         "\"ratio\": %.6g, \"repetitions\": %d}",
                    found ? ", " : "", r[i].body, r[i].shim_ns, r[i].native_ns, q,
                    r[i].shim_n < r[i].native_n ? r[i].shim_n : r[i].native_n);
        found++;
    }
    if (out) {
        fprintf(out, "]}\n");
        if (rt_outfile_commit(&file) < 0) {
            fprintf(stderr, "bench_shim: --summary-out: cannot write '%s': %s\n", summary_out,
                    strerror(errno));
            return -1;
        }
    }
    return over;
}

/* ---- self-test benchmarks ------------------------------------------------ */

typedef struct hook_log {
    int setups, teardowns;
    int armed;            /* set by setup, checked by the benchmark */
} hook_log;

static hook_log hooks;

static void selftest_setup(const rt_state *st, void *arg)
{
    hook_log *h = arg;
    h->setups++;
    h->armed = rt_threads(st);
}

static void selftest_teardown(const rt_state *st, void *arg)
{
    (void)st;
    hook_log *h = arg;
    h->teardowns++;
    h->armed = 0;
}

static void selftest_counters(rt_state *st, void *arg)
{
    hook_log *h = arg;
    if (h->armed != rt_threads(st))
        rt_skip_with_error(st, "setup hook did not run before the threads");
    RT_LOOP(st) {
        rt_clobber_memory();
    }
    rt_counter(st, "per_thread", 1, RT_COUNTER_DEFAULT);          /* summed: threads */
    rt_counter(st, "avg_seven", 7, RT_COUNTER_AVG_THREADS);       /* stays 7 */
    rt_counter(st, "arg", (double)rt_range(st, 0), RT_COUNTER_AVG_THREADS);
    rt_items_processed(st, rt_iterations(st));
    if (rt_thread_index(st) == 0)
        rt_set_label(st, "selftest-label");
}

static void selftest_manual_time(rt_state *st, void *arg)
{
    (void)arg;
    /* Every iteration "takes" 1 ms of manual time. */
    RT_LOOP(st) {
        rt_set_iteration_time(st, 1e-3);
    }
}

static void selftest_no_loop(rt_state *st, void *arg)
{
    (void)st;
    (void)arg;
}

/* Thread 1 forgets its loop while thread 0 runs it: must not hang. */
static void selftest_no_loop_one_thread(rt_state *st, void *arg)
{
    (void)arg;
    if (rt_thread_index(st) == 1)
        return;
    RT_LOOP(st) {
        rt_clobber_memory();
    }
}

/* Misuse benchmarks are named selftest/no_loop...: every run of theirs
 * must be an error, and no other run may be. */
static bool self_test_errors_as_expected(void)
{
    int misuse = 0;
    for (size_t i = 0; i < rt_result_count(); i++) {
        const rt_result *r = rt_result_at(i);
        bool expected = !strncmp(r->run_name, "selftest/no_loop", 16);
        if (r->error != expected) {
            fprintf(stderr, "bench_shim: self-test: %s %s\n", r->run_name,
                    r->error ? "failed" : "did not report its misuse");
            return false;
        }
        misuse += expected;
    }
    return misuse > 0;
}

static void register_self_test(const rt_machine *m)
{
    rt_bench *b = rt_bench_register("selftest/counters", selftest_counters, &hooks);
    rt_bench_arg(b, 3);
    rt_bench_threads(b, 1);
    rt_bench_threads(b, 2);
    rt_bench_hooks(b, selftest_setup, selftest_teardown);
    rt_bench_placement(b, &m->place);
    rt_bench_extra_statistics(b);
    rt_bench_use_real_time(b);

    b = rt_bench_register("selftest/manual_time", selftest_manual_time, NULL);
    rt_bench_use_manual_time(b);
    rt_bench_iterations(b, 10);

    rt_bench_register("selftest/no_loop", selftest_no_loop, NULL);
    b = rt_bench_register("selftest/no_loop_one_thread", selftest_no_loop_one_thread, NULL);
    rt_bench_threads(b, 2);
}

int main(int argc, char **argv)
{
    rt_flags_main(&argc, argv, summary, flags);
    rt_outfile_check_flag(argv[0], "summary-out", summary_out);
    rt_machine m;
    rt_machine_init(&m, argv[0], &place_opts, self_test ? 2 : 1);

    rt_register_native_reference();
    rt_bench_register("shim/barrier", shim_barrier, NULL);
    rt_bench_register("shim/atomic_relaxed", shim_atomic_relaxed, NULL);
    if (self_test)
        register_self_test(&m);

    int errors = rt_run();
    int rc = 0;
    if (errors < 0) {
        fprintf(stderr, "bench_shim: no benchmark matched --benchmark_filter\n");
        rc = 1;
    } else if (self_test) {
        if (!self_test_errors_as_expected() || hooks.setups == 0 ||
            hooks.setups != hooks.teardowns) {
            fprintf(stderr, "bench_shim: self-test failed (%d errors, %d setups, %d teardowns)\n",
                    errors, hooks.setups, hooks.teardowns);
            rc = 1;
        }
    } else if (errors > 0) {
        rc = 1;
    }
    if (report_ratios() < 0)
        rc = 1;
    rt_shutdown();
    rt_machine_destroy(&m);
    return rc;
}
