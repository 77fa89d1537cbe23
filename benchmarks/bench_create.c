/*
 * bench_create - what creating a thread or a process costs.
 *
 * The tutorials' table: "creating a thread is fast, creating a process is
 * slow".  One operation is created, run (an empty function, or an
 * immediate exit) and waited for:
 *   thread/join          pthread_create + pthread_join
 *   thread/detached      pthread_create of a detached thread (the batch
 *                        waits for all of them to have exited)
 *   process/fork         fork + child _exit + waitpid (lmbench lat_proc fork)
 *   process/vfork        vfork + child _exit + waitpid
 *   process/posix_spawn  posix_spawn of rt_tiny + waitpid
 *   process/fork_exec    fork + execve of rt_tiny + waitpid
 *   pool/threads         an empty task through a running thread pool, and
 *                        its result (ThreadPoolExecutor.submit().result())
 *   pool/processes       the same through a process pool over a pipe
 * as latency (1 creator) and as throughput (1, 2, 4, ... PUs creators at
 * once, each pinned by the placement policy; items_per_second is the
 * whole machine's rate).  A second family forks from a parent holding
 * 1 MiB .. 1 GiB of touched memory: fork alone, and fork + exit + wait.
 * Every run records the parent's resident memory (parent_rss_mib).
 *
 * Creation benchmarks fork with plain fork(), not the registered fork of
 * children.h, so that nothing but the creation is measured: each child
 * exits at once and is reaped within the same iteration.  The pools'
 * long-lived processes are registered.  After every creation run the
 * process may have no more threads than before it, and waitpid must find
 * no child: otherwise the run is an error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "driver.h"
#include "flags.h"
#include "machine.h"
#include "pool/pool.h"
#include "shim/rt_bench.h"

extern char **environ;

static const char summary[] =
    "Creation cost of threads and processes: latency, throughput, and fork vs parent size.";

/* ---- parameters ------------------------------------------------------------ */

#define MAX_CREATORS 4096
#define MAX_SIZES 16

static rt_place_opts place_opts = RT_PLACE_OPTS_DEFAULT;
static int64_t max_creators = 0;               /* 0: the allowed PUs */
static int64_t pool_workers = 0;               /* 0: the allowed PUs */
static const char *fork_sizes_text = "1,16,256,1024";
static bool fork_thp = false;
static const char *tiny_path = NULL;           /* NULL: rt_tiny beside this program */

static rt_flag flags[] = {
    RT_PLACEMENT_FLAGS(place_opts),
    { "max-creators", RT_FLAG_INT, &max_creators, 0, MAX_CREATORS, NULL,
      "throughput: 1, 2, 4, ... up to this many creators at once (0: PUs)", false },
    { "pool-workers", RT_FLAG_INT, &pool_workers, 0, MAX_CREATORS, NULL,
      "threads or processes in each pool (0: PUs)", false },
    { "fork-sizes-mib", RT_FLAG_STRING, &fork_sizes_text, 0, 0, NULL,
      "parent memory for the fork-vs-size family, MiB (comma-separated, 1..65536)", false },
    { "fork-thp", RT_FLAG_BOOL, &fork_thp, 0, 0, NULL,
      "let that memory use transparent huge pages (default: 4 KiB pages)", false },
    { "tiny", RT_FLAG_STRING, &tiny_path, 0, 0, NULL,
      "the program posix_spawn and execve start (default: rt_tiny beside this one)", false },
    RT_FLAG_END,
};

static rt_machine machine;
static char tiny[PATH_MAX];

/* ---- the fork family's memory, kept between its runs --------------------------- */

/* Touching memory is slow on some VMs (a first touch of a 4 KiB page cost
 * ~13 us on the project's KVM guest: 3.5 s per GiB), and Google Benchmark
 * calls a run's function once to size it and again to measure it.  So the
 * fork family keeps its touched mapping between calls of the same size,
 * and every creation run drops it first (fork_memory_release in its setup
 * hook): no creation run forks from a parent that still holds it. */
