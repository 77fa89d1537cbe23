/*
 * rt_bench.h - a C API over Google Benchmark 1.7.1.
 *
 * Google Benchmark has no C API, so racetrack owns this thin shim (the only
 * C++ in the project, in shim.cc).  A benchmark is a C function:
 *
 *     static void bm_add(rt_state *st, void *user)
 *     {
 *         RT_LOOP(st) { ... one iteration ... }
 *         rt_items_processed(st, rt_iterations(st));
 *     }
 *
 *     rt_bench *b = rt_bench_register("add", bm_add, NULL);
 *     rt_bench_threads(b, 2);
 *
 * The timed loop costs what the native C++ range-for costs: RT_LOOP calls
 * into the shim once to take the whole iteration budget (start barrier,
 * timer start) and once when it is spent (timer stop, stop barrier); the
 * counter lives in a register of the C function.  bench_shim measures this.
 *
 * Time semantics are Google Benchmark 1.7.1's: with T threads, real_time is
 * (mean wall time of the threads) / (iterations summed over threads), and
 * rate counters divide by summed CPU time unless real time is used.
 *
 * Every entry point is noexcept: no C++ exception crosses into C.
 */
#ifndef RT_BENCH_H
#define RT_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "place/plan.h"

#ifdef __cplusplus
#define RT_NOEXCEPT noexcept
extern "C" {
#else
#define RT_NOEXCEPT
#endif

typedef struct rt_state rt_state;   /* one per benchmark thread per run */
typedef struct rt_bench rt_bench;   /* a registered family */

typedef void (*rt_bench_fn)(rt_state *st, void *user);
/* Per-run hooks: run on the main thread before the threads start and after
 * they finish, around every run (each iteration-count probe and each
 * repetition).  Only rt_range, rt_threads and rt_thread_index work here. */
typedef void (*rt_hook_fn)(const rt_state *st, void *user);

/* ---- the timed loop ---------------------------------------------------- */
int64_t rt_loop_begin(rt_state *st) RT_NOEXCEPT;
int rt_loop_end(rt_state *st) RT_NOEXCEPT;  /* always returns 0 */

/* "!= 0" lets the compiler reuse the flags of the decrement: the loop is
 * "sub; jne", exactly what the C++ range-for compiles to. */
#define RT_LOOP(st) \
    for (int64_t rt_n_ = rt_loop_begin(st); rt_n_ != 0 || rt_loop_end(st); --rt_n_)

/* Keep a value alive / make the compiler forget memory contents. */
#define rt_do_not_optimize(x) __asm__ volatile("" : "+r,m"(x) : : "memory")
#define rt_clobber_memory() __asm__ volatile("" : : : "memory")

/* ---- registration (before rt_run) -------------------------------------- */
rt_bench *rt_bench_register(const char *name, rt_bench_fn fn, void *user) RT_NOEXCEPT;
void rt_bench_arg(rt_bench *b, int64_t value) RT_NOEXCEPT;
void rt_bench_arg_name(rt_bench *b, const char *name) RT_NOEXCEPT;
/* lo, lo*mult, lo*mult^2, ..., hi (Google Benchmark's Range). */
void rt_bench_range(rt_bench *b, int64_t lo, int64_t hi, int mult) RT_NOEXCEPT;
void rt_bench_threads(rt_bench *b, int threads) RT_NOEXCEPT;
void rt_bench_use_real_time(rt_bench *b) RT_NOEXCEPT;
void rt_bench_use_manual_time(rt_bench *b) RT_NOEXCEPT;
void rt_bench_iterations(rt_bench *b, int64_t n) RT_NOEXCEPT;
void rt_bench_hooks(rt_bench *b, rt_hook_fn setup, rt_hook_fn teardown) RT_NOEXCEPT;
/* Add min, max, q1 and q3 aggregates beside Google Benchmark's
 * mean, median, stddev and cv (with --benchmark_repetitions > 1). */
void rt_bench_extra_statistics(rt_bench *b) RT_NOEXCEPT;
/* Pin each benchmark thread t to plan(threads)[t] at the start of every
 * run, verify it with sched_getcpu, restore the main thread's mask after
 * the run, and record plan, CPUs seen and pair relation in the label and
 * counters.  The placement must outlive the run. */
void rt_bench_placement(rt_bench *b, const rt_placement *pl) RT_NOEXCEPT;

/* ---- inside a benchmark -------------------------------------------------- */
int64_t rt_range(const rt_state *st, int index) RT_NOEXCEPT;
int rt_threads(const rt_state *st) RT_NOEXCEPT;
int rt_thread_index(const rt_state *st) RT_NOEXCEPT;
int64_t rt_iterations(const rt_state *st) RT_NOEXCEPT; /* this thread's, after the loop */
int64_t rt_max_iterations(const rt_state *st) RT_NOEXCEPT;
bool rt_error_occurred(const rt_state *st) RT_NOEXCEPT;

enum {
    RT_COUNTER_DEFAULT = 0,
    RT_COUNTER_RATE = 1 << 0,               /* divide by time */
    RT_COUNTER_AVG_THREADS = 1 << 1,        /* divide by thread count */
    RT_COUNTER_ITERATION_INVARIANT = 1 << 2,/* multiply by iterations */
    RT_COUNTER_AVG_ITERATIONS = 1 << 3,     /* divide by iterations */
    RT_COUNTER_INVERT = 1 << 4,             /* 1/x, applied last */
};
/* Counters from all threads are summed, then the flags apply. */
void rt_counter(rt_state *st, const char *name, double value, unsigned flags) RT_NOEXCEPT;
void rt_items_processed(rt_state *st, int64_t items) RT_NOEXCEPT;
void rt_set_iteration_time(rt_state *st, double seconds) RT_NOEXCEPT; /* manual time */
void rt_set_label(rt_state *st, const char *label) RT_NOEXCEPT;
/* Report an error for this run: no figures are written for it. */
void rt_skip_with_error(rt_state *st, const char *message) RT_NOEXCEPT;
/* The PU this thread was placed on, or -1 when unpinned. */
int rt_planned_cpu(const rt_state *st) RT_NOEXCEPT;

/* ---- the program ---------------------------------------------------------- */
/* Strip Google Benchmark's flags out of argv (call first). */
void rt_init(int *argc, char **argv) RT_NOEXCEPT;
/* Add a key to the JSON context (machine facts, parameters, versions). */
void rt_context(const char *key, const char *value) RT_NOEXCEPT;
void rt_contextf(const char *key, const char *fmt, ...) RT_NOEXCEPT
    __attribute__((format(printf, 2, 3)));

/* Results collected during rt_run, for programs that summarise them. */
typedef struct rt_result {
    const char *run_name;   /* e.g. "shim/barrier/real_time" */
    int threads;
    int repetition;
    double real_time_ns;    /* per iteration, as reported */
    double cpu_time_ns;
    int64_t iterations;
    bool error;
    bool aggregate;         /* a "median" aggregate row, not one repetition */
} rt_result;

/* Run the benchmarks selected by --benchmark_filter.  Returns the number of
 * runs that reported an error (0 on full success), or -1 if nothing ran. */
int rt_run(void) RT_NOEXCEPT;
size_t rt_result_count(void) RT_NOEXCEPT;
const rt_result *rt_result_at(size_t i) RT_NOEXCEPT;
void rt_shutdown(void) RT_NOEXCEPT;

/* The native C++ reference bodies that bench_shim compares against. */
void rt_register_native_reference(void) RT_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* RT_BENCH_H */
