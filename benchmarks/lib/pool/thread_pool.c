/*
 * thread_pool.c - W threads, one task queue; see pool.h.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pool/pool.h"

typedef struct task {
    rt_task_fn fn;
    void *arg;
    uint32_t done;             /* futex word: 1 once fn has returned */
    struct task *next;
} task;

struct rt_thread_pool {
    pthread_mutex_t lock;
    pthread_cond_t more;       /* a task was queued, or stop */
    task *head, *tail;
    bool stop;
    int64_t executed;
    int workers;
    pthread_t *threads;
};

static void *pool_thread(void *arg)
{
    rt_thread_pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (!p->head && !p->stop)
            pthread_cond_wait(&p->more, &p->lock);
        task *t = p->head;
        if (t) {
            p->head = t->next;
            if (!p->head)
                p->tail = NULL;
        }
        pthread_mutex_unlock(&p->lock);
        if (!t)
            return NULL;                 /* stop, queue empty */
        t->fn(t->arg);
        __atomic_add_fetch(&p->executed, 1, __ATOMIC_RELAXED);
        __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
        syscall(SYS_futex, &t->done, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

rt_thread_pool *rt_thread_pool_start(int workers, char *err, size_t errlen)
{
    rt_thread_pool *p = calloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->more, NULL);
    p->threads = calloc((size_t)workers, sizeof *p->threads);
    for (; p->workers < workers; p->workers++) {
        int e = pthread_create(&p->threads[p->workers], NULL, pool_thread, p);
        if (e) {
            snprintf(err, errlen, "cannot start pool thread %d of %d: %s", p->workers, workers,
                     strerror(e));
            rt_thread_pool_stop(p);
            return NULL;
        }
    }
    return p;
}

void rt_thread_pool_run(rt_thread_pool *p, rt_task_fn fn, void *arg)
{
    task t = { fn, arg, 0, NULL };
    pthread_mutex_lock(&p->lock);
    if (p->tail)
        p->tail->next = &t;
    else
        p->head = &t;
    p->tail = &t;
    pthread_mutex_unlock(&p->lock);
    pthread_cond_signal(&p->more);      /* after unlocking: the woken worker need not wait */
    while (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE))
        syscall(SYS_futex, &t.done, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

int64_t rt_thread_pool_executed(const rt_thread_pool *p)
{
    return __atomic_load_n(&p->executed, __ATOMIC_RELAXED);
}

void rt_thread_pool_stop(rt_thread_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->more);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->workers; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->more);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p);
}
