/*
 * footprint.h - the cache footprint of an interpreter's loop: how many
 * distinct 64-byte lines of code and of data one trip round it touches.
 *
 * Real CPython's convoy loop (one os.read and its bytecode) runs through
 * hundreds of lines of the interpreter's code and objects per operation:
 * scripts/footprint.sh counts them under valgrind's lackey (a run folder's
 * footprint.<python>.txt; the README quotes the reference run's).  The
 * emulated loop's arithmetic touches a few dozen.  Whatever evicts them while the I/O thread sleeps
 * or waits (its CPU's other work, the kernel's) makes the real loop's next
 * trip slower than the emulated one's, and under the old GIL, whose
 * hand-offs are races of microseconds, that moves the convoy.  So the
 * emulated I/O loop can touch as many lines as the real one:
 *
 *   code  rt_code_lines(first, count) runs `count` consecutive lines of a
 *         block of RT_CODE_LINES_MAX 64-byte lines, each a counted jump to
 *         the next (x86-64; elsewhere it does nothing and
 *         rt_code_lines_modelled is false);
 *   data  rt_data_lines touches lines of a buffer in a shuffled order, each
 *         line's address read from a line before, as an interpreter's
 *         object pointers are, and writes one word of each (a reference
 *         count).  `chains` cursors take turns, so that the CPU overlaps as
 *         many loads, as it does an interpreter's (the frame, the stack, an
 *         object and its type are followed at once).  With one chain, in
 *         hand-run rounds, 2.7's read1 loop's data lines alone cost more
 *         than the whole real operation, and the emulated loop alone ran
 *         slower than real's; with four, at real's rate.
 */
#ifndef RT_FOOTPRINT_H
#define RT_FOOTPRINT_H

#include <stdbool.h>
#include <stdint.h>

#define RT_CODE_LINES_MAX 4096
#define RT_DATA_LINES_MAX 65536
#define RT_DATA_CHAINS_MAX 4

extern const bool rt_code_lines_modelled;

/* Runs lines first .. first + count - 1 of the code block (clamped to it). */
void rt_code_lines(int64_t first, int64_t count);

typedef struct rt_data_lines {
    uint64_t *line;            /* n lines of 8 words: word 0 the index of the line `chains`
                                * places on in the shuffled order, word 1 its touches */
    int64_t n;
    int chains;                /* cursors (rt_data_lines_touch) */
    uint64_t at[RT_DATA_CHAINS_MAX];   /* the cursors' next lines, in the order they take turns */
    uint64_t sum;              /* what was read, so that the reads stay */
} rt_data_lines;

/* n lines (1 .. RT_DATA_LINES_MAX) in a shuffled order, walked by
 * `chains` cursors (1 .. RT_DATA_CHAINS_MAX); -1 if out of range or memory. */
int rt_data_lines_init(rt_data_lines *d, int64_t n, int chains);
/* The next `count` lines, the cursors in turn. */
void rt_data_lines_touch(rt_data_lines *d, int64_t count);
void rt_data_lines_free(rt_data_lines *d);

#endif /* RT_FOOTPRINT_H */
