/*
 * flags.h - an executable's own flags, parsed after Google Benchmark has
 * taken its --benchmark_* flags out of argv.
 *
 * Every parameter of an experiment is a flag with a name, a default (the
 * variable's initial value), a valid range and a help line, and is copied
 * into the results' JSON context ("param.<name>").  Bad input gets one
 * line naming the flag and the valid range, and exit status 2.
 */
#ifndef RT_FLAGS_H
#define RT_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum rt_flag_type {
    RT_FLAG_INT,      /* int64_t *, within [min, max] */
    RT_FLAG_DOUBLE,   /* double *, within [min, max] */
    RT_FLAG_BOOL,     /* bool *: --x, --x=yes|no|true|false|1|0 */
    RT_FLAG_CHOICE,   /* int *: index into choices (NULL-terminated) */
    RT_FLAG_STRING,   /* const char **: any non-empty text */
} rt_flag_type;

typedef struct rt_flag {
    const char *name;          /* without the leading "--" */
    rt_flag_type type;
    void *value;
    double min, max;           /* RT_FLAG_INT / RT_FLAG_DOUBLE */
    const char *const *choices;/* RT_FLAG_CHOICE */
    const char *help;
    bool set;                  /* filled in: given on the command line */
} rt_flag;

#define RT_FLAG_END { NULL, RT_FLAG_INT, NULL, 0, 0, NULL, NULL, false }

/* Exit status for bad input. */
#define RT_EXIT_USAGE 2

/* Parse argv[1..argc) against flags (terminated by RT_FLAG_END).
 * Returns 0, or -1 with one line (naming the flag and what is valid) in err. */
int rt_flags_parse(rt_flag *flags, int argc, char **argv, char *err, size_t errlen);

void rt_flags_usage(FILE *out, const char *prog, const char *summary, const rt_flag *flags);

/* Current value as text ("1000000", "compact", "yes"). */
void rt_flag_value_string(const rt_flag *f, char *buf, size_t len);

/* Copy every flag's value into the JSON context as param.<name>. */
void rt_flags_to_context(const rt_flag *flags);

/* Print "prog: message" and exit with RT_EXIT_USAGE. */
_Noreturn void rt_usage_error(const char *prog, const char *message);

/* The common start of every bench_* main(): handle --help, strip Google
 * Benchmark's flags, parse ours, exit 2 on bad input. */
void rt_flags_main(int *argc, char **argv, const char *summary, rt_flag *flags);

/* A comma-separated list of names from `names` (NULL-terminated) into
 * their indexes, or a list of integers within [min, max].  Return the
 * count (at most max / maxn), or -1 with one line naming --flag. */
int rt_list_choices(const char *flag, const char *text, const char *const *names,
                    int *out, int max, char *err, size_t errlen);
int rt_list_ints(const char *flag, const char *text, int64_t min, int64_t max, int64_t *out,
                 int maxn, char *err, size_t errlen);

#endif /* RT_FLAGS_H */
