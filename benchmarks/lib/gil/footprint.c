/*
 * footprint.c - lines of code and of data touched as an interpreter's loop
 * touches them; see footprint.h.
 */
#include <stdlib.h>
#include <string.h>

#include "gil/footprint.h"

#define RT_STR_(x) #x
#define RT_STR(x) RT_STR_(x)

#if defined(__x86_64__)
const bool rt_code_lines_modelled = true;

/* The block: RT_CODE_LINES_MAX lines of 64 bytes, each counting one line
 * off %esi and returning when none is left, else jumping to the next line.
 * Only a line's first three instructions run; the rest is padding, but the
 * CPU fetches the whole line into its instruction cache, as it does a line
 * of the interpreter of which a few instructions run. */
__asm__(".text\n"
        ".balign 64\n"
        "rt_code_block:\n"
        ".rept " RT_STR(RT_CODE_LINES_MAX) "\n"
        "    sub $1, %esi\n"
        "    jz rt_code_block_end\n"
        "    jmp 1f\n"
        "    .balign 64\n"
        "1:\n"
        ".endr\n"
        "rt_code_block_end:\n"
        "    ret\n");
extern const char rt_code_block[];

void rt_code_lines(int64_t first, int64_t count)
{
    if (first < 0 || first >= RT_CODE_LINES_MAX || count <= 0)
        return;
    if (count > RT_CODE_LINES_MAX - first)
        count = RT_CODE_LINES_MAX - first;
    /* Entered as a function of (unused, count): the count arrives in %esi. */
    void (*line)(int64_t, int32_t);
    const char *at = rt_code_block + first * 64;
    memcpy(&line, &at, sizeof line);
    line(0, (int32_t)count);
}
#else
const bool rt_code_lines_modelled = false;

void rt_code_lines(int64_t first, int64_t count)
{
    (void)first;
    (void)count;
}
#endif

int rt_data_lines_init(rt_data_lines *d, int64_t n, int chains)
{
    memset(d, 0, sizeof *d);
    if (n < 1 || n > RT_DATA_LINES_MAX || chains < 1 || chains > RT_DATA_CHAINS_MAX)
        return -1;
    d->line = aligned_alloc(64, (size_t)n * 64);
    uint32_t *order = malloc((size_t)n * sizeof *order);
    if (!d->line || !order) {
        free(d->line);
        free(order);
        d->line = NULL;
        return -1;
    }
    memset(d->line, 0, (size_t)n * 64);
    /* A Fisher-Yates shuffle with a fixed xorshift seed: the same cycle
     * every run, in no order a prefetcher can follow. */
    uint64_t x = 88172645463325252ull;
    for (int64_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (int64_t i = n - 1; i > 0; i--) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t j = (int64_t)(x % (uint64_t)(i + 1));
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    /* The line at place i of the cycle leads to the one `chains` places on,
     * and the cursors start at the first `chains` places: taken in turn,
     * they touch place 0, 1, 2, ... of the cycle, so any n touches in a
     * row touch every line once, whether or not `chains` divides n. */
    d->chains = chains < n ? chains : (int)n;
    for (int64_t i = 0; i < n; i++)
        d->line[(size_t)order[i] * 8] = order[(i + d->chains) % n];
    for (int c = 0; c < d->chains; c++)
        d->at[c] = order[c];
    d->n = n;
    free(order);
    return 0;
}

/* One line: its count written, its successor returned. */
static inline uint64_t touch(uint64_t *line, uint64_t at, uint64_t *sum)
{
    volatile uint64_t *l = &line[at * 8];
    *sum += l[1]++;
    return l[0];
}

void rt_data_lines_touch(rt_data_lines *d, int64_t count)
{
    /* The cursors in a queue of locals: the next line of the front one is
     * loaded while the others' loads are in flight, and no cursor goes
     * through memory (the lines' volatile stores could alias it). */
    uint64_t q0 = d->at[0], q1 = d->at[1], q2 = d->at[2], q3 = d->at[3], sum = 0;
    if (!d->line)
        return;
    for (int64_t i = 0; i < count; i++) {
        uint64_t next = touch(d->line, q0, &sum);
        switch (d->chains) {
        case 1: q0 = next; break;
        case 2: q0 = q1; q1 = next; break;
        case 3: q0 = q1; q1 = q2; q2 = next; break;
        default: q0 = q1; q1 = q2; q2 = q3; q3 = next; break;
        }
    }
    d->at[0] = q0;
    d->at[1] = q1;
    d->at[2] = q2;
    d->at[3] = q3;
    d->sum += sum;
}

void rt_data_lines_free(rt_data_lines *d)
{
    free(d->line);
    memset(d, 0, sizeof *d);
}
