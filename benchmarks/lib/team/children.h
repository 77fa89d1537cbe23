/*
 * children.h - every process racetrack forks is registered here, so that no
 * zombie or orphan outlives a run:
 *
 *   - on SIGINT, SIGTERM, SIGHUP or SIGQUIT the parent kills and reaps every
 *     registered child, then dies of the same signal (so its exit status
 *     still says what happened);
 *   - each child asks the kernel for SIGKILL when its parent dies
 *     (PR_SET_PDEATHSIG), which covers a parent killed by SIGKILL.
 *
 * PR_SET_PDEATHSIG fires when the *thread* that forked exits: fork from a
 * thread that outlives the child (racetrack forks from the main thread).
 */
#ifndef RT_CHILDREN_H
#define RT_CHILDREN_H

#include <sys/types.h>

/* Install the parent's signal handlers (idempotent). */
void rt_children_install(void);

/* fork() and register the child.  In the child: the parent's handlers are
 * reset to their defaults, the death signal is armed, and if the parent
 * already died the child exits at once.  Returns as fork() does. */
pid_t rt_child_fork(void);

/* Forget a child that has been reaped. */
void rt_child_forget(pid_t pid);

/* Wait up to grace_ms for the child to exit, then SIGKILL it; always reaps
 * it and forgets it.  Returns its wait status. */
int rt_child_reap(pid_t pid, int grace_ms);

/* "exited with status 3", "killed by signal 11 (Segmentation fault)". */
void rt_wait_status_string(int status, char *buf, size_t len);

/* Number of registered children (for tests). */
int rt_children_live(void);

#endif /* RT_CHILDREN_H */
