/*
 * responder.c - the loopback server that answers after a delay; see
 * responder.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "team/children.h"
#include "work/responder.h"
#include "work/workloads.h"

/* How long start waits for the child to listen, and stop for it to exit. */
#define START_TIMEOUT_MS 10000
#define STOP_GRACE_MS 5000

struct rt_responder_stats {
    int64_t served;
    int64_t connections;
    int64_t cpu_ns;            /* the responder's CPU time, after each batch */
    char error[160];
};

typedef struct conn {
    uint32_t gen;              /* bumped when the fd is closed */
    int have;                  /* bytes of the current request read */
    uint8_t req[8];
} conn;

typedef struct pending {
    int fd;
    uint32_t gen;
    uint64_t id;
    int64_t due_ns;
} pending;

typedef struct server {
    int64_t delay_ns, reply_bytes;
    int epoll, listener, timer, signals;
    conn *conns;
    int nconns;
    pending *queue;            /* a ring */
    size_t qcap, qhead, qlen;
    uint8_t *reply;
    struct rt_responder_stats *stats;
} server;

static void arm_timer(server *s)
{
    struct itimerspec it = { { 0, 0 }, { 0, 0 } };
    if (s->qlen) {
        int64_t due = s->queue[s->qhead].due_ns;
        it.it_value.tv_sec = due / 1000000000;
        it.it_value.tv_nsec = due % 1000000000;
    }
    timerfd_settime(s->timer, TFD_TIMER_ABSTIME, &it, NULL);
}

static void push(server *s, pending p)
{
    if (s->qlen == s->qcap) {
        size_t cap = s->qcap ? 2 * s->qcap : 256;
        pending *q = malloc(cap * sizeof *q);
        for (size_t i = 0; i < s->qlen; i++)
            q[i] = s->queue[(s->qhead + i) % s->qcap];
        free(s->queue);
        s->queue = q;
        s->qcap = cap;
        s->qhead = 0;
    }
    s->queue[(s->qhead + s->qlen++) % s->qcap] = p;
}

