/*
 * outfile.h - result files written whole or not at all.
 *
 * The writer gets a temporary file beside the target; commit flushes and
 * closes it, and renames it over the target only if every write succeeded.
 * A failed write (a full disk) leaves the target as it was, removes the
 * temporary, and says why.  A reader never sees half a file.
 */
#ifndef RT_OUTFILE_H
#define RT_OUTFILE_H

#include <limits.h>
#include <stdio.h>

typedef struct rt_outfile {
    FILE *f;                   /* write here */
    char path[PATH_MAX];
    char tmp[PATH_MAX];
} rt_outfile;

/* 0, or -1 with errno (the folder is missing or not writable). */
int rt_outfile_open(rt_outfile *o, const char *path);
/* 0, or -1 with errno; either way o->f is closed. */
int rt_outfile_commit(rt_outfile *o);
/* Drop what was written. */
void rt_outfile_abort(rt_outfile *o);

/* Before any work: whether path could be written (its temporary file is
 * made and removed).  0, or -1 with errno. */
int rt_outfile_writable(const char *path);

/* The same for a flag's value: nothing to check when path is NULL, else
 * one line naming the flag and exit status 2 if it cannot be written. */
void rt_outfile_check_flag(const char *prog, const char *flag, const char *path);

#endif /* RT_OUTFILE_H */
