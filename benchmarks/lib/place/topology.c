/*
 * topology.c - load the machine (or a synthetic one) and the set of PUs the
 * workers may use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/plan.h"

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, strerror(errno));
    return -1;
}

static void topo_clear(rt_topo *t)
{
    t->topo = NULL;
    t->allowed = NULL;
    t->this_system = false;
}

int rt_topo_load_system(rt_topo *t, char *err, size_t errlen)
{
    topo_clear(t);
    if (hwloc_topology_init(&t->topo) < 0)
        return fail(err, errlen, "hwloc_topology_init");
    if (hwloc_topology_load(t->topo) < 0) {
        hwloc_topology_destroy(t->topo);
        return fail(err, errlen, "hwloc_topology_load");
    }
    t->this_system = hwloc_topology_is_thissystem(t->topo);

    /* hwloc's allowed cpuset honours cgroups; taskset is honoured by
     * intersecting with the process's current binding. */
    t->allowed = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(t->topo));
    hwloc_bitmap_t bound = hwloc_bitmap_alloc();
    if (t->this_system && hwloc_get_cpubind(t->topo, bound, HWLOC_CPUBIND_PROCESS) == 0)
        hwloc_bitmap_and(t->allowed, t->allowed, bound);
    hwloc_bitmap_free(bound);
    if (hwloc_bitmap_iszero(t->allowed)) {
        snprintf(err, errlen, "no usable PU: the allowed cpuset is empty");
        rt_topo_destroy(t);
        return -1;
    }
    return 0;
}

int rt_topo_load_synthetic(rt_topo *t, const char *desc, char *err, size_t errlen)
{
    topo_clear(t);
    if (hwloc_topology_init(&t->topo) < 0)
        return fail(err, errlen, "hwloc_topology_init");
    if (hwloc_topology_set_synthetic(t->topo, desc) < 0 ||
        hwloc_topology_load(t->topo) < 0) {
        snprintf(err, errlen, "invalid synthetic topology '%s'", desc);
        hwloc_topology_destroy(t->topo);
        t->topo = NULL;
        return -1;
    }
    t->this_system = false;
    t->allowed = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(t->topo));
    return 0;
}

int rt_topo_restrict(rt_topo *t, const char *cpulist, char *err, size_t errlen)
{
    int *cpus = NULL;
    int n = rt_cpulist_parse(cpulist, &cpus, err, errlen);
    if (n < 0)
        return -1;
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    for (int i = 0; i < n; i++)
        hwloc_bitmap_set(set, (unsigned)cpus[i]);
    hwloc_bitmap_and(t->allowed, t->allowed, set);
    hwloc_bitmap_free(set);
    free(cpus);
    if (hwloc_bitmap_iszero(t->allowed)) {
        snprintf(err, errlen, "restricting to '%s' leaves no PU", cpulist);
        return -1;
    }
    return 0;
}

void rt_topo_destroy(rt_topo *t)
{
    if (t->allowed)
        hwloc_bitmap_free(t->allowed);
    if (t->topo)
        hwloc_topology_destroy(t->topo);
    topo_clear(t);
}

int rt_topo_allowed_pus(const rt_topo *t)
{
    return hwloc_bitmap_weight(t->allowed);
}

/* Objects of a type that hold at least one allowed PU. */
static int count_with_allowed(const rt_topo *t, hwloc_obj_type_t type)
{
    int n = 0, total = hwloc_get_nbobjs_by_type(t->topo, type);
    for (int i = 0; i < total; i++) {
        hwloc_obj_t o = hwloc_get_obj_by_type(t->topo, type, (unsigned)i);
        if (hwloc_bitmap_intersects(o->cpuset, t->allowed))
            n++;
    }
    return n;
}

int rt_topo_cores(const rt_topo *t)
{
    int n = count_with_allowed(t, HWLOC_OBJ_CORE);
    return n ? n : rt_topo_allowed_pus(t);
}

int rt_topo_packages(const rt_topo *t)
{
    int n = count_with_allowed(t, HWLOC_OBJ_PACKAGE);
    return n ? n : 1;
}

int rt_topo_smt(const rt_topo *t)
{
    int best = 1, total = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_CORE);
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    for (int i = 0; i < total; i++) {
        hwloc_obj_t o = hwloc_get_obj_by_type(t->topo, HWLOC_OBJ_CORE, (unsigned)i);
        hwloc_bitmap_and(set, o->cpuset, t->allowed);
        int w = hwloc_bitmap_weight(set);
        if (w > best)
            best = w;
    }
    hwloc_bitmap_free(set);
    return best;
}

void rt_topo_allowed_string(const rt_topo *t, char *buf, size_t len)
{
    hwloc_bitmap_list_snprintf(buf, len, t->allowed);
}
