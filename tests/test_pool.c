/*
 * test_pool.c - the thread and process pools run every submitted task
 * exactly once, with several submitters at once, and leave no thread or
 * process behind (counted in /proc before and after).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pool/pool.h"
#include "team/children.h"

enum { SUBMITTERS = 3, TASKS = 2000, WORKERS = 2 };

/* Entries of a /proc directory (threads of this process). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* Processes whose parent is this one, zombies included. */
static int count_children(void)
{
    DIR *d = opendir("/proc");
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        char path[300];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = e->d_name[0] >= '0' && e->d_name[0] <= '9' ? fopen(path, "r") : NULL;
        int ppid = 0;
        if (f && fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) == 1 && ppid == getpid())
            n++;
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return n;
}

/* ---- thread pool ---------------------------------------------------------------- */

static int runs[SUBMITTERS * TASKS];
static rt_thread_pool *tpool;
static rt_process_pool *ppool;
static int process_failures;

static void count_task(void *arg)
{
    __atomic_add_fetch((int *)arg, 1, __ATOMIC_RELAXED);
}

static void *thread_submitter(void *arg)
{
    int s = (int)(intptr_t)arg;
    for (int i = 0; i < TASKS; i++)
        rt_thread_pool_run(tpool, count_task, &runs[s * TASKS + i]);
    return NULL;
}

static void *process_submitter(void *arg)
{
    int s = (int)(intptr_t)arg;
    char err[256];
    for (int i = 0; i < TASKS; i++)
        if (rt_process_pool_run(ppool, s, (uint64_t)(s * TASKS + i), err, sizeof err) < 0) {
            fprintf(stderr, "submitter %d: %s\n", s, err);
            __atomic_add_fetch(&process_failures, 1, __ATOMIC_RELAXED);
            return NULL;
        }
    return NULL;
}

static void run_submitters(void *(*fn)(void *))
{
    pthread_t t[SUBMITTERS];
    for (int s = 0; s < SUBMITTERS; s++)
        pthread_create(&t[s], NULL, fn, (void *)(intptr_t)s);
    for (int s = 0; s < SUBMITTERS; s++)
        pthread_join(t[s], NULL);
}

int main(void)
{
    char err[256];
    int threads_before = count_entries("/proc/self/task");
    int children_before = count_children();

    tpool = rt_thread_pool_start(WORKERS, err, sizeof err);
    CHECK(tpool != NULL, "%s", err);
    CHECK(count_entries("/proc/self/task") == threads_before + WORKERS, "the pool's threads run");
    run_submitters(thread_submitter);
    int wrong = 0;
    for (int i = 0; i < SUBMITTERS * TASKS; i++)
        wrong += runs[i] != 1;
    CHECK(wrong == 0, "thread pool: %d tasks did not run exactly once", wrong);
    CHECK(rt_thread_pool_executed(tpool) == SUBMITTERS * TASKS, "thread pool ran %lld tasks",
          (long long)rt_thread_pool_executed(tpool));
    rt_thread_pool_stop(tpool);
    CHECK(count_entries("/proc/self/task") == threads_before,
          "thread pool: %d threads before, %d after", threads_before,
          count_entries("/proc/self/task"));

    ppool = rt_process_pool_start(WORKERS, SUBMITTERS, err, sizeof err);
    CHECK(ppool != NULL, "%s", err);
    CHECK(count_children() == children_before + WORKERS, "the pool's processes run");
    run_submitters(process_submitter);
    CHECK(process_failures == 0, "process pool: every task answered as itself");
    CHECK(rt_process_pool_executed(ppool) == SUBMITTERS * TASKS,
          "process pool ran %lld tasks, %d submitted", (long long)rt_process_pool_executed(ppool),
          SUBMITTERS * TASKS);
    CHECK(rt_process_pool_stop(ppool, err, sizeof err) == 0, "stop: %s", err);
    CHECK(count_children() == children_before, "process pool: %d children before, %d after",
          children_before, count_children());
    errno = 0;
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD, "no child left to reap");
    CHECK(rt_children_live() == 0, "no child still registered");
    return check_summary();
}
