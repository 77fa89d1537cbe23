/*
 * process_pool.c - W children reading tasks from one pipe; see pool.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool/pool.h"
#include "team/children.h"

/* How long a pool process may take to exit after end-of-file. */
#define STOP_GRACE_MS 5000

typedef struct record {
    uint64_t submitter;
    uint64_t task;
} record;

struct rt_process_pool {
    int tasks[2];              /* the shared task pipe */
    int (*replies)[2];         /* one reply pipe per submitter */
    int submitters, workers;
    pid_t *pids;
    int64_t *executed;         /* MAP_SHARED */
};

static int read_full(int fd, void *buf, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

static _Noreturn void serve(rt_process_pool *p)
{
    close(p->tasks[1]);                  /* or end-of-file never comes */
    for (int i = 0; i < p->submitters; i++)
        close(p->replies[i][0]);
    record r;
    while (read_full(p->tasks[0], &r, sizeof r) == 0) {
        __atomic_add_fetch(p->executed, 1, __ATOMIC_RELAXED);
        if (r.submitter >= (uint64_t)p->submitters ||
            write(p->replies[r.submitter][1], &r.task, sizeof r.task) != sizeof r.task)
            _exit(1);
    }
    _exit(0);
}

rt_process_pool *rt_process_pool_start(int workers, int submitters, char *err, size_t errlen)
{
    rt_process_pool *p = calloc(1, sizeof *p);
    p->submitters = submitters;
    p->replies = calloc((size_t)submitters, sizeof *p->replies);
    p->pids = calloc((size_t)workers, sizeof *p->pids);
    p->executed = mmap(NULL, sizeof *p->executed, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int ok = p->executed != MAP_FAILED && pipe2(p->tasks, O_CLOEXEC) == 0;
    for (int i = 0; ok && i < submitters; i++)
        ok = pipe2(p->replies[i], O_CLOEXEC) == 0;
    if (!ok) {
        snprintf(err, errlen, "process pool: %s", strerror(errno));
        if (p->executed == MAP_FAILED)
            p->executed = NULL;
        rt_process_pool_stop(p, NULL, 0);
        return NULL;
    }
    for (; p->workers < workers; p->workers++) {
        pid_t pid = rt_child_fork();
        if (pid == 0)
            serve(p);
        if (pid < 0) {
            snprintf(err, errlen, "cannot fork pool process %d of %d: %s", p->workers, workers,
                     strerror(errno));
            rt_process_pool_stop(p, NULL, 0);
            return NULL;
        }
        p->pids[p->workers] = pid;
    }
    close(p->tasks[0]);                  /* only the children read tasks */
    p->tasks[0] = -1;
    return p;
}

int rt_process_pool_run(rt_process_pool *p, int submitter, uint64_t task, char *err,
                        size_t errlen)
{
    record r = { (uint64_t)submitter, task };
    uint64_t answer;
    if (write(p->tasks[1], &r, sizeof r) != sizeof r ||
        read_full(p->replies[submitter][0], &answer, sizeof answer) < 0) {
        snprintf(err, errlen, "process pool: %s", errno ? strerror(errno) : "a worker is gone");
        return -1;
    }
    if (answer != task) {
        snprintf(err, errlen, "process pool: task %llu answered as %llu",
                 (unsigned long long)task, (unsigned long long)answer);
        return -1;
    }
    return 0;
}

int64_t rt_process_pool_executed(const rt_process_pool *p)
{
    return __atomic_load_n(p->executed, __ATOMIC_RELAXED);
}

int rt_process_pool_stop(rt_process_pool *p, char *err, size_t errlen)
{
    int rc = 0;
    if (p->tasks[1] > 0)
        close(p->tasks[1]);
    if (p->tasks[0] > 0)
        close(p->tasks[0]);
    for (int i = 0; i < p->workers; i++) {
        int status = rt_child_reap(p->pids[i], STOP_GRACE_MS);
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && rc == 0) {
            char how[96];
            rt_wait_status_string(status, how, sizeof how);
            if (err)
                snprintf(err, errlen, "pool process %d %s", i, how);
            rc = -1;
        }
    }
    for (int i = 0; i < p->submitters; i++) {
        if (p->replies[i][0] > 0)
            close(p->replies[i][0]);
        if (p->replies[i][1] > 0)
            close(p->replies[i][1]);
    }
    if (p->executed)
        munmap(p->executed, sizeof *p->executed);
    free(p->replies);
    free(p->pids);
    free(p);
    return rc;
}
