/*
 * cpulist.c - parse and format CPU lists such as "0,2-5".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/plan.h"

/* A sane upper bound on a PU OS index: far beyond any real machine, small
 * enough that a typo such as 10000000 is caught. */
#define RT_CPU_INDEX_MAX 65535

static int parse_index(const char **p, long *out)
{
    char *end;
    errno = 0;
    if (**p < '0' || **p > '9')
        return -1;
    *out = strtol(*p, &end, 10);
    if (errno || *out > RT_CPU_INDEX_MAX)
        return -1;
    *p = end;
    return 0;
}

int rt_cpulist_parse(const char *s, int **out, char *err, size_t errlen)
{
    size_t cap = 16;
    int n = 0;
    int *cpus = malloc(cap * sizeof *cpus);
    const char *p = s;

    if (!*p)
        goto bad;
    for (;;) {
        long lo, hi;
        if (parse_index(&p, &lo) < 0)
            goto bad;
        hi = lo;
        if (*p == '-') {
            p++;
            if (parse_index(&p, &hi) < 0 || hi < lo)
                goto bad;
        }
        for (long c = lo; c <= hi; c++) {
            for (int i = 0; i < n; i++) {
                if (cpus[i] == c) {
                    snprintf(err, errlen, "CPU %ld appears twice in '%s'", c, s);
                    free(cpus);
                    return -1;
                }
            }
            if ((size_t)n == cap)
                cpus = realloc(cpus, (cap *= 2) * sizeof *cpus);
            cpus[n++] = (int)c;
        }
        if (*p == '\0')
            break;
        if (*p++ != ',')
            goto bad;
    }
    *out = cpus;
    return n;
bad:
    snprintf(err, errlen, "'%s' is not a CPU list such as 0,2-5 (indexes 0..%d)", s,
             RT_CPU_INDEX_MAX);
    free(cpus);
    return -1;
}

void rt_cpulist_format(const int *cpus, int n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < len; i++) {
        int w = cpus[i] < 0 ? snprintf(buf + used, len - used, "%s-", i ? "," : "")
                            : snprintf(buf + used, len - used, "%s%d", i ? "," : "", cpus[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
