/*
 * gil.c - the emulated GIL: CPython's new and old algorithms; see gil.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "gil/gil.h"

const char *const rt_gil_names[] = { "none", "new", "old", NULL };

/* A private condition variable on the monotonic clock, as CPython's. */
static int monotonic_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return rc;
}

void rt_log2_hist_add(int64_t *hist, int64_t ns)
{
    int b = 0;
    while (b + 1 < RT_LOG2_BUCKETS && ns >= (int64_t)2 << b)
        b++;
    hist[b]++;
}

double rt_log2_hist_quantile(const int64_t *hist, int64_t n, double q)
{
    if (n == 0)
        return 0;
    int64_t want = (int64_t)(q * (double)(n - 1)) + 1, seen = 0;
    for (int b = 0; b < RT_LOG2_BUCKETS; b++) {
        seen += hist[b];
        if (seen >= want)
            return (double)((int64_t)2 << b);
    }
    return 0;
}

static void record_wait(rt_gil_stats *s, int64_t ns)
{
    s->waits++;
    s->wait_ns += ns;
    if (ns > s->wait_max_ns)
        s->wait_max_ns = ns;
    rt_log2_hist_add(s->wait_hist, ns);
}

int rt_gil_init(rt_gil *g, const rt_gil_params *p)
{
    memset(g, 0, sizeof *g);
    g->p = *p;
    g->ticker = p->check_interval;
    if (p->kind == RT_GIL_NEW)
        return pthread_mutex_init(&g->mutex, NULL) || monotonic_cond_init(&g->cond) ||
                       pthread_mutex_init(&g->switch_mutex, NULL) ||
                       monotonic_cond_init(&g->switch_cond)
                   ? -1
                   : 0;
    if (p->kind == RT_GIL_OLD)
        return sem_init(&g->lock, 0, 1);
    return 0;
}

void rt_gil_destroy(rt_gil *g)
{
    if (g->p.kind == RT_GIL_NEW) {
        pthread_cond_destroy(&g->cond);
        pthread_mutex_destroy(&g->mutex);
        pthread_cond_destroy(&g->switch_cond);
        pthread_mutex_destroy(&g->switch_mutex);
    } else if (g->p.kind == RT_GIL_OLD) {
        sem_destroy(&g->lock);
    }
}

void rt_gil_thread_init(rt_gil_thread *t, rt_gil *g)
{
    memset(t, 0, sizeof *t);
    t->gil = g;
}

/* ---- the new GIL ---------------------------------------------------------------- */

static void take_new(rt_gil_thread *t)
{
    rt_gil *g = t->gil;
    pthread_mutex_lock(&g->mutex);
    if (__atomic_load_n(&g->locked, __ATOMIC_RELAXED)) {
        int64_t start = rt_now_ns();
        while (__atomic_load_n(&g->locked, __ATOMIC_RELAXED)) {
            uint64_t saved = g->switch_number;
            /* COND_TIMED_WAIT: a relative interval, restarted after every wake. */
            int64_t us = g->p.switch_interval_us >= 1 ? g->p.switch_interval_us : 1;
            int64_t deadline = rt_now_ns() + us * 1000;
            struct timespec ts = { deadline / 1000000000, deadline % 1000000000 };
            int timed_out = pthread_cond_timedwait(&g->cond, &g->mutex, &ts) == ETIMEDOUT;
            if (timed_out && __atomic_load_n(&g->locked, __ATOMIC_RELAXED) &&
                g->switch_number == saved) {
                __atomic_store_n(&g->drop_request, 1, __ATOMIC_RELAXED);
                t->stats.drop_requests++;
            }
        }
        record_wait(&t->stats, rt_now_ns() - start);
    }
    /* _ready: last_holder changes only under switch_mutex (see drop). */
    pthread_mutex_lock(&g->switch_mutex);
    __atomic_store_n(&g->locked, 1, __ATOMIC_RELAXED);
    if (g->last_holder != t) {
        __atomic_store_n(&g->last_holder, t, __ATOMIC_RELAXED);
        g->switch_number++;
        t->stats.handoffs++;
    }
    pthread_cond_signal(&g->switch_cond);
    pthread_mutex_unlock(&g->switch_mutex);
    if (__atomic_load_n(&g->drop_request, __ATOMIC_RELAXED))
        __atomic_store_n(&g->drop_request, 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&g->mutex);
    t->stats.acquisitions++;
}

