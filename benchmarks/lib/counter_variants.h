/*
 * counter_variants.h - the ways to let T workers increment one counter.
 *
 * Each variant's run() performs n increments for one worker in a loop
 * compiled here at -O2, so a benchmark calls it once per run and the timed
 * region holds nothing but the increments.  total() reads the result once
 * every worker has finished; the expected total is the sum of the n's.
 */
#ifndef RT_COUNTER_VARIANTS_H
#define RT_COUNTER_VARIANTS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct rt_counter_ctx rt_counter_ctx;

typedef struct rt_counter_variant {
    const char *name;
    const char *what;        /* one line for tables and the report */
    bool exact;              /* must always reach the expected total */
    bool data_race;          /* a C11 data race: undefined behaviour */
    void (*run)(rt_counter_ctx *c, int worker, int64_t n);
    int64_t (*total)(const rt_counter_ctx *c, int workers);
} rt_counter_variant;

extern const rt_counter_variant rt_counter_variants[];
extern const int rt_counter_variant_count;

const rt_counter_variant *rt_counter_variant_find(const char *name);

/* A context for up to max_workers workers; reset before each run. */
rt_counter_ctx *rt_counter_ctx_new(int max_workers);
void rt_counter_ctx_reset(rt_counter_ctx *c);
void rt_counter_ctx_free(rt_counter_ctx *c);

#endif /* RT_COUNTER_VARIANTS_H */
