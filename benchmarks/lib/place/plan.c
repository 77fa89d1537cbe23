/*
 * plan.c - the pure planner: policy + topology + allowed PUs -> PU list.
 *
 * Each policy defines an order over all allowed PUs; the plan for N workers
 * is the first N of that order (wrapping round-robin when oversubscription
 * is allowed).  That makes every policy prefix-stable by construction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/plan.h"

const char *const rt_policy_names[] = {
    "none", "compact", "compact-smt", "scatter", "list", NULL,
};

const char *rt_policy_name(rt_policy p)
{
    return rt_policy_names[p];
}

/* One allowed PU and the keys the policies sort on. */
typedef struct pu_key {
    int os_index;
    int logical;   /* position in hwloc's logical PU order */
    int core;      /* first-appearance order of its core */
    int level;     /* 0 for a core's first allowed PU, 1 for its sibling... */
    int package;   /* first-appearance order of its package */
    int rank;      /* its core's rank within the package, at this level */
} pu_key;

static hwloc_obj_t ancestor_or_self(hwloc_topology_t topo, hwloc_obj_type_t type,
                                    hwloc_obj_t obj)
{
    if (obj->type == type)
        return obj;
    hwloc_obj_t a = hwloc_get_ancestor_obj_by_type(topo, type, obj);
    return a ? a : obj;
}

/* Index of obj in seen[0..*n), appending it if new. */
static int intern(hwloc_obj_t *seen, int *n, hwloc_obj_t obj)
{
    for (int i = 0; i < *n; i++)
        if (seen[i] == obj)
            return i;
    seen[*n] = obj;
    return (*n)++;
}

/* Fill keys for every allowed PU; returns how many. */
static int collect(const rt_topo *t, pu_key *keys)
{
    int total = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_PU);
    if (total <= 0)
        return 0;
    hwloc_obj_t *cores = calloc((size_t)total, sizeof *cores);
    hwloc_obj_t *pkgs = calloc((size_t)total, sizeof *pkgs);
    int *core_fill = calloc((size_t)total, sizeof *core_fill);
    int *rank_next = calloc((size_t)total * (size_t)total, sizeof *rank_next);
    int ncores = 0, npkgs = 0, n = 0;

    for (int i = 0; i < total; i++) {
        hwloc_obj_t pu = hwloc_get_obj_by_type(t->topo, HWLOC_OBJ_PU, (unsigned)i);
        if (!hwloc_bitmap_isset(t->allowed, pu->os_index))
            continue;
        hwloc_obj_t core = ancestor_or_self(t->topo, HWLOC_OBJ_CORE, pu);
        hwloc_obj_t pkg = ancestor_or_self(t->topo, HWLOC_OBJ_PACKAGE, pu);
        if (pkg == pu)
            pkg = hwloc_get_root_obj(t->topo);
        pu_key *k = &keys[n++];
        k->os_index = (int)pu->os_index;
        k->logical = i;
        k->core = intern(cores, &ncores, core);
        k->package = intern(pkgs, &npkgs, pkg);
        k->level = core_fill[k->core]++;
        k->rank = rank_next[k->package * total + k->level]++;
    }
    free(cores);
    free(pkgs);
    free(core_fill);
    free(rank_next);
    return n;
}

static int cmp_int(int a, int b)
{
    return (a > b) - (a < b);
}

static int by_compact(const void *pa, const void *pb)
{
    const pu_key *a = pa, *b = pb;
    int c = cmp_int(a->level, b->level);
    return c ? c : cmp_int(a->core, b->core);
}

static int by_compact_smt(const void *pa, const void *pb)
{
    const pu_key *a = pa, *b = pb;
    return cmp_int(a->logical, b->logical);
}

static int by_scatter(const void *pa, const void *pb)
{
    const pu_key *a = pa, *b = pb;
    int c = cmp_int(a->level, b->level);
    if (!c)
        c = cmp_int(a->rank, b->rank);
    return c ? c : cmp_int(a->package, b->package);
}

/* The policy's order over all allowed PUs; returns its length or -1. */
static int policy_order(const rt_placement *pl, int **order, char *err, size_t errlen)
{
    const rt_topo *t = pl->topo;
    char allowed[256];
    rt_topo_allowed_string(t, allowed, sizeof allowed);

    if (pl->policy == RT_POLICY_LIST) {
        if (pl->ncpus <= 0) {
            snprintf(err, errlen, "--cpus: the list is empty; allowed PUs: %s", allowed);
            return -1;
        }
        for (int i = 0; i < pl->ncpus; i++) {
            if (pl->cpus[i] < 0 || !hwloc_bitmap_isset(t->allowed, (unsigned)pl->cpus[i])) {
                snprintf(err, errlen, "--cpus: CPU %d is not an allowed PU; allowed PUs: %s",
                         pl->cpus[i], allowed);
                return -1;
            }
        }
        *order = malloc((size_t)pl->ncpus * sizeof **order);
        memcpy(*order, pl->cpus, (size_t)pl->ncpus * sizeof **order);
        return pl->ncpus;
    }

    int total = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_PU);
    pu_key *keys = calloc(total > 0 ? (size_t)total : 1, sizeof *keys);
    int n = collect(t, keys);
    switch (pl->policy) {
    case RT_POLICY_COMPACT: qsort(keys, (size_t)n, sizeof *keys, by_compact); break;
    case RT_POLICY_SCATTER: qsort(keys, (size_t)n, sizeof *keys, by_scatter); break;
    default: qsort(keys, (size_t)n, sizeof *keys, by_compact_smt); break;
    }
    *order = malloc((size_t)n * sizeof **order);
    for (int i = 0; i < n; i++)
        (*order)[i] = pl->policy == RT_POLICY_NONE ? -1 : keys[i].os_index;
    free(keys);
    return n;
}

