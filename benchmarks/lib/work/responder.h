/*
 * responder.h - the slow server of the I/O-bound experiments: a child
 * process that listens on 127.0.0.1 (an ephemeral port), reads 8-byte
 * requests (an item id) from any number of connections, and answers each
 * one `delay_us` after it arrived with `reply_bytes` bytes: the id, then
 * the pattern byte k = (id + k) mod 256.  With delay_us 0 it is an echo
 * server: each answer is sent as soon as its request is read.
 *
 * One process serves every connection: an epoll loop with a timerfd armed
 * for the oldest pending answer (the delay is constant, so pending answers
 * are due in arrival order and a FIFO is the whole scheduler).  It never
 * blocks on one client while others wait, so W workers see W requests in
 * flight, as they would with a slow web server.
 */
#ifndef RT_RESPONDER_H
#define RT_RESPONDER_H

#include <stdint.h>
#include <sys/types.h>

/* Largest answer the responder will send. */
#define RT_RESPONDER_MAX_REPLY (1 << 20)

typedef struct rt_responder {
    pid_t pid;
    int port;
    struct rt_responder_stats *stats;   /* shared with the child */
} rt_responder;

/* Fork the responder and wait until it listens.  Returns 0, or -1 with the
 * reason in err (nothing is left running). */
int rt_responder_start(rt_responder *r, int64_t delay_us, int64_t reply_bytes, char *err,
                       size_t errlen);

/* Requests answered so far. */
int64_t rt_responder_served(const rt_responder *r);

/* Stop it (SIGTERM), reap it, and report its count of answers and its CPU
 * time (up to its last wait for events; either pointer may be NULL).
 * Returns 0, or -1 if it had died or failed (err says how). */
int rt_responder_stop(rt_responder *r, int64_t *served, double *cpu_seconds, char *err,
                      size_t errlen);

#endif /* RT_RESPONDER_H */
