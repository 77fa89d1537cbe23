/*
 * test_team.c - the worker team, its workloads and the responder:
 *   - process mode really shares: a counter every child increments adds up;
 *   - the CPU kernel's checksum is the same in both modes and any split;
 *   - a round on some of the workers gives the others nothing;
 *   - a worker that fails (returns, exits, is killed) fails the round with
 *     "worker K" and why, and stopping leaves no child at all;
 *   - the responder answers each request after its delay, counts them, and
 *     is gone once stopped;
 *   - waiting work scales past the cores: 16 sleeping workers do well over
 *     4 x the items per second of 1 (an order-of-magnitude claim);
 *   - a round's blocked time counts every blocking call: at least the sleeps
 *     asked for, never more than the workers x the round, and no more than
 *     the round itself when the waits cannot overlap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "team/children.h"
#include "team/team.h"
#include "work/responder.h"
#include "work/workloads.h"

#define MODES 2

/* ---- a workload that counts under the shared lock ---------------------------- */

typedef struct tally {
    int64_t locked;            /* incremented under the robust mutex */
    int64_t atomic;            /* incremented with an atomic add */
} tally;

static int count_run(rt_worker *w)
{
    tally *t = w->shared;
    for (int64_t i = 0; i < w->count; i++) {
        rt_shared_lock(w->lock);
        t->locked++;
        rt_shared_unlock(w->lock);
        __atomic_add_fetch(&t->atomic, 1, __ATOMIC_RELAXED);
    }
    w->checksum += rt_index_checksum(w->first, w->count);
    return 0;
}

static const rt_workload counting = { "count", NULL, count_run, NULL };

/* No child of this process is left, running or zombie. */
static void check_no_children(const char *what)
{
    errno = 0;
    pid_t r = waitpid(-1, NULL, WNOHANG);
    CHECK(r == -1 && errno == ECHILD, "%s: a child is left (waitpid said %d)", what, (int)r);
    CHECK(rt_children_live() == 0, "%s: %d children still registered", what,
          rt_children_live());
}

static void test_sharing(const rt_placement *pl)
{
    enum { WORKERS = 4, PER_WORKER = 20000, ROUNDS = 3 };
    for (int m = 0; m < MODES; m++) {
        char err[512];
        rt_team_config cfg = { (rt_team_mode)m, WORKERS, pl, &counting, NULL, sizeof(tally) };
        rt_team *team = rt_team_start(&cfg, err, sizeof err);
        CHECK(team != NULL, "%s: %s", rt_team_mode_names[m], err);
        if (!team)
            continue;
        bool ok = true;
        for (int r = 0; r < ROUNDS && ok; r++) {
            rt_round round;
            ok = rt_team_round(team, WORKERS * PER_WORKER, &round, err, sizeof err) == 0;
            CHECK(ok, "%s round %d: %s", rt_team_mode_names[m], r, err);
            CHECK(round.checksum == rt_index_checksum(0, WORKERS * PER_WORKER),
                  "%s: every item done once", rt_team_mode_names[m]);
        }
        const tally *t = rt_team_shared(team);
        int64_t want = (int64_t)ROUNDS * WORKERS * PER_WORKER;
        CHECK(t->locked == want && t->atomic == want,
              "%s: the shared counters say %lld (locked) and %lld (atomic), expected %lld",
              rt_team_mode_names[m], (long long)t->locked, (long long)t->atomic,
              (long long)want);
        CHECK(rt_team_cpu_mismatches(team) == 0, "%s: %d workers not on their planned PU",
              rt_team_mode_names[m], rt_team_cpu_mismatches(team));
        if (m == RT_TEAM_PROCESSES) {
            const pid_t *pids = rt_team_pids(team);
            for (int i = 0; i < WORKERS; i++)
                CHECK(pids[i] > 0 && pids[i] != getpid(), "worker %d is a child", i);
        }
        CHECK(rt_team_stop(team, err, sizeof err) == 0, "%s stop: %s", rt_team_mode_names[m],
              err);
        check_no_children(rt_team_mode_names[m]);
    }
}

/* ---- checksums ------------------------------------------------------------------ */

