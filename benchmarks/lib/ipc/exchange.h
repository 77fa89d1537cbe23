/*
 * exchange.h - the team workloads of the communication experiments (two
 * workers; worker 0 is "A", worker 1 is "B"; a round of 2n items gives
 * each n):
 *   pingpong   A posts to B and waits for B's answer, n round trips
 *   one-worker A alone does the same posts and waits (a one-worker team):
 *              the mechanism's own cost, to subtract, as lmbench's lat_ctx
 *   stream     B sends n messages, A receives and checks each one
 *   wakeup     A wakes B through a condition variable, or B sleeps to a
 *              deadline; B records how late it ran, n samples
 */
#ifndef RT_EXCHANGE_H
#define RT_EXCHANGE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipc/channel.h"
#include "ipc/stream.h"
#include "team/team.h"

typedef struct rt_pingpong_config {
    rt_channel *channel;
} rt_pingpong_config;
extern const rt_workload rt_work_pingpong;
extern const rt_workload rt_work_one_worker;

typedef struct rt_stream_config {
    rt_stream *stream;
    size_t message_bytes;
    bool check_every_byte;
} rt_stream_config;
extern const rt_workload rt_work_stream;

typedef enum rt_wake_kind { RT_WAKE_SIGNAL, RT_WAKE_DEADLINE, RT_WAKE_KINDS } rt_wake_kind;
extern const char *const rt_wake_names[];        /* "signal", "deadline", NULL */

/* Shared between the two workers: a process-shared mutex and two
 * condition variables (the wake, and B's acknowledgement), the time A
 * signalled, and one lateness sample per item. */
typedef struct rt_wake_shared {
    pthread_mutex_t lock;
    pthread_cond_t wake, ack;
    uint64_t posted, acked;
    int64_t signalled_ns;
    int64_t late_ns[];
} rt_wake_shared;
size_t rt_wake_shared_bytes(int64_t samples);
int rt_wake_shared_init(rt_wake_shared *w);
void rt_wake_shared_destroy(rt_wake_shared *w);

typedef struct rt_wake_config {
    rt_wake_kind kind;
    rt_wake_shared *shared;
    int64_t gap_us;            /* A waits this long before each signal; B's deadline */
} rt_wake_config;
extern const rt_workload rt_work_wakeup;

#endif /* RT_EXCHANGE_H */