static struct { void *p; size_t bytes; } fork_memory;

static void fork_memory_release(void)
{
    if (fork_memory.p)
        munmap(fork_memory.p, fork_memory.bytes);
    fork_memory.p = NULL;
    fork_memory.bytes = 0;
}

/* A private mapping of `bytes` with every page present, or NULL. */
static void *fork_memory_get(size_t bytes)
{
    if (fork_memory.p && fork_memory.bytes == bytes)
        return fork_memory.p;
    fork_memory_release();
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    madvise(p, bytes, fork_thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    memset(p, 1, bytes);                  /* every page present */
    fork_memory.p = p;
    fork_memory.bytes = bytes;
    return p;
}

static double resident_mib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f && fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
    if (f)
        fclose(f);
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1 << 20);
}

/* ---- accounting: no thread left running, every child reaped -------------------- */

/* How long the check waits for exiting threads to leave /proc. */
#define SETTLE_MS 2000

static int tasks_before;       /* threads of this process before the run's threads start */
static double rss_before;      /* its resident memory then, MiB */

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void count_before(const rt_state *st, void *user)
{
    (void)st;
    (void)user;
    fork_memory_release();
    tasks_before = count_tasks();
    rss_before = resident_mib();
}

/* After the stop barrier, on thread 0: no more threads than before plus
 * Google Benchmark's other run threads (fewer is fine: a thread of an
 * earlier run may still have been leaving /proc), and no child at all. */
static void check_after(rt_state *st)
{
    if (rt_thread_index(st) != 0 || rt_error_occurred(st))
        return;
    rt_counter(st, "parent_rss_mib", rss_before, RT_COUNTER_DEFAULT);
    int most = tasks_before + rt_threads(st) - 1, have = count_tasks();
    struct timespec tick = { 0, 1000000 };
    for (int ms = 0; have > most && ms < SETTLE_MS; ms++, have = count_tasks())
        nanosleep(&tick, NULL);          /* exiting threads may still be listed */
    char msg[160];
    if (have > most) {
        snprintf(msg, sizeof msg, "%d threads after the run, at most %d expected: a created "
                 "thread is still running", have, most);
        rt_skip_with_error(st, msg);
    } else if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
        rt_skip_with_error(st, "a child was left unreaped");
    }
}

/* ---- one creation per iteration ------------------------------------------------ */

static void *empty_thread(void *arg)
{
    return arg;
}

static void create_thread_join(rt_state *st, void *user)
{
    (void)user;
    RT_LOOP(st) {
        pthread_t t;
        if (pthread_create(&t, NULL, empty_thread, NULL) != 0) {
            rt_skip_with_error(st, "pthread_create failed");
            break;
        }
        pthread_join(t, NULL);
    }
    check_after(st);
    rt_items_processed(st, rt_iterations(st));
}