static void test_checksums(const rt_placement *pl)
{
    enum { ITEMS = 103, STEPS = 100000 };   /* about 15 ms of work */
    const uint64_t want = rt_cpu_checksum(0, ITEMS, STEPS);
    const rt_cpu_config cpu = { STEPS };
    const int sizes[] = { 1, 3, 4, 7 };
    for (int m = 0; m < MODES; m++) {
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            char err[512];
            rt_team_config cfg = { (rt_team_mode)m, sizes[k], pl, &rt_work_cpu, &cpu, 0 };
            rt_team *team = rt_team_start(&cfg, err, sizeof err);
            rt_round r = { 0 };
            CHECK(team && rt_team_round(team, ITEMS, &r, err, sizeof err) == 0, "%s", err);
            CHECK(r.checksum == want, "cpu checksum, %s x %d: %llx, expected %llx",
                  rt_team_mode_names[m], sizes[k], (unsigned long long)r.checksum,
                  (unsigned long long)want);
            CHECK(r.cpu_seconds > 0, "the workers' CPU time is recorded");
            rt_team_stop(team, NULL, 0);
        }
    }
    CHECK(rt_index_checksum(0, 10) == 45, "index checksum of 0..9");
    CHECK(rt_index_checksum(5, 3) == 18, "index checksum of 5..7");
    CHECK(rt_cpu_checksum(0, 2, STEPS) == rt_cpu_item(0, STEPS) + rt_cpu_item(1, STEPS),
          "the cpu checksum is a sum of items");
    CHECK(rt_cpu_item(7, STEPS) != rt_cpu_item(7, STEPS + 1), "each step changes the item");
    CHECK(rt_cpu_item(7, STEPS) != rt_cpu_item(8, STEPS), "each item has its own result");
    rt_cpu_state whole, split;
    rt_cpu_start(&whole, 7);
    rt_cpu_start(&split, 7);
    rt_cpu_steps(&whole, 30);
    rt_cpu_steps(&split, 10);
    rt_cpu_steps(&split, 20);
    CHECK(memcmp(&whole, &split, sizeof whole) == 0 && rt_cpu_result(&whole) == rt_cpu_item(7, 30),
          "30 steps are 10 steps then 20, and the item's result");
    for (int lane = 0; lane < RT_CPU_LANES; lane++) {
        rt_cpu_state moved = whole, same = whole;
        moved.lane[lane] ^= 1;                           /* one bit of one lane */
        rt_cpu_steps(&moved, 5);
        rt_cpu_steps(&same, 5);
        CHECK(rt_cpu_result(&moved) != rt_cpu_result(&same), "lane %d reaches the result", lane);
    }
}

/* ---- rounds on some of the workers ----------------------------------------------- */

/* Each worker adds the items it was given to its own counter. */
static int share_run(rt_worker *w)
{
    int64_t *given = w->shared;
    given[w->index] += w->count;
    w->checksum += rt_index_checksum(w->first, w->count);
    return 0;
}

static const rt_workload sharing = { "share", NULL, share_run, NULL };

/* rt_team_round_some: the items go to workers first .. first+active-1
 * only, split as a team of that size would split them; the others get none. */
static void test_some_workers(const rt_placement *pl)
{
    enum { WORKERS = 4, ITEMS = 10 };
    static const struct { int first, active; int64_t want[WORKERS]; } cases[] = {
        { 0, 1, { 10, 0, 0, 0 } }, { 0, 2, { 5, 5, 0, 0 } }, { 0, 3, { 3, 3, 4, 0 } },
        { 0, 4, { 2, 3, 2, 3 } },  { 1, 1, { 0, 10, 0, 0 } }, { 3, 1, { 0, 0, 0, 10 } },
        { 1, 2, { 0, 5, 5, 0 } },  { 2, 4, { 0, 0, 5, 5 } },   /* clipped at the last worker */
    };
    for (int m = 0; m < MODES; m++) {
        char err[512];
        rt_team_config cfg = { (rt_team_mode)m, WORKERS, pl, &sharing, NULL,
                               WORKERS * sizeof(int64_t) };
        rt_team *team = rt_team_start(&cfg, err, sizeof err);
        CHECK(team != NULL, "%s", err);
        if (!team)
            continue;
        int64_t *given = rt_team_shared(team);
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            memset(given, 0, WORKERS * sizeof(int64_t));
            rt_round r = { 0 };
            CHECK(rt_team_round_some(team, ITEMS, cases[c].first, cases[c].active, &r, err,
                                     sizeof err) == 0,
                  "%s", err);
            CHECK(r.checksum == rt_index_checksum(0, ITEMS),
                  "%s, %d active from %d: every item once", rt_team_mode_names[m],
                  cases[c].active, cases[c].first);
            for (int i = 0; i < WORKERS; i++)
                CHECK(given[i] == cases[c].want[i],
                      "%s, %d active from %d: worker %d got %lld, want %lld",
                      rt_team_mode_names[m], cases[c].active, cases[c].first, i,
                      (long long)given[i], (long long)cases[c].want[i]);
        }
        rt_team_stop(team, NULL, 0);
    }
    check_no_children("rounds on some workers");
}

/* ---- failures ----------------------------------------------------------------------- */

