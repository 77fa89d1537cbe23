/*
 * team.c - N workers, threads or processes, behind one futex start gate;
 * see team.h for the design.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "team/children.h"
#include "team/team.h"

const char *const rt_team_mode_names[] = { "threads", "processes", NULL };

/* How often a waiting parent looks for children that died. */
#define WATCH_TICK_NS (20 * 1000 * 1000)
/* How long the workers may take to start, pin and run init. */
#define START_TIMEOUT_NS (30LL * 1000 * 1000 * 1000)
/* How long a stopped child may take to finish its round and exit before it
 * is killed. */
#define STOP_GRACE_MS 10000
/* Stack of a worker thread: workloads keep little on the stack, and 4096
 * threads with the default 8 MiB would reserve 32 GiB of address space. */
#define THREAD_STACK_BYTES (1 << 20)

/* The control block: the gate word and the done word on lines of their
 * own, so waiting and finishing workers do not disturb each other. */
typedef struct control {
    _Alignas(RT_TEAM_SLOT_BYTES) uint32_t gate;   /* round number */
    uint32_t stop;                                /* set before the last gate */
    int64_t items;                                /* this round's items */
    int32_t first, active;                        /* split over workers first .. first+active-1 */
    _Alignas(RT_TEAM_SLOT_BYTES) uint32_t done;   /* workers done this round */
    uint32_t ready;                               /* workers past init */
    _Alignas(RT_TEAM_SLOT_BYTES) pthread_mutex_t lock; /* robust, pshared */
    int64_t shared_check;                         /* +1 per worker, under lock */
} control;

/* One worker's results, written by it, read by the parent after "done". */
typedef struct slot {
    _Alignas(RT_TEAM_SLOT_BYTES) int32_t pid;
    int32_t cpu_seen;
    int32_t bind_failed;
    int32_t failed;
    int64_t start_ns, finish_ns;
    uint64_t checksum;
    int64_t cpu_ns, nvcsw, nivcsw;
    int64_t blocked_ns;
    char err[RT_TEAM_ERR_BYTES];
} slot;

_Static_assert(sizeof(slot) == RT_TEAM_SLOT_BYTES, "a slot is one padded unit");

typedef struct member {
    struct rt_team *team;
    int index;
} member;

struct rt_team {
    rt_team_config cfg;
    void *region;
    size_t region_bytes;
    control *ctl;
    slot *slots;
    void *shared;
    int *planned, *seen;
    int bind_failures, cpu_mismatches;
    pid_t *pids;               /* process mode; 0 once reaped */
    pthread_t *threads;        /* thread mode */
    struct member *members;    /* what each thread was started with */
    int started;
    uint32_t round;
    bool broken;               /* a child died: no more rounds */
};


/* ---- primitives ------------------------------------------------------------ */

static int futex_wait(uint32_t *word, uint32_t expected, const struct timespec *rel)
{
    /* Not FUTEX_PRIVATE: the word is shared between processes. */
    return (int)syscall(SYS_futex, word, FUTEX_WAIT, expected, rel, NULL, 0);
}

static void futex_wake(uint32_t *word, int n)
{
    (void)syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
}

/* CPU time of the calling thread (the whole child, in process mode).
 * Not getrusage: its times for a running thread lag by up to a scheduler
 * tick (seen: a tenth of the truth on 0.5 ms rounds); this clock does not. */
static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int rt_shared_mutex_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    int rc = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    return rc;
}

int rt_pshared_mutex_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    int rc = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    return rc ? -1 : 0;
}

int rt_pshared_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return rc ? -1 : 0;
}

int rt_shared_lock(pthread_mutex_t *m)
{
    int rc = pthread_mutex_lock(m);
    if (rc == EOWNERDEAD) {
        pthread_mutex_consistent(m);
        return 1;
    }
    return 0;
}

void rt_shared_unlock(pthread_mutex_t *m)
{
    pthread_mutex_unlock(m);
}

static slot *slot_of(const rt_team *t, int i)
{
    return &t->slots[i];
}

static void fail(slot *s, const char *why)
{
    snprintf(s->err, sizeof s->err, "%s", why);
    s->failed = 1;
}

/* ---- the worker: the same loop in a thread or a child ---------------------- */

