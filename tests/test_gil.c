/*
 * test_gil.c - the emulated GIL behaves as CPython's:
 *   - new and old: never two holders at once, under stress, with frequent
 *     switches and I/O wrappers;
 *   - new: a waiter asks only after a full switch interval and gets the GIL
 *     within a few, while the holder computes and polls;
 *   - new, forced switching: a holder that drops on request does not run
 *     on before the waiter has had the GIL;
 *   - the I/O wrapper releases the GIL around the call and takes it back;
 *   - none never blocks;
 *   - a team workload under the GIL (gil_mode.h), as threads and as
 *     processes: each worker holds the GIL while it computes and not while
 *     it blocks, only one thread of a team computes at a time, the
 *     checksums are those of plain workers, and the counts reach the parent.
 * The bounds on time are generous multiples of the switch interval, the
 * claim itself being about time.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "gil/gil.h"
#include "gil/gil_mode.h"
#include "work/workloads.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- mutual exclusion -------------------------------------------------------------- */

enum { STRESS_THREADS = 4, STRESS_MS = 300 };

typedef struct stress {
    rt_gil *gil;
    int holders;               /* atomic: threads inside the critical part */
    int violations;
    int64_t end_ns;
    rt_gil_stats total;
    pthread_mutex_t lock;
} stress;

