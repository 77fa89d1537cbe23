/*
 * test_gil.c - the emulated GIL behaves as CPython's:
 *   - new and old: never two holders at once, under stress, with frequent
 *     switches and I/O wrappers;
 *   - new: a waiter asks only after a full switch interval and gets the GIL
 *     within a few, while the holder computes and polls;
 *   - new, forced switching: a holder that drops on request does not run
 *     on before the waiter has had the GIL;
 *   - the I/O wrapper releases the GIL around the call and takes it back;
 *   - none never blocks.
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

int main(void)
{
    test_exclusion(RT_GIL_NEW);
    test_exclusion(RT_GIL_OLD);
    test_waiter_gets_it();
    test_io_wrapper(RT_GIL_NEW);
    test_io_wrapper(RT_GIL_OLD);
    test_none();
    test_quantile();
    return check_summary();
}