static int worker_main(rt_team *t, int index)
{
    control *c = t->ctl;
    slot *s = slot_of(t, index);
    const rt_workload *wl = t->cfg.workload;
    int n = t->cfg.workers;
    rt_worker w = {
        .index = index, .workers = n, .mode = t->cfg.mode, .config = t->cfg.config,
        .shared = t->shared, .lock = &c->lock, .err = s->err, .errlen = sizeof s->err,
    };

    s->pid = getpid();
    int pu = t->planned[index];
    if (pu >= 0 && rt_bind_thread(t->cfg.placement->topo, pu) < 0)
        s->bind_failed = 1;
    s->cpu_seen = rt_current_cpu();
    if (wl->init && wl->init(&w) < 0) {
        if (!s->err[0])
            fail(s, "init failed");
        s->failed = 1;
    }
    rt_shared_lock(&c->lock);
    c->shared_check++;
    rt_shared_unlock(&c->lock);
    __atomic_add_fetch(&c->ready, 1, __ATOMIC_RELEASE);
    futex_wake(&c->ready, 1);

    for (uint32_t seen = 0;;) {
        uint32_t g;
        while ((g = __atomic_load_n(&c->gate, __ATOMIC_ACQUIRE)) == seen)
            futex_wait(&c->gate, seen, NULL);
        seen = g;
        if (__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
            break;

        int64_t items = c->items;
        int active = c->active, k = index - c->first;   /* k: this worker's share */
        bool mine = k >= 0 && k < active;
        w.first = mine ? k * items / active : items;
        w.count = mine ? (k + 1) * items / active - w.first : 0;
        w.checksum = 0;
        w.blocked_ns = 0;
        struct rusage r0, r1;
        getrusage(RUSAGE_THREAD, &r0);
        int64_t cpu0 = thread_cpu_ns();
        s->start_ns = rt_now_ns();
        if (!s->failed && wl->run(&w) < 0) {
            if (!s->err[0])
                fail(s, "run failed");
            s->failed = 1;
        }
        s->finish_ns = rt_now_ns();
        s->cpu_ns = thread_cpu_ns() - cpu0;
        getrusage(RUSAGE_THREAD, &r1);
        s->checksum = w.checksum;
        s->blocked_ns = w.blocked_ns;
        s->nvcsw = r1.ru_nvcsw - r0.ru_nvcsw;
        s->nivcsw = r1.ru_nivcsw - r0.ru_nivcsw;
        if (__atomic_add_fetch(&c->done, 1, __ATOMIC_ACQ_REL) == (uint32_t)n)
            futex_wake(&c->done, 1);
    }
    if (wl->fini)
        wl->fini(&w);
    return s->failed ? 1 : 0;
}

static void *worker_thread(void *p)
{
    member *m = p;
    worker_main(m->team, m->index);
    return NULL;
}

/* ---- the parent ------------------------------------------------------------ */

/* A child that has exited or been killed: reap it and say so. */
static int check_children(rt_team *t, char *err, size_t errlen)
{
    for (int i = 0; i < t->started; i++) {
        int status;
        if (t->pids[i] > 0 && waitpid(t->pids[i], &status, WNOHANG) == t->pids[i]) {
            char how[96];
            rt_wait_status_string(status, how, sizeof how);
            snprintf(err, errlen, "worker %d (pid %d) %s%s%s", i, (int)t->pids[i], how,
                     slot_of(t, i)->err[0] ? ": " : "", slot_of(t, i)->err);
            rt_child_forget(t->pids[i]);
            t->pids[i] = 0;
            t->broken = true;
            return -1;
        }
    }
    return 0;
}

/* Wait until *word reaches target, watching the children meanwhile, for at
 * most timeout_ns (0: no limit). */
static int wait_count(rt_team *t, uint32_t *word, uint32_t target, int64_t timeout_ns,
                      char *err, size_t errlen)
{
    const struct timespec tick = { 0, WATCH_TICK_NS };
    int64_t deadline = timeout_ns ? rt_now_ns() + timeout_ns : 0;
    uint32_t v;
    while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) < target) {
        if (futex_wait(word, v, &tick) < 0 && errno == ETIMEDOUT) {
            if (t->cfg.mode == RT_TEAM_PROCESSES && check_children(t, err, errlen) < 0)
                return -1;
            if (deadline && rt_now_ns() > deadline) {
                snprintf(err, errlen, "%u of %u workers were ready after %lld s (is the "
                         "team's memory shared?)", __atomic_load_n(word, __ATOMIC_ACQUIRE),
                         target, (long long)(timeout_ns / 1000000000));
                return -1;
            }
        }
    }
    return 0;
}

static int first_failure(const rt_team *t, char *err, size_t errlen)
{
    for (int i = 0; i < t->cfg.workers; i++) {
        const slot *s = slot_of(t, i);
        if (s->failed) {
            snprintf(err, errlen, "worker %d: %s", i, s->err);
            return -1;
        }
    }
    return 0;
}

