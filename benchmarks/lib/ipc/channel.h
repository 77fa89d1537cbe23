/*
 * channel.h - the ways two workers can tell each other "your turn".
 *
 * A channel joins side 0 and side 1; each direction has its own primitive,
 * so post(c, to) wakes the other side's wait(c, me) and nothing else:
 *   spin        a counter per direction in shared memory, polled (with a
 *               pause, and sched_yield every RT_SPIN_YIELD_POLLS polls so
 *               two sides on one PU still make progress)
 *   mutex-cond  a process-shared mutex and condition variable per direction
 *   pipe        a pipe per direction, one byte per token
 *   socketpair  one AF_UNIX stream socketpair, one byte per token
 *   eventfd     an eventfd per direction
 *   semaphore   a process-shared POSIX semaphore per direction
 * The channel lives in memory the caller maps MAP_SHARED before fork
 * (rt_channel_bytes), and its descriptors are inherited, so it works
 * between threads and between processes alike.
 */
#ifndef RT_CHANNEL_H
#define RT_CHANNEL_H

#include <stddef.h>

typedef enum rt_channel_kind {
    RT_CH_SPIN, RT_CH_MUTEX_COND, RT_CH_PIPE, RT_CH_SOCKETPAIR, RT_CH_EVENTFD, RT_CH_SEMAPHORE,
    RT_CH_KINDS
} rt_channel_kind;
extern const char *const rt_channel_names[];     /* NULL-terminated */

/* Polls between two sched_yield calls of a spinning waiter. */
#define RT_SPIN_YIELD_POLLS 256

typedef struct rt_channel rt_channel;
size_t rt_channel_bytes(void);
/* Initialise a channel in `mem` (rt_channel_bytes, shared).  Returns 0, or
 * -1 with the reason. */
int rt_channel_init(rt_channel *c, rt_channel_kind kind, char *err, size_t errlen);
void rt_channel_destroy(rt_channel *c);
/* Give the other side a token / take one meant for `me` (blocking).
 * Return 0, or -1 (errno) if the mechanism failed. */
int rt_channel_post(rt_channel *c, int to);
int rt_channel_wait(rt_channel *c, int me);

/* Is a token waiting for `me` (without taking it)? */
int rt_channel_pending(rt_channel *c, int me);

#endif /* RT_CHANNEL_H */
