/*
 * test_footprint.c - the footprint of the emulated I/O loop (footprint.h).
 *
 * Without arguments: the data lines are linked in a shuffled order that
 * the cursors follow to every line, and any n touches in a row touch each
 * line exactly once, whatever the cursors and however the touches are cut; bad sizes are refused; the
 * code block returns for every range, clamped or empty.
 *
 * With --probe CODE DATA TRIPS: TRIPS trips of rt_code_lines(0, CODE) and
 * CODE DATA lines, each after a call of probe_mark(), whose address it
 * prints first as cpython_gil's traced loop does ("racetrack-footprint
 * op=probe mark=ADDR"), for test_footprint.sh to count under valgrind's
 * lackey with scripts/lib/footprint.awk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gil/footprint.h"

/* Each line's count of touches: word 1 (footprint.c writes it). */
static int all_touched(const rt_data_lines *d, uint64_t times)
{
    for (int64_t i = 0; i < d->n; i++)
        if (d->line[i * 8 + 1] != times)
            return 0;
    return 1;
}

static void check_cycle(int64_t n, int chains)
{
    rt_data_lines d;
    CHECK(rt_data_lines_init(&d, n, chains) == 0, "n=%lld chains=%d", (long long)n, chains);
    /* Word 0 links each line to the one `chains` places on in a shuffled
     * order: from the cursors, the links reach every line. */
    char *seen = calloc((size_t)n, 1);
    int64_t sequential = 0;
    for (int c = 0; c < d.chains; c++) {
        uint64_t at = d.at[c];
        for (int64_t step = 0; step < n; step++) {
            seen[at] = 1;
            at = d.line[at * 8];
        }
    }
    for (int64_t i = 0; i < n; i++)
        sequential += d.line[i * 8] == (uint64_t)(i + 1) || d.line[i * 8] == (uint64_t)(i + d.chains);
    CHECK(memchr(seen, 0, (size_t)n) == NULL, "n=%lld chains=%d: the cursors' links reach every line",
          (long long)n, chains);
    if (n >= 100)
        CHECK(sequential < n / 10, "n=%lld: shuffled (%lld of the links are to a line next on)",
              (long long)n, (long long)sequential);
    free(seen);
    /* n touches in uneven pieces: every line once; then 2n more: three times */
    int64_t piece = 1, done = 0;
    while (done < n) {
        int64_t k = piece < n - done ? piece : n - done;
        rt_data_lines_touch(&d, k);
        done += k;
        piece = piece * 3 % 17 + 1;
    }
    CHECK(all_touched(&d, 1), "n=%lld chains=%d: n touches touch every line once", (long long)n,
          chains);
    rt_data_lines_touch(&d, 2 * n);
    CHECK(all_touched(&d, 3), "n=%lld chains=%d: 3n touches, every line three times",
          (long long)n, chains);
    rt_data_lines_free(&d);
    CHECK(d.line == NULL, "freed");
}

static void unit_checks(void)
{
    const int64_t sizes[] = { 1, 2, 3, 7, 64, 275, 1000 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int chains = 1; chains <= RT_DATA_CHAINS_MAX; chains++)
            check_cycle(sizes[s], chains);
    rt_data_lines d;
    CHECK(rt_data_lines_init(&d, 0, 1) < 0, "0 lines refused");
    CHECK(rt_data_lines_init(&d, RT_DATA_LINES_MAX + 1, 1) < 0, "too many lines refused");
    CHECK(rt_data_lines_init(&d, 10, 0) < 0, "0 chains refused");
    CHECK(rt_data_lines_init(&d, 10, RT_DATA_CHAINS_MAX + 1) < 0, "too many chains refused");
    rt_data_lines_touch(&d, 5);          /* a refused buffer: nothing to touch, no crash */
    CHECK(d.line == NULL, "a refused buffer has no lines");
    /* The code block: whole, in pieces, clamped at its end, and empty.  A
     * jump out of the block or a count that never runs out crashes or
     * hangs here (CTest's timeout), which fails the test. */
    rt_code_lines(0, RT_CODE_LINES_MAX);
    rt_code_lines(RT_CODE_LINES_MAX - 1, 100);
    rt_code_lines(-1, 5);
    rt_code_lines(RT_CODE_LINES_MAX, 5);
    rt_code_lines(10, 0);
    for (int64_t k = 0; k < 8; k++)
        rt_code_lines(k * 440 / 8, 440 / 8);
}

__attribute__((noinline)) static void probe_mark(void)
{
    __asm__ volatile("" ::: "memory");
}

static int probe(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: test_footprint [--probe CODE DATA TRIPS]\n");
        return 2;
    }
    int64_t code = atoll(argv[2]), data = atoll(argv[3]), trips = atoll(argv[4]);
    rt_data_lines d = { 0 };
    if (data > 0 && rt_data_lines_init(&d, data, 4) < 0)
        return 1;
    void (*mark)(void) = probe_mark;
    uintptr_t addr;
    memcpy(&addr, &mark, sizeof addr);
    fprintf(stderr, "racetrack-footprint op=probe mark=%08lx\n", (unsigned long)addr);
    fflush(stderr);
    for (int64_t t = 0; t < trips; t++) {
        probe_mark();
        rt_code_lines(0, code);
        rt_data_lines_touch(&d, data);
    }
    rt_data_lines_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--probe") == 0)
        return probe(argc, argv);
    if (!rt_code_lines_modelled)
        printf("the code block is not modelled on this architecture: only its calls are checked\n");
    unit_checks();
    return check_summary();
}