static int start_workers(rt_team *t, char *err, size_t errlen)
{
    int n = t->cfg.workers;
    pthread_attr_t attr;
    if (t->cfg.mode == RT_TEAM_THREADS) {
        t->threads = calloc((size_t)n, sizeof *t->threads);
        t->members = calloc((size_t)n, sizeof *t->members);
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, THREAD_STACK_BYTES);
    } else {
        t->pids = calloc((size_t)n, sizeof *t->pids);
    }
    int rc = 0;
    for (; t->started < n; t->started++) {
        int i = t->started;
        if (t->cfg.mode == RT_TEAM_THREADS) {
            t->members[i] = (member){ t, i };
            int e = pthread_create(&t->threads[i], &attr, worker_thread, &t->members[i]);
            if (e) {
                snprintf(err, errlen, "cannot create worker thread %d of %d: %s", i, n,
                         strerror(e));
                rc = -1;
                break;
            }
        } else {
            pid_t pid = rt_child_fork();
            if (pid == 0)
                _exit(worker_main(t, i));
            if (pid < 0) {
                snprintf(err, errlen, "cannot fork worker process %d of %d: %s", i, n,
                         strerror(errno));
                rc = -1;
                break;
            }
            t->pids[i] = pid;
        }
    }
    if (t->cfg.mode == RT_TEAM_THREADS)
        pthread_attr_destroy(&attr);
    if (rc == 0)
        rc = wait_count(t, &t->ctl->ready, (uint32_t)n, START_TIMEOUT_NS, err, errlen);
    return rc;
}

static int verify_start(rt_team *t, char *err, size_t errlen)
{
    int n = t->cfg.workers;
    if (first_failure(t, err, errlen) < 0)
        return -1;
    if (t->ctl->shared_check != n) {
        snprintf(err, errlen, "the team's memory is not shared: %lld of %d workers counted",
                 (long long)t->ctl->shared_check, n);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const slot *s = slot_of(t, i);
        pid_t want = t->cfg.mode == RT_TEAM_PROCESSES ? t->pids[i] : getpid();
        if (s->pid != want) {
            snprintf(err, errlen, "worker %d: its slot says pid %d, expected %d: the team's "
                     "memory is not shared", i, (int)s->pid, (int)want);
            return -1;
        }
        t->seen[i] = s->cpu_seen;
        t->bind_failures += s->bind_failed;
        t->cpu_mismatches += t->planned[i] >= 0 && s->cpu_seen != t->planned[i];
    }
    return 0;
}

rt_team *rt_team_start(const rt_team_config *cfg, char *err, size_t errlen)
{
    if (cfg->workers < 1 || !cfg->workload || !cfg->workload->run) {
        snprintf(err, errlen, "a team needs at least one worker and a workload");
        return NULL;
    }
    rt_team *t = calloc(1, sizeof *t);
    t->cfg = *cfg;
    int n = cfg->workers;
    t->planned = malloc((size_t)n * sizeof *t->planned);
    t->seen = malloc((size_t)n * sizeof *t->seen);
    for (int i = 0; i < n; i++)
        t->planned[i] = t->seen[i] = -1;
    if (cfg->placement && rt_plan(cfg->placement, n, t->planned, err, errlen) < 0) {
        rt_team_stop(t, NULL, 0);
        return NULL;
    }

    size_t shared = (cfg->shared_bytes + RT_TEAM_SLOT_BYTES - 1) / RT_TEAM_SLOT_BYTES *
                    RT_TEAM_SLOT_BYTES;
    t->region_bytes = sizeof(control) + (size_t)n * sizeof(slot) + shared;
    t->region = mmap(NULL, t->region_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                     -1, 0);
    if (t->region == MAP_FAILED) {
        snprintf(err, errlen, "cannot map %zu bytes of shared memory: %s", t->region_bytes,
                 strerror(errno));
        t->region = NULL;
        rt_team_stop(t, NULL, 0);
        return NULL;
    }
    t->ctl = t->region;
    t->slots = (slot *)((char *)t->region + sizeof(control));
    t->shared = shared ? (char *)t->slots + (size_t)n * sizeof(slot) : NULL;
    rt_shared_mutex_init(&t->ctl->lock);

    if (start_workers(t, err, errlen) < 0 || verify_start(t, err, errlen) < 0) {
        rt_team_stop(t, NULL, 0);
        return NULL;
    }
    return t;
}