static void expect_failure(const rt_placement *pl, rt_team_mode mode, rt_fail_how how,
                           int who, const char *says)
{
    enum { WORKERS = 4 };
    char err[512] = "", what[96];
    snprintf(what, sizeof what, "%s, %s", rt_team_mode_names[mode], rt_fail_how_names[how]);
    rt_sleep_config nap = { 1000 };
    rt_faulty_config f = { &rt_work_sleep, &nap, who, how };
    rt_team_config cfg = { mode, WORKERS, pl, &rt_work_faulty, &f, 0 };
    rt_team *team = rt_team_start(&cfg, err, sizeof err);
    CHECK(team != NULL, "%s: %s", what, err);
    if (!team)
        return;
    rt_round r;
    int rc = rt_team_round(team, WORKERS * 4, &r, err, sizeof err);
    CHECK(rc == -1, "%s: the round fails", what);
    char worker[32];
    snprintf(worker, sizeof worker, "worker %d", who);
    CHECK(strstr(err, worker) != NULL, "%s: the message names %s: '%s'", what, worker, err);
    CHECK(strstr(err, says) != NULL, "%s: the message says '%s': '%s'", what, says, err);
    CHECK(rt_team_round(team, WORKERS, &r, err, sizeof err) == -1 || how == RT_FAIL_RETURN,
          "%s: a team that lost a worker runs no more rounds", what);
    rt_team_stop(team, NULL, 0);
    check_no_children(what);
}

static void test_failures(const rt_placement *pl)
{
    expect_failure(pl, RT_TEAM_THREADS, RT_FAIL_RETURN, 2, "injected failure");
    expect_failure(pl, RT_TEAM_PROCESSES, RT_FAIL_RETURN, 2, "injected failure");
    expect_failure(pl, RT_TEAM_PROCESSES, RT_FAIL_EXIT, 0, "exited with status 3");
    expect_failure(pl, RT_TEAM_PROCESSES, RT_FAIL_SIGNAL, 3, "killed by signal 11");
}

/* ---- the responder -------------------------------------------------------------------- */

/* delay_us 0 is the echo server of bench_gil's convoy: each answer is sent
 * as soon as its request is read, not through the timer. */
static void test_responder(const rt_placement *pl, int64_t delay_us)
{
    enum { REPLY = 1000, WORKERS = 2, PER_WORKER = 3 };
    const int64_t DELAY_US = delay_us;
    char err[512];
    rt_responder resp;
    CHECK(rt_responder_start(&resp, DELAY_US, REPLY, err, sizeof err) == 0, "%s", err);
    CHECK(resp.port > 0 && resp.pid > 0, "the responder listens");
    rt_tcp_config tcp = { resp.port, REPLY };
    for (int m = 0; m < MODES; m++) {
        rt_team_config cfg = { (rt_team_mode)m, WORKERS, pl, &rt_work_tcp, &tcp, 0 };
        rt_team *team = rt_team_start(&cfg, err, sizeof err);
        rt_round r = { 0 };
        CHECK(team && rt_team_round(team, WORKERS * PER_WORKER, &r, err, sizeof err) == 0,
              "tcp %s: %s", rt_team_mode_names[m], err);
        CHECK(r.checksum == rt_index_checksum(0, WORKERS * PER_WORKER),
              "tcp %s: every answer carries its request's id", rt_team_mode_names[m]);
        /* A lower bound, which a delay cannot beat: each worker waits for
         * its requests one after another. */
        CHECK(r.seconds >= (double)PER_WORKER * (double)DELAY_US * 1e-6,
              "tcp %s: a round took %.4f s, less than %d delays of %lld us",
              rt_team_mode_names[m], r.seconds, PER_WORKER, (long long)DELAY_US);
        rt_team_stop(team, NULL, 0);
    }
    CHECK(rt_responder_served(&resp) == MODES * WORKERS * PER_WORKER, "served %lld",
          (long long)rt_responder_served(&resp));
    pid_t pid = resp.pid;
    int64_t served = -1;
    double cpu = -1;
    CHECK(rt_responder_stop(&resp, &served, &cpu, err, sizeof err) == 0, "stop: %s", err);
    CHECK(served == MODES * WORKERS * PER_WORKER, "stop reports %lld answers",
          (long long)served);
    CHECK(cpu > 0 && cpu < 10, "the responder's CPU time is recorded (%.6f s)", cpu);
    CHECK(kill(pid, 0) == -1 && errno == ESRCH, "the responder's process is gone");
    check_no_children("responder");

    /* A connection to a stopped responder fails with a clear message. */
    rt_team_config cfg = { RT_TEAM_PROCESSES, 1, pl, &rt_work_tcp, &tcp, 0 };
    rt_team *team = rt_team_start(&cfg, err, sizeof err);
    CHECK(team == NULL && strstr(err, "worker 0: tcp: cannot connect"), "'%s'", err);
    check_no_children("no responder");
}

