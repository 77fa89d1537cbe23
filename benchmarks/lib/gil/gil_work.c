/*
 * gil_work.c - Python-like threads on the emulated GIL; see gil_work.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "gil/footprint.h"
#include "gil/gil_work.h"
#include "work/workloads.h"

const char *const rt_io_op_names[] = { "read1", "socketpair", "echo", NULL };

/* A Python thread.  Each is apart from the others, as what a CPython
 * thread writes at every bytecode is (its frame, a heap object of its
 * own): a CPU thread writes its kernel state at every unit, and a line shared
 * with another thread's state would cross between their CPUs at every
 * hand-off, a cost that real CPython does not pay. */
typedef struct pythread {
    _Alignas(RT_GIL_APART_BYTES) rt_gil_thread t;
    int64_t to_poll;           /* units left before the next eval-breaker poll */
    int fd[2];                 /* the convoy's I/O descriptors */
    int64_t gap_units;         /* rt_gil_io_gap_units, once: not in the timed loop */
    rt_data_lines data;        /* the I/O thread's data footprint, if any */
    rt_cpu_state kernel;       /* the kernel's state: every unit continues it */
} pythread;

size_t rt_gil_shared_bytes(int workers)
{
    return sizeof(rt_gil_shared) + (size_t)workers * sizeof(rt_gil_report);
}