int rt_team_round(rt_team *t, int64_t items, rt_round *out, char *err, size_t errlen)
{
    return rt_team_round_some(t, items, 0, t->cfg.workers, out, err, errlen);
}

int rt_team_round_some(rt_team *t, int64_t items, int first, int active, rt_round *out,
                       char *err, size_t errlen)
{
    control *c = t->ctl;
    int n = t->cfg.workers;
    memset(out, 0, sizeof *out);
    if (t->broken) {
        snprintf(err, errlen, "the team lost a worker in an earlier round");
        return -1;
    }
    c->items = items;
    c->first = first < 0 ? 0 : first >= n ? n - 1 : first;
    c->active = active < 1 ? 1 : active > n - c->first ? n - c->first : active;
    __atomic_store_n(&c->done, 0, __ATOMIC_RELAXED);
    int64_t gate_ns = rt_now_ns();
    __atomic_store_n(&c->gate, ++t->round, __ATOMIC_RELEASE);
    futex_wake(&c->gate, INT_MAX);
    if (wait_count(t, &c->done, (uint32_t)n, 0, err, errlen) < 0)
        return -1;

    int64_t last_start = gate_ns, last_finish = gate_ns;
    for (int i = 0; i < n; i++) {
        const slot *s = slot_of(t, i);
        if (s->start_ns > last_start)
            last_start = s->start_ns;
        if (s->finish_ns > last_finish)
            last_finish = s->finish_ns;
        out->checksum += s->checksum;
        out->cpu_seconds += (double)s->cpu_ns * 1e-9;
        out->blocked_seconds += (double)s->blocked_ns * 1e-9;
        out->voluntary_switches += s->nvcsw;
        out->involuntary_switches += s->nivcsw;
    }
    out->seconds = (double)(last_finish - gate_ns) * 1e-9;
    out->start_skew = (double)(last_start - gate_ns) * 1e-9;
    return first_failure(t, err, errlen);
}

int rt_team_stop(rt_team *t, char *err, size_t errlen)
{
    if (!t)
        return 0;
    int rc = 0;
    char why[RT_TEAM_ERR_BYTES + 128] = "";
    if (t->ctl && t->started) {
        __atomic_store_n(&t->ctl->stop, 1, __ATOMIC_RELEASE);
        __atomic_store_n(&t->ctl->gate, ++t->round, __ATOMIC_RELEASE);
        futex_wake(&t->ctl->gate, INT_MAX);
    }
    for (int i = 0; i < t->started; i++) {
        if (t->cfg.mode == RT_TEAM_THREADS) {
            pthread_join(t->threads[i], NULL);
        } else if (t->pids[i] > 0) {
            int status = rt_child_reap(t->pids[i], STOP_GRACE_MS);
            t->pids[i] = 0;
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && rc == 0) {
                char how[96];
                rt_wait_status_string(status, how, sizeof how);
                snprintf(why, sizeof why, "worker %d %s%s%s", i, how,
                         slot_of(t, i)->err[0] ? ": " : "", slot_of(t, i)->err);
                rc = -1;
            }
        }
    }
    if (rc < 0 && err)
        snprintf(err, errlen, "%s", why);
    if (t->region) {
        pthread_mutex_destroy(&t->ctl->lock);
        munmap(t->region, t->region_bytes);
    }
    free(t->threads);
    free(t->members);
    free(t->pids);
    free(t->planned);
    free(t->seen);
    free(t);
    return rc;
}

int rt_team_workers(const rt_team *t) { return t->cfg.workers; }
const int *rt_team_planned(const rt_team *t) { return t->planned; }
const int *rt_team_seen(const rt_team *t) { return t->seen; }
int rt_team_bind_failures(const rt_team *t) { return t->bind_failures; }
int rt_team_cpu_mismatches(const rt_team *t) { return t->cpu_mismatches; }

void rt_team_placement_text(const rt_team *t, char *buf, size_t len)
{
    size_t half = len / 2;
    char *plan = malloc(half), *seen = malloc(half);
    if (!plan || !seen) {
        snprintf(buf, len, "plan=? seen=?");
    } else {
        rt_cpulist_format(t->planned, t->cfg.workers, plan, half);
        rt_cpulist_format(t->seen, t->cfg.workers, seen, half);
        snprintf(buf, len, "plan=%s seen=%s", plan, seen);
    }
    free(plan);
    free(seen);
}
void *rt_team_shared(const rt_team *t) { return t->shared; }
const pid_t *rt_team_pids(const rt_team *t) { return t->pids; }
