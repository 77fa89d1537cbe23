/*
 * test_placement.c - the planner on synthetic topologies (exact PU lists
 * for every policy, prefix stability, pair relations, errors), CPU-list
 * parsing, and a binding smoke test on the real machine.
 */
#include <stdlib.h>

#include "check.h"
#include "place/plan.h"

/* Synthetic machines.  hwloc numbers a core's PUs adjacently by default;
 * "indexes=core:pack" puts siblings at i and i + cores (Intel style). */
#define TOPO_2x8x2_ADJACENT "pack:2 numa:1 core:8 pu:2"
#define TOPO_2x8x2_INTEL "pack:2 numa:1 core:8 pu:2(indexes=core:pack)"
#define TOPO_1x4 "pack:1 core:4 pu:1"
#define TOPO_4x16x2 "pack:4 numa:1 core:16 pu:2"
#define TOPO_L3 "pack:2 l3:2 core:4 pu:2"
#define TOPO_L3_PER_CORE "pack:1 l3:2 core:1 pu:1"   /* a KVM guest seen here */

static void load(rt_topo *t, const char *desc, const char *restrict_to)
{
    char err[256];
    if (rt_topo_load_synthetic(t, desc, err, sizeof err) < 0 ||
        (restrict_to && rt_topo_restrict(t, restrict_to, err, sizeof err) < 0)) {
        fprintf(stderr, "cannot load %s: %s\n", desc, err);
        exit(1);
    }
}

/* plan(policy, n) must equal the expected list. */
static void expect_plan(const rt_topo *t, const char *name, rt_policy policy, int n,
                        const int *want)
{
    rt_placement pl = { t, policy, NULL, 0, false };
    int got[256];
    char err[256], g[1024], w[1024];
    int rc = rt_plan(&pl, n, got, err, sizeof err);
    CHECK(rc == 0, "%s %s n=%d: %s", name, rt_policy_name(policy), n, err);
    if (rc)
        return;
    rt_cpulist_format(got, n, g, sizeof g);
    rt_cpulist_format(want, n, w, sizeof w);
    CHECK(!strcmp(g, w), "%s %s n=%d: got %s, want %s", name, rt_policy_name(policy), n, g, w);
}

static void expect_prefix_stable(const rt_topo *t, const char *name, rt_policy policy)
{
    rt_placement pl = { t, policy, NULL, 0, false };
    int pus = rt_topo_allowed_pus(t), full[256], part[256];
    char err[256];
    CHECK(rt_plan(&pl, pus, full, err, sizeof err) == 0, "%s: %s", name, err);
    for (int n = 1; n <= pus; n++) {
        rt_plan(&pl, n, part, err, sizeof err);
        CHECK(!memcmp(part, full, (size_t)n * sizeof *part), "%s %s: plan(%d) is not a prefix",
              name, rt_policy_name(policy), n);
    }
    /* Every allowed PU exactly once in the full plan. */
    for (int i = 0; i < pus; i++)
        for (int j = i + 1; j < pus; j++)
            CHECK(full[i] != full[j], "%s %s: PU %d planned twice", name,
                  rt_policy_name(policy), full[i]);
}

static void test_2x8x2_adjacent(void)
{
    rt_topo t;
    load(&t, TOPO_2x8x2_ADJACENT, NULL);
    CHECK(rt_topo_allowed_pus(&t) == 32 && rt_topo_cores(&t) == 16 && rt_topo_packages(&t) == 2
          && rt_topo_smt(&t) == 2, "counts %d %d %d %d", rt_topo_allowed_pus(&t),
          rt_topo_cores(&t), rt_topo_packages(&t), rt_topo_smt(&t));
    expect_plan(&t, "adjacent", RT_POLICY_COMPACT, 4, (int[]){ 0, 2, 4, 6 });
    expect_plan(&t, "adjacent", RT_POLICY_COMPACT_SMT, 4, (int[]){ 0, 1, 2, 3 });
    expect_plan(&t, "adjacent", RT_POLICY_SCATTER, 4, (int[]){ 0, 16, 2, 18 });
    expect_plan(&t, "adjacent", RT_POLICY_NONE, 3, (int[]){ -1, -1, -1 });
    expect_plan(&t, "adjacent", RT_POLICY_COMPACT, 18,
                (int[]){ 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 1, 3 });
    expect_plan(&t, "adjacent", RT_POLICY_SCATTER, 18,
                (int[]){ 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30, 1, 17 });
    for (rt_policy p = RT_POLICY_COMPACT; p <= RT_POLICY_SCATTER; p++)
        expect_prefix_stable(&t, "adjacent", p);
    rt_topo_destroy(&t);
}