static void *stress_thread(void *arg)
{
    stress *s = arg;
    rt_gil_thread t;
    rt_gil_thread_init(&t, s->gil);
    rt_gil_take(&t);
    for (unsigned i = 0; now_ns() < s->end_ns; i++) {
        if (__atomic_add_fetch(&s->holders, 1, __ATOMIC_ACQ_REL) != 1)
            __atomic_add_fetch(&s->violations, 1, __ATOMIC_RELAXED);
        for (volatile int k = 0; k < 50; k++) {
        }
        __atomic_sub_fetch(&s->holders, 1, __ATOMIC_ACQ_REL);
        rt_gil_poll(&t);
        if (i % 64 == 0)
            RT_GIL_ALLOW_THREADS(&t, sched_yield());
    }
    rt_gil_drop(&t);
    pthread_mutex_lock(&s->lock);
    rt_gil_stats_add(&s->total, &t.stats);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void test_exclusion(rt_gil_kind kind)
{
    rt_gil_params p = RT_GIL_PARAMS_DEFAULT(kind);
    p.switch_interval_us = 100;           /* many switches */
    rt_gil gil;
    CHECK(rt_gil_init(&gil, &p) == 0, "init");
    stress s = { .gil = &gil, .end_ns = now_ns() + STRESS_MS * 1000000LL };
    pthread_mutex_init(&s.lock, NULL);
    pthread_t th[STRESS_THREADS];
    for (int i = 0; i < STRESS_THREADS; i++)
        pthread_create(&th[i], NULL, stress_thread, &s);
    for (int i = 0; i < STRESS_THREADS; i++)
        pthread_join(th[i], NULL);
    CHECK(s.violations == 0, "%s: two holders at once %d times", rt_gil_names[kind],
          s.violations);
    CHECK(s.total.handoffs > STRESS_THREADS, "%s: the GIL changed hands (%lld times)",
          rt_gil_names[kind], (long long)s.total.handoffs);
    printf("%s GIL, %d threads, %d ms: %lld acquisitions, %lld hand-offs, %lld drop requests, "
           "%lld forced waits, wait p99 <= %.0f us\n", rt_gil_names[kind], STRESS_THREADS,
           STRESS_MS, (long long)s.total.acquisitions, (long long)s.total.handoffs,
           (long long)s.total.drop_requests, (long long)s.total.forced_waits,
           rt_log2_hist_quantile(s.total.wait_hist, s.total.waits, 0.99) / 1e3);
    pthread_mutex_destroy(&s.lock);
    rt_gil_destroy(&gil);
}

/* ---- a waiter against a computing holder ----------------------------------------------- */

typedef struct duel {
    rt_gil *gil;
    int holding;               /* the holder has the GIL */
    int stop;
    int64_t b_acquired;        /* the other thread's acquisitions, as it counts them */
    int forced;                /* the holder's drops on request */
    int early;                 /* ... that came back before the other had the GIL */
} duel;

/* The holder: computes and polls until told to stop. */
static void *holder(void *arg)
{
    duel *d = arg;
    rt_gil_thread t;
    rt_gil_thread_init(&t, d->gil);
    rt_gil_take(&t);
    __atomic_store_n(&d->holding, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
        int64_t before = __atomic_load_n(&d->b_acquired, __ATOMIC_ACQUIRE);
        int64_t takes = t.stats.acquisitions;
        rt_gil_poll(&t);
        if (t.stats.acquisitions != takes) {          /* it dropped and took it back */
            d->forced++;
            if (__atomic_load_n(&d->b_acquired, __ATOMIC_ACQUIRE) == before)
                d->early++;
        }
    }
    rt_gil_drop(&t);
    return NULL;
}

static void test_waiter_gets_it(void)
{
    const int64_t interval_us = RT_GIL_SWITCH_INTERVAL_US;
    rt_gil_params p = RT_GIL_PARAMS_DEFAULT(RT_GIL_NEW);
    rt_gil gil;
    rt_gil_init(&gil, &p);
    duel d = { .gil = &gil };
    pthread_t h;
    pthread_create(&h, NULL, holder, &d);
    while (!__atomic_load_n(&d.holding, __ATOMIC_ACQUIRE))
        sched_yield();
    rt_gil_thread t;
    rt_gil_thread_init(&t, &gil);
    int64_t t0 = now_ns();
    rt_gil_take(&t);
    double waited_us = (double)(now_ns() - t0) / 1e3;
    __atomic_add_fetch(&d.b_acquired, 1, __ATOMIC_RELEASE);
    rt_gil_drop(&t);
    printf("new GIL: a waiter got the GIL after %.0f us (interval %lld us)\n", waited_us,
           (long long)interval_us);
    CHECK(waited_us >= 0.9 * (double)interval_us,
          "the waiter asks only after a full interval: got it after %.0f us", waited_us);
    CHECK(waited_us < 10.0 * (double)interval_us,
          "the waiter gets it within a few intervals: %.0f us", waited_us);
    CHECK(t.stats.drop_requests >= 1, "the waiter set the drop request");

    /* Forced switching: a thread that takes the GIL now and then, as an I/O
     * thread would; every drop of the holder on request must let it in. */
    rt_gil_thread b;
    rt_gil_thread_init(&b, &gil);
    for (int i = 0; i < 20; i++) {
        rt_gil_take(&b);
        __atomic_add_fetch(&d.b_acquired, 1, __ATOMIC_RELEASE);
        rt_gil_drop(&b);
        usleep(200);
    }
    __atomic_store_n(&d.stop, 1, __ATOMIC_RELEASE);
    pthread_join(h, NULL);
    CHECK(d.forced >= 10, "the holder dropped on request (%d times)", d.forced);
    CHECK(d.early == 0, "the holder took the GIL back before the waiter had it, %d of %d times",
          d.early, d.forced);
    rt_gil_destroy(&gil);
}

/* ---- the I/O wrapper ---------------------------------------------------------------------- */

typedef struct io_case {
    rt_gil *gil;
    sem_t go;                  /* what the "I/O" waits for */
    int inside;                /* the I/O thread is in its call */
    int got_gil_meanwhile;
    int held_after;
} io_case;

static void *io_thread(void *arg)
{
    io_case *c = arg;
    rt_gil_thread t;
    rt_gil_thread_init(&t, c->gil);
    rt_gil_take(&t);
    RT_GIL_ALLOW_THREADS(&t, (__atomic_store_n(&c->inside, 1, __ATOMIC_RELEASE),
                              sem_wait(&c->go)));
    c->held_after = t.stats.acquisitions == 2;
    rt_gil_drop(&t);
    return NULL;
}

static void test_io_wrapper(rt_gil_kind kind)
{
    rt_gil_params p = RT_GIL_PARAMS_DEFAULT(kind);
    rt_gil gil;
    rt_gil_init(&gil, &p);
    io_case c = { .gil = &gil };
    sem_init(&c.go, 0, 0);
    pthread_t th;
    pthread_create(&th, NULL, io_thread, &c);
    while (!__atomic_load_n(&c.inside, __ATOMIC_ACQUIRE))
        sched_yield();
    rt_gil_thread t;
    rt_gil_thread_init(&t, &gil);
    rt_gil_take(&t);                      /* would block forever if the call kept the GIL */
    c.got_gil_meanwhile = 1;
    sem_post(&c.go);
    rt_gil_drop(&t);
    pthread_join(th, NULL);
    CHECK(c.got_gil_meanwhile && t.stats.waits == 0,
          "%s: the GIL was free while the other thread was in its call", rt_gil_names[kind]);
    CHECK(c.held_after, "%s: the wrapper took the GIL back", rt_gil_names[kind]);
    sem_destroy(&c.go);
    rt_gil_destroy(&gil);
}

/* ---- none -------------------------------------------------------------------------------------- */

static void *take_and_keep(void *arg)
{
    rt_gil_thread t;
    rt_gil_thread_init(&t, arg);
    rt_gil_take(&t);                      /* never dropped */
    return NULL;
}

static void test_none(void)
{
    rt_gil_params p = RT_GIL_PARAMS_DEFAULT(RT_GIL_NONE);
    rt_gil gil;
    rt_gil_init(&gil, &p);
    pthread_t a, b;
    int64_t t0 = now_ns();
    pthread_create(&a, NULL, take_and_keep, &gil);
    pthread_create(&b, NULL, take_and_keep, &gil);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    rt_gil_thread t;
    rt_gil_thread_init(&t, &gil);
    rt_gil_take(&t);
    rt_gil_poll(&t);
    CHECK((now_ns() - t0) < 1000000000LL, "none: three holders at once, nobody waits");
    rt_gil_destroy(&gil);
}

static void test_quantile(void)
{
    int64_t hist[RT_LOG2_BUCKETS] = { 0 };
    for (int i = 0; i < 99; i++)
        rt_log2_hist_add(hist, 1500);     /* [1024, 2048) ns */
    rt_log2_hist_add(hist, 1 << 20);
    CHECK(hist[10] == 99 && hist[20] == 1, "samples land in their power-of-two bucket");
    CHECK(rt_log2_hist_quantile(hist, 100, 0.5) == 2048, "median bucket edge");
    CHECK(rt_log2_hist_quantile(hist, 100, 1.0) == 2 << 20, "max bucket edge");
    CHECK(rt_log2_hist_quantile(hist, 0, 0.5) == 0, "no samples");
}

/* ---- a team workload under the GIL ---------------------------------------------------- */

/* PROBE_UNIT does not divide PROBE_STEPS: an item ends in a shorter unit. */
enum { PROBE_WORKERS = 3, PROBE_ITEMS = 300, PROBE_STEPS = 2000, PROBE_UNIT = 48 };

/* Shared by the probe's threads (thread mode only: in process mode each
 * child has its own copy, and its own GIL). */
static int probe_inside;

/* Could this worker hold its GIL now?  New GIL: it is locked and this
 * thread took it last, exactly.  Read under the GIL's mutex, as take and
 * drop write them: a taker sets `locked` a moment before `last_holder`, so
 * a read without it can see the GIL locked with the dropper as its holder.
 * Old GIL: it is locked (by someone). */
static bool holds(const rt_worker *w)
{
    rt_gil *g = w->gil->gil;
    if (g->p.kind == RT_GIL_NEW) {
        pthread_mutex_lock(&g->mutex);
        bool mine = __atomic_load_n(&g->locked, __ATOMIC_RELAXED) &&
                    __atomic_load_n(&g->last_holder, __ATOMIC_RELAXED) == w->gil;
        pthread_mutex_unlock(&g->mutex);
        return mine;
    }
    int v;
    sem_getvalue((sem_t *)&g->lock, &v);
    return v == 0;
}

/* Computes as cpu does, and reports a broken rule as a failure. */
static int probe_run(rt_worker *w)
{
    for (int64_t i = w->first; i < w->first + w->count; i++) {
        if (!w->gil || !holds(w)) {
            snprintf(w->err, w->errlen, "computing without the GIL");
            return -1;
        }
        if (__atomic_add_fetch(&probe_inside, 1, __ATOMIC_ACQ_REL) > 1) {
            snprintf(w->err, w->errlen, "two threads computing at once");
            return -1;
        }
        __atomic_sub_fetch(&probe_inside, 1, __ATOMIC_ACQ_REL);
        w->checksum += rt_work_item(w, (uint64_t)i, PROBE_STEPS);
        bool held = false;
        RT_WORK_BLOCKING(w, held = holds(w));
        if (held && w->gil->gil->p.kind == RT_GIL_NEW) {
            snprintf(w->err, w->errlen, "blocking while holding the GIL");
            return -1;
        }
    }
    return 0;
}

static const rt_workload probe = { "probe", NULL, probe_run, NULL };

static void test_team_under_gil(rt_gil_kind kind, rt_team_mode mode)
{
    const char *what = rt_gil_names[kind], *how = rt_team_mode_names[mode];
    rt_gil gil;
    rt_gil_params p = RT_GIL_PARAMS_DEFAULT(kind);
    p.switch_interval_us = 200;       /* hand-offs within a short test */
    CHECK(rt_gil_init(&gil, &p) == 0, "init");
    rt_gil_mode_config c = { &gil, PROBE_UNIT, &probe, NULL };
    rt_team_config tc = { mode, PROBE_WORKERS, NULL, &rt_work_under_gil, &c,
                          rt_gil_mode_shared_bytes(PROBE_WORKERS) };
    char err[512] = "";
    rt_team *team = rt_team_start(&tc, err, sizeof err);
    CHECK(team != NULL, "%s, %s: team starts (%s)", what, how, err);
    if (!team)
        return;
    rt_round r;
    int rc = rt_team_round(team, PROBE_ITEMS, &r, err, sizeof err);
    CHECK(rc == 0, "%s, %s: the rules hold in every worker (%s)", what, how, err);
    CHECK(rc < 0 || r.checksum == rt_cpu_checksum(0, PROBE_ITEMS, PROBE_STEPS),
          "%s, %s: the checksum is the plain workers'", what, how);
    rt_gil_stats sum = { 0 };
    rt_gil_mode_collect(rt_team_shared(team), PROBE_WORKERS, &sum);
    /* Each worker takes it once to start and once after each of its
     * PROBE_ITEMS / PROBE_WORKERS blocking calls, at least. */
    CHECK(sum.acquisitions >= PROBE_ITEMS + PROBE_WORKERS,
          "%s, %s: the workers' counts reach the parent (%lld acquisitions)", what, how,
          (long long)sum.acquisitions);
    rt_gil_stats again = { 0 };
    rt_gil_mode_collect(rt_team_shared(team), PROBE_WORKERS, &again);
    CHECK(again.acquisitions == 0, "%s, %s: collecting zeroes the slots", what, how);
    CHECK(rt_team_stop(team, err, sizeof err) == 0, "%s, %s: team stops (%s)", what, how, err);
    rt_gil_destroy(&gil);
}

int main(void)
{
    test_exclusion(RT_GIL_NEW);
    test_exclusion(RT_GIL_OLD);
    test_waiter_gets_it();
    test_io_wrapper(RT_GIL_NEW);
    test_io_wrapper(RT_GIL_OLD);
    test_none();
    test_quantile();
    test_team_under_gil(RT_GIL_NEW, RT_TEAM_THREADS);
    test_team_under_gil(RT_GIL_OLD, RT_TEAM_THREADS);
    test_team_under_gil(RT_GIL_NEW, RT_TEAM_PROCESSES);
    return check_summary();
}
