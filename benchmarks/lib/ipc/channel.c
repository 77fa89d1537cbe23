/*
 * channel.c - six ways to pass a token between two workers; see channel.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apart.h"
#include "ipc/channel.h"
#include "team/team.h"

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#else
#define cpu_relax() __asm__ volatile("" ::: "memory")
#endif

const char *const rt_channel_names[] = { "spin", "mutex-cond", "pipe", "socketpair",
                                         "eventfd", "semaphore", NULL };

/* One direction: what the side it points at waits on. */
typedef struct lane {
    _Alignas(RT_APART_BYTES) uint64_t posted;   /* spin, mutex-cond: tokens given */
    uint64_t taken;                    /* tokens taken (by the waiting side only) */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    sem_t sem;
    int fd[2];                         /* pipe / eventfd (fd[0] == fd[1]) */
} lane;

struct rt_channel {
    rt_channel_kind kind;
    int pair[2];                       /* socketpair: side i uses pair[i] */
    lane lanes[2];                     /* lanes[i]: tokens for side i */
};

size_t rt_channel_bytes(void)
{
    return sizeof(rt_channel);
}

int rt_channel_init(rt_channel *c, rt_channel_kind kind, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    int rc = 0;
    if (kind == RT_CH_SOCKETPAIR)
        rc = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->pair);
    for (int i = 0; rc == 0 && i < 2; i++) {
        lane *l = &c->lanes[i];
        switch (kind) {
        case RT_CH_MUTEX_COND:
            rc = rt_pshared_mutex_init(&l->lock) || rt_pshared_cond_init(&l->cond) ? -1 : 0;
            break;
        case RT_CH_SEMAPHORE:
            rc = sem_init(&l->sem, 1, 0);
            break;
        case RT_CH_PIPE:
            rc = pipe2(l->fd, O_CLOEXEC);
            break;
        case RT_CH_EVENTFD:
            rc = l->fd[0] = l->fd[1] = eventfd(0, EFD_CLOEXEC);
            rc = rc < 0 ? -1 : 0;
            break;
        default:
            break;
        }
    }
    if (rc < 0)
        snprintf(err, errlen, "%s channel: %s", rt_channel_names[kind], strerror(errno));
    return rc < 0 ? -1 : 0;
}

void rt_channel_destroy(rt_channel *c)
{
    for (int i = 0; i < 2; i++) {
        lane *l = &c->lanes[i];
        if (c->kind == RT_CH_MUTEX_COND) {
            pthread_cond_destroy(&l->cond);
            pthread_mutex_destroy(&l->lock);
        } else if (c->kind == RT_CH_SEMAPHORE) {
            sem_destroy(&l->sem);
        } else if (c->kind == RT_CH_PIPE) {
            close(l->fd[0]);
            close(l->fd[1]);
        } else if (c->kind == RT_CH_EVENTFD) {
            close(l->fd[0]);
        } else if (c->kind == RT_CH_SOCKETPAIR) {
            close(c->pair[i]);
        }
    }
}

static int write_token(int fd, const void *token, size_t n)
{
    ssize_t w;
    while ((w = write(fd, token, n)) < 0 && errno == EINTR) {
    }
    return w == (ssize_t)n ? 0 : -1;
}

static int read_token(int fd, void *token, size_t n)
{
    ssize_t r;
    while ((r = read(fd, token, n)) < 0 && errno == EINTR) {
    }
    return r == (ssize_t)n ? 0 : -1;
}

int rt_channel_post(rt_channel *c, int to)
{
    lane *l = &c->lanes[to];
    const uint8_t byte = 1;
    const uint64_t one = 1;
    switch (c->kind) {
    case RT_CH_SPIN:
        __atomic_add_fetch(&l->posted, 1, __ATOMIC_RELEASE);
        return 0;
    case RT_CH_MUTEX_COND:
        pthread_mutex_lock(&l->lock);
        l->posted++;
        pthread_cond_signal(&l->cond);
        pthread_mutex_unlock(&l->lock);
        return 0;
    case RT_CH_PIPE:
        return write_token(l->fd[1], &byte, 1);
    case RT_CH_SOCKETPAIR:
        return write_token(c->pair[1 - to], &byte, 1);
    case RT_CH_EVENTFD:
        return write_token(l->fd[1], &one, sizeof one);
    case RT_CH_SEMAPHORE:
        return sem_post(&l->sem);
    default:
        errno = EINVAL;
        return -1;
    }
}

int rt_channel_wait(rt_channel *c, int me)
{
    lane *l = &c->lanes[me];
    uint8_t byte;
    uint64_t count;
    switch (c->kind) {
    case RT_CH_SPIN:
        for (unsigned polls = 1; __atomic_load_n(&l->posted, __ATOMIC_ACQUIRE) == l->taken;
             polls++) {
            cpu_relax();
            if (polls % RT_SPIN_YIELD_POLLS == 0)
                sched_yield();
        }
        l->taken++;
        return 0;
    case RT_CH_MUTEX_COND:
        pthread_mutex_lock(&l->lock);
        while (l->posted == l->taken)
            pthread_cond_wait(&l->cond, &l->lock);
        l->taken++;
        pthread_mutex_unlock(&l->lock);
        return 0;
    case RT_CH_PIPE:
        return read_token(l->fd[0], &byte, 1);
    case RT_CH_SOCKETPAIR:
        return read_token(c->pair[me], &byte, 1);
    case RT_CH_EVENTFD:
        /* Tokens never pile up in a ping-pong; a counter > 1 would mean
         * several posts, which this reader takes as one. */
        return read_token(l->fd[0], &count, sizeof count);
    case RT_CH_SEMAPHORE: {
        int rc;
        while ((rc = sem_wait(&l->sem)) < 0 && errno == EINTR) {
        }
        return rc;
    }
    default:
        errno = EINVAL;
        return -1;
    }
}

int rt_channel_pending(rt_channel *c, int me)
{
    lane *l = &c->lanes[me];
    struct pollfd p = { -1, POLLIN, 0 };
    int value = 0;
    switch (c->kind) {
    case RT_CH_SPIN:
        return __atomic_load_n(&l->posted, __ATOMIC_ACQUIRE) != l->taken;
    case RT_CH_MUTEX_COND:
        pthread_mutex_lock(&l->lock);
        value = l->posted != l->taken;
        pthread_mutex_unlock(&l->lock);
        return value;
    case RT_CH_SEMAPHORE:
        sem_getvalue(&l->sem, &value);
        return value > 0;
    case RT_CH_SOCKETPAIR:
        p.fd = c->pair[me];
        break;
    default:
        p.fd = l->fd[0];
        break;
    }
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}
