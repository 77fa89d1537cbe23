/*
 * pool.h - already-running workers that take tasks: what a program buys
 * with concurrent.futures' ThreadPoolExecutor and ProcessPoolExecutor.
 *
 * Thread pool: W threads take tasks from one queue (mutex + condition
 * variable); the submitter waits on a futex in its own task record until
 * the task has run, like submit(f).result().
 *
 * Process pool: W forked children read 16-byte task records
 * {submitter, task id} from one shared pipe (writes and reads of at most
 * PIPE_BUF bytes are atomic, so records never tear) and answer the task id
 * on the submitter's own reply pipe.  Several submitters may use a pool
 * at once.  Both pools count the tasks they ran, in memory the parent
 * reads, so a test can check that every task ran exactly once.
 */
#ifndef RT_POOL_H
#define RT_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef void (*rt_task_fn)(void *arg);

typedef struct rt_thread_pool rt_thread_pool;
rt_thread_pool *rt_thread_pool_start(int workers, char *err, size_t errlen);
/* Run fn(arg) on a pool thread and wait until it has returned. */
void rt_thread_pool_run(rt_thread_pool *p, rt_task_fn fn, void *arg);
int64_t rt_thread_pool_executed(const rt_thread_pool *p);
void rt_thread_pool_stop(rt_thread_pool *p);

typedef struct rt_process_pool rt_process_pool;
/* submitters: how many callers may submit at once (each gets a reply
 * pipe); they are numbered 0 .. submitters-1. */
rt_process_pool *rt_process_pool_start(int workers, int submitters, char *err, size_t errlen);
/* Have a pool process run task `task` (an empty task: it counts it and
 * answers) and wait for the answer.  Returns 0, or -1 with the reason. */
int rt_process_pool_run(rt_process_pool *p, int submitter, uint64_t task, char *err,
                        size_t errlen);
int64_t rt_process_pool_executed(const rt_process_pool *p);
/* Close the task pipe (the workers see end-of-file and exit) and reap
 * them.  Returns 0, or -1 if one did not exit cleanly. */
int rt_process_pool_stop(rt_process_pool *p, char *err, size_t errlen);

#endif /* RT_POOL_H */
