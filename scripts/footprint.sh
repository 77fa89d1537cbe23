#!/usr/bin/env bash
# footprint.sh - how many distinct 64-byte lines of code and of data real
# CPython's convoy loop touches per operation, for bench_gil's
# --io-code-lines and --io-data-lines (--old-... for python2.7):
#   code read1=N,socketpair=N,echo=N
#   data read1=N,socketpair=N,echo=N
# Each op's loop (scripts/lib/convoy_ops.py --trace, the statements of
# cpython_gil.py's timed loop) runs alone under valgrind's lackey, which
# prints every instruction and data access; scripts/lib/footprint.awk cuts
# the trace into operations at the libc function each calls first and
# counts the lines of each, and the median over the operations after the
# first --skip is printed.  The interpreter's binary is traced, not a
# wrapper (pyenv's shims are shell scripts, whose exec valgrind does not
# follow).  Under lackey an interpreter runs about a hundred times slower:
# a minute or two per Python.
# usage: footprint.sh [--ops N] [--skip N] PYTHON
source "$(dirname "$0")/lib/common.sh"

ops=200 skip=20 py=""
while [ $# -gt 0 ]; do
    case $1 in
    --ops|--skip)
        [[ ${2:-} =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 100000 ] ||
            rt_usage_error "$1: '${2:-}' is invalid; valid: an integer in 1..100000"
        if [ "$1" = --ops ]; then ops=$2; else skip=$2; fi
        shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) rt_usage_error "unknown flag '$1'; valid: --ops, --skip" ;;
    *) [ -z "$py" ] || rt_usage_error "one PYTHON only; usage: footprint.sh [--ops N] [--skip N] PYTHON"
       py=$1; shift ;;
    esac
done
[ -n "$py" ] || rt_usage_error "PYTHON: missing; usage: footprint.sh [--ops N] [--skip N] PYTHON"
[ "$skip" -lt "$ops" ] || rt_usage_error "--skip: $skip is invalid; valid: fewer than --ops ($ops)"
command -v valgrind >/dev/null || { rt_log "footprint.sh: no valgrind (scripts/deps.sh installs it)"; exit 1; }
exe=$("$py" -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$exe" ] ||
    rt_usage_error "PYTHON: '$py' is not a Python that runs here"

counts=$(valgrind --tool=lackey --trace-mem=yes --log-fd=2 "$exe" -S "$RT_ROOT/scripts/lib/convoy_ops.py" \
             --trace "$ops" 2>&1 >/dev/null | awk -v skip="$skip" -f "$RT_ROOT/scripts/lib/footprint.awk")
# One line per op of the loop's, each counted: or the trace was not what
# footprint.awk reads, and no figure is better than a wrong one.
[ "$(wc -l <<<"$counts")" -eq 3 ] ||
    { rt_log "footprint.sh: $py's trace gave no count for every op: '$counts'"; exit 1; }
awk '{ code = code sep $1 "=" $2; data = data sep $1 "=" $3; sep = "," }
     END { print "code " code; print "data " data }' <<<"$counts"
