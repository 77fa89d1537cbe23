/*
 * nobind.c - an LD_PRELOAD library for the fault tests: every attempt to
 * bind a thread to CPUs fails with EPERM, as under a seccomp filter or in a
 * container that forbids it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <pthread.h>

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)
{
    (void)pid, (void)size, (void)set;
    errno = EPERM;
    return -1;
}

int pthread_setaffinity_np(pthread_t t, size_t size, const cpu_set_t *set)
{
    (void)t, (void)size, (void)set;
    return EPERM;
}
