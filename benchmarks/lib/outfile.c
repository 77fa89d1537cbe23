/*
 * outfile.c - result files written whole or not at all; see outfile.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flags.h"
#include "outfile.h"

int rt_outfile_open(rt_outfile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path ||
        snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof o->tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    o->f = fopen(o->tmp, "w");
    return o->f ? 0 : -1;
}

int rt_outfile_commit(rt_outfile *o)
{
    int err = 0;
    errno = 0;
    if (ferror(o->f) || fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)
        err = errno ? errno : EIO;
    if (fclose(o->f) != 0 && !err)
        err = errno;
    o->f = NULL;
    if (!err && rename(o->tmp, o->path) != 0)
        err = errno;
    if (err) {
        unlink(o->tmp);
        errno = err;
        return -1;
    }
    return 0;
}

void rt_outfile_abort(rt_outfile *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
}

int rt_outfile_writable(const char *path)
{
    rt_outfile o;
    if (rt_outfile_open(&o, path) < 0)
        return -1;
    rt_outfile_abort(&o);
    return 0;
}

void rt_outfile_check_flag(const char *prog, const char *flag, const char *path)
{
    if (!path || rt_outfile_writable(path) == 0)
        return;
    char msg[PATH_MAX + 160];
    snprintf(msg, sizeof msg, "--%s: cannot write '%s': %s; valid: a file in a folder this user can write",
             flag, path, strerror(errno));
    rt_usage_error(prog, msg);
}
