/*
 * flags.c - parse an executable's own flags; see flags.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flags.h"
#include "shim/rt_bench.h"

static rt_flag *find(rt_flag *flags, const char *name, size_t len)
{
    for (rt_flag *f = flags; f->name; f++)
        if (strlen(f->name) == len && strncmp(f->name, name, len) == 0)
            return f;
    return NULL;
}

static void range_text(const rt_flag *f, char *buf, size_t len)
{
    switch (f->type) {
    case RT_FLAG_INT:
        snprintf(buf, len, "an integer in %.0f..%.0f", f->min, f->max);
        break;
    case RT_FLAG_DOUBLE:
        snprintf(buf, len, "a number in %g..%g", f->min, f->max);
        break;
    case RT_FLAG_BOOL:
        snprintf(buf, len, "yes or no");
        break;
    case RT_FLAG_CHOICE: {
        size_t used = 0;
        buf[0] = '\0';
        for (int i = 0; f->choices[i] && used < len; i++)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "one of ",
                                     f->choices[i]);
        break;
    }
    case RT_FLAG_STRING:
        snprintf(buf, len, "a non-empty value");
        break;
    }
}

static int bad_value(const rt_flag *f, const char *v, char *err, size_t errlen)
{
    char valid[256];
    range_text(f, valid, sizeof valid);
    snprintf(err, errlen, "--%s: invalid value '%s'; valid: %s", f->name, v, valid);
    return -1;
}

static int set_value(rt_flag *f, const char *v, char *err, size_t errlen)
{
    char *end;
    switch (f->type) {
    case RT_FLAG_INT: {
        errno = 0;
        long long x = strtoll(v, &end, 10);
        if (errno || end == v || *end || (double)x < f->min || (double)x > f->max)
            return bad_value(f, v, err, errlen);
        *(int64_t *)f->value = x;
        break;
    }
    case RT_FLAG_DOUBLE: {
        errno = 0;
        double x = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(x) || x < f->min || x > f->max)
            return bad_value(f, v, err, errlen);
        *(double *)f->value = x;
        break;
    }
    case RT_FLAG_BOOL:
        if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
            *(bool *)f->value = true;
        else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
            *(bool *)f->value = false;
        else
            return bad_value(f, v, err, errlen);
        break;
    case RT_FLAG_CHOICE:
        for (int i = 0; f->choices[i]; i++) {
            if (!strcmp(v, f->choices[i])) {
                *(int *)f->value = i;
                f->set = true;
                return 0;
            }
        }
        return bad_value(f, v, err, errlen);
    case RT_FLAG_STRING:
        if (!*v)
            return bad_value(f, v, err, errlen);
        *(const char **)f->value = v;
        break;
    }
    f->set = true;
    return 0;
}

int rt_flags_parse(rt_flag *flags, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            snprintf(err, errlen, "unexpected argument '%s'; flags start with --", arg);
            return -1;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        rt_flag *f = find(flags, name, len);
        if (!f) {
            if (strncmp(name, "benchmark_", 10) == 0)
                snprintf(err, errlen, "%s: not a Google Benchmark 1.7.1 flag, or its value is invalid"
                         " (see --help)", arg);
            else
                snprintf(err, errlen, "unknown flag '%.*s' (see --help)", (int)(len + 2), arg);
            return -1;
        }
        const char *v;
        if (eq) {
            v = eq + 1;
        } else if (f->type == RT_FLAG_BOOL) {
            v = "yes";
        } else if (i + 1 < argc) {
            v = argv[++i];
        } else {
            char valid[256];
            range_text(f, valid, sizeof valid);
            snprintf(err, errlen, "--%s: missing value; valid: %s", f->name, valid);
            return -1;
        }
        if (set_value(f, v, err, errlen) < 0)
            return -1;
    }
    return 0;
}

void rt_flag_value_string(const rt_flag *f, char *buf, size_t len)
{
    switch (f->type) {
    case RT_FLAG_INT: snprintf(buf, len, "%lld", (long long)*(int64_t *)f->value); break;
    case RT_FLAG_DOUBLE: snprintf(buf, len, "%g", *(double *)f->value); break;
    case RT_FLAG_BOOL: snprintf(buf, len, "%s", *(bool *)f->value ? "yes" : "no"); break;
    case RT_FLAG_CHOICE: snprintf(buf, len, "%s", f->choices[*(int *)f->value]); break;
    case RT_FLAG_STRING: {
        const char *s = *(const char **)f->value;
        snprintf(buf, len, "%s", s ? s : "");
        break;
    }
    }
}

void rt_flags_usage(FILE *out, const char *prog, const char *summary, const rt_flag *flags)
{
    fprintf(out, "usage: %s [flags] [--benchmark_* flags]\n%s\n\nflags:\n", prog, summary);
    for (const rt_flag *f = flags; f->name; f++) {
        char def[128], valid[256];
        rt_flag_value_string(f, def, sizeof def);
        range_text(f, valid, sizeof valid);
        fprintf(out, "  --%-20s %s\n  %22s (%s; default %s)\n", f->name, f->help, "", valid,
                def[0] ? def : "none");
    }
    fprintf(out, "\nGoogle Benchmark 1.7.1 flags (--benchmark_filter, --benchmark_repetitions,\n"
                 "--benchmark_min_time=SECONDS, --benchmark_out=FILE, ...) are accepted too;\n"
                 "--benchmark_help lists them.\n");
}

void rt_flags_to_context(const rt_flag *flags)
{
    for (const rt_flag *f = flags; f->name; f++) {
        char key[128], value[256];
        snprintf(key, sizeof key, "param.%s", f->name);
        rt_flag_value_string(f, value, sizeof value);
        rt_context(key, value);
    }
}

_Noreturn void rt_usage_error(const char *prog, const char *message)
{
    const char *base = strrchr(prog, '/');
    fprintf(stderr, "%s: %s\n", base ? base + 1 : prog, message);
    exit(RT_EXIT_USAGE);
}

/* Run rt_init with stderr captured: Google Benchmark reports a bad value of
 * its own flags on a line of its own, which we fold into our one line. */