/* ---- waiting work scales past the cores --------------------------------------------- */

static void test_waiting_scales(const rt_placement *pl)
{
    enum { MANY = 16, PER_WORKER = 20, SLEEP_US = 2000 };
    /* The claim is 16x; on any machine that can run 16 sleeping threads it
     * is far above this bound. */
    const double bound = 4;
    rt_sleep_config nap = { SLEEP_US };
    for (int m = 0; m < MODES; m++) {
        double rate[2];
        const int n[2] = { 1, MANY };
        for (int k = 0; k < 2; k++) {
            char err[512];
            rt_team_config cfg = { (rt_team_mode)m, n[k], pl, &rt_work_sleep, &nap, 0 };
            rt_team *team = rt_team_start(&cfg, err, sizeof err);
            rt_round r = { 0 };
            CHECK(team && rt_team_round(team, n[k] * PER_WORKER, &r, err, sizeof err) == 0,
                  "%s", err);
            rate[k] = r.seconds > 0 ? n[k] * PER_WORKER / r.seconds : 0;
            rt_team_stop(team, NULL, 0);
        }
        printf("sleep, %s: %.0f items/s with 1 worker, %.0f with %d (%.1fx)\n",
               rt_team_mode_names[m], rate[0], rate[1], MANY, rate[1] / rate[0]);
        CHECK(rate[1] > bound * rate[0], "%s: %d waiting workers give %.1fx of 1, not > %.0fx",
              rt_team_mode_names[m], MANY, rate[1] / rate[0], bound);
    }
}

/* ---- the time workers spend blocked ---------------------------------------------- */

/* Sleeps as rt_work_sleep does, but each under the team's lock: the waits
 * are serialized, as waits that kept a GIL would be. */
static int locked_sleep_run(rt_worker *w)
{
    const rt_sleep_config *c = w->config;
    for (int64_t i = 0; i < w->count; i++) {
        rt_shared_lock(w->lock);
        RT_WORK_BLOCKING(w, rt_sleep_us(c->sleep_us));
        rt_shared_unlock(w->lock);
    }
    w->checksum += rt_index_checksum(w->first, w->count);
    return 0;
}

static const rt_workload locked_sleep = { "locked-sleep", NULL, locked_sleep_run, NULL };

static void test_blocked_time(const rt_placement *pl)
{
    enum { WORKERS = 4, PER_WORKER = 5, SLEEP_US = 1000 };
    rt_sleep_config nap = { SLEEP_US };
    const rt_workload *kinds[] = { &rt_work_sleep, &locked_sleep };
    for (int m = 0; m < MODES; m++)
        for (int k = 0; k < 2; k++) {
            char err[512];
            rt_team_config cfg = { (rt_team_mode)m, WORKERS, pl, kinds[k], &nap, 0 };
            rt_team *team = rt_team_start(&cfg, err, sizeof err);
            rt_round r = { 0 };
            CHECK(team && rt_team_round(team, WORKERS * PER_WORKER, &r, err, sizeof err) == 0,
                  "%s", err);
            const char *what = kinds[k]->name, *mode = rt_team_mode_names[m];
            /* nanosleep never returns early */
            CHECK(r.blocked_seconds >= WORKERS * PER_WORKER * SLEEP_US * 1e-6,
                  "%s, %s: blocked %.6f s, less than the %d sleeps of %d us", what, mode,
                  r.blocked_seconds, WORKERS * PER_WORKER, SLEEP_US);
            CHECK(r.blocked_seconds <= WORKERS * r.seconds, "%s, %s: blocked %.6f s, round %.6f s",
                  what, mode, r.blocked_seconds, r.seconds);
            if (kinds[k] == &locked_sleep)
                CHECK(r.blocked_seconds <= r.seconds, "%s, %s: serialized waits blocked %.6f s "
                      "in a round of %.6f s", what, mode, r.blocked_seconds, r.seconds);
            /* an empty round blocks nobody */
            CHECK(team && rt_team_round(team, 0, &r, err, sizeof err) == 0 &&
                  r.blocked_seconds == 0, "%s, %s: an empty round blocked %.6f s", what, mode,
                  r.blocked_seconds);
            rt_team_stop(team, NULL, 0);
        }
    check_no_children("blocked time");
}

int main(void)
{
    rt_topo topo;
    char err[256];
    if (rt_topo_load_system(&topo, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    rt_placement pl = { &topo, RT_POLICY_COMPACT, NULL, 0, true };
    test_sharing(&pl);
    test_checksums(&pl);
    test_some_workers(&pl);
    test_failures(&pl);
    test_responder(&pl, 20000);
    test_responder(&pl, 0);
    test_waiting_scales(&pl);
    test_blocked_time(&pl);
    rt_topo_destroy(&topo);
    return check_summary();
}
