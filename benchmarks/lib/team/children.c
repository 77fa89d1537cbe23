/*
 * children.c - the registry of forked children and the signal handler that
 * reaps them; see children.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "team/children.h"

/* The most children alive at once: workers of the largest team plus a
 * responder, with room to spare. */
#define MAX_CHILDREN 8192

/* Written by the main thread, read by the signal handler: a slot is a pid
 * or 0.  Relaxed atomics are enough, the handler runs on the same thread
 * or sees a slightly stale list, and kill() of a reaped pid is harmless
 * because only reaped pids are removed. */
static pid_t registry[MAX_CHILDREN];
static int registry_high;            /* slots in use are below this */
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NFATAL ((int)(sizeof fatal_signals / sizeof fatal_signals[0]))

static void on_fatal_signal(int sig)
{
    int saved = errno;
    int high = __atomic_load_n(&registry_high, __ATOMIC_ACQUIRE);
    for (int i = 0; i < high; i++) {
        pid_t pid = __atomic_load_n(&registry[i], __ATOMIC_RELAXED);
        if (pid > 0)
            kill(pid, SIGKILL);
    }
    for (int i = 0; i < high; i++) {
        pid_t pid = __atomic_load_n(&registry[i], __ATOMIC_RELAXED);
        if (pid > 0)
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
            }
    }
    signal(sig, SIG_DFL);            /* die of the same signal */
    errno = saved;
    raise(sig);
}

void rt_children_install(void)
{
    static bool installed;
    if (installed)
        return;
    installed = true;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigfillset(&sa.sa_mask);         /* one cleanup at a time */
    for (int i = 0; i < NFATAL; i++)
        sigaction(fatal_signals[i], &sa, NULL);
}

static void registry_add(pid_t pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++) {
        if (registry[i] == 0) {
            __atomic_store_n(&registry[i], pid, __ATOMIC_RELAXED);
            if (i >= registry_high)
                __atomic_store_n(&registry_high, i + 1, __ATOMIC_RELEASE);
            return;
        }
    }
    /* Full: the child still dies with us (death signal), it is only not
     * reaped by the handler. */
}

void rt_child_forget(pid_t pid)
{
    for (int i = 0; i < registry_high; i++)
        if (registry[i] == pid)
            __atomic_store_n(&registry[i], 0, __ATOMIC_RELAXED);
}

int rt_children_live(void)
{
    int n = 0;
    for (int i = 0; i < registry_high; i++)
        n += registry[i] > 0;
    return n;
}

pid_t rt_child_fork(void)
{
    rt_children_install();
    pid_t parent = getpid();
    /* Block the fatal signals across fork so the handler never sees a pid
     * it has not been told about, and the child never runs it. */
    sigset_t fatal, old;
    sigemptyset(&fatal);
    for (int i = 0; i < NFATAL; i++)
        sigaddset(&fatal, fatal_signals[i]);
    sigprocmask(SIG_BLOCK, &fatal, &old);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < NFATAL; i++)
            signal(fatal_signals[i], SIG_DFL);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)     /* the parent died before prctl */
            _exit(1);
    } else if (pid > 0) {
        registry_add(pid);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return pid;
}

int rt_child_reap(pid_t pid, int grace_ms)
{
    int status = 0;
    struct timespec tick = { 0, 1000000 };   /* 1 ms */
    for (int waited = 0;; waited++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            break;
        if (waited >= grace_ms) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            break;
        }
        nanosleep(&tick, NULL);
    }
    rt_child_forget(pid);
    return status;
}

void rt_wait_status_string(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, len, "stopped with wait status 0x%x", (unsigned)status);
}
