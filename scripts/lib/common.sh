# common.sh - sourced by every racetrack script.
set -euo pipefail

RT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RT_BUILD="${RT_BUILD:-$RT_ROOT/build}"
RT_BIN="$RT_BUILD/bin"

rt_log() { printf '%s\n' "$*" >&2; }

# jq definitions for a script's filter to start with.  f2: a non-negative
# number with two decimals, as printf's %.2f (jq's round / 100 prints 2 for
# 1.996 and 1.9 for 1.90).
RT_JQ_DEFS='def f2: . * 100 | round | "\(. / 100 | floor).\(. % 100 | if . < 10 then "0" else "" end)\(. % 100)";'

# One line naming the problem, exit status 2.
rt_usage_error() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
    exit 2
}

# rt_write_from FILE COMMAND [ARG...]: FILE gets the command's standard
# output, and only if the command exits 0.  The output goes to a temporary
# file beside FILE first, so readers see the old file or the whole new one,
# and a command that fails half-way leaves FILE as it was (or absent) and
# returns its status.  A pipeline goes in as a function, whose status under
# pipefail is its first failing part's: a producer piped into a writer is
# never committed on the writer's status alone.  A function of several
# commands must return their failure itself (`|| return 1`): set -e does
# not reach into a command whose status is being tested.
rt_write_from() {
    local dest=$1 tmp rc=0
    shift
    tmp=$(mktemp "$dest.tmp.XXXXXX") || return 1
    "$@" >"$tmp" || rc=$?
    if [ $rc -eq 0 ]; then
        mv -f "$tmp" "$dest" || { rc=$?; rm -f "$tmp"; }
    else
        rm -f "$tmp"
    fi
    return $rc
}