static void init_capturing_stderr(int *argc, char **argv, char *captured, size_t len)
{
    captured[0] = '\0';
    FILE *tmp = tmpfile();
    int saved = tmp ? dup(STDERR_FILENO) : -1;
    if (saved < 0) {
        if (tmp)
            fclose(tmp);
        rt_init(argc, argv);
        return;
    }
    fflush(stderr);
    dup2(fileno(tmp), STDERR_FILENO);
    rt_init(argc, argv);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    size_t n = fread(captured, 1, len - 1, tmp);
    captured[n] = '\0';
    fclose(tmp);
    captured[strcspn(captured, "\n")] = '\0';
}

void rt_flags_main(int *argc, char **argv, const char *summary, rt_flag *flags)
{
    for (int i = 1; i < *argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            rt_flags_usage(stdout, argv[0], summary, flags);
            exit(0);
        }
        if (!strcmp(argv[i], "--benchmark_help"))
            argv[i] = (char *)"--help";   /* Google Benchmark's own help */
    }
    char gb_said[512], err[512];
    init_capturing_stderr(argc, argv, gb_said, sizeof gb_said);
    if (rt_flags_parse(flags, *argc, argv, err, sizeof err) < 0) {
        bool gb_flag = gb_said[0] && strstr(err, "--benchmark_");
        rt_usage_error(argv[0], gb_flag ? gb_said : err);
    }
    if (gb_said[0])
        fprintf(stderr, "%s\n", gb_said);
    rt_flags_to_context(flags);
}

/* ---- comma-separated lists ---------------------------------------------- */

int rt_list_choices(const char *flag, const char *text, const char *const *names,
                    int *out, int max, char *err, size_t errlen)
{
    char *copy = strdup(text), *save = NULL;
    int n = 0, rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int found = -1;
        for (int i = 0; names[i]; i++)
            if (!strcmp(tok, names[i]))
                found = i;
        for (int i = 0; i < n && found >= 0; i++)
            if (out[i] == found) {
                snprintf(err, errlen, "--%s: '%s' is listed twice", flag, tok);
                rc = -1;
            }
        if (rc < 0)
            break;
        if (found < 0 || n == max) {
            char valid[256] = "";
            for (int i = 0; names[i]; i++)
                snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s",
                         i ? ", " : "", names[i]);
            snprintf(err, errlen, "--%s: '%s' is not one of %s (a comma-separated list)", flag,
                     tok, valid);
            rc = -1;
            break;
        }
        out[n++] = found;
    }
    free(copy);
    if (rc == 0 && n == 0) {
        snprintf(err, errlen, "--%s: empty list", flag);
        rc = -1;
    }
    return rc < 0 ? -1 : n;
}

int rt_list_ints(const char *flag, const char *text, int64_t min, int64_t max, int64_t *out,
                 int maxn, char *err, size_t errlen)
{
    char *copy = strdup(text), *save = NULL;
    int n = 0, rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *end;
        errno = 0;
        long long v = strtoll(tok, &end, 10);
        if (errno || *end || end == tok || v < min || v > max || n == maxn) {
            snprintf(err, errlen, "--%s: '%s' is invalid; valid: up to %d comma-separated "
                     "integers in %lld..%lld", flag, tok, maxn, (long long)min, (long long)max);
            rc = -1;
            break;
        }
        out[n++] = v;
    }
    free(copy);
    if (rc == 0 && n == 0) {
        snprintf(err, errlen, "--%s: empty list", flag);
        rc = -1;
    }
    return rc < 0 ? -1 : n;
}
