/*
 * exchange.c - ping-pong, one-worker, stream and wake-up workloads; see
 * exchange.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ipc/exchange.h"
#include "work/workloads.h"

const char *const rt_wake_names[] = { "signal", "deadline", NULL };

static int failed(rt_worker *w, const char *what)
{
    snprintf(w->err, w->errlen, "%s: %s", what, strerror(errno));
    return -1;
}

static int pingpong_run(rt_worker *w)
{
    const rt_pingpong_config *c = w->config;
    int me = w->index, other = 1 - w->index;
    for (int64_t i = 0; i < w->count; i++) {
        if (me == 0 && (rt_channel_post(c->channel, other) < 0 ||
                        rt_channel_wait(c->channel, me) < 0))
            return failed(w, "ping");
        if (me == 1 && (rt_channel_wait(c->channel, me) < 0 ||
                        rt_channel_post(c->channel, other) < 0))
            return failed(w, "pong");
    }
    w->checksum += (uint64_t)w->count;
    return 0;
}

const rt_workload rt_work_pingpong = { "pingpong", NULL, pingpong_run, NULL };

static int one_worker_run(rt_worker *w)
{
    const rt_pingpong_config *c = w->config;
    for (int64_t i = 0; i < w->count; i++)
        if (rt_channel_post(c->channel, 1) < 0 || rt_channel_wait(c->channel, 1) < 0 ||
            rt_channel_post(c->channel, 0) < 0 || rt_channel_wait(c->channel, 0) < 0)
            return failed(w, "one-worker round trip");
    w->checksum += (uint64_t)w->count;
    return 0;
}

const rt_workload rt_work_one_worker = { "one-worker", NULL, one_worker_run, NULL };

/* The message buffer is the worker's own. */
static int stream_init(rt_worker *w)
{
    const rt_stream_config *c = w->config;
    w->state = malloc(c->message_bytes);
    return w->state ? 0 : failed(w, "stream buffer");
}

static int stream_run(rt_worker *w)
{
    const rt_stream_config *c = w->config;
    uint8_t *buf = w->state;
    for (int64_t seq = 0; seq < w->count; seq++) {
        if (w->index == 1) {
            rt_message_fill(buf, c->message_bytes, (uint64_t)seq);
            if (rt_stream_send(c->stream, buf, c->message_bytes) < 0)
                return failed(w, "send");
            continue;
        }
        if (rt_stream_recv(c->stream, buf, c->message_bytes) < 0)
            return failed(w, "receive");
        if (!rt_message_check(buf, c->message_bytes, (uint64_t)seq, c->check_every_byte)) {
            snprintf(w->err, w->errlen, "stream: message %lld arrived damaged or out of order",
                     (long long)seq);
            return -1;
        }
        w->checksum += (uint64_t)seq;
    }
    return 0;
}

static void stream_fini(rt_worker *w)
{
    free(w->state);
    w->state = NULL;
}

const rt_workload rt_work_stream = { "stream", stream_init, stream_run, stream_fini };

size_t rt_wake_shared_bytes(int64_t samples)
{
    return sizeof(rt_wake_shared) + (size_t)samples * sizeof(int64_t);
}

int rt_wake_shared_init(rt_wake_shared *w)
{
    int rc = rt_pshared_mutex_init(&w->lock) || rt_pshared_cond_init(&w->wake) ||
             rt_pshared_cond_init(&w->ack);
    w->posted = w->acked = 0;
    return rc ? -1 : 0;
}

void rt_wake_shared_destroy(rt_wake_shared *w)
{
    pthread_cond_destroy(&w->ack);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
}

/* B: how late after A's signal did it run? */
static void wait_for_signals(const rt_wake_config *c, rt_worker *w)
{
    rt_wake_shared *s = c->shared;
    for (int64_t i = 0; i < w->count; i++) {
        pthread_mutex_lock(&s->lock);
        while (s->posted == s->acked)
            pthread_cond_wait(&s->wake, &s->lock);
        s->late_ns[i] = rt_now_ns() - s->signalled_ns;
        s->acked++;
        pthread_cond_signal(&s->ack);
        pthread_mutex_unlock(&s->lock);
    }
}

/* A: wait, signal, wait for B to have taken it. */
static void send_signals(const rt_wake_config *c, rt_worker *w)
{
    rt_wake_shared *s = c->shared;
    for (int64_t i = 0; i < w->count; i++) {
        rt_sleep_us(c->gap_us);          /* B is asleep on the condvar by now */
        pthread_mutex_lock(&s->lock);
        s->signalled_ns = rt_now_ns();
        s->posted++;
        pthread_cond_signal(&s->wake);
        while (s->acked != s->posted)
            pthread_cond_wait(&s->ack, &s->lock);
        pthread_mutex_unlock(&s->lock);
    }
}

/* B alone: how late after its deadline did it run? */
static void sleep_to_deadlines(const rt_wake_config *c, rt_worker *w)
{
    for (int64_t i = 0; i < w->count; i++) {
        int64_t deadline = rt_now_ns() + c->gap_us * 1000;
        struct timespec ts = { deadline / 1000000000, deadline % 1000000000 };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
        }
        c->shared->late_ns[i] = rt_now_ns() - deadline;
    }
}

static int wakeup_run(rt_worker *w)
{
    const rt_wake_config *c = w->config;
    if (c->kind == RT_WAKE_DEADLINE) {
        if (w->index == 1)
            sleep_to_deadlines(c, w);
    } else if (w->index == 1) {
        wait_for_signals(c, w);
    } else {
        send_signals(c, w);
    }
    return 0;
}

const rt_workload rt_work_wakeup = { "wakeup", NULL, wakeup_run, NULL };
