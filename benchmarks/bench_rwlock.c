/*
 * bench_rwlock - do readers under a reader-writer lock read at once?
 *
 * The claim: threads that only read shared data can hold a pthread_rwlock
 * together, where a mutex makes them take turns; one writer among them
 * takes turns back.  T threads read a table of --table-words words under
 * the lock, over and over; in the one-writer variants thread 0 writes the
 * whole table instead (every word the same new value), so a reader that
 * sees two values in one table has seen a write half done.
 *
 * Variants (rwlock/LOCK-WHO): LOCK is rwlock (pthread_rwlock_t, the glibc
 * default, which prefers readers) or mutex (pthread_mutex_t); WHO is
 * readers (every thread reads) or one-writer (thread 0 writes, from 2
 * threads).  Each run reports
 *   ns_per_op     wall time a worker spends per locked read or write (mean
 *                 of the workers; the whole team's rate is items_per_second)
 *   torn_reads    reads that saw a table half written: the lock failed, an
 *                 error, never data
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "driver.h"
#include "flags.h"
#include "machine.h"
#include "shim/rt_bench.h"

static const char summary[] =
    "Reader-writer lock against a mutex: T threads read a shared table, one of them may write.";

/* ---- parameters ------------------------------------------------------------ */

static rt_place_opts place_opts = RT_PLACE_OPTS_DEFAULT;
static int64_t max_workers = 0;      /* 0: twice the allowed PUs */
static int64_t table_words = 8;      /* one 64-byte line of int64_t */

static rt_flag flags[] = {
    RT_PLACEMENT_FLAGS(place_opts),
    { "max-workers", RT_FLAG_INT, &max_workers, 0, RT_MAX_WORKERS, NULL,
      "sweep 1, 2, 4, ... up to this many workers (0: 2 x allowed PUs)", false },
    { "table-words", RT_FLAG_INT, &table_words, 1, 1 << 20, NULL,
      "words of the shared table each operation reads or writes", false },
    RT_FLAG_END,
};

/* ---- the experiment ---------------------------------------------------------- */

typedef struct variant {
    const char *name;
    bool rwlock;        /* false: a mutex */
    bool writer;        /* thread 0 writes */
} variant;

static const variant variants[] = {
    { "rwlock-readers", true, false },
    { "rwlock-one-writer", true, true },
    { "mutex-readers", false, false },
    { "mutex-one-writer", false, true },
};

/* The locks and the table (an allocation of its own, apart from the locks). */
static struct {
    pthread_rwlock_t rw;
    pthread_mutex_t mu;
    int64_t *table;
    int64_t torn;       /* summed after the loop, under mu */
} shared;

static void lock(const variant *v, bool write)
{
    if (!v->rwlock)
        pthread_mutex_lock(&shared.mu);
    else if (write)
        pthread_rwlock_wrlock(&shared.rw);
    else
        pthread_rwlock_rdlock(&shared.rw);
}

static void unlock(const variant *v)
{
    if (v->rwlock)
        pthread_rwlock_unlock(&shared.rw);
    else
        pthread_mutex_unlock(&shared.mu);
}

/* One operation: the writer sets every word to a new value; a reader
 * checks that every word holds the first one's.  Returns 1 for a torn read. */
static int64_t operate(const variant *v, bool write, int64_t value)
{
    int64_t torn = 0;
    lock(v, write);
    if (write) {
        for (int64_t w = 0; w < table_words; w++)
            shared.table[w] = value;
    } else {
        int64_t first = shared.table[0];
        for (int64_t w = 1; w < table_words; w++)
            torn |= shared.table[w] != first;
    }
    unlock(v);
    return torn;
}

static void reset_table(const rt_state *st, void *arg)
{
    (void)st;
    (void)arg;
    memset(shared.table, 0, (size_t)table_words * sizeof *shared.table);
    shared.torn = 0;
}

static void bm_table(rt_state *st, void *arg)
{
    const variant *v = arg;
    bool write = v->writer && rt_thread_index(st) == 0;
    int64_t torn = 0, n = rt_loop_begin(st);
    int64_t start = rt_now_ns();
    for (int64_t i = 0; i < n; i++)
        torn += operate(v, write, i + 1);
    int64_t elapsed = rt_now_ns() - start;
    pthread_mutex_lock(&shared.mu);
    shared.torn += torn;
    pthread_mutex_unlock(&shared.mu);
    rt_loop_end(st);     /* stop barrier: every worker has added its count */

    rt_counter(st, "ns_per_op", n ? (double)elapsed / (double)n : 0, RT_COUNTER_AVG_THREADS);
    rt_items_processed(st, n);
    if (rt_thread_index(st) != 0)
        return;
    if (shared.torn != 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s: %lld torn reads", v->name, (long long)shared.torn);
        rt_skip_with_error(st, msg);
        return;
    }
    rt_counter(st, "torn_reads", 0, RT_COUNTER_DEFAULT);
}

static void register_benchmarks(const rt_machine *m, int most)
{
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        const variant *v = &variants[i];
        if (v->writer && most < 2)
            continue;
        char name[64];
        snprintf(name, sizeof name, "rwlock/%s", v->name);
        rt_bench *b = rt_bench_register(name, bm_table, (void *)v);
        rt_bench_threads_doubling(b, v->writer ? 2 : 1, most);
        rt_bench_use_real_time(b);
        rt_bench_hooks(b, reset_table, NULL);
        rt_bench_extra_statistics(b);
        rt_bench_placement(b, &m->place);
    }
}

int main(int argc, char **argv)
{
    rt_flags_main(&argc, argv, summary, flags);

    rt_machine m;
    rt_machine_init(&m, argv[0], &place_opts, 1);
    int most = max_workers ? (int)max_workers : 2 * rt_topo_allowed_pus(&m.topo);
    if (most > rt_topo_allowed_pus(&m.topo) && !max_workers)
        m.place.oversubscribe = true;    /* the default sweep goes to 2 x PUs */
    char err[512];
    if (rt_plan_check(&m.place, most, err, sizeof err) < 0)
        rt_usage_error(argv[0], err);
    rt_contextf("param.max-workers", "%d", most);
    rt_context("placement.oversubscribe", m.place.oversubscribe ? "yes" : "no");

    shared.table = calloc((size_t)table_words, sizeof *shared.table);
    if (!shared.table) {
        fprintf(stderr, "bench_rwlock: cannot allocate a table of %lld words\n",
                (long long)table_words);
        return 1;
    }
    pthread_rwlock_init(&shared.rw, NULL);
    pthread_mutex_init(&shared.mu, NULL);
    register_benchmarks(&m, most);
    int errors = rt_run_reported("bench_rwlock");
    rt_shutdown();
    pthread_mutex_destroy(&shared.mu);
    pthread_rwlock_destroy(&shared.rw);
    free(shared.table);
    rt_machine_destroy(&m);
    return errors == 0 ? 0 : 1;
}
