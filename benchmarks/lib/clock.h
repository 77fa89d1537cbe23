/*
 * clock.h - the one clock the library times with: CLOCK_MONOTONIC, in
 * nanoseconds.  Every thread and every forked process reads the same clock,
 * so a worker's timestamps and its parent's can be compared.  Beside it, a
 * thread's own CPU time.
 */
#ifndef RT_CLOCK_H
#define RT_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t rt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), in nanoseconds:
 * what it ran, user and kernel, not what it waited. */
static inline int64_t rt_thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif /* RT_CLOCK_H */