static void test_2x8x2_intel(void)
{
    rt_topo t;
    load(&t, TOPO_2x8x2_INTEL, NULL);
    expect_plan(&t, "intel", RT_POLICY_COMPACT, 4, (int[]){ 0, 1, 2, 3 });
    expect_plan(&t, "intel", RT_POLICY_COMPACT_SMT, 4, (int[]){ 0, 16, 1, 17 });
    expect_plan(&t, "intel", RT_POLICY_SCATTER, 4, (int[]){ 0, 8, 1, 9 });
    expect_plan(&t, "intel", RT_POLICY_COMPACT, 17,
                (int[]){ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 });
    CHECK(!strcmp(rt_pair_relation(&t, 0, 16), "smt-siblings"), "0,16: %s",
          rt_pair_relation(&t, 0, 16));
    CHECK(!strcmp(rt_pair_relation(&t, 0, 8), "other-package"), "0,8: %s",
          rt_pair_relation(&t, 0, 8));
    for (rt_policy p = RT_POLICY_COMPACT; p <= RT_POLICY_SCATTER; p++)
        expect_prefix_stable(&t, "intel", p);
    rt_topo_destroy(&t);
}

static void test_1x4_and_oversubscription(void)
{
    rt_topo t;
    load(&t, TOPO_1x4, NULL);
    CHECK(rt_topo_smt(&t) == 1, "smt %d", rt_topo_smt(&t));
    expect_plan(&t, "1x4", RT_POLICY_COMPACT, 4, (int[]){ 0, 1, 2, 3 });
    expect_plan(&t, "1x4", RT_POLICY_COMPACT_SMT, 4, (int[]){ 0, 1, 2, 3 });
    expect_plan(&t, "1x4", RT_POLICY_SCATTER, 4, (int[]){ 0, 1, 2, 3 });

    rt_placement pl = { &t, RT_POLICY_COMPACT, NULL, 0, false };
    int got[8];
    char err[256] = "";
    CHECK(rt_plan(&pl, 5, got, err, sizeof err) < 0, "5 workers on 4 PUs must fail");
    CHECK(strstr(err, "--oversubscribe") != NULL, "error names the flag: %s", err);
    pl.oversubscribe = true;
    CHECK(rt_plan(&pl, 6, got, err, sizeof err) == 0, "%s", err);
    char g[64];
    rt_cpulist_format(got, 6, g, sizeof g);
    CHECK(!strcmp(g, "0,1,2,3,0,1"), "wrap round-robin: %s", g);
    rt_topo_destroy(&t);
}

static void test_4x16x2(void)
{
    rt_topo t;
    load(&t, TOPO_4x16x2, NULL);
    CHECK(rt_topo_allowed_pus(&t) == 128 && rt_topo_packages(&t) == 4, "counts");
    expect_plan(&t, "4x16x2", RT_POLICY_SCATTER, 6, (int[]){ 0, 32, 64, 96, 2, 34 });
    expect_plan(&t, "4x16x2", RT_POLICY_COMPACT, 4, (int[]){ 0, 2, 4, 6 });
    expect_plan(&t, "4x16x2", RT_POLICY_COMPACT_SMT, 3, (int[]){ 0, 1, 2 });
    for (rt_policy p = RT_POLICY_COMPACT; p <= RT_POLICY_SCATTER; p++)
        expect_prefix_stable(&t, "4x16x2", p);
    rt_topo_destroy(&t);
}

