/*
 * team.c - a team of pthreads behind a start gate; see team.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "team.h"

typedef struct team {
    const rt_placement *pl;
    rt_worker_fn fn;
    void *arg;
    rt_team_report *rep;
    /* The start gate: workers arrive (pinned), the caller opens it once all
     * have, or cancels it if the team could not be completed. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int arrived;
    bool open;
    bool cancelled;
} team;

typedef struct member {
    team *team;
    int index;
} member;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *member_main(void *p)
{
    member *m = p;
    team *t = m->team;
    int pu = t->rep->planned[m->index];
    if (pu >= 0 && rt_bind_thread(t->pl->topo, pu) < 0)
        __atomic_add_fetch(&t->rep->bind_failures, 1, __ATOMIC_RELAXED);
    t->rep->seen[m->index] = rt_current_cpu();

    pthread_mutex_lock(&t->lock);
    t->arrived++;
    pthread_cond_broadcast(&t->cond);
    while (!t->open && !t->cancelled)
        pthread_cond_wait(&t->cond, &t->lock);
    bool go = t->open;
    pthread_mutex_unlock(&t->lock);

    if (go)
        t->fn(m->index, t->arg);
    return NULL;
}

int rt_team_run_threads(const rt_placement *pl, int n, rt_worker_fn fn, void *arg,
                        rt_team_report *rep, char *err, size_t errlen)
{
    memset(rep, 0, sizeof *rep);
    rep->workers = n;
    rep->planned = calloc((size_t)n, sizeof *rep->planned);
    rep->seen = calloc((size_t)n, sizeof *rep->seen);
    if (rt_plan(pl, n, rep->planned, err, errlen) < 0)
        return -1;

    team t = { .pl = pl, .fn = fn, .arg = arg, .rep = rep };
    pthread_mutex_init(&t.lock, NULL);
    pthread_cond_init(&t.cond, NULL);
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    member *members = calloc((size_t)n, sizeof *members);

    int started = 0, rc = 0;
    for (; started < n; started++) {
        members[started] = (member){ &t, started };
        int e = pthread_create(&threads[started], NULL, member_main, &members[started]);
        if (e) {
            snprintf(err, errlen, "cannot create worker thread %d of %d: %s", started, n,
                     strerror(e));
            rc = -1;
            break;
        }
    }
    double start = 0;
    pthread_mutex_lock(&t.lock);
    if (rc == 0) {
        while (t.arrived < n)
            pthread_cond_wait(&t.cond, &t.lock);
        t.open = true;
        start = now_seconds();
    } else {
        t.cancelled = true;      /* the started workers leave without running */
    }
    pthread_cond_broadcast(&t.cond);
    pthread_mutex_unlock(&t.lock);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    rep->seconds = rc == 0 ? now_seconds() - start : 0;
    for (int i = 0; i < n; i++)
        if (rep->planned[i] >= 0 && rep->seen[i] != rep->planned[i])
            rep->cpu_mismatches++;
    pthread_cond_destroy(&t.cond);
    pthread_mutex_destroy(&t.lock);
    free(threads);
    free(members);
    return rc;
}

void rt_team_report_free(rt_team_report *rep)
{
    free(rep->planned);
    free(rep->seen);
    rep->planned = rep->seen = NULL;
}
