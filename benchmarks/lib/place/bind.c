/*
 * bind.c - apply one plan entry to the calling thread, and verify it.
 *
 * Binding is only attempted on the real machine: on a synthetic topology
 * hwloc's binding hooks are dummies that return 0 and do nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>

#include "place/plan.h"

int rt_bind_thread(const rt_topo *t, int pu)
{
    if (pu < 0)
        return 0;                       /* unpinned by plan */
    if (!t->this_system) {
        errno = ENOSYS;
        return -1;
    }
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    hwloc_bitmap_only(set, (unsigned)pu);
    int rc = hwloc_set_cpubind(t->topo, set, HWLOC_CPUBIND_THREAD);
    int saved = errno;
    hwloc_bitmap_free(set);
    errno = saved;
    return rc < 0 ? -1 : 0;
}

hwloc_bitmap_t rt_thread_mask_save(const rt_topo *t)
{
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (!t->this_system || hwloc_get_cpubind(t->topo, set, HWLOC_CPUBIND_THREAD) < 0) {
        hwloc_bitmap_free(set);
        return NULL;
    }
    return set;
}

void rt_thread_mask_restore(const rt_topo *t, hwloc_bitmap_t saved)
{
    if (!saved)
        return;
    (void)hwloc_set_cpubind(t->topo, saved, HWLOC_CPUBIND_THREAD);
    hwloc_bitmap_free(saved);
}

int rt_bind_probe(const rt_topo *t)
{
    if (!t->this_system) {
        errno = ENOSYS;
        return -1;
    }
    hwloc_bitmap_t set = rt_thread_mask_save(t);
    if (!set)
        return -1;
    int rc = hwloc_set_cpubind(t->topo, set, HWLOC_CPUBIND_THREAD);
    int saved = errno;
    hwloc_bitmap_free(set);
    errno = saved;
    return rc < 0 ? -1 : 0;
}

int rt_current_cpu(void)
{
    return sched_getcpu();
}
