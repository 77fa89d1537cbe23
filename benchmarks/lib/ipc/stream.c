/*
 * stream.c - ring buffer, pipe and socketpair streams; see stream.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apart.h"
#include "ipc/channel.h"
#include "ipc/stream.h"

const char *const rt_stream_names[] = { "ring", "pipe", "socketpair", NULL };

struct rt_stream {
    rt_stream_kind kind;
    int fd[2];                            /* [0] read end, [1] write end */
    size_t capacity;                      /* ring bytes */
    _Alignas(RT_APART_BYTES) uint64_t head;   /* bytes written, by the producer */
    _Alignas(RT_APART_BYTES) uint64_t tail;   /* bytes read, by the consumer */
    _Alignas(RT_APART_BYTES) uint8_t data[];  /* the ring */
};

size_t rt_stream_bytes(size_t ring_bytes)
{
    return sizeof(rt_stream) + ring_bytes;
}

int rt_stream_init(rt_stream *s, rt_stream_kind kind, size_t ring_bytes, char *err,
                   size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->capacity = ring_bytes;
    int rc = 0;
    if (kind == RT_STREAM_PIPE)
        rc = pipe2(s->fd, O_CLOEXEC);
    else if (kind == RT_STREAM_SOCKETPAIR)
        rc = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s->fd);
    else if (ring_bytes == 0)
        rc = -1, errno = EINVAL;
    if (rc < 0)
        snprintf(err, errlen, "%s stream: %s", rt_stream_names[kind], strerror(errno));
    return rc;
}

void rt_stream_destroy(rt_stream *s)
{
    if (s->kind != RT_STREAM_RING) {
        close(s->fd[0]);
        close(s->fd[1]);
    }
}

static void poll_pause(unsigned *polls)
{
    if (++*polls % RT_SPIN_YIELD_POLLS == 0)
        sched_yield();
}

int rt_stream_send(rt_stream *s, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    if (s->kind != RT_STREAM_RING) {
        while (n) {
            ssize_t w = write(s->fd[1], p, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return -1;
            p += w;
            n -= (size_t)w;
        }
        return 0;
    }
    uint64_t head = s->head;
    unsigned polls = 0;
    while (n) {
        uint64_t free_bytes = s->capacity - (head - __atomic_load_n(&s->tail, __ATOMIC_ACQUIRE));
        if (free_bytes == 0) {
            poll_pause(&polls);
            continue;
        }
        size_t at = head % s->capacity;
        size_t chunk = n < free_bytes ? n : (size_t)free_bytes;
        if (chunk > s->capacity - at)
            chunk = s->capacity - at;
        memcpy(s->data + at, p, chunk);
        head += chunk;
        __atomic_store_n(&s->head, head, __ATOMIC_RELEASE);
        p += chunk;
        n -= chunk;
    }
    return 0;
}

int rt_stream_recv(rt_stream *s, void *buf, size_t n)
{
    uint8_t *p = buf;
    if (s->kind != RT_STREAM_RING) {
        while (n) {
            ssize_t r = read(s->fd[0], p, n);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return -1;
            p += r;
            n -= (size_t)r;
        }
        return 0;
    }
    uint64_t tail = s->tail;
    unsigned polls = 0;
    while (n) {
        uint64_t ready = __atomic_load_n(&s->head, __ATOMIC_ACQUIRE) - tail;
        if (ready == 0) {
            poll_pause(&polls);
            continue;
        }
        size_t at = tail % s->capacity;
        size_t chunk = n < ready ? n : (size_t)ready;
        if (chunk > s->capacity - at)
            chunk = s->capacity - at;
        memcpy(p, s->data + at, chunk);
        tail += chunk;
        __atomic_store_n(&s->tail, tail, __ATOMIC_RELEASE);
        p += chunk;
        n -= chunk;
    }
    return 0;
}

void rt_message_fill(uint8_t *buf, size_t n, uint64_t seq)
{
    uint8_t head[8];
    memcpy(head, &seq, sizeof seq);
    memcpy(buf, head, n < 8 ? n : 8);
    for (size_t k = 8; k < n; k++)
        buf[k] = (uint8_t)(seq + k);
}

bool rt_message_check(const uint8_t *buf, size_t n, uint64_t seq, bool full)
{
    uint8_t head[8];
    memcpy(head, &seq, sizeof seq);
    if (memcmp(buf, head, n < 8 ? n : 8) != 0)
        return false;
    if (n <= 8)
        return true;
    if (!full)
        return buf[n - 1] == (uint8_t)(seq + n - 1);
    for (size_t k = 8; k < n; k++)
        if (buf[k] != (uint8_t)(seq + k))
            return false;
    return true;
}