static void test_restricted(void)
{
    rt_topo t;
    /* Package 0's first four cores, package 1's first two. */
    load(&t, TOPO_2x8x2_ADJACENT, "0-7,16-19");
    CHECK(rt_topo_allowed_pus(&t) == 12 && rt_topo_cores(&t) == 6, "counts %d %d",
          rt_topo_allowed_pus(&t), rt_topo_cores(&t));
    expect_plan(&t, "restricted", RT_POLICY_COMPACT, 12,
                (int[]){ 0, 2, 4, 6, 16, 18, 1, 3, 5, 7, 17, 19 });
    expect_plan(&t, "restricted", RT_POLICY_SCATTER, 12,
                (int[]){ 0, 16, 2, 18, 4, 6, 1, 17, 3, 19, 5, 7 });
    expect_plan(&t, "restricted", RT_POLICY_COMPACT_SMT, 6, (int[]){ 0, 1, 2, 3, 4, 5 });
    for (rt_policy p = RT_POLICY_COMPACT; p <= RT_POLICY_SCATTER; p++)
        expect_prefix_stable(&t, "restricted", p);

    /* An explicit list must stay inside the allowed set. */
    rt_placement pl = { &t, RT_POLICY_LIST, (int[]){ 3, 1 }, 2, false };
    int got[4];
    char err[256] = "";
    CHECK(rt_plan(&pl, 2, got, err, sizeof err) == 0 && got[0] == 3 && got[1] == 1,
          "list order kept: %s", err);
    pl.cpus = (int[]){ 1, 9 };
    CHECK(rt_plan(&pl, 2, got, err, sizeof err) < 0 && strstr(err, "--cpus") &&
          strstr(err, "CPU 9"), "disallowed CPU named: %s", err);
    rt_topo_destroy(&t);
}

