/*
 * faulty.c - a workload that wraps another and makes one worker fail on
 * purpose, so the tests can watch a failure travel: a returned error, an
 * exit, a fatal signal, or a failed assertion (in thread mode the last
 * three take the whole program down, as they would a real one).
 */
#undef NDEBUG              /* the injected assertion must fire in every build */
#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "work/workloads.h"

const char *const rt_fail_how_names[] = { "return", "exit", "signal", "assert", NULL };

/* Exit status of a worker told to exit. */
#define INJECTED_EXIT_STATUS 3

static int with_inner(rt_worker *w, int (*fn)(rt_worker *))
{
    const rt_faulty_config *f = w->config;
    if (!fn)
        return 0;
    w->config = f->inner_config;
    int rc = fn(w);
    w->config = f;
    return rc;
}

static int faulty_init(rt_worker *w)
{
    const rt_faulty_config *f = w->config;
    return with_inner(w, f->inner->init);
}

static int faulty_run(rt_worker *w)
{
    const rt_faulty_config *f = w->config;
    if (w->index == f->fail_worker) {
        switch (f->how) {
        case RT_FAIL_RETURN:
            snprintf(w->err, w->errlen, "injected failure (--fail-worker %d)", f->fail_worker);
            return -1;
        case RT_FAIL_EXIT:
            _exit(INJECTED_EXIT_STATUS);
        case RT_FAIL_SIGNAL:
            raise(SIGSEGV);
            break;
        case RT_FAIL_ASSERT:
            assert(w->index != f->fail_worker && "injected assertion (--fail-how assert)");
            break;
        }
    }
    return with_inner(w, f->inner->run);
}

static void faulty_fini(rt_worker *w)
{
    const rt_faulty_config *f = w->config;
    if (f->inner->fini) {
        w->config = f->inner_config;
        f->inner->fini(w);
        w->config = f;
    }
}

const rt_workload rt_work_faulty = { "faulty", faulty_init, faulty_run, faulty_fini };