static void drop_new(rt_gil_thread *t)
{
    rt_gil *g = t->gil;
    __atomic_store_n(&g->last_holder, t, __ATOMIC_RELAXED);
    pthread_mutex_lock(&g->mutex);
    __atomic_store_n(&g->locked, 0, __ATOMIC_RELAXED);
    pthread_cond_signal(&g->cond);
    pthread_mutex_unlock(&g->mutex);
    /* FORCE_SWITCHING: with a request pending, do not run on (and maybe
     * take the GIL straight back) before another thread has had it. */
    if (__atomic_load_n(&g->drop_request, __ATOMIC_RELAXED)) {
        pthread_mutex_lock(&g->switch_mutex);
        if (__atomic_load_n(&g->last_holder, __ATOMIC_RELAXED) == t) {
            __atomic_store_n(&g->drop_request, 0, __ATOMIC_RELAXED);
            t->stats.forced_waits++;
            pthread_cond_wait(&g->switch_cond, &g->switch_mutex);   /* once, as CPython */
        }
        pthread_mutex_unlock(&g->switch_mutex);
    }
}

/* ---- the old GIL ---------------------------------------------------------------- */

static void take_old(rt_gil_thread *t)
{
    rt_gil *g = t->gil;
    if (sem_trywait(&g->lock) != 0) {
        int64_t start = rt_now_ns();
        while (sem_wait(&g->lock) != 0 && errno == EINTR) {
        }
        record_wait(&t->stats, rt_now_ns() - start);
    }
    if (g->last_holder != t) {
        g->last_holder = t;
        g->switch_number++;
        t->stats.handoffs++;
    }
    t->stats.acquisitions++;
}

static void drop_old(rt_gil_thread *t)
{
    sem_post(&t->gil->lock);
}

/* ---- the interface ------------------------------------------------------------------ */

void rt_gil_take(rt_gil_thread *t)
{
    if (t->gil->p.kind == RT_GIL_NEW)
        take_new(t);
    else if (t->gil->p.kind == RT_GIL_OLD)
        take_old(t);
}

void rt_gil_drop(rt_gil_thread *t)
{
    if (t->gil->p.kind == RT_GIL_NEW)
        drop_new(t);
    else if (t->gil->p.kind == RT_GIL_OLD)
        drop_old(t);
}

/* The poll's slow path (gil.h): a drop request is pending (new) or the
 * ticker ran out (old). */
void rt_gil_poll_act(rt_gil_thread *t)
{
    rt_gil *g = t->gil;
    if (g->p.kind == RT_GIL_NEW) {
        drop_new(t);
        /* Other threads may run now. */
        take_new(t);
    } else if (g->p.kind == RT_GIL_OLD) {
        g->ticker = g->p.check_interval;
        drop_old(t);
        /* Other threads may run now. */
        take_old(t);
    }
}

void rt_gil_stats_add(rt_gil_stats *a, const rt_gil_stats *b)
{
    a->acquisitions += b->acquisitions;
    a->handoffs += b->handoffs;
    a->drop_requests += b->drop_requests;
    a->forced_waits += b->forced_waits;
    a->waits += b->waits;
    a->wait_ns += b->wait_ns;
    if (b->wait_max_ns > a->wait_max_ns)
        a->wait_max_ns = b->wait_max_ns;
    for (int i = 0; i < RT_LOG2_BUCKETS; i++)
        a->wait_hist[i] += b->wait_hist[i];
}