/* Detached threads count themselves out on a futex word of their creator. */
static void *detached_thread(void *arg)
{
    uint32_t *alive = arg;
    if (__atomic_sub_fetch(alive, 1, __ATOMIC_RELEASE) == 0)
        syscall(SYS_futex, alive, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    return NULL;
}

static void create_thread_detached(rt_state *st, void *user)
{
    (void)user;
    uint32_t alive = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int64_t n = rt_loop_begin(st); n > 0; n--) {
        pthread_t t;
        __atomic_add_fetch(&alive, 1, __ATOMIC_RELAXED);
        if (pthread_create(&t, &attr, detached_thread, &alive) != 0) {
            __atomic_sub_fetch(&alive, 1, __ATOMIC_RELAXED);
            rt_skip_with_error(st, "pthread_create failed");
            break;
        }
    }
    /* Still timed: the batch ends when the last thread has exited. */
    uint32_t v;
    while ((v = __atomic_load_n(&alive, __ATOMIC_ACQUIRE)) != 0)
        syscall(SYS_futex, &alive, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
    rt_loop_end(st);
    pthread_attr_destroy(&attr);
    check_after(st);
    rt_items_processed(st, rt_iterations(st));
}

/* Wait for one child and check that it exited with status 0. */
static int reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

enum { KIND_FORK, KIND_VFORK, KIND_SPAWN, KIND_FORK_EXEC };

static void create_process(rt_state *st, void *user)
{
    int kind = (int)(intptr_t)user;
    char *const argv[] = { tiny, NULL };
    RT_LOOP(st) {
        pid_t pid = -1;
        switch (kind) {
        case KIND_FORK:
            if ((pid = fork()) == 0)
                _exit(0);
            break;
        case KIND_VFORK:
            if ((pid = vfork()) == 0)
                _exit(0);
            break;
        case KIND_SPAWN:
            if (posix_spawn(&pid, tiny, NULL, NULL, argv, environ) != 0)
                pid = -1;
            break;
        case KIND_FORK_EXEC:
            if ((pid = fork()) == 0) {
                execve(tiny, argv, environ);
                _exit(127);
            }
            break;
        }
        if (pid < 0 || reap(pid) < 0) {
            char msg[PATH_MAX + 64];
            snprintf(msg, sizeof msg, "%s", pid < 0 ? "cannot create a process"
                     : kind >= KIND_SPAWN ? "the tiny program did not exit 0 (see --tiny)"
                                          : "a child did not exit 0");
            rt_skip_with_error(st, msg);
            break;
        }
    }
    check_after(st);
    rt_items_processed(st, rt_iterations(st));
}

/* ---- pools ------------------------------------------------------------------------ */

static rt_thread_pool *thread_pool;
static rt_process_pool *process_pool;
static char pool_error[256];

static int pool_size(void)
{
    return pool_workers ? (int)pool_workers : rt_topo_allowed_pus(&machine.topo);
}

static void start_pools(const rt_state *st, void *user)
{
    fork_memory_release();
    pool_error[0] = '\0';
    if (user)
        process_pool = rt_process_pool_start(pool_size(), rt_threads(st), pool_error,
                                             sizeof pool_error);
    else
        thread_pool = rt_thread_pool_start(pool_size(), pool_error, sizeof pool_error);
}

static void stop_pools(const rt_state *st, void *user)
{
    (void)st;
    (void)user;
    if (thread_pool)
        rt_thread_pool_stop(thread_pool);
    if (process_pool && rt_process_pool_stop(process_pool, pool_error, sizeof pool_error) < 0)
        fprintf(stderr, "bench_create: %s\n", pool_error);
    thread_pool = NULL;
    process_pool = NULL;
}

static void empty_task(void *arg)
{
    (void)arg;
}

static void submit_to_pool(rt_state *st, void *user)
{
    char err[256];
    if (!thread_pool && !process_pool) {
        rt_skip_with_error(st, pool_error);
        return;
    }
    uint64_t task = 0;
    RT_LOOP(st) {
        if (!user) {
            rt_thread_pool_run(thread_pool, empty_task, NULL);
        } else if (rt_process_pool_run(process_pool, rt_thread_index(st), task++, err,
                                       sizeof err) < 0) {
            rt_skip_with_error(st, err);
            break;
        }
    }
    rt_items_processed(st, rt_iterations(st));
}

/* ---- fork against the parent's size ------------------------------------------------- */

static double seconds_now(void) { return (double)rt_now_ns() * 1e-9; }

/* user: 1 to time fork() alone (manual time), 0 for fork + exit + wait. */
static void fork_with_memory(rt_state *st, void *user)
{
    bool fork_only = user != NULL;
    size_t bytes = (size_t)rt_range(st, 0) << 20;
    void *mem = fork_memory_get(bytes);
    if (!mem) {
        rt_skip_with_error(st, "cannot map and touch the parent's memory");
        return;
    }
    double rss = resident_mib();
    RT_LOOP(st) {
        double t0 = seconds_now();
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        double forked = seconds_now() - t0;
        if (pid < 0 || reap(pid) < 0) {
            rt_skip_with_error(st, "fork failed");
            break;
        }
        if (fork_only)
            rt_set_iteration_time(st, forked);
    }
    rt_counter(st, "parent_rss_mib", rss, RT_COUNTER_DEFAULT);
    rt_items_processed(st, rt_iterations(st));
}

/* ---- registration -------------------------------------------------------------------- */

static void sweep_creators(rt_bench *b, int most)
{
    rt_bench_hooks(b, count_before, NULL);
    rt_bench_threads_doubling(b, 1, most);
    rt_bench_use_real_time(b);
    rt_bench_extra_statistics(b);
    rt_bench_placement(b, &machine.place);
}

static void find_tiny(const char *argv0)
{
    if (tiny_path) {
        snprintf(tiny, sizeof tiny, "%s", tiny_path);
    } else {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 0] = '\0';
        snprintf(tiny, sizeof tiny, "%s/rt_tiny", n > 0 ? dirname(self) : ".");
    }
    if (access(tiny, X_OK) != 0) {
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof msg, "--tiny: '%s' is not an executable program", tiny);
        rt_usage_error(argv0, msg);
    }
    rt_context("tiny_program", tiny);
}

