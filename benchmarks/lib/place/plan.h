/*
 * plan.h - where workers run: topology, planner, binder.
 *
 * Planning and binding are kept apart.  The planner is pure: (topology,
 * allowed PUs, policy, N) -> N PU OS indexes (P#), so it is unit-tested on
 * synthetic topologies of any shape.  The binder applies one entry to the
 * calling thread or process and verifies it with sched_getcpu().
 *
 * Policies (what a 2 packages x 8 cores x 2 PUs machine gives for N = 4,
 * siblings numbered adjacently):
 *   none         unpinned: the scheduler decides              -1 -1 -1 -1
 *   compact      one PU per core, cores in order, SMT siblings
 *                only after every core has one                0 2 4 6
 *   compact-smt  both PUs of a core before the next core      0 1 2 3
 *   scatter      round-robin over packages, SMT siblings last 0 16 2 18
 *   list         exactly the PUs of --cpus, in that order
 * compact, compact-smt and scatter are prefix-stable: the plan for N is the
 * plan for N-1 plus one PU, so a 1..N sweep never moves a worker.
 */
#ifndef RT_PLAN_H
#define RT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include <hwloc.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rt_topo {
    hwloc_topology_t topo;
    hwloc_bitmap_t allowed;   /* PUs (OS indexes) workers may use */
    bool this_system;         /* false for synthetic topologies: never bind */
} rt_topo;

/* The machine we run on; the allowed set honours cgroups (hwloc's allowed
 * cpuset) and the process's affinity mask (taskset).  Call before any
 * thread is pinned. */
int rt_topo_load_system(rt_topo *t, char *err, size_t errlen);
/* A synthetic topology, e.g. "pack:2 numa:1 core:8 pu:2", for tests. */
int rt_topo_load_synthetic(rt_topo *t, const char *desc, char *err, size_t errlen);
/* Restrict the allowed set to the PUs of a list such as "0-3,8". */
int rt_topo_restrict(rt_topo *t, const char *cpulist, char *err, size_t errlen);
void rt_topo_destroy(rt_topo *t);

int rt_topo_allowed_pus(const rt_topo *t);
int rt_topo_cores(const rt_topo *t);      /* cores with an allowed PU */
int rt_topo_packages(const rt_topo *t);   /* packages with an allowed PU */
int rt_topo_smt(const rt_topo *t);        /* most allowed PUs in one core */
/* The allowed set as a list string ("0-1"). */
void rt_topo_allowed_string(const rt_topo *t, char *buf, size_t len);

typedef enum rt_policy {
    RT_POLICY_NONE,
    RT_POLICY_COMPACT,
    RT_POLICY_COMPACT_SMT,
    RT_POLICY_SCATTER,
    RT_POLICY_LIST,
} rt_policy;

/* Names in the order above, NULL-terminated, for flag parsing. */
extern const char *const rt_policy_names[];
const char *rt_policy_name(rt_policy p);

typedef struct rt_placement {
    const rt_topo *topo;
    rt_policy policy;
    const int *cpus;          /* RT_POLICY_LIST: the PUs, in order */
    int ncpus;
    bool oversubscribe;       /* allow more workers than PUs (wrap around) */
} rt_placement;

/* Plan n workers: out[i] is a PU OS index, or -1 when unpinned.
 * Returns 0, or -1 with a one-line reason in err. */
int rt_plan(const rt_placement *pl, int n, int *out, char *err, size_t errlen);

/* Validate a placement for up to n workers without keeping the plan. */
int rt_plan_check(const rt_placement *pl, int n, char *err, size_t errlen);

/* How two PUs relate in the topology: "same-pu", "smt-siblings",
 * "same-l2", "same-l3", "same-package", "other-package", or "unpinned"
 * if either is -1. */
const char *rt_pair_relation(const rt_topo *t, int pu_a, int pu_b);

/* ---- binding (only on the real machine) ---------------------------------- */
/* Pin the calling thread to one PU.  Returns 0, or -1 with errno set. */
/* Where two communicating workers go, by what they share:
 *   same-pu        one PU, time-sliced
 *   smt-siblings   two PUs of one core
 *   other-core     two cores that share their closest cache (L2 or L3),
 *                  or, on a machine with no L3 objects, one package
 *   other-l3       two cores of one package under different L3 caches
 *   other-package  two packages
 * rt_pair_find picks the first allowed pair of that kind (lowest OS
 * indexes), or returns -1 if the machine has none. */
typedef enum rt_pair_kind {
    RT_PAIR_SAME_PU, RT_PAIR_SMT, RT_PAIR_OTHER_CORE, RT_PAIR_OTHER_L3, RT_PAIR_OTHER_PACKAGE,
    RT_PAIR_KINDS
} rt_pair_kind;
extern const char *const rt_pair_kind_names[];   /* NULL-terminated */
int rt_pair_find(const rt_topo *t, rt_pair_kind kind, int out[2]);
/* The closest kind of pair on two different cores that the machine has:
 * other-core, else other-l3 (a VM may give every core its own L3), else
 * other-package; with a single core, smt-siblings; with a single PU,
 * same-pu.  The default wherever "two workers on different cores" is meant. */
rt_pair_kind rt_pair_closest_cores(const rt_topo *t);

int rt_bind_thread(const rt_topo *t, int pu);
/* May this thread bind itself here?  Binds it to the set it already has:
 * 0, or -1 with errno (EPERM, EINVAL in a restricted container, ENOSYS on a
 * synthetic topology). */
int rt_bind_probe(const rt_topo *t);
/* Save and restore the calling thread's CPU mask. */
hwloc_bitmap_t rt_thread_mask_save(const rt_topo *t);
void rt_thread_mask_restore(const rt_topo *t, hwloc_bitmap_t saved);
/* The CPU the caller runs on now. */
int rt_current_cpu(void);

/* ---- CPU lists ------------------------------------------------------------ */
/* Parse "0,2-5" into a malloc'd array (order kept, duplicates rejected).
 * Returns the count, or -1 with a reason in err. */
int rt_cpulist_parse(const char *s, int **out, char *err, size_t errlen);
/* Format PUs as "0,1,0,1" (-1 printed as "-"). */
void rt_cpulist_format(const int *cpus, int n, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* RT_PLAN_H */