static void close_conn(server *s, int fd)
{
    epoll_ctl(s->epoll, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    s->conns[fd].gen++;
    s->conns[fd].have = 0;
}

static void accept_all(server *s)
{
    int fd;
    while ((fd = accept4(s->listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
        if (fd >= s->nconns) {
            int n = fd * 2 + 16;
            s->conns = realloc(s->conns, (size_t)n * sizeof *s->conns);
            memset(s->conns + s->nconns, 0, (size_t)(n - s->nconns) * sizeof *s->conns);
            s->nconns = n;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
        epoll_ctl(s->epoll, EPOLL_CTL_ADD, fd, &ev);
        s->conns[fd].have = 0;
        s->stats->connections++;
    }
}

static void answer(server *s, int fd, uint64_t id);

static void read_requests(server *s, int fd)
{
    conn *c = &s->conns[fd];
    for (;;) {
        ssize_t r = recv(fd, c->req + c->have, sizeof c->req - (size_t)c->have, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
            close_conn(s, fd);
            return;
        }
        if (r < 0)
            return;
        c->have += (int)r;
        if (c->have == (int)sizeof c->req) {
            uint64_t id;
            memcpy(&id, c->req, sizeof id);
            c->have = 0;
            if (s->delay_ns == 0) {
                /* An echo: answer at once, not through the timer. */
                uint32_t gen = c->gen;
                answer(s, fd, id);
                if (c->gen != gen)
                    return;              /* the send failed and closed it */
                continue;
            }
            push(s, (pending){ fd, c->gen, id, rt_now_ns() + s->delay_ns });
            if (s->qlen == 1)
                arm_timer(s);
        }
    }
}

/* Blocking send of the whole answer (the client is waiting to read it). */
static int send_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && errno == EAGAIN) {
            struct pollfd pfd = { fd, POLLOUT, 0 };
            poll(&pfd, 1, -1);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void answer_due(server *s)
{
    uint64_t expirations;
    if (read(s->timer, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
        return;
    int64_t now = rt_now_ns();
    while (s->qlen && s->queue[s->qhead].due_ns <= now) {
        pending p = s->queue[s->qhead];
        s->qhead = (s->qhead + 1) % s->qcap;
        s->qlen--;
        if (s->conns[p.fd].gen != p.gen)
            continue;                    /* that client has gone */
        answer(s, p.fd, p.id);
    }
    arm_timer(s);
}

/* Send request id's answer on fd; a failed send closes the connection. */
static void answer(server *s, int fd, uint64_t id)
{
    memcpy(s->reply, &id, sizeof id);
    for (int64_t k = 8; k < s->reply_bytes; k++)
        s->reply[k] = (uint8_t)(id + (uint64_t)k);
    if (send_all(fd, s->reply, (size_t)s->reply_bytes) < 0)
        close_conn(s, fd);
    else
        s->stats->served++;
}

static void watch(server *s, int fd)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
    epoll_ctl(s->epoll, EPOLL_CTL_ADD, fd, &ev);
}

/* The child: listen, report the port on `ready`, serve until SIGTERM. */
static _Noreturn void serve(int ready, int64_t delay_us, int64_t reply_bytes,
                            struct rt_responder_stats *stats)
{
    prctl(PR_SET_TIMERSLACK, RT_TIMER_SLACK_NS);
    server s = { .delay_ns = delay_us * 1000, .reply_bytes = reply_bytes, .stats = stats };
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
    s.signals = signalfd(-1, &term, SFD_CLOEXEC);
    s.listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof addr;
    if (s.signals < 0 || s.listener < 0 ||
        bind(s.listener, (struct sockaddr *)&addr, sizeof addr) < 0 ||
        listen(s.listener, SOMAXCONN) < 0 ||
        getsockname(s.listener, (struct sockaddr *)&addr, &len) < 0) {
        snprintf(stats->error, sizeof stats->error, "cannot listen on 127.0.0.1: %s",
                 strerror(errno));
        _exit(1);
    }
    s.timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    s.epoll = epoll_create1(EPOLL_CLOEXEC);
    s.reply = calloc(1, (size_t)reply_bytes);
    watch(&s, s.listener);
    watch(&s, s.timer);
    watch(&s, s.signals);

    int port = ntohs(addr.sin_port);
    if (write(ready, &port, sizeof port) != (ssize_t)sizeof port)
        _exit(1);
    close(ready);

    for (;;) {
        struct epoll_event ev[64];
        struct timespec cpu;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
        __atomic_store_n(&stats->cpu_ns, (int64_t)cpu.tv_sec * 1000000000 + cpu.tv_nsec,
                         __ATOMIC_RELAXED);
        int n = epoll_wait(s.epoll, ev, 64, -1);
        for (int i = 0; i < n; i++) {
            int fd = ev[i].data.fd;
            if (fd == s.signals)
                _exit(0);
            else if (fd == s.listener)
                accept_all(&s);
            else if (fd == s.timer)
                answer_due(&s);
            else
                read_requests(&s, fd);
        }
    }
}

int rt_responder_start(rt_responder *r, int64_t delay_us, int64_t reply_bytes, char *err,
                       size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (reply_bytes < 8 || reply_bytes > RT_RESPONDER_MAX_REPLY) {
        snprintf(err, errlen, "responder: reply of %lld bytes; valid: 8..%d",
                 (long long)reply_bytes, RT_RESPONDER_MAX_REPLY);
        return -1;
    }
    r->stats = mmap(NULL, sizeof *r->stats, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int fds[2];
    if (r->stats == MAP_FAILED || pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "responder: %s", strerror(errno));
        if (r->stats != MAP_FAILED)
            munmap(r->stats, sizeof *r->stats);
        r->stats = NULL;
        return -1;
    }
    r->pid = rt_child_fork();
    if (r->pid == 0) {
        close(fds[0]);
        serve(fds[1], delay_us, reply_bytes, r->stats);
    }
    close(fds[1]);
    int port = 0;
    struct pollfd pfd = { fds[0], POLLIN, 0 };
    ssize_t got = -1;
    if (r->pid > 0 && poll(&pfd, 1, START_TIMEOUT_MS) == 1)
        got = read(fds[0], &port, sizeof port);
    close(fds[0]);
    if (got != (ssize_t)sizeof port) {
        snprintf(err, errlen, "responder did not start%s%s",
                 r->stats->error[0] ? ": " : "", r->stats->error);
        if (r->pid > 0)
            rt_child_reap(r->pid, 0);
        munmap(r->stats, sizeof *r->stats);
        memset(r, 0, sizeof *r);
        return -1;
    }
    r->port = port;
    return 0;
}

int64_t rt_responder_served(const rt_responder *r)
{
    return __atomic_load_n(&r->stats->served, __ATOMIC_RELAXED);
}

int rt_responder_stop(rt_responder *r, int64_t *served, double *cpu_seconds, char *err,
                      size_t errlen)
{
    if (r->pid <= 0)
        return 0;
    kill(r->pid, SIGTERM);
    int status = rt_child_reap(r->pid, STOP_GRACE_MS);
    int rc = 0;
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        char how[96];
        rt_wait_status_string(status, how, sizeof how);
        snprintf(err, errlen, "responder (pid %d) %s%s%s", (int)r->pid, how,
                 r->stats->error[0] ? ": " : "", r->stats->error);
        rc = -1;
    }
    if (served)
        *served = r->stats->served;
    if (cpu_seconds)
        *cpu_seconds = (double)r->stats->cpu_ns * 1e-9;
    munmap(r->stats, sizeof *r->stats);
    memset(r, 0, sizeof *r);
    return rc;
}