static void test_pairs(void)
{
    rt_topo t;
    load(&t, TOPO_L3, NULL);   /* 2 packages x 2 L3 x 4 cores x 2 PUs */
    static const struct { int a, b; const char *want; } cases[] = {
        { 0, 0, "same-pu" },       { 0, 1, "smt-siblings" }, { 0, 2, "same-l3" },
        { 0, 8, "same-package" },  { 0, 16, "other-package" }, { 0, -1, "unpinned" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = rt_pair_relation(&t, cases[i].a, cases[i].b);
        CHECK(!strcmp(got, cases[i].want), "pair %d,%d: got %s, want %s", cases[i].a,
              cases[i].b, got, cases[i].want);
    }
    rt_topo_destroy(&t);
}

/* Pair placements: the first allowed pair of each kind, or none. */
static void expect_pair(const rt_topo *t, const char *name, rt_pair_kind k, int a, int b)
{
    int got[2] = { -2, -2 };
    int rc = rt_pair_find(t, k, got);
    if (a < 0)
        CHECK(rc == -1, "%s: %s should not exist, got %d,%d", name, rt_pair_kind_names[k],
              got[0], got[1]);
    else
        CHECK(rc == 0 && got[0] == a && got[1] == b, "%s: %s: got %d,%d, want %d,%d", name,
              rt_pair_kind_names[k], got[0], got[1], a, b);
}

static void test_pair_find(void)
{
    rt_topo t;
    load(&t, TOPO_L3, NULL);         /* 2 packages x 2 L3 x 4 cores x 2 PUs */
    expect_pair(&t, "l3", RT_PAIR_SAME_PU, 0, 0);
    expect_pair(&t, "l3", RT_PAIR_SMT, 0, 1);
    expect_pair(&t, "l3", RT_PAIR_OTHER_CORE, 0, 2);
    expect_pair(&t, "l3", RT_PAIR_OTHER_L3, 0, 8);
    expect_pair(&t, "l3", RT_PAIR_OTHER_PACKAGE, 0, 16);
    rt_topo_destroy(&t);
    load(&t, TOPO_L3, "4,6,12");     /* no SMT pair, no other package left */
    expect_pair(&t, "l3 restricted", RT_PAIR_SAME_PU, 4, 4);
    expect_pair(&t, "l3 restricted", RT_PAIR_SMT, -1, -1);
    expect_pair(&t, "l3 restricted", RT_PAIR_OTHER_CORE, 4, 6);
    expect_pair(&t, "l3 restricted", RT_PAIR_OTHER_L3, 4, 12);
    expect_pair(&t, "l3 restricted", RT_PAIR_OTHER_PACKAGE, -1, -1);
    rt_topo_destroy(&t);
    load(&t, TOPO_1x4, NULL);        /* no caches described: one package */
    expect_pair(&t, "1x4", RT_PAIR_OTHER_CORE, 0, 1);
    expect_pair(&t, "1x4", RT_PAIR_OTHER_L3, -1, -1);
    expect_pair(&t, "1x4", RT_PAIR_SMT, -1, -1);
    rt_topo_destroy(&t);
    load(&t, TOPO_2x8x2_INTEL, NULL);
    expect_pair(&t, "intel", RT_PAIR_SMT, 0, 16);
    expect_pair(&t, "intel", RT_PAIR_OTHER_PACKAGE, 0, 8);
    rt_topo_destroy(&t);
    load(&t, TOPO_L3_PER_CORE, NULL);  /* every core its own L3: no other-core pair */
    expect_pair(&t, "l3 per core", RT_PAIR_OTHER_CORE, -1, -1);
    expect_pair(&t, "l3 per core", RT_PAIR_OTHER_L3, 0, 1);
    rt_topo_destroy(&t);
}

/* The default "two different cores": the closest such pair there is. */
static void expect_closest(const char *desc, const char *restrict_to, rt_pair_kind want)
{
    rt_topo t;
    load(&t, desc, restrict_to);
    rt_pair_kind got = rt_pair_closest_cores(&t);
    CHECK(got == want, "%s (%s): closest cores %s, want %s", desc,
          restrict_to ? restrict_to : "all", rt_pair_kind_names[got], rt_pair_kind_names[want]);
    rt_topo_destroy(&t);
}

static void test_pair_closest(void)
{
    expect_closest(TOPO_L3, NULL, RT_PAIR_OTHER_CORE);
    expect_closest(TOPO_L3_PER_CORE, NULL, RT_PAIR_OTHER_L3);
    expect_closest(TOPO_L3, "0,8", RT_PAIR_OTHER_L3);
    expect_closest(TOPO_2x8x2_INTEL, "0,8,16", RT_PAIR_OTHER_PACKAGE);
    expect_closest(TOPO_2x8x2_INTEL, "0,16", RT_PAIR_SMT);
    expect_closest(TOPO_1x4, "2", RT_PAIR_SAME_PU);
}

static void test_cpulist(void)
{
    int *cpus = NULL;
    char err[256];
    int n = rt_cpulist_parse("0,2-5,9", &cpus, err, sizeof err);
    CHECK(n == 6 && cpus[0] == 0 && cpus[1] == 2 && cpus[4] == 5 && cpus[5] == 9, "n=%d", n);
    free(cpus);
    static const char *bad[] = { "", "a", "5-2", "1,1", "1,", "-1", "1-", "99999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cpus = NULL;
        CHECK(rt_cpulist_parse(bad[i], &cpus, err, sizeof err) < 0, "'%s' accepted", bad[i]);
        free(cpus);
    }
}

/* Bind to every allowed PU of this machine in turn and see it stick. */
static void test_binding_smoke(void)
{
    rt_topo t;
    char err[256];
    CHECK(rt_topo_load_system(&t, err, sizeof err) == 0, "%s", err);
    CHECK(t.this_system, "the real topology must be this system");
    rt_placement pl = { &t, RT_POLICY_COMPACT, NULL, 0, false };
    int pus = rt_topo_allowed_pus(&t), plan[1024];
    CHECK(rt_plan(&pl, pus, plan, err, sizeof err) == 0, "%s", err);
    hwloc_bitmap_t saved = rt_thread_mask_save(&t);
    CHECK(saved != NULL, "cannot read this thread's mask");
    for (int i = 0; i < pus; i++) {
        CHECK(rt_bind_thread(&t, plan[i]) == 0, "bind to %d failed", plan[i]);
        CHECK(rt_current_cpu() == plan[i], "bound to %d, running on %d", plan[i],
              rt_current_cpu());
    }
    rt_thread_mask_restore(&t, saved);
    hwloc_bitmap_t now = rt_thread_mask_save(&t);
    CHECK(hwloc_bitmap_weight(now) >= pus, "mask not restored (%d PUs)", hwloc_bitmap_weight(now));
    hwloc_bitmap_free(now);
    rt_topo_destroy(&t);
}

int main(void)
{
    test_2x8x2_adjacent();
    test_2x8x2_intel();
    test_1x4_and_oversubscription();
    test_4x16x2();
    test_restricted();
    test_pairs();
    test_pair_find();
    test_pair_closest();
    test_cpulist();
    test_binding_smoke();
    return check_summary();
}