int main(int argc, char **argv)
{
    rt_flags_main(&argc, argv, summary, flags);
    char err[512];
    int64_t sizes[MAX_SIZES];
    int nsizes = rt_list_ints("fork-sizes-mib", fork_sizes_text, 1, 65536, sizes, MAX_SIZES,
                              err, sizeof err);
    if (nsizes < 0)
        rt_usage_error(argv[0], err);
    find_tiny(argv[0]);
    rt_machine_init(&machine, argv[0], &place_opts, 1);
    int most = max_creators ? (int)max_creators : rt_topo_allowed_pus(&machine.topo);
    if (rt_plan_check(&machine.place, most, err, sizeof err) < 0)
        rt_usage_error(argv[0], err);
    rt_contextf("pool_workers", "%d", pool_size());
    rt_contextf("sweep.max_creators", "%d", most);

    sweep_creators(rt_bench_register("create/thread/join", create_thread_join, NULL), most);
    sweep_creators(rt_bench_register("create/thread/detached", create_thread_detached, NULL),
                   most);
    static const char *const process_names[] = { "create/process/fork", "create/process/vfork",
                                                 "create/process/posix_spawn",
                                                 "create/process/fork_exec" };
    for (int k = KIND_FORK; k <= KIND_FORK_EXEC; k++)
        sweep_creators(rt_bench_register(process_names[k], create_process, (void *)(intptr_t)k),
                       most);
    for (int k = 0; k < 2; k++) {
        rt_bench *b = rt_bench_register(k ? "create/pool/processes" : "create/pool/threads",
                                        submit_to_pool, k ? (void *)1 : NULL);
        sweep_creators(b, most);
        rt_bench_hooks(b, start_pools, stop_pools);   /* replaces count_before */
    }
    for (int k = 0; k < 2; k++) {
        rt_bench *b = rt_bench_register(k ? "fork_size/fork_only" : "fork_size/fork_exit_wait",
                                        fork_with_memory, k ? (void *)1 : NULL);
        rt_bench_arg_name(b, "rss_mib");
        for (int i = 0; i < nsizes; i++)
            rt_bench_arg(b, sizes[i]);
        if (k)
            rt_bench_use_manual_time(b);
        else
            rt_bench_use_real_time(b);
        rt_bench_extra_statistics(b);
    }
    rt_context("fork_size.pages", fork_thp ? "transparent huge pages allowed" : "4 KiB");

    int errors = rt_run_reported("bench_create");
    fork_memory_release();
    rt_shutdown();
    rt_machine_destroy(&machine);
    return errors == 0 ? 0 : 1;
}