static int io_open(rt_worker *w, pythread *p)
{
    const rt_gil_work_config *c = w->config;
    p->fd[0] = p->fd[1] = -1;
    if (c->job != RT_GJ_CONVOY || w->index != 0)
        return 0;
    if (c->io_data_lines > 0 &&
        rt_data_lines_init(&p->data, c->io_data_lines, c->io_data_chains) < 0) {
        snprintf(w->err, w->errlen, "convoy: cannot allocate %lld data lines",
                 (long long)c->io_data_lines);
        return -1;
    }
    if (c->io_op == RT_IO_READ1) {
        p->fd[0] = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    } else if (c->io_op == RT_IO_SOCKETPAIR) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->fd) < 0)
            p->fd[0] = -1;
    } else {
        p->fd[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)c->echo_port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        int one = 1;
        if (p->fd[0] >= 0 && connect(p->fd[0], (struct sockaddr *)&a, sizeof a) < 0) {
            close(p->fd[0]);
            p->fd[0] = -1;
        }
        if (p->fd[0] >= 0)
            setsockopt(p->fd[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if (p->fd[0] < 0) {
        snprintf(w->err, w->errlen, "convoy: cannot open %s: %s", rt_io_op_names[c->io_op],
                 strerror(errno));
        return -1;
    }
    return 0;
}

static int gil_init(rt_worker *w)
{
    const rt_gil_work_config *c = w->config;
    pythread *p = aligned_alloc(_Alignof(pythread), sizeof *p);
    w->state = p;
    if (!p) {
        snprintf(w->err, w->errlen, "out of memory");
        return -1;
    }
    memset(p, 0, sizeof *p);
    rt_gil_thread_init(&p->t, c->gil);
    p->to_poll = c->poll_every;
    p->gap_units = rt_gil_io_gap_units(c);
    rt_cpu_start(&p->kernel, (uint64_t)w->index);
    return io_open(w, p);
}

static void gil_fini(rt_worker *w)
{
    pythread *p = w->state;
    if (!p)
        return;
    if (p->fd[0] >= 0)
        close(p->fd[0]);
    if (p->fd[1] >= 0)
        close(p->fd[1]);
    rt_data_lines_free(&p->data);
    free(p);
    w->state = NULL;
}

/* n units of bytecode without a poll.  Every unit continues the thread's
 * kernel state, as rt_cpu_steps_per_us timed it, so a unit lasts unit_ns:
 * units started afresh (rt_cpu_item) are independent, and the CPU overlaps
 * several of them, which made a unit about half as long.  The kernel slows
 * beside a busy sibling hardware thread as bytecode does (workloads.h). */
static void units(const rt_gil_work_config *c, pythread *p, int64_t n)
{
    for (int64_t u = 0; u < n; u++)
        rt_cpu_steps(&p->kernel, c->unit_steps);
}

/* n units of bytecode, polling the eval breaker every poll_every units,
 * counted across calls as an eval loop would. */
static void compute(const rt_gil_work_config *c, pythread *p, int64_t n)
{
    for (int64_t u = 1; u <= n; u++) {
        units(c, p, 1);
        if (--p->to_poll == 0) {
            p->to_poll = c->poll_every;
            rt_gil_poll(&p->t);
        }
    }
}

double rt_gil_unit_added_ns(const rt_gil_params *gp, int64_t unit_steps, int64_t poll_every,
                            int64_t n, int trials)
{
    rt_gil gil;
    if (rt_gil_init(&gil, gp) != 0)
        return 0;                          /* the run's own rt_gil_init reports it */
    rt_gil_work_config c = { .gil = &gil, .unit_steps = unit_steps, .poll_every = poll_every };
    pythread p = { .to_poll = poll_every };
    rt_gil_thread_init(&p.t, &gil);
    rt_cpu_start(&p.kernel, 0);
    rt_gil_take(&p.t);
    enum { MOST_TRIALS = 63 };
    int64_t added[MOST_TRIALS];
    if (trials > MOST_TRIALS)
        trials = MOST_TRIALS;
    for (int i = 0; i < trials; i++) {
        int64_t t0 = rt_now_ns();
        compute(&c, &p, n);
        int64_t t1 = rt_now_ns();
        rt_cpu_steps(&p.kernel, n * unit_steps);
        int64_t t2 = rt_now_ns();
        /* Insertion into the sorted differences so far. */
        int64_t d = (t1 - t0) - (t2 - t1);
        int k = i;
        for (; k > 0 && added[k - 1] > d; k--)
            added[k] = added[k - 1];
        added[k] = d;
    }
    rt_gil_drop(&p.t);
    rt_gil_destroy(&gil);
    return trials > 0 ? (double)added[trials / 2] / (double)n : 0;
}

int64_t rt_gil_io_gap_units(const rt_gil_work_config *c)
{
    if (c->io_op == RT_IO_READ1 || c->io_gap_share <= 0)
        return 0;
    int64_t n = llround(c->io_gap_share * (double)c->io_units_per_op);
    return n < c->io_units_per_op ? n : c->io_units_per_op;
}

/* The bytecode between an operation's two calls (socketpair: the return
 * from send, the lookup and call of recv): it holds the GIL, so a CPU
 * thread woken by the first call's release finds it taken. */
static void between_calls(const rt_gil_work_config *c, pythread *p)
{
    units(c, p, p->gap_units);
}

/* What a Python loop does between two I/O operations: io_units_per_op units
 * of work, spread evenly over io_polls_per_op eval-breaker polls.  Most of
 * that time in real CPython is C code (the calls, the objects) holding the
 * GIL without polling; only its few bytecodes poll (2.x: tick), and under
 * the old GIL how often the loop offers the GIL up, not how long it runs,
 * sets the convoy.  These polls ignore poll_every (a CPU thread's).  Before
 * each poll runs its share of the loop's code and data lines (footprint.h):
 * the real loop's lines are spread over its bytecodes and calls too. */
static void between_ops(const rt_gil_work_config *c, pythread *p)
{
    int64_t polls = c->io_polls_per_op, done = 0;
    int64_t n = c->io_units_per_op - p->gap_units;
    int64_t code = c->io_code_lines, data = c->io_data_lines;
    for (int64_t k = 1; k <= polls; k++) {
        int64_t upto = n * k / polls, from = code * (k - 1) / polls;
        rt_code_lines(from, code * k / polls - from);
        rt_data_lines_touch(&p->data, data * k / polls - data * (k - 1) / polls);
        units(c, p, upto - done);
        done = upto;
        rt_gil_poll(&p->t);
    }
}

/* One always-ready operation, the GIL released around each call. */
static int io_op(const rt_gil_work_config *c, pythread *p)
{
    uint8_t byte = 0;
    uint64_t id = 0, echo;
    ssize_t r = -1;
    switch (c->io_op) {
    case RT_IO_READ1:
        RT_GIL_ALLOW_THREADS(&p->t, r = read(p->fd[0], &byte, 1));
        return r == 1 ? 0 : -1;
    case RT_IO_SOCKETPAIR:
        RT_GIL_ALLOW_THREADS(&p->t, r = send(p->fd[0], &byte, 1, 0));
        between_calls(c, p);
        if (r == 1)
            RT_GIL_ALLOW_THREADS(&p->t, r = recv(p->fd[1], &byte, 1, 0));
        return r == 1 ? 0 : -1;
    default:
        RT_GIL_ALLOW_THREADS(&p->t, r = send(p->fd[0], &id, sizeof id, MSG_NOSIGNAL));
        between_calls(c, p);
        for (size_t got = 0; r > 0 && got < sizeof echo; got += (size_t)r)
            RT_GIL_ALLOW_THREADS(&p->t, r = recv(p->fd[0], (char *)&echo + got,
                                                 sizeof echo - got, 0));
        return r > 0 ? 0 : -1;
    }
}

static void record_io(rt_gil_report *rep, int64_t ns)
{
    rt_log2_hist_add(rep->io_hist, ns);
    rep->io_ops++;
    rep->io_over_1ms += ns > 1000000;
    if (ns > rep->io_max_ns)
        rep->io_max_ns = ns;
}

/* The calling thread's voluntary context switches so far: its sleeps (a
 * thread that blocks gives up its CPU; one that is preempted does not
 * count), as cpython_gil.py reads them from /proc/self/task. */
static int64_t sleeps_so_far(void)
{
    struct rusage u;
    return getrusage(RUSAGE_THREAD, &u) == 0 ? (int64_t)u.ru_nvcsw : 0;
}

static int convoy(rt_worker *w, pythread *p, rt_gil_report *rep)
{
    const rt_gil_work_config *c = w->config;
    rt_gil_shared *sh = w->shared;
    int64_t slept = sleeps_so_far();
    if (w->index != 0) {
        while (!__atomic_load_n(&sh->convoy_done, __ATOMIC_ACQUIRE))
            compute(c, p, 1);
        rep->sleeps += sleeps_so_far() - slept;
        return 0;
    }
    int64_t end = rt_now_ns() + c->convoy_ns, cpu0 = rt_thread_cpu_ns();
    int rc = 0;
    for (int64_t t0 = rt_now_ns(); t0 < end && rc == 0;) {
        between_ops(c, p);
        rc = io_op(c, p);
        int64_t t1 = rt_now_ns();
        record_io(rep, t1 - t0);
        t0 = t1;
    }
    rep->io_cpu_ns += rt_thread_cpu_ns() - cpu0;
    rep->sleeps += sleeps_so_far() - slept;
    __atomic_store_n(&sh->convoy_done, 1, __ATOMIC_RELEASE);
    if (rc < 0)
        snprintf(w->err, w->errlen, "convoy: %s failed: %s", rt_io_op_names[c->io_op],
                 strerror(errno));
    return rc;
}

static int gil_run(rt_worker *w)
{
    const rt_gil_work_config *c = w->config;
    pythread *p = w->state;
    rt_gil_shared *sh = w->shared;
    rt_gil_report *rep = &sh->worker[w->index];
    int rc = 0;
    if (w->count == 0)
        return 0;                          /* an empty round: the harness alone */
    rt_gil_take(&p->t);                    /* the thread starts running bytecode */
    if (c->job == RT_GJ_CONVOY) {
        rc = convoy(w, p, rep);
    } else {
        for (int64_t i = w->first; i < w->first + w->count; i++)
            compute(c, p, c->units_per_item);
        w->checksum += rt_index_checksum(w->first, w->count);
    }
    rt_gil_drop(&p->t);                    /* waiting at the gate releases it */
    rt_gil_stats_add(&rep->gil, &p->t.stats);
    memset(&p->t.stats, 0, sizeof p->t.stats);
    return rc;
}

const rt_workload rt_work_gil = { "gil", gil_init, gil_run, gil_fini };
