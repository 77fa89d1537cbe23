/*
 * machine.h - the machine a benchmark runs on: topology, placement chosen by
 * the common flags, and the facts a reader needs to trust the numbers
 * (recorded in the JSON context as machine.* and placement.*).
 */
#ifndef RT_MACHINE_H
#define RT_MACHINE_H

#include <stdbool.h>

#include "flags.h"
#include "place/plan.h"

/* The placement flags every benchmark executable takes. */
typedef struct rt_place_opts {
    int policy;                 /* index into rt_policy_names */
    const char *cpus;           /* --cpus LIST, or NULL */
    bool oversubscribe;
} rt_place_opts;

#define RT_PLACE_OPTS_DEFAULT { RT_POLICY_COMPACT, NULL, false }

#define RT_PLACEMENT_FLAGS(o)                                                              \
    { "policy", RT_FLAG_CHOICE, &(o).policy, 0, 0, rt_policy_names,                        \
      "where workers run (compact: one per core first)", false },                          \
    { "cpus", RT_FLAG_STRING, &(o).cpus, 0, 0, NULL,                                       \
      "explicit PU list such as 0,2-5 (implies --policy list)", false },                   \
    { "oversubscribe", RT_FLAG_BOOL, &(o).oversubscribe, 0, 0, NULL,                       \
      "allow more workers than PUs, wrapping round-robin", false }

typedef struct rt_machine {
    rt_topo topo;
    rt_placement place;
    int *cpus;                  /* parsed --cpus */
    char virt[64];              /* "kvm", "none", ... */
    char binding[160];          /* "hwloc", "unavailable", or why not permitted */
} rt_machine;

/* Load the topology, build the placement, check that it can place
 * max_workers, and record everything in the context.  Bad input: one line
 * naming the flag, exit 2. */
void rt_machine_init(rt_machine *m, const char *prog, const rt_place_opts *o,
                     int max_workers);
void rt_machine_destroy(rt_machine *m);

/* What hypervisor, if any, the machine runs under ("none" if bare metal,
 * "unknown" if it cannot tell). */
void rt_detect_virtual(char *buf, size_t len);

#endif /* RT_MACHINE_H */