int rt_plan(const rt_placement *pl, int n, int *out, char *err, size_t errlen)
{
    if (n < 1) {
        snprintf(err, errlen, "a plan needs at least 1 worker, got %d", n);
        return -1;
    }
    int *order = NULL;
    int len = policy_order(pl, &order, err, errlen);
    if (len < 0)
        return -1;
    if (n > len && !pl->oversubscribe) {
        char allowed[256];
        rt_topo_allowed_string(pl->topo, allowed, sizeof allowed);
        snprintf(err, errlen,
                 "%d workers exceed the %d %s (%s); pass --oversubscribe to wrap round-robin",
                 n, len, pl->policy == RT_POLICY_LIST ? "CPUs of --cpus" : "allowed PUs",
                 pl->policy == RT_POLICY_LIST ? "as listed" : allowed);
        free(order);
        return -1;
    }
    for (int i = 0; i < n; i++)
        out[i] = order[i % len];
    free(order);
    return 0;
}

int rt_plan_check(const rt_placement *pl, int n, char *err, size_t errlen)
{
    int *tmp = malloc((size_t)(n > 0 ? n : 1) * sizeof *tmp);
    int rc = rt_plan(pl, n, tmp, err, errlen);
    free(tmp);
    return rc;
}

static bool inside_package(hwloc_obj_t obj)
{
    for (; obj; obj = obj->parent)
        if (obj->type == HWLOC_OBJ_PACKAGE)
            return true;
    return false;
}

const char *rt_pair_relation(const rt_topo *t, int pu_a, int pu_b)
{
    if (pu_a < 0 || pu_b < 0)
        return "unpinned";
    if (pu_a == pu_b)
        return "same-pu";
    hwloc_obj_t a = hwloc_get_pu_obj_by_os_index(t->topo, (unsigned)pu_a);
    hwloc_obj_t b = hwloc_get_pu_obj_by_os_index(t->topo, (unsigned)pu_b);
    if (!a || !b)
        return "unknown";
    hwloc_obj_t common = hwloc_get_common_ancestor_obj(t->topo, a, b);
    if (common->type == HWLOC_OBJ_CORE)
        return "smt-siblings";
    if (common->type == HWLOC_OBJ_L1CACHE || common->type == HWLOC_OBJ_L2CACHE)
        return "same-l2";
    if (common->type == HWLOC_OBJ_L3CACHE)
        return "same-l3";
    return inside_package(common) ? "same-package" : "other-package";
}

const char *const rt_pair_kind_names[] = { "same-pu", "smt-siblings", "other-core", "other-l3",
                                           "other-package", NULL };

static bool pair_is(const rt_topo *t, rt_pair_kind kind, int a, int b, bool has_l3)
{
    const char *r = rt_pair_relation(t, a, b);
    switch (kind) {
    case RT_PAIR_SAME_PU:
        return a == b;
    case RT_PAIR_SMT:
        return !strcmp(r, "smt-siblings");
    case RT_PAIR_OTHER_CORE:
        return !strcmp(r, "same-l2") || !strcmp(r, "same-l3") ||
               (!has_l3 && !strcmp(r, "same-package"));
    case RT_PAIR_OTHER_L3:
        return has_l3 && !strcmp(r, "same-package");
    case RT_PAIR_OTHER_PACKAGE:
        return !strcmp(r, "other-package");
    default:
        return false;
    }
}

int rt_pair_find(const rt_topo *t, rt_pair_kind kind, int out[2])
{
    bool has_l3 = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_L3CACHE) > 0;
    int a, b;
    hwloc_bitmap_foreach_begin(a, t->allowed) {
        hwloc_bitmap_foreach_begin(b, t->allowed) {
            if (b >= a && pair_is(t, kind, a, b, has_l3)) {
                out[0] = a;
                out[1] = b;
                return 0;
            }
        }
        hwloc_bitmap_foreach_end();
    }
    hwloc_bitmap_foreach_end();
    return -1;
}

rt_pair_kind rt_pair_closest_cores(const rt_topo *t)
{
    static const rt_pair_kind order[] = { RT_PAIR_OTHER_CORE, RT_PAIR_OTHER_L3,
                                          RT_PAIR_OTHER_PACKAGE, RT_PAIR_SMT };
    int pair[2];
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (rt_pair_find(t, order[i], pair) == 0)
            return order[i];
    return RT_PAIR_SAME_PU;
}
