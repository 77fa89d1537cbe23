/*
 * tcp.c - real I/O: each item is one request/response over a loopback TCP
 * connection to the responder.  Each worker opens its connection in init
 * (once per team, so no TIME_WAIT sockets pile up) and checks every answer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "work/workloads.h"

typedef struct client {
    int fd;
    uint8_t *reply;
} client;

static int tcp_fail(rt_worker *w, const char *what)
{
    snprintf(w->err, w->errlen, "tcp: %s: %s", what, errno ? strerror(errno) : "closed");
    return -1;
}

static int tcp_init(rt_worker *w)
{
    const rt_tcp_config *c = w->config;
    client *cl = calloc(1, sizeof *cl);
    w->state = cl;
    cl->reply = malloc((size_t)c->reply_bytes);
    cl->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)c->port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (cl->fd < 0 || connect(cl->fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        return tcp_fail(w, "cannot connect to the responder");
    int one = 1;
    setsockopt(cl->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

static int tcp_run(rt_worker *w)
{
    const rt_tcp_config *c = w->config;
    client *cl = w->state;
    size_t n = (size_t)c->reply_bytes;
    for (int64_t i = w->first; i < w->first + w->count; i++) {
        uint64_t id = (uint64_t)i;
        ssize_t r;
        errno = 0;
        RT_WORK_BLOCKING(w, r = send(cl->fd, &id, sizeof id, MSG_NOSIGNAL));
        if (r != (ssize_t)sizeof id)
            return tcp_fail(w, "request");
        for (size_t got = 0; got < n;) {
            RT_WORK_BLOCKING(w, r = recv(cl->fd, cl->reply + got, n - got, 0));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return tcp_fail(w, "answer");
            got += (size_t)r;
        }
        uint64_t echoed;
        memcpy(&echoed, cl->reply, sizeof echoed);
        if (echoed != id || (n > 8 && cl->reply[n - 1] != (uint8_t)(id + (n - 1)))) {
            snprintf(w->err, w->errlen, "tcp: the answer to item %llu is wrong (carries %llu)",
                     (unsigned long long)id, (unsigned long long)echoed);
            return -1;
        }
        w->checksum += echoed;
    }
    return 0;
}

static void tcp_fini(rt_worker *w)
{
    client *cl = w->state;
    if (!cl)
        return;
    if (cl->fd >= 0)
        close(cl->fd);
    free(cl->reply);
    free(cl);
    w->state = NULL;
}

const rt_workload rt_work_tcp = { "tcp", tcp_init, tcp_run, tcp_fini };
