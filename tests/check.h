/*
 * check.h - the few assertions the C tests need.  Each failed CHECK prints
 * where and why; check_summary() prints "N passed, N failed" and returns
 * the exit status.
 */
#ifndef RT_CHECK_H
#define RT_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            check_passed++;                                                \
        } else {                                                           \
            check_failed++;                                                \
            fprintf(stderr, "%s:%d: FAILED: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

/* CTest's SKIP_RETURN_CODE for tests that cannot run on this machine. */
#define CHECK_SKIP 77

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif /* RT_CHECK_H */
