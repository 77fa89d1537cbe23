/*
 * counter_variants.c - unlocked, atomic, locked and sharded increments.
 *
 * Everything shared lives on its own cache lines (RT_APART_BYTES apart,
 * apart.h), except in "sharded-unpadded", whose whole point is false
 * sharing.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "apart.h"
#include "counter_variants.h"

/* Distance between per-worker slots and between shared objects. */
#define RT_SLOT_BYTES RT_APART_BYTES
/* Most pause instructions a TTAS waiter spins between looks at the lock. */
#define RT_TTAS_BACKOFF_MAX 1024

typedef struct padded_long {
    alignas(RT_SLOT_BYTES) long value;
} padded_long;

struct rt_counter_ctx {
    alignas(RT_SLOT_BYTES) _Atomic long atomic_value;     /* racy, fetch-add */
    alignas(RT_SLOT_BYTES) volatile long volatile_value;
    alignas(RT_SLOT_BYTES) long plain_value;
    alignas(RT_SLOT_BYTES) long locked_value;             /* under a lock */
    alignas(RT_SLOT_BYTES) pthread_mutex_t mutex;
    alignas(RT_SLOT_BYTES) pthread_mutex_t recursive;
    alignas(RT_SLOT_BYTES) pthread_spinlock_t spin;
    alignas(RT_SLOT_BYTES) atomic_int ttas;
    int max_workers;
    padded_long *padded;          /* one slot per worker, apart */
    _Atomic long *unpadded;       /* one long per worker, adjacent */
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* ---- unlocked ------------------------------------------------------------ */

/* A relaxed load then a separate relaxed store: a race condition without a
 * data race.  Defined behaviour, survives -O2, invisible to TSan. */
static void run_racy(rt_counter_ctx *c, int w, int64_t n)
{
    (void)w;
    for (int64_t i = 0; i < n; i++) {
        long v = atomic_load_explicit(&c->atomic_value, memory_order_relaxed);
        atomic_store_explicit(&c->atomic_value, v + 1, memory_order_relaxed);
    }
}

/* What tutorials write.  A data race: undefined behaviour in C11. */
static void run_volatile(rt_counter_ctx *c, int w, int64_t n)
{
    (void)w;
    for (int64_t i = 0; i < n; i++)
        c->volatile_value++;
}

/* Also a data race; at -O2 the loop becomes one "add n", so updates are
 * lost in whole batches or not at all. */
static void run_plain(rt_counter_ctx *c, int w, int64_t n)
{
    (void)w;
    for (int64_t i = 0; i < n; i++)
        c->plain_value++;
}

/* ---- atomic -------------------------------------------------------------- */

static void run_atomic_relaxed(rt_counter_ctx *c, int w, int64_t n)
{
    (void)w;
    for (int64_t i = 0; i < n; i++)
        atomic_fetch_add_explicit(&c->atomic_value, 1, memory_order_relaxed);
}

static void run_atomic_seq_cst(rt_counter_ctx *c, int w, int64_t n)
{
    (void)w;
    for (int64_t i = 0; i < n; i++)
        atomic_fetch_add_explicit(&c->atomic_value, 1, memory_order_seq_cst);
}

/* ---- locked -------------------------------------------------------------- */

static void run_mutex(rt_counter_ctx *c, int w, int64_t n)
{
    (void)w;
    for (int64_t i = 0; i < n; i++) {
        pthread_mutex_lock(&c->mutex);
        c->locked_value++;
        pthread_mutex_unlock(&c->mutex);
    }
}

/* Python's threading.RLock is a recursive lock. */
static void run_recursive_mutex(rt_counter_ctx *c, int w, int64_t n)
{
    (void)w;
    for (int64_t i = 0; i < n; i++) {
        pthread_mutex_lock(&c->recursive);
        c->locked_value++;
        pthread_mutex_unlock(&c->recursive);
    }
}

static void run_spinlock(rt_counter_ctx *c, int w, int64_t n)
{
    (void)w;
    for (int64_t i = 0; i < n; i++) {
        pthread_spin_lock(&c->spin);
        c->locked_value++;
        pthread_spin_unlock(&c->spin);
    }
}

/* Test-and-test-and-set with exponential back-off. */
static inline void ttas_lock(atomic_int *l)
{
    unsigned backoff = 1;
    while (atomic_exchange_explicit(l, 1, memory_order_acquire)) {
        while (atomic_load_explicit(l, memory_order_relaxed)) {
            for (unsigned i = 0; i < backoff; i++)
                cpu_relax();
            if (backoff < RT_TTAS_BACKOFF_MAX)
                backoff <<= 1;
        }
    }
}

static inline void ttas_unlock(atomic_int *l)
{
    atomic_store_explicit(l, 0, memory_order_release);
}

static void run_ttas(rt_counter_ctx *c, int w, int64_t n)
{
    (void)w;
    for (int64_t i = 0; i < n; i++) {
        ttas_lock(&c->ttas);
        c->locked_value++;
        ttas_unlock(&c->ttas);
    }
}

/* ---- sharded ------------------------------------------------------------- */

/* Each worker owns a counter; a relaxed load and store per increment, as a
 * plain increment would be if the compiler could not fold the loop. */
static void run_sharded_padded(rt_counter_ctx *c, int w, int64_t n)
{
    _Atomic long *slot = (_Atomic long *)&c->padded[w].value;
    for (int64_t i = 0; i < n; i++)
        atomic_store_explicit(slot, atomic_load_explicit(slot, memory_order_relaxed) + 1,
                              memory_order_relaxed);
}

static void run_sharded_unpadded(rt_counter_ctx *c, int w, int64_t n)
{
    _Atomic long *slot = &c->unpadded[w];
    for (int64_t i = 0; i < n; i++)
        atomic_store_explicit(slot, atomic_load_explicit(slot, memory_order_relaxed) + 1,
                              memory_order_relaxed);
}

/* ---- totals -------------------------------------------------------------- */

static int64_t total_atomic(const rt_counter_ctx *c, int workers)
{
    (void)workers;
    return atomic_load_explicit(&((rt_counter_ctx *)c)->atomic_value, memory_order_acquire);
}

static int64_t total_volatile(const rt_counter_ctx *c, int workers)
{
    (void)workers;
    return c->volatile_value;
}

static int64_t total_plain(const rt_counter_ctx *c, int workers)
{
    (void)workers;
    return c->plain_value;
}

static int64_t total_locked(const rt_counter_ctx *c, int workers)
{
    (void)workers;
    return c->locked_value;
}

static int64_t total_padded(const rt_counter_ctx *c, int workers)
{
    int64_t sum = 0;
    for (int w = 0; w < workers; w++)
        sum += atomic_load_explicit((_Atomic long *)&c->padded[w].value, memory_order_relaxed);
    return sum;
}

static int64_t total_unpadded(const rt_counter_ctx *c, int workers)
{
    int64_t sum = 0;
    for (int w = 0; w < workers; w++)
        sum += atomic_load_explicit(&c->unpadded[w], memory_order_relaxed);
    return sum;
}

const rt_counter_variant rt_counter_variants[] = {
    { "racy", "relaxed atomic load, then a separate store (race condition, no data race)",
      false, false, run_racy, total_atomic },
    { "volatile", "volatile long ++, what tutorials write (data race: undefined behaviour)",
      false, true, run_volatile, total_volatile },
    { "plain", "long ++ (data race; -O2 folds the loop into one add)",
      false, true, run_plain, total_plain },
    { "atomic-relaxed", "atomic fetch-add, relaxed", true, false, run_atomic_relaxed,
      total_atomic },
    { "atomic-seq-cst", "atomic fetch-add, sequentially consistent", true, false,
      run_atomic_seq_cst, total_atomic },
    { "mutex", "pthread mutex (threading.Lock)", true, false, run_mutex, total_locked },
    { "recursive-mutex", "recursive pthread mutex (threading.RLock)", true, false,
      run_recursive_mutex, total_locked },
    { "spinlock", "pthread spinlock", true, false, run_spinlock, total_locked },
    { "ttas", "test-and-test-and-set spinlock with exponential back-off", true, false,
      run_ttas, total_locked },
    { "sharded-padded", "a counter per worker, 256 B apart, summed at the end", true, false,
      run_sharded_padded, total_padded },
    { "sharded-unpadded", "a counter per worker, adjacent (false sharing)", true, false,
      run_sharded_unpadded, total_unpadded },
};

const int rt_counter_variant_count =
    (int)(sizeof rt_counter_variants / sizeof rt_counter_variants[0]);

const rt_counter_variant *rt_counter_variant_find(const char *name)
{
    for (int i = 0; i < rt_counter_variant_count; i++)
        if (!strcmp(rt_counter_variants[i].name, name))
            return &rt_counter_variants[i];
    return NULL;
}

rt_counter_ctx *rt_counter_ctx_new(int max_workers)
{
    rt_counter_ctx *c = aligned_alloc(RT_SLOT_BYTES, sizeof *c);
    memset(c, 0, sizeof *c);
    c->max_workers = max_workers;
    size_t padded_bytes = (size_t)max_workers * sizeof *c->padded;
    c->padded = aligned_alloc(RT_SLOT_BYTES, padded_bytes);
    size_t unpadded_bytes =
        ((size_t)max_workers * sizeof *c->unpadded + RT_SLOT_BYTES - 1) / RT_SLOT_BYTES *
        RT_SLOT_BYTES;
    c->unpadded = aligned_alloc(RT_SLOT_BYTES, unpadded_bytes);

    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&c->recursive, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_mutex_init(&c->mutex, NULL);
    pthread_spin_init(&c->spin, PTHREAD_PROCESS_PRIVATE);
    rt_counter_ctx_reset(c);
    return c;
}

void rt_counter_ctx_reset(rt_counter_ctx *c)
{
    atomic_store(&c->atomic_value, 0);
    c->volatile_value = 0;
    c->plain_value = 0;
    c->locked_value = 0;
    atomic_store(&c->ttas, 0);
    memset(c->padded, 0, (size_t)c->max_workers * sizeof *c->padded);
    for (int w = 0; w < c->max_workers; w++)
        atomic_store_explicit(&c->unpadded[w], 0, memory_order_relaxed);
}

void rt_counter_ctx_free(rt_counter_ctx *c)
{
    pthread_mutex_destroy(&c->mutex);
    pthread_mutex_destroy(&c->recursive);
    pthread_spin_destroy(&c->spin);
    free(c->padded);
    free(c->unpadded);
    free(c);
}
